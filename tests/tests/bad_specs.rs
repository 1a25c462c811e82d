//! Bad specs: regen fails with a message that names the place, and the previously generated
//! files stay exactly as they were. Lenient mode turns unsupported constructs into warnings.
//!
//! Each failing case first generates the real spec into a temporary directory, then runs regen
//! with the bad spec into the same directory and compares every byte of it afterwards.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn real_spec() -> String {
    fs::read_to_string(root().join("spec/inbox-v2.yaml")).unwrap()
}

fn request(spec: &Path, out: &Path, lenient: bool) -> xtask::regen::Request {
    xtask::regen::Request {
        spec: spec.to_path_buf(),
        out: out.to_path_buf(),
        check: false,
        lenient,
        against: None,
        report: None,
        impact: false,
    }
}

/// Every file of `dir` (also stray temporary files) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                fs::read(&p).unwrap(),
            )
        })
        .collect()
}

/// Runs regen (strict) with `spec` saved as `file_name` over a good generation; returns the
/// error message after checking that no file changed.
fn regen_fails(file_name: &str, spec: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    xtask::regen::regen(&request(&root().join("spec/inbox-v2.yaml"), &out, false)).unwrap();
    let before = snapshot(&out);
    assert!(before.contains_key("types.rs"), "{before:?}");

    let spec_path = dir.path().join(file_name);
    fs::write(&spec_path, spec).unwrap();
    let message = match xtask::regen::regen(&request(&spec_path, &out, false)) {
        Ok(()) => panic!("regen accepted {file_name}"),
        Err(message) => message,
    };
    assert!(
        snapshot(&out) == before,
        "a failed regen changed {}",
        out.display()
    );
    assert!(message.contains("no file was written"), "{message}");
    message
}

fn assert_mentions(message: &str, parts: &[&str]) {
    for part in parts {
        assert!(message.contains(part), "expected {part:?} in:\n{message}");
    }
}

/// A minimal document: `body` is appended after `openapi`, `info` and `paths: {}` unless it
/// brings its own `paths`.
fn doc(body: &str) -> String {
    let paths = if body.contains("\npaths:") || body.starts_with("paths:") {
        ""
    } else {
        "paths: {}\n"
    };
    format!("openapi: 3.0.3\ninfo:\n  title: Bad\n  version: '1'\n{paths}{body}")
}

// ---------------------------------------------------------------------------------------------
// Not a usable document.

#[test]
fn malformed_yaml_names_line_and_column() {
    let spec = doc(
        "components:\n  schemas:\n    Foo:\n      type: object\n      properties: {a: [unclosed}\n",
    );
    let message = regen_fails("malformed.yaml", spec.as_bytes());
    assert_mentions(&message, &["malformed YAML", "malformed.yaml:10:32"]);
}

#[test]
fn bad_indentation_names_line_and_column() {
    let spec = doc(
        "components:\n  schemas:\n    Foo:\n      type: object\n     description: misaligned\n",
    );
    let message = regen_fails("indent.yaml", spec.as_bytes());
    assert_mentions(&message, &["malformed YAML", "indent.yaml:10:6"]);
}

#[test]
fn non_utf8_byte_names_line_and_column() {
    let mut spec = doc("components:\n  schemas:\n    Foo:\n      description: caf").into_bytes();
    spec.extend_from_slice(b"\xe9 au lait\n      type: object\n");
    let message = regen_fails("latin1.yaml", &spec);
    assert_mentions(&message, &["not valid UTF-8", "latin1.yaml:9:23"]);
}

#[test]
fn unsupported_openapi_version_is_refused() {
    let spec = "openapi: 4.0.0\ninfo:\n  title: Next\n  version: '1'\npaths: {}\n";
    let message = regen_fails("v4.yaml", spec.as_bytes());
    assert_mentions(
        &message,
        &[
            "unsupported: OpenAPI version 4.0.0",
            "3.0.x and 3.1.x and Swagger 2.0 are supported",
            "v4.yaml:1:1 (#/openapi)",
        ],
    );
}

/// Two operations: the second refers to the first one's parameter and response.
fn refs_into_paths(parameter_ref: &str, response_ref: &str) -> String {
    doc(&format!(
        r#"paths:
  /v2/account/keys/{{id}}:
    get:
      operationId: getKey
      parameters:
        - {{name: id, in: path, required: true, schema: {{type: string}}}}
      responses:
        '200': {{description: a key}}
  /v2/account/tokens/{{id}}:
    get:
      operationId: getToken
      parameters:
        - $ref: '{parameter_ref}'
      responses:
        '200':
          $ref: '{response_ref}'
"#
    ))
}

#[test]
fn ref_into_paths_that_dangles_names_the_pointer() {
    let spec = refs_into_paths(
        "#/paths/~1v2~1account~1keys~1%7Bid%7D/get/parameters/1",
        "#/paths/~1v2~1account~1keys~1%7Bid%7D/get/responses/200",
    );
    let message = regen_fails("dangling-path-ref.yaml", spec.as_bytes());
    assert_mentions(
        &message,
        &[
            "$ref target not found: #/paths/~1v2~1account~1keys~1%7Bid%7D/get/parameters/1",
            "(no parameter at #/paths/~1v2~1account~1keys~1{id}/get/parameters/1)",
            "dangling-path-ref.yaml:17:9 (#/paths/~1v2~1account~1tokens~1{id}/get/parameters/0)",
        ],
    );
}

#[test]
fn ref_that_is_not_a_uri_fragment_names_the_pointer() {
    let spec = refs_into_paths(
        "#/paths/~1v2~1account~1keys~1%7Bid%7D/get/parameters/0",
        "#/paths/~1v2~1account~1keys~1%7Bid%7/get/responses/200",
    );
    let message = regen_fails("bad-fragment.yaml", spec.as_bytes());
    assert_mentions(
        &message,
        &[
            "is not a valid URI fragment",
            "bad-fragment.yaml:19:9 (#/paths/~1v2~1account~1tokens~1{id}/get/responses/200)",
        ],
    );
}

#[test]
fn ref_into_paths_is_followed() {
    let spec = refs_into_paths(
        "#/paths/~1v2~1account~1keys~1%7Bid%7D/get/parameters/0",
        "#/paths/~1v2~1account~1keys~1{id}/get/responses/200",
    );
    let output = lenient(&spec);
    assert!(output.warnings.is_empty(), "{}", warnings(&output));
    let token = output
        .api
        .operations
        .iter()
        .find(|o| o.operation_id == "getToken")
        .expect("getToken is generated");
    assert_eq!(token.params[0].wire_name, "id");
}

#[test]
fn not_an_openapi_document_names_the_pointer() {
    let spec =
        doc("components:\n  schemas:\n    Foo:\n      type: object\n      required: yes-please\n");
    let message = regen_fails("shape.yaml", spec.as_bytes());
    assert_mentions(
        &message,
        &["not a valid OpenAPI 3.0 document", "shape.yaml:"],
    );
}

// ---------------------------------------------------------------------------------------------
// Resolve errors carry a JSON pointer.

#[test]
fn dangling_ref_names_the_pointer() {
    let spec = real_spec();
    let broken = spec.replacen(
        "- $ref: '#/components/schemas/MessageContent'",
        "- $ref: '#/components/schemas/MesageContent'",
        1,
    );
    assert_ne!(spec, broken, "the real spec changed; update this test");
    let ref_line = broken
        .lines()
        .position(|l| l.contains("MesageContent"))
        .unwrap()
        + 1;
    let message = regen_fails("dangling.yaml", broken.as_bytes());
    assert_mentions(
        &message,
        &["$ref target not found: #/components/schemas/MesageContent"],
    );
    // The property itself, or the `allOf` member holding the `$ref`, with its position.
    // (An earlier generator wrote `.../content/allOf~10`, escaping `allOf/0` as one segment.)
    let property = "#/components/schemas/Message/properties/content";
    let places = [
        format!("dangling.yaml:{}:9 ({property})", ref_line - 2),
        format!("dangling.yaml:{ref_line}:13 ({property}/allOf/0)"),
    ];
    assert!(
        places.iter().any(|p| message.contains(p.as_str())),
        "expected one of {places:#?} in:\n{message}"
    );
}

#[test]
fn schema_names_that_collide() {
    let spec = doc("components:
  schemas:
    FooBar:
      type: object
      properties:
        a:
          type: string
    foo_bar:
      type: object
      properties:
        b:
          type: string
");
    let message = regen_fails("collide.yaml", spec.as_bytes());
    assert_mentions(
        &message,
        &[
            "name collision",
            "`foo_bar`",
            "`FooBar`",
            "collide.yaml:13:5 (#/components/schemas/foo_bar)",
        ],
    );
}

#[test]
fn enum_values_that_collide() {
    let spec = doc("components:
  schemas:
    Status:
      type: string
      enum:
        - IN_PROGRESS
        - InProgress
");
    let message = regen_fails("enum.yaml", spec.as_bytes());
    assert_mentions(
        &message,
        &[
            "name collision",
            "`InProgress`",
            "`IN_PROGRESS`",
            "enum.yaml:12:9 (#/components/schemas/Status/enum/1)",
        ],
    );
}

#[test]
fn properties_that_collide() {
    let spec = doc("components:
  schemas:
    User:
      type: object
      properties:
        userId:
          type: string
        user_id:
          type: string
");
    let message = regen_fails("fields.yaml", spec.as_bytes());
    assert_mentions(
        &message,
        &[
            "name collision",
            "`user_id`",
            "`userId`",
            "fields.yaml:13:9 (#/components/schemas/User/properties/user_id)",
        ],
    );
}

#[test]
fn oneof_naming_a_missing_property() {
    let spec = doc("components:
  schemas:
    Content:
      type: object
      x-oneof:
        payload: [basic, carousel]
      properties:
        basic:
          type: string
");
    let message = regen_fails("oneof.yaml", spec.as_bytes());
    assert_mentions(
        &message,
        &[
            "`carousel`",
            "not a property",
            "oneof.yaml:11:9 (#/components/schemas/Content/x-oneof/payload)",
        ],
    );
}

const OK_RESPONSE: &str = "      responses:
        '200':
          description: OK
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Thing'
";

const THING: &str = "components:
  schemas:
    Thing:
      type: object
      properties:
        y:
          type: string
";

#[test]
fn operation_without_operation_id() {
    let spec = doc(&format!(
        "paths:\n  /things:\n    get:\n      summary: List things\n{OK_RESPONSE}{THING}"
    ));
    let message = regen_fails("noid.yaml", spec.as_bytes());
    assert_mentions(
        &message,
        &["no operationId", "noid.yaml:7:5 (#/paths/~1things/get)"],
    );
}

#[test]
fn undeclared_path_parameter() {
    let spec = doc(&format!("paths:\n  /things/{{thingId}}:\n    get:\n      operationId: getThing\n{OK_RESPONSE}{THING}"));
    let message = regen_fails("path.yaml", spec.as_bytes());
    assert_mentions(
        &message,
        &[
            "`{thingId}`",
            "not declared",
            "path.yaml:7:5 (#/paths/~1things~1{thingId}/get)",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Unsupported constructs: errors when strict, warnings (and degraded output) when lenient.

/// A property whose schema lives in another file: codegen reads one document and does no IO.
/// (A `oneOf` of two schemas used to be the example here; the generator now models unions.)
const EXTERNAL_REF_PROPERTY: &str = "components:
  schemas:
    Thing:
      type: object
      properties:
        y:
          $ref: 'common.yaml#/components/schemas/Money'
";

/// A multipart body whose schema lists no parts: generated with a free-form form.
fn multipart_body() -> String {
    format!(
        "paths:
  /things:
    post:
      operationId: uploadThing
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: string
{OK_RESPONSE}  /other:
    get:
      operationId: getOther
{OK_RESPONSE}{THING}"
    )
}

/// A path item taken from another document: codegen reads one document, so its operations
/// are skipped.
fn external_path_item() -> String {
    format!(
        "paths:
  /things:
    $ref: 'other.yaml#/paths/~1things'
  /other:
    get:
      operationId: getOther
{OK_RESPONSE}{THING}"
    )
}

fn cookie_parameter() -> String {
    format!(
        "paths:
  /things:
    get:
      operationId: listThings
      parameters:
        - name: session
          in: cookie
          schema:
            type: string
{OK_RESPONSE}  /other:
    get:
      operationId: getOther
{OK_RESPONSE}{THING}"
    )
}

#[test]
fn strict_external_ref_is_unsupported() {
    let message = regen_fails("external.yaml", doc(EXTERNAL_REF_PROPERTY).as_bytes());
    assert_mentions(
        &message,
        &[
            "unsupported: $ref to another document (common.yaml#/components/schemas/Money)",
            "external.yaml:11:9 (#/components/schemas/Thing/properties/y)",
        ],
    );
}

#[test]
fn strict_external_path_item_is_unsupported() {
    let message = regen_fails("external-path.yaml", doc(&external_path_item()).as_bytes());
    assert_mentions(
        &message,
        &[
            "unsupported: $ref on a path item to other.yaml#/paths/~1things",
            "external-path.yaml:6:3 (#/paths/~1things)",
        ],
    );
}

#[test]
fn strict_multipart_body_without_parts_is_generated() {
    let options = codegen::Options {
        spec_name: "multipart.yaml".to_owned(),
        strict: true,
    };
    let output = codegen::generate(doc(&multipart_body()).as_bytes(), &options)
        .unwrap_or_else(|d| panic!("a multipart body without parts is supported:\n{d}"));
    assert!(output.warnings.is_empty(), "{:?}", output.warnings);
    let operations = file(&output, "operations.rs");
    assert!(
        operations.contains("body: Option<crate::body::MultipartForm>"),
        "{operations}"
    );
}

#[test]
fn strict_cookie_parameter_is_generated() {
    let options = codegen::Options {
        spec_name: "cookie.yaml".to_owned(),
        strict: true,
    };
    let output = codegen::generate(doc(&cookie_parameter()).as_bytes(), &options)
        .unwrap_or_else(|d| panic!("a cookie parameter is supported in strict mode:\n{d}"));
    assert!(output.warnings.is_empty(), "{:?}", output.warnings);
}

fn lenient(spec: &str) -> codegen::Output {
    let options = codegen::Options {
        spec_name: "lenient.yaml".to_owned(),
        strict: false,
    };
    codegen::generate(spec.as_bytes(), &options)
        .unwrap_or_else(|d| panic!("lenient generation failed:\n{d}"))
}

fn warnings(output: &codegen::Output) -> String {
    codegen::Diagnostics::new("lenient.yaml", output.warnings.clone()).to_string()
}

fn file<'a>(output: &'a codegen::Output, path: &str) -> &'a str {
    &output
        .files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path}"))
        .contents
}

#[test]
fn lenient_external_ref_degrades_to_json_value() {
    let output = lenient(&doc(EXTERNAL_REF_PROPERTY));
    let warnings = warnings(&output);
    assert_mentions(
        &warnings,
        &[
            "warning: unsupported: $ref to another document",
            "(#/components/schemas/Thing/properties/y)",
        ],
    );
    assert!(
        file(&output, "types.rs").contains("pub y: Option<Value>,"),
        "{}",
        file(&output, "types.rs")
    );
}

#[test]
fn lenient_external_path_item_skips_its_operations() {
    let output = lenient(&doc(&external_path_item()));
    assert_mentions(
        &warnings(&output),
        &[
            "warning: unsupported: $ref on a path item to other.yaml#/paths/~1things",
            "(#/paths/~1things)",
        ],
    );
    let names: Vec<&str> = output
        .api
        .operations
        .iter()
        .map(|o| o.operation_id.as_str())
        .collect();
    assert_eq!(names, ["getOther"]);
    let operations = file(&output, "operations.rs");
    assert!(operations.contains("get_other"), "{operations}");
}

#[test]
fn lenient_cookie_parameter_is_an_option() {
    let output = lenient(&doc(&cookie_parameter()));
    assert_eq!(warnings(&output), "", "no warning");
    let names: Vec<&str> = output
        .api
        .operations
        .iter()
        .map(|o| o.operation_id.as_str())
        .collect();
    assert_eq!(names, ["getOther", "listThings"]);
    let operations = file(&output, "operations.rs");
    assert!(
        operations.contains("headers.cookie(\"session\", value);"),
        "{operations}"
    );
    assert!(
        operations.contains("Cookie parameter `session`."),
        "{operations}"
    );
}

/// `cargo xtask regen --lenient` writes the degraded output.
#[test]
fn lenient_regen_writes_files() {
    let dir = tempfile::tempdir().unwrap();
    let spec_path = dir.path().join("lenient.yaml");
    fs::write(&spec_path, doc(EXTERNAL_REF_PROPERTY)).unwrap();
    let out = dir.path().join("generated");
    xtask::regen::regen(&request(&spec_path, &out, true)).unwrap();
    let types = fs::read_to_string(out.join("types.rs")).unwrap();
    assert!(types.contains("pub y: Option<Value>,"), "{types}");
}

/// Problems are collected: one run reports every error, not only the first.
#[test]
fn every_error_is_reported_at_once() {
    let spec = doc("components:
  schemas:
    A:
      type: object
      properties:
        b:
          $ref: '#/components/schemas/Missing1'
        c:
          $ref: '#/components/schemas/Missing2'
");
    let message = regen_fails("many.yaml", spec.as_bytes());
    assert_mentions(&message, &["Missing1", "Missing2"]);
}
