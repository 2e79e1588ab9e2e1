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

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
    },
    /// Everything CI checks: setup, rustfmt, clippy (-D warnings), every test, and the
    /// page's wasm build through Trunk.
    Test,
    /// Build the web page into dist/ (release, through Trunk).
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
    match run(&cli.command, &project_root()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: &Command, root: &Path) -> anyhow::Result<()> {
    match command {
        Command::Setup => setup::run().map(drop),
        Command::Dev { port } => dev::run(root, *port),
        Command::Test => test::run(root),
        Command::BuildWeb => {
            let tools = setup::run()?;
            web::build(root, &tools).map(drop)
        }
        Command::Package { arch } => package::run(root, arch),
        Command::BenchGateway { seconds, connections } => bench::run(root, *seconds, connections),
        Command::Fuzz { seconds } => fuzz::run(root, *seconds),
    }
}

/// Where cargo puts build output for this workspace (honours CARGO_TARGET_DIR).
fn target_dir(root: &Path) -> anyhow::Result<PathBuf> {
    let out = cmd::cargo().args(["metadata", "--format-version", "1", "--no-deps"]).current_dir(root).output()?;
    anyhow::ensure!(out.status.success(), "cargo metadata failed: {}", String::from_utf8_lossy(&out.stderr));
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let dir = metadata["target_directory"]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("cargo metadata names no target directory"))?;
    Ok(PathBuf::from(dir))
}

/// The workspace root: xtask's manifest directory is one level below it.
fn project_root() -> PathBuf {
    // `cargo run` sets CARGO_MANIFEST_DIR for the run too. Prefer that over the compile-time
    // value: with a target directory shared between checkouts, the binary may have been
    // built from another one.
    let manifest_dir =
        std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| env!("CARGO_MANIFEST_DIR").into(), PathBuf::from);
    manifest_dir.parent().expect("xtask lives inside the workspace").to_path_buf()
}
