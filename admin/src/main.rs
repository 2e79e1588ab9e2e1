//! whoami-admin's entry point: parse the command line, load the config, build the clients, run.

use std::process::ExitCode;

use clap::Parser;
use whoami_admin::App;
use whoami_admin::cli::{Cli, Command};
use whoami_admin::config::Config;
use whoami_admin::secret::Input;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    // Usage errors exit with 2 here, --help and --version with 0.
    let cli = Cli::parse();
    let result = async {
        let command = match cli.command {
            // configure writes the config file, so it runs without one.
            Command::Configure(args) => {
                return whoami_admin::configure::run(&args, &cli.aws, &mut std::io::stdout().lock()).await;
            }
            command => command,
        };
        let config = Config::load(&cli.config)?;
        if let Some(warning) = config.secret_exposure_warning(&cli.config) {
            eprintln!("whoami-admin: {warning}");
        }
        let app = App::new(&cli.aws, &config).await;
        whoami_admin::run(command, &app, &mut Input::stdin(), &mut std::io::stdout().lock()).await
    };
    match result.await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("whoami-admin: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
