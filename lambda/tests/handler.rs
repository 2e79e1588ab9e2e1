//! The handler against real-shaped API Gateway and function URL events, without the runtime.

mod common;

use common::*;
use whoami_lambda::testkit::{self, TestKey};

#[tokio::test]
async fn rest_api_authorizer_claims_answer_with_the_email() {
    let response = app().handle(&event(REST_V1_AUTHORIZER)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "content-type"), Some("application/json"));
    assert_eq!(header(&response, "access-control-allow-origin"), Some("*"));
    // Exactly the seed's shape, byte for byte apart from whitespace.
    let lambda_http::Body::Text(body) = response.body() else { panic!("text body") };
    assert_eq!(body, r#"{"response":{"resultStatus":"SUCCESS","results":{"email":"lucian@example.com"}}}"#);
}

#[tokio::test]
async fn http_api_jwt_authorizer_claims_answer_with_the_email() {
    let response = app().handle(&event(HTTP_V2_JWT_AUTHORIZER)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(result(&response), Ok("lucian@example.com".to_owned()));
}

#[tokio::test]
async fn authorizer_claims_win_over_the_header() {
    // The fixture's Authorization header is not a valid token; the authorizer's claims are
    // what API Gateway verified, so they are used.
    let response = app().handle(&event(REST_V1_AUTHORIZER)).await;
    assert_eq!(result(&response), Ok("lucian@example.com".to_owned()));
}

/// Runs the REST fixture with its claims changed by `edit`.
async fn rest_claims(edit: impl FnOnce(&mut serde_json::Map<String, serde_json::Value>)) -> Result<String, String> {
    let mut event_json: serde_json::Value = serde_json::from_str(REST_V1_AUTHORIZER).unwrap();
    edit(event_json["requestContext"]["authorizer"]["claims"].as_object_mut().unwrap());
    let response = app().handle(&event(&event_json.to_string())).await;
    result(&response)
}

#[tokio::test]
async fn authorizer_claims_are_checked_for_client_and_token_use() {
    assert_eq!(rest_claims(|c| drop(c.insert("aud".into(), "otherclient".into()))).await, Err("wrong_audience".into()));
    assert_eq!(rest_claims(|c| drop(c.remove("aud"))).await, Err("missing_claim".into()));
    assert_eq!(
        rest_claims(|c| drop(c.insert("token_use".into(), "access".into()))).await,
        Err("wrong_token_use".into())
    );
    assert_eq!(rest_claims(|c| drop(c.remove("email"))).await, Err("missing_email".into()));
    assert_eq!(
        rest_claims(|c| drop(c.insert("email".into(), "not an email".into()))).await,
        Err("missing_email".into())
    );
}

/// A user may have set the email themselves (a client allowed to write it, a pool that does not
/// wait for verification): the API vouches only for one Cognito verified.
#[tokio::test]
async fn an_unverified_email_is_refused_with_403() {
    for (name, edit) in
        [("false", Some("false")), ("True, not the string Cognito writes", Some("True")), ("missing", None)]
    {
        let mut event_json: serde_json::Value = serde_json::from_str(REST_V1_AUTHORIZER).unwrap();
        let claims = event_json["requestContext"]["authorizer"]["claims"].as_object_mut().unwrap();
        match edit {
            Some(value) => drop(claims.insert("email_verified".into(), value.into())),
            None => drop(claims.remove("email_verified")),
        }
        let response = app().handle(&event(&event_json.to_string())).await;
        assert_eq!(response.status(), 403, "email_verified {name}");
        assert_eq!(result(&response), Err("email_not_verified".into()), "email_verified {name}");
        assert_eq!(header(&response, "www-authenticate"), None, "the token itself is fine");
    }
    let mut event_json: serde_json::Value = serde_json::from_str(HTTP_V2_JWT_AUTHORIZER).unwrap();
    event_json["requestContext"]["authorizer"]["jwt"]["claims"]["email_verified"] = "false".into();
    let response = app().handle(&event(&event_json.to_string())).await;
    assert_eq!((response.status().as_u16(), result(&response)), (403, Err("email_not_verified".into())));
}

#[tokio::test]
async fn http_api_claims_are_checked_too() {
    let mut event_json: serde_json::Value = serde_json::from_str(HTTP_V2_JWT_AUTHORIZER).unwrap();
    event_json["requestContext"]["authorizer"]["jwt"]["claims"]["aud"] = "otherclient".into();
    let response = app().handle(&event(&event_json.to_string())).await;
    assert_eq!(response.status(), 401);
    assert_eq!(result(&response), Err("wrong_audience".into()));
}

#[tokio::test]
async fn without_an_authorizer_the_token_is_verified_here() {
    let token = KEY.sign(&valid_claims());
    let response = app().handle(&unauthorized_event(Some(token.as_bytes()))).await;
    assert_eq!(response.status(), 200);
    assert_eq!(result(&response), Ok("lucian@example.com".to_owned()));
}

#[tokio::test]
async fn refusals_are_401_with_the_failure_envelope_and_cors() {
    let response = app().handle(&unauthorized_event(None)).await;
    assert_eq!(response.status(), 401);
    assert_eq!(header(&response, "www-authenticate"), Some(r#"Bearer error="invalid_token""#));
    assert_eq!(header(&response, "access-control-allow-origin"), Some("*"));
    assert_eq!(header(&response, "content-type"), Some("application/json"));
    let whoami_shared::api::Outcome::Failure { error } = envelope(&response).response else { panic!("a failure") };
    assert_eq!(error.code, "missing_token");
    assert!(error.message.contains("Authorization header"), "{}", error.message);
}

#[tokio::test]
async fn preflight_allows_the_authorization_header() {
    let response = app().handle(&event(REST_V1_PREFLIGHT)).await;
    assert_eq!(response.status(), 204);
    assert_eq!(header(&response, "access-control-allow-origin"), Some("*"));
    let allowed = header(&response, "access-control-allow-headers").unwrap().to_lowercase();
    assert!(allowed.contains("authorization"), "{allowed}");
    assert!(header(&response, "access-control-allow-methods").unwrap().contains("GET"));
}

#[tokio::test]
async fn configured_origin_is_sent_with_vary() {
    let mut config = testkit::config();
    config.cors_allow_origin = "https://app.example.com".to_owned();
    let app = whoami_lambda::App::with_keys(
        &config,
        whoami_lambda::jwks::KeyStore::from_jwks(&testkit::jwks(&[&KEY])).unwrap(),
    );
    let response = app.handle(&event(REST_V1_PREFLIGHT)).await;
    assert_eq!(header(&response, "access-control-allow-origin"), Some("https://app.example.com"));
    assert_eq!(header(&response, "vary"), Some("Origin"));
}

#[tokio::test]
async fn other_methods_are_405() {
    let mut event_json: serde_json::Value = serde_json::from_str(FUNCTION_URL).unwrap();
    event_json["requestContext"]["http"]["method"] = "POST".into();
    let response = app().handle(&event(&event_json.to_string())).await;
    assert_eq!(response.status(), 405);
    assert_eq!(header(&response, "allow"), Some("GET, OPTIONS"));
    assert_eq!(result(&response), Err("method_not_allowed".into()));
}

#[tokio::test]
async fn a_rotated_key_is_not_trusted_by_a_fixed_key_store() {
    let other = TestKey::generate("test-key-2");
    let token = other.sign(&valid_claims());
    let response = app().handle(&unauthorized_event(Some(token.as_bytes()))).await;
    assert_eq!(result(&response), Err("unknown_key".into()));
}
