//! The cognito-whoami web page (Leptos, client-side rendered): signs in against Cognito from
//! the browser and shows the email the API verified.
//!
//! `api` is the only module that makes requests; `config`, `errors`, `session` and
//! `password` are plain logic with native tests; `json` reads and writes JSON; `storage` keeps
//! the tokens in the browser; `lock` lets one tab at a time refresh them; `app` holds the
//! components.

/// Declares a function whose code goes into the wasm module the page fetches the first time
/// one of them is called (`#[wasm_split(self_service, fallible)]`, called with `.await`; its
/// `Err` is that module not fetched). Built with the `unsplit` feature, as the wasm tests are
/// (wasm-bindgen-test-runner runs the wasm as it is linked and cannot serve the module that
/// `cargo xtask build-web`'s splitter makes, so the splitter's imports would stop the tests
/// from loading), it is a plain `async fn` in the one module, whose load never fails.
macro_rules! on_demand_fn {
    ($(#[$meta:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty $body:block) => {
        #[cfg(not(feature = "unsplit"))]
        $(#[$meta])*
        #[allow(
            clippy::unnecessary_wraps,
            reason = "a fallible #[wasm_split] function returns a Result: its Err is the module not fetched"
        )]
        #[::leptos::wasm_split::wasm_split(self_service, wasm_split_path = ::leptos::wasm_split, fallible)]
        $vis fn $name($($arg: $ty),*) -> $ret $body

        #[cfg(feature = "unsplit")]
        $(#[$meta])*
        #[allow(
            clippy::unused_async,
            clippy::unnecessary_wraps,
            reason = "the same function as the split build's, where the call loads a module"
        )]
        $vis async fn $name($($arg: $ty),*) -> $ret $body
    };
}

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
