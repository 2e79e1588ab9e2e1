//! What users do for themselves: reset a forgotten password, sign up and confirm with the
//! emailed code, and, signed in, change the password or sign out on every device. Only the
//! screens loaded on demand call these, so their code (and their sentences) stay out of the
//! first visit's wasm.

use whoami_shared::Email;
use whoami_shared::cognito::ErrorResponse;
use whoami_shared::self_service::{
    Attribute, ChangePasswordRequest, ConfirmForgotPasswordRequest, ConfirmSignUpRequest, GlobalSignOutRequest,
    SendCodeRequest, SignUpRequest, TARGET_CHANGE_PASSWORD, TARGET_CONFIRM_FORGOT_PASSWORD, TARGET_CONFIRM_SIGN_UP,
    TARGET_FORGOT_PASSWORD, TARGET_GLOBAL_SIGN_OUT, TARGET_RESEND_CONFIRMATION_CODE, TARGET_SIGN_UP,
};

use super::{Anonymous, Authenticated, Challenge, SignInStep, client_secret_hash, now_secs, send_cognito};
use crate::config::Config;
use crate::errors::{AuthError, Call, WhoAmIError};
use crate::json;
use crate::password::Policy;
use crate::session::Freshness;

/// Why a self-service step did not happen, as the user reads it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelfServiceError {
    #[error("That code is not right. Check the email and type the code again.")]
    WrongCode,
    #[error("That code has expired. Ask for a new one.")]
    CodeExpired,
    #[error("An account with this email already exists. Sign in, or reset its password.")]
    AccountExists,
    #[error("This account is already confirmed. Sign in.")]
    AlreadyConfirmed,
    #[error("The current password is not right.")]
    WrongCurrentPassword,
    #[error("{0}")]
    Auth(AuthError),
}

impl From<AuthError> for SelfServiceError {
    fn from(error: AuthError) -> Self {
        Self::Auth(error)
    }
}

/// The operation a refusal answered: the same exception means different things in each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operation {
    SendCode,
    ConfirmCode,
    ConfirmSignUp,
    SignUp,
    ChangePassword,
    SignOutEverywhere,
}

impl SelfServiceError {
    /// Maps Cognito's refusal of `operation` (status and body) to what it means.
    fn from_response(operation: Operation, status: u16, body: &str) -> Self {
        let Ok(error) = json::from_str::<ErrorResponse>(body) else {
            return Self::Auth(AuthError::from_response(Call::Account, status, body));
        };
        match (operation, error.exception()) {
            (_, "CodeMismatchException") => Self::WrongCode,
            (_, "ExpiredCodeException") => Self::CodeExpired,
            (Operation::SignUp, "UsernameExistsException") => Self::AccountExists,
            // "User cannot be confirmed. Current status is CONFIRMED".
            (Operation::ConfirmSignUp, "NotAuthorizedException") if error.message.contains("CONFIRMED") => {
                Self::AlreadyConfirmed
            }
            // "Incorrect username or password." for the current password; a revoked or expired
            // access token is a session that has ended.
            (Operation::ChangePassword, "NotAuthorizedException") if !error.message.contains("oken") => {
                Self::WrongCurrentPassword
            }
            (Operation::ChangePassword | Operation::SignOutEverywhere, "NotAuthorizedException") => {
                Self::Auth(AuthError::SessionEnded)
            }
            _ => Self::Auth(AuthError::from_response(Call::Account, status, body)),
        }
    }
}

/// Sends one self-service operation; a refusal becomes its sentence.
async fn call(
    config: &Config,
    target: &str,
    body: Option<String>,
    operation: Operation,
) -> Result<(), SelfServiceError> {
    match send_cognito(config, target, body).await? {
        Ok(_) => Ok(()),
        Err((status, text)) => Err(SelfServiceError::from_response(operation, status, &text)),
    }
}

impl Anonymous {
    /// The pool's password policy, from `config.json`.
    pub fn password_policy(&self) -> Policy {
        Policy::from_config(&self.config.text.0)
    }

    /// ForgotPassword: Cognito emails a code to the account's address. With
    /// PreventUserExistenceErrors on (template.yaml), an unknown email gets the same answer.
    pub async fn send_reset_code(&self, email: &Email) -> Result<(), SelfServiceError> {
        let body = json::to_string(&self.send_code_request(email));
        call(&self.config, TARGET_FORGOT_PASSWORD, body, Operation::SendCode).await
    }

    /// ConfirmForgotPassword with the emailed code and the new password (already checked
    /// against [`Self::password_policy`]), then signs in with it.
    pub async fn reset_password(
        &self,
        email: &Email,
        code: &str,
        new_password: &str,
    ) -> Result<SignInStep, SelfServiceError> {
        let config = &self.config;
        let request = ConfirmForgotPasswordRequest {
            client_id: config.app_client_id.to_string(),
            username: email.to_string(),
            confirmation_code: code.to_owned(),
            password: new_password.to_owned(),
            secret_hash: client_secret_hash(config, email.as_str()),
        };
        call(config, TARGET_CONFIRM_FORGOT_PASSWORD, json::to_string(&request), Operation::ConfirmCode).await?;
        Ok(self.sign_in(email, new_password).await?)
    }

    /// SignUp with the email as username and attribute; Cognito emails a code to confirm it.
    pub async fn sign_up(&self, email: &Email, password: &str) -> Result<(), SelfServiceError> {
        let config = &self.config;
        let request = SignUpRequest {
            client_id: config.app_client_id.to_string(),
            username: email.to_string(),
            password: password.to_owned(),
            user_attributes: vec![Attribute { name: "email".to_owned(), value: email.to_string() }],
            secret_hash: client_secret_hash(config, email.as_str()),
        };
        call(config, TARGET_SIGN_UP, json::to_string(&request), Operation::SignUp).await
    }

    /// ConfirmSignUp with the emailed code.
    pub async fn confirm_sign_up(&self, email: &Email, code: &str) -> Result<(), SelfServiceError> {
        let config = &self.config;
        let request = ConfirmSignUpRequest {
            client_id: config.app_client_id.to_string(),
            username: email.to_string(),
            confirmation_code: code.to_owned(),
            secret_hash: client_secret_hash(config, email.as_str()),
        };
        call(config, TARGET_CONFIRM_SIGN_UP, json::to_string(&request), Operation::ConfirmSignUp).await
    }

    /// ResendConfirmationCode: a new code for an account not confirmed yet.
    pub async fn resend_sign_up_code(&self, email: &Email) -> Result<(), SelfServiceError> {
        let body = json::to_string(&self.send_code_request(email));
        call(&self.config, TARGET_RESEND_CONFIRMATION_CODE, body, Operation::SendCode).await
    }

    fn send_code_request(&self, email: &Email) -> SendCodeRequest {
        SendCodeRequest {
            client_id: self.config.app_client_id.to_string(),
            username: email.to_string(),
            secret_hash: client_secret_hash(&self.config, email.as_str()),
        }
    }
}

impl Challenge {
    /// The pool's password policy, from `config.json`.
    pub fn password_policy(&self) -> Policy {
        Policy::from_config(&self.config.text.0)
    }
}

impl Authenticated {
    /// The pool's password policy, from `config.json`.
    pub fn password_policy(&self) -> Policy {
        Policy::from_config(&self.0.config.text.0)
    }

    /// ChangePassword with the access token (refreshed first if it is about to expire). The
    /// session goes on: Cognito keeps this device's tokens valid.
    pub async fn change_password(&self, current: &str, new: &str) -> Result<(), SelfServiceError> {
        let request = ChangePasswordRequest {
            access_token: self.fresh_access_token().await?,
            previous_password: current.to_owned(),
            proposed_password: new.to_owned(),
        };
        call(&self.0.config, TARGET_CHANGE_PASSWORD, json::to_string(&request), Operation::ChangePassword).await
    }

    /// GlobalSignOut: every refresh token of the user, on every device, stops working (their
    /// ID and access tokens live on until they expire, at most an hour). Then signs out here.
    /// If Cognito says the session had already ended, that is done too.
    pub async fn sign_out_everywhere(&self) -> Result<Anonymous, SelfServiceError> {
        let request = GlobalSignOutRequest { access_token: self.fresh_access_token().await? };
        let body = json::to_string(&request);
        match call(&self.0.config, TARGET_GLOBAL_SIGN_OUT, body, Operation::SignOutEverywhere).await {
            Ok(()) | Err(SelfServiceError::Auth(AuthError::SessionEnded)) => Ok(self.ended()),
            Err(error) => Err(error),
        }
    }

    /// The access token, refreshed first if it expires within five minutes.
    pub(super) async fn fresh_access_token(&self) -> Result<String, AuthError> {
        if self.0.tokens.borrow().freshness(now_secs()) == Freshness::RefreshFirst {
            self.refresh().await.map_err(|error| match error {
                WhoAmIError::SessionEnded(e) | WhoAmIError::Refresh(e) => e,
                other => AuthError::Unexpected(other.to_string()),
            })?;
        }
        Ok(self.0.tokens.borrow().access_token.clone())
    }
}
