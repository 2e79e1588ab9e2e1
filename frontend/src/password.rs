//! The checks on a new password, made before sending it so that the user hears about a typo
//! or a short password at once, against the pool's own policy as `config.json` gives it
//! (`whoami-admin configure` writes it from the pool; Cognito's defaults where a key is
//! absent). Cognito applies the policy anyway.

use whoami_shared::files::PoolFeatures;

/// Why a new password is refused before it is sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    #[error("The two passwords are not the same. Type the new password twice.")]
    Mismatch,
    #[error("The new password needs at least {0} characters.")]
    TooShort(usize),
    #[error("The new password needs {0}.")]
    MissingKind(String),
    #[error("The new password cannot start or end with a space.")]
    Spaces,
}

/// What Cognito counts as a symbol; a space counts too, except at either end.
/// <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-policies.html>
pub const SYMBOLS: &str = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";

/// A pool's password policy.
#[allow(clippy::struct_excessive_bools, reason = "Cognito's own four independent requirements")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub min_length: usize,
    pub lowercase: bool,
    pub uppercase: bool,
    pub digit: bool,
    pub symbol: bool,
}

impl Default for Policy {
    /// Cognito's default policy: 8 characters with every kind.
    fn default() -> Self {
        Self { min_length: 8, lowercase: true, uppercase: true, digit: true, symbol: true }
    }
}

impl Policy {
    /// The policy in `config_json` (the text of `config.json`), Cognito's default for each key
    /// it does not give or that is not what `configure` writes.
    pub fn from_config(config_json: &str) -> Self {
        let features: PoolFeatures = crate::json::from_str(config_json).unwrap_or_default();
        let default = Self::default();
        Self {
            min_length: features.password_min_length.map_or(default.min_length, |n| n as usize),
            lowercase: features.password_require_lowercase.unwrap_or(default.lowercase),
            uppercase: features.password_require_uppercase.unwrap_or(default.uppercase),
            digit: features.password_require_numbers.unwrap_or(default.digit),
            symbol: features.password_require_symbols.unwrap_or(default.symbol),
        }
    }

    /// The rules in one sentence, shown beside a new-password field.
    pub fn describe(&self) -> String {
        match self.kinds() {
            Some(kinds) => format!("At least {} characters, with {kinds}.", self.min_length),
            None => format!("At least {} characters.", self.min_length),
        }
    }

    /// Checks `new` against the policy and against its confirmation. Only ASCII classes, as
    /// Cognito counts them, so no Unicode tables are compiled into the page.
    pub fn check(&self, new: &str, confirm: &str) -> Result<(), PasswordProblem> {
        if new != confirm {
            return Err(PasswordProblem::Mismatch);
        }
        if new.chars().count() < self.min_length {
            return Err(PasswordProblem::TooShort(self.min_length));
        }
        if new.starts_with(' ') || new.ends_with(' ') {
            return Err(PasswordProblem::Spaces);
        }
        let has = |f: fn(char) -> bool| new.chars().any(f);
        let all_kinds = (!self.lowercase || has(|c| c.is_ascii_lowercase()))
            && (!self.uppercase || has(|c| c.is_ascii_uppercase()))
            && (!self.digit || has(|c| c.is_ascii_digit()))
            && (!self.symbol || has(|c| SYMBOLS.contains(c)));
        match self.kinds() {
            Some(kinds) if !all_kinds => Err(PasswordProblem::MissingKind(kinds)),
            _ => Ok(()),
        }
    }

    /// "a lowercase letter, an uppercase letter and a digit": the kinds the policy requires.
    fn kinds(&self) -> Option<String> {
        let kinds: Vec<&str> = [
            (self.lowercase, "a lowercase letter"),
            (self.uppercase, "an uppercase letter"),
            (self.digit, "a digit"),
            (self.symbol, "a symbol"),
        ]
        .into_iter()
        .filter_map(|(required, kind)| required.then_some(kind))
        .collect();
        match kinds.as_slice() {
            [] => None,
            [only] => Some((*only).to_owned()),
            [first @ .., last] => Some(format!("{} and {last}", first.join(", "))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        for (new, confirm, expected) in [
            ("New-Pass-123", "New-Pass-123", Ok(())),
            ("Ünïcode-Pass-1", "Ünïcode-Pass-1", Ok(())),
            ("New Pass 123", "New Pass 123", Ok(())),
            ("New-Pass-123", "New-Pass-124", Err(PasswordProblem::Mismatch)),
            ("Ab-1", "Ab-1", Err(PasswordProblem::TooShort(8))),
            ("new-pass-123", "new-pass-123", Err(PasswordProblem::MissingKind(ALL.to_owned()))),
            ("NEW-PASS-123", "NEW-PASS-123", Err(PasswordProblem::MissingKind(ALL.to_owned()))),
            ("New-Pass-abc", "New-Pass-abc", Err(PasswordProblem::MissingKind(ALL.to_owned()))),
            ("NewPass1234", "NewPass1234", Err(PasswordProblem::MissingKind(ALL.to_owned()))),
            (" New-Pass-123", " New-Pass-123", Err(PasswordProblem::Spaces)),
            // Cognito's classes are Basic Latin letters and its own list of symbols.
            ("Pass€word123", "Pass€word123", Err(PasswordProblem::MissingKind(ALL.to_owned()))),
            ("ПАРОЛЬ-pass-1", "ПАРОЛЬ-pass-1", Err(PasswordProblem::MissingKind(ALL.to_owned()))),
            ("пароль-PASS-1", "пароль-PASS-1", Err(PasswordProblem::MissingKind(ALL.to_owned()))),
            ("Pass`word123", "Pass`word123", Ok(())),
            ("Pass\\word123", "Pass\\word123", Ok(())),
        ] {
            assert_eq!(Policy::default().check(new, confirm), expected, "{new:?}");
        }
    }

    const ALL: &str = "a lowercase letter, an uppercase letter, a digit and a symbol";

    /// The policy template.yaml gives the pool, as `configure` writes it into config.json.
    const TEMPLATE_POOL: &str = r#"{"region": "eu-west-1", "password_min_length": 12,
        "password_require_lowercase": true, "password_require_uppercase": true,
        "password_require_numbers": true, "password_require_symbols": false}"#;

    #[test]
    fn the_pools_policy_from_config_json() {
        let policy = Policy::from_config(TEMPLATE_POOL);
        assert_eq!(policy, Policy { min_length: 12, lowercase: true, uppercase: true, digit: true, symbol: false });
        assert_eq!(
            policy.describe(),
            "At least 12 characters, with a lowercase letter, an uppercase letter and a digit."
        );
        assert_eq!(policy.check("NewPass12345", "NewPass12345"), Ok(()), "no symbol needed");
        assert_eq!(policy.check("New-Pass-12", "New-Pass-12"), Err(PasswordProblem::TooShort(12)));
        assert_eq!(
            policy.check("newpass12345", "newpass12345").unwrap_err().to_string(),
            "The new password needs a lowercase letter, an uppercase letter and a digit."
        );
        // Keys left out, or not what configure writes: Cognito's defaults.
        assert_eq!(Policy::from_config(r#"{"region": "eu-west-1"}"#), Policy::default());
        assert_eq!(Policy::from_config("not json"), Policy::default());
        assert_eq!(Policy::default().describe(), format!("At least 8 characters, with {ALL}."));
        let lax = Policy { min_length: 6, lowercase: false, uppercase: false, digit: false, symbol: false };
        assert_eq!(lax.describe(), "At least 6 characters.");
        assert_eq!(lax.check("aaaaaa", "aaaaaa"), Ok(()));
        let one = Policy { digit: true, ..lax };
        assert_eq!(one.check("aaaaaa", "aaaaaa").unwrap_err().to_string(), "The new password needs a digit.");
    }
}
