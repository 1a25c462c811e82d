//! `inbox-api/src/generated/` is exactly what the generator makes of `spec/inbox-v2.yaml`.
//!
//! Generates in memory (no file is written) and compares with xtask's own plan, the one
//! `cargo xtask regen` writes and `--check` fails on. When this fails, run `cargo xtask regen`
//! and commit the result.

use std::path::PathBuf;

fn root() -> PathBuf {
    xtask::workspace_root()
}

#[test]
fn generated_code_is_fresh() {
    let spec = std::fs::read(root().join("spec/inbox-v2.yaml")).unwrap();
    let options = codegen::Options {
        spec_name: "spec/inbox-v2.yaml".to_owned(),
        strict: true,
    };
    let output = codegen::generate(&spec, &options)
        .unwrap_or_else(|d| panic!("spec/inbox-v2.yaml does not generate:\n{d}"));
    let out = root().join("inbox-api/src/generated");
    let changes = xtask::regen::plan(&out, &output.files).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        changes.is_empty(),
        "inbox-api/src/generated is stale; run `cargo xtask regen`:\n{}\n{}",
        changes
            .iter()
            .map(|c| c.summary())
            .collect::<Vec<_>>()
            .join("\n"),
        changes.iter().map(|c| c.diff(&out)).collect::<String>()
    );
}

/// `cargo xtask regen --check` (what CI runs) agrees.
#[test]
fn xtask_regen_check_agrees() {
    let request = xtask::regen::Request {
        spec: root().join("spec/inbox-v2.yaml"),
        out: root().join("inbox-api/src/generated"),
        check: true,
        lenient: false,
        against: None,
        report: None,
        impact: false,
    };
    if let Err(diff) = xtask::regen::regen(&request) {
        panic!("{diff}");
    }
}
