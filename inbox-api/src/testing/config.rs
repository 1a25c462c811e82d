//! Configuration of the test server (credentials and identities it answers with) and the
//! participant kinds a conversation can belong to.

use std::fmt;

use uuid::Uuid;

/// Credentials and identities of a test [`InboxServer`](super::InboxServer).
///
/// [`ServerConfig::default()`] holds fixed, documented test values, so tests can use them
/// without reading them back; change single fields with struct-update syntax.
///
/// The server accepts exactly two credentials in the raw `Authorization` header (no `Bearer `
/// prefix, as Wix does it):
///
/// * [`api_key`](Self::api_key): an API key, only together with a `wix-site-id` header equal
///   to [`site_id`](Self::site_id). Messages sent with it get
///   `sender: {"wixUserId": wix_user_id}`.
/// * [`oauth_token`](Self::oauth_token): an app's OAuth access token, no site header needed.
///   Messages sent with it get `sender: {"appId": app_id}` and `appId: app_id`.
///
/// # Examples
///
/// ```
/// use inbox_api::testing::ServerConfig;
///
/// let config = ServerConfig {
///     api_key: "my-test-key".to_owned(),
///     oauth_token: None, // only API-key auth
///     ..ServerConfig::default()
/// };
/// assert_eq!(config.site_id, ServerConfig::default().site_id);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ServerConfig {
    /// The API key accepted in `Authorization`. Default: `"test-api-key"`.
    pub api_key: String,
    /// The only site id accepted in `wix-site-id` with the API key.
    /// Default: `6d9b5c0e-2a41-4b7f-9c3d-1e8f0a2b3c4d`.
    pub site_id: Uuid,
    /// The app OAuth access token accepted in `Authorization`, or `None` to accept none.
    /// Default: `Some("test-oauth-token")`.
    pub oauth_token: Option<String>,
    /// The app that `oauth_token` belongs to; written to `sender.appId`, `appId` and
    /// `postbackProperties.appId`. Default: `a0c38670-6845-41e0-8f41-85a6054ccd98`.
    pub app_id: Uuid,
    /// The Wix user written to `sender.wixUserId` for API-key callers (and for
    /// `sendAs: BUSINESS_USER`). Default: `5a0c4737-a2a0-4c37-a07e-d9fd87027023`.
    pub wix_user_id: Uuid,
    /// `businessDisplayData.name` of every conversation. Default: `"cherry-productions"`.
    pub business_name: String,
}

impl ServerConfig {
    /// [`ServerConfig::default().api_key`](Self::api_key).
    pub const DEFAULT_API_KEY: &'static str = "test-api-key";
    /// [`ServerConfig::default().oauth_token`](Self::oauth_token).
    pub const DEFAULT_OAUTH_TOKEN: &'static str = "test-oauth-token";
}

impl Default for ServerConfig {
    /// The fixed test values listed on each field.
    ///
    /// ```
    /// use inbox_api::testing::ServerConfig;
    ///
    /// let config = ServerConfig::default();
    /// assert_eq!(config.api_key, ServerConfig::DEFAULT_API_KEY);
    /// assert_eq!(config.oauth_token.as_deref(), Some(ServerConfig::DEFAULT_OAUTH_TOKEN));
    /// assert_eq!(config.site_id.to_string(), "6d9b5c0e-2a41-4b7f-9c3d-1e8f0a2b3c4d");
    /// ```
    fn default() -> Self {
        ServerConfig {
            api_key: Self::DEFAULT_API_KEY.to_owned(),
            site_id: Uuid::from_u128(0x6d9b5c0e_2a41_4b7f_9c3d_1e8f0a2b3c4d),
            oauth_token: Some(Self::DEFAULT_OAUTH_TOKEN.to_owned()),
            app_id: Uuid::from_u128(0xa0c38670_6845_41e0_8f41_85a6054ccd98),
            wix_user_id: Uuid::from_u128(0x5a0c4737_a2a0_4c37_a07e_d9fd87027023),
            business_name: "cherry-productions".to_owned(),
        }
    }
}

impl fmt::Debug for ServerConfig {
    /// Credentials are redacted, so configs can be logged.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerConfig")
            .field("api_key", &"<redacted>")
            .field("site_id", &self.site_id)
            .field(
                "oauth_token",
                &self.oauth_token.as_ref().map(|_| "<redacted>"),
            )
            .field("app_id", &self.app_id)
            .field("wix_user_id", &self.wix_user_id)
            .field("business_name", &self.business_name)
            .finish()
    }
}

/// The visitor, contact or member on the other side of a conversation (Wix `ParticipantId`).
///
/// One participant has exactly one conversation: seeding or get-or-creating the same
/// participant twice yields the same conversation id.
///
/// # Examples
///
/// ```
/// use inbox_api::testing::Participant;
/// use uuid::Uuid;
///
/// let contact = Participant::Contact(Uuid::from_u128(1));
/// assert_eq!(contact.wire_key(), "contactId");
/// assert_eq!(contact.id(), Uuid::from_u128(1));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Participant {
    /// A contact; wire key `contactId`.
    Contact(Uuid),
    /// An anonymous site visitor; wire key `anonymousVisitorId`.
    AnonymousVisitor(Uuid),
    /// A site member; wire key `memberId`.
    Member(Uuid),
}

impl Participant {
    /// The participant's GUID.
    pub fn id(&self) -> Uuid {
        match *self {
            Participant::Contact(id)
            | Participant::AnonymousVisitor(id)
            | Participant::Member(id) => id,
        }
    }

    /// The one-of key this participant uses on the wire (`contactId`, `anonymousVisitorId`
    /// or `memberId`), in `participantId`, `conversation.participant` and `message.sender`.
    pub fn wire_key(&self) -> &'static str {
        match self {
            Participant::Contact(_) => "contactId",
            Participant::AnonymousVisitor(_) => "anonymousVisitorId",
            Participant::Member(_) => "memberId",
        }
    }

    /// The inverse of [`wire_key`](Self::wire_key).
    pub(crate) fn from_wire(key: &str, id: Uuid) -> Option<Participant> {
        match key {
            "contactId" => Some(Participant::Contact(id)),
            "anonymousVisitorId" => Some(Participant::AnonymousVisitor(id)),
            "memberId" => Some(Participant::Member(id)),
            _ => None,
        }
    }

    /// `{"<wireKey>": "<id>"}`.
    pub(crate) fn to_json(self) -> serde_json::Value {
        let mut object = serde_json::Map::new();
        object.insert(self.wire_key().to_owned(), self.id().to_string().into());
        serde_json::Value::Object(object)
    }
}
