//! The whole system on one machine, with no AWS account: moto stands in for Cognito, a
//! local gateway does API Gateway's job in front of the real Lambda handler, and the page
//! is served beside it. `cargo xtask dev` runs it; the end-to-end tests start it too.

pub mod event;
pub mod gateway;
pub mod moto;
pub mod provision;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::serve::ListenerExt;
use serde::Serialize;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use whoami_lambda::jwks::{DEFAULT_REFETCH_INTERVAL, KeyStore};
use whoami_lambda::verify::Verifier;
use whoami_lambda::{App, Config};

use crate::gateway::Gateway;
use crate::moto::{Moto, MotoError};
use crate::provision::{ProvisionError, Provisioned};

/// How to run the stack.
#[derive(Debug, Clone)]
pub struct Options {
    /// The gateway's loopback port; 0 picks a free one.
    pub port: u16,
    pub moto_server: PathBuf,
    /// The built page (Trunk's output).
    pub dist: PathBuf,
    /// Where `config.json` and `whoami.toml` are written.
    pub state_dir: PathBuf,
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
    #[error(transparent)]
    Moto(#[from] MotoError),
    #[error(transparent)]
    Provision(#[from] ProvisionError),
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
}

/// The page's runtime configuration: the admin config's keys, minus secrets.
#[derive(Debug, Clone, Serialize)]
pub struct PageConfig {
    pub region: String,
    pub user_pool_id: String,
    pub app_client_id: String,
    pub api_url: String,
    pub cognito_endpoint: String,
}

/// A running stack. [`Stack::stop`] shuts it down; dropping it kills moto too.
#[derive(Debug)]
pub struct Stack {
    /// The page, e.g. `http://127.0.0.1:8080/`.
    pub url: String,
    pub page_config: PageConfig,
    pub provisioned: Provisioned,
    /// The admin CLI's config for this stack.
    pub admin_config: PathBuf,
    moto: Moto,
    server: JoinHandle<()>,
    shutdown: oneshot::Sender<()>,
}

impl Stack {
    /// Starts moto, provisions the pool, writes the config files and starts the gateway.
    pub async fn start(options: &Options) -> Result<Self, StackError> {
        let index = options.dist.join("index.html");
        if !index.exists() {
            return Err(StackError::PageMissing(index));
        }
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

        let moto = Moto::start(&options.moto_server).await?;
        let provisioned = provision::provision(&provision::client(&moto.endpoint)).await?;
        let page_config = PageConfig {
            region: provision::REGION.to_owned(),
            user_pool_id: provisioned.user_pool_id.to_string(),
            app_client_id: provisioned.app_client_id.to_string(),
            api_url: format!("{url}api/"),
            cognito_endpoint: moto.endpoint.clone(),
        };
        let admin_config = write_config_files(&options.state_dir, &page_config)?;

        let jwks_url = format!("{}/{}/.well-known/jwks.json", moto.endpoint, provisioned.user_pool_id);
        let lambda_config = Config::from_vars(|name| match name {
            "USER_POOL_ID" => Some(page_config.user_pool_id.clone()),
            "APP_CLIENT_ID" => Some(page_config.app_client_id.clone()),
            "JWKS_URL" => Some(jwks_url.clone()),
            _ => None,
        })
        .expect("moto's ids and URL make a valid Lambda config");
        let lambda = App::new(&lambda_config);
        let authorizer = Verifier::new(
            &provisioned.user_pool_id,
            provisioned.app_client_id.clone(),
            KeyStore::from_url(&jwks_url, DEFAULT_REFETCH_INTERVAL),
        );
        let config_json = serde_json::to_string_pretty(&page_config).expect("the page config serializes");
        let gateway = Arc::new(Gateway::new(lambda, authorizer, config_json));
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
                tracing::error!(error = %e, "the gateway stopped");
            }
        });
        Ok(Self { url, page_config, provisioned, admin_config, moto, server, shutdown })
    }

    /// moto's process id, for tests that take the sign-in service away.
    pub fn moto_pid(&self) -> Option<u32> {
        self.moto.pid()
    }

    /// Stops the gateway (letting requests in flight finish, for up to five seconds) and moto.
    pub async fn stop(self) {
        let _ = self.shutdown.send(());
        let _ = tokio::time::timeout(Duration::from_secs(5), self.server).await;
        self.moto.stop().await;
    }
}

/// Writes `config.json` (the page's) and `whoami.toml` (the admin CLI's) into `dir`, and
/// returns the path of the latter.
fn write_config_files(dir: &Path, page: &PageConfig) -> Result<PathBuf, StackError> {
    let write = |path: PathBuf, text: String| {
        std::fs::create_dir_all(dir)
            .and_then(|()| std::fs::write(&path, text))
            .map_err(|source| StackError::Write { path: path.clone(), source })
            .map(|()| path)
    };
    write(dir.join("config.json"), serde_json::to_string_pretty(page).expect("the page config serializes"))?;
    let admin = format!(
        "# Written by `cargo xtask dev` for the local stack; rewritten at every start.\n\
         region = \"{}\"\nuser_pool_id = \"{}\"\napp_client_id = \"{}\"\napi_url = \"{}\"\ncognito_endpoint = \"{}\"\n",
        page.region, page.user_pool_id, page.app_client_id, page.api_url, page.cognito_endpoint
    );
    write(dir.join("whoami.toml"), admin)
}
