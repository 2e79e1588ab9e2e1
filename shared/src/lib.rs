//! Types every cognito-whoami crate speaks: identifiers parsed once, the API's wire format,
//! the configuration files' formats, the app client secret, unverified token decoding,
//! Cognito's SECRET_HASH, its wire format (sign-in, multi-factor set-up, and the self-service calls) and its hosted
//! sign-in page's OAuth requests (PKCE).
//!
//! This crate does no I/O and builds for wasm32, so the page, the Lambda, the admin CLI and
//! the local gateway all use the same definitions instead of copies that drift apart.

pub mod api;
pub mod cognito;
pub mod files;
pub mod host;
pub mod ids;
pub mod mfa;
pub mod oauth;
pub mod secret;
pub mod secret_hash;
pub mod self_service;
pub mod srp;
pub mod token;

pub use ids::{AppClientId, Email, ParseIdError, ParseUsernameError, Region, UserPoolId, Username};
pub use secret::ClientSecret;
