//! Builds a `SendMessageRequest` with a struct literal, which must now set the new field.
use drill_client::types::{Message, SendMessageRequest};

#[allow(deprecated)] // `silent`
fn request(conversation_id: uuid::Uuid, message: Message) -> SendMessageRequest {
    SendMessageRequest { conversation_id, message, send_as: None, send_notifications: Some(true), silent: None, extra: Default::default() }
}

fn main() {
    let _ = request;
}
