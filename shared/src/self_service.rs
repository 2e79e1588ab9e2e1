//! Cognito's JSON wire format for what a user does for themselves, as the page sends it:
//! a forgotten password (ForgotPassword, ConfirmForgotPassword), signing up (SignUp,
//! ConfirmSignUp, ResendConfirmationCode), and, signed in, ChangePassword and GlobalSignOut.
//! The admin CLI makes the same calls through the AWS SDK.
//!
//! Request bodies only: the page needs nothing from a successful answer but its status (each
//! is an empty object, or delivery details it does not show), and errors are
//! [`crate::cognito::ErrorResponse`]. They go to the pool's endpoint as the sign-in calls do
//! (`crate::cognito::CONTENT_TYPE`). Each `Debug` names the user at most: no password, code or
//! token reaches a log through `{:?}`.

use std::fmt;

use serde::Serialize;

pub const TARGET_FORGOT_PASSWORD: &str = "AWSCognitoIdentityProviderService.ForgotPassword";
pub const TARGET_CONFIRM_FORGOT_PASSWORD: &str = "AWSCognitoIdentityProviderService.ConfirmForgotPassword";
pub const TARGET_SIGN_UP: &str = "AWSCognitoIdentityProviderService.SignUp";
pub const TARGET_CONFIRM_SIGN_UP: &str = "AWSCognitoIdentityProviderService.ConfirmSignUp";
pub const TARGET_RESEND_CONFIRMATION_CODE: &str = "AWSCognitoIdentityProviderService.ResendConfirmationCode";
pub const TARGET_CHANGE_PASSWORD: &str = "AWSCognitoIdentityProviderService.ChangePassword";
pub const TARGET_GLOBAL_SIGN_OUT: &str = "AWSCognitoIdentityProviderService.GlobalSignOut";

/// ForgotPassword and ResendConfirmationCode: ask Cognito to email the user a code. With
/// PreventUserExistenceErrors on, an unknown user gets the same answer as a known one.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SendCodeRequest {
    pub client_id: String,
    pub username: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_hash: Option<String>,
}

/// ConfirmForgotPassword: the emailed code and the new password.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConfirmForgotPasswordRequest {
    pub client_id: String,
    pub username: String,
    pub confirmation_code: String,
    pub password: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_hash: Option<String>,
}

/// SignUp with an email as the username, and the email as the attribute Cognito sends the
/// code to.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SignUpRequest {
    pub client_id: String,
    pub username: String,
    pub password: String,
    pub user_attributes: Vec<Attribute>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_hash: Option<String>,
}

/// One user attribute, as Cognito writes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Attribute {
    pub name: String,
    pub value: String,
}

/// ConfirmSignUp: the code emailed after SignUp.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConfirmSignUpRequest {
    pub client_id: String,
    pub username: String,
    pub confirmation_code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_hash: Option<String>,
}

/// ChangePassword, with the signed-in user's access token.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChangePasswordRequest {
    pub access_token: String,
    pub previous_password: String,
    pub proposed_password: String,
}

/// GlobalSignOut: revokes every refresh token of the user whose access token this is, on
/// every device; their access tokens stop working too.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GlobalSignOutRequest {
    pub access_token: String,
}

macro_rules! debug_naming_the_user {
    ($($ty:ident),*) => {$(
        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($ty)).field("username", &self.username).finish_non_exhaustive()
            }
        }
    )*};
}
debug_naming_the_user!(SendCodeRequest, ConfirmForgotPasswordRequest, SignUpRequest, ConfirmSignUpRequest);

macro_rules! debug_naming_nobody {
    ($($ty:ident),*) => {$(
        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($ty)).finish_non_exhaustive()
            }
        }
    )*};
}
debug_naming_nobody!(ChangePasswordRequest, GlobalSignOutRequest);

#[cfg(test)]
mod tests {
    use super::*;

    /// Each body as the Cognito API reference's request syntax writes it.
    #[test]
    fn bodies_are_written_as_cognito_reads_them() {
        let sign_up = SignUpRequest {
            client_id: "client".into(),
            username: "a@example.com".into(),
            password: "pw".into(),
            user_attributes: vec![Attribute { name: "email".into(), value: "a@example.com".into() }],
            secret_hash: None,
        };
        assert_eq!(
            serde_json::to_value(&sign_up).unwrap(),
            serde_json::json!({
                "ClientId": "client", "Username": "a@example.com", "Password": "pw",
                "UserAttributes": [{"Name": "email", "Value": "a@example.com"}],
            })
        );
        let confirm = ConfirmForgotPasswordRequest {
            client_id: "client".into(),
            username: "a@example.com".into(),
            confirmation_code: "123456".into(),
            password: "pw".into(),
            secret_hash: Some("hash".into()),
        };
        assert_eq!(
            serde_json::to_value(&confirm).unwrap(),
            serde_json::json!({
                "ClientId": "client", "Username": "a@example.com", "ConfirmationCode": "123456",
                "Password": "pw", "SecretHash": "hash",
            })
        );
        let change = ChangePasswordRequest {
            access_token: "token".into(),
            previous_password: "old".into(),
            proposed_password: "new".into(),
        };
        assert_eq!(
            serde_json::to_value(&change).unwrap(),
            serde_json::json!({"AccessToken": "token", "PreviousPassword": "old", "ProposedPassword": "new"})
        );
    }

    #[test]
    fn debug_shows_no_password_code_or_token() {
        let confirm = ConfirmForgotPasswordRequest {
            client_id: "client".into(),
            username: "a@example.com".into(),
            confirmation_code: "918273".into(),
            password: "Secret-Pass-1".into(),
            secret_hash: None,
        };
        let shown = format!("{confirm:?}");
        assert!(shown.contains("a@example.com") && !shown.contains("918273") && !shown.contains("Secret-Pass-1"));
        let change = ChangePasswordRequest {
            access_token: "eyJtoken".into(),
            previous_password: "Old-Pass-1".into(),
            proposed_password: "New-Pass-1".into(),
        };
        let shown = format!("{change:?}");
        assert!(!shown.contains("eyJtoken") && !shown.contains("Old-Pass-1") && !shown.contains("New-Pass-1"));
    }
}
