//! `inbox-api-new-client`: the generator for users, without this repository.
//!
//! The same command as `cargo xtask new-client`, as its own binary: inbox-api's runtime is
//! embedded in it, so after `cargo install --path xtask --bin inbox-api-new-client` it writes
//! standalone client crates from any directory.

use std::process::ExitCode;

/// Same allocator as `cargo xtask` (see `main.rs`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "\
usage: inbox-api-new-client --spec PATH --out DIR [--name NAME] [--strict]

Writes a standalone Rust client crate for an OpenAPI 3.0 or 3.1 or Swagger 2.0 document (YAML or JSON): generated
code on a copy of inbox-api's hand-written runtime. Build it with
`cargo check --manifest-path DIR/Cargo.toml`.

  --spec PATH   the document
  --out DIR     where to write the crate (created if missing)
  --name NAME   crate name (default from the file name)
  --strict      fail on unsupported constructs instead of skipping them with a warning
  --tag-features  one cargo feature per tag of the spec (`all` is the default feature)
  --partial-eq  data types derive PartialEq (costs compile time; off by default)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    }
    if args.iter().any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    match xtask::new_client::run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
