//! Spec text -> `openapiv3::OpenAPI`, with errors that name a line and column or a JSON pointer.
//!
//! YAML and JSON are both read by serde_yaml (JSON is a subset of YAML 1.2). No file IO here.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostic, Diagnostics};

/// A parsed spec and a locator for turning JSON pointers back into line/column positions.
pub struct Loaded {
    /// The document.
    pub doc: openapiv3::OpenAPI,
    /// The raw document, for `x-` extensions anywhere.
    pub raw: serde_json::Value,
    /// Maps pointers to positions in the text.
    pub locator: Locator,
}

/// Parses `bytes` (the contents of `file`) as an OpenAPI 3.0 document.
pub fn parse(file: &str, bytes: &[u8]) -> Result<Loaded, Diagnostics> {
    let fail = |d: Diagnostic| Diagnostics::new(file, vec![d]);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let mut d = Diagnostic::error(
            "#",
            format!("spec is not valid UTF-8 (byte offset {offset})"),
        );
        d.line_col = Some(line_col_of_offset(bytes, offset));
        fail(d)
    })?;
    // JSON documents take serde_json's much faster path; YAML (a superset) goes through
    // serde_yaml. Both report line and column.
    let raw: serde_json::Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| {
            let mut d = Diagnostic::error(
                "#",
                format!("malformed JSON: {}", strip_location(&e.to_string())),
            );
            d.line_col = Some((e.line(), e.column()));
            fail(d)
        })?
    } else {
        let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
            let mut d = Diagnostic::error(
                "#",
                format!("malformed YAML/JSON: {}", strip_location(&e.to_string())),
            );
            d.line_col = e.location().map(|l| (l.line(), l.column()));
            fail(d)
        })?;
        serde_json::to_value(&value).map_err(|e| {
            fail(Diagnostic::error(
                "#",
                format!("spec is not representable as JSON: {e}"),
            ))
        })?
    };
    let locator = Locator::new(text);
    let version = raw.get("openapi").and_then(|v| v.as_str()).unwrap_or("");
    if !version.starts_with("3.0") {
        let what = if version.is_empty() {
            "a document without an `openapi: 3.0.x` field (Swagger 2.0 or not OpenAPI)".to_owned()
        } else {
            format!("OpenAPI version {version} (only 3.0.x is supported)")
        };
        let mut d = Diagnostic::unsupported("#/openapi", what);
        d.line_col = locator.locate("#/openapi");
        return Err(fail(d));
    }
    let mut raw = raw;
    let doc = deserialize_in_parts(&mut raw).map_err(|failure| {
        let mut d = Diagnostic::error(failure.pointer.clone(), failure.message);
        d.line_col = locator.locate(&failure.pointer);
        fail(d)
    })?;
    Ok(Loaded { doc, raw, locator })
}

/// Why the document is not valid OpenAPI 3.0, and where.
struct Failure {
    pointer: String,
    message: String,
}

/// One independently deserialized part of the document: a component schema, a component
/// example, a path item, or the rest of the document (without those).
#[derive(Clone, Copy)]
enum Part<'a> {
    Rest(&'a Value),
    Schema(&'a str, &'a Value),
    Example(&'a str, &'a Value),
    PathItem(&'a str, &'a Value),
}

/// What a part deserialized into, with its key.
enum Parsed {
    Rest(Box<openapiv3::OpenAPI>),
    Schema(String, Box<openapiv3::ReferenceOr<openapiv3::Schema>>),
    Example(String, openapiv3::ReferenceOr<openapiv3::Example>),
    PathItem(String, Box<openapiv3::ReferenceOr<openapiv3::PathItem>>),
}

/// A part's failure: its schemas did not check (`Err(Ok)`), or it did not deserialize
/// (`Err(Err)`).
type PartResult = Result<Parsed, Result<Failure, Failure>>;

/// Deserializes `raw` into an `openapiv3::OpenAPI`, in parts on all cores.
///
/// The component schemas, component examples and path items (most of a large spec) are taken
/// out of `raw` and deserialized one by one, in parallel with the rest of the document; then
/// `raw` is put back together. Each part's schemas are checked first, deepest first
/// ([`check_tree`]): openapiv3's deserializer backtracks through every level of nesting above
/// an invalid schema, which takes exponential time in the depth. A schema error anywhere is
/// reported before a document error; among several, the first in document order.
fn deserialize_in_parts(raw: &mut Value) -> Result<openapiv3::OpenAPI, Failure> {
    let mut schemas = take_object(raw.pointer_mut("/components/schemas"), |_| true);
    let mut examples = take_object(raw.pointer_mut("/components/examples"), |_| true);
    // Only keys starting with `/` are path items (the others openapiv3 ignores or reads as
    // extensions, with the rest of the document).
    let mut path_items = take_object(raw.get_mut("paths"), |key| key.starts_with('/'));
    let result = {
        let raw: &Value = raw;
        let mut parts = vec![Part::Rest(raw)];
        parts.extend(examples.iter().map(|(k, v)| Part::Example(k, v)));
        parts.extend(schemas.iter().map(|(k, v)| Part::Schema(k, v)));
        parts.extend(path_items.iter().map(|(k, v)| Part::PathItem(k, v)));
        let (results, _) = crate::threads::map_in_order(&parts, |&part| parse_part(part));
        assemble(results.into_iter())
    };
    restore(raw.pointer_mut("/components/schemas"), &mut schemas);
    restore(raw.pointer_mut("/components/examples"), &mut examples);
    restore(raw.get_mut("paths"), &mut path_items);
    result
}

/// Moves the entries of the object at `slot` whose keys pass `keep` out of it.
fn take_object(slot: Option<&mut Value>, keep: fn(&str) -> bool) -> Map<String, Value> {
    let Some(Value::Object(object)) = slot else {
        return Map::new();
    };
    let keys: Vec<String> = object.keys().filter(|k| keep(k)).cloned().collect();
    keys.into_iter()
        .filter_map(|k| object.remove(&k).map(|v| (k, v)))
        .collect()
}

/// Puts entries taken by [`take_object`] back.
fn restore(slot: Option<&mut Value>, taken: &mut Map<String, Value>) {
    if let Some(Value::Object(object)) = slot {
        object.append(taken);
    }
}

/// Checks, then deserializes, one part.
fn parse_part(part: Part<'_>) -> PartResult {
    use crate::diagnostics::join;
    fn de<T: serde::de::DeserializeOwned>(node: &Value, at: &str) -> Result<T, Failure> {
        serde_path_to_error::deserialize(node).map_err(|e| Failure {
            pointer: format!("{at}{}", &pointer_of_path(e.path())[1..]),
            message: format!("not a valid OpenAPI 3.0 document here: {}", e.inner()),
        })
    }
    let (node, at, in_schema) = match part {
        Part::Rest(node) => (node, "#".to_owned(), false),
        Part::Schema(name, node) => (node, join("#/components/schemas", name), true),
        Part::Example(name, node) => (node, join("#/components/examples", name), false),
        Part::PathItem(path, node) => (node, join("#/paths", path), false),
    };
    check_tree(node, &at, in_schema).map_err(|(pointer, message)| {
        Ok(Failure {
            pointer,
            message: format!("not a valid OpenAPI 3.0 schema here: {message}"),
        })
    })?;
    match part {
        Part::Rest(_) => de(node, &at).map(|doc| Parsed::Rest(Box::new(doc))),
        Part::Schema(k, _) => de(node, &at).map(|s| Parsed::Schema(k.to_owned(), Box::new(s))),
        Part::Example(k, _) => de(node, &at).map(|e| Parsed::Example(k.to_owned(), e)),
        Part::PathItem(k, _) => de(node, &at).map(|p| Parsed::PathItem(k.to_owned(), Box::new(p))),
    }
    .map_err(Err)
}

/// The document from its parts (in the order of [`deserialize_in_parts`]), or the first
/// schema failure, else the first document failure.
fn assemble(results: impl Iterator<Item = PartResult>) -> Result<openapiv3::OpenAPI, Failure> {
    let mut doc: Option<openapiv3::OpenAPI> = None;
    let mut schemas = indexmap::IndexMap::new();
    let mut examples = indexmap::IndexMap::new();
    let mut paths = indexmap::IndexMap::new();
    let mut schema_failure: Option<Failure> = None;
    let mut document_failure: Option<Failure> = None;
    for result in results {
        match result {
            Ok(Parsed::Rest(rest)) => doc = Some(*rest),
            Ok(Parsed::Schema(k, s)) => drop(schemas.insert(k, *s)),
            Ok(Parsed::Example(k, e)) => drop(examples.insert(k, e)),
            Ok(Parsed::PathItem(k, p)) => drop(paths.insert(k, *p)),
            Err(Ok(failure)) => drop(schema_failure.get_or_insert(failure)),
            Err(Err(failure)) => drop(document_failure.get_or_insert(failure)),
        }
    }
    if let Some(failure) = schema_failure.or(document_failure) {
        return Err(failure);
    }
    let mut doc = doc.expect("the rest of the document is always a part");
    if !schemas.is_empty() || !examples.is_empty() {
        let components = doc.components.get_or_insert_with(Default::default);
        components.schemas = schemas;
        components.examples = examples;
    }
    doc.paths.paths = paths;
    Ok(doc)
}

/// Deserializes every schema below `node` (a schema itself when `in_schema`) on its own,
/// children before parents; the first invalid one is returned as (pointer, message).
fn check_tree(node: &Value, pointer: &str, in_schema: bool) -> Result<(), (String, String)> {
    visit(node, pointer, in_schema).map(|_| ())
}

/// Keys whose values are data or extensions, never schemas.
fn is_data(key: &str) -> bool {
    matches!(key, "example" | "examples" | "default" | "enum") || key.starts_with("x-")
}

/// Schemas are checked at every `CHECK_EVERY` levels of height, so an invalid schema is at
/// most that many levels below a check (or below the top), bounding the backtracking.
const CHECK_EVERY: usize = 6;

/// Visits `node` (a schema when `in_schema`), checking schemas in post-order; returns the
/// height of the schema nesting below and including `node`.
fn visit(node: &Value, pointer: &str, in_schema: bool) -> Result<usize, (String, String)> {
    use crate::diagnostics::join;
    let Value::Object(map) = node else {
        if let Value::Array(items) = node {
            if !in_schema {
                for (i, item) in items.iter().enumerate() {
                    if item.is_object() || item.is_array() {
                        visit(item, &join(pointer, &i.to_string()), false)?;
                    }
                }
            }
        }
        return Ok(usize::from(in_schema));
    };
    let mut below = 0;
    for (key, value) in map {
        // Only objects and arrays can hold schemas: leaves need no pointer.
        if is_data(key) || !(value.is_object() || value.is_array()) {
            continue;
        }
        let at = join(pointer, key);
        if in_schema {
            match key.as_str() {
                "properties" => {
                    if let Value::Object(properties) = value {
                        for (name, property) in properties {
                            below = below.max(visit(property, &join(&at, name), true)?);
                        }
                    }
                }
                "items" | "not" => below = below.max(visit(value, &at, true)?),
                "additionalProperties" if value.is_object() => {
                    below = below.max(visit(value, &at, true)?)
                }
                "allOf" | "oneOf" | "anyOf" => {
                    if let Value::Array(members) = value {
                        for (i, member) in members.iter().enumerate() {
                            let member_at = join(&at, &i.to_string());
                            below = below.max(visit(member, &member_at, true)?);
                        }
                    }
                }
                _ => {}
            }
        } else if key == "schema" {
            visit(value, &at, true)?;
        } else if key == "schemas" && pointer == "#/components" {
            if let Value::Object(schemas) = value {
                for (name, schema) in schemas {
                    visit(schema, &join(&at, name), true)?;
                }
            }
        } else {
            visit(value, &at, false)?;
        }
    }
    if !in_schema {
        return Ok(0);
    }
    let height = below + 1;
    if height % CHECK_EVERY == 0 {
        check(node, pointer)?;
    }
    Ok(height)
}

fn check(node: &Value, pointer: &str) -> Result<(), (String, String)> {
    use crate::diagnostics::join;
    let result: Result<openapiv3::ReferenceOr<openapiv3::Schema>, _> =
        serde_path_to_error::deserialize(node);
    result.map(|_| ()).map_err(|e| {
        let mut at = pointer.to_owned();
        for segment in e.path().iter() {
            if let serde_path_to_error::Segment::Map { key } = segment {
                at = join(&at, key);
            } else if let serde_path_to_error::Segment::Seq { index } = segment {
                at = join(&at, &index.to_string());
            }
        }
        (at, e.inner().to_string())
    })
}

fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

fn pointer_of_path(path: &serde_path_to_error::Path) -> String {
    let mut pointer = String::from("#");
    for segment in path.iter() {
        match segment {
            serde_path_to_error::Segment::Seq { index } => {
                pointer = crate::diagnostics::join(&pointer, &index.to_string())
            }
            serde_path_to_error::Segment::Map { key } => {
                pointer = crate::diagnostics::join(&pointer, key)
            }
            serde_path_to_error::Segment::Enum { .. } | serde_path_to_error::Segment::Unknown => {}
        }
    }
    pointer
}

fn line_col_of_offset(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    (line, col)
}

/// Finds where a JSON pointer's node starts in block-style YAML text.
///
/// A best-effort scan of mapping keys and sequence items by indentation; flow-style nodes
/// (`{a: 1}`) are located at their nearest block-style ancestor. Pretty-printed JSON (one key
/// per line) is located exactly.
///
/// Nothing is indexed up front: a spec without diagnostics never pays for locating. Each
/// [`Locator::locate_all`] is one pass over the text that builds pointer strings only along
/// the paths it was asked for, so locating every warning of a large spec costs one scan.
pub struct Locator {
    text: String,
}

/// One open node of the scan: its indentation, where its pointer ends in the path buffer,
/// the next index of a sequence directly below it, and whether it is on a wanted path.
struct Frame {
    indent: isize,
    path_len: usize,
    next_item: usize,
    wanted: bool,
}

impl Locator {
    fn new(text: &str) -> Self {
        Locator {
            text: text.to_owned(),
        }
    }

    /// Line and column (1-based) of the node at `pointer`, or of its nearest located ancestor.
    pub fn locate(&self, pointer: &str) -> Option<(usize, usize)> {
        self.locate_all(&[pointer]).pop().flatten()
    }

    /// [`Locator::locate`] for many pointers in one pass over the text; results are in the
    /// order of `pointers`.
    pub fn locate_all(&self, pointers: &[&str]) -> Vec<Option<(usize, usize)>> {
        // Every requested pointer and its ancestors: only nodes on these paths are recorded.
        let mut wanted: HashSet<&str> = HashSet::new();
        for pointer in pointers {
            let mut candidate = *pointer;
            while wanted.insert(candidate) {
                match candidate.rfind('/') {
                    Some(cut) => candidate = &candidate[..cut],
                    None => break,
                }
            }
        }
        let found = self.scan(&wanted);
        pointers
            .iter()
            .map(|pointer| {
                let mut candidate = *pointer;
                loop {
                    if let Some(&position) = found.get(candidate) {
                        return Some(position);
                    }
                    if candidate == "#" {
                        // The document itself (or a missing top-level key) starts the text.
                        return Some((1, 1));
                    }
                    candidate = &candidate[..candidate.rfind('/')?];
                }
            })
            .collect()
    }

    /// Positions of the wanted nodes (first occurrence of each pointer).
    fn scan(&self, wanted: &HashSet<&str>) -> HashMap<String, (usize, usize)> {
        let mut found: HashMap<String, (usize, usize)> = HashMap::new();
        let mut path = String::from("#");
        let mut stack = vec![Frame {
            indent: -1,
            path_len: 1,
            next_item: 0,
            wanted: true,
        }];
        // Opens a node below the innermost open one whose indentation is less than `indent`;
        // `segment` appends its pointer segment to the path buffer.
        let mut open = |stack: &mut Vec<Frame>,
                        path: &mut String,
                        indent: isize,
                        line: usize,
                        segment: &dyn Fn(&mut String, &mut Frame)| {
            while stack.last().is_some_and(|f| f.indent >= indent) {
                stack.pop();
            }
            let parent = stack.last_mut().expect("the root frame is never popped");
            let mut frame = Frame {
                indent,
                path_len: 0,
                next_item: 0,
                wanted: false,
            };
            if parent.wanted {
                path.truncate(parent.path_len);
                path.push('/');
                segment(path, parent);
                frame.path_len = path.len();
                frame.wanted = wanted.contains(path.as_str());
                if frame.wanted && !found.contains_key(path.as_str()) {
                    found.insert(path.clone(), (line + 1, indent as usize + 1));
                }
            }
            stack.push(frame);
        };
        let mut in_block_scalar: Option<usize> = None;
        for (line_no, line) in self.text.lines().enumerate() {
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            if let Some(block_indent) = in_block_scalar {
                if trimmed.is_empty() || indent > block_indent {
                    continue;
                }
                in_block_scalar = None;
            }
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with("---") {
                continue;
            }
            // A line indented below an unwanted node belongs to it: nothing there is wanted
            // (and a block scalar that starts there ends there too).
            if stack
                .last()
                .is_some_and(|top| !top.wanted && indent as isize > top.indent)
            {
                continue;
            }
            let mut rest = trimmed;
            let mut col = indent;
            // Sequence items: "- " possibly followed by a key on the same line.
            while let Some(after) = rest
                .strip_prefix("- ")
                .or_else(|| (rest == "-").then_some(""))
            {
                open(
                    &mut stack,
                    &mut path,
                    col as isize,
                    line_no,
                    &|path, parent| {
                        let index = parent.next_item;
                        parent.next_item += 1;
                        let _ = write!(path, "{index}");
                    },
                );
                let skipped = rest.len() - after.len();
                col += skipped;
                rest = after.trim_start();
                col += after.len() - rest.len();
            }
            if let Some((key, value)) = split_key(rest) {
                open(&mut stack, &mut path, col as isize, line_no, &|path, _| {
                    push_escaped(path, &key)
                });
                let value = value.trim();
                if value.starts_with('|') || value.starts_with('>') {
                    in_block_scalar = Some(indent);
                }
            }
        }
        found
    }
}

/// Appends `segment` to `path` with JSON pointer escaping (`~` -> `~0`, `/` -> `~1`).
fn push_escaped(path: &mut String, segment: &str) {
    for c in segment.chars() {
        match c {
            '~' => path.push_str("~0"),
            '/' => path.push_str("~1"),
            c => path.push(c),
        }
    }
}

fn split_key(rest: &str) -> Option<(Cow<'_, str>, &str)> {
    let (key, value) = if let Some(stripped) = rest.strip_prefix('\'') {
        let end = stripped.find("':")?;
        let key = &stripped[..end];
        let key = if key.contains("''") {
            Cow::Owned(key.replace("''", "'"))
        } else {
            Cow::Borrowed(key)
        };
        (key, &stripped[end + 2..])
    } else if let Some(stripped) = rest.strip_prefix('"') {
        let end = stripped.find("\":")?;
        (Cow::Borrowed(&stripped[..end]), &stripped[end + 2..])
    } else {
        if rest.starts_with('{') || rest.starts_with('[') {
            return None;
        }
        let end = rest
            .find(": ")
            .or_else(|| rest.strip_suffix(':').map(|s| s.len()))?;
        (
            Cow::Borrowed(&rest[..end]),
            &rest[(end + 1).min(rest.len())..],
        )
    };
    Some((key, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_nested_keys_and_sequence_items() {
        let text = "openapi: 3.0.3\ncomponents:\n  schemas:\n    Message:\n      required: [id]\n      properties:\n        id:\n          type: string\ntags:\n  - name: a\n  - name: b\n";
        let locator = Locator::new(text);
        assert_eq!(
            locator.locate("#/components/schemas/Message/properties/id"),
            Some((7, 9))
        );
        assert_eq!(
            locator.locate("#/components/schemas/Message/properties/id/format"),
            Some((7, 9))
        );
        assert_eq!(locator.locate("#/tags/1/name"), Some((11, 5)));
        assert_eq!(locator.locate("#/tags/0"), Some((10, 3)));
    }

    /// The document deserialized in parts equals the document deserialized whole, and the raw
    /// value is put back as it was read.
    #[test]
    fn parts_are_put_back_together() {
        let text = include_str!("../../spec/inbox-v2.yaml");
        let loaded = parse("spec.yaml", text.as_bytes()).expect("the spec loads");
        let yaml: serde_yaml::Value = serde_yaml::from_str(text).expect("YAML");
        let expected = serde_json::to_value(yaml).expect("JSON");
        assert_eq!(loaded.raw, expected);
        let whole: openapiv3::OpenAPI = serde_json::from_value(expected).expect("whole");
        assert!(whole
            .components
            .as_ref()
            .is_some_and(|c| c.schemas.len() > 10));
        assert!(whole.paths.paths.len() > 2);
        assert_eq!(loaded.doc, whole);
    }

    #[test]
    fn malformed_yaml_names_line_and_column() {
        let err = parse("spec.yaml", b"openapi: 3.0.3\ninfo: [unclosed\n")
            .err()
            .unwrap();
        assert!(err.items[0].line_col.is_some(), "{err}");
        assert!(err.to_string().contains("spec.yaml:"), "{err}");
    }

    #[test]
    fn invalid_utf8_names_the_offset() {
        let err = parse("spec.yaml", b"openapi: 3.0.3\ninfo: \xff\n")
            .err()
            .unwrap();
        assert_eq!(err.items[0].line_col, Some((2, 7)));
    }
}
