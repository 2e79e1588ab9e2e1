//! What the local stack's test files share: where ministack is, and a Cognito client for it.

use std::path::{Path, PathBuf};

use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_cognitoidentityprovider::{Client, Config};
use whoami_local::ministack;

/// ministack: `WHOAMI_MINISTACK` (set by `cargo xtask test`), else where `cargo xtask setup`
/// installs it.
pub fn ministack_program() -> PathBuf {
    std::env::var_os("WHOAMI_MINISTACK")
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(ministack::INSTALLED_AT), PathBuf::from)
}

/// A Cognito client for the emulator at `endpoint`, signing with its root access key and
/// `secret_key` (its own is [`ministack::SECRET_KEY`]).
pub fn cognito(endpoint: &str, secret_key: &str) -> Client {
    let config = Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(ministack::REGION))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new(ministack::ACCESS_KEY, secret_key, None, None, "whoami-local tests"))
        .build();
    Client::from_conf(config)
}
