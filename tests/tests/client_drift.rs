//! API drift through the generated types: responses carrying what this client version does not
//! know (an enum value, a field, a one-of member) still decode, and each novelty is listed in
//! `Client::drift_report()` and logged (`inbox_api::drift` warning) exactly once.
//!
//! Novelty reaches the client two ways: messages seeded with extra JSON (served by the real
//! ListMessages handler, across pages) and `FaultKind::Replace` bodies.
//!
//! With the default `DriftDetection::Sampled`, unknown enum values are reported from every
//! response and unknown fields from the first `SAMPLE_FIRST` responses of each operation, then
//! from one in every `SAMPLE_EVERY`; the last tests pin that schedule down.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use futures::TryStreamExt;
use inbox_api::auth::Auth;
use inbox_api::drift::{DriftDetection, DriftItem, DriftKind, SAMPLE_EVERY, SAMPLE_FIRST};
use inbox_api::operations::ListMessagesOptions;
use inbox_api::testing::{Fault, FaultKind, FaultTarget, InboxServer};
use inbox_api::types::{
    basic_message_data, message_content, participant_id, BadgeVisibility, BasicMessageData,
    BasicMessagePayload, Button, GetOrCreateConversationRequest, ImageMessage, Message,
    MessageContent, MessageDirection, MessageVisibility, ParticipantId, PostbackProperties,
    SendMessageRequest, TemplateMessagePayload,
};
use inbox_api::Client;
use reqwest::Method;
use serde_json::{json, Value};
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;
use uuid::Uuid;

const CONTACT: Uuid = Uuid::from_u128(0x890a3816_85b4_44ab_9085_524972a850ef);
const MEMBER: Uuid = Uuid::from_u128(0x3f2b7c1a_9d4e_4a61_b0c2_7e5d8f9a1b2c);

/// Records the fields of every event with target `inbox_api::drift`.
#[derive(Clone, Default)]
struct DriftWarnings(Arc<Mutex<Vec<BTreeMap<String, String>>>>);

impl DriftWarnings {
    fn events(&self) -> Vec<BTreeMap<String, String>> {
        self.0.lock().unwrap().clone()
    }

    /// `(kind, type_name, json_path, value)` of each warning, sorted.
    fn summary(&self) -> Vec<(String, String, String, Option<String>)> {
        let mut summary: Vec<_> = self
            .events()
            .into_iter()
            .map(|mut fields| {
                assert_eq!(fields.remove("level").as_deref(), Some("WARN"));
                let mut take = |name: &str| fields.remove(name).unwrap_or_default();
                (
                    take("kind"),
                    take("type_name"),
                    take("json_path"),
                    fields.remove("value"),
                )
            })
            .collect();
        summary.sort();
        summary
    }
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl<S: tracing::Subscriber> Layer<S> for DriftWarnings {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() != "inbox_api::drift" {
            return;
        }
        let mut fields = BTreeMap::new();
        fields.insert("level".to_owned(), event.metadata().level().to_string());
        event.record(&mut Fields(&mut fields));
        self.0.lock().unwrap().push(fields);
    }
}

/// Captures drift warnings emitted on this thread (the tests run on a current-thread runtime,
/// so the client's decoding happens here too).
fn capture() -> (DriftWarnings, tracing::subscriber::DefaultGuard) {
    let warnings = DriftWarnings::default();
    let subscriber = tracing_subscriber::registry().with(warnings.clone());
    (warnings, tracing::subscriber::set_default(subscriber))
}

/// `(kind, type_name, json_path, value)` of each report item, sorted, in the warnings' format.
fn summary(report: &[DriftItem]) -> Vec<(String, String, String, Option<String>)> {
    let mut summary: Vec<_> = report
        .iter()
        .map(|item| {
            (
                format!("{:?}", item.kind),
                item.type_name.clone(),
                item.json_path.clone(),
                item.value.clone(),
            )
        })
        .collect();
    summary.sort();
    summary
}

fn item(
    kind: DriftKind,
    type_name: &str,
    json_path: &str,
    value: Option<&str>,
) -> (String, String, String, Option<String>) {
    (
        format!("{kind:?}"),
        type_name.to_owned(),
        json_path.to_owned(),
        value.map(str::to_owned),
    )
}

/// A server and a client with the default drift detection.
async fn start() -> (InboxServer, Client) {
    start_with(None).await
}

/// A server and a client with drift detection `mode` (`None`: the builder's default).
async fn start_with(mode: Option<DriftDetection>) -> (InboxServer, Client) {
    let server = InboxServer::start().await.expect("server starts");
    let mut builder = Client::builder()
        .base_url(server.base_url())
        .auth(Auth::api_key_for_site(
            server.config().api_key.clone(),
            server.config().site_id.to_string(),
        ));
    if let Some(mode) = mode {
        builder = builder.drift_detection(mode);
    }
    (server, builder.build().expect("client builds"))
}

async fn conversation_of(client: &Client, id: participant_id::Id) -> Uuid {
    client
        .get_or_create_conversation(&GetOrCreateConversationRequest::new(ParticipantId {
            id: Some(id),
            ..Default::default()
        }))
        .await
        .expect("get-or-create succeeds")
        .conversation
        .and_then(|c| c.id)
        .expect("a conversation id")
}

fn basic(items: Vec<basic_message_data::Data>) -> MessageContent {
    MessageContent {
        payload: Some(message_content::Payload::Basic(BasicMessagePayload {
            items: Some(items.into_iter().map(BasicMessageData::from).collect()),
            ..Default::default()
        })),
        ..MessageContent::default()
    }
}

fn text_json(i: usize) -> Value {
    json!({
        "direction": "BUSINESS_TO_PARTICIPANT",
        "visibility": "BUSINESS_AND_PARTICIPANT",
        "content": { "basic": { "items": [{ "text": format!("message {i}") }] } }
    })
}

/// What the test server answers today decodes without any drift: the generated types model
/// every field and value it sends.
#[tokio::test]
async fn ordinary_traffic_has_no_drift() {
    let (warnings, _guard) = capture();
    let (server, client) = start().await;
    let oauth = Client::builder()
        .base_url(server.base_url())
        .auth(Auth::oauth_token(
            server.config().oauth_token.clone().unwrap(),
        ))
        .build()
        .unwrap();
    let conversation_id = conversation_of(&client, participant_id::Id::ContactId(CONTACT)).await;
    conversation_of(&oauth, participant_id::Id::ContactId(CONTACT)).await;
    client.get_conversation(conversation_id).await.unwrap();

    let image = ImageMessage {
        url: Some("https://static.wixstatic.com/media/photo.jpg".into()),
        width: Some(640),
        height: Some(480),
        ..ImageMessage::default()
    };
    let message = Message::new(
        basic(vec![
            basic_message_data::Data::Text("Here is the photo".into()),
            basic_message_data::Data::Image(image),
        ]),
        MessageVisibility::BusinessAndParticipant,
        MessageDirection::BusinessToParticipant,
    );
    client
        .send_message(&SendMessageRequest::new(conversation_id, message))
        .await
        .unwrap();
    let mut button = Button::new("Confirm".into());
    button.postback_properties = Some(PostbackProperties {
        interaction_id: Some("confirm".into()),
        ..PostbackProperties::default()
    });
    let template = Message::new(
        MessageContent {
            payload: Some(message_content::Payload::Template(TemplateMessagePayload {
                title: Some("Confirm your booking".into()),
                buttons: Some(vec![button]),
                ..TemplateMessagePayload::default()
            })),
            ..MessageContent::default()
        },
        MessageVisibility::Business,
        MessageDirection::BusinessToParticipant,
    );
    oauth
        .send_message(&SendMessageRequest::new(conversation_id, template))
        .await
        .unwrap();
    let listed: Vec<Message> = client
        .list_messages_stream(
            conversation_id,
            MessageVisibility::Business,
            ListMessagesOptions::default(),
        )
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(server.requests().len(), 6);

    assert_eq!(client.drift_report(), []);
    assert_eq!(oauth.drift_report(), []);
    assert_eq!(warnings.events(), []);
}

#[tokio::test]
async fn novelty_in_listed_messages_is_decoded_and_reported_once() {
    let (warnings, _guard) = capture();
    let (server, client) = start().await;
    let conversation_id = conversation_of(&client, participant_id::Id::ContactId(CONTACT)).await;

    // 35 messages, newest first: page one holds 35..6, page two 5..1. The same novelty
    // appears on both pages, at different indices.
    for i in 1..=35 {
        let mut message = text_json(i);
        match i {
            35 | 3 => message["direction"] = json!("SYSTEM_TO_BOTH"),
            34 | 2 => message["reactions"] = json!([{ "emoji": "👍", "count": 2 }]),
            33 | 1 => {
                message["content"] = json!({
                    "carousel": { "cards": [{ "title": "Room 4" }] },
                    "previewText": "Rooms"
                })
            }
            20 => message["badges"] = json!([{ "text": "Bot", "badgeVisibility": "EVERYONE" }]),
            _ => {}
        }
        server.seed_message(conversation_id, message);
    }

    let list_all = || {
        client
            .list_messages_stream(
                conversation_id,
                MessageVisibility::Business,
                ListMessagesOptions::default(),
            )
            .try_collect::<Vec<Message>>()
    };
    let messages = list_all().await.expect("novelty still decodes");
    assert_eq!(messages.len(), 35);

    // The typed values keep what they can.
    assert_eq!(
        messages[0].direction,
        MessageDirection::Unrecognized("SYSTEM_TO_BOTH".into())
    );
    assert_eq!(messages[0].direction.as_str(), "SYSTEM_TO_BOTH");
    assert_eq!(
        messages[1].direction,
        MessageDirection::BusinessToParticipant
    );
    // A oneof member this version does not know is kept, key and JSON, and written back.
    assert_eq!(
        messages[2].content.payload,
        Some(message_content::Payload::Unrecognized {
            key: "carousel".into(),
            value: json!({ "cards": [{ "title": "Room 4" }] }),
        })
    );
    assert_eq!(
        serde_json::to_value(&messages[2].content).unwrap(),
        json!({ "carousel": { "cards": [{ "title": "Room 4" }] }, "previewText": "Rooms" })
    );
    assert_eq!(messages[2].content.preview_text.as_deref(), Some("Rooms"));
    let badge = &messages[15].badges.as_ref().expect("badges")[0];
    assert_eq!(
        badge.badge_visibility,
        Some(BadgeVisibility::Unrecognized("EVERYONE".into()))
    );
    assert_eq!(badge.text.as_deref(), Some("Bot"));
    // A field this version does not list is kept, visible, and written back as received.
    assert_eq!(
        messages[1].extra.get("reactions"),
        Some(&json!([{ "emoji": "👍", "count": 2 }]))
    );
    assert_eq!(
        serde_json::to_value(&messages[1]).unwrap()["reactions"],
        json!([{ "emoji": "👍", "count": 2 }])
    );
    assert!(messages[0].extra.is_empty());
    assert_eq!(
        messages[32].direction,
        MessageDirection::Unrecognized("SYSTEM_TO_BOTH".into())
    );

    // Each novelty once, at the path it was first seen, although page two repeats it.
    // `carousel` is reported as an unknown member of the oneof group, with its path.
    let expected = vec![
        item(
            DriftKind::UnknownEnumValue,
            "BadgeVisibility",
            "messages[15].badges[0].badgeVisibility",
            Some("EVERYONE"),
        ),
        item(
            DriftKind::UnknownEnumValue,
            "MessageDirection",
            "messages[0].direction",
            Some("SYSTEM_TO_BOTH"),
        ),
        item(
            DriftKind::UnknownField,
            "Message",
            "messages[1].reactions",
            None,
        ),
        item(
            DriftKind::UnknownOneOfKey,
            "message_content::Payload",
            "messages[2].content.carousel",
            Some("carousel"),
        ),
    ];
    let report = client.drift_report();
    assert_eq!(summary(&report), expected, "{report:#?}");
    assert!(report.iter().all(|i| i.operation_id == "listMessages"));
    assert_eq!(warnings.summary(), expected);

    // Listing again, page by page and as a stream, adds nothing and logs nothing.
    list_all().await.unwrap();
    client
        .list_messages(
            conversation_id,
            MessageVisibility::Business,
            ListMessagesOptions::default().paging_limit(100),
        )
        .await
        .unwrap();
    assert_eq!(client.clone().drift_report(), report);
    assert_eq!(warnings.events().len(), expected.len());
    assert_eq!(server.requests().len(), 1 + 2 + 2 + 1);
}

#[tokio::test]
async fn novelty_in_replaced_responses_is_decoded_and_reported_once() {
    let (warnings, _guard) = capture();
    let (server, client) = start().await;
    let conversation_id = conversation_of(&client, participant_id::Id::MemberId(MEMBER)).await;

    let sent = json!({
        "message": {
            "id": "1700000000000001",
            "sequence": "1700000000000001",
            "createdDate": "2023-11-15T10:19:44.064Z",
            "direction": "SYSTEM_TO_BOTH",
            "visibility": "BUSINESS_AND_PARTICIPANT",
            "content": { "carousel": { "cards": [{ "title": "Room 4" }] } },
            "reactions": [{ "emoji": "🎉" }],
            "sender": { "wixUserId": server.config().wix_user_id }
        }
    });
    server.inject(
        Fault::new(FaultKind::Replace {
            status: 200,
            body: sent,
        })
        .on(FaultTarget::Method(
            Method::POST,
            "/inbox/v2/messages".to_owned(),
        ))
        .times(2),
    );
    let conversation = json!({
        "conversation": {
            "id": conversation_id,
            "participant": { "memberId": MEMBER, "phoneId": "+15550100" },
            "labels": ["vip"],
            "businessDisplayData": { "name": "cherry-productions" }
        }
    });
    server.inject(
        Fault::new(FaultKind::Replace {
            status: 200,
            body: conversation,
        })
        .on(FaultTarget::Method(
            Method::GET,
            format!("/inbox/v2/conversations/{conversation_id}"),
        ))
        .times(2),
    );

    let request = SendMessageRequest::new(
        conversation_id,
        Message::new(
            basic(vec![basic_message_data::Data::Text("hi".into())]),
            MessageVisibility::BusinessAndParticipant,
            MessageDirection::BusinessToParticipant,
        ),
    );
    for _ in 0..2 {
        let message = client
            .send_message(&request)
            .await
            .expect("novelty still decodes")
            .message
            .expect("a message");
        assert_eq!(
            message.direction,
            MessageDirection::Unrecognized("SYSTEM_TO_BOTH".into())
        );
        assert_eq!(
            message.content.payload,
            Some(message_content::Payload::Unrecognized {
                key: "carousel".into(),
                value: json!({ "cards": [{ "title": "Room 4" }] }),
            })
        );
        assert_eq!(message.sequence, Some(1_700_000_000_000_001));

        let conversation = client
            .get_conversation(conversation_id)
            .await
            .expect("novelty still decodes")
            .conversation
            .expect("a conversation");
        assert_eq!(conversation.id, Some(conversation_id));
        assert_eq!(
            conversation.participant.and_then(|p| p.id),
            Some(inbox_api::types::conversation_identification_data::Id::MemberId(MEMBER))
        );
    }
    assert_eq!(server.pending_faults(), 0);
    // `Replace` answers in place of the server: nothing was stored.
    assert!(server.messages(conversation_id).is_empty(), "replaced");

    let expected = vec![
        item(
            DriftKind::UnknownEnumValue,
            "MessageDirection",
            "message.direction",
            Some("SYSTEM_TO_BOTH"),
        ),
        item(
            DriftKind::UnknownField,
            "Conversation",
            "conversation.labels",
            None,
        ),
        item(
            DriftKind::UnknownField,
            "ConversationIdentificationData",
            "conversation.participant.phoneId",
            None,
        ),
        item(
            DriftKind::UnknownField,
            "Message",
            "message.reactions",
            None,
        ),
        item(
            DriftKind::UnknownOneOfKey,
            "message_content::Payload",
            "message.content.carousel",
            Some("carousel"),
        ),
    ];
    let report = client.drift_report();
    assert_eq!(summary(&report), expected, "{report:#?}");
    for item in &report {
        let operation = if item.json_path.starts_with("conversation.") {
            "getConversation"
        } else {
            "sendMessage"
        };
        assert_eq!(item.operation_id, operation, "{item:?}");
    }
    assert_eq!(warnings.summary(), expected);
    // Unknown field values may be personal data: never logged.
    let logged = format!("{:?}", warnings.events());
    assert!(
        !logged.contains("+15550100") && !logged.contains("vip"),
        "{logged}"
    );

    // Normal answers again: nothing new.
    client.get_conversation(conversation_id).await.unwrap();
    assert_eq!(client.drift_report(), report);
    assert_eq!(warnings.events().len(), expected.len());
}

/// A GetConversation body for `id` with an unknown field (`conversation.labels`) and, when
/// `channel` is given, an unknown channel (`conversation.channels[1]`).
fn novel_conversation(id: Uuid, channel: Option<&str>) -> Value {
    let mut conversation = json!({ "id": id, "labels": ["vip"] });
    if let Some(channel) = channel {
        conversation["channels"] = json!(["CHAT", channel]);
    }
    json!({ "conversation": conversation })
}

/// GetConversation responses `numbers` (counting from 1 per client, as the sampling does):
/// the ones listed in `novel` answer `body` (a `Replace` fault), the others are the server's
/// own answers, which carry no drift. Calls go through the client and two kinds of clone,
/// which share the sampling counters.
async fn get_conversations(
    server: &InboxServer,
    client: &Client,
    id: Uuid,
    numbers: std::ops::RangeInclusive<u64>,
    novel: &[u64],
    body: &Value,
) {
    let clones = [
        client.clone(),
        client.with_retry_policy(client.retry_policy().clone()),
    ];
    for n in numbers {
        if novel.contains(&n) {
            server.inject(
                Fault::new(FaultKind::Replace {
                    status: 200,
                    body: body.clone(),
                })
                .on(FaultTarget::Method(
                    Method::GET,
                    format!("/inbox/v2/conversations/{id}"),
                )),
            );
        }
        let caller = match n % 3 {
            0 => client,
            1 => &clones[0],
            _ => &clones[1],
        };
        let conversation = caller
            .get_conversation(id)
            .await
            .expect("decodes")
            .conversation
            .expect("a conversation");
        assert_eq!(conversation.id, Some(id));
    }
    assert_eq!(
        server.pending_faults(),
        0,
        "every novel response was served"
    );
}

fn labels_item() -> (String, String, String, Option<String>) {
    item(
        DriftKind::UnknownField,
        "Conversation",
        "conversation.labels",
        None,
    )
}

/// With the default mode, an unknown field in the first response of an operation is reported,
/// even when other operations are past their first responses already.
#[tokio::test]
async fn default_mode_reports_novelty_in_the_first_response_of_an_operation() {
    let (warnings, _guard) = capture();
    let (server, client) = start().await;
    assert_eq!(client.drift_detection(), DriftDetection::Sampled);
    let id = conversation_of(&client, participant_id::Id::ContactId(CONTACT)).await;
    for _ in 0..SAMPLE_FIRST + 1 {
        client
            .list_messages(
                id,
                MessageVisibility::Business,
                ListMessagesOptions::default(),
            )
            .await
            .unwrap();
    }
    assert_eq!(client.drift_report(), []);

    get_conversations(
        &server,
        &client,
        id,
        1..=1,
        &[1],
        &novel_conversation(id, None),
    )
    .await;
    let report = client.drift_report();
    assert_eq!(summary(&report), [labels_item()], "{report:#?}");
    assert_eq!(report[0].operation_id, "getConversation");
    assert_eq!(warnings.summary(), [labels_item()]);
}

/// The default mode checks the first `SAMPLE_FIRST` responses of an operation, skips the
/// following ones, and checks response `SAMPLE_FIRST + SAMPLE_EVERY`; `EveryResponse` checks
/// the response the default skips. Clones share the counters.
#[tokio::test]
async fn default_mode_samples_the_unknown_field_check() {
    // Captured from the start, as in every test here: a drift warning fired on a thread without
    // a subscriber can leave tracing's callsite cache disabled for the other tests' subscribers.
    let (warnings, _guard) = capture();
    let novel_at = |mode: Option<DriftDetection>, n: u64| async move {
        let (server, client) = start_with(mode).await;
        let id = conversation_of(&client, participant_id::Id::MemberId(MEMBER)).await;
        let body = novel_conversation(id, None);
        get_conversations(&server, &client, id, 1..=n, &[n], &body).await;
        summary(&client.drift_report())
    };
    // The last response of the first window is checked, the one after it is not, unless
    // every response is checked.
    assert_eq!(novel_at(None, SAMPLE_FIRST).await, [labels_item()]);
    assert_eq!(novel_at(None, SAMPLE_FIRST + 1).await, []);
    assert_eq!(
        novel_at(Some(DriftDetection::Sampled), SAMPLE_FIRST + 1).await,
        []
    );
    assert_eq!(
        novel_at(Some(DriftDetection::EveryResponse), SAMPLE_FIRST + 1).await,
        [labels_item()]
    );

    assert_eq!(
        warnings.events().len(),
        2,
        "one warning per client that saw the field"
    );

    // One client: the novelty in response SAMPLE_FIRST + 1 goes unseen, the same novelty in
    // the responses just before the next sample too, and the sample itself reports it.
    let (warnings, _guard) = capture();
    let (server, client) = start().await;
    let id = conversation_of(&client, participant_id::Id::MemberId(MEMBER)).await;
    let body = novel_conversation(id, None);
    let sample = SAMPLE_FIRST + SAMPLE_EVERY;
    get_conversations(
        &server,
        &client,
        id,
        1..=sample - 1,
        &[SAMPLE_FIRST + 1, SAMPLE_FIRST + 2, sample - 1],
        &body,
    )
    .await;
    assert_eq!(client.drift_report(), []);
    assert_eq!(warnings.events(), []);
    get_conversations(&server, &client, id, sample..=sample, &[sample], &body).await;
    assert_eq!(summary(&client.drift_report()), [labels_item()]);
    assert_eq!(warnings.summary(), [labels_item()]);

    // Clearing the report restarts sampling: the next response is a first one again.
    client.clear_drift_report();
    get_conversations(&server, &client, id, 1..=1, &[1], &body).await;
    assert_eq!(summary(&client.drift_report()), [labels_item()]);
}

/// Unknown enum values are reported from every response, also from one the unknown-field
/// check skips (whose unknown field then goes unreported).
#[tokio::test]
async fn unknown_enum_values_are_reported_from_unsampled_responses() {
    let (warnings, _guard) = capture();
    let (server, client) = start().await;
    let id = conversation_of(&client, participant_id::Id::ContactId(CONTACT)).await;
    let unsampled = SAMPLE_FIRST + 1;
    get_conversations(
        &server,
        &client,
        id,
        1..=unsampled,
        &[unsampled],
        &novel_conversation(id, Some("PIGEON")),
    )
    .await;
    let expected = [item(
        DriftKind::UnknownEnumValue,
        "ChannelType",
        "conversation.channels[1]",
        Some("PIGEON"),
    )];
    let report = client.drift_report();
    assert_eq!(summary(&report), expected, "{report:#?}");
    assert_eq!(report[0].operation_id, "getConversation");
    assert_eq!(warnings.summary(), expected);

    // The same response under `EveryResponse` reports the field as well.
    let (server, client) = start_with(Some(DriftDetection::EveryResponse)).await;
    let id = conversation_of(&client, participant_id::Id::ContactId(CONTACT)).await;
    get_conversations(
        &server,
        &client,
        id,
        1..=unsampled,
        &[unsampled],
        &novel_conversation(id, Some("PIGEON")),
    )
    .await;
    let mut both = expected.to_vec();
    both.push(labels_item());
    assert_eq!(summary(&client.drift_report()), both);
}
