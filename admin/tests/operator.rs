//! The operator's chores on one user through the real `whoami-admin`, against the local AWS
//! emulator: `disable-user` and `enable-user`, `sign-out-user` (the refresh token stops
//! working) and `reset-password` (the old password is refused and Cognito emails a code).

mod common;

use aws_sdk_cognitoidentityprovider::types::AuthFlowType;
use common::{PoolOptions, Run, Scene, block_on};

const PASSWORD: &str = "Correct-Horse-7";
const EMAIL: &str = "ops@example.com";

fn login(scene: &Scene) -> Run {
    scene.run(&["login", "--username", EMAIL, "--password-stdin", "--json"], &format!("{PASSWORD}\n"))
}

fn chore(scene: &Scene, command: &str) -> Run {
    scene.run(&[command, "--username", EMAIL], "")
}

/// Whether Cognito still gives tokens for `refresh_token`, as the page's refresh asks.
fn refreshes(scene: &Scene, refresh_token: &str) -> bool {
    let client = scene.emulator.client();
    block_on(
        client
            .initiate_auth()
            .client_id(&scene.client_id)
            .auth_flow(AuthFlowType::RefreshTokenAuth)
            .auth_parameters("REFRESH_TOKEN", refresh_token)
            .send(),
    )
    .is_ok()
}

/// Whether Cognito still takes `access_token` (GetUser, as a signed-in user's own calls do).
fn access_works(scene: &Scene, access_token: &str) -> bool {
    block_on(scene.emulator.client().get_user().access_token(access_token).send()).is_ok()
}

fn status(scene: &Scene) -> String {
    let listed = scene.run(&["list-users", "--json"], "");
    let users: serde_json::Value = serde_json::from_str(listed.ok()).unwrap();
    users[0]["status"].as_str().unwrap().to_owned()
}

#[test]
fn a_disabled_user_cannot_sign_in_until_enabled_again() {
    let scene = Scene::new(PoolOptions::default());
    scene.run(&["create-user", "--email", EMAIL, "--password-stdin"], &format!("{PASSWORD}\n")).ok();
    let before: serde_json::Value = serde_json::from_str(login(&scene).ok()).unwrap();

    assert_eq!(
        chore(&scene, "disable-user").ok(),
        "disabled ops@example.com: they cannot sign in, and their refresh tokens no longer work\n"
    );
    let refused = login(&scene);
    assert!(refused.fails(1).contains("user `ops@example.com` is disabled"), "{refused:#?}");
    assert!(refused.stderr.contains("whoami-admin enable-user --username ops@example.com"), "{refused:#?}");
    assert!(!refreshes(&scene, before["refresh_token"].as_str().unwrap()));
    assert!(scene.run(&["list-users"], "").ok().ends_with("\tdisabled\n"));

    assert_eq!(chore(&scene, "enable-user").ok(), "enabled ops@example.com: they can sign in again\n");
    login(&scene).ok();
}

#[test]
fn signing_a_user_out_everywhere_ends_their_refresh_and_access_tokens() {
    let scene = Scene::new(PoolOptions::default());
    scene.run(&["create-user", "--email", EMAIL, "--password-stdin"], &format!("{PASSWORD}\n")).ok();
    let tokens: serde_json::Value = serde_json::from_str(login(&scene).ok()).unwrap();
    let (refresh, access) = (tokens["refresh_token"].as_str().unwrap(), tokens["access_token"].as_str().unwrap());
    assert!(refreshes(&scene, refresh) && access_works(&scene, access), "the tokens work before");

    let done = chore(&scene, "sign-out-user");
    assert!(done.ok().starts_with("signed ops@example.com out everywhere"), "{done:#?}");
    assert!(!refreshes(&scene, refresh), "the refresh token is revoked");
    assert!(!access_works(&scene, access), "the access token is revoked");
    // The password is unchanged: signing in again works.
    login(&scene).ok();
}

#[test]
fn a_reset_password_is_refused_and_a_code_is_emailed() {
    let scene = Scene::new(PoolOptions::default());
    scene.run(&["create-user", "--email", EMAIL, "--password-stdin"], &format!("{PASSWORD}\n")).ok();
    let done = chore(&scene, "reset-password");
    assert!(done.ok().contains("whoami-admin confirm-forgot-password --username ops@example.com"), "{done:#?}");
    assert_eq!(status(&scene), "RESET_REQUIRED");
    let refused = login(&scene);
    assert!(refused.fails(1).contains("user `ops@example.com` must reset their password first"), "{refused:#?}");
    let emails = block_on(whoami_local::ministack::sent_emails(&reqwest::Client::new(), &scene.emulator.url)).unwrap();
    assert!(emails.iter().any(|e| e.to == [EMAIL]), "a code went to the user: {emails:#?}");
}

#[test]
fn chores_on_an_unknown_user_say_so() {
    let scene = Scene::new(PoolOptions::default());
    for command in ["disable-user", "enable-user", "sign-out-user", "reset-password"] {
        let run = scene.run(&[command, "--username", "nobody@example.com"], "");
        assert!(run.fails(1).contains("there is no user `nobody@example.com` in the pool"), "{command}: {run:#?}");
    }
    let usage = scene.run(&["disable-user"], "");
    assert!(usage.fails(2).contains("--username"), "{usage:#?}");
}
