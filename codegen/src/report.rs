//! The change report: what a spec edit means for code that uses the generated client.
//!
//! Compares two `ir::Api` models (never text) and classifies each difference the way a Rust
//! user experiences it. The rules, and why:
//!
//! - **BREAKING**: user code can stop compiling or behave differently. Removing or renaming a
//!   type, field, variant, operation, parameter or event (uses stop compiling); changing a
//!   type (assignments and matches stop compiling); a new required field (the `new`
//!   constructor gains an argument) or required parameter (the method gains an argument);
//!   optional becoming required or the reverse (`Option<T>` vs `T`); a tighter documented
//!   limit or another wire format (requests that passed are now rejected or encoded
//!   differently).
//! - **DEPRECATION**: still compiles, but with a `#[deprecated]` warning and a removal date.
//! - **compatible**: a new optional field, operation, optional parameter, enum value, oneof
//!   alternative, error code or event. Enums and option structs are `#[non_exhaustive]` and enums
//!   keep unknown values, so these never break compilation. The one exception is a struct
//!   built with a literal that lists every field: such code must add the new field (or use the
//!   constructor / `..Default::default()`); entries that add a struct field say so.
//! - **docs**: only documentation changed.

use std::collections::BTreeMap;
use std::fmt;

use crate::ir::{self, Api, TypeKind, TypeRef};

/// How a change affects users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// User code can stop compiling or behave differently.
    Breaking,
    /// Compiles with a deprecation warning.
    Deprecation,
    /// Existing code keeps compiling and behaving the same.
    Compatible,
    /// Documentation only.
    Docs,
}

impl Class {
    /// Label used in reports.
    pub fn label(self) -> &'static str {
        match self {
            Class::Breaking => "BREAKING",
            Class::Deprecation => "DEPRECATION",
            Class::Compatible => "compatible",
            Class::Docs => "docs",
        }
    }
}

/// One difference between two models.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Classification.
    pub class: Class,
    /// The item as a user names it: `Message`, `Message::direction`, `Client::list_messages`,
    /// `MessageDirection::Inbound`, `Event::MessageSentToBusiness`.
    pub item: String,
    /// What kind of item (`type`, `field`, `variant`, `oneof alternative`, `operation`,
    /// `parameter`, `event`, `error code`).
    pub kind: &'static str,
    /// What happened, in a short sentence.
    pub change: String,
}

/// Every difference, in a stable order (class, then item).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    /// The entries.
    pub entries: Vec<Entry>,
}

impl Report {
    /// The most severe class present, `None` when nothing changed.
    pub fn worst(&self) -> Option<Class> {
        self.entries.iter().map(|e| e.class).min()
    }

    /// True when some entry is breaking.
    pub fn is_breaking(&self) -> bool {
        self.worst() == Some(Class::Breaking)
    }

    /// The semver bump this change needs for a crate at `version` (`0.1.0` -> `0.2.0` when
    /// breaking before 1.0, and so on). `None` when nothing changed.
    pub fn suggested_version(&self, version: &str) -> Option<String> {
        let mut parts = version.split('.').map(|p| p.parse::<u64>().unwrap_or(0));
        let (major, minor, patch) = (
            parts.next().unwrap_or(0),
            parts.next().unwrap_or(0),
            parts.next().unwrap_or(0),
        );
        let next = match self.worst()? {
            Class::Breaking if major == 0 => (0, minor + 1, 0),
            Class::Breaking => (major + 1, 0, 0),
            Class::Deprecation | Class::Compatible if major == 0 => (0, minor, patch + 1),
            Class::Deprecation | Class::Compatible => (major, minor + 1, 0),
            Class::Docs => (major, minor, patch + 1),
        };
        Some(format!("{}.{}.{}", next.0, next.1, next.2))
    }

    /// The report as Markdown for a pull-request description.
    pub fn to_markdown(&self, crate_name: &str, version: &str) -> String {
        let mut out = String::from("# Inbox API change report\n\n");
        match (self.worst(), self.suggested_version(version)) {
            (None, _) | (_, None) => out.push_str("No change to the generated Rust API.\n"),
            (Some(worst), Some(next)) => {
                let verdict = match worst {
                    Class::Breaking => "**BREAKING**: code that uses the changed items can stop compiling or behave differently.",
                    Class::Deprecation => "Not breaking; some items are newly **deprecated**.",
                    Class::Compatible => "Not breaking: every change is compatible.",
                    Class::Docs => "Documentation only.",
                };
                out.push_str(&format!(
                    "{verdict}\n\nSuggested version: `{crate_name}` {version} -> **{next}**\n\n"
                ));
                out.push_str("| class | item | change |\n|---|---|---|\n");
                for e in &self.entries {
                    out.push_str(&format!(
                        "| {} | {} `{}` | {} |\n",
                        e.class.label(),
                        e.kind,
                        e.item,
                        e.change.replace('|', "\\|")
                    ));
                }
            }
        }
        out
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.entries.is_empty() {
            return writeln!(f, "no change to the generated Rust API");
        }
        for e in &self.entries {
            writeln!(
                f,
                "{:<11}  {} `{}`: {}",
                e.class.label(),
                e.kind,
                e.item,
                e.change
            )?;
        }
        Ok(())
    }
}

/// Compares `old` with `new`.
pub fn compare(old: &Api, new: &Api) -> Report {
    let mut cx = Cx {
        entries: Vec::new(),
    };
    compare_types(&mut cx, old, new);
    compare_operations(&mut cx, old, new);
    compare_events(&mut cx, old, new);
    let mut entries = cx.entries;
    entries.sort_by(|a, b| {
        (a.class, &a.item, a.kind, &a.change).cmp(&(b.class, &b.item, b.kind, &b.change))
    });
    entries.dedup();
    Report { entries }
}

struct Cx {
    entries: Vec<Entry>,
}

impl Cx {
    fn push(
        &mut self,
        class: Class,
        kind: &'static str,
        item: impl Into<String>,
        change: impl Into<String>,
    ) {
        self.entries.push(Entry {
            class,
            item: item.into(),
            kind,
            change: change.into(),
        });
    }
}

fn type_text(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(n) => n.clone(),
        TypeRef::Boxed(n) => format!("Box<{n}>"),
        TypeRef::Prim(p) => match p {
            ir::Prim::String => "String",
            ir::Prim::Bool => "bool",
            ir::Prim::I32 => "i32",
            ir::Prim::I64 => "i64",
            ir::Prim::F32 => "f32",
            ir::Prim::F64 => "f64",
            ir::Prim::Uuid => "Uuid",
            ir::Prim::DateTime => "Timestamp",
            ir::Prim::Date => "Date",
            ir::Prim::Json => "Value",
        }
        .to_owned(),
        TypeRef::List(inner) => format!("Vec<{}>", type_text(inner)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", type_text(inner)),
    }
}

fn field_type_text(ty: &TypeRef, required: bool) -> String {
    if required {
        type_text(ty)
    } else {
        format!("Option<{}>", type_text(ty))
    }
}

/// Same type, ignoring `Box` (added or removed for recursion, invisible to most users).
fn same_type(a: &TypeRef, b: &TypeRef) -> bool {
    match (a, b) {
        (TypeRef::Named(x) | TypeRef::Boxed(x), TypeRef::Named(y) | TypeRef::Boxed(y)) => x == y,
        (TypeRef::List(x), TypeRef::List(y)) | (TypeRef::Map(x), TypeRef::Map(y)) => {
            same_type(x, y)
        }
        _ => a == b,
    }
}

fn deprecation_text(d: &ir::Deprecation) -> String {
    let mut s = String::from("deprecated");
    if let Some(date) = &d.removal_date {
        s.push_str(&format!(", removal on {date}"));
    }
    if let Some(r) = &d.replaced_by {
        s.push_str(&format!(", use `{r}` instead"));
    }
    s
}

/// Whether `new` accepts everything `old` accepted.
fn limits_loosened_or_equal(old: &ir::Limits, new: &ir::Limits) -> bool {
    fn upper(old: Option<f64>, new: Option<f64>) -> bool {
        match (old, new) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(o), Some(n)) => n >= o,
        }
    }
    fn lower(old: Option<f64>, new: Option<f64>) -> bool {
        match (old, new) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(o), Some(n)) => n <= o,
        }
    }
    let f = |v: Option<usize>| v.map(|v| v as f64);
    upper(f(old.max_length), f(new.max_length))
        && lower(f(old.min_length), f(new.min_length))
        && upper(f(old.max_items), f(new.max_items))
        && lower(f(old.min_items), f(new.min_items))
        && upper(old.maximum, new.maximum)
        && lower(old.minimum, new.minimum)
        && match (&old.items, &new.items) {
            (_, None) => true,
            (None, Some(n)) => n.is_empty(),
            (Some(o), Some(n)) => limits_loosened_or_equal(o, n),
        }
}

fn limits_text(l: &ir::Limits) -> String {
    let mut parts = Vec::new();
    let mut push = |name: &str, v: Option<String>| {
        if let Some(v) = v {
            parts.push(format!("{name} {v}"));
        }
    };
    push("minLength", l.min_length.map(|v| v.to_string()));
    push("maxLength", l.max_length.map(|v| v.to_string()));
    push("minItems", l.min_items.map(|v| v.to_string()));
    push("maxItems", l.max_items.map(|v| v.to_string()));
    push("minimum", l.minimum.map(|v| v.to_string()));
    push("maximum", l.maximum.map(|v| v.to_string()));
    if let Some(items) = &l.items {
        push("items", Some(format!("({})", limits_text(items))));
    }
    if parts.is_empty() {
        "none".to_owned()
    } else {
        parts.join(", ")
    }
}

fn wire_text(wire: ir::WireFormat) -> &'static str {
    match wire {
        ir::WireFormat::Plain => "serde's default",
        ir::WireFormat::Int64String => "an int64 carried as a JSON string",
        ir::WireFormat::LenientInt => "an integer also read from an integral float",
    }
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "struct",
        TypeKind::Enum(_) => "enum",
        TypeKind::OneOf(_) => "oneof enum",
        TypeKind::Alias(_) => "type alias",
    }
}

fn compare_types(cx: &mut Cx, old: &Api, new: &Api) {
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

fn compare_struct(cx: &mut Cx, type_name: &str, old: &ir::Struct, new: &ir::Struct) {
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

type Meta<'a> = (
    &'a ir::Doc,
    &'a ir::Limits,
    &'a Option<ir::Deprecation>,
    bool,
);

fn compare_member_meta(cx: &mut Cx, kind: &'static str, item: &str, old: Meta, new: Meta) {
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
enum Only {
    Removed,
    Added,
}

/// Compares two lists of members of `type_name` matched by Rust name: `only` describes a
/// member one side lacks (removed: breaking; added: compatible), `changed` compares a member
/// both have.
fn compare_members<T>(
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

fn compare_enum(cx: &mut Cx, type_name: &str, old: &ir::Enum, new: &ir::Enum) {
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

fn compare_oneof(cx: &mut Cx, type_name: &str, old: &ir::OneOf, new: &ir::OneOf) {
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

fn compare_operations(cx: &mut Cx, old: &Api, new: &Api) {
    for o in &old.operations {
        if !new.operations.iter().any(|n| n.name == o.name) {
            cx.push(
                Class::Breaking,
                "operation",
                format!("Client::{}", o.name),
                format!("removed (`{} {}`)", o.method, o.path),
            );
        }
    }
    for n in &new.operations {
        let item = format!("Client::{}", n.name);
        let Some(o) = old.operations.iter().find(|o| o.name == n.name) else {
            cx.push(
                Class::Compatible,
                "operation",
                item,
                format!("added (`{} {}`)", n.method, n.path),
            );
            continue;
        };
        if (o.method.as_str(), o.path.as_str()) != (n.method.as_str(), n.path.as_str()) {
            cx.push(
                Class::Compatible,
                "operation",
                item.clone(),
                format!(
                    "now sends `{} {}` (was `{} {}`); the Rust signature is unchanged",
                    n.method, n.path, o.method, o.path
                ),
            );
        }
        match (&o.body, &n.body) {
            (None, Some(b)) => cx.push(
                Class::Breaking,
                "operation",
                item.clone(),
                format!("now takes a request body `{}`", type_text(&b.ty)),
            ),
            (Some(_), None) => cx.push(
                Class::Breaking,
                "operation",
                item.clone(),
                "no longer takes a request body",
            ),
            (Some(a), Some(b)) if !same_type(&a.ty, &b.ty) || a.required != b.required => cx.push(
                Class::Breaking,
                "operation",
                item.clone(),
                format!(
                    "request body changed from `{}` to `{}`",
                    type_text(&a.ty),
                    type_text(&b.ty)
                ),
            ),
            _ => {}
        }
        let response =
            |r: &Option<TypeRef>| r.as_ref().map(type_text).unwrap_or_else(|| "()".to_owned());
        if o.response
            .as_ref()
            .zip(n.response.as_ref())
            .map_or(o.response != n.response, |(a, b)| !same_type(a, b))
        {
            cx.push(
                Class::Breaking,
                "operation",
                item.clone(),
                format!(
                    "returns `{}` (was `{}`)",
                    response(&n.response),
                    response(&o.response)
                ),
            );
        }
        for p in &o.params {
            if !n.params.iter().any(|q| q.name == p.name) {
                cx.push(
                    Class::Breaking,
                    "parameter",
                    format!("{item}({})", p.name),
                    format!("removed (`{}`)", p.wire_name),
                );
            }
        }
        for p in &n.params {
            let pitem = format!("{item}({})", p.name);
            let Some(q) = o.params.iter().find(|q| q.name == p.name) else {
                if p.required {
                    cx.push(
                        Class::Breaking,
                        "parameter",
                        pitem,
                        format!(
                            "added, required (`{}`): the method gains an argument",
                            type_text(&p.ty)
                        ),
                    );
                } else {
                    cx.push(
                        Class::Compatible,
                        "parameter",
                        pitem,
                        format!(
                            "added, optional (`{}`, set through the options struct)",
                            p.wire_name
                        ),
                    );
                }
                continue;
            };
            if !same_type(&q.ty, &p.ty) || q.required != p.required || q.wire != p.wire {
                cx.push(
                    Class::Breaking,
                    "parameter",
                    pitem.clone(),
                    format!(
                        "changed from `{}` to `{}`",
                        field_type_text(&q.ty, q.required),
                        field_type_text(&p.ty, p.required)
                    ),
                );
            }
            if q.wire_name != p.wire_name {
                cx.push(
                    Class::Compatible,
                    "parameter",
                    pitem.clone(),
                    format!("sent as `{}` (was `{}`)", p.wire_name, q.wire_name),
                );
            }
            compare_member_meta(
                cx,
                "parameter",
                &pitem,
                (&q.doc, &q.limits, &q.deprecated, false),
                (&p.doc, &p.limits, &p.deprecated, false),
            );
        }
        if o.error_code_type != n.error_code_type {
            let code = |t: &Option<String>| t.clone().unwrap_or_else(|| "String".to_owned());
            cx.push(
                Class::Breaking,
                "operation",
                item.clone(),
                format!(
                    "error type changed from `Error<{}>` to `Error<{}>`",
                    code(&o.error_code_type),
                    code(&n.error_code_type)
                ),
            );
        }
        for c in &o.error_codes {
            if !n.error_codes.iter().any(|d| d.name == c.name) {
                cx.push(
                    Class::Breaking,
                    "error code",
                    format!(
                        "{}::{}",
                        o.error_code_type.as_deref().unwrap_or("String"),
                        c.name
                    ),
                    format!("removed (`{}` now decodes as `Unrecognized`)", c.code),
                );
            }
        }
        for c in &n.error_codes {
            if !o.error_codes.iter().any(|d| d.name == c.name) {
                let item = format!(
                    "{}::{}",
                    n.error_code_type.as_deref().unwrap_or("String"),
                    c.name
                );
                cx.push(
                    Class::Compatible,
                    "error code",
                    item,
                    format!("added (`{}`)", c.code),
                );
            }
        }
        match (&o.deprecated, &n.deprecated) {
            (None, Some(d)) => cx.push(
                Class::Deprecation,
                "operation",
                item.clone(),
                deprecation_text(d),
            ),
            (Some(_), None) => cx.push(
                Class::Compatible,
                "operation",
                item.clone(),
                "no longer deprecated",
            ),
            _ => {}
        }
        if o.pagination.is_some() && n.pagination.is_none() {
            cx.push(
                Class::Breaking,
                "operation",
                format!("{item}_stream"),
                "removed (the operation is no longer cursor-paged)",
            );
        } else if o.pagination.is_none() && n.pagination.is_some() {
            cx.push(
                Class::Compatible,
                "operation",
                format!("{item}_stream"),
                "added (the operation is now cursor-paged)",
            );
        }
        if o.doc != n.doc {
            cx.push(Class::Docs, "operation", item, "documentation changed");
        }
    }
}

fn compare_events(cx: &mut Cx, old: &Api, new: &Api) {
    for e in &old.events {
        if !new.events.iter().any(|n| n.name == e.name) {
            cx.push(
                Class::Breaking,
                "event",
                format!("Event::{}", e.name),
                format!(
                    "removed (`{}` now arrives as `Event::Unrecognized`)",
                    e.event_type
                ),
            );
        }
    }
    for e in &new.events {
        let item = format!("Event::{}", e.name);
        let Some(o) = old.events.iter().find(|o| o.name == e.name) else {
            cx.push(
                Class::Compatible,
                "event",
                item,
                format!(
                    "added (`{}`; before this it arrived as `Event::Unrecognized`)",
                    e.event_type
                ),
            );
            continue;
        };
        if o.event_type != e.event_type {
            cx.push(
                Class::Breaking,
                "event",
                item.clone(),
                format!(
                    "event type changed from `{}` to `{}`",
                    o.event_type, e.event_type
                ),
            );
        }
        if !same_type(&o.payload, &e.payload) {
            cx.push(
                Class::Breaking,
                "event",
                item.clone(),
                format!(
                    "payload changed from `{}` to `{}`",
                    type_text(&o.payload),
                    type_text(&e.payload)
                ),
            );
        }
        if o.doc != e.doc {
            cx.push(Class::Docs, "event", item, "documentation changed");
        }
    }
}
