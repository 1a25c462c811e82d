//! The generated client under load against `InboxServer`, over real HTTP on 127.0.0.1, with
//! every fault kind injected at random: thousands of calls, many in flight. Every call ends in
//! success or a typed error within its deadline (attempts x timeout + backoff), and no
//! `send_message` reaches the server twice unless retries of POST were enabled (which the
//! second half shows does send duplicates, so the check can see them).
//!
//! Figures are printed (`cargo test -p inbox-api-tests --test load_client -- --nocapture`) and
//! recorded in BENCHMARKS.md.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use futures::StreamExt;
use inbox_api::auth::Auth;
use inbox_api::operations::ListMessagesOptions;
use inbox_api::retry::RetryPolicy;
use inbox_api::testing::{Fault, FaultKind, InboxServer, Participant};
use inbox_api::types::{Message, MessageContent, MessageVisibility, SendMessageRequest};
use inbox_api::{Client, Error};
use serde_json::json;
use uuid::Uuid;

const CALLS: usize = 3000;
const IN_FLIGHT: usize = 32;
/// Per-attempt timeout of the client.
const TIMEOUT: Duration = Duration::from_millis(300);
const ATTEMPTS: u32 = 3;
const MAX_BACKOFF: Duration = Duration::from_millis(5);
const RESPONSE_LIMIT: u64 = 256 * 1024;

/// The longest a call may take: every attempt timing out, every backoff at its maximum, and
/// one second for scheduling on a loaded machine.
fn deadline() -> Duration {
    TIMEOUT * ATTEMPTS + MAX_BACKOFF * (ATTEMPTS - 1) + Duration::from_secs(1)
}

/// xorshift64: a fixed, reproducible sequence of random numbers.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// One fault of every kind, picked by `n`.
fn fault_kind(n: u64) -> FaultKind {
    match n % 16 {
        0 => FaultKind::Status {
            status: 429,
            retry_after: Some("0".into()),
            body: None,
        },
        1 => FaultKind::status(503),
        2 => FaultKind::status(502),
        3 => FaultKind::status(500),
        4 => FaultKind::ResetMidBody,
        5 => FaultKind::TruncatedJson,
        6 => FaultKind::InvalidJson,
        7 => FaultKind::Delay(Duration::from_millis(20)),
        8 => FaultKind::Delay(TIMEOUT * 2),
        9 => FaultKind::OversizedBody {
            bytes: 2 * RESPONSE_LIMIT as usize,
        },
        10 => FaultKind::WrongContentType,
        11 => FaultKind::Replace {
            status: 404,
            body: json!({"message": "gone", "details": {"applicationError": {"code": "CONVERSATION_NOT_FOUND"}}}),
        },
        12 => FaultKind::NextCursor("not-a-cursor".into()),
        13 => FaultKind::EmptyPage,
        14 => FaultKind::status(504),
        _ => FaultKind::Replace {
            status: 200,
            body: json!({"unexpected": ["shape"]}),
        },
    }
}

fn client(server: &InboxServer, retry_post: bool) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .auth(Auth::oauth_token(
            server.config().oauth_token.clone().unwrap(),
        ))
        .timeout(TIMEOUT)
        .max_response_bytes(RESPONSE_LIMIT)
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(ATTEMPTS)
                .base_delay(Duration::from_millis(1))
                .max_delay(MAX_BACKOFF)
                .retry_non_idempotent(retry_post),
        )
        .build()
        .unwrap()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Call {
    Get,
    Send,
    List,
}

/// The variant of an outcome, for the tally.
fn outcome<T, C>(result: &Result<T, Error<C>>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(Error::Transport { .. }) => "transport",
        Err(Error::Timeout { .. }) => "timeout",
        Err(Error::Api(_)) => "api",
        Err(Error::Decode { .. }) => "decode",
        Err(Error::ResponseTooLarge { .. }) => "too large",
        Err(Error::UnexpectedContentType { .. }) => "content type",
        Err(Error::Paging(_)) => "paging",
        Err(Error::InvalidRequest { .. }) => "invalid request",
        Err(Error::Build(_)) => "build",
        Err(_) => "other",
    }
}

/// Runs `calls` calls with up to `IN_FLIGHT` at once; returns (call, text sent, outcome,
/// elapsed) per call.
async fn run(
    client: &Client,
    conversation: Uuid,
    calls: usize,
    mix: impl Fn(usize) -> Call,
    tag: &str,
) -> Vec<(Call, String, &'static str, Duration)> {
    futures::stream::iter(0..calls)
        .map(|i| {
            let call = mix(i);
            let text = format!("{tag}-{i}");
            async move {
                let started = Instant::now();
                let outcome = match call {
                    Call::Get => outcome(&client.get_conversation(conversation).await),
                    Call::Send => {
                        let message = Message::from_business(MessageContent::text(&text));
                        let request = SendMessageRequest::new(conversation, message);
                        outcome(&client.send_message(&request).await)
                    }
                    Call::List => {
                        let options = ListMessagesOptions::default().paging_limit(5);
                        let page = client
                            .list_messages(conversation, MessageVisibility::Business, options)
                            .await;
                        outcome(&page)
                    }
                };
                (call, text, outcome, started.elapsed())
            }
        })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await
}

/// How often each text arrived in a `send_message` request body, as the server recorded it.
fn sends_per_text(server: &InboxServer, tag: &str) -> HashMap<String, usize> {
    let mut sent = HashMap::new();
    for request in server.requests() {
        if request.method != reqwest::Method::POST {
            continue;
        }
        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
        let text = body["message"]["content"]["basic"]["items"][0]["text"]
            .as_str()
            .unwrap()
            .to_owned();
        if text.starts_with(&format!("{tag}-")) {
            *sent.entry(text).or_default() += 1;
        }
    }
    sent
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_call_ends_in_time_and_no_post_is_sent_twice() {
    let server = InboxServer::start().await.unwrap();
    let conversation = server.seed_conversation(Participant::Contact(Uuid::from_u128(42)));
    let mut random = Random(0x2545_f491_4f6c_dd1d);
    // One fault for every two calls, in random order of kinds (retries make more requests
    // than calls, so somewhat fewer than half of the requests meet one).
    for _ in 0..CALLS / 2 {
        server.inject(Fault::new(fault_kind(random.next())));
    }
    let client = client(&server, false);
    let mix = |i: usize| match i % 3 {
        0 => Call::Get,
        1 => Call::Send,
        _ => Call::List,
    };
    let started = Instant::now();
    let results = run(&client, conversation, CALLS, mix, "load").await;
    let wall = started.elapsed();
    let faults_fired = CALLS / 2 - server.pending_faults();

    let mut tally: BTreeMap<(Call, &str), usize> = BTreeMap::new();
    for (call, _, outcome, _) in &results {
        *tally.entry((*call, outcome)).or_default() += 1;
    }
    // Every call ended in success or a typed error of the kinds the faults cause.
    assert_eq!(results.len(), CALLS);
    for (call, outcome) in tally.keys() {
        assert!(
            !matches!(*outcome, "invalid request" | "build" | "other"),
            "{call:?} ended in {outcome}: {tally:?}"
        );
    }
    for kind in [
        "ok",
        "timeout",
        "transport",
        "api",
        "decode",
        "too large",
        "content type",
    ] {
        assert!(
            tally.keys().any(|(_, outcome)| *outcome == kind),
            "no {kind} outcome: {tally:?}"
        );
    }
    // Within its deadline.
    let mut latencies: Vec<Duration> = results.iter().map(|r| r.3).collect();
    latencies.sort();
    let max = *latencies.last().unwrap();
    assert!(max < deadline(), "a call took {max:?}");
    // No send_message reached the server twice; each successful one arrived exactly once.
    let sent = sends_per_text(&server, "load");
    for (call, text, outcome, _) in &results {
        if *call != Call::Send {
            continue;
        }
        let times = sent.get(text).copied().unwrap_or(0);
        assert!(times <= 1, "{text} was sent {times} times");
        if *outcome == "ok" {
            assert_eq!(times, 1, "{text}");
        }
    }
    let requests = server.requests().len();

    // With retries of POST enabled, a send whose answer timed out is sent again: duplicates
    // appear, and the check above would have seen them.
    for _ in 0..100 {
        server.inject(Fault::new(FaultKind::Delay(TIMEOUT * 2)));
    }
    let retrying = client_with_post_retries(&server);
    let opted_in = run(&retrying, conversation, 100, |_| Call::Send, "retried").await;
    assert!(opted_in.iter().all(|r| r.3 < deadline()));
    let duplicates = sends_per_text(&server, "retried")
        .values()
        .filter(|&&n| n > 1)
        .count();
    assert!(duplicates > 0, "retried POSTs must show duplicates");

    let percentile = |p: usize| latencies[(latencies.len() - 1) * p / 100];
    println!(
        "client load: {CALLS} calls (get/send/list), {IN_FLIGHT} in flight, {requests} requests, \
         {faults_fired} faults fired: {wall:.2?} wall, {:.0} calls/s; latency p50 {:.2?}, \
         p99 {:.2?}, max {max:.2?} (deadline {:?}); outcomes {tally:?}; \
         with POST retries: {duplicates} of 100 sends duplicated",
        CALLS as f64 / wall.as_secs_f64(),
        percentile(50),
        percentile(99),
        deadline(),
    );
    server.shutdown().await;
}

fn client_with_post_retries(server: &InboxServer) -> Client {
    client(server, true)
}
