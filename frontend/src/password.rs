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

/// Cognito's default minimum length.
pub const MIN_LEN: usize = 8;

/// Checks `new` against Cognito's default policy (8 characters with a lowercase letter, an
/// uppercase letter, a digit and a symbol) and against its confirmation.
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
    // Cognito counts the space among its symbols.
    let all_kinds = has(char::is_lowercase)
        && has(char::is_uppercase)
        && has(|c| c.is_ascii_digit())
        && has(|c| c == ' ' || !(c.is_alphanumeric() || c.is_whitespace()));
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
        ] {
            assert_eq!(check(new, confirm), expected, "{new:?}");
        }
    }
}
