//! Reading a JWT's parts without verifying it.
//!
//! Nothing decoded here may be trusted: the Lambda uses the header only to choose a key
//! and reject unsupported algorithms early, and the page reads its own token's `exp` to
//! decide when to refresh. Trust comes from verification, never from this module.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// Tokens longer than this are refused before any decoding. Cognito's ID tokens are about
/// 1 KB, and API Gateway refuses headers over 10 KB.
pub const MAX_TOKEN_LEN: usize = 16 * 1024;

/// Why a string cannot be read as a JWT.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("the token is empty")]
    Empty,
    #[error("the token is longer than {MAX_TOKEN_LEN} bytes")]
    TooLong,
    #[error("the token contains characters that are not ASCII; a JWT is base64url text")]
    NotAscii,
    #[error("a JWT has three parts separated by dots; this has {0}")]
    Parts(usize),
    #[error("the token's {0} is not base64url")]
    Base64(Part),
    #[error("the token's {0} is not a JSON object of the expected shape")]
    Json(Part),
}

/// A part of a JWT, named in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Header,
    Payload,
    Signature,
}

impl std::fmt::Display for Part {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Part::Header => "header",
            Part::Payload => "payload",
            Part::Signature => "signature",
        })
    }
}

/// The JOSE header fields this system looks at.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Header {
    pub alg: String,
    #[serde(default)]
    pub kid: Option<String>,
}

/// The three base64url parts of a compact JWT, checked for shape only.
#[derive(Debug, Clone, Copy)]
pub struct Parts<'a> {
    pub header: &'a str,
    pub payload: &'a str,
    pub signature: &'a str,
}

/// The token in an `Authorization` header value, sent raw or as `Bearer <token>`; empty
/// when there is none. Surrounding whitespace is ignored.
pub fn from_authorization(value: &str) -> &str {
    let value = value.trim();
    match value.split_once(' ') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim_start(),
        // Header values arrive trimmed, so "Bearer " with no token is just "Bearer".
        None if value.eq_ignore_ascii_case("bearer") => "",
        _ => value,
    }
}

/// Splits a compact JWT into its parts, checking size, part count and the base64url alphabet.
pub fn split(token: &str) -> Result<Parts<'_>, DecodeError> {
    if token.is_empty() {
        return Err(DecodeError::Empty);
    }
    if token.len() > MAX_TOKEN_LEN {
        return Err(DecodeError::TooLong);
    }
    if !token.is_ascii() {
        return Err(DecodeError::NotAscii);
    }
    let mut it = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) = (it.next(), it.next(), it.next(), it.next()) else {
        return Err(DecodeError::Parts(token.split('.').count()));
    };
    // An empty signature is well formed (an unsecured JWT); verification refuses it later
    // with a clearer reason than "malformed".
    for (text, part) in [(header, Part::Header), (payload, Part::Payload), (signature, Part::Signature)] {
        let alphabet_ok = text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if (text.is_empty() && part != Part::Signature) || !alphabet_ok {
            return Err(DecodeError::Base64(part));
        }
    }
    Ok(Parts { header, payload, signature })
}

/// Decodes the header of a JWT without verifying anything.
pub fn decode_header(token: &str) -> Result<Header, DecodeError> {
    let parts = split(token)?;
    decode_json(parts.header, Part::Header)
}

/// Decodes the payload of a JWT into `T` without verifying anything.
pub fn decode_claims_unverified<T: DeserializeOwned>(token: &str) -> Result<T, DecodeError> {
    let parts = split(token)?;
    decode_json(parts.payload, Part::Payload)
}

fn decode_json<T: DeserializeOwned>(text: &str, part: Part) -> Result<T, DecodeError> {
    let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| DecodeError::Base64(part))?;
    serde_json::from_slice(&bytes).map_err(|_| DecodeError::Json(part))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(json: &str) -> String {
        URL_SAFE_NO_PAD.encode(json)
    }

    fn token(header: &str, payload: &str) -> String {
        format!("{}.{}.c2ln", encode(header), encode(payload))
    }

    #[test]
    fn authorization_header_values() {
        for (value, token) in [
            ("abc.def.ghi", "abc.def.ghi"),
            ("Bearer abc.def.ghi", "abc.def.ghi"),
            ("bearer   abc.def.ghi ", "abc.def.ghi"),
            ("  abc  ", "abc"),
            ("Bearer", ""),
            ("Bearer ", ""),
            ("", ""),
            ("Basic dXNlcg==", "Basic dXNlcg=="),
        ] {
            assert_eq!(from_authorization(value), token, "{value:?}");
        }
    }

    #[derive(Debug, Deserialize)]
    struct Exp {
        exp: u64,
    }

    #[test]
    fn reads_header_and_claims() {
        let t = token(r#"{"kid":"abc","alg":"RS256"}"#, r#"{"exp":1700000000,"email":"a@b.c"}"#);
        assert_eq!(decode_header(&t).unwrap(), Header { alg: "RS256".into(), kid: Some("abc".into()) });
        assert_eq!(decode_claims_unverified::<Exp>(&t).unwrap().exp, 1_700_000_000);
    }

    fn check(token: &str, expected: &DecodeError) {
        assert_eq!(&decode_header(token).unwrap_err(), expected, "{token:.40}");
    }

    #[test]
    fn refuses_malformed_tokens() {
        check("", &DecodeError::Empty);
        check(&"a".repeat(MAX_TOKEN_LEN + 1), &DecodeError::TooLong);
        check("abc", &DecodeError::Parts(1));
        check("a.b", &DecodeError::Parts(2));
        check("a.b.c.d", &DecodeError::Parts(4));
        check("a..c", &DecodeError::Base64(Part::Payload));
        check(".b.c", &DecodeError::Base64(Part::Header));
        check("a+/.b.c", &DecodeError::Base64(Part::Header));
        check("ä.b.c", &DecodeError::NotAscii);
        check("a.b.c=", &DecodeError::Base64(Part::Signature));
        check(&format!("{}.b.c", encode("not json")), &DecodeError::Json(Part::Header));
        check(&format!("{}.b.c", encode(r#"{"kid":"x"}"#)), &DecodeError::Json(Part::Header));
        // A single base64url character cannot encode a byte.
        check("a.b.c", &DecodeError::Base64(Part::Header));
    }
}
