//! `cargo xtask new-client`: a standalone client crate for any OpenAPI 3.0, 3.1 or Swagger 2.0
//! document.

use std::path::{Path, PathBuf};

use crate::Flags;

/// What `new-client` produced.
#[derive(Debug)]
pub struct NewClient {
    /// Crate name.
    pub name: String,
    /// What was skipped or degraded (`unsupported: ...`), with pointers.
    pub warnings: Vec<codegen::Diagnostic>,
}

/// `cargo xtask new-client --spec PATH --out DIR [--name NAME] [--strict] [--tag-features]
/// [--partial-eq]`.
///
/// `--tag-features`: one cargo feature per tag, so a user builds only the tags they call
/// (worth it for large specs; `all` is the default feature). `--partial-eq`: data types
/// derive `PartialEq` (see [`shape`]).
pub fn run(args: &[String]) -> Result<(), String> {
    let mut flags = Flags::new(args);
    let spec = flags
        .value("--spec")?
        .map(PathBuf::from)
        .ok_or("new-client needs --spec PATH")?;
    let out = flags
        .value("--out")?
        .map(PathBuf::from)
        .ok_or("new-client needs --out DIR")?;
    let name = flags.value("--name")?;
    let strict = flags.switch("--strict");
    let shape = codegen::Shape {
        tag_features: flags.switch("--tag-features"),
        partial_eq: flags.switch("--partial-eq"),
        ..shape()
    };
    flags.finish()?;
    let result = new_client_with(&spec, &out, name.as_deref(), strict, &shape)?;
    for warning in &result.warnings {
        eprintln!(
            "{}",
            codegen::Diagnostics::new(&spec.display().to_string(), vec![warning.clone()])
        );
    }
    println!(
        "wrote crate `{}` to {} ({} item(s) skipped or degraded); build it with: cargo check --manifest-path {}",
        result.name,
        out.display(),
        result.warnings.len(),
        out.join("Cargo.toml").display()
    );
    Ok(())
}

/// Generates a crate from `spec` into `out`. Unsupported constructs are skipped with warnings
/// unless `strict`.
pub fn new_client(
    spec: &Path,
    out: &Path,
    name: Option<&str>,
    strict: bool,
) -> Result<NewClient, String> {
    new_client_with(spec, out, name, strict, &shape())
}

/// The shape `new-client` gives a crate without options: identical types merged, no per-tag
/// features, no `PartialEq` (`--partial-eq` adds it), `Deserialize` of types only ever sent
/// behind the crate's `decode-requests` cargo feature, and `Serialize` of types only ever
/// received behind its `encode-responses` feature.
pub fn shape() -> codegen::Shape {
    codegen::Shape {
        partial_eq: false,
        decode_requests: false,
        encode_responses: false,
        ..codegen::Shape::default()
    }
}

/// [`new_client`] with a chosen [`codegen::Shape`] (per-tag cargo features, merging).
pub fn new_client_with(
    spec: &Path,
    out: &Path,
    name: Option<&str>,
    strict: bool,
    shape: &codegen::Shape,
) -> Result<NewClient, String> {
    crate::generating(|| generate_into(spec, out, name, strict, shape))
}

fn generate_into(
    spec: &Path,
    out: &Path,
    name: Option<&str>,
    strict: bool,
    shape: &codegen::Shape,
) -> Result<NewClient, String> {
    let bytes =
        std::fs::read(spec).map_err(|e| format!("error: cannot read {}: {e}", spec.display()))?;
    let options = codegen::Options {
        spec_name: spec.display().to_string(),
        strict,
    };
    let name = match name {
        Some(n) => n.to_owned(),
        None => crate_name(spec),
    };
    let shape = codegen::Shape {
        crate_name: name.replace('-', "_"),
        ..shape.clone()
    };
    let output = codegen::generate_with(&bytes, &options, &shape).map_err(|d| d.to_string())?;
    drop(bytes);
    let codegen::Output {
        api,
        files,
        warnings,
        features,
    } = output;
    // The model (a large tree of small allocations) is freed on another core while the files
    // are written.
    let title = api.title.clone();
    std::thread::scope(|scope| {
        scope.spawn(move || drop(api));
        crate::scaffold::write_client_crate_with_features(out, &name, &title, &files, &features)
    })?;
    Ok(NewClient { name, warnings })
}

/// A crate name from the spec's file name: `petstore-expanded.yaml` -> `petstore-expanded-client`.
pub fn crate_name(spec: &Path) -> String {
    let stem = spec
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    name = name.trim_matches('-').to_owned();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert_str(0, "api-");
    }
    format!("{name}-client")
}
