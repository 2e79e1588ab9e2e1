//! `cargo xtask test`, everything CI checks, and `cargo xtask fuzz`.

use std::path::Path;
use std::process::Command;

use crate::{cmd, setup, web};

pub fn run(root: &Path) -> anyhow::Result<()> {
    let tools = setup::run()?;
    cargo(root, "checking formatting", &["fmt", "--all", "--check"])?;
    cargo(root, "running clippy", &["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"])?;
    // The runtime-protocol test drives the binary that ships, so build it first.
    cargo(
        root,
        "building the Lambda (release)",
        &["build", "--release", "--locked", "-p", "whoami-lambda", "--bin", "bootstrap"],
    )?;
    let bootstrap = crate::target_dir(root)?.join("release").join("bootstrap");
    cmd::run(
        "running every test",
        Command::new("cargo")
            .args(["test", "--workspace", "--locked"])
            .env("WHOAMI_LAMBDA_BIN", &bootstrap)
            .env("WHOAMI_MOTO_SERVER", &tools.moto_server)
            .current_dir(root),
    )?;
    cargo(root, "running each benchmark once as a test", &["test", "--locked", "-p", "whoami-lambda", "--benches"])?;
    wasm_tests(root, &tools)?;
    web::build(root, &tools)?;
    eprintln!("xtask: all checks passed");
    Ok(())
}

/// The page's logic compiled to wasm and run in headless Chromium (frontend/tests/web.rs;
/// Chromium's flags are in frontend/webdriver.json).
fn wasm_tests(root: &Path, tools: &setup::Tools) -> anyhow::Result<()> {
    let mut cargo = Command::new("cargo");
    cargo
        .args(["test", "--locked", "-p", "whoami-frontend", "--target", "wasm32-unknown-unknown"])
        .current_dir(root)
        // The wasm build's own target directory, shared with Trunk's.
        .env("CARGO_TARGET_DIR", crate::target_dir(root)?.join("wasm"))
        .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", "wasm-bindgen-test-runner")
        .env("CHROMEDRIVER", setup::chromedriver());
    for (name, value) in tools.wasm.env() {
        cargo.env(name, value);
    }
    cmd::run("running the page's wasm tests in headless Chromium", &mut cargo)
}

fn cargo(root: &Path, what: &str, args: &[&str]) -> anyhow::Result<()> {
    cmd::run(what, Command::new("cargo").args(args).current_dir(root))
}

/// Fuzzes token parsing and verification for `seconds`, installing nightly's cargo-fuzz
/// if needed. Findings land in fuzz/artifacts/.
pub fn fuzz(root: &Path, seconds: u64) -> anyhow::Result<()> {
    let toolchains = cmd::output(Command::new("rustup").args(["toolchain", "list"])).unwrap_or_default();
    if !toolchains.lines().any(|l| l.starts_with("nightly")) {
        cmd::run(
            "installing the nightly toolchain (cargo-fuzz needs it)",
            Command::new("rustup").args(["toolchain", "install", "nightly", "--profile", "minimal"]),
        )?;
    }
    if cmd::output(Command::new("cargo").args(["fuzz", "--version"])).is_none() {
        cmd::run("installing cargo-fuzz", Command::new("cargo").args(["install", "cargo-fuzz", "--locked"]))?;
    }
    let fuzz_dir = root.join("fuzz");
    let corpus = fuzz_dir.join("corpus").join("token");
    std::fs::create_dir_all(&corpus)?;
    cmd::run(
        &format!("fuzzing token verification for {seconds} s"),
        Command::new("cargo")
            .args(["+nightly", "fuzz", "run", "token"])
            .arg(&corpus)
            .arg(fuzz_dir.join("seeds"))
            .arg("--")
            .arg(format!("-max_total_time={seconds}"))
            .arg("-print_final_stats=1")
            .current_dir(root),
    )
}
