//! `cargo xtask fuzz`: the token fuzzer (fuzz/), with nightly and cargo-fuzz installed if missing.

use std::process::Command;

use crate::cmd;
use crate::workspace::Workspace;

/// Fuzzes token parsing and verification for `seconds`, installing nightly's cargo-fuzz
/// if needed. Findings land in fuzz/artifacts/.
pub fn run(ws: &Workspace, seconds: u64) -> anyhow::Result<()> {
    let toolchains = cmd::output(Command::new("rustup").args(["toolchain", "list"])).unwrap_or_default();
    if !toolchains.lines().any(|l| l.starts_with("nightly")) {
        cmd::run(
            "installing the nightly toolchain (cargo-fuzz needs it)",
            Command::new("rustup").args(["toolchain", "install", "nightly", "--profile", "minimal"]),
        )?;
    }
    if cmd::output(cmd::cargo().args(["fuzz", "--version"])).is_none() {
        cmd::run("installing cargo-fuzz", cmd::cargo().args(["install", "cargo-fuzz", "--locked"]))?;
    }
    let fuzz_dir = ws.root.join("fuzz");
    let corpus = fuzz_dir.join("corpus").join("token");
    std::fs::create_dir_all(&corpus)?;
    cmd::run(
        &format!("fuzzing token verification for {seconds} s"),
        cmd::cargo()
            .args(["+nightly", "fuzz", "run", "token"])
            .arg(&corpus)
            .arg(fuzz_dir.join("seeds"))
            .arg("--")
            .arg(format!("-max_total_time={seconds}"))
            .arg("-print_final_stats=1")
            .current_dir(&ws.root),
    )
}
