//! The local stack end to end, without a browser: moto, provisioning, the gateway's
//! authorizer and routing, the Lambda's answers, the admin CLI against it, and shutdown.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use aws_sdk_cognitoidentityprovider::types::AuthFlowType;
use serde_json::Value;
use whoami_local::{Options, Stack, StackError, provision};

fn moto_server() -> PathBuf {
    std::env::var_os("WHOAMI_MOTO_SERVER")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.local/venv/bin/moto_server"), PathBuf::from)
}

/// The admin CLI: `WHOAMI_ADMIN_BIN` (set by `cargo xtask test`), else the debug build next
/// to this test's own executable (`cargo test --workspace` builds it).
fn admin_binary() -> PathBuf {
    std::env::var_os("WHOAMI_ADMIN_BIN").map_or_else(
        || {
            let exe = std::env::current_exe().unwrap();
            exe.parent().unwrap().parent().unwrap().join("whoami-admin")
        },
        PathBuf::from,
    )
}

struct Scene {
    stack: Stack,
    _dirs: (tempfile::TempDir, tempfile::TempDir),
    http: reqwest::Client,
}

async fn start() -> Scene {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), "<!DOCTYPE html><title>whoami test page</title>").unwrap();
    std::fs::write(dist.path().join("app.wasm"), b"\0asm").unwrap();
    let state = tempfile::tempdir().unwrap();
    let options = Options {
        port: 0,
        moto_server: moto_server(),
        dist: dist.path().to_owned(),
        state_dir: state.path().to_owned(),
    };
    let stack = Stack::start(&options).await.unwrap_or_else(|e| panic!("the stack starts: {e}"));
    Scene { stack, _dirs: (dist, state), http: reqwest::Client::new() }
}

impl Scene {
    /// The demo user's tokens: (id, access).
    async fn sign_in(&self) -> (String, String) {
        let answer = provision::client(&self.stack.page_config.cognito_endpoint)
            .initiate_auth()
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .client_id(&self.stack.page_config.app_client_id)
            .auth_parameters("USERNAME", self.stack.provisioned.demo_email.as_str())
            .auth_parameters("PASSWORD", &self.stack.provisioned.demo_password)
            .send()
            .await
            .expect("the demo user signs in");
        let result = answer.authentication_result().unwrap();
        (result.id_token().unwrap().to_owned(), result.access_token().unwrap().to_owned())
    }

    async fn get(&self, path: &str, authorization: Option<&str>) -> (u16, Option<String>, Value) {
        self.send(reqwest::Method::GET, path, authorization).await
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        authorization: Option<&str>,
    ) -> (u16, Option<String>, Value) {
        let mut request = self.http.request(method, format!("{}{path}", self.stack.url));
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let cors = response.headers().get("access-control-allow-origin").map(|v| v.to_str().unwrap().to_owned());
        let text = response.text().await.unwrap();
        (status, cors, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }
}

#[tokio::test]
async fn the_api_answers_like_api_gateway_with_a_cognito_authorizer() {
    let scene = start().await;
    let (id_token, access_token) = scene.sign_in().await;

    let (status, cors, body) = scene.get("api/", Some(&id_token)).await;
    assert_eq!((status, cors.as_deref()), (200, Some("*")));
    assert_eq!(body["response"]["results"]["email"], "demo@example.com");
    let (status, _, body) = scene.get("api/whoami?x=1", Some(&format!("Bearer {id_token}"))).await;
    assert_eq!(status, 200);
    assert_eq!(body["response"]["resultStatus"], "SUCCESS");

    // The gateway's own refusals, before the Lambda.
    for bad in [None, Some(""), Some("not-a-token"), Some("eyJhbGciOiJub25lIn0.e30.")] {
        let (status, cors, body) = scene.get("api/", bad).await;
        assert_eq!((status, cors.as_deref()), (401, Some("*")), "{bad:?}");
        assert_eq!(body, serde_json::json!({"message": "Unauthorized"}));
    }
    let mut tampered = id_token.clone().into_bytes();
    let last = tampered.len() - 5;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    assert_eq!(scene.get("api/", Some(std::str::from_utf8(&tampered).unwrap())).await.0, 401);

    // Cognito's authorizer passes access tokens; the Lambda refuses them.
    let (status, _, body) = scene.get("api/", Some(&access_token)).await;
    assert_eq!(status, 401);
    assert_eq!(body["response"]["error"]["code"], "wrong_token_use");

    // Methods go through to the Lambda, which only answers GET.
    assert_eq!(scene.send(reqwest::Method::POST, "api/", Some(&id_token)).await.0, 405);

    let preflight =
        scene.http.request(reqwest::Method::OPTIONS, format!("{}api/", scene.stack.url)).send().await.unwrap();
    assert_eq!(preflight.status(), 204);
    let allowed = preflight.headers()["access-control-allow-headers"].to_str().unwrap().to_lowercase();
    assert!(allowed.contains("authorization"));
    scene.stack.stop().await;
}

#[tokio::test]
async fn the_page_and_its_config_are_served() {
    let scene = start().await;
    let (status, _, config) = scene.get("config.json", None).await;
    assert_eq!(status, 200);
    let page = &scene.stack.page_config;
    assert_eq!(config["user_pool_id"], page.user_pool_id.as_str());
    assert_eq!(config["app_client_id"], page.app_client_id.as_str());
    assert_eq!(config["api_url"], format!("{}api/", scene.stack.url));
    assert_eq!(config["cognito_endpoint"], page.cognito_endpoint.as_str());
    assert_eq!(config["region"], "us-east-1");
    assert!(config.get("app_client_secret").is_none());

    for path in ["", "index.html", "some/client/route"] {
        let page = scene.http.get(format!("{}{path}", scene.stack.url)).send().await.unwrap();
        assert_eq!(page.status(), 200, "{path}");
        // A rebuilt page is seen on the next load, not an old index.html naming a deleted wasm.
        assert_eq!(page.headers()["cache-control"], "no-cache", "{path}");
        let body = page.text().await.unwrap();
        assert!(body.contains("whoami test page"), "{path}: {body}");
    }
    let wasm = scene.http.get(format!("{}app.wasm", scene.stack.url)).send().await.unwrap();
    assert_eq!(wasm.headers()["content-type"], "application/wasm");

    let admin = std::fs::read_to_string(&scene.stack.admin_config).unwrap();
    for key in ["region", "user_pool_id", "app_client_id", "api_url", "cognito_endpoint"] {
        assert!(admin.contains(&format!("{key} = ")), "{key} missing from:\n{admin}");
    }
    scene.stack.stop().await;
}

/// Runs the admin CLI against the stack with `stdin` as its input.
fn admin(scene: &Scene, args: &[&str], stdin: &str) -> (bool, String, String) {
    let mut child = Command::new(admin_binary())
        .arg("--config")
        .arg(&scene.stack.admin_config)
        .args(args)
        // No credentials: against the stack the CLI signs with placeholders. Were it to look
        // for real ones, it must not ask an instance-metadata address (tests stay on loopback).
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_PROFILE")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("the admin CLI at {} runs: {e}", admin_binary().display()));
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.success(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

// Multi-threaded: the CLI is waited for synchronously while the gateway serves its call.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_cli_works_against_the_stack() {
    let scene = start().await;
    let email = "someone@example.com";
    let password = "Correct-Horse-9-Battery";
    let (ok, _, err) = admin(&scene, &["create-user", "--email", email, "--password-stdin"], &format!("{password}\n"));
    assert!(ok, "create-user: {err}");
    let (ok, token, err) = admin(&scene, &["login", "--username", email, "--password-stdin"], &format!("{password}\n"));
    assert!(ok, "login: {err}");
    let (ok, answer, err) = admin(&scene, &["call-api", "--token-stdin"], &token);
    assert!(ok, "call-api: {err}");
    let answer: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(answer["response"]["results"]["email"], email);
    scene.stack.stop().await;
}

#[tokio::test]
async fn a_busy_port_is_named_with_the_flag_to_change_it() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port();
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), "page").unwrap();
    let options = Options {
        port,
        moto_server: moto_server(),
        dist: dist.path().to_owned(),
        state_dir: dist.path().join("state"),
    };
    let error = Stack::start(&options).await.unwrap_err();
    assert!(matches!(error, StackError::PortInUse(p) if p == port));
    let message = error.to_string();
    assert!(message.contains(&port.to_string()) && message.contains("--port"), "{message}");
}

#[tokio::test]
async fn stopping_leaves_no_moto_behind() {
    let scene = start().await;
    let moto = scene.stack.page_config.cognito_endpoint.clone();
    let pid = scene.stack.moto_pid().unwrap();
    scene.stack.stop().await;
    assert!(reqwest::get(format!("{moto}/moto-api/")).await.is_err(), "moto still answers after stop");
    assert!(!std::path::Path::new(&format!("/proc/{pid}")).exists(), "moto's process {pid} is still there");
}

/// The binary, stopped with SIGTERM as `kill` or a process manager would, stops its moto too.
#[tokio::test]
async fn the_binary_stops_moto_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("dist")).unwrap();
    std::fs::write(dir.path().join("dist").join("index.html"), "page").unwrap();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_whoami-local"))
        .args(["--port", "0", "--json", "--dist"])
        .arg(dir.path().join("dist"))
        .arg("--state-dir")
        .arg(dir.path().join("state"))
        .arg("--moto-server")
        .arg(moto_server())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut ready = String::new();
    let stdout = child.stdout.take().unwrap();
    tokio::io::AsyncBufReadExt::read_line(&mut tokio::io::BufReader::new(stdout), &mut ready).await.unwrap();
    let ready: Value = serde_json::from_str(&ready).unwrap();
    let moto_pid = ready["moto_pid"].as_u64().unwrap();
    let pid = child.id().unwrap().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let status = tokio::time::timeout(std::time::Duration::from_secs(30), child.wait()).await.unwrap().unwrap();
    assert!(status.success(), "whoami-local exited with {status} on SIGTERM");
    assert!(!std::path::Path::new(&format!("/proc/{moto_pid}")).exists(), "moto's process {moto_pid} is still there");
}
