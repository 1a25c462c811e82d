//! `ir::Api` -> one token stream per generated file. Never sees openapiv3.

mod docs;

pub use docs::DocBlocks;
mod events;
mod operations;
mod params;
mod types;
mod validation;

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir;

/// Items per [`Piece`] of a long list (types, methods). A constant, not a function of the
/// machine, so that the output never depends on how many threads format it.
pub const ITEMS_PER_PIECE: usize = 48;

/// One generated file as a list of pieces, each emitted and formatted on its own (in
/// parallel) and concatenated in order.
pub struct FilePlan {
    /// Path relative to the output directory (`types.rs`).
    pub path: &'static str,
    /// The file's contents, in order.
    pub pieces: Vec<Piece>,
}

/// A part of a generated file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece {
    /// Top-level items (or a whole small file).
    Items(Section),
    /// Top-level items for the elements `start..end` of a long list.
    Range(Section, usize, usize),
    /// Associated items for the elements `start..end`, to be formatted inside an `impl` block
    /// and unwrapped (the block itself is [`Piece::Text`]).
    ImplRange(Section, usize, usize),
    /// Verbatim source text (the `impl Client {` and `}` lines around method pieces).
    Text(&'static str),
}

/// What a [`Piece`] contains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// `mod.rs`.
    Mod,
    /// Inner docs and `use` lines of `types.rs`.
    TypesHeader,
    /// Type definitions (range over `Api::types`).
    Types,
    /// Inner docs and `use` lines of `operations.rs`.
    OperationsHeader,
    /// `Client` methods (range over `Api::operations`).
    Methods,
    /// `Client` stream methods of paged operations (range over `Api::operations`).
    Streams,
    /// Per-operation option structs (range over `Api::operations`).
    Options,
    /// Per-operation typed error codes (range over `Api::operations`).
    Codes,
    /// `validation.rs`.
    Validation,
    /// `events.rs`.
    Events,
}

/// The files to generate and how each is cut into pieces of [`ITEMS_PER_PIECE`] items.
pub fn plan(api: &ir::Api) -> Vec<FilePlan> {
    plan_with(api, ITEMS_PER_PIECE)
}

/// [`plan`] with `per_piece` items per piece (tests compare piece sizes).
pub(crate) fn plan_with(api: &ir::Api, per_piece: usize) -> Vec<FilePlan> {
    let per_piece = per_piece.max(1);
    let ranges = |len: usize, piece: fn(usize, usize) -> Piece| -> Vec<Piece> {
        (0..len)
            .step_by(per_piece)
            .map(|start| piece(start, (start + per_piece).min(len)))
            .collect()
    };
    let ops = api.operations.len();
    let mut types = vec![Piece::Items(Section::TypesHeader)];
    // A module of oneof groups is never cut: it is one `pub mod` block.
    let mut start = 0;
    while start < api.types.len() {
        let mut end = (start + per_piece).min(api.types.len());
        while end < api.types.len()
            && types::module_of(&api.types[end].name).is_some()
            && types::module_of(&api.types[end].name) == types::module_of(&api.types[end - 1].name)
        {
            end += 1;
        }
        types.push(Piece::Range(Section::Types, start, end));
        start = end;
    }
    let mut operations = vec![Piece::Items(Section::OperationsHeader)];
    if ops == 0 {
        operations.push(Piece::Text("impl Client {}\n"));
    } else {
        operations.push(Piece::Text("impl Client {\n"));
        operations.extend(ranges(ops, |a, b| Piece::ImplRange(Section::Methods, a, b)));
        operations.extend(ranges(ops, |a, b| Piece::ImplRange(Section::Streams, a, b)));
        operations.push(Piece::Text("}\n"));
    }
    operations.extend(ranges(ops, |a, b| Piece::Range(Section::Options, a, b)));
    operations.extend(ranges(ops, |a, b| Piece::Range(Section::Codes, a, b)));
    let mut files = vec![
        FilePlan {
            path: "mod.rs",
            pieces: vec![Piece::Items(Section::Mod)],
        },
        FilePlan {
            path: "operations.rs",
            pieces: operations,
        },
        FilePlan {
            path: "types.rs",
            pieces: types,
        },
        FilePlan {
            path: "validation.rs",
            pieces: vec![Piece::Items(Section::Validation)],
        },
    ];
    if !api.events.is_empty() {
        files.push(FilePlan {
            path: "events.rs",
            pieces: vec![Piece::Items(Section::Events)],
        });
    }
    files
}

/// The tokens of one piece ([`Piece::Text`] has none), with its doc comments set aside as
/// [`DocBlocks`] (placeholders in the tokens; [`crate::format::render_piece`] puts them back).
pub fn emit_piece(api: &ir::Api, piece: Piece) -> (TokenStream, DocBlocks) {
    docs::collect_docs(|| emit_piece_tokens(api, piece))
}

/// The tokens of one piece with every doc comment as attributes (no placeholders).
pub(crate) fn emit_piece_tokens(api: &ir::Api, piece: Piece) -> TokenStream {
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
                Section::Types => types::emit_types(api, &api.types[start..end]),
                Section::OperationsHeader => operations::emit_header(),
                Section::Methods => operations::emit_methods(api, ops()),
                Section::Streams => operations::emit_streams(ops()),
                Section::Options => operations::emit_options(ops()),
                Section::Codes if start == 0 => {
                    let mut tokens = operations::emit_no_codes(api);
                    tokens.extend(operations::emit_codes(ops()));
                    tokens
                }
                Section::Codes => operations::emit_codes(ops()),
                Section::Validation => validation::emit_validation(api),
                Section::Events => events::emit_events(api),
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
