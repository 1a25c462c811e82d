//! Mutated specs: thousands of randomly broken documents through the whole generator.
//!
//! A seeded, deterministic loop takes the Inbox spec, small synthetic specs written here and
//! (when `cargo xtask corpus` has fetched it) a few `@readme/oas-examples` documents, applies
//! one to three random mutations (delete a key, change a type, break a `$ref`, inject a cycle,
//! empty a schema, a huge string, weird names, deep nesting, a non-UTF-8 byte, a cut or
//! shuffled line) and runs `codegen::generate` in strict or lenient mode. Every case must
//! finish within a time bound without panicking, and every failure must be an error that names
//! a place: a JSON pointer starting with `#`, and a line and column when the text is YAML.
//!
//! `MUTATION_CASES=N` changes the number of cases, `MUTATION_SEED=S` the seed; a failure
//! prints both, with the mutations applied, so it can be replayed alone (`MUTATION_ONLY=CASE`,
//! `MUTATION_TRACE=1` lists every case, `MUTATION_DUMP=FILE` writes the case's text).
//! `MUTATION_KEEP=DIR` writes every case that generated into DIR, for
//! `cargo xtask corpus --dir DIR` to check that what generates also compiles.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use serde_yaml::{Mapping, Value};

/// Per-case bound: generation of a mutated spec must finish well within this.
const TIME_LIMIT: Duration = Duration::from_secs(5);

/// splitmix64: small, seedable, the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Small specs with the constructs the generator supports, to mutate alongside the real ones.
const SYNTHETIC: &[&str] = &[
    r##"
openapi: 3.0.3
info: {title: Pets, version: '1'}
paths:
  /pets/{petId}:
    parameters:
      - {name: petId, in: path, required: true, schema: {type: string, format: uuid}}
    get:
      operationId: getPet
      parameters:
        - {name: tags, in: query, schema: {type: array, items: {$ref: '#/components/schemas/Color'}}}
        - {name: limit, in: query, schema: {type: integer, format: int32, maximum: 100}}
      responses:
        '200': {description: OK, content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}
    delete:
      responses:
        '204': {description: Gone}
  /pets:
    post:
      requestBody:
        $ref: '#/components/requestBodies/NewPet'
      responses:
        '201': {description: OK, content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}}}}
components:
  requestBodies:
    NewPet:
      required: true
      content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}
  schemas:
    Color: {type: string, enum: [red, green, Red]}
    Pet:
      oneOf:
        - $ref: '#/components/schemas/Cat'
        - $ref: '#/components/schemas/Dog'
      discriminator: {propertyName: kind, mapping: {cat: '#/components/schemas/Cat'}}
    Base:
      type: object
      required: [kind]
      properties:
        kind: {type: string}
        name: {type: string, maxLength: 20}
        labels: {type: object, additionalProperties: {type: string, format: int64}}
    Cat:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          properties:
            lives: {type: integer}
            friend: {$ref: '#/components/schemas/Pet'}
    Dog:
      allOf:
        - $ref: '#/components/schemas/Base'
        - {type: object, properties: {barks: {type: boolean}, toys: {type: array, items: {anyOf: [{type: string}, {type: integer}, {$ref: '#/components/schemas/Dog'}]}}}}
"##,
    r##"
openapi: 3.0.0
info: {title: Shapes, version: '1'}
paths:
  /shapes:
    get:
      operationId: listShapes
      parameters:
        - {name: cursor, in: query, schema: {type: string}}
        - {name: type, in: query, schema: {type: string, enum: [a, b]}}
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema:
                type: object
                properties:
                  shapes: {type: array, items: {$ref: '#/components/schemas/Shape'}}
                  cursors: {type: object, properties: {next: {type: string}}}
components:
  schemas:
    Shape:
      type: object
      x-oneof: {kind: [circle, square]}
      properties:
        circle: {type: object, properties: {radius: {type: number}}}
        square: {type: object, properties: {side: {type: number, format: float}}}
        self: {type: string, nullable: true, readOnly: true}
        "@type": {type: string}
        type: {type: string}
        when: {type: string, format: date-time, deprecated: true}
    Tree:
      type: object
      properties:
        children: {type: array, items: {$ref: '#/components/schemas/Tree'}}
        parent: {$ref: '#/components/schemas/Tree'}
        value: {oneOf: [{type: string}, {type: number}, {type: object, properties: {x: {type: string}}}]}
"##,
];

/// A few corpus documents, when the corpus cache exists (never committed).
fn corpus_docs() -> Vec<(String, String)> {
    let dir = root()
        .join(".cache/oas-examples")
        .join(xtask::corpus::OAS_EXAMPLES_VERSION)
        .join("package/3.0/yaml");
    [
        "petstore.yaml",
        "discriminators.yaml",
        "circular.yaml",
        "complex-nesting.yaml",
        "parameters-style.yaml",
    ]
    .iter()
    .filter_map(|name| {
        let text = std::fs::read_to_string(dir.join(name)).ok()?;
        Some((format!("corpus {name}"), text))
    })
    .collect()
}

/// One step into a YAML value.
#[derive(Clone, Debug)]
enum Step {
    Key(Value),
    Index(usize),
}

fn paths(value: &Value) -> Vec<Vec<Step>> {
    let mut out = vec![Vec::new()];
    let mut todo: Vec<(Vec<Step>, &Value)> = vec![(Vec::new(), value)];
    while let Some((path, node)) = todo.pop() {
        match node {
            Value::Mapping(map) => {
                for (k, v) in map {
                    let mut p = path.clone();
                    p.push(Step::Key(k.clone()));
                    out.push(p.clone());
                    todo.push((p, v));
                }
            }
            Value::Sequence(items) => {
                for (i, v) in items.iter().enumerate() {
                    let mut p = path.clone();
                    p.push(Step::Index(i));
                    out.push(p.clone());
                    todo.push((p, v));
                }
            }
            _ => {}
        }
    }
    out
}

fn get_mut<'v>(value: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
    let mut node = value;
    for step in path {
        node = match (step, node) {
            (Step::Key(k), Value::Mapping(map)) => map.get_mut(k)?,
            (Step::Index(i), Value::Sequence(items)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(node)
}

fn get<'v>(value: &'v Value, path: &[Step]) -> Option<&'v Value> {
    let mut node = value;
    for step in path {
        node = match (step, node) {
            (Step::Key(k), Value::Mapping(map)) => map.get(k)?,
            (Step::Index(i), Value::Sequence(items)) => items.get(*i)?,
            _ => return None,
        };
    }
    Some(node)
}

fn show(path: &[Step]) -> String {
    let mut out = String::from("#");
    for step in path {
        match step {
            Step::Key(Value::String(k)) => out.push_str(&format!("/{k}")),
            Step::Key(k) => out.push_str(&format!("/{k:?}")),
            Step::Index(i) => out.push_str(&format!("/{i}")),
        }
    }
    out
}

/// Paths of nodes that look like schemas (mappings with a schema keyword).
fn schema_paths(doc: &Value, all: &[Vec<Step>]) -> Vec<Vec<Step>> {
    all.iter()
        .filter(|p| {
            get(doc, p).and_then(Value::as_mapping).is_some_and(|m| {
                [
                    "type",
                    "$ref",
                    "properties",
                    "allOf",
                    "oneOf",
                    "anyOf",
                    "items",
                    "enum",
                ]
                .iter()
                .any(|k| m.contains_key(*k))
            })
        })
        .cloned()
        .collect()
}

fn component_names(doc: &Value) -> Vec<String> {
    doc.get("components")
        .and_then(|c| c.get("schemas"))
        .and_then(Value::as_mapping)
        .map(|m| {
            m.keys()
                .filter_map(|k| k.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

const WEIRD_NAMES: &[&str] = &[
    "",
    "type",
    "self",
    "Self",
    "super",
    "crate",
    "_",
    "__",
    "ユーザー",
    "😀",
    "a-b",
    "a_b",
    "A B",
    "123",
    "$ref",
    "Option",
    "Result",
    "Client",
    "Method",
    "Value",
    "body",
    "options",
    "path",
    "query",
    "clone",
    "default",
    "send",
    "unrecognized",
    "Unrecognized",
    "r#type",
    "x.y",
    "a/b",
    "~0",
    "ñame",
    "²",
];

const BROKEN_REFS: &[&str] = &[
    "#/components/schemas/DoesNotExist",
    "#/components/schemas/",
    "#/nowhere",
    "#",
    "#/paths",
    "#/info",
    "other.yaml#/components/schemas/X",
    "http://example.com/schema.json",
    "",
    "#/components/schemas/Pet/properties/name",
    "#/components/parameters/Missing",
    "#/components/schemas/a~1b",
];

/// Applies one structural mutation to `doc`; returns a description.
fn mutate_value(doc: &mut Value, rng: &mut Rng) -> String {
    let all = paths(doc);
    match rng.below(10) {
        0 => {
            // Delete a key.
            let maps: Vec<&Vec<Step>> = all
                .iter()
                .filter(|p| {
                    get(doc, p)
                        .and_then(Value::as_mapping)
                        .is_some_and(|m| !m.is_empty())
                })
                .collect();
            if maps.is_empty() {
                return "nothing to delete".into();
            }
            let path = (*rng.pick(&maps)).clone();
            let map = get_mut(doc, &path).and_then(Value::as_mapping_mut).unwrap();
            let key = map.keys().nth(rng.below(map.len())).unwrap().clone();
            map.remove(&key);
            format!("delete {}/{key:?}", show(&path))
        }
        1 => {
            // Change a type.
            let path = rng.pick(&all).clone();
            let replacement = match rng.below(7) {
                0 => Value::String("surprise".into()),
                1 => Value::Number(42.into()),
                2 => Value::Bool(true),
                3 => Value::Null,
                4 => Value::Sequence(vec![Value::Number(1.into()), Value::String("x".into())]),
                5 => Value::Mapping(Mapping::new()),
                _ => Value::Number(serde_yaml::Number::from(-1.5)),
            };
            if let Some(node) = get_mut(doc, &path) {
                *node = replacement.clone();
            }
            format!("retype {} to {replacement:?}", show(&path))
        }
        2 => {
            // Break a $ref.
            let refs: Vec<&Vec<Step>> = all
                .iter()
                .filter(|p| matches!(p.last(), Some(Step::Key(Value::String(k))) if k == "$ref"))
                .collect();
            if refs.is_empty() {
                return "no $ref to break".into();
            }
            let path = (*rng.pick(&refs)).clone();
            let broken = *rng.pick(BROKEN_REFS);
            *get_mut(doc, &path).unwrap() = Value::String(broken.into());
            format!("break {} to {broken:?}", show(&path))
        }
        3 => {
            // Inject a cycle.
            let names = component_names(doc);
            if names.is_empty() {
                return "no component to loop".into();
            }
            let name = rng.pick(&names).clone();
            let target = format!(
                "#/components/schemas/{}",
                name.replace('~', "~0").replace('/', "~1")
            );
            let schemas = doc
                .get_mut("components")
                .and_then(|c| c.get_mut("schemas"))
                .and_then(Value::as_mapping_mut)
                .unwrap();
            let other = names[rng.below(names.len())].clone();
            let reference = |r: &str| {
                let mut m = Mapping::new();
                m.insert("$ref".into(), r.into());
                Value::Mapping(m)
            };
            match rng.below(4) {
                0 => {
                    schemas.insert(name.clone().into(), reference(&target));
                    format!("{name} = $ref itself")
                }
                1 => {
                    let mut m = Mapping::new();
                    m.insert(
                        "allOf".into(),
                        Value::Sequence(vec![reference(&target), reference(&target)]),
                    );
                    schemas.insert(name.clone().into(), Value::Mapping(m));
                    format!("{name} = allOf of itself")
                }
                2 => {
                    let other_target = format!(
                        "#/components/schemas/{}",
                        other.replace('~', "~0").replace('/', "~1")
                    );
                    schemas.insert(name.clone().into(), reference(&other_target));
                    schemas.insert(other.clone().into(), reference(&target));
                    format!("{name} and {other} refer to each other")
                }
                _ => {
                    let mut m = Mapping::new();
                    m.insert("type".into(), "array".into());
                    m.insert("items".into(), reference(&target));
                    schemas.insert(name.clone().into(), Value::Mapping(m));
                    format!("{name} = array of itself")
                }
            }
        }
        4 => {
            // An empty schema.
            let schemas = schema_paths(doc, &all);
            if schemas.is_empty() {
                return "no schema to empty".into();
            }
            let path = rng.pick(&schemas).clone();
            *get_mut(doc, &path).unwrap() = Value::Mapping(Mapping::new());
            format!("empty schema at {}", show(&path))
        }
        5 => {
            // A huge string.
            let strings: Vec<&Vec<Step>> = all
                .iter()
                .filter(|p| get(doc, p).is_some_and(Value::is_string))
                .collect();
            if strings.is_empty() {
                return "no string".into();
            }
            let path = (*rng.pick(&strings)).clone();
            let unit = *rng.pick(&["x", "[a](b) <b> `c` ", "ünï ", "a\nb\n", "```\n"]);
            let size = 50_000 + rng.below(200_000);
            let huge = unit.repeat(size / unit.len());
            *get_mut(doc, &path).unwrap() = Value::String(huge);
            format!("huge string ({size} bytes) at {}", show(&path))
        }
        6 => {
            // Weird names: rename a property or a component.
            let maps: Vec<&Vec<Step>> = all
                .iter()
                .filter(|p| {
                    matches!(p.last(), Some(Step::Key(Value::String(k))) if k == "properties" || k == "schemas" || k == "enum")
                })
                .collect();
            if maps.is_empty() {
                return "no names".into();
            }
            let path = (*rng.pick(&maps)).clone();
            let weird = *rng.pick(WEIRD_NAMES);
            match get_mut(doc, &path) {
                Some(Value::Mapping(map)) if !map.is_empty() => {
                    let key = map.keys().nth(rng.below(map.len())).unwrap().clone();
                    let value = map.get(&key).cloned().unwrap();
                    if rng.chance(50) {
                        map.remove(&key);
                    }
                    map.insert(weird.into(), value);
                    format!("name {weird:?} at {}", show(&path))
                }
                Some(Value::Sequence(items)) => {
                    items.push(weird.into());
                    format!("enum value {weird:?} at {}", show(&path))
                }
                _ => "no names".into(),
            }
        }
        7 => {
            // Deep nesting.
            let schemas = schema_paths(doc, &all);
            if schemas.is_empty() {
                return "no schema to nest".into();
            }
            let path = rng.pick(&schemas).clone();
            let depth = 10 + rng.below(150);
            let keyword = *rng.pick(&[
                "properties",
                "items",
                "allOf",
                "oneOf",
                "additionalProperties",
            ]);
            let mut node = Value::Mapping(Mapping::new());
            for _ in 0..depth {
                let mut m = Mapping::new();
                match keyword {
                    "properties" => {
                        let mut props = Mapping::new();
                        props.insert("a".into(), node);
                        m.insert("type".into(), "object".into());
                        m.insert("properties".into(), Value::Mapping(props));
                    }
                    "items" => {
                        m.insert("type".into(), "array".into());
                        m.insert("items".into(), node);
                    }
                    "additionalProperties" => {
                        m.insert("type".into(), "object".into());
                        m.insert("additionalProperties".into(), node);
                    }
                    other => {
                        let mut second = Mapping::new();
                        second.insert("type".into(), "object".into());
                        let mut props = Mapping::new();
                        props.insert("b".into(), Value::Mapping(Mapping::new()));
                        second.insert("properties".into(), Value::Mapping(props));
                        m.insert(
                            other.into(),
                            Value::Sequence(vec![node, Value::Mapping(second)]),
                        );
                    }
                }
                node = Value::Mapping(m);
            }
            *get_mut(doc, &path).unwrap() = node;
            format!("{keyword} nested {depth} deep at {}", show(&path))
        }
        8 => {
            // A component whose name collides with another after case conversion.
            let names = component_names(doc);
            if names.is_empty() {
                return "no component to copy".into();
            }
            let name = rng.pick(&names).clone();
            let twin = if rng.chance(50) {
                name.to_lowercase()
            } else {
                format!("{name}_")
            };
            let schemas = doc
                .get_mut("components")
                .and_then(|c| c.get_mut("schemas"))
                .and_then(Value::as_mapping_mut)
                .unwrap();
            let value = schemas.get(name.as_str()).cloned().unwrap();
            schemas.insert(twin.clone().into(), value);
            format!("copy {name} to {twin}")
        }
        _ => {
            // Copy a random subtree over another node.
            let from = rng.pick(&all).clone();
            let to = rng.pick(&all).clone();
            let value = get(doc, &from).cloned().unwrap_or(Value::Null);
            if let Some(node) = get_mut(doc, &to) {
                *node = value;
            }
            format!("copy {} over {}", show(&from), show(&to))
        }
    }
}

/// Applies one text-level mutation.
fn mutate_text(text: &mut Vec<u8>, rng: &mut Rng) -> String {
    if text.is_empty() {
        return "empty".into();
    }
    match rng.below(5) {
        0 => {
            let at = rng.below(text.len());
            let byte = *rng.pick(&[0xff_u8, 0xc3, 0x80, 0xfe, 0x00]);
            text.insert(at, byte);
            format!("byte {byte:#x} at offset {at}")
        }
        1 => {
            let at = rng.below(text.len());
            text.truncate(at);
            format!("truncate at {at}")
        }
        2 => {
            let mut lines: Vec<Vec<u8>> = text.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
            let i = rng.below(lines.len());
            lines.remove(i);
            *text = lines.join(&b'\n');
            format!("delete line {}", i + 1)
        }
        3 => {
            let mut lines: Vec<Vec<u8>> = text.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
            let i = rng.below(lines.len());
            let j = rng.below(lines.len());
            lines.swap(i, j);
            *text = lines.join(&b'\n');
            format!("swap lines {} and {}", i + 1, j + 1)
        }
        _ => {
            let mut lines: Vec<Vec<u8>> = text.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
            let i = rng.below(lines.len());
            lines[i].splice(0..0, b"  ".iter().copied());
            *text = lines.join(&b'\n');
            format!("indent line {}", i + 1)
        }
    }
}

/// What one case did.
enum Outcome {
    Generated,
    Rejected,
}

/// Runs the generator on `bytes` in a thread, with a time bound; checks the result.
fn run_case(bytes: Vec<u8>, strict: bool) -> Result<Outcome, String> {
    let (sender, receiver) = mpsc::channel();
    let input = bytes.clone();
    std::thread::Builder::new()
        .name("mutated-spec".into())
        .spawn(move || {
            let options = codegen::Options {
                spec_name: "mutated.yaml".into(),
                strict,
            };
            let result = std::panic::catch_unwind(|| codegen::generate(&input, &options));
            let _ = sender.send(result.map(|r| r.map(|o| o.warnings)));
        })
        .map_err(|e| format!("cannot spawn: {e}"))?;
    let result = match receiver.recv_timeout(TIME_LIMIT) {
        Ok(result) => result,
        Err(_) => return Err(format!("did not finish within {TIME_LIMIT:?}")),
    };
    let result = result.map_err(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        format!("panicked: {message}")
    })?;
    // Parsed only when needed: YAML text must give line:col for every error.
    let is_yaml_text = || {
        std::str::from_utf8(&bytes)
            .ok()
            .is_some_and(|t| serde_yaml::from_str::<Value>(t).is_ok())
    };
    match result {
        Ok(warnings) => {
            for w in &warnings {
                if !w.pointer.starts_with('#') || w.message.is_empty() {
                    return Err(format!("warning without a place: {w:?}"));
                }
            }
            Ok(Outcome::Generated)
        }
        Err(diagnostics) => {
            if !diagnostics.has_errors() {
                return Err(format!("an Err without errors: {diagnostics:?}"));
            }
            for d in diagnostics.errors() {
                if !d.pointer.starts_with('#') || d.message.is_empty() {
                    return Err(format!("error without a place: {d:?}"));
                }
                if d.line_col.is_none() && is_yaml_text() {
                    return Err(format!("error in YAML text without line:col: {d:?}"));
                }
            }
            Ok(Outcome::Rejected)
        }
    }
}

/// Builds one case from its seed: (base name, bytes, strict, mutations applied).
fn make_case(bases: &[(String, Value)], case_seed: u64) -> (String, Vec<u8>, bool, Vec<String>) {
    let mut rng = Rng(case_seed);
    // The Inbox spec is the largest (and slowest): mutate it in a fifth of the cases.
    let (name, base) = if rng.chance(20) {
        &bases[0]
    } else {
        &bases[1 + rng.below(bases.len() - 1)]
    };
    let mut doc = base.clone();
    let mut applied = Vec::new();
    for _ in 0..1 + rng.below(3) {
        applied.push(mutate_value(&mut doc, &mut rng));
    }
    let mut bytes = serde_yaml::to_string(&doc).unwrap().into_bytes();
    if rng.chance(15) {
        applied.push(mutate_text(&mut bytes, &mut rng));
    }
    let strict = rng.chance(50);
    let applied = applied
        .iter()
        .map(|a| a.chars().take(160).collect::<String>())
        .collect();
    (name.clone(), bytes, strict, applied)
}

#[test]
fn mutated_specs_never_panic_hang_or_fail_without_a_place() {
    let cases: usize = std::env::var("MUTATION_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let seed: u64 = std::env::var("MUTATION_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5eed_2024);
    let mut bases: Vec<(String, Value)> = Vec::new();
    let inbox = std::fs::read_to_string(root().join("spec/inbox-v2.yaml")).unwrap();
    bases.push((
        "spec/inbox-v2.yaml".into(),
        serde_yaml::from_str(&inbox).unwrap(),
    ));
    for (i, text) in SYNTHETIC.iter().enumerate() {
        bases.push((
            format!("synthetic #{i}"),
            serde_yaml::from_str(text).unwrap(),
        ));
    }
    for (name, text) in corpus_docs() {
        bases.push((name, serde_yaml::from_str(&text).unwrap()));
    }
    // Every base generates as it is (lenient), so mutations start from a working document.
    for (name, doc) in &bases {
        let text = serde_yaml::to_string(doc).unwrap();
        assert!(
            matches!(run_case(text.into_bytes(), false), Ok(Outcome::Generated)),
            "{name} does not generate unmutated"
        );
    }

    let only: Option<usize> = std::env::var("MUTATION_ONLY")
        .ok()
        .and_then(|v| v.parse().ok());
    let trace = std::env::var_os("MUTATION_TRACE").is_some();
    // Case seeds come from one sequence, so a case is the same however the cases are split.
    let mut rng = Rng(seed);
    let case_seeds: Vec<u64> = (0..cases).map(|_| rng.next()).collect();
    let started = std::time::Instant::now();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4);
    let results: Vec<(usize, usize, Vec<String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|worker| {
                let bases = &bases;
                let case_seeds = &case_seeds;
                scope.spawn(move || {
                    let (mut generated, mut rejected) = (0usize, 0usize);
                    let mut failures = Vec::new();
                    for case in (worker..cases).step_by(workers) {
                        if only.is_some_and(|o| o != case) {
                            continue;
                        }
                        let case_seed = case_seeds[case];
                        let (name, bytes, strict, applied) = make_case(bases, case_seed);
                        if trace {
                            eprintln!("case {case} on {name}, strict={strict}: {}", applied.join("; "));
                        }
                        if let Ok(path) = std::env::var("MUTATION_DUMP") {
                            std::fs::write(path, &bytes).unwrap();
                        }
                        let keep = std::env::var_os("MUTATION_KEEP").map(|dir| {
                            Path::new(&dir).join(format!("case-{case}.yaml"))
                        });
                        let kept = keep.as_ref().map(|path| (path.clone(), bytes.clone()));
                        match run_case(bytes, strict) {
                            Ok(Outcome::Generated) => {
                                generated += 1;
                                // For `cargo xtask corpus --dir`: does what generated compile?
                                if let Some((path, bytes)) = kept {
                                    std::fs::write(path, bytes).unwrap();
                                }
                            }
                            Ok(Outcome::Rejected) => rejected += 1,
                            Err(problem) => failures.push(format!(
                                "case {case} (MUTATION_SEED={seed} MUTATION_ONLY={case}) on {name}, strict={strict}: {problem}\n  mutations: {}",
                                applied.join("; ")
                            )),
                        }
                    }
                    (generated, rejected, failures)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let generated: usize = results.iter().map(|r| r.0).sum();
    let rejected: usize = results.iter().map(|r| r.1).sum();
    let failures: Vec<String> = results.into_iter().flat_map(|r| r.2).collect();
    eprintln!(
        "mutated specs: {cases} cases over {} base documents in {:.1?}: {generated} generated, {rejected} rejected with a located error, {} failed",
        bases.len(),
        started.elapsed(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {cases} mutated specs failed:\n{}",
        failures.len(),
        failures
            .iter()
            .take(15)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
