//! The pinned Prism of the contract tests, installed on first use.
//!
//! `tests/prism/package-lock.json` pins `@stoplight/prism-cli` and everything it needs. The
//! first test that wants Prism runs `npm ci` (so a fresh clone needs only Node.js and the
//! registry); later runs reuse `tests/prism/node_modules` while it was made from the same
//! lock file (a stamp file inside it holds a copy of the lock file it was made from).
//!
//! Safe when several processes want it at once (test binaries run in parallel, two `cargo
//! test`s): an installer holds an exclusive `flock` on `tests/prism/.install.lock` (released by
//! the kernel even when the process dies), installs into the staging folder
//! `tests/prism/.install-staging`, and moves the finished `node_modules` into place with one
//! `rename`. Whoever waited for the lock finds the installation current and uses it; nobody
//! ever sees a half-installed `node_modules`, and what a killed install left behind is removed
//! by the next one.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Stamp inside `node_modules`: a copy of the lock file the installation was made from.
const STAMP: &str = ".installed-from-package-lock.json";
/// The file installers lock, in `tests/prism` (ignored by git).
const LOCK_FILE: &str = ".install.lock";
/// Prefix of the staging and replaced folders in `tests/prism` (ignored by git).
const TEMP_PREFIX: &str = ".install-";

/// `tests/prism` of this workspace.
pub fn prism_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("prism")
}

/// The `prism` executable, installing the pinned Prism first when it is missing or was made
/// from another lock file. Installs at most once per process; panics with what went wrong (and
/// what to do) when it cannot.
pub fn prism_bin() -> PathBuf {
    static BIN: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match BIN.get_or_init(|| ensure_installed(&prism_dir(), npm_ci)) {
        Ok(bin) => bin.clone(),
        Err(why) => panic!("{why}"),
    }
}

/// Makes `dir/node_modules` an installation of `dir/package-lock.json`, running `install` (which
/// must fill the folder it is given, holding copies of `package.json` and `package-lock.json`,
/// with a `node_modules`) only when the current one is missing or stale. Returns
/// `node_modules/.bin/prism`.
pub fn ensure_installed(
    dir: &Path,
    install: impl Fn(&Path) -> Result<(), String>,
) -> Result<PathBuf, String> {
    let io = |what: &str, path: &Path, e: std::io::Error| {
        format!("cannot {what} {}: {e}", path.display())
    };
    let lock_path = dir.join("package-lock.json");
    let lock = fs::read(&lock_path).map_err(|e| io("read", &lock_path, e))?;
    let target = dir.join("node_modules");
    let bin = target.join(".bin/prism");
    let current = |modules: &Path| {
        modules.join(".bin/prism").exists()
            && fs::read(modules.join(STAMP)).is_ok_and(|stamp| stamp == lock)
    };
    if current(&target) {
        return Ok(bin);
    }
    let _lock = InstallLock::acquire(&dir.join(LOCK_FILE))?;
    if current(&target) {
        return Ok(bin); // installed by whoever held the lock before
    }
    // Only the lock holder installs, so anything here is what a killed install left behind.
    remove_temp_folders(dir);
    let staging = dir.join(format!("{TEMP_PREFIX}staging"));
    let result = (|| {
        fs::create_dir_all(&staging).map_err(|e| io("create", &staging, e))?;
        for file in ["package.json", "package-lock.json"] {
            fs::copy(dir.join(file), staging.join(file))
                .map_err(|e| io("copy", &dir.join(file), e))?;
        }
        install(&staging)?;
        let modules = staging.join("node_modules");
        if !modules.join(".bin/prism").exists() {
            return Err(format!(
                "the install in {} made no node_modules/.bin/prism",
                staging.display()
            ));
        }
        fs::write(modules.join(STAMP), &lock).map_err(|e| io("write", &modules, e))?;
        if target.exists() {
            // Made from another lock file: move it aside in one step, then delete it.
            let aside = dir.join(format!("{TEMP_PREFIX}replaced"));
            fs::rename(&target, &aside).map_err(|e| io("move aside", &target, e))?;
            fs::remove_dir_all(&aside).map_err(|e| io("delete", &aside, e))?;
        }
        fs::rename(&modules, &target).map_err(|e| io("move into place", &modules, e))
    })();
    remove_temp_folders(dir);
    result.map_err(|why| {
        format!(
            "Prism (the contract tests' mock server, pinned in {}) could not be installed: \
             {why}. It needs Node.js >= 18.20.1 with npm and access to the npm registry; \
             `npm ci --prefix tests/prism` installs it by hand.",
            lock_path.display()
        )
    })?;
    Ok(bin)
}

/// An exclusive `flock` on a file, released on drop (or by the kernel when the process ends).
struct InstallLock(fs::File);

impl InstallLock {
    /// Waits until no other installer holds the lock.
    fn acquire(path: &Path) -> Result<InstallLock, String> {
        use std::os::fd::AsRawFd;
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        loop {
            // SAFETY: `flock` on a descriptor this function owns; no memory is passed.
            if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } == 0 {
                return Ok(InstallLock(file));
            }
            let error = std::io::Error::last_os_error();
            if error.kind() != std::io::ErrorKind::Interrupted {
                return Err(format!("cannot lock {}: {error}", path.display()));
            }
        }
    }
}

impl Drop for InstallLock {
    fn drop(&mut self) {
        use std::os::fd::AsRawFd;
        // SAFETY: as in `acquire`. Closing the file would release the lock as well.
        unsafe { libc::flock(self.0.as_raw_fd(), libc::LOCK_UN) };
    }
}

/// `npm ci` in `dir`, quietly; its output in the error when it fails.
fn npm_ci(dir: &Path) -> Result<(), String> {
    eprintln!("installing the pinned Prism with `npm ci` into tests/prism (first use)");
    let output = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run npm ({e})"))?;
    if output.status.success() {
        return Ok(());
    }
    Err(format!(
        "`npm ci` exited with {}:\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    ))
}

/// Removes the staging and replaced folders (only ever called by the lock holder).
fn remove_temp_folders(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Barrier};

    /// A `tests/prism` with a lock file, and an installer that writes a fake `prism` stamped
    /// with `label` (and counts its runs).
    fn setup(lock: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("package.json"), "{}").unwrap();
        fs::write(dir.path().join("package-lock.json"), lock).unwrap();
        dir
    }

    fn fake_install(runs: &AtomicUsize, label: &str, dir: &Path) -> Result<(), String> {
        runs.fetch_add(1, Ordering::SeqCst);
        assert!(dir.join("package-lock.json").exists());
        let bin = dir.join("node_modules/.bin");
        fs::create_dir_all(&bin).unwrap();
        fs::write(bin.join("prism"), label).unwrap();
        Ok(())
    }

    fn leftovers(dir: &Path) -> Vec<String> {
        fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(TEMP_PREFIX))
            .collect()
    }

    #[test]
    fn installs_once_and_reuses_a_current_installation() {
        let dir = setup("lock 1");
        let runs = AtomicUsize::new(0);
        let bin = ensure_installed(dir.path(), |d| fake_install(&runs, "a", d)).unwrap();
        assert_eq!(bin, dir.path().join("node_modules/.bin/prism"));
        assert_eq!(fs::read_to_string(&bin).unwrap(), "a");
        ensure_installed(dir.path(), |d| fake_install(&runs, "b", d)).unwrap();
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert_eq!(fs::read_to_string(&bin).unwrap(), "a");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn replaces_an_installation_made_from_another_lock_file() {
        let dir = setup("lock 1");
        let runs = AtomicUsize::new(0);
        let bin = ensure_installed(dir.path(), |d| fake_install(&runs, "old", d)).unwrap();
        fs::write(dir.path().join("package-lock.json"), "lock 2").unwrap();
        ensure_installed(dir.path(), |d| fake_install(&runs, "new", d)).unwrap();
        assert_eq!(runs.load(Ordering::SeqCst), 2);
        assert_eq!(fs::read_to_string(&bin).unwrap(), "new");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn parallel_first_uses_end_with_one_complete_installation() {
        let dir = setup("lock 1");
        let runs = Arc::new(AtomicUsize::new(0));
        let start = Arc::new(Barrier::new(4));
        let threads: Vec<_> = (0..4)
            .map(|i| {
                let (dir, runs, start) = (dir.path().to_owned(), runs.clone(), start.clone());
                std::thread::spawn(move || {
                    start.wait();
                    ensure_installed(&dir, |d| fake_install(&runs, &format!("t{i}"), d))
                })
            })
            .collect();
        for thread in threads {
            let bin = thread.join().unwrap().unwrap();
            assert!(fs::read_to_string(bin).unwrap().starts_with('t'));
        }
        assert_eq!(
            runs.load(Ordering::SeqCst),
            1,
            "the others waited and reused it"
        );
        let stamp = dir.path().join("node_modules").join(STAMP);
        assert_eq!(fs::read_to_string(stamp).unwrap(), "lock 1");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn a_failed_install_names_the_reason_and_leaves_nothing() {
        let dir = setup("lock 1");
        let error = ensure_installed(dir.path(), |_| Err("no network".to_owned())).unwrap_err();
        assert!(error.contains("no network"), "{error}");
        assert!(error.contains("npm ci --prefix tests/prism"), "{error}");
        let error = ensure_installed(dir.path(), |_| Ok(())).unwrap_err();
        assert!(error.contains("made no node_modules/.bin/prism"), "{error}");
        assert!(!dir.path().join("node_modules").exists());
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn the_install_lock_excludes_other_holders_until_dropped() {
        use std::os::fd::AsRawFd;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(LOCK_FILE);
        let other = || {
            let file = fs::File::open(&path).unwrap();
            // SAFETY: `flock` on a descriptor owned here.
            let locked = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
            locked == 0
        };
        let held = InstallLock::acquire(&path).unwrap();
        assert!(!other(), "a second holder got the lock");
        drop(held);
        assert!(other(), "the lock was not released on drop");
    }

    #[test]
    fn what_a_killed_install_left_behind_is_removed() {
        let dir = setup("lock 1");
        let left = dir
            .path()
            .join(format!("{TEMP_PREFIX}staging/node_modules/x"));
        fs::create_dir_all(&left).unwrap();
        let runs = AtomicUsize::new(0);
        ensure_installed(dir.path(), |d| fake_install(&runs, "a", d)).unwrap();
        assert!(leftovers(dir.path()).is_empty());
    }
}
