//! `ir::Operation`s -> `operations.rs`: one `Client` method per operation (plus a `Stream`
//! method for cursor-paged ones), option structs and typed error codes. Method bodies only
//! build a request; the runtime sends it.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{deprecation_note, doc_attrs, doc_values, item_doc, Docs};
use super::types::{emit_enum, ident, rust_type};
use crate::ir::{self, ParamLocation, TypeRef};

/// Inner docs and imports of `operations.rs`.
pub(crate) fn emit_header() -> TokenStream {
    quote! {
        //! Operations of the API, as methods on `Client`.
        // A method that returns a `Call` builds its request in a closure it calls at once (the
        // closure is where a limit check's `?` returns to); a method takes each required
        // parameter as an argument, typed and named as the spec has it; a spec may need none
        // of the imports; docs carry the spec's Markdown as it is written.
        #![allow(
            clippy::redundant_closure_call,
            clippy::too_many_arguments,
            clippy::type_complexity,
            clippy::disallowed_names,
            clippy::doc_lazy_continuation,
            clippy::tabs_in_doc_comments,
            unused_imports
        )]
        use super::types::*;
        use super::validation::RULES;
        use crate::runtime::operation::*;
        use crate::runtime::prelude::*;
    }
}

/// The `Client` methods of `ops` (the contents of an `impl Client` block): one per operation,
/// and a second one that streams the body for each operation with a binary response.
pub(crate) fn emit_methods(api: &ir::Api, ops: &[ir::Operation], docs: &Docs) -> TokenStream {
    ops.iter()
        .map(|op| {
            let mut out = emit_method(api, op, docs, Variant::Main);
            if matches!(op.response_media, ir::ResponseMedia::Binary { .. }) {
                out.extend(emit_method(api, op, docs, Variant::ByteStream));
            }
            // Each other body media type: its own method (`{name}_form`, ...).
            out.extend(
                super::bodies::variant_operations(op)
                    .iter()
                    .map(|variant| emit_method(api, variant, docs, Variant::Main)),
            );
            out
        })
        .collect()
}

/// Which method of an operation is emitted.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Variant {
    /// The operation's method.
    Main,
    /// `{name}_stream` of an operation with a binary response: the body as a `ByteStream`.
    ByteStream,
}

/// What the example in a method's documentation does with the result.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Example {
    /// Prints the awaited result.
    Value,
    /// Collects the returned `Stream`.
    Stream,
    /// Awaits the returned `Stream`, then collects it.
    AwaitedStream,
}

/// The `Client` stream methods of the paged operations among `ops`.
pub(crate) fn emit_streams(ops: &[ir::Operation], docs: &Docs) -> TokenStream {
    ops.iter().filter_map(|op| emit_stream(op, docs)).collect()
}

/// The option structs of `ops` (for operations with optional parameters).
pub(crate) fn emit_options(ops: &[ir::Operation], docs: &Docs) -> TokenStream {
    ops.iter()
        .map(|op| {
            let mut out: TokenStream = emit_options_struct(op, docs).unwrap_or_default();
            out.extend(super::bodies::emit_forms(op, docs));
            out
        })
        .collect()
}

/// The typed error codes of `ops` (for operations that document application errors).
pub(crate) fn emit_codes(ops: &[ir::Operation], docs: &Docs) -> TokenStream {
    ops.iter()
        .filter_map(|op| emit_error_codes(op, docs))
        .collect()
}

/// The error-code enum shared by operations that declare no codes.
pub(crate) fn emit_no_codes(api: &ir::Api, docs: &Docs) -> TokenStream {
    let Some(name) = &api.no_error_codes else {
        return TokenStream::new();
    };
    let lines = vec![
        "Application error codes of operations that document none (`details.applicationError.code`).".to_owned(),
        String::new(),
        "Every code arrives in `Unrecognized`.".to_owned(),
    ];
    emit_enum(
        &ident(name),
        doc_attrs(docs, &lines),
        &ir::Enum {
            variants: Vec::new(),
        },
        docs,
    )
}

fn code_type(op: &ir::Operation) -> TokenStream {
    match &op.error_code_type {
        Some(name) => {
            let name = ident(name);
            quote!(#name)
        }
        None => quote!(String),
    }
}

fn response_type(op: &ir::Operation, variant: Variant) -> TokenStream {
    if variant == Variant::ByteStream {
        return quote!(crate::runtime::response::ByteStream);
    }
    match (&op.response, &op.response_media) {
        (_, ir::ResponseMedia::Binary { .. }) => quote!(crate::runtime::response::Binary),
        (data, ir::ResponseMedia::EventStream) => {
            let data = data.as_ref().map_or(quote!(String), rust_type);
            quote!(crate::runtime::response::EventStream<#data>)
        }
        (Some(ty), _) => rust_type(ty),
        (None, _) => quote!(()),
    }
}

/// Arguments of the method: path parameters, required query, header and cookie parameters,
/// body, options.
fn arguments(op: &ir::Operation) -> Vec<TokenStream> {
    let mut args: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| {
            let name = ident(&p.name);
            let ty = rust_type(&p.ty);
            quote!(#name: #ty)
        })
        .collect();
    if let Some(body) = &op.body {
        args.push(super::bodies::argument(body));
    }
    if let Some(options) = &op.options_type {
        let options = ident(options);
        args.push(quote!(options: #options));
    }
    args
}

fn method_doc(
    op: &ir::Operation,
    method_name: &str,
    returns: &str,
    example: Example,
    docs: &Docs,
) -> TokenStream {
    let mut lines = if op.doc.is_empty() {
        vec![format!("Calls `{}`.", op.operation_id)]
    } else {
        op.doc.clone()
    };
    lines.push(String::new());
    lines.push(format!(
        "`{} {}` (operation `{}`). {returns}",
        op.method, op.path, op.operation_id
    ));
    if !op.error_codes.is_empty() {
        let codes: Vec<String> = op
            .error_codes
            .iter()
            .map(|c| format!("`{}`", c.code))
            .collect();
        lines.push(String::new());
        lines.push(format!(
            "Documented application errors: {}.",
            codes.join(", ")
        ));
    }
    let mut lines: Vec<String> = lines.iter().map(|l| super::docs::escape(l)).collect();
    // A compiled (not run) example with the arguments as the example function's parameters.
    let krate = docs.krate();
    let mut params: Vec<String> = vec![format!("client: &{krate}::Client")];
    let mut call_args: Vec<String> = Vec::new();
    for p in op.params.iter().filter(|p| p.required) {
        params.push(format!("{}: {}", p.name, example_type(&p.ty, krate)));
        call_args.push(p.name.clone());
    }
    if let Some(body) = &op.body {
        params.push(super::bodies::example_argument(
            body,
            &example_type(&body.ty, krate),
            krate,
        ));
        call_args.push(if body.required {
            "body".to_owned()
        } else {
            "Some(body)".to_owned()
        });
    }
    if let Some(options) = &op.options_type {
        call_args.push(format!("{krate}::operations::{options}::default()"));
    }
    lines.push(String::new());
    lines.push("```no_run".to_owned());
    lines.push(format!(
        "# async fn example({}) -> Result<(), Box<dyn std::error::Error>> {{",
        params.join(", ")
    ));
    if example != Example::Value {
        let awaited = if example == Example::AwaitedStream {
            ".await?"
        } else {
            ""
        };
        lines.push("use futures::TryStreamExt;".to_owned());
        lines.push(format!(
            "let items: Vec<_> = client.{method_name}({}){awaited}.try_collect().await?;",
            call_args.join(", ")
        ));
        lines.push("println!(\"{} items\", items.len());".to_owned());
    } else {
        lines.push(format!(
            "let response = client.{method_name}({}).await?;",
            call_args.join(", ")
        ));
        lines.push("println!(\"{response:?}\");".to_owned());
    }
    lines.push("# Ok(())".to_owned());
    lines.push("# }".to_owned());
    lines.push("```".to_owned());
    doc_values(
        docs,
        lines
            .into_iter()
            .map(|line| {
                if line.is_empty() {
                    line
                } else {
                    format!(" {line}")
                }
            })
            .collect(),
    )
}

/// The type as a user names it in the example.
fn example_type(ty: &TypeRef, krate: &str) -> String {
    match ty {
        TypeRef::Named(n) | TypeRef::Boxed(n) => format!("{krate}::types::{n}"),
        TypeRef::Prim(p) => match p {
            ir::Prim::String => "String".to_owned(),
            ir::Prim::Bool => "bool".to_owned(),
            ir::Prim::I32 => "i32".to_owned(),
            ir::Prim::I64 => "i64".to_owned(),
            ir::Prim::F32 => "f32".to_owned(),
            ir::Prim::F64 => "f64".to_owned(),
            ir::Prim::Uuid => "uuid::Uuid".to_owned(),
            ir::Prim::DateTime => "chrono::DateTime<chrono::Utc>".to_owned(),
            ir::Prim::Date => "chrono::NaiveDate".to_owned(),
            ir::Prim::Json => "serde_json::Value".to_owned(),
        },
        TypeRef::List(inner) => format!("Vec<{}>", example_type(inner, krate)),
        TypeRef::Map(inner) => format!(
            "std::collections::BTreeMap<String, {}>",
            example_type(inner, krate)
        ),
    }
}

pub(crate) fn limits_tokens(limits: &ir::Limits) -> TokenStream {
    let mut out = quote!(Limits::NONE);
    let lit = |n: usize| proc_macro2::Literal::u32_unsuffixed(u32::try_from(n).unwrap_or(u32::MAX));
    if let Some(n) = limits.min_length {
        let n = lit(n);
        out = quote!(#out.min_length(#n));
    }
    if let Some(n) = limits.max_length {
        let n = lit(n);
        out = quote!(#out.max_length(#n));
    }
    if let Some(n) = limits.min_items {
        let n = lit(n);
        out = quote!(#out.min_items(#n));
    }
    if let Some(n) = limits.max_items {
        let n = lit(n);
        out = quote!(#out.max_items(#n));
    }
    if let Some(n) = limits.minimum {
        let n = proc_macro2::Literal::f64_unsuffixed(n);
        out = quote!(#out.minimum(#n));
    }
    if let Some(n) = limits.maximum {
        let n = proc_macro2::Literal::f64_unsuffixed(n);
        out = quote!(#out.maximum(#n));
    }
    out
}

pub(crate) fn has_value_limits(limits: &ir::Limits) -> bool {
    limits.min_length.is_some()
        || limits.max_length.is_some()
        || limits.min_items.is_some()
        || limits.max_items.is_some()
        || limits.minimum.is_some()
        || limits.maximum.is_some()
}

fn emit_method(api: &ir::Api, op: &ir::Operation, docs: &Docs, variant: Variant) -> TokenStream {
    let method_name = match (&op.response_media, variant) {
        (ir::ResponseMedia::Binary { stream_method }, Variant::ByteStream) => stream_method,
        _ => &op.name,
    };
    let name = ident(method_name);
    let args = arguments(op);
    let response = response_type(op, variant);
    let code = code_type(op);
    let (returns, example) = match (&op.response_media, variant) {
        (_, Variant::ByteStream) => (
            "Returns the body as a `Stream` of bytes as they arrive, with no size limit, and its content type.".to_owned(),
            Example::AwaitedStream,
        ),
        (ir::ResponseMedia::Binary { stream_method }, Variant::Main) => (
            format!("Returns the body's bytes and content type, read whole within the client's response size limit (`{stream_method}` streams it instead)."),
            Example::Value,
        ),
        (ir::ResponseMedia::Text, _) => ("Returns the body as text.".to_owned(), Example::Value),
        (ir::ResponseMedia::EventStream, _) => (
            "Returns a `Stream` of the server-sent events as they arrive.".to_owned(),
            Example::AwaitedStream,
        ),
        (ir::ResponseMedia::Json, _) => ("Returns the decoded response.".to_owned(), Example::Value),
    };
    let doc = method_doc(op, method_name, &returns, example, docs);
    let deprecated = op.deprecated.as_ref().map(|d| {
        let note = deprecation_note(d);
        quote!(#[deprecated(note = #note)])
    });
    let operation_id = &op.operation_id;
    let method = format_ident!("{}", op.method);
    let path_template = &op.path;
    let idempotent = matches!(
        op.method.as_str(),
        "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS"
    );

    let mut checks = Vec::new();
    for p in &op.params {
        if !has_value_limits(&p.limits) {
            continue;
        }
        let wire = &p.wire_name;
        let limits = limits_tokens(&p.limits);
        let pname = ident(&p.name);
        checks.push(if p.required {
            quote!(check_param(#wire, &#pname, #limits)?;)
        } else {
            quote! {
                if let Some(value) = &options.#pname {
                    check_param(#wire, value, #limits)?;
                }
            }
        });
    }

    // Path: literal pieces and percent-encoded parameter values, concatenated.
    let mut pieces: Vec<TokenStream> = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let literal = &rest[..start];
        if !literal.is_empty() {
            pieces.push(quote!(#literal));
        }
        let wire = &rest[start + 1..start + len];
        if let Some(p) = op
            .params
            .iter()
            .find(|p| p.location == ParamLocation::Path && p.wire_name == wire)
        {
            pieces.push(super::params::path_piece(api, p));
        }
        rest = &rest[start + len + 1..];
    }
    let path = if pieces.is_empty() {
        let literal = rest;
        quote!(let path = #literal.to_owned();)
    } else {
        if !rest.is_empty() {
            pieces.push(quote!(#rest));
        }
        quote!(let path = [#(#pieces),*].concat();)
    };

    let query_params: Vec<&ir::Param> = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Query)
        .collect();
    let query = if query_params.is_empty() {
        quote!(let query = Vec::new();)
    } else {
        let pushes = query_params
            .iter()
            .map(|p| super::params::query_push(api, p));
        quote! {
            let mut query = Query::new();
            #(#pushes)*
            let query = query.into_pairs();
        }
    };
    let body = match &op.body {
        None => quote!(let body = None;),
        Some(b) if b.kind != ir::BodyKind::Json => super::bodies::encode(b),
        Some(b) => {
            let type_name = match &b.ty {
                TypeRef::Named(n) | TypeRef::Boxed(n) => n.clone(),
                _ => String::new(),
            };
            if b.required {
                quote!(let body = Some(json_body(body, #type_name, RULES)?);)
            } else {
                quote! {
                    let body = match body {
                        Some(body) => Some(json_body(body, #type_name, RULES)?),
                        None => None,
                    };
                }
            }
        }
    };
    let header_params: Vec<&ir::Param> = op
        .params
        .iter()
        .filter(|p| matches!(p.location, ParamLocation::Header | ParamLocation::Cookie))
        .collect();
    let (headers, parts) = if header_params.is_empty() {
        (quote!(), quote!(RequestParts { path, query, body }))
    } else {
        let pushes = header_params
            .iter()
            .map(|p| super::params::header_push(api, p));
        (
            quote! {
                let mut headers = Headers::new();
                #(#pushes)*
            },
            quote!(RequestParts { path, query, body }.with_headers(headers)),
        )
    };
    // A request with headers is already a `Request`; one without converts from its parts.
    let request = if header_params.is_empty() {
        quote!(#parts.into())
    } else {
        parts.clone()
    };
    let uses_options = op.options_type.is_some()
        && !op.params.iter().any(|p| {
            !p.required && (p.location != ParamLocation::Path || has_value_limits(&p.limits))
        });
    let silence = uses_options.then(|| quote!(let _ = &options;));
    // A multipart body is read (files may be streamed) while the request is built: that
    // method stays `async`.
    let multipart = op.body.as_ref().is_some_and(|b| {
        matches!(
            b.kind,
            ir::BodyKind::Multipart(_) | ir::BodyKind::MultipartFreeForm
        )
    });
    let meta = quote! {
        static OPERATION: OperationMeta = OperationMeta {
            operation_id: #operation_id,
            method: Method::#method,
            path_template: #path_template,
            idempotent: #idempotent,
        };
    };
    // Checks the parameters and builds the request's path, query, headers and body.
    let build = quote! {
        #silence
        #(#checks)*
        #path
        #query
        #headers
        #body
    };
    let plain_json = variant == Variant::Main
        && !multipart
        && op.response.is_some()
        && !matches!(
            op.response_media,
            ir::ResponseMedia::Text
                | ir::ResponseMedia::Binary { .. }
                | ir::ResponseMedia::EventStream
        );
    if plain_json {
        // A plain function returning `Call` (runtime/client/call.rs): no opaque future per
        // operation, and the response is decoded only where the call is awaited. `#[inline]`
        // keeps the request building, like an `async fn`'s body, out of the library's own
        // codegen: it is compiled where a program calls the method.
        return quote! {
            #doc
            #deprecated
            #[inline]
            pub fn #name(&self, #(#args),*) -> crate::client::Call<'_, #response, #code> {
                #meta
                let request = (|| -> Result<crate::client::Request, Error<String>> {
                    #build
                    Ok(#request)
                })();
                self.call(&OPERATION, request)
            }
        };
    }
    let execute = match (&op.response, &op.response_media) {
        _ if variant == Variant::ByteStream => {
            quote!(execute_byte_stream(self, &OPERATION, #parts).await)
        }
        (_, ir::ResponseMedia::Text) => quote!(execute_text(self, &OPERATION, #parts).await),
        (_, ir::ResponseMedia::Binary { .. }) => {
            quote!(execute_binary(self, &OPERATION, #parts).await)
        }
        (Some(_), ir::ResponseMedia::EventStream) => {
            quote!(execute_event_stream(self, &OPERATION, #parts, json_event).await)
        }
        (None, ir::ResponseMedia::EventStream) => {
            quote!(execute_event_stream(self, &OPERATION, #parts, raw_event).await)
        }
        (Some(_), _) => quote!(
            self.execute(&OPERATION, #parts)
                .await
        ),
        (None, _) => quote!(execute_empty(self, &OPERATION, #parts).await),
    };
    quote! {
        #doc
        #deprecated
        pub async fn #name(&self, #(#args),*) -> Result<#response, Error<#code>> {
            #meta
            #build
            #execute
        }
    }
}

/// `<op>_stream`: every item of every page, fetched lazily.
fn emit_stream(op: &ir::Operation, docs: &Docs) -> Option<TokenStream> {
    let pagination = op.pagination.as_ref()?;
    let TypeRef::Named(response_name) = op.response.as_ref()? else {
        return None;
    };
    let name = ident(&pagination.stream_method);
    let one_page = ident(&op.name);
    let args = arguments(op);
    let code = code_type(op);
    let item = rust_type(&pagination.item_type);
    let response = ident(response_name);
    let doc = method_doc(
        op,
        &name.to_string(),
        "Returns a `Stream` of every item, fetching pages lazily as it is consumed.",
        Example::Stream,
        docs,
    );
    let cursor = ident(&pagination.cursor_param);
    let required: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| {
            let n = ident(&p.name);
            let copy = matches!(&p.ty, TypeRef::Prim(prim) if !matches!(prim, ir::Prim::String | ir::Prim::Json));
            if copy {
                quote!(#n)
            } else {
                quote!(#n.clone())
            }
        })
        .collect();
    let body_arg = op.body.as_ref().map(|_| quote!(body,));

    // page.items (optional or not) and the chain to the next cursor.
    let items_ident = ident(&pagination.items.field);
    let items = if pagination.items.required {
        quote!(page.#items_ident)
    } else {
        quote!(page.#items_ident.unwrap_or_default())
    };
    let mut next = TokenStream::new();
    for (i, step) in pagination.next_cursor.iter().enumerate() {
        let seg = ident(&step.field);
        next = match (i, step.required) {
            (0, true) => quote!(Some(page.#seg)),
            (0, false) => quote!(page.#seg),
            (_, true) => quote!(#next.map(|value| value.#seg)),
            (_, false) => quote!(#next.and_then(|value| value.#seg)),
        };
    }
    let body_clone = op.body.as_ref().map(|_| quote!(let body = body;));
    Some(quote! {
        #doc
        pub fn #name<'a>(&'a self, #(#args),*) -> impl Stream<Item = Result<#item, Error<#code>>> + 'a {
            #body_clone
            let first = options.#cursor.clone();
            paginate(
                first,
                move |cursor| {
                    let mut options = options.clone();
                    options.#cursor = cursor;
                    self.#one_page(#(#required,)* #body_arg options)
                },
                |page: #response| {
                    let items = #items;
                    let next = #next;
                    (items, next)
                },
            )
        }
    })
}

fn emit_options_struct(op: &ir::Operation, docs: &Docs) -> Option<TokenStream> {
    let name = ident(op.options_type.as_ref()?);
    let optional: Vec<&ir::Param> = op.params.iter().filter(|p| !p.required).collect();
    let fields = optional.iter().map(|p| {
        let field = ident(&p.name);
        let ty = rust_type(&p.ty);
        let fallback = format!("`{}`.", p.wire_name);
        let mut lines = item_doc(&p.doc, &p.limits, false, &fallback);
        // An option field has no `#[deprecated]` (its setter and the method read it): the
        // deprecation is stated here, once.
        if let Some(d) = &p.deprecated {
            lines.push(String::new());
            lines.push(format!("Deprecated: {}.", deprecation_note(d)));
        }
        let location = match p.location {
            ParamLocation::Header => "Header",
            ParamLocation::Cookie => "Cookie",
            ParamLocation::Path | ParamLocation::Query => "Query",
        };
        lines.insert(0, format!("{location} parameter `{}`.", p.wire_name));
        lines.insert(1, String::new());
        let doc = doc_attrs(docs, &lines);
        quote! {
            #doc
            pub #field: Option<#ty>,
        }
    });
    let setters = optional.iter().map(|p| {
        let field = ident(&p.name);
        let ty = rust_type(&p.ty);
        let doc = format!(" Sets `{}`.", p.wire_name);
        let (arg_ty, value) = match &p.ty {
            TypeRef::Prim(ir::Prim::String) => (quote!(impl Into<String>), quote!(value.into())),
            _ => (ty, quote!(value)),
        };
        quote! {
            #[doc = #doc]
            pub fn #field(mut self, value: #arg_ty) -> Self {
                self.#field = Some(#value);
                self
            }
        }
    });
    let doc = format!(
        " Optional parameters of `Client::{}`; build with `{}::default()` and the setters.",
        op.name, name
    );
    let derives = docs.derives(&["Clone", "Debug", "Default"], &[]);
    Some(quote! {
        #[doc = #doc]
        #derives
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #(#setters)*
        }
    })
}

fn emit_error_codes(op: &ir::Operation, docs: &Docs) -> Option<TokenStream> {
    if op.error_codes.is_empty() {
        return None;
    }
    let name = op.error_code_type.as_ref()?;
    let e = ir::Enum {
        variants: op
            .error_codes
            .iter()
            .map(|c| ir::Variant {
                name: c.name.clone(),
                wire_name: c.code.clone(),
                doc: c.doc.clone(),
            })
            .collect(),
    };
    let lines = vec![
        format!("Application error codes of `Client::{}` (`details.applicationError.code`).", op.name),
        String::new(),
        "Codes the spec does not list (such as generic `UNAUTHENTICATED`) are kept in `Unrecognized`.".to_owned(),
    ];
    Some(emit_enum(&ident(name), doc_attrs(docs, &lines), &e, docs))
}
