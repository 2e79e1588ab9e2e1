//! Every way a token can be wrong, each refused with its own code: a table at least as wide
//! as aws-jwt-verify's. Keys are generated here; nothing touches the network.

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::*;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use whoami_lambda::testkit::{TestKey, now};

/// Valid claims with `edit` applied, signed with the pool's key.
fn signed(edit: impl FnOnce(&mut serde_json::Map<String, Value>)) -> String {
    let mut claims = valid_claims();
    edit(claims.as_object_mut().unwrap());
    KEY.sign(&claims)
}

fn header_with(alg: Algorithm, kid: Option<&str>) -> Header {
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    header
}

fn b64(text: &str) -> String {
    URL_SAFE_NO_PAD.encode(text)
}

/// Runs the handler with `authorization` as the header and checks the outcome.
async fn check(name: &str, authorization: &[u8], expected: Result<&str, &str>) {
    let response = app().handle(&unauthorized_event(Some(authorization))).await;
    let got = result(&response);
    let expected_status = match expected {
        Ok(_) => 200,
        // A good token whose email Cognito has not verified: known, but not vouched for.
        Err("email_not_verified") => 403,
        Err(_) => 401,
    };
    assert_eq!(got, expected.map(str::to_owned).map_err(str::to_owned), "case: {name}");
    assert_eq!(response.status(), expected_status, "case: {name}");
}

#[tokio::test]
async fn valid_tokens_are_accepted() {
    let token = signed(|_| {});
    check("raw", token.as_bytes(), Ok("lucian@example.com")).await;
    check("bearer", format!("Bearer {token}").as_bytes(), Ok("lucian@example.com")).await;
    check("lowercase bearer", format!("bearer {token}").as_bytes(), Ok("lucian@example.com")).await;
    check("surrounding spaces", format!("  {token}  ").as_bytes(), Ok("lucian@example.com")).await;
    let in_leeway = signed(|c| drop(c.insert("iat".into(), json!(now() + 5))));
    check("iat within leeway", in_leeway.as_bytes(), Ok("lucian@example.com")).await;
    let no_iat = signed(|c| drop(c.remove("iat")));
    check("no iat", no_iat.as_bytes(), Ok("lucian@example.com")).await;
    let unicode = signed(|c| drop(c.insert("email".into(), json!("ünï@exämple.com"))));
    check("non-ascii email", unicode.as_bytes(), Ok("ünï@exämple.com")).await;
}

#[tokio::test]
async fn claim_problems() {
    let now = now();
    let cases: Vec<(&str, String, &str)> = vec![
        ("expired", signed(|c| drop(c.insert("exp".into(), json!(now - 60)))), "token_expired"),
        ("expired one second ago", signed(|c| drop(c.insert("exp".into(), json!(now - 1)))), "token_expired"),
        ("no exp", signed(|c| drop(c.remove("exp"))), "missing_claim"),
        // jsonwebtoken reads an `exp` that is not a number as no `exp` at all.
        ("exp as text", signed(|c| drop(c.insert("exp".into(), json!("tomorrow")))), "missing_claim"),
        (
            "iat in the future",
            signed(|c| {
                c.insert("iat".into(), json!(now + 3600));
                c.insert("exp".into(), json!(now + 7200));
            }),
            "token_not_yet_valid",
        ),
        (
            "wrong issuer",
            signed(|c| {
                drop(c.insert("iss".into(), json!("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other")));
            }),
            "wrong_issuer",
        ),
        (
            "issuer with a trailing slash",
            signed(|c| drop(c.insert("iss".into(), json!(format!("{}/", CONFIG.user_pool_id.issuer()))))),
            "wrong_issuer",
        ),
        ("no issuer", signed(|c| drop(c.remove("iss"))), "missing_claim"),
        ("wrong audience", signed(|c| drop(c.insert("aud".into(), json!("anotherclient")))), "wrong_audience"),
        ("no audience", signed(|c| drop(c.remove("aud"))), "missing_claim"),
        (
            "access token",
            signed(|c| {
                c.remove("aud");
                c.remove("email");
                c.insert("token_use".into(), json!("access"));
                c.insert("client_id".into(), json!(CONFIG.app_client_id.as_str()));
                c.insert("scope".into(), json!("aws.cognito.signin.user.admin"));
            }),
            "wrong_token_use",
        ),
        ("no token_use", signed(|c| drop(c.remove("token_use"))), "missing_claim"),
        ("no email", signed(|c| drop(c.remove("email"))), "missing_email"),
        ("email not a string", signed(|c| drop(c.insert("email".into(), json!(42)))), "malformed_token"),
        ("email not an address", signed(|c| drop(c.insert("email".into(), json!("nobody")))), "missing_email"),
        ("email not verified", signed(|c| drop(c.insert("email_verified".into(), json!(false)))), "email_not_verified"),
        ("email_verified missing", signed(|c| drop(c.remove("email_verified"))), "email_not_verified"),
        (
            "email_verified a string, not Cognito's boolean",
            signed(|c| drop(c.insert("email_verified".into(), json!("true")))),
            "email_not_verified",
        ),
    ];
    for (name, token, code) in cases {
        check(name, token.as_bytes(), Err(code)).await;
    }
}

#[tokio::test]
async fn key_and_algorithm_problems() {
    let claims = valid_claims();
    let other_key = TestKey::generate("test-key-1");
    let hs256_with_public_key = jsonwebtoken::encode(
        &header_with(Algorithm::HS256, Some(&KEY.kid)),
        &claims,
        &EncodingKey::from_secret(KEY.public_pem().as_bytes()),
    )
    .unwrap();
    let unsigned = |alg: &str| {
        format!("{}.{}.", b64(&format!(r#"{{"alg":"{alg}","kid":"test-key-1"}}"#)), b64(&claims.to_string()))
    };
    let cases: Vec<(&str, String, &str)> = vec![
        ("unknown kid", TestKey::generate("rotated-away").sign(&claims), "unknown_key"),
        ("no kid", KEY.sign_with_header(&header_with(Algorithm::RS256, None), &claims), "unknown_key"),
        ("signed by another key under our kid", other_key.sign(&claims), "invalid_signature"),
        ("alg none", unsigned("none"), "unsupported_algorithm"),
        ("alg None", unsigned("None"), "unsupported_algorithm"),
        ("alg none with a signature", format!("{}c2ln", unsigned("none")), "unsupported_algorithm"),
        ("HS256 signed with the public key", hs256_with_public_key, "unsupported_algorithm"),
        (
            "RS512",
            KEY.sign_with_header(&header_with(Algorithm::RS512, Some(&KEY.kid)), &claims),
            "unsupported_algorithm",
        ),
        (
            "PS256",
            KEY.sign_with_header(&header_with(Algorithm::PS256, Some(&KEY.kid)), &claims),
            "unsupported_algorithm",
        ),
        ("RS256 with no signature", unsigned("RS256"), "invalid_signature"),
    ];
    for (name, token, code) in cases {
        check(name, token.as_bytes(), Err(code)).await;
    }
}

#[tokio::test]
async fn tampering() {
    let token = signed(|_| {});
    let parts: Vec<&str> = token.split('.').collect();
    let forged_payload = {
        let mut claims = valid_claims();
        claims["email"] = json!("mallory@example.com");
        b64(&claims.to_string())
    };
    let signature = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
    let truncated = URL_SAFE_NO_PAD.encode(&signature[..signature.len() - 10]);
    let mut flipped_sig = parts[2].to_owned().into_bytes();
    flipped_sig[10] = if flipped_sig[10] == b'A' { b'B' } else { b'A' };
    let cases: Vec<(&str, String, &str)> = vec![
        ("tampered payload", format!("{}.{forged_payload}.{}", parts[0], parts[2]), "invalid_signature"),
        ("truncated signature", format!("{}.{}.{truncated}", parts[0], parts[1]), "invalid_signature"),
        ("signature not base64url", format!("{}.{}.{}x", parts[0], parts[1], parts[2]), "malformed_token"),
        (
            "one signature byte changed",
            format!("{}.{}.{}", parts[0], parts[1], String::from_utf8(flipped_sig).unwrap()),
            "invalid_signature",
        ),
        (
            "header swapped for one with another kid",
            format!("{}.{}.{}", b64(r#"{"alg":"RS256","kid":"other"}"#), parts[1], parts[2]),
            "unknown_key",
        ),
    ];
    for (name, token, code) in cases {
        check(name, token.as_bytes(), Err(code)).await;
    }
}

#[tokio::test]
async fn malformed_tokens() {
    let token = signed(|_| {});
    let not_json_payload = KEY.sign_raw(r#"{"alg":"RS256","kid":"test-key-1"}"#, b"hello, world");
    let array_payload = KEY.sign_raw(r#"{"alg":"RS256","kid":"test-key-1"}"#, b"[1,2,3]");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", b"".to_vec(), "missing_token"),
        ("only spaces", b"   ".to_vec(), "missing_token"),
        ("bearer and nothing", b"Bearer ".to_vec(), "missing_token"),
        ("one part", b"abc".to_vec(), "malformed_token"),
        ("two parts", token.rsplit_once('.').unwrap().0.as_bytes().to_vec(), "malformed_token"),
        ("four parts", format!("{token}.abc").into_bytes(), "malformed_token"),
        ("bad base64 in header", format!("!!{token}").into_bytes(), "malformed_token"),
        ("header not json", format!("{}.{}.c2ln", b64("hello"), b64("{}")).into_bytes(), "malformed_token"),
        ("header without alg", format!("{}.{}.c2ln", b64(r#"{"kid":"x"}"#), b64("{}")).into_bytes(), "malformed_token"),
        ("payload not json, correctly signed", not_json_payload.into_bytes(), "malformed_token"),
        ("payload an array, correctly signed", array_payload.into_bytes(), "malformed_token"),
        (
            "very large",
            format!("{}.{}.c2ln", b64(r#"{"alg":"RS256","kid":"test-key-1"}"#), "A".repeat(40_000)).into_bytes(),
            "malformed_token",
        ),
        ("non-ascii bytes", "eyJhbGciOiJSUzI1NiJ9.é.c2ln".as_bytes().to_vec(), "malformed_token"),
        ("basic auth", b"Basic dXNlcjpwYXNz".to_vec(), "malformed_token"),
    ];
    for (name, value, code) in cases {
        check(name, &value, Err(code)).await;
    }
}
