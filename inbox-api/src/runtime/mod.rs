//! The hand-written runtime every generated client stands on, as one folder: the HTTP client,
//! auth, errors, retries, pagination and drift detection (re-exported at the crate root through
//! [`public`]), and the support code generated modules use (the prelude they import, open-enum
//! plumbing, wire formats that differ from serde's defaults).
//!
//! The folder knows nothing of any one API. `cargo xtask new-client` copies it whole into the
//! crates it writes (embedded in the xtask binary at build time), so what is added here is in
//! every generated client without a list to keep up to date. Everything outside [`public`] is
//! not a stable API; users never call it.

pub mod auth;
pub mod body;
pub mod client;
pub mod drift;
pub mod error;
pub mod paging;
pub mod retry;

mod containers;
pub mod form;
pub mod headers;
pub mod int64;
pub mod lenient_int;
pub mod object;
pub mod query;
pub mod response;
pub mod union;
pub mod validate;

/// The runtime's public modules and types. A client crate's `lib.rs` re-exports them at its
/// root (`pub use runtime::public::*;`), where users and the runtime itself name them
/// (`crate::client::Client`, `crate::error::Error`).
pub mod public {
    pub use super::client::{Client, ClientBuilder};
    pub use super::error::{ApiError, Error};
    pub use super::response::{Binary, ByteStream, EventStream, ServerSentEvent};
    pub use super::{auth, body, client, drift, error, paging, retry};
}

/// What generated operation methods use. Bodies other than JSON are encoded through full
/// paths (`crate::runtime::form::form_body`, `crate::body::RawBody`), not through this glob,
/// so a spec's own type named `Multipart` or `RawBody` cannot clash with them.
pub mod operation {
    pub use super::headers::Headers;
    pub use super::query::{
        path_list, path_object, path_scalar, path_value, PathStyle, Query, QueryStyle, QueryValue,
    };
    pub use super::response::{
        execute_binary, execute_byte_stream, execute_event_stream, execute_text, json_event,
        raw_event,
    };
    pub use super::validate::{Limits, Rule, TypeRules};
    pub use super::{check_param, execute_empty, json_body};
    pub use crate::client::{encode_path_segment, Client, OperationMeta, RequestParts};
    pub use crate::error::Error;
    pub use crate::paging::paginate;
    pub use futures::Stream;
    pub use http::Method;
}

/// Serializes a request body and checks it against the documented limits of `type_name`.
pub fn json_body<T: serde::Serialize, C>(
    body: &T,
    type_name: &str,
    rules: &[validate::TypeRules],
) -> Result<client::RequestBody, crate::error::Error<C>> {
    let value = serde_json::to_value(body)
        .map_err(|e| crate::error::Error::invalid_request("body", e.to_string()))?;
    check_body(value, type_name, rules)
        .map(client::RequestBody::Json)
        .map_err(|(path, reason)| crate::error::Error::invalid_request(path, reason))
}

fn check_body(
    value: serde_json::Value,
    type_name: &str,
    rules: &[validate::TypeRules],
) -> Result<Vec<u8>, (String, String)> {
    if let Some(broken) = validate::check(rules, type_name, &value, "") {
        return Err(broken);
    }
    serde_json::to_vec(&value).map_err(|e| ("body".to_owned(), e.to_string()))
}

/// Sends a request whose response has no documented body and returns `()` whatever the
/// successful response holds: no body at all (`204`, so no JSON content type), `{}` or text.
pub async fn execute_empty<C: From<String>>(
    client: &crate::client::Client,
    op: &'static crate::client::OperationMeta,
    req: impl Into<crate::client::Request>,
) -> Result<(), crate::error::Error<C>> {
    match client.execute_raw(op, req).await {
        Ok(_) => Ok(()),
        // `execute_raw` insists on JSON before reading a body; a 2xx without one is success.
        Err(crate::error::Error::UnexpectedContentType { status, .. }) if status.is_success() => {
            Ok(())
        }
        Err(error) => Err(error.map_code()),
    }
}

/// Checks one parameter against its documented limits.
pub fn check_param<T: serde::Serialize + ?Sized, C>(
    name: &str,
    value: &T,
    limits: validate::Limits,
) -> Result<(), crate::error::Error<C>> {
    let value = serde_json::to_value(value)
        .map_err(|e| crate::error::Error::invalid_request(name, e.to_string()))?;
    match limits.check(&value) {
        Some(reason) => Err(crate::error::Error::invalid_request(name, reason)),
        None => Ok(()),
    }
}

/// Everything generated code names without a path.
pub mod prelude {
    pub use serde::{Deserialize, Serialize};
    pub use serde_json::Value;
    pub use std::collections::BTreeMap;
    pub use uuid::Uuid;

    /// A point in time, RFC 3339 on the wire (`2023-11-15T10:19:44.064Z`).
    pub type Timestamp = chrono::DateTime<chrono::Utc>;
    /// A calendar date, `YYYY-MM-DD` on the wire.
    pub type Date = chrono::NaiveDate;
}

/// Implements `Display`, `FromStr`, `From<String>`, `From<&str>`, `Serialize` and `Deserialize`
/// for a generated open enum that has `as_str` and `from_wire`.
///
/// Deserializing an unknown value never fails: it lands in `Unrecognized` and is noted for
/// the client's drift report.
#[doc(hidden)]
#[macro_export]
macro_rules! open_enum {
    ($name:ident) => {
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from_wire(value))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::from_wire(value)
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            // An enum whose only variant is `Unrecognized` (an operation that documents no
            // error codes yet) makes the second arm unreachable.
            #[allow(unreachable_patterns)]
            fn from(value: ::std::string::String) -> Self {
                match Self::from_wire(&value) {
                    Self::Unrecognized(_) => Self::Unrecognized(value),
                    known => known,
                }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl $crate::runtime::query::QueryValue for $name {
            fn to_query(&self) -> ::std::string::String {
                self.as_str().to_owned()
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            // Irrefutable for an enum whose only variant is `Unrecognized`.
            #[allow(irrefutable_let_patterns)]
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let value = $crate::runtime::deserialize_enum_str(deserializer)?;
                let parsed = Self::from_wire(&value);
                if let Self::Unrecognized(_) = parsed {
                    $crate::drift::note_unknown_enum_value(stringify!($name), &value);
                }
                Ok(parsed)
            }
        }
    };
}
pub use crate::tagged_union;
pub use crate::untagged_union;
pub use object::json_object;
pub use open_enum;

/// Appends `byte` as `%XX` (upper-case hex), the escape of every percent-encoding the
/// runtime writes (path segments, form bodies, cookie values).
pub(crate) fn push_percent_escape(out: &mut String, byte: u8) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push('%');
    out.push(char::from(HEX[usize::from(byte >> 4)]));
    out.push(char::from(HEX[usize::from(byte & 0xF)]));
}

/// Reads a string for an open enum without allocating when the input can lend it.
pub fn deserialize_enum_str<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<std::borrow::Cow<'de, str>, D::Error> {
    struct Visitor;
    impl<'de> serde::de::Visitor<'de> for Visitor {
        type Value = std::borrow::Cow<'de, str>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an enum value as a string")
        }
        fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok(std::borrow::Cow::Borrowed(v))
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(std::borrow::Cow::Owned(v.to_owned()))
        }
        fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(std::borrow::Cow::Owned(v))
        }
    }
    deserializer.deserialize_str(Visitor)
}
