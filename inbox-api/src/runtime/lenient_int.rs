//! Integers written as JSON numbers, also read from a float without a fractional part
//! (`1200.0`: Wix's docs show image sizes both ways). Written as plain integers.

use serde::{de, Deserializer, Serialize, Serializer};

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

impl<T: LenientInt> LenientInt for Option<T> {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OptionVisitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: LenientInt> de::Visitor<'de> for OptionVisitor<T> {
            type Value = Option<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an integer or null")
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                T::read(d).map(Some)
            }
        }
        deserializer.deserialize_option(OptionVisitor(std::marker::PhantomData))
    }
}

impl<T: LenientInt> LenientInt for Vec<T> {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Item<T>(T);
        impl<'de, T: LenientInt> serde::Deserialize<'de> for Item<T> {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                T::read(d).map(Item)
            }
        }
        let items: Vec<Item<T>> = serde::Deserialize::deserialize(deserializer)?;
        Ok(items.into_iter().map(|i| i.0).collect())
    }
}

impl<T: LenientInt> LenientInt for std::collections::BTreeMap<String, T> {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Item<T>(T);
        impl<'de, T: LenientInt> serde::Deserialize<'de> for Item<T> {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                T::read(d).map(Item)
            }
        }
        let items: std::collections::BTreeMap<String, Item<T>> =
            serde::Deserialize::deserialize(deserializer)?;
        Ok(items.into_iter().map(|(k, i)| (k, i.0)).collect())
    }
}
