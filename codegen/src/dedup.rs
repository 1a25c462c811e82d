//! Structurally identical types are compiled once: before emitting, each top-level struct or
//! enum whose shape (field names, JSON keys, types, wire formats, limits; enum variants and
//! their strings) equals an earlier one's becomes `pub type Name = Earlier;`. Docs are not part
//! of the shape. The earliest type by name is the one kept, so the choice depends on the spec
//! alone. Comparing again after each round merges structs whose fields differed only by
//! the names of merged types.
//!
//! Only the emitted code changes: every name stays (as an alias), and the model that change
//! reports compare is the one before merging (see [`crate::generate`]).

use std::collections::HashMap;

use crate::ir::{self, TypeKind, TypeRef};

/// Merges structurally identical top-level structs and enums of `api` into aliases of the
/// first one by name; returns how many became aliases.
pub fn merge_identical(api: &mut ir::Api) -> usize {
    // name -> the name it is an alias of (only merged types are in the map).
    let mut canon: HashMap<String, String> = HashMap::new();
    // Merging only ever adds entries, so this ends; a few rounds reach the fixed point.
    for _round in 0..16 {
        let mut first_of: HashMap<String, &str> = HashMap::new();
        let mut next = HashMap::new();
        for def in &api.types {
            if def.module().is_some() || canon.contains_key(&def.name) {
                continue;
            }
            let Some(key) = shape(&def.kind, &canon) else {
                continue;
            };
            match first_of.get(&key) {
                Some(&first) => {
                    next.insert(def.name.clone(), first.to_owned());
                }
                None => {
                    first_of.insert(key, &def.name);
                }
            }
        }
        if next.is_empty() {
            break;
        }
        canon.extend(next);
    }
    for def in &mut api.types {
        if let Some(target) = canon.get(&def.name) {
            def.kind = TypeKind::Alias(TypeRef::Named(target.clone()));
        }
    }
    canon.len()
}

/// The shape of a struct or an enum as a string (docs removed, merged names replaced by the
/// type they are aliases of); `None` for other kinds.
fn shape(kind: &TypeKind, canon: &HashMap<String, String>) -> Option<String> {
    let mut kind = kind.clone();
    match &mut kind {
        TypeKind::Struct(s) => {
            for field in &mut s.fields {
                field.value.doc = Default::default();
                rename(&mut field.value.ty, canon);
            }
        }
        TypeKind::Enum(e) => {
            for variant in &mut e.variants {
                variant.doc = Default::default();
            }
        }
        TypeKind::OneOf(_) | TypeKind::Alias(_) => return None,
    }
    Some(format!("{kind:?}"))
}

fn rename(ty: &mut TypeRef, canon: &HashMap<String, String>) {
    match ty {
        TypeRef::Named(name) | TypeRef::Boxed(name) => {
            if let Some(target) = canon.get(name.as_str()) {
                name.clone_from(target);
            }
        }
        TypeRef::List(inner) | TypeRef::Map(inner) => rename(inner, canon),
        TypeRef::Prim(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Enum, Variant};

    fn enum_def(name: &str, values: &[&str], doc: &str) -> ir::TypeDef {
        ir::TypeDef {
            name: name.to_owned(),
            spec_name: name.to_owned(),
            pointer: format!("#/components/schemas/{name}"),
            doc: vec![doc.to_owned()],
            kind: TypeKind::Enum(Enum {
                variants: values
                    .iter()
                    .map(|v| Variant {
                        name: v.to_uppercase(),
                        wire_name: (*v).to_owned(),
                        doc: vec![format!("{doc} {v}")],
                    })
                    .collect(),
            }),
        }
    }

    fn api(types: Vec<ir::TypeDef>) -> ir::Api {
        ir::Api {
            title: "t".to_owned(),
            types,
            operations: Vec::new(),
            events: Vec::new(),
            event_envelope: None,
            no_error_codes: None,
            gates: None,
        }
    }

    #[test]
    fn enums_with_the_same_values_become_aliases_of_the_first_by_name() {
        let mut api = api(vec![
            enum_def("A", &["x", "y"], "one"),
            enum_def("B", &["x", "y"], "other docs"),
            enum_def("C", &["x", "z"], "one"),
        ]);
        assert_eq!(merge_identical(&mut api), 1);
        assert_eq!(
            api.types[1].kind,
            TypeKind::Alias(TypeRef::Named("A".to_owned()))
        );
        // The alias keeps its own doc; the different enum stays a type.
        assert_eq!(api.types[1].doc, vec!["other docs".to_owned()]);
        assert!(matches!(api.types[2].kind, TypeKind::Enum(_)));
    }

    fn struct_def(name: &str, field_type: &str) -> ir::TypeDef {
        ir::TypeDef {
            name: name.to_owned(),
            spec_name: name.to_owned(),
            pointer: format!("#/components/schemas/{name}"),
            doc: Vec::new(),
            kind: TypeKind::Struct(ir::Struct {
                fields: vec![ir::Field {
                    name: "state".to_owned(),
                    wire_name: "state".to_owned(),
                    value: ir::Member {
                        doc: vec![format!("docs of {name}")],
                        ty: TypeRef::Named(field_type.to_owned()),
                        wire: ir::WireFormat::Plain,
                        read_only: false,
                        deprecated: None,
                        limits: Default::default(),
                    },
                    required: true,
                    flatten: false,
                }],
            }),
        }
    }

    #[test]
    fn structs_whose_fields_differ_only_by_merged_names_merge_in_a_later_round() {
        let mut api = api(vec![
            enum_def("EnumA", &["open", "closed"], "a"),
            enum_def("EnumB", &["open", "closed"], "b"),
            struct_def("HoldsA", "EnumA"),
            struct_def("HoldsB", "EnumB"),
            struct_def("HoldsC", "Other"),
            enum_def("Other", &["open"], "c"),
        ]);
        assert_eq!(merge_identical(&mut api), 2);
        let alias = |name: &str| TypeKind::Alias(TypeRef::Named(name.to_owned()));
        assert_eq!(api.types[1].kind, alias("EnumA"));
        assert_eq!(api.types[3].kind, alias("HoldsA"));
        assert!(matches!(api.types[4].kind, TypeKind::Struct(_)));
    }
}
