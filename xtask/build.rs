//! Embeds inbox-api's runtime folder (`inbox-api/src/runtime/`, every file in it but hidden
//! ones) into xtask, so `new-client` writes standalone crates without reading this repository
//! at run time.
//!
//! Writes `$OUT_DIR/runtime_files.rs`: a `&[(path under src/, contents)]` expression of
//! `include_str!`s, sorted by path. Cargo re-runs this script when anything in the folder
//! changes, and rustc rebuilds xtask when an included file does.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let src = manifest
        .parent()
        .expect("xtask/ lies in the workspace root")
        .join("inbox-api/src");
    let runtime = src.join("runtime");
    println!("cargo:rerun-if-changed={}", runtime.display());
    let mut files = Vec::new();
    collect(&runtime, &mut files);
    files.sort();
    assert!(
        files.iter().any(|f| f.ends_with("mod.rs")),
        "{} holds no mod.rs: is this the inbox-api workspace?",
        runtime.display()
    );
    let mut out = String::from("&[\n");
    for path in files {
        let relative = path
            .strip_prefix(&src)
            .expect("under src/")
            .to_str()
            .unwrap_or_else(|| panic!("{} is not UTF-8", path.display()))
            .replace('\\', "/");
        let absolute = path.to_str().expect("UTF-8 path");
        let _ = writeln!(out, "    ({relative:?}, include_str!({absolute:?})),");
    }
    out.push(']');
    let target = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    fs::write(target.join("runtime_files.rs"), out).expect("write runtime_files.rs");
}

/// Every file under `dir`, recursively.
fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let entries =
        fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .path();
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            // Editor and OS litter (`.foo.rs.swp`, `.DS_Store`), not part of the runtime.
            continue;
        }
        if path.is_dir() {
            collect(&path, files);
        } else {
            files.push(path);
        }
    }
}
