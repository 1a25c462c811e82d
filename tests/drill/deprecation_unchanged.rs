//! Reads `Message` fields other than `badges`.
use drill_client::types::Message;

fn summary(message: &Message) -> String {
    format!("{:?} {:?} {:?}", message.id, message.visibility, message.content.preview_text)
}

fn main() {
    let _ = summary;
}
