//! Who the caller is: the checks every source of claims must pass, whether API Gateway's
//! authorizer verified the token or this function did.

use std::collections::HashMap;

use lambda_http::request::RequestContext;
use serde_json::Value;
use whoami_shared::{AppClientId, Email};

use crate::reject::Rejection;

/// A caller whose token has been verified and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub email: Email,
    pub source: Source,
}

/// Which component verified the token's signature and expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A REST API (v1) Cognito user-pool authorizer.
    RestAuthorizer,
    /// An HTTP API (v2) JWT authorizer.
    HttpJwtAuthorizer,
    /// This function, against the pool's JWKS.
    SelfVerified,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::RestAuthorizer => "rest_authorizer",
            Source::HttpJwtAuthorizer => "http_jwt_authorizer",
            Source::SelfVerified => "self_verified",
        }
    }
}

/// The claims that decide whether a verified token is an ID token for this app client.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClaimsToCheck<'a> {
    pub token_use: Option<&'a str>,
    pub aud: Option<&'a str>,
    pub email: Option<&'a str>,
    /// Whether Cognito says it verified `email`: only an explicit yes counts (a JSON `true` in
    /// the token, the string `"true"` in an authorizer's claims).
    pub email_verified: bool,
}

impl<'a> ClaimsToCheck<'a> {
    /// The claims as an API Gateway authorizer passes them on, every value a string.
    fn from_authorizer(get: impl Fn(&str) -> Option<&'a str>) -> Self {
        Self {
            token_use: get("token_use"),
            aud: get("aud"),
            email: get("email"),
            email_verified: get("email_verified") == Some("true"),
        }
    }

    /// Accepts an ID token issued to `client`, carrying an email Cognito has verified. Access
    /// tokens have no `aud`, so `token_use` is checked first to give them the more useful
    /// message. An unverified email is refused: a user may have set it to any address (a
    /// client allowed to write `email`, a pool that does not wait for verification).
    pub fn check(self, client: &AppClientId, source: Source) -> Result<Identity, Rejection> {
        match self.token_use {
            Some("id") => {}
            Some(other) => return Err(Rejection::WrongTokenUse(other.to_owned())),
            None => return Err(Rejection::MissingClaim("token_use".to_owned())),
        }
        match self.aud {
            Some(aud) if aud == client.as_str() => {}
            Some(_) => return Err(Rejection::WrongAudience),
            None => return Err(Rejection::MissingClaim("aud".to_owned())),
        }
        let email = self.email.and_then(|e| e.parse::<Email>().ok()).ok_or(Rejection::MissingEmail)?;
        if !self.email_verified {
            return Err(Rejection::EmailNotVerified);
        }
        Ok(Identity { email, source })
    }
}

/// Claims an API Gateway authorizer has already verified, if the request carries any.
#[derive(Debug)]
pub enum UpstreamClaims<'a> {
    /// REST API (v1): `requestContext.authorizer.claims`, an object of strings.
    Rest(&'a serde_json::Map<String, Value>),
    /// HTTP API (v2): `requestContext.authorizer.jwt.claims`.
    HttpJwt(&'a HashMap<String, String>),
}

impl<'a> UpstreamClaims<'a> {
    /// Finds authorizer claims in a request context. An authorizer that verified nothing
    /// (no claims object, or an empty one) does not count.
    pub fn find(context: Option<&'a RequestContext>) -> Option<Self> {
        match context? {
            RequestContext::ApiGatewayV1(ctx) => match ctx.authorizer.fields.get("claims") {
                Some(Value::Object(claims)) if !claims.is_empty() => Some(Self::Rest(claims)),
                _ => None,
            },
            RequestContext::ApiGatewayV2(ctx) => {
                let claims = &ctx.authorizer.as_ref()?.jwt.as_ref()?.claims;
                (!claims.is_empty()).then_some(Self::HttpJwt(claims))
            }
            _ => None,
        }
    }

    /// Checks the claims against `client`. API Gateway has verified the signature and the
    /// expiry, but neither authorizer checks the app client or the token use.
    pub fn check(&self, client: &AppClientId) -> Result<Identity, Rejection> {
        match self {
            Self::Rest(claims) => ClaimsToCheck::from_authorizer(|name| claims.get(name).and_then(Value::as_str))
                .check(client, Source::RestAuthorizer),
            Self::HttpJwt(claims) => ClaimsToCheck::from_authorizer(|name| claims.get(name).map(String::as_str))
                .check(client, Source::HttpJwtAuthorizer),
        }
    }
}
