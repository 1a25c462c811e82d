//! Request bodies that are not JSON: raw bytes or byte streams ([`RawBody`], for
//! `application/octet-stream`, `text/*`, images, ...), the file parts of multipart forms
//! ([`FilePart`]) and multipart forms whose parts the spec does not list ([`MultipartForm`]).
//!
//! A body held in memory is sent again when a request is retried; a streamed body (from a file
//! or a `Stream`) is read once, while it is sent, so a request carrying one is never retried.

use std::fmt;
use std::path::Path;

use bytes::Bytes;
use futures::Stream;
use http::HeaderValue;

/// Where the bytes of a body come from.
enum Source {
    /// In memory: sent again on a retry.
    Bytes(Bytes),
    /// Read while it is sent (once), with its length when known.
    Stream(reqwest::Body, Option<u64>),
}

/// A raw request body: bytes in memory, or a stream of bytes read while it is sent, and its
/// content type (by default the media type the spec gives the operation).
///
/// ```no_run
/// use inbox_api::body::RawBody;
/// # async fn demo() -> std::io::Result<()> {
/// let csv = RawBody::from("id,name\n1,Ada\n");
/// let image = RawBody::open("photo.jpg").await?.content_type("image/jpeg");
/// let chunks = futures::stream::iter(vec![Ok::<_, std::io::Error>(bytes::Bytes::from("a"))]);
/// let streamed = RawBody::stream(chunks);
/// # let _ = (csv, image, streamed); Ok(()) }
/// ```
pub struct RawBody {
    source: Source,
    content_type: Option<String>,
}

impl RawBody {
    /// A body held in memory.
    pub fn bytes(bytes: impl Into<Bytes>) -> RawBody {
        RawBody {
            source: Source::Bytes(bytes.into()),
            content_type: None,
        }
    }

    /// A body read from `stream` while it is sent, never held whole in memory (sent with
    /// chunked transfer encoding, since its length is unknown).
    pub fn stream<S, E>(stream: S) -> RawBody
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
    {
        RawBody {
            source: Source::Stream(reqwest::Body::wrap_stream(stream), None),
            content_type: None,
        }
    }

    /// A body read from an open file while it is sent (with its length when it is a regular
    /// file; a pipe or device is sent chunked).
    pub async fn file(file: tokio::fs::File) -> std::io::Result<RawBody> {
        let metadata = file.metadata().await?;
        let length = metadata.is_file().then_some(metadata.len());
        Ok(RawBody {
            source: Source::Stream(reqwest::Body::from(file), length),
            content_type: None,
        })
    }

    /// The file at `path`, read while it is sent.
    pub async fn open(path: impl AsRef<Path>) -> std::io::Result<RawBody> {
        RawBody::file(tokio::fs::File::open(path).await?).await
    }

    /// Sets the content type (instead of the operation's media type).
    pub fn content_type(mut self, content_type: impl Into<String>) -> RawBody {
        self.content_type = Some(content_type.into());
        self
    }

    /// The length in bytes, when known (always for bytes and files).
    pub fn len(&self) -> Option<u64> {
        match &self.source {
            Source::Bytes(bytes) => Some(bytes.len() as u64),
            Source::Stream(_, length) => *length,
        }
    }

    /// True for a body in memory with no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }

    /// The request body with this content type, or `default` (the spec's media type).
    #[doc(hidden)]
    pub fn into_request<C>(
        self,
        default: &str,
    ) -> Result<crate::client::RequestBody, crate::error::Error<C>> {
        let content_type = header_value(self.content_type.as_deref().unwrap_or(default))?;
        Ok(match self.source {
            Source::Bytes(bytes) => crate::client::RequestBody::Bytes {
                content_type,
                bytes,
            },
            Source::Stream(body, length) => crate::client::RequestBody::Stream {
                content_type,
                body,
                length,
            },
        })
    }

    /// The part of a multipart form this body becomes (content type set by the caller).
    pub(crate) fn into_part(self) -> reqwest::multipart::Part {
        match self.source {
            Source::Bytes(bytes) => reqwest::multipart::Part::stream(bytes),
            Source::Stream(body, Some(length)) => {
                reqwest::multipart::Part::stream_with_length(body, length)
            }
            Source::Stream(body, None) => reqwest::multipart::Part::stream(body),
        }
    }

    /// In memory (sent again on a retry).
    pub(crate) fn in_memory(&self) -> bool {
        matches!(self.source, Source::Bytes(_))
    }
}

/// A content type as a header value, or an invalid-request error naming it.
pub(crate) fn header_value<C>(content_type: &str) -> Result<HeaderValue, crate::error::Error<C>> {
    HeaderValue::from_str(content_type).map_err(|_| {
        crate::error::Error::invalid_request(
            "content type",
            format!("`{content_type}` is not a valid header value"),
        )
    })
}

impl fmt::Debug for RawBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The bytes may be personal data: only their size and kind.
        f.debug_struct("RawBody")
            .field("in_memory", &self.in_memory())
            .field("len", &self.len())
            .field("content_type", &self.content_type)
            .finish()
    }
}

impl From<Bytes> for RawBody {
    fn from(bytes: Bytes) -> RawBody {
        RawBody::bytes(bytes)
    }
}

impl From<Vec<u8>> for RawBody {
    fn from(bytes: Vec<u8>) -> RawBody {
        RawBody::bytes(bytes)
    }
}

impl From<String> for RawBody {
    fn from(text: String) -> RawBody {
        RawBody::bytes(text)
    }
}

impl From<&'static str> for RawBody {
    fn from(text: &'static str) -> RawBody {
        RawBody::bytes(text)
    }
}

impl From<&'static [u8]> for RawBody {
    fn from(bytes: &'static [u8]) -> RawBody {
        RawBody::bytes(bytes)
    }
}

/// A file part of a multipart form: its bytes (in memory or streamed, as a [`RawBody`]), the
/// file name and the content type sent in the part's headers.
///
/// ```no_run
/// use inbox_api::body::FilePart;
/// # async fn demo() -> std::io::Result<()> {
/// let from_memory = FilePart::bytes(vec![0x89, b'P', b'N', b'G']).file_name("logo.png");
/// let from_disk = FilePart::open("report.pdf").await?; // file name `report.pdf`
/// # let _ = (from_memory, from_disk); Ok(()) }
/// ```
#[derive(Debug)]
pub struct FilePart {
    body: RawBody,
    file_name: Option<String>,
}

impl FilePart {
    /// A part held in memory.
    pub fn bytes(bytes: impl Into<Bytes>) -> FilePart {
        FilePart::from(RawBody::bytes(bytes))
    }

    /// A part read from `stream` while it is sent.
    pub fn stream<S, E>(stream: S) -> FilePart
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
    {
        FilePart::from(RawBody::stream(stream))
    }

    /// The file at `path`, read while it is sent; its file name is the path's last component.
    pub async fn open(path: impl AsRef<Path>) -> std::io::Result<FilePart> {
        let path = path.as_ref();
        let mut part = FilePart::from(RawBody::open(path).await?);
        part.file_name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned());
        Ok(part)
    }

    /// Sets the file name (the `filename` of the part's `Content-Disposition`).
    pub fn file_name(mut self, file_name: impl Into<String>) -> FilePart {
        self.file_name = Some(file_name.into());
        self
    }

    /// Sets the part's content type (instead of the one the spec gives, or
    /// `application/octet-stream`).
    pub fn content_type(mut self, content_type: impl Into<String>) -> FilePart {
        self.body = self.body.content_type(content_type);
        self
    }

    pub(crate) fn into_parts(self) -> (RawBody, Option<String>) {
        (self.body, self.file_name)
    }
}

impl From<RawBody> for FilePart {
    fn from(body: RawBody) -> FilePart {
        FilePart {
            body,
            file_name: None,
        }
    }
}

impl RawBody {
    pub(crate) fn take_content_type(&mut self) -> Option<String> {
        self.content_type.take()
    }
}

/// A `multipart/form-data` body built part by part, for an operation whose spec does not list
/// the form's parts (no schema, or one that is not an object with properties): text fields and
/// [`FilePart`]s added by name, sent in the order added with a generated boundary. A file part
/// read from a file or a `Stream` is read while the request is sent (never whole into memory),
/// and then the request is not retried.
///
/// ```no_run
/// use inbox_api::body::{FilePart, MultipartForm};
/// # async fn demo() -> std::io::Result<()> {
/// let form = MultipartForm::new()
///     .text("title", "Quarterly report")
///     .file("attachment", FilePart::open("report.pdf").await?)
///     .text_with_type("meta", r#"{"pages":3}"#, "application/json");
/// # let _ = form; Ok(()) }
/// ```
#[derive(Default)]
pub struct MultipartForm {
    parts: Vec<(String, FormValue)>,
}

/// One part of a [`MultipartForm`].
enum FormValue {
    /// Text, with its content type when set.
    Text(String, Option<String>),
    /// A file.
    File(FilePart),
}

impl MultipartForm {
    /// A form with no parts.
    pub fn new() -> MultipartForm {
        MultipartForm::default()
    }

    /// Adds a text field (a part without a content type, as browsers send form fields).
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> MultipartForm {
        self.parts
            .push((name.into(), FormValue::Text(value.into(), None)));
        self
    }

    /// Adds a text part with a content type (`application/json` for a JSON part, ...).
    pub fn text_with_type(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
        content_type: impl Into<String>,
    ) -> MultipartForm {
        self.parts.push((
            name.into(),
            FormValue::Text(value.into(), Some(content_type.into())),
        ));
        self
    }

    /// Adds a file part (its file name and content type are the [`FilePart`]'s; without one,
    /// `application/octet-stream`).
    pub fn file(mut self, name: impl Into<String>, file: FilePart) -> MultipartForm {
        self.parts.push((name.into(), FormValue::File(file)));
        self
    }

    /// The number of parts.
    pub fn len(&self) -> usize {
        self.parts.len()
    }

    /// True when no part was added.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// The request body: the parts in the order added; read into memory when every part is in
    /// memory already (so a retry can send it again), streamed otherwise.
    #[doc(hidden)]
    pub async fn into_request<C>(
        self,
    ) -> Result<crate::client::RequestBody, crate::error::Error<C>> {
        let mut form = super::form::Multipart::new();
        for (name, value) in self.parts {
            match value {
                FormValue::Text(text, content_type) => {
                    form.text(name.into(), text, content_type.as_deref())
                }
                FormValue::File(file) => form.file(name, file, None),
            }
        }
        form.into_body().await
    }
}

impl fmt::Debug for MultipartForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Values may be personal data: the part names and kinds only.
        let mut list = f.debug_list();
        for (name, value) in &self.parts {
            match value {
                FormValue::Text(..) => list.entry(&format_args!("{name:?}: text")),
                FormValue::File(..) => list.entry(&format_args!("{name:?}: file")),
            };
        }
        list.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_free_form_shows_part_names_not_values() {
        let form = MultipartForm::new()
            .text("title", "secret title")
            .file("doc", FilePart::bytes("secret bytes"));
        assert_eq!(form.len(), 2);
        let shown = format!("{form:?}");
        assert_eq!(shown, r#"["title": text, "doc": file]"#);
    }
}
