//! The page's local server: the page, its `config.json`, and `/api/...` forwarded to the
//! emulated API Gateway stage on the same origin, as a CloudFront behaviour could forward it
//! in production. The forwarding is needed because the emulator's API answers no CORS
//! preflight (ARCHITECTURE.md, "The local AWS"); it adds and checks nothing: the emulator's
//! Cognito authorizer and the real `bootstrap` decide every answer.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, HOST, TRANSFER_ENCODING};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeader;

/// How long the emulated API may take to answer (a Lambda's cold start included).
const FORWARD_TIMEOUT: Duration = Duration::from_secs(30);

/// Everything the routes share.
#[derive(Debug)]
pub struct Gateway {
    /// The emulated stage, ending in `/`, e.g.
    /// `http://127.0.0.1:4566/restapis/abc123/test/_user_request_/`.
    api: String,
    /// The page's runtime configuration, served as `/config.json`.
    config_json: String,
    http: reqwest::Client,
}

impl Gateway {
    pub fn new(api: &str, config_json: String) -> Self {
        let api = if api.ends_with('/') { api.to_owned() } else { format!("{api}/") };
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(FORWARD_TIMEOUT)
            .build()
            .expect("a plain HTTP client builds");
        Self { api, config_json, http }
    }
}

/// The routes: `/config.json`, `/api` and below, and the page from `dist` (unknown paths get
/// `index.html`, so the page can route itself). The page's files are revalidated on every
/// visit (`no-cache`): after a rebuild, a browser must not keep an `index.html` that names the
/// previous build's wasm.
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

/// Headers that belong to one connection, not to the request or response forwarded.
fn hop_by_hop(name: &HeaderName) -> bool {
    [HOST, CONNECTION, TRANSFER_ENCODING, CONTENT_LENGTH].contains(name)
        || ["keep-alive", "proxy-connection", "upgrade", "te", "trailer"].contains(&name.as_str())
}

/// Forwards the request to the emulated stage: `/api/<rest>?<query>` becomes
/// `<stage>/<rest>?<query>`, with the same method, headers and body.
async fn api(
    State(gateway): State<Arc<Gateway>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let rest = uri.path().strip_prefix("/api").unwrap_or_default().trim_start_matches('/');
    let mut url = format!("{}{rest}", gateway.api);
    if let Some(query) = uri.query() {
        url.push('?');
        url.push_str(query);
    }
    let mut request = gateway.http.request(method, &url).body(body);
    for (name, value) in headers.iter().filter(|(name, _)| !hop_by_hop(name)) {
        request = request.header(name, value);
    }
    let answer = match request.send().await {
        Ok(answer) => answer,
        Err(e) => {
            tracing::warn!(error = %e, "the emulated API did not answer; is the emulator running?");
            let body = serde_json::json!({ "message": "the local API did not answer" }).to_string();
            return (StatusCode::BAD_GATEWAY, [(CONTENT_TYPE, "application/json")], body).into_response();
        }
    };
    let status = answer.status();
    let mut response_headers = HeaderMap::new();
    for (name, value) in answer.headers().iter().filter(|(name, _)| !hop_by_hop(name)) {
        response_headers.append(name, value.clone());
    }
    let body = match answer.bytes().await {
        Ok(body) => body,
        Err(e) => {
            tracing::warn!(error = %e, "the emulated API's answer broke off");
            return StatusCode::BAD_GATEWAY.into_response();
        }
    };
    tracing::info!(status = status.as_u16(), path = uri.path(), "api");
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    *response.headers_mut() = response_headers;
    response
}
