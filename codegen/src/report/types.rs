//! Rules for types: structs and their fields, enums and their values, oneof alternatives.

use super::*;

pub(super) fn compare_types(cx: &mut Cx, old: &Api, new: &Api) {
    let old_types: BTreeMap<&str, &ir::TypeDef> =
        old.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let new_types: BTreeMap<&str, &ir::TypeDef> =
        new.types.iter().map(|t| (t.name.as_str(), t)).collect();
    for (name, t) in &old_types {
        if !new_types.contains_key(name) {
            cx.push(
                Class::Breaking,
                "type",
                *name,
                format!("{} removed", kind_name(&t.kind)),
            );
        }
    }
    for (name, t) in &new_types {
        let Some(o) = old_types.get(name) else {
            cx.push(
                Class::Compatible,
                "type",
                *name,
                format!("{} added", kind_name(&t.kind)),
            );
            continue;
        };
        if o.doc != t.doc {
            cx.push(Class::Docs, "type", *name, "documentation changed");
        }
        match (&o.kind, &t.kind) {
            (TypeKind::Struct(a), TypeKind::Struct(b)) => compare_struct(cx, name, a, b),
            (TypeKind::Enum(a), TypeKind::Enum(b)) => compare_enum(cx, name, a, b),
            (TypeKind::OneOf(a), TypeKind::OneOf(b)) => compare_oneof(cx, name, a, b),
            (TypeKind::Alias(a), TypeKind::Alias(b)) => {
                if !same_type(a, b) {
                    cx.push(
                        Class::Breaking,
                        "type",
                        *name,
                        format!(
                            "now an alias of `{}` (was `{}`)",
                            type_text(b),
                            type_text(a)
                        ),
                    );
                }
            }
            (a, b) => cx.push(
                Class::Breaking,
                "type",
                *name,
                format!("changed from {} to {}", kind_name(a), kind_name(b)),
            ),
        }
    }
}

pub(super) fn compare_struct(cx: &mut Cx, type_name: &str, old: &ir::Struct, new: &ir::Struct) {
    for f in &old.fields {
        if !new.fields.iter().any(|n| n.name == f.name) {
            let constructor = if f.required {
                format!("; `{type_name}::new` loses an argument")
            } else {
                String::new()
            };
            cx.push(
                Class::Breaking,
                "field",
                format!("{type_name}::{}", f.name),
                format!("removed (JSON `{}`){constructor}", f.wire_name),
            );
        }
    }
    // The same required fields in another order: `new(..)` takes its arguments in field order.
    let required = |s: &ir::Struct| -> Vec<String> {
        s.fields
            .iter()
            .filter(|f| f.required)
            .map(|f| f.name.clone())
            .collect()
    };
    let (old_args, new_args) = (required(old), required(new));
    let mut old_sorted = old_args.clone();
    let mut new_sorted = new_args.clone();
    old_sorted.sort();
    new_sorted.sort();
    if old_args != new_args && old_sorted == new_sorted {
        cx.push(
            Class::Breaking,
            "constructor",
            format!("{type_name}::new"),
            format!(
                "arguments reordered from ({}) to ({})",
                old_args.join(", "),
                new_args.join(", ")
            ),
        );
    }
    let constructor_existed = old.fields.iter().any(|f| f.required);
    for f in &new.fields {
        let item = format!("{type_name}::{}", f.name);
        let Some(o) = old.fields.iter().find(|o| o.name == f.name) else {
            if f.required {
                cx.push(Class::Breaking, "field", item, format!("added, required (`{}`): `{type_name}::new` gains an argument and struct literals must set it", field_type_text(&f.value.ty, true)));
            } else {
                let how = if constructor_existed {
                    format!("`{type_name}::new(..)`")
                } else {
                    "`..Default::default()`".to_owned()
                };
                cx.push(
                    Class::Compatible,
                    "field",
                    item,
                    format!("added, optional (`{}`); breaks only struct literals of `{type_name}` that list every field (build with {how} instead)", field_type_text(&f.value.ty, false)),
                );
            }
            continue;
        };
        if !same_type(&o.value.ty, &f.value.ty) || o.flatten != f.flatten {
            cx.push(
                Class::Breaking,
                "field",
                item.clone(),
                format!(
                    "type changed from `{}` to `{}`",
                    field_type_text(&o.value.ty, o.required),
                    field_type_text(&f.value.ty, f.required)
                ),
            );
        } else if o.required != f.required {
            let change = if f.required {
                "optional -> required"
            } else {
                "required -> optional"
            };
            cx.push(
                Class::Breaking,
                "field",
                item.clone(),
                format!(
                    "{change} (`{}` -> `{}`)",
                    field_type_text(&o.value.ty, o.required),
                    field_type_text(&f.value.ty, f.required)
                ),
            );
        }
        if o.value.wire != f.value.wire && same_type(&o.value.ty, &f.value.ty) {
            cx.push(
                Class::Breaking,
                "field",
                item.clone(),
                format!(
                    "JSON encoding changed from {} to {}",
                    wire_text(o.value.wire),
                    wire_text(f.value.wire)
                ),
            );
        }
        if o.wire_name != f.wire_name {
            cx.push(
                Class::Breaking,
                "field",
                item.clone(),
                format!(
                    "JSON name changed from `{}` to `{}`",
                    o.wire_name, f.wire_name
                ),
            );
        }
        compare_member_meta(
            cx,
            "field",
            &item,
            (
                &o.value.doc,
                &o.value.limits,
                &o.value.deprecated,
                o.value.read_only,
            ),
            (
                &f.value.doc,
                &f.value.limits,
                &f.value.deprecated,
                f.value.read_only,
            ),
        );
    }
}

pub(super) type Meta<'a> = (
    &'a ir::Doc,
    &'a ir::Limits,
    &'a Option<ir::Deprecation>,
    bool,
);

pub(super) fn compare_member_meta(
    cx: &mut Cx,
    kind: &'static str,
    item: &str,
    old: Meta,
    new: Meta,
) {
    let (o_doc, o_limits, o_dep, o_ro) = old;
    let (n_doc, n_limits, n_dep, n_ro) = new;
    match (o_dep, n_dep) {
        (None, Some(d)) => cx.push(Class::Deprecation, kind, item, deprecation_text(d)),
        (Some(_), None) => cx.push(Class::Compatible, kind, item, "no longer deprecated"),
        (Some(a), Some(b)) if a != b => cx.push(
            Class::Deprecation,
            kind,
            item,
            format!("deprecation changed: {}", deprecation_text(b)),
        ),
        _ => {}
    }
    let without_format = |l: &ir::Limits| ir::Limits {
        format: None,
        ..l.clone()
    };
    if without_format(o_limits) != without_format(n_limits) {
        let class = if limits_loosened_or_equal(o_limits, n_limits) {
            Class::Compatible
        } else {
            Class::Breaking
        };
        let note = if class == Class::Breaking {
            "; requests that passed before can now be rejected before sending"
        } else {
            ""
        };
        cx.push(
            class,
            kind,
            item,
            format!(
                "limits changed from {} to {}{note}",
                limits_text(o_limits),
                limits_text(n_limits)
            ),
        );
    }
    if o_ro != n_ro {
        let change = if n_ro {
            "now read-only (set by Wix, ignored when sent)"
        } else {
            "no longer read-only"
        };
        cx.push(Class::Compatible, kind, item, change);
    }
    if o_doc != n_doc {
        cx.push(Class::Docs, kind, item, "documentation changed");
    }
}

/// What happened to a member only one side of a comparison has.
#[derive(Clone, Copy)]
pub(super) enum Only {
    Removed,
    Added,
}

/// Compares two lists of members of `type_name` matched by Rust name: `only` describes a
/// member one side lacks (removed: breaking; added: compatible), `changed` compares a member
/// both have.
pub(super) fn compare_members<T>(
    cx: &mut Cx,
    kind: &'static str,
    type_name: &str,
    (old, new): (&[T], &[T]),
    name: impl Fn(&T) -> &str,
    only: impl Fn(&T, Only) -> String,
    mut changed: impl FnMut(&mut Cx, &str, &T, &T),
) {
    for o in old {
        if !new.iter().any(|n| name(n) == name(o)) {
            let item = format!("{type_name}::{}", name(o));
            cx.push(Class::Breaking, kind, item, only(o, Only::Removed));
        }
    }
    for n in new {
        let item = format!("{type_name}::{}", name(n));
        match old.iter().find(|o| name(o) == name(n)) {
            None => cx.push(Class::Compatible, kind, item, only(n, Only::Added)),
            Some(o) => changed(cx, &item, o, n),
        }
    }
}

pub(super) fn compare_enum(cx: &mut Cx, type_name: &str, old: &ir::Enum, new: &ir::Enum) {
    compare_members(
        cx,
        "variant",
        type_name,
        (&old.variants, &new.variants),
        |v| &v.name,
        |v, only| match only {
            Only::Removed => format!("removed (`{}` now decodes as `Unrecognized`)", v.wire_name),
            Only::Added => format!(
                "added (`{}`; before this it decoded as `Unrecognized(\"{}\")`)",
                v.wire_name, v.wire_name
            ),
        },
        |cx, item, o, v| {
            if o.wire_name != v.wire_name {
                cx.push(
                    Class::Breaking,
                    "variant",
                    item,
                    format!(
                        "wire value changed from `{}` to `{}`",
                        o.wire_name, v.wire_name
                    ),
                );
            }
            if o.doc != v.doc {
                cx.push(Class::Docs, "variant", item, "documentation changed");
            }
        },
    );
}

pub(super) fn compare_oneof(cx: &mut Cx, type_name: &str, old: &ir::OneOf, new: &ir::OneOf) {
    compare_members(
        cx,
        "oneof alternative",
        type_name,
        (&old.arms, &new.arms),
        |a| &a.name,
        |a, only| match only {
            Only::Removed => format!("removed (key `{}`)", a.wire_name),
            Only::Added => format!(
                "added (key `{}`, `{}`)",
                a.wire_name,
                type_text(&a.value.ty)
            ),
        },
        |cx, item, o, a| {
            if !same_type(&o.value.ty, &a.value.ty) || o.value.wire != a.value.wire {
                cx.push(
                    Class::Breaking,
                    "oneof alternative",
                    item,
                    format!(
                        "type changed from `{}` to `{}`",
                        type_text(&o.value.ty),
                        type_text(&a.value.ty)
                    ),
                );
            }
            compare_member_meta(
                cx,
                "oneof alternative",
                item,
                (
                    &o.value.doc,
                    &o.value.limits,
                    &o.value.deprecated,
                    o.value.read_only,
                ),
                (
                    &a.value.doc,
                    &a.value.limits,
                    &a.value.deprecated,
                    a.value.read_only,
                ),
            );
        },
    );
}
