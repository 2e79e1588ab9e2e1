//! Multi-factor sign-in with an authenticator app (TOTP): the code asked for during sign-in,
//! setting an app up (for a signed-in user, or within a sign-in when the pool requires MFA),
//! and the operator's view of a user's MFA through the admin API.

use aws_sdk_cognitoidentityprovider::types::{
    ChallengeNameType, SoftwareTokenMfaSettingsType, VerifySoftwareTokenResponseType,
};
use serde::Serialize;
use whoami_shared::mfa::TotpSecret;

use super::error::map_error;
use super::sign_in::Step;
use super::{Challenge, Cognito, CognitoError, SignIn};
use crate::secret::{MfaCode, Token};

/// Who is setting up an authenticator app.
#[derive(Debug, Clone)]
pub enum Holder<'a> {
    /// A signed-in user, by their access token.
    SignedIn(&'a Token),
    /// A sign-in that Cognito holds at MFA_SETUP (the pool requires MFA): its session, which
    /// each step replaces with a new one.
    SigningIn(Challenge),
}

/// What a user has set up and prefers, as AdminGetUser tells the operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MfaStatus {
    pub username: String,
    /// Cognito's names of the factors the user has turned on, e.g. `SOFTWARE_TOKEN_MFA`.
    pub enabled: Vec<String>,
    /// The factor Cognito asks for first, if any.
    pub preferred: Option<String>,
}

impl Cognito {
    /// RespondToAuthChallenge for SOFTWARE_TOKEN_MFA with the code from the user's app.
    pub async fn answer_software_token(&self, challenge: &Challenge, code: &MfaCode) -> Result<SignIn, CognitoError> {
        let answer = self
            .respond(ChallengeNameType::SoftwareTokenMfa, challenge, &[("SOFTWARE_TOKEN_MFA_CODE", code.expose())])
            .await?;
        self.settle(Step::from(&answer), &challenge.username).await
    }

    /// AssociateSoftwareToken: a new secret for `holder`'s authenticator app (replacing any
    /// earlier one once verified). Within a sign-in, the holder's session moves on.
    pub async fn associate_software_token(&self, holder: &mut Holder<'_>) -> Result<TotpSecret, CognitoError> {
        let request = self.client.associate_software_token();
        let (request, subject) = match holder {
            Holder::SignedIn(access) => (request.access_token(access.expose()), "the signed-in user"),
            Holder::SigningIn(challenge) => (request.session(&challenge.session), challenge.username.as_str()),
        };
        let answer = request.send().await.map_err(|e| map_error(&e, subject))?;
        if let (Holder::SigningIn(challenge), Some(session)) = (holder, answer.session()) {
            session.clone_into(&mut challenge.session);
        }
        answer.secret_code().map(TotpSecret::new).ok_or(CognitoError::IncompleteAnswer("secret code"))
    }

    /// VerifySoftwareToken: the first code from the app proves it holds the secret.
    pub async fn verify_software_token(&self, holder: &mut Holder<'_>, code: &MfaCode) -> Result<(), CognitoError> {
        let request = self.client.verify_software_token().user_code(code.expose()).friendly_device_name("whoami-admin");
        let (request, subject) = match holder {
            Holder::SignedIn(access) => (request.access_token(access.expose()), "the signed-in user".to_owned()),
            Holder::SigningIn(challenge) => (request.session(&challenge.session), challenge.username.clone()),
        };
        let answer = request.send().await.map_err(|e| map_error(&e, &subject))?;
        if answer.status() != Some(&VerifySoftwareTokenResponseType::Success) {
            return Err(CognitoError::WrongCode);
        }
        if let (Holder::SigningIn(challenge), Some(session)) = (holder, answer.session()) {
            session.clone_into(&mut challenge.session);
        }
        Ok(())
    }

    /// RespondToAuthChallenge for MFA_SETUP, once the app is verified within the sign-in.
    pub async fn finish_mfa_setup(&self, challenge: &Challenge) -> Result<SignIn, CognitoError> {
        // The session VerifySoftwareToken gave is the answer: USERNAME (and SECRET_HASH) only.
        let answer = self.respond(ChallengeNameType::MfaSetup, challenge, &[]).await?;
        self.settle(Step::from(&answer), &challenge.username).await
    }

    /// SetUserMFAPreference: the authenticator app on and preferred, for the signed-in user.
    pub async fn prefer_software_token(&self, access: &Token) -> Result<(), CognitoError> {
        self.client
            .set_user_mfa_preference()
            .access_token(access.expose())
            .software_token_mfa_settings(totp_settings(true))
            .send()
            .await
            .map_err(|e| map_error(&e, "the signed-in user"))?;
        Ok(())
    }

    /// AdminGetUser: the factors `username` has turned on and the one they prefer.
    pub async fn mfa_status(&self, username: &str) -> Result<MfaStatus, CognitoError> {
        let user = self
            .client
            .admin_get_user()
            .user_pool_id(self.pool.as_str())
            .username(username)
            .send()
            .await
            .map_err(|e| map_error(&e, username))?;
        Ok(MfaStatus {
            username: user.username().to_owned(),
            enabled: user.user_mfa_setting_list().to_vec(),
            // An empty name is no preference (ministack sends "" where Cognito sends nothing).
            preferred: user.preferred_mfa_setting().filter(|name| !name.is_empty()).map(str::to_owned),
        })
    }

    /// AdminSetUserMFAPreference: the authenticator app off for `username` (who then signs in
    /// with the password alone, unless the pool requires MFA).
    pub async fn disable_software_token(&self, username: &str) -> Result<(), CognitoError> {
        self.client
            .admin_set_user_mfa_preference()
            .user_pool_id(self.pool.as_str())
            .username(username)
            .software_token_mfa_settings(totp_settings(false))
            .send()
            .await
            .map_err(|e| map_error(&e, username))?;
        Ok(())
    }
}

fn totp_settings(on: bool) -> SoftwareTokenMfaSettingsType {
    SoftwareTokenMfaSettingsType::builder().enabled(on).preferred_mfa(on).build()
}

#[cfg(test)]
mod tests {
    use aws_sdk_cognitoidentityprovider::Client;
    use aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthOutput;
    use aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeOutput;
    use aws_sdk_cognitoidentityprovider::types::AuthenticationResultType;
    use aws_smithy_mocks::mock;

    use super::*;
    use crate::cognito::AuthFlow;
    use crate::cognito::testing::{CLIENT_ID, UUID, cognito, cognito_error, password};

    fn tokens() -> AuthenticationResultType {
        AuthenticationResultType::builder()
            .id_token("id.token.x")
            .access_token("access.token.x")
            .expires_in(3600)
            .build()
    }

    fn param<'a>(map: Option<&'a std::collections::HashMap<String, String>>, key: &str) -> Option<&'a str> {
        map.and_then(|m| m.get(key)).map(String::as_str)
    }

    #[tokio::test]
    async fn a_code_answers_software_token_mfa_within_its_session() {
        let initiate = mock!(Client::initiate_auth).then_output(|| {
            InitiateAuthOutput::builder()
                .challenge_name(ChallengeNameType::SoftwareTokenMfa)
                .session("session-1")
                .challenge_parameters("USER_ID_FOR_SRP", UUID)
                .build()
        });
        let respond = mock!(Client::respond_to_auth_challenge)
            .match_requests(|r| {
                r.challenge_name() == Some(&ChallengeNameType::SoftwareTokenMfa)
                    && r.client_id() == Some(CLIENT_ID)
                    && r.session() == Some("session-1")
                    && param(r.challenge_responses(), "USERNAME") == Some(UUID)
                    && param(r.challenge_responses(), "SOFTWARE_TOKEN_MFA_CODE") == Some("123456")
                    && param(r.challenge_responses(), "SECRET_HASH").is_some()
            })
            .then_output(|| RespondToAuthChallengeOutput::builder().authentication_result(tokens()).build());
        let cognito = cognito(&[&initiate, &respond], Some("secret"));
        let SignIn::SoftwareTokenMfa(challenge) =
            cognito.sign_in(AuthFlow::Password, "ana@example.com", &password("Pa55-word")).await.unwrap()
        else {
            panic!("expected the code challenge");
        };
        let code = MfaCode::parse("123 456").unwrap();
        let SignIn::Done(tokens) = cognito.answer_software_token(&challenge, &code).await.unwrap() else {
            panic!("expected tokens");
        };
        assert_eq!(tokens.id.expose(), "id.token.x");
        assert_eq!(respond.num_calls(), 1);
    }

    #[tokio::test]
    async fn select_mfa_type_picks_the_authenticator_app_when_offered() {
        let select = |offered: &'static str| {
            mock!(Client::initiate_auth).then_output(move || {
                InitiateAuthOutput::builder()
                    .challenge_name(ChallengeNameType::SelectMfaType)
                    .session("session-1")
                    .challenge_parameters("MFAS_CAN_CHOOSE", offered)
                    .challenge_parameters("USER_ID_FOR_SRP", UUID)
                    .build()
            })
        };
        let initiate = select(r#"["SMS_MFA","SOFTWARE_TOKEN_MFA"]"#);
        let choose = mock!(Client::respond_to_auth_challenge)
            .match_requests(|r| {
                r.challenge_name() == Some(&ChallengeNameType::SelectMfaType)
                    && r.session() == Some("session-1")
                    && param(r.challenge_responses(), "ANSWER") == Some("SOFTWARE_TOKEN_MFA")
                    && param(r.challenge_responses(), "USERNAME") == Some(UUID)
            })
            .then_output(|| {
                RespondToAuthChallengeOutput::builder()
                    .challenge_name(ChallengeNameType::SoftwareTokenMfa)
                    .session("session-2")
                    .build()
            });
        let cognito_with = cognito(&[&initiate, &choose], None);
        let step = cognito_with.sign_in(AuthFlow::Password, "ana@example.com", &password("Pa55-word")).await.unwrap();
        assert!(matches!(step, SignIn::SoftwareTokenMfa(ref c) if c.session == "session-2"), "{step:?}");

        // Offered only SMS (or email), the tool cannot go on, and says which were offered.
        let initiate = select(r#"["SMS_MFA"]"#);
        let err = cognito(&[&initiate], None)
            .sign_in(AuthFlow::Password, "ana@example.com", &password("Pa55-word"))
            .await
            .unwrap_err();
        assert!(err.to_string().contains(r#"SELECT_MFA_TYPE (offering ["SMS_MFA"])"#), "{err}");
    }

    #[tokio::test]
    async fn a_wrong_or_late_code_is_a_plain_sentence() {
        let challenge = Challenge { session: "s".into(), username: UUID.into() };
        let code = MfaCode::parse("000000").unwrap();
        for (code_name, message, expected) in [
            (
                "CodeMismatchException",
                "Invalid code received for user",
                "the code is not the one the authenticator app",
            ),
            ("ExpiredCodeException", "Your software token has already been used once.", "the code is not the one"),
            (
                "NotAuthorizedException",
                "Invalid session for the user, session is expired.",
                "the sign-in took too long",
            ),
        ] {
            let rule = cognito_error(mock!(Client::respond_to_auth_challenge), code_name, message);
            let err = cognito(&[&rule], None).answer_software_token(&challenge, &code).await.unwrap_err();
            assert!(err.to_string().contains(expected), "{code_name}: {err}");
        }
    }

    /// The captured and documented challenges (shared/tests/data/cognito/README.md) have what
    /// this module reads: a Session, the user's name, and MFAS_CAN_SETUP as a JSON array in a string.
    #[test]
    fn the_stored_mfa_challenges_have_what_is_read() {
        let read = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap();
        let code =
            read(include_str!("../../../shared/tests/data/cognito/initiate_auth_software_token_mfa.response.json"));
        assert_eq!(code["ChallengeName"], "SOFTWARE_TOKEN_MFA");
        assert!(code["Session"].is_string() && code["ChallengeParameters"]["USER_ID_FOR_SRP"].is_string());
        let setup =
            read(include_str!("../../../shared/tests/data/cognito/respond_to_auth_challenge_mfa_setup.response.json"));
        assert_eq!(setup["ChallengeName"], "MFA_SETUP");
        let can_set_up: Vec<String> =
            serde_json::from_str(setup["ChallengeParameters"]["MFAS_CAN_SETUP"].as_str().unwrap()).unwrap();
        assert_eq!(can_set_up, ["SOFTWARE_TOKEN_MFA"]);
        let mismatch = read(include_str!("../../../shared/tests/data/cognito/error_code_mismatch.json"));
        assert_eq!(mismatch["__type"], "CodeMismatchException");
    }

    #[tokio::test]
    async fn disable_turns_the_app_off_and_unprefers_it() {
        let rule = mock!(Client::admin_set_user_mfa_preference)
            .match_requests(|r| {
                r.user_pool_id() == Some(crate::cognito::testing::POOL)
                    && r.username() == Some("ana@example.com")
                    && r.software_token_mfa_settings().is_some_and(|s| !s.enabled() && !s.preferred_mfa())
                    && r.sms_mfa_settings().is_none()
            })
            .then_output(|| {
                aws_sdk_cognitoidentityprovider::operation::admin_set_user_mfa_preference::AdminSetUserMfaPreferenceOutput::builder().build()
            });
        cognito(&[&rule], None).disable_software_token("ana@example.com").await.unwrap();
        assert_eq!(rule.num_calls(), 1);
    }

    #[tokio::test]
    async fn mfa_setup_within_a_sign_in_carries_each_new_session() {
        let associate = mock!(Client::associate_software_token)
            .match_requests(|r| r.session() == Some("session-1") && r.access_token().is_none())
            .then_output(|| {
                aws_sdk_cognitoidentityprovider::operation::associate_software_token::AssociateSoftwareTokenOutput::builder()
                    .secret_code("JBSWY3DPEHPK3PXP")
                    .session("session-2")
                    .build()
            });
        let verify = mock!(Client::verify_software_token)
            .match_requests(|r| r.session() == Some("session-2") && r.user_code() == Some("123456"))
            .then_output(|| {
                aws_sdk_cognitoidentityprovider::operation::verify_software_token::VerifySoftwareTokenOutput::builder()
                    .status(VerifySoftwareTokenResponseType::Success)
                    .session("session-3")
                    .build()
            });
        let respond = mock!(Client::respond_to_auth_challenge)
            .match_requests(|r| {
                r.challenge_name() == Some(&ChallengeNameType::MfaSetup)
                    && r.session() == Some("session-3")
                    && param(r.challenge_responses(), "USERNAME") == Some(UUID)
            })
            .then_output(|| RespondToAuthChallengeOutput::builder().authentication_result(tokens()).build());
        let cognito = cognito(&[&associate, &verify, &respond], None);
        let mut holder = Holder::SigningIn(Challenge { session: "session-1".into(), username: UUID.into() });
        let secret = cognito.associate_software_token(&mut holder).await.unwrap();
        assert_eq!(secret.expose(), "JBSWY3DPEHPK3PXP");
        cognito.verify_software_token(&mut holder, &MfaCode::parse("123456").unwrap()).await.unwrap();
        let Holder::SigningIn(challenge) = holder else { unreachable!() };
        let step = cognito.finish_mfa_setup(&challenge).await.unwrap();
        assert!(matches!(step, SignIn::Done(_)), "{step:?}");
    }
}
