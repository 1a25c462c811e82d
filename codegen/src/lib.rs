//! The inbox-api generator: an OpenAPI spec (3.0; 3.1 and Swagger 2.0 are converted by `load`) in,
//! formatted Rust source files out.
//!
//! `load` parses, `resolve` builds the `ir` model (every decision), `render` has `emit` print it
//! as tokens and `format` pretty-print them. No file IO, no clock, no environment: the same spec
//! always gives the same bytes. `xtask` is the only caller that touches the file system.

pub mod dedup;
pub mod diagnostics;
mod direct;
pub mod emit;
pub mod features;
pub mod format;
pub mod ir;
pub mod load;
pub mod names;
pub mod render;
pub mod report;
pub mod resolve;
mod threads;

pub use diagnostics::{Diagnostic, Diagnostics, Severity};

/// The whole pipeline: spec bytes -> model -> files.
pub fn generate(spec: &[u8], options: &Options) -> Result<Output, Diagnostics> {
    generate_with(spec, options, &Shape::default())
}

/// Choices about the shape of the emitted crate that do not change the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    /// Emit structurally identical structs and enums once ([`dedup`]); on by default.
    pub merge_identical: bool,
    /// One cargo feature per tag ([`features`]); off by default.
    pub tag_features: bool,
    /// The crate's name as its users write it in paths (`inbox_api`): the doc examples of
    /// operations name their types through it, and rustdoc compiles them as outside code.
    pub crate_name: String,
    /// Data types derive `PartialEq` (on by default). Comparing costs every clean build (GitHub's
    /// crate: 5 % of `cargo check`'s peak memory, 3 % of its time); `new-client` leaves it out
    /// unless asked (`--partial-eq`).
    pub partial_eq: bool,
    /// Types that are only ever sent implement `Deserialize` too (on by default). Off, they
    /// implement it only with the generated crate's `decode-requests` cargo feature
    /// ([`features::one_way`]): a client never reads its own requests, and on a large spec
    /// those impls are a large share of the build (Stripe's request bodies: ~half the types).
    pub decode_requests: bool,
    /// Types that are only ever received (responses, errors, events) implement `Serialize` too
    /// (on by default). Off, they implement it only with the generated crate's
    /// `encode-responses` cargo feature ([`features::one_way`]): a client never sends what it
    /// received unless its user re-serializes it, and those impls are a large share of a large
    /// spec's build.
    pub encode_responses: bool,
}

impl Default for Shape {
    fn default() -> Self {
        Shape {
            merge_identical: true,
            tag_features: false,
            crate_name: "inbox_api".to_owned(),
            partial_eq: true,
            decode_requests: true,
            encode_responses: true,
        }
    }
}

/// [`generate`] with a chosen [`Shape`]: with `tag_features` every operation and type is gated
/// by per-tag cargo features ([`Output::features`] lists them).
pub fn generate_with(spec: &[u8], options: &Options, shape: &Shape) -> Result<Output, Diagnostics> {
    // The raw component schemas and examples are freed one by one as they are deserialized
    // (resolve reads the raw document only under `paths` and for the schemas `$ref`s point
    // at outside the components, which are found first).
    let (mut loaded, pointed) = load::parse_for_resolve(&options.spec_name, spec)?;
    let resolved = resolve_loaded_unplaced(&mut loaded, &pointed, options);
    drop(pointed);
    let (mut api, mut warnings, unplaced) = resolved?;
    // Identical shapes are emitted once (the rest as aliases): the model is merged in place
    // for rendering and put back after, since `api` is returned as resolved (change reports
    // compare it). Meanwhile another core gives resolve's warnings their line and column (a
    // scan of the text) and frees the loaded document, which rendering does not need.
    // Freeing the typed document is the longer half of the side's work: the raw one is freed
    // here after merging, which balances the two cores.
    let raw = std::mem::take(&mut loaded.raw);
    let side = move || {
        resolve::place(&loaded.locator, &mut warnings[unplaced..]);
        drop(loaded);
        warnings
    };
    let merge = || {
        let merged = shape
            .merge_identical
            .then(|| dedup::merge_undoably(&mut api));
        drop(raw);
        if shape.tag_features {
            api.gates = Some(features::Gates::compute(&api));
        }
        api.crate_name.clone_from(&shape.crate_name);
        api.partial_eq = shape.partial_eq;
        if !(shape.decode_requests && shape.encode_responses) {
            let mut one_way = features::one_way(&api);
            if shape.decode_requests {
                one_way.sent.clear();
            }
            if shape.encode_responses {
                one_way.received.clear();
            }
            api.one_way = one_way;
        }
        merged
    };
    let (merged, warnings) = threads::beside(side, merge);
    let features = api
        .gates
        .as_ref()
        .map(|g| g.features.clone())
        .unwrap_or_default();
    let files = render::render_files(&api, &options.spec_name, &render::plan(&api))
        .map_err(|e| Diagnostics::new(&options.spec_name, vec![Diagnostic::error("#", e)]))?;
    api.gates = None; // as resolved
    api.one_way = Default::default();
    if let Some(merged) = merged {
        merged.undo(&mut api);
    }
    Ok(Output {
        api,
        files,
        warnings,
        features,
    })
}

/// Resolves a spec into the model only (no code): for change reports and tests.
pub fn model(spec: &[u8], options: &Options) -> Result<ir::Api, Diagnostics> {
    let mut loaded = load::parse(&options.spec_name, spec)?;
    Ok(resolve_loaded(&mut loaded, options)?.0)
}

/// The model and its warnings, or every diagnostic when one is an error. Load's warnings (3.1
/// or Swagger 2.0 constructs with no 3.0 form) come first, as errors in strict mode.
fn resolve_loaded(
    loaded: &mut load::Loaded,
    options: &Options,
) -> Result<(ir::Api, Vec<Diagnostic>), Diagnostics> {
    let pointed = resolve::pointed_schemas(&loaded.raw);
    let (api, mut items, unplaced) = resolve_loaded_unplaced(loaded, &pointed, options)?;
    resolve::place(&loaded.locator, &mut items[unplaced..]);
    Ok((api, items))
}

/// [`resolve_loaded`] with the diagnostics from `.2` on (resolve's) not yet given their line
/// and column when the model is usable ([`resolve::place`] does it); errors are placed.
fn resolve_loaded_unplaced(
    loaded: &mut load::Loaded,
    pointed: &std::collections::BTreeMap<String, resolve::Pointed>,
    options: &Options,
) -> Result<(ir::Api, Vec<Diagnostic>, usize), Diagnostics> {
    let mut items = std::mem::take(&mut loaded.warnings);
    if options.strict {
        for d in &mut items {
            d.severity = Severity::Error;
        }
    }
    let unplaced = items.len();
    let (api, resolved) = resolve::resolve_with(loaded, pointed, options.strict);
    items.extend(resolved);
    if items.iter().any(|d| d.severity == Severity::Error) {
        resolve::place(&loaded.locator, &mut items[unplaced..]);
        return Err(Diagnostics::new(&options.spec_name, items));
    }
    Ok((api, items, unplaced))
}

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
    /// Per-tag cargo features (name -> the tags it stands for), with [`Shape::tag_features`] only.
    pub features: std::collections::BTreeMap<String, Vec<String>>,
}
