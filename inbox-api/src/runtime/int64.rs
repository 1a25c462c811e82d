//! `int64` carried as a JSON string, as protobuf JSON does (`"sequence": "1700043584064712"`).
//!
//! Written as a string; read from a string or a number. Used as `#[serde(with = ...)]` on
//! `i64`/`i32`, `Option<..>`, `Vec<..>` and `BTreeMap<String, ..>` fields.

use serde::{de, Deserializer, Serializer};

use super::containers::{self, ReadElement};

/// A shape this format applies to.
pub trait Int64Wire: Sized {
    /// Writes the value.
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
    /// Reads the value.
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

/// Serializes through [`Int64Wire`].
pub fn serialize<T: Int64Wire, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    value.write(serializer)
}

/// Deserializes through [`Int64Wire`].
pub fn deserialize<'de, T: Int64Wire, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    T::read(deserializer)
}

struct Visitor;

/// Reads container elements through [`Int64Wire`].
struct Element;

impl<T: Int64Wire> ReadElement<T> for Element {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        T::read(deserializer)
    }
}

impl de::Visitor<'_> for Visitor {
    type Value = i64;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an int64 as a decimal string or a number")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        v.trim()
            .parse()
            .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
        super::lenient_int::integral(v)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &self))
    }
}

fn read_i64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    deserializer.deserialize_any(Visitor)
}

impl Int64Wire for i64 {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        read_i64(deserializer)
    }
}

impl Int64Wire for i32 {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let v = read_i64(deserializer)?;
        i32::try_from(v)
            .map_err(|_| de::Error::invalid_value(de::Unexpected::Signed(v), &"an int32"))
    }
}

impl<T: Int64Wire> Int64Wire for Option<T> {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(v) => v.write(serializer),
            None => serializer.serialize_none(),
        }
    }
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        containers::read_option::<T, Element, D>(deserializer, "an int64 or null")
    }
}

impl<T: Int64Wire> Int64Wire for Vec<T> {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        struct Item<'a, T>(&'a T);
        impl<T: Int64Wire> serde::Serialize for Item<'_, T> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                self.0.write(s)
            }
        }
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        for v in self {
            seq.serialize_element(&Item(v))?;
        }
        seq.end()
    }
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        containers::read_vec::<T, Element, D>(deserializer)
    }
}

impl<T: Int64Wire> Int64Wire for std::collections::BTreeMap<String, T> {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        struct Item<'a, T>(&'a T);
        impl<T: Int64Wire> serde::Serialize for Item<'_, T> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                self.0.write(s)
            }
        }
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (k, v) in self {
            map.serialize_entry(k, &Item(v))?;
        }
        map.end()
    }
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        containers::read_map::<T, Element, D>(deserializer)
    }
}
