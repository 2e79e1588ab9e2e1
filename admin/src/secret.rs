//! Passwords, tokens and authenticator codes, and reading them from standard input or a prompt
//! without echo.
//!
//! These types hide their value from `Debug` and have no `Display`, so printing one takes a
//! deliberate `expose()`: the only place that does so for output is `login` printing the token
//! it was asked for.

use std::fmt;
use std::io::{BufRead, IsTerminal};

/// A password typed or piped by the operator.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// A password from text, refusing empty text (an empty line usually means the input ran out).
    pub fn new(text: impl Into<String>) -> Result<Self, InputError> {
        let text = text.into();
        if text.is_empty() { Err(InputError::Empty { what: "password" }) } else { Ok(Self(text)) }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// A JWT issued by Cognito (ID, access) or an opaque refresh token.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// A token given by the operator, which must at least look like a JWT.
    pub fn parse_jwt(text: &str) -> Result<Self, InputError> {
        let text = text.trim();
        whoami_shared::token::split(text).map_err(|e| InputError::NotAJwt(e.to_string()))?;
        Ok(Self(text.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// A code from an authenticator app: six digits, checked before anything is sent.
#[derive(Clone, PartialEq, Eq)]
pub struct MfaCode(String);

impl MfaCode {
    /// The code in `text`, ignoring spaces (apps show `123 456`).
    pub fn parse(text: &str) -> Result<Self, InputError> {
        let code: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(code))
        } else {
            Err(InputError::NotACode)
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for MfaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MfaCode(<redacted>)")
    }
}

/// A code Cognito emailed (a forgotten password's, a sign-up's): one word, spaces dropped.
/// Cognito's are six digits, but a pool's own message may carry others, so only emptiness is
/// refused here and Cognito judges the rest.
#[derive(Clone, PartialEq, Eq)]
pub struct EmailedCode(String);

impl EmailedCode {
    pub fn parse(text: &str) -> Result<Self, InputError> {
        let code: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if code.is_empty() { Err(InputError::Empty { what: "code" }) } else { Ok(Self(code)) }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for EmailedCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EmailedCode(<redacted>)")
    }
}

/// Why a secret or an answer could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("standard input ended before the {what}; give it as one line")]
    Ended { what: &'static str },
    #[error("the {what} is empty")]
    Empty { what: &'static str },
    #[error("cannot read the {what}: {source}")]
    Io { what: &'static str, source: std::io::Error },
    #[error("no {what} given: pass {flag} and write it to standard input, or run on a terminal to be prompted")]
    NotGiven { what: &'static str, flag: &'static str },
    #[error("standard input is not a JWT: {0}")]
    NotAJwt(String),
    #[error(
        "the code must be the 6 digits the authenticator app shows; nothing was sent, run again with the current code"
    )]
    NotACode,
}

/// Where secrets and confirmations come from: standard input, read line by line, or a prompt
/// without echo when standard input is a terminal.
#[derive(Debug)]
pub struct Input<R> {
    lines: R,
    terminal: bool,
}

impl Input<std::io::StdinLock<'static>> {
    /// The process's standard input.
    pub fn stdin() -> Self {
        let stdin = std::io::stdin();
        let terminal = stdin.is_terminal();
        Self { lines: stdin.lock(), terminal }
    }
}

impl<R: BufRead> Input<R> {
    /// Input that is not a terminal: every answer is a line of `lines`.
    pub fn from_lines(lines: R) -> Self {
        Self { lines, terminal: false }
    }

    pub fn is_terminal(&self) -> bool {
        self.terminal
    }

    /// A password: on a terminal, prompted without echo; otherwise the next line of standard
    /// input, but only when the operator said so with `flag` (`given`), so a forgotten flag
    /// never swallows input meant for something else.
    pub fn password(&mut self, given: bool, flag: &'static str, prompt: &str) -> Result<Password, InputError> {
        const WHAT: &str = "password";
        if self.terminal {
            let text = rpassword::prompt_password(prompt).map_err(|source| InputError::Io { what: WHAT, source })?;
            return Password::new(text);
        }
        if !given {
            return Err(InputError::NotGiven { what: WHAT, flag });
        }
        Password::new(self.line(WHAT)?)
    }

    /// A code from an authenticator app: on a terminal, prompted without echo; otherwise the
    /// next line of standard input.
    pub fn code(&mut self, prompt: &str) -> Result<MfaCode, InputError> {
        const WHAT: &str = "code";
        if self.terminal {
            let text = rpassword::prompt_password(prompt).map_err(|source| InputError::Io { what: WHAT, source })?;
            return MfaCode::parse(&text);
        }
        MfaCode::parse(&self.line(WHAT)?)
    }

    /// A code Cognito emailed: on a terminal, prompted without echo; otherwise the next line.
    pub fn emailed_code(&mut self, prompt: &str) -> Result<EmailedCode, InputError> {
        const WHAT: &str = "code";
        let text = if self.terminal {
            rpassword::prompt_password(prompt).map_err(|source| InputError::Io { what: WHAT, source })?
        } else {
            self.line(WHAT)?
        };
        EmailedCode::parse(&text)
    }

    /// A token from the next line of standard input.
    pub fn token(&mut self) -> Result<Token, InputError> {
        Token::parse_jwt(&self.line("token")?)
    }

    /// A yes/no answer to `question` on standard error; anything but `y` or `yes` is no.
    pub fn confirm(&mut self, question: &str) -> Result<bool, InputError> {
        eprint!("{question} [y/N] ");
        let answer = match self.line("answer") {
            Ok(answer) => answer,
            Err(InputError::Ended { .. }) => return Ok(false),
            Err(e) => return Err(e),
        };
        Ok(matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
    }

    /// The next line without its line ending. Other whitespace is kept: it may be part of a password.
    fn line(&mut self, what: &'static str) -> Result<String, InputError> {
        let mut line = String::new();
        let read = self.lines.read_line(&mut line).map_err(|source| InputError::Io { what, source })?;
        if read == 0 {
            return Err(InputError::Ended { what });
        }
        let end = line.trim_end_matches(['\n', '\r']).len();
        line.truncate(end);
        Ok(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_secrets() {
        let password = Password::new("hunter2!").unwrap();
        let token = Token::new("eyJhbGciOiJSUzI1NiJ9.e30.c2ln");
        assert_eq!(format!("{password:?} {token:?}"), "Password(<redacted>) Token(<redacted>)");
    }

    #[test]
    fn reads_one_line_per_password() {
        let mut input = Input::from_lines(" first pass \r\nsecond\n".as_bytes());
        assert_eq!(input.password(true, "--password-stdin", "").unwrap().expose(), " first pass ");
        assert_eq!(input.password(true, "--new-password-stdin", "").unwrap().expose(), "second");
        assert!(matches!(input.password(true, "--x", ""), Err(InputError::Ended { what: "password" })));
    }

    #[test]
    fn refuses_to_read_a_password_without_the_flag() {
        let mut input = Input::from_lines("pw\n".as_bytes());
        let err = input.password(false, "--password-stdin", "").unwrap_err();
        assert!(err.to_string().contains("pass --password-stdin"), "{err}");
    }

    #[test]
    fn refuses_an_empty_password() {
        let mut input = Input::from_lines("\n".as_bytes());
        assert!(matches!(input.password(true, "--password-stdin", ""), Err(InputError::Empty { .. })));
    }

    #[test]
    fn tokens_must_look_like_jwts() {
        let mut input = Input::from_lines("eyJhbGciOiJSUzI1NiJ9.e30.c2ln\nnot a token\n".as_bytes());
        assert_eq!(input.token().unwrap().expose(), "eyJhbGciOiJSUzI1NiJ9.e30.c2ln");
        assert!(matches!(input.token(), Err(InputError::NotAJwt(_))));
    }

    #[test]
    fn codes_are_six_digits() {
        let check = |text: &str, expected: Option<&str>| {
            let code = MfaCode::parse(text);
            assert_eq!(code.as_ref().ok().map(MfaCode::expose), expected, "{text:?}");
            if let Err(e) = code {
                assert!(!e.to_string().contains(text.trim()) || text.trim().is_empty(), "{e}");
            }
        };
        check("123456", Some("123456"));
        check(" 123 456\t", Some("123456"));
        check("012345", Some("012345"));
        for wrong in ["", "12345", "1234567", "12345a", "１２３４５６", "123-456"] {
            check(wrong, None);
        }
        let mut input = Input::from_lines("654321\n".as_bytes());
        assert_eq!(input.code("").unwrap().expose(), "654321");
        assert!(matches!(input.code(""), Err(InputError::Ended { what: "code" })));
        assert_eq!(format!("{:?}", MfaCode::parse("123456").unwrap()), "MfaCode(<redacted>)");
    }

    #[test]
    fn emailed_codes_are_one_word() {
        let mut input = Input::from_lines(" 654 321 \n\n".as_bytes());
        assert_eq!(input.emailed_code("").unwrap().expose(), "654321");
        assert!(matches!(input.emailed_code(""), Err(InputError::Empty { what: "code" })));
        assert!(matches!(input.emailed_code(""), Err(InputError::Ended { what: "code" })));
        assert_eq!(format!("{:?}", EmailedCode::parse("1").unwrap()), "EmailedCode(<redacted>)");
    }

    #[test]
    fn confirmation_defaults_to_no() {
        let mut input = Input::from_lines("y\nYes\nn\n\nwhatever\n".as_bytes());
        let answers: Vec<bool> = (0..6).map(|_| input.confirm("delete?").unwrap()).collect();
        assert_eq!(answers, [true, true, false, false, false, false]);
    }
}
