//! A faithful in-memory Wix Inbox v2 server for testing apps offline (feature `test-server`).
//!
//! [`InboxServer`] listens on `127.0.0.1` on an ephemeral port and speaks exactly Wix's JSON
//! wire format, so the code under test needs no change except its base URL: point your client
//! (ours or any other HTTP client) at [`InboxServer::base_url`] instead of
//! `https://www.wixapis.com`. Each test starts its own server; servers share nothing.
//!
//! The server is written from the Inbox v2 reference, independently of this crate's generated
//! types: it keeps messages and conversations as raw JSON, so it also checks that the client
//! serializes what Wix expects.
//!
//! # Testing your app offline
//!
//! 1. Start a server: [`InboxServer::start`] (fixed test credentials, see [`ServerConfig`]).
//! 2. Arrange state directly: [`seed_conversation`](InboxServer::seed_conversation),
//!    [`seed_message`](InboxServer::seed_message).
//! 3. Run your code against [`base_url`](InboxServer::base_url) with
//!    [`config().api_key`](ServerConfig::api_key) + `wix-site-id`, or with
//!    [`config().oauth_token`](ServerConfig::oauth_token).
//! 4. Assert on the outcome: [`messages`](InboxServer::messages) (what was stored),
//!    [`requests`](InboxServer::requests) (what was sent on the wire).
//! 5. For resilience tests, [`inject`](InboxServer::inject) faults: throttling, 5xx bursts,
//!    connections reset mid-body, truncated or invalid JSON, slow answers, oversized bodies, the
//!    wrong content type, an arbitrary body to simulate API drift, or paging that never ends
//!    (a cursor cycle, endless empty pages).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use inbox_api::testing::{Fault, FaultKind, FaultTarget, InboxServer, Participant};
//! use serde_json::{json, Value};
//! use uuid::Uuid;
//!
//! let server = InboxServer::start().await?;
//! let contact = Uuid::from_u128(0x890a3816_85b4_44ab_9085_524972a850ef);
//! let conversation_id = server.seed_conversation(Participant::Contact(contact));
//!
//! // The first send hits a 503, as Wix sometimes answers; a robust app retries.
//! server.inject(
//!     Fault::new(FaultKind::status(503))
//!         .on(FaultTarget::Method(http::Method::POST, "/inbox/v2/messages".to_owned())),
//! );
//!
//! // The code under test (here: plain reqwest with a naive retry).
//! let client = reqwest::Client::new();
//! let send = || {
//!     client
//!         .post(format!("{}/inbox/v2/messages", server.base_url()))
//!         .header("Authorization", &server.config().api_key)
//!         .header("wix-site-id", server.config().site_id.to_string())
//!         .json(&json!({
//!             "conversationId": conversation_id,
//!             "message": {
//!                 "direction": "BUSINESS_TO_PARTICIPANT",
//!                 "visibility": "BUSINESS_AND_PARTICIPANT",
//!                 "content": { "basic": { "items": [{ "text": "Your order shipped" }] } }
//!             }
//!         }))
//!         .send()
//! };
//! let mut response = send().await?;
//! if response.status() == 503 {
//!     response = send().await?;
//! }
//! let sent: Value = response.json().await?;
//!
//! // Exactly one message was stored, with server-assigned fields in Wix's formats.
//! let stored = server.messages(conversation_id);
//! assert_eq!(stored.len(), 1);
//! assert_eq!(stored[0], sent["message"]);
//! assert_eq!(sent["message"]["sequence"], sent["message"]["id"]);
//! assert_eq!(sent["message"]["sender"]["wixUserId"], server.config().wix_user_id.to_string());
//! assert_eq!(server.requests().len(), 2);
//! # Ok(())
//! # }
//! ```
//!
//! # Endpoints
//!
//! | Operation | Request | Answer |
//! |---|---|---|
//! | GetOrCreateConversation | `POST /inbox/v2/conversations` `{"participantId": {"contactId" \| "anonymousVisitorId" \| "memberId": GUID}}` | `{"conversation", "newConversation"}`; one conversation per participant |
//! | GetConversation | `GET /inbox/v2/conversations/{conversationId}` | `{"conversation"}` |
//! | SendMessage | `POST /inbox/v2/messages` `{"conversationId", "message", "sendAs"?, ...}` | `{"message"}` with `id` = `sequence`, `createdDate`, `sender`, `appId` |
//! | ListMessages | `GET /inbox/v2/messages?conversationId=&visibility=&paging.limit=&paging.cursor=&sorting.fieldName=&sorting.order=` | `{"messages", "pagingMetadata": {"count", "cursors": {"next"?, "prev"?}}}` |
//!
//! Wire conventions: lowerCamelCase keys, int64 `sequence` as a decimal string that only
//! grows, RFC 3339 UTC timestamps with milliseconds (`2023-11-15T10:19:44.064Z`), enums as
//! strings, one-of members as keys of the parent object. Every response is
//! `content-type: application/json` (unless a fault says otherwise) and has a unique
//! `x-wix-request-id` header.
//!
//! Behaviour details:
//!
//! * **Authentication**, before routing: `Authorization` holds the raw token (a `Bearer `
//!   prefix is rejected). The [API key](ServerConfig::api_key) needs `wix-site-id` equal to
//!   [`site_id`](ServerConfig::site_id) (alone: `wix-account-id`, both, neither or another site
//!   are 403 `PERMISSION_DENIED`); the [OAuth token](ServerConfig::oauth_token) needs no site
//!   header. A missing or unknown token is 401 `UNAUTHENTICATED`.
//! * **Validation** follows the documented limits (`previewText` ≤ 256, exactly one of
//!   `basic`/`template`/`minimal`/`form`/`system`, `basic.items` ≥ 1, texts 1..16384, badges
//!   ≤ 1, buttons ≤ 10, form fields 1..15, GUID shapes, enum values, ...). All violations are
//!   reported at once: 400 with `details.validationError.fieldViolations[]`, each with `field`
//!   (dotted path such as `message.content.basic.items[0].text`), `description`,
//!   `violatedRule`, `ruleName` and `data`. A body that is not a JSON object is 400
//!   `INVALID_ARGUMENT`.
//! * **Not found**: an unknown (well-formed) conversation id is 404 `CONVERSATION_NOT_FOUND`;
//!   other paths are 404 `NOT_FOUND`, other methods 405.
//! * **Sender**: `sendAs: CALLER` (default) gives `{"appId"}` for the OAuth token (plus
//!   top-level `appId` and `postbackProperties.appId`) and `{"wixUserId"}` for the API key;
//!   `PARTICIPANT` gives the conversation participant's key; `BUSINESS_USER` the configured
//!   `wixUserId`.
//! * **ListMessages**: `visibility` is required (`BUSINESS_AND_PARTICIPANT` returns only those
//!   messages, `BUSINESS` returns all); `paging.limit` defaults to 30 (also for `0`), more than
//!   100 is a 400; `sorting.fieldName` accepts only `sequence`; `sorting.order` defaults to
//!   `DESC` (newest first). Cursors are opaque base64url strings bound to the conversation,
//!   visibility and order they were issued for: a foreign or malformed cursor is a 400. `next`
//!   is absent on the last page, `prev` on the first. The JS SDK's `.r` query form is accepted
//!   too.
//!
//! Not modelled: webhooks, conversation merging, `NOT_OWNED_BY_BUSINESS`, permissions
//! (scopes), notifications, and proto (snake_case) field names in requests.

mod config;
mod fault;
mod gateway;
mod handlers;
mod listener;
mod paging;
mod query;
mod record;
mod server;
mod state;
mod store;
mod validate;
mod wire;

pub use config::{Participant, ServerConfig};
pub use fault::{Fault, FaultKind, FaultTarget};
pub use record::RecordedRequest;
pub use server::InboxServer;
