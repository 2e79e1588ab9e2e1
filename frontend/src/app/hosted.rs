//! The hosted sign-in page's two halves as the user meets them, loaded on demand (module
//! `self_service`): "Sign in with <name>" leaves for the hosted page, and the way back finishes
//! the sign-in or says in a sentence why not. The requests are `api::hosted`'s.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::SplitLoaderError;

use super::Ui;
use crate::api::Anonymous;

on_demand_fn! {
    /// "Sign in with <name>": the browser goes to the hosted page (or a sentence says why not).
    pub(super) fn sign_in(ui: Ui, anonymous: Anonymous) -> Result<(), SplitLoaderError> {
        if let Err(error) = anonymous.start_hosted_sign_in() {
            ui.fail(error.to_string());
        }
        Ok(())
    }
}

on_demand_fn! {
    /// The hosted page sent the browser back: signed in, with the API's answer to follow, or the
    /// sign-in form with a sentence.
    pub(super) fn finish(ui: Ui, anonymous: Anonymous) -> Result<(), SplitLoaderError> {
        ui.notice.set(Some("Finishing your sign-in…".to_owned()));
        spawn_local(async move {
            let result = anonymous.finish_hosted_sign_in().await;
            ui.notice.set(None);
            match result {
                Ok(session) => ui.enter(session),
                Err(error) => ui.fail(error.to_string()),
            }
        });
        Ok(())
    }
}
