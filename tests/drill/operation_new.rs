//! Calls the new operation `Client::read_conversation`.
use drill_client::Client;

#[allow(dead_code)]
async fn run(client: &Client, conversation_id: uuid::Uuid) {
    println!("{:?}", client.read_conversation(conversation_id).await.is_ok());
}

fn main() {}
