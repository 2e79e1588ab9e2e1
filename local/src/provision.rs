//! Setting up the emulated Cognito: a user pool and app client configured like the
//! deployed ones, and a demo user to sign in with.

use aws_config::BehaviorVersion;
use aws_credential_types::Credentials;
use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::error::DisplayErrorContext;
use aws_sdk_cognitoidentityprovider::types::{
    ExplicitAuthFlowsType, PasswordPolicyType, UserPoolPolicyType, UsernameAttributeType, VerifiedAttributeType,
};
use rand::Rng as _;
use rand::distributions::Alphanumeric;
use whoami_admin::cognito::{AppClient, Cognito, InitialPassword};
use whoami_admin::secret::Password;
use whoami_shared::{AppClientId, Email, UserPoolId};

/// The region the local pool lives in. moto implements GlobalSignOut only in us-east-1.
pub const REGION: &str = "us-east-1";
/// Who the demo user is.
pub const DEMO_EMAIL: &str = "demo@example.com";

/// What provisioning created.
#[derive(Debug, Clone)]
pub struct Provisioned {
    pub user_pool_id: UserPoolId,
    pub app_client_id: AppClientId,
    pub demo_email: Email,
    pub demo_password: String,
}

/// Why provisioning failed; moto answered something unexpected.
#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    #[error("moto refused to {step}: {detail}")]
    Refused { step: &'static str, detail: String },
    #[error("moto answered {step} without {missing}")]
    Incomplete { step: &'static str, missing: &'static str },
    #[error("creating the demo user failed: {0}")]
    DemoUser(#[from] whoami_admin::cognito::CognitoError),
}

/// An SDK client for the emulator at `endpoint`. moto accepts any credentials, so fixed dummy
/// ones are used and nothing from the developer's AWS setup is read.
pub fn client(endpoint: &str) -> Client {
    let config = aws_sdk_cognitoidentityprovider::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(aws_config::Region::new(REGION))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new("local", "local", None, None, "whoami-local"))
        .build();
    Client::from_conf(config)
}

/// Creates the pool (email as username, Cognito's default password policy), the page's app
/// client (no secret; password, refresh and SRP flows; email readable) and the demo user.
pub async fn provision(client: &Client) -> Result<Provisioned, ProvisionError> {
    let policy = PasswordPolicyType::builder()
        .minimum_length(8)
        .require_uppercase(true)
        .require_lowercase(true)
        .require_numbers(true)
        .require_symbols(true)
        .build();
    let pool = client
        .create_user_pool()
        .pool_name("whoami-local")
        .username_attributes(UsernameAttributeType::Email)
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .policies(UserPoolPolicyType::builder().password_policy(policy).build())
        .send()
        .await
        .map_err(refused("create the user pool"))?;
    let pool_id = pool
        .user_pool()
        .and_then(|p| p.id())
        .ok_or(ProvisionError::Incomplete { step: "CreateUserPool", missing: "a pool id" })?;
    let user_pool_id: UserPoolId = pool_id
        .parse()
        .map_err(|e| ProvisionError::Refused { step: "create the user pool", detail: format!("pool id {e}") })?;

    let app = client
        .create_user_pool_client()
        .user_pool_id(pool_id)
        .client_name("whoami-page")
        .generate_secret(false)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
        .read_attributes("email")
        .read_attributes("email_verified")
        .enable_token_revocation(true)
        .send()
        .await
        .map_err(refused("create the app client"))?;
    let client_id = app
        .user_pool_client()
        .and_then(|c| c.client_id())
        .ok_or(ProvisionError::Incomplete { step: "CreateUserPoolClient", missing: "a client id" })?;
    let app_client_id: AppClientId = client_id
        .parse()
        .map_err(|e| ProvisionError::Refused { step: "create the app client", detail: format!("client id {e}") })?;

    let demo_email: Email = DEMO_EMAIL.parse().expect("the demo email is valid");
    let demo_password = generate_password();
    let cognito =
        Cognito::new(client.clone(), user_pool_id.clone(), AppClient { id: app_client_id.clone(), secret: None });
    let password = Password::new(demo_password.clone()).expect("a generated password is not empty");
    cognito.create_user(&demo_email, &InitialPassword::Permanent(password), false).await?;

    Ok(Provisioned { user_pool_id, app_client_id, demo_email, demo_password })
}

/// Maps an SDK error to what provisioning was doing when it happened.
fn refused<E: std::error::Error>(step: &'static str) -> impl Fn(E) -> ProvisionError {
    move |e| ProvisionError::Refused { step, detail: DisplayErrorContext(&e).to_string() }
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
