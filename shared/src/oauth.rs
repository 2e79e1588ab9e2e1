//! Cognito's OAuth 2.0 endpoints, those of the hosted sign-in page (managed login): the
//! authorization code grant with PKCE (RFC 7636, S256), as both the admin CLI and the page use
//! it. The authorize request's parameters, the token request's, and the token endpoint's
//! answers, plus the PKCE verifier and its challenge.
//!
//! No I/O and no randomness: callers draw the random bytes (the OS's or the browser's CSPRNG),
//! build the URLs with their own URL type and make the requests themselves. Paths are relative
//! to the hosted UI's base, `https://<prefix>.auth.<region>.amazoncognito.com/` (config.json's
//! and whoami.toml's `hosted_ui_domain`).

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

/// The authorization endpoint: the browser goes there and comes back with a code.
pub const AUTHORIZE_PATH: &str = "oauth2/authorize";
/// The token endpoint: a code (or a refresh token) in, tokens out. A form POST.
pub const TOKEN_PATH: &str = "oauth2/token";
/// Ends the hosted page's own session (its cookie), then redirects to a sign-out URL.
pub const LOGOUT_PATH: &str = "logout";
/// What is asked for: an ID token (`openid`) that carries the email (`email`), what the API needs.
pub const SCOPE: &str = "openid email";

/// A PKCE code verifier: kept by whoever started the sign-in, sent only to the token endpoint,
/// so that a code intercepted on its way back is worthless without it. Its `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct CodeVerifier(String);

/// A text that RFC 7636 does not allow as a verifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a PKCE code verifier is 43 to 128 characters of A-Z, a-z, 0-9, '-', '.', '_' and '~'")]
pub struct InvalidVerifier;

impl CodeVerifier {
    /// The verifier for 32 random bytes: their base64url, 43 characters (RFC 7636's
    /// recommendation, 256 bits of entropy).
    pub fn from_random(bytes: [u8; 32]) -> Self {
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// A verifier given as text, checked against RFC 7636's alphabet and length.
    pub fn new(text: &str) -> Result<Self, InvalidVerifier> {
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~');
        if (43..=128).contains(&text.len()) && text.chars().all(allowed) {
            Ok(Self(text.to_owned()))
        } else {
            Err(InvalidVerifier)
        }
    }

    /// The S256 challenge sent with the authorize request: base64url(SHA-256(verifier)).
    pub fn challenge(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(self.0.as_bytes()))
    }

    /// The verifier's text, for the token request only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for CodeVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CodeVerifier(..)")
    }
}

/// The `state` of one sign-in, from 32 random bytes: the redirect must bring it back unchanged,
/// or the answer belongs to a sign-in someone else started (RFC 6749 section 10.12).
pub fn state_from_random(bytes: [u8; 32]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The query of the authorize request (`GET <base>/oauth2/authorize?...`), for the caller to
/// encode: the code grant, [`SCOPE`], and the S256 challenge of `verifier`.
pub fn authorize_params(
    client_id: &str,
    redirect_uri: &str,
    state: &str,
    verifier: &CodeVerifier,
) -> [(&'static str, String); 7] {
    [
        ("response_type", "code".to_owned()),
        ("client_id", client_id.to_owned()),
        ("redirect_uri", redirect_uri.to_owned()),
        ("scope", SCOPE.to_owned()),
        ("state", state.to_owned()),
        ("code_challenge_method", "S256".to_owned()),
        ("code_challenge", verifier.challenge()),
    ]
}

/// The form of the token request that redeems a code (`POST <base>/oauth2/token`,
/// `application/x-www-form-urlencoded`). `redirect_uri` must be the authorize request's. A
/// client with a secret also sends HTTP Basic authentication (client id and secret).
pub fn code_exchange_params<'a>(
    client_id: &'a str,
    code: &'a str,
    redirect_uri: &'a str,
    verifier: &'a CodeVerifier,
) -> [(&'static str, &'a str); 5] {
    [
        ("grant_type", "authorization_code"),
        ("client_id", client_id),
        ("code", code),
        ("redirect_uri", redirect_uri),
        ("code_verifier", verifier.expose()),
    ]
}

/// The form of the token request that trades a refresh token for new ID and access tokens
/// (`POST <base>/oauth2/token`, as [`code_exchange_params`]), for a session that began on the
/// hosted page. A client with a secret also sends HTTP Basic authentication.
pub fn refresh_params<'a>(client_id: &'a str, refresh_token: &'a str) -> [(&'static str, &'a str); 3] {
    [("grant_type", "refresh_token"), ("client_id", client_id), ("refresh_token", refresh_token)]
}

/// The query of the sign-out request (`GET <base>/logout?...`): ends the hosted page's own
/// session, then sends the browser to `logout_uri`, which must be one of the app client's
/// sign-out URLs (LogoutURLs).
pub fn logout_params<'a>(client_id: &'a str, logout_uri: &'a str) -> [(&'static str, &'a str); 2] {
    [("client_id", client_id), ("logout_uri", logout_uri)]
}

/// What comes back to the redirect URI, read from its query: a code, or an error, with the
/// `state` the authorize request sent (when the server kept it).
#[derive(Clone, PartialEq, Eq)]
pub enum Callback {
    Code { code: String, state: Option<String> },
    Error { error: String, description: Option<String>, state: Option<String> },
}

impl Callback {
    /// Reads a redirect's decoded query pairs; `None` when they hold neither `code` nor `error`
    /// (not an answer to a sign-in at all).
    pub fn from_query<K: AsRef<str>, V: AsRef<str>>(pairs: impl IntoIterator<Item = (K, V)>) -> Option<Self> {
        let (mut code, mut error, mut description, mut state) = (None, None, None, None);
        for (key, value) in pairs {
            let slot = match key.as_ref() {
                "code" => &mut code,
                "error" => &mut error,
                "error_description" => &mut description,
                "state" => &mut state,
                _ => continue,
            };
            // The first of a repeated key counts, as browsers' URLSearchParams.get does.
            slot.get_or_insert_with(|| value.as_ref().to_owned());
        }
        match (error, code) {
            (Some(error), _) => Some(Self::Error { error, description, state }),
            (None, Some(code)) => Some(Self::Code { code, state }),
            (None, None) => None,
        }
    }

    /// The `state` the redirect brought back.
    pub fn state(&self) -> Option<&str> {
        match self {
            Self::Code { state, .. } | Self::Error { state, .. } => state.as_deref(),
        }
    }
}

impl fmt::Debug for Callback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Code { .. } => f.write_str("Callback::Code(..)"),
            Self::Error { error, description, .. } => {
                f.debug_struct("Callback::Error").field("error", error).field("description", description).finish()
            }
        }
    }
}

/// The token endpoint's answer to a redeemed code (or a refresh, without `refresh_token`).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    pub id_token: String,
    pub access_token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// Lifetime of the access and ID tokens, in seconds.
    pub expires_in: u64,
    pub token_type: String,
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenResponse")
            .field("expires_in", &self.expires_in)
            .field("token_type", &self.token_type)
            .finish_non_exhaustive()
    }
}

/// The token endpoint's refusal (status 400 or 401): `invalid_grant` for a code that is
/// unknown, spent, expired, or redeemed with another verifier or redirect URI;
/// `invalid_client` and `unauthorized_client` for the app client's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenError {
    pub error: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7636, appendix B.
    const RFC_VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const RFC_CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    /// The 32 octets RFC 7636's appendix B draws, whose base64url is its verifier.
    const RFC_OCTETS: [u8; 32] = [
        116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191,
        240, 91, 88, 5, 88, 83, 132, 141, 121,
    ];

    #[test]
    fn pkce_matches_rfc_7636_appendix_b() {
        let verifier = CodeVerifier::from_random(RFC_OCTETS);
        assert_eq!(verifier.expose(), RFC_VERIFIER);
        assert_eq!(verifier.challenge(), RFC_CHALLENGE);
        assert_eq!(CodeVerifier::new(RFC_VERIFIER).unwrap().challenge(), RFC_CHALLENGE);
    }

    #[test]
    fn a_verifier_is_checked_and_never_shown() {
        let verifier = CodeVerifier::from_random([7; 32]);
        assert_eq!(verifier.expose().len(), 43);
        assert_eq!(format!("{verifier:?}"), "CodeVerifier(..)");
        for bad in ["short", &"a".repeat(129), &format!("{}+", &RFC_VERIFIER[..43])] {
            assert_eq!(CodeVerifier::new(bad), Err(InvalidVerifier), "{bad}");
        }
        CodeVerifier::new(&"a~b.c_d-".repeat(16)).unwrap();
    }

    #[test]
    fn the_authorize_request_asks_for_a_code_with_the_challenge() {
        let verifier = CodeVerifier::new(RFC_VERIFIER).unwrap();
        let params = authorize_params("client", "http://127.0.0.1:53682/callback", "st", &verifier);
        let get = |key: &str| params.iter().find(|(k, _)| *k == key).map(|(_, v)| v.as_str());
        assert_eq!(get("response_type"), Some("code"));
        assert_eq!(get("scope"), Some("openid email"));
        assert_eq!(get("code_challenge_method"), Some("S256"));
        assert_eq!(get("code_challenge"), Some(RFC_CHALLENGE));
        assert_eq!(get("state"), Some("st"));
        assert!(!params.iter().any(|(_, v)| v == RFC_VERIFIER), "the verifier itself never leaves in the URL");
        let form = code_exchange_params("client", "the-code", "http://127.0.0.1:53682/callback", &verifier);
        assert!(
            form.contains(&("grant_type", "authorization_code")) && form.contains(&("code_verifier", RFC_VERIFIER))
        );
        let refresh = refresh_params("client", "the-refresh-token");
        assert_eq!(refresh[0], ("grant_type", "refresh_token"));
        assert!(
            refresh.contains(&("refresh_token", "the-refresh-token")) && refresh.contains(&("client_id", "client"))
        );
        assert_eq!(
            logout_params("client", "https://x.example/"),
            [("client_id", "client"), ("logout_uri", "https://x.example/")]
        );
    }

    /// Parses a captured payload, writes it back, and checks nothing was lost or added.
    fn round_trip<T: Serialize + serde::de::DeserializeOwned>(captured: &str) -> T {
        let parsed: T = serde_json::from_str(captured).unwrap();
        let original: serde_json::Value = serde_json::from_str(captured).unwrap();
        assert_eq!(serde_json::to_value(&parsed).unwrap(), original);
        parsed
    }

    #[test]
    fn the_token_endpoints_answers_round_trip() {
        let tokens: TokenResponse =
            round_trip(include_str!("../tests/data/oauth/token_authorization_code.response.json"));
        assert!(tokens.id_token.starts_with("eyJ") && tokens.refresh_token.is_some());
        assert_eq!(tokens.token_type, "Bearer");
        assert!(!format!("{tokens:?}").contains(&tokens.id_token), "Debug hides the tokens");
        let refusal: TokenError = round_trip(include_str!("../tests/data/oauth/token_error_invalid_grant.json"));
        assert_eq!(refusal.error, "invalid_grant");
        assert!(refusal.error_description.is_some());
    }

    #[test]
    fn a_redirect_is_a_code_an_error_or_nothing() {
        let check = |pairs: &[(&str, &str)], expected: Option<Callback>| {
            assert_eq!(Callback::from_query(pairs.iter().copied()), expected, "{pairs:?}");
        };
        check(&[("code", "c"), ("state", "s")], Some(Callback::Code { code: "c".into(), state: Some("s".into()) }));
        check(
            &[("error", "access_denied"), ("error_description", "no"), ("state", "s"), ("code", "c")],
            Some(Callback::Error {
                error: "access_denied".into(),
                description: Some("no".into()),
                state: Some("s".into()),
            }),
        );
        check(&[("code", "c"), ("code", "d")], Some(Callback::Code { code: "c".into(), state: None }));
        check(&[("state", "s")], None);
        check(&[], None);
        let code = Callback::Code { code: "secret-code".into(), state: Some("s".into()) };
        assert!(!format!("{code:?}").contains("secret-code"));
        assert_eq!(code.state(), Some("s"));
    }
}
