//! Benchmark inputs: synthetic specs N times the size of the Inbox spec (renamed copies of its
//! schemas, operations, paths and events), written as YAML (like the original) and as JSON (for
//! the peers), plus JSON of any spec.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// Reads a YAML or JSON spec into a JSON value (through the generator's own loader).
pub fn read_value(path: &Path) -> Result<Value, String> {
    let bytes =
        fs::read(path).map_err(|e| format!("error: cannot read {}: {e}", path.display()))?;
    let loaded = codegen::load::parse(&path.display().to_string(), &bytes)
        .map_err(|d| format!("error: cannot load {}:\n{d}", path.display()))?;
    Ok(loaded.raw)
}

/// The spec `copies` times over: copy 0 is the original; copy k renames every component
/// schema `S` to `SCopyk` (and every `#/components/schemas/S` string, i.e. `$ref`s and the
/// events' payloads), every operationId `op` to `opCopyk`, every path `/a/b` to
/// `/copyk/a/b`, and every event type and slug. Shared components (responses, headers,
/// security schemes) and the event envelope stay single.
pub fn scaled(spec: &Value, copies: usize) -> Value {
    let mut out = spec.clone();
    if copies <= 1 {
        return out;
    }
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let paths = spec
        .get("paths")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let events = spec
        .pointer("/x-wix-events/events")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for k in 1..copies {
        let suffix = format!("Copy{k}");
        if let Some(target) = out
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
        {
            for (name, schema) in &schemas {
                target.insert(format!("{name}{suffix}"), renamed(schema, &suffix));
            }
        }
        if let Some(target) = out.get_mut("paths").and_then(Value::as_object_mut) {
            for (path, item) in &paths {
                let mut item = renamed(item, &suffix);
                rename_operation_ids(&mut item, &suffix);
                target.insert(format!("/copy{k}{path}"), item);
            }
        }
        if let Some(target) = out
            .pointer_mut("/x-wix-events/events")
            .and_then(Value::as_array_mut)
        {
            for event in &events {
                let mut event = renamed(event, &suffix);
                for key in ["eventType", "slug"] {
                    if let Some(Value::String(s)) = event.get_mut(key) {
                        s.push_str(&format!("_copy{k}"));
                    }
                }
                target.push(event);
            }
        }
    }
    out
}

/// A copy of `value` with every string `#/components/schemas/NAME[/...]` pointing at
/// `NAME{suffix}`.
fn renamed(value: &Value, suffix: &str) -> Value {
    match value {
        Value::String(s) => match s.strip_prefix(SCHEMA_PREFIX) {
            Some(rest) => {
                let (name, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
                Value::String(format!("{SCHEMA_PREFIX}{name}{suffix}{tail}"))
            }
            None => value.clone(),
        },
        Value::Array(items) => Value::Array(items.iter().map(|v| renamed(v, suffix)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), renamed(v, suffix)))
                .collect::<Map<String, Value>>(),
        ),
        _ => value.clone(),
    }
}

fn rename_operation_ids(path_item: &mut Value, suffix: &str) {
    let Some(item) = path_item.as_object_mut() else {
        return;
    };
    for operation in item.values_mut() {
        if let Some(Value::String(id)) = operation.get_mut("operationId") {
            id.push_str(suffix);
        }
    }
}

/// Block-style YAML for a JSON value. Every string and key is written as a JSON string (a
/// valid YAML double-quoted scalar), so no YAML quoting rule can bite.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    write_yaml(value, 0, &mut out);
    out
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::Null => Some("null".to_owned()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(Value::String(s.clone()).to_string()),
        Value::Array(a) if a.is_empty() => Some("[]".to_owned()),
        Value::Object(o) if o.is_empty() => Some("{}".to_owned()),
        _ => None,
    }
}

fn write_yaml(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                out.push_str(&pad);
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                match scalar(v) {
                    Some(s) => {
                        out.push(' ');
                        out.push_str(&s);
                        out.push('\n');
                    }
                    None => {
                        out.push('\n');
                        write_yaml(v, indent + 2, out);
                    }
                }
            }
        }
        Value::Array(items) => {
            for v in items {
                out.push_str(&pad);
                out.push('-');
                match scalar(v) {
                    Some(s) => {
                        out.push(' ');
                        out.push_str(&s);
                        out.push('\n');
                    }
                    None => {
                        out.push('\n');
                        write_yaml(v, indent + 2, out);
                    }
                }
            }
        }
        other => {
            out.push_str(&pad);
            out.push_str(&scalar(other).unwrap_or_default());
            out.push('\n');
        }
    }
}

/// The input without its `default` responses (progenitor 0.15 cannot generate an operation
/// whose `default` response has another type than its success response), as JSON in `dir`.
pub fn without_default_responses(input: &Input, dir: &Path) -> Result<Input, String> {
    let mut value = read_value(&input.json)?;
    if let Some(paths) = value.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for operation in item.values_mut() {
                if let Some(responses) = operation
                    .get_mut("responses")
                    .and_then(Value::as_object_mut)
                {
                    responses.remove("default");
                }
            }
        }
    }
    let label = format!("{}-nodefault", input.label);
    let json = dir.join(format!("{label}.json"));
    let text = serde_json::to_string_pretty(&value).unwrap_or_default();
    write_if_changed(&json, &text)?;
    Ok(Input {
        label,
        spec: json.clone(),
        json,
        schemas: input.schemas,
        operations: input.operations,
        bytes: text.len() as u64,
    })
}

/// One benchmark input on disk, in both syntaxes.
#[derive(Debug, Clone)]
pub struct Input {
    /// Short label (`inbox`, `inbox-x10`, `github`).
    pub label: String,
    /// The file our generator reads (YAML for the Inbox family).
    pub spec: PathBuf,
    /// The same document as JSON (what the peers read).
    pub json: PathBuf,
    /// Component schemas.
    pub schemas: usize,
    /// Operations (method + path pairs).
    pub operations: usize,
    /// Size of `spec` in bytes.
    pub bytes: u64,
}

/// Counts component schemas and operations of a spec value.
pub fn counts(spec: &Value) -> (usize, usize) {
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map_or(0, Map::len);
    let methods = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let operations = spec
        .get("paths")
        .and_then(Value::as_object)
        .map_or(0, |paths| {
            paths
                .values()
                .filter_map(Value::as_object)
                .map(|item| {
                    item.keys()
                        .filter(|k| methods.contains(&k.as_str()))
                        .count()
                })
                .sum()
        });
    (schemas, operations)
}

fn write_if_changed(path: &Path, contents: &str) -> Result<(), String> {
    if fs::read_to_string(path).ok().as_deref() == Some(contents) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| format!("error: cannot create {}: {e}", parent.display()))?;
    }
    fs::write(path, contents).map_err(|e| format!("error: cannot write {}: {e}", path.display()))
}

/// An input for an existing spec file, with a JSON copy in `dir` when it is not JSON already.
pub fn existing(label: &str, spec: &Path, dir: &Path) -> Result<Input, String> {
    let value = read_value(spec)?;
    let json = if spec.extension().is_some_and(|e| e == "json") {
        spec.to_path_buf()
    } else {
        let json = dir.join(format!("{label}.json"));
        write_if_changed(
            &json,
            &serde_json::to_string_pretty(&value).unwrap_or_default(),
        )?;
        json
    };
    let (schemas, operations) = counts(&value);
    let bytes = fs::metadata(spec).map(|m| m.len()).unwrap_or(0);
    Ok(Input {
        label: label.to_owned(),
        spec: spec.to_path_buf(),
        json,
        schemas,
        operations,
        bytes,
    })
}

/// The Inbox spec scaled `copies` times, written to `dir` as YAML and JSON.
pub fn synthetic(inbox: &Value, copies: usize, dir: &Path) -> Result<Input, String> {
    let label = format!("inbox-x{copies}");
    let value = scaled(inbox, copies);
    let yaml = dir.join(format!("{label}.yaml"));
    let json = dir.join(format!("{label}.json"));
    let text = to_yaml(&value);
    write_if_changed(&yaml, &text)?;
    write_if_changed(
        &json,
        &serde_json::to_string_pretty(&value).unwrap_or_default(),
    )?;
    let (schemas, operations) = counts(&value);
    Ok(Input {
        label,
        spec: yaml,
        json,
        schemas,
        operations,
        bytes: text.len() as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn copies_rename_schemas_refs_operations_and_paths() {
        let spec = json!({
            "paths": {"/a": {"get": {"operationId": "getA", "responses": {"200": {"content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}}},
            "components": {"schemas": {"A": {"properties": {"b": {"$ref": "#/components/schemas/B/properties/x"}}}, "B": {}}},
        });
        let out = scaled(&spec, 3);
        assert_eq!(counts(&out), (6, 3));
        assert_eq!(
            out.pointer("/paths/~1copy2~1a/get/operationId"),
            Some(&json!("getACopy2"))
        );
        assert_eq!(
            out.pointer("/components/schemas/ACopy1/properties/b/$ref"),
            Some(&json!("#/components/schemas/BCopy1/properties/x"))
        );
    }

    #[test]
    fn warning_kinds_blank_names_and_nested_parentheses() {
        use crate::bench::phases::warning_kind;
        assert_eq!(
            warning_kind("response body of type text/html (only JSON; the method returns `()`)"),
            "response body of type text/html (…)"
        );
        assert_eq!(
            warning_kind("properties `-1` and `+1` collide"),
            "properties `…` and `…` collide"
        );
    }

    #[test]
    fn yaml_round_trips_through_the_loader() {
        let spec = json!({"openapi": "3.0.3", "info": {"title": "t: \"x\"\n", "version": "1"},
            "paths": {}, "x-list": [{"a": [1, 2.5, true, null]}, [], {}, "s"]});
        let yaml = to_yaml(&spec);
        let loaded = codegen::load::parse("t.yaml", yaml.as_bytes()).unwrap();
        assert_eq!(loaded.raw, spec);
    }
}
