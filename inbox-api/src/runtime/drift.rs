//! Drift detection: noticing when Wix sends what this client version does not know.
//!
//! Inbox v2 is a Developer Preview, so fields and enum values get added. Decoding tolerates
//! them (structs keep unknown fields in `extra`, open enums keep unknown values); this module
//! reports them so that someone knows to regenerate the client:
//!
//! - **unknown fields**: a generated struct keeps the keys it does not list in its `extra` map
//!   (so the caller sees them and they are written back) and, once it has decoded, calls
//!   [`note_unknown_fields`] with them. The client locates each noted key in the JSON it
//!   received: at the objects that hold the key and no key the struct neither lists nor noted
//!   (so a key the struct lacks is not reported where another type, which lists it, has it).
//!   Noting costs nothing while every key is known; locating parses the body once more, so by
//!   default it is done for a sample of the responses; see below.
//! - **unknown enum values**: generated open enums call [`note_unknown_enum_value`] when they
//!   keep a value verbatim; the client collects these notes around decoding (a thread-local
//!   collector, enabled only for the synchronous decode call) and locates the value in the JSON.
//!   Notes are collected on **every** response whenever drift detection is on: collecting costs
//!   almost nothing while no value is unknown, and the JSON is searched only when a note exists.
//! - **unknown one-of members**: a generated oneof group that keeps a member in its
//!   `Unrecognized { key, value }` variant (a key it does not list, or a listed one whose value
//!   did not decode) calls [`note_unknown_oneof_key`]; the client reports that key, at its
//!   path, as [`DriftKind::UnknownOneOfKey`] (the group took it, so it is not an unknown field
//!   of the struct). Like enum values, noted keys are reported from every response.
//!
//! Notes are taken only from values that end up in the decoded response: what an alternative
//! of an untagged union noted is forgotten when that alternative does not fit.
//!
//! # How often unknown fields are located
//!
//! [`ClientBuilder::drift_detection`](crate::client::ClientBuilder::drift_detection) chooses
//! a [`DriftDetection`] mode:
//!
//! - [`DriftDetection::Sampled`] (the default): for each operation, the first
//!   [`SAMPLE_FIRST`] (16) successful responses are checked, then one in every
//!   [`SAMPLE_EVERY`] (256): the 272nd, the 528th, and so on. The choice is deterministic (no
//!   randomness); the counters are per operation ID and shared by a client's clones, like the
//!   report. [`Client::clear_drift_report`](crate::client::Client::clear_drift_report) restarts
//!   them.
//! - [`DriftDetection::EveryResponse`]: every response is checked.
//! - [`DriftDetection::Off`]: nothing is checked or noted.
//!
//! Why these numbers: an API change is rarely confined to one response. A new field usually
//! appears in every response of an operation from the day it ships, so the first responses a
//! client receives (all checked, 16 per operation) find it at once, and a field that ships
//! while a process runs is found within [`SAMPLE_EVERY`] responses of the operation. Novelty in
//! only a fraction `p` of the responses is found after about `SAMPLE_EVERY / p` of them.
//! A response with no unknown field costs nothing extra in any mode; one with unknown fields
//! costs a second parse of its body (into a `serde_json::Value`) and a walk of it, each time
//! it is checked. Once Wix ships a field, every response carries it, so the default checks
//! one response in [`SAMPLE_EVERY`] rather than every one.
//!
//! Findings are deduplicated (array indices do not count), bounded, kept in the
//! [`Client`](crate::client::Client) and logged once each with
//! `tracing::warn!(target: "inbox_api::drift")`. Values of unknown fields are never recorded or
//! logged (they may be personal data); unknown enum values are.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Mutex;

use serde_json::Value;

/// The most distinct drift items a client keeps.
pub const MAX_DRIFT_ITEMS: usize = 256;

/// With [`DriftDetection::Sampled`], how many successful responses of each operation are
/// checked for unknown fields before sampling starts.
pub const SAMPLE_FIRST: u64 = 16;

/// With [`DriftDetection::Sampled`], after the first [`SAMPLE_FIRST`] responses of an
/// operation, one in this many is checked for unknown fields: response number
/// `SAMPLE_FIRST + k * SAMPLE_EVERY` (counting from 1) for every `k >= 1`.
pub const SAMPLE_EVERY: u64 = 256;

/// How much drift detection a [`Client`](crate::client::Client) does; set it with
/// [`ClientBuilder::drift_detection`](crate::client::ClientBuilder::drift_detection).
///
/// Whenever detection is on, unknown enum values (and noted one-of keys) are reported from
/// every response; the modes differ in how often unknown fields are located and reported.
/// See the [module documentation](self) for what that costs and why the default samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum DriftDetection {
    /// No drift detection: responses are only decoded, and the report stays empty.
    Off,
    /// The default: unknown enum values from every response; unknown fields from the first
    /// [`SAMPLE_FIRST`] responses of each operation, then from one in every [`SAMPLE_EVERY`].
    #[default]
    Sampled,
    /// Unknown enum values and unknown fields from every response. A response that carries
    /// unknown fields then costs a second parse of its body each time.
    EveryResponse,
}

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
    /// A member of a one-of group the decoded type does not list, or a listed one whose value
    /// did not decode (kept verbatim in the group's `Unrecognized` variant).
    UnknownOneOfKey,
}

/// One distinct piece of drift between Wix's responses and this client's types.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DriftItem {
    /// What kind of unknown thing was received.
    pub kind: DriftKind,
    /// The Rust type that noted it: the open enum (`MessageDirection`), the one-of group, or
    /// the struct that does not list the field (`Message`).
    pub type_name: String,
    /// Where it was first seen, e.g. `messages[3].content.carousel`; empty if the noted value
    /// could not be located in the response.
    pub json_path: String,
    /// The unknown enum value or one-of key; `None` for unknown fields (the key is the last
    /// segment of `json_path`; values of unknown fields are never recorded).
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

/// Records that the struct `type_name`, whose JSON keys are `listed`, kept the keys of `extra`
/// (keys it does not list) in its map of unknown fields.
///
/// Called by the `Deserialize` impls of generated structs once they have decoded; a no-op
/// outside response decoding, and when `extra` is empty.
#[inline]
pub fn note_unknown_fields(
    type_name: &'static str,
    listed: &'static [&'static str],
    extra: &std::collections::BTreeMap<String, Value>,
) {
    if !extra.is_empty() {
        note_fields(type_name, listed, extra);
    }
}

#[cold]
fn note_fields(
    type_name: &'static str,
    listed: &'static [&'static str],
    extra: &std::collections::BTreeMap<String, Value>,
) {
    NOTES.with(|notes| {
        if let Some(notes) = notes.borrow_mut().as_mut() {
            for key in extra.keys() {
                push_note(notes, NoteKind::Field(listed), type_name, key);
            }
        }
    });
}

/// Records that the oneof group `type_name` kept the member `key` verbatim: a key it does not
/// list, or a listed one whose value did not decode.
///
/// Called by the `Deserialize` impls of generated oneof groups; a no-op outside response
/// decoding.
pub fn note_unknown_oneof_key(type_name: &'static str, key: &str) {
    note(NoteKind::OneOfKey, type_name, key);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NoteKind {
    EnumValue,
    OneOfKey,
    /// An unknown field of a struct whose keys are these.
    Field(&'static [&'static str]),
}

/// A call to one of the `note_*` functions during decoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Note {
    kind: NoteKind,
    type_name: &'static str,
    /// The enum value, one-of key or field key.
    value: String,
}

impl Note {
    /// Whether this note is about an unknown field (reported only from sampled responses).
    pub(crate) fn is_field(&self) -> bool {
        matches!(self.kind, NoteKind::Field(_))
    }
}

thread_local! {
    /// `Some` while [`collect_notes`] runs on this thread.
    static NOTES: RefCell<Option<Vec<Note>>> = const { RefCell::new(None) };
}

fn note(kind: NoteKind, type_name: &'static str, value: &str) {
    NOTES.with(|notes| {
        if let Some(notes) = notes.borrow_mut().as_mut() {
            push_note(notes, kind, type_name, value);
        }
    });
}

fn push_note(notes: &mut Vec<Note>, kind: NoteKind, type_name: &'static str, value: &str) {
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

/// Runs `decode`, one attempt among several (an alternative of a union, a member of a oneof
/// group), and forgets what it noted if it fails: only what ends up in the decoded value is
/// reported.
pub(crate) fn attempt<T, E>(decode: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
    let before = NOTES.with(|notes| notes.borrow().as_ref().map(Vec::len));
    let result = decode();
    if let (Err(_), Some(before)) = (&result, before) {
        NOTES.with(|notes| {
            if let Some(notes) = notes.borrow_mut().as_mut() {
                notes.truncate(before);
            }
        });
    }
    result
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

/// Locates the `notes` taken while decoding the JSON `received` and turns them into findings.
pub(crate) fn detect(received: &Value, notes: &[Note]) -> Vec<Finding> {
    let mut findings = Vec::new();
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
            NoteKind::Field(listed) => {
                // The keys an object of this struct may hold: those it lists and those it noted.
                let noted: Vec<&str> = notes
                    .iter()
                    .filter(|n| {
                        n.type_name == note.type_name && matches!(n.kind, NoteKind::Field(_))
                    })
                    .map(|n| n.value.as_str())
                    .collect();
                let target = Target::FieldOf {
                    listed,
                    noted: &noted,
                };
                (
                    DriftKind::UnknownField,
                    locate(received, &note.value, target),
                )
            }
        };
        let (located, value) = match kind {
            // An unknown field's key ends its path; its value is never recorded.
            DriftKind::UnknownField if located.is_empty() => {
                (vec![(note.value.clone(), note.value.clone())], None)
            }
            DriftKind::UnknownField => (located, None),
            _ if located.is_empty() => (vec![(String::new(), String::new())], Some(&note.value)),
            _ => (located, Some(&note.value)),
        };
        for (json_path, normalized_path) in located {
            findings.push(Finding {
                kind,
                type_name: note.type_name.to_owned(),
                json_path,
                normalized_path,
                value: value.cloned(),
            });
        }
    }
    findings
}

/// One step of a JSON path being walked.
#[derive(Clone, Copy)]
enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

/// The path `segments`, with array indices (`messages[3].content`) and without them
/// (`messages[].content`, the deduplication key). Built only for findings, so walking a
/// response allocates nothing.
fn render(segments: &[Segment<'_>]) -> (String, String) {
    let mut concrete = String::new();
    let mut normalized = String::new();
    for segment in segments {
        match *segment {
            Segment::Key(key) => {
                let is_identifier = !key.is_empty()
                    && key.chars().enumerate().all(|(i, c)| {
                        c == '_'
                            || c == '$'
                            || c.is_ascii_alphabetic()
                            || (i > 0 && c.is_ascii_digit())
                    });
                for path in [&mut concrete, &mut normalized] {
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
            }
            Segment::Index(index) => {
                let _ = write!(concrete, "[{index}]");
                normalized.push_str("[]");
            }
        }
    }
    (concrete, normalized)
}

/// Adds the path `segments` to `out` unless its normalized form is there already.
fn push_unique(segments: &[Segment<'_>], out: &mut Vec<(String, String)>) {
    let (concrete, normalized) = render(segments);
    if !out.iter().any(|(_, n)| *n == normalized) {
        out.push((concrete, normalized));
    }
}

#[derive(Clone, Copy)]
enum Target<'a> {
    /// A string value.
    StringValue,
    /// An object key.
    ObjectKey,
    /// A key of an object whose every key is `listed` or `noted`.
    FieldOf {
        listed: &'a [&'a str],
        noted: &'a [&'a str],
    },
}

/// Paths where `needle` occurs as `target`, one per normalized path.
fn locate(value: &Value, needle: &str, target: Target<'_>) -> Vec<(String, String)> {
    fn walk<'a>(
        value: &'a Value,
        needle: &str,
        target: Target<'_>,
        path: &mut Vec<Segment<'a>>,
        out: &mut Vec<(String, String)>,
    ) {
        match value {
            Value::String(s) if matches!(target, Target::StringValue) && s == needle => {
                push_unique(path, out);
            }
            Value::Object(fields) => {
                let holds = match target {
                    Target::StringValue => false,
                    Target::ObjectKey => true,
                    Target::FieldOf { listed, noted } => {
                        fields.contains_key(needle)
                            && fields.keys().all(|k| {
                                listed.contains(&k.as_str()) || noted.contains(&k.as_str())
                            })
                    }
                };
                for (key, child) in fields {
                    path.push(Segment::Key(key));
                    if holds && key == needle {
                        push_unique(path, out);
                    }
                    walk(child, needle, target, path, out);
                    path.pop();
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    path.push(Segment::Index(i));
                    walk(child, needle, target, path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, needle, target, &mut Vec::new(), &mut out);
    out
}

/// The drift a client has seen: shared by its clones, deduplicated and bounded. Also decides
/// which responses have their unknown fields located.
#[derive(Debug, Default)]
pub(crate) struct DriftStore {
    mode: DriftDetection,
    inner: Mutex<StoreInner>,
    /// With [`DriftDetection::Sampled`]: successful responses seen per operation.
    responses: Mutex<HashMap<&'static str, u64, BuildHasherDefault<Fnv>>>,
}

/// FNV-1a: the keys are a handful of short, trusted operation IDs, so SipHash's protection
/// against chosen keys is not needed, and counting a response should cost next to nothing.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0 ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[derive(Debug, Default)]
struct StoreInner {
    items: Vec<DriftItem>,
    keys: HashSet<(DriftKind, String, String, Option<String>)>,
    full_reported: bool,
}

impl DriftStore {
    /// A store for a client with detection `mode`; `None` when `mode` is
    /// [`DriftDetection::Off`].
    pub(crate) fn new(mode: DriftDetection) -> Option<DriftStore> {
        (mode != DriftDetection::Off).then(|| DriftStore {
            mode,
            ..DriftStore::default()
        })
    }

    /// The detection mode this store was made for.
    pub(crate) fn mode(&self) -> DriftDetection {
        self.mode
    }

    /// Whether this successful response of `operation_id` has its unknown fields located; counts
    /// the response. Deterministic: see [`DriftDetection::Sampled`].
    pub(crate) fn sample(&self, operation_id: &'static str) -> bool {
        match self.mode {
            DriftDetection::Off => false,
            DriftDetection::EveryResponse => true,
            DriftDetection::Sampled => {
                let seen = {
                    let mut responses = self.responses.lock().unwrap_or_else(|e| e.into_inner());
                    let count = responses.entry(operation_id).or_insert(0);
                    *count = count.saturating_add(1);
                    *count
                };
                is_sampled(seen)
            }
        }
    }

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

    /// Forgets every item and restarts sampling.
    pub(crate) fn clear(&self) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        *inner = StoreInner::default();
        drop(inner);
        self.responses
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

/// Whether the `n`th successful response of an operation (counting from 1) is checked for
/// unknown fields under [`DriftDetection::Sampled`].
fn is_sampled(n: u64) -> bool {
    n <= SAMPLE_FIRST || (n - SAMPLE_FIRST) % SAMPLE_EVERY == 0
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

    fn field(type_name: &'static str, listed: &'static [&'static str], key: &str) -> Note {
        Note {
            kind: NoteKind::Field(listed),
            type_name,
            value: key.into(),
        }
    }

    const MESSAGE: &[&str] = &["id", "content", "direction"];
    const CONTENT: &[&str] = &["basic", "previewText"];

    #[test]
    fn unknown_fields_are_located_at_objects_of_their_struct() {
        let received = json!({
            "messages": [
                {"id": "1", "content": {"basic": {}}},
                {"id": "2", "content": {"carousel": {"cards": 1}}, "newTop": 5},
                {"id": "3", "content": {"carousel": {"cards": 2}}, "newTop": null}
            ],
            // Another type that lists `newTop` and `weird key`: not reported there.
            "summary": {"newTop": 1, "total": 3},
            "weird key": true
        });
        let notes = [
            field("MessageContent", CONTENT, "carousel"),
            field("Message", MESSAGE, "newTop"),
            field(
                "ListMessagesResponse",
                &["messages", "summary"],
                "weird key",
            ),
            field("Elsewhere", &["x"], "missing"),
        ];
        let findings = detect(&received, &notes);
        assert_eq!(
            paths(&findings),
            [
                (
                    DriftKind::UnknownField,
                    "MessageContent",
                    "messages[1].content.carousel",
                    None
                ),
                (
                    DriftKind::UnknownField,
                    "Message",
                    "messages[1].newTop",
                    None
                ),
                (
                    DriftKind::UnknownField,
                    "ListMessagesResponse",
                    "[\"weird key\"]",
                    None
                ),
                // Not found in the JSON: the key alone.
                (DriftKind::UnknownField, "Elsewhere", "missing", None),
            ]
        );
        assert_eq!(findings[0].normalized_path, "messages[].content.carousel");
    }

    #[test]
    fn an_object_with_keys_its_struct_neither_lists_nor_noted_is_another_type() {
        let received =
            json!({"a": {"id": "1", "extra": 1}, "b": {"id": "2", "extra": 2, "other": 3}});
        let found = detect(&received, &[field("A", &["id"], "extra")]);
        assert_eq!(
            paths(&found),
            [(DriftKind::UnknownField, "A", "a.extra", None)]
        );
        // With both keys noted, both objects are the struct's.
        let found = detect(
            &received,
            &[field("A", &["id"], "extra"), field("A", &["id"], "other")],
        );
        assert_eq!(
            paths(&found),
            [
                (DriftKind::UnknownField, "A", "a.extra", None),
                (DriftKind::UnknownField, "A", "b.extra", None),
                (DriftKind::UnknownField, "A", "b.other", None),
            ]
        );
    }

    #[test]
    fn no_notes_no_drift() {
        let value = json!({"a": [1, {"b": "c"}], "d": {"e": null}});
        assert!(detect(&value, &[]).is_empty());
    }

    #[test]
    fn failed_attempts_forget_their_notes() {
        let ((), notes) = collect_notes(|| {
            note_unknown_enum_value("Kept", "A");
            let failed: Result<(), ()> = attempt(|| {
                note_unknown_enum_value("Kept", "A");
                note_unknown_enum_value("Forgotten", "B");
                Err(())
            });
            assert!(failed.is_err());
            let fitted: Result<(), ()> = attempt(|| {
                note_unknown_enum_value("Fitted", "C");
                Ok(())
            });
            assert!(fitted.is_ok());
        });
        let names: Vec<&str> = notes.iter().map(|n| n.type_name).collect();
        assert_eq!(names, ["Kept", "Fitted"]);
        // Outside a collector an attempt just runs.
        assert_eq!(attempt(|| Err::<(), _>(7)), Err(7));
    }

    #[test]
    fn unknown_fields_are_noted_with_their_struct() {
        let extra = std::collections::BTreeMap::from([
            ("b".to_owned(), json!(1)),
            ("a".to_owned(), json!(null)),
        ]);
        note_unknown_fields("Outside", &["x"], &extra);
        let ((), notes) = collect_notes(|| {
            note_unknown_fields("S", &["x"], &std::collections::BTreeMap::new());
            note_unknown_fields("S", &["x"], &extra);
        });
        assert_eq!(notes, [field("S", &["x"], "a"), field("S", &["x"], "b")]);
        assert!(notes.iter().all(Note::is_field));
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
        let findings = detect(&received, &notes);
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
    fn oneof_keys_are_located_as_object_keys() {
        let received = json!({"content": {"carousel": {"x": 1}, "previewText": "hi"}});
        let notes = [Note {
            kind: NoteKind::OneOfKey,
            type_name: "MessageContent",
            value: "carousel".into(),
        }];
        assert_eq!(
            paths(&detect(&received, &notes)),
            [(
                DriftKind::UnknownOneOfKey,
                "MessageContent",
                "content.carousel",
                Some("carousel")
            )]
        );
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

    #[test]
    fn sampled_mode_checks_the_first_responses_then_one_in_every_nth() {
        // Which responses are checked, counting from 1.
        let store = DriftStore::new(DriftDetection::Sampled).unwrap();
        let numbers: Vec<u64> = (1..=SAMPLE_FIRST + 3 * SAMPLE_EVERY + 1)
            .filter(|_| store.sample("listMessages"))
            .collect();
        let mut expected: Vec<u64> = (1..=SAMPLE_FIRST).collect();
        expected.extend((1..=3).map(|k| SAMPLE_FIRST + k * SAMPLE_EVERY));
        assert_eq!(numbers, expected);

        // Counters are per operation: another operation starts again at its first response.
        assert!((1..=SAMPLE_FIRST).all(|_| store.sample("sendMessage")));
        assert!(!store.sample("sendMessage"));
        assert!(!store.sample("listMessages"));

        // Clearing the report restarts sampling.
        store.clear();
        assert!((1..=SAMPLE_FIRST).all(|_| store.sample("listMessages")));
        assert!(!store.sample("listMessages"));
    }

    #[test]
    fn every_response_mode_checks_every_response_and_off_has_no_store() {
        let store = DriftStore::new(DriftDetection::EveryResponse).unwrap();
        assert!((0..SAMPLE_FIRST + 2 * SAMPLE_EVERY).all(|_| store.sample("op")));
        assert!(DriftStore::new(DriftDetection::Off).is_none());
        assert_eq!(DriftDetection::default(), DriftDetection::Sampled);
    }
}
