//! Rules for operations (parameters, bodies, responses, error codes) and webhook events.

use super::types::compare_member_meta;
use super::*;

pub(super) fn compare_operations(cx: &mut Cx, old: &Api, new: &Api) {
    for o in &old.operations {
        if !new.operations.iter().any(|n| n.name == o.name) {
            cx.push(
                Class::Breaking,
                "operation",
                format!("Client::{}", o.name),
                format!("removed (`{} {}`)", o.method, o.path),
            );
        }
    }
    for n in &new.operations {
        let item = format!("Client::{}", n.name);
        let Some(o) = old.operations.iter().find(|o| o.name == n.name) else {
            cx.push(
                Class::Compatible,
                "operation",
                item,
                format!("added (`{} {}`)", n.method, n.path),
            );
            continue;
        };
        if (o.method.as_str(), o.path.as_str()) != (n.method.as_str(), n.path.as_str()) {
            cx.push(
                Class::Compatible,
                "operation",
                item.clone(),
                format!(
                    "now sends `{} {}` (was `{} {}`); the Rust signature is unchanged",
                    n.method, n.path, o.method, o.path
                ),
            );
        }
        match (&o.body, &n.body) {
            (None, Some(b)) => cx.push(
                Class::Breaking,
                "operation",
                item.clone(),
                format!("now takes a request body `{}`", type_text(&b.ty)),
            ),
            (Some(_), None) => cx.push(
                Class::Breaking,
                "operation",
                item.clone(),
                "no longer takes a request body",
            ),
            (Some(a), Some(b))
                if !same_type(&a.ty, &b.ty)
                    || a.required != b.required
                    || std::mem::discriminant(&a.kind) != std::mem::discriminant(&b.kind) =>
            {
                cx.push(
                    Class::Breaking,
                    "operation",
                    item.clone(),
                    format!(
                        "request body changed from `{}` to `{}`",
                        body_text(a),
                        body_text(b)
                    ),
                )
            }
            _ => {}
        }
        // The methods of other body media types (`_form`, `_multipart`, `_raw`).
        for v in &o.body_variants {
            if !n.body_variants.iter().any(|w| w.method == v.method) {
                cx.push(
                    Class::Breaking,
                    "operation",
                    format!("Client::{}", v.method),
                    format!(
                        "removed (`{}` body of `{} {}`)",
                        v.body.media_type, n.method, n.path
                    ),
                );
            }
        }
        for v in &n.body_variants {
            match o.body_variants.iter().find(|w| w.method == v.method) {
                None => cx.push(
                    Class::Compatible,
                    "operation",
                    format!("Client::{}", v.method),
                    format!(
                        "added (`{}` body of `{} {}`)",
                        v.body.media_type, n.method, n.path
                    ),
                ),
                Some(w)
                    if !same_type(&w.body.ty, &v.body.ty) || w.body.required != v.body.required =>
                {
                    cx.push(
                        Class::Breaking,
                        "operation",
                        format!("Client::{}", v.method),
                        format!(
                            "request body changed from `{}` to `{}`",
                            body_text(&w.body),
                            body_text(&v.body)
                        ),
                    )
                }
                Some(_) => {}
            }
        }
        let response =
            |r: &Option<TypeRef>| r.as_ref().map(type_text).unwrap_or_else(|| "()".to_owned());
        if o.response
            .as_ref()
            .zip(n.response.as_ref())
            .map_or(o.response != n.response, |(a, b)| !same_type(a, b))
        {
            cx.push(
                Class::Breaking,
                "operation",
                item.clone(),
                format!(
                    "returns `{}` (was `{}`)",
                    response(&n.response),
                    response(&o.response)
                ),
            );
        }
        for p in &o.params {
            if !n.params.iter().any(|q| q.name == p.name) {
                cx.push(
                    Class::Breaking,
                    "parameter",
                    format!("{item}({})", p.name),
                    format!("removed (`{}`)", p.wire_name),
                );
            }
        }
        for p in &n.params {
            let pitem = format!("{item}({})", p.name);
            let Some(q) = o.params.iter().find(|q| q.name == p.name) else {
                if p.required {
                    cx.push(
                        Class::Breaking,
                        "parameter",
                        pitem,
                        format!(
                            "added, required (`{}`): the method gains an argument",
                            type_text(&p.ty)
                        ),
                    );
                } else {
                    cx.push(
                        Class::Compatible,
                        "parameter",
                        pitem,
                        format!(
                            "added, optional (`{}`, set through the options struct)",
                            p.wire_name
                        ),
                    );
                }
                continue;
            };
            if !same_type(&q.ty, &p.ty) || q.required != p.required || q.wire != p.wire {
                cx.push(
                    Class::Breaking,
                    "parameter",
                    pitem.clone(),
                    format!(
                        "changed from `{}` to `{}`",
                        field_type_text(&q.ty, q.required),
                        field_type_text(&p.ty, p.required)
                    ),
                );
            }
            if q.wire_name != p.wire_name {
                cx.push(
                    Class::Compatible,
                    "parameter",
                    pitem.clone(),
                    format!("sent as `{}` (was `{}`)", p.wire_name, q.wire_name),
                );
            }
            compare_member_meta(
                cx,
                "parameter",
                &pitem,
                (&q.doc, &q.limits, &q.deprecated, false),
                (&p.doc, &p.limits, &p.deprecated, false),
            );
        }
        if o.error_code_type != n.error_code_type {
            let code = |t: &Option<String>| t.clone().unwrap_or_else(|| "String".to_owned());
            cx.push(
                Class::Breaking,
                "operation",
                item.clone(),
                format!(
                    "error type changed from `Error<{}>` to `Error<{}>`",
                    code(&o.error_code_type),
                    code(&n.error_code_type)
                ),
            );
        }
        for c in &o.error_codes {
            if !n.error_codes.iter().any(|d| d.name == c.name) {
                cx.push(
                    Class::Breaking,
                    "error code",
                    format!(
                        "{}::{}",
                        o.error_code_type.as_deref().unwrap_or("String"),
                        c.name
                    ),
                    format!("removed (`{}` now decodes as `Unrecognized`)", c.code),
                );
            }
        }
        for c in &n.error_codes {
            if !o.error_codes.iter().any(|d| d.name == c.name) {
                let item = format!(
                    "{}::{}",
                    n.error_code_type.as_deref().unwrap_or("String"),
                    c.name
                );
                cx.push(
                    Class::Compatible,
                    "error code",
                    item,
                    format!("added (`{}`)", c.code),
                );
            }
        }
        match (&o.deprecated, &n.deprecated) {
            (None, Some(d)) => cx.push(
                Class::Deprecation,
                "operation",
                item.clone(),
                deprecation_text(d),
            ),
            (Some(_), None) => cx.push(
                Class::Compatible,
                "operation",
                item.clone(),
                "no longer deprecated",
            ),
            _ => {}
        }
        if o.pagination.is_some() && n.pagination.is_none() {
            cx.push(
                Class::Breaking,
                "operation",
                format!("{item}_stream"),
                "removed (the operation is no longer cursor-paged)",
            );
        } else if o.pagination.is_none() && n.pagination.is_some() {
            cx.push(
                Class::Compatible,
                "operation",
                format!("{item}_stream"),
                "added (the operation is now cursor-paged)",
            );
        }
        if o.doc != n.doc {
            cx.push(Class::Docs, "operation", item, "documentation changed");
        }
    }
}

pub(super) fn compare_events(cx: &mut Cx, old: &Api, new: &Api) {
    for e in &old.events {
        if !new.events.iter().any(|n| n.name == e.name) {
            cx.push(
                Class::Breaking,
                "event",
                format!("Event::{}", e.name),
                format!(
                    "removed (`{}` now arrives as `Event::Unrecognized`)",
                    e.event_type
                ),
            );
        }
    }
    for e in &new.events {
        let item = format!("Event::{}", e.name);
        let Some(o) = old.events.iter().find(|o| o.name == e.name) else {
            cx.push(
                Class::Compatible,
                "event",
                item,
                format!(
                    "added (`{}`; before this it arrived as `Event::Unrecognized`)",
                    e.event_type
                ),
            );
            continue;
        };
        if o.event_type != e.event_type {
            cx.push(
                Class::Breaking,
                "event",
                item.clone(),
                format!(
                    "event type changed from `{}` to `{}`",
                    o.event_type, e.event_type
                ),
            );
        }
        if !same_type(&o.payload, &e.payload) {
            cx.push(
                Class::Breaking,
                "event",
                item.clone(),
                format!(
                    "payload changed from `{}` to `{}`",
                    type_text(&o.payload),
                    type_text(&e.payload)
                ),
            );
        }
        if o.doc != e.doc {
            cx.push(Class::Docs, "event", item, "documentation changed");
        }
    }
}

/// A request body's type as the method takes it.
fn body_text(body: &crate::ir::Body) -> String {
    match body.kind {
        crate::ir::BodyKind::Raw => "body::RawBody".to_owned(),
        crate::ir::BodyKind::MultipartFreeForm => "body::MultipartForm".to_owned(),
        _ => type_text(&body.ty),
    }
}
