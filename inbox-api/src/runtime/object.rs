//! `Serialize` and `Deserialize` for generated structs, from one compact field list.
//!
//! serde's derives write, for every struct, a field-identifier enum with its own visitor, a
//! sequence visitor no JSON API needs, duplicate-field bookkeeping and, for every field with a
//! `with` module, wrapper types in two places: about 500 lines of expanded code for a struct
//! of ten fields. A client for a large API has thousands of structs, and the compiler
//! type-checks and borrow-checks every one of those lines on every clean build.
//! [`json_object!`](crate::runtime::json_object) writes one map visitor per struct instead
//! (one `match` arm and one statement per field), with the shared parts here.
//!
//! Wire behaviour, the same as the derives had:
//! - fields are written in their declared order; an optional field that is `None` is left out;
//! - an unknown key is skipped without allocating its value;
//! - a missing required field is serde's `missing field` error; a missing or `null` optional
//!   field is `None`;
//! - a key given twice keeps its last value (as `serde_json::Value` and JavaScript do; the
//!   derives refused such objects).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use serde_json::Value;

use super::{drift, int64, lenient_int};

/// Writes a field's value: plainly ([`Plain`]) or in one of the wire formats that differ from
/// serde's defaults ([`Int64`], [`LenientInt`]).
///
/// Writing and reading are separate traits so that each direction asks only for what it needs
/// (`T: Serialize` to write, `T: Deserialize` to read): fewer obligations for the compiler to
/// prove per field, and a type that is only ever sent needs no `Deserialize`.
pub trait Format<T> {
    /// Writes `value`.
    fn write<S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error>;
}

/// Reads a field's value in a format (see [`Format`]).
pub trait ReadFormat<T> {
    /// Reads a value.
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error>;
}

/// serde's default representation (the format of a field listed without `as`).
pub type Plain = ();

impl<T: Serialize> Format<T> for () {
    fn write<S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }
}

impl<T: for<'de> Deserialize<'de>> ReadFormat<T> for () {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        T::deserialize(deserializer)
    }
}

/// An `int64` written as a JSON string ([`int64`]).
pub struct Int64;

impl<T: int64::Int64Wire> Format<T> for Int64 {
    fn write<S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
        value.write(serializer)
    }
}

impl<T: int64::Int64Wire> ReadFormat<T> for Int64 {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        T::read(deserializer)
    }
}

/// An integer also read from a float with no fractional part ([`lenient_int`]).
pub struct LenientInt;

impl<T: Serialize> Format<T> for LenientInt {
    fn write<S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }
}

impl<T: lenient_int::LenientInt> ReadFormat<T> for LenientInt {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        T::read(deserializer)
    }
}

/// A value to write in format `F`.
struct Write<'a, F, T>(&'a T, PhantomData<F>);

impl<F: Format<T>, T> Serialize for Write<'_, F, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        F::write(self.0, serializer)
    }
}

/// Reads a value in format `F`.
struct Read<F, T>(PhantomData<(F, T)>);

impl<'de, F: ReadFormat<T>, T> DeserializeSeed<'de> for Read<F, T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        F::read(deserializer)
    }
}

/// Reads the value of the current key in format `F` into `slot`.
pub fn read<'de, F: ReadFormat<T>, T, A: MapAccess<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
) -> Result<(), A::Error> {
    *slot = Some(map.next_value_seed(Read::<F, T>(PhantomData))?);
    Ok(())
}

/// Keeps the value of a key the struct does not list in `extra` (the struct's map of fields the
/// spec does not list): a field the API added after this client was generated stays visible
/// and is written back.
pub fn keep<'de, A: MapAccess<'de>>(
    map: &mut A,
    key: Key<'de>,
    extra: &mut BTreeMap<String, Value>,
) -> Result<(), A::Error> {
    let value = map.next_value::<Value>()?;
    extra.insert(key.0.into_owned(), value);
    Ok(())
}

/// Writes the entries of one object, keeping the first error: a struct's serializer calls it
/// once per field without checking each result (less code per field), then [`Writer::end`].
pub struct Writer<M: SerializeMap> {
    map: M,
    error: Option<M::Error>,
}

impl<M: SerializeMap> Writer<M> {
    /// Starts writing into `map`.
    pub fn new(map: M) -> Self {
        Writer { map, error: None }
    }

    /// Writes the entry `key` (a key the type lists) with `value` in format `F`.
    pub fn entry<F: Format<T>, T>(&mut self, key: &'static str, value: &T) {
        if self.error.is_none() {
            if let Err(error) = self
                .map
                .serialize_entry(key, &Write::<F, T>(value, PhantomData))
            {
                self.error = Some(error);
            }
        }
    }

    /// Writes an entry the type does not list, kept as received.
    pub fn unlisted(&mut self, key: &str, value: &Value) {
        if self.error.is_none() {
            if let Err(error) = self.map.serialize_entry(key, value) {
                self.error = Some(error);
            }
        }
    }

    /// Writes the fields of `extra` after the listed ones, except a key the struct lists
    /// (`listed`: the struct's own field is written instead).
    pub fn extra(&mut self, extra: &BTreeMap<String, Value>, listed: &[&str]) {
        for (key, value) in extra {
            if !listed.contains(&key.as_str()) {
                self.unlisted(key, value);
            }
        }
    }

    /// Ends the object, or returns the first error.
    pub fn end(self) -> Result<M::Ok, M::Error> {
        match self.error {
            Some(error) => Err(error),
            None => self.map.end(),
        }
    }
}

/// A field that is always present.
pub mod required {
    use super::*;

    /// Writes the field.
    pub fn write<F: Format<T>, T, M: SerializeMap>(
        writer: &mut Writer<M>,
        key: &'static str,
        value: &T,
    ) {
        writer.entry::<F, T>(key, value);
    }

    /// The value read, or serde's `missing field` error.
    pub fn finish<T, E: de::Error>(slot: Option<T>, key: &'static str) -> Result<T, E> {
        slot.ok_or_else(|| E::missing_field(key))
    }
}

/// A field that may be absent (an `Option`).
pub mod optional {
    use super::*;

    /// Writes the field when it holds a value.
    pub fn write<F: Format<Option<T>>, T, M: SerializeMap>(
        writer: &mut Writer<M>,
        key: &'static str,
        value: &Option<T>,
    ) {
        if value.is_some() {
            writer.entry::<F, Option<T>>(key, value);
        }
    }
}

/// A oneof group: members of which at most one is present, their keys in the JSON object of
/// the struct that holds the group (`flatten { field = "a" | "b" }` in
/// [`json_object!`](crate::runtime::json_object)).
pub trait Group: Sized {
    /// The group's Rust type, as drift detection reports it (`message_content::Payload`).
    const NAME: &'static str;
    /// The members' keys, in the spec's order: when several are present, the first wins.
    const KEYS: &'static [&'static str];
    /// Whether this is its struct's only group, so that a key the struct does not list, met
    /// when no member is present, is taken as a member this client does not know.
    const TAKES_UNKNOWN_KEYS: bool;
    /// The member `key` decoded from `value`; `None` when the key is not one of
    /// [`Group::KEYS`] or its value does not decode.
    fn decode(key: &str, value: &Value) -> Option<Self>;
    /// The member `key` kept verbatim (its `Unrecognized` variant).
    fn unrecognized(key: String, value: Value) -> Self;
    /// Writes the member held into its struct's object.
    fn write<M: SerializeMap>(&self, writer: &mut Writer<M>);
}

/// A group boxed to break a cycle of types.
impl<G: Group> Group for Box<G> {
    const NAME: &'static str = G::NAME;
    const KEYS: &'static [&'static str] = G::KEYS;
    const TAKES_UNKNOWN_KEYS: bool = G::TAKES_UNKNOWN_KEYS;
    fn decode(key: &str, value: &Value) -> Option<Self> {
        G::decode(key, value).map(Box::new)
    }
    fn unrecognized(key: String, value: Value) -> Self {
        Box::new(G::unrecognized(key, value))
    }
    fn write<M: SerializeMap>(&self, writer: &mut Writer<M>) {
        G::write(self, writer);
    }
}

/// A oneof group field (see [`Group`]).
pub mod group {
    use super::*;

    /// Writes the member held, if any.
    pub fn write<G: Group, M: SerializeMap>(writer: &mut Writer<M>, group: &Option<G>) {
        if let Some(group) = group {
            group.write(writer);
        }
    }

    /// The group read from `entries` (the members present; `null` counts as absent), else,
    /// for a group that takes unknown keys, from the first key of `extra` that holds a value.
    /// Members present beyond the first are moved to `extra`, so they are kept too.
    pub fn take<G: Group>(
        mut entries: BTreeMap<String, Value>,
        extra: &mut BTreeMap<String, Value>,
    ) -> Option<G> {
        entries.retain(|_, value| !value.is_null());
        let first = G::KEYS.iter().find_map(|key| entries.remove_entry(*key));
        let taken = match first {
            Some(first) => Some(first),
            None if G::TAKES_UNKNOWN_KEYS => extra
                .iter()
                .find(|(_, value)| !value.is_null())
                .map(|(key, _)| key.clone())
                .and_then(|key| extra.remove_entry(&key)),
            None => None,
        };
        extra.append(&mut entries);
        taken.map(|(key, value)| member(key, value))
    }

    /// The member `key` holding `value`: decoded, or kept verbatim and noted for drift
    /// detection when its value does not decode or the key is not a member.
    fn member<G: Group>(key: String, value: Value) -> G {
        G::decode(&key, &value).unwrap_or_else(|| {
            drift::note_unknown_oneof_key(G::NAME, &key);
            G::unrecognized(key, value)
        })
    }
}

/// `value` decoded in format `F`, or `None` when it does not fit (what decoding it noted for
/// drift detection is then forgotten).
pub fn decode<F: ReadFormat<T>, T>(value: &Value) -> Option<T> {
    drift::attempt(|| F::read(value)).ok()
}

/// A key of a JSON object, borrowed from the input when it can be.
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> de::Visitor<'de> for Visitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Key<'de>, E> {
                Ok(Key(String::from_utf8_lossy(v).into_owned().into()))
            }
        }
        deserializer.deserialize_identifier(Visitor)
    }
}

/// Implements `Serialize` and `Deserialize` for a generated struct from its field list, one
/// field per line: `required` or `optional`, the Rust field, `=`, the JSON key, and the wire
/// format when it is not serde's default (`as Int64`, `as LenientInt`); then, for a struct with
/// oneof groups, `flatten { field = "member" | "member", ... }` (each group's field and its
/// members' keys, see [`Group`]); then `keep` and the field of the keys it does not list, which
/// decoding notes for drift detection ([`note_unknown_fields`](crate::drift::note_unknown_fields)). A leading `sent` marks a type only ever sent: its
/// `Deserialize` is compiled only with the crate's `decode-requests` feature. A leading
/// `received` marks one only ever received: its `Serialize` is compiled only with the
/// `encode-responses` feature.
///
/// ```ignore
/// crate::runtime::json_object! {
///     Conversation {
///         optional id = "id",
///         required created_count = "createdCount" as Int64,
///     } keep extra
/// }
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! json_object {
    (sent $name:ident $($rest:tt)*) => {
        $crate::json_object!(@write $name $($rest)*);
        #[cfg(feature = "decode-requests")]
        $crate::json_object!(@read $name $($rest)*);
    };
    (received $name:ident $($rest:tt)*) => {
        #[cfg(feature = "encode-responses")]
        $crate::json_object!(@write $name $($rest)*);
        $crate::json_object!(@read $name $($rest)*);
    };
    // A required field's value or the `missing field` error; an optional field's value, with
    // no `?` (each `?` is a branch and an early exit the compiler checks, per field).
    (@finish required $field:ident $key:literal) => {
        $crate::runtime::object::required::finish($field, $key)?
    };
    (@finish optional $field:ident $key:literal) => {
        $field.flatten()
    };
    (@write $name:ident {
        $($mode:ident $field:ident = $key:literal $(as $format:ident)?),* $(,)?
    } $(flatten { $($group:ident = $($member:literal)|+),* $(,)? })? keep $extra:ident) => {
        #[allow(deprecated, unused_mut, unused_parens)]
        impl ::serde::Serialize for $name {
            fn serialize<__S: ::serde::Serializer>(
                &self,
                serializer: __S,
            ) -> ::std::result::Result<__S::Ok, __S::Error> {
                let mut map = $crate::runtime::object::Writer::new(
                    serializer.serialize_map(::std::option::Option::None)?,
                );
                $(
                    $crate::runtime::object::$mode::write::<
                        ($($crate::runtime::object::$format)?), _, _
                    >(&mut map, $key, &self.$field);
                )*
                $($($crate::runtime::object::group::write(&mut map, &self.$group);)*)?
                map.extra(&self.$extra, &[$($key),*]);
                map.end()
            }
        }
    };
    (@read $name:ident {
        $($mode:ident $field:ident = $key:literal $(as $format:ident)?),* $(,)?
    } $(flatten { $($group:ident = $($member:literal)|+),* $(,)? })? keep $extra:ident) => {
        #[allow(deprecated, unused_parens)]
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<__D: ::serde::Deserializer<'de>>(
                deserializer: __D,
            ) -> ::std::result::Result<Self, __D::Error> {
                struct __Visitor;
                impl<'de> ::serde::de::Visitor<'de> for __Visitor {
                    type Value = $name;
                    fn expecting(
                        &self,
                        f: &mut ::std::fmt::Formatter<'_>,
                    ) -> ::std::fmt::Result {
                        f.write_str(concat!("struct ", stringify!($name)))
                    }
                    fn visit_map<__A: ::serde::de::MapAccess<'de>>(
                        self,
                        mut map: __A,
                    ) -> ::std::result::Result<$name, __A::Error> {
                        $(let mut $field = ::std::option::Option::None;)*
                        $($(let mut $group = ::std::collections::BTreeMap::new();)*)?
                        let mut $extra = ::std::collections::BTreeMap::new();
                        while let ::std::option::Option::Some(key) =
                            map.next_key::<$crate::runtime::object::Key<'de>>()?
                        {
                            match key.as_str() {
                                $($key => $crate::runtime::object::read::<
                                    ($($crate::runtime::object::$format)?), _, _
                                >(&mut map, &mut $field),)*
                                $($($($member)|+ => {
                                    $crate::runtime::object::keep(&mut map, key, &mut $group)
                                })*)?
                                _ => $crate::runtime::object::keep(&mut map, key, &mut $extra),
                            }?;
                        }
                        let value = $name {
                            $($field: $crate::json_object!(@finish $mode $field $key),)*
                            $($($group: $crate::runtime::object::group::take(
                                $group,
                                &mut $extra,
                            ),)*)?
                            $extra,
                        };
                        $crate::drift::note_unknown_fields(
                            stringify!($name),
                            &[$($key,)* $($($($member,)+)*)?],
                            &value.$extra,
                        );
                        ::std::result::Result::Ok(value)
                    }
                }
                deserializer.deserialize_map(__Visitor)
            }
        }
    };
    ($name:ident $($rest:tt)*) => {
        $crate::json_object!(@write $name $($rest)*);
        $crate::json_object!(@read $name $($rest)*);
    };
}
pub use json_object;

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::{json, Value};

    /// Names that would clash with the macro's own if it were not careful.
    #[derive(Debug, Default, PartialEq)]
    struct A {
        map: Option<String>,
        key: Option<i64>,
        r#type: Option<String>,
        deserializer: Option<bool>,
        extra: BTreeMap<String, Value>,
    }

    crate::runtime::json_object! {
        A {
            optional map = "map",
            optional key = "key" as Int64,
            optional r#type = "type",
            optional deserializer = "deserializer",
        } keep extra
    }

    #[derive(Clone, Debug, PartialEq)]
    struct Visitor {
        id: i64,
        count: i32,
        tags: Vec<String>,
        nested: Option<Box<Visitor>>,
        more: BTreeMap<String, Value>,
    }

    crate::runtime::json_object! {
        Visitor {
            required id = "id" as Int64,
            required count = "count" as LenientInt,
            required tags = "tags",
            optional nested = "nested",
        } keep more
    }

    #[derive(Debug, PartialEq)]
    struct Empty {
        extra: BTreeMap<String, Value>,
    }

    crate::runtime::json_object! {
        Empty {} keep extra
    }

    #[test]
    fn writes_fields_in_order_and_leaves_out_none() {
        let value = A {
            map: Some("m".into()),
            key: Some(7),
            r#type: None,
            deserializer: Some(false),
            extra: BTreeMap::new(),
        };
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            r#"{"map":"m","key":"7","deserializer":false}"#
        );
        assert_eq!(serde_json::to_string(&A::default()).unwrap(), "{}");
        assert_eq!(
            serde_json::to_string(&Empty {
                extra: BTreeMap::new()
            })
            .unwrap(),
            "{}"
        );
        assert_eq!(serde_json::to_value(&value).unwrap()["key"], json!("7"));
    }

    #[test]
    fn reads_formats_nulls_unknown_keys_and_escaped_keys() {
        let read: Visitor = serde_json::from_str(
            r#"{"id":"12","count":3.0,"unknown":{"deep":[1,2]},"tags":["a"],"nested":null}"#,
        )
        .unwrap();
        assert_eq!(
            read,
            Visitor {
                id: 12,
                count: 3,
                tags: vec!["a".into()],
                nested: None,
                more: BTreeMap::from([("unknown".to_owned(), json!({"deep": [1, 2]}))]),
            }
        );
        // An escaped key is owned, not borrowed, and still matches.
        let read: A = serde_json::from_str(r#"{"ty\u0070e":"x","key":5}"#).unwrap();
        assert_eq!(read.r#type.as_deref(), Some("x"));
        assert_eq!(read.key, Some(5));
        // From a `Value` (owned keys) and from a reader.
        let from_value: Visitor =
            serde_json::from_value(json!({"id": 1, "count": 2, "tags": [], "nested": {"id": "3", "count": 4, "tags": ["t"]}}))
                .unwrap();
        assert_eq!(from_value.nested.unwrap().id, 3);
        let from_reader: A = serde_json::from_reader(&br#"{"map":"r"}"#[..]).unwrap();
        assert_eq!(from_reader.map.as_deref(), Some("r"));
        let empty: Empty = serde_json::from_str(r#"{"anything":1}"#).unwrap();
        assert_eq!(empty.extra["anything"], json!(1));
    }

    #[test]
    fn a_missing_required_field_is_named_and_a_repeated_key_keeps_the_last_value() {
        let error = serde_json::from_str::<Visitor>(r#"{"id":"1","tags":[]}"#).unwrap_err();
        assert!(
            error.to_string().contains("missing field `count`"),
            "{error}"
        );
        let error = serde_json::from_str::<Visitor>(r#"[1, 2]"#).unwrap_err();
        assert!(error.to_string().contains("struct Visitor"), "{error}");
        let error =
            serde_json::from_str::<Visitor>(r#"{"id":"x","count":1,"tags":[]}"#).unwrap_err();
        assert!(error.to_string().contains("int64"), "{error}");
        let read: A = serde_json::from_str(r#"{"map":"first","map":"last"}"#).unwrap();
        assert_eq!(read.map.as_deref(), Some("last"));
    }

    #[test]
    fn round_trips() {
        let value = Visitor {
            id: i64::MAX,
            count: -1,
            tags: vec!["x".into(), "y".into()],
            nested: Some(Box::new(Visitor {
                id: 0,
                count: 0,
                tags: vec![],
                nested: None,
                more: BTreeMap::new(),
            })),
            more: BTreeMap::from([("added".to_owned(), json!({"later": true}))]),
        };
        let text = serde_json::to_string(&value).unwrap();
        assert_eq!(serde_json::from_str::<Visitor>(&text).unwrap(), value);
    }

    #[test]
    fn unknown_fields_are_kept_and_written_back_after_the_listed_ones() {
        let text = r#"{"zeta":[1,{"b":null}],"id":"5","count":1,"tags":[],"alpha":"a"}"#;
        let read: Visitor = serde_json::from_str(text).unwrap();
        assert_eq!(
            read.more,
            BTreeMap::from([
                ("alpha".to_owned(), json!("a")),
                ("zeta".to_owned(), json!([1, {"b": null}])),
            ])
        );
        assert_eq!(
            serde_json::to_string(&read).unwrap(),
            r#"{"id":"5","count":1,"tags":[],"alpha":"a","zeta":[1,{"b":null}]}"#
        );
        // A key the struct lists is written from its field, never twice.
        let mut shadowed = read.clone();
        shadowed.more.insert("id".to_owned(), json!("999"));
        assert_eq!(
            serde_json::to_value(&shadowed).unwrap(),
            serde_json::to_value(&read).unwrap()
        );
    }

    /// A oneof group: a word or a count (an `int64` written as a string).
    #[derive(Clone, Debug, PartialEq)]
    enum Pick {
        Word(String),
        Count(i64),
        Unrecognized { key: String, value: Value },
    }

    impl super::Group for Pick {
        const NAME: &'static str = "Pick";
        const KEYS: &'static [&'static str] = &["word", "count"];
        const TAKES_UNKNOWN_KEYS: bool = true;
        fn decode(key: &str, value: &Value) -> Option<Self> {
            match key {
                "word" => super::decode::<(), _>(value).map(Pick::Word),
                "count" => super::decode::<super::Int64, _>(value).map(Pick::Count),
                _ => None,
            }
        }
        fn unrecognized(key: String, value: Value) -> Self {
            Pick::Unrecognized { key, value }
        }
        fn write<M: serde::ser::SerializeMap>(&self, writer: &mut super::Writer<M>) {
            match self {
                Pick::Word(word) => writer.entry::<(), _>("word", word),
                Pick::Count(count) => writer.entry::<super::Int64, _>("count", count),
                Pick::Unrecognized { key, value } => writer.unlisted(key, value),
            }
        }
    }

    #[derive(Clone, Debug, Default, PartialEq)]
    struct Holder {
        name: Option<String>,
        pick: Option<Pick>,
        extra: BTreeMap<String, Value>,
    }

    crate::runtime::json_object! {
        Holder {
            optional name = "name",
        } flatten {
            pick = "word" | "count",
        } keep extra
    }

    fn holder(text: &str) -> Holder {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn a_group_reads_its_member_from_the_struct_object() {
        let read = holder(r#"{"name": "n", "count": "7"}"#);
        assert_eq!(read.pick, Some(Pick::Count(7)));
        assert!(read.extra.is_empty());
        assert_eq!(
            serde_json::to_string(&read).unwrap(),
            r#"{"name":"n","count":"7"}"#
        );
        assert_eq!(holder("{}"), Holder::default());
    }

    #[test]
    fn a_group_keeps_what_it_does_not_take() {
        // Two members: the first in the group's order wins, the other is kept as unknown.
        let read = holder(r#"{"count": "7", "word": "w", "zzz": 1}"#);
        assert_eq!(read.pick, Some(Pick::Word("w".into())));
        assert_eq!(
            read.extra,
            BTreeMap::from([
                ("count".to_owned(), json!("7")),
                ("zzz".to_owned(), json!(1))
            ])
        );
        assert_eq!(
            serde_json::to_string(&read).unwrap(),
            r#"{"word":"w","count":"7","zzz":1}"#
        );
        // A member that does not decode is kept verbatim, and noted for drift detection.
        let (read, notes) =
            crate::runtime::drift::collect_notes(|| holder(r#"{"count": "seven"}"#));
        assert_eq!(notes.len(), 1);
        assert!(!notes[0].is_field());
        assert_eq!(
            read.pick,
            Some(Pick::Unrecognized {
                key: "count".into(),
                value: json!("seven")
            })
        );
        assert_eq!(
            serde_json::to_value(&read).unwrap(),
            json!({"count": "seven"})
        );
    }

    #[test]
    fn a_groups_null_member_is_absent_and_an_unknown_key_can_be_a_new_member() {
        let read = holder(r#"{"word": null, "novel": {"a": 1}}"#);
        assert_eq!(
            read.pick,
            Some(Pick::Unrecognized {
                key: "novel".into(),
                value: json!({"a": 1})
            })
        );
        assert!(read.extra.is_empty());
        assert_eq!(
            serde_json::to_value(&read).unwrap(),
            json!({"novel": {"a": 1}})
        );
    }

    #[test]
    fn decoded_structs_note_their_unknown_fields_for_drift_detection() {
        let (read, notes) = crate::runtime::drift::collect_notes(|| {
            serde_json::from_str::<A>(r#"{"map": "m", "novel": 1, "other": null}"#)
        });
        assert_eq!(read.unwrap().extra.len(), 2);
        assert_eq!(notes.len(), 2);
        assert!(notes.iter().all(|note| note.is_field()));
        // A struct that fails to decode notes nothing; nor does one without unknown keys.
        let (read, notes) = crate::runtime::drift::collect_notes(|| {
            serde_json::from_str::<Visitor>(r#"{"id": "1", "novel": 1}"#)
        });
        assert!(read.is_err());
        assert!(notes.is_empty());
        let (_, notes) =
            crate::runtime::drift::collect_notes(|| serde_json::from_str::<A>(r#"{"map": "m"}"#));
        assert!(notes.is_empty());
    }

    #[test]
    fn the_first_write_error_is_returned() {
        struct Full;
        impl std::io::Write for Full {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("full"))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let value = A {
            map: Some("m".into()),
            ..A::default()
        };
        let error = serde_json::to_writer(Full, &value).unwrap_err();
        assert!(error.to_string().contains("full"), "{error}");
    }
}
