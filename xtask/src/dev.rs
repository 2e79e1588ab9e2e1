//! `cargo xtask dev`: the whole system on this machine. Installs what is missing, builds the
//! page, the Lambda for this machine, the local stack and the admin CLI, then runs the stack
//! in the foreground until Ctrl-C.

use std::path::Path;
use std::process::Command;

use crate::{cmd, package, setup, stack, web};

pub fn run(root: &Path, port: u16) -> anyhow::Result<()> {
    let tools = setup::run()?;
    let dist = web::build(root, &tools)?;
    let lambda_zip = package::host_lambda_for_dev(root)?;
    let stack = stack::build(root, stack::Profile::Debug)?;
    // Ctrl-C reaches the stack too (same process group); it stops the emulator and exits.
    cmd::run(
        &format!("starting the local stack on 127.0.0.1:{port}"),
        Command::new(stack)
            .arg("--port")
            .arg(port.to_string())
            .arg("--ministack")
            .arg(tools.local_aws_program("ministack"))
            .arg("--lambda-zip")
            .arg(&lambda_zip)
            .arg("--template")
            .arg(root.join("template.yaml"))
            .arg("--dist")
            .arg(&dist)
            .arg("--state-dir")
            .arg(root.join(".local"))
            .current_dir(root),
    )
}
