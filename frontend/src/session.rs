//! The tokens of a signed-in user and when they need refreshing.
//!
//! The page reads its own ID token's `exp` without verifying it: the API verifies every
//! token, and the page only needs to know when to ask Cognito for a fresh one.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Refresh an ID token that expires within this many seconds, so that a token never
/// expires between the check and the API's verification (clocks drift, requests queue).
pub const REFRESH_MARGIN_SECS: u64 = 5 * 60;

/// The tokens Cognito issued. Never rendered or logged: `Debug` shows none of them.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    pub id_token: String,
    pub access_token: String,
    /// Absent only if Cognito issued none; without it the session ends when the ID token does.
    pub refresh_token: Option<String>,
    /// The session began on the hosted sign-in page: it is refreshed at the token endpoint
    /// (`refresh_token` grant), and signing out also ends the hosted page's own session.
    /// Absent in what earlier versions of the page stored.
    #[serde(default)]
    pub hosted: bool,
}

impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tokens").field("refresh_token", &self.refresh_token.is_some()).finish_non_exhaustive()
    }
}

/// What to do before using an ID token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Use it as it is.
    Fresh,
    /// It expires within the margin (or has expired, or cannot be read): refresh first.
    RefreshFirst,
}

/// The claims the page reads from its own ID token.
#[derive(Debug, Deserialize)]
struct IdClaims {
    exp: u64,
}

/// The email claim, for labels (an authenticator app's entry), never for decisions.
#[derive(Debug, Deserialize)]
struct EmailClaim {
    email: String,
}

impl Tokens {
    /// Whether the ID token must be refreshed before use at `now` (seconds since the epoch).
    pub fn freshness(&self, now: u64) -> Freshness {
        match id_claims::<IdClaims>(&self.id_token) {
            Some(claims) => freshness(claims.exp, now),
            None => Freshness::RefreshFirst,
        }
    }

    /// The email in the ID token, read without verifying it.
    pub fn email(&self) -> Option<String> {
        id_claims::<EmailClaim>(&self.id_token).map(|claims| claims.email)
    }
}

/// The claims of an ID token, read without verifying it (the shared crate's
/// `decode_claims_unverified`, with the page's JSON reader and base64 decoder).
fn id_claims<T: serde::de::DeserializeOwned>(id_token: &str) -> Option<T> {
    let parts = whoami_shared::token::split(id_token).ok()?;
    crate::json::from_str(&String::from_utf8(crate::base64::decode(parts.payload)?).ok()?).ok()
}

/// The refresh decision for a token expiring at `exp`, at `now`.
pub fn freshness(exp: u64, now: u64) -> Freshness {
    if exp <= now.saturating_add(REFRESH_MARGIN_SECS) { Freshness::RefreshFirst } else { Freshness::Fresh }
}

#[cfg(test)]
pub(crate) mod tests {
    use base64::Engine as _;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    use super::*;

    /// An unsigned token with these claims: enough for decisions that read `exp`.
    pub(crate) fn token_with(claims: &str) -> String {
        let part = |s: &str| URL_SAFE_NO_PAD.encode(s);
        format!("{}.{}.c2ln", part(r#"{"alg":"RS256","kid":"k"}"#), part(claims))
    }

    fn tokens(claims: &str) -> Tokens {
        Tokens {
            id_token: token_with(claims),
            access_token: "a".into(),
            refresh_token: Some("r".into()),
            hosted: false,
        }
    }

    #[test]
    fn refresh_within_five_minutes() {
        let now = 1_700_000_000;
        for (exp, expected) in [
            (now + 3600, Freshness::Fresh),
            (now + REFRESH_MARGIN_SECS + 1, Freshness::Fresh),
            (now + REFRESH_MARGIN_SECS, Freshness::RefreshFirst),
            (now + 10, Freshness::RefreshFirst),
            (now - 10, Freshness::RefreshFirst),
            (0, Freshness::RefreshFirst),
        ] {
            assert_eq!(freshness(exp, now), expected, "exp = now {:+}", i128::from(exp) - i128::from(now));
        }
        assert_eq!(freshness(u64::MAX, u64::MAX), Freshness::RefreshFirst);
    }

    #[test]
    fn reads_the_id_token() {
        let t = tokens(r#"{"exp": 1700003600, "cognito:username": "4e13a754"}"#);
        assert_eq!(t.freshness(1_700_000_000), Freshness::Fresh);
        assert_eq!(t.freshness(1_700_003_400), Freshness::RefreshFirst);
        // A token the page cannot read is refreshed rather than sent.
        assert_eq!(tokens("not json").freshness(0), Freshness::RefreshFirst);
        assert_eq!(t.email(), None);
        let garbled = Tokens { id_token: "x".into(), ..t };
        assert_eq!(garbled.freshness(0), Freshness::RefreshFirst);
        let labelled = tokens(r#"{"exp": 1700003600, "email": "ana@example.com"}"#);
        assert_eq!(labelled.email().as_deref(), Some("ana@example.com"));
    }

    #[test]
    fn tokens_stored_before_the_hosted_sign_in_read_as_direct() {
        let earlier: Tokens =
            serde_json::from_str(r#"{"id_token":"i","access_token":"a","refresh_token":"r"}"#).unwrap();
        assert!(!earlier.hosted);
        let hosted = Tokens { hosted: true, ..earlier };
        let text = serde_json::to_string(&hosted).unwrap();
        assert_eq!(serde_json::from_str::<Tokens>(&text).unwrap(), hosted);
    }

    #[test]
    fn debug_hides_the_tokens() {
        let t = tokens(r#"{"exp": 1}"#);
        let shown = format!("{t:?}");
        assert!(!shown.contains(&t.id_token) && !shown.contains("\"a\""), "{shown}");
    }
}
