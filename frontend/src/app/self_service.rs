//! The screens users open for themselves, each loaded on demand (most visits never need
//! them): a forgotten password, signing up and confirming an account, and, signed in,
//! changing the password and signing out on every device, all in one module
//! (`self_service`). Every request is made by `api::self_service`.

use leptos::either::Either;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::SplitLoaderError;
use whoami_shared::Email;

use super::{NewPasswordFields, Screen, SelfService, Ui, focus, mount_on_demand, submitted};
use crate::api::{Anonymous, Authenticated};

/// What a session from the hosted sign-in page reads for "Change password" and "Sign out
/// everywhere": its access token has the scopes asked for there (`openid email`), and Cognito
/// takes ChangePassword and GlobalSignOut only with `aws.cognito.signin.user.admin`. The buttons
/// are shown all the same: telling the sessions apart in the signed-in view would cost the
/// first visit's wasm.
const HOSTED_SESSION: &str = "This page cannot change the password or sign out other devices for a session that began on the sign-in page. Ask an administrator.";

/// What the user reads for an email that does not parse.
const ENTER_EMAIL: &str = "Enter your email address, such as name@example.com.";

on_demand_fn! {
    /// A forgotten password, signing up, or confirming an account, as `start` says; or "Sign in
    /// with <name>", which leaves for the hosted page.
    pub(super) fn self_service_screen(ui: Ui, anonymous: Anonymous, start: SelfService) -> Result<(), SplitLoaderError> {
        let still_here = ui.screen.with_untracked(|s| matches!(s, Screen::SelfService(..)));
        if let SelfService::Hosted = start {
            if still_here {
                super::hosted::sign_in(ui, anonymous);
            }
            return Ok(());
        }
        mount_on_demand(still_here, move || match start {
            SelfService::ForgotPassword => Either::Left(view! { <ForgotPassword ui anonymous /> }),
            SelfService::SignUp => Either::Right(view! { <SignUp ui anonymous pending=None /> }),
            SelfService::Confirm { email, password } => {
                ui.notice.set(Some(
                    "This account is not confirmed yet. Enter the code from the email you were sent, or ask for a new one."
                        .to_owned(),
                ));
                Either::Right(view! { <SignUp ui anonymous pending=Some((email, password)) /> })
            }
            SelfService::Hosted => unreachable!("handled above"),
        });
        Ok(())
    }
}

on_demand_fn! {
    /// Changing the password while signed in.
    pub(super) fn change_password_screen(ui: Ui, session: Authenticated) -> Result<(), SplitLoaderError> {
        if session.hosted() {
            ui.screen.set(Screen::SignedIn(session));
            ui.fail(HOSTED_SESSION.to_owned());
            return Ok(());
        }
        let still_here = ui.screen.with_untracked(|s| matches!(s, Screen::ChangePassword(now) if now.same(&session)));
        mount_on_demand(still_here, move || view! { <ChangePassword ui session /> });
        Ok(())
    }
}

on_demand_fn! {
    /// GlobalSignOut, then the sign-in form with a sentence saying what it did.
    pub(super) fn sign_out_everywhere(ui: Ui, session: Authenticated) -> Result<(), SplitLoaderError> {
        if session.hosted() {
            ui.fail(HOSTED_SESSION.to_owned());
            return Ok(());
        }
        ui.notice.set(Some("Signing out everywhere…".to_owned()));
        spawn_local(async move {
            let result = session.sign_out_everywhere().await;
            // The user may have signed out here meanwhile.
            if ui.session().is_none_or(|now| !now.same(&session)) {
                return;
            }
            match result {
                Ok(anonymous) => {
                    ui.email.set(None);
                    ui.checking.set(false);
                    ui.screen.set(Screen::SignIn(anonymous));
                    ui.notice.set(Some(
                        "You are signed out on every device. Each one's session ends when it next renews it, within an hour."
                            .to_owned(),
                    ));
                }
                Err(error) => {
                    ui.notice.set(None);
                    ui.fail(error.to_string());
                }
            }
        });
        Ok(())
    }
}

/// The email, then the emailed code with a new password, then signed in.
#[component]
fn ForgotPassword(ui: Ui, anonymous: Anonymous) -> impl IntoView {
    let busy = RwSignal::new(false);
    let sent_to = RwSignal::new(None::<Email>);
    let policy = anonymous.password_policy();
    // The views below are rebuilt by reactive closures, which must be `Send`: they hold a
    // handle to the state instead of the state.
    let stored = StoredValue::new_local(anonymous);
    request_animation_frame(|| focus("reset-email"));

    let send = move |ev: SubmitEvent| {
        let Some([email]) = submitted(&ev, busy, ["email"]) else { return };
        ui.clear();
        let Ok(email) = email.trim().parse::<Email>() else {
            ui.fail(ENTER_EMAIL.to_owned());
            return;
        };
        busy.set(true);
        let anonymous = stored.get_value();
        spawn_local(async move {
            let result = anonymous.send_reset_code(&email).await;
            busy.set(false);
            match result {
                Ok(()) => {
                    // The same words whether or not the account exists (Cognito answers alike).
                    ui.notice.set(Some(format!("If an account uses {email}, a code is on its way to it.")));
                    sent_to.set(Some(email));
                    request_animation_frame(|| focus("code"));
                }
                Err(error) => ui.fail(error.to_string()),
            }
        });
    };
    let reset = move |ev: SubmitEvent| {
        let Some([code, new_password, confirm]) = submitted(&ev, busy, ["code", "new-password", "confirm-password"])
        else {
            return;
        };
        ui.alert.set(None);
        let Some(email) = sent_to.get_untracked() else { return };
        let Some(code) = entered_code(ui, &code) else { return };
        if let Err(problem) = policy.check(&new_password, &confirm) {
            ui.fail(problem.to_string());
            return;
        }
        busy.set(true);
        let anonymous = stored.get_value();
        spawn_local(async move {
            let result = anonymous.reset_password(&email, &code, &new_password).await;
            busy.set(false);
            match result {
                Ok(step) => {
                    ui.notice.set(Some("Your password is reset.".to_owned()));
                    ui.advance(step);
                }
                Err(error) => ui.fail(error.to_string()),
            }
        });
    };
    let resend = move |_| {
        let Some(email) = sent_to.get_untracked() else { return };
        ui.clear();
        let anonymous = stored.get_value();
        spawn_local(async move {
            match anonymous.send_reset_code(&email).await {
                Ok(()) => ui.notice.set(Some(format!("A new code is on its way to {email}."))),
                Err(error) => ui.fail(error.to_string()),
            }
        });
    };

    view! {
        <h2>"Reset your password"</h2>
        {move || match sent_to.get() {
            None => {
                Either::Left(view! {
                    <form on:submit=send novalidate aria-busy=move || busy.get().to_string()>
                        <label for="reset-email">"Email"</label>
                        <input id="reset-email" name="email" type="email" autocomplete="username" />
                        <button type="submit" disabled=move || busy.get()>
                            {move || if busy.get() { "Sending…" } else { "Send code" }}
                        </button>
                    </form>
                })
            }
            Some(_) => {
                Either::Right(view! {
                    <form on:submit=reset novalidate aria-busy=move || busy.get().to_string()>
                        <CodeField />
                        <NewPasswordFields policy label="New password" confirm="Confirm new password" />
                        <button type="submit" disabled=move || busy.get()>
                            {move || if busy.get() { "Saving…" } else { "Reset password" }}
                        </button>
                        <button type="button" class="secondary" on:click=resend>
                            "Resend the code"
                        </button>
                    </form>
                })
            }
        }}
        <BackToSignIn ui anonymous=stored.get_value() />
    }
}

/// Email and password, then the emailed code, then signed in. `pending` starts at the code,
/// for an account signed up earlier.
#[component]
fn SignUp(ui: Ui, anonymous: Anonymous, pending: Option<(Email, String)>) -> impl IntoView {
    let busy = RwSignal::new(false);
    let pending = RwSignal::new_local(pending);
    let policy = anonymous.password_policy();
    // As in ForgotPassword: the reactive closures below hold a handle, not the state.
    let stored = StoredValue::new_local(anonymous);
    request_animation_frame(move || {
        focus(if pending.with_untracked(Option::is_some) { "code" } else { "sign-up-email" });
    });

    let sign_up = move |ev: SubmitEvent| {
        let Some([email, password, confirm]) = submitted(&ev, busy, ["email", "new-password", "confirm-password"])
        else {
            return;
        };
        ui.clear();
        let Ok(email) = email.trim().parse::<Email>() else {
            ui.fail(ENTER_EMAIL.to_owned());
            return;
        };
        if let Err(problem) = policy.check(&password, &confirm) {
            ui.fail(problem.to_string());
            return;
        }
        busy.set(true);
        let anonymous = stored.get_value();
        spawn_local(async move {
            let result = anonymous.sign_up(&email, &password).await;
            busy.set(false);
            match result {
                Ok(()) => {
                    ui.notice.set(Some(format!("We emailed a code to {email}. Enter it to confirm your account.")));
                    pending.set(Some((email, password)));
                    request_animation_frame(|| focus("code"));
                }
                Err(error) => ui.fail(error.to_string()),
            }
        });
    };
    let confirm = move |ev: SubmitEvent| {
        let Some([code]) = submitted(&ev, busy, ["code"]) else { return };
        ui.alert.set(None);
        let Some((email, password)) = pending.get_untracked() else { return };
        let Some(code) = entered_code(ui, &code) else { return };
        busy.set(true);
        let anonymous = stored.get_value();
        spawn_local(async move {
            let confirmed = anonymous.confirm_sign_up(&email, &code).await;
            let result = match confirmed {
                Ok(()) => anonymous.sign_in(&email, &password).await.map_err(|e| e.to_string()),
                Err(error) => Err(error.to_string()),
            };
            busy.set(false);
            match result {
                Ok(step) => {
                    ui.notice.set(Some("Your account is confirmed.".to_owned()));
                    ui.advance(step);
                }
                Err(sentence) => ui.fail(sentence),
            }
        });
    };
    let resend = move |_| {
        let Some((email, _)) = pending.get_untracked() else { return };
        ui.clear();
        let anonymous = stored.get_value();
        spawn_local(async move {
            match anonymous.resend_sign_up_code(&email).await {
                Ok(()) => ui.notice.set(Some(format!("A new code is on its way to {email}."))),
                Err(error) => ui.fail(error.to_string()),
            }
        });
    };

    view! {
        <h2>"Create an account"</h2>
        {move || if pending.with(Option::is_none) {
                Either::Left(view! {
                    <form on:submit=sign_up novalidate aria-busy=move || busy.get().to_string()>
                        <label for="sign-up-email">"Email"</label>
                        <input id="sign-up-email" name="email" type="email" autocomplete="username" />
                        <NewPasswordFields policy label="Password" confirm="Confirm password" />
                        <button type="submit" disabled=move || busy.get()>
                            {move || if busy.get() { "Creating…" } else { "Create account" }}
                        </button>
                    </form>
                })
            } else {
                Either::Right(view! {
                    <form on:submit=confirm novalidate aria-busy=move || busy.get().to_string()>
                        <CodeField />
                        <button type="submit" disabled=move || busy.get()>
                            {move || if busy.get() { "Confirming…" } else { "Confirm account" }}
                        </button>
                        <button type="button" class="secondary" on:click=resend>
                            "Resend the code"
                        </button>
                    </form>
                })
            }
        }
        <BackToSignIn ui anonymous=stored.get_value() />
    }
}

/// The current password and a new one; the session goes on.
#[component]
fn ChangePassword(ui: Ui, session: Authenticated) -> impl IntoView {
    let busy = RwSignal::new(false);
    let policy = session.password_policy();
    request_animation_frame(|| focus("current-password"));

    let to_change = session.clone();
    let change = move |ev: SubmitEvent| {
        let Some([current, new_password, confirm]) =
            submitted(&ev, busy, ["current-password", "new-password", "confirm-password"])
        else {
            return;
        };
        ui.clear();
        if current.is_empty() {
            ui.fail("Enter your current password.".to_owned());
            return;
        }
        if let Err(problem) = policy.check(&new_password, &confirm) {
            ui.fail(problem.to_string());
            return;
        }
        busy.set(true);
        let session = to_change.clone();
        spawn_local(async move {
            let result = session.change_password(&current, &new_password).await;
            busy.set(false);
            match result {
                Ok(()) => {
                    ui.screen.set(Screen::SignedIn(session));
                    ui.notice.set(Some("Your password is changed. You are still signed in.".to_owned()));
                }
                Err(error) => ui.fail(error.to_string()),
            }
        });
    };
    let cancel = move |_| {
        ui.clear();
        ui.screen.set(Screen::SignedIn(session.clone()));
    };

    view! {
        <h2>"Change your password"</h2>
        <form on:submit=change novalidate aria-busy=move || busy.get().to_string()>
            <label for="current-password">"Current password"</label>
            <input id="current-password" name="current-password" type="password" autocomplete="current-password" />
            <NewPasswordFields policy label="New password" confirm="Confirm new password" />
            <button type="submit" disabled=move || busy.get()>
                {move || if busy.get() { "Saving…" } else { "Change password" }}
            </button>
            <button type="button" class="secondary" on:click=cancel>
                "Cancel"
            </button>
        </form>
    }
}

/// The field for a code Cognito emailed.
#[component]
fn CodeField() -> impl IntoView {
    view! {
        <label for="code">"Code from the email"</label>
        <input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" />
    }
}

#[component]
fn BackToSignIn(ui: Ui, anonymous: Anonymous) -> impl IntoView {
    let back = move |_| {
        ui.clear();
        ui.screen.set(Screen::SignIn(anonymous.clone()));
    };
    view! {
        <button type="button" class="secondary" on:click=back>
            "Back to sign in"
        </button>
    }
}

/// The code as typed, without spaces; `None` (with a sentence) when there is none.
fn entered_code(ui: Ui, typed: &str) -> Option<String> {
    let code: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if code.is_empty() {
        ui.fail("Enter the code from the email.".to_owned());
        return None;
    }
    Some(code)
}
