//! Multi-factor sign-in with an authenticator app: answering Cognito's SOFTWARE_TOKEN_MFA (and
//! SELECT_MFA_TYPE, choosing the app) with the app's code, setting an app up (signed in, or
//! within a sign-in that Cognito holds at MFA_SETUP because the pool requires a factor), and,
//! signed in, reading whether it is on and turning it off. Only screens loaded on demand call
//! these, so none of it is in the first visit's wasm. The wire types are `shared::mfa`'s.

use std::cell::RefCell;
use std::rc::Rc;

use whoami_shared::cognito::{ErrorResponse, TARGET_RESPOND_TO_AUTH_CHALLENGE};
use whoami_shared::mfa::{
    AssociateSoftwareTokenRequest, AssociateSoftwareTokenResponse, GetUserRequest, GetUserResponse, MfaAnswer,
    MfaSettings, MfaSetupResponses, SOFTWARE_TOKEN_MFA, SelectMfaTypeResponses, SetUserMfaPreferenceRequest,
    SoftwareTokenMfaResponses, TARGET_ASSOCIATE_SOFTWARE_TOKEN, TARGET_GET_USER, TARGET_SET_USER_MFA_PREFERENCE,
    TARGET_VERIFY_SOFTWARE_TOKEN, TotpSecret, VerifySoftwareTokenRequest, VerifySoftwareTokenResponse, offers_app,
};

use super::{Authenticated, Challenge, SignInStep, client_secret_hash, read_answer, send_cognito};
use whoami_shared::files::PageConfigFile;

use crate::config::Config;
use crate::errors::{AuthError, Call};
use crate::json;

/// The name Cognito keeps for an app set up from this page (FRIENDLY_DEVICE_NAME).
const DEVICE_NAME: &str = "Authenticator app";

/// Why a code or a set-up step was not accepted, as the user reads it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MfaError {
    #[error("That code is not right. Type the code your authenticator app shows now.")]
    WrongCode,
    #[error("That code was already used. Wait for your authenticator app to show the next one, then type it.")]
    CodeUsed,
    #[error("{0}")]
    Auth(AuthError),
}

impl From<AuthError> for MfaError {
    fn from(error: AuthError) -> Self {
        Self::Auth(error)
    }
}

impl MfaError {
    /// Whether the user can type another code where they are; otherwise the sign-in (or the
    /// session) is over and they start again.
    pub fn can_try_again(&self) -> bool {
        matches!(
            self,
            Self::WrongCode | Self::CodeUsed | Self::Auth(AuthError::TooManyAttempts | AuthError::Unreachable)
        )
    }

    /// Whether the refusal means a signed-in session is over (its tokens are no good).
    pub fn ends_session(&self) -> bool {
        matches!(self, Self::Auth(error) if error.ends_session())
    }

    /// Maps Cognito's refusal (status and body) of a call made as `call`.
    fn from_response(call: Call, status: u16, body: &str) -> Self {
        match json::from_str::<ErrorResponse>(body).as_ref().map(ErrorResponse::exception) {
            // VerifySoftwareToken says EnableSoftwareTokenMFAException for a wrong first code.
            Ok("CodeMismatchException" | "EnableSoftwareTokenMFAException") => Self::WrongCode,
            // A code that has been used once (TOTP codes are single-use) or is too old.
            Ok("ExpiredCodeException") => Self::CodeUsed,
            _ => Self::Auth(AuthError::from_response(call, status, body)),
        }
    }
}

/// Sends one operation; a refusal becomes its sentence.
async fn call(config: &Config, target: &str, body: Option<String>, call: Call) -> Result<String, MfaError> {
    match send_cognito(config, target, body).await? {
        Ok(text) => Ok(text),
        Err((status, text)) => Err(MfaError::from_response(call, status, &text)),
    }
}

impl Challenge {
    /// SELECT_MFA_TYPE offers the authenticator app among its choices.
    pub fn offers_app_choice(&self) -> bool {
        offers_app(self.parameters.mfas_can_choose.as_deref(), json::from_str::<Vec<String>>)
    }

    /// MFA_SETUP allows setting up an authenticator app.
    pub fn can_set_up_app(&self) -> bool {
        offers_app(self.parameters.mfas_can_setup.as_deref(), json::from_str::<Vec<String>>)
    }

    /// Answers SOFTWARE_TOKEN_MFA with the six digits from the user's app. A wrong code
    /// leaves the challenge open for another try while its session lasts.
    pub async fn answer_code(&self, code: &str) -> Result<SignInStep, MfaError> {
        let answer = MfaAnswer::SoftwareTokenMfa(SoftwareTokenMfaResponses {
            username: self.username.clone(),
            code: code.to_owned(),
            secret_hash: client_secret_hash(&self.config, &self.username),
        });
        self.answer_mfa(&self.session, answer).await
    }

    /// Answers SELECT_MFA_TYPE with the authenticator app; Cognito then asks for its code.
    pub async fn choose_app(&self) -> Result<SignInStep, MfaError> {
        let answer = MfaAnswer::SelectMfaType(SelectMfaTypeResponses {
            username: self.username.clone(),
            answer: SOFTWARE_TOKEN_MFA.to_owned(),
            secret_hash: client_secret_hash(&self.config, &self.username),
        });
        self.answer_mfa(&self.session, answer).await
    }

    async fn answer_mfa(&self, session: &str, answer: MfaAnswer) -> Result<SignInStep, MfaError> {
        let body = self.request(session, answer);
        let text = call(&self.config, TARGET_RESPOND_TO_AUTH_CHALLENGE, body, Call::Challenge).await?;
        Ok(self.step(&text)?)
    }
}

/// Who is setting up an authenticator app.
#[derive(Debug, Clone)]
pub enum Enrolment {
    /// A signed-in user, by their access token.
    SignedIn(Authenticated),
    /// A sign-in held at MFA_SETUP, by its session, which each step replaces with the next.
    SigningIn(Rc<Challenge>, Rc<RefCell<String>>),
}

/// What a verified app leads to.
#[derive(Debug)]
pub enum Enrolled {
    /// The signed-in user's app is on and preferred.
    On,
    /// The sign-in goes on (tokens, most likely).
    SignIn(SignInStep),
}

impl Enrolment {
    /// Within `challenge` (MFA_SETUP), starting from its session.
    pub fn signing_in(challenge: Rc<Challenge>) -> Self {
        let session = Rc::new(RefCell::new(challenge.session.clone()));
        Self::SigningIn(challenge, session)
    }

    fn config(&self) -> &Config {
        match self {
            Self::SignedIn(session) => &session.0.config,
            Self::SigningIn(challenge, _) => &challenge.config,
        }
    }

    /// What an authenticator app shows for the entry: the issuer (config.json's `mfa_issuer`,
    /// else this page's host) and the user's email.
    pub fn label(&self) -> (String, String) {
        let config = self.config();
        let issuer = json::from_str::<PageConfigFile>(&config.text.0).ok().and_then(|file| file.mfa_issuer);
        let issuer = issuer.or_else(|| web_sys::window()?.location().host().ok()).unwrap_or_default();
        let email = match self {
            Self::SignedIn(session) => session.0.tokens.borrow().email().unwrap_or_default(),
            Self::SigningIn(challenge, _) => challenge.email.clone(),
        };
        (issuer, email)
    }

    /// How Cognito's refusals read: a signed-in user's session may have ended, a sign-in's
    /// challenge may have expired.
    fn call_kind(&self) -> Call {
        match self {
            Self::SignedIn(_) => Call::SignedIn,
            Self::SigningIn(..) => Call::Challenge,
        }
    }

    /// The access token or the current session, whichever identifies the user.
    async fn holder(&self) -> Result<(Option<String>, Option<String>), MfaError> {
        Ok(match self {
            Self::SignedIn(session) => (Some(session.fresh_access_token().await?), None),
            Self::SigningIn(_, current) => (None, Some(current.borrow().clone())),
        })
    }

    /// Keeps the session a step gave for the next one.
    fn carry(&self, session: Option<String>) {
        if let (Self::SigningIn(_, current), Some(next)) = (self, session) {
            *current.borrow_mut() = next;
        }
    }

    /// AssociateSoftwareToken: a new secret for the app to scan.
    pub async fn associate(&self) -> Result<TotpSecret, MfaError> {
        let (access_token, session) = self.holder().await?;
        let body = json::to_string(&AssociateSoftwareTokenRequest { access_token, session });
        let text = call(self.config(), TARGET_ASSOCIATE_SOFTWARE_TOKEN, body, self.call_kind()).await?;
        let answer: AssociateSoftwareTokenResponse = read_answer(&text)?;
        self.carry(answer.session);
        Ok(answer.secret_code)
    }

    /// VerifySoftwareToken with the app's first code, then, signed in, makes the app the
    /// preferred factor (SetUserMFAPreference), or, signing in, answers MFA_SETUP.
    pub async fn verify(&self, code: &str) -> Result<Enrolled, MfaError> {
        let (access_token, session) = self.holder().await?;
        let request = VerifySoftwareTokenRequest {
            access_token,
            session,
            user_code: code.to_owned(),
            friendly_device_name: Some(DEVICE_NAME.to_owned()),
        };
        let body = json::to_string(&request);
        let text = call(self.config(), TARGET_VERIFY_SOFTWARE_TOKEN, body, self.call_kind()).await?;
        let answer: VerifySoftwareTokenResponse = read_answer(&text)?;
        if !answer.succeeded() {
            return Err(MfaError::WrongCode);
        }
        self.carry(answer.session);
        match self {
            Self::SignedIn(session) => {
                session.set_app(true).await?;
                Ok(Enrolled::On)
            }
            Self::SigningIn(challenge, current) => {
                let answer = MfaAnswer::MfaSetup(MfaSetupResponses {
                    username: challenge.username.clone(),
                    secret_hash: client_secret_hash(&challenge.config, &challenge.username),
                });
                let session = current.borrow().clone();
                Ok(Enrolled::SignIn(challenge.answer_mfa(&session, answer).await?))
            }
        }
    }
}

impl Authenticated {
    /// GetUser: whether the user's sign-ins ask for a code from an authenticator app.
    pub async fn app_enabled(&self) -> Result<bool, MfaError> {
        let body = json::to_string(&GetUserRequest { access_token: self.fresh_access_token().await? });
        let text = call(&self.0.config, TARGET_GET_USER, body, Call::SignedIn).await?;
        Ok(read_answer::<GetUserResponse>(&text)?.app_enabled())
    }

    /// SetUserMFAPreference: the authenticator app on and preferred, or off. A pool that
    /// requires MFA refuses to turn the only factor off.
    pub async fn set_app(&self, on: bool) -> Result<(), MfaError> {
        let request = SetUserMfaPreferenceRequest {
            access_token: self.fresh_access_token().await?,
            software_token_mfa_settings: MfaSettings::app(on),
        };
        call(&self.0.config, TARGET_SET_USER_MFA_PREFERENCE, json::to_string(&request), Call::SignedIn).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(call: Call, body: &str, expected: &MfaError) {
        assert_eq!(&MfaError::from_response(call, 400, body), expected, "{call:?} {body}");
    }

    #[test]
    fn refusals_read_as_sentences() {
        let captured = include_str!("../../../shared/tests/data/cognito/error_code_mismatch.json");
        check(Call::Challenge, captured, &MfaError::WrongCode);
        check(
            Call::SignedIn,
            r#"{"__type":"EnableSoftwareTokenMFAException","message":"Code mismatch"}"#,
            &MfaError::WrongCode,
        );
        check(Call::Challenge, r#"{"__type":"ExpiredCodeException","message":"x"}"#, &MfaError::CodeUsed);
        check(
            Call::Challenge,
            r#"{"__type":"NotAuthorizedException","message":"Invalid session for the user, session is expired."}"#,
            &MfaError::Auth(AuthError::ChallengeExpired),
        );
        check(
            Call::SignedIn,
            r#"{"__type":"NotAuthorizedException","message":"Access Token has been revoked"}"#,
            &MfaError::Auth(AuthError::SessionEnded),
        );
    }

    #[test]
    fn only_a_code_or_a_passing_trouble_keeps_the_form() {
        assert!(MfaError::WrongCode.can_try_again());
        assert!(MfaError::CodeUsed.can_try_again());
        assert!(MfaError::Auth(AuthError::Unreachable).can_try_again());
        assert!(!MfaError::Auth(AuthError::ChallengeExpired).can_try_again());
        assert!(!MfaError::Auth(AuthError::SessionEnded).can_try_again());
        assert!(MfaError::Auth(AuthError::SessionEnded).ends_session());
        assert!(!MfaError::WrongCode.ends_session());
    }
}
