//! Deploying template.yaml into the local AWS as `sam deploy` deploys it into AWS: the
//! function's zip goes to S3, the template's `CodeUri` names it, and CloudFormation creates
//! the stack (ministack applies the `AWS::Serverless` transform itself, with AWS's SAM
//! translator).

use std::time::{Duration, Instant, SystemTime};

use aws_config::BehaviorVersion;
use aws_credential_types::Credentials;
use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::error::DisplayErrorContext;
use aws_sdk_cloudformation::types::{Capability, Parameter, StackStatus};
use aws_sigv4::http_request::{PayloadChecksumKind, SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;

use crate::ministack::{ACCESS_KEY, REGION, SECRET_KEY};

/// The bucket the function's code is uploaded to, as `sam deploy` uploads it to its own.
pub const ARTIFACT_BUCKET: &str = "whoami-local-artifacts";
const ARTIFACT_KEY: &str = "bootstrap.zip";
/// How long CloudFormation may take (it takes about a second).
const DEPLOY_TIMEOUT: Duration = Duration::from_secs(120);

/// What is deployed, and how.
#[derive(Debug, Clone)]
pub struct Deployment<'a> {
    pub stack_name: &'a str,
    /// template.yaml's text.
    pub template: &'a str,
    /// The function's zip: `bootstrap` for this machine.
    pub lambda_zip: &'a [u8],
    /// The template's parameters.
    pub parameters: &'a [(&'a str, &'a str)],
}

/// Why the deployment failed.
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    #[error("template.yaml must have exactly one `CodeUri:` line to point at the uploaded zip, not {0}")]
    CodeUri(usize),
    #[error("uploading the function's zip to the emulator's S3 failed: {0}")]
    Upload(String),
    #[error("CloudFormation refused to {step}: {detail}")]
    Refused { step: &'static str, detail: String },
    #[error("the stack ended {status}: {reasons}")]
    Failed { status: String, reasons: String },
    #[error("the stack was not deployed within {DEPLOY_TIMEOUT:?}")]
    Timeout,
}

/// Uploads the zip, creates the stack and waits for it. Returns the stack's outputs.
pub async fn deploy(endpoint: &str, deployment: &Deployment<'_>) -> Result<Vec<(String, String)>, DeployError> {
    let template = with_code_uri(deployment.template, &format!("s3://{ARTIFACT_BUCKET}/{ARTIFACT_KEY}"))?;
    let http = reqwest::Client::new();
    let bucket = format!("{endpoint}/{ARTIFACT_BUCKET}");
    s3_put(&http, &bucket, &[]).await?;
    s3_put(&http, &format!("{bucket}/{ARTIFACT_KEY}"), deployment.lambda_zip).await?;

    let client = cloudformation(endpoint);
    let refused = |step: &'static str| {
        move |e: &dyn std::error::Error| DeployError::Refused { step, detail: DisplayErrorContext(e).to_string() }
    };
    let mut create = client
        .create_stack()
        .stack_name(deployment.stack_name)
        .template_body(template)
        .capabilities(Capability::CapabilityIam)
        .capabilities(Capability::CapabilityAutoExpand);
    for (key, value) in deployment.parameters {
        create = create.parameters(Parameter::builder().parameter_key(*key).parameter_value(*value).build());
    }
    create.send().await.map_err(|e| refused("create the stack")(&e))?;

    let started = Instant::now();
    loop {
        let described = client
            .describe_stacks()
            .stack_name(deployment.stack_name)
            .send()
            .await
            .map_err(|e| refused("describe the stack")(&e))?;
        let stack = described.stacks().first().ok_or(DeployError::Failed {
            status: "missing".into(),
            reasons: "DescribeStacks answered with no stack".into(),
        })?;
        match stack.stack_status() {
            Some(StackStatus::CreateComplete) => {
                let outputs = stack
                    .outputs()
                    .iter()
                    .filter_map(|o| Some((o.output_key()?.to_owned(), o.output_value()?.to_owned())))
                    .collect();
                return Ok(outputs);
            }
            Some(status) if !status.as_str().ends_with("IN_PROGRESS") => {
                return Err(DeployError::Failed {
                    status: status.as_str().to_owned(),
                    reasons: failure_reasons(&client, deployment.stack_name).await,
                });
            }
            _ => {}
        }
        if started.elapsed() > DEPLOY_TIMEOUT {
            return Err(DeployError::Timeout);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A CloudFormation client for the emulator, with its root keys and nothing read from the
/// developer's AWS configuration.
pub fn cloudformation(endpoint: &str) -> Client {
    let config = aws_sdk_cloudformation::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(aws_config::Region::new(REGION))
        .endpoint_url(endpoint)
        .credentials_provider(credentials())
        .build();
    Client::from_conf(config)
}

/// The emulator's root credentials, for the SDK client and the S3 upload.
fn credentials() -> Credentials {
    Credentials::new(ACCESS_KEY, SECRET_KEY, None, None, "whoami-local")
}

/// The resources that failed and why, from the stack's events.
async fn failure_reasons(client: &Client, stack: &str) -> String {
    let Ok(events) = client.describe_stack_events().stack_name(stack).send().await else {
        return "its events could not be read".into();
    };
    let reasons: Vec<String> = events
        .stack_events()
        .iter()
        .filter(|e| e.resource_status().is_some_and(|s| s.as_str().ends_with("FAILED")))
        .map(|e| {
            format!("{}: {}", e.logical_resource_id().unwrap_or("?"), e.resource_status_reason().unwrap_or("no reason"))
        })
        .collect();
    if reasons.is_empty() { "no resource reported a failure".into() } else { reasons.join("; ") }
}

/// `template` with the value of its one `CodeUri:` line replaced by `uri`, as `sam deploy`
/// replaces it with the uploaded artifact's.
pub fn with_code_uri(template: &str, uri: &str) -> Result<String, DeployError> {
    let is_code_uri = |line: &str| line.trim_start().starts_with("CodeUri:");
    let count = template.lines().filter(|l| is_code_uri(l)).count();
    if count != 1 {
        return Err(DeployError::CodeUri(count));
    }
    let mut out = String::with_capacity(template.len() + uri.len());
    for line in template.lines() {
        if is_code_uri(line) {
            let indent = &line[..line.len() - line.trim_start().len()];
            out.push_str(indent);
            out.push_str("CodeUri: ");
            out.push_str(uri);
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    Ok(out)
}

/// A SigV4-signed S3 PUT (path-style, as the emulator serves S3 at its one address).
async fn s3_put(http: &reqwest::Client, url: &str, body: &[u8]) -> Result<(), DeployError> {
    let upload = |e: &dyn std::fmt::Display| DeployError::Upload(e.to_string());
    let identity = credentials().into();
    let mut settings = SigningSettings::default();
    settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(REGION)
        .name("s3")
        .time(SystemTime::now())
        .settings(settings)
        .build()
        .map_err(|e| upload(&e))?
        .into();
    let signable =
        SignableRequest::new("PUT", url, std::iter::empty(), SignableBody::Bytes(body)).map_err(|e| upload(&e))?;
    let (instructions, _signature) = sign(signable, &params).map_err(|e| upload(&e))?.into_parts();
    let mut request = http.put(url).body(body.to_vec());
    for (name, value) in instructions.headers() {
        request = request.header(name, value);
    }
    let answer = request.send().await.map_err(|e| upload(&e))?;
    let status = answer.status();
    if !status.is_success() {
        let text = answer.text().await.unwrap_or_default();
        return Err(DeployError::Upload(format!("{url} answered {status}: {text}")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_uri_is_replaced_in_place() {
        let template = "Resources:\n  F:\n    Properties:\n      CodeUri: lambda\n      Handler: bootstrap\n";
        let replaced = with_code_uri(template, "s3://b/k.zip").unwrap();
        assert_eq!(
            replaced,
            "Resources:\n  F:\n    Properties:\n      CodeUri: s3://b/k.zip\n      Handler: bootstrap\n"
        );
    }

    #[test]
    fn a_template_without_exactly_one_code_uri_is_refused() {
        assert!(matches!(with_code_uri("Resources: {}\n", "s3://b/k"), Err(DeployError::CodeUri(0))));
        assert!(matches!(with_code_uri("  CodeUri: a\n  CodeUri: b\n", "s3://b/k"), Err(DeployError::CodeUri(2))));
    }

    #[test]
    fn the_projects_template_has_one_code_uri() {
        let template = include_str!("../../template.yaml");
        assert!(with_code_uri(template, "s3://b/k.zip").unwrap().contains("CodeUri: s3://b/k.zip\n"));
    }
}
