//! The errors every operation returns, and the decoding of Wix's error envelope.
//!
//! One [`Error`] variant per thing a caller handles differently. Messages start lowercase, have
//! no trailing period, and never contain a token, a key or a response body; the cause of a
//! failure is reachable through [`std::error::Error::source`], not repeated in the message.

use std::fmt;
use std::time::Duration;

use http::StatusCode;

/// A boxed error used as the `source` of transport failures.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The longest body excerpt kept in [`Error::Decode`], in characters.
pub const EXCERPT_MAX_CHARS: usize = 512;

/// How much of a server-supplied message is shown in `Display`, in characters.
const MESSAGE_MAX_CHARS: usize = 500;

/// How many field violations `Display` lists before summarising the rest.
const VIOLATIONS_SHOWN: usize = 5;

/// An error from calling the Wix Inbox API.
///
/// `C` is the operation's application error code type: a generated open enum listing the codes
/// the operation documents (unknown codes are kept verbatim), or `String` for operations without
/// listed codes.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<C = String> {
    /// The connection failed (refused, reset, TLS, IO) before or while the response arrived.
    #[error("{}{}", .phase.failure_text(), RequestIdSuffix(.request_id.as_deref()))]
    #[non_exhaustive]
    Transport {
        /// How far the request got.
        phase: TransportPhase,
        /// The `x-wix-request-id` response header, when the response had started.
        request_id: Option<String>,
        /// The underlying error.
        #[source]
        source: BoxError,
    },
    /// Wix did not answer (or finish answering) within the configured time.
    #[error("{}", TimeoutText { phase: *.phase, after: *.after })]
    #[non_exhaustive]
    Timeout {
        /// How far the request got.
        phase: TransportPhase,
        /// The limit that was exceeded, when known.
        after: Option<Duration>,
    },
    /// Wix answered with an error status; its error envelope is decoded in [`ApiError`]
    /// (boxed to keep `Result`s small).
    #[error("{0}")]
    Api(Box<ApiError<C>>),
    /// A success response whose body is not the JSON this client expects.
    #[error("could not decode the {} response from wix{}", StatusText(*.status), RequestIdSuffix(.request_id.as_deref()))]
    #[non_exhaustive]
    Decode {
        /// The response status.
        status: StatusCode,
        /// What serde reported, with line and column.
        #[source]
        source: serde_json::Error,
        /// Up to [`EXCERPT_MAX_CHARS`] characters of the body around the error position.
        excerpt: String,
        /// The `x-wix-request-id` response header.
        request_id: Option<String>,
    },
    /// The response body is larger than `ClientBuilder::max_response_bytes`.
    #[error("the {} response from wix is larger than the {limit}-byte limit{}", StatusText(*.status), RequestIdSuffix(.request_id.as_deref()))]
    #[non_exhaustive]
    ResponseTooLarge {
        /// The configured limit, in bytes.
        limit: u64,
        /// The response status.
        status: StatusCode,
        /// The `x-wix-request-id` response header.
        request_id: Option<String>,
    },
    /// A success response that is not `application/json`.
    #[error(
        "expected a JSON response from wix but got {} with content type {}{}",
        StatusText(*.status),
        .content_type.as_deref().unwrap_or("(none)"),
        RequestIdSuffix(.request_id.as_deref())
    )]
    #[non_exhaustive]
    UnexpectedContentType {
        /// The response status.
        status: StatusCode,
        /// The `content-type` header, if any.
        content_type: Option<String>,
        /// The `x-wix-request-id` response header.
        request_id: Option<String>,
    },
    /// The request breaks a documented limit and was not sent.
    #[error("invalid request: {field_path}: {reason}")]
    #[non_exhaustive]
    InvalidRequest {
        /// Dotted path of the offending field, e.g. `message.content.previewText`.
        field_path: String,
        /// What is wrong, e.g. `must be at most 256 characters`.
        reason: String,
    },
    /// The client or the request could not be built.
    #[error(transparent)]
    Build(#[from] BuildError),
    /// A paginated listing was ended because the server's cursors do not lead to an end (a
    /// cursor came back that this stream had already fetched, or too many empty pages came in
    /// a row). The items before it were delivered; the stream ends after this error.
    #[error(transparent)]
    Paging(#[from] PagingError),
}

/// Why [`paginate`](crate::paging::paginate) ended a stream with an error, and in which
/// operation. Never contains a cursor (cursors encode query parameters).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("stopped paging through {operation}: {fault} (after {pages} pages)")]
#[non_exhaustive]
pub struct PagingError {
    /// The list operation's `operationId`, e.g. `listMessages`.
    pub operation: &'static str,
    /// What went wrong.
    pub fault: PagingFault,
    /// Pages fetched by the stream, including the one that revealed the fault.
    pub pages: u64,
}

impl PagingError {
    /// A paging error of `operation` after `pages` pages.
    pub fn new(operation: &'static str, fault: PagingFault, pages: u64) -> PagingError {
        PagingError {
            operation,
            fault,
            pages,
        }
    }
}

/// What kind of endless paging [`PagingError`] detected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum PagingFault {
    /// The server handed back a next cursor this stream had already fetched (the one it was
    /// just sent, or an older one: a cycle).
    #[error("wix returned a cursor this stream had already fetched")]
    CursorRepeated,
    /// This many pages in a row had no items but a next cursor
    /// ([`MAX_EMPTY_PAGES`](crate::paging::MAX_EMPTY_PAGES) is the limit).
    #[error("wix returned {0} empty pages in a row, each with a next cursor")]
    EmptyPages(u32),
}

/// How far a request got before a transport failure or a timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportPhase {
    /// Opening the connection (DNS, TCP, TLS); nothing was sent.
    Connect,
    /// Sending the request or waiting for the response headers.
    Send,
    /// Reading the response body, after the status and headers arrived.
    Body,
}

impl TransportPhase {
    fn failure_text(self) -> &'static str {
        match self {
            TransportPhase::Connect => "could not connect to wix",
            TransportPhase::Send => "the connection to wix failed before a response arrived",
            TransportPhase::Body => "the connection to wix failed while reading the response",
        }
    }
}

struct TimeoutText {
    phase: TransportPhase,
    after: Option<Duration>,
}

impl fmt::Display for TimeoutText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("timed out")?;
        if let Some(after) = self.after {
            write!(f, " after {}", Seconds(after))?;
        }
        f.write_str(match self.phase {
            TransportPhase::Connect => " connecting to wix",
            TransportPhase::Send => " waiting for wix to respond",
            TransportPhase::Body => " reading the response from wix",
        })
    }
}

struct RequestIdSuffix<'a>(Option<&'a str>);

impl fmt::Display for RequestIdSuffix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(id) => write!(f, " [request id {id}]"),
            None => Ok(()),
        }
    }
}

/// `404 Not Found`, or just `599` for a status without a reason phrase.
struct StatusText(StatusCode);

impl fmt::Display for StatusText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.canonical_reason() {
            Some(reason) => write!(f, "{} {reason}", self.0.as_u16()),
            None => write!(f, "{}", self.0.as_u16()),
        }
    }
}

/// Errors from building a [`Client`](crate::client::Client) or a request URL.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The base URL is not an absolute `https` URL (plain `http` only for loopback hosts).
    #[error("invalid base URL{}: {reason}", .url.as_deref().map(|u| format!(" {u:?}")).unwrap_or_default())]
    #[non_exhaustive]
    InvalidBaseUrl {
        /// The URL as given, unless it may contain credentials.
        url: Option<String>,
        /// What is wrong and what is expected.
        reason: String,
    },
    /// The credentials cannot be sent as HTTP headers.
    #[error("invalid credentials: {reason}")]
    #[non_exhaustive]
    InvalidAuth {
        /// What is wrong; never the secret itself.
        reason: String,
    },
    /// `ClientBuilder::auth` was not called.
    #[error("no credentials configured: call ClientBuilder::auth with an API key or OAuth token")]
    MissingAuth,
    /// The user agent is not a valid header value.
    #[error("invalid user agent: it contains characters not allowed in an HTTP header")]
    InvalidUserAgent,
    /// The HTTP client could not be created.
    #[error("could not create the HTTP client")]
    HttpClient(#[source] BoxError),
    /// A request URL could not be built from the operation's path.
    #[error("could not build the request URL: {reason}")]
    #[non_exhaustive]
    InvalidUrl {
        /// What is wrong.
        reason: String,
    },
}

/// An error status from Wix, with its error envelope decoded.
///
/// Every envelope field is optional: 5xx responses are documented to have an empty body, and
/// proxies in between may answer with HTML. `Display` reads like
/// `wix returned 404 Not Found (CONVERSATION_NOT_FOUND): Conversation not found [request id abc]`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError<C = String> {
    /// The HTTP status.
    pub status: StatusCode,
    /// The envelope's `message`.
    pub message: Option<String>,
    /// `details.applicationError.code`, typed.
    pub code: Option<C>,
    /// `details.applicationError.code` exactly as sent.
    pub raw_code: Option<String>,
    /// `details.applicationError.description`.
    pub description: Option<String>,
    /// `details.applicationError.data`.
    pub data: Option<serde_json::Value>,
    /// `details.validationError.fieldViolations`.
    pub field_violations: Vec<FieldViolation>,
    /// The `x-wix-request-id` response header; Wix support asks for it.
    pub request_id: Option<String>,
    /// The `Retry-After` response header, when present and valid.
    pub retry_after: Option<Duration>,
}

/// One entry of `details.validationError.fieldViolations`.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct FieldViolation {
    /// Dotted path of the field, e.g. `conversationId`.
    pub field: Option<String>,
    /// What is wrong with it.
    pub description: Option<String>,
    /// The rule violated, e.g. `FORMAT`.
    pub violated_rule: Option<String>,
    /// The rule's name, e.g. `VALIDATION_ERROR`.
    pub rule_name: Option<String>,
    /// Extra data.
    pub data: Option<serde_json::Value>,
}

impl ApiError<String> {
    /// An error with only a status; fill in the public fields as needed (useful in tests).
    pub fn new(status: StatusCode) -> Self {
        ApiError {
            status,
            message: None,
            code: None,
            raw_code: None,
            description: None,
            data: None,
            field_violations: Vec::new(),
            request_id: None,
            retry_after: None,
        }
    }

    /// Decodes Wix's error envelope from an error response body, leniently: an empty, non-JSON
    /// or oddly shaped body yields an error with only what could be read.
    pub fn from_response(status: StatusCode, body: &[u8], request_id: Option<String>) -> Self {
        let mut error = ApiError::new(status);
        error.request_id = request_id;
        let Ok(serde_json::Value::Object(envelope)) = serde_json::from_slice(body) else {
            return error;
        };
        error.message = string_at(&envelope, "message");
        let details = envelope.get("details").and_then(|d| d.as_object());
        if let Some(app) = details
            .and_then(|d| d.get("applicationError"))
            .and_then(|a| a.as_object())
        {
            error.raw_code = string_at(app, "code");
            error.code = error.raw_code.clone();
            error.description = string_at(app, "description");
            error.data = app.get("data").filter(|d| !d.is_null()).cloned();
        }
        if let Some(violations) = details
            .and_then(|d| d.get("validationError"))
            .and_then(|v| v.get("fieldViolations"))
            .and_then(|v| v.as_array())
        {
            error.field_violations = violations
                .iter()
                .filter_map(|v| v.as_object())
                .map(|v| FieldViolation {
                    field: string_at(v, "field"),
                    description: string_at(v, "description"),
                    violated_rule: string_at(v, "violatedRule"),
                    rule_name: string_at(v, "ruleName"),
                    data: v.get("data").filter(|d| !d.is_null()).cloned(),
                })
                .collect();
        }
        error
    }

    /// Converts the code to the operation's code type `C`.
    pub fn map_code<C: From<String>>(self) -> ApiError<C> {
        ApiError {
            status: self.status,
            message: self.message,
            code: self.code.map(C::from),
            raw_code: self.raw_code,
            description: self.description,
            data: self.data,
            field_violations: self.field_violations,
            request_id: self.request_id,
            retry_after: self.retry_after,
        }
    }
}

fn string_at(object: &serde_json::Map<String, serde_json::Value>, key: &str) -> Option<String> {
    object
        .get(key)
        .and_then(|v| v.as_str())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

impl<C> ApiError<C> {
    /// Whether retrying the same request later may succeed (429, 502, 503, 504).
    pub fn is_retryable(&self) -> bool {
        is_retryable_status(self.status)
    }
}

/// Statuses that mean "try again later": 429, 502, 503, 504.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

impl<C> fmt::Display for ApiError<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "wix returned {}", StatusText(self.status))?;
        if let Some(code) = &self.raw_code {
            write!(f, " ({})", OneLine(code, 100))?;
        }
        if let Some(message) = self.message.as_ref().or(self.description.as_ref()) {
            write!(f, ": {}", OneLine(message, MESSAGE_MAX_CHARS))?;
        }
        if !self.field_violations.is_empty() {
            f.write_str(" (")?;
            for (i, violation) in self
                .field_violations
                .iter()
                .take(VIOLATIONS_SHOWN)
                .enumerate()
            {
                if i > 0 {
                    f.write_str("; ")?;
                }
                let field = violation.field.as_deref().unwrap_or("(unnamed field)");
                write!(f, "{}", OneLine(field, 200))?;
                if let Some(why) = violation
                    .description
                    .as_ref()
                    .or(violation.violated_rule.as_ref())
                {
                    write!(f, ": {}", OneLine(why, 200))?;
                }
            }
            if self.field_violations.len() > VIOLATIONS_SHOWN {
                write!(
                    f,
                    "; and {} more",
                    self.field_violations.len() - VIOLATIONS_SHOWN
                )?;
            }
            f.write_str(")")?;
        }
        match self.status.as_u16() {
            401 => f.write_str(" (check the API key or OAuth token)")?,
            403 if self.raw_code.is_none() => f.write_str(
                " (check the key's permissions and its wix-site-id or wix-account-id header)",
            )?,
            _ => {}
        }
        if let Some(after) = self.retry_after {
            write!(f, " (retry after {})", Seconds(after))?;
        }
        write!(f, "{}", RequestIdSuffix(self.request_id.as_deref()))
    }
}

/// `30s` for whole seconds (as `Retry-After` gives them), else `Debug` (`1.5s`, `200ms`).
struct Seconds(Duration);

impl fmt::Display for Seconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.subsec_nanos() == 0 {
            write!(f, "{}s", self.0.as_secs())
        } else {
            write!(f, "{:?}", self.0)
        }
    }
}

/// Shows server text on one line, cut at `max` characters.
struct OneLine<'a>(&'a str, usize);

impl fmt::Display for OneLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut chars = self.0.chars();
        for c in chars.by_ref().take(self.1) {
            if c.is_control() {
                f.write_str(" ")?;
            } else {
                fmt::Write::write_char(f, c)?;
            }
        }
        if chars.next().is_some() {
            f.write_str("…")?;
        }
        Ok(())
    }
}

impl<C> Error<C> {
    /// An error for a request that breaks a documented limit, reported before sending.
    pub fn invalid_request(field_path: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidRequest {
            field_path: field_path.into(),
            reason: reason.into(),
        }
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode { status, .. }
            | Error::ResponseTooLarge { status, .. }
            | Error::UnexpectedContentType { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The `x-wix-request-id` response header, when a response arrived and carried it.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(api) => api.request_id.as_deref(),
            Error::Transport { request_id, .. }
            | Error::Decode { request_id, .. }
            | Error::ResponseTooLarge { request_id, .. }
            | Error::UnexpectedContentType { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// Whether the failure is transient, so the same request may succeed later: transport
    /// failures, timeouts, and statuses 429, 502, 503 and 504.
    ///
    /// The client has already retried these as far as its `RetryPolicy` allows.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { .. } | Error::Timeout { .. } => true,
            Error::Api(api) => api.is_retryable(),
            _ => false,
        }
    }

    /// The decoded error envelope, when Wix answered with an error status.
    pub fn api_error(&self) -> Option<&ApiError<C>> {
        match self {
            Error::Api(api) => Some(api.as_ref()),
            _ => None,
        }
    }

    /// The typed application error code (`details.applicationError.code`), if any.
    pub fn code(&self) -> Option<&C> {
        self.api_error().and_then(|api| api.code.as_ref())
    }
}

impl Error<String> {
    /// Converts the application error code to the operation's code type `C`.
    pub fn map_code<C: From<String>>(self) -> Error<C> {
        match self {
            Error::Api(api) => Error::Api(Box::new((*api).map_code())),
            Error::Transport {
                phase,
                request_id,
                source,
            } => Error::Transport {
                phase,
                request_id,
                source,
            },
            Error::Timeout { phase, after } => Error::Timeout { phase, after },
            Error::Decode {
                status,
                source,
                excerpt,
                request_id,
            } => Error::Decode {
                status,
                source,
                excerpt,
                request_id,
            },
            Error::ResponseTooLarge {
                limit,
                status,
                request_id,
            } => Error::ResponseTooLarge {
                limit,
                status,
                request_id,
            },
            Error::UnexpectedContentType {
                status,
                content_type,
                request_id,
            } => Error::UnexpectedContentType {
                status,
                content_type,
                request_id,
            },
            Error::InvalidRequest { field_path, reason } => {
                Error::InvalidRequest { field_path, reason }
            }
            Error::Build(build) => Error::Build(build),
            Error::Paging(paging) => Error::Paging(paging),
        }
    }
}

/// Up to [`EXCERPT_MAX_CHARS`] characters of `body` around where `error` points.
pub(crate) fn body_excerpt(body: &[u8], error: &serde_json::Error) -> String {
    let text = String::from_utf8_lossy(body);
    let offset = byte_offset(&text, error.line(), error.column());
    let total_chars = text.chars().count();
    // Centre the window on the error, but keep it inside the body.
    let error_char = text[..offset].chars().count();
    let start = error_char
        .saturating_sub(EXCERPT_MAX_CHARS / 2)
        .min(total_chars.saturating_sub(EXCERPT_MAX_CHARS));
    text.chars().skip(start).take(EXCERPT_MAX_CHARS).collect()
}

/// Byte offset of serde_json's 1-based line and column (column counts bytes), clamped.
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    if line == 0 {
        return 0;
    }
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let mut at = (offset + column.saturating_sub(1)).min(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            return at;
        }
        offset += l.len();
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, body: &str, request_id: Option<&str>) -> ApiError {
        ApiError::from_response(
            StatusCode::from_u16(status).unwrap(),
            body.as_bytes(),
            request_id.map(str::to_owned),
        )
    }

    #[test]
    fn decodes_application_error() {
        let error = api(
            404,
            r#"{"message":"Conversation not found","details":{"applicationError":{"code":"CONVERSATION_NOT_FOUND","description":"no such conversation","data":{"id":"x"}}}}"#,
            Some("abc"),
        );
        assert_eq!(error.raw_code.as_deref(), Some("CONVERSATION_NOT_FOUND"));
        assert_eq!(error.code.as_deref(), Some("CONVERSATION_NOT_FOUND"));
        assert_eq!(error.description.as_deref(), Some("no such conversation"));
        assert_eq!(error.data, Some(serde_json::json!({"id": "x"})));
        assert_eq!(
            error.to_string(),
            "wix returned 404 Not Found (CONVERSATION_NOT_FOUND): Conversation not found [request id abc]"
        );
    }

    #[test]
    fn decodes_validation_error() {
        let error = api(
            400,
            r#"{"message":"INVALID_ARGUMENT: bad input","details":{"validationError":{"fieldViolations":[
                {"field":"conversationId","description":"must be a valid GUID","violatedRule":"FORMAT","ruleName":"VALIDATION_ERROR","data":{}},
                {"field":"message.content","violatedRule":"REQUIRED_FIELD"}]}}}"#,
            None,
        );
        assert_eq!(error.code, None);
        assert_eq!(error.field_violations.len(), 2);
        let first = &error.field_violations[0];
        assert_eq!(first.field.as_deref(), Some("conversationId"));
        assert_eq!(first.violated_rule.as_deref(), Some("FORMAT"));
        assert_eq!(first.rule_name.as_deref(), Some("VALIDATION_ERROR"));
        assert_eq!(first.data, Some(serde_json::json!({})));
        assert_eq!(
            error.to_string(),
            "wix returned 400 Bad Request: INVALID_ARGUMENT: bad input (conversationId: must be a valid GUID; message.content: REQUIRED_FIELD)"
        );
    }

    #[test]
    fn empty_and_odd_bodies_still_yield_an_api_error() {
        for body in [
            "",
            "<html>bad gateway</html>",
            "[1,2]",
            r#"{"message":5}"#,
            "null",
        ] {
            let error = api(503, body, Some("r1"));
            assert_eq!(error.status, StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(error.message, None);
            assert_eq!(error.code, None);
            assert_eq!(
                error.to_string(),
                "wix returned 503 Service Unavailable [request id r1]"
            );
        }
        let error = api(599, "", None);
        assert_eq!(error.to_string(), "wix returned 599");
    }

    #[test]
    fn auth_statuses_get_a_hint() {
        assert_eq!(
            api(401, "", None).to_string(),
            "wix returned 401 Unauthorized (check the API key or OAuth token)"
        );
        assert_eq!(
            api(403, r#"{"message":"denied"}"#, None).to_string(),
            "wix returned 403 Forbidden: denied (check the key's permissions and its wix-site-id or wix-account-id header)"
        );
        let owned = api(
            403,
            r#"{"message":"nope","details":{"applicationError":{"code":"NOT_OWNED_BY_BUSINESS"}}}"#,
            None,
        );
        assert_eq!(
            owned.to_string(),
            "wix returned 403 Forbidden (NOT_OWNED_BY_BUSINESS): nope"
        );
    }

    #[test]
    fn server_text_is_kept_on_one_line_and_bounded() {
        let long = "x".repeat(2000);
        let error = api(400, &format!(r#"{{"message":"a\nb{long}"}}"#), None);
        let text = error.to_string();
        assert!(text.starts_with("wix returned 400 Bad Request: a b"));
        assert!(text.ends_with('…'));
        assert!(text.len() < 600);
    }

    #[test]
    fn map_code_converts_the_code() {
        #[derive(Debug, PartialEq)]
        enum Code {
            NotFound,
            Other(String),
        }
        impl From<String> for Code {
            fn from(s: String) -> Self {
                if s == "CONVERSATION_NOT_FOUND" {
                    Code::NotFound
                } else {
                    Code::Other(s)
                }
            }
        }
        let error = Error::Api(Box::new(api(
            404,
            r#"{"details":{"applicationError":{"code":"CONVERSATION_NOT_FOUND"}}}"#,
            Some("id"),
        )));
        let typed: Error<Code> = error.map_code();
        assert_eq!(typed.code(), Some(&Code::NotFound));
        assert_eq!(typed.request_id(), Some("id"));
        assert_eq!(typed.status(), Some(StatusCode::NOT_FOUND));
        assert_eq!(
            typed.to_string(),
            "wix returned 404 Not Found (CONVERSATION_NOT_FOUND) [request id id]"
        );
        let other: Error<Code> = Error::Api(Box::new(api(
            404,
            r#"{"details":{"applicationError":{"code":"NEW_CODE"}}}"#,
            None,
        )))
        .map_code();
        assert_eq!(other.code(), Some(&Code::Other("NEW_CODE".into())));
    }

    #[test]
    fn display_texts() {
        let timeout: Error = Error::Timeout {
            phase: TransportPhase::Send,
            after: Some(Duration::from_millis(1500)),
        };
        assert_eq!(
            timeout.to_string(),
            "timed out after 1.5s waiting for wix to respond"
        );
        assert!(timeout.is_retryable());
        let transport: Error = Error::Transport {
            phase: TransportPhase::Body,
            request_id: Some("r".into()),
            source: "reset".into(),
        };
        assert_eq!(
            transport.to_string(),
            "the connection to wix failed while reading the response [request id r]"
        );
        assert_eq!(
            std::error::Error::source(&transport).unwrap().to_string(),
            "reset"
        );
        let invalid: Error = Error::invalid_request(
            "message.content.previewText",
            "must be at most 256 characters",
        );
        assert_eq!(
            invalid.to_string(),
            "invalid request: message.content.previewText: must be at most 256 characters"
        );
        assert!(!invalid.is_retryable());
        let too_large: Error = Error::ResponseTooLarge {
            limit: 10,
            status: StatusCode::OK,
            request_id: None,
        };
        assert_eq!(
            too_large.to_string(),
            "the 200 OK response from wix is larger than the 10-byte limit"
        );
        let content_type: Error = Error::UnexpectedContentType {
            status: StatusCode::OK,
            content_type: Some("text/html".into()),
            request_id: Some("q".into()),
        };
        assert_eq!(
            content_type.to_string(),
            "expected a JSON response from wix but got 200 OK with content type text/html [request id q]"
        );
        let build: Error = Error::Build(BuildError::InvalidBaseUrl {
            url: Some("ftp://x".into()),
            reason: "the scheme must be https".into(),
        });
        assert_eq!(
            build.to_string(),
            "invalid base URL \"ftp://x\": the scheme must be https"
        );
    }

    #[test]
    fn retryable_statuses() {
        for (status, retryable) in [
            (429, true),
            (500, false),
            (502, true),
            (503, true),
            (504, true),
            (404, false),
        ] {
            let error: Error = Error::Api(Box::new(api(status, "", None)));
            assert_eq!(error.is_retryable(), retryable, "{status}");
        }
    }

    #[test]
    fn excerpt_is_bounded_and_centred_on_the_error() {
        let mut body = format!(r#"{{"a":"{}","b":"#, "y".repeat(2000));
        body.push_str("oops}");
        let error = serde_json::from_str::<serde_json::Value>(&body).unwrap_err();
        let excerpt = body_excerpt(body.as_bytes(), &error);
        assert_eq!(excerpt.chars().count(), EXCERPT_MAX_CHARS);
        assert!(excerpt.contains("\"b\":oops"), "{excerpt}");

        let short = r#"{"a":"#;
        let error = serde_json::from_str::<serde_json::Value>(short).unwrap_err();
        assert_eq!(body_excerpt(short.as_bytes(), &error), short);

        let multi = "{\n\"é\": 1,\n\"b\": nope\n}";
        let error = serde_json::from_str::<serde_json::Value>(multi).unwrap_err();
        assert_eq!(body_excerpt(multi.as_bytes(), &error), multi);
    }
}
