//! Cargo features of the crates `new-client` writes. `--tag-features`: each tag's feature
//! compiles on its own without a clippy warning, and so do `all` (the default) and no feature at all, on the Inbox spec
//! (two tags, `messages` and `conversations`, and webhook events whose types are always
//! compiled), and a sample of tags on GitHub's spec (fetched with `npm pack` into `.cache/`
//! once, as `cargo xtask bench github` does); the time it takes is `cargo xtask bench
//! compile --inputs github-repos` (BENCHMARKS.md). `decode-requests`: `Deserialize` of the
//! types only ever sent.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// `cargo clippy --lib ARGS -- -D warnings` of the crate in `dir`; the errors when it fails.
fn clippy(dir: &Path, args: &[&str]) -> Result<(), String> {
    let target = inbox_api_tests::crates::target_dir(env!("CARGO_TARGET_TMPDIR"));
    inbox_api_tests::crates::clippy(dir, &target, &[&["--lib"], args].concat())
}

/// The crate `new-client --tag-features` writes for `spec` (`{name}-tagged-client`, in the
/// test target directory), with its shape: request-only types carry the `sent` marker, gated
/// too.
fn tagged_client(spec: &Path, name: &str, strict: bool) -> (PathBuf, xtask::new_client::NewClient) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("tag-features-{name}"));
    let made = xtask::new_client::new_client_with(
        spec,
        &dir,
        Some(&format!("{name}-tagged-client")),
        strict,
        &codegen::Shape {
            tag_features: true,
            ..xtask::new_client::shape()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    (dir, made)
}

#[test]
fn each_tag_feature_compiles_alone_and_gates_its_operations() {
    let (dir, made) = tagged_client(&root().join("spec/inbox-v2.yaml"), "inbox", true);
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
        operations
            .contains("#[cfg(feature = \"messages\")]\n    #[inline]\n    pub fn send_message("),
        "send_message is not gated by `messages`:\n{operations}"
    );
    // Gating keeps the file's inner docs and attributes.
    assert!(
        operations.contains(
            "//! Operations of the API, as methods on `Client`.\n\n\
             #![allow(\n    clippy::redundant_closure_call,\n"
        ),
        "operations.rs lost its inner attributes:\n{operations}"
    );

    let mut failures = Vec::new();
    for args in [
        &["--no-default-features", "--features", "messages"][..],
        &["--no-default-features", "--features", "conversations"],
        &["--no-default-features"],
        &[],
    ] {
        if let Err(errors) = clippy(&dir, args) {
            failures.push(format!("cargo clippy {}:\n{errors}", args.join(" ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// GitHub's spec (1,224 operations under 45 tags): the largest tag (`repos`), one whose
/// operations share many types with others (`issues`), a small one (`meta`), and no tag at all
/// compile on their own, without a clippy warning (`-D warnings`: a real spec's names and
/// docs, linted as a user's workspace would lint them).
#[test]
fn a_sample_of_github_tags_compiles_alone() {
    let spec = xtask::bench::github_spec(&root()).unwrap_or_else(|e| panic!("{e}"));
    let (dir, _) = tagged_client(&spec, "github", false);
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).expect("Cargo.toml");
    for tag in ["repos", "issues", "meta"] {
        assert!(
            manifest.contains(&format!("\n{tag} = [")),
            "no `{tag}` feature:\n{manifest}"
        );
    }
    let mut failures = Vec::new();
    for args in [
        &["--no-default-features", "--features", "repos"][..],
        &["--no-default-features", "--features", "issues"],
        &["--no-default-features", "--features", "meta"],
        &["--no-default-features"],
    ] {
        if let Err(errors) = clippy(&dir, args) {
            failures.push(format!("cargo clippy {}:\n{errors}", args.join(" ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// `new-client`'s default shape: types only ever sent implement `Deserialize` only with the
/// crate's `decode-requests` feature, and types only ever received implement `Serialize` only
/// with its `encode-responses` feature; everything compiles either way, and a caller decoding a
/// request type (encoding a response type) compiles exactly when the feature is on.
#[test]
fn one_way_features_give_types_their_other_direction() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("decode-requests-inbox");
    let made = xtask::new_client::new_client_with(
        &root().join("spec/inbox-v2.yaml"),
        &dir,
        Some("inbox-sent-client"),
        true,
        &xtask::new_client::shape(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(made.warnings.is_empty(), "{:?}", made.warnings);
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).expect("Cargo.toml");
    assert!(manifest.contains("\ndecode-requests = []\n"), "{manifest}");
    assert!(manifest.contains("\nencode-responses = []\n"), "{manifest}");
    let types = std::fs::read_to_string(dir.join("src/generated/types.rs")).expect("types.rs");
    // A request body is only sent; a response is received, so it always decodes.
    assert!(
        types.contains("    sent SendMessageRequest {\n"),
        "SendMessageRequest is not marked as only sent"
    );
    // A response is only received: it always decodes.
    assert!(
        types.contains("    received SendMessageResponse {\n"),
        "SendMessageResponse is not marked as only received"
    );
    // Sent inside the request and received in responses: both.
    assert!(
        types.contains("\n    Message {\n"),
        "Message is marked as travelling one way"
    );

    let examples = dir.join("examples");
    std::fs::create_dir_all(&examples).unwrap();
    std::fs::write(
        examples.join("decode_request.rs"),
        "fn main() {\n    let decoded: Result<inbox_sent_client::types::SendMessageRequest, _> =\n        \
         serde_json::from_str(\"{}\");\n    assert!(decoded.is_err());\n}\n",
    )
    .unwrap();
    std::fs::write(
        examples.join("encode_response.rs"),
        "fn main() {\n    let response = inbox_sent_client::types::SendMessageResponse::default();\n    \
         assert_eq!(serde_json::to_string(&response).unwrap(), \"{}\");\n}\n",
    )
    .unwrap();
    let target = inbox_api_tests::crates::target_dir(env!("CARGO_TARGET_TMPDIR"));
    let check = |args: &[&str]| inbox_api_tests::crates::check(&dir, &target, args);
    check(&["--lib"]).unwrap_or_else(|e| panic!("cargo check --lib:\n{e}"));
    check(&["--lib", "--features", "decode-requests,encode-responses"]).unwrap_or_else(|e| {
        panic!("cargo check --lib --features decode-requests,encode-responses:\n{e}")
    });
    check(&[
        "--example",
        "decode_request",
        "--features",
        "decode-requests",
    ])
    .unwrap_or_else(|e| panic!("decoding a request type with the feature:\n{e}"));
    let without = check(&["--example", "decode_request"])
        .expect_err("a request type decodes without the `decode-requests` feature");
    assert!(
        without.contains("Deserialize"),
        "expected a missing `Deserialize` impl:\n{without}"
    );
    check(&[
        "--example",
        "encode_response",
        "--features",
        "encode-responses",
    ])
    .unwrap_or_else(|e| panic!("encoding a response type with the feature:\n{e}"));
    let without = check(&["--example", "encode_response"])
        .expect_err("a response type encodes without the `encode-responses` feature");
    assert!(
        without.contains("Serialize"),
        "expected a missing `Serialize` impl:\n{without}"
    );
}
