//! Multi-factor sign-in with an authenticator app, loaded on demand: the signed-in user's
//! settings (on or off, set an app up, turn it off) and the set-up itself, which also runs
//! within a sign-in when the pool requires a factor (`challenge`). Every request is made by
//! `api::mfa`.

use leptos::either::{Either, EitherOf3};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::SplitLoaderError;
use qrcode::QrCode;
use qrcode::render::svg;
use whoami_shared::mfa::{TotpSecret, otpauth_uri};

use super::{Screen, Ui, focus, mount_on_demand, submitted};
use crate::api::Authenticated;
use crate::api::mfa::{Enrolled, Enrolment, MfaError};

on_demand_fn! {
    /// The signed-in user's multi-factor settings.
    pub(super) fn mfa_screen(ui: Ui, session: Authenticated) -> Result<(), SplitLoaderError> {
        let still_here = ui.screen.with_untracked(|s| matches!(s, Screen::Mfa(now) if now.same(&session)));
        mount_on_demand(still_here, move || view! { <MfaSettings ui session /> });
        Ok(())
    }
}

/// Where the signed-in user's settings are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum State {
    /// GetUser has not answered yet.
    Reading,
    Off,
    SettingUp,
    On,
}

#[component]
fn MfaSettings(ui: Ui, session: Authenticated) -> impl IntoView {
    let state = RwSignal::new(State::Reading);
    let busy = RwSignal::new(false);
    let stored = StoredValue::new_local(session.clone());
    spawn_local(async move {
        match session.app_enabled().await {
            Ok(on) => state.set(if on { State::On } else { State::Off }),
            Err(error) => leave(ui, &session, &error),
        }
    });
    let turn_off = move |_| {
        ui.clear();
        busy.set(true);
        let session = stored.get_value();
        spawn_local(async move {
            let result = session.set_app(false).await;
            busy.set(false);
            match result {
                Ok(()) => {
                    state.set(State::Off);
                    ui.notice
                        .set(Some("Multi-factor sign-in is off. Signing in asks for your password only.".to_owned()));
                }
                Err(error) if error.ends_session() => leave(ui, &session, &error),
                Err(error) => ui.fail(error.to_string()),
            }
        });
    };
    let set_up = move |_| {
        ui.clear();
        state.set(State::SettingUp);
    };
    let back = move |_| {
        ui.clear();
        ui.screen.set(Screen::SignedIn(stored.get_value()));
    };

    view! {
        <section class="signed-in">
        <h2>"Multi-factor sign-in"</h2>
        {move || match state.get() {
            State::Reading => EitherOf3::A(view! { <p class="muted" role="status">"Reading your settings…"</p> }),
            State::Off => {
                EitherOf3::B(view! {
                    <p id="mfa-state">"Off: signing in asks for your password only."</p>
                    <button type="button" on:click=set_up>
                        "Set up an authenticator app"
                    </button>
                })
            }
            State::SettingUp => {
                let enrolment = Enrolment::SignedIn(stored.get_value());
                EitherOf3::C(Either::Left(view! { <SetUpApp ui enrolment on_done=state /> }))
            }
            State::On => {
                EitherOf3::C(Either::Right(view! {
                    <p id="mfa-state">"On: signing in asks for your password and a code from your authenticator app."</p>
                    <button type="button" class="secondary" on:click=turn_off disabled=move || busy.get()>
                        {move || if busy.get() { "Turning off…" } else { "Turn off" }}
                    </button>
                }))
            }
        }}
        // While an app is being set up, its own Cancel is the way back.
        {move || {
            (state.get() != State::SettingUp)
                .then(|| {
                    view! {
                        <button type="button" class="secondary" on:click=back>
                            "Back"
                        </button>
                    }
                })
        }}
        </section>
    }
}

/// Back to the signed-in view with the reason, or to the sign-in form if the session ended.
fn leave(ui: Ui, session: &Authenticated, error: &MfaError) {
    if !ui.screen.with_untracked(|s| matches!(s, Screen::Mfa(now) if now.same(session))) {
        return;
    }
    ui.screen.set(if error.ends_session() {
        Screen::SignIn(session.ended())
    } else {
        Screen::SignedIn(session.clone())
    });
    ui.fail(error.to_string());
}

/// Setting an app up: a new secret as a QR code and as text, then the app's first code.
/// Signed in, success turns `on_done` to [`State::On`]; within a sign-in, the sign-in goes on.
#[component]
pub(super) fn SetUpApp(
    ui: Ui,
    enrolment: Enrolment,
    #[prop(optional)] on_done: Option<RwSignal<State>>,
) -> impl IntoView {
    let busy = RwSignal::new(false);
    let secret = RwSignal::new(None::<TotpSecret>);
    let (issuer, email) = enrolment.label();
    let stored = StoredValue::new_local(enrolment.clone());
    spawn_local(async move {
        match enrolment.associate().await {
            Ok(new) => {
                secret.set(Some(new));
                request_animation_frame(|| focus("app-code"));
            }
            Err(error) => give_up(ui, &enrolment, on_done, &error),
        }
    });
    let submit = move |ev: SubmitEvent| {
        let Some([typed]) = submitted(&ev, busy, ["app-code"]) else { return };
        ui.alert.set(None);
        let Some(code) = six_digits(ui, &typed) else { return };
        busy.set(true);
        let enrolment = stored.get_value();
        spawn_local(async move {
            let result = enrolment.verify(&code).await;
            busy.set(false);
            match result {
                Ok(Enrolled::On) => {
                    if let Some(state) = on_done {
                        state.set(State::On);
                    }
                    ui.notice.set(Some(
                        "Multi-factor sign-in is on. From now on, signing in asks for a code from your authenticator app."
                            .to_owned(),
                    ));
                }
                Ok(Enrolled::SignIn(step)) => {
                    if let Enrolment::SigningIn(challenge, _) = &enrolment {
                        super::challenge::settle(ui, challenge, Ok(step));
                    }
                }
                Err(error) if error.can_try_again() => ui.fail(error.to_string()),
                Err(error) => give_up(ui, &enrolment, on_done, &error),
            }
        });
    };
    let cancel = move |_| {
        ui.clear();
        match stored.get_value() {
            Enrolment::SignedIn(_) => {
                if let Some(state) = on_done {
                    state.set(State::Off);
                }
            }
            Enrolment::SigningIn(challenge, _) => ui.screen.set(Screen::SignIn(challenge.cancel())),
        }
    };

    view! {
        <h3>"Set up an authenticator app"</h3>
        {move || match secret.get() {
            None => Either::Left(view! { <p class="muted" role="status">"Preparing a key…"</p> }),
            Some(secret) => {
                let uri = otpauth_uri(&issuer, &email, &secret);
                Either::Right(view! {
                    <p>"Scan this QR code with your authenticator app, or type the key below into it."</p>
                    <div class="qr" role="img" aria-label="QR code of the key for your authenticator app" inner_html=qr_svg(&uri)></div>
                    <p>
                        "Key: " <code id="totp-secret" class="secret">{secret.grouped()}</code>
                    </p>
                    <p>
                        <a id="otpauth-link" href=uri>"Open in an authenticator app on this device"</a>
                    </p>
                })
            }
        }}
        <form on:submit=submit novalidate aria-busy=move || if busy.get() { "true" } else { "false" }>
            <AppCodeField />
            <button type="submit" disabled=move || busy.get() || secret.with(Option::is_none)>
                {move || if busy.get() { "Checking…" } else { "Turn on" }}
            </button>
            <button type="button" class="secondary" on:click=cancel>
                "Cancel"
            </button>
        </form>
    }
}

/// A set-up that cannot go on: signed in, back to the settings (or the sign-in form if the
/// session ended); within a sign-in, back to the sign-in form.
fn give_up(ui: Ui, enrolment: &Enrolment, on_done: Option<RwSignal<State>>, error: &MfaError) {
    match enrolment {
        Enrolment::SignedIn(session) if error.ends_session() => leave(ui, session, error),
        Enrolment::SignedIn(_) => {
            if let Some(state) = on_done {
                state.set(State::Off);
            }
            ui.fail(error.to_string());
        }
        Enrolment::SigningIn(challenge, _) => super::challenge::settle(ui, challenge, Err(error.clone())),
    }
}

/// The QR code of `uri` as SVG markup (no script, no style: the page's CSP allows it).
fn qr_svg(uri: &str) -> String {
    match QrCode::new(uri.as_bytes()) {
        Ok(code) => code.render::<svg::Color<'_>>().min_dimensions(200, 200).quiet_zone(true).build(),
        // Only for a URI too long for any QR code: the key as text is still there.
        Err(_) => String::new(),
    }
}

/// The field for the code an authenticator app shows.
#[component]
pub(super) fn AppCodeField() -> impl IntoView {
    view! {
        <label for="app-code">"Code from your authenticator app"</label>
        <input
            id="app-code"
            name="app-code"
            type="text"
            inputmode="numeric"
            autocomplete="one-time-code"
            maxlength="7"
            aria-describedby="app-code-hint"
        />
        <p id="app-code-hint" class="muted">"6 digits."</p>
    }
}

/// The six digits typed (spaces allowed, as apps show `123 456`); `None`, with a sentence, for
/// anything else.
pub(super) fn six_digits(ui: Ui, typed: &str) -> Option<String> {
    let code = code_from(typed);
    if code.is_none() {
        ui.fail("Enter the 6-digit code your authenticator app shows.".to_owned());
    }
    code
}

fn code_from(typed: &str) -> Option<String> {
    let code: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    (code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_six_digits_spaces_aside() {
        for (typed, expected) in [
            ("123456", Some("123456")),
            (" 123 456 ", Some("123456")),
            ("12345", None),
            ("1234567", None),
            ("12345a", None),
            ("１２３４５６", None),
            ("", None),
        ] {
            assert_eq!(code_from(typed).as_deref(), expected, "{typed:?}");
        }
    }

    #[test]
    fn the_qr_code_is_plain_svg() {
        let svg = qr_svg("otpauth://totp/example.com:ana%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=example.com");
        assert!(svg.contains("<svg") && svg.contains("<path"), "{svg}");
        // The page's CSP forbids inline styles and scripts: the markup has neither.
        assert!(!svg.contains("style") && !svg.contains("script"), "{svg}");
    }
}
