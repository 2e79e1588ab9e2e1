//! The real binary, driven through the Lambda Runtime API protocol by an emulator on
//! loopback: events in, API Gateway responses out, and a named init error for bad config.
//!
//! `cargo xtask test` points `WHOAMI_LAMBDA_BIN` at the release build, so this is the
//! binary that ships; a plain `cargo test` uses the debug build of the same code.

mod common;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::*;
use whoami_lambda::testkit::{self, JwksServer, Reply, RuntimeApi};

const WAIT: Duration = Duration::from_secs(20);

fn binary() -> String {
    std::env::var("WHOAMI_LAMBDA_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_bootstrap").to_owned())
}

/// Starts the function as Lambda would, with `vars` on top of the runtime's own variables.
fn start(api: &RuntimeApi, vars: &[(&str, String)]) -> KillOnDrop {
    let mut command = Command::new(binary());
    command
        .env_clear()
        .env("AWS_LAMBDA_RUNTIME_API", api.host_port())
        .env("AWS_LAMBDA_FUNCTION_NAME", "whoami")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "2024/01/21/[$LATEST]0123456789abcdef")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/whoami")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (name, value) in vars {
        command.env(name, value);
    }
    KillOnDrop(command.spawn().expect("the lambda binary starts"))
}

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The API Gateway response the function returned: status and body.
fn parse(reply: &Reply) -> (u64, serde_json::Value) {
    assert_eq!(reply.kind, "response", "the function reported an error: {}", reply.body);
    let response: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    let body = serde_json::from_str(response["body"].as_str().unwrap()).unwrap();
    (response["statusCode"].as_u64().unwrap(), body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_answers_invocations() {
    let jwks = JwksServer::start(Some(testkit::jwks(&[&KEY]))).await;
    let api = RuntimeApi::start().await;
    let _function = start(
        &api,
        &[
            ("USER_POOL_ID", CONFIG.user_pool_id.to_string()),
            ("APP_CLIENT_ID", CONFIG.app_client_id.to_string()),
            ("JWKS_URL", jwks.url()),
        ],
    );

    // A REST API event with authorizer claims.
    let id = api.invoke(REST_V1_AUTHORIZER);
    let reply = api.reply(WAIT).await.expect("a reply to the REST event");
    assert_eq!(reply.request_id, id);
    let (status, body) = parse(&reply);
    assert_eq!(status, 200);
    assert_eq!(body["response"]["results"]["email"], "lucian@example.com");

    // A function URL event the function verifies itself, fetching keys over HTTP.
    let mut event: serde_json::Value = serde_json::from_str(FUNCTION_URL).unwrap();
    event["headers"]["authorization"] = KEY.sign(&valid_claims()).into();
    api.invoke(event.to_string());
    let (status, body) = parse(&api.reply(WAIT).await.expect("a reply to the function URL event"));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["response"]["resultStatus"], "SUCCESS");
    assert_eq!(jwks.fetches(), 1);

    // A bad token (the fixture's placeholder names a key the pool does not have) is a
    // 401 response, not a function error.
    api.invoke(FUNCTION_URL);
    let (status, body) = parse(&api.reply(WAIT).await.expect("a reply to the bad token"));
    assert_eq!(status, 401);
    assert_eq!(body["response"]["resultStatus"], "FAILURE");
    assert_eq!(body["response"]["error"]["code"], "unknown_key");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_configuration_is_a_named_init_error() {
    let api = RuntimeApi::start().await;
    let mut function = start(&api, &[("APP_CLIENT_ID", "abc".to_owned())]);
    let (headers, body) = api.init_error(WAIT).await.expect("an init error report");
    assert_eq!(headers["lambda-runtime-function-error-type"], "Runtime.ConfigError");
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["errorType"], "Runtime.ConfigError");
    assert!(body["errorMessage"].as_str().unwrap().contains("USER_POOL_ID"), "{body}");

    let status = function.0.wait().unwrap();
    assert!(!status.success(), "the function exits with a failure status");
    let mut stderr = String::new();
    std::io::Read::read_to_string(function.0.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    assert_eq!(stderr.matches("USER_POOL_ID").count(), 1, "reported once in the log:\n{stderr}");
}
