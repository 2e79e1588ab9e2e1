//! How the real `whoami-admin` signs in, against the local AWS emulator (ministack, which checks
//! SRP proofs and SECRET_HASH for real): SRP by default, the password flow when asked, what each
//! app client allows, what goes over the wire, and Cognito's refusals as sentences.

mod common;

use common::{PoolOptions, RecordingProxy, Scene};
use whoami_shared::token::decode_claims_unverified;

const PASSWORD: &str = "Correct-Horse-7";
const WRONG: &str = "Wrong-Horse-8";
const TEMPORARY: &str = "Temporary-Pass-1";
const NEW_PASSWORD: &str = "Battery-Staple-9";

fn line(text: &str) -> String {
    format!("{text}\n")
}

/// The `email` claim of an ID token printed by `login`.
fn email_of(token: &str) -> String {
    #[derive(serde::Deserialize)]
    struct Claims {
        email: String,
        token_use: String,
    }
    let claims: Claims = decode_claims_unverified(token.trim()).unwrap_or_else(|e| panic!("not a JWT ({e}): {token}"));
    assert_eq!(claims.token_use, "id");
    claims.email
}

fn scene_with_user(options: PoolOptions, email: &str) -> Scene {
    let scene = Scene::new(options);
    scene.run(&["create-user", "--email", email, "--password-stdin"], &line(PASSWORD)).ok();
    scene
}

fn login(scene: &Scene, email: &str, extra: &[&str], password: &str) -> common::Run {
    let mut args = vec!["login", "--username", email, "--password-stdin"];
    args.extend_from_slice(extra);
    scene.run(&args, &line(password))
}

#[test]
fn srp_signs_in_with_the_right_password_and_refuses_a_wrong_one() {
    // With email sign-in and a client secret, the proof and the second SECRET_HASH are for the
    // internal username Cognito returns, not the email typed.
    for options in [
        PoolOptions::default(),
        PoolOptions { client_secret: true, ..PoolOptions::default() },
        PoolOptions { email_as_username: true, client_secret: true, ..PoolOptions::default() },
    ] {
        let email = "srp@example.com";
        let scene = scene_with_user(options, email);
        for flag in [&[][..], &["--auth-flow", "srp"]] {
            let signed_in = login(&scene, email, flag, PASSWORD);
            assert_eq!(email_of(signed_in.ok()), email, "{options:?} {flag:?}");
            let refused = login(&scene, email, flag, WRONG);
            let message = refused.fails(1);
            assert!(
                message.ends_with("whoami-admin: incorrect username or password; check both and try again\n"),
                "{message}"
            );
        }
    }
}

#[test]
fn srp_sends_neither_the_password_nor_anything_it_could_be_read_from() {
    let email = "wire@example.com";
    let scene = scene_with_user(PoolOptions { email_as_username: true, ..PoolOptions::default() }, email);
    let proxy = RecordingProxy::start(&scene.emulator.url);
    let through_proxy = ["--endpoint-url", proxy.url.as_str()];

    let signed_in = login(&scene, email, &through_proxy, PASSWORD);
    assert_eq!(email_of(signed_in.ok()), email);
    let sent = proxy.take();
    assert_eq!(sent.len(), 2, "InitiateAuth and RespondToAuthChallenge: {sent:#?}");
    assert!(sent[0].contains("\"USER_SRP_AUTH\"") && sent[0].contains("\"SRP_A\""), "{}", sent[0]);
    assert!(sent[1].contains("\"PASSWORD_VERIFIER\"") && sent[1].contains("PASSWORD_CLAIM_SIGNATURE"), "{}", sent[1]);
    for body in &sent {
        assert!(!body.contains(PASSWORD), "the password went over the wire: {body}");
        assert!(!body.contains("\"PASSWORD\""), "{body}");
    }

    // The same check sees the password when a flow does send it (this client refuses the
    // password flow, but only after the password has arrived).
    login(&scene, email, &[&through_proxy[..], &["--auth-flow", "password"]].concat(), PASSWORD).fails(1);
    let sent = proxy.take();
    assert!(sent.iter().any(|body| body.contains(PASSWORD)), "{sent:#?}");
}

#[test]
fn an_srp_only_client_refuses_the_password_flow_with_the_way_out() {
    let email = "only-srp@example.com";
    let scene = scene_with_user(PoolOptions::default(), email);
    let refused = login(&scene, email, &["--auth-flow", "password"], PASSWORD);
    let message = refused.fails(1);
    assert!(message.starts_with("whoami-admin: the app client does not allow USER_PASSWORD_AUTH"), "{message}");
    assert!(message.contains("sign in with `--auth-flow srp`"), "{message}");
    let api =
        scene.run(&["call-api", "--username", email, "--password-stdin", "--auth-flow", "password"], &line(PASSWORD));
    assert!(api.fails(1).contains("`--auth-flow srp`"), "{api:?}");
}

#[test]
fn the_password_flow_works_on_a_client_that_allows_it_chosen_by_flag_or_file() {
    let email = "password@example.com";
    let scene =
        scene_with_user(PoolOptions { password_auth: true, client_secret: true, ..PoolOptions::default() }, email);

    // SRP, the default, is refused by this client, pointing to the password flow.
    let refused = login(&scene, email, &[], PASSWORD);
    let message = refused.fails(1);
    assert!(message.contains("whoami-admin: the app client does not allow USER_SRP_AUTH"), "{message}");
    assert!(message.contains("sign in with `--auth-flow password` (or `auth_flow = \"password\"`"), "{message}");

    let signed_in = login(&scene, email, &["--auth-flow", "password"], PASSWORD);
    assert_eq!(email_of(signed_in.ok()), email);
    let wrong = login(&scene, email, &["--auth-flow", "password"], WRONG);
    assert!(wrong.fails(1).contains("incorrect username or password"), "{wrong:?}");

    // The config file's auth_flow, and the flag over it.
    let config = std::fs::read_to_string(&scene.config).unwrap();
    std::fs::write(&scene.config, format!("{config}auth_flow = \"password\"\n")).unwrap();
    assert_eq!(email_of(login(&scene, email, &[], PASSWORD).ok()), email);
    let overridden = login(&scene, email, &["--auth-flow", "srp"], PASSWORD);
    assert!(overridden.fails(1).contains("does not allow USER_SRP_AUTH"), "{overridden:?}");
}

#[test]
fn a_temporary_password_leads_to_the_new_password_challenge_through_srp() {
    let scene = Scene::new(PoolOptions { email_as_username: true, client_secret: true, ..PoolOptions::default() });
    let email = "first-time@example.com";
    scene.run(&["create-user", "--email", email, "--temporary-password-stdin"], &line(TEMPORARY)).ok();

    let asked = login(&scene, email, &["--auth-flow", "srp"], TEMPORARY);
    assert!(asked.fails(1).contains("has a temporary password and must choose a new one"), "{asked:?}");
    // A wrong temporary password is refused before any challenge.
    let wrong = scene.run(
        &["login", "--username", email, "--password-stdin", "--new-password-stdin"],
        &format!("{WRONG}\n{NEW_PASSWORD}\n"),
    );
    assert!(wrong.fails(1).contains("incorrect username or password"), "{wrong:?}");

    let answered = scene.run(
        &["login", "--username", email, "--password-stdin", "--new-password-stdin"],
        &format!("{TEMPORARY}\n{NEW_PASSWORD}\n"),
    );
    assert_eq!(email_of(answered.ok()), email);
    assert_eq!(email_of(login(&scene, email, &[], NEW_PASSWORD).ok()), email);
}

#[test]
fn a_disabled_user_and_an_unknown_one_are_told_apart_only_when_the_client_allows() {
    let email = "gone@example.com";
    for password_auth in [false, true] {
        let options = PoolOptions { password_auth, hide_unknown_users: true, ..PoolOptions::default() };
        let scene = scene_with_user(options, email);
        let flow = if password_auth { "password" } else { "srp" };
        let wrong = login(&scene, email, &["--auth-flow", flow], WRONG);
        let unknown = login(&scene, "nobody@example.com", &["--auth-flow", flow], PASSWORD);
        // With PreventUserExistenceErrors, an unknown user reads like a wrong password.
        assert_eq!(unknown.fails(1), wrong.fails(1), "{flow}");

        scene.disable_user(email);
        let disabled = login(&scene, email, &["--auth-flow", flow], PASSWORD);
        let message = disabled.fails(1);
        assert!(message.starts_with(&format!("whoami-admin: user `{email}` is disabled;")), "{flow}: {message}");
    }
}

#[test]
fn an_unknown_auth_flow_in_the_file_names_the_key_and_the_file() {
    let scene = Scene::new(PoolOptions::default());
    let config = std::fs::read_to_string(&scene.config).unwrap();
    std::fs::write(&scene.config, format!("{config}auth_flow = \"USER_SRP_AUTH\"\n")).unwrap();
    let refused = scene.run(&["login", "--username", "a@example.com", "--password-stdin"], &line(PASSWORD));
    let message = refused.fails(2);
    assert!(
        message.contains(&format!(
            "{}: the key `auth_flow` is `USER_SRP_AUTH`: it must be \"srp\" (the default) or \"password\"",
            scene.config.display()
        )),
        "{message}"
    );
    let flag = scene.run(&["login", "--username", "a@example.com", "--auth-flow", "sha"], "");
    assert!(flag.fails(2).contains("invalid value 'sha' for '--auth-flow <FLOW>'"), "{flag:?}");
}
