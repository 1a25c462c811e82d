//! [`ClientBuilder`]: the settings of a [`Client`], checked when it is built.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::header::{HeaderValue, ACCEPT, USER_AGENT};
use reqwest::Url;

use super::{Client, Inner, DEFAULT_BASE_URL, DEFAULT_MAX_RESPONSE_BYTES};
use crate::auth::Auth;
use crate::drift::{DriftDetection, DriftStore};
use crate::error::BuildError;
use crate::retry::RetryPolicy;

/// Configures and builds a [`Client`]; start with [`Client::builder`].
#[derive(Clone)]
#[must_use]
pub struct ClientBuilder {
    base_url: String,
    auth: Option<Auth>,
    connect_timeout: Duration,
    timeout: Duration,
    retry: RetryPolicy,
    user_agent: String,
    http: Option<reqwest::Client>,
    max_response_bytes: u64,
    drift_detection: DriftDetection,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("auth", &self.auth)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            .field("custom_http_client", &self.http.is_some())
            .field("max_response_bytes", &self.max_response_bytes)
            .field("drift_detection", &self.drift_detection)
            .finish()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            base_url: DEFAULT_BASE_URL.to_owned(),
            auth: None,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            user_agent: concat!("inbox-api/", env!("CARGO_PKG_VERSION")).to_owned(),
            http: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            drift_detection: DriftDetection::default(),
        }
    }
}

impl ClientBuilder {
    /// The API's base URL. Default `https://www.wixapis.com`. Must be `https`, except for
    /// loopback hosts (`localhost`, `127.0.0.1`, `::1`), which may use `http` (for tests). A
    /// path prefix is kept: `https://proxy.example/wix` sends to `.../wix/inbox/v2/...`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The credentials to send with every request. Required.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = Some(auth);
        self
    }

    /// How long opening a connection may take. Default 10 s. Ignored with
    /// [`ClientBuilder::http_client`], whose own settings apply.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take in all, from connecting to the last byte of the body.
    /// Default 30 s. Retries get a fresh allowance each.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// When and how to retry; see [`RetryPolicy`]. Default [`RetryPolicy::default`].
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The `user-agent` header. Default `inbox-api/<version>`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Uses this HTTP client (e.g. to share a connection pool or set a proxy) instead of
    /// building one. Note: the client should not follow redirects, as the one built by default
    /// does not.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// The largest response body accepted, in bytes; larger ones fail with
    /// [`Error::ResponseTooLarge`](crate::Error::ResponseTooLarge) without being read further.
    /// Default 8 MiB.
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// How much to look for fields and enum values this client does not know; see
    /// [`crate::drift`]. Default [`DriftDetection::Sampled`]: unknown enum values are noted on
    /// every response at almost no cost, and the unknown-field check (one extra JSON parse and
    /// serialization of the response) runs on the first [`drift::SAMPLE_FIRST`](crate::drift::SAMPLE_FIRST) responses of
    /// each operation, then on one in every [`drift::SAMPLE_EVERY`](crate::drift::SAMPLE_EVERY).
    /// [`DriftDetection::EveryResponse`] checks every response;
    /// [`DriftDetection::Off`] nothing.
    pub fn drift_detection(mut self, mode: DriftDetection) -> Self {
        self.drift_detection = mode;
        self
    }

    /// Whether to detect fields and enum values this client does not know; see
    /// [`crate::drift`]. `true` (the default) is [`DriftDetection::Sampled`], `false` is
    /// [`DriftDetection::Off`]; for [`DriftDetection::EveryResponse`] use
    /// [`ClientBuilder::drift_detection`]. Unknown enum values are noted on every response at
    /// almost no cost; the unknown-field check costs one extra JSON parse and serialization per
    /// checked response, and with the default sampling only the first
    /// [`drift::SAMPLE_FIRST`](crate::drift::SAMPLE_FIRST) responses of each operation and then one in every
    /// [`drift::SAMPLE_EVERY`](crate::drift::SAMPLE_EVERY) are checked.
    pub fn detect_drift(self, detect: bool) -> Self {
        self.drift_detection(if detect {
            DriftDetection::Sampled
        } else {
            DriftDetection::Off
        })
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        let auth = self.auth.ok_or(BuildError::MissingAuth)?;
        let base_url = parse_base_url(&self.base_url)?;
        let mut headers = auth.headers()?;
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let user_agent =
            HeaderValue::from_str(&self.user_agent).map_err(|_| BuildError::InvalidUserAgent)?;
        headers.insert(USER_AGENT, user_agent);
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .use_rustls_tls()
                .connect_timeout(self.connect_timeout)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| BuildError::HttpClient(Box::new(e)))?,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                headers,
                auth,
                timeout: self.timeout,
                retry: self.retry,
                max_response_bytes: self.max_response_bytes,
                drift: DriftStore::new(self.drift_detection).map(Arc::new),
            }),
        })
    }
}

fn parse_base_url(raw: &str) -> Result<Url, BuildError> {
    let raw = raw.trim();
    // Never echo something that may carry credentials (`https://user:pass@host`).
    let shown = (!raw.contains('@')).then(|| raw.to_owned());
    let invalid = |reason: String| BuildError::InvalidBaseUrl {
        url: shown.clone(),
        reason,
    };
    let url = Url::parse(raw).map_err(|e| {
        invalid(format!(
            "{e} (expected an absolute URL such as {DEFAULT_BASE_URL})"
        ))
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "it must not contain a user name or password".into(),
        ));
    }
    let Some(host) = url.host_str().filter(|h| !h.is_empty()) else {
        return Err(invalid(format!(
            "it has no host (expected e.g. {DEFAULT_BASE_URL})"
        )));
    };
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(invalid(
                "plain http would send the credentials unencrypted; use https \
                 (http is allowed only for localhost)"
                    .into(),
            ))
        }
        other => return Err(invalid(format!("the scheme must be https, not {other}"))),
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it must not have a query or fragment".into()));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_the_base_url() {
        let build = |url: &str| {
            Client::builder()
                .base_url(url)
                .auth(Auth::oauth_token("t"))
                .build()
                .map(|_| ())
                .map_err(|e| e.to_string())
        };
        assert!(build("https://www.wixapis.com").is_ok());
        assert!(build("http://localhost:1234").is_ok());
        assert!(build("http://127.0.0.1:1234/").is_ok());
        assert!(build("http://[::1]:1234/").is_ok());
        assert_eq!(
            build("www.wixapis.com").unwrap_err(),
            "invalid base URL \"www.wixapis.com\": relative URL without a base \
             (expected an absolute URL such as https://www.wixapis.com)"
        );
        assert_eq!(
            build("http://www.wixapis.com").unwrap_err(),
            "invalid base URL \"http://www.wixapis.com\": plain http would send the credentials \
             unencrypted; use https (http is allowed only for localhost)"
        );
        assert_eq!(
            build("ftp://x.example").unwrap_err(),
            "invalid base URL \"ftp://x.example\": the scheme must be https, not ftp"
        );
        let with_password = build("https://user:hunter2@x.example").unwrap_err();
        assert_eq!(
            with_password,
            "invalid base URL: it must not contain a user name or password"
        );
        assert!(build("https://x.example/?a=1").is_err());
        assert!(build("mailto:a@b").is_err());
    }

    #[test]
    fn builder_needs_auth() {
        let error = Client::builder().build().unwrap_err();
        assert!(matches!(error, BuildError::MissingAuth));
        assert!(Client::builder()
            .auth(Auth::oauth_token("t"))
            .user_agent("bad\n")
            .build()
            .is_err());
    }
}
