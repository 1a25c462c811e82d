//! `cargo xtask <command>`: project automation. The only code that reads and writes repo files.
//!
//! - `regen [--spec PATH] [--out DIR] [--check] [--lenient]`: generate the client from the spec.

mod regen;

use std::process::ExitCode;

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

/// The workspace root (the parent of `xtask/`).
pub fn workspace_root() -> std::path::PathBuf {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// A small flag parser: `--name value` pairs and bare `--switch`es.
pub struct Flags {
    args: Vec<String>,
}

impl Flags {
    /// Wraps the arguments after the command name.
    pub fn new(args: &[String]) -> Self {
        Flags { args: args.to_vec() }
    }

    /// Takes `--name VALUE`.
    pub fn value(&mut self, name: &str) -> Result<Option<String>, String> {
        let Some(i) = self.args.iter().position(|a| a == name) else { return Ok(None) };
        if i + 1 >= self.args.len() {
            return Err(format!("{name} needs a value"));
        }
        let value = self.args.remove(i + 1);
        self.args.remove(i);
        Ok(Some(value))
    }

    /// Takes `--name`.
    pub fn switch(&mut self, name: &str) -> bool {
        match self.args.iter().position(|a| a == name) {
            Some(i) => {
                self.args.remove(i);
                true
            }
            None => false,
        }
    }

    /// Fails on anything not taken.
    pub fn finish(self) -> Result<(), String> {
        match self.args.first() {
            Some(extra) => Err(format!("unexpected argument `{extra}`\n\n{USAGE}")),
            None => Ok(()),
        }
    }
}
