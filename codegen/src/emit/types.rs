//! `ir::TypeDef`s -> `types.rs`: structs, open enums, oneof enums, aliases.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::docs::{deprecation_note, doc_attrs, item_doc, Docs};
use crate::ir::{self, Prim, TypeKind, TypeRef, WireFormat};
use crate::names;

/// Inner docs and imports of `types.rs`.
pub(crate) fn emit_header() -> TokenStream {
    quote! {
        //! Data types of the API.
        // The types mirror the spec: a union holds each alternative by value (boxing the
        // large ones would change how callers match on them), a constructor takes every
        // required field, fields are typed and named as the spec has them (nested maps and
        // lists, `foo`, digits), and docs carry the spec's Markdown as it is written.
        #![allow(
            clippy::large_enum_variant,
            clippy::too_many_arguments,
            clippy::type_complexity,
            clippy::just_underscores_and_digits,
            clippy::disallowed_names,
            clippy::doc_lazy_continuation,
            clippy::tabs_in_doc_comments
        )]
        #[allow(unused_imports)] // a spec may use none of it
        use crate::runtime::prelude::*;
    }
}

/// Tokens of the type definitions `defs` (a slice of `api.types`). The enums of a struct's
/// oneof groups (named `module::Enum`) are consecutive and go in one `pub mod module` block.
pub(crate) fn emit_types(api: &ir::Api, defs: &[ir::TypeDef], docs: &Docs) -> TokenStream {
    let mut out = TokenStream::new();
    let mut rest = defs;
    while let Some(first) = rest.first() {
        let Some(module) = first.module() else {
            out.extend(emit_type(api, first, docs));
            rest = &rest[1..];
            continue;
        };
        let len = rest
            .iter()
            .take_while(|t| t.module() == Some(module))
            .count();
        let items: TokenStream = rest[..len]
            .iter()
            .map(|t| emit_type(api, t, docs))
            .collect();
        let doc = format!(" The oneof groups of `{}`.", owner_of(&rest[..len]));
        let module = ident(module);
        out.extend(quote! {
            #[doc = #doc]
            pub mod #module {
                use crate::runtime::prelude::*;
                #items
            }
        });
        rest = &rest[len..];
    }
    out
}

/// The struct whose groups `defs` are: the part of the spec name before the group.
fn owner_of(defs: &[ir::TypeDef]) -> &str {
    defs[0]
        .spec_name
        .rsplit_once('.')
        .map_or(defs[0].spec_name.as_str(), |(owner, _)| owner)
}

pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// A path of identifiers (`participant_id::Id`), or one identifier.
pub(crate) fn path(name: &str) -> TokenStream {
    let segments = name.split("::").map(ident);
    quote!(#(#segments)::*)
}

/// The Rust type of a reference (without `Option`), as written in the `types` module.
pub(crate) fn rust_type(ty: &TypeRef) -> TokenStream {
    rust_type_at(ty, "")
}

/// [`rust_type`] as written in a module inside `types`: generated types are named through
/// `prefix` (`super::`).
fn rust_type_at(ty: &TypeRef, prefix: &str) -> TokenStream {
    match ty {
        TypeRef::Named(n) => path(&format!("{prefix}{n}")),
        TypeRef::Boxed(n) => {
            let n = path(&format!("{prefix}{n}"));
            quote!(Box<#n>)
        }
        TypeRef::Prim(p) => match p {
            Prim::String => quote!(String),
            Prim::Bool => quote!(bool),
            Prim::I32 => quote!(i32),
            Prim::I64 => quote!(i64),
            Prim::F32 => quote!(f32),
            Prim::F64 => quote!(f64),
            Prim::Uuid => quote!(Uuid),
            Prim::DateTime => quote!(Timestamp),
            Prim::Date => quote!(Date),
            Prim::Json => quote!(Value),
        },
        TypeRef::List(inner) => {
            let inner = rust_type_at(inner, prefix);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = rust_type_at(inner, prefix);
            quote!(BTreeMap<String, #inner>)
        }
    }
}

/// The `runtime::object` wire format (`Int64`, `LenientInt`) that applies to `ty`, when it is
/// not serde's default.
fn wire_format(wire: WireFormat, ty: &TypeRef) -> Option<&'static str> {
    let integer = |t: &TypeRef| matches!(t, TypeRef::Prim(Prim::I32 | Prim::I64));
    let applies =
        integer(ty) || matches!(ty, TypeRef::List(inner) | TypeRef::Map(inner) if integer(inner));
    match wire {
        WireFormat::Plain => None,
        WireFormat::Int64String if applies => Some("Int64"),
        WireFormat::LenientInt if applies => Some("LenientInt"),
        _ => None,
    }
}

fn emit_type(api: &ir::Api, type_def: &ir::TypeDef, docs: &Docs) -> TokenStream {
    let fallback = format!("`{}` from the spec.", type_def.spec_name);
    let doc = doc_attrs(
        docs,
        &if type_def.doc.is_empty() {
            vec![fallback]
        } else {
            type_def.doc.clone()
        },
    );
    let name = ident(type_def.name.rsplit("::").next().unwrap_or(&type_def.name));
    let way = Way::of(api, &type_def.name);
    match &type_def.kind {
        TypeKind::Struct(s) => emit_struct(api, &name, doc, s, way, docs),
        TypeKind::Enum(e) => emit_enum(&name, doc, e, docs),
        TypeKind::OneOf(o) => emit_oneof(&name, doc, o, &type_def.name, way, docs),
        TypeKind::Alias(ty) => {
            let ty = rust_type(ty);
            quote! {
                #doc
                pub type #name = #ty;
            }
        }
    }
}

/// A member (a struct field or a oneof alternative) as printed: its doc and `#[deprecated]`
/// attributes, and its Rust type (generated types named through `prefix`).
fn member(m: &ir::Member, fallback: &str, prefix: &str, docs: &Docs) -> (TokenStream, TokenStream) {
    let doc = doc_attrs(docs, &item_doc(&m.doc, &m.limits, m.read_only, fallback));
    let deprecated = m.deprecated.as_ref().map(|d| {
        let note = deprecation_note(d);
        quote!(#[deprecated(note = #note)])
    });
    (quote!(#doc #deprecated), rust_type_at(&m.ty, prefix))
}

/// Whether every field is optional, so `Default` can be derived.
fn all_optional(s: &ir::Struct) -> bool {
    s.fields.iter().all(|f| !f.required)
}

/// Which serde impls a type always has ([`ir::Api::one_way`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Way {
    /// Both.
    Both,
    /// Only ever sent: `Deserialize` only with the crate's `decode-requests` feature.
    Sent,
    /// Only ever received: `Serialize` only with the crate's `encode-responses` feature.
    Received,
}

impl Way {
    fn of(api: &ir::Api, name: &str) -> Way {
        if api.one_way.sent.contains(name) {
            Way::Sent
        } else if api.one_way.received.contains(name) {
            Way::Received
        } else {
            Way::Both
        }
    }

    /// The leading `sent` or `received` of a serde macro call, which puts the other
    /// direction's impl behind its feature.
    fn marker(self) -> Option<TokenStream> {
        match self {
            Way::Both => None,
            Way::Sent => Some(quote!(sent)),
            Way::Received => Some(quote!(received)),
        }
    }
}

fn emit_struct(
    api: &ir::Api,
    name: &Ident,
    doc: TokenStream,
    s: &ir::Struct,
    way: Way,
    docs: &Docs,
) -> TokenStream {
    let fields = s.fields.iter().map(|f| {
        let field_name = ident(&f.name);
        let fallback = format!("`{}` in the JSON object.", f.wire_name);
        let (attrs, ty) = member(&f.value, &fallback, "", docs);
        let ty = if f.required { ty } else { quote!(Option<#ty>) };
        quote! {
            #attrs
            pub #field_name: #ty,
        }
    });
    let entries = s.fields.iter().filter(|f| !f.flatten).map(|f| {
        let field_name = ident(&f.name);
        let mode = ident(if f.required { "required" } else { "optional" });
        let key = &f.wire_name;
        let format = wire_format(f.value.wire, &f.value.ty).map(|format| {
            let format = ident(format);
            quote!(as #format)
        });
        quote!(#mode #field_name = #key #format)
    });
    let extra = ident(&names::extra_field(
        s.fields.iter().map(|f| f.name.as_str()),
    ));
    let extra_doc = doc_attrs(
        docs,
        &[
            "Fields the spec does not list (added to the API after this client was generated), \
             kept as received and written back after the listed ones."
                .to_owned(),
        ],
    );
    // Oneof groups: the field and its members' keys (`flatten { data = "text" | "image" }`).
    let groups: Vec<TokenStream> = s
        .fields
        .iter()
        .filter(|f| f.flatten)
        .map(|f| {
            let field_name = ident(&f.name);
            let keys = group_keys(api, &f.value.ty);
            quote!(#field_name = #(#keys)|*)
        })
        .collect();
    let flatten = (!groups.is_empty()).then(|| quote!(flatten { #(#groups),* }));
    let (derives, constructor, allow_deprecated) =
        struct_parts(api, name, s, Some(&extra), docs, &[]);
    let way = way.marker();
    quote! {
        #doc
        #derives
        #allow_deprecated
        pub struct #name {
            #(#fields)*
            #extra_doc
            pub #extra: BTreeMap<String, Value>,
        }
        #constructor
        crate::runtime::json_object! {
            #way #name { #(#entries),* } #flatten keep #extra
        }
    }
}

/// A struct's derives (`Default` when nothing is required, then `after_eq`), its `new`
/// constructor (when something is), and `#[allow(deprecated)]` when a field is deprecated.
fn struct_parts(
    api: &ir::Api,
    name: &Ident,
    s: &ir::Struct,
    extra: Option<&Ident>,
    docs: &Docs,
    after_eq: &[&str],
) -> (TokenStream, Option<TokenStream>, Option<TokenStream>) {
    let derives = if all_optional(s) {
        docs.derives(&["Clone", "Debug", "Default"], after_eq)
    } else {
        docs.derives(&["Clone", "Debug"], after_eq)
    };
    let constructor = (!all_optional(s)).then(|| emit_constructor(api, name, s, extra));
    let allow_deprecated = s
        .fields
        .iter()
        .any(|f| f.value.deprecated.is_some())
        .then(|| quote!(#[allow(deprecated)]));
    (derives, constructor, allow_deprecated)
}

/// The members' keys of the oneof group `ty` (a keyed oneof type), in the spec's order.
fn group_keys<'a>(api: &'a ir::Api, ty: &TypeRef) -> Vec<&'a str> {
    let (TypeRef::Named(name) | TypeRef::Boxed(name)) = ty else {
        return Vec::new();
    };
    api.types
        .iter()
        .find(|t| &t.name == name)
        .map(|t| match &t.kind {
            TypeKind::OneOf(o) => o.arms.iter().map(|a| a.wire_name.as_str()).collect(),
            _ => Vec::new(),
        })
        .unwrap_or_default()
}

fn emit_constructor(
    _api: &ir::Api,
    name: &Ident,
    s: &ir::Struct,
    extra: Option<&Ident>,
) -> TokenStream {
    let required: Vec<&ir::Field> = s.fields.iter().filter(|f| f.required).collect();
    let args = required.iter().map(|f| {
        let n = ident(&f.name);
        let ty = rust_type(&f.value.ty);
        quote!(#n: #ty)
    });
    let inits = s
        .fields
        .iter()
        .map(|f| {
            let n = ident(&f.name);
            if f.required {
                quote!(#n)
            } else {
                quote!(#n: None)
            }
        })
        .chain(extra.map(|extra| quote!(#extra: BTreeMap::new())));
    let listed: Vec<String> = required
        .iter()
        .map(|f| format!("`{}`", names::unraw(&f.name)))
        .collect();
    let doc = format!(
        " A value with the required {} set and every optional field empty.",
        listed.join(", ")
    );
    let allow_deprecated = s
        .fields
        .iter()
        .any(|f| f.value.deprecated.is_some())
        .then(|| quote!(#[allow(deprecated)]));
    quote! {
        impl #name {
            #[doc = #doc]
            #allow_deprecated
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits),* }
            }
        }
    }
}

pub(crate) fn emit_enum(name: &Ident, doc: TokenStream, e: &ir::Enum, docs: &Docs) -> TokenStream {
    let variants = e.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let fallback = format!("`{}`", v.wire_name);
        let doc = doc_attrs(
            docs,
            &if v.doc.is_empty() {
                vec![fallback]
            } else {
                v.doc.clone()
            },
        );
        quote! {
            #doc
            #variant,
        }
    });
    let from_wire_body = if e.variants.is_empty() {
        quote!(Self::Unrecognized(value.to_owned()))
    } else {
        let arms = e.variants.iter().map(|v| {
            let variant = ident(&v.name);
            let wire = &v.wire_name;
            quote!(#wire => Self::#variant,)
        });
        quote! {
            match value {
                #(#arms)*
                _ => Self::Unrecognized(value.to_owned()),
            }
        }
    };
    let as_str = e.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let wire = &v.wire_name;
        quote!(Self::#variant => #wire,)
    });
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the client does not know yet, kept verbatim.
            Unrecognized(String),
        }

        impl #name {
            /// The value as the API writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    Self::Unrecognized(value) => value,
                }
            }

            /// Reads a value as the API writes it; an unknown one is kept in `Unrecognized`.
            pub fn from_wire(value: &str) -> Self {
                #from_wire_body
            }
        }

        crate::runtime::open_enum!(#name);
    }
}

fn emit_oneof(
    name: &Ident,
    doc: TokenStream,
    o: &ir::OneOf,
    drift_name: &str,
    way: Way,
    docs: &Docs,
) -> TokenStream {
    match &o.repr {
        ir::OneOfRepr::Keyed { takes_unknown_keys } => {
            emit_keyed(name, doc, o, drift_name, *takes_unknown_keys, docs)
        }
        ir::OneOfRepr::Untagged => emit_union(name, doc, o, None, way, docs),
        ir::OneOfRepr::Tagged { property } => emit_union(name, doc, o, Some(property), way, docs),
    }
}

/// A `oneOf`/`anyOf` union: untagged (`untagged_union!` tries the alternatives in order) or
/// tagged by a discriminator property (`tagged_union!`), both with a catch-all for what fits
/// nothing.
fn emit_union(
    name: &Ident,
    doc: TokenStream,
    o: &ir::OneOf,
    property: Option<&String>,
    way: Way,
    docs: &Docs,
) -> TokenStream {
    let way = way.marker();
    let arms = o.arms.iter().map(|a| {
        let variant = ident(&a.name);
        let fallback = match (property, a.tag_values.as_slice()) {
            (Some(property), values) if !values.is_empty() => {
                let values: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
                format!("`{property}` is {}.", values.join(" or "))
            }
            _ => format!("The value as `{}`.", example_name(&a.value.ty)),
        };
        let (attrs, ty) = member(&a.value, &fallback, "", docs);
        quote! {
            #attrs
            #variant(#ty),
        }
    });
    let catch_all = match property {
        Some(property) => format!(
            " A value whose `{property}` this version of the client does not know, kept verbatim."
        ),
        None => " A value that fits none of the alternatives, kept verbatim.".to_owned(),
    };
    let derive = docs.derives(&["Clone", "Debug"], &[]);
    let serde = match property {
        None => {
            let entries = o.arms.iter().map(|a| {
                let variant = ident(&a.name);
                let format = wire_format(a.value.wire, &a.value.ty).map(|format| {
                    let format = ident(format);
                    quote!(as #format)
                });
                quote!(#variant #format)
            });
            quote! {
                crate::runtime::untagged_union!(#way #name, #(#entries),*);
            }
        }
        Some(property) => {
            let entries = o.arms.iter().map(|a| {
                let variant = ident(&a.name);
                let values = &a.tag_values;
                quote!(#variant(#(#values),*))
            });
            quote! {
                crate::runtime::tagged_union!(#way #name, #property, #(#entries),*);
            }
        }
    };
    quote! {
        #doc
        #derive
        #[non_exhaustive]
        pub enum #name {
            #(#arms)*
            #[doc = #catch_all]
            Unrecognized(Value),
        }
        #serde
    }
}

/// A short name of a type for documentation.
fn example_name(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(n) | TypeRef::Boxed(n) => n.clone(),
        TypeRef::List(inner) => format!("Vec<{}>", example_name(inner)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", example_name(inner)),
        TypeRef::Prim(_) => rust_type(ty).to_string(),
    }
}

/// An `x-oneof` group: the alternatives are keys of the parent object, which the struct's
/// `json_object!` hands to the group (`runtime::object::Group`). An unknown member, and a known
/// one whose value does not decode, are kept in `Unrecognized` and written back as received.
fn emit_keyed(
    name: &Ident,
    doc: TokenStream,
    o: &ir::OneOf,
    drift_name: &str,
    takes_unknown_keys: bool,
    docs: &Docs,
) -> TokenStream {
    let arms = o.arms.iter().map(|a| {
        let variant = ident(&a.name);
        let fallback = format!("`{}` is present.", a.wire_name);
        let (attrs, ty) = member(&a.value, &fallback, "super::", docs);
        quote! {
            #attrs
            #variant(#ty),
        }
    });
    let format = |a: &ir::OneOfArm| match wire_format(a.value.wire, &a.value.ty) {
        Some(format) => {
            let format = ident(format);
            quote!(crate::runtime::object::#format)
        }
        None => quote!(()),
    };
    let writes = o.arms.iter().map(|a| {
        let variant = ident(&a.name);
        let key = &a.wire_name;
        let format = format(a);
        quote!(Self::#variant(value) => writer.entry::<#format, _>(#key, value),)
    });
    let reads = o.arms.iter().map(|a| {
        let variant = ident(&a.name);
        let key = &a.wire_name;
        let format = format(a);
        quote!(#key => crate::runtime::object::decode::<#format, _>(value).map(Self::#variant),)
    });
    let keys = o.arms.iter().map(|a| &a.wire_name);
    let allow_deprecated = o
        .arms
        .iter()
        .any(|a| a.value.deprecated.is_some())
        .then(|| quote!(#[allow(deprecated)]));
    let catch_all = if takes_unknown_keys {
        " A member this version of the client does not know (or a known one whose value did not decode), kept verbatim: written back as received and reported by drift detection."
    } else {
        " A known member whose value did not decode, kept verbatim: written back as received and reported by drift detection."
    };
    let derives = docs.derives(&["Clone", "Debug"], &[]);
    quote! {
        #doc
        #derives
        #[non_exhaustive]
        #allow_deprecated
        pub enum #name {
            #(#arms)*
            #[doc = #catch_all]
            Unrecognized {
                /// The member's key in the JSON object.
                key: String,
                /// Its value as received.
                value: Value,
            },
        }

        #allow_deprecated
        impl crate::runtime::object::Group for #name {
            const NAME: &'static str = #drift_name;
            const KEYS: &'static [&'static str] = &[#(#keys),*];
            const TAKES_UNKNOWN_KEYS: bool = #takes_unknown_keys;

            fn decode(key: &str, value: &Value) -> Option<Self> {
                match key {
                    #(#reads)*
                    _ => None,
                }
            }

            fn unrecognized(key: String, value: Value) -> Self {
                Self::Unrecognized { key, value }
            }

            fn write<M: serde::ser::SerializeMap>(
                &self,
                writer: &mut crate::runtime::object::Writer<M>,
            ) {
                match self {
                    #(#writes)*
                    Self::Unrecognized { key, value } => writer.unlisted(key, value),
                }
            }
        }
    }
}
