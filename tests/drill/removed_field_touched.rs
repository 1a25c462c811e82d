//! Reads `Message.direction`, which the edit removes.
use drill_client::types::{Message, MessageDirection};

fn from_business(message: &Message) -> bool {
    message.direction == MessageDirection::BusinessToParticipant
}

fn main() {
    let _ = from_business;
}
