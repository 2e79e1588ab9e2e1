//! The page's runtime configuration, `config.json` next to `index.html`, parsed once.
//!
//! One build serves every deployment, so nothing about the pool or the API is compiled in.
//! The keys are the admin CLI's, minus secrets, plus `token_storage`, the pool's features
//! (`sign_up`, `hosted_ui_domain`) and how users sign in (`sign_in`, `hosted_ui_name`); an `app_client_secret`
//! is accepted only because some pools have one, and the page warns when it is used.

use std::fmt;

use serde::Deserialize;
use serde::de::{Deserializer, Visitor};
use whoami_shared::{AppClientId, ClientSecret, Region, UserPoolId};

use crate::errors::HostedError;
use crate::json;

/// The file the page reads, relative to the page itself.
pub const CONFIG_FILE: &str = "config.json";

/// Where the tokens are kept between page loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenStorage {
    /// sessionStorage: this tab only, gone when it closes (the default).
    Session,
    /// localStorage: every tab of this site, kept across browser restarts.
    Local,
}

/// How the page proves the password to Cognito.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInFlow {
    /// USER_SRP_AUTH: only a proof leaves the browser, never the password (the default).
    Srp,
    /// USER_PASSWORD_AUTH: the password itself is sent, over HTTPS, for app clients that do
    /// not allow SRP.
    Password,
}

/// A valid configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub region: Region,
    pub user_pool_id: UserPoolId,
    pub app_client_id: AppClientId,
    /// The API's URL, called with GET and the ID token.
    pub api_url: String,
    /// Cognito's endpoint: `cognito_endpoint` if set, otherwise the region's.
    pub cognito_endpoint: String,
    pub token_storage: TokenStorage,
    pub auth_flow: SignInFlow,
    /// Public to every visitor once it is in `config.json`; the page warns when it is used.
    pub app_client_secret: Option<ClientSecret>,
    /// Whether anyone may create an account (`sign_up`: `true` only where the pool allows it).
    pub sign_up: bool,
    /// The name in the form's "Sign in with <name>" (`hosted_ui_name`, default "single
    /// sign-on") when the form offers the pool's hosted sign-in page: where `hosted_ui_domain`
    /// is set, unless `sign_in` is "direct", and always where `sign_in` is "hosted". Only this
    /// look is made here: the keys themselves are read and checked by the on-demand module
    /// when the link is followed ([`HostedUi::from_config`]), which says what is wrong.
    pub hosted_name: Option<String>,
    /// Whether the form offers the page's own email and password sign-in (unless `sign_in`
    /// is "hosted").
    pub direct: bool,
    /// `config.json` as read: the screens loaded on demand read the keys only they use (the
    /// password policy, [`crate::password::Policy::from_config`]) themselves, so that the
    /// first visit's wasm does not carry that code.
    pub text: ConfigText,
}

/// The pool's hosted sign-in page (Cognito's managed login), as the on-demand module reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostedUi {
    /// Its base URL, ending in `/`, where `shared::oauth`'s paths are.
    pub base: String,
}

/// The keys of `config.json` only the hosted sign-in reads.
#[derive(Deserialize, Default)]
struct HostedKeys {
    #[serde(default)]
    hosted_ui_domain: Field,
    #[serde(default)]
    hosted_ui_name: Field,
    #[serde(default)]
    sign_in: Field,
}

impl HostedUi {
    /// Reads and checks the hosted sign-in's keys from `config.json`'s text: called by the
    /// on-demand module only, so that the first visit's wasm does not carry this code. A
    /// mistake the page's start let through (it only looks whether to show the link) is said
    /// here as a sentence naming the key (not `ConfigError`'s: sharing its text with the module
    /// would keep it out of line in the main wasm).
    pub fn from_config(config: &Config) -> Result<Self, HostedError> {
        let invalid = |key, reason: &str| HostedError::Config { key, reason: reason.to_owned() };
        // config.json parsed once already: only a key of the wrong type can fail here.
        let keys: HostedKeys = json::object_from_str(&config.text.0).unwrap_or_default();
        hosted_string("hosted_ui_name", &keys.hosted_ui_name)?;
        let sign_in = hosted_string("sign_in", &keys.sign_in)?;
        if let Some(other) = sign_in.filter(|s| !matches!(*s, "hosted" | "direct")) {
            return Err(invalid(
                "sign_in",
                &format!("is `{other}`; use \"hosted\" (which needs `hosted_ui_domain`) or \"direct\", or leave it out for both"),
            ));
        }
        let Some(url) = hosted_string("hosted_ui_domain", &keys.hosted_ui_domain)? else {
            return Err(match sign_in {
                Some("hosted") => invalid("sign_in", "is `hosted`, which needs `hosted_ui_domain`; add it, or leave `sign_in` out"),
                _ => invalid("hosted_ui_domain", "is missing; add it"),
            });
        };
        let mut base = checked_url("hosted_ui_domain", url).map_err(|error| match error {
            ConfigError::Invalid { key, reason } => HostedError::Config { key, reason },
            _ => invalid("hosted_ui_domain", "is not a URL"),
        })?;
        if !base.ends_with('/') {
            base.push('/');
        }
        Ok(Self { base })
    }
}

/// The text of `config.json`, which may hold the app client's secret: never shown by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct ConfigText(pub String);

impl fmt::Debug for ConfigText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ConfigText(..)")
    }
}

/// Why there is no usable configuration. Each message names the file and the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("the page could not load {CONFIG_FILE}: {0}; put a {CONFIG_FILE} next to index.html")]
    Unavailable(String),
    #[error("{CONFIG_FILE} is not a JSON object ({0}); it should look like {{\"region\": \"eu-west-1\", ...}}")]
    NotJson(String),
    #[error("{CONFIG_FILE} has no `{0}`; add it")]
    Missing(&'static str),
    #[error("`{key}` in {CONFIG_FILE} {reason}")]
    Invalid { key: &'static str, reason: String },
}

impl Config {
    /// Parses the text of `config.json`.
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        let keys: Keys = json::object_from_str(text).map_err(|e| ConfigError::NotJson(e.0))?;

        let region: Region = parse("region", &keys.region)?;
        let user_pool_id: UserPoolId = parse("user_pool_id", &keys.user_pool_id)?;
        if user_pool_id.region() != &region {
            return Err(ConfigError::Invalid {
                key: "user_pool_id",
                reason: format!("is in region `{}` but `region` is `{region}`; they must match", user_pool_id.region()),
            });
        }
        let app_client_id: AppClientId = parse("app_client_id", &keys.app_client_id)?;
        let api_url = checked_url("api_url", required("api_url", &keys.api_url)?)?;
        let cognito_endpoint = match optional("cognito_endpoint", &keys.cognito_endpoint)? {
            Some(url) => checked_url("cognito_endpoint", url)?,
            None => region.cognito_endpoint(),
        };
        let token_storage = match optional("token_storage", &keys.token_storage)? {
            None | Some("session") => TokenStorage::Session,
            Some("local") => TokenStorage::Local,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    key: "token_storage",
                    reason: format!("is `{other}`; use \"session\" (the default) or \"local\""),
                });
            }
        };
        let auth_flow = match optional("auth_flow", &keys.auth_flow)? {
            None | Some("srp") => SignInFlow::Srp,
            Some("password") => SignInFlow::Password,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    key: "auth_flow",
                    reason: format!("is `{other}`; use \"srp\" (the default) or \"password\""),
                });
            }
        };
        let app_client_secret =
            optional("app_client_secret", &keys.app_client_secret)?.filter(|s| !s.is_empty()).map(ClientSecret::new);
        // The hosted sign-in: only whether the form shows its link and with which name, and
        // whether the direct form is shown (HostedUi::from_config reads the rest on demand).
        let sign_in = string(&keys.sign_in);
        let domain = !matches!(&keys.hosted_ui_domain, Field::Absent) && string(&keys.hosted_ui_domain) != Some("");
        let hosted_name = (sign_in == Some("hosted") || (domain && sign_in != Some("direct")))
            .then(|| string(&keys.hosted_ui_name).filter(|s| !s.is_empty()).unwrap_or("single sign-on").to_owned());
        Ok(Self {
            region,
            user_pool_id,
            app_client_id,
            api_url,
            cognito_endpoint,
            token_storage,
            auth_flow,
            app_client_secret,
            sign_up: keys.sign_up == Some(true),
            hosted_name,
            direct: sign_in != Some("hosted"),
            text: ConfigText(text.to_owned()),
        })
    }
}

/// The keys of `config.json` the page reads; any others are ignored.
#[derive(Deserialize)]
struct Keys {
    #[serde(default)]
    region: Field,
    #[serde(default)]
    user_pool_id: Field,
    #[serde(default)]
    app_client_id: Field,
    #[serde(default)]
    api_url: Field,
    #[serde(default)]
    cognito_endpoint: Field,
    #[serde(default)]
    token_storage: Field,
    #[serde(default)]
    auth_flow: Field,
    #[serde(default)]
    app_client_secret: Field,
    #[serde(default)]
    sign_up: Option<bool>,
    #[serde(default)]
    hosted_ui_domain: Field,
    #[serde(default)]
    hosted_ui_name: Field,
    #[serde(default)]
    sign_in: Field,
}

/// One key's value as the page sees it: absent (or null), a string, or anything else (an
/// error that names the key, rather than a parse error about the whole file).
#[derive(Default)]
enum Field {
    #[default]
    Absent,
    Text(String),
    Other,
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_option(FieldVisitor)
    }
}

/// Reads a key's value as an optional string, and anything that is not a string as
/// `Other` (asking only for a string keeps the page's JSON reader from compiling code for
/// every JSON type here).
struct FieldVisitor;

impl<'de> Visitor<'de> for FieldVisitor {
    type Value = Field;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<Field, E> {
        Ok(Field::Absent)
    }

    fn visit_none<E>(self) -> Result<Field, E> {
        Ok(Field::Absent)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Field, D::Error> {
        Ok(String::deserialize(deserializer).map_or(Field::Other, Field::Text))
    }
}

/// A hosted sign-in key's text, if any: not a string is a mistake said as [`HostedError`].
fn hosted_string<'a>(key: &'static str, field: &'a Field) -> Result<Option<&'a str>, HostedError> {
    match field {
        Field::Other => Err(HostedError::Config { key, reason: "must be a string".to_owned() }),
        field => Ok(string(field).filter(|s| !s.is_empty())),
    }
}

/// A key's text, if it is a string: what the page's start looks at for the hosted sign-in,
/// whose keys are checked on demand ([`HostedUi::from_config`]).
fn string(field: &Field) -> Option<&str> {
    match field {
        Field::Text(s) => Some(s.trim()),
        _ => None,
    }
}

fn optional<'a>(key: &'static str, field: &'a Field) -> Result<Option<&'a str>, ConfigError> {
    match field {
        Field::Absent => Ok(None),
        Field::Text(s) => Ok(Some(s.trim())),
        Field::Other => Err(ConfigError::Invalid { key, reason: "must be a string".to_owned() }),
    }
}

fn required<'a>(key: &'static str, field: &'a Field) -> Result<&'a str, ConfigError> {
    optional(key, field)?.filter(|s| !s.is_empty()).ok_or(ConfigError::Missing(key))
}

fn parse<T>(key: &'static str, field: &Field) -> Result<T, ConfigError>
where
    T: std::str::FromStr<Err = whoami_shared::ParseIdError>,
{
    required(key, field)?
        .parse()
        .map_err(|e: whoami_shared::ParseIdError| ConfigError::Invalid { key, reason: e.to_string() })
}

/// Checks a URL the page sends tokens or passwords to: HTTPS, or plain HTTP to this machine
/// only (the local stack), so a typo cannot send a password over the open network.
fn checked_url(key: &'static str, url: &str) -> Result<String, ConfigError> {
    let invalid = |reason: &str| ConfigError::Invalid { key, reason: format!("is `{url}`: {reason}") };
    // Browsers read a backslash in an http(s) URL as a slash and drop tabs and newlines, so
    // `http://evil.example\@127.0.0.1/` goes to evil.example: refuse what they would reread
    // rather than guess how.
    if url.contains(|c: char| c == '\\' || c.is_whitespace() || c.is_control()) {
        return Err(invalid("it contains a backslash, a space or a control character"));
    }
    let (scheme, rest) = url.split_once("://").ok_or_else(|| invalid("not an absolute URL such as https://..."))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    if host.is_empty() || host.contains(char::is_whitespace) {
        return Err(invalid("it names no host"));
    }
    let host_name = if host.starts_with('[') {
        host.split_inclusive(']').next().unwrap_or(host)
    } else {
        host.split(':').next().unwrap_or(host)
    };
    let loopback = matches!(host_name, "localhost" | "127.0.0.1" | "[::1]");
    match scheme {
        "https" => Ok(url.to_owned()),
        "http" if loopback => Ok(url.to_owned()),
        "http" => Err(invalid("plain HTTP is allowed only to this machine (127.0.0.1 or localhost); use https://")),
        _ => Err(invalid("use https:// (or http:// to this machine)")),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, Value};
    use whoami_shared::files::{PageConfigFile, PageConfigJson, PoolFeatures};

    use super::*;

    const GOOD: &str = r#"{"region": "eu-west-1", "user_pool_id": "eu-west-1_AbC123",
        "app_client_id": "3n4b5urk1ft4fl3mg5e62d9ado",
        "api_url": "https://abc123.execute-api.eu-west-1.amazonaws.com/test"}"#;

    /// `GOOD` with `key` set to `value` (or removed when `value` is null).
    fn with(key: &str, value: Value) -> String {
        let mut config: Map<String, Value> = serde_json::from_str(GOOD).unwrap();
        if value.is_null() {
            config.remove(key);
        } else {
            config.insert(key.to_owned(), value);
        }
        Value::Object(config).to_string()
    }

    fn check(text: &str, expected: Result<(), &str>) {
        match (Config::parse(text), expected) {
            (Ok(_), Ok(())) => {}
            (Err(e), Err(part)) => assert!(e.to_string().contains(part), "{e} should mention {part:?}"),
            (got, want) => panic!("{text}: got {got:?}, expected {want:?}"),
        }
    }

    #[test]
    fn defaults() {
        let config = Config::parse(GOOD).unwrap();
        assert_eq!(config.cognito_endpoint, "https://cognito-idp.eu-west-1.amazonaws.com/");
        assert_eq!(config.token_storage, TokenStorage::Session);
        assert_eq!(config.auth_flow, SignInFlow::Srp);
        assert!(config.app_client_secret.is_none());
    }

    #[test]
    fn a_pool_in_china_is_reached_at_its_partitions_domain() {
        let china = GOOD.replace("eu-west-1", "cn-north-1");
        let config = Config::parse(&china).unwrap();
        assert_eq!(config.cognito_endpoint, "https://cognito-idp.cn-north-1.amazonaws.com.cn/");
    }

    #[test]
    fn options() {
        let local = Config::parse(&with("token_storage", "local".into())).unwrap();
        assert_eq!(local.token_storage, TokenStorage::Local);
        assert_eq!(Config::parse(&with("auth_flow", "password".into())).unwrap().auth_flow, SignInFlow::Password);
        assert_eq!(Config::parse(&with("auth_flow", "srp".into())).unwrap().auth_flow, SignInFlow::Srp);
        let emulator = Config::parse(&with("cognito_endpoint", "http://127.0.0.1:5005".into())).unwrap();
        assert_eq!(emulator.cognito_endpoint, "http://127.0.0.1:5005");
        let secret = Config::parse(&with("app_client_secret", "s3cr3t".into())).unwrap();
        assert_eq!(secret.app_client_secret.as_ref().map(ClientSecret::expose), Some("s3cr3t"));
        assert!(!format!("{secret:?}").contains("s3cr3t"));
        assert!(Config::parse(&with("sign_up", true.into())).unwrap().sign_up);
        assert!(!Config::parse(&with("sign_up", false.into())).unwrap().sign_up);
        assert!(!Config::parse(GOOD).unwrap().sign_up, "no sign-up unless config.json says so");
    }

    /// `GOOD` with each of `pairs` set.
    fn with_all(pairs: &[(&str, &str)]) -> String {
        let mut config: Map<String, Value> = serde_json::from_str(GOOD).unwrap();
        for (key, value) in pairs {
            config.insert((*key).to_owned(), (*value).into());
        }
        Value::Object(config).to_string()
    }

    #[test]
    fn the_hosted_sign_in_is_offered_where_config_json_names_the_page() {
        let domain = "https://whoami.auth.eu-west-1.amazoncognito.com/";
        let shown = |pairs: &[(&str, &str)]| {
            let config = Config::parse(&with_all(pairs)).unwrap();
            (config.hosted_name, config.direct)
        };
        let sso = Some("single sign-on".to_owned());
        assert_eq!(shown(&[]), (None, true), "no hosted page unless named");
        assert_eq!(shown(&[("hosted_ui_domain", domain)]), (sso.clone(), true), "both by default");
        assert_eq!(
            shown(&[("hosted_ui_domain", "http://127.0.0.1:4566"), ("hosted_ui_name", "Example")]),
            (Some("Example".to_owned()), true)
        );
        assert_eq!(shown(&[("hosted_ui_domain", domain), ("sign_in", "hosted")]), (sso.clone(), false));
        assert_eq!(shown(&[("hosted_ui_domain", domain), ("sign_in", "direct")]), (None, true));
        assert_eq!(shown(&[("sign_in", "direct")]), (None, true));
        assert_eq!(shown(&[("hosted_ui_domain", "")]), (None, true));
        // Mistakes the start lets through, so that following the link says what is wrong.
        assert_eq!(shown(&[("sign_in", "hosted")]), (sso.clone(), false));
        assert_eq!(shown(&[("hosted_ui_domain", domain), ("sign_in", "both")]), (sso, true));

        let read = |pairs: &[(&str, &str)]| HostedUi::from_config(&Config::parse(&with_all(pairs)).unwrap());
        assert_eq!(read(&[("hosted_ui_domain", domain)]), Ok(HostedUi { base: domain.to_owned() }));
        assert_eq!(
            read(&[("hosted_ui_domain", "http://127.0.0.1:4566"), ("sign_in", "hosted")]),
            Ok(HostedUi { base: "http://127.0.0.1:4566/".to_owned() })
        );
    }

    #[test]
    fn hosted_sign_in_problems_name_the_key() {
        let domain = "https://whoami.auth.eu-west-1.amazoncognito.com/";
        let check = |config: &str, expected: &str| {
            let error = HostedUi::from_config(&Config::parse(config).unwrap()).unwrap_err().to_string();
            assert!(error.contains(expected), "{config}: {error}");
        };
        check(
            &with_all(&[("sign_in", "hosted")]),
            "`sign_in` in config.json is `hosted`, which needs `hosted_ui_domain`; add it",
        );
        check(&with_all(&[("hosted_ui_domain", domain), ("sign_in", "both")]), "`sign_in` in config.json is `both`");
        check(
            &with_all(&[("hosted_ui_domain", "http://auth.example.com/")]),
            "`hosted_ui_domain` in config.json is `http://auth.example.com/`: plain HTTP",
        );
        check(&with_all(&[("hosted_ui_domain", "auth.example.com")]), "`hosted_ui_domain`");
        check(&with("hosted_ui_domain", 1.into()), "`hosted_ui_domain` in config.json must be a string");
        check(&with("sign_in", true.into()), "`sign_in` in config.json must be a string");
        check(&with_all(&[("sign_in", "direct")]), "`hosted_ui_domain` in config.json is missing; add it");
    }

    #[test]
    fn problems_name_the_key() {
        check("", Err("not a JSON object"));
        check("[1]", Err("not a JSON object"));
        check(&with("region", Value::Null), Err("no `region`"));
        check(&with("api_url", "".into()), Err("no `api_url`"));
        check(&with("region", 5.into()), Err("`region` in config.json must be a string"));
        check(&with("region", serde_json::json!(["eu-west-1"])), Err("`region` in config.json must be a string"));
        check(
            &with("region", serde_json::json!({"name": "eu-west-1"})),
            Err("`region` in config.json must be a string"),
        );
        check(&with("region", "us-east-1".into()), Err("they must match"));
        check(&with("user_pool_id", "nope".into()), Err("`user_pool_id`"));
        check(&with("app_client_id", "a b".into()), Err("`app_client_id`"));
        check(&with("token_storage", "cookie".into()), Err("\"local\""));
        check(
            &with("auth_flow", "USER_SRP_AUTH".into()),
            Err("`auth_flow` in config.json is `USER_SRP_AUTH`; use \"srp\""),
        );
        check(&with("api_url", "abc".into()), Err("not an absolute URL"));
        check(&with("api_url", "http://api.example.com/".into()), Err("plain HTTP is allowed only"));
        check(&with("api_url", "ftp://127.0.0.1/".into()), Err("use https://"));
        check(&with("api_url", "http://localhost.evil.com/".into()), Err("plain HTTP"));
        check(&with("cognito_endpoint", "http://127.0.0.1@evil.com/".into()), Err("plain HTTP"));
        // A browser sends these to evil.example, not to this machine.
        for url in ["http://evil.example\\@127.0.0.1/", "http://evil.example\t\\@127.0.0.1/", "https://a.example\\b"] {
            check(&with("api_url", url.into()), Err("a backslash"));
        }
    }

    /// What every writer of config.json serialises, shared's `PageConfigFile`, is what this
    /// reader reads: with only the required keys, and with every optional one.
    #[test]
    fn reads_what_the_shared_file_type_writes() {
        let mut file = PageConfigFile {
            region: "eu-west-1".into(),
            user_pool_id: "eu-west-1_AbC123".into(),
            app_client_id: "3n4b5urk1ft4fl3mg5e62d9ado".into(),
            api_url: "https://abc123.execute-api.eu-west-1.amazonaws.com/test/".into(),
            cognito_endpoint: None,
            token_storage: None,
            auth_flow: None,
            app_client_secret: None,
            sign_in: None,
            hosted_ui_name: None,
            mfa_issuer: None,
        };
        let config = Config::parse(&serde_json::to_string_pretty(&file).unwrap()).unwrap();
        assert_eq!(config.region.as_str(), file.region);
        assert_eq!(config.user_pool_id.as_str(), file.user_pool_id);
        assert_eq!(config.app_client_id.as_str(), file.app_client_id);
        assert_eq!(config.api_url, file.api_url);
        assert_eq!(config.cognito_endpoint, "https://cognito-idp.eu-west-1.amazonaws.com/");
        assert_eq!((config.token_storage, config.auth_flow), (TokenStorage::Session, SignInFlow::Srp));
        assert!(config.app_client_secret.is_none());

        file.cognito_endpoint = Some("http://127.0.0.1:4566/".into());
        file.token_storage = Some("local".into());
        file.auth_flow = Some("password".into());
        file.app_client_secret = Some(ClientSecret::new("s3cr3t"));
        let config = Config::parse(&serde_json::to_string_pretty(&file).unwrap()).unwrap();
        assert_eq!(config.cognito_endpoint, "http://127.0.0.1:4566/");
        assert_eq!((config.token_storage, config.auth_flow), (TokenStorage::Local, SignInFlow::Password));
        assert_eq!(config.app_client_secret, file.app_client_secret);
        assert!(config.direct && config.hosted_name.is_none());

        // The pool's hosted page beside the page's keys, as configure writes it, and the
        // page's choices about it.
        file.sign_in = Some("hosted".into());
        file.hosted_ui_name = Some("Example Corp".into());
        let pool = PoolFeatures {
            hosted_ui_domain: Some("https://whoami.auth.eu-west-1.amazoncognito.com/".into()),
            ..PoolFeatures::default()
        };
        let text = serde_json::to_string_pretty(&PageConfigJson { page: file, pool }).unwrap();
        let config = Config::parse(&text).unwrap();
        assert_eq!((config.hosted_name.as_deref(), config.direct), (Some("Example Corp"), false));
        assert_eq!(
            HostedUi::from_config(&config),
            Ok(HostedUi { base: "https://whoami.auth.eu-west-1.amazoncognito.com/".into() })
        );
    }

    #[test]
    fn loopback_may_use_http() {
        for url in ["http://127.0.0.1:8080/api/", "http://localhost:3000", "http://[::1]:9/x", "https://x.example"] {
            check(&with("api_url", url.into()), Ok(()));
        }
    }
}
