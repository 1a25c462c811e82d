//! Query strings as Wix reads them: one `name=value` pair per scalar, dotted names for nested
//! request objects (`paging.limit`), enums as their strings, repeated keys for lists.

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
    pairs: Vec<(&'static str, String)>,
}

impl Query {
    /// An empty query.
    pub fn new() -> Self {
        Query::default()
    }

    /// Adds `name=value`.
    pub fn push<T: QueryValue + ?Sized>(&mut self, name: &'static str, value: &T) {
        self.pairs.push((name, value.to_query()));
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
    pub fn into_pairs(self) -> Vec<(&'static str, String)> {
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
        self.pairs.push((name, items.join(separator)));
    }

    /// Adds each present `(key, value)` as its own pair (exploded `form` and `deepObject`
    /// objects; the generator writes `name[key]` keys for the latter).
    pub fn push_pairs(&mut self, pairs: impl IntoIterator<Item = (&'static str, Option<String>)>) {
        for (key, value) in pairs {
            if let Some(value) = value {
                self.pairs.push((key, value));
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
        self.pairs.push((name, items.join(separator)));
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
pub fn path_object(
    style: PathStyle,
    explode: bool,
    name: &str,
    pairs: impl IntoIterator<Item = (&'static str, Option<String>)>,
) -> String {
    let encode = crate::client::encode_path_segment;
    let present: Vec<(String, String)> = pairs
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (encode(k), encode(&v))))
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
                ("ids", "1|2".to_owned()),
                ("c[r]", "1".to_owned()),
                ("o", "r,1,g,2".to_owned())
            ]
        );
    }
}
