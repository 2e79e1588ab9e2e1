//! `cargo xtask test`, everything CI checks.

use std::path::Path;
use std::process::Command;

use crate::stack::{Stack, StackFiles};
use crate::{cmd, package, setup, template, web};

pub fn run(root: &Path) -> anyhow::Result<()> {
    let tools = setup::run()?;
    if let Some(source) = setup::StdSource::of(tools.wasm) {
        setup::check_std_fetch(&source, &crate::target_dir(root)?.join("std-fetch-check"))?;
    }
    cargo(root, "checking formatting", &["fmt", "--all", "--check"])?;
    cargo(root, "running clippy", &["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"])?;
    wasm_clippy(root, &tools)?;
    // The runtime-protocol test drives the binary that ships, so build it first.
    cargo(
        root,
        "building the Lambda (release)",
        &["build", "--release", "--locked", "-p", "whoami-lambda", "--bin", "bootstrap"],
    )?;
    let bootstrap = crate::target_dir(root)?.join("release").join("bootstrap");
    template::check(root, &tools)?;
    package::lambda(root, &package::Arch::ALL)?;
    // The local stack deploys the packaged zip for this machine: what is checked is what runs.
    let lambda_zip = package::host_zip(root)?;
    cmd::run(
        "running every test",
        cmd::cargo()
            .args(["test", "--workspace", "--locked"])
            .env("WHOAMI_LAMBDA_BIN", &bootstrap)
            .env("WHOAMI_LAMBDA_ZIP", &lambda_zip)
            .env("WHOAMI_MINISTACK", tools.local_aws_program("ministack"))
            .current_dir(root),
    )?;
    if let Some(shipped) = package::host_binary(root)? {
        cmd::run(
            "running the runtime-protocol test against the packaged Lambda (cargo-zigbuild, glibc 2.34)",
            cmd::cargo()
                .args(["test", "--locked", "-p", "whoami-lambda", "--test", "runtime_api"])
                .env("WHOAMI_LAMBDA_BIN", shipped)
                .current_dir(root),
        )?;
    }
    cargo(root, "running each benchmark once as a test", &["test", "--locked", "-p", "whoami-lambda", "--benches"])?;
    wasm_tests(root, &tools)?;
    let dist = web::build(root, &tools)?;
    browser_tests(root, &tools, &dist, &lambda_zip)?;
    eprintln!("xtask: all checks passed");
    Ok(())
}

/// clippy over the page as the browser gets it: much of `frontend` (the JSON reader, storage,
/// base64) exists only for wasm32, which the workspace run above does not compile. Only with
/// rustup's wasm32 target: on the Debian route the wasm build's rustc is not clippy's.
fn wasm_clippy(root: &Path, tools: &setup::Tools) -> anyhow::Result<()> {
    if tools.wasm != setup::WasmToolchain::Rustup {
        eprintln!("xtask: not running clippy on the page's wasm build: it needs rustup's wasm32 target");
        return Ok(());
    }
    let mut cargo = cmd::cargo();
    cargo
        .args(["clippy", "--locked", "-p", "whoami-frontend", "--target", "wasm32-unknown-unknown", "--all-targets"])
        .args(["--", "-D", "warnings"])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", crate::target_dir(root)?.join("wasm"));
    cmd::run("running clippy on the page's wasm build", &mut cargo)
}

/// The page's logic compiled to wasm and run in headless Chromium (frontend/tests/web.rs;
/// Chromium's flags are in frontend/webdriver.json).
fn wasm_tests(root: &Path, tools: &setup::Tools) -> anyhow::Result<()> {
    let mut cargo = cmd::cargo();
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

/// The page's flows in headless Chromium through a real local stack (e2e/), then the fault
/// test that kills the emulator, then a second start of the stack to show it comes back.
fn browser_tests(root: &Path, tools: &setup::Tools, dist: &Path, lambda_zip: &Path) -> anyhow::Result<()> {
    let e2e = root.join("e2e");
    if !e2e.join("node_modules").join("playwright-core").exists() {
        cmd::run(
            "installing the browser tests' npm packages",
            Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&e2e),
        )?;
    }
    // `cargo test --workspace` built the stack's binary for its own tests.
    let binary = crate::target_dir(root)?.join("debug").join("whoami-local");
    let state = root.join(".local").join("e2e");
    let artifacts = root.join(".local").join("e2e").join("screenshots");
    let files = StackFiles { binary: &binary, lambda_zip, dist, state_dir: &state };
    let stack = Stack::start(&files, tools, "info")?;
    let npm = |what: &str, script: &str| {
        cmd::run(
            what,
            Command::new("npm")
                .args(["run", "--silent", script])
                .env("WHOAMI_E2E_URL", stack.url())
                .env("WHOAMI_E2E_EMULATOR_PID", stack.emulator_pid().to_string())
                .env("WHOAMI_E2E_ARTIFACTS", &artifacts)
                .current_dir(&e2e),
        )
    };
    npm(&format!("running the browser tests against {}", stack.url()), "test")?;
    npm("killing the emulator under a signed-in page", "test:faults")?;
    drop(stack);
    let again = Stack::start(&files, tools, "info")?;
    eprintln!("xtask: the stack starts again after the emulator was killed ({})", again.url());
    eprintln!("xtask: screenshots of each step are in {}", artifacts.display());
    Ok(())
}

fn cargo(root: &Path, what: &str, args: &[&str]) -> anyhow::Result<()> {
    cmd::run(what, cmd::cargo().args(args).current_dir(root))
}
