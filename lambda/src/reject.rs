//! Why a request is refused, and the one place that turns a refusal into a response status,
//! a stable code and a sentence.

use whoami_shared::token::DecodeError;

/// A request the API refuses. Every variant is an expected outcome answered with a 4xx or
/// 503 response, never an error handed to the Lambda runtime.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("no token was sent; send the Cognito ID token in the Authorization header")]
    MissingToken,
    #[error("the token is malformed: {0}")]
    Malformed(#[from] DecodeError),
    #[error("the token's claims are not readable: {0}")]
    MalformedClaims(&'static str),
    #[error("the token is signed with {0}; only RS256 tokens from Cognito are accepted")]
    UnsupportedAlgorithm(String),
    #[error("the token names no signing key (kid); send a Cognito ID token")]
    MissingKeyId,
    #[error("the token was signed by a key this user pool does not publish")]
    UnknownKey,
    #[error("the token's signature does not match its contents")]
    InvalidSignature,
    #[error("the token has expired; sign in again to get a new one")]
    Expired,
    #[error("the token was issued in the future; check the clock of whoever issued it")]
    IssuedInFuture,
    #[error("the token has no valid `{0}` claim; send a Cognito ID token")]
    MissingClaim(String),
    #[error("the token was issued by another user pool")]
    WrongIssuer,
    #[error("the token was issued to another app client")]
    WrongAudience,
    #[error("this is not an ID token (token_use is `{0}`); send the ID token, not the access token")]
    WrongTokenUse(String),
    #[error("the token carries no usable email; give the app client read access to the email attribute")]
    MissingEmail,
    #[error(
        "the account's email address is not verified; verify it (or give the app client read access to \
         email_verified), then sign in again"
    )]
    EmailNotVerified,
    #[error("the user pool's signing keys cannot be fetched right now; try again shortly")]
    KeysUnavailable,
}

impl Rejection {
    /// The stable, machine-readable code clients can branch on.
    pub fn code(&self) -> &'static str {
        match self {
            Rejection::MissingToken => "missing_token",
            Rejection::Malformed(_) | Rejection::MalformedClaims(_) => "malformed_token",
            Rejection::UnsupportedAlgorithm(_) => "unsupported_algorithm",
            Rejection::MissingKeyId | Rejection::UnknownKey => "unknown_key",
            Rejection::InvalidSignature => "invalid_signature",
            Rejection::Expired => "token_expired",
            Rejection::IssuedInFuture => "token_not_yet_valid",
            Rejection::MissingClaim(_) => "missing_claim",
            Rejection::WrongIssuer => "wrong_issuer",
            Rejection::WrongAudience => "wrong_audience",
            Rejection::WrongTokenUse(_) => "wrong_token_use",
            Rejection::MissingEmail => "missing_email",
            Rejection::EmailNotVerified => "email_not_verified",
            Rejection::KeysUnavailable => "keys_unavailable",
        }
    }

    /// 401 for anything wrong with the token; 403 for a good token whose email cannot be
    /// vouched for; 503 when the keys to check it are out of reach.
    pub fn status(&self) -> u16 {
        match self {
            Rejection::EmailNotVerified => 403,
            Rejection::KeysUnavailable => 503,
            _ => 401,
        }
    }
}

impl From<jsonwebtoken::errors::Error> for Rejection {
    fn from(e: jsonwebtoken::errors::Error) -> Self {
        use jsonwebtoken::errors::ErrorKind;
        match e.kind() {
            ErrorKind::InvalidSignature | ErrorKind::InvalidRsaKey(_) => Rejection::InvalidSignature,
            ErrorKind::ExpiredSignature => Rejection::Expired,
            ErrorKind::ImmatureSignature => Rejection::IssuedInFuture,
            ErrorKind::InvalidIssuer => Rejection::WrongIssuer,
            ErrorKind::InvalidAudience => Rejection::WrongAudience,
            ErrorKind::MissingRequiredClaim(claim) => Rejection::MissingClaim(claim.clone()),
            ErrorKind::InvalidAlgorithm | ErrorKind::UnsupportedAlgorithm | ErrorKind::InvalidAlgorithmName => {
                Rejection::UnsupportedAlgorithm("an algorithm other than RS256".to_owned())
            }
            ErrorKind::Json(_) | ErrorKind::InvalidClaimFormat(_) => {
                Rejection::MalformedClaims("a claim has the wrong type for an ID token")
            }
            ErrorKind::Base64(_) | ErrorKind::Utf8(_) => {
                Rejection::MalformedClaims("a part is not base64url-encoded UTF-8")
            }
            // Key-format and provider errors, and anything the library adds later.
            _ => Rejection::MalformedClaims("it could not be decoded"),
        }
    }
}
