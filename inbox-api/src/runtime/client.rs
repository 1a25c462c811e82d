//! The HTTP client that every generated operation calls.
//!
//! [`Client::execute`] takes an operation's static [`OperationMeta`] and its already-encoded
//! [`RequestParts`], and does everything that does not depend on the spec: URL building, auth
//! headers, timeouts, retries, the response size limit, the content-type check, error envelope
//! decoding, drift detection and tracing. Almost all of it lives in non-generic functions, so
//! each generated method adds only a JSON decode to the binary. This module must not know any
//! Inbox type or path; those come from the generated code.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::{Bytes, BytesMut};
use http::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE, RETRY_AFTER, USER_AGENT,
};
use http::StatusCode;
use reqwest::Url;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tracing::field::Empty;
use tracing::Instrument;

use crate::auth::Auth;
use crate::drift::{self, DriftDetection, DriftItem, DriftStore, Note};
use crate::error::{body_excerpt, ApiError, BuildError, Error, TransportPhase};
use crate::retry::{parse_retry_after, RetryPolicy};

/// Wix's API host, the default base URL.
pub const DEFAULT_BASE_URL: &str = "https://www.wixapis.com";

/// The default limit on a response body: 8 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 8 * 1024 * 1024;

/// How much of an error response body is read to decode its envelope; the rest is ignored.
const ERROR_BODY_LIMIT: u64 = 64 * 1024;

/// The longest request ID kept from a response header.
const REQUEST_ID_MAX_LEN: usize = 128;

/// The response header carrying Wix's request ID.
const REQUEST_ID: HeaderName = HeaderName::from_static("x-wix-request-id");

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
    pub query: Vec<(&'static str, String)>,
    /// The JSON request body, if any.
    pub body: Option<Vec<u8>>,
}

impl fmt::Debug for RequestParts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Bodies may hold personal data: show only their size.
        f.debug_struct("RequestParts")
            .field("path", &self.path)
            .field("query", &self.query)
            .field("body_len", &self.body.as_ref().map(Vec::len))
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

/// Percent-encodes `s` for use as one URL path segment: everything except ASCII letters,
/// digits and `-._~` is encoded (so `/`, `?`, `#` and `%` cannot change the URL's meaning).
///
/// A segment that is empty, `.` or `..` is rejected when the request is sent
/// ([`Error::InvalidRequest`]), because it would address a different resource.
pub fn encode_path_segment(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let unreserved =
        |byte: u8| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~');
    if s.bytes().all(unreserved) {
        // IDs (UUIDs, numbers) need no encoding.
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() * 3);
    for byte in s.bytes() {
        if unreserved(byte) {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xF)]));
        }
    }
    out
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

/// Configures and builds a [`Client`]; start with [`Client::builder`].
#[derive(Clone)]
#[must_use]
pub struct ClientBuilder {
    base_url: String,
    auth: Option<Auth>,
    connect_timeout: Duration,
    timeout: Duration,
    retry: RetryPolicy,
    user_agent: String,
    http: Option<reqwest::Client>,
    max_response_bytes: u64,
    drift_detection: DriftDetection,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("auth", &self.auth)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .field("custom_http_client", &self.http.is_some())
            .field("max_response_bytes", &self.max_response_bytes)
            .field("drift_detection", &self.drift_detection)
            .finish()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            base_url: DEFAULT_BASE_URL.to_owned(),
            auth: None,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            user_agent: concat!("inbox-api/", env!("CARGO_PKG_VERSION")).to_owned(),
            http: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            drift_detection: DriftDetection::default(),
        }
    }
}

impl ClientBuilder {
    /// The API's base URL. Default `https://www.wixapis.com`. Must be `https`, except for
    /// loopback hosts (`localhost`, `127.0.0.1`, `::1`), which may use `http` (for tests). A
    /// path prefix is kept: `https://proxy.example/wix` sends to `.../wix/inbox/v2/...`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The credentials to send with every request. Required.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = Some(auth);
        self
    }

    /// How long opening a connection may take. Default 10 s. Ignored with
    /// [`ClientBuilder::http_client`], whose own settings apply.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take in all, from connecting to the last byte of the body.
    /// Default 30 s. Retries get a fresh allowance each.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// When and how to retry; see [`RetryPolicy`]. Default [`RetryPolicy::default`].
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The `user-agent` header. Default `inbox-api/<version>`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Uses this HTTP client (e.g. to share a connection pool or set a proxy) instead of
    /// building one. Note: the client should not follow redirects, as the one built by default
    /// does not.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// The largest response body accepted, in bytes; larger ones fail with
    /// [`Error::ResponseTooLarge`] without being read further. Default 8 MiB.
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// How much to look for fields and enum values this client does not know; see
    /// [`crate::drift`]. Default [`DriftDetection::Sampled`]: unknown enum values are noted on
    /// every response at almost no cost, and the unknown-field check (one extra JSON parse and
    /// serialization of the response) runs on the first [`drift::SAMPLE_FIRST`] responses of
    /// each operation, then on one in every [`drift::SAMPLE_EVERY`].
    /// [`DriftDetection::EveryResponse`] checks every response;
    /// [`DriftDetection::Off`] nothing.
    pub fn drift_detection(mut self, mode: DriftDetection) -> Self {
        self.drift_detection = mode;
        self
    }

    /// Whether to detect fields and enum values this client does not know; see
    /// [`crate::drift`]. `true` (the default) is [`DriftDetection::Sampled`], `false` is
    /// [`DriftDetection::Off`]; for [`DriftDetection::EveryResponse`] use
    /// [`ClientBuilder::drift_detection`]. Unknown enum values are noted on every response at
    /// almost no cost; the unknown-field check costs one extra JSON parse and serialization per
    /// checked response, and with the default sampling only the first
    /// [`drift::SAMPLE_FIRST`] responses of each operation and then one in every
    /// [`drift::SAMPLE_EVERY`] are checked.
    pub fn detect_drift(self, detect: bool) -> Self {
        self.drift_detection(if detect {
            DriftDetection::Sampled
        } else {
            DriftDetection::Off
        })
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        let auth = self.auth.ok_or(BuildError::MissingAuth)?;
        let base_url = parse_base_url(&self.base_url)?;
        let mut headers = auth.headers()?;
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let user_agent =
            HeaderValue::from_str(&self.user_agent).map_err(|_| BuildError::InvalidUserAgent)?;
        headers.insert(USER_AGENT, user_agent);
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .use_rustls_tls()
                .connect_timeout(self.connect_timeout)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| BuildError::HttpClient(Box::new(e)))?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                headers,
                auth,
                timeout: self.timeout,
                retry: self.retry,
                max_response_bytes: self.max_response_bytes,
                drift: DriftStore::new(self.drift_detection).map(Arc::new),
            }),
        })
    }
}

fn parse_base_url(raw: &str) -> Result<Url, BuildError> {
    let raw = raw.trim();
    // Never echo something that may carry credentials (`https://user:pass@host`).
    let shown = (!raw.contains('@')).then(|| raw.to_owned());
    let invalid = |reason: String| BuildError::InvalidBaseUrl {
        url: shown.clone(),
        reason,
    };
    let url = Url::parse(raw).map_err(|e| {
        invalid(format!(
            "{e} (expected an absolute URL such as {DEFAULT_BASE_URL})"
        ))
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "it must not contain a user name or password".into(),
        ));
    }
    let Some(host) = url.host_str().filter(|h| !h.is_empty()) else {
        return Err(invalid(format!(
            "it has no host (expected e.g. {DEFAULT_BASE_URL})"
        )));
    };
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(invalid(
                "plain http would send the credentials unencrypted; use https \
                 (http is allowed only for localhost)"
                    .into(),
            ))
        }
        other => return Err(invalid(format!("the scheme must be https, not {other}"))),
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it must not have a query or fragment".into()));
    }
    Ok(url)
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
        req: RequestParts,
    ) -> Result<T, Error<C>>
    where
        T: DeserializeOwned + Serialize,
        C: From<String>,
    {
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
        req: RequestParts,
    ) -> Result<RawResponse, Error<String>> {
        self.send(op, req).instrument(request_span(op)).await
    }

    /// The generic part of decoding: parse `T` (collecting enum notes) and, for the responses
    /// that get the unknown-field check, serialize it back.
    fn decode<T: DeserializeOwned + Serialize>(
        &self,
        op: &'static OperationMeta,
        raw: &RawResponse,
    ) -> Result<T, Error<String>> {
        let Some(drift) = &self.inner.drift else {
            return serde_json::from_slice(&raw.body).map_err(|e| decode_error(raw, e));
        };
        let (decoded, notes) = drift::collect_notes(|| serde_json::from_slice::<T>(&raw.body));
        let value = decoded.map_err(|e| decode_error(raw, e))?;
        let known = drift
            .sample(op.operation_id)
            .then(|| serde_json::to_value(&value));
        if known.is_some() || !notes.is_empty() {
            check_drift(
                drift,
                op,
                &raw.body,
                known,
                std::any::type_name::<T>(),
                &notes,
            );
        }
        Ok(value)
    }

    /// Sends the request, retrying as the policy allows. Runs inside the request span.
    async fn send(
        &self,
        op: &'static OperationMeta,
        mut req: RequestParts,
    ) -> Result<RawResponse, Error<String>> {
        // The first attempt takes this URL; a retry (rare) builds it again rather than every
        // call paying for a copy.
        crate::paging::note_operation(op.operation_id);
        let mut url = Some(self.request_url(&req)?);
        let body = req.body.take().map(Bytes::from);
        let span = tracing::Span::current();
        let mut attempt: u32 = 1;
        loop {
            span.record("attempt", attempt);
            let url = match url.take() {
                Some(url) => url,
                None => self.request_url(&req)?,
            };
            let started = Instant::now();
            let mut phase = TransportPhase::Send;
            let outcome = tokio::time::timeout(
                self.inner.timeout,
                self.attempt(op, url, body.as_ref(), &mut phase),
            )
            .await;
            let result = outcome.unwrap_or(Err(Error::Timeout {
                phase,
                after: Some(self.inner.timeout),
            }));
            let status = match &result {
                Ok(raw) => Some(raw.status),
                Err(error) => error.status(),
            };
            if let Some(status) = status {
                span.record("status", status.as_u16());
            }
            let request_id = match &result {
                Ok(raw) => raw.request_id.as_deref(),
                Err(error) => error.request_id(),
            };
            if let Some(request_id) = request_id {
                span.record("request_id", request_id);
            }
            let elapsed_ms = millis(started.elapsed());
            let error = match result {
                Ok(raw) => {
                    tracing::debug!(
                        attempt,
                        elapsed_ms,
                        status = raw.status.as_u16(),
                        "wix responded"
                    );
                    return Ok(raw);
                }
                Err(error) => error,
            };
            let retry_after = error.api_error().and_then(|api| api.retry_after);
            let delay = if self.should_retry(op, &error) {
                self.inner.retry.delay_before(attempt, retry_after)
            } else {
                None
            };
            let Some(delay) = delay else {
                tracing::debug!(
                    attempt,
                    elapsed_ms,
                    error = %LogError(&error),
                    "wix request failed"
                );
                return Err(error);
            };
            tracing::info!(
                attempt,
                elapsed_ms,
                delay_ms = millis(delay),
                error = %LogError(&error),
                "retrying wix request"
            );
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// One attempt: send, then read the body within the size limit. Error statuses come back
    /// as [`Error::Api`]. Sets `phase` to `Body` once the response headers have arrived.
    async fn attempt(
        &self,
        op: &'static OperationMeta,
        url: Url,
        body: Option<&Bytes>,
        phase: &mut TransportPhase,
    ) -> Result<RawResponse, Error<String>> {
        // Built directly (not through `RequestBuilder::headers`, which would insert every
        // header of a copy into a second map); the HTTP client still adds its own default
        // headers when it executes the request.
        let mut request = reqwest::Request::new(op.method.clone(), url);
        *request.headers_mut() = self.inner.headers.clone();
        if let Some(body) = body {
            request
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            *request.body_mut() = Some(body.clone().into());
        }
        let mut response = self
            .inner
            .http
            .execute(request)
            .await
            .map_err(|e| transport_error(e, TransportPhase::Send, None))?;
        *phase = TransportPhase::Body;
        let status = response.status();
        // Taken, not copied: reading the body does not need the headers.
        let headers = std::mem::take(response.headers_mut());
        let request_id = request_id(&headers);

        if !status.is_success() {
            let limit = self.inner.max_response_bytes.min(ERROR_BODY_LIMIT);
            // The status is what matters: a body cut short or too long still leaves an error
            // with what could be read.
            let body = match read_body(response, limit, Overflow::Truncate).await {
                Ok(body) => body,
                Err(BodyError::Partial(body, _)) => body,
                Err(BodyError::TooLarge) => Bytes::new(),
            };
            let mut error = ApiError::from_response(status, &body, request_id);
            error.retry_after = headers
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| parse_retry_after(v, SystemTime::now()));
            return Err(Error::Api(Box::new(error)));
        }

        let content_type = headers.get(CONTENT_TYPE);
        if !is_json(content_type) {
            return Err(Error::UnexpectedContentType {
                status,
                content_type: content_type
                    .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
                request_id,
            });
        }
        match read_body(response, self.inner.max_response_bytes, Overflow::Fail).await {
            Ok(body) => Ok(RawResponse {
                status,
                headers,
                body,
                request_id,
            }),
            Err(BodyError::TooLarge) => Err(Error::ResponseTooLarge {
                limit: self.inner.max_response_bytes,
                status,
                request_id,
            }),
            Err(BodyError::Partial(_, e)) => {
                Err(transport_error(e, TransportPhase::Body, request_id))
            }
        }
    }

    /// Whether `error` may go away on retry and retrying is safe for `op`.
    ///
    /// A connection that could not be opened (refused, or the connect timeout) sent nothing,
    /// so it is retried for every operation, unless the server's TLS certificate failed
    /// validation, which is never retried. Other failures before a response are retried for idempotent operations and,
    /// when the policy opts in, non-idempotent ones. A failure while reading the body means the
    /// server acted, so it is retried only for idempotent operations.
    fn should_retry(&self, op: &OperationMeta, error: &Error<String>) -> bool {
        let may_retry = op.idempotent || self.inner.retry.retry_non_idempotent;
        match error {
            // A certificate that failed validation fails again: never retried.
            Error::Transport { source, .. } if is_certificate_failure(source.as_ref()) => false,
            Error::Transport {
                phase: TransportPhase::Connect,
                ..
            }
            | Error::Timeout {
                phase: TransportPhase::Connect,
                ..
            } => true,
            Error::Transport {
                phase: TransportPhase::Body,
                ..
            }
            | Error::Timeout {
                phase: TransportPhase::Body,
                ..
            } => op.idempotent,
            Error::Transport { .. } | Error::Timeout { .. } => may_retry,
            Error::Api(api) => api.is_retryable() && may_retry,
            _ => false,
        }
    }

    /// The base URL joined with the request's path and query.
    fn request_url(&self, req: &RequestParts) -> Result<Url, Error<String>> {
        let invalid_url = |reason: &str| {
            Error::Build(BuildError::InvalidUrl {
                reason: reason.to_owned(),
            })
        };
        let Some(segments) = req.path.strip_prefix('/') else {
            return Err(invalid_url("the path must start with '/'"));
        };
        if req.path.contains(['?', '#']) {
            return Err(invalid_url(
                "the path must not contain '?' or '#' (encode the segment)",
            ));
        }
        for segment in segments.split('/') {
            if segment.is_empty() || is_dot_segment(segment) {
                return Err(Error::invalid_request(
                    "path",
                    format!(
                        "a path parameter must not be empty, \".\" or \"..\" (path {:?})",
                        req.path
                    ),
                ));
            }
        }
        let mut url = self.inner.base_url.clone();
        let prefix = url.path().trim_end_matches('/');
        let mut path = String::with_capacity(prefix.len() + req.path.len());
        path.push_str(prefix);
        path.push_str(&req.path);
        url.set_path(&path);
        if url.path() != path {
            return Err(invalid_url(
                "the path is not in normalized, percent-encoded form",
            ));
        }
        if !req.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in &req.query {
                pairs.append_pair(name, value);
            }
        }
        Ok(url)
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

/// The non-generic part of drift detection. `known` is the decoded value serialized again,
/// for a response that gets the unknown-field check, and `None` for one that does not (then
/// only the `notes` are located and reported).
fn check_drift(
    drift: &DriftStore,
    op: &'static OperationMeta,
    body: &[u8],
    known: Option<Result<serde_json::Value, serde_json::Error>>,
    type_name: &str,
    notes: &[Note],
) {
    let known = match known.transpose() {
        Ok(known) => known,
        Err(e) => {
            tracing::debug!(error = %e, "unknown-field check skipped: the decoded value does not serialize");
            None
        }
    };
    if known.is_none() && notes.is_empty() {
        return;
    }
    // The body decoded into `T` a moment ago, so it is valid JSON.
    let Ok(received) = serde_json::from_slice::<serde_json::Value>(body) else {
        return;
    };
    drift.record(
        op.operation_id,
        drift::detect(&received, known.as_ref(), type_name, notes),
    );
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

fn transport_error(
    error: reqwest::Error,
    phase: TransportPhase,
    request_id: Option<String>,
) -> Error<String> {
    let phase = if error.is_connect() {
        TransportPhase::Connect
    } else {
        phase
    };
    if error.is_timeout() {
        return Error::Timeout { phase, after: None };
    }
    if error.is_builder() {
        return Error::Build(BuildError::InvalidUrl {
            reason: "the HTTP client rejected the request".into(),
        });
    }
    Error::Transport {
        phase,
        request_id,
        // The URL carries path and query parameters (ids, cursors): never kept or logged.
        source: Box::new(error.without_url()),
    }
}

/// Whether a TLS certificate failed validation somewhere in `error`'s chain of causes.
///
/// rustls reports it as `rustls::Error::InvalidCertificate` (or a bad revocation list), which
/// reaches us wrapped in `io::Error`s; `io::Error::source` skips the error it wraps, so the
/// walk steps into an `io::Error` through `get_ref` instead.
fn is_certificate_failure(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if matches!(
            error.downcast_ref::<rustls::Error>(),
            Some(
                rustls::Error::InvalidCertificate(_) | rustls::Error::InvalidCertRevocationList(_)
            )
        ) {
            return true;
        }
        cause = match error.downcast_ref::<std::io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => error.source(),
        };
    }
    false
}

fn request_id(headers: &HeaderMap) -> Option<String> {
    // `to_str` admits visible ASCII only, so bytes are characters.
    let id = headers.get(REQUEST_ID)?.to_str().ok()?.trim();
    (!id.is_empty()).then(|| id[..id.len().min(REQUEST_ID_MAX_LEN)].to_owned())
}

/// Whether a path segment means "this" or "the parent" (`.` or `..`, each dot possibly
/// percent-encoded as `%2e` or `%2E`).
fn is_dot_segment(segment: &str) -> bool {
    let mut rest = segment.as_bytes();
    let mut dots = 0;
    while !rest.is_empty() {
        rest = match rest {
            [b'.', tail @ ..] => tail,
            [b'%', b'2', b'e' | b'E', tail @ ..] => tail,
            _ => return false,
        };
        dots += 1;
    }
    matches!(dots, 1 | 2)
}

/// `application/json`, or `application/<something>+json`, with any parameters.
fn is_json(content_type: Option<&HeaderValue>) -> bool {
    let Some(value) = content_type.and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or("").trim().as_bytes();
    let starts_with = |prefix: &[u8]| {
        essence.len() >= prefix.len() && essence[..prefix.len()].eq_ignore_ascii_case(prefix)
    };
    let ends_with = |suffix: &[u8]| {
        essence.len() >= suffix.len()
            && essence[essence.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
    };
    essence.eq_ignore_ascii_case(b"application/json")
        || (starts_with(b"application/") && ends_with(b"+json"))
}

#[derive(Clone, Copy)]
enum Overflow {
    /// Stop with [`BodyError::TooLarge`].
    Fail,
    /// Keep what fits and stop reading.
    Truncate,
}

enum BodyError {
    TooLarge,
    /// The connection failed after part of the body arrived.
    Partial(Bytes, reqwest::Error),
}

/// Reads the body, never holding more than `limit` bytes.
async fn read_body(
    mut response: reqwest::Response,
    limit: u64,
    overflow: Overflow,
) -> Result<Bytes, BodyError> {
    let announced = response.content_length();
    if let (Some(length), Overflow::Fail) = (announced, overflow) {
        if length > limit {
            return Err(BodyError::TooLarge);
        }
    }
    let capacity = announced.unwrap_or(0).min(limit).min(64 * 1024);
    let mut body = Collected::Empty;
    loop {
        let chunk = match response.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => return Ok(body.into_bytes()),
            Err(e) => return Err(BodyError::Partial(body.into_bytes(), e)),
        };
        let room = limit.saturating_sub(body.len() as u64);
        if chunk.len() as u64 > room {
            return match overflow {
                Overflow::Fail => Err(BodyError::TooLarge),
                Overflow::Truncate => {
                    body.push(chunk.slice(..usize::try_from(room).unwrap_or(0)), capacity);
                    Ok(body.into_bytes())
                }
            };
        }
        body.push(chunk, capacity);
    }
}

/// A body being read. A body that arrives in one chunk (the usual case for small responses)
/// is kept as it is; only a second chunk makes it copy into a buffer.
enum Collected {
    Empty,
    One(Bytes),
    Many(BytesMut),
}

impl Collected {
    fn len(&self) -> usize {
        match self {
            Collected::Empty => 0,
            Collected::One(bytes) => bytes.len(),
            Collected::Many(buffer) => buffer.len(),
        }
    }

    /// Appends `chunk`; `capacity` is the buffer size to start with once one is needed.
    fn push(&mut self, chunk: Bytes, capacity: u64) {
        *self = match std::mem::replace(self, Collected::Empty) {
            Collected::Empty => Collected::One(chunk),
            Collected::One(first) => {
                let capacity = usize::try_from(capacity)
                    .unwrap_or(0)
                    .max(first.len() + chunk.len());
                let mut buffer = BytesMut::with_capacity(capacity);
                buffer.extend_from_slice(&first);
                buffer.extend_from_slice(&chunk);
                Collected::Many(buffer)
            }
            Collected::Many(mut buffer) => {
                buffer.extend_from_slice(&chunk);
                Collected::Many(buffer)
            }
        };
    }

    fn into_bytes(self) -> Bytes {
        match self {
            Collected::Empty => Bytes::new(),
            Collected::One(bytes) => bytes,
            Collected::Many(buffer) => buffer.freeze(),
        }
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// An error for logs: its message, plus the causes of transport failures (which hold no
/// response data). Decode causes are left out since serde may quote the body.
struct LogError<'a>(&'a Error<String>);

impl fmt::Display for LogError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        if let Error::Transport { source, .. } = self.0 {
            let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(source.as_ref());
            while let Some(error) = cause {
                write!(f, ": {error}")?;
                cause = error.source();
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(base_url: &str) -> Client {
        Client::builder()
            .base_url(base_url)
            .auth(Auth::api_key_for_site("IST.secret", "site"))
            .build()
            .unwrap()
    }

    fn parts(path: &str, query: Vec<(&'static str, String)>) -> RequestParts {
        RequestParts {
            path: path.into(),
            query,
            body: None,
        }
    }

    #[test]
    fn encodes_path_segments() {
        assert_eq!(encode_path_segment("abc-DEF_1.2~"), "abc-DEF_1.2~");
        assert_eq!(encode_path_segment("a/b?c#d%e f"), "a%2Fb%3Fc%23d%25e%20f");
        assert_eq!(encode_path_segment("é"), "%C3%A9");
    }

    #[test]
    fn builds_urls() {
        let c = client("https://www.wixapis.com");
        let url = c
            .request_url(&parts(
                "/inbox/v2/messages",
                vec![
                    ("paging.limit", "50".into()),
                    ("q", "a b&c".into()),
                    ("q", "2".into()),
                ],
            ))
            .unwrap();
        assert_eq!(
            url.as_str(),
            "https://www.wixapis.com/inbox/v2/messages?paging.limit=50&q=a+b%26c&q=2"
        );
        let prefixed = client("http://127.0.0.1:8080/wix/");
        let path = format!("/inbox/v2/conversations/{}", encode_path_segment("a/b"));
        assert_eq!(
            prefixed
                .request_url(&parts(&path, vec![]))
                .unwrap()
                .as_str(),
            "http://127.0.0.1:8080/wix/inbox/v2/conversations/a%2Fb"
        );
    }

    #[test]
    fn rejects_paths_that_would_address_another_resource() {
        let c = client("https://www.wixapis.com");
        for segment in ["", ".", "..", "%2e%2E", ".%2e"] {
            let path = format!("/inbox/v2/conversations/{segment}");
            let error = c.request_url(&parts(&path, vec![])).unwrap_err();
            assert!(
                matches!(error, Error::InvalidRequest { .. }),
                "{segment}: {error}"
            );
        }
        for segment in ["...", "%2e%2e%2e", "a..", ".a", "%2ea", "%2", "%2f"] {
            let path = format!("/inbox/v2/conversations/{segment}");
            assert!(c.request_url(&parts(&path, vec![])).is_ok(), "{segment}");
        }
        for path in ["inbox", "/a?b", "/a#b"] {
            assert!(matches!(
                c.request_url(&parts(path, vec![])),
                Err(Error::Build(BuildError::InvalidUrl { .. }))
            ));
        }
    }

    #[test]
    fn validates_the_base_url() {
        let build = |url: &str| {
            Client::builder()
                .base_url(url)
                .auth(Auth::oauth_token("t"))
                .build()
                .map(|_| ())
                .map_err(|e| e.to_string())
        };
        assert!(build("https://www.wixapis.com").is_ok());
        assert!(build("http://localhost:1234").is_ok());
        assert!(build("http://127.0.0.1:1234/").is_ok());
        assert!(build("http://[::1]:1234/").is_ok());
        assert_eq!(
            build("www.wixapis.com").unwrap_err(),
            "invalid base URL \"www.wixapis.com\": relative URL without a base \
             (expected an absolute URL such as https://www.wixapis.com)"
        );
        assert_eq!(
            build("http://www.wixapis.com").unwrap_err(),
            "invalid base URL \"http://www.wixapis.com\": plain http would send the credentials \
             unencrypted; use https (http is allowed only for localhost)"
        );
        assert_eq!(
            build("ftp://x.example").unwrap_err(),
            "invalid base URL \"ftp://x.example\": the scheme must be https, not ftp"
        );
        let with_password = build("https://user:hunter2@x.example").unwrap_err();
        assert_eq!(
            with_password,
            "invalid base URL: it must not contain a user name or password"
        );
        assert!(build("https://x.example/?a=1").is_err());
        assert!(build("mailto:a@b").is_err());
    }

    #[test]
    fn builder_needs_auth() {
        let error = Client::builder().build().unwrap_err();
        assert!(matches!(error, BuildError::MissingAuth));
        assert!(Client::builder()
            .auth(Auth::oauth_token("t"))
            .user_agent("bad\n")
            .build()
            .is_err());
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

    #[test]
    fn request_ids_are_trimmed_and_bounded() {
        let id = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(REQUEST_ID, HeaderValue::from_str(value).unwrap());
            request_id(&headers)
        };
        assert_eq!(id(" abc-1 ").as_deref(), Some("abc-1"));
        assert_eq!(id("  "), None);
        assert_eq!(request_id(&HeaderMap::new()), None);
        let long = "x".repeat(REQUEST_ID_MAX_LEN + 10);
        assert_eq!(id(&long).unwrap().len(), REQUEST_ID_MAX_LEN);
        assert_eq!(id("caf\u{e9}"), None, "not visible ASCII");
    }

    #[test]
    fn recognises_json_content_types() {
        let check = |v: &str| is_json(Some(&HeaderValue::from_str(v).unwrap()));
        assert!(check("application/json"));
        assert!(check("Application/JSON; charset=utf-8"));
        assert!(check("application/problem+json"));
        assert!(!check("text/html"));
        assert!(!check("application/jsonx"));
        assert!(!check("application/+jso"));
        assert!(!check("text/plain+json"));
        assert!(check(" APPLICATION/VND.API+JSON ;x=y"));
        assert!(!is_json(None));
    }

    /// Generated methods' futures must be `Send`, so callers can spawn them.
    #[allow(dead_code)]
    fn execute_future_is_send(client: &Client, op: &'static OperationMeta) {
        fn assert_send<T: Send>(_: &T) {}
        let future = client.execute::<serde_json::Value, String>(op, parts("/x", vec![]));
        assert_send(&future);
        assert_send(&client.execute_raw(op, parts("/x", vec![])));
    }

    #[test]
    fn retry_decisions() {
        static GET: OperationMeta = OperationMeta {
            operation_id: "get",
            method: http::Method::GET,
            path_template: "/x",
            idempotent: true,
        };
        static POST: OperationMeta = OperationMeta {
            operation_id: "post",
            method: http::Method::POST,
            path_template: "/x",
            idempotent: false,
        };
        let c = client("https://www.wixapis.com");
        let opted_in = c.with_retry_policy(RetryPolicy::default().retry_non_idempotent(true));
        let transport = |phase| Error::Transport {
            phase,
            request_id: None,
            source: "x".into(),
        };
        let status = |s: u16| Error::Api(Box::new(ApiError::new(StatusCode::from_u16(s).unwrap())));
        let cases = [
            // error, GET, POST, POST opted in
            (transport(TransportPhase::Connect), true, true, true),
            (
                Error::Timeout {
                    phase: TransportPhase::Connect,
                    after: None,
                },
                true,
                true,
                true,
            ),
            (
                Error::Transport {
                    phase: TransportPhase::Connect,
                    request_id: None,
                    source: Box::new(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
                    )),
                },
                false,
                false,
                false,
            ),
            (transport(TransportPhase::Send), true, false, true),
            (transport(TransportPhase::Body), true, false, false),
            (
                Error::Timeout {
                    phase: TransportPhase::Send,
                    after: None,
                },
                true,
                false,
                true,
            ),
            (
                Error::Timeout {
                    phase: TransportPhase::Body,
                    after: None,
                },
                true,
                false,
                false,
            ),
            (status(429), true, false, true),
            (status(503), true, false, true),
            (status(500), false, false, false),
            (status(404), false, false, false),
            (Error::invalid_request("a", "b"), false, false, false),
        ];
        for (error, get, post, post_opted_in) in cases {
            assert_eq!(c.should_retry(&GET, &error), get, "GET {error}");
            assert_eq!(c.should_retry(&POST, &error), post, "POST {error}");
            assert_eq!(
                opted_in.should_retry(&POST, &error),
                post_opted_in,
                "opted-in POST {error}"
            );
        }
    }
}
