//! `cargo xtask corpus`: runs `new-client` on every document of a corpus of OpenAPI specs and
//! lints the results with `cargo clippy -- -D warnings` (a crate compiles when it builds
//! without a warning, as in a user's workspace that denies them), printing one table row per
//! document.
//!
//! The default corpus is the npm package `@readme/oas-examples` at a pinned version, fetched
//! with `npm pack` into `.cache/oas-examples/` (never committed): its `3.0/`, `3.1/` and `2.0/`
//! documents (`codegen::load` lowers 3.1 and converts Swagger 2.0 to the 3.0 model). All
//! generated crates become members of one temporary workspace with one target directory, so
//! dependencies are built once; `cargo clippy --message-format=json` errors are attributed to
//! crates by package id.
//!
//! Operations are counted per document: in the spec (read from the document itself, not from
//! the generator), generated, and skipped, each skip with the reason of the warning that
//! skipped it.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::{workspace_root, Flags};

/// The npm package of the default corpus.
pub const OAS_EXAMPLES: &str = "@readme/oas-examples";
/// Its pinned version (bump deliberately: new examples may need generator work).
pub const OAS_EXAMPLES_VERSION: &str = "8.2.2";

/// The `--subset` run for CI: one document per construct family and per input version (3.0,
/// 3.1 lowered, Swagger 2.0 converted), small enough to check in well under three minutes on
/// two cores. The whole corpus is `cargo xtask corpus` without `--subset`.
pub const SUBSET: &[&str] = &[
    "2.0/json/petstore-expanded.json",
    "2.0/yaml/api-with-examples.yaml",
    "2.0/yaml/petstore.yaml",
    "2.0/yaml/schema-circular.yaml",
    "3.0/yaml/petstore.yaml",
    "3.0/yaml/discriminators.yaml",
    "3.0/yaml/polymorphism.yaml",
    "3.0/yaml/complex-nesting.yaml",
    "3.0/yaml/schema-types.yaml",
    "3.0/yaml/schema-additional-properties.yaml",
    "3.0/yaml/circular.yaml",
    "3.0/yaml/parameters-style.yaml",
    "3.0/yaml/response-http-behavior.yaml",
    "3.0/json/readme-legacy.json",
    "3.1/yaml/petstore.yaml",
    "3.1/yaml/schema-types.yaml",
    "3.1/yaml/schema-validation-local.yaml",
    "3.1/yaml/security.yaml",
    "3.1/yaml/train-travel.yaml",
    "3.1/yaml/webhooks.yaml",
];

/// What `corpus` should do.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// Documents to run (`None`: the pinned `@readme/oas-examples`).
    pub dir: Option<PathBuf>,
    /// Unsupported constructs fail generation instead of being skipped.
    pub strict: bool,
    /// Only documents whose relative path contains this.
    pub filter: Option<String>,
    /// Only the documents listed in [`SUBSET`].
    pub subset: bool,
    /// Generate only; skip `cargo clippy`.
    pub no_check: bool,
    /// Where the crates and their target directory go (`None`: `<target>/corpus`).
    pub work: Option<PathBuf>,
}

/// The outcome for one document.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Path relative to the corpus directory.
    pub spec: String,
    /// `3.0.3`, `3.1.0`, `2.0`: the document's `openapi` or `swagger` field (empty: neither).
    pub version: String,
    /// Operations in the document (methods of its path items), counted without the generator.
    pub operations_in_spec: usize,
    /// What happened.
    pub status: Status,
}

/// One operation the generator did not generate, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedOperation {
    /// `GET /path`.
    pub operation: String,
    /// The reason, without the place (`header parameter`, `request body of type text/plain`).
    pub reason: String,
}

/// What happened to one document.
#[derive(Debug, Clone)]
pub enum Status {
    /// Not an OpenAPI document the generator reads (neither 3.0, 3.1 nor Swagger 2.0); the reason.
    NotOpenApi(String),
    /// Generation failed with these diagnostics.
    Failed {
        /// Rendered diagnostics.
        error: String,
        /// Time spent generating.
        elapsed: Duration,
    },
    /// A crate was generated.
    Generated {
        /// Crate name in the corpus workspace.
        crate_name: String,
        /// What was skipped or degraded, rendered, one per warning.
        skipped: Vec<String>,
        /// Other warnings (renames), rendered.
        notes: Vec<String>,
        /// Time spent generating.
        elapsed: Duration,
        /// `None` when not checked; `Some(errors)` otherwise (empty: it compiles).
        compile_errors: Option<Vec<String>>,
        /// Operations generated.
        operations: usize,
        /// Operations of the spec that were not generated, each with its reason.
        skipped_operations: Vec<SkippedOperation>,
    },
}

impl Entry {
    /// True when the document is OpenAPI and did not both generate and compile.
    pub fn failed(&self) -> bool {
        match &self.status {
            Status::NotOpenApi(_) => false,
            Status::Failed { .. } => true,
            Status::Generated { compile_errors, .. } => {
                compile_errors.as_ref().is_some_and(|e| !e.is_empty())
            }
        }
    }
}

/// `cargo xtask corpus [--dir DIR] [--strict] [--filter SUBSTR] [--subset] [--no-check]`.
pub fn run(args: &[String]) -> Result<(), String> {
    let mut flags = Flags::new(args);
    let request = Request {
        dir: flags.value("--dir")?.map(PathBuf::from),
        strict: flags.switch("--strict"),
        filter: flags.value("--filter")?,
        subset: flags.switch("--subset"),
        no_check: flags.switch("--no-check"),
        work: None,
    };
    flags.finish()?;
    let started = Instant::now();
    let entries = corpus(&request)?;
    print!("{}", render(&entries));
    let failed = entries.iter().filter(|e| e.failed()).count();
    println!(
        "corpus: {} documents in {:.0?}",
        entries.len(),
        started.elapsed()
    );
    if failed > 0 {
        return Err(format!(
            "corpus: {failed} OpenAPI document(s) did not generate and compile"
        ));
    }
    Ok(())
}

/// Runs the corpus and returns one entry per document, sorted by path.
pub fn corpus(request: &Request) -> Result<Vec<Entry>, String> {
    let root = workspace_root();
    let dir = match &request.dir {
        Some(dir) => dir.clone(),
        None => fetch_oas_examples(&root)?,
    };
    let mut documents = documents(&dir)?;
    if request.dir.is_none() {
        // The package's `test/` folder holds its own tooling, not examples.
        documents.retain(|(rel, _)| ["2.0/", "3.0/", "3.1/"].iter().any(|v| rel.starts_with(v)));
    }
    if request.subset {
        documents.retain(|(rel, _)| SUBSET.contains(&rel.as_str()));
    }
    if let Some(filter) = &request.filter {
        documents.retain(|(rel, _)| rel.contains(filter.as_str()));
    }
    if documents.is_empty() {
        return Err(format!(
            "corpus: no .json/.yaml documents selected under {}",
            dir.display()
        ));
    }

    let work = request.work.clone().unwrap_or_else(|| work_dir(&root));
    let crates_dir = work.join("crates");
    fs::create_dir_all(&crates_dir)
        .map_err(|e| format!("error: cannot create {}: {e}", crates_dir.display()))?;
    let mut entries = Vec::new();
    let mut members = Vec::new();
    for (rel, path) in documents {
        let bytes =
            fs::read(&path).map_err(|e| format!("error: cannot read {}: {e}", path.display()))?;
        let (version, operations_in_spec) = census(&bytes);
        let status = generate_one(&rel, &bytes, &crates_dir, request.strict)?;
        if let Status::Generated { crate_name, .. } = &status {
            members.push(crate_name.clone());
        }
        entries.push(Entry {
            spec: rel,
            version,
            operations_in_spec,
            status,
        });
    }
    remove_stale_crates(&crates_dir, &members)?;
    if !request.no_check && !members.is_empty() {
        let mut errors = check(&work, &members)?;
        for entry in &mut entries {
            if let Status::Generated {
                crate_name,
                compile_errors,
                ..
            } = &mut entry.status
            {
                *compile_errors = Some(errors.remove(crate_name.as_str()).unwrap_or_default());
            }
        }
    }
    Ok(entries)
}

/// The pinned `@readme/oas-examples`, unpacked under `.cache/oas-examples/<version>/package`;
/// fetched with `npm pack` when missing.
pub fn fetch_oas_examples(root: &Path) -> Result<PathBuf, String> {
    crate::npm::pack(
        &format!("{OAS_EXAMPLES}@{OAS_EXAMPLES_VERSION}"),
        &root.join(".cache/oas-examples").join(OAS_EXAMPLES_VERSION),
        "pass --dir DIR with OpenAPI documents",
    )
}

/// Every `.json`, `.yaml` and `.yml` file under `dir`, as (relative path, path), sorted.
pub fn documents(dir: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(current) = todo.pop() {
        let entries = fs::read_dir(&current)
            .map_err(|e| format!("error: cannot read {}: {e}", current.display()))?;
        for entry in entries {
            let path = entry
                .map_err(|e| format!("error: cannot read {}: {e}", current.display()))?
                .path();
            if path.is_dir() {
                todo.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e == "json" || e == "yaml" || e == "yml")
                && path.file_name().is_some_and(|n| n != "package.json")
            {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((rel, path));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Where the corpus crates and their target directory live: `<target>/corpus`.
fn work_dir(root: &Path) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let target = if target.is_absolute() {
        target
    } else {
        root.join(target)
    };
    target.join("corpus")
}

/// A crate name for a document: `3.0/json/petstore.json` -> `oas-3-0-json-petstore-json`.
pub fn crate_name(rel: &str) -> String {
    let mut name = String::from("oas-");
    for c in rel.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.ends_with('-') {
            name.push('-');
        }
    }
    name.trim_end_matches('-').to_owned()
}

/// The document's version field and its operations (methods of its path items; a path item
/// that is a `$ref` to another path counts that one's), read without the generator.
pub fn census(bytes: &[u8]) -> (String, usize) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return (String::new(), 0);
    };
    let Ok(yaml) = serde_yaml::from_str::<serde_yaml::Value>(text) else {
        return (String::new(), 0);
    };
    let Ok(doc) = serde_json::to_value(yaml) else {
        return (String::new(), 0);
    };
    let version = ["openapi", "swagger"]
        .iter()
        .find_map(|k| match &doc[k] {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .unwrap_or_default();
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let Some(paths) = doc["paths"].as_object() else {
        return (version, 0);
    };
    let operations = paths
        .values()
        .map(|item| {
            let item = match item["$ref"].as_str() {
                Some(r) => doc.pointer(r.trim_start_matches('#')).unwrap_or(item),
                None => item,
            };
            METHODS.iter().filter(|m| item.get(**m).is_some()).count()
        })
        .sum();
    (version, operations)
}

/// The reason of a warning that skipped an operation (the message without `unsupported: `, the
/// operation and the explanation in parentheses), or `None` when it skipped none.
pub fn skip_reason(message: &str) -> Option<String> {
    let cut = [
        "; operation `",
        "; the operation is skipped",
        "; operation is skipped",
    ]
    .iter()
    .filter_map(|m| message.find(m))
    .min()?;
    let reason = message[..cut]
        .strip_prefix("unsupported: ")
        .unwrap_or(&message[..cut]);
    let reason = match reason.find(" (") {
        Some(i) => &reason[..i],
        None => reason,
    };
    Some(reason.trim().to_owned())
}

/// `GET /path` of the operation a skip warning names: from the message (`operation `GET /x``)
/// or from its pointer (`#/paths/~1x/get/...`).
fn skipped_operation(d: &codegen::Diagnostic) -> Option<String> {
    if let Some(i) = d.message.find("; operation `") {
        let rest = &d.message[i + "; operation `".len()..];
        if let Some(end) = rest.find('`') {
            return Some(rest[..end].to_owned());
        }
    }
    let mut segments = d.pointer.strip_prefix("#/paths/")?.split('/');
    let path = segments.next()?.replace("~1", "/").replace("~0", "~");
    let method = segments.next()?;
    Some(format!("{} {path}", method.to_ascii_uppercase()))
}

fn generate_one(
    rel: &str,
    bytes: &[u8],
    crates_dir: &Path,
    strict: bool,
) -> Result<Status, String> {
    let options = codegen::Options {
        spec_name: rel.to_owned(),
        strict,
    };
    let started = Instant::now();
    let result = codegen::generate(bytes, &options);
    let elapsed = started.elapsed();
    let output = match result {
        Ok(output) => output,
        Err(diagnostics) => {
            let unsupported_version = diagnostics.items.iter().find(|d| {
                matches!(d.pointer.as_str(), "#/openapi" | "#/swagger" | "#")
                    && d.message.contains("OpenAPI version")
            });
            if let Some(d) = unsupported_version {
                let reason = d
                    .message
                    .strip_prefix("unsupported: ")
                    .unwrap_or(&d.message);
                return Ok(Status::NotOpenApi(reason.to_owned()));
            }
            return Ok(Status::Failed {
                error: diagnostics.to_string(),
                elapsed,
            });
        }
    };
    let render = |d: &codegen::Diagnostic| {
        codegen::Diagnostics::new(rel, vec![d.clone()])
            .to_string()
            .replace('\n', " ")
    };
    let mut skipped_operations: Vec<SkippedOperation> = Vec::new();
    for d in &output.warnings {
        let (Some(reason), Some(operation)) = (skip_reason(&d.message), skipped_operation(d))
        else {
            continue;
        };
        // An operation is counted once, under the first reason given for it.
        if !skipped_operations.iter().any(|s| s.operation == operation) {
            skipped_operations.push(SkippedOperation { operation, reason });
        }
    }
    let (skipped, notes): (Vec<&codegen::Diagnostic>, Vec<&codegen::Diagnostic>) = output
        .warnings
        .iter()
        .partition(|d| d.message.starts_with("unsupported:"));
    let crate_name = crate_name(rel);
    let title = if output.api.title.trim().is_empty() {
        rel.to_owned()
    } else {
        output.api.title.clone()
    };
    crate::scaffold::write_member_crate(
        &crates_dir.join(&crate_name),
        &crate_name,
        &title,
        &output.files,
    )?;
    Ok(Status::Generated {
        crate_name,
        skipped: skipped.into_iter().map(render).collect(),
        notes: notes.into_iter().map(render).collect(),
        elapsed,
        compile_errors: None,
        operations: output.api.operations.len(),
        skipped_operations,
    })
}

fn remove_stale_crates(crates_dir: &Path, members: &[String]) -> Result<(), String> {
    let entries = fs::read_dir(crates_dir)
        .map_err(|e| format!("error: cannot read {}: {e}", crates_dir.display()))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !members.contains(&name) {
            fs::remove_dir_all(entry.path())
                .map_err(|e| format!("error: cannot remove {}: {e}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// `cargo clippy -- -D warnings` of every member in one workspace; returns the rendered errors
/// (warnings included) per crate name.
fn check(
    work: &Path,
    members: &[String],
) -> Result<std::collections::BTreeMap<String, Vec<String>>, String> {
    let mut manifest = String::from("# Written by `cargo xtask corpus`: every generated crate of the corpus run.\n[workspace]\nresolver = \"2\"\nmembers = [\n");
    for member in members {
        let _ = writeln!(manifest, "    \"crates/{member}\",");
    }
    manifest.push_str("]\n\n[profile.dev]\ndebug = false\n");
    let manifest_path = work.join("Cargo.toml");
    fs::write(&manifest_path, manifest)
        .map_err(|e| format!("error: cannot write {}: {e}", manifest_path.display()))?;
    let lock = work.join("Cargo.lock");
    fs::write(&lock, crate::scaffold::CARGO_LOCK)
        .map_err(|e| format!("error: cannot write {}: {e}", lock.display()))?;
    eprintln!(
        "corpus: cargo clippy -D warnings of {} crate(s) in {}",
        members.len(),
        work.display()
    );
    let started = Instant::now();
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args([
            "clippy",
            "--workspace",
            "--keep-going",
            "--message-format=json",
            "--quiet",
            "--manifest-path",
        ])
        .arg(&manifest_path)
        .args(["--", "-D", "warnings"])
        .env("CARGO_TARGET_DIR", work.join("target"))
        .output()
        .map_err(|e| format!("error: cannot run cargo: {e}"))?;
    eprintln!("corpus: cargo clippy took {:.0?}", started.elapsed());
    let mut errors: std::collections::BTreeMap<String, Vec<String>> =
        std::collections::BTreeMap::new();
    let mut built: Vec<String> = Vec::new();
    let owner = |package_id: &str| -> Option<String> {
        members
            .iter()
            .find(|m| {
                package_id.contains(&format!("/crates/{m}#"))
                    || package_id.contains(&format!("#{m}@"))
                    || package_id.starts_with(&format!("{m} "))
            })
            .cloned()
    };
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let package_id = message["package_id"].as_str().unwrap_or("");
        let Some(member) = owner(package_id) else {
            continue;
        };
        match message["reason"].as_str() {
            Some("compiler-message") if message["message"]["level"] == "error" => {
                let rendered = message["message"]["rendered"]
                    .as_str()
                    .unwrap_or("")
                    .trim_end()
                    .to_owned();
                errors.entry(member).or_default().push(rendered);
            }
            Some("compiler-artifact") => built.push(member),
            _ => {}
        }
    }
    // A crate that neither built nor reported an error did not get checked: say so.
    for member in members {
        if !built.contains(member) && !errors.contains_key(member) {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let tail: Vec<&str> = stderr
                .lines()
                .rev()
                .take(20)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            errors.insert(
                member.clone(),
                vec![format!(
                    "not checked (cargo clippy exited with {}):\n{}",
                    output.status,
                    tail.join("\n")
                )],
            );
        }
    }
    Ok(errors)
}

/// Totals over a corpus run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// Documents run.
    pub documents: usize,
    /// Documents that are not OpenAPI the generator reads.
    pub not_openapi: usize,
    /// Documents that generated.
    pub generated: usize,
    /// Documents that generated and compiled.
    pub compiled: usize,
    /// Operations in the documents.
    pub operations_in_spec: usize,
    /// Operations generated.
    pub operations_generated: usize,
    /// Operations not generated, by reason (`not generated` when the document failed and
    /// `no warning` when an operation vanished without one), sorted by count then reason.
    pub skips: Vec<(String, usize)>,
}

/// Adds up a run.
pub fn totals(entries: &[Entry]) -> Totals {
    let mut t = Totals {
        documents: entries.len(),
        ..Totals::default()
    };
    let mut skips: std::collections::BTreeMap<String, usize> = Default::default();
    for entry in entries {
        t.operations_in_spec += entry.operations_in_spec;
        match &entry.status {
            Status::NotOpenApi(_) => {
                t.not_openapi += 1;
                *skips.entry("document not read".into()).or_default() += entry.operations_in_spec;
            }
            Status::Failed { .. } => {
                *skips.entry("document failed".into()).or_default() += entry.operations_in_spec;
            }
            Status::Generated {
                compile_errors,
                operations,
                skipped_operations,
                ..
            } => {
                t.generated += 1;
                if compile_errors.as_ref().is_some_and(|e| e.is_empty()) {
                    t.compiled += 1;
                }
                t.operations_generated += operations;
                for s in skipped_operations {
                    *skips.entry(s.reason.clone()).or_default() += 1;
                }
                let unexplained = entry
                    .operations_in_spec
                    .saturating_sub(operations + skipped_operations.len());
                if unexplained > 0 {
                    *skips.entry("no warning".into()).or_default() += unexplained;
                }
            }
        }
    }
    t.skips = skips.into_iter().filter(|(_, n)| *n > 0).collect();
    t.skips
        .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    t
}

/// The table, the totals, then every failure and every skipped item.
pub fn render(entries: &[Entry]) -> String {
    const COLUMNS: usize = 8;
    let mut rows: Vec<[String; COLUMNS]> = vec![[
        "spec".into(),
        "version".into(),
        "generated".into(),
        "compiles".into(),
        "time".into(),
        "operations".into(),
        "skipped".into(),
        "error".into(),
    ]];
    for entry in entries {
        let version = entry.version.clone();
        let in_spec = entry.operations_in_spec;
        let row = match &entry.status {
            Status::NotOpenApi(reason) => [
                entry.spec.clone(),
                version,
                "-".into(),
                "-".into(),
                "-".into(),
                format!("0/{in_spec}"),
                "-".into(),
                format!("not read ({})", first_line(reason)),
            ],
            Status::Failed { error, elapsed } => [
                entry.spec.clone(),
                version,
                "no".into(),
                "-".into(),
                millis(*elapsed),
                format!("0/{in_spec}"),
                "-".into(),
                first_line(error),
            ],
            Status::Generated {
                skipped,
                elapsed,
                compile_errors,
                operations,
                ..
            } => {
                let (compiles, error) = match compile_errors {
                    None => ("-".to_owned(), String::new()),
                    Some(e) if e.is_empty() => ("yes".to_owned(), String::new()),
                    Some(e) => ("no".to_owned(), first_line(&e[0])),
                };
                [
                    entry.spec.clone(),
                    version,
                    "yes".into(),
                    compiles,
                    millis(*elapsed),
                    format!("{operations}/{in_spec}"),
                    skipped.len().to_string(),
                    error,
                ]
            }
        };
        rows.push(row);
    }
    let widths: Vec<usize> = (0..COLUMNS)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, cell)| format!("{cell:<width$}", width = widths[c]))
            .collect();
        let _ = writeln!(out, "| {} |", cells.join(" | ").trim_end());
        if i == 0 {
            let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
            let _ = writeln!(out, "|-{}-|", rule.join("-|-"));
        }
    }
    let t = totals(entries);
    let skipped_items: usize = entries
        .iter()
        .map(|e| match &e.status {
            Status::Generated { skipped, .. } => skipped.len(),
            _ => 0,
        })
        .sum();
    let _ = writeln!(
        out,
        "\n{} document(s): {} generated, {} compiled, {} not read; operations: {} generated of {} in the specs; {skipped_items} item(s) skipped.",
        t.documents, t.generated, t.compiled, t.not_openapi, t.operations_generated, t.operations_in_spec
    );
    if !t.skips.is_empty() {
        let _ = writeln!(out, "operations not generated, by reason:");
        for (reason, n) in &t.skips {
            let _ = writeln!(out, "  {n:>5}  {reason}");
        }
    }
    for entry in entries {
        match &entry.status {
            Status::Failed { error, .. } => {
                let _ = writeln!(out, "\n{}: generation failed\n{error}", entry.spec);
            }
            Status::Generated {
                skipped,
                notes,
                compile_errors,
                skipped_operations,
                ..
            } => {
                if let Some(errors) = compile_errors.as_ref().filter(|e| !e.is_empty()) {
                    let _ = writeln!(
                        out,
                        "\n{}: does not compile ({} error(s))",
                        entry.spec,
                        errors.len()
                    );
                    for error in errors.iter().take(5) {
                        let _ = writeln!(out, "{error}");
                    }
                }
                if !skipped.is_empty() || !notes.is_empty() {
                    let _ = writeln!(
                        out,
                        "\n{}: {} skipped ({} operation(s)), {} other warning(s)",
                        entry.spec,
                        skipped.len(),
                        skipped_operations.len(),
                        notes.len()
                    );
                    for item in skipped.iter().chain(notes) {
                        let _ = writeln!(out, "  {item}");
                    }
                }
            }
            Status::NotOpenApi(_) => {}
        }
    }
    out
}

fn millis(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}

fn first_line(text: &str) -> String {
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    let mut short: String = line.chars().take(110).collect();
    if short.len() < line.len() {
        short.push('…');
    }
    short.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skip_reasons_drop_the_place_and_the_explanation() {
        assert_eq!(
            skip_reason("unsupported: header parameter (the runtime cannot send per-request headers yet); operation `GET /x` is skipped").as_deref(),
            Some("header parameter")
        );
        assert_eq!(
            skip_reason("unsupported: request body of type text/plain (only JSON bodies are supported; the runtime sends JSON only); the operation is skipped").as_deref(),
            Some("request body of type text/plain")
        );
        assert_eq!(skip_reason("unsupported: allOf members conflict"), None);
    }

    #[test]
    fn census_counts_methods_and_reads_the_version() {
        let doc = b"swagger: '2.0'\npaths:\n  /a: {get: {}, post: {}, parameters: []}\n  /b: {$ref: '#/paths/~1a'}\n";
        assert_eq!(census(doc), ("2.0".to_owned(), 4));
    }

    #[test]
    fn crate_names_are_unique_per_path() {
        assert_eq!(
            crate_name("3.0/json/petstore.json"),
            "oas-3-0-json-petstore-json"
        );
        assert_ne!(
            crate_name("3.0/json/petstore.json"),
            crate_name("3.0/yaml/petstore.yaml")
        );
    }
}
