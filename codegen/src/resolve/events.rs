//! The `x-wix-events` extension -> `ir::Event`s and the envelope's wire layers.
//!
//! OpenAPI 3.0 has no `webhooks` section; spec/README.md documents the extension.

use super::{doc_lines, Resolver};
use crate::diagnostics::join;
use crate::ir::{self, TypeRef};
use crate::names::{self, Kind, Place, Policy, Scope};

pub(crate) fn resolve_events(cx: &mut Resolver) -> (Vec<ir::Event>, Option<ir::EventEnvelope>) {
    let Some(spec) = cx.doc.extensions.get("x-wix-events") else {
        return (Vec::new(), None);
    };
    let at = "#/x-wix-events";
    let mut events: Vec<ir::Event> = Vec::new();
    let schema_ref = |cx: &mut Resolver, key: &str| -> Option<String> {
        let pointer = join(at, key);
        match spec.get(key).and_then(|v| v.as_str()) {
            Some(reference) => cx.component_ref(reference, &pointer),
            None => {
                cx.error(
                    pointer,
                    format!("x-wix-events needs `{key}`: a '#/components/schemas/...' reference"),
                );
                None
            }
        }
    };
    let envelope = schema_ref(cx, "envelope");
    let domain_event = schema_ref(cx, "domainEvent");
    let identity = schema_ref(cx, "identity");
    let jwt_claim = spec
        .get("jwtClaim")
        .and_then(|v| v.as_str())
        .unwrap_or("data")
        .to_owned();
    let Some(list) = spec.get("events").and_then(|e| e.as_array()) else {
        cx.error(join(at, "events"), "x-wix-events needs an `events` list");
        return (events, None);
    };
    let mut variants = Scope::new(Kind::Variant, Policy::Refuse);
    for (i, entry) in list.iter().enumerate() {
        let pointer = join(&join(at, "events"), &i.to_string());
        let field = |key: &str| entry.get(key).and_then(|v| v.as_str()).map(str::to_owned);
        let Some(event_type) = field("eventType") else {
            cx.error(pointer, "each event needs an `eventType`");
            continue;
        };
        // An event without a `payload` (a deletion, say) hands over its body as raw JSON.
        let payload = match field("payload") {
            Some(payload) => match cx.component_ref(&payload, &join(&pointer, "payload")) {
                Some(payload_type) => TypeRef::Named(payload_type),
                None => continue,
            },
            None => TypeRef::Prim(ir::Prim::Json),
        };
        // Named by slug (unique within an API: two events may share a payload type, as
        // `note_created` and `note_updated` do), else by payload type.
        let base = field("slug")
            .filter(|slug| !slug.is_empty())
            .or_else(|| field("payload").map(|p| p.rsplit('/').next().unwrap_or(&p).to_owned()))
            .unwrap_or_else(|| {
                event_type
                    .rsplit('.')
                    .next()
                    .unwrap_or(&event_type)
                    .to_owned()
            });
        if let Some(other) = events.iter().find(|e| e.event_type == event_type) {
            let message = format!(
                "events `{event_type}` and `{}` have the same event type",
                other.event_type
            );
            cx.error(pointer, message);
            continue;
        }
        let candidate = names::type_name(&base);
        let label = format!("event `{event_type}`");
        let Some(name) = cx.claim_in(&mut variants, &candidate, Place::new(&label, &pointer))
        else {
            continue;
        };
        events.push(ir::Event {
            name,
            event_type,
            entity_fqdn: field("entityFqdn").unwrap_or_default(),
            slug: field("slug").unwrap_or_default(),
            payload,
            doc: doc_lines(entry.get("description").and_then(|d| d.as_str())),
        });
    }
    events.sort_by(|a, b| a.name.cmp(&b.name));
    let envelope = match (envelope, domain_event, identity) {
        (Some(envelope), Some(domain_event), Some(identity)) => Some(ir::EventEnvelope {
            jwt_claim,
            envelope,
            domain_event,
            identity,
        }),
        _ => None,
    };
    (events, envelope)
}
