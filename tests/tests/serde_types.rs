//! JSON as Wix writes it <-> the generated `inbox_api::types`.
//!
//! The JSON comes from the spec's examples (walked, so a new example is checked without
//! touching this file) and from `shared/reference/inbox-v2.md` §6 and §8. Values are built
//! with constructors and field assignment rather than struct literals, so the tests keep
//! compiling if the generator marks structs `#[non_exhaustive]`.

#![allow(deprecated)]
// `Message.source_channel`, `target_channels`, `SendMessageRequest.silent`.
// Struct literals would stop compiling if the generator made the structs `#[non_exhaustive]`.
#![allow(clippy::field_reassign_with_default)]

use std::str::FromStr;

use chrono::{TimeZone, Utc};
use inbox_api::types::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use uuid::Uuid;

const APP_ID: &str = "a0c38670-6845-41e0-8f41-85a6054ccd98";
const CONTACT_ID: &str = "890a3816-85b4-44ab-9085-524972a850ef";
const VISITOR_ID: &str = "40096143-3643-4cc1-8329-30a7fc2c595e";
const MEMBER_ID: &str = "b5a1c1f0-2d7e-4c55-8f0a-1f2e3d4c5b6a";
const WIX_USER_ID: &str = "5a0c4737-a2a0-4c37-a07e-d9fd87027023";
const CONVERSATION_ID: &str = "6202c3bb-f263-3c16-8c90-d6387d9ed420";

fn uuid(text: &str) -> Uuid {
    Uuid::parse_str(text).unwrap()
}

fn decode<T: DeserializeOwned>(json: &Value) -> T {
    serde_json::from_str(&json.to_string()).unwrap_or_else(|e| panic!("cannot decode {json}: {e}"))
}

fn encode<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap()
}

/// Decodes `json`, checks that encoding gives the same JSON back and that decoding that again
/// gives the same value.
fn exact<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(json: &Value) -> T {
    let value: T = decode(json);
    assert_eq!(
        &encode(&value),
        json,
        "re-encoding {value:#?} changed the JSON"
    );
    let again: T = decode(&encode(&value));
    assert_eq!(again, value);
    value
}

/// `decode(encode(x)) == x`.
fn round_trips<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(value: &T) {
    let again: T = decode(&encode(value));
    assert_eq!(&again, value);
}

// ---------------------------------------------------------------------------------------------
// Every example of the spec.

fn spec() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../spec/inbox-v2.yaml"
    ))
    .unwrap();
    serde_yaml::from_str(&text).unwrap()
}

fn resolve<'a>(spec: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => spec.pointer(reference.trim_start_matches('#')).unwrap(),
        None => node,
    }
}

fn schema_name(spec: &Value, media: &Value) -> String {
    let reference = resolve(spec, media)["schema"]["$ref"]
        .as_str()
        .expect("example body schema is a $ref");
    reference.rsplit('/').next().unwrap().to_owned()
}

/// (schema name, place, example value) of every JSON example in the spec: request bodies,
/// responses (also through `components/responses`) and schema `example`s.
fn spec_examples(spec: &Value) -> Vec<(String, String, Value)> {
    let mut found = Vec::new();
    let push_media = |found: &mut Vec<(String, String, Value)>, media: &Value, place: String| {
        let Some(examples) = media.get("examples").and_then(Value::as_object) else {
            return;
        };
        for (name, example) in examples {
            let example = resolve(spec, example);
            found.push((
                schema_name(spec, media),
                format!("{place}/examples/{name}"),
                example["value"].clone(),
            ));
        }
    };
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let at = format!("{path} {method}");
            if let Some(media) = operation.pointer("/requestBody/content/application~1json") {
                push_media(&mut found, media, format!("{at} request"));
            }
            for (status, response) in operation["responses"].as_object().unwrap() {
                if let Some(media) = resolve(spec, response).pointer("/content/application~1json") {
                    push_media(&mut found, media, format!("{at} {status}"));
                }
            }
        }
    }
    for (name, schema) in spec["components"]["schemas"].as_object().unwrap() {
        if let Some(example) = schema.get("example") {
            found.push((
                name.clone(),
                format!("#/components/schemas/{name}/example"),
                example.clone(),
            ));
        }
    }
    found
}

fn check_example(schema: &str, json: &Value) {
    match schema {
        "SendMessageRequest" => drop(exact::<SendMessageRequest>(json)),
        "SendMessageResponse" => drop(exact::<SendMessageResponse>(json)),
        "ListMessagesResponse" => drop(exact::<ListMessagesResponse>(json)),
        "GetConversationResponse" => drop(exact::<GetConversationResponse>(json)),
        "GetOrCreateConversationRequest" => drop(exact::<GetOrCreateConversationRequest>(json)),
        "GetOrCreateConversationResponse" => drop(exact::<GetOrCreateConversationResponse>(json)),
        "WixError" => drop(exact::<WixError>(json)),
        "ButtonInteracted" => drop(exact::<ButtonInteracted>(json)),
        "ConversationsMerged" => drop(exact::<ConversationsMerged>(json)),
        "MessageSentToBusiness" => drop(exact::<MessageSentToBusiness>(json)),
        "DomainEvent" => {
            let event = exact::<DomainEvent>(json);
            let Some(domain_event::Body::ActionEvent(action)) = event.body else {
                panic!("not an action event: {event:?}")
            };
            let body = Value::Object(action.body.unwrap().into_iter().collect());
            match event.slug.as_deref() {
                Some("button_interacted") => drop(exact::<ButtonInteracted>(&body)),
                other => panic!("no payload type for slug {other:?}"),
            }
        }
        other => panic!("no decoder for an example of `{other}`; add one to check_example"),
    }
}

#[test]
fn every_spec_example_decodes_and_encodes_back_unchanged() {
    let spec = spec();
    let examples = spec_examples(&spec);
    assert!(
        examples.len() >= 20,
        "found only {} examples; is the walker broken?",
        examples.len()
    );
    for (schema, place, json) in &examples {
        let result = std::panic::catch_unwind(|| check_example(schema, json));
        assert!(
            result.is_ok(),
            "example {place} ({schema}) failed, see above"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Reference §6: webhook payloads, layer by layer.

#[test]
fn reference_button_interacted_event_decodes() {
    let json = json!({
      "id": "690ad087-6530-4f44-a544-f1b29329b389",
      "entityFqdn": "wix.crm.inbox.v2.message",
      "slug": "button_interacted",
      "entityId": "32e63af1-f51b-4e2e-908f-8a5e8ed88650",
      "actionEvent": {
        "body": {
          "conversationId": "5f65164f-b373-3cb9-be2e-f1fdc00c86a9",
          "appId": "a0c38670-6845-41e0-8f41-85a6054ccd98",
          "interactionId": "spa_day_54321__change_appointment",
          "interactedBy": { "contactId": "890a3816-85b4-44ab-9085-524972a850ef" }
        }
      },
      "eventTime": "2021-12-29T09:50:04.918118Z",
      "triggeredByAnonymizeRequest": false
    });
    let event: DomainEvent = exact(&json);
    assert_eq!(
        event.event_time,
        Some(
            Utc.with_ymd_and_hms(2021, 12, 29, 9, 50, 4).unwrap()
                + chrono::Duration::microseconds(918_118)
        )
    );
    let Some(domain_event::Body::ActionEvent(action)) = &event.body else {
        panic!("{event:?}")
    };
    let payload: ButtonInteracted = decode(&Value::Object(
        action.body.clone().unwrap().into_iter().collect(),
    ));
    assert_eq!(
        payload.interaction_id.as_deref(),
        Some("spa_day_54321__change_appointment")
    );
    let interacted_by = payload.interacted_by.unwrap();
    assert_eq!(interacted_by.id, None);
    assert_eq!(interacted_by.contact_id, Some(uuid(CONTACT_ID)));
}

#[test]
fn reference_message_sent_to_business_event_decodes() {
    let json = json!({
      "id": "45289008-1d03-4697-9cc2-a0c0f12cf823",
      "entityFqdn": "wix.crm.inbox.v2.message",
      "slug": "message_sent_to_business",
      "entityId": "1700043584064712",
      "actionEvent": {
        "body": {
          "conversationId": "6fd2b962-dd8f-382f-8d27-ae63f188c939",
          "message": {
            "id": "1700043584064712",
            "createdDate": "2023-11-15T10:19:44.064Z",
            "appId": "14517e1a-3ff0-af98-408e-2bd6953c36a2",
            "badges": [],
            "content": {
              "previewText": "You are very welcome.",
              "basic": { "items": [ { "text": "You are very welcome." } ] }
            },
            "direction": "PARTICIPANT_TO_BUSINESS",
            "sender": { "contactId": "9e668c08-8bdb-4240-babb-8176935f6f78" },
            "sequence": "1700043584064712",
            "sourceChannel": "UNKNOWN_CHANNEL_TYPE",
            "targetChannels": [],
            "visibility": "BUSINESS_AND_PARTICIPANT"
          }
        }
      },
      "eventTime": "2023-11-15T10:19:45.472455Z",
      "triggeredByAnonymizeRequest": false
    });
    let event: DomainEvent = exact(&json);
    let Some(domain_event::Body::ActionEvent(action)) = event.body else {
        panic!()
    };
    let payload: MessageSentToBusiness =
        exact(&Value::Object(action.body.unwrap().into_iter().collect()));
    let message = payload.message.unwrap();
    assert_eq!(message.sequence, Some(1_700_043_584_064_712));
    assert_eq!(message.direction, MessageDirection::ParticipantToBusiness);
    assert_eq!(
        message.source_channel,
        Some(ChannelType::UnknownChannelType)
    );
    assert_eq!(
        message.sender.unwrap().contact_id,
        Some(uuid("9e668c08-8bdb-4240-babb-8176935f6f78"))
    );
}

#[test]
fn reference_conversations_merged_event_decodes() {
    let json = json!({
      "id": "b1d7a7b4-0c3e-4f51-9d0f-2f1f6c0b7a11",
      "entityFqdn": "wix.crm.inbox.v2.conversation",
      "slug": "conversations_merged",
      "entityId": "0b6d3f6e-8a4f-3c4a-9d2e-7e1b2c3d4e5f",
      "actionEvent": {
        "body": {
          "oldConversationIds": ["5f65164f-b373-3cb9-be2e-f1fdc00c86a9"],
          "targetConversationId": "0b6d3f6e-8a4f-3c4a-9d2e-7e1b2c3d4e5f"
        }
      },
      "eventTime": "2024-02-01T12:00:00.000Z",
      "triggeredByAnonymizeRequest": false
    });
    let event: DomainEvent = decode(&json);
    round_trips(&event);
    assert_eq!(
        event.event_time,
        Some(Utc.with_ymd_and_hms(2024, 2, 1, 12, 0, 0).unwrap())
    );
    let Some(domain_event::Body::ActionEvent(action)) = event.body else {
        panic!()
    };
    let payload: ConversationsMerged =
        exact(&Value::Object(action.body.unwrap().into_iter().collect()));
    assert_eq!(
        payload.target_conversation_id,
        Some(uuid("0b6d3f6e-8a4f-3c4a-9d2e-7e1b2c3d4e5f"))
    );
}

/// The envelope's `identity` and `data` are JSON strings holding more JSON (reference §6.3).
#[test]
fn webhook_envelope_layers_decode() {
    let identity = json!({"identityType": "APP", "appId": "14517e1a-3ff0-af98-408e-2bd6953c36a2"});
    let data = json!({
        "id": "95c2f87d-ae78-4df9-aa21-95189231d6f7",
        "entityFqdn": "wix.crm.inbox.v2.message",
        "slug": "message_sent_to_business",
        "entityId": "1640771667091213",
        "entityEventSequence": "42",
        "actionEvent": {"bodyAsJson": "{\"conversationId\":\"5f65164f-b373-3cb9-be2e-f1fdc00c86a9\"}"},
        "eventTime": "2021-12-29T09:54:27.093Z",
        "triggeredByAnonymizeRequest": false
    });
    let envelope = json!({
        "eventType": "wix.crm.inbox.v2.message_message_sent_to_business",
        "instanceId": "a9f1c0de-0000-4000-8000-000000000001",
        "identity": identity.to_string(),
        "data": data.to_string(),
        "accountInfo": {"siteId": "a9f1c0de-0000-4000-8000-000000000002"}
    });
    let envelope: MessageEnvelope = exact(&envelope);
    let identity: WebhooksIdentificationData =
        exact(&serde_json::from_str(&envelope.identity.unwrap()).unwrap());
    assert_eq!(identity.identity_type, Some(WebhookIdentityType::App));
    assert_eq!(
        identity.id,
        Some(webhooks_identification_data::Id::AppId(uuid(
            "14517e1a-3ff0-af98-408e-2bd6953c36a2"
        )))
    );
    let event: DomainEvent = exact(&serde_json::from_str(&envelope.data.unwrap()).unwrap());
    assert_eq!(event.entity_event_sequence, Some(42));
    let Some(domain_event::Body::ActionEvent(action)) = event.body else {
        panic!()
    };
    let payload: MessageSentToBusiness =
        serde_json::from_str(&action.body_as_json.unwrap()).unwrap();
    assert_eq!(
        payload.conversation_id,
        Some(uuid("5f65164f-b373-3cb9-be2e-f1fdc00c86a9"))
    );
}

// ---------------------------------------------------------------------------------------------
// Open enums.

#[test]
fn unknown_enum_value_is_kept_and_round_trips() {
    let json = json!({
        "content": {"basic": {"items": [{"text": "hi"}]}},
        "visibility": "FRIENDS_ONLY",
        "direction": "BUSINESS_TO_PARTICIPANT",
        "targetChannels": ["EMAIL", "TELEGRAM"]
    });
    let message: Message = exact(&json);
    assert_eq!(
        message.visibility,
        MessageVisibility::Unrecognized("FRIENDS_ONLY".to_owned())
    );
    assert_eq!(
        message.target_channels,
        Some(vec![
            ChannelType::Email,
            ChannelType::Unrecognized("TELEGRAM".to_owned())
        ])
    );
    assert_eq!(message.visibility.as_str(), "FRIENDS_ONLY");
    assert_eq!(message.visibility.to_string(), "FRIENDS_ONLY");
}

#[test]
fn enum_display_from_str_and_as_str_agree_with_the_wire() {
    let cases = [
        (
            MessageDirection::BusinessToParticipant,
            "BUSINESS_TO_PARTICIPANT",
        ),
        (
            MessageDirection::ParticipantToBusiness,
            "PARTICIPANT_TO_BUSINESS",
        ),
        (MessageDirection::UnknownDirection, "UNKNOWN_DIRECTION"),
        (
            MessageDirection::Unrecognized("SIDEWAYS".to_owned()),
            "SIDEWAYS",
        ),
    ];
    for (value, wire) in cases {
        assert_eq!(value.as_str(), wire);
        assert_eq!(value.to_string(), wire);
        assert_eq!(MessageDirection::from_str(wire), Ok(value.clone()));
        assert_eq!(wire.parse::<MessageDirection>().unwrap(), value);
        assert_eq!(MessageDirection::from(wire), value);
        assert_eq!(MessageDirection::from(wire.to_owned()), value);
        assert_eq!(MessageDirection::from_wire(wire), value);
        assert_eq!(encode(&value), json!(wire));
        assert_eq!(decode::<MessageDirection>(&json!(wire)), value);
    }
    // Case matters: Wix's values are exact strings.
    assert_eq!(
        SortOrder::from("asc"),
        SortOrder::Unrecognized("asc".to_owned())
    );
    assert_eq!(SortOrder::from("ASC"), SortOrder::Asc);
    assert_eq!(ChannelType::Whatsapp.to_string(), "WHATSAPP");
    assert_eq!(
        OverrideSenderOptions::BusinessUser.as_str(),
        "BUSINESS_USER"
    );
    assert_eq!(
        WebhookIdentityType::AnonymousVisitor.as_str(),
        "ANONYMOUS_VISITOR"
    );
    assert_eq!(ContentType::Unsupported.as_str(), "UNSUPPORTED");
    assert_eq!(Orientation::Landscape.as_str(), "LANDSCAPE");
    assert_eq!(
        BadgeVisibility::BusinessAndParticipant.as_str(),
        "BUSINESS_AND_PARTICIPANT"
    );
}

#[test]
fn enum_rejects_non_strings() {
    assert!(serde_json::from_value::<MessageVisibility>(json!(1)).is_err());
    assert!(serde_json::from_value::<MessageVisibility>(json!(null)).is_err());
}

// ---------------------------------------------------------------------------------------------
// Unknown fields, int64 strings, lenient integers, timestamps.

#[test]
fn unknown_fields_are_ignored() {
    let json = json!({
        "conversation": {
            "id": CONVERSATION_ID,
            "participant": {"contactId": CONTACT_ID, "futureId": "x"},
            "businessDisplayData": {"name": "cherry-productions", "theme": {"dark": true}},
            "labels": ["vip"]
        },
        "newConversation": true,
        "traceId": 7
    });
    let response: GetOrCreateConversationResponse = decode(&json);
    let conversation = response.conversation.unwrap();
    assert_eq!(conversation.id, Some(uuid(CONVERSATION_ID)));
    assert_eq!(
        conversation.participant.unwrap().contact_id,
        Some(uuid(CONTACT_ID))
    );
    assert_eq!(
        conversation.business_display_data.unwrap().name.as_deref(),
        Some("cherry-productions")
    );
    assert_eq!(response.new_conversation, Some(true));
}

#[test]
fn int64_sequence_reads_strings_and_numbers_and_writes_strings() {
    let base =
        json!({"content": {}, "visibility": "BUSINESS", "direction": "BUSINESS_TO_PARTICIPANT"});
    for sequence in [json!("1700043584064712"), json!(1700043584064712_i64)] {
        let mut json = base.clone();
        json["sequence"] = sequence;
        let message: Message = decode(&json);
        assert_eq!(message.sequence, Some(1_700_043_584_064_712));
        assert_eq!(encode(&message)["sequence"], json!("1700043584064712"));
    }
    // Beyond f64 precision: only the string form carries it, and it is kept exactly.
    let mut json = base.clone();
    json["sequence"] = json!("9223372036854775807");
    assert_eq!(exact::<Message>(&json).sequence, Some(i64::MAX));
    // Absent and null both mean "not set".
    assert_eq!(decode::<Message>(&base).sequence, None);
    let mut json = base.clone();
    json["sequence"] = Value::Null;
    assert_eq!(decode::<Message>(&json).sequence, None);
    assert!(!encode(&decode::<Message>(&json))
        .as_object()
        .unwrap()
        .contains_key("sequence"));
    // Not a number at all.
    let mut json = base;
    json["sequence"] = json!("12abc");
    assert!(serde_json::from_value::<Message>(json).is_err());
}

#[test]
fn int64_on_domain_event_sequence() {
    let event: DomainEvent = decode(&json!({"entityEventSequence": 17}));
    assert_eq!(event.entity_event_sequence, Some(17));
    assert_eq!(encode(&event), json!({"entityEventSequence": "17"}));
}

#[test]
fn image_size_accepts_integral_floats() {
    let image: ImageMessage = decode(
        &json!({"url": "https://static.wixstatic.com/media/a.jpg", "width": 1200.0, "height": 798}),
    );
    assert_eq!(image.width, Some(1200));
    assert_eq!(image.height, Some(798));
    assert_eq!(encode(&image)["width"], json!(1200));
    assert!(serde_json::from_value::<ImageMessage>(json!({"width": 1200.5})).is_err());
    assert!(serde_json::from_value::<ImageMessage>(json!({"width": 3_000_000_000_u64})).is_err());
    let paging: PagingMetadataV2 = decode(&json!({"count": 50.0}));
    assert_eq!(paging.count, Some(50));
}

#[test]
fn timestamps_with_millis_micros_and_offsets() {
    let at = |text: &str| {
        decode::<Message>(&json!({"content": {}, "visibility": "BUSINESS", "direction": "BUSINESS_TO_PARTICIPANT", "createdDate": text})).created_date.unwrap()
    };
    let second = Utc.with_ymd_and_hms(2021, 12, 30, 7, 39, 12).unwrap();
    assert_eq!(
        at("2021-12-30T07:39:12.353Z"),
        second + chrono::Duration::milliseconds(353)
    );
    assert_eq!(
        at("2021-12-30T07:39:12.353123Z"),
        second + chrono::Duration::microseconds(353_123)
    );
    assert_eq!(at("2021-12-30T07:39:12Z"), second);
    assert_eq!(at("2021-12-30T09:39:12+02:00"), second);
    let file: FileMessage = exact(&json!({"urlExpiration": "2021-12-30T17:39:12.353Z"}));
    assert_eq!(
        file.url_expiration,
        Some(
            Utc.with_ymd_and_hms(2021, 12, 30, 17, 39, 12).unwrap()
                + chrono::Duration::milliseconds(353)
        )
    );
    let micros: RestoreInfo = exact(&json!({"deletedDate": "2021-12-29T09:50:04.918118Z"}));
    assert_eq!(
        encode(&micros)["deletedDate"],
        json!("2021-12-29T09:50:04.918118Z")
    );
}

// ---------------------------------------------------------------------------------------------
// One-of groups: every alternative.

#[test]
fn message_content_alternatives() {
    let cases = [
        (
            json!({"basic": {"items": [{"text": "Hey!"}]}, "previewText": "Hey!"}),
            "basic",
        ),
        (
            json!({"template": {"title": "Spa day", "textLines": ["a"], "orientation": "LANDSCAPE", "buttons": [{"label": "View", "launchUrl": "https://example.com/b"}]}}),
            "template",
        ),
        (
            json!({"minimal": {"text": "JoJo viewed the pricing page", "iconUrl": "https://example.com/i.png"}}),
            "minimal",
        ),
        (
            json!({"form": {"title": "New Spa Appointment", "fields": [{"name": "Name", "value": "JoJo Doe"}]}}),
            "form",
        ),
        (
            json!({"system": {"text": "Conversation started", "buttons": []}}),
            "system",
        ),
    ];
    for (json, key) in cases {
        let content: MessageContent = exact(&json);
        let payload = content
            .payload
            .unwrap_or_else(|| panic!("{key}: no payload"));
        let variant_matches = match key {
            "basic" => matches!(payload, message_content::Payload::Basic(_)),
            "template" => {
                matches!(&payload, message_content::Payload::Template(t) if t.orientation == Some(Orientation::Landscape))
            }
            "minimal" => {
                matches!(&payload, message_content::Payload::Minimal(m) if m.text == "JoJo viewed the pricing page")
            }
            "form" => matches!(payload, message_content::Payload::Form(_)),
            "system" => matches!(payload, message_content::Payload::System(_)),
            _ => unreachable!(),
        };
        assert!(variant_matches, "{key} decoded as {payload:?}");
    }
}

#[test]
fn basic_message_data_alternatives() {
    let text: BasicMessageData = exact(&json!({"text": "Thanks!"}));
    assert_eq!(
        text.data,
        Some(basic_message_data::Data::Text("Thanks!".to_owned()))
    );
    let image: BasicMessageData = exact(
        &json!({"image": {"url": "https://static.wixstatic.com/media/a.jpg", "width": 1200, "height": 798}}),
    );
    assert!(
        matches!(&image.data, Some(basic_message_data::Data::Image(i)) if i.width == Some(1200)),
        "{image:?}"
    );
    let file: BasicMessageData = exact(
        &json!({"file": {"url": "https://example.com/f.pdf", "filename": "f.pdf", "mimeType": "application/pdf"}}),
    );
    assert!(
        matches!(&file.data, Some(basic_message_data::Data::File(f)) if f.mime_type.as_deref() == Some("application/pdf")),
        "{file:?}"
    );
}

#[test]
fn media_item_alternatives() {
    let image: MediaItem = exact(
        &json!({"image": {"url": "https://static.wixstatic.com/media/example.jpg", "width": 800, "height": 600}}),
    );
    assert!(
        matches!(image.media, Some(media_item::Media::Image(_))),
        "{image:?}"
    );
    let file: MediaItem =
        exact(&json!({"file": {"id": "media-1", "url": "https://example.com/f.pdf"}}));
    assert!(
        matches!(file.media, Some(media_item::Media::File(_))),
        "{file:?}"
    );
}

#[test]
fn identification_data_alternatives() {
    let cases = [
        (
            "anonymousVisitorId",
            VISITOR_ID,
            identification_data::Id::AnonymousVisitorId(uuid(VISITOR_ID)),
        ),
        (
            "memberId",
            MEMBER_ID,
            identification_data::Id::MemberId(uuid(MEMBER_ID)),
        ),
        (
            "wixUserId",
            WIX_USER_ID,
            identification_data::Id::WixUserId(uuid(WIX_USER_ID)),
        ),
        (
            "appId",
            APP_ID,
            identification_data::Id::AppId(uuid(APP_ID)),
        ),
    ];
    for (key, id, expected) in cases {
        let alone: IdentificationData = exact(&json!({ key: id }));
        assert_eq!(alone.id, Some(expected.clone()));
        assert_eq!(alone.contact_id, None);
        let with_contact: IdentificationData = exact(&json!({ key: id, "contactId": CONTACT_ID }));
        assert_eq!(with_contact.id, Some(expected));
        assert_eq!(with_contact.contact_id, Some(uuid(CONTACT_ID)));
    }
}

#[test]
fn sender_with_only_contact_id() {
    let sender: IdentificationData = exact(&json!({"contactId": CONTACT_ID}));
    assert_eq!(sender.id, None);
    assert_eq!(sender.contact_id, Some(uuid(CONTACT_ID)));
    let empty: IdentificationData = exact(&json!({}));
    assert_eq!(empty, IdentificationData::default());
}

#[test]
fn participant_id_alternatives() {
    let cases = [
        (
            "contactId",
            CONTACT_ID,
            participant_id::Id::ContactId(uuid(CONTACT_ID)),
        ),
        (
            "anonymousVisitorId",
            VISITOR_ID,
            participant_id::Id::AnonymousVisitorId(uuid(VISITOR_ID)),
        ),
        (
            "memberId",
            MEMBER_ID,
            participant_id::Id::MemberId(uuid(MEMBER_ID)),
        ),
    ];
    for (key, id, expected) in cases {
        let request: GetOrCreateConversationRequest = exact(&json!({"participantId": { key: id }}));
        assert_eq!(request.participant_id.id, Some(expected.clone()));
        let mut participant = ParticipantId::default();
        participant.id = Some(expected);
        assert_eq!(
            encode(&GetOrCreateConversationRequest::new(participant)),
            json!({"participantId": { key: id }})
        );
    }
}

#[test]
fn error_details_alternatives() {
    let application: WixError = exact(
        &json!({"message": "Conversation not found", "details": {"applicationError": {"code": "CONVERSATION_NOT_FOUND", "description": "Conversation not found", "data": {}}}}),
    );
    assert!(
        matches!(&application.details.unwrap().kind, Some(error_details::Kind::ApplicationError(e)) if e.code.as_deref() == Some("CONVERSATION_NOT_FOUND"))
    );
    let validation: WixError = exact(
        &json!({"details": {"validationError": {"fieldViolations": [{"field": "conversationId", "violatedRule": "FORMAT"}]}}}),
    );
    assert!(matches!(
        validation.details.unwrap().kind,
        Some(error_details::Kind::ValidationError(_))
    ));
    let bare: WixError = exact(&json!({"message": "INTERNAL"}));
    assert_eq!(bare.details, None);
}

#[test]
fn oneof_with_an_unknown_key_keeps_the_rest() {
    let json = json!({
        "previewText": "A carousel",
        "title": "Offers",
        "carousel": {"cards": [{"title": "one"}]}
    });
    let content: MessageContent = decode(&json);
    let carousel = message_content::Payload::Unrecognized {
        key: "carousel".into(),
        value: json!({"cards": [{"title": "one"}]}),
    };
    assert_eq!(content.payload, Some(carousel.clone()));
    assert_eq!(content.preview_text.as_deref(), Some("A carousel"));
    assert_eq!(content.title.as_deref(), Some("Offers"));
    assert_eq!(encode(&content), json);

    // Inside a whole message the other fields are intact too.
    let message: Message = decode(&json!({
        "id": "1640849952353627",
        "content": json,
        "visibility": "BUSINESS_AND_PARTICIPANT",
        "direction": "BUSINESS_TO_PARTICIPANT",
        "sequence": "1640849952353627"
    }));
    assert_eq!(message.content.payload, Some(carousel));
    assert_eq!(message.content.title.as_deref(), Some("Offers"));
    assert_eq!(message.sequence, Some(1_640_849_952_353_627));
}

#[test]
fn oneof_member_set_to_null_means_absent() {
    let data: BasicMessageData = decode(&json!({"text": null}));
    assert_eq!(data.data, None);
}

// ---------------------------------------------------------------------------------------------
// Building values.

fn full_message() -> Message {
    let mut button = Button::new("Change appointment".to_owned());
    let mut postback = PostbackProperties::default();
    postback.interaction_id = Some("spa_day_54321__change_appointment".to_owned());
    postback.app_id = Some(uuid(APP_ID));
    button.postback_properties = Some(postback);
    let mut url_button = Button::new("View booking".to_owned());
    url_button.launch_url = Some("https://example.com/bookings/54321".to_owned());

    let mut template = TemplateMessagePayload::default();
    template.title = Some("Spa day".to_owned());
    template.text_lines = Some(vec![
        "Wednesday, 5 January".to_owned(),
        "10:00 - 16:00".to_owned(),
    ]);
    template.image_url = Some("https://static.wixstatic.com/media/example.jpg".to_owned());
    template.orientation = Some(Orientation::Landscape);
    template.buttons = Some(vec![url_button, button]);

    let mut content = MessageContent::default();
    content.payload = Some(message_content::Payload::Template(template));
    content.preview_text = Some("Your spa day is booked".to_owned());
    content.title = Some("Booking".to_owned());
    content.content_type = Some(ContentType::Template);

    let mut badge = Badge::default();
    badge.text = Some("Email".to_owned());
    badge.icon_url = Some(
        "https://wixmp-9127dea18607b759d29e6784.wixmp.com/badges/mailSmallFlat.png".to_owned(),
    );
    badge.badge_visibility = Some(BadgeVisibility::Business);

    let mut sender = IdentificationData::default();
    sender.id = Some(identification_data::Id::MemberId(uuid(MEMBER_ID)));
    sender.contact_id = Some(uuid(CONTACT_ID));

    let mut message = Message::new(
        content,
        MessageVisibility::BusinessAndParticipant,
        MessageDirection::BusinessToParticipant,
    );
    message.id = Some("1640849952353627".to_owned());
    message.app_id = Some(uuid(APP_ID));
    message.badges = Some(vec![badge]);
    message.created_date = Some(
        Utc.with_ymd_and_hms(2021, 12, 30, 7, 39, 12).unwrap()
            + chrono::Duration::microseconds(353_123),
    );
    message.sender = Some(sender);
    message.sequence = Some(1_640_849_952_353_627);
    message.silent = Some(false);
    message.source_channel = Some(ChannelType::Chat);
    message.source_channel_id = Some("chat-1".to_owned());
    message.target_channel_ids = Some(vec!["email-1".to_owned()]);
    message.target_channels = Some(vec![
        ChannelType::Email,
        ChannelType::Unrecognized("TELEGRAM".to_owned()),
    ]);
    message
}

#[test]
fn fully_populated_message_round_trips() {
    let message = full_message();
    round_trips(&message);
    let json = encode(&message);
    assert_eq!(json["sequence"], json!("1640849952353627"));
    assert_eq!(json["createdDate"], json!("2021-12-30T07:39:12.353123Z"));
    assert_eq!(
        json["sender"],
        json!({"memberId": MEMBER_ID, "contactId": CONTACT_ID})
    );
    assert_eq!(
        json["content"]["template"]["buttons"][1]["postbackProperties"]["interactionId"],
        json!("spa_day_54321__change_appointment")
    );
    assert_eq!(json["content"]["contentType"], json!("TEMPLATE"));
    assert_eq!(json["targetChannels"], json!(["EMAIL", "TELEGRAM"]));
    assert_eq!(json["sourceChannel"], json!("CHAT"));

    let mut request = SendMessageRequest::new(uuid(CONVERSATION_ID), message);
    request.send_as = Some(OverrideSenderOptions::Participant);
    request.send_notifications = Some(true);
    request.silent = Some(true);
    round_trips(&request);
    assert_eq!(encode(&request)["conversationId"], json!(CONVERSATION_ID));
}

#[test]
fn constructors_set_required_fields_only() {
    let message = Message::new(
        MessageContent::default(),
        MessageVisibility::Business,
        MessageDirection::ParticipantToBusiness,
    );
    assert_eq!(
        encode(&message),
        json!({"content": {}, "direction": "PARTICIPANT_TO_BUSINESS", "visibility": "BUSINESS"})
    );
    assert_eq!(message.id, None);
    assert_eq!(message.sequence, None);

    let request = SendMessageRequest::new(uuid(CONVERSATION_ID), message);
    assert_eq!(
        encode(&request)["message"]["direction"],
        json!("PARTICIPANT_TO_BUSINESS")
    );
    assert_eq!(request.silent, None);

    assert_eq!(
        encode(&Button::new("OK".to_owned())),
        json!({"label": "OK"})
    );
    assert_eq!(
        encode(&MinimalMessagePayload::new("Viewed".to_owned())),
        json!({"text": "Viewed"})
    );
    assert_eq!(
        encode(&GetConversationRequest::new(uuid(CONVERSATION_ID))),
        json!({"conversationId": CONVERSATION_ID})
    );
    assert_eq!(
        encode(&ListMessagesRequest::new(
            uuid(CONVERSATION_ID),
            MessageVisibility::BusinessAndParticipant
        )),
        json!({"conversationId": CONVERSATION_ID, "visibility": "BUSINESS_AND_PARTICIPANT"})
    );
    let mut participant = ParticipantId::default();
    participant.id = Some(participant_id::Id::AnonymousVisitorId(uuid(VISITOR_ID)));
    assert_eq!(
        encode(&GetOrCreateConversationRequest::new(participant)),
        json!({"participantId": {"anonymousVisitorId": VISITOR_ID}})
    );
}

#[test]
fn required_fields_are_required_when_decoding() {
    assert!(serde_json::from_value::<Message>(
        json!({"visibility": "BUSINESS", "direction": "BUSINESS_TO_PARTICIPANT"})
    )
    .is_err());
    assert!(serde_json::from_value::<Button>(json!({})).is_err());
    assert!(serde_json::from_value::<SendMessageRequest>(json!({"conversationId": "not-a-guid", "message": {"content": {}, "visibility": "BUSINESS", "direction": "BUSINESS_TO_PARTICIPANT"}})).is_err());
}

// ---------------------------------------------------------------------------------------------
// Constructs of the codegen snapshots that the Inbox spec does not use yet.

#[test]
fn fixture_two_oneof_groups_and_an_int64_member() {
    use inbox_api_tests::fixtures::oneof::types::{content, Content};
    let json = json!({"title": "t", "counter": "9007199254740993", "user_id": CONTACT_ID, "previewText": "p"});
    let content: Content = exact(&json);
    assert_eq!(
        content.payload,
        Some(content::Payload::Counter(9_007_199_254_740_993))
    );
    assert_eq!(
        content.target,
        Some(content::Target::UserId(uuid(CONTACT_ID)))
    );
    let only_target: Content = exact(&json!({"title": "t", "groupId": "g"}));
    assert_eq!(only_target.payload, None);
    assert_eq!(
        only_target.target,
        Some(content::Target::GroupId("g".to_owned()))
    );
}

#[test]
fn fixture_recursion_through_a_boxed_oneof() {
    use inbox_api_tests::fixtures::recursive::types::{expr, Expr, TreeNode};
    let expr: Expr = exact(&json!({"negate": {"negate": {"literal": 1.5}}}));
    let Some(outer) = expr.kind.as_deref() else {
        panic!("{expr:?}")
    };
    let expr::Kind::Negate(inner) = outer else {
        panic!("{outer:?}")
    };
    let Some(expr::Kind::Negate(innermost)) = inner.kind.as_deref() else {
        panic!("{inner:?}")
    };
    assert_eq!(innermost.kind.as_deref(), Some(&expr::Kind::Literal(1.5)));
    let tree: TreeNode = exact(
        &json!({"value": "a", "parent": {"value": "root"}, "children": [{"value": "b"}], "byName": {"c": {}}}),
    );
    assert_eq!(tree.parent.unwrap().value.as_deref(), Some("root"));
}

#[test]
fn fixture_keyword_fields_use_their_wire_names() {
    use inbox_api_tests::fixtures::keywords::types::{self_type, OptionType, ResultType, SelfType};
    let json = json!({"type": "t", "ref": "r", "self": "s", "crate": "c", "_links": "l", "3d": true, "async": false});
    let result: ResultType = exact(&json);
    assert_eq!(
        (
            result.r#type.as_str(),
            result.self_.as_deref(),
            result.crate_.as_deref()
        ),
        ("t", Some("s"), Some("c"))
    );
    assert_eq!(
        (result.links.as_deref(), result._3d),
        (Some("l"), Some(true))
    );
    let value: SelfType = exact(&json!({"match": "m", "option": "self"}));
    assert_eq!(value.kind, Some(self_type::Kind::Match("m".to_owned())));
    assert_eq!(value.option, Some(OptionType::SelfValue));
}

/// A oneof member this version does not know arrives as `Unrecognized` with its key and raw
/// JSON, and is written back byte for byte; nothing is lost.
#[test]
fn unknown_oneof_member_is_kept_and_written_back() {
    use inbox_api::types::{basic_message_data, message_content, BasicMessageData, MessageContent};
    let received = serde_json::json!({"video": {"url": "https://x/v.mp4", "seconds": 12}});
    let data: BasicMessageData = serde_json::from_value(received.clone()).unwrap();
    assert_eq!(
        data.data,
        Some(basic_message_data::Data::Unrecognized {
            key: "video".into(),
            value: serde_json::json!({"url": "https://x/v.mp4", "seconds": 12}),
        })
    );
    assert_eq!(serde_json::to_value(&data).unwrap(), received);

    // Next to known fields of the struct too.
    let text = r#"{"carousel":{"cards":[{"title":"Room 4"}]},"previewText":"Rooms"}"#;
    let content: MessageContent = serde_json::from_str(text).unwrap();
    assert!(matches!(
        &content.payload,
        Some(message_content::Payload::Unrecognized { key, .. }) if key == "carousel"
    ));
    assert_eq!(content.preview_text.as_deref(), Some("Rooms"));
    let written: serde_json::Value = serde_json::to_value(&content).unwrap();
    assert_eq!(
        written,
        serde_json::from_str::<serde_json::Value>(text).unwrap()
    );
}

/// A known member whose value does not decode is kept raw, never dropped to `None`.
#[test]
fn undecodable_known_oneof_member_is_kept_raw() {
    use inbox_api::types::{participant_id, ParticipantId};
    let received = serde_json::json!({"memberId": "not-a-uuid"});
    let participant: ParticipantId = serde_json::from_value(received.clone()).unwrap();
    assert_eq!(
        participant.id,
        Some(participant_id::Id::Unrecognized {
            key: "memberId".into(),
            value: serde_json::json!("not-a-uuid"),
        })
    );
    assert_eq!(serde_json::to_value(&participant).unwrap(), received);
    // A group with no member present is `None`; a known member decodes as before.
    let empty: ParticipantId = serde_json::from_str("{}").unwrap();
    assert_eq!(empty.id, None);
    let member = uuid::Uuid::from_u128(7);
    let known: ParticipantId =
        serde_json::from_value(serde_json::json!({ "memberId": member })).unwrap();
    assert_eq!(known.id, Some(participant_id::Id::MemberId(member)));
}

#[test]
fn fixture_untagged_unions_take_the_first_alternative_that_fits() {
    use inbox_api_tests::fixtures::unions::types::{Id, Shelter, ShelterIdsItem, ShelterOwner};
    let shelter: Shelter = exact(&json!({
        "ids": ["a", ["b", "c"], 7],
        "owner": {"fullName": "Ada"},
    }));
    assert_eq!(
        shelter.ids.as_deref(),
        Some(
            &[
                ShelterIdsItem::String("a".into()),
                ShelterIdsItem::StringList(vec!["b".into(), "c".into()]),
                ShelterIdsItem::Unrecognized(json!(7)),
            ][..]
        )
    );
    let Some(ShelterOwner::Person(person)) = &shelter.owner else {
        panic!("{:?}", shelter.owner)
    };
    assert_eq!(person.full_name.as_deref(), Some("Ada"));
    // An integral float is an integer to `LenientInt`; a string is the next alternative.
    assert_eq!(
        serde_json::from_value::<Id>(json!(12.0)).unwrap(),
        Id::Integer(12)
    );
    let id: Id = exact(&json!("12"));
    assert_eq!(id, Id::String("12".into()));
}
