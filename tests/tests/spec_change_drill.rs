//! The spec-change drill: Developer-Preview-like edits to a copy of `spec/inbox-v2.yaml`, one at
//! a time and all together, each checked end to end.
//!
//! For every edit (done on the parsed YAML, never on text):
//! - the generator runs and the output is scaffolded into one standalone crate
//!   (`<target>/drill-crate`, crate `drill_client`) that `cargo check`s, sharing one target
//!   directory (`<target>/client-crates`, also used by xtask's new-client test) so only the
//!   first run builds the dependencies;
//! - the change report lists exactly that edit, with the right class;
//! - small user programs (`tests/drill/*.rs`, copied to the crate's `examples/`) prove the
//!   class: one using only unchanged items compiles against old and new code, one using a
//!   removed or changed item stops compiling (BREAKING), one using a touched item keeps
//!   compiling (compatible) or warns (DEPRECATION).
//!
//! All variants run in one test, sequentially, so the dependency build happens once. The
//! all-together report is written to `<target>/drill-report.md`. See the summary table with
//! `cargo test -p inbox-api-tests --test spec_change_drill -- --nocapture`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use codegen::report::{Class, Entry, Report};
use serde_yaml::{Mapping, Value};

/// Name of the scaffolded crate; the user programs say `use drill_client::...`.
const CRATE: &str = "drill_client";

/// What a user program must do against one version of the generated code.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Compiles without warnings.
    Compiles,
    /// Compiles, with a warning that mentions the text (a deprecation).
    Warns(&'static str),
    /// Does not compile, and an error (its message or the source line it points at) mentions
    /// the text.
    Fails(&'static str),
}

/// A user program: `tests/drill/<name>.rs`.
struct Program {
    name: &'static str,
    old: Expect,
    new: Expect,
}

/// One spec edit and what it must lead to.
struct Variant {
    name: &'static str,
    edit: fn(&mut Value),
    /// The exact set of non-docs report entries.
    entries: &'static [(Class, &'static str)],
    /// `(item, text)`: the entry's change text must mention `text`.
    change_mentions: &'static [(&'static str, &'static str)],
    programs: &'static [Program],
}

use Class::{Breaking, Compatible, Deprecation};
use Expect::{Compiles, Fails, Warns};

const fn program(name: &'static str, old: Expect, new: Expect) -> Program {
    Program { name, old, new }
}

const VARIANTS: &[Variant] = &[
    Variant {
        name: "add_optional_field",
        edit: add_optional_field,
        entries: &[(Compatible, "Badge::tooltip")],
        change_mentions: &[("Badge::tooltip", "struct literals")],
        programs: &[
            program("optional_field_unchanged", Compiles, Compiles),
            program("optional_field_new", Fails("tooltip"), Compiles),
            // The documented exception: a literal listing every field must add the new one.
            program("optional_field_literal", Compiles, Fails("tooltip")),
        ],
    },
    Variant {
        name: "add_enum_value",
        edit: add_enum_value,
        entries: &[(Compatible, "ChannelType::Telegram")],
        change_mentions: &[("ChannelType::Telegram", "TELEGRAM")],
        programs: &[
            program("enum_value_unchanged", Compiles, Compiles),
            program("enum_value_new", Fails("Telegram"), Compiles),
        ],
    },
    Variant {
        name: "add_operation",
        edit: add_operation,
        entries: &[(Compatible, "Client::read_conversation")],
        change_mentions: &[(
            "Client::read_conversation",
            "POST /inbox/v2/conversations/{conversationId}/read",
        )],
        programs: &[
            program("operation_unchanged", Compiles, Compiles),
            program("operation_new", Fails("read_conversation"), Compiles),
        ],
    },
    Variant {
        name: "add_event",
        edit: add_event,
        // The event comes with its payload type.
        entries: &[
            (Compatible, "ConversationRead"),
            (Compatible, "Event::ConversationRead"),
        ],
        change_mentions: &[("Event::ConversationRead", "conversation_conversation_read")],
        programs: &[
            program("event_unchanged", Compiles, Compiles),
            program("event_new", Fails("ConversationRead"), Compiles),
        ],
    },
    Variant {
        name: "deprecate_field",
        edit: deprecate_field,
        entries: &[(Deprecation, "Message::badges")],
        change_mentions: &[("Message::badges", "2026-12-31")],
        programs: &[
            program("deprecation_unchanged", Compiles, Compiles),
            program("deprecation_touched", Compiles, Warns("badges")),
        ],
    },
    Variant {
        name: "remove_field",
        edit: remove_field,
        entries: &[(Breaking, "Message::direction")],
        change_mentions: &[("Message::direction", "removed")],
        programs: &[
            program("removed_field_unchanged", Compiles, Compiles),
            program("removed_field_touched", Compiles, Fails("direction")),
        ],
    },
    Variant {
        name: "change_field_type",
        edit: change_field_type,
        // The new `format` is part of the type change; no separate "limits changed" entry.
        entries: &[(Breaking, "ImageMessage::width")],
        change_mentions: &[("ImageMessage::width", "f64")],
        programs: &[
            program("type_change_unchanged", Compiles, Compiles),
            program("type_change_touched", Compiles, Fails("width")),
        ],
    },
    Variant {
        name: "add_required_field",
        edit: add_required_field,
        entries: &[(Breaking, "SendMessageRequest::idempotency_key")],
        change_mentions: &[("SendMessageRequest::idempotency_key", "gains an argument")],
        programs: &[
            program("required_field_unchanged", Compiles, Compiles),
            program(
                "required_field_touched",
                Compiles,
                Fails("SendMessageRequest::new"),
            ),
            program("required_field_literal", Compiles, Fails("idempotency_key")),
        ],
    },
    Variant {
        name: "remove_operation",
        edit: remove_operation,
        entries: &[(Breaking, "Client::get_conversation")],
        change_mentions: &[(
            "Client::get_conversation",
            "GET /inbox/v2/conversations/{conversationId}",
        )],
        programs: &[
            program("removed_operation_unchanged", Compiles, Compiles),
            program(
                "removed_operation_touched",
                Compiles,
                Fails("get_conversation"),
            ),
        ],
    },
    Variant {
        name: "add_oneof_alternative",
        edit: add_oneof_alternative,
        entries: &[(Compatible, "basic_message_data::Data::Audio")],
        change_mentions: &[("basic_message_data::Data::Audio", "audio")],
        programs: &[
            program("oneof_unchanged", Compiles, Compiles),
            program("oneof_new", Fails("Audio"), Compiles),
        ],
    },
];

// ---------------------------------------------------------------------------------------------
// The edits.

/// A new optional field: `Badge.tooltip`.
fn add_optional_field(spec: &mut Value) {
    let tooltip = yaml(
        r#"
type: string
maxLength: 256
nullable: true
description: Text shown when the pointer rests on the badge.
"#,
    );
    properties(spec, "Badge").insert("tooltip".into(), tooltip);
}

/// A new enum value: `ChannelType` `TELEGRAM`.
fn add_enum_value(spec: &mut Value) {
    let channel = schema(spec, "ChannelType");
    sequence(get(channel, &["enum"])).push("TELEGRAM".into());
    mapping(get(channel, &["x-enum-descriptions"]))
        .insert("TELEGRAM".into(), "Telegram messages.".into());
}

/// A new operation: `readConversation`, `POST /inbox/v2/conversations/{conversationId}/read`.
fn add_operation(spec: &mut Value) {
    let operation = yaml(
        r#"
post:
  operationId: readConversation
  tags: [conversations]
  summary: Mark a conversation as read
  description: Marks every message of the conversation as read by the business.
  x-wix-permission: INBOX.READ_CONVERSATIONS
  x-wix-method-fqn: com.wixpress.inbox.v2.ConversationsService.ReadConversation
  x-wix-application-errors: []
  parameters:
    - name: conversationId
      in: path
      required: true
      description: Conversation to mark as read.
      schema:
        type: string
        format: uuid
  responses:
    '200':
      description: The conversation was marked as read; the body is empty.
    default:
      $ref: '#/components/responses/UnexpectedError'
"#,
    );
    let path = "/inbox/v2/conversations/{conversationId}/read";
    mapping(get(spec, &["paths"])).insert(path.into(), operation);
}

/// A new webhook event `conversation_read`, with its payload schema `ConversationRead`.
fn add_event(spec: &mut Value) {
    let payload = yaml(
        r#"
type: object
description: Payload of the Conversation Read event, sent when the business reads a conversation.
properties:
  conversationId:
    type: string
    format: uuid
    description: Conversation that was read.
  readBy:
    allOf:
      - $ref: '#/components/schemas/IdentificationData'
    description: Who read it.
"#,
    );
    mapping(get(spec, &["components", "schemas"])).insert("ConversationRead".into(), payload);
    let event = yaml(
        r#"
eventType: wix.crm.inbox.v2.conversation_conversation_read
entityFqdn: wix.crm.inbox.v2.conversation
slug: conversation_read
payload: '#/components/schemas/ConversationRead'
permission: INBOX.READ_CONVERSATIONS
description: Triggered when the business reads a conversation.
"#,
    );
    sequence(get(spec, &["x-wix-events", "events"])).push(event);
}

/// A field deprecated with a removal date: `Message.badges`, removal 2026-12-31.
fn deprecate_field(spec: &mut Value) {
    let badges = mapping(get(schema(spec, "Message"), &["properties", "badges"]));
    badges.insert("deprecated".into(), true.into());
    badges.insert("x-target-removal-date".into(), "2026-12-31".into());
}

/// A field removed: `Message.direction` (also from `required`).
fn remove_field(spec: &mut Value) {
    let message = schema(spec, "Message");
    mapping(get(message, &["properties"]))
        .remove("direction")
        .expect("Message.direction exists");
    sequence(get(message, &["required"])).retain(|v| v.as_str() != Some("direction"));
}

/// A field's type changed: `ImageMessage.width` from `integer/int32` to `number/double`.
fn change_field_type(spec: &mut Value) {
    let width = mapping(get(schema(spec, "ImageMessage"), &["properties", "width"]));
    width.insert("type".into(), "number".into());
    width.insert("format".into(), "double".into());
}

/// A new required field: `SendMessageRequest.idempotencyKey`.
fn add_required_field(spec: &mut Value) {
    let key = yaml(
        r#"
type: string
minLength: 1
maxLength: 100
description: Caller-chosen key; a retried request with the same key is stored once.
"#,
    );
    let request = schema(spec, "SendMessageRequest");
    mapping(get(request, &["properties"])).insert("idempotencyKey".into(), key);
    sequence(get(request, &["required"])).push("idempotencyKey".into());
}

/// An operation removed: `getConversation` (its whole path item).
fn remove_operation(spec: &mut Value) {
    mapping(get(spec, &["paths"]))
        .remove("/inbox/v2/conversations/{conversationId}")
        .expect("the getConversation path exists");
}

/// A oneof alternative added: `BasicMessageData` group `data` gets `audio` (a `FileMessage`).
fn add_oneof_alternative(spec: &mut Value) {
    let audio = yaml(
        r#"
allOf:
  - $ref: '#/components/schemas/FileMessage'
description: Voice note or other audio, hosted by Wix Media or elsewhere.
"#,
    );
    let data = schema(spec, "BasicMessageData");
    mapping(get(data, &["properties"])).insert("audio".into(), audio);
    sequence(get(data, &["x-oneof", "data"])).push("audio".into());
}

fn get<'a>(value: &'a mut Value, path: &[&str]) -> &'a mut Value {
    let mut value = value;
    for key in path {
        value = value
            .get_mut(*key)
            .unwrap_or_else(|| panic!("the spec has no `{}`", path.join("/")));
    }
    value
}

fn mapping(value: &mut Value) -> &mut Mapping {
    value.as_mapping_mut().expect("a YAML mapping")
}

fn sequence(value: &mut Value) -> &mut Vec<Value> {
    value.as_sequence_mut().expect("a YAML sequence")
}

fn schema<'a>(spec: &'a mut Value, name: &str) -> &'a mut Value {
    get(spec, &["components", "schemas", name])
}

fn properties<'a>(spec: &'a mut Value, name: &str) -> &'a mut Mapping {
    mapping(get(schema(spec, name), &["properties"]))
}

fn yaml(text: &str) -> Value {
    serde_yaml::from_str(text).expect("the fragment is YAML")
}

// ---------------------------------------------------------------------------------------------
// Generating, scaffolding, checking.

fn generate(spec: &Value, label: &str) -> codegen::Output {
    let text = serde_yaml::to_string(spec).expect("the spec serializes");
    let options = codegen::Options {
        spec_name: format!("spec/inbox-v2.yaml ({label})"),
        strict: true,
    };
    codegen::generate(text.as_bytes(), &options)
        .unwrap_or_else(|d| panic!("{label}: the generator rejects the edited spec:\n{d}"))
}

fn non_docs(report: &Report) -> BTreeSet<(Class, String)> {
    report
        .entries
        .iter()
        .filter(|e| e.class != Class::Docs)
        .map(|e| (e.class, e.item.clone()))
        .collect()
}

/// One diagnostic of a user program, from `--message-format short`.
#[derive(Debug)]
struct Diagnostic {
    level: String,
    /// The message and the source line it points at.
    text: String,
}

#[derive(Debug, Default)]
struct Outcome {
    compiled: bool,
    diagnostics: Vec<Diagnostic>,
}

impl Outcome {
    fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.level.starts_with("error"))
    }

    fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.level.starts_with("warning"))
    }

    /// `ok`, `warn` or the first error code, for the summary.
    fn cell(&self) -> String {
        if self.compiled {
            return if self.warnings().next().is_some() {
                "warn"
            } else {
                "ok"
            }
            .to_owned();
        }
        let code = self.errors().find_map(|d| {
            d.level
                .strip_prefix("error[")
                .and_then(|c| c.strip_suffix(']'))
        });
        code.unwrap_or("error").to_owned()
    }

    /// Whether a diagnostic of `level` (`error`, `warning`) mentions `text`.
    fn mentions(&self, level: &str, text: &str) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.level.starts_with(level) && d.text.contains(text))
    }

    /// Why this outcome does not meet `expect`, if it does not.
    fn problem(&self, expect: Expect) -> Option<String> {
        let shown: String = self
            .diagnostics
            .iter()
            .map(|d| format!("\n      {}: {}", d.level, d.text))
            .collect();
        let problem = match expect {
            Compiles if !self.compiled => "should compile but fails".to_owned(),
            Compiles if self.warnings().next().is_some() => {
                "should compile cleanly but warns".to_owned()
            }
            Warns(text) if !self.compiled || !self.mentions("warning", text) => {
                format!("should compile with a warning about `{text}`, got")
            }
            Fails(_) if self.compiled => "should fail to compile but compiles".to_owned(),
            Fails(text) if !self.mentions("error", text) => {
                format!("fails, but no error mentions `{text}`")
            }
            _ => return None,
        };
        Some(format!("{problem}:{shown}"))
    }
}

struct Drill {
    crate_dir: PathBuf,
    target_dir: PathBuf,
    cargo: std::ffi::OsString,
}

impl Drill {
    /// Replaces the crate's generated code with `output`.
    fn scaffold(&self, output: &codegen::Output) {
        xtask::scaffold::write_client_crate(
            &self.crate_dir,
            CRATE,
            &output.api.title,
            &output.files,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }

    /// `cargo check`s the library and the given example programs, one cargo run.
    fn check(&self, label: &str, programs: &[&str]) -> BTreeMap<String, Outcome> {
        let mut command = Command::new(&self.cargo);
        command
            .current_dir(&self.crate_dir)
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .env("CARGO_TERM_COLOR", "never")
            .args([
                "check",
                "--quiet",
                "--keep-going",
                "--message-format",
                "short",
                "--lib",
                "--target-dir",
            ])
            .arg(&self.target_dir);
        for name in programs {
            command.args(["--example", name]);
        }
        let output = command
            .output()
            .unwrap_or_else(|e| panic!("cannot run cargo: {e}"));
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            !text.contains(&format!("could not compile `{CRATE}` (lib)"))
                && !text.contains("error: failed to"),
            "{label}: the generated crate does not compile:\n{text}"
        );
        let mut outcomes: BTreeMap<String, Outcome> = programs
            .iter()
            .map(|p| {
                (
                    p.to_string(),
                    Outcome {
                        compiled: true,
                        ..Outcome::default()
                    },
                )
            })
            .collect();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("examples/") {
                let Some((name, rest)) = rest.split_once(".rs:") else {
                    continue;
                };
                let mut parts = rest.splitn(3, ':');
                let (Some(line_no), Some(_column), Some(rest)) =
                    (parts.next(), parts.next(), parts.next())
                else {
                    continue;
                };
                let (level, message) = rest.trim().split_once(": ").unwrap_or((rest.trim(), ""));
                let source = line_no
                    .parse::<usize>()
                    .ok()
                    .and_then(|n| {
                        fs::read_to_string(self.crate_dir.join(format!("examples/{name}.rs")))
                            .ok()?
                            .lines()
                            .nth(n - 1)
                            .map(str::trim)
                            .map(str::to_owned)
                    })
                    .unwrap_or_default();
                let outcome = outcomes.get_mut(name).unwrap_or_else(|| {
                    panic!("{label}: diagnostic for an unknown program: {line}")
                });
                outcome.diagnostics.push(Diagnostic {
                    level: level.to_owned(),
                    text: format!("{message} | {source}"),
                });
            } else if let Some(rest) = line
                .split_once(&format!("could not compile `{CRATE}` (example \""))
                .map(|(_, r)| r)
            {
                let name = rest.split('"').next().unwrap_or_default();
                outcomes
                    .get_mut(name)
                    .unwrap_or_else(|| panic!("{label}: unknown program in: {line}"))
                    .compiled = false;
            }
        }
        for (name, outcome) in &outcomes {
            assert!(
                outcome.compiled || outcome.errors().next().is_some(),
                "{label}: `{name}` failed without a diagnostic:\n{text}"
            );
        }
        outcomes
    }
}

/// The cargo target directory this test was built into (`target` by default).
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR has a parent")
        .to_path_buf()
}

fn secs(d: Duration) -> String {
    format!("{:.1}s", d.as_secs_f64())
}

#[test]
fn spec_change_drill() {
    let started = Instant::now();
    let root = xtask::workspace_root();
    let target = target_dir();
    let drill = Drill {
        crate_dir: target.join("drill-crate"),
        target_dir: xtask::scaffold::client_crates_target_dir(&target),
        cargo: std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()),
    };
    let mut problems: Vec<String> = Vec::new();
    let mut timings: Vec<(String, Duration)> = Vec::new();

    // The baseline: the spec as parsed and re-serialized, which must mean exactly the file.
    let file = fs::read(root.join("spec/inbox-v2.yaml")).expect("spec/inbox-v2.yaml");
    let base: Value = serde_yaml::from_slice(&file).expect("the spec is YAML");
    let options = codegen::Options {
        spec_name: "spec/inbox-v2.yaml".to_owned(),
        strict: true,
    };
    let file_api = codegen::model(&file, &options).unwrap_or_else(|d| panic!("{d}"));
    let old = generate(&base, "unedited");
    assert_eq!(
        codegen::report::compare(&file_api, &old.api),
        Report::default(),
        "re-serializing the YAML changes the model"
    );

    // The user programs, all copied into `examples/` once.
    let fixtures = root.join("tests/drill");
    let examples = drill.crate_dir.join("examples");
    let _ = fs::remove_dir_all(&examples);
    fs::create_dir_all(&examples).expect("create examples/");
    let all_programs: Vec<&str> = VARIANTS
        .iter()
        .flat_map(|v| v.programs.iter().map(|p| p.name))
        .collect();
    for name in &all_programs {
        let source = fixtures.join(format!("{name}.rs"));
        fs::copy(&source, examples.join(format!("{name}.rs")))
            .unwrap_or_else(|e| panic!("copy {}: {e}", source.display()));
    }
    for entry in fs::read_dir(&fixtures).expect("tests/drill") {
        let file_name = entry
            .expect("dir entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if let Some(stem) = file_name.strip_suffix(".rs") {
            assert!(
                all_programs.contains(&stem),
                "tests/drill/{file_name} is used by no variant"
            );
        }
    }

    // Old code: every program.
    let step = Instant::now();
    drill.scaffold(&old);
    let old_outcomes = drill.check("old", &all_programs);
    timings.push((
        "old code (incl. any dependency build)".to_owned(),
        step.elapsed(),
    ));

    // Each edit alone.
    let mut new_outcomes: BTreeMap<&str, Outcome> = BTreeMap::new();
    let mut reports: Vec<(&str, Report)> = Vec::new();
    for variant in VARIANTS {
        let step = Instant::now();
        let mut spec = base.clone();
        (variant.edit)(&mut spec);
        let new = generate(&spec, variant.name);
        if new.warnings.len() != old.warnings.len() {
            problems.push(format!(
                "{}: {} generator warnings (unedited: {})",
                variant.name,
                new.warnings.len(),
                old.warnings.len()
            ));
        }
        let report = codegen::report::compare(&old.api, &new.api);
        let expected: BTreeSet<(Class, String)> = variant
            .entries
            .iter()
            .map(|(c, i)| (*c, i.to_string()))
            .collect();
        if non_docs(&report) != expected {
            problems.push(format!(
                "{}: report entries differ\n    expected: {expected:?}\n    got:\n{}",
                variant.name,
                indent(&report.to_string())
            ));
        }
        for (item, text) in variant.change_mentions {
            if !report
                .entries
                .iter()
                .any(|e| e.item == *item && e.change.contains(text))
            {
                problems.push(format!(
                    "{}: no entry for `{item}` mentions `{text}`:\n{}",
                    variant.name,
                    indent(&report.to_string())
                ));
            }
        }
        drill.scaffold(&new);
        let names: Vec<&str> = variant.programs.iter().map(|p| p.name).collect();
        for (name, outcome) in drill.check(variant.name, &names) {
            let program = variant
                .programs
                .iter()
                .find(|p| p.name == name)
                .expect("a checked program");
            if let Some(p) = old_outcomes[&name].problem(program.old) {
                problems.push(format!("{}: `{name}` against old code {p}", variant.name));
            }
            if let Some(p) = outcome.problem(program.new) {
                problems.push(format!("{}: `{name}` against new code {p}", variant.name));
            }
            new_outcomes.insert(program.name, outcome);
        }
        timings.push((variant.name.to_owned(), step.elapsed()));
        reports.push((variant.name, report));
    }

    // All edits together.
    let step = Instant::now();
    let mut spec = base.clone();
    for variant in VARIANTS {
        (variant.edit)(&mut spec);
    }
    let all = generate(&spec, "all edits");
    let report = codegen::report::compare(&old.api, &all.api);
    let union: BTreeSet<(Class, String)> = reports.iter().flat_map(|(_, r)| non_docs(r)).collect();
    if non_docs(&report) != union {
        problems.push(format!("all together: report entries are not the union of the single edits\n    expected: {union:?}\n    got:\n{}", indent(&report.to_string())));
    }
    for (name, single) in &reports {
        for entry in single.entries.iter().filter(|e| e.class != Class::Docs) {
            if !report.entries.contains(entry) {
                problems.push(format!("all together: missing the {name} entry {entry:?}"));
            }
        }
    }
    assert!(
        report.is_breaking(),
        "all together: not classified BREAKING:\n{report}"
    );
    assert_eq!(
        report.suggested_version("0.1.0").as_deref(),
        Some("0.2.0"),
        "all together: suggested version"
    );
    let markdown = report.to_markdown("inbox-api", "0.1.0");
    assert!(
        markdown.contains("**BREAKING**") && markdown.contains("0.1.0 -> **0.2.0**"),
        "{markdown}"
    );
    fs::write(target.join("drill-report.md"), &markdown).expect("write drill-report.md");
    drill.scaffold(&all);
    let all_outcomes = drill.check("all edits", &all_programs);
    for variant in VARIANTS {
        for program in variant.programs {
            // Each program touches only its own edit, so it behaves as with that edit alone.
            if let Some(p) = all_outcomes[program.name].problem(program.new) {
                problems.push(format!("all together: `{}` {p}", program.name));
            }
        }
    }
    timings.push(("all edits together".to_owned(), step.elapsed()));

    // `cargo xtask regen --impact` on the same crate: the removed field and operation are
    // traced to the user programs that use them.
    let step = Instant::now();
    let impact = xtask::report::impact_in(&drill.crate_dir, &report, Some(&drill.target_dir))
        .unwrap_or_else(|e| panic!("{e}"));
    for (item, program) in [
        (
            "`Message::direction` removed",
            "examples/removed_field_touched.rs:",
        ),
        (
            "`Client::get_conversation` removed",
            "examples/removed_operation_touched.rs:",
        ),
    ] {
        let hit = impact.by_change.iter().any(|(change, sites)| {
            change.starts_with(item) && sites.iter().any(|s| s.location.starts_with(program))
        });
        if !hit {
            problems.push(format!(
                "impact: `{item}` is not traced to {program}\n{impact}"
            ));
        }
    }
    println!("\n{impact}");
    timings.push((
        "impact (cargo check --all-targets)".to_owned(),
        step.elapsed(),
    ));

    // Summary.
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n{:<22} {:<50} {:<28} {:<6} {:<6} {:<6}",
        "variant", "report (non-docs entries)", "program", "old", "new", "all"
    );
    for (variant, (_, report)) in VARIANTS.iter().zip(&reports) {
        let entries: Vec<String> = report
            .entries
            .iter()
            .filter(|e| e.class != Class::Docs)
            .map(|e: &Entry| format!("{} {}", e.class.label(), e.item))
            .collect();
        let rows = entries.len().max(variant.programs.len());
        for row in 0..rows {
            let (name, old, new, all) = match variant.programs.get(row) {
                Some(p) => (
                    p.name,
                    old_outcomes[p.name].cell(),
                    new_outcomes[p.name].cell(),
                    all_outcomes[p.name].cell(),
                ),
                None => ("", String::new(), String::new(), String::new()),
            };
            let label = if row == 0 { variant.name } else { "" };
            let entry = entries.get(row).map(String::as_str).unwrap_or("");
            let _ = writeln!(
                out,
                "{label:<22} {entry:<50} {name:<28} {old:<6} {new:<6} {all:<6}"
            );
        }
    }
    let _ = writeln!(
        out,
        "\nall together: {} non-docs entries, {} -> suggested 0.1.0 -> {}",
        non_docs(&report).len(),
        report.worst().map_or("none", Class::label),
        report.suggested_version("0.1.0").unwrap_or_default()
    );
    for (label, took) in &timings {
        let _ = writeln!(out, "  {label:<40} {}", secs(*took));
    }
    let _ = writeln!(out, "  {:<40} {}", "total", secs(started.elapsed()));
    println!("{out}");

    assert!(
        problems.is_empty(),
        "{} drill problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("      {l}\n")).collect()
}
