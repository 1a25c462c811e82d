//! Form bodies: `application/x-www-form-urlencoded` from a typed struct, and
//! `multipart/form-data` from typed fields and file parts. Generated methods call these with
//! a static table of the media type's `encoding`; nothing here is per operation.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::Value;

use super::validate::TypeRules;
use crate::body::{header_value, FilePart};
use crate::client::RequestBody;
use crate::error::Error;

/// How one property of a urlencoded form is written (OpenAPI `encoding.style`/`explode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormStyle {
    /// `form` (the default): a list is `name=a&name=b` (exploded) or `name=a,b`; an object
    /// is `key=value` per property (exploded) or `name=key,value,...`.
    Form,
    /// `spaceDelimited`: list items joined by spaces.
    SpaceDelimited,
    /// `pipeDelimited`: list items joined by `|`.
    PipeDelimited,
    /// `deepObject`: `name[key]=value` per property, nested objects `name[a][b]=value`.
    DeepObject,
}

/// The encoding of one property that differs from the default (`form`, exploded).
#[derive(Clone, Copy, Debug)]
pub struct FormEncoding {
    /// The property's name on the wire.
    pub name: &'static str,
    /// Its style.
    pub style: FormStyle,
    /// Its `explode`.
    pub explode: bool,
}

/// Encodes `body` as `application/x-www-form-urlencoded`, after checking it against the
/// documented limits of `type_name`. Properties come in field order, each written per its
/// entry in `encodings` (or `form`, exploded); absent (`None`) properties are left out.
pub fn form_body<T: Serialize, C>(
    body: &T,
    type_name: &str,
    rules: &[TypeRules],
    encodings: &[FormEncoding],
) -> Result<RequestBody, Error<C>> {
    let value =
        serde_json::to_value(body).map_err(|e| Error::invalid_request("body", e.to_string()))?;
    if let Some((path, reason)) = super::validate::check(rules, type_name, &value, "") {
        return Err(Error::invalid_request(path, reason));
    }
    if !value.is_object() {
        return Err(Error::invalid_request(
            "body",
            "a form body must be an object (a struct or a map)",
        ));
    }
    // JSON text keeps the struct's field order, which a `Value` (a sorted map) loses.
    let text =
        serde_json::to_string(body).map_err(|e| Error::invalid_request("body", e.to_string()))?;
    let Ok(Ordered(properties)) = serde_json::from_str::<Ordered>(&text) else {
        return Err(Error::invalid_request("body", "not a JSON object"));
    };
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (name, value) in &properties {
        let encoding = encodings.iter().find(|e| e.name == name);
        let (style, explode) = encoding.map_or((FormStyle::Form, true), |e| (e.style, e.explode));
        encode_property(&mut pairs, name, value, style, explode);
    }
    let mut out = String::new();
    for (i, (key, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        urlencode_into(&mut out, key);
        out.push('=');
        urlencode_into(&mut out, value);
    }
    Ok(RequestBody::Bytes {
        content_type: http::HeaderValue::from_static("application/x-www-form-urlencoded"),
        bytes: out.into(),
    })
}

/// The properties of a JSON object in the order its text lists them.
struct Ordered(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for Ordered {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Ordered, A::Error> {
                let mut properties = Vec::new();
                while let Some(entry) = map.next_entry::<String, Value>()? {
                    properties.push(entry);
                }
                Ok(Ordered(properties))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// The pairs of one property (before percent-encoding).
fn encode_property(
    pairs: &mut Vec<(String, String)>,
    name: &str,
    value: &Value,
    style: FormStyle,
    explode: bool,
) {
    match value {
        Value::Null => {}
        Value::Array(items) => {
            let items: Vec<String> = items.iter().filter_map(scalar_text).collect();
            let separator = match style {
                FormStyle::SpaceDelimited => " ",
                FormStyle::PipeDelimited => "|",
                FormStyle::Form | FormStyle::DeepObject => ",",
            };
            if explode && matches!(style, FormStyle::Form | FormStyle::DeepObject) {
                pairs.extend(items.into_iter().map(|item| (name.to_owned(), item)));
            } else {
                pairs.push((name.to_owned(), items.join(separator)));
            }
        }
        Value::Object(properties) => match (style, explode) {
            (FormStyle::DeepObject, _) => deep_object(pairs, name, value),
            (_, true) => {
                for (key, value) in properties {
                    if let Some(text) = scalar_text(value) {
                        pairs.push((key.clone(), text));
                    }
                }
            }
            (_, false) => {
                let separator = match style {
                    FormStyle::SpaceDelimited => " ",
                    FormStyle::PipeDelimited => "|",
                    _ => ",",
                };
                let items: Vec<String> = properties
                    .iter()
                    .filter_map(|(k, v)| scalar_text(v).map(|v| format!("{k}{separator}{v}")))
                    .collect();
                pairs.push((name.to_owned(), items.join(separator)));
            }
        },
        scalar => pairs.extend(scalar_text(scalar).map(|text| (name.to_owned(), text))),
    }
}

/// `name[key]=value`, recursing into nested objects; list items repeat their key.
fn deep_object(pairs: &mut Vec<(String, String)>, prefix: &str, value: &Value) {
    match value {
        Value::Object(properties) => {
            for (key, value) in properties {
                deep_object(pairs, &format!("{prefix}[{key}]"), value);
            }
        }
        Value::Array(items) => {
            for item in items {
                deep_object(pairs, prefix, item);
            }
        }
        Value::Null => {}
        scalar => pairs.extend(scalar_text(scalar).map(|text| (prefix.to_owned(), text))),
    }
}

/// A value as form text: a string as it is, a number or boolean as in JSON, anything nested
/// as its JSON text (OpenAPI defines no form for it); `None` for null.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// Appends `text` percent-encoded as `application/x-www-form-urlencoded` does (the WHATWG
/// URL standard's serializer): alphanumerics and `*-._` kept, space as `+`, the rest `%XX`.
fn urlencode_into(out: &mut String, text: &str) {
    for &byte in text.as_bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            _ => super::push_percent_escape(out, byte),
        }
    }
}

/// A `multipart/form-data` body being built by a generated method: typed fields become text
/// parts (objects as JSON), file parts keep their bytes, file name and content type.
#[derive(Default)]
pub struct Multipart {
    form: Option<reqwest::multipart::Form>,
    /// Every part is in memory, so the body can be sent again on a retry.
    in_memory: bool,
    error: Option<(String, String)>,
}

impl Multipart {
    /// An empty form.
    pub fn new() -> Multipart {
        Multipart {
            form: Some(reqwest::multipart::Form::new()),
            in_memory: true,
            error: None,
        }
    }

    /// Adds the typed field `name`: nothing for `None`, one text part for a scalar (a string
    /// as it is, numbers and booleans as in JSON), a part per item for a list, and a JSON
    /// part for an object; `content_type` is the spec's `encoding.contentType` for it.
    pub fn field<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        content_type: Option<&'static str>,
    ) {
        match serde_json::to_value(value) {
            Ok(Value::Array(items)) => {
                for item in &items {
                    self.value_part(name.into(), item, content_type);
                }
            }
            Ok(value) => self.value_part(name.into(), &value, content_type),
            Err(e) => self.fail(name, e.to_string()),
        }
    }

    /// Adds one text part `name` holding `text` as it is, with `content_type` when given.
    pub(crate) fn text(
        &mut self,
        name: Cow<'static, str>,
        text: String,
        content_type: Option<&str>,
    ) {
        self.value_part(name, &Value::String(text), content_type);
    }

    fn value_part(&mut self, name: Cow<'static, str>, value: &Value, content_type: Option<&str>) {
        let (text, default) = match value {
            Value::Null => return,
            Value::String(s) => (s.clone(), None),
            Value::Object(_) | Value::Array(_) => (value.to_string(), Some("application/json")),
            other => (other.to_string(), None),
        };
        let mut part = reqwest::multipart::Part::text(text);
        if let Some(content_type) = content_type.or(default) {
            part = match part.mime_str(content_type) {
                Ok(part) => part,
                Err(_) => return self.fail(&name, format!("bad content type `{content_type}`")),
            };
        }
        self.push(name, part);
    }

    /// Adds the file part `name`; `content_type` is the spec's `encoding.contentType` for it,
    /// used unless the part sets its own (else `application/octet-stream`).
    pub fn file(
        &mut self,
        name: impl Into<Cow<'static, str>>,
        file: FilePart,
        content_type: Option<&'static str>,
    ) {
        let name = name.into();
        let (mut body, file_name) = file.into_parts();
        self.in_memory &= body.in_memory();
        let content_type = body.take_content_type().unwrap_or_else(|| {
            content_type
                .unwrap_or("application/octet-stream")
                .to_owned()
        });
        let mut part = match body.into_part().mime_str(&content_type) {
            Ok(part) => part,
            Err(_) => return self.fail(&name, format!("bad content type `{content_type}`")),
        };
        if let Some(file_name) = file_name {
            part = part.file_name(file_name);
        }
        self.push(name, part);
    }

    /// Adds each file of a list of file parts under the same `name`.
    pub fn files(
        &mut self,
        name: &'static str,
        files: Vec<FilePart>,
        content_type: Option<&'static str>,
    ) {
        for file in files {
            self.file(name, file, content_type);
        }
    }

    fn push(&mut self, name: Cow<'static, str>, part: reqwest::multipart::Part) {
        if let Some(form) = self.form.take() {
            self.form = Some(form.part(name, part));
        }
    }

    fn fail(&mut self, name: &str, reason: String) {
        if self.error.is_none() {
            self.error = Some((name.to_owned(), reason));
        }
    }

    /// The request body: read into memory when every part is in memory already (so a retry
    /// can send it again), streamed otherwise.
    pub async fn into_body<C>(self) -> Result<RequestBody, Error<C>> {
        if let Some((name, reason)) = self.error {
            return Err(Error::invalid_request(name, reason));
        }
        let form = self.form.unwrap_or_default();
        let content_type = header_value(&format!(
            "multipart/form-data; boundary={}",
            form.boundary()
        ))?;
        let stream = form.into_stream();
        if self.in_memory {
            use futures::TryStreamExt;
            let chunks: Vec<bytes::Bytes> = stream
                .try_collect()
                .await
                .map_err(|e| Error::invalid_request("body", e.to_string()))?;
            return Ok(RequestBody::Bytes {
                content_type,
                bytes: chunks.concat().into(),
            });
        }
        Ok(RequestBody::Stream {
            content_type,
            body: reqwest::Body::wrap_stream(stream),
            length: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn encode(value: Value, encodings: &[FormEncoding]) -> String {
        match form_body::<_, String>(&value, "X", &[], encodings).unwrap() {
            RequestBody::Bytes { bytes, .. } => String::from_utf8(bytes.to_vec()).unwrap(),
            _ => unreachable!("form bodies are bytes"),
        }
    }

    #[test]
    fn urlencoded_styles() {
        let value = json!({
            "name": "Ada Lovelace & co",
            "tags": ["a", "b"],
            "color": {"r": 1, "g": 2},
            "none": null,
        });
        assert_eq!(
            encode(value.clone(), &[]),
            "g=2&r=1&name=Ada+Lovelace+%26+co&tags=a&tags=b"
        );
        let encodings = [
            FormEncoding {
                name: "tags",
                style: FormStyle::PipeDelimited,
                explode: false,
            },
            FormEncoding {
                name: "color",
                style: FormStyle::DeepObject,
                explode: true,
            },
        ];
        assert_eq!(
            encode(value, &encodings),
            "color%5Bg%5D=2&color%5Br%5D=1&name=Ada+Lovelace+%26+co&tags=a%7Cb"
        );
        let form = [FormEncoding {
            name: "color",
            style: FormStyle::Form,
            explode: false,
        }];
        assert_eq!(
            encode(json!({"color": {"r": 1, "g": 2}}), &form),
            "color=g%2C2%2Cr%2C1"
        );
        assert!(form_body::<_, String>(&json!([1]), "X", &[], &[]).is_err());
    }
}
