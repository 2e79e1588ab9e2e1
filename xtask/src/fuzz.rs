//! `cargo xtask fuzz`: the token fuzzer (fuzz/), with nightly and cargo-fuzz installed if missing.

use std::process::Command;

use crate::workspace::Workspace;
use crate::{cmd, setup};

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
    setup::cargo_install(&setup::CargoTool {
        krate: "cargo-fuzz",
        program: "cargo-fuzz",
        // Not pinned, like the nightly toolchain it runs with.
        version: None,
        // What cargo runs for `cargo fuzz --version`.
        version_args: &["fuzz", "--version"],
        flags: &["--locked"],
        takes: "a few minutes, once",
    })?;
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
