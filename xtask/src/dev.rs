//! `cargo xtask dev`: the whole system on this machine. Installs what is missing, builds the
//! page, the Lambda for this machine, the local stack and the admin CLI, then runs the stack
//! in the foreground until Ctrl-C.

use std::path::Path;

use crate::{cmd, package, setup, stack, web};

pub fn run(root: &Path, port: u16) -> anyhow::Result<()> {
    let tools = setup::run()?;
    let dist = web::build(root, &tools)?;
    let lambda_zip = package::host_lambda_for_dev(root)?;
    let binary = stack::build(root, stack::Profile::Debug)?;
    let state_dir = root.join(".local");
    let files = stack::StackFiles { binary: &binary, lambda_zip: &lambda_zip, dist: &dist, state_dir: &state_dir };
    // Ctrl-C reaches the stack too (same process group); it stops the emulator and exits.
    cmd::run(
        &format!("starting the local stack on 127.0.0.1:{port}"),
        files.command(&tools).arg("--port").arg(port.to_string()).current_dir(root),
    )
}
