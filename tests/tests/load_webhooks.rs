//! The webhook endpoint under load, over real HTTP on 127.0.0.1: thousands of valid, replayed,
//! forged and oversized deliveries at once, mixed with clients that stall in their head or
//! body. Every valid event is handed to the app exactly once, every forgery is a 401, every
//! oversized body a 413 (or, for a client still writing it, a closed connection), slow clients are cut off at the timeouts, no request waits past them,
//! and the deduplicator's memory stays within its capacity.
//!
//! Figures are printed (`cargo test -p inbox-api-tests --test load_webhooks -- --nocapture`)
//! and recorded in BENCHMARKS.md.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures::StreamExt;
use inbox_api::webhooks::server::{self, EndpointConfig};
use inbox_api::webhooks::{Deduplicator, InboxEvent, WebhookVerifier};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const WIX_PRIVATE_KEY: &str = include_str!("../keys/wix_test_private.pem");
const WIX_PUBLIC_KEY: &str = include_str!("../keys/wix_test_public.pem");

/// Distinct valid events (each signed once: RSA signing is the slow part of the test).
const EVENTS: usize = 200;
/// Times each valid token is posted; all but the first are replays.
const COPIES: usize = 5;
/// Forged deliveries (tampered payloads under a real signature, and `alg: none`).
const FORGED: usize = 1000;
const OVERSIZED: usize = 50;
const SLOW_BODIES: usize = 20;
const SLOW_HEADS: usize = 20;
/// Requests in flight at once (besides the slow clients).
const IN_FLIGHT: usize = 64;
/// Header and body read timeout of the endpoint.
const TIMEOUT: Duration = Duration::from_secs(2);
const BODY_LIMIT: usize = 64 * 1024;
const DEDUP_CAPACITY: usize = 10_000;

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
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

/// The claims of a Button Interacted delivery with event ID `id`.
fn claims(id: &str) -> Value {
    let domain_event = json!({
        "id": id,
        "entityFqdn": "wix.crm.inbox.v2.message",
        "slug": "button_interacted",
        "entityId": "1700043584064712",
        "eventTime": "2023-11-15T10:19:45.472455Z",
        "actionEvent": {"body": {
            "conversationId": "6fd2b962-dd8f-382f-8d27-ae63f188c939",
            "interactionId": "5f3c1a2b-0d4e-4f6a-8b7c-9d0e1f2a3b4c"
        }}
    });
    let envelope = json!({
        "eventType": "wix.crm.inbox.v2.message_button_interacted",
        "instanceId": "a9f1c3e2-5b7d-4f60-9e21-3c4d5e6f7a8b",
        "data": domain_event.to_string(),
    });
    let now = unix_now();
    json!({"data": envelope.to_string(), "iat": now, "exp": now + 3600})
}

/// Process resident set size, from `/proc/self/status`.
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Kind {
    Valid,
    Forged,
    Oversized,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_mixed_deliveries_each_get_the_right_answer_in_time() {
    let key = EncodingKey::from_rsa_pem(WIX_PRIVATE_KEY.as_bytes()).unwrap();
    let signing = Instant::now();
    let valid: Vec<String> = (0..EVENTS)
        .map(|i| {
            let claims = claims(&format!("event-{i}"));
            jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, &key).unwrap()
        })
        .collect();
    let signing = signing.elapsed();
    let forged: Vec<String> = (0..FORGED)
        .map(|i| {
            let genuine = &valid[i % EVENTS];
            let (_, signature) = genuine.rsplit_once('.').unwrap();
            let header = base64url(br#"{"alg":"RS256","typ":"JWT"}"#);
            let tampered = base64url(claims(&format!("forged-{i}")).to_string().as_bytes());
            if i % 2 == 0 {
                // Another payload under a real signature.
                format!("{header}.{tampered}.{signature}")
            } else {
                format!("{}.{tampered}.", base64url(br#"{"alg":"none"}"#))
            }
        })
        .collect();

    let verifier = WebhookVerifier::from_public_key_pem(WIX_PUBLIC_KEY)
        .unwrap()
        .max_body_bytes(BODY_LIMIT);
    let config = EndpointConfig::default()
        .header_read_timeout(TIMEOUT)
        .body_read_timeout(TIMEOUT)
        .max_connections(IN_FLIGHT + SLOW_BODIES + SLOW_HEADS + 16)
        .deduplicate(Deduplicator::new(DEDUP_CAPACITY));
    let delivered: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let log = delivered.clone();
    let on_event = move |event: InboxEvent| {
        *log.lock().unwrap().entry(event.id).or_default() += 1;
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let url = format!("http://{addr}{}", server::PATH);
    let task = tokio::spawn(server::serve_with(
        listener,
        verifier,
        config.clone(),
        on_event,
    ));
    let rss_before = rss_kib();

    // The slow clients first, so they hold their connections during the whole load.
    let slow = (0..SLOW_BODIES + SLOW_HEADS).map(|i| async move {
        // The clock starts before connecting: the endpoint's header timer starts when it
        // accepts, which may be before this task gets to write.
        let started = Instant::now();
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let request: &[u8] = if i < SLOW_BODIES {
            b"POST /webhooks/inbox HTTP/1.1\r\nhost: x\r\ncontent-length: 4000\r\n\r\neyJhbGci"
        } else {
            b"POST /webhooks/inbox HTTP/1.1\r\nhost: x\r\ncontent-le"
        };
        stream.write_all(request).await.unwrap();
        let mut answer = Vec::new();
        let read = tokio::time::timeout(TIMEOUT * 5, stream.read_to_end(&mut answer)).await;
        assert!(read.is_ok(), "a slow client was never cut off");
        (
            started.elapsed(),
            String::from_utf8_lossy(&answer).into_owned(),
        )
    });
    let slow = tokio::spawn(futures::future::join_all(slow));

    let mut requests: Vec<(Kind, String)> = Vec::new();
    for copy in 0..COPIES {
        for (i, token) in valid.iter().enumerate() {
            requests.push((Kind::Valid, token.clone()));
            if copy == 0 {
                requests.push((Kind::Forged, forged[i].clone()));
            }
        }
    }
    requests.extend(
        forged[EVENTS..]
            .iter()
            .map(|token| (Kind::Forged, token.clone())),
    );
    requests.extend((0..OVERSIZED).map(|_| (Kind::Oversized, "a".repeat(2 * BODY_LIMIT))));
    // A fixed shuffle, so replays and forgeries interleave with first deliveries.
    let len = requests.len();
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for i in (1..len).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        requests.swap(i, (state % (i as u64 + 1)) as usize);
    }

    // Idle connections are dropped well before the endpoint's header read timeout closes them,
    // so the client never races the server for a connection that is just being closed.
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(IN_FLIGHT)
        .pool_idle_timeout(TIMEOUT / 4)
        .build()
        .unwrap();
    let started = Instant::now();
    let outcomes: Vec<(Kind, u16, Duration)> = futures::stream::iter(requests)
        .map(|(kind, body)| {
            let http = http.clone();
            let url = url.clone();
            async move {
                let sent = Instant::now();
                let status = match http.post(url).body(body).send().await {
                    Ok(response) => response.status().as_u16(),
                    // The endpoint answers 413 on seeing the length and closes the connection;
                    // a client still writing the body may see the close first.
                    Err(error) if kind == Kind::Oversized && error.is_request() => 413,
                    Err(error) => panic!("{kind:?}: {error}"),
                };
                (kind, status, sent.elapsed())
            }
        })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    let wall = started.elapsed();
    let rss_after = rss_kib();

    // Every answer is the right one.
    let mut counts: HashMap<(Kind, u16), usize> = HashMap::new();
    for (kind, status, _) in &outcomes {
        *counts.entry((*kind, *status)).or_default() += 1;
    }
    assert_eq!(
        counts.get(&(Kind::Valid, 200)),
        Some(&(EVENTS * COPIES)),
        "{counts:?}"
    );
    assert_eq!(
        counts.get(&(Kind::Forged, 401)),
        Some(&FORGED),
        "{counts:?}"
    );
    assert_eq!(
        counts.get(&(Kind::Oversized, 413)),
        Some(&OVERSIZED),
        "{counts:?}"
    );
    assert_eq!(counts.len(), 3, "{counts:?}");
    // Every valid event reached the app exactly once; nothing else did.
    let delivered = delivered.lock().unwrap().clone();
    assert_eq!(delivered.len(), EVENTS);
    assert!(delivered.values().all(|&n| n == 1), "{delivered:?}");
    assert!(delivered.keys().all(|id| id.starts_with("event-")));
    // No request waited past the timeouts (header plus body read), though slow clients held
    // connections all along.
    let mut latencies: Vec<Duration> = outcomes.iter().map(|(_, _, d)| *d).collect();
    latencies.sort();
    let max = *latencies.last().unwrap();
    assert!(max < TIMEOUT * 2, "a delivery took {max:?}");
    // Slow clients were cut off at the timeout, not before, not much later.
    let slow = slow.await.unwrap();
    for (elapsed, answer) in &slow {
        assert!(!answer.contains(" 200 "), "{answer:?}");
        assert!(*elapsed >= TIMEOUT, "cut off after {elapsed:?}");
        assert!(*elapsed < TIMEOUT * 2, "cut off only after {elapsed:?}");
    }
    let slowest_cut = slow.iter().map(|(d, _)| *d).max().unwrap();
    // Bounded memory: the deduplicator holds one entry per event, far below its capacity.
    let seen = config.deduplicator().unwrap();
    assert_eq!(seen.len(), EVENTS);
    assert_eq!(seen.evicted(), 0);
    let growth_kib = rss_after.saturating_sub(rss_before);
    assert!(growth_kib < 64 * 1024, "RSS grew by {growth_kib} KiB");
    task.abort();

    let percentile = |p: usize| latencies[(latencies.len() - 1) * p / 100];
    println!(
        "webhook load: {} deliveries ({} valid of which {} replays, {} forged, {} oversized) \
         + {} slow clients, {} in flight: {:.2?} wall, {:.0}/s; latency p50 {:.2?}, p99 {:.2?}, \
         max {:.2?}; slow clients cut off after at most {:.2?} (timeout {:?}); RSS +{} KiB; \
         signing {} tokens took {:.2?}",
        outcomes.len(),
        EVENTS * COPIES,
        EVENTS * (COPIES - 1),
        FORGED,
        OVERSIZED,
        SLOW_BODIES + SLOW_HEADS,
        IN_FLIGHT,
        wall,
        outcomes.len() as f64 / wall.as_secs_f64(),
        percentile(50),
        percentile(99),
        max,
        slowest_cut,
        TIMEOUT,
        growth_kib,
        EVENTS,
        signing,
    );
}
