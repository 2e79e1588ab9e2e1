//! Verifying a Cognito ID token ourselves, for requests that no authorizer has vetted:
//! RS256 only, a known key, the signature, the exact issuer, expiry, issue time, and then
//! the same ID-token checks as for authorizer claims.

use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, Validation};
use serde_json::{Map, Value};
use whoami_shared::token;
use whoami_shared::{AppClientId, UserPoolId};

use crate::identity::{ClaimsToCheck, Identity, Source};
use crate::jwks::KeyStore;
use crate::reject::Rejection;

/// How far in the future `iat` may be, for clocks that disagree slightly.
pub const IAT_LEEWAY_SECS: u64 = 10;

const WRONG_TYPE: Rejection = Rejection::MalformedClaims("a claim has the wrong type for an ID token");

/// The claim `name` if it is a string; absent is `None`, any other type an error.
fn string_claim<'a>(claims: &'a VerifiedClaims, name: &str) -> Result<Option<&'a str>, Rejection> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(WRONG_TYPE),
    }
}

/// Verifies tokens issued by one user pool to one app client.
#[derive(Debug)]
pub struct Verifier {
    client: AppClientId,
    keys: KeyStore,
    validation: Validation,
}

/// The payload of a token whose signature, issuer and expiry have been verified: what an
/// API Gateway Cognito authorizer passes on, before any ID-token checks.
pub type VerifiedClaims = Map<String, Value>;

impl Verifier {
    pub fn new(pool: &UserPoolId, client: AppClientId, keys: KeyStore) -> Self {
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[pool.issuer()]);
        validation.set_required_spec_claims(&["exp", "iss"]);
        // Cognito and Lambda keep good time; aws-jwt-verify allows no grace either.
        validation.leeway = 0;
        // The audience is checked with the token use, below, for clearer errors.
        validation.validate_aud = false;
        Self { client, keys, validation }
    }

    /// Verifies `token` completely and returns who it identifies.
    pub async fn verify(&self, token: &str) -> Result<Identity, Rejection> {
        let claims = self.authorize(token).await?;
        let aud = match claims.get("aud") {
            None => None,
            Some(Value::String(aud)) => Some(aud.as_str()),
            // A list must name this client to count; any entry will do for the comparison.
            Some(Value::Array(list)) => {
                let list: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
                list.iter().find(|a| **a == self.client.as_str()).or(list.first()).copied()
            }
            Some(_) => return Err(WRONG_TYPE),
        };
        ClaimsToCheck {
            token_use: string_claim(&claims, "token_use")?,
            aud,
            email: string_claim(&claims, "email")?,
            // Cognito writes a JSON boolean; anything else is not a yes.
            email_verified: claims.get("email_verified") == Some(&Value::Bool(true)),
        }
        .check(&self.client, Source::SelfVerified)
    }

    /// Checks what API Gateway's Cognito authorizer checks (the signature with a key the
    /// pool publishes, RS256, the issuer, expiry) plus that `iat` is not in the future, and
    /// returns every claim. It does not check the app client or the token use: callers
    /// that act on an identity must, as [`Verifier::verify`] does.
    pub async fn authorize(&self, token: &str) -> Result<VerifiedClaims, Rejection> {
        let header = token::decode_header(token)?;
        if header.alg != "RS256" {
            return Err(Rejection::UnsupportedAlgorithm(header.alg));
        }
        let kid = header.kid.ok_or(Rejection::MissingKeyId)?;
        let key = self.keys.key(&kid).await?;
        let claims = jsonwebtoken::decode::<VerifiedClaims>(token, &key, &self.validation)?.claims;

        let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        match claims.get("iat").map(Value::as_u64) {
            Some(None) => return Err(WRONG_TYPE),
            Some(Some(iat)) if iat > now + IAT_LEEWAY_SECS => return Err(Rejection::IssuedInFuture),
            // No `iat`, or one in the past.
            _ => {}
        }
        Ok(claims)
    }
}
