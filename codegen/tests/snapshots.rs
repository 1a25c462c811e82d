//! Whole-file snapshots of the generator: `fixtures/<case>.yaml` in, `fixtures/<case>/` out.
//!
//! Each case is one small OpenAPI 3.0.3 document exercising one construct. Its expected output
//! is a directory holding every generated file (`mod.rs`, `types.rs`, ...) exactly as
//! `codegen::generate` writes them, so `tests/src/fixtures.rs` can compile each directory as a
//! module against the real runtime: every snapshot is also checked to be valid Rust.
//!
//! When the output changes on purpose: `UPDATE_EXPECT=1 cargo test -p codegen --test snapshots`
//! rewrites the expected files (and deletes expected files the generator no longer produces).
//! A new case needs a `fixtures/<case>.yaml`, a `#[test]` below and a line in
//! `tests/src/fixtures.rs`.

use std::fs;
use std::path::{Path, PathBuf};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn updating() -> bool {
    std::env::var_os("UPDATE_EXPECT").is_some()
}

/// Cases named `lenient_*` are generated in lenient mode; their warnings are part of the
/// snapshot (`warnings.txt`). All others are strict and must not warn.
fn is_lenient(case: &str) -> bool {
    case.starts_with("lenient_")
}

fn options(case: &str) -> codegen::Options {
    codegen::Options {
        spec_name: format!("codegen/tests/fixtures/{case}.yaml"),
        strict: !is_lenient(case),
    }
}

fn generate_case(case: &str) -> codegen::Output {
    let spec = fs::read(fixtures_dir().join(format!("{case}.yaml"))).unwrap();
    let output = codegen::generate(&spec, &options(case))
        .unwrap_or_else(|d| panic!("fixture {case}.yaml does not generate:\n{d}"));
    let warnings = codegen::Diagnostics::new(&options(case).spec_name, output.warnings.clone());
    assert!(
        is_lenient(case) || output.warnings.is_empty(),
        "fixture {case}.yaml should generate without warnings:\n{warnings}"
    );
    output
}

/// The warnings of a lenient case, as the snapshot's `warnings.txt`.
const WARNINGS_FILE: &str = "warnings.txt";

/// Compares every generated file of `case` with `fixtures/<case>/<file>`.
fn check(case: &str) {
    let output = generate_case(case);
    let expected_dir = fixtures_dir().join(case);
    if updating() {
        fs::create_dir_all(&expected_dir).unwrap();
    }
    for file in &output.files {
        expect_test::expect_file![expected_dir.join(&file.path)].assert_eq(&file.contents);
    }
    if is_lenient(case) {
        let warnings = codegen::Diagnostics::new(&options(case).spec_name, output.warnings.clone());
        expect_test::expect_file![expected_dir.join(WARNINGS_FILE)]
            .assert_eq(&format!("{warnings}\n"));
    }
    // An expected file the generator no longer writes would still be compiled by the tests
    // crate and hide the change.
    let mut stale = Vec::new();
    for entry in fs::read_dir(&expected_dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let expected = output.files.iter().any(|f| f.path == name)
            || (is_lenient(case) && name == WARNINGS_FILE);
        if !expected {
            if updating() {
                fs::remove_file(&path).unwrap();
            } else {
                stale.push(name);
            }
        }
    }
    assert!(
        stale.is_empty(),
        "{}: files not generated any more: {stale:?}; rerun with UPDATE_EXPECT=1",
        expected_dir.display()
    );
}

#[test]
fn r#struct() {
    check("struct");
}

#[test]
fn r#enum() {
    check("enum");
}

#[test]
fn oneof() {
    check("oneof");
}

#[test]
fn int64() {
    check("int64");
}

#[test]
fn date_time() {
    check("date_time");
}

#[test]
fn uuid() {
    check("uuid");
}

#[test]
fn nullable() {
    check("nullable");
}

#[test]
fn read_only() {
    check("read_only");
}

#[test]
fn deprecated() {
    check("deprecated");
}

#[test]
fn recursive() {
    check("recursive");
}

#[test]
fn keywords() {
    check("keywords");
}

#[test]
fn inline() {
    check("inline");
}

#[test]
fn maps() {
    check("maps");
}

#[test]
fn all_of() {
    check("all_of");
}

#[test]
fn docs() {
    check("docs");
}

#[test]
fn unions() {
    check("unions");
}

#[test]
fn names() {
    check("names");
}

#[test]
fn styles() {
    check("styles");
}

#[test]
fn lenient_collisions() {
    check("lenient_collisions");
}

/// Every `<case>.yaml` has a test above and is compiled by `tests/src/fixtures.rs`.
#[test]
fn every_fixture_is_checked() {
    let source = include_str!("snapshots.rs");
    let compiled =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/src/fixtures.rs"))
            .unwrap();
    let mut unchecked = Vec::new();
    for entry in fs::read_dir(fixtures_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let case = path.file_stem().unwrap().to_string_lossy().into_owned();
            if !source.contains(&format!("check(\"{case}\")")) {
                unchecked.push(format!("{case}: no test in codegen/tests/snapshots.rs"));
            }
            if !compiled.contains(&format!("codegen/tests/fixtures/{case}\"")) {
                unchecked.push(format!("{case}: not compiled by tests/src/fixtures.rs"));
            }
        }
    }
    assert!(
        unchecked.is_empty(),
        "fixtures not wired up: {unchecked:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Determinism.

fn all_cases() -> Vec<String> {
    let mut cases: Vec<String> = fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    cases
}

#[test]
fn generating_twice_gives_identical_bytes() {
    for case in all_cases() {
        let first = generate_case(&case);
        let second = generate_case(&case);
        assert_eq!(first.files, second.files, "{case}: two runs differ");
        assert_eq!(
            first.api, second.api,
            "{case}: two runs resolve differently"
        );
    }
}

const TWO_SCHEMAS_AB: &str = r#"
openapi: 3.0.3
info: {title: Order, version: '1'}
paths: {}
components:
  schemas:
    Alpha:
      type: object
      description: First.
      x-oneof:
        pick: [left, right]
      properties:
        beta:
          $ref: '#/components/schemas/Beta'
        left:
          type: string
          description: Left.
        right:
          type: string
          description: Right.
        inline:
          type: object
          description: Inline.
          properties:
            z:
              type: string
              description: Z.
    Beta:
      type: string
      description: Second.
      enum: [B2, B1]
"#;

const TWO_SCHEMAS_BA: &str = r#"
openapi: 3.0.3
info: {title: Order, version: '1'}
paths: {}
components:
  schemas:
    Beta:
      type: string
      description: Second.
      enum: [B2, B1]
    Alpha:
      type: object
      description: First.
      x-oneof:
        pick: [left, right]
      properties:
        beta:
          $ref: '#/components/schemas/Beta'
        left:
          type: string
          description: Left.
        right:
          type: string
          description: Right.
        inline:
          type: object
          description: Inline.
          properties:
            z:
              type: string
              description: Z.
"#;

#[test]
fn reordering_schemas_changes_nothing() {
    let generate = |spec: &str| {
        codegen::generate(spec.as_bytes(), &options("order"))
            .unwrap()
            .files
    };
    let ab = generate(TWO_SCHEMAS_AB);
    let ba = generate(TWO_SCHEMAS_BA);
    assert_eq!(ab, ba);
    // Enum values keep spec order; only items are sorted.
    let types = &ab.iter().find(|f| f.path == "types.rs").unwrap().contents;
    assert!(
        types.find("B2,").unwrap() < types.find("B1,").unwrap(),
        "{types}"
    );
}

#[test]
fn header_names_the_spec_and_nothing_that_changes() {
    let output = generate_case("struct");
    for file in &output.files {
        let first = file.contents.lines().next().unwrap();
        assert_eq!(
            first,
            "// @generated by `cargo xtask regen` from codegen/tests/fixtures/struct.yaml. Do not edit.",
            "{}",
            file.path
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Generator bugs found while writing the snapshots: these assert the correct behaviour.

/// An int64-as-string map value must keep its string wire format (or be reported): a plain
/// `BTreeMap<String, i64>` rejects `{"a": "1"}`, which is what Wix sends.
#[test]
fn int64_string_map_values_keep_their_wire_format() {
    let spec = r#"
openapi: 3.0.3
info: {title: Map of int64, version: '1'}
paths: {}
components:
  schemas:
    Totals:
      type: object
      description: Totals by key.
      properties:
        byKey:
          type: object
          description: int64 strings by key.
          additionalProperties:
            type: string
            format: int64
"#;
    let Ok(output) = codegen::generate(spec.as_bytes(), &options("map_int64")) else {
        return; // Refusing the construct with a diagnostic is fine too.
    };
    let types = &output
        .files
        .iter()
        .find(|f| f.path == "types.rs")
        .unwrap()
        .contents;
    let field = types
        .lines()
        .find(|l| l.contains("by_key = \"byKey\""))
        .unwrap_or_default();
    assert!(
        field.ends_with("as Int64,") || !output.warnings.is_empty(),
        "map of int64 strings is emitted as a plain map of numbers, which fails on \"1\":\n{field}"
    );
}

/// Code fences copied from a spec description are never compiled as doctests (the promise of
/// `emit/docs.rs`): a ```` ```rust ```` fence must not reach rustdoc as Rust.
#[test]
fn spec_code_fences_are_never_doctests() {
    let spec = r#"
openapi: 3.0.3
info: {title: Fences, version: '1'}
paths: {}
components:
  schemas:
    Fenced:
      type: object
      description: |
        Example:
        ```rust
        this is not Rust
        ```
        ```no_run
        nor this
        ```
      properties:
        a:
          type: string
          description: A.
"#;
    let output = codegen::generate(spec.as_bytes(), &options("fences")).unwrap();
    let types = &output
        .files
        .iter()
        .find(|f| f.path == "types.rs")
        .unwrap()
        .contents;
    let doctests = rust_fences(types);
    assert!(
        doctests.is_empty(),
        "fences rustdoc would compile: {doctests:?}\n{types}"
    );
}

/// URLs in spec descriptions end up as `<https://..>` autolinks, also when the spec puts them in
/// parentheses or in a markdown link whose brackets were escaped; rustdoc's `bare_urls` lint
/// warns otherwise (seen with `cargo doc -p inbox-api-tests` on the `docs` fixture).
#[test]
fn urls_in_docs_are_never_bare() {
    let spec = r#"
openapi: 3.0.3
info: {title: Urls, version: '1'}
paths: {}
components:
  schemas:
    Linked:
      type: object
      description: Docs (https://example.com/in-parens) and a [link](https://example.com/link).
      properties:
        a:
          type: string
          description: A.
"#;
    let output = codegen::generate(spec.as_bytes(), &options("urls")).unwrap();
    let types = &output
        .files
        .iter()
        .find(|f| f.path == "types.rs")
        .unwrap()
        .contents;
    let bare: Vec<&str> = types
        .lines()
        .filter(|l| l.trim_start().starts_with("///"))
        .filter(|l| l.match_indices("http").any(|(i, _)| !l[..i].ends_with('<')))
        .collect();
    assert!(bare.is_empty(), "bare URLs in doc comments: {bare:#?}");
}

/// Opening doc-comment fences whose info string makes rustdoc compile the block.
fn rust_fences(source: &str) -> Vec<String> {
    const RUST_TOKENS: &[&str] = &[
        "rust",
        "no_run",
        "should_panic",
        "compile_fail",
        "test_harness",
        "standalone_crate",
    ];
    let mut open = false;
    let mut found = Vec::new();
    for line in source.lines() {
        let Some(text) = line.trim_start().strip_prefix("///") else {
            continue;
        };
        let text = text.trim();
        let Some(info) = text.strip_prefix("```") else {
            continue;
        };
        if open {
            open = false;
            continue;
        }
        open = true;
        let tokens: Vec<&str> = info
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .collect();
        let is_rust = tokens
            .iter()
            .all(|t| RUST_TOKENS.contains(t) || t.starts_with("edition"));
        if is_rust && !tokens.contains(&"ignore") {
            found.push(text.to_owned());
        }
    }
    found
}

/// `Shape::partial_eq: false` (what `new-client` does unless asked) leaves `PartialEq` off
/// every data type, option struct and event enum, and only there: open enums keep
/// `PartialEq, Eq, Hash` (cheap, and what `match`ing and map keys need).
#[test]
fn partial_eq_is_a_choice_of_the_shape() {
    let spec = fs::read(fixtures_dir().join("oneof.yaml")).unwrap();
    let render = |partial_eq: bool| {
        let shape = codegen::Shape {
            partial_eq,
            ..codegen::Shape::default()
        };
        let output = codegen::generate_with(&spec, &options("oneof"), &shape).unwrap();
        output
            .files
            .iter()
            .map(|f| f.contents.clone())
            .collect::<String>()
    };
    let with = render(true);
    let without = render(false);
    let derives = |text: &str| {
        text.lines()
            .filter(|l| l.trim_start().starts_with("#[derive("))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let (with, without) = (derives(&with), derives(&without));
    assert_eq!(with.len(), without.len());
    assert!(with.iter().filter(|d| d.contains("PartialEq")).count() > 2);
    for (a, b) in with.iter().zip(&without) {
        if a.contains("Eq, Hash") {
            assert_eq!(a, b, "open enums keep their derives");
        } else {
            assert!(!b.contains("PartialEq"), "{b}");
            assert_eq!(a.replace(", PartialEq", ""), *b);
        }
    }
}
