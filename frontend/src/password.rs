//! The basic checks on a new password, made before sending it so that the user hears about
//! a typo or a short password at once. Cognito applies the pool's real policy anyway.

/// Why a new password is refused before it is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    #[error("The two passwords are not the same. Type the new password twice.")]
    Mismatch,
    #[error("The new password needs at least {MIN_LEN} characters.")]
    TooShort,
    #[error("The new password needs a lowercase letter, an uppercase letter, a digit and a symbol.")]
    MissingKind,
    #[error("The new password cannot start or end with a space.")]
    Spaces,
}

/// What Cognito counts as a symbol; a space counts too, except at either end.
/// <https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-policies.html>
pub const SYMBOLS: &str = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";

/// Cognito's default minimum length.
pub const MIN_LEN: usize = 8;

/// Checks `new` against Cognito's default policy (8 characters with a lowercase and an
/// uppercase Basic Latin letter, a digit and one of [`SYMBOLS`]) and against its
/// confirmation. Only ASCII classes, as Cognito counts them, so no Unicode tables are
/// compiled into the page.
pub fn check(new: &str, confirm: &str) -> Result<(), PasswordProblem> {
    if new != confirm {
        return Err(PasswordProblem::Mismatch);
    }
    if new.chars().count() < MIN_LEN {
        return Err(PasswordProblem::TooShort);
    }
    if new.starts_with(' ') || new.ends_with(' ') {
        return Err(PasswordProblem::Spaces);
    }
    let has = |f: fn(char) -> bool| new.chars().any(f);
    let all_kinds = has(|c| c.is_ascii_lowercase())
        && has(|c| c.is_ascii_uppercase())
        && has(|c| c.is_ascii_digit())
        && has(|c| SYMBOLS.contains(c));
    if all_kinds { Ok(()) } else { Err(PasswordProblem::MissingKind) }
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
            ("Ab-1", "Ab-1", Err(PasswordProblem::TooShort)),
            ("new-pass-123", "new-pass-123", Err(PasswordProblem::MissingKind)),
            ("NEW-PASS-123", "NEW-PASS-123", Err(PasswordProblem::MissingKind)),
            ("New-Pass-abc", "New-Pass-abc", Err(PasswordProblem::MissingKind)),
            ("NewPass1234", "NewPass1234", Err(PasswordProblem::MissingKind)),
            (" New-Pass-123", " New-Pass-123", Err(PasswordProblem::Spaces)),
            // Cognito's classes are Basic Latin letters and its own list of symbols.
            ("Pass€word123", "Pass€word123", Err(PasswordProblem::MissingKind)),
            ("ПАРОЛЬ-pass-1", "ПАРОЛЬ-pass-1", Err(PasswordProblem::MissingKind)),
            ("пароль-PASS-1", "пароль-PASS-1", Err(PasswordProblem::MissingKind)),
            ("Pass`word123", "Pass`word123", Ok(())),
            ("Pass\\word123", "Pass\\word123", Ok(())),
        ] {
            assert_eq!(check(new, confirm), expected, "{new:?}");
        }
    }
}
