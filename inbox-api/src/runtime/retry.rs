//! When and how long to wait before retrying a failed request.
//!
//! Pure policy: exponential backoff with full jitter, and `Retry-After` parsing. Which failures
//! are retried is decided in `client.rs`; the sleeping happens there too (`tokio::time::sleep`).

use std::time::{Duration, SystemTime};

use rand::Rng;

/// How often and how patiently the client retries transient failures.
///
/// Retried: connection failures, timeouts, and statuses 429, 502, 503 and 504. Idempotent
/// operations (`GET`) are retried by default; non-idempotent ones (`POST`, e.g. `sendMessage`)
/// only after [`RetryPolicy::retry_non_idempotent`], because a retried `POST` may act twice.
/// A connection that could not be opened (refused, or the connect timeout) is retried for every
/// operation, since nothing was sent. A TLS certificate that fails validation is never retried.
///
/// The wait before retry `n` (1-based) is a random duration in
/// `0..=min(max_delay, base_delay * 2^(n-1))` ("full jitter"), unless the response carried a
/// `Retry-After` header, which is honoured as long as it is at most `max_retry_after`; a longer
/// `Retry-After` ends the retries and the error reports it in `ApiError::retry_after`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, including the first (`0` behaves like `1`).
    pub max_attempts: u32,
    /// The backoff of the first retry, doubled for each further one (before jitter).
    pub base_delay: Duration,
    /// The longest backoff between two attempts (before jitter).
    pub max_delay: Duration,
    /// The longest `Retry-After` the client waits for; a longer one ends the retries.
    pub max_retry_after: Duration,
    /// Whether non-idempotent operations (`POST`) are retried too.
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    /// 3 attempts, 200 ms base delay, 5 s maximum delay, `Retry-After` up to 30 s,
    /// non-idempotent operations not retried.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// The default policy; see [`RetryPolicy::default`].
    pub fn new() -> Self {
        Self::default()
    }

    /// A policy that never retries: one attempt per call.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Attempts in all, including the first (at least 1; `0` is treated as `1`).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff of the first retry, doubled for each further one (before jitter).
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The longest backoff between two attempts (before jitter).
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The longest `Retry-After` the client waits for; a longer one ends the retries.
    pub fn max_retry_after(mut self, delay: Duration) -> Self {
        self.max_retry_after = delay;
        self
    }

    /// Whether non-idempotent operations (`POST`) are retried too. Default `false`.
    pub fn retry_non_idempotent(mut self, retry: bool) -> Self {
        self.retry_non_idempotent = retry;
        self
    }

    /// The upper bound of the jittered backoff before retry `retry` (1-based).
    pub fn backoff_cap(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.saturating_sub(1));
        self.base_delay
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }

    /// A random backoff in `0..=backoff_cap(retry)`.
    pub fn backoff(&self, retry: u32) -> Duration {
        let cap = self.backoff_cap(retry);
        let nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(rand::rng().random_range(0..=nanos))
    }

    /// How long to wait before retry `retry` (1-based), or `None` to stop retrying: when
    /// `max_attempts` is used up, or `retry_after` exceeds `max_retry_after`.
    pub fn delay_before(&self, retry: u32, retry_after: Option<Duration>) -> Option<Duration> {
        if retry >= self.max_attempts.max(1) {
            return None;
        }
        match retry_after {
            Some(wait) if wait > self.max_retry_after => None,
            Some(wait) => Some(wait),
            None => Some(self.backoff(retry)),
        }
    }
}

/// Parses a `Retry-After` header value: delay-seconds (`120`) or an HTTP date
/// (`Wed, 21 Oct 2015 07:28:00 GMT`, also the obsolete RFC 850 and asctime forms). A date in
/// the past means "now" (zero). Returns `None` for anything else.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Absurdly large values saturate; the policy's maximum rejects them anyway.
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let date = parse_http_date(value)?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

fn parse_http_date(value: &str) -> Option<SystemTime> {
    use chrono::{DateTime, NaiveDateTime};
    let utc = if let Ok(date) = DateTime::parse_from_rfc2822(value) {
        date.to_utc()
    } else {
        // RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`).
        ["%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"]
            .iter()
            .find_map(|format| NaiveDateTime::parse_from_str(value, format).ok())?
            .and_utc()
    };
    let since_epoch = utc.timestamp();
    if since_epoch < 0 {
        return Some(SystemTime::UNIX_EPOCH);
    }
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(since_epoch as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn defaults() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.max_attempts, 3);
        assert!(!policy.retry_non_idempotent);
        assert_eq!(RetryPolicy::none().max_attempts, 1);
        assert_eq!(RetryPolicy::new().max_attempts(0).max_attempts, 1);
    }

    #[test]
    fn backoff_caps_grow_exponentially_up_to_max() {
        let policy = RetryPolicy::new()
            .base_delay(Duration::from_millis(100))
            .max_delay(Duration::from_millis(1000));
        let caps: Vec<_> = (1..=6).map(|n| policy.backoff_cap(n).as_millis()).collect();
        assert_eq!(caps, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(policy.backoff_cap(u32::MAX), Duration::from_millis(1000));
    }

    #[test]
    fn backoff_is_jittered_within_bounds() {
        let policy = RetryPolicy::new()
            .base_delay(Duration::from_millis(100))
            .max_delay(Duration::from_secs(10));
        for retry in 1..=5 {
            let cap = policy.backoff_cap(retry);
            let samples: Vec<_> = (0..200).map(|_| policy.backoff(retry)).collect();
            assert!(samples.iter().all(|d| *d <= cap));
            // Full jitter: the samples spread, they are not all the same.
            assert!(samples.iter().any(|d| *d != samples[0]));
        }
        let zero = RetryPolicy::new().base_delay(Duration::ZERO);
        assert_eq!(zero.backoff(3), Duration::ZERO);
    }

    #[test]
    fn delay_before_respects_attempts_and_retry_after() {
        let policy = RetryPolicy::new()
            .max_attempts(3)
            .max_retry_after(Duration::from_secs(10));
        assert!(policy.delay_before(1, None).is_some());
        assert!(policy.delay_before(2, None).is_some());
        assert_eq!(policy.delay_before(3, None), None);
        assert_eq!(
            policy.delay_before(1, Some(Duration::from_secs(2))),
            Some(Duration::from_secs(2))
        );
        assert_eq!(policy.delay_before(1, Some(Duration::from_secs(11))), None);
        assert_eq!(RetryPolicy::none().delay_before(1, None), None);
    }

    #[test]
    fn parses_delay_seconds() {
        let now = at(1_000);
        assert_eq!(parse_retry_after("0", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after(" 120 ", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(Duration::from_secs(u64::MAX))
        );
        for bad in ["", "-1", "1.5", "soon", "12s"] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad}");
        }
    }

    #[test]
    fn parses_http_dates() {
        // 1445412480 = Wed, 21 Oct 2015 07:28:00 GMT
        let now = at(1_445_412_480 - 30);
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Wednesday, 21-Oct-15 07:28:00 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Wed Oct 21 07:28:00 2015", now),
            Some(Duration::from_secs(30))
        );
        // In the past: retry now.
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", at(1_500_000_000)),
            Some(Duration::ZERO)
        );
        assert_eq!(
            parse_retry_after("Wed, 32 Oct 2015 07:28:00 GMT", now),
            None
        );
    }
}
