//! Fetching the pool's keys from a JWKS endpoint (a loopback server here): lazily, once,
//! again on an unknown key at most once per interval and when they grow too old, and a 503
//! when they are out of reach, remembered for a while.

mod common;

use std::time::Duration;

use common::*;
use whoami_lambda::App;
use whoami_lambda::jwks::{FetchTiming, KeyStore};
use whoami_lambda::testkit::{self, JwksServer, TestKey};

/// The API fetching keys from `url`, refetching for an unknown key after `interval`, with the
/// default maximum age and no failure back-off (see the back-off's own tests).
fn app_fetching(url: &str, interval: Duration) -> App {
    app_with_timing(
        url,
        FetchTiming { refetch_interval: interval, failure_backoff: Duration::ZERO, ..FetchTiming::DEFAULT },
    )
}

fn app_with_timing(url: &str, timing: FetchTiming) -> App {
    App::with_keys(&CONFIG, KeyStore::from_url(url, timing))
}

async fn call(app: &App, key: &TestKey) -> (u16, Result<String, String>) {
    let token = key.sign(&valid_claims());
    let response = app.handle(&unauthorized_event(Some(token.as_bytes()))).await;
    (response.status().as_u16(), result(&response))
}

#[tokio::test]
async fn keys_are_fetched_once_and_cached() {
    let server = JwksServer::start(Some(testkit::jwks(&[&KEY]))).await;
    let app = app_fetching(&server.url(), Duration::from_secs(30));
    assert_eq!(server.fetches(), 0, "nothing is fetched before the first token");
    for _ in 0..5 {
        assert_eq!(call(&app, &KEY).await, (200, Ok("lucian@example.com".into())));
    }
    assert_eq!(server.fetches(), 1);
}

#[tokio::test]
async fn an_unknown_kid_refetches_at_most_once_per_interval() {
    let server = JwksServer::start(Some(testkit::jwks(&[&KEY]))).await;
    let app = app_fetching(&server.url(), Duration::from_secs(3600));
    let rotated = TestKey::generate("rotated-in");
    assert_eq!(call(&app, &KEY).await.0, 200);
    // Many tokens with an unknown kid within the interval cause no fetch at all.
    for _ in 0..20 {
        assert_eq!(call(&app, &rotated).await, (401, Err("unknown_key".into())));
    }
    assert_eq!(server.fetches(), 1);
}

#[tokio::test]
async fn a_rotated_key_is_picked_up_after_the_interval() {
    let server = JwksServer::start(Some(testkit::jwks(&[&KEY]))).await;
    let app = app_fetching(&server.url(), Duration::from_millis(200));
    let rotated = TestKey::generate("rotated-in");
    assert_eq!(call(&app, &KEY).await.0, 200);
    server.set_document(Some(testkit::jwks(&[&KEY, &rotated]))).await;
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(call(&app, &rotated).await, (200, Ok("lucian@example.com".into())));
    assert_eq!(call(&app, &KEY).await.0, 200, "the old key still works");
    assert_eq!(server.fetches(), 2);
}

#[tokio::test]
async fn concurrent_requests_share_one_fetch() {
    let server = JwksServer::start(Some(testkit::jwks(&[&KEY]))).await;
    let app = std::sync::Arc::new(app_fetching(&server.url(), Duration::from_secs(30)));
    let calls: Vec<_> = (0..16)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move { call(&app, &KEY).await.0 })
        })
        .collect();
    for c in calls {
        assert_eq!(c.await.unwrap(), 200);
    }
    assert_eq!(server.fetches(), 1);
}

#[tokio::test]
async fn unreachable_keys_are_a_503_that_recovers() {
    let server = JwksServer::start(None).await;
    let app = app_fetching(&server.url(), Duration::from_secs(30));
    let token = KEY.sign(&valid_claims());
    let response = app.handle(&unauthorized_event(Some(token.as_bytes()))).await;
    assert_eq!(response.status(), 503);
    assert_eq!(result(&response), Err("keys_unavailable".into()));
    assert_eq!(header(&response, "retry-after"), Some("5"));
    assert_eq!(header(&response, "access-control-allow-origin"), Some("*"));

    server.set_document(Some(testkit::jwks(&[&KEY]))).await;
    assert_eq!(call(&app, &KEY).await, (200, Ok("lucian@example.com".into())));
}

#[tokio::test]
async fn a_closed_port_is_a_503() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    drop(listener);
    let app = app_fetching(&url, Duration::from_secs(30));
    assert_eq!(call(&app, &KEY).await, (503, Err("keys_unavailable".into())));
}

#[tokio::test]
async fn a_document_that_is_not_a_key_set_is_a_503() {
    let server = JwksServer::start(Some("<html>maintenance</html>".to_owned())).await;
    let app = app_fetching(&server.url(), Duration::from_secs(30));
    assert_eq!(call(&app, &KEY).await, (503, Err("keys_unavailable".into())));
}

#[tokio::test]
async fn a_key_document_larger_than_cognitos_could_be_is_refused() {
    // Valid JSON with the right key, padded past the cap: not what Cognito serves.
    let padded = format!("{}{}", testkit::jwks(&[&KEY]), " ".repeat(whoami_lambda::jwks::MAX_JWKS_BYTES));
    let server = JwksServer::start(Some(padded)).await;
    let app = app_fetching(&server.url(), Duration::from_secs(30));
    assert_eq!(call(&app, &KEY).await.0, 503);
}

#[tokio::test]
async fn a_failed_fetch_is_remembered_for_the_backoff() {
    let forged = TestKey::generate("forged");
    let server = JwksServer::start(None).await;
    let backoff = Duration::from_secs(1);
    let app = std::sync::Arc::new(app_with_timing(
        &server.url(),
        FetchTiming { failure_backoff: backoff, ..FetchTiming::DEFAULT },
    ));
    // While the endpoint is down, concurrent and later requests share the one failed fetch.
    let calls: Vec<_> = (0..16)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move { call(&app, &KEY).await })
        })
        .collect();
    for c in calls {
        assert_eq!(c.await.unwrap(), (503, Err("keys_unavailable".into())));
    }
    for _ in 0..10 {
        assert_eq!(call(&app, &forged).await.0, 503);
    }
    assert_eq!(server.fetches(), 1);
    // Back within the back-off: still the remembered answer. After it: fetched again.
    server.set_document(Some(testkit::jwks(&[&KEY]))).await;
    assert_eq!(call(&app, &KEY).await.0, 503);
    assert_eq!(server.fetches(), 1);
    tokio::time::sleep(backoff + Duration::from_millis(50)).await;
    assert_eq!(call(&app, &KEY).await, (200, Ok("lucian@example.com".into())));
    assert_eq!(server.fetches(), 2);
}

#[tokio::test]
async fn keys_are_trusted_for_their_maximum_age_only() {
    let rotated = TestKey::generate("rotated-in");
    let server = JwksServer::start(Some(testkit::jwks(&[&KEY]))).await;
    let max_age = Duration::from_secs(1);
    let app = app_with_timing(&server.url(), FetchTiming { max_age, ..FetchTiming::DEFAULT });
    assert_eq!(call(&app, &KEY).await.0, 200);
    // Cognito withdraws the key: within the maximum age it is still trusted, after it not.
    server.set_document(Some(testkit::jwks(&[&rotated]))).await;
    assert_eq!(call(&app, &KEY).await.0, 200);
    assert_eq!(server.fetches(), 1);
    tokio::time::sleep(max_age + Duration::from_millis(50)).await;
    assert_eq!(call(&app, &KEY).await, (401, Err("unknown_key".into())));
    assert_eq!(call(&app, &rotated).await.0, 200);
    assert_eq!(server.fetches(), 2);
    // Old keys and an endpoint that is down: no answer from keys that may be withdrawn.
    server.set_document(None).await;
    tokio::time::sleep(max_age + Duration::from_millis(50)).await;
    assert_eq!(call(&app, &rotated).await, (503, Err("keys_unavailable".into())));
}
