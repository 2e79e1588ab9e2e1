//! moto's server, the local stand-in for Cognito: started from the project's virtual
//! environment on a free loopback port, and stopped when dropped.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::process::{Child, Command};

/// How long moto may take to answer after starting (it usually takes under a second).
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// Why moto could not be started.
#[derive(Debug, thiserror::Error)]
pub enum MotoError {
    #[error("moto_server is not at {0}; run `cargo xtask setup` to install it")]
    NotInstalled(PathBuf),
    #[error("could not start {path}: {source}")]
    Spawn { path: PathBuf, source: std::io::Error },
    #[error("moto_server exited before it answered ({0})")]
    Exited(std::process::ExitStatus),
    #[error("moto_server did not answer on {0} within {START_TIMEOUT:?}")]
    Timeout(String),
    #[error("could not find a free loopback port: {0}")]
    Port(std::io::Error),
}

/// A running moto server. Dropping it kills the process.
#[derive(Debug)]
pub struct Moto {
    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub endpoint: String,
    child: Child,
}

impl Moto {
    /// Starts `moto_server` on a free loopback port, with user pool and client ids that are
    /// stable across restarts, and waits until it answers.
    pub async fn start(moto_server: &Path) -> Result<Self, MotoError> {
        if !moto_server.exists() {
            return Err(MotoError::NotInstalled(moto_server.to_owned()));
        }
        let port = free_port().map_err(MotoError::Port)?;
        let endpoint = format!("http://127.0.0.1:{port}");
        let mut child = Command::new(moto_server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env("MOTO_COGNITO_IDP_USER_POOL_ID_STRATEGY", "HASH")
            .env("MOTO_COGNITO_IDP_USER_POOL_CLIENT_ID_STRATEGY", "HASH")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|source| MotoError::Spawn { path: moto_server.to_owned(), source })?;

        let client = reqwest::Client::new();
        let started = Instant::now();
        loop {
            if let Some(status) =
                child.try_wait().map_err(|source| MotoError::Spawn { path: moto_server.to_owned(), source })?
            {
                return Err(MotoError::Exited(status));
            }
            let answered = client.get(format!("{endpoint}/moto-api/")).timeout(Duration::from_secs(1)).send().await;
            if answered.is_ok() {
                return Ok(Self { endpoint, child });
            }
            if started.elapsed() > START_TIMEOUT {
                return Err(MotoError::Timeout(endpoint));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The process id, for tests that kill moto to see what the rest does.
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Stops moto and waits until it has exited.
    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

/// A loopback port nothing listens on right now. Another process could take it before moto
/// binds it; on this machine's loopback that race is rare enough to surface as a clear error.
pub fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}
