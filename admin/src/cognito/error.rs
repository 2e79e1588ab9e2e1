//! Cognito's refusals and the SDK's failures, turned into a [`CognitoError`] an operator can act on.

use std::fmt;

use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_cognitoidentityprovider::config::http::HttpResponse;
use aws_sdk_cognitoidentityprovider::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_cognitoidentityprovider::primitives::{DateTime, DateTimeFormat};
use whoami_shared::srp::{self, SrpError};

use super::AuthFlow;

/// How far apart this machine's clock and Cognito's may be before a refused SRP proof is blamed
/// on the clock. Cognito checks the signed TIMESTAMP against its own time; AWS documents no
/// tolerance, and its request signatures allow five minutes.
const CLOCK_TOLERANCE_SECONDS: u64 = 5 * 60;

/// A failed call to Cognito, in words an operator can act on.
#[derive(Debug, thiserror::Error)]
pub enum CognitoError {
    // With PreventUserExistenceErrors on, Cognito answers an unknown user this way too, so the
    // message cannot tell the two apart.
    #[error("incorrect username or password; check both and try again")]
    IncorrectCredentials,
    #[error(
        "user `{0}` is disabled; an administrator can enable them again (`whoami-admin enable-user --username {0}`)"
    )]
    UserDisabled(String),
    #[error("Cognito did not authorize the request: {0}{hint}", hint = secret_hash_hint(.0))]
    NotAuthorized(String),
    #[error("Cognito refused the time this machine signed the sign-in with ({0}); check this machine's clock")]
    ClockSkew(String),
    #[error(
        "the app client does not allow {} (Cognito said: {message}); sign in with `--auth-flow {}` \
         (or `auth_flow = \"{}\"` in the config file), or allow ALLOW_{} in the app client's \
         authentication flows",
        flow.cognito_name(), flow.other(), flow.other(), flow.cognito_name()
    )]
    FlowNotAllowed { flow: AuthFlow, message: String },
    #[error("cannot answer Cognito's PASSWORD_VERIFIER challenge: {0}")]
    Srp(#[from] SrpError),
    #[error(
        "cannot answer Cognito's PASSWORD_VERIFIER challenge: the challenge's SECRET_BLOCK is not base64; sign in again"
    )]
    SecretBlockNotBase64,
    #[error("cannot draw random bytes from the operating system for SRP: {0}")]
    Random(String),
    #[error("there is no user `{0}` in the pool; `whoami-admin list-users` shows who there is")]
    UserNotFound(String),
    #[error(
        "user `{0}` has not confirmed their account: enter the code Cognito emailed at sign-up with \
         `whoami-admin confirm-sign-up --email {0}` (a new code: `whoami-admin resend-confirmation-code \
         --email {0}`)"
    )]
    UserNotConfirmed(String),
    #[error(
        "user `{0}` must reset their password first: enter the code Cognito emailed them and a new password \
         with `whoami-admin confirm-forgot-password --username {0}` (a new code: `whoami-admin \
         forgot-password --username {0}`), or an administrator sets one with `whoami-admin set-password \
         --username {0} --password-stdin`"
    )]
    PasswordResetRequired(String),
    #[error("Cognito is throttling requests ({0}); wait a little and try again")]
    Throttled(String),
    #[error(
        "a user `{0}` already exists; to change their password use \
         `whoami-admin set-password --username {0} --password-stdin`"
    )]
    UsernameExists(String),
    #[error("the password does not meet the pool's password policy: {0}")]
    InvalidPassword(String),
    #[error("Cognito refused a parameter: {0}")]
    InvalidParameter(String),
    #[error(
        "Cognito does not know the user pool or app client ({0}); check user_pool_id, app_client_id \
         and region in the config file"
    )]
    ResourceNotFound(String),
    #[error(
        "user `{0}` has a temporary password and must choose a new one: run again with \
         --new-password-stdin and give the new password on the line after the current one"
    )]
    NewPasswordRequired(String),
    #[error(
        "the code is not the one the authenticator app shows now, or was used already; sign in again \
         with the app's current code (and check that this account's entry in the app is the latest one)"
    )]
    WrongCode,
    #[error(
        "the code is not the one Cognito emailed last, or it expired; nothing changed: check the latest \
         email, or ask for a new code with `{0}`"
    )]
    WrongEmailedCode(String),
    #[error(
        "the user pool does not allow self sign-up (template.yaml's SelfSignUp is false); an administrator \
         creates users with `whoami-admin create-user`"
    )]
    SignUpNotAllowed,
    #[error("the sign-in took too long and Cognito's session for it ended ({0}); sign in again")]
    SessionExpired(String),
    #[error(
        "the user pool requires MFA and user `{0}` has no authenticator app yet; set one up with \
         `whoami-admin mfa setup --username {0}`, which signs in and asks for a first code"
    )]
    MfaSetupRequired(String),
    #[error("Cognito asked for the {0} challenge, which this tool cannot answer; use the hosted UI or the web page")]
    UnsupportedChallenge(String),
    #[error("Cognito's answer has no {0}")]
    IncompleteAnswer(&'static str),
    #[error(
        "no AWS credentials found; this command calls Cognito's admin API, so set AWS_PROFILE or pass \
         --profile, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
    )]
    NoCredentials,
    #[error("cannot reach Cognito: {0}; check region, cognito_endpoint or --endpoint-url, and the network")]
    Unreachable(String),
    #[error("Cognito answered {code}: {message}")]
    Other { code: String, message: String },
    #[error("the call to Cognito failed: {0}")]
    Sdk(String),
}

fn secret_hash_hint(message: &str) -> &'static str {
    if message.to_ascii_lowercase().contains("secret hash") || message.contains("SECRET_HASH") {
        "; check app_client_secret in the config file: it must be the app client's secret, or absent \
         when the client has none"
    } else {
        ""
    }
}

/// The app client refused the sign-in flow itself; Cognito says so with an
/// InvalidParameterException naming the flow.
fn flow_refused(message: &str) -> Option<AuthFlow> {
    [AuthFlow::Srp, AuthFlow::Password].into_iter().find(|flow| message.contains(flow.cognito_name()))
}

/// Cognito's refusal of the TIMESTAMP an SRP proof was signed with, by what its message says
/// (its complaints about the format are this tool's fault, not the clock's).
fn timestamp_refused(message: &str) -> bool {
    let message = message.to_ascii_lowercase();
    message.contains("timestamp") && !message.contains("format")
}

/// Turns the SDK's error into a [`CognitoError`]; `subject` is the username or email the call was about.
pub(super) fn map_error<E, R>(err: &SdkError<E, R>, subject: &str) -> CognitoError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: fmt::Debug + 'static,
{
    match err {
        SdkError::ServiceError(_) => {
            let message = err.message().unwrap_or("no message").to_owned();
            let subject = subject.to_owned();
            // Cognito's `__type`s are its stable contract, the same across operations, so one
            // table serves every call.
            match err.code().unwrap_or("") {
                "NotAuthorizedException" => match message.as_str() {
                    "Incorrect username or password." => CognitoError::IncorrectCredentials,
                    "User is disabled." => CognitoError::UserDisabled(subject),
                    _ if message.contains("SignUp is not permitted") => CognitoError::SignUpNotAllowed,
                    _ if message.to_ascii_lowercase().contains("session") => CognitoError::SessionExpired(message),
                    _ if timestamp_refused(&message) => CognitoError::ClockSkew(format!("Cognito said: {message}")),
                    _ => CognitoError::NotAuthorized(message),
                },
                "UserNotFoundException" => CognitoError::UserNotFound(subject),
                // A wrong code on RespondToAuthChallenge, on VerifySoftwareToken, and a code
                // already used.
                "CodeMismatchException" | "EnableSoftwareTokenMFAException" | "ExpiredCodeException" => {
                    CognitoError::WrongCode
                }
                "UserNotConfirmedException" => CognitoError::UserNotConfirmed(subject),
                "PasswordResetRequiredException" => CognitoError::PasswordResetRequired(subject),
                "TooManyRequestsException" | "LimitExceededException" | "TooManyFailedAttemptsException" => {
                    CognitoError::Throttled(message)
                }
                "UsernameExistsException" | "AliasExistsException" => CognitoError::UsernameExists(subject),
                "InvalidPasswordException" => CognitoError::InvalidPassword(message),
                "InvalidParameterException" => match flow_refused(&message) {
                    Some(flow) => CognitoError::FlowNotAllowed { flow, message },
                    None if timestamp_refused(&message) => CognitoError::ClockSkew(format!("Cognito said: {message}")),
                    None => CognitoError::InvalidParameter(message),
                },
                "ResourceNotFoundException" => CognitoError::ResourceNotFound(message),
                code => CognitoError::Other { code: code.to_owned(), message },
            }
        }
        _ if is_missing_credentials(err) => CognitoError::NoCredentials,
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => {
            CognitoError::Unreachable(DisplayErrorContext(err).to_string())
        }
        _ => CognitoError::Sdk(DisplayErrorContext(err).to_string()),
    }
}

/// Whether the call failed for want of AWS credentials, which the SDK reports as a dispatch
/// failure although nothing was sent.
fn is_missing_credentials(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut source = Some(err);
    while let Some(e) = source {
        if matches!(e.downcast_ref::<CredentialsError>(), Some(CredentialsError::CredentialsNotLoaded(_))) {
            return true;
        }
        source = e.source();
    }
    false
}

/// Cognito's refusal of a PASSWORD_VERIFIER proof signed at `signed_at`. When the refusal's
/// `Date` is far from that time, the clock is the likely reason, whatever Cognito's message.
pub(super) fn refused_proof<E>(err: &SdkError<E, HttpResponse>, username: &str, signed_at: u64) -> CognitoError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let error = map_error(err, username);
    if !matches!(error, CognitoError::IncorrectCredentials | CognitoError::NotAuthorized(_)) {
        return error;
    }
    let cognito_time = err
        .raw_response()
        .and_then(|response| response.headers().get("date"))
        .and_then(|date| DateTime::from_str(date, DateTimeFormat::HttpDate).ok())
        .and_then(|date| u64::try_from(date.secs()).ok());
    match cognito_time {
        Some(cognito_time) if cognito_time.abs_diff(signed_at) > CLOCK_TOLERANCE_SECONDS => {
            CognitoError::ClockSkew(format!(
                "this machine's clock said {}, Cognito's said {}",
                srp::cognito_timestamp(signed_at),
                srp::cognito_timestamp(cognito_time)
            ))
        }
        _ => error,
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_cognitoidentityprovider::Client;
    use aws_smithy_mocks::mock;
    use whoami_shared::Email;

    use super::*;
    use crate::cognito::InitialPassword;
    use crate::cognito::testing::{cognito, cognito_error, password};

    async fn sign_in_error(flow: AuthFlow, code: &str, message: &str) -> CognitoError {
        let rule = cognito_error(mock!(Client::initiate_auth), code, message);
        cognito(&[&rule], None).sign_in(flow, "ana@example.com", &password("Pa55-word")).await.unwrap_err()
    }

    /// Cognito's refusal of InitiateAuth reads the same whichever flow asked.
    async fn check(code: &str, message: &str, expected: &str) {
        for flow in [AuthFlow::Srp, AuthFlow::Password] {
            let err = sign_in_error(flow, code, message).await.to_string();
            assert!(err.contains(expected), "{code} ({flow}): `{err}` should contain `{expected}`");
            assert!(!err.contains("Pa55-word"), "{err}");
        }
    }

    #[tokio::test]
    async fn sign_in_errors_become_plain_messages() {
        // A wrong password, and an unknown user when the pool prevents user-existence errors.
        check(
            "NotAuthorizedException",
            "Incorrect username or password.",
            "incorrect username or password; check both and try again",
        )
        .await;
        check("NotAuthorizedException", "User is disabled.", "user `ana@example.com` is disabled; an administrator")
            .await;
        check(
            "NotAuthorizedException",
            "Unable to verify secret hash for client client123",
            "Cognito did not authorize the request: Unable to verify secret hash for client client123; check \
             app_client_secret in the config file",
        )
        .await;
        check("NotAuthorizedException", "Password attempts exceeded", "Cognito did not authorize the request").await;
        check("UserNotFoundException", "User does not exist.", "there is no user `ana@example.com` in the pool").await;
        check("UserNotConfirmedException", "User is not confirmed.", "user `ana@example.com` has not confirmed").await;
        check("PasswordResetRequiredException", "Password reset required", "must reset their password").await;
        check("TooManyRequestsException", "Too many requests", "Cognito is throttling requests").await;
        check(
            "InvalidParameterException",
            "USER_PASSWORD_AUTH flow not enabled for this client",
            "the app client does not allow USER_PASSWORD_AUTH (Cognito said: USER_PASSWORD_AUTH flow not enabled \
             for this client); sign in with `--auth-flow srp` (or `auth_flow = \"srp\"` in the config file), or \
             allow ALLOW_USER_PASSWORD_AUTH",
        )
        .await;
        check(
            "InvalidParameterException",
            "USER_SRP_AUTH is not enabled for the client.",
            "the app client does not allow USER_SRP_AUTH (Cognito said: USER_SRP_AUTH is not enabled for the \
             client.); sign in with `--auth-flow password` (or `auth_flow = \"password\"` in the config file), or \
             allow ALLOW_USER_SRP_AUTH",
        )
        .await;
        check("InvalidParameterException", "Missing required parameter SRP_A", "Cognito refused a parameter").await;
        check("ResourceNotFoundException", "User pool client x does not exist.", "check user_pool_id, app_client_id")
            .await;
        check("InternalErrorException", "oops", "Cognito answered InternalErrorException: oops").await;
        // The code may come with a namespace prefix, which the SDK removes.
        check("com.amazonaws.cognito#UserNotFoundException", "User does not exist.", "there is no user").await;
    }

    #[tokio::test]
    async fn admin_errors_become_plain_messages() {
        let email: Email = "ana@example.com".parse().unwrap();
        let exists = cognito_error(mock!(Client::admin_create_user), "UsernameExistsException", "exists");
        let err = cognito(&[&exists], None)
            .create_user(&email, &InitialPassword::Temporary(password("Temp-1")), false)
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "a user `ana@example.com` already exists; to change their password use \
             `whoami-admin set-password --username ana@example.com --password-stdin`"
        );

        let policy = cognito_error(mock!(Client::admin_set_user_password), "InvalidPasswordException", "too short");
        let err = cognito(&[&policy], None).set_password("ana", &password("x"), true).await.unwrap_err();
        assert_eq!(err.to_string(), "the password does not meet the pool's password policy: too short");

        let missing = cognito_error(mock!(Client::admin_delete_user), "UserNotFoundException", "User does not exist.");
        let err = cognito(&[&missing], None).delete_user("zed").await.unwrap_err();
        assert!(matches!(err, CognitoError::UserNotFound(ref u) if u == "zed"), "{err}");
    }
}
