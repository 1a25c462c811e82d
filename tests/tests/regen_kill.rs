//! `cargo xtask regen` killed with SIGKILL: the generated folder is always exactly the old or
//! exactly the new output, and the next regen succeeds and leaves nothing behind.
//!
//! The regen process is this test binary started again with `regen-child ARGS`, which runs
//! `xtask::regen::run(ARGS)`: the code of `cargo xtask regen` (whose `main` only dispatches to
//! it), always built from the current sources. A located `target/debug/xtask` may be stale, and
//! building it from here would wait on the lock `cargo test` holds. Hence `harness = false`.
//!
//! Two specs alternate (the committed one and a copy with changed descriptions, under other
//! names), so every run rewrites every generated file; a hand-written file sits in the folder
//! too and must survive untouched. The known outputs are snapshots of two complete runs; after
//! every kill the folder is compared byte for byte, file names included, with both.
//!
//! - Random kills: 100 runs killed after a seeded random delay (`REGEN_KILL_SEED` to vary it)
//!   bounded by the measured run time; every other delay falls in the part of the run after
//!   generation, where the files are written. Each kill is followed by a complete regen.
//! - Every step: regen kills itself just before its N-th filesystem change
//!   (`XTASK_REGEN_KILL_AT_STEP=N`, the writer's fault-injection point) for N = 1, 2, ... until a
//!   run finishes, so no moment between two changes is left to chance; once with the atomic
//!   exchange and once with the two-rename fallback other systems use
//!   (`XTASK_REGEN_SWAP=rename`), where a kill between the renames leaves the folder missing
//!   and `xtask::regen::recover` (run first by the next regen) must restore the old output.

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const RANDOM_RUNS: usize = 100;
/// Bound of the step loop; the writer has a few steps per file.
const MAX_STEPS: u64 = 500;
const HAND_WRITTEN: &str = "NOTES.md";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("regen-child") {
        match xtask::regen::run(&args[1..]) {
            Ok(()) => std::process::exit(0),
            Err(message) => {
                eprintln!("{message}");
                std::process::exit(1);
            }
        }
    }
    if args.iter().any(|a| a == "--list") {
        println!("regen_kill: test");
        return;
    }
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if !filters.is_empty() && !filters.iter().any(|f| "regen_kill".contains(f.as_str())) {
        println!("regen_kill: filtered out");
        return;
    }
    let started = Instant::now();
    let mut bench = Bench::new();
    bench.random_kills();
    bench.kill_at_every_step("exchange");
    bench.kill_at_every_step("rename");
    println!("regen_kill: ok in {:.1?}", started.elapsed());
}

/// Every file under a directory (relative path → bytes); empty when the directory is missing.
type Snapshot = BTreeMap<String, Vec<u8>>;

fn snapshot(dir: &Path) -> Snapshot {
    fn walk(base: &Path, dir: &Path, into: &mut Snapshot) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.expect("read_dir entry").path();
            if path.is_dir() {
                walk(base, &path, into);
            } else {
                let name = path.strip_prefix(base).unwrap().display().to_string();
                into.insert(name, fs::read(&path).expect("read generated file"));
            }
        }
    }
    let mut files = Snapshot::new();
    walk(dir, dir, &mut files);
    files
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Gen {
    A,
    B,
}

impl Gen {
    fn other(self) -> Gen {
        match self {
            Gen::A => Gen::B,
            Gen::B => Gen::A,
        }
    }
}

/// splitmix64: seeded, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[low, high]`.
    fn between(&mut self, low: Duration, high: Duration) -> Duration {
        let span = high.saturating_sub(low).as_micros() as u64;
        low + Duration::from_micros(self.next() % (span + 1))
    }
}

struct Bench {
    _temp: tempfile::TempDir,
    dir: PathBuf,
    out: PathBuf,
    specs: [PathBuf; 2],
    known: [Snapshot; 2],
    /// The output the folder holds now.
    state: Gen,
    /// The writer runs with the two-rename fallback.
    fallback: bool,
}

impl Bench {
    fn new() -> Bench {
        let temp = tempfile::tempdir().expect("temp dir");
        let dir = temp.path().to_path_buf();
        let committed = fs::read_to_string(xtask::workspace_root().join("spec/inbox-v2.yaml"))
            .expect("spec/inbox-v2.yaml");
        let old_text = "Fetches one conversation by its ID.";
        assert!(
            committed.contains(old_text),
            "the spec changed; pick another text"
        );
        let modified = committed.replace(old_text, "Fetches a single conversation by its ID.");
        let specs = [dir.join("spec-a.yaml"), dir.join("spec-b.yaml")];
        fs::write(&specs[0], &committed).unwrap();
        fs::write(&specs[1], &modified).unwrap();
        let out = dir.join("generated");
        fs::create_dir(&out).unwrap();
        fs::write(out.join(HAND_WRITTEN), "written by hand; regen keeps it\n").unwrap();

        let mut bench = Bench {
            _temp: temp,
            dir,
            out,
            specs,
            known: [Snapshot::new(), Snapshot::new()],
            state: Gen::A,
            fallback: false,
        };
        bench.complete(Gen::A);
        bench.known[0] = snapshot(&bench.out);
        bench.complete(Gen::B);
        bench.known[1] = snapshot(&bench.out);
        bench.state = Gen::B;

        let [a, b] = &bench.known;
        assert_eq!(
            a.keys().collect::<Vec<_>>(),
            b.keys().collect::<Vec<_>>(),
            "both specs generate the same files"
        );
        let generated: Vec<&String> = a.keys().filter(|k| k.ends_with(".rs")).collect();
        assert!(generated.len() >= 4, "several files: {generated:?}");
        for name in &generated {
            assert_ne!(a[*name], b[*name], "{name} differs between the two outputs");
        }
        assert_eq!(
            a[HAND_WRITTEN], b[HAND_WRITTEN],
            "the hand-written file is kept"
        );
        bench
    }

    fn regen(&self, target: Gen) -> Command {
        let mut command = Command::new(std::env::current_exe().expect("current_exe"));
        command
            .arg("regen-child")
            .arg("--spec")
            .arg(&self.specs[target as usize])
            .arg("--out")
            .arg(&self.out)
            .arg("--no-report")
            .env_remove(xtask::regen::KILL_AT_STEP_ENV)
            .env_remove(xtask::regen::SWAP_ENV)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        command
    }

    /// Runs regen to the end; it must succeed, write exactly `target` and leave nothing beside
    /// the folder.
    fn complete(&mut self, target: Gen) -> Duration {
        let started = Instant::now();
        let output = self.regen(target).output().expect("start regen");
        let took = started.elapsed();
        assert!(
            output.status.success(),
            "regen after {:?} failed ({}):\n{}",
            self.state,
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        self.state = target;
        if !self.known[target as usize].is_empty() {
            self.assert_is(target, "after a complete regen");
        }
        self.assert_nothing_left_behind();
        took
    }

    fn assert_is(&self, want: Gen, when: &str) {
        let got = snapshot(&self.out);
        assert!(
            got == self.known[want as usize],
            "{when}: the folder is not exactly output {want:?}:\n{}",
            self.describe(&got)
        );
    }

    /// Which known output the folder is (`None`: neither), after a kill.
    fn classify(&self) -> Option<Gen> {
        let got = snapshot(&self.out);
        if got == self.known[0] {
            Some(Gen::A)
        } else if got == self.known[1] {
            Some(Gen::B)
        } else {
            None
        }
    }

    /// File by file: as in output A, as in B, neither, missing, extra.
    fn describe(&self, got: &Snapshot) -> String {
        let mut lines = Vec::new();
        for name in self.known[0].keys() {
            let verdict = match got.get(name) {
                None => "missing",
                Some(bytes) if *bytes == self.known[0][name] && *bytes == self.known[1][name] => {
                    "same in both"
                }
                Some(bytes) if *bytes == self.known[0][name] => "as in A",
                Some(bytes) if *bytes == self.known[1][name] => "as in B",
                Some(_) => "neither",
            };
            lines.push(format!("  {name}: {verdict}"));
        }
        for name in got.keys().filter(|n| !self.known[0].contains_key(*n)) {
            lines.push(format!("  {name}: extra file"));
        }
        lines.join("\n")
    }

    /// Beside the folder only the two specs; in it only the known files (checked by snapshot).
    fn assert_nothing_left_behind(&self) {
        let mut names: Vec<String> = fs::read_dir(&self.dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            ["generated", "spec-a.yaml", "spec-b.yaml"],
            "regen left something beside its folder"
        );
    }

    /// Entries beside the folder other than the folder and the specs (what a kill left).
    fn leftovers(&self) -> usize {
        fs::read_dir(&self.dir)
            .unwrap()
            .filter(|e| {
                let name = e.as_ref().unwrap().file_name();
                !["generated", "spec-a.yaml", "spec-b.yaml"]
                    .iter()
                    .any(|n| name == *n)
            })
            .count()
    }

    /// After a run that ended with `status` towards `target`: the folder is old or new (new if
    /// the run finished), and the next regen succeeds. With the two-rename fallback the folder
    /// may also be missing (a kill between the renames): then `recover` (what every writing
    /// regen runs first) must put back exactly the old output.
    fn after_kill(&mut self, status: ExitStatus, target: Gen, next: Gen, what: &str) -> Outcome {
        let killed = status.signal() == Some(libc::SIGKILL);
        assert!(
            killed || status.success(),
            "{what}: regen neither finished nor was killed: {status}"
        );
        let mut restored = false;
        if killed && self.fallback && !self.out.exists() {
            let repairs =
                xtask::regen::recover(&self.out).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert!(
                !repairs.is_empty(),
                "{what}: the folder is missing and recover did nothing"
            );
            restored = true;
        }
        let Some(now) = self.classify() else {
            panic!(
                "{what}: after SIGKILL the folder is a mix of the outputs (was {:?}, writing {target:?}):\n{}",
                self.state,
                self.describe(&snapshot(&self.out))
            );
        };
        if !killed {
            assert_eq!(
                now, target,
                "{what}: regen finished but did not write its output"
            );
        }
        if restored {
            assert_eq!(
                now, self.state,
                "{what}: recover did not restore the old output"
            );
        }
        let outcome = Outcome {
            killed,
            new: now == target,
            restored,
            leftovers: self.leftovers() > 0,
        };
        self.state = now;
        self.complete(next);
        outcome
    }

    fn random_kills(&mut self) {
        let this = self;
        let seed = std::env::var("REGEN_KILL_SEED")
            .ok()
            .map(|s| s.parse::<u64>().expect("REGEN_KILL_SEED is a number"))
            .unwrap_or(0x14B);
        let mut rng = Rng(seed);

        // Run time of a complete regen and of one that stops before writing (`--check` of the
        // output the folder holds), medians of three.
        let mut full: Vec<Duration> = (0..3)
            .map(|_| {
                let target = this.state.other();
                this.complete(target)
            })
            .collect();
        let mut check: Vec<Duration> = (0..3)
            .map(|_| {
                let started = Instant::now();
                let status = this
                    .regen(this.state)
                    .arg("--check")
                    .status()
                    .expect("start regen --check");
                assert!(
                    status.success(),
                    "regen --check of a fresh folder: {status}"
                );
                started.elapsed()
            })
            .collect();
        full.sort();
        check.sort();
        let (full, check) = (full[1], check[1]);
        let high = full + full / 10;

        let mut tally = Tally::default();
        for run in 0..RANDOM_RUNS {
            let target = this.state.other();
            let next = if rng.next() % 2 == 0 { Gen::A } else { Gen::B };
            let delay = if run % 2 == 0 {
                rng.between(Duration::ZERO, high)
            } else {
                rng.between(check.min(high) * 9 / 10, high)
            };
            let mut child = this.regen(target).spawn().expect("start regen");
            std::thread::sleep(delay); // the random moment of the kill, not a synchronization
            child.kill().expect("SIGKILL regen");
            let status = child.wait().expect("wait for regen");
            let outcome = this.after_kill(
                status,
                target,
                next,
                &format!("run {run} (seed {seed}, kill after {delay:?})"),
            );
            tally.add(outcome);
        }
        println!(
            "random kills: {RANDOM_RUNS} runs (seed {seed}; complete run {full:.0?}, until \
             writing {check:.0?}): {tally}"
        );
        assert!(
            tally.killed >= RANDOM_RUNS / 3,
            "too few runs were killed before finishing to prove anything: {tally}"
        );
    }

    /// `swap`: the writer's way of swapping folders (`exchange` or `rename`).
    fn kill_at_every_step(&mut self, swap: &str) {
        self.fallback = swap == "rename";
        let mut tally = Tally::default();
        let mut trace = String::new();
        let mut step = 1;
        loop {
            assert!(
                step <= MAX_STEPS,
                "regen still had not finished at step {step}"
            );
            let target = self.state.other();
            let output = self
                .regen(target)
                .env(xtask::regen::KILL_AT_STEP_ENV, step.to_string())
                .env(xtask::regen::SWAP_ENV, swap)
                .output()
                .expect("start regen");
            let outcome = self.after_kill(
                output.status,
                target,
                target.other(),
                &format!("kill before filesystem change {step}"),
            );
            if !outcome.killed {
                break;
            }
            trace.push(match (outcome.new, outcome.restored) {
                (true, _) => 'N',
                (false, true) => 'R',
                (false, false) => 'O',
            });
            tally.add(outcome);
            step += 1;
        }
        self.fallback = false;
        println!(
            "kill before every filesystem change, swap by {swap}: {} steps, folder after each \
             (O old, N new, R missing and restored to old by the next regen): {trace}; {tally}",
            step - 1
        );
        assert!(
            tally.old > 0 && tally.new > 0,
            "a kill early leaves the old output and a kill late the new one: {trace}"
        );
        if swap == "rename" {
            assert!(
                trace.contains('R'),
                "one kill falls between the fallback's two renames: {trace}"
            );
        }
    }
}

#[derive(Clone, Copy)]
struct Outcome {
    killed: bool,
    new: bool,
    restored: bool,
    leftovers: bool,
}

#[derive(Default)]
struct Tally {
    killed: usize,
    finished: usize,
    old: usize,
    new: usize,
    leftovers: usize,
}

impl Tally {
    fn add(&mut self, outcome: Outcome) {
        if outcome.killed {
            self.killed += 1;
            if outcome.new {
                self.new += 1;
            } else {
                self.old += 1;
            }
            if outcome.leftovers {
                self.leftovers += 1;
            }
        } else {
            self.finished += 1;
        }
    }
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} killed ({} left the old output, {} the new, {} left a staging directory that \
             the next regen removed), {} finished before the kill",
            self.killed, self.old, self.new, self.leftovers, self.finished
        )
    }
}
