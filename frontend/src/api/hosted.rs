//! Signing in on the pool's hosted sign-in page (Cognito's managed login, `hosted_ui_domain`):
//! the authorization code grant with PKCE (`shared::oauth`), the redirect back to the page, the
//! token endpoint's `refresh_token` grant for sessions that began there, and the hosted page's
//! sign-out. All of it runs from the on-demand module (`self_service`): `app::hosted` starts
//! and finishes the sign-in, `api.rs`'s refresh and revocation call the rest.
//!
//! The verifier and `state` live in this tab's sessionStorage between the two halves, and are
//! removed on the way back, whatever the answer. Neither they, the code nor any token is ever
//! shown or logged.

use wasm_bindgen::{JsCast, JsValue};
use whoami_shared::oauth::{self, Callback, CodeVerifier, TokenResponse};

use super::{Anonymous, Authenticated, headers, send, text};
use crate::config::{Config, HostedUi};
use crate::errors::{AuthError, HostedError};
use crate::json;
use crate::session::Tokens;
use crate::storage::TokenStore;

/// The sessionStorage key of the sign-in in progress: its `state` and verifier, one space apart.
const PENDING: &str = "cognito-whoami.hosted-sign-in";

// The address bar through js-sys's `Reflect::get` and `Function::call*`, whose glue the page
// already has, rather than web-sys's Location and History or inline JavaScript: each web-sys
// method or inline function is a function of wasm-bindgen's glue in the page's inline script,
// which every visit loads even where only the on-demand module calls it (BENCHMARKS.md, "The
// hosted sign-in"). The form encoding and the query's reading are Rust, in the module only.

/// `object[key]`, or `undefined`.
fn get(object: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// The page's `window`.
fn window() -> JsValue {
    web_sys::window().map_or(JsValue::UNDEFINED, JsValue::from)
}

/// The page's `location`.
fn location() -> JsValue {
    get(&window(), "location")
}

/// `location[key]` as text (`search`, `origin`, `pathname`, `hash`).
fn location_part(key: &str) -> String {
    get(&location(), key).as_string().unwrap_or_default()
}


/// The page's own address without query or fragment: the redirect URI and the sign-out URL,
/// which the app client must list (template.yaml: the site's URL, and the local stack's).
fn page_url() -> String {
    location_part("origin") + &location_part("pathname")
}

/// Leaves the page for `url`.
fn go(url: &str) {
    let location = location();
    let assign: js_sys::Function = get(&location, "assign").unchecked_into();
    let _ = assign.call1(&location, &JsValue::from_str(url));
}

/// The hosted page's answer in the address, taken out of the address (history.replaceState:
/// no reload, and the code is left in neither the history nor a bookmark).
fn take_callback() -> Returned {
    let mut found = Returned { code: None, state: None, error: None, error_description: None };
    let mut kept = Vec::new();
    let search = location_part("search");
    // Split on a string rather than a char: the main wasm's split on a char would otherwise be
    // shared with the module, and kept out of line there.
    #[allow(clippy::single_char_pattern, reason = "a &str pattern on purpose: see above")]
    for pair in search.get(1..).unwrap_or_default().split("&").filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let slot = match key {
            "code" => &mut found.code,
            "state" => &mut found.state,
            "error" => &mut found.error,
            "error_description" => &mut found.error_description,
            _ => {
                kept.push(pair);
                continue;
            }
        };
        let value = value.replace('+', " ");
        *slot = Some(percent_encoding::percent_decode_str(&value).decode_utf8_lossy().into_owned());
    }
    let query = if kept.is_empty() { String::new() } else { format!("?{}", kept.join("&")) };
    let url = format!("{}{query}{}", page_url(), location_part("hash"));
    let history = get(&window(), "history");
    let replace: js_sys::Function = get(&history, "replaceState").unchecked_into();
    let _ = replace.call3(&history, &JsValue::NULL, &JsValue::from_str(""), &JsValue::from_str(&url));
    found
}

/// What `application/x-www-form-urlencoded` leaves as it is (as URLSearchParams does; a space
/// is written `%20`, which every reader takes).
const FORM: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'*').remove(b'-').remove(b'.').remove(b'_');

/// The hosted page's answer, as [`take_callback`] reads it.
struct Returned {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

impl Anonymous {
    /// Starts a sign-in on the hosted page: a new PKCE verifier and `state`, kept in this tab's
    /// sessionStorage, then the browser goes to the authorize endpoint (and the page is left).
    pub fn start_hosted_sign_in(&self) -> Result<(), HostedError> {
        let hosted = hosted_ui(&self.config)?;
        let verifier = CodeVerifier::from_random(random()?);
        let state = oauth::state_from_random(random()?);
        let stored = session_storage()
            .and_then(|storage| storage.set_item(PENDING, &format!("{state} {}", verifier.expose())).ok());
        // Without it the answer could not be checked: better not to leave at all.
        stored.ok_or_else(|| {
            HostedError::Auth(AuthError::Unexpected("this browser refused session storage".to_owned()))
        })?;
        let params = oauth::authorize_params(self.config.app_client_id.as_str(), &page_url(), &state, &verifier);
        let query = encode(&params.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>());
        go(&format!("{}{}?{query}", hosted.base, oauth::AUTHORIZE_PATH));
        Ok(())
    }

    /// Finishes a sign-in the hosted page sent the browser back from: takes `code` and `state`
    /// out of the address, checks `state` against the one this tab stored, and redeems the
    /// code with the stored verifier. The tokens are stored as a direct sign-in's are.
    pub async fn finish_hosted_sign_in(&self) -> Result<Authenticated, HostedError> {
        let config = &self.config;
        let callback = callback();
        // One answer per sign-in started: whatever comes back, the pending one is spent.
        let pending = session_storage().and_then(|storage| {
            let pending = storage.get_item(PENDING).ok().flatten();
            let _ = storage.remove_item(PENDING);
            pending
        });
        let hosted = hosted_ui(config)?;
        let Some(callback) = callback else { return Err(HostedError::WrongState) };
        let (stored_state, verifier) =
            pending.as_deref().and_then(|p| p.split_once(' ')).ok_or(HostedError::WrongState)?;
        if callback.state() != Some(stored_state) {
            return Err(HostedError::WrongState);
        }
        let code = match callback {
            Callback::Code { code, .. } => code,
            Callback::Error { error, .. } => return Err(HostedError::from_redirect(&error)),
        };
        let verifier = CodeVerifier::new(verifier).map_err(|_| HostedError::WrongState)?;
        let redirect_uri = page_url();
        let params = oauth::code_exchange_params(config.app_client_id.as_str(), &code, &redirect_uri, &verifier);
        let answer = token_request(config, &hosted, &params).await.map_err(HostedError::Auth)?;
        let tokens = match answer {
            Ok(tokens) => tokens,
            Err((status, body)) => return Err(HostedError::from_code_refusal(status, &body)),
        };
        let tokens = Tokens {
            id_token: tokens.id_token,
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token,
            hosted: true,
        };
        let store = TokenStore::new(config.token_storage);
        // As after a direct sign-in: if the browser refuses storage, the session lasts as long as the page.
        store.save(&tokens);
        Ok(Authenticated::new(std::rc::Rc::clone(&self.config), store, tokens, false))
    }
}

/// New ID and access tokens for a session that began on the hosted page: the token endpoint's
/// `refresh_token` grant. A refused refresh token ends the session ([`AuthError::SessionEnded`]).
pub(super) async fn refresh(config: &Config, refresh_token: &str) -> Result<TokenResponse, AuthError> {
    let hosted = hosted_ui(config).map_err(|_| AuthError::Misconfigured("hosted_ui_domain".to_owned()))?;
    let params = oauth::refresh_params(config.app_client_id.as_str(), refresh_token);
    token_request(config, &hosted, &params).await?.map_err(|(status, body)| AuthError::from_token_error(status, &body))
}

/// Ends the hosted page's own session (its cookie), so that the next "Sign in with" asks again:
/// the browser goes to `/logout`, which sends it back to this page (one of the app client's
/// sign-out URLs, template.yaml's LogoutURLs).
pub(super) fn log_out(config: &Config) {
    let Ok(hosted) = hosted_ui(config) else { return };
    let page = page_url();
    let query = encode(&oauth::logout_params(config.app_client_id.as_str(), &page));
    go(&format!("{}{}?{query}", hosted.base, oauth::LOGOUT_PATH));
}

/// Whether the page's address may hold an answer from the hosted page (`state=`): the
/// cheapest look, for the page's start, which then leaves the rest to the on-demand module
/// (`restore_session`, which asks [`returned_from_hosted_page`]).
pub fn maybe_returned() -> bool {
    // web-sys's Location here (two glue functions) costs the first visit less than the
    // module's Reflect helpers would, which would then be shared and kept in the main wasm.
    web_sys::window().and_then(|w| w.location().search().ok()).is_some_and(|q| q.contains("state="))
}

/// Whether the page's address holds an answer from the hosted page: `state` with a `code` or
/// an `error`. [`Anonymous::finish_hosted_sign_in`] reads it.
pub fn returned_from_hosted_page() -> bool {
    let query = location_part("search");
    query.contains("state=") && (query.contains("code=") || query.contains("error="))
}

/// POSTs one token request (`application/x-www-form-urlencoded`; HTTP Basic with the app
/// client's id and secret where one is configured). `Ok(Err((status, body)))` is a refusal.
async fn token_request(
    config: &Config,
    hosted: &HostedUi,
    params: &[(&str, &str)],
) -> Result<Result<TokenResponse, (u16, String)>, AuthError> {
    let unexpected = || AuthError::Unexpected("the request could not be built".to_owned());
    let body = encode(params);
    let basic = config
        .app_client_secret
        .as_ref()
        .map(|secret| format!("Basic {}", basic_credentials(config.app_client_id.as_str(), secret.expose())));
    let mut pairs = vec![("Content-Type", "application/x-www-form-urlencoded")];
    if let Some(basic) = basic.as_deref() {
        pairs.push(("Authorization", basic));
    }
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    let headers = headers(&pairs).ok_or_else(unexpected)?;
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(&body));
    let url = format!("{}{}", hosted.base, oauth::TOKEN_PATH);
    let response = send(&url, &init).await.ok_or(AuthError::Unreachable)?;
    let body = text(&response).await.ok_or(AuthError::Unreachable)?;
    if !response.ok() {
        return Ok(Err((response.status(), body)));
    }
    json::from_str(&body).map(Ok).map_err(|_| AuthError::Unexpected("an unreadable answer".to_owned()))
}

/// The HTTP Basic credentials of a client with a secret: base64 of `id:secret`, each
/// form-urlencoded first (RFC 6749 section 2.3.1; Cognito's ids and secrets need no encoding).
pub fn basic_credentials(client_id: &str, secret: &str) -> String {
    crate::base64::encode(format!("{client_id}:{secret}").as_bytes())
}

/// The configured hosted page, read from config.json's text, or the sentence for a page that
/// was not set up right for one.
fn hosted_ui(config: &Config) -> Result<HostedUi, HostedError> {
    HostedUi::from_config(config)
}

/// Reads the hosted page's answer from the address, and takes it out of the address.
fn callback() -> Option<Callback> {
    let Returned { code, state, error, error_description } = take_callback();
    let pairs = [("code", code), ("state", state), ("error", error), ("error_description", error_description)];
    Callback::from_query(pairs.into_iter().filter_map(|(key, value)| Some((key, value?))))
}

/// `pairs` as `application/x-www-form-urlencoded`, for a query or a POST body.
fn encode(pairs: &[(&str, &str)]) -> String {
    let encoded = pairs.iter().map(|(key, value)| {
        format!("{}={}", percent_encoding::utf8_percent_encode(key, FORM), percent_encoding::utf8_percent_encode(value, FORM))
    });
    encoded.collect::<Vec<_>>().join("&")
}

/// This tab's sessionStorage (through the token store's function, which the main wasm has).
fn session_storage() -> Option<web_sys::Storage> {
    crate::storage::storage(crate::config::TokenStorage::Session)
}

/// 32 bytes from the browser's cryptographic generator (through the SRP sign-in's own
/// function, which the main wasm has anyway, rather than a second call of the glue).
fn random() -> Result<[u8; 32], HostedError> {
    let bytes = super::random_a().map_err(HostedError::Auth)?;
    let mut out = [0; 32];
    out.copy_from_slice(&bytes[..32]);
    Ok(out)
}


#[cfg(test)]
mod tests {
    #[test]
    fn a_client_with_a_secret_authenticates_with_http_basic() {
        // RFC 7617's example credentials.
        assert_eq!(super::basic_credentials("Aladdin", "open sesame"), "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    }

    #[test]
    fn pairs_are_form_encoded_as_url_search_params_does() {
        let pairs = [("scope", "openid email"), ("redirect_uri", "http://127.0.0.1:8391/"), ("s", "a*-._~+é")];
        assert_eq!(
            super::encode(&pairs),
            "scope=openid%20email&redirect_uri=http%3A%2F%2F127.0.0.1%3A8391%2F&s=a*-._%7E%2B%C3%A9"
        );
    }
}
