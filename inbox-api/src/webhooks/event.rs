//! [`InboxEvent`], and decoding it from the verified claims: the `data` claim (a JSON string)
//! holds the envelope, whose `identity` and `data` are JSON strings again; the domain event
//! in `data` carries the payload in `actionEvent.body` (or `bodyAsJson`). Runs only on claims
//! whose signature has been checked.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::error::{describe, kind_of, WebhookError};
use super::locate::{decode_at, locate};
use crate::events::Event;
use crate::types::{
    AccountInfo, ButtonInteracted, ConversationsMerged, DomainEvent, MessageEnvelope,
    MessageSentToBusiness, MessageSentToParticipant, WebhooksIdentificationData,
};

/// A verified, decoded Wix webhook event: the envelope and domain-event fields, plus the
/// typed payload in [`event`](Self::event).
///
/// Returned only by [`WebhookVerifier::verify`](super::WebhookVerifier::verify), so every
/// field comes from a token whose signature, algorithm and lifetime were checked.
#[derive(Clone, Debug, PartialEq)]
pub struct InboxEvent {
    /// Event ID (`data.data.id`), unique per event; deduplicate deliveries by it. Not the
    /// entity's ID.
    pub id: String,
    /// App instance (`data.instanceId`): the site in which the event happened.
    pub instance_id: Uuid,
    /// Event type as delivered (`data.eventType`), e.g.
    /// `wix.crm.inbox.v2.message_message_sent_to_business`. Older deliveries spell the slug
    /// with hyphens; [`Event::event_type`] gives the canonical spelling of a known event.
    pub event_type: String,
    /// Entity type (`data.data.entityFqdn`), e.g. `wix.crm.inbox.v2.message`.
    pub entity_fqdn: String,
    /// Action name (`data.data.slug`), e.g. `message_sent_to_business`.
    pub slug: String,
    /// The affected entity (`data.data.entityId`): the message ID for message events, the
    /// target conversation ID for conversations merged.
    pub entity_id: String,
    /// When the event happened (`data.data.eventTime`).
    pub event_time: DateTime<Utc>,
    /// Per-entity increasing counter (`data.data.entityEventSequence`); ignore an event whose
    /// sequence is lower than the last one processed for the same entity.
    pub entity_event_sequence: Option<i64>,
    /// Whether a privacy request (such as GDPR erasure) caused the event
    /// (`data.data.triggeredByAnonymizeRequest`; absent means `false`).
    pub triggered_by_anonymize_request: bool,
    /// Action that led to the event, when Wix reports one (`data.data.originatedFrom`).
    pub originated_from: Option<String>,
    /// Who caused the event (`data.identity`), when Wix says.
    pub identity: Option<WebhooksIdentificationData>,
    /// Account and site of the event (`data.accountInfo`); missing from older deliveries.
    pub account_info: Option<AccountInfo>,
    /// The typed payload. An event type this version does not know arrives as
    /// [`Event::Unrecognized`] with its raw JSON.
    pub event: Event,
    /// When the token was issued (its `iat` claim), when it says.
    pub issued_at: Option<DateTime<Utc>>,
    /// When the token expires (its `exp` claim, required). The token verifies until then plus
    /// the verifier's leeway ([`WebhookVerifier::accepted_until`](super::WebhookVerifier::accepted_until)),
    /// so a captured delivery can be replayed until that moment: remember [`id`](Self::id) at
    /// least that long to recognise it.
    pub expires_at: DateTime<Utc>,
}

/// The lifetime claims of a verified token.
#[derive(Clone, Copy, Debug)]
pub(super) struct TokenTimes {
    pub issued_at: Option<DateTime<Utc>>,
    pub expires_at: DateTime<Utc>,
}

/// Decodes the claims of a verified token.
pub(super) fn decode_claims(
    claims: &Map<String, Value>,
    times: TokenTimes,
) -> Result<InboxEvent, WebhookError> {
    let envelope_text = match claims.get("data") {
        Some(Value::String(text)) => text,
        Some(other) => {
            return Err(WebhookError::malformed(
                "data",
                format!("expected a JSON string, found {}", kind_of(other)),
            ))
        }
        None => return Err(WebhookError::missing("data")),
    };
    let mut envelope = parse_json_text(envelope_text, "data")?;
    let Value::Object(members) = &mut envelope else {
        return Err(WebhookError::malformed(
            "data",
            format!("expected a JSON object, found {}", kind_of(&envelope)),
        ));
    };
    // The nested strings are decoded here, not as the generated `String` fields.
    let identity = members.remove("identity");
    let domain_event = members.remove("data");
    let header: MessageEnvelope = decode_at(&envelope, "data")?;
    let event_type = header
        .event_type
        .ok_or_else(|| WebhookError::missing("data.eventType"))?;
    let instance_id = header
        .instance_id
        .ok_or_else(|| WebhookError::missing("data.instanceId"))?;
    let identity = match identity {
        None | Some(Value::Null) => None,
        Some(identity) => {
            let identity = nested_json(identity, "data.identity")?;
            Some(decode_at::<WebhooksIdentificationData>(
                &identity,
                "data.identity",
            )?)
        }
    };
    let domain_event = match domain_event {
        None | Some(Value::Null) => return Err(WebhookError::missing("data.data")),
        Some(domain_event) => nested_json(domain_event, "data.data")?,
    };
    let domain: DomainEvent = decode_at(&domain_event, "data.data")?;
    let (payload, payload_path) = payload(&domain_event)?;
    let event = decode_payload(&event_type, payload, &payload_path)?;

    Ok(InboxEvent {
        id: domain
            .id
            .ok_or_else(|| WebhookError::missing("data.data.id"))?,
        instance_id,
        event_type,
        entity_fqdn: domain
            .entity_fqdn
            .ok_or_else(|| WebhookError::missing("data.data.entityFqdn"))?,
        slug: domain
            .slug
            .ok_or_else(|| WebhookError::missing("data.data.slug"))?,
        entity_id: domain
            .entity_id
            .ok_or_else(|| WebhookError::missing("data.data.entityId"))?,
        event_time: domain
            .event_time
            .ok_or_else(|| WebhookError::missing("data.data.eventTime"))?,
        entity_event_sequence: domain.entity_event_sequence,
        triggered_by_anonymize_request: domain.triggered_by_anonymize_request.unwrap_or(false),
        originated_from: domain.originated_from,
        identity,
        account_info: header.account_info,
        event,
        issued_at: times.issued_at,
        expires_at: times.expires_at,
    })
}

/// Parses JSON text found at `path`.
fn parse_json_text(text: &str, path: &str) -> Result<Value, WebhookError> {
    serde_json::from_str(text).map_err(|error| WebhookError::malformed(path, describe(&error)))
}

/// A member that Wix delivers as a JSON string holding JSON. An object is accepted too: the
/// SDK's types declare `identity` as one.
fn nested_json(value: Value, path: &str) -> Result<Value, WebhookError> {
    match value {
        Value::String(text) => parse_json_text(&text, path),
        object @ Value::Object(_) => Ok(object),
        other => Err(WebhookError::malformed(
            path,
            format!("expected a JSON string, found {}", kind_of(&other)),
        )),
    }
}

/// Body variants of a domain event: the variant's name, its object member (REST form) and
/// its JSON-string member (protobuf form). Inbox events use only `actionEvent`; the others
/// give an unrecognized event type of another kind its payload.
const BODY_VARIANTS: &[(&str, &str, &str)] = &[
    ("actionEvent", "body", "bodyAsJson"),
    ("createdEvent", "entity", "entityAsJson"),
    ("updatedEvent", "currentEntity", "currentEntityAsJson"),
    ("deletedEvent", "deletedEntity", "deletedEntityAsJson"),
];

/// The payload of a domain event and its path: `actionEvent.body` (an object), else
/// `actionEvent.bodyAsJson` (a JSON string).
fn payload(domain_event: &Value) -> Result<(Value, String), WebhookError> {
    let Value::Object(members) = domain_event else {
        return Err(WebhookError::malformed(
            "data.data",
            format!("expected a JSON object, found {}", kind_of(domain_event)),
        ));
    };
    for &(variant, object_member, string_member) in BODY_VARIANTS {
        let variant_path = format!("data.data.{variant}");
        let body = match members.get(variant) {
            None | Some(Value::Null) => continue,
            Some(Value::Object(body)) => body,
            Some(other) => {
                return Err(WebhookError::malformed(
                    variant_path,
                    format!("expected a JSON object, found {}", kind_of(other)),
                ))
            }
        };
        let object_path = format!("{variant_path}.{object_member}");
        match body.get(object_member) {
            None | Some(Value::Null) => {}
            Some(object @ Value::Object(_)) => return Ok((object.clone(), object_path)),
            Some(other) => {
                return Err(WebhookError::malformed(
                    object_path,
                    format!("expected a JSON object, found {}", kind_of(other)),
                ))
            }
        }
        let string_path = format!("{variant_path}.{string_member}");
        return match body.get(string_member) {
            Some(Value::String(text)) => Ok((parse_json_text(text, &string_path)?, string_path)),
            None | Some(Value::Null) => Err(WebhookError::malformed(
                variant_path,
                format!("neither `{object_member}` nor `{string_member}` is present"),
            )),
            Some(other) => Err(WebhookError::malformed(
                string_path,
                format!("expected a JSON string, found {}", kind_of(other)),
            )),
        };
    }
    Err(WebhookError::malformed(
        "data.data",
        "no event body (`actionEvent`, `createdEvent`, `updatedEvent` or `deletedEvent`)",
    ))
}

/// A path-locating decode per known payload type, keyed by canonical event type.
type Locator = fn(&Value, &str, &serde_json::Error) -> WebhookError;

/// One entry per [`Event::EVENT_TYPES`] (a unit test keeps them in step). Only used to say
/// *where* a payload failed; [`Event::from_body`] decides *whether* it fails.
const PAYLOAD_LOCATORS: &[(&str, Locator)] = &[
    (
        "wix.crm.inbox.v2.message_button_interacted",
        locate::<ButtonInteracted>,
    ),
    (
        "wix.crm.inbox.v2.conversation_conversations_merged",
        locate::<ConversationsMerged>,
    ),
    (
        "wix.crm.inbox.v2.message_message_sent_to_business",
        locate::<MessageSentToBusiness>,
    ),
    (
        "wix.crm.inbox.v2.message_message_sent_to_participant",
        locate::<MessageSentToParticipant>,
    ),
];

/// Decodes the payload with the generated [`Event::from_body`].
fn decode_payload(event_type: &str, payload: Value, path: &str) -> Result<Event, WebhookError> {
    // Kept for locating a failure; `from_body` consumes the value.
    let original = payload.clone();
    Event::from_body(event_type, payload).map_err(|error| {
        let canonical = event_type.replace('-', "_");
        match PAYLOAD_LOCATORS
            .iter()
            .find(|(known, _)| *known == canonical)
        {
            Some((_, locate)) => locate(&original, path, &error),
            None => WebhookError::malformed(path, describe(&error)),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_event_type_has_a_payload_locator() {
        let located: Vec<&str> = PAYLOAD_LOCATORS
            .iter()
            .map(|(event_type, _)| *event_type)
            .collect();
        let mut known = Event::EVENT_TYPES.to_vec();
        known.sort_unstable();
        let mut located_sorted = located.clone();
        located_sorted.sort_unstable();
        assert_eq!(
            located_sorted, known,
            "PAYLOAD_LOCATORS must list exactly Event::EVENT_TYPES"
        );
    }
}
