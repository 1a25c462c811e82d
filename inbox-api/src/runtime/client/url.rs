//! URL building: path segments encoded by generated code, joined to the base URL, checked so a
//! parameter cannot address another resource.

use reqwest::Url;

use super::{Client, RequestParts};
use crate::error::{BuildError, Error};

/// Percent-encodes `s` for use as one URL path segment: everything except ASCII letters,
/// digits and `-._~` is encoded (so `/`, `?`, `#` and `%` cannot change the URL's meaning).
///
/// A segment that is empty, `.` or `..` is rejected when the request is sent
/// ([`Error::InvalidRequest`]), because it would address a different resource.
pub fn encode_path_segment(s: &str) -> String {
    let unreserved =
        |byte: u8| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~');
    if s.bytes().all(unreserved) {
        // IDs (UUIDs, numbers) need no encoding.
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() * 3);
    for byte in s.bytes() {
        if unreserved(byte) {
            out.push(char::from(byte));
        } else {
            crate::runtime::push_percent_escape(&mut out, byte);
        }
    }
    out
}

impl Client {
    /// The base URL joined with the request's path and query.
    pub(super) fn request_url(&self, req: &RequestParts) -> Result<Url, Error<String>> {
        let invalid_url = |reason: &str| {
            Error::Build(BuildError::InvalidUrl {
                reason: reason.to_owned(),
            })
        };
        let Some(segments) = req.path.strip_prefix('/') else {
            return Err(invalid_url("the path must start with '/'"));
        };
        if req.path.contains(['?', '#']) {
            return Err(invalid_url(
                "the path must not contain '?' or '#' (encode the segment)",
            ));
        }
        for segment in segments.split('/') {
            if segment.is_empty() || is_dot_segment(segment) {
                return Err(Error::invalid_request(
                    "path",
                    format!(
                        "a path parameter must not be empty, \".\" or \"..\" (path {:?})",
                        req.path
                    ),
                ));
            }
        }
        let mut url = self.inner.base_url.clone();
        let prefix = url.path().trim_end_matches('/');
        let mut path = String::with_capacity(prefix.len() + req.path.len());
        path.push_str(prefix);
        path.push_str(&req.path);
        url.set_path(&path);
        if url.path() != path {
            return Err(invalid_url(
                "the path is not in normalized, percent-encoded form",
            ));
        }
        if !req.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in &req.query {
                pairs.append_pair(name, value);
            }
        }
        Ok(url)
    }
}

/// Whether a path segment means "this" or "the parent" (`.` or `..`, each dot possibly
/// percent-encoded as `%2e` or `%2E`).
fn is_dot_segment(segment: &str) -> bool {
    let mut rest = segment.as_bytes();
    let mut dots = 0;
    while !rest.is_empty() {
        rest = match rest {
            [b'.', tail @ ..] => tail,
            [b'%', b'2', b'e' | b'E', tail @ ..] => tail,
            _ => return false,
        };
        dots += 1;
    }
    matches!(dots, 1 | 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::tests::{client, parts};

    #[test]
    fn encodes_path_segments() {
        assert_eq!(encode_path_segment("abc-DEF_1.2~"), "abc-DEF_1.2~");
        assert_eq!(encode_path_segment("a/b?c#d%e f"), "a%2Fb%3Fc%23d%25e%20f");
        assert_eq!(encode_path_segment("é"), "%C3%A9");
    }

    #[test]
    fn builds_urls() {
        let c = client("https://www.wixapis.com");
        let url = c
            .request_url(&parts(
                "/inbox/v2/messages",
                vec![
                    ("paging.limit", "50".into()),
                    ("q", "a b&c".into()),
                    ("q", "2".into()),
                ],
            ))
            .unwrap();
        assert_eq!(
            url.as_str(),
            "https://www.wixapis.com/inbox/v2/messages?paging.limit=50&q=a+b%26c&q=2"
        );
        let prefixed = client("http://127.0.0.1:8080/wix/");
        let path = format!("/inbox/v2/conversations/{}", encode_path_segment("a/b"));
        assert_eq!(
            prefixed
                .request_url(&parts(&path, vec![]))
                .unwrap()
                .as_str(),
            "http://127.0.0.1:8080/wix/inbox/v2/conversations/a%2Fb"
        );
    }

    #[test]
    fn rejects_paths_that_would_address_another_resource() {
        let c = client("https://www.wixapis.com");
        for segment in ["", ".", "..", "%2e%2E", ".%2e"] {
            let path = format!("/inbox/v2/conversations/{segment}");
            let error = c.request_url(&parts(&path, vec![])).unwrap_err();
            assert!(
                matches!(error, Error::InvalidRequest { .. }),
                "{segment}: {error}"
            );
        }
        for segment in ["...", "%2e%2e%2e", "a..", ".a", "%2ea", "%2", "%2f"] {
            let path = format!("/inbox/v2/conversations/{segment}");
            assert!(c.request_url(&parts(&path, vec![])).is_ok(), "{segment}");
        }
        for path in ["inbox", "/a?b", "/a#b"] {
            assert!(matches!(
                c.request_url(&parts(path, vec![])),
                Err(Error::Build(BuildError::InvalidUrl { .. }))
            ));
        }
    }
}
