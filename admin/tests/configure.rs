//! `whoami-admin configure` against the emulator's CloudFormation: a stack whose outputs are
//! those of template.yaml, naming a real pool in the same emulator, so the written whoami.toml
//! is then used. (The local stack's tests run `configure` on the deployed template itself.)

mod common;

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use aws_sdk_cloudformation::config::{BehaviorVersion, Credentials, Region};
use common::{Emulator, PoolOptions, Scene, block_on, run};

const PASSWORD: &str = "Correct-Horse-7";

/// Creates a stack named `name` in the emulator whose outputs are `outputs`, with one resource
/// (a template needs at least one).
fn create_stack(emulator: &Emulator, name: &str, outputs: &[(&str, &str)]) {
    let outputs: serde_json::Map<String, serde_json::Value> =
        outputs.iter().map(|(k, v)| ((*k).to_owned(), serde_json::json!({ "Value": v }))).collect();
    let template = serde_json::json!({
        "Resources": { "Topic": { "Type": "AWS::SNS::Topic" } },
        "Outputs": outputs,
    });
    let config = aws_sdk_cloudformation::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(&emulator.url)
        .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
        .build();
    let client = aws_sdk_cloudformation::Client::from_conf(config);
    block_on(client.create_stack().stack_name(name).template_body(template.to_string()).send()).unwrap();
}

fn stack_outputs<'a>(scene: &'a Scene, api_url: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("Region", "us-east-1"),
        ("UserPoolId", &scene.pool_id),
        ("AppClientId", &scene.client_id),
        ("ApiUrl", api_url),
        ("SiteUrl", "https://d111111abcdef8.cloudfront.net/"),
        ("SiteBucketName", "whoami-sitebucket-abc"),
        ("CognitoDomain", "https://whoami.auth.us-east-1.amazoncognito.com"),
    ]
}

fn path(dir: &Path, file: &str) -> String {
    dir.join(file).to_str().unwrap().to_owned()
}

#[test]
fn configure_writes_a_whoami_toml_that_works_and_the_pages_config() {
    let scene = Scene::new(PoolOptions { email_as_username: true, ..PoolOptions::default() });
    let api = "https://abc123.execute-api.us-east-1.amazonaws.com/test/";
    create_stack(&scene.emulator, "whoami", &stack_outputs(&scene, api));
    let out = tempfile::tempdir().unwrap();
    let configure = |extra: &[&str]| {
        let mut args = vec!["configure", "--stack", "whoami", "--out", out.path().to_str().unwrap()];
        args.extend_from_slice(&["--endpoint-url", &scene.emulator.url]);
        args.extend_from_slice(extra);
        // The region from the environment, as the standard chain finds it.
        run(&args, "", &[("AWS_REGION", "us-east-1")])
    };
    let written = configure(&[]);
    let (toml, json) = (path(out.path(), "whoami.toml"), path(out.path(), "config.json"));
    assert_eq!(written.ok(), format!("{toml}\n{json}\n"));
    for file in [&toml, &json] {
        assert_eq!(mode(file), 0o600, "{file} must be readable by its owner only");
    }

    let page: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(
        page,
        serde_json::json!({
            "region": "us-east-1",
            "user_pool_id": scene.pool_id,
            "app_client_id": scene.client_id,
            // The emulator serves the stage that `api` names under its own address.
            "api_url": format!("{}/restapis/abc123/test/_user_request_/", scene.emulator.url),
            "cognito_endpoint": format!("{}/", scene.emulator.url),
            // The emulator serves every pool's hosted sign-in page at its own address.
            "hosted_ui_domain": format!("{}/", scene.emulator.url),
            // The pool's own settings: a pool made without AdminCreateUserConfig lets anyone
            // sign up (Cognito's default), and its password policy is Cognito's default.
            "sign_up": true,
            "password_min_length": 8,
            "password_require_lowercase": true,
            "password_require_uppercase": true,
            "password_require_numbers": true,
            "password_require_symbols": true,
        })
    );

    // The written whoami.toml is all the CLI needs to reach the stack's pool.
    let email = "lucian@example.com";
    run(&["--config", &toml, "create-user", "--email", email, "--password-stdin"], &format!("{PASSWORD}\n"), &[]).ok();
    let users = run(&["--config", &toml, "list-users"], "", &[]);
    assert!(users.ok().contains(email), "{users:?}");
    let written = std::fs::read_to_string(&toml).unwrap();
    assert!(written.contains(&format!("hosted_ui_domain = \"{}/\"", scene.emulator.url)), "{written}");

    let again = configure(&[]);
    assert!(again.fails(2).contains(&format!("{toml} exists; pass --force to replace it")), "{again:?}");
    // Replacing a file that others could read leaves it readable by its owner only.
    std::fs::set_permissions(&toml, std::fs::Permissions::from_mode(0o644)).unwrap();
    configure(&["--force"]).ok();
    assert_eq!(mode(&toml), 0o600);
}

fn mode(file: &str) -> u32 {
    std::fs::metadata(file).unwrap().permissions().mode() & 0o777
}

#[test]
fn configure_names_the_missing_stack_or_output() {
    let scene = Scene::new(PoolOptions::default());
    let configure = |stack: &str| {
        let out = tempfile::tempdir().unwrap();
        let args = ["configure", "--stack", stack, "--out", out.path().to_str().unwrap()];
        let region = ["--region", "us-east-1", "--endpoint-url", &scene.emulator.url];
        let result = run(&[&args[..], &region[..]].concat(), "", &[]);
        assert!(!out.path().join("whoami.toml").exists() && !out.path().join("config.json").exists());
        result
    };
    let missing = configure("nope");
    assert!(missing.fails(1).contains("cannot describe the stack `nope`"), "{missing:?}");

    let mut outputs = stack_outputs(&scene, "https://abc123.execute-api.us-east-1.amazonaws.com/test/");
    outputs.retain(|(key, _)| *key != "ApiUrl");
    create_stack(&scene.emulator, "half", &outputs);
    let half = configure("half");
    assert!(half.fails(1).contains("the stack `half` (CREATE_COMPLETE) has no output `ApiUrl`"), "{half:?}");
}
