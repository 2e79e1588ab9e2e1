//! The page's logic in a real browser (headless Chromium through chromedriver): error
//! mapping, refresh decisions, token storage and SECRET_HASH, as compiled to wasm.
//!
//! Run by `cargo xtask test`; by hand: `CHROMEDRIVER=/usr/bin/chromedriver
//! CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
//! cargo test -p whoami-frontend --target wasm32-unknown-unknown`.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use whoami_frontend::config::{Config, TokenStorage};
use whoami_frontend::errors::{AuthError, Call};
use whoami_frontend::password::{PasswordProblem, Policy};
use whoami_frontend::session::{Freshness, REFRESH_MARGIN_SECS, Tokens, freshness};
use whoami_frontend::storage::{KEY, TokenStore};
use whoami_shared::secret_hash::secret_hash;

wasm_bindgen_test_configure!(run_in_browser);

fn check_error(call: Call, status: u16, body: &str, expected: &AuthError) {
    assert_eq!(&AuthError::from_response(call, status, body), expected, "{call:?} {status} {body}");
}

#[wasm_bindgen_test]
fn cognito_errors_become_sentences() {
    let not_authorized = include_str!("../../shared/tests/data/cognito/error_not_authorized.json");
    check_error(Call::SignIn, 400, not_authorized, &AuthError::WrongCredentials);
    check_error(Call::Refresh, 400, not_authorized, &AuthError::SessionEnded);
    check_error(Call::Challenge, 400, not_authorized, &AuthError::ChallengeExpired);
    let not_found = include_str!("../../shared/tests/data/cognito/error_user_not_found.json");
    check_error(Call::SignIn, 400, not_found, &AuthError::WrongCredentials);
    check_error(Call::SignIn, 400, r#"{"__type":"UserNotConfirmedException"}"#, &AuthError::NotConfirmed);
    check_error(Call::SignIn, 400, r#"{"__type":"TooManyRequestsException"}"#, &AuthError::TooManyAttempts);
    check_error(Call::SignIn, 500, "<html>", &AuthError::Unreachable);
    assert!(AuthError::WrongCredentials.to_string().starts_with("The email or password is not right"));
}

#[wasm_bindgen_test]
fn refresh_decisions() {
    let now = 1_800_000_000;
    assert_eq!(freshness(now + 3600, now), Freshness::Fresh);
    assert_eq!(freshness(now + REFRESH_MARGIN_SECS, now), Freshness::RefreshFirst);
    assert_eq!(freshness(now - 1, now), Freshness::RefreshFirst);
    // A real ID token from moto: `exp` is read in wasm the same way as natively.
    let captured = include_str!("../../shared/tests/data/cognito/initiate_auth.response.json");
    let response: whoami_shared::cognito::AuthResponse = serde_json::from_str(captured).unwrap();
    let result = response.authentication_result.unwrap();
    let tokens = Tokens {
        id_token: result.id_token,
        access_token: result.access_token,
        refresh_token: result.refresh_token,
        hosted: false,
    };
    assert_eq!(tokens.freshness(0), Freshness::Fresh);
    assert_eq!(tokens.freshness(u64::from(u32::MAX)), Freshness::RefreshFirst);
    // base64url's own characters ('-' in the first payload, '_' in the second) and UTF-8
    // text decode in the browser as they do natively: else the claims would not parse, and
    // the token would need refreshing.
    for name in ["zoë>>>?ü", "zoë~~?>ü"] {
        use base64::Engine as _;
        let claims = format!(r#"{{"exp":4102444800,"cognito:username":"{name}"}}"#);
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims);
        let tokens = Tokens {
            id_token: format!("e30.{payload}.c2ln"),
            access_token: String::new(),
            refresh_token: None,
            hosted: false,
        };
        assert_eq!(tokens.freshness(4_102_444_800 - REFRESH_MARGIN_SECS - 1), Freshness::Fresh);
    }
}

fn sample_tokens() -> Tokens {
    Tokens {
        id_token: "id.x.y".into(),
        access_token: "access.x.y".into(),
        refresh_token: Some("refresh".into()),
        hosted: false,
    }
}

fn raw(kind: TokenStorage) -> web_sys::Storage {
    let window = web_sys::window().unwrap();
    match kind {
        TokenStorage::Session => window.session_storage().unwrap().unwrap(),
        TokenStorage::Local => window.local_storage().unwrap().unwrap(),
    }
}

#[wasm_bindgen_test]
fn storage_round_trips_in_the_configured_place() {
    for (kind, other) in [(TokenStorage::Session, TokenStorage::Local), (TokenStorage::Local, TokenStorage::Session)] {
        let store = TokenStore::new(kind);
        store.clear();
        assert_eq!(store.load(), None);
        assert!(store.save(&sample_tokens()));
        assert_eq!(store.load(), Some(sample_tokens()));
        assert!(raw(kind).get_item(KEY).unwrap().is_some());
        assert!(raw(other).get_item(KEY).unwrap().is_none(), "{kind:?} must not write {other:?}");
        // A session from the hosted sign-in page keeps its mark; what an earlier version of the
        // page stored, without one, reads as a direct sign-in's.
        let hosted = Tokens { hosted: true, ..sample_tokens() };
        assert!(store.save(&hosted));
        assert_eq!(store.load(), Some(hosted));
        raw(kind).set_item(KEY, r#"{"id_token":"i","access_token":"a","refresh_token":"r"}"#).unwrap();
        assert_eq!(store.load().map(|tokens| tokens.hosted), Some(false));
        store.clear();
        assert_eq!(store.load(), None);
    }
}

#[wasm_bindgen_test]
fn clearing_removes_tokens_from_both_storages() {
    TokenStore::new(TokenStorage::Session).save(&sample_tokens());
    TokenStore::new(TokenStorage::Local).save(&sample_tokens());
    TokenStore::new(TokenStorage::Session).clear();
    assert!(raw(TokenStorage::Session).get_item(KEY).unwrap().is_none());
    assert!(raw(TokenStorage::Local).get_item(KEY).unwrap().is_none());
}

#[wasm_bindgen_test]
fn unreadable_stored_tokens_are_dropped() {
    raw(TokenStorage::Session).set_item(KEY, "{not json").unwrap();
    assert_eq!(TokenStore::new(TokenStorage::Session).load(), None);
    assert!(raw(TokenStorage::Session).get_item(KEY).unwrap().is_none());
}

#[wasm_bindgen_test]
fn secret_hash_vectors() {
    // The vectors of whoami_shared's native tests, computed with Python's hmac and hashlib.
    assert_eq!(secret_hash("secret", "alice@example.com", "client123"), "O6iETPWy0G8MuX9zG8avLP58e0hgVrrDoXZhJUEsCVU=");
    assert_eq!(
        secret_hash(
            "7c1f4s9nq0o8t1r5dq6v1e2m3k4j5h6g7f8d9s0a1p2o3i4u5y6",
            "4e13a754-28d3-4e67-a08e-5ce0c6fae306",
            "3n4b5urk1ft4fl3mg5e62d9ado"
        ),
        "oKF86FZFlWJ6jYuGd4KtMPcWlJcfdn+SwVWHw4/pIgM="
    );
    assert_eq!(secret_hash("k", "ü@example.com", "x"), "ip3VKlINwY3NuB1anty0fRzeCDI79CtPRjKBHPXSzAU=");
}

#[wasm_bindgen_test]
fn config_and_password_checks() {
    let config = Config::parse(
        r#"{"region":"us-east-1","user_pool_id":"us-east-1_abc","app_client_id":"abc","api_url":"http://127.0.0.1:8080/api/","token_storage":"local"}"#,
    )
    .unwrap();
    assert_eq!(config.token_storage, TokenStorage::Local);
    assert!(Config::parse("{}").unwrap_err().to_string().contains("`region`"));
    // A value that is not a string is named, whatever JSON type it is.
    for value in ["5", "true", r#"["us-east-1"]"#, r#"{"name": "us-east-1"}"#] {
        let text = format!(r#"{{"region": {value}, "user_pool_id": "us-east-1_abc", "app_client_id": "abc"}}"#);
        let error = Config::parse(&text).unwrap_err().to_string();
        assert!(error.contains("`region` in config.json must be a string"), "{value}: {error}");
    }
    let policy = Policy::default();
    assert_eq!(policy.check("New-Pass-123", "New-Pass-123"), Ok(()));
    assert_eq!(policy.check("New-Pass-123", "x"), Err(PasswordProblem::Mismatch));
    // The pool's policy, read by the browser's JSON reader (a number, booleans).
    let pool = Policy::from_config(
        r#"{"region": "us-east-1", "password_min_length": 12, "password_require_symbols": false, "sign_up": true}"#,
    );
    assert_eq!(pool, Policy { min_length: 12, symbol: false, ..Policy::default() });
    assert!(Config::parse(
        r#"{"region":"us-east-1","user_pool_id":"us-east-1_abc","app_client_id":"abc","api_url":"http://127.0.0.1:8080/api/","sign_up":true}"#
    )
    .unwrap()
    .sign_up);
}

/// A token's `exp` claim alone, for the JSON reader's number checks.
#[derive(Debug, PartialEq, serde::Deserialize)]
struct Exp {
    exp: u64,
}

#[wasm_bindgen_test]
fn the_browsers_json_reads_what_serde_json_reads() {
    use whoami_frontend::json;
    use whoami_shared::api::Envelope;
    use whoami_shared::cognito::{AuthResponse, ErrorResponse, InitiateAuthRequest};
    use whoami_shared::mfa::{AssociateSoftwareTokenResponse, GetUserResponse, VerifySoftwareTokenResponse};

    // Captured payloads, read in wasm through JSON.parse and natively through serde_json.
    for captured in [
        include_str!("../../shared/tests/data/cognito/initiate_auth.response.json"),
        include_str!("../../shared/tests/data/cognito/initiate_auth_new_password_required.response.json"),
        include_str!("../../shared/tests/data/cognito/get_tokens_from_refresh_token.response.json"),
        include_str!("../../shared/tests/data/cognito/respond_to_auth_challenge.response.json"),
        include_str!("../../shared/tests/data/cognito/initiate_auth_srp_password_verifier.response.json"),
        include_str!("../../shared/tests/data/cognito/respond_to_auth_challenge_password_verifier.response.json"),
        include_str!(
            "../../shared/tests/data/cognito/respond_to_auth_challenge_password_verifier_new_password_required.response.json"
        ),
        include_str!("../../shared/tests/data/cognito/initiate_auth_software_token_mfa.response.json"),
        include_str!("../../shared/tests/data/cognito/respond_to_auth_challenge_mfa_setup.response.json"),
    ] {
        let browser: AuthResponse = json::from_str(captured).unwrap();
        assert_eq!(browser, serde_json::from_str::<AuthResponse>(captured).unwrap());
    }
    for error in [
        include_str!("../../shared/tests/data/cognito/error_not_authorized.json"),
        include_str!("../../shared/tests/data/cognito/error_srp_wrong_password.json"),
        include_str!("../../shared/tests/data/cognito/error_user_disabled.json"),
        include_str!("../../shared/tests/data/cognito/error_flow_not_enabled.json"),
        include_str!("../../shared/tests/data/cognito/error_refresh_revoked_get_tokens.json"),
        include_str!("../../shared/tests/data/cognito/error_code_mismatch.json"),
        include_str!("../../shared/tests/data/cognito/error_enable_software_token_mfa.json"),
    ] {
        assert_eq!(
            json::from_str::<ErrorResponse>(error).unwrap(),
            serde_json::from_str::<ErrorResponse>(error).unwrap()
        );
    }
    for body in [
        r#"{"response": {"resultStatus": "SUCCESS", "results": {"email": "lucian@example.com"}}}"#,
        r#"{"response": {"resultStatus": "FAILURE", "error": {"code": "token_expired", "message": "expired"}}}"#,
    ] {
        assert_eq!(json::from_str::<Envelope>(body).unwrap(), serde_json::from_str::<Envelope>(body).unwrap());
    }
    assert!(json::from_str::<Envelope>(r#"{"response": {"resultStatus": "MAYBE"}}"#).is_err());
    // The multi-factor set-up's answers, and the challenge's factors (a JSON array in a string).
    for captured in [
        include_str!("../../shared/tests/data/cognito/get_user.response.json"),
        include_str!("../../shared/tests/data/cognito/get_user_no_mfa.response.json"),
    ] {
        assert_eq!(json::from_str::<GetUserResponse>(captured).unwrap(), serde_json::from_str(captured).unwrap());
    }
    let associated = include_str!("../../shared/tests/data/cognito/associate_software_token.response.json");
    assert!(
        json::from_str::<AssociateSoftwareTokenResponse>(associated).unwrap()
            == serde_json::from_str(associated).unwrap()
    );
    let verified = include_str!("../../shared/tests/data/cognito/verify_software_token.response.json");
    assert!(
        json::from_str::<VerifySoftwareTokenResponse>(verified).unwrap() == serde_json::from_str(verified).unwrap()
    );
    assert_eq!(
        json::from_str::<Vec<String>>(r#"["SMS_MFA","SOFTWARE_TOKEN_MFA"]"#).unwrap(),
        ["SMS_MFA", "SOFTWARE_TOKEN_MFA"]
    );
    assert!(json::from_str::<Envelope>("<html>").is_err());
    // Requests are written as serde_json writes them (key order aside).
    let request: InitiateAuthRequest =
        serde_json::from_str(include_str!("../../shared/tests/data/cognito/initiate_auth.request.json")).unwrap();
    let written: serde_json::Value = serde_json::from_str(&json::to_string(&request).unwrap()).unwrap();
    assert_eq!(written, serde_json::to_value(&request).unwrap());
    // Numbers: an integral `exp` reads as u64; a fraction, or one past 2^53, does not.
    assert_eq!(json::from_str::<Exp>(r#"{"exp": 1700000000}"#).unwrap(), Exp { exp: 1_700_000_000 });
    assert!(json::from_str::<Exp>(r#"{"exp": 1.5}"#).is_err());
    assert!(json::from_str::<Exp>(r#"{"exp": 1e300}"#).is_err());
    assert!(json::from_str::<Exp>(r#"{"exp": -1}"#).is_err());
    // Each field's type is checked; unknown keys are skipped whatever they hold.
    assert!(json::from_str::<Exp>(r#"{"exp": "1700000000"}"#).is_err());
    assert!(json::from_str::<Exp>(r#"{"exp": null}"#).is_err());
    assert!(json::from_str::<Exp>("[1700000000]").is_err());
    let extra = r#"{"exp": 1, "extra": {"deep": [1, {"x": null}]}, "more": "text"}"#;
    assert_eq!(json::from_str::<Exp>(extra).unwrap(), Exp { exp: 1 });
}

/// The SRP client on the browser's BigInt (`bigint::JsBigNum`) sends exactly what the
/// reference clients send for every vector shared's native tests check (pycognito's and
/// amazon-cognito-identity-js's, see `shared/tests/data/srp/`).
#[wasm_bindgen_test]
fn srp_on_the_browsers_bigint_matches_the_reference_clients() {
    use whoami_frontend::bigint::JsBigNum;
    use whoami_shared::srp::{BigNum as _, Client, PasswordVerifier, SrpError};

    let files = [
        include_str!("../../shared/tests/data/srp/vectors.json"),
        include_str!("../../shared/tests/data/srp/vectors_js.json"),
    ];
    let mut checked = 0;
    for file in files {
        let vectors: serde_json::Value = serde_json::from_str(file).unwrap();
        for v in vectors["vectors"].as_array().unwrap() {
            let text = |key: &str| v[key].as_str().unwrap();
            let a_hex = text("a_bytes_hex");
            let random_a: Vec<u8> =
                (0..a_hex.len()).step_by(2).map(|i| u8::from_str_radix(&a_hex[i..i + 2], 16).unwrap()).collect();
            // 128 bytes as the reference clients draw `a`, 40 as the page does.
            let client = match random_a.len() {
                40 => Client::<JsBigNum>::new(&<[u8; 40]>::try_from(random_a).unwrap()),
                _ => Client::<JsBigNum>::new(&<[u8; 128]>::try_from(random_a).unwrap()),
            };
            assert_eq!(client.srp_a(), text("srp_a"), "{}", text("name"));
            // Decoded as the page decodes it, by the browser's `atob`.
            let secret_block = whoami_frontend::base64::decode(text("secret_block_b64")).unwrap();
            let challenge = PasswordVerifier {
                salt_hex: text("salt_hex"),
                srp_b_hex: text("srp_b_hex"),
                secret_block: &secret_block,
                user_id_for_srp: text("user_id_for_srp"),
            };
            let pool = text("user_pool_id").parse().unwrap();
            let answer =
                client.answer(&challenge, &pool, text("password"), v["unix_seconds"].as_u64().unwrap()).unwrap();
            assert_eq!(answer.username, text("user_id_for_srp"), "{}", text("name"));
            assert_eq!(answer.timestamp, text("timestamp"), "{}", text("name"));
            // Encoded as the page encodes it, by the browser's `btoa`.
            assert_eq!(whoami_frontend::base64::encode(&answer.signature), text("signature"), "{}", text("name"));
            checked += 1;
        }
    }
    assert!(checked >= 14, "both files are read");

    // The refusal that depends on the backend's arithmetic: B = 0 and B = N.
    let client = Client::<JsBigNum>::new(&[1; 40]);
    let n = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF";
    let pool = "eu-west-1_AbC123xyZ".parse().unwrap();
    for srp_b_hex in ["0", n] {
        let challenge = PasswordVerifier { salt_hex: "ab", srp_b_hex, secret_block: &[], user_id_for_srp: "u" };
        assert_eq!(client.answer(&challenge, &pool, "p", 0), Err(SrpError::ZeroB), "SRP_B = {srp_b_hex:.8}");
    }
    // Bytes round-trip through BigInt, leading zeros dropped and zero as empty or [0].
    for bytes in [&[][..], &[0], &[0, 0, 1], &[0x80, 0, 0xff]] {
        let back = JsBigNum::from_be_bytes(bytes).to_be_bytes();
        let significant: Vec<u8> = bytes.iter().copied().skip_while(|&b| b == 0).collect();
        assert_eq!(back.into_iter().skip_while(|&b| b == 0).collect::<Vec<_>>(), significant, "{bytes:02x?}");
    }
}
