//! What the test server saw: one [`RecordedRequest`] per received request.

use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, Method};

/// One request as the test server received it, before authentication, faults or routing.
///
/// Returned in arrival order by [`InboxServer::requests`](super::InboxServer::requests); use
/// it to assert what your client actually put on the wire (headers, query encoding, body).
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use inbox_api::testing::InboxServer;
///
/// let server = InboxServer::start().await?;
/// reqwest::Client::new()
///     .get(format!("{}/inbox/v2/messages?visibility=BUSINESS", server.base_url()))
///     .header("Authorization", &server.config().api_key)
///     .send()
///     .await?;
///
/// let request = &server.requests()[0];
/// assert_eq!(request.method, http::Method::GET);
/// assert_eq!(request.path, "/inbox/v2/messages");
/// assert_eq!(request.query.as_deref(), Some("visibility=BUSINESS"));
/// assert_eq!(request.header("authorization"), Some("test-api-key"));
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct RecordedRequest {
    /// HTTP method.
    pub method: Method,
    /// Path without the query, e.g. `/inbox/v2/messages`.
    pub path: String,
    /// The raw (still percent-encoded) query string without `?`, if the URL had one.
    pub query: Option<String>,
    /// All request headers.
    pub headers: HeaderMap,
    /// The request body as received (empty for `GET`).
    pub body: Bytes,
}

impl RecordedRequest {
    /// The value of header `name` (case-insensitive), if present and valid UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The body parsed as JSON, or `None` when it is empty or not JSON.
    ///
    /// ```
    /// # use inbox_api::testing::RecordedRequest;
    /// let request = RecordedRequest {
    ///     method: http::Method::POST,
    ///     path: "/inbox/v2/conversations".to_owned(),
    ///     query: None,
    ///     headers: http::HeaderMap::new(),
    ///     body: bytes::Bytes::from_static(br#"{"participantId":{}}"#),
    /// };
    /// assert_eq!(request.json().unwrap()["participantId"], serde_json::json!({}));
    /// ```
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

impl fmt::Debug for RecordedRequest {
    /// Like a derived `Debug`, but the `authorization` header's value is redacted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let shown = if name == http::header::AUTHORIZATION {
                    "<redacted>"
                } else {
                    value.to_str().unwrap_or("<non-utf8>")
                };
                (name.as_str(), shown)
            })
            .collect();
        f.debug_struct("RecordedRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}
