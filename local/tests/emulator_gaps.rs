//! Where the local AWS (ministack, at the version `local/requirements.txt` pins) accepts what
//! AWS refuses, or lacks what AWS does: each test shows one gap that ARCHITECTURE.md lists
//! ("The local AWS"), asserting the emulator's behaviour, not AWS's. Product code is never
//! shaped around these; tests that would pass only because of one say so.
//!
//! When a test here fails after the emulator is upgraded, the gap is closed: delete the test,
//! its line in ARCHITECTURE.md, and any workaround it names.

mod common;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata as _, SdkError};
use aws_sdk_cognitoidentityprovider::operation::respond_to_auth_challenge::{
    RespondToAuthChallengeError, RespondToAuthChallengeOutput,
};
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, AuthFlowType, ChallengeNameType, ExplicitAuthFlowsType, FeatureType, MessageActionType,
    OAuthFlowType, RefreshTokenRotationType, SoftwareTokenMfaConfigType, SoftwareTokenMfaSettingsType, UserPoolMfaType,
    UsernameAttributeType, VerifiedAttributeType,
};
use whoami_local::ministack::{self, Ministack};
use whoami_shared::oauth;

const PASSWORD: &str = "Correct-Horse-9-Battery";

/// A running emulator with one user pool (email as username, email verified automatically),
/// an app client, and a confirmed user.
struct Scene {
    emulator: Ministack,
    _dir: tempfile::TempDir,
    pool_id: String,
    client_id: String,
    email: String,
}

/// What the pool and its client are made with, beyond the defaults.
#[derive(Default)]
#[allow(clippy::struct_excessive_bools, reason = "independent switches, each named where a test sets it")]
struct PoolSettings {
    mfa_on: bool,
    /// MFA OPTIONAL with authenticator apps, as template.yaml's default.
    mfa_optional: bool,
    flows: Vec<ExplicitAuthFlowsType>,
    /// Refresh-token rotation on the client, as template.yaml's page client has it.
    rotation: bool,
    /// Only administrators create users (AllowAdminCreateUserOnly), template.yaml's default.
    admin_only: bool,
}

async fn scene(settings: PoolSettings) -> Scene {
    let dir = tempfile::tempdir().unwrap();
    let emulator = Ministack::start(&common::ministack_program(), dir.path()).await.unwrap_or_else(|e| panic!("{e}"));
    let cognito = common::cognito(&emulator.endpoint, ministack::SECRET_KEY);
    let mut create = cognito
        .create_user_pool()
        .pool_name("gaps")
        .username_attributes(UsernameAttributeType::Email)
        .auto_verified_attributes(VerifiedAttributeType::Email)
        .user_attribute_update_settings(
            aws_sdk_cognitoidentityprovider::types::UserAttributeUpdateSettingsType::builder()
                .attributes_require_verification_before_update(VerifiedAttributeType::Email)
                .build(),
        );
    if settings.mfa_on {
        create = create.mfa_configuration(UserPoolMfaType::On);
    }
    if settings.admin_only {
        create = create.admin_create_user_config(
            aws_sdk_cognitoidentityprovider::types::AdminCreateUserConfigType::builder()
                .allow_admin_create_user_only(true)
                .build(),
        );
    }
    let pool_id = create.send().await.unwrap().user_pool().unwrap().id().unwrap().to_owned();
    if settings.mfa_on || settings.mfa_optional {
        cognito
            .set_user_pool_mfa_config()
            .user_pool_id(&pool_id)
            .mfa_configuration(if settings.mfa_on { UserPoolMfaType::On } else { UserPoolMfaType::Optional })
            .software_token_mfa_configuration(SoftwareTokenMfaConfigType::builder().enabled(true).build())
            .send()
            .await
            .unwrap();
    }
    let mut flows = settings.flows;
    if flows.is_empty() {
        flows = vec![ExplicitAuthFlowsType::AllowUserPasswordAuth, ExplicitAuthFlowsType::AllowRefreshTokenAuth];
    }
    let rotation = settings.rotation.then(|| {
        RefreshTokenRotationType::builder()
            .feature(FeatureType::Enabled)
            .retry_grace_period_seconds(10)
            .build()
            .unwrap()
    });
    let client_id = cognito
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .set_refresh_token_rotation(rotation)
        .client_name("page")
        .set_explicit_auth_flows(Some(flows))
        .read_attributes("email")
        .read_attributes("email_verified")
        // As template.yaml's page client: its users may change their name, not their email.
        .write_attributes("name")
        .send()
        .await
        .unwrap()
        .user_pool_client()
        .unwrap()
        .client_id()
        .unwrap()
        .to_owned();
    let email = "gap@example.com".to_owned();
    cognito
        .admin_create_user()
        .user_pool_id(&pool_id)
        .username(&email)
        .user_attributes(AttributeType::builder().name("email").value(&email).build().unwrap())
        .user_attributes(AttributeType::builder().name("email_verified").value("true").build().unwrap())
        .temporary_password("Temporary-Pass-1")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .unwrap();
    Scene { emulator, _dir: dir, pool_id, client_id, email }
}

impl Scene {
    fn cognito(&self) -> Client {
        common::cognito(&self.emulator.endpoint, ministack::SECRET_KEY)
    }

    async fn set_permanent_password(&self) {
        self.cognito()
            .admin_set_user_password()
            .user_pool_id(&self.pool_id)
            .username(&self.email)
            .password(PASSWORD)
            .permanent(true)
            .send()
            .await
            .unwrap();
    }

    /// Answers NEW_PASSWORD_REQUIRED for the user with `new_password`, naming `session`.
    async fn answer_new_password(
        &self,
        session: &str,
        new_password: &str,
    ) -> Result<RespondToAuthChallengeOutput, SdkError<RespondToAuthChallengeError>> {
        self.cognito()
            .respond_to_auth_challenge()
            .client_id(&self.client_id)
            .challenge_name(ChallengeNameType::NewPasswordRequired)
            .session(session)
            .challenge_responses("USERNAME", &self.email)
            .challenge_responses("NEW_PASSWORD", new_password)
            .send()
            .await
    }

    /// Sets up an authenticator app for the user, signed in with the password, as
    /// `whoami-admin mfa setup` does: the app, the user's access token.
    async fn set_up_totp(&self) -> (totp_rs::Totp, String) {
        self.set_permanent_password().await;
        let signed_in = self.sign_in(PASSWORD).await;
        let access = signed_in.authentication_result().unwrap().access_token().unwrap().to_owned();
        let cognito = self.cognito();
        let secret = cognito.associate_software_token().access_token(&access).send().await.unwrap();
        let uri = format!("otpauth://totp/gaps:user?secret={}", secret.secret_code().unwrap());
        let app = totp_rs::Totp::from_url_unchecked(uri).unwrap();
        let code = app.generate_current().to_string();
        cognito.verify_software_token().access_token(&access).user_code(code).send().await.unwrap();
        cognito
            .set_user_mfa_preference()
            .access_token(&access)
            .software_token_mfa_settings(
                SoftwareTokenMfaSettingsType::builder().enabled(true).preferred_mfa(true).build(),
            )
            .send()
            .await
            .unwrap();
        (app, access)
    }

    /// The factors AdminGetUser says the user has turned on.
    async fn mfa_enabled(&self) -> Vec<String> {
        let user =
            self.cognito().admin_get_user().user_pool_id(&self.pool_id).username(&self.email).send().await.unwrap();
        user.user_mfa_setting_list().to_vec()
    }

    async fn sign_in(
        &self,
        password: &str,
    ) -> aws_sdk_cognitoidentityprovider::operation::initiate_auth::InitiateAuthOutput {
        self.cognito()
            .initiate_auth()
            .client_id(&self.client_id)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", &self.email)
            .auth_parameters("PASSWORD", password)
            .send()
            .await
            .expect("signs in")
    }
}

/// AWS: the challenge's Session ties the answer to the sign-in that proved the password; a made
/// up Session is refused. ministack answers NEW_PASSWORD_REQUIRED for any Session, so a test
/// of the new-password form proves the page sends the new password, not that it sends the
/// Session it was given (the browser test checks that separately, from the request).
#[tokio::test]
async fn new_password_required_ignores_the_session() {
    let pool = scene(PoolSettings::default()).await;
    let challenge = pool.sign_in("Temporary-Pass-1").await;
    assert_eq!(challenge.challenge_name(), Some(&ChallengeNameType::NewPasswordRequired));
    let answered = pool
        .answer_new_password("not-the-session-cognito-gave", PASSWORD)
        .await
        .expect("the emulator takes any Session");
    assert!(answered.authentication_result().is_some());
    pool.emulator.stop().await;
}

/// AWS: the new password must meet the pool's policy (InvalidPasswordException). ministack
/// accepts a weak one on NEW_PASSWORD_REQUIRED, so the page's own policy check is what a
/// local test of a weak password sees.
#[tokio::test]
async fn new_password_required_accepts_a_weak_password() {
    let pool = scene(PoolSettings::default()).await;
    let challenge = pool.sign_in("Temporary-Pass-1").await;
    let answered = pool
        .answer_new_password(challenge.session().unwrap(), "weak")
        .await
        .expect("the emulator takes a weak password");
    assert!(answered.authentication_result().is_some());
    pool.emulator.stop().await;
}

/// AWS: a client whose WriteAttributes leave out `email` cannot change it, and with
/// AttributesRequireVerificationBeforeUpdate the old address stays until the new one is
/// verified. ministack lets the user's own access token set a new email, verified at once. The
/// template's settings are checked statically instead (deploy/sam_transform.py).
#[tokio::test]
async fn a_client_without_email_in_write_attributes_can_change_the_email() {
    let pool = scene(PoolSettings::default()).await;
    pool.set_permanent_password().await;
    let signed_in = pool.sign_in(PASSWORD).await;
    let access_token = signed_in.authentication_result().unwrap().access_token().unwrap();
    pool.cognito()
        .update_user_attributes()
        .access_token(access_token)
        .user_attributes(AttributeType::builder().name("email").value("someone-else@example.com").build().unwrap())
        .send()
        .await
        .expect("the emulator lets the page's client write email");
    let user = pool.cognito().get_user().access_token(access_token).send().await.unwrap();
    let attribute = |name: &str| user.user_attributes().iter().find(|a| a.name() == name).and_then(|a| a.value());
    assert_eq!(attribute("email"), Some("someone-else@example.com"));
    pool.emulator.stop().await;
}

/// AWS: a SigV4 signature made with the wrong secret key is refused. ministack checks the
/// access key only, so local admin calls prove nothing about the credentials used.
#[tokio::test]
async fn signatures_are_not_checked_against_the_secret_key() {
    let pool = scene(PoolSettings::default()).await;
    let wrong_secret = common::cognito(&pool.emulator.endpoint, "not-the-secret");
    wrong_secret.list_users().user_pool_id(&pool.pool_id).send().await.expect("a wrong secret key is accepted");
    pool.emulator.stop().await;
}

/// AWS: with MFA required and no factor set up, sign-in answers MFA_SETUP. ministack issues
/// tokens instead, so the MFA set-up inside a sign-in cannot be run locally.
#[tokio::test]
async fn mfa_on_never_asks_to_set_up_a_factor() {
    let pool = scene(PoolSettings { mfa_on: true, ..PoolSettings::default() }).await;
    pool.set_permanent_password().await;
    let signed_in = pool.sign_in(PASSWORD).await;
    assert_eq!(signed_in.challenge_name(), None, "{signed_in:?}");
    assert!(signed_in.authentication_result().is_some());
    pool.emulator.stop().await;
}

/// AWS: a client that allows ALLOW_USER_AUTH may sign in with the USER_AUTH flow (choice-based
/// sign-in). ministack refuses it.
#[tokio::test]
async fn the_user_auth_flow_is_refused() {
    let pool =
        scene(PoolSettings { flows: vec![ExplicitAuthFlowsType::AllowUserAuth], ..PoolSettings::default() }).await;
    pool.set_permanent_password().await;
    let refused = pool
        .cognito()
        .initiate_auth()
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::UserAuth)
        .auth_parameters("USERNAME", &pool.email)
        .auth_parameters("PREFERRED_CHALLENGE", "PASSWORD")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .expect_err("the emulator refuses USER_AUTH");
    assert!(refused.code().is_some(), "{refused:?}");
    pool.emulator.stop().await;
}

/// AWS: a client with refresh-token rotation answers GetTokensFromRefreshToken with a new
/// refresh token and spends the old one, and refuses InitiateAuth's REFRESH_TOKEN_AUTH.
/// ministack drops the client's RefreshTokenRotation: no new refresh token, the old one keeps
/// working, and REFRESH_TOKEN_AUTH is accepted. So the page's handling of a rotated token is
/// shown locally only where the emulator gives it one; `e2e` tests the tabs' shared refresh
/// and a refused token's recovery with tokens changed by other means.
#[tokio::test]
async fn refresh_token_rotation_is_not_modeled() {
    let pool = scene(PoolSettings { rotation: true, ..PoolSettings::default() }).await;
    pool.set_permanent_password().await;
    let signed_in = pool.sign_in(PASSWORD).await;
    let refresh_token = signed_in.authentication_result().unwrap().refresh_token().unwrap();
    let cognito = pool.cognito();
    let described = cognito
        .describe_user_pool_client()
        .user_pool_id(&pool.pool_id)
        .client_id(&pool.client_id)
        .send()
        .await
        .unwrap();
    assert!(described.user_pool_client().unwrap().refresh_token_rotation().is_none(), "the setting is dropped");
    for _ in 0..2 {
        let refreshed = cognito
            .get_tokens_from_refresh_token()
            .client_id(&pool.client_id)
            .refresh_token(refresh_token)
            .send()
            .await
            .expect("the same refresh token works again");
        let tokens = refreshed.authentication_result().unwrap();
        assert!(tokens.id_token().is_some() && tokens.refresh_token().is_none(), "no new refresh token");
    }
    let old_flow = cognito
        .initiate_auth()
        .client_id(&pool.client_id)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", refresh_token)
        .send()
        .await;
    assert!(old_flow.is_ok(), "REFRESH_TOKEN_AUTH is accepted: {old_flow:?}");
    pool.emulator.stop().await;
}

/// AWS: the SRP proof's TIMESTAMP must be close to Cognito's own clock; a device whose clock
/// is far off is refused. ministack checks only the timestamp's format and signs over it, so
/// a proof dated a day away signs in: the page's and the CLI's sentences for a wrong clock
/// cannot be shown locally (they are checked on Cognito's answer in unit tests).
#[tokio::test]
async fn an_srp_proof_dated_a_day_away_is_accepted() {
    let pool = scene(PoolSettings {
        flows: vec![ExplicitAuthFlowsType::AllowUserSrpAuth, ExplicitAuthFlowsType::AllowRefreshTokenAuth],
        ..PoolSettings::default()
    })
    .await;
    pool.set_permanent_password().await;
    let a_day = 24 * 60 * 60;
    let tokens =
        common::srp_sign_in(&pool.cognito(), &pool.pool_id, &pool.client_id, (&pool.email, PASSWORD), a_day).await;
    assert!(tokens.id_token().is_some(), "a proof dated tomorrow signs in");
    pool.emulator.stop().await;
}

/// AWS: the SOFTWARE_TOKEN_MFA answer must name the Session of the sign-in that proved the
/// password; a made-up Session is refused. ministack ignores it, so a code from the user's app
/// with any Session signs in without the password: locally, `whoami-admin login` with a code
/// proves the code is sent, not that it is sent within the right sign-in (its unit tests check
/// the Session it sends, on mocked answers).
#[tokio::test]
async fn a_code_without_the_password_signs_in() {
    let pool = scene(PoolSettings { mfa_optional: true, ..PoolSettings::default() }).await;
    let (app, _) = pool.set_up_totp().await;
    let challenge = pool.sign_in(PASSWORD).await;
    assert_eq!(challenge.challenge_name(), Some(&ChallengeNameType::SoftwareTokenMfa), "MFA is on: {challenge:?}");
    let answered = pool
        .cognito()
        .respond_to_auth_challenge()
        .client_id(&pool.client_id)
        .challenge_name(ChallengeNameType::SoftwareTokenMfa)
        .session("not-a-session-cognito-gave")
        .challenge_responses("USERNAME", &pool.email)
        .challenge_responses("SOFTWARE_TOKEN_MFA_CODE", app.generate_current().to_string())
        .send()
        .await
        .expect("the emulator takes a code with any Session");
    assert!(answered.authentication_result().and_then(|r| r.id_token()).is_some(), "{answered:?}");
    pool.emulator.stop().await;
}

/// AWS: SetUserMFAPreference / AdminSetUserMFAPreference with the authenticator app's
/// `Enabled` false turns it off. The Rust SDK (like Smithy's serialisers) leaves a false
/// boolean out, sending `SoftwareTokenMfaSettings: {}`, which Cognito reads as its default,
/// false; ministack changes nothing unless `Enabled` is present. So `whoami-admin mfa disable`
/// cannot be shown locally to let a user sign in without a code (admin/tests/mfa.rs says so).
#[tokio::test]
async fn totp_turned_off_as_the_sdk_sends_it_is_ignored() {
    let pool = scene(PoolSettings { mfa_optional: true, ..PoolSettings::default() }).await;
    pool.set_up_totp().await;
    assert_eq!(pool.mfa_enabled().await, ["SOFTWARE_TOKEN_MFA"]);
    pool.cognito()
        .admin_set_user_mfa_preference()
        .user_pool_id(&pool.pool_id)
        .username(&pool.email)
        .software_token_mfa_settings(
            SoftwareTokenMfaSettingsType::builder().enabled(false).preferred_mfa(false).build(),
        )
        .send()
        .await
        .expect("AdminSetUserMFAPreference");
    assert_eq!(pool.mfa_enabled().await, ["SOFTWARE_TOKEN_MFA"], "still on");
    let challenge = pool.sign_in(PASSWORD).await;
    assert_eq!(challenge.challenge_name(), Some(&ChallengeNameType::SoftwareTokenMfa), "a code is still asked for");
    pool.emulator.stop().await;
}

impl Scene {
    /// SignUp through the page's client with `email` and the test password.
    async fn sign_up(&self, email: &str) -> Result<(), String> {
        let attribute = AttributeType::builder().name("email").value(email).build().unwrap();
        let request = self.cognito().sign_up().client_id(&self.client_id).username(email).password(PASSWORD);
        request.user_attributes(attribute).send().await.map(drop).map_err(|e| format!("{:?}", e.code()))
    }

    /// The six-digit code in the last email the emulator sent to `to`.
    async fn emailed_code(&self, to: &str) -> String {
        let mails = ministack::sent_emails(&reqwest::Client::new(), &self.emulator.endpoint).await.unwrap();
        let mail = mails.iter().rev().find(|m| m.to.iter().any(|t| t == to)).expect("an email was sent");
        let code = mail.body_text.split(|c: char| !c.is_ascii_digit()).find(|run| run.len() == 6);
        code.unwrap_or_else(|| panic!("no code in {mail:?}")).to_owned()
    }
}

/// AWS: with AllowAdminCreateUserOnly (template.yaml unless SelfSignUp=true) SignUp is refused
/// (NotAuthorizedException "SignUp is not permitted for this user pool"). ministack signs the
/// user up. whoami-admin's sentence for AWS's refusal is tested on a mocked answer.
#[tokio::test]
async fn sign_up_is_accepted_where_only_administrators_create_users() {
    let pool = scene(PoolSettings { admin_only: true, ..PoolSettings::default() }).await;
    let described = pool.cognito().describe_user_pool().user_pool_id(&pool.pool_id).send().await.unwrap();
    let config = described.user_pool().unwrap().admin_create_user_config().unwrap();
    assert!(config.allow_admin_create_user_only(), "the pool says only administrators create users");
    assert_eq!(pool.sign_up("stranger@example.com").await, Ok(()));
    pool.emulator.stop().await;
}

/// AWS: ConfirmSignUp verifies the email the code went to (`email_verified` true), so the API
/// answers a self-signed-up user. ministack leaves it unverified, and the API would answer 403
/// `email_not_verified`; the local stack's sign-up test therefore stops at the sign-in.
#[tokio::test]
async fn confirm_sign_up_does_not_verify_the_email() {
    let pool = scene(PoolSettings::default()).await;
    let email = "newcomer@example.com";
    pool.sign_up(email).await.unwrap();
    let code = pool.emailed_code(email).await;
    let cognito = pool.cognito();
    cognito.confirm_sign_up().client_id(&pool.client_id).username(email).confirmation_code(code).send().await.unwrap();
    let user = cognito.admin_get_user().user_pool_id(&pool.pool_id).username(email).send().await.unwrap();
    assert_eq!(
        user.user_status().map(aws_sdk_cognitoidentityprovider::types::UserStatusType::as_str),
        Some("CONFIRMED")
    );
    let verified = user.user_attributes().iter().find(|a| a.name() == "email_verified").and_then(|a| a.value());
    assert_ne!(verified, Some("true"), "{user:?}");
    pool.emulator.stop().await;
}

/// AWS: each emailed code is random, and a new one replaces the last. ministack's are fixed:
/// 123456 for every sign-up, 654321 for every reset (ForgotPassword, AdminResetUserPassword).
/// Tests read codes from the mail log all the same, and a wrong code is still refused.
#[tokio::test]
async fn emailed_codes_are_fixed() {
    let pool = scene(PoolSettings::default()).await;
    for email in ["one@example.com", "two@example.com"] {
        pool.sign_up(email).await.unwrap();
        assert_eq!(pool.emailed_code(email).await, "123456");
    }
    pool.set_permanent_password().await;
    let cognito = pool.cognito();
    for _ in 0..2 {
        cognito.forgot_password().client_id(&pool.client_id).username(&pool.email).send().await.unwrap();
        assert_eq!(pool.emailed_code(&pool.email).await, "654321");
    }
    pool.emulator.stop().await;
}

impl Scene {
    /// An app client of the pool for the hosted sign-in page, as template.yaml's page client:
    /// the code grant with `openid email`, back to `callback`; no sign-out URL.
    async fn hosted_client(&self, callback: &str) -> String {
        let created = self
            .cognito()
            .create_user_pool_client()
            .user_pool_id(&self.pool_id)
            .client_name("hosted")
            .read_attributes("email")
            .supported_identity_providers("COGNITO")
            .allowed_o_auth_flows_user_pool_client(true)
            .allowed_o_auth_flows(OAuthFlowType::Code)
            .allowed_o_auth_scopes("openid")
            .allowed_o_auth_scopes("email")
            .callback_urls(callback)
            .send()
            .await
            .unwrap();
        created.user_pool_client().unwrap().client_id().unwrap().to_owned()
    }

    /// The hosted page's authorize address for `client`, as `whoami-admin login --hosted` asks.
    fn authorize_url(&self, client: &str, callback: &str) -> reqwest::Url {
        let verifier = oauth::CodeVerifier::from_random([7; 32]);
        let mut url = reqwest::Url::parse(&format!("{}/{}", self.emulator.endpoint, oauth::AUTHORIZE_PATH)).unwrap();
        url.query_pairs_mut().extend_pairs(oauth::authorize_params(client, callback, "state", &verifier));
        url
    }
}

/// A browser that shows each redirect rather than following it.
fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// AWS: the hosted page keeps a session of its own (a cookie on the pool's domain), so a second
/// sign-in within it skips the form, until `/logout` ends it. ministack keeps none: it sets no
/// cookie and shows the form on every visit, and its `/logout` only redirects. So locally "sign
/// out, then sign in asks again" holds whether or not a client called `/logout`.
#[tokio::test]
async fn the_hosted_page_keeps_no_session() {
    let pool = scene(PoolSettings::default()).await;
    pool.set_permanent_password().await;
    let callback = "http://127.0.0.1:9/callback";
    let client = pool.hosted_client(callback).await;
    let authorize = pool.authorize_url(&client, callback);
    let browser = browser();
    let form = browser.get(authorize.clone()).send().await.unwrap();
    assert_eq!(form.status(), 200);
    assert!(form.headers().get("set-cookie").is_none(), "{:?}", form.headers());
    let fields = authorize
        .query_pairs()
        .into_owned()
        .chain([("username".to_owned(), pool.email.clone()), ("password".to_owned(), PASSWORD.to_owned())]);
    let signed_in = browser
        .post(format!("{}/login", pool.emulator.endpoint))
        .form(&fields.collect::<Vec<_>>())
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 302, "signed in on the form");
    assert!(signed_in.headers()["location"].to_str().unwrap().starts_with(&format!("{callback}?code=")));
    assert!(signed_in.headers().get("set-cookie").is_none(), "{:?}", signed_in.headers());
    // Right after signing in, the page asks for the password again.
    let again = browser.get(authorize).send().await.unwrap().text().await.unwrap();
    assert!(again.contains("name=\"password\""), "{again}");
    pool.emulator.stop().await;
}

/// AWS: the hosted page is at the pool's domain (`<prefix>.auth.<region>.amazoncognito.com`),
/// and a pool without one has none. ministack serves every pool's page at its own address,
/// finding the pool by the app client's id, domain or not (so `whoami-admin configure` writes
/// the emulator's address as `hosted_ui_domain`).
#[tokio::test]
async fn the_hosted_page_needs_no_domain() {
    let pool = scene(PoolSettings::default()).await;
    let callback = "http://127.0.0.1:9/callback";
    let client = pool.hosted_client(callback).await;
    let domains = pool.cognito().describe_user_pool().user_pool_id(&pool.pool_id).send().await.unwrap();
    assert_eq!(domains.user_pool().unwrap().domain(), None, "the pool has no domain");
    let form = browser().get(pool.authorize_url(&client, callback)).send().await.unwrap();
    assert_eq!(form.status(), 200);
    assert!(form.text().await.unwrap().contains("name=\"password\""));
    pool.emulator.stop().await;
}

/// AWS: `/logout` redirects only to a sign-out URL the app client lists. ministack checks the
/// list only when there is one: for a client without sign-out URLs any `logout_uri` is
/// followed (template.yaml's clients list theirs, and there it refuses others).
#[tokio::test]
async fn logout_redirects_anywhere_for_a_client_without_sign_out_urls() {
    let pool = scene(PoolSettings::default()).await;
    let client = pool.hosted_client("http://127.0.0.1:9/callback").await;
    let mut logout = reqwest::Url::parse(&format!("{}/{}", pool.emulator.endpoint, oauth::LOGOUT_PATH)).unwrap();
    logout.query_pairs_mut().append_pair("client_id", &client).append_pair("logout_uri", "https://elsewhere.example/");
    let answer = browser().get(logout).send().await.unwrap();
    assert_eq!(answer.status(), 302);
    assert_eq!(answer.headers()["location"], "https://elsewhere.example/");
    pool.emulator.stop().await;
}
