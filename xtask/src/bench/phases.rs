//! Per-phase timings and peak memory of the generator, one fresh child process per input.
//!
//! The parent (`bench gen|scale|github`) starts `xtask bench __phases --spec ...` for each
//! input; the child times load, resolve, render (emit and format, in parallel pieces) and
//! write `runs` times with the generator's public phase functions, then the real `xtask::regen::regen` end to end (into an
//! empty directory, and again into an up-to-date one), and prints one `BENCH-RESULT {json}`
//! line. Peak memory is the child's `VmHWM` after one `codegen::generate` (a process that has
//! generated once and holds nothing else; writing the files is not included).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::synth::Input;
use super::{fmt_dur, fmt_kib, median, table, vmhwm_kib};
use crate::Flags;

/// Phases in pipeline order. `render` is emit + format, which run together on worker threads
/// ([`codegen::render::render_files`]); its wall time counts here, its parts (emit and format,
/// timed apart piece by piece after the pass) are reported beside it.
pub const PHASES: [&str; 4] = ["load", "resolve", "render", "write"];

/// What one child measured.
#[derive(Debug, Clone)]
pub struct Measured {
    /// The input.
    pub input: Input,
    /// Median per phase, in `PHASES` order.
    pub phases: [Duration; 4],
    /// Median time spent emitting tokens, summed over the render threads.
    pub emit_threads: Duration,
    /// Median time spent formatting, summed over the render threads.
    pub format_threads: Duration,
    /// Render threads used.
    pub threads: usize,
    /// Median CPU time of one pass, all threads.
    pub cpu: Duration,
    /// Median of `xtask::regen::regen` into an empty directory (read + generate + write).
    pub regen_fresh: Duration,
    /// Median of `xtask::regen::regen` when every file is up to date (the common re-run).
    pub regen_unchanged: Duration,
    /// Median of the change report's extra work (a second model + compare; `git show` not
    /// included).
    pub change_report: Duration,
    /// Peak resident memory after one complete pass, KiB.
    pub peak_kib: Option<u64>,
    /// Types, operations and files generated, bytes of output.
    pub types: usize,
    /// Operations generated.
    pub operations: usize,
    /// Bytes of generated Rust.
    pub output_bytes: usize,
    /// Warnings in total.
    pub warnings: usize,
    /// Warning kind -> (count, example places).
    pub warning_groups: Vec<(String, usize, Vec<String>)>,
    /// Timed runs.
    pub runs: usize,
    /// The generator rejected the spec: errors grouped like the warnings (only load and
    /// resolve were timed).
    pub errors: Option<Vec<(String, usize, Vec<String>)>>,
    /// Pointers of every error, when rejected.
    pub error_pointers: Vec<String>,
}

impl Measured {
    /// Sum of the phase medians.
    pub fn total(&self) -> Duration {
        self.phases.iter().sum()
    }
}

/// Runs the child for `input` and parses its result.
pub fn measure(input: &Input, runs: usize, lenient: bool) -> Result<Measured, String> {
    let exe = std::env::current_exe().map_err(|e| format!("error: current_exe: {e}"))?;
    let mut command = Command::new(exe);
    command
        .args(["bench", "__phases", "--spec"])
        .arg(&input.spec)
        .args(["--runs", &runs.to_string()]);
    if lenient {
        command.arg("--lenient");
    }
    let output = command
        .output()
        .map_err(|e| format!("error: cannot start the benchmark child: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let Some(line) = stdout.lines().find_map(|l| l.strip_prefix("BENCH-RESULT ")) else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(30).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!(
            "error: the benchmark child for {} failed ({}):\n{}",
            input.label,
            output.status,
            tail.join("\n")
        ));
    };
    let v: Value = serde_json::from_str(line).map_err(|e| format!("error: child result: {e}"))?;
    let samples = |key: &str| -> Duration {
        let mut list: Vec<Duration> = v[key]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_u64)
                    .map(Duration::from_nanos)
                    .collect()
            })
            .unwrap_or_default();
        median(&mut list)
    };
    let mut phases = [Duration::ZERO; 4];
    for (slot, name) in phases.iter_mut().zip(PHASES) {
        *slot = samples(name);
    }
    let groups_of = |key: &str| -> Vec<(String, usize, Vec<String>)> {
        v[key]
            .as_array()
            .map(|groups| {
                groups
                    .iter()
                    .map(|g| {
                        (
                            g["kind"].as_str().unwrap_or_default().to_owned(),
                            g["count"].as_u64().unwrap_or(0) as usize,
                            g["examples"]
                                .as_array()
                                .map(|e| {
                                    e.iter()
                                        .filter_map(Value::as_str)
                                        .map(str::to_owned)
                                        .collect()
                                })
                                .unwrap_or_default(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let count = |key: &str| v[key].as_u64().unwrap_or(0) as usize;
    Ok(Measured {
        input: input.clone(),
        phases,
        emit_threads: samples("emit_threads"),
        format_threads: samples("format_threads"),
        threads: v["threads"].as_u64().unwrap_or(0) as usize,
        cpu: samples("cpu"),
        regen_fresh: samples("regen_fresh"),
        regen_unchanged: samples("regen_unchanged"),
        change_report: samples("change_report"),
        peak_kib: v["peak_kib"].as_u64(),
        types: count("types"),
        operations: count("operations"),
        output_bytes: count("output_bytes"),
        warnings: count("warnings"),
        warning_groups: groups_of("warning_groups"),
        runs,
        errors: (v["failed"] == true).then(|| groups_of("error_groups")),
        error_pointers: v["error_pointers"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
    })
}

/// The phase table, one row per input.
pub fn phase_table(rows: &[Measured]) -> String {
    let headers = [
        "input",
        "schemas",
        "ops",
        "spec",
        "load",
        "resolve",
        "render (emit + format)",
        "write",
        "sum",
        "emit, Σ threads",
        "format, Σ threads",
        "threads",
        "CPU",
        "regen e2e (fresh)",
        "regen e2e (up to date)",
        "+change report",
        "peak RSS",
        "runs",
    ];
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|m| {
            let mut row = vec![
                m.input.label.clone(),
                m.input.schemas.to_string(),
                m.input.operations.to_string(),
                format!("{:.0} KiB", m.input.bytes as f64 / 1024.0),
            ];
            if m.errors.is_some() {
                row.extend(m.phases[..2].iter().map(|d| fmt_dur(*d)));
                row.extend(std::iter::repeat_n("rejected".to_owned(), 10));
            } else {
                row.extend(m.phases.iter().map(|d| fmt_dur(*d)));
                row.push(fmt_dur(m.total()));
                row.push(fmt_dur(m.emit_threads));
                row.push(fmt_dur(m.format_threads));
                row.push(m.threads.to_string());
                row.push(fmt_dur(m.cpu));
                row.push(fmt_dur(m.regen_fresh));
                row.push(fmt_dur(m.regen_unchanged));
                row.push(fmt_dur(m.change_report));
            }
            row.push(m.peak_kib.map(fmt_kib).unwrap_or_else(|| "n/a".into()));
            row.push(m.runs.to_string());
            row
        })
        .collect();
    table(&headers, &body)
}

/// Time per component schema at each scale, and the growth exponent between consecutive
/// scales (`log(t2/t1) / log(n2/n1)`: 1.0 is linear, 2.0 quadratic).
///
/// The verdict uses CPU time (all threads): it measures the work, which is what grows or
/// does not; wall time on a shared 2-core machine moves by a quarter between runs.
pub fn linearity(rows: &[Measured]) -> (String, bool) {
    let mut headers = vec!["input".to_owned()];
    headers.extend(PHASES.iter().map(|p| format!("{p} µs/schema")));
    headers.push("sum µs/schema".to_owned());
    headers.push("CPU µs/schema".to_owned());
    headers.push("peak RSS KiB/schema".to_owned());
    let per = |d: Duration, n: usize| format!("{:.1}", d.as_secs_f64() * 1e6 / n.max(1) as f64);
    let mut body = Vec::new();
    for m in rows {
        let mut row = vec![m.input.label.clone()];
        row.extend(m.phases.iter().map(|d| per(*d, m.input.schemas)));
        row.push(per(m.total(), m.input.schemas));
        row.push(per(m.cpu, m.input.schemas));
        row.push(
            m.peak_kib
                .map(|k| format!("{:.1}", k as f64 / m.input.schemas.max(1) as f64))
                .unwrap_or_default(),
        );
        body.push(row);
    }
    let mut linear = true;
    for pair in rows.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let scale = b.input.schemas as f64 / a.input.schemas.max(1) as f64;
        let exponent = |ta: f64, tb: f64| {
            if ta <= 0.0 || tb <= 0.0 || scale <= 1.0 {
                f64::NAN
            } else {
                (tb / ta).ln() / scale.ln()
            }
        };
        let mut row = vec![format!(
            "exponent {}→{}",
            a.input.label.trim_start_matches("inbox-"),
            b.input.label.trim_start_matches("inbox-")
        )];
        for (ta, tb) in a.phases.iter().zip(&b.phases) {
            row.push(format!(
                "{:.2}",
                exponent(ta.as_secs_f64(), tb.as_secs_f64())
            ));
        }
        let total = exponent(a.total().as_secs_f64(), b.total().as_secs_f64());
        let cpu = exponent(a.cpu.as_secs_f64(), b.cpu.as_secs_f64());
        // Only the largest step decides: below it fixed costs dominate and the exponent is < 1.
        if b.input.schemas >= 1000 && (cpu.is_nan() || cpu > 1.15) {
            linear = false;
        }
        row.push(format!("{total:.2}"));
        row.push(format!("{cpu:.2}"));
        row.push(match (a.peak_kib, b.peak_kib) {
            (Some(x), Some(y)) => format!("{:.2}", exponent(x as f64, y as f64)),
            _ => String::new(),
        });
        body.push(row);
    }
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    (table(&headers, &body), linear)
}

/// The child: `bench __phases --spec PATH --runs N [--lenient]`, with the memory settings of the
/// commands it measures ([`crate::generating`]).
pub fn child(args: &[String]) -> Result<(), String> {
    crate::generating(|| child_here(args))
}

fn child_here(args: &[String]) -> Result<(), String> {
    let mut flags = Flags::new(args);
    let spec = PathBuf::from(flags.value("--spec")?.ok_or("__phases needs --spec")?);
    let runs: usize = flags
        .value("--runs")?
        .map(|r| r.parse().map_err(|_| "--runs needs a number"))
        .transpose()?
        .unwrap_or(10)
        .max(1);
    let lenient = flags.switch("--lenient");
    flags.finish()?;

    let root = crate::workspace_root();
    let scratch = root
        .join(".cache/bench/tmp")
        .join(format!("phases-{}", std::process::id()));
    let _ = fs::remove_dir_all(&scratch);
    let bytes =
        fs::read(&spec).map_err(|e| format!("error: cannot read {}: {e}", spec.display()))?;
    let options = codegen::Options {
        spec_name: spec
            .strip_prefix(&root)
            .unwrap_or(&spec)
            .display()
            .to_string(),
        strict: !lenient,
    };

    // `codegen::generate` once, then the peak: what generating once costs (its pipeline frees
    // the raw document early, which the phase functions below, timed one by one, cannot).
    let _ = std::hint::black_box(codegen::generate(&bytes, &options));
    let peak_kib = vmhwm_kib();
    let first = match pass(&bytes, &options, &scratch.join("pass-0"))? {
        Ok(first) => first,
        Err(failed) => return report_failure(&bytes, &options, runs, failed),
    };
    let mut samples: BTreeMap<&str, Vec<u128>> = BTreeMap::new();
    for i in 0..runs {
        let p = pass(&bytes, &options, &scratch.join(format!("pass-{}", i + 1)))?
            .map_err(|f| f.diagnostics.to_string())?;
        for (name, d) in PHASES.iter().zip(p.times) {
            samples.entry(name).or_default().push(d.as_nanos());
        }
        samples
            .entry("emit_threads")
            .or_default()
            .push(p.render.emit.as_nanos());
        samples
            .entry("format_threads")
            .or_default()
            .push(p.render.format.as_nanos());
        samples.entry("cpu").or_default().push(p.cpu.as_nanos());
    }

    // The real command, end to end (no change report: it needs `git show`).
    let request = |out: PathBuf| crate::regen::Request {
        spec: spec.clone(),
        out,
        check: false,
        lenient,
        against: None,
        report: None,
        impact: false,
    };
    for i in 0..runs {
        let out = scratch.join(format!("regen-{i}"));
        let started = Instant::now();
        crate::regen::regen(&request(out))?;
        samples
            .entry("regen_fresh")
            .or_default()
            .push(started.elapsed().as_nanos());
    }
    for _ in 0..runs {
        let started = Instant::now();
        crate::regen::regen(&request(scratch.join("regen-0")))?;
        samples
            .entry("regen_unchanged")
            .or_default()
            .push(started.elapsed().as_nanos());
    }
    // What the change report adds on top: the baseline's model and the comparison.
    for _ in 0..runs {
        let started = Instant::now();
        let old = codegen::model(&bytes, &options).map_err(|d| d.to_string())?;
        let report = codegen::report::compare(&old, &first.api);
        std::hint::black_box(report);
        samples
            .entry("change_report")
            .or_default()
            .push(started.elapsed().as_nanos());
    }
    let _ = fs::remove_dir_all(&scratch);

    let groups: Vec<Value> = group_warnings(&first.warnings, &options.spec_name)
        .into_iter()
        .map(|(kind, count, examples)| json!({"kind": kind, "count": count, "examples": examples}))
        .collect();
    let mut result = json!({
        "peak_kib": peak_kib,
        "types": first.api.types.len(),
        "operations": first.api.operations.len(),
        "output_bytes": first.output_bytes,
        "threads": first.render.threads,
        "warnings": first.warnings.len(),
        "warning_groups": groups,
    });
    for (key, list) in samples {
        result[key] = json!(list);
    }
    println!("BENCH-RESULT {result}");
    Ok(())
}

/// A spec the generator rejects: the load and resolve times are still measured, and the
/// errors are reported grouped by kind with their places.
fn report_failure(
    bytes: &[u8],
    options: &codegen::Options,
    runs: usize,
    failed: Failed,
) -> Result<(), String> {
    let peak_kib = vmhwm_kib();
    let mut load = Vec::new();
    let mut resolve = Vec::new();
    for _ in 0..runs {
        let t0 = Instant::now();
        let loaded = codegen::load::parse(&options.spec_name, bytes).map_err(|d| d.to_string())?;
        let t1 = Instant::now();
        std::hint::black_box(codegen::resolve::resolve(&loaded, options.strict));
        load.push((t1 - t0).as_nanos());
        resolve.push(t1.elapsed().as_nanos());
    }
    let groups = |severity: codegen::Severity| -> Vec<Value> {
        let items: Vec<codegen::Diagnostic> = failed
            .diagnostics
            .items
            .iter()
            .filter(|d| d.severity == severity)
            .cloned()
            .collect();
        group_warnings(&items, &options.spec_name)
            .into_iter()
            .map(|(kind, count, examples)| json!({"kind": kind, "count": count, "examples": examples}))
            .collect()
    };
    let error_pointers: Vec<&str> = failed
        .diagnostics
        .errors()
        .map(|d| d.pointer.as_str())
        .collect();
    let result = json!({
        "failed": true,
        "peak_kib": peak_kib,
        "load": load,
        "resolve": resolve,
        "warnings": failed.diagnostics.warnings().count(),
        "warning_groups": groups(codegen::Severity::Warning),
        "error_groups": groups(codegen::Severity::Error),
        "error_pointers": error_pointers,
    });
    println!("BENCH-RESULT {result}");
    Ok(())
}

/// CPU time of the whole process (every thread, including finished ones), ns.
fn process_cpu_ns() -> u64 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid, writable timespec; the clock id is a constant of the platform.
    let ok = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut now) } == 0;
    if !ok {
        return 0;
    }
    (now.tv_sec as u64) * 1_000_000_000 + now.tv_nsec as u64
}

/// Resolve reported errors.
struct Failed {
    diagnostics: codegen::Diagnostics,
}

struct Pass {
    times: [Duration; 4],
    /// Emit and format times of the pieces, timed apart after the pass.
    render: RenderParts,
    /// CPU time of the pass, all threads: the work done, which other processes on the machine
    /// do not inflate.
    cpu: Duration,
    api: codegen::ir::Api,
    warnings: Vec<codegen::Diagnostic>,
    output_bytes: usize,
}

/// One pipeline pass through the public phase functions, as `codegen::generate` chains them,
/// then the files written the way `regen` writes them (read the old file, compare, write a
/// temporary file, rename).
fn pass(
    bytes: &[u8],
    options: &codegen::Options,
    out: &Path,
) -> Result<Result<Pass, Failed>, String> {
    let name = &options.spec_name;
    let cpu0 = process_cpu_ns();
    let t0 = Instant::now();
    let loaded = codegen::load::parse(name, bytes).map_err(|d| d.to_string())?;
    let t1 = Instant::now();
    let (api, diagnostics) = codegen::resolve::resolve(&loaded, options.strict);
    let diagnostics = codegen::Diagnostics::new(name, diagnostics);
    if diagnostics.has_errors() {
        return Ok(Err(Failed { diagnostics }));
    }
    let t2 = Instant::now();
    let files = codegen::render::render_files(&api, name, &codegen::render::plan(&api))?;
    let t4 = Instant::now();
    fs::create_dir_all(out).map_err(|e| format!("error: cannot create {}: {e}", out.display()))?;
    for file in &files {
        let (path, contents) = (&file.path, &file.contents);
        let target = out.join(path);
        if fs::read_to_string(&target).ok().as_deref() == Some(contents.as_str()) {
            continue;
        }
        let temp = out.join(format!(".{path}.regen-tmp"));
        fs::write(&temp, contents).map_err(|e| format!("error: {}: {e}", temp.display()))?;
        fs::rename(&temp, &target).map_err(|e| format!("error: {}: {e}", target.display()))?;
    }
    let t5 = Instant::now();
    let cpu = Duration::from_nanos(process_cpu_ns().saturating_sub(cpu0));
    drop(loaded);
    let render = render_parts(&api)?;
    Ok(Ok(Pass {
        times: [t1 - t0, t2 - t1, t4 - t2, t5 - t4],
        render,
        cpu,
        api,
        warnings: diagnostics.items,
        output_bytes: files.iter().map(|f| f.contents.len()).sum(),
    }))
}

/// Time spent emitting and formatting every piece (what the render threads share), and the
/// threads `render_files` uses for them. Timed here, one piece after another, outside the
/// pass: codegen reads no clock.
struct RenderParts {
    emit: Duration,
    format: Duration,
    threads: usize,
}

fn render_parts(api: &codegen::ir::Api) -> Result<RenderParts, String> {
    let mut parts = RenderParts {
        emit: Duration::ZERO,
        format: Duration::ZERO,
        threads: 0,
    };
    let mut pieces = 0;
    for plan in codegen::render::plan(api) {
        for piece in plan.pieces {
            pieces += 1;
            let started = Instant::now();
            let docs = codegen::emit::Docs::placeholders();
            let tokens = codegen::emit::emit_piece(api, piece, &docs);
            let emitted = Instant::now();
            codegen::format::render_piece(piece, tokens, &docs.into_blocks())?;
            parts.emit += emitted - started;
            parts.format += emitted.elapsed();
        }
    }
    parts.threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, codegen::render::MAX_THREADS)
        .min(pieces.max(1));
    Ok(parts)
}

/// Warnings grouped by kind: the message with names in backticks, quotes and parentheses
/// blanked; each group with up to three example places (`file:line:col (pointer)`).
pub fn group_warnings(
    warnings: &[codegen::Diagnostic],
    file: &str,
) -> Vec<(String, usize, Vec<String>)> {
    let mut groups: BTreeMap<String, (usize, Vec<String>)> = BTreeMap::new();
    for w in warnings {
        let entry = groups.entry(warning_kind(&w.message)).or_default();
        entry.0 += 1;
        if entry.1.len() < 3 {
            let place = match w.line_col {
                Some((line, col)) => format!("{file}:{line}:{col} ({})", w.pointer),
                None => format!("{file} ({})", w.pointer),
            };
            entry.1.push(place);
        }
    }
    let mut list: Vec<(String, usize, Vec<String>)> = groups
        .into_iter()
        .map(|(kind, (count, examples))| (kind, count, examples))
        .collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    list
}

/// `unsupported: $ref to another document (other.yaml#/x)` -> `unsupported: $ref to another
/// document (…)`: what is in parentheses (nested ones too), backticks and quotes is blanked.
pub fn warning_kind(message: &str) -> String {
    let mut out = String::new();
    // The character that closes the blanked group, and the depth of nested parentheses.
    let mut closing: Option<(char, usize)> = None;
    for c in message.chars() {
        match closing {
            Some(('(', depth)) if c == '(' => closing = Some(('(', depth + 1)),
            Some(('(', depth)) if c == ')' && depth > 1 => closing = Some(('(', depth - 1)),
            Some((open, _)) if c == matching(open) => {
                out.push('…');
                out.push(c);
                closing = None;
            }
            Some(_) => {}
            None => {
                out.push(c);
                if matches!(c, '(' | '`' | '"') {
                    closing = Some((c, 1));
                }
            }
        }
    }
    if closing.is_some() {
        out.push('…');
    }
    out
}

fn matching(open: char) -> char {
    match open {
        '(' => ')',
        other => other,
    }
}
