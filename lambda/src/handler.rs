//! The API itself: a plain async function from a request to a response, callable without
//! the Lambda runtime, a network or AWS credentials.

use lambda_http::http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_MAX_AGE,
    ALLOW, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER, VARY, WWW_AUTHENTICATE,
};
use lambda_http::http::{HeaderValue, Method, StatusCode};
use lambda_http::{Body, Request, RequestExt, Response};
use whoami_shared::AppClientId;
use whoami_shared::api::Envelope;
use whoami_shared::token::DecodeError;

use crate::config::Config;
use crate::identity::{Identity, UpstreamClaims};
use crate::jwks::{FetchTiming, KeyStore};
use crate::reject::Rejection;
use crate::verify::Verifier;

/// The CORS policy of the API, shared with the local gateway's preflight answer.
pub const ALLOWED_METHODS: &str = "GET, OPTIONS";
pub const ALLOWED_HEADERS: &str = "Authorization, Content-Type";
pub const PREFLIGHT_MAX_AGE: &str = "600";

/// The handler's state, built once per container and shared by every request.
#[derive(Debug)]
pub struct App {
    client: AppClientId,
    verifier: Verifier,
    cors_allow_origin: HeaderValue,
}

/// What happened to a request, for the one log line it gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Answered(crate::identity::Source),
    Preflight,
    Rejected(&'static str),
}

impl App {
    /// The app for `config`, with keys fetched from its JWKS URL when first needed.
    pub fn new(config: &Config) -> Self {
        Self::with_keys(config, KeyStore::from_url(&config.jwks_url, FetchTiming::DEFAULT))
    }

    /// The app for `config` with the given key store (tests and the local stack).
    pub fn with_keys(config: &Config, keys: KeyStore) -> Self {
        let cors_allow_origin = HeaderValue::from_str(&config.cors_allow_origin)
            .expect("Config::from_vars checked CORS_ALLOW_ORIGIN is a header value");
        Self {
            client: config.app_client_id.clone(),
            verifier: Verifier::new(&config.user_pool_id, config.app_client_id.clone(), keys),
            cors_allow_origin,
        }
    }

    /// Answers one request and logs one line about it. Never fails: every outcome,
    /// including a bad token or unreachable keys, is a response.
    pub async fn handle(&self, request: &Request) -> Response<Body> {
        let (response, outcome) = self.respond(request).await;
        let status = response.status().as_u16();
        let method = request.method().as_str();
        let path = request.uri().path();
        match outcome {
            Outcome::Answered(source) => {
                tracing::info!(method, path, status, outcome = "answered", source = source.as_str(), "request");
            }
            Outcome::Preflight => tracing::info!(method, path, status, outcome = "preflight", "request"),
            Outcome::Rejected(reason) => tracing::info!(method, path, status, outcome = "rejected", reason, "request"),
        }
        response
    }

    /// The response to `request` and what it amounted to.
    pub async fn respond(&self, request: &Request) -> (Response<Body>, Outcome) {
        match *request.method() {
            Method::OPTIONS => (self.preflight(), Outcome::Preflight),
            Method::GET => match self.identify(request).await {
                Ok(identity) => {
                    let body = Envelope::success(identity.email.as_str());
                    (self.json(StatusCode::OK, &body), Outcome::Answered(identity.source))
                }
                Err(rejection) => (self.reject(&rejection), Outcome::Rejected(rejection.code())),
            },
            _ => {
                let body = Envelope::failure("method_not_allowed", "only GET is supported; send GET with the ID token");
                let mut response = self.json(StatusCode::METHOD_NOT_ALLOWED, &body);
                response.headers_mut().insert(ALLOW, HeaderValue::from_static(ALLOWED_METHODS));
                (response, Outcome::Rejected("method_not_allowed"))
            }
        }
    }

    /// Claims verified upstream take precedence; otherwise the token is verified here.
    async fn identify(&self, request: &Request) -> Result<Identity, Rejection> {
        if let Some(claims) = UpstreamClaims::find(request.request_context_ref()) {
            return claims.check(&self.client);
        }
        let token = bearer_token(request)?;
        self.verifier.verify(token).await
    }

    fn reject(&self, rejection: &Rejection) -> Response<Body> {
        let status = StatusCode::from_u16(rejection.status()).expect("rejection statuses are valid");
        let mut response = self.json(status, &Envelope::failure(rejection.code(), rejection.to_string()));
        let headers = response.headers_mut();
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(WWW_AUTHENTICATE, HeaderValue::from_static(r#"Bearer error="invalid_token""#));
        } else if status == StatusCode::SERVICE_UNAVAILABLE {
            headers.insert(RETRY_AFTER, HeaderValue::from_static("5"));
        }
        response
    }

    fn preflight(&self) -> Response<Body> {
        let mut response = self.with_cors(Response::new(Body::Empty));
        *response.status_mut() = StatusCode::NO_CONTENT;
        let headers = response.headers_mut();
        headers.insert(ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static(ALLOWED_METHODS));
        headers.insert(ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static(ALLOWED_HEADERS));
        headers.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static(PREFLIGHT_MAX_AGE));
        response
    }

    fn json(&self, status: StatusCode, body: &Envelope) -> Response<Body> {
        let text = serde_json::to_string(body).expect("the envelope always serializes");
        let mut response = self.with_cors(Response::new(Body::Text(text)));
        *response.status_mut() = status;
        response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        response
    }

    fn with_cors(&self, mut response: Response<Body>) -> Response<Body> {
        let headers = response.headers_mut();
        headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, self.cors_allow_origin.clone());
        if self.cors_allow_origin != "*" {
            headers.insert(VARY, HeaderValue::from_static("Origin"));
        }
        response
    }
}

/// The token from the `Authorization` header, raw or after `Bearer `.
fn bearer_token(request: &Request) -> Result<&str, Rejection> {
    let value = request.headers().get(AUTHORIZATION).ok_or(Rejection::MissingToken)?;
    let value = value.to_str().map_err(|_| Rejection::Malformed(DecodeError::NotAscii))?;
    let token = whoami_shared::token::from_authorization(value);
    if token.is_empty() { Err(Rejection::MissingToken) } else { Ok(token) }
}
