//! Request bodies -> `ir::Body`: JSON, `application/x-www-form-urlencoded` (the body's type,
//! written per the media type's `encoding`), `multipart/form-data` (a form struct, one part
//! per property, files as file parts; without listed properties the runtime's free-form
//! `MultipartForm`) and raw bodies (bytes or a stream).
//!
//! An operation with several media types gets the JSON one (else the first listed) on its
//! method and each other kind on a method named with a suffix: `_form`, `_multipart`, `_raw`.

use openapiv3::{MediaType, ReferenceOr, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};

use super::schema::{lower, properties_of, Slot};
use super::{doc_lines, Resolver};
use crate::diagnostics::join;
use crate::ir::{self, BodyKind, FileShape, TypeRef};
use crate::names::{self, Kind, Place, Policy, Scope};

/// The kinds of body media types, in the order their methods are listed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum MediaKind {
    Json,
    Form,
    Multipart,
    Raw,
}

impl MediaKind {
    fn of(media_type: &str) -> MediaKind {
        let essence = media_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if essence == "application/json" || essence.ends_with("+json") || essence == "*/*" {
            MediaKind::Json
        } else if essence == "application/x-www-form-urlencoded" {
            MediaKind::Form
        } else if essence == "multipart/form-data" || essence == "application/form-data" {
            MediaKind::Multipart
        } else {
            MediaKind::Raw
        }
    }

    /// The suffix of the method that sends this kind when it is not the operation's default.
    fn suffix(self) -> &'static str {
        match self {
            MediaKind::Json => "_json",
            MediaKind::Form => "_form",
            MediaKind::Multipart => "_multipart",
            MediaKind::Raw => "_raw",
        }
    }
}

/// The default body and the others, each with the suffix of its method (the method names
/// are claimed with the operation's). `ok` turns false when the operation must be skipped.
pub(super) fn resolve_bodies<'a>(
    cx: &mut Resolver<'a>,
    body: &'a openapiv3::RequestBody,
    body_pointer: &str,
    type_prefix: &str,
    ok: &mut bool,
) -> (Option<ir::Body>, Vec<(&'static str, ir::Body)>) {
    // The first media type of each kind speaks for it.
    let mut chosen: Vec<(MediaKind, &'a String, &'a MediaType)> = Vec::new();
    for (media_type, media) in &body.content {
        let kind = MediaKind::of(media_type);
        if !chosen.iter().any(|(k, _, _)| *k == kind) {
            chosen.push((kind, media_type, media));
        }
    }
    if let Some(json) = chosen.iter().position(|(k, _, _)| *k == MediaKind::Json) {
        let json = chosen.remove(json);
        chosen.insert(0, json);
    }
    let mut default = None;
    let mut variants = Vec::new();
    for (i, (kind, media_type, media)) in chosen.into_iter().enumerate() {
        let pointer = join(&join(body_pointer, "content"), media_type);
        // A second body type of an inline schema is named after its kind.
        let hint = if i == 0 {
            format!("{type_prefix}Request")
        } else {
            format!("{type_prefix}{}Request", names::type_name(kind.suffix()))
        };
        let Some(resolved) = resolve_media(cx, kind, media_type, media, &pointer, &hint, body)
        else {
            *ok = false;
            continue;
        };
        if i == 0 {
            default = Some(resolved);
        } else {
            variants.push((kind.suffix(), resolved));
        }
    }
    (default, variants)
}

fn resolve_media<'a>(
    cx: &mut Resolver<'a>,
    kind: MediaKind,
    media_type: &str,
    media: &'a MediaType,
    pointer: &str,
    hint: &str,
    body: &'a openapiv3::RequestBody,
) -> Option<ir::Body> {
    let schema_pointer = join(pointer, "schema");
    let typed = |cx: &mut Resolver<'a>| match &media.schema {
        Some(schema) => lower(cx, Slot::from(schema), &schema_pointer, hint, 0).ty,
        None => TypeRef::Prim(ir::Prim::Json),
    };
    let kind = match kind {
        MediaKind::Json => BodyKind::Json,
        MediaKind::Raw => BodyKind::Raw,
        MediaKind::Form => BodyKind::Form(form_encodings(cx, media, pointer)),
        MediaKind::Multipart => {
            // Without listed parts (no schema, or not an object with properties), the caller
            // names the parts: a free-form `body::MultipartForm`.
            let properties = media.schema.as_ref().and_then(|schema| {
                properties_of(cx, Slot::from(schema), &schema_pointer)
                    .filter(|(properties, _)| !properties.is_empty())
            });
            let Some((properties, required)) = properties else {
                return Some(ir::Body {
                    // A placeholder: the method takes the runtime's `MultipartForm`.
                    ty: TypeRef::Prim(ir::Prim::Json),
                    required: body.required,
                    media_type: media_type.to_owned(),
                    kind: BodyKind::MultipartFreeForm,
                });
            };
            let form = format!("{}Form", hint.strip_suffix("Request").unwrap_or(hint));
            let name = cx.claim(&form, &format!("{hint} multipart form"), &schema_pointer)?;
            let parts = multipart_parts(cx, properties, &required, media, &name)?;
            return Some(ir::Body {
                ty: TypeRef::Named(name),
                required: body.required,
                media_type: media_type.to_owned(),
                kind: BodyKind::Multipart(parts),
            });
        }
    };
    let ty = match kind {
        BodyKind::Raw => TypeRef::Prim(ir::Prim::Json),
        _ => typed(cx),
    };
    Some(ir::Body {
        ty,
        required: body.required,
        media_type: media_type.to_owned(),
        kind,
    })
}

/// The urlencoded properties whose `encoding` is not `form`, exploded.
fn form_encodings(cx: &mut Resolver, media: &MediaType, pointer: &str) -> Vec<ir::FormEncoding> {
    let mut out = Vec::new();
    for (name, encoding) in &media.encoding {
        let style = match &encoding.style {
            None | Some(openapiv3::QueryStyle::Form) => ir::ParamStyle::Form,
            Some(openapiv3::QueryStyle::SpaceDelimited) => ir::ParamStyle::SpaceDelimited,
            Some(openapiv3::QueryStyle::PipeDelimited) => ir::ParamStyle::PipeDelimited,
            Some(openapiv3::QueryStyle::DeepObject) => ir::ParamStyle::DeepObject,
        };
        // openapiv3 reads a missing `explode` as false, where OpenAPI's default is true for
        // `form`: whether it was written is read from the raw document.
        let at = join(&join(pointer, "encoding"), name);
        let written = pointer_in(cx.raw, &join(&at, "explode")).and_then(|v| v.as_bool());
        let explode = written.unwrap_or(encoding.explode || style == ir::ParamStyle::Form);
        if encoding.content_type.is_some() {
            cx.unsupported(
                &at,
                "`contentType` of a urlencoded property (values are written as text)",
            );
        }
        if style != ir::ParamStyle::Form || !explode {
            out.push(ir::FormEncoding {
                wire_name: name.clone(),
                style,
                explode,
            });
        }
    }
    out
}

/// The value at `pointer` (`#/...`) of the raw document, following the local `$ref`s met on
/// the way (a path item that repeats another one is read at its own pointer).
fn pointer_in<'v>(raw: &'v serde_json::Value, pointer: &str) -> Option<&'v serde_json::Value> {
    let mut node = raw;
    let mut hops = 0;
    for segment in pointer.strip_prefix("#/")?.split('/') {
        let key = segment.replace("~1", "/").replace("~0", "~");
        while node.get(&key).is_none() {
            let target = node.get("$ref")?.as_str()?.strip_prefix('#')?;
            hops += 1;
            if hops > 16 {
                return None;
            }
            node = raw.pointer(target)?;
        }
        node = node.get(&key)?;
    }
    Some(node)
}

/// One field per property of the form's schema; `format: binary` strings are files.
fn multipart_parts<'a>(
    cx: &mut Resolver<'a>,
    properties: Vec<super::schema::Property<'a>>,
    required: &[String],
    media: &'a MediaType,
    form_name: &str,
) -> Option<Vec<ir::FormPart>> {
    let mut scope = Scope::new(Kind::Field, Policy::for_mode(cx.strict));
    let mut parts = Vec::new();
    for (wire_name, slot, property_pointer) in properties {
        let label = format!("form field `{wire_name}`");
        let name = cx.claim_in(
            &mut scope,
            &names::field_name(&wire_name),
            Place::new(&label, &property_pointer),
        )?;
        let file = file_shape(cx, slot);
        let ty = match file {
            FileShape::NotFile => {
                let hint = format!("{form_name}{}", names::type_name(&wire_name));
                Some(lower(cx, slot, &property_pointer, &hint, 1).ty)
            }
            FileShape::One | FileShape::List => None,
        };
        let doc = match slot {
            Slot::Inline(s) => doc_lines(s.schema_data.description.as_deref()),
            Slot::Ref(_) => Vec::new(),
        };
        parts.push(ir::FormPart {
            name,
            required: required.contains(&wire_name),
            content_type: media
                .encoding
                .get(&wire_name)
                .and_then(|e| e.content_type.clone()),
            wire_name,
            doc,
            ty,
            file,
        });
    }
    Some(parts)
}

/// Whether a property holds a file (`type: string, format: binary`) or a list of them.
fn file_shape(cx: &Resolver, slot: Slot) -> FileShape {
    let schema = |slot: Slot<'_>| -> Option<openapiv3::Schema> {
        match slot {
            Slot::Inline(s) => Some(s.clone()),
            Slot::Ref(r) => {
                let name = r.strip_prefix("#/components/schemas/")?;
                cx.component_schema(name)?.as_item().cloned()
            }
        }
    };
    let is_binary = |s: &openapiv3::Schema| {
        matches!(&s.schema_kind, SchemaKind::Type(Type::String(t))
            if matches!(t.format, VariantOrUnknownOrEmpty::Item(StringFormat::Binary)))
    };
    let Some(s) = schema(slot) else {
        return FileShape::NotFile;
    };
    if is_binary(&s) {
        return FileShape::One;
    }
    if let SchemaKind::Type(Type::Array(a)) = &s.schema_kind {
        if let Some(items) = &a.items {
            let item = match items {
                ReferenceOr::Item(i) => Some((**i).clone()),
                ReferenceOr::Reference { reference } => schema(Slot::Ref(reference)),
            };
            if item.as_ref().is_some_and(is_binary) {
                return FileShape::List;
            }
        }
    }
    FileShape::NotFile
}

#[cfg(test)]
mod tests {
    use super::pointer_in;

    #[test]
    fn raw_pointers_follow_local_refs() {
        let raw = serde_json::json!({
            "paths": {
                "/a": {"post": {"encoding": {"x/y": {"explode": false}}}},
                "/b": {"$ref": "#/paths/~1a"},
            }
        });
        let at = "#/paths/~1b/post/encoding/x~1y/explode";
        assert_eq!(pointer_in(&raw, at), Some(&serde_json::json!(false)));
        assert_eq!(pointer_in(&raw, "#/paths/~1b/get"), None);
        let cycle = serde_json::json!({"a": {"$ref": "#/a"}});
        assert_eq!(pointer_in(&cycle, "#/a/b"), None);
    }
}
