//! An axum endpoint that verifies webhook deliveries and hands each event to your callback
//! (feature `webhooks-axum`, which brings in axum).
//!
//! Answers 200 after the callback returns, and for a rejected delivery the status of
//! [`WebhookError::status_code`]: 401 when it cannot be authenticated (bad signature, wrong
//! algorithm, expired, not a JWT), 400 when an authentic event does not decode, 413 above the
//! body limit. Rejections are logged at `warn` without the body.
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

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::routing::{post, MethodRouter};
use axum::Router;

use super::{InboxEvent, WebhookError, WebhookVerifier};

/// Where [`router`] and [`serve`] mount the endpoint.
pub const PATH: &str = "/webhooks/inbox";

/// A `POST` handler for your own router: `Router::new().route("/hooks", route(verifier, f))`.
///
/// `on_event` runs for every verified delivery, before the 200 is sent; it must return
/// quickly (queue the event, do not process it there).
pub fn route<S, H>(verifier: WebhookVerifier, on_event: H) -> MethodRouter<S>
where
    S: Clone + Send + Sync + 'static,
    H: Fn(InboxEvent) + Clone + Send + Sync + 'static,
{
    let body_limit = verifier.body_limit();
    let verifier = Arc::new(verifier);
    post(move |body: Bytes| {
        let verifier = Arc::clone(&verifier);
        let on_event = on_event.clone();
        async move { answer(&verifier, &body, on_event) }
    })
    .layer(DefaultBodyLimit::max(body_limit))
}

/// A router with [`route`] at [`PATH`].
pub fn router<H>(verifier: WebhookVerifier, on_event: H) -> Router
where
    H: Fn(InboxEvent) + Clone + Send + Sync + 'static,
{
    Router::new().route(PATH, route(verifier, on_event))
}

/// Serves [`router`] on `listener` until it fails.
pub async fn serve<H>(
    listener: tokio::net::TcpListener,
    verifier: WebhookVerifier,
    on_event: H,
) -> std::io::Result<()>
where
    H: Fn(InboxEvent) + Clone + Send + Sync + 'static,
{
    axum::serve(listener, router(verifier, on_event)).await
}

fn answer(
    verifier: &WebhookVerifier,
    body: &[u8],
    on_event: impl Fn(InboxEvent),
) -> http::StatusCode {
    match verifier.verify(body) {
        Ok(event) => {
            on_event(event);
            http::StatusCode::OK
        }
        Err(error) => {
            let status = error.status_code();
            log_rejection(&error, status);
            status
        }
    }
}

fn log_rejection(error: &WebhookError, status: http::StatusCode) {
    tracing::warn!(%error, status = status.as_u16(), "rejected webhook delivery");
}
