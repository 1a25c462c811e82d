//! Shared helpers of the integration tests, and the compiled codegen snapshots.

pub mod fixtures;

/// What generated code refers to as `crate::runtime`, so the snapshots compile here too.
#[doc(hidden)]
pub mod runtime {
    pub use inbox_api::runtime::*;
}
