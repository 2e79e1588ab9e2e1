//! Running commands so the user sees what runs, and a failure names the command.

use std::process::{Command, Stdio};

use anyhow::{Context, bail};

/// `cargo`, without the variables that `cargo run` set for xtask itself (`CARGO_PKG_NAME`,
/// `CARGO_MANIFEST_DIR`, ...). Build scripts such as ring's and aws-lc-sys's ask to be rerun
/// when those change, so a cargo started with xtask's values would rebuild them, and the next
/// plain `cargo test` would rebuild them back: minutes each way.
pub fn cargo() -> Command {
    let mut cargo = Command::new("cargo");
    without_cargo_run_env(&mut cargo);
    cargo
}

/// Removes from `command`'s environment what `cargo run` set for xtask (see [`cargo`]); for
/// programs that run cargo themselves, such as Trunk.
pub fn without_cargo_run_env(command: &mut Command) -> &mut Command {
    const SET_BY_CARGO_RUN: [&str; 4] =
        ["CARGO_CRATE_NAME", "CARGO_BIN_NAME", "CARGO_PRIMARY_PACKAGE", "CARGO_TARGET_TMPDIR"];
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("CARGO_PKG_") || name.starts_with("CARGO_MANIFEST_") || SET_BY_CARGO_RUN.contains(&&*name) {
            command.env_remove(&*name);
        }
    }
    command
}

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

/// `program arg arg…`, for messages, with a token given as an `Authorization:` header (the
/// load benchmark's) left out: no token text in any output.
pub fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        let arg = arg.to_string_lossy();
        text.push(' ');
        if arg.to_ascii_lowercase().starts_with("authorization:") {
            text.push_str("'Authorization: <token>'");
        } else {
            text.push_str(&arg);
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_described_command_shows_no_token() {
        let mut wrk = Command::new("wrk");
        wrk.args(["--header", "Authorization: eyJhbGciOi.secret.part", "http://127.0.0.1:1/api/"]);
        assert_eq!(describe(&wrk), "wrk --header 'Authorization: <token>' http://127.0.0.1:1/api/");
    }
}
