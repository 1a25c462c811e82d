//! `oneOf`/`anyOf` of whole schemas -> `ir::OneOf` with an `Untagged` or `Tagged` repr.
//!
//! With a usable `discriminator` (every alternative a `$ref` to an object that has the
//! property) the alternatives are told apart by the property's value; otherwise by shape, the
//! first alternative that decodes winning. Either way a value that fits no alternative is kept
//! as JSON, so decoding never fails on novelty.

use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

use super::schema::lower;
use super::{doc_lines, Resolver};
use crate::diagnostics::join;
use crate::ir::{self, Prim, TypeRef};
use crate::names::{self, Kind, Place, Policy, Scope};

/// Builds the union `rust_name` from the alternatives listed under `keyword` of `schema`.
pub(crate) fn build_union<'a>(
    cx: &mut Resolver<'a>,
    rust_name: &str,
    schema: &'a Schema,
    keyword: &str,
    alternatives: &'a [ReferenceOr<Schema>],
    pointer: &str,
    depth: usize,
) -> ir::OneOf {
    let mut arms: Vec<ir::OneOfArm> = Vec::new();
    // Variant names come from type names, already unique: a clash is renamed quietly.
    let mut scope = Scope::new(Kind::Variant, Policy::RenameQuietly);
    for (i, alternative) in alternatives.iter().enumerate() {
        let at = join(&join(pointer, keyword), &i.to_string());
        let title = match alternative {
            ReferenceOr::Item(s) => s.schema_data.title.as_deref().map(names::type_name),
            ReferenceOr::Reference { .. } => None,
        };
        let place = format!("{}{i}", names::type_name(keyword));
        let hint = format!("{rust_name}{}", title.as_deref().unwrap_or(&place));
        let lowered = lower(cx, alternative.into(), &at, &hint, depth + 1);
        if arms.iter().any(|a| a.value.ty == lowered.ty) {
            // The same type twice can never be told apart; the first one stands for both.
            continue;
        }
        let base = match &title {
            Some(title) => title.clone(),
            None => variant_word(&lowered.ty, rust_name, &place),
        };
        let place = Place::new(keyword, &at).at_index(i);
        let Some(name) = cx.claim_in(&mut scope, &names::variant_name(&base), place) else {
            continue;
        };
        let doc = match alternative {
            ReferenceOr::Item(s) => doc_lines(s.schema_data.description.as_deref()),
            ReferenceOr::Reference { .. } => Vec::new(),
        };
        let wire_name = match alternative {
            ReferenceOr::Reference { reference } => reference.clone(),
            ReferenceOr::Item(_) => format!("{keyword}/{i}"),
        };
        arms.push(ir::OneOfArm {
            name,
            wire_name,
            tag_values: Vec::new(),
            value: ir::Member {
                doc,
                ty: lowered.ty,
                wire: lowered.wire,
                read_only: false,
                deprecated: None,
                limits: lowered.limits,
            },
        });
    }
    let repr = match tagging(cx, schema, alternatives, &arms) {
        Some((property, values)) => {
            for (arm, values) in arms.iter_mut().zip(values) {
                arm.tag_values = values;
            }
            ir::OneOfRepr::Tagged { property }
        }
        None => ir::OneOfRepr::Untagged,
    };
    ir::OneOf { arms, repr }
}

/// A variant name from the alternative's type: `Cat`, `String`, `Integer`, `StringList`.
fn variant_word(ty: &TypeRef, parent: &str, place: &str) -> String {
    match ty {
        TypeRef::Named(n) | TypeRef::Boxed(n) => {
            // An inline alternative is named `{parent}{place}`: the variant is `{place}`.
            match n.strip_prefix(parent) {
                Some(rest)
                    if !rest.is_empty() && rest.starts_with(|c: char| c.is_ascii_uppercase()) =>
                {
                    rest.to_owned()
                }
                _ => n.clone(),
            }
        }
        TypeRef::Prim(p) => match p {
            Prim::String => "String",
            Prim::Bool => "Boolean",
            Prim::I32 | Prim::I64 => "Integer",
            Prim::F32 | Prim::F64 => "Number",
            Prim::Uuid => "Uuid",
            Prim::DateTime => "Timestamp",
            Prim::Date => "Date",
            Prim::Json => place,
        }
        .to_owned(),
        TypeRef::List(inner) => format!("{}List", variant_word(inner, parent, place)),
        TypeRef::Map(inner) => format!("{}Map", variant_word(inner, parent, place)),
    }
}

/// The discriminator property and each arm's values, when the discriminator can tell every
/// alternative apart: each is a `$ref` to a component object that has the property.
fn tagging(
    cx: &Resolver,
    schema: &Schema,
    alternatives: &[ReferenceOr<Schema>],
    arms: &[ir::OneOfArm],
) -> Option<(String, Vec<Vec<String>>)> {
    let discriminator = schema.schema_data.discriminator.as_ref()?;
    let property = &discriminator.property_name;
    let mut values: Vec<Vec<String>> = Vec::new();
    let mut taken: Vec<String> = Vec::new();
    for arm in arms {
        // Arms were deduplicated: find the alternative by its wire name (the reference).
        let reference = alternatives.iter().find_map(|a| match a {
            ReferenceOr::Reference { reference } if *reference == arm.wire_name => {
                Some(reference.as_str())
            }
            _ => None,
        })?;
        let name = reference.strip_prefix("#/components/schemas/")?;
        if !has_property(cx, &unescape(name), property, 0) {
            return None;
        }
        let mut arm_values: Vec<String> = discriminator
            .mapping
            .iter()
            .filter(|(_, target)| *target == reference || *target == name)
            .map(|(value, _)| value.clone())
            .collect();
        if arm_values.is_empty() {
            arm_values.push(name.to_owned());
        }
        arm_values.retain(|v| !taken.contains(v));
        if arm_values.is_empty() {
            return None;
        }
        taken.extend(arm_values.iter().cloned());
        values.push(arm_values);
    }
    Some((property.clone(), values))
}

/// Whether the component schema `name` (through `allOf` and `$ref`s) declares `property`.
fn has_property(cx: &Resolver, name: &str, property: &str, depth: usize) -> bool {
    if depth > 8 {
        return false;
    }
    let Some(ReferenceOr::Item(schema)) = cx.component_schema(name) else {
        return false;
    };
    let (properties, all_of) = match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => (Some(&o.properties), None),
        SchemaKind::Any(a) => (Some(&a.properties), Some(&a.all_of)),
        SchemaKind::AllOf { all_of } => (None, Some(all_of)),
        _ => (None, None),
    };
    if properties.is_some_and(|p| p.contains_key(property)) {
        return true;
    }
    all_of.into_iter().flatten().any(|member| match member {
        ReferenceOr::Reference { reference } => reference
            .strip_prefix("#/components/schemas/")
            .is_some_and(|n| has_property(cx, &unescape(n), property, depth + 1)),
        ReferenceOr::Item(s) => match &s.schema_kind {
            SchemaKind::Type(Type::Object(o)) => o.properties.contains_key(property),
            SchemaKind::Any(a) => a.properties.contains_key(property),
            _ => false,
        },
    })
}

fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}
