//! `cargo xtask bench-gateway`: load on the local stack's authenticated API with wrk, on
//! loopback and bounded in time. The figures go into BENCHMARKS.md.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::bail;

use crate::stack::{Profile, Stack, StackFiles};
use crate::workspace::Workspace;
use crate::{cmd, package, setup, web};

pub fn run(ws: &Workspace, seconds: u32, connections: &[u32]) -> anyhow::Result<()> {
    let tools = setup::run(ws)?;
    if cmd::output(Command::new("wrk").arg("--version")).is_none() && !Path::new("/usr/bin/wrk").exists() {
        cmd::run("installing wrk", Command::new("apt-get").args(["install", "-y", "-q", "wrk"]))?;
    }
    let dist = web::build(ws, &tools)?;
    let lambda_zip = package::host_lambda_for_dev(ws)?;
    let binary = crate::stack::build(ws, Profile::Release)?;
    let release = binary.parent().map(Path::to_path_buf).unwrap_or_default();
    let state = ws.local("bench");
    // A log line per request would make this a benchmark of the terminal.
    let files =
        StackFiles { binary: &binary, lambda_zip: &lambda_zip, dist: &dist, state_dir: &state, self_sign_up: false };
    let stack = Stack::start(ws, &files, &tools, "warn")?;
    let ready = &stack.ready;
    let url = format!("{}api/", stack.url());

    let mut login = Command::new(release.join("whoami-admin"))
        .arg("--config")
        .arg(stack.admin_config())
        .args(["login", "--password-stdin", "--username"])
        .arg(ready["demo_email"].as_str().unwrap_or_default())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    writeln!(login.stdin.take().expect("piped"), "{}", ready["demo_password"].as_str().unwrap_or_default())?;
    let out = login.wait_with_output()?;
    if !out.status.success() {
        bail!("the demo user could not sign in");
    }
    let token = String::from_utf8(out.stdout)?.trim().to_owned();

    for &c in connections {
        cmd::run(
            &format!("wrk: {c} connections, {seconds} s, GET {url} with the demo user's ID token"),
            Command::new("wrk")
                .args(["--threads", "2", "--latency", "--connections", &c.to_string()])
                .args(["--duration", &format!("{seconds}s"), "--header"])
                .arg(format!("Authorization: {token}"))
                .arg(&url),
        )?;
    }
    for (name, pid) in [("whoami-local", u64::from(stack.pid())), ("ministack", stack.emulator_pid())] {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        for line in status.lines().filter(|l| l.starts_with("VmHWM") || l.starts_with("VmRSS")) {
            eprintln!("xtask: {name} {line}");
        }
    }
    Ok(())
}
