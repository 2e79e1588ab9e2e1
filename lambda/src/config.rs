//! The Lambda's settings, read once from the environment at start.

use whoami_shared::{AppClientId, ParseIdError, UserPoolId};

/// Everything the handler needs to know about its deployment.
#[derive(Debug, Clone)]
pub struct Config {
    pub user_pool_id: UserPoolId,
    pub app_client_id: AppClientId,
    /// Where the pool's signing keys are fetched from. Emulators serve them somewhere other
    /// than Cognito while keeping Cognito's issuer, so this is separate from the pool id.
    pub jwks_url: String,
    /// The value of `Access-Control-Allow-Origin` on every response.
    pub cors_allow_origin: String,
}

/// A setting that is missing or malformed, named so the operator knows what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("environment variable {0} is not set; set it to {1}")]
    Missing(&'static str, &'static str),
    #[error("environment variable {name} {problem}")]
    Invalid { name: &'static str, problem: String },
}

const USER_POOL_ID: &str = "USER_POOL_ID";
const APP_CLIENT_ID: &str = "APP_CLIENT_ID";
const JWKS_URL: &str = "JWKS_URL";
const CORS_ALLOW_ORIGIN: &str = "CORS_ALLOW_ORIGIN";

impl Config {
    /// The settings for a pool and app client with every default: keys from Cognito's own
    /// JWKS URL for the pool, answers readable by any origin.
    pub fn new(user_pool_id: UserPoolId, app_client_id: AppClientId) -> Self {
        let jwks_url = user_pool_id.default_jwks_url();
        Self { user_pool_id, app_client_id, jwks_url, cors_allow_origin: "*".to_owned() }
    }

    /// Reads the settings through `var`, which returns a variable's value if it is set.
    /// `main` passes the process environment; tests pass a table.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let present = |name: &str| var(name).filter(|value| !value.trim().is_empty());
        let invalid = |name, e: ParseIdError| ConfigError::Invalid { name, problem: e.to_string() };

        let user_pool_id: UserPoolId = present(USER_POOL_ID)
            .ok_or(ConfigError::Missing(USER_POOL_ID, "the user pool's id, such as eu-west-1_AbC123"))?
            .trim()
            .parse()
            .map_err(|e| invalid(USER_POOL_ID, e))?;
        let app_client_id: AppClientId = present(APP_CLIENT_ID)
            .ok_or(ConfigError::Missing(APP_CLIENT_ID, "the id of the app client whose ID tokens are accepted"))?
            .trim()
            .parse()
            .map_err(|e| invalid(APP_CLIENT_ID, e))?;
        let jwks_url = match present(JWKS_URL) {
            Some(url) => {
                let url = url.trim().to_owned();
                let problem = |problem: String| ConfigError::Invalid { name: JWKS_URL, problem };
                let parsed = reqwest::Url::parse(&url).map_err(|_| problem(format!("`{url}` is not an https URL")))?;
                match parsed.scheme() {
                    "https" => {}
                    // Keys fetched in the clear could be swapped on the way: only an emulator
                    // on this machine may serve them over plain HTTP.
                    "http" if whoami_shared::host::is_loopback(parsed.host_str().unwrap_or_default()) => {}
                    "http" => {
                        return Err(problem(format!(
                            "`{url}` uses plain HTTP to another machine; use https:// (plain HTTP only to 127.0.0.1, ::1 or localhost)"
                        )));
                    }
                    _ => return Err(problem(format!("`{url}` is not an https URL"))),
                }
                url
            }
            None => user_pool_id.default_jwks_url(),
        };
        let cors_allow_origin = present(CORS_ALLOW_ORIGIN).map_or_else(|| "*".to_owned(), |v| v.trim().to_owned());
        if lambda_http::http::HeaderValue::from_str(&cors_allow_origin).is_err() {
            return Err(ConfigError::Invalid {
                name: CORS_ALLOW_ORIGIN,
                problem: "is not a valid header value; use `*` or an origin such as https://example.com".to_owned(),
            });
        }
        Ok(Self { user_pool_id, app_client_id, jwks_url, cors_allow_origin })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::from_vars(|name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned()))
    }

    #[test]
    fn defaults_come_from_the_pool_id() {
        let config = load(&[("USER_POOL_ID", "eu-west-1_AbC123"), ("APP_CLIENT_ID", "client1")]).unwrap();
        assert_eq!(
            config.jwks_url,
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/.well-known/jwks.json"
        );
        assert_eq!(config.cors_allow_origin, "*");
        assert_eq!(config.user_pool_id.region().as_str(), "eu-west-1");
    }

    #[test]
    fn the_typed_constructor_has_the_same_defaults_as_the_environment() {
        let from_env = load(&[("USER_POOL_ID", "eu-west-1_AbC123"), ("APP_CLIENT_ID", "client1")]).unwrap();
        let typed = Config::new("eu-west-1_AbC123".parse().unwrap(), "client1".parse().unwrap());
        assert_eq!(
            (typed.user_pool_id, typed.app_client_id, typed.jwks_url, typed.cors_allow_origin),
            (from_env.user_pool_id, from_env.app_client_id, from_env.jwks_url, from_env.cors_allow_origin)
        );
    }

    #[test]
    fn overrides_are_used() {
        let config = load(&[
            ("USER_POOL_ID", "us-east-1_x"),
            ("APP_CLIENT_ID", "client1"),
            ("JWKS_URL", "http://127.0.0.1:5005/us-east-1_x/.well-known/jwks.json"),
            ("CORS_ALLOW_ORIGIN", "https://app.example.com"),
        ])
        .unwrap();
        assert_eq!(config.jwks_url, "http://127.0.0.1:5005/us-east-1_x/.well-known/jwks.json");
        assert_eq!(config.cors_allow_origin, "https://app.example.com");
    }

    fn check_error(vars: &[(&str, &str)], names: &str) {
        let message = load(vars).unwrap_err().to_string();
        assert!(message.contains(names), "`{message}` should name {names}");
    }

    #[test]
    fn errors_name_the_setting() {
        check_error(&[], "USER_POOL_ID");
        check_error(&[("USER_POOL_ID", "  ")], "USER_POOL_ID");
        check_error(&[("USER_POOL_ID", "not-a-pool"), ("APP_CLIENT_ID", "c")], "USER_POOL_ID");
        check_error(&[("USER_POOL_ID", "eu-west-1_a")], "APP_CLIENT_ID");
        check_error(&[("USER_POOL_ID", "eu-west-1_a"), ("APP_CLIENT_ID", "a b")], "APP_CLIENT_ID");
        check_error(&[("USER_POOL_ID", "eu-west-1_a"), ("APP_CLIENT_ID", "c"), ("JWKS_URL", "ftp://x")], "JWKS_URL");
        for remote in
            ["http://keys.example.com/jwks.json", "http://127.0.0.1@keys.example.com/", "http://localhost.example/"]
        {
            check_error(&[("USER_POOL_ID", "eu-west-1_a"), ("APP_CLIENT_ID", "c"), ("JWKS_URL", remote)], "plain HTTP");
        }
        for local in ["http://localhost:4566/x", "http://[::1]:9/x", "https://keys.example.com/jwks.json"] {
            load(&[("USER_POOL_ID", "eu-west-1_a"), ("APP_CLIENT_ID", "c"), ("JWKS_URL", local)]).unwrap();
        }
        check_error(
            &[("USER_POOL_ID", "eu-west-1_a"), ("APP_CLIENT_ID", "c"), ("CORS_ALLOW_ORIGIN", "a\nb")],
            "CORS_ALLOW_ORIGIN",
        );
    }
}
