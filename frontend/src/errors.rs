//! What can go wrong when signing in or calling the API, as plain sentences for people.
//!
//! Cognito answers errors with `{"__type": "...Exception", "message": ...}`; its messages are
//! terse and sometimes leak whether an account exists, so the page maps the type to its own
//! sentence and never shows the raw body.

use whoami_shared::cognito::ErrorResponse;
use whoami_shared::oauth::TokenError;

/// Why Cognito did not sign the user in (or refresh, or accept a new password).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("The email or password is not right. Check them and try again.")]
    WrongCredentials,
    #[error("This account is disabled. Ask an administrator to enable it.")]
    Disabled,
    #[error("This device's clock is off, so the sign-in could not be checked. Set the clock right, then try again.")]
    ClockOff,
    #[error("This account is not confirmed yet. Confirm it from the email you were sent, or ask an administrator.")]
    NotConfirmed,
    #[error("This account's password must be reset before it can sign in. Ask an administrator to reset it.")]
    PasswordResetRequired,
    #[error("Too many attempts. Wait a minute, then try again.")]
    TooManyAttempts,
    #[error("The sign-in service is unreachable. Check your connection and try again.")]
    Unreachable,
    #[error("The new password does not meet the password policy: {0}")]
    PasswordPolicy(String),
    #[error("This sign-in took too long and has expired. Sign in again.")]
    ChallengeExpired,
    #[error("Your session has ended. Sign in again.")]
    SessionEnded,
    #[error(
        "This account needs a sign-in step that this page does not handle yet ({0}). Sign in another way, or ask an administrator."
    )]
    UnsupportedChallenge(String),
    #[error("The sign-in service refused the page's request ({0}). The page's configuration may be wrong.")]
    Misconfigured(String),
    #[error("The sign-in service answered something unexpected ({0}). Try again later.")]
    Unexpected(String),
}

/// Which call the error answered: the same exception means different things in each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    SignIn,
    /// Answering a challenge within a sign-in (a new password, an MFA code or set-up).
    Challenge,
    Refresh,
    /// Something a signed-in user does with the access token (MFA settings).
    SignedIn,
    /// What users do for themselves (`api::self_service`), once its own exceptions are read.
    Account,
}

impl AuthError {
    /// Maps a Cognito error answer (status and body) to what it means for `call`.
    pub fn from_response(call: Call, status: u16, body: &str) -> Self {
        let Ok(error) = crate::json::from_str::<ErrorResponse>(body) else {
            // Not Cognito's JSON: a proxy's or load balancer's page, most likely.
            return if status >= 500 || status == 0 {
                AuthError::Unreachable
            } else {
                AuthError::Unexpected(format!("HTTP {status}"))
            };
        };
        match (call, error.exception()) {
            // RefreshTokenReuseException: the token was rotated out (by another tab, or by an
            // earlier refresh whose answer was lost) and its grace period is over.
            // With the access token too: it was revoked (signed out everywhere) or the user is gone.
            (
                Call::Refresh | Call::SignedIn,
                "NotAuthorizedException" | "UserNotFoundException" | "RefreshTokenReuseException",
            ) => AuthError::SessionEnded,
            (Call::Challenge, "NotAuthorizedException" | "CodeMismatchException" | "ExpiredCodeException") => {
                AuthError::ChallengeExpired
            }
            // Cognito's own words; the only way it tells a disabled account from a wrong password.
            (Call::SignIn, "NotAuthorizedException") if error.message == "User is disabled." => AuthError::Disabled,
            // An SRP proof is signed with the time: Cognito refuses a TIMESTAMP far from its own.
            (Call::SignIn, "NotAuthorizedException" | "InvalidParameterException")
                if error.message.contains("TIMESTAMP") =>
            {
                AuthError::ClockOff
            }
            // "USER_SRP_AUTH flow not enabled for this client": config.json's `auth_flow` is
            // not one the app client allows.
            (Call::SignIn, "InvalidParameterException") if error.message.contains("flow not enabled") => {
                AuthError::Misconfigured(format!(
                    "{}; `auth_flow` in config.json must name a flow it allows",
                    error.message
                ))
            }
            (_, "NotAuthorizedException" | "UserNotFoundException") => AuthError::WrongCredentials,
            (_, "UserNotConfirmedException") => AuthError::NotConfirmed,
            (_, "PasswordResetRequiredException") => AuthError::PasswordResetRequired,
            (_, "TooManyRequestsException" | "TooManyFailedAttemptsException" | "LimitExceededException") => {
                AuthError::TooManyAttempts
            }
            (_, "InvalidPasswordException") => AuthError::PasswordPolicy(error.message),
            (_, "InternalErrorException" | "ServiceUnavailableException") => AuthError::Unreachable,
            (
                _,
                kind @ ("ResourceNotFoundException"
                | "InvalidParameterException"
                | "InvalidUserPoolConfigurationException"),
            ) => AuthError::Misconfigured(kind.to_owned()),
            (_, kind) => AuthError::Unexpected(kind.to_owned()),
        }
    }

    /// True when the answer is final for a stored session: the tokens are no good and
    /// should be dropped. Anything else (the network, throttling) may pass, so the session
    /// is kept and the user offered a retry.
    pub fn ends_session(&self) -> bool {
        matches!(
            self,
            AuthError::SessionEnded
                | AuthError::WrongCredentials
                | AuthError::Disabled
                | AuthError::NotConfirmed
                | AuthError::PasswordResetRequired
                | AuthError::Misconfigured(_)
        )
    }
}

impl AuthError {
    /// Maps the token endpoint's refusal of a refresh token (OAuth's `{"error": ...}`, RFC 6749
    /// section 5.2) to what it means for the session.
    pub fn from_token_error(status: u16, body: &str) -> Self {
        match crate::json::from_str::<TokenError>(body) {
            // The refresh token is unknown, revoked or expired: the session is over.
            Ok(refusal) if refusal.error == "invalid_grant" => AuthError::SessionEnded,
            // The app client's settings (its secret, its grants): config.json or the pool.
            Ok(refusal) if KNOWN_OAUTH_ERRORS.contains(&refusal.error.as_str()) => {
                AuthError::Misconfigured(refusal.error)
            }
            _ if status >= 500 || status == 0 => AuthError::Unreachable,
            _ => AuthError::Unexpected(format!("HTTP {status}")),
        }
    }
}

/// OAuth's error codes (RFC 6749 sections 4.1.2.1 and 5.2): the only ones the page repeats
/// to the user, since anything in the address can be typed by anyone.
const KNOWN_OAUTH_ERRORS: [&str; 9] = [
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "unsupported_response_type",
    "invalid_scope",
    "server_error",
    "temporarily_unavailable",
];

/// Why a sign-in on the hosted sign-in page did not end signed in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HostedError {
    #[error("The sign-in was cancelled or refused on the sign-in page. Try again, or sign in another way.")]
    Denied,
    #[error("The sign-in page could not sign you in ({0}). Try again later, or ask an administrator.")]
    Failed(String),
    #[error("This sign-in was not started here, or was started again since, so it was not accepted. Sign in again.")]
    WrongState,
    #[error("This sign-in was already used or has expired. Sign in again.")]
    CodeRefused,
    #[error("{0}")]
    Auth(AuthError),
    /// A mistake in config.json's hosted sign-in keys, found when the on-demand module reads
    /// them (the page's start only looks whether to show the link).
    /// Its own sentence rather than `ConfigError`'s, whose text the main wasm keeps inline:
    /// sharing it with the module would keep it out of line there.
    #[error("Signing in on the sign-in page is not set up right: `{key}` in config.json {reason}. Ask an administrator.")]
    Config { key: &'static str, reason: String },
}

impl HostedError {
    /// The sentence for an `error` the hosted page sent back in the redirect. Its
    /// `error_description`, free text anyone can put in a link, is not shown; nor is a code
    /// that is not OAuth's.
    pub fn from_redirect(error: &str) -> Self {
        match error {
            "access_denied" => HostedError::Denied,
            known if KNOWN_OAUTH_ERRORS.contains(&known) => HostedError::Failed(known.to_owned()),
            _ => HostedError::Failed("an unknown error".to_owned()),
        }
    }

    /// The sentence for the token endpoint's refusal of a code (`status`, `body`).
    pub fn from_code_refusal(status: u16, body: &str) -> Self {
        match AuthError::from_token_error(status, body) {
            // The code was spent, has expired, or does not match the verifier or redirect URI.
            AuthError::SessionEnded => HostedError::CodeRefused,
            other => HostedError::Auth(other),
        }
    }
}

/// Why the page could not show the email.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WhoAmIError {
    /// The session is over; the tokens have been dropped.
    #[error("{0}")]
    SessionEnded(AuthError),
    /// Refreshing the token failed for a reason that may pass.
    #[error("{0}")]
    Refresh(AuthError),
    #[error("The API is unreachable. Your session is kept; try again.")]
    ApiUnreachable,
    #[error("The API refused the request: {0}")]
    Refused(String),
    #[error("The API answered something unexpected (HTTP {0}). Try again later.")]
    Unexpected(u16),
}

impl WhoAmIError {
    /// True when the tokens are gone and the sign-in form should be shown.
    pub fn ends_session(&self) -> bool {
        matches!(self, WhoAmIError::SessionEnded(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(call: Call, status: u16, body: &str, expected: &AuthError) {
        assert_eq!(&AuthError::from_response(call, status, body), expected, "{call:?} {status} {body}");
    }

    fn body(kind: &str) -> String {
        format!(r#"{{"__type": "{kind}", "message": "raw text"}}"#)
    }

    #[test]
    fn sign_in_errors() {
        use AuthError::*;
        for (kind, expected) in [
            ("NotAuthorizedException", WrongCredentials),
            ("UserNotFoundException", WrongCredentials),
            ("com.amazonaws.cognito#NotAuthorizedException", WrongCredentials),
            ("UserNotConfirmedException", NotConfirmed),
            ("PasswordResetRequiredException", PasswordResetRequired),
            ("TooManyRequestsException", TooManyAttempts),
            ("TooManyFailedAttemptsException", TooManyAttempts),
            ("LimitExceededException", TooManyAttempts),
            ("InternalErrorException", Unreachable),
            ("ResourceNotFoundException", Misconfigured("ResourceNotFoundException".into())),
            ("InvalidParameterException", Misconfigured("InvalidParameterException".into())),
            ("SomethingNewException", Unexpected("SomethingNewException".into())),
        ] {
            check(Call::SignIn, 400, &body(kind), &expected);
        }
    }

    #[test]
    fn srp_sign_in_errors() {
        const WRONG_PASSWORD: &str = include_str!("../../shared/tests/data/cognito/error_srp_wrong_password.json");
        const UNKNOWN_USER: &str = include_str!("../../shared/tests/data/cognito/error_srp_unknown_user.json");
        const DISABLED: &str = include_str!("../../shared/tests/data/cognito/error_user_disabled.json");
        const FLOW: &str = include_str!("../../shared/tests/data/cognito/error_flow_not_enabled.json");
        // With PreventUserExistenceErrors, a wrong password and an unknown user read the same.
        check(Call::SignIn, 400, WRONG_PASSWORD, &AuthError::WrongCredentials);
        check(Call::SignIn, 400, UNKNOWN_USER, &AuthError::WrongCredentials);
        check(Call::SignIn, 400, DISABLED, &AuthError::Disabled);
        let flow = AuthError::from_response(Call::SignIn, 400, FLOW);
        assert!(
            flow.to_string()
                .contains("USER_PASSWORD_AUTH flow not enabled for this client; `auth_flow` in config.json"),
            "{flow}"
        );
        let clock = r#"{"__type": "NotAuthorizedException", "message": "TIMESTAMP is too far from the server's time"}"#;
        check(Call::SignIn, 400, clock, &AuthError::ClockOff);
        // Only the sign-in's own refusal means a disabled account; a refresh's ends the session.
        check(Call::Refresh, 400, DISABLED, &AuthError::SessionEnded);
    }

    #[test]
    fn the_call_changes_the_meaning() {
        check(Call::Refresh, 400, &body("NotAuthorizedException"), &AuthError::SessionEnded);
        check(Call::Refresh, 400, &body("RefreshTokenReuseException"), &AuthError::SessionEnded);
        check(Call::Challenge, 400, &body("NotAuthorizedException"), &AuthError::ChallengeExpired);
        check(Call::Challenge, 400, &body("InvalidPasswordException"), &AuthError::PasswordPolicy("raw text".into()));
        check(Call::Refresh, 400, &body("TooManyRequestsException"), &AuthError::TooManyAttempts);
    }

    #[test]
    fn bodies_that_are_not_cognito_json() {
        // moto answers RevokeToken with an HTML 500 page.
        check(Call::SignIn, 500, "<!doctype html><title>500</title>", &AuthError::Unreachable);
        check(Call::SignIn, 502, "", &AuthError::Unreachable);
        check(Call::SignIn, 403, "forbidden", &AuthError::Unexpected("HTTP 403".into()));
    }

    #[test]
    fn messages_are_sentences_without_raw_text() {
        let error = AuthError::from_response(Call::SignIn, 400, &body("NotAuthorizedException"));
        let shown = error.to_string();
        assert!(shown.ends_with('.') && !shown.contains("raw text") && !shown.contains('{'), "{shown}");
    }

    #[test]
    fn the_token_endpoints_refusals() {
        const INVALID_GRANT: &str = include_str!("../../shared/tests/data/oauth/token_error_invalid_grant.json");
        assert_eq!(AuthError::from_token_error(400, INVALID_GRANT), AuthError::SessionEnded);
        assert_eq!(HostedError::from_code_refusal(400, INVALID_GRANT), HostedError::CodeRefused);
        let client = r#"{"error": "invalid_client"}"#;
        assert_eq!(AuthError::from_token_error(401, client), AuthError::Misconfigured("invalid_client".into()));
        assert_eq!(
            HostedError::from_code_refusal(400, r#"{"error": "unauthorized_client", "error_description": "x"}"#),
            HostedError::Auth(AuthError::Misconfigured("unauthorized_client".into()))
        );
        assert_eq!(
            AuthError::from_token_error(400, r#"{"error": "made_up"}"#),
            AuthError::Unexpected("HTTP 400".into())
        );
        assert_eq!(AuthError::from_token_error(503, "<html>"), AuthError::Unreachable);
        assert!(AuthError::from_token_error(400, INVALID_GRANT).ends_session());
    }

    #[test]
    fn a_redirects_error_is_a_sentence_without_its_free_text() {
        assert_eq!(HostedError::from_redirect("access_denied"), HostedError::Denied);
        assert_eq!(HostedError::from_redirect("invalid_scope"), HostedError::Failed("invalid_scope".into()));
        let made_up = HostedError::from_redirect("Call 555-0100 to unlock your account");
        assert_eq!(made_up, HostedError::Failed("an unknown error".into()));
        for error in [made_up, HostedError::WrongState, HostedError::CodeRefused, HostedError::Denied] {
            let shown = error.to_string();
            assert!(shown.ends_with('.') && !shown.contains("555"), "{shown}");
        }
    }

    #[test]
    fn only_final_answers_end_a_session() {
        assert!(AuthError::SessionEnded.ends_session());
        assert!(!AuthError::Unreachable.ends_session());
        assert!(!AuthError::TooManyAttempts.ends_session());
        assert!(WhoAmIError::SessionEnded(AuthError::SessionEnded).ends_session());
        assert!(!WhoAmIError::ApiUnreachable.ends_session());
        assert!(!WhoAmIError::Refresh(AuthError::Unreachable).ends_session());
    }
}
