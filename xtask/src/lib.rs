//! Library side of `cargo xtask`, so tests can drive the same code the commands run.

pub mod bench;
pub mod corpus;
pub mod new_client;
pub mod npm;
pub mod regen;
pub mod report;
pub mod scaffold;
pub mod spec_sync;

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
        Flags {
            args: args.to_vec(),
        }
    }

    /// Takes `--name VALUE`.
    pub fn value(&mut self, name: &str) -> Result<Option<String>, String> {
        let Some(i) = self.args.iter().position(|a| a == name) else {
            return Ok(None);
        };
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
            Some(extra) => Err(format!(
                "unexpected argument `{extra}` (see `cargo xtask help`)"
            )),
            None => Ok(()),
        }
    }
}
