//! What the Lambda's test files share: the fixtures, one generated key per test binary,
//! and helpers to run a request through the handler and read the answer.
#![allow(dead_code)]

use std::sync::LazyLock;

use lambda_http::http::HeaderValue;
use lambda_http::{Body, Request, Response};
use serde_json::Value;
use whoami_lambda::jwks::KeyStore;
use whoami_lambda::testkit::{self, TestKey};
use whoami_lambda::{App, Config};
use whoami_shared::api::{Envelope, Outcome};

pub const REST_V1_AUTHORIZER: &str = include_str!("../data/rest_v1_cognito_authorizer.json");
pub const HTTP_V2_JWT_AUTHORIZER: &str = include_str!("../data/http_v2_jwt_authorizer.json");
pub const FUNCTION_URL: &str = include_str!("../data/function_url_no_authorizer.json");
pub const REST_V1_PREFLIGHT: &str = include_str!("../data/rest_v1_preflight.json");

/// The pool's signing key.
pub static KEY: LazyLock<TestKey> = LazyLock::new(|| TestKey::generate("test-key-1"));
pub static CONFIG: LazyLock<Config> = LazyLock::new(testkit::config);

/// An app that knows `KEY` and nothing else, with nothing to fetch.
pub fn app() -> App {
    App::with_keys(&CONFIG, KeyStore::from_jwks(&testkit::jwks(&[&KEY])).unwrap())
}

/// The claims of a valid ID token for lucian@example.com.
pub fn valid_claims() -> Value {
    testkit::id_token_claims(&CONFIG.user_pool_id, &CONFIG.app_client_id, "lucian@example.com")
}

/// A request parsed from a fixture the way lambda_http parses a real event.
pub fn event(fixture: &str) -> Request {
    lambda_http::request::from_str(fixture).expect("fixtures are valid events")
}

/// A function URL request (no authorizer) carrying `authorization`, or no header if `None`.
pub fn unauthorized_event(authorization: Option<&[u8]>) -> Request {
    let mut request = event(FUNCTION_URL);
    let headers = request.headers_mut();
    headers.remove("authorization");
    if let Some(value) = authorization {
        headers.insert("authorization", HeaderValue::from_bytes(value).expect("test header values are valid"));
    }
    request
}

/// The response's body as the API's envelope.
pub fn envelope(response: &Response<Body>) -> Envelope {
    let Body::Text(text) = response.body() else { panic!("expected a text body, got {:?}", response.body()) };
    serde_json::from_str(text).unwrap_or_else(|e| panic!("body is not the envelope ({e}): {text}"))
}

/// The email of a 200 answer, or the error code of a refusal.
pub fn result(response: &Response<Body>) -> Result<String, String> {
    match envelope(response).response {
        Outcome::Success { results } => Ok(results.email),
        Outcome::Failure { error } => Err(error.code),
    }
}

pub fn header<'a>(response: &'a Response<Body>, name: &str) -> Option<&'a str> {
    response.headers().get(name).map(|v| v.to_str().unwrap())
}
