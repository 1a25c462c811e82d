//! Drift detection: noticing when Wix sends what this client version does not know.
//!
//! Inbox v2 is a Developer Preview, so fields and enum values get added. Decoding tolerates
//! them (structs keep unknown fields in `extra`, open enums keep unknown values); this module reports them
//! so that someone knows to regenerate the client:
//!
//! - **unknown fields**: a generated struct keeps the fields it does not list in its `extra` map
//!   (so the caller sees them and they are written back); to find them, after a response
//!   decodes into `T`, `T` is serialized again without those maps and compared with the JSON
//!   received; an object key that was received but did not survive that round trip is a field
//!   `T` does not model. Keys whose value is `null`, `[]` or `{}` carry no data and
//!   are not reported (they are indistinguishable from omitted optional fields). This check is
//!   exact (it sees below `#[serde(flatten)]` one-of fields too) but costs about two extra JSON
//!   passes per response, so by default it runs on a sample of the responses; see below.
//! - **unknown enum values**: generated open enums call [`note_unknown_enum_value`] when they
//!   keep a value verbatim; the client collects these notes around decoding (a thread-local
//!   collector, enabled only for the synchronous decode call) and locates the value in the JSON.
//!   Notes are collected on **every** response whenever drift detection is on: collecting costs
//!   almost nothing while no value is unknown, and the JSON is searched only when a note exists.
//! - **unknown one-of members**: a generated oneof group that keeps a member in its
//!   `Unrecognized { key, value }` variant (a key it does not list, or a listed one whose value
//!   did not decode) calls [`note_unknown_oneof_key`]; the diff then reports that key, at its
//!   path, as [`DriftKind::UnknownOneOfKey`] instead of an unknown field. Like enum values,
//!   noted keys are reported from every response.
//!
//! # How often the unknown-field check runs
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
//! On the other side, the check is expensive. On the client thread of `cargo xtask bench
//! client` (instructions counted with callgrind, which other load does not disturb), one check
//! of a page of 50 messages costs about 1.7 million instructions, 2.3 times the whole call
//! without it (0.73 million, about as much as a hand-written reqwest call), and one check of a
//! conversation about 21,000, a quarter of its call. One check in 256 adds under 1% to a
//! page's cost (one in 64 would add about 3.7%, leaving next to nothing of the benchmark's 5%
//! budget for the rest of the client). The first 16 checks are paid once per operation and
//! client. Collecting enum notes and counting responses cost under 0.5%.
//!
//! Findings are deduplicated (array indices do not count), bounded, kept in the
//! [`Client`](crate::client::Client) and logged once each with
//! `tracing::warn!(target: "inbox_api::drift")`. Values of unknown fields are never recorded or
//! logged (they may be personal data); unknown enum values are.

use std::cell::{Cell, RefCell};
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
/// every response; the modes differ in how often the round-trip check for unknown fields runs.
/// See the [module documentation](self) for what that check costs and why the default samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum DriftDetection {
    /// No drift detection: responses are only decoded, and the report stays empty.
    Off,
    /// The default: unknown enum values from every response; unknown fields from the first
    /// [`SAMPLE_FIRST`] responses of each operation, then from one in every [`SAMPLE_EVERY`].
    #[default]
    Sampled,
    /// Unknown enum values and unknown fields from every response. Exact, but the unknown-field
    /// check costs about two extra JSON passes per response (more than doubling the client's
    /// CPU time for a page of messages).
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
    /// Set while [`without_extra`] runs on this thread.
    static OMIT_EXTRA: Cell<bool> = const { Cell::new(false) };
}

/// Runs `serialize` with the fields generated structs keep beyond those the spec lists (their
/// `extra` maps) left out, so that the unknown-field check sees what the types model.
pub(crate) fn without_extra<R>(serialize: impl FnOnce() -> R) -> R {
    /// Restores the flag even if `serialize` panics.
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            OMIT_EXTRA.with(|omit| omit.set(self.0));
        }
    }
    let _restore = Restore(OMIT_EXTRA.with(|omit| omit.replace(true)));
    serialize()
}

/// Whether [`without_extra`] runs on this thread (read by generated structs' serializers).
pub(crate) fn omitting_extra() -> bool {
    OMIT_EXTRA.with(Cell::get)
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
/// of the decoded type. With `known == None` (a response not sampled for the unknown-field
/// check) only the notes are located and reported.
pub(crate) fn detect(
    received: &Value,
    known: Option<&Value>,
    root_type: &str,
    notes: &[Note],
) -> Vec<Finding> {
    let mut fields = Vec::new();
    if let Some(known) = known {
        diff(received, known, &mut Vec::new(), &mut fields);
    }

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
    let root_type = if fields.is_empty() {
        String::new()
    } else {
        short_type_name(root_type)
    };
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

/// Collects the paths of keys in `received` that are missing from `known`, once per
/// normalized path.
fn diff<'a>(
    received: &'a Value,
    known: &Value,
    path: &mut Vec<Segment<'a>>,
    out: &mut Vec<(String, String)>,
) {
    match (received, known) {
        (Value::Object(received), Value::Object(known)) => {
            for (key, received_value) in received {
                match known.get(key) {
                    Some(known_value) if known_value.is_object() || known_value.is_array() => {
                        path.push(Segment::Key(key));
                        diff(received_value, known_value, path, out);
                        path.pop();
                    }
                    Some(_) => {}
                    None if carries_no_data(received_value) => {}
                    None => {
                        path.push(Segment::Key(key));
                        push_unique(path, out);
                        path.pop();
                    }
                }
            }
        }
        (Value::Array(received), Value::Array(known)) => {
            for (i, (r, k)) in received.iter().zip(known).enumerate() {
                if r.is_object() || r.is_array() {
                    path.push(Segment::Index(i));
                    diff(r, k, path, out);
                    path.pop();
                }
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
    fn walk<'a>(
        value: &'a Value,
        needle: &str,
        target: Target,
        path: &mut Vec<Segment<'a>>,
        out: &mut Vec<(String, String)>,
    ) {
        match value {
            Value::String(s) if matches!(target, Target::StringValue) && s == needle => {
                push_unique(path, out);
            }
            Value::Object(fields) => {
                for (key, child) in fields {
                    path.push(Segment::Key(key));
                    if matches!(target, Target::ObjectKey) && key == needle {
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

/// The drift a client has seen: shared by its clones, deduplicated and bounded. Also decides
/// which responses get the unknown-field check.
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

    /// Whether this successful response of `operation_id` gets the unknown-field check; counts
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
            Some(&known),
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
        assert!(detect(&value, Some(&value), "T", &[]).is_empty());
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
        let findings = detect(&received, Some(&received), "Resp", &notes);
        // Without the round trip (a response not sampled) the notes are located alike.
        assert_eq!(detect(&received, None, "Resp", &notes), findings);
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
            paths(&detect(&received, Some(&known), "Resp", &notes)),
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

    #[test]
    fn unsampled_responses_report_notes_but_not_unknown_fields() {
        let received = json!({"a": {"new": 1, "direction": "SIDEWAYS"}});
        let known = json!({"a": {"direction": "SIDEWAYS"}});
        let notes = [Note {
            kind: NoteKind::EnumValue,
            type_name: "MessageDirection",
            value: "SIDEWAYS".into(),
        }];
        let enum_only = [(
            DriftKind::UnknownEnumValue,
            "MessageDirection",
            "a.direction",
            Some("SIDEWAYS"),
        )];
        assert_eq!(paths(&detect(&received, None, "Resp", &notes)), enum_only);
        let both = detect(&received, Some(&known), "Resp", &notes);
        assert_eq!(
            paths(&both),
            [
                enum_only[0],
                (DriftKind::UnknownField, "Resp", "a.new", None)
            ]
        );
    }
}
