//! Contract tests with Prism (`@stoplight/prism-cli`, pinned in `tests/prism/package.json`).
//!
//! Prism serves `spec/inbox-v2.yaml` on an ephemeral port on 127.0.0.1 and answers every request
//! that breaks the spec (body, query parameters, security headers) with a validation error, so a
//! call through the generated client that succeeds proves that what the client sends conforms.
//! What Prism answers (the spec's examples, and schema-generated data with `--dynamic`) must
//! decode into our types. In proxy mode Prism sits in front of our own test server
//! (`inbox_api::testing::InboxServer`) and validates both directions.
//!
//! Besides the answer itself, every call is checked against Prism's log: each violation Prism
//! reports there (`Violation: request.body...`, `Violation: response.body...`) fails the call
//! that caused it, with Prism's message.
//!
//! The first test that needs Prism installs the pinned version into `tests/prism/node_modules`
//! (`npm ci`, see `inbox_api_tests::prism`), so only Node.js is needed. Without it these tests
//! fail; they never skip.

use std::fmt::Debug;
use std::io::{BufRead, BufReader, Read};
use std::net::{Ipv4Addr, TcpListener};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};
use inbox_api::auth::Auth;
use inbox_api::operations::ListMessagesOptions;
use inbox_api::retry::RetryPolicy;
use inbox_api::testing::{Fault, FaultKind, FaultTarget, InboxServer, ServerConfig};
use inbox_api::types::*;
use inbox_api::{Client, Error};
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

/// The spec, relative to the workspace root (Prism's working directory).
const SPEC: &str = "spec/inbox-v2.yaml";
/// How long Prism may take to answer its first request (it loads and dereferences the spec).
const STARTUP_LIMIT: Duration = Duration::from_secs(60);
/// Pause between two readiness probes.
const PROBE_INTERVAL: Duration = Duration::from_millis(100);
/// Path of the probes (readiness, log synchronization): no route of the spec. Prism's log
/// lines about probe requests are not violations.
const PROBE_PATH: &str = "/contract-test-probe";
/// How long a probe may take to show up in Prism's log.
const LOG_LIMIT: Duration = Duration::from_secs(10);
/// Requests per operation against `prism mock --dynamic`, each answered with fresh random data.
const DYNAMIC_ROUNDS: usize = 20;

/// The conversation of the spec's examples.
const CONVERSATION: Uuid = Uuid::from_u128(0x6202c3bb_f263_3c16_8c90_d6387d9ed420);
/// The contact of the spec's examples.
const CONTACT: Uuid = Uuid::from_u128(0x890a3816_85b4_44ab_9085_524972a850ef);
const VISITOR: Uuid = Uuid::from_u128(0x40096143_3643_4cc1_8329_30a7fc2c595e);
const MEMBER: Uuid = Uuid::from_u128(0xb5a1c1f0_2d7e_4c55_8f0a_1f2e3d4c5b6a);
/// A cursor as Wix returns it in `pagingMetadata.cursors.next`.
const CURSOR: &str = "eyJ2YWx1ZSI6IjE2NDA4NDk5NTIzNTM2MjcifQ";

// ---------------------------------------------------------------------------------------------
// Running Prism
// ---------------------------------------------------------------------------------------------

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_owned()
}

/// A free port on 127.0.0.1: bind port 0, read the port, drop the listener.
fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .expect("bind 127.0.0.1:0")
        .port()
}

/// A running Prism process (leading its own process group), killed with the group on drop.
struct Prism {
    child: Child,
    base_url: String,
    /// Every line Prism printed (stdout and stderr), in order.
    log: Arc<Mutex<Vec<String>>>,
    /// Log lines already checked for violations.
    checked: Mutex<usize>,
    /// Probes sent so far (each gets its own path).
    probes: AtomicUsize,
    http: reqwest::Client,
    /// Holds a derived spec file while Prism serves it.
    _spec_dir: Option<tempfile::TempDir>,
}

impl Prism {
    /// `prism mock` of the spec: answers with the spec's examples.
    async fn mock() -> Prism {
        Prism::start(&["mock", SPEC], None).await
    }

    /// `prism mock --dynamic`: every answer is generated from the response schema. Serves a
    /// copy of the spec in which int64 strings get a digits pattern (see
    /// [`with_int64_patterns`]); that is the only difference.
    async fn mock_dynamic() -> Prism {
        let dir = tempfile::tempdir().expect("temp dir");
        let spec = dir.path().join("inbox-v2.dynamic.yaml");
        let text = std::fs::read_to_string(workspace_root().join(SPEC)).expect("read the spec");
        let mut doc: serde_yaml::Value = serde_yaml::from_str(&text).expect("parse the spec");
        let patched = with_int64_patterns(&mut doc, "");
        if !patched.is_empty() {
            eprintln!(
                "note: {SPEC} has int64 strings without a pattern, for which Prism --dynamic \
                 generates words; a digits pattern was added for this run at {}",
                patched.join(", ")
            );
        }
        let yaml = serde_yaml::to_string(&doc).expect("serialize the spec");
        std::fs::write(&spec, yaml).expect("write the derived spec");
        let spec = spec.to_str().expect("utf-8 temp path").to_owned();
        Prism::start(&["mock", &spec, "--dynamic"], Some(dir)).await
    }

    /// `prism proxy` of the spec in front of `upstream`: forwards every request and reports
    /// each request or response that breaks the spec in its log (`Violation: ...`).
    ///
    /// Without `--errors`: with it Prism swaps a violating exchange for a 500 whose
    /// `Request/Response not valid` log line omits what was wrong; without it the log names the
    /// field and rule, and [`Prism::check`] fails the call on it all the same.
    async fn proxy(upstream: &str) -> Prism {
        Prism::start(&["proxy", SPEC, upstream], None).await
    }

    /// Starts Prism with `args` on a free port and returns once it answers HTTP requests.
    /// Tries another port when the one picked was taken in the meantime.
    async fn start(args: &[&str], mut spec_dir: Option<tempfile::TempDir>) -> Prism {
        let bin = inbox_api_tests::prism::prism_bin();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let port = free_port();
            let mut prism = Prism::spawn(&bin, args, port);
            match prism.wait_until_ready().await {
                Ok(()) => {
                    prism._spec_dir = spec_dir.take();
                    return prism;
                }
                Err(reason) => {
                    let log = prism.log_text();
                    if log.contains("EADDRINUSE") && attempt < 3 {
                        continue;
                    }
                    panic!(
                        "Prism could not start (`prism {}` on port {port}): {reason}. Does \
                         Node.js (>= 18.20.1, on PATH) run it?\n\
                         --- Prism output ---\n{log}",
                        args.join(" ")
                    );
                }
            }
        }
    }

    fn spawn(bin: &Path, args: &[&str], port: u16) -> Prism {
        let mut child = Command::new(bin)
            .args(args)
            .args(["-h", "127.0.0.1", "-p", &port.to_string()])
            .current_dir(workspace_root())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run {} ({e}); is Node.js (>= 18.20.1) on PATH?",
                    bin.display()
                )
            });
        let log = Arc::new(Mutex::new(Vec::new()));
        collect_lines(child.stdout.take().expect("piped stdout"), log.clone());
        collect_lines(child.stderr.take().expect("piped stderr"), log.clone());
        Prism {
            child,
            base_url: format!("http://127.0.0.1:{port}"),
            log,
            checked: Mutex::new(0),
            probes: AtomicUsize::new(0),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()
                .expect("http client"),
            _spec_dir: None,
        }
    }

    /// Polls with real HTTP requests until Prism answers (with any status), it exits, or
    /// [`STARTUP_LIMIT`] passes.
    async fn wait_until_ready(&mut self) -> Result<(), String> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return Err(format!("it exited with {status}"));
            }
            let probe = format!("{}{PROBE_PATH}", self.base_url);
            if self.http.get(probe).send().await.is_ok() {
                return Ok(());
            }
            if started.elapsed() > STARTUP_LIMIT {
                return Err(format!("it did not answer within {STARTUP_LIMIT:?}"));
            }
            tokio::time::sleep(PROBE_INTERVAL).await;
        }
    }

    /// Sends a probe and waits until Prism logged it: Prism logs in order, so every line about
    /// the requests answered before is in the log then.
    async fn sync_log(&self) {
        let n = self.probes.fetch_add(1, Ordering::Relaxed) + 1;
        let path = format!("{PROBE_PATH}/{n}");
        self.http
            .get(format!("{}{path}", self.base_url))
            .send()
            .await
            .unwrap_or_else(|e| panic!("Prism does not answer: {e}{}", self.context()));
        let marker = format!(" {path} ");
        let started = Instant::now();
        while !self.log.lock().unwrap().iter().any(|l| l.contains(&marker)) {
            assert!(
                started.elapsed() < LOG_LIMIT,
                "Prism did not log the probe {path} within {LOG_LIMIT:?}{}",
                self.context()
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// The violations and errors Prism logged since the last call, probes left out.
    async fn new_violations(&self) -> Vec<String> {
        self.sync_log().await;
        let log = self.log.lock().unwrap();
        let mut checked = self.checked.lock().unwrap();
        let found = violations(&log)
            .into_iter()
            .filter(|&(index, _)| index >= *checked)
            .map(|(_, line)| line.clone())
            .collect();
        *checked = log.len();
        found
    }

    /// Unwraps the result of one client call, failing the test with the call, the request,
    /// the error and Prism's violations when the call failed or Prism reported a violation.
    async fn check<T, C: Debug>(
        &self,
        what: &str,
        request: &dyn Debug,
        result: Result<T, Error<C>>,
    ) -> T {
        let violations = self.new_violations().await;
        match result {
            Ok(value) if violations.is_empty() => value,
            Ok(_) => panic!(
                "{what}: Prism reported violations:\n{}\nrequest: {request:#?}{}",
                violations.join("\n"),
                self.context()
            ),
            Err(error) => panic!(
                "{what} failed against Prism at {}: {error}\n{error:#?}\nPrism's violations:\n\
                 {}\nrequest: {request:#?}{}",
                self.base_url,
                violations.join("\n"),
                self.context()
            ),
        }
    }

    fn log_text(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    /// Everything Prism printed, for failure messages.
    fn context(&self) -> String {
        format!("\n--- Prism output ---\n{}", self.log_text())
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        // Kill the whole process group (the child leads it), then reap the child.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The lines of Prism's `log` (with their index) that report a violation or an error, except
/// those about probe requests. Prism prefixes each request's lines with an
/// `[HTTP SERVER] <method> <path>` line, so a line belongs to the last such request.
fn violations(log: &[String]) -> Vec<(usize, &String)> {
    let mut in_probe = false;
    let mut found = Vec::new();
    for (index, line) in log.iter().enumerate() {
        if let Some((_, rest)) = line.split_once("[HTTP SERVER] ") {
            let path = rest.split_whitespace().nth(1).unwrap_or_default();
            in_probe = path.starts_with(PROBE_PATH);
        }
        let bad = ["Violation", "✖", "⚠", " error ", " warning ", " fatal "]
            .iter()
            .any(|word| line.contains(word));
        if bad && !in_probe {
            found.push((index, line));
        }
    }
    found
}

/// Adds `pattern: '^-?[0-9]{1,18}$'` to every `type: string, format: int64` schema in `node`
/// that has no pattern, and returns where. Without one, JSON Schema (and so Prism) accepts any
/// string there, and `--dynamic` generates words (`"sequence": "dolor sit"`) that no Wix server
/// sends and our int64 decoding rightly rejects. 18 digits keep generated values within i64.
fn with_int64_patterns(node: &mut serde_yaml::Value, path: &str) -> Vec<String> {
    use serde_yaml::Value as Yaml;
    let mut patched = Vec::new();
    match node {
        Yaml::Mapping(map) => {
            let is = |key: &str, value: &str| map.get(key).and_then(Yaml::as_str) == Some(value);
            if is("type", "string") && is("format", "int64") && !map.contains_key("pattern") {
                map.insert("pattern".into(), "^-?[0-9]{1,18}$".into());
                patched.push(path.to_owned());
            }
            for (key, value) in map.iter_mut() {
                let key = key.as_str().unwrap_or("?");
                patched.extend(with_int64_patterns(value, &format!("{path}/{key}")));
            }
        }
        Yaml::Sequence(items) => {
            for (index, value) in items.iter_mut().enumerate() {
                patched.extend(with_int64_patterns(value, &format!("{path}/{index}")));
            }
        }
        _ => {}
    }
    patched
}

/// Appends each line `pipe` produces to `log` (from a thread that ends with the pipe).
fn collect_lines(pipe: impl Read + Send + 'static, log: Arc<Mutex<Vec<String>>>) {
    thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            match line {
                Ok(line) => log.lock().unwrap().push(line),
                Err(_) => break,
            }
        }
    });
}

// ---------------------------------------------------------------------------------------------
// The client and realistic inputs
// ---------------------------------------------------------------------------------------------

/// A client that authenticates like production (API key + `wix-site-id`, the headers the spec's
/// security requires), never retries, and adds `prefer` (Prism's header choosing an example or
/// status) to every request when given.
fn client(base_url: &str, prefer: Option<&str>) -> Client {
    let mut headers = HeaderMap::new();
    if let Some(prefer) = prefer {
        headers.insert("prefer", HeaderValue::from_str(prefer).expect("header"));
    }
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client");
    let config = ServerConfig::default();
    Client::builder()
        .base_url(base_url)
        .auth(Auth::api_key_for_site(
            config.api_key,
            config.site_id.to_string(),
        ))
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_secs(10))
        .http_client(http)
        .build()
        .expect("client builds")
}

/// A client that authenticates as an app with an OAuth access token (no site header).
fn oauth_client(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .auth(Auth::oauth_token(ServerConfig::DEFAULT_OAUTH_TOKEN))
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client builds")
}

fn text(value: &str) -> BasicMessageData {
    BasicMessageData {
        data: Some(basic_message_data::Data::Text(value.to_owned())),
        extra: Default::default(),
    }
}

fn image() -> ImageMessage {
    ImageMessage {
        id: Some("f93e3d633e79921f14330f1911fc1139.jpg".to_owned()),
        url: Some(
            "https://static.wixstatic.com/media/f93e3d633e79921f14330f1911fc1139.jpg".to_owned(),
        ),
        filename: Some("spa-day.jpg".to_owned()),
        width: Some(1200),
        height: Some(798),
        ..ImageMessage::default()
    }
}

fn file() -> FileMessage {
    FileMessage {
        id: Some("ugd/f93e3d_invoice-54321.pdf".to_owned()),
        url: Some("https://static.wixstatic.com/ugd/f93e3d_invoice-54321.pdf".to_owned()),
        filename: Some("invoice-54321.pdf".to_owned()),
        mime_type: Some("application/pdf".to_owned()),
        ..FileMessage::default()
    }
}

fn content(payload: message_content::Payload, preview: &str) -> MessageContent {
    MessageContent {
        payload: Some(payload),
        preview_text: Some(preview.to_owned()),
        ..MessageContent::default()
    }
}

fn to_participant(content: MessageContent) -> Message {
    Message::new(
        content,
        MessageVisibility::BusinessAndParticipant,
        MessageDirection::BusinessToParticipant,
    )
}

/// One sendMessage request per kind of content and sender option, named for failure messages.
#[allow(deprecated)]
fn send_requests(conversation_id: Uuid) -> Vec<(&'static str, SendMessageRequest)> {
    let mut requests = Vec::new();

    // Basic text with a badge, notifications, silent flags and channels (the docs example).
    let mut message = to_participant(content(
        message_content::Payload::Basic(BasicMessagePayload {
            items: Some(vec![text("Hey!")]),
            extra: Default::default(),
        }),
        "Hey!",
    ));
    message.badges = Some(vec![Badge {
        text: Some("Email".to_owned()),
        badge_visibility: Some(BadgeVisibility::Business),
        icon_url: Some(
            "https://wixmp-9127dea18607b759d29e6784.wixmp.com/badges/mailSmallFlat.png".to_owned(),
        ),
        extra: Default::default(),
    }]);
    message.silent = Some(false);
    message.target_channels = Some(vec![ChannelType::Email]);
    message.source_channel = Some(ChannelType::Chat);
    let mut request = SendMessageRequest::new(conversation_id, message);
    request.send_as = Some(OverrideSenderOptions::Caller);
    request.send_notifications = Some(true);
    request.silent = Some(false);
    requests.push(("basic text with badge", request));

    // Basic image followed by text bubbles.
    let message = to_participant(content(
        message_content::Payload::Basic(BasicMessagePayload {
            items: Some(vec![
                BasicMessageData {
                    data: Some(basic_message_data::Data::Image(image())),
                    extra: Default::default(),
                },
                text("Thanks for booking your spa day with us!"),
                text("We've emailed your invoice."),
            ]),
            extra: Default::default(),
        }),
        "Thanks for booking your spa day with us!",
    ));
    let mut request = SendMessageRequest::new(conversation_id, message);
    request.send_notifications = Some(false);
    requests.push(("basic image and text", request));

    // Basic file, sent silently by a business user on the channel IDs (the newer fields).
    let mut message = to_participant(content(
        message_content::Payload::Basic(BasicMessagePayload {
            items: Some(vec![BasicMessageData {
                data: Some(basic_message_data::Data::File(file())),
                extra: Default::default(),
            }]),
            extra: Default::default(),
        }),
        "Your invoice",
    ));
    message.silent = Some(true);
    message.source_channel_id = Some("chat".to_owned());
    message.target_channel_ids = Some(vec!["email".to_owned()]);
    let mut request = SendMessageRequest::new(conversation_id, message);
    request.send_as = Some(OverrideSenderOptions::BusinessUser);
    requests.push(("basic file", request));

    // Template card with a URL button and a postback button.
    let message = to_participant(MessageContent {
        title: Some("Spa day".to_owned()),
        ..content(
            message_content::Payload::Template(TemplateMessagePayload {
                title: Some("Spa day".to_owned()),
                text_lines: Some(vec![
                    "Wednesday, 5 January".to_owned(),
                    "10:00 - 16:00".to_owned(),
                ]),
                image_url: Some("https://static.wixstatic.com/media/example.jpg".to_owned()),
                orientation: Some(Orientation::Landscape),
                buttons: Some(vec![
                    Button {
                        launch_url: Some("https://example.com/bookings/54321".to_owned()),
                        ..Button::new("View booking".to_owned())
                    },
                    Button {
                        postback_properties: Some(PostbackProperties {
                            interaction_id: Some("spa_day_54321__change_appointment".to_owned()),
                            ..PostbackProperties::default()
                        }),
                        ..Button::new("Change appointment".to_owned())
                    },
                ]),
                extra: Default::default(),
            }),
            "Your spa day is booked",
        )
    });
    requests.push((
        "template with buttons",
        SendMessageRequest::new(conversation_id, message),
    ));

    // Minimal activity line from the participant, visible to the business only.
    let minimal = MinimalMessagePayload {
        icon_url: Some("https://example.com/icon.png".to_owned()),
        url: Some("https://example.com/pricing".to_owned()),
        ..MinimalMessagePayload::new("JoJo Doe viewed the pricing page".to_owned())
    };
    let message = Message::new(
        MessageContent {
            payload: Some(message_content::Payload::Minimal(minimal)),
            ..MessageContent::default()
        },
        MessageVisibility::Business,
        MessageDirection::ParticipantToBusiness,
    );
    let mut request = SendMessageRequest::new(conversation_id, message);
    request.send_as = Some(OverrideSenderOptions::Participant);
    requests.push(("minimal", request));

    // Form with fields and media, posted on behalf of the participant.
    let field = |name: &str, value: &str| FormField {
        name: Some(name.to_owned()),
        value: Some(value.to_owned()),
        extra: Default::default(),
    };
    let form = FormMessagePayload {
        title: Some("New Spa Appointment".to_owned()),
        description: Some("JoJo Doe made an appointment".to_owned()),
        fields: Some(vec![
            field("Name", "JoJo Doe"),
            field("Service", "Spa day"),
            field("Date", "2022-01-05"),
            field("Time", "10:00"),
        ]),
        media: Some(vec![
            MediaItem {
                media: Some(media_item::Media::Image(image())),
                extra: Default::default(),
            },
            MediaItem {
                media: Some(media_item::Media::File(file())),
                extra: Default::default(),
            },
        ]),
        extra: Default::default(),
    };
    let message = Message::new(
        content(
            message_content::Payload::Form(form),
            "JoJo Doe made an appointment",
        ),
        MessageVisibility::Business,
        MessageDirection::ParticipantToBusiness,
    );
    let mut request = SendMessageRequest::new(conversation_id, message);
    request.send_as = Some(OverrideSenderOptions::Participant);
    request.send_notifications = Some(true);
    requests.push(("form with fields and media", request));

    requests
}

/// ListMessages options: none, and every query parameter set (both sort orders).
fn list_options() -> Vec<(&'static str, ListMessagesOptions)> {
    vec![
        ("no options", ListMessagesOptions::default()),
        (
            "every option, ascending",
            ListMessagesOptions::default()
                .paging_limit(50)
                .paging_cursor(CURSOR)
                .sorting_field_name("sequence")
                .sorting_order(SortOrder::Asc),
        ),
        (
            "every option, descending",
            ListMessagesOptions::default()
                .paging_limit(100)
                .paging_cursor(CURSOR)
                .sorting_field_name("sequence")
                .sorting_order(SortOrder::Desc),
        ),
        (
            "limit and sorting only",
            ListMessagesOptions::default()
                .paging_limit(1)
                .sorting_order(SortOrder::Desc),
        ),
    ]
}

fn participants() -> Vec<(&'static str, participant_id::Id)> {
    vec![
        ("contact", participant_id::Id::ContactId(CONTACT)),
        (
            "anonymous visitor",
            participant_id::Id::AnonymousVisitorId(VISITOR),
        ),
        ("member", participant_id::Id::MemberId(MEMBER)),
    ]
}

fn get_or_create(id: participant_id::Id) -> GetOrCreateConversationRequest {
    GetOrCreateConversationRequest::new(ParticipantId {
        id: Some(id),
        extra: Default::default(),
    })
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

/// Every operation with every realistic input against `prism mock`, answered with each of the
/// spec's response examples (chosen with `Prefer: example=NAME`); each decodes and every field
/// of every example is known to our types (the drift report stays empty).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mock_accepts_every_request_and_examples_decode() {
    let prism = Prism::mock().await;
    let plain = client(&prism.base_url, None);
    let mut clients = vec![plain.clone()];

    // sendMessage: every content type, sender option and flag.
    for (what, request) in send_requests(CONVERSATION) {
        let what = format!("sendMessage ({what})");
        let sent = prism
            .check(&what, &request, plain.send_message(&request).await)
            .await;
        let message = sent.message.expect("the example returns the message");
        assert_eq!(message.id.as_deref(), Some("1640849952353627"));
        assert_eq!(message.sequence, Some(1640849952353627));
    }

    // listMessages: both visibilities, no options and every query parameter, each example.
    for example in ["firstPage", "nextPage"] {
        let client = client(&prism.base_url, Some(&format!("example={example}")));
        for visibility in [
            MessageVisibility::BusinessAndParticipant,
            MessageVisibility::Business,
        ] {
            for (what, options) in list_options() {
                let what = format!("listMessages ({what}, {visibility:?}, example {example})");
                let result = client
                    .list_messages(CONVERSATION, visibility.clone(), options.clone())
                    .await;
                let page = prism.check(&what, &options, result).await;
                assert_eq!(page.messages.map(|m| m.len()), Some(1), "{what}");
                let next = page.paging_metadata.and_then(|m| m.cursors?.next);
                match example {
                    "firstPage" => assert_eq!(next, None),
                    _ => assert_eq!(next.as_deref(), Some(CURSOR)),
                }
            }
        }
        clients.push(client);
    }

    // listMessages as a stream: the first page has no next cursor, so one page ends it.
    let options = ListMessagesOptions::default().paging_limit(30);
    let result = plain
        .list_messages_stream(CONVERSATION, MessageVisibility::Business, options.clone())
        .try_collect::<Vec<_>>()
        .await;
    let all = prism.check("listMessages stream", &options, result).await;
    assert_eq!(all.len(), 1);
    // The nextPage example has a next cursor: the stream sends it back as paging.cursor (which
    // Prism validates), gets the same cursor again and ends with a paging error after two
    // pages instead of looping.
    let paged = client(&prism.base_url, Some("example=nextPage"));
    let options = ListMessagesOptions::default()
        .paging_limit(1)
        .sorting_field_name("sequence")
        .sorting_order(SortOrder::Asc);
    let result = paged
        .list_messages_stream(
            CONVERSATION,
            MessageVisibility::BusinessAndParticipant,
            options.clone(),
        )
        .take(10)
        .collect::<Vec<_>>()
        .await;
    let mut result = result;
    let last = result.pop().expect("the stream ends with an error");
    assert!(
        matches!(
            &last,
            Err(inbox_api::Error::Paging(paging))
                if paging.operation == "listMessages"
                    && paging.fault == inbox_api::error::PagingFault::CursorRepeated
        ),
        "{last:?}"
    );
    let result: Result<Vec<_>, _> = result.into_iter().collect();
    let two = prism
        .check("listMessages stream with cursor", &options, result)
        .await;
    assert_eq!(two.len(), 2);

    // getConversation, with an API key and with an app's OAuth token (the spec's other
    // security alternative).
    let oauth = oauth_client(&prism.base_url);
    for client in [&plain, &oauth] {
        let result = client.get_conversation(CONVERSATION).await;
        let conversation = prism
            .check("getConversation", &CONVERSATION, result)
            .await
            .conversation
            .expect("conversation");
        assert_eq!(conversation.id, Some(CONVERSATION));
        let contact = conversation.participant.and_then(|p| p.contact_id);
        assert_eq!(contact, Some(CONTACT));
    }
    clients.push(oauth);

    // getOrCreateConversation: every participant kind, each example.
    for (example, new) in [("anonymousVisitor", true), ("existingContact", false)] {
        let client = client(&prism.base_url, Some(&format!("example={example}")));
        for (what, id) in participants() {
            let request = get_or_create(id);
            let what = format!("getOrCreateConversation ({what}, example {example})");
            let result = client.get_or_create_conversation(&request).await;
            let response = prism.check(&what, &request, result).await;
            assert_eq!(response.new_conversation, Some(new));
            assert!(response.conversation.and_then(|c| c.id).is_some());
        }
        clients.push(client);
    }

    for client in clients {
        let drift = client.drift_report();
        assert!(
            drift.is_empty(),
            "the spec's examples hold fields or values our types do not know: {drift:#?}"
        );
    }
}

/// Every operation against `prism mock --dynamic`, several times each: every answer is fresh
/// data generated from the response schema, and all of it must decode into our types.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mock_dynamic_responses_decode() {
    let prism = Prism::mock_dynamic().await;
    let client = client(&prism.base_url, None);
    let sends = send_requests(CONVERSATION);
    let lists = list_options();
    let participants = participants();
    let mut messages = 0;

    for round in 0..DYNAMIC_ROUNDS {
        let (what, request) = &sends[round % sends.len()];
        let what = format!("sendMessage ({what}, round {round})");
        prism
            .check(&what, request, client.send_message(request).await)
            .await;

        let (what, options) = &lists[round % lists.len()];
        let what = format!("listMessages ({what}, round {round})");
        let visibility = if round % 2 == 0 {
            MessageVisibility::Business
        } else {
            MessageVisibility::BusinessAndParticipant
        };
        let result = client
            .list_messages(CONVERSATION, visibility, options.clone())
            .await;
        let page = prism.check(&what, options, result).await;
        messages += page.messages.map_or(0, |m| m.len());

        let what = format!("getConversation (round {round})");
        let result = client.get_conversation(CONVERSATION).await;
        prism.check(&what, &CONVERSATION, result).await;

        let (what, id) = &participants[round % participants.len()];
        let what = format!("getOrCreateConversation ({what}, round {round})");
        let request = get_or_create(id.clone());
        let result = client.get_or_create_conversation(&request).await;
        prism.check(&what, &request, result).await;
    }
    assert!(messages > 0, "no generated page held a message");

    // Generated pages usually carry a next cursor: follow a few.
    let options = ListMessagesOptions::default().paging_limit(10);
    let result = client
        .list_messages_stream(CONVERSATION, MessageVisibility::Business, options.clone())
        .take(30)
        .try_collect::<Vec<_>>()
        .await;
    prism.check("listMessages stream", &options, result).await;

    // Random data may hold several members of one x-oneof group (Prism does not know the
    // extension); the tolerant decoding keeps one and reports the rest as drift.
    eprintln!("drift seen in generated data: {:#?}", client.drift_report());
}

/// The harness can fail: Prism rejects requests that break the spec (and logs why), and the
/// client reports an error status as an error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mock_rejects_requests_that_break_the_spec() {
    let prism = Prism::mock().await;
    let config = ServerConfig::default();
    let messages = format!("{}/inbox/v2/messages", prism.base_url);
    let http = reqwest::Client::new();
    let authenticated = |request: reqwest::RequestBuilder| {
        request
            .header("Authorization", &config.api_key)
            .header("wix-site-id", config.site_id.to_string())
    };

    // A message without the required `visibility`.
    let body = json!({
        "conversationId": CONVERSATION,
        "message": {
            "direction": "BUSINESS_TO_PARTICIPANT",
            "content": { "basic": { "items": [{ "text": "Hey!" }] } }
        }
    });
    let response = authenticated(http.post(&messages).json(&body)).send().await;
    assert_rejected(&prism, response, "visibility").await;

    // paging.limit above the documented maximum (the client refuses to send it).
    let query = [
        ("conversationId", CONVERSATION.to_string()),
        ("visibility", "BUSINESS".to_owned()),
        ("paging.limit", "101".to_owned()),
    ];
    let response = authenticated(http.get(&messages).query(&query))
        .send()
        .await;
    assert_rejected(&prism, response, "paging.limit").await;

    // No credentials at all.
    let conversation = format!("{}/inbox/v2/conversations/{CONVERSATION}", prism.base_url);
    let response = http.get(&conversation).send().await;
    assert_rejected(&prism, response, "security").await;

    // An error status reaches the caller as an error: ask Prism for the spec's 400 example.
    let client = client(&prism.base_url, Some("code=400"));
    let error = client
        .get_conversation(CONVERSATION)
        .await
        .expect_err("a 400 answer is an error");
    assert_eq!(error.status(), Some(StatusCode::BAD_REQUEST), "{error:#?}");
}

/// Asserts `response` is Prism's validation error, with an `sl-violations` header and a log
/// line that mention `needle`.
async fn assert_rejected(
    prism: &Prism,
    response: reqwest::Result<reqwest::Response>,
    needle: &str,
) {
    let response = response.expect("Prism answers");
    let status = response.status();
    let header = response
        .headers()
        .get("sl-violations")
        .map(|v| v.to_str().unwrap_or_default().to_owned())
        .unwrap_or_default();
    let body = response.text().await.unwrap_or_default();
    assert!(
        status.is_client_error(),
        "expected a validation error, got {status}: {body}{}",
        prism.context()
    );
    assert!(
        header.to_lowercase().contains(&needle.to_lowercase()),
        "expected a violation about {needle}, got {status} sl-violations: {header}"
    );
    let logged = prism.new_violations().await;
    assert!(
        logged.iter().any(|line| line.contains("Violation")),
        "Prism logged no violation for a request about {needle}{}",
        prism.context()
    );
}

/// Prism's validation proxy in front of our test server: every operation of the client goes
/// through it, and Prism checks both our requests and our server's responses against the spec.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxy_validates_client_and_test_server() {
    let server = InboxServer::start().await.expect("test server starts");
    let prism = Prism::proxy(&server.base_url()).await;
    let client = client(&prism.base_url, None);

    let mut conversations = Vec::new();
    for (what, id) in participants() {
        let request = get_or_create(id);
        let what = format!("getOrCreateConversation ({what}) via proxy");
        let result = client.get_or_create_conversation(&request).await;
        let response = prism.check(&what, &request, result).await;
        assert_eq!(response.new_conversation, Some(true));
        conversations.push(response.conversation.and_then(|c| c.id).expect("id"));
    }
    let conversation_id = conversations[0];

    let requests = send_requests(conversation_id);
    for (what, request) in &requests {
        let what = format!("sendMessage ({what}) via proxy");
        let sent = prism
            .check(&what, request, client.send_message(request).await)
            .await;
        assert!(sent.message.and_then(|m| m.id).is_some());
    }

    for visibility in [
        MessageVisibility::Business,
        MessageVisibility::BusinessAndParticipant,
    ] {
        for (what, mut options) in list_options() {
            // The options' cursor is none of this server's: use the one of a real first page.
            if options.paging_cursor.is_some() {
                let mut first = options.clone().paging_limit(2);
                first.paging_cursor = None;
                let result = client
                    .list_messages(conversation_id, visibility.clone(), first.clone())
                    .await;
                let page = prism.check("listMessages via proxy", &first, result).await;
                let next = page.paging_metadata.and_then(|m| m.cursors?.next);
                options.paging_cursor = Some(next.expect("a next cursor"));
            }
            let what = format!("listMessages ({what}, {visibility:?}) via proxy");
            let result = client
                .list_messages(conversation_id, visibility.clone(), options.clone())
                .await;
            prism.check(&what, &options, result).await;
        }
    }
    let options = ListMessagesOptions::default().paging_limit(2);
    let result = client
        .list_messages_stream(
            conversation_id,
            MessageVisibility::Business,
            options.clone(),
        )
        .try_collect::<Vec<_>>()
        .await;
    let all = prism
        .check("listMessages stream via proxy", &options, result)
        .await;
    assert_eq!(all.len(), requests.len());

    for id in &conversations {
        let result = client.get_conversation(*id).await;
        let got = prism.check("getConversation via proxy", id, result).await;
        assert_eq!(got.conversation.and_then(|c| c.id), Some(*id));
    }

    // The calls really went through to our server, which sent nothing our types do not know.
    assert!(server.requests().len() >= 3 + requests.len() + conversations.len());
    let drift = client.drift_report();
    assert!(
        drift.is_empty(),
        "our server sent what our types do not know: {drift:#?}"
    );

    // The proxy checks responses too: a channel the spec does not list, which our tolerant
    // client accepts (as drift), is reported by Prism.
    let path = format!("/inbox/v2/conversations/{conversation_id}");
    server.inject(
        Fault::new(FaultKind::Replace {
            status: 200,
            body: json!({ "conversation": { "id": conversation_id, "channels": ["PIGEON"] } }),
        })
        .on(FaultTarget::Method(reqwest::Method::GET, path)),
    );
    let result = client.get_conversation(conversation_id).await;
    let violations = prism.new_violations().await;
    assert!(result.is_ok(), "{result:#?}");
    assert!(
        violations
            .iter()
            .any(|line| line.contains("Violation: response.body.conversation.channels")),
        "Prism did not report the unknown channel: {violations:#?}{}",
        prism.context()
    );
}
