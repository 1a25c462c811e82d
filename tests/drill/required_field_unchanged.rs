//! Reads a `SendMessageRequest` without building one.
use drill_client::types::SendMessageRequest;

fn describe(request: &SendMessageRequest) -> String {
    format!("{} {:?} {:?}", request.conversation_id, request.send_notifications, request.message.id)
}

fn main() {
    let _ = describe;
}
