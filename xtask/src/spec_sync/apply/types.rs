//! Edits of `components/schemas`: new schemas, enum values, one-of groups, required lists and
//! properties, rendered from the SDK's model and merged into what the spec has.

use serde_json::Value;

use super::super::model::{Body, Field, Model, Shape, Type};
use super::super::spec::is_sdk_format;
use super::{description_or, schema_path, with, Edit, Position, Seg, J};

/// A whole new schema for an SDK type.
pub(super) fn render_type(key: &str, t: &Type) -> J {
    let mut out = Vec::new();
    let description = description_or(&t.description, || {
        format!("{} (no description in the SDK).", t.wix_name)
    });
    match &t.body {
        Body::Enum { values } => {
            out.push(("type".into(), J::str("string")));
            out.push(("description".into(), J::Str(description)));
            if key != t.wix_name {
                out.push(("x-wix-type-name".into(), J::str(t.wix_name.clone())));
            }
            out.push((
                "enum".into(),
                J::Arr(values.iter().map(|(v, _)| J::str(v.clone())).collect()),
            ));
            out.push((
                "x-enum-descriptions".into(),
                J::Obj(
                    values
                        .iter()
                        .map(|(v, d)| (v.clone(), J::Str(description_or(d, || v.clone()))))
                        .collect(),
                ),
            ));
        }
        Body::Object { fields, oneofs } => {
            out.push(("type".into(), J::str("object")));
            out.push(("description".into(), J::Str(description)));
            if key != t.wix_name {
                out.push(("x-wix-type-name".into(), J::str(t.wix_name.clone())));
            }
            if let Some(p) = &t.package {
                out.push(("x-wix-package".into(), J::str(p.clone())));
            }
            let required = required_list(fields, oneofs);
            if !required.is_empty() {
                out.push((
                    "required".into(),
                    J::Arr(required.into_iter().map(J::Str).collect()),
                ));
            }
            if !oneofs.is_empty() {
                out.push(("x-oneof".into(), render_oneofs(oneofs)));
            }
            out.push((
                "properties".into(),
                J::Obj(
                    fields
                        .iter()
                        .map(|f| (f.name.clone(), render_field(f)))
                        .collect(),
                ),
            ));
        }
    }
    J::Obj(out)
}

pub(super) fn render_oneofs(oneofs: &[(String, Vec<String>)]) -> J {
    J::Obj(
        oneofs
            .iter()
            .map(|(g, m)| {
                (
                    g.clone(),
                    J::Arr(m.iter().map(|x| J::str(x.clone())).collect()),
                )
            })
            .collect(),
    )
}

/// Required fields: the SDK's, never a one-of member or a read-only field.
pub(super) fn required_list(fields: &[Field], oneofs: &[(String, Vec<String>)]) -> Vec<String> {
    fields
        .iter()
        .filter(|f| f.required && !f.read_only && !oneofs.iter().any(|(_, m)| m.contains(&f.name)))
        .map(|f| f.name.clone())
        .collect()
}

/// The schema keywords of a value shape (no description).
pub(super) fn render_shape(shape: &Shape, f: &Field, top: bool) -> Vec<(String, J)> {
    let mut out = Vec::new();
    let string_limits = |out: &mut Vec<(String, J)>| {
        if let Some(format) = &f.format {
            out.push(("format".into(), J::str(format.clone())));
        }
        for (name, value) in f.limits.entries() {
            if matches!(name, "maxLength" | "minLength") {
                if let Some(v) = value {
                    out.push((name.into(), J::Num(v)));
                }
            }
        }
    };
    match shape {
        Shape::String => {
            out.push(("type".into(), J::str("string")));
            string_limits(&mut out);
        }
        Shape::Number => {
            out.push(("type".into(), J::str("number")));
            for (name, value) in f.limits.entries() {
                if matches!(name, "maximum" | "minimum") {
                    if let Some(v) = value {
                        out.push((name.into(), J::Num(v)));
                    }
                }
            }
        }
        Shape::Boolean => out.push(("type".into(), J::str("boolean"))),
        Shape::DateTime => {
            out.push(("type".into(), J::str("string")));
            out.push(("format".into(), J::str("date-time")));
        }
        Shape::Any => {
            out.push(("type".into(), J::str("object")));
            out.push(("additionalProperties".into(), J::Bool(true)));
        }
        Shape::Ref(name) | Shape::JsonString(name) => {
            let reference = J::Obj(vec![(
                "$ref".into(),
                J::Str(format!("#/components/schemas/{name}")),
            )]);
            if top {
                out.push(("allOf".into(), J::Arr(vec![reference])));
            } else {
                return vec![(
                    "$ref".into(),
                    J::Str(format!("#/components/schemas/{name}")),
                )];
            }
        }
        Shape::Array(inner) => {
            out.push(("type".into(), J::str("array")));
            for (name, value) in f.limits.entries() {
                if matches!(name, "maxItems" | "minItems") {
                    if let Some(v) = value {
                        out.push((name.into(), J::Num(v)));
                    }
                }
            }
            out.push(("items".into(), J::Obj(render_shape(inner, f, false))));
        }
        Shape::Map(inner) => {
            out.push(("type".into(), J::str("object")));
            out.push((
                "additionalProperties".into(),
                J::Obj(render_shape(inner, f, false)),
            ));
        }
    }
    out
}

/// A whole new property for an SDK field.
pub(super) fn render_field(f: &Field) -> J {
    let mut out = render_shape(&f.shape, f, true);
    if f.read_only {
        out.push(("readOnly".into(), J::Bool(true)));
    }
    if f.nullable {
        out.push(("nullable".into(), J::Bool(true)));
    }
    if let Some(d) = &f.deprecation {
        out.push(("deprecated".into(), J::Bool(true)));
        if let Some(date) = &d.removal_date {
            out.push(("x-target-removal-date".into(), J::str(date.clone())));
        }
        if let Some(r) = &d.replaced_by {
            out.push(("x-replaced-by".into(), J::str(r.clone())));
        }
    }
    out.push((
        "description".into(),
        J::Str(description_or(&f.description, || {
            format!("`{}` (no description in the SDK).", f.name)
        })),
    ));
    J::Obj(out)
}

pub(super) fn type_edits(
    edits: &mut Vec<Edit>,
    key: &str,
    sdk: Option<&Type>,
    base: &Value,
    spec: &Model,
) {
    let path = schema_path(key);
    let existing = base.pointer(&format!(
        "/components/schemas/{}",
        super::super::spec::escape(key)
    ));
    let (Some(s), Some(existing)) = (sdk, existing) else {
        match sdk {
            Some(s) => edits.push(Edit::Set(path, render_type(key, s), Some(Position::Sorted))),
            None => edits.push(Edit::Delete(path)),
        }
        return;
    };
    let Some(p) = spec.types.get(key) else { return };
    match (&s.body, &p.body) {
        (Body::Enum { values }, Body::Enum { values: old }) => {
            let list = J::Arr(values.iter().map(|(v, _)| J::str(v.clone())).collect());
            if existing.get("enum") != Some(&list.to_value()) {
                edits.push(Edit::Set(with(path.clone(), "enum"), list, None));
            }
            if existing.get("x-enum-descriptions").is_some() {
                let dpath = with(path.clone(), "x-enum-descriptions");
                let mut previous: Option<String> = None;
                for (v, d) in values {
                    if !old.iter().any(|(o, _)| o == v) {
                        let position = previous.clone().map(Position::After);
                        edits.push(Edit::Set(
                            with(dpath.clone(), v),
                            J::Str(description_or(d, || v.clone())),
                            position,
                        ));
                    }
                    previous = Some(v.clone());
                }
                for (o, _) in old {
                    if !values.iter().any(|(v, _)| v == o) {
                        edits.push(Edit::Delete(with(dpath.clone(), o)));
                    }
                }
            }
        }
        (Body::Object { oneofs, fields }, Body::Object { oneofs: old, .. }) => {
            if oneofs != old {
                if oneofs.is_empty() {
                    edits.push(Edit::Delete(with(path.clone(), "x-oneof")));
                } else {
                    edits.push(Edit::Set(
                        with(path.clone(), "x-oneof"),
                        render_oneofs(oneofs),
                        Some(Position::After("description".into())),
                    ));
                }
            }
            let _ = fields;
        }
        _ => edits.push(Edit::Set(path, render_type(key, s), None)),
    }
    if s.wix_name != p.wix_name {
        if s.wix_name == key {
            edits.push(Edit::Delete(with(schema_path(key), "x-wix-type-name")));
        } else {
            edits.push(Edit::Set(
                with(schema_path(key), "x-wix-type-name"),
                J::str(s.wix_name.clone()),
                None,
            ));
        }
    }
}

/// Keys of a property that come from the SDK's type (rewritten when the type changes).
const SHAPE_KEYS: [&str; 11] = [
    "$ref",
    "allOf",
    "type",
    "items",
    "additionalProperties",
    "format",
    "x-json-string",
    "pattern",
    "properties",
    "maxLength",
    "minLength",
];

pub(super) fn field_edits(edits: &mut Vec<Edit>, key: &str, name: &str, s: &Type, base: &Value) {
    let props = with(schema_path(key), "properties");
    let Body::Object { fields, .. } = &s.body else {
        return;
    };
    let existing = base.pointer(&format!(
        "/components/schemas/{}/properties/{}",
        super::super::spec::escape(key),
        super::super::spec::escape(name)
    ));
    let sdk_field = fields.iter().find(|f| f.name == name);
    let path = with(props.clone(), name);
    let (Some(f), Some(existing)) = (sdk_field, existing) else {
        match sdk_field {
            Some(f) => {
                // After the closest preceding SDK field the spec has.
                let index = fields.iter().position(|x| x.name == name).unwrap_or(0);
                let spec_props = base.pointer(&format!(
                    "/components/schemas/{}/properties",
                    super::super::spec::escape(key)
                ));
                let after = fields[..index]
                    .iter()
                    .rev()
                    .find(|x| spec_props.and_then(|p| p.get(&x.name)).is_some())
                    .map(|x| Position::After(x.name.clone()));
                if spec_props.is_none() {
                    edits.push(Edit::Set(
                        props,
                        J::Obj(vec![(name.to_owned(), render_field(f))]),
                        None,
                    ));
                } else {
                    edits.push(Edit::Set(path, render_field(f), after));
                }
            }
            None => edits.push(Edit::Delete(path)),
        }
        return;
    };
    let spec_field = super::super::spec::model(&wrap_schema(key, existing, name));
    let Some(Type {
        body: Body::Object { fields: pf, .. },
        ..
    }) = spec_field.types.get(key)
    else {
        return;
    };
    let Some(p) = pf.first() else { return };
    let deviates = p.deviation.is_some();
    let set = |edits: &mut Vec<Edit>, k: &str, v: Option<J>| set_key(edits, &path, existing, k, v);
    if !p.shape.matches_sdk(&f.shape) {
        let rendered = render_shape(&f.shape, f, true);
        for k in SHAPE_KEYS {
            let keep_refinement = k == "format"
                && f.format.is_none()
                && existing
                    .get("format")
                    .and_then(Value::as_str)
                    .is_some_and(|x| !is_sdk_format(x))
                && matches!(f.shape, Shape::String | Shape::DateTime)
                && matches!(p.shape, Shape::String | Shape::DateTime);
            if keep_refinement {
                continue;
            }
            set(
                edits,
                k,
                rendered
                    .iter()
                    .find(|(x, _)| x == k)
                    .map(|(_, v)| v.clone()),
            );
        }
        for (k, v) in &rendered {
            if !SHAPE_KEYS.contains(&k.as_str()) {
                set(edits, k, Some(v.clone()));
            }
        }
    } else {
        // Same shape: formats and limits, on the items of a list of strings.
        let on_items = matches!(f.shape, Shape::Array(_)) && existing.get("items").is_some();
        let inner_path = if on_items {
            with(path.clone(), "items")
        } else {
            path.clone()
        };
        let inner = if on_items {
            existing.get("items").unwrap_or(existing)
        } else {
            existing
        };
        let set_in =
            |edits: &mut Vec<Edit>, k: &str, v: Option<J>| set_key(edits, &inner_path, inner, k, v);
        if f.format != p.format && !(deviates && f.format.is_none()) {
            set_in(edits, "format", f.format.clone().map(J::Str));
        }
        for ((k, sv), (_, pv)) in f.limits.entries().into_iter().zip(p.limits.entries()) {
            if sv == pv || (deviates && sv.is_none()) {
                continue;
            }
            if matches!(k, "maxItems" | "minItems") {
                set(edits, k, sv.map(J::Num));
            } else {
                set_in(edits, k, sv.map(J::Num));
            }
        }
    }
    if f.nullable != p.nullable {
        set(edits, "nullable", f.nullable.then_some(J::Bool(true)));
    }
    if f.read_only != p.read_only && !(deviates && p.read_only) {
        set(edits, "readOnly", f.read_only.then_some(J::Bool(true)));
    }
    if f.deprecation != p.deprecation {
        let d = f.deprecation.clone();
        set(edits, "deprecated", d.as_ref().map(|_| J::Bool(true)));
        set(
            edits,
            "x-target-removal-date",
            d.as_ref().and_then(|d| d.removal_date.clone()).map(J::Str),
        );
        set(
            edits,
            "x-replaced-by",
            d.as_ref().and_then(|d| d.replaced_by.clone()).map(J::Str),
        );
    }
}

/// Sets (or, with `None`, removes) `k` in the mapping `current` at `path`, when it differs.
fn set_key(edits: &mut Vec<Edit>, path: &[Seg], current: &Value, k: &str, v: Option<J>) {
    let path = path.to_vec();
    match (v, current.get(k)) {
        (Some(v), Some(c)) if v.to_value() == *c => {}
        (Some(v), _) => edits.push(Edit::Set(with(path, k), v, None)),
        (None, Some(_)) => edits.push(Edit::Delete(with(path, k))),
        (None, None) => {}
    }
}

/// A one-property document, to read one property with the spec reader.
fn wrap_schema(key: &str, prop: &Value, name: &str) -> Value {
    serde_json::json!({"components": {"schemas": {key: {"type": "object", "properties": {name: prop}}}}})
}

pub(super) fn required_edits(edits: &mut Vec<Edit>, key: &str, s: &Type, p: &Type, base: &Value) {
    let (Body::Object { fields, oneofs }, Body::Object { fields: pf, .. }) = (&s.body, &p.body)
    else {
        return;
    };
    let Some(existing) = base.pointer(&format!(
        "/components/schemas/{}",
        super::super::spec::escape(key)
    )) else {
        return;
    };
    let current: Vec<String> = existing
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let sdk_required = required_list(fields, oneofs);
    // Keep the spec's order; drop what is no longer required; add the SDK's new ones.
    let mut desired: Vec<String> = current
        .iter()
        .filter(|name| {
            sdk_required.contains(name)
                || (pf.iter().any(|f| &f.name == *name && f.deviation.is_some())
                    && fields.iter().any(|f| &f.name == *name))
        })
        .cloned()
        .collect();
    for name in sdk_required {
        if !desired.contains(&name) {
            desired.push(name);
        }
    }
    if desired == current {
        return;
    }
    let path = with(schema_path(key), "required");
    if desired.is_empty() {
        edits.push(Edit::Delete(path));
    } else {
        edits.push(Edit::Set(
            path,
            J::Arr(desired.into_iter().map(J::Str).collect()),
            Some(Position::After("description".into())),
        ));
    }
}
