//! Cognito for one user pool and app client: the client and what its calls share. User
//! administration is in `users`, sign-in in `sign_in`, a forgotten password and self sign-up in
//! `self_service`, authenticator apps (TOTP) in `mfa`, and Cognito's errors in `error`.

mod error;
mod mfa;
mod self_service;
mod sign_in;
mod users;

use aws_sdk_cognitoidentityprovider::Client;
use whoami_shared::secret_hash::secret_hash;
use whoami_shared::{AppClientId, ClientSecret, UserPoolId};

pub use self::error::CognitoError;
pub use self::mfa::{Holder, MfaStatus};
pub use self::self_service::{CodeSent, SignedUp};
pub use self::sign_in::{AuthFlow, Challenge, SignIn, Tokens};
pub use self::users::{InitialPassword, UserChore, UserSummary, pool_features};

/// The app client the tool signs in through.
#[derive(Debug, Clone)]
pub struct AppClient {
    pub id: AppClientId,
    pub secret: Option<ClientSecret>,
}

impl AppClient {
    /// SECRET_HASH for `username`, when the client has a secret.
    fn secret_hash(&self, username: &str) -> Option<String> {
        self.secret.as_ref().map(|secret| secret_hash(secret.expose(), username, self.id.as_str()))
    }
}

/// Cognito for one user pool and app client.
#[derive(Debug, Clone)]
pub struct Cognito {
    client: Client,
    pool: UserPoolId,
    app: AppClient,
}

impl Cognito {
    pub fn new(client: Client, pool: UserPoolId, app: AppClient) -> Self {
        Self { client, pool, app }
    }
}

/// What the tests of every part of this module share: a client answered by mock rules, and the
/// pool, app client and user the calls are about.
#[cfg(test)]
mod testing {
    use std::fmt;

    use aws_smithy_mocks::{Rule, RuleMode, mock_client};
    use whoami_shared::ClientSecret;

    use super::{AppClient, Cognito};
    use crate::secret::Password;

    pub(super) const POOL: &str = "eu-west-1_AbC123";
    pub(super) const CLIENT_ID: &str = "client123";
    pub(super) const UUID: &str = "4e13a754-28d3-4e67-a08e-5ce0c6fae306";

    pub(super) fn cognito(rules: &[&Rule], secret: Option<&str>) -> Cognito {
        let client = mock_client!(aws_sdk_cognitoidentityprovider, RuleMode::MatchAny, rules);
        let app = AppClient { id: CLIENT_ID.parse().unwrap(), secret: secret.map(ClientSecret::new) };
        Cognito::new(client, POOL.parse().unwrap(), app)
    }

    pub(super) fn password(text: &str) -> Password {
        Password::new(text).unwrap()
    }

    /// A rule answering like Cognito does when it refuses: status 400 and a JSON body naming the
    /// error's `__type`. Repeated, because the SDK retries throttling errors.
    pub(super) fn cognito_error<I, O, E>(
        builder: aws_smithy_mocks::RuleBuilder<I, O, E>,
        code: &str,
        message: &str,
    ) -> Rule
    where
        I: Send + Sync + fmt::Debug + 'static,
        O: Send + Sync + fmt::Debug + 'static,
        E: Send + Sync + fmt::Debug + std::error::Error + 'static,
    {
        let body = serde_json::json!({ "__type": code, "message": message }).to_string();
        builder.sequence().http_status(400, Some(body)).times(5).build()
    }
}
