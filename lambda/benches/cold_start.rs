//! Time from starting the release binary to its first poll of the Runtime API, and to its
//! first answer, against the loopback Runtime API emulator. Prints min, median and p95
//! over repeated starts; criterion's statistics do not fit a process start. See BENCHMARKS.md.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use whoami_lambda::testkit::RuntimeApi;

const REST_V1_AUTHORIZER: &str = include_str!("../tests/data/rest_v1_cognito_authorizer.json");
const STARTS: usize = 50;

#[tokio::main]
async fn main() {
    // `cargo test --benches` runs each bench once in test mode; a single start is enough there.
    let starts = if std::env::args().any(|a| a == "--bench") { STARTS } else { 1 };
    let binary = env!("CARGO_BIN_EXE_bootstrap");
    let mut to_poll = Vec::with_capacity(starts);
    let mut to_answer = Vec::with_capacity(starts);
    for _ in 0..starts {
        let api = RuntimeApi::start().await;
        api.invoke(REST_V1_AUTHORIZER);
        let started = Instant::now();
        let mut child = Command::new(binary)
            .env_clear()
            .env("AWS_LAMBDA_RUNTIME_API", api.host_port())
            .env("AWS_LAMBDA_FUNCTION_NAME", "whoami")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("USER_POOL_ID", "eu-west-1_TestPool1")
            .env("APP_CLIENT_ID", "testclient0123456789abcdef")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the bootstrap binary starts");
        let polled = api.poll(Duration::from_secs(10)).await.expect("the function polls");
        let reply = api.reply(Duration::from_secs(10)).await.expect("the function answers");
        let answered = Instant::now();
        assert!(reply.body.contains(r#"\"email\":\"lucian@example.com\""#), "{}", reply.body);
        to_poll.push(polled - started);
        to_answer.push(answered - started);
        child.kill().ok();
        child.wait().ok();
    }
    report("start to first Runtime API poll", &mut to_poll);
    report("start to first answer (REST authorizer event)", &mut to_answer);
}

fn report(what: &str, samples: &mut [Duration]) {
    samples.sort();
    // Nearest-rank percentiles: the sample at `percent` of the way through the sorted list.
    let at = |percent: usize| samples[(samples.len() - 1) * percent / 100].as_secs_f64() * 1000.0;
    println!(
        "{what}: min {:.2} ms, median {:.2} ms, p95 {:.2} ms over {} starts",
        at(0),
        at(50),
        at(95),
        samples.len()
    );
}
