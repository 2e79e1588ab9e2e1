//! What each command does: read its input, call Cognito or the API, print the result.
//!
//! Results go to `out` (standard output) and nothing else does, so output pipes cleanly;
//! prompts and messages go to standard error.

use std::io::{BufRead, Write};
use std::time::Duration;

use serde::Serialize;
use whoami_shared::Username;
use whoami_shared::mfa::otpauth_uri;

use crate::Error;
use crate::api::Api;
use crate::cli::{
    CallApi, Command, ConfirmForgotPassword, ConfirmSignUp, CreateUser, DeleteUser, ForUser, ForgotPassword,
    HostedArgs, ListUsers, Login, Mfa, MfaDisable, MfaSetup, MfaStatus, SetPassword, SignInArgs, SignUp, TokenKind,
};
use crate::cognito::{
    AuthFlow, Challenge, CodeSent, Cognito, CognitoError, Holder, InitialPassword, SignIn, Tokens, UserChore,
    UserSummary,
};
use crate::hosted::{HostedError, HostedUi};
use crate::secret::{Input, Token};

/// The clients every command works with, built once in `main`.
#[derive(Debug, Clone)]
pub struct App {
    pub cognito: Cognito,
    pub api: Api,
    /// How to sign in when `--auth-flow` does not say: the config file's `auth_flow`, or SRP.
    pub auth_flow: AuthFlow,
    /// Whether standard output is a terminal, where `mfa setup` draws a QR code to scan.
    pub terminal_output: bool,
    /// The pool's hosted sign-in page, where the config file names it.
    pub hosted: Option<HostedUi>,
}

/// Runs one command.
pub async fn run<R: BufRead>(
    command: Command,
    app: &App,
    input: &mut Input<R>,
    out: &mut impl Write,
) -> Result<(), Error> {
    match command {
        Command::CreateUser(args) => create_user(args, app, input, out).await,
        Command::Login(args) => login(args, app, input, out).await,
        Command::SetPassword(args) => set_password(args, app, input, out).await,
        Command::DeleteUser(args) => delete_user(args, app, input, out).await,
        Command::ListUsers(args) => list_users(args, app, out).await,
        Command::DisableUser(ForUser { username }) => user_chore(UserChore::Disable, &username, app, out).await,
        Command::EnableUser(ForUser { username }) => user_chore(UserChore::Enable, &username, app, out).await,
        Command::SignOutUser(ForUser { username }) => {
            user_chore(UserChore::SignOutEverywhere, &username, app, out).await
        }
        Command::ResetPassword(ForUser { username }) => user_chore(UserChore::ResetPassword, &username, app, out).await,
        Command::ForgotPassword(args) => forgot_password(args, app, out).await,
        Command::ConfirmForgotPassword(args) => confirm_forgot_password(args, app, input, out).await,
        Command::SignUp(args) => sign_up(args, app, input, out).await,
        Command::ConfirmSignUp(args) => confirm_sign_up(args, app, input, out).await,
        Command::ResendConfirmationCode(args) => {
            let sent = app.cognito.resend_confirmation_code(args.email.as_str()).await?;
            writeln!(out, "Cognito emailed a new sign-up code to {}", to(&sent, args.email.as_str()))?;
            Ok(())
        }
        Command::CallApi(args) => call_api(args, app, input, out).await,
        Command::Mfa(Mfa::Setup(args)) => mfa_setup(args, app, input, out).await,
        Command::Mfa(Mfa::Status(args)) => mfa_status(args, app, out).await,
        Command::Mfa(Mfa::Disable(args)) => mfa_disable(args, app, out).await,
        Command::Configure(_) => unreachable!("main runs configure before reading a config file"),
    }
}

async fn create_user<R: BufRead>(
    args: CreateUser,
    app: &App,
    input: &mut Input<R>,
    out: &mut impl Write,
) -> Result<(), Error> {
    let password = if args.temporary_password_stdin {
        let prompt = format!("temporary password for {}: ", args.email);
        InitialPassword::Temporary(input.password(true, "--temporary-password-stdin", &prompt)?)
    } else {
        InitialPassword::Permanent(input.password(
            true,
            "--password-stdin",
            &format!("password for {}: ", args.email),
        )?)
    };
    let user = app.cognito.create_user(&args.email, &password, args.send_invite).await?;
    if args.json {
        writeln!(out, "{}", to_json(&user))?;
    } else {
        writeln!(out, "username: {}", user.username)?;
        if let Some(sub) = &user.sub {
            writeln!(out, "sub: {sub}")?;
        }
        writeln!(out, "email: {}", user.email.as_deref().unwrap_or(args.email.as_str()))?;
        writeln!(out, "status: {}", user.status)?;
    }
    Ok(())
}

async fn login<R: BufRead>(args: Login, app: &App, input: &mut Input<R>, out: &mut impl Write) -> Result<(), Error> {
    // clap lets through exactly one of --username and --hosted.
    let tokens = match &args.sign_in {
        Some(how) => sign_in(app, input, how).await?.tokens(&how.username)?,
        None => hosted_sign_in(app, &args.hosted).await?,
    };
    if args.json {
        writeln!(out, "{}", to_json(&TokensJson::from(&tokens)))?;
        return Ok(());
    }
    let token = match args.token {
        TokenKind::Id => &tokens.id,
        TokenKind::Access => &tokens.access,
        TokenKind::Refresh => tokens.refresh.as_ref().ok_or(CognitoError::IncompleteAnswer("refresh token"))?,
    };
    // The one place a token is printed: the operator asked for it, to pipe it on.
    writeln!(out, "{}", token.expose())?;
    Ok(())
}

async fn set_password<R: BufRead>(
    args: SetPassword,
    app: &App,
    input: &mut Input<R>,
    out: &mut impl Write,
) -> Result<(), Error> {
    let kind = if args.temporary { "temporary password" } else { "new password" };
    let password =
        input.password(args.password_stdin, "--password-stdin", &format!("{kind} for {}: ", args.username))?;
    app.cognito.set_password(args.username.as_str(), &password, !args.temporary).await?;
    writeln!(out, "set a {} password for {}", if args.temporary { "temporary" } else { "permanent" }, args.username)?;
    Ok(())
}

async fn delete_user<R: BufRead>(
    args: DeleteUser,
    app: &App,
    input: &mut Input<R>,
    out: &mut impl Write,
) -> Result<(), Error> {
    if !args.yes {
        if !input.is_terminal() {
            return Err(Error::Usage(
                "standard input is not a terminal, so delete-user cannot ask for confirmation; pass --yes".into(),
            ));
        }
        if !input.confirm(&format!("delete user {}? this cannot be undone", args.username))? {
            return Err(Error::NotConfirmed(args.username.to_string()));
        }
    }
    app.cognito.delete_user(args.username.as_str()).await?;
    writeln!(out, "deleted {}", args.username)?;
    Ok(())
}

/// One of the operator's chores on a user, and a line saying what it did and did not do.
async fn user_chore(chore: UserChore, username: &Username, app: &App, out: &mut impl Write) -> Result<(), Error> {
    app.cognito.user_chore(chore, username.as_str()).await?;
    let done = match chore {
        UserChore::Disable => {
            format!("disabled {username}: they cannot sign in, and their refresh tokens no longer work")
        }
        UserChore::Enable => format!("enabled {username}: they can sign in again"),
        UserChore::SignOutEverywhere => format!(
            "signed {username} out everywhere: their refresh tokens no longer work (ID tokens already issued do \
             until they expire)"
        ),
        UserChore::ResetPassword => format!(
            "reset the password of {username}: they must choose a new one with the code Cognito emails them \
             (`whoami-admin confirm-forgot-password --username {username}`)"
        ),
    };
    writeln!(out, "{done}")?;
    Ok(())
}

/// Where Cognito says a code went: its masked address, else the name it was asked about.
fn to(sent: &CodeSent, username: &str) -> String {
    sent.destination.clone().unwrap_or_else(|| username.to_owned())
}

async fn forgot_password(args: ForgotPassword, app: &App, out: &mut impl Write) -> Result<(), Error> {
    let username = &args.username;
    let sent = app.cognito.forgot_password(username.as_str()).await?;
    // Cognito's answer cannot say whether the user exists, and neither does this line.
    writeln!(
        out,
        "if {username} is a user of this pool with a verified email, Cognito has emailed them a code ({}); it \
         answers an unknown email the same way. Then: whoami-admin confirm-forgot-password --username {username}",
        to(&sent, username.as_str())
    )?;
    Ok(())
}

async fn confirm_forgot_password<R: BufRead>(
    args: ConfirmForgotPassword,
    app: &App,
    input: &mut Input<R>,
    out: &mut impl Write,
) -> Result<(), Error> {
    let username = &args.username;
    let code = input.emailed_code(&format!("code emailed to {username}: "))?;
    let password = input.password(true, "--password-stdin", &format!("new password for {username}: "))?;
    app.cognito.confirm_forgot_password(username.as_str(), &code, &password).await?;
    writeln!(out, "set a new password for {username}: sign in with it")?;
    Ok(())
}

async fn sign_up<R: BufRead>(args: SignUp, app: &App, input: &mut Input<R>, out: &mut impl Write) -> Result<(), Error> {
    let email = &args.email;
    let password = input.password(args.password_stdin, "--password-stdin", &format!("password for {email}: "))?;
    let signed_up = app.cognito.sign_up(email.as_str(), &password).await?;
    if signed_up.confirmed {
        writeln!(out, "signed up {email}, already confirmed: sign in with whoami-admin login --username {email}")?;
    } else {
        writeln!(
            out,
            "signed up {email}; Cognito emailed a code to {}: confirm with whoami-admin confirm-sign-up --email {email}",
            to(&signed_up.code, email.as_str())
        )?;
    }
    Ok(())
}

async fn confirm_sign_up<R: BufRead>(
    args: ConfirmSignUp,
    app: &App,
    input: &mut Input<R>,
    out: &mut impl Write,
) -> Result<(), Error> {
    let email = &args.email;
    let code = input.emailed_code(&format!("code emailed to {email}: "))?;
    app.cognito.confirm_sign_up(email.as_str(), &code).await?;
    writeln!(out, "confirmed {email}: sign in with whoami-admin login --username {email}")?;
    Ok(())
}

async fn list_users(args: ListUsers, app: &App, out: &mut impl Write) -> Result<(), Error> {
    let users = app.cognito.list_users().await?;
    write_users(&users, args.json, out)
}

/// Users as a JSON array, or one tab-separated line each: username, email, status, enabled.
fn write_users(users: &[UserSummary], json: bool, out: &mut impl Write) -> Result<(), Error> {
    if json {
        writeln!(out, "{}", to_json(&users))?;
    } else {
        for user in users {
            let enabled = if user.enabled { "enabled" } else { "disabled" };
            writeln!(out, "{}\t{}\t{}\t{enabled}", user.username, user.email.as_deref().unwrap_or("-"), user.status)?;
        }
    }
    Ok(())
}

async fn call_api<R: BufRead>(
    args: CallApi,
    app: &App,
    input: &mut Input<R>,
    out: &mut impl Write,
) -> Result<(), Error> {
    let token = match &args.username {
        None if args.hosted.hosted => hosted_sign_in(app, &args.hosted).await?.id,
        Some(username) => {
            let how = SignInArgs {
                username: username.clone(),
                password_stdin: args.password_stdin,
                new_password_stdin: args.new_password_stdin,
                auth_flow: args.auth_flow,
            };
            sign_in(app, input, &how).await?.tokens(username)?.id
        }
        None => input.token()?,
    };
    let answer = app.api.call(&token).await?;
    // The API's JSON is the result whatever it says, like curl's output was.
    writeln!(out, "{}", answer.body.trim_end())?;
    Ok(answer.outcome()?)
}

/// How far a sign-in got: tokens, or Cognito's MFA_SETUP (the pool requires MFA and the user
/// has none), which only `mfa setup` can answer.
#[derive(Debug)]
enum SignedIn {
    Tokens(Tokens),
    MfaSetup(Challenge),
}

impl SignedIn {
    /// The tokens, or what to run to set up the MFA the pool requires.
    fn tokens(self, username: &Username) -> Result<Tokens, Error> {
        match self {
            SignedIn::Tokens(tokens) => Ok(tokens),
            SignedIn::MfaSetup(_) => Err(CognitoError::MfaSetupRequired(username.to_string()).into()),
        }
    }
}

/// Signs in as `how` says (the config file's flow unless `--auth-flow`), answering
/// NEW_PASSWORD_REQUIRED with the next line of input when allowed to, and SOFTWARE_TOKEN_MFA
/// with the next line (or a prompt).
async fn sign_in<R: BufRead>(app: &App, input: &mut Input<R>, how: &SignInArgs) -> Result<SignedIn, Error> {
    let username = &how.username;
    let password = input.password(how.password_stdin, "--password-stdin", &format!("password for {username}: "))?;
    let mut step = app.cognito.sign_in(how.auth_flow.unwrap_or(app.auth_flow), username.as_str(), &password).await?;
    loop {
        step = match step {
            SignIn::Done(tokens) => return Ok(SignedIn::Tokens(tokens)),
            SignIn::MfaSetup(challenge) => return Ok(SignedIn::MfaSetup(challenge)),
            SignIn::NewPasswordRequired(challenge) => {
                if !how.new_password_stdin {
                    return Err(CognitoError::NewPasswordRequired(username.to_string()).into());
                }
                let new_password =
                    input.password(true, "--new-password-stdin", &format!("new password for {username}: "))?;
                app.cognito.answer_new_password(&challenge, &new_password).await?
            }
            SignIn::SoftwareTokenMfa(challenge) => {
                let code = input.code(&format!("code from the authenticator app for {username}: "))?;
                app.cognito.answer_software_token(&challenge, &code).await?
            }
        };
    }
}

/// Signs in on the pool's hosted sign-in page: sends the browser there (or prints the address
/// to open), then waits for it to come back to the loopback port with a code, and redeems it.
async fn hosted_sign_in(app: &App, args: &HostedArgs) -> Result<Tokens, Error> {
    let hosted = app.hosted.as_ref().ok_or(HostedError::NotConfigured)?;
    let attempt = hosted.start(args.port).await?;
    // The address carries the state and the PKCE challenge, neither of which is a secret: the
    // verifier stays here.
    let url = attempt.authorize_url.as_str();
    if !args.no_browser && open_browser(url).await {
        eprintln!("whoami-admin: sign in in the browser window that opened; if none did, open this address:\n  {url}");
    } else {
        eprintln!("whoami-admin: open this address in a browser on this machine to sign in:\n  {url}");
    }
    eprintln!("whoami-admin: waiting for the browser (at most {} seconds)", args.timeout);
    Ok(hosted.finish(attempt, Duration::from_secs(args.timeout)).await?)
}

/// Opens `url` in the user's browser; false where none can be opened (no display, no browser).
async fn open_browser(url: &str) -> bool {
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || webbrowser::open(&url).is_ok()).await.unwrap_or(false)
}

/// Signs in, adds an authenticator app (the URI on `out`, then its first code) and makes it
/// the preferred factor. Where the pool requires MFA and the user has none, the same happens
/// within the sign-in (MFA_SETUP), which then ends with tokens.
async fn mfa_setup<R: BufRead>(
    args: MfaSetup,
    app: &App,
    input: &mut Input<R>,
    out: &mut impl Write,
) -> Result<(), Error> {
    let username = &args.sign_in.username;
    let access;
    let mut holder = match sign_in(app, input, &args.sign_in).await? {
        SignedIn::Tokens(tokens) => {
            access = tokens.access;
            Holder::SignedIn(&access)
        }
        SignedIn::MfaSetup(challenge) => Holder::SigningIn(challenge),
    };
    let secret = app.cognito.associate_software_token(&mut holder).await?;
    let uri = otpauth_uri(&args.issuer, username.as_str(), &secret);
    // The URI carries the secret: it goes to standard output only, as asked for.
    writeln!(out, "{uri}")?;
    if app.terminal_output {
        draw_qr_code(&uri, out)?;
        eprintln!("scan the QR code with the authenticator app, or add the line above to it");
    }
    out.flush()?;
    let code = input.code(&format!("code the authenticator app shows for {username}: "))?;
    app.cognito.verify_software_token(&mut holder, &code).await?;
    match holder {
        Holder::SignedIn(access) => app.cognito.prefer_software_token(access).await?,
        Holder::SigningIn(challenge) => {
            // Cognito turns the app on as the sign-in completes; preferring it needs the tokens.
            match app.cognito.finish_mfa_setup(&challenge).await? {
                SignIn::Done(tokens) => app.cognito.prefer_software_token(&tokens.access).await?,
                _ => return Err(CognitoError::IncompleteAnswer("tokens after MFA_SETUP").into()),
            }
        }
    }
    eprintln!("MFA is on for {username}: each sign-in now asks for a code from the authenticator app");
    Ok(())
}

/// A QR code of `text` drawn with Unicode half blocks, light on dark, as most terminals are
/// (its quiet zone included, so a phone finds its edges).
fn draw_qr_code(text: &str, out: &mut impl Write) -> Result<(), Error> {
    use qrcode::render::unicode::Dense1x2;
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => {
            let drawn = code.render::<Dense1x2>().dark_color(Dense1x2::Light).light_color(Dense1x2::Dark).build();
            writeln!(out, "{drawn}")?;
        }
        // Only a URI too long for any QR code; the line above still works.
        Err(e) => eprintln!("cannot draw a QR code of the URI ({e}); paste the line above into the app"),
    }
    Ok(())
}

async fn mfa_status(args: MfaStatus, app: &App, out: &mut impl Write) -> Result<(), Error> {
    let status = app.cognito.mfa_status(args.username.as_str()).await?;
    if args.json {
        writeln!(out, "{}", to_json(&status))?;
    } else {
        let list = |names: &[String]| if names.is_empty() { "none".to_owned() } else { names.join(", ") };
        writeln!(out, "username: {}", status.username)?;
        writeln!(out, "enabled: {}", list(&status.enabled))?;
        writeln!(out, "preferred: {}", status.preferred.as_deref().unwrap_or("none"))?;
    }
    Ok(())
}

async fn mfa_disable(args: MfaDisable, app: &App, out: &mut impl Write) -> Result<(), Error> {
    app.cognito.disable_software_token(args.username.as_str()).await?;
    writeln!(out, "turned off the authenticator app of {}", args.username)?;
    Ok(())
}

/// `login --json`'s line.
#[derive(Debug, Serialize)]
struct TokensJson<'a> {
    id_token: &'a str,
    access_token: &'a str,
    refresh_token: Option<&'a str>,
    expires_in: i32,
    token_type: &'a str,
}

impl<'a> From<&'a Tokens> for TokensJson<'a> {
    fn from(tokens: &'a Tokens) -> Self {
        Self {
            id_token: tokens.id.expose(),
            access_token: tokens.access.expose(),
            refresh_token: tokens.refresh.as_ref().map(Token::expose),
            expires_in: tokens.expires_in,
            token_type: &tokens.token_type,
        }
    }
}

fn to_json(value: &impl Serialize) -> String {
    serde_json::to_string(value).expect("plain structs of strings always serialize")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qr_code_is_unicode_blocks() {
        let mut out = Vec::new();
        draw_qr_code("otpauth://totp/cognito-whoami:ana%40example.com?secret=JBSWY3DPEHPK3PXP", &mut out).unwrap();
        let drawn = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = drawn.lines().collect();
        // Version 4 or so: 33 modules and 4 of quiet zone each side, two rows a line.
        assert!(lines.len() > 15 && lines.iter().all(|l| l.chars().count() == lines[0].chars().count()), "{drawn}");
        assert!(drawn.chars().all(|c| matches!(c, ' ' | '\u{2580}' | '\u{2584}' | '\u{2588}' | '\n')), "{drawn}");
    }

    fn user(name: &str, email: Option<&str>, enabled: bool) -> UserSummary {
        UserSummary {
            username: name.into(),
            sub: Some(format!("sub-{name}")),
            email: email.map(Into::into),
            status: "CONFIRMED".into(),
            enabled,
        }
    }

    fn check(users: &[UserSummary], json: bool, expected: &str) {
        let mut out = Vec::new();
        write_users(users, json, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }

    #[test]
    fn lists_users_as_lines_or_json() {
        let users = [user("a", Some("a@x.y"), true), user("b", None, false)];
        check(&users, false, "a\ta@x.y\tCONFIRMED\tenabled\nb\t-\tCONFIRMED\tdisabled\n");
        check(&[], false, "");
        check(
            &users[..1],
            true,
            "[{\"username\":\"a\",\"sub\":\"sub-a\",\"email\":\"a@x.y\",\"status\":\"CONFIRMED\",\"enabled\":true}]\n",
        );
        check(&[], true, "[]\n");
    }
}
