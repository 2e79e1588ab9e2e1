//! What a user does without an operator, through the real `whoami-admin` against the local
//! AWS emulator: a forgotten password reset with the code from the emulator's mail log, and
//! self sign-up confirmed the same way. Codes are read from the mail as a user would, never
//! assumed (the emulator's are fixed: local/tests/emulator_gaps.rs).

mod common;

use common::{PoolOptions, Run, Scene, block_on};

const PASSWORD: &str = "Correct-Horse-7";
const NEW_PASSWORD: &str = "Battery-Staple-9";

/// Every email the emulated Cognito has sent to `to`, oldest first.
fn mails_to(scene: &Scene, to: &str) -> Vec<whoami_local::ministack::Email> {
    let all = block_on(whoami_local::ministack::sent_emails(&reqwest::Client::new(), &scene.emulator.url)).unwrap();
    all.into_iter().filter(|mail| mail.to.iter().any(|t| t == to)).collect()
}

/// The code in the last email to `to`: its first run of six digits.
fn emailed_code(scene: &Scene, to: &str) -> String {
    let mails = mails_to(scene, to);
    let mail = mails.last().unwrap_or_else(|| panic!("no email to {to}"));
    let text = format!("{} {}", mail.body_text, mail.body_html);
    let digits: Vec<&str> = text.split(|c: char| !c.is_ascii_digit()).filter(|run| run.len() == 6).collect();
    digits.first().unwrap_or_else(|| panic!("no code in {mail:#?}")).to_string()
}

/// A six-digit code that is not `code`.
fn other_than(code: &str) -> &'static str {
    if code == "000000" { "111111" } else { "000000" }
}

fn login(scene: &Scene, email: &str, password: &str) -> Run {
    scene.run(&["login", "--username", email, "--password-stdin"], &format!("{password}\n"))
}

#[test]
fn a_forgotten_password_is_reset_with_the_emailed_code() {
    // As template.yaml's clients: unknown users hidden; and a secret, so every call carries a
    // SECRET_HASH; email sign-in.
    let options = PoolOptions {
        email_as_username: true,
        client_secret: true,
        hide_unknown_users: true,
        ..PoolOptions::default()
    };
    let scene = Scene::new(options);
    let email = "forgot@example.com";
    scene.run(&["create-user", "--email", email, "--password-stdin"], &format!("{PASSWORD}\n")).ok();

    let sent = scene.run(&["forgot-password", "--username", email], "");
    assert!(sent.ok().starts_with("if forgot@example.com is a user of this pool"), "{sent:#?}");
    assert!(sent.stdout.contains("answers an unknown email the same way"), "{sent:#?}");
    let code = emailed_code(&scene, email);

    let confirm =
        |code: &str| scene.run(&["confirm-forgot-password", "--username", email], &format!("{code}\n{NEW_PASSWORD}\n"));
    let wrong = confirm(other_than(&code));
    assert!(wrong.fails(1).contains("the code is not the one Cognito emailed last, or it expired"), "{wrong:#?}");
    assert!(wrong.stderr.contains("whoami-admin forgot-password --username forgot@example.com"), "{wrong:#?}");
    login(&scene, email, PASSWORD).ok();

    assert_eq!(confirm(&code).ok(), "set a new password for forgot@example.com: sign in with it\n");
    login(&scene, email, NEW_PASSWORD).ok();
    assert!(login(&scene, email, PASSWORD).fails(1).contains("incorrect username or password"));

    // An unknown email gets the same answer, and no mail.
    let unknown = scene.run(&["forgot-password", "--username", "nobody@example.com"], "");
    assert!(unknown.ok().starts_with("if nobody@example.com is a user of this pool"), "{unknown:#?}");
    assert!(mails_to(&scene, "nobody@example.com").is_empty());
    let missing = scene.run(&["confirm-forgot-password", "--username", email], &format!("{code}\n"));
    assert!(missing.fails(2).contains("standard input ended before the password"), "{missing:#?}");
}

#[test]
fn an_operators_reset_is_finished_with_the_emailed_code() {
    let scene = Scene::new(PoolOptions::default());
    let email = "reset@example.com";
    scene.run(&["create-user", "--email", email, "--password-stdin"], &format!("{PASSWORD}\n")).ok();
    scene.run(&["reset-password", "--username", email], "").ok();
    let refused = login(&scene, email, PASSWORD);
    assert!(refused.fails(1).contains("whoami-admin confirm-forgot-password --username reset@example.com"));
    let code = emailed_code(&scene, email);
    scene.run(&["confirm-forgot-password", "--username", email], &format!("{code}\n{NEW_PASSWORD}\n")).ok();
    login(&scene, email, NEW_PASSWORD).ok();
}

#[test]
fn a_user_signs_up_confirms_with_the_emailed_code_and_signs_in() {
    // The emulator's pools allow self sign-up unless told otherwise, as template.yaml's with
    // SelfSignUp=true; a client secret, so each call carries a SECRET_HASH.
    let scene = Scene::new(PoolOptions { email_as_username: true, client_secret: true, ..PoolOptions::default() });
    let email = "new@example.com";
    let signed_up = scene.run(&["sign-up", "--email", email, "--password-stdin"], &format!("{PASSWORD}\n"));
    assert!(signed_up.ok().starts_with("signed up new@example.com; Cognito emailed a code to "), "{signed_up:#?}");
    assert!(signed_up.stdout.contains("whoami-admin confirm-sign-up --email new@example.com"), "{signed_up:#?}");

    // Not a dead end: signing in before confirming says what to run.
    let early = login(&scene, email, PASSWORD);
    assert!(early.fails(1).contains("has not confirmed their account"), "{early:#?}");
    assert!(early.stderr.contains("whoami-admin confirm-sign-up --email new@example.com"), "{early:#?}");

    let resent = scene.run(&["resend-confirmation-code", "--email", email], "");
    assert!(resent.ok().starts_with("Cognito emailed a new sign-up code to "), "{resent:#?}");
    assert_eq!(mails_to(&scene, email).len(), 2, "the sign-up's code and the resent one");
    let code = emailed_code(&scene, email);
    let wrong = scene.run(&["confirm-sign-up", "--email", email], &format!("{}\n", other_than(&code)));
    assert!(wrong.fails(1).contains("whoami-admin resend-confirmation-code --email new@example.com"), "{wrong:#?}");

    let confirmed = scene.run(&["confirm-sign-up", "--email", email], &format!("{code}\n"));
    assert_eq!(
        confirmed.ok(),
        "confirmed new@example.com: sign in with whoami-admin login --username new@example.com\n"
    );
    login(&scene, email, PASSWORD).ok();

    let again = scene.run(&["sign-up", "--email", email, "--password-stdin"], &format!("{PASSWORD}\n"));
    assert!(again.fails(1).contains("already exists"), "{again:#?}");
    let weak = scene.run(&["sign-up", "--email", "weak@example.com", "--password-stdin"], "short\n");
    assert!(weak.fails(1).contains("password policy"), "{weak:#?}");
}
