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
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

use crate::ir::{self, TypeKind, TypeRef};

/// Merges structurally identical top-level structs and enums of `api` into aliases of the
/// first one by name; returns how many became aliases.
///
/// A type's shape is its kind without docs, the types its fields name replaced by what they
/// are aliases of. It is printed once, with those names left out (`Skeleton`); a round
/// compares the skeletons and the names as merged so far, which is the same as comparing the
/// whole shapes, without printing again.
pub fn merge_identical(api: &mut ir::Api) -> usize {
    merge_undoably(api).len()
}

/// The kinds [`merge_undoably`] replaced with aliases: [`Merged::undo`] puts them back.
#[must_use = "the model stays merged unless `undo` is called"]
pub struct Merged {
    /// (index into `Api::types`, the kind it had).
    replaced: Vec<(usize, TypeKind)>,
}

impl Merged {
    /// How many types became aliases.
    pub fn len(&self) -> usize {
        self.replaced.len()
    }

    /// Whether no type became an alias.
    pub fn is_empty(&self) -> bool {
        self.replaced.is_empty()
    }

    /// Gives the merged types of `api` (the model [`merge_undoably`] merged) their kinds back.
    pub fn undo(self, api: &mut ir::Api) {
        for (i, kind) in self.replaced {
            api.types[i].kind = kind;
        }
    }
}

/// The hasher of the skeletons and names (the std default, SipHash, was a quarter of the
/// pass on GitHub's spec): a multiply-rotate over 8-byte words, like rustc's FxHash. Not
/// resistant to crafted collisions, which would only make the pass slower; results never
/// depend on hash order (maps are only looked up; equal hashes are compared in full).
#[derive(Default, Clone, Copy)]
pub(crate) struct FastHasher(u64);

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut hash = self.0;
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let word = u64::from_le_bytes(word.try_into().expect("8 bytes"));
            hash = (hash.rotate_left(5) ^ word).wrapping_mul(K);
        }
        for &byte in words.remainder() {
            hash = (hash.rotate_left(5) ^ u64::from(byte)).wrapping_mul(K);
        }
        self.0 = hash;
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type Fast = BuildHasherDefault<FastHasher>;

/// [`merge_identical`] that keeps what it replaced, so that the model can be rendered merged
/// and then returned to its resolved form without copying it.
pub fn merge_undoably(api: &mut ir::Api) -> Merged {
    let hasher = Fast::default();
    let skeletons: Vec<Option<Skeleton>> = api
        .types
        .iter()
        .map(|def| {
            if def.module().is_some() {
                return None;
            }
            Skeleton::of(&def.kind, &hasher)
        })
        .collect();
    // A type whose skeleton no other type has never merges: only the others take part.
    let mut skeleton_count: HashMap<(u64, &str), usize, Fast> = HashMap::default();
    for s in skeletons.iter().flatten() {
        *skeleton_count.entry((s.hash, &s.text)).or_default() += 1;
    }
    let candidates: Vec<(usize, &Skeleton)> = skeletons
        .iter()
        .enumerate()
        .filter_map(|(i, s)| Some((i, s.as_ref()?)))
        .filter(|(_, s)| skeleton_count[&(s.hash, s.text.as_str())] > 1)
        .collect();
    // name -> the name it is an alias of (only merged types are in the map).
    let mut canon: HashMap<String, String, Fast> = HashMap::default();
    // Merging only ever adds entries, so this ends; a few rounds reach the fixed point.
    for _round in 0..16 {
        // Shape hash -> the first type of each distinct shape with that hash.
        let mut first_of: HashMap<u64, Vec<usize>, Fast> = HashMap::default();
        let mut next: HashMap<String, String, Fast> = HashMap::default();
        let merged =
            |name: &str| -> String { canon.get(name).cloned().unwrap_or_else(|| name.to_owned()) };
        let mut names_of: HashMap<usize, Vec<String>, Fast> = HashMap::default();
        for &(i, skeleton) in &candidates {
            let def = &api.types[i];
            if canon.contains_key(&def.name) {
                continue;
            }
            let names: Vec<String> = skeleton.names.iter().map(|n| merged(n)).collect();
            let hash = hasher.hash_one((skeleton.hash, &names));
            let firsts = first_of.entry(hash).or_default();
            let same = firsts.iter().copied().find(|&j| {
                skeletons[j]
                    .as_ref()
                    .is_some_and(|other| other.text == skeleton.text)
                    && names_of.get(&j) == Some(&names)
            });
            match same {
                Some(first) => {
                    next.insert(def.name.clone(), api.types[first].name.clone());
                }
                None => {
                    firsts.push(i);
                    names_of.insert(i, names);
                }
            }
        }
        if next.is_empty() {
            break;
        }
        canon.extend(next);
    }
    let mut replaced = Vec::with_capacity(canon.len());
    for (i, def) in api.types.iter_mut().enumerate() {
        if let Some(target) = canon.get(&def.name) {
            let alias = TypeKind::Alias(TypeRef::Named(target.clone()));
            replaced.push((i, std::mem::replace(&mut def.kind, alias)));
        }
    }
    Merged { replaced }
}

/// A struct's or an enum's shape without the names of the types its fields hold, and those
/// names in printing order. The text prints every fact of the kind except docs (each struct
/// is taken apart field by field without `..`, so a fact added to the model is a compile
/// error here until it is printed), each value self-delimiting (`Debug` of strings and
/// options), so equal texts mean equal shapes.
struct Skeleton {
    text: String,
    hash: u64,
    names: Vec<String>,
}

impl Skeleton {
    /// `kind`'s skeleton; `None` for oneofs and aliases, which are never merged.
    fn of(kind: &TypeKind, hasher: &Fast) -> Option<Skeleton> {
        use std::fmt::Write as _;
        let mut text = String::with_capacity(256);
        let mut names = Vec::new();
        match kind {
            TypeKind::Struct(ir::Struct { fields }) => {
                text.push('S');
                for field in fields {
                    let ir::Field {
                        name,
                        wire_name,
                        value,
                        required,
                        flatten,
                    } = field;
                    let ir::Member {
                        doc: _,
                        ty,
                        wire,
                        read_only,
                        deprecated,
                        limits,
                    } = value;
                    let _ = write!(text, "|{name:?} {wire_name:?} ");
                    type_ref(ty, &mut text, &mut names);
                    let _ = write!(
                        text,
                        " {wire:?} {read_only} {deprecated:?} {required} {flatten} "
                    );
                    if *limits == ir::Limits::default() {
                        text.push('-');
                    } else {
                        let _ = write!(text, "{limits:?}");
                    }
                }
            }
            TypeKind::Enum(ir::Enum { variants }) => {
                text.push('E');
                for variant in variants {
                    let ir::Variant {
                        name,
                        wire_name,
                        doc: _,
                    } = variant;
                    let _ = write!(text, "|{name:?} {wire_name:?}");
                }
            }
            TypeKind::OneOf(_) | TypeKind::Alias(_) => return None,
        }
        Some(Skeleton {
            hash: hasher.hash_one(&text),
            text,
            names,
        })
    }
}

/// Prints `ty` with a `N`/`B` in place of each type name, which goes to `names`.
fn type_ref(ty: &TypeRef, text: &mut String, names: &mut Vec<String>) {
    match ty {
        TypeRef::Named(name) => {
            text.push('N');
            names.push(name.clone());
        }
        TypeRef::Boxed(name) => {
            text.push('B');
            names.push(name.clone());
        }
        TypeRef::List(inner) => {
            text.push_str("L(");
            type_ref(inner, text, names);
            text.push(')');
        }
        TypeRef::Map(inner) => {
            text.push_str("M(");
            type_ref(inner, text, names);
            text.push(')');
        }
        TypeRef::Prim(prim) => {
            use std::fmt::Write as _;
            let _ = write!(text, "P({prim:?})");
        }
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
            one_way: Default::default(),
            crate_name: "inbox_api".to_owned(),
            partial_eq: true,
        }
    }

    /// What `generate` relies on: merging in place and undoing gives back the model as it
    /// was, byte for byte.
    #[test]
    fn undoing_a_merge_restores_the_model() {
        let original = api(vec![
            enum_def("EnumA", &["open", "closed"], "a"),
            enum_def("EnumB", &["open", "closed"], "b"),
            struct_def("HoldsA", "EnumA"),
            struct_def("HoldsB", "EnumB"),
        ]);
        let mut merged = original.clone();
        let undo = merge_undoably(&mut merged);
        assert_eq!(undo.len(), 2);
        assert_ne!(merged, original);
        undo.undo(&mut merged);
        assert_eq!(merged, original);
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
