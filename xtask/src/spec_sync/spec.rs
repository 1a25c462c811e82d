//! An OpenAPI spec (as JSON) -> [`Model`]: what the spec says about each operation, type, field
//! and event, in the terms the SDK uses. The spec's conventions are in `spec/README.md`.

use serde_json::Value;

use super::model::{Body, Deprecation, Event, Field, Limits, Model, Operation, Shape, Type};

/// HTTP methods an operation can sit under.
pub const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Formats that come from the SDK's `@format` tags and are compared; other formats
/// (`int64`, `int32`, `date-time`, ...) refine the SDK's types and are the spec's own.
pub fn is_sdk_format(format: &str) -> bool {
    !matches!(
        format,
        "int64" | "int32" | "date-time" | "date" | "double" | "float" | "byte" | "binary"
    )
}

/// Escapes one JSON pointer segment (RFC 6901).
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// A JSON pointer from segments.
pub fn pointer(segments: &[&str]) -> String {
    segments.iter().fold(String::from("#"), |mut out, s| {
        out.push('/');
        out.push_str(&escape(s));
        out
    })
}

/// The schema key a `$ref` (or a one-member `allOf` around one) names.
pub fn ref_target(node: &Value) -> Option<String> {
    if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
        return reference.rsplit('/').next().map(str::to_owned);
    }
    match node.get("allOf").and_then(Value::as_array) {
        Some(list) if list.len() == 1 => ref_target(&list[0]),
        _ => None,
    }
}

fn text(node: &Value, key: &str) -> Option<String> {
    match node.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The wix name of a schema: `x-wix-type-name`, else its key.
pub fn wix_name(key: &str, schema: &Value) -> String {
    text(schema, "x-wix-type-name").unwrap_or_else(|| key.to_owned())
}

/// Reads the spec.
pub fn model(spec: &Value) -> Model {
    let mut model = Model::default();
    if let Some(schemas) = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (key, schema) in schemas {
            model.types.insert(key.clone(), read_type(key, schema));
        }
    }
    if let Some(paths) = spec.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let Some(id) = text(op, "operationId") else {
                    continue;
                };
                let at = pointer(&["paths", path, method]);
                model
                    .operations
                    .insert(id, read_operation(path, method, op, at));
            }
        }
    }
    if let Some(events) = spec
        .pointer("/x-wix-events/events")
        .and_then(Value::as_array)
    {
        for (i, entry) in events.iter().enumerate() {
            let Some(event_type) = text(entry, "eventType") else {
                continue;
            };
            let payload = text(entry, "payload");
            model.events.insert(
                event_type,
                Event {
                    slug: text(entry, "slug").unwrap_or_default(),
                    payload: payload.map(|p| p.rsplit('/').next().unwrap_or("").to_owned()),
                    entity_fqdn: text(entry, "entityFqdn"),
                    permission: text(entry, "permission"),
                    description: text(entry, "description").unwrap_or_default(),
                    spec_only: text(entry, "x-spec-only"),
                    at: format!("#/x-wix-events/events/{i}"),
                },
            );
        }
    }
    model
}

fn read_operation(path: &str, method: &str, op: &Value, at: String) -> Operation {
    let params: Vec<&Value> = op
        .get("parameters")
        .and_then(Value::as_array)
        .map(|list| list.iter().collect())
        .unwrap_or_default();
    let param_names = |location: &str| -> Vec<String> {
        params
            .iter()
            .filter(|p| p.get("in").and_then(Value::as_str) == Some(location))
            .filter_map(|p| text(p, "name"))
            .collect()
    };
    let body_ref = op
        .pointer("/requestBody/content/application~1json/schema")
        .and_then(ref_target);
    let response = op
        .pointer("/responses/200/content/application~1json/schema")
        .and_then(ref_target);
    let errors = op
        .get("x-wix-application-errors")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|e| {
                    Some((text(e, "code")?, text(e, "description").unwrap_or_default()))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut path_params = template_params(path);
    // Keep the template's order; a template parameter not declared is still a path parameter.
    path_params.dedup();
    Operation {
        method: method.to_uppercase(),
        path: path.to_owned(),
        path_params,
        query_params: param_names("query"),
        request: text(op, "x-wix-request-schema").or(body_ref),
        response,
        permission: text(op, "x-wix-permission"),
        method_fqn: text(op, "x-wix-method-fqn"),
        errors,
        description: text(op, "description").unwrap_or_default(),
        at,
        package: None,
    }
}

/// The `{name}` parameters of a path template, in order.
pub fn template_params(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

fn read_type(key: &str, schema: &Value) -> Type {
    let at = pointer(&["components", "schemas", key]);
    let body = if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let descriptions = schema.get("x-enum-descriptions");
        Body::Enum {
            values: values
                .iter()
                .filter_map(|v| v.as_str())
                .map(|v| {
                    let d = descriptions
                        .and_then(|d| d.get(v))
                        .and_then(Value::as_str)
                        .unwrap_or("");
                    (v.to_owned(), d.to_owned())
                })
                .collect(),
        }
    } else {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let fields = schema
            .get("properties")
            .and_then(Value::as_object)
            .map(|props| {
                props
                    .iter()
                    .map(|(name, prop)| {
                        let mut field =
                            read_field(name, prop, &format!("{at}/properties/{}", escape(name)));
                        field.required = required.contains(&name.as_str());
                        field
                    })
                    .collect()
            })
            .unwrap_or_default();
        let oneofs = schema
            .get("x-oneof")
            .and_then(Value::as_object)
            .map(|groups| {
                groups
                    .iter()
                    .map(|(g, members)| {
                        let members = members
                            .as_array()
                            .map(|m| {
                                m.iter()
                                    .filter_map(Value::as_str)
                                    .map(str::to_owned)
                                    .collect()
                            })
                            .unwrap_or_default();
                        (g.clone(), members)
                    })
                    .collect()
            })
            .unwrap_or_default();
        Body::Object { fields, oneofs }
    };
    Type {
        wix_name: wix_name(key, schema),
        package: text(schema, "x-wix-package"),
        description: text(schema, "description").unwrap_or_default(),
        body,
        spec_only: text(schema, "x-spec-only"),
        at,
    }
}

/// The shape of a property or items schema.
pub fn shape(node: &Value) -> Shape {
    if let Some(target) = ref_target(node) {
        return Shape::Ref(target);
    }
    match node.get("type").and_then(Value::as_str) {
        Some("string") => {
            if let Some(target) = text(node, "x-json-string") {
                Shape::JsonString(target)
            } else if node.get("format").and_then(Value::as_str) == Some("date-time") {
                Shape::DateTime
            } else {
                Shape::String
            }
        }
        Some("integer" | "number") => Shape::Number,
        Some("boolean") => Shape::Boolean,
        Some("array") => Shape::Array(Box::new(node.get("items").map(shape).unwrap_or(Shape::Any))),
        Some("object") | None => match node.get("additionalProperties") {
            Some(inner @ Value::Object(_)) if node.get("properties").is_none() => {
                Shape::Map(Box::new(shape(inner)))
            }
            _ => Shape::Any,
        },
        Some(_) => Shape::Any,
    }
}

fn number(node: &Value, key: &str) -> Option<f64> {
    node.get(key).and_then(Value::as_f64)
}

fn read_field(name: &str, prop: &Value, at: &str) -> Field {
    let items = prop.get("items");
    // String limits and formats of a list of strings sit on its items.
    let inner = match items {
        Some(items) if prop.get("type").and_then(Value::as_str) == Some("array") => items,
        _ => prop,
    };
    let format = text(inner, "format")
        .or_else(|| text(prop, "format"))
        .filter(|f| is_sdk_format(f));
    let limits = Limits {
        max_length: number(inner, "maxLength"),
        min_length: number(inner, "minLength"),
        max_items: number(prop, "maxItems"),
        min_items: number(prop, "minItems"),
        maximum: number(inner, "maximum"),
        minimum: number(inner, "minimum"),
    };
    let deprecation =
        (prop.get("deprecated").and_then(Value::as_bool) == Some(true)).then(|| Deprecation {
            removal_date: text(prop, "x-target-removal-date"),
            replaced_by: text(prop, "x-replaced-by"),
        });
    Field {
        name: name.to_owned(),
        shape: shape(prop),
        nullable: prop.get("nullable").and_then(Value::as_bool) == Some(true),
        read_only: prop.get("readOnly").and_then(Value::as_bool) == Some(true),
        required: false,
        format,
        limits,
        deprecation,
        description: text(prop, "description").unwrap_or_default(),
        spec_only: text(prop, "x-spec-only"),
        deviation: text(prop, "x-sdk-deviation"),
        at: at.to_owned(),
    }
}
