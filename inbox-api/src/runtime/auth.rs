//! Credentials and the headers they turn into.
//!
//! Wix expects the raw credential in `Authorization` (no `Bearer ` prefix) and, with an API key,
//! exactly one of `wix-site-id` or `wix-account-id`. This module keeps secrets out of every
//! `Debug`/`Display` output and marks the header value sensitive; it does no IO and never logs.

use std::fmt;

use http::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION};

use crate::error::BuildError;

/// Header that names the site an API key acts on.
const WIX_SITE_ID: HeaderName = HeaderName::from_static("wix-site-id");
/// Header that names the account an API key acts on.
const WIX_ACCOUNT_ID: HeaderName = HeaderName::from_static("wix-account-id");

/// A secret string (API key or OAuth token) that never shows up in `Debug` or `Display`.
///
/// Both print `Secret(***)`; call [`Secret::expose`] to read the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// Returns the secret value. Take care not to log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

/// How the client authenticates to Wix.
///
/// Inbox is a site-level API: use [`Auth::api_key_for_site`] with an API key, or
/// [`Auth::oauth_token`] with an app's access token (which is already bound to one site).
/// `Debug` shows the kind of credential and the site or account ID, never the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Auth {
    kind: AuthKind,
}

#[derive(Clone, PartialEq, Eq)]
enum AuthKind {
    ApiKeyForSite { key: Secret, site_id: String },
    ApiKeyForAccount { key: Secret, account_id: String },
    OAuthToken { token: Secret },
}

impl Auth {
    /// An API key acting on one site: sends `Authorization: <key>` and `wix-site-id: <site_id>`.
    pub fn api_key_for_site(key: impl Into<Secret>, site_id: impl Into<String>) -> Self {
        Auth {
            kind: AuthKind::ApiKeyForSite {
                key: key.into(),
                site_id: site_id.into(),
            },
        }
    }

    /// An API key acting on an account: sends `Authorization: <key>` and
    /// `wix-account-id: <account_id>`. Inbox calls need a site; this is for account-level APIs.
    pub fn api_key_for_account(key: impl Into<Secret>, account_id: impl Into<String>) -> Self {
        Auth {
            kind: AuthKind::ApiKeyForAccount {
                key: key.into(),
                account_id: account_id.into(),
            },
        }
    }

    /// An app's OAuth access token: sends `Authorization: <token>` and no site header.
    pub fn oauth_token(token: impl Into<Secret>) -> Self {
        Auth {
            kind: AuthKind::OAuthToken {
                token: token.into(),
            },
        }
    }

    /// The headers this credential adds to every request, with `Authorization` marked sensitive
    /// (so `http`'s `Debug` hides it and HTTP/2 never indexes it).
    pub(crate) fn headers(&self) -> Result<HeaderMap, BuildError> {
        let mut headers = HeaderMap::new();
        let (secret, extra) = match &self.kind {
            AuthKind::ApiKeyForSite { key, site_id } => (key, Some((WIX_SITE_ID, site_id))),
            AuthKind::ApiKeyForAccount { key, account_id } => {
                (key, Some((WIX_ACCOUNT_ID, account_id)))
            }
            AuthKind::OAuthToken { token } => (token, None),
        };
        if secret.expose().trim().is_empty() {
            return Err(BuildError::InvalidAuth {
                reason: "the API key or token is empty".into(),
            });
        }
        // The error from `HeaderValue` never contains the value, but we build our own anyway.
        let mut authorization =
            HeaderValue::from_str(secret.expose()).map_err(|_| BuildError::InvalidAuth {
                reason: "the API key or token contains characters not allowed in an HTTP header"
                    .into(),
            })?;
        authorization.set_sensitive(true);
        headers.insert(AUTHORIZATION, authorization);
        if let Some((name, id)) = extra {
            if id.trim().is_empty() {
                return Err(BuildError::InvalidAuth {
                    reason: format!("the {name} header value is empty"),
                });
            }
            let value = HeaderValue::from_str(id).map_err(|_| BuildError::InvalidAuth {
                reason: format!("the {name} value contains characters not allowed in a header"),
            })?;
            headers.insert(name, value);
        }
        Ok(headers)
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            AuthKind::ApiKeyForSite { key, site_id } => f
                .debug_struct("Auth::ApiKeyForSite")
                .field("key", key)
                .field("site_id", site_id)
                .finish(),
            AuthKind::ApiKeyForAccount { key, account_id } => f
                .debug_struct("Auth::ApiKeyForAccount")
                .field("key", key)
                .field("account_id", account_id)
                .finish(),
            AuthKind::OAuthToken { token } => f
                .debug_struct("Auth::OAuthToken")
                .field("token", token)
                .finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_is_redacted() {
        let secret = Secret::new("IST.very-secret");
        assert_eq!(format!("{secret}"), "Secret(***)");
        assert_eq!(format!("{secret:?}"), "Secret(***)");
        assert_eq!(format!("{secret:#?}"), "Secret(***)");
        assert_eq!(secret.expose(), "IST.very-secret");
    }

    #[test]
    fn auth_debug_hides_the_secret() {
        for auth in [
            Auth::api_key_for_site("IST.key", "site-1"),
            Auth::api_key_for_account("IST.key", "acct-1"),
            Auth::oauth_token("OAUTH.token"),
        ] {
            let text = format!("{auth:?} {auth:#?}");
            assert!(!text.contains("IST.key"), "{text}");
            assert!(!text.contains("OAUTH.token"), "{text}");
            let headers = auth.headers().unwrap();
            let text = format!("{headers:?}");
            assert!(!text.contains("IST.key"), "{text}");
            assert!(!text.contains("OAUTH.token"), "{text}");
        }
    }

    #[test]
    fn site_key_headers() {
        let headers = Auth::api_key_for_site("IST.key", "site-1")
            .headers()
            .unwrap();
        assert_eq!(headers[AUTHORIZATION], "IST.key");
        assert!(headers[AUTHORIZATION].is_sensitive());
        assert_eq!(headers["wix-site-id"], "site-1");
        assert!(!headers.contains_key("wix-account-id"));
        assert_eq!(headers.len(), 2);
    }

    #[test]
    fn account_key_headers() {
        let headers = Auth::api_key_for_account("IST.key", "acct-1")
            .headers()
            .unwrap();
        assert_eq!(headers[AUTHORIZATION], "IST.key");
        assert_eq!(headers["wix-account-id"], "acct-1");
        assert!(!headers.contains_key("wix-site-id"));
    }

    #[test]
    fn oauth_headers_have_no_bearer_prefix() {
        let headers = Auth::oauth_token("OAUTH.token").headers().unwrap();
        assert_eq!(headers[AUTHORIZATION], "OAUTH.token");
        assert!(headers[AUTHORIZATION].is_sensitive());
        assert_eq!(headers.len(), 1);
    }

    #[test]
    fn bad_credentials_are_rejected_without_echoing_them() {
        let err = Auth::oauth_token("bad\nIST.token").headers().unwrap_err();
        let text = format!("{err} {err:?}");
        assert!(!text.contains("IST.token"), "{text}");
        assert!(Auth::oauth_token("  ").headers().is_err());
        assert!(Auth::api_key_for_site("IST.key", "").headers().is_err());
    }
}
