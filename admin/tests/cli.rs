//! The real `whoami-admin` binary against the local AWS emulator (ministack): every command,
//! the seed's workflow, Cognito's failures, configuration mistakes, and that no password is
//! ever printed.

mod common;

use common::{FakeApi, PoolOptions, Scene, run, run_with_credentials};
use serde::Deserialize;
use whoami_shared::token::decode_claims_unverified;

const PASSWORD: &str = "Correct-Horse-7";
const TEMPORARY: &str = "Temporary-Pass-1";
const NEW_PASSWORD: &str = "Battery-Staple-9";

#[derive(Debug, Deserialize)]
struct Claims {
    email: Option<String>,
    token_use: String,
    aud: Option<String>,
    client_id: Option<String>,
}

fn claims(token: &str) -> Claims {
    decode_claims_unverified(token.trim()).unwrap_or_else(|e| panic!("not a JWT ({e}): {token}"))
}

fn line(text: &str) -> String {
    format!("{text}\n")
}

/// The seed's workflow: create a user, sign in, and the ID token names them.
#[test]
fn create_user_then_login_gives_an_id_token_with_the_email() {
    for options in
        [PoolOptions::default(), PoolOptions { email_as_username: true, client_secret: true, ..PoolOptions::default() }]
    {
        let scene = Scene::new(options);
        let email = "lucian@example.com";
        let summary = scene.run(&["create-user", "--email", email, "--password-stdin"], &line(PASSWORD));
        let summary = summary.ok();
        assert!(summary.contains(&format!("email: {email}\n")), "{summary}");
        assert!(summary.contains("status: CONFIRMED\n"), "{summary}");
        assert!(summary.contains("sub: "), "{summary}");

        let login = scene.run(&["login", "--username", email, "--password-stdin"], &line(PASSWORD));
        let token = login.ok();
        assert_eq!(token.lines().count(), 1, "login prints exactly one line: {token}");
        let id = claims(token);
        assert_eq!(id.email.as_deref(), Some(email), "{options:?}");
        assert_eq!(id.token_use, "id");
        assert_eq!(id.aud.as_deref(), Some(scene.client_id.as_str()));
    }
}

#[test]
fn login_prints_the_token_asked_for() {
    let scene = Scene::new(PoolOptions::default());
    scene.run(&["create-user", "--email", "ana@example.com", "--password-stdin"], &line(PASSWORD)).ok();
    let login = |extra: &[&str]| {
        let mut args = vec!["login", "--username", "ana@example.com", "--password-stdin"];
        args.extend_from_slice(extra);
        scene.run(&args, &line(PASSWORD))
    };
    let access = login(&["--token", "access"]);
    let access = claims(access.ok());
    assert_eq!(access.token_use, "access");
    assert_eq!(access.client_id.as_deref(), Some(scene.client_id.as_str()));

    let refresh = login(&["--token", "refresh"]);
    assert_eq!(refresh.ok().lines().count(), 1);
    assert!(refresh.ok().trim().len() > 10, "{refresh:?}");

    let json = login(&["--json"]);
    assert_eq!(json.ok().lines().count(), 1);
    let json: serde_json::Value = serde_json::from_str(json.ok()).unwrap();
    assert_eq!(claims(json["id_token"].as_str().unwrap()).email.as_deref(), Some("ana@example.com"));
    assert_eq!(claims(json["access_token"].as_str().unwrap()).token_use, "access");
    assert!(json["refresh_token"].is_string(), "{json}");
    assert!(json["expires_in"].as_i64().unwrap() > 0, "{json}");
}

#[test]
fn a_temporary_password_must_be_replaced_at_first_sign_in() {
    for options in
        [PoolOptions::default(), PoolOptions { email_as_username: true, client_secret: true, ..PoolOptions::default() }]
    {
        let scene = Scene::new(options);
        let email = "temp@example.com";
        let created = scene.run(&["create-user", "--email", email, "--temporary-password-stdin"], &line(TEMPORARY));
        assert!(created.ok().contains("status: FORCE_CHANGE_PASSWORD\n"), "{created:?}");

        let refused = scene.run(&["login", "--username", email, "--password-stdin"], &line(TEMPORARY));
        let message = refused.fails(1);
        assert!(message.contains("temporary password") && message.contains("--new-password-stdin"), "{message}");

        let both = format!("{TEMPORARY}\n{NEW_PASSWORD}\n");
        let answered = scene.run(&["login", "--username", email, "--password-stdin", "--new-password-stdin"], &both);
        assert_eq!(claims(answered.ok()).email.as_deref(), Some(email), "{options:?}");

        // From now on the new password is the password, and the old one is refused.
        let again = scene.run(&["login", "--username", email, "--password-stdin"], &line(NEW_PASSWORD));
        assert_eq!(claims(again.ok()).token_use, "id");
        scene.run(&["login", "--username", email, "--password-stdin"], &line(TEMPORARY)).fails(1);
        let listed = scene.run(&["list-users"], "");
        assert!(listed.ok().contains("\ttemp@example.com\tCONFIRMED\tenabled\n"), "{listed:?}");
    }
}

#[test]
fn a_second_user_with_the_same_email_points_to_set_password() {
    let scene = Scene::new(PoolOptions::default());
    scene.run(&["create-user", "--email", "dup@example.com", "--password-stdin"], &line(PASSWORD)).ok();
    let again = scene.run(&["create-user", "--email", "dup@example.com", "--password-stdin"], &line(NEW_PASSWORD));
    let message = again.fails(1);
    assert!(message.contains("already exists"), "{message}");
    assert!(message.contains("whoami-admin set-password --username dup@example.com --password-stdin"), "{message}");
    // The first password still works: the failed attempt changed nothing.
    scene.run(&["login", "--username", "dup@example.com", "--password-stdin"], &line(PASSWORD)).ok();
}

#[test]
fn sign_in_failures_are_plain_messages_with_nothing_on_stdout() {
    let scene = Scene::new(PoolOptions::default());
    scene.run(&["create-user", "--email", "bob@example.com", "--password-stdin"], &line(PASSWORD)).ok();

    let wrong = scene.run(&["login", "--username", "bob@example.com", "--password-stdin"], &line(NEW_PASSWORD));
    let message = wrong.fails(1);
    assert!(message.contains("incorrect username or password"), "{message}");

    // Cognito hides unknown users behind NotAuthorized when the pool prevents user-existence
    // errors; the emulator, like a pool that does not, says the user does not exist.
    let unknown = scene.run(&["login", "--username", "nobody@example.com", "--password-stdin"], &line(PASSWORD));
    let message = unknown.fails(1);
    assert!(message.contains("there is no user `nobody@example.com`"), "{message}");

    let no_password = scene.run(&["login", "--username", "bob@example.com"], "");
    assert!(no_password.fails(2).contains("pass --password-stdin"), "{no_password:?}");
    let empty = scene.run(&["login", "--username", "bob@example.com", "--password-stdin"], "");
    assert!(empty.fails(2).contains("standard input ended before the password"), "{empty:?}");
}

#[test]
fn a_password_outside_the_policy_leaves_no_user_behind() {
    let scene = Scene::new(PoolOptions::default());
    let weak = scene.run(&["create-user", "--email", "weak@example.com", "--password-stdin"], &line("short"));
    assert!(weak.fails(1).contains("password policy"), "{weak:?}");
    assert_eq!(scene.run(&["list-users"], "").ok(), "");
    // So trying again with a better password just works.
    scene.run(&["create-user", "--email", "weak@example.com", "--password-stdin"], &line(PASSWORD)).ok();
}

#[test]
fn set_password_makes_a_new_permanent_or_temporary_password() {
    let scene = Scene::new(PoolOptions::default());
    let email = "carol@example.com";
    scene.run(&["create-user", "--email", email, "--password-stdin"], &line(PASSWORD)).ok();

    let set = scene.run(&["set-password", "--username", email, "--password-stdin"], &line(NEW_PASSWORD));
    assert_eq!(set.ok(), format!("set a permanent password for {email}\n"));
    scene.run(&["login", "--username", email, "--password-stdin"], &line(PASSWORD)).fails(1);
    scene.run(&["login", "--username", email, "--password-stdin"], &line(NEW_PASSWORD)).ok();

    scene.run(&["set-password", "--username", email, "--password-stdin", "--temporary"], &line(TEMPORARY)).ok();
    let message = scene.run(&["login", "--username", email, "--password-stdin"], &line(TEMPORARY));
    assert!(message.fails(1).contains("--new-password-stdin"), "{message:?}");

    let unknown = scene.run(&["set-password", "--username", "x@example.com", "--password-stdin"], &line(PASSWORD));
    assert!(unknown.fails(1).contains("there is no user `x@example.com`"), "{unknown:?}");
    let weak = scene.run(&["set-password", "--username", email, "--password-stdin"], &line("short"));
    assert!(weak.fails(1).contains("password policy"), "{weak:?}");
}

#[test]
fn delete_user_needs_yes_when_it_cannot_ask() {
    let scene = Scene::new(PoolOptions::default());
    scene.run(&["create-user", "--email", "dan@example.com", "--password-stdin"], &line(PASSWORD)).ok();

    let unconfirmed = scene.run(&["delete-user", "--username", "dan@example.com"], "y\n");
    assert!(unconfirmed.fails(2).contains("pass --yes"), "{unconfirmed:?}");
    scene.run(&["login", "--username", "dan@example.com", "--password-stdin"], &line(PASSWORD)).ok();

    let deleted = scene.run(&["delete-user", "--username", "dan@example.com", "--yes"], "");
    assert_eq!(deleted.ok(), "deleted dan@example.com\n");
    scene.run(&["login", "--username", "dan@example.com", "--password-stdin"], &line(PASSWORD)).fails(1);
    let again = scene.run(&["delete-user", "--username", "dan@example.com", "--yes"], "");
    assert!(again.fails(1).contains("there is no user"), "{again:?}");
}

#[test]
fn list_users_goes_through_every_page() {
    let scene = Scene::new(PoolOptions::default());
    assert_eq!(scene.run(&["list-users"], "").ok(), "");
    assert_eq!(scene.run(&["list-users", "--json"], "").ok(), "[]\n");

    // ListUsers answers at most 60 users a page.
    let emails: Vec<String> = (0..75).map(|i| format!("user{i:02}@example.com")).collect();
    scene.add_users(emails.clone());
    let listed = scene.run(&["list-users", "--json"], "");
    let users: Vec<serde_json::Value> = serde_json::from_str(listed.ok()).unwrap();
    let mut seen: Vec<&str> = users.iter().map(|u| u["email"].as_str().unwrap()).collect();
    seen.sort_unstable();
    assert_eq!(seen, emails.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(users.iter().all(|u| u["status"] == "FORCE_CHANGE_PASSWORD" && u["enabled"] == true), "{users:?}");

    let lines = scene.run(&["list-users"], "");
    assert_eq!(lines.ok().lines().count(), 75);
    assert!(lines.ok().lines().all(|l| l.split('\t').count() == 4), "{lines:?}");
}

#[test]
fn call_api_signs_in_and_prints_the_apis_json() {
    let api = FakeApi::start();
    let scene = Scene::with_api(PoolOptions { email_as_username: true, ..PoolOptions::default() }, &api.url);
    let email = "eve@example.com";
    scene.run(&["create-user", "--email", email, "--password-stdin"], &line(PASSWORD)).ok();
    let expected = format!(r#"{{"response":{{"resultStatus":"SUCCESS","results":{{"email":"{email}"}}}}}}"#);

    let signed_in = scene.run(&["call-api", "--username", email, "--password-stdin"], &line(PASSWORD));
    assert_eq!(signed_in.ok(), format!("{expected}\n"));
    let sent = api.seen.lock().unwrap().last().cloned().flatten().expect("an Authorization header");
    assert_eq!(claims(&sent).token_use, "id", "the API gets the ID token itself, without a Bearer prefix");

    let token = scene.run(&["login", "--username", email, "--password-stdin"], &line(PASSWORD));
    let with_token = scene.run(&["call-api", "--token-stdin"], token.ok());
    assert_eq!(with_token.ok(), format!("{expected}\n"));
    assert_eq!(api.seen.lock().unwrap().last().cloned().flatten().as_deref(), Some(token.ok().trim()));

    // The API's refusal is still its JSON on stdout, with exit status 1 and the reason on stderr.
    let access = scene.run(&["login", "--username", email, "--password-stdin", "--token", "access"], &line(PASSWORD));
    let refused = scene.run(&["call-api", "--token-stdin"], access.ok());
    assert_eq!(refused.code, 1, "{refused:?}");
    assert!(refused.stdout.contains(r#""resultStatus":"FAILURE""#), "{refused:?}");
    assert!(refused.stderr.contains("the API refused the token (401 invalid_token)"), "{refused:?}");

    let garbage = scene.run(&["call-api", "--token-stdin"], "not a token\n");
    assert!(garbage.fails(2).contains("standard input is not a JWT"), "{garbage:?}");
}

#[test]
fn call_api_reports_an_unreachable_api() {
    // Port 1 on the loopback interface: nothing listens there.
    let scene = Scene::new(PoolOptions::default());
    scene.run(&["create-user", "--email", "fay@example.com", "--password-stdin"], &line(PASSWORD)).ok();
    let failed = scene.run(&["call-api", "--username", "fay@example.com", "--password-stdin"], &line(PASSWORD));
    assert!(failed.fails(1).contains("cannot call the API at http://127.0.0.1:1/test"), "{failed:?}");
}

#[test]
fn flags_override_region_and_endpoint() {
    let scene = Scene::new(PoolOptions::default());
    let config = std::fs::read_to_string(&scene.config).unwrap();
    let dead = config.replace(&scene.emulator.url, "http://127.0.0.1:1");
    std::fs::write(&scene.config, dead).unwrap();

    let unreachable = scene.run(&["list-users"], "");
    assert!(unreachable.fails(1).contains("cannot reach Cognito"), "{unreachable:?}");
    scene.run(&["list-users", "--endpoint-url", &scene.emulator.url], "").ok();
    // The emulator keeps each region apart: the pool is not found in another one.
    let elsewhere = scene.run(&["list-users", "--endpoint-url", &scene.emulator.url, "--region", "eu-west-1"], "");
    assert!(elsewhere.fails(1).contains("does not know the user pool"), "{elsewhere:?}");
}

#[test]
fn a_local_emulator_needs_no_aws_credentials_unless_a_profile_is_named() {
    let scene = Scene::new(PoolOptions::default());
    scene.run(&["create-user", "--email", "ida@example.com", "--password-stdin"], &line(PASSWORD)).ok();
    let config = scene.config.to_str().unwrap();
    let login = ["--config", config, "login", "--username", "ida@example.com", "--password-stdin"];
    let token = run_with_credentials(false, &login, &line(PASSWORD), &[]);
    assert_eq!(claims(token.ok()).token_use, "id");
    // The admin API is signed; an emulator on loopback gets placeholder credentials.
    let listed = run_with_credentials(false, &["--config", config, "list-users"], "", &[]);
    assert!(listed.ok().contains("ida@example.com"), "{listed:?}");
    // A named profile is used as named, and one that has no credentials says so.
    let named = ["--config", config, "--profile", "emulator", "list-users"];
    let listed = run_with_credentials(false, &named, "", &[]);
    assert!(listed.fails(1).starts_with("whoami-admin: no AWS credentials found"), "{listed:?}");
}

#[test]
fn configuration_mistakes_exit_2_naming_file_and_key() {
    let scene = Scene::new(PoolOptions::default());
    let path = scene.config.to_str().unwrap();
    let config = std::fs::read_to_string(&scene.config).unwrap();

    let missing_file = scene.dir.path().join("nope.toml");
    let missing_file = missing_file.to_str().unwrap();
    let run_with = |config: &str| run(&["--config", config, "list-users"], "", &[]);
    let message = run_with(missing_file);
    assert!(message.fails(2).contains(&format!("cannot read the config file {missing_file}")), "{message:?}");

    let without_pool: Vec<&str> = config.lines().filter(|l| !l.starts_with("user_pool_id")).collect();
    std::fs::write(&scene.config, without_pool.join("\n")).unwrap();
    let message = run_with(path);
    assert!(message.fails(2).contains(&format!("{path}: the key `user_pool_id` is missing")), "{message:?}");

    std::fs::write(&scene.config, config.replace("us-east-1_", "us-east-1-")).unwrap();
    let message = run_with(path);
    assert!(message.fails(2).contains(&format!("{path}: the key `user_pool_id` is invalid")), "{message:?}");

    // WHOAMI_CONFIG chooses the file when --config does not.
    std::fs::write(&scene.config, &config).unwrap();
    run(&["list-users"], "", &[("WHOAMI_CONFIG", path)]).ok();
    let message = run(&["list-users"], "", &[("WHOAMI_CONFIG", missing_file)]);
    assert!(message.fails(2).contains(missing_file), "{message:?}");
}

#[test]
fn usage_mistakes_exit_2_and_help_exits_0_with_examples() {
    for command in ["create-user", "login", "set-password", "delete-user", "list-users", "call-api"] {
        let help = run(&[command, "--help"], "", &[]);
        assert!(help.ok().contains("Examples:"), "{command}: {help:?}");
    }
    assert!(run(&["--help"], "", &[]).ok().contains("Exit status"));
    let usage = run(&["login", "--username", "a@b.c", "--password", "hunter2"], "", &[]);
    assert_eq!(usage.code, 2, "{usage:?}");
    assert_eq!(usage.stdout, "");
    assert_eq!(run(&["create-user", "--email", "not-an-email", "--password-stdin"], "", &[]).code, 2);
}

/// Every command, succeeding and failing, with distinctive passwords; the harness checks each
/// run's output for every line it was given (see `common::run`), and this test checks once more
/// for each password by name.
#[test]
fn no_command_ever_prints_a_password() {
    let api = FakeApi::start();
    let scene = Scene::with_api(PoolOptions { client_secret: true, ..PoolOptions::default() }, &api.url);
    let first = "First-Secret-123";
    let temporary = "Temporary-Secret-456";
    let second = "Second-Secret-789";
    let weak = "weakling";
    let email = "gil@example.com";
    let runs = [
        scene.run(&["create-user", "--email", email, "--temporary-password-stdin"], &line(temporary)),
        scene.run(&["create-user", "--email", email, "--password-stdin"], &line(first)),
        scene.run(&["create-user", "--email", "h@example.com", "--password-stdin"], &line(weak)),
        scene.run(&["login", "--username", email, "--password-stdin"], &line(temporary)),
        scene.run(
            &["login", "--username", email, "--password-stdin", "--new-password-stdin"],
            &format!("{temporary}\n{first}\n"),
        ),
        scene.run(&["login", "--username", email, "--password-stdin"], &line(second)),
        scene.run(&["login", "--username", email, "--password-stdin", "--json"], &line(first)),
        scene.run(&["set-password", "--username", email, "--password-stdin"], &line(second)),
        scene.run(&["set-password", "--username", email, "--password-stdin"], &line(weak)),
        scene.run(&["set-password", "--username", "nobody@example.com", "--password-stdin"], &line(second)),
        scene.run(&["call-api", "--username", email, "--password-stdin"], &line(second)),
        scene.run(&["call-api", "--username", email, "--password-stdin"], &line(first)),
        scene.run(&["list-users", "--json"], ""),
        scene.run(&["list-users"], ""),
        scene.run(&["delete-user", "--username", email, "--yes"], ""),
        scene.run(&["login", "--username", email, "--password-stdin"], &line(second)),
    ];
    let secrets = [first, temporary, second, weak, scene.client_secret.as_deref().unwrap()];
    for run in &runs {
        for secret in secrets {
            assert!(!run.stdout.contains(secret) && !run.stderr.contains(secret), "printed {secret}: {run:#?}");
        }
    }
    // The runs did what they should, so the check above covered real output.
    let codes: Vec<i32> = runs.iter().map(|r| r.code).collect();
    assert_eq!(codes, [0, 1, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1]);
}

#[test]
fn a_config_holding_a_secret_that_others_can_read_gets_a_warning() {
    use std::os::unix::fs::PermissionsExt as _;
    let scene = Scene::new(PoolOptions { email_as_username: true, client_secret: true, ..PoolOptions::default() });
    let chmod = |mode| std::fs::set_permissions(&scene.config, std::fs::Permissions::from_mode(mode)).unwrap();
    chmod(0o644);
    let listed = scene.run(&["list-users"], "");
    listed.ok();
    let warning =
        format!("holds app_client_secret and other users can read it; run `chmod 600 {}`", scene.config.display());
    assert!(listed.stderr.contains(&warning), "{listed:?}");
    chmod(0o600);
    let listed = scene.run(&["list-users"], "");
    listed.ok();
    assert!(!listed.stderr.contains("warning"), "{listed:?}");
}
