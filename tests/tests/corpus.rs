//! `cargo xtask corpus` on a small corpus written here: classification (generated, failed,
//! not OpenAPI), the table's columns, operation counts, and skipped items listed with their
//! places. Generation only:
//! CI's corpus run does the `cargo clippy -- -D warnings` (see README).

use std::fs;
use std::path::Path;

use xtask::corpus::{self, Request, Status};

/// A content parameter and a union (both generated) and a path item taken from another
/// document (not followed: skipped with a warning naming its place).
const UNION_AND_CONTENT_PARAMETER: &str = r#"
openapi: 3.0.3
info: {title: Small, version: '1'}
paths:
  /others:
    $ref: 'other.yaml#/paths/~1others'
  /things:
    get:
      operationId: getThings
      parameters:
        - {name: filter, in: query, content: {application/json: {schema: {type: object}}}}
      responses:
        '200': {description: OK}
    post:
      operationId: postThings
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema:
                oneOf: [{type: string}, {type: integer}]
"#;

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn small_corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "3.0/small.yaml", UNION_AND_CONTENT_PARAMETER);
    write(
        dir.path(),
        "3.0/broken.yaml",
        "openapi: 3.0.3\ninfo: [unclosed\n",
    );
    write(
        dir.path(),
        "3.1/new.yaml",
        "openapi: 3.1.0\ninfo: {title: T, version: '1'}\n",
    );
    write(
        dir.path(),
        "2.0/old.json",
        r#"{"swagger": "2.0", "info": {"title": "T", "version": "1"}, "paths": {"/a": {"get": {"operationId": "getA", "responses": {"200": {"description": "ok"}}}}}}"#,
    );
    write(
        dir.path(),
        "4.0/next.yaml",
        "openapi: 4.0.0\ninfo: {title: T, version: '1'}\n",
    );
    write(dir.path(), "README.md", "not a document");
    dir
}

fn run(dir: &Path, strict: bool) -> Vec<corpus::Entry> {
    let work = tempfile::tempdir().unwrap();
    corpus::corpus(&Request {
        dir: Some(dir.to_path_buf()),
        strict,
        no_check: true,
        work: Some(work.path().to_path_buf()),
        ..Request::default()
    })
    .unwrap()
}

#[test]
fn classifies_every_document_and_lists_skips_with_their_places() {
    let dir = small_corpus();
    let entries = run(dir.path(), false);
    let specs: Vec<&str> = entries.iter().map(|e| e.spec.as_str()).collect();
    assert_eq!(
        specs,
        [
            "2.0/old.json",
            "3.0/broken.yaml",
            "3.0/small.yaml",
            "3.1/new.yaml",
            "4.0/next.yaml"
        ]
    );
    let versions: Vec<&str> = entries.iter().map(|e| e.version.as_str()).collect();
    assert_eq!(versions, ["2.0", "", "3.0.3", "3.1.0", "4.0.0"]);
    assert!(
        matches!(&entries[0].status, Status::Generated { operations: 1, .. }),
        "{:?}",
        entries[0]
    );
    assert!(
        matches!(&entries[1].status, Status::Failed { error, .. } if error.contains("3.0/broken.yaml:")),
        "{:?}",
        entries[1]
    );
    let Status::Generated {
        skipped,
        crate_name,
        operations,
        skipped_operations,
        ..
    } = &entries[2].status
    else {
        panic!("{:?}", entries[2]);
    };
    assert_eq!(crate_name, "oas-3-0-small-yaml");
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    assert!(
        skipped[0].contains("unsupported: $ref on a path item to other.yaml#/paths/~1others"),
        "{skipped:?}"
    );
    assert!(skipped[0].contains("(#/paths/~1others)"), "{skipped:?}");
    // The parameter described by `content` is generated like any other.
    assert_eq!(entries[2].operations_in_spec, 2);
    assert_eq!(*operations, 2);
    assert!(skipped_operations.is_empty(), "{skipped_operations:?}");
    assert!(matches!(
        &entries[3].status,
        Status::Generated { operations: 0, .. }
    ));
    assert!(
        matches!(&entries[4].status, Status::NotOpenApi(r) if r.contains("OpenAPI version 4.0.0")),
        "{:?}",
        entries[4]
    );

    let table = corpus::render(&entries);
    let header = table.lines().next().unwrap();
    for column in [
        "spec",
        "version",
        "generated",
        "compiles",
        "time",
        "operations",
        "skipped",
        "error",
    ] {
        assert!(header.contains(column), "{header}");
    }
    assert!(table.contains("not read (OpenAPI version 4.0.0"), "{table}");
    assert!(
        table.contains("5 document(s): 3 generated, 0 compiled, 1 not read; operations: 3 generated of 3 in the specs"),
        "{table}"
    );
    assert!(
        table.contains("3.0/small.yaml: 1 skipped (0 operation(s))"),
        "{table}"
    );
    let totals = corpus::totals(&entries);
    assert!(totals.skips.is_empty(), "{totals:?}");
    assert_eq!(
        (totals.operations_generated, totals.operations_in_spec),
        (3, 3)
    );
    assert!(entries[1].failed() && !entries[2].failed() && !entries[4].failed());
}

#[test]
fn strict_turns_skips_into_failures() {
    let dir = small_corpus();
    let entries = run(dir.path(), true);
    let small = entries.iter().find(|e| e.spec == "3.0/small.yaml").unwrap();
    assert!(
        matches!(&small.status, Status::Failed { error, .. } if error.contains("error: unsupported: $ref on a path item to other.yaml")),
        "{small:?}"
    );
}

#[test]
fn crate_names_are_unique_per_document() {
    assert_eq!(
        corpus::crate_name("3.0/json/petstore.json"),
        "oas-3-0-json-petstore-json"
    );
    assert_ne!(
        corpus::crate_name("3.0/json/petstore.json"),
        corpus::crate_name("3.0/yaml/petstore.yaml")
    );
}

/// The CI subset names documents of the pinned package (checked when the package is cached).
#[test]
fn subset_names_pinned_documents() {
    let package = xtask::workspace_root()
        .join(".cache/oas-examples")
        .join(corpus::OAS_EXAMPLES_VERSION)
        .join("package");
    if !package.exists() {
        return; // `cargo xtask corpus` fetches it; nothing third-party is committed.
    }
    for rel in corpus::SUBSET {
        assert!(
            package.join(rel).exists(),
            "{rel} is not in the pinned package"
        );
    }
}
