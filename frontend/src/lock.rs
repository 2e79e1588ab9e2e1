//! Work that one tab at a time may do, across every tab of the page's origin: the browser's
//! Web Locks API (`navigator.locks.request`).
//!
//! The page refreshes its tokens under a lock so that two tabs sharing tokens
//! (`token_storage: "local"`) make one refresh between them: with refresh-token rotation each
//! refresh token works once, and the tab that waited reads the tokens the other one stored.
//! web-sys keeps its LockManager binding behind an unstable cfg, and holding a lock across a
//! Rust future through it takes closures and a future-to-promise bridge, which cost the page
//! more than these few lines of JavaScript (BENCHMARKS.md, "The page").

use std::future::Future;

use js_sys::futures::JsFuture;
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r"
export function acquire(name) {
  return new Promise((granted) => {
    const unguarded = () => granted(() => {});
    if (!navigator.locks) return unguarded();
    navigator.locks.request(name, () => new Promise((release) => granted(release))).catch(unguarded);
  });
}
")]
extern "C" {
    /// Resolves, once the lock `name` is held, with the function that releases it (a function
    /// that does nothing where the browser has no Web Locks or refuses one).
    fn acquire(name: &str) -> Promise;
}

/// Runs `work` while holding the origin-wide lock `name`, waiting for any other tab that holds
/// it. Where the browser has no Web Locks (an old browser, an opaque origin), `work` runs at
/// once, unguarded: callers must still cope with another tab's change (see
/// `api::Authenticated::refresh_now`). Closing the tab releases the lock.
pub async fn exclusive<T>(name: &str, work: impl Future<Output = T>) -> T {
    let release = JsFuture::from(acquire(name)).await.ok().and_then(|f| f.dyn_into::<Function>().ok());
    let done = work.await;
    if let Some(release) = release {
        let _ = release.call0(&JsValue::UNDEFINED);
    }
    done
}
