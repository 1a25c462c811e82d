//! Decoding a JSON value into a generated type, and on failure finding the JSON path of the
//! value that failed, so that [`WebhookError::MalformedEnvelope`] can say
//! `data.data.actionEvent.body.message.content` instead of just "invalid type".
//!
//! serde reports no path when decoding from a `serde_json::Value`, but `serde_json::from_str`
//! reports a line. So a failed value is printed again with one member per line while the path
//! of every line is recorded, decoded once more from that text, and the error's line is
//! looked up. Runs only after a decode already failed; never changes what decodes.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::{describe, WebhookError};

/// Decodes `value` (found at `path`) into `T`, or says where and why it does not fit.
pub(super) fn decode_at<T: DeserializeOwned>(value: &Value, path: &str) -> Result<T, WebhookError> {
    T::deserialize(value).map_err(|error| locate::<T>(value, path, &error))
}

/// The error for a `value` at `path` that failed to decode into `T` with `error`.
pub(super) fn locate<T: DeserializeOwned>(
    value: &Value,
    path: &str,
    error: &serde_json::Error,
) -> WebhookError {
    let document = LinedDocument::render(value, path);
    match serde_json::from_str::<T>(&document.text) {
        Err(located) if located.line() > 0 => {
            WebhookError::malformed(document.path_of_line(located.line()), describe(&located))
        }
        // Decoding from text behaved differently: report the value's own path.
        _ => WebhookError::malformed(path, describe(error)),
    }
}

/// A JSON value printed with every object member and array element on its own line, and
/// the JSON path of the value each line belongs to.
struct LinedDocument {
    text: String,
    /// `line_paths[n]` is the path of line `n + 1`.
    line_paths: Vec<String>,
}

impl LinedDocument {
    fn render(value: &Value, path: &str) -> Self {
        let mut document = Self {
            text: String::new(),
            line_paths: vec![path.to_owned()],
        };
        document.write(value, path);
        document
    }

    /// The path of a 1-based line; serde_json reports a missing field on the line of the
    /// object's closing brace, which carries the object's path.
    fn path_of_line(&self, line: usize) -> &str {
        let index = line.saturating_sub(1).min(self.line_paths.len() - 1);
        &self.line_paths[index]
    }

    fn new_line(&mut self, path: &str) {
        self.text.push('\n');
        self.line_paths.push(path.to_owned());
    }

    fn write(&mut self, value: &Value, path: &str) {
        match value {
            Value::Object(members) if !members.is_empty() => {
                self.text.push('{');
                for (index, (key, member)) in members.iter().enumerate() {
                    let member_path = format!("{path}.{key}");
                    self.new_line(&member_path);
                    if index > 0 {
                        self.text.push(',');
                    }
                    self.text.push_str(&Value::String(key.clone()).to_string());
                    self.text.push(':');
                    self.write(member, &member_path);
                }
                self.new_line(path);
                self.text.push('}');
            }
            Value::Array(elements) if !elements.is_empty() => {
                self.text.push('[');
                for (index, element) in elements.iter().enumerate() {
                    let element_path = format!("{path}[{index}]");
                    self.new_line(&element_path);
                    if index > 0 {
                        self.text.push(',');
                    }
                    self.write(element, &element_path);
                }
                self.new_line(path);
                self.text.push(']');
            }
            scalar_or_empty => self.text.push_str(&scalar_or_empty.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        items: Vec<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        count: u32,
        label: String,
    }

    fn path_and_reason(value: Value) -> (String, String) {
        match decode_at::<Outer>(&value, "root").unwrap_err() {
            WebhookError::MalformedEnvelope { path, reason } => (path, reason),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn points_at_the_failing_member() {
        let value = json!({"items": [{"count": 1, "label": "a"}, {"count": "many", "label": "b"}]});
        let (path, reason) = path_and_reason(value);
        assert_eq!(path, "root.items[1].count");
        assert_eq!(reason, "invalid type: a string, expected u32");
    }

    #[test]
    fn points_at_the_object_missing_a_field() {
        let (path, reason) = path_and_reason(json!({"items": [{"count": 1}]}));
        assert_eq!(path, "root.items[0]");
        assert_eq!(reason, "missing field `label`");
    }

    #[test]
    fn points_at_the_root_for_a_wrong_root() {
        let (path, reason) = path_and_reason(json!("text"));
        assert_eq!(path, "root");
        assert_eq!(reason, "invalid type: a string, expected struct Outer");
    }
}
