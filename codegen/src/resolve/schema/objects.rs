//! Object schemas -> structs: properties collected in spec order, `allOf` members merged,
//! `oneOf`/`anyOf` members next to properties made optional, `x-oneof` groups turned into
//! flattened enums in a module named after the struct.

use super::*;

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

/// A property: its name, schema slot and pointer.
pub(crate) type Property<'a> = (String, Slot<'a>, String);

/// The properties (name, slot, pointer, in spec order) and the required names of an object
/// schema written in place or behind a `$ref`, `allOf` members merged; `None` when it is no
/// object. For bodies sent by property (multipart forms).
pub(crate) fn properties_of<'a>(
    cx: &mut Resolver<'a>,
    slot: Slot<'a>,
    pointer: &str,
) -> Option<(Vec<Property<'a>>, Vec<String>)> {
    let mut slot = slot;
    let mut at = pointer.to_owned();
    for _ in 0..8 {
        match slot {
            Slot::Inline(schema) => {
                let parts = object_parts(cx, schema, &at, &mut Vec::new(), false, 0)?;
                return Some((parts.properties, parts.required));
            }
            Slot::Ref(reference) => {
                let name = reference.strip_prefix("#/components/schemas/")?;
                let name = name.replace("~1", "/").replace("~0", "~");
                slot = Slot::from(cx.component_schema(&name)?);
                at = join("#/components/schemas", &name);
            }
        }
    }
    None
}

/// Collects properties of an object schema, following `allOf` (merged), `oneOf`/`anyOf` next to
/// properties (each alternative's properties become optional) and `$ref`s. `None` (reported)
/// when a member is not an object.
pub(super) fn object_parts<'a>(
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
pub(super) fn in_spec_order<'p, T>(
    properties: &'p indexmap::IndexMap<String, T>,
    order: Option<&[String]>,
) -> Vec<(&'p String, &'p T)> {
    let Some(order) = order else {
        return properties.iter().collect();
    };
    // The listed names first (each at its first place), then any the text did not list, in
    // the map's order.
    let mut listed = Vec::with_capacity(properties.len());
    let mut taken = vec![false; properties.len()];
    for name in order {
        if let Some((i, name, value)) = properties.get_full(name.as_str()) {
            if !std::mem::replace(&mut taken[i], true) {
                listed.push((name, value));
            }
        }
    }
    listed.extend(
        properties
            .iter()
            .zip(&taken)
            .filter(|(_, taken)| !**taken)
            .map(|(entry, _)| entry),
    );
    listed
}

/// The pieces of one `allOf`/`oneOf`/`anyOf` member of an object.
pub(super) fn member_parts<'a>(
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

pub(super) fn build_struct<'a>(
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
pub(super) fn push_field(
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

pub(super) fn build_field<'a>(
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
            let label = format!("the oneof groups of `{parent}`");
            let place = Place::new(&label, &self.pointer);
            let claimed = cx.module_names.claim(&names::field_name(parent), place);
            self.name = Some(cx.settle(&self.pointer, claimed));
        }
        self.name.clone().flatten()
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn build_oneof<'a>(
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

#[cfg(test)]
mod tests {
    use super::super::test_spec::{fields, resolve};
    use crate::ir::{Prim, TypeRef};

    fn string() -> TypeRef {
        TypeRef::Prim(Prim::String)
    }

    /// The text's order wins, each name at its first place; names the text does not list
    /// follow in the map's order; listed names the map lacks are ignored.
    #[test]
    fn properties_come_in_the_text_order() {
        let map: indexmap::IndexMap<String, u8> = [("a", 1), ("b", 2), ("c", 3), ("d", 4)]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        let order: Vec<String> = ["c", "x", "a", "c"].map(str::to_owned).to_vec();
        let names = |order: Option<&[String]>| -> Vec<&str> {
            super::in_spec_order(&map, order)
                .into_iter()
                .map(|(k, _)| k.as_str())
                .collect()
        };
        assert_eq!(names(Some(&order)), ["c", "a", "b", "d"]);
        assert_eq!(names(None), ["a", "b", "c", "d"]);
    }

    /// allOf members merge after the object's own properties; a later member overrides an
    /// earlier property; `required` anywhere applies.
    #[test]
    fn all_of_members_merge_in_order() {
        let (api, diagnostics) = resolve(
            "    Base:\n      properties:\n        id: {type: string}\n        kind: {type: integer}\n    Pet:\n      required: [id]\n      properties:\n        own: {type: string}\n      allOf:\n        - $ref: '#/components/schemas/Base'\n        - properties:\n            kind: {type: string}\n          required: [own]\n",
            true,
        );
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(
            fields(&api, "Pet"),
            [
                ("own".to_owned(), string(), true),
                ("id".to_owned(), string(), true),
                ("kind".to_owned(), string(), false),
            ]
        );
    }

    /// Properties of oneOf/anyOf alternatives next to properties are optional.
    #[test]
    fn alternatives_next_to_properties_are_optional() {
        let (api, _) = resolve(
            "    Pet:\n      type: object\n      required: [name]\n      properties:\n        name: {type: string}\n      oneOf:\n        - required: [bark]\n          properties:\n            bark: {type: string}\n        - properties:\n            meow: {type: string}\n",
            true,
        );
        assert_eq!(
            fields(&api, "Pet"),
            [
                ("name".to_owned(), string(), true),
                ("bark".to_owned(), string(), false),
                ("meow".to_owned(), string(), false),
            ]
        );
    }

    /// `x-oneof` mistakes are errors that name the group.
    #[test]
    fn x_oneof_mistakes_are_reported() {
        let (_, diagnostics) = resolve(
            "    Pet:\n      required: [a]\n      x-oneof:\n        g: [a, missing]\n        h: [a]\n      properties:\n        a: {type: string}\n",
            true,
        );
        let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert!(
            messages
                .iter()
                .any(|m| m.contains("`missing`, which is not a property")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("more than one x-oneof group")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("must not be listed in `required`")),
            "{messages:?}"
        );
    }
}
