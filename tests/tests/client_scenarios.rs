//! The generated operations (`Client::send_message`, `list_messages`, ...) end to end, against
//! the in-memory Inbox server over real HTTP on 127.0.0.1, one server per test.
//!
//! `runtime_client.rs` covers the runtime below them (`Client::execute` with hand-written
//! operation statics); these tests go through the generated methods and types only, and check
//! both sides: the typed results, and the JSON the server actually received.

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use inbox_api::auth::Auth;
use inbox_api::error::BuildError;
use inbox_api::operations::{
    GetConversationErrorCode, ListMessagesErrorCode, ListMessagesOptions, SendMessageErrorCode,
};
use inbox_api::retry::RetryPolicy;
use inbox_api::testing::{Fault, FaultKind, FaultTarget, InboxServer, RecordedRequest};
use inbox_api::types::{
    basic_message_data, conversation_identification_data, identification_data, media_item,
    message_content, participant_id, BasicMessageData, BasicMessagePayload, Button, FileMessage,
    FormField, FormMessagePayload, GetOrCreateConversationRequest, ImageMessage, MediaItem,
    Message, MessageContent, MessageDirection, MessageVisibility, MinimalMessagePayload,
    Orientation, OverrideSenderOptions, ParticipantId, PostbackProperties, SendMessageRequest,
    SortOrder, TemplateMessagePayload,
};
use inbox_api::{Client, Error};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

const CONTACT: Uuid = Uuid::from_u128(0x890a3816_85b4_44ab_9085_524972a850ef);
const MEMBER: Uuid = Uuid::from_u128(0x3f2b7c1a_9d4e_4a61_b0c2_7e5d8f9a1b2c);
const VISITOR: Uuid = Uuid::from_u128(0xc4a1e2f3_5b6d_4e7f_8a9b_0c1d2e3f4a5b);

/// Retries quickly, so the retry tests take milliseconds.
fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(5))
}

fn builder(server: &InboxServer) -> inbox_api::ClientBuilder {
    Client::builder()
        .base_url(server.base_url())
        .retry_policy(fast_retries())
        .timeout(Duration::from_secs(10))
}

/// A client with the server's API key and site id.
fn api_key_client(server: &InboxServer) -> Client {
    builder(server)
        .auth(Auth::api_key_for_site(
            server.config().api_key.clone(),
            server.config().site_id.to_string(),
        ))
        .build()
        .expect("client builds")
}

/// A client with the server's app OAuth token.
fn oauth_client(server: &InboxServer) -> Client {
    let token = server.config().oauth_token.clone().expect("default token");
    builder(server)
        .auth(Auth::oauth_token(token))
        .build()
        .expect("client builds")
}

async fn start() -> (InboxServer, Client) {
    let server = InboxServer::start().await.expect("server starts");
    let client = api_key_client(&server);
    (server, client)
}

fn participant(id: participant_id::Id) -> GetOrCreateConversationRequest {
    GetOrCreateConversationRequest::new(ParticipantId {
        id: Some(id),
        extra: Default::default(),
    })
}

/// The conversation of `CONTACT`, created through the generated method.
async fn contact_conversation(client: &Client) -> Uuid {
    client
        .get_or_create_conversation(&participant(participant_id::Id::ContactId(CONTACT)))
        .await
        .expect("get-or-create succeeds")
        .conversation
        .and_then(|c| c.id)
        .expect("a conversation id")
}

fn text_item(text: &str) -> BasicMessageData {
    BasicMessageData {
        data: Some(basic_message_data::Data::Text(text.to_owned())),
        extra: Default::default(),
    }
}

fn content(payload: message_content::Payload) -> MessageContent {
    MessageContent {
        payload: Some(payload),
        ..MessageContent::default()
    }
}

fn text_message(text: &str) -> Message {
    Message::new(
        content(message_content::Payload::Basic(BasicMessagePayload {
            items: Some(vec![text_item(text)]),
            extra: Default::default(),
        })),
        MessageVisibility::BusinessAndParticipant,
        MessageDirection::BusinessToParticipant,
    )
}

/// The texts of basic messages, in order; panics on other payloads.
fn texts(messages: &[Message]) -> Vec<String> {
    messages
        .iter()
        .map(|m| match &m.content.payload {
            Some(message_content::Payload::Basic(basic)) => {
                match basic.items.as_deref().unwrap_or_default() {
                    [BasicMessageData {
                        data: Some(basic_message_data::Data::Text(text)),
                        ..
                    }] => text.clone(),
                    other => panic!("expected one text item, got {other:?}"),
                }
            }
            other => panic!("expected a basic payload, got {other:?}"),
        })
        .collect()
}

/// The query parameters of a recorded request, decoded, in order.
fn query(request: &RecordedRequest) -> Vec<(String, String)> {
    let raw = request.query.as_deref().unwrap_or_default();
    reqwest::Url::parse(&format!("http://localhost/?{raw}"))
        .expect("a query string")
        .query_pairs()
        .into_owned()
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Checks what Wix's JSON conventions demand of a request body anywhere in it: keys in
/// lowerCamelCase, no `null`, no server-assigned (read-only) field.
fn assert_wire_conventions(value: &Value, path: &str) {
    const READ_ONLY: [&str; 7] = [
        "id",
        "sequence",
        "createdDate",
        "sender",
        "appId",
        "urlExpiration",
        "contentType",
    ];
    match value {
        Value::Null => panic!("null at {path}"),
        Value::Object(object) => {
            for (key, child) in object {
                assert!(
                    key.starts_with(|c: char| c.is_ascii_lowercase())
                        && key.chars().all(|c| c.is_ascii_alphanumeric()),
                    "key {key:?} at {path} is not lowerCamelCase"
                );
                assert!(
                    !READ_ONLY.contains(&key.as_str()),
                    "read-only field {key} sent at {path}"
                );
                assert_wire_conventions(child, &format!("{path}.{key}"));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                assert_wire_conventions(item, &format!("{path}[{i}]"));
            }
        }
        _ => {}
    }
}

/// Removes the `urlExpiration` the server adds to each image and file; returns how many.
fn strip_url_expirations(content: &mut MessageContent) -> usize {
    let mut stripped = 0;
    let mut strip_image = |image: &mut ImageMessage| {
        assert!(image.url_expiration.is_some(), "{image:?}");
        image.url_expiration = None;
        stripped += 1;
    };
    let mut files = Vec::new();
    match &mut content.payload {
        Some(message_content::Payload::Basic(basic)) => {
            for item in basic.items.iter_mut().flatten() {
                match &mut item.data {
                    Some(basic_message_data::Data::Image(image)) => strip_image(image),
                    Some(basic_message_data::Data::File(file)) => files.push(file),
                    _ => {}
                }
            }
        }
        Some(message_content::Payload::Form(form)) => {
            for item in form.media.iter_mut().flatten() {
                match &mut item.media {
                    Some(media_item::Media::Image(image)) => strip_image(image),
                    Some(media_item::Media::File(file)) => files.push(file),
                    _ => {}
                }
            }
        }
        _ => {}
    }
    for file in files {
        assert!(file.url_expiration.is_some(), "{file:?}");
        file.url_expiration = None;
        stripped += 1;
    }
    stripped
}

#[tokio::test]
async fn get_or_create_conversation_for_contact_member_and_visitor() {
    let (server, client) = start().await;
    let cases = [
        (
            participant_id::Id::ContactId(CONTACT),
            json!({"contactId": CONTACT}),
        ),
        (
            participant_id::Id::MemberId(MEMBER),
            json!({"memberId": MEMBER}),
        ),
        (
            participant_id::Id::AnonymousVisitorId(VISITOR),
            json!({"anonymousVisitorId": VISITOR}),
        ),
    ];
    let mut ids = Vec::new();
    for (id, wire) in cases {
        let request = participant(id.clone());
        let created = client.get_or_create_conversation(&request).await.unwrap();
        assert_eq!(created.new_conversation, Some(true), "{id:?}");
        let conversation = created.conversation.expect("a conversation");
        let conversation_id = conversation.id.expect("an id");

        // The typed participant is the one asked for.
        let participant = conversation.participant.clone().expect("a participant");
        match id {
            participant_id::Id::ContactId(contact) => {
                assert_eq!(participant.contact_id, Some(contact));
                assert_eq!(participant.id, None);
            }
            participant_id::Id::MemberId(member) => assert_eq!(
                participant.id,
                Some(conversation_identification_data::Id::MemberId(member))
            ),
            participant_id::Id::AnonymousVisitorId(visitor) => assert_eq!(
                participant.id,
                Some(conversation_identification_data::Id::AnonymousVisitorId(
                    visitor
                ))
            ),
            other => panic!("unexpected participant kind {other:?}"),
        }
        let business = conversation.business_display_data.as_ref().expect("shown");
        assert_eq!(
            business.name.as_deref(),
            Some(server.config().business_name.as_str())
        );

        // The same participant again: the same conversation, not new.
        let again = client.get_or_create_conversation(&request).await.unwrap();
        assert_eq!(again.new_conversation, Some(false));
        assert_eq!(again.conversation.as_ref(), Some(&conversation));

        let fetched = client.get_conversation(conversation_id).await.unwrap();
        assert_eq!(fetched.conversation, Some(conversation));

        // What went over the wire.
        let requests = server.requests();
        let [.., create1, create2, get] = &requests[..] else {
            panic!("expected at least three requests, got {requests:?}");
        };
        for create in [create1, create2] {
            assert_eq!(create.method, Method::POST);
            assert_eq!(create.path, "/inbox/v2/conversations");
            assert_eq!(create.header("content-type"), Some("application/json"));
            assert_eq!(create.json(), Some(json!({ "participantId": wire })));
        }
        assert_eq!(get.method, Method::GET);
        assert_eq!(
            get.path,
            format!("/inbox/v2/conversations/{conversation_id}")
        );
        assert!(get.body.is_empty());
        ids.push(conversation_id);
    }
    assert_eq!(server.requests().len(), 9);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3, "one conversation per participant");
}

/// One message of each kind: what the caller builds, and the JSON Wix must receive for it.
fn message_cases() -> Vec<(&'static str, SendMessageRequest, Value)> {
    let conversation_id = Uuid::nil(); // replaced by the caller
    let mut cases = Vec::new();

    let mut text = text_message("Your order has shipped");
    text.content.preview_text = Some("Order update".into());
    text.silent = Some(true);
    let mut request = SendMessageRequest::new(conversation_id, text);
    request.send_as = Some(OverrideSenderOptions::Participant);
    request.send_notifications = Some(false);
    cases.push((
        "basic text",
        request,
        json!({
            "message": {
                "content": {
                    "basic": { "items": [{ "text": "Your order has shipped" }] },
                    "previewText": "Order update"
                },
                "direction": "BUSINESS_TO_PARTICIPANT",
                "visibility": "BUSINESS_AND_PARTICIPANT",
                "silent": true
            },
            "sendAs": "PARTICIPANT",
            "sendNotifications": false
        }),
    ));

    let image = ImageMessage {
        url: Some("https://static.wixstatic.com/media/photo.jpg".into()),
        width: Some(1200),
        height: Some(800),
        filename: Some("photo.jpg".into()),
        ..ImageMessage::default()
    };
    let message = Message::new(
        content(message_content::Payload::Basic(BasicMessagePayload {
            items: Some(vec![BasicMessageData {
                data: Some(basic_message_data::Data::Image(image.clone())),
                extra: Default::default(),
            }]),
            extra: Default::default(),
        })),
        MessageVisibility::BusinessAndParticipant,
        MessageDirection::BusinessToParticipant,
    );
    cases.push((
        "basic image",
        SendMessageRequest::new(conversation_id, message),
        json!({
            "message": {
                "content": { "basic": { "items": [{ "image": {
                    "url": "https://static.wixstatic.com/media/photo.jpg",
                    "width": 1200,
                    "height": 800,
                    "filename": "photo.jpg"
                } }] } },
                "direction": "BUSINESS_TO_PARTICIPANT",
                "visibility": "BUSINESS_AND_PARTICIPANT"
            }
        }),
    ));

    let file = FileMessage {
        url: Some("https://example.com/invoices/1042.pdf".into()),
        filename: Some("invoice-1042.pdf".into()),
        mime_type: Some("application/pdf".into()),
        ..FileMessage::default()
    };
    let message = Message::new(
        content(message_content::Payload::Basic(BasicMessagePayload {
            items: Some(vec![BasicMessageData {
                data: Some(basic_message_data::Data::File(file.clone())),
                extra: Default::default(),
            }]),
            extra: Default::default(),
        })),
        MessageVisibility::BusinessAndParticipant,
        MessageDirection::BusinessToParticipant,
    );
    cases.push((
        "basic file",
        SendMessageRequest::new(conversation_id, message),
        json!({
            "message": {
                "content": { "basic": { "items": [{ "file": {
                    "url": "https://example.com/invoices/1042.pdf",
                    "filename": "invoice-1042.pdf",
                    "mimeType": "application/pdf"
                } }] } },
                "direction": "BUSINESS_TO_PARTICIPANT",
                "visibility": "BUSINESS_AND_PARTICIPANT"
            }
        }),
    ));

    let mut open = Button::new("Open booking".into());
    open.launch_url = Some("https://example.com/bookings/7".into());
    let mut cancel = Button::new("Cancel".into());
    cancel.postback_properties = Some(PostbackProperties {
        interaction_id: Some("cancel-booking-7".into()),
        ..PostbackProperties::default()
    });
    let template = TemplateMessagePayload {
        title: Some("Your booking".into()),
        text_lines: Some(vec!["Tuesday 10:00".into(), "Room 4".into()]),
        image_url: Some("https://example.com/room4.jpg".into()),
        orientation: Some(Orientation::Landscape),
        buttons: Some(vec![open, cancel]),
        extra: Default::default(),
    };
    let message = Message::new(
        content(message_content::Payload::Template(template)),
        MessageVisibility::BusinessAndParticipant,
        MessageDirection::BusinessToParticipant,
    );
    cases.push((
        "template",
        SendMessageRequest::new(conversation_id, message),
        json!({
            "message": {
                "content": { "template": {
                    "title": "Your booking",
                    "textLines": ["Tuesday 10:00", "Room 4"],
                    "imageUrl": "https://example.com/room4.jpg",
                    "orientation": "LANDSCAPE",
                    "buttons": [
                        { "label": "Open booking", "launchUrl": "https://example.com/bookings/7" },
                        { "label": "Cancel", "postbackProperties": { "interactionId": "cancel-booking-7" } }
                    ]
                } },
                "direction": "BUSINESS_TO_PARTICIPANT",
                "visibility": "BUSINESS_AND_PARTICIPANT"
            }
        }),
    ));

    let mut minimal = MinimalMessagePayload::new("Alex viewed your quote".into());
    minimal.icon_url = Some("https://example.com/eye.png".into());
    minimal.url = Some("https://example.com/quotes/12".into());
    let message = Message::new(
        content(message_content::Payload::Minimal(minimal)),
        MessageVisibility::Business,
        MessageDirection::ParticipantToBusiness,
    );
    cases.push((
        "minimal",
        SendMessageRequest::new(conversation_id, message),
        json!({
            "message": {
                "content": { "minimal": {
                    "text": "Alex viewed your quote",
                    "iconUrl": "https://example.com/eye.png",
                    "url": "https://example.com/quotes/12"
                } },
                "direction": "PARTICIPANT_TO_BUSINESS",
                "visibility": "BUSINESS"
            }
        }),
    ));

    let form = FormMessagePayload {
        title: Some("Contact form".into()),
        description: Some("Submitted on the site".into()),
        fields: Some(vec![
            FormField {
                name: Some("Name".into()),
                value: Some("Alex".into()),
                extra: Default::default(),
            },
            FormField {
                name: Some("Email".into()),
                value: Some("alex@example.com".into()),
                extra: Default::default(),
            },
        ]),
        media: Some(vec![
            MediaItem {
                media: Some(media_item::Media::Image(image)),
                extra: Default::default(),
            },
            MediaItem {
                media: Some(media_item::Media::File(file)),
                extra: Default::default(),
            },
        ]),
        extra: Default::default(),
    };
    let message = Message::new(
        content(message_content::Payload::Form(form)),
        MessageVisibility::Business,
        MessageDirection::ParticipantToBusiness,
    );
    cases.push((
        "form",
        SendMessageRequest::new(conversation_id, message),
        json!({
            "message": {
                "content": { "form": {
                    "title": "Contact form",
                    "description": "Submitted on the site",
                    "fields": [
                        { "name": "Name", "value": "Alex" },
                        { "name": "Email", "value": "alex@example.com" }
                    ],
                    "media": [
                        { "image": {
                            "url": "https://static.wixstatic.com/media/photo.jpg",
                            "width": 1200,
                            "height": 800,
                            "filename": "photo.jpg"
                        } },
                        { "file": {
                            "url": "https://example.com/invoices/1042.pdf",
                            "filename": "invoice-1042.pdf",
                            "mimeType": "application/pdf"
                        } }
                    ]
                } },
                "direction": "PARTICIPANT_TO_BUSINESS",
                "visibility": "BUSINESS"
            }
        }),
    ));
    cases
}

#[tokio::test]
async fn send_each_message_type() {
    let (server, api_key) = start().await;
    // The template goes out with the app's OAuth token, so postback buttons get its app id.
    let oauth = oauth_client(&server);
    let config = server.config().clone();
    let conversation_id = contact_conversation(&api_key).await;
    let before = chrono::Utc::now();

    let mut last_sequence = 0;
    for (name, mut request, mut expected) in message_cases() {
        request.conversation_id = conversation_id;
        expected["conversationId"] = json!(conversation_id);
        let client = if name == "template" { &oauth } else { &api_key };
        let requests_before = server.requests().len();

        let response = client.send_message(&request).await.unwrap_or_else(|e| {
            panic!("{name}: {e} ({e:?})");
        });

        // Exactly one request, carrying exactly the JSON Wix expects.
        let requests = server.requests();
        assert_eq!(requests.len(), requests_before + 1, "{name}");
        let sent = requests.last().unwrap();
        assert_eq!(sent.method, Method::POST, "{name}");
        assert_eq!(sent.path, "/inbox/v2/messages", "{name}");
        assert_eq!(sent.query, None, "{name}");
        let body = sent.json().expect("a JSON body");
        assert_eq!(body, expected, "{name}");
        assert_wire_conventions(&body, "");
        let content = body["message"]["content"].as_object().unwrap();
        let oneof: Vec<_> = ["basic", "template", "minimal", "form", "system"]
            .into_iter()
            .filter(|key| content.contains_key(*key))
            .collect();
        assert_eq!(oneof.len(), 1, "{name}: one payload key in {content:?}");

        // The typed response carries the server-assigned fields.
        let message = response.message.expect("the stored message");
        let id = message.id.clone().expect("an id");
        let sequence = message.sequence.expect("a sequence");
        assert_eq!(id, sequence.to_string(), "{name}: Wix's id is the sequence");
        assert!(sequence > last_sequence, "{name}: sequences grow");
        last_sequence = sequence;
        let created = message.created_date.expect("a createdDate");
        assert!(created >= before - chrono::Duration::seconds(1), "{name}");
        assert!(created <= chrono::Utc::now() + chrono::Duration::seconds(1));
        assert_eq!(message.direction, request.message.direction, "{name}");
        assert_eq!(message.visibility, request.message.visibility, "{name}");
        let sender = message.sender.clone().expect("a sender");
        match name {
            "basic text" => {
                // sendAs PARTICIPANT: the conversation's contact.
                assert_eq!(sender.contact_id, Some(CONTACT));
                assert_eq!(sender.id, None);
            }
            "template" => {
                assert_eq!(
                    sender.id,
                    Some(identification_data::Id::AppId(config.app_id))
                );
                assert_eq!(message.app_id, Some(config.app_id));
            }
            _ => {
                assert_eq!(
                    sender.id,
                    Some(identification_data::Id::WixUserId(config.wix_user_id))
                );
                assert_eq!(message.app_id, None);
            }
        }

        // The content comes back as sent, plus read-only fields Wix fills in.
        let mut returned = message.content.clone();
        let media = strip_url_expirations(&mut returned);
        let expected_media = match name {
            "basic image" | "basic file" => 1,
            "form" => 2,
            _ => 0,
        };
        assert_eq!(media, expected_media, "{name}: urlExpiration set on media");
        if name == "template" {
            let Some(message_content::Payload::Template(template)) = &mut returned.payload else {
                panic!("{name}: {returned:?}");
            };
            let buttons = template.buttons.as_mut().unwrap();
            let postback = buttons[1].postback_properties.as_mut().unwrap();
            assert_eq!(postback.app_id.take(), Some(config.app_id));
            assert_eq!(buttons[0].postback_properties, None);
        }
        assert_eq!(returned, request.message.content, "{name}");
    }
    assert_eq!(server.messages(conversation_id).len(), 6);
}

/// Seeds `count` basic text messages `message 1` .. `message <count>`, oldest first.
fn seed_texts(server: &InboxServer, conversation_id: Uuid, count: usize) {
    for i in 1..=count {
        server.seed_message(
            conversation_id,
            json!({
                "direction": "BUSINESS_TO_PARTICIPANT",
                "visibility": "BUSINESS_AND_PARTICIPANT",
                "content": { "basic": { "items": [{ "text": format!("message {i}") }] } }
            }),
        );
    }
}

#[tokio::test]
async fn list_messages_stream_fetches_three_pages_lazily() {
    let (server, client) = start().await;
    let conversation_id = contact_conversation(&client).await;
    seed_texts(&server, conversation_id, 75);
    let requests_before = server.requests().len();
    let list_requests = || server.requests()[requests_before..].to_vec();

    let stream = client.list_messages_stream(
        conversation_id,
        MessageVisibility::Business,
        ListMessagesOptions::default(),
    );
    futures::pin_mut!(stream);
    let mut messages = Vec::new();
    for _ in 0..30 {
        messages.push(stream.next().await.expect("an item").unwrap());
    }
    assert_eq!(list_requests().len(), 1, "the first page is enough for 30");
    messages.push(stream.next().await.expect("an item").unwrap());
    assert_eq!(list_requests().len(), 2, "the 31st item needs page two");
    let rest: Vec<Message> = stream.try_collect().await.unwrap();
    messages.extend(rest);

    // Newest first, all 75, each once.
    let expected: Vec<String> = (1..=75).rev().map(|i| format!("message {i}")).collect();
    assert_eq!(texts(&messages), expected);
    let sequences: Vec<i64> = messages.iter().map(|m| m.sequence.unwrap()).collect();
    assert!(sequences.windows(2).all(|w| w[0] > w[1]), "{sequences:?}");

    // Exactly three GETs, the later two carrying the cursor of the page before.
    let requests = list_requests();
    assert_eq!(requests.len(), 3, "{requests:?}");
    assert!(requests
        .iter()
        .all(|r| r.method == Method::GET && r.path == "/inbox/v2/messages"));
    let id = conversation_id.to_string();
    let base = [("conversationId", id.as_str()), ("visibility", "BUSINESS")];
    assert_eq!(query(&requests[0]), pairs(&base));

    // The plain method gives the same pages, one at a time.
    let page1 = client
        .list_messages(
            conversation_id,
            MessageVisibility::Business,
            ListMessagesOptions::default(),
        )
        .await
        .unwrap();
    let page1_messages = page1.messages.unwrap();
    assert_eq!(page1_messages.len(), 30);
    assert_eq!(texts(&page1_messages), expected[..30]);
    let metadata = page1.paging_metadata.unwrap();
    assert_eq!(metadata.count, Some(30));
    let cursors = metadata.cursors.unwrap();
    assert_eq!(cursors.prev, None, "no previous page before the first");
    let next1 = cursors.next.expect("a next cursor");
    assert_eq!(
        query(&requests[1]),
        pairs(&[base[0], base[1], ("paging.cursor", next1.as_str())])
    );

    let page2 = client
        .list_messages(
            conversation_id,
            MessageVisibility::Business,
            ListMessagesOptions::default().paging_cursor(next1),
        )
        .await
        .unwrap();
    assert_eq!(texts(&page2.messages.unwrap()), expected[30..60]);
    let next2 = page2
        .paging_metadata
        .unwrap()
        .cursors
        .unwrap()
        .next
        .unwrap();
    assert_eq!(
        query(&requests[2]),
        pairs(&[base[0], base[1], ("paging.cursor", next2.as_str())])
    );
    let page3 = client
        .list_messages(
            conversation_id,
            MessageVisibility::Business,
            ListMessagesOptions::default().paging_cursor(next2),
        )
        .await
        .unwrap();
    assert_eq!(texts(&page3.messages.unwrap()), expected[60..]);
    let last = page3.paging_metadata.unwrap();
    assert_eq!(last.count, Some(15));
    assert_eq!(
        last.cursors.unwrap().next,
        None,
        "no next page after the last"
    );
}

/// A server whose cursors go round in a cycle (page 3 points back at page 2's cursor): the
/// stream delivers the three pages, then ends with a paging error naming the operation,
/// instead of fetching for ever.
#[tokio::test]
async fn a_cursor_cycle_ends_the_stream_with_a_paging_error() {
    let (server, client) = start().await;
    let conversation_id = contact_conversation(&client).await;
    seed_texts(&server, conversation_id, 75);
    let options = ListMessagesOptions::default().paging_limit(10);
    let page1 = client
        .list_messages(
            conversation_id,
            MessageVisibility::Business,
            options.clone(),
        )
        .await
        .unwrap();
    let cursor_a = page1
        .paging_metadata
        .unwrap()
        .cursors
        .unwrap()
        .next
        .unwrap();
    let before = server.requests().len();

    let stream = client.list_messages_stream(conversation_id, MessageVisibility::Business, options);
    futures::pin_mut!(stream);
    // Pages are fetched lazily: after 20 items exactly two pages were requested, so the fault
    // applies to the third request (A -> B -> A).
    for _ in 0..20 {
        stream.next().await.unwrap().unwrap();
    }
    assert_eq!(server.requests().len() - before, 2);
    server.inject(Fault::new(FaultKind::NextCursor(cursor_a)));
    let mut rest = Vec::new();
    while let Some(item) = stream.next().await {
        rest.push(item);
    }
    assert_eq!(rest.len(), 11, "ten items of page three, then the error");
    assert!(rest[..10].iter().all(Result::is_ok));
    let error = rest.pop().unwrap().unwrap_err();
    let Error::Paging(paging) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(paging.operation, "listMessages");
    assert_eq!(paging.fault, inbox_api::error::PagingFault::CursorRepeated);
    assert_eq!(paging.pages, 3);
    assert_eq!(
        error.to_string(),
        "stopped paging through listMessages: wix returned a cursor this stream had already \
         fetched (after 3 pages)"
    );
    assert_eq!(server.requests().len() - before, 3, "no fourth request");
}

/// Empty pages with fresh cursors for ever: the stream gives up after a bounded run.
#[tokio::test]
async fn a_run_of_empty_pages_ends_the_stream_with_a_paging_error() {
    use inbox_api::paging::MAX_EMPTY_PAGES;
    let (server, client) = start().await;
    let conversation_id = contact_conversation(&client).await;
    let before = server.requests().len();
    server.inject(
        Fault::new(FaultKind::EmptyPage)
            .on(FaultTarget::Method(
                Method::GET,
                "/inbox/v2/messages".into(),
            ))
            .times(10_000),
    );
    let all: Vec<_> = client
        .list_messages_stream(
            conversation_id,
            MessageVisibility::Business,
            ListMessagesOptions::default(),
        )
        .collect()
        .await;
    assert_eq!(all.len(), 1, "{all:?}");
    match &all[0] {
        Err(Error::Paging(paging)) => {
            assert_eq!(paging.operation, "listMessages");
            assert_eq!(
                paging.fault,
                inbox_api::error::PagingFault::EmptyPages(MAX_EMPTY_PAGES)
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        server.requests().len() - before,
        MAX_EMPTY_PAGES as usize,
        "one request per empty page, no more"
    );
}

#[tokio::test]
async fn list_messages_stream_ascending_with_a_page_size() {
    let (server, client) = start().await;
    let conversation_id = contact_conversation(&client).await;
    seed_texts(&server, conversation_id, 75);
    // Only BUSINESS_AND_PARTICIPANT messages are listed for that visibility.
    server.seed_message(
        conversation_id,
        json!({
            "direction": "BUSINESS_TO_PARTICIPANT",
            "visibility": "BUSINESS",
            "content": { "basic": { "items": [{ "text": "internal note" }] } }
        }),
    );
    let requests_before = server.requests().len();

    let options = ListMessagesOptions::default()
        .paging_limit(40)
        .sorting_field_name("sequence")
        .sorting_order(SortOrder::Asc);
    let messages: Vec<Message> = client
        .list_messages_stream(
            conversation_id,
            MessageVisibility::BusinessAndParticipant,
            options,
        )
        .try_collect()
        .await
        .unwrap();
    let expected: Vec<String> = (1..=75).map(|i| format!("message {i}")).collect();
    assert_eq!(texts(&messages), expected);

    let requests = &server.requests()[requests_before..];
    assert_eq!(requests.len(), 2, "40 + 35");
    let id = conversation_id.to_string();
    let first = query(&requests[0]);
    assert_eq!(
        first,
        pairs(&[
            ("conversationId", id.as_str()),
            ("visibility", "BUSINESS_AND_PARTICIPANT"),
            ("paging.limit", "40"),
            ("sorting.fieldName", "sequence"),
            ("sorting.order", "ASC"),
        ])
    );
    let second = query(&requests[1]);
    let cursor = second
        .iter()
        .find(|(k, _)| k == "paging.cursor")
        .map(|(_, v)| v.clone())
        .expect("a cursor on the second request");
    assert!(!cursor.is_empty());
    let mut without_cursor = second.clone();
    without_cursor.retain(|(k, _)| k != "paging.cursor");
    assert_eq!(
        without_cursor, first,
        "sorting and limit are kept while paging"
    );
}

#[tokio::test]
async fn unknown_conversation_is_a_typed_not_found() {
    let (server, client) = start().await;
    let unknown = Uuid::from_u128(0x6202c3bb_f263_3c16_8c90_d6387d9ed420);

    let error = client.get_conversation(unknown).await.unwrap_err();
    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}");
    };
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
    assert_eq!(
        error.code(),
        Some(&GetConversationErrorCode::ConversationNotFound)
    );
    assert_eq!(api.raw_code.as_deref(), Some("CONVERSATION_NOT_FOUND"));
    let request_id = error.request_id().expect("a request id");
    assert!(!request_id.is_empty());
    assert!(error.to_string().contains(request_id), "{error}");
    assert!(!error.is_retryable());

    let error = client
        .list_messages(
            unknown,
            MessageVisibility::Business,
            ListMessagesOptions::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
    assert_eq!(
        error.code(),
        Some(&ListMessagesErrorCode::ConversationNotFound)
    );

    // sendMessage does not document CONVERSATION_NOT_FOUND; the code is kept verbatim.
    let error = client
        .send_message(&SendMessageRequest::new(unknown, text_message("hello?")))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
    assert_eq!(
        error.code().map(SendMessageErrorCode::as_str),
        Some("CONVERSATION_NOT_FOUND")
    );
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn missing_or_wrong_credentials_are_typed_401_and_403() {
    let server = InboxServer::start().await.unwrap();
    let conversation_id = contact_conversation(&api_key_client(&server)).await;
    let site_id = server.config().site_id.to_string();

    // No credentials at all: the client refuses to be built, nothing is sent.
    let requests_before = server.requests().len();
    let missing = builder(&server).build().unwrap_err();
    assert!(matches!(missing, BuildError::MissingAuth), "{missing:?}");
    let empty = builder(&server)
        .auth(Auth::api_key_for_site("  ", site_id.clone()))
        .build()
        .unwrap_err();
    assert!(matches!(empty, BuildError::InvalidAuth { .. }), "{empty:?}");
    assert_eq!(server.requests().len(), requests_before);

    // A wrong key: 401, through every kind of operation.
    let wrong_key = builder(&server)
        .auth(Auth::api_key_for_site("IST.not-the-key", site_id.clone()))
        .build()
        .unwrap();
    let error = wrong_key
        .get_conversation(conversation_id)
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(
        error.code(),
        Some(&GetConversationErrorCode::Unrecognized(
            "UNAUTHENTICATED".into()
        ))
    );
    assert!(error.request_id().is_some());
    assert!(error.to_string().contains("check the API key"), "{error}");
    assert!(!error.to_string().contains("IST.not-the-key"));
    let error = wrong_key
        .send_message(&SendMessageRequest::new(
            conversation_id,
            text_message("hi"),
        ))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED));
    assert!(server.messages(conversation_id).is_empty());

    // The right key for another site: 403.
    let other_site = builder(&server)
        .auth(Auth::api_key_for_site(
            server.config().api_key.clone(),
            Uuid::from_u128(7).to_string(),
        ))
        .build()
        .unwrap();
    let error = other_site
        .list_messages(
            conversation_id,
            MessageVisibility::Business,
            ListMessagesOptions::default(),
        )
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::FORBIDDEN));
    assert_eq!(
        error.api_error().and_then(|api| api.raw_code.as_deref()),
        Some("PERMISSION_DENIED")
    );
    // Not retried: three requests, one each.
    assert_eq!(server.requests().len(), requests_before + 3);
}

#[tokio::test]
async fn documented_limits_are_checked_before_sending() {
    let (server, client) = start().await;
    let conversation_id = contact_conversation(&client).await;
    let requests_before = server.requests().len();

    let mut message = text_message("hello");
    message.content.preview_text = Some("x".repeat(257));
    let error = client
        .send_message(&SendMessageRequest::new(conversation_id, message.clone()))
        .await
        .unwrap_err();
    match &error {
        Error::InvalidRequest {
            field_path, reason, ..
        } => {
            assert_eq!(field_path, "message.content.previewText");
            assert!(reason.contains("256"), "{reason}");
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    assert!(!error.is_retryable());
    assert_eq!(error.status(), None);

    let error = client
        .list_messages(
            conversation_id,
            MessageVisibility::Business,
            ListMessagesOptions::default().paging_limit(101),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::InvalidRequest { field_path, .. } if field_path == "paging.limit"),
        "{error:?}"
    );
    // The stream reports the same error and ends.
    let results: Vec<_> = client
        .list_messages_stream(
            conversation_id,
            MessageVisibility::Business,
            ListMessagesOptions::default().paging_limit(101),
        )
        .collect()
        .await;
    assert!(
        matches!(&results[..], [Err(Error::InvalidRequest { field_path, .. })] if field_path == "paging.limit"),
        "{results:?}"
    );
    assert_eq!(server.requests().len(), requests_before, "nothing was sent");

    // The limits themselves are allowed; the length counts characters, not bytes.
    message.content.preview_text = Some("é".repeat(256));
    client
        .send_message(&SendMessageRequest::new(conversation_id, message))
        .await
        .unwrap();
    let page = client
        .list_messages(
            conversation_id,
            MessageVisibility::Business,
            ListMessagesOptions::default().paging_limit(100),
        )
        .await
        .unwrap();
    assert_eq!(page.messages.map(|m| m.len()), Some(1));
    assert_eq!(server.requests().len(), requests_before + 2);
}

#[tokio::test]
async fn a_503_burst_on_a_get_is_retried() {
    let (server, client) = start().await;
    let conversation_id = contact_conversation(&client).await;
    let path = format!("/inbox/v2/conversations/{conversation_id}");
    server.inject(
        Fault::new(FaultKind::status(503))
            .on(FaultTarget::Method(Method::GET, path.clone()))
            .times(2),
    );
    let requests_before = server.requests().len();

    let response = client.get_conversation(conversation_id).await.unwrap();
    assert_eq!(
        response.conversation.and_then(|c| c.id),
        Some(conversation_id)
    );
    assert_eq!(server.pending_faults(), 0);
    let requests = &server.requests()[requests_before..];
    assert_eq!(requests.len(), 3, "two 503s, then success");
    assert!(requests
        .iter()
        .all(|r| r.method == Method::GET && r.path == path));
}

#[tokio::test]
async fn a_post_is_not_retried_by_default() {
    let (server, client) = start().await;
    let conversation_id = contact_conversation(&client).await;
    let send = SendMessageRequest::new(conversation_id, text_message("exactly once"));
    let messages_target = FaultTarget::Method(Method::POST, "/inbox/v2/messages".to_owned());
    server.inject(Fault::new(FaultKind::status(503)).on(messages_target.clone()));
    let requests_before = server.requests().len();

    let error = client.send_message(&send).await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert!(error.is_retryable(), "the caller may retry");
    assert_eq!(server.requests().len(), requests_before + 1, "no retry");
    assert!(server.messages(conversation_id).is_empty());

    // get-or-create is a POST too.
    server.inject(Fault::new(FaultKind::status(503)));
    let error = client
        .get_or_create_conversation(&participant(participant_id::Id::ContactId(CONTACT)))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(server.requests().len(), requests_before + 2, "no retry");

    // Opting in retries it.
    let retrying = builder(&server)
        .auth(Auth::api_key_for_site(
            server.config().api_key.clone(),
            server.config().site_id.to_string(),
        ))
        .retry_policy(fast_retries().retry_non_idempotent(true))
        .build()
        .unwrap();
    server.inject(Fault::new(FaultKind::status(503)).on(messages_target));
    retrying.send_message(&send).await.unwrap();
    assert_eq!(server.requests().len(), requests_before + 4);
    assert_eq!(server.messages(conversation_id).len(), 1);
}

/// The flow of `inbox-api/examples/quickstart.rs` (run it with
/// `cargo run -p inbox-api --example quickstart --features test-server`).
#[tokio::test]
async fn quickstart_flow() {
    let (server, client) = start().await;

    let created = client
        .get_or_create_conversation(&participant(participant_id::Id::ContactId(CONTACT)))
        .await
        .unwrap();
    let conversation_id = created.conversation.and_then(|c| c.id).unwrap();
    assert_eq!(created.new_conversation, Some(true));

    let sent = client
        .send_message(&SendMessageRequest::new(
            conversation_id,
            text_message("Hello from inbox-api!"),
        ))
        .await
        .unwrap()
        .message
        .unwrap();

    let recent: Vec<Message> = client
        .list_messages_stream(
            conversation_id,
            MessageVisibility::BusinessAndParticipant,
            ListMessagesOptions::default().paging_limit(10),
        )
        .take(10)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(recent, [sent]);
    assert_eq!(texts(&recent), ["Hello from inbox-api!"]);
    assert_eq!(server.requests().len(), 3);
    assert!(
        client.drift_report().is_empty(),
        "{:?}",
        client.drift_report()
    );
}
