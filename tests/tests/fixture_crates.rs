//! Every emitter snapshot of `codegen/tests/fixtures/` compiled whole, operations included:
//! each case becomes a crate (its generated files beside the runtime folder, as `new-client`
//! writes it), all of them members of one temporary workspace checked by one `cargo clippy`
//! with `-D warnings` (a user may lint a workspace that holds a generated crate).
//! (`tests/src/fixtures.rs` compiles only the types and validation tables: `operations.rs`
//! adds methods to `Client`, which only the crate that defines `Client` may do.)

use std::fs;
use xtask::scaffold::{write_member_crate, CARGO_LOCK};

#[test]
fn every_snapshot_compiles_with_its_operations() {
    let fixtures = xtask::workspace_root().join("codegen/tests/fixtures");
    let work = tempfile::tempdir().unwrap();
    let mut members = Vec::new();
    let mut cases: Vec<_> = fs::read_dir(&fixtures)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("operations.rs").exists())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 10,
        "expected the snapshot cases, found {cases:?}"
    );
    for case in &cases {
        let name = format!(
            "fixture_{}",
            case.file_name()
                .unwrap()
                .to_string_lossy()
                .replace('-', "_")
        );
        let mut files = Vec::new();
        for entry in fs::read_dir(case).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "rs") {
                files.push(codegen::GeneratedFile {
                    path: path.file_name().unwrap().to_string_lossy().into_owned(),
                    contents: fs::read_to_string(&path).unwrap(),
                });
            }
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        write_member_crate(&work.path().join(&name), &name, &name, &files)
            .unwrap_or_else(|e| panic!("{e}"));
        members.push(name);
    }
    let quoted: Vec<String> = members.iter().map(|m| format!("\"{m}\"")).collect();
    fs::write(
        work.path().join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            quoted.join(", ")
        ),
    )
    .unwrap();
    fs::write(work.path().join("Cargo.lock"), CARGO_LOCK).unwrap();
    let target = inbox_api_tests::crates::target_dir(env!("CARGO_TARGET_TMPDIR"));
    if let Err(errors) = inbox_api_tests::crates::clippy(work.path(), &target, &["--workspace"]) {
        panic!("snapshot crates do not compile without a clippy warning:\n{errors}");
    }
}
