//! The user pool's signing keys: fetched on first use, trusted for at most an hour, and
//! fetched again when a token names a key we have not seen (Cognito rotates keys), at most once
//! per interval so that garbage `kid`s cannot make us hammer the endpoint. A failed fetch is
//! remembered too: while the endpoint is down, requests get a 503 at once instead of each
//! starting (and waiting in line for) another fetch.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};
use std::time::{Duration, Instant};

use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::{AlgorithmParameters, JwkSet, KeyAlgorithm, PublicKeyUse};

use crate::reject::Rejection;

/// When the keys are fetched, and fetched again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchTiming {
    /// After a fetch, how long an unknown `kid` is answered from the cache alone.
    pub refetch_interval: Duration,
    /// After a failed fetch, how long every request that needs one gets a 503 without it (the
    /// 503's `Retry-After` says 5 s).
    pub failure_backoff: Duration,
    /// How long fetched keys are trusted: after that they are fetched again, so a key Cognito
    /// removed stops verifying tokens. If that fetch fails, requests get a 503 rather than an
    /// answer from keys that may have been withdrawn.
    pub max_age: Duration,
}

impl FetchTiming {
    pub const DEFAULT: Self = Self {
        refetch_interval: Duration::from_secs(30),
        failure_backoff: Duration::from_secs(5),
        max_age: Duration::from_secs(3600),
    };
}

/// How long one fetch of the JWKS may take before the request gets a 503.
const FETCH_TIMEOUT: Duration = Duration::from_secs(3);

/// Why a JWKS document could not be used.
#[derive(Debug, thiserror::Error)]
pub enum JwksError {
    #[error("the JWKS could not be fetched from {url}: {reason}")]
    Fetch { url: String, reason: String },
    #[error("the JWKS is not a JSON key set: {0}")]
    Parse(#[from] serde_json::Error),
}

/// The pool's RS256 signing keys by `kid`.
#[derive(Debug)]
pub struct KeyStore {
    source: Source,
    cache: RwLock<Cache>,
    /// Held while fetching, so concurrent requests for an unknown key share one fetch.
    fetching: tokio::sync::Mutex<()>,
    timing: FetchTiming,
}

#[derive(Debug)]
enum Source {
    /// The client is built on first use: behind an API Gateway authorizer no key is ever
    /// fetched, and building it (loading the system's CA certificates) slows cold starts.
    Http { client: OnceLock<reqwest::Client>, url: String },
    /// Keys given up front (tests, benchmarks); never refetched.
    Fixed,
}

#[derive(Debug, Default)]
struct Cache {
    keys: HashMap<String, Arc<DecodingKey>>,
    fetched_at: Option<Instant>,
    /// When the last fetch failed, if it did.
    failed_at: Option<Instant>,
}

impl KeyStore {
    /// Keys fetched from `url` when first needed, and again as `timing` says.
    pub fn from_url(url: impl Into<String>, timing: FetchTiming) -> Self {
        Self::new(Source::Http { client: OnceLock::new(), url: url.into() }, Cache::default(), timing)
    }

    /// Keys from a JWKS document, with nothing to fetch and no expiry.
    pub fn from_jwks(jwks_json: &str) -> Result<Self, JwksError> {
        let keys = parse_jwks(jwks_json.as_bytes())?;
        let forever =
            FetchTiming { refetch_interval: Duration::MAX, failure_backoff: Duration::MAX, max_age: Duration::MAX };
        Ok(Self::new(Source::Fixed, Cache { keys, fetched_at: Some(Instant::now()), failed_at: None }, forever))
    }

    fn new(source: Source, cache: Cache, timing: FetchTiming) -> Self {
        Self { source, cache: RwLock::new(cache), fetching: tokio::sync::Mutex::new(()), timing }
    }

    /// The key named `kid`, fetching the JWKS if needed.
    pub async fn key(&self, kid: &str) -> Result<Arc<DecodingKey>, Rejection> {
        if let Some(key) = self.cached(kid) {
            return Ok(key);
        }
        let Source::Http { client, url } = &self.source else {
            return Err(Rejection::UnknownKey);
        };
        let _fetching = self.fetching.lock().await;
        // Another request may have fetched while this one waited for the lock.
        if let Some(key) = self.cached(kid) {
            return Ok(key);
        }
        let (fetched_at, failed_at) = {
            let cache = self.cache.read().expect("key cache lock poisoned");
            (cache.fetched_at, cache.failed_at)
        };
        // Requests that waited behind a fetch that failed get its answer, not another fetch.
        if failed_at.is_some_and(|at| at.elapsed() < self.timing.failure_backoff) {
            return Err(Rejection::KeysUnavailable);
        }
        let fresh = fetched_at.is_some_and(|at| at.elapsed() < self.timing.max_age);
        if fresh && fetched_at.is_some_and(|at| at.elapsed() < self.timing.refetch_interval) {
            return Err(Rejection::UnknownKey);
        }
        let client = client.get_or_init(|| {
            reqwest::Client::builder()
                .timeout(FETCH_TIMEOUT)
                .build()
                .expect("a client with only a timeout set always builds")
        });
        let keys = match fetch(client, url).await {
            Ok(keys) => keys,
            Err(e) => {
                tracing::warn!(error = %e, "jwks fetch failed");
                self.cache.write().expect("key cache lock poisoned").failed_at = Some(Instant::now());
                return Err(Rejection::KeysUnavailable);
            }
        };
        tracing::info!(keys = keys.len(), "jwks fetched");
        let mut cache = self.cache.write().expect("key cache lock poisoned");
        *cache = Cache { keys, fetched_at: Some(Instant::now()), failed_at: None };
        cache.keys.get(kid).cloned().ok_or(Rejection::UnknownKey)
    }

    /// The key named `kid`, if it was fetched within the keys' maximum age.
    fn cached(&self, kid: &str) -> Option<Arc<DecodingKey>> {
        let cache = self.cache.read().expect("key cache lock poisoned");
        let fresh = cache.fetched_at.is_some_and(|at| at.elapsed() < self.timing.max_age);
        if fresh { cache.keys.get(kid).cloned() } else { None }
    }
}

/// A JWKS document larger than this is refused unread: Cognito's is about a kilobyte, and an
/// endpoint that sends more is not Cognito's.
pub const MAX_JWKS_BYTES: usize = 64 * 1024;

async fn fetch(client: &reqwest::Client, url: &str) -> Result<HashMap<String, Arc<DecodingKey>>, JwksError> {
    let fail = |reason: String| JwksError::Fetch { url: url.to_owned(), reason };
    let mut response = client.get(url).send().await.map_err(|e| fail(e.to_string()))?;
    let status = response.status();
    if !status.is_success() {
        return Err(fail(format!("HTTP status {status}")));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| fail(e.to_string()))? {
        if body.len() + chunk.len() > MAX_JWKS_BYTES {
            return Err(fail(format!("the document is larger than {MAX_JWKS_BYTES} bytes")));
        }
        body.extend_from_slice(&chunk);
    }
    parse_jwks(&body)
}

/// The RS256 signing keys of a JWKS document, by `kid`. Keys for other algorithms or
/// uses, and keys without a `kid`, can never verify a Cognito token and are left out.
fn parse_jwks(json: &[u8]) -> Result<HashMap<String, Arc<DecodingKey>>, JwksError> {
    let set: JwkSet = serde_json::from_slice(json)?;
    let keys = set
        .keys
        .iter()
        .filter(|jwk| matches!(jwk.algorithm, AlgorithmParameters::RSA(_)))
        .filter(|jwk| matches!(jwk.common.key_algorithm, None | Some(KeyAlgorithm::RS256)))
        .filter(|jwk| matches!(jwk.common.public_key_use, None | Some(PublicKeyUse::Signature)))
        .filter_map(|jwk| {
            let kid = jwk.common.key_id.clone()?;
            let key = DecodingKey::from_jwk(jwk).ok()?;
            Some((kid, Arc::new(key)))
        })
        .collect();
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The shape Cognito publishes (values shortened; `n` is not a real modulus).
    const COGNITO_SHAPED: &str = r#"{"keys":[
        {"alg":"RS256","e":"AQAB","kid":"abc=","kty":"RSA","n":"sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw","use":"sig"},
        {"alg":"RS256","e":"AQAB","kty":"RSA","n":"sXch","use":"sig"},
        {"alg":"RS256","e":"AQAB","kid":"enc","kty":"RSA","n":"sXch","use":"enc"},
        {"kty":"oct","kid":"hmac","k":"c2VjcmV0"}
    ]}"#;

    #[test]
    fn keeps_only_rs256_signing_keys_with_a_kid() {
        let keys = parse_jwks(COGNITO_SHAPED.as_bytes()).unwrap();
        assert_eq!(keys.keys().collect::<Vec<_>>(), vec!["abc="]);
    }

    #[test]
    fn rejects_documents_that_are_not_key_sets() {
        for bad in ["", "[]", r#"{"keys":7}"#, "<html>"] {
            assert!(parse_jwks(bad.as_bytes()).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn fixed_keys_answer_unknown_kid_without_fetching() {
        let store = KeyStore::from_jwks(COGNITO_SHAPED).unwrap();
        assert!(store.key("abc=").await.is_ok());
        assert_eq!(store.key("nope").await.unwrap_err(), Rejection::UnknownKey);
    }
}
