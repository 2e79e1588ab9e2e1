//! The config file, `whoami.toml`: read and checked once, so the rest of the tool works with
//! typed values and every mistake is reported with the file and the key. The file's format is
//! shared's `CliConfigFile`, which `configure` writes too.

use std::path::{Path, PathBuf};

use clap::ValueEnum as _;
use reqwest::Url;
use whoami_shared::files::CliConfigFile;
use whoami_shared::{AppClientId, ClientSecret, Region, UserPoolId};

use crate::cognito::AuthFlow;

/// The tool's settings, as read from the config file.
#[derive(Debug, Clone)]
pub struct Config {
    pub region: Region,
    pub user_pool_id: UserPoolId,
    pub app_client_id: AppClientId,
    /// Only when the app client was created with a secret; then every sign-in carries a SECRET_HASH.
    pub app_client_secret: Option<ClientSecret>,
    /// How `login` and `call-api` sign in unless `--auth-flow` says otherwise; SRP when the file
    /// does not say.
    pub auth_flow: AuthFlow,
    /// The API that `call-api` calls with the ID token.
    pub api_url: Url,
    /// A local emulator to talk to instead of Cognito.
    pub cognito_endpoint: Option<Url>,
    /// The hosted sign-in page's base URL, for `login --hosted`.
    pub hosted_ui_domain: Option<Url>,
}

/// Why the config file cannot be used. Each message names the file, and the key where one is at fault.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "cannot read the config file {}: {source}; copy whoami.example.toml to whoami.toml and fill it in, \
         or choose another file with --config PATH or WHOAMI_CONFIG",
        path.display()
    )]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{} is not valid TOML (line {line}): {message}", path.display())]
    Syntax { path: PathBuf, line: usize, message: String },
    #[error("{}: the key `{key}` is missing; add it (see whoami.example.toml)", path.display())]
    Missing { path: PathBuf, key: &'static str },
    #[error("{}: the key `{key}` {reason}", path.display())]
    Invalid { path: PathBuf, key: &'static str, reason: String },
    #[error("{}: unknown key `{key}`; the keys are {}", path.display(), CliConfigFile::KEYS.join(", "))]
    Unknown { path: PathBuf, key: String },
}

impl Config {
    /// A warning to show when this config, loaded from `path`, holds an app client secret
    /// that other users of the machine can read (group or other read bits set).
    pub fn secret_exposure_warning(&self, path: &Path) -> Option<String> {
        use std::os::unix::fs::PermissionsExt as _;
        self.app_client_secret.as_ref()?;
        let mode = std::fs::metadata(path).ok()?.permissions().mode();
        (mode & 0o044 != 0).then(|| {
            format!(
                "warning: {} holds app_client_secret and other users can read it; run `chmod 600 {}`",
                path.display(),
                path.display()
            )
        })
    }

    /// Reads and checks the config file at `path`.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.to_owned(), source })?;
        Self::parse(path, &text)
    }

    /// Checks the text of a config file; `path` is only used in messages.
    pub fn parse(path: &Path, text: &str) -> Result<Self, ConfigError> {
        let file: CliConfigFile = toml::from_str(text).map_err(|e| explain(path, text, &e))?;
        let invalid = |key: &'static str, reason: String| ConfigError::Invalid { path: path.to_owned(), key, reason };

        let region: Region = file.region.parse().map_err(|e| invalid("region", format!("is invalid: {e}")))?;
        let user_pool_id: UserPoolId =
            file.user_pool_id.parse().map_err(|e| invalid("user_pool_id", format!("is invalid: {e}")))?;
        if user_pool_id.region() != &region {
            return Err(invalid(
                "region",
                format!(
                    "is `{region}` but user_pool_id `{user_pool_id}` is in `{}`; a pool lives in one region",
                    user_pool_id.region()
                ),
            ));
        }
        let app_client_id =
            file.app_client_id.parse().map_err(|e| invalid("app_client_id", format!("is invalid: {e}")))?;
        let app_client_secret = match file.app_client_secret {
            Some(secret) if secret.expose().is_empty() => {
                return Err(invalid(
                    "app_client_secret",
                    "is empty; remove the line if the app client has no secret".into(),
                ));
            }
            secret => secret,
        };
        let auth_flow = match file.auth_flow.as_deref() {
            None => AuthFlow::default(),
            Some(s) => AuthFlow::from_str(s, false).map_err(|_| {
                invalid("auth_flow", format!("is `{s}`: it must be \"srp\" (the default) or \"password\""))
            })?,
        };
        let api_url = parse_url(&file.api_url).map_err(|reason| invalid("api_url", reason))?;
        let cognito_endpoint = file
            .cognito_endpoint
            .as_deref()
            .map(parse_url)
            .transpose()
            .map_err(|reason| invalid("cognito_endpoint", reason))?;
        let hosted_ui_domain = file
            .hosted_ui_domain
            .as_deref()
            .map(parse_url)
            .transpose()
            .map_err(|reason| invalid("hosted_ui_domain", reason))?;
        Ok(Self {
            region,
            user_pool_id,
            app_client_id,
            app_client_secret,
            auth_flow,
            api_url,
            cognito_endpoint,
            hosted_ui_domain,
        })
    }
}

/// Says why `text` is not a `CliConfigFile`, naming the file and the key: not TOML, an unknown
/// key, a value that is not a string or a key that is missing. What none of those explains is
/// reported as the TOML reader's message and line.
fn explain(path: &Path, text: &str, error: &toml::de::Error) -> ConfigError {
    let syntax = |e: &toml::de::Error| ConfigError::Syntax {
        path: path.to_owned(),
        // The line number rather than toml's snippet of the file: the snippet could be
        // the line holding the client secret.
        line: e.span().map_or(0, |span| text[..span.start.min(text.len())].lines().count().max(1)),
        message: e.message().to_owned(),
    };
    let table: toml::Table = match toml::from_str(text) {
        Ok(table) => table,
        Err(e) => return syntax(&e),
    };
    if let Some(unknown) = table.keys().find(|k| !CliConfigFile::KEYS.contains(&k.as_str())) {
        return ConfigError::Unknown { path: path.to_owned(), key: unknown.clone() };
    }
    for key in CliConfigFile::KEYS {
        match table.get(key) {
            None if CliConfigFile::REQUIRED.contains(&key) => {
                return ConfigError::Missing { path: path.to_owned(), key };
            }
            Some(value) if !value.is_str() => {
                let reason = format!("must be a string in quotes, not a {}", value.type_str());
                return ConfigError::Invalid { path: path.to_owned(), key, reason };
            }
            _ => {}
        }
    }
    syntax(error)
}

/// Parses a URL that passwords or tokens are sent to: HTTPS, or plain HTTP to this machine
/// only (an emulator), so a typo cannot send them across a network unencrypted. `Url` parses
/// as browsers do (a backslash is a slash, userinfo is not the host).
pub fn parse_url(s: &str) -> Result<Url, String> {
    let url = Url::parse(s).map_err(|e| format!("is not a URL ({e}): expected http://… or https://…"))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if crate::aws::is_local(&url) => Ok(url),
        "http" => Err(format!(
            "is `{s}`: plain HTTP is allowed only to this machine (127.0.0.1, ::1 or localhost); use https://"
        )),
        other => Err(format!("must be an https:// URL (or http:// to this machine), not `{other}:`")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = r#"
region = "eu-west-1"
user_pool_id = "eu-west-1_AbC123"
app_client_id = "3n4b5urk1ft4fl3mg5e62d9ado"
app_client_secret = "s3cr3t"
auth_flow = "password"
api_url = "https://abc123.execute-api.eu-west-1.amazonaws.com/test"
cognito_endpoint = "http://127.0.0.1:5005"
hosted_ui_domain = "https://whoami.auth.eu-west-1.amazoncognito.com"
"#;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("conf/whoami.toml"), text)
    }

    #[test]
    fn reads_every_key() {
        let config = parse(FULL).unwrap();
        assert_eq!(config.region.as_str(), "eu-west-1");
        assert_eq!(config.user_pool_id.as_str(), "eu-west-1_AbC123");
        assert_eq!(config.app_client_id.as_str(), "3n4b5urk1ft4fl3mg5e62d9ado");
        assert_eq!(config.app_client_secret.as_ref().map(ClientSecret::expose), Some("s3cr3t"));
        assert_eq!(config.auth_flow, AuthFlow::Password);
        assert_eq!(config.api_url.as_str(), "https://abc123.execute-api.eu-west-1.amazonaws.com/test");
        assert_eq!(config.cognito_endpoint.as_ref().map(Url::as_str), Some("http://127.0.0.1:5005/"));
        assert_eq!(
            config.hosted_ui_domain.as_ref().map(Url::as_str),
            Some("https://whoami.auth.eu-west-1.amazoncognito.com/")
        );
    }

    #[test]
    fn optional_keys_may_be_left_out() {
        let text: String = FULL
            .lines()
            .filter(|l| {
                !["app_client_secret", "auth_flow", "cognito_endpoint", "hosted_ui_domain"]
                    .iter()
                    .any(|key| l.starts_with(key))
            })
            .collect::<Vec<_>>()
            .join("\n");
        let config = parse(&text).unwrap();
        assert!(config.app_client_secret.is_none());
        assert_eq!(config.auth_flow, AuthFlow::Srp, "SRP unless the file says otherwise");
        assert!(config.cognito_endpoint.is_none() && config.hosted_ui_domain.is_none());
        let srp = parse(&with_line("auth_flow", r#"auth_flow = "srp""#)).unwrap();
        assert_eq!(srp.auth_flow, AuthFlow::Srp);
    }

    #[test]
    fn the_secret_stays_out_of_debug_output() {
        let config = parse(FULL).unwrap();
        assert!(!format!("{config:?}").contains("s3cr3t"));
    }

    /// `FULL` with the line of `key` replaced by `line` (or removed when `line` is empty).
    fn with_line(key: &str, line: &str) -> String {
        FULL.lines().map(|l| if l.starts_with(&format!("{key} ")) { line } else { l }).collect::<Vec<_>>().join("\n")
    }

    fn check(text: &str, expected: &str) {
        let message = parse(text).unwrap_err().to_string();
        assert!(message.starts_with("conf/whoami.toml"), "{message}");
        assert!(message.contains(expected), "`{message}` should contain `{expected}`");
    }

    #[test]
    fn every_mistake_names_the_file_and_the_key() {
        for key in ["region", "user_pool_id", "app_client_id", "api_url"] {
            check(&with_line(key, ""), &format!("the key `{key}` is missing"));
            check(
                &with_line(key, &format!("{key} = 5")),
                &format!("the key `{key}` must be a string in quotes, not a integer"),
            );
        }
        check(
            &with_line("region", r#"region = "Europe""#),
            "the key `region` is invalid: `Europe` is not an AWS region",
        );
        check(&with_line("region", r#"region = "us-east-1""#), "the key `region` is `us-east-1` but user_pool_id");
        check(&with_line("user_pool_id", r#"user_pool_id = "AbC123""#), "the key `user_pool_id` is invalid");
        check(&with_line("app_client_id", r#"app_client_id = "a b""#), "the key `app_client_id` is invalid");
        check(&with_line("app_client_secret", r#"app_client_secret = """#), "the key `app_client_secret` is empty");
        for value in ["SRP", "user_srp_auth", ""] {
            check(
                &with_line("auth_flow", &format!("auth_flow = '{value}'")),
                &format!(r#"the key `auth_flow` is `{value}`: it must be "srp" (the default) or "password""#),
            );
        }
        check(&with_line("auth_flow", "auth_flow = true"), "the key `auth_flow` must be a string in quotes");
        check(&with_line("api_url", r#"api_url = "abc123.execute-api""#), "the key `api_url` is not a URL");
        check(
            &with_line("api_url", r#"api_url = "ftp://example.com""#),
            "the key `api_url` must be an https:// URL (or http:// to this machine)",
        );
        // Passwords and tokens never cross a network unencrypted.
        for (key, url) in [
            ("api_url", "http://abc.execute-api.eu-west-1.amazonaws.com/test"),
            ("cognito_endpoint", "http://cognito.example.com"),
            ("cognito_endpoint", "http://127.0.0.1@evil.example"),
            ("cognito_endpoint", r"http://evil.example\@127.0.0.1/"),
            ("cognito_endpoint", "http://localhost.evil.example"),
            ("hosted_ui_domain", "http://whoami.auth.eu-west-1.amazoncognito.com"),
        ] {
            check(&with_line(key, &format!("{key} = '{url}'")), &format!("the key `{key}` is `{url}`: plain HTTP"));
        }
        for url in ["http://localhost:5005", "http://[::1]:9/", "http://127.0.0.2:9", "https://cognito.example.com"] {
            parse(&with_line("cognito_endpoint", &format!("cognito_endpoint = '{url}'"))).unwrap();
        }
        check(
            &with_line("cognito_endpoint", r#"cognito_endpoint = "localhost""#),
            "the key `cognito_endpoint` is not a URL",
        );
        check(&format!("{FULL}\nuser_pool = \"x\""), "unknown key `user_pool`");
        check(&format!("{FULL}\nregion = \"eu-west-1\""), "is not valid TOML (line 10)");
    }

    #[test]
    fn a_syntax_error_does_not_quote_the_file() {
        let text = "app_client_secret = \"s3cr3t\" oops\n";
        let message = parse(text).unwrap_err().to_string();
        assert!(message.contains("line 1"), "{message}");
        assert!(!message.contains("s3cr3t"), "{message}");
    }

    #[test]
    fn the_example_file_is_a_valid_config() {
        let example = include_str!("../../whoami.example.toml");
        let config = Config::parse(Path::new("whoami.example.toml"), example).unwrap();
        assert!(config.app_client_secret.is_none() && config.cognito_endpoint.is_none());
        assert_eq!(config.auth_flow, AuthFlow::Srp);
        // Every key is described, the optional ones as commented-out lines.
        for key in CliConfigFile::KEYS {
            assert!(example.lines().any(|l| l.trim_start_matches("# ").starts_with(&format!("{key} = "))), "{key}");
        }
    }

    #[test]
    fn a_missing_file_says_how_to_make_one() {
        let message = Config::load(Path::new("/nonexistent/whoami.toml")).unwrap_err().to_string();
        assert!(message.starts_with("cannot read the config file /nonexistent/whoami.toml"), "{message}");
        assert!(message.contains("whoami.example.toml"), "{message}");
    }
}
