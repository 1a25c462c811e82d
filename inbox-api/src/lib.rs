//! Typed async client for the Wix Inbox v2 REST API.
//!
//! The types and operations are generated from `spec/inbox-v2.yaml` by `cargo xtask regen`;
//! the runtime (HTTP, auth, errors, retries, pagination) is hand-written.

pub mod auth;
pub mod client;
pub mod drift;
pub mod error;
pub mod paging;
pub mod retry;
#[doc(hidden)]
pub mod runtime;
#[cfg(feature = "test-server")]
pub mod testing;

#[rustfmt::skip]
mod generated;

/// Data types of the Inbox API: requests, responses, messages, conversations, enums.
pub mod types {
    pub use crate::generated::types::*;
}
