//! How one path, query, header or cookie parameter is written into the request: OpenAPI's
//! `style` and `explode` for lists and objects, through the runtime's `Query`, `Headers` and
//! `path_*` helpers; a parameter described by `content` as its media type's text
//! (`query::content_value`).

use proc_macro2::TokenStream;
use quote::quote;

use super::types::ident;
use crate::ir::{self, ParamStyle, TypeKind, TypeRef};

/// What a parameter's value is, with aliases followed.
enum Shape<'a> {
    /// A string, number, boolean or enum: `to_query`.
    Scalar,
    /// A list of scalars.
    List,
    /// An object whose properties are scalars or lists of them.
    Object(&'a ir::Struct),
    /// Anything else (unions, objects holding objects, lists of objects, maps, free JSON):
    /// written through its JSON form by the runtime's `*_value` helpers.
    Value,
}

fn shape<'a>(api: &'a ir::Api, ty: &TypeRef) -> Shape<'a> {
    shape_at(api, ty, 0)
}

/// `depth` counts the objects entered: a property holding an object makes its owner a
/// `Value`, so recursive types end here.
fn shape_at<'a>(api: &'a ir::Api, ty: &TypeRef, depth: usize) -> Shape<'a> {
    match ty {
        TypeRef::List(inner) => match shape_at(api, inner, depth) {
            Shape::Scalar => Shape::List,
            _ => Shape::Value,
        },
        TypeRef::Prim(ir::Prim::Json) | TypeRef::Map(_) => Shape::Value,
        TypeRef::Prim(_) => Shape::Scalar,
        TypeRef::Named(_) | TypeRef::Boxed(_) => match named(api, ty) {
            Some(TypeKind::Struct(s))
                if depth == 0
                    && s.fields.iter().all(|f| {
                        !f.flatten
                            && matches!(
                                shape_at(api, &f.value.ty, depth + 1),
                                Shape::Scalar | Shape::List
                            )
                    }) =>
            {
                Shape::Object(s)
            }
            Some(TypeKind::Enum(_)) => Shape::Scalar,
            // `named` followed every alias to a named type, so this one ends the chain.
            Some(TypeKind::Alias(inner)) => shape_at(api, inner, depth),
            _ => Shape::Value,
        },
    }
}

/// The kind of the named type `ty`, with aliases of aliases followed (at most 16 deep, so a
/// cycle of aliases, reported by resolve, ends).
fn named<'a>(api: &'a ir::Api, ty: &TypeRef) -> Option<&'a TypeKind> {
    let mut ty = ty;
    for _ in 0..16 {
        let (TypeRef::Named(n) | TypeRef::Boxed(n)) = ty else {
            return None;
        };
        match api.types.iter().find(|t| &t.name == n).map(|t| &t.kind) {
            Some(TypeKind::Alias(inner @ (TypeRef::Named(_) | TypeRef::Boxed(_)))) => ty = inner,
            other => return other,
        }
    }
    None
}

/// `[("key", Some(value.field.to_query())), ...]` for the properties of an object value
/// bound to `value`; keys are `name[key]` for `deepObject`.
fn pairs(p: &ir::Param, s: &ir::Struct) -> TokenStream {
    let entries = s.fields.iter().map(|f| {
        let key = match p.style {
            ParamStyle::DeepObject => format!("{}[{}]", p.wire_name, f.wire_name),
            _ => f.wire_name.clone(),
        };
        let field = ident(&f.name);
        if f.required {
            quote!((#key, Some(value.#field.to_query())))
        } else {
            quote!((#key, value.#field.as_ref().map(QueryValue::to_query)))
        }
    });
    quote!([#(#entries),*])
}

fn path_style(style: ParamStyle) -> TokenStream {
    match style {
        ParamStyle::Label => quote!(PathStyle::Label),
        ParamStyle::Matrix => quote!(PathStyle::Matrix),
        _ => quote!(PathStyle::Simple),
    }
}

/// For a parameter described by `content` (style `Json` or `Text`), the expression of its
/// value's text in that media type, read from `value` (a reference).
fn content_text(p: &ir::Param, value: &TokenStream) -> Option<TokenStream> {
    let json = match p.style {
        ParamStyle::Json => true,
        ParamStyle::Text => false,
        _ => return None,
    };
    let wire = &p.wire_name;
    Some(quote!(crate::runtime::query::content_value(#wire, #json, #value)?))
}

/// The piece of the path that a (required) path parameter becomes.
pub(crate) fn path_piece(api: &ir::Api, p: &ir::Param) -> TokenStream {
    let pname = ident(&p.name);
    let wire = &p.wire_name;
    if let Some(text) = content_text(p, &quote!(&#pname)) {
        return quote!(&encode_path_segment(&#text));
    }
    let style = path_style(p.style);
    let explode = p.explode;
    match shape(api, &p.ty) {
        Shape::Scalar if matches!(p.style, ParamStyle::Label | ParamStyle::Matrix) => {
            quote!(&path_scalar(#style, #wire, &#pname))
        }
        Shape::Scalar => quote!(&encode_path_segment(&#pname.to_query())),
        Shape::List => quote!(&path_list(#style, #explode, #wire, &#pname)),
        Shape::Object(s) => {
            let pairs = pairs(p, s);
            quote!(&{
                let value = &#pname;
                path_object(#style, #explode, #wire, #pairs)
            })
        }
        Shape::Value => quote!(&path_value(#style, #explode, #wire, &#pname)),
    }
}

fn query_style(style: ParamStyle) -> TokenStream {
    match style {
        ParamStyle::SpaceDelimited => quote!(QueryStyle::SpaceDelimited),
        ParamStyle::PipeDelimited => quote!(QueryStyle::PipeDelimited),
        ParamStyle::DeepObject => quote!(QueryStyle::DeepObject),
        _ => quote!(QueryStyle::Form),
    }
}

/// The statement that adds a query parameter (read from `options` when optional).
pub(crate) fn query_push(api: &ir::Api, p: &ir::Param) -> TokenStream {
    let wire = &p.wire_name;
    let pname = ident(&p.name);
    let separator = match p.style {
        ParamStyle::SpaceDelimited => Some(" "),
        ParamStyle::PipeDelimited => Some("|"),
        ParamStyle::Form if !p.explode => Some(","),
        _ => None,
    };
    let value = if p.required {
        quote!(&#pname)
    } else {
        quote!(value)
    };
    let content = content_text(p, &value);
    let push = match (shape(api, &p.ty), separator) {
        _ if content.is_some() => quote!(query.push(#wire, &#content);),
        (Shape::Value, _) => {
            let style = query_style(p.style);
            let explode = p.explode;
            quote!(query.push_value(#wire, #style, #explode, #value);)
        }
        (Shape::Scalar, _) => {
            return if p.required {
                quote!(query.push(#wire, &#pname);)
            } else {
                quote!(query.push_opt(#wire, options.#pname.as_ref());)
            };
        }
        (Shape::List, None) if matches!(p.ty, TypeRef::List(_)) => {
            return if p.required {
                quote!(query.push_each(#wire, &#pname);)
            } else {
                quote!(query.push_each(#wire, options.#pname.as_deref().unwrap_or_default());)
            };
        }
        (Shape::List, None) => quote!(query.push_each(#wire, #value);),
        (Shape::List, Some(separator)) => quote!(query.push_joined(#wire, #value, #separator);),
        (Shape::Object(s), separator) => {
            let pairs = pairs(p, s);
            let push = match (p.style, separator) {
                (ParamStyle::DeepObject, _) | (_, None) => quote!(query.push_pairs(#pairs);),
                (_, Some(separator)) => quote!(query.push_object(#wire, #pairs, #separator);),
            };
            if p.required {
                return quote! {
                    {
                        let value = &#pname;
                        #push
                    }
                };
            }
            push
        }
    };
    if p.required {
        push
    } else {
        quote! {
            if let Some(value) = &options.#pname {
                #push
            }
        }
    }
}

/// The statement that adds a header or cookie parameter to `headers` (read from `options` when
/// optional): headers in the `simple` style, cookies in `form`.
pub(crate) fn header_push(api: &ir::Api, p: &ir::Param) -> TokenStream {
    let wire = &p.wire_name;
    let pname = ident(&p.name);
    let explode = p.explode;
    let cookie = p.location == ir::ParamLocation::Cookie;
    let value = if p.required {
        quote!(&#pname)
    } else {
        quote!(value)
    };
    let content = content_text(p, &value);
    let push = match shape(api, &p.ty) {
        _ if content.is_some() && cookie => quote!(headers.cookie(#wire, &#content);),
        _ if content.is_some() => quote!(headers.header(#wire, &#content);),
        Shape::Scalar if cookie => quote!(headers.cookie(#wire, #value);),
        Shape::List if cookie => quote!(headers.cookie_list(#wire, #explode, #value);),
        // A list in `simple` style is its items joined by `,`, as `Vec`'s `to_query` writes it.
        Shape::Scalar | Shape::List => quote!(headers.header(#wire, #value);),
        Shape::Value if cookie => quote!(headers.cookie_value(#wire, #explode, #value);),
        Shape::Value => quote!(headers.header_value(#wire, #explode, #value);),
        Shape::Object(s) => {
            let pairs = pairs(p, s);
            let push = if cookie {
                quote!(headers.cookie_object(#wire, #explode, #pairs);)
            } else {
                quote!(headers.header_object(#wire, #explode, #pairs);)
            };
            if p.required {
                quote! {
                    {
                        let value = &#pname;
                        #push
                    }
                }
            } else {
                push
            }
        }
    };
    if p.required {
        push
    } else {
        quote! {
            if let Some(value) = &options.#pname {
                #push
            }
        }
    }
}
