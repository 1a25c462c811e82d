//! Swagger 2.0 -> an OpenAPI 3.0 document, on the raw JSON, so everything after `load` sees
//! the 3.0 model only.
//!
//! - `host` + `basePath` + `schemes` -> `servers` (one per scheme, `https` when none is given).
//! - `definitions`, `parameters`, `responses`, `securityDefinitions` -> `components`
//!   (`schemas`, `parameters` or, for body parameters, `requestBodies`, `responses`,
//!   `securitySchemes`; OAuth2 flows renamed: `application` -> `clientCredentials`,
//!   `accessCode` -> `authorizationCode`).
//! - A `body` parameter -> `requestBody` with one media type per `consumes` entry (the
//!   operation's, else the document's, else `application/json`).
//! - `formData` parameters -> one `requestBody` object schema (a property per parameter,
//!   `type: file` -> `string`/`binary`) as `multipart/form-data` when a file is among them or
//!   `consumes` says so, else `application/x-www-form-urlencoded`.
//! - Other parameters: `type`, `format`, `items`, limits, `enum`, `default` -> `schema`;
//!   `collectionFormat` -> `style`/`explode` (`csv` -> form or simple, `ssv` ->
//!   spaceDelimited, `pipes` -> pipeDelimited, `multi` -> form + explode; `tsv` has no 3.0
//!   form: warned, sent as csv).
//! - Responses: `schema` -> `content` per `produces` entry, `examples` -> each media type's
//!   `example`, `headers` -> header objects with a schema.
//! - Schemas: `type: file` -> `string`/`binary`, a string `discriminator` -> `propertyName`,
//!   `x-nullable` -> `nullable`.
//! - Every `$ref` is rewritten to where its target went.
//!
//! Every move is recorded as (new pointer, old pointer) so diagnostics locate the original
//! text and references to moved places follow them.

mod parts;
#[cfg(test)]
mod tests;

use serde_json::{json, Map, Value};

use super::walk::METHODS;
use crate::diagnostics::{join, Diagnostic, Severity};
use parts::{copy_extensions, remap_refs};

/// The converted document and where its parts came from: (new pointer, old pointer).
pub(crate) struct Converted {
    pub(crate) doc: Value,
    pub(crate) moves: Vec<(String, String)>,
}

/// Converts the Swagger 2.0 document `src`.
pub(crate) fn convert(src: &Value, warnings: &mut Vec<Diagnostic>) -> Converted {
    let mut cx = Cx {
        src,
        moves: Vec::new(),
        warnings,
    };
    let doc = cx.document();
    let moves = cx.moves;
    let mut doc = doc;
    remap_refs(&mut doc, &moves);
    Converted { doc, moves }
}

struct Cx<'a, 'w> {
    src: &'a Value,
    moves: Vec<(String, String)>,
    warnings: &'w mut Vec<Diagnostic>,
}

/// A string list at `key` of `node`, if any.
fn strings(node: &Value, key: &str) -> Option<Vec<String>> {
    node.get(key)?.as_array().map(|items| {
        items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_owned))
            .collect()
    })
}

fn is_form(media: &str) -> bool {
    matches!(
        media.split(';').next().unwrap_or("").trim(),
        "application/x-www-form-urlencoded" | "multipart/form-data"
    )
}

impl Cx<'_, '_> {
    fn warn(&mut self, pointer: &str, what: String) {
        let mut d = Diagnostic::unsupported(pointer, what);
        d.severity = Severity::Warning;
        self.warnings.push(d);
    }

    fn moved(&mut self, new: String, old: String) {
        if new != old {
            self.moves.push((new, old));
        }
    }

    fn document(&mut self) -> Value {
        let src = self.src;
        let mut out = Map::new();
        out.insert("openapi".into(), json!("3.0.3"));
        out.insert(
            "info".into(),
            src.get("info")
                .cloned()
                .unwrap_or_else(|| json!({"title": "", "version": ""})),
        );
        let servers = self.servers();
        if !servers.is_empty() {
            out.insert("servers".into(), Value::Array(servers));
        }
        let consumes = strings(src, "consumes").unwrap_or_default();
        let produces = strings(src, "produces").unwrap_or_default();

        let mut components = Map::new();
        if let Some(Value::Object(definitions)) = src.get("definitions") {
            let schemas: Map<String, Value> = definitions
                .iter()
                .map(|(name, s)| {
                    let at = join("#/definitions", name);
                    (name.clone(), self.schema(s, &at))
                })
                .collect();
            self.moved("#/components/schemas".into(), "#/definitions".into());
            components.insert("schemas".into(), Value::Object(schemas));
        }
        if let Some(Value::Object(parameters)) = src.get("parameters") {
            let mut params = Map::new();
            let mut bodies = Map::new();
            for (name, p) in parameters {
                let old = join("#/parameters", name);
                match p.get("in").and_then(Value::as_str) {
                    Some("body") => {
                        let new = join("#/components/requestBodies", name);
                        let body = self.body(p, &consumes, &new, &old);
                        bodies.insert(name.clone(), body);
                        self.moved(new, old);
                    }
                    // Form fields become properties of the body of each operation using them.
                    Some("formData") => {}
                    _ => {
                        let new = join("#/components/parameters", name);
                        params.insert(name.clone(), self.parameter(p, &old));
                        self.moved(new, old);
                    }
                }
            }
            if !params.is_empty() {
                components.insert("parameters".into(), Value::Object(params));
            }
            if !bodies.is_empty() {
                components.insert("requestBodies".into(), Value::Object(bodies));
            }
        }
        if let Some(Value::Object(responses)) = src.get("responses") {
            let mut out_responses = Map::new();
            for (name, r) in responses {
                let old = join("#/responses", name);
                let new = join("#/components/responses", name);
                out_responses.insert(name.clone(), self.response(r, &produces, &new, &old));
                self.moved(new, old);
            }
            components.insert("responses".into(), Value::Object(out_responses));
        }
        if let Some(Value::Object(definitions)) = src.get("securityDefinitions") {
            let schemes: Map<String, Value> = definitions
                .iter()
                .map(|(name, d)| {
                    let at = join("#/securityDefinitions", name);
                    (name.clone(), self.security_scheme(d, &at))
                })
                .collect();
            self.moved(
                "#/components/securitySchemes".into(),
                "#/securityDefinitions".into(),
            );
            components.insert("securitySchemes".into(), Value::Object(schemes));
        }

        let mut paths = Map::new();
        if let Some(Value::Object(items)) = src.get("paths") {
            for (path, item) in items {
                if !path.starts_with('/') {
                    paths.insert(path.clone(), item.clone());
                    continue;
                }
                let at = join("#/paths", path);
                paths.insert(
                    path.clone(),
                    self.path_item(item, &at, &consumes, &produces),
                );
            }
        }
        out.insert("paths".into(), Value::Object(paths));
        if !components.is_empty() {
            out.insert("components".into(), Value::Object(components));
        }
        if let Value::Object(top) = src {
            for (key, value) in top {
                if matches!(key.as_str(), "security" | "tags" | "externalDocs")
                    || key.starts_with("x-")
                {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        Value::Object(out)
    }

    /// `host`, `basePath`, `schemes` -> `servers`.
    fn servers(&self) -> Vec<Value> {
        let host = self.src.get("host").and_then(Value::as_str);
        let base = self
            .src
            .get("basePath")
            .and_then(Value::as_str)
            .unwrap_or("");
        let base = base.trim_end_matches('/');
        match host {
            Some(host) => {
                let schemes = strings(self.src, "schemes")
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| vec!["https".to_owned()]);
                schemes
                    .iter()
                    .map(|scheme| json!({ "url": format!("{scheme}://{host}{base}") }))
                    .collect()
            }
            None if !base.is_empty() => vec![json!({ "url": base })],
            None => Vec::new(),
        }
    }

    /// A path item: its parameters, then each operation.
    fn path_item(
        &mut self,
        item: &Value,
        at: &str,
        consumes: &[String],
        produces: &[String],
    ) -> Value {
        let Value::Object(item) = item else {
            return item.clone();
        };
        let mut out = Map::new();
        // Path-level parameters that are not body or form fields stay on the path item; those
        // that are go into the body of every operation.
        let shared: Vec<(Value, String)> = item
            .get("parameters")
            .and_then(Value::as_array)
            .map(|ps| {
                ps.iter()
                    .enumerate()
                    .map(|(i, p)| (p.clone(), join(&join(at, "parameters"), &i.to_string())))
                    .collect()
            })
            .unwrap_or_default();
        let mut kept = Vec::new();
        let mut bodily = Vec::new();
        for (p, old) in &shared {
            let (target, _) = self.parameter_target(p);
            match target.get("in").and_then(Value::as_str) {
                Some("body" | "formData") => bodily.push((p.clone(), old.clone())),
                _ => {
                    let new = join(&join(at, "parameters"), &kept.len().to_string());
                    kept.push(self.parameter_use(p, old));
                    self.moved(new, old.clone());
                }
            }
        }
        if !kept.is_empty() {
            out.insert("parameters".into(), Value::Array(kept));
        }
        for (key, value) in item {
            if METHODS.contains(&key.as_str()) {
                let op_at = join(at, key);
                out.insert(
                    key.clone(),
                    self.operation(value, &op_at, &bodily, consumes, produces),
                );
            } else if key != "parameters" {
                out.insert(key.clone(), value.clone());
            }
        }
        Value::Object(out)
    }

    /// The parameter a (possibly referenced) parameter is, and where it is when referenced.
    fn parameter_target(&self, p: &Value) -> (Value, Option<String>) {
        let mut current = p;
        let mut at = None;
        for _ in 0..16 {
            let Some(reference) = current.get("$ref").and_then(Value::as_str) else {
                break;
            };
            let Some(pointer) = reference.strip_prefix('#') else {
                break;
            };
            let decoded = super::refs::percent_decode(pointer).unwrap_or_else(|_| pointer.into());
            let src: &Value = self.src;
            match src.pointer(&decoded) {
                Some(found) => {
                    at = Some(format!("#{decoded}"));
                    if found.get("$ref").is_none() {
                        return (found.clone(), at);
                    }
                    current = found;
                }
                None => break,
            }
        }
        (current.clone(), at)
    }

    /// A parameter as used by an operation: a reference to a component stays a reference
    /// (rewritten later), anything else is converted in place.
    fn parameter_use(&mut self, p: &Value, old: &str) -> Value {
        if let Some(reference) = p.get("$ref").and_then(Value::as_str) {
            if reference.starts_with("#/parameters/") || !reference.starts_with('#') {
                return p.clone();
            }
            let (target, _) = self.parameter_target(p);
            return self.parameter(&target, old);
        }
        self.parameter(p, old)
    }

    fn operation(
        &mut self,
        op: &Value,
        at: &str,
        shared_bodily: &[(Value, String)],
        consumes: &[String],
        produces: &[String],
    ) -> Value {
        let Value::Object(op) = op else {
            return op.clone();
        };
        let consumes = strings(&Value::Object(op.clone()), "consumes")
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| consumes.to_vec());
        let produces = strings(&Value::Object(op.clone()), "produces")
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| produces.to_vec());
        let mut out = Map::new();
        let mut params = Vec::new();
        let mut bodily: Vec<(Value, String)> = shared_bodily.to_vec();
        if let Some(Value::Array(list)) = op.get("parameters") {
            for (i, p) in list.iter().enumerate() {
                let old = join(&join(at, "parameters"), &i.to_string());
                let (target, _) = self.parameter_target(p);
                match target.get("in").and_then(Value::as_str) {
                    Some("body" | "formData") => {
                        // An operation's parameter overrides a path's with the same name.
                        let name = target.get("name").cloned();
                        bodily.retain(|(q, _)| {
                            self.parameter_target(q).0.get("name") != name.as_ref()
                        });
                        bodily.push((p.clone(), old));
                    }
                    _ => {
                        let new = join(&join(at, "parameters"), &params.len().to_string());
                        params.push(self.parameter_use(p, &old));
                        self.moved(new, old);
                    }
                }
            }
        }
        for (key, value) in op {
            match key.as_str() {
                "parameters" | "consumes" | "produces" | "schemes" => {}
                "responses" => {
                    let mut responses = Map::new();
                    if let Value::Object(list) = value {
                        for (code, r) in list {
                            let old = join(&join(at, "responses"), code);
                            if code.starts_with("x-") || r.get("$ref").is_some() {
                                responses.insert(code.clone(), r.clone());
                            } else {
                                responses
                                    .insert(code.clone(), self.response(r, &produces, &old, &old));
                            }
                        }
                    }
                    out.insert(key.clone(), Value::Object(responses));
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        if !params.is_empty() {
            out.insert("parameters".into(), Value::Array(params));
        }
        if let Some(body) = self.request_body(&bodily, at, &consumes) {
            out.insert("requestBody".into(), body);
        }
        out.entry("responses").or_insert_with(|| json!({}));
        Value::Object(out)
    }

    /// The request body of an operation from its body or form parameters.
    fn request_body(
        &mut self,
        bodily: &[(Value, String)],
        at: &str,
        consumes: &[String],
    ) -> Option<Value> {
        let new = join(at, "requestBody");
        let mut body_params = Vec::new();
        let mut form = Vec::new();
        for (p, old) in bodily {
            let (target, target_at) = self.parameter_target(p);
            match target.get("in").and_then(Value::as_str) {
                Some("body") => body_params.push((p.clone(), target, old.clone())),
                _ => form.push((target, target_at.unwrap_or_else(|| old.clone()))),
            }
        }
        if body_params.len() > 1 || (!body_params.is_empty() && !form.is_empty()) {
            self.warn(
                &new,
                "several body parameters, or a body beside form fields (Swagger 2.0 allows one body); only the first body is used".to_owned(),
            );
        }
        if let Some((p, target, old)) = body_params.into_iter().next() {
            if let Some(reference) = p.get("$ref").and_then(Value::as_str) {
                if reference.starts_with("#/parameters/") {
                    return Some(p.clone());
                }
            }
            return Some(self.body(&target, consumes, &new, &old));
        }
        if form.is_empty() {
            return None;
        }
        let has_file = form
            .iter()
            .any(|(p, _)| p.get("type").and_then(Value::as_str) == Some("file"));
        let mut media: Vec<String> = consumes.iter().filter(|c| is_form(c)).cloned().collect();
        if has_file && !media.iter().any(|m| m.starts_with("multipart/form-data")) {
            media = vec!["multipart/form-data".to_owned()];
        }
        if media.is_empty() {
            media.push("application/x-www-form-urlencoded".to_owned());
        }
        let mut properties = Map::new();
        let mut required = Vec::new();
        let mut encoding = Map::new();
        for (p, old) in &form {
            let Some(name) = p.get("name").and_then(Value::as_str) else {
                continue;
            };
            let mut schema = self.simple_schema(p, old);
            if let (Value::Object(schema), Some(description)) = (&mut schema, p.get("description"))
            {
                schema.insert("description".into(), description.clone());
            }
            if p.get("required") == Some(&Value::Bool(true)) {
                required.push(Value::String(name.to_owned()));
            }
            if p.get("type").and_then(Value::as_str) == Some("array") {
                let format = p
                    .get("collectionFormat")
                    .and_then(Value::as_str)
                    .unwrap_or("csv");
                let (style, explode) = match format {
                    "multi" => ("form", true),
                    "ssv" => ("spaceDelimited", false),
                    "pipes" => ("pipeDelimited", false),
                    "tsv" => {
                        self.warn(old, format!("collectionFormat tsv of form field `{name}` (no OpenAPI 3.0 form); sent comma-separated"));
                        ("form", false)
                    }
                    _ => ("form", false),
                };
                encoding.insert(name.to_owned(), json!({"style": style, "explode": explode}));
            }
            properties.insert(name.to_owned(), schema);
            for m in &media {
                let new_at = join(
                    &join(
                        &join(&join(&join(&new, "content"), m), "schema"),
                        "properties",
                    ),
                    name,
                );
                self.moved(new_at, old.clone());
            }
        }
        let mut schema = json!({"type": "object", "properties": properties});
        if !required.is_empty() {
            schema["required"] = Value::Array(required.clone());
        }
        let mut content = Map::new();
        for m in media {
            let mut media_object = json!({ "schema": schema.clone() });
            if !encoding.is_empty() && m.starts_with("application/x-www-form-urlencoded") {
                media_object["encoding"] = Value::Object(encoding.clone());
            }
            content.insert(m, media_object);
        }
        let mut body = json!({ "content": content });
        if !required.is_empty() {
            body["required"] = json!(true);
        }
        Some(body)
    }

    /// A body parameter -> a request body object (at `new`; the parameter was at `old`).
    fn body(&mut self, p: &Value, consumes: &[String], new: &str, old: &str) -> Value {
        let schema_old = join(old, "schema");
        let schema = self.schema(p.get("schema").unwrap_or(&json!({})), &schema_old);
        let mut media: Vec<String> = consumes.to_vec();
        if media.is_empty() {
            media.push("application/json".to_owned());
        }
        let mut content = Map::new();
        for m in &media {
            content.insert(m.clone(), json!({ "schema": schema.clone() }));
            self.moved(
                join(&join(&join(new, "content"), m), "schema"),
                schema_old.clone(),
            );
        }
        let mut body = Map::new();
        if let Some(description) = p.get("description") {
            body.insert("description".into(), description.clone());
        }
        body.insert("content".into(), Value::Object(content));
        if p.get("required") == Some(&Value::Bool(true)) {
            body.insert("required".into(), json!(true));
        }
        copy_extensions(p, &mut body);
        Value::Object(body)
    }

    /// A query, path or header parameter (not body, not form).
    fn parameter(&mut self, p: &Value, at: &str) -> Value {
        let mut out = Map::new();
        for key in [
            "name",
            "in",
            "description",
            "required",
            "allowEmptyValue",
            "deprecated",
        ] {
            if let Some(v) = p.get(key) {
                out.insert(key.into(), v.clone());
            }
        }
        copy_extensions(p, &mut out);
        let location = p.get("in").and_then(Value::as_str).unwrap_or("");
        if location == "path" {
            out.insert("required".into(), json!(true));
        }
        out.insert("schema".into(), self.simple_schema(p, at));
        if p.get("type").and_then(Value::as_str) == Some("array") {
            let format = p
                .get("collectionFormat")
                .and_then(Value::as_str)
                .unwrap_or("csv");
            let name = p.get("name").and_then(Value::as_str).unwrap_or("");
            let (style, explode) = match (format, location) {
                ("multi", "query") => ("form", true),
                ("ssv", "query") => ("spaceDelimited", false),
                ("pipes", "query") => ("pipeDelimited", false),
                ("csv", "query") => ("form", false),
                ("csv", _) => ("simple", false),
                (other, _) => {
                    self.warn(
                        &join(at, "collectionFormat"),
                        format!("collectionFormat {other} of {location} parameter `{name}` (no OpenAPI 3.0 form); sent comma-separated"),
                    );
                    (
                        if location == "query" {
                            "form"
                        } else {
                            "simple"
                        },
                        false,
                    )
                }
            };
            out.insert("style".into(), json!(style));
            out.insert("explode".into(), json!(explode));
        }
        Value::Object(out)
    }
}
