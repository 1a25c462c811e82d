//! `ir::Api` -> one token stream per generated file. Never sees openapiv3.

mod docs;
mod types;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir;

/// One generated file before formatting.
pub struct EmittedFile {
    /// Path relative to the output directory (`types.rs`).
    pub path: &'static str,
    /// The file's items.
    pub tokens: TokenStream,
}

/// Emits every generated file.
pub fn emit(api: &ir::Api) -> Vec<EmittedFile> {
    let mod_rs = quote! {
        //! Code generated from the OpenAPI spec by `cargo xtask regen`.
        pub mod types;
    };
    vec![
        EmittedFile { path: "mod.rs", tokens: mod_rs },
        EmittedFile { path: "types.rs", tokens: types::emit_types(api) },
    ]
}
