//! Verifying a Cognito ID token ourselves, for requests that no authorizer has vetted:
//! RS256 only, a known key, the signature, the exact issuer, expiry, issue time, and then
//! the same ID-token checks as for authorizer claims.

use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;
use whoami_shared::token;
use whoami_shared::{AppClientId, UserPoolId};

use crate::identity::{ClaimsToCheck, Identity, Source};
use crate::jwks::KeyStore;
use crate::reject::Rejection;

/// How far in the future `iat` may be, for clocks that disagree slightly.
pub const IAT_LEEWAY_SECS: u64 = 10;

/// Verifies tokens issued by one user pool to one app client.
#[derive(Debug)]
pub struct Verifier {
    client: AppClientId,
    keys: KeyStore,
    validation: Validation,
}

/// The payload claims read from a verified token.
#[derive(Debug, Deserialize)]
struct Claims {
    token_use: Option<String>,
    aud: Option<Audience>,
    email: Option<String>,
    iat: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

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
        let header = token::decode_header(token)?;
        if header.alg != "RS256" {
            return Err(Rejection::UnsupportedAlgorithm(header.alg));
        }
        let kid = header.kid.ok_or(Rejection::MissingKeyId)?;
        let key = self.keys.key(&kid).await?;
        let claims = jsonwebtoken::decode::<Claims>(token, &key, &self.validation)?.claims;

        let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        if claims.iat.is_some_and(|iat| iat > now + IAT_LEEWAY_SECS) {
            return Err(Rejection::IssuedInFuture);
        }
        let aud = match &claims.aud {
            Some(Audience::One(aud)) => Some(aud.as_str()),
            // A list must name this client to count; any entry will do for the comparison.
            Some(Audience::Many(list)) => {
                list.iter().find(|a| *a == self.client.as_str()).or(list.first()).map(String::as_str)
            }
            None => None,
        };
        ClaimsToCheck { token_use: claims.token_use.as_deref(), aud, email: claims.email.as_deref() }
            .check(&self.client, Source::SelfVerified)
    }
}
