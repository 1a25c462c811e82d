//! OpenAPI 3.1 -> the 3.0 model, on the raw document, before anything is deserialized.
//!
//! Schemas (3.1 schemas are JSON Schema 2020-12):
//! - `type: [T, "null"]` -> `type: T` + `nullable: true`; `type: "null"` -> `nullable: true`;
//!   several types -> a `oneOf` with one member per type, each taking the keywords of its type
//!   (`[integer, number]` is `number`).
//! - `oneOf`/`anyOf` members that are `{type: "null"}` -> `nullable: true` on the parent.
//! - `const: v` -> `enum: [v]`; `examples: [a, ...]` -> `example: a`.
//! - numeric `exclusiveMinimum: n` -> `minimum: n` + `exclusiveMinimum: true` (the tighter of
//!   it and a `minimum` beside it); the same for maximum.
//! - `$ref` with siblings -> `allOf: [{$ref}]` + the siblings (3.0 ignores a `$ref`'s siblings).
//! - `contentEncoding: base64`/`base64url` -> `format: byte`; `contentMediaType` of a binary
//!   type (not text, not JSON, not XML) without an encoding -> `format: binary`.
//! - `true` -> `{}`, `false` -> `{not: {}}`.
//! - `patternProperties` with one pattern -> `additionalProperties` (the pattern is not
//!   checked: warned).
//!
//! Keywords with no 3.0 form (`prefixItems`, `if`/`then`/`else`, `dependentSchemas`,
//! `unevaluatedProperties`, ...) are dropped with a warning naming their place. Top-level
//! `webhooks` (requests the API sends, not operations a client calls) are not operations: each
//! webhook's JSON request body becomes a component schema (`newPet` -> `newPetWebhook`), so
//! the client has a type to decode deliveries with, and one warning per webhook names it;
//! `mutualTLS` security schemes (which 3.0 cannot describe) are dropped with a warning.

use serde_json::{json, Map, Value};

use super::walk::{walk_mut, Kind};
use crate::diagnostics::{join, Diagnostic, Severity};

/// Keywords of a 3.1 schema that have no 3.0 form and are dropped with a warning.
const UNLOWERABLE: &[&str] = &[
    "prefixItems",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "dependentRequired",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contains",
    "minContains",
    "maxContains",
    "propertyNames",
    "contentSchema",
    "$dynamicRef",
    "$dynamicAnchor",
    "$recursiveRef",
    "$recursiveAnchor",
    "$anchor",
    "$id",
];

/// Keywords that only annotate for tools and are dropped silently.
const DROPPED: &[&str] = &["$schema", "$comment", "$vocabulary"];

/// Keywords that belong to one JSON type, moved into that type's member when a type array
/// becomes a `oneOf`.
fn type_of_keyword(key: &str) -> Option<&'static str> {
    Some(match key {
        "minLength" | "maxLength" | "pattern" | "contentMediaType" | "contentEncoding" => "string",
        "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf" => "number",
        "items" | "minItems" | "maxItems" | "uniqueItems" | "prefixItems" | "contains" => "array",
        "properties"
        | "required"
        | "additionalProperties"
        | "minProperties"
        | "maxProperties"
        | "patternProperties"
        | "propertyNames" => "object",
        _ => return None,
    })
}

/// A warning that something of the 3.1 document was not lowered.
fn warn(warnings: &mut Vec<Diagnostic>, pointer: &str, what: String) {
    let mut d = Diagnostic::unsupported(pointer, what);
    d.severity = Severity::Warning;
    warnings.push(d);
}

/// The JSON request bodies of webhooks, as (webhook, component key, schema): a webhook's
/// payload becomes a data type (`newPet` -> `newPetWebhook`; with bodies on several methods,
/// `newPetPostWebhook`, ...), so deliveries can be decoded. A body that is only a `$ref` to a
/// component needs no copy (that type exists); the copy is a `$ref` then, naming the same type
/// under the webhook's name.
fn webhook_payloads(hooks: &Map<String, Value>) -> Vec<(String, String, Value)> {
    const METHODS: &[&str] = &[
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let mut out = Vec::new();
    for (name, item) in hooks.iter().filter(|(k, _)| !k.starts_with("x-")) {
        let bodies: Vec<(&str, &Value)> = METHODS
            .iter()
            .filter_map(|m| {
                let content = item
                    .get(*m)?
                    .get("requestBody")?
                    .get("content")?
                    .as_object()?;
                let json = content
                    .iter()
                    .find(|(media, _)| {
                        let media = media.split(';').next().unwrap_or("").trim();
                        media == "application/json" || media.ends_with("+json")
                    })
                    .map(|(_, v)| v)?;
                Some((*m, json.get("schema")?))
            })
            .collect();
        for (method, schema) in &bodies {
            let key = if bodies.len() == 1 {
                format!("{name}Webhook")
            } else {
                let mut method = method.to_string();
                method[..1].make_ascii_uppercase();
                format!("{name}{method}Webhook")
            };
            out.push((name.clone(), key, (*schema).clone()));
        }
    }
    out
}

/// Lowers the 3.1 document `doc` to the 3.0 model in place; what cannot be lowered is named
/// in `warnings`.
pub(crate) fn lower(doc: &mut Value, warnings: &mut Vec<Diagnostic>) {
    let Value::Object(top) = doc else { return };
    if let Some(Value::Object(hooks)) = top.remove("webhooks") {
        let payloads = webhook_payloads(&hooks);
        let schemas = top
            .entry("components")
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .map(|c| c.entry("schemas").or_insert_with(|| json!({})));
        let mut named = Vec::new();
        if let Some(Value::Object(schemas)) = schemas {
            for (hook, key, schema) in payloads {
                let mut name = key.clone();
                let mut n = 2;
                while schemas.contains_key(&name) {
                    name = format!("{key}{n}");
                    n += 1;
                }
                schemas.insert(name.clone(), schema);
                named.push((hook, name));
            }
        }
        for name in hooks.keys().filter(|k| !k.starts_with("x-")) {
            let types: Vec<String> = named
                .iter()
                .filter(|(hook, _)| hook == name)
                .map(|(_, key)| format!("`#/components/schemas/{key}`"))
                .collect();
            let payload = if types.is_empty() {
                String::new()
            } else {
                format!(
                    "; its JSON body is generated as the type of {}, to decode deliveries with",
                    types.join(" and ")
                )
            };
            warn(
                warnings,
                &join("#/webhooks", name),
                format!("webhook `{name}` (a request the API sends to you, not one a client sends) is not an operation{payload}"),
            );
        }
    }
    top.entry("paths").or_insert_with(|| json!({}));
    if let Some(Value::Object(schemes)) = doc.pointer_mut("/components/securitySchemes") {
        let mutual: Vec<String> = schemes
            .iter()
            .filter(|(_, s)| s.get("type").and_then(Value::as_str) == Some("mutualTLS"))
            .map(|(k, _)| k.clone())
            .collect();
        for name in mutual {
            schemes.remove(&name);
            warn(
                warnings,
                &join("#/components/securitySchemes", &name),
                format!("security scheme `{name}` of type mutualTLS (no OpenAPI 3.0 form; configure client certificates on the HTTP client)"),
            );
        }
    }
    walk_mut(doc, Kind::Document, "#", &mut |node, kind, at| match kind {
        Kind::Schema => lower_schema(node, at, warnings),
        // 3.1 made an operation's `responses` optional.
        Kind::Operation => {
            if let Value::Object(op) = node {
                op.entry("responses").or_insert_with(|| json!({}));
            }
        }
        _ => {}
    });
}

/// Lowers one schema (its children are lowered when the walk reaches them).
fn lower_schema(node: &mut Value, at: &str, warnings: &mut Vec<Diagnostic>) {
    if let Value::Bool(accept) = node {
        *node = if *accept {
            json!({})
        } else {
            json!({"not": {}})
        };
        return;
    }
    let Value::Object(map) = node else { return };
    if map.contains_key("$ref") && map.len() > 1 {
        wrap_reference(map);
    }
    lower_type(map, at, warnings);
    for keyword in ["oneOf", "anyOf"] {
        if let Some(Value::Array(members)) = map.get_mut(keyword) {
            let before = members.len();
            members.retain(|m| !is_null_schema(m));
            if members.len() < before {
                if members.is_empty() {
                    map.remove(keyword);
                }
                map.insert("nullable".into(), Value::Bool(true));
            }
        }
    }
    if let Some(value) = map.remove("const") {
        // Without a `type`, a string constant is a string (3.0 reads an untyped enum as any).
        if value.is_string() && !map.contains_key("enum") {
            map.entry("type").or_insert_with(|| json!("string"));
        }
        map.entry("enum")
            .or_insert_with(|| Value::Array(vec![value]));
    }
    if let Some(examples) = map.remove("examples") {
        if let Some(first) = examples.as_array().and_then(|e| e.first()) {
            map.entry("example").or_insert_with(|| first.clone());
        }
    }
    lower_exclusive(map, "exclusiveMinimum", "minimum", |excl, bound| {
        excl >= bound
    });
    lower_exclusive(map, "exclusiveMaximum", "maximum", |excl, bound| {
        excl <= bound
    });
    lower_content(map, at, warnings);
    if let Some(patterns) = map.remove("patternProperties") {
        match patterns {
            Value::Object(patterns)
                if patterns.len() == 1
                    && !matches!(map.get("additionalProperties"), Some(Value::Object(_))) =>
            {
                let (pattern, schema) = patterns.into_iter().next().expect("one pattern");
                map.insert("additionalProperties".into(), schema);
                warn(
                    warnings,
                    &join(at, "patternProperties"),
                    format!("patternProperties: lowered to additionalProperties; keys are not checked against `{pattern}`"),
                );
            }
            _ => warn(
                warnings,
                &join(at, "patternProperties"),
                "patternProperties with several patterns (no OpenAPI 3.0 form); ignored".to_owned(),
            ),
        }
    }
    for key in UNLOWERABLE {
        if map.remove(*key).is_some() {
            warn(
                warnings,
                &join(at, key),
                format!("JSON Schema keyword `{key}` (no OpenAPI 3.0 form); ignored"),
            );
        }
    }
    for key in DROPPED {
        map.remove(*key);
    }
}

/// `{$ref, siblings..}` -> `{allOf: [{$ref}], siblings..}`.
fn wrap_reference(map: &mut Map<String, Value>) {
    let Some(reference) = map.remove("$ref") else {
        return;
    };
    let member = json!({ "$ref": reference });
    match map.get_mut("allOf") {
        Some(Value::Array(members)) => members.insert(0, member),
        _ => {
            map.insert("allOf".into(), Value::Array(vec![member]));
        }
    }
}

/// A member of a `oneOf`/`anyOf` that only admits `null`.
fn is_null_schema(member: &Value) -> bool {
    let Value::Object(m) = member else {
        return false;
    };
    let null_type = match m.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(types)) => types.iter().all(|t| t == "null"),
        _ => false,
    };
    let null_const = m.get("const") == Some(&Value::Null)
        || m.get("enum") == Some(&Value::Array(vec![Value::Null]));
    (null_type || null_const)
        && m.keys().all(|k| {
            matches!(
                k.as_str(),
                "type" | "const" | "enum" | "description" | "title"
            )
        })
}

/// `type` arrays and `type: "null"`.
fn lower_type(map: &mut Map<String, Value>, at: &str, warnings: &mut Vec<Diagnostic>) {
    let types: Vec<String> = match map.get("type") {
        Some(Value::String(t)) if t == "null" => vec![t.clone()],
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect(),
        _ => return,
    };
    let mut types: Vec<String> = types;
    if types.iter().any(|t| t == "null") {
        types.retain(|t| t != "null");
        map.insert("nullable".into(), Value::Bool(true));
    }
    if types.len() == 2 && types.contains(&"integer".into()) && types.contains(&"number".into()) {
        types = vec!["number".into()];
    }
    match types.as_slice() {
        [] => {
            map.remove("type");
        }
        [one] => {
            map.insert("type".into(), Value::String(one.clone()));
        }
        several => {
            map.remove("type");
            if map.contains_key("oneOf") || map.contains_key("anyOf") {
                warn(
                    warnings,
                    &join(at, "type"),
                    format!(
                        "a type array ({}) beside oneOf/anyOf (no OpenAPI 3.0 form); the types are not checked",
                        several.join(", ")
                    ),
                );
                return;
            }
            let several = several.to_vec();
            let moved: Vec<String> = map
                .keys()
                .filter(|k| type_of_keyword(k).is_some())
                .cloned()
                .collect();
            let mut taken: Vec<(String, Value)> = moved
                .into_iter()
                .filter_map(|k| map.remove(&k).map(|v| (k, v)))
                .collect();
            let enumeration = map.remove("enum");
            let format = map.remove("format");
            let members: Vec<Value> = several
                .iter()
                .map(|t| {
                    let mut member = Map::new();
                    member.insert("type".into(), Value::String(t.clone()));
                    let group = if t == "integer" { "number" } else { t.as_str() };
                    for (k, v) in &taken {
                        if type_of_keyword(k) == Some(group) {
                            member.insert(k.clone(), v.clone());
                        }
                    }
                    if let Some(Value::Array(values)) = &enumeration {
                        let fitting: Vec<Value> =
                            values.iter().filter(|v| fits(v, t)).cloned().collect();
                        if !fitting.is_empty() {
                            member.insert("enum".into(), Value::Array(fitting));
                        }
                    }
                    if let Some(format) = &format {
                        if matches!(t.as_str(), "string" | "integer" | "number") {
                            member.insert("format".into(), format.clone());
                        }
                    }
                    Value::Object(member)
                })
                .collect();
            taken.clear();
            map.insert("oneOf".into(), Value::Array(members));
        }
    }
}

/// Whether a JSON value is of the JSON Schema type `t`.
fn fits(value: &Value, t: &str) -> bool {
    match t {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => false,
    }
}

/// A numeric `exclusive`: becomes `bound` + `exclusive: true` when it is the tighter limit
/// (`tighter(exclusive, bound)`), else is dropped (the inclusive bound already limits more).
fn lower_exclusive(
    map: &mut Map<String, Value>,
    exclusive: &str,
    bound: &str,
    tighter: fn(f64, f64) -> bool,
) {
    let Some(Value::Number(limit)) = map.get(exclusive).cloned() else {
        return;
    };
    let replace = match map.get(bound).and_then(Value::as_f64) {
        None => true,
        Some(existing) => limit.as_f64().is_some_and(|l| tighter(l, existing)),
    };
    if replace {
        map.insert(bound.into(), Value::Number(limit));
        map.insert(exclusive.into(), Value::Bool(true));
    } else {
        map.remove(exclusive);
    }
}

/// `contentEncoding` and `contentMediaType` of a string.
fn lower_content(map: &mut Map<String, Value>, at: &str, warnings: &mut Vec<Diagnostic>) {
    let encoding = map.remove("contentEncoding");
    let media = map.remove("contentMediaType");
    let format = match (&encoding, &media) {
        (Some(Value::String(e)), _) => match e.to_ascii_lowercase().as_str() {
            "base64" | "base64url" => Some("byte"),
            other => {
                warn(
                    warnings,
                    &join(at, "contentEncoding"),
                    format!("contentEncoding `{other}` (OpenAPI 3.0 knows base64 only); the string is passed as it is"),
                );
                None
            }
        },
        (None, Some(Value::String(m))) if is_binary_media(m) => Some("binary"),
        _ => None,
    };
    if let Some(format) = format {
        if !map.contains_key("format") && map.get("type").is_none_or(|t| t == "string") {
            map.insert("type".into(), Value::String("string".into()));
            map.insert("format".into(), Value::String(format.into()));
        }
    }
}

/// A media type whose content is bytes rather than text.
fn is_binary_media(media: &str) -> bool {
    let media = media.to_ascii_lowercase();
    let essence = media.split(';').next().unwrap_or("").trim();
    !(essence.starts_with("text/")
        || essence.ends_with("json")
        || essence.ends_with("xml")
        || essence == "application/x-www-form-urlencoded")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lowered(schema: Value) -> (Value, Vec<Diagnostic>) {
        let mut doc = json!({"openapi": "3.1.0", "components": {"schemas": {"S": schema}}});
        let mut warnings = Vec::new();
        lower(&mut doc, &mut warnings);
        (doc["components"]["schemas"]["S"].clone(), warnings)
    }

    #[test]
    fn type_arrays_with_null_become_nullable() {
        let (s, w) = lowered(json!({"type": ["string", "null"], "maxLength": 3}));
        assert_eq!(
            s,
            json!({"type": "string", "nullable": true, "maxLength": 3})
        );
        assert!(w.is_empty());
        let (s, _) = lowered(json!({"type": "null"}));
        assert_eq!(s, json!({"nullable": true}));
    }

    #[test]
    fn several_types_become_one_of_with_their_keywords() {
        let (s, w) = lowered(json!({
            "type": ["string", "integer", "null"], "description": "d",
            "maxLength": 5, "minimum": 1, "enum": ["a", 2]
        }));
        assert!(w.is_empty());
        assert_eq!(
            s,
            json!({"description": "d", "nullable": true, "oneOf": [
                {"type": "string", "maxLength": 5, "enum": ["a"]},
                {"type": "integer", "minimum": 1, "enum": [2]}
            ]})
        );
    }

    #[test]
    fn const_examples_and_exclusive_bounds() {
        let (s, _) = lowered(json!({
            "type": "object",
            "properties": {
                "kind": {"const": "dog"},
                "age": {"type": "integer", "exclusiveMinimum": 0, "minimum": -5, "exclusiveMaximum": 10, "maximum": 3, "examples": [4, 5]}
            }
        }));
        assert_eq!(
            s["properties"]["kind"],
            json!({"type": "string", "enum": ["dog"]})
        );
        assert_eq!(
            s["properties"]["age"],
            json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true, "maximum": 3, "example": 4})
        );
    }

    #[test]
    fn references_with_siblings_and_null_alternatives() {
        let (s, _) = lowered(json!({
            "type": "object",
            "properties": {
                "a": {"$ref": "#/components/schemas/T", "description": "the a"},
                "b": {"oneOf": [{"$ref": "#/components/schemas/T"}, {"type": "null"}]},
                "c": {"$ref": "#/components/schemas/T"}
            }
        }));
        assert_eq!(
            s["properties"]["a"],
            json!({"allOf": [{"$ref": "#/components/schemas/T"}], "description": "the a"})
        );
        assert_eq!(
            s["properties"]["b"],
            json!({"oneOf": [{"$ref": "#/components/schemas/T"}], "nullable": true})
        );
        assert_eq!(
            s["properties"]["c"],
            json!({"$ref": "#/components/schemas/T"})
        );
    }

    #[test]
    fn content_encoding_media_type_and_booleans() {
        let (s, w) = lowered(json!({
            "type": "object",
            "properties": {
                "b64": {"type": "string", "contentEncoding": "base64"},
                "file": {"type": "string", "contentMediaType": "image/png"},
                "text": {"type": "string", "contentMediaType": "text/plain"},
                "odd": {"type": "string", "contentEncoding": "quoted-printable"},
                "any": true,
                "none": false
            }
        }));
        let p = &s["properties"];
        assert_eq!(p["b64"], json!({"type": "string", "format": "byte"}));
        assert_eq!(p["file"], json!({"type": "string", "format": "binary"}));
        assert_eq!(p["text"], json!({"type": "string"}));
        assert_eq!(p["odd"], json!({"type": "string"}));
        assert_eq!(p["any"], json!({}));
        assert_eq!(p["none"], json!({"not": {}}));
        assert_eq!(w.len(), 1);
        assert_eq!(
            w[0].pointer,
            "#/components/schemas/S/properties/odd/contentEncoding"
        );
    }

    #[test]
    fn webhook_payloads_become_component_schemas() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "webhooks": {
                "newPet": {"post": {"requestBody": {"content": {"application/json": {"schema": {
                    "type": "object", "properties": {"id": {"type": ["integer", "null"]}}
                }}}}}},
                "petGone": {
                    "post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}}},
                    "put": {"requestBody": {"content": {"application/cloudevents+json": {"schema": {"type": "string"}}}}}
                },
                "ping": {"post": {}}
            },
            "components": {"schemas": {"Pet": {"type": "object"}, "newPetWebhook": {"type": "string"}}}
        });
        let mut warnings = Vec::new();
        lower(&mut doc, &mut warnings);
        let schemas = &doc["components"]["schemas"];
        // The name was taken: the next free one; the body was lowered like any schema.
        assert_eq!(
            schemas["newPetWebhook2"],
            json!({"type": "object", "properties": {"id": {"type": "integer", "nullable": true}}})
        );
        assert_eq!(
            schemas["petGonePostWebhook"],
            json!({"$ref": "#/components/schemas/Pet"})
        );
        assert_eq!(schemas["petGonePutWebhook"], json!({"type": "string"}));
        let messages: Vec<&str> = warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(
            messages[0].contains("`#/components/schemas/newPetWebhook2`"),
            "{}",
            messages[0]
        );
        assert!(
            messages[1].contains("petGonePostWebhook`")
                && messages[1].contains("petGonePutWebhook`")
        );
        assert!(!messages[2].contains("components"), "{}", messages[2]);
    }

    #[test]
    fn what_cannot_be_lowered_is_named_with_its_place() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "webhooks": {"newPet": {"post": {}}},
            "components": {
                "securitySchemes": {"mtls": {"type": "mutualTLS"}, "key": {"type": "apiKey", "in": "header", "name": "k"}},
                "schemas": {"S": {"type": "array", "prefixItems": [{"type": "string"}], "if": {}, "patternProperties": {"^x": {"type": "string"}}}}
            }
        });
        let mut warnings = Vec::new();
        lower(&mut doc, &mut warnings);
        let places: Vec<&str> = warnings.iter().map(|w| w.pointer.as_str()).collect();
        assert_eq!(
            places,
            [
                "#/webhooks/newPet",
                "#/components/securitySchemes/mtls",
                "#/components/schemas/S/patternProperties",
                "#/components/schemas/S/prefixItems",
                "#/components/schemas/S/if",
            ]
        );
        assert!(warnings.iter().all(|w| w.severity == Severity::Warning));
        assert!(doc.get("webhooks").is_none());
        assert_eq!(doc["paths"], json!({}));
        assert!(doc["components"]["securitySchemes"].get("mtls").is_none());
        assert_eq!(
            doc["components"]["schemas"]["S"]["additionalProperties"],
            json!({"type": "string"})
        );
    }
}
