//! The inbox-api generator: an OpenAPI spec (3.0; 3.1 and Swagger 2.0 are converted by `load`) in,
//! formatted Rust source files out.
//!
//! `load` parses, `resolve` builds the `ir` model, `emit` turns it into tokens, `format`
//! pretty-prints them. No file IO, no clock, no environment: the same spec always gives the
//! same bytes. `xtask` is the only caller that touches the file system.

pub mod diagnostics;
pub mod emit;
pub mod format;
pub mod ir;
pub mod load;
pub mod names;
pub mod report;
pub mod resolve;
mod threads;

pub use diagnostics::{Diagnostic, Diagnostics, Severity};

use std::time::{Duration, Instant};

/// How to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Name of the spec as shown in diagnostics and the generated header (`spec/inbox-v2.yaml`).
    pub spec_name: String,
    /// Unsupported constructs are errors (true) or warnings that skip or degrade (false).
    pub strict: bool,
}

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the output directory.
    pub path: String,
    /// Formatted contents.
    pub contents: String,
}

/// The result of a successful run.
#[derive(Debug, Clone)]
pub struct Output {
    /// The resolved model (used by change reports).
    pub api: ir::Api,
    /// Files to write, sorted by path.
    pub files: Vec<GeneratedFile>,
    /// Warnings: what was skipped or degraded.
    pub warnings: Vec<Diagnostic>,
}

/// Runs the whole pipeline on the bytes of a spec.
pub fn generate(spec: &[u8], options: &Options) -> Result<Output, Diagnostics> {
    let mut loaded = load::parse(&options.spec_name, spec)?;
    let diagnostics = resolve_loaded(&mut loaded, options);
    let (api, diagnostics) = diagnostics?;
    // The parsed spec is not needed for rendering: free it before the biggest allocations.
    drop(loaded);
    let (files, _) = render_files(&api, &options.spec_name).map_err(|message| {
        Diagnostics::new(&options.spec_name, vec![Diagnostic::error("#", message)])
    })?;
    Ok(Output {
        api,
        files,
        warnings: diagnostics.items,
    })
}

/// Time spent in [`render_files`], summed over its threads.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderStats {
    /// Emitting tokens ([`emit::emit_piece`]).
    pub emit: Duration,
    /// Parsing and pretty-printing them ([`format::render_piece`]).
    pub format: Duration,
    /// Threads that did the work.
    pub threads: usize,
}

/// Emits and formats every file of `api`, sorted by path.
///
/// The files are cut into pieces ([`emit::plan`]) that worker threads (one per core, at most
/// [`MAX_THREADS`]) emit and format independently; each piece's tokens and syntax tree are
/// dropped as soon as it is printed. The output does not depend on the number of threads.
pub fn render_files(
    api: &ir::Api,
    spec_name: &str,
) -> Result<(Vec<GeneratedFile>, RenderStats), String> {
    render_files_with(api, spec_name, emit::plan(api))
}

fn render_files_with(
    api: &ir::Api,
    spec_name: &str,
    plans: Vec<emit::FilePlan>,
) -> Result<(Vec<GeneratedFile>, RenderStats), String> {
    let jobs: Vec<(usize, emit::Piece)> = plans
        .iter()
        .enumerate()
        .flat_map(|(file, plan)| plan.pieces.iter().map(move |&piece| (file, piece)))
        .collect();
    let (rendered, threads) = threads::map_in_order(&jobs, |&(file, piece)| {
        let started = Instant::now();
        let (tokens, docs) = emit::emit_piece(api, piece);
        let emitted = Instant::now();
        let text = format::render_piece(piece, tokens, &docs)
            .map_err(|e| format!("{}: {e}", plans[file].path));
        (text, emitted - started, emitted.elapsed())
    });
    let mut stats = RenderStats {
        threads,
        ..RenderStats::default()
    };
    let mut texts = Vec::with_capacity(rendered.len());
    for (text, emit, format) in rendered {
        stats.emit += emit;
        stats.format += format;
        texts.push(text?);
    }
    let mut pieces = texts.into_iter();
    let mut files: Vec<GeneratedFile> = plans
        .iter()
        .map(|plan| {
            let texts: Vec<String> = pieces.by_ref().take(plan.pieces.len()).collect();
            GeneratedFile {
                path: plan.path.to_owned(),
                contents: format::finish(spec_name, &texts),
            }
        })
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((files, stats))
}

/// The most threads [`render_files`] uses.
pub const MAX_THREADS: usize = 8;

/// Resolves a spec into the model only (no code): for change reports and tests.
pub fn model(spec: &[u8], options: &Options) -> Result<ir::Api, Diagnostics> {
    let mut loaded = load::parse(&options.spec_name, spec)?;
    resolve_loaded(&mut loaded, options).map(|(api, _)| api)
}

/// Resolves a loaded spec; load's warnings (3.1 or Swagger 2.0 constructs with no 3.0 form)
/// come first, as errors in strict mode.
fn resolve_loaded(
    loaded: &mut load::Loaded,
    options: &Options,
) -> Result<(ir::Api, Diagnostics), Diagnostics> {
    let mut items = std::mem::take(&mut loaded.warnings);
    if options.strict {
        for d in &mut items {
            d.severity = Severity::Error;
        }
    }
    let (api, resolved) = resolve::resolve(loaded, options.strict);
    items.extend(resolved);
    let diagnostics = Diagnostics::new(&options.spec_name, items);
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    Ok((api, diagnostics))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cutting files into pieces must not change a byte: one item per piece, the default and
    /// one piece per file give the same files.
    #[test]
    fn output_does_not_depend_on_piece_size() {
        let spec = include_bytes!("../../spec/inbox-v2.yaml");
        let options = Options {
            spec_name: "spec/inbox-v2.yaml".to_owned(),
            strict: true,
        };
        let api = model(spec, &options).expect("the spec resolves");
        let render = |per_piece: usize| {
            render_files_with(&api, "spec", emit::plan_with(&api, per_piece))
                .expect("renders")
                .0
        };
        let whole = render(usize::MAX);
        assert!(whole.iter().any(|f| f.contents.contains("impl Client {")));
        assert_eq!(render(1), whole);
        assert_eq!(render(emit::ITEMS_PER_PIECE), whole);
        assert_eq!(
            generate(spec, &options).expect("generates").files.len(),
            whole.len()
        );
    }

    /// Doc comments set aside as placeholders and put back give the bytes prettyplease prints
    /// for the same docs as attributes.
    #[test]
    fn doc_placeholders_expand_to_what_prettyplease_prints() {
        let spec = include_bytes!("../../spec/inbox-v2.yaml");
        let options = Options {
            spec_name: "spec/inbox-v2.yaml".to_owned(),
            strict: true,
        };
        let api = model(spec, &options).expect("the spec resolves");
        let (files, _) = render_files(&api, "spec").expect("renders");
        let mut compared = 0;
        for plan in emit::plan(&api) {
            if plan
                .pieces
                .iter()
                .any(|p| matches!(p, emit::Piece::Text(_)))
            {
                continue; // operations.rs: its impl block is cut in pieces
            }
            let tokens: proc_macro2::TokenStream = plan
                .pieces
                .iter()
                .map(|&piece| emit::emit_piece_tokens(&api, piece))
                .collect();
            let plain = format::render(tokens, "spec").expect("formats");
            let rendered = files.iter().find(|f| f.path == plan.path).expect("file");
            assert_eq!(rendered.contents, plain, "{}", plan.path);
            compared += plain.matches("///").count();
        }
        assert!(compared > 500, "only {compared} doc lines compared");
    }
}
