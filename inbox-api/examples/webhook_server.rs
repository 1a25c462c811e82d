//! A webhook receiver for Inbox events: verifies every delivery and logs the typed event.
//!
//! ```sh
//! WIX_WEBHOOK_PUBLIC_KEY_FILE=tests/keys/wix_test_public.pem PORT=8080 \
//!     cargo run -p inbox-api --features webhooks,test-server --example webhook_server
//! ```
//!
//! The public key comes from `WIX_WEBHOOK_PUBLIC_KEY` (the PEM itself; `\n` escapes are
//! accepted) or from the file named by `WIX_WEBHOOK_PUBLIC_KEY_FILE`. Listens on 127.0.0.1,
//! port `PORT` or an ephemeral one, and prints the URL. `POST /webhooks/inbox` answers 200 for
//! a verified delivery, 401 for a forged or invalid token, 400 for an authentic event that
//! does not decode, 413 for a body over 1 MiB, 408 for a body not received within 5 s. A replay
//! of an event already delivered (while its token is valid) is answered 200 and not logged
//! again: the endpoint runs with a `Deduplicator`.
//!
//! `tests/tests/webhooks.rs` compiles this file as a module and runs [`run`].

use std::error::Error;

use inbox_api::events::Event;
use inbox_api::webhooks::server::{self, EndpointConfig};
use inbox_api::webhooks::{Deduplicator, InboxEvent, WebhookVerifier};

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let verifier = WebhookVerifier::from_public_key_pem(&public_key_pem()?)?;
    let port: u16 = match std::env::var("PORT") {
        Ok(port) => port.parse().map_err(|_| "PORT must be a port number")?,
        Err(_) => 0,
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!(
        "listening on http://{}{}",
        listener.local_addr()?,
        server::PATH
    );
    run(listener, verifier).await?;
    Ok(())
}

/// The webhook public key PEM from the environment.
fn public_key_pem() -> Result<String, Box<dyn Error>> {
    if let Ok(pem) = std::env::var("WIX_WEBHOOK_PUBLIC_KEY") {
        return Ok(pem.replace("\\n", "\n"));
    }
    if let Ok(path) = std::env::var("WIX_WEBHOOK_PUBLIC_KEY_FILE") {
        return Ok(std::fs::read_to_string(path)?);
    }
    Err("set WIX_WEBHOOK_PUBLIC_KEY (the PEM) or WIX_WEBHOOK_PUBLIC_KEY_FILE (its path)".into())
}

/// Serves `POST /webhooks/inbox` on `listener` until it fails.
pub async fn run(
    listener: tokio::net::TcpListener,
    verifier: WebhookVerifier,
) -> std::io::Result<()> {
    let config = EndpointConfig::default().deduplicate(Deduplicator::default());
    server::serve_with(listener, verifier, config, log_event).await
}

/// Runs before the 200 is sent, so it only logs. A real receiver queues the event here and
/// does the work elsewhere (the endpoint has already dropped replays of the same `event.id`).
fn log_event(event: InboxEvent) {
    let InboxEvent {
        id, instance_id, ..
    } = &event;
    match &event.event {
        Event::MessageSentToBusiness(sent) => {
            let message = sent.message.as_ref();
            tracing::info!(
                %id,
                %instance_id,
                conversation = ?sent.conversation_id,
                message = ?message.and_then(|message| message.id.as_deref()),
                sender = ?message.and_then(|message| message.sender.as_ref()),
                "message sent to business"
            );
        }
        Event::MessageSentToParticipant(sent) => {
            tracing::info!(
                %id,
                %instance_id,
                conversation = ?sent.conversation_id,
                message = ?sent.message.as_ref().and_then(|message| message.id.as_deref()),
                "message sent to participant"
            );
        }
        Event::ButtonInteracted(click) => {
            tracing::info!(
                %id,
                %instance_id,
                conversation = ?click.conversation_id,
                interaction = ?click.interaction_id,
                "button interacted"
            );
        }
        Event::ConversationsMerged(merged) => {
            tracing::info!(
                %id,
                %instance_id,
                target = ?merged.target_conversation_id,
                merged = ?merged.old_conversation_ids,
                "conversations merged"
            );
        }
        Event::Unrecognized { event_type, .. } => {
            tracing::info!(%id, %instance_id, event_type, "event of an unknown type");
        }
        other => {
            tracing::info!(%id, %instance_id, event_type = other.event_type(), "inbox event");
        }
    }
}
