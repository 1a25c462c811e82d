//! `--apply`: turn differences into edits of the spec's YAML, and hand them to the node tool
//! (`tools/wix-sdk/cli.mjs apply`), which splices each edit into the text so that every byte of
//! what is not edited stays as it was (order, comments, quoting, flow or block style).
//!
//! Edits are as small as the change: a new field is one `set` of that property; a changed
//! format is one `set` of `format`; a removed enum value rewrites the `enum` list and removes its
//! entry from `x-enum-descriptions`. What a person wrote stays: descriptions, examples, HTTP
//! statuses of error codes, `x-` conventions, and refinements the SDK cannot express (`int64`,
//! `date-time`, patterns, defaults). A new item takes its description from the SDK's JSDoc.

use std::collections::BTreeSet;
use std::path::Path;

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::Value;

use super::diff::{Difference, Target};
use super::model::{Body, Event, Field, Model, Operation, Shape, Type};
use super::sdk::{Package, SdkModel};
use super::spec::{is_sdk_format, ref_target};

/// A JSON value whose objects keep their key order (serde_json's map here sorts keys).
#[derive(Debug, Clone, PartialEq)]
pub enum J {
    /// `true` / `false`.
    Bool(bool),
    /// A number.
    Num(f64),
    /// A string.
    Str(String),
    /// A list.
    Arr(Vec<J>),
    /// An object, in key order.
    Obj(Vec<(String, J)>),
}

impl Serialize for J {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            J::Bool(b) => s.serialize_bool(*b),
            J::Num(n) if n.fract() == 0.0 && n.abs() < 9e15 => s.serialize_i64(*n as i64),
            J::Num(n) => s.serialize_f64(*n),
            J::Str(t) => s.serialize_str(t),
            J::Arr(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            J::Obj(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

impl J {
    fn str(s: impl Into<String>) -> J {
        J::Str(s.into())
    }

    fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    fn from_value(v: &Value) -> J {
        match v {
            Value::Null => J::Str(String::new()),
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => J::Num(n.as_f64().unwrap_or(0.0)),
            Value::String(s) => J::Str(s.clone()),
            Value::Array(a) => J::Arr(a.iter().map(J::from_value).collect()),
            Value::Object(m) => J::Obj(
                m.iter()
                    .map(|(k, v)| (k.clone(), J::from_value(v)))
                    .collect(),
            ),
        }
    }
}

/// One path segment: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq)]
pub enum Seg {
    /// Mapping key.
    Key(String),
    /// Sequence index.
    Index(usize),
}

impl Serialize for Seg {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Seg::Key(k) => s.serialize_str(k),
            Seg::Index(i) => s.serialize_u64(*i as u64),
        }
    }
}

/// Where a new key goes in its mapping.
#[derive(Debug, Clone, PartialEq)]
pub enum Position {
    /// Right after this key (or first, when the key is absent... then at the end).
    After(String),
    /// Among the keys in sorted order.
    Sorted,
}

/// One edit of the YAML document.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Set (replace or insert) the value at a path.
    Set(Vec<Seg>, J, Option<Position>),
    /// Remove the pair or item at a path.
    Delete(Vec<Seg>),
}

impl Serialize for Edit {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        match self {
            Edit::Set(path, value, position) => {
                map.serialize_entry("op", "set")?;
                map.serialize_entry("path", path)?;
                map.serialize_entry("value", value)?;
                match position {
                    Some(Position::After(k)) => map.serialize_entry(
                        "position",
                        &J::Obj(vec![("after".into(), J::str(k.clone()))]),
                    )?,
                    Some(Position::Sorted) => map.serialize_entry(
                        "position",
                        &J::Obj(vec![("sorted".into(), J::Bool(true))]),
                    )?,
                    None => {}
                }
            }
            Edit::Delete(path) => {
                map.serialize_entry("op", "delete")?;
                map.serialize_entry("path", path)?;
            }
        }
        map.end()
    }
}

fn keys(path: &[&str]) -> Vec<Seg> {
    path.iter().map(|k| Seg::Key((*k).to_owned())).collect()
}

fn with(mut path: Vec<Seg>, key: &str) -> Vec<Seg> {
    path.push(Seg::Key(key.to_owned()));
    path
}

/// The YAML a spec derived from scratch starts from: Wix's host, authentication, error
/// envelope and error responses, which every Wix REST API shares.
pub fn skeleton(packages: &[Package]) -> String {
    let title = packages
        .first()
        .map(|p| {
            p.name
                .trim_start_matches("@wix/auto_sdk_")
                .replace('_', " ")
        })
        .unwrap_or_else(|| "Wix".into());
    let mut listed = String::new();
    for p in packages {
        listed.push_str(&format!(
            "    - name: '{}'\n      version: '{}'\n",
            p.name, p.version
        ));
    }
    include_str!("skeleton.yaml")
        .replace("{title}", &title)
        .replace("{packages}\n", &listed)
}

/// The edits that make the spec `base` agree with the SDK on every difference.
pub fn plan(
    differences: &[Difference],
    sdk: &SdkModel,
    base: &Value,
    packages: &[Package],
) -> Vec<Edit> {
    let spec = super::spec::model(base);
    let mut edits = Vec::new();
    let targets: BTreeSet<&Target> = differences.iter().map(|d| &d.target).collect();
    let mut required_of: BTreeSet<String> = BTreeSet::new();
    let sdk_model = &sdk.model;
    for target in &targets {
        match target {
            Target::Type(key) => {
                type_edits(&mut edits, key, sdk_model.types.get(key), base, &spec);
                required_of.insert(key.clone());
            }
            Target::Field(key, name) => {
                if let (Some(s), true) = (sdk_model.types.get(key), spec.types.contains_key(key)) {
                    field_edits(&mut edits, key, name, s, base);
                    required_of.insert(key.clone());
                }
            }
            Target::Operation(id) => operation_edits(&mut edits, id, sdk_model, &spec, base),
            Target::Event(_) => {}
        }
    }
    for key in required_of {
        if let (Some(s), Some(p)) = (sdk_model.types.get(&key), spec.types.get(&key)) {
            required_edits(&mut edits, &key, s, p, base);
        }
    }
    let event_targets: Vec<&String> = targets
        .iter()
        .filter_map(|t| match t {
            Target::Event(e) => Some(e),
            _ => None,
        })
        .collect();
    if !event_targets.is_empty() {
        event_edits(&mut edits, &event_targets, sdk_model, &spec, base);
    }
    // Record the packages the spec now follows.
    let listed = J::Arr(
        packages
            .iter()
            .map(|p| {
                J::Obj(vec![
                    ("name".into(), J::str(p.name.clone())),
                    ("version".into(), J::str(p.version.clone())),
                ])
            })
            .collect(),
    );
    if base.pointer("/info/x-wix-sdk-packages") != Some(&listed.to_value()) {
        edits.push(Edit::Set(
            keys(&["info", "x-wix-sdk-packages"]),
            listed,
            None,
        ));
    }
    edits
}

fn schema_path(key: &str) -> Vec<Seg> {
    keys(&["components", "schemas", key])
}

fn description_or(text: &str, fallback: impl FnOnce() -> String) -> String {
    let t = text.trim();
    if t.is_empty() {
        fallback()
    } else {
        t.to_owned()
    }
}

/// A whole new schema for an SDK type.
fn render_type(key: &str, t: &Type) -> J {
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

fn render_oneofs(oneofs: &[(String, Vec<String>)]) -> J {
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
fn required_list(fields: &[Field], oneofs: &[(String, Vec<String>)]) -> Vec<String> {
    fields
        .iter()
        .filter(|f| f.required && !f.read_only && !oneofs.iter().any(|(_, m)| m.contains(&f.name)))
        .map(|f| f.name.clone())
        .collect()
}

/// The schema keywords of a value shape (no description).
fn render_shape(shape: &Shape, f: &Field, top: bool) -> Vec<(String, J)> {
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
fn render_field(f: &Field) -> J {
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

fn type_edits(edits: &mut Vec<Edit>, key: &str, sdk: Option<&Type>, base: &Value, spec: &Model) {
    let path = schema_path(key);
    let existing = base.pointer(&format!("/components/schemas/{}", super::spec::escape(key)));
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

fn field_edits(edits: &mut Vec<Edit>, key: &str, name: &str, s: &Type, base: &Value) {
    let props = with(schema_path(key), "properties");
    let Body::Object { fields, .. } = &s.body else {
        return;
    };
    let existing = base.pointer(&format!(
        "/components/schemas/{}/properties/{}",
        super::spec::escape(key),
        super::spec::escape(name)
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
                    super::spec::escape(key)
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
    let spec_field = super::spec::model(&wrap_schema(key, existing, name));
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

fn required_edits(edits: &mut Vec<Edit>, key: &str, s: &Type, p: &Type, base: &Value) {
    let (Body::Object { fields, oneofs }, Body::Object { fields: pf, .. }) = (&s.body, &p.body)
    else {
        return;
    };
    let Some(existing) = base.pointer(&format!("/components/schemas/{}", super::spec::escape(key)))
    else {
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

fn operation_edits(edits: &mut Vec<Edit>, id: &str, sdk: &Model, spec: &Model, base: &Value) {
    let s = sdk.operations.get(id);
    let p = spec.operations.get(id);
    let location = |o: &Operation| keys(&["paths", &o.path, &o.method.to_lowercase()]);
    match (s, p) {
        (None, Some(p)) => {
            // Remove the operation; a path left without operations goes with it.
            let path_item = base.get("paths").and_then(|paths| paths.get(&p.path));
            let others = path_item
                .and_then(Value::as_object)
                .map(|m| {
                    m.keys()
                        .filter(|k| {
                            super::spec::METHODS.contains(&k.as_str())
                                && **k != p.method.to_lowercase()
                        })
                        .count()
                })
                .unwrap_or(0);
            if others == 0 {
                edits.push(Edit::Delete(keys(&["paths", &p.path])));
            } else {
                edits.push(Edit::Delete(location(p)));
            }
        }
        (Some(s), None) => {
            // Missing parents (the path item) are created by the node tool.
            let op = render_operation(id, s, sdk, base, None);
            edits.push(Edit::Set(location(s), op, None));
        }
        (Some(s), Some(p)) => {
            let existing = base
                .get("paths")
                .and_then(|paths| paths.get(&p.path))
                .and_then(|item| item.get(p.method.to_lowercase()))
                .cloned()
                .unwrap_or(Value::Null);
            let desired = render_operation(id, s, sdk, base, Some(&existing));
            if (s.method.as_str(), s.path.as_str()) != (p.method.as_str(), p.path.as_str()) {
                operation_edits(edits, id, &Model::default(), spec, base);
                edits.push(Edit::Set(location(s), desired, None));
                return;
            }
            let J::Obj(entries) = desired else { return };
            for (k, v) in entries {
                if existing.get(&k) != Some(&v.to_value()) {
                    edits.push(Edit::Set(with(location(p), &k), v, None));
                }
            }
        }
        (None, None) => {}
    }
}

/// The operation object for an SDK operation; with `existing`, that object with the SDK's facts
/// put in and everything else kept.
fn render_operation(
    id: &str,
    s: &Operation,
    sdk: &Model,
    base: &Value,
    existing: Option<&Value>,
) -> J {
    let mut out: Vec<(String, J)> = match existing {
        Some(Value::Object(m)) => m
            .iter()
            .map(|(k, v)| (k.clone(), J::from_value(v)))
            .collect(),
        _ => Vec::new(),
    };
    let mut put = |k: &str, v: Option<J>| match (out.iter().position(|(x, _)| x == k), v) {
        (Some(i), Some(v)) => out[i].1 = v,
        (None, Some(v)) => out.push((k.to_owned(), v)),
        (Some(i), None) => {
            out.remove(i);
        }
        (None, None) => {}
    };
    if existing.is_none() {
        put("operationId", Some(J::str(id)));
        put("tags", Some(J::Arr(vec![J::Str(tag_for(s, base))])));
        put("summary", Some(J::Str(summary_of(id))));
        put(
            "description",
            Some(J::Str(description_or(&s.description, || {
                format!("`{id}` (no description in the SDK).")
            }))),
        );
    }
    put("x-wix-request-schema", s.request.clone().map(J::Str));
    put("x-wix-permission", s.permission.clone().map(J::Str));
    put("x-wix-method-fqn", s.method_fqn.clone().map(J::Str));
    let old_errors: Vec<Value> = existing
        .and_then(|e| e.get("x-wix-application-errors"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let errors = s
        .errors
        .iter()
        .map(|(code, description)| {
            match old_errors
                .iter()
                .find(|e| e.get("code").and_then(Value::as_str) == Some(code))
            {
                Some(old) => J::from_value(old),
                None => J::Obj(vec![
                    ("code".into(), J::str(code.clone())),
                    (
                        "description".into(),
                        J::Str(description_or(description, || code.clone())),
                    ),
                ]),
            }
        })
        .collect();
    put("x-wix-application-errors", Some(J::Arr(errors)));
    // Parameters: path ones, then query ones for operations without a body.
    let old_params: Vec<Value> = existing
        .and_then(|e| e.get("parameters"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let find_old = |name: &str, location: &str| {
        old_params.iter().find(|p| {
            p.get("name").and_then(Value::as_str) == Some(name)
                && p.get("in").and_then(Value::as_str) == Some(location)
        })
    };
    let mut params = Vec::new();
    for name in &s.path_params {
        params.push(match find_old(name, "path") {
            Some(old) => J::from_value(old),
            None => render_param(name, "path", true, s, sdk),
        });
    }
    for name in &s.query_params {
        params.push(match find_old(name, "query") {
            Some(old) => J::from_value(old),
            None => render_param(name, "query", false, s, sdk),
        });
    }
    // Parameters in other places (headers) are the spec's own.
    for old in &old_params {
        if !matches!(
            old.get("in").and_then(Value::as_str),
            Some("path" | "query")
        ) {
            params.push(J::from_value(old));
        }
    }
    put("parameters", (!params.is_empty()).then_some(J::Arr(params)));
    let has_body = !matches!(s.method.as_str(), "GET" | "DELETE");
    let body_ref = |name: &str| {
        J::Obj(vec![(
            "application/json".into(),
            J::Obj(vec![(
                "schema".into(),
                J::Obj(vec![(
                    "$ref".into(),
                    J::Str(format!("#/components/schemas/{name}")),
                )]),
            )]),
        )])
    };
    match (
        has_body,
        &s.request,
        existing.and_then(|e| e.get("requestBody")),
    ) {
        (true, Some(request), Some(old))
            if old
                .pointer("/content/application~1json/schema")
                .and_then(ref_target)
                .as_deref()
                == Some(request) => {}
        (true, Some(request), _) => put(
            "requestBody",
            Some(J::Obj(vec![
                ("required".into(), J::Bool(true)),
                ("content".into(), body_ref(request)),
            ])),
        ),
        (false, _, Some(_)) => put("requestBody", None),
        _ => {}
    }
    let old_responses = existing.and_then(|e| e.get("responses"));
    let response_ok = old_responses
        .and_then(|r| r.pointer("/200/content/application~1json/schema"))
        .and_then(ref_target);
    if let Some(response) = &s.response {
        if response_ok.as_deref() != Some(response) {
            let ok = J::Obj(vec![
                ("description".into(), J::Str(format!("The `{response}`."))),
                ("content".into(), body_ref(response)),
            ]);
            let mut responses: Vec<(String, J)> = match old_responses {
                Some(Value::Object(m)) => m
                    .iter()
                    .map(|(k, v)| (k.clone(), J::from_value(v)))
                    .collect(),
                _ => standard_responses(base),
            };
            match responses.iter().position(|(k, _)| k == "200") {
                Some(i) => responses[i].1 = ok,
                None => responses.insert(0, ("200".into(), ok)),
            }
            put("responses", Some(J::Obj(responses)));
        }
    }
    J::Obj(out)
}

/// References to the spec's shared error responses, by status, for a new operation.
fn standard_responses(base: &Value) -> Vec<(String, J)> {
    let wanted = [
        ("400", "BadRequest"),
        ("401", "Unauthenticated"),
        ("403", "PermissionDenied"),
        ("404", "NotFound"),
        ("429", "TooManyRequests"),
        ("500", "InternalServerError"),
        ("503", "ServiceUnavailable"),
        ("default", "UnexpectedError"),
    ];
    wanted
        .iter()
        .filter(|(_, name)| {
            base.pointer(&format!("/components/responses/{name}"))
                .is_some()
        })
        .map(|(status, name)| {
            (
                (*status).to_owned(),
                J::Obj(vec![(
                    "$ref".into(),
                    J::Str(format!("#/components/responses/{name}")),
                )]),
            )
        })
        .collect()
}

/// A tag for a new operation: the tag of another operation of the same service, else the
/// package's last word (`@wix/auto_sdk_crm_notes` -> `notes`).
fn tag_for(s: &Operation, base: &Value) -> String {
    let service = s
        .method_fqn
        .as_deref()
        .and_then(|f| f.rsplit_once('.'))
        .map(|(svc, _)| svc);
    if let (Some(service), Some(paths)) = (service, base.get("paths").and_then(Value::as_object)) {
        for item in paths.values() {
            for method in super::spec::METHODS {
                let Some(op) = item.get(method) else { continue };
                let same = op
                    .get("x-wix-method-fqn")
                    .and_then(Value::as_str)
                    .and_then(|f| f.rsplit_once('.'))
                    .is_some_and(|(svc, _)| svc == service);
                if let (true, Some(tag)) = (same, op.pointer("/tags/0").and_then(Value::as_str)) {
                    return tag.to_owned();
                }
            }
        }
    }
    s.package
        .as_deref()
        .and_then(|p| p.rsplit('_').next())
        .unwrap_or("default")
        .to_owned()
}

/// `getOrCreateConversation` -> `Get or create conversation`.
fn summary_of(id: &str) -> String {
    let mut out = String::new();
    for c in id.chars() {
        if c.is_uppercase() {
            out.push(' ');
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    let mut chars = out.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

/// A parameter for a (possibly dotted) request field.
fn render_param(name: &str, location: &str, required_path: bool, s: &Operation, sdk: &Model) -> J {
    let field = s.request.as_deref().and_then(|r| field_at(sdk, r, name));
    let required = required_path || field.is_some_and(|f| f.required);
    let mut out = vec![
        ("name".into(), J::str(name)),
        ("in".into(), J::str(location)),
        ("required".into(), J::Bool(required)),
    ];
    if let Some(f) = field {
        out.push((
            "description".into(),
            J::Str(description_or(&f.description, || format!("`{name}`."))),
        ));
    }
    if location == "query" {
        out.push(("style".into(), J::str("form")));
        out.push(("explode".into(), J::Bool(true)));
    }
    let schema = match field {
        Some(f) => J::Obj(render_shape(&f.shape, f, false)),
        None => J::Obj(vec![("type".into(), J::str("string"))]),
    };
    out.push(("schema".into(), schema));
    J::Obj(out)
}

/// The field at a dotted path from a type.
fn field_at<'a>(model: &'a Model, ty: &str, path: &str) -> Option<&'a Field> {
    let (head, rest) = match path.split_once('.') {
        Some((h, r)) => (h, Some(r)),
        None => (path, None),
    };
    let Body::Object { fields, .. } = &model.types.get(ty)?.body else {
        return None;
    };
    let field = fields.iter().find(|f| f.name == head)?;
    match rest {
        None => Some(field),
        Some(rest) => field_at(model, field.shape.target()?, rest),
    }
}

fn render_event(event_type: &str, e: &Event) -> J {
    let mut out = vec![("eventType".into(), J::str(event_type))];
    if let Some(fqdn) = &e.entity_fqdn {
        out.push(("entityFqdn".into(), J::str(fqdn.clone())));
    }
    if !e.slug.is_empty() {
        out.push(("slug".into(), J::str(e.slug.clone())));
    }
    if let Some(payload) = &e.payload {
        out.push((
            "payload".into(),
            J::Str(format!("#/components/schemas/{payload}")),
        ));
    }
    if let Some(p) = &e.permission {
        out.push(("permission".into(), J::str(p.clone())));
    }
    out.push((
        "description".into(),
        J::Str(description_or(&e.description, || {
            format!("The `{event_type}` event.")
        })),
    ));
    J::Obj(out)
}

fn event_edits(
    edits: &mut Vec<Edit>,
    targets: &[&String],
    sdk: &Model,
    spec: &Model,
    base: &Value,
) {
    let list = base
        .pointer("/x-wix-events/events")
        .and_then(Value::as_array);
    let Some(list) = list else {
        // No events section yet: create it around the standard envelope types.
        let events: Vec<J> = sdk.events.iter().map(|(t, e)| render_event(t, e)).collect();
        // The identity layer is whatever the envelope's `identity` field names.
        let identity = sdk
            .types
            .get("MessageEnvelope")
            .and_then(|t| match &t.body {
                Body::Object { fields, .. } => fields.iter().find(|f| f.name == "identity"),
                Body::Enum { .. } => None,
            })
            .and_then(|f| f.shape.target().map(str::to_owned))
            .unwrap_or_else(|| "WebhooksIdentificationData".into());
        let envelope = |name: &str| J::Str(format!("#/components/schemas/{name}"));
        edits.push(Edit::Set(
            keys(&["x-wix-events"]),
            J::Obj(vec![
                ("jwtClaim".into(), J::str("data")),
                ("envelope".into(), envelope("MessageEnvelope")),
                ("domainEvent".into(), envelope("DomainEvent")),
                ("identity".into(), envelope(&identity)),
                ("events".into(), J::Arr(events)),
            ]),
            None,
        ));
        return;
    };
    let path = keys(&["x-wix-events", "events"]);
    let mut removals = Vec::new();
    for event_type in targets {
        let index = list
            .iter()
            .position(|e| e.get("eventType").and_then(Value::as_str) == Some(event_type.as_str()));
        match (sdk.events.get(*event_type), index) {
            (Some(e), Some(i)) => {
                let mut p = path.clone();
                p.push(Seg::Index(i));
                let J::Obj(entries) = render_event(event_type, e) else {
                    continue;
                };
                for (k, v) in entries {
                    if k == "description" {
                        continue;
                    }
                    if list[i].get(&k) != Some(&v.to_value()) {
                        edits.push(Edit::Set(with(p.clone(), &k), v, None));
                    }
                }
            }
            (Some(e), None) => {
                let mut p = path.clone();
                p.push(Seg::Index(list.len() + edits.iter().filter(|x| matches!(x, Edit::Set(ps, _, _) if ps.len() == 3 && ps[..2] == path[..])).count()));
                edits.push(Edit::Set(p, render_event(event_type, e), None));
            }
            (None, Some(i))
                if spec
                    .events
                    .get(*event_type)
                    .is_some_and(|e| e.spec_only.is_none()) =>
            {
                removals.push(i)
            }
            _ => {}
        }
    }
    removals.sort_unstable_by(|a, b| b.cmp(a));
    for i in removals {
        let mut p = path.clone();
        p.push(Seg::Index(i));
        edits.push(Edit::Delete(p));
    }
}

/// Writes the edits to a temporary file and runs the node tool's `apply` on `spec` (or, for a
/// spec derived from scratch, on `text`). Returns whether the file's bytes changed.
pub fn run_edits(root: &Path, spec: &Path, text: &str, edits: &[Edit]) -> Result<bool, String> {
    let dir = std::env::temp_dir().join(format!("spec-sync-{}-{}", std::process::id(), unique()));
    std::fs::create_dir_all(&dir)
        .map_err(|e| format!("error: cannot create {}: {e}", dir.display()))?;
    let edits_file = dir.join("edits.json");
    let json = serde_json::to_string_pretty(edits).map_err(|e| format!("error: edits: {e}"))?;
    std::fs::write(&edits_file, json)
        .map_err(|e| format!("error: cannot write {}: {e}", edits_file.display()))?;
    let input = if spec.exists() {
        spec.to_path_buf()
    } else {
        let seed = dir.join("skeleton.yaml");
        std::fs::write(&seed, text)
            .map_err(|e| format!("error: cannot write {}: {e}", seed.display()))?;
        seed
    };
    let before = std::fs::read(spec).ok();
    let result = super::node_tool(
        root,
        &[
            "apply".into(),
            "--spec".into(),
            input.display().to_string(),
            "--edits".into(),
            edits_file.display().to_string(),
            "--out".into(),
            spec.display().to_string(),
        ],
    );
    let _ = std::fs::remove_dir_all(&dir);
    result?;
    let after = std::fs::read(spec).ok();
    Ok(before != after)
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec_sync::{diff, parse_spec, sdk, spec};

    const SPEC: &str = "\
openapi: 3.0.3
info:
  title: t
  version: '1'
  x-wix-sdk-packages:
    - name: '@wix/auto_sdk_x'
      version: '1.0.0'
paths: {}
components:
  schemas:
    Thing:
      type: object
      description: A thing.
      properties:
        id:
          type: string
          format: uuid
          description: Kept text.
        size:
          type: integer
          format: int32
          description: Kept too.
";

    fn sdk_thing(fields: serde_json::Value) -> sdk::Extract {
        serde_json::from_value(serde_json::json!({
            "packages": [{"name": "@wix/auto_sdk_x", "version": "1.0.0"}],
            "operations": [],
            "types": [{"name": "Thing", "package": "@wix/auto_sdk_x", "kind": "object",
                       "source": "meta.d.ts:1:1", "fields": fields}],
            "events": []
        }))
        .unwrap()
    }

    fn edits_for(extract: &sdk::Extract) -> Vec<Edit> {
        let base = parse_spec("t.yaml", SPEC).unwrap();
        let spec_model = spec::model(&base);
        let sdk_model = sdk::model(extract, &spec_model).unwrap();
        let differences = diff::compare(&sdk_model.model, &spec_model);
        plan(&differences, &sdk_model, &base, &extract.packages)
    }

    fn f(name: &str, kind: &str, nullable: bool, tags: serde_json::Value) -> serde_json::Value {
        serde_json::json!({"name": name, "type": {"kind": kind}, "optional": true,
                           "nullable": nullable, "tags": tags, "source": "meta.d.ts:2:5"})
    }

    #[test]
    fn in_sync_means_no_edit() {
        let extract = sdk_thing(serde_json::json!([
            f("id", "string", false, serde_json::json!({"format": "GUID"})),
            f("size", "number", false, serde_json::json!({})),
        ]));
        assert_eq!(edits_for(&extract), vec![]);
    }

    #[test]
    fn edits_touch_only_what_differs() {
        let extract = sdk_thing(serde_json::json!([
            f("id", "string", true, serde_json::json!({"format": "GUID"})),
            f("size", "number", false, serde_json::json!({"max": 10})),
            f(
                "label",
                "string",
                false,
                serde_json::json!({"maxLength": 5})
            ),
        ]));
        let edits = edits_for(&extract);
        let path =
            |p: &[&str]| keys(&[&["components", "schemas", "Thing", "properties"][..], p].concat());
        assert_eq!(
            edits,
            vec![
                Edit::Set(path(&["id", "nullable"]), J::Bool(true), None),
                Edit::Set(
                    path(&["label"]),
                    J::Obj(vec![
                        ("type".into(), J::str("string")),
                        ("maxLength".into(), J::Num(5.0)),
                        (
                            "description".into(),
                            J::str("`label` (no description in the SDK).")
                        ),
                    ]),
                    Some(Position::After("size".into())),
                ),
                Edit::Set(path(&["size", "maximum"]), J::Num(10.0), None),
            ]
        );
    }

    #[test]
    fn a_changed_type_keeps_the_description_and_refinements_it_can() {
        let extract = sdk_thing(serde_json::json!([
            f("id", "string", false, serde_json::json!({"format": "GUID"})),
            f("size", "string", false, serde_json::json!({})),
        ]));
        let edits = edits_for(&extract);
        let touched: Vec<String> = edits
            .iter()
            .map(|e| match e {
                Edit::Set(p, v, _) => format!("set {:?} {}", p.last(), v.to_value()),
                Edit::Delete(p) => format!("delete {:?}", p.last()),
            })
            .collect();
        assert!(
            touched.contains(&r#"set Some(Key("type")) "string""#.to_owned()),
            "{touched:?}"
        );
        assert!(
            touched.contains(&r#"delete Some(Key("format"))"#.to_owned()),
            "{touched:?}"
        );
        assert!(
            !touched.iter().any(|t| t.contains("description")),
            "{touched:?}"
        );
    }
}
