//! Integers written as JSON numbers, also read from a float without a fractional part
//! (`1200.0`: Wix's docs show image sizes both ways). Written as plain integers.

use serde::{de, Deserializer, Serialize, Serializer};

use super::containers::{self, ReadElement};

/// A shape this format applies to.
pub trait LenientInt: Sized {
    /// Reads the value.
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

/// Serializes as serde does by default.
pub fn serialize<T: Serialize, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    value.serialize(serializer)
}

/// Deserializes through [`LenientInt`].
pub fn deserialize<'de, T: LenientInt, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    T::read(deserializer)
}

/// `v` as an `i64` when it is integral and in range.
pub fn integral(v: f64) -> Option<i64> {
    (v.fract() == 0.0 && v >= i64::MIN as f64 && v < i64::MAX as f64).then_some(v as i64)
}

struct Visitor;

impl de::Visitor<'_> for Visitor {
    type Value = i64;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an integer")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
        integral(v).ok_or_else(|| E::invalid_value(de::Unexpected::Float(v), &self))
    }
}

impl LenientInt for i64 {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(Visitor)
    }
}

impl LenientInt for i32 {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let v = deserializer.deserialize_any(Visitor)?;
        i32::try_from(v)
            .map_err(|_| de::Error::invalid_value(de::Unexpected::Signed(v), &"an int32"))
    }
}

/// Reads container elements through [`LenientInt`].
struct Element;

impl<T: LenientInt> ReadElement<T> for Element {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        T::read(deserializer)
    }
}

impl<T: LenientInt> LenientInt for Option<T> {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        containers::read_option::<T, Element, D>(deserializer, "an integer or null")
    }
}

impl<T: LenientInt> LenientInt for Vec<T> {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        containers::read_vec::<T, Element, D>(deserializer)
    }
}

impl<T: LenientInt> LenientInt for std::collections::BTreeMap<String, T> {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        containers::read_map::<T, Element, D>(deserializer)
    }
}
