//! Every call to Cognito: requests built here, and Cognito's errors turned into plain messages.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::config::http::HttpResponse;
use aws_sdk_cognitoidentityprovider::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthOutput;
use aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::RespondToAuthChallengeOutput;
use aws_sdk_cognitoidentityprovider::primitives::{DateTime, DateTimeFormat};
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, AuthFlowType, AuthenticationResultType, ChallengeNameType, DeliveryMediumType, MessageActionType,
    UserType,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use num_bigint::BigUint;
use serde::Serialize;
use whoami_shared::secret_hash::secret_hash;
use whoami_shared::srp::{self, PasswordVerifier, SrpError};
use whoami_shared::{AppClientId, Email, UserPoolId};

use crate::config::ClientSecret;
use crate::secret::{Password, Token};

/// A Cognito username as typed by the operator: the user's email, or the name (often a UUID)
/// Cognito gave them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Username {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // Cognito's own limits: 1 to 128 characters, no whitespace or control characters.
        if s.is_empty() {
            Err("the username is empty".into())
        } else if s.chars().count() > 128 {
            Err("a username has at most 128 characters".into())
        } else if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            Err("a username has no spaces or control characters".into())
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
    fn cognito_name(self) -> &'static str {
        match self {
            AuthFlow::Srp => "USER_SRP_AUTH",
            AuthFlow::Password => "USER_PASSWORD_AUTH",
        }
    }

    /// The other flow, the one to suggest when the app client refuses this one.
    fn other(self) -> Self {
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

/// How far apart this machine's clock and Cognito's may be before a refused SRP proof is blamed
/// on the clock. Cognito checks the signed TIMESTAMP against its own time; AWS documents no
/// tolerance, and its request signatures allow five minutes.
const CLOCK_TOLERANCE_SECONDS: u64 = 5 * 60;

/// A failed call to Cognito, in words an operator can act on.
#[derive(Debug, thiserror::Error)]
pub enum CognitoError {
    // With PreventUserExistenceErrors on, Cognito answers an unknown user this way too, so the
    // message cannot tell the two apart.
    #[error("incorrect username or password; check both and try again")]
    IncorrectCredentials,
    #[error("user `{0}` is disabled; an administrator can enable them again (`aws cognito-idp admin-enable-user`)")]
    UserDisabled(String),
    #[error("Cognito did not authorize the request: {0}{hint}", hint = secret_hash_hint(.0))]
    NotAuthorized(String),
    #[error("Cognito refused the time this machine signed the sign-in with ({0}); check this machine's clock")]
    ClockSkew(String),
    #[error(
        "the app client does not allow {} (Cognito said: {message}); sign in with `--auth-flow {}` \
         (or `auth_flow = \"{}\"` in the config file), or allow ALLOW_{} in the app client's \
         authentication flows",
        flow.cognito_name(), flow.other(), flow.other(), flow.cognito_name()
    )]
    FlowNotAllowed { flow: AuthFlow, message: String },
    #[error("cannot answer Cognito's PASSWORD_VERIFIER challenge: {0}")]
    Srp(#[from] SrpError),
    #[error(
        "cannot answer Cognito's PASSWORD_VERIFIER challenge: the challenge's SECRET_BLOCK is not base64; sign in again"
    )]
    SecretBlockNotBase64,
    #[error("cannot draw random bytes from the operating system for SRP: {0}")]
    Random(String),
    #[error("there is no user `{0}` in the pool; `whoami-admin list-users` shows who there is")]
    UserNotFound(String),
    #[error(
        "user `{0}` has not confirmed their account; give them a permanent password with \
         `whoami-admin set-password --username {0} --password-stdin`"
    )]
    UserNotConfirmed(String),
    #[error(
        "user `{0}` must reset their password first; set one with \
         `whoami-admin set-password --username {0} --password-stdin`"
    )]
    PasswordResetRequired(String),
    #[error("Cognito is throttling requests ({0}); wait a little and try again")]
    Throttled(String),
    #[error(
        "a user `{0}` already exists; to change their password use \
         `whoami-admin set-password --username {0} --password-stdin`"
    )]
    UsernameExists(String),
    #[error("the password does not meet the pool's password policy: {0}")]
    InvalidPassword(String),
    #[error("Cognito refused a parameter: {0}")]
    InvalidParameter(String),
    #[error(
        "Cognito does not know the user pool or app client ({0}); check user_pool_id, app_client_id \
         and region in the config file"
    )]
    ResourceNotFound(String),
    #[error(
        "user `{0}` has a temporary password and must choose a new one: run again with \
         --new-password-stdin and give the new password on the line after the current one"
    )]
    NewPasswordRequired(String),
    #[error("Cognito asked for the {0} challenge, which this tool cannot answer; use the hosted UI or the web page")]
    UnsupportedChallenge(String),
    #[error("Cognito's answer has no {0}")]
    IncompleteAnswer(&'static str),
    #[error(
        "no AWS credentials found; this command calls Cognito's admin API, so set AWS_PROFILE or pass \
         --profile, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
    )]
    NoCredentials,
    #[error("cannot reach Cognito: {0}; check region, cognito_endpoint or --endpoint-url, and the network")]
    Unreachable(String),
    #[error("Cognito answered {code}: {message}")]
    Other { code: String, message: String },
    #[error("the call to Cognito failed: {0}")]
    Sdk(String),
}

fn secret_hash_hint(message: &str) -> &'static str {
    if message.to_ascii_lowercase().contains("secret hash") || message.contains("SECRET_HASH") {
        "; check app_client_secret in the config file: it must be the app client's secret, or absent \
         when the client has none"
    } else {
        ""
    }
}

/// The app client refused the sign-in flow itself; Cognito says so with an
/// InvalidParameterException naming the flow.
fn flow_refused(message: &str) -> Option<AuthFlow> {
    [AuthFlow::Srp, AuthFlow::Password].into_iter().find(|flow| message.contains(flow.cognito_name()))
}

/// Cognito's refusal of the TIMESTAMP an SRP proof was signed with, by what its message says
/// (its complaints about the format are this tool's fault, not the clock's).
fn timestamp_refused(message: &str) -> bool {
    let message = message.to_ascii_lowercase();
    message.contains("timestamp") && !message.contains("format")
}

/// Turns the SDK's error into a [`CognitoError`]; `subject` is the username or email the call was about.
fn map_error<E, R>(err: &SdkError<E, R>, subject: &str) -> CognitoError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: fmt::Debug + 'static,
{
    match err {
        SdkError::ServiceError(_) => {
            let message = err.message().unwrap_or("no message").to_owned();
            let subject = subject.to_owned();
            // Cognito's `__type`s are its stable contract, the same across operations, so one
            // table serves every call.
            match err.code().unwrap_or("") {
                "NotAuthorizedException" => match message.as_str() {
                    "Incorrect username or password." => CognitoError::IncorrectCredentials,
                    "User is disabled." => CognitoError::UserDisabled(subject),
                    _ if timestamp_refused(&message) => CognitoError::ClockSkew(format!("Cognito said: {message}")),
                    _ => CognitoError::NotAuthorized(message),
                },
                "UserNotFoundException" => CognitoError::UserNotFound(subject),
                "UserNotConfirmedException" => CognitoError::UserNotConfirmed(subject),
                "PasswordResetRequiredException" => CognitoError::PasswordResetRequired(subject),
                "TooManyRequestsException" | "LimitExceededException" | "TooManyFailedAttemptsException" => {
                    CognitoError::Throttled(message)
                }
                "UsernameExistsException" | "AliasExistsException" => CognitoError::UsernameExists(subject),
                "InvalidPasswordException" => CognitoError::InvalidPassword(message),
                "InvalidParameterException" => match flow_refused(&message) {
                    Some(flow) => CognitoError::FlowNotAllowed { flow, message },
                    None if timestamp_refused(&message) => CognitoError::ClockSkew(format!("Cognito said: {message}")),
                    None => CognitoError::InvalidParameter(message),
                },
                "ResourceNotFoundException" => CognitoError::ResourceNotFound(message),
                code => CognitoError::Other { code: code.to_owned(), message },
            }
        }
        _ if is_missing_credentials(err) => CognitoError::NoCredentials,
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => {
            CognitoError::Unreachable(DisplayErrorContext(err).to_string())
        }
        _ => CognitoError::Sdk(DisplayErrorContext(err).to_string()),
    }
}

/// Whether the call failed for want of AWS credentials, which the SDK reports as a dispatch
/// failure although nothing was sent.
fn is_missing_credentials(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut source = Some(err);
    while let Some(e) = source {
        if matches!(e.downcast_ref::<CredentialsError>(), Some(CredentialsError::CredentialsNotLoaded(_))) {
            return true;
        }
        source = e.source();
    }
    false
}

/// The app client the tool signs in through.
#[derive(Debug, Clone)]
pub struct AppClient {
    pub id: AppClientId,
    pub secret: Option<ClientSecret>,
}

impl AppClient {
    /// SECRET_HASH for `username`, when the client has a secret.
    fn secret_hash(&self, username: &str) -> Option<String> {
        self.secret.as_ref().map(|secret| secret_hash(secret.expose(), username, self.id.as_str()))
    }
}

/// The password a new user starts with.
#[derive(Debug)]
pub enum InitialPassword {
    /// The user signs in with it as it is.
    Permanent(Password),
    /// The user must choose a new one at first sign-in (NEW_PASSWORD_REQUIRED).
    Temporary(Password),
}

/// What `create-user` reports: the user, not the raw response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserSummary {
    pub username: String,
    pub sub: Option<String>,
    pub email: Option<String>,
    pub status: String,
    pub enabled: bool,
}

impl UserSummary {
    fn from_user(user: &UserType) -> Self {
        let attribute =
            |name: &str| user.attributes().iter().find(|a| a.name() == name).and_then(|a| a.value()).map(str::to_owned);
        Self {
            username: user.username().unwrap_or_default().to_owned(),
            sub: attribute("sub"),
            email: attribute("email"),
            status: user.user_status().map_or("UNKNOWN", |s| s.as_str()).to_owned(),
            enabled: user.enabled(),
        }
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

/// The first step of a sign-in: tokens, or Cognito wants a new password.
#[derive(Debug)]
pub enum SignIn {
    Done(Tokens),
    NewPasswordRequired(NewPasswordChallenge),
}

/// Cognito's NEW_PASSWORD_REQUIRED challenge, to answer with [`Cognito::answer_new_password`].
#[derive(Debug, Clone)]
pub struct NewPasswordChallenge {
    session: String,
    /// The username as Cognito knows it (`USER_ID_FOR_SRP`); with email sign-in it differs
    /// from what was typed, and the challenge's SECRET_HASH must use it.
    username: String,
}

impl NewPasswordChallenge {
    pub fn username(&self) -> &str {
        &self.username
    }
}

/// Cognito for one user pool and app client.
#[derive(Debug, Clone)]
pub struct Cognito {
    client: Client,
    pool: UserPoolId,
    app: AppClient,
}

impl Cognito {
    pub fn new(client: Client, pool: UserPoolId, app: AppClient) -> Self {
        Self { client, pool, app }
    }

    /// AdminCreateUser with a verified email, then AdminSetUserPassword for a permanent password.
    pub async fn create_user(
        &self,
        email: &Email,
        password: &InitialPassword,
        send_invite: bool,
    ) -> Result<UserSummary, CognitoError> {
        let (InitialPassword::Permanent(pw) | InitialPassword::Temporary(pw)) = password;
        let created = self
            .client
            .admin_create_user()
            .user_pool_id(self.pool.as_str())
            .username(email.as_str())
            .user_attributes(attribute("email", email.as_str()))
            .user_attributes(attribute("email_verified", "true"))
            // A permanent password is given as the temporary one too, so Cognito checks it
            // against the policy before the user exists.
            .temporary_password(pw.expose())
            .set_message_action((!send_invite).then_some(MessageActionType::Suppress))
            .set_desired_delivery_mediums(send_invite.then(|| vec![DeliveryMediumType::Email]))
            .send()
            .await
            .map_err(|e| map_error(&e, email.as_str()))?;
        let mut summary = UserSummary::from_user(created.user().ok_or(CognitoError::IncompleteAnswer("user"))?);
        if let InitialPassword::Permanent(pw) = password {
            if let Err(err) = self.set_password(&summary.username, pw, true).await {
                // Leave no half-made user behind (emulators do not check a temporary password's
                // policy), so the operator can simply run the command again with a better password.
                let _ = self.delete_user(&summary.username).await;
                return Err(err);
            }
            // AdminSetUserPassword answers with nothing; a permanent password confirms the user.
            "CONFIRMED".clone_into(&mut summary.status);
        }
        Ok(summary)
    }

    /// AdminSetUserPassword; a temporary password makes the user choose a new one at next sign-in.
    pub async fn set_password(&self, username: &str, password: &Password, permanent: bool) -> Result<(), CognitoError> {
        self.client
            .admin_set_user_password()
            .user_pool_id(self.pool.as_str())
            .username(username)
            .password(password.expose())
            .permanent(permanent)
            .send()
            .await
            .map_err(|e| map_error(&e, username))?;
        Ok(())
    }

    /// AdminDeleteUser.
    pub async fn delete_user(&self, username: &str) -> Result<(), CognitoError> {
        self.client
            .admin_delete_user()
            .user_pool_id(self.pool.as_str())
            .username(username)
            .send()
            .await
            .map_err(|e| map_error(&e, username))?;
        Ok(())
    }

    /// ListUsers through every page.
    pub async fn list_users(&self) -> Result<Vec<UserSummary>, CognitoError> {
        let mut users = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .client
                .list_users()
                .user_pool_id(self.pool.as_str())
                .set_pagination_token(token.take())
                .send()
                .await
                .map_err(|e| map_error(&e, ""))?;
            users.extend(page.users().iter().map(UserSummary::from_user));
            match page.pagination_token() {
                Some(next) if !next.is_empty() => token = Some(next.to_owned()),
                _ => return Ok(users),
            }
        }
    }

    /// Signs `username` in with `password` through `flow`: tokens, or Cognito wants a new password.
    pub async fn sign_in(&self, flow: AuthFlow, username: &str, password: &Password) -> Result<SignIn, CognitoError> {
        match flow {
            AuthFlow::Srp => self.sign_in_srp(username, password, &random_a()?, unix_now).await,
            AuthFlow::Password => self.sign_in_password(username, password).await,
        }
    }

    /// InitiateAuth with USER_PASSWORD_AUTH: the password goes to Cognito.
    async fn sign_in_password(&self, username: &str, password: &Password) -> Result<SignIn, CognitoError> {
        let mut parameters = HashMap::from([
            ("USERNAME".to_owned(), username.to_owned()),
            ("PASSWORD".to_owned(), password.expose().to_owned()),
        ]);
        if let Some(hash) = self.app.secret_hash(username) {
            parameters.insert("SECRET_HASH".to_owned(), hash);
        }
        let answer = self
            .client
            .initiate_auth()
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .client_id(self.app.id.as_str())
            .set_auth_parameters(Some(parameters))
            .send()
            .await
            .map_err(|e| map_error(&e, username))?;
        Step::from(&answer).outcome(username)
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
        random_a: &[u8; 128],
        now: impl FnOnce() -> u64,
    ) -> Result<SignIn, CognitoError> {
        let srp = srp::Client::<BigUint>::new(random_a);
        let mut parameters =
            HashMap::from([("USERNAME".to_owned(), username.to_owned()), ("SRP_A".to_owned(), srp.srp_a())]);
        if let Some(hash) = self.app.secret_hash(username) {
            parameters.insert("SECRET_HASH".to_owned(), hash);
        }
        let challenge = self
            .client
            .initiate_auth()
            .auth_flow(AuthFlowType::UserSrpAuth)
            .client_id(self.app.id.as_str())
            .set_auth_parameters(Some(parameters))
            .send()
            .await
            .map_err(|e| map_error(&e, username))?;
        if challenge.challenge_name() != Some(&ChallengeNameType::PasswordVerifier) {
            return Step::from(&challenge).outcome(username);
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
            ("PASSWORD_CLAIM_SIGNATURE".to_owned(), proof.signature),
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
        Step::from(&answer).outcome(&proof.username)
    }

    /// RespondToAuthChallenge for NEW_PASSWORD_REQUIRED.
    pub async fn answer_new_password(
        &self,
        challenge: &NewPasswordChallenge,
        new_password: &Password,
    ) -> Result<Tokens, CognitoError> {
        let mut responses = HashMap::from([
            ("USERNAME".to_owned(), challenge.username.clone()),
            ("NEW_PASSWORD".to_owned(), new_password.expose().to_owned()),
        ]);
        if let Some(hash) = self.app.secret_hash(&challenge.username) {
            responses.insert("SECRET_HASH".to_owned(), hash);
        }
        let answer = self
            .client
            .respond_to_auth_challenge()
            .client_id(self.app.id.as_str())
            .challenge_name(ChallengeNameType::NewPasswordRequired)
            .session(&challenge.session)
            .set_challenge_responses(Some(responses))
            .send()
            .await
            .map_err(|e| map_error(&e, &challenge.username))?;
        match answer.authentication_result() {
            Some(result) => Tokens::from_result(result),
            None => match answer.challenge_name() {
                Some(other) => Err(CognitoError::UnsupportedChallenge(other.as_str().to_owned())),
                None => Err(CognitoError::IncompleteAnswer("tokens")),
            },
        }
    }
}

/// What one InitiateAuth or RespondToAuthChallenge answered, whichever it was.
struct Step<'a> {
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
    /// Tokens, or the NEW_PASSWORD_REQUIRED challenge for the user Cognito names (`username`
    /// when it names none); any other challenge is refused by name.
    fn outcome(&self, username: &str) -> Result<SignIn, CognitoError> {
        if let Some(result) = self.result {
            return Tokens::from_result(result).map(SignIn::Done);
        }
        match self.challenge {
            Some(ChallengeNameType::NewPasswordRequired) => {
                // Cognito names the user in USER_ID_FOR_SRP; older emulators (moto) in USERNAME.
                let username = ["USER_ID_FOR_SRP", "USERNAME"]
                    .iter()
                    .find_map(|key| self.parameters.and_then(|p| p.get(*key)))
                    .map_or(username, String::as_str)
                    .to_owned();
                let session = self.session.ok_or(CognitoError::IncompleteAnswer("session"))?.to_owned();
                Ok(SignIn::NewPasswordRequired(NewPasswordChallenge { session, username }))
            }
            Some(other) => Err(CognitoError::UnsupportedChallenge(other.as_str().to_owned())),
            None => Err(CognitoError::IncompleteAnswer("tokens or challenge")),
        }
    }
}

/// Cognito's refusal of a PASSWORD_VERIFIER proof signed at `signed_at`. When the refusal's
/// `Date` is far from that time, the clock is the likely reason, whatever Cognito's message.
fn refused_proof<E>(err: &SdkError<E, HttpResponse>, username: &str, signed_at: u64) -> CognitoError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let error = map_error(err, username);
    if !matches!(error, CognitoError::IncorrectCredentials | CognitoError::NotAuthorized(_)) {
        return error;
    }
    let cognito_time = err
        .raw_response()
        .and_then(|response| response.headers().get("date"))
        .and_then(|date| DateTime::from_str(date, DateTimeFormat::HttpDate).ok())
        .and_then(|date| u64::try_from(date.secs()).ok());
    match cognito_time {
        Some(cognito_time) if cognito_time.abs_diff(signed_at) > CLOCK_TOLERANCE_SECONDS => {
            CognitoError::ClockSkew(format!(
                "this machine's clock said {}, Cognito's said {}",
                srp::cognito_timestamp(signed_at),
                srp::cognito_timestamp(cognito_time)
            ))
        }
        _ => error,
    }
}

/// The secret behind SRP's `A`: 128 bytes from the operating system's generator, as the
/// reference clients draw.
fn random_a() -> Result<[u8; 128], CognitoError> {
    let mut bytes = [0; 128];
    getrandom::fill(&mut bytes).map_err(|e| CognitoError::Random(e.to_string()))?;
    Ok(bytes)
}

/// Seconds since the Unix epoch by this machine's clock (0 for a clock set before 1970, which
/// Cognito then refuses as a wrong clock).
fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_secs())
}

fn attribute(name: &str, value: &str) -> AttributeType {
    AttributeType::builder().name(name).value(value).build().expect("the attribute's name is set")
}

#[cfg(test)]
mod tests {
    use aws_sdk_cognitoidentityprovider::operation::admin_create_user::AdminCreateUserOutput;
    use aws_sdk_cognitoidentityprovider::operation::admin_delete_user::AdminDeleteUserOutput;
    use aws_sdk_cognitoidentityprovider::operation::admin_set_user_password::AdminSetUserPasswordOutput;
    use aws_sdk_cognitoidentityprovider::operation::list_users::ListUsersOutput;
    use aws_sdk_cognitoidentityprovider::types::UserStatusType;
    use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
    use aws_smithy_types::body::SdkBody;

    use super::*;

    const POOL: &str = "eu-west-1_AbC123";
    const CLIENT_ID: &str = "client123";
    // Computed independently with Python's hmac, hashlib and base64 modules.
    const HASH_ALICE: &str = "O6iETPWy0G8MuX9zG8avLP58e0hgVrrDoXZhJUEsCVU=";
    const HASH_UUID: &str = "c7RelsyO5DCT44dgcgN3CK0J0bfkk026lCFk7mja+Lc=";
    const UUID: &str = "4e13a754-28d3-4e67-a08e-5ce0c6fae306";

    fn cognito(rules: &[&Rule], secret: Option<&str>) -> Cognito {
        let client = mock_client!(aws_sdk_cognitoidentityprovider, RuleMode::MatchAny, rules);
        let app = AppClient { id: CLIENT_ID.parse().unwrap(), secret: secret.map(ClientSecret::new) };
        Cognito::new(client, POOL.parse().unwrap(), app)
    }

    fn password(text: &str) -> Password {
        Password::new(text).unwrap()
    }

    fn auth_result() -> AuthenticationResultType {
        AuthenticationResultType::builder()
            .id_token("id.token.x")
            .access_token("access.token.x")
            .refresh_token("refresh")
            .expires_in(3600)
            .token_type("Bearer")
            .build()
    }

    fn user(username: &str, email: &str, status: UserStatusType) -> UserType {
        UserType::builder()
            .username(username)
            .attributes(attribute("sub", UUID))
            .attributes(attribute("email", email))
            .user_status(status)
            .enabled(true)
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
        let tokens = cognito.answer_new_password(&challenge, &password("N3w-password")).await.unwrap();
        assert_eq!(respond.num_calls(), 1);
        assert_eq!(tokens.id.expose(), "id.token.x");
    }

    #[tokio::test]
    async fn other_challenges_are_refused_by_name() {
        let rule = mock!(Client::initiate_auth).then_output(|| {
            InitiateAuthOutput::builder().challenge_name(ChallengeNameType::SoftwareTokenMfa).session("s").build()
        });
        let err = cognito(&[&rule], None).sign_in(AuthFlow::Password, "a", &password("p")).await.unwrap_err();
        assert!(matches!(err, CognitoError::UnsupportedChallenge(ref name) if name == "SOFTWARE_TOKEN_MFA"), "{err}");
    }

    #[tokio::test]
    async fn create_user_with_a_permanent_password() {
        let create = mock!(Client::admin_create_user)
            .match_requests(|r| {
                let attribute =
                    |name: &str| r.user_attributes().iter().find(|a| a.name() == name).and_then(AttributeType::value);
                r.user_pool_id() == Some(POOL)
                    && r.username() == Some("ana@example.com")
                    && attribute("email") == Some("ana@example.com")
                    && attribute("email_verified") == Some("true")
                    && r.temporary_password() == Some("Pa55-word")
                    && r.message_action() == Some(&MessageActionType::Suppress)
                    && r.desired_delivery_mediums().is_empty()
            })
            .then_output(|| {
                AdminCreateUserOutput::builder()
                    .user(user("ana@example.com", "ana@example.com", UserStatusType::ForceChangePassword))
                    .build()
            });
        let set = mock!(Client::admin_set_user_password)
            .match_requests(|r| {
                r.user_pool_id() == Some(POOL)
                    && r.username() == Some("ana@example.com")
                    && r.password() == Some("Pa55-word")
                    && r.permanent() == Some(true)
            })
            .then_output(|| AdminSetUserPasswordOutput::builder().build());
        let email: Email = "ana@example.com".parse().unwrap();
        let summary = cognito(&[&create, &set], None)
            .create_user(&email, &InitialPassword::Permanent(password("Pa55-word")), false)
            .await
            .unwrap();
        assert_eq!((create.num_calls(), set.num_calls()), (1, 1));
        assert_eq!(
            summary,
            UserSummary {
                username: "ana@example.com".into(),
                sub: Some(UUID.into()),
                email: Some("ana@example.com".into()),
                status: "CONFIRMED".into(),
                enabled: true,
            }
        );
    }

    #[tokio::test]
    async fn create_user_with_a_temporary_password_and_an_invitation() {
        let create = mock!(Client::admin_create_user)
            .match_requests(|r| {
                r.temporary_password() == Some("Temp-1")
                    && r.message_action().is_none()
                    && r.desired_delivery_mediums() == [DeliveryMediumType::Email]
            })
            .then_output(|| {
                AdminCreateUserOutput::builder()
                    .user(user(UUID, "ana@example.com", UserStatusType::ForceChangePassword))
                    .build()
            });
        let set = mock!(Client::admin_set_user_password).then_output(|| AdminSetUserPasswordOutput::builder().build());
        let email: Email = "ana@example.com".parse().unwrap();
        let summary = cognito(&[&create, &set], None)
            .create_user(&email, &InitialPassword::Temporary(password("Temp-1")), true)
            .await
            .unwrap();
        assert_eq!((create.num_calls(), set.num_calls()), (1, 0));
        assert_eq!((summary.username.as_str(), summary.status.as_str()), (UUID, "FORCE_CHANGE_PASSWORD"));
    }

    #[tokio::test]
    async fn a_refused_permanent_password_removes_the_new_user() {
        let create = mock!(Client::admin_create_user).then_output(|| {
            AdminCreateUserOutput::builder()
                .user(user(UUID, "ana@example.com", UserStatusType::ForceChangePassword))
                .build()
        });
        let set = cognito_error(mock!(Client::admin_set_user_password), "InvalidPasswordException", "too short");
        let delete = mock!(Client::admin_delete_user)
            .match_requests(|r| r.user_pool_id() == Some(POOL) && r.username() == Some(UUID))
            .then_output(|| AdminDeleteUserOutput::builder().build());
        let email: Email = "ana@example.com".parse().unwrap();
        let err = cognito(&[&create, &set, &delete], None)
            .create_user(&email, &InitialPassword::Permanent(password("short")), false)
            .await
            .unwrap_err();
        assert!(matches!(err, CognitoError::InvalidPassword(ref m) if m == "too short"), "{err}");
        assert_eq!(delete.num_calls(), 1);
    }

    #[tokio::test]
    async fn list_users_follows_the_pagination_token() {
        let first = mock!(Client::list_users)
            .match_requests(|r| r.user_pool_id() == Some(POOL) && r.pagination_token().is_none())
            .then_output(|| {
                ListUsersOutput::builder()
                    .users(user("a", "a@x.y", UserStatusType::Confirmed))
                    .users(user("b", "b@x.y", UserStatusType::Confirmed))
                    .pagination_token("page-2")
                    .build()
            });
        let second = mock!(Client::list_users)
            .match_requests(|r| r.pagination_token() == Some("page-2"))
            .then_output(|| ListUsersOutput::builder().users(user("c", "c@x.y", UserStatusType::Confirmed)).build());
        let users = cognito(&[&first, &second], None).list_users().await.unwrap();
        let names: Vec<&str> = users.iter().map(|u| u.username.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert_eq!((first.num_calls(), second.num_calls()), (1, 1));
    }

    #[tokio::test]
    async fn set_and_delete_send_pool_and_username() {
        let set = mock!(Client::admin_set_user_password)
            .match_requests(|r| {
                r.username() == Some("bob") && r.password() == Some("Pa55") && r.permanent() == Some(false)
            })
            .then_output(|| AdminSetUserPasswordOutput::builder().build());
        let delete = mock!(Client::admin_delete_user)
            .match_requests(|r| r.user_pool_id() == Some(POOL) && r.username() == Some("bob"))
            .then_output(|| AdminDeleteUserOutput::builder().build());
        let cognito = cognito(&[&set, &delete], None);
        cognito.set_password("bob", &password("Pa55"), false).await.unwrap();
        cognito.delete_user("bob").await.unwrap();
        assert_eq!((set.num_calls(), delete.num_calls()), (1, 1));
    }

    /// A rule answering like Cognito does when it refuses: status 400 and a JSON body naming the
    /// error's `__type`. Repeated, because the SDK retries throttling errors.
    fn cognito_error<I, O, E>(builder: aws_smithy_mocks::RuleBuilder<I, O, E>, code: &str, message: &str) -> Rule
    where
        I: Send + Sync + fmt::Debug + 'static,
        O: Send + Sync + fmt::Debug + 'static,
        E: Send + Sync + fmt::Debug + std::error::Error + 'static,
    {
        let body = serde_json::json!({ "__type": code, "message": message }).to_string();
        builder.sequence().http_status(400, Some(body)).times(5).build()
    }

    async fn sign_in_error(flow: AuthFlow, code: &str, message: &str) -> CognitoError {
        let rule = cognito_error(mock!(Client::initiate_auth), code, message);
        cognito(&[&rule], None).sign_in(flow, "ana@example.com", &password("Pa55-word")).await.unwrap_err()
    }

    /// Cognito's refusal of InitiateAuth reads the same whichever flow asked.
    async fn check(code: &str, message: &str, expected: &str) {
        for flow in [AuthFlow::Srp, AuthFlow::Password] {
            let err = sign_in_error(flow, code, message).await.to_string();
            assert!(err.contains(expected), "{code} ({flow}): `{err}` should contain `{expected}`");
            assert!(!err.contains("Pa55-word"), "{err}");
        }
    }

    #[tokio::test]
    async fn sign_in_errors_become_plain_messages() {
        // A wrong password, and an unknown user when the pool prevents user-existence errors.
        check(
            "NotAuthorizedException",
            "Incorrect username or password.",
            "incorrect username or password; check both and try again",
        )
        .await;
        check("NotAuthorizedException", "User is disabled.", "user `ana@example.com` is disabled; an administrator")
            .await;
        check(
            "NotAuthorizedException",
            "Unable to verify secret hash for client client123",
            "Cognito did not authorize the request: Unable to verify secret hash for client client123; check \
             app_client_secret in the config file",
        )
        .await;
        check("NotAuthorizedException", "Password attempts exceeded", "Cognito did not authorize the request").await;
        check("UserNotFoundException", "User does not exist.", "there is no user `ana@example.com` in the pool").await;
        check("UserNotConfirmedException", "User is not confirmed.", "user `ana@example.com` has not confirmed").await;
        check("PasswordResetRequiredException", "Password reset required", "must reset their password").await;
        check("TooManyRequestsException", "Too many requests", "Cognito is throttling requests").await;
        check(
            "InvalidParameterException",
            "USER_PASSWORD_AUTH flow not enabled for this client",
            "the app client does not allow USER_PASSWORD_AUTH (Cognito said: USER_PASSWORD_AUTH flow not enabled \
             for this client); sign in with `--auth-flow srp` (or `auth_flow = \"srp\"` in the config file), or \
             allow ALLOW_USER_PASSWORD_AUTH",
        )
        .await;
        check(
            "InvalidParameterException",
            "USER_SRP_AUTH is not enabled for the client.",
            "the app client does not allow USER_SRP_AUTH (Cognito said: USER_SRP_AUTH is not enabled for the \
             client.); sign in with `--auth-flow password` (or `auth_flow = \"password\"` in the config file), or \
             allow ALLOW_USER_SRP_AUTH",
        )
        .await;
        check("InvalidParameterException", "Missing required parameter SRP_A", "Cognito refused a parameter").await;
        check("ResourceNotFoundException", "User pool client x does not exist.", "check user_pool_id, app_client_id")
            .await;
        check("InternalErrorException", "oops", "Cognito answered InternalErrorException: oops").await;
        // The code may come with a namespace prefix, which the SDK removes.
        check("com.amazonaws.cognito#UserNotFoundException", "User does not exist.", "there is no user").await;
    }

    // SRP, with a fixed secret `a` and clock so the expected proof can be computed here.

    const RANDOM_A: [u8; 128] = [0x3c; 128];
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
                    && param(p, "PASSWORD_CLAIM_SIGNATURE") == Some(proof.signature.as_str())
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
        assert_ne!(srp::Client::<BigUint>::new(&[0x3d; 128]).srp_a(), srp::Client::<BigUint>::new(&RANDOM_A).srp_a());
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
        let tokens = cognito.answer_new_password(&challenge, &password("N3w-password")).await.unwrap();
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
            RespondToAuthChallengeOutput::builder()
                .challenge_name(ChallengeNameType::SoftwareTokenMfa)
                .session("s")
                .build()
        });
        let err = sign_in_srp(&cognito(&[&initiate, &respond], None), "a", "p").await.unwrap_err();
        assert!(matches!(err, CognitoError::UnsupportedChallenge(ref name) if name == "SOFTWARE_TOKEN_MFA"), "{err}");
        assert_eq!(
            err.to_string(),
            "Cognito asked for the SOFTWARE_TOKEN_MFA challenge, which this tool cannot answer; use the hosted UI \
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

    #[tokio::test]
    async fn admin_errors_become_plain_messages() {
        let email: Email = "ana@example.com".parse().unwrap();
        let exists = cognito_error(mock!(Client::admin_create_user), "UsernameExistsException", "exists");
        let err = cognito(&[&exists], None)
            .create_user(&email, &InitialPassword::Temporary(password("Temp-1")), false)
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "a user `ana@example.com` already exists; to change their password use \
             `whoami-admin set-password --username ana@example.com --password-stdin`"
        );

        let policy = cognito_error(mock!(Client::admin_set_user_password), "InvalidPasswordException", "too short");
        let err = cognito(&[&policy], None).set_password("ana", &password("x"), true).await.unwrap_err();
        assert_eq!(err.to_string(), "the password does not meet the pool's password policy: too short");

        let missing = cognito_error(mock!(Client::admin_delete_user), "UserNotFoundException", "User does not exist.");
        let err = cognito(&[&missing], None).delete_user("zed").await.unwrap_err();
        assert!(matches!(err, CognitoError::UserNotFound(ref u) if u == "zed"), "{err}");
    }
}
