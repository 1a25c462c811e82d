//! `validation.rs`: the documented limits of every type reachable from a request body, as a
//! table the runtime walks before sending (`runtime::validate`).

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::operations::{has_value_limits, limits_tokens};
use crate::ir::{self, TypeKind, TypeRef};

/// One key of a JSON object and its limits.
struct KeyRule<'a> {
    key: &'a str,
    limits: &'a ir::Limits,
    child: Option<&'a str>,
}

pub(crate) fn emit_validation(api: &ir::Api) -> TokenStream {
    let types: BTreeMap<&str, &ir::TypeDef> =
        api.types.iter().map(|t| (t.name.as_str(), t)).collect();
    // Types reachable from request bodies.
    let mut reachable: BTreeSet<&str> = BTreeSet::new();
    let mut todo: Vec<&str> = api
        .operations
        .iter()
        .filter_map(|op| op.body.as_ref())
        .filter_map(|b| named(&b.ty))
        .collect();
    while let Some(name) = todo.pop() {
        if !reachable.insert(name) {
            continue;
        }
        if let Some(t) = types.get(name) {
            todo.extend(
                children(t, &types)
                    .into_iter()
                    .filter_map(|(_, ty, _)| named(ty)),
            );
        }
    }
    // Rules per type; a child is kept only when it has rules itself (fixpoint).
    let mut has_rules: BTreeSet<&str> = BTreeSet::new();
    loop {
        let before = has_rules.len();
        for &name in &reachable {
            let Some(t) = types.get(name) else { continue };
            if children(t, &types).iter().any(|(_, ty, limits)| {
                has_value_limits(limits)
                    || limits.items.as_deref().is_some_and(has_value_limits)
                    || named(ty).is_some_and(|c| has_rules.contains(c))
            }) {
                has_rules.insert(name);
            }
        }
        if has_rules.len() == before {
            break;
        }
    }
    let entries = has_rules.iter().filter_map(|&name| {
        let t = types.get(name)?;
        let rules: Vec<KeyRule> = children(t, &types)
            .into_iter()
            .map(|(key, ty, limits)| KeyRule {
                key,
                limits,
                child: named(ty).filter(|c| has_rules.contains(c)),
            })
            .filter(|r| {
                has_value_limits(r.limits)
                    || r.limits.items.as_deref().is_some_and(has_value_limits)
                    || r.child.is_some()
            })
            .collect();
        let rules = rules.iter().map(|r| {
            let key = r.key;
            let mut rule = quote!(Rule::new(#key));
            if has_value_limits(r.limits) {
                let limits = limits_tokens(r.limits);
                rule = quote!(#rule.limits(#limits));
            }
            if let Some(items) = r.limits.items.as_deref().filter(|l| has_value_limits(l)) {
                let limits = limits_tokens(items);
                rule = quote!(#rule.items(#limits));
            }
            if let Some(child) = r.child {
                rule = quote!(#rule.child(#child));
            }
            rule
        });
        Some(quote!((#name, &[#(#rules),*]),))
    });
    let entries: Vec<TokenStream> = entries.collect();
    // Only import what the table uses, so an empty table compiles without warnings.
    let imports = if entries.is_empty() {
        quote!(TypeRules)
    } else {
        quote!(Limits, Rule, TypeRules)
    };
    quote! {
        //! Documented limits of request bodies, checked before sending.
        use crate::runtime::validate::{#imports};

        /// Rules of each type reachable from a request body, sorted by type name.
        #[allow(dead_code)] // a spec whose operations check nothing reads none of it
        pub(crate) static RULES: &[TypeRules] = &[
            #(#entries)*
        ];
    }
}

fn named(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(n) | TypeRef::Boxed(n) => Some(n),
        TypeRef::List(inner) | TypeRef::Map(inner) => named(inner),
        TypeRef::Prim(_) => None,
    }
}

/// The JSON keys of a type with their types and limits; oneof arms count as keys of the parent.
fn children<'a>(
    t: &'a ir::TypeDef,
    types: &BTreeMap<&str, &'a ir::TypeDef>,
) -> Vec<(&'a str, &'a TypeRef, &'a ir::Limits)> {
    match &t.kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .flat_map(|f| {
                if f.flatten {
                    match named(&f.value.ty)
                        .and_then(|n| types.get(n))
                        .map(|t| &t.kind)
                    {
                        Some(TypeKind::OneOf(o)) => o
                            .arms
                            .iter()
                            .map(|a| (a.wire_name.as_str(), &a.value.ty, &a.value.limits))
                            .collect(),
                        _ => Vec::new(),
                    }
                } else {
                    vec![(f.wire_name.as_str(), &f.value.ty, &f.value.limits)]
                }
            })
            .collect(),
        TypeKind::Alias(_) | TypeKind::Enum(_) | TypeKind::OneOf(_) => Vec::new(),
    }
}
