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

mod operations;
mod types;

use operations::{compare_events, compare_operations};
use types::compare_types;

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

#[cfg(test)]
mod tests {
    use super::*;

    fn model(properties: &str) -> Api {
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    Pet:\n      required: [a, b]\n      properties:\n{properties}"
        );
        let options = crate::Options {
            spec_name: "t".to_owned(),
            strict: true,
        };
        crate::model(text.as_bytes(), &options).expect("resolves")
    }

    /// `new(..)` takes the required fields in field order: reordering them is breaking.
    #[test]
    fn reordered_constructor_arguments_are_breaking() {
        let old = model("        a: {type: string}\n        b: {type: string}\n");
        let new = model("        b: {type: string}\n        a: {type: string}\n");
        let report = compare(&old, &new);
        assert!(report.is_breaking(), "{report}");
        let entry = report
            .entries
            .iter()
            .find(|e| e.item == "Pet::new")
            .unwrap_or_else(|| panic!("{report}"));
        assert!(entry.change.contains("(a, b) to (b, a)"), "{report}");
        assert!(!compare(&old, &old).is_breaking());
    }

    fn upload(content: &str) -> Api {
        let text = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /up:\n    post:\n      operationId: upload\n      requestBody:\n        required: true\n        content:\n{content}      responses:\n        '204': {{description: ok}}\n"
        );
        let options = crate::Options {
            spec_name: "t".to_owned(),
            strict: true,
        };
        crate::model(text.as_bytes(), &options).expect("resolves")
    }

    /// Another body media type adds a method (compatible); a body kind change is breaking.
    #[test]
    fn body_media_types_are_compared() {
        let json = "          application/json:\n            schema: {type: object, properties: {a: {type: string}}}\n";
        let csv = "          text/csv:\n            schema: {type: string}\n";
        let report = compare(&upload(json), &upload(&format!("{json}{csv}")));
        assert!(!report.is_breaking(), "{report}");
        let entry = report
            .entries
            .iter()
            .find(|e| e.item == "Client::upload_raw")
            .unwrap_or_else(|| panic!("{report}"));
        assert!(entry.change.contains("added (`text/csv` body"), "{report}");
        let report = compare(&upload(json), &upload(csv));
        assert!(report.is_breaking(), "{report}");
        assert!(report.to_string().contains("body::RawBody"), "{report}");
    }
}
