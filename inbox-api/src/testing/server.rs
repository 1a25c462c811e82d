//! [`InboxServer`]: starting, seeding, observing, steering and stopping one test server.

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use uuid::Uuid;

use super::config::{Participant, ServerConfig};
use super::fault::Fault;
use super::handlers;
use super::listener::ClosingListener;
use super::record::RecordedRequest;
use super::state::Shared;
use super::wire;

/// A faithful in-memory Wix Inbox v2 server on `127.0.0.1`, on an ephemeral port.
///
/// It serves the four public Inbox v2 operations with Wix's JSON wire format, authentication
/// and error envelopes (see the [module documentation](super) for the details), records every
/// request, and misbehaves on demand ([`inject`](Self::inject)).
///
/// Dropping the server shuts it down in the background; [`shutdown`](Self::shutdown) does the
/// same and waits until every connection is closed. Either way, requests still in flight fail
/// on the client side with a connection error.
///
/// Must be started inside a Tokio runtime (multi-thread or current-thread).
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use inbox_api::testing::{InboxServer, Participant};
/// use serde_json::{json, Value};
/// use uuid::Uuid;
///
/// let server = InboxServer::start().await?;
/// let conversation_id = server.seed_conversation(Participant::Contact(Uuid::from_u128(1)));
/// server.seed_message(
///     conversation_id,
///     json!({
///         "direction": "PARTICIPANT_TO_BUSINESS",
///         "visibility": "BUSINESS_AND_PARTICIPANT",
///         "content": { "basic": { "items": [{ "text": "Hi!" }] } }
///     }),
/// );
///
/// let page: Value = reqwest::Client::new()
///     .get(format!("{}/inbox/v2/messages", server.base_url()))
///     .query(&[("conversationId", conversation_id.to_string().as_str()), ("visibility", "BUSINESS")])
///     .header("Authorization", &server.config().api_key)
///     .header("wix-site-id", server.config().site_id.to_string())
///     .send()
///     .await?
///     .json()
///     .await?;
/// assert_eq!(page["messages"][0]["content"]["basic"]["items"][0]["text"], "Hi!");
/// server.shutdown().await;
/// # Ok(())
/// # }
/// ```
pub struct InboxServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl InboxServer {
    /// Starts a server with [`ServerConfig::default()`].
    ///
    /// # Errors
    ///
    /// When no port on `127.0.0.1` can be bound.
    pub async fn start() -> io::Result<InboxServer> {
        Self::start_with(ServerConfig::default()).await
    }

    /// Starts a server with `config`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use inbox_api::testing::{InboxServer, ServerConfig};
    ///
    /// let server = InboxServer::start_with(ServerConfig {
    ///     oauth_token: Some("app-token".to_owned()),
    ///     ..ServerConfig::default()
    /// })
    /// .await?;
    /// assert_eq!(server.config().oauth_token.as_deref(), Some("app-token"));
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// When no port on `127.0.0.1` can be bound.
    pub async fn start_with(config: ServerConfig) -> io::Result<InboxServer> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let (shutdown, shutdown_rx) = watch::channel(false);
        let shared = Arc::new(Shared::new(config, shutdown_rx.clone()));
        let app = handlers::router(shared.clone());
        let mut signal = shutdown_rx.clone();
        let serve = axum::serve(ClosingListener::new(listener, shutdown_rx), app)
            .with_graceful_shutdown(async move {
                let _ = signal.wait_for(|&down| down).await;
            });
        let task = tokio::spawn(async move {
            if let Err(error) = serve.await {
                tracing::warn!(%error, "inbox test server stopped with an error");
            }
        });
        Ok(InboxServer {
            addr,
            shared,
            shutdown,
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash; append `/inbox/v2/...` paths.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The socket address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The configuration the server was started with.
    pub fn config(&self) -> &ServerConfig {
        &self.shared.config
    }

    /// Creates the conversation of `participant` directly in memory (or returns the existing
    /// one, as GetOrCreateConversation would) and returns its id.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use inbox_api::testing::{InboxServer, Participant};
    /// use uuid::Uuid;
    ///
    /// let server = InboxServer::start().await?;
    /// let visitor = Participant::AnonymousVisitor(Uuid::from_u128(42));
    /// let id = server.seed_conversation(visitor);
    /// assert_eq!(server.seed_conversation(visitor), id);
    /// assert_eq!(
    ///     server.conversation(id).unwrap()["participant"]["anonymousVisitorId"],
    ///     Uuid::from_u128(42).to_string()
    /// );
    /// # Ok(())
    /// # }
    /// ```
    pub fn seed_conversation(&self, participant: Participant) -> Uuid {
        let (conversation, _) = self
            .shared
            .store()
            .get_or_create(participant, &self.shared.config.business_name);
        conversation["id"]
            .as_str()
            .and_then(wire::parse_guid)
            .expect("the store writes GUID ids")
    }

    /// Stores `message_json` (a wire-format `Message` object) in a conversation without
    /// validation, bypassing SendMessage, and returns its id.
    ///
    /// Missing `sequence`, `id` and `createdDate` are assigned like SendMessage does (`id` =
    /// `sequence` = the next sequence); given ones are kept, so you can seed arbitrary shapes,
    /// including fields or enum values Wix may add later. ListMessages orders by `sequence`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use inbox_api::testing::{InboxServer, Participant};
    /// use serde_json::json;
    /// use uuid::Uuid;
    ///
    /// let server = InboxServer::start().await?;
    /// let conversation = server.seed_conversation(Participant::Member(Uuid::from_u128(3)));
    /// let id = server.seed_message(conversation, json!({
    ///     "visibility": "BUSINESS",
    ///     "direction": "BUSINESS_TO_PARTICIPANT",
    ///     "content": { "system": { "text": "Conversation assigned" } }
    /// }));
    /// let stored = &server.messages(conversation)[0];
    /// assert_eq!(stored["id"], id);
    /// assert_eq!(stored["sequence"], id);
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Panics
    ///
    /// When the conversation does not exist, `message_json` is not an object, or its
    /// `sequence` is not an int64 (as a string or number).
    pub fn seed_message(&self, conversation_id: Uuid, mut message_json: Value) -> String {
        let Some(message) = message_json.as_object_mut() else {
            panic!("seed_message: the message must be a JSON object, got {message_json}");
        };
        let mut store = self.shared.store();
        assert!(
            store.conversation(conversation_id).is_some(),
            "seed_message: conversation {conversation_id} does not exist; seed it first"
        );
        let sequence = match message.get("sequence") {
            None | Some(Value::Null) => store.next_sequence(),
            Some(given) => given
                .as_i64()
                .or_else(|| given.as_str().and_then(|text| text.parse().ok()))
                .unwrap_or_else(|| panic!("seed_message: `sequence` {given} is not an int64")),
        };
        message.insert("sequence".to_owned(), sequence.to_string().into());
        let id = match message.get("id") {
            Some(Value::String(id)) => id.clone(),
            _ => sequence.to_string(),
        };
        message.insert("id".to_owned(), id.clone().into());
        message
            .entry("createdDate")
            .or_insert_with(|| wire::now_rfc3339().into());
        store.insert_message(conversation_id, sequence, message_json);
        id
    }

    /// The conversation's wire JSON, if it exists.
    pub fn conversation(&self, conversation_id: Uuid) -> Option<Value> {
        self.shared.store().conversation(conversation_id).cloned()
    }

    /// All messages of a conversation as stored (wire JSON), oldest first (ascending
    /// `sequence`), regardless of visibility; empty for an unknown conversation.
    pub fn messages(&self, conversation_id: Uuid) -> Vec<Value> {
        self.shared
            .store()
            .messages(conversation_id)
            .iter()
            .map(|message| message.json.clone())
            .collect()
    }

    /// Every request received so far, in arrival order, including rejected and faulted ones.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.requests()
    }

    /// Waits until at least `count` requests have been received (recorded), e.g. to know that a
    /// request from another task has reached the server before acting on it.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use inbox_api::testing::InboxServer;
    ///
    /// let server = InboxServer::start().await?;
    /// let url = format!("{}/inbox/v2/conversations", server.base_url());
    /// let client = tokio::spawn(async move { reqwest::Client::new().post(url).send().await });
    /// server.wait_for_requests(1).await;
    /// assert_eq!(server.requests()[0].path, "/inbox/v2/conversations");
    /// # let _ = client.await;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn wait_for_requests(&self, count: usize) {
        let mut recorded = self.shared.recorded();
        // The sender lives in `self.shared`, so the channel cannot close while we wait.
        let _ = recorded.wait_for(|&seen| seen >= count).await;
    }

    /// Queues a fault; see [`Fault`] for how faults are matched and consumed.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use inbox_api::testing::{Fault, FaultKind, InboxServer};
    ///
    /// let server = InboxServer::start().await?;
    /// server.inject(Fault::new(FaultKind::Status {
    ///     status: 429,
    ///     retry_after: Some("1".to_owned()),
    ///     body: None,
    /// }));
    /// let response = reqwest::get(format!("{}/inbox/v2/messages", server.base_url())).await?;
    /// assert_eq!(response.status(), 429);
    /// assert_eq!(response.headers()["retry-after"], "1");
    /// assert_eq!(server.pending_faults(), 0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn inject(&self, fault: Fault) {
        self.shared.inject(fault);
    }

    /// How many injected faults have not fired all their [`times`](Fault::times) yet.
    pub fn pending_faults(&self) -> usize {
        self.shared.pending_faults()
    }

    /// Stops accepting connections, closes every open one (in-flight requests fail on the
    /// client side, [`FaultKind::Delay`](super::FaultKind::Delay) waits end) and waits until the server task is done.
    pub async fn shutdown(mut self) {
        self.shutdown.send_replace(true);
        if let Some(task) = self.task.take() {
            if let Err(error) = task.await {
                tracing::warn!(%error, "inbox test server task failed");
            }
        }
    }
}

impl Drop for InboxServer {
    fn drop(&mut self) {
        self.shutdown.send_replace(true);
    }
}

impl fmt::Debug for InboxServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InboxServer")
            .field("addr", &self.addr)
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}
