//! Cognito's JSON wire format for the calls the page makes: InitiateAuth (the password flow),
//! RespondToAuthChallenge (a new password), GetTokensFromRefreshToken and RevokeToken, plus
//! the `{"__type", "message"}` body of every error.
//!
//! These are wire types only: field names and shapes exactly as Cognito writes them, no
//! I/O. Callers convert them to their own domain types (the page's session, its error
//! sentences). Each request goes to the pool's endpoint as a POST with
//! `Content-Type: application/x-amz-json-1.1` and `X-Amz-Target: <TARGET_PREFIX><operation>`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The JSON content type Cognito requires (plain `application/json` is refused).
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// The operation names, each the value of the `X-Amz-Target` header.
pub const TARGET_INITIATE_AUTH: &str = "AWSCognitoIdentityProviderService.InitiateAuth";
pub const TARGET_RESPOND_TO_AUTH_CHALLENGE: &str = "AWSCognitoIdentityProviderService.RespondToAuthChallenge";
pub const TARGET_REVOKE_TOKEN: &str = "AWSCognitoIdentityProviderService.RevokeToken";
pub const TARGET_GET_TOKENS_FROM_REFRESH_TOKEN: &str = "AWSCognitoIdentityProviderService.GetTokensFromRefreshToken";

/// The body of an InitiateAuth request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InitiateAuthRequest {
    pub client_id: String,
    /// `AuthFlow` and `AuthParameters` together: which parameters are sent depends on the flow.
    #[serde(flatten)]
    pub flow: AuthFlow,
}

/// An authentication flow and the parameters it takes.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "AuthFlow", content = "AuthParameters")]
pub enum AuthFlow {
    #[serde(rename = "USER_PASSWORD_AUTH")]
    UserPassword {
        #[serde(rename = "USERNAME")]
        username: String,
        #[serde(rename = "PASSWORD")]
        password: String,
        #[serde(rename = "SECRET_HASH", default, skip_serializing_if = "Option::is_none")]
        secret_hash: Option<String>,
    },
}

// Written by hand so that a password or token never reaches a log through `{:?}`.
impl fmt::Debug for AuthFlow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthFlow::UserPassword { username, .. } => {
                f.debug_struct("UserPassword").field("username", username).finish_non_exhaustive()
            }
        }
    }
}

/// The body of a RespondToAuthChallenge request answering NEW_PASSWORD_REQUIRED, the only
/// challenge this project answers.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RespondToAuthChallengeRequest {
    pub challenge_name: String,
    pub client_id: String,
    pub session: String,
    pub challenge_responses: NewPasswordResponses,
}

impl fmt::Debug for RespondToAuthChallengeRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RespondToAuthChallengeRequest")
            .field("challenge_name", &self.challenge_name)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// The challenge name Cognito gives a user who must replace a temporary password.
pub const NEW_PASSWORD_REQUIRED: &str = "NEW_PASSWORD_REQUIRED";

/// `ChallengeResponses` for NEW_PASSWORD_REQUIRED.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPasswordResponses {
    #[serde(rename = "USERNAME")]
    pub username: String,
    #[serde(rename = "NEW_PASSWORD")]
    pub new_password: String,
    #[serde(rename = "SECRET_HASH", default, skip_serializing_if = "Option::is_none")]
    pub secret_hash: Option<String>,
}

impl fmt::Debug for NewPasswordResponses {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewPasswordResponses").field("username", &self.username).finish_non_exhaustive()
    }
}

/// What InitiateAuth and RespondToAuthChallenge answer: tokens, or another challenge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication_result: Option<AuthenticationResult>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenge_parameters: Option<ChallengeParameters>,
}

/// The `ChallengeParameters` this project reads. Cognito sends others (`USER_ID_FOR_SRP`,
/// `requiredAttributes`, ...), which are not kept: a map would cost the page about 4 KB of
/// wasm for values nobody reads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeParameters {
    /// The name to answer the challenge with, when Cognito gives one.
    #[serde(rename = "USERNAME", default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

/// The tokens of a successful sign-in. A refresh answers with a new refresh token only when
/// the app client rotates them.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthenticationResult {
    pub access_token: String,
    pub id_token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Lifetime of the access and ID tokens, in seconds.
    pub expires_in: u64,
    pub token_type: String,
}

impl fmt::Debug for AuthenticationResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthenticationResult")
            .field("expires_in", &self.expires_in)
            .field("token_type", &self.token_type)
            .finish_non_exhaustive()
    }
}

/// The body of a GetTokensFromRefreshToken request, the refresh that works whether or not the
/// app client rotates refresh tokens (with rotation on, InitiateAuth's REFRESH_TOKEN_AUTH is
/// refused). It answers like InitiateAuth, with an [`AuthenticationResult`] only, which holds a
/// new refresh token when the client rotates them.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetTokensFromRefreshTokenRequest {
    pub client_id: String,
    pub refresh_token: String,
    /// The app client's secret itself (not a SECRET_HASH), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
}

impl fmt::Debug for GetTokensFromRefreshTokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GetTokensFromRefreshTokenRequest").field("client_id", &self.client_id).finish_non_exhaustive()
    }
}

/// The body of a RevokeToken request. A success answers with an empty object.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RevokeTokenRequest {
    pub client_id: String,
    /// The refresh token to revoke.
    pub token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
}

impl fmt::Debug for RevokeTokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RevokeTokenRequest").field("client_id", &self.client_id).finish_non_exhaustive()
    }
}

/// The body of every Cognito error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorResponse {
    /// The exception's name, sometimes with a namespace: `NotAuthorizedException` or
    /// `com.amazonaws.cognito#NotAuthorizedException`.
    #[serde(rename = "__type")]
    pub kind: String,
    #[serde(default, alias = "Message")]
    pub message: String,
}

impl ErrorResponse {
    /// The exception's name without any namespace prefix.
    pub fn exception(&self) -> &str {
        self.kind.rsplit('#').next().unwrap_or(&self.kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::DeserializeOwned;

    /// Parses a captured payload, writes it back, and checks nothing was lost or added.
    fn round_trip<T: Serialize + DeserializeOwned>(captured: &str) -> T {
        let parsed: T = serde_json::from_str(captured).unwrap();
        let written = serde_json::to_value(&parsed).unwrap();
        let original: serde_json::Value = serde_json::from_str(captured).unwrap();
        assert_eq!(written, original);
        parsed
    }

    // Every payload below was captured from moto 5.2.5 (see the README of tests/data/cognito).
    macro_rules! fixture {
        ($name:literal) => {
            include_str!(concat!("../tests/data/cognito/", $name))
        };
    }

    #[test]
    fn initiate_auth_password_request() {
        let request: InitiateAuthRequest = round_trip(fixture!("initiate_auth.request.json"));
        assert!(
            matches!(request.flow, AuthFlow::UserPassword { ref username, secret_hash: None, .. } if username == "ok@example.com")
        );
    }

    #[test]
    fn get_tokens_from_refresh_token() {
        let request: GetTokensFromRefreshTokenRequest =
            round_trip(fixture!("get_tokens_from_refresh_token.request.json"));
        assert!(request.client_secret.is_none() && !request.refresh_token.is_empty());
        assert!(!format!("{request:?}").contains(&request.refresh_token));
        // Without rotation (the emulator does not model it) no new refresh token comes back.
        let refreshed: AuthResponse = round_trip(fixture!("get_tokens_from_refresh_token.response.json"));
        let tokens = refreshed.authentication_result.unwrap();
        assert!(tokens.refresh_token.is_none() && tokens.id_token.starts_with("eyJ"));
        assert!(refreshed.challenge_name.is_none() && refreshed.session.is_none());
    }

    #[test]
    fn secret_hash_is_an_auth_parameter() {
        let request = InitiateAuthRequest {
            client_id: "abc".into(),
            flow: AuthFlow::UserPassword { username: "u".into(), password: "p".into(), secret_hash: Some("h".into()) },
        };
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            serde_json::json!({"ClientId": "abc", "AuthFlow": "USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": "u", "PASSWORD": "p", "SECRET_HASH": "h"}})
        );
    }

    #[test]
    fn initiate_auth_responses() {
        let signed_in: AuthResponse = round_trip(fixture!("initiate_auth.response.json"));
        let tokens = signed_in.authentication_result.unwrap();
        assert!(tokens.refresh_token.is_some());
        assert_eq!((tokens.expires_in, tokens.token_type.as_str()), (3600, "Bearer"));

        let challenged: AuthResponse = round_trip(fixture!("initiate_auth_new_password_required.response.json"));
        assert_eq!(challenged.challenge_name.as_deref(), Some(NEW_PASSWORD_REQUIRED));
        assert!(challenged.session.is_some() && challenged.authentication_result.is_none());
    }

    #[test]
    fn respond_to_auth_challenge() {
        let request: RespondToAuthChallengeRequest = round_trip(fixture!("respond_to_auth_challenge.request.json"));
        assert_eq!(request.challenge_name, NEW_PASSWORD_REQUIRED);
        let response: AuthResponse = round_trip(fixture!("respond_to_auth_challenge.response.json"));
        assert!(response.authentication_result.is_some());
    }

    #[test]
    fn revoke_token_request() {
        let request: RevokeTokenRequest = round_trip(fixture!("revoke_token.request.json"));
        assert!(request.client_secret.is_none());
    }

    #[test]
    fn errors() {
        for (captured, exception) in [
            (fixture!("error_not_authorized.json"), "NotAuthorizedException"),
            (fixture!("error_user_not_found.json"), "UserNotFoundException"),
            (fixture!("error_invalid_password.json"), "InvalidPasswordException"),
            (fixture!("error_refresh_revoked.json"), "NotAuthorizedException"),
            (fixture!("error_refresh_revoked_get_tokens.json"), "NotAuthorizedException"),
        ] {
            let error: ErrorResponse = round_trip(captured);
            assert_eq!(error.exception(), exception);
        }
        let namespaced: ErrorResponse =
            serde_json::from_str(r#"{"__type":"com.amazonaws.cognito#TooManyRequestsException","Message":"slow"}"#)
                .unwrap();
        assert_eq!((namespaced.exception(), namespaced.message.as_str()), ("TooManyRequestsException", "slow"));
    }

    #[test]
    fn debug_never_shows_secrets() {
        let response: AuthResponse = serde_json::from_str(fixture!("initiate_auth.response.json")).unwrap();
        let shown = format!("{response:?}");
        assert!(!shown.contains("eyJ"), "{shown}");
        let request: InitiateAuthRequest = serde_json::from_str(fixture!("initiate_auth.request.json")).unwrap();
        assert!(!format!("{request:?}").contains("Good-Pass-123"));
    }
}
