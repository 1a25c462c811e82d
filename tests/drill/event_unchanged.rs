//! Handles the webhook events known before `ConversationRead` is added.
use drill_client::events::Event;

fn handle(event: Event) -> String {
    match event {
        Event::MessageSentToBusiness(payload) => format!("{:?}", payload.conversation_id),
        Event::ConversationsMerged(payload) => format!("{:?}", payload.target_conversation_id),
        Event::Unrecognized { event_type, .. } => event_type,
        _ => String::new(),
    }
}

fn main() {
    let event = Event::from_body("wix.crm.inbox.v2.message_message_sent_to_business", serde_json::json!({})).unwrap();
    println!("{}", handle(event));
}
