//! The in-memory Inbox: conversations (one per participant) and their messages, kept as raw
//! wire JSON and ordered by `sequence`.
//!
//! No HTTP here and no validation: callers (handlers, seeding) hand in well-formed values.

use std::collections::HashMap;

use serde_json::{json, Value};
use uuid::Uuid;

use super::config::Participant;
use super::wire;

/// A stored message: its `sequence` parsed for ordering, plus the wire JSON.
#[derive(Clone, Debug)]
pub(crate) struct StoredMessage {
    pub sequence: i64,
    pub json: Value,
}

#[derive(Debug, Default)]
pub(crate) struct Store {
    /// Conversation JSON by id.
    conversations: HashMap<Uuid, Value>,
    /// Participant of each conversation.
    participants: HashMap<Uuid, Participant>,
    /// The conversation of each participant.
    by_participant: HashMap<Participant, Uuid>,
    /// Messages per conversation, ascending by sequence.
    messages: HashMap<Uuid, Vec<StoredMessage>>,
    /// The highest sequence handed out or seeded so far.
    last_sequence: i64,
}

impl Store {
    /// The conversation of `participant`, created if missing; `true` when it was created.
    pub(crate) fn get_or_create(
        &mut self,
        participant: Participant,
        business_name: &str,
    ) -> (Value, bool) {
        if let Some(id) = self.by_participant.get(&participant) {
            return (self.conversations[id].clone(), false);
        }
        let id = wire::random_guid();
        let conversation = json!({
            "id": id.to_string(),
            "participant": participant.to_json(),
            "channels": ["CHAT"],
            "businessDisplayData": { "name": business_name },
        });
        self.conversations.insert(id, conversation.clone());
        self.participants.insert(id, participant);
        self.by_participant.insert(participant, id);
        self.messages.insert(id, Vec::new());
        (conversation, true)
    }

    pub(crate) fn conversation(&self, id: Uuid) -> Option<&Value> {
        self.conversations.get(&id)
    }

    pub(crate) fn participant(&self, conversation_id: Uuid) -> Option<Participant> {
        self.participants.get(&conversation_id).copied()
    }

    /// A new sequence: strictly greater than every earlier one and, like Wix's, close to the
    /// current time in microseconds since the epoch (16 digits today).
    pub(crate) fn next_sequence(&mut self) -> i64 {
        let now = chrono::Utc::now().timestamp_micros();
        self.last_sequence = now.max(self.last_sequence.saturating_add(1));
        self.last_sequence
    }

    /// Stores a message under an explicit sequence (which later sequences will exceed).
    ///
    /// Returns `false` when the conversation does not exist.
    pub(crate) fn insert_message(
        &mut self,
        conversation_id: Uuid,
        sequence: i64,
        json: Value,
    ) -> bool {
        let Some(messages) = self.messages.get_mut(&conversation_id) else {
            return false;
        };
        self.last_sequence = self.last_sequence.max(sequence);
        let at = messages.partition_point(|m| m.sequence <= sequence);
        messages.insert(at, StoredMessage { sequence, json });
        true
    }

    /// The messages of a conversation, ascending by sequence (empty if unknown).
    pub(crate) fn messages(&self, conversation_id: Uuid) -> &[StoredMessage] {
        self.messages
            .get(&conversation_id)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_conversation_per_participant() {
        let mut store = Store::default();
        let contact = Participant::Contact(Uuid::from_u128(7));
        let (first, created) = store.get_or_create(contact, "biz");
        assert!(created);
        let (second, created) = store.get_or_create(contact, "biz");
        assert!(!created);
        assert_eq!(first, second);
        let (other, _) = store.get_or_create(Participant::Member(Uuid::from_u128(7)), "biz");
        assert_ne!(first["id"], other["id"]);
    }

    #[test]
    fn sequences_increase_and_messages_stay_sorted() {
        let mut store = Store::default();
        let (conversation, _) = store.get_or_create(Participant::Contact(Uuid::nil()), "biz");
        let id: Uuid = conversation["id"].as_str().unwrap().parse().unwrap();
        let a = store.next_sequence();
        let b = store.next_sequence();
        assert!(b > a);
        assert!(store.insert_message(id, b, json!("b")));
        assert!(store.insert_message(id, a, json!("a")));
        let far = i64::MAX - 10;
        assert!(store.insert_message(id, far, json!("far")));
        assert!(store.next_sequence() > far);
        let order: Vec<&Value> = store.messages(id).iter().map(|m| &m.json).collect();
        assert_eq!(order, [&json!("a"), &json!("b"), &json!("far")]);
        assert!(!store.insert_message(Uuid::from_u128(1), 1, json!("x")));
    }
}
