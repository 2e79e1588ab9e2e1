//! Telling Lambda that the function cannot start, so the invoker sees a named init error
//! instead of a bare exit status.

use std::time::Duration;

/// The error type Lambda shows for a function that could not read its configuration.
pub const ERROR_TYPE: &str = "Runtime.ConfigError";

/// Posts `message` to the Runtime API's `/runtime/init/error` at `runtime_api`
/// (`host:port`, from `AWS_LAMBDA_RUNTIME_API`). Best effort: the function exits either way,
/// and the message is also in the log.
pub async fn report(runtime_api: &str, message: &str) {
    let url = format!("http://{runtime_api}/2018-06-01/runtime/init/error");
    let body = serde_json::json!({ "errorType": ERROR_TYPE, "errorMessage": message });
    let sent = reqwest::Client::new()
        .post(&url)
        .header("Lambda-Runtime-Function-Error-Type", ERROR_TYPE)
        .timeout(Duration::from_secs(2))
        .body(body.to_string())
        .send()
        .await;
    if let Err(e) = sent {
        tracing::warn!(error = %e, "could not report the init error to the runtime api");
    }
}
