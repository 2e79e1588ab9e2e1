//! `cargo xtask`: the project's chores as one typed CLI. Every command says what it is
//! doing, installs what is missing, and fails with the command that failed.

mod bench;
mod cmd;
mod dev;
mod fuzz;
mod package;
mod setup;
mod stack;
mod template;
mod test;
mod web;
mod workspace;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::workspace::Workspace;

#[derive(Debug, Parser)]
#[command(about = "Project chores for cognito-whoami", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Install what building and testing need, skipping what is already there:
    /// the wasm32 standard library, Trunk, wasm-bindgen-cli, ministack (in .local/aws),
    /// wasm-opt, esbuild and Chromium.
    Setup,
    /// Run the whole system locally: template.yaml deployed into ministack (Cognito, API
    /// Gateway with the template's authorizer, the Lambda), and the page on
    /// http://127.0.0.1:PORT/. Ctrl-C stops everything.
    Dev {
        /// The port for the page and the API
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Deploy the pool with self sign-up on (template.yaml's SelfSignUp=true): the page
        /// offers "Create account"
        #[arg(long)]
        self_sign_up: bool,
    },
    /// Everything CI checks: setup, rustfmt, clippy (-D warnings), every test, and the
    /// page's release build.
    Test,
    /// Build the web page into dist/ (release: Trunk for the HTML, then cargo, wasm-bindgen,
    /// wasm-opt and esbuild).
    BuildWeb,
    /// Build what deploys to AWS: the Lambda as target/lambda/<arch>/bootstrap.zip for
    /// provided.al2023 (linked against its glibc 2.34 with cargo-zigbuild, then checked), and
    /// the page's dist/. See deploy/README.md.
    Package {
        /// The Lambda architectures to build
        #[arg(long, value_enum, value_delimiter = ',', default_values_t = package::Arch::ALL)]
        arch: Vec<package::Arch>,
    },
    /// Load the local stack's authenticated API with wrk (installed if missing) and print
    /// throughput, latency and the gateway's memory.
    BenchGateway {
        /// How long each run lasts
        #[arg(long, default_value_t = 10)]
        seconds: u32,
        /// Concurrent connections, one run each
        #[arg(long, value_delimiter = ',', default_values_t = [64, 1000])]
        connections: Vec<u32>,
    },
    /// Run the token fuzzer (nightly and cargo-fuzz, installed if missing).
    Fuzz {
        /// How long to fuzz.
        #[arg(long, default_value_t = 60)]
        seconds: u64,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match Workspace::locate().and_then(|ws| run(&cli.command, &ws)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: &Command, ws: &Workspace) -> anyhow::Result<()> {
    match command {
        Command::Setup => setup::run(ws).map(drop),
        Command::Dev { port, self_sign_up } => dev::run(ws, *port, *self_sign_up),
        Command::Test => test::run(ws),
        Command::BuildWeb => {
            let tools = setup::run(ws)?;
            web::build(ws, &tools).map(drop)
        }
        Command::Package { arch } => package::run(ws, arch),
        Command::BenchGateway { seconds, connections } => bench::run(ws, *seconds, connections),
        Command::Fuzz { seconds } => fuzz::run(ws, *seconds),
    }
}
