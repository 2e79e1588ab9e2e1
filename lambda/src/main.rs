//! The Lambda's entry point: logging, configuration read once, then the runtime loop.

use std::convert::Infallible;
use std::process::ExitCode;

use lambda_http::{Request, service_fn};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;
use whoami_lambda::{App, Config, init_error};

#[tokio::main]
async fn main() -> ExitCode {
    let runtime_api = std::env::var("AWS_LAMBDA_RUNTIME_API").ok();
    // RUST_LOG takes `info` or `warn,whoami_lambda=debug`; Lambda's own log-level setting
    // (AWS_LAMBDA_LOG_LEVEL) applies when it is unset.
    let filter = ["RUST_LOG", "AWS_LAMBDA_LOG_LEVEL"]
        .iter()
        .find_map(|name| std::env::var(name).ok()?.to_lowercase().parse::<Targets>().ok())
        .unwrap_or_else(|| Targets::new().with_default(tracing::Level::INFO));
    let logs = tracing_subscriber::fmt().with_writer(std::io::stderr);
    // CloudWatch wants one JSON object per line; people at a terminal want text.
    if runtime_api.is_some() {
        logs.json().flatten_event(true).without_time().with_ansi(false).finish().with(filter).init();
    } else {
        logs.finish().with(filter).init();
    }

    let config = match Config::from_vars(|name| std::env::var(name).ok()) {
        Ok(config) => config,
        Err(e) => {
            tracing::error!(error = %e, "cannot start");
            if let Some(api) = &runtime_api {
                init_error::report(api, &e.to_string()).await;
            }
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(user_pool = %config.user_pool_id, jwks_url = %config.jwks_url, "starting");

    // One App for the life of the container; leaking it gives the handler a 'static borrow.
    let app: &'static App = Box::leak(Box::new(App::new(&config)));
    let handler = service_fn(move |request: Request| async move { Ok::<_, Infallible>(app.handle(&request).await) });
    match lambda_http::run(handler).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "the runtime loop stopped");
            ExitCode::FAILURE
        }
    }
}
