//! Calls `Client::get_conversation`, which the edit removes.
use drill_client::Client;

#[allow(dead_code)]
async fn run(client: &Client, conversation_id: uuid::Uuid) {
    let conversation = client.get_conversation(conversation_id).await;
    println!("{:?}", conversation.is_ok());
}

fn main() {}
