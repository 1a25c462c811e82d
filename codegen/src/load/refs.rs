//! `$ref`s to any place of the document, made into what `resolve` follows.
//!
//! `resolve` follows schema references to any place (components or not), and references to
//! parameters, responses, request bodies, ... only when they name an entry of the matching
//! `components` map. This pass makes every local reference fit that, without changing one
//! that already does:
//!
//! - A reference written as a URI fragment is percent-decoded first (RFC 6901 §6:
//!   `#/paths/~1monsters~1%7Bindex%7D/get` is `#/paths/~1monsters~1{index}/get`), then kept in
//!   that plain form, for every kind of object (schemas included).
//! - A reference to anything but a schema that does not name a `components` entry of its
//!   kind directly (a parameter of another operation, a response inside `paths`, a chain of
//!   references, an entry whose name needs escaping) is replaced by a copy of what it points
//!   at (inlined). Copies are made of already-normalized targets, so references inside them
//!   are followed too. Schema references are never inlined: `resolve` names the schema they
//!   point at after its place, once.
//!
//! A reference that does not lead anywhere, leads in a circle, or is not a valid fragment is
//! an error naming the place of the `$ref` and the reference.

use serde_json::Value;

use super::walk::{walk, Kind};
use crate::diagnostics::Diagnostic;

/// How deep inlined copies may nest inside each other (a callback's path item whose
/// operation refers to another path item, ...).
const MAX_NESTING: usize = 16;

/// Makes every local `$ref` of `doc` one that `resolve` follows (see the module docs).
#[cfg(test)]
pub(crate) fn normalize(doc: &mut Value, diagnostics: &mut Vec<Diagnostic>) {
    let edits = edits(doc, diagnostics);
    apply_edits(doc, edits);
}

/// What normalizing the references changes in `doc`, found without changing it (so that
/// another pass can read the document meanwhile); [`apply_edits`] makes the changes.
pub(crate) fn edits(doc: &Value, diagnostics: &mut Vec<Diagnostic>) -> Edits {
    Edits(collect(doc, doc, Kind::Document, "#", 0, diagnostics))
}

/// Makes the changes found by [`edits`].
pub(crate) fn apply_edits(doc: &mut Value, edits: Edits) {
    apply(doc, edits.0);
}

/// The changes that normalize a document's references ([`edits`]).
pub(crate) struct Edits(Vec<Edit>);

impl Edits {
    /// Whether the document is normal already.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// One change to the walked node: at `at` (a pointer relative to it, without `#`), set the
/// `$ref` to a plain pointer, or replace the reference by a copy of its target.
struct Edit {
    at: String,
    change: Change,
}

enum Change {
    Ref(String),
    Replace(Value),
}

fn apply(node: &mut Value, edits: Vec<Edit>) {
    for edit in edits {
        let Some(slot) = node.pointer_mut(&edit.at) else {
            continue;
        };
        match edit.change {
            Change::Ref(reference) => {
                if let Value::Object(map) = slot {
                    map.insert("$ref".to_owned(), Value::String(reference));
                }
            }
            Change::Replace(value) => *slot = value,
        }
    }
}

/// The edits that normalize the references inside `node` (an object of `kind` at `pointer`
/// in the document's coordinates); targets are looked up in `doc`.
fn collect(
    doc: &Value,
    node: &Value,
    kind: Kind,
    pointer: &str,
    nesting: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Edit> {
    let mut edits = Vec::new();
    walk(node, kind, pointer, &mut |value, kind, at| {
        let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
            return;
        };
        if !reference.starts_with('#') {
            return; // another document: resolve reports it where it matters
        }
        let relative = relative_to(pointer, at);
        if let Some(change) = reference_edit(doc, value, reference, kind, at, nesting, diagnostics)
        {
            edits.push(Edit {
                at: relative,
                change,
            });
        }
    });
    edits
}

/// `at` relative to `base` (both pointers with `#`), as a JSON pointer without `#`.
fn relative_to(base: &str, at: &str) -> String {
    at.strip_prefix(base).unwrap_or("").to_owned()
}

/// What to do with the reference object `value` (of `kind`, at `at`), if anything.
fn reference_edit(
    doc: &Value,
    value: &Value,
    reference: &str,
    kind: Kind,
    at: &str,
    nesting: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Change> {
    let first = match plain(doc, reference) {
        Ok(first) => first,
        Err(message) => {
            diagnostics.push(Diagnostic::error(at, message));
            return None;
        }
    };
    if kind == Kind::Schema {
        return (first != reference).then_some(Change::Ref(first));
    }
    // Follow the chain of references to the object it ends at.
    let mut seen = vec![first.clone()];
    let mut target = first.clone();
    let found = loop {
        let Some(found) = doc.pointer(&target[1..]) else {
            diagnostics.push(Diagnostic::error(
                at,
                if target == reference {
                    format!(
                        "$ref target not found: {reference} (no {} at that place)",
                        kind.label()
                    )
                } else {
                    format!(
                        "$ref target not found: {reference} (no {} at {target})",
                        kind.label()
                    )
                },
            ));
            return None;
        };
        let Some(next) = found.get("$ref").and_then(Value::as_str) else {
            break found;
        };
        if !next.starts_with('#') {
            diagnostics.push(Diagnostic::error(
                at,
                format!(
                    "$ref {reference} leads to {next} in another document (only references within the document are followed for a {})",
                    kind.label()
                ),
            ));
            return None;
        }
        let next = match plain(doc, next) {
            Ok(next) => next,
            Err(message) => {
                diagnostics.push(Diagnostic::error(
                    at,
                    format!("{message} (reached from {reference})"),
                ));
                return None;
            }
        };
        if seen.contains(&next) {
            seen.push(next);
            diagnostics.push(Diagnostic::error(
                at,
                format!("$ref cycle: {}", seen.join(" -> ")),
            ));
            return None;
        }
        seen.push(next.clone());
        target = next;
    };
    if seen.len() == 1 && names_component(&first, kind) {
        return (first != reference).then_some(Change::Ref(first));
    }
    if nesting >= MAX_NESTING {
        diagnostics.push(Diagnostic::error(
            at,
            format!("$ref {reference}: references nest more than {MAX_NESTING} deep"),
        ));
        return None;
    }
    let mut copy = found.clone();
    // A reference's own `summary` and `description` (OpenAPI 3.1) override the target's.
    if let (Value::Object(copy), Value::Object(own)) = (&mut copy, value) {
        for key in ["summary", "description"] {
            if let Some(text) = own.get(key) {
                copy.insert(key.to_owned(), text.clone());
            }
        }
    }
    let edits = collect(doc, &copy, kind, at, nesting + 1, diagnostics);
    apply(&mut copy, edits);
    Some(Change::Replace(copy))
}

/// Whether `reference` (plain) names an entry of the `components` map of `kind` that
/// `resolve` looks up by name (no escaping in the name), or for a path item, another path.
fn names_component(reference: &str, kind: Kind) -> bool {
    let name = match kind {
        Kind::PathItem => reference.strip_prefix("#/paths/"),
        _ => kind.components_key().and_then(|key| {
            reference
                .strip_prefix("#/components/")?
                .strip_prefix(key)?
                .strip_prefix('/')
        }),
    };
    name.is_some_and(|name| match kind {
        Kind::PathItem => !name.contains('/'),
        _ => !name.contains('/') && !name.contains('~'),
    })
}

/// The plain JSON pointer (with `#`) of a local reference: percent-decoded as a URI fragment
/// (RFC 6901 §6). A reference that is only valid undecoded (a `%` in a name written plainly)
/// is kept as written.
fn plain(doc: &Value, reference: &str) -> Result<String, String> {
    let fragment = &reference[1..];
    if !fragment.is_empty() && !fragment.starts_with('/') {
        return Err(format!(
            "$ref {reference} is not a JSON pointer (`#/...`); anchors are not supported"
        ));
    }
    if !fragment.contains('%') {
        return Ok(reference.to_owned());
    }
    match percent_decode(fragment) {
        Ok(decoded) => {
            if doc.pointer(&decoded).is_none() && doc.pointer(fragment).is_some() {
                Ok(reference.to_owned())
            } else {
                Ok(format!("#{decoded}"))
            }
        }
        Err(why) => {
            if doc.pointer(fragment).is_some() {
                Ok(reference.to_owned())
            } else {
                Err(format!(
                    "$ref {reference} is not a valid URI fragment: {why}"
                ))
            }
        }
    }
}

/// Decodes `%XX` escapes (RFC 3986); the result must be UTF-8.
pub(crate) fn percent_decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("`%` at offset {i} is not followed by two hex digits"))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "the decoded bytes are not UTF-8".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(mut doc: Value) -> (Value, Vec<Diagnostic>) {
        let mut diagnostics = Vec::new();
        normalize(&mut doc, &mut diagnostics);
        (doc, diagnostics)
    }

    fn ops(path: &str, op: Value) -> Value {
        json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {path: op}})
    }

    #[test]
    fn percent_decoding_follows_rfc_3986() {
        assert_eq!(percent_decode("/a~1%7Bid%7D").unwrap(), "/a~1{id}");
        assert_eq!(percent_decode("/caf%C3%A9").unwrap(), "/café");
        assert!(percent_decode("/a%7").is_err());
        assert!(percent_decode("/a%zz").is_err());
        assert!(percent_decode("/%FF").is_err());
    }

    #[test]
    fn a_parameter_of_another_operation_is_inlined() {
        let mut doc = ops(
            "/v2/account/keys",
            json!({"get": {"parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}], "responses": {}}}),
        );
        doc["paths"]["/v2/other"] = json!({"get": {"parameters": [{"$ref": "#/paths/~1v2~1account~1keys/get/parameters/0"}], "responses": {}}});
        let (doc, diagnostics) = run(doc);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(
            doc["paths"]["/v2/other"]["get"]["parameters"][0],
            json!({"name": "limit", "in": "query", "schema": {"type": "integer"}})
        );
    }

    #[test]
    fn percent_encoded_fragments_are_decoded_and_followed() {
        let mut doc = ops(
            "/api/monsters/{index}",
            json!({"get": {"responses": {"200": {"description": "a monster", "content": {"application/json": {"schema": {"type": "object", "properties": {"name": {"type": "string"}}}}}}}}}),
        );
        doc["paths"]["/api/monsters"] = json!({"get": {"responses": {
            "200": {"$ref": "#/paths/~1api~1monsters~1%7Bindex%7D/get/responses/200"},
            "201": {"description": "x", "content": {"application/json": {"schema": {"$ref": "#/paths/~1api~1monsters~1%7Bindex%7D/get/responses/200/content/application~1json/schema"}}}}
        }}});
        let (doc, diagnostics) = run(doc);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let responses = &doc["paths"]["/api/monsters"]["get"]["responses"];
        assert_eq!(responses["200"]["description"], "a monster");
        assert_eq!(
            responses["201"]["content"]["application/json"]["schema"]["$ref"],
            "#/paths/~1api~1monsters~1{index}/get/responses/200/content/application~1json/schema"
        );
    }

    #[test]
    fn component_references_are_kept_and_chains_inlined() {
        let mut doc = ops(
            "/a",
            json!({"get": {"parameters": [{"$ref": "#/components/parameters/Limit"}, {"$ref": "#/components/parameters/Alias"}], "responses": {}}}),
        );
        doc["components"] = json!({"parameters": {
            "Limit": {"name": "limit", "in": "query", "schema": {"type": "integer"}},
            "Alias": {"$ref": "#/components/parameters/Limit"}
        }});
        let (doc, diagnostics) = run(doc);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let params = &doc["paths"]["/a"]["get"]["parameters"];
        assert_eq!(params[0], json!({"$ref": "#/components/parameters/Limit"}));
        assert_eq!(params[1]["name"], "limit");
    }

    #[test]
    fn dangling_cyclic_and_malformed_references_name_their_place() {
        let mut doc = ops(
            "/a",
            json!({"get": {"parameters": [
                {"$ref": "#/paths/~1a/get/parameters/9"},
                {"$ref": "#/components/parameters/A"},
                {"$ref": "#/paths/%zz"}
            ], "responses": {}}}),
        );
        doc["components"] = json!({"parameters": {
            "A": {"$ref": "#/components/parameters/B"},
            "B": {"$ref": "#/components/parameters/A"}
        }});
        let (_, diagnostics) = run(doc);
        // The cycle is also reported where it is, at both components.
        assert!(diagnostics
            .iter()
            .any(|d| d.pointer == "#/components/parameters/A" && d.message.contains("$ref cycle")));
        let messages: Vec<(&str, &str)> = diagnostics
            .iter()
            .filter(|d| d.pointer.starts_with("#/paths"))
            .map(|d| (d.pointer.as_str(), d.message.as_str()))
            .collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert_eq!(messages[0].0, "#/paths/~1a/get/parameters/0");
        assert!(messages[0]
            .1
            .contains("$ref target not found: #/paths/~1a/get/parameters/9"));
        assert_eq!(messages[1].0, "#/paths/~1a/get/parameters/1");
        assert!(messages[1].1.contains("$ref cycle: #/components/parameters/A -> #/components/parameters/B -> #/components/parameters/A"), "{}", messages[1].1);
        assert_eq!(messages[2].0, "#/paths/~1a/get/parameters/2");
        assert!(
            messages[2].1.contains("not a valid URI fragment"),
            "{}",
            messages[2].1
        );
    }
}
