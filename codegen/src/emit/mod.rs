//! `ir::Api` -> tokens, one [`Piece`] of a generated file at a time (`crate::render` plans
//! the pieces and formats them). Never sees openapiv3; decides nothing `resolve` could.

mod bodies;
mod docs;

pub use docs::{DocBlocks, Docs};
mod events;
mod operations;
mod params;
mod types;
mod validation;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir;
use crate::render::{Piece, Section};

/// The tokens of one piece ([`Piece::Text`] has none); its doc comments go to `docs`
/// (placeholders that [`crate::format::render_piece`] puts back, or attributes).
pub fn emit_piece(api: &ir::Api, piece: Piece, docs: &Docs) -> TokenStream {
    let tokens = emit_ungated(api, piece, docs);
    let Some(gates) = &api.gates else {
        return tokens;
    };
    let in_impl = matches!(piece, Piece::ImplRange(..));
    if matches!(piece, Piece::Items(Section::Mod) | Piece::Text(_)) || tokens.is_empty() {
        return tokens;
    }
    // The tokens were just emitted by this crate, so they parse; should they not, the
    // formatter's parse names the problem.
    gates.apply(tokens.clone(), in_impl).unwrap_or(tokens)
}

fn emit_ungated(api: &ir::Api, piece: Piece, docs: &Docs) -> TokenStream {
    match piece {
        Piece::Text(_) => TokenStream::new(),
        Piece::Items(section) | Piece::Range(section, ..) | Piece::ImplRange(section, ..) => {
            let (start, end) = match piece {
                Piece::Range(_, a, b) | Piece::ImplRange(_, a, b) => (a, b),
                _ => (0, 0),
            };
            let ops = || &api.operations[start..end];
            match section {
                Section::Mod => emit_mod(api),
                Section::TypesHeader => types::emit_header(),
                Section::Types => types::emit_types(api, &api.types[start..end], docs),
                Section::OperationsHeader => operations::emit_header(),
                Section::Methods => operations::emit_methods(api, ops(), docs),
                Section::Streams => operations::emit_streams(ops(), docs),
                Section::Options => operations::emit_options(ops(), docs),
                Section::Codes if start == 0 => {
                    let mut tokens = operations::emit_no_codes(api, docs);
                    tokens.extend(operations::emit_codes(ops(), docs));
                    tokens
                }
                Section::Codes => operations::emit_codes(ops(), docs),
                Section::Validation => validation::emit_validation(api),
                Section::Events => events::emit_events(api, docs),
            }
        }
    }
}

fn emit_mod(api: &ir::Api) -> TokenStream {
    let events = (!api.events.is_empty()).then(|| {
        quote!(
            pub mod events;
        )
    });
    quote! {
        //! Code generated from the OpenAPI spec by `cargo xtask regen`.
        #events
        pub mod operations;
        pub mod types;
        mod validation;
    }
}
