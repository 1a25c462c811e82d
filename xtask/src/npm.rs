//! Packages from the npm registry, fetched with the user's own `npm` (never a hard-coded
//! registry address) into `.cache/` and unpacked once.
//!
//! Concurrent callers are safe: each fetches into a staging folder of its own and renames it
//! into place; the first rename wins and the others discard their copy.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `npm pack SPEC` unpacked as `cache/package/`, fetched when missing; returns that folder.
/// `without` says what to do instead when npm cannot be run or reached.
pub fn pack(spec: &str, cache: &Path, without: &str) -> Result<PathBuf, String> {
    let package = cache.join("package");
    if package.join("package.json").exists() {
        return Ok(package);
    }
    let staging = staging_for(cache);
    create(&staging)?;
    eprintln!("fetching {spec} with npm pack");
    let output = Command::new("npm")
        .args(["pack", spec, "--silent", "--pack-destination"])
        .arg(&staging)
        .output()
        .map_err(|e| {
            format!("error: cannot run npm ({e}); install Node.js and npm, or {without}")
        })?;
    if !output.status.success() {
        let _ = fs::remove_dir_all(&staging);
        return Err(format!(
            "error: npm pack {spec} failed (is the npm registry reachable? Otherwise {without}):\n{}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let tarball = fs::read_dir(&staging)
        .map_err(|e| format!("error: cannot read {}: {e}", staging.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "tgz"))
        .ok_or_else(|| {
            format!(
                "error: npm pack {spec} wrote no .tgz into {}",
                staging.display()
            )
        })?;
    untar(&tarball, &staging)?;
    settle(&staging, cache)?;
    Ok(package)
}

/// A `.tgz` npm package unpacked as `cache/package/` (once); returns that folder.
pub fn unpack(tarball: &Path, cache: &Path) -> Result<PathBuf, String> {
    let package = cache.join("package");
    if package.join("package.json").exists() {
        return Ok(package);
    }
    let staging = staging_for(cache);
    create(&staging)?;
    untar(tarball, &staging)?;
    settle(&staging, cache)?;
    if !package.join("package.json").exists() {
        return Err(format!(
            "error: {}: no package/package.json inside",
            tarball.display()
        ));
    }
    Ok(package)
}

fn staging_for(cache: &Path) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let name = cache
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("package");
    cache.with_file_name(format!(
        ".{name}.{}-{}.partial",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ))
}

fn create(dir: &Path) -> Result<(), String> {
    fs::create_dir_all(dir).map_err(|e| format!("error: cannot create {}: {e}", dir.display()))
}

fn untar(tarball: &Path, into: &Path) -> Result<(), String> {
    let status = Command::new("tar")
        .arg("-xzf")
        .arg(tarball)
        .arg("-C")
        .arg(into)
        .status()
        .map_err(|e| format!("error: cannot run tar: {e}"))?;
    if !status.success() {
        let _ = fs::remove_dir_all(into);
        return Err(format!("error: cannot unpack {}", tarball.display()));
    }
    Ok(())
}

/// Renames `staging` to `cache`; when another process got there first, keeps theirs.
fn settle(staging: &Path, cache: &Path) -> Result<(), String> {
    if fs::rename(staging, cache).is_err() {
        let _ = fs::remove_dir_all(staging);
        if !cache.join("package").exists() {
            return Err(format!("error: cannot move {} into place", cache.display()));
        }
    }
    Ok(())
}
