//! Wix wire-format helpers shared by the test server: error envelopes, GUID shape checks,
//! timestamps and base64url.
//!
//! Everything here produces or reads raw JSON (`serde_json::Value`); nothing may depend on the
//! generated client types, so the server stays an independent reading of the reference.

use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

/// One entry of `details.validationError.fieldViolations[]`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Violation {
    /// Dotted field path, e.g. `message.content.basic.items[0].text`.
    pub field: String,
    /// Human-readable explanation.
    pub description: String,
    /// Rule family, e.g. `REQUIRED_FIELD`, `MAX_LENGTH`, `FORMAT`.
    pub violated_rule: &'static str,
    /// Specific rule, e.g. `GUID`, `WEB_URL`, or `VALIDATION_ERROR` when there is nothing more specific.
    pub rule_name: &'static str,
    /// Rule parameters, e.g. `{"max": 256}`.
    pub data: Value,
}

impl Violation {
    pub(crate) fn new(
        field: impl Into<String>,
        violated_rule: &'static str,
        description: impl Into<String>,
    ) -> Self {
        Violation {
            field: field.into(),
            description: description.into(),
            violated_rule,
            rule_name: "VALIDATION_ERROR",
            data: json!({}),
        }
    }

    pub(crate) fn rule_name(mut self, rule_name: &'static str) -> Self {
        self.rule_name = rule_name;
        self
    }

    pub(crate) fn data(mut self, data: Value) -> Self {
        self.data = data;
        self
    }

    fn to_json(&self) -> Value {
        json!({
            "field": self.field,
            "description": self.description,
            "violatedRule": self.violated_rule,
            "ruleName": self.rule_name,
            "data": self.data,
        })
    }
}

/// The violation for a malformed GUID.
pub(crate) fn guid_violation(field: &str) -> Violation {
    Violation::new(field, "FORMAT", "must be a valid GUID")
        .rule_name("GUID")
        .data(json!({ "type": "GUID" }))
}

/// A JSON response with `content-type: application/json`.
pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// The Wix application-error envelope:
/// `{message, details: {applicationError: {code, description, data}}}`.
pub(crate) fn application_error(status: StatusCode, code: &str, description: &str) -> Response {
    json_response(
        status,
        &json!({
            "message": description,
            "details": {
                "applicationError": { "code": code, "description": description, "data": {} }
            }
        }),
    )
}

/// A 400 with the Wix validation envelope:
/// `{message, details: {validationError: {fieldViolations: [...]}}}`.
pub(crate) fn validation_error(violations: &[Violation]) -> Response {
    let summary = match violations.first() {
        Some(first) => format!("INVALID_ARGUMENT: {}: {}", first.field, first.description),
        None => "INVALID_ARGUMENT".to_owned(),
    };
    let field_violations: Vec<Value> = violations.iter().map(Violation::to_json).collect();
    json_response(
        StatusCode::BAD_REQUEST,
        &json!({
            "message": summary,
            "details": { "validationError": { "fieldViolations": field_violations } }
        }),
    )
}

/// An application error not yet rendered, small enough to return in a `Result`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct AppError {
    pub status: StatusCode,
    pub code: &'static str,
    pub description: String,
}

impl AppError {
    pub(crate) fn new(
        status: StatusCode,
        code: &'static str,
        description: impl Into<String>,
    ) -> Self {
        AppError {
            status,
            code,
            description: description.into(),
        }
    }

    /// 400 `INVALID_ARGUMENT`, for requests that cannot even be parsed.
    pub(crate) fn invalid_argument(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "INVALID_ARGUMENT", description)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        application_error(self.status, self.code, &self.description)
    }
}

/// `CONVERSATION_NOT_FOUND` as a 404.
pub(crate) fn conversation_not_found(conversation_id: Uuid) -> Response {
    application_error(
        StatusCode::NOT_FOUND,
        "CONVERSATION_NOT_FOUND",
        &format!("Conversation {conversation_id} not found"),
    )
}

/// Parses a GUID in Wix's canonical shape (`8-4-4-4-12` hex digits, any version), rejecting
/// the other spellings `Uuid::parse_str` would accept (simple, braced, URN).
pub(crate) fn parse_guid(text: &str) -> Option<Uuid> {
    if text.len() != 36 {
        return None;
    }
    Uuid::try_parse(text).ok()
}

/// A fresh random (version 4) GUID.
pub(crate) fn random_guid() -> Uuid {
    uuid::Builder::from_random_bytes(rand::random()).into_uuid()
}

/// Now as RFC 3339 UTC with milliseconds and `Z`, e.g. `2023-11-15T10:19:44.064Z`.
pub(crate) fn now_rfc3339() -> String {
    timestamp(chrono::Utc::now())
}

pub(crate) fn timestamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// base64url without padding (RFC 4648 §5), as used by Wix cursors and the SDK's `.r` parameter.
pub(crate) fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        let sextets = chunk.len() + 1;
        for i in 0..sextets {
            out.push(char::from(BASE64URL[((n >> (18 - 6 * i)) & 0x3f) as usize]));
        }
    }
    out
}

/// Decodes base64url with or without padding; `None` for any other character or a bad length.
pub(crate) fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.as_bytes().chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            let value = BASE64URL.iter().position(|&a| a == c)? as u32;
            n |= value << (18 - 6 * i);
        }
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips_every_length() {
        for len in 0..10 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 250) as u8).collect();
            let encoded = base64url_encode(&bytes);
            assert!(!encoded.contains('='));
            assert_eq!(base64url_decode(&encoded).unwrap(), bytes);
        }
        assert_eq!(base64url_encode(b"{\"a\":1}"), "eyJhIjoxfQ");
        assert_eq!(base64url_decode("not base64!"), None);
        assert_eq!(base64url_decode("A"), None);
    }

    #[test]
    fn guid_shape_is_strict() {
        assert!(parse_guid("5f65164f-b373-3cb9-be2e-f1fdc00c86a9").is_some());
        assert!(parse_guid("5f65164fb3733cb9be2ef1fdc00c86a9").is_none());
        assert!(parse_guid("{5f65164f-b373-3cb9-be2e-f1fdc00c86a9}").is_none());
        assert!(parse_guid("not-a-guid").is_none());
    }
}
