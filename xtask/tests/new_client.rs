//! The generator outside this repository: `inbox-api-new-client` (the binary `cargo install
//! --path xtask` gives users) run from a temporary directory writes a crate that holds the
//! whole runtime folder, depends on nothing in this repository, and compiles.
//!
//! The crate is `cargo check`ed in the target directory the spec-change drill uses too
//! (`<target>/client-crates`), so the runtime's dependencies are built once for both.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_inbox-api-new-client");

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask/ has a parent")
        .to_path_buf()
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {BIN}: {e}"))
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Every file under `dir`, as (path relative to `dir`, contents), sorted.
fn tree(dir: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(current) = todo.pop() {
        for entry in fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else if !path.file_name().unwrap().to_string_lossy().starts_with('.') {
                let relative = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                files.push((relative, fs::read_to_string(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn a_crate_generated_outside_the_repository_compiles() {
    let outside = tempfile::tempdir().unwrap();
    assert!(!outside.path().starts_with(workspace_root()));
    fs::copy(
        workspace_root().join("spec/inbox-v2.yaml"),
        outside.path().join("inbox.yaml"),
    )
    .unwrap();

    // Relative paths: they are read against the directory the command runs in.
    let output = run(
        outside.path(),
        &[
            "--spec",
            "inbox.yaml",
            "--out",
            "client",
            "--name",
            "outside-client",
        ],
    );
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains("wrote crate `outside-client` to client"),
        "{}",
        text(&output)
    );
    let crate_dir = outside.path().join("client");

    // The whole runtime folder, as it is in this checkout (the embedded copy is not stale),
    // its doc examples naming this crate.
    let runtime = tree(&crate_dir.join("src/runtime"));
    assert_eq!(
        runtime,
        tree(&workspace_root().join("inbox-api/src/runtime"))
            .into_iter()
            .map(|(path, text)| (
                path,
                xtask::scaffold::runtime_file_for(&text, "outside_client")
            ))
            .collect::<Vec<_>>(),
        "src/runtime of the generated crate differs from inbox-api/src/runtime"
    );
    let bodies = &runtime.iter().find(|(p, _)| p == "body.rs").unwrap().1;
    assert!(
        bodies.contains("use outside_client::body::RawBody;")
            && !bodies.contains("inbox_api::body"),
        "doc examples of the runtime name the crate"
    );
    let manifest = fs::read_to_string(crate_dir.join("Cargo.toml")).unwrap();
    assert!(
        !manifest.contains("path") && manifest.contains("[workspace]"),
        "{manifest}"
    );
    assert!(crate_dir.join("Cargo.lock").exists());

    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR has a parent");
    let check = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .current_dir(outside.path())
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .args(["check", "--quiet", "--manifest-path", "client/Cargo.toml"])
        .arg("--target-dir")
        .arg(xtask::scaffold::client_crates_target_dir(target))
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "the generated crate does not compile:\n{}",
        text(&check)
    );
}

#[test]
fn a_second_run_replaces_generated_code_and_stale_runtime_files_only() {
    let outside = tempfile::tempdir().unwrap();
    fs::write(
        outside.path().join("tiny.yaml"),
        "openapi: 3.0.3\ninfo: {title: Tiny, version: '1'}\npaths: {}\n",
    )
    .unwrap();
    let args = ["--spec", "tiny.yaml", "--out", "tiny"];
    assert!(run(outside.path(), &args).status.success());
    let src = outside.path().join("tiny/src");
    fs::write(src.join("runtime/removed_long_ago.rs"), "// old\n").unwrap();
    fs::write(src.join("generated/old.rs"), "// old\n").unwrap();
    fs::write(outside.path().join("tiny/README.md"), "mine\n").unwrap();
    let output = run(outside.path(), &args);
    assert!(output.status.success(), "{}", text(&output));
    assert!(text(&output).contains("wrote crate `tiny-client`"));
    assert!(!src.join("runtime/removed_long_ago.rs").exists());
    assert!(!src.join("generated/old.rs").exists());
    assert!(src.join("runtime/mod.rs").exists());
    assert_eq!(
        fs::read_to_string(outside.path().join("tiny/README.md")).unwrap(),
        "mine\n"
    );
}

#[test]
fn bad_input_is_named() {
    let outside = tempfile::tempdir().unwrap();
    let output = run(outside.path(), &["--out", "x"]);
    assert!(!output.status.success());
    assert!(
        text(&output).contains("needs --spec PATH"),
        "{}",
        text(&output)
    );

    let output = run(outside.path(), &["--spec", "missing.yaml", "--out", "x"]);
    assert!(!output.status.success());
    assert!(
        text(&output).contains("cannot read missing.yaml"),
        "{}",
        text(&output)
    );

    fs::write(outside.path().join("bad.yaml"), "openapi: 3.0.3\ninfo: [\n").unwrap();
    let output = run(outside.path(), &["--spec", "bad.yaml", "--out", "x"]);
    assert!(!output.status.success());
    assert!(text(&output).contains("bad.yaml:"), "{}", text(&output));
    assert!(
        !outside.path().join("x").exists(),
        "a failed run wrote a crate"
    );

    let output = run(outside.path(), &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output).contains("usage: inbox-api-new-client"));
}
