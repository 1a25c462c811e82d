//! Shared helpers of the integration tests, and the compiled codegen snapshots.

pub mod crates;
pub mod fixtures;
pub mod prism;

/// What generated code refers to as `crate::runtime`, so the snapshots compile here too.
#[doc(hidden)]
pub mod runtime {
    pub use inbox_api::runtime::*;
}

/// `OperationMeta`s of the Inbox operations, for tests that drive `Client::execute` directly
/// (the way generated methods do).
pub mod operations {
    use inbox_api::client::OperationMeta;
    use reqwest::Method;

    /// `GET /inbox/v2/conversations/{conversationId}`.
    pub static GET_CONVERSATION: OperationMeta = OperationMeta {
        operation_id: "getConversation",
        method: Method::GET,
        path_template: "/inbox/v2/conversations/{conversationId}",
        idempotent: true,
    };

    /// `POST /inbox/v2/messages`.
    pub static SEND_MESSAGE: OperationMeta = OperationMeta {
        operation_id: "sendMessage",
        method: Method::POST,
        path_template: "/inbox/v2/messages",
        idempotent: false,
    };

    /// `GET /inbox/v2/messages`.
    pub static LIST_MESSAGES: OperationMeta = OperationMeta {
        operation_id: "listMessages",
        method: Method::GET,
        path_template: "/inbox/v2/messages",
        idempotent: true,
    };
}
