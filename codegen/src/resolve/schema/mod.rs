//! Schemas -> named types (`ir::TypeDef`) and type references (`ir::TypeRef`), in four parts:
//! [`shapes`] decides what Rust shape a schema takes; [`objects`] merges an object's properties
//! (allOf members, oneOf/anyOf next to properties, `x-oneof` groups) into a struct;
//! [`lowering`] turns a schema slot into a type reference, naming inline types by their place;
//! [`limits`] reads documented limits and formats. This module defines named types.

mod limits;
mod lowering;
mod objects;
mod shapes;

pub(crate) use lowering::lower;
pub(crate) use objects::{properties_of, Property};

use limits::*;
use lowering::*;
use objects::*;
use shapes::*;

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

/// Helpers for the tests of the schema modules: a spec of component schemas, resolved.
#[cfg(test)]
pub(super) mod test_spec {
    use crate::diagnostics::Diagnostic;
    use crate::ir;

    /// `schemas` (YAML, indented by 4) as the component schemas of a spec, resolved.
    pub(in crate::resolve) fn resolve(schemas: &str, strict: bool) -> (ir::Api, Vec<Diagnostic>) {
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{schemas}"
        );
        let loaded = crate::load::parse("t.yaml", text.as_bytes()).expect("loads");
        super::super::resolve(&loaded, strict)
    }

    /// The type `name` of a resolved spec.
    pub(in crate::resolve) fn type_of<'a>(api: &'a ir::Api, name: &str) -> &'a ir::TypeKind {
        &api.types
            .iter()
            .find(|t| t.name == name)
            .unwrap_or_else(|| panic!("no type {name} in {:?}", api.types))
            .kind
    }

    /// The fields of the struct `name`: (Rust name, type, required).
    pub(in crate::resolve) fn fields(
        api: &ir::Api,
        name: &str,
    ) -> Vec<(String, ir::TypeRef, bool)> {
        match type_of(api, name) {
            ir::TypeKind::Struct(s) => s
                .fields
                .iter()
                .map(|f| (f.name.clone(), f.value.ty.clone(), f.required))
                .collect(),
            other => panic!("{name} is {other:?}"),
        }
    }
}
