//! Schema slots -> type references (`ir::TypeRef`) with their wire format and limits; inline
//! objects, enums and unions become named types, named after their place.

use super::*;

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

pub(super) fn json() -> Lowered {
    Lowered {
        ty: TypeRef::Prim(Prim::Json),
        wire: WireFormat::Plain,
        limits: ir::Limits::default(),
    }
}

/// When `reference` names a component that is a primitive without an enum, its lowering.
pub(super) fn primitive_component(cx: &mut Resolver, reference: &str) -> Option<Lowered> {
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

pub(super) fn lower_primitive(schema: &Schema) -> Option<Lowered> {
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

pub(super) fn lower_inline<'a>(
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

pub(super) fn prim(prim: Prim) -> Lowered {
    Lowered {
        ty: TypeRef::Prim(prim),
        wire: WireFormat::Plain,
        limits: ir::Limits::default(),
    }
}

pub(super) fn lower_array<'a>(
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

pub(super) fn lower_map<'a>(
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

#[cfg(test)]
mod tests {
    use super::super::test_spec::{fields, resolve, type_of};
    use crate::ir::{Prim, TypeKind, TypeRef, WireFormat};

    /// Inline objects are named after their place; lists and maps keep their items' wire
    /// format; a name already taken gets `Inline`.
    #[test]
    fn inline_schemas_are_named_after_their_place() {
        let (api, diagnostics) = resolve(
            "    Pet:\n      properties:\n        owner:\n          properties:\n            name: {type: string}\n        counts:\n          type: array\n          items: {type: string, format: int64}\n        tags:\n          additionalProperties: {type: integer}\n    PetOwner:\n      type: string\n",
            true,
        );
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let pet = fields(&api, "Pet");
        assert_eq!(pet[0].1, TypeRef::Named("PetOwnerInline".to_owned()));
        assert!(matches!(
            type_of(&api, "PetOwnerInline"),
            TypeKind::Struct(_)
        ));
        assert_eq!(pet[1].1, TypeRef::List(Box::new(TypeRef::Prim(Prim::I64))));
        assert_eq!(pet[2].1, TypeRef::Map(Box::new(TypeRef::Prim(Prim::I64))));
        let TypeKind::Struct(s) = type_of(&api, "Pet") else {
            panic!("struct")
        };
        assert_eq!(s.fields[1].value.wire, WireFormat::Int64String);
        assert_eq!(s.fields[2].value.wire, WireFormat::LenientInt);
    }

    /// A `$ref` to a primitive component keeps the primitive's wire format; a dangling one is
    /// an error naming the reference.
    #[test]
    fn references_are_followed() {
        let (api, diagnostics) = resolve(
            "    Id: {type: string, format: int64}\n    Pet:\n      properties:\n        id: {$ref: '#/components/schemas/Id'}\n        gone: {$ref: '#/components/schemas/Gone'}\n",
            false,
        );
        let TypeKind::Struct(s) = type_of(&api, "Pet") else {
            panic!("struct")
        };
        assert_eq!(s.fields[0].value.ty, TypeRef::Prim(Prim::I64));
        assert_eq!(s.fields[0].value.wire, WireFormat::Int64String);
        assert_eq!(s.fields[1].value.ty, TypeRef::Prim(Prim::Json));
        assert!(
            diagnostics.iter().any(|d| d
                .message
                .contains("$ref target not found: #/components/schemas/Gone")),
            "{diagnostics:?}"
        );
    }

    /// Nesting deeper than the limit is reported, never overflows the stack.
    #[test]
    fn deep_nesting_is_reported() {
        let mut schema = String::from("{type: string}");
        for _ in 0..60 {
            schema = format!("{{type: array, items: {schema}}}");
        }
        let (_, diagnostics) = resolve(&format!("    Deep: {schema}\n"), false);
        assert!(
            diagnostics
                .iter()
                .any(|d| d.message.contains("nested deeper than")),
            "{diagnostics:?}"
        );
    }
}
