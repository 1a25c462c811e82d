//! An axum endpoint that verifies webhook deliveries and hands each event to your callback
//! (feature `webhooks-axum`, which brings in axum).
//!
//! Answers 200 after the callback returns, and for a rejected delivery the status of
//! [`WebhookError::status_code`]: 401 when it cannot be authenticated (bad signature, wrong
//! algorithm, expired, not a JWT), 400 when an authentic event does not decode, 413 above the
//! body limit; 408 when the body does not arrive within the body read timeout. Rejections are
//! logged at `warn` without the body.
//!
//! [`serve_with`] also bounds the time to send a request head and the number of connections
//! served at once, and [`EndpointConfig::deduplicate`] answers replays without a second
//! delivery; see [`EndpointConfig`].
//!
//! ```no_run
//! use inbox_api::webhooks::{server, InboxEvent, WebhookVerifier};
//!
//! # async fn example(pem: &str) -> Result<(), Box<dyn std::error::Error>> {
//! let verifier = WebhookVerifier::from_public_key_pem(pem)?;
//! let (queue, mut events) = tokio::sync::mpsc::channel::<InboxEvent>(1024);
//! let on_event = move |event: InboxEvent| {
//!     // Never block here: Wix gives up after 1250 ms. Queue the event, process it elsewhere.
//!     if queue.try_send(event).is_err() {
//!         tracing::error!("webhook queue full; event dropped (Wix does not retry a 200)");
//!     }
//! };
//! tokio::spawn(async move {
//!     while let Some(event) = events.recv().await {
//!         // Deduplicate by event.id, then do the work.
//!         # let _ = event;
//!     }
//! });
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! server::serve(listener, verifier, on_event).await?;
//! # Ok(())
//! # }
//! ```

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, HttpBody};
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use axum::routing::{post, MethodRouter};
use axum::Router;
use futures::StreamExt;
use http::{header, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::sync::Semaphore;

use super::{Deduplicator, InboxEvent, WebhookError, WebhookVerifier};

/// Where [`router`] and [`serve`] mount the endpoint.
pub const PATH: &str = "/webhooks/inbox";

/// Default of [`EndpointConfig::header_read_timeout`]: 5 s.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(5);

/// Default of [`EndpointConfig::body_read_timeout`]: 5 s.
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(5);

/// Default of [`EndpointConfig::max_connections`].
pub const DEFAULT_MAX_CONNECTIONS: usize = 256;

/// Limits of the endpoint, and the optional [`Deduplicator`].
///
/// Wix sends small bodies and gives up after 1250 ms, so a delivery that takes seconds to
/// arrive is not Wix; these limits keep slow or idle clients from holding connections and
/// buffers:
///
/// - [`header_read_timeout`](Self::header_read_timeout): the request head (and, on a kept-alive
///   connection, the wait for the next one) must arrive within it, or the connection is closed
///   (applied by [`serve_with`]);
/// - [`body_read_timeout`](Self::body_read_timeout): the body must arrive within it once the
///   handler starts reading, or the answer is `408` and the connection is closed;
/// - [`max_connections`](Self::max_connections): connections served at once; further ones wait
///   in the listen backlog until one closes (applied by [`serve_with`]).
///
/// ```
/// use std::time::Duration;
/// use inbox_api::webhooks::{server::EndpointConfig, Deduplicator};
///
/// let config = EndpointConfig::default()
///     .header_read_timeout(Duration::from_secs(2))
///     .body_read_timeout(Duration::from_secs(2))
///     .max_connections(64)
///     .deduplicate(Deduplicator::new(50_000));
/// # let _ = config;
/// ```
#[derive(Clone, Debug)]
pub struct EndpointConfig {
    header_read_timeout: Duration,
    body_read_timeout: Duration,
    max_connections: usize,
    deduplicator: Option<Arc<Deduplicator>>,
}

impl Default for EndpointConfig {
    /// [`DEFAULT_HEADER_READ_TIMEOUT`], [`DEFAULT_BODY_READ_TIMEOUT`],
    /// [`DEFAULT_MAX_CONNECTIONS`], no deduplication.
    fn default() -> Self {
        EndpointConfig {
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            deduplicator: None,
        }
    }
}

impl EndpointConfig {
    /// The time a client has to send a request head; also how long an idle kept-alive
    /// connection is kept. Used by [`serve_with`].
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// The time a client has to send the body, from when the handler starts reading it.
    pub fn body_read_timeout(mut self, timeout: Duration) -> Self {
        self.body_read_timeout = timeout;
        self
    }

    /// Connections served at once (at least 1). Used by [`serve_with`].
    pub fn max_connections(mut self, limit: usize) -> Self {
        self.max_connections = limit.max(1);
        self
    }

    /// Answers a replayed delivery (an event ID seen before, while its token still verifies)
    /// with `200` without calling `on_event` again. Share one deduplicator between endpoints
    /// by cloning the config.
    pub fn deduplicate(mut self, deduplicator: Deduplicator) -> Self {
        self.deduplicator = Some(Arc::new(deduplicator));
        self
    }

    /// The deduplicator set with [`deduplicate`](Self::deduplicate), e.g. to read its
    /// [`evicted`](Deduplicator::evicted) count.
    pub fn deduplicator(&self) -> Option<&Deduplicator> {
        self.deduplicator.as_deref()
    }
}

/// A `POST` handler for your own router: `Router::new().route("/hooks", route(verifier, f))`,
/// with [`EndpointConfig::default()`].
///
/// `on_event` runs for every verified delivery, before the 200 is sent; it must return
/// quickly (queue the event, do not process it there).
pub fn route<S, H>(verifier: WebhookVerifier, on_event: H) -> MethodRouter<S>
where
    S: Clone + Send + Sync + 'static,
    H: Fn(InboxEvent) + Clone + Send + Sync + 'static,
{
    route_with(verifier, EndpointConfig::default(), on_event)
}

/// [`route`] with `config`: applies the body read timeout and the deduplicator. Header read
/// timeouts and the connection limit belong to the server: [`serve_with`] applies them, a
/// server of your own must do so itself.
pub fn route_with<S, H>(
    verifier: WebhookVerifier,
    config: EndpointConfig,
    on_event: H,
) -> MethodRouter<S>
where
    S: Clone + Send + Sync + 'static,
    H: Fn(InboxEvent) + Clone + Send + Sync + 'static,
{
    let endpoint = Arc::new(Endpoint { verifier, config });
    post(move |request: Request| {
        let endpoint = Arc::clone(&endpoint);
        let on_event = on_event.clone();
        async move { endpoint.answer(request.into_body(), on_event).await }
    })
}

/// A router with [`route`] at [`PATH`].
pub fn router<H>(verifier: WebhookVerifier, on_event: H) -> Router
where
    H: Fn(InboxEvent) + Clone + Send + Sync + 'static,
{
    router_with(verifier, EndpointConfig::default(), on_event)
}

/// A router with [`route_with`] at [`PATH`].
pub fn router_with<H>(verifier: WebhookVerifier, config: EndpointConfig, on_event: H) -> Router
where
    H: Fn(InboxEvent) + Clone + Send + Sync + 'static,
{
    Router::new().route(PATH, route_with(verifier, config, on_event))
}

/// Serves [`router`] on `listener` with [`EndpointConfig::default()`]; see [`serve_with`].
pub async fn serve<H>(
    listener: tokio::net::TcpListener,
    verifier: WebhookVerifier,
    on_event: H,
) -> std::io::Result<()>
where
    H: Fn(InboxEvent) + Clone + Send + Sync + 'static,
{
    serve_with(listener, verifier, EndpointConfig::default(), on_event).await
}

/// Serves [`router_with`] on `listener` over HTTP/1.1, with every limit of `config`: each
/// connection gets the header read timeout, at most `max_connections` are served at once.
///
/// Runs until the task is dropped or aborted. Failures to accept a connection (such as
/// running out of file descriptors) are logged and retried after a short pause.
pub async fn serve_with<H>(
    listener: tokio::net::TcpListener,
    verifier: WebhookVerifier,
    config: EndpointConfig,
    on_event: H,
) -> std::io::Result<()>
where
    H: Fn(InboxEvent) + Clone + Send + Sync + 'static,
{
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(config.header_read_timeout);
    let slots = Arc::new(Semaphore::new(config.max_connections));
    let service = TowerToHyperService::new(router_with(verifier, config, on_event));
    loop {
        // The semaphore is never closed, so this always waits for a slot and gets it.
        let Ok(slot) = Arc::clone(&slots).acquire_owned().await else {
            return Ok(());
        };
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                log_accept_error(&error);
                // Out of file descriptors and the like: give connections time to close.
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let connection = http.serve_connection(TokioIo::new(stream), service.clone());
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                log_connection_error(&error, peer);
            }
            drop(slot);
        });
    }
}

fn log_accept_error(error: &std::io::Error) {
    tracing::warn!(%error, "webhook endpoint could not accept a connection");
}

fn log_connection_error(error: &hyper::Error, peer: SocketAddr) {
    // Timeouts and clients that hang up are routine; no request data is logged.
    tracing::debug!(%error, %peer, "webhook connection ended with an error");
}

struct Endpoint {
    verifier: WebhookVerifier,
    config: EndpointConfig,
}

impl Endpoint {
    async fn answer(&self, body: Body, on_event: impl Fn(InboxEvent)) -> Response {
        let limit = self.verifier.body_limit();
        let body = match tokio::time::timeout(self.config.body_read_timeout, read_body(body, limit))
            .await
        {
            Ok(Ok(body)) => body,
            Ok(Err(status)) => return closing(status),
            Err(_) => {
                tracing::warn!(
                    timeout_ms = u64::try_from(self.config.body_read_timeout.as_millis())
                        .unwrap_or(u64::MAX),
                    "webhook body not received in time"
                );
                return closing(StatusCode::REQUEST_TIMEOUT);
            }
        };
        match self.verifier.verify(&body) {
            Ok(event) => {
                if let Some(seen) = &self.config.deduplicator {
                    let until = self.verifier.accepted_until(&event);
                    if !seen.first_delivery(&event.id, until) {
                        tracing::debug!("replayed webhook delivery answered without delivery");
                        return StatusCode::OK.into_response();
                    }
                }
                on_event(event);
                StatusCode::OK.into_response()
            }
            Err(error) => {
                let status = error.status_code();
                log_rejection(&error, status);
                status.into_response()
            }
        }
    }
}

/// `status` with `connection: close`: the body was not read to its end, so the connection
/// cannot carry another request, and the client should not try.
fn closing(status: StatusCode) -> Response {
    (status, [(header::CONNECTION, "close")]).into_response()
}

/// The whole body, at most `limit` bytes (else `413`); a body that breaks off is a `400`.
async fn read_body(body: Body, limit: usize) -> Result<Vec<u8>, StatusCode> {
    let too_large = || {
        log_rejection(
            &WebhookError::BodyTooLarge { limit },
            StatusCode::PAYLOAD_TOO_LARGE,
        );
        StatusCode::PAYLOAD_TOO_LARGE
    };
    let announced = HttpBody::size_hint(&body).lower();
    if usize::try_from(announced).map_or(true, |announced| announced > limit) {
        return Err(too_large());
    }
    let mut chunks = body.into_data_stream();
    let mut body = Vec::new();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|_| StatusCode::BAD_REQUEST)?;
        if chunk.len() > limit.saturating_sub(body.len()) {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn log_rejection(error: &WebhookError, status: http::StatusCode) {
    tracing::warn!(%error, status = status.as_u16(), "rejected webhook delivery");
}
