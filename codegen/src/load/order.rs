//! The order in which the spec text lists each schema's properties ([`PropertyOrder`]).

use std::collections::HashMap;
use std::fmt::Write as _;

use super::locate::push_escaped;

/// The order in which the spec text lists the properties of each schema: the JSON pointer of
/// a `properties` object -> its keys as written.
///
/// The document is read through `serde_json::Value`, whose map sorts its keys (unless some
/// crate in the build turns on serde_json's `preserve_order`), so the order is taken from
/// the text itself; `resolve` orders struct fields by it, whatever the map does.
#[derive(Debug, Default)]
pub struct PropertyOrder {
    by_pointer: HashMap<String, Vec<String>>,
}

impl PropertyOrder {
    /// The keys of the object at `pointer` (a `.../properties` pointer) in text order.
    pub fn of(&self, pointer: &str) -> Option<&[String]> {
        self.by_pointer.get(pointer).map(Vec::as_slice)
    }

    /// Makes the orders recorded under `moves[i].1` (places in the text) found under
    /// `moves[i].0` too (where a converted Swagger 2.0 document has them).
    pub(crate) fn apply_moves(&mut self, moves: &[(String, String)]) {
        let mut moved = Vec::new();
        for (pointer, keys) in &self.by_pointer {
            for (to, from) in moves {
                if let Some(rest) = pointer.strip_prefix(from.as_str()) {
                    if rest.is_empty() || rest.starts_with('/') {
                        moved.push((format!("{to}{rest}"), keys.clone()));
                    }
                }
            }
        }
        self.by_pointer.extend(moved);
    }

    /// Records every `properties` object of a YAML document (mappings keep their order).
    pub(crate) fn from_yaml(value: &serde_yaml::Value) -> Self {
        fn walk(value: &serde_yaml::Value, path: &mut String, out: &mut PropertyOrder) {
            match value {
                serde_yaml::Value::Mapping(map) => {
                    let keys: Vec<String> = map.keys().map(yaml_key).collect();
                    for (key, value) in keys.iter().zip(map.values()) {
                        let len = path.len();
                        path.push('/');
                        push_escaped(path, key);
                        walk(value, path, out);
                        path.truncate(len);
                    }
                    if path.ends_with("/properties") {
                        out.by_pointer.insert(path.clone(), keys);
                    }
                }
                serde_yaml::Value::Sequence(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let len = path.len();
                        let _ = write!(path, "/{i}");
                        walk(item, path, out);
                        path.truncate(len);
                    }
                }
                serde_yaml::Value::Tagged(tagged) => walk(&tagged.value, path, out),
                _ => {}
            }
        }
        let mut out = PropertyOrder::default();
        walk(value, &mut String::from("#"), &mut out);
        out
    }

    /// Records every `properties` object of a JSON document in one pass over its bytes. Runs
    /// beside the JSON parser; on text that is not valid JSON the result is meaningless (and
    /// unused: the parse fails) but the scan still ends without a panic.
    pub(crate) fn from_json(text: &str) -> Self {
        enum Frame {
            Object {
                path_len: usize,
                keys: Option<Vec<String>>,
            },
            Array {
                path_len: usize,
                next: usize,
            },
        }
        let bytes = text.as_bytes();
        let mut out = PropertyOrder::default();
        let mut path = String::from("#");
        let mut stack: Vec<Frame> = Vec::new();
        let mut expect_key = false;
        // A value starts: inside an array, its index is the last segment of the path.
        let value_starts = |stack: &mut Vec<Frame>, path: &mut String| {
            if let Some(Frame::Array { path_len, next }) = stack.last_mut() {
                path.truncate(*path_len);
                let _ = write!(path, "/{next}");
                *next += 1;
            }
        };
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'{' => {
                    value_starts(&mut stack, &mut path);
                    let keys = path.ends_with("/properties").then(Vec::new);
                    stack.push(Frame::Object {
                        path_len: path.len(),
                        keys,
                    });
                    expect_key = true;
                }
                b'[' => {
                    value_starts(&mut stack, &mut path);
                    stack.push(Frame::Array {
                        path_len: path.len(),
                        next: 0,
                    });
                }
                b'}' | b']' => {
                    let (path_len, keys) = match stack.pop() {
                        Some(Frame::Object { path_len, keys }) => (path_len, keys),
                        Some(Frame::Array { path_len, .. }) => (path_len, None),
                        None => (1, None),
                    };
                    path.truncate(path_len);
                    if let Some(keys) = keys {
                        out.by_pointer.insert(path.clone(), keys);
                    }
                    expect_key = false;
                }
                b',' => expect_key = matches!(stack.last(), Some(Frame::Object { .. })),
                b':' => expect_key = false,
                b'"' => {
                    let start = i;
                    i += 1;
                    let mut escaped = false;
                    while i < bytes.len() && bytes[i] != b'"' {
                        if bytes[i] == b'\\' {
                            escaped = true;
                            i += 1;
                        }
                        i += 1;
                    }
                    if let (true, Some(Frame::Object { path_len, keys })) =
                        (expect_key, stack.last_mut())
                    {
                        // `get`: never a panic, even on text that is not JSON (the scan
                        // runs beside the parser, before the text is known to be valid).
                        let raw = text.get(start + 1..i.min(text.len())).unwrap_or("");
                        let key = if escaped {
                            text.get(start..=i.min(text.len() - 1))
                                .and_then(|quoted| serde_json::from_str::<String>(quoted).ok())
                                .unwrap_or_else(|| raw.to_owned())
                        } else {
                            raw.to_owned()
                        };
                        path.truncate(*path_len);
                        path.push('/');
                        push_escaped(&mut path, &key);
                        if let Some(keys) = keys {
                            keys.push(key);
                        }
                    } else {
                        value_starts(&mut stack, &mut path);
                    }
                }
                b' ' | b'\t' | b'\n' | b'\r' => {}
                _ => {
                    // A number, `true`, `false` or `null`.
                    value_starts(&mut stack, &mut path);
                    while i + 1 < bytes.len()
                        && !matches!(
                            bytes[i + 1],
                            b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r'
                        )
                    {
                        i += 1;
                    }
                }
            }
            i += 1;
        }
        out
    }
}

/// A YAML mapping key as `serde_json::to_value` writes it.
fn yaml_key(key: &serde_yaml::Value) -> String {
    match key {
        serde_yaml::Value::String(s) => s.clone(),
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::Bool(b) => b.to_string(),
        other => serde_yaml::to_string(other)
            .map(|s| s.trim_end().to_owned())
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The JSON scan runs beside the parser, before the text is known to be JSON: text that
    /// is not JSON (cut in a string, in an escape, in a multi-byte character) ends the scan
    /// without a panic.
    #[test]
    fn scanning_text_that_is_not_json_does_not_panic() {
        let text = r#"{"properties": {"a\"b": 1, "é": {"properties": {"x\é"#;
        for end in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            let _ = PropertyOrder::from_json(&text[..end]);
        }
        let _ = PropertyOrder::from_json("}}]]\"\\");
    }

    /// Properties are recorded in text order, in YAML and in JSON, at the pointers resolve uses.
    #[test]
    fn property_order_is_read_from_the_text() {
        let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    a/b:\n      properties:\n        zeta: {type: string}\n        alpha:\n          type: object\n          properties:\n            y: {type: string}\n            x: {type: string}\n        mid: {type: string}\n";
        let value: serde_yaml::Value = serde_yaml::from_str(yaml).unwrap();
        let json = serde_json::to_string_pretty(&serde_json::json!({
            "openapi": "3.0.3",
            "components": {"schemas": {"a/b": {"properties": {
                "zeta": {"type": "string", "enum": ["q", 1, true, null]},
                "alpha": {"type": "object", "properties": {"y": {}, "x\"\u{e9}": {}}},
                "mid": {"type": "string", "example": {"properties": [1, {"k": 2}]}}
            }}}}
        }))
        .unwrap();
        // serde_json sorts keys: write the text by hand in the order wanted.
        let json = json
            .replace("\"alpha\"", "\"tmp\"")
            .replace("\"zeta\"", "\"alpha\"")
            .replace("\"tmp\"", "\"zeta\"");
        let from_yaml = PropertyOrder::from_yaml(&value);
        let from_json = PropertyOrder::from_json(&json);
        let at = "#/components/schemas/a~1b/properties";
        assert_eq!(from_yaml.of(at).unwrap(), ["zeta", "alpha", "mid"]);
        assert_eq!(
            from_yaml.of(&format!("{at}/alpha/properties")).unwrap(),
            ["y", "x"]
        );
        // serde_json wrote `alpha, mid, zeta`; with two names swapped the text lists
        // `zeta, mid, alpha`.
        assert_eq!(from_json.of(at).unwrap(), ["zeta", "mid", "alpha"]);
        assert_eq!(
            from_json.of(&format!("{at}/zeta/properties")).unwrap(),
            ["x\"é", "y"]
        );
        assert_eq!(
            from_json.of("#/components/schemas/a~1b/properties/mid/example/properties"),
            None
        );
    }

    /// A Swagger 2.0 document's `definitions` become `components/schemas`: the order recorded
    /// at the text's place is found at the converted one.
    #[test]
    fn orders_follow_moved_places() {
        let value: serde_yaml::Value = serde_yaml::from_str(
            "definitions:\n  Pet:\n    properties:\n      zeta: {}\n      alpha: {}\n",
        )
        .unwrap();
        let mut order = PropertyOrder::from_yaml(&value);
        order.apply_moves(&[(
            "#/components/schemas".to_owned(),
            "#/definitions".to_owned(),
        )]);
        assert_eq!(
            order.of("#/components/schemas/Pet/properties").unwrap(),
            ["zeta", "alpha"]
        );
        assert_eq!(
            order.of("#/definitions/Pet/properties").unwrap(),
            ["zeta", "alpha"]
        );
    }
}
