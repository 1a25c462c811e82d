//! What the runtime logs: the request span and retry events, one warning per distinct drift
//! item, and never a credential or a body, in logs or in any error text.
//!
//! Every test installs a capturing `tracing` subscriber for its own (current-thread) runtime,
//! at TRACE level, with span open/close events, so everything the client emits is seen.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use inbox_api::auth::{Auth, Secret};
use inbox_api::client::{encode_path_segment, Client, RequestBody, RequestParts};
use inbox_api::error::Error;
use inbox_api::error::TransportPhase;
use inbox_api::retry::RetryPolicy;
use inbox_api::testing::{Fault, FaultKind, InboxServer, Participant, ServerConfig};
use inbox_api_tests::operations::{GET_CONVERSATION, LIST_MESSAGES, SEND_MESSAGE};
use serde_json::{json, Value};
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;
use uuid::Uuid;

const API_KEY: &str = "IST.sekrit-api-key-4242";
const OAUTH_TOKEN: &str = "OAUTH.sekrit-token-9191";
const WRONG_KEY: &str = "IST.wrong-sekrit-7777";
const BODY_MARKER: &str = "private-body-text-5150";
const CURSOR_MARKER: &str = "private-cursor-value-6161";

/// Collects everything the fmt subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

/// Captures every event and span of this thread (the test server's own logs excluded).
fn capture() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_ansi(false)
        .with_span_events(FmtSpan::FULL)
        .with_env_filter(EnvFilter::new("trace,inbox_api::testing=off"))
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}

async fn start() -> (InboxServer, Uuid) {
    let server = InboxServer::start_with(ServerConfig {
        api_key: API_KEY.to_owned(),
        oauth_token: Some(OAUTH_TOKEN.to_owned()),
        ..ServerConfig::default()
    })
    .await
    .unwrap();
    let conversation = server.seed_conversation(Participant::Member(Uuid::from_u128(9)));
    (server, conversation)
}

fn builder(server: &InboxServer, auth: Auth) -> inbox_api::client::ClientBuilder {
    Client::builder()
        .base_url(server.base_url())
        .auth(auth)
        .retry_policy(
            RetryPolicy::default()
                .base_delay(Duration::from_millis(1))
                .max_delay(Duration::from_millis(5)),
        )
}

fn get_parts(id: Uuid) -> RequestParts {
    RequestParts {
        path: format!(
            "/inbox/v2/conversations/{}",
            encode_path_segment(&id.to_string())
        ),
        query: Vec::new(),
        body: None,
    }
}

async fn get(client: &Client, id: Uuid) -> Result<Value, Error> {
    client.execute(&GET_CONVERSATION, get_parts(id)).await
}

async fn send(client: &Client, id: Uuid) -> Result<Value, Error> {
    let body = json!({
        "conversationId": id,
        "message": {
            "direction": "BUSINESS_TO_PARTICIPANT",
            "visibility": "BUSINESS_AND_PARTICIPANT",
            "content": { "basic": { "items": [{ "text": BODY_MARKER }] } }
        }
    });
    let parts = RequestParts {
        path: "/inbox/v2/messages".into(),
        query: Vec::new(),
        body: Some(RequestBody::Json(serde_json::to_vec(&body).unwrap())),
    };
    client.execute(&SEND_MESSAGE, parts).await
}

/// `Display`, `Debug`, pretty `Debug` and every `source()` of an error.
fn texts_of(error: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut texts = vec![
        error.to_string(),
        format!("{error:?}"),
        format!("{error:#?}"),
    ];
    let mut source = error.source();
    while let Some(cause) = source {
        texts.push(cause.to_string());
        texts.push(format!("{cause:?}"));
        source = cause.source();
    }
    texts
}

#[tokio::test]
async fn no_secret_appears_in_logs_or_error_texts() {
    let (captured, _guard) = capture();
    let (server, conversation) = start().await;
    let key_client = builder(
        &server,
        Auth::api_key_for_site(API_KEY, server.config().site_id.to_string()),
    )
    .build()
    .unwrap();
    let oauth_client = builder(&server, Auth::oauth_token(OAUTH_TOKEN))
        .build()
        .unwrap();
    let mut texts = vec![
        format!("{key_client:?}"),
        format!("{oauth_client:?}"),
        format!("{:?}", builder(&server, Auth::oauth_token(OAUTH_TOKEN))),
        format!("{:?} {}", Secret::new(API_KEY), Secret::new(API_KEY)),
    ];
    let mut errors: Vec<Error> = Vec::new();

    // Successes, with both kinds of credentials.
    get(&key_client, conversation).await.unwrap();
    send(&oauth_client, conversation).await.unwrap();

    // Faults that are retried away, and faults that surface as errors.
    for client in [&key_client, &oauth_client] {
        server.inject(Fault::new(FaultKind::Status {
            status: 429,
            retry_after: Some("0".into()),
            body: None,
        }));
        get(client, conversation).await.unwrap();
        server.inject(Fault::new(FaultKind::status(503)).times(3));
        errors.push(get(client, conversation).await.unwrap_err());
        server.inject(Fault::new(FaultKind::ResetMidBody));
        get(client, conversation).await.unwrap();
        server.inject(Fault::new(FaultKind::ResetMidBody));
        errors.push(send(client, conversation).await.unwrap_err());
        server.inject(Fault::new(FaultKind::TruncatedJson));
        errors.push(get(client, conversation).await.unwrap_err());
        server.inject(Fault::new(FaultKind::InvalidJson));
        errors.push(get(client, conversation).await.unwrap_err());
        server.inject(Fault::new(FaultKind::WrongContentType));
        errors.push(get(client, conversation).await.unwrap_err());
        errors.push(get(client, Uuid::from_u128(404)).await.unwrap_err());
    }
    let small = builder(&server, Auth::oauth_token(OAUTH_TOKEN))
        .max_response_bytes(1024)
        .build()
        .unwrap();
    server.inject(Fault::new(FaultKind::OversizedBody { bytes: 100_000 }));
    errors.push(get(&small, conversation).await.unwrap_err());
    let impatient = builder(
        &server,
        Auth::api_key_for_site(API_KEY, server.config().site_id.to_string()),
    )
    .timeout(Duration::from_millis(100))
    .retry_policy(RetryPolicy::none())
    .build()
    .unwrap();
    server.inject(Fault::new(FaultKind::Delay(Duration::from_secs(10))));
    errors.push(get(&impatient, conversation).await.unwrap_err());
    let wrong = builder(
        &server,
        Auth::api_key_for_site(WRONG_KEY, server.config().site_id.to_string()),
    )
    .build()
    .unwrap();
    errors.push(get(&wrong, conversation).await.unwrap_err());
    let unreachable = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        Client::builder()
            .base_url(format!("http://127.0.0.1:{port}"))
            .auth(Auth::api_key_for_site(API_KEY, "site"))
            .retry_policy(RetryPolicy::none())
            .build()
            .unwrap()
    };
    errors.push(get(&unreachable, conversation).await.unwrap_err());
    let build_error = Client::builder()
        .auth(Auth::oauth_token(format!("{OAUTH_TOKEN}\n")))
        .build()
        .unwrap_err();
    texts.extend(texts_of(&build_error));
    let url_error = Client::builder()
        .base_url(format!("https://user:{API_KEY}@www.wixapis.com"))
        .auth(Auth::oauth_token(OAUTH_TOKEN))
        .build()
        .unwrap_err();
    texts.extend(texts_of(&url_error));

    // Every kind of error was produced.
    let kinds: Vec<&str> = errors
        .iter()
        .map(|e| match e {
            Error::Transport { .. } => "transport",
            Error::Timeout { .. } => "timeout",
            Error::Api(_) => "api",
            Error::Decode { .. } => "decode",
            Error::ResponseTooLarge { .. } => "too large",
            Error::UnexpectedContentType { .. } => "content type",
            _ => "other",
        })
        .collect();
    for kind in [
        "transport",
        "timeout",
        "api",
        "decode",
        "too large",
        "content type",
    ] {
        assert!(kinds.contains(&kind), "no {kind} error in {kinds:?}");
    }
    for error in &errors {
        texts.extend(texts_of(error));
    }

    let logs = captured.text();
    // The capture works: it saw spans, retries and failures.
    for expected in [
        "inbox_api.request",
        "operation=\"getConversation\"",
        "operation=\"sendMessage\"",
        "path_template=\"/inbox/v2/conversations/{conversationId}\"",
        "method=POST",
        "retrying wix request",
        "wix request failed",
        "attempt=2",
        "status=503",
    ] {
        assert!(logs.contains(expected), "logs lack {expected:?}:\n{logs}");
    }
    for secret in [API_KEY, OAUTH_TOKEN, WRONG_KEY, "sekrit"] {
        assert!(!logs.contains(secret), "logs contain {secret:?}:\n{logs}");
        for text in &texts {
            assert!(
                !text.contains(secret),
                "an error text contains {secret:?}: {text}"
            );
        }
    }
    // Bodies are not logged either (neither requests nor responses).
    assert!(
        !logs.contains(BODY_MARKER),
        "logs contain a request body:\n{logs}"
    );
    assert!(
        !logs.contains(&server.config().business_name),
        "logs contain a response body"
    );
}

#[tokio::test]
async fn each_distinct_drift_item_is_warned_once() {
    /// A stand-in for a generated type, which keeps and notes unknown fields.
    struct Response {
        conversation: Option<Value>,
        extra: std::collections::BTreeMap<String, Value>,
    }
    inbox_api::json_object! {
        Response {
            optional conversation = "conversation",
        } keep extra
    }
    let (captured, _guard) = capture();
    let (server, conversation) = start().await;
    let client = builder(&server, Auth::oauth_token(OAUTH_TOKEN))
        .build()
        .unwrap();
    server.inject(
        Fault::new(FaultKind::Replace {
            status: 200,
            body: json!({
                "conversation": {"id": conversation},
                "items": [{"extra": 1}, {"extra": 2}],
                "newField": BODY_MARKER
            }),
        })
        .times(3),
    );
    for _ in 0..3 {
        client
            .execute::<Response, String>(&GET_CONVERSATION, get_parts(conversation))
            .await
            .unwrap();
    }
    assert_eq!(client.drift_report().len(), 2);
    let logs = captured.text();
    let warnings: Vec<&str> = logs
        .lines()
        .filter(|line| line.contains("WARN") && line.contains("inbox_api::drift"))
        .collect();
    assert_eq!(warnings.len(), 2, "{logs}");
    assert!(
        warnings.iter().any(|w| w.contains("json_path=items")),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w.contains("json_path=newField")),
        "{warnings:?}"
    );
    assert!(warnings
        .iter()
        .all(|w| w.contains("operation=\"getConversation\"")));
    // The unknown field's value is not logged.
    assert!(!logs.contains(BODY_MARKER), "{logs}");
}

fn list_parts(conversation: Uuid, cursor: bool) -> RequestParts {
    let mut query = vec![
        ("conversationId", conversation.to_string()),
        ("visibility", "BUSINESS".to_owned()),
    ];
    if cursor {
        query.push(("paging.cursor", CURSOR_MARKER.to_owned()));
    }
    RequestParts {
        path: "/inbox/v2/messages".into(),
        query: query.into_iter().map(|(k, v)| (k.into(), v)).collect(),
        body: None,
    }
}

/// Transport errors carry the request URL (path and query parameters) unless it is stripped:
/// neither a retry line (INFO), a failure line (DEBUG), any other level, nor an error text
/// may show a query value or a path parameter.
#[tokio::test]
async fn no_query_value_or_path_parameter_appears_in_logs_or_errors() {
    let (captured, _guard) = capture();
    let (server, conversation) = start().await;
    let client = builder(&server, Auth::oauth_token(OAUTH_TOKEN))
        .build()
        .unwrap();
    let list = |client: Client, cursor: bool| async move {
        client
            .execute::<Value, String>(&LIST_MESSAGES, list_parts(conversation, cursor))
            .await
    };
    let mut errors: Vec<Error> = Vec::new();
    // A reset mid-body is retried (logged at INFO with its cause), then fails (DEBUG).
    server.inject(Fault::new(FaultKind::ResetMidBody).times(3));
    errors.push(list(client.clone(), false).await.unwrap_err());
    server.inject(Fault::new(FaultKind::ResetMidBody).times(3));
    errors.push(get(&client, conversation).await.unwrap_err());
    // The cursor is not one the server made: a 400 with Wix's envelope.
    errors.push(list(client.clone(), true).await.unwrap_err());
    let unreachable = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        builder(&server, Auth::oauth_token(OAUTH_TOKEN))
            .base_url(format!("http://127.0.0.1:{port}"))
            .build()
            .unwrap()
    };
    errors.push(list(unreachable.clone(), true).await.unwrap_err());
    errors.push(get(&unreachable, conversation).await.unwrap_err());
    assert!(
        errors
            .iter()
            .filter(|e| matches!(e, Error::Transport { .. }))
            .count()
            == 4,
        "{errors:?}"
    );

    let logs = captured.text();
    assert!(logs.contains("retrying wix request"), "{logs}");
    assert!(logs.contains("wix request failed"), "{logs}");
    let conversation = conversation.to_string();
    for value in [CURSOR_MARKER, conversation.as_str()] {
        assert!(!logs.contains(value), "logs contain {value:?}:\n{logs}");
        for error in &errors {
            for text in texts_of(error) {
                assert!(
                    !text.contains(value),
                    "an error text contains {value:?}: {text}"
                );
            }
        }
    }
}

/// A connect timeout sent nothing, so it is retried even for a POST that is not opted in.
#[tokio::test]
async fn connect_timeouts_are_retried_for_post_too() {
    let (captured, _guard) = capture();
    // A listener that never accepts, with its backlog (one pending connection) filled: the
    // kernel drops further SYNs, so connecting hangs until the connect timeout.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(0).unwrap();
    let addr = listener.local_addr().unwrap();
    let _filler = std::net::TcpStream::connect(addr).unwrap();
    let client = Client::builder()
        .base_url(format!("http://{addr}"))
        .auth(Auth::oauth_token(OAUTH_TOKEN))
        .connect_timeout(Duration::from_millis(50))
        .timeout(Duration::from_secs(10))
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(3)
                .base_delay(Duration::from_millis(1))
                .max_delay(Duration::from_millis(5)),
        )
        .build()
        .unwrap();
    let error = send(&client, Uuid::from_u128(1)).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Timeout {
                phase: TransportPhase::Connect,
                ..
            }
        ),
        "{error:?}"
    );
    let logs = captured.text();
    assert_eq!(
        logs.matches("retrying wix request").count(),
        2,
        "two retries after the first attempt:\n{logs}"
    );
    assert!(logs.contains("attempt=3"), "{logs}");
    drop(listener);
}
