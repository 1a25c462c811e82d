//! Rendering: `ir::Api` -> formatted files, emitted and formatted piece by piece on worker
//! threads.
//!
//! Each file is cut into pieces of at most [`ITEMS_PER_PIECE`] items ([`plan`]); worker threads
//! (one per core, at most [`MAX_THREADS`]) take pieces as they finish one, emit their tokens
//! ([`crate::emit::emit_piece`], doc comments set aside as placeholders) and format them
//! ([`crate::format::render_piece`]); each piece's tokens and syntax tree are dropped as soon as
//! it is printed. A file is its pieces joined in order ([`crate::format::finish`]), so the
//! output does not depend on the number of threads or the size of the pieces. No clock here:
//! `cargo xtask bench` times the parts.

use crate::emit::{self, Docs};
use crate::{format, ir, GeneratedFile};

/// Items per [`Piece`] of a long list (types, methods). A constant, not a function of the
/// machine, so that the output never depends on how many threads format it.
pub const ITEMS_PER_PIECE: usize = 48;

/// The most threads rendering (and loading) uses.
pub const MAX_THREADS: usize = 8;

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
pub fn plan_with(api: &ir::Api, per_piece: usize) -> Vec<FilePlan> {
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
            && api.types[end].module().is_some()
            && api.types[end].module() == api.types[end - 1].module()
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

/// Emits and formats every file of `plans` (from [`plan`]), sorted by path.
///
/// Fails only when the generator produced tokens that do not parse as Rust (a generator bug).
pub fn render_files(
    api: &ir::Api,
    spec_name: &str,
    plans: &[FilePlan],
) -> Result<Vec<GeneratedFile>, String> {
    let jobs: Vec<(usize, Piece)> = plans
        .iter()
        .enumerate()
        .flat_map(|(file, plan)| plan.pieces.iter().map(move |&piece| (file, piece)))
        .collect();
    let (texts, _) = crate::threads::map_in_order(&jobs, |&(file, piece)| {
        render_piece(api, piece).map_err(|e| format!("{}: {e}", plans[file].path))
    });
    let mut texts = texts.into_iter();
    let mut files = Vec::with_capacity(plans.len());
    for plan in plans {
        let pieces: Vec<String> = texts
            .by_ref()
            .take(plan.pieces.len())
            .collect::<Result<_, _>>()?;
        files.push(GeneratedFile {
            path: plan.path.to_owned(),
            contents: format::finish(spec_name, &pieces),
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Emits and formats one piece (its text, to be joined with the file's other pieces).
pub fn render_piece(api: &ir::Api, piece: Piece) -> Result<String, String> {
    let docs = Docs::placeholders()
        .for_crate(&api.crate_name)
        .with_partial_eq(api.partial_eq);
    let tokens = emit::emit_piece(api, piece, &docs);
    format::render_piece(piece, tokens, &docs.into_blocks())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{generate, model, Options};

    fn inbox() -> (&'static [u8], Options) {
        let options = Options {
            spec_name: "spec/inbox-v2.yaml".to_owned(),
            strict: true,
        };
        (include_bytes!("../../spec/inbox-v2.yaml"), options)
    }

    /// Cutting files into pieces must not change a byte: one item per piece, the default and
    /// one piece per file give the same files.
    #[test]
    fn output_does_not_depend_on_piece_size() {
        let (spec, options) = inbox();
        let api = model(spec, &options).expect("the spec resolves");
        let render = |per_piece: usize| {
            render_files(&api, "spec", &plan_with(&api, per_piece)).expect("renders")
        };
        let whole = render(usize::MAX);
        assert!(whole.iter().any(|f| f.contents.contains("impl Client {")));
        assert_eq!(render(1), whole);
        assert_eq!(render(ITEMS_PER_PIECE), whole);
        assert_eq!(
            generate(spec, &options).expect("generates").files.len(),
            whole.len()
        );
    }

    /// Doc comments set aside as placeholders and put back give the bytes prettyplease prints
    /// for the same docs as attributes.
    #[test]
    fn doc_placeholders_expand_to_what_prettyplease_prints() {
        let (spec, options) = inbox();
        let api = model(spec, &options).expect("the spec resolves");
        let plans = plan(&api);
        let files = render_files(&api, "spec", &plans).expect("renders");
        let mut compared = 0;
        for plan in &plans {
            if plan.pieces.iter().any(|p| matches!(p, Piece::Text(_))) {
                continue; // operations.rs: its impl block is cut in pieces
            }
            let docs = Docs::attributes();
            let tokens: proc_macro2::TokenStream = plan
                .pieces
                .iter()
                .map(|&piece| emit::emit_piece(&api, piece, &docs))
                .collect();
            let plain = format::render(tokens, "spec").expect("formats");
            let rendered = files.iter().find(|f| f.path == plan.path).expect("file");
            assert_eq!(rendered.contents, plain, "{}", plan.path);
            compared += plain.matches("///").count();
        }
        assert!(compared > 500, "only {compared} doc lines compared");
    }
}
