//! What Cognito may ask for after the password, loaded on demand (most sign-ins go straight
//! to tokens): a new password for a temporary one, the code from the user's authenticator
//! app (choosing the app when Cognito offers several factors), or setting an app up when the
//! pool requires one (`mfa::SetUpApp`).

use std::rc::Rc;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::SplitLoaderError;
use whoami_shared::cognito::NEW_PASSWORD_REQUIRED;
use whoami_shared::mfa::{MFA_SETUP, SELECT_MFA_TYPE, SOFTWARE_TOKEN_MFA};

use super::mfa::{AppCodeField, SetUpApp, six_digits};
use super::{NewPasswordFields, Screen, Ui, focus, mount_on_demand, submitted};
use crate::api::mfa::{Enrolment, MfaError};
use crate::api::{Challenge, SignInStep};
use crate::errors::AuthError;

on_demand_fn! {
    /// The screen that answers `challenge`, by its name; a challenge this page cannot answer is
    /// a sentence and the sign-in form.
    pub(super) fn challenge_screen(ui: Ui, challenge: Rc<Challenge>) -> Result<(), SplitLoaderError> {
        let still_here = ui.screen.with_untracked(|s| matches!(s, Screen::Challenge(c) if Rc::ptr_eq(c, &challenge)));
        if !still_here {
            return Ok(());
        }
        match challenge.name.as_str() {
            NEW_PASSWORD_REQUIRED => {
                ui.notice.set(Some("Your password was temporary. Choose a new one to finish signing in.".to_owned()));
                mount_on_demand(true, move || view! { <NewPasswordForm ui challenge /> });
            }
            SOFTWARE_TOKEN_MFA => mount_on_demand(true, move || view! { <AppCodeForm ui challenge /> }),
            SELECT_MFA_TYPE if challenge.offers_app_choice() => {
                mount_on_demand(true, || view! { <p class="muted" role="status">"Signing in…"</p> });
                spawn_local(async move {
                    let result = challenge.choose_app().await;
                    settle(ui, &challenge, result);
                });
            }
            MFA_SETUP if challenge.can_set_up_app() => {
                ui.notice.set(Some(
                    "This account must sign in with a code from an authenticator app. Set one up to finish signing in."
                        .to_owned(),
                ));
                let enrolment = Enrolment::signing_in(Rc::clone(&challenge));
                mount_on_demand(true, move || view! { <SetUpApp ui enrolment /> });
            }
            other => {
                let unsupported = AuthError::UnsupportedChallenge(other.to_owned());
                ui.screen.set(Screen::SignIn(challenge.cancel()));
                ui.fail(unsupported.to_string());
            }
        }
        Ok(())
    }
}

/// Moves on after an answer within `challenge`: the next step, another try here, or the
/// sign-in form with the reason.
pub(super) fn settle(ui: Ui, challenge: &Rc<Challenge>, result: Result<SignInStep, MfaError>) {
    // The user may have cancelled meanwhile.
    if !ui.screen.with_untracked(|s| matches!(s, Screen::Challenge(c) if Rc::ptr_eq(c, challenge))) {
        return;
    }
    match result {
        Ok(step) => {
            ui.notice.set(None);
            ui.advance(step);
        }
        Err(error) if error.can_try_again() => ui.fail(error.to_string()),
        Err(error) => {
            ui.notice.set(None);
            ui.screen.set(Screen::SignIn(challenge.cancel()));
            ui.fail(error.to_string());
        }
    }
}

#[component]
fn NewPasswordForm(ui: Ui, challenge: Rc<Challenge>) -> impl IntoView {
    let busy = RwSignal::new(false);
    // The form replaces the sign-in form: put the cursor where the user types next.
    request_animation_frame(|| focus("new-password"));
    let cancel_challenge = Rc::clone(&challenge);
    let policy = challenge.password_policy();
    let submit = move |ev: SubmitEvent| {
        let Some([new_password, confirm]) = submitted(&ev, busy, ["new-password", "confirm-password"]) else {
            return;
        };
        ui.alert.set(None);
        if let Err(problem) = policy.check(&new_password, &confirm) {
            ui.fail(problem.to_string());
            return;
        }
        busy.set(true);
        let challenge = Rc::clone(&challenge);
        spawn_local(async move {
            let result = challenge.respond(&new_password).await;
            busy.set(false);
            match result {
                Ok(step) => {
                    ui.notice.set(None);
                    ui.advance(step);
                }
                Err(error @ AuthError::ChallengeExpired) => {
                    ui.notice.set(None);
                    ui.screen.set(Screen::SignIn(challenge.cancel()));
                    ui.fail(error.to_string());
                }
                Err(error) => ui.fail(error.to_string()),
            }
        });
    };
    let cancel = move |_| {
        ui.clear();
        ui.screen.set(Screen::SignIn(cancel_challenge.cancel()));
    };

    view! {
        <form on:submit=submit novalidate aria-busy=move || if busy.get() { "true" } else { "false" }>
            <NewPasswordFields policy label="New password" confirm="Confirm new password" />
            <button type="submit" disabled=move || busy.get()>
                {move || if busy.get() { "Saving…" } else { "Set new password" }}
            </button>
            <button type="button" class="secondary" on:click=cancel>
                "Cancel"
            </button>
        </form>
    }
}

/// SOFTWARE_TOKEN_MFA: the six digits the user's authenticator app shows now.
#[component]
fn AppCodeForm(ui: Ui, challenge: Rc<Challenge>) -> impl IntoView {
    let busy = RwSignal::new(false);
    request_animation_frame(|| focus("app-code"));
    ui.notice.set(Some("Enter the code from your authenticator app to finish signing in.".to_owned()));
    let cancel_challenge = Rc::clone(&challenge);
    let submit = move |ev: SubmitEvent| {
        let Some([typed]) = submitted(&ev, busy, ["app-code"]) else { return };
        ui.alert.set(None);
        let Some(code) = six_digits(ui, &typed) else { return };
        busy.set(true);
        let challenge = Rc::clone(&challenge);
        spawn_local(async move {
            let result = challenge.answer_code(&code).await;
            busy.set(false);
            settle(ui, &challenge, result);
        });
    };
    let cancel = move |_| {
        ui.clear();
        ui.screen.set(Screen::SignIn(cancel_challenge.cancel()));
    };

    view! {
        <form on:submit=submit novalidate aria-busy=move || if busy.get() { "true" } else { "false" }>
            <AppCodeField />
            <button type="submit" disabled=move || busy.get()>
                {move || if busy.get() { "Checking…" } else { "Sign in" }}
            </button>
            <button type="button" class="secondary" on:click=cancel>
                "Cancel"
            </button>
        </form>
    }
}
