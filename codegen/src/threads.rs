//! Threads for the generator's passes: deep stacks for the recursive ones, and an
//! order-keeping parallel map for the ones cut into independent parts (loading, rendering).
//! Pure computation: the results never depend on how many threads ran.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Stack for the recursive passes (deserializing, resolving, emitting): deeply nested
/// schemas recurse deeply, and the caller's thread may have a small stack (2 MiB for test
/// threads). Only touched pages are ever allocated.
const DEEP_STACK: usize = 256 << 20;

/// Runs `f` on a thread with a [`DEEP_STACK`]-sized stack (on the current thread when no
/// thread can be spawned). Pure computation: no IO, same result either way.
pub(crate) fn with_deep_stack<R: Send, F: FnOnce() -> R + Send>(f: F) -> R {
    let cell = std::sync::Mutex::new(Some(f));
    let take = || cell.lock().ok().and_then(|mut f| f.take());
    let on_thread = std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("codegen".to_owned())
            .stack_size(DEEP_STACK)
            .spawn_scoped(scope, || take().map(|f| f()));
        match spawned {
            Ok(handle) => match handle.join() {
                Ok(result) => result,
                Err(panic) => std::panic::resume_unwind(panic),
            },
            Err(_) => None,
        }
    });
    match on_thread {
        Some(result) => result,
        None => (take().expect("the closure runs once"))(),
    }
}

/// `f` applied to every item, on up to one thread per core (at most [`crate::render::MAX_THREADS`]),
/// each with a [`DEEP_STACK`]-sized stack; results in the order of `items`, and the number
/// of threads that ran. Threads take the next item as they finish one, so uneven items
/// balance. Threads that cannot be spawned are made up for by the current thread.
pub(crate) fn map_in_order<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> R + Sync,
) -> (Vec<R>, usize) {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, crate::render::MAX_THREADS)
        .min(items.len().max(1));
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done: Vec<(usize, R)> = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else {
                break;
            };
            done.push((i, f(item)));
        }
        done
    };
    let per_thread = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .filter_map(|i| {
                std::thread::Builder::new()
                    .name(format!("codegen-{i}"))
                    .stack_size(DEEP_STACK)
                    .spawn_scoped(scope, work)
                    .ok()
            })
            .collect();
        let mut results: Vec<Vec<(usize, R)>> = handles
            .into_iter()
            .map(|handle| match handle.join() {
                Ok(result) => result,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect();
        if results.is_empty() {
            results.push(work());
        }
        results
    });
    let ran = per_thread.len();
    let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    for (i, result) in per_thread.into_iter().flatten() {
        slots[i] = Some(result);
    }
    let results = slots
        .into_iter()
        .map(|r| r.expect("every item is taken by one thread"))
        .collect();
    (results, ran)
}

/// `side()` on a scoped thread while `main()` runs on this one (both on this one when no
/// thread can be spawned); both results.
pub(crate) fn beside<A: Send, B>(
    side: impl FnOnce() -> A + Send,
    main: impl FnOnce() -> B,
) -> (B, A) {
    let cell = std::sync::Mutex::new(Some(side));
    let take = || cell.lock().ok().and_then(|mut f| f.take());
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("codegen-side".to_owned())
            .spawn_scoped(scope, || take().map(|f| f()));
        let b = main();
        let a = match spawned.map(|handle| handle.join()) {
            Ok(Ok(Some(a))) => a,
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            Ok(Ok(None)) | Err(_) => (take().expect("the side closure runs once"))(),
        };
        (b, a)
    })
}
