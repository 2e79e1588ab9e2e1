//! The operator's CLI for cognito-whoami: create users, sign in from the terminal, call the API.
//!
//! `main` parses the command line, loads the [`config::Config`] once, builds an [`App`] and
//! hands over to [`run`]; everything here is testable without a terminal.

pub mod api;
pub mod aws;
pub mod cli;
pub mod cognito;
pub mod commands;
pub mod config;
pub mod configure;
pub mod hosted;
pub mod secret;

use std::io::IsTerminal as _;

pub use commands::{App, run};

use crate::api::{Api, ApiError};
use crate::aws::AwsArgs;
use crate::cognito::{AppClient, Cognito, CognitoError};
use crate::config::{Config, ConfigError};
use crate::configure::ConfigureError;
use crate::hosted::{HostedError, HostedUi};
use crate::secret::InputError;

/// Why a command failed. [`Error::exit_code`] tells a usage or configuration mistake (2) from
/// a failed operation (1).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Input(#[from] InputError),
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Cognito(#[from] CognitoError),
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Configure(#[from] ConfigureError),
    #[error(transparent)]
    Hosted(#[from] HostedError),
    #[error("did not delete {0}")]
    NotConfirmed(String),
    #[error("cannot write the result to standard output: {0}")]
    Output(#[from] std::io::Error),
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Config(_)
            | Error::Input(_)
            | Error::Usage(_)
            | Error::Configure(ConfigureError::Exists(_))
            | Error::Hosted(HostedError::NotConfigured) => 2,
            Error::Cognito(_)
            | Error::Api(_)
            | Error::Configure(_)
            | Error::Hosted(_)
            | Error::NotConfirmed(_)
            | Error::Output(_) => 1,
        }
    }
}

impl App {
    /// The Cognito and API clients for this config and these AWS settings.
    pub async fn new(aws: &AwsArgs, config: &Config) -> Self {
        let sdk = aws::sdk_config(aws, config).await;
        let app_client = AppClient { id: config.app_client_id.clone(), secret: config.app_client_secret.clone() };
        let hosted = config.hosted_ui_domain.clone().map(|base| HostedUi::new(base, app_client.clone()));
        let cognito =
            Cognito::new(aws_sdk_cognitoidentityprovider::Client::new(&sdk), config.user_pool_id.clone(), app_client);
        Self {
            cognito,
            api: Api::new(config.api_url.clone()),
            auth_flow: config.auth_flow,
            terminal_output: std::io::stdout().is_terminal(),
            hosted,
        }
    }
}
