//! Cognito's JSON wire format for the calls the page makes: InitiateAuth (the SRP and
//! password flows), RespondToAuthChallenge (the SRP proof, a new password),
//! GetTokensFromRefreshToken and RevokeToken, plus the `{"__type", "message"}` body of every
//! error.
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
    /// SRP: the password stays on the device; Cognito answers with PASSWORD_VERIFIER.
    #[serde(rename = "USER_SRP_AUTH")]
    UserSrp {
        #[serde(rename = "USERNAME")]
        username: String,
        /// The client's public value `A`, hexadecimal (`srp::Client::srp_a`).
        #[serde(rename = "SRP_A")]
        srp_a: String,
        #[serde(rename = "SECRET_HASH", default, skip_serializing_if = "Option::is_none")]
        secret_hash: Option<String>,
    },
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
            AuthFlow::UserSrp { username, .. } => {
                f.debug_struct("UserSrp").field("username", username).finish_non_exhaustive()
            }
        }
    }
}

/// The body of a RespondToAuthChallenge request. `A` is the kind of answer: a password's
/// ([`ChallengeAnswer`], the default) or a second factor's ([`crate::mfa::MfaAnswer`]), kept
/// apart so that a program that answers only one kind carries only its code.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RespondToAuthChallengeRequest<A = ChallengeAnswer> {
    pub client_id: String,
    /// The Session of the challenge, when Cognito gave one (it always does for
    /// NEW_PASSWORD_REQUIRED; for PASSWORD_VERIFIER not every server does).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// `ChallengeName` and `ChallengeResponses` together.
    #[serde(flatten)]
    pub answer: A,
}

impl<A: fmt::Debug> fmt::Debug for RespondToAuthChallengeRequest<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RespondToAuthChallengeRequest")
            .field("client_id", &self.client_id)
            .field("answer", &self.answer)
            .finish_non_exhaustive()
    }
}

/// A challenge this project answers, and the responses it sends.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "ChallengeName", content = "ChallengeResponses")]
pub enum ChallengeAnswer {
    #[serde(rename = "PASSWORD_VERIFIER")]
    PasswordVerifier(PasswordVerifierResponses),
    #[serde(rename = "NEW_PASSWORD_REQUIRED")]
    NewPassword(NewPasswordResponses),
}

impl fmt::Debug for ChallengeAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChallengeAnswer::PasswordVerifier(r) => f.debug_tuple("PasswordVerifier").field(r).finish(),
            ChallengeAnswer::NewPassword(r) => f.debug_tuple("NewPassword").field(r).finish(),
        }
    }
}

/// The challenge name Cognito answers USER_SRP_AUTH with.
pub const PASSWORD_VERIFIER: &str = "PASSWORD_VERIFIER";

/// The challenge name Cognito gives a user who must replace a temporary password.
pub const NEW_PASSWORD_REQUIRED: &str = "NEW_PASSWORD_REQUIRED";

/// `ChallengeResponses` for PASSWORD_VERIFIER: the SRP proof (`srp::Answer`).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordVerifierResponses {
    /// The challenge's USER_ID_FOR_SRP, not what the user typed.
    #[serde(rename = "USERNAME")]
    pub username: String,
    /// The challenge's SECRET_BLOCK, unchanged.
    #[serde(rename = "PASSWORD_CLAIM_SECRET_BLOCK")]
    pub secret_block: String,
    #[serde(rename = "PASSWORD_CLAIM_SIGNATURE")]
    pub signature: String,
    #[serde(rename = "TIMESTAMP")]
    pub timestamp: String,
    #[serde(rename = "SECRET_HASH", default, skip_serializing_if = "Option::is_none")]
    pub secret_hash: Option<String>,
}

impl fmt::Debug for PasswordVerifierResponses {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordVerifierResponses").field("username", &self.username).finish_non_exhaustive()
    }
}

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

/// The `ChallengeParameters` this project reads. Cognito sends others (`requiredAttributes`,
/// `userAttributes`, ...), which are not kept: a map would cost the page about 4 KB of wasm
/// for values nobody reads.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeParameters {
    /// The name to answer the challenge with, when Cognito gives one.
    #[serde(rename = "USERNAME", default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The pool's own name for the user (its `sub` when users sign in by email): what an SRP
    /// proof and any later answer are made for.
    #[serde(rename = "USER_ID_FOR_SRP", default, skip_serializing_if = "Option::is_none")]
    pub user_id_for_srp: Option<String>,
    /// PASSWORD_VERIFIER's salt, hexadecimal.
    #[serde(rename = "SALT", default, skip_serializing_if = "Option::is_none")]
    pub salt: Option<String>,
    /// PASSWORD_VERIFIER's server value `B`, hexadecimal.
    #[serde(rename = "SRP_B", default, skip_serializing_if = "Option::is_none")]
    pub srp_b: Option<String>,
    /// PASSWORD_VERIFIER's secret block, base64, signed and sent back unchanged.
    #[serde(rename = "SECRET_BLOCK", default, skip_serializing_if = "Option::is_none")]
    pub secret_block: Option<String>,
    /// SELECT_MFA_TYPE's factors to choose from, a JSON array inside the string
    /// (`crate::mfa::offers_app` reads it).
    #[serde(rename = "MFAS_CAN_CHOOSE", default, skip_serializing_if = "Option::is_none")]
    pub mfas_can_choose: Option<String>,
    /// MFA_SETUP's factors the user may set up, written the same way.
    #[serde(rename = "MFAS_CAN_SETUP", default, skip_serializing_if = "Option::is_none")]
    pub mfas_can_setup: Option<String>,
}

impl ChallengeParameters {
    /// The name to answer a challenge with: USERNAME when given, else USER_ID_FOR_SRP (after
    /// an SRP proof Cognito names the user only so).
    pub fn answer_as(&self) -> Option<&str> {
        self.username.as_deref().or(self.user_id_for_srp.as_deref())
    }
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
    use serde::de::DeserializeOwned;

    use super::*;
    use crate::mfa::{MfaAnswer, MfaSetupResponses, SelectMfaTypeResponses};

    /// Parses a captured payload whose extra fields this project does not keep.
    fn round_trip_known<T: DeserializeOwned>(captured: &str) -> T {
        serde_json::from_str(captured).unwrap()
    }

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
        assert!(matches!(request.answer, ChallengeAnswer::NewPassword(ref r) if r.username == "new@example.com"));
        assert!(request.session.is_some());
        assert!(!format!("{request:?}").contains("New-Pass-123"));
        let response: AuthResponse = round_trip(fixture!("respond_to_auth_challenge.response.json"));
        assert!(response.authentication_result.is_some());
    }

    #[test]
    fn srp_sign_in() {
        let request: InitiateAuthRequest = round_trip(fixture!("initiate_auth_srp.request.json"));
        assert!(
            matches!(request.flow, AuthFlow::UserSrp { ref username, secret_hash: None, .. } if username == "ok@example.com")
        );
        let challenge: AuthResponse = round_trip(fixture!("initiate_auth_srp_password_verifier.response.json"));
        assert_eq!(challenge.challenge_name.as_deref(), Some(PASSWORD_VERIFIER));
        let parameters = challenge.challenge_parameters.unwrap();
        for value in [&parameters.salt, &parameters.srp_b, &parameters.secret_block, &parameters.user_id_for_srp] {
            assert!(value.as_ref().is_some_and(|v| !v.is_empty()), "{parameters:?}");
        }
        let answer: RespondToAuthChallengeRequest =
            round_trip(fixture!("respond_to_auth_challenge_password_verifier.request.json"));
        let ChallengeAnswer::PasswordVerifier(ref proof) = answer.answer else { panic!("{answer:?}") };
        assert_eq!(Some(&proof.username), parameters.user_id_for_srp.as_ref());
        assert_eq!(Some(&proof.secret_block), parameters.secret_block.as_ref());
        assert!(!format!("{answer:?}").contains(&proof.signature));
        let signed_in: AuthResponse = round_trip(fixture!("respond_to_auth_challenge_password_verifier.response.json"));
        assert!(signed_in.authentication_result.is_some());
        // A temporary password proved by SRP: Cognito names the user by USER_ID_FOR_SRP only.
        let temporary: AuthResponse = round_trip_known(fixture!(
            "respond_to_auth_challenge_password_verifier_new_password_required.response.json"
        ));
        assert_eq!(temporary.challenge_name.as_deref(), Some(NEW_PASSWORD_REQUIRED));
        let parameters = temporary.challenge_parameters.unwrap();
        assert_eq!(parameters.username, None);
        assert_eq!(parameters.answer_as(), parameters.user_id_for_srp.as_deref());
    }

    #[test]
    fn mfa_challenges_and_answers() {
        // SOFTWARE_TOKEN_MFA as ministack asks for it (FRIENDLY_DEVICE_NAME is not kept).
        let asked: AuthResponse = round_trip_known(fixture!("initiate_auth_software_token_mfa.response.json"));
        assert_eq!(asked.challenge_name.as_deref(), Some(crate::mfa::SOFTWARE_TOKEN_MFA));
        let parameters = asked.challenge_parameters.unwrap();
        assert_eq!(parameters.answer_as(), Some("ana@example.com"));
        let answer: RespondToAuthChallengeRequest<MfaAnswer> =
            round_trip(fixture!("respond_to_auth_challenge_software_token_mfa.request.json"));
        let MfaAnswer::SoftwareTokenMfa(ref code) = answer.answer else { panic!("{answer:?}") };
        assert_eq!((code.username.as_str(), code.code.as_str()), ("ana@example.com", "089173"));
        assert_eq!(answer.session, asked.session);
        assert!(!format!("{answer:?}").contains("089173"));
        // MFA_SETUP as AWS documents it: the factors come as a JSON array inside a string.
        let setup: AuthResponse = round_trip(fixture!("respond_to_auth_challenge_mfa_setup.response.json"));
        let parameters = setup.challenge_parameters.unwrap();
        assert_eq!(parameters.mfas_can_setup.as_deref(), Some(r#"["SOFTWARE_TOKEN_MFA"]"#));
        let error: ErrorResponse = round_trip(fixture!("error_code_mismatch.json"));
        assert_eq!(error.exception(), "CodeMismatchException");
    }

    #[test]
    fn mfa_answers_are_written_as_cognito_reads_them() {
        let check = |answer: MfaAnswer, expected: serde_json::Value| {
            let request = RespondToAuthChallengeRequest { client_id: "c".into(), session: Some("s".into()), answer };
            let mut wanted = serde_json::json!({"ClientId": "c", "Session": "s"});
            wanted.as_object_mut().unwrap().extend(expected.as_object().unwrap().clone());
            assert_eq!(serde_json::to_value(&request).unwrap(), wanted);
        };
        check(
            MfaAnswer::SelectMfaType(SelectMfaTypeResponses {
                username: "u".into(),
                answer: crate::mfa::SOFTWARE_TOKEN_MFA.into(),
                secret_hash: Some("h".into()),
            }),
            serde_json::json!({"ChallengeName": "SELECT_MFA_TYPE",
                "ChallengeResponses": {"USERNAME": "u", "ANSWER": "SOFTWARE_TOKEN_MFA", "SECRET_HASH": "h"}}),
        );
        check(
            MfaAnswer::MfaSetup(MfaSetupResponses { username: "u".into(), secret_hash: None }),
            serde_json::json!({"ChallengeName": "MFA_SETUP", "ChallengeResponses": {"USERNAME": "u"}}),
        );
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
            (fixture!("error_srp_wrong_password.json"), "NotAuthorizedException"),
            (fixture!("error_srp_unknown_user.json"), "NotAuthorizedException"),
            (fixture!("error_user_disabled.json"), "NotAuthorizedException"),
            (fixture!("error_flow_not_enabled.json"), "InvalidParameterException"),
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
