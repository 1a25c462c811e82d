//! Typed async client for the Wix Inbox v2 REST API.
//!
//! Wix marks Inbox v2 "Developer Preview": it changes without notice. This crate absorbs that
//! churn by regeneration: the types ([`types`]), the operations (methods on [`Client`], option
//! structs and error codes in [`operations`]) and the webhook events ([`events`]) are generated
//! from `spec/inbox-v2.yaml` by `cargo xtask regen`; the runtime (HTTP, auth, errors, retries,
//! pagination, drift detection) is hand-written.
//!
//! Decoding is tolerant: an enum value, a field or an event that Wix adds tomorrow decodes
//! (enums keep it in an `Unrecognized` variant, structs in their `extra` map) and is recorded in
//! [`Client::drift_report`].
//!
//! ```no_run
//! use inbox_api::types::{GetOrCreateConversationRequest, ParticipantId};
//! use inbox_api::{auth::Auth, Client};
//!
//! # async fn example() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::builder()
//!     .auth(Auth::api_key_for_site(std::env::var("WIX_API_KEY")?, std::env::var("WIX_SITE_ID")?))
//!     .build()?;
//! let participant = ParticipantId::contact(uuid::Uuid::nil());
//! let created = client
//!     .get_or_create_conversation(&GetOrCreateConversationRequest::new(participant))
//!     .await?;
//! println!("{:?}", created.conversation);
//! # Ok(())
//! # }
//! ```

pub mod builders;
#[doc(hidden)]
pub mod runtime;
#[cfg(feature = "test-server")]
pub mod testing;
#[cfg(feature = "webhooks")]
pub mod webhooks;

#[rustfmt::skip]
mod generated;

/// The `chrono` version this crate's timestamps use.
pub use chrono;
pub use runtime::prelude::{Date, Timestamp};
pub use runtime::public::*;
/// The `uuid` version this crate's IDs use.
pub use uuid;

/// Data types of the Inbox API: requests, responses, messages, conversations, enums.
pub mod types {
    pub use crate::generated::types::*;
}

/// Option structs and application error codes of the operations (the operations themselves
/// are methods on [`Client`]).
pub mod operations {
    pub use crate::generated::operations::*;
}

/// Webhook event payloads, keyed by Wix's event type string.
pub mod events {
    pub use crate::generated::events::*;
}
