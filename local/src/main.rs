//! `whoami-local`: runs the local stack until Ctrl-C or SIGTERM. `cargo xtask dev` builds the
//! page, the Lambda and the admin CLI, and starts this.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use tokio::signal::unix::{Signal, SignalKind, signal};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;
use whoami_local::{Options, Stack};

/// The whole cognito-whoami system on this machine: template.yaml deployed into ministack (a
/// local AWS: Cognito, API Gateway with the template's authorizer, the Lambda running the real
/// `bootstrap`), configured with `whoami-admin configure`, and the page.
#[derive(Debug, Parser)]
#[command(after_help = "Example:\n  whoami-local --port 8080 --lambda-zip target/lambda/host/bootstrap.zip\n\n\
Usually started with `cargo xtask dev`, which builds everything it needs first.")]
struct Args {
    /// The port the page is served on, on 127.0.0.1 (0 picks a free one)
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// The function's zip, `bootstrap` built for this machine (`cargo xtask dev` makes it)
    #[arg(long, value_name = "ZIP")]
    lambda_zip: PathBuf,
    /// ministack's executable
    #[arg(long, default_value = whoami_local::ministack::INSTALLED_AT)]
    ministack: PathBuf,
    /// The SAM template to deploy
    #[arg(long, default_value = "template.yaml")]
    template: PathBuf,
    /// The admin CLI [default: whoami-admin beside this program]
    #[arg(long, value_name = "PATH")]
    admin: Option<PathBuf>,
    /// The built page
    #[arg(long, default_value = "dist")]
    dist: PathBuf,
    /// Where config.json, whoami.toml and the emulator's files are written
    #[arg(long, default_value = ".local")]
    state_dir: PathBuf,
    /// Deploy with self sign-up on (template.yaml's SelfSignUp=true): the page offers "Create
    /// account" and `whoami-admin sign-up` works
    #[arg(long)]
    self_sign_up: bool,
    /// When ready, print one JSON line describing the stack on standard output (for tests)
    #[arg(long)]
    json: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    // RUST_LOG takes `info` (the default: one line per API request) or `warn` and the like.
    let filter = std::env::var("RUST_LOG")
        .ok()
        .and_then(|f| f.to_lowercase().parse::<Targets>().ok())
        .unwrap_or_else(|| Targets::new().with_default(tracing::Level::INFO));
    tracing_subscriber::fmt().with_writer(std::io::stderr).with_target(false).finish().with(filter).init();
    let args = Args::parse();
    let Some(admin) =
        args.admin.or_else(|| std::env::current_exe().ok().and_then(|exe| Some(exe.parent()?.join("whoami-admin"))))
    else {
        eprintln!("whoami-local: cannot tell where this program is; name the admin CLI with --admin PATH");
        return ExitCode::from(2);
    };
    let options = Options {
        port: args.port,
        ministack: args.ministack,
        dist: args.dist,
        state_dir: args.state_dir,
        template: args.template,
        lambda_zip: args.lambda_zip,
        admin,
        show_emails: true,
        self_sign_up: args.self_sign_up,
    };
    // Listening from the start: a signal's default action would end this process at once and
    // leave the emulator running, during start-up or just after the ready line.
    let mut stop = std::pin::pin!(stop_signal());
    let stack = tokio::select! {
        started = Stack::start(&options) => match started {
            Ok(stack) => stack,
            Err(e) => {
                eprintln!("whoami-local: {e}");
                return ExitCode::from(2);
            }
        },
        // Dropping the half-started stack kills the emulator and its children.
        () = &mut stop => {
            eprintln!("whoami-local: stopped while starting");
            return ExitCode::SUCCESS;
        }
    };
    if args.json {
        let ready = serde_json::json!({
            "url": stack.url,
            "config": stack.page_config,
            "outputs": stack.outputs,
            "endpoint": stack.endpoint,
            "emulated_api_url": stack.emulated_api_url,
            "demo_email": stack.demo_email,
            "demo_password": stack.demo_password,
            "admin_config": stack.admin_config,
            "emulator_pid": stack.emulator_pid(),
        });
        println!("{ready}");
    }
    eprintln!(
        "\n  cognito-whoami is running at {url}\n\n  sign in as     {email}\n  password       {password}\n  admin config   {admin}\n  local AWS      {endpoint} (ministack; stack {stack}, API {api})\n\n  The admin CLI against it:\n    cargo run -q -p whoami-admin -- --config {admin} list-users\n\n  Emails Cognito sends (codes) are shown here. Ctrl-C stops everything.\n",
        url = stack.url,
        email = stack.demo_email,
        password = stack.demo_password,
        admin = stack.admin_config.display(),
        endpoint = stack.endpoint,
        stack = whoami_local::STACK_NAME,
        api = stack.emulated_api_url,
    );
    stop.await;
    eprintln!("whoami-local: stopping");
    stack.stop().await;
    ExitCode::SUCCESS
}

/// Starts listening for Ctrl-C and for SIGTERM (what `kill`, process managers and CI runners
/// send), and returns what waits for either, so that both stop the emulator with the stack. The
/// listening starts when this is called, not when the result is first awaited.
fn stop_signal() -> impl Future<Output = ()> {
    let listen = |kind: SignalKind, name: &str| match signal(kind) {
        Ok(listener) => Some(listener),
        Err(e) => {
            eprintln!("whoami-local: cannot wait for {name} ({e})");
            None
        }
    };
    let interrupt = listen(SignalKind::interrupt(), "Ctrl-C");
    let terminate = listen(SignalKind::terminate(), "SIGTERM");
    async move {
        if interrupt.is_none() && terminate.is_none() {
            eprintln!("whoami-local: with neither, nothing could stop the emulator later; stopping");
            return;
        }
        tokio::select! {
            () = received(interrupt) => {}
            () = received(terminate) => {}
        }
    }
}

/// Resolves when `listener` receives its signal; never, without a listener.
async fn received(listener: Option<Signal>) {
    match listener {
        Some(mut listener) => {
            listener.recv().await;
        }
        None => std::future::pending().await,
    }
}
