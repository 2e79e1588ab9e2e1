//! The local API Gateway: serves the page and its `config.json`, and routes `/api/...` the
//! way a REST API with a Cognito user-pool authorizer does, calling the Lambda's handler
//! in-process.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_MAX_AGE,
    AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, HOST,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use serde_json::Value;
use serde_json::value::RawValue;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeader;
use whoami_lambda::handler::{ALLOWED_HEADERS, ALLOWED_METHODS, PREFLIGHT_MAX_AGE};
use whoami_lambda::verify::Verifier;
use whoami_lambda::{App, Rejection};

use crate::event::{Incoming, authorizer_claims, rest_event};

/// API Gateway keeps an authorizer's answer for a token this long (its default TTL).
const AUTHORIZER_CACHE_TTL: Duration = Duration::from_secs(300);
/// Past this many cached tokens the cache starts over, bounding memory under abuse.
const AUTHORIZER_CACHE_MAX: usize = 10_000;

/// Everything the routes share.
#[derive(Debug)]
pub struct Gateway {
    /// The Lambda's handler, configured as the deployed function would be.
    pub lambda: App,
    /// The authorizer: the Lambda's own verification code, checking what Cognito's
    /// authorizer checks (signature, issuer, expiry) and passing every claim on.
    pub authorizer: Verifier,
    /// The page's runtime configuration, served as `/config.json`.
    pub config_json: String,
    /// Per token: the authorizer's claims, already serialized for the event, and until when.
    cache: Mutex<HashMap<String, (Arc<RawValue>, Instant)>>,
}

impl Gateway {
    pub fn new(lambda: App, authorizer: Verifier, config_json: String) -> Self {
        Self { lambda, authorizer, config_json, cache: Mutex::new(HashMap::new()) }
    }

    /// The authorizer's answer for `token`, cached like API Gateway caches it: per token,
    /// for five minutes or until the token expires, whichever comes first.
    async fn authorize(&self, token: &str) -> Result<Arc<RawValue>, Rejection> {
        let now = Instant::now();
        if let Some((claims, until)) = self.cache.lock().expect("authorizer cache lock").get(token)
            && *until > now
        {
            return Ok(claims.clone());
        }
        let verified = self.authorizer.authorize(token).await?;
        let claims: Arc<RawValue> =
            serde_json::value::to_raw_value(&authorizer_claims(&verified)).expect("string claims serialize").into();
        let unix_now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let lifetime = verified
            .get("exp")
            .and_then(Value::as_u64)
            .map_or(Duration::ZERO, |exp| Duration::from_secs(exp.saturating_sub(unix_now)).min(AUTHORIZER_CACHE_TTL));
        let mut cache = self.cache.lock().expect("authorizer cache lock");
        if cache.len() >= AUTHORIZER_CACHE_MAX {
            cache.clear();
        }
        cache.insert(token.to_owned(), (claims.clone(), now + lifetime));
        Ok(claims)
    }
}

/// The gateway's routes: `/config.json`, `/api` and below, and the page from `dist`
/// (unknown paths get `index.html`, so the page can route itself). The page's files are
/// revalidated on every visit (`no-cache`): after a rebuild, a browser must not keep an
/// `index.html` that names the previous build's wasm.
pub fn router(gateway: Arc<Gateway>, dist: &Path) -> Router {
    let page = ServeDir::new(dist).fallback(ServeFile::new(dist.join("index.html")));
    let page = SetResponseHeader::overriding(page, CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Router::new()
        .route("/config.json", get(config_json))
        .route("/api", any(api))
        .route("/api/", any(api))
        .route("/api/{*rest}", any(api))
        .fallback_service(page)
        .with_state(gateway)
}

async fn config_json(State(gateway): State<Arc<Gateway>>) -> Response {
    let headers = [(CONTENT_TYPE, "application/json"), (CACHE_CONTROL, "no-store")];
    (headers, gateway.config_json.clone()).into_response()
}

async fn api(
    State(gateway): State<Arc<Gateway>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if method == Method::OPTIONS {
        return preflight();
    }
    // API Gateway's own refusals: the Lambda never sees these requests.
    let token = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()).map(whoami_shared::token::from_authorization);
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return gateway_refusal(StatusCode::UNAUTHORIZED, "Unauthorized");
    };
    let claims = match gateway.authorize(token).await {
        Ok(claims) => claims,
        Err(Rejection::KeysUnavailable) => {
            tracing::warn!("the user pool's keys cannot be fetched; is moto running?");
            return gateway_refusal(StatusCode::SERVICE_UNAVAILABLE, "the user pool's keys cannot be fetched");
        }
        Err(rejection) => {
            tracing::info!(reason = rejection.code(), "authorizer refused a token");
            return gateway_refusal(StatusCode::UNAUTHORIZED, "Unauthorized");
        }
    };

    let path = uri.path().strip_prefix("/api").unwrap_or("/");
    let path = if path.is_empty() { "/" } else { path };
    let host = headers.get(HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
    let incoming = Incoming { method: &method, path, uri: &uri, headers: &headers, body: &body, host };
    let event = rest_event(&incoming, &claims);
    let request = match lambda_http::request::from_str(&event) {
        Ok(request) => request,
        Err(e) => {
            tracing::error!(error = %e, "the event for the Lambda does not parse");
            return gateway_refusal(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error");
        }
    };
    into_axum(gateway.lambda.handle(&request).await)
}

/// The Lambda's response as the gateway sends it on.
fn into_axum(response: lambda_http::Response<lambda_http::Body>) -> Response {
    let (parts, body) = response.into_parts();
    let body = match body {
        lambda_http::Body::Text(text) => Body::from(text),
        lambda_http::Body::Binary(bytes) => Body::from(bytes),
        // Empty, and any kind a later lambda_http adds.
        _ => Body::empty(),
    };
    Response::from_parts(parts, body)
}

/// A response API Gateway writes itself, with the CORS header its gateway responses carry
/// in the deployed template so the page can read them.
fn gateway_refusal(status: StatusCode, message: &str) -> Response {
    let body = serde_json::json!({ "message": message }).to_string();
    let mut response = (status, [(CONTENT_TYPE, "application/json")], body).into_response();
    response.headers_mut().insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    response
}

/// The CORS preflight answer of the API's OPTIONS method, which has no authorizer.
fn preflight() -> Response {
    let headers = [
        (ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        (ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS),
        (ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS),
        (ACCESS_CONTROL_MAX_AGE, PREFLIGHT_MAX_AGE),
    ];
    (StatusCode::NO_CONTENT, headers).into_response()
}
