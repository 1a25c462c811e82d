//! The hand-written runtime (`Client::execute`) against the in-memory Inbox server over real
//! HTTP on 127.0.0.1: auth headers, error decoding, retries, limits, decode failures, drift.
//!
//! Operations are driven through hand-written `OperationMeta` statics with `serde_json::Value`
//! (or small local types) as the response type, the way generated methods call the runtime.

use std::time::{Duration, Instant};

use futures::StreamExt;
use inbox_api::auth::Auth;
use inbox_api::client::{encode_path_segment, Client, OperationMeta, RequestBody, RequestParts};
use inbox_api::drift::DriftKind;
use inbox_api::error::{Error, TransportPhase};
use inbox_api::paging::paginate;
use inbox_api::retry::RetryPolicy;
use inbox_api::testing::{Fault, FaultKind, FaultTarget, InboxServer, Participant};
use inbox_api_tests::operations::{GET_CONVERSATION, LIST_MESSAGES, SEND_MESSAGE};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use uuid::Uuid;

/// Like a generated open error-code enum.
#[derive(Debug, Clone, PartialEq)]
enum ConversationErrorCode {
    ConversationNotFound,
    Unrecognized(String),
}

impl From<String> for ConversationErrorCode {
    fn from(code: String) -> Self {
        match code.as_str() {
            "CONVERSATION_NOT_FOUND" => ConversationErrorCode::ConversationNotFound,
            _ => ConversationErrorCode::Unrecognized(code),
        }
    }
}

/// Retries quickly, so tests take milliseconds, not seconds.
fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(5))
}

fn client(server: &InboxServer) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .auth(Auth::api_key_for_site(
            server.config().api_key.clone(),
            server.config().site_id.to_string(),
        ))
        .retry_policy(fast_retries())
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client builds")
}

fn get_conversation_parts(id: Uuid) -> RequestParts {
    RequestParts {
        path: format!(
            "/inbox/v2/conversations/{}",
            encode_path_segment(&id.to_string())
        ),
        query: Vec::new(),
        body: None,
    }
}

async fn get_conversation(
    client: &Client,
    id: Uuid,
) -> Result<Value, Error<ConversationErrorCode>> {
    client
        .execute(&GET_CONVERSATION, get_conversation_parts(id))
        .await
}

fn send_message_parts(conversation_id: Uuid, text: &str) -> RequestParts {
    let body = json!({
        "conversationId": conversation_id,
        "message": {
            "direction": "BUSINESS_TO_PARTICIPANT",
            "visibility": "BUSINESS_AND_PARTICIPANT",
            "content": { "basic": { "items": [{ "text": text }] } }
        }
    });
    RequestParts {
        path: "/inbox/v2/messages".into(),
        query: Vec::new(),
        body: Some(RequestBody::Json(serde_json::to_vec(&body).unwrap())),
    }
}

async fn send_message(client: &Client, conversation_id: Uuid, text: &str) -> Result<Value, Error> {
    client
        .execute(&SEND_MESSAGE, send_message_parts(conversation_id, text))
        .await
}

fn conversation_path(id: Uuid) -> FaultTarget {
    FaultTarget::Path(format!("/inbox/v2/conversations/{id}"))
}

fn send_target() -> FaultTarget {
    FaultTarget::Method(Method::POST, "/inbox/v2/messages".into())
}

async fn start() -> (InboxServer, Client, Uuid) {
    let server = InboxServer::start().await.expect("server starts");
    let conversation = server.seed_conversation(Participant::Contact(Uuid::from_u128(7)));
    let client = client(&server);
    (server, client, conversation)
}

#[tokio::test]
async fn success_sends_auth_headers_and_decodes_json() {
    let (server, client, conversation) = start().await;
    let response = get_conversation(&client, conversation).await.unwrap();
    assert_eq!(response["conversation"]["id"], conversation.to_string());

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, Method::GET);
    assert_eq!(
        request.path,
        format!("/inbox/v2/conversations/{conversation}")
    );
    assert_eq!(
        request.header("authorization"),
        Some(server.config().api_key.as_str())
    );
    assert_eq!(
        request.header("wix-site-id"),
        Some(server.config().site_id.to_string().as_str())
    );
    assert_eq!(request.header("wix-account-id"), None);
    assert_eq!(request.header("accept"), Some("application/json"));
    let user_agent = request.header("user-agent").unwrap();
    assert!(user_agent.starts_with("inbox-api/"), "{user_agent}");
}

#[tokio::test]
async fn oauth_token_is_sent_raw_without_site_header() {
    let (server, client, conversation) = start().await;
    let token = server.config().oauth_token.clone().unwrap();
    let client = client.with_auth(Auth::oauth_token(token.clone())).unwrap();
    let sent = send_message(&client, conversation, "hello").await.unwrap();
    assert_eq!(
        sent["message"]["sender"]["appId"],
        server.config().app_id.to_string()
    );

    let request = &server.requests()[0];
    assert_eq!(request.header("authorization"), Some(token.as_str()));
    assert_eq!(request.header("wix-site-id"), None);
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.json().unwrap()["message"]["content"]["basic"]["items"][0]["text"],
        "hello"
    );
}

#[tokio::test]
async fn query_parameters_and_pagination() {
    let (server, client, conversation) = start().await;
    for i in 0..5 {
        server.seed_message(
            conversation,
            json!({
                "visibility": "BUSINESS_AND_PARTICIPANT",
                "direction": "BUSINESS_TO_PARTICIPANT",
                "content": { "basic": { "items": [{ "text": format!("m{i}") }] } }
            }),
        );
    }
    let fetch = |cursor: Option<String>| {
        let client = client.clone();
        async move {
            let mut query = vec![
                ("conversationId", conversation.to_string()),
                ("visibility", "BUSINESS".to_owned()),
                ("paging.limit", "2".to_owned()),
                ("sorting.fieldName", "sequence".to_owned()),
                ("sorting.order", "ASC".to_owned()),
            ];
            if let Some(cursor) = cursor {
                query.push(("paging.cursor", cursor));
            }
            let parts = RequestParts {
                path: "/inbox/v2/messages".into(),
                query: query.into_iter().map(|(k, v)| (k.into(), v)).collect(),
                body: None,
            };
            client.execute::<Value, String>(&LIST_MESSAGES, parts).await
        }
    };
    let split = |mut page: Value| {
        let items = match page["messages"].take() {
            Value::Array(items) => items,
            _ => Vec::new(),
        };
        let next = page["pagingMetadata"]["cursors"]["next"]
            .as_str()
            .map(str::to_owned);
        (items, next)
    };
    let texts: Vec<String> = paginate(None, fetch, split)
        .map(|m| {
            m.unwrap()["content"]["basic"]["items"][0]["text"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
        .await;
    assert_eq!(texts, ["m0", "m1", "m2", "m3", "m4"]);

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    let query = requests[0].query.as_deref().unwrap();
    assert!(query.contains("paging.limit=2"), "{query}");
    assert!(
        query.contains(&format!("conversationId={conversation}")),
        "{query}"
    );
    assert!(requests[1]
        .query
        .as_deref()
        .unwrap()
        .contains("paging.cursor="));
}

#[tokio::test]
async fn not_found_is_typed_with_code_and_request_id() {
    let (_server, client, _) = start().await;
    let missing = Uuid::from_u128(0xdead);
    let error = get_conversation(&client, missing).await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
    assert_eq!(
        error.code(),
        Some(&ConversationErrorCode::ConversationNotFound)
    );
    assert!(!error.is_retryable());
    let api = error.api_error().unwrap();
    assert_eq!(api.raw_code.as_deref(), Some("CONVERSATION_NOT_FOUND"));
    let request_id = error.request_id().expect("request id header is kept");
    let text = error.to_string();
    assert!(
        text.starts_with("wix returned 404 Not Found (CONVERSATION_NOT_FOUND): "),
        "{text}"
    );
    assert!(
        text.ends_with(&format!(" [request id {request_id}]")),
        "{text}"
    );
}

#[tokio::test]
async fn unknown_error_codes_are_kept_verbatim() {
    let (server, client, conversation) = start().await;
    server.inject(Fault::new(FaultKind::Replace {
        status: 409,
        body: json!({"message": "busy", "details": {"applicationError": {"code": "SOMETHING_NEW", "description": "d", "data": {"k": 1}}}}),
    }));
    let error = get_conversation(&client, conversation).await.unwrap_err();
    assert_eq!(
        error.code(),
        Some(&ConversationErrorCode::Unrecognized("SOMETHING_NEW".into()))
    );
    let api = error.api_error().unwrap();
    assert_eq!(api.description.as_deref(), Some("d"));
    assert_eq!(api.data, Some(json!({"k": 1})));
}

#[tokio::test]
async fn validation_errors_list_field_violations() {
    let (_server, client, conversation) = start().await;
    let mut parts = send_message_parts(conversation, "");
    let Some(RequestBody::Json(bytes)) = &parts.body else {
        panic!("a JSON body")
    };
    let mut body: Value = serde_json::from_slice(bytes).unwrap();
    body["message"]["content"]["previewText"] = json!("x".repeat(300));
    parts.body = Some(RequestBody::Json(serde_json::to_vec(&body).unwrap()));
    let error = client
        .execute::<Value, String>(&SEND_MESSAGE, parts)
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::BAD_REQUEST));
    let violations = &error.api_error().unwrap().field_violations;
    assert!(violations.len() >= 2, "{violations:?}");
    assert!(violations
        .iter()
        .any(|v| v.field.as_deref() == Some("message.content.previewText")));
    assert!(
        error.to_string().contains("message.content.previewText"),
        "{error}"
    );
}

#[tokio::test]
async fn unauthenticated_and_forbidden() {
    let (server, _, conversation) = start().await;
    let wrong_key = Client::builder()
        .base_url(server.base_url())
        .auth(Auth::api_key_for_site(
            "not-the-key",
            server.config().site_id.to_string(),
        ))
        .build()
        .unwrap();
    let error = get_conversation(&wrong_key, conversation)
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(
        error.api_error().unwrap().raw_code.as_deref(),
        Some("UNAUTHENTICATED")
    );
    assert!(
        error
            .to_string()
            .contains("(check the API key or OAuth token)"),
        "{error}"
    );

    let account_key = Client::builder()
        .base_url(server.base_url())
        .auth(Auth::api_key_for_account(
            server.config().api_key.clone(),
            "acct",
        ))
        .build()
        .unwrap();
    let error = get_conversation(&account_key, conversation)
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::FORBIDDEN));
    assert_eq!(
        error.api_error().unwrap().raw_code.as_deref(),
        Some("PERMISSION_DENIED")
    );
    assert_eq!(server.requests()[1].header("wix-account-id"), Some("acct"));
    // Neither is retried.
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn rate_limit_honours_retry_after_then_succeeds() {
    let (server, client, conversation) = start().await;
    server.inject(
        Fault::new(FaultKind::Status {
            status: 429,
            retry_after: Some("1".into()),
            body: None,
        })
        .on(conversation_path(conversation)),
    );
    let started = Instant::now();
    get_conversation(&client, conversation).await.unwrap();
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(1), "waited only {waited:?}");
    assert!(waited < Duration::from_secs(4), "waited {waited:?}");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn retry_after_beyond_the_maximum_is_returned_not_waited_for() {
    let (server, client, conversation) = start().await;
    server.inject(Fault::new(FaultKind::Status {
        status: 429,
        retry_after: Some("120".into()),
        body: None,
    }));
    let started = Instant::now();
    let error = get_conversation(&client, conversation).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(error.status(), Some(StatusCode::TOO_MANY_REQUESTS));
    assert!(error.is_retryable());
    assert_eq!(
        error.api_error().unwrap().retry_after,
        Some(Duration::from_secs(120))
    );
    assert!(error.to_string().contains("(retry after 120s)"), "{error}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn service_unavailable_burst_then_success() {
    let (server, client, conversation) = start().await;
    server.inject(Fault::new(FaultKind::status(503)).times(2));
    get_conversation(&client, conversation).await.unwrap();
    assert_eq!(server.requests().len(), 3);
    assert_eq!(server.pending_faults(), 0);
}

#[tokio::test]
async fn retries_stop_after_max_attempts() {
    let (server, client, conversation) = start().await;
    for status in [502, 504, 503] {
        server.inject(Fault::new(FaultKind::status(status)));
    }
    server.inject(Fault::new(FaultKind::status(503)));
    let error = get_conversation(&client, conversation).await.unwrap_err();
    // Three attempts (the default), the last answered 503 with an empty body.
    assert_eq!(server.requests().len(), 3);
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    let api = error.api_error().unwrap();
    assert_eq!(api.message, None);
    assert_eq!(api.code, None);
    assert!(error.request_id().is_some());
    assert_eq!(server.pending_faults(), 1);
}

#[tokio::test]
async fn server_errors_other_than_the_transient_ones_are_not_retried() {
    let (server, client, conversation) = start().await;
    server.inject(Fault::new(FaultKind::status(500)));
    let error = get_conversation(&client, conversation).await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn post_is_not_retried_unless_opted_in() {
    let (server, client, conversation) = start().await;
    server.inject(Fault::new(FaultKind::status(503)).on(send_target()));
    let error = send_message(&client, conversation, "once")
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(server.requests().len(), 1);
    assert!(server.messages(conversation).is_empty());

    server.inject(Fault::new(FaultKind::status(503)).on(send_target()));
    let opted_in = client.with_retry_policy(fast_retries().retry_non_idempotent(true));
    send_message(&opted_in, conversation, "retried")
        .await
        .unwrap();
    assert_eq!(server.requests().len(), 3);
    assert_eq!(server.messages(conversation).len(), 1);
}

#[tokio::test]
async fn reset_mid_body_is_retried_for_get_only() {
    let (server, client, conversation) = start().await;
    server.inject(Fault::new(FaultKind::ResetMidBody).on(conversation_path(conversation)));
    get_conversation(&client, conversation).await.unwrap();
    assert_eq!(server.requests().len(), 2);

    server.inject(Fault::new(FaultKind::ResetMidBody));
    let error = get_conversation(&client.with_retry_policy(RetryPolicy::none()), conversation)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Transport {
                phase: TransportPhase::Body,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.request_id().is_some());
    assert!(std::error::Error::source(&error).is_some());
    assert!(error.is_retryable());

    // The server answered (and stored the message): even an opted-in POST is not repeated.
    server.inject(Fault::new(FaultKind::ResetMidBody).on(send_target()));
    let opted_in = client.with_retry_policy(fast_retries().retry_non_idempotent(true));
    let before = server.requests().len();
    let error = send_message(&opted_in, conversation, "once")
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(server.requests().len(), before + 1);
    assert_eq!(server.messages(conversation).len(), 1);
}

#[tokio::test]
async fn connection_refused_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .auth(Auth::oauth_token("token"))
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    let error = send_message(&client, Uuid::from_u128(1), "x")
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Transport {
                phase: TransportPhase::Connect,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.to_string(), "could not connect to wix");
    assert_eq!(error.status(), None);
}

#[tokio::test]
async fn slow_answers_time_out_without_hanging() {
    let (server, _, conversation) = start().await;
    let client = Client::builder()
        .base_url(server.base_url())
        .auth(Auth::oauth_token(
            server.config().oauth_token.clone().unwrap(),
        ))
        .timeout(Duration::from_millis(200))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    server.inject(Fault::new(FaultKind::Delay(Duration::from_secs(30))));
    let started = Instant::now();
    let error = get_conversation(&client, conversation).await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(2), "took {elapsed:?}");
    assert!(
        matches!(
            error,
            Error::Timeout {
                phase: TransportPhase::Send,
                after: Some(_),
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "timed out after 200ms waiting for wix to respond"
    );

    // With retries, a single slow answer is survived.
    server.inject(Fault::new(FaultKind::Delay(Duration::from_secs(30))));
    let retrying = client.with_retry_policy(fast_retries());
    get_conversation(&retrying, conversation).await.unwrap();
}

#[tokio::test]
async fn truncated_json_is_a_decode_error_with_an_excerpt() {
    let (server, client, conversation) = start().await;
    server.inject(Fault::new(FaultKind::TruncatedJson));
    let error = get_conversation(&client, conversation).await.unwrap_err();
    let Error::Decode {
        status,
        excerpt,
        request_id,
        ..
    } = &error
    else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(*status, StatusCode::OK);
    assert!(excerpt.starts_with("{\"conversation\""), "{excerpt}");
    assert!(excerpt.chars().count() <= 512);
    assert!(request_id.is_some());
    let source = std::error::Error::source(&error).unwrap().to_string();
    assert!(source.contains("EOF"), "{source}");
    assert!(!error.is_retryable());
    // Not retried: the server answered.
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn invalid_json_is_a_decode_error() {
    let (server, client, conversation) = start().await;
    server.inject(Fault::new(FaultKind::InvalidJson));
    let error = get_conversation(&client, conversation).await.unwrap_err();
    match &error {
        Error::Decode { excerpt, .. } => assert_eq!(excerpt, "{not json"),
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert!(error
        .to_string()
        .starts_with("could not decode the 200 OK response from wix"));
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let (server, _, conversation) = start().await;
    let client = Client::builder()
        .base_url(server.base_url())
        .auth(Auth::oauth_token(
            server.config().oauth_token.clone().unwrap(),
        ))
        .max_response_bytes(64 * 1024)
        .build()
        .unwrap();
    server.inject(Fault::new(FaultKind::OversizedBody { bytes: 5_000_000 }));
    let error = get_conversation(&client, conversation).await.unwrap_err();
    assert!(
        matches!(error, Error::ResponseTooLarge { limit: 65536, .. }),
        "{error:?}"
    );
    // A body within the limit is fine.
    server.inject(Fault::new(FaultKind::OversizedBody { bytes: 60_000 }));
    let value = get_conversation(&client, conversation).await.unwrap();
    // `{"padding":"…"}` of exactly 60,000 bytes.
    assert_eq!(value["padding"].as_str().unwrap().len(), 60_000 - 14);
}

/// A raw HTTP server that streams a chunked body (no `content-length`) without end, so the
/// limit must be enforced while streaming.
#[tokio::test]
async fn oversized_chunked_bodies_are_cut_off_while_streaming() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = vec![0u8; 4096];
        let _ = socket.read(&mut request).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                    transfer-encoding: chunked\r\n\r\n";
        socket.write_all(head.as_bytes()).await.unwrap();
        let chunk = format!("{:x}\r\n{}\r\n", 4096, "x".repeat(4096));
        let mut sent = 0usize;
        // Stops when the client hangs up; never more than 64 MiB.
        while sent < 64 << 20 && socket.write_all(chunk.as_bytes()).await.is_ok() {
            sent += 4096;
        }
        sent
    });
    let client = Client::builder()
        .base_url(format!("http://{addr}"))
        .auth(Auth::oauth_token("token"))
        .max_response_bytes(100_000)
        .build()
        .unwrap();
    let error = get_conversation(&client, Uuid::from_u128(1))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::ResponseTooLarge { limit: 100_000, .. }),
        "{error:?}"
    );
    drop(client);
    let sent = tokio::time::timeout(Duration::from_secs(20), server)
        .await
        .expect("the client hung up")
        .unwrap();
    assert!(sent < 32 << 20, "the client kept reading: {sent} bytes");
}

#[tokio::test]
async fn wrong_content_type_is_reported() {
    let (server, client, conversation) = start().await;
    server.inject(Fault::new(FaultKind::WrongContentType));
    let error = get_conversation(&client, conversation).await.unwrap_err();
    match &error {
        Error::UnexpectedContentType {
            status,
            content_type,
            ..
        } => {
            assert_eq!(*status, StatusCode::OK);
            assert_eq!(content_type.as_deref(), Some("text/html; charset=utf-8"));
        }
        other => panic!("expected UnexpectedContentType, got {other:?}"),
    }
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn path_parameters_cannot_escape_their_segment() {
    let (server, client, _) = start().await;
    let parts = RequestParts {
        path: format!("/inbox/v2/conversations/{}", encode_path_segment("..")),
        query: Vec::new(),
        body: None,
    };
    let error = client
        .execute::<Value, String>(&GET_CONVERSATION, parts)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    let parts = RequestParts {
        path: format!(
            "/inbox/v2/conversations/{}",
            encode_path_segment("a/../b?c")
        ),
        query: Vec::new(),
        body: None,
    };
    let error = client
        .execute::<Value, String>(&GET_CONVERSATION, parts)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Api(_)), "{error:?}");
    assert_eq!(server.requests().len(), 1);
    assert_eq!(
        server.requests()[0].path,
        "/inbox/v2/conversations/a%2F..%2Fb%3Fc"
    );
}

mod drift {
    use std::collections::BTreeMap;

    use super::*;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// A tiny stand-in for generated types, with their serde impls (which keep and note
    /// unknown fields).
    #[derive(Debug)]
    struct GetConversationResponse {
        conversation: Option<Conversation>,
        extra: BTreeMap<String, Value>,
    }

    inbox_api::json_object! {
        GetConversationResponse {
            optional conversation = "conversation",
        } keep extra
    }

    #[derive(Debug)]
    struct Conversation {
        id: Option<String>,
        participant: Option<Value>,
        channels: Option<Vec<ChannelType>>,
        business_display_data: Option<Value>,
        participant_display_data: Option<Value>,
        extra: BTreeMap<String, Value>,
    }

    inbox_api::json_object! {
        Conversation {
            optional id = "id",
            optional participant = "participant",
            optional channels = "channels",
            optional business_display_data = "businessDisplayData",
            optional participant_display_data = "participantDisplayData",
        } keep extra
    }

    /// An open enum, as the generator emits them: unknown values are kept and noted.
    #[derive(Debug, PartialEq)]
    enum ChannelType {
        Chat,
        Email,
        Unrecognized(String),
    }

    impl Serialize for ChannelType {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_str(match self {
                ChannelType::Chat => "CHAT",
                ChannelType::Email => "EMAIL",
                ChannelType::Unrecognized(value) => value,
            })
        }
    }

    impl<'de> Deserialize<'de> for ChannelType {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let value = String::deserialize(deserializer)?;
            Ok(match value.as_str() {
                "CHAT" => ChannelType::Chat,
                "EMAIL" => ChannelType::Email,
                _ => {
                    inbox_api::drift::note_unknown_enum_value("ChannelType", &value);
                    ChannelType::Unrecognized(value)
                }
            })
        }
    }

    fn drifted(id: Uuid) -> FaultKind {
        FaultKind::Replace {
            status: 200,
            body: json!({
                "conversation": {
                    "id": id,
                    "participant": {"contactId": "890a3816-85b4-44ab-9085-524972a850ef"},
                    "channels": ["CHAT", "PIGEON", "EMAIL"],
                    "mood": {"level": 3},
                    "archived": null
                },
                "newTopLevel": "x"
            }),
        }
    }

    async fn get(client: &Client, id: Uuid) -> GetConversationResponse {
        client
            .execute::<GetConversationResponse, String>(
                &GET_CONVERSATION,
                get_conversation_parts(id),
            )
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn unknown_fields_and_enum_values_are_reported_once() {
        let (server, client, conversation) = start().await;
        // A known response has no drift.
        get(&client, conversation).await;
        assert_eq!(client.drift_report(), []);

        server.inject(Fault::new(drifted(conversation)).times(2));
        let response = get(&client, conversation).await;
        let channels = response.conversation.unwrap().channels.unwrap();
        assert_eq!(channels[1], ChannelType::Unrecognized("PIGEON".into()));
        get(&client.clone(), conversation).await;

        let report = client.drift_report();
        let summary: Vec<_> = report
            .iter()
            .map(|i| {
                (
                    i.kind,
                    i.type_name.as_str(),
                    i.json_path.as_str(),
                    i.value.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (
                    DriftKind::UnknownEnumValue,
                    "ChannelType",
                    "conversation.channels[1]",
                    Some("PIGEON")
                ),
                // A key with no data is still one the type does not list.
                (
                    DriftKind::UnknownField,
                    "Conversation",
                    "conversation.archived",
                    None
                ),
                (
                    DriftKind::UnknownField,
                    "Conversation",
                    "conversation.mood",
                    None
                ),
                (
                    DriftKind::UnknownField,
                    "GetConversationResponse",
                    "newTopLevel",
                    None
                ),
            ]
        );
        assert!(report.iter().all(|i| i.operation_id == "getConversation"));

        client.clear_drift_report();
        assert_eq!(client.drift_report(), []);
    }

    #[tokio::test]
    async fn drift_detection_can_be_switched_off() {
        let (server, _, conversation) = start().await;
        let client = Client::builder()
            .base_url(server.base_url())
            .auth(Auth::oauth_token(
                server.config().oauth_token.clone().unwrap(),
            ))
            .detect_drift(false)
            .build()
            .unwrap();
        server.inject(Fault::new(drifted(conversation)));
        let response = get(&client, conversation).await;
        assert!(response.conversation.is_some());
        assert_eq!(client.drift_report(), []);
    }

    #[tokio::test]
    async fn with_untyped_values_nothing_is_unknown() {
        let (server, client, conversation) = start().await;
        server.inject(Fault::new(drifted(conversation)));
        get_conversation(&client, conversation).await.unwrap();
        assert_eq!(client.drift_report(), []);
    }
}

/// A TLS server on 127.0.0.1 with a self-signed certificate (no client trusts it); counts the
/// TCP connections it accepts.
async fn untrusted_tls_server() -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    let keys = concat!(env!("CARGO_MANIFEST_DIR"), "/keys/");
    let cert = CertificateDer::from_pem_file(format!("{keys}tls_self_signed_cert.pem")).unwrap();
    let key = PrivateKeyDer::from_pem_file(format!("{keys}tls_self_signed_key.pem")).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert], key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let acceptor = acceptor.clone();
            // The handshake fails on the client's side; the server just takes part in it.
            tokio::spawn(async move { acceptor.accept(stream).await.map(drop) });
        }
    });
    (port, accepted)
}

#[tokio::test]
async fn certificate_failures_are_never_retried() {
    let (port, accepted) = untrusted_tls_server().await;
    let client = Client::builder()
        .base_url(format!("https://127.0.0.1:{port}"))
        .auth(Auth::oauth_token("token"))
        .retry_policy(fast_retries().retry_non_idempotent(true))
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let error = get_conversation(&client, Uuid::from_u128(1))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Transport {
                phase: TransportPhase::Connect,
                ..
            }
        ),
        "{error:?}"
    );
    // The handshake finished (with the client rejecting the certificate) before the error came
    // back, so a retry would have been a second connection by now.
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 1);
    let error = send_message(&client, Uuid::from_u128(1), "x")
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(accepted.load(std::sync::atomic::Ordering::SeqCst), 2);
}

/// A body in memory is sent again by a retry; a streamed one is sent once and never retried.
#[tokio::test]
async fn in_memory_bodies_are_retried_streamed_ones_are_not() {
    static PUT: OperationMeta = OperationMeta {
        operation_id: "putFile",
        method: Method::PUT,
        path_template: "/files/report.csv",
        idempotent: true,
    };
    let (server, client, _) = start().await;
    let parts = |body| RequestParts {
        path: "/files/report.csv".into(),
        query: vec![],
        body: Some(body),
    };
    let csv = || reqwest::header::HeaderValue::from_static("text/csv");

    server.inject(Fault::new(FaultKind::status(503)));
    let bytes = RequestBody::Bytes {
        content_type: csv(),
        bytes: bytes::Bytes::from_static(b"id\n1\n"),
    };
    // The retry reaches the server, which knows no such path: a 404 after the 503.
    let error = client.execute_raw(&PUT, parts(bytes)).await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::NOT_FOUND), "{error}");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.header("content-type"), Some("text/csv"));
        assert_eq!(&request.body[..], b"id\n1\n");
    }

    server.inject(Fault::new(FaultKind::status(503)));
    let chunks = futures::stream::iter(vec![Ok::<_, std::io::Error>(bytes::Bytes::from_static(
        b"id\n2\n",
    ))]);
    let streamed = RequestBody::Stream {
        content_type: csv(),
        body: reqwest::Body::wrap_stream(chunks),
        length: None,
    };
    let error = client.execute_raw(&PUT, parts(streamed)).await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    let requests = server.requests();
    assert_eq!(requests.len(), 3, "the streamed body was sent once");
    assert_eq!(&requests[2].body[..], b"id\n2\n");
}
