//! `cargo check` and `cargo clippy` of crates the tests generate. They all build into one target directory,
//! `<target>/client-crates` (`xtask::scaffold::client_crates_target_dir`), so the runtime's
//! dependencies are built once for every test.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The cargo target directory of a test, from its `CARGO_TARGET_TMPDIR`
/// (`env!("CARGO_TARGET_TMPDIR")`, which only integration tests see).
pub fn target_dir(cargo_target_tmpdir: &str) -> PathBuf {
    Path::new(cargo_target_tmpdir)
        .parent()
        .expect("CARGO_TARGET_TMPDIR has a parent")
        .to_path_buf()
}

/// `cargo check --quiet ARGS` in `dir` (a crate or a workspace), built into
/// `<target>/client-crates`, with the outer cargo's target and flags removed from the
/// environment. The compiler's output when it fails.
pub fn check(dir: &Path, target: &Path, args: &[&str]) -> Result<(), String> {
    cargo(dir, target, "check", args, &[])
}

/// [`check`] with clippy, every warning an error: what a user whose workspace holds the
/// generated crate and lints with `-D warnings` runs.
pub fn clippy(dir: &Path, target: &Path, args: &[&str]) -> Result<(), String> {
    cargo(dir, target, "clippy", args, &["--", "-D", "warnings"])
}

/// `cargo COMMAND --quiet ARGS --target-dir ... TRAILING` in `dir`; its stderr when it fails.
fn cargo(
    dir: &Path,
    target: &Path,
    command: &str,
    args: &[&str],
    trailing: &[&str],
) -> Result<(), String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let result = Command::new(cargo)
        .current_dir(dir)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .args([command, "--quiet"])
        .args(args)
        .arg("--target-dir")
        .arg(xtask::scaffold::client_crates_target_dir(target))
        .args(trailing)
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if result.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&result.stderr).into_owned())
    }
}
