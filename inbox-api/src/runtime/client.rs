//! The HTTP client that every generated operation calls.
//!
//! [`Client::execute`] takes an operation's static [`OperationMeta`] and its already-encoded
//! [`RequestParts`], and does everything that does not depend on the spec: URL building, auth
//! headers, timeouts, retries, the response size limit, the content-type check, error envelope
//! decoding, drift detection and tracing. Almost all of it lives in non-generic functions, so
//! each generated method adds only a JSON decode to the binary. This module must not know any
//! Inbox type or path; those come from the generated code.
//!
//! One file per concern: this one holds the `Client` and decoding; `builder` the
//! [`ClientBuilder`], `send` the attempt and retry loop, `url` URL building and `body` the
//! bounded body reader.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderMap, ACCEPT, USER_AGENT};
use http::StatusCode;
use reqwest::Url;
use serde::de::DeserializeOwned;
use tracing::field::Empty;
use tracing::Instrument;

use super::headers::Headers;
use crate::auth::Auth;
use crate::drift::{self, DriftDetection, DriftItem, DriftStore, Note};
use crate::error::{body_excerpt, BuildError, Error};
use crate::retry::RetryPolicy;

mod body;
mod builder;
mod call;
mod send;
pub(crate) use send::transport_error;
mod url;

pub use builder::ClientBuilder;
pub use call::Call;
pub use url::encode_path_segment;

/// Wix's API host, the default base URL.
pub const DEFAULT_BASE_URL: &str = "https://www.wixapis.com";

/// The default limit on a response body: 8 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 8 * 1024 * 1024;

/// The static description of one API operation, emitted by the generator.
#[derive(Debug)]
pub struct OperationMeta {
    /// The spec's `operationId`, e.g. `sendMessage`.
    pub operation_id: &'static str,
    /// The HTTP method.
    pub method: http::Method,
    /// The path with `{placeholders}`, e.g. `/inbox/v2/conversations/{conversationId}`; used
    /// in traces, never for building URLs.
    pub path_template: &'static str,
    /// Whether repeating the request is harmless (`GET`): retried by default. Non-idempotent
    /// operations are retried only when `RetryPolicy::retry_non_idempotent` is set.
    pub idempotent: bool,
}

/// One request, encoded by a generated method.
pub struct RequestParts {
    /// The path, starting with `/`, its parameters already encoded with [`encode_path_segment`].
    pub path: String,
    /// Query parameters (not yet encoded), in order; repeated keys are allowed.
    pub query: Vec<(Cow<'static, str>, String)>,
    /// The request body, if any.
    pub body: Option<RequestBody>,
}

/// An encoded request body and its content type.
pub enum RequestBody {
    /// JSON (`application/json`).
    Json(Vec<u8>),
    /// Bytes in memory with their content type (forms, raw bodies): sent again on a retry.
    Bytes {
        /// The `Content-Type` header.
        content_type: http::HeaderValue,
        /// The body.
        bytes: Bytes,
    },
    /// A body read while it is sent (a file or a stream): sent once, so never retried.
    Stream {
        /// The `Content-Type` header.
        content_type: http::HeaderValue,
        /// The body.
        body: reqwest::Body,
        /// Its length when known (a file): sent as `Content-Length`, else the body is chunked.
        length: Option<u64>,
    },
}

impl RequestBody {
    /// The length of a body in memory.
    fn len(&self) -> Option<usize> {
        match self {
            RequestBody::Json(bytes) => Some(bytes.len()),
            RequestBody::Bytes { bytes, .. } => Some(bytes.len()),
            RequestBody::Stream { .. } => None,
        }
    }
}

impl RequestParts {
    /// These parts with the operation's header and cookie parameters.
    pub fn with_headers(self, headers: Headers) -> Request {
        Request {
            parts: self,
            headers,
            any_content_type: false,
            streamed: false,
        }
    }
}

/// One request: its path, query and body, and its header and cookie parameters (empty for
/// most operations, which is what converting [`RequestParts`] gives).
#[derive(Debug)]
pub struct Request {
    /// Path, query and body.
    pub parts: RequestParts,
    /// Header and cookie parameters; never logged (their values are not in `Debug` output of
    /// errors or traces).
    pub headers: Headers,
    /// Whether a success response of any content type is accepted (`Accept: */*`); JSON only
    /// otherwise.
    pub any_content_type: bool,
    /// Whether the success body is left unread for the caller to stream (no size limit, no
    /// timeout after the headers); it is in [`RawResponse::stream`].
    pub streamed: bool,
}

impl Request {
    /// This request, accepting a success response of any content type.
    pub fn any_content_type(mut self) -> Request {
        self.any_content_type = true;
        self
    }

    /// This request, with the success body left unread for the caller to stream.
    pub fn streamed(mut self) -> Request {
        self.streamed = true;
        self
    }
}

impl From<RequestParts> for Request {
    fn from(parts: RequestParts) -> Request {
        Request {
            parts,
            headers: Headers::new(),
            any_content_type: false,
            streamed: false,
        }
    }
}

impl fmt::Debug for RequestParts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Bodies may hold personal data: show only their size.
        f.debug_struct("RequestParts")
            .field("path", &self.path)
            .field("query", &self.query)
            .field("body_len", &self.body.as_ref().map(RequestBody::len))
            .finish()
    }
}

/// A successful (2xx) response, before its body is decoded.
#[doc(hidden)]
pub struct RawResponse {
    /// The response status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The whole body, at most `max_response_bytes` long.
    pub body: Bytes,
    /// The `x-wix-request-id` response header.
    pub request_id: Option<String>,
    /// The unread body of a [`Request::streamed`] request (`body` is then empty).
    pub stream: Option<reqwest::Response>,
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// A client for the Wix Inbox v2 API.
///
/// Cheap to clone: clones share the connection pool and the drift report. Build one with
/// [`Client::builder`]:
///
/// ```no_run
/// use inbox_api::auth::Auth;
/// use inbox_api::client::Client;
///
/// # fn demo() -> Result<(), inbox_api::error::BuildError> {
/// let client = Client::builder()
///     .auth(Auth::api_key_for_site("<API key>", "<site ID>"))
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    http: reqwest::Client,
    base_url: Url,
    /// Auth headers (the secret one marked sensitive), `accept` and `user-agent`.
    headers: HeaderMap,
    auth: Auth,
    timeout: Duration,
    retry: RetryPolicy,
    max_response_bytes: u64,
    /// `None` when drift detection is off; holds the mode otherwise.
    drift: Option<Arc<DriftStore>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url.as_str())
            .field("auth", &self.inner.auth)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .field("max_response_bytes", &self.inner.max_response_bytes)
            .field("drift_detection", &self.drift_detection())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder with the defaults: `https://www.wixapis.com`, 10 s connect timeout, 30 s per
    /// attempt, [`RetryPolicy::default`], 8 MiB response limit, drift detection on
    /// ([`DriftDetection::Sampled`]).
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client with the default settings and these credentials.
    pub fn new(auth: Auth) -> Result<Client, BuildError> {
        Client::builder().auth(auth).build()
    }

    /// The base URL requests are sent to.
    pub fn base_url(&self) -> &str {
        self.inner.base_url.as_str()
    }

    /// The retry policy in use.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The drift detection mode in use; see [`ClientBuilder::drift_detection`].
    pub fn drift_detection(&self) -> DriftDetection {
        self.inner
            .drift
            .as_ref()
            .map_or(DriftDetection::Off, |drift| drift.mode())
    }

    /// A client like this one but with another retry policy, sharing the connection pool and
    /// drift report; e.g. to let one `sendMessage` call be retried:
    /// `client.with_retry_policy(RetryPolicy::default().retry_non_idempotent(true))`.
    pub fn with_retry_policy(&self, policy: RetryPolicy) -> Client {
        let mut inner = Inner::clone(&self.inner);
        inner.retry = policy;
        Client {
            inner: Arc::new(inner),
        }
    }

    /// A client like this one but with other credentials (e.g. a refreshed OAuth token),
    /// sharing the connection pool and drift report.
    pub fn with_auth(&self, auth: Auth) -> Result<Client, BuildError> {
        let mut headers = auth.headers()?;
        for name in [ACCEPT, USER_AGENT] {
            if let Some(value) = self.inner.headers.get(&name) {
                headers.insert(name, value.clone());
            }
        }
        let mut inner = Inner::clone(&self.inner);
        inner.headers = headers;
        inner.auth = auth;
        Ok(Client {
            inner: Arc::new(inner),
        })
    }

    /// Every distinct field, enum value or one-of member Wix sent that this client version does
    /// not know, in the order first seen (at most [`drift::MAX_DRIFT_ITEMS`]). Empty when drift
    /// detection is off. See [`crate::drift`].
    pub fn drift_report(&self) -> Vec<DriftItem> {
        self.inner
            .drift
            .as_ref()
            .map(|drift| drift.items())
            .unwrap_or_default()
    }

    /// Forgets the drift seen so far (for this client and its clones), and restarts sampling:
    /// with [`DriftDetection::Sampled`] the next [`drift::SAMPLE_FIRST`] responses of each
    /// operation are checked again.
    pub fn clear_drift_report(&self) {
        if let Some(drift) = &self.inner.drift {
            drift.clear();
        }
    }

    /// Sends one operation's request and decodes the JSON response into `T`. Called by the
    /// generated operation methods; `C` is the operation's error code type.
    #[doc(hidden)]
    pub async fn execute<T, C>(
        &self,
        op: &'static OperationMeta,
        req: impl Into<Request>,
    ) -> Result<T, Error<C>>
    where
        T: DeserializeOwned,
        C: From<String>,
    {
        let req = req.into();
        async {
            let raw = self.send(op, req).await?;
            self.decode::<T>(op, &raw)
        }
        .instrument(request_span(op))
        .await
        .map_err(Error::map_code)
    }

    /// Sends one operation's request and returns the successful response undecoded; every
    /// failure (including error statuses) is an `Err`.
    #[doc(hidden)]
    pub async fn execute_raw(
        &self,
        op: &'static OperationMeta,
        req: impl Into<Request>,
    ) -> Result<RawResponse, Error<String>> {
        self.send(op, req.into()).instrument(request_span(op)).await
    }

    /// The generic part of decoding: parse `T`, collecting what its types note as unknown.
    fn decode<T: DeserializeOwned>(
        &self,
        op: &'static OperationMeta,
        raw: &RawResponse,
    ) -> Result<T, Error<String>> {
        let Some(drift) = &self.inner.drift else {
            return serde_json::from_slice(&raw.body).map_err(|e| decode_error(raw, e));
        };
        let (decoded, mut notes) = drift::collect_notes(|| serde_json::from_slice::<T>(&raw.body));
        let value = decoded.map_err(|e| decode_error(raw, e))?;
        if !drift.sample(op.operation_id) {
            notes.retain(|note| !note.is_field());
        }
        if !notes.is_empty() {
            check_drift(drift, op, &raw.body, &notes);
        }
        Ok(value)
    }
}

/// The span around one call: operation, method and path template now; attempt, status and
/// request ID as they become known. Never the URL's parameters, headers or bodies.
fn request_span(op: &'static OperationMeta) -> tracing::Span {
    tracing::info_span!(
        "inbox_api.request",
        operation = op.operation_id,
        method = %op.method,
        path_template = op.path_template,
        attempt = Empty,
        status = Empty,
        request_id = Empty,
    )
}

/// The non-generic part of drift detection: locates the `notes` taken while decoding `body`.
fn check_drift(drift: &DriftStore, op: &'static OperationMeta, body: &[u8], notes: &[Note]) {
    // The body decoded a moment ago, so it is valid JSON.
    let Ok(received) = serde_json::from_slice::<serde_json::Value>(body) else {
        return;
    };
    drift.record(op.operation_id, drift::detect(&received, notes));
}

fn decode_error(raw: &RawResponse, error: serde_json::Error) -> Error<String> {
    tracing::debug!(
        status = raw.status.as_u16(),
        line = error.line(),
        column = error.column(),
        category = ?error.classify(),
        "could not decode the response body"
    );
    Error::Decode {
        status: raw.status,
        excerpt: body_excerpt(&raw.body, &error),
        source: error,
        request_id: raw.request_id.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn client(base_url: &str) -> Client {
        Client::builder()
            .base_url(base_url)
            .auth(Auth::api_key_for_site("IST.secret", "site"))
            .build()
            .unwrap()
    }

    pub(super) fn parts(path: &str, query: Vec<(&'static str, String)>) -> RequestParts {
        RequestParts {
            path: path.into(),
            query: query
                .into_iter()
                .map(|(k, v)| (Cow::Borrowed(k), v))
                .collect(),
            body: None,
        }
    }

    #[test]
    fn debug_hides_secrets() {
        let c = client("https://www.wixapis.com");
        let text = format!(
            "{c:?} {:?}",
            Client::builder().auth(Auth::oauth_token("OAUTH.tok"))
        );
        assert!(!text.contains("IST.secret"), "{text}");
        assert!(!text.contains("OAUTH.tok"), "{text}");
        let other = c.with_auth(Auth::oauth_token("OAUTH.tok")).unwrap();
        assert_eq!(
            other.inner.headers[http::header::AUTHORIZATION],
            "OAUTH.tok"
        );
        assert!(!other.inner.headers.contains_key("wix-site-id"));
        assert!(other.inner.headers.contains_key(USER_AGENT));
    }

    #[test]
    fn drift_detection_modes() {
        let base = || Client::builder().auth(Auth::oauth_token("t"));
        let cases = [
            (base(), DriftDetection::Sampled),
            (base().detect_drift(true), DriftDetection::Sampled),
            (base().detect_drift(false), DriftDetection::Off),
            (
                base().drift_detection(DriftDetection::EveryResponse),
                DriftDetection::EveryResponse,
            ),
            (
                base().drift_detection(DriftDetection::Off),
                DriftDetection::Off,
            ),
        ];
        for (builder, mode) in cases {
            let shown = format!("drift_detection: {mode:?}");
            assert!(format!("{builder:?}").contains(&shown), "{builder:?}");
            let client = builder.build().unwrap();
            assert_eq!(client.drift_detection(), mode);
            assert_eq!(client.inner.drift.is_some(), mode != DriftDetection::Off);
            assert!(format!("{client:?}").contains(&shown), "{client:?}");
            let clone = client.with_retry_policy(RetryPolicy::default());
            assert_eq!(clone.drift_detection(), mode);
        }
    }

    /// Generated methods' futures must be `Send`, so callers can spawn them.
    #[allow(dead_code)]
    fn execute_future_is_send(client: &Client, op: &'static OperationMeta) {
        fn assert_send<T: Send>(_: &T) {}
        let future = client.execute::<serde_json::Value, String>(op, parts("/x", vec![]));
        assert_send(&future);
        assert_send(&client.execute_raw(op, parts("/x", vec![])));
        let call = client.call::<serde_json::Value, String>(op, Ok(parts("/x", vec![]).into()));
        assert_send(&call);
    }
}
