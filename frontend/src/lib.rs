//! The cognito-whoami web page (Leptos, client-side rendered): signs in against Cognito from
//! the browser and shows the email the API verified.
//!
//! `api` is the only module that makes requests; `config`, `errors`, `session` and
//! `password` are plain logic with native tests; `json` reads and writes JSON; `storage` keeps
//! the tokens in the browser; `lock` lets one tab at a time refresh them; `app` holds the
//! components.

pub mod api;
mod app;
pub mod base64;
pub mod bigint;
pub mod config;
pub mod errors;
pub mod json;
mod lock;
pub mod password;
pub mod session;
pub mod storage;

pub use app::mount;
