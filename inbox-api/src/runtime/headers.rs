//! Header and cookie parameters, written as OpenAPI 3.0 says: headers in the `simple` style
//! (`a,b`; objects `k,v,...` or, exploded, `k=v,...`), cookies in the `form` style
//! (`name=value` pairs of one `Cookie` header, which a header parameter named `Cookie` joins).
//! Values are checked when the request is sent: a control character is an
//! [`Error::InvalidRequest`](crate::error::Error::InvalidRequest), never a panic.

use http::header::{HeaderMap, HeaderName, HeaderValue, COOKIE};

use serde_json::Value;

use super::query::{scalar_text, QueryValue};

/// The header and cookie parameters of one request, in the order the generated code adds them.
#[derive(Debug, Default, Clone)]
pub struct Headers {
    headers: Vec<(&'static str, String)>,
    cookies: Vec<String>,
}

impl Headers {
    /// No headers, no cookies.
    pub fn new() -> Self {
        Headers::default()
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.headers.is_empty() && self.cookies.is_empty()
    }

    /// A header holding a scalar, or a list (`simple`: items joined by `,`).
    pub fn header<T: QueryValue + ?Sized>(&mut self, name: &'static str, value: &T) {
        self.headers.push((name, value.to_query()));
    }

    /// A header holding an object's present properties: `k,v,k,v` (or `k=v,k=v` exploded).
    pub fn header_object(
        &mut self,
        name: &'static str,
        explode: bool,
        pairs: impl IntoIterator<Item = (&'static str, Option<String>)>,
    ) {
        let separator = if explode { "=" } else { "," };
        let items: Vec<String> = pairs
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| format!("{k}{separator}{v}")))
            .collect();
        self.headers.push((name, items.join(",")));
    }

    /// A cookie holding a scalar: `name=value`.
    pub fn cookie<T: QueryValue + ?Sized>(&mut self, name: &'static str, value: &T) {
        self.cookies
            .push(format!("{name}={}", cookie_octets(&value.to_query())));
    }

    /// A cookie holding a list: `name=a,b`, or `name=a; name=b` when exploded.
    pub fn cookie_list<T: QueryValue>(&mut self, name: &'static str, explode: bool, values: &[T]) {
        let items = values.iter().map(|v| cookie_octets(&v.to_query()));
        if explode {
            self.cookies.extend(items.map(|v| format!("{name}={v}")));
        } else {
            let items: Vec<String> = items.collect();
            self.cookies.push(format!("{name}={}", items.join(",")));
        }
    }

    /// A cookie holding an object's present properties: `name=k,v,k,v`, or one `k=v` cookie
    /// per property when exploded.
    pub fn cookie_object(
        &mut self,
        name: &'static str,
        explode: bool,
        pairs: impl IntoIterator<Item = (&'static str, Option<String>)>,
    ) {
        let present = pairs
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, cookie_octets(&v))));
        if explode {
            self.cookies
                .extend(present.map(|(k, v)| format!("{k}={v}")));
        } else {
            let items: Vec<String> = present.map(|(k, v)| format!("{k},{v}")).collect();
            self.cookies.push(format!("{name}={}", items.join(",")));
        }
    }

    /// A header of any shape (a union, an object holding objects, ...), read through its JSON
    /// form: a scalar as it is, a list's items joined by `,`, an object as `k,v,...` (or
    /// `k=v,...` exploded); deeper values as compact JSON; `null` leaves the header out.
    pub fn header_value<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        explode: bool,
        value: &T,
    ) {
        match serde_json::to_value(value).unwrap_or(Value::Null) {
            Value::Null => {}
            Value::Array(items) => {
                let items: Vec<String> = items.iter().map(scalar_text).collect();
                self.headers.push((name, items.join(",")));
            }
            Value::Object(map) => {
                let pairs: Vec<(String, Option<String>)> = map
                    .iter()
                    .map(|(k, v)| (k.clone(), (!v.is_null()).then(|| scalar_text(v))))
                    .collect();
                let separator = if explode { "=" } else { "," };
                let items: Vec<String> = pairs
                    .into_iter()
                    .filter_map(|(k, v)| v.map(|v| format!("{k}{separator}{v}")))
                    .collect();
                self.headers.push((name, items.join(",")));
            }
            scalar => self.headers.push((name, scalar_text(&scalar))),
        }
    }

    /// A cookie of any shape, read through its JSON form, in the `form` style (see
    /// [`Headers::cookie_list`] and [`Headers::cookie_object`]); `null` leaves it out.
    pub fn cookie_value<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        explode: bool,
        value: &T,
    ) {
        match serde_json::to_value(value).unwrap_or(Value::Null) {
            Value::Null => {}
            Value::Array(items) => {
                let items: Vec<String> = items.iter().map(scalar_text).collect();
                self.cookie_list(name, explode, &items);
            }
            Value::Object(map) => {
                let present = map.iter().filter(|(_, v)| !v.is_null());
                let pairs: Vec<(String, String)> = present
                    .map(|(k, v)| (cookie_octets(k), cookie_octets(&scalar_text(v))))
                    .collect();
                if explode {
                    self.cookies
                        .extend(pairs.iter().map(|(k, v)| format!("{k}={v}")));
                } else {
                    let items: Vec<String> =
                        pairs.iter().map(|(k, v)| format!("{k},{v}")).collect();
                    self.cookies.push(format!("{name}={}", items.join(",")));
                }
            }
            scalar => self.cookie(name, scalar_text(&scalar).as_str()),
        }
    }

    /// The headers as sent, with every cookie in one `Cookie` header (a header parameter named
    /// `Cookie` first, then the cookie parameters, joined by `; `, as HTTP/1.1 allows one
    /// `Cookie` header); an invalid name or value is an error naming the header (never its
    /// value, which may be a secret).
    pub(crate) fn to_header_map(&self) -> Result<HeaderMap, (String, String)> {
        let mut map = HeaderMap::new();
        let mut cookies: Vec<&str> = Vec::new();
        for (name, value) in &self.headers {
            if name.eq_ignore_ascii_case("cookie") {
                header_value(name, value)?;
                if !value.is_empty() {
                    cookies.push(value);
                }
                continue;
            }
            let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                (
                    format!("header {name}"),
                    "is not a valid header name".to_owned(),
                )
            })?;
            map.append(header, header_value(name, value)?);
        }
        cookies.extend(self.cookies.iter().map(String::as_str));
        if !cookies.is_empty() {
            let value = cookies.join("; ");
            map.append(COOKIE, header_value("Cookie", &value)?);
        }
        Ok(map)
    }
}

fn header_value(name: &str, value: &str) -> Result<HeaderValue, (String, String)> {
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err((
            format!("header {name}"),
            "must not contain control characters (such as CR or LF)".to_owned(),
        ));
    }
    HeaderValue::from_str(value).map_err(|_| {
        (
            format!("header {name}"),
            "is not a valid header value".to_owned(),
        )
    })
}

/// Percent-encodes what RFC 6265 does not allow in a cookie value (controls, space, `"`, `,`,
/// `;`, `\`, `%` and non-ASCII), so a value cannot end its cookie or start another.
fn cookie_octets(value: &str) -> String {
    let allowed =
        |b: u8| (0x21..=0x7E).contains(&b) && !matches!(b, b'"' | b',' | b';' | b'\\' | b'%');
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if allowed(byte) {
            out.push(char::from(byte));
        } else {
            super::push_percent_escape(&mut out, byte);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles() {
        let mut h = Headers::new();
        h.header("X-Ids", &vec![1, 2]);
        h.header_object("X-Obj", false, [("a", Some("1".into())), ("b", None)]);
        h.header_object(
            "X-Exp",
            true,
            [("a", Some("1".into())), ("c", Some("2".into()))],
        );
        h.cookie("session", "a b;c");
        h.cookie_list("ids", false, &[3, 4]);
        h.cookie_list("id", true, &[5, 6]);
        h.cookie_object("o", false, [("r", Some("1".into()))]);
        let map = h.to_header_map().unwrap();
        assert_eq!(map["x-ids"], "1,2");
        assert_eq!(map["x-obj"], "a,1");
        assert_eq!(map["x-exp"], "a=1,c=2");
        assert_eq!(map[COOKIE], "session=a%20b%3Bc; ids=3,4; id=5; id=6; o=r,1");
    }

    #[test]
    fn a_cookie_header_parameter_joins_the_cookie_parameters() {
        let mut h = Headers::new();
        h.cookie("session", "s1");
        h.header("Cookie", "pref=a; lang=en");
        let map = h.to_header_map().unwrap();
        assert_eq!(map.get_all(COOKIE).iter().count(), 1);
        assert_eq!(map[COOKIE], "pref=a; lang=en; session=s1");
        let mut only = Headers::new();
        only.header("cookie", "x=1");
        assert_eq!(only.to_header_map().unwrap()[COOKIE], "x=1");
        let mut bad = Headers::new();
        bad.header("Cookie", "x=1\r\nInjected: 1");
        assert_eq!(bad.to_header_map().unwrap_err().0, "header Cookie");
    }

    #[test]
    fn control_characters_are_rejected_without_the_value() {
        let mut h = Headers::new();
        h.header("X-Key", "secret\r\nInjected: 1");
        let (field, reason) = h.to_header_map().unwrap_err();
        assert_eq!(field, "header X-Key");
        assert!(!reason.contains("secret"), "{reason}");
    }
}
