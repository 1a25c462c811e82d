//! Standalone client crates: generated code on a copy of inbox-api's hand-written runtime.
//!
//! Used by `cargo xtask new-client`, the corpus run and the spec-change drill. The runtime is
//! the folder `inbox-api/src/runtime/`, embedded whole in this binary at build time
//! (`build.rs`) and written whole into `src/runtime/` of each crate, so generating needs
//! nothing from this repository. Why a copy and not a dependency: ARCHITECTURE.md, "The
//! runtime of generated crates". Dependency versions are the workspace's, and the workspace's
//! `Cargo.lock` (also embedded) is written beside them, so the same versions resolve (and
//! builds are shared when a target directory is reused).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Every file of `inbox-api/src/runtime/`, as (path under `src/`, contents), sorted by path.
pub const RUNTIME: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/runtime_files.rs"));

/// The workspace manifest: `[workspace.dependencies]` pins the versions.
const WORKSPACE_MANIFEST: &str = include_str!("../../Cargo.toml");
/// inbox-api's manifest: its non-optional dependencies are the runtime's.
const RUNTIME_MANIFEST: &str = include_str!("../../inbox-api/Cargo.toml");
/// The cargo feature that gives types only ever sent their `Deserialize` impls
/// ([`codegen::Shape::decode_requests`]).
pub const DECODE_REQUESTS: &str = "decode-requests";
/// The cargo feature that gives types only ever received their `Serialize` impls
/// ([`codegen::Shape::encode_responses`]).
pub const ENCODE_RESPONSES: &str = "encode-responses";

/// The workspace's lock file, written into standalone crates and corpus workspaces.
pub const CARGO_LOCK: &str = include_str!("../../Cargo.lock");

/// Writes a complete crate named `name` into `dir`: Cargo.toml, Cargo.lock, `src/lib.rs`,
/// `src/runtime/` and `src/generated/`. The runtime and generated folders are replaced whole;
/// other files (a Cargo.lock already there, examples, tests) are kept.
pub fn write_client_crate(
    dir: &Path,
    name: &str,
    title: &str,
    files: &[codegen::GeneratedFile],
) -> Result<(), String> {
    write_crate(dir, name, title, files, true, &BTreeMap::new())
}

/// [`write_client_crate`] for code generated with per-tag cargo features (`features`: feature
/// name -> the tags it stands for): Cargo.toml declares them, `all` (every tag), and
/// `default = ["all"]`; lib.rs documents them.
pub fn write_client_crate_with_features(
    dir: &Path,
    name: &str,
    title: &str,
    files: &[codegen::GeneratedFile],
    features: &BTreeMap<String, Vec<String>>,
) -> Result<(), String> {
    write_crate(dir, name, title, files, true, features)
}

/// Like [`write_client_crate`], for a member of an enclosing workspace (the corpus run checks
/// many crates in one workspace): no `[workspace]` table and no Cargo.lock of its own.
pub fn write_member_crate(
    dir: &Path,
    name: &str,
    title: &str,
    files: &[codegen::GeneratedFile],
) -> Result<(), String> {
    write_crate(dir, name, title, files, false, &BTreeMap::new())
}

/// Where tests `cargo check` generated crates, below the cargo target directory `target`: one
/// directory for all of them, so the runtime's dependencies are built once.
pub fn client_crates_target_dir(target: &Path) -> PathBuf {
    target.join("client-crates")
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> String {
    format!("error: cannot {what} {}: {e}", path.display())
}

fn write_crate(
    dir: &Path,
    name: &str,
    title: &str,
    files: &[codegen::GeneratedFile],
    standalone: bool,
    features: &BTreeMap<String, Vec<String>>,
) -> Result<(), String> {
    let src = dir.join("src");
    write_runtime(&src, &name.replace('-', "_"))?;
    let generated = src.join("generated");
    if generated.exists() {
        fs::remove_dir_all(&generated).map_err(|e| io_error("clear", &generated, e))?;
    }
    fs::create_dir_all(&generated).map_err(|e| io_error("create", &generated, e))?;
    for file in files {
        let path = generated.join(&file.path);
        fs::write(&path, &file.contents).map_err(|e| io_error("write", &path, e))?;
    }
    let has_events = files.iter().any(|f| f.path == "events.rs");
    write_if_changed(
        &src.join("lib.rs"),
        &lib_rs(name, title, has_events, features),
    )?;
    let mut manifest = cargo_toml(name, standalone)?;
    manifest.push_str(&features_table(features));
    write_if_changed(&dir.join("Cargo.toml"), &manifest)?;
    let lock = dir.join("Cargo.lock");
    if standalone && !lock.exists() {
        fs::write(&lock, CARGO_LOCK).map_err(|e| io_error("write", &lock, e))?;
    }
    Ok(())
}

/// A runtime file as crate `krate` holds it. The doc examples and links of the runtime name
/// the crate they are in (`inbox_api::body::RawBody`), and rustdoc compiles the examples as
/// code outside it, so in another crate they name that crate. So do the `tracing` targets and
/// span names the runtime spells out (`"inbox_api::drift"`, `"inbox_api.request"`), so that a
/// user filtering logs by the crate's name sees them. Nothing else changes.
pub fn runtime_file_for(contents: &str, krate: &str) -> String {
    if krate == "inbox_api" {
        return contents.to_owned();
    }
    let renamed = format!("{krate}::");
    let mut out = String::with_capacity(contents.len());
    for line in contents.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with("///") || trimmed.starts_with("//!") {
            out.push_str(&line.replace("inbox_api::", &renamed));
        } else if line.contains("\"inbox_api") {
            out.push_str(
                &line
                    .replace("\"inbox_api::", &format!("\"{krate}::"))
                    .replace("\"inbox_api.", &format!("\"{krate}.")),
            );
        } else {
            out.push_str(line);
        }
    }
    out
}

/// Writes [`RUNTIME`] into `src/runtime/` (doc paths naming `krate`, see [`runtime_file_for`])
/// and deletes every other file there (left by an older runtime), so the folder is exactly the
/// runtime of this build.
fn write_runtime(src: &Path, krate: &str) -> Result<(), String> {
    for (path, contents) in RUNTIME {
        let to = src.join(path);
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent).map_err(|e| io_error("create", parent, e))?;
        }
        write_if_changed(&to, &runtime_file_for(contents, krate))?;
    }
    let mut todo = vec![src.join("runtime")];
    while let Some(current) = todo.pop() {
        let entries = fs::read_dir(&current).map_err(|e| io_error("read", &current, e))?;
        for entry in entries {
            let path = entry.map_err(|e| io_error("read", &current, e))?.path();
            if path.is_dir() {
                todo.push(path);
                continue;
            }
            let relative = path
                .strip_prefix(src)
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            if !RUNTIME.iter().any(|(p, _)| *p == relative) {
                fs::remove_file(&path).map_err(|e| io_error("delete", &path, e))?;
            }
        }
    }
    Ok(())
}

/// Writes only when the contents differ, so cargo's fingerprints stay valid between runs.
fn write_if_changed(path: &Path, contents: &str) -> Result<(), String> {
    if fs::read_to_string(path).ok().as_deref() == Some(contents) {
        return Ok(());
    }
    fs::write(path, contents).map_err(|e| io_error("write", path, e))
}

/// The `[features]` table: `decode-requests`, `encode-responses`, and the per-tag features when
/// there are any.
fn features_table(features: &BTreeMap<String, Vec<String>>) -> String {
    let mut table = format!(
        "\n[features]\n# Types the client only sends (request bodies, parameters) implement\n\
         # `Deserialize` too (they always implement `Serialize`). Off by default: a client never\n\
         # reads its own requests, and those impls cost every build.\n\
         {DECODE_REQUESTS} = []\n\
         # Types the client only receives (responses, errors, events) implement `Serialize` too\n\
         # (they always implement `Deserialize`). Off by default: turn it on to store or forward\n\
         # what the API returned as JSON.\n\
         {ENCODE_RESPONSES} = []\n"
    );
    if features.is_empty() {
        return table;
    }
    let quoted: Vec<String> = features.keys().map(|f| format!("\"{f}\"")).collect();
    table.push_str(&format!(
        "# One feature per tag of the spec: a tag's operations, and the types they use, are\n\
         # compiled only when its feature is on. `all` is every tag (and the types no operation\n\
         # uses); it is the default. Build one tag alone with\n\
         # `default-features = false, features = [\"TAG\"]`.\n\
         default = [\"all\"]\nall = [{}]\n",
        quoted.join(", ")
    ));
    for (feature, tags) in features {
        let tags: Vec<String> = tags.iter().map(|t| format!("`{t}`")).collect();
        table.push_str(&format!("# tag {}\n{feature} = []\n", tags.join(", ")));
    }
    table
}

fn lib_rs(
    name: &str,
    title: &str,
    has_events: bool,
    features: &BTreeMap<String, Vec<String>>,
) -> String {
    let title = title.replace('\n', " ");
    let mut features = if features.is_empty() {
        String::new()
    } else {
        let list: Vec<String> = features.keys().map(|f| format!("`{f}`")).collect();
        format!(
            "//!\n//! Cargo features: one per tag of the spec ({}). A tag's operations and the types\n\
             //! they use are compiled only when its feature is on; `all` turns every tag on and is\n\
             //! the default. With `default-features = false, features = [\"TAG\"]` the crate is\n\
             //! that tag's client alone, and much cheaper to build.\n",
            list.join(", ")
        )
    };
    features.push_str(&format!(
        "//!\n//! Types the client only sends (request bodies, parameters) implement `Serialize`; with\n\
         //! the `{DECODE_REQUESTS}` feature they implement `Deserialize` too. Types it only\n\
         //! receives (responses, errors, events) implement `Deserialize`; with the\n\
         //! `{ENCODE_RESPONSES}` feature they implement `Serialize` too (to store or forward them\n\
         //! as JSON). Fields the spec does not list are kept either way (each struct's `extra`).\n"
    ));
    let events = if has_events {
        "\n/// Webhook event payloads, keyed by event type.\npub mod events {\n    pub use crate::generated::events::*;\n}\n"
    } else {
        ""
    };
    format!(
        r#"//! Typed async client for {title}.
//!
//! Generated by inbox-api's `new-client`: `src/generated/` comes from the spec, `src/runtime/`
//! is inbox-api's hand-written runtime, copied whole. Crate `{name}`.
{features}
#[doc(hidden)]
pub mod runtime;
pub use runtime::public::*;

#[rustfmt::skip]
mod generated;

/// Data types of the API.
pub mod types {{
    #[allow(unused_imports)] // with per-tag features, the tags turned on may need no type
    pub use crate::generated::types::*;
}}

/// Option structs and error codes of the operations (the operations are methods on [`Client`]).
pub mod operations {{
    #[allow(unused_imports)] // a spec whose operations have no options has none
    pub use crate::generated::operations::*;
}}
{events}"#
    )
}

/// The lines of `section` (`[name]` up to the next table) in `manifest`.
fn section<'a>(manifest: &'a str, name: &str) -> impl Iterator<Item = &'a str> {
    let header = format!("[{name}]");
    manifest
        .lines()
        .skip_while(move |l| l.trim() != header)
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with('['))
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// The runtime's dependencies: inbox-api's non-optional `[dependencies]`, each as its line in
/// `[workspace.dependencies]` (the pinned version and features).
fn runtime_dependencies(workspace: &str, runtime: &str) -> Result<Vec<String>, String> {
    let mut lines = Vec::new();
    for line in section(runtime, "dependencies") {
        let unsupported = || {
            format!(
                "error: inbox-api/Cargo.toml: `{line}` in [dependencies] is not `NAME.workspace = true` \
                 or `NAME = {{ workspace = true, optional = true }}`, so new-client cannot \
                 copy it into generated crates"
            )
        };
        let (key, value) = line.split_once('=').ok_or_else(unsupported)?;
        let (key, value) = (key.trim(), value.trim());
        let name = if let Some(name) = key.strip_suffix(".workspace") {
            if value != "true" {
                return Err(unsupported());
            }
            name
        } else {
            let table: Vec<&str> = value
                .strip_prefix('{')
                .and_then(|v| v.strip_suffix('}'))
                .ok_or_else(unsupported)?
                .split(',')
                .map(|kv| kv.split_whitespace().collect::<Vec<_>>().join(" "))
                .map(|kv| match kv.as_str() {
                    "workspace = true" => "workspace",
                    "optional = true" => "optional",
                    _ => "other",
                })
                .collect();
            match table.as_slice() {
                ["workspace", "optional"] | ["optional", "workspace"] => continue,
                _ => return Err(unsupported()),
            }
        };
        let pinned = section(workspace, "workspace.dependencies")
            .find(|l| l.split('=').next().map(str::trim) == Some(name))
            .ok_or_else(|| {
                format!("error: `{name}` is missing from [workspace.dependencies] in Cargo.toml")
            })?;
        lines.push(pinned.to_owned());
    }
    Ok(lines)
}

/// Cargo.toml of the crate, with the workspace's pinned dependency versions.
fn cargo_toml(name: &str, standalone: bool) -> Result<String, String> {
    let dependencies = runtime_dependencies(WORKSPACE_MANIFEST, RUNTIME_MANIFEST)?.join("\n");
    let edition = WORKSPACE_MANIFEST
        .lines()
        .find(|l| l.starts_with("edition"))
        .unwrap_or("edition = \"2021\"");
    // The runtime's minimum Rust version is the workspace's.
    let rust_version = WORKSPACE_MANIFEST
        .lines()
        .find(|l| l.starts_with("rust-version"))
        .map(|l| format!("{l}\n"))
        .unwrap_or_default();
    let workspace = if standalone {
        "# A standalone crate, not a member of any enclosing workspace.\n[workspace]\n\n"
    } else {
        ""
    };
    Ok(format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\n{edition}\n{rust_version}publish = false\n\n{workspace}[dependencies]\n{dependencies}\n"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_is_the_whole_folder_with_its_module_root() {
        let paths: Vec<&str> = RUNTIME.iter().map(|(p, _)| *p).collect();
        assert!(paths.contains(&"runtime/mod.rs"), "{paths:?}");
        assert!(paths.contains(&"runtime/client.rs"), "{paths:?}");
        assert!(paths.iter().all(|p| p.starts_with("runtime/")), "{paths:?}");
        // Sorted by path components (`client/` before `client.rs`), as build.rs sorts them.
        let mut sorted = paths.clone();
        sorted.sort_by_key(|p| std::path::Path::new(*p));
        assert_eq!(paths, sorted);
    }

    #[test]
    fn dependencies_are_the_non_optional_ones_of_inbox_api_with_pinned_versions() {
        let lines = runtime_dependencies(WORKSPACE_MANIFEST, RUNTIME_MANIFEST).unwrap();
        let names: Vec<&str> = lines
            .iter()
            .map(|l| l.split('=').next().unwrap().trim())
            .collect();
        assert!(
            names.contains(&"reqwest") && names.contains(&"serde"),
            "{names:?}"
        );
        assert!(
            !names.contains(&"axum") && !names.contains(&"jsonwebtoken"),
            "{names:?}"
        );
        assert!(lines.iter().all(|l| l.contains('"')), "{lines:?}");
    }

    #[test]
    fn dependency_lines_that_cannot_be_copied_are_named() {
        let workspace = "[workspace.dependencies]\nserde = \"1\"\n";
        let path = "[dependencies]\nserde = { path = \"../serde\" }\n";
        let error = runtime_dependencies(workspace, path).unwrap_err();
        assert!(
            error.contains("`serde = { path = \"../serde\" }`"),
            "{error}"
        );
        let missing = "[dependencies]\ntokio.workspace = true\n";
        let error = runtime_dependencies(workspace, missing).unwrap_err();
        assert!(error.contains("`tokio` is missing"), "{error}");
        let optional = "[dependencies]\nserde.workspace = true\naxum = { workspace = true, optional = true }\n[features]\nx = []\n";
        assert_eq!(
            runtime_dependencies(workspace, optional).unwrap(),
            ["serde = \"1\""]
        );
    }

    #[test]
    fn the_runtime_names_the_crate_it_is_in() {
        let source = "//! See [`inbox_api::drift`].\n\
                      use crate::x;\n\
                      tracing::warn!(target: \"inbox_api::drift\", \"seen\");\n\
                      let span = info_span!(\"inbox_api.request\");\n\
                      let user_agent = \"inbox-api/1\";\n";
        assert_eq!(
            runtime_file_for(source, "stripe_client"),
            "//! See [`stripe_client::drift`].\n\
             use crate::x;\n\
             tracing::warn!(target: \"stripe_client::drift\", \"seen\");\n\
             let span = info_span!(\"stripe_client.request\");\n\
             let user_agent = \"inbox-api/1\";\n"
        );
        assert_eq!(runtime_file_for(source, "inbox_api"), source);
    }

    #[test]
    fn features_table_has_default_all_and_one_feature_per_tag() {
        let plain = features_table(&BTreeMap::new());
        assert!(plain.contains("[features]\n"), "{plain}");
        assert!(plain.contains("\ndecode-requests = []\n"), "{plain}");
        assert!(plain.ends_with("\nencode-responses = []\n"), "{plain}");
        assert!(!plain.contains("default = "), "{plain}");
        let mut features = BTreeMap::new();
        features.insert("code-scanning".to_owned(), vec!["code scanning".to_owned()]);
        features.insert("repos".to_owned(), vec!["repos".to_owned()]);
        let table = features_table(&features);
        assert!(table.contains("\ndefault = [\"all\"]\nall = [\"code-scanning\", \"repos\"]\n"));
        assert_eq!(table.matches("[features]").count(), 1, "{table}");
        assert!(table.contains("# tag `code scanning`\ncode-scanning = []\n"));
    }
}
