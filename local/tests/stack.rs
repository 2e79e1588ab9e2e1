//! The local stack end to end, without a browser: template.yaml deployed into ministack, the
//! emulated API Gateway's Cognito authorizer in front of the real `bootstrap`, the app clients'
//! settings as the template makes them, the admin CLI against it, and shutdown.
//!
//! Each test starts its own stack (about three seconds) with the function's zip named by
//! `WHOAMI_LAMBDA_ZIP` (set by `cargo xtask test`: the packaged zip for this machine).

mod common;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata as _;
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, SoftwareTokenMfaConfigType, UserPoolMfaType};
use common::ministack_program;
use serde_json::Value;
use whoami_local::{Options, Stack, StackError, ministack};

/// The workspace's target directory, from this test's own executable (`target/debug/deps/…`).
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.ancestors().nth(3).unwrap().to_owned()
}

/// The function's zip: `WHOAMI_LAMBDA_ZIP`, else what `cargo xtask dev` builds.
fn lambda_zip() -> PathBuf {
    let zip = std::env::var_os("WHOAMI_LAMBDA_ZIP")
        .map_or_else(|| target_dir().join("lambda").join("host").join("bootstrap.zip"), PathBuf::from);
    assert!(
        zip.exists(),
        "the function's zip is not at {}: run `cargo xtask test`, or `cargo xtask dev` once, or set WHOAMI_LAMBDA_ZIP",
        zip.display()
    );
    zip
}

/// The admin CLI: the debug build beside this test's executable (`cargo test --workspace`
/// builds it).
fn admin_binary() -> PathBuf {
    target_dir().join("debug").join("whoami-admin")
}

fn options(port: u16, dist: &Path, state: &Path) -> Options {
    Options {
        port,
        ministack: ministack_program(),
        dist: dist.to_owned(),
        state_dir: state.to_owned(),
        template: Path::new(env!("CARGO_MANIFEST_DIR")).join("../template.yaml"),
        lambda_zip: lambda_zip(),
        admin: admin_binary(),
        show_emails: false,
        self_sign_up: false,
    }
}

struct Scene {
    stack: Stack,
    /// The page's files and the stack's state.
    dirs: (tempfile::TempDir, tempfile::TempDir),
    http: reqwest::Client,
}

async fn start() -> Scene {
    start_with(false).await
}

/// The stack, deployed with template.yaml's `SelfSignUp` as `self_sign_up` says.
async fn start_with(self_sign_up: bool) -> Scene {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), "<!DOCTYPE html><title>whoami test page</title>").unwrap();
    std::fs::write(dist.path().join("app.wasm"), b"\0asm").unwrap();
    let state = tempfile::tempdir().unwrap();
    let options = Options { self_sign_up, ..options(0, dist.path(), state.path()) };
    let stack = Stack::start(&options).await.unwrap_or_else(|e| panic!("the stack starts: {e}"));
    Scene { stack, dirs: (dist, state), http: reqwest::Client::new() }
}

impl Scene {
    /// A Cognito client for the emulator, signing with its root keys.
    fn cognito(&self) -> Client {
        common::cognito(&self.stack.endpoint, ministack::SECRET_KEY)
    }

    fn output(&self, key: &str) -> &str {
        self.stack.outputs.get(key).unwrap_or_else(|| panic!("the stack has no output {key}"))
    }

    fn config(&self, key: &str) -> &str {
        self.stack.page_config[key].as_str().unwrap_or_else(|| panic!("config.json has no {key}"))
    }

    /// The secret of the CLI's app client, as an operator reads it (DescribeUserPoolClient).
    async fn cli_client_secret(&self) -> String {
        let described = self
            .cognito()
            .describe_user_pool_client()
            .user_pool_id(self.config("user_pool_id"))
            .client_id(self.output("CliAppClientId"))
            .send()
            .await
            .unwrap();
        described.user_pool_client().unwrap().client_secret().expect("the CLI's client has a secret").to_owned()
    }

    /// The demo user's tokens through the page's app client, signed in with SRP as the page
    /// does: (id, access, refresh).
    async fn sign_in(&self) -> (String, String, String) {
        let result = common::srp_sign_in(
            &self.cognito(),
            self.config("user_pool_id"),
            self.config("app_client_id"),
            (&self.stack.demo_email, &self.stack.demo_password),
            0,
        )
        .await;
        (
            result.id_token().unwrap().to_owned(),
            result.access_token().unwrap().to_owned(),
            result.refresh_token().unwrap().to_owned(),
        )
    }

    async fn get(&self, path: &str, authorization: Option<&str>) -> (u16, Option<String>, Value) {
        self.send(reqwest::Method::GET, &format!("{}{path}", self.stack.url), authorization).await
    }

    async fn send(
        &self,
        method: reqwest::Method,
        url: &str,
        authorization: Option<&str>,
    ) -> (u16, Option<String>, Value) {
        let mut request = self.http.request(method, url);
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

/// `token` with one character of its signature changed.
fn tampered(token: &str) -> String {
    let mut bytes = token.as_bytes().to_vec();
    let last = bytes.len() - 5;
    bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
    String::from_utf8(bytes).unwrap()
}

#[tokio::test]
async fn the_api_is_the_templates_api_gateway_with_its_cognito_authorizer() {
    let scene = start().await;
    let (id_token, access_token, _) = scene.sign_in().await;
    let site = scene.output("SiteUrl").trim_end_matches('/').to_owned();

    // The real bootstrap answers, with the CORS origin the template gives it.
    let (status, cors, body) = scene.get("api/", Some(&id_token)).await;
    assert_eq!((status, cors.as_deref()), (200, Some(site.as_str())), "{body}");
    assert_eq!(body["response"]["results"]["email"], "demo@example.com");
    let (status, _, body) = scene.get("api/?x=1", Some(&format!("Bearer {id_token}"))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["response"]["resultStatus"], "SUCCESS");

    // The authorizer's own refusals: API Gateway's body, not the Lambda's envelope, so the
    // Lambda never ran.
    let no_signature = "eyJhbGciOiJub25lIn0.e30.";
    for bad in [None, Some(""), Some("not-a-token"), Some(no_signature), Some(tampered(&id_token).as_str())] {
        let (status, _, body) = scene.get("api/", bad).await;
        assert_eq!(status, 401, "{bad:?}");
        assert_eq!(body, serde_json::json!({"message": "Unauthorized"}), "{bad:?}");
    }

    // Emulator gap (ARCHITECTURE.md): its authorizer passes an access token to a method
    // without scopes. The Lambda refuses it, as it would behind any authorizer.
    let (status, _, body) = scene.get("api/", Some(&access_token)).await;
    assert_eq!(status, 401);
    assert_eq!(body["response"]["error"]["code"], "wrong_token_use");

    // Only GET / is routed (template.yaml); API Gateway answers anything else itself, with the
    // 403 it gives an unknown method.
    let (status, _, body) =
        scene.send(reqwest::Method::POST, &format!("{}api/", scene.stack.url), Some(&id_token)).await;
    assert_eq!((status, body), (403, serde_json::json!({"message": "Missing Authentication Token"})));
    scene.stack.stop().await;
}

/// Emulator gap (ARCHITECTURE.md, "The local AWS"): the template's CORS (the OPTIONS mock
/// integration and the gateway responses' headers) is not applied, which is why the page
/// reaches the API through its own origin. If this test fails, the emulator has learnt CORS:
/// the page could call the emulated API directly, as it calls API Gateway on AWS.
#[tokio::test]
async fn the_emulated_api_sends_no_cors_headers() {
    let scene = start().await;
    let api = &scene.stack.emulated_api_url;
    let preflight = scene
        .http
        .request(reqwest::Method::OPTIONS, api)
        .header("origin", "http://127.0.0.1:1")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "authorization")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success());
    assert!(preflight.headers().get("access-control-allow-origin").is_none(), "{:?}", preflight.headers());
    let (status, cors, _) = scene.send(reqwest::Method::GET, api, None).await;
    assert_eq!((status, cors), (401, None));
    scene.stack.stop().await;
}

#[tokio::test]
async fn the_app_clients_allow_only_the_flows_the_template_gives_them() {
    let scene = start().await;
    let cognito = scene.cognito();
    let page_client = scene.config("app_client_id");
    let pool = scene.config("user_pool_id");
    // The page's client: SRP and refresh only; the password itself is refused, even right.
    let refused = cognito
        .initiate_auth()
        .client_id(page_client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", &scene.stack.demo_email)
        .auth_parameters("PASSWORD", &scene.stack.demo_password)
        .send()
        .await
        .expect_err("the page's client does not allow USER_PASSWORD_AUTH");
    assert_eq!(refused.code(), Some("InvalidParameterException"), "{refused:?}");
    assert!(refused.message().is_some_and(|m| m.contains("USER_PASSWORD_AUTH")), "{refused:?}");
    let refused = cognito
        .admin_initiate_auth()
        .user_pool_id(pool)
        .client_id(page_client)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", &scene.stack.demo_email)
        .auth_parameters("PASSWORD", &scene.stack.demo_password)
        .send()
        .await
        .expect_err("the page's client does not allow ADMIN_USER_PASSWORD_AUTH");
    assert_eq!(refused.code(), Some("InvalidParameterException"), "{refused:?}");
    // SRP with the right password signs in.
    let (id_token, _, _) = scene.sign_in().await;
    assert!(id_token.starts_with("eyJ"));

    // The CLI's client (CreateCliClient=true): SRP, password and refresh; not the admin flow,
    // even with the right SECRET_HASH.
    let cli_client = scene.output("CliAppClientId");
    let secret_hash =
        whoami_shared::secret_hash::secret_hash(&scene.cli_client_secret().await, &scene.stack.demo_email, cli_client);
    let refused = cognito
        .admin_initiate_auth()
        .user_pool_id(pool)
        .client_id(cli_client)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", &scene.stack.demo_email)
        .auth_parameters("PASSWORD", &scene.stack.demo_password)
        .auth_parameters("SECRET_HASH", secret_hash)
        .send()
        .await
        .expect_err("the CLI's client does not allow ADMIN_USER_PASSWORD_AUTH");
    assert_eq!(refused.code(), Some("InvalidParameterException"), "{refused:?}");
    scene.stack.stop().await;
}

#[tokio::test]
async fn a_client_with_a_secret_needs_the_secret_hash() {
    let scene = start().await;
    let cognito = scene.cognito();
    let cli_client = scene.output("CliAppClientId");
    let secret = scene.cli_client_secret().await;
    let sign_in = |secret_hash: Option<String>| {
        let mut request = cognito
            .initiate_auth()
            .client_id(cli_client)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", &scene.stack.demo_email)
            .auth_parameters("PASSWORD", &scene.stack.demo_password);
        if let Some(hash) = secret_hash {
            request = request.auth_parameters("SECRET_HASH", hash);
        }
        request.send()
    };
    let refused = sign_in(None).await.expect_err("no SECRET_HASH");
    assert_eq!(refused.code(), Some("NotAuthorizedException"), "{refused:?}");
    let wrong = whoami_shared::secret_hash::secret_hash("not-the-secret", &scene.stack.demo_email, cli_client);
    let refused = sign_in(Some(wrong)).await.expect_err("a SECRET_HASH made with another secret");
    assert_eq!(refused.code(), Some("NotAuthorizedException"), "{refused:?}");
    let right = whoami_shared::secret_hash::secret_hash(&secret, &scene.stack.demo_email, cli_client);
    let signed_in = sign_in(Some(right)).await.expect("the right SECRET_HASH signs in");
    assert!(signed_in.authentication_result().and_then(|r| r.id_token()).is_some());
    scene.stack.stop().await;
}

#[tokio::test]
async fn a_revoked_refresh_token_no_longer_refreshes() {
    let scene = start().await;
    let cognito = scene.cognito();
    let client = scene.config("app_client_id");
    let (_, _, refresh) = scene.sign_in().await;
    // As the page refreshes (with rotation on, AWS refuses REFRESH_TOKEN_AUTH).
    let refresh_with =
        |token: &str| cognito.get_tokens_from_refresh_token().client_id(client).refresh_token(token).send();
    refresh_with(&refresh).await.expect("a fresh refresh token refreshes");
    cognito.revoke_token().client_id(client).token(&refresh).send().await.expect("RevokeToken");
    let refused = refresh_with(&refresh).await.expect_err("a revoked refresh token");
    assert_eq!(refused.code(), Some("NotAuthorizedException"), "{refused:?}");
    scene.stack.stop().await;
}

/// The template's default `Mfa=OPTIONAL`: authenticator apps (TOTP) on, SMS off; a user without
/// a factor signs in with the password alone, and the page's client's access token may start
/// setting one up (AssociateSoftwareToken), as the page and `whoami-admin mfa setup` do.
#[tokio::test]
async fn mfa_is_optional_by_authenticator_app() {
    let scene = start().await;
    let cognito = scene.cognito();
    let pool = scene.config("user_pool_id");
    let config = cognito.get_user_pool_mfa_config().user_pool_id(pool).send().await.unwrap();
    assert_eq!(config.mfa_configuration(), Some(&UserPoolMfaType::Optional), "{config:?}");
    assert!(config.software_token_mfa_configuration().is_some_and(SoftwareTokenMfaConfigType::enabled), "{config:?}");
    assert!(config.sms_mfa_configuration().is_none_or(|c| c.sms_configuration().is_none()), "{config:?}");
    let (_, access, _) = scene.sign_in().await;
    let associated = cognito.associate_software_token().access_token(access).send().await.unwrap();
    assert!(associated.secret_code().is_some_and(|s| s.len() >= 16), "{associated:?}");
    scene.stack.stop().await;
}

#[tokio::test]
async fn the_page_and_its_config_are_served() {
    let scene = start().await;
    let (status, _, config) = scene.get("config.json", None).await;
    assert_eq!(status, 200);
    // What `whoami-admin configure --stack` wrote from the outputs, but for the API's address.
    assert_eq!(config["user_pool_id"], scene.output("UserPoolId"));
    assert_eq!(config["app_client_id"], scene.output("AppClientId"));
    assert_eq!(config["region"], "us-east-1");
    assert_eq!(config["api_url"], format!("{}api/", scene.stack.url));
    assert_eq!(config["cognito_endpoint"], format!("{}/", scene.stack.endpoint));
    assert!(config.get("app_client_secret").is_none());
    // The deployed pool's rules, read by configure from the pool itself: template.yaml's
    // password policy, and no self sign-up by default.
    assert!(config.get("sign_up").is_none(), "{config}");
    assert_eq!(config["password_min_length"], 12);
    for (key, value) in [("lowercase", true), ("uppercase", true), ("numbers", true), ("symbols", false)] {
        assert_eq!(config[format!("password_require_{key}")], value, "{key}");
    }

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
    scene.stack.stop().await;
}

/// Runs the admin CLI with `stdin` as its input, against the emulator.
fn admin(args: &[&str], stdin: &str) -> (bool, String, String) {
    let mut child = Command::new(admin_binary())
        .args(args)
        // No credentials: against the emulator the CLI signs with its placeholders. Were it to
        // look for real ones, it must not ask an instance-metadata address (tests stay on
        // loopback).
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

/// `whoami-admin configure --stack` against the emulator, exactly as against AWS, writes a
/// whoami.toml with which a new user is created, signs in and gets an answer from the
/// deployed API.
// Multi-threaded: the CLI is waited for synchronously.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_cli_configured_from_the_stack_works_against_it() {
    let scene = start().await;
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().to_str().unwrap();
    let endpoint = &scene.stack.endpoint;
    let (ok, _, err) = admin(
        &[
            "--endpoint-url",
            endpoint,
            "--region",
            "us-east-1",
            "configure",
            "--stack",
            whoami_local::STACK_NAME,
            "--out",
            out_dir,
        ],
        "",
    );
    assert!(ok, "configure: {err}");
    let toml = std::fs::read_to_string(out.path().join("whoami.toml")).unwrap();
    assert!(toml.contains(&format!("api_url = \"{}\"", scene.stack.emulated_api_url)), "{toml}");
    let config = out.path().join("whoami.toml");
    let config = config.to_str().unwrap();

    let email = "someone@example.com";
    let password = "Correct-Horse-9-Battery";
    let (ok, _, err) =
        admin(&["--config", config, "create-user", "--email", email, "--password-stdin"], &format!("{password}\n"));
    assert!(ok, "create-user: {err}");
    let (ok, token, err) =
        admin(&["--config", config, "login", "--username", email, "--password-stdin"], &format!("{password}\n"));
    assert!(ok, "login: {err}");
    let (ok, answer, err) = admin(&["--config", config, "call-api", "--token-stdin"], &token);
    assert!(ok, "call-api: {err}");
    let answer: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(answer["response"]["results"]["email"], email);
    // A wrong password is refused by the emulated Cognito.
    let (ok, _, err) =
        admin(&["--config", config, "login", "--username", email, "--password-stdin"], "Wrong-Horse-9-Battery\n");
    assert!(!ok && err.contains("password"), "a wrong password: {err}");
    scene.stack.stop().await;
}

/// With `SelfSignUp=true` the page's config says so, and a new user signs up through the page's
/// app client with the CLI, confirms with the code from the emulator's mail log and signs in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_self_sign_up_on_a_new_user_signs_up_confirms_and_signs_in() {
    let scene = start_with(true).await;
    let (_, _, config) = scene.get("config.json", None).await;
    assert_eq!(config["sign_up"], true, "{config}");
    let admin_config = scene.stack.admin_config.to_str().unwrap().to_owned();
    let cli = |args: &[&str], stdin: &str| {
        let mut all = vec!["--config", admin_config.as_str()];
        all.extend_from_slice(args);
        admin(&all, stdin)
    };
    let email = "newcomer@example.com";
    let password = "Correct-Horse-9-Battery";
    let (ok, said, err) = cli(&["sign-up", "--email", email, "--password-stdin"], &format!("{password}\n"));
    assert!(ok && said.contains("confirm-sign-up"), "sign-up: {said}{err}");
    let (ok, _, err) = cli(&["login", "--username", email, "--password-stdin"], &format!("{password}\n"));
    assert!(!ok && err.contains("confirm-sign-up --email newcomer@example.com"), "login before confirming: {err}");

    let mails = ministack::sent_emails(&scene.http, &scene.stack.endpoint).await.unwrap();
    let mail = mails.iter().rev().find(|m| m.to.iter().any(|t| t == email)).expect("a code was emailed");
    let code = mail.body_text.split(|c: char| !c.is_ascii_digit()).find(|run| run.len() == 6).expect("a code");
    let (ok, _, err) = cli(&["confirm-sign-up", "--email", email], &format!("{code}\n"));
    assert!(ok, "confirm-sign-up: {err}");
    let (ok, token, err) = cli(&["login", "--username", email, "--password-stdin"], &format!("{password}\n"));
    assert!(ok && token.trim().split('.').count() == 3, "login: {err}");
    // The API would answer 403 email_not_verified here: the emulator's ConfirmSignUp does not
    // verify the email as Cognito's does (emulator_gaps.rs
    // `confirm_sign_up_does_not_verify_the_email`), so the API call is left to AWS.
    scene.stack.stop().await;
}

#[tokio::test]
async fn a_busy_port_is_named_with_the_flag_to_change_it() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port();
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), "page").unwrap();
    let error = Stack::start(&options(port, dist.path(), &dist.path().join("state"))).await.unwrap_err();
    assert!(matches!(error, StackError::PortInUse(p) if p == port));
    let message = error.to_string();
    assert!(message.contains(&port.to_string()) && message.contains("--port"), "{message}");
}

/// Whether anything listens on `endpoint`'s port.
async fn answers(endpoint: &str) -> bool {
    reqwest::get(format!("{endpoint}/_ministack/health")).await.is_ok()
}

/// Whether process `pid` exists (a zombie not yet reaped counts as gone).
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|stat| stat.rsplit_once(") ").is_some_and(|(_, rest)| !rest.starts_with('Z')))
}

/// The processes whose command line names `needle`.
fn processes_naming(needle: &Path) -> Vec<u32> {
    let needle = needle.to_string_lossy().into_owned();
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| String::from_utf8_lossy(&c).contains(&needle))
        })
        .filter(|&pid| alive(pid))
        .collect()
}

#[tokio::test]
async fn stopping_leaves_no_emulator_or_lambda_behind() {
    let scene = start().await;
    // Make the emulator start the Lambda's process.
    let (id_token, _, _) = scene.sign_in().await;
    assert_eq!(scene.get("api/", Some(&id_token)).await.0, 200);
    let endpoint = scene.stack.endpoint.clone();
    let pid = scene.stack.emulator_pid().unwrap();
    let state = scene.dirs.1.path().to_owned();
    assert!(!processes_naming(&state).is_empty(), "the emulator runs the Lambda from under {}", state.display());
    scene.stack.stop().await;
    assert!(!answers(&endpoint).await, "the emulator still answers after stop");
    assert!(!alive(pid), "the emulator's process {pid} is still there");
    assert_eq!(processes_naming(&state), Vec::<u32>::new(), "processes left running from {}", state.display());
}

/// `whoami-local --json` started as `cargo xtask dev` starts it, with its standard error piped;
/// returns it with its ready line, once it is ready.
async fn spawn_binary(dir: &Path) -> (tokio::process::Child, Value) {
    std::fs::create_dir(dir.join("dist")).unwrap();
    std::fs::write(dir.join("dist").join("index.html"), "page").unwrap();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_whoami-local"))
        .args(["--port", "0", "--json", "--dist"])
        .arg(dir.join("dist"))
        .arg("--state-dir")
        .arg(dir.join("state"))
        .arg("--ministack")
        .arg(ministack_program())
        .arg("--lambda-zip")
        .arg(lambda_zip())
        .arg("--template")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("../template.yaml"))
        .arg("--admin")
        .arg(admin_binary())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut ready = String::new();
    let stdout = child.stdout.take().unwrap();
    tokio::io::AsyncBufReadExt::read_line(&mut tokio::io::BufReader::new(stdout), &mut ready).await.unwrap();
    let ready: Value = serde_json::from_str(&ready).unwrap_or_else(|e| panic!("the ready line {ready:?}: {e}"));
    (child, ready)
}

/// What a person at the page needs from their mailbox (here, a password reset code) is on the
/// terminal as soon as the emulated Cognito sends it.
#[tokio::test]
async fn the_terminal_shows_each_email_cognito_sends() {
    use tokio::io::AsyncBufReadExt as _;
    let dir = tempfile::tempdir().unwrap();
    let (mut child, ready) = spawn_binary(dir.path()).await;
    let mut stderr = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let endpoint = ready["endpoint"].as_str().unwrap();
    let email = ready["demo_email"].as_str().unwrap();
    // ForgotPassword as the page will send it: unsigned, through the page's client.
    let forgot = reqwest::Client::new()
        .post(endpoint)
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", "AWSCognitoIdentityProviderService.ForgotPassword")
        .body(serde_json::json!({"ClientId": ready["config"]["app_client_id"], "Username": email}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(forgot.status(), 200, "{}", forgot.text().await.unwrap());
    let shown = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        let mut seen = Vec::new();
        while let Some(line) = stderr.next_line().await.unwrap() {
            seen.push(line);
            // The email's header line, then its body with the code on the next lines.
            if seen.iter().any(|l| l.contains(&format!("email to {email}"))) && seen.last().unwrap().contains("654321")
            {
                return seen;
            }
        }
        panic!("whoami-local's standard error ended: {seen:#?}");
    })
    .await
    .expect("the reset code is shown within 10 s");
    assert!(shown.iter().any(|l| l.contains("email to demo@example.com")), "{shown:#?}");
    let pid = child.id().unwrap().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    child.wait().await.unwrap();
}

/// The binary, stopped with SIGTERM as `kill` or a process manager would, stops its emulator
/// too.
#[tokio::test]
async fn the_binary_stops_the_emulator_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, ready) = spawn_binary(dir.path()).await;
    let emulator_pid = u32::try_from(ready["emulator_pid"].as_u64().unwrap()).unwrap();
    let endpoint = ready["endpoint"].as_str().unwrap().to_owned();
    let pid = child.id().unwrap().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let status = tokio::time::timeout(std::time::Duration::from_secs(30), child.wait()).await.unwrap().unwrap();
    assert!(status.success(), "whoami-local exited with {status} on SIGTERM");
    assert!(!alive(emulator_pid), "the emulator's process {emulator_pid} is still there");
    assert!(!answers(&endpoint).await, "the emulator still answers");
}

/// The template's hosted sign-in page as the local stack deploys it: config.json names it (the
/// emulator's address), the page's client takes the code grant back to the page itself
/// (template.yaml's `LocalSiteUrl`) and to the CLI's loopback port, and a code it issues is
/// redeemed with PKCE for the demo user's ID token, as the page will do.
#[tokio::test]
async fn the_hosted_sign_in_page_brings_the_user_back_to_the_page() {
    use whoami_shared::oauth;

    #[derive(serde::Deserialize)]
    struct Claims {
        email: String,
        aud: String,
    }

    let scene = start().await;
    let hosted = scene.config("hosted_ui_domain").to_owned();
    assert_eq!(hosted, format!("{}/", scene.stack.endpoint));
    let page_client = scene.config("app_client_id");
    let described = scene
        .cognito()
        .describe_user_pool_client()
        .user_pool_id(scene.config("user_pool_id"))
        .client_id(page_client)
        .send()
        .await
        .unwrap();
    let client = described.user_pool_client().unwrap();
    assert_eq!(client.allowed_o_auth_flows(), [aws_sdk_cognitoidentityprovider::types::OAuthFlowType::Code]);
    assert_eq!(client.allowed_o_auth_scopes(), ["openid", "email"]);
    let site = scene.output("SiteUrl");
    let page = scene.stack.url.as_str();
    assert_eq!(client.callback_urls(), [site, "http://127.0.0.1:27183/callback", page]);
    assert_eq!(client.logout_urls(), [site, page]);

    // The page's part: the authorize address, the form, the redirect back, the code redeemed.
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let verifier = oauth::CodeVerifier::from_random([9; 32]);
    let mut authorize = reqwest::Url::parse(&format!("{hosted}{}", oauth::AUTHORIZE_PATH)).unwrap();
    authorize.query_pairs_mut().extend_pairs(oauth::authorize_params(page_client, page, "st", &verifier));
    assert_eq!(browser.get(authorize.clone()).send().await.unwrap().status(), 200, "the sign-in form");
    let form: Vec<(String, String)> = authorize
        .query_pairs()
        .into_owned()
        .chain([
            ("username".into(), scene.stack.demo_email.clone()),
            ("password".into(), scene.stack.demo_password.clone()),
        ])
        .collect();
    let signed_in = browser.post(format!("{hosted}login")).form(&form).send().await.unwrap();
    let back = reqwest::Url::parse(signed_in.headers()["location"].to_str().unwrap()).unwrap();
    assert_eq!(back.as_str().split('?').next(), Some(page), "back to the page");
    let callback = oauth::Callback::from_query(back.query_pairs()).unwrap();
    assert_eq!(callback.state(), Some("st"));
    let oauth::Callback::Code { code, .. } = callback else { panic!("{callback:?}") };
    let redeemed = browser
        .post(format!("{hosted}{}", oauth::TOKEN_PATH))
        .form(&oauth::code_exchange_params(page_client, &code, page, &verifier))
        .send()
        .await
        .unwrap();
    assert_eq!(redeemed.status(), 200);
    let tokens: oauth::TokenResponse = serde_json::from_slice(&redeemed.bytes().await.unwrap()).unwrap();
    assert_eq!(tokens.expires_in, 15 * 60, "the page's client's ID and access tokens last 15 minutes");
    let claims: Claims = whoami_shared::token::decode_claims_unverified(&tokens.id_token).unwrap();
    assert_eq!((claims.email.as_str(), claims.aud.as_str()), (scene.stack.demo_email.as_str(), page_client));
    // The same code again is refused, as on AWS.
    let again = browser
        .post(format!("{hosted}{}", oauth::TOKEN_PATH))
        .form(&oauth::code_exchange_params(page_client, &code, page, &verifier))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 400, "a spent code");
    let refusal: oauth::TokenError = serde_json::from_slice(&again.bytes().await.unwrap()).unwrap();
    assert_eq!(refusal.error, "invalid_grant");

    // Anywhere but the listed callbacks is refused before the form.
    let mut elsewhere = reqwest::Url::parse(&format!("{hosted}{}", oauth::AUTHORIZE_PATH)).unwrap();
    let params = oauth::authorize_params(page_client, "https://elsewhere.example/", "st", &verifier);
    elsewhere.query_pairs_mut().extend_pairs(params);
    assert_eq!(browser.get(elsewhere).send().await.unwrap().status(), 400);
    scene.stack.stop().await;
}
