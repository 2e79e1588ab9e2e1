//! One log line per request, with the outcome and reason, and never the token's text.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::*;
use serde_json::json;

/// Collects everything the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn logs_say_what_happened_without_the_token() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let good = KEY.sign(&valid_claims());
    let mut expired_claims = valid_claims();
    expired_claims["exp"] = json!(1);
    let expired = KEY.sign(&expired_claims);
    let app = app();
    assert_eq!(app.handle(&unauthorized_event(Some(good.as_bytes()))).await.status(), 200);
    assert_eq!(app.handle(&unauthorized_event(Some(format!("Bearer {expired}").as_bytes()))).await.status(), 401);
    assert_eq!(app.handle(&unauthorized_event(Some(b"garbage.token.here"))).await.status(), 401);

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let requests: Vec<&serde_json::Value> = lines.iter().filter(|l| l["fields"]["message"] == "request").collect();
    assert_eq!(requests.len(), 3, "one line per request:\n{text}");
    assert_eq!(requests[0]["fields"]["outcome"], "answered");
    assert_eq!(requests[0]["fields"]["source"], "self_verified");
    assert_eq!(requests[1]["fields"]["reason"], "token_expired");
    assert_eq!(requests[2]["fields"]["reason"], "malformed_token");
    for token in [&good, &expired] {
        for part in token.split('.') {
            assert!(!text.contains(part), "a token part leaked into the logs:\n{text}");
        }
    }
    assert!(!text.contains("garbage.token.here"));
    assert!(!text.contains("lucian@example.com"), "emails are personal data and stay out of logs");
}
