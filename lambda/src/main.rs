//! The Lambda's entry point: logging, configuration read once, then the runtime loop.

use std::convert::Infallible;
use std::process::ExitCode;

use lambda_http::{Request, service_fn};
use tracing_subscriber::EnvFilter;
use whoami_lambda::{App, Config, init_error};

#[tokio::main]
async fn main() -> ExitCode {
    let runtime_api = std::env::var("AWS_LAMBDA_RUNTIME_API").ok();
    let filter = EnvFilter::try_from_env("AWS_LAMBDA_LOG_LEVEL")
        .or_else(|_| EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    // CloudWatch wants one JSON object per line; people at a terminal want text.
    if runtime_api.is_some() {
        logs.json().flatten_event(true).without_time().with_ansi(false).init();
    } else {
        logs.init();
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
