//! Reading `Option`, `Vec` and `BTreeMap<String, _>` of values that a `#[serde(with)]` format
//! reads one by one (`int64`, `lenient_int`): the container logic once, the element reader
//! passed as a type.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::{de, Deserialize, Deserializer};

/// Reads one `T` in some wire format; implemented by a marker type per format.
pub(crate) trait ReadElement<T> {
    /// Reads the value.
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error>;
}

/// `null` or absent as `None`, anything else through `R`. `expecting` names what is accepted,
/// e.g. `an int64 or null`.
pub(crate) fn read_option<'de, T, R, D>(
    deserializer: D,
    expecting: &'static str,
) -> Result<Option<T>, D::Error>
where
    R: ReadElement<T>,
    D: Deserializer<'de>,
{
    struct OptionVisitor<T, R> {
        expecting: &'static str,
        marker: PhantomData<(T, R)>,
    }
    impl<'de, T, R: ReadElement<T>> de::Visitor<'de> for OptionVisitor<T, R> {
        type Value = Option<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.expecting)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            R::read(d).map(Some)
        }
    }
    deserializer.deserialize_option(OptionVisitor::<T, R> {
        expecting,
        marker: PhantomData,
    })
}

/// A JSON array, each element through `R`.
pub(crate) fn read_vec<'de, T, R, D>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    R: ReadElement<T>,
    D: Deserializer<'de>,
{
    let items: Vec<Item<T, R>> = Deserialize::deserialize(deserializer)?;
    Ok(items.into_iter().map(|item| item.0).collect())
}

/// A JSON object, each value through `R`.
pub(crate) fn read_map<'de, T, R, D>(deserializer: D) -> Result<BTreeMap<String, T>, D::Error>
where
    R: ReadElement<T>,
    D: Deserializer<'de>,
{
    let items: BTreeMap<String, Item<T, R>> = Deserialize::deserialize(deserializer)?;
    Ok(items.into_iter().map(|(key, item)| (key, item.0)).collect())
}

/// One element, deserialized through `R`.
struct Item<T, R>(T, PhantomData<R>);

impl<'de, T, R: ReadElement<T>> Deserialize<'de> for Item<T, R> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        R::read(deserializer).map(|value| Item(value, PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Int64s {
        #[serde(default, with = "crate::runtime::int64")]
        one: Option<i64>,
        #[serde(default, with = "crate::runtime::int64")]
        list: Vec<i64>,
        #[serde(default, with = "crate::runtime::int64")]
        map: BTreeMap<String, i32>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Lenient {
        #[serde(default, with = "crate::runtime::lenient_int")]
        one: Option<i32>,
        #[serde(default, with = "crate::runtime::lenient_int")]
        list: Vec<i64>,
        #[serde(default, with = "crate::runtime::lenient_int")]
        map: BTreeMap<String, i64>,
    }

    #[test]
    fn both_formats_read_options_lists_and_maps() {
        let int64: Int64s = serde_json::from_value(json!({
            "one": "7", "list": ["1", 2, 3.0], "map": {"a": "-4"}
        }))
        .unwrap();
        assert_eq!(
            int64,
            Int64s {
                one: Some(7),
                list: vec![1, 2, 3],
                map: BTreeMap::from([("a".to_owned(), -4)]),
            }
        );
        let empty: Int64s = serde_json::from_value(json!({"one": null})).unwrap();
        assert_eq!(empty.one, None);
        let error = serde_json::from_value::<Int64s>(json!({"one": [1]})).unwrap_err();
        assert!(error.to_string().contains("an int64"), "{error}");

        let lenient: Lenient = serde_json::from_value(json!({
            "one": 1200.0, "list": [1, 2.0], "map": {"b": 5}
        }))
        .unwrap();
        assert_eq!(
            lenient,
            Lenient {
                one: Some(1200),
                list: vec![1, 2],
                map: BTreeMap::from([("b".to_owned(), 5)]),
            }
        );
        let absent: Lenient = serde_json::from_value(json!({})).unwrap();
        assert_eq!(absent.one, None);
        assert!(serde_json::from_value::<Lenient>(json!({"one": 1.5})).is_err());
        assert!(serde_json::from_value::<Lenient>(json!({"list": ["1"]})).is_err());
    }
}
