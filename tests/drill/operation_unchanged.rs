//! Calls operations that exist before and after `readConversation` is added.
use drill_client::operations::ListMessagesOptions;
use drill_client::types::{GetOrCreateConversationRequest, MessageVisibility, ParticipantId};
use drill_client::Client;

#[allow(dead_code)]
async fn run(client: &Client, conversation_id: uuid::Uuid) {
    let page = client
        .list_messages(conversation_id, MessageVisibility::Business, ListMessagesOptions::default().paging_limit(10))
        .await;
    println!("{:?}", page.is_ok());
    let request = GetOrCreateConversationRequest::new(ParticipantId::default());
    println!("{:?}", client.get_or_create_conversation(&request).await.is_ok());
}

fn main() {}
