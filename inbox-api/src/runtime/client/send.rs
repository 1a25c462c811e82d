//! One call on the wire: each attempt (send, then read the body within the limit) and the
//! retry loop around it, with the rules for which failures are retried.

use std::fmt;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER,
};
use reqwest::Url;

use super::body::{read_body, BodyError, Overflow};
use super::{Client, OperationMeta, RawResponse, Request, RequestBody};
use crate::error::{ApiError, BuildError, Error, TransportPhase};
use crate::retry::parse_retry_after;

/// How much of an error response body is read to decode its envelope; the rest is ignored.
const ERROR_BODY_LIMIT: u64 = 64 * 1024;

/// The longest request ID kept from a response header.
const REQUEST_ID_MAX_LEN: usize = 128;

/// The response header carrying Wix's request ID.
const REQUEST_ID: HeaderName = HeaderName::from_static("x-wix-request-id");

impl Client {
    /// Sends the request, retrying as the policy allows. Runs inside the request span.
    pub(super) async fn send(
        &self,
        op: &'static OperationMeta,
        req: Request,
    ) -> Result<RawResponse, Error<String>> {
        let Request {
            parts: mut req,
            headers,
            any_content_type,
            streamed,
        } = req;
        // The first attempt takes this URL; a retry (rare) builds it again rather than every
        // call paying for a copy.
        crate::paging::note_operation(op.operation_id);
        let mut url = Some(self.request_url(&req)?);
        let mut extra = if headers.is_empty() {
            HeaderMap::new()
        } else {
            headers
                .to_header_map()
                .map_err(|(field, reason)| Error::invalid_request(field, reason))?
        };
        if any_content_type {
            extra.insert(ACCEPT, HeaderValue::from_static("*/*"));
        }
        // A body in memory is sent again by each attempt; a streamed one only by the first.
        let (mut body, mut stream) = match req.body.take() {
            None => (None, None),
            Some(RequestBody::Json(bytes)) => (
                Some((
                    HeaderValue::from_static("application/json"),
                    Bytes::from(bytes),
                )),
                None,
            ),
            Some(RequestBody::Bytes {
                content_type,
                bytes,
            }) => (Some((content_type, bytes)), None),
            Some(RequestBody::Stream {
                content_type,
                body,
                length,
            }) => (None, Some((content_type, body, length))),
        };
        let body_streamed = stream.is_some();
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
            let this_body = match stream.take() {
                Some(once) => Some(once),
                None => body.as_mut().map(|(content_type, bytes)| {
                    (content_type.clone(), bytes.clone().into(), None)
                }),
            };
            let outcome = tokio::time::timeout(
                self.inner.timeout,
                self.attempt(op, url, &extra, this_body, streamed, &mut phase),
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
            // A streamed body was consumed by the attempt: there is nothing to send again.
            let delay = if !body_streamed && self.should_retry(op, &error) {
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
        extra: &HeaderMap,
        body: Option<(HeaderValue, reqwest::Body, Option<u64>)>,
        streamed: bool,
        phase: &mut TransportPhase,
    ) -> Result<RawResponse, Error<String>> {
        // Built directly (not through `RequestBuilder::headers`, which would insert every
        // header of a copy into a second map); the HTTP client still adds its own default
        // headers when it executes the request.
        let mut request = reqwest::Request::new(op.method.clone(), url);
        *request.headers_mut() = self.inner.headers.clone();
        // Header and cookie parameters (the generator never emits `Authorization`,
        // `Content-Type` or `Accept` ones) replace a default of the same name, such as
        // `User-Agent` or the `Accept` of a non-JSON response.
        for name in extra.keys() {
            request.headers_mut().remove(name);
        }
        for (name, value) in extra {
            request.headers_mut().append(name, value.clone());
        }
        if let Some((content_type, body, length)) = body {
            request.headers_mut().insert(CONTENT_TYPE, content_type);
            if let Some(length) = length {
                request
                    .headers_mut()
                    .insert(CONTENT_LENGTH, HeaderValue::from(length));
            }
            *request.body_mut() = Some(body);
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
        if !extra.contains_key(ACCEPT) && !is_json(content_type) {
            return Err(Error::UnexpectedContentType {
                status,
                content_type: content_type
                    .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
                request_id,
            });
        }
        if streamed {
            return Ok(RawResponse {
                status,
                headers,
                body: Bytes::new(),
                request_id,
                stream: Some(response),
            });
        }
        match read_body(response, self.inner.max_response_bytes, Overflow::Fail).await {
            Ok(body) => Ok(RawResponse {
                status,
                headers,
                body,
                request_id,
                stream: None,
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
}

pub(crate) fn transport_error(
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
    use http::StatusCode;

    use super::*;
    use crate::client::tests::client;
    use crate::retry::RetryPolicy;

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
