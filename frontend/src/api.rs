//! The only module that talks HTTP (the browser's `fetch`): `config.json`, Cognito and the API.
//!
//! Components hold one of three states and call typed functions on it. Only an
//! [`Authenticated`] can call the API, and the only ways to get one are signing in,
//! answering a new-password challenge, or restoring stored tokens, so "call the API without a
//! token" cannot be written. Every expected failure comes back as a value with a sentence.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use futures::future::{FutureExt as _, LocalBoxFuture, Shared};
use js_sys::futures::JsFuture;
use leptos::wasm_split::SplitLoaderError;
use wasm_bindgen::JsCast as _;
use whoami_shared::Email;
use whoami_shared::api::{Envelope, Outcome};
use whoami_shared::cognito::{
    AuthFlow, AuthResponse, CONTENT_TYPE, ChallengeAnswer, ChallengeParameters, GetTokensFromRefreshTokenRequest,
    InitiateAuthRequest, NewPasswordResponses, PASSWORD_VERIFIER, PasswordVerifierResponses,
    RespondToAuthChallengeRequest, RevokeTokenRequest, TARGET_GET_TOKENS_FROM_REFRESH_TOKEN, TARGET_INITIATE_AUTH,
    TARGET_RESPOND_TO_AUTH_CHALLENGE, TARGET_REVOKE_TOKEN,
};
use whoami_shared::secret_hash::secret_hash_bytes;
use whoami_shared::srp;

use crate::bigint::JsBigNum;
use crate::config::{CONFIG_FILE, Config, ConfigError, SignInFlow};
use crate::errors::{AuthError, Call, WhoAmIError};
use crate::json;
use crate::session::{Freshness, Tokens};
use crate::storage::TokenStore;

pub mod mfa;
pub mod self_service;

/// Fetches and parses `config.json`. index.html preloads it, and the browser answers this
/// request with the preloaded response, whose freshness is the server's `Cache-Control`
/// (README.md asks for `no-cache`); `no-cache` here covers a browser that did not preload.
pub async fn load_config() -> Result<Config, ConfigError> {
    let init = web_sys::RequestInit::new();
    init.set_cache(web_sys::RequestCache::NoCache);
    let response =
        send(CONFIG_FILE, &init).await.ok_or_else(|| ConfigError::Unavailable("the request failed".to_owned()))?;
    if !response.ok() {
        return Err(ConfigError::Unavailable(format!("HTTP {}", response.status())));
    }
    let text =
        text(&response).await.ok_or_else(|| ConfigError::Unavailable("the body could not be read".to_owned()))?;
    Config::parse(&text)
}

/// Nobody is signed in. Holds the configuration and can start a session.
#[derive(Debug, Clone)]
pub struct Anonymous {
    config: Rc<Config>,
}

/// Where a successful password check (or answer to a challenge) leads.
#[derive(Debug)]
pub enum SignInStep {
    SignedIn(Authenticated),
    /// Cognito asks for more: a new password, a code from an authenticator app, setting one
    /// up. The screens that answer are loaded on demand and read the challenge themselves.
    Challenge(Rc<Challenge>),
}

impl Anonymous {
    pub fn new(config: Config) -> Self {
        Self { config: Rc::new(config) }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Whether an earlier visit (or another tab) stored a session, which [`Self::restore`]
    /// then reads.
    pub fn has_stored_session(&self) -> bool {
        TokenStore::new(self.config.token_storage).holds_tokens()
    }

    /// The session stored by an earlier visit, if there is one. Its tokens are checked
    /// (refreshed if need be) by the first [`Authenticated::whoami`]. Called only from the
    /// module loaded on demand, which checks them too, so that the first visit's wasm does
    /// not carry the code that reads them.
    pub fn restore(&self) -> Option<Authenticated> {
        let store = TokenStore::new(self.config.token_storage);
        store.load().map(|tokens| Authenticated::new(Rc::clone(&self.config), store, tokens, true))
    }

    /// Signs in with the flow `config.json` chooses: SRP, where only a proof of the password
    /// leaves the browser (the default), or the password itself.
    pub async fn sign_in(&self, email: &Email, password: &str) -> Result<SignInStep, AuthError> {
        match self.config.auth_flow {
            SignInFlow::Srp => self.sign_in_srp(email, password).await,
            SignInFlow::Password => self.sign_in_password(email, password).await,
        }
    }

    /// USER_SRP_AUTH: sends `A`, and answers Cognito's PASSWORD_VERIFIER challenge with a
    /// signature only the right password can make.
    async fn sign_in_srp(&self, email: &Email, password: &str) -> Result<SignInStep, AuthError> {
        let config = &self.config;
        let client = srp::Client::<JsBigNum>::new(&random_a()?);
        let request = InitiateAuthRequest {
            client_id: config.app_client_id.to_string(),
            flow: AuthFlow::UserSrp {
                username: email.to_string(),
                srp_a: client.srp_a(),
                secret_hash: client_secret_hash(config, email.as_str()),
            },
        };
        let challenge =
            auth_response(&post_cognito(config, TARGET_INITIATE_AUTH, json::to_string(&request), Call::SignIn).await?)?;
        if challenge.challenge_name.as_deref() != Some(PASSWORD_VERIFIER) {
            return next_step(config, challenge, email.as_str(), email.as_str());
        }
        let incomplete = || AuthError::Unexpected("an incomplete PASSWORD_VERIFIER challenge".to_owned());
        let parameters = challenge.challenge_parameters.ok_or_else(incomplete)?;
        let (Some(salt), Some(srp_b), Some(secret_block), Some(user_id)) =
            (parameters.salt, parameters.srp_b, parameters.secret_block, parameters.user_id_for_srp)
        else {
            return Err(incomplete());
        };
        let secret_block_bytes = crate::base64::decode(&secret_block).ok_or_else(incomplete)?;
        let verifier = srp::PasswordVerifier {
            salt_hex: &salt,
            srp_b_hex: &srp_b,
            secret_block: &secret_block_bytes,
            user_id_for_srp: &user_id,
        };
        let proof = client
            .answer(&verifier, &config.user_pool_id, password, now_secs())
            .map_err(|e| AuthError::Unexpected(e.to_string()))?;
        let request = RespondToAuthChallengeRequest {
            client_id: config.app_client_id.to_string(),
            session: challenge.session,
            answer: ChallengeAnswer::PasswordVerifier(PasswordVerifierResponses {
                secret_hash: client_secret_hash(config, &proof.username),
                username: proof.username,
                secret_block,
                signature: crate::base64::encode(&proof.signature),
                timestamp: proof.timestamp,
            }),
        };
        let body = json::to_string(&request);
        let response =
            auth_response(&post_cognito(config, TARGET_RESPOND_TO_AUTH_CHALLENGE, body, Call::SignIn).await?)?;
        next_step(config, response, &user_id, email.as_str())
    }

    /// USER_PASSWORD_AUTH, for app clients that do not allow SRP.
    async fn sign_in_password(&self, email: &Email, password: &str) -> Result<SignInStep, AuthError> {
        let config = &self.config;
        let request = InitiateAuthRequest {
            client_id: config.app_client_id.to_string(),
            flow: AuthFlow::UserPassword {
                username: email.to_string(),
                password: password.to_owned(),
                secret_hash: client_secret_hash(config, email.as_str()),
            },
        };
        let response =
            auth_response(&post_cognito(config, TARGET_INITIATE_AUTH, json::to_string(&request), Call::SignIn).await?)?;
        next_step(config, response, email.as_str(), email.as_str())
    }
}

/// A sign-in that Cognito holds at a challenge: a user whose password was accepted and who
/// must now choose a new one (NEW_PASSWORD_REQUIRED), give a code from their authenticator app
/// (SOFTWARE_TOKEN_MFA, SELECT_MFA_TYPE) or set one up (MFA_SETUP).
#[derive(Debug)]
pub struct Challenge {
    config: Rc<Config>,
    /// Cognito's name for the challenge.
    pub name: String,
    /// The name Cognito gave in the challenge (the user's id when signing in by email).
    username: String,
    /// The email the user signed in with, to label what the user sees.
    email: String,
    session: String,
    parameters: ChallengeParameters,
}

impl Challenge {
    /// Sends the new password (already checked by [`crate::password::Policy::check`]).
    pub async fn respond(&self, new_password: &str) -> Result<SignInStep, AuthError> {
        let answer = ChallengeAnswer::NewPassword(NewPasswordResponses {
            username: self.username.clone(),
            new_password: new_password.to_owned(),
            secret_hash: client_secret_hash(&self.config, &self.username),
        });
        let body = self.request(&self.session, answer);
        self.step(&post_cognito(&self.config, TARGET_RESPOND_TO_AUTH_CHALLENGE, body, Call::Challenge).await?)
    }

    /// The body of a RespondToAuthChallenge with `answer`, within `session` (this
    /// challenge's, or the one a set-up step gave in its place).
    fn request<A: serde::Serialize>(&self, session: &str, answer: A) -> Option<String> {
        json::to_string(&RespondToAuthChallengeRequest {
            client_id: self.config.app_client_id.to_string(),
            session: Some(session.to_owned()),
            answer,
        })
    }

    /// Where Cognito's successful answer to this challenge leads.
    fn step(&self, text: &str) -> Result<SignInStep, AuthError> {
        next_step(&self.config, auth_response(text)?, &self.username, &self.email)
    }

    /// Gives up on the challenge.
    pub fn cancel(&self) -> Anonymous {
        Anonymous { config: Rc::clone(&self.config) }
    }
}

/// Turns Cognito's answer into tokens or the next challenge.
/// `username` is the name to answer a challenge with when Cognito gives none, `email` the
/// address the user typed.
fn next_step(
    config: &Rc<Config>,
    response: AuthResponse,
    username: &str,
    email: &str,
) -> Result<SignInStep, AuthError> {
    if let Some(result) = response.authentication_result {
        let tokens = Tokens {
            id_token: result.id_token,
            access_token: result.access_token,
            refresh_token: result.refresh_token,
        };
        let store = TokenStore::new(config.token_storage);
        // If the browser refuses storage, the session still works until the page closes.
        store.save(&tokens);
        return Ok(SignInStep::SignedIn(Authenticated::new(Rc::clone(config), store, tokens, false)));
    }
    match (response.challenge_name, response.session) {
        (Some(name), Some(session)) => {
            let parameters = response.challenge_parameters.unwrap_or_default();
            let username = parameters.answer_as().unwrap_or(username).to_owned();
            let config = Rc::clone(config);
            let email = email.to_owned();
            Ok(SignInStep::Challenge(Rc::new(Challenge { config, name, username, email, session, parameters })))
        }
        (Some(name), None) => Err(AuthError::UnsupportedChallenge(name)),
        (None, _) => Err(AuthError::Unexpected("neither tokens nor a challenge".to_owned())),
    }
}

/// A signed-in user. Cheap to clone: clones share the tokens and any refresh in flight.
#[derive(Debug, Clone)]
pub struct Authenticated(Rc<Inner>);

type SharedRefresh = Shared<LocalBoxFuture<'static, Result<(), AuthError>>>;

struct Inner {
    config: Rc<Config>,
    store: TokenStore,
    tokens: RefCell<Tokens>,
    /// The refresh in flight, which every caller in this tab that needs one awaits, so that
    /// two API calls at once cause one refresh, not two (other tabs wait on [`REFRESH_LOCK`]).
    refreshing: RefCell<Option<SharedRefresh>>,
    /// The tokens came from storage (an earlier visit or another tab), so they may be about
    /// to expire; tokens from a sign-in on this page are fresh.
    restored: bool,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inner").field("tokens", &self.tokens).finish_non_exhaustive()
    }
}

/// How the API answered one call.
enum ApiAnswer {
    Email(Email),
    /// 401: the gateway refused the token.
    Unauthorized,
    Failed(WhoAmIError),
}

impl Authenticated {
    fn new(config: Rc<Config>, store: TokenStore, tokens: Tokens, restored: bool) -> Self {
        let tokens = RefCell::new(tokens);
        Self(Rc::new(Inner { config, store, tokens, refreshing: RefCell::new(None), restored }))
    }

    /// Asks the API who the user is, refreshing the ID token first if it was restored from
    /// storage and expires within five minutes (a token the gateway refuses is refreshed and
    /// the call made once more, whatever its age). When the answer is final (the refresh token is refused), the stored tokens
    /// are dropped and [`WhoAmIError::ends_session`] is true; otherwise the session is kept.
    pub async fn whoami(&self) -> Result<Email, WhoAmIError> {
        // Tokens from storage are checked first, in the module that refreshes tokens (a first
        // visit needs neither). If it cannot be fetched, the API's answer decides, as below.
        if self.0.restored
            && let Ok(refreshing) = refresh_if_stale_module(self.clone()).await
        {
            refreshing.await?;
        }
        match self.call_api().await {
            ApiAnswer::Email(email) => Ok(email),
            ApiAnswer::Failed(e) => Err(e),
            ApiAnswer::Unauthorized => {
                // The token looked fresh but was refused (revoked, or the clock is off):
                // one refresh and one more try, then the session is over.
                self.refresh().await?;
                match self.call_api().await {
                    ApiAnswer::Email(email) => Ok(email),
                    ApiAnswer::Failed(e) => Err(e),
                    ApiAnswer::Unauthorized => {
                        self.0.store.clear();
                        Err(WhoAmIError::SessionEnded(AuthError::SessionEnded))
                    }
                }
            }
        }
    }

    /// Signs out at once: the stored tokens are removed before this returns. The refresh
    /// token is then revoked in the background as a best effort; a failure (the network, the
    /// module that revokes not fetched, or an emulator that lacks RevokeToken) does not keep
    /// anyone signed in.
    pub fn sign_out(self) -> Anonymous {
        self.0.store.clear();
        let config = Rc::clone(&self.0.config);
        if let Some(token) = self.0.tokens.borrow().refresh_token.clone() {
            let config = Rc::clone(&config);
            leptos::task::spawn_local(async move {
                if let Ok(revoking) = revoke_module(config, token).await {
                    revoking.await;
                }
            });
        }
        Anonymous { config }
    }

    /// Whether `other` is this very session (a clone of it), not merely the same user.
    pub fn same(&self, other: &Authenticated) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    /// Forgets a session that has ended (the tokens are already gone).
    pub fn ended(&self) -> Anonymous {
        self.0.store.clear();
        Anonymous { config: Rc::clone(&self.0.config) }
    }

    /// Refreshes the tokens, joining a refresh already in flight. The code is in a wasm module
    /// of its own ([`refresh_module`]), fetched the first time a tab needs it: a first visit,
    /// whose tokens are fresh, never does.
    fn refresh(&self) -> impl Future<Output = Result<(), WhoAmIError>> + use<> {
        let this = self.clone();
        async move {
            match refresh_module(this).await {
                Ok(refreshing) => refreshing.await,
                // The module could not be fetched: the network, which may come back.
                Err(_) => Err(WhoAmIError::Refresh(AuthError::Unreachable)),
            }
        }
    }

    /// [`Self::refresh`] itself: joins the refresh in flight or starts one.
    fn join_refresh(&self) -> impl Future<Output = Result<(), WhoAmIError>> + use<> {
        let shared = {
            let mut slot = self.0.refreshing.borrow_mut();
            if let Some(in_flight) = slot.as_ref() {
                in_flight.clone()
            } else {
                let this = self.clone();
                let refresh = async move {
                    let result = this.refresh_now().await;
                    this.0.refreshing.borrow_mut().take();
                    result
                }
                .boxed_local()
                .shared();
                *slot = Some(refresh.clone());
                refresh
            }
        };
        let store = self.0.store.clone();
        async move {
            shared.await.map_err(|e| {
                if e.ends_session() {
                    store.clear();
                    WhoAmIError::SessionEnded(e)
                } else {
                    WhoAmIError::Refresh(e)
                }
            })
        }
    }

    /// Refreshes under [`REFRESH_LOCK`], so that tabs sharing tokens refresh one at a time
    /// and a tab that waited uses what the other stored instead of spending the same refresh
    /// token again (with rotation on, Cognito takes each one once).
    async fn refresh_now(&self) -> Result<(), AuthError> {
        crate::lock::exclusive(REFRESH_LOCK, self.refresh_locked()).await
    }

    async fn refresh_locked(&self) -> Result<(), AuthError> {
        if self.adopt_stored() == Some(Freshness::Fresh) {
            return Ok(());
        }
        let sent = self.0.tokens.borrow().refresh_token.clone();
        match self.get_tokens().await {
            // Refused: if another tab rotated the token meanwhile (a browser without Web
            // Locks), its tokens are in storage, and this tab carries on with them rather
            // than signing out.
            Err(refused) if refused.ends_session() => match self.adopt_stored() {
                Some(Freshness::Fresh) => Ok(()),
                Some(Freshness::RefreshFirst) if self.0.tokens.borrow().refresh_token != sent => {
                    self.get_tokens().await
                }
                _ => Err(refused),
            },
            answer => answer,
        }
    }

    /// Takes the stored tokens when another tab stored different ones since this tab last
    /// read or wrote them, and says whether they can be used as they are.
    fn adopt_stored(&self) -> Option<Freshness> {
        let stored = self.0.store.load().filter(|stored| stored.refresh_token.is_some())?;
        let mut tokens = self.0.tokens.borrow_mut();
        if stored == *tokens {
            return None;
        }
        *tokens = stored;
        Some(tokens.freshness(now_secs()))
    }

    /// One GetTokensFromRefreshToken with the current refresh token, storing what it gives.
    async fn get_tokens(&self) -> Result<(), AuthError> {
        let config = &self.0.config;
        let Some(refresh_token) = self.0.tokens.borrow().refresh_token.clone() else {
            return Err(AuthError::SessionEnded);
        };
        let request = GetTokensFromRefreshTokenRequest {
            client_id: config.app_client_id.to_string(),
            refresh_token,
            client_secret: config.app_client_secret.as_ref().map(|s| s.expose().to_owned()),
        };
        let body = json::to_string(&request);
        let response =
            auth_response(&post_cognito(config, TARGET_GET_TOKENS_FROM_REFRESH_TOKEN, body, Call::Refresh).await?)?;
        let result = response
            .authentication_result
            .ok_or_else(|| AuthError::Unexpected("a refresh without tokens".to_owned()))?;
        let mut tokens = self.0.tokens.borrow_mut();
        tokens.id_token = result.id_token;
        tokens.access_token = result.access_token;
        // A new refresh token comes only when the client rotates them; the old one is then spent.
        if let Some(rotated) = result.refresh_token {
            tokens.refresh_token = Some(rotated);
        }
        self.0.store.save(&tokens);
        Ok(())
    }

    async fn call_api(&self) -> ApiAnswer {
        let id_token = self.0.tokens.borrow().id_token.clone();
        let init = web_sys::RequestInit::new();
        if let Some(headers) = headers(&[("Authorization", &id_token)]) {
            init.set_headers(&headers);
        }
        let Some(response) = send(&self.0.config.api_url, &init).await else {
            return ApiAnswer::Failed(WhoAmIError::ApiUnreachable);
        };
        let status = response.status();
        if status == 401 {
            return ApiAnswer::Unauthorized;
        }
        let Some(body) = text(&response).await else {
            return ApiAnswer::Failed(WhoAmIError::ApiUnreachable);
        };
        match (status, json::from_str::<Envelope>(&body)) {
            (200, Ok(Envelope { response: Outcome::Success { results } })) => match results.email.parse() {
                Ok(email) => ApiAnswer::Email(email),
                Err(_) => ApiAnswer::Failed(WhoAmIError::Unexpected(status)),
            },
            (_, Ok(Envelope { response: Outcome::Failure { error } })) => {
                ApiAnswer::Failed(WhoAmIError::Refused(error.message))
            }
            // A gateway or proxy in front of the API saying the API is not there.
            (502..=504, _) => ApiAnswer::Failed(WhoAmIError::ApiUnreachable),
            _ => ApiAnswer::Failed(WhoAmIError::Unexpected(status)),
        }
    }
}

on_demand_fn! {
    /// Loads the module that refreshes tokens, and refreshes `this`'s first if they expire within
    /// five minutes.
    fn refresh_if_stale_module(
        this: Authenticated,
    ) -> Result<LocalBoxFuture<'static, Result<(), WhoAmIError>>, SplitLoaderError> {
        let stale = this.0.tokens.borrow().freshness(now_secs()) == Freshness::RefreshFirst;
        Ok(async move { if stale { this.join_refresh().await } else { Ok(()) } }.boxed_local())
    }
}

on_demand_fn! {
    /// Loads the module that refreshes tokens, and starts (or joins) a refresh of `this`'s.
    /// `Err` only when the module could not be fetched.
    fn refresh_module(this: Authenticated) -> Result<LocalBoxFuture<'static, Result<(), WhoAmIError>>, SplitLoaderError> {
        Ok(this.join_refresh().boxed_local())
    }
}

on_demand_fn! {
    /// Loads the module that revokes refresh tokens (the one that refreshes them: signing out is
    /// not part of most first visits either), and revokes `token`.
    fn revoke_module(config: Rc<Config>, token: String) -> Result<LocalBoxFuture<'static, ()>, SplitLoaderError> {
        let request = RevokeTokenRequest {
            client_id: config.app_client_id.to_string(),
            token,
            client_secret: config.app_client_secret.as_ref().map(|s| s.expose().to_owned()),
        };
        Ok(async move {
            let _ = post_cognito(&config, TARGET_REVOKE_TOKEN, json::to_string(&request), Call::Refresh).await;
        }
        .boxed_local())
    }
}

/// The Web Lock every tab of the page takes to refresh the tokens.
const REFRESH_LOCK: &str = "cognito-whoami.refresh";

/// SECRET_HASH for `username`, when the app client has a secret.
fn client_secret_hash(config: &Config, username: &str) -> Option<String> {
    let secret = config.app_client_secret.as_ref()?;
    Some(crate::base64::encode(&secret_hash_bytes(secret.expose(), username, config.app_client_id.as_str())))
}

/// POSTs one Cognito operation (its JSON body, `None` if it could not be written) and
/// returns the text of a successful answer. Not generic over the request and answer types,
/// so that the page's wasm holds one copy of this code, not one per operation.
async fn post_cognito(config: &Config, target: &str, body: Option<String>, call: Call) -> Result<String, AuthError> {
    match send_cognito(config, target, body).await? {
        Ok(text) => Ok(text),
        Err((status, text)) => Err(AuthError::from_response(call, status, &text)),
    }
}

/// What Cognito answered: the text of a success, or the status and text of a refusal.
type CognitoAnswer = Result<String, (u16, String)>;

/// POSTs one Cognito operation; `Err` only when no answer came (or none could be sent).
async fn send_cognito(config: &Config, target: &str, body: Option<String>) -> Result<CognitoAnswer, AuthError> {
    let body = body.ok_or_else(|| AuthError::Unexpected("the request could not be written".to_owned()))?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    let headers = headers(&[("Content-Type", CONTENT_TYPE), ("X-Amz-Target", target)])
        .ok_or_else(|| AuthError::Unexpected("the request could not be built".to_owned()))?;
    init.set_headers(&headers);
    init.set_body(&body.into());
    let response = send(&config.cognito_endpoint, &init).await.ok_or(AuthError::Unreachable)?;
    let text = text(&response).await.ok_or(AuthError::Unreachable)?;
    Ok(if response.ok() { Ok(text) } else { Err((response.status(), text)) })
}

/// Reads a successful InitiateAuth or RespondToAuthChallenge answer.
fn auth_response(text: &str) -> Result<AuthResponse, AuthError> {
    read_answer(text)
}

/// Reads a successful Cognito answer as `T`; one that does not parse is unexpected.
fn read_answer<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, AuthError> {
    json::from_str(text).map_err(|_| AuthError::Unexpected("an unreadable answer".to_owned()))
}

/// Sends one request with the browser's `fetch`: the response, whatever its status, or
/// `None` when there is none (the network, CORS, or a request the browser refused).
async fn send(url: &str, init: &web_sys::RequestInit) -> Option<web_sys::Response> {
    let promise = web_sys::window()?.fetch_with_str_and_init(url, init);
    JsFuture::from(promise).await.ok()?.dyn_into().ok()
}

/// A response's body as text, or `None` if it could not be read.
async fn text(response: &web_sys::Response) -> Option<String> {
    JsFuture::from(response.text().ok()?).await.ok()?.as_string()
}

/// Request headers; `None` if the browser refuses a name or value.
fn headers(pairs: &[(&str, &str)]) -> Option<web_sys::Headers> {
    let headers = web_sys::Headers::new().ok()?;
    for (name, value) in pairs {
        headers.set(name, value).ok()?;
    }
    Some(headers)
}

/// The 40 random bytes behind SRP's secret `a` (why 40: `srp::Client::new`), from the
/// browser's cryptographic generator.
fn random_a() -> Result<[u8; 40], AuthError> {
    let mut bytes = [0; 40];
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .and_then(|crypto| crypto.get_random_values_with_u8_array(&mut bytes).ok())
        .ok_or_else(|| AuthError::Unexpected("this browser has no secure random numbers".to_owned()))?;
    Ok(bytes)
}

/// Seconds since the epoch by the browser's clock, which is what the token's `exp` is
/// compared with.
#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "Date.now() is a positive integer number of ms"
)]
fn now_secs() -> u64 {
    (js_sys::Date::now() / 1000.0) as u64
}
