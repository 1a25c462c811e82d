//! [`WebhookError`], and turning serde errors into reasons that name what was wrong without
//! quoting it. Nothing here may format a token, a key or a payload value.

use serde_json::error::Category;

/// Why a webhook delivery was rejected.
///
/// One variant per thing a receiver handles differently. Messages are lowercase, name the
/// problem and, for envelope errors, the JSON path; they never contain the token, any part of
/// it, a key or a payload value, so they are safe to log. For the same reason no variant
/// carries an underlying error as `source()`: third-party messages may quote their input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The public key passed to [`WebhookVerifier`](super::WebhookVerifier) is unusable.
    #[error("invalid webhook public key: {reason}")]
    InvalidKey {
        /// What is wrong with the key (never its contents).
        reason: String,
    },
    /// The body is larger than [`max_body_bytes`](super::WebhookVerifier::max_body_bytes).
    #[error("webhook body exceeds the limit of {limit} bytes")]
    BodyTooLarge {
        /// The configured limit, in bytes.
        limit: usize,
    },
    /// The body is not a compact JWT (three base64url parts) with a JSON header and claims.
    #[error("webhook body is not a valid JWT: {reason}")]
    MalformedToken {
        /// Which part of the structure is wrong.
        reason: &'static str,
    },
    /// The token is not signed with RS256 (e.g. `none`, or HS256: algorithm confusion).
    #[error("webhook token uses algorithm {alg}; only RS256 is accepted")]
    WrongAlgorithm {
        /// The header's `alg` if it is a registered JWS algorithm name, `"missing"` if there is
        /// none, otherwise `"unrecognized"` (so an attacker cannot put text into logs).
        alg: &'static str,
    },
    /// The RS256 signature does not match the public key: forged, altered or signed by
    /// someone else.
    #[error("webhook signature is invalid")]
    BadSignature,
    /// The token's `exp` lies in the past (beyond the leeway).
    #[error("webhook token has expired")]
    Expired,
    /// The token's `iat` (or `nbf`) lies in the future (beyond the leeway).
    #[error("webhook token is issued in the future")]
    IssuedInFuture,
    /// A registered claim is missing, malformed or not the accepted value: `exp`, `nbf` or `iat`
    /// (not a number of seconds), or the
    /// `iss`/`aud` required by [`issuer`](super::WebhookVerifier::issuer) /
    /// [`audience`](super::WebhookVerifier::audience).
    #[error("webhook token claim `{claim}` is missing or not accepted")]
    InvalidClaim {
        /// The claim's name, e.g. `aud`.
        claim: &'static str,
    },
    /// The signature is valid but the event inside does not have the documented shape.
    ///
    /// `path` walks through the nested JSON strings as if they were objects: `data` is the
    /// claim, `data.data` the domain event, `data.data.actionEvent.body.message.content` a
    /// field of the payload.
    #[error("malformed webhook event at `{path}`: {reason}")]
    MalformedEnvelope {
        /// JSON path of the value that failed.
        path: String,
        /// What was wrong with it (kinds and expectations, never the value).
        reason: String,
    },
}

impl WebhookError {
    /// The HTTP status a webhook endpoint should answer with: 401 when the delivery cannot be
    /// trusted, 400 when it is authentic but undecodable, 413 when too large, 500 for a bad key.
    pub fn status_code(&self) -> http::StatusCode {
        match self {
            Self::InvalidKey { .. } => http::StatusCode::INTERNAL_SERVER_ERROR,
            Self::BodyTooLarge { .. } => http::StatusCode::PAYLOAD_TOO_LARGE,
            Self::MalformedEnvelope { .. } => http::StatusCode::BAD_REQUEST,
            Self::MalformedToken { .. }
            | Self::WrongAlgorithm { .. }
            | Self::BadSignature
            | Self::Expired
            | Self::IssuedInFuture
            | Self::InvalidClaim { .. } => http::StatusCode::UNAUTHORIZED,
        }
    }

    /// Whether the delivery was rejected because it could not be authenticated (the token
    /// itself is bad), as opposed to an authentic event that failed to decode.
    pub fn is_unauthenticated(&self) -> bool {
        self.status_code() == http::StatusCode::UNAUTHORIZED
    }

    pub(super) fn malformed(path: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::MalformedEnvelope {
            path: path.into(),
            reason: reason.into(),
        }
    }

    pub(super) fn missing(path: impl Into<String>) -> Self {
        Self::malformed(path, "missing")
    }
}

/// The registered JWS algorithm names (RFC 7518 and successors); only these are ever echoed.
const JWS_ALGORITHMS: &[&str] = &[
    "none", "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256", "ES384", "ES512",
    "ES256K", "PS256", "PS384", "PS512", "EdDSA", "Ed25519", "Ed448",
];

/// The `alg` to report in [`WebhookError::WrongAlgorithm`]: one of a fixed set of names.
pub(super) fn reportable_algorithm(alg: &str) -> &'static str {
    JWS_ALGORITHMS
        .iter()
        .find(|known| known.eq_ignore_ascii_case(alg))
        .copied()
        .unwrap_or("unrecognized")
}

/// A description of a JSON value's kind, e.g. "an object".
pub(super) fn kind_of(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// Describes a serde_json error without any value it may quote.
///
/// Syntax errors (fixed messages plus a position) are kept. Data errors keep their structure
/// (`missing field`, `invalid type: a string, expected ...`) with the offending value replaced
/// by its kind; messages this function does not recognise become "invalid value".
pub(super) fn describe(error: &serde_json::Error) -> String {
    let message = error.to_string();
    match error.classify() {
        Category::Syntax | Category::Eof => format!("not valid JSON ({message})"),
        Category::Io => "could not be read".to_owned(),
        Category::Data => {
            let position = format!(" at line {} column {}", error.line(), error.column());
            describe_data_error(message.strip_suffix(&position).unwrap_or(&message))
        }
    }
}

/// Fixed messages of `chrono::format::ParseError`: they never quote the input.
const DATE_TIME_ERRORS: &[&str] = &[
    "input is out of range",
    "no possible date and time matching input",
    "input is not enough for unique date and time",
    "input contains invalid characters",
    "premature end of input",
    "trailing input",
    "bad or unsupported format string",
];

fn describe_data_error(message: &str) -> String {
    // Field names come from the schema, not from the payload.
    if message.starts_with("missing field `") || message.starts_with("duplicate field `") {
        return message.to_owned();
    }
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(prefix) {
            return format!("{prefix}{}{}", unexpected_kind(rest), expectation(rest));
        }
    }
    if let Some(rest) = message.strip_prefix("invalid length ") {
        // "invalid length 3, expected ...": a count, then the schema's expectation.
        let count: String = rest.chars().take_while(char::is_ascii_digit).collect();
        return format!("invalid length {count}{}", expectation(rest));
    }
    for (prefix, described) in [
        ("unknown variant `", "unknown variant"),
        ("unknown field `", "unknown field"),
    ] {
        if let Some(rest) = message.strip_prefix(prefix) {
            return format!("{described}{}", expectation(rest));
        }
    }
    if message.starts_with("UUID parsing failed") {
        return "invalid value, expected a UUID".to_owned();
    }
    if DATE_TIME_ERRORS.contains(&message) {
        return format!("invalid date-time ({message})");
    }
    "invalid value".to_owned()
}

/// The kind of the value in serde's `Unexpected` rendering ("string \"...\"" -> "a string").
fn unexpected_kind(rest: &str) -> &'static str {
    let first_word = rest.split([' ', ',']).next().unwrap_or_default();
    match first_word {
        "string" | "character" => "a string",
        "integer" | "floating" => "a number",
        "boolean" => "a boolean",
        "map" => "an object",
        "sequence" => "an array",
        "null" | "unit" | "Option" => "null",
        _ => "a value",
    }
}

/// ", expected <what the schema wants>" taken from the end of the message, or "".
fn expectation(rest: &str) -> String {
    rest.rsplit_once(", expected ")
        .map(|(_, expected)| format!(", expected {expected}"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn describe_value_error<T: serde::de::DeserializeOwned + std::fmt::Debug>(
        json: serde_json::Value,
    ) -> String {
        describe(&serde_json::from_value::<T>(json).unwrap_err())
    }

    #[test]
    fn data_errors_lose_their_values() {
        let reason = describe_value_error::<u32>(serde_json::json!("secret, expected leak"));
        assert_eq!(reason, "invalid type: a string, expected u32");
        let reason = describe_value_error::<uuid::Uuid>(serde_json::json!("secret-uuid"));
        assert_eq!(reason, "invalid value, expected a UUID");
        let reason =
            describe_value_error::<chrono::DateTime<chrono::Utc>>(serde_json::json!("secret"));
        assert_eq!(
            reason,
            "invalid date-time (input contains invalid characters)"
        );
        let reason = describe_value_error::<[u8; 2]>(serde_json::json!([1, 2, 3]));
        assert_eq!(reason, "invalid length 3, expected fewer elements in array");
    }

    #[test]
    fn syntax_errors_keep_their_position() {
        let error = serde_json::from_str::<serde_json::Value>("{\"a\": secret}").unwrap_err();
        assert_eq!(
            describe(&error),
            "not valid JSON (expected value at line 1 column 7)"
        );
    }

    #[test]
    fn only_registered_algorithms_are_echoed() {
        assert_eq!(reportable_algorithm("none"), "none");
        assert_eq!(reportable_algorithm("NoNe"), "none");
        assert_eq!(reportable_algorithm("HS256"), "HS256");
        assert_eq!(reportable_algorithm("<script>"), "unrecognized");
    }
}
