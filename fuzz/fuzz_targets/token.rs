//! Fuzzes everything a client controls about a token, with oracles rather than just
//! "does not crash". The first input byte picks what the rest is:
//!
//! - 0: the raw `Authorization` header value. The handler must answer 401 (or 200 only for
//!   a token our key really signed, which the fuzzer cannot forge).
//! - 1: a payload, signed correctly with the pool's key. A 200 must mean the payload really
//!   is an unexpired ID token for our pool and client with a verified email, and the answer
//!   carries that email.
//! - 2: a JOSE header, over valid claims, signed with the pool's key. A 200 must mean the
//!   header said RS256 with our kid.
//!
//! The unverified decoders in the shared crate run on every input too.
#![no_main]

use std::sync::LazyLock;

use lambda_http::http::HeaderValue;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use whoami_lambda::App;
use whoami_lambda::jwks::KeyStore;
use whoami_lambda::testkit::{self, TestKey};
use whoami_shared::api::{Envelope, Outcome};
use whoami_shared::token;

const FUNCTION_URL: &str = include_str!("../../lambda/tests/data/function_url_no_authorizer.json");

struct Harness {
    runtime: tokio::runtime::Runtime,
    key: TestKey,
    app: App,
    config: whoami_lambda::Config,
}

static HARNESS: LazyLock<Harness> = LazyLock::new(|| {
    let key = TestKey::seeded("fuzz-key", 7);
    let config = testkit::config();
    let app = App::with_keys(&config, KeyStore::from_jwks(&testkit::jwks(&[&key])).unwrap());
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    Harness { runtime, key, app, config }
});

/// The status and, for a 200, the email of the handler's answer to `authorization`.
fn answer(authorization: &[u8]) -> Option<(u16, Option<String>)> {
    let value = HeaderValue::from_bytes(authorization).ok()?;
    let mut request = lambda_http::request::from_str(FUNCTION_URL).unwrap();
    request.headers_mut().insert("authorization", value);
    let response = HARNESS.runtime.block_on(HARNESS.app.handle(&request));
    let status = response.status().as_u16();
    let lambda_http::Body::Text(body) = response.body() else { panic!("every answer has a JSON body") };
    let envelope: Envelope = serde_json::from_str(body).expect("every answer is the envelope");
    let email = match envelope.response {
        Outcome::Success { results } => Some(results.email),
        Outcome::Failure { .. } => None,
    };
    assert!(status == 200 || status == 401, "status {status} for client input");
    assert_eq!(status == 200, email.is_some());
    Some((status, email))
}

fn valid_claims() -> Value {
    testkit::id_token_claims(&HARNESS.config.user_pool_id, &HARNESS.config.app_client_id, "fuzz@example.com")
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else { return };
    if let Ok(text) = std::str::from_utf8(rest) {
        let _ = token::decode_header(text);
        let _ = token::decode_claims_unverified::<Value>(text);
    }
    match mode % 3 {
        0 => {
            if let Some((status, _)) = answer(rest) {
                assert_eq!(status, 401, "an unsigned input was accepted");
            }
        }
        1 => {
            let token = HARNESS.key.sign_raw(r#"{"alg":"RS256","kid":"fuzz-key"}"#, rest);
            let Some((200, Some(email))) = answer(token.as_bytes()) else { return };
            let claims: Value = serde_json::from_slice(rest).expect("an accepted payload is JSON");
            let config = &HARNESS.config;
            assert_eq!(claims["token_use"], "id");
            // RFC 7519 allows a list of audiences; ours must be among them.
            let client = config.app_client_id.as_str();
            assert!(
                claims["aud"] == client
                    || claims["aud"].as_array().is_some_and(|list| list.iter().any(|a| a == client))
            );
            assert_eq!(claims["iss"], config.user_pool_id.issuer());
            assert!(claims["exp"].as_u64().is_some_and(|exp| exp > testkit::now()));
            assert_eq!(claims["email"], email.as_str());
            assert_eq!(claims["email_verified"], true);
        }
        _ => {
            let Ok(header) = std::str::from_utf8(rest) else { return };
            let payload = valid_claims().to_string();
            let token = HARNESS.key.sign_raw(header, payload.as_bytes());
            let Some((200, _)) = answer(token.as_bytes()) else { return };
            let header: Value = serde_json::from_str(header).expect("an accepted header is JSON");
            assert_eq!(header["alg"], "RS256");
            assert_eq!(header["kid"], "fuzz-key");
        }
    }
});
