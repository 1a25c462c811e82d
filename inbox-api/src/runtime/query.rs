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
