//! The app client secret: one type for the CLI and the page, whose text is never shown by
//! accident.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An app client secret, from `whoami.toml` or `config.json`. Its `Debug` hides the text and
/// it has no `Display`, so it reaches a log or a message only through a deliberate
/// [`ClientSecret::expose`] (or serde, when a file that holds it is written).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ClientSecret(String);

impl ClientSecret {
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The secret's text, for where Cognito needs it: SECRET_HASH, and the `ClientSecret` of a
    /// refresh or a revocation.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientSecret(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_text_and_serde_keeps_it() {
        let secret = ClientSecret::new("s3cr3t");
        assert_eq!(format!("{secret:?}"), "ClientSecret(<redacted>)");
        assert_eq!(format!("{:?}", Some(&secret)), "Some(ClientSecret(<redacted>))");
        assert_eq!(serde_json::to_string(&secret).unwrap(), r#""s3cr3t""#);
        assert_eq!(serde_json::from_str::<ClientSecret>(r#""s3cr3t""#).unwrap().expose(), "s3cr3t");
    }
}
