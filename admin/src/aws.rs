//! The AWS settings every command shares, and the one function that turns them into an SDK config.

use aws_config::{BehaviorVersion, SdkConfig};
use aws_credential_types::Credentials;
use reqwest::Url;
use whoami_shared::Region;

use crate::config::Config;

/// Where and as whom to reach AWS. Each flag overrides the config file; credentials come from
/// the standard chain (environment, profile, SSO, instance role), except for an emulator on
/// this machine (see [`is_local`]).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct AwsArgs {
    /// The AWS profile for credentials [default: AWS_PROFILE, else `default`; an emulator on
    /// this machine gets placeholder credentials unless this is given]
    #[arg(long, global = true, value_name = "NAME", help_heading = "Global options")]
    pub profile: Option<String>,
    /// The region, instead of `region` in the config file
    #[arg(long, global = true, value_name = "REGION", help_heading = "Global options")]
    pub region: Option<Region>,
    /// Cognito's address, instead of `cognito_endpoint` in the config file (a local emulator)
    #[arg(long, global = true, value_name = "URL", help_heading = "Global options", value_parser = crate::config::parse_url)]
    pub endpoint_url: Option<Url>,
}

impl AwsArgs {
    /// The region to use: the flag, else the config file's.
    pub fn region<'a>(&'a self, config: &'a Config) -> &'a Region {
        self.region.as_ref().unwrap_or(&config.region)
    }

    /// The endpoint override: the flag, else the config file's, else none (Cognito itself).
    pub fn endpoint<'a>(&'a self, config: &'a Config) -> Option<&'a Url> {
        self.endpoint_url.as_ref().or(config.cognito_endpoint.as_ref())
    }
}

/// The SDK config for these settings: the standard credential chain, the chosen profile,
/// region and endpoint.
pub async fn sdk_config(args: &AwsArgs, config: &Config) -> SdkConfig {
    load(args.profile.as_deref(), Some(args.region(config)), args.endpoint(config)).await
}

/// The SDK config for a command that runs without a config file (`configure`): the flags,
/// else the standard chain's region (AWS_REGION, the profile's) and AWS's own endpoints.
pub async fn sdk_config_from_flags(args: &AwsArgs) -> SdkConfig {
    load(args.profile.as_deref(), args.region.as_ref(), args.endpoint_url.as_ref()).await
}

async fn load(profile: Option<&str>, region: Option<&Region>, endpoint: Option<&Url>) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(region) = region {
        loader = loader.region(aws_config::Region::new(region.as_str().to_owned()));
    }
    if let Some(profile) = profile {
        loader = loader.profile_name(profile);
    }
    if let Some(endpoint) = endpoint {
        // Without the trailing slash `Url` adds, the SDK would request `//`.
        loader = loader.endpoint_url(endpoint.as_str().trim_end_matches('/'));
    }
    if let Some(placeholder) = placeholder_credentials(profile, endpoint) {
        loader = loader.credentials_provider(placeholder);
    }
    loader.load().await
}

/// Credentials to sign with instead of the standard chain's, for an emulator on this machine
/// (ministack, `cargo xtask dev`) when no profile is named. The SDK signs every admin call and
/// refuses to without credentials; ministack checks the signature's form and takes `test` as
/// its account's root key, without checking the secret. Placeholders spare the user exporting
/// fake keys, and keep real ones out of an emulator. `--profile` still picks real credentials,
/// for an emulator that wants them.
fn placeholder_credentials(profile: Option<&str>, endpoint: Option<&Url>) -> Option<Credentials> {
    let local = endpoint.is_some_and(is_local) && profile.is_none();
    local.then(|| Credentials::new("test", "test", None, None, "whoami-admin: local emulator"))
}

/// Whether `endpoint` is on this machine (a loopback address or `localhost`).
pub(crate) fn is_local(endpoint: &Url) -> bool {
    whoami_shared::host::is_loopback(endpoint.host_str().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn config(endpoint: Option<&str>) -> Config {
        let endpoint = endpoint.map(|e| format!("cognito_endpoint = \"{e}\"\n")).unwrap_or_default();
        let text = format!(
            "region = \"eu-west-1\"\nuser_pool_id = \"eu-west-1_AbC\"\napp_client_id = \"abc\"\napi_url = \"https://api.example.com/test\"\n{endpoint}",
        );
        Config::parse(Path::new("whoami.toml"), &text).unwrap()
    }

    #[test]
    fn flags_override_the_file() {
        let file = config(Some("http://127.0.0.1:5005"));
        let none = AwsArgs::default();
        assert_eq!(none.region(&file).as_str(), "eu-west-1");
        assert_eq!(none.endpoint(&file).map(Url::as_str), Some("http://127.0.0.1:5005/"));
        let flags = AwsArgs {
            profile: None,
            region: Some("us-east-1".parse().unwrap()),
            endpoint_url: Some(Url::parse("http://127.0.0.1:9999").unwrap()),
        };
        assert_eq!(flags.region(&file).as_str(), "us-east-1");
        assert_eq!(flags.endpoint(&file).map(Url::as_str), Some("http://127.0.0.1:9999/"));
        assert_eq!(none.endpoint(&config(None)), None);
    }

    #[test]
    fn only_loopback_and_localhost_are_local() {
        for local in ["http://127.0.0.1:5005", "http://127.9.9.9", "http://[::1]:80", "http://LocalHost:4566"] {
            assert!(is_local(&Url::parse(local).unwrap()), "{local}");
        }
        for remote in ["https://cognito-idp.eu-west-1.amazonaws.com", "http://10.0.0.1", "http://localhost.example.com"]
        {
            assert!(!is_local(&Url::parse(remote).unwrap()), "{remote}");
        }
    }

    #[test]
    fn a_local_emulator_gets_placeholder_credentials_unless_a_profile_is_named() {
        let local = Url::parse("http://127.0.0.1:5005").unwrap();
        let placeholder = placeholder_credentials(None, Some(&local)).expect("placeholders for a local emulator");
        assert_eq!(placeholder.access_key_id(), "test");
        assert!(placeholder_credentials(Some("emulator"), Some(&local)).is_none());
        let remote = Url::parse("https://cognito-idp.eu-west-1.amazonaws.com").unwrap();
        assert!(placeholder_credentials(None, Some(&remote)).is_none());
        assert!(placeholder_credentials(None, None).is_none(), "Cognito itself never gets placeholders");
    }

    #[tokio::test]
    async fn the_sdk_config_carries_region_and_endpoint() {
        let sdk = sdk_config(&AwsArgs::default(), &config(Some("http://127.0.0.1:5005/"))).await;
        assert_eq!(sdk.region().map(aws_config::Region::as_ref), Some("eu-west-1"));
        assert_eq!(sdk.endpoint_url(), Some("http://127.0.0.1:5005"));
    }
}
