//! Signing a user in: the SRP and password flows, Cognito's challenges after them
//! (NEW_PASSWORD_REQUIRED; the MFA ones are answered in `mfa`), and the tokens at the end.

use std::collections::HashMap;
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthOutput;
use aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeOutput;
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, AuthenticationResultType, ChallengeNameType};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use num_bigint::BigUint;
use whoami_shared::srp::{self, PasswordVerifier};

use super::error::{map_error, refused_proof};
use super::{Cognito, CognitoError};
use crate::secret::{Password, Token};

/// How `login` and `call-api` prove the password to Cognito.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum AuthFlow {
    /// USER_SRP_AUTH: prove the password without sending it (the app client must allow
    /// ALLOW_USER_SRP_AUTH)
    #[default]
    Srp,
    /// USER_PASSWORD_AUTH: send the password itself to Cognito, over TLS; only for an app client
    /// that does not allow SRP
    Password,
}

impl AuthFlow {
    /// The value `--auth-flow` and the config file's `auth_flow` take.
    pub fn name(self) -> &'static str {
        match self {
            AuthFlow::Srp => "srp",
            AuthFlow::Password => "password",
        }
    }

    /// Cognito's name for the flow, as its refusals spell it.
    pub(super) fn cognito_name(self) -> &'static str {
        match self {
            AuthFlow::Srp => "USER_SRP_AUTH",
            AuthFlow::Password => "USER_PASSWORD_AUTH",
        }
    }

    /// The other flow, the one to suggest when the app client refuses this one.
    pub(super) fn other(self) -> Self {
        match self {
            AuthFlow::Srp => AuthFlow::Password,
            AuthFlow::Password => AuthFlow::Srp,
        }
    }
}

impl fmt::Display for AuthFlow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The tokens of a successful sign-in.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub id: Token,
    pub access: Token,
    /// Cognito leaves it out in some flows (never in USER_PASSWORD_AUTH).
    pub refresh: Option<Token>,
    pub expires_in: i32,
    pub token_type: String,
}

impl Tokens {
    fn from_result(result: &AuthenticationResultType) -> Result<Self, CognitoError> {
        Ok(Self {
            id: Token::new(result.id_token().ok_or(CognitoError::IncompleteAnswer("ID token"))?),
            access: Token::new(result.access_token().ok_or(CognitoError::IncompleteAnswer("access token"))?),
            refresh: result.refresh_token().map(Token::new),
            expires_in: result.expires_in(),
            token_type: result.token_type().unwrap_or("Bearer").to_owned(),
        })
    }
}

/// Where a sign-in stands after a step: tokens, or a challenge Cognito wants answered.
/// (SELECT_MFA_TYPE never shows here: the authenticator app is chosen when offered.)
#[derive(Debug)]
pub enum SignIn {
    Done(Tokens),
    /// Answer with [`Cognito::answer_new_password`].
    NewPasswordRequired(Challenge),
    /// A code from the user's authenticator app: [`Cognito::answer_software_token`].
    SoftwareTokenMfa(Challenge),
    /// The pool requires MFA and the user has none: set one up within the sign-in
    /// ([`Cognito::associate_software_token`] with [`Holder::SigningIn`]).
    ///
    /// [`Holder::SigningIn`]: super::Holder::SigningIn
    MfaSetup(Challenge),
}

/// One of Cognito's challenges, to answer within its session.
#[derive(Debug, Clone)]
pub struct Challenge {
    pub(super) session: String,
    /// The username as Cognito knows it (`USER_ID_FOR_SRP`); with email sign-in it differs
    /// from what was typed, and the challenge's SECRET_HASH must use it.
    pub(super) username: String,
}

impl Challenge {
    pub fn username(&self) -> &str {
        &self.username
    }
}

impl Cognito {
    /// Signs `username` in with `password` through `flow`: tokens, or Cognito wants a new password.
    pub async fn sign_in(&self, flow: AuthFlow, username: &str, password: &Password) -> Result<SignIn, CognitoError> {
        match flow {
            AuthFlow::Srp => self.sign_in_srp(username, password, &random_a()?, unix_now).await,
            AuthFlow::Password => self.sign_in_password(username, password).await,
        }
    }

    /// InitiateAuth with USER_PASSWORD_AUTH: the password goes to Cognito.
    async fn sign_in_password(&self, username: &str, password: &Password) -> Result<SignIn, CognitoError> {
        let answer =
            self.initiate_auth(AuthFlowType::UserPasswordAuth, username, ("PASSWORD", password.expose())).await?;
        self.settle(Step::from(&answer), username).await
    }

    /// InitiateAuth through `flow` for `username` with the flow's own parameter (`PASSWORD` or
    /// `SRP_A`), and SECRET_HASH over `username` when the client has a secret.
    async fn initiate_auth(
        &self,
        flow: AuthFlowType,
        username: &str,
        (key, value): (&str, &str),
    ) -> Result<InitiateAuthOutput, CognitoError> {
        let mut parameters =
            HashMap::from([("USERNAME".to_owned(), username.to_owned()), (key.to_owned(), value.to_owned())]);
        if let Some(hash) = self.app.secret_hash(username) {
            parameters.insert("SECRET_HASH".to_owned(), hash);
        }
        self.client
            .initiate_auth()
            .auth_flow(flow)
            .client_id(self.app.id.as_str())
            .set_auth_parameters(Some(parameters))
            .send()
            .await
            .map_err(|e| map_error(&e, username))
    }

    /// InitiateAuth with USER_SRP_AUTH, then RespondToAuthChallenge with the PASSWORD_VERIFIER
    /// proof: only `A` and a signature leave this machine, never the password.
    ///
    /// `random_a` is the secret behind `A`; `now` gives the Unix time to sign, read once the
    /// challenge is in (Cognito compares it with its own clock).
    async fn sign_in_srp(
        &self,
        username: &str,
        password: &Password,
        random_a: &[u8; 40],
        now: impl FnOnce() -> u64,
    ) -> Result<SignIn, CognitoError> {
        let srp = srp::Client::<BigUint>::new(random_a);
        let challenge = self.initiate_auth(AuthFlowType::UserSrpAuth, username, ("SRP_A", &srp.srp_a())).await?;
        if challenge.challenge_name() != Some(&ChallengeNameType::PasswordVerifier) {
            return self.settle(Step::from(&challenge), username).await;
        }

        let parameter = |key: &'static str| {
            challenge
                .challenge_parameters()
                .and_then(|p| p.get(key))
                .map(String::as_str)
                .ok_or(CognitoError::IncompleteAnswer(key))
        };
        let secret_block_b64 = parameter("SECRET_BLOCK")?;
        let secret_block = STANDARD.decode(secret_block_b64).map_err(|_| CognitoError::SecretBlockNotBase64)?;
        let verifier = PasswordVerifier {
            salt_hex: parameter("SALT")?,
            srp_b_hex: parameter("SRP_B")?,
            secret_block: &secret_block,
            user_id_for_srp: parameter("USER_ID_FOR_SRP")?,
        };
        let signed_at = now();
        let proof = srp.answer(&verifier, &self.pool, password.expose(), signed_at)?;
        // From here on the user is the one Cognito named: with email sign-in that is the
        // internal username, not the email typed, and SECRET_HASH must be over it.
        let mut responses = HashMap::from([
            ("USERNAME".to_owned(), proof.username.clone()),
            ("PASSWORD_CLAIM_SECRET_BLOCK".to_owned(), secret_block_b64.to_owned()),
            ("PASSWORD_CLAIM_SIGNATURE".to_owned(), proof.signature_base64()),
            ("TIMESTAMP".to_owned(), proof.timestamp),
        ]);
        if let Some(hash) = self.app.secret_hash(&proof.username) {
            responses.insert("SECRET_HASH".to_owned(), hash);
        }
        let answer = self
            .client
            .respond_to_auth_challenge()
            .client_id(self.app.id.as_str())
            .challenge_name(ChallengeNameType::PasswordVerifier)
            .set_session(challenge.session().map(str::to_owned))
            .set_challenge_responses(Some(responses))
            .send()
            .await
            .map_err(|e| refused_proof(&e, username, signed_at))?;
        self.settle(Step::from(&answer), &proof.username).await
    }

    /// RespondToAuthChallenge for NEW_PASSWORD_REQUIRED: tokens, or the next challenge (a
    /// code, when the user has MFA).
    pub async fn answer_new_password(
        &self,
        challenge: &Challenge,
        new_password: &Password,
    ) -> Result<SignIn, CognitoError> {
        let answer = self
            .respond(ChallengeNameType::NewPasswordRequired, challenge, &[("NEW_PASSWORD", new_password.expose())])
            .await?;
        self.settle(Step::from(&answer), &challenge.username).await
    }

    /// RespondToAuthChallenge for `name` within `challenge`'s session, with USERNAME, the
    /// challenge's own answers, and SECRET_HASH over the username when the client has a secret.
    pub(super) async fn respond(
        &self,
        name: ChallengeNameType,
        challenge: &Challenge,
        answers: &[(&str, &str)],
    ) -> Result<RespondToAuthChallengeOutput, CognitoError> {
        let mut responses = HashMap::from([("USERNAME".to_owned(), challenge.username.clone())]);
        responses.extend(answers.iter().map(|(key, value)| ((*key).to_owned(), (*value).to_owned())));
        if let Some(hash) = self.app.secret_hash(&challenge.username) {
            responses.insert("SECRET_HASH".to_owned(), hash);
        }
        self.client
            .respond_to_auth_challenge()
            .client_id(self.app.id.as_str())
            .challenge_name(name)
            .session(&challenge.session)
            .set_challenge_responses(Some(responses))
            .send()
            .await
            .map_err(|e| map_error(&e, &challenge.username))
    }

    /// Where a sign-in stands after `step`. SELECT_MFA_TYPE is answered here, with the
    /// authenticator app when Cognito offers it, so callers see its SOFTWARE_TOKEN_MFA instead.
    pub(super) async fn settle(&self, step: Step<'_>, username: &str) -> Result<SignIn, CognitoError> {
        if step.challenge != Some(&ChallengeNameType::SelectMfaType) {
            return step.outcome(username);
        }
        let challenge = step.challenge(username)?;
        // MFAS_CAN_CHOOSE is a JSON array in a string: ["SMS_MFA","SOFTWARE_TOKEN_MFA"].
        let offered = step.parameters.and_then(|p| p.get("MFAS_CAN_CHOOSE")).map_or("[]", String::as_str);
        let choices: Vec<String> = serde_json::from_str(offered).unwrap_or_default();
        if !choices.iter().any(|choice| choice == "SOFTWARE_TOKEN_MFA") {
            return Err(CognitoError::UnsupportedChallenge(format!("SELECT_MFA_TYPE (offering {offered})")));
        }
        let answer =
            self.respond(ChallengeNameType::SelectMfaType, &challenge, &[("ANSWER", "SOFTWARE_TOKEN_MFA")]).await?;
        Step::from(&answer).outcome(&challenge.username)
    }
}

/// What one InitiateAuth or RespondToAuthChallenge answered, whichever it was.
pub(super) struct Step<'a> {
    result: Option<&'a AuthenticationResultType>,
    challenge: Option<&'a ChallengeNameType>,
    parameters: Option<&'a HashMap<String, String>>,
    session: Option<&'a str>,
}

impl<'a> From<&'a InitiateAuthOutput> for Step<'a> {
    fn from(answer: &'a InitiateAuthOutput) -> Self {
        Self {
            result: answer.authentication_result(),
            challenge: answer.challenge_name(),
            parameters: answer.challenge_parameters(),
            session: answer.session(),
        }
    }
}

impl<'a> From<&'a RespondToAuthChallengeOutput> for Step<'a> {
    fn from(answer: &'a RespondToAuthChallengeOutput) -> Self {
        Self {
            result: answer.authentication_result(),
            challenge: answer.challenge_name(),
            parameters: answer.challenge_parameters(),
            session: answer.session(),
        }
    }
}

impl Step<'_> {
    /// Tokens, or a challenge this tool answers, for the user Cognito names (`username` when
    /// it names none); any other challenge is refused by name.
    fn outcome(&self, username: &str) -> Result<SignIn, CognitoError> {
        if let Some(result) = self.result {
            return Tokens::from_result(result).map(SignIn::Done);
        }
        match self.challenge {
            Some(ChallengeNameType::NewPasswordRequired) => Ok(SignIn::NewPasswordRequired(self.challenge(username)?)),
            Some(ChallengeNameType::SoftwareTokenMfa) => Ok(SignIn::SoftwareTokenMfa(self.challenge(username)?)),
            Some(ChallengeNameType::MfaSetup) => Ok(SignIn::MfaSetup(self.challenge(username)?)),
            Some(other) => Err(CognitoError::UnsupportedChallenge(other.as_str().to_owned())),
            None => Err(CognitoError::IncompleteAnswer("tokens or challenge")),
        }
    }

    /// The challenge's session, for the user Cognito names.
    fn challenge(&self, username: &str) -> Result<Challenge, CognitoError> {
        // Cognito names the user in USER_ID_FOR_SRP; older emulators (moto) in USERNAME.
        let username = ["USER_ID_FOR_SRP", "USERNAME"]
            .iter()
            .find_map(|key| self.parameters.and_then(|p| p.get(*key)))
            .map_or(username, String::as_str)
            .to_owned();
        let session = self.session.ok_or(CognitoError::IncompleteAnswer("session"))?.to_owned();
        Ok(Challenge { session, username })
    }
}

/// The secret behind SRP's `A`: 40 bytes from the operating system's generator (why 40:
/// `srp::Client::new`).
fn random_a() -> Result<[u8; 40], CognitoError> {
    let mut bytes = [0; 40];
    getrandom::fill(&mut bytes).map_err(|e| CognitoError::Random(e.to_string()))?;
    Ok(bytes)
}

/// Seconds since the Unix epoch by this machine's clock (0 for a clock set before 1970, which
/// Cognito then refuses as a wrong clock).
fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_secs())
}

#[cfg(test)]
mod tests {
    use aws_sdk_cognitoidentityprovider::Client;
    use aws_sdk_cognitoidentityprovider::config::http::HttpResponse;
    use aws_sdk_cognitoidentityprovider::primitives::{DateTime, DateTimeFormat};
    use aws_smithy_mocks::mock;
    use aws_smithy_types::body::SdkBody;

    use super::*;
    use crate::cognito::testing::{CLIENT_ID, POOL, UUID, cognito, password};

    // Computed independently with Python's hmac, hashlib and base64 modules.
    const HASH_ALICE: &str = "O6iETPWy0G8MuX9zG8avLP58e0hgVrrDoXZhJUEsCVU=";
    const HASH_UUID: &str = "c7RelsyO5DCT44dgcgN3CK0J0bfkk026lCFk7mja+Lc=";

    fn auth_result() -> AuthenticationResultType {
        AuthenticationResultType::builder()
            .id_token("id.token.x")
            .access_token("access.token.x")
            .refresh_token("refresh")
            .expires_in(3600)
            .token_type("Bearer")
            .build()
    }

    fn param<'a>(map: Option<&'a HashMap<String, String>>, key: &str) -> Option<&'a str> {
        map.and_then(|m| m.get(key)).map(String::as_str)
    }

    #[tokio::test]
    async fn sign_in_sends_user_password_auth_with_the_secret_hash() {
        let rule = mock!(Client::initiate_auth)
            .match_requests(|r| {
                r.auth_flow() == Some(&AuthFlowType::UserPasswordAuth)
                    && r.client_id() == Some(CLIENT_ID)
                    && param(r.auth_parameters(), "USERNAME") == Some("alice@example.com")
                    && param(r.auth_parameters(), "PASSWORD") == Some("Pa55-word")
                    && param(r.auth_parameters(), "SECRET_HASH") == Some(HASH_ALICE)
            })
            .then_output(|| InitiateAuthOutput::builder().authentication_result(auth_result()).build());
        let cognito = cognito(&[&rule], Some("secret"));
        let SignIn::Done(tokens) =
            cognito.sign_in(AuthFlow::Password, "alice@example.com", &password("Pa55-word")).await.unwrap()
        else {
            panic!("expected tokens");
        };
        assert_eq!(rule.num_calls(), 1);
        assert_eq!(tokens.id.expose(), "id.token.x");
        assert_eq!(tokens.access.expose(), "access.token.x");
        assert_eq!(tokens.refresh.as_ref().map(Token::expose), Some("refresh"));
        assert_eq!(tokens.expires_in, 3600);
    }

    #[tokio::test]
    async fn without_a_client_secret_there_is_no_secret_hash() {
        let rule = mock!(Client::initiate_auth)
            .match_requests(|r| r.auth_parameters().is_some_and(|p| p.len() == 2 && !p.contains_key("SECRET_HASH")))
            .then_output(|| InitiateAuthOutput::builder().authentication_result(auth_result()).build());
        cognito(&[&rule], None).sign_in(AuthFlow::Password, "alice@example.com", &password("Pa55-word")).await.unwrap();
        assert_eq!(rule.num_calls(), 1);
    }

    #[tokio::test]
    async fn a_new_password_challenge_is_answered_for_the_username_cognito_returned() {
        let initiate = mock!(Client::initiate_auth).then_output(|| {
            InitiateAuthOutput::builder()
                .challenge_name(ChallengeNameType::NewPasswordRequired)
                .session("session-1")
                .challenge_parameters("USER_ID_FOR_SRP", UUID)
                .challenge_parameters("requiredAttributes", "[]")
                .build()
        });
        let respond = mock!(Client::respond_to_auth_challenge)
            .match_requests(|r| {
                r.client_id() == Some(CLIENT_ID)
                    && r.challenge_name() == Some(&ChallengeNameType::NewPasswordRequired)
                    && r.session() == Some("session-1")
                    && param(r.challenge_responses(), "USERNAME") == Some(UUID)
                    && param(r.challenge_responses(), "NEW_PASSWORD") == Some("N3w-password")
                    && param(r.challenge_responses(), "SECRET_HASH") == Some(HASH_UUID)
            })
            .then_output(|| RespondToAuthChallengeOutput::builder().authentication_result(auth_result()).build());
        let cognito = cognito(&[&initiate, &respond], Some("secret"));
        let SignIn::NewPasswordRequired(challenge) =
            cognito.sign_in(AuthFlow::Password, "alice@example.com", &password("Temp-1")).await.unwrap()
        else {
            panic!("expected the challenge");
        };
        assert_eq!(challenge.username(), UUID);
        let SignIn::Done(tokens) = cognito.answer_new_password(&challenge, &password("N3w-password")).await.unwrap()
        else {
            panic!("expected tokens");
        };
        assert_eq!(respond.num_calls(), 1);
        assert_eq!(tokens.id.expose(), "id.token.x");
    }

    #[tokio::test]
    async fn other_challenges_are_refused_by_name() {
        let rule = mock!(Client::initiate_auth).then_output(|| {
            InitiateAuthOutput::builder().challenge_name(ChallengeNameType::SmsMfa).session("s").build()
        });
        let err = cognito(&[&rule], None).sign_in(AuthFlow::Password, "a", &password("p")).await.unwrap_err();
        assert!(matches!(err, CognitoError::UnsupportedChallenge(ref name) if name == "SMS_MFA"), "{err}");
    }

    // SRP, with a fixed secret `a` and clock so the expected proof can be computed here.

    const RANDOM_A: [u8; 40] = [0x3c; 40];
    /// Thu Sep 19 ... 2026: the time the proof is signed at.
    const SIGNED_AT: u64 = 1_789_800_000;
    const SALT: &str = "4fdfd8cbe7ae10134ec0e0f31bd91ef8";
    const SRP_B: &str = "9c1e6f0a7d2b4c3e8f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8";
    const SECRET_BLOCK: &str = "c2VjcmV0IGJsb2NrIGZyb20gQ29nbml0bw==";

    fn verifier_challenge(session: Option<&str>) -> InitiateAuthOutput {
        InitiateAuthOutput::builder()
            .challenge_name(ChallengeNameType::PasswordVerifier)
            .set_session(session.map(str::to_owned))
            .challenge_parameters("SALT", SALT)
            .challenge_parameters("SRP_B", SRP_B)
            .challenge_parameters("SECRET_BLOCK", SECRET_BLOCK)
            .challenge_parameters("USER_ID_FOR_SRP", UUID)
            .challenge_parameters("USERNAME", UUID)
            .build()
    }

    /// The proof for `password` as the shared SRP client computes it for the challenge above,
    /// answered for USER_ID_FOR_SRP.
    fn expected_proof(password: &str) -> srp::Answer {
        let secret_block = STANDARD.decode(SECRET_BLOCK).unwrap();
        let verifier =
            PasswordVerifier { salt_hex: SALT, srp_b_hex: SRP_B, secret_block: &secret_block, user_id_for_srp: UUID };
        srp::Client::<BigUint>::new(&RANDOM_A).answer(&verifier, &POOL.parse().unwrap(), password, SIGNED_AT).unwrap()
    }

    /// No key is PASSWORD and no value holds `password`.
    fn without_password(map: Option<&HashMap<String, String>>, password: &str) -> bool {
        map.is_some_and(|m| !m.contains_key("PASSWORD") && m.values().all(|v| !v.contains(password)))
    }

    async fn sign_in_srp(cognito: &Cognito, username: &str, pw: &str) -> Result<SignIn, CognitoError> {
        cognito.sign_in_srp(username, &password(pw), &RANDOM_A, || SIGNED_AT).await
    }

    #[tokio::test]
    async fn srp_proves_the_password_without_sending_it() {
        let srp_a = srp::Client::<BigUint>::new(&RANDOM_A).srp_a();
        let proof = expected_proof("Pa55-word");
        let initiate = mock!(Client::initiate_auth)
            .match_requests(move |r| {
                let p = r.auth_parameters();
                r.auth_flow() == Some(&AuthFlowType::UserSrpAuth)
                    && r.client_id() == Some(CLIENT_ID)
                    && p.map(HashMap::len) == Some(3)
                    && param(p, "USERNAME") == Some("alice@example.com")
                    && param(p, "SRP_A") == Some(srp_a.as_str())
                    && param(p, "SECRET_HASH") == Some(HASH_ALICE)
                    && without_password(p, "Pa55-word")
            })
            .then_output(|| verifier_challenge(None));
        let respond = mock!(Client::respond_to_auth_challenge)
            .match_requests(move |r| {
                let p = r.challenge_responses();
                r.client_id() == Some(CLIENT_ID)
                    && r.challenge_name() == Some(&ChallengeNameType::PasswordVerifier)
                    // Cognito gives no Session with PASSWORD_VERIFIER; SECRET_BLOCK is the handle.
                    && r.session().is_none()
                    && p.map(HashMap::len) == Some(5)
                    && param(p, "USERNAME") == Some(UUID)
                    && param(p, "SECRET_HASH") == Some(HASH_UUID)
                    && param(p, "PASSWORD_CLAIM_SECRET_BLOCK") == Some(SECRET_BLOCK)
                    && param(p, "TIMESTAMP") == Some(proof.timestamp.as_str())
                    && param(p, "PASSWORD_CLAIM_SIGNATURE") == Some(proof.signature_base64().as_str())
                    && without_password(p, "Pa55-word")
            })
            .then_output(|| RespondToAuthChallengeOutput::builder().authentication_result(auth_result()).build());
        let cognito = cognito(&[&initiate, &respond], Some("secret"));
        let SignIn::Done(tokens) = sign_in_srp(&cognito, "alice@example.com", "Pa55-word").await.unwrap() else {
            panic!("expected tokens");
        };
        assert_eq!((initiate.num_calls(), respond.num_calls()), (1, 1));
        assert_eq!(tokens.id.expose(), "id.token.x");
        // The clock and the random `a` are really used: another `a` gives another SRP_A.
        assert_ne!(srp::Client::<BigUint>::new(&[0x3d; 40]).srp_a(), srp::Client::<BigUint>::new(&RANDOM_A).srp_a());
        assert_eq!(expected_proof("Pa55-word").timestamp, srp::cognito_timestamp(SIGNED_AT));
    }

    #[tokio::test]
    async fn srp_without_a_client_secret_sends_no_secret_hash_and_passes_a_session_on() {
        let initiate = mock!(Client::initiate_auth)
            .match_requests(|r| r.auth_parameters().is_some_and(|p| p.len() == 2 && !p.contains_key("SECRET_HASH")))
            .then_output(|| verifier_challenge(Some("session-1")));
        let respond = mock!(Client::respond_to_auth_challenge)
            .match_requests(|r| {
                r.session() == Some("session-1")
                    && r.challenge_responses().is_some_and(|p| p.len() == 4 && !p.contains_key("SECRET_HASH"))
            })
            .then_output(|| RespondToAuthChallengeOutput::builder().authentication_result(auth_result()).build());
        let cognito = cognito(&[&initiate, &respond], None);
        sign_in_srp(&cognito, "alice", "Pa55-word").await.unwrap();
        assert_eq!((initiate.num_calls(), respond.num_calls()), (1, 1));
    }

    #[tokio::test]
    async fn the_public_srp_sign_in_draws_a_fresh_a_each_time() {
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let record = std::sync::Arc::clone(&seen);
        let initiate = mock!(Client::initiate_auth)
            .match_requests(move |r| {
                record.lock().unwrap().push(param(r.auth_parameters(), "SRP_A").unwrap_or_default().to_owned());
                true
            })
            .then_output(|| InitiateAuthOutput::builder().challenge_name(ChallengeNameType::SmsMfa).build());
        let cognito = cognito(&[&initiate], None);
        for _ in 0..2 {
            cognito.sign_in(AuthFlow::Srp, "alice", &password("Pa55-word")).await.unwrap_err();
        }
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 2);
        assert!(seen.iter().all(|a| a.len() > 700 && a.chars().all(|c| c.is_ascii_hexdigit())), "{seen:?}");
        assert_ne!(seen[0], seen[1]);
    }

    #[tokio::test]
    async fn new_password_required_after_the_password_verifier() {
        let initiate = mock!(Client::initiate_auth).then_output(|| verifier_challenge(None));
        let respond = mock!(Client::respond_to_auth_challenge)
            .match_requests(|r| r.challenge_name() == Some(&ChallengeNameType::PasswordVerifier))
            .then_output(|| {
                RespondToAuthChallengeOutput::builder()
                    .challenge_name(ChallengeNameType::NewPasswordRequired)
                    .session("session-2")
                    .challenge_parameters("USER_ID_FOR_SRP", UUID)
                    .challenge_parameters("requiredAttributes", "[]")
                    .build()
            });
        let new_password = mock!(Client::respond_to_auth_challenge)
            .match_requests(|r| {
                r.challenge_name() == Some(&ChallengeNameType::NewPasswordRequired)
                    && r.session() == Some("session-2")
                    && param(r.challenge_responses(), "USERNAME") == Some(UUID)
                    && param(r.challenge_responses(), "NEW_PASSWORD") == Some("N3w-password")
                    && param(r.challenge_responses(), "SECRET_HASH") == Some(HASH_UUID)
            })
            .then_output(|| RespondToAuthChallengeOutput::builder().authentication_result(auth_result()).build());
        let cognito = cognito(&[&initiate, &respond, &new_password], Some("secret"));
        let SignIn::NewPasswordRequired(challenge) =
            sign_in_srp(&cognito, "alice@example.com", "Temp-1").await.unwrap()
        else {
            panic!("expected the challenge");
        };
        assert_eq!(challenge.username(), UUID);
        let SignIn::Done(tokens) = cognito.answer_new_password(&challenge, &password("N3w-password")).await.unwrap()
        else {
            panic!("expected tokens");
        };
        assert_eq!((respond.num_calls(), new_password.num_calls()), (1, 1));
        assert_eq!(tokens.id.expose(), "id.token.x");
    }

    #[tokio::test]
    async fn srp_refuses_other_challenges_by_name() {
        // Instead of PASSWORD_VERIFIER...
        let initiate = mock!(Client::initiate_auth).then_output(|| {
            InitiateAuthOutput::builder().challenge_name(ChallengeNameType::CustomChallenge).session("s").build()
        });
        let err = sign_in_srp(&cognito(&[&initiate], None), "a", "p").await.unwrap_err();
        assert!(matches!(err, CognitoError::UnsupportedChallenge(ref name) if name == "CUSTOM_CHALLENGE"), "{err}");

        // ...and after it.
        let initiate = mock!(Client::initiate_auth).then_output(|| verifier_challenge(None));
        let respond = mock!(Client::respond_to_auth_challenge).then_output(|| {
            RespondToAuthChallengeOutput::builder().challenge_name(ChallengeNameType::SmsMfa).session("s").build()
        });
        let err = sign_in_srp(&cognito(&[&initiate, &respond], None), "a", "p").await.unwrap_err();
        assert!(matches!(err, CognitoError::UnsupportedChallenge(ref name) if name == "SMS_MFA"), "{err}");
        assert_eq!(
            err.to_string(),
            "Cognito asked for the SMS_MFA challenge, which this tool cannot answer; use the hosted UI \
             or the web page"
        );
    }

    #[tokio::test]
    async fn a_malformed_challenge_is_not_answered() {
        let cases: [(&str, Option<&str>, &str); 4] = [
            ("SRP_B", Some("not hex"), "cannot answer Cognito's PASSWORD_VERIFIER challenge: the challenge's SRP_B"),
            ("SALT", Some("xyz"), "the challenge's SALT is not hexadecimal"),
            ("SECRET_BLOCK", Some("%%%"), "the challenge's SECRET_BLOCK is not base64"),
            ("SECRET_BLOCK", None, "Cognito's answer has no SECRET_BLOCK"),
        ];
        for (key, value, expected) in cases {
            let initiate = mock!(Client::initiate_auth).then_output(move || {
                let mut challenge = verifier_challenge(None);
                let parameters = challenge.challenge_parameters.as_mut().unwrap();
                match value {
                    Some(value) => parameters.insert(key.to_owned(), value.to_owned()),
                    None => parameters.remove(key),
                };
                challenge
            });
            let respond = mock!(Client::respond_to_auth_challenge)
                .then_output(|| RespondToAuthChallengeOutput::builder().authentication_result(auth_result()).build());
            let err = sign_in_srp(&cognito(&[&initiate, &respond], None), "a", "p").await.unwrap_err();
            assert!(err.to_string().contains(expected), "{key}: `{err}` should contain `{expected}`");
            assert_eq!(respond.num_calls(), 0, "{key}: nothing is sent for a malformed challenge");
        }
    }

    /// A refusal of the PASSWORD_VERIFIER answer, dated `date` seconds after the epoch.
    async fn refused_proof_error(code: &str, message: &str, date: u64) -> CognitoError {
        let body = serde_json::json!({ "__type": code, "message": message }).to_string();
        let initiate = mock!(Client::initiate_auth).then_output(|| verifier_challenge(None));
        let respond = mock!(Client::respond_to_auth_challenge).then_http_response(move || {
            let mut response = HttpResponse::new(400u16.try_into().unwrap(), SdkBody::from(body.clone()));
            let date = DateTime::from_secs(i64::try_from(date).unwrap()).fmt(DateTimeFormat::HttpDate).unwrap();
            response.headers_mut().insert("date", date);
            response
        });
        sign_in_srp(&cognito(&[&initiate, &respond], None), "ana@example.com", "Pa55-word").await.unwrap_err()
    }

    #[tokio::test]
    async fn a_refused_proof_says_why_and_blames_a_wrong_clock() {
        let incorrect =
            refused_proof_error("NotAuthorizedException", "Incorrect username or password.", SIGNED_AT + 2).await;
        assert!(matches!(incorrect, CognitoError::IncorrectCredentials), "{incorrect}");

        // Cognito's clock an hour from ours, ahead or behind: the clock, not the password.
        for date in [SIGNED_AT + 3600, SIGNED_AT - 3600] {
            let skewed = refused_proof_error("NotAuthorizedException", "Incorrect username or password.", date).await;
            let message = skewed.to_string();
            assert!(matches!(skewed, CognitoError::ClockSkew(_)), "{message}");
            assert!(message.ends_with("; check this machine's clock"), "{message}");
            assert!(message.contains(&srp::cognito_timestamp(SIGNED_AT)), "{message}");
            assert!(message.contains(&srp::cognito_timestamp(date)), "{message}");
        }

        // A refusal naming the timestamp, whatever the Date.
        let named = refused_proof_error("NotAuthorizedException", "TIMESTAMP is too far from now", SIGNED_AT).await;
        assert_eq!(
            named.to_string(),
            "Cognito refused the time this machine signed the sign-in with (Cognito said: TIMESTAMP is too far \
             from now); check this machine's clock"
        );

        let disabled = refused_proof_error("NotAuthorizedException", "User is disabled.", SIGNED_AT + 3600).await;
        assert!(matches!(disabled, CognitoError::UserDisabled(ref u) if u == "ana@example.com"), "{disabled}");
        // A malformed timestamp is this tool's fault, and not blamed on the clock.
        let format = refused_proof_error(
            "InvalidParameterException",
            "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.",
            SIGNED_AT,
        )
        .await;
        assert!(matches!(format, CognitoError::InvalidParameter(_)), "{format}");
    }
}
