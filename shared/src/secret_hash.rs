//! Cognito's SECRET_HASH: `Base64(HMAC-SHA256(key = client secret, message = username + client id))`,
//! required on every sign-in call when the app client has a secret.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The SECRET_HASH for `username` signing in with app client `client_id`.
///
/// When answering a challenge, pass the username Cognito returned in the challenge
/// parameters (`USER_ID_FOR_SRP`), which may differ from what the user typed.
pub fn secret_hash(client_secret: &str, username: &str, client_id: &str) -> String {
    STANDARD.encode(secret_hash_bytes(client_secret, username, client_id))
}

/// [`secret_hash`] before base64, for the page, which encodes with the browser's `btoa` so
/// that no base64 encoder is compiled into it.
pub fn secret_hash_bytes(client_secret: &str, username: &str, client_id: &str) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(client_secret.as_bytes()).expect("HMAC accepts keys of any length");
    mac.update(username.as_bytes());
    mac.update(client_id.as_bytes());
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::secret_hash;

    // Computed independently with Python's hmac and hashlib modules.
    #[test]
    fn known_vectors() {
        let check = |secret, user, client, expected| assert_eq!(secret_hash(secret, user, client), expected);
        check("secret", "alice@example.com", "client123", "O6iETPWy0G8MuX9zG8avLP58e0hgVrrDoXZhJUEsCVU=");
        check(
            "7c1f4s9nq0o8t1r5dq6v1e2m3k4j5h6g7f8d9s0a1p2o3i4u5y6",
            "4e13a754-28d3-4e67-a08e-5ce0c6fae306",
            "3n4b5urk1ft4fl3mg5e62d9ado",
            "oKF86FZFlWJ6jYuGd4KtMPcWlJcfdn+SwVWHw4/pIgM=",
        );
        check("k", "ü@example.com", "x", "ip3VKlINwY3NuB1anty0fRzeCDI79CtPRjKBHPXSzAU=");
    }
}
