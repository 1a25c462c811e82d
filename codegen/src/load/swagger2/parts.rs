//! The pieces of a Swagger 2.0 document converted one by one: parameter and header schemas,
//! responses, security schemes, schemas, and the final rewrite of every `$ref`.

use serde_json::{json, Map, Value};

use super::Cx;
use crate::diagnostics::join;

impl Cx<'_, '_> {
    /// The schema of a non-body parameter, header or items object (its `type`, `format`,
    /// `items`, limits, `enum`, `default`).
    pub(super) fn simple_schema(&mut self, p: &Value, at: &str) -> Value {
        let mut schema = Map::new();
        for key in [
            "type",
            "format",
            "default",
            "maximum",
            "exclusiveMaximum",
            "minimum",
            "exclusiveMinimum",
            "maxLength",
            "minLength",
            "pattern",
            "maxItems",
            "minItems",
            "uniqueItems",
            "enum",
            "multipleOf",
        ] {
            if let Some(v) = p.get(key) {
                schema.insert(key.into(), v.clone());
            }
        }
        if schema.get("type").and_then(Value::as_str) == Some("file") {
            schema.insert("type".into(), json!("string"));
            schema.insert("format".into(), json!("binary"));
        }
        if p.get("x-nullable") == Some(&Value::Bool(true)) {
            schema.insert("nullable".into(), json!(true));
        }
        if let Some(items) = p.get("items") {
            let items_at = join(at, "items");
            let converted = if items.get("$ref").is_some() {
                self.schema(items, &items_at)
            } else {
                if let Some(format) = items.get("collectionFormat").and_then(Value::as_str) {
                    if format != "csv" {
                        self.warn(
                            &join(&items_at, "collectionFormat"),
                            format!("collectionFormat {format} of nested items (no OpenAPI 3.0 form); sent comma-separated"),
                        );
                    }
                }
                self.simple_schema(items, &items_at)
            };
            schema.insert("items".into(), converted);
        }
        Value::Object(schema)
    }

    /// A response (at `new`, from `old`) with its schema under each `produces` media type.
    pub(super) fn response(
        &mut self,
        r: &Value,
        produces: &[String],
        new: &str,
        old: &str,
    ) -> Value {
        let Value::Object(r) = r else {
            return r.clone();
        };
        let mut out = Map::new();
        out.insert(
            "description".into(),
            r.get("description").cloned().unwrap_or_else(|| json!("")),
        );
        copy_extensions(&Value::Object(r.clone()), &mut out);
        if let Some(Value::Object(headers)) = r.get("headers") {
            let mut converted = Map::new();
            for (name, h) in headers {
                let at = join(&join(old, "headers"), name);
                let mut header = Map::new();
                if let Some(description) = h.get("description") {
                    header.insert("description".into(), description.clone());
                }
                header.insert("schema".into(), self.simple_schema(h, &at));
                converted.insert(name.clone(), Value::Object(header));
            }
            out.insert("headers".into(), Value::Object(converted));
        }
        let examples = r.get("examples").and_then(Value::as_object);
        if let Some(schema) = r.get("schema") {
            let schema_old = join(old, "schema");
            let converted = self.schema(schema, &schema_old);
            let mut media: Vec<String> = produces.to_vec();
            if media.is_empty() {
                media.push(
                    if converted.get("format").and_then(Value::as_str) == Some("binary") {
                        "application/octet-stream"
                    } else {
                        "application/json"
                    }
                    .to_owned(),
                );
            }
            let mut content = Map::new();
            for m in &media {
                let mut media_object = json!({ "schema": converted.clone() });
                if let Some(example) = examples.and_then(|e| e.get(m)) {
                    media_object["example"] = example.clone();
                }
                content.insert(m.clone(), media_object);
                self.moved(
                    join(&join(&join(new, "content"), m), "schema"),
                    schema_old.clone(),
                );
            }
            out.insert("content".into(), Value::Object(content));
        }
        Value::Object(out)
    }

    /// A security definition -> a security scheme.
    pub(super) fn security_scheme(&mut self, d: &Value, at: &str) -> Value {
        let mut out = Map::new();
        if let Some(description) = d.get("description") {
            out.insert("description".into(), description.clone());
        }
        copy_extensions(d, &mut out);
        match d.get("type").and_then(Value::as_str) {
            Some("basic") => {
                out.insert("type".into(), json!("http"));
                out.insert("scheme".into(), json!("basic"));
            }
            Some("apiKey") => {
                out.insert("type".into(), json!("apiKey"));
                for key in ["name", "in"] {
                    if let Some(v) = d.get(key) {
                        out.insert(key.into(), v.clone());
                    }
                }
            }
            Some("oauth2") => {
                out.insert("type".into(), json!("oauth2"));
                let flow = d.get("flow").and_then(Value::as_str).unwrap_or("");
                let name = match flow {
                    "implicit" => "implicit",
                    "password" => "password",
                    "application" => "clientCredentials",
                    "accessCode" => "authorizationCode",
                    other => {
                        self.warn(
                            &join(at, "flow"),
                            format!(
                                "OAuth2 flow `{other}` (not a Swagger 2.0 flow); taken as implicit"
                            ),
                        );
                        "implicit"
                    }
                };
                let mut flow_object = Map::new();
                for key in ["authorizationUrl", "tokenUrl"] {
                    if let Some(v) = d.get(key) {
                        flow_object.insert(key.into(), v.clone());
                    }
                }
                if matches!(name, "implicit" | "authorizationCode") {
                    flow_object
                        .entry("authorizationUrl")
                        .or_insert_with(|| json!(""));
                }
                if name != "implicit" {
                    flow_object.entry("tokenUrl").or_insert_with(|| json!(""));
                }
                flow_object.insert(
                    "scopes".into(),
                    d.get("scopes").cloned().unwrap_or_else(|| json!({})),
                );
                out.insert("flows".into(), json!({ name: flow_object }));
            }
            other => {
                self.warn(
                    &join(at, "type"),
                    format!("security definition of type {} (not a Swagger 2.0 type); taken as an API key header", other.unwrap_or("(none)")),
                );
                out.insert("type".into(), json!("apiKey"));
                out.insert("in".into(), json!("header"));
                out.insert("name".into(), json!("Authorization"));
            }
        }
        Value::Object(out)
    }

    /// A Swagger 2.0 schema -> an OpenAPI 3.0 schema (references are rewritten afterwards).
    pub(super) fn schema(&mut self, s: &Value, at: &str) -> Value {
        let Value::Object(map) = s else {
            return s.clone();
        };
        let mut out = Map::new();
        for (key, value) in map {
            match key.as_str() {
                "properties" | "patternProperties" => {
                    let converted: Map<String, Value> = value
                        .as_object()
                        .map(|props| {
                            props
                                .iter()
                                .map(|(name, p)| {
                                    (name.clone(), self.schema(p, &join(&join(at, key), name)))
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    out.insert(key.clone(), Value::Object(converted));
                }
                "items" | "additionalProperties" | "not" if value.is_object() => {
                    out.insert(key.clone(), self.schema(value, &join(at, key)));
                }
                "items" if value.is_array() => {
                    // A tuple (JSON Schema draft 4): 3.0 has one items schema.
                    self.warn(
                        &join(at, key),
                        "items as a list of schemas (a tuple; no OpenAPI 3.0 form); any item is accepted".to_owned(),
                    );
                }
                "allOf" | "oneOf" | "anyOf" => {
                    let converted: Vec<Value> = value
                        .as_array()
                        .map(|members| {
                            members
                                .iter()
                                .enumerate()
                                .map(|(i, m)| self.schema(m, &join(&join(at, key), &i.to_string())))
                                .collect()
                        })
                        .unwrap_or_default();
                    out.insert(key.clone(), Value::Array(converted));
                }
                "discriminator" => {
                    let converted = match value {
                        Value::String(name) => json!({ "propertyName": name }),
                        other => other.clone(),
                    };
                    out.insert(key.clone(), converted);
                }
                "x-nullable" => {
                    if value == &Value::Bool(true) {
                        out.insert("nullable".into(), json!(true));
                    }
                }
                "type" if value == "file" => {
                    out.insert("type".into(), json!("string"));
                    out.insert("format".into(), json!("binary"));
                }
                "required" if !value.is_array() => {
                    self.warn(
                        &join(at, key),
                        "`required: true` inside a schema (a schema lists its required properties); ignored".to_owned(),
                    );
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        Value::Object(out)
    }
}

pub(super) fn copy_extensions(from: &Value, to: &mut Map<String, Value>) {
    if let Value::Object(map) = from {
        for (key, value) in map {
            if key.starts_with("x-") && key != "x-nullable" {
                to.insert(key.clone(), value.clone());
            }
        }
    }
}

/// Rewrites every local `$ref` of the converted document to where its target went
/// (`#/definitions/X` -> `#/components/schemas/X`, ...): the longest moved old prefix wins.
pub(super) fn remap_refs(doc: &mut Value, moves: &[(String, String)]) {
    let mut by_old: Vec<&(String, String)> = moves.iter().collect();
    by_old.sort_by_key(|m| std::cmp::Reverse(m.1.len()));
    let mut todo = vec![doc];
    while let Some(node) = todo.pop() {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get_mut("$ref") {
                    if reference.starts_with('#') {
                        let plain = super::super::refs::percent_decode(&reference[1..])
                            .map(|p| format!("#{p}"))
                            .unwrap_or_else(|_| reference.clone());
                        for (new, old) in &by_old {
                            if let Some(rest) = plain.strip_prefix(old.as_str()) {
                                if rest.is_empty() || rest.starts_with('/') {
                                    *reference = format!("{new}{rest}");
                                    break;
                                }
                            }
                        }
                    }
                }
                for (key, value) in map.iter_mut() {
                    if !matches!(key.as_str(), "example" | "examples" | "default" | "enum")
                        && !key.starts_with("x-")
                    {
                        todo.push(value);
                    }
                }
            }
            Value::Array(items) => todo.extend(items.iter_mut()),
            _ => {}
        }
    }
}
