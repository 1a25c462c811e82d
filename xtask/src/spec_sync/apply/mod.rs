//! `--apply`: turn differences into edits of the spec's YAML, and hand them to the node tool
//! (`tools/wix-sdk/cli.mjs apply`), which splices each edit into the text so that every byte of
//! what is not edited stays as it was (order, comments, quoting, flow or block style).
//!
//! Edits are as small as the change: a new field is one `set` of that property; a changed
//! format is one `set` of `format`; a removed enum value rewrites the `enum` list and removes its
//! entry from `x-enum-descriptions`. What a person wrote stays: descriptions, examples, HTTP
//! statuses of error codes, `x-` conventions, and refinements the SDK cannot express (`int64`,
//! `date-time`, patterns, defaults). A new item takes its description from the SDK's JSDoc.

use std::collections::BTreeSet;
use std::path::Path;

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::Value;

mod operations;
mod types;

use super::diff::{Difference, Target};
use super::sdk::{Package, SdkModel};

use operations::{event_edits, operation_edits};
use types::{field_edits, required_edits, type_edits};

/// A JSON value whose objects keep their key order (serde_json's map here sorts keys).
#[derive(Debug, Clone, PartialEq)]
pub enum J {
    /// `true` / `false`.
    Bool(bool),
    /// A number.
    Num(f64),
    /// A string.
    Str(String),
    /// A list.
    Arr(Vec<J>),
    /// An object, in key order.
    Obj(Vec<(String, J)>),
}

impl Serialize for J {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            J::Bool(b) => s.serialize_bool(*b),
            J::Num(n) if n.fract() == 0.0 && n.abs() < 9e15 => s.serialize_i64(*n as i64),
            J::Num(n) => s.serialize_f64(*n),
            J::Str(t) => s.serialize_str(t),
            J::Arr(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            J::Obj(entries) => {
                let mut map = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

impl J {
    fn str(s: impl Into<String>) -> J {
        J::Str(s.into())
    }

    fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    fn from_value(v: &Value) -> J {
        match v {
            Value::Null => J::Str(String::new()),
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => J::Num(n.as_f64().unwrap_or(0.0)),
            Value::String(s) => J::Str(s.clone()),
            Value::Array(a) => J::Arr(a.iter().map(J::from_value).collect()),
            Value::Object(m) => J::Obj(
                m.iter()
                    .map(|(k, v)| (k.clone(), J::from_value(v)))
                    .collect(),
            ),
        }
    }
}

/// One path segment: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq)]
pub enum Seg {
    /// Mapping key.
    Key(String),
    /// Sequence index.
    Index(usize),
}

impl Serialize for Seg {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Seg::Key(k) => s.serialize_str(k),
            Seg::Index(i) => s.serialize_u64(*i as u64),
        }
    }
}

/// Where a new key goes in its mapping.
#[derive(Debug, Clone, PartialEq)]
pub enum Position {
    /// Right after this key (or first, when the key is absent... then at the end).
    After(String),
    /// Among the keys in sorted order.
    Sorted,
}

/// One edit of the YAML document.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Set (replace or insert) the value at a path.
    Set(Vec<Seg>, J, Option<Position>),
    /// Remove the pair or item at a path.
    Delete(Vec<Seg>),
}

impl Serialize for Edit {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        match self {
            Edit::Set(path, value, position) => {
                map.serialize_entry("op", "set")?;
                map.serialize_entry("path", path)?;
                map.serialize_entry("value", value)?;
                match position {
                    Some(Position::After(k)) => map.serialize_entry(
                        "position",
                        &J::Obj(vec![("after".into(), J::str(k.clone()))]),
                    )?,
                    Some(Position::Sorted) => map.serialize_entry(
                        "position",
                        &J::Obj(vec![("sorted".into(), J::Bool(true))]),
                    )?,
                    None => {}
                }
            }
            Edit::Delete(path) => {
                map.serialize_entry("op", "delete")?;
                map.serialize_entry("path", path)?;
            }
        }
        map.end()
    }
}

pub(super) fn keys(path: &[&str]) -> Vec<Seg> {
    path.iter().map(|k| Seg::Key((*k).to_owned())).collect()
}

pub(super) fn with(mut path: Vec<Seg>, key: &str) -> Vec<Seg> {
    path.push(Seg::Key(key.to_owned()));
    path
}

/// The YAML a spec derived from scratch starts from: Wix's host, authentication, error
/// envelope and error responses, which every Wix REST API shares.
pub fn skeleton(packages: &[Package]) -> String {
    let title = packages
        .first()
        .map(|p| {
            p.name
                .trim_start_matches("@wix/auto_sdk_")
                .replace('_', " ")
        })
        .unwrap_or_else(|| "Wix".into());
    let mut listed = String::new();
    for p in packages {
        listed.push_str(&format!(
            "    - name: '{}'\n      version: '{}'\n",
            p.name, p.version
        ));
    }
    include_str!("../skeleton.yaml")
        .replace("{title}", &title)
        .replace("{packages}\n", &listed)
}

/// The edits that make the spec `base` agree with the SDK on every difference.
pub fn plan(
    differences: &[Difference],
    sdk: &SdkModel,
    base: &Value,
    packages: &[Package],
) -> Vec<Edit> {
    let spec = super::spec::model(base);
    let mut edits = Vec::new();
    let targets: BTreeSet<&Target> = differences.iter().map(|d| &d.target).collect();
    let mut required_of: BTreeSet<String> = BTreeSet::new();
    let sdk_model = &sdk.model;
    for target in &targets {
        match target {
            Target::Type(key) => {
                type_edits(&mut edits, key, sdk_model.types.get(key), base, &spec);
                required_of.insert(key.clone());
            }
            Target::Field(key, name) => {
                if let (Some(s), true) = (sdk_model.types.get(key), spec.types.contains_key(key)) {
                    field_edits(&mut edits, key, name, s, base);
                    required_of.insert(key.clone());
                }
            }
            Target::Operation(id) => operation_edits(&mut edits, id, sdk_model, &spec, base),
            Target::Event(_) => {}
        }
    }
    for key in required_of {
        if let (Some(s), Some(p)) = (sdk_model.types.get(&key), spec.types.get(&key)) {
            required_edits(&mut edits, &key, s, p, base);
        }
    }
    let event_targets: Vec<&String> = targets
        .iter()
        .filter_map(|t| match t {
            Target::Event(e) => Some(e),
            _ => None,
        })
        .collect();
    if !event_targets.is_empty() {
        event_edits(&mut edits, &event_targets, sdk_model, &spec, base);
    }
    // Record the packages the spec now follows.
    let listed = J::Arr(
        packages
            .iter()
            .map(|p| {
                J::Obj(vec![
                    ("name".into(), J::str(p.name.clone())),
                    ("version".into(), J::str(p.version.clone())),
                ])
            })
            .collect(),
    );
    if base.pointer("/info/x-wix-sdk-packages") != Some(&listed.to_value()) {
        edits.push(Edit::Set(
            keys(&["info", "x-wix-sdk-packages"]),
            listed,
            None,
        ));
    }
    edits
}

pub(super) fn schema_path(key: &str) -> Vec<Seg> {
    keys(&["components", "schemas", key])
}

pub(super) fn description_or(text: &str, fallback: impl FnOnce() -> String) -> String {
    let t = text.trim();
    if t.is_empty() {
        fallback()
    } else {
        t.to_owned()
    }
}

/// Writes the edits to a temporary file and runs the node tool's `apply` on `spec` (or, for a
/// spec derived from scratch, on `text`). Returns whether the file's bytes changed.
pub fn run_edits(root: &Path, spec: &Path, text: &str, edits: &[Edit]) -> Result<bool, String> {
    let dir = std::env::temp_dir().join(format!("spec-sync-{}-{}", std::process::id(), unique()));
    std::fs::create_dir_all(&dir)
        .map_err(|e| format!("error: cannot create {}: {e}", dir.display()))?;
    let edits_file = dir.join("edits.json");
    let json = serde_json::to_string_pretty(edits).map_err(|e| format!("error: edits: {e}"))?;
    std::fs::write(&edits_file, json)
        .map_err(|e| format!("error: cannot write {}: {e}", edits_file.display()))?;
    let input = if spec.exists() {
        spec.to_path_buf()
    } else {
        let seed = dir.join("skeleton.yaml");
        std::fs::write(&seed, text)
            .map_err(|e| format!("error: cannot write {}: {e}", seed.display()))?;
        seed
    };
    let before = std::fs::read(spec).ok();
    let result = super::node_tool(
        root,
        &[
            "apply".into(),
            "--spec".into(),
            input.display().to_string(),
            "--edits".into(),
            edits_file.display().to_string(),
            "--out".into(),
            spec.display().to_string(),
        ],
    );
    let _ = std::fs::remove_dir_all(&dir);
    result?;
    let after = std::fs::read(spec).ok();
    Ok(before != after)
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec_sync::{diff, parse_spec, sdk, spec};

    const SPEC: &str = "\
openapi: 3.0.3
info:
  title: t
  version: '1'
  x-wix-sdk-packages:
    - name: '@wix/auto_sdk_x'
      version: '1.0.0'
paths: {}
components:
  schemas:
    Thing:
      type: object
      description: A thing.
      properties:
        id:
          type: string
          format: uuid
          description: Kept text.
        size:
          type: integer
          format: int32
          description: Kept too.
";

    fn sdk_thing(fields: serde_json::Value) -> sdk::Extract {
        serde_json::from_value(serde_json::json!({
            "packages": [{"name": "@wix/auto_sdk_x", "version": "1.0.0"}],
            "operations": [],
            "types": [{"name": "Thing", "package": "@wix/auto_sdk_x", "kind": "object",
                       "source": "meta.d.ts:1:1", "fields": fields}],
            "events": []
        }))
        .unwrap()
    }

    fn edits_for(extract: &sdk::Extract) -> Vec<Edit> {
        let base = parse_spec("t.yaml", SPEC).unwrap();
        let spec_model = spec::model(&base);
        let sdk_model = sdk::model(extract, &spec_model).unwrap();
        let differences = diff::compare(&sdk_model.model, &spec_model);
        plan(&differences, &sdk_model, &base, &extract.packages)
    }

    fn f(name: &str, kind: &str, nullable: bool, tags: serde_json::Value) -> serde_json::Value {
        serde_json::json!({"name": name, "type": {"kind": kind}, "optional": true,
                           "nullable": nullable, "tags": tags, "source": "meta.d.ts:2:5"})
    }

    #[test]
    fn in_sync_means_no_edit() {
        let extract = sdk_thing(serde_json::json!([
            f("id", "string", false, serde_json::json!({"format": "GUID"})),
            f("size", "number", false, serde_json::json!({})),
        ]));
        assert_eq!(edits_for(&extract), vec![]);
    }

    #[test]
    fn edits_touch_only_what_differs() {
        let extract = sdk_thing(serde_json::json!([
            f("id", "string", true, serde_json::json!({"format": "GUID"})),
            f("size", "number", false, serde_json::json!({"max": 10})),
            f(
                "label",
                "string",
                false,
                serde_json::json!({"maxLength": 5})
            ),
        ]));
        let edits = edits_for(&extract);
        let path =
            |p: &[&str]| keys(&[&["components", "schemas", "Thing", "properties"][..], p].concat());
        assert_eq!(
            edits,
            vec![
                Edit::Set(path(&["id", "nullable"]), J::Bool(true), None),
                Edit::Set(
                    path(&["label"]),
                    J::Obj(vec![
                        ("type".into(), J::str("string")),
                        ("maxLength".into(), J::Num(5.0)),
                        (
                            "description".into(),
                            J::str("`label` (no description in the SDK).")
                        ),
                    ]),
                    Some(Position::After("size".into())),
                ),
                Edit::Set(path(&["size", "maximum"]), J::Num(10.0), None),
            ]
        );
    }

    #[test]
    fn a_changed_type_keeps_the_description_and_refinements_it_can() {
        let extract = sdk_thing(serde_json::json!([
            f("id", "string", false, serde_json::json!({"format": "GUID"})),
            f("size", "string", false, serde_json::json!({})),
        ]));
        let edits = edits_for(&extract);
        let touched: Vec<String> = edits
            .iter()
            .map(|e| match e {
                Edit::Set(p, v, _) => format!("set {:?} {}", p.last(), v.to_value()),
                Edit::Delete(p) => format!("delete {:?}", p.last()),
            })
            .collect();
        assert!(
            touched.contains(&r#"set Some(Key("type")) "string""#.to_owned()),
            "{touched:?}"
        );
        assert!(
            touched.contains(&r#"delete Some(Key("format"))"#.to_owned()),
            "{touched:?}"
        );
        assert!(
            !touched.iter().any(|t| t.contains("description")),
            "{touched:?}"
        );
    }
}
