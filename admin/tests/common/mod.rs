//! The integration tests' harness: the local AWS emulator on a free loopback port (stopped on
//! drop), a user pool in it, a config file pointing at both, and the real `whoami-admin` binary.

#![allow(dead_code)] // Each test file uses a different part of the harness.

use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, ExplicitAuthFlowsType, OAuthFlowType, PreventUserExistenceErrorTypes, SoftwareTokenMfaConfigType,
    UserPoolMfaType, UsernameAttributeType,
};
use aws_sdk_cognitoidentityprovider::{Client, Config};
use whoami_local::ministack::Ministack;
use whoami_shared::ClientSecret;
use whoami_shared::files::CliConfigFile;

/// Where ministack is: `WHOAMI_MINISTACK` (set by `cargo xtask test`), else where `cargo xtask
/// setup` installs it.
fn ministack_program() -> PathBuf {
    std::env::var_os("WHOAMI_MINISTACK").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(whoami_local::ministack::INSTALLED_AT),
        PathBuf::from,
    )
}

/// The local AWS for one test (the project's one emulator harness, `whoami_local::ministack`),
/// on its own loopback port, with its files in a temporary directory; stopped when dropped.
pub struct Emulator {
    ministack: Option<Ministack>,
    /// The runtime the emulator's process was started on, which reaps it when it stops.
    runtime: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
    pub url: String,
}

impl Emulator {
    pub fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let ministack = runtime
            .block_on(Ministack::start(&ministack_program(), dir.path()))
            .unwrap_or_else(|e| panic!("the emulator starts: {e}"));
        let url = ministack.endpoint.clone();
        Self { ministack: Some(ministack), runtime, _dir: dir, url }
    }

    /// An SDK client for setting the scene, signing with the emulator's root keys.
    pub fn client(&self) -> Client {
        let config = Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(whoami_local::ministack::REGION))
            .endpoint_url(&self.url)
            .credentials_provider(Credentials::new(
                whoami_local::ministack::ACCESS_KEY,
                whoami_local::ministack::SECRET_KEY,
                None,
                None,
                "tests",
            ))
            .build();
        Client::from_conf(config)
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(ministack) = self.ministack.take() {
            self.runtime.block_on(ministack.stop());
        }
    }
}

/// Runs a future to completion on a fresh runtime, for the few SDK calls that set a scene.
pub fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(future)
}

/// How the test pool is made.
#[derive(Debug, Clone, Copy, Default)]
#[allow(clippy::struct_excessive_bools, reason = "independent switches, each named where a test sets it")]
pub struct PoolOptions {
    /// Users sign in with their email, and Cognito gives them a UUID as username.
    pub email_as_username: bool,
    /// The app client has a secret, so every sign-in needs a SECRET_HASH.
    pub client_secret: bool,
    /// The app client allows USER_PASSWORD_AUTH instead of SRP (by default it allows only
    /// USER_SRP_AUTH and refresh, like the page's client).
    pub password_auth: bool,
    /// The app client answers an unknown user like a wrong password (PreventUserExistenceErrors).
    pub hide_unknown_users: bool,
    /// Users may turn on an authenticator app (MFA `OPTIONAL` with TOTP, template.yaml's default).
    pub mfa_optional: bool,
    /// The pool has a hosted sign-in page, and the app client signs in on it with the code
    /// grant, coming back to `http://127.0.0.1:<this port>/callback` (as template.yaml's
    /// clients); the config file names the page (the emulator's address).
    pub hosted_ui_port: Option<u16>,
}

/// A user pool and app client in the emulator, with a config file in a temporary directory.
pub struct Scene {
    pub emulator: Emulator,
    pub pool_id: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
}

impl Scene {
    pub fn new(options: PoolOptions) -> Self {
        Self::with_api(options, "http://127.0.0.1:1/test")
    }

    /// A scene whose config's `api_url` is `api_url`.
    pub fn with_api(options: PoolOptions, api_url: &str) -> Self {
        let emulator = Emulator::start();
        let client = emulator.client();
        let (pool_id, client_id, client_secret) = block_on(async {
            let mut pool = client.create_user_pool().pool_name("whoami");
            if options.email_as_username {
                pool = pool.username_attributes(UsernameAttributeType::Email);
            }
            let pool_id = pool.send().await.unwrap().user_pool().unwrap().id().unwrap().to_owned();
            if options.mfa_optional {
                client
                    .set_user_pool_mfa_config()
                    .user_pool_id(&pool_id)
                    .mfa_configuration(UserPoolMfaType::Optional)
                    .software_token_mfa_configuration(SoftwareTokenMfaConfigType::builder().enabled(true).build())
                    .send()
                    .await
                    .unwrap();
            }
            let app = client
                .create_user_pool_client()
                .user_pool_id(&pool_id)
                .client_name("whoami-admin")
                .generate_secret(options.client_secret)
                .explicit_auth_flows(if options.password_auth {
                    ExplicitAuthFlowsType::AllowUserPasswordAuth
                } else {
                    ExplicitAuthFlowsType::AllowUserSrpAuth
                })
                .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
                .prevent_user_existence_errors(if options.hide_unknown_users {
                    PreventUserExistenceErrorTypes::Enabled
                } else {
                    PreventUserExistenceErrorTypes::Legacy
                })
                .read_attributes("email")
                .set_allowed_o_auth_flows_user_pool_client(options.hosted_ui_port.map(|_| true))
                .set_allowed_o_auth_flows(options.hosted_ui_port.map(|_| vec![OAuthFlowType::Code]))
                .set_allowed_o_auth_scopes(options.hosted_ui_port.map(|_| vec!["openid".into(), "email".into()]))
                .set_supported_identity_providers(options.hosted_ui_port.map(|_| vec!["COGNITO".into()]))
                .set_callback_urls(options.hosted_ui_port.map(|port| vec![format!("http://127.0.0.1:{port}/callback")]))
                .send()
                .await
                .unwrap();
            if options.hosted_ui_port.is_some() {
                client.create_user_pool_domain().domain("whoami-test").user_pool_id(&pool_id).send().await.unwrap();
            }
            let app = app.user_pool_client().unwrap();
            (pool_id, app.client_id().unwrap().to_owned(), app.client_secret().map(str::to_owned))
        });
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("whoami.toml");
        let file = CliConfigFile {
            region: "us-east-1".into(),
            user_pool_id: pool_id.clone(),
            app_client_id: client_id.clone(),
            app_client_secret: client_secret.clone().map(ClientSecret::new),
            auth_flow: None,
            api_url: api_url.to_owned(),
            cognito_endpoint: Some(emulator.url.clone()),
            // The emulator serves every pool's hosted page at its own address.
            hosted_ui_domain: options.hosted_ui_port.map(|_| emulator.url.clone()),
        };
        std::fs::write(&config, toml::to_string(&file).unwrap()).unwrap();
        Self { emulator, pool_id, client_id, client_secret, dir, config }
    }

    /// Runs `whoami-admin --config <this scene's file> args…` with `stdin` as standard input.
    pub fn run(&self, args: &[&str], stdin: &str) -> Run {
        let mut all = vec!["--config", self.config.to_str().unwrap()];
        all.extend_from_slice(args);
        run(&all, stdin, &[])
    }

    /// Disables a user through the SDK (the CLI has no command for it).
    pub fn disable_user(&self, username: &str) {
        let client = self.emulator.client();
        block_on(async {
            client.admin_disable_user().user_pool_id(&self.pool_id).username(username).send().await.unwrap();
        });
    }

    /// Creates users directly through the SDK, faster than one process each.
    pub fn add_users(&self, emails: impl IntoIterator<Item = String>) {
        let client = self.emulator.client();
        block_on(async {
            for email in emails {
                client
                    .admin_create_user()
                    .user_pool_id(&self.pool_id)
                    .username(&email)
                    .user_attributes(AttributeType::builder().name("email").value(&email).build().unwrap())
                    .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
                    .send()
                    .await
                    .unwrap();
            }
        });
    }
}

/// Runs `whoami-admin --config <file> args…` as an operator at a terminal would answer it: `stdin`
/// first, then, once standard output shows a line starting with `prompt_line`, `answer` of that
/// line as the next line of input. Checks, as [`run`] does, that no line given is printed.
pub fn run_answering(
    scene: &Scene,
    args: &[&str],
    stdin: &str,
    prompt_line: &str,
    answer: impl FnOnce(&str) -> String,
) -> Run {
    use std::io::{BufRead as _, BufReader, Read as _};

    let mut child = Command::new(env!("CARGO_BIN_EXE_whoami-admin"))
        .arg("--config")
        .arg(&scene.config)
        .args(args)
        .env_clear()
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/aws/config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws/credentials")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut printed = String::new();
    let mut given = stdin.to_owned();
    loop {
        let mut line = String::new();
        if stdout.read_line(&mut line).unwrap() == 0 {
            break;
        }
        printed.push_str(&line);
        if line.starts_with(prompt_line) {
            let reply = answer(line.trim_end());
            // The command may have given up already: that is for the test to see.
            let _ = writeln!(input, "{reply}");
            given.push_str(&reply);
            given.push('\n');
            break;
        }
    }
    drop(input);
    stdout.read_to_string(&mut printed).unwrap();
    let output = child.wait_with_output().unwrap();
    let run = Run {
        code: output.status.code().expect("whoami-admin was killed by a signal"),
        stdout: printed,
        stderr: String::from_utf8(output.stderr).unwrap(),
    };
    for secret in given.lines().filter(|l| l.len() >= 6) {
        assert!(!run.stdout.contains(secret) && !run.stderr.contains(secret), "printed a secret it read: {run:#?}");
    }
    run
}

/// A loopback HTTP proxy in front of the emulator that keeps the body of every request it
/// forwards, to see exactly what the CLI sends to Cognito. (Only for unsigned calls such as
/// sign-in: a signed admin call would not survive the change of host.)
pub struct RecordingProxy {
    pub url: String,
    pub bodies: Arc<Mutex<Vec<String>>>,
}

impl RecordingProxy {
    pub fn start(target: &str) -> Self {
        use axum::body::Bytes;
        use axum::http::{HeaderMap, Method, Uri, header};
        use axum::response::IntoResponse;

        let bodies: Arc<Mutex<Vec<String>>> = Arc::default();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        listener.set_nonblocking(true).unwrap();
        let log = Arc::clone(&bodies);
        let target = target.trim_end_matches('/').to_owned();
        let client = reqwest::Client::new();
        let forward = move |method: Method, uri: Uri, mut headers: HeaderMap, body: Bytes| {
            log.lock().unwrap().push(String::from_utf8_lossy(&body).into_owned());
            headers.remove(header::HOST);
            headers.remove(header::CONTENT_LENGTH);
            let request = client.request(method, format!("{target}{uri}")).headers(headers).body(body);
            async move {
                let response = request.send().await.expect("the emulator answers");
                let status = response.status();
                let mut headers = response.headers().clone();
                headers.remove(header::CONTENT_LENGTH);
                headers.remove(header::TRANSFER_ENCODING);
                let body = response.bytes().await.expect("the emulator's answer has a body");
                (status, headers, body).into_response()
            }
        };
        std::thread::spawn(move || {
            block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                axum::serve(listener, axum::Router::new().fallback(forward)).await.unwrap();
            });
        });
        Self { url: format!("http://{addr}"), bodies }
    }

    /// The bodies recorded so far, and forgets them.
    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.bodies.lock().unwrap())
    }
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Asserts success and returns standard output.
    #[track_caller]
    pub fn ok(&self) -> &str {
        assert_eq!(self.code, 0, "expected success: {self:#?}");
        &self.stdout
    }

    /// Asserts exit status `code` with nothing on standard output, and returns standard error.
    #[track_caller]
    pub fn fails(&self, code: i32) -> &str {
        assert_eq!(self.code, code, "expected exit status {code}: {self:#?}");
        assert_eq!(self.stdout, "", "a failure prints nothing on standard output: {self:#?}");
        assert!(self.stderr.starts_with("whoami-admin: ") || self.stderr.starts_with("error: "), "{self:#?}");
        &self.stderr
    }
}

/// Runs the binary in an environment with nothing but dummy AWS credentials, so no setting of
/// the machine leaks in and no request leaves for AWS.
///
/// Every line given on standard input is a password or a token (or a short answer such as `y`),
/// and no command may print one: each run checks that no line of six characters or more appears
/// in its output.
pub fn run(args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Run {
    run_with_credentials(true, args, stdin, env)
}

/// [`run`], with or without the dummy AWS credentials.
pub fn run_with_credentials(credentials: bool, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_whoami-admin"));
    command.args(args).env_clear();
    if credentials {
        command.env("AWS_ACCESS_KEY_ID", "test").env("AWS_SECRET_ACCESS_KEY", "test");
    }
    let mut child = command
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/aws/config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws/credentials")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command that does not read its input may exit before the write: that is fine.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    let output = child.wait_with_output().unwrap();
    let run = Run {
        code: output.status.code().expect("whoami-admin was killed by a signal"),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    };
    for secret in stdin.lines().filter(|l| l.len() >= 6) {
        assert!(
            !run.stdout.contains(secret) && !run.stderr.contains(secret),
            "`whoami-admin {}` printed a secret it read: {run:#?}",
            args.join(" ")
        );
    }
    run
}

/// A stand-in for the API on a loopback port: it records every `Authorization` header and
/// answers like the real API, with the email of a well-formed ID token.
pub struct FakeApi {
    pub url: String,
    pub seen: Arc<Mutex<Vec<Option<String>>>>,
}

impl FakeApi {
    pub fn start() -> Self {
        use axum::Json;
        use axum::http::{HeaderMap, StatusCode};
        use whoami_shared::api::Envelope;

        #[derive(serde::Deserialize)]
        struct Claims {
            email: String,
            token_use: String,
        }

        let seen: Arc<Mutex<Vec<Option<String>>>> = Arc::default();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        listener.set_nonblocking(true).unwrap();
        let log = Arc::clone(&seen);
        let handler = move |headers: HeaderMap| {
            let token = headers.get("authorization").and_then(|v| v.to_str().ok()).map(str::to_owned);
            log.lock().unwrap().push(token.clone());
            let claims =
                token.as_deref().and_then(|t| whoami_shared::token::decode_claims_unverified::<Claims>(t).ok());
            async move {
                match claims {
                    Some(c) if c.token_use == "id" => (StatusCode::OK, Json(Envelope::success(c.email))),
                    _ => (StatusCode::UNAUTHORIZED, Json(Envelope::failure("invalid_token", "the token is not valid"))),
                }
            }
        };
        std::thread::spawn(move || {
            block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let app = axum::Router::new().route("/test", axum::routing::get(handler));
                axum::serve(listener, app).await.unwrap();
            });
        });
        Self { url: format!("http://{addr}/test"), seen }
    }
}
