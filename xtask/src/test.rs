//! `cargo xtask test`, everything CI checks.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::stack::{Stack, StackFiles};
use crate::workspace::Workspace;
use crate::{cmd, package, setup, template, web};

pub fn run(ws: &Workspace) -> anyhow::Result<()> {
    let tools = setup::run(ws)?;
    if let Some(source) = setup::StdSource::of(tools.wasm) {
        setup::check_std_fetch(&source, &ws.target_dir.join("std-fetch-check"))?;
    }
    cargo(ws, "checking formatting", &["fmt", "--all", "--check"])?;
    cargo(ws, "running clippy", &["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"])?;
    wasm_clippy(ws, &tools)?;
    // The runtime-protocol test drives the binary that ships, so build it first.
    cargo(
        ws,
        "building the Lambda (release)",
        &["build", "--release", "--locked", "-p", "whoami-lambda", "--bin", "bootstrap"],
    )?;
    let bootstrap = ws.target_dir.join("release").join("bootstrap");
    template::check(ws, &tools)?;
    package::lambda(ws, &package::Arch::ALL)?;
    // The local stack deploys the packaged zip for this machine: what is checked is what runs.
    let lambda_zip = package::host_zip(ws)?;
    cmd::run(
        "running every test",
        cmd::cargo()
            .args(["test", "--workspace", "--locked"])
            .env("WHOAMI_LAMBDA_BIN", &bootstrap)
            .env("WHOAMI_LAMBDA_ZIP", &lambda_zip)
            .env("WHOAMI_MINISTACK", tools.local_aws_program("ministack"))
            .current_dir(&ws.root),
    )?;
    if let Some(shipped) = package::host_binary(ws) {
        cmd::run(
            "running the runtime-protocol test against the packaged Lambda (cargo-zigbuild, glibc 2.34)",
            cmd::cargo()
                .args(["test", "--locked", "-p", "whoami-lambda", "--test", "runtime_api"])
                .env("WHOAMI_LAMBDA_BIN", shipped)
                .current_dir(&ws.root),
        )?;
    }
    cargo(ws, "running each benchmark once as a test", &["test", "--locked", "-p", "whoami-lambda", "--benches"])?;
    wasm_tests(ws, &tools)?;
    let dist = web::build(ws, &tools)?;
    browser_tests(ws, &tools, &dist, &lambda_zip)?;
    eprintln!("xtask: all checks passed");
    Ok(())
}

/// clippy over the page as the browser gets it: much of `frontend` (the JSON reader, storage,
/// base64) exists only for wasm32, which the workspace run above does not compile. Only with
/// rustup's wasm32 target: on the Debian route the wasm build's rustc is not clippy's.
fn wasm_clippy(ws: &Workspace, tools: &setup::Tools) -> anyhow::Result<()> {
    if tools.wasm != setup::WasmToolchain::Rustup {
        eprintln!("xtask: not running clippy on the page's wasm build: it needs rustup's wasm32 target");
        return Ok(());
    }
    let mut cargo = cmd::cargo();
    cargo
        .args(["clippy", "--locked", "-p", "whoami-frontend", "--target", "wasm32-unknown-unknown", "--all-targets"])
        .args(["--", "-D", "warnings"])
        .current_dir(&ws.root)
        .env("CARGO_TARGET_DIR", ws.target_dir.join("wasm"));
    cmd::run("running clippy on the page's wasm build", &mut cargo)
}

/// The page's logic compiled to wasm and run in headless Chromium (frontend/tests/web.rs;
/// Chromium's flags are in frontend/webdriver.json).
fn wasm_tests(ws: &Workspace, tools: &setup::Tools) -> anyhow::Result<()> {
    let mut cargo = cmd::cargo();
    cargo
        .args(["test", "--locked", "-p", "whoami-frontend", "--target", "wasm32-unknown-unknown"])
        // The test runner cannot serve split-off modules: everything in one (lib.rs, `on_demand_fn!`).
        .args(["--features", "unsplit"])
        .current_dir(&ws.root)
        // The wasm tests' own target directory (the page's release build has `wasm-page`).
        .env("CARGO_TARGET_DIR", ws.target_dir.join("wasm"))
        .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", &tools.wasm_bindgen_test_runner)
        .env("CHROMEDRIVER", &tools.chromedriver);
    for (name, value) in tools.wasm.env() {
        cargo.env(name, value);
    }
    cmd::run("running the page's wasm tests in headless Chromium", &mut cargo)
}

/// The page's flows in headless Chromium through a real local stack (e2e/), then the fault
/// test that kills the emulator, then a second start of the stack to show it comes back, then
/// signing up on a stack whose pool allows it.
fn browser_tests(ws: &Workspace, tools: &setup::Tools, dist: &Path, lambda_zip: &Path) -> anyhow::Result<()> {
    let e2e = ws.root.join("e2e");
    if npm_packages_stale(&e2e) {
        cmd::run(
            "installing the browser tests' npm packages",
            Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&e2e),
        )?;
    }
    // `cargo test --workspace` built the stack's binary for its own tests.
    let binary = ws.target_dir.join("debug").join("whoami-local");
    let state = ws.local("e2e");
    let artifacts = state.join("screenshots");
    let files = StackFiles { binary: &binary, lambda_zip, dist, state_dir: &state, self_sign_up: false };
    let stack = Stack::start(ws, &files, tools, "info")?;
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
    let again = Stack::start(ws, &files, tools, "info")?;
    eprintln!("xtask: the stack starts again after the emulator was killed ({})", again.url());
    drop(again);
    // Signing up needs a pool that allows it, which the default stack's does not.
    let state = ws.local("e2e-sign-up");
    let sign_up = Stack::start(ws, &StackFiles { state_dir: &state, self_sign_up: true, ..files }, tools, "info")?;
    cmd::run(
        &format!("running the sign-up browser tests against {} (self sign-up on)", sign_up.url()),
        Command::new("npm")
            .args(["run", "--silent", "test:sign-up"])
            .env("WHOAMI_E2E_URL", sign_up.url())
            .env("WHOAMI_E2E_ARTIFACTS", &artifacts)
            .current_dir(&e2e),
    )?;
    eprintln!("xtask: screenshots of each step are in {}", artifacts.display());
    Ok(())
}

/// Whether `e2e/node_modules` is missing or older than `package-lock.json` (a package added
/// since the last `npm ci`): npm writes `node_modules/.package-lock.json` at each install.
fn npm_packages_stale(e2e: &Path) -> bool {
    let modified = |path: PathBuf| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    match (modified(e2e.join("node_modules/.package-lock.json")), modified(e2e.join("package-lock.json"))) {
        (Some(installed), Some(wanted)) => installed < wanted,
        _ => true,
    }
}

fn cargo(ws: &Workspace, what: &str, args: &[&str]) -> anyhow::Result<()> {
    cmd::run(what, cmd::cargo().args(args).current_dir(&ws.root))
}
