//! The hosted sign-in page's two halves as the user meets them, run from the on-demand module
//! (`self_service`): "Sign in with <name>" leaves for the hosted page (`SelfService::Hosted`),
//! and the way back (read by `restore_session`) finishes the sign-in or says in a sentence why
//! not. The requests are `api::hosted`'s.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{Screen, Ui};
use crate::api::Anonymous;

/// "Sign in with <name>": the browser goes to the hosted page, or the sign-in form comes back
/// with a sentence saying why not.
pub(super) fn sign_in(ui: Ui, anonymous: Anonymous) {
    if let Err(error) = anonymous.start_hosted_sign_in() {
        ui.screen.set(Screen::SignIn(anonymous));
        ui.fail(error.to_string());
    }
}

/// The hosted page sent the browser back: signed in, with the API's answer to follow, or the
/// sign-in form with a sentence.
pub(super) fn finish(ui: Ui, anonymous: Anonymous) {
    ui.notice.set(Some("Finishing your sign-in…".to_owned()));
    spawn_local(async move {
        let result = anonymous.finish_hosted_sign_in().await;
        ui.notice.set(None);
        match result {
            Ok(session) => ui.enter(session),
            Err(error) => {
                ui.screen.set(Screen::SignIn(anonymous));
                ui.fail(error.to_string());
            }
        }
    });
}
