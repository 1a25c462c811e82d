//! The serde plumbing of generated `oneOf`/`anyOf` unions: [`tagged_union!`] for unions told
//! apart by a discriminator property, [`untagged_union!`] for unions whose alternatives are
//! tried in order.
//!
//! [`tagged_union!`]: crate::runtime::tagged_union
//! [`untagged_union!`]: crate::runtime::untagged_union

use serde::{de, Serialize, Serializer};
use serde_json::Value;

use super::object::Format;

/// Serializes `value` with `property` set to `tag` unless `value` already sets it.
pub fn serialize_tagged<T: Serialize, S: Serializer>(
    value: &T,
    property: &str,
    tag: &str,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut json = serde_json::to_value(value).map_err(serde::ser::Error::custom)?;
    if let Value::Object(map) = &mut json {
        map.entry(property.to_owned())
            .or_insert_with(|| Value::String(tag.to_owned()));
    }
    json.serialize(serializer)
}

/// Decodes one alternative from the JSON already read.
pub fn from_value<T: serde::de::DeserializeOwned, E: de::Error>(value: Value) -> Result<T, E> {
    serde_json::from_value(value).map_err(E::custom)
}

/// Writes one alternative of a union in format `F`.
pub fn write_alternative<F: Format<T>, T, S: Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    F::write(value, serializer)
}

/// The discriminator value of `value`, when it has a string one.
pub fn tag_of<'v>(value: &'v Value, property: &str) -> Option<&'v str> {
    value.get(property).and_then(Value::as_str)
}

/// Implements `Serialize` and `Deserialize` for a generated union whose alternatives are told
/// apart by the string in one property, with an `Unrecognized(Value)` catch-all:
/// `tagged_union!(Pet, "petType", Cat("cat", "Cat"), Dog("dog"));` (the first value of each
/// list is written when the alternative does not set the property itself).
///
/// A leading `sent` marks a union only ever sent: its `Deserialize` is compiled only with the
/// crate's `decode-requests` feature. A leading `received` marks one only ever received: its
/// `Serialize` is compiled only with the `encode-responses` feature (the same for
/// [`untagged_union!`]).
///
/// Decoding never fails on an unknown or missing discriminator: the value lands in
/// `Unrecognized` and an unknown one is noted for the client's drift report.
#[doc(hidden)]
#[macro_export]
macro_rules! tagged_union {
    (sent $name:ident $($rest:tt)*) => {
        $crate::tagged_union!(@write $name $($rest)*);
        #[cfg(feature = "decode-requests")]
        $crate::tagged_union!(@read $name $($rest)*);
    };
    (received $name:ident $($rest:tt)*) => {
        #[cfg(feature = "encode-responses")]
        $crate::tagged_union!(@write $name $($rest)*);
        $crate::tagged_union!(@read $name $($rest)*);
    };
    (@write $name:ident, $property:literal, $($variant:ident($first:literal $(, $more:literal)*)),* $(,)?) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    $(Self::$variant(value) => {
                        $crate::runtime::union::serialize_tagged(value, $property, $first, serializer)
                    })*
                    Self::Unrecognized(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }

    };
    (@read $name:ident, $property:literal, $($variant:ident($first:literal $(, $more:literal)*)),* $(,)?) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let value: $crate::runtime::prelude::Value =
                    ::serde::Deserialize::deserialize(deserializer)?;
                match $crate::runtime::union::tag_of(&value, $property) {
                    $(Some($first $(| $more)*) => {
                        $crate::runtime::union::from_value(value).map(Self::$variant)
                    })*
                    Some(other) => {
                        $crate::drift::note_unknown_enum_value(stringify!($name), other);
                        Ok(Self::Unrecognized(value))
                    }
                    None => Ok(Self::Unrecognized(value)),
                }
            }
        }
    };
    ($name:ident $($rest:tt)*) => {
        $crate::tagged_union!(@write $name $($rest)*);
        $crate::tagged_union!(@read $name $($rest)*);
    };
}

/// Implements `Serialize` and `Deserialize` for a generated union whose alternatives are tried
/// in the order listed, with an `Unrecognized(Value)` catch-all:
/// `untagged_union!(Icon, String, File, Count as LenientInt);` (`as` names a wire format of
/// [`object`](crate::runtime::object), as in `json_object!`).
///
/// Decoding reads the JSON value once, then decodes it as each alternative in turn; the first
/// that fits wins, and a value that fits none is kept verbatim in `Unrecognized`, so decoding
/// never fails. Writing writes the alternative held (`Unrecognized` as received). serde's
/// `#[serde(untagged)]` derive behaves the same on JSON with several times the code per union.
#[doc(hidden)]
#[macro_export]
macro_rules! untagged_union {
    (sent $name:ident $($rest:tt)*) => {
        $crate::untagged_union!(@write $name $($rest)*);
        #[cfg(feature = "decode-requests")]
        $crate::untagged_union!(@read $name $($rest)*);
    };
    (received $name:ident $($rest:tt)*) => {
        #[cfg(feature = "encode-responses")]
        $crate::untagged_union!(@write $name $($rest)*);
        $crate::untagged_union!(@read $name $($rest)*);
    };
    (@write $name:ident $(, $variant:ident $(as $format:ident)?)* $(,)?) => {
        #[allow(deprecated, unused_parens)]
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    $(Self::$variant(value) => $crate::runtime::union::write_alternative::<
                        ($($crate::runtime::object::$format)?), _, _
                    >(value, serializer),)*
                    Self::Unrecognized(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }

    };
    (@read $name:ident $(, $variant:ident $(as $format:ident)?)* $(,)?) => {
        #[allow(deprecated, unused_parens)]
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let value: $crate::runtime::prelude::Value =
                    ::serde::Deserialize::deserialize(deserializer)?;
                $(if let ::std::option::Option::Some(alternative) =
                    $crate::runtime::object::decode::<
                        ($($crate::runtime::object::$format)?), _
                    >(&value)
                {
                    return ::std::result::Result::Ok(Self::$variant(alternative));
                })*
                ::std::result::Result::Ok(Self::Unrecognized(value))
            }
        }
    };
    ($name:ident $($rest:tt)*) => {
        $crate::untagged_union!(@write $name $($rest)*);
        $crate::untagged_union!(@read $name $($rest)*);
    };
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    struct Cat {
        #[serde(rename = "petType", skip_serializing_if = "Option::is_none")]
        pet_type: Option<String>,
        lives: u8,
    }

    #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
    struct Dog {
        #[serde(rename = "petType")]
        pet_type: String,
        barks: bool,
    }

    #[derive(Clone, Debug, PartialEq)]
    enum Pet {
        Cat(Cat),
        Dog(Box<Dog>),
        Unrecognized(serde_json::Value),
    }

    crate::runtime::tagged_union!(Pet, "petType", Cat("cat", "Cat"), Dog("dog"));

    #[test]
    fn decodes_by_discriminator_and_keeps_unknown_values() {
        let cat: Pet = serde_json::from_str(r#"{"petType": "Cat", "lives": 9}"#).unwrap();
        assert_eq!(
            cat,
            Pet::Cat(Cat {
                pet_type: Some("Cat".into()),
                lives: 9
            })
        );
        let dog: Pet = serde_json::from_str(r#"{"petType": "dog", "barks": true}"#).unwrap();
        assert!(matches!(dog, Pet::Dog(_)));
        let fish: Pet = serde_json::from_str(r#"{"petType": "fish"}"#).unwrap();
        assert_eq!(
            fish,
            Pet::Unrecognized(serde_json::json!({"petType": "fish"}))
        );
        let bare: Pet = serde_json::from_str("42").unwrap();
        assert_eq!(bare, Pet::Unrecognized(serde_json::json!(42)));
    }

    #[test]
    fn writes_the_discriminator_when_the_alternative_does_not() {
        let cat = Pet::Cat(Cat {
            pet_type: None,
            lives: 3,
        });
        assert_eq!(
            serde_json::to_value(&cat).unwrap(),
            serde_json::json!({"petType": "cat", "lives": 3})
        );
        let dog = Pet::Dog(Box::new(Dog {
            pet_type: "dog".into(),
            barks: false,
        }));
        let json = serde_json::to_string(&dog).unwrap();
        assert_eq!(serde_json::from_str::<Pet>(&json).unwrap(), dog);
    }

    #[derive(Clone, Debug, PartialEq)]
    enum Icon {
        Count(i64),
        Big(i64),
        Name(String),
        Cat(Box<Cat>),
        Unrecognized(serde_json::Value),
    }

    crate::runtime::untagged_union!(Icon, Count as LenientInt, Big as Int64, Name, Cat);

    #[test]
    fn untagged_tries_alternatives_in_order_and_keeps_what_fits_none() {
        let read = |json: &str| serde_json::from_str::<Icon>(json).unwrap();
        assert_eq!(read("7"), Icon::Count(7));
        // LenientInt takes an integral float; the Int64 alternative would take the string.
        assert_eq!(read("7.0"), Icon::Count(7));
        assert_eq!(read(r#""12""#), Icon::Big(12));
        assert_eq!(read(r#""file_1""#), Icon::Name("file_1".into()));
        assert_eq!(
            read(r#"{"lives": 9}"#),
            Icon::Cat(Box::new(Cat {
                pet_type: None,
                lives: 9
            }))
        );
        assert_eq!(
            read(r#"{"lives": "many"}"#),
            Icon::Unrecognized(serde_json::json!({"lives": "many"}))
        );
        assert_eq!(read("[1]"), Icon::Unrecognized(serde_json::json!([1])));
    }

    #[test]
    fn untagged_writes_the_alternative_held_in_its_format() {
        let write = |icon: &Icon| serde_json::to_string(icon).unwrap();
        assert_eq!(write(&Icon::Count(3)), "3");
        assert_eq!(write(&Icon::Big(12)), r#""12""#);
        assert_eq!(write(&Icon::Name("a".into())), r#""a""#);
        let kept = Icon::Unrecognized(serde_json::json!({"shape": "round"}));
        assert_eq!(write(&kept), r#"{"shape":"round"}"#);
        for icon in [Icon::Count(3), Icon::Big(12), kept] {
            assert_eq!(serde_json::from_str::<Icon>(&write(&icon)).unwrap(), icon);
        }
    }
}
