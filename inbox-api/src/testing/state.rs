//! The state one test server's handle and request handlers share: configuration, store,
//! injected faults and recorded requests. Its own module, so that the handlers and the gateway
//! depend on it rather than on `server.rs` (which depends on them).

use std::sync::{Mutex, MutexGuard, PoisonError};

use http::Method;
use tokio::sync::watch;

use super::config::ServerConfig;
use super::fault::{Fault, FaultKind, FaultQueue};
use super::record::RecordedRequest;
use super::store::Store;

/// State shared by the server handle and the request handlers.
pub(crate) struct Shared {
    pub(crate) config: ServerConfig,
    store: Mutex<Store>,
    faults: Mutex<FaultQueue>,
    requests: Mutex<Vec<RecordedRequest>>,
    /// Number of recorded requests, for [`InboxServer::wait_for_requests`].
    recorded: watch::Sender<usize>,
    /// `true` once the server shuts down.
    pub(crate) shutdown: watch::Receiver<bool>,
}

impl Shared {
    pub(crate) fn new(config: ServerConfig, shutdown: watch::Receiver<bool>) -> Shared {
        Shared {
            config,
            store: Mutex::default(),
            faults: Mutex::default(),
            requests: Mutex::default(),
            recorded: watch::Sender::new(0),
            shutdown,
        }
    }

    /// The store, locked. Never hold it across an `.await`.
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }

    pub(crate) fn record(&self, request: RecordedRequest) {
        let mut requests = lock(&self.requests);
        requests.push(request);
        self.recorded.send_replace(requests.len());
    }

    /// Every request recorded so far, in arrival order.
    pub(crate) fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.requests).clone()
    }

    /// Follows the number of recorded requests.
    pub(crate) fn recorded(&self) -> watch::Receiver<usize> {
        self.recorded.subscribe()
    }

    pub(crate) fn inject(&self, fault: Fault) {
        lock(&self.faults).push(fault);
    }

    pub(crate) fn pending_faults(&self) -> usize {
        lock(&self.faults).len()
    }

    pub(crate) fn take_fault(&self, method: &Method, path: &str) -> Option<FaultKind> {
        lock(&self.faults).take(method, path)
    }
}

/// Locks `mutex`, ignoring poisoning: a panicking test must not cascade into every other
/// request (all critical sections leave the data consistent).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
