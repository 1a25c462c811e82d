//! Webhook verification (`inbox_api::webhooks`) end to end. Deliveries built the way Wix
//! sends them (an RS256 JWT whose `data` claim holds the envelope as a JSON string, whose
//! `identity` and `data` are JSON strings again) round-trip into typed events; forgeries and
//! malformed input fail with a specific error, never a panic, and never echo the token or a
//! payload value; the example server answers over real HTTP.
//!
//! Keys are the test-only pairs in `tests/keys/`; tokens are signed with jsonwebtoken.

use std::time::{SystemTime, UNIX_EPOCH};

use inbox_api::events::Event;
use inbox_api::types::{
    basic_message_data, message_content, webhooks_identification_data, AccountInfo,
    BasicMessageData, BasicMessagePayload, Button, ButtonInteracted, ChannelType,
    ConversationsMerged, IdentificationData, Message, MessageContent, MessageDirection,
    MessageSentToBusiness, MessageSentToParticipant, MessageVisibility, PostbackProperties,
    TemplateMessagePayload, WebhookIdentityType, WebhooksIdentificationData,
};
use inbox_api::webhooks::{InboxEvent, WebhookError, WebhookVerifier};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use uuid::Uuid;

/// The example receiver, compiled here so that the test runs the example's own code.
#[path = "../../inbox-api/examples/webhook_server.rs"]
#[allow(dead_code)]
mod webhook_server_example;

const WIX_PRIVATE_KEY: &str = include_str!("../keys/wix_test_private.pem");
const WIX_PUBLIC_KEY: &str = include_str!("../keys/wix_test_public.pem");
const WIX_PUBLIC_KEY_PKCS1: &str = include_str!("../keys/wix_test_public_pkcs1.pem");
const ATTACKER_PRIVATE_KEY: &str = include_str!("../keys/attacker_private.pem");
const WEAK_PUBLIC_KEY: &str = include_str!("../keys/weak_1024_public.pem");
const EC_PUBLIC_KEY: &str = include_str!("../keys/ec_p256_public.pem");

const SENT_TO_BUSINESS: &str = "wix.crm.inbox.v2.message_message_sent_to_business";
const SENT_TO_PARTICIPANT: &str = "wix.crm.inbox.v2.message_message_sent_to_participant";
const BUTTON_INTERACTED: &str = "wix.crm.inbox.v2.message_button_interacted";
const CONVERSATIONS_MERGED: &str = "wix.crm.inbox.v2.conversation_conversations_merged";

const INSTANCE_ID: &str = "a9f1c3e2-5b7d-4f60-9e21-3c4d5e6f7a8b";
const APP_ID: &str = "14517e1a-3ff0-af98-408e-2bd6953c36a2";
const ACCOUNT_ID: &str = "0d3c2b1a-9f8e-4d7c-b6a5-948372615f0e";
const SITE_ID: &str = "7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918";

/// A value planted in payloads; no error message may contain it.
const CANARY: &str = "CANARY-payload-value-7f3a";

// ---------------------------------------------------------------------------------------
// Building deliveries
// ---------------------------------------------------------------------------------------

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn uuid(text: &str) -> Uuid {
    text.parse().unwrap()
}

/// The envelope Wix puts in the `data` claim: `identity` and `data` are JSON strings.
fn envelope(event_type: &str, domain_event: &Value) -> Value {
    json!({
        "eventType": event_type,
        "instanceId": INSTANCE_ID,
        "identity": json!({"identityType": "APP", "appId": APP_ID}).to_string(),
        "data": domain_event.to_string(),
        "accountInfo": {"accountId": ACCOUNT_ID, "siteId": SITE_ID},
    })
}

/// Claims of a token valid for the next hour.
fn claims(envelope: &Value) -> Value {
    let now = unix_now();
    json!({"data": envelope.to_string(), "iat": now, "exp": now + 3600})
}

fn sign_with(algorithm: Algorithm, key: &EncodingKey, claims: &Value) -> String {
    jsonwebtoken::encode(&Header::new(algorithm), claims, key).unwrap()
}

fn wix_key() -> EncodingKey {
    EncodingKey::from_rsa_pem(WIX_PRIVATE_KEY.as_bytes()).unwrap()
}

/// Signs `claims` as Wix does: RS256 with the (test) Wix private key.
fn sign(claims: &Value) -> String {
    sign_with(Algorithm::RS256, &wix_key(), claims)
}

/// A signed delivery of `domain_event` as event `event_type`.
fn deliver(event_type: &str, domain_event: &Value) -> String {
    sign(&claims(&envelope(event_type, domain_event)))
}

fn verifier() -> WebhookVerifier {
    WebhookVerifier::from_public_key_pem(WIX_PUBLIC_KEY).unwrap()
}

/// Verification for comparing whole events: the token's lifetime depends on the clock, so it
/// is checked for plausibility and then blanked (as in `expected_envelope`).
trait VerifyUntimed {
    fn verify_untimed(&self, body: &[u8]) -> Result<InboxEvent, WebhookError>;
}

impl VerifyUntimed for WebhookVerifier {
    fn verify_untimed(&self, body: &[u8]) -> Result<InboxEvent, WebhookError> {
        let mut event = self.verify(body)?;
        assert!(event.expires_at > chrono::DateTime::UNIX_EPOCH, "{event:?}");
        event.issued_at = None;
        event.expires_at = chrono::DateTime::UNIX_EPOCH;
        Ok(event)
    }
}

/// The same domain event with `actionEvent.body` moved into the string `bodyAsJson`.
fn as_body_as_json(domain_event: &Value) -> Value {
    let mut domain_event = domain_event.clone();
    let body = domain_event["actionEvent"]["body"].take();
    domain_event["actionEvent"] = json!({"bodyAsJson": body.to_string()});
    domain_event
}

fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let buffer = chunk
            .iter()
            .fold(0u32, |buffer, &byte| (buffer << 8) | u32::from(byte))
            << (8 * (3 - chunk.len()));
        for index in 0..=chunk.len() {
            out.push(ALPHABET[(buffer >> (18 - 6 * index) & 63) as usize] as char);
        }
    }
    out
}

fn base64url_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let (mut buffer, mut bits, mut out) = (0u32, 0, Vec::new());
    for character in text.bytes() {
        let value = ALPHABET.iter().position(|&c| c == character).unwrap() as u32;
        buffer = (buffer << 6) | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    out
}

/// A token with any header and claims and the given signature part, signed by nobody.
fn unsigned_token(header: &Value, claims: &Value, signature: &str) -> String {
    format!(
        "{}.{}.{signature}",
        base64url(header.to_string().as_bytes()),
        base64url(claims.to_string().as_bytes())
    )
}

// ---------------------------------------------------------------------------------------
// The four Inbox events, as the reference documents them
// ---------------------------------------------------------------------------------------

/// Message Sent To Business: shape from the docs, message from the Velo example fields.
fn message_sent_to_business() -> Value {
    json!({
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
    })
}

#[allow(deprecated)]
fn message_sent_to_business_expected() -> InboxEvent {
    let mut message = Message::new(
        MessageContent {
            payload: Some(message_content::Payload::Basic(BasicMessagePayload {
                items: Some(vec![BasicMessageData {
                    data: Some(basic_message_data::Data::Text(
                        "You are very welcome.".into(),
                    )),
                    extra: Default::default(),
                }]),
                extra: Default::default(),
            })),
            preview_text: Some("You are very welcome.".into()),
            ..MessageContent::default()
        },
        MessageVisibility::BusinessAndParticipant,
        MessageDirection::ParticipantToBusiness,
    );
    message.id = Some("1700043584064712".into());
    message.created_date = Some("2023-11-15T10:19:44.064Z".parse().unwrap());
    message.app_id = Some(uuid(APP_ID));
    message.badges = Some(vec![]);
    message.sender = Some(IdentificationData {
        contact_id: Some(uuid("9e668c08-8bdb-4240-babb-8176935f6f78")),
        ..IdentificationData::default()
    });
    message.sequence = Some(1_700_043_584_064_712);
    message.source_channel = Some(ChannelType::UnknownChannelType);
    message.target_channels = Some(vec![]);
    InboxEvent {
        id: "45289008-1d03-4697-9cc2-a0c0f12cf823".into(),
        entity_fqdn: "wix.crm.inbox.v2.message".into(),
        slug: "message_sent_to_business".into(),
        entity_id: "1700043584064712".into(),
        event_time: "2023-11-15T10:19:45.472455Z".parse().unwrap(),
        ..expected_envelope(
            SENT_TO_BUSINESS,
            Event::MessageSentToBusiness(MessageSentToBusiness {
                conversation_id: Some(uuid("6fd2b962-dd8f-382f-8d27-ae63f188c939")),
                message: Some(message),
                ..MessageSentToBusiness::default()
            }),
        )
    }
}

/// Message Sent To Participant (constructed from the types): a template card with a postback
/// button, plus the optional domain-event fields the other examples leave out.
fn message_sent_to_participant() -> Value {
    json!({
        "id": "c7a1e0d2-4b3f-4e5a-8d6c-1f2e3d4c5b6a",
        "entityFqdn": "wix.crm.inbox.v2.message",
        "slug": "message_sent_to_participant",
        "entityId": "1700043600000001",
        "entityEventSequence": "7",
        "originatedFrom": "inbox_app",
        "actionEvent": {
            "body": {
                "conversationId": "5f65164f-b373-3cb9-be2e-f1fdc00c86a9",
                "message": {
                    "id": "1700043600000001",
                    "createdDate": "2023-11-15T10:20:00.000001Z",
                    "content": {
                        "previewText": "Your appointment",
                        "template": {
                            "title": "Spa day",
                            "textLines": ["Tuesday 10:00", "Room 3"],
                            "buttons": [{
                                "label": "Change appointment",
                                "postbackProperties": {
                                    "interactionId": "spa_day_54321__change_appointment"
                                }
                            }]
                        }
                    },
                    "direction": "BUSINESS_TO_PARTICIPANT",
                    "visibility": "BUSINESS_AND_PARTICIPANT",
                    "sequence": "1700043600000001"
                }
            }
        },
        "eventTime": "2023-11-15T10:20:00.5Z",
        "triggeredByAnonymizeRequest": true
    })
}

fn message_sent_to_participant_expected() -> InboxEvent {
    let mut button = Button::new("Change appointment".into());
    button.postback_properties = Some(PostbackProperties {
        interaction_id: Some("spa_day_54321__change_appointment".into()),
        ..PostbackProperties::default()
    });
    let mut message = Message::new(
        MessageContent {
            payload: Some(message_content::Payload::Template(TemplateMessagePayload {
                title: Some("Spa day".into()),
                text_lines: Some(vec!["Tuesday 10:00".into(), "Room 3".into()]),
                buttons: Some(vec![button]),
                ..TemplateMessagePayload::default()
            })),
            preview_text: Some("Your appointment".into()),
            ..MessageContent::default()
        },
        MessageVisibility::BusinessAndParticipant,
        MessageDirection::BusinessToParticipant,
    );
    message.id = Some("1700043600000001".into());
    message.created_date = Some("2023-11-15T10:20:00.000001Z".parse().unwrap());
    message.sequence = Some(1_700_043_600_000_001);
    InboxEvent {
        id: "c7a1e0d2-4b3f-4e5a-8d6c-1f2e3d4c5b6a".into(),
        entity_fqdn: "wix.crm.inbox.v2.message".into(),
        slug: "message_sent_to_participant".into(),
        entity_id: "1700043600000001".into(),
        event_time: "2023-11-15T10:20:00.5Z".parse().unwrap(),
        entity_event_sequence: Some(7),
        originated_from: Some("inbox_app".into()),
        triggered_by_anonymize_request: true,
        ..expected_envelope(
            SENT_TO_PARTICIPANT,
            Event::MessageSentToParticipant(MessageSentToParticipant {
                conversation_id: Some(uuid("5f65164f-b373-3cb9-be2e-f1fdc00c86a9")),
                message: Some(message),
                extra: Default::default(),
            }),
        )
    }
}

/// Button Interacted: the docs example, values verbatim.
fn button_interacted() -> Value {
    json!({
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
    })
}

fn button_interacted_expected() -> InboxEvent {
    InboxEvent {
        id: "690ad087-6530-4f44-a544-f1b29329b389".into(),
        entity_fqdn: "wix.crm.inbox.v2.message".into(),
        slug: "button_interacted".into(),
        entity_id: "32e63af1-f51b-4e2e-908f-8a5e8ed88650".into(),
        event_time: "2021-12-29T09:50:04.918118Z".parse().unwrap(),
        ..expected_envelope(
            BUTTON_INTERACTED,
            Event::ButtonInteracted(ButtonInteracted {
                conversation_id: Some(uuid("5f65164f-b373-3cb9-be2e-f1fdc00c86a9")),
                app_id: Some(uuid("a0c38670-6845-41e0-8f41-85a6054ccd98")),
                interaction_id: Some("spa_day_54321__change_appointment".into()),
                interacted_by: Some(IdentificationData {
                    contact_id: Some(uuid("890a3816-85b4-44ab-9085-524972a850ef")),
                    ..IdentificationData::default()
                }),
                extra: Default::default(),
            }),
        )
    }
}

/// Conversations Merged (constructed from the types, as in the reference).
fn conversations_merged() -> Value {
    json!({
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
    })
}

fn conversations_merged_expected() -> InboxEvent {
    InboxEvent {
        id: "b1d7a7b4-0c3e-4f51-9d0f-2f1f6c0b7a11".into(),
        entity_fqdn: "wix.crm.inbox.v2.conversation".into(),
        slug: "conversations_merged".into(),
        entity_id: "0b6d3f6e-8a4f-3c4a-9d2e-7e1b2c3d4e5f".into(),
        event_time: "2024-02-01T12:00:00Z".parse().unwrap(),
        ..expected_envelope(
            CONVERSATIONS_MERGED,
            Event::ConversationsMerged(ConversationsMerged {
                old_conversation_ids: Some(vec!["5f65164f-b373-3cb9-be2e-f1fdc00c86a9".into()]),
                target_conversation_id: Some(uuid("0b6d3f6e-8a4f-3c4a-9d2e-7e1b2c3d4e5f")),
                extra: Default::default(),
            }),
        )
    }
}

/// The envelope fields every fixture shares (domain-event fields are placeholders that each
/// fixture overrides).
fn expected_envelope(event_type: &str, event: Event) -> InboxEvent {
    InboxEvent {
        id: String::new(),
        instance_id: uuid(INSTANCE_ID),
        event_type: event_type.into(),
        entity_fqdn: String::new(),
        slug: String::new(),
        entity_id: String::new(),
        event_time: chrono::DateTime::UNIX_EPOCH,
        entity_event_sequence: None,
        triggered_by_anonymize_request: false,
        originated_from: None,
        identity: Some(WebhooksIdentificationData {
            id: Some(webhooks_identification_data::Id::AppId(uuid(APP_ID))),
            identity_type: Some(WebhookIdentityType::App),
            extra: Default::default(),
        }),
        account_info: Some(AccountInfo {
            account_id: Some(uuid(ACCOUNT_ID)),
            parent_account_id: None,
            site_id: Some(uuid(SITE_ID)),
            extra: Default::default(),
        }),
        event,
        issued_at: None,
        expires_at: chrono::DateTime::UNIX_EPOCH,
    }
}

/// Every Inbox event: its type, the inner `data` Wix sends, and the decoded result.
fn inbox_events() -> Vec<(&'static str, Value, InboxEvent)> {
    vec![
        (
            SENT_TO_BUSINESS,
            message_sent_to_business(),
            message_sent_to_business_expected(),
        ),
        (
            SENT_TO_PARTICIPANT,
            message_sent_to_participant(),
            message_sent_to_participant_expected(),
        ),
        (
            BUTTON_INTERACTED,
            button_interacted(),
            button_interacted_expected(),
        ),
        (
            CONVERSATIONS_MERGED,
            conversations_merged(),
            conversations_merged_expected(),
        ),
    ]
}

// ---------------------------------------------------------------------------------------
// Round trips
// ---------------------------------------------------------------------------------------

#[test]
fn the_fixtures_cover_every_event_in_the_spec() {
    let mut covered: Vec<&str> = inbox_events()
        .iter()
        .map(|(event_type, ..)| *event_type)
        .collect();
    covered.sort_unstable();
    let mut known = Event::EVENT_TYPES.to_vec();
    known.sort_unstable();
    assert_eq!(covered, known);
}

#[test]
fn every_inbox_event_round_trips_with_an_object_body() {
    for (event_type, domain_event, expected) in inbox_events() {
        let token = deliver(event_type, &domain_event);
        assert_eq!(
            verifier().verify_untimed(token.as_bytes()).unwrap(),
            expected,
            "{event_type}"
        );
        assert_eq!(expected.event.event_type(), event_type);
    }
}

#[test]
fn every_inbox_event_round_trips_with_a_body_as_json_string() {
    for (event_type, domain_event, expected) in inbox_events() {
        let token = deliver(event_type, &as_body_as_json(&domain_event));
        assert_eq!(
            verifier().verify_untimed(token.as_bytes()).unwrap(),
            expected,
            "{event_type}"
        );
    }
}

#[test]
fn a_hyphenated_event_type_decodes_as_the_underscored_event() {
    let hyphenated = "wix.crm.inbox.v2.message_message-sent-to-business";
    let token = deliver(hyphenated, &message_sent_to_business());
    let event = verifier().verify_untimed(token.as_bytes()).unwrap();
    assert_eq!(
        event,
        InboxEvent {
            event_type: hyphenated.into(),
            ..message_sent_to_business_expected()
        }
    );
    assert_eq!(event.event.event_type(), SENT_TO_BUSINESS);

    let token = deliver(
        "wix.crm.inbox.v2.message_button-interacted",
        &button_interacted(),
    );
    let event = verifier().verify(token.as_bytes()).unwrap();
    assert_eq!(event.event, button_interacted_expected().event);
}

#[test]
fn identity_and_account_info_are_optional_and_identity_may_be_an_object() {
    let mut envelope = envelope(CONVERSATIONS_MERGED, &conversations_merged());
    let members = envelope.as_object_mut().unwrap();
    members.remove("identity");
    members.remove("accountInfo");
    let event = verifier()
        .verify_untimed(sign(&claims(&envelope)).as_bytes())
        .unwrap();
    assert_eq!(
        event,
        InboxEvent {
            identity: None,
            account_info: None,
            ..conversations_merged_expected()
        }
    );

    // The SDK's types declare `identity` as an object; accept that form too.
    envelope["identity"] = json!({"identityType": "MEMBER", "memberId": ACCOUNT_ID});
    let event = verifier()
        .verify_untimed(sign(&claims(&envelope)).as_bytes())
        .unwrap();
    assert_eq!(
        event.identity,
        Some(WebhooksIdentificationData {
            id: Some(webhooks_identification_data::Id::MemberId(uuid(ACCOUNT_ID))),
            identity_type: Some(WebhookIdentityType::Member),
            extra: Default::default(),
        })
    );
}

#[test]
fn an_unknown_event_type_is_delivered_as_unrecognized_with_its_raw_json() {
    let body = json!({
        "conversationId": "5f65164f-b373-3cb9-be2e-f1fdc00c86a9",
        "emoji": "👍",
        "count": 2,
    });
    let mut domain_event = message_sent_to_business();
    domain_event["slug"] = json!("message_reacted");
    domain_event["actionEvent"] = json!({ "body": body });
    let token = deliver("wix.crm.inbox.v2.message_message_reacted", &domain_event);

    let event = verifier().verify_untimed(token.as_bytes()).unwrap();
    assert_eq!(event.slug, "message_reacted");
    assert_eq!(
        event.event,
        Event::Unrecognized {
            event_type: "wix.crm.inbox.v2.message_message_reacted".into(),
            body: body.clone(),
        }
    );

    // An unknown event of another body kind gets that body's entity as its payload.
    let entity = json!({"id": "e1", "name": "new thing"});
    domain_event.as_object_mut().unwrap().remove("actionEvent");
    domain_event["createdEvent"] = json!({ "entity": entity });
    let token = deliver("wix.crm.inbox.v2.thing_created", &domain_event);
    let event = verifier().verify_untimed(token.as_bytes()).unwrap();
    assert_eq!(
        event.event,
        Event::Unrecognized {
            event_type: "wix.crm.inbox.v2.thing_created".into(),
            body: entity,
        }
    );
}

#[test]
fn surrounding_whitespace_and_small_clock_skew_are_tolerated() {
    let now = unix_now();
    let envelope = envelope(BUTTON_INTERACTED, &button_interacted());
    // Expired 10 s ago and issued 10 s ahead: both within the default 60 s leeway.
    let token = sign(&json!({"data": envelope.to_string(), "iat": now + 10, "exp": now - 10}));
    let body = format!("\r\n{token}\n");
    assert_eq!(
        verifier().verify_untimed(body.as_bytes()).unwrap(),
        button_interacted_expected()
    );
}

#[test]
fn a_pkcs1_public_key_verifies_too() {
    let verifier = WebhookVerifier::from_public_key_pem(WIX_PUBLIC_KEY_PKCS1).unwrap();
    let token = deliver(BUTTON_INTERACTED, &button_interacted());
    assert_eq!(
        verifier.verify_untimed(token.as_bytes()).unwrap(),
        button_interacted_expected()
    );
}

#[test]
fn issuer_and_audience_are_checked_when_configured() {
    let envelope = envelope(BUTTON_INTERACTED, &button_interacted());
    let with = |extra: Value| {
        let mut claims = claims(&envelope);
        claims
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        sign(&claims)
    };
    let strict = verifier().issuer("wix.com").audience(APP_ID);

    let good = with(json!({"iss": "wix.com", "aud": APP_ID}));
    assert!(strict.verify(good.as_bytes()).is_ok());
    // Without the options, an `aud` is not a reason to reject.
    assert!(verifier().verify(good.as_bytes()).is_ok());

    let cases = [
        (json!({"iss": "wix.com", "aud": "another-app"}), "aud"),
        (json!({"iss": "wix.com"}), "aud"),
        (json!({"iss": "evil.example", "aud": APP_ID}), "iss"),
        (json!({"aud": APP_ID}), "iss"),
    ];
    for (extra, claim) in cases {
        let token = with(extra);
        assert_eq!(
            rejected_by(&strict, token.as_bytes()),
            WebhookError::InvalidClaim { claim }
        );
    }
}

// ---------------------------------------------------------------------------------------
// Forgeries and bad input
// ---------------------------------------------------------------------------------------

/// Verifies `body` with `verifier`, expecting an error whose message and debug form contain
/// no part of the body, no key material and no planted payload value.
fn rejected_by(verifier: &WebhookVerifier, body: &[u8]) -> WebhookError {
    let error = verifier.verify(body).expect_err("must be rejected");
    let rendered = [error.to_string(), format!("{error:?}")];
    let body_text = String::from_utf8_lossy(body);
    let mut forbidden: Vec<&str> = body_text
        .trim()
        .split('.')
        .filter(|part| part.len() >= 8)
        .collect();
    forbidden.extend(pem_bodies());
    forbidden.extend([CANARY, "You are very welcome", "spa_day_54321"]);
    for text in &rendered {
        for secret in &forbidden {
            let probe = &secret[..secret.len().min(64)];
            assert!(
                !text.contains(probe),
                "error `{text}` echoes input `{probe}`"
            );
        }
    }
    error
}

fn rejected(body: &[u8]) -> WebhookError {
    rejected_by(&verifier(), body)
}

/// The base64 lines of every test key.
fn pem_bodies() -> Vec<&'static str> {
    [WIX_PRIVATE_KEY, WIX_PUBLIC_KEY, ATTACKER_PRIVATE_KEY]
        .iter()
        .flat_map(|pem| pem.lines().filter(|line| !line.starts_with("-----")))
        .collect()
}

fn valid_claims() -> Value {
    claims(&envelope(SENT_TO_BUSINESS, &message_sent_to_business()))
}

#[test]
fn a_token_signed_with_another_key_is_a_bad_signature() {
    let attacker = EncodingKey::from_rsa_pem(ATTACKER_PRIVATE_KEY.as_bytes()).unwrap();
    let token = sign_with(Algorithm::RS256, &attacker, &valid_claims());
    assert_eq!(rejected(token.as_bytes()), WebhookError::BadSignature);
}

#[test]
fn alg_none_is_rejected_in_any_spelling() {
    let genuine = sign(&valid_claims());
    let genuine_signature = genuine.rsplit('.').next().unwrap();
    for alg in ["none", "None", "NONE"] {
        let header = json!({"alg": alg, "typ": "JWT"});
        for signature in ["", genuine_signature] {
            let token = unsigned_token(&header, &valid_claims(), signature);
            assert_eq!(
                rejected(token.as_bytes()),
                WebhookError::WrongAlgorithm { alg: "none" }
            );
        }
    }
}

#[test]
fn hs256_signed_with_the_public_key_as_secret_is_rejected() {
    for public_key in [WIX_PUBLIC_KEY, WIX_PUBLIC_KEY_PKCS1] {
        let secret = EncodingKey::from_secret(public_key.as_bytes());
        let token = sign_with(Algorithm::HS256, &secret, &valid_claims());
        let verifier = WebhookVerifier::from_public_key_pem(public_key).unwrap();
        assert_eq!(
            rejected_by(&verifier, token.as_bytes()),
            WebhookError::WrongAlgorithm { alg: "HS256" }
        );
    }
}

#[test]
fn other_algorithms_are_rejected_even_with_the_right_key() {
    for (algorithm, name) in [(Algorithm::RS512, "RS512"), (Algorithm::PS256, "PS256")] {
        let token = sign_with(algorithm, &wix_key(), &valid_claims());
        assert_eq!(
            rejected(token.as_bytes()),
            WebhookError::WrongAlgorithm { alg: name }
        );
    }
    let sneaky = unsigned_token(
        &json!({"alg": "<script>alert(1)</script>"}),
        &valid_claims(),
        "c2ln",
    );
    let error = rejected(sneaky.as_bytes());
    assert_eq!(
        error,
        WebhookError::WrongAlgorithm {
            alg: "unrecognized"
        }
    );
    assert!(!error.to_string().contains("script"));
    let no_alg = unsigned_token(&json!({"typ": "JWT"}), &valid_claims(), "c2ln");
    assert_eq!(
        rejected(no_alg.as_bytes()),
        WebhookError::WrongAlgorithm { alg: "missing" }
    );
}

#[test]
fn a_payload_altered_after_signing_is_a_bad_signature() {
    let token = sign(&valid_claims());
    let [header, claims, signature]: [&str; 3] =
        token.split('.').collect::<Vec<_>>().try_into().unwrap();
    let claims_json = String::from_utf8(base64url_decode(claims)).unwrap();
    let altered = claims_json.replace("PARTICIPANT_TO_BUSINESS", "BUSINESS_TO_PARTICIPANT");
    assert_ne!(altered, claims_json);
    let forged = format!("{header}.{}.{signature}", base64url(altered.as_bytes()));
    assert_eq!(rejected(forged.as_bytes()), WebhookError::BadSignature);
}

#[test]
fn a_stripped_signature_is_rejected() {
    let token = sign(&valid_claims());
    let unsigned = &token[..token.rfind('.').unwrap() + 1];
    assert_eq!(rejected(unsigned.as_bytes()), WebhookError::BadSignature);
    let two_parts = &token[..token.rfind('.').unwrap()];
    assert!(matches!(
        rejected(two_parts.as_bytes()),
        WebhookError::MalformedToken { .. }
    ));
}

#[test]
fn an_expired_token_is_rejected() {
    let now = unix_now();
    let data = valid_claims()["data"].clone();
    let token = sign(&json!({"data": data, "iat": now - 7200, "exp": now - 3600}));
    assert_eq!(rejected(token.as_bytes()), WebhookError::Expired);
    // A tighter leeway turns small skew into expiry as well.
    let token = sign(&json!({"data": data, "iat": now - 7200, "exp": now - 30}));
    assert!(verifier().verify(token.as_bytes()).is_ok());
    let strict = verifier().leeway(std::time::Duration::from_secs(5));
    assert_eq!(
        rejected_by(&strict, token.as_bytes()),
        WebhookError::Expired
    );
}

#[test]
fn a_token_without_exp_is_rejected() {
    let data = valid_claims()["data"].clone();
    let token = sign(&json!({"data": data, "iat": unix_now()}));
    assert_eq!(
        rejected(token.as_bytes()),
        WebhookError::InvalidClaim { claim: "exp" }
    );
}

#[test]
fn a_token_issued_in_the_future_is_rejected() {
    let now = unix_now();
    let data = valid_claims()["data"].clone();
    let token = sign(&json!({"data": data, "iat": now + 3600, "exp": now + 7200}));
    assert_eq!(rejected(token.as_bytes()), WebhookError::IssuedInFuture);
    let token = sign(&json!({"data": data, "nbf": now + 3600, "exp": now + 7200}));
    assert_eq!(rejected(token.as_bytes()), WebhookError::IssuedInFuture);
}

#[test]
fn time_claims_that_are_not_numbers_are_rejected() {
    let now = unix_now();
    let data = valid_claims()["data"].clone();
    let far = now + 100_000;
    for (claims, claim) in [
        // A string `nbf` in the future passed as absent in jsonwebtoken 9 (GHSA-h395-gr6q-cpjc).
        (
            json!({"data": data, "exp": now + 60, "nbf": far.to_string()}),
            "nbf",
        ),
        (json!({"data": data, "exp": now + 60, "nbf": null}), "nbf"),
        (json!({"data": data, "exp": far.to_string()}), "exp"),
        (json!({"data": data, "exp": -1}), "exp"),
        (
            json!({"data": data, "exp": now + 60, "iat": now.to_string()}),
            "iat",
        ),
        (
            json!({"data": data, "exp": now + 60, "iat": {"at": now}}),
            "iat",
        ),
        (json!({"data": data, "exp": now + 60, "iat": true}), "iat"),
        (json!({"data": data, "exp": 1e300}), "exp"),
    ] {
        assert_eq!(
            rejected(sign(&claims).as_bytes()),
            WebhookError::InvalidClaim { claim },
            "{claims}"
        );
    }
    // Fractions are numbers too (RFC 7519 NumericDate).
    let fractional = json!({"data": data, "exp": now as f64 + 60.5, "iat": now as f64 - 0.25});
    assert!(verifier().verify(sign(&fractional).as_bytes()).is_ok());
}

#[test]
fn the_token_lifetime_is_exposed() {
    let now = unix_now();
    let data = valid_claims()["data"].clone();
    let token = sign(&json!({"data": data, "iat": now - 5, "exp": now + 3600}));
    let event = verifier().verify(token.as_bytes()).unwrap();
    assert_eq!(event.issued_at.map(|t| t.timestamp()), Some(now - 5));
    assert_eq!(event.expires_at.timestamp(), now + 3600);
    // Accepted until `exp` plus the (default 60 s) leeway.
    assert_eq!(
        verifier().accepted_until(&event).timestamp(),
        now + 3600 + 60
    );
    let token = sign(&json!({"data": data, "exp": now + 10}));
    assert_eq!(verifier().verify(token.as_bytes()).unwrap().issued_at, None);
}

#[test]
fn a_huge_leeway_is_clamped_instead_of_panicking() {
    use inbox_api::webhooks::MAX_LEEWAY;
    use std::time::Duration;
    let now = unix_now();
    let data = valid_claims()["data"].clone();
    let lenient = verifier().leeway(Duration::MAX);
    assert_eq!(lenient.current_leeway(), MAX_LEEWAY);
    let within = sign(&json!({"data": data, "iat": now + 1800, "exp": now - 1800}));
    let event = lenient.verify(within.as_bytes()).unwrap();
    assert_eq!(
        lenient.accepted_until(&event).timestamp(),
        now - 1800 + 3600
    );
    let beyond = sign(&json!({"data": data, "exp": now - 7200}));
    assert_eq!(
        rejected_by(&lenient, beyond.as_bytes()),
        WebhookError::Expired
    );
    let future = sign(&json!({"data": data, "iat": now + 7200, "exp": now + 9000}));
    assert_eq!(
        rejected_by(&lenient, future.as_bytes()),
        WebhookError::IssuedInFuture
    );
    // Extreme but numeric claims do not overflow anything either: an `exp` in the year
    // 255,000 is accepted, one past what a date can hold is an invalid claim.
    let extreme = sign(&json!({"data": data, "exp": 8_000_000_000_000u64, "nbf": 0, "iat": 0}));
    assert!(lenient.verify(extreme.as_bytes()).is_ok());
    let too_far = sign(&json!({"data": data, "exp": 9.9e14}));
    assert_eq!(
        rejected_by(&lenient, too_far.as_bytes()),
        WebhookError::InvalidClaim { claim: "exp" }
    );
    let huge_nbf = sign(&json!({"data": data, "exp": now + 60, "nbf": u64::MAX}));
    assert_eq!(
        rejected_by(&lenient, huge_nbf.as_bytes()),
        WebhookError::IssuedInFuture
    );
}

#[test]
fn a_truncated_token_is_rejected() {
    let token = sign(&valid_claims());
    let half = &token[..token.len() / 2];
    assert!(matches!(
        rejected(half.as_bytes()),
        WebhookError::MalformedToken { .. }
    ));
    // A 256-byte signature is 342 base64url characters; 340 still decode (to 255 bytes).
    let short_signature = &token[..token.len() - 2];
    assert_eq!(
        rejected(short_signature.as_bytes()),
        WebhookError::BadSignature
    );
    // 341 characters cannot be base64url.
    let odd_signature = &token[..token.len() - 1];
    assert!(matches!(
        rejected(odd_signature.as_bytes()),
        WebhookError::MalformedToken { .. }
    ));
}

#[test]
fn bodies_that_are_not_jwts_are_malformed_tokens() {
    let bodies: [&[u8]; 8] = [
        b"",
        b"   \n",
        br#"{"data": "not a token"}"#,
        b"a.b.c",
        b"one.two.three.four",
        b"eyJhbGciOiJSUzI1NiJ9.e30.c2ln!",
        b"\xff\xfe\x00binary",
        b"bm90IGpzb24.e30.c2ln",
    ];
    for body in bodies {
        assert!(
            matches!(rejected(body), WebhookError::MalformedToken { .. }),
            "{:?}",
            String::from_utf8_lossy(body)
        );
    }
}

#[test]
fn a_multi_megabyte_body_is_too_large() {
    let huge = vec![b'a'; 3 << 20];
    assert_eq!(
        rejected(&huge),
        WebhookError::BodyTooLarge { limit: 1 << 20 }
    );

    let token = sign(&valid_claims());
    let small = verifier().max_body_bytes(token.len() - 1);
    assert_eq!(
        rejected_by(&small, token.as_bytes()),
        WebhookError::BodyTooLarge {
            limit: token.len() - 1
        }
    );
    assert!(verifier()
        .max_body_bytes(token.len())
        .verify(token.as_bytes())
        .is_ok());
}

#[test]
fn a_data_claim_that_is_not_a_json_string_is_a_malformed_envelope() {
    let now = unix_now();
    let envelope = envelope(SENT_TO_BUSINESS, &message_sent_to_business());
    let cases = [
        (
            json!({"data": envelope, "exp": now + 60}),
            "expected a JSON string, found an object",
        ),
        (
            json!({"data": 42, "exp": now + 60}),
            "expected a JSON string, found a number",
        ),
        (json!({"exp": now + 60}), "missing"),
        (
            json!({"data": format!("{CANARY} {{"), "exp": now + 60}),
            "not valid JSON",
        ),
        (
            json!({"data": json!([CANARY]).to_string(), "exp": now + 60}),
            "expected a JSON object",
        ),
    ];
    for (claims, reason) in cases {
        match rejected(sign(&claims).as_bytes()) {
            WebhookError::MalformedEnvelope {
                path,
                reason: actual,
            } => {
                assert_eq!(path, "data");
                assert!(actual.starts_with(reason), "{actual}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}

/// A signed Message Sent To Business delivery after `change` edited its envelope.
fn changed_delivery(change: impl FnOnce(&mut Value, &mut Value)) -> String {
    let mut domain_event = message_sent_to_business();
    let mut envelope = envelope(SENT_TO_BUSINESS, &domain_event);
    let unchanged = envelope["data"].clone();
    change(&mut envelope, &mut domain_event);
    if envelope["data"] == unchanged {
        envelope["data"] = Value::String(domain_event.to_string());
    }
    sign(&claims(&envelope))
}

#[test]
fn an_inner_event_of_the_wrong_shape_names_the_failing_path() {
    type Change = Box<dyn FnOnce(&mut Value, &mut Value)>;
    let cases: Vec<(Change, &str, &str)> = vec![
        (
            Box::new(|_, event| event["actionEvent"]["body"]["message"]["content"] = json!(CANARY)),
            "data.data.actionEvent.body.message.content",
            "invalid type: a string, expected struct MessageContent",
        ),
        (
            Box::new(|_, event| event["actionEvent"]["body"]["message"]["direction"] = json!(7)),
            "data.data.actionEvent.body.message.direction",
            "invalid type: a number, expected an enum value as a string",
        ),
        (
            Box::new(|_, event| {
                event["actionEvent"]["body"]["message"]
                    .as_object_mut()
                    .unwrap()
                    .remove("visibility");
            }),
            "data.data.actionEvent.body.message",
            "missing field `visibility`",
        ),
        (
            Box::new(|_, event| event["actionEvent"]["body"]["conversationId"] = json!(CANARY)),
            "data.data.actionEvent.body.conversationId",
            "invalid value, expected a UUID",
        ),
        (
            Box::new(|_, event| {
                event["actionEvent"]["body"]["message"]["badges"] = json!([{"text": 5}])
            }),
            "data.data.actionEvent.body.message.badges[0].text",
            "invalid type: a number, expected a string",
        ),
        (
            Box::new(|_, event| event["actionEvent"]["body"] = json!(CANARY)),
            "data.data.actionEvent.body",
            "expected a JSON object, found a string",
        ),
        (
            Box::new(|_, event| {
                event["actionEvent"] = json!({"bodyAsJson": format!("{{{CANARY}")})
            }),
            "data.data.actionEvent.bodyAsJson",
            "not valid JSON",
        ),
        (
            Box::new(|_, event| {
                let body = json!({
                    "conversationId": "6fd2b962-dd8f-382f-8d27-ae63f188c939",
                    "message": {"content": 1},
                });
                event["actionEvent"] = json!({"bodyAsJson": body.to_string()});
            }),
            "data.data.actionEvent.bodyAsJson.message.content",
            "invalid type: a number, expected struct MessageContent",
        ),
        (
            Box::new(|_, event| event["actionEvent"] = json!({})),
            "data.data.actionEvent",
            "neither `body` nor `bodyAsJson` is present",
        ),
        (
            Box::new(|_, event| {
                event.as_object_mut().unwrap().remove("actionEvent");
            }),
            "data.data",
            "no event body",
        ),
        (
            Box::new(|_, event| event["eventTime"] = json!(CANARY)),
            "data.data.eventTime",
            "invalid date-time",
        ),
        (
            Box::new(|_, event| event["entityEventSequence"] = json!(CANARY)),
            "data.data.entityEventSequence",
            "invalid value: a string, expected an int64",
        ),
        (
            Box::new(|_, event| {
                event.as_object_mut().unwrap().remove("id");
            }),
            "data.data.id",
            "missing",
        ),
        (
            Box::new(|envelope, _| envelope["data"] = json!(CANARY)),
            "data.data",
            "not valid JSON",
        ),
        (
            Box::new(|envelope, _| envelope["data"] = json!(42)),
            "data.data",
            "expected a JSON string, found a number",
        ),
        (
            Box::new(|envelope, _| {
                envelope.as_object_mut().unwrap().remove("data");
            }),
            "data.data",
            "missing",
        ),
        (
            Box::new(|envelope, _| {
                envelope.as_object_mut().unwrap().remove("eventType");
            }),
            "data.eventType",
            "missing",
        ),
        (
            Box::new(|envelope, _| envelope["instanceId"] = json!(CANARY)),
            "data.instanceId",
            "invalid value, expected a UUID",
        ),
        (
            Box::new(|envelope, _| {
                envelope["identity"] = json!(json!({"identityType": ["APP"]}).to_string());
            }),
            "data.identity.identityType",
            "invalid type: an array, expected an enum value as a string",
        ),
        (
            Box::new(|envelope, _| envelope["accountInfo"] = json!(CANARY)),
            "data.accountInfo",
            "invalid type: a string, expected struct AccountInfo",
        ),
    ];
    for (change, expected_path, expected_reason) in cases {
        let token = changed_delivery(change);
        match rejected(token.as_bytes()) {
            WebhookError::MalformedEnvelope { path, reason } => {
                assert_eq!(path, expected_path, "{reason}");
                assert!(
                    reason.starts_with(expected_reason),
                    "at {path}: `{reason}` does not start with `{expected_reason}`"
                );
            }
            other => panic!("{expected_path}: unexpected {other:?}"),
        }
    }
}

#[test]
fn a_malformed_one_of_member_is_kept_raw_not_dropped() {
    // A known oneof member whose value does not decode (a bad `appId` in `identity`, a bad
    // `basic` in message content) is kept with its key and JSON, never turned into "no member".
    let token = changed_delivery(|envelope, event| {
        envelope["identity"] = json!(json!({"identityType": "APP", "appId": CANARY}).to_string());
        event["actionEvent"]["body"]["message"]["content"]["basic"] = json!(CANARY);
    });
    let event = verifier().verify_untimed(token.as_bytes()).unwrap();
    let identity = event.identity.unwrap();
    assert_eq!(
        identity.id,
        Some(webhooks_identification_data::Id::Unrecognized {
            key: "appId".into(),
            value: json!(CANARY),
        }),
        "the member is kept"
    );
    // And written back as received.
    assert_eq!(
        serde_json::to_value(&identity).unwrap(),
        json!({ "appId": CANARY, "identityType": "APP" })
    );
    let Event::MessageSentToBusiness(sent) = event.event else {
        panic!("unexpected {:?}", event.event)
    };
    let payload = sent
        .message
        .unwrap()
        .content
        .payload
        .expect("the member is kept");
    assert_eq!(
        payload,
        inbox_api::types::message_content::Payload::Unrecognized {
            key: "basic".into(),
            value: json!(CANARY),
        }
    );
}

#[test]
fn statuses_separate_forgeries_from_undecodable_events() {
    assert_eq!(WebhookError::BadSignature.status_code(), 401);
    assert!(WebhookError::Expired.is_unauthenticated());
    assert!(WebhookError::MalformedToken { reason: "x" }.is_unauthenticated());
    let envelope = WebhookError::MalformedEnvelope {
        path: "data".into(),
        reason: "missing".into(),
    };
    assert_eq!(envelope.status_code(), 400);
    assert!(!envelope.is_unauthenticated());
    assert_eq!(WebhookError::BodyTooLarge { limit: 1 }.status_code(), 413);
}

#[test]
fn unusable_keys_are_rejected_with_a_clear_reason() {
    let cases = [
        ("", "not a PEM key"),
        (
            "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA",
            "not a PEM key",
        ),
        (WIX_PRIVATE_KEY, "this is a private key"),
        (EC_PUBLIC_KEY, "not an RSA public key"),
        (WEAK_PUBLIC_KEY, "RSA key of 1024 bits"),
        (
            "-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n",
            "PEM body is not valid base64",
        ),
        (
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
            "PEM body is not a DER",
        ),
        (
            "-----BEGIN PUBLIC KEY-----\nAAAA\n",
            "PEM block has no matching END line",
        ),
        (
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            "this is a certificate",
        ),
    ];
    for (pem, expected) in cases {
        match WebhookVerifier::from_public_key_pem(pem) {
            Err(error @ WebhookError::InvalidKey { .. }) => {
                let message = error.to_string();
                assert!(message.contains(expected), "{message}");
                for line in pem_bodies() {
                    assert!(!message.contains(line), "{message}");
                }
            }
            other => panic!("{expected}: unexpected {other:?}"),
        }
    }
}

#[test]
fn the_verifier_debug_output_shows_options_not_the_key() {
    let debug = format!("{:?}", verifier().audience(APP_ID));
    assert!(debug.contains("RS256") && debug.contains(APP_ID), "{debug}");
    for line in pem_bodies() {
        assert!(!debug.contains(line));
    }
}

// ---------------------------------------------------------------------------------------
// The example server, over real HTTP
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn the_example_server_accepts_signed_events_and_rejects_forged_ones() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/webhooks/inbox", listener.local_addr().unwrap());
    let server = tokio::spawn(webhook_server_example::run(listener, verifier()));
    let http = reqwest::Client::new();
    let post = |body: Vec<u8>| {
        http.post(&url)
            .header("content-type", "text/plain")
            .body(body)
            .send()
    };

    for (event_type, domain_event, _) in inbox_events() {
        let response = post(deliver(event_type, &domain_event).into_bytes())
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{event_type}");
    }

    let attacker = EncodingKey::from_rsa_pem(ATTACKER_PRIVATE_KEY.as_bytes()).unwrap();
    let forged = sign_with(Algorithm::RS256, &attacker, &valid_claims());
    assert_eq!(post(forged.into_bytes()).await.unwrap().status(), 401);
    let none = unsigned_token(&json!({"alg": "none"}), &valid_claims(), "");
    assert_eq!(post(none.into_bytes()).await.unwrap().status(), 401);
    assert_eq!(post(b"not a jwt".to_vec()).await.unwrap().status(), 401);

    let undecodable = changed_delivery(|_, event| event["actionEvent"] = json!({}));
    assert_eq!(post(undecodable.into_bytes()).await.unwrap().status(), 400);
    assert_eq!(post(vec![b'a'; 2 << 20]).await.unwrap().status(), 413);
    assert_eq!(http.get(&url).send().await.unwrap().status(), 405);

    server.abort();
}

// ---------------------------------------------------------------------------------------
// The endpoint's limits and deduplication, over real HTTP
// ---------------------------------------------------------------------------------------

mod endpoint {
    use std::net::SocketAddr;
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    use inbox_api::webhooks::server::{self, EndpointConfig};
    use inbox_api::webhooks::Deduplicator;
    use serde_json::json;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    use super::{
        button_interacted, deliver, envelope, sign, unix_now, verifier, BUTTON_INTERACTED,
    };

    struct Endpoint {
        addr: SocketAddr,
        url: String,
        delivered: Arc<Mutex<Vec<String>>>,
        task: tokio::task::JoinHandle<std::io::Result<()>>,
    }

    impl Drop for Endpoint {
        fn drop(&mut self) {
            self.task.abort();
        }
    }

    async fn start(config: EndpointConfig) -> Endpoint {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let delivered = Arc::new(Mutex::new(Vec::new()));
        let log = delivered.clone();
        let on_event = move |event: inbox_api::webhooks::InboxEvent| {
            log.lock().unwrap().push(event.id);
        };
        let task = tokio::spawn(server::serve_with(listener, verifier(), config, on_event));
        Endpoint {
            addr,
            url: format!("http://{addr}{}", server::PATH),
            delivered,
            task,
        }
    }

    /// A valid delivery of an event with its own ID.
    fn delivery(id: &str) -> String {
        let mut event = button_interacted();
        event["id"] = json!(id);
        deliver(BUTTON_INTERACTED, &event)
    }

    /// Reads until the server closes the connection (or resets it); what arrived.
    async fn read_until_closed(stream: &mut TcpStream, bound: Duration) -> String {
        let mut received = Vec::new();
        let read = tokio::time::timeout(bound, stream.read_to_end(&mut received)).await;
        assert!(
            read.is_ok(),
            "the server did not close the connection within {bound:?}"
        );
        String::from_utf8_lossy(&received).into_owned()
    }

    /// A client that stops half-way through its body and one that stops half-way through its
    /// head are both cut off once the configured timeout has passed, not before and not much
    /// later; meanwhile valid deliveries on other connections are answered.
    #[tokio::test]
    async fn slow_clients_are_cut_off_on_time_while_deliveries_are_answered() {
        let timeout = Duration::from_secs(2);
        let endpoint = start(
            EndpointConfig::default()
                .header_read_timeout(timeout)
                .body_read_timeout(timeout),
        )
        .await;
        // Each clock starts before connecting: the header timer starts when the endpoint
        // accepts, which may be before the test gets to write.
        let body_started = Instant::now();
        let mut slow_body = TcpStream::connect(endpoint.addr).await.unwrap();
        slow_body
            .write_all(
                b"POST /webhooks/inbox HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\neyJh",
            )
            .await
            .unwrap();
        let head_started = Instant::now();
        let mut slow_head = TcpStream::connect(endpoint.addr).await.unwrap();
        slow_head
            .write_all(b"POST /webhooks/inbox HTTP/1.1\r\nhost: x\r\n")
            .await
            .unwrap();

        let http = reqwest::Client::new();
        let deliveries = (0..8).map(|i| {
            let http = http.clone();
            let url = endpoint.url.clone();
            async move {
                let response = http.post(url).body(delivery(&format!("fast-{i}"))).send();
                response.await.unwrap().status()
            }
        });
        let statuses = futures::future::join_all(deliveries).await;
        assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
        assert_eq!(endpoint.delivered.lock().unwrap().len(), 8);
        // Both slow clients were still connected and unanswered while that happened.
        let mut probe = [0u8; 1];
        for stream in [&slow_body, &slow_head] {
            let pending = stream.try_read(&mut probe);
            assert!(
                matches!(&pending, Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
                "a slow client was answered or cut off early: {pending:?}"
            );
        }

        let answer = read_until_closed(&mut slow_body, timeout * 3).await;
        let body_elapsed = body_started.elapsed();
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer:?}");
        let answer = read_until_closed(&mut slow_head, timeout * 3).await;
        let head_elapsed = head_started.elapsed();
        assert!(!answer.contains("200"), "{answer:?}");
        for elapsed in [body_elapsed, head_elapsed] {
            assert!(elapsed >= timeout, "cut off early, after {elapsed:?}");
            assert!(
                elapsed < timeout + Duration::from_secs(1),
                "cut off late, after {elapsed:?}"
            );
        }
        assert_eq!(endpoint.delivered.lock().unwrap().len(), 8);
    }

    /// With every connection slot held by an idle client, a delivery waits in the backlog
    /// until the header read timeout frees a slot, then is answered.
    #[tokio::test]
    async fn the_connection_limit_holds_new_connections_until_a_slot_frees() {
        let timeout = Duration::from_millis(800);
        let endpoint = start(
            EndpointConfig::default()
                .header_read_timeout(timeout)
                .max_connections(2),
        )
        .await;
        // Started before the idle clients connect: their header timers start when they are
        // accepted, so a slot frees no earlier than `timeout` after this.
        let started = Instant::now();
        let mut idle = Vec::new();
        for _ in 0..2 {
            idle.push(TcpStream::connect(endpoint.addr).await.unwrap());
        }
        let status = reqwest::Client::new()
            .post(&endpoint.url)
            .body(delivery("waited"))
            .send()
            .await
            .unwrap()
            .status();
        let elapsed = started.elapsed();
        assert_eq!(status, 200);
        assert!(
            elapsed >= timeout,
            "answered after {elapsed:?} although both slots were taken"
        );
        assert!(elapsed < timeout + Duration::from_secs(2), "{elapsed:?}");
        for stream in &mut idle {
            let answer = read_until_closed(stream, timeout * 3).await;
            assert!(!answer.contains("200"), "{answer:?}");
        }
        assert_eq!(*endpoint.delivered.lock().unwrap(), ["waited"]);
    }

    /// A replayed token (sequentially or many copies at once) is answered 200 and handed to
    /// the app once; another event still is delivered; without a deduplicator, both are.
    #[tokio::test]
    async fn replays_are_answered_200_without_a_second_delivery() {
        let dedup = EndpointConfig::default().deduplicate(Deduplicator::new(100));
        let endpoint = start(dedup.clone()).await;
        let http = reqwest::Client::new();
        let post = |body: String| {
            let http = http.clone();
            let url = endpoint.url.clone();
            async move { http.post(url).body(body).send().await.unwrap().status() }
        };
        let token = delivery("replayed");
        assert_eq!(post(token.clone()).await, 200);
        assert_eq!(post(token.clone()).await, 200);
        let copies = futures::future::join_all((0..16).map(|_| post(token.clone()))).await;
        assert!(copies.iter().all(|s| *s == 200), "{copies:?}");
        // Wix retrying with a fresh token for the same event is a replay too.
        let now = unix_now();
        let mut event = button_interacted();
        event["id"] = json!("replayed");
        let envelope = envelope(BUTTON_INTERACTED, &event);
        let retried = sign(&json!({"data": envelope.to_string(), "iat": now, "exp": now + 7200}));
        assert_eq!(post(retried).await, 200);
        assert_eq!(post(delivery("other")).await, 200);
        assert_eq!(*endpoint.delivered.lock().unwrap(), ["replayed", "other"]);
        let seen = dedup.deduplicator().unwrap();
        assert_eq!(seen.len(), 2);
        assert_eq!(seen.evicted(), 0);

        let plain = start(EndpointConfig::default()).await;
        let post = |body: String| {
            let http = http.clone();
            let url = plain.url.clone();
            async move { http.post(url).body(body).send().await.unwrap().status() }
        };
        assert_eq!(post(token.clone()).await, 200);
        assert_eq!(post(token).await, 200);
        assert_eq!(plain.delivered.lock().unwrap().len(), 2);
    }
}
