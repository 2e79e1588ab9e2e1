//! The whole system on one machine, with no AWS account: ministack stands in for AWS,
//! template.yaml is deployed into it as `sam deploy` deploys it, `whoami-admin configure`
//! reads the stack's outputs as it does on AWS, and a small server of ours serves the page and
//! forwards its API calls to the emulated API Gateway. `cargo xtask dev` runs it; the
//! end-to-end tests start it too.

pub mod deploy;
pub mod gateway;
pub mod ministack;

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use axum::serve::ListenerExt;
use rand::Rng as _;
use rand::distributions::Alphanumeric;
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use whoami_shared::files::PageConfigJson;

use crate::deploy::{DeployError, Deployment};
use crate::gateway::Gateway;
use crate::ministack::{EmulatorError, Ministack};

/// The stack's name in the emulator's CloudFormation.
pub const STACK_NAME: &str = "whoami-local";
/// The hosted sign-in domain's prefix, as `sam deploy --parameter-overrides` would set it.
pub const DOMAIN_PREFIX: &str = "whoami-local";
/// Who the demo user is.
pub const DEMO_EMAIL: &str = "demo@example.com";
/// How often the emulator's sent emails are looked for, to show them in the terminal.
const EMAIL_POLL: Duration = Duration::from_millis(500);

/// How to run the stack.
#[derive(Debug, Clone)]
pub struct Options {
    /// The page's loopback port; 0 picks a free one.
    pub port: u16,
    /// ministack's executable.
    pub ministack: PathBuf,
    /// The built page (Trunk's output).
    pub dist: PathBuf,
    /// Where `config.json`, `whoami.toml` and the emulator's files are written.
    pub state_dir: PathBuf,
    /// template.yaml.
    pub template: PathBuf,
    /// The function's zip, built for this machine.
    pub lambda_zip: PathBuf,
    /// The `whoami-admin` binary, which configures the stack and creates the demo user.
    pub admin: PathBuf,
    /// Show the emulator's emails (sign-up and reset codes) on standard error as they are sent.
    pub show_emails: bool,
    /// Deploy with template.yaml's `SelfSignUp=true`: anyone may create an account.
    pub self_sign_up: bool,
}

/// Why the stack could not start.
#[derive(Debug, thiserror::Error)]
pub enum StackError {
    #[error("port {0} is already in use; stop what uses it or choose another port with --port N")]
    PortInUse(u16),
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Listen { port: u16, source: std::io::Error },
    #[error("the page is not built: {0} is missing; run `cargo xtask build-web`")]
    PageMissing(PathBuf),
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Emulator(#[from] EmulatorError),
    #[error("deploying template.yaml into the emulator: {0}")]
    Deploy(#[from] DeployError),
    #[error("`whoami-admin {command}` failed: {detail}")]
    Admin { command: &'static str, detail: String },
    #[error("`whoami-admin configure` wrote a config.json that {0}")]
    PageConfig(String),
}

/// A running stack. [`Stack::stop`] shuts it down; dropping it kills the emulator too.
#[derive(Debug)]
pub struct Stack {
    /// The page, e.g. `http://127.0.0.1:8080/`.
    pub url: String,
    /// The page's `config.json` (shared's `PageConfigJson`) as JSON: what `whoami-admin
    /// configure` wrote, with `api_url` pointing at this server's `/api/`.
    pub page_config: Value,
    /// The deployed stack's outputs.
    pub outputs: BTreeMap<String, String>,
    /// The emulated API Gateway stage that `/api/` forwards to.
    pub emulated_api_url: String,
    /// The emulator, e.g. `http://127.0.0.1:4566`.
    pub endpoint: String,
    pub demo_email: String,
    pub demo_password: String,
    /// The admin CLI's config for this stack.
    pub admin_config: PathBuf,
    emulator: Ministack,
    tasks: Vec<JoinHandle<()>>,
    shutdown: oneshot::Sender<()>,
}

impl Stack {
    /// Starts the emulator, deploys template.yaml, configures the page and the CLI from the
    /// stack's outputs, creates the demo user and starts serving the page.
    pub async fn start(options: &Options) -> Result<Self, StackError> {
        let index = options.dist.join("index.html");
        if !index.exists() {
            return Err(StackError::PageMissing(index));
        }
        let read =
            |path: &Path| std::fs::read(path).map_err(|source| StackError::Read { path: path.to_owned(), source });
        let template = String::from_utf8_lossy(&read(&options.template)?).into_owned();
        let lambda_zip = read(&options.lambda_zip)?;
        // Claim the port first, so a busy port fails before anything else starts.
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", options.port)).await.map_err(|source| {
            if source.kind() == std::io::ErrorKind::AddrInUse {
                StackError::PortInUse(options.port)
            } else {
                StackError::Listen { port: options.port, source }
            }
        })?;
        let port = listener.local_addr().map_err(|source| StackError::Listen { port: options.port, source })?.port();
        let url = format!("http://127.0.0.1:{port}/");

        let emulator = Ministack::start(&options.ministack, &options.state_dir.join("ministack")).await?;
        let endpoint = emulator.endpoint.clone();
        let deployment = Deployment {
            stack_name: STACK_NAME,
            template: &template,
            lambda_zip: &lambda_zip,
            // The optional CLI client too, so that every resource of the template is deployed;
            // the page's own address is a callback URL of the hosted sign-in page.
            parameters: &[
                ("DomainPrefix", DOMAIN_PREFIX),
                ("LocalSiteUrl", &url),
                ("Architecture", host_architecture()),
                ("CreateCliClient", "true"),
                ("SelfSignUp", if options.self_sign_up { "true" } else { "false" }),
            ],
        };
        let outputs: BTreeMap<String, String> = deploy::deploy(&endpoint, &deployment).await?.into_iter().collect();

        // As on AWS: the CLI reads the stack's outputs and writes both files.
        let admin = Admin { binary: &options.admin, endpoint: &endpoint };
        admin.run(
            "configure",
            &["--region", ministack::REGION, "configure", "--stack", STACK_NAME, "--force", "--out"],
            Some(&options.state_dir),
            "",
        )?;
        let admin_config = options.state_dir.join("whoami.toml");
        let demo_password = generate_password();
        admin.run(
            "create-user",
            &["--config", &admin_config.to_string_lossy(), "create-user", "--email", DEMO_EMAIL, "--password-stdin"],
            None,
            &format!("{demo_password}\n"),
        )?;

        let config_path = options.state_dir.join("config.json");
        // With the pool's keys (sign-up, password policy) kept as configure wrote them.
        let mut page_config: PageConfigJson = serde_json::from_slice(&read(&config_path)?)
            .map_err(|e| StackError::PageConfig(format!("is not the page's configuration: {e}")))?;
        // The emulated API answers no CORS preflight (ARCHITECTURE.md, "The local AWS"), so
        // the page calls it through this server, on its own origin.
        let emulated_api_url = std::mem::replace(&mut page_config.page.api_url, format!("{url}api/"));
        let config_json = serde_json::to_string_pretty(&page_config).expect("a struct of strings always serializes");
        std::fs::write(&config_path, &config_json)
            .map_err(|source| StackError::Write { path: config_path.clone(), source })?;
        let page_config = serde_json::to_value(&page_config).expect("a struct of strings always serializes");

        let gateway = Arc::new(Gateway::new(&emulated_api_url, config_json));
        let app = gateway::router(gateway, &options.dist);
        let (shutdown, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            // Without TCP_NODELAY, a response written in more than one piece (headers, then
            // the file) waits for the browser's delayed ACK: about 40 ms per file.
            let listener = listener.tap_io(|tcp| {
                if let Err(e) = tcp.set_nodelay(true) {
                    tracing::warn!(error = %e, "could not set TCP_NODELAY on a connection");
                }
            });
            let serving = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(e) = serving.await {
                tracing::error!(error = %e, "the page's server stopped");
            }
        });
        let mut tasks = vec![server];
        if options.show_emails {
            tasks.push(tokio::spawn(show_emails(endpoint.clone())));
        }
        Ok(Self {
            url,
            page_config,
            outputs,
            emulated_api_url,
            endpoint,
            demo_email: DEMO_EMAIL.to_owned(),
            demo_password,
            admin_config,
            emulator,
            tasks,
            shutdown,
        })
    }

    /// The emulator's process id, for tests that take AWS away.
    pub fn emulator_pid(&self) -> Option<u32> {
        self.emulator.pid()
    }

    /// Stops the page's server (letting requests in flight finish, for up to five seconds)
    /// and the emulator with the Lambda it runs.
    pub async fn stop(mut self) {
        let _ = self.shutdown.send(());
        let mut tasks = std::mem::take(&mut self.tasks).into_iter();
        if let Some(server) = tasks.next() {
            let _ = tokio::time::timeout(Duration::from_secs(5), server).await;
        }
        for task in tasks {
            task.abort();
        }
        self.emulator.stop().await;
    }
}

/// The template's `Architecture` for this machine, whose build of the function is deployed.
pub fn host_architecture() -> &'static str {
    if cfg!(target_arch = "aarch64") { "arm64" } else { "x86_64" }
}

/// The admin CLI, pointed at the emulator.
struct Admin<'a> {
    binary: &'a Path,
    endpoint: &'a str,
}

impl Admin<'_> {
    /// Runs `whoami-admin --endpoint-url <emulator> args… [out]` with `stdin` as its input.
    fn run(&self, command: &'static str, args: &[&str], last: Option<&Path>, stdin: &str) -> Result<(), StackError> {
        let failed = |detail: String| StackError::Admin { command, detail };
        let mut process = std::process::Command::new(self.binary);
        process.arg("--endpoint-url").arg(self.endpoint).args(args);
        if let Some(path) = last {
            process.arg(path);
        }
        let mut child = process
            // Against a loopback endpoint the CLI signs with the emulator's placeholder keys;
            // were it to look for real ones, it must not ask an instance-metadata address.
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| failed(format!("cannot run {}: {e}", self.binary.display())))?;
        let _ = child.stdin.take().expect("stdin is piped").write_all(stdin.as_bytes());
        let output = child.wait_with_output().map_err(|e| failed(e.to_string()))?;
        if !output.status.success() {
            return Err(failed(String::from_utf8_lossy(&output.stderr).trim().to_owned()));
        }
        Ok(())
    }
}

/// Shows every email the emulated Cognito sends (invitations, sign-up and reset codes) on
/// standard error as it is sent, so that a person at the page can finish those flows.
async fn show_emails(endpoint: String) {
    let http = reqwest::Client::new();
    let mut seen = std::collections::HashSet::new();
    loop {
        if let Ok(emails) = ministack::sent_emails(&http, &endpoint).await {
            for email in emails.into_iter().filter(|e| seen.insert(e.message_id.clone())) {
                let body = if email.body_text.is_empty() { &email.body_html } else { &email.body_text };
                eprintln!("\n  email to {}: {}\n    {}\n", email.to.join(", "), email.subject, body.trim());
            }
        }
        tokio::time::sleep(EMAIL_POLL).await;
    }
}

/// A fresh password that meets Cognito's default policy: 16 random letters and digits
/// plus one of each required kind.
pub fn generate_password() -> String {
    let random: String = rand::thread_rng().sample_iter(&Alphanumeric).take(16).map(char::from).collect();
    format!("{random}Aa1!")
}

#[cfg(test)]
mod tests {
    use super::generate_password;

    #[test]
    fn generated_passwords_meet_the_default_policy() {
        for _ in 0..100 {
            let p = generate_password();
            assert!(p.len() >= 8);
            assert!(p.chars().any(|c| c.is_ascii_uppercase()));
            assert!(p.chars().any(|c| c.is_ascii_lowercase()));
            assert!(p.chars().any(|c| c.is_ascii_digit()));
            assert!(p.chars().any(|c| !c.is_ascii_alphanumeric()));
        }
        assert_ne!(generate_password(), generate_password());
    }
}
