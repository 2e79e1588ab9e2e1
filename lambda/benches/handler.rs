//! Per-request cost of the handler: with claims from an API Gateway authorizer, and
//! verifying an RS256 token itself against a cached JWKS. See BENCHMARKS.md.

use criterion::{Criterion, criterion_group, criterion_main};
use whoami_lambda::App;
use whoami_lambda::jwks::KeyStore;
use whoami_lambda::testkit::{self, TestKey};

const REST_V1_AUTHORIZER: &str = include_str!("../tests/data/rest_v1_cognito_authorizer.json");
const FUNCTION_URL: &str = include_str!("../tests/data/function_url_no_authorizer.json");

fn handler(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let config = testkit::config();
    let key = TestKey::generate("bench-key");
    let app = App::with_keys(&config, KeyStore::from_jwks(&testkit::jwks(&[&key])).unwrap());

    let authorizer_request = lambda_http::request::from_str(REST_V1_AUTHORIZER).unwrap();
    let claims = testkit::id_token_claims(&config.user_pool_id, &config.app_client_id, "lucian@example.com");
    let mut event: serde_json::Value = serde_json::from_str(FUNCTION_URL).unwrap();
    event["headers"]["authorization"] = key.sign(&claims).into();
    let token_event = event.to_string();
    let token_request = lambda_http::request::from_str(&token_event).unwrap();

    // Sanity: both paths answer 200, or the numbers mean nothing.
    assert_eq!(runtime.block_on(app.handle(&authorizer_request)).status(), 200);
    assert_eq!(runtime.block_on(app.handle(&token_request)).status(), 200);

    let mut group = c.benchmark_group("handler");
    group.bench_function("authorizer_claims", |b| b.to_async(&runtime).iter(|| app.handle(&authorizer_request)));
    group.bench_function("verify_token_cached_jwks", |b| b.to_async(&runtime).iter(|| app.handle(&token_request)));
    // Including the event's JSON parsing, as the runtime does before calling the handler.
    group.bench_function("parse_event_and_authorizer_claims", |b| {
        b.to_async(&runtime).iter(|| async {
            let request = lambda_http::request::from_str(REST_V1_AUTHORIZER).unwrap();
            app.handle(&request).await
        });
    });
    group.bench_function("parse_event_and_verify_token", |b| {
        b.to_async(&runtime).iter(|| async {
            let request = lambda_http::request::from_str(&token_event).unwrap();
            app.handle(&request).await
        });
    });
    group.finish();
}

criterion_group!(benches, handler);
criterion_main!(benches);
