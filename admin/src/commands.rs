//! What each command does: read its input, call Cognito or the API, print the result.
//!
//! Results go to `out` (standard output) and nothing else does, so output pipes cleanly;
//! prompts and messages go to standard error.

use std::io::{BufRead, Write};

use serde::Serialize;
use whoami_shared::Username;

use crate::Error;
use crate::api::Api;
use crate::cli::{CallApi, Command, CreateUser, DeleteUser, ListUsers, Login, SetPassword, TokenKind};
use crate::cognito::{AuthFlow, Cognito, CognitoError, InitialPassword, SignIn, Tokens, UserSummary};
use crate::secret::{Input, Token};

/// The clients every command works with, built once in `main`.
#[derive(Debug, Clone)]
pub struct App {
    pub cognito: Cognito,
    pub api: Api,
    /// How to sign in when `--auth-flow` does not say: the config file's `auth_flow`, or SRP.
    pub auth_flow: AuthFlow,
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
        Command::CallApi(args) => call_api(args, app, input, out).await,
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
    let tokens = sign_in(
        app,
        input,
        &args.sign_in.username,
        args.sign_in.auth_flow,
        args.sign_in.password_stdin,
        args.sign_in.new_password_stdin,
    )
    .await?;
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
        Some(username) => {
            sign_in(app, input, username, args.auth_flow, args.password_stdin, args.new_password_stdin).await?.id
        }
        None => input.token()?,
    };
    let answer = app.api.call(&token).await?;
    // The API's JSON is the result whatever it says, like curl's output was.
    writeln!(out, "{}", answer.body.trim_end())?;
    Ok(answer.outcome()?)
}

/// Signs in through `flow` (else the config file's flow), answering NEW_PASSWORD_REQUIRED with
/// the next line of input when allowed to.
async fn sign_in<R: BufRead>(
    app: &App,
    input: &mut Input<R>,
    username: &Username,
    flow: Option<AuthFlow>,
    password_stdin: bool,
    new_password_stdin: bool,
) -> Result<Tokens, Error> {
    let password = input.password(password_stdin, "--password-stdin", &format!("password for {username}: "))?;
    match app.cognito.sign_in(flow.unwrap_or(app.auth_flow), username.as_str(), &password).await? {
        SignIn::Done(tokens) => Ok(tokens),
        SignIn::NewPasswordRequired(challenge) => {
            if !new_password_stdin {
                return Err(CognitoError::NewPasswordRequired(username.to_string()).into());
            }
            let new_password =
                input.password(true, "--new-password-stdin", &format!("new password for {username}: "))?;
            Ok(app.cognito.answer_new_password(&challenge, &new_password).await?)
        }
    }
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
