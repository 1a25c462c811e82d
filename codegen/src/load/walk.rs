//! The shape of an OpenAPI 3.x document, for passes over its raw JSON: what kind of object
//! each place holds (a parameter, a response, a schema, ...).
//!
//! The `$ref` pass needs it to know what a reference stands for, and the 3.1 lowering to
//! know which objects are schemas (a `const` or an `examples` means different things in a
//! schema and in a media type).

use serde_json::Value;

/// What an object of an OpenAPI document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Document,
    Components,
    PathItem,
    Operation,
    Parameter,
    Header,
    RequestBody,
    MediaType,
    Encoding,
    Response,
    Callback,
    Example,
    Link,
    SecurityScheme,
    Schema,
}

impl Kind {
    /// The `components` map that holds objects of this kind.
    pub(crate) fn components_key(self) -> Option<&'static str> {
        Some(match self {
            Kind::Schema => "schemas",
            Kind::Parameter => "parameters",
            Kind::Header => "headers",
            Kind::RequestBody => "requestBodies",
            Kind::Response => "responses",
            Kind::Callback => "callbacks",
            Kind::Example => "examples",
            Kind::Link => "links",
            Kind::SecurityScheme => "securitySchemes",
            Kind::PathItem => "pathItems",
            _ => return None,
        })
    }

    /// How the kind is named in messages.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Kind::Document => "document",
            Kind::Components => "components",
            Kind::PathItem => "path item",
            Kind::Operation => "operation",
            Kind::Parameter => "parameter",
            Kind::Header => "header",
            Kind::RequestBody => "request body",
            Kind::MediaType => "media type",
            Kind::Encoding => "encoding",
            Kind::Response => "response",
            Kind::Callback => "callback",
            Kind::Example => "example",
            Kind::Link => "link",
            Kind::SecurityScheme => "security scheme",
            Kind::Schema => "schema",
        }
    }
}

/// How the value under a key holds objects of a kind.
#[derive(Debug, Clone, Copy)]
enum Shape {
    One(Kind),
    Map(Kind),
    List(Kind),
}

/// HTTP methods: the operation keys of a path item.
pub(crate) const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// What the value under `key` of an object of `kind` holds, if anything this module visits.
fn child(kind: Kind, key: &str) -> Option<Shape> {
    use Kind::*;
    use Shape::{List, Map, One};
    if key.starts_with("x-") {
        return None;
    }
    Some(match (kind, key) {
        (Document, "paths" | "webhooks") => Map(PathItem),
        (Document, "components") => One(Components),
        (Components, "schemas") => Map(Schema),
        (Components, "parameters") => Map(Parameter),
        (Components, "responses") => Map(Response),
        (Components, "requestBodies") => Map(RequestBody),
        (Components, "headers") => Map(Header),
        (Components, "examples") => Map(Example),
        (Components, "links") => Map(Link),
        (Components, "callbacks") => Map(Callback),
        (Components, "securitySchemes") => Map(SecurityScheme),
        (Components, "pathItems") => Map(PathItem),
        (PathItem, "parameters") => List(Parameter),
        (PathItem, method) if METHODS.contains(&method) => One(Operation),
        (Operation, "parameters") => List(Parameter),
        (Operation, "requestBody") => One(RequestBody),
        (Operation, "responses") => Map(Response),
        (Operation, "callbacks") => Map(Callback),
        (Parameter | Header, "schema") | (MediaType, "schema") => One(Schema),
        (Parameter | Header | RequestBody | Response, "content") => Map(MediaType),
        (Parameter | Header | MediaType, "examples") => Map(Example),
        (MediaType, "encoding") => Map(Encoding),
        (Encoding | Response, "headers") => Map(Header),
        (Response, "links") => Map(Link),
        (Callback, _) => One(PathItem),
        (Schema, "properties" | "patternProperties" | "$defs" | "definitions") => Map(Schema),
        (Schema, "dependentSchemas") => Map(Schema),
        (Schema, "allOf" | "oneOf" | "anyOf" | "prefixItems") => List(Schema),
        (
            Schema,
            "items"
            | "additionalProperties"
            | "not"
            | "contains"
            | "if"
            | "then"
            | "else"
            | "propertyNames"
            | "unevaluatedItems"
            | "unevaluatedProperties"
            | "additionalItems",
        ) => One(Schema),
        _ => return None,
    })
}

/// Whether the value under `key` is visited as an object of `kind`: objects always; `true` and
/// `false` only where 3.1 allows a boolean schema and 3.0 has no boolean of its own.
fn visited(kind: Kind, key: &str, value: &Value) -> bool {
    match value {
        Value::Object(_) => true,
        Value::Bool(_) => {
            kind == Kind::Schema && !matches!(key, "additionalProperties" | "unevaluatedProperties")
        }
        _ => false,
    }
}

/// Entries of a map of `kind` objects under `key` that are extensions, not objects: `x-` keys,
/// except in a schema's `properties` (where they name properties) and `paths` keys that do not
/// start with `/`.
fn is_extension(key: &str, name: &str) -> bool {
    match key {
        "properties" => false,
        "paths" => !name.starts_with('/'),
        _ => name.starts_with("x-"),
    }
}

/// Appends the pointer segment `segment` (escaped) to `pointer`.
fn push(pointer: &mut String, segment: &str) {
    pointer.push('/');
    for c in segment.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

/// Appends an index segment to `pointer`.
fn push_index(pointer: &mut String, index: usize) {
    use std::fmt::Write as _;
    let _ = write!(pointer, "/{index}");
}

/// Calls `f` on `node` (an object of `kind` at `pointer`) and then, in document order, on every
/// object of a known kind below it, parents first. `f` may rewrite the node it is given; the
/// walk then descends into what `f` left.
pub(crate) fn walk_mut(
    node: &mut Value,
    kind: Kind,
    pointer: &str,
    f: &mut dyn FnMut(&mut Value, Kind, &str),
) {
    walk_mut_in(node, kind, &mut pointer.to_owned(), f);
}

/// [`walk_mut`] with one pointer buffer for the whole walk.
fn walk_mut_in(
    node: &mut Value,
    kind: Kind,
    pointer: &mut String,
    f: &mut dyn FnMut(&mut Value, Kind, &str),
) {
    f(node, kind, pointer);
    let Value::Object(map) = node else { return };
    for (key, value) in map.iter_mut() {
        let Some(shape) = child(kind, key) else {
            continue;
        };
        let at = pointer.len();
        push(pointer, key);
        match (shape, value) {
            (Shape::One(k), value) if visited(k, key, value) => walk_mut_in(value, k, pointer, f),
            (Shape::Map(k), Value::Object(entries)) => {
                let entry_at = pointer.len();
                for (name, value) in entries.iter_mut() {
                    if !is_extension(key, name) && visited(k, key, value) {
                        push(pointer, name);
                        walk_mut_in(value, k, pointer, f);
                        pointer.truncate(entry_at);
                    }
                }
            }
            (Shape::List(k), Value::Array(items)) => {
                let entry_at = pointer.len();
                for (i, value) in items.iter_mut().enumerate() {
                    if visited(k, key, value) {
                        push_index(pointer, i);
                        walk_mut_in(value, k, pointer, f);
                        pointer.truncate(entry_at);
                    }
                }
            }
            _ => {}
        }
        pointer.truncate(at);
    }
}

/// [`walk_mut`] without changes.
pub(crate) fn walk(node: &Value, kind: Kind, pointer: &str, f: &mut dyn FnMut(&Value, Kind, &str)) {
    walk_in(node, kind, &mut pointer.to_owned(), f);
}

/// [`walk`] with one pointer buffer for the whole walk.
fn walk_in(node: &Value, kind: Kind, pointer: &mut String, f: &mut dyn FnMut(&Value, Kind, &str)) {
    f(node, kind, pointer);
    let Value::Object(map) = node else { return };
    for (key, value) in map {
        let Some(shape) = child(kind, key) else {
            continue;
        };
        let at = pointer.len();
        push(pointer, key);
        match (shape, value) {
            (Shape::One(k), value) if visited(k, key, value) => walk_in(value, k, pointer, f),
            (Shape::Map(k), Value::Object(entries)) => {
                let entry_at = pointer.len();
                for (name, value) in entries {
                    if !is_extension(key, name) && visited(k, key, value) {
                        push(pointer, name);
                        walk_in(value, k, pointer, f);
                        pointer.truncate(entry_at);
                    }
                }
            }
            (Shape::List(k), Value::Array(items)) => {
                let entry_at = pointer.len();
                for (i, value) in items.iter().enumerate() {
                    if visited(k, key, value) {
                        push_index(pointer, i);
                        walk_in(value, k, pointer, f);
                        pointer.truncate(entry_at);
                    }
                }
            }
            _ => {}
        }
        pointer.truncate(at);
    }
}
