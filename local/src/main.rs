//! `whoami-local`: runs the local stack until Ctrl-C or SIGTERM. `cargo xtask dev` builds the
//! page and starts this.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use tokio::signal::unix::{Signal, SignalKind, signal};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;
use whoami_local::{Options, Stack};

/// The whole cognito-whoami system on this machine: moto for Cognito, a local API Gateway
/// in front of the Lambda's handler, and the page.
#[derive(Debug, Parser)]
#[command(after_help = "Example:\n  whoami-local --port 8080\n\nUsually started with `cargo xtask dev`.")]
struct Args {
    /// The port the page and API are served on, on 127.0.0.1 (0 picks a free one)
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// moto's server executable
    #[arg(long, default_value = ".local/venv/bin/moto_server")]
    moto_server: PathBuf,
    /// The built page
    #[arg(long, default_value = "dist")]
    dist: PathBuf,
    /// Where config.json and whoami.toml are written
    #[arg(long, default_value = ".local")]
    state_dir: PathBuf,
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
    let options =
        Options { port: args.port, moto_server: args.moto_server, dist: args.dist, state_dir: args.state_dir };
    // Listening from the start: a signal's default action would end this process at once and
    // leave moto running, during start-up or just after the ready line.
    let mut stop = std::pin::pin!(stop_signal());
    let stack = tokio::select! {
        started = Stack::start(&options) => match started {
            Ok(stack) => stack,
            Err(e) => {
                eprintln!("whoami-local: {e}");
                return ExitCode::from(2);
            }
        },
        // Dropping the half-started stack kills moto (`kill_on_drop`).
        () = &mut stop => {
            eprintln!("whoami-local: stopped while starting");
            return ExitCode::SUCCESS;
        }
    };
    if args.json {
        let ready = serde_json::json!({
            "url": stack.url,
            "config": stack.page_config,
            "demo_email": stack.provisioned.demo_email.as_str(),
            "demo_password": stack.provisioned.demo_password,
            "admin_config": stack.admin_config,
            "moto_pid": stack.moto_pid(),
        });
        println!("{ready}");
    }
    eprintln!(
        "\n  cognito-whoami is running at {url}\n\n  sign in as     {email}\n  password       {password}\n  admin config   {admin}\n  Cognito (moto) {moto}\n\n  The admin CLI against it:\n    cargo run -q -p whoami-admin -- --config {admin} list-users\n\n  Ctrl-C stops everything.\n",
        url = stack.url,
        email = stack.provisioned.demo_email,
        password = stack.provisioned.demo_password,
        admin = stack.admin_config.display(),
        moto = stack.page_config.cognito_endpoint,
    );
    stop.await;
    eprintln!("whoami-local: stopping");
    stack.stop().await;
    ExitCode::SUCCESS
}

/// Starts listening for Ctrl-C and for SIGTERM (what `kill`, process managers and CI runners
/// send), and returns what waits for either, so that both stop moto with the stack. The
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
            eprintln!("whoami-local: with neither, nothing could stop moto later; stopping");
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
