//! Drift detection: noticing when Wix sends what this client version does not know.
//!
//! Inbox v2 is a Developer Preview, so fields and enum values get added. Decoding tolerates
//! them (unknown fields are skipped, open enums keep unknown values); this module reports them
//! so that someone knows to regenerate the client:
//!
//! - **unknown fields**: after a response decodes into `T`, `T` is serialized again and compared
//!   with the JSON received; an object key that was received but did not survive the round trip
//!   is a field `T` does not model. Keys whose value is `null`, `[]` or `{}` carry no data and
//!   are not reported (they are indistinguishable from omitted optional fields).
//! - **unknown enum values**: generated open enums call [`note_unknown_enum_value`] when they
//!   keep a value verbatim; the client collects these notes around decoding (a thread-local
//!   collector, enabled only for the synchronous decode call) and locates the value in the JSON.
//! - **unknown one-of keys**: a generated one-of type that detects an unknown member key may call
//!   [`note_unknown_oneof_key`]; the diff then reports that key as
//!   [`DriftKind::UnknownOneOfKey`] instead of an unknown field. Without such a note an unknown
//!   one-of member is indistinguishable from an unknown field and is reported as one.
//!
//! Findings are deduplicated (array indices do not count), bounded, kept in the
//! [`Client`](crate::client::Client) and logged once each with
//! `tracing::warn!(target: "inbox_api::drift")`. Values of unknown fields are never recorded or
//! logged (they may be personal data); unknown enum values are.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::sync::Mutex;

use serde_json::Value;

/// The most distinct drift items a client keeps.
pub const MAX_DRIFT_ITEMS: usize = 256;

/// The most notes one decode collects; further ones are dropped.
const MAX_NOTES: usize = 256;

/// What kind of unknown thing was received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DriftKind {
    /// An object key the decoded type does not model.
    UnknownField,
    /// A value an open enum does not list (kept verbatim in its catch-all variant).
    UnknownEnumValue,
    /// A member of a one-of group the decoded type does not list.
    UnknownOneOfKey,
}

/// One distinct piece of drift between Wix's responses and this client's types.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DriftItem {
    /// What kind of unknown thing was received.
    pub kind: DriftKind,
    /// For enum values and one-of keys, the Rust type that noted it (`MessageDirection`); for
    /// unknown fields, the decoded response type (`ListMessagesResponse`), the root of
    /// `json_path`.
    pub type_name: String,
    /// Where it was first seen, e.g. `messages[3].content.carousel`; empty if the noted value
    /// could not be located in the response.
    pub json_path: String,
    /// The unknown enum value or one-of key; `None` for unknown fields.
    pub value: Option<String>,
    /// The operation whose response first showed it, e.g. `listMessages`.
    pub operation_id: &'static str,
}

/// Records that the open enum `type_name` met `value`, which it does not list.
///
/// Called by the `Deserialize` impls of generated open enums. Outside of the client's response
/// decoding (e.g. when a caller deserializes a type by hand) this does nothing.
pub fn note_unknown_enum_value(type_name: &'static str, value: &str) {
    note(NoteKind::EnumValue, type_name, value);
}

/// Records that the one-of type `type_name` met the member key `key`, which it does not list.
///
/// For generated one-of types that detect unknown members; a no-op outside response decoding.
pub fn note_unknown_oneof_key(type_name: &'static str, key: &str) {
    note(NoteKind::OneOfKey, type_name, key);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NoteKind {
    EnumValue,
    OneOfKey,
}

/// A call to one of the `note_*` functions during decoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Note {
    kind: NoteKind,
    type_name: &'static str,
    value: String,
}

thread_local! {
    /// `Some` while [`collect_notes`] runs on this thread.
    static NOTES: RefCell<Option<Vec<Note>>> = const { RefCell::new(None) };
}

fn note(kind: NoteKind, type_name: &'static str, value: &str) {
    NOTES.with(|notes| {
        if let Some(notes) = notes.borrow_mut().as_mut() {
            let seen = notes
                .iter()
                .any(|n| n.kind == kind && n.type_name == type_name && n.value == value);
            if !seen && notes.len() < MAX_NOTES {
                notes.push(Note {
                    kind,
                    type_name,
                    value: value.to_owned(),
                });
            }
        }
    });
}

/// Runs `decode` (synchronous, so it cannot move between threads) with a note collector
/// enabled on this thread, and returns what it noted. Nested calls each see their own notes.
pub(crate) fn collect_notes<R>(decode: impl FnOnce() -> R) -> (R, Vec<Note>) {
    /// Restores the outer collector even if `decode` panics.
    struct Restore(Option<Option<Vec<Note>>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            if let Some(outer) = self.0.take() {
                NOTES.with(|notes| *notes.borrow_mut() = outer);
            }
        }
    }
    let outer = NOTES.with(|notes| notes.replace(Some(Vec::new())));
    let mut restore = Restore(Some(outer));
    let result = decode();
    let outer = restore.0.take().expect("restored only once");
    let collected = NOTES.with(|notes| notes.replace(outer));
    (result, collected.unwrap_or_default())
}

/// A finding before it is attributed to an operation and deduplicated across responses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Finding {
    kind: DriftKind,
    type_name: String,
    json_path: String,
    /// `json_path` without array indices (`messages[].content`): the deduplication key.
    normalized_path: String,
    value: Option<String>,
}

/// Compares the JSON `received` with `known` (the decoded value serialized again) and combines
/// the differences with the `notes` taken while decoding. `root_type` is `std::any::type_name`
/// of the decoded type.
pub(crate) fn detect(
    received: &Value,
    known: &Value,
    root_type: &str,
    notes: &[Note],
) -> Vec<Finding> {
    let root_type = short_type_name(root_type);
    let mut fields = Vec::new();
    diff(received, known, &mut Path::default(), &mut fields);

    let mut findings = Vec::new();
    let mut oneof_paths = HashSet::new();
    for note in notes {
        let (kind, located) = match note.kind {
            NoteKind::EnumValue => (
                DriftKind::UnknownEnumValue,
                locate(received, &note.value, Target::StringValue),
            ),
            NoteKind::OneOfKey => (
                DriftKind::UnknownOneOfKey,
                locate(received, &note.value, Target::ObjectKey),
            ),
        };
        let located = if located.is_empty() {
            vec![(String::new(), String::new())]
        } else {
            located
        };
        for (json_path, normalized_path) in located {
            if kind == DriftKind::UnknownOneOfKey {
                oneof_paths.insert(normalized_path.clone());
            }
            findings.push(Finding {
                kind,
                type_name: note.type_name.to_owned(),
                json_path,
                normalized_path,
                value: Some(note.value.clone()),
            });
        }
    }
    for (json_path, normalized_path) in fields {
        if !oneof_paths.contains(&normalized_path) {
            findings.push(Finding {
                kind: DriftKind::UnknownField,
                type_name: root_type.clone(),
                json_path,
                normalized_path,
                value: None,
            });
        }
    }
    findings
}

/// A JSON path being walked, kept both with and without array indices.
#[derive(Default, Clone)]
struct Path {
    concrete: String,
    normalized: String,
}

impl Path {
    fn key(&self, key: &str) -> Path {
        let mut next = self.clone();
        let is_identifier = key.chars().enumerate().all(|(i, c)| {
            c == '_' || c == '$' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())
        }) && !key.is_empty();
        for path in [&mut next.concrete, &mut next.normalized] {
            if is_identifier {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            } else {
                let quoted = Value::String(key.to_owned()).to_string();
                let _ = write!(path, "[{quoted}]");
            }
        }
        next
    }

    fn index(&self, index: usize) -> Path {
        let mut next = self.clone();
        let _ = write!(next.concrete, "[{index}]");
        next.normalized.push_str("[]");
        next
    }
}

/// Collects the paths of keys in `received` that are missing from `known`, once per
/// normalized path.
fn diff(received: &Value, known: &Value, path: &mut Path, out: &mut Vec<(String, String)>) {
    match (received, known) {
        (Value::Object(received), Value::Object(known)) => {
            for (key, received_value) in received {
                let mut child = path.key(key);
                match known.get(key) {
                    Some(known_value) => diff(received_value, known_value, &mut child, out),
                    None if carries_no_data(received_value) => {}
                    None => {
                        if !out.iter().any(|(_, n)| *n == child.normalized) {
                            out.push((child.concrete, child.normalized));
                        }
                    }
                }
            }
        }
        (Value::Array(received), Value::Array(known)) => {
            for (i, (r, k)) in received.iter().zip(known).enumerate() {
                diff(r, k, &mut path.index(i), out);
            }
        }
        _ => {}
    }
}

fn carries_no_data(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        Value::Object(fields) => fields.is_empty(),
        _ => false,
    }
}

#[derive(Clone, Copy)]
enum Target {
    StringValue,
    ObjectKey,
}

/// Paths where `needle` occurs as a string value or object key, one per normalized path.
fn locate(value: &Value, needle: &str, target: Target) -> Vec<(String, String)> {
    fn walk(
        value: &Value,
        needle: &str,
        target: Target,
        path: &Path,
        out: &mut Vec<(String, String)>,
    ) {
        match value {
            Value::String(s)
                if matches!(target, Target::StringValue)
                    && s == needle
                    && !out.iter().any(|(_, n)| *n == path.normalized) =>
            {
                out.push((path.concrete.clone(), path.normalized.clone()));
            }
            Value::Object(fields) => {
                for (key, child) in fields {
                    let child_path = path.key(key);
                    if matches!(target, Target::ObjectKey)
                        && key == needle
                        && !out.iter().any(|(_, n)| *n == child_path.normalized)
                    {
                        out.push((child_path.concrete.clone(), child_path.normalized.clone()));
                    }
                    walk(child, needle, target, &child_path, out);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    walk(child, needle, target, &path.index(i), out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, needle, target, &Path::default(), &mut out);
    out
}

/// `inbox_api::generated::Foo<alloc::vec::Vec<Bar>>` → `Foo<Vec<Bar>>`.
fn short_type_name(full: &str) -> String {
    let mut out = String::new();
    let mut segment = String::new();
    let mut chars = full.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ':' && chars.peek() == Some(&':') {
            chars.next();
            segment.clear();
        } else if c.is_alphanumeric() || c == '_' {
            segment.push(c);
        } else {
            out.push_str(&segment);
            segment.clear();
            out.push(c);
        }
    }
    out.push_str(&segment);
    out
}

/// The drift a client has seen: shared by its clones, deduplicated and bounded.
#[derive(Debug, Default)]
pub(crate) struct DriftStore {
    inner: Mutex<StoreInner>,
}

#[derive(Debug, Default)]
struct StoreInner {
    items: Vec<DriftItem>,
    keys: HashSet<(DriftKind, String, String, Option<String>)>,
    full_reported: bool,
}

impl DriftStore {
    /// Adds the findings not seen before and logs each new one once.
    pub(crate) fn record(&self, operation_id: &'static str, findings: Vec<Finding>) {
        if findings.is_empty() {
            return;
        }
        let mut new_items = Vec::new();
        let mut became_full = false;
        {
            let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            for finding in findings {
                let key = (
                    finding.kind,
                    finding.type_name.clone(),
                    finding.normalized_path,
                    finding.value.clone(),
                );
                if inner.keys.contains(&key) {
                    continue;
                }
                if inner.items.len() >= MAX_DRIFT_ITEMS {
                    became_full |= !inner.full_reported;
                    inner.full_reported = true;
                    continue;
                }
                inner.keys.insert(key);
                let item = DriftItem {
                    kind: finding.kind,
                    type_name: finding.type_name,
                    json_path: finding.json_path,
                    value: finding.value,
                    operation_id,
                };
                inner.items.push(item.clone());
                new_items.push(item);
            }
        }
        for item in new_items {
            let what = match item.kind {
                DriftKind::UnknownField => "a field",
                DriftKind::UnknownEnumValue => "an enum value",
                DriftKind::UnknownOneOfKey => "a one-of member",
            };
            tracing::warn!(
                target: "inbox_api::drift",
                kind = ?item.kind,
                type_name = %item.type_name,
                json_path = %item.json_path,
                value = item.value.as_deref(),
                operation = item.operation_id,
                "wix sent {what} this client version does not know; the API may have changed \
                 (regenerate the client to pick it up)"
            );
        }
        if became_full {
            tracing::warn!(
                target: "inbox_api::drift",
                limit = MAX_DRIFT_ITEMS,
                "the drift report is full; further distinct drift is not recorded"
            );
        }
    }

    /// The items seen so far, in the order first seen.
    pub(crate) fn items(&self) -> Vec<DriftItem> {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .items
            .clone()
    }

    /// Forgets every item.
    pub(crate) fn clear(&self) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        *inner = StoreInner::default();
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn paths(findings: &[Finding]) -> Vec<(DriftKind, &str, &str, Option<&str>)> {
        findings
            .iter()
            .map(|f| {
                (
                    f.kind,
                    f.type_name.as_str(),
                    f.json_path.as_str(),
                    f.value.as_deref(),
                )
            })
            .collect()
    }

    #[test]
    fn reports_keys_lost_in_the_round_trip() {
        let received = json!({
            "messages": [
                {"id": "1", "content": {"basic": {}}},
                {"id": "2", "content": {"carousel": {"cards": 1}}, "newTop": 5},
                {"id": "3", "content": {"carousel": {"cards": 2}}}
            ],
            "pagingMetadata": {"count": 3, "cursors": {}},
            "emptyList": [], "nothing": null, "emptyObject": {},
            "weird key": true
        });
        let known = json!({
            "messages": [
                {"id": "1", "content": {"basic": {}}},
                {"id": "2", "content": {}},
                {"id": "3", "content": {}}
            ],
            "pagingMetadata": {"count": 3, "cursors": {}}
        });
        let findings = detect(
            &received,
            &known,
            "inbox_api::generated::ListMessagesResponse",
            &[],
        );
        assert_eq!(
            paths(&findings),
            [
                (
                    DriftKind::UnknownField,
                    "ListMessagesResponse",
                    "messages[1].content.carousel",
                    None
                ),
                (
                    DriftKind::UnknownField,
                    "ListMessagesResponse",
                    "messages[1].newTop",
                    None
                ),
                (
                    DriftKind::UnknownField,
                    "ListMessagesResponse",
                    "[\"weird key\"]",
                    None
                ),
            ]
        );
        assert_eq!(findings[0].normalized_path, "messages[].content.carousel");
    }

    #[test]
    fn identical_values_have_no_drift() {
        let value = json!({"a": [1, {"b": "c"}], "d": {"e": null}});
        assert!(detect(&value, &value, "T", &[]).is_empty());
    }

    #[test]
    fn notes_are_collected_only_inside_collect_notes() {
        note_unknown_enum_value("Outside", "X");
        let ((), notes) = collect_notes(|| {
            note_unknown_enum_value("MessageDirection", "SIDEWAYS");
            note_unknown_enum_value("MessageDirection", "SIDEWAYS");
            let ((), inner) =
                collect_notes(|| note_unknown_oneof_key("MessageContent", "carousel"));
            assert_eq!(inner.len(), 1);
        });
        assert_eq!(
            notes,
            [Note {
                kind: NoteKind::EnumValue,
                type_name: "MessageDirection",
                value: "SIDEWAYS".into()
            }]
        );
        let ((), after) = collect_notes(|| {});
        assert!(after.is_empty());
    }

    #[test]
    fn collector_is_restored_after_a_panic() {
        let result = std::panic::catch_unwind(|| collect_notes(|| panic!("boom")));
        assert!(result.is_err());
        note_unknown_enum_value("Outside", "X");
        assert!(NOTES.with(|n| n.borrow().is_none()));
    }

    #[test]
    fn enum_values_are_located_in_the_json() {
        let received = json!({
            "messages": [
                {"direction": "BUSINESS_TO_PARTICIPANT"},
                {"direction": "SIDEWAYS", "targetChannels": ["CHAT", "PIGEON"]},
                {"direction": "SIDEWAYS"}
            ]
        });
        let notes = [
            Note {
                kind: NoteKind::EnumValue,
                type_name: "MessageDirection",
                value: "SIDEWAYS".into(),
            },
            Note {
                kind: NoteKind::EnumValue,
                type_name: "ChannelType",
                value: "PIGEON".into(),
            },
            Note {
                kind: NoteKind::EnumValue,
                type_name: "Hidden",
                value: "NOWHERE".into(),
            },
        ];
        let findings = detect(&received, &received, "Resp", &notes);
        assert_eq!(
            paths(&findings),
            [
                (
                    DriftKind::UnknownEnumValue,
                    "MessageDirection",
                    "messages[1].direction",
                    Some("SIDEWAYS")
                ),
                (
                    DriftKind::UnknownEnumValue,
                    "ChannelType",
                    "messages[1].targetChannels[1]",
                    Some("PIGEON")
                ),
                (DriftKind::UnknownEnumValue, "Hidden", "", Some("NOWHERE")),
            ]
        );
    }

    #[test]
    fn oneof_notes_replace_the_unknown_field() {
        let received = json!({"content": {"carousel": {"x": 1}, "previewText": "hi"}});
        let known = json!({"content": {"previewText": "hi"}});
        let notes = [Note {
            kind: NoteKind::OneOfKey,
            type_name: "MessageContent",
            value: "carousel".into(),
        }];
        assert_eq!(
            paths(&detect(&received, &known, "Resp", &notes)),
            [(
                DriftKind::UnknownOneOfKey,
                "MessageContent",
                "content.carousel",
                Some("carousel")
            )]
        );
    }

    #[test]
    fn short_type_names() {
        assert_eq!(short_type_name("inbox_api::generated::Foo"), "Foo");
        assert_eq!(
            short_type_name("core::option::Option<alloc::vec::Vec<a::b::Bar>>"),
            "Option<Vec<Bar>>"
        );
        assert_eq!(short_type_name("(a::A, b::B)"), "(A, B)");
        assert_eq!(short_type_name("serde_json::value::Value"), "Value");
    }

    fn finding(path: &str, normalized: &str) -> Finding {
        Finding {
            kind: DriftKind::UnknownField,
            type_name: "T".into(),
            json_path: path.into(),
            normalized_path: normalized.into(),
            value: None,
        }
    }

    #[test]
    fn store_deduplicates_ignoring_indices_and_is_bounded() {
        let store = DriftStore::default();
        store.record("op", vec![finding("a[0].b", "a[].b")]);
        store.record("other", vec![finding("a[7].b", "a[].b"), finding("c", "c")]);
        let items = store.items();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].json_path, "a[0].b");
        assert_eq!(items[0].operation_id, "op");
        assert_eq!(items[1].json_path, "c");
        let many = (0..MAX_DRIFT_ITEMS + 10)
            .map(|i| finding(&format!("f{i}"), &format!("f{i}")))
            .collect();
        store.record("op", many);
        assert_eq!(store.items().len(), MAX_DRIFT_ITEMS);
        store.clear();
        assert!(store.items().is_empty());
    }
}
