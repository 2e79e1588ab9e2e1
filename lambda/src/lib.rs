//! The cognito-whoami API: answers a GET carrying a Cognito ID token with the caller's
//! verified email, and refuses everything else with a clear 401.
//!
//! [`handler::App::handle`] is the whole API as a plain function; `main.rs` only wires it to
//! the Lambda runtime. The local stack calls the same function in-process.

pub mod config;
pub mod handler;
pub mod identity;
pub mod init_error;
pub mod jwks;
pub mod reject;
pub mod verify;

#[cfg(feature = "testkit")]
pub mod testkit;

pub use config::Config;
pub use handler::App;
pub use reject::Rejection;
