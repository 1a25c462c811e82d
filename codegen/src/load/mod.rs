//! Spec text -> `openapiv3::OpenAPI` (3.0, 3.1 lowered, Swagger 2.0 converted), with errors
//! that name a line and column or a JSON pointer.
//!
//! YAML and JSON are both read by serde_yaml (JSON is a subset of YAML 1.2). No file IO here.

mod locate;
mod order;
mod refs;
mod swagger2;
mod v31;
mod walk;

use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
pub use locate::Locator;
pub use order::PropertyOrder;

/// A parsed spec and a locator for turning JSON pointers back into line/column positions.
pub struct Loaded {
    /// The document.
    pub doc: openapiv3::OpenAPI,
    /// The raw document, for `x-` extensions anywhere.
    pub raw: serde_json::Value,
    /// Maps pointers to positions in the text.
    pub locator: Locator,
    /// What loading changed or dropped: 3.1 constructs with no 3.0 form, Swagger 2.0 ones
    /// with none either (placed; `unsupported:` messages).
    pub warnings: Vec<Diagnostic>,
    /// The order in which the text lists each schema's properties.
    pub property_order: PropertyOrder,
}

/// Parses `bytes` (the contents of `file`): an OpenAPI 3.0 document as it is, a 3.1 one lowered
/// to the 3.0 model (`load::v31`), a Swagger 2.0 one converted to it (`load::swagger2`); then every
/// local `$ref` is made one that `resolve` follows (`load::refs`).
pub fn parse(file: &str, bytes: &[u8]) -> Result<Loaded, Diagnostics> {
    parse_with(file, bytes, None)
}

/// [`parse`] for `generate`, which needs less: the schemas `$ref`s point at outside the
/// components are found first ([`crate::resolve::pointed_schemas`], returned), then each
/// component schema and example (two thirds of GitHub's spec) is freed as soon as it is
/// deserialized, so the raw and typed documents never both exist whole. `Loaded::raw` keeps
/// the rest, which resolve reads.
pub(crate) fn parse_for_resolve(
    file: &str,
    bytes: &[u8],
) -> Result<(Loaded, crate::resolve::PointedSchemas), Diagnostics> {
    let mut pointed = crate::resolve::PointedSchemas::new();
    let loaded = parse_with(file, bytes, Some(&mut pointed))?;
    Ok((loaded, pointed))
}

/// [`parse`], or [`parse_for_resolve`] when `pointed` is given.
fn parse_with(
    file: &str,
    bytes: &[u8],
    pointed: Option<&mut crate::resolve::PointedSchemas>,
) -> Result<Loaded, Diagnostics> {
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
    let (raw, mut property_order, locator): (serde_json::Value, _, _) =
        if text.trim_start().starts_with('{') {
            // The property order is a second scan of the text, and the locator a copy of it: on
            // another core, beside the parse.
            let (parsed, (order, locator)) = crate::threads::beside(
                || (PropertyOrder::from_json(text), Locator::new(text)),
                || serde_json::from_str(text),
            );
            let raw = parsed.map_err(|e: serde_json::Error| {
                let mut d = Diagnostic::error(
                    "#",
                    format!("malformed JSON: {}", strip_location(&e.to_string())),
                );
                d.line_col = Some((e.line(), e.column()));
                fail(d)
            })?;
            (raw, order, locator)
        } else {
            let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
                let mut d = Diagnostic::error(
                    "#",
                    format!("malformed YAML/JSON: {}", strip_location(&e.to_string())),
                );
                d.line_col = e.location().map(|l| (l.line(), l.column()));
                fail(d)
            })?;
            let raw = serde_json::to_value(&value).map_err(|e| {
                fail(Diagnostic::error(
                    "#",
                    format!("spec is not representable as JSON: {e}"),
                ))
            })?;
            (raw, PropertyOrder::from_yaml(&value), Locator::new(text))
        };
    let mut locator = locator;
    let mut raw = raw;
    let mut diagnostics = Vec::new();
    match Version::of(&raw) {
        Version::V30 => {}
        Version::V31 => v31::lower(&mut raw, &mut diagnostics),
        Version::Swagger2 => {
            let converted = swagger2::convert(&raw, &mut diagnostics);
            // The converter's warnings name places of the original document.
            let pointers: Vec<&str> = diagnostics.iter().map(|d| d.pointer.as_str()).collect();
            let places = locator.locate_all(&pointers);
            for (d, place) in diagnostics.iter_mut().zip(places) {
                d.line_col = place;
            }
            raw = converted.doc;
            property_order.apply_moves(&converted.moves);
            locator.set_moves(converted.moves);
        }
        Version::Other(what, pointer) => {
            let mut d = Diagnostic::unsupported(pointer, what);
            d.line_col = locator.locate(pointer);
            return Err(fail(d));
        }
    }
    // With `pointed`, the schemas that references point at are found on another core while
    // the references are checked (both only read the document); again after normalizing when
    // that changed a reference.
    let (edits, early_pointed) = match pointed {
        Some(_) => {
            let (edits, found) = crate::threads::beside(
                || crate::resolve::pointed_schemas(&raw),
                || refs::edits(&raw, &mut diagnostics),
            );
            (edits, Some(found))
        }
        None => (refs::edits(&raw, &mut diagnostics), None),
    };
    let normal = edits.is_empty();
    refs::apply_edits(&mut raw, edits);
    crate::resolve::place(&locator, &mut diagnostics);
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return Err(Diagnostics::new(file, diagnostics));
    }
    let keep_raw = match pointed {
        Some(pointed) => {
            *pointed = match early_pointed {
                Some(found) if normal => found,
                _ => crate::resolve::pointed_schemas(&raw),
            };
            false
        }
        None => true,
    };
    let doc = deserialize_in_parts(&mut raw, keep_raw).map_err(|failure| {
        let mut d = Diagnostic::error(failure.pointer.clone(), failure.message);
        d.line_col = locator.locate(&failure.pointer);
        fail(d)
    })?;
    Ok(Loaded {
        doc,
        raw,
        locator,
        warnings: diagnostics,
        property_order,
    })
}

/// Which OpenAPI a document is.
enum Version {
    V30,
    V31,
    Swagger2,
    /// Something else: what, and the pointer of the field that says so.
    Other(String, &'static str),
}

impl Version {
    fn of(raw: &Value) -> Version {
        let field = |key: &str| match raw.get(key) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        const SUPPORTED: &str = "OpenAPI 3.0.x and 3.1.x and Swagger 2.0 are supported";
        if let Some(version) = field("openapi") {
            return if version.starts_with("3.0") {
                Version::V30
            } else if version.starts_with("3.1") {
                Version::V31
            } else {
                Version::Other(
                    format!("OpenAPI version {version} ({SUPPORTED})"),
                    "#/openapi",
                )
            };
        }
        match field("swagger") {
            Some(v) if v == "2.0" || v == "2" => Version::Swagger2,
            Some(v) => Version::Other(format!("OpenAPI version {v} (`swagger: {v}`; {SUPPORTED})"), "#/swagger"),
            None => Version::Other(
                format!("a document with neither an `openapi` nor a `swagger` field: not OpenAPI (OpenAPI version unknown; {SUPPORTED})"),
                "#",
            ),
        }
    }
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
/// `raw` is put back together. A part's schemas are checked deepest first ([`check_tree`])
/// when it fails, or before it is deserialized when they nest deeply ([`parse_part`]):
/// openapiv3's deserializer backtracks through every level of nesting above an invalid
/// schema, which takes exponential time in the depth. A schema error anywhere is
/// reported before a document error; among several, the first in document order. Without
/// `keep_raw`, the component schemas and examples (the bulk of a large spec) are freed once
/// deserialized and not put back; path items always are (resolve reads a few raw facts
/// under `paths`, which openapiv3 does not keep).
fn deserialize_in_parts(raw: &mut Value, keep_raw: bool) -> Result<openapiv3::OpenAPI, Failure> {
    use std::sync::Mutex;
    let schemas = take_object(raw.pointer_mut("/components/schemas"), |_| true);
    let examples = take_object(raw.pointer_mut("/components/examples"), |_| true);
    // Only keys starting with `/` are path items (the others openapiv3 ignores or reads as
    // extensions, with the rest of the document).
    let path_items = take_object(raw.get_mut("paths"), |key| key.starts_with('/'));
    // Each part is taken out of its cell to be deserialized and put back, component schemas
    // and examples only if `keep_raw`.
    type Cells = Vec<(String, Mutex<Option<Value>>)>;
    let cells = |map: Map<String, Value>| -> Cells {
        map.into_iter()
            .map(|(k, v)| (k, Mutex::new(Some(v))))
            .collect()
    };
    let (schemas, examples, path_items) = (cells(schemas), cells(examples), cells(path_items));
    let failed = std::sync::atomic::AtomicBool::new(false);
    let result = {
        let rest: &Value = raw;
        let mut parts: Vec<(Slot, &str, &Mutex<Option<Value>>)> = vec![(Slot::Rest, "", &NO_CELL)];
        for (slot, list) in [
            (Slot::Example, &examples),
            (Slot::Schema, &schemas),
            (Slot::PathItem, &path_items),
        ] {
            parts.extend(list.iter().map(|(k, cell)| (slot, k.as_str(), cell)));
        }
        let (results, _) = crate::threads::map_in_order(&parts, |&(slot, key, cell)| {
            if slot == Slot::Rest {
                return parse_part(Part::Rest(rest), &failed);
            }
            let taken = cell.lock().ok().and_then(|mut v| v.take());
            let Some(value) = taken else {
                unreachable!("each part is taken once")
            };
            let result = parse_part(
                match slot {
                    Slot::Schema => Part::Schema(key, &value),
                    Slot::Example => Part::Example(key, &value),
                    _ => Part::PathItem(key, &value),
                },
                &failed,
            );
            if keep_raw || slot == Slot::PathItem {
                if let Ok(mut slot) = cell.lock() {
                    *slot = Some(value);
                }
            }
            result
        });
        assemble(results)
    };
    let uncells = |list: Cells| -> Map<String, Value> {
        list.into_iter()
            .filter_map(|(k, cell)| Some((k, cell.into_inner().ok()??)))
            .collect()
    };
    if keep_raw {
        restore(
            raw.pointer_mut("/components/schemas"),
            &mut uncells(schemas),
        );
        restore(
            raw.pointer_mut("/components/examples"),
            &mut uncells(examples),
        );
    }
    restore(raw.get_mut("paths"), &mut uncells(path_items));
    result
}

/// The cell of the [`Slot::Rest`] part, which is read in place.
static NO_CELL: std::sync::Mutex<Option<Value>> = std::sync::Mutex::new(None);

/// Which part of the document a [`Part`] is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Slot {
    Rest,
    Schema,
    Example,
    PathItem,
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

/// Deserializes one part, checking its schemas first ([`check_tree`]) when that is needed to
/// bound the work: when the part nests schemas [`PLAIN_HEIGHT`] deep or more, or once a part
/// has failed (`failed`, shared by all parts). Otherwise it is deserialized at once, and
/// checked only if that fails; the outcome, and any error, are the same either way.
fn parse_part(part: Part<'_>, failed: &std::sync::atomic::AtomicBool) -> PartResult {
    use crate::diagnostics::join;
    use std::sync::atomic::Ordering;
    // The path of a failure is tracked only once one is known to happen (tracking it costs
    // a tenth of deserializing, and documents are mostly valid).
    fn de<T: serde::de::DeserializeOwned>(node: &Value, at: &str) -> Result<T, Failure> {
        if let Ok(value) = T::deserialize(node) {
            return Ok(value);
        }
        serde_path_to_error::deserialize(node).map_err(|e| Failure {
            pointer: format!("{at}{}", &pointer_of_path(e.path())[1..]),
            message: format!("not a valid OpenAPI 3.0 document here: {}", e.inner()),
        })
    }
    fn plain<T: serde::de::DeserializeOwned>(node: &Value) -> Option<T> {
        T::deserialize(node).ok()
    }
    let (node, in_schema) = match part {
        Part::Rest(node) => (node, false),
        Part::Schema(_, node) => (node, true),
        Part::Example(_, node) => (node, false),
        Part::PathItem(_, node) => (node, false),
    };
    if !failed.load(Ordering::Relaxed) && schema_height(node, in_schema) < PLAIN_HEIGHT {
        let parsed = match part {
            Part::Rest(_) => plain(node).map(|doc| Parsed::Rest(Box::new(doc))),
            Part::Schema(k, _) => plain(node).map(|s| Parsed::Schema(k.to_owned(), Box::new(s))),
            Part::Example(k, _) => plain(node).map(|e| Parsed::Example(k.to_owned(), e)),
            Part::PathItem(k, _) => {
                plain(node).map(|p| Parsed::PathItem(k.to_owned(), Box::new(p)))
            }
        };
        if let Some(parsed) = parsed {
            return Ok(parsed);
        }
        failed.store(true, Ordering::Relaxed);
    }
    let at = match part {
        Part::Rest(_) => "#".to_owned(),
        Part::Schema(name, _) => join("#/components/schemas", name),
        Part::Example(name, _) => join("#/components/examples", name),
        Part::PathItem(path, _) => join("#/paths", path),
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

/// Parts whose schemas nest less deeply than this are deserialized before they are checked.
/// openapiv3's deserializer backtracks through each level above an invalid schema, doubling
/// its work per level: an invalid schema this deep costs it about 2^10 times its size (a
/// few milliseconds), and after the first failure every part is checked first.
const PLAIN_HEIGHT: usize = 10;

/// The height of the deepest nesting of schemas in `node` (a schema itself when `in_schema`),
/// following the same keys as [`visit`]; it stops counting at [`PLAIN_HEIGHT`].
fn schema_height(node: &Value, in_schema: bool) -> usize {
    fn at_most(node: &Value, in_schema: bool, budget: usize) -> usize {
        if budget == 0 {
            return 0;
        }
        let Value::Object(map) = node else {
            if let Value::Array(items) = node {
                if !in_schema {
                    return items
                        .iter()
                        .map(|item| at_most(item, false, budget))
                        .max()
                        .unwrap_or(0);
                }
            }
            return usize::from(in_schema);
        };
        let mut below = 0;
        let schema = |value: &Value| at_most(value, true, budget - usize::from(in_schema));
        for (key, value) in map {
            if is_data(key) || !(value.is_object() || value.is_array()) {
                continue;
            }
            let height = if in_schema {
                match (key.as_str(), value) {
                    ("properties", Value::Object(properties)) => {
                        properties.values().map(schema).max().unwrap_or(0)
                    }
                    ("items" | "not", _) => schema(value),
                    ("additionalProperties", Value::Object(_)) => schema(value),
                    ("allOf" | "oneOf" | "anyOf", Value::Array(members)) => {
                        members.iter().map(schema).max().unwrap_or(0)
                    }
                    _ => 0,
                }
            } else {
                match key.as_str() {
                    "schema" => schema(value),
                    "schemas" => match value {
                        Value::Object(schemas) => schemas.values().map(schema).max().unwrap_or(0),
                        _ => 0,
                    },
                    _ => at_most(value, false, budget),
                }
            };
            below = below.max(height);
        }
        below + usize::from(in_schema)
    }
    at_most(node, in_schema, PLAIN_HEIGHT)
}

/// The document from its parts (in the order of [`deserialize_in_parts`]), or the first
/// schema failure, else the first document failure.
fn assemble(results: Vec<PartResult>) -> Result<openapiv3::OpenAPI, Failure> {
    let mut doc: Option<openapiv3::OpenAPI> = None;
    // Sized first: growing maps of large values (a path item is 8.7 KB) copies them.
    let count = |kind: fn(&Parsed) -> bool| {
        results
            .iter()
            .filter(|r| r.as_ref().is_ok_and(kind))
            .count()
    };
    let mut schemas = indexmap::IndexMap::with_capacity(count(|p| matches!(p, Parsed::Schema(..))));
    let mut examples =
        indexmap::IndexMap::with_capacity(count(|p| matches!(p, Parsed::Example(..))));
    let mut paths = indexmap::IndexMap::with_capacity(count(|p| matches!(p, Parsed::PathItem(..))));
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
    use serde::Deserialize;
    // As in `parse_part`: the failure's path is tracked only when there is one.
    if openapiv3::ReferenceOr::<openapiv3::Schema>::deserialize(node).is_ok() {
        return Ok(());
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Deserializing a part before checking it, or checking it first, gives the same
    /// outcome: the same schema, or the same error at the same place, at every depth around
    /// [`PLAIN_HEIGHT`] and for an invalid value at the top or at the bottom.
    #[test]
    fn parts_parse_alike_checked_first_or_not() {
        use std::sync::atomic::AtomicBool;
        let show = |result: PartResult| match result {
            Ok(Parsed::Schema(name, schema)) => format!("ok {name} {schema:?}"),
            Ok(_) => "another part".to_owned(),
            Err(Ok(f)) => format!("schema error at {}: {}", f.pointer, f.message),
            Err(Err(f)) => format!("document error at {}: {}", f.pointer, f.message),
        };
        let leaves = [
            serde_json::json!({"type": "string", "maxLength": 3}),
            serde_json::json!({"type": "string", "maxLength": "three"}),
        ];
        let mut errors = 0;
        for leaf in leaves {
            for depth in [0, 3, PLAIN_HEIGHT - 2, PLAIN_HEIGHT - 1, PLAIN_HEIGHT + 2] {
                let mut schema = leaf.clone();
                for _ in 0..depth {
                    schema = serde_json::json!({"type": "object",
                        "properties": {"a": schema, "b": {"type": "integer"}}});
                }
                let height = schema_height(&schema, true);
                assert_eq!(height, (depth + 1).min(PLAIN_HEIGHT), "depth {depth}");
                let plain = show(parse_part(
                    Part::Schema("S", &schema),
                    &AtomicBool::new(false),
                ));
                let checked = show(parse_part(
                    Part::Schema("S", &schema),
                    &AtomicBool::new(true),
                ));
                assert_eq!(plain, checked, "depth {depth}");
                if plain.contains("error") {
                    assert!(plain.contains("#/components/schemas/S"), "{plain}");
                    errors += 1;
                }
            }
        }
        assert_eq!(errors, 5);
    }

    /// `generate`'s way of loading (raw component schemas and examples freed as they are
    /// deserialized) gives the same document as `parse`, keeps the raw paths, and finds the
    /// schemas `$ref`s point at outside the components.
    #[test]
    fn loading_for_resolve_gives_the_same_document_without_the_raw_one() {
        let text = r##"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
          "paths": {"/a": {"get": {"parameters": [{"name": "q", "in": "query",
              "schema": {"type": "object", "properties": {"x": {"type": "string"}}}}],
            "responses": {"200": {"description": "ok", "content": {"application/json":
              {"schema": {"$ref": "#/paths/~1a/get/parameters/0/schema"}}}}}}}},
          "components": {"schemas": {"B": {"type": "object", "properties":
              {"z": {"type": "integer"}, "a": {"$ref": "#/components/schemas/B"}}}},
            "examples": {"e": {"value": 1}}}}"##;
        let kept = parse("t.json", text.as_bytes()).expect("loads");
        let (freed, pointed) = parse_for_resolve("t.json", text.as_bytes()).expect("loads");
        assert_eq!(freed.doc, kept.doc);
        assert!(kept.raw.pointer("/components/schemas/B").is_some());
        assert!(kept.raw.pointer("/components/examples/e").is_some());
        assert_eq!(freed.raw.pointer("/components/schemas/B"), None);
        assert_eq!(freed.raw.pointer("/components/examples/e"), None);
        assert_eq!(freed.raw.get("paths"), kept.raw.get("paths"));
        assert_eq!(
            pointed.keys().collect::<Vec<_>>(),
            ["#/paths/~1a/get/parameters/0/schema"]
        );
    }

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
        let text = include_str!("../../../spec/inbox-v2.yaml");
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
