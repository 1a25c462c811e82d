//! Edits of `paths` and `x-wix-events`: operations (route, request and response types,
//! parameters, permission, error codes) and events.

use serde_json::Value;

use super::super::model::{Body, Event, Field, Model, Operation};
use super::super::spec::ref_target;
use super::types::render_shape;
use super::{description_or, keys, with, Edit, Seg, J};

pub(super) fn operation_edits(
    edits: &mut Vec<Edit>,
    id: &str,
    sdk: &Model,
    spec: &Model,
    base: &Value,
) {
    let s = sdk.operations.get(id);
    let p = spec.operations.get(id);
    let location = |o: &Operation| keys(&["paths", &o.path, &o.method.to_lowercase()]);
    match (s, p) {
        (None, Some(p)) => {
            // Remove the operation; a path left without operations goes with it.
            let path_item = base.get("paths").and_then(|paths| paths.get(&p.path));
            let others = path_item
                .and_then(Value::as_object)
                .map(|m| {
                    m.keys()
                        .filter(|k| {
                            super::super::spec::METHODS.contains(&k.as_str())
                                && **k != p.method.to_lowercase()
                        })
                        .count()
                })
                .unwrap_or(0);
            if others == 0 {
                edits.push(Edit::Delete(keys(&["paths", &p.path])));
            } else {
                edits.push(Edit::Delete(location(p)));
            }
        }
        (Some(s), None) => {
            // Missing parents (the path item) are created by the node tool.
            let op = render_operation(id, s, sdk, base, None);
            edits.push(Edit::Set(location(s), op, None));
        }
        (Some(s), Some(p)) => {
            let existing = base
                .get("paths")
                .and_then(|paths| paths.get(&p.path))
                .and_then(|item| item.get(p.method.to_lowercase()))
                .cloned()
                .unwrap_or(Value::Null);
            let desired = render_operation(id, s, sdk, base, Some(&existing));
            if (s.method.as_str(), s.path.as_str()) != (p.method.as_str(), p.path.as_str()) {
                operation_edits(edits, id, &Model::default(), spec, base);
                edits.push(Edit::Set(location(s), desired, None));
                return;
            }
            let J::Obj(entries) = desired else { return };
            for (k, v) in entries {
                if existing.get(&k) != Some(&v.to_value()) {
                    edits.push(Edit::Set(with(location(p), &k), v, None));
                }
            }
        }
        (None, None) => {}
    }
}

/// The operation object for an SDK operation; with `existing`, that object with the SDK's facts
/// put in and everything else kept.
fn render_operation(
    id: &str,
    s: &Operation,
    sdk: &Model,
    base: &Value,
    existing: Option<&Value>,
) -> J {
    let mut out: Vec<(String, J)> = match existing {
        Some(Value::Object(m)) => m
            .iter()
            .map(|(k, v)| (k.clone(), J::from_value(v)))
            .collect(),
        _ => Vec::new(),
    };
    let mut put = |k: &str, v: Option<J>| match (out.iter().position(|(x, _)| x == k), v) {
        (Some(i), Some(v)) => out[i].1 = v,
        (None, Some(v)) => out.push((k.to_owned(), v)),
        (Some(i), None) => {
            out.remove(i);
        }
        (None, None) => {}
    };
    if existing.is_none() {
        put("operationId", Some(J::str(id)));
        put("tags", Some(J::Arr(vec![J::Str(tag_for(s, base))])));
        put("summary", Some(J::Str(summary_of(id))));
        put(
            "description",
            Some(J::Str(description_or(&s.description, || {
                format!("`{id}` (no description in the SDK).")
            }))),
        );
    }
    put("x-wix-request-schema", s.request.clone().map(J::Str));
    put("x-wix-permission", s.permission.clone().map(J::Str));
    put("x-wix-method-fqn", s.method_fqn.clone().map(J::Str));
    let old_errors: Vec<Value> = existing
        .and_then(|e| e.get("x-wix-application-errors"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let errors = s
        .errors
        .iter()
        .map(|(code, description)| {
            match old_errors
                .iter()
                .find(|e| e.get("code").and_then(Value::as_str) == Some(code))
            {
                Some(old) => J::from_value(old),
                None => J::Obj(vec![
                    ("code".into(), J::str(code.clone())),
                    (
                        "description".into(),
                        J::Str(description_or(description, || code.clone())),
                    ),
                ]),
            }
        })
        .collect();
    put("x-wix-application-errors", Some(J::Arr(errors)));
    // Parameters: path ones, then query ones for operations without a body.
    let old_params: Vec<Value> = existing
        .and_then(|e| e.get("parameters"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let find_old = |name: &str, location: &str| {
        old_params.iter().find(|p| {
            p.get("name").and_then(Value::as_str) == Some(name)
                && p.get("in").and_then(Value::as_str) == Some(location)
        })
    };
    let mut params = Vec::new();
    for name in &s.path_params {
        params.push(match find_old(name, "path") {
            Some(old) => J::from_value(old),
            None => render_param(name, "path", true, s, sdk),
        });
    }
    for name in &s.query_params {
        params.push(match find_old(name, "query") {
            Some(old) => J::from_value(old),
            None => render_param(name, "query", false, s, sdk),
        });
    }
    // Parameters in other places (headers) are the spec's own.
    for old in &old_params {
        if !matches!(
            old.get("in").and_then(Value::as_str),
            Some("path" | "query")
        ) {
            params.push(J::from_value(old));
        }
    }
    put("parameters", (!params.is_empty()).then_some(J::Arr(params)));
    let has_body = !matches!(s.method.as_str(), "GET" | "DELETE");
    let body_ref = |name: &str| {
        J::Obj(vec![(
            "application/json".into(),
            J::Obj(vec![(
                "schema".into(),
                J::Obj(vec![(
                    "$ref".into(),
                    J::Str(format!("#/components/schemas/{name}")),
                )]),
            )]),
        )])
    };
    match (
        has_body,
        &s.request,
        existing.and_then(|e| e.get("requestBody")),
    ) {
        (true, Some(request), Some(old))
            if old
                .pointer("/content/application~1json/schema")
                .and_then(ref_target)
                .as_deref()
                == Some(request) => {}
        (true, Some(request), _) => put(
            "requestBody",
            Some(J::Obj(vec![
                ("required".into(), J::Bool(true)),
                ("content".into(), body_ref(request)),
            ])),
        ),
        (false, _, Some(_)) => put("requestBody", None),
        _ => {}
    }
    let old_responses = existing.and_then(|e| e.get("responses"));
    let response_ok = old_responses
        .and_then(|r| r.pointer("/200/content/application~1json/schema"))
        .and_then(ref_target);
    if let Some(response) = &s.response {
        if response_ok.as_deref() != Some(response) {
            let ok = J::Obj(vec![
                ("description".into(), J::Str(format!("The `{response}`."))),
                ("content".into(), body_ref(response)),
            ]);
            let mut responses: Vec<(String, J)> = match old_responses {
                Some(Value::Object(m)) => m
                    .iter()
                    .map(|(k, v)| (k.clone(), J::from_value(v)))
                    .collect(),
                _ => standard_responses(base),
            };
            match responses.iter().position(|(k, _)| k == "200") {
                Some(i) => responses[i].1 = ok,
                None => responses.insert(0, ("200".into(), ok)),
            }
            put("responses", Some(J::Obj(responses)));
        }
    }
    J::Obj(out)
}

/// References to the spec's shared error responses, by status, for a new operation.
fn standard_responses(base: &Value) -> Vec<(String, J)> {
    let wanted = [
        ("400", "BadRequest"),
        ("401", "Unauthenticated"),
        ("403", "PermissionDenied"),
        ("404", "NotFound"),
        ("429", "TooManyRequests"),
        ("500", "InternalServerError"),
        ("503", "ServiceUnavailable"),
        ("default", "UnexpectedError"),
    ];
    wanted
        .iter()
        .filter(|(_, name)| {
            base.pointer(&format!("/components/responses/{name}"))
                .is_some()
        })
        .map(|(status, name)| {
            (
                (*status).to_owned(),
                J::Obj(vec![(
                    "$ref".into(),
                    J::Str(format!("#/components/responses/{name}")),
                )]),
            )
        })
        .collect()
}

/// A tag for a new operation: the tag of another operation of the same service, else the
/// package's last word (`@wix/auto_sdk_crm_notes` -> `notes`).
fn tag_for(s: &Operation, base: &Value) -> String {
    let service = s
        .method_fqn
        .as_deref()
        .and_then(|f| f.rsplit_once('.'))
        .map(|(svc, _)| svc);
    if let (Some(service), Some(paths)) = (service, base.get("paths").and_then(Value::as_object)) {
        for item in paths.values() {
            for method in super::super::spec::METHODS {
                let Some(op) = item.get(method) else { continue };
                let same = op
                    .get("x-wix-method-fqn")
                    .and_then(Value::as_str)
                    .and_then(|f| f.rsplit_once('.'))
                    .is_some_and(|(svc, _)| svc == service);
                if let (true, Some(tag)) = (same, op.pointer("/tags/0").and_then(Value::as_str)) {
                    return tag.to_owned();
                }
            }
        }
    }
    s.package
        .as_deref()
        .and_then(|p| p.rsplit('_').next())
        .unwrap_or("default")
        .to_owned()
}

/// `getOrCreateConversation` -> `Get or create conversation`.
fn summary_of(id: &str) -> String {
    let mut out = String::new();
    for c in id.chars() {
        if c.is_uppercase() {
            out.push(' ');
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    let mut chars = out.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

/// A parameter for a (possibly dotted) request field.
fn render_param(name: &str, location: &str, required_path: bool, s: &Operation, sdk: &Model) -> J {
    let field = s.request.as_deref().and_then(|r| field_at(sdk, r, name));
    let required = required_path || field.is_some_and(|f| f.required);
    let mut out = vec![
        ("name".into(), J::str(name)),
        ("in".into(), J::str(location)),
        ("required".into(), J::Bool(required)),
    ];
    if let Some(f) = field {
        out.push((
            "description".into(),
            J::Str(description_or(&f.description, || format!("`{name}`."))),
        ));
    }
    if location == "query" {
        out.push(("style".into(), J::str("form")));
        out.push(("explode".into(), J::Bool(true)));
    }
    let schema = match field {
        Some(f) => J::Obj(render_shape(&f.shape, f, false)),
        None => J::Obj(vec![("type".into(), J::str("string"))]),
    };
    out.push(("schema".into(), schema));
    J::Obj(out)
}

/// The field at a dotted path from a type.
fn field_at<'a>(model: &'a Model, ty: &str, path: &str) -> Option<&'a Field> {
    let (head, rest) = match path.split_once('.') {
        Some((h, r)) => (h, Some(r)),
        None => (path, None),
    };
    let Body::Object { fields, .. } = &model.types.get(ty)?.body else {
        return None;
    };
    let field = fields.iter().find(|f| f.name == head)?;
    match rest {
        None => Some(field),
        Some(rest) => field_at(model, field.shape.target()?, rest),
    }
}

fn render_event(event_type: &str, e: &Event) -> J {
    let mut out = vec![("eventType".into(), J::str(event_type))];
    if let Some(fqdn) = &e.entity_fqdn {
        out.push(("entityFqdn".into(), J::str(fqdn.clone())));
    }
    if !e.slug.is_empty() {
        out.push(("slug".into(), J::str(e.slug.clone())));
    }
    if let Some(payload) = &e.payload {
        out.push((
            "payload".into(),
            J::Str(format!("#/components/schemas/{payload}")),
        ));
    }
    if let Some(p) = &e.permission {
        out.push(("permission".into(), J::str(p.clone())));
    }
    out.push((
        "description".into(),
        J::Str(description_or(&e.description, || {
            format!("The `{event_type}` event.")
        })),
    ));
    J::Obj(out)
}

pub(super) fn event_edits(
    edits: &mut Vec<Edit>,
    targets: &[&String],
    sdk: &Model,
    spec: &Model,
    base: &Value,
) {
    let list = base
        .pointer("/x-wix-events/events")
        .and_then(Value::as_array);
    let Some(list) = list else {
        // No events section yet: create it around the standard envelope types.
        let events: Vec<J> = sdk.events.iter().map(|(t, e)| render_event(t, e)).collect();
        // The identity layer is whatever the envelope's `identity` field names.
        let identity = sdk
            .types
            .get("MessageEnvelope")
            .and_then(|t| match &t.body {
                Body::Object { fields, .. } => fields.iter().find(|f| f.name == "identity"),
                Body::Enum { .. } => None,
            })
            .and_then(|f| f.shape.target().map(str::to_owned))
            .unwrap_or_else(|| "WebhooksIdentificationData".into());
        let envelope = |name: &str| J::Str(format!("#/components/schemas/{name}"));
        edits.push(Edit::Set(
            keys(&["x-wix-events"]),
            J::Obj(vec![
                ("jwtClaim".into(), J::str("data")),
                ("envelope".into(), envelope("MessageEnvelope")),
                ("domainEvent".into(), envelope("DomainEvent")),
                ("identity".into(), envelope(&identity)),
                ("events".into(), J::Arr(events)),
            ]),
            None,
        ));
        return;
    };
    let path = keys(&["x-wix-events", "events"]);
    let mut removals = Vec::new();
    for event_type in targets {
        let index = list
            .iter()
            .position(|e| e.get("eventType").and_then(Value::as_str) == Some(event_type.as_str()));
        match (sdk.events.get(*event_type), index) {
            (Some(e), Some(i)) => {
                let mut p = path.clone();
                p.push(Seg::Index(i));
                let J::Obj(entries) = render_event(event_type, e) else {
                    continue;
                };
                for (k, v) in entries {
                    if k == "description" {
                        continue;
                    }
                    if list[i].get(&k) != Some(&v.to_value()) {
                        edits.push(Edit::Set(with(p.clone(), &k), v, None));
                    }
                }
            }
            (Some(e), None) => {
                let mut p = path.clone();
                p.push(Seg::Index(list.len() + edits.iter().filter(|x| matches!(x, Edit::Set(ps, _, _) if ps.len() == 3 && ps[..2] == path[..])).count()));
                edits.push(Edit::Set(p, render_event(event_type, e), None));
            }
            (None, Some(i))
                if spec
                    .events
                    .get(*event_type)
                    .is_some_and(|e| e.spec_only.is_none()) =>
            {
                removals.push(i)
            }
            _ => {}
        }
    }
    removals.sort_unstable_by(|a, b| b.cmp(a));
    for i in removals {
        let mut p = path.clone();
        p.push(Seg::Index(i));
        edits.push(Edit::Delete(p));
    }
}
