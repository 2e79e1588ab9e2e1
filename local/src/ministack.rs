//! ministack, the local AWS: started from the project's virtual environment on a free loopback
//! port, with Cognito's checks switched on, and stopped with everything it started.
//!
//! Every test that needs AWS and the local stack use this one harness. The settings are the
//! ones checked in `../shared/TOOLCHAIN.md` and ARCHITECTURE.md ("The local AWS"):
//! `AUTH=true` (without it auth flows, SECRET_HASH and codes go unchecked), `BIND_HOST`
//! loopback (its default is every interface), `IOT_MTLS_ENABLED=0` (else it opens port 8883 on
//! every interface), and its state and temporary files under a directory of ours.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use serde::Deserialize;
use tokio::process::{Child, Command};

/// How long ministack may take to answer after starting (it usually takes under a second).
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a stopped ministack may take to exit before it is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(5);

/// The access key ministack treats as its account's root (it checks SigV4 signatures' form
/// and the key, not the secret: see ARCHITECTURE.md, "The local AWS").
pub const ACCESS_KEY: &str = "test";
/// The secret that goes with [`ACCESS_KEY`].
pub const SECRET_KEY: &str = "test";
/// Where `cargo xtask setup` installs ministack, relative to the workspace root.
pub const INSTALLED_AT: &str = ".local/aws/bin/ministack";
/// The region everything local lives in.
pub const REGION: &str = "us-east-1";

/// Why ministack could not be started.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    #[error("ministack is not at {0}; run `cargo xtask setup` to install it")]
    NotInstalled(PathBuf),
    #[error("could not start {path}: {source}")]
    Spawn { path: PathBuf, source: std::io::Error },
    #[error("ministack exited before it answered ({status}); its log is {log}")]
    Exited { status: std::process::ExitStatus, log: PathBuf },
    #[error("ministack did not answer on {endpoint} within {START_TIMEOUT:?}; its log is {log}")]
    Timeout { endpoint: String, log: PathBuf },
    #[error("could not prepare {path}: {source}")]
    Files { path: PathBuf, source: std::io::Error },
    #[error("could not find a free loopback port: {0}")]
    Port(std::io::Error),
}

/// A running ministack. Dropping it kills it and every process it started (the Lambda's
/// `bootstrap` runs as its child, in its process group).
#[derive(Debug)]
pub struct Ministack {
    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub endpoint: String,
    /// Where its output goes.
    pub log: PathBuf,
    child: Option<Child>,
    /// Its process group (its pid), kept apart: once it has exited, the child no longer says.
    group: Option<Pid>,
}

impl Ministack {
    /// Starts `program` (ministack's executable) on a free loopback port, keeping its state,
    /// temporary files and log under `dir`, and waits until it answers.
    pub async fn start(program: &Path, dir: &Path) -> Result<Self, EmulatorError> {
        if !program.exists() {
            return Err(EmulatorError::NotInstalled(program.to_owned()));
        }
        let files = |path: &Path, result: std::io::Result<()>| {
            result.map_err(|source| EmulatorError::Files { path: path.to_owned(), source })
        };
        let state = dir.join("state");
        let tmp = dir.join("tmp");
        for path in [&state, &tmp] {
            files(path, std::fs::create_dir_all(path))?;
        }
        // Each run unpacks the Lambda's code into a new directory under tmp; old ones are junk.
        if let Ok(entries) = std::fs::read_dir(&tmp) {
            for entry in entries.flatten() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        let log = dir.join("ministack.log");
        let log_file =
            std::fs::File::create(&log).map_err(|source| EmulatorError::Files { path: log.clone(), source })?;
        let log_err = log_file.try_clone().map_err(|source| EmulatorError::Files { path: log.clone(), source })?;

        let port = free_port().map_err(EmulatorError::Port)?;
        let endpoint = format!("http://127.0.0.1:{port}");
        let mut command = Command::new(program);
        // Nothing of the developer's environment (AWS keys above all) reaches the emulator or
        // the Lambda it runs, which inherits its environment.
        command.env_clear();
        for name in ["PATH", "LANG", "HOME"] {
            if let Some(value) = std::env::var_os(name) {
                command.env(name, value);
            }
        }
        command
            .env("GATEWAY_PORT", port.to_string())
            .env("BIND_HOST", "127.0.0.1")
            .env("AUTH", "true")
            .env("IOT_MTLS_ENABLED", "0")
            .env("STATE_DIR", &state)
            .env("TMPDIR", &tmp)
            .env("AWS_DEFAULT_REGION", REGION)
            .stdin(Stdio::null())
            .stdout(log_file)
            .stderr(log_err)
            // Its own process group, so that stopping it reaches the Lambda processes it starts
            // and a Ctrl-C in the terminal reaches only whoami-local, which stops it in order.
            .process_group(0)
            .kill_on_drop(true);
        let child = command.spawn().map_err(|source| EmulatorError::Spawn { path: program.to_owned(), source })?;
        let group = child.id().and_then(|id| i32::try_from(id).ok()).map(Pid::from_raw);
        let mut emulator = Self { endpoint, log, child: Some(child), group };
        emulator.wait_until_ready().await?;
        Ok(emulator)
    }

    async fn wait_until_ready(&mut self) -> Result<(), EmulatorError> {
        let client = reqwest::Client::new();
        let health = format!("{}/_ministack/health", self.endpoint);
        let started = Instant::now();
        loop {
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                return Err(EmulatorError::Exited { status, log: self.log.clone() });
            }
            let answer = client.get(&health).timeout(Duration::from_secs(1)).send().await;
            if answer.is_ok_and(|a| a.status().is_success()) {
                return Ok(());
            }
            if started.elapsed() > START_TIMEOUT {
                return Err(EmulatorError::Timeout { endpoint: self.endpoint.clone(), log: self.log.clone() });
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// The process id, for tests that kill the emulator to see what the rest does.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().and_then(Child::id)
    }

    /// Asks ministack and its children to stop (SIGTERM to the group), waits for it, and kills
    /// what is left after [`STOP_TIMEOUT`].
    pub async fn stop(mut self) {
        let Some(mut child) = self.child.take() else { return };
        if let Some(group) = self.group {
            let _ = killpg(group, Signal::SIGTERM);
        }
        if tokio::time::timeout(STOP_TIMEOUT, child.wait()).await.is_err() {
            tracing::warn!("ministack did not stop within {STOP_TIMEOUT:?}; killing it");
        }
        let _ = child.kill().await;
        // The Lambda's processes outlive a ministack that was killed rather than stopped.
        if let Some(group) = self.group.take() {
            let _ = killpg(group, Signal::SIGKILL);
        }
    }
}

impl Drop for Ministack {
    fn drop(&mut self) {
        if let Some(group) = self.group {
            let _ = killpg(group, Signal::SIGKILL);
        }
    }
}

/// The emails the emulated Cognito at `endpoint` has sent so far (sign-up and reset codes,
/// invitations), oldest first, as the emulator's SES recorded them.
pub async fn sent_emails(http: &reqwest::Client, endpoint: &str) -> Result<Vec<Email>, reqwest::Error> {
    #[derive(Deserialize)]
    struct Messages {
        messages: std::collections::BTreeMap<String, Vec<Email>>,
    }
    let answer: Messages =
        http.get(format!("{endpoint}/_ministack/ses/messages")).send().await?.error_for_status()?.json().await?;
    // One account, so one list, in the order they were sent.
    Ok(answer.messages.into_values().flatten().collect())
}

/// One email the emulated Cognito sent.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Email {
    pub message_id: String,
    #[serde(default)]
    pub to: Vec<String>,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub body_text: String,
    #[serde(default)]
    pub body_html: String,
}

/// A loopback port nothing listens on right now. Another process could take it before the
/// emulator binds it; on this machine's loopback that race is rare enough to surface as a
/// clear error.
pub fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}
