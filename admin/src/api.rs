//! Calling the cognito-whoami API with an ID token, the way curl did in the seed's workflow.

use std::time::Duration;

use reqwest::Url;
use whoami_shared::api::{Envelope, Outcome};

use crate::secret::Token;

/// The API's answer: its status and its JSON body, as sent.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: String,
}

/// Why calling the API failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("cannot call the API at {url}: {reason}; check api_url in the config file")]
    Unreachable { url: Url, reason: String },
    #[error("the API at {url} answered {status} without JSON; is api_url the API's address?")]
    NotJson { url: Url, status: u16 },
    #[error("the API refused the token ({status} {code}): {message}")]
    Refused { status: u16, code: String, message: String },
    #[error("the API answered {status}")]
    Status { status: u16 },
}

/// The API at one URL.
#[derive(Debug, Clone)]
pub struct Api {
    http: reqwest::Client,
    url: Url,
}

impl Api {
    pub fn new(url: Url) -> Self {
        let http = reqwest::Client::builder()
            .user_agent(concat!("whoami-admin/", env!("CARGO_PKG_VERSION")))
            // Long enough for a Lambda's cold start, short enough that a wrong address fails visibly.
            .timeout(Duration::from_secs(30))
            .build()
            .expect("a client with a user agent and a timeout always builds");
        Self { http, url }
    }

    /// GET `api_url` with the ID token as the `Authorization` header, as the API expects.
    /// Any JSON answer is returned, whatever the status, so the caller can show it.
    pub async fn call(&self, id_token: &Token) -> Result<Answer, ApiError> {
        let unreachable = |e: reqwest::Error| ApiError::Unreachable { url: self.url.clone(), reason: error_chain(&e) };
        let response = self
            .http
            .get(self.url.clone())
            .header("Authorization", id_token.expose())
            .send()
            .await
            .map_err(unreachable)?;
        let status = response.status().as_u16();
        let body = response.text().await.map_err(unreachable)?;
        if serde_json::from_str::<serde_json::Value>(&body).is_err() {
            return Err(ApiError::NotJson { url: self.url.clone(), status });
        }
        Ok(Answer { status, body })
    }
}

impl Answer {
    /// Whether the API said who the caller is; otherwise why not, from its error body if it sent one.
    pub fn outcome(&self) -> Result<(), ApiError> {
        let envelope = serde_json::from_str::<Envelope>(&self.body).ok();
        match envelope.map(|e| e.response) {
            Some(Outcome::Failure { error }) => {
                Err(ApiError::Refused { status: self.status, code: error.code, message: error.message })
            }
            _ if !(200..300).contains(&self.status) => Err(ApiError::Status { status: self.status }),
            _ => Ok(()),
        }
    }
}

/// reqwest's error with its causes, which hold the useful part ("connection refused").
pub(crate) fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(status: u16, body: &str, expected: Result<(), &str>) {
        let outcome = Answer { status, body: body.to_owned() }.outcome().map_err(|e| e.to_string());
        assert_eq!(outcome.as_ref().copied().map_err(String::as_str), expected, "{status} {body}");
    }

    #[test]
    fn reads_the_outcome_from_status_and_body() {
        check(200, r#"{"response":{"resultStatus":"SUCCESS","results":{"email":"a@b.c"}}}"#, Ok(()));
        check(
            401,
            r#"{"response":{"resultStatus":"FAILURE","error":{"code":"token_expired","message":"the token has expired"}}}"#,
            Err("the API refused the token (401 token_expired): the token has expired"),
        );
        check(403, r#"{"message":"Forbidden"}"#, Err("the API answered 403"));
        check(200, r#"{"other":"shape"}"#, Ok(()));
    }
}
