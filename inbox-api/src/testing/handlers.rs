//! The four Inbox v2 endpoints, routed with axum, reading and writing raw wire JSON.
//!
//! Handlers run after the gateway: the request is recorded, faults are applied and the caller
//! is authenticated. They validate, touch the store under its lock, and answer.

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{middleware, Extension, Router};
use bytes::Bytes;
use http::{StatusCode, Uri};
use serde_json::{json, Map, Value};

use super::config::{Participant, ServerConfig};
use super::gateway::{self, Caller};
use super::paging::{self, Anchor, Cursor, Order};
use super::query::{query_params, ListQuery};
use super::state::Shared;
use super::validate;
use super::wire::{self, AppError};

/// The whole application: routes, fallbacks and the gateway around them.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/inbox/v2/conversations", post(get_or_create_conversation))
        .route(
            "/inbox/v2/conversations/{conversation_id}",
            get(get_conversation),
        )
        .route("/inbox/v2/messages", post(send_message).get(list_messages))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        // The gateway has already read (and limited) the body.
        .layer(DefaultBodyLimit::disable())
        .layer(middleware::from_fn_with_state(
            shared.clone(),
            gateway::gateway,
        ))
        .with_state(shared)
}

/// `POST /inbox/v2/conversations` (GetOrCreateConversation).
async fn get_or_create_conversation(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let body = match parse_body(&body) {
        Ok(body) => body,
        Err(error) => return error.into_response(),
    };
    let violations = validate::get_or_create_conversation(&body);
    if !violations.is_empty() {
        return wire::validation_error(&violations);
    }
    let participant = body["participantId"]
        .as_object()
        .and_then(|ids| {
            ids.iter()
                .find_map(|(key, id)| Participant::from_wire(key, wire::parse_guid(id.as_str()?)?))
        })
        .expect("validated: exactly one participant GUID");
    let (conversation, created) = shared
        .store()
        .get_or_create(participant, &shared.config.business_name);
    wire::json_response(
        StatusCode::OK,
        &json!({ "conversation": conversation, "newConversation": created }),
    )
}

/// `GET /inbox/v2/conversations/{conversationId}` (GetConversation).
async fn get_conversation(
    State(shared): State<Arc<Shared>>,
    Path(conversation_id): Path<String>,
) -> Response {
    let Some(id) = wire::parse_guid(&conversation_id) else {
        return wire::validation_error(&[wire::guid_violation("conversationId")]);
    };
    match shared.store().conversation(id) {
        Some(conversation) => {
            wire::json_response(StatusCode::OK, &json!({ "conversation": conversation }))
        }
        None => wire::conversation_not_found(id),
    }
}

/// `POST /inbox/v2/messages` (SendMessage).
async fn send_message(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Response {
    let body = match parse_body(&body) {
        Ok(body) => body,
        Err(error) => return error.into_response(),
    };
    let violations = validate::send_message(&body);
    if !violations.is_empty() {
        return wire::validation_error(&violations);
    }
    let conversation_id = body["conversationId"]
        .as_str()
        .and_then(wire::parse_guid)
        .expect("validated: conversationId is a GUID");
    let mut store = shared.store();
    let Some(participant) = store.participant(conversation_id) else {
        return wire::conversation_not_found(conversation_id);
    };
    let sequence = store.next_sequence();
    let sender = match body.get("sendAs").and_then(Value::as_str) {
        Some("PARTICIPANT") => participant.to_json(),
        Some("BUSINESS_USER") => json!({ "wixUserId": shared.config.wix_user_id.to_string() }),
        _ => caller_identity(&shared.config, caller),
    };
    let message = accepted_message(&body, sequence, sender, caller);
    store.insert_message(conversation_id, sequence, message.clone());
    wire::json_response(StatusCode::OK, &json!({ "message": message }))
}

/// `GET /inbox/v2/messages` (ListMessages).
async fn list_messages(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    let params = match query_params(&uri) {
        Ok(params) => params,
        Err(error) => return error.into_response(),
    };
    let query = match ListQuery::parse(&params) {
        Ok(query) => query,
        Err(violations) => return wire::validation_error(&violations),
    };
    let store = shared.store();
    if store.conversation(query.conversation_id).is_none() {
        return wire::conversation_not_found(query.conversation_id);
    }
    let mut ordered: Vec<_> = store
        .messages(query.conversation_id)
        .iter()
        .filter(|m| query.visibility == "BUSINESS" || m.json["visibility"] == query.visibility)
        .collect();
    if query.order == Order::Desc {
        ordered.reverse();
    }
    let page = paging::select(&ordered, query.order, query.limit, query.anchor);
    let cursor = |anchor: Anchor| {
        Cursor {
            conversation_id: query.conversation_id,
            visibility: query.visibility.clone(),
            order: query.order,
            anchor,
        }
        .encode()
    };
    let mut cursors = Map::new();
    if let Some(next) = page.next {
        cursors.insert("next".to_owned(), cursor(next).into());
    }
    if let Some(prev) = page.prev {
        cursors.insert("prev".to_owned(), cursor(prev).into());
    }
    let messages: Vec<&Value> = page.items.iter().map(|m| &m.json).collect();
    wire::json_response(
        StatusCode::OK,
        &json!({
            "messages": messages,
            "pagingMetadata": { "count": messages.len(), "cursors": cursors },
        }),
    )
}

async fn not_found(uri: Uri) -> Response {
    wire::application_error(
        StatusCode::NOT_FOUND,
        "NOT_FOUND",
        &format!("no Inbox v2 endpoint at {}", uri.path()),
    )
}

async fn method_not_allowed() -> Response {
    wire::application_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        "this endpoint does not support the request method",
    )
}

/// The request body as a JSON object, or a 400.
fn parse_body(body: &[u8]) -> Result<Value, AppError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(value @ Value::Object(_)) => Ok(value),
        Ok(_) => Err(AppError::invalid_argument(
            "the request body must be a JSON object",
        )),
        Err(error) => Err(AppError::invalid_argument(format!(
            "the request body is not valid JSON: {error}"
        ))),
    }
}

/// The identity written to `sender` for `sendAs: CALLER`.
fn caller_identity(config: &ServerConfig, caller: Caller) -> Value {
    match caller {
        Caller::App(app_id) => json!({ "appId": app_id.to_string() }),
        Caller::ApiKey => json!({ "wixUserId": config.wix_user_id.to_string() }),
    }
}

/// The message as Wix stores it: read-only fields replaced by the server's, list and enum
/// defaults filled in (as Wix's JSON shows them), media URL expirations set.
fn accepted_message(request: &Value, sequence: i64, sender: Value, caller: Caller) -> Value {
    let mut message = request["message"].as_object().cloned().unwrap_or_default();
    let now = chrono::Utc::now();
    let id = sequence.to_string();
    message.insert("id".to_owned(), id.clone().into());
    message.insert("sequence".to_owned(), id.into());
    message.insert("createdDate".to_owned(), wire::timestamp(now).into());
    message.insert("sender".to_owned(), sender);
    match caller {
        Caller::App(app_id) => {
            message.insert("appId".to_owned(), app_id.to_string().into());
        }
        Caller::ApiKey => {
            message.remove("appId");
        }
    }
    let silent = request.get("silent").cloned().unwrap_or(Value::Bool(false));
    for (key, default) in [
        ("badges", json!([])),
        ("targetChannels", json!([])),
        ("targetChannelIds", json!([])),
        ("sourceChannel", json!("UNKNOWN_CHANNEL_TYPE")),
        ("silent", silent),
    ] {
        let slot = message.entry(key).or_insert(Value::Null);
        if slot.is_null() {
            *slot = default;
        }
    }
    let mut message = Value::Object(message);
    let expiration = wire::timestamp(now + chrono::Duration::hours(10));
    for path in ["/content/basic/items", "/content/form/media"] {
        let items = message.pointer_mut(path).and_then(Value::as_array_mut);
        for item in items.into_iter().flatten() {
            for kind in ["image", "file"] {
                if let Some(media) = item.get_mut(kind).and_then(Value::as_object_mut) {
                    media.insert("urlExpiration".to_owned(), expiration.clone().into());
                }
            }
        }
    }
    if let Caller::App(app_id) = caller {
        for payload in ["template", "system"] {
            let buttons = message["content"]
                .get_mut(payload)
                .and_then(|p| p.get_mut("buttons"))
                .and_then(Value::as_array_mut);
            for button in buttons.into_iter().flatten() {
                if let Some(postback) = button
                    .get_mut("postbackProperties")
                    .and_then(Value::as_object_mut)
                {
                    postback.insert("appId".to_owned(), app_id.to_string().into());
                }
            }
        }
    }
    message
}
