//! What Rust shape a schema takes: a struct, an enum, a union, one member of substance
//! (`allOf` with annotations) or something `lowering` handles (primitives, lists, maps).

use super::*;

/// What Rust shape a schema takes.
pub(super) enum Shape<'a> {
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

pub(super) fn shape(schema: &Schema) -> Shape<'_> {
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
pub(super) fn objectish_any(a: &openapiv3::AnySchema) -> bool {
    matches!(a.typ.as_deref(), None | Some("object"))
        && a.items.is_none()
        && a.enumeration.is_empty()
}

pub(super) fn alternatives_of_any(a: &openapiv3::AnySchema) -> Option<Alternatives<'_>> {
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
pub(super) fn annotation_only(schema: &Schema) -> bool {
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
pub(super) fn effective_members(
    all_of: &[ReferenceOr<Schema>],
) -> Vec<(usize, &ReferenceOr<Schema>)> {
    all_of
        .iter()
        .enumerate()
        .filter(|(_, m)| !matches!(m, ReferenceOr::Item(s) if annotation_only(s)))
        .collect()
}

pub(super) fn string_enum(schema: &Schema) -> Option<Vec<&str>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) if s.enumeration.iter().any(Option::is_some) => {
            Some(s.enumeration.iter().flatten().map(String::as_str).collect())
        }
        _ => None,
    }
}

/// The keyword (`oneOf`/`anyOf`) and the alternatives of a schema.
pub(super) type Alternatives<'a> = (&'static str, &'a [ReferenceOr<Schema>]);

/// Whether a schema can contribute properties to an object.
pub(super) fn objectish(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(_))
        | SchemaKind::AllOf { .. }
        | SchemaKind::OneOf { .. }
        | SchemaKind::AnyOf { .. } => true,
        SchemaKind::Any(a) => objectish_any(a),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(yaml: &str) -> Schema {
        serde_yaml::from_str(yaml).expect("a schema")
    }

    fn name(shape: Shape<'_>) -> String {
        match shape {
            Shape::Struct => "struct".to_owned(),
            Shape::Enum(values) => format!("enum {values:?}"),
            Shape::Union(keyword, list) => format!("union {keyword} {}", list.len()),
            Shape::Single(place, _) => format!("single {place}"),
            Shape::Other => "other".to_owned(),
        }
    }

    #[test]
    fn shapes_of_schemas() {
        let cases = [
            ("type: object\nproperties: {a: {type: string}}", "struct"),
            ("type: object", "other"),
            ("type: object\nx-oneof: {g: [a]}", "struct"),
            ("type: string\nenum: [A, B]", "enum [\"A\", \"B\"]"),
            ("oneOf: [{type: string}, {type: integer}]", "union oneOf 2"),
            ("anyOf: [{type: string}]", "single anyOf/0"),
            (
                "allOf: [{$ref: '#/components/schemas/A'}, {description: x}]",
                "single allOf/0",
            ),
            (
                "allOf: [{description: x}, {$ref: '#/components/schemas/A'}]",
                "single allOf/1",
            ),
            (
                "allOf: [{$ref: '#/components/schemas/A'}, {$ref: '#/components/schemas/B'}]",
                "struct",
            ),
            // An inline member that cannot be an object never merges.
            (
                "allOf: [{$ref: '#/components/schemas/A'}, {type: string}]",
                "other",
            ),
            ("type: array\nitems: {type: string}", "other"),
        ];
        for (yaml, want) in cases {
            assert_eq!(name(shape(&schema(yaml))), want, "{yaml}");
        }
    }

    #[test]
    fn annotation_only_members_carry_no_type() {
        assert!(annotation_only(&schema("description: x\nnullable: true")));
        assert!(!annotation_only(&schema("description: x\ntype: string")));
        assert!(!annotation_only(&schema("x-oneof: {g: [a]}")));
        assert!(objectish(&schema("allOf: [{type: object}]")));
        assert!(!objectish(&schema("type: string")));
    }
}
