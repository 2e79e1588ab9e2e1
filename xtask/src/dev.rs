//! `cargo xtask dev`: the whole system on this machine. Installs what is missing, builds the
//! page, the Lambda for this machine, the local stack and the admin CLI, then runs the stack
//! in the foreground until Ctrl-C.

use crate::workspace::Workspace;
use crate::{cmd, package, setup, stack, web};

pub fn run(ws: &Workspace, port: u16, self_sign_up: bool) -> anyhow::Result<()> {
    let tools = setup::run(ws)?;
    let dist = web::build(ws, &tools)?;
    let lambda_zip = package::host_lambda_for_dev(ws)?;
    let binary = stack::build(ws, stack::Profile::Debug)?;
    let state_dir = ws.root.join(".local");
    let files = stack::StackFiles {
        binary: &binary,
        lambda_zip: &lambda_zip,
        dist: &dist,
        state_dir: &state_dir,
        self_sign_up,
    };
    // Ctrl-C reaches the stack too (same process group); it stops the emulator and exits.
    cmd::run(
        &format!("starting the local stack on 127.0.0.1:{port}"),
        files.command(ws, &tools).arg("--port").arg(port.to_string()).current_dir(&ws.root),
    )
}
