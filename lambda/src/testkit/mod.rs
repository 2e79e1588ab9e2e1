//! Keys and tokens for tests and benchmarks: an RSA key pair generated on the spot, its
//! JWKS, and ID tokens signed with it. Compiled only with the `testkit` feature.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::pkcs8::{EncodePublicKey, LineEnding};
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};
use whoami_shared::{AppClientId, UserPoolId};

use crate::Config;

mod servers;
pub use servers::{JwksServer, Reply, RuntimeApi};

/// A generated RS256 signing key with its `kid`.
#[derive(Debug)]
pub struct TestKey {
    pub kid: String,
    encoding: EncodingKey,
    public: rsa::RsaPublicKey,
}

impl TestKey {
    /// A fresh 2048-bit key, Cognito's size.
    pub fn generate(kid: &str) -> Self {
        let private = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).expect("RSA key generation");
        Self::from_private(kid, &private)
    }

    /// The same key every time for the same `seed`, so fuzzing seeds can hold valid tokens.
    pub fn seeded(kid: &str, seed: u64) -> Self {
        use rand::SeedableRng as _;
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let private = rsa::RsaPrivateKey::new(&mut rng, 2048).expect("RSA key generation");
        Self::from_private(kid, &private)
    }

    fn from_private(kid: &str, private: &rsa::RsaPrivateKey) -> Self {
        let der = private.to_pkcs1_der().expect("PKCS#1 encoding");
        Self {
            kid: kid.to_owned(),
            encoding: EncodingKey::from_rsa_der(der.as_bytes()),
            public: private.to_public_key(),
        }
    }

    /// The key as a JWK, shaped like the ones Cognito publishes.
    pub fn jwk(&self) -> Value {
        json!({
            "alg": "RS256",
            "e": URL_SAFE_NO_PAD.encode(self.public.e().to_bytes_be()),
            "kid": self.kid,
            "kty": "RSA",
            "n": URL_SAFE_NO_PAD.encode(self.public.n().to_bytes_be()),
            "use": "sig",
        })
    }

    /// The public key in PEM, as an attacker would find it to try HS256 key confusion.
    pub fn public_pem(&self) -> String {
        self.public.to_public_key_pem(LineEnding::LF).expect("PEM encoding")
    }

    /// `claims` signed with this key and an RS256 header naming it.
    pub fn sign(&self, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        self.sign_with_header(&header, claims)
    }

    /// `header_json` and `payload`, encoded as they are and signed with RS256, for tokens
    /// no serializer would write (a payload that is not JSON, say).
    pub fn sign_raw(&self, header_json: &str, payload: &[u8]) -> String {
        let message = format!("{}.{}", URL_SAFE_NO_PAD.encode(header_json), URL_SAFE_NO_PAD.encode(payload));
        let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &self.encoding, Algorithm::RS256)
            .expect("signing raw bytes");
        format!("{message}.{signature}")
    }

    /// `claims` signed with this key under `header`, whatever it says.
    pub fn sign_with_header(&self, header: &Header, claims: &Value) -> String {
        jsonwebtoken::encode(header, claims, &self.encoding).expect("signing test claims")
    }
}

/// A JWKS document holding `keys`.
pub fn jwks(keys: &[&TestKey]) -> String {
    json!({ "keys": keys.iter().map(|k| k.jwk()).collect::<Vec<_>>() }).to_string()
}

/// Seconds since the Unix epoch.
pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_secs()
}

/// The pool and client the tests pretend to be.
pub fn config() -> Config {
    let pool = "eu-west-1_TestPool1".parse().expect("a valid pool id");
    let client = "testclient0123456789abcdef".parse().expect("a valid app client id");
    // Nothing listens there: tests that fetch keys start their own JWKS server.
    Config { jwks_url: "http://127.0.0.1:9/unused".to_owned(), ..Config::new(pool, client) }
}

/// The claims of a valid ID token for `email`, as Cognito writes them, valid for an hour.
pub fn id_token_claims(pool: &UserPoolId, client: &AppClientId, email: &str) -> Value {
    let now = now();
    json!({
        "sub": "4e13a754-28d3-4e67-a08e-5ce0c6fae306",
        "email_verified": true,
        "iss": pool.issuer(),
        "cognito:username": "4e13a754-28d3-4e67-a08e-5ce0c6fae306",
        "origin_jti": "0c1a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8",
        "aud": client.as_str(),
        "event_id": "5f1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d",
        "token_use": "id",
        "auth_time": now,
        "exp": now + 3600,
        "iat": now,
        "jti": "9a8b7c6d-5e4f-3a2b-1c0d-e9f8a7b6c5d4",
        "email": email,
    })
}
