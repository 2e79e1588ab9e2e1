//! Signing in through Cognito's hosted sign-in page (managed login), as `gh auth login` and
//! `gcloud auth login` do: the browser signs in on Cognito's page, Cognito sends it back to a
//! loopback address this tool listens on with an authorization code, and the tool redeems the
//! code at the token endpoint with its PKCE verifier (RFC 7636, S256; RFC 8252 for the
//! loopback redirect).
//!
//! Cognito sends the browser only to a callback URL the app client lists, port included, so the
//! tool listens on one fixed port (template.yaml's `CliCallbackPort`, [`DEFAULT_PORT`]), on
//! 127.0.0.1 only. The `state` ties the answer to this sign-in; the verifier, drawn here and
//! never sent anywhere but the token endpoint, makes a code caught on its way worthless. Neither,
//! nor the code, nor any token, is printed or logged.

use std::time::Duration;

use reqwest::Url;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use whoami_shared::oauth::{self, Callback, CodeVerifier, TokenError, TokenResponse};

use crate::cognito::{AppClient, Tokens};
use crate::secret::Token;

/// The loopback port `login --hosted` listens on unless `--port` says otherwise: the default
/// of template.yaml's `CliCallbackPort`.
pub const DEFAULT_PORT: u16 = 27183;
/// The path of the loopback callback URL, `http://127.0.0.1:<port>/callback`.
pub const CALLBACK_PATH: &str = "/callback";
/// How long one browser connection may take to send its request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// The most of a request this listener reads: a redirect's request line and headers.
const MAX_REQUEST: usize = 16 * 1024;

/// Why a sign-in through the hosted page failed.
#[derive(Debug, thiserror::Error)]
pub enum HostedError {
    #[error(
        "the config file has no `hosted_ui_domain`, the address of the user pool's hosted sign-in page \
         (https://<prefix>.auth.<region>.amazoncognito.com); run `whoami-admin configure` again, or add it"
    )]
    NotConfigured,
    #[error(
        "port {0} on 127.0.0.1 is in use (another `login --hosted`?); Cognito sends the browser back only to the \
         callback URLs of the app client, so free the port, or pass --port with another port the app client lists"
    )]
    PortInUse(u16),
    #[error("cannot listen on 127.0.0.1:{port} for the sign-in page's answer: {source}")]
    Listen { port: u16, source: std::io::Error },
    #[error("no answer from the browser within {} s; run the command again to start a new sign-in", .0.as_secs())]
    Timeout(Duration),
    #[error(
        "the browser came back with a `state` this sign-in did not send, so the answer may belong to someone \
         else's sign-in; it was refused. Run the command again"
    )]
    StateMismatch,
    #[error("the sign-in page did not sign you in ({error}{}); run the command again", describe(.description.as_deref()))]
    Refused { error: String, description: Option<String> },
    #[error(
        "Cognito's token endpoint refused the sign-in's code ({error}{}); the code may have expired or been \
         used already: run the command again",
        describe(.description.as_deref())
    )]
    CodeRefused { error: String, description: Option<String> },
    #[error("cannot reach Cognito's token endpoint at {url}: {reason}")]
    Unreachable { url: Url, reason: String },
    #[error("Cognito's token endpoint at {url} answered {status} without tokens or an OAuth error")]
    BadAnswer { url: Url, status: u16 },
    #[error("cannot draw random numbers for the sign-in: {0}")]
    Random(String),
}

/// ": <description>" where the server gave one, without control characters (it reached this
/// tool in a URL, and goes to a terminal).
fn describe(description: Option<&str>) -> String {
    description.map(|d| format!(": {}", d.chars().filter(|c| !c.is_control()).collect::<String>())).unwrap_or_default()
}

/// The hosted sign-in page of one user pool, for one app client.
#[derive(Debug, Clone)]
pub struct HostedUi {
    base: Url,
    client: AppClient,
    http: reqwest::Client,
}

/// One sign-in in progress: its secrets, and where the browser comes back.
#[derive(Debug)]
pub struct Attempt {
    loopback: TcpListener,
    redirect_uri: String,
    state: String,
    verifier: CodeVerifier,
    /// Where to send the browser.
    pub authorize_url: Url,
}

impl HostedUi {
    /// The page at `base` (config's `hosted_ui_domain`), signing in to `client`.
    pub fn new(base: Url, client: AppClient) -> Self {
        let http = reqwest::Client::builder()
            .user_agent(concat!("whoami-admin/", env!("CARGO_PKG_VERSION")))
            .timeout(Duration::from_secs(30))
            // The token endpoint answers directly; a redirect would be a misconfigured base.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a client with a user agent and a timeout always builds");
        Self { base, client, http }
    }

    /// Starts a sign-in: listens on 127.0.0.1:`port` and draws the verifier and the state.
    pub async fn start(&self, port: u16) -> Result<Attempt, HostedError> {
        let loopback = TcpListener::bind(("127.0.0.1", port)).await.map_err(|source| {
            if source.kind() == std::io::ErrorKind::AddrInUse {
                HostedError::PortInUse(port)
            } else {
                HostedError::Listen { port, source }
            }
        })?;
        let redirect_uri = format!("http://127.0.0.1:{port}{CALLBACK_PATH}");
        let verifier = CodeVerifier::from_random(random()?);
        let state = oauth::state_from_random(random()?);
        let mut authorize_url = self.endpoint(oauth::AUTHORIZE_PATH);
        let params = oauth::authorize_params(self.client.id.as_str(), &redirect_uri, &state, &verifier);
        authorize_url.query_pairs_mut().extend_pairs(params);
        Ok(Attempt { loopback, redirect_uri, state, verifier, authorize_url })
    }

    /// Waits up to `timeout` for the browser to come back to `attempt`'s loopback address,
    /// checks its `state`, redeems the code, and answers the browser with a page that says how
    /// it went.
    pub async fn finish(&self, attempt: Attempt, timeout: Duration) -> Result<Tokens, HostedError> {
        let (callback, browser) = tokio::time::timeout(timeout, next_callback(&attempt.loopback))
            .await
            .map_err(|_| HostedError::Timeout(timeout))?;
        let result = if callback.state() == Some(attempt.state.as_str()) {
            match callback {
                Callback::Error { error, description, .. } => Err(HostedError::Refused { error, description }),
                Callback::Code { code, .. } => self.redeem(&code, &attempt.redirect_uri, &attempt.verifier).await,
            }
        } else {
            Err(HostedError::StateMismatch)
        };
        reply(browser, result.is_ok()).await;
        result
    }

    /// The token request: the code, the redirect URI it was issued for, the verifier, and the
    /// client's secret as HTTP Basic authentication where it has one.
    async fn redeem(&self, code: &str, redirect_uri: &str, verifier: &CodeVerifier) -> Result<Tokens, HostedError> {
        let url = self.endpoint(oauth::TOKEN_PATH);
        let unreachable =
            |e: reqwest::Error| HostedError::Unreachable { url: url.clone(), reason: crate::api::error_chain(&e) };
        let form = oauth::code_exchange_params(self.client.id.as_str(), code, redirect_uri, verifier);
        let mut request = self.http.post(url.clone()).form(&form);
        if let Some(secret) = &self.client.secret {
            request = request.basic_auth(self.client.id.as_str(), Some(secret.expose()));
        }
        let response = request.send().await.map_err(unreachable)?;
        let status = response.status();
        let body = response.bytes().await.map_err(unreachable)?;
        if status.is_success() {
            let tokens: TokenResponse = serde_json::from_slice(&body)
                .map_err(|_| HostedError::BadAnswer { url: url.clone(), status: status.as_u16() })?;
            return Ok(Tokens {
                id: Token::new(tokens.id_token),
                access: Token::new(tokens.access_token),
                refresh: tokens.refresh_token.map(Token::new),
                expires_in: i32::try_from(tokens.expires_in).unwrap_or(i32::MAX),
                token_type: tokens.token_type,
            });
        }
        match serde_json::from_slice::<TokenError>(&body) {
            Ok(refusal) => {
                Err(HostedError::CodeRefused { error: refusal.error, description: refusal.error_description })
            }
            Err(_) => Err(HostedError::BadAnswer { url, status: status.as_u16() }),
        }
    }

    /// `path` under the base URL, whether or not the base ends with a slash.
    fn endpoint(&self, path: &str) -> Url {
        let base = self.base.as_str().trim_end_matches('/');
        Url::parse(&format!("{base}/{path}")).expect("a URL with a path added is a URL")
    }
}

/// Waits for the browser's request to the callback path that carries an answer to a sign-in
/// (a code or an error), answering anything else (a favicon, a stray request) with 404 or 400.
/// Each connection is read on its own task: a browser may open a connection it sends nothing
/// on (a preconnect), which must not hold up the one that brings the answer.
async fn next_callback(loopback: &TcpListener) -> (Callback, TcpStream) {
    let (found, mut answers) = tokio::sync::mpsc::channel(1);
    loop {
        tokio::select! {
            accepted = loopback.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let found = found.clone();
                tokio::spawn(async move {
                    if let Some(answer) = read_callback(stream).await {
                        let _ = found.send(answer).await;
                    }
                });
            }
            Some(answer) = answers.recv() => return answer,
        }
    }
}

/// The answer one connection brings, with the connection to reply on; `None` (the request
/// answered with 404 or 400, or dropped) when it brings none.
async fn read_callback(mut stream: TcpStream) -> Option<(Callback, TcpStream)> {
    let Ok(Some(target)) = tokio::time::timeout(REQUEST_TIMEOUT, read_request_target(&mut stream)).await else {
        return None;
    };
    let Some(url) = Url::parse(&format!("http://127.0.0.1{target}")).ok().filter(|u| u.path() == CALLBACK_PATH) else {
        respond(&mut stream, "404 Not Found", NOT_FOUND).await;
        return None;
    };
    let Some(callback) = Callback::from_query(url.query_pairs()) else {
        respond(&mut stream, "400 Bad Request", NOT_AN_ANSWER).await;
        return None;
    };
    Some((callback, stream))
}

/// The request target of a `GET` request (`/callback?code=...`), read from its request line;
/// `None` for anything else.
async fn read_request_target(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::with_capacity(1024);
    let mut buffer = [0; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let read = stream.read(&mut buffer).await.ok()?;
        if read == 0 || head.len() + read > MAX_REQUEST {
            return None;
        }
        head.extend_from_slice(&buffer[..read]);
    }
    let line = head.split(|&b| b == b'\r').next()?;
    let line = std::str::from_utf8(line).ok()?;
    let mut parts = line.split(' ');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("GET"), Some(target), Some(version)) if target.starts_with('/') && version.starts_with("HTTP/") => {
            Some(target.to_owned())
        }
        _ => None,
    }
}

const SIGNED_IN: &str = "Signed in. You can close this tab and go back to the terminal.";
const NOT_SIGNED_IN: &str = "The sign-in did not complete; the terminal says why. You can close this tab.";
const NOT_AN_ANSWER: &str = "This address waits for the answer of a sign-in, with a code or an error.";
const NOT_FOUND: &str = "Not found.";

/// Tells the browser how the sign-in went, in fixed words (nothing of the request is echoed).
async fn reply(mut browser: TcpStream, signed_in: bool) {
    respond(&mut browser, "200 OK", if signed_in { SIGNED_IN } else { NOT_SIGNED_IN }).await;
}

/// Writes a small HTML page and closes the connection. A browser that went away is no error.
async fn respond(stream: &mut TcpStream, status: &str, sentence: &str) {
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>whoami-admin</title></head>\
         <body><p>{sentence}</p></body></html>\n"
    );
    // The page itself runs nothing and may not be framed; the address bar's code is not passed
    // on to any other site.
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\nReferrer-Policy: no-referrer\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// 32 bytes from the operating system's CSPRNG.
fn random() -> Result<[u8; 32], HostedError> {
    let mut bytes = [0; 32];
    getrandom::fill(&mut bytes).map_err(|e| HostedError::Random(e.to_string()))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_description_reaches_the_terminal_without_control_characters() {
        assert_eq!(describe(Some("User declined\u{1b}[2J\n")), ": User declined[2J");
        assert_eq!(describe(None), "");
    }
}
