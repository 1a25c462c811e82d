//! Schemas -> named types (`ir::TypeDef`) and type references (`ir::TypeRef`).

use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};

use super::{deprecation, doc_lines, Resolver};
use crate::diagnostics::join;
use crate::ir::{self, Prim, TypeRef, WireFormat};
use crate::names;

/// Deepest inline nesting accepted; deeper specs are reported, never overflow the stack.
const MAX_DEPTH: usize = 48;

/// A schema slot: either a `$ref` or an inline schema.
#[derive(Clone, Copy)]
pub(crate) enum Slot<'a> {
    Ref(&'a str),
    Inline(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for Slot<'a> {
    fn from(r: &'a ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => Slot::Ref(reference),
            ReferenceOr::Item(s) => Slot::Inline(s),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for Slot<'a> {
    fn from(r: &'a ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => Slot::Ref(reference),
            ReferenceOr::Item(s) => Slot::Inline(s),
        }
    }
}

/// A lowered schema slot: its type plus the facts a field or parameter needs.
pub(crate) struct Lowered {
    pub ty: TypeRef,
    pub wire: WireFormat,
    pub limits: ir::Limits,
}

/// Defines the component schema `spec_name` as the Rust type `rust_name`.
pub(crate) fn define_named<'a>(
    cx: &mut Resolver<'a>,
    rust_name: &str,
    spec_name: &str,
    schema: &'a ReferenceOr<Schema>,
    pointer: &str,
) {
    let (doc, kind) = match schema {
        ReferenceOr::Reference { reference } => {
            let target = cx.component_ref(reference, pointer);
            (
                Vec::new(),
                ir::TypeKind::Alias(TypeRef::Named(
                    target.unwrap_or_else(|| rust_name.to_owned()),
                )),
            )
        }
        ReferenceOr::Item(schema) => {
            let doc = type_doc(schema);
            (doc, kind_of(cx, rust_name, schema, pointer, 0))
        }
    };
    cx.types.insert(
        rust_name.to_owned(),
        ir::TypeDef {
            name: rust_name.to_owned(),
            spec_name: spec_name.to_owned(),
            pointer: pointer.to_owned(),
            doc,
            kind,
        },
    );
}

fn type_doc(schema: &Schema) -> ir::Doc {
    let mut doc = doc_lines(schema.schema_data.description.as_deref());
    if doc.is_empty() {
        doc = doc_lines(schema.schema_data.title.as_deref());
    }
    doc
}

/// Decides what Rust type a named schema becomes.
fn kind_of<'a>(
    cx: &mut Resolver<'a>,
    rust_name: &str,
    schema: &'a Schema,
    pointer: &str,
    depth: usize,
) -> ir::TypeKind {
    if let Some(parts) = object_parts(cx, schema, pointer, &mut Vec::new()) {
        return ir::TypeKind::Struct(build_struct(cx, rust_name, parts, depth));
    }
    if let Some(values) = string_enum(schema) {
        return ir::TypeKind::Enum(build_enum(cx, values, schema, pointer));
    }
    let lowered = lower_inline(cx, schema, pointer, rust_name, depth, true);
    ir::TypeKind::Alias(lowered.ty)
}

fn string_enum(schema: &Schema) -> Option<Vec<&str>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => {
            Some(s.enumeration.iter().flatten().map(String::as_str).collect())
        }
        _ => None,
    }
}

fn build_enum(cx: &mut Resolver, values: Vec<&str>, schema: &Schema, pointer: &str) -> ir::Enum {
    let descriptions = schema.schema_data.extensions.get("x-enum-descriptions");
    let mut variants: Vec<ir::Variant> = Vec::new();
    for (i, value) in values.into_iter().enumerate() {
        let name = names::variant_name(value);
        if let Some(other) = variants.iter().find(|v| v.name == name) {
            let message = format!("name collision: enum values `{value}` and `{}` both become the Rust variant `{name}`", other.wire_name);
            let at = join(&join(pointer, "enum"), &i.to_string());
            if cx.strict {
                cx.error(at, message);
            } else {
                // The second value still round-trips through the catch-all variant.
                cx.unsupported(&at, message);
            }
            continue;
        }
        let doc = doc_lines(
            descriptions
                .and_then(|d| d.get(value))
                .and_then(|d| d.as_str()),
        );
        variants.push(ir::Variant {
            name,
            wire_name: value.to_owned(),
            doc,
        });
    }
    ir::Enum { variants }
}

/// The pieces of an object schema, with `allOf` members merged in.
struct ObjectParts<'a> {
    properties: Vec<(String, Slot<'a>, String)>,
    required: Vec<String>,
    oneofs: Vec<(String, Vec<String>, String)>,
}

fn is_object_like(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => {
            !o.properties.is_empty() || schema.schema_data.extensions.contains_key("x-oneof")
        }
        SchemaKind::Any(a) => {
            !a.properties.is_empty()
                && a.one_of.is_empty()
                && a.any_of.is_empty()
                && a.all_of.is_empty()
        }
        SchemaKind::AllOf { .. } => true,
        _ => false,
    }
}

/// Collects properties of an object schema (following `allOf` and `$ref`s). `None` when the
/// schema is not an object with known properties.
fn object_parts<'a>(
    cx: &mut Resolver<'a>,
    schema: &'a Schema,
    pointer: &str,
    seen: &mut Vec<String>,
) -> Option<ObjectParts<'a>> {
    if !is_object_like(schema) {
        return None;
    }
    let mut parts = ObjectParts {
        properties: Vec::new(),
        required: Vec::new(),
        oneofs: Vec::new(),
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => {
            for (name, slot) in &o.properties {
                parts.properties.push((
                    name.clone(),
                    slot.into(),
                    join(&join(pointer, "properties"), name),
                ));
            }
            parts.required.extend(o.required.iter().cloned());
        }
        SchemaKind::Any(a) => {
            for (name, slot) in &a.properties {
                parts.properties.push((
                    name.clone(),
                    slot.into(),
                    join(&join(pointer, "properties"), name),
                ));
            }
            parts.required.extend(a.required.iter().cloned());
        }
        SchemaKind::AllOf { all_of } => {
            for (i, member) in all_of.iter().enumerate() {
                let member_pointer = join(&join(pointer, "allOf"), &i.to_string());
                let (member_schema, member_pointer) = match member {
                    ReferenceOr::Item(s) => (s, member_pointer),
                    ReferenceOr::Reference { reference } => {
                        if seen.contains(reference) {
                            cx.error(
                                member_pointer,
                                format!("allOf refers to itself through {reference}"),
                            );
                            return None;
                        }
                        let name = reference.strip_prefix("#/components/schemas/")?;
                        let Some(ReferenceOr::Item(s)) = cx.component_schema(name) else {
                            cx.component_ref(reference, &member_pointer);
                            return None;
                        };
                        seen.push(reference.clone());
                        (s, join("#/components/schemas", name))
                    }
                };
                let Some(member_parts) = object_parts(cx, member_schema, &member_pointer, seen)
                else {
                    cx.unsupported(&member_pointer, "allOf member that is not an object schema");
                    return None;
                };
                for property in member_parts.properties {
                    parts.properties.retain(|(n, _, _)| *n != property.0);
                    parts.properties.push(property);
                }
                parts.required.extend(member_parts.required);
                parts.oneofs.extend(member_parts.oneofs);
            }
        }
        _ => return None,
    }
    if let Some(groups) = schema.schema_data.extensions.get("x-oneof") {
        let at = join(pointer, "x-oneof");
        match groups.as_object() {
            Some(groups) => {
                for (group, members) in groups {
                    let members: Option<Vec<String>> = members
                        .as_array()
                        .and_then(|m| m.iter().map(|v| v.as_str().map(str::to_owned)).collect());
                    match members {
                        Some(members) if !members.is_empty() => {
                            parts
                                .oneofs
                                .push((group.clone(), members, join(&at, group)))
                        }
                        _ => cx.error(
                            join(&at, group),
                            "x-oneof group must be a non-empty list of property names",
                        ),
                    }
                }
            }
            None => cx.error(
                at,
                "x-oneof must map group names to lists of property names",
            ),
        }
    }
    Some(parts)
}

fn build_struct<'a>(
    cx: &mut Resolver<'a>,
    rust_name: &str,
    parts: ObjectParts<'a>,
    depth: usize,
) -> ir::Struct {
    let mut fields: Vec<ir::Field> = Vec::new();
    // Member property -> group index.
    let mut member_of: Vec<(String, usize)> = Vec::new();
    for (g, (group, members, at)) in parts.oneofs.iter().enumerate() {
        for member in members {
            if !parts.properties.iter().any(|(n, _, _)| n == member) {
                cx.error(at.clone(), format!("x-oneof group `{group}` names `{member}`, which is not a property of this schema"));
            } else if member_of.iter().any(|(m, _)| m == member) {
                cx.error(
                    at.clone(),
                    format!("property `{member}` is in more than one x-oneof group"),
                );
            } else {
                member_of.push((member.clone(), g));
            }
            if parts.required.contains(member) {
                cx.error(
                    at.clone(),
                    format!("oneof member `{member}` must not be listed in `required`"),
                );
            }
        }
    }
    let mut emitted_groups: Vec<usize> = Vec::new();
    for (name, slot, prop_pointer) in &parts.properties {
        if let Some((_, g)) = member_of.iter().find(|(m, _)| m == name) {
            if emitted_groups.contains(g) {
                continue;
            }
            emitted_groups.push(*g);
            let (group, members, at) = &parts.oneofs[*g];
            let field = build_oneof(cx, rust_name, group, members, &parts.properties, at, depth);
            push_field(cx, &mut fields, field, at);
            continue;
        }
        let hint = format!("{rust_name}{}", names::type_name(name));
        let field = build_field(
            cx,
            name,
            *slot,
            parts.required.contains(name),
            prop_pointer,
            &hint,
            depth,
        );
        push_field(cx, &mut fields, field, prop_pointer);
    }
    ir::Struct { fields }
}

fn push_field(cx: &mut Resolver, fields: &mut Vec<ir::Field>, field: ir::Field, pointer: &str) {
    if let Some(other) = fields.iter().find(|f| f.name == field.name) {
        let message = format!(
            "name collision: properties `{}` and `{}` both become the Rust field `{}`",
            field.wire_name, other.wire_name, field.name
        );
        if cx.strict {
            cx.error(pointer, message);
        } else {
            cx.unsupported(pointer, message);
        }
        return;
    }
    fields.push(field);
}

fn build_field<'a>(
    cx: &mut Resolver<'a>,
    wire_name: &str,
    slot: Slot<'a>,
    required: bool,
    pointer: &str,
    hint: &str,
    depth: usize,
) -> ir::Field {
    let lowered = lower(cx, slot, pointer, hint, depth + 1);
    let (doc, read_only, nullable, deprecated) = match slot {
        Slot::Inline(schema) => (
            doc_lines(schema.schema_data.description.as_deref()),
            schema.schema_data.read_only,
            schema.schema_data.nullable,
            deprecation(
                schema.schema_data.deprecated,
                &schema.schema_data.extensions,
            ),
        ),
        Slot::Ref(_) => (Vec::new(), false, false, None),
    };
    ir::Field {
        name: names::field_name(wire_name),
        wire_name: wire_name.to_owned(),
        doc,
        ty: lowered.ty,
        required: required && !nullable && !read_only,
        read_only,
        deprecated,
        wire: lowered.wire,
        flatten: false,
        limits: lowered.limits,
    }
}

fn build_oneof<'a>(
    cx: &mut Resolver<'a>,
    parent: &str,
    group: &str,
    members: &[String],
    properties: &[(String, Slot<'a>, String)],
    pointer: &str,
    depth: usize,
) -> ir::Field {
    let type_name = format!("{parent}{}", names::type_name(group));
    let mut arms: Vec<ir::OneOfArm> = Vec::new();
    for member in members {
        let Some((_, slot, prop_pointer)) = properties.iter().find(|(n, _, _)| n == member) else {
            continue;
        };
        let hint = format!("{parent}{}", names::type_name(member));
        let field = build_field(cx, member, *slot, false, prop_pointer, &hint, depth);
        let name = names::type_name(member);
        if arms.iter().any(|a| a.name == name) {
            cx.error(pointer, format!("name collision: oneof members of `{group}` map to the same Rust variant `{name}`"));
            continue;
        }
        arms.push(ir::OneOfArm {
            name,
            wire_name: member.clone(),
            doc: field.doc,
            ty: field.ty,
            wire: field.wire,
            read_only: field.read_only,
            deprecated: field.deprecated,
            limits: field.limits,
        });
    }
    let keys: Vec<String> = members.iter().map(|m| format!("`{m}`")).collect();
    let doc = vec![format!(
        "At most one of {} is present in the JSON object.",
        keys.join(", ")
    )];
    if cx.claim(&type_name, &format!("{parent}.x-oneof.{group}"), pointer) {
        cx.types.insert(
            type_name.clone(),
            ir::TypeDef {
                name: type_name.clone(),
                spec_name: format!("{parent}.{group}"),
                pointer: pointer.to_owned(),
                doc: doc.clone(),
                kind: ir::TypeKind::OneOf(ir::OneOf { arms }),
            },
        );
    }
    ir::Field {
        name: names::field_name(group),
        wire_name: group.to_owned(),
        doc,
        ty: TypeRef::Named(type_name),
        required: false,
        read_only: false,
        deprecated: None,
        wire: WireFormat::Plain,
        flatten: true,
        limits: ir::Limits::default(),
    }
}

/// Lowers a schema slot to a type reference, defining inline named types under `hint`.
pub(crate) fn lower<'a>(
    cx: &mut Resolver<'a>,
    slot: Slot<'a>,
    pointer: &str,
    hint: &str,
    depth: usize,
) -> Lowered {
    match slot {
        Slot::Ref(reference) => {
            let Some(rust) = cx.component_ref(reference, pointer) else {
                return json();
            };
            // A reference to a plain primitive component keeps the primitive's wire format.
            if let Some(prim) = primitive_component(cx, reference) {
                return prim;
            }
            Lowered {
                ty: TypeRef::Named(rust),
                wire: WireFormat::Plain,
                limits: ir::Limits::default(),
            }
        }
        Slot::Inline(schema) => lower_inline(cx, schema, pointer, hint, depth, false),
    }
}

fn json() -> Lowered {
    Lowered {
        ty: TypeRef::Prim(Prim::Json),
        wire: WireFormat::Plain,
        limits: ir::Limits::default(),
    }
}

/// When `reference` names a component that is a primitive without an enum, its lowering.
fn primitive_component(cx: &mut Resolver, reference: &str) -> Option<Lowered> {
    let mut reference = reference.to_owned();
    for _ in 0..8 {
        let name = reference.strip_prefix("#/components/schemas/")?;
        match cx.component_schema(name)? {
            ReferenceOr::Reference { reference: next } => reference = next.clone(),
            ReferenceOr::Item(schema) => {
                return match &schema.schema_kind {
                    SchemaKind::Type(Type::String(s)) if s.enumeration.is_empty() => {
                        Some(lower_primitive(schema)?)
                    }
                    SchemaKind::Type(Type::Integer(_) | Type::Number(_) | Type::Boolean(_)) => {
                        Some(lower_primitive(schema)?)
                    }
                    _ => None,
                };
            }
        }
    }
    None
}

fn limits_of(schema: &Schema) -> ir::Limits {
    let mut limits = ir::Limits::default();
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            limits.min_length = s.min_length;
            limits.max_length = s.max_length;
            limits.format = format_name(&s.format, |f| match f {
                StringFormat::Date => "date",
                StringFormat::DateTime => "date-time",
                StringFormat::Password => "password",
                StringFormat::Byte => "byte",
                StringFormat::Binary => "binary",
            });
        }
        SchemaKind::Type(Type::Integer(i)) => {
            limits.minimum = i.minimum.map(|v| v as f64);
            limits.maximum = i.maximum.map(|v| v as f64);
            limits.format = format_name(&i.format, |f| match f {
                IntegerFormat::Int32 => "int32",
                IntegerFormat::Int64 => "int64",
            });
        }
        SchemaKind::Type(Type::Number(n)) => {
            limits.minimum = n.minimum;
            limits.maximum = n.maximum;
            limits.format = format_name(&n.format, |f| match f {
                NumberFormat::Float => "float",
                NumberFormat::Double => "double",
            });
        }
        SchemaKind::Type(Type::Array(a)) => {
            limits.min_items = a.min_items;
            limits.max_items = a.max_items;
        }
        _ => {}
    }
    limits
}

fn format_name<T>(
    format: &VariantOrUnknownOrEmpty<T>,
    known: impl Fn(&T) -> &'static str,
) -> Option<String> {
    match format {
        VariantOrUnknownOrEmpty::Item(f) => Some(known(f).to_owned()),
        VariantOrUnknownOrEmpty::Unknown(s) => Some(s.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

fn lower_primitive(schema: &Schema) -> Option<Lowered> {
    let limits = limits_of(schema);
    let (prim, wire) = match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => match &s.format {
            VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => {
                (Prim::DateTime, WireFormat::Plain)
            }
            VariantOrUnknownOrEmpty::Item(StringFormat::Date) => (Prim::Date, WireFormat::Plain),
            VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid" => (Prim::Uuid, WireFormat::Plain),
            VariantOrUnknownOrEmpty::Unknown(f) if f == "int64" => {
                (Prim::I64, WireFormat::Int64String)
            }
            _ => (Prim::String, WireFormat::Plain),
        },
        SchemaKind::Type(Type::Integer(i)) => match &i.format {
            VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => {
                (Prim::I32, WireFormat::LenientInt)
            }
            _ => (Prim::I64, WireFormat::LenientInt),
        },
        SchemaKind::Type(Type::Number(n)) => match &n.format {
            VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => (Prim::F32, WireFormat::Plain),
            _ => (Prim::F64, WireFormat::Plain),
        },
        SchemaKind::Type(Type::Boolean(_)) => (Prim::Bool, WireFormat::Plain),
        _ => return None,
    };
    Some(Lowered {
        ty: TypeRef::Prim(prim),
        wire,
        limits,
    })
}

fn lower_inline<'a>(
    cx: &mut Resolver<'a>,
    schema: &'a Schema,
    pointer: &str,
    hint: &str,
    depth: usize,
    is_named: bool,
) -> Lowered {
    if depth > MAX_DEPTH {
        cx.unsupported(
            pointer,
            format!("schema nested deeper than {MAX_DEPTH} levels"),
        );
        return json();
    }
    // Inline objects and enums become named types (unless this schema *is* the named type).
    if !is_named && (string_enum(schema).is_some() || object_parts_peek(schema)) {
        let name = claim_inline(cx, hint, pointer);
        let kind = kind_of(cx, &name, schema, pointer, depth);
        cx.types.insert(
            name.clone(),
            ir::TypeDef {
                name: name.clone(),
                spec_name: hint.to_owned(),
                pointer: pointer.to_owned(),
                doc: type_doc(schema),
                kind,
            },
        );
        return Lowered {
            ty: TypeRef::Named(name),
            wire: WireFormat::Plain,
            limits: limits_of(schema),
        };
    }
    if let Some(lowered) = lower_primitive(schema) {
        return lowered;
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::Array(a)) => {
            let items_pointer = join(pointer, "items");
            let item = match &a.items {
                Some(items) => lower(
                    cx,
                    items.into(),
                    &items_pointer,
                    &format!("{hint}Item"),
                    depth + 1,
                ),
                None => json(),
            };
            let mut limits = limits_of(schema);
            if !item.limits.is_empty() {
                limits.items = Some(Box::new(item.limits));
            }
            Lowered {
                ty: TypeRef::List(Box::new(item.ty)),
                wire: item.wire,
                limits,
            }
        }
        SchemaKind::Type(Type::Object(o)) => match &o.additional_properties {
            Some(AdditionalProperties::Schema(value)) => {
                let value_pointer = join(pointer, "additionalProperties");
                let value = lower(
                    cx,
                    value.as_ref().into(),
                    &value_pointer,
                    &format!("{hint}Value"),
                    depth + 1,
                );
                Lowered {
                    ty: TypeRef::Map(Box::new(value.ty)),
                    wire: WireFormat::Plain,
                    limits: ir::Limits::default(),
                }
            }
            _ => Lowered {
                ty: TypeRef::Map(Box::new(TypeRef::Prim(Prim::Json))),
                wire: WireFormat::Plain,
                limits: ir::Limits::default(),
            },
        },
        SchemaKind::OneOf { one_of } if one_of.len() == 1 => lower(
            cx,
            (&one_of[0]).into(),
            &join(pointer, "oneOf/0"),
            hint,
            depth + 1,
        ),
        SchemaKind::AnyOf { any_of } if any_of.len() == 1 => lower(
            cx,
            (&any_of[0]).into(),
            &join(pointer, "anyOf/0"),
            hint,
            depth + 1,
        ),
        SchemaKind::AllOf { all_of } if all_of.len() == 1 => lower(
            cx,
            (&all_of[0]).into(),
            &join(pointer, "allOf/0"),
            hint,
            depth + 1,
        ),
        SchemaKind::OneOf { .. } => {
            cx.unsupported(
                pointer,
                "oneOf with several alternatives (degraded to serde_json::Value)",
            );
            json()
        }
        SchemaKind::AnyOf { .. } => {
            cx.unsupported(
                pointer,
                "anyOf with several alternatives (degraded to serde_json::Value)",
            );
            json()
        }
        SchemaKind::AllOf { .. } => {
            // object_parts_peek said no: members are not all objects.
            cx.unsupported(
                pointer,
                "allOf of non-object schemas (degraded to serde_json::Value)",
            );
            json()
        }
        SchemaKind::Not { .. } => {
            cx.unsupported(pointer, "`not` schema (degraded to serde_json::Value)");
            json()
        }
        SchemaKind::Any(a) => {
            if !a.one_of.is_empty() || !a.any_of.is_empty() || !a.all_of.is_empty() {
                cx.unsupported(
                    pointer,
                    "schema mixing a type with oneOf/anyOf/allOf (degraded to serde_json::Value)",
                );
            }
            json()
        }
        SchemaKind::Type(_) => json(),
    }
}

/// Whether `schema` becomes a struct, without reporting anything.
fn object_parts_peek(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => all_of.len() > 1,
        _ => is_object_like(schema),
    }
}

fn claim_inline(cx: &mut Resolver, hint: &str, pointer: &str) -> String {
    let name = names::type_name(hint);
    if !cx.claimed.contains_key(&name) {
        cx.claim(&name, hint, pointer);
        return name;
    }
    let inline = format!("{name}Inline");
    cx.claim(&inline, hint, pointer);
    inline
}
