//! Request bodies that are not JSON, as resolve decided them: the method argument, the code
//! that encodes it (through the runtime's `form` and `body` modules, never per-operation
//! encoders), the form structs of multipart bodies, and the methods of an operation's other
//! body media types.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_attrs, Docs};
use super::types::{ident, rust_type};
use crate::ir::{self, BodyKind, FileShape};

/// The operation as each of its other body media types is sent: same parameters and
/// response, the variant's body and method name, no pagination.
pub(crate) fn variant_operations(op: &ir::Operation) -> Vec<ir::Operation> {
    op.body_variants
        .iter()
        .map(|variant| {
            let mut doc = op.doc.clone();
            if !doc.is_empty() {
                doc.push(String::new());
            }
            let default = op.body.as_ref().map_or(String::new(), |b| {
                format!("; `{}` sends `{}`", op.name, b.media_type)
            });
            doc.push(format!(
                "Sends the request body as `{}`{default}.",
                variant.body.media_type
            ));
            ir::Operation {
                name: variant.method.clone(),
                doc,
                body: Some(variant.body.clone()),
                body_variants: Vec::new(),
                pagination: None,
                ..op.clone()
            }
        })
        .collect()
}

/// The method argument that carries the body.
pub(crate) fn argument(body: &ir::Body) -> TokenStream {
    let ty = match &body.kind {
        BodyKind::Raw => quote!(crate::body::RawBody),
        BodyKind::MultipartFreeForm => quote!(crate::body::MultipartForm),
        _ => rust_type(&body.ty),
    };
    match (&body.kind, body.required) {
        (BodyKind::Json | BodyKind::Form(_), true) => quote!(body: &#ty),
        (BodyKind::Json | BodyKind::Form(_), false) => quote!(body: Option<&#ty>),
        (_, true) => quote!(body: #ty),
        (_, false) => quote!(body: Option<#ty>),
    }
}

/// The body parameter of a method's example, `ty` being the body type as a user names it.
pub(crate) fn example_argument(body: &ir::Body, ty: &str, krate: &str) -> String {
    match &body.kind {
        BodyKind::Json | BodyKind::Form(_) => format!("body: &{ty}"),
        BodyKind::Multipart(_) => match &body.ty {
            ir::TypeRef::Named(name) => format!("body: {krate}::operations::{name}"),
            _ => format!("body: {ty}"),
        },
        BodyKind::Raw => format!("body: {krate}::body::RawBody"),
        BodyKind::MultipartFreeForm => format!("body: {krate}::body::MultipartForm"),
    }
}

/// `let body = ...;`: the encoded body of a form, multipart or raw media type.
pub(crate) fn encode(body: &ir::Body) -> TokenStream {
    let value = match &body.kind {
        BodyKind::Json => unreachable!("JSON bodies are encoded by the method emitter"),
        BodyKind::Form(encodings) => {
            let type_name = match &body.ty {
                ir::TypeRef::Named(n) | ir::TypeRef::Boxed(n) => n.clone(),
                _ => String::new(),
            };
            let encodings = encodings.iter().map(|e| {
                let name = &e.wire_name;
                let style = match e.style {
                    ir::ParamStyle::SpaceDelimited => quote!(SpaceDelimited),
                    ir::ParamStyle::PipeDelimited => quote!(PipeDelimited),
                    ir::ParamStyle::DeepObject => quote!(DeepObject),
                    _ => quote!(Form),
                };
                let explode = e.explode;
                quote! {
                    crate::runtime::form::FormEncoding {
                        name: #name,
                        style: crate::runtime::form::FormStyle::#style,
                        explode: #explode,
                    }
                }
            });
            quote!(crate::runtime::form::form_body(body, #type_name, RULES, &[#(#encodings),*])?)
        }
        BodyKind::Raw => {
            // A wildcard media type (`image/*`) names no type to send: the caller's, else bytes.
            let media_type = if body.media_type.contains('*') {
                "application/octet-stream"
            } else {
                body.media_type.as_str()
            };
            quote!(body.into_request(#media_type)?)
        }
        BodyKind::MultipartFreeForm => quote!(body.into_request().await?),
        BodyKind::Multipart(parts) => {
            let pushes = parts.iter().map(|part| {
                let field = ident(&part.name);
                let wire = &part.wire_name;
                let content_type = match &part.content_type {
                    Some(ct) => quote!(Some(#ct)),
                    None => quote!(None),
                };
                let add = |value: TokenStream| match part.file {
                    FileShape::NotFile => quote!(form.field(#wire, &#value, #content_type);),
                    FileShape::One => quote!(form.file(#wire, #value, #content_type);),
                    FileShape::List => quote!(form.files(#wire, #value, #content_type);),
                };
                if part.required || part.file == FileShape::NotFile {
                    // A typed `None` adds no part.
                    add(quote!(body.#field))
                } else {
                    let added = add(quote!(value));
                    quote! {
                        if let Some(value) = body.#field {
                            #added
                        }
                    }
                }
            });
            quote! {
                {
                    let mut form = crate::runtime::form::Multipart::new();
                    #(#pushes)*
                    form.into_body().await?
                }
            }
        }
    };
    if body.required {
        quote!(let body = Some(#value);)
    } else {
        quote! {
            let body = match body {
                Some(body) => Some(#value),
                None => None,
            };
        }
    }
}

/// The form structs of the operation's multipart bodies.
pub(crate) fn emit_forms(op: &ir::Operation, docs: &Docs) -> TokenStream {
    let bodies = op.body.iter().map(|b| (b, op.name.as_str())).chain(
        op.body_variants
            .iter()
            .map(|v| (&v.body, v.method.as_str())),
    );
    bodies
        .filter_map(|(body, method)| emit_form(body, method, docs))
        .collect()
}

fn emit_form(body: &ir::Body, method: &str, docs: &Docs) -> Option<TokenStream> {
    let BodyKind::Multipart(parts) = &body.kind else {
        return None;
    };
    let ir::TypeRef::Named(name) = &body.ty else {
        return None;
    };
    let name = ident(name);
    let field_type = |part: &ir::FormPart| match (&part.ty, part.file) {
        (_, FileShape::One) => quote!(crate::body::FilePart),
        (_, FileShape::List) => quote!(Vec<crate::body::FilePart>),
        (Some(ty), FileShape::NotFile) => rust_type(ty),
        (None, FileShape::NotFile) => quote!(Value),
    };
    let fields = parts.iter().map(|part| {
        let field = ident(&part.name);
        let ty = field_type(part);
        let ty = if part.required {
            ty
        } else {
            quote!(Option<#ty>)
        };
        let mut lines = vec![format!(
            "Part `{}`{}.",
            part.wire_name,
            match part.file {
                FileShape::NotFile => "",
                FileShape::One => " (a file)",
                FileShape::List => " (files)",
            }
        )];
        if !part.doc.is_empty() {
            lines.push(String::new());
            lines.extend(part.doc.iter().cloned());
        }
        let doc = doc_attrs(docs, &lines);
        quote! {
            #doc
            pub #field: #ty,
        }
    });
    let required: Vec<&ir::FormPart> = parts.iter().filter(|p| p.required).collect();
    let new_args = required.iter().map(|p| {
        let field = ident(&p.name);
        let ty = field_type(p);
        quote!(#field: #ty)
    });
    let inits = parts.iter().map(|p| {
        let field = ident(&p.name);
        if p.required {
            quote!(#field)
        } else {
            quote!(#field: None)
        }
    });
    // A field named `new` keeps only its public field (the constructor has the name).
    let setters = parts
        .iter()
        .filter(|p| !p.required && p.name != "new")
        .map(|p| {
            let field = ident(&p.name);
            let ty = field_type(p);
            let doc = format!(" Sets `{}`.", p.wire_name);
            quote! {
                #[doc = #doc]
                pub fn #field(mut self, value: #ty) -> Self {
                    self.#field = Some(value);
                    self
                }
            }
        });
    let doc = doc_attrs(
        docs,
        &[
            format!(
                "The `{}` body of `Client::{method}`, one part per field.",
                body.media_type
            ),
            String::new(),
            "Build it with `new` (the required fields) and the setters.".to_owned(),
        ],
    );
    Some(quote! {
        #doc
        #[derive(Debug)]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            /// A form with the required fields; the optional ones are unset.
            #[allow(clippy::new_without_default)]
            pub fn new(#(#new_args),*) -> Self {
                Self { #(#inits),* }
            }

            #(#setters)*
        }
    })
}
