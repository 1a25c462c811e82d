//! Query strings as Wix reads them: one `name=value` pair per scalar, dotted names for nested
//! request objects (`paging.limit`), enums as their strings, repeated keys for lists.

use std::borrow::Cow;

use serde_json::Value;

use super::prelude::{Date, Timestamp, Uuid};

/// A value that can be written into a query string.
pub trait QueryValue {
    /// The value as written in the query string (before percent-encoding).
    fn to_query(&self) -> String;
}

macro_rules! display_query_value {
    ($($t:ty),*) => {$(
        impl QueryValue for $t {
            fn to_query(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
display_query_value!(String, str, bool, i32, i64, f32, f64, Uuid, Date);

impl QueryValue for Timestamp {
    fn to_query(&self) -> String {
        self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    }
}

/// A list as one value, comma-separated (OpenAPI's `simple` and non-exploded `form` styles).
impl<T: QueryValue> QueryValue for Vec<T> {
    fn to_query(&self) -> String {
        let items: Vec<String> = self.iter().map(QueryValue::to_query).collect();
        items.join(",")
    }
}

impl<T: QueryValue + ?Sized> QueryValue for &T {
    fn to_query(&self) -> String {
        (**self).to_query()
    }
}

/// Query parameters in the order the generated code adds them.
#[derive(Debug, Default)]
pub struct Query {
    pairs: Vec<(Cow<'static, str>, String)>,
}

impl Query {
    /// An empty query.
    pub fn new() -> Self {
        Query::default()
    }

    /// Adds `name=value`.
    pub fn push<T: QueryValue + ?Sized>(&mut self, name: &'static str, value: &T) {
        self.pairs.push((Cow::Borrowed(name), value.to_query()));
    }

    /// Adds `name=value` when there is a value.
    pub fn push_opt<T: QueryValue>(&mut self, name: &'static str, value: Option<&T>) {
        if let Some(value) = value {
            self.push(name, value);
        }
    }

    /// Adds `name=item` for each item.
    pub fn push_each<T: QueryValue>(&mut self, name: &'static str, values: &[T]) {
        for value in values {
            self.push(name, value);
        }
    }

    /// The pairs, for the request.
    pub fn into_pairs(self) -> Vec<(Cow<'static, str>, String)> {
        self.pairs
    }
}

/// Lists and objects in the delimited and object query styles.
impl Query {
    /// Adds one `name=value` whose value is the items joined by `separator`.
    pub fn push_joined<T: QueryValue>(
        &mut self,
        name: &'static str,
        values: &[T],
        separator: &str,
    ) {
        let items: Vec<String> = values.iter().map(QueryValue::to_query).collect();
        self.pairs
            .push((Cow::Borrowed(name), items.join(separator)));
    }

    /// Adds each present `(key, value)` as its own pair (exploded `form` and `deepObject`
    /// objects; the generator writes `name[key]` keys for the latter).
    pub fn push_pairs(&mut self, pairs: impl IntoIterator<Item = (&'static str, Option<String>)>) {
        for (key, value) in pairs {
            if let Some(value) = value {
                self.pairs.push((Cow::Borrowed(key), value));
            }
        }
    }

    /// Adds one `name=key,value,...` whose keys and values are joined by `separator`
    /// (non-exploded `form`, `spaceDelimited` and `pipeDelimited` objects).
    pub fn push_object(
        &mut self,
        name: &'static str,
        pairs: impl IntoIterator<Item = (&'static str, Option<String>)>,
        separator: &str,
    ) {
        let items: Vec<String> = pairs
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| format!("{k}{separator}{v}")))
            .collect();
        self.pairs
            .push((Cow::Borrowed(name), items.join(separator)));
    }

    /// Adds a value of any shape (a union, an object holding objects or lists, a list of
    /// objects), read through its JSON form, in `style`:
    ///
    /// - `DeepObject`: `name[key][inner]=v` for every scalar, `name[key][]=item` for list items;
    /// - `Form` exploded: an object's properties as `key=value` pairs, a list's items as
    ///   repeated `name=item`; not exploded (and the delimited styles): one
    ///   `name=key,value,...` or `name=a,b` pair, with `separator` between;
    ///
    /// scalars are `name=value`; a value nested deeper than a style can say is written as
    /// compact JSON; `null` is left out.
    pub fn push_value<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        style: QueryStyle,
        explode: bool,
        value: &T,
    ) {
        // Generated types always serialize; a map with non-string keys would not, and is left
        // out like `null`.
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        let separator = match style {
            QueryStyle::SpaceDelimited => " ",
            QueryStyle::PipeDelimited => "|",
            QueryStyle::Form | QueryStyle::DeepObject => ",",
        };
        match (&value, style) {
            (Value::Null, _) => {}
            (Value::Array(_) | Value::Object(_), QueryStyle::DeepObject) => {
                deep_pairs(name.to_owned(), &value, &mut self.pairs);
            }
            (Value::Array(items), QueryStyle::Form) if explode => {
                for item in items.iter().filter(|v| !v.is_null()) {
                    self.pairs.push((Cow::Borrowed(name), scalar_text(item)));
                }
            }
            (Value::Object(map), QueryStyle::Form) if explode => {
                for (key, item) in map.iter().filter(|(_, v)| !v.is_null()) {
                    self.pairs
                        .push((Cow::Owned(key.clone()), scalar_text(item)));
                }
            }
            (Value::Array(items), _) => {
                let items: Vec<String> = items.iter().map(scalar_text).collect();
                self.pairs
                    .push((Cow::Borrowed(name), items.join(separator)));
            }
            (Value::Object(map), _) => {
                let items: Vec<String> = map
                    .iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| format!("{k}{separator}{}", scalar_text(v)))
                    .collect();
                self.pairs
                    .push((Cow::Borrowed(name), items.join(separator)));
            }
            (scalar, _) => self.pairs.push((Cow::Borrowed(name), scalar_text(scalar))),
        }
    }
}

/// Query parameter styles, for [`Query::push_value`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryStyle {
    /// `form` (the default).
    Form,
    /// `spaceDelimited`.
    SpaceDelimited,
    /// `pipeDelimited`.
    PipeDelimited,
    /// `deepObject`.
    DeepObject,
}

/// `prefix[key]...=scalar` for every scalar below `value` (list items as `prefix[]`).
fn deep_pairs(prefix: String, value: &Value, out: &mut Vec<(Cow<'static, str>, String)>) {
    match value {
        Value::Null => {}
        Value::Object(map) => {
            for (key, item) in map {
                deep_pairs(format!("{prefix}[{key}]"), item, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                match item {
                    Value::Object(_) | Value::Array(_) => {
                        out.push((Cow::Owned(format!("{prefix}[]")), item.to_string()));
                    }
                    _ => deep_pairs(format!("{prefix}[]"), item, out),
                }
            }
        }
        scalar => out.push((Cow::Owned(prefix), scalar_text(scalar))),
    }
}

/// A JSON value as parameter text: strings as they are, numbers and booleans as JSON writes
/// them, lists and objects as compact JSON.
pub(crate) fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A path parameter of any shape (see [`Query::push_value`]), read through its JSON form and
/// written in `style` like the typed `path_*` helpers write scalars, lists and objects.
pub fn path_value<T: serde::Serialize + ?Sized>(
    style: PathStyle,
    explode: bool,
    name: &str,
    value: &T,
) -> String {
    match serde_json::to_value(value).unwrap_or(Value::Null) {
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(scalar_text).collect();
            path_list(style, explode, name, &items)
        }
        Value::Object(map) => path_object(
            style,
            explode,
            name,
            map.iter().map(|(k, v)| (k.as_str(), Some(scalar_text(v)))),
        ),
        scalar => path_scalar(style, name, scalar_text(&scalar).as_str()),
    }
}

/// The value of a parameter described by `content` instead of `schema`, in that media type,
/// before its location percent-encodes it: compact JSON when `json` (`application/json`,
/// `*+json`); otherwise (`text/plain`, ...) a string as it is and any other value as the text
/// of its JSON form. A value that cannot be serialized (a map with non-string keys) is
/// [`Error::InvalidRequest`](crate::error::Error::InvalidRequest) naming the parameter.
pub fn content_value<T: serde::Serialize + ?Sized, C>(
    name: &str,
    json: bool,
    value: &T,
) -> Result<String, crate::error::Error<C>> {
    let invalid = |e: serde_json::Error| crate::error::Error::invalid_request(name, e.to_string());
    if json {
        serde_json::to_string(value).map_err(invalid)
    } else {
        Ok(scalar_text(&serde_json::to_value(value).map_err(invalid)?))
    }
}

/// Path parameter styles (OpenAPI `style` of `in: path`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathStyle {
    /// `value`, `a,b`, `key,value` or `key=value`.
    Simple,
    /// The same after a `.` (items separated by `.` when exploded).
    Label,
    /// `;name=value` (`;name=item` per item, or `;key=value` per property, when exploded).
    Matrix,
}

/// One path parameter holding a list, written in `style`; names and items are percent-encoded
/// one by one, so the separators keep their meaning.
pub fn path_list<T: QueryValue>(
    style: PathStyle,
    explode: bool,
    name: &str,
    values: &[T],
) -> String {
    let items: Vec<String> = values
        .iter()
        .map(|v| crate::client::encode_path_segment(&v.to_query()))
        .collect();
    let name = crate::client::encode_path_segment(name);
    match style {
        PathStyle::Simple => items.join(","),
        PathStyle::Label if explode => format!(".{}", items.join(".")),
        PathStyle::Label => format!(".{}", items.join(",")),
        PathStyle::Matrix if explode => items.iter().map(|v| format!(";{name}={v}")).collect(),
        PathStyle::Matrix => format!(";{name}={}", items.join(",")),
    }
}

/// One path parameter holding a scalar, written in `style`.
pub fn path_scalar<T: QueryValue + ?Sized>(style: PathStyle, name: &str, value: &T) -> String {
    let value = crate::client::encode_path_segment(&value.to_query());
    match style {
        PathStyle::Simple => value,
        PathStyle::Label => format!(".{value}"),
        PathStyle::Matrix => format!(";{}={value}", crate::client::encode_path_segment(name)),
    }
}

/// One path parameter holding an object (its present properties), written in `style`.
pub fn path_object<K: AsRef<str>>(
    style: PathStyle,
    explode: bool,
    name: &str,
    pairs: impl IntoIterator<Item = (K, Option<String>)>,
) -> String {
    let encode = crate::client::encode_path_segment;
    let present: Vec<(String, String)> = pairs
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (encode(k.as_ref()), encode(&v))))
        .collect();
    let flat = || {
        let items: Vec<String> = present.iter().map(|(k, v)| format!("{k},{v}")).collect();
        items.join(",")
    };
    let assigned = |separator: &str| {
        let items: Vec<String> = present.iter().map(|(k, v)| format!("{k}={v}")).collect();
        items.join(separator)
    };
    match (style, explode) {
        (PathStyle::Simple, false) => flat(),
        (PathStyle::Simple, true) => assigned(","),
        (PathStyle::Label, false) => format!(".{}", flat()),
        (PathStyle::Label, true) => format!(".{}", assigned(".")),
        (PathStyle::Matrix, false) => format!(";{}={}", encode(name), flat()),
        (PathStyle::Matrix, true) => present.iter().map(|(k, v)| format!(";{k}={v}")).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_styles() {
        let ids = vec!["a b".to_owned(), "c".to_owned()];
        assert_eq!(path_list(PathStyle::Simple, false, "ids", &ids), "a%20b,c");
        assert_eq!(path_list(PathStyle::Label, true, "ids", &ids), ".a%20b.c");
        assert_eq!(
            path_list(PathStyle::Matrix, true, "ids", &ids),
            ";ids=a%20b;ids=c"
        );
        assert_eq!(
            path_list(PathStyle::Matrix, false, "ids", &ids),
            ";ids=a%20b,c"
        );
        assert_eq!(path_scalar(PathStyle::Label, "id", &5), ".5");
        let pairs = || {
            vec![
                ("r", Some("100".to_owned())),
                ("g", None),
                ("b", Some("1".to_owned())),
            ]
        };
        assert_eq!(
            path_object(PathStyle::Simple, false, "c", pairs()),
            "r,100,b,1"
        );
        assert_eq!(
            path_object(PathStyle::Label, true, "c", pairs()),
            ".r=100.b=1"
        );
        assert_eq!(
            path_object(PathStyle::Matrix, true, "c", pairs()),
            ";r=100;b=1"
        );
        assert_eq!(
            path_object(PathStyle::Matrix, false, "c", pairs()),
            ";c=r,100,b,1"
        );
    }

    #[test]
    fn query_styles() {
        let mut query = Query::new();
        query.push_joined("ids", &[1, 2], "|");
        query.push_pairs(vec![("c[r]", Some("1".into())), ("c[g]", None)]);
        query.push_object(
            "o",
            vec![("r", Some("1".into())), ("g", Some("2".into()))],
            ",",
        );
        assert_eq!(
            query.into_pairs(),
            [
                ("ids".into(), "1|2".to_owned()),
                ("c[r]".into(), "1".to_owned()),
                ("o".into(), "r,1,g,2".to_owned())
            ]
        );
    }

    #[test]
    fn content_parameters_as_json_or_text() {
        let value = serde_json::json!({"a": [1, "x y"]});
        let json = content_value::<_, String>("q", true, &value).unwrap();
        assert_eq!(json, r#"{"a":[1,"x y"]}"#);
        assert_eq!(
            content_value::<_, String>("q", true, "s").unwrap(),
            r#""s""#
        );
        assert_eq!(content_value::<_, String>("q", false, "s").unwrap(), "s");
        assert_eq!(content_value::<_, String>("q", false, &7).unwrap(), "7");
        let mut bad = std::collections::HashMap::new();
        bad.insert((1, 2), 3);
        let error = content_value::<_, String>("q", true, &bad).unwrap_err();
        assert!(error.to_string().contains("q"), "{error}");
    }

    #[test]
    fn values_of_any_shape() {
        let nested = serde_json::json!({"a": {"b": 1, "c": [true, false]}, "d": "x y", "e": null});
        let mut query = Query::new();
        query.push_value("filter", QueryStyle::DeepObject, true, &nested);
        query.push_value(
            "f",
            QueryStyle::Form,
            true,
            &serde_json::json!({"a": 1, "b": 2}),
        );
        query.push_value(
            "g",
            QueryStyle::Form,
            false,
            &serde_json::json!({"a": 1, "b": 2}),
        );
        query.push_value("h", QueryStyle::PipeDelimited, false, &vec!["1", "2"]);
        query.push_value("u", QueryStyle::Form, true, &serde_json::json!(["x", "y"]));
        query.push_value("n", QueryStyle::Form, true, &Option::<i32>::None);
        let pairs: Vec<(String, String)> = query
            .into_pairs()
            .into_iter()
            .map(|(k, v)| (k.into_owned(), v))
            .collect();
        let expected = [
            ("filter[a][b]", "1"),
            ("filter[a][c][]", "true"),
            ("filter[a][c][]", "false"),
            ("filter[d]", "x y"),
            ("a", "1"),
            ("b", "2"),
            ("g", "a,1,b,2"),
            ("h", "1|2"),
            ("u", "x"),
            ("u", "y"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        assert_eq!(pairs, expected);
        assert_eq!(
            path_value(PathStyle::Simple, false, "id", &serde_json::json!("a b")),
            "a%20b"
        );
        assert_eq!(
            path_value(PathStyle::Matrix, true, "c", &serde_json::json!({"r": 1})),
            ";r=1"
        );
    }
}
