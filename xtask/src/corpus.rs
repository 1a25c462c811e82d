//! `cargo xtask corpus`: runs `new-client` on every document of a corpus of OpenAPI specs and
//! `cargo check`s the results, printing one table row per document.
//!
//! The default corpus is the npm package `@readme/oas-examples` at a pinned version, fetched
//! with `npm pack` into `.cache/oas-examples/` (never committed). Its `3.0/` documents are
//! generated; `3.1/` and `2.0/` ones are listed as "not 3.0". All generated crates become
//! members of one temporary workspace with one target directory, so dependencies are built
//! once; `cargo check --message-format=json` errors are attributed to crates by package id.

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

/// The `--subset` run for CI: one document per construct family, small enough to check fast.
pub const SUBSET: &[&str] = &[
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
    /// Generate only; skip `cargo check`.
    pub no_check: bool,
    /// Where the crates and their target directory go (`None`: `<target>/corpus`).
    pub work: Option<PathBuf>,
}

/// The outcome for one document.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Path relative to the corpus directory.
    pub spec: String,
    /// What happened.
    pub status: Status,
}

/// What happened to one document.
#[derive(Debug, Clone)]
pub enum Status {
    /// Not an OpenAPI 3.0 document (3.1, Swagger 2.0, or something else); the reason.
    NotOpenApi30(String),
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
    },
}

impl Entry {
    /// True when the document is OpenAPI 3.0 and did not both generate and compile.
    pub fn failed(&self) -> bool {
        match &self.status {
            Status::NotOpenApi30(_) => false,
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
            "corpus: {failed} OpenAPI 3.0 document(s) did not generate and compile"
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
        let status = generate_one(&rel, &path, &crates_dir, request.strict)?;
        if let Status::Generated { crate_name, .. } = &status {
            members.push(crate_name.clone());
        }
        entries.push(Entry { spec: rel, status });
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
    let cache = root.join(".cache/oas-examples").join(OAS_EXAMPLES_VERSION);
    let package = cache.join("package");
    if package.join("package.json").exists() {
        return Ok(package);
    }
    let io = |what: &str, path: &Path, e: std::io::Error| {
        format!("error: cannot {what} {}: {e}", path.display())
    };
    let staging = cache.with_extension("partial");
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(|e| io("clear", &staging, e))?;
    }
    fs::create_dir_all(&staging).map_err(|e| io("create", &staging, e))?;
    let spec = format!("{OAS_EXAMPLES}@{OAS_EXAMPLES_VERSION}");
    eprintln!("corpus: fetching {spec} with npm pack");
    let output = Command::new("npm")
        .args(["pack", &spec, "--silent", "--pack-destination"])
        .arg(&staging)
        .output()
        .map_err(|e| format!("error: cannot run npm ({e}); install Node.js, or pass --dir DIR with OpenAPI documents"))?;
    if !output.status.success() {
        return Err(format!(
            "error: npm pack {spec} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let tarball = fs::read_dir(&staging)
        .map_err(|e| io("read", &staging, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "tgz"))
        .ok_or_else(|| {
            format!(
                "error: npm pack {spec} wrote no .tgz into {}",
                staging.display()
            )
        })?;
    let status = Command::new("tar")
        .arg("-xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(&staging)
        .status()
        .map_err(|e| format!("error: cannot run tar: {e}"))?;
    if !status.success() {
        return Err(format!("error: cannot unpack {}", tarball.display()));
    }
    if cache.exists() {
        fs::remove_dir_all(&cache).map_err(|e| io("clear", &cache, e))?;
    }
    fs::rename(&staging, &cache).map_err(|e| io("move", &staging, e))?;
    Ok(package)
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

fn generate_one(rel: &str, path: &Path, crates_dir: &Path, strict: bool) -> Result<Status, String> {
    let bytes =
        fs::read(path).map_err(|e| format!("error: cannot read {}: {e}", path.display()))?;
    let options = codegen::Options {
        spec_name: rel.to_owned(),
        strict,
    };
    let started = Instant::now();
    let result = codegen::generate(&bytes, &options);
    let elapsed = started.elapsed();
    let output = match result {
        Ok(output) => output,
        Err(diagnostics) => {
            let not_30 = diagnostics.items.iter().find(|d| {
                d.pointer == "#/openapi"
                    && (d.message.contains("OpenAPI version")
                        || d.message.contains("without an `openapi: 3.0.x` field"))
            });
            if let Some(d) = not_30 {
                let text = String::from_utf8_lossy(&bytes);
                let reason = match d.message.find("OpenAPI version ") {
                    Some(i) => d.message[i..].split(" (").next().unwrap_or("").to_owned(),
                    None if text.contains("\"swagger\"") || text.contains("swagger:") => {
                        "Swagger 2.0".to_owned()
                    }
                    None => "no `openapi: 3.0.x` field".to_owned(),
                };
                return Ok(Status::NotOpenApi30(reason));
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

/// `cargo check`s every member in one workspace; returns the rendered errors per crate name.
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
        "corpus: cargo check of {} crate(s) in {}",
        members.len(),
        work.display()
    );
    let started = Instant::now();
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args([
            "check",
            "--workspace",
            "--keep-going",
            "--message-format=json",
            "--quiet",
            "--manifest-path",
        ])
        .arg(&manifest_path)
        .env("CARGO_TARGET_DIR", work.join("target"))
        .output()
        .map_err(|e| format!("error: cannot run cargo: {e}"))?;
    eprintln!("corpus: cargo check took {:.0?}", started.elapsed());
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
                    "not checked (cargo check exited with {}):\n{}",
                    output.status,
                    tail.join("\n")
                )],
            );
        }
    }
    Ok(errors)
}

/// The table, then every failure and every skipped item.
pub fn render(entries: &[Entry]) -> String {
    let mut rows: Vec<[String; 6]> = vec![[
        "spec".into(),
        "generated".into(),
        "compiles".into(),
        "time".into(),
        "skipped".into(),
        "error".into(),
    ]];
    for entry in entries {
        let row = match &entry.status {
            Status::NotOpenApi30(reason) => [
                entry.spec.clone(),
                "-".into(),
                "-".into(),
                "-".into(),
                "-".into(),
                format!("not 3.0 ({reason})"),
            ],
            Status::Failed { error, elapsed } => [
                entry.spec.clone(),
                "no".into(),
                "-".into(),
                millis(*elapsed),
                "-".into(),
                first_line(error),
            ],
            Status::Generated {
                skipped,
                elapsed,
                compile_errors,
                ..
            } => {
                let (compiles, error) = match compile_errors {
                    None => ("-".to_owned(), String::new()),
                    Some(e) if e.is_empty() => ("yes".to_owned(), String::new()),
                    Some(e) => ("no".to_owned(), first_line(&e[0])),
                };
                [
                    entry.spec.clone(),
                    "yes".into(),
                    compiles,
                    millis(*elapsed),
                    skipped.len().to_string(),
                    error,
                ]
            }
        };
        rows.push(row);
    }
    let widths: Vec<usize> = (0..6)
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
    let generated = entries
        .iter()
        .filter(|e| matches!(e.status, Status::Generated { .. }))
        .count();
    let compiled = entries.iter().filter(|e| matches!(&e.status, Status::Generated { compile_errors: Some(c), .. } if c.is_empty())).count();
    let not_30 = entries
        .iter()
        .filter(|e| matches!(e.status, Status::NotOpenApi30(_)))
        .count();
    let skipped: usize = entries
        .iter()
        .map(|e| match &e.status {
            Status::Generated { skipped, .. } => skipped.len(),
            _ => 0,
        })
        .sum();
    let _ = writeln!(out, "\n{} OpenAPI 3.0 document(s): {generated} generated, {compiled} compiled, {skipped} item(s) skipped; {not_30} not 3.0.", entries.len() - not_30);
    for entry in entries {
        match &entry.status {
            Status::Failed { error, .. } => {
                let _ = writeln!(out, "\n{}: generation failed\n{error}", entry.spec);
            }
            Status::Generated {
                skipped,
                notes,
                compile_errors,
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
                        "\n{}: {} skipped, {} renamed",
                        entry.spec,
                        skipped.len(),
                        notes.len()
                    );
                    for item in skipped.iter().chain(notes) {
                        let _ = writeln!(out, "  {item}");
                    }
                }
            }
            Status::NotOpenApi30(_) => {}
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
