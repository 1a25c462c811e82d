//! Paths -> `ir::Operation`s: parameters, request bodies (through `bodies.rs`), responses, error codes, pagination.

use openapiv3::{Parameter, ParameterSchemaOrContent, ReferenceOr, StatusCode};

use super::schema::{lower, Slot};
use super::{deprecation, doc_lines, Resolver};
use crate::diagnostics::join;
use crate::ir::{self, ParamLocation, TypeKind, TypeRef};
use crate::names::{self, Kind, Place, Policy, Scope};

pub(crate) fn resolve_operations(cx: &mut Resolver<'_>) -> Vec<ir::Operation> {
    let mut operations: Vec<ir::Operation> = Vec::new();
    let mut methods = Scope::new(Kind::Method, Policy::for_mode(cx.strict));
    let doc = cx.doc;
    for (path, item) in &doc.paths.paths {
        let path_pointer = join("#/paths", path);
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { reference } => {
                // A path item may repeat another one of this document.
                let target = reference
                    .strip_prefix("#/paths/")
                    .map(|p| p.replace("~1", "/").replace("~0", "~"))
                    .and_then(|p| doc.paths.paths.get(&p))
                    .and_then(|i| i.as_item());
                match target {
                    Some(item) => item,
                    None => {
                        cx.unsupported(
                            &path_pointer,
                            format!("$ref on a path item to {reference} (only other paths of this document are followed)"),
                        );
                        continue;
                    }
                }
            }
        };
        for (method, operation) in item.iter() {
            let pointer = join(&path_pointer, method);
            let Some(mut op) =
                resolve_operation(cx, path, method, operation, &item.parameters, &pointer)
            else {
                continue;
            };
            // A paged operation, and one with a binary response, also gets `{name}_stream`,
            // and each other body media type its own method (`{name}_form`, ...): all names
            // are claimed together.
            let mut companions: Vec<&str> = Vec::new();
            if op.pagination.is_some()
                || matches!(op.response_media, ir::ResponseMedia::Binary { .. })
            {
                companions.push("_stream");
            }
            let suffixes: Vec<String> = op.body_variants.iter().map(|v| v.method.clone()).collect();
            companions.extend(suffixes.iter().map(String::as_str));
            let label = format!("operation `{}`", op.operation_id);
            let place = Place::new(&label, &pointer);
            let Some(name) = cx.claim_with_in(&mut methods, &op.name, &companions, place) else {
                continue;
            };
            if let Some(pagination) = &mut op.pagination {
                pagination.stream_method = format!("{}_stream", names::unraw(&name));
            }
            if let ir::ResponseMedia::Binary { stream_method } = &mut op.response_media {
                *stream_method = format!("{}_stream", names::unraw(&name));
            }
            for variant in &mut op.body_variants {
                variant.method = format!("{}{}", names::unraw(&name), variant.method);
            }
            op.name = name;
            operations.push(op);
        }
    }
    operations.sort_by(|a, b| a.name.cmp(&b.name));
    operations
}

fn resolve_operation<'a>(
    cx: &mut Resolver<'a>,
    path: &str,
    method: &str,
    operation: &'a openapiv3::Operation,
    path_params: &'a [ReferenceOr<Parameter>],
    pointer: &str,
) -> Option<ir::Operation> {
    let operation_id = match &operation.operation_id {
        Some(id) if !id.trim().is_empty() => id.clone(),
        _ => {
            if cx.strict {
                cx.error(
                    pointer,
                    "operation has no operationId (needed to name its method)",
                );
                return None;
            }
            // Named from its method and path: deterministic, and no less stable than the path.
            format!("{method} {path}")
        }
    };
    let name = names::method_name(&operation_id);
    let type_prefix = names::type_name(&operation_id);
    let mut ok = true;

    // Parameters: operation-level ones override path-level ones with the same name and place.
    let mut params: Vec<(ir::Param, String)> = Vec::new();
    let all = path_params
        .iter()
        .enumerate()
        .map(|(i, p)| {
            (
                p,
                join(
                    &join(
                        pointer.rsplit_once('/').map_or(pointer, |(p, _)| p),
                        "parameters",
                    ),
                    &i.to_string(),
                ),
            )
        })
        .chain(
            operation
                .parameters
                .iter()
                .enumerate()
                .map(|(i, p)| (p, join(&join(pointer, "parameters"), &i.to_string()))),
        )
        .collect::<Vec<_>>();
    for (param, param_pointer) in all {
        match resolve_param(cx, param, &param_pointer, &type_prefix) {
            Ok(Some(p)) => {
                params.retain(|(q, _)| !(q.wire_name == p.wire_name && q.location == p.location));
                params.push((p, param_pointer));
            }
            Ok(None) => {}
            Err(()) => ok = false,
        }
    }
    // Then each is named, in order, in the operation's scope.
    let mut scope = Scope::new(Kind::Param, Policy::for_mode(cx.strict));
    let mut named: Vec<ir::Param> = Vec::new();
    for (mut p, param_pointer) in params {
        let label = format!("parameter `{}`", p.wire_name);
        match cx.claim_in(&mut scope, &p.name, Place::new(&label, &param_pointer)) {
            Some(name) => {
                p.name = name;
                named.push(p);
            }
            None => ok = false,
        }
    }
    let mut params = named;
    for segment in path_segments(path) {
        if !ok {
            // A parameter was skipped (and reported), so is the operation.
            break;
        }
        if params
            .iter()
            .any(|p| p.location == ParamLocation::Path && p.wire_name == segment)
        {
            continue;
        }
        let message = format!("path parameter `{{{segment}}}` is not declared in `parameters`");
        if cx.strict {
            cx.error(pointer, message);
            ok = false;
            continue;
        }
        let mut candidate = names::param_name(&segment);
        if scope.is_taken(&candidate) {
            candidate = format!("{}_path", names::unraw(&candidate));
        }
        let label = format!("path parameter `{{{segment}}}`");
        let Some(name) = cx.claim_in(&mut scope, &candidate, Place::new(&label, pointer)) else {
            ok = false;
            continue;
        };
        cx.lenient_error(
            pointer,
            format!("{message}; taken as a required string `{name}`"),
        );
        params.push(ir::Param {
            name,
            wire_name: segment,
            location: ParamLocation::Path,
            doc: Vec::new(),
            ty: TypeRef::Prim(ir::Prim::String),
            required: true,
            wire: ir::WireFormat::Plain,
            limits: ir::Limits::default(),
            deprecated: None,
            style: ir::ParamStyle::Simple,
            explode: false,
        });
    }

    let (body, body_variants) = match &operation.request_body {
        None => (None, Vec::new()),
        Some(body) => {
            let body_pointer = join(pointer, "requestBody");
            match request_body(cx, body, &body_pointer) {
                Some((body, body_pointer)) => {
                    super::bodies::resolve_bodies(cx, body, &body_pointer, &type_prefix, &mut ok)
                }
                None => {
                    ok = false;
                    (None, Vec::new())
                }
            }
        }
    };

    let (response, response_media) =
        resolve_response(cx, operation, pointer, &type_prefix, &mut ok);

    let error_codes = error_codes(cx, operation, pointer);
    if !ok {
        return None;
    }
    // An operation that documents codes gets its own enum; one that declares it has none
    // shares one empty enum (every code `Unrecognized`) with the others that declare none.
    let declares_codes = operation
        .extensions
        .contains_key("x-wix-application-errors");
    let error_code_type = if !error_codes.is_empty() {
        let name = format!("{type_prefix}ErrorCode");
        Some(cx.claim(
            &name,
            &format!("{operation_id} error codes"),
            &join(pointer, "x-wix-application-errors"),
        )?)
    } else if declares_codes {
        Some(cx.no_error_codes_type(&join(pointer, "x-wix-application-errors"))?)
    } else {
        None
    };

    let options_type = if params.iter().any(|p| !p.required) {
        let name = format!("{type_prefix}Options");
        Some(cx.claim(&name, &format!("{operation_id} options"), pointer)?)
    } else {
        None
    };

    let mut doc = doc_lines(operation.summary.as_deref());
    let description = doc_lines(operation.description.as_deref());
    if !description.is_empty() {
        if !doc.is_empty() {
            doc.push(String::new());
        }
        doc.extend(description);
    }
    let mut op = ir::Operation {
        name,
        operation_id,
        pointer: pointer.to_owned(),
        method: method.to_ascii_uppercase(),
        path: path.to_owned(),
        doc,
        tags: operation.tags.clone(),
        params,
        body,
        body_variants: body_variants
            .into_iter()
            .map(|(suffix, body)| ir::BodyVariant {
                method: suffix.to_owned(),
                body,
            })
            .collect(),
        response,
        response_media,
        error_codes,
        error_code_type,
        options_type,
        pagination: None,
        deprecated: deprecation(operation.deprecated, &operation.extensions),
    };
    // A body taken by value (a form struct, raw bytes) cannot be sent for every page.
    let by_reference = op
        .body
        .as_ref()
        .is_none_or(|b| matches!(b.kind, ir::BodyKind::Json | ir::BodyKind::Form(_)));
    if by_reference {
        op.pagination = pagination(cx, &op);
    }
    Some(op)
}

/// Follows a `$ref` to `#/components/requestBodies`. `None` (reported) when it dangles.
fn request_body<'a>(
    cx: &mut Resolver<'a>,
    body: &'a ReferenceOr<openapiv3::RequestBody>,
    pointer: &str,
) -> Option<(&'a openapiv3::RequestBody, String)> {
    let mut body = body;
    let mut at = pointer.to_owned();
    for _ in 0..8 {
        match body {
            ReferenceOr::Item(item) => return Some((item, at)),
            ReferenceOr::Reference { reference } => {
                let name = reference
                    .strip_prefix("#/components/requestBodies/")
                    .map(|n| n.replace("~1", "/").replace("~0", "~"));
                let found = name
                    .as_ref()
                    .and_then(|name| cx.doc.components.as_ref()?.request_bodies.get(name));
                match found {
                    Some(next) => {
                        body = next;
                        at = join("#/components/requestBodies", name.as_deref().unwrap_or(""));
                    }
                    None => break,
                }
            }
        }
    }
    let reference = match body {
        ReferenceOr::Reference { reference } => reference.as_str(),
        ReferenceOr::Item(_) => "",
    };
    cx.error(pointer, format!("$ref target not found: {reference}"));
    None
}

fn path_segments(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        out.push(rest[start + 1..start + end].to_owned());
        rest = &rest[start + end + 1..];
    }
    out
}

fn json_media(
    content: &indexmap::IndexMap<String, openapiv3::MediaType>,
) -> Option<(&String, &openapiv3::MediaType)> {
    content.iter().find(|(k, _)| {
        let k = k
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        k == "application/json" || k.ends_with("+json") || k == "*/*"
    })
}

fn resolve_param<'a>(
    cx: &mut Resolver<'a>,
    param: &'a ReferenceOr<Parameter>,
    pointer: &str,
    type_prefix: &str,
) -> Result<Option<ir::Param>, ()> {
    // Unsupported constructs are reported where the operation uses them.
    let use_site = pointer.to_owned();
    let (param, pointer) = match param {
        ReferenceOr::Item(p) => (p, pointer.to_owned()),
        ReferenceOr::Reference { reference } => {
            let target = reference
                .strip_prefix("#/components/parameters/")
                .and_then(|name| {
                    let p = cx.doc.components.as_ref()?.parameters.get(name)?;
                    match p {
                        ReferenceOr::Item(p) => Some((p, join("#/components/parameters", name))),
                        ReferenceOr::Reference { .. } => None,
                    }
                });
            match target {
                Some(t) => t,
                None => {
                    cx.error(pointer, format!("$ref target not found: {reference}"));
                    return Err(());
                }
            }
        }
    };
    let (data, location, style) = match param {
        Parameter::Query {
            parameter_data,
            style,
            ..
        } => {
            let style = match style {
                openapiv3::QueryStyle::Form => ir::ParamStyle::Form,
                openapiv3::QueryStyle::SpaceDelimited => ir::ParamStyle::SpaceDelimited,
                openapiv3::QueryStyle::PipeDelimited => ir::ParamStyle::PipeDelimited,
                openapiv3::QueryStyle::DeepObject => ir::ParamStyle::DeepObject,
            };
            (parameter_data, ParamLocation::Query, style)
        }
        Parameter::Path {
            parameter_data,
            style,
        } => {
            let style = match style {
                openapiv3::PathStyle::Simple => ir::ParamStyle::Simple,
                openapiv3::PathStyle::Label => ir::ParamStyle::Label,
                openapiv3::PathStyle::Matrix => ir::ParamStyle::Matrix,
            };
            (parameter_data, ParamLocation::Path, style)
        }
        Parameter::Header {
            parameter_data,
            style: openapiv3::HeaderStyle::Simple,
        } => {
            // OpenAPI: these three are ignored; the client sets them itself.
            let name = parameter_data.name.to_ascii_lowercase();
            if let Some(owner) = runtime_owned_header(&name) {
                cx.warning(
                    &use_site,
                    format!(
                        "header parameter `{}` is skipped: {owner}",
                        parameter_data.name
                    ),
                );
                return Ok(None);
            }
            (
                parameter_data,
                ParamLocation::Header,
                ir::ParamStyle::Simple,
            )
        }
        Parameter::Cookie {
            parameter_data,
            style: openapiv3::CookieStyle::Form,
        } => (parameter_data, ParamLocation::Cookie, ir::ParamStyle::Form),
    };
    let hint = format!("{type_prefix}{}", names::type_name(&data.name));
    // OpenAPI 3.0: a parameter is described by a `schema` (written per `style`/`explode`) or
    // by `content`, one media type whose serialization of the value is sent as it is.
    let (schema, schema_pointer, style, explode) = match &data.format {
        ParameterSchemaOrContent::Schema(schema) => (
            schema,
            join(&pointer, "schema"),
            style,
            // OpenAPI: `explode` defaults to true for `form`, false for every other style.
            data.explode.unwrap_or(style == ir::ParamStyle::Form),
        ),
        ParameterSchemaOrContent::Content(content) => {
            let content_pointer = join(&pointer, "content");
            let Some((media_type, media)) = content.first() else {
                cx.lenient_error(
                    &content_pointer,
                    format!(
                        "parameter `{}` has an empty `content` map; taken as text",
                        data.name
                    ),
                );
                return Ok(Some(content_param(
                    data,
                    location,
                    TypeRef::Prim(ir::Prim::String),
                    ir::ParamStyle::Text,
                )));
            };
            if content.len() > 1 {
                cx.lenient_error(
                    &content_pointer,
                    format!(
                        "parameter `{}` lists {} media types in `content` (OpenAPI allows one); \
                         `{media_type}` is used",
                        data.name,
                        content.len()
                    ),
                );
            }
            let media_pointer = join(&content_pointer, media_type);
            let style = if is_json_media(media_type) {
                ir::ParamStyle::Json
            } else {
                ir::ParamStyle::Text
            };
            match &media.schema {
                Some(schema) => (schema, join(&media_pointer, "schema"), style, false),
                None => {
                    // No schema: any JSON value, or text.
                    let ty = match style {
                        ir::ParamStyle::Json => TypeRef::Prim(ir::Prim::Json),
                        _ => TypeRef::Prim(ir::Prim::String),
                    };
                    return Ok(Some(content_param(data, location, ty, style)));
                }
            }
        }
    };
    let lowered = lower(cx, Slot::from(schema), &schema_pointer, &hint, 0);
    let (doc, deprecated_schema) = match schema {
        ReferenceOr::Item(s) => (s.schema_data.description.clone(), s.schema_data.deprecated),
        ReferenceOr::Reference { .. } => (None, false),
    };
    let doc = doc_lines(data.description.as_deref().or(doc.as_deref()));
    let deprecated = deprecation(
        data.deprecated.unwrap_or(false) || deprecated_schema,
        &data.extensions,
    );
    Ok(Some(ir::Param {
        name: names::param_name(&data.name),
        wire_name: data.name.clone(),
        location,
        doc,
        ty: lowered.ty,
        required: data.required || location == ParamLocation::Path,
        wire: lowered.wire,
        limits: lowered.limits,
        deprecated,
        style,
        explode,
    }))
}

/// A parameter described by `content` whose media type gives no schema (or no media type at
/// all): `ty` is any JSON value or text.
fn content_param(
    data: &openapiv3::ParameterData,
    location: ParamLocation,
    ty: TypeRef,
    style: ir::ParamStyle,
) -> ir::Param {
    ir::Param {
        name: names::param_name(&data.name),
        wire_name: data.name.clone(),
        location,
        doc: doc_lines(data.description.as_deref()),
        ty,
        required: data.required || location == ParamLocation::Path,
        wire: ir::WireFormat::Plain,
        limits: ir::Limits::default(),
        deprecated: deprecation(data.deprecated.unwrap_or(false), &data.extensions),
        style,
        explode: false,
    }
}

/// Whether a media type is JSON (`application/json`, `*+json`, with parameters or not).
fn is_json_media(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// Why the runtime, not the caller, sets header `name` (lower-case), for the headers it owns.
fn runtime_owned_header(name: &str) -> Option<&'static str> {
    match name {
        "authorization" => Some("the client sets `Authorization` from its `Auth`"),
        "content-type" => Some("the client sets `Content-Type` from the request body"),
        "accept" => Some("the client sets `Accept` for the responses it decodes"),
        _ => None,
    }
}

fn resolve_response<'a>(
    cx: &mut Resolver<'a>,
    operation: &'a openapiv3::Operation,
    pointer: &str,
    type_prefix: &str,
    ok: &mut bool,
) -> (Option<TypeRef>, ir::ResponseMedia) {
    let json = ir::ResponseMedia::Json;
    let mut success: Vec<(u16, &ReferenceOr<openapiv3::Response>)> = operation
        .responses
        .responses
        .iter()
        .filter_map(|(code, r)| match code {
            StatusCode::Code(c) if (200..300).contains(c) => Some((*c, r)),
            // A `2XX` range sorts after every explicit 2xx code.
            StatusCode::Range(2) => Some((299, r)),
            _ => None,
        })
        .collect();
    success.sort_by_key(|(c, _)| *c);
    let Some((code, response)) = success.into_iter().next() else {
        return (None, json);
    };
    let status_segment = if code == 299 {
        "2XX".to_owned()
    } else {
        code.to_string()
    };
    let response_pointer = join(&join(pointer, "responses"), &status_segment);
    let response = match response {
        ReferenceOr::Item(r) => r,
        ReferenceOr::Reference { reference } => {
            let found = reference
                .strip_prefix("#/components/responses/")
                .and_then(|name| cx.doc.components.as_ref()?.responses.get(name))
                .and_then(|r| r.as_item());
            match found {
                Some(r) => r,
                None => {
                    cx.error(
                        &response_pointer,
                        format!("$ref target not found: {reference}"),
                    );
                    *ok = false;
                    return (None, json);
                }
            }
        }
    };
    if response.content.is_empty() {
        return (None, json);
    }
    match json_media(&response.content) {
        Some((media_type, media)) => (
            Some(match &media.schema {
                Some(schema) => {
                    let schema_pointer = join(
                        &join(&join(&response_pointer, "content"), media_type),
                        "schema",
                    );
                    lower(
                        cx,
                        Slot::from(schema),
                        &schema_pointer,
                        &format!("{type_prefix}Response"),
                        0,
                    )
                    .ty
                }
                None => TypeRef::Prim(ir::Prim::Json),
            }),
            json,
        ),
        // Server-sent events: typed by the schema of their data, else text.
        None if response.content.keys().any(|k| is_event_stream(k)) => {
            let (media_type, media) = response
                .content
                .iter()
                .find(|(k, _)| is_event_stream(k))
                .expect("checked above");
            let data = media.schema.as_ref().map(|schema| {
                let schema_pointer = join(
                    &join(&join(&response_pointer, "content"), media_type),
                    "schema",
                );
                lower(
                    cx,
                    Slot::from(schema),
                    &schema_pointer,
                    &format!("{type_prefix}Event"),
                    0,
                )
                .ty
            });
            let data = data.filter(|ty| *ty != TypeRef::Prim(ir::Prim::String));
            (data, ir::ResponseMedia::EventStream)
        }
        // Every media type text: a `String`; any other (or a mix): the bytes, with the
        // content type the server gives.
        None if response
            .content
            .keys()
            .all(|k| k.trim().to_ascii_lowercase().starts_with("text/")) =>
        {
            (
                Some(TypeRef::Prim(ir::Prim::String)),
                ir::ResponseMedia::Text,
            )
        }
        None => (
            None,
            ir::ResponseMedia::Binary {
                // Named when the method is (`resolve_operations`).
                stream_method: String::new(),
            },
        ),
    }
}

fn is_event_stream(media_type: &str) -> bool {
    media_type
        .split(';')
        .next()
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("text/event-stream"))
}

fn error_codes(
    cx: &mut Resolver,
    operation: &openapiv3::Operation,
    pointer: &str,
) -> Vec<ir::ErrorCode> {
    let Some(value) = operation.extensions.get("x-wix-application-errors") else {
        return Vec::new();
    };
    let at = join(pointer, "x-wix-application-errors");
    let Some(list) = value.as_array() else {
        cx.error(
            at,
            "x-wix-application-errors must be a list of {code, status, description}",
        );
        return Vec::new();
    };
    let mut codes: Vec<ir::ErrorCode> = Vec::new();
    let mut scope = Scope::new(Kind::Variant, Policy::for_mode(cx.strict));
    for (i, entry) in list.iter().enumerate() {
        let entry_at = join(&at, &i.to_string());
        let Some(code) = entry.get("code").and_then(|c| c.as_str()) else {
            cx.error(entry_at, "application error entry needs a string `code`");
            continue;
        };
        let status = entry
            .get("status")
            .and_then(|s| s.as_u64())
            .and_then(|s| u16::try_from(s).ok());
        let label = format!("error code `{code}`");
        let place = Place::new(&label, &entry_at).at_index(i);
        let Some(name) = cx.claim_in(&mut scope, &names::variant_name(code), place) else {
            continue;
        };
        let mut doc = doc_lines(entry.get("description").and_then(|d| d.as_str()));
        if let Some(status) = status {
            doc.push(format!("Documented HTTP status: {status}."));
        }
        codes.push(ir::ErrorCode {
            name,
            code: code.to_owned(),
            status,
            doc,
        });
    }
    codes
}

/// Detects cursor pagination: a `cursor` query parameter, one list field in the response, and a
/// `next` cursor under a `cursors` object of the response.
fn pagination(cx: &Resolver, op: &ir::Operation) -> Option<ir::Pagination> {
    if op.response_media != ir::ResponseMedia::Json {
        return None;
    }
    let cursor = op.params.iter().find(|p| {
        p.location == ParamLocation::Query
            && !p.required
            && (p.wire_name == "cursor" || p.wire_name.ends_with(".cursor"))
            && p.ty == TypeRef::Prim(ir::Prim::String)
    })?;
    let TypeRef::Named(response) = op.response.as_ref()? else {
        return None;
    };
    let TypeKind::Struct(s) = &cx.types.get(response)?.kind else {
        return None;
    };
    let lists: Vec<&ir::Field> = s
        .fields
        .iter()
        .filter(|f| matches!(f.value.ty, TypeRef::List(_)))
        .collect();
    let [items] = lists.as_slice() else {
        return None;
    };
    let TypeRef::List(item_type) = &items.value.ty else {
        return None;
    };
    let next_cursor = find_next_cursor(cx, s, 0)?;
    Some(ir::Pagination {
        stream_method: format!("{}_stream", names::unraw(&op.name)),
        cursor_param: cursor.name.clone(),
        items: step(items),
        item_type: (**item_type).clone(),
        next_cursor,
    })
}

fn step(field: &ir::Field) -> ir::FieldStep {
    ir::FieldStep {
        field: field.name.clone(),
        required: field.required,
    }
}

fn find_next_cursor(cx: &Resolver, s: &ir::Struct, depth: usize) -> Option<Vec<ir::FieldStep>> {
    if depth > 3 {
        return None;
    }
    for field in &s.fields {
        if field.wire_name == "nextCursor" && field.value.ty == TypeRef::Prim(ir::Prim::String) {
            return Some(vec![step(field)]);
        }
        let TypeRef::Named(name) = &field.value.ty else {
            continue;
        };
        let Some(TypeKind::Struct(inner)) = cx.types.get(name).map(|t| &t.kind) else {
            continue;
        };
        if field.wire_name == "cursors" {
            if let Some(next) = inner
                .fields
                .iter()
                .find(|f| f.wire_name == "next" && f.value.ty == TypeRef::Prim(ir::Prim::String))
            {
                return Some(vec![step(field), step(next)]);
            }
        }
        if let Some(mut rest) = find_next_cursor(cx, inner, depth + 1) {
            rest.insert(0, step(field));
            return Some(rest);
        }
    }
    None
}
