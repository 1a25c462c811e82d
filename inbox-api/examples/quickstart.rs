//! Get or create a conversation with a contact, send it a message, and list its messages.
//!
//! Against Wix (creates a real conversation and sends a real message):
//!
//! ```sh
//! WIX_API_KEY=... WIX_SITE_ID=... WIX_CONTACT_ID=... \
//!     cargo run -p inbox-api --example quickstart --features test-server
//! ```
//!
//! Without `WIX_API_KEY` and `WIX_SITE_ID` it runs against a local in-memory Inbox server
//! (`inbox_api::testing::InboxServer`), so you can watch it work right away.

use std::env;
use std::process::ExitCode;

use futures::{StreamExt, TryStreamExt};
use inbox_api::auth::Auth;
use inbox_api::operations::ListMessagesOptions;
use inbox_api::testing::InboxServer;
use inbox_api::types::{
    basic_message_data, message_content, GetOrCreateConversationRequest, Message, MessageContent,
    MessageVisibility, ParticipantId, SendMessageRequest,
};
use inbox_api::Client;
use uuid::Uuid;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // `Display` of the error and its causes reads better than `Debug`.
            eprintln!("error: {error}");
            let mut source = error.source();
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), BoxError> {
    // Keep the local server (if any) alive until the end of `main`.
    let (client, contact_id, _server) = match (env::var("WIX_API_KEY"), env::var("WIX_SITE_ID")) {
        (Ok(api_key), Ok(site_id)) => {
            let Ok(contact_id) = env::var("WIX_CONTACT_ID") else {
                println!(
                    "Set WIX_CONTACT_ID to the ID of a contact of your site (Wix dashboard > \
                     Contacts) to message them. Nothing was created."
                );
                return Ok(());
            };
            let contact_id: Uuid = contact_id
                .trim()
                .parse()
                .map_err(|e| format!("WIX_CONTACT_ID is not a GUID: {e}"))?;
            println!("Using Wix, site {site_id}");
            let client = Client::builder()
                .auth(Auth::api_key_for_site(api_key, site_id))
                .build()?;
            (client, contact_id, None)
        }
        (Err(_), Err(_)) => {
            let server = InboxServer::start().await?;
            println!(
                "WIX_API_KEY and WIX_SITE_ID are not set: using a local test server at {}",
                server.base_url()
            );
            let config = server.config();
            let client = Client::builder()
                .base_url(server.base_url())
                .auth(Auth::api_key_for_site(
                    config.api_key.clone(),
                    config.site_id.to_string(),
                ))
                .build()?;
            let contact_id = Uuid::from_u128(0x890a3816_85b4_44ab_9085_524972a850ef);
            (client, contact_id, Some(server))
        }
        _ => return Err("set both WIX_API_KEY and WIX_SITE_ID, or neither to run locally".into()),
    };

    // 1. The contact's conversation (there is at most one per participant).
    let participant = ParticipantId::contact(contact_id);
    let created = client
        .get_or_create_conversation(&GetOrCreateConversationRequest::new(participant))
        .await?;
    let conversation_id = created
        .conversation
        .and_then(|conversation| conversation.id)
        .ok_or("the response has no conversation id")?;
    let how = if created.new_conversation == Some(true) {
        "created"
    } else {
        "found"
    };
    println!("Conversation {conversation_id} ({how}) with contact {contact_id}");

    // 2. A text message from the business, visible to the contact.
    let message = Message::from_business(MessageContent::text("Hello from inbox-api!"));
    let sent = client
        .send_message(&SendMessageRequest::new(conversation_id, message))
        .await?;
    if let Some(id) = sent.message.and_then(|message| message.id) {
        println!("Sent message {id}");
    }

    // 3. The 10 newest messages (the stream fetches further pages only when needed).
    let recent: Vec<Message> = client
        .list_messages_stream(
            conversation_id,
            MessageVisibility::BusinessAndParticipant,
            ListMessagesOptions::default().paging_limit(10),
        )
        .take(10)
        .try_collect()
        .await?;
    println!("The {} newest messages:", recent.len());
    for message in &recent {
        let when = message
            .created_date
            .map(|date| date.to_rfc3339())
            .unwrap_or_default();
        println!(
            "  {when} {}: {}",
            message.direction,
            describe(&message.content)
        );
    }

    let drift = client.drift_report();
    if !drift.is_empty() {
        println!(
            "Wix sent {} things this client does not know yet; consider regenerating it",
            drift.len()
        );
    }
    Ok(())
}

/// A one-line summary of a message's content.
fn describe(content: &MessageContent) -> String {
    match &content.payload {
        Some(message_content::Payload::Basic(basic)) => basic
            .items
            .iter()
            .flatten()
            .map(|item| match &item.data {
                Some(basic_message_data::Data::Text(text)) => text.clone(),
                Some(basic_message_data::Data::Image(_)) => "[image]".to_owned(),
                Some(basic_message_data::Data::File(_)) => "[file]".to_owned(),
                _ => "[item]".to_owned(),
            })
            .collect::<Vec<_>>()
            .join(" "),
        Some(message_content::Payload::Template(template)) => {
            format!("[card] {}", template.title.as_deref().unwrap_or_default())
        }
        Some(message_content::Payload::Minimal(minimal)) => minimal.text.clone(),
        Some(message_content::Payload::Form(form)) => {
            format!("[form] {}", form.title.as_deref().unwrap_or_default())
        }
        _ => content
            .preview_text
            .clone()
            .unwrap_or_else(|| "[other]".to_owned()),
    }
}
