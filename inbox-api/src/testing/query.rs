//! The ListMessages query: reading the dotted query parameters (or the JS SDK's `.r` form) and
//! validating them into a [`ListQuery`], including the cursor's consistency with the query.

use std::collections::HashMap;

use http::Uri;
use serde_json::{json, Value};
use uuid::Uuid;

use super::paging::{Anchor, Cursor, Order};
use super::wire::{self, AppError, Violation};

/// The query parameters (first occurrence wins). The JS SDK's `.r` form, base64url JSON of
/// the whole request, is flattened into the same dotted names.
pub(crate) fn query_params(uri: &Uri) -> Result<HashMap<String, String>, AppError> {
    let pairs = axum::extract::Query::<Vec<(String, String)>>::try_from_uri(uri)
        .map_err(|_| AppError::invalid_argument("the query string is malformed"))?
        .0;
    let mut params = HashMap::new();
    for (key, value) in pairs {
        if key == ".r" {
            let request = wire::base64url_decode(&value)
                .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
                .ok_or_else(|| {
                    AppError::invalid_argument("the `.r` parameter is not base64url JSON")
                })?;
            flatten(&request, "", &mut params);
        } else {
            params.entry(key).or_insert(value);
        }
    }
    Ok(params)
}

fn flatten(value: &Value, prefix: &str, params: &mut HashMap<String, String>) {
    match value {
        Value::Object(object) => {
            for (key, value) in object {
                let key = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(value, &key, params);
            }
        }
        Value::String(text) => {
            params
                .entry(prefix.to_owned())
                .or_insert_with(|| text.clone());
        }
        Value::Null => {}
        other => {
            params
                .entry(prefix.to_owned())
                .or_insert_with(|| other.to_string());
        }
    }
}

/// A validated ListMessages query.
pub(crate) struct ListQuery {
    pub conversation_id: Uuid,
    pub visibility: String,
    pub order: Order,
    pub limit: usize,
    pub anchor: Option<Anchor>,
}

impl ListQuery {
    const DEFAULT_LIMIT: usize = 30;
    const MAX_LIMIT: i64 = 100;

    pub(crate) fn parse(params: &HashMap<String, String>) -> Result<ListQuery, Vec<Violation>> {
        let mut violations = Vec::new();
        let param = |name: &str| params.get(name).map(String::as_str);
        let required = |field: &str| Violation::new(field, "REQUIRED_FIELD", "is required");

        let conversation_id = match param("conversationId") {
            None => {
                violations.push(required("conversationId"));
                None
            }
            Some(text) => {
                let id = wire::parse_guid(text);
                if id.is_none() {
                    violations.push(wire::guid_violation("conversationId"));
                }
                id
            }
        };
        let visibility = match param("visibility") {
            None => {
                violations.push(required("visibility"));
                None
            }
            Some(v @ ("BUSINESS_AND_PARTICIPANT" | "BUSINESS")) => Some(v.to_owned()),
            Some(_) => {
                violations.push(
                    Violation::new(
                        "visibility",
                        "INVALID_ENUM_VALUE",
                        "must be one of BUSINESS_AND_PARTICIPANT, BUSINESS",
                    )
                    .data(json!({ "allowed": ["BUSINESS_AND_PARTICIPANT", "BUSINESS"] })),
                );
                None
            }
        };
        let limit = match param("paging.limit").map(str::parse::<i64>) {
            None | Some(Ok(0)) => Self::DEFAULT_LIMIT,
            Some(Ok(limit)) if (1..=Self::MAX_LIMIT).contains(&limit) => limit as usize,
            Some(Ok(limit)) if limit > Self::MAX_LIMIT => {
                violations.push(
                    Violation::new("paging.limit", "MAX", "must be at most 100")
                        .data(json!({ "max": Self::MAX_LIMIT })),
                );
                Self::DEFAULT_LIMIT
            }
            Some(Ok(_)) => {
                violations.push(
                    Violation::new("paging.limit", "MIN", "must be at least 0")
                        .data(json!({ "min": 0 })),
                );
                Self::DEFAULT_LIMIT
            }
            Some(Err(_)) => {
                violations.push(
                    Violation::new("paging.limit", "TYPE", "must be an integer")
                        .data(json!({ "type": "int32" })),
                );
                Self::DEFAULT_LIMIT
            }
        };
        if let Some(field_name) = param("sorting.fieldName") {
            if field_name != "sequence" {
                violations.push(
                    Violation::new(
                        "sorting.fieldName",
                        "INVALID_ARGUMENT",
                        "only `sequence` is supported",
                    )
                    .data(json!({ "allowed": ["sequence"] })),
                );
            }
        }
        let order = match param("sorting.order") {
            None => None,
            Some(text) => {
                let order = Order::parse(text);
                if order.is_none() {
                    violations.push(
                        Violation::new(
                            "sorting.order",
                            "INVALID_ENUM_VALUE",
                            "must be ASC or DESC",
                        )
                        .data(json!({ "allowed": ["ASC", "DESC"] })),
                    );
                }
                order
            }
        };
        let cursor = match param("paging.cursor") {
            None => None,
            Some(text) => {
                let cursor = Cursor::decode(text);
                if cursor.is_none() {
                    violations.push(cursor_violation("is not a cursor returned by this server"));
                }
                cursor
            }
        };
        let (Some(conversation_id), Some(visibility)) = (conversation_id, visibility) else {
            return Err(violations);
        };
        if !violations.is_empty() {
            return Err(violations);
        }
        let order = match cursor {
            None => order.unwrap_or(Order::Desc),
            Some(ref cursor) => {
                let same_query = cursor.conversation_id == conversation_id
                    && cursor.visibility == visibility
                    && order.is_none_or(|order| order == cursor.order);
                if !same_query {
                    return Err(vec![cursor_violation(
                        "belongs to a different query: keep conversationId, visibility and \
                         sorting the same while paging",
                    )]);
                }
                cursor.order
            }
        };
        Ok(ListQuery {
            conversation_id,
            visibility,
            order,
            limit,
            anchor: cursor.map(|cursor| cursor.anchor),
        })
    }
}

fn cursor_violation(description: &str) -> Violation {
    Violation::new("paging.cursor", "FORMAT", description)
        .rule_name("CURSOR")
        .data(json!({}))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(query: &str) -> Result<ListQuery, Vec<(String, &'static str)>> {
        let uri: Uri = format!("/inbox/v2/messages?{query}").parse().unwrap();
        let params = query_params(&uri).expect("well-formed query");
        ListQuery::parse(&params).map_err(|violations| {
            violations
                .into_iter()
                .map(|v| (v.field, v.violated_rule))
                .collect()
        })
    }

    const CONVERSATION: &str = "6202c3bb-f263-3c16-8c90-d6387d9ed420";

    #[test]
    fn defaults_and_limits() {
        let query = parse(&format!(
            "conversationId={CONVERSATION}&visibility=BUSINESS"
        ))
        .unwrap();
        assert_eq!(
            (query.limit, query.order, query.anchor),
            (30, Order::Desc, None)
        );
        let zero = parse(&format!(
            "conversationId={CONVERSATION}&visibility=BUSINESS&paging.limit=0"
        ));
        assert_eq!(zero.unwrap().limit, 30, "0 means the default");
        let max = parse(&format!(
            "conversationId={CONVERSATION}&visibility=BUSINESS&paging.limit=100"
        ));
        assert_eq!(max.unwrap().limit, 100);
        let errors = parse("visibility=NOBODY&paging.limit=-1").err().unwrap();
        assert_eq!(
            errors,
            [
                ("conversationId".to_owned(), "REQUIRED_FIELD"),
                ("visibility".to_owned(), "INVALID_ENUM_VALUE"),
                ("paging.limit".to_owned(), "MIN"),
            ]
        );
    }

    #[test]
    fn accepts_the_js_sdk_r_form() {
        let request = json!({
            "conversationId": CONVERSATION,
            "visibility": "BUSINESS",
            "paging": { "limit": 50 },
            "sorting": { "fieldName": "sequence", "order": "ASC" }
        });
        let encoded = wire::base64url_encode(request.to_string().as_bytes());
        let query = parse(&format!(".r={encoded}")).unwrap();
        assert_eq!(query.conversation_id.to_string(), CONVERSATION);
        assert_eq!((query.limit, query.order), (50, Order::Asc));

        let uri: Uri = "/inbox/v2/messages?.r=%%%".parse().unwrap();
        assert_eq!(
            query_params(&uri).unwrap_err().status,
            http::StatusCode::BAD_REQUEST
        );
    }
}
