//! Library side of `cargo xtask`, so tests can drive the same code the commands run.

pub mod bench;
pub mod corpus;
pub mod new_client;
pub mod npm;
pub mod regen;
pub mod report;
pub mod scaffold;
pub mod spec_sync;

/// Runs `f` (a generator run) with transparent huge pages off for this process, then puts the
/// previous setting back, so child processes started later (`cargo check`) are not affected.
///
/// Why: the generator touches ~200 MiB of fresh memory in under a second. With THP on
/// (`always`, the default of many distributions) each first touch of a 2 MiB region faults in
/// a huge page that the kernel zeroes whole; on the 2-core VM of `BENCHMARKS.md` that zeroing
/// was ~0.35 s of system time per GitHub run (`perf`: `clear_page_erms` under
/// `do_huge_pmd_anonymous_page`), against ~0.08 s with 4 KiB pages, and the peak RSS is lower
/// too (only touched pages count). Linux only; elsewhere `f` just runs.
pub fn without_huge_pages<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: PR_GET/SET_THP_DISABLE take and return plain integers and change only this
        // process's huge page policy; no memory is passed to the kernel.
        let before = unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) };
        if before == 0 {
            // SAFETY: as above.
            unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
        }
        let result = f();
        if before == 0 {
            // SAFETY: as above.
            unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 0, 0, 0, 0) };
        }
        result
    }
    #[cfg(not(target_os = "linux"))]
    f()
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
