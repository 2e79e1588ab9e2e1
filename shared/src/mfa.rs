//! Multi-factor sign-in with an authenticator app (TOTP), as the page speaks it to Cognito:
//! setting an app up (AssociateSoftwareToken, VerifySoftwareToken) for a signed-in user (by
//! access token) or within a sign-in that Cognito holds at MFA_SETUP (by the challenge's
//! Session), making it the user's preferred factor or turning it off (SetUserMFAPreference),
//! and reading what the user has (GetUser). The answers to the sign-in challenges themselves
//! are [`crate::cognito::ChallengeAnswer`]'s. The admin CLI makes the same calls through the
//! AWS SDK and shares the secret's type and the `otpauth://` URI.
//!
//! Each `Debug` leaves out codes, secrets, sessions and tokens.

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::{Deserialize, Serialize};

pub const TARGET_ASSOCIATE_SOFTWARE_TOKEN: &str = "AWSCognitoIdentityProviderService.AssociateSoftwareToken";
pub const TARGET_VERIFY_SOFTWARE_TOKEN: &str = "AWSCognitoIdentityProviderService.VerifySoftwareToken";
pub const TARGET_SET_USER_MFA_PREFERENCE: &str = "AWSCognitoIdentityProviderService.SetUserMFAPreference";
pub const TARGET_GET_USER: &str = "AWSCognitoIdentityProviderService.GetUser";

/// The challenge asking for the code from the user's authenticator app, and Cognito's name
/// for that factor wherever it lists factors (`MFAS_CAN_CHOOSE`, `MFAS_CAN_SETUP`, GetUser).
pub const SOFTWARE_TOKEN_MFA: &str = "SOFTWARE_TOKEN_MFA";
/// The challenge asking which of several factors to use.
pub const SELECT_MFA_TYPE: &str = "SELECT_MFA_TYPE";
/// The challenge of a pool that requires MFA, for a user who has no factor yet.
pub const MFA_SETUP: &str = "MFA_SETUP";

/// The shared secret behind an authenticator app's codes, base32 as Cognito gives it. `Debug`
/// redacts; it is shown only to the user setting the app up.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TotpSecret(String);

impl TotpSecret {
    pub fn new(base32: impl Into<String>) -> Self {
        Self(base32.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The secret in groups of four characters, as people type it into an app by hand.
    pub fn grouped(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        chars.chunks(4).map(|group| group.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
    }
}

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(<redacted>)")
    }
}

/// What `otpauth_uri` leaves as it is: RFC 3986's unreserved characters.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The `otpauth://` URI an authenticator app reads (from a QR code, or pasted): the label is
/// `issuer:account`, both percent-encoded, and the issuer is repeated as a parameter, as
/// Google Authenticator's key-URI format asks.
pub fn otpauth_uri(issuer: &str, account: &str, secret: &TotpSecret) -> String {
    let issuer = utf8_percent_encode(issuer, UNRESERVED);
    let account = utf8_percent_encode(account, UNRESERVED);
    format!("otpauth://totp/{issuer}:{account}?secret={}&issuer={issuer}", secret.expose())
}

/// Whether a challenge's list of factors (`MFAS_CAN_CHOOSE`, `MFAS_CAN_SETUP`: a JSON array
/// written inside a string, `"[\"SOFTWARE_TOKEN_MFA\"]"`) names the authenticator app.
/// `parse` reads the array (the page brings its own JSON reader).
pub fn offers_app<E>(list: Option<&str>, parse: impl FnOnce(&str) -> Result<Vec<String>, E>) -> bool {
    list.and_then(|text| parse(text).ok()).is_some_and(|names| names.iter().any(|n| n == SOFTWARE_TOKEN_MFA))
}

/// The answers to the second-factor challenges: the `answer` of a
/// [`crate::cognito::RespondToAuthChallengeRequest`]`<MfaAnswer>`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "ChallengeName", content = "ChallengeResponses")]
pub enum MfaAnswer {
    #[serde(rename = "SOFTWARE_TOKEN_MFA")]
    SoftwareTokenMfa(SoftwareTokenMfaResponses),
    #[serde(rename = "SELECT_MFA_TYPE")]
    SelectMfaType(SelectMfaTypeResponses),
    /// After VerifySoftwareToken, with the session it gave.
    #[serde(rename = "MFA_SETUP")]
    MfaSetup(MfaSetupResponses),
}

impl fmt::Debug for MfaAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MfaAnswer::SoftwareTokenMfa(r) => f.debug_tuple("SoftwareTokenMfa").field(r).finish(),
            MfaAnswer::SelectMfaType(r) => f.debug_tuple("SelectMfaType").field(r).finish(),
            MfaAnswer::MfaSetup(r) => f.debug_tuple("MfaSetup").field(r).finish(),
        }
    }
}

/// `ChallengeResponses` for SOFTWARE_TOKEN_MFA: the code from the user's authenticator app.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SoftwareTokenMfaResponses {
    #[serde(rename = "USERNAME")]
    pub username: String,
    #[serde(rename = "SOFTWARE_TOKEN_MFA_CODE")]
    pub code: String,
    #[serde(rename = "SECRET_HASH", default, skip_serializing_if = "Option::is_none")]
    pub secret_hash: Option<String>,
}

impl fmt::Debug for SoftwareTokenMfaResponses {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SoftwareTokenMfaResponses").field("username", &self.username).finish_non_exhaustive()
    }
}

/// `ChallengeResponses` for SELECT_MFA_TYPE: the factor chosen ([`SOFTWARE_TOKEN_MFA`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelectMfaTypeResponses {
    #[serde(rename = "USERNAME")]
    pub username: String,
    #[serde(rename = "ANSWER")]
    pub answer: String,
    #[serde(rename = "SECRET_HASH", default, skip_serializing_if = "Option::is_none")]
    pub secret_hash: Option<String>,
}

/// `ChallengeResponses` for MFA_SETUP, once VerifySoftwareToken has accepted the app's first
/// code: the user, nothing more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MfaSetupResponses {
    #[serde(rename = "USERNAME")]
    pub username: String,
    #[serde(rename = "SECRET_HASH", default, skip_serializing_if = "Option::is_none")]
    pub secret_hash: Option<String>,
}

/// AssociateSoftwareToken: a new secret for the user, by access token (signed in) or by the
/// MFA_SETUP challenge's session (signing in).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssociateSoftwareTokenRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
}

/// AssociateSoftwareToken's answer: the secret, and a new session when one was sent.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssociateSoftwareTokenResponse {
    pub secret_code: TotpSecret,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
}

/// VerifySoftwareToken: the first code from the app, proving it holds the secret.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VerifySoftwareTokenRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    pub user_code: String,
    /// The name Cognito keeps for the app (shown back as FRIENDLY_DEVICE_NAME).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub friendly_device_name: Option<String>,
}

/// VerifySoftwareToken's answer: `SUCCESS` or `ERROR`, and a new session when one was sent
/// (the one to answer MFA_SETUP with).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct VerifySoftwareTokenResponse {
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
}

impl VerifySoftwareTokenResponse {
    pub fn succeeded(&self) -> bool {
        self.status == "SUCCESS"
    }
}

/// SetUserMFAPreference for the authenticator app alone: on and preferred, or off.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetUserMfaPreferenceRequest {
    pub access_token: String,
    pub software_token_mfa_settings: MfaSettings,
}

/// One factor's settings in SetUserMFAPreference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MfaSettings {
    pub enabled: bool,
    pub preferred_mfa: bool,
}

impl MfaSettings {
    /// On and preferred, or off and not preferred.
    pub fn app(on: bool) -> Self {
        Self { enabled: on, preferred_mfa: on }
    }
}

/// GetUser: the signed-in user, by access token.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetUserRequest {
    pub access_token: String,
}

/// The part of GetUser's answer about MFA; the user's attributes and name are not read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetUserResponse {
    /// The factors the user has turned on, e.g. `["SOFTWARE_TOKEN_MFA"]`; absent when none.
    #[serde(rename = "UserMFASettingList", default, skip_serializing_if = "Option::is_none")]
    pub user_mfa_setting_list: Option<Vec<String>>,
    #[serde(rename = "PreferredMfaSetting", default, skip_serializing_if = "Option::is_none")]
    pub preferred_mfa_setting: Option<String>,
}

impl GetUserResponse {
    /// Whether the user's sign-ins ask for a code from an authenticator app.
    pub fn app_enabled(&self) -> bool {
        self.user_mfa_setting_list.as_ref().is_some_and(|list| list.iter().any(|n| n == SOFTWARE_TOKEN_MFA))
    }
}

macro_rules! debug_without_secrets {
    ($($type:ty),*) => {$(
        impl fmt::Debug for $type {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($type)).finish_non_exhaustive()
            }
        }
    )*};
}

debug_without_secrets!(
    AssociateSoftwareTokenRequest,
    AssociateSoftwareTokenResponse,
    VerifySoftwareTokenRequest,
    VerifySoftwareTokenResponse,
    SetUserMfaPreferenceRequest,
    GetUserRequest
);

#[cfg(test)]
mod tests {
    use super::*;

    fn check_uri(issuer: &str, account: &str, expected: &str) {
        assert_eq!(otpauth_uri(issuer, account, &TotpSecret::new("JBSWY3DPEHPK3PXP")), expected);
    }

    #[test]
    fn the_uri_encodes_label_and_issuer() {
        check_uri(
            "cognito-whoami",
            "ana@example.com",
            "otpauth://totp/cognito-whoami:ana%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=cognito-whoami",
        );
        check_uri(
            "Acme Co: prod",
            "a+b@x.y",
            "otpauth://totp/Acme%20Co%3A%20prod:a%2Bb%40x.y?secret=JBSWY3DPEHPK3PXP&issuer=Acme%20Co%3A%20prod",
        );
        check_uri("Ünï", "u", "otpauth://totp/%C3%9Cn%C3%AF:u?secret=JBSWY3DPEHPK3PXP&issuer=%C3%9Cn%C3%AF");
        check_uri(
            "localhost:8080",
            "u",
            "otpauth://totp/localhost%3A8080:u?secret=JBSWY3DPEHPK3PXP&issuer=localhost%3A8080",
        );
    }

    #[test]
    fn the_secret_is_grouped_by_four_and_redacted_in_debug_output() {
        let secret = TotpSecret::new("JBSWY3DPEHPK3PXPABC");
        assert_eq!(secret.grouped(), "JBSW Y3DP EHPK 3PXP ABC");
        assert_eq!(format!("{secret:?}"), "TotpSecret(<redacted>)");
        let request = VerifySoftwareTokenRequest {
            access_token: Some("token-text".into()),
            session: None,
            user_code: "123456".into(),
            friendly_device_name: None,
        };
        let debug = format!("{request:?}");
        assert!(!debug.contains("token-text") && !debug.contains("123456"), "{debug}");
    }

    fn parse(text: &str) -> Result<Vec<String>, serde_json::Error> {
        serde_json::from_str(text)
    }

    #[test]
    fn the_app_is_offered_only_when_listed() {
        assert!(offers_app(Some(r#"["SOFTWARE_TOKEN_MFA"]"#), parse));
        assert!(offers_app(Some(r#"["SMS_MFA","SOFTWARE_TOKEN_MFA"]"#), parse));
        assert!(!offers_app(Some(r#"["SMS_MFA","EMAIL_OTP"]"#), parse));
        assert!(!offers_app(Some("SOFTWARE_TOKEN_MFA"), parse), "not an array");
        assert!(!offers_app(None, parse));
    }

    /// The MFA_SETUP challenge as AWS documents it, stored beside the captured payloads.
    #[test]
    fn mfa_setup_lists_what_can_be_set_up_as_json_in_a_string() {
        let text = include_str!("../tests/data/cognito/respond_to_auth_challenge_mfa_setup.response.json");
        let response: crate::cognito::AuthResponse = serde_json::from_str(text).unwrap();
        assert_eq!(response.challenge_name.as_deref(), Some(MFA_SETUP));
        let parameters = response.challenge_parameters.unwrap();
        assert!(offers_app(parameters.mfas_can_setup.as_deref(), parse));
    }

    macro_rules! fixture {
        ($name:literal) => {
            include_str!(concat!("../tests/data/cognito/", $name))
        };
    }

    /// The set-up's answers as the local stack gave them (tests/data/cognito/README.md).
    #[test]
    fn captured_set_up_answers() {
        let off: GetUserResponse = serde_json::from_str(fixture!("get_user_no_mfa.response.json")).unwrap();
        assert!(!off.app_enabled());
        let on: GetUserResponse = serde_json::from_str(fixture!("get_user.response.json")).unwrap();
        assert!(on.app_enabled());
        assert_eq!(on.preferred_mfa_setting.as_deref(), Some(SOFTWARE_TOKEN_MFA));
        let associated: AssociateSoftwareTokenResponse =
            serde_json::from_str(fixture!("associate_software_token.response.json")).unwrap();
        assert_eq!(associated.secret_code.expose().len(), 32);
        assert!(!format!("{associated:?}").contains(associated.secret_code.expose()));
        let verified: VerifySoftwareTokenResponse =
            serde_json::from_str(fixture!("verify_software_token.response.json")).unwrap();
        assert!(verified.succeeded() && verified.session.is_none());
        let refused: crate::cognito::ErrorResponse =
            serde_json::from_str(fixture!("error_enable_software_token_mfa.json")).unwrap();
        assert_eq!(refused.exception(), "EnableSoftwareTokenMFAException");
    }

    #[test]
    fn requests_are_written_as_cognito_reads_them() {
        let set = SetUserMfaPreferenceRequest {
            access_token: "t".into(),
            software_token_mfa_settings: MfaSettings::app(true),
        };
        assert_eq!(
            serde_json::to_string(&set).unwrap(),
            r#"{"AccessToken":"t","SoftwareTokenMfaSettings":{"Enabled":true,"PreferredMfa":true}}"#
        );
        let associate = AssociateSoftwareTokenRequest { access_token: None, session: Some("s".into()) };
        assert_eq!(serde_json::to_string(&associate).unwrap(), r#"{"Session":"s"}"#);
    }
}
