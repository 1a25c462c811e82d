//! The inbox-api generator: an OpenAPI 3.0 spec in, formatted Rust source files out.
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

pub use diagnostics::{Diagnostic, Diagnostics, Severity};

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
    let loaded = load::parse(&options.spec_name, spec)?;
    let (api, diagnostics) = resolve::resolve(&loaded, options.strict);
    let diagnostics = Diagnostics::new(&options.spec_name, diagnostics);
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    let mut files = Vec::new();
    for file in emit::emit(&api) {
        let contents = format::render(file.tokens, &options.spec_name).map_err(|message| {
            Diagnostics::new(&options.spec_name, vec![Diagnostic::error("#", message)])
        })?;
        files.push(GeneratedFile {
            path: file.path.to_owned(),
            contents,
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Output {
        api,
        files,
        warnings: diagnostics.items,
    })
}

/// Resolves a spec into the model only (no code): for change reports and tests.
pub fn model(spec: &[u8], options: &Options) -> Result<ir::Api, Diagnostics> {
    let loaded = load::parse(&options.spec_name, spec)?;
    let (api, diagnostics) = resolve::resolve(&loaded, options.strict);
    let diagnostics = Diagnostics::new(&options.spec_name, diagnostics);
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    Ok(api)
}
