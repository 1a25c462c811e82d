//! GitHub's REST description as a large real spec: `@octokit/openapi`, pinned, fetched with
//! `npm pack` into `.cache/github/` once.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::{cargo_check, fmt_dur, phases, synth, table, verdict, Context};

/// The pinned package version (its `info.version` is the same).
pub const OCTOKIT_OPENAPI: &str = "23.0.2";
/// The OpenAPI 3.0 variant in the package (`*.deref.json` inlines every `$ref`).
const SPEC_IN_PACKAGE: &str = "package/generated/api.github.com.json";

/// The spec file, fetched and unpacked when missing.
pub fn spec(cx: &Context) -> Result<PathBuf, String> {
    spec_in(&cx.root)
}

/// GitHub's spec file for the workspace at `root` (in `.cache/github/`), fetched with
/// `npm pack` and unpacked when missing.
pub fn spec_in(root: &Path) -> Result<PathBuf, String> {
    let dir = root.join(".cache/github");
    let unpacked = dir.join(format!("octokit-openapi-{OCTOKIT_OPENAPI}"));
    let spec = unpacked.join(SPEC_IN_PACKAGE);
    if spec.exists() {
        return Ok(spec);
    }
    fs::create_dir_all(&unpacked)
        .map_err(|e| format!("error: cannot create {}: {e}", unpacked.display()))?;
    let tarball = dir.join(format!("octokit-openapi-{OCTOKIT_OPENAPI}.tgz"));
    if !tarball.exists() {
        eprintln!("bench: npm pack @octokit/openapi@{OCTOKIT_OPENAPI} (about 29 MB) ...");
        let status = Command::new("npm")
            .current_dir(&dir)
            .args([
                "pack",
                "--silent",
                &format!("@octokit/openapi@{OCTOKIT_OPENAPI}"),
            ])
            // npm prints the tarball's name on stdout, which is the benchmark's report.
            .stdout(Stdio::null())
            .status()
            .map_err(|e| {
                format!("error: cannot run npm (Node.js is needed for `bench github`): {e}")
            })?;
        if !status.success() || !tarball.exists() {
            return Err(format!(
                "error: npm pack @octokit/openapi@{OCTOKIT_OPENAPI} failed ({status})"
            ));
        }
    }
    let status = Command::new("tar")
        .arg("xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(&unpacked)
        .arg(SPEC_IN_PACKAGE)
        .status()
        .map_err(|e| format!("error: cannot run tar: {e}"))?;
    if !status.success() || !spec.exists() {
        return Err(format!(
            "error: {SPEC_IN_PACKAGE} not found in {}",
            tarball.display()
        ));
    }
    Ok(spec)
}

/// Where `bench github` writes the standalone crate.
fn crate_dir(cx: &Context) -> PathBuf {
    cx.cache.join("crates/github-client")
}

/// `bench github`.
pub fn bench(cx: &Context) -> Result<String, String> {
    let path = spec(cx)?;
    let inputs = cx.cache.join("inputs");
    let input = synth::existing("github", &path, &inputs)?;
    eprintln!(
        "bench github: generating ({} schemas, {} operations) ...",
        input.schemas, input.operations
    );
    let runs = cx.options.runs.unwrap_or(3);
    let mut measured = phases::measure(&input, runs, true)?;
    let mut out = format!(
        "## GitHub's REST description (@octokit/openapi {OCTOKIT_OPENAPI}, api.github.com.json, lenient)\n\n"
    );
    let mut rows = vec![measured.clone()];
    let mut crate_spec = path.clone();
    if let Some(errors) = &measured.errors {
        let _ = writeln!(
            out,
            "Our generator **rejects** the spec even in lenient mode: {} error(s) stop it:\n",
            measured.error_pointers.len()
        );
        out.push_str(&groups_table(errors, "error"));
        let (patched, removed) = without_operations(&path, &measured.error_pointers, &inputs)?;
        let _ = writeln!(
            out,
            "\nTo time the remaining phases, `github-patched` is the same spec without the {} operation(s) those errors point at ({}).\n",
            removed.len(),
            removed.join(", ")
        );
        measured = phases::measure(&patched, runs, true)?;
        rows.push(measured.clone());
        crate_spec = patched.spec.clone();
    }
    out.push_str(&phases::phase_table(&rows));
    if measured.errors.is_some() {
        return Ok(out);
    }
    let _ = writeln!(
        out,
        "\nGenerated {} types, {} operations, {:.1} MiB of Rust; {} warnings (skipped or degraded constructs).",
        measured.types,
        measured.operations,
        measured.output_bytes as f64 / 1024.0 / 1024.0,
        measured.warnings
    );
    let process = regen_processes(&crate_spec, runs.max(5))?;
    let _ = writeln!(
        out,
        "`cargo xtask regen` as a user runs it, a fresh process into an empty directory (`xtask regen --lenient --no-report`, release build, median of {} runs): {}.",
        runs.max(5),
        fmt_dur(process)
    );
    let _ = writeln!(
        out,
        "Target: under 1 s: {} ({} as a process; {} in-process after warm-up passes).\n",
        verdict(process < Duration::from_secs(1)),
        fmt_dur(process),
        fmt_dur(measured.regen_fresh)
    );
    out.push_str("### Warnings by kind\n\n");
    out.push_str(&groups_table(&measured.warning_groups, "warning"));

    let dir = crate_dir(cx);
    let started = Instant::now();
    let written = crate::new_client::new_client(&crate_spec, &dir, Some("github-client"), false)?;
    let _ = writeln!(
        out,
        "\nStandalone crate `{}` written to {} in {} (`cargo xtask bench github-check` compiles it).",
        written.name,
        dir.strip_prefix(&cx.root).unwrap_or(&dir).display(),
        fmt_dur(started.elapsed())
    );
    Ok(out)
}

/// Median wall time of `runs` fresh `xtask regen` processes on `spec`, each into a new empty
/// directory: what a user waits for, start-up and exit included.
fn regen_processes(spec: &Path, runs: usize) -> Result<Duration, String> {
    let exe = std::env::current_exe().map_err(|e| format!("error: current_exe: {e}"))?;
    let scratch = crate::workspace_root()
        .join(".cache/bench/tmp")
        .join(format!("regen-process-{}", std::process::id()));
    let mut times = Vec::new();
    for i in 0..runs {
        let out = scratch.join(i.to_string());
        let started = Instant::now();
        let status = Command::new(&exe)
            .args(["regen", "--lenient", "--no-report", "--spec"])
            .arg(spec)
            .arg("--out")
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| format!("error: cannot start `xtask regen`: {e}"))?;
        times.push(started.elapsed());
        if !status.success() {
            return Err(format!("error: `xtask regen` on {} failed", spec.display()));
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(super::median(&mut times))
}

fn groups_table(groups: &[(String, usize, Vec<String>)], what: &str) -> String {
    let rows: Vec<Vec<String>> = groups
        .iter()
        .map(|(kind, count, examples)| {
            vec![
                count.to_string(),
                kind.replace('|', "\\|"),
                examples.join("<br>").replace('|', "\\|"),
            ]
        })
        .collect();
    table(&["count", what, "places (first 3)"], &rows)
}

/// A copy of the spec without the operations that `pointers` (`#/paths/P/METHOD/...`) point
/// into; the removed ones as `METHOD P`.
fn without_operations(
    spec: &std::path::Path,
    pointers: &[String],
    dir: &std::path::Path,
) -> Result<(synth::Input, Vec<String>), String> {
    let mut value = synth::read_value(spec)?;
    let mut removed = Vec::new();
    for pointer in pointers {
        let mut segments = pointer.trim_start_matches('#').split('/').skip(1);
        let (Some("paths"), Some(path), Some(method)) =
            (segments.next(), segments.next(), segments.next())
        else {
            return Err(format!(
                "error: cannot patch around {pointer} (not inside an operation)"
            ));
        };
        let path = path.replace("~1", "/").replace("~0", "~");
        if let Some(item) = value
            .get_mut("paths")
            .and_then(|p| p.get_mut(&path))
            .and_then(|i| i.as_object_mut())
        {
            if item.remove(method).is_some() {
                removed.push(format!("`{} {path}`", method.to_uppercase()));
            }
        }
    }
    let patched = dir.join("github-patched.json");
    fs::write(&patched, serde_json::to_string(&value).unwrap_or_default())
        .map_err(|e| format!("error: cannot write {}: {e}", patched.display()))?;
    Ok((synth::existing("github-patched", &patched, dir)?, removed))
}

/// `bench github-check`: does the standalone crate compile?
pub fn check(cx: &Context) -> Result<String, String> {
    let dir = crate_dir(cx);
    if !dir.join("Cargo.toml").exists() {
        return Err("error: no crate yet: run `cargo xtask bench github` first".to_owned());
    }
    eprintln!(
        "bench github-check: cargo check {} (this takes minutes) ...",
        dir.display()
    );
    let (ok, wall, errors) = cargo_check(cx, &dir)?;
    let mut out = format!("## GitHub's spec: does our output compile?\n\n`cargo check` of the standalone crate: **{}** in {}.\n", if ok { "compiles" } else { "fails" }, fmt_dur(wall));
    if !errors.is_empty() {
        let rows: Vec<Vec<String>> = errors
            .iter()
            .take(20)
            .map(|(kind, count, place)| {
                vec![count.to_string(), kind.replace('|', "\\|"), place.clone()]
            })
            .collect();
        out.push('\n');
        out.push_str(&table(&["count", "error", "first place"], &rows));
    }
    Ok(out)
}
