//! Library side of `cargo xtask`, so tests can drive the same code the commands run.

pub mod bench;
pub mod corpus;
pub mod new_client;
pub mod npm;
pub mod regen;
pub mod report;
pub mod scaffold;
pub mod spec_sync;

/// Runs `f` (a generator run) with this process's memory settings for generating, then puts
/// the previous ones back (child processes started later, `cargo check`, are not affected):
///
/// - Transparent huge pages off. The generator touches ~200 MiB of fresh memory in under a
///   second; with THP on (`always`, the default of many distributions) each first touch of a
///   2 MiB region faults in a huge page that the kernel zeroes whole. On the 2-core VM of
///   `BENCHMARKS.md` that zeroing was ~0.35 s of system time per GitHub run (`perf`:
///   `clear_page_erms` under `do_huge_pmd_anonymous_page`), against ~0.1 s with 4 KiB pages,
///   and the peak RSS is lower (only touched pages count). Linux only.
/// - mimalloc returns freed memory to the system after 50 ms instead of 1 s, so the parsed
///   spec, freed before rendering, does not count in the peak (GitHub: ~205 to ~190 MiB).
pub fn generating<R>(f: impl FnOnce() -> R) -> R {
    /// `mi_option_purge_delay` of mimalloc 3's `mimalloc.h` (the Rust bindings name no
    /// constant for it): the delay in ms before freed memory is returned to the system.
    const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    const PURGE_DELAY_MS: std::ffi::c_long = 50;
    // SAFETY: reading and setting a mimalloc option takes and returns plain integers.
    let purge_before = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
    // SAFETY: as above.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
    let result = without_huge_pages(f);
    // SAFETY: as above.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, purge_before) };
    result
}

/// Runs `f` with transparent huge pages off for this process (see [`generating`]), then puts
/// the previous setting back; nested calls leave it to the outermost.
fn without_huge_pages<R>(f: impl FnOnce() -> R) -> R {
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

#[cfg(test)]
mod tests {
    /// A generator run has THP off and the short purge delay; the settings it found are back
    /// after it (no other test of this binary generates, so nothing changes them meanwhile).
    #[test]
    fn generating_sets_and_restores_the_memory_settings() {
        // SAFETY: reading a prctl flag and a mimalloc option: integers only.
        let thp = || unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) };
        // SAFETY: as above.
        let purge = || unsafe { libmimalloc_sys::mi_option_get(15) };
        let before = (thp(), purge());
        let inside = super::generating(|| (thp(), purge()));
        assert_eq!(inside, (1, 50));
        assert_eq!((thp(), purge()), before);
    }
}
