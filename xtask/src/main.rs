//! `cargo xtask <command>`: project automation. The only code that reads and writes repo files.
//!
//! - `regen [--spec PATH] [--out DIR] [--check] [--lenient]`: generate the client from the spec.

use std::process::ExitCode;

use xtask::{bench, corpus, new_client, regen, spec_sync};

/// The generator allocates and frees millions of small tokens and syntax nodes from several
/// threads; mimalloc does that markedly faster than the system allocator (`BENCHMARKS.md`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  regen      generate inbox-api/src/generated/ from spec/inbox-v2.yaml
               --spec PATH   spec to read (default spec/inbox-v2.yaml)
               --out DIR     output directory (default inbox-api/src/generated)
               --check       write nothing; fail with a diff when the files are stale
               --lenient     skip unsupported constructs with a warning instead of failing
               --against REV baseline of the change report (default HEAD)
               --no-report   no change report (generate and write only)
               --report FILE also write the change report as Markdown
               --impact      cargo check the workspace and list the call sites that break
  new-client write a standalone client crate for any OpenAPI 3.0/3.1 or Swagger 2.0 document
               --spec PATH   the document (YAML or JSON)
               --out DIR     where to write the crate
               --name NAME   crate name (default from the file name)
               --strict      fail on unsupported constructs instead of skipping them
               --tag-features  one cargo feature per tag (`all` is the default feature)
               --partial-eq  data types derive PartialEq (costs compile time; off by default)
  corpus     new-client + cargo check for every document of a corpus, as a table
               --dir DIR     documents to run (default: @readme/oas-examples, via npm pack)
               --filter STR  only documents whose path contains STR
               --subset      only the fixed CI subset
               --strict      fail on unsupported constructs instead of skipping them
               --no-check    generate only
  spec-sync  compare a spec with Wix's SDK packages (@wix/auto_sdk_*); print every difference
               --spec PATH   spec (default spec/inbox-v2.yaml); with --apply it may not exist yet
               --check       exit 1 when they differ
               --apply       rewrite the spec so its structure matches the SDK; then run regen
               --sdk DIR     packages on disk (npm pack tarballs and/or unpacked folders)
               --package N[@V]  compare with this package (repeatable) instead of the spec's list
               --pinned      the versions the spec records instead of the newest
               --today DATE  the date for removal-date warnings (default: today, UTC)
  bench      benchmarks: generator phases, scaling, GitHub's spec, client overhead, peers
               (release build; `cargo xtask bench help` lists the sub-commands)
";

/// `mi_option_destroy_on_exit` of mimalloc 3's `mimalloc.h` (the Rust bindings name no constant
/// for it). Above 1, mimalloc skips its collection at process exit: the system takes back the
/// whole address space anyway, and after generating GitHub's client that pass frees the
/// remaining model page by page (~10 ms).
const MI_OPTION_DESTROY_ON_EXIT: libmimalloc_sys::mi_option_t = 22;

fn main() -> ExitCode {
    // SAFETY: setting a mimalloc option passes plain integers.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_DESTROY_ON_EXIT, 2) };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    let result = match command.as_str() {
        "regen" => regen::run(rest),
        "new-client" => new_client::run(rest),
        "corpus" => corpus::run(rest),
        "bench" => bench::run(rest),
        "spec-sync" => spec_sync::run(rest),
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
