//! Schemas -> named types (`ir::TypeDef`) and type references (`ir::TypeRef`).

use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};

use super::{deprecation, doc_lines, Resolver};
use crate::diagnostics::join;
use crate::ir::{self, Prim, TypeRef, WireFormat};
use crate::names::{self, Kind, Place, Policy, Scope};

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
                ir::TypeKind::Alias(match target {
                    Some(target) => TypeRef::Named(target),
                    None => TypeRef::Prim(Prim::Json),
                }),
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

/// Defines a schema that a `$ref` points at outside `#/components/schemas`.
pub(crate) fn define_pointed<'a>(
    cx: &mut Resolver<'a>,
    rust_name: &str,
    reference: &str,
    schema: &'a Schema,
) {
    let kind = kind_of(cx, rust_name, schema, reference, 0);
    cx.types.insert(
        rust_name.to_owned(),
        ir::TypeDef {
            name: rust_name.to_owned(),
            spec_name: reference.to_owned(),
            pointer: reference.to_owned(),
            doc: type_doc(schema),
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

/// What Rust shape a schema takes.
enum Shape<'a> {
    /// A struct of (merged) properties.
    Struct,
    /// A string enum.
    Enum(Vec<&'a str>),
    /// One of several whole schemas (`oneOf`/`anyOf` keyword, alternatives).
    Union(&'static str, &'a [ReferenceOr<Schema>]),
    /// Exactly one schema of substance among `allOf` members (the others only annotate).
    Single(String, &'a ReferenceOr<Schema>),
    /// A primitive, list, map or anything else `lower_inline` handles.
    Other,
}

fn shape(schema: &Schema) -> Shape<'_> {
    if let Some(values) = string_enum(schema) {
        return Shape::Enum(values);
    }
    let has_x_oneof = schema.schema_data.extensions.contains_key("x-oneof");
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) if !o.properties.is_empty() || has_x_oneof => {
            Shape::Struct
        }
        SchemaKind::Any(a) if objectish_any(a) => {
            let alternatives = alternatives_of_any(a);
            if !a.properties.is_empty() || has_x_oneof {
                return Shape::Struct;
            }
            if !a.all_of.is_empty() {
                let effective = effective_members(&a.all_of);
                if effective.len() == 1 && alternatives.is_none() {
                    let (i, member) = effective[0];
                    return Shape::Single(format!("allOf/{i}"), member);
                }
                return Shape::Struct;
            }
            match alternatives {
                Some((keyword, list)) if list.len() > 1 => Shape::Union(keyword, list),
                Some((keyword, list)) if list.len() == 1 => {
                    Shape::Single(format!("{keyword}/0"), &list[0])
                }
                _ => Shape::Other,
            }
        }
        SchemaKind::AllOf { all_of } => {
            let effective = effective_members(all_of);
            match effective.as_slice() {
                [] => Shape::Other,
                [(i, member)] => Shape::Single(format!("allOf/{i}"), member),
                // Inline members that cannot be objects (`string` and `integer`) never merge.
                members
                    if members
                        .iter()
                        .any(|(_, m)| matches!(m, ReferenceOr::Item(s) if !objectish(s))) =>
                {
                    Shape::Other
                }
                _ => Shape::Struct,
            }
        }
        SchemaKind::OneOf { one_of } if one_of.len() > 1 => Shape::Union("oneOf", one_of),
        SchemaKind::AnyOf { any_of } if any_of.len() > 1 => Shape::Union("anyOf", any_of),
        SchemaKind::OneOf { one_of: list } | SchemaKind::AnyOf { any_of: list }
            if list.len() == 1 =>
        {
            let keyword = match &schema.schema_kind {
                SchemaKind::OneOf { .. } => "oneOf",
                _ => "anyOf",
            };
            Shape::Single(format!("{keyword}/0"), &list[0])
        }
        _ => Shape::Other,
    }
}

/// An untyped schema (`SchemaKind::Any`) that may be an object: no other `type`, no items,
/// no enum.
fn objectish_any(a: &openapiv3::AnySchema) -> bool {
    matches!(a.typ.as_deref(), None | Some("object"))
        && a.items.is_none()
        && a.enumeration.is_empty()
}

fn alternatives_of_any(a: &openapiv3::AnySchema) -> Option<Alternatives<'_>> {
    if !a.one_of.is_empty() {
        Some(("oneOf", &a.one_of))
    } else if !a.any_of.is_empty() {
        Some(("anyOf", &a.any_of))
    } else {
        None
    }
}

/// An inline schema that only annotates (description, nullable, `required`, ...) and has no
/// type, properties or composition of its own.
fn annotation_only(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Any(a) => {
            a.typ.is_none()
                && a.properties.is_empty()
                && a.additional_properties.is_none()
                && a.items.is_none()
                && a.enumeration.is_empty()
                && a.one_of.is_empty()
                && a.all_of.is_empty()
                && a.any_of.is_empty()
                && a.not.is_none()
                && !schema.schema_data.extensions.contains_key("x-oneof")
        }
        _ => false,
    }
}

/// `allOf` members that are not annotation-only, with their indexes.
fn effective_members(all_of: &[ReferenceOr<Schema>]) -> Vec<(usize, &ReferenceOr<Schema>)> {
    all_of
        .iter()
        .enumerate()
        .filter(|(_, m)| !matches!(m, ReferenceOr::Item(s) if annotation_only(s)))
        .collect()
}

/// Decides what Rust type a named schema becomes.
fn kind_of<'a>(
    cx: &mut Resolver<'a>,
    rust_name: &str,
    schema: &'a Schema,
    pointer: &str,
    depth: usize,
) -> ir::TypeKind {
    if depth > MAX_DEPTH {
        cx.unsupported(
            pointer,
            format!("schema nested deeper than {MAX_DEPTH} levels (degraded to serde_json::Value)"),
        );
        return ir::TypeKind::Alias(TypeRef::Prim(Prim::Json));
    }
    match shape(schema) {
        Shape::Struct => match object_parts(cx, schema, pointer, &mut Vec::new(), false, depth) {
            Some(parts) => ir::TypeKind::Struct(build_struct(cx, rust_name, parts, pointer, depth)),
            None => ir::TypeKind::Alias(TypeRef::Prim(Prim::Json)),
        },
        Shape::Enum(values) => ir::TypeKind::Enum(build_enum(cx, values, schema, pointer)),
        Shape::Union(keyword, alternatives) => ir::TypeKind::OneOf(super::unions::build_union(
            cx,
            rust_name,
            schema,
            keyword,
            alternatives,
            pointer,
            depth,
        )),
        Shape::Single(place, member) => {
            let member_pointer = join_path(pointer, &place);
            match member {
                // An inline member is this type's own definition.
                ReferenceOr::Item(member_schema) => {
                    kind_of(cx, rust_name, member_schema, &member_pointer, depth + 1)
                }
                ReferenceOr::Reference { .. } => {
                    let lowered = lower(cx, member.into(), &member_pointer, rust_name, depth + 1);
                    ir::TypeKind::Alias(lowered.ty)
                }
            }
        }
        Shape::Other => {
            let lowered = lower_inline(cx, schema, pointer, rust_name, depth, true);
            ir::TypeKind::Alias(lowered.ty)
        }
    }
}

/// Joins a relative path of segments (`allOf/0`) to a pointer.
pub(crate) fn join_path(pointer: &str, path: &str) -> String {
    path.split('/').fold(pointer.to_owned(), |p, s| join(&p, s))
}

fn string_enum(schema: &Schema) -> Option<Vec<&str>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) if s.enumeration.iter().any(Option::is_some) => {
            Some(s.enumeration.iter().flatten().map(String::as_str).collect())
        }
        _ => None,
    }
}

fn build_enum(cx: &mut Resolver, values: Vec<&str>, schema: &Schema, pointer: &str) -> ir::Enum {
    let descriptions = schema.schema_data.extensions.get("x-enum-descriptions");
    let mut variants: Vec<ir::Variant> = Vec::new();
    let mut scope = Scope::new(Kind::Variant, Policy::for_mode(cx.strict));
    for (i, value) in values.into_iter().enumerate() {
        if variants.iter().any(|v| v.wire_name == value) {
            // A repeated value: nothing to add.
            continue;
        }
        let at = join(&join(pointer, "enum"), &i.to_string());
        let label = format!("enum value `{value}`");
        let place = Place::new(&label, &at).at_index(i);
        let Some(name) = cx.claim_in(&mut scope, &names::variant_name(value), place) else {
            continue;
        };
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
pub(crate) struct ObjectParts<'a> {
    properties: Vec<(String, Slot<'a>, String)>,
    required: Vec<String>,
    oneofs: Vec<(String, Vec<String>, String)>,
}

impl<'a> ObjectParts<'a> {
    /// Adds `other`'s pieces; `override_existing` decides who wins a property both have.
    fn merge(&mut self, other: ObjectParts<'a>, override_existing: bool) {
        for property in other.properties {
            if self.properties.iter().any(|(n, _, _)| *n == property.0) {
                if !override_existing {
                    continue;
                }
                self.properties.retain(|(n, _, _)| *n != property.0);
            }
            self.properties.push(property);
        }
        self.required.extend(other.required);
        self.oneofs.extend(other.oneofs);
    }
}

/// Collects properties of an object schema, following `allOf` (merged), `oneOf`/`anyOf` next to
/// properties (each alternative's properties become optional) and `$ref`s. `None` (reported)
/// when a member is not an object.
fn object_parts<'a>(
    cx: &mut Resolver<'a>,
    schema: &'a Schema,
    pointer: &str,
    stack: &mut Vec<String>,
    optional: bool,
    depth: usize,
) -> Option<ObjectParts<'a>> {
    if depth > MAX_DEPTH {
        cx.unsupported(
            pointer,
            format!("schema nested deeper than {MAX_DEPTH} levels (degraded to serde_json::Value)"),
        );
        return None;
    }
    let mut parts = ObjectParts {
        properties: Vec::new(),
        required: Vec::new(),
        oneofs: Vec::new(),
    };
    let order = cx.property_order;
    let own = |properties: &'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
               required: &[String],
               parts: &mut ObjectParts<'a>| {
        let at = join(pointer, "properties");
        for (name, slot) in in_spec_order(properties, order.of(&at)) {
            parts
                .properties
                .push((name.clone(), slot.into(), join(&at, name)));
        }
        if !optional {
            parts.required.extend(required.iter().cloned());
        }
    };
    let (all_of, alternatives): (&[ReferenceOr<Schema>], Option<Alternatives<'a>>) =
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => {
                own(&o.properties, &o.required, &mut parts);
                (&[], None)
            }
            SchemaKind::Any(a) if objectish_any(a) => {
                own(&a.properties, &a.required, &mut parts);
                (&a.all_of, alternatives_of_any(a))
            }
            SchemaKind::AllOf { all_of } => (all_of, None),
            SchemaKind::OneOf { one_of } => (&[], Some(("oneOf", one_of.as_slice()))),
            SchemaKind::AnyOf { any_of } => (&[], Some(("anyOf", any_of.as_slice()))),
            _ => return None,
        };
    for (i, member) in all_of.iter().enumerate() {
        let member_pointer = join(&join(pointer, "allOf"), &i.to_string());
        let member_parts = member_parts(cx, member, &member_pointer, stack, optional, depth)?;
        parts.merge(member_parts, true);
    }
    if let Some((keyword, list)) = alternatives {
        for (i, member) in list.iter().enumerate() {
            let member_pointer = join(&join(pointer, keyword), &i.to_string());
            match member_parts(cx, member, &member_pointer, stack, true, depth) {
                Some(member_parts) => parts.merge(member_parts, false),
                None => return None,
            }
        }
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

/// The properties of an object in the order the spec text lists them (`order`, when known;
/// else the map's order). Fields come out in this order, as protobuf fields come out in the
/// order of the `.proto` file: what readers of the spec's documentation expect, and never an
/// accident of how a JSON map stores its keys.
fn in_spec_order<'p, T>(
    properties: &'p indexmap::IndexMap<String, T>,
    order: Option<&[String]>,
) -> Vec<(&'p String, &'p T)> {
    let mut listed: Vec<(&String, &T)> = properties.iter().collect();
    if let Some(order) = order {
        let position = |name: &str| order.iter().position(|k| k == name).unwrap_or(usize::MAX);
        listed.sort_by_key(|(name, _)| position(name));
    }
    listed
}

/// The keyword (`oneOf`/`anyOf`) and the alternatives of a schema.
type Alternatives<'a> = (&'static str, &'a [ReferenceOr<Schema>]);

/// The pieces of one `allOf`/`oneOf`/`anyOf` member of an object.
fn member_parts<'a>(
    cx: &mut Resolver<'a>,
    member: &'a ReferenceOr<Schema>,
    member_pointer: &str,
    stack: &mut Vec<String>,
    optional: bool,
    depth: usize,
) -> Option<ObjectParts<'a>> {
    let (member_schema, at, pushed) = match member {
        ReferenceOr::Item(s) => {
            if annotation_only(s) {
                let mut parts = ObjectParts {
                    properties: Vec::new(),
                    required: Vec::new(),
                    oneofs: Vec::new(),
                };
                if let SchemaKind::Any(a) = &s.schema_kind {
                    if !optional {
                        parts.required.extend(a.required.iter().cloned());
                    }
                }
                return Some(parts);
            }
            (s, member_pointer.to_owned(), false)
        }
        ReferenceOr::Reference { reference } => {
            if stack.contains(reference) {
                cx.lenient_error(
                    member_pointer,
                    format!("allOf includes itself through {reference} (the repeated member is left out)"),
                );
                return Some(ObjectParts {
                    properties: Vec::new(),
                    required: Vec::new(),
                    oneofs: Vec::new(),
                });
            }
            let name = reference
                .strip_prefix("#/components/schemas/")
                .map(|n| n.replace("~1", "/").replace("~0", "~"));
            let found = name.as_deref().and_then(|n| cx.component_schema(n));
            let Some(ReferenceOr::Item(s)) = found else {
                cx.component_ref(reference, member_pointer);
                return None;
            };
            stack.push(reference.clone());
            (
                s,
                join("#/components/schemas", name.as_deref().unwrap_or("")),
                true,
            )
        }
    };
    if !objectish(member_schema) {
        if pushed {
            stack.pop();
        }
        cx.unsupported(
            member_pointer,
            "allOf/oneOf/anyOf member that is not an object, next to object members (degraded to serde_json::Value)",
        );
        return None;
    }
    let parts = object_parts(cx, member_schema, &at, stack, optional, depth + 1);
    if pushed {
        stack.pop();
    }
    parts
}

/// Whether a schema can contribute properties to an object.
fn objectish(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(_))
        | SchemaKind::AllOf { .. }
        | SchemaKind::OneOf { .. }
        | SchemaKind::AnyOf { .. } => true,
        SchemaKind::Any(a) => objectish_any(a),
        _ => false,
    }
}

fn build_struct<'a>(
    cx: &mut Resolver<'a>,
    rust_name: &str,
    parts: ObjectParts<'a>,
    pointer: &str,
    depth: usize,
) -> ir::Struct {
    let mut fields: Vec<ir::Field> = Vec::new();
    let mut scope = Scope::new(Kind::Field, Policy::for_mode(cx.strict));
    let mut module = GroupModule::new(cx, pointer);
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
            let properties = &parts.properties;
            let field = build_oneof(
                cx,
                rust_name,
                &mut module,
                group,
                members,
                properties,
                at,
                parts.oneofs.len() == 1,
                depth,
            );
            if let Some(field) = field {
                push_field(cx, &mut scope, &mut fields, field, at);
            }
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
        push_field(cx, &mut scope, &mut fields, field, prop_pointer);
    }
    ir::Struct { fields }
}

/// Names `field` in its struct's `scope` and adds it (unless refused).
fn push_field(
    cx: &mut Resolver,
    scope: &mut Scope,
    fields: &mut Vec<ir::Field>,
    mut field: ir::Field,
    pointer: &str,
) {
    let label = if field.flatten {
        format!("x-oneof group `{}`", field.wire_name)
    } else {
        format!("property `{}`", field.wire_name)
    };
    let Some(name) = cx.claim_in(scope, &field.name, Place::new(&label, pointer)) else {
        return;
    };
    field.name = name;
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
        value: ir::Member {
            doc,
            ty: lowered.ty,
            wire: lowered.wire,
            read_only,
            deprecated,
            limits: lowered.limits,
        },
        required: required && !nullable && !read_only,
        flatten: false,
    }
}

/// The module of a struct's oneof groups (`participant_id` for `ParticipantId`), claimed once
/// per struct; the group enums are named in it (prost's layout: `participant_id::Id`).
pub(crate) struct GroupModule {
    pointer: String,
    name: Option<Option<String>>,
    enums: Scope,
}

impl GroupModule {
    fn new(cx: &Resolver, pointer: &str) -> Self {
        GroupModule {
            pointer: pointer.to_owned(),
            name: None,
            enums: Scope::new(Kind::Type, Policy::for_mode(cx.strict)),
        }
    }

    /// The module's name, claimed on first use (`None` when refused).
    fn name(&mut self, cx: &mut Resolver, parent: &str) -> Option<String> {
        if self.name.is_none() {
            let mut modules = std::mem::replace(
                &mut cx.module_names,
                Scope::new(Kind::Field, Policy::Refuse),
            );
            let label = format!("the oneof groups of `{parent}`");
            let candidate = names::field_name(parent);
            let place = Place::new(&label, &self.pointer);
            self.name = Some(cx.claim_in(&mut modules, &candidate, place));
            cx.module_names = modules;
        }
        self.name.clone().flatten()
    }
}

#[allow(clippy::too_many_arguments)]
fn build_oneof<'a>(
    cx: &mut Resolver<'a>,
    parent: &str,
    module: &mut GroupModule,
    group: &str,
    members: &[String],
    properties: &[(String, Slot<'a>, String)],
    pointer: &str,
    takes_unknown_keys: bool,
    depth: usize,
) -> Option<ir::Field> {
    let mut arms: Vec<ir::OneOfArm> = Vec::new();
    let mut scope = Scope::new(Kind::Variant, Policy::for_mode(cx.strict));
    for member in members {
        let Some((_, slot, prop_pointer)) = properties.iter().find(|(n, _, _)| n == member) else {
            continue;
        };
        let hint = format!("{parent}{}", names::type_name(member));
        let field = build_field(cx, member, *slot, false, prop_pointer, &hint, depth);
        let label = format!("oneof member `{member}`");
        let place = Place::new(&label, prop_pointer);
        let Some(name) = cx.claim_in(&mut scope, &names::type_name(member), place) else {
            continue;
        };
        arms.push(ir::OneOfArm {
            name,
            wire_name: member.clone(),
            tag_values: Vec::new(),
            value: field.value,
        });
    }
    let keys: Vec<String> = members.iter().map(|m| format!("`{m}`")).collect();
    let doc = vec![format!(
        "At most one of {} is present in the JSON object.",
        keys.join(", ")
    )];
    let module_name = module.name(cx, parent)?;
    let label = format!("x-oneof group `{group}` of `{parent}`");
    let enum_name = cx.claim_in(
        &mut module.enums,
        &names::type_name(group),
        Place::new(&label, pointer),
    )?;
    let path = format!("{module_name}::{enum_name}");
    cx.types.insert(
        path.clone(),
        ir::TypeDef {
            name: path.clone(),
            spec_name: format!("{parent}.{group}"),
            pointer: pointer.to_owned(),
            doc: doc.clone(),
            kind: ir::TypeKind::OneOf(ir::OneOf {
                arms,
                repr: ir::OneOfRepr::Keyed { takes_unknown_keys },
            }),
        },
    );
    Some(ir::Field {
        name: names::field_name(group),
        wire_name: group.to_owned(),
        value: ir::Member {
            doc,
            ty: TypeRef::Named(path),
            wire: WireFormat::Plain,
            read_only: false,
            deprecated: None,
            limits: ir::Limits::default(),
        },
        required: false,
        flatten: true,
    })
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
            format!("schema nested deeper than {MAX_DEPTH} levels (degraded to serde_json::Value)"),
        );
        return json();
    }
    let shape = shape(schema);
    if let Shape::Single(place, member) = &shape {
        return lower(
            cx,
            (*member).into(),
            &join_path(pointer, place),
            hint,
            depth + 1,
        );
    }
    // Inline objects, enums and unions become named types (unless this schema *is* the named
    // type).
    if !is_named && matches!(shape, Shape::Struct | Shape::Enum(_) | Shape::Union(..)) {
        let Some(name) = claim_inline(cx, hint, pointer) else {
            return json();
        };
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
            lower_array(cx, schema, a.items.as_ref(), pointer, hint, depth)
        }
        SchemaKind::Type(Type::Object(o)) => {
            lower_map(cx, o.additional_properties.as_ref(), pointer, hint, depth)
        }
        SchemaKind::Any(a) => match a.typ.as_deref() {
            Some("array") => lower_array(cx, schema, a.items.as_ref(), pointer, hint, depth),
            Some("object") | None if a.additional_properties.is_some() => {
                lower_map(cx, a.additional_properties.as_ref(), pointer, hint, depth)
            }
            Some("string") => prim(Prim::String),
            Some("integer") => Lowered {
                ty: TypeRef::Prim(Prim::I64),
                wire: WireFormat::LenientInt,
                limits: ir::Limits::default(),
            },
            Some("number") => prim(Prim::F64),
            Some("boolean") => prim(Prim::Bool),
            Some("object") => lower_map(cx, None, pointer, hint, depth),
            _ => json(),
        },
        SchemaKind::AllOf { .. } => {
            // `shape` found members of substance that do not merge into one object.
            cx.unsupported(
                pointer,
                "allOf of schemas that do not merge into one object (degraded to serde_json::Value)",
            );
            json()
        }
        // `not` only constrains: any JSON value is the honest type.
        SchemaKind::Not { .. } => json(),
        SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } | SchemaKind::Type(_) => json(),
    }
}

fn prim(prim: Prim) -> Lowered {
    Lowered {
        ty: TypeRef::Prim(prim),
        wire: WireFormat::Plain,
        limits: ir::Limits::default(),
    }
}

fn lower_array<'a>(
    cx: &mut Resolver<'a>,
    schema: &'a Schema,
    items: Option<&'a ReferenceOr<Box<Schema>>>,
    pointer: &str,
    hint: &str,
    depth: usize,
) -> Lowered {
    let items_pointer = join(pointer, "items");
    let item = match items {
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

fn lower_map<'a>(
    cx: &mut Resolver<'a>,
    additional: Option<&'a AdditionalProperties>,
    pointer: &str,
    hint: &str,
    depth: usize,
) -> Lowered {
    let (value, wire) = match additional {
        Some(AdditionalProperties::Schema(value)) => {
            let value_pointer = join(pointer, "additionalProperties");
            let value = lower(
                cx,
                value.as_ref().into(),
                &value_pointer,
                &format!("{hint}Value"),
                depth + 1,
            );
            (value.ty, value.wire)
        }
        _ => (TypeRef::Prim(Prim::Json), WireFormat::Plain),
    };
    Lowered {
        ty: TypeRef::Map(Box::new(value)),
        wire,
        limits: ir::Limits::default(),
    }
}

/// Claims the name of an inline type: its place name, else that name plus `Inline`, else (lenient)
/// a suffix from its pointer.
pub(crate) fn claim_inline(cx: &mut Resolver, hint: &str, pointer: &str) -> Option<String> {
    let name = names::type_name(hint);
    if !cx.type_names.is_taken(&name) {
        return cx.claim(&name, hint, pointer);
    }
    let inline = format!("{name}Inline");
    cx.claim(&inline, hint, pointer)
}
