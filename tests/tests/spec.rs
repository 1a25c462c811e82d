//! Consistency checks of `spec/inbox-v2.yaml` that OpenAPI validators do not make: references
//! resolve, the operation set is the documented one, and the `x-` conventions of spec/README.md
//! (`x-oneof`, `x-wix-events`, `x-wix-request-schema`, `x-json-string`) point at real things.
//!
//! Each check is a function returning the problems it found; every check has a negative test
//! that feeds it a broken copy of the spec, so a check that silently stopped looking fails.

use serde_json::{json, Value};

const OPERATION_IDS: [&str; 4] = [
    "sendMessage",
    "listMessages",
    "getConversation",
    "getOrCreateConversation",
];

fn raw_spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/inbox-v2.yaml");
    let text = std::fs::read_to_string(path).unwrap();
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn typed(raw: &Value) -> openapiv3::OpenAPI {
    serde_json::from_value(raw.clone())
        .unwrap_or_else(|e| panic!("not an OpenAPI 3.0 document: {e}"))
}

fn assert_clean(problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "spec/inbox-v2.yaml:\n  {}",
        problems.join("\n  ")
    );
}

/// Calls `visit(pointer, node)` for every node of `value`.
fn walk<'a>(value: &'a Value, pointer: &str, visit: &mut dyn FnMut(&str, &'a Value)) {
    visit(pointer, value);
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                walk(
                    child,
                    &format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1")),
                    visit,
                );
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                walk(child, &format!("{pointer}/{i}"), visit);
            }
        }
        _ => {}
    }
}

fn resolves(raw: &Value, reference: &str) -> bool {
    reference
        .strip_prefix('#')
        .is_some_and(|pointer| raw.pointer(pointer).is_some())
}

// ---------------------------------------------------------------------------------------------
// The checks.

/// Every `$ref` anywhere in the document points inside the document, at something that exists.
fn dangling_refs(raw: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    walk(raw, "#", &mut |pointer, node| {
        if let Some(reference) = node.get("$ref") {
            match reference.as_str() {
                Some(r) if resolves(raw, r) => {}
                Some(r) => problems.push(format!(
                    "{pointer}: $ref {r} does not resolve inside the document"
                )),
                None => problems.push(format!("{pointer}: $ref is not a string")),
            }
        }
    });
    problems
}

/// Every operation has an operationId, and the set is exactly the four documented operations.
fn operation_id_problems(doc: &openapiv3::OpenAPI) -> Vec<String> {
    let mut problems = Vec::new();
    let mut ids = Vec::new();
    for (path, method, operation) in doc.operations() {
        match &operation.operation_id {
            Some(id) => ids.push(id.clone()),
            None => problems.push(format!("{method} {path}: no operationId")),
        }
    }
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    if sorted.len() != ids.len() {
        problems.push(format!("duplicate operationIds: {ids:?}"));
    }
    let mut expected: Vec<String> = OPERATION_IDS.iter().map(|s| s.to_string()).collect();
    expected.sort();
    if sorted != expected && problems.is_empty() {
        problems.push(format!(
            "operationIds are {sorted:?}, expected exactly {expected:?}"
        ));
    }
    problems
}

/// Every member named by an `x-oneof` group is a property of the same schema, and not required.
fn oneof_problems(raw: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let mut groups_seen = 0;
    walk(raw, "#", &mut |pointer, node| {
        let Some(oneof) = node.get("x-oneof") else {
            return;
        };
        let Some(groups) = oneof.as_object() else {
            problems.push(format!(
                "{pointer}/x-oneof: not a map of group name to members"
            ));
            return;
        };
        let properties = node.get("properties").and_then(Value::as_object);
        let required: Vec<&str> = node
            .get("required")
            .and_then(Value::as_array)
            .map_or(Vec::new(), |r| r.iter().filter_map(Value::as_str).collect());
        for (group, members) in groups {
            groups_seen += 1;
            let Some(members) = members.as_array().filter(|m| !m.is_empty()) else {
                problems.push(format!("{pointer}/x-oneof/{group}: not a non-empty list"));
                continue;
            };
            for member in members {
                let Some(member) = member.as_str() else {
                    problems.push(format!(
                        "{pointer}/x-oneof/{group}: {member} is not a property name"
                    ));
                    continue;
                };
                if !properties.is_some_and(|p| p.contains_key(member)) {
                    problems.push(format!(
                        "{pointer}/x-oneof/{group}: `{member}` is not a property of this schema"
                    ));
                }
                if required.contains(&member) {
                    problems.push(format!(
                        "{pointer}/x-oneof/{group}: `{member}` is listed in `required`"
                    ));
                }
            }
        }
    });
    if groups_seen == 0 {
        problems.push("no x-oneof group found at all".to_owned());
    }
    problems
}

/// `x-wix-events`: the envelope layers and every event payload are references that resolve.
fn event_problems(raw: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let Some(events) = raw.get("x-wix-events") else {
        return vec!["no x-wix-events".to_owned()];
    };
    let mut check_ref = |pointer: String, value: Option<&Value>| match value.and_then(Value::as_str)
    {
        Some(r) if r.starts_with("#/components/schemas/") && resolves(raw, r) => {}
        Some(r) => problems.push(format!(
            "{pointer}: {r} does not resolve to a component schema"
        )),
        None => problems.push(format!("{pointer}: missing")),
    };
    for key in ["envelope", "domainEvent", "identity"] {
        check_ref(format!("#/x-wix-events/{key}"), events.get(key));
    }
    let list = events
        .get("events")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    if list.is_empty() {
        check_ref("#/x-wix-events/events".to_owned(), None);
    }
    for (i, event) in list.iter().enumerate() {
        check_ref(
            format!("#/x-wix-events/events/{i}/payload"),
            event.get("payload"),
        );
        if event.get("eventType").and_then(Value::as_str).is_none() {
            check_ref(format!("#/x-wix-events/events/{i}/eventType"), None);
        }
    }
    problems
}

/// `x-wix-request-schema` and `x-json-string` name component schemas that exist.
fn named_schema_problems(raw: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    walk(raw, "#", &mut |pointer, node| {
        for key in ["x-wix-request-schema", "x-json-string"] {
            if let Some(name) = node.get(key) {
                let exists = name
                    .as_str()
                    .is_some_and(|n| raw["components"]["schemas"].get(n).is_some());
                if !exists {
                    problems.push(format!("{pointer}/{key}: {name} is not a component schema"));
                }
            }
        }
    });
    problems
}

// ---------------------------------------------------------------------------------------------
// The real spec passes.

#[test]
fn spec_parses_as_openapi_3_0() {
    let doc = typed(&raw_spec());
    assert!(doc.openapi.starts_with("3.0."), "{}", doc.openapi);
    assert!(doc.components.is_some_and(|c| !c.schemas.is_empty()));
}

#[test]
fn every_ref_resolves() {
    assert_clean(dangling_refs(&raw_spec()));
}

#[test]
fn operation_ids_are_the_documented_four() {
    assert_clean(operation_id_problems(&typed(&raw_spec())));
}

#[test]
fn oneof_members_are_properties() {
    assert_clean(oneof_problems(&raw_spec()));
}

#[test]
fn event_payloads_resolve() {
    assert_clean(event_problems(&raw_spec()));
}

#[test]
fn named_schemas_exist() {
    assert_clean(named_schema_problems(&raw_spec()));
}

// ---------------------------------------------------------------------------------------------
// Each check fails on a broken copy.

fn broken(edit: impl FnOnce(&mut Value)) -> Value {
    let mut raw = raw_spec();
    edit(&mut raw);
    raw
}

fn assert_reports(problems: Vec<String>, expected: &str) {
    assert!(
        problems.iter().any(|p| p.contains(expected)),
        "expected a problem mentioning {expected:?}, got {problems:#?}"
    );
}

#[test]
fn dangling_ref_is_reported() {
    let raw = broken(|raw| {
        raw["components"]["schemas"]["Message"]["properties"]["content"] =
            json!({"$ref": "#/components/schemas/MesageContent"});
    });
    assert_reports(
        dangling_refs(&raw),
        "#/components/schemas/Message/properties/content: $ref #/components/schemas/MesageContent",
    );
    // Also deep inside responses, and refs to other documents.
    let raw = broken(|raw| {
        raw["components"]["responses"]["NotFound"]["headers"]["X-Wix-Request-Id"] =
            json!({"$ref": "other.yaml#/components/headers/X"});
    });
    assert_reports(
        dangling_refs(&raw),
        "#/components/responses/NotFound/headers/X-Wix-Request-Id",
    );
}

#[test]
fn missing_operation_id_is_reported() {
    let raw = broken(|raw| {
        raw["paths"]["/inbox/v2/messages"]["get"]
            .as_object_mut()
            .unwrap()
            .remove("operationId");
    });
    assert_reports(
        operation_id_problems(&typed(&raw)),
        "get /inbox/v2/messages: no operationId",
    );
}

#[test]
fn renamed_or_extra_operation_is_reported() {
    let raw = broken(|raw| {
        raw["paths"]["/inbox/v2/messages"]["get"]["operationId"] = json!("listAllMessages")
    });
    assert_reports(operation_id_problems(&typed(&raw)), "listAllMessages");
    let raw = broken(|raw| {
        let copy = raw["paths"]["/inbox/v2/messages"]["get"].clone();
        raw["paths"]["/inbox/v2/messages"]["delete"] = copy;
    });
    assert_reports(
        operation_id_problems(&typed(&raw)),
        "duplicate operationIds",
    );
    let raw = broken(|raw| {
        let mut copy = raw["paths"]["/inbox/v2/messages"]["get"].clone();
        copy["operationId"] = json!("deleteMessages");
        raw["paths"]["/inbox/v2/messages"]["delete"] = copy;
    });
    assert_reports(operation_id_problems(&typed(&raw)), "expected exactly");
}

#[test]
fn oneof_member_that_is_not_a_property_is_reported() {
    let raw = broken(|raw| {
        raw["components"]["schemas"]["MessageContent"]["x-oneof"]["payload"] =
            json!(["basic", "carousel"])
    });
    assert_reports(
        oneof_problems(&raw),
        "#/components/schemas/MessageContent/x-oneof/payload: `carousel` is not a property",
    );
    let raw = broken(|raw| {
        raw["components"]["schemas"]["ParticipantId"]["required"] = json!(["contactId"])
    });
    assert_reports(oneof_problems(&raw), "`contactId` is listed in `required`");
}

#[test]
fn event_payload_that_does_not_resolve_is_reported() {
    let raw = broken(|raw| {
        raw["x-wix-events"]["events"][2]["payload"] =
            json!("#/components/schemas/ButtonInteraction")
    });
    assert_reports(
        event_problems(&raw),
        "#/x-wix-events/events/2/payload: #/components/schemas/ButtonInteraction",
    );
    let raw =
        broken(|raw| raw["x-wix-events"]["domainEvent"] = json!("#/components/responses/NotFound"));
    assert_reports(event_problems(&raw), "#/x-wix-events/domainEvent");
    let raw = broken(|raw| raw["x-wix-events"]["events"] = json!([]));
    assert_reports(event_problems(&raw), "#/x-wix-events/events: missing");
}

#[test]
fn unknown_named_schema_is_reported() {
    let raw = broken(|raw| {
        raw["paths"]["/inbox/v2/messages"]["post"]["x-wix-request-schema"] = json!("SendMessageReq")
    });
    assert_reports(
        named_schema_problems(&raw),
        "#/paths/~1inbox~1v2~1messages/post/x-wix-request-schema",
    );
}
