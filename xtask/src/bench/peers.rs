//! `bench peers`: progenitor and ploidy beside our generator, on the same JSON inputs, each a
//! process timed from outside (wall time, peak RSS from `/usr/bin/time`), writing a crate.
//! `bench peers-check`: `cargo check` of every output crate.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::synth::Input;
use super::{cargo_check, fmt_dur, fmt_kib, github, run_timed, table, verdict, Context};

/// A generator under comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Generator {
    Ours,
    Progenitor,
    Ploidy,
    /// openapi-generator's `rust` generator (Java), from the PyPI wheel that ships its jar.
    OpenApiTools,
}

/// openapi-generator's version: the PyPI package `openapi-generator-cli` of this version
/// carries the jar of the same version.
const OPENAPI_GENERATOR_VERSION: &str = "7.26.0";

impl Generator {
    /// The generators `bench peers` times (openapi-generator's JVM start-up would dominate
    /// there; `bench compile` has it).
    const ALL: [Generator; 3] = [Generator::Ours, Generator::Progenitor, Generator::Ploidy];

    /// Every generator, in the order of `bench compile`'s table.
    pub(super) const EVERY: [Generator; 4] = [
        Generator::Ours,
        Generator::Ploidy,
        Generator::Progenitor,
        Generator::OpenApiTools,
    ];

    pub(super) fn name(self) -> &'static str {
        match self {
            Generator::Ours => "ours (xtask new-client)",
            Generator::Progenitor => "progenitor 0.15.1",
            Generator::Ploidy => "ploidy 0.15.0",
            Generator::OpenApiTools => "openapi-generator 7.26.0 (rust)",
        }
    }

    /// The short name, also what `--generators` takes.
    pub(super) fn slug(self) -> &'static str {
        match self {
            Generator::Ours => "ours",
            Generator::Progenitor => "progenitor",
            Generator::Ploidy => "ploidy",
            Generator::OpenApiTools => "openapi-generator",
        }
    }

    /// `(crate, version, binary)` for `cargo install`.
    fn package(self) -> Option<(&'static str, &'static str, &'static str)> {
        match self {
            Generator::Ours | Generator::OpenApiTools => None,
            Generator::Progenitor => Some(("cargo-progenitor", "0.15.1", "cargo-progenitor")),
            Generator::Ploidy => Some(("ploidy", "0.15.0", "ploidy")),
        }
    }
}

/// openapi-generator's jar in `.cache/peers/openapi-generator/`, taken from the PyPI wheel
/// `openapi-generator-cli` (`pip download`) when missing. Maven Central, where the jar is
/// published first, is not reachable from every machine; PyPI is.
fn openapi_generator_jar(cx: &Context) -> Result<PathBuf, String> {
    let dir = cx.root.join(".cache/peers/openapi-generator");
    let jar = dir.join(format!(
        "openapi-generator-cli-{OPENAPI_GENERATOR_VERSION}.jar"
    ));
    if jar.exists() {
        return Ok(jar);
    }
    fs::create_dir_all(&dir).map_err(|e| format!("error: cannot create {}: {e}", dir.display()))?;
    let wheel = dir.join(format!(
        "openapi_generator_cli-{OPENAPI_GENERATOR_VERSION}-py3-none-any.whl"
    ));
    if !wheel.exists() {
        eprintln!(
            "bench: pip download openapi-generator-cli=={OPENAPI_GENERATOR_VERSION} (the jar, 30 MB) ..."
        );
        let output = Command::new("python3")
            .args([
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary=:all:",
                "-d",
            ])
            .arg(&dir)
            .arg(format!(
                "openapi-generator-cli=={OPENAPI_GENERATOR_VERSION}"
            ))
            .output()
            .map_err(|e| {
                format!("cannot run python3 -m pip (needed for openapi-generator): {e}")
            })?;
        if !output.status.success() || !wheel.exists() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let last = stderr
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("");
            return Err(format!(
                "`pip download openapi-generator-cli=={OPENAPI_GENERATOR_VERSION}` failed: {last}"
            ));
        }
    }
    // A wheel is a zip file; the jar is `openapi_generator_cli/openapi-generator.jar`.
    let output = Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile; open(sys.argv[3], 'wb').write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))",
        ])
        .arg(&wheel)
        .arg("openapi_generator_cli/openapi-generator.jar")
        .arg(&jar)
        .output()
        .map_err(|e| format!("cannot run python3 to unpack {}: {e}", wheel.display()))?;
    if !output.status.success() || !jar.exists() {
        let _ = fs::remove_file(&jar);
        return Err(format!(
            "no openapi-generator.jar in {}: {}",
            wheel.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(jar)
}

/// The generator's program, installing it into `.cache/peers` when missing.
pub(super) fn program(cx: &Context, generator: Generator) -> Result<PathBuf, String> {
    if generator == Generator::OpenApiTools {
        openapi_generator_jar(cx)?;
        let java = Command::new("java").arg("-version").output();
        if !java.is_ok_and(|o| o.status.success()) {
            return Err("openapi-generator needs Java (`java` on PATH)".to_owned());
        }
        return Ok(PathBuf::from("java"));
    }
    let Some((package, version, binary)) = generator.package() else {
        return std::env::current_exe().map_err(|e| format!("error: current_exe: {e}"));
    };
    let root = cx.root.join(".cache/peers");
    let path = root.join("bin").join(binary);
    if path.exists() {
        return Ok(path);
    }
    eprintln!("bench peers: cargo install {package} --version {version} --locked (minutes) ...");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args([
            "install",
            "--locked",
            "--quiet",
            "--version",
            version,
            "--root",
        ])
        .arg(&root)
        .arg(package)
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .map_err(|e| format!("cannot run cargo install: {e}"))?;
    if !output.status.success() || !path.exists() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr
            .lines()
            .rev()
            .find(|l| l.contains("error"))
            .unwrap_or("");
        return Err(format!(
            "`cargo install {package} --version {version}` failed: {last}"
        ));
    }
    Ok(path)
}

/// The arguments that generate a crate named `name` from `spec` into `out`.
pub(super) fn arguments(
    cx: &Context,
    generator: Generator,
    spec: &Path,
    out: &Path,
    name: &str,
) -> Vec<String> {
    let (spec, out) = (spec.display().to_string(), out.display().to_string());
    let jar = cx
        .root
        .join(".cache/peers/openapi-generator")
        .join(format!(
            "openapi-generator-cli-{OPENAPI_GENERATOR_VERSION}.jar"
        ))
        .display()
        .to_string();
    let list: Vec<&str> = match generator {
        Generator::Ours => vec!["new-client", "--spec", &spec, "--out", &out, "--name", name],
        Generator::Progenitor => vec![
            "progenitor",
            "-i",
            &spec,
            "-o",
            &out,
            "-n",
            name,
            "-v",
            "0.1.0",
        ],
        Generator::Ploidy => vec!["generate", "rust", &spec, "-o", &out, "--name", name],
        Generator::OpenApiTools => vec![
            "-jar",
            &jar,
            "generate",
            "-i",
            &spec,
            "-g",
            "rust",
            "-o",
            &out,
            "--package-name",
            name,
            // Otherwise the crate's version is the spec's `info.version`, which is no semver
            // for many specs (Stripe's `2024-04-10`): cargo refuses the manifest.
            "--additional-properties=packageVersion=0.1.0",
            // It rejects specs its validator dislikes (GitHub's) unless told not to check.
            "--skip-validate-spec",
        ],
    };
    list.into_iter().map(str::to_owned).collect()
}

/// The inputs: Inbox, its 10x and 100x copies, each also without `default` responses (which
/// progenitor cannot take), GitHub's spec (all as JSON).
fn inputs(cx: &Context) -> Result<Vec<Input>, String> {
    let dir = cx.cache.join("inputs");
    let mut list = Vec::new();
    for input in cx.inbox_inputs(&[10, 100])? {
        let variant = super::synth::without_default_responses(&input, &dir)?;
        list.push(input);
        list.push(variant);
    }
    if cx.wants("github") {
        let spec = github::spec(cx)?;
        list.push(super::synth::existing("github", &spec, &dir)?);
    }
    Ok(list.into_iter().filter(|i| cx.wants(&i.label)).collect())
}

fn out_dir(cx: &Context, generator: Generator, input: &Input) -> PathBuf {
    cx.cache
        .join("crates")
        .join(format!("{}-{}", generator.slug(), input.label))
}

/// One generator on one input.
struct Outcome {
    generator: Generator,
    /// `Err`: could not be installed or failed, with why.
    result: Result<(Duration, Option<u64>, usize), String>,
}

fn generate(cx: &Context, generator: Generator, input: &Input) -> Outcome {
    let result = (|| {
        let program = program(cx, generator)?;
        let out = out_dir(cx, generator, input);
        let name = format!("{}-{}", generator.slug(), input.label);
        let args = arguments(cx, generator, &input.json, &out, &name);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut walls = Vec::new();
        let mut peak = None;
        loop {
            if generator != Generator::Ours {
                // Ours keeps files that did not change; the peers get an empty directory.
                let _ = fs::remove_dir_all(&out);
            }
            let timed = run_timed(&program, &args, &cx.cache)?;
            if !timed.success {
                return Err(format!(
                    "generation failed: {}",
                    failure_summary(&format!("{}\n{}", timed.stderr, timed.stdout))
                ));
            }
            walls.push(timed.wall);
            peak = peak.max(timed.peak_kib);
            let enough = match walls[0].as_secs_f64() {
                s if s < 2.0 => 5,
                s if s < 20.0 => 3,
                _ => 1,
            };
            if walls.len() >= cx.options.runs.unwrap_or(enough) {
                break;
            }
        }
        let wall = super::median(&mut walls);
        Ok((wall, peak, rust_lines(&out)))
    })();
    Outcome { generator, result }
}

/// The gist of a failed run: a panic's place and message, or the first error lines.
pub(super) fn failure_summary(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .take_while(|l| !l.to_ascii_lowercase().starts_with("stack backtrace"))
        .filter(|l| !l.is_empty() && !l.starts_with("note:") && !l.starts_with("warning"))
        .collect();
    let registry = "/.cargo/registry/src/";
    lines
        .iter()
        .take(3)
        .map(|l| {
            let l = l.split_once(" panicked at ").map_or(*l, |(_, at)| at);
            match l.find(registry) {
                // `.../index.crates.io-HASH/progenitor-impl-0.15.1/src/x.rs` -> `progenitor-impl-0.15.1/src/x.rs`
                Some(i) => l[i + registry.len()..]
                    .split_once('/')
                    .map_or(l, |(_, rest)| rest),
                None => l,
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Lines of Rust under `dir` (the generated crate's size).
fn rust_lines(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            let path = e.path();
            if path.is_dir() {
                rust_lines(&path)
            } else if path.extension().is_some_and(|x| x == "rs") {
                fs::read_to_string(&path).map_or(0, |t| t.lines().count())
            } else {
                0
            }
        })
        .sum()
}

/// `bench peers`.
pub fn bench(cx: &Context) -> Result<String, String> {
    let mut out = String::from(
        "## Peers: time and peak memory of generating a crate, same inputs (JSON), same run\n\n",
    );
    let mut rows = Vec::new();
    let mut notes = Vec::new();
    let mut inbox_vs_progenitor = None;
    let mut github_vs_ploidy = None;
    let mut github_ours = None;
    let mut github_ours_peak = None;
    let mut inbox_vs_ploidy = None;
    for input in inputs(cx)? {
        eprintln!("bench peers: {} ...", input.label);
        let outcomes: Vec<Outcome> = Generator::ALL
            .iter()
            .map(|&g| generate(cx, g, &input))
            .collect();
        let ours = outcomes[0].result.as_ref().ok().cloned();
        for outcome in &outcomes {
            let mut row = vec![input.label.clone(), outcome.generator.name().to_owned()];
            match &outcome.result {
                Ok((wall, peak, lines)) => {
                    row.push("ok".to_owned());
                    row.push(fmt_dur(*wall));
                    row.push(peak.map(fmt_kib).unwrap_or_else(|| "n/a".into()));
                    row.push(lines.to_string());
                    match (&ours, outcome.generator) {
                        (Some(_), Generator::Ours) | (None, _) => {
                            row.push(String::new());
                            row.push(String::new());
                        }
                        (Some((our_wall, our_peak, _)), generator) => {
                            let ratio = our_wall.as_secs_f64() / wall.as_secs_f64();
                            row.push(format!("{ratio:.2}"));
                            row.push(match (our_peak, peak) {
                                (Some(a), Some(b)) => format!("{:.2}", *a as f64 / *b as f64),
                                _ => String::new(),
                            });
                            if (input.label == "inbox" || input.label == "inbox-nodefault")
                                && generator == Generator::Progenitor
                                && inbox_vs_progenitor.is_none()
                            {
                                inbox_vs_progenitor = Some(ratio);
                            }
                            if input.label == "github" && generator == Generator::Ploidy {
                                github_vs_ploidy = Some(ratio);
                            }
                            if input.label == "inbox" && generator == Generator::Ploidy {
                                inbox_vs_ploidy = Some(ratio);
                            }
                        }
                    }
                    if input.label == "github" && outcome.generator == Generator::Ours {
                        github_ours = Some(*wall);
                        github_ours_peak = *peak;
                    }
                }
                Err(why) => {
                    row.push("**failed**".to_owned());
                    row.extend(std::iter::repeat_n(String::new(), 5));
                    notes.push(format!(
                        "- {} on {}: {}",
                        outcome.generator.name(),
                        input.label,
                        why.replace('|', "\\|")
                    ));
                }
            }
            rows.push(row);
        }
    }
    out.push_str(&table(
        &[
            "input",
            "generator",
            "result",
            "time",
            "peak RSS",
            "lines of Rust",
            "ours/peer time",
            "ours/peer memory",
        ],
        &rows,
    ));
    out.push_str("\nEach generator is one process per run (median of up to 5 runs), timed from outside; peak RSS from `/usr/bin/time`. Ours is `xtask new-client` (lenient) writing a standalone crate, like the peers.\n");
    if !notes.is_empty() {
        out.push_str("\nFailures:\n");
        for note in notes {
            out.push_str(&note);
            out.push('\n');
        }
    }
    out.push_str("\nTargets:\n");
    let ratio = |r: Option<f64>, limit: f64| match r {
        Some(r) => format!("{r:.2} → {}", verdict(r <= limit)),
        None => "not measured (a generator failed or the input was not selected)".to_owned(),
    };
    let _ = writeln!(
        out,
        "- Inbox: ours ≤ 0.2× progenitor's time (on `inbox-nodefault` when progenitor rejects `inbox`): {}",
        ratio(inbox_vs_progenitor, 0.2)
    );
    let _ = writeln!(
        out,
        "- GitHub: ours ≤ 0.5× ploidy's time: {}",
        ratio(github_vs_ploidy, 0.5)
    );
    let _ = writeln!(
        out,
        "- GitHub: ours ≤ 0.15× ploidy's time (issue 17): {}",
        ratio(github_vs_ploidy, 0.15)
    );
    let _ = writeln!(
        out,
        "- GitHub: ours under 1 s: {}",
        match github_ours {
            Some(w) => format!("{} → {}", fmt_dur(w), verdict(w < Duration::from_secs(1))),
            None => "not measured".to_owned(),
        }
    );
    let _ = writeln!(
        out,
        "- GitHub: ours ≤ 200 MiB peak (issue 17): {}",
        match github_ours_peak {
            Some(kib) => format!("{} → {}", fmt_kib(kib), verdict(kib <= 200 * 1024)),
            None => "not measured".to_owned(),
        }
    );
    let _ = writeln!(
        out,
        "- Inbox: ours no slower than ploidy (issue 17): {}",
        ratio(inbox_vs_ploidy, 1.0)
    );
    Ok(out)
}

/// `bench peers-check`: does each generator's output compile?
pub fn check(cx: &Context) -> Result<String, String> {
    let mut rows = Vec::new();
    for input in inputs(cx)? {
        for generator in Generator::ALL {
            let dir = out_dir(cx, generator, &input);
            if !dir.join("Cargo.toml").exists() {
                rows.push(vec![
                    input.label.clone(),
                    generator.name().to_owned(),
                    "no output (run `bench peers` first, or generation failed)".to_owned(),
                    String::new(),
                    String::new(),
                ]);
                continue;
            }
            standalone(&dir)?;
            eprintln!("bench peers-check: cargo check {} ...", dir.display());
            let (ok, wall, errors) = cargo_check(cx, &dir)?;
            let first = errors
                .first()
                .map(|(kind, count, place)| {
                    format!(
                        "{count}× {} (first: {place}); {} error kinds",
                        kind.replace('|', "\\|"),
                        errors.len()
                    )
                })
                .unwrap_or_default();
            rows.push(vec![
                input.label.clone(),
                generator.name().to_owned(),
                if ok { "compiles" } else { "**fails**" }.to_owned(),
                fmt_dur(wall),
                first,
            ]);
        }
    }
    let mut out =
        String::from("## Peers: does the output compile? (`cargo check`, shared target dir)\n\n");
    out.push_str(&table(
        &[
            "input",
            "generator",
            "cargo check",
            "time",
            "most frequent error",
        ],
        &rows,
    ));
    Ok(out)
}

/// Makes a generated crate its own workspace (the peers' crates sit under ours in `.cache/`).
pub(super) fn standalone(dir: &Path) -> Result<(), String> {
    let path = dir.join("Cargo.toml");
    let text = fs::read_to_string(&path).map_err(|e| format!("error: {}: {e}", path.display()))?;
    if text.lines().any(|l| l.trim() == "[workspace]") {
        return Ok(());
    }
    fs::write(&path, format!("{text}\n[workspace]\n"))
        .map_err(|e| format!("error: cannot write {}: {e}", path.display()))
}
