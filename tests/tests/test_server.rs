//! The Inbox v2 test server (`inbox_api::testing`) seen from a plain HTTP client: endpoints,
//! wire format, validation, paging, authentication and every injected fault, exactly as a
//! client observes them. Uses only `reqwest`, never the crate's generated types.

use std::collections::HashSet;
use std::time::Duration;

use inbox_api::testing::{
    Fault, FaultKind, FaultTarget, InboxServer, Participant, RecordedRequest, ServerConfig,
};
use reqwest::{header::HeaderMap, Method, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

const MESSAGES: &str = "/inbox/v2/messages";
const CONVERSATIONS: &str = "/inbox/v2/conversations";

/// Generous bound for things that must finish promptly; only a failure guard, never a wait.
const PROMPTLY: Duration = Duration::from_secs(10);

/// A started server and a client that authenticates with the API key + `wix-site-id`.
struct Harness {
    server: InboxServer,
    http: reqwest::Client,
}

/// What the client saw, after checking the headers every response must carry.
#[derive(Debug)]
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
}

impl Harness {
    async fn start() -> Harness {
        Harness {
            server: InboxServer::start().await.expect("server starts"),
            http: reqwest::Client::new(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.base_url())
    }

    /// A request authenticated with the API key and the right site id.
    fn api_key(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let config = self.server.config();
        self.http
            .request(method, self.url(path))
            .header("Authorization", &config.api_key)
            .header("wix-site-id", config.site_id.to_string())
    }

    /// A request authenticated with the app's OAuth token (no site header).
    fn oauth(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let token = self.server.config().oauth_token.clone().unwrap();
        self.http
            .request(method, self.url(path))
            .header("Authorization", token)
    }

    async fn post(&self, path: &str, body: Value) -> Answer {
        answer(self.api_key(Method::POST, path).json(&body)).await
    }

    async fn get(&self, path: &str) -> Answer {
        answer(self.api_key(Method::GET, path)).await
    }

    async fn list(&self, query: &[(&str, &str)]) -> Answer {
        answer(self.api_key(Method::GET, MESSAGES).query(query)).await
    }

    async fn conversation(&self, participant: Value) -> Answer {
        self.post(CONVERSATIONS, json!({ "participantId": participant }))
            .await
    }

    /// SendMessage with the API key; `message` gets `visibility` and `direction` defaults.
    async fn send(&self, conversation_id: Uuid, mut message: Value) -> Answer {
        let object = message.as_object_mut().unwrap();
        object
            .entry("visibility")
            .or_insert(json!("BUSINESS_AND_PARTICIPANT"));
        object
            .entry("direction")
            .or_insert(json!("BUSINESS_TO_PARTICIPANT"));
        self.post(
            MESSAGES,
            json!({ "conversationId": conversation_id, "message": message }),
        )
        .await
    }
}

/// Sends and reads a JSON answer, asserting the headers every response carries.
async fn answer(request: reqwest::RequestBuilder) -> Answer {
    let response = request.send().await.expect("request is answered");
    let status = response.status();
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/json", "{status}");
    let request_id = headers["x-wix-request-id"].to_str().unwrap();
    assert!(!request_id.is_empty());
    let bytes = response.bytes().await.expect("complete body");
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).expect("JSON body")
    };
    Answer {
        status,
        headers,
        body,
    }
}

fn text(content: &str) -> Value {
    json!({ "content": { "basic": { "items": [{ "text": content }] } } })
}

fn guid(value: &Value) -> Uuid {
    let text = value.as_str().expect("a GUID string");
    assert_eq!(text.len(), 36, "{text}");
    text.parse().expect("a GUID")
}

fn sequence(message: &Value) -> i64 {
    message["sequence"]
        .as_str()
        .expect("int64 sequence as a JSON string")
        .parse()
        .unwrap()
}

fn assert_application_error(answer: &Answer, status: u16, code: &str) {
    assert_eq!(answer.status.as_u16(), status, "{:#}", answer.body);
    let error = &answer.body["details"]["applicationError"];
    assert_eq!(error["code"], code, "{:#}", answer.body);
    assert!(error["description"].is_string());
    assert!(error["data"].is_object());
    assert!(answer.body["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
}

/// The `(field, violatedRule)` pairs of a 400 validation error, after checking their shape.
fn violations(answer: &Answer) -> Vec<(String, String)> {
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{:#}", answer.body);
    let list = answer.body["details"]["validationError"]["fieldViolations"]
        .as_array()
        .unwrap_or_else(|| panic!("no fieldViolations in {:#}", answer.body));
    assert!(!list.is_empty());
    list.iter()
        .map(|violation| {
            for key in ["field", "description", "violatedRule", "ruleName"] {
                assert!(violation[key].is_string(), "{key} in {violation}");
            }
            assert!(violation["data"].is_object(), "{violation}");
            (
                violation["field"].as_str().unwrap().to_owned(),
                violation["violatedRule"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn has_violation(answer: &Answer, field: &str, rule: &str) -> bool {
    violations(answer)
        .iter()
        .any(|(f, r)| f == field && r == rule)
}

// ---------------------------------------------------------------------------------------------
// Conversations

#[tokio::test]
async fn get_or_create_returns_one_conversation_per_participant() {
    let h = Harness::start().await;
    let id = Uuid::from_u128(0x890a3816_85b4_44ab_9085_524972a850ef);
    let mut seen = HashSet::new();
    for key in ["contactId", "anonymousVisitorId", "memberId"] {
        let participant = json!({ key: id });
        let first = h.conversation(participant.clone()).await;
        assert_eq!(first.status, StatusCode::OK);
        assert_eq!(first.body["newConversation"], true);
        let conversation = &first.body["conversation"];
        assert_eq!(conversation["participant"], participant);
        assert_eq!(
            conversation["businessDisplayData"]["name"],
            "cherry-productions"
        );
        let conversation_id = guid(&conversation["id"]);
        assert!(
            seen.insert(conversation_id),
            "{key} got another participant's conversation"
        );

        let again = h.conversation(participant).await;
        assert_eq!(again.body["newConversation"], false);
        assert_eq!(again.body["conversation"], *conversation);

        let fetched = h.get(&format!("{CONVERSATIONS}/{conversation_id}")).await;
        assert_eq!(fetched.status, StatusCode::OK);
        assert_eq!(fetched.body, json!({ "conversation": conversation }));
    }
    // Seeding goes through the same one-per-participant rule.
    let seeded = h.server.seed_conversation(Participant::Member(id));
    assert!(seen.contains(&seeded));
}

#[tokio::test]
async fn get_conversation_errors() {
    let h = Harness::start().await;
    let unknown = Uuid::from_u128(0x6202c3bb_f263_3c16_8c90_d6387d9ed420);
    let missing = h.get(&format!("{CONVERSATIONS}/{unknown}")).await;
    assert_application_error(&missing, 404, "CONVERSATION_NOT_FOUND");

    let malformed = h.get(&format!("{CONVERSATIONS}/not-a-guid")).await;
    assert_eq!(
        violations(&malformed),
        [("conversationId".to_owned(), "FORMAT".to_owned())]
    );

    let elsewhere = h.get("/inbox/v2/nothing-here").await;
    assert_application_error(&elsewhere, 404, "NOT_FOUND");
    let wrong_method = answer(h.api_key(Method::DELETE, MESSAGES)).await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn get_or_create_validates_the_participant() {
    let h = Harness::start().await;
    let id = Uuid::from_u128(5).to_string();
    let none = h.conversation(json!({})).await;
    assert!(has_violation(&none, "participantId", "ONE_OF"));
    let two = h
        .conversation(json!({ "contactId": id, "memberId": id }))
        .await;
    assert!(has_violation(&two, "participantId", "ONE_OF"));
    let bad = h.conversation(json!({ "contactId": "1234" })).await;
    assert!(has_violation(&bad, "participantId.contactId", "FORMAT"));
    let missing = h.post(CONVERSATIONS, json!({})).await;
    assert!(has_violation(&missing, "participantId", "REQUIRED_FIELD"));
    let not_json = answer(h.api_key(Method::POST, CONVERSATIONS).body("{oops")).await;
    assert_application_error(&not_json, 400, "INVALID_ARGUMENT");
}

// ---------------------------------------------------------------------------------------------
// SendMessage

#[tokio::test]
async fn send_each_content_type() {
    let h = Harness::start().await;
    let contact = Uuid::from_u128(0x890a3816_85b4_44ab_9085_524972a850ef);
    let conversation_id = h.server.seed_conversation(Participant::Contact(contact));

    let image = json!({ "image": { "url": "https://static.wixstatic.com/media/a.jpg", "width": 1200, "height": 798.0 } });
    let file = json!({ "file": { "url": "https://static.wixstatic.com/media/a.pdf", "filename": "a.pdf", "mimeType": "application/pdf" } });
    let contents = [
        json!({ "previewText": "Hey!", "basic": { "items": [{ "text": "Hey!" }, image, file] } }),
        json!({ "template": {
            "title": "Spa day",
            "textLines": ["Wednesday, 5 January", "10:00 - 16:00"],
            "imageUrl": "https://static.wixstatic.com/media/example.jpg",
            "orientation": "LANDSCAPE",
            "buttons": [
                { "label": "View booking", "launchUrl": "https://example.com/bookings/54321" },
                { "label": "Change", "postbackProperties": { "interactionId": "spa_day_54321__change" } }
            ]
        } }),
        json!({ "minimal": { "text": "JoJo viewed pricing", "iconUrl": "https://example.com/i.png", "url": "https://example.com/p" } }),
        json!({ "form": {
            "title": "New Spa Appointment",
            "description": "JoJo Doe made an appointment",
            "fields": [{ "name": "Name", "value": "JoJo Doe" }, { "name": "Date", "value": "2022-01-05" }],
            "media": [image]
        } }),
        json!({ "system": { "text": "Conversation assigned\nto Ann" } }),
    ];

    let mut last_sequence = 0;
    for content in &contents {
        let sent = h.send(conversation_id, json!({ "content": content })).await;
        assert_eq!(sent.status, StatusCode::OK, "{:#}", sent.body);
        let message = &sent.body["message"];
        assert_eq!(message["content"]["previewText"], content["previewText"]);
        for payload in ["basic", "template", "minimal", "form", "system"] {
            assert_eq!(
                message["content"].get(payload).is_some(),
                content.get(payload).is_some()
            );
        }
        assert_eq!(message["id"], message["sequence"]);
        let this_sequence = sequence(message);
        assert!(this_sequence > last_sequence, "sequence must grow");
        last_sequence = this_sequence;
        let created = message["createdDate"].as_str().unwrap();
        let parsed = chrono::DateTime::parse_from_rfc3339(created).expect("RFC 3339");
        assert!(
            created.ends_with('Z') && created.len() == "2021-12-30T07:39:12.353Z".len(),
            "{created}"
        );
        assert!((chrono::Utc::now() - parsed.to_utc()).num_seconds().abs() < 60);
        assert_eq!(
            message["sender"],
            json!({ "wixUserId": h.server.config().wix_user_id.to_string() }),
            "API-key callers send as the Wix user"
        );
        assert!(message.get("appId").is_none());
        assert_eq!(message["visibility"], "BUSINESS_AND_PARTICIPANT");
        assert_eq!(message["direction"], "BUSINESS_TO_PARTICIPANT");
    }

    let stored = h.server.messages(conversation_id);
    assert_eq!(stored.len(), contents.len());
    let basic = &stored[0]["content"]["basic"]["items"];
    assert_eq!(basic[1]["image"]["width"], 1200);
    assert!(basic[1]["image"]["urlExpiration"].is_string());
    assert!(basic[2]["file"]["urlExpiration"].is_string());
    let buttons = &stored[1]["content"]["template"]["buttons"];
    assert!(
        buttons[1]["postbackProperties"].get("appId").is_none(),
        "no app with an API key"
    );
}

#[tokio::test]
async fn send_as_app_and_as_participant() {
    let h = Harness::start().await;
    let visitor = Uuid::from_u128(0x40096143_3643_4cc1_8329_30a7fc2c595e);
    let conversation_id = h
        .server
        .seed_conversation(Participant::AnonymousVisitor(visitor));
    let app_id = h.server.config().app_id.to_string();

    let template = json!({ "template": { "buttons": [
        { "label": "Change", "postbackProperties": { "interactionId": "change" } }
    ] } });
    let request = json!({
        "conversationId": conversation_id,
        "message": {
            "visibility": "BUSINESS_AND_PARTICIPANT",
            "direction": "BUSINESS_TO_PARTICIPANT",
            "content": template,
            "id": "forged", "sequence": "1", "sender": { "memberId": visitor }
        }
    });
    let sent = answer(h.oauth(Method::POST, MESSAGES).json(&request)).await;
    assert_eq!(sent.status, StatusCode::OK, "{:#}", sent.body);
    let message = &sent.body["message"];
    assert_eq!(message["sender"], json!({ "appId": app_id }));
    assert_eq!(message["appId"], app_id);
    assert_ne!(message["id"], "forged", "read-only fields are the server's");
    assert_eq!(
        message["content"]["template"]["buttons"][0]["postbackProperties"]["appId"],
        app_id
    );

    let form = json!({
        "conversationId": conversation_id,
        "sendAs": "PARTICIPANT",
        "message": {
            "visibility": "BUSINESS",
            "direction": "PARTICIPANT_TO_BUSINESS",
            "content": { "form": { "fields": [{ "name": "Name", "value": "JoJo" }] } }
        }
    });
    let sent = answer(h.oauth(Method::POST, MESSAGES).json(&form)).await;
    assert_eq!(sent.status, StatusCode::OK, "{:#}", sent.body);
    assert_eq!(
        sent.body["message"]["sender"],
        json!({ "anonymousVisitorId": visitor })
    );
}

#[tokio::test]
async fn send_validation_errors() {
    let h = Harness::start().await;
    let conversation_id = h
        .server
        .seed_conversation(Participant::Contact(Uuid::from_u128(1)));
    let send = |message: Value| h.send(conversation_id, message);

    let no_payload = send(json!({ "content": { "previewText": "nothing" } })).await;
    assert_eq!(
        violations(&no_payload),
        [("message.content".to_owned(), "ONE_OF".to_owned())]
    );
    let two = send(json!({ "content": { "basic": { "items": [{ "text": "a" }] }, "minimal": { "text": "b" } } })).await;
    assert!(has_violation(&two, "message.content", "ONE_OF"));

    let long_preview =
        send(json!({ "content": { "previewText": "p".repeat(257), "minimal": { "text": "b" } } }))
            .await;
    assert!(has_violation(
        &long_preview,
        "message.content.previewText",
        "MAX_LENGTH"
    ));
    let max_preview =
        send(json!({ "content": { "previewText": "p".repeat(256), "minimal": { "text": "b" } } }))
            .await;
    assert_eq!(
        max_preview.status,
        StatusCode::OK,
        "256 characters are allowed"
    );

    let no_items = send(json!({ "content": { "basic": { "items": [] } } })).await;
    assert!(has_violation(
        &no_items,
        "message.content.basic.items",
        "MIN_SIZE"
    ));
    let empty_text = send(text("")).await;
    assert!(has_violation(
        &empty_text,
        "message.content.basic.items[0].text",
        "MIN_LENGTH"
    ));
    let long_text = send(text(&"t".repeat(16385))).await;
    assert!(has_violation(
        &long_text,
        "message.content.basic.items[0].text",
        "MAX_LENGTH"
    ));
    assert_eq!(send(text(&"t".repeat(16384))).await.status, StatusCode::OK);

    let mut two_badges = text("hi");
    two_badges["badges"] = json!([{ "text": "a" }, { "text": "b" }]);
    assert!(has_violation(
        &send(two_badges).await,
        "message.badges",
        "MAX_SIZE"
    ));

    let buttons: Vec<Value> = (0..11)
        .map(|i| json!({ "label": format!("b{i}"), "launchUrl": "https://example.com" }))
        .collect();
    let many_buttons = send(json!({ "content": { "template": { "buttons": buttons } } })).await;
    assert!(has_violation(
        &many_buttons,
        "message.content.template.buttons",
        "MAX_SIZE"
    ));

    let no_fields = send(json!({ "content": { "form": { "fields": [] } } })).await;
    assert!(has_violation(
        &no_fields,
        "message.content.form.fields",
        "MIN_SIZE"
    ));
    let fields: Vec<Value> = (0..16)
        .map(|i| json!({ "name": format!("f{i}"), "value": "v" }))
        .collect();
    let many_fields = send(json!({ "content": { "form": { "fields": fields } } })).await;
    assert!(has_violation(
        &many_fields,
        "message.content.form.fields",
        "MAX_SIZE"
    ));

    let missing = h
        .post(MESSAGES, json!({ "conversationId": "nope", "message": { "content": { "minimal": { "text": "x" } } } }))
        .await;
    assert_eq!(
        violations(&missing),
        [
            ("conversationId".to_owned(), "FORMAT".to_owned()),
            ("message.visibility".to_owned(), "REQUIRED_FIELD".to_owned()),
            ("message.direction".to_owned(), "REQUIRED_FIELD".to_owned()),
        ]
    );
    assert!(missing.body["message"]
        .as_str()
        .unwrap()
        .starts_with("INVALID_ARGUMENT"));

    let unknown = h.send(Uuid::from_u128(99), text("hi")).await;
    assert_application_error(&unknown, 404, "CONVERSATION_NOT_FOUND");

    assert_eq!(
        h.server.messages(conversation_id).len(),
        2,
        "only the two valid sends stored"
    );
}

// ---------------------------------------------------------------------------------------------
// ListMessages

/// A conversation with 75 participant-visible messages and 10 business-only ones interleaved;
/// returns it and the participant-visible sequences, oldest first.
fn seed_history(server: &InboxServer) -> (Uuid, Vec<i64>) {
    let conversation_id = server.seed_conversation(Participant::Contact(Uuid::from_u128(75)));
    let mut visible = Vec::new();
    for i in 0..85 {
        let visibility = if i % 8 == 3 && i < 80 {
            "BUSINESS"
        } else {
            "BUSINESS_AND_PARTICIPANT"
        };
        let id = server.seed_message(
            conversation_id,
            json!({
                "visibility": visibility,
                "direction": "BUSINESS_TO_PARTICIPANT",
                "content": { "basic": { "items": [{ "text": format!("message {i}") }] } }
            }),
        );
        if visibility == "BUSINESS_AND_PARTICIPANT" {
            visible.push(id.parse().unwrap());
        }
    }
    assert_eq!(visible.len(), 75);
    (conversation_id, visible)
}

/// Walks all pages forward; returns the page sizes and all sequences in order.
async fn walk(
    h: &Harness,
    conversation_id: Uuid,
    visibility: &str,
    order: Option<&str>,
) -> (Vec<usize>, Vec<i64>) {
    let conversation = conversation_id.to_string();
    let mut sizes = Vec::new();
    let mut sequences = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut query = vec![
            ("conversationId", conversation.as_str()),
            ("visibility", visibility),
        ];
        if let Some(order) = order {
            query.extend([("sorting.fieldName", "sequence"), ("sorting.order", order)]);
        }
        if let Some(cursor) = &cursor {
            query.push(("paging.cursor", cursor));
        }
        let page = h.list(&query).await;
        assert_eq!(page.status, StatusCode::OK, "{:#}", page.body);
        let messages = page.body["messages"].as_array().unwrap();
        assert_eq!(page.body["pagingMetadata"]["count"], messages.len());
        for message in messages {
            assert_eq!(message["id"], message["sequence"]);
            if visibility == "BUSINESS_AND_PARTICIPANT" {
                assert_eq!(message["visibility"], visibility);
            }
        }
        sizes.push(messages.len());
        sequences.extend(messages.iter().map(sequence));
        let cursors = &page.body["pagingMetadata"]["cursors"];
        assert_eq!(
            cursors.get("prev").is_some(),
            cursor.is_some(),
            "prev on every page but the first"
        );
        match cursors.get("next") {
            Some(next) => cursor = Some(next.as_str().unwrap().to_owned()),
            None => return (sizes, sequences),
        }
        assert!(sizes.len() < 10, "paging does not end");
    }
}

#[tokio::test]
async fn list_pages_newest_first_by_default() {
    let h = Harness::start().await;
    let (conversation_id, visible) = seed_history(&h.server);
    let (sizes, sequences) = walk(&h, conversation_id, "BUSINESS_AND_PARTICIPANT", None).await;
    assert_eq!(sizes, [30, 30, 15]);
    let newest_first: Vec<i64> = visible.iter().rev().copied().collect();
    assert_eq!(sequences, newest_first);

    let (sizes, explicit) = walk(
        &h,
        conversation_id,
        "BUSINESS_AND_PARTICIPANT",
        Some("DESC"),
    )
    .await;
    assert_eq!((sizes, explicit), (vec![30, 30, 15], newest_first));
}

#[tokio::test]
async fn list_pages_oldest_first_and_business_visibility() {
    let h = Harness::start().await;
    let (conversation_id, visible) = seed_history(&h.server);
    let (sizes, sequences) =
        walk(&h, conversation_id, "BUSINESS_AND_PARTICIPANT", Some("ASC")).await;
    assert_eq!(sizes, [30, 30, 15]);
    assert_eq!(sequences, visible);

    let (sizes, all) = walk(&h, conversation_id, "BUSINESS", Some("ASC")).await;
    assert_eq!(sizes, [30, 30, 25], "BUSINESS returns every message");
    let stored: Vec<i64> = h
        .server
        .messages(conversation_id)
        .iter()
        .map(sequence)
        .collect();
    assert_eq!(all, stored);

    let conversation = conversation_id.to_string();
    let one_page = h
        .list(&[
            ("conversationId", &conversation),
            ("visibility", "BUSINESS"),
            ("paging.limit", "100"),
        ])
        .await;
    assert_eq!(one_page.body["pagingMetadata"]["count"], 85);
    assert_eq!(one_page.body["pagingMetadata"]["cursors"], json!({}));
}

#[tokio::test]
async fn list_prev_cursor_returns_the_previous_page() {
    let h = Harness::start().await;
    let (conversation_id, _) = seed_history(&h.server);
    let conversation = conversation_id.to_string();
    let base = [
        ("conversationId", conversation.as_str()),
        ("visibility", "BUSINESS_AND_PARTICIPANT"),
        ("paging.limit", "20"),
    ];
    let first = h.list(&base).await;
    let next = first.body["pagingMetadata"]["cursors"]["next"]
        .as_str()
        .unwrap()
        .to_owned();
    let second = h
        .list(&[&base[..], &[("paging.cursor", next.as_str())]].concat())
        .await;
    let prev = second.body["pagingMetadata"]["cursors"]["prev"]
        .as_str()
        .unwrap()
        .to_owned();
    let back = h
        .list(&[&base[..], &[("paging.cursor", prev.as_str())]].concat())
        .await;
    assert_eq!(back.body["messages"], first.body["messages"]);
    assert_ne!(second.body["messages"], first.body["messages"]);
}

#[tokio::test]
async fn list_rejects_bad_queries() {
    let h = Harness::start().await;
    let (conversation_id, _) = seed_history(&h.server);
    let conversation = conversation_id.to_string();
    let c = conversation.as_str();
    let visible = "BUSINESS_AND_PARTICIPANT";

    let too_many = h
        .list(&[
            ("conversationId", c),
            ("visibility", visible),
            ("paging.limit", "101"),
        ])
        .await;
    assert!(has_violation(&too_many, "paging.limit", "MAX"));
    let max = h
        .list(&[
            ("conversationId", c),
            ("visibility", visible),
            ("paging.limit", "100"),
        ])
        .await;
    assert_eq!(max.body["pagingMetadata"]["count"], 75);

    let no_visibility = h.list(&[("conversationId", c)]).await;
    assert!(has_violation(
        &no_visibility,
        "visibility",
        "REQUIRED_FIELD"
    ));
    let no_conversation = h.list(&[("visibility", visible)]).await;
    assert!(has_violation(
        &no_conversation,
        "conversationId",
        "REQUIRED_FIELD"
    ));
    let bad_sort = h
        .list(&[
            ("conversationId", c),
            ("visibility", visible),
            ("sorting.fieldName", "createdDate"),
        ])
        .await;
    assert!(has_violation(
        &bad_sort,
        "sorting.fieldName",
        "INVALID_ARGUMENT"
    ));
    let bad_order = h
        .list(&[
            ("conversationId", c),
            ("visibility", visible),
            ("sorting.order", "UP"),
        ])
        .await;
    assert!(has_violation(
        &bad_order,
        "sorting.order",
        "INVALID_ENUM_VALUE"
    ));

    let garbage = h
        .list(&[
            ("conversationId", c),
            ("visibility", visible),
            ("paging.cursor", "bm90IGEgY3Vyc29y"),
        ])
        .await;
    assert!(has_violation(&garbage, "paging.cursor", "FORMAT"));

    let first = h
        .list(&[("conversationId", c), ("visibility", visible)])
        .await;
    let next = first.body["pagingMetadata"]["cursors"]["next"]
        .as_str()
        .unwrap();
    let other_visibility = h
        .list(&[
            ("conversationId", c),
            ("visibility", "BUSINESS"),
            ("paging.cursor", next),
        ])
        .await;
    assert!(has_violation(&other_visibility, "paging.cursor", "FORMAT"));
    let other_order = h
        .list(&[
            ("conversationId", c),
            ("visibility", visible),
            ("sorting.order", "ASC"),
            ("paging.cursor", next),
        ])
        .await;
    assert!(has_violation(&other_order, "paging.cursor", "FORMAT"));

    let unknown = Uuid::from_u128(404).to_string();
    let missing = h
        .list(&[("conversationId", &unknown), ("visibility", visible)])
        .await;
    assert_application_error(&missing, 404, "CONVERSATION_NOT_FOUND");
}

// ---------------------------------------------------------------------------------------------
// Authentication and recording

#[tokio::test]
async fn authentication_as_wix_does_it() {
    let h = Harness::start().await;
    let config = h.server.config().clone();
    let site = config.site_id.to_string();
    let url = h.url(CONVERSATIONS);
    let body = json!({ "participantId": { "contactId": Uuid::from_u128(1) } });
    let post = || h.http.post(&url).json(&body);

    assert_application_error(&answer(post()).await, 401, "UNAUTHENTICATED");
    assert_application_error(
        &answer(post().header("Authorization", "wrong")).await,
        401,
        "UNAUTHENTICATED",
    );
    let bearer = format!("Bearer {}", config.oauth_token.clone().unwrap());
    assert_application_error(
        &answer(post().header("Authorization", bearer)).await,
        401,
        "UNAUTHENTICATED",
    );

    let key = config.api_key.as_str();
    assert_application_error(
        &answer(post().header("Authorization", key)).await,
        403,
        "PERMISSION_DENIED",
    );
    let other_site = Uuid::from_u128(2).to_string();
    let wrong_site = post()
        .header("Authorization", key)
        .header("wix-site-id", other_site);
    assert_application_error(&answer(wrong_site).await, 403, "PERMISSION_DENIED");
    let account = post()
        .header("Authorization", key)
        .header("wix-account-id", &site);
    assert_application_error(&answer(account).await, 403, "PERMISSION_DENIED");
    let both = post()
        .header("Authorization", key)
        .header("wix-site-id", &site)
        .header("wix-account-id", &site);
    assert_application_error(&answer(both).await, 403, "PERMISSION_DENIED");

    let with_key = answer(
        post()
            .header("Authorization", key)
            .header("wix-site-id", &site),
    )
    .await;
    assert_eq!(with_key.status, StatusCode::OK);
    let with_oauth = answer(h.oauth(Method::POST, CONVERSATIONS).json(&body)).await;
    assert_eq!(with_oauth.status, StatusCode::OK);
    assert_eq!(
        with_oauth.body["conversation"],
        with_key.body["conversation"]
    );

    // An API-key-only server rejects the default OAuth token.
    let strict = InboxServer::start_with(ServerConfig {
        oauth_token: None,
        ..ServerConfig::default()
    })
    .await
    .unwrap();
    let rejected = h
        .http
        .get(format!(
            "{}{CONVERSATIONS}/{}",
            strict.base_url(),
            Uuid::from_u128(1)
        ))
        .header("Authorization", ServerConfig::DEFAULT_OAUTH_TOKEN);
    assert_application_error(&answer(rejected).await, 401, "UNAUTHENTICATED");
}

#[tokio::test]
async fn records_requests_and_sets_unique_request_ids() {
    let h = Harness::start().await;
    let conversation_id = h
        .server
        .seed_conversation(Participant::Contact(Uuid::from_u128(1)));
    let sent = h.send(conversation_id, text("hello")).await;
    let conversation = conversation_id.to_string();
    let listed = h
        .list(&[
            ("conversationId", &conversation),
            ("visibility", "BUSINESS"),
            ("paging.limit", "5"),
        ])
        .await;
    let unauthenticated = answer(h.http.get(h.url(MESSAGES))).await;

    let ids: HashSet<_> = [&sent, &listed, &unauthenticated]
        .iter()
        .map(|a| a.headers["x-wix-request-id"].clone())
        .collect();
    assert_eq!(ids.len(), 3, "request ids are unique");

    let requests: Vec<RecordedRequest> = h.server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(
        (requests[0].method.as_str(), requests[0].path.as_str()),
        ("POST", MESSAGES)
    );
    assert_eq!(
        requests[0].json().unwrap()["message"]["content"]["basic"]["items"][0]["text"],
        "hello"
    );
    assert_eq!(
        requests[0].header("wix-site-id"),
        Some(h.server.config().site_id.to_string().as_str())
    );
    assert_eq!(requests[1].method, Method::GET);
    assert_eq!(
        requests[1].query.as_deref(),
        Some(format!("conversationId={conversation}&visibility=BUSINESS&paging.limit=5").as_str())
    );
    assert!(requests[1].body.is_empty());
    assert_eq!(requests[2].header("authorization"), None);

    let debug = format!("{:?}", requests[0]);
    assert!(
        !debug.contains(&h.server.config().api_key),
        "Debug must redact the credential: {debug}"
    );
    assert!(debug.contains("<redacted>"));
}

// ---------------------------------------------------------------------------------------------
// Faults

#[tokio::test]
async fn fault_status_with_retry_after_then_recovers() {
    let h = Harness::start().await;
    h.server.inject(Fault::new(FaultKind::Status {
        status: 429,
        retry_after: Some("1".to_owned()),
        body: Some(json!({ "message": "slow down", "details": {} })),
    }));
    let throttled = h
        .conversation(json!({ "contactId": Uuid::from_u128(1) }))
        .await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(throttled.headers["retry-after"], "1");
    assert_eq!(throttled.body["message"], "slow down");
    assert_eq!(h.server.pending_faults(), 0);
    assert!(h.server.conversation(Uuid::nil()).is_none());

    let retried = h
        .conversation(json!({ "contactId": Uuid::from_u128(1) }))
        .await;
    assert_eq!(retried.status, StatusCode::OK);
    assert_eq!(
        retried.body["newConversation"], true,
        "the throttled request created nothing"
    );
}

#[tokio::test]
async fn fault_burst_hits_only_its_target() {
    let h = Harness::start().await;
    let conversation_id = h
        .server
        .seed_conversation(Participant::Contact(Uuid::from_u128(1)));
    h.server.inject(
        Fault::new(FaultKind::status(503))
            .on(FaultTarget::Path(MESSAGES.to_owned()))
            .times(2),
    );
    h.server
        .inject(Fault::new(FaultKind::status(500)).on(FaultTarget::Method(
            Method::GET,
            format!("{CONVERSATIONS}/{conversation_id}"),
        )));

    let other = h
        .conversation(json!({ "memberId": Uuid::from_u128(2) }))
        .await;
    assert_eq!(
        other.status,
        StatusCode::OK,
        "POST /conversations is not targeted"
    );
    assert_eq!(h.server.pending_faults(), 2);

    for _ in 0..2 {
        let unavailable = h.send(conversation_id, text("hi")).await;
        assert_eq!(unavailable.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(unavailable.body, Value::Null, "5xx with an empty body");
    }
    assert_eq!(
        h.send(conversation_id, text("hi")).await.status,
        StatusCode::OK
    );
    assert_eq!(h.server.messages(conversation_id).len(), 1);

    let internal = h.get(&format!("{CONVERSATIONS}/{conversation_id}")).await;
    assert_eq!(
        (internal.status, internal.body),
        (StatusCode::INTERNAL_SERVER_ERROR, Value::Null)
    );
    assert_eq!(h.server.pending_faults(), 0);
}

#[tokio::test]
async fn fault_reset_mid_body_fails_while_reading() {
    let h = Harness::start().await;
    let conversation_id = h
        .server
        .seed_conversation(Participant::Contact(Uuid::from_u128(1)));
    h.server.inject(Fault::new(FaultKind::ResetMidBody));
    let response = h
        .api_key(Method::POST, MESSAGES)
        .json(&json!({ "conversationId": conversation_id, "message": {
            "visibility": "BUSINESS", "direction": "BUSINESS_TO_PARTICIPANT",
            "content": { "basic": { "items": [{ "text": "x".repeat(2000) }] } }
        } }))
        .send()
        .await
        .expect("the head arrives");
    assert_eq!(response.status(), StatusCode::OK);
    let announced: usize = response.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(announced > 2000);
    let error = response.bytes().await.expect_err("the body is cut off");
    assert!(error.is_body() || error.is_decode(), "{error:?}");
    assert_eq!(
        h.server.messages(conversation_id).len(),
        1,
        "the request was processed"
    );

    // The server itself is fine afterwards.
    assert_eq!(
        h.get(&format!("{CONVERSATIONS}/{conversation_id}"))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn fault_bodies_that_are_not_the_expected_json() {
    let h = Harness::start().await;
    let conversation_id = h
        .server
        .seed_conversation(Participant::Contact(Uuid::from_u128(1)));
    let path = format!("{CONVERSATIONS}/{conversation_id}");

    h.server.inject(Fault::new(FaultKind::TruncatedJson));
    let truncated = h.api_key(Method::GET, &path).send().await.unwrap();
    assert_eq!(truncated.status(), StatusCode::OK);
    assert_eq!(truncated.headers()["content-type"], "application/json");
    let bytes = truncated.bytes().await.expect("a complete (short) body");
    let full =
        serde_json::to_vec(&json!({ "conversation": h.server.conversation(conversation_id) }))
            .unwrap();
    assert_eq!(bytes.len(), full.len() / 2);
    assert!(full.starts_with(&bytes));
    assert!(serde_json::from_slice::<Value>(&bytes).is_err());

    h.server.inject(Fault::new(FaultKind::InvalidJson));
    let invalid = h.api_key(Method::GET, &path).send().await.unwrap();
    assert_eq!(invalid.status(), StatusCode::OK);
    assert_eq!(invalid.headers()["content-type"], "application/json");
    assert_eq!(invalid.text().await.unwrap(), "{not json");

    h.server.inject(Fault::new(FaultKind::WrongContentType));
    let html = h.api_key(Method::GET, &path).send().await.unwrap();
    assert_eq!(html.status(), StatusCode::OK);
    assert!(html.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(html.headers().contains_key("x-wix-request-id"));
    assert!(html.text().await.unwrap().starts_with("<!DOCTYPE html>"));

    let drift = json!({ "conversation": {
        "id": conversation_id, "participant": { "futureVisitorId": "x" }, "channels": ["TELEPATHY"], "newField": 1
    } });
    h.server.inject(Fault::new(FaultKind::Replace {
        status: 200,
        body: drift.clone(),
    }));
    assert_eq!(h.get(&path).await.body, drift);

    h.server.inject(Fault::new(FaultKind::OversizedBody {
        bytes: 3 * 1024 * 1024 + 7,
    }));
    let huge = h.api_key(Method::GET, &path).send().await.unwrap();
    assert_eq!(huge.status(), StatusCode::OK);
    assert_eq!(
        huge.headers()["content-length"],
        (3 * 1024 * 1024 + 7).to_string().as_str()
    );
    let bytes = huge.bytes().await.unwrap();
    assert_eq!(bytes.len(), 3 * 1024 * 1024 + 7);
    let parsed: Value = serde_json::from_slice(&bytes).expect("valid JSON, just huge");
    assert!(parsed["padding"].as_str().unwrap().len() > 3_000_000);

    assert_eq!(
        h.get(&path).await.status,
        StatusCode::OK,
        "all faults consumed"
    );
}

#[tokio::test]
async fn fault_delay_trips_client_timeouts_without_blocking_others() {
    let h = Harness::start().await;
    let conversation_id = h
        .server
        .seed_conversation(Participant::Contact(Uuid::from_u128(1)));
    let path = format!("{CONVERSATIONS}/{conversation_id}");

    h.server
        .inject(Fault::new(FaultKind::Delay(Duration::from_secs(30))));
    let error = h
        .api_key(Method::GET, &path)
        .timeout(Duration::from_millis(200))
        .send()
        .await
        .expect_err("the client gives up first");
    assert!(error.is_timeout(), "{error:?}");

    // A shorter delay is just latency: the answer is normal, and takes at least the delay.
    h.server
        .inject(Fault::new(FaultKind::Delay(Duration::from_millis(300))));
    let started = std::time::Instant::now();
    let slow = h.get(&path).await;
    assert_eq!(slow.status, StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(300));

    // While one request is parked in a long delay, others are served.
    h.server
        .inject(Fault::new(FaultKind::Delay(Duration::from_secs(3600))));
    let parked = tokio::spawn(h.api_key(Method::GET, &path).send());
    // Requests so far: the timed-out one, the slow one, the parked one.
    tokio::time::timeout(PROMPTLY, h.server.wait_for_requests(3))
        .await
        .expect("the parked request arrives");
    let meanwhile = tokio::time::timeout(PROMPTLY, h.get(&path))
        .await
        .expect("not blocked");
    assert_eq!(meanwhile.status, StatusCode::OK);

    // And shutdown does not wait for the parked request; its client sees the failure.
    tokio::time::timeout(PROMPTLY, h.server.shutdown())
        .await
        .expect("shutdown is prompt");
    let parked = tokio::time::timeout(PROMPTLY, parked)
        .await
        .unwrap()
        .unwrap();
    match parked {
        Err(error) => assert!(!error.is_timeout(), "{error:?}"),
        Ok(response) => assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE),
    }
}

#[tokio::test]
async fn shutdown_closes_connections_and_frees_the_port() {
    let h = Harness::start().await;
    let url = h.url(MESSAGES);
    // A client holding an unread huge body must not keep the server alive.
    h.server.inject(Fault::new(FaultKind::OversizedBody {
        bytes: 64 * 1024 * 1024,
    }));
    let unread = h.api_key(Method::GET, MESSAGES).send().await.unwrap();
    assert_eq!(unread.status(), StatusCode::OK);

    tokio::time::timeout(PROMPTLY, h.server.shutdown())
        .await
        .expect("shutdown is prompt");
    assert!(
        unread.bytes().await.is_err(),
        "the rest of the body never comes"
    );
    let refused = h
        .http
        .get(url)
        .send()
        .await
        .expect_err("nobody listens any more");
    assert!(refused.is_connect() || refused.is_request(), "{refused:?}");
}

#[tokio::test]
async fn dropping_the_server_stops_it() {
    let server = InboxServer::start().await.unwrap();
    let url = format!("{}{MESSAGES}", server.base_url());
    let client = reqwest::Client::new();
    assert_eq!(
        client.get(&url).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    drop(server);
    // The listener and every connection (also the client's pooled one) refuse from now on:
    // a stream accepted before the shutdown task ran fails on its first read.
    let error = client
        .get(&url)
        .send()
        .await
        .expect_err("the dropped server answered");
    assert!(error.is_connect() || error.is_request(), "{error:?}");
}
