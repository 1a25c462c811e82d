//! Calls operations other than `get_conversation`.
use drill_client::operations::ListMessagesOptions;
use drill_client::types::{GetOrCreateConversationRequest, MessageVisibility, ParticipantId, participant_id};
use drill_client::Client;

#[allow(dead_code)]
async fn run(client: &Client, contact_id: uuid::Uuid) {
    let mut participant = ParticipantId::default();
    participant.id = Some(participant_id::Id::ContactId(contact_id));
    let found = client.get_or_create_conversation(&GetOrCreateConversationRequest::new(participant)).await;
    if let Ok(Some(id)) = found.map(|r| r.conversation.and_then(|c| c.id)) {
        let page = client.list_messages(id, MessageVisibility::Business, ListMessagesOptions::default()).await;
        println!("{:?}", page.is_ok());
    }
}

fn main() {}
