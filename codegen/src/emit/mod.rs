//! `ir::Api` -> one token stream per generated file. Never sees openapiv3.

mod docs;
mod events;
mod operations;
mod params;
mod types;
mod validation;

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
    let events = (!api.events.is_empty()).then(|| {
        quote!(
            pub mod events;
        )
    });
    let mod_rs = quote! {
        //! Code generated from the OpenAPI spec by `cargo xtask regen`.
        #events
        pub mod operations;
        pub mod types;
        mod validation;
    };
    let mut files = vec![
        EmittedFile {
            path: "mod.rs",
            tokens: mod_rs,
        },
        EmittedFile {
            path: "operations.rs",
            tokens: operations::emit_operations(api),
        },
        EmittedFile {
            path: "types.rs",
            tokens: types::emit_types(api),
        },
        EmittedFile {
            path: "validation.rs",
            tokens: validation::emit_validation(api),
        },
    ];
    if !api.events.is_empty() {
        files.push(EmittedFile {
            path: "events.rs",
            tokens: events::emit_events(api),
        });
    }
    files
}
