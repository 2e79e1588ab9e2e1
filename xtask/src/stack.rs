//! Starting the local stack's binary in the background for xtask's own runs (the browser
//! tests, the load benchmark), and stopping it however the run ends.

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use anyhow::Context;

/// A running `whoami-local`; dropping it stops the stack (moto included).
#[derive(Debug)]
pub struct Stack {
    child: Child,
    /// What the stack printed when ready: url, config, demo user, admin config, moto's pid.
    pub ready: serde_json::Value,
}

impl Stack {
    /// Starts `binary` on a free port, writing its config files into `state_dir`, and waits
    /// until it says it is ready.
    /// `log_filter` is the stack's RUST_LOG (`info` logs every request).
    pub fn start(
        binary: &Path,
        moto_server: &Path,
        dist: &Path,
        state_dir: &Path,
        log_filter: &str,
    ) -> anyhow::Result<Self> {
        let mut child = Command::new(binary)
            .env("RUST_LOG", log_filter)
            .args(["--port", "0", "--json"])
            .arg("--moto-server")
            .arg(moto_server)
            .arg("--dist")
            .arg(dist)
            .arg("--state-dir")
            .arg(state_dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
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

    pub fn moto_pid(&self) -> u64 {
        self.ready["moto_pid"].as_u64().unwrap_or_default()
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        // SIGINT, as Ctrl-C would: the stack stops moto itself and exits.
        let _ = Command::new("kill").arg("-INT").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
    }
}
