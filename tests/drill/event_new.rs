//! Handles the new webhook event `Event::ConversationRead`.
use drill_client::events::Event;
use drill_client::types::ConversationRead;

fn handle(event: Event) -> Option<ConversationRead> {
    match event {
        Event::ConversationRead(payload) => Some(payload),
        _ => None,
    }
}

fn main() {
    println!("{:?}", handle(Event::ConversationRead(ConversationRead::default())));
}
