//! Reads `Message` fields other than `direction`.
use drill_client::types::{Message, MessageVisibility};

fn visible_to_participant(message: &Message) -> bool {
    message.visibility == MessageVisibility::BusinessAndParticipant && message.content.payload.is_some()
}

fn main() {
    let _ = visible_to_participant;
}
