//! Derives the names of `Client`'s own methods from the runtime's source, so that operations
//! never shadow them (see `names::method_name`). No hand-kept copy to go stale: every
//! `impl Client` block (inherent or of a trait) and every derive on `struct Client` in the
//! runtime folder (`inbox-api/src/runtime/`, which every generated client copies) is read at
//! build time.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// The runtime folder, relative to this crate.
const RUNTIME: &str = "../inbox-api/src/runtime";

/// Methods that a derive puts on a type (std's derivable traits).
const DERIVED: &[(&str, &[&str])] = &[
    ("Clone", &["clone", "clone_from"]),
    ("Debug", &["fmt"]),
    ("Default", &["default"]),
    ("PartialEq", &["eq", "ne"]),
    ("Eq", &[]),
    ("Hash", &["hash"]),
    ("PartialOrd", &["partial_cmp", "lt", "le", "gt", "ge"]),
    ("Ord", &["cmp", "max", "min", "clamp"]),
];

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let runtime = manifest.join(RUNTIME);
    println!("cargo:rerun-if-changed={}", runtime.display());
    println!("cargo:rerun-if-changed=build.rs");
    let mut files = Vec::new();
    rust_files(&runtime, &mut files).unwrap_or_else(|e| {
        panic!(
            "codegen/build.rs: cannot read the runtime at {} to learn `Client`'s methods: {e}",
            runtime.display()
        )
    });
    let mut methods = BTreeSet::new();
    for file in &files {
        let text = fs::read_to_string(file)
            .unwrap_or_else(|e| panic!("codegen/build.rs: cannot read {}: {e}", file.display()));
        let parsed = syn::parse_file(&text)
            .unwrap_or_else(|e| panic!("codegen/build.rs: {} does not parse: {e}", file.display()));
        client_methods(&parsed.items, &mut methods);
    }
    assert!(
        methods.contains("builder"),
        "codegen/build.rs: no `impl Client` with `builder` found under {}",
        runtime.display()
    );
    let list: Vec<String> = methods.iter().map(|m| format!("{m:?}")).collect();
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets it"));
    fs::write(
        out.join("client_methods.rs"),
        format!("&[{}]\n", list.join(", ")),
    )
    .expect("OUT_DIR is writable");
}

/// Every `.rs` file below `dir`, except generated code (which adds the operations).
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "generated") {
                rust_files(&path, out)?;
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

fn is_client(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Client"))
}

/// Collects the methods `items` give `Client` (through nested inline modules too).
fn client_methods(items: &[syn::Item], methods: &mut BTreeSet<String>) {
    for item in items {
        match item {
            syn::Item::Impl(block) if is_client(&block.self_ty) => {
                for member in &block.items {
                    if let syn::ImplItem::Fn(f) = member {
                        methods.insert(f.sig.ident.to_string());
                    }
                }
            }
            syn::Item::Struct(s) if s.ident == "Client" => {
                for attr in s.attrs.iter().filter(|a| a.path().is_ident("derive")) {
                    let _ = attr.parse_nested_meta(|meta| {
                        let name = meta.path.segments.last().map(|s| s.ident.to_string());
                        if let Some((_, derived)) =
                            DERIVED.iter().find(|(t, _)| Some(*t) == name.as_deref())
                        {
                            methods.extend(derived.iter().map(|m| (*m).to_owned()));
                        }
                        Ok(())
                    });
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    client_methods(inner, methods);
                }
            }
            _ => {}
        }
    }
}
