//! `new-client --tag-features`: each tag's cargo feature compiles on its own, and so do
//! `all` (the default) and no feature at all, on the Inbox spec (two tags, `messages` and
//! `conversations`, and webhook events whose types are always compiled). A sample on GitHub's
//! spec is `cargo xtask bench compile --inputs github` (BENCHMARKS.md).

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// `cargo check --lib ARGS` of the crate in `dir`; the compiler's errors when it fails.
fn check(dir: &Path, args: &[&str]) -> Result<(), String> {
    let target = inbox_api_tests::crates::target_dir(env!("CARGO_TARGET_TMPDIR"));
    inbox_api_tests::crates::check(dir, &target, &[&["--lib"], args].concat())
}

#[test]
fn each_tag_feature_compiles_alone_and_gates_its_operations() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("tag-features-inbox");
    let made = xtask::new_client::new_client_with(
        &root().join("spec/inbox-v2.yaml"),
        &dir,
        Some("inbox-tagged-client"),
        true,
        &codegen::Shape {
            tag_features: true,
            ..codegen::Shape::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(made.warnings.is_empty(), "{:?}", made.warnings);

    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).expect("Cargo.toml");
    assert!(manifest.contains("default = [\"all\"]"), "{manifest}");
    assert!(
        manifest.contains("all = [\"conversations\", \"messages\"]"),
        "{manifest}"
    );
    let operations =
        std::fs::read_to_string(dir.join("src/generated/operations.rs")).expect("operations.rs");
    assert!(
        operations.contains("#[cfg(any(feature = \"messages\"))]\n    pub async fn send_message("),
        "send_message is not gated by `messages`:\n{operations}"
    );

    let mut failures = Vec::new();
    for args in [
        &["--no-default-features", "--features", "messages"][..],
        &["--no-default-features", "--features", "conversations"],
        &["--no-default-features"],
        &[],
    ] {
        if let Err(errors) = check(&dir, args) {
            failures.push(format!("cargo check {}:\n{errors}", args.join(" ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
