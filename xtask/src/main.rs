//! `cargo xtask <command>`: project automation. The only code that reads and writes repo files.
//!
//! - `regen [--spec PATH] [--out DIR] [--check] [--lenient]`: generate the client from the spec.

use std::process::ExitCode;

use xtask::regen;

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  regen      generate inbox-api/src/generated/ from spec/inbox-v2.yaml
               --spec PATH   spec to read (default spec/inbox-v2.yaml)
               --out DIR     output directory (default inbox-api/src/generated)
               --check       write nothing; fail with a diff when the files are stale
               --lenient     skip unsupported constructs with a warning instead of failing
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    let result = match command.as_str() {
        "regen" => regen::run(rest),
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
