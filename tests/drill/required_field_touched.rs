//! Builds a `SendMessageRequest` with its constructor, which gains an argument.
use drill_client::types::{Message, SendMessageRequest};

fn request(conversation_id: uuid::Uuid, message: Message) -> SendMessageRequest {
    let mut request = SendMessageRequest::new(conversation_id, message);
    request.send_notifications = Some(true);
    request
}

fn main() {
    let _ = request;
}
