//! `whoami-admin configure`: writes `whoami.toml` and the page's `config.json` from a deployed
//! stack's outputs (CloudFormation DescribeStacks: ids, the API, the hosted sign-in page) and its
//! pool's settings (DescribeUserPool: self sign-up, the password policy), so nobody copies ids or
//! rules out of a console.
//!
//! The output keys are template.yaml's; a test checks that the template still has them.

use std::io::Write;
use std::path::{Path, PathBuf};

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::error::{ProvideErrorMetadata as _, SdkError};
use aws_sdk_cloudformation::operation::describe_stacks::DescribeStacksError;
use reqwest::Url;
use whoami_shared::files::{CliConfigFile, PageConfigFile, PageConfigJson, PoolFeatures};
use whoami_shared::{AppClientId, Region, UserPoolId};

use crate::aws::{AwsArgs, sdk_config_from_flags};
use crate::cli::Configure;
use crate::config::Config;

/// The outputs `configure` needs, in the order it reads them.
pub const OUTPUTS: [&str; 6] = ["Region", "UserPoolId", "AppClientId", "ApiUrl", "SiteUrl", "CognitoDomain"];

/// Why `configure` could not write the files.
#[derive(Debug, thiserror::Error)]
pub enum ConfigureError {
    #[error(
        "cannot describe the stack `{stack}`: {message}; check its name, the region (--region or \
         AWS_REGION) and your AWS credentials"
    )]
    Describe { stack: String, message: String },
    #[error("the stack `{stack}` ({status}) has no output `{key}`; is it deployed from template.yaml and complete?")]
    MissingOutput { stack: String, status: String, key: &'static str },
    #[error("the stack `{stack}`'s output `{key}` {reason}")]
    InvalidOutput { stack: String, key: &'static str, reason: String },
    #[error(
        "cannot read the user pool's settings (DescribeUserPool, for sign-up and the password policy in \
         config.json): {0}"
    )]
    Pool(#[source] crate::cognito::CognitoError),
    #[error("{} exists; pass --force to replace it", .0.display())]
    Exists(PathBuf),
    #[error("cannot write {}: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
}

/// What the files are made of: the stack's outputs, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackOutputs {
    pub region: Region,
    pub user_pool_id: UserPoolId,
    pub app_client_id: AppClientId,
    pub api_url: Url,
    pub site_url: Url,
    /// The hosted sign-in page's base URL (`CognitoDomain`).
    pub hosted_ui: Url,
}

impl StackOutputs {
    /// Parses the outputs of `stack` (in `status`), given as key and value pairs.
    pub fn parse(stack: &str, status: &str, outputs: &[(&str, &str)]) -> Result<Self, ConfigureError> {
        let get = |key: &'static str| {
            outputs.iter().find(|(k, _)| *k == key).map(|&(_, v)| v).ok_or_else(|| ConfigureError::MissingOutput {
                stack: stack.to_owned(),
                status: status.to_owned(),
                key,
            })
        };
        let invalid =
            |key: &'static str, reason: String| ConfigureError::InvalidOutput { stack: stack.to_owned(), key, reason };
        let region: Region = get("Region")?.parse().map_err(|e| invalid("Region", format!("is invalid: {e}")))?;
        let user_pool_id: UserPoolId =
            get("UserPoolId")?.parse().map_err(|e| invalid("UserPoolId", format!("is invalid: {e}")))?;
        if user_pool_id.region() != &region {
            return Err(invalid("UserPoolId", format!("`{user_pool_id}` is not in the stack's region `{region}`")));
        }
        let app_client_id =
            get("AppClientId")?.parse().map_err(|e| invalid("AppClientId", format!("is invalid: {e}")))?;
        let url = |key: &'static str| -> Result<Url, ConfigureError> {
            Url::parse(get(key)?).map_err(|e| invalid(key, format!("is not a URL: {e}")))
        };
        Ok(Self {
            region,
            user_pool_id,
            app_client_id,
            api_url: url("ApiUrl")?,
            site_url: url("SiteUrl")?,
            hosted_ui: url("CognitoDomain")?,
        })
    }

    /// `whoami.toml` for these outputs; `cognito_endpoint` only when talking to an emulator.
    pub fn whoami_toml(&self, stack: &str, cognito_endpoint: Option<&Url>) -> String {
        let file = CliConfigFile {
            region: self.region.to_string(),
            user_pool_id: self.user_pool_id.to_string(),
            app_client_id: self.app_client_id.to_string(),
            app_client_secret: None,
            auth_flow: None,
            api_url: self.api_url.to_string(),
            cognito_endpoint: cognito_endpoint.map(Url::to_string),
            hosted_ui_domain: Some(self.hosted_ui.to_string()),
        };
        let toml = toml::to_string(&file).expect("a struct of strings always serializes");
        format!("# whoami-admin's configuration, written by `whoami-admin configure --stack {stack}`.\n{toml}")
    }

    /// The page's `config.json` for these outputs and the pool's `features` (which gain the
    /// hosted sign-in page's address).
    pub fn config_json(&self, cognito_endpoint: Option<&Url>, features: &PoolFeatures) -> String {
        let page = PageConfigFile {
            region: self.region.to_string(),
            user_pool_id: self.user_pool_id.to_string(),
            app_client_id: self.app_client_id.to_string(),
            api_url: self.api_url.to_string(),
            cognito_endpoint: cognito_endpoint.map(Url::to_string),
            token_storage: None,
            auth_flow: None,
            app_client_secret: None,
            sign_in: None,
            hosted_ui_name: None,
            mfa_issuer: None,
        };
        let pool = PoolFeatures { hosted_ui_domain: Some(self.hosted_ui.to_string()), ..features.clone() };
        let file = PageConfigJson { page, pool };
        let mut json = serde_json::to_string_pretty(&file).expect("a struct of strings always serializes");
        json.push('\n');
        json
    }
}

/// Reads the stack's outputs through DescribeStacks.
pub async fn describe(client: &Client, stack: &str) -> Result<StackOutputs, ConfigureError> {
    let answer = client
        .describe_stacks()
        .stack_name(stack)
        .send()
        .await
        .map_err(|e| ConfigureError::Describe { stack: stack.to_owned(), message: failure(&e) })?;
    let found = answer.stacks().first().ok_or_else(|| ConfigureError::Describe {
        stack: stack.to_owned(),
        message: "CloudFormation answered with no stack".into(),
    })?;
    let status = found.stack_status().map_or("unknown status", |s| s.as_str());
    let outputs = found.outputs().iter().filter_map(|o| Some((o.output_key()?, o.output_value()?))).collect::<Vec<_>>();
    StackOutputs::parse(stack, status, &outputs)
}

/// What went wrong, in one line: CloudFormation's own code and message, else the innermost
/// cause (no region, no credentials, connection refused) without the SDK's request dump.
fn failure<R: std::fmt::Debug>(err: &SdkError<DescribeStacksError, R>) -> String {
    if let SdkError::ServiceError(_) = err {
        return format!("{}: {}", err.code().unwrap_or("error"), err.message().unwrap_or("no message"));
    }
    let mut cause: &dyn std::error::Error = err;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}

/// `whoami-admin configure`: describes the stack and writes both files into `args.out`,
/// printing their paths.
pub async fn run(args: &Configure, aws: &AwsArgs, out: &mut impl Write) -> Result<(), crate::Error> {
    let sdk = sdk_config_from_flags(aws).await;
    let mut outputs = describe(&Client::new(&sdk), &args.stack).await?;
    // With --endpoint-url (an emulator such as ministack), Cognito is at the same address, and
    // so is the API, under the emulator's own path for an API Gateway stage, and the hosted
    // sign-in page, which the emulator serves at its root for every pool (the app client's id
    // says which).
    let endpoint = aws.endpoint_url.as_ref();
    if let Some(emulator) = endpoint.filter(|e| crate::aws::is_local(e)) {
        outputs.api_url = emulated_api_url(&outputs.api_url, emulator).unwrap_or(outputs.api_url);
        outputs.hosted_ui = emulator.clone();
    }
    // The page's forms follow the pool itself: whether anyone may sign up, the password policy.
    let cognito = aws_sdk_cognitoidentityprovider::Client::new(&sdk);
    let features =
        crate::cognito::pool_features(&cognito, &outputs.user_pool_id).await.map_err(ConfigureError::Pool)?;
    let toml_path = args.out.join("whoami.toml");
    let json_path = args.out.join("config.json");
    let toml = outputs.whoami_toml(&args.stack, endpoint);
    // What is written is what whoami-admin reads: a mistake here fails now, not at next use.
    Config::parse(&toml_path, &toml)?;
    for (path, text) in [(&toml_path, toml), (&json_path, outputs.config_json(endpoint, &features))] {
        write(path, &text, args.force)?;
        writeln!(out, "{}", path.display())?;
    }
    Ok(())
}

/// Where an emulator on this machine serves the stage that the stack's `ApiUrl` names:
/// `https://<api id>.execute-api.<region>.<suffix>/<stage>/<path>` becomes
/// `<emulator>/restapis/<api id>/<stage>/_user_request_/<path>` (the address scheme of
/// ministack and LocalStack, whose execute-api hosts do not resolve). `None` for any other URL.
pub fn emulated_api_url(api_url: &Url, emulator: &Url) -> Option<Url> {
    let host = api_url.host_str()?;
    let (api_id, rest) = host.split_once('.')?;
    if !rest.starts_with("execute-api.") || api_id.is_empty() {
        return None;
    }
    let path = api_url.path().trim_start_matches('/');
    let (stage, rest) = path.split_once('/').unwrap_or((path, ""));
    if stage.is_empty() {
        return None;
    }
    let base = emulator.as_str().trim_end_matches('/');
    Url::parse(&format!("{base}/restapis/{api_id}/{stage}/_user_request_/{rest}")).ok()
}

/// Writes `text` to `path`, readable by its owner only (0600, also when replacing a file):
/// whoami.toml may later be given an app client secret, and neither file is anyone else's.
fn write(path: &Path, text: &str, force: bool) -> Result<(), ConfigureError> {
    use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
    if !force && path.exists() {
        return Err(ConfigureError::Exists(path.to_owned()));
    }
    let error = |source| ConfigureError::Write { path: path.to_owned(), source };
    let mut file =
        std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path).map_err(error)?;
    // `mode` applies only to a file this call creates; a replaced one keeps its old mode.
    file.set_permissions(std::fs::Permissions::from_mode(0o600)).map_err(error)?;
    file.write_all(text.as_bytes()).map_err(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: [(&str, &str); 7] = [
        ("Region", "eu-west-1"),
        ("UserPoolId", "eu-west-1_AbC123"),
        ("AppClientId", "3n4b5urk1ft4fl3mg5e62d9ado"),
        ("ApiUrl", "https://abc123.execute-api.eu-west-1.amazonaws.com/test/"),
        ("SiteUrl", "https://d111111abcdef8.cloudfront.net/"),
        ("DistributionId", "E2QWRUHEXAMPLE"),
        ("CognitoDomain", "https://whoami.auth.eu-west-1.amazoncognito.com"),
    ];

    fn parse(outputs: &[(&str, &str)]) -> Result<StackOutputs, ConfigureError> {
        StackOutputs::parse("whoami", "CREATE_COMPLETE", outputs)
    }

    /// `GOOD` with `key`'s value replaced, or left out when `value` is `None`.
    fn with(key: &str, value: Option<&'static str>) -> Vec<(&'static str, &'static str)> {
        GOOD.iter().filter_map(|&(k, v)| if k == key { value.map(|v| (k, v)) } else { Some((k, v)) }).collect()
    }

    fn check(outputs: &[(&str, &str)], expected: &str) {
        let message = parse(outputs).unwrap_err().to_string();
        assert!(message.contains(expected), "`{message}` should contain `{expected}`");
    }

    #[test]
    fn every_missing_or_bad_output_is_named() {
        for key in OUTPUTS {
            check(&with(key, None), &format!("the stack `whoami` (CREATE_COMPLETE) has no output `{key}`"));
        }
        check(&with("Region", Some("Europe")), "output `Region` is invalid");
        check(&with("UserPoolId", Some("us-east-1_AbC")), "`us-east-1_AbC` is not in the stack's region `eu-west-1`");
        check(&with("AppClientId", Some("a b")), "output `AppClientId` is invalid");
        check(&with("ApiUrl", Some("abc123.execute-api")), "output `ApiUrl` is not a URL");
        check(&with("CognitoDomain", Some("whoami.auth")), "output `CognitoDomain` is not a URL");
    }

    #[test]
    fn whoami_toml_is_a_config_the_cli_reads() {
        let outputs = parse(&GOOD).unwrap();
        for endpoint in [None, Some(Url::parse("http://127.0.0.1:5005").unwrap())] {
            let text = outputs.whoami_toml("whoami", endpoint.as_ref());
            let config = Config::parse(Path::new("whoami.toml"), &text).unwrap();
            assert_eq!(config.region, outputs.region);
            assert_eq!(config.user_pool_id, outputs.user_pool_id);
            assert_eq!(config.app_client_id, outputs.app_client_id);
            assert_eq!(config.api_url, outputs.api_url);
            assert!(config.app_client_secret.is_none());
            assert_eq!(config.cognito_endpoint, endpoint);
            assert_eq!(config.hosted_ui_domain, Some(outputs.hosted_ui.clone()));
        }
    }

    #[test]
    fn whoami_toml_is_written_key_by_key_in_the_example_files_order() {
        let outputs = parse(&GOOD).unwrap();
        let emulator = Url::parse("http://127.0.0.1:5005").unwrap();
        assert_eq!(
            outputs.whoami_toml("whoami", Some(&emulator)),
            "# whoami-admin's configuration, written by `whoami-admin configure --stack whoami`.\n\
             region = \"eu-west-1\"\n\
             user_pool_id = \"eu-west-1_AbC123\"\n\
             app_client_id = \"3n4b5urk1ft4fl3mg5e62d9ado\"\n\
             api_url = \"https://abc123.execute-api.eu-west-1.amazonaws.com/test/\"\n\
             cognito_endpoint = \"http://127.0.0.1:5005/\"\n\
             hosted_ui_domain = \"https://whoami.auth.eu-west-1.amazoncognito.com/\"\n"
        );
    }

    #[test]
    fn config_json_has_the_page_keys() {
        let outputs = parse(&GOOD).unwrap();
        let json: serde_json::Value =
            serde_json::from_str(&outputs.config_json(None, &PoolFeatures::default())).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "region": "eu-west-1",
                "user_pool_id": "eu-west-1_AbC123",
                "app_client_id": "3n4b5urk1ft4fl3mg5e62d9ado",
                "api_url": "https://abc123.execute-api.eu-west-1.amazonaws.com/test/",
                "hosted_ui_domain": "https://whoami.auth.eu-west-1.amazoncognito.com/",
            })
        );
        let local = outputs.config_json(Some(&Url::parse("http://127.0.0.1:5005").unwrap()), &PoolFeatures::default());
        let local: serde_json::Value = serde_json::from_str(&local).unwrap();
        assert_eq!(local["cognito_endpoint"], "http://127.0.0.1:5005/");
    }

    #[test]
    fn an_emulators_api_is_under_its_restapis_path() {
        let emulator = Url::parse("http://127.0.0.1:4566").unwrap();
        let mapped = |api: &str| emulated_api_url(&Url::parse(api).unwrap(), &emulator).map(String::from);
        assert_eq!(
            mapped("https://abc123.execute-api.us-east-1.amazonaws.com/test/").as_deref(),
            Some("http://127.0.0.1:4566/restapis/abc123/test/_user_request_/")
        );
        assert_eq!(
            mapped("https://abc123.execute-api.cn-north-1.amazonaws.com.cn/prod/whoami").as_deref(),
            Some("http://127.0.0.1:4566/restapis/abc123/prod/_user_request_/whoami")
        );
        assert_eq!(mapped("https://api.example.com/test/"), None, "a custom domain is left alone");
        assert_eq!(mapped("https://abc123.execute-api.us-east-1.amazonaws.com/"), None, "no stage");
    }

    #[test]
    fn the_template_has_every_output_configure_reads() {
        let template = include_str!("../../template.yaml");
        let outputs = &template[template.find("\nOutputs:\n").expect("template.yaml has Outputs")..];
        for key in OUTPUTS {
            assert!(outputs.lines().any(|l| l == format!("  {key}:")), "template.yaml has no output {key}");
        }
    }
}
