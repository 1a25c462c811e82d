//! Verifying and decoding Wix webhook deliveries of Inbox events (feature `webhooks`).
//!
//! Wix POSTs each event to your app's webhook URL. The raw request body is a compact JWT,
//! signed with RS256 by Wix; the app's public key is on the app dashboard's Webhooks page.
//! [`WebhookVerifier::verify`] checks the token and peels the nested JSON layers:
//!
//! ```text
//! JWT claims { data: "<json>", iat, exp }
//!   data     -> envelope { eventType, instanceId, identity: "<json>", data: "<json>",
//!                accountInfo }
//!   identity -> WebhooksIdentificationData (who caused the event; optional)
//!   data     -> DomainEvent { id, entityFqdn, slug, entityId, eventTime, ..., actionEvent }
//!   actionEvent.body (object) or actionEvent.bodyAsJson (string) -> the typed payload (Event)
//! ```
//!
//! The result is an [`InboxEvent`]: the envelope fields plus [`Event`](crate::events::Event).
//!
//! # Writing a receiver
//!
//! - **Trust nothing before [`verify`](WebhookVerifier::verify) returns `Ok`.** Do not parse,
//!   log or store the body first; an unverified body is attacker-controlled. Answer 401 when
//!   it fails ([`WebhookError::status_code`] gives a status per error).
//! - **Answer 200 quickly.** Wix waits 1250 ms for the response and retries on failure or
//!   timeout. Verify, hand the event to a queue or task, and respond; do the work later.
//! - **Deduplicate by [`InboxEvent::id`].** Wix delivers at least once: the same event can
//!   arrive twice, and late, and a captured token can be replayed until it expires. Remember
//!   the IDs you processed at least until [`WebhookVerifier::accepted_until`]; a
//!   [`Deduplicator`] does that in memory (the axum endpoint takes one).
//! - **Ignore stale updates.** Events of one entity can arrive out of order; skip one whose
//!   [`entity_event_sequence`](InboxEvent::entity_event_sequence) is lower than the last one
//!   you processed for that [`entity_id`](InboxEvent::entity_id).
//! - **Expect the unknown.** An event type this version does not know arrives as
//!   [`Event::Unrecognized`](crate::events::Event::Unrecognized) with its raw JSON; answer 200
//!   for it too, or Wix keeps retrying.
//!
//! Verification accepts **RS256 only**: `alg: none`, HS256 (including an HMAC made with the
//! public key as secret, the "algorithm confusion" attack) and every other algorithm are
//! rejected before any signature check. `exp` is required and checked, `iat` may not lie in
//! the future, both with a [`leeway`](WebhookVerifier::leeway) for clock skew (at most
//! [`MAX_LEEWAY`]); `exp`, `nbf` and `iat` must be JSON numbers when present. Checking the
//! issuer and audience (your app ID) is optional, as in Wix's SDK.
//!
//! A captured token stays valid until its `exp` plus the leeway, so a replay is possible until
//! then: [`InboxEvent::expires_at`] and [`WebhookVerifier::accepted_until`] size the
//! deduplication window (the axum endpoint offers a deduplicator).
//!
//! Error messages never contain the token, a key or a payload value; they are safe to log.
//!
//! # Example
//!
//! ```
//! use inbox_api::events::Event;
//! use inbox_api::webhooks::{WebhookError, WebhookVerifier};
//!
//! /// Build once at startup; the PEM is the app's webhook public key.
//! fn verifier(public_key_pem: &str) -> Result<WebhookVerifier, WebhookError> {
//!     Ok(WebhookVerifier::from_public_key_pem(public_key_pem)?
//!         .leeway(std::time::Duration::from_secs(60))
//!         .max_body_bytes(1 << 20))
//! }
//!
//! /// Call with the raw request body, exactly as received; returns the HTTP status to send.
//! fn on_delivery(verifier: &WebhookVerifier, raw_body: &[u8]) -> u16 {
//!     let inbox_event = match verifier.verify(raw_body) {
//!         Ok(inbox_event) => inbox_event,
//!         Err(error) => {
//!             tracing::warn!(%error, "rejected webhook delivery");
//!             return error.status_code().as_u16();
//!         }
//!     };
//!     // if already_processed(&inbox_event.id) { return 200; }
//!     match &inbox_event.event {
//!         Event::MessageSentToBusiness(sent) => {
//!             let message = sent.message.as_ref();
//!             let text = message.and_then(|message| message.content.preview_text.as_deref());
//!             tracing::info!(conversation = ?sent.conversation_id, ?text, "to the business");
//!         }
//!         Event::ButtonInteracted(click) => {
//!             tracing::info!(interaction = ?click.interaction_id, "button clicked");
//!         }
//!         Event::Unrecognized { event_type, .. } => tracing::info!(event_type, "unknown event"),
//!         other => tracing::info!(event_type = other.event_type(), "inbox event"),
//!     }
//!     200
//! }
//! ```
#![cfg_attr(
    feature = "webhooks-axum",
    doc = "\nWith the `webhooks-axum` feature, [`server`] mounts this as an axum endpoint; \
           `examples/webhook_server.rs` shows a whole receiver."
)]

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};

mod dedup;
mod error;
mod event;
mod key;
mod locate;
#[cfg(feature = "webhooks-axum")]
pub mod server;

pub use dedup::{Deduplicator, DEFAULT_DEDUP_CAPACITY};
pub use error::WebhookError;
pub use event::InboxEvent;

/// Clock skew tolerated by default when checking `exp`, `iat` and `nbf`.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(60);

/// The largest leeway [`WebhookVerifier::leeway`] accepts; a longer one is cut to this.
pub const MAX_LEEWAY: Duration = Duration::from_secs(3600);

/// Largest body accepted by default: 1 MiB (Inbox events are a few KiB).
pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;

/// The only signature algorithm Wix uses and this verifier accepts.
const ALGORITHM: &str = "RS256";

/// Verifies webhook deliveries against the app's webhook public key and decodes them.
///
/// Build one at startup and share it (it is `Send + Sync`; wrap it in an `Arc` or clone it).
#[derive(Clone)]
pub struct WebhookVerifier {
    key: DecodingKey,
    leeway: Duration,
    issuer: Option<String>,
    audience: Option<String>,
    max_body_bytes: usize,
    validation: Validation,
}

impl WebhookVerifier {
    /// A verifier for tokens signed with the private half of `pem`, an RSA public key in PEM
    /// form: `-----BEGIN PUBLIC KEY-----` (as Wix shows it) or `-----BEGIN RSA PUBLIC KEY-----`.
    ///
    /// Fails with [`WebhookError::InvalidKey`] for text that is not PEM, a private key, a
    /// certificate, a non-RSA key, or an RSA key outside 2048 to 8192 bits.
    pub fn from_public_key_pem(pem: &str) -> Result<Self, WebhookError> {
        let key = key::rsa_public_key_from_pem(pem)
            .map_err(|reason| WebhookError::InvalidKey { reason })?;
        let mut verifier = Self {
            key,
            leeway: DEFAULT_LEEWAY,
            issuer: None,
            audience: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            validation: Validation::new(Algorithm::RS256),
        };
        verifier.rebuild_validation();
        Ok(verifier)
    }

    /// Clock skew tolerated when checking `exp`, `iat` and `nbf` (whole seconds, rounded up);
    /// default [`DEFAULT_LEEWAY`], at most [`MAX_LEEWAY`] (a longer leeway is cut to it: it
    /// would keep captured tokens replayable for longer).
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway.min(MAX_LEEWAY);
        self.rebuild_validation();
        self
    }

    /// The leeway in use (see [`leeway`](Self::leeway)).
    pub fn current_leeway(&self) -> Duration {
        self.leeway
    }

    /// The last moment this verifier still accepts `event`'s token: its
    /// [`expires_at`](InboxEvent::expires_at) plus the leeway. A receiver that remembers
    /// [`InboxEvent::id`] until then recognises every replay of the token.
    pub fn accepted_until(&self, event: &InboxEvent) -> DateTime<Utc> {
        let leeway = chrono::Duration::from_std(self.leeway).unwrap_or(chrono::Duration::zero());
        event
            .expires_at
            .checked_add_signed(leeway)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// Also require the `iss` claim to equal `issuer` (Wix's SDK uses `wix.com`).
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self.rebuild_validation();
        self
    }

    /// Also require the `aud` claim to contain `app_id`, your app's ID.
    ///
    /// Without this, a token that carries an `aud` is accepted whatever its value.
    pub fn audience(mut self, app_id: impl Into<String>) -> Self {
        self.audience = Some(app_id.into());
        self.rebuild_validation();
        self
    }

    /// Largest body accepted, in bytes; default [`DEFAULT_MAX_BODY_BYTES`]. Larger bodies fail
    /// with [`WebhookError::BodyTooLarge`] before any decoding.
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// The body size limit set with [`max_body_bytes`](Self::max_body_bytes).
    pub fn body_limit(&self) -> usize {
        self.max_body_bytes
    }

    /// Verifies a delivery and decodes its event.
    ///
    /// `raw_body` is the request body exactly as received (surrounding whitespace is
    /// ignored). In order, checks: size, compact-JWT shape, `alg` is RS256, the signature,
    /// `exp` (required) and `nbf`, the optional issuer and audience, `iat` not in the future;
    /// then decodes the nested JSON into an [`InboxEvent`]. Every failure is a
    /// [`WebhookError`]; nothing here panics on any input.
    pub fn verify(&self, raw_body: &[u8]) -> Result<InboxEvent, WebhookError> {
        let (claims, times) = self.verify_token(raw_body)?;
        event::decode_claims(&claims, times)
    }

    /// Checks the token and returns its claims and lifetime.
    fn verify_token(
        &self,
        raw_body: &[u8],
    ) -> Result<(Map<String, Value>, event::TokenTimes), WebhookError> {
        if raw_body.len() > self.max_body_bytes {
            return Err(WebhookError::BodyTooLarge {
                limit: self.max_body_bytes,
            });
        }
        let token = std::str::from_utf8(raw_body)
            .map_err(|_| malformed_token("the body is not UTF-8 text"))?
            .trim();
        if token.is_empty() {
            return Err(malformed_token("the body is empty"));
        }
        let parts: Vec<&str> = token.split('.').collect();
        let [header, _claims, signature] = parts[..] else {
            return Err(malformed_token("expected three dot-separated parts"));
        };
        if !parts.iter().all(|part| part.bytes().all(is_base64url)) {
            return Err(malformed_token("a part is not base64url"));
        }
        check_header(header)?;
        if signature.is_empty() {
            return Err(WebhookError::BadSignature);
        }
        let claims = jsonwebtoken::decode::<Map<String, Value>>(token, &self.key, &self.validation)
            .map_err(|error| from_jwt_error(error.kind()))?
            .claims;
        let times = check_times(&claims, self.leeway)?;
        Ok((claims, times))
    }

    fn rebuild_validation(&mut self) {
        let mut validation = Validation::new(Algorithm::RS256);
        // At most MAX_LEEWAY, so jsonwebtoken's `now - leeway` cannot underflow.
        validation.leeway = self
            .leeway
            .as_secs()
            .saturating_add(u64::from(self.leeway.subsec_nanos() > 0));
        validation.validate_exp = true;
        validation.validate_nbf = true;
        let mut required = vec!["exp"];
        if let Some(issuer) = &self.issuer {
            validation.set_issuer(&[issuer]);
            required.push("iss");
        }
        match &self.audience {
            Some(audience) => {
                validation.set_audience(&[audience]);
                required.push("aud");
            }
            // jsonwebtoken would otherwise reject every token that carries an `aud`.
            None => validation.validate_aud = false,
        }
        validation.set_required_spec_claims(&required);
        self.validation = validation;
    }
}

impl fmt::Debug for WebhookVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookVerifier")
            .field("algorithm", &ALGORITHM)
            .field("leeway", &self.leeway)
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish_non_exhaustive()
    }
}

fn malformed_token(reason: &'static str) -> WebhookError {
    WebhookError::MalformedToken { reason }
}

fn is_base64url(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_'
}

/// Rejects every algorithm but RS256 before the signature is looked at.
fn check_header(encoded: &str) -> Result<(), WebhookError> {
    let bytes = key::decode_base64(encoded.as_bytes(), key::Alphabet::UrlSafeNoPad)
        .ok_or_else(|| malformed_token("the header is not base64url"))?;
    let header: Map<String, Value> = serde_json::from_slice(&bytes)
        .map_err(|_| malformed_token("the header is not a JSON object"))?;
    match header.get("alg") {
        Some(Value::String(alg)) if alg == ALGORITHM => {}
        Some(Value::String(alg)) => {
            return Err(WebhookError::WrongAlgorithm {
                alg: error::reportable_algorithm(alg),
            })
        }
        Some(_) => {
            return Err(WebhookError::WrongAlgorithm {
                alg: "unrecognized",
            })
        }
        None => return Err(WebhookError::WrongAlgorithm { alg: "missing" }),
    }
    if header.contains_key("crit") {
        return Err(malformed_token(
            "critical header extensions are not supported",
        ));
    }
    Ok(())
}

/// `exp` (required), `nbf` and `iat` must be JSON numbers of seconds since the epoch that a
/// date can hold, whatever jsonwebtoken makes of them (its 9.x releases let a string `nbf`
/// pass as absent); `iat` may not lie in the future beyond the leeway.
fn check_times(
    claims: &Map<String, Value>,
    leeway: Duration,
) -> Result<event::TokenTimes, WebhookError> {
    let expires_at =
        numeric_date(claims, "exp")?.ok_or(WebhookError::InvalidClaim { claim: "exp" })?;
    numeric_date(claims, "nbf")?;
    let issued_at = numeric_date(claims, "iat")?;
    if let Some(issued_at) = issued_at {
        let latest = Utc::now()
            .checked_add_signed(chrono::Duration::from_std(leeway).unwrap_or_default())
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        if issued_at > latest {
            return Err(WebhookError::IssuedInFuture);
        }
    }
    Ok(event::TokenTimes {
        issued_at,
        expires_at,
    })
}

/// A NumericDate claim (RFC 7519: seconds since the epoch, fractions allowed), or `None`
/// when absent; anything but a non-negative number in chrono's range is an invalid claim.
fn numeric_date(
    claims: &Map<String, Value>,
    claim: &'static str,
) -> Result<Option<DateTime<Utc>>, WebhookError> {
    let Some(value) = claims.get(claim) else {
        return Ok(None);
    };
    let invalid = WebhookError::InvalidClaim { claim };
    let seconds = match value {
        Value::Number(number) => number.as_f64().ok_or(invalid.clone())?,
        _ => return Err(invalid),
    };
    if !(0.0..1e15).contains(&seconds) {
        return Err(invalid);
    }
    let whole = seconds.trunc();
    // Both casts are exact: `whole` is an integer below 1e15, the fraction below 1e9.
    let nanos = ((seconds - whole) * 1e9) as u32;
    DateTime::from_timestamp(whole as i64, nanos.min(999_999_999))
        .map(Some)
        .ok_or(invalid)
}

/// Maps jsonwebtoken's error without keeping it (its messages may quote the claims).
fn from_jwt_error(kind: &ErrorKind) -> WebhookError {
    match kind {
        ErrorKind::InvalidSignature => WebhookError::BadSignature,
        ErrorKind::ExpiredSignature => WebhookError::Expired,
        ErrorKind::ImmatureSignature => WebhookError::IssuedInFuture,
        ErrorKind::InvalidIssuer => WebhookError::InvalidClaim { claim: "iss" },
        ErrorKind::InvalidAudience => WebhookError::InvalidClaim { claim: "aud" },
        ErrorKind::InvalidSubject => WebhookError::InvalidClaim { claim: "sub" },
        ErrorKind::MissingRequiredClaim(claim) | ErrorKind::InvalidClaimFormat(claim) => {
            WebhookError::InvalidClaim {
                claim: match claim.as_str() {
                    "exp" => "exp",
                    "iss" => "iss",
                    "aud" => "aud",
                    "nbf" => "nbf",
                    "sub" => "sub",
                    _ => "unknown",
                },
            }
        }
        ErrorKind::InvalidAlgorithm
        | ErrorKind::MissingAlgorithm
        | ErrorKind::InvalidAlgorithmName => WebhookError::WrongAlgorithm {
            alg: "unrecognized",
        },
        ErrorKind::InvalidRsaKey(_) | ErrorKind::InvalidKeyFormat | ErrorKind::InvalidEcdsaKey => {
            WebhookError::InvalidKey {
                reason: "the key was rejected while verifying".to_owned(),
            }
        }
        ErrorKind::Base64(_) => malformed_token("a part is not base64url"),
        ErrorKind::Json(_) => malformed_token("the claims are not a JSON object"),
        ErrorKind::Utf8(_) => malformed_token("the claims are not UTF-8"),
        _ => malformed_token("the token could not be decoded"),
    }
}
