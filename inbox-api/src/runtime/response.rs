//! Response bodies that are not JSON: what operations whose spec gives a `text/*` response
//! return (`String`), what the others (PDF, zip, images, audio, octet streams) return
//! ([`Binary`], read whole under the client's response size limit, or [`ByteStream`], read as it
//! arrives with no limit), and server-sent events (`text/event-stream`: an [`EventStream`]).

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::Stream;
use serde::de::DeserializeOwned;

use crate::client::{transport_error, Client, OperationMeta, Request};
use crate::error::{body_excerpt, Error, TransportPhase};

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

/// A response body read as it arrives, chunk by chunk, with no size limit (the caller decides
/// how much to keep); the client's timeout covers only the wait for the response headers.
pub struct ByteStream {
    content_type: Option<String>,
    chunks: Pin<Box<dyn Stream<Item = Result<Bytes, Error>> + Send>>,
}

impl ByteStream {
    /// The `Content-Type` header, when the server sent one.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }
}

impl std::fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ByteStream")
            .field("content_type", &self.content_type)
            .finish_non_exhaustive()
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.chunks.as_mut().poll_next(cx)
    }
}

/// The chunks of a response whose body was left unread.
fn chunks(
    response: reqwest::Response,
    request_id: Option<String>,
) -> Pin<Box<dyn Stream<Item = Result<Bytes, Error>> + Send>> {
    Box::pin(futures::stream::unfold(
        Some((response, request_id)),
        |state| async move {
            let (mut response, request_id) = state?;
            match response.chunk().await {
                Ok(Some(chunk)) => Some((Ok(chunk), Some((response, request_id)))),
                Ok(None) => None,
                Err(e) => Some((
                    Err(transport_error(e, TransportPhase::Body, request_id)),
                    None,
                )),
            }
        },
    ))
}

/// Sends a request and returns its success body as a [`ByteStream`].
pub async fn execute_byte_stream<C: From<String>>(
    client: &Client,
    op: &'static OperationMeta,
    req: impl Into<Request>,
) -> Result<ByteStream, Error<C>> {
    let raw = client
        .execute_raw(op, req.into().any_content_type().streamed())
        .await
        .map_err(Error::map_code)?;
    let content_type = raw
        .headers
        .get(http::header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let chunks = match raw.stream {
        Some(response) => chunks(response, raw.request_id),
        None => Box::pin(futures::stream::once(async move { Ok(raw.body) })),
    };
    Ok(ByteStream {
        content_type,
        chunks,
    })
}

/// One server-sent event (`text/event-stream`), its `data` decoded into `T` (`String` when the
/// spec gives no schema for it).
#[derive(Clone, Debug, PartialEq)]
pub struct ServerSentEvent<T> {
    /// The `event:` field (the event type), when given.
    pub event: Option<String>,
    /// The `id:` field, when given.
    pub id: Option<String>,
    /// The `retry:` field (reconnection time in milliseconds), when given.
    pub retry: Option<u64>,
    /// The `data:` lines, joined by `\n` and decoded.
    pub data: T,
}

/// The events of a `text/event-stream` response, as they arrive. An event whose data does
/// not decode is an [`Error::Decode`] item; the stream goes on after it.
///
/// To resume a stream that ended or failed, an `EventSource` waits [`EventStream::retry`] and
/// sends the ID of the last event it received in a `Last-Event-ID` header: when the operation
/// declares that header parameter, pass [`EventStream::last_event_id`] to it.
pub struct EventStream<T> {
    body: Pin<Box<dyn Stream<Item = Result<Bytes, Error>> + Send>>,
    parser: SseParser,
    /// Event blocks parsed but not yet handed out.
    ready: VecDeque<RawEvent>,
    decode: fn(&str) -> Result<T, serde_json::Error>,
    status: http::StatusCode,
    request_id: Option<String>,
    /// The ID of the last event block handed out (or skipped for having no data).
    last_event_id: Option<String>,
    /// The last `retry:` the server sent, in milliseconds.
    retry: Option<u64>,
}

impl<T> EventStream<T> {
    /// The last event ID the server set, as of the events returned so far (an `id:` field
    /// carries over to later events, and counts even in a block without data, as in a
    /// browser's `EventSource`); `None` before any, or after the server reset it with an empty
    /// `id:`. Send it as `Last-Event-ID` to resume the stream after it.
    pub fn last_event_id(&self) -> Option<&str> {
        self.last_event_id.as_deref().filter(|id| !id.is_empty())
    }

    /// The reconnection time the server asked for in its last `retry:` field (as of the
    /// events returned so far): how long to wait before resuming.
    pub fn retry(&self) -> Option<std::time::Duration> {
        self.retry.map(std::time::Duration::from_millis)
    }
}

impl<T> std::fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream")
            .field("last_event_id", &self.last_event_id)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

// Nothing is pinned in place: the body is boxed, the rest plain data.
impl<T> Unpin for EventStream<T> {}

impl<T> Stream for EventStream<T> {
    type Item = Result<ServerSentEvent<T>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            while let Some(block) = this.ready.pop_front() {
                this.last_event_id.clone_from(&block.id);
                if block.retry.is_some() {
                    this.retry = block.retry;
                }
                if !block.dispatch {
                    continue;
                }
                let item = match (this.decode)(&block.data) {
                    Ok(data) => Ok(ServerSentEvent {
                        event: block.event,
                        id: block.id,
                        retry: block.retry,
                        data,
                    }),
                    Err(e) => Err(Error::Decode {
                        status: this.status,
                        excerpt: body_excerpt(block.data.as_bytes(), &e),
                        source: e,
                        request_id: this.request_id.clone(),
                    }),
                };
                return Poll::Ready(Some(item));
            }
            match this.body.as_mut().poll_next(cx) {
                Poll::Ready(Some(Ok(chunk))) => this.ready.extend(this.parser.feed(&chunk)),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                // An event not ended by a blank line is dropped, as the standard says.
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// Decodes an event's data as JSON (events with a schema).
pub fn json_event<T: DeserializeOwned>(data: &str) -> Result<T, serde_json::Error> {
    serde_json::from_str(data)
}

/// Keeps an event's data as text (events without a schema).
pub fn raw_event(data: &str) -> Result<String, serde_json::Error> {
    Ok(data.to_owned())
}

/// Sends a request and returns its success body as a stream of events, each one's data
/// decoded by `decode` ([`json_event`] or [`raw_event`]).
pub async fn execute_event_stream<T: Send + 'static, C: From<String>>(
    client: &Client,
    op: &'static OperationMeta,
    req: impl Into<Request>,
    decode: fn(&str) -> Result<T, serde_json::Error>,
) -> Result<EventStream<T>, Error<C>> {
    let raw = client
        .execute_raw(op, req.into().any_content_type().streamed())
        .await
        .map_err(Error::map_code)?;
    let status = raw.status;
    let request_id = raw.request_id.clone();
    let body = match raw.stream {
        Some(response) => chunks(response, raw.request_id),
        None => Box::pin(futures::stream::once(async move { Ok(raw.body) })),
    };
    Ok(EventStream {
        body,
        parser: SseParser::default(),
        ready: VecDeque::new(),
        decode,
        status,
        request_id,
        last_event_id: None,
        retry: None,
    })
}

/// One event block (ended by a blank line) before its data is decoded.
#[derive(Debug, Default, PartialEq)]
struct RawEvent {
    event: Option<String>,
    /// The last event ID buffer as the block ended (carried over from earlier blocks).
    id: Option<String>,
    retry: Option<u64>,
    data: String,
    /// The block had `data:` lines, so it is an event; a block without them only updates
    /// the last event ID (and the reconnection time).
    dispatch: bool,
}

/// The `text/event-stream` format (HTML Living Standard, "server-sent events"): lines ended
/// by CR, LF or CRLF; `field: value`; a blank line dispatches the event; `:` starts a comment.
#[derive(Default)]
struct SseParser {
    /// Bytes of a line not yet ended.
    line: Vec<u8>,
    /// The last byte fed was a CR (a following LF belongs to it).
    after_cr: bool,
    event: RawEvent,
    has_data: bool,
    /// The block being read set the event ID.
    id_set: bool,
}

impl SseParser {
    fn feed(&mut self, bytes: &[u8]) -> Vec<RawEvent> {
        let mut out = Vec::new();
        for &byte in bytes {
            if self.after_cr && byte == b'\n' {
                self.after_cr = false;
                continue;
            }
            self.after_cr = byte == b'\r';
            if byte == b'\r' || byte == b'\n' {
                let line = std::mem::take(&mut self.line);
                if let Some(event) = self.line_ended(&String::from_utf8_lossy(&line)) {
                    out.push(event);
                }
            } else {
                self.line.push(byte);
            }
        }
        out
    }

    fn line_ended(&mut self, line: &str) -> Option<RawEvent> {
        if line.is_empty() {
            let mut event = std::mem::take(&mut self.event);
            event.dispatch = std::mem::take(&mut self.has_data);
            // Like a browser's EventSource, the last event ID carries over to later events.
            self.event.id.clone_from(&event.id);
            // A block that changes nothing (a comment, a stray blank line) is not reported.
            let changes = event.dispatch || event.retry.is_some() || self.id_set;
            self.id_set = false;
            return changes.then_some(event);
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "data" => {
                if self.has_data {
                    self.event.data.push('\n');
                }
                self.event.data.push_str(value);
                self.has_data = true;
            }
            "event" => self.event.event = Some(value.to_owned()),
            "id" if !value.contains('\0') => {
                self.event.id = Some(value.to_owned());
                self.id_set = true;
            }
            "retry" => {
                if let Ok(ms) = value.parse() {
                    self.event.retry = Some(ms);
                }
            }
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_last_event_id_and_retry_follow_the_events_returned() {
        use futures::TryStreamExt;
        let chunks = [
            "id: a\ndata: 1\n\n",
            "data: 2\n\nretry: 1500\nid: b\n\n",
            "id:\ndata: 3\n\n",
        ];
        let body = futures::stream::iter(chunks.map(|c| Ok(Bytes::from(c))));
        let mut events = EventStream {
            body: Box::pin(body),
            parser: SseParser::default(),
            ready: VecDeque::new(),
            decode: raw_event,
            status: http::StatusCode::OK,
            request_id: None,
            last_event_id: None,
            retry: None,
        };
        assert_eq!(events.last_event_id(), None);
        let first = events.try_next().await.unwrap().unwrap();
        assert_eq!(
            (first.data.as_str(), events.last_event_id()),
            ("1", Some("a"))
        );
        // The second chunk's id-only block is not read until the second event is returned.
        let second = events.try_next().await.unwrap().unwrap();
        assert_eq!(
            (second.data.as_str(), second.id.as_deref()),
            ("2", Some("a"))
        );
        assert_eq!(events.last_event_id(), Some("a"));
        assert_eq!(events.retry(), None);
        // An empty `id:` resets it.
        let third = events.try_next().await.unwrap().unwrap();
        assert_eq!(third.data, "3");
        assert_eq!(events.last_event_id(), None);
        assert_eq!(events.retry(), Some(std::time::Duration::from_millis(1500)));
        assert!(events.try_next().await.unwrap().is_none());
    }

    #[test]
    fn parses_event_streams_split_anywhere() {
        let text = ": hello\r\nevent: add\ndata: {\"n\":\ndata: 1}\nid: 7\r\n\r\ndata: two\rretry: 50\r\r\n: ping\n\nid: 8\n\ndata: lost at the end";
        // Every split point gives the same events.
        for cut in 0..text.len() {
            let mut parser = SseParser::default();
            let mut events = parser.feed(&text.as_bytes()[..cut]);
            events.extend(parser.feed(&text.as_bytes()[cut..]));
            assert_eq!(
                events,
                [
                    RawEvent {
                        event: Some("add".into()),
                        id: Some("7".into()),
                        retry: None,
                        data: "{\"n\":\n1}".into(),
                        dispatch: true,
                    },
                    RawEvent {
                        event: None,
                        id: Some("7".into()),
                        retry: Some(50),
                        data: "two".into(),
                        dispatch: true,
                    },
                    RawEvent {
                        event: None,
                        id: Some("8".into()),
                        retry: None,
                        data: String::new(),
                        dispatch: false,
                    },
                ],
                "cut at {cut}"
            );
        }
    }
}
