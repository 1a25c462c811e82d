//! `bench client`: the generated client against a hand-written reqwest call, same server, same
//! run. The measuring program is `client_harness.rs`, built as a throw-away crate so that xtask
//! (and so `cargo xtask regen`) never depends on inbox-api compiling.

use std::fmt::Write as _;
use std::fs;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use super::{fmt_dur, table, verdict, Context};

const HARNESS: &str = include_str!("client_harness.rs");
const DEPENDENCIES: &[&str] = &["reqwest", "tokio", "serde_json", "uuid", "futures"];

/// `bench client`.
pub fn bench(cx: &Context) -> Result<String, String> {
    let dir = cx.cache.join("client-harness");
    fs::create_dir_all(dir.join("src"))
        .map_err(|e| format!("error: cannot create {}: {e}", dir.display()))?;
    write_if_changed(&dir.join("src/main.rs"), HARNESS)?;
    write_if_changed(&dir.join("Cargo.toml"), &manifest(cx)?)?;
    let lock = cx.root.join("Cargo.lock");
    if !dir.join("Cargo.lock").exists() {
        fs::copy(&lock, dir.join("Cargo.lock"))
            .map_err(|e| format!("error: cannot copy {}: {e}", lock.display()))?;
    }
    eprintln!(
        "bench client: building and running {} (release) ...",
        dir.display()
    );
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .env("CARGO_TARGET_DIR", cx.target_dir())
        .args(["run", "--quiet", "--release", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .args(["--", &cx.options.requests.to_string(), "16"])
        .output()
        .map_err(|e| format!("error: cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "error: the client harness failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let lines: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("BENCH-CLIENT "))
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    Ok(render(&lines))
}

fn render(lines: &[Value]) -> String {
    let mut rows = Vec::new();
    let mut verdicts = Vec::new();
    let key = |v: &Value| {
        (
            v["operation"].as_str().unwrap_or_default().to_owned(),
            v["concurrency"].as_u64().unwrap_or(0),
        )
    };
    for line in lines {
        let baseline = lines
            .iter()
            .find(|b| key(b) == key(line) && b["variant"] == "hand-written reqwest")
            .unwrap_or(line);
        let nanos = |v: &Value, k: &str| v[k].as_u64().unwrap_or(0);
        let per_request =
            |v: &Value| nanos(v, "elapsed_ns") as f64 / nanos(v, "requests").max(1) as f64;
        let rps = 1e9 / per_request(line).max(1.0);
        let time_ratio = per_request(line) / per_request(baseline).max(1.0);
        let p50_ratio = nanos(line, "p50_ns") as f64 / nanos(baseline, "p50_ns").max(1) as f64;
        let cpu_per_request =
            |v: &Value| nanos(v, "client_cpu_ns") as f64 / nanos(v, "requests").max(1) as f64;
        let cpu_ratio = cpu_per_request(line) / cpu_per_request(baseline).max(1.0);
        let variant = line["variant"].as_str().unwrap_or_default();
        rows.push(vec![
            format!("`{}`", key(line).0),
            key(line).1.to_string(),
            variant.to_owned(),
            nanos(line, "requests").to_string(),
            format!("{rps:.0}"),
            fmt_dur(Duration::from_nanos(nanos(line, "p50_ns"))),
            fmt_dur(Duration::from_nanos(nanos(line, "p99_ns"))),
            format!("{time_ratio:.3}"),
            format!("{p50_ratio:.3}"),
            fmt_dur(Duration::from_nanos(cpu_per_request(line) as u64)),
            format!("{cpu_ratio:.3}"),
            line["decoded_items"].to_string(),
        ]);
        if variant != "hand-written reqwest" {
            verdicts.push((variant.to_owned(), key(line), time_ratio));
        }
    }
    let mut out = String::from(
        "## Client overhead: generated client vs hand-written reqwest (local InboxServer)\n\n",
    );
    out.push_str(&table(
        &[
            "operation",
            "in flight",
            "variant",
            "requests",
            "req/s",
            "p50",
            "p99",
            "time ratio",
            "p50 ratio",
            "client CPU/request",
            "CPU ratio",
            "items decoded",
        ],
        &rows,
    ));
    out.push_str("\ntime ratio = wall time per request / hand-written reqwest's (1.00 = no overhead; the verdicts use it); target ≤ 1.05. CPU ratio = CPU time of the client thread per request / reqwest's: the same comparison without the noise of other processes (the server runs on its own thread).\n");
    // The labels `client_harness.rs` prints; the target is about the default settings.
    for label in [
        "generated, default settings (sampled drift detection)",
        "generated, drift detection on every response",
        "generated, drift detection off",
    ] {
        let mine: Vec<&(String, (String, u64), f64)> =
            verdicts.iter().filter(|v| v.0 == label).collect();
        let worst = mine.iter().map(|v| v.2).fold(0.0, f64::max);
        let met = !mine.is_empty() && worst <= 1.05;
        let _ = if label.contains("default settings") {
            writeln!(
                out,
                "- {label}: worst time ratio {worst:.3} → target {}",
                verdict(met)
            )
        } else {
            writeln!(
                out,
                "- {label}: worst time ratio {worst:.3} (≤ 1.05: {}; for comparison, the target is about the default settings)",
                if met { "yes" } else { "no" }
            )
        };
    }
    out
}

/// Cargo.toml of the harness: inbox-api by path, the rest at the workspace's versions.
fn manifest(cx: &Context) -> Result<String, String> {
    let path = cx.root.join("Cargo.toml");
    let text = fs::read_to_string(&path)
        .map_err(|e| format!("error: cannot read {}: {e}", path.display()))?;
    let section = text
        .split("[workspace.dependencies]")
        .nth(1)
        .unwrap_or_default();
    let section = section.split("\n[").next().unwrap_or_default();
    let mut dependencies = format!(
        "inbox-api = {{ path = {:?}, features = [\"test-server\"] }}\n",
        cx.root.join("inbox-api").display().to_string()
    );
    for dep in DEPENDENCIES {
        let line = section
            .lines()
            .find(|l| l.split('=').next().map(str::trim) == Some(dep))
            .ok_or_else(|| format!("error: `{dep}` is missing from [workspace.dependencies]"))?;
        dependencies.push_str(line.trim());
        dependencies.push('\n');
    }
    Ok(format!(
        "[package]\nname = \"inbox-client-bench\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n# Written by `cargo xtask bench client`; not a workspace member.\n[workspace]\n\n[dependencies]\n{dependencies}\n[profile.release]\ndebug = false\n"
    ))
}

fn write_if_changed(path: &std::path::Path, contents: &str) -> Result<(), String> {
    if fs::read_to_string(path).ok().as_deref() == Some(contents) {
        return Ok(());
    }
    fs::write(path, contents).map_err(|e| format!("error: cannot write {}: {e}", path.display()))
}
