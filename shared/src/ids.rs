//! Identifiers parsed at the boundary: a value of one of these types is known to be well formed.

use std::fmt;
use std::str::FromStr;

/// Why a string is not a valid identifier of the kind asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseIdError {
    #[error("is empty")]
    Empty,
    #[error("`{0}` is not an AWS region such as `eu-west-1`")]
    Region(String),
    #[error("`{0}` is not a user pool id such as `eu-west-1_AbC123xyZ` (region, underscore, id)")]
    UserPoolId(String),
    #[error("`{0}` is not an app client id: expected letters and digits only")]
    AppClientId(String),
    #[error("`{0}` is not an email address")]
    Email(String),
}

/// An AWS region name such as `eu-west-1`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Region(String);

impl Region {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The domain AWS's endpoints in this region's partition end with: `amazonaws.com.cn` in
    /// China, `amazonaws.com` in the commercial and GovCloud partitions.
    pub fn dns_suffix(&self) -> &'static str {
        if self.0.starts_with("cn-") { "amazonaws.com.cn" } else { "amazonaws.com" }
    }

    /// Cognito's user-pool API in this region, ending in `/`.
    pub fn cognito_endpoint(&self) -> String {
        format!("https://cognito-idp.{}.{}/", self.0, self.dns_suffix())
    }
}

impl FromStr for Region {
    type Err = ParseIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(ParseIdError::Empty);
        }
        // Every region is lowercase words joined by hyphens and ends with a number:
        // `eu-west-1`, `us-gov-west-1`, `ap-southeast-4`.
        let parts: Vec<&str> = s.split('-').collect();
        let well_formed = parts.len() >= 3
            && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
            && parts.last().is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()));
        if well_formed { Ok(Self(s.to_owned())) } else { Err(ParseIdError::Region(s.to_owned())) }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A Cognito user pool id, `<region>_<id>`. The region is part of the id, so it is never
/// configured separately where a pool id is known.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserPoolId {
    full: String,
    region: Region,
}

impl UserPoolId {
    pub fn as_str(&self) -> &str {
        &self.full
    }

    pub fn region(&self) -> &Region {
        &self.region
    }

    /// The `iss` claim of every token this pool issues.
    pub fn issuer(&self) -> String {
        format!("{}{}", self.region.cognito_endpoint(), self.full)
    }

    /// Where Cognito publishes the pool's signing keys.
    pub fn default_jwks_url(&self) -> String {
        format!("{}/.well-known/jwks.json", self.issuer())
    }
}

impl FromStr for UserPoolId {
    type Err = ParseIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(ParseIdError::Empty);
        }
        let invalid = || ParseIdError::UserPoolId(s.to_owned());
        let (region, id) = s.split_once('_').ok_or_else(invalid)?;
        let region: Region = region.parse().map_err(|_| invalid())?;
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(invalid());
        }
        Ok(Self { full: s.to_owned(), region })
    }
}

impl fmt::Display for UserPoolId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.full)
    }
}

/// The id of an app client, the `aud` of the ID tokens issued to it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AppClientId(String);

impl AppClientId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for AppClientId {
    type Err = ParseIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(ParseIdError::Empty);
        }
        // Cognito's ids are 26 lowercase alphanumerics; emulators use other lengths and cases.
        if s.len() <= 128 && s.bytes().all(|b| b.is_ascii_alphanumeric()) {
            Ok(Self(s.to_owned()))
        } else {
            Err(ParseIdError::AppClientId(s.to_owned()))
        }
    }
}

impl fmt::Display for AppClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An email address as Cognito stores it. Only the shape is checked (one `@` with text on
/// both sides, no whitespace or control characters): Cognito has already validated it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Email {
    type Err = ParseIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Err(ParseIdError::Empty);
        }
        let well_formed = s.len() <= 320
            && !s.chars().any(|c| c.is_whitespace() || c.is_control())
            && s.split_once('@')
                .is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty() && !domain.contains('@'));
        if well_formed { Ok(Self(s.to_owned())) } else { Err(ParseIdError::Email(s.to_owned())) }
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a string is not a Cognito username. Not a [`ParseIdError`]: the page parses no
/// usernames, and its wasm would carry these messages in that type's `Display`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseUsernameError {
    #[error("the username is empty")]
    Empty,
    #[error("a username has at most 128 characters")]
    TooLong,
    #[error("a username has no spaces or control characters")]
    Characters,
}

/// A Cognito username as an operator types it: the user's email, or the name (often a UUID)
/// Cognito gave them. Only Cognito's own limits are checked: 1 to 128 characters, no
/// whitespace or control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Username {
    type Err = ParseUsernameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            Err(ParseUsernameError::Empty)
        } else if s.chars().count() > 128 {
            Err(ParseUsernameError::TooLong)
        } else if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            Err(ParseUsernameError::Characters)
        } else {
            Ok(Self(s.to_owned()))
        }
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_pool(input: &str, expected: Option<(&str, &str)>) {
        let parsed = input.parse::<UserPoolId>();
        match expected {
            Some((region, issuer)) => {
                let pool = parsed.unwrap_or_else(|e| panic!("{input}: {e}"));
                assert_eq!(pool.region().as_str(), region, "{input}");
                assert_eq!(pool.issuer(), issuer, "{input}");
            }
            None => assert!(parsed.is_err(), "{input} should be rejected"),
        }
    }

    #[test]
    fn user_pool_ids() {
        check_pool(
            "eu-west-1_AbC123",
            Some(("eu-west-1", "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123")),
        );
        check_pool(
            "us-gov-west-1_x9",
            Some(("us-gov-west-1", "https://cognito-idp.us-gov-west-1.amazonaws.com/us-gov-west-1_x9")),
        );
        // China's partition has its own domain.
        check_pool(
            "cn-north-1_AbC123",
            Some(("cn-north-1", "https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_AbC123")),
        );
        // Emulators' ids can be long hex strings.
        check_pool(
            "us-east-1_8c5b0f3c1d2e4a6b9f7e",
            Some(("us-east-1", "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_8c5b0f3c1d2e4a6b9f7e")),
        );
        for bad in [
            "",
            "eu-west-1",
            "eu-west-1_",
            "_AbC",
            "EU-WEST-1_abc",
            "eu-west_abc",
            "eu-west-1_a/b",
            "eu-west-1_a b",
            "eu-west-x_abc",
        ] {
            check_pool(bad, None);
        }
    }

    #[test]
    fn pool_urls() {
        let pool: UserPoolId = "eu-west-1_AbC123".parse().unwrap();
        assert_eq!(
            pool.default_jwks_url(),
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/.well-known/jwks.json"
        );
    }

    #[test]
    fn app_client_ids() {
        assert!("3n4b5urk1ft4fl3mg5e62d9ado".parse::<AppClientId>().is_ok());
        for bad in ["", "abc def", "abc/def", &"a".repeat(129)] {
            assert!(bad.parse::<AppClientId>().is_err(), "{bad}");
        }
    }

    #[test]
    fn emails() {
        for good in ["lucian@example.com", "a+b@x.y", "ünï@exämple.com"] {
            assert_eq!(good.parse::<Email>().unwrap().as_str(), good);
        }
        for bad in ["", "nobody", "@example.com", "a@", "a@b@c", "a b@example.com", "a@exa\nmple.com"] {
            assert!(bad.parse::<Email>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn usernames() {
        for good in ["lucian@example.com", "4e13a754-28d3-4e67-a08e-5ce0c6fae306", "ünï", &"u".repeat(128)] {
            assert_eq!(good.parse::<Username>().unwrap().as_str(), good);
        }
        let check = |bad: &str, expected: ParseUsernameError| {
            assert_eq!(bad.parse::<Username>(), Err(expected), "{bad:?}");
        };
        check("", ParseUsernameError::Empty);
        check(&"u".repeat(129), ParseUsernameError::TooLong);
        check("a b", ParseUsernameError::Characters);
        check("a\tb", ParseUsernameError::Characters);
        check("a\u{7f}b", ParseUsernameError::Characters);
    }
}
