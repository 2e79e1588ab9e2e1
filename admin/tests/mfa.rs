//! Multi-factor sign-in with an authenticator app through the real `whoami-admin`, against the
//! local AWS emulator (ministack checks each code against the user's own secret): `mfa setup`,
//! `login` and `call-api` with a code, a wrong code refused, and the operator's `mfa status` and
//! `mfa disable`. The codes are computed here from the printed URI with a TOTP library, as an
//! authenticator app computes them.

mod common;

use std::time::{SystemTime, UNIX_EPOCH};

use common::{FakeApi, PoolOptions, Run, Scene, run_answering};
use totp_rs::Totp;
use whoami_shared::token::decode_claims_unverified;

const PASSWORD: &str = "Correct-Horse-7";
const EMAIL: &str = "mfa@example.com";

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// The authenticator app: the entry an `otpauth://` URI adds.
fn app(uri: &str) -> Totp {
    // Unchecked: the library's check wants an issuer-free label's account to have no colon,
    // and Cognito's secrets are 160 bits, which the check would pass anyway.
    Totp::from_url_unchecked(uri).unwrap_or_else(|e| panic!("not an otpauth URI ({e:?}): {uri}"))
}

/// A six-digit code `app` does not accept now, nor in the steps either side.
fn wrong_code(app: &Totp) -> String {
    let near: Vec<String> = [now() - 30, now(), now() + 30].iter().map(|t| app.generate(*t).to_string()).collect();
    ["000000", "111111", "222222"].into_iter().find(|c| !near.iter().any(|n| n == c)).unwrap().to_owned()
}

fn email_of(token: &str) -> String {
    #[derive(serde::Deserialize)]
    struct Claims {
        email: String,
    }
    decode_claims_unverified::<Claims>(token.trim()).unwrap_or_else(|e| panic!("not a JWT ({e}): {token}")).email
}

#[derive(Debug, serde::Deserialize, PartialEq)]
struct Status {
    username: String,
    enabled: Vec<String>,
    preferred: Option<String>,
}

fn status(scene: &Scene) -> Status {
    let run = scene.run(&["mfa", "status", "--username", EMAIL, "--json"], "");
    serde_json::from_str(run.ok()).unwrap_or_else(|e| panic!("not the status JSON ({e}): {run:#?}"))
}

/// `mfa setup`, answering the printed URI's prompt with `code` of the app the URI makes.
fn set_up(scene: &Scene, code: impl FnOnce(&Totp) -> String) -> (Run, Option<Totp>) {
    let mut added = None;
    let run = run_answering(
        scene,
        &["mfa", "setup", "--username", EMAIL, "--password-stdin"],
        &format!("{PASSWORD}\n"),
        "otpauth://",
        |uri| {
            let app = app(uri);
            let answer = code(&app);
            added = Some(app);
            answer
        },
    );
    (run, added)
}

fn login(scene: &Scene, stdin: &str) -> Run {
    scene.run(&["login", "--username", EMAIL, "--password-stdin"], stdin)
}

#[test]
fn an_authenticator_app_is_set_up_asked_for_and_turned_off() {
    let api = FakeApi::start();
    // Email sign-in and a client secret: each answer's SECRET_HASH is over the username
    // Cognito names, not the email typed.
    let options =
        PoolOptions { email_as_username: true, client_secret: true, mfa_optional: true, ..PoolOptions::default() };
    let scene = Scene::with_api(options, &api.url);
    scene.run(&["create-user", "--email", EMAIL, "--password-stdin"], &format!("{PASSWORD}\n")).ok();
    let before = status(&scene);
    assert_eq!(before, Status { username: before.username.clone(), enabled: vec![], preferred: None });

    // A wrong first code: nothing is turned on.
    let (refused, _) = set_up(&scene, wrong_code);
    assert_eq!(refused.code, 1, "{refused:#?}");
    assert!(refused.stderr.contains("the code is not the one the authenticator app shows"), "{refused:#?}");
    assert_eq!(status(&scene).enabled, Vec::<String>::new());

    // The right one: the URI names issuer and account, and MFA is on.
    let (done, app) = set_up(&scene, |app| app.generate(now()).to_string());
    let app = app.unwrap();
    let uri = done.ok().lines().next().unwrap();
    assert!(
        uri.starts_with("otpauth://totp/cognito-whoami:mfa%40example.com?secret=")
            && uri.ends_with("&issuer=cognito-whoami"),
        "{uri}"
    );
    assert_eq!(done.stdout.lines().count(), 1, "one line, and no QR code when standard output is a pipe: {done:#?}");
    assert!(done.stderr.contains("MFA is on for mfa@example.com"), "{done:#?}");
    let on = status(&scene);
    assert_eq!(
        (on.enabled, on.preferred.as_deref()),
        (vec!["SOFTWARE_TOKEN_MFA".to_owned()], Some("SOFTWARE_TOKEN_MFA"))
    );
    let text = scene.run(&["mfa", "status", "--username", EMAIL], "");
    assert!(text.ok().ends_with("enabled: SOFTWARE_TOKEN_MFA\npreferred: SOFTWARE_TOKEN_MFA\n"), "{text:#?}");

    // Signing in now asks for the code after the password.
    let signed_in = login(&scene, &format!("{PASSWORD}\n{}\n", app.generate(now())));
    assert_eq!(email_of(signed_in.ok()), EMAIL);
    let wrong = login(&scene, &format!("{PASSWORD}\n{}\n", wrong_code(&app)));
    assert!(wrong.fails(1).contains("the code is not the one the authenticator app shows"), "{wrong:#?}");
    let malformed = login(&scene, &format!("{PASSWORD}\n12345\n"));
    assert!(malformed.fails(2).contains("the code must be the 6 digits"), "{malformed:#?}");
    let missing = login(&scene, &format!("{PASSWORD}\n"));
    assert!(missing.fails(2).contains("standard input ended before the code"), "{missing:#?}");
    let called = scene
        .run(&["call-api", "--username", EMAIL, "--password-stdin"], &format!("{PASSWORD}\n{}\n", app.generate(now())));
    assert!(called.ok().contains(EMAIL), "{called:#?}");

    // The operator turns it off for a user who lost their phone. What that changes cannot be
    // seen here: ministack ignores TOTP turned off as the SDK sends it (`{}`, Enabled's default
    // false left out; local/tests/emulator_gaps.rs `totp_turned_off_as_the_sdk_sends_it_is_ignored`),
    // so the user would still be asked for a code. The request is checked in the unit tests
    // (`disable_turns_the_app_off_and_unprefers_it`); once the emulator closes the gap, check
    // here that `mfa status` shows nothing enabled and `login` needs the password alone.
    let disabled = scene.run(&["mfa", "disable", "--username", EMAIL], "");
    assert_eq!(disabled.ok(), "turned off the authenticator app of mfa@example.com\n");
}

#[test]
fn mfa_chores_say_what_went_wrong() {
    let scene = Scene::new(PoolOptions { mfa_optional: true, ..PoolOptions::default() });
    let unknown = scene.run(&["mfa", "status", "--username", "nobody@example.com"], "");
    assert!(unknown.fails(1).contains("there is no user `nobody@example.com` in the pool"), "{unknown:#?}");
    let unknown = scene.run(&["mfa", "disable", "--username", "nobody@example.com"], "");
    assert!(unknown.fails(1).contains("there is no user"), "{unknown:#?}");
    // A wrong password stops the set-up before any URI is printed.
    scene.run(&["create-user", "--email", EMAIL, "--password-stdin"], &format!("{PASSWORD}\n")).ok();
    let wrong = scene.run(&["mfa", "setup", "--username", EMAIL, "--password-stdin"], "Wrong-Horse-8\n");
    assert!(wrong.fails(1).contains("incorrect username or password"), "{wrong:#?}");
}
