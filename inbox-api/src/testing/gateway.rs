//! The front door every request passes before routing, in this order: read and record the
//! request, apply an injected fault, authenticate as Wix does; and afterwards the headers every
//! response carries (`x-wix-request-id`, `content-type`).
//!
//! The endpoint handlers never see faults or credentials, only the authenticated [`Caller`].

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, HeaderMap, HeaderValue, StatusCode};
use uuid::Uuid;

use super::config::ServerConfig;
use super::fault::{self, FaultKind};
use super::record::RecordedRequest;
use super::state::Shared;
use super::wire::{self, AppError};

/// Largest request body the server reads; larger ones get a 413.
const MAX_REQUEST_BODY: usize = 8 * 1024 * 1024;

/// Response header carrying the per-request id, as Wix sends it.
pub(crate) const REQUEST_ID_HEADER: &str = "x-wix-request-id";

/// Who made an authenticated request; handlers use it to fill `sender` and `appId`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Caller {
    /// A Wix app, authenticated with its OAuth access token.
    App(Uuid),
    /// An API key with the right `wix-site-id`.
    ApiKey,
}

/// `axum::middleware::from_fn_with_state` entry point.
pub(crate) async fn gateway(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = handle(&shared, request, next).await;
    tracing::debug!(%method, %path, status = response.status().as_u16(), "inbox test server");
    finish(response)
}

async fn handle(shared: &Shared, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, MAX_REQUEST_BODY).await {
        Ok(body) => body,
        Err(_) => {
            return wire::application_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "PAYLOAD_TOO_LARGE",
                "request body is too large",
            )
        }
    };
    shared.record(RecordedRequest {
        method: parts.method.clone(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers.clone(),
        body: body.clone(),
    });
    let fault = shared.take_fault(&parts.method, parts.uri.path());
    let request = Request::from_parts(parts, Body::from(body));
    match fault {
        None => authorized(shared, request, next).await,
        Some(FaultKind::Delay(delay)) => {
            let mut shutdown = shared.shutdown.clone();
            let shutting_down = async move {
                let _ = shutdown.wait_for(|&down| down).await;
            };
            tokio::select! {
                () = tokio::time::sleep(delay) => authorized(shared, request, next).await,
                () = shutting_down => wire::application_error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "UNAVAILABLE",
                    "the test server is shutting down",
                ),
            }
        }
        Some(FaultKind::NextCursor(cursor)) => {
            let response = authorized(shared, request, next).await;
            fault::replace_next_cursor(&cursor, response).await
        }
        Some(kind @ (FaultKind::ResetMidBody | FaultKind::TruncatedJson)) => {
            let response = authorized(shared, request, next).await;
            fault::corrupt(&kind, response).await
        }
        Some(kind) => fault::canned_response(kind),
    }
}

async fn authorized(shared: &Shared, mut request: Request, next: Next) -> Response {
    match authenticate(&shared.config, request.headers()) {
        Ok(caller) => {
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        Err(error) => error.into_response(),
    }
}

/// Wix's rules: a raw token in `Authorization`; an API key additionally needs exactly one of
/// `wix-site-id` / `wix-account-id`, and Inbox (site-level) accepts only a matching site id.
fn authenticate(config: &ServerConfig, headers: &HeaderMap) -> Result<Caller, AppError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .filter(|token| !token.is_empty());
    let Some(token) = token else {
        return Err(unauthenticated("missing Authorization header"));
    };
    if config.oauth_token.as_deref() == Some(token) {
        return Ok(Caller::App(config.app_id));
    }
    if token != config.api_key {
        let hint = if token.starts_with("Bearer ") {
            " (Wix expects the raw token, without a `Bearer ` prefix)"
        } else {
            ""
        };
        return Err(unauthenticated(&format!(
            "the access token or API key is not valid{hint}"
        )));
    }
    match (headers.get("wix-site-id"), headers.get("wix-account-id")) {
        (Some(_), Some(_)) => Err(permission_denied(
            "send either wix-site-id or wix-account-id with an API key, not both",
        )),
        (None, Some(_)) => Err(permission_denied(
            "Inbox is a site-level API: an API key needs wix-site-id, not wix-account-id",
        )),
        (None, None) => Err(permission_denied("an API key needs a wix-site-id header")),
        (Some(site), None) => {
            let site = site.to_str().ok().and_then(wire::parse_guid);
            if site == Some(config.site_id) {
                Ok(Caller::ApiKey)
            } else {
                Err(permission_denied(
                    "the API key has no access to the site in wix-site-id",
                ))
            }
        }
    }
}

fn unauthenticated(description: &str) -> AppError {
    AppError::new(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", description)
}

fn permission_denied(description: &str) -> AppError {
    AppError::new(StatusCode::FORBIDDEN, "PERMISSION_DENIED", description)
}

/// Adds a fresh `x-wix-request-id` and, unless a fault chose another, `application/json`.
fn finish(mut response: Response) -> Response {
    let request_id = wire::random_guid().to_string();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        headers.insert(REQUEST_ID_HEADER, value);
    }
    headers
        .entry(header::CONTENT_TYPE)
        .or_insert(HeaderValue::from_static("application/json"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| {
                (
                    http::HeaderName::from_static(name),
                    HeaderValue::from_str(value).unwrap(),
                )
            })
            .collect()
    }

    fn status(result: Result<Caller, AppError>) -> Result<Caller, u16> {
        result.map_err(|error| error.status.as_u16())
    }

    #[test]
    fn authentication_rules() {
        let config = ServerConfig::default();
        let site = config.site_id.to_string();
        let key = config.api_key.as_str();
        let oauth = config.oauth_token.clone().unwrap();
        let check = |pairs: &[(&'static str, &str)]| status(authenticate(&config, &headers(pairs)));

        assert_eq!(check(&[]), Err(401));
        assert_eq!(check(&[("authorization", "")]), Err(401));
        assert_eq!(check(&[("authorization", "nope")]), Err(401));
        assert_eq!(
            check(&[("authorization", &format!("Bearer {oauth}"))]),
            Err(401)
        );
        assert_eq!(
            check(&[("authorization", &oauth)]),
            Ok(Caller::App(config.app_id))
        );
        assert_eq!(
            check(&[("authorization", key), ("wix-site-id", &site)]),
            Ok(Caller::ApiKey)
        );
        assert_eq!(check(&[("authorization", key)]), Err(403));
        assert_eq!(
            check(&[("authorization", key), ("wix-site-id", "x")]),
            Err(403)
        );
        assert_eq!(
            check(&[("authorization", key), ("wix-account-id", &site)]),
            Err(403)
        );
        assert_eq!(
            check(&[
                ("authorization", key),
                ("wix-site-id", &site),
                ("wix-account-id", &site)
            ]),
            Err(403)
        );
    }
}
