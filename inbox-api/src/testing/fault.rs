//! Injected faults: what a test can ask the server to do wrong, which requests a fault applies
//! to, and how each fault turns into bytes on the wire.
//!
//! Faults model the network and Wix's gateway, not the Inbox service: they never change the
//! in-memory state themselves (though some let the request through first, see [`FaultKind`]).

use std::collections::VecDeque;
use std::time::Duration;

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use futures::stream;
use http::{header, HeaderValue, Method, StatusCode};

use super::wire;

/// A misbehaviour for the next matching request(s); queue it with
/// [`InboxServer::inject`](super::InboxServer::inject).
///
/// Each request consumes at most one fault: the first queued fault whose [`target`](Self::target)
/// matches fires and its [`times`](Self::times) counter goes down by one; at zero it leaves the
/// queue. A fault with `times == 0` never fires. Faults fire before authentication, so even a
/// request with bad credentials receives the fault.
///
/// # Examples
///
/// ```
/// use inbox_api::testing::{Fault, FaultKind, FaultTarget};
///
/// // Two 503s in a row on ListMessages, then normal answers again.
/// let burst = Fault::new(FaultKind::status(503))
///     .on(FaultTarget::Method(http::Method::GET, "/inbox/v2/messages".to_owned()))
///     .times(2);
/// assert_eq!(burst.times, 2);
///
/// // The same, as a struct literal.
/// let rate_limited = Fault {
///     target: FaultTarget::Any,
///     times: 1,
///     kind: FaultKind::Status { status: 429, retry_after: Some("1".to_owned()), body: None },
/// };
/// # let _ = rate_limited;
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Fault {
    /// Which requests the fault applies to.
    pub target: FaultTarget,
    /// How many matching requests it applies to.
    pub times: u32,
    /// What happens to them.
    pub kind: FaultKind,
}

impl Fault {
    /// A fault for the next request of any kind ([`FaultTarget::Any`], `times: 1`).
    pub fn new(kind: FaultKind) -> Fault {
        Fault {
            target: FaultTarget::Any,
            times: 1,
            kind,
        }
    }

    /// Restricts the fault to `target`.
    pub fn on(mut self, target: FaultTarget) -> Fault {
        self.target = target;
        self
    }

    /// Applies the fault to `times` matching requests instead of one.
    pub fn times(mut self, times: u32) -> Fault {
        self.times = times;
        self
    }
}

/// Which requests a [`Fault`] applies to.
///
/// Paths are compared exactly, without the query string, e.g. `/inbox/v2/messages` or
/// `/inbox/v2/conversations/6202c3bb-f263-3c16-8c90-d6387d9ed420`.
///
/// ```
/// use inbox_api::testing::FaultTarget;
///
/// let send_only = FaultTarget::Method(http::Method::POST, "/inbox/v2/messages".to_owned());
/// assert!(send_only.matches(&http::Method::POST, "/inbox/v2/messages"));
/// assert!(!send_only.matches(&http::Method::GET, "/inbox/v2/messages"));
/// assert!(FaultTarget::Path("/inbox/v2/messages".to_owned())
///     .matches(&http::Method::GET, "/inbox/v2/messages"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultTarget {
    /// Every request.
    Any,
    /// Requests to this path, any method.
    Path(String),
    /// Requests with this method to this path.
    Method(Method, String),
}

impl FaultTarget {
    /// Whether a request with `method` and `path` is targeted.
    pub fn matches(&self, method: &Method, path: &str) -> bool {
        match self {
            FaultTarget::Any => true,
            FaultTarget::Path(target) => target == path,
            FaultTarget::Method(target_method, target) => target_method == method && target == path,
        }
    }
}

/// What a [`Fault`] does to a request.
///
/// Unless stated otherwise the request is **not** processed (nothing is created or sent), as if
/// a proxy in front of Inbox had answered. Every faulted response still carries an
/// `x-wix-request-id` header.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum FaultKind {
    /// Answer `status` with an optional `Retry-After` header and an optional JSON body; `None`
    /// sends an empty body (Wix sends 5xx errors with an empty body by design).
    ///
    /// ```
    /// use inbox_api::testing::FaultKind;
    ///
    /// let throttled = FaultKind::Status { status: 429, retry_after: Some("1".into()), body: None };
    /// assert_eq!(FaultKind::status(500), FaultKind::Status { status: 500, retry_after: None, body: None });
    /// # let _ = throttled;
    /// ```
    Status {
        /// HTTP status code (an invalid code is answered as 500).
        status: u16,
        /// Value of the `Retry-After` header, e.g. `"1"` or an HTTP date.
        retry_after: Option<String>,
        /// JSON body, e.g. a Wix error envelope.
        body: Option<serde_json::Value>,
    },
    /// Process the request, send the response head with the real `Content-Length` and the first
    /// half of the body, then close the connection. The client gets an error while reading the
    /// body.
    ResetMidBody,
    /// Process the request and send the first half of the real response body as a complete
    /// response (`Content-Length` matches the cut body), keeping the real status.
    TruncatedJson,
    /// Answer `200` with the body `{not json`.
    InvalidJson,
    /// Wait this long, then process the request normally. Other requests are served meanwhile;
    /// shutting the server down ends the wait early (the client then sees the connection
    /// close, or a 503 if the answer wins the race).
    Delay(Duration),
    /// Answer `200` with a syntactically valid JSON object of exactly `bytes` bytes (at least
    /// 16), streamed in chunks: `{"padding":"xxxx…"}`.
    OversizedBody {
        /// Total body size in bytes.
        bytes: usize,
    },
    /// Answer `200` with `content-type: text/html` and an HTML error page, as a misrouted
    /// proxy would.
    WrongContentType,
    /// Answer exactly this status and JSON body, e.g. a message with an enum value, field or
    /// one-of key the client does not know yet (drift tests).
    ///
    /// ```
    /// use inbox_api::testing::FaultKind;
    /// use serde_json::json;
    ///
    /// let drift = FaultKind::Replace {
    ///     status: 200,
    ///     body: json!({"message": {"id": "1", "visibility": "BUSINESS_ONLY_NEW", "content": {"poll": {}}}}),
    /// };
    /// # let _ = drift;
    /// ```
    Replace {
        /// HTTP status code (an invalid code is answered as 500).
        status: u16,
        /// The body to send.
        body: serde_json::Value,
    },
    /// Process the request, then set `pagingMetadata.cursors.next` of the (JSON object)
    /// response to this cursor: a server that hands back a cursor already fetched, so paging
    /// would go round in a cycle. Useful with a cursor taken from an earlier page.
    ///
    /// ```
    /// use inbox_api::testing::{Fault, FaultKind};
    ///
    /// // Whatever the next request is, point its `next` cursor back at page two.
    /// let cycle = Fault::new(FaultKind::NextCursor("cursor-of-page-two".to_owned()));
    /// # let _ = cycle;
    /// ```
    NextCursor(String),
    /// Answer `200` with a page without messages whose `next` cursor is fresh each time (not
    /// one this server could decode); the request is not processed. With
    /// [`times`](Fault::times) it makes an endless run of empty pages.
    EmptyPage,
}

impl FaultKind {
    /// [`FaultKind::Status`] without `Retry-After` and with an empty body.
    pub fn status(status: u16) -> FaultKind {
        FaultKind::Status {
            status,
            retry_after: None,
            body: None,
        }
    }
}

/// The queue behind [`InboxServer::inject`](super::InboxServer::inject).
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    faults: VecDeque<Fault>,
}

impl FaultQueue {
    pub(crate) fn push(&mut self, fault: Fault) {
        if fault.times > 0 {
            self.faults.push_back(fault);
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.faults.len()
    }

    /// Consumes one firing of the first fault matching the request.
    pub(crate) fn take(&mut self, method: &Method, path: &str) -> Option<FaultKind> {
        let index = self
            .faults
            .iter()
            .position(|fault| fault.target.matches(method, path))?;
        let fault = &mut self.faults[index];
        fault.times -= 1;
        let kind = fault.kind.clone();
        if fault.times == 0 {
            self.faults.remove(index);
        }
        Some(kind)
    }
}

/// The response of a fault that does not let the request through (every kind except
/// `Delay`, `ResetMidBody`, `TruncatedJson` and `NextCursor`).
pub(crate) fn canned_response(kind: FaultKind) -> Response {
    match kind {
        FaultKind::Status {
            status,
            retry_after,
            body,
        } => {
            let body = body.map(|value| value.to_string()).unwrap_or_default();
            let mut response = raw_response(status_code(status), "application/json", body.into());
            if let Some(value) = retry_after.and_then(|v| HeaderValue::from_str(&v).ok()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
        FaultKind::Replace { status, body } => raw_response(
            status_code(status),
            "application/json",
            body.to_string().into(),
        ),
        FaultKind::InvalidJson => {
            raw_response(StatusCode::OK, "application/json", "{not json".into())
        }
        FaultKind::WrongContentType => raw_response(
            StatusCode::OK,
            "text/html; charset=utf-8",
            "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>\
             <body><h1>Bad Gateway</h1></body></html>"
                .into(),
        ),
        FaultKind::OversizedBody { bytes } => oversized(bytes),
        FaultKind::EmptyPage => {
            let cursor = wire::random_guid().simple().to_string();
            wire::json_response(
                StatusCode::OK,
                &serde_json::json!({
                    "messages": [],
                    "pagingMetadata": { "count": 0, "cursors": { "next": cursor } },
                }),
            )
        }
        FaultKind::Delay(_)
        | FaultKind::ResetMidBody
        | FaultKind::TruncatedJson
        | FaultKind::NextCursor(_) => {
            unreachable!("pass-through faults are applied in the gateway")
        }
    }
}

/// Cuts the body of a real response: `TruncatedJson` keeps the first half as a complete
/// response, `ResetMidBody` sends it under the full `Content-Length` and then fails the stream,
/// which makes hyper close the connection mid-body.
pub(crate) async fn corrupt(kind: &FaultKind, response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let full = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    // Never cut an empty or one-byte body to nothing: a reset needs bytes to cut.
    let full = if full.len() < 2 {
        Bytes::from_static(br#"{"message":"","details":{}}"#)
    } else {
        full
    };
    let half = full.slice(..full.len() / 2);
    parts.headers.remove(header::CONTENT_LENGTH);
    let body = match kind {
        FaultKind::ResetMidBody => {
            parts
                .headers
                .insert(header::CONTENT_LENGTH, HeaderValue::from(full.len()));
            reset_after(half)
        }
        _ => Body::from(half),
    };
    Response::from_parts(parts, body)
}

/// Sets `pagingMetadata.cursors.next` of a JSON object response to `cursor`; any other
/// response passes unchanged.
pub(crate) async fn replace_next_cursor(cursor: &str, response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let Ok(serde_json::Value::Object(mut page)) = serde_json::from_slice(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let metadata = page
        .entry("pagingMetadata")
        .or_insert_with(|| serde_json::json!({}));
    if let Some(metadata) = metadata.as_object_mut() {
        let cursors = metadata
            .entry("cursors")
            .or_insert_with(|| serde_json::json!({}));
        if let Some(cursors) = cursors.as_object_mut() {
            cursors.insert("next".to_owned(), cursor.into());
        }
    }
    let bytes = serde_json::Value::Object(page).to_string();
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bytes))
}

/// A body that yields `chunk`, returns `Pending` once (so hyper flushes the head and the chunk
/// to the socket before polling again), then fails.
fn reset_after(chunk: Bytes) -> Body {
    enum Step {
        Chunk(Bytes),
        Yield,
        Fail,
    }
    let steps = stream::unfold(Step::Chunk(chunk), |step| async move {
        match step {
            Step::Chunk(chunk) => Some((Ok(chunk), Step::Yield)),
            Step::Yield => {
                tokio::task::yield_now().await;
                let error = std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "injected fault: connection reset mid-body",
                );
                Some((Err(error), Step::Fail))
            }
            Step::Fail => None,
        }
    });
    Body::from_stream(steps)
}

const OVERSIZED_CHUNK: usize = 64 * 1024;

/// `{"padding":"xxx…"}` of exactly `total` bytes, streamed in chunks (a client that stops
/// reading blocks only its own connection, which shutdown closes).
fn oversized(total: usize) -> Response {
    const HEAD: &[u8] = br#"{"padding":""#;
    const TAIL: &[u8] = br#""}"#;
    let total = total.max(HEAD.len() + TAIL.len() + 2);
    let padding = total - HEAD.len() - TAIL.len();
    let filler = Bytes::from(vec![b'x'; OVERSIZED_CHUNK]);
    let mut chunks: Vec<Bytes> = vec![Bytes::from_static(HEAD)];
    let mut left = padding;
    while left > 0 {
        let n = left.min(OVERSIZED_CHUNK);
        chunks.push(filler.slice(..n));
        left -= n;
    }
    chunks.push(Bytes::from_static(TAIL));
    let body = stream::iter(chunks.into_iter().map(Ok::<_, std::io::Error>));
    let mut response = raw_response(StatusCode::OK, "application/json", Body::from_stream(body));
    response
        .headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(total));
    response
}

fn raw_response(status: StatusCode, content_type: &'static str, body: Body) -> Response {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_consumes_first_matching_fault_in_order() {
        let messages = FaultTarget::Path("/inbox/v2/messages".to_owned());
        let mut queue = FaultQueue::default();
        queue.push(Fault::new(FaultKind::status(0)).times(0));
        queue.push(Fault::new(FaultKind::status(503)).on(messages).times(2));
        queue.push(Fault::new(FaultKind::status(500)));
        assert_eq!(queue.len(), 2, "times: 0 is dropped");

        let get = Method::GET;
        assert_eq!(queue.take(&get, "/other"), Some(FaultKind::status(500)));
        assert_eq!(queue.take(&get, "/other"), None);
        assert_eq!(
            queue.take(&get, "/inbox/v2/messages"),
            Some(FaultKind::status(503))
        );
        assert_eq!(
            queue.take(&get, "/inbox/v2/messages"),
            Some(FaultKind::status(503))
        );
        assert_eq!(queue.take(&get, "/inbox/v2/messages"), None);
        assert_eq!(queue.len(), 0);
    }
}
