//! Starting the local stack's binary in the background for xtask's own runs (the browser
//! tests, the load benchmark), and stopping it however the run ends.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use anyhow::Context;

use crate::cmd;
use crate::setup::Tools;
use crate::workspace::Workspace;

/// Builds `whoami-local` and `whoami-admin` in one cargo invocation, so both land side by side
/// (the stack runs the CLI's `configure` and `create-user` as a user would) from one feature
/// resolution. Returns `whoami-local`.
pub fn build(ws: &Workspace, profile: Profile) -> anyhow::Result<PathBuf> {
    let (flag, dir, note) = match profile {
        Profile::Debug => (None, "debug", ""),
        Profile::Release => (Some("--release"), "release", " (release)"),
    };
    cmd::run(
        &format!("building the local stack and the admin CLI{note}"),
        cmd::cargo()
            .args(["build", "--quiet", "--locked", "-p", "whoami-local", "-p", "whoami-admin"])
            .args(flag)
            .current_dir(&ws.root),
    )?;
    Ok(ws.target_dir.join(dir).join("whoami-local"))
}

/// Which of cargo's profiles to build with.
#[derive(Debug, Clone, Copy)]
pub enum Profile {
    Debug,
    Release,
}

/// What the stack is made of, where it keeps its files, and how its pool is set up.
#[derive(Debug, Clone)]
pub struct StackFiles<'a> {
    /// `whoami-local`; `whoami-admin` must be beside it.
    pub binary: &'a Path,
    /// The function's zip for this machine, deployed with template.yaml.
    pub lambda_zip: &'a Path,
    /// The built page.
    pub dist: &'a Path,
    /// Where the stack writes config.json, whoami.toml and the emulator's files.
    pub state_dir: &'a Path,
    /// Deploy with self sign-up on (template.yaml's `SelfSignUp`), as `whoami-local
    /// --self-sign-up` does.
    pub self_sign_up: bool,
}

/// A running `whoami-local`; dropping it stops the stack (the emulator included).
#[derive(Debug)]
pub struct Stack {
    child: Child,
    /// What the stack printed when ready: url, config, demo user, admin config, the
    /// emulator's endpoint and pid.
    pub ready: serde_json::Value,
}

impl StackFiles<'_> {
    /// `whoami-local` with these files and setup's ministack; the caller adds the port.
    pub fn command(&self, ws: &Workspace, tools: &Tools) -> Command {
        let mut command = Command::new(self.binary);
        command
            .arg("--ministack")
            .arg(tools.local_aws_program("ministack"))
            .arg("--lambda-zip")
            .arg(self.lambda_zip)
            .arg("--template")
            .arg(ws.root.join("template.yaml"))
            .arg("--dist")
            .arg(self.dist)
            .arg("--state-dir")
            .arg(self.state_dir);
        if self.self_sign_up {
            command.arg("--self-sign-up");
        }
        command
    }
}

impl Stack {
    /// Starts the stack on a free port and waits until it says it is ready.
    /// `log_filter` is the stack's RUST_LOG (`info` logs every request).
    pub fn start(ws: &Workspace, files: &StackFiles<'_>, tools: &Tools, log_filter: &str) -> anyhow::Result<Self> {
        let mut child = files
            .command(ws, tools)
            .env("RUST_LOG", log_filter)
            .args(["--port", "0", "--json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {}", files.binary.display()))?;
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout is piped")).read_line(&mut line)?;
        // From here on, Drop stops it even if the line is not what was expected.
        let mut stack = Self { child, ready: serde_json::Value::Null };
        stack.ready = serde_json::from_str(&line).context("the local stack exited before it was ready")?;
        Ok(stack)
    }

    pub fn url(&self) -> &str {
        self.ready["url"].as_str().unwrap_or_default()
    }

    /// The stack's own process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The emulator's process id (the browser tests' fault test kills it).
    pub fn emulator_pid(&self) -> u64 {
        self.ready["emulator_pid"].as_u64().unwrap_or_default()
    }

    /// The admin CLI's config for this stack.
    pub fn admin_config(&self) -> PathBuf {
        PathBuf::from(self.ready["admin_config"].as_str().unwrap_or_default())
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        // SIGINT, as Ctrl-C would: the stack stops the emulator itself and exits.
        let _ = Command::new("kill").arg("-INT").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
    }
}
