//! Client-overhead benchmark: `cargo xtask bench client` writes this file as `src/main.rs` of a
//! throw-away crate in `.cache/bench/client-harness/` (so xtask itself never depends on
//! inbox-api) and runs it in release mode.
//!
//! The test server runs in-process on its own one-thread Tokio runtime; the clients run on a
//! current-thread runtime in the main thread. Each (operation, mode) block starts a fresh server
//! (it records every request), warms every variant up, then interleaves the variants in rounds
//! so that drift of the machine hits them alike. Prints one `BENCH-CLIENT {json}` line per
//! variant, with the client thread's CPU time besides wall-clock figures.
//!
//! The generated client runs three ways: with default settings (drift detection sampled: the
//! first `SAMPLE_FIRST` responses of each operation, which the warm-up uses up, then one in
//! `SAMPLE_EVERY`), with drift detection on every response, and with it off.

use std::future::Future;
use std::time::{Duration, Instant};

use futures::stream::{self, StreamExt};
use inbox_api::auth::Auth;
use inbox_api::drift::DriftDetection;
use inbox_api::operations::ListMessagesOptions;
use inbox_api::testing::{InboxServer, Participant, ServerConfig};
use inbox_api::types::{GetConversationResponse, ListMessagesResponse, MessageVisibility};
use inbox_api::Client;
use serde_json::json;
use uuid::Uuid;

/// Rounds the requests of each variant are split into. Many short rounds (500 requests each by
/// default) interleave the variants finely, so that a burst of load from other processes on
/// the shared machine hits every variant alike rather than the one that happens to run.
const ROUNDS: usize = 40;
const WARM_UP: usize = 300;
const MESSAGES: usize = 50;

type Error = Box<dyn std::error::Error>;

fn main() -> Result<(), Error> {
    let mut args = std::env::args().skip(1);
    let requests: usize = args.next().map_or(Ok(20_000), |a| a.parse())?;
    let concurrency: usize = args.next().map_or(Ok(16), |a| a.parse())?;
    let server_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    for operation in ["get_conversation", "list_messages"] {
        for parallel in [1, concurrency] {
            let server = server_runtime.block_on(InboxServer::start())?;
            let conversation = seed(&server);
            runtime.block_on(measure(
                &server,
                conversation,
                operation,
                requests,
                parallel,
            ))?;
            server_runtime.block_on(server.shutdown());
        }
    }
    Ok(())
}

fn seed(server: &InboxServer) -> Uuid {
    let conversation = server.seed_conversation(Participant::Contact(Uuid::from_u128(7)));
    for i in 0..MESSAGES {
        server.seed_message(
            conversation,
            json!({
                "direction": if i % 2 == 0 { "PARTICIPANT_TO_BUSINESS" } else { "BUSINESS_TO_PARTICIPANT" },
                "visibility": "BUSINESS_AND_PARTICIPANT",
                "content": { "basic": { "items": [{ "text": format!("message {i}: hello from the benchmark") }] } }
            }),
        );
    }
    conversation
}

/// The four ways of making the same request.
#[derive(Clone, Copy, Debug)]
enum Variant {
    Reqwest,
    /// `Client::builder()` without drift settings: sampled drift detection.
    GeneratedDefault,
    /// `.drift_detection(DriftDetection::EveryResponse)`.
    GeneratedEveryResponse,
    /// `.drift_detection(DriftDetection::Off)`.
    GeneratedOff,
}

impl Variant {
    const ALL: [Variant; 4] = [
        Variant::Reqwest,
        Variant::GeneratedDefault,
        Variant::GeneratedEveryResponse,
        Variant::GeneratedOff,
    ];

    /// Must match the labels `bench/client.rs` gives verdicts for.
    fn label(self) -> &'static str {
        match self {
            Variant::Reqwest => "hand-written reqwest",
            Variant::GeneratedDefault => "generated, default settings (sampled drift detection)",
            Variant::GeneratedEveryResponse => "generated, drift detection on every response",
            Variant::GeneratedOff => "generated, drift detection off",
        }
    }
}

struct Callers {
    base: String,
    config: ServerConfig,
    conversation: Uuid,
    http: reqwest::Client,
    default: Client,
    every_response: Client,
    off: Client,
}

impl Callers {
    /// One request of `operation` with `variant`; returns how many items were decoded.
    async fn call(&self, variant: Variant, operation: &str) -> Result<usize, Error> {
        match (variant, operation) {
            (Variant::Reqwest, "get_conversation") => {
                let response = self
                    .http
                    .get(format!(
                        "{}/inbox/v2/conversations/{}",
                        self.base, self.conversation
                    ))
                    .header("authorization", &self.config.api_key)
                    .header("wix-site-id", self.config.site_id.to_string())
                    .header("accept", "application/json")
                    .send()
                    .await?
                    .error_for_status()?;
                let body = response.bytes().await?;
                let decoded: GetConversationResponse = serde_json::from_slice(&body)?;
                Ok(usize::from(decoded.conversation.is_some()))
            }
            (Variant::Reqwest, _) => {
                let response = self
                    .http
                    .get(format!("{}/inbox/v2/messages", self.base))
                    .query(&[
                        ("conversationId", self.conversation.to_string().as_str()),
                        ("visibility", "BUSINESS_AND_PARTICIPANT"),
                        ("paging.limit", "50"),
                    ])
                    .header("authorization", &self.config.api_key)
                    .header("wix-site-id", self.config.site_id.to_string())
                    .header("accept", "application/json")
                    .send()
                    .await?
                    .error_for_status()?;
                let body = response.bytes().await?;
                let decoded: ListMessagesResponse = serde_json::from_slice(&body)?;
                Ok(decoded.messages.map_or(0, |m| m.len()))
            }
            (generated, operation) => {
                let client = match generated {
                    Variant::GeneratedDefault => &self.default,
                    Variant::GeneratedEveryResponse => &self.every_response,
                    _ => &self.off,
                };
                if operation == "get_conversation" {
                    let decoded = client.get_conversation(self.conversation).await?;
                    Ok(usize::from(decoded.conversation.is_some()))
                } else {
                    let decoded = client
                        .list_messages(
                            self.conversation,
                            MessageVisibility::BusinessAndParticipant,
                            ListMessagesOptions::default().paging_limit(50),
                        )
                        .await?;
                    Ok(decoded.messages.map_or(0, |m| m.len()))
                }
            }
        }
    }
}

async fn measure(
    server: &InboxServer,
    conversation: Uuid,
    operation: &str,
    requests: usize,
    parallel: usize,
) -> Result<(), Error> {
    let config = server.config().clone();
    let auth = Auth::api_key_for_site(config.api_key.clone(), config.site_id.to_string());
    let builder = || {
        Client::builder()
            .base_url(server.base_url())
            .auth(auth.clone())
    };
    let callers = Callers {
        base: server.base_url(),
        conversation,
        http: reqwest::Client::new(),
        default: builder().build()?,
        every_response: builder()
            .drift_detection(DriftDetection::EveryResponse)
            .build()?,
        off: builder().drift_detection(DriftDetection::Off).build()?,
        config,
    };
    // The labels promise these modes.
    assert_eq!(callers.default.drift_detection(), DriftDetection::Sampled);
    assert_eq!(
        callers.every_response.drift_detection(),
        DriftDetection::EveryResponse
    );
    assert_eq!(callers.off.drift_detection(), DriftDetection::Off);
    let mut items = Vec::new();
    for variant in Variant::ALL {
        let (_, _, decoded, _) = batch(&callers, variant, operation, WARM_UP, parallel).await?;
        items.push(decoded);
    }
    let per_round = (requests / ROUNDS).max(1);
    let mut latencies: Vec<Vec<Duration>> = vec![Vec::new(); Variant::ALL.len()];
    let mut elapsed = vec![Duration::ZERO; Variant::ALL.len()];
    let mut cpu = vec![0u64; Variant::ALL.len()];
    for round in 0..ROUNDS {
        for k in 0..Variant::ALL.len() {
            let i = (k + round) % Variant::ALL.len();
            let (wall, mut samples, _, used) =
                batch(&callers, Variant::ALL[i], operation, per_round, parallel).await?;
            elapsed[i] += wall;
            cpu[i] += used;
            latencies[i].append(&mut samples);
        }
    }
    for (i, variant) in Variant::ALL.iter().enumerate() {
        let samples = &mut latencies[i];
        samples.sort_unstable();
        let pct = |p: f64| {
            let rank = ((p / 100.0) * samples.len() as f64).ceil() as usize;
            samples[rank.clamp(1, samples.len()) - 1].as_nanos() as u64
        };
        let line = json!({
            "operation": operation,
            "concurrency": parallel,
            "variant": variant.label(),
            "requests": samples.len(),
            "elapsed_ns": elapsed[i].as_nanos() as u64,
            "client_cpu_ns": cpu[i],
            "p50_ns": pct(50.0),
            "p99_ns": pct(99.0),
            "decoded_items": items[i],
        });
        println!("BENCH-CLIENT {line}");
    }
    Ok(())
}

/// `count` requests, `parallel` in flight; wall time, per-request latencies, items decoded by
/// the last one.
async fn batch(
    callers: &Callers,
    variant: Variant,
    operation: &str,
    count: usize,
    parallel: usize,
) -> Result<(Duration, Vec<Duration>, usize, u64), Error> {
    let cpu = thread_cpu_ns();
    let started = Instant::now();
    let results: Vec<Result<(Duration, usize), Error>> = stream::iter(0..count)
        .map(|_| timed(callers.call(variant, operation)))
        .buffer_unordered(parallel)
        .collect()
        .await;
    let wall = started.elapsed();
    let cpu = thread_cpu_ns().saturating_sub(cpu);
    let mut samples = Vec::with_capacity(count);
    let mut decoded = 0;
    for result in results {
        let (latency, items) = result?;
        samples.push(latency);
        decoded = items;
    }
    Ok((wall, samples, decoded, cpu))
}

/// CPU time of this thread (the client runtime's only thread), ns: what the client side costs,
/// whatever else runs on the machine.
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

async fn timed<T>(future: impl Future<Output = Result<T, Error>>) -> Result<(Duration, T), Error> {
    let started = Instant::now();
    let value = future.await?;
    Ok((started.elapsed(), value))
}
