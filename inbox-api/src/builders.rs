//! Hand-written shortcuts for the requests people send most, on top of the generated types.
//!
//! The generated constructors (`Message::new`, `SendMessageRequest::new`, ...) take every
//! required value; these helpers fill in the usual choices so a text message is one line:
//!
//! ```
//! use inbox_api::types::{Message, MessageContent, SendMessageRequest};
//!
//! let request = SendMessageRequest::new(uuid::Uuid::nil(), Message::from_business(MessageContent::text("Hi!")));
//! assert_eq!(
//!     serde_json::to_value(&request).unwrap(),
//!     serde_json::json!({
//!         "conversationId": "00000000-0000-0000-0000-000000000000",
//!         "message": {
//!             "content": {"basic": {"items": [{"text": "Hi!"}]}, "previewText": "Hi!"},
//!             "direction": "BUSINESS_TO_PARTICIPANT",
//!             "visibility": "BUSINESS_AND_PARTICIPANT"
//!         }
//!     })
//! );
//! ```
//!
//! They only combine generated items, so a spec change that breaks one fails to compile here
//! (and shows up in `cargo xtask regen --impact`), never silently.

use crate::types::{
    basic_message_data, message_content, participant_id, BasicMessageData, BasicMessagePayload,
    Message, MessageContent, MessageDirection, MessageVisibility, ParticipantId,
};

/// Wix shows at most this many characters of `previewText`.
const PREVIEW_TEXT_MAX_CHARS: usize = 256;

impl MessageContent {
    /// A basic message with one text bubble; the preview text is the text (cut to 256 characters).
    pub fn text(text: impl Into<String>) -> Self {
        let text = text.into();
        let preview: String = text.chars().take(PREVIEW_TEXT_MAX_CHARS).collect();
        MessageContent::basic([basic_message_data::Data::Text(text)]).with_preview_text(preview)
    }

    /// A basic message with one bubble per item (text, image or file).
    pub fn basic(items: impl IntoIterator<Item = basic_message_data::Data>) -> Self {
        let items = items.into_iter().map(BasicMessageData::from).collect();
        MessageContent {
            payload: Some(message_content::Payload::Basic(BasicMessagePayload {
                items: Some(items),
                ..BasicMessagePayload::default()
            })),
            ..MessageContent::default()
        }
    }

    /// Content holding `payload` (template, minimal, form, ...).
    pub fn from_payload(payload: message_content::Payload) -> Self {
        MessageContent {
            payload: Some(payload),
            ..MessageContent::default()
        }
    }

    /// Sets the summary shown in the Inbox message list.
    pub fn with_preview_text(mut self, preview_text: impl Into<String>) -> Self {
        self.preview_text = Some(preview_text.into());
        self
    }
}

impl From<basic_message_data::Data> for BasicMessageData {
    fn from(data: basic_message_data::Data) -> Self {
        BasicMessageData {
            data: Some(data),
            ..Default::default()
        }
    }
}

impl Message {
    /// A message from the business to the participant, visible to both.
    pub fn from_business(content: MessageContent) -> Self {
        Message::new(
            content,
            MessageVisibility::BusinessAndParticipant,
            MessageDirection::BusinessToParticipant,
        )
    }

    /// A message from the participant to the business, visible to both (send it with
    /// `send_as: PARTICIPANT` to attribute it to the participant).
    pub fn from_participant(content: MessageContent) -> Self {
        Message::new(
            content,
            MessageVisibility::BusinessAndParticipant,
            MessageDirection::ParticipantToBusiness,
        )
    }

    /// A note only site collaborators see.
    pub fn internal_note(content: MessageContent) -> Self {
        Message::new(
            content,
            MessageVisibility::Business,
            MessageDirection::BusinessToParticipant,
        )
    }
}

impl ParticipantId {
    /// A contact, by contact ID.
    pub fn contact(id: uuid::Uuid) -> Self {
        ParticipantId {
            id: Some(participant_id::Id::ContactId(id)),
            ..Default::default()
        }
    }

    /// A site member, by member ID.
    pub fn member(id: uuid::Uuid) -> Self {
        ParticipantId {
            id: Some(participant_id::Id::MemberId(id)),
            ..Default::default()
        }
    }

    /// An anonymous visitor, by visitor ID (known from a Message Sent To Business webhook).
    pub fn anonymous_visitor(id: uuid::Uuid) -> Self {
        ParticipantId {
            id: Some(participant_id::Id::AnonymousVisitorId(id)),
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_content_is_one_bubble_with_a_bounded_preview() {
        let long = "é".repeat(300);
        let content = MessageContent::text(long.clone());
        let value = serde_json::to_value(&content).unwrap();
        assert_eq!(value["basic"]["items"][0]["text"], json!(long));
        assert_eq!(value["previewText"].as_str().unwrap().chars().count(), 256);
    }

    #[test]
    fn participants_and_directions() {
        let id = uuid::Uuid::from_u128(7);
        assert_eq!(
            serde_json::to_value(ParticipantId::member(id)).unwrap(),
            json!({"memberId": id})
        );
        assert_eq!(
            serde_json::to_value(ParticipantId::anonymous_visitor(id)).unwrap(),
            json!({"anonymousVisitorId": id})
        );
        let note = Message::internal_note(MessageContent::text("x"));
        assert_eq!(note.visibility, MessageVisibility::Business);
        let inbound = Message::from_participant(MessageContent::basic([]));
        assert_eq!(inbound.direction, MessageDirection::ParticipantToBusiness);
    }
}
