//! The command line: every command, its flags and its examples.

use std::path::PathBuf;

use clap::{ArgGroup, Parser, Subcommand, ValueEnum};
use whoami_shared::{Email, Username};

use crate::aws::AwsArgs;
use crate::cognito::AuthFlow;
use crate::hosted::DEFAULT_PORT;

const ABOUT: &str = "Manage the users of a cognito-whoami user pool, sign in from the terminal and call the API";

const EXAMPLES: &str = "\
Examples:
  # One-time setup: copy the example config and fill in your pool, app client and API
  cp whoami.example.toml whoami.toml

  # Create a user with a permanent password, typed at a prompt without echo
  whoami-admin create-user --email lucian@example.com --password-stdin

  # Sign in and call the API with the ID token
  whoami-admin call-api --username lucian@example.com

  # Or get the ID token for curl
  TOKEN=$(whoami-admin login --username lucian@example.com)
  curl -H \"Authorization: $TOKEN\" https://abc123.execute-api.eu-west-1.amazonaws.com/test

  # Sign in on the user pool's own sign-in page, in your browser
  TOKEN=$(whoami-admin login --hosted)

  # Turn on multi-factor sign-in with an authenticator app
  whoami-admin mfa setup --username lucian@example.com

Exit status: 0 success, 1 the operation failed, 2 usage or configuration error.
Passwords are never flags: they are read from standard input with --password-stdin,
or prompted for without echo on a terminal. So are authenticator codes: when Cognito asks
for one, it is the next line of standard input, or a prompt.";

/// whoami-admin's command line.
#[derive(Debug, Parser)]
#[command(name = "whoami-admin", version, about = ABOUT, after_help = EXAMPLES)]
pub struct Cli {
    /// The config file
    #[arg(
        long,
        global = true,
        env = "WHOAMI_CONFIG",
        default_value = "whoami.toml",
        value_name = "PATH",
        help_heading = "Global options"
    )]
    pub config: PathBuf,
    #[command(flatten)]
    pub aws: AwsArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    CreateUser(CreateUser),
    Login(Login),
    SetPassword(SetPassword),
    DeleteUser(DeleteUser),
    ListUsers(ListUsers),
    /// Disable a user: they can no longer sign in or refresh, and their sessions end (admin credentials)
    #[command(after_help = "\
Examples:
  whoami-admin disable-user --username lucian@example.com

The user stays in the pool with their password and can be enabled again with enable-user.
Their refresh tokens stop working at once; an ID token already issued still opens the API
until it expires (15 minutes for the page's client).")]
    DisableUser(ForUser),
    /// Enable a disabled user again: they sign in with the password they had (admin credentials)
    #[command(after_help = "\
Examples:
  whoami-admin enable-user --username lucian@example.com

Sessions ended by disable-user stay ended: the user signs in again.")]
    EnableUser(ForUser),
    /// Sign a user out everywhere: every refresh token of theirs stops working (admin credentials)
    #[command(after_help = "\
Examples:
  # A lost laptop or a leaked token: end every session of the user, on every device
  whoami-admin sign-out-user --username lucian@example.com

Cognito's AdminUserGlobalSignOut: refresh and access tokens are revoked, so no device gets new
tokens without the password. ID tokens already issued still open the API until they expire
(15 minutes for the page's client): API Gateway checks their signature and expiry, not
revocation. The password is unchanged: if it leaked, also reset it (reset-password).")]
    SignOutUser(ForUser),
    /// Make a user choose a new password: the current one stops working (admin credentials)
    #[command(after_help = "\
Examples:
  whoami-admin reset-password --username lucian@example.com

  # The user then sets a new password with the code Cognito emailed them
  whoami-admin confirm-forgot-password --username lucian@example.com

Cognito's AdminResetUserPassword: the user's status becomes RESET_REQUIRED, signing in with the
old password is refused, and Cognito emails a code to their verified address. Without a verified
email the user cannot receive the code: give them a temporary password with
`set-password --temporary` instead.")]
    ResetPassword(ForUser),
    ForgotPassword(ForgotPassword),
    ConfirmForgotPassword(ConfirmForgotPassword),
    SignUp(SignUp),
    ConfirmSignUp(ConfirmSignUp),
    ResendConfirmationCode(ResendConfirmationCode),
    CallApi(CallApi),
    Configure(Configure),
    #[command(subcommand)]
    Mfa(Mfa),
}

/// Create a user with a verified email address and a password
#[derive(Debug, clap::Args)]
#[command(
    group(ArgGroup::new("initial_password").required(true).args(["password_stdin", "temporary_password_stdin"])),
    after_help = "\
Examples:
  # Permanent password: the user can sign in right away
  printf '%s\\n' \"$PASSWORD\" | whoami-admin create-user --email lucian@example.com --password-stdin

  # Temporary password: the user chooses a new one at first sign-in
  whoami-admin create-user --email ana@example.com --temporary-password-stdin --send-invite"
)]
#[allow(clippy::struct_excessive_bools, reason = "each is a command-line flag")]
pub struct CreateUser {
    /// The user's email address, also their username
    #[arg(long)]
    pub email: Email,
    /// Read a permanent password from standard input (prompted for on a terminal)
    #[arg(long)]
    pub password_stdin: bool,
    /// Read a temporary password from standard input; the user must change it at first sign-in
    #[arg(long)]
    pub temporary_password_stdin: bool,
    /// Let Cognito email the user an invitation with their username and temporary password.
    /// Only with --temporary-password-stdin: a permanent password must never travel by email
    #[arg(long, conflicts_with = "password_stdin")]
    pub send_invite: bool,
    /// Print the summary as JSON
    #[arg(long)]
    pub json: bool,
}

/// Which token `login` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TokenKind {
    /// The ID token, what the API expects
    Id,
    /// The access token
    Access,
    /// The refresh token
    Refresh,
}

/// Sign in with a password, or on the pool's hosted sign-in page, and print one token (the ID token by default)
#[derive(Debug, clap::Args)]
#[command(
    group(ArgGroup::new("how").required(true).args(["username", "hosted"])),
    group(ArgGroup::new("hosted_options").args(HOSTED_OPTIONS).multiple(true).conflicts_with("username")),
    after_help = "\
Examples:
  # Prompted for the password, prints the ID token; SRP proves the password without sending it
  whoami-admin login --username lucian@example.com

  # Through an app client that allows only USER_PASSWORD_AUTH, not SRP
  whoami-admin login --username lucian@example.com --auth-flow password

  # In a script, and straight into curl
  TOKEN=$(printf '%s\\n' \"$PASSWORD\" | whoami-admin login --username lucian@example.com --password-stdin)
  curl -H \"Authorization: $TOKEN\" \"$API_URL\"

  # First sign-in with a temporary password: current password, then the new one
  printf '%s\\n%s\\n' \"$TEMPORARY\" \"$NEW\" | whoami-admin login --username ana@example.com --password-stdin --new-password-stdin

  # A user with an authenticator app (MFA): the password, then the app's current code
  printf '%s\\n%s\\n' \"$PASSWORD\" 123456 | whoami-admin login --username ana@example.com --password-stdin

  # On the user pool's hosted sign-in page, in the browser (its own MFA, identity providers,
  # passkeys), which comes back to http://127.0.0.1:27183/callback
  TOKEN=$(whoami-admin login --hosted)

  # Where no browser can be opened (SSH): open the printed address on a browser of this machine
  TOKEN=$(whoami-admin login --hosted --no-browser)

When Cognito asks for a code from the user's authenticator app, it is read from the next line
of standard input (after the password, and the new password where one is asked for), or
prompted for without echo on a terminal. With --hosted, the browser's page asks for everything.")]
pub struct Login {
    #[command(flatten)]
    pub sign_in: Option<SignInArgs>,
    #[command(flatten)]
    pub hosted: HostedArgs,
    /// The token to print
    #[arg(long, value_enum, default_value_t = TokenKind::Id, conflicts_with = "json")]
    pub token: TokenKind,
    /// Print every token, with expiry and type, as one line of JSON
    #[arg(long)]
    pub json: bool,
}

/// The options that go only with `--hosted`: the commands that flatten [`HostedArgs`] make
/// them conflict with the other ways of signing in (clap's `requires` would count `--hosted`'s
/// default, false, as given).
const HOSTED_OPTIONS: [&str; 3] = ["port", "no_browser", "timeout"];

/// Signing in on the user pool's hosted sign-in page, in a browser, instead of with a password
/// typed here.
#[derive(Debug, clap::Args)]
pub struct HostedArgs {
    /// Sign in on the user pool's hosted sign-in page (hosted_ui_domain in the config file) in
    /// the browser, which comes back to this tool on 127.0.0.1 with a code (PKCE)
    #[arg(long, conflicts_with_all = ["username", "password_stdin", "new_password_stdin", "auth_flow"])]
    pub hosted: bool,
    /// The loopback port the browser comes back to: one of the app client's callback URLs,
    /// http://127.0.0.1:PORT/callback (template.yaml's CliCallbackPort)
    #[arg(long, default_value_t = DEFAULT_PORT, value_name = "PORT")]
    pub port: u16,
    /// Do not open a browser: print the sign-in page's address on standard error and wait
    #[arg(long)]
    pub no_browser: bool,
    /// How long to wait for the browser to come back, in seconds
    #[arg(long, default_value_t = 300, value_name = "SECONDS")]
    pub timeout: u64,
}

/// How to sign in: the username and where the passwords come from.
#[derive(Debug, clap::Args)]
pub struct SignInArgs {
    /// The username or email address
    #[arg(long)]
    pub username: Username,
    /// Read the password from the first line of standard input (prompted for on a terminal)
    #[arg(long)]
    pub password_stdin: bool,
    /// If Cognito asks for a new password (the user has a temporary one), answer with the next line of standard input
    #[arg(long)]
    pub new_password_stdin: bool,
    /// How to prove the password [default: auth_flow in the config file, else srp]. Use password
    /// only for an app client that does not allow SRP (ALLOW_USER_SRP_AUTH)
    #[arg(long, value_enum, value_name = "FLOW")]
    pub auth_flow: Option<AuthFlow>,
}

/// Set a user's password, permanent unless --temporary
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  printf '%s\\n' \"$PASSWORD\" | whoami-admin set-password --username lucian@example.com --password-stdin

  # Make the user choose a new password at next sign-in
  whoami-admin set-password --username lucian@example.com --password-stdin --temporary")]
pub struct SetPassword {
    /// The username or email address
    #[arg(long)]
    pub username: Username,
    /// Read the password from standard input (prompted for on a terminal)
    #[arg(long)]
    pub password_stdin: bool,
    /// The user must choose a new password at next sign-in
    #[arg(long)]
    pub temporary: bool,
}

/// Delete a user (asks for confirmation on a terminal unless --yes)
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  whoami-admin delete-user --username lucian@example.com
  whoami-admin delete-user --username lucian@example.com --yes")]
pub struct DeleteUser {
    /// The username or email address
    #[arg(long)]
    pub username: Username,
    /// Do not ask for confirmation (required when standard input is not a terminal)
    #[arg(long)]
    pub yes: bool,
}

/// List every user in the pool: username, email, status, enabled
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  whoami-admin list-users
  whoami-admin list-users --json | jq -r '.[].email'")]
pub struct ListUsers {
    /// Print a JSON array instead of tab-separated lines
    #[arg(long)]
    pub json: bool,
}

/// The one user an operator's chore is about.
#[derive(Debug, clap::Args)]
pub struct ForUser {
    /// The username or email address
    #[arg(long)]
    pub username: Username,
}

/// A user who forgot their password: Cognito emails them a code (no admin credentials)
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  whoami-admin forgot-password --username lucian@example.com
  # then, with the code from the email
  whoami-admin confirm-forgot-password --username lucian@example.com

Where the app client hides which users exist (PreventUserExistenceErrors, template.yaml's
clients), Cognito answers an unknown email exactly like a known one: no email arrives. The
code goes to the user's verified email only.")]
pub struct ForgotPassword {
    /// The username or email address
    #[arg(long)]
    pub username: Username,
}

/// Choose a new password with the code Cognito emailed: the code, then the new password
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  # Prompted for the code, then the new password, without echo
  whoami-admin confirm-forgot-password --username lucian@example.com

  # In a script: the code on the first line of standard input, the new password on the second
  printf '%s\\n%s\\n' \"$CODE\" \"$NEW\" | whoami-admin confirm-forgot-password --username lucian@example.com

The new password must meet the pool's policy. A wrong or expired code changes nothing.")]
pub struct ConfirmForgotPassword {
    /// The username or email address
    #[arg(long)]
    pub username: Username,
}

/// Sign up as a new user, where the pool allows self sign-up (no admin credentials)
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  whoami-admin sign-up --email ana@example.com
  printf '%s\\n' \"$PASSWORD\" | whoami-admin sign-up --email ana@example.com --password-stdin
  # then, with the code from the email
  whoami-admin confirm-sign-up --email ana@example.com

Only where template.yaml's SelfSignUp is true; otherwise Cognito refuses, and an administrator
creates users with create-user.")]
pub struct SignUp {
    /// The new user's email address, also their username
    #[arg(long)]
    pub email: Email,
    /// Read the password from standard input (prompted for on a terminal)
    #[arg(long)]
    pub password_stdin: bool,
}

/// Confirm a sign-up with the code Cognito emailed, read from standard input or a prompt
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  whoami-admin confirm-sign-up --email ana@example.com
  printf '%s\\n' \"$CODE\" | whoami-admin confirm-sign-up --email ana@example.com

Until then the user cannot sign in: login says to run this.")]
pub struct ConfirmSignUp {
    /// The email address the user signed up with
    #[arg(long)]
    pub email: Email,
}

/// Email a new sign-up code to a user who has not confirmed yet
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  whoami-admin resend-confirmation-code --email ana@example.com")]
pub struct ResendConfirmationCode {
    /// The email address the user signed up with
    #[arg(long)]
    pub email: Email,
}

/// Sign in (or take a token) and call the API with the ID token, printing its JSON answer
#[derive(Debug, clap::Args)]
#[command(
    group(ArgGroup::new("who").required(true).args(["username", "token_stdin", "hosted"])),
    group(ArgGroup::new("hosted_options").args(HOSTED_OPTIONS).multiple(true).conflicts_with_all(["username", "token_stdin"])),
    after_help = "\
Examples:
  # Prompted for the password
  whoami-admin call-api --username lucian@example.com

  # With a token from login
  whoami-admin login --username lucian@example.com | whoami-admin call-api --token-stdin

  # Signed in on the user pool's hosted sign-in page, in the browser
  whoami-admin call-api --hosted")]
pub struct CallApi {
    /// Sign in as this user (username or email address)
    #[arg(long)]
    pub username: Option<Username>,
    /// Read the password from standard input (prompted for on a terminal)
    #[arg(long, conflicts_with = "token_stdin")]
    pub password_stdin: bool,
    /// If Cognito asks for a new password, answer with the next line of standard input
    #[arg(long, conflicts_with = "token_stdin")]
    pub new_password_stdin: bool,
    /// How to prove the password [default: auth_flow in the config file, else srp]. Use password
    /// only for an app client that does not allow SRP (ALLOW_USER_SRP_AUTH)
    #[arg(long, value_enum, value_name = "FLOW", conflicts_with = "token_stdin")]
    pub auth_flow: Option<AuthFlow>,
    /// Read an ID token from standard input instead of signing in
    #[arg(long, conflicts_with = "hosted")]
    pub token_stdin: bool,
    #[command(flatten)]
    pub hosted: HostedArgs,
}

/// Multi-factor sign-in with an authenticator app (TOTP): set one up, see or turn off a user's
#[derive(Debug, Subcommand)]
#[command(after_help = "\
Examples:
  # The user turns it on: scan the printed URI (or its QR code) with the app, type its code
  whoami-admin mfa setup --username lucian@example.com

  # The operator, for a user who lost their phone: see what they have, turn the app off
  whoami-admin mfa status --username lucian@example.com
  whoami-admin mfa disable --username lucian@example.com

Whether users may (OPTIONAL) or must (ON) use MFA is the pool's setting: template.yaml's Mfa.")]
pub enum Mfa {
    Setup(MfaSetup),
    Status(MfaStatus),
    Disable(MfaDisable),
}

/// Sign in, then add an authenticator app and make it the user's preferred second factor
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  # Prompted for the password; prints an otpauth:// URI (and a QR code on a terminal) to add
  # to the app, then prompts for the code the app shows
  whoami-admin mfa setup --username lucian@example.com

  # In a script: the password on the first line; the URI on standard output; the code next
  whoami-admin mfa setup --username lucian@example.com --password-stdin < answers

Standard input, line by line: the password, the new password if Cognito asks for one (with
--new-password-stdin), a code from the current app if the user already has one, then the code
from the new entry. Exit status 0 only once MFA is on. Scanning the URI shows the secret to
whoever sees the screen: set it up in private.")]
pub struct MfaSetup {
    #[command(flatten)]
    pub sign_in: SignInArgs,
    /// The name the authenticator app shows above the account, e.g. your company or service
    #[arg(long, default_value = "cognito-whoami")]
    pub issuer: String,
}

/// Show which second factors a user has turned on and prefers (admin credentials)
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  whoami-admin mfa status --username lucian@example.com
  whoami-admin mfa status --username lucian@example.com --json | jq .preferred

SOFTWARE_TOKEN_MFA is an authenticator app (TOTP).")]
pub struct MfaStatus {
    /// The username or email address
    #[arg(long)]
    pub username: Username,
    /// Print one line of JSON: {\"username\", \"enabled\": [...], \"preferred\": ... or null}
    #[arg(long)]
    pub json: bool,
}

/// Turn off a user's authenticator app, e.g. when they lost their phone (admin credentials)
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  whoami-admin mfa disable --username lucian@example.com

The user then signs in with their password alone (where the pool's MFA is OPTIONAL; where it is
ON, they set up a new app at their next sign-in). Check who asks first: this removes a factor
that protects the account.")]
pub struct MfaDisable {
    /// The username or email address
    #[arg(long)]
    pub username: Username,
}

/// Write whoami.toml and the page's config.json from a deployed stack's outputs
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  # After `sam deploy`, in the stack's region
  whoami-admin configure --stack cognito-whoami --region eu-west-1

  # Into another directory, replacing files written before
  whoami-admin configure --stack cognito-whoami --out deploy/out --force

The files name the pool, the page's app client, the region and the API; no secret is written.")]
pub struct Configure {
    /// The CloudFormation stack's name (as given to `sam deploy`)
    #[arg(long, value_name = "NAME")]
    pub stack: String,
    /// Where to write whoami.toml and config.json
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out: PathBuf,
    /// Replace the files if they exist
    #[arg(long)]
    pub force: bool,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_command_has_examples() {
        let mut cli = Cli::command();
        for command in cli.get_subcommands_mut() {
            let help = command.render_long_help().to_string();
            assert!(help.contains("Examples:"), "{} --help has no examples", command.get_name());
            for sub in command.get_subcommands_mut().filter(|sub| sub.get_name() != "help") {
                let help = sub.render_long_help().to_string();
                assert!(help.contains("Examples:"), "{} --help has no examples", sub.get_name());
            }
        }
    }

    #[test]
    fn mfa_commands_parse() {
        let Command::Mfa(Mfa::Setup(setup)) =
            parse(&["mfa", "setup", "--username", "a@b.c", "--password-stdin"]).unwrap().command
        else {
            panic!("mfa setup");
        };
        assert_eq!(setup.issuer, "cognito-whoami");
        assert!(setup.sign_in.password_stdin);
        assert!(matches!(
            parse(&["mfa", "status", "--username", "a@b.c", "--json"]).unwrap().command,
            Command::Mfa(Mfa::Status(MfaStatus { json: true, .. }))
        ));
        for args in [&["mfa"][..], &["mfa", "disable"], &["mfa", "setup", "--username", "a@b.c", "--code", "123456"]] {
            assert_eq!(parse(args).unwrap_err().exit_code(), 2, "{args:?}");
        }
    }

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("whoami-admin").chain(args.iter().copied()))
    }

    #[test]
    fn passwords_are_never_flag_values() {
        let cli = parse(&["login", "--username", "a@b.c", "--password-stdin"]).unwrap();
        assert!(
            matches!(cli.command, Command::Login(Login { sign_in: Some(ref sign_in), .. }) if sign_in.password_stdin)
        );
        assert!(parse(&["login", "--username", "a@b.c", "--password", "x"]).is_err());
        assert!(parse(&["login", "--username", "a@b.c", "--password-stdin=x"]).is_err());
    }

    #[test]
    fn usage_mistakes_are_refused() {
        for args in [
            &["create-user", "--email", "a@b.c"][..],
            &["create-user", "--email", "nobody", "--password-stdin"],
            &["create-user", "--email", "a@b.c", "--password-stdin", "--temporary-password-stdin"],
            // Cognito's invitation would carry the permanent password in an email.
            &["create-user", "--email", "a@b.c", "--password-stdin", "--send-invite"],
            &["login", "--username", "a@b.c", "--token", "id", "--json"],
            &["login", "--username", "a b"],
            &["call-api"],
            &["call-api", "--token-stdin", "--username", "a@b.c"],
            &["call-api", "--token-stdin", "--password-stdin"],
            &["call-api", "--token-stdin", "--auth-flow", "srp"],
            // The hosted page asks for everything itself; its flags go with --hosted only.
            &["login"],
            &["login", "--hosted", "--username", "a@b.c"],
            &["login", "--hosted", "--password-stdin"],
            &["login", "--username", "a@b.c", "--no-browser"],
            &["login", "--username", "a@b.c", "--port", "8080"],
            &["call-api", "--hosted", "--token-stdin"],
            &["call-api", "--hosted", "--username", "a@b.c"],
            &["login", "--username", "a@b.c", "--auth-flow", "USER_SRP_AUTH"],
            &["list-users", "--region", "Europe"],
            // Plain HTTP only to this machine.
            &["list-users", "--endpoint-url", "http://cognito.example.com"],
        ] {
            let err = parse(args).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{args:?}");
        }
    }

    #[test]
    fn the_auth_flow_is_left_to_the_config_file_unless_given() {
        let flow = |args: &[&str]| match parse(args).unwrap().command {
            Command::Login(login) => login.sign_in.unwrap().auth_flow,
            Command::CallApi(call) => call.auth_flow,
            _ => unreachable!(),
        };
        assert_eq!(flow(&["login", "--username", "a@b.c"]), None);
        assert_eq!(flow(&["login", "--username", "a@b.c", "--auth-flow", "srp"]), Some(AuthFlow::Srp));
        assert_eq!(flow(&["call-api", "--username", "a@b.c", "--auth-flow", "password"]), Some(AuthFlow::Password));
        let help = Cli::command().find_subcommand_mut("login").unwrap().render_long_help().to_string();
        assert!(help.contains("does not allow SRP"), "{help}");
    }

    #[test]
    fn hosted_sign_in_parses_with_its_defaults() {
        let Command::Login(login) = parse(&["login", "--hosted"]).unwrap().command else { panic!("login") };
        assert!(login.sign_in.is_none() && login.hosted.hosted && !login.hosted.no_browser);
        assert_eq!((login.hosted.port, login.hosted.timeout), (DEFAULT_PORT, 300));
        let Command::Login(login) =
            parse(&["login", "--hosted", "--no-browser", "--port", "9000", "--timeout", "5"]).unwrap().command
        else {
            panic!("login")
        };
        assert!(login.hosted.no_browser);
        assert_eq!((login.hosted.port, login.hosted.timeout), (9000, 5));
        assert!(matches!(parse(&["call-api", "--hosted"]).unwrap().command, Command::CallApi(c) if c.hosted.hosted));
    }

    /// template.yaml's `CliCallbackPort` defaults to the port the CLI listens on by default.
    #[test]
    fn the_default_port_is_the_templates_callback_port() {
        let template = include_str!("../../template.yaml");
        let parameter = &template[template.find("  CliCallbackPort:\n").expect("template.yaml has CliCallbackPort")..];
        let default = parameter.lines().find_map(|l| l.trim().strip_prefix("Default: ")).unwrap();
        assert_eq!(default, DEFAULT_PORT.to_string());
    }

    #[test]
    fn aws_flags_go_anywhere() {
        let cli = parse(&["list-users", "--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:1"]).unwrap();
        assert_eq!(cli.aws.region.map(|r| r.to_string()).as_deref(), Some("us-east-1"));
        assert!(cli.aws.endpoint_url.is_some());
    }
}
