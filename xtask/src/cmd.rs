//! Running commands so the user sees what runs, and a failure names the command.

use std::process::{Command, Stdio};

use anyhow::{Context, bail};

/// Prints `what`, then runs `command` with inherited output and fails if it fails.
pub fn run(what: &str, command: &mut Command) -> anyhow::Result<()> {
    eprintln!("xtask: {what}");
    let status = command.status().with_context(|| format!("could not start {}", describe(command)))?;
    if !status.success() {
        bail!("{what} failed: {} exited with {status}", describe(command));
    }
    Ok(())
}

/// The command's standard output if it ran and succeeded, quietly; `None` otherwise
/// (including when the program is not installed).
pub fn output(command: &mut Command) -> Option<String> {
    let out = command.stderr(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `program arg arg…`, for messages.
pub fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}
