//! `cargo xtask spec-sync` end to end, against Wix's pinned SDK packages (fetched once with
//! `npm pack` into `.cache/sdk/`):
//!
//! - the committed spec is in sync with the packages it pins;
//! - the drill: SDK releases that never existed, made by editing every copy of a declaration
//!   in copies of the pinned packages (`build/cjs`, `build/es`, `build/internal/*`). For each
//!   change, one at a time and all together, `spec-sync` names exactly that change with the
//!   right class; `--apply` rewrites the spec; a second `spec-sync` is clean and a second
//!   `--apply` changes no byte; regen's change report lists the same change; the regenerated
//!   client compiles;
//! - a spec for another Wix API (`@wix/auto_sdk_crm_notes`) derived from scratch compiles, one
//!   method per REST route of the package;
//! - packages that cannot be read are errors that name the file.
//!
//! Generated crates share the target directory of the other generated-crate tests
//! (`<target>/client-crates`), so dependencies are built once.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use codegen::report::Class::{self, Breaking, Compatible, Deprecation};
use xtask::spec_sync::{self, pinned_package, Request};

const MESSAGES: (&str, &str) = ("@wix/auto_sdk_inbox_messages", "1.0.41");
const CONVERSATIONS: (&str, &str) = ("@wix/auto_sdk_inbox_conversations", "1.0.33");
const NOTES: (&str, &str) = ("@wix/auto_sdk_crm_notes", "1.0.39");
const TODAY: &str = "2026-11-29";

/// Which package a text edit applies to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pkg {
    Messages,
    Conversations,
}

/// Which file: every copy of it is edited.
#[derive(Clone, Copy)]
enum File {
    /// `meta.d.ts` / `meta.d.mts` (REST-level types, method declarations).
    MetaTypes,
    /// `index.typings.d.ts` / `.d.mts` (permissions, errors, events).
    Typings,
    /// `meta.js` (CommonJS) copies.
    MetaCjs,
    /// `meta.mjs` (ES module) copies.
    MetaEs,
}

impl File {
    fn copies(self) -> &'static [&'static str] {
        match self {
            File::MetaTypes => &[
                "build/cjs/meta.d.ts",
                "build/es/meta.d.mts",
                "build/internal/cjs/meta.d.ts",
                "build/internal/es/meta.d.mts",
            ],
            File::Typings => &[
                "build/cjs/index.typings.d.ts",
                "build/es/index.typings.d.mts",
                "build/internal/cjs/index.typings.d.ts",
                "build/internal/es/index.typings.d.mts",
            ],
            File::MetaCjs => &["build/cjs/meta.js", "build/internal/cjs/meta.js"],
            File::MetaEs => &["build/es/meta.mjs", "build/internal/es/meta.mjs"],
        }
    }
}

/// Replace `find` (which must occur) by `replace` in every copy of `file`.
struct TextEdit {
    pkg: Pkg,
    file: File,
    find: &'static str,
    replace: &'static str,
}

const fn edit(pkg: Pkg, file: File, find: &'static str, replace: &'static str) -> TextEdit {
    TextEdit {
        pkg,
        file,
        find,
        replace,
    }
}

/// One simulated SDK release.
struct Variant {
    name: &'static str,
    edits: &'static [TextEdit],
    /// Exactly the differences `spec-sync` must report: (class, kind, item).
    expect: &'static [(Class, &'static str, &'static str)],
    /// Each must appear in regen's change report (an entry's item or change).
    report_mentions: &'static [&'static str],
}

use File::{MetaCjs, MetaEs, MetaTypes, Typings};
use Pkg::{Conversations, Messages};

const ADD_FIELD: &[TextEdit] = &[edit(
    Messages,
    MetaTypes,
    "    badgeVisibility?: BadgeVisibilityWithLiterals;\n}",
    "    badgeVisibility?: BadgeVisibilityWithLiterals;\n    /**\n     * Text shown when hovering over the badge.\n     * @maxLength 200\n     */\n    tooltip?: string | null;\n}",
)];

const REMOVE_FIELD: &[TextEdit] = &[edit(
    Messages,
    MetaTypes,
    "    /**\n     * URL where the icon is hosted.\n     * @format WEB_URL\n     */\n    iconUrl?: string | null;\n    /**\n     * Controls whether the badge",
    "    /**\n     * Controls whether the badge",
)];

const ADD_ENUM_VALUE: &[TextEdit] = &[edit(
    Messages,
    MetaTypes,
    "    PARTICIPANT_TO_BUSINESS = \"PARTICIPANT_TO_BUSINESS\"\n}",
    "    PARTICIPANT_TO_BUSINESS = \"PARTICIPANT_TO_BUSINESS\",\n    /** Sent by Wix itself. */\n    SYSTEM_TO_PARTICIPANT = \"SYSTEM_TO_PARTICIPANT\"\n}",
)];

const REMOVE_ENUM_VALUE: &[TextEdit] = &[edit(
    Messages,
    MetaTypes,
    "    PORTRAIT = \"PORTRAIT\",\n    /** Landscape layout. */\n    LANDSCAPE = \"LANDSCAPE\"\n}",
    "    PORTRAIT = \"PORTRAIT\"\n}",
)];

const CHANGE_FIELD_TYPE: &[TextEdit] = &[edit(
    Messages,
    MetaTypes,
    "    /** Original image width, in pixels. */\n    width?: number;",
    "    /** Original image width, in pixels. */\n    width?: string;",
)];

const DEPRECATE_FIELD: &[TextEdit] = &[edit(
    Messages,
    MetaTypes,
    "     * Omitted if the message was sent with the Chat widget.\n     * @format GUID\n     * @readonly\n     */",
    "     * Omitted if the message was sent with the Chat widget.\n     * @format GUID\n     * @readonly\n     * @deprecated Use sender.appId.\n     * @replacedBy sender.app_id\n     * @targetRemovalDate 2027-06-30\n     */",
)];

/// The JavaScript of a new routed method (`getConversationSummary`) followed by `$tail`, as
/// one `&'static str`.
macro_rules! const_format_js {
    ($tail:literal) => {
        concat!(
            r#"
function getConversationSummary(payload) {
  function __getConversationSummary({ host }) {
    const metadata = {
      entityFqdn: "wix.crm.inbox.v2.conversation",
      method: "GET",
      methodFqn: "com.wixpress.inbox.v2.ConversationsService.GetConversationSummary",
      packageName: PACKAGE_NAME,
      url: resolveComWixpressInboxV2ConversationsServiceUrl({
        protoPath: "/v2/conversations/{conversationId}/summary",
        data: payload,
        host
      }),
      params: payload
    };
    return metadata;
  }
  return __getConversationSummary;
}
function getConversationSummary2() {
  const payload = { conversationId: ":conversationId" };
  const getRequestOptions = getConversationSummary(payload);
  const getUrl = (context) => {
    const { url } = getRequestOptions(context);
    return url;
  };
  return {
    getUrl,
    httpMethod: "GET",
    path: "/v2/conversations/{conversationId}/summary",
    pathParams: { conversationId: "conversationId" },
    __requestType: null,
    __originalRequestType: null,
    __responseType: null,
    __originalResponseType: null
  };
}
"#,
            $tail
        )
    };
}

const ADD_OPERATION: &[TextEdit] = &[
    edit(
        Conversations,
        MetaCjs,
        "  getConversation: () => getConversation2,\n",
        "  getConversation: () => getConversation2,\n  getConversationSummary: () => getConversationSummary2,\n",
    ),
    edit(
        Conversations,
        MetaCjs,
        "// Annotate the CommonJS export names",
        const_format_js!("// Annotate the CommonJS export names"),
    ),
    edit(
        Conversations,
        MetaEs,
        "  getConversation2 as getConversation,\n",
        "  getConversation2 as getConversation,\n  getConversationSummary2 as getConversationSummary,\n",
    ),
    edit(Conversations, MetaEs, "export {\n", const_format_js!("export {\n")),
    edit(
        Conversations,
        MetaTypes,
        "declare function getConversation(): ",
        "declare function getConversationSummary(): __PublicMethodMetaInfo<'GET', {\n    conversationId: string;\n}, GetConversationRequest$1, GetConversationRequest, GetConversationResponse$1, GetConversationResponse>;\ndeclare function getConversation(): ",
    ),
];

const REMOVE_OPERATION: &[TextEdit] = &[
    edit(
        Conversations,
        MetaCjs,
        "  getConversation: () => getConversation2,\n",
        "",
    ),
    edit(
        Conversations,
        MetaEs,
        "  getConversation2 as getConversation,\n",
        "",
    ),
];

const ADD_EVENT: &[TextEdit] = &[edit(
    Messages,
    Typings,
    "declare function onMessageSentToBusiness(handler: (event: MessageSentToBusinessEnvelope) => void | Promise<void>): void;\n",
    "declare function onMessageSentToBusiness(handler: (event: MessageSentToBusinessEnvelope) => void | Promise<void>): void;\ninterface MessageEditedEnvelope {\n    data: Message;\n    metadata: EventMetadata;\n}\n/**\n * Triggered when a message is edited.\n * @permissionId INBOX.READ_MESSAGES\n * @webhook\n * @eventType wix.crm.inbox.v2.message_message_edited\n * @serviceIdentifier com.wixpress.inbox.v2.MessagesService\n * @slug message_edited\n */\ndeclare function onMessageEdited(handler: (event: MessageEditedEnvelope) => void | Promise<void>): void;\n",
)];

const ADD_ERROR_CODE: &[TextEdit] = &[edit(
    Messages,
    Typings,
    "    code?: 'INVALID_MEDIA_URL';\n    description?: string;\n    data?: Record<string, any>;\n};",
    "    code?: 'INVALID_MEDIA_URL';\n    description?: string;\n    data?: Record<string, any>;\n} | {\n    code?: 'MESSAGE_TOO_LARGE';\n    description?: string;\n    data?: Record<string, any>;\n};",
)];

const VARIANTS: &[Variant] = &[
    Variant {
        name: "add_field",
        edits: ADD_FIELD,
        expect: &[(Compatible, "field", "Badge.tooltip")],
        report_mentions: &["Badge::tooltip"],
    },
    Variant {
        name: "remove_field",
        edits: REMOVE_FIELD,
        expect: &[(Breaking, "field", "Badge.iconUrl")],
        report_mentions: &["Badge::icon_url"],
    },
    Variant {
        name: "add_enum_value",
        edits: ADD_ENUM_VALUE,
        expect: &[(
            Compatible,
            "enum value",
            "MessageDirection.SYSTEM_TO_PARTICIPANT",
        )],
        report_mentions: &["MessageDirection::SystemToParticipant"],
    },
    Variant {
        name: "remove_enum_value",
        edits: REMOVE_ENUM_VALUE,
        expect: &[(Breaking, "enum value", "Orientation.LANDSCAPE")],
        report_mentions: &["Orientation::Landscape"],
    },
    Variant {
        name: "change_field_type",
        edits: CHANGE_FIELD_TYPE,
        expect: &[(Breaking, "field", "ImageMessage.width")],
        report_mentions: &["ImageMessage::width"],
    },
    Variant {
        name: "deprecate_field",
        edits: DEPRECATE_FIELD,
        expect: &[(Deprecation, "field", "Message.appId")],
        report_mentions: &["Message::app_id"],
    },
    Variant {
        name: "add_operation",
        edits: ADD_OPERATION,
        expect: &[(Compatible, "operation", "getConversationSummary")],
        report_mentions: &["get_conversation_summary"],
    },
    Variant {
        name: "remove_operation",
        edits: REMOVE_OPERATION,
        expect: &[(Breaking, "operation", "getConversation")],
        report_mentions: &["get_conversation"],
    },
    Variant {
        name: "add_event",
        edits: ADD_EVENT,
        expect: &[(
            Compatible,
            "event",
            "wix.crm.inbox.v2.message_message_edited",
        )],
        report_mentions: &["MessageEdited"],
    },
    Variant {
        name: "add_error_code",
        edits: ADD_ERROR_CODE,
        expect: &[(Compatible, "error code", "sendMessage")],
        report_mentions: &["MESSAGE_TOO_LARGE"],
    },
];

/// One drill run: name, SDK edits, expected differences, change-report mentions.
type Run<'a> = (
    &'a str,
    Vec<&'a TextEdit>,
    Vec<(Class, &'a str, &'a str)>,
    Vec<&'a str>,
);

/// A broken package: name, its files, what the error must mention.
type BrokenCase<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);

fn root() -> PathBuf {
    xtask::workspace_root()
}

fn pristine() -> [(Pkg, PathBuf); 2] {
    let get = |(name, version): (&str, &str)| {
        pinned_package(name, version).unwrap_or_else(|e| panic!("{e}"))
    };
    [
        (Messages, get(MESSAGES)),
        (Conversations, get(CONVERSATIONS)),
    ]
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Copies of the pinned packages under `dir/sdk`, with `edits` made in every copy of each file.
fn release(dir: &Path, edits: &[&TextEdit]) -> PathBuf {
    let sdk = dir.join("sdk");
    for (pkg, from) in pristine() {
        let to = sdk.join(match pkg {
            Messages => "messages",
            Conversations => "conversations",
        });
        copy_dir(&from, &to);
        for e in edits.iter().filter(|e| e.pkg == pkg) {
            let mut changed = 0;
            for copy in e.file.copies() {
                let path = to.join(copy);
                let Ok(text) = fs::read_to_string(&path) else {
                    continue;
                };
                if text.contains(e.find) {
                    fs::write(&path, text.replacen(e.find, e.replace, 1)).unwrap();
                    changed += 1;
                }
            }
            assert!(
                changed >= 2,
                "edit not applicable to the pinned packages ({changed} copies): {:?}",
                e.find
            );
        }
    }
    sdk
}

fn request(spec: &Path, sdk: &Path) -> Request {
    Request {
        spec: spec.to_path_buf(),
        sdk: Some(sdk.to_path_buf()),
        today: Some(TODAY.into()),
        ..Request::default()
    }
}

fn found(differences: &[spec_sync::diff::Difference]) -> BTreeSet<(Class, String, String)> {
    differences
        .iter()
        .map(|d| (d.class, d.kind.to_owned(), d.item.clone()))
        .collect()
}

fn generate(spec: &Path) -> codegen::Output {
    let bytes = fs::read(spec).unwrap();
    let options = codegen::Options {
        spec_name: spec.display().to_string(),
        strict: true,
    };
    codegen::generate(&bytes, &options).unwrap_or_else(|d| panic!("{d}"))
}

/// Writes `output` as a standalone crate at `dir` and `cargo check`s it; panics with the
/// compiler's output when it does not compile.
fn compiles(dir: &Path, name: &str, output: &codegen::Output) {
    xtask::scaffold::write_client_crate(dir, name, &output.api.title, &output.files)
        .unwrap_or_else(|e| panic!("{e}"));
    let target = inbox_api_tests::crates::target_dir(env!("CARGO_TARGET_TMPDIR"));
    if let Err(errors) = inbox_api_tests::crates::check(dir, &target, &["--lib"]) {
        panic!("{name}: the generated crate does not compile:\n{errors}");
    }
}

#[test]
fn committed_spec_is_in_sync_with_its_pinned_packages() {
    let outcome = spec_sync::sync(&Request {
        spec: root().join("spec/inbox-v2.yaml"),
        pinned: true,
        today: Some(TODAY.into()),
        ..Request::default()
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let shown: Vec<String> = outcome.differences.iter().map(|d| d.to_string()).collect();
    assert!(shown.is_empty(), "{}", shown.join("\n"));
    // The four fields whose removal date has passed are warned about.
    let items: BTreeSet<&str> = outcome
        .passed_removals
        .iter()
        .map(|r| r.item.as_str())
        .collect();
    for item in [
        "SendMessageRequest.silent",
        "Message.targetChannels",
        "Message.sourceChannel",
        "Conversation.channels",
    ] {
        assert!(items.contains(item), "{item} not warned about: {items:?}");
    }
}

#[test]
fn spec_sync_drill() {
    let work = tempfile::tempdir().unwrap();
    let original = root().join("spec/inbox-v2.yaml");
    let original_text = fs::read_to_string(&original).unwrap();
    let old = generate(&original);
    let all: Vec<&TextEdit> = VARIANTS.iter().flat_map(|v| v.edits.iter()).collect();
    let mut runs: Vec<Run> = VARIANTS
        .iter()
        .map(|v| {
            (
                v.name,
                v.edits.iter().collect(),
                v.expect.to_vec(),
                v.report_mentions.to_vec(),
            )
        })
        .collect();
    runs.push((
        "all_together",
        all,
        VARIANTS
            .iter()
            .flat_map(|v| v.expect.iter().copied())
            .collect(),
        VARIANTS
            .iter()
            .flat_map(|v| v.report_mentions.iter().copied())
            .collect(),
    ));
    let crate_dir = work.path().join("crate");
    for (name, edits, expect, mentions) in runs {
        let dir = work.path().join(name);
        let sdk = release(&dir, &edits);
        let spec = dir.join("inbox-v2.yaml");
        fs::write(&spec, &original_text).unwrap();

        let started = Instant::now();
        let outcome =
            spec_sync::sync(&request(&spec, &sdk)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let elapsed = started.elapsed();
        let want: BTreeSet<(Class, String, String)> = expect
            .iter()
            .map(|(c, k, i)| (*c, (*k).to_owned(), (*i).to_owned()))
            .collect();
        let shown: Vec<String> = outcome.differences.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            found(&outcome.differences),
            want,
            "{name}:\n{}",
            shown.join("\n")
        );
        for d in &outcome.differences {
            assert!(
                d.sdk_at.is_some() || d.spec_at.is_some(),
                "{name}: {d} has no place"
            );
        }

        let applied = spec_sync::sync(&Request {
            apply: true,
            ..request(&spec, &sdk)
        })
        .unwrap_or_else(|e| panic!("{name}: --apply: {e}"));
        assert!(applied.rewrote, "{name}: --apply changed nothing");
        let after = fs::read_to_string(&spec).unwrap();
        let again = spec_sync::sync(&request(&spec, &sdk)).unwrap();
        let left: Vec<String> = again.differences.iter().map(|d| d.to_string()).collect();
        assert!(
            left.is_empty(),
            "{name}: after --apply:\n{}",
            left.join("\n")
        );
        let twice = spec_sync::sync(&Request {
            apply: true,
            ..request(&spec, &sdk)
        })
        .unwrap();
        assert!(!twice.rewrote, "{name}: a second --apply changed the spec");
        assert_eq!(fs::read_to_string(&spec).unwrap(), after);

        if name == "add_field" {
            let changed = similar::TextDiff::from_lines(&original_text, &after)
                .iter_all_changes()
                .filter(|c| c.tag() != similar::ChangeTag::Equal)
                .count();
            println!("add_field: {changed} line(s) of the spec changed");
            assert!(
                changed <= 6,
                "adding one field changed {changed} lines:\n{after}"
            );
        }

        let new = generate(&spec);
        let report = codegen::report::compare(&old.api, &new.api);
        let text = report.to_string();
        for mention in mentions {
            assert!(
                text.contains(mention),
                "{name}: the change report does not mention {mention}:\n{text}"
            );
        }
        compiles(&crate_dir, "drill_client", &new);
        println!(
            "{name}: {} difference(s) found in {:.0?}; report {} entries; compiles",
            outcome.differences.len(),
            elapsed,
            report.entries.len()
        );
    }
}

#[test]
fn crm_notes_spec_derived_from_scratch_compiles() {
    let work = tempfile::tempdir().unwrap();
    let spec = work.path().join("notes.yaml");
    let package = format!("{}@{}", NOTES.0, NOTES.1);
    let derive = Request {
        spec: spec.clone(),
        packages: vec![package.clone()],
        apply: true,
        today: Some(TODAY.into()),
        ..Request::default()
    };
    let first = spec_sync::sync(&derive).unwrap_or_else(|e| panic!("{e}"));
    assert!(first.rewrote && spec.exists());
    let check = Request {
        apply: false,
        ..derive.clone()
    };
    let again = spec_sync::sync(&check).unwrap();
    assert!(again.differences.is_empty(), "{:?}", again.differences);
    let bytes = fs::read(&spec).unwrap();
    assert!(!spec_sync::sync(&derive).unwrap().rewrote);
    assert_eq!(
        fs::read(&spec).unwrap(),
        bytes,
        "a second --apply changed the spec"
    );

    let routes = first
        .differences
        .iter()
        .filter(|d| d.kind == "operation")
        .count();
    assert_eq!(routes, 5, "crm_notes has five REST routes");
    let output = generate(&spec);
    assert_eq!(
        output.api.operations.len(),
        routes,
        "one method per REST route"
    );
    compiles(&work.path().join("crate"), "wix_notes", &output);
}

/// A package folder whose files are given.
fn fake_package(dir: &Path, files: &[(&str, &str)]) -> PathBuf {
    let package = dir.join("package");
    fs::create_dir_all(package.join("build/cjs")).unwrap();
    fs::write(
        package.join("package.json"),
        r#"{"name": "@wix/auto_sdk_broken", "version": "1.0.0"}"#,
    )
    .unwrap();
    for (name, text) in files {
        fs::write(package.join("build/cjs").join(name), text).unwrap();
    }
    dir.to_path_buf()
}

#[test]
fn unreadable_packages_are_errors_naming_the_file() {
    let work = tempfile::tempdir().unwrap();
    let spec = work.path().join("spec.yaml");
    let cases: [BrokenCase; 3] = [
        (
            "syntax",
            &[
                ("meta.d.ts", "interface Broken {\n    field?: string\n"),
                ("meta.js", ""),
                ("index.typings.d.ts", ""),
            ],
            "meta.d.ts",
        ),
        (
            "empty",
            &[
                ("meta.d.ts", ""),
                ("meta.js", ""),
                ("index.typings.d.ts", ""),
            ],
            "meta",
        ),
        ("missing", &[], "meta"),
    ];
    for (name, files, mentions) in cases {
        let sdk = fake_package(&work.path().join(name), files);
        let error = spec_sync::sync(&Request {
            packages: vec!["@wix/auto_sdk_broken".into()],
            apply: true,
            ..request(&spec, &sdk)
        })
        .err()
        .unwrap_or_else(|| panic!("{name}: accepted"));
        assert!(error.contains(mentions), "{name}: {error}");
        assert!(!spec.exists(), "{name}: wrote a spec");
    }
}
