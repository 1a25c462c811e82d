//! [`Deduplicator`]: remembers the IDs of delivered events until their tokens expire, so a
//! replayed (or retried) delivery is recognised and not handed to the app twice.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Utc};

/// How many event IDs a [`Deduplicator::default`] remembers.
pub const DEFAULT_DEDUP_CAPACITY: usize = 100_000;

/// An in-memory set of delivered event IDs, each remembered until the moment its token stops
/// verifying ([`WebhookVerifier::accepted_until`](super::WebhookVerifier::accepted_until)),
/// with a bound on how many it holds.
///
/// Memory is bounded by `capacity` entries (an event ID and two timestamps each, about 150
/// bytes with the index). Expired entries are dropped first; when the set is full of live
/// entries, the one that expires soonest is forgotten (counted in [`evicted`](Self::evicted))
/// so new events are never refused. Size the capacity above the number of events you receive
/// during one token lifetime if every replay must be caught.
///
/// Only IDs from verified tokens reach it (the endpoint verifies first), so an attacker cannot
/// fill it with made-up IDs.
///
/// ```
/// use chrono::{Duration, Utc};
/// use inbox_api::webhooks::Deduplicator;
///
/// let seen = Deduplicator::new(1000);
/// let until = Utc::now() + Duration::hours(1);
/// assert!(seen.first_delivery("event-1", until));
/// assert!(!seen.first_delivery("event-1", until), "a replay");
/// assert_eq!(seen.len(), 1);
/// ```
#[derive(Debug)]
pub struct Deduplicator {
    capacity: usize,
    seen: Mutex<Seen>,
}

#[derive(Debug, Default)]
struct Seen {
    /// Event ID -> until when it is remembered.
    until: HashMap<String, DateTime<Utc>>,
    /// The same entries ordered by expiry, for purging and eviction.
    by_expiry: BTreeSet<(DateTime<Utc>, String)>,
    evicted: u64,
}

impl Default for Deduplicator {
    /// A deduplicator for [`DEFAULT_DEDUP_CAPACITY`] event IDs.
    fn default() -> Self {
        Deduplicator::new(DEFAULT_DEDUP_CAPACITY)
    }
}

impl Deduplicator {
    /// A deduplicator that remembers at most `capacity` event IDs (at least 1).
    pub fn new(capacity: usize) -> Self {
        Deduplicator {
            capacity: capacity.max(1),
            seen: Mutex::default(),
        }
    }

    /// Records a delivery of event `id` whose token verifies until `until`; `true` the first
    /// time, `false` for a replay of an ID still remembered. A replay with a later `until`
    /// (a new token for the same event) extends how long the ID is remembered.
    pub fn first_delivery(&self, id: &str, until: DateTime<Utc>) -> bool {
        self.first_delivery_at(id, until, Utc::now())
    }

    fn first_delivery_at(&self, id: &str, until: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        seen.purge(now);
        if let Some(&known) = seen.until.get(id) {
            if until > known {
                seen.by_expiry.remove(&(known, id.to_owned()));
                seen.by_expiry.insert((until, id.to_owned()));
                seen.until.insert(id.to_owned(), until);
            }
            return false;
        }
        if until < now {
            // Already expired: the verifier would not have accepted it; nothing to remember.
            return true;
        }
        while seen.until.len() >= self.capacity {
            let Some((_, oldest)) = seen.by_expiry.pop_first() else {
                break;
            };
            seen.until.remove(&oldest);
            seen.evicted += 1;
            // The first time, then at every power of two: a full set is worth knowing about,
            // not worth a line per event.
            if seen.evicted.is_power_of_two() {
                tracing::warn!(
                    capacity = self.capacity,
                    evicted = seen.evicted,
                    "webhook deduplicator full: forgetting the events that expire soonest"
                );
            }
        }
        seen.until.insert(id.to_owned(), until);
        seen.by_expiry.insert((until, id.to_owned()));
        true
    }

    /// How many event IDs are remembered (expired ones may still count until the next call
    /// of [`first_delivery`](Self::first_delivery)).
    pub fn len(&self) -> usize {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .until
            .len()
    }

    /// Whether no event ID is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The most event IDs remembered at once.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many live IDs were forgotten early because the set was full.
    pub fn evicted(&self) -> u64 {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .evicted
    }
}

impl Seen {
    /// Forgets every ID whose time is over.
    fn purge(&mut self, now: DateTime<Utc>) {
        while let Some((until, _)) = self.by_expiry.first() {
            if *until >= now {
                break;
            }
            if let Some((_, id)) = self.by_expiry.pop_first() {
                self.until.remove(&id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + seconds, 0).unwrap()
    }

    #[test]
    fn replays_are_recognised_until_expiry() {
        let seen = Deduplicator::new(10);
        assert!(seen.first_delivery_at("a", at(100), at(0)));
        assert!(!seen.first_delivery_at("a", at(100), at(50)));
        assert!(!seen.first_delivery_at("a", at(100), at(100)));
        // After the token's time, the ID is forgotten (the token no longer verifies anyway).
        assert!(seen.first_delivery_at("a", at(300), at(101)));
        assert_eq!(seen.len(), 1);
    }

    #[test]
    fn a_later_token_extends_the_window() {
        let seen = Deduplicator::new(10);
        assert!(seen.first_delivery_at("a", at(100), at(0)));
        assert!(!seen.first_delivery_at("a", at(500), at(10)));
        assert!(!seen.first_delivery_at("a", at(500), at(400)));
    }

    #[test]
    fn memory_is_bounded_by_capacity() {
        let seen = Deduplicator::new(3);
        for (i, id) in ["a", "b", "c", "d", "e"].iter().enumerate() {
            let until = at(1000 + i64::try_from(i).unwrap());
            assert!(seen.first_delivery_at(id, until, at(0)));
        }
        assert_eq!(seen.len(), 3);
        assert_eq!(seen.evicted(), 2);
        // The soonest-expiring ones were forgotten; the rest are still caught.
        assert!(!seen.first_delivery_at("e", at(1004), at(1)));
        assert!(!seen.first_delivery_at("c", at(1002), at(1)));
        assert!(seen.first_delivery_at("a", at(1000), at(1)));
        // Expired entries make room before anything live is evicted.
        let before = seen.evicted();
        assert!(seen.first_delivery_at("f", at(5000), at(1003)));
        assert_eq!(seen.evicted(), before);
        assert_eq!(Deduplicator::new(0).capacity(), 1);
    }

    #[test]
    fn an_expired_delivery_is_not_remembered() {
        let seen = Deduplicator::new(10);
        assert!(seen.first_delivery_at("a", at(0) - Duration::seconds(1), at(0)));
        assert!(seen.is_empty());
    }
}
