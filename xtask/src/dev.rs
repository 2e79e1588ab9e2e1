//! `cargo xtask dev`: the whole system on this machine. Installs what is missing, builds
//! the page, then runs the local stack in the foreground until Ctrl-C.

use std::path::Path;
use std::process::Command;

use crate::{cmd, setup, web};

pub fn run(root: &Path, port: u16) -> anyhow::Result<()> {
    let tools = setup::run()?;
    let dist = web::build(root, &tools)?;
    // Ctrl-C reaches the stack too (same process group); it stops moto and exits cleanly.
    cmd::run(
        &format!("starting the local stack on 127.0.0.1:{port}"),
        Command::new("cargo")
            .args(["run", "--quiet", "--locked", "-p", "whoami-local", "--"])
            .arg("--port")
            .arg(port.to_string())
            .arg("--moto-server")
            .arg(&tools.moto_server)
            .arg("--dist")
            .arg(&dist)
            .arg("--state-dir")
            .arg(root.join(".local"))
            .current_dir(root),
    )
}
