//! Response bodies that are not JSON: what operations whose spec gives a `text/*` response
//! return (`String`) and what the others (PDF, zip, images, audio, octet streams) return
//! ([`Binary`]). Both are read whole, under the client's response size limit
//! ([`ClientBuilder::max_response_bytes`](crate::client::ClientBuilder)).

use bytes::Bytes;

use crate::client::{Client, OperationMeta, Request};
use crate::error::Error;

/// A response body as bytes, with the content type the server gave.
#[derive(Clone, PartialEq, Eq)]
pub struct Binary {
    /// The `Content-Type` header (e.g. `application/pdf`), when the server sent one.
    pub content_type: Option<String>,
    /// The body.
    pub bytes: Bytes,
}

impl std::fmt::Debug for Binary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The body may be large and hold personal data: only its size.
        f.debug_struct("Binary")
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// Sends a request whose success response is text, and returns the body as a `String`
/// (bytes that are not UTF-8 are replaced by U+FFFD).
pub async fn execute_text<C: From<String>>(
    client: &Client,
    op: &'static OperationMeta,
    req: impl Into<Request>,
) -> Result<String, Error<C>> {
    let raw = client
        .execute_raw(op, req.into().any_content_type())
        .await
        .map_err(Error::map_code)?;
    Ok(String::from_utf8_lossy(&raw.body).into_owned())
}

/// Sends a request whose success response is not JSON, and returns its bytes and content type.
pub async fn execute_binary<C: From<String>>(
    client: &Client,
    op: &'static OperationMeta,
    req: impl Into<Request>,
) -> Result<Binary, Error<C>> {
    let raw = client
        .execute_raw(op, req.into().any_content_type())
        .await
        .map_err(Error::map_code)?;
    let content_type = raw
        .headers
        .get(http::header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    Ok(Binary {
        content_type,
        bytes: raw.body,
    })
}
