//! The two configuration files, each defined once: `config.json`, the page's ([`PageConfigFile`],
//! with the pool's [`PoolFeatures`] beside it in [`PageConfigJson`]), and `whoami.toml`, the
//! admin CLI's. Every writer serialises these types (with serde_json or toml), and the CLI
//! reads its file through [`CliConfigFile`].
//!
//! They are the files' wire form: values are text (but for the pool's features, JSON booleans
//! and a number, as Cognito gives them), parsed into typed settings where each file
//! is read (the page's and the CLI's `config` modules), so that every mistake is reported with
//! the file and the key. Optional keys are left out when absent. The page reads `config.json`
//! with a small reader of its own rather than serde's derive, for the wasm's size; its tests
//! read what [`PageConfigFile`] writes.

use serde::{Deserialize, Serialize};

use crate::secret::ClientSecret;

/// `config.json`, the page's runtime configuration, served next to `index.html`. Keys the page
/// does not know are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageConfigFile {
    pub region: String,
    pub user_pool_id: String,
    pub app_client_id: String,
    /// The API's URL, called with GET and the ID token.
    pub api_url: String,
    /// Cognito's endpoint when it is not the region's (an emulator).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cognito_endpoint: Option<String>,
    /// Where the page keeps tokens: "session" (the default) or "local".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_storage: Option<String>,
    /// How the page proves the password: "srp" (the default) or "password".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_flow: Option<String>,
    /// Only for an app client with a secret: every visitor can read it, and the page warns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_client_secret: Option<ClientSecret>,
    /// How users sign in where the pool has a hosted sign-in page ([`PoolFeatures::hosted_ui_domain`]):
    /// "hosted" (only "Sign in with ...", Cognito's page) or "direct" (only the page's own email
    /// and password form); left out, the page offers both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_in: Option<String>,
    /// The name in the hosted sign-in's "Sign in with <name>" (default "single sign-on").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosted_ui_name: Option<String>,
    /// The name an authenticator app shows beside the user's email for codes set up from the
    /// page (the `otpauth://` URI's issuer); the page's host when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_issuer: Option<String>,
}

/// What the user pool lets users do for themselves, and the passwords it takes: keys of
/// `config.json` beside [`PageConfigFile`]'s, which `whoami-admin configure` reads from the pool
/// (DescribeUserPool) and its stack, so that the page follows the deployed pool rather than a
/// copy of its rules. A key the pool does not give is left out; the page then keeps its own
/// default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolFeatures {
    /// The base URL of the pool's hosted sign-in page (managed login), where the OAuth
    /// endpoints of [`crate::oauth`] are: `https://<prefix>.auth.<region>.amazoncognito.com/`
    /// (the stack's `CognitoDomain` output), or an emulator's address. Left out for a pool
    /// without a domain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosted_ui_domain: Option<String>,
    /// `true` only where anyone may create an account (SignUp; template.yaml's `SelfSignUp`);
    /// left out otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_up: Option<bool>,
    /// The password policy's minimum length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_min_length: Option<u32>,
    /// Whether a password needs a lowercase letter (a-z).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_require_lowercase: Option<bool>,
    /// Whether a password needs an uppercase letter (A-Z).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_require_uppercase: Option<bool>,
    /// Whether a password needs a digit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_require_numbers: Option<bool>,
    /// Whether a password needs one of Cognito's special characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_require_symbols: Option<bool>,
}

/// `config.json` as `whoami-admin configure` writes it and the local stack serves it: one JSON
/// object holding the page's settings and the pool's features side by side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageConfigJson {
    #[serde(flatten)]
    pub page: PageConfigFile,
    #[serde(flatten)]
    pub pool: PoolFeatures,
}

/// `whoami.toml`, the admin CLI's configuration (whoami.example.toml describes each key).
/// Unknown keys are refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CliConfigFile {
    pub region: String,
    pub user_pool_id: String,
    pub app_client_id: String,
    /// Only when the app client was created with a secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_client_secret: Option<ClientSecret>,
    /// How `login` and `call-api` sign in: "srp" (the default) or "password".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_flow: Option<String>,
    /// The API that `call-api` calls with the ID token.
    pub api_url: String,
    /// A local emulator instead of Cognito.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cognito_endpoint: Option<String>,
    /// The base URL of the pool's hosted sign-in page, for `login --hosted` (see
    /// [`PoolFeatures::hosted_ui_domain`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosted_ui_domain: Option<String>,
}

impl CliConfigFile {
    /// Every key, in the order of the fields (and of whoami.example.toml).
    pub const KEYS: [&str; 8] = [
        "region",
        "user_pool_id",
        "app_client_id",
        "app_client_secret",
        "auth_flow",
        "api_url",
        "cognito_endpoint",
        "hosted_ui_domain",
    ];
    /// The keys a file must have.
    pub const REQUIRED: [&str; 4] = ["region", "user_pool_id", "app_client_id", "api_url"];
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    /// What `whoami-admin configure` writes for a stack in the emulator.
    const CONFIGURED: &str = r#"{
  "region": "us-east-1",
  "user_pool_id": "us-east-1_8c5b0f3c1d2e4a6b9f7e",
  "app_client_id": "3n4b5urk1ft4fl3mg5e62d9ado",
  "api_url": "http://127.0.0.1:4566/restapis/abc123/Prod/_user_request_/",
  "cognito_endpoint": "http://127.0.0.1:4566/"
}"#;

    fn keys(value: &impl Serialize) -> Vec<String> {
        let text = serde_json::to_string(value).unwrap();
        let Value::Object(object) = serde_json::from_str::<Value>(&text).unwrap() else { panic!("{text}") };
        // serde_json's map is sorted; order the keys as they were written.
        let mut keys: Vec<String> = object.keys().cloned().collect();
        keys.sort_by_key(|key| text.find(&format!("\"{key}\"")));
        keys
    }

    #[test]
    fn page_config_round_trips_what_configure_writes() {
        let parsed: PageConfigFile = serde_json::from_str(CONFIGURED).unwrap();
        assert_eq!(parsed.cognito_endpoint.as_deref(), Some("http://127.0.0.1:4566/"));
        assert!(parsed.token_storage.is_none() && parsed.auth_flow.is_none() && parsed.app_client_secret.is_none());
        assert!(parsed.sign_in.is_none() && parsed.hosted_ui_name.is_none());
        assert_eq!(serde_json::to_string_pretty(&parsed).unwrap(), CONFIGURED);
    }

    #[test]
    fn page_config_writes_every_key_it_is_given_and_no_other() {
        let mut page: PageConfigFile = serde_json::from_str(CONFIGURED).unwrap();
        page.cognito_endpoint = None;
        assert_eq!(keys(&page), ["region", "user_pool_id", "app_client_id", "api_url"]);
        page.token_storage = Some("local".into());
        page.auth_flow = Some("password".into());
        page.app_client_secret = Some(ClientSecret::new("s3cr3t"));
        page.sign_in = Some("hosted".into());
        page.hosted_ui_name = Some("Example Corp".into());
        let written = serde_json::to_value(&page).unwrap();
        assert_eq!(written["sign_in"], "hosted");
        assert_eq!(written["hosted_ui_name"], "Example Corp");
        assert_eq!(written["token_storage"], "local");
        assert_eq!(written["auth_flow"], "password");
        assert_eq!(written["app_client_secret"], "s3cr3t");
        assert_eq!(serde_json::from_value::<PageConfigFile>(written).unwrap(), page);
        assert!(!format!("{page:?}").contains("s3cr3t"));
        // The page ignores keys it does not know, and so does this type.
        let extra: Value = json!({"region": "r", "user_pool_id": "p", "app_client_id": "c", "api_url": "u", "x": 1});
        serde_json::from_value::<PageConfigFile>(extra).unwrap();
    }

    #[test]
    fn the_pools_features_sit_beside_the_pages_keys() {
        let page: PageConfigFile = serde_json::from_str(CONFIGURED).unwrap();
        let plain = PageConfigJson { page: page.clone(), pool: PoolFeatures::default() };
        assert_eq!(serde_json::to_string_pretty(&plain).unwrap(), CONFIGURED, "no pool key unless given");
        let pool = PoolFeatures {
            hosted_ui_domain: Some("https://whoami.auth.us-east-1.amazoncognito.com/".into()),
            sign_up: Some(true),
            password_min_length: Some(12),
            password_require_lowercase: Some(true),
            password_require_uppercase: Some(true),
            password_require_numbers: Some(true),
            password_require_symbols: Some(false),
        };
        let full = PageConfigJson { page: page.clone(), pool };
        let written = serde_json::to_value(&full).unwrap();
        assert_eq!(written["hosted_ui_domain"], "https://whoami.auth.us-east-1.amazoncognito.com/");
        assert_eq!(written["sign_up"], true);
        assert_eq!(written["password_min_length"], 12);
        assert_eq!(written["password_require_symbols"], false);
        assert_eq!(serde_json::from_value::<PageConfigJson>(written.clone()).unwrap(), full);
        // The page's own keys read the same with the pool's beside them.
        assert_eq!(serde_json::from_value::<PageConfigFile>(written).unwrap(), page);
        assert_eq!(
            keys(&full)[4..],
            [
                "cognito_endpoint",
                "hosted_ui_domain",
                "sign_up",
                "password_min_length",
                "password_require_lowercase",
                "password_require_uppercase",
                "password_require_numbers",
                "password_require_symbols"
            ]
        );
    }

    #[test]
    fn cli_config_keys_are_the_fields() {
        let mut file = CliConfigFile {
            region: "eu-west-1".into(),
            user_pool_id: "eu-west-1_AbC123".into(),
            app_client_id: "3n4b5urk1ft4fl3mg5e62d9ado".into(),
            app_client_secret: None,
            auth_flow: None,
            api_url: "https://abc123.execute-api.eu-west-1.amazonaws.com/test".into(),
            cognito_endpoint: None,
            hosted_ui_domain: None,
        };
        assert_eq!(keys(&file), CliConfigFile::REQUIRED);
        file.app_client_secret = Some(ClientSecret::new("s3cr3t"));
        file.auth_flow = Some("password".into());
        file.cognito_endpoint = Some("http://127.0.0.1:5005".into());
        file.hosted_ui_domain = Some("http://127.0.0.1:5005".into());
        assert_eq!(keys(&file), CliConfigFile::KEYS);
        assert!(!format!("{file:?}").contains("s3cr3t"));
        let mut written = serde_json::to_value(&file).unwrap();
        assert_eq!(serde_json::from_value::<CliConfigFile>(written.clone()).unwrap(), file);
        written["user_pool"] = "x".into();
        assert!(serde_json::from_value::<CliConfigFile>(written).is_err(), "an unknown key is refused");
    }
}
