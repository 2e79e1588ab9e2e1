//! The page's components: the configuration check, the sign-in form, the signed-in view and
//! the dispatch between screens, with the screens most visits never see (a challenge within a
//! sign-in, self-service, multi-factor settings) loaded on demand. They hold state and show
//! sentences; every request is made by `api`.

use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

use futures::future::{FutureExt as _, LocalBoxFuture};
use leptos::either::EitherOf3;
use leptos::ev::{MouseEvent, SubmitEvent};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::SplitLoaderError;
use wasm_bindgen::JsCast as _;
use whoami_shared::Email;

use crate::api::{Anonymous, Authenticated, Challenge, SignInStep};
use crate::config::{Config, ConfigError};
use crate::errors::AuthError;
use crate::password::Policy;

mod challenge;
mod hosted;
mod mfa;
mod self_service;

/// Renders the page into `parent` (index.html's `<main>`, below its title) once
/// `config.json` has been read, replacing index.html's "Loading…" line.
pub fn mount(parent: web_sys::HtmlElement, loaded: Result<Config, ConfigError>) {
    if let Some(loading) = parent.owner_document().and_then(|d| d.get_element_by_id("loading")) {
        loading.remove();
    }
    let slot = parent.clone();
    mount_to(parent, move || match loaded {
        Ok(config) => Some(view! { <Signed config /> }),
        // Rare, and then worth a fetch: the sentence is written by the on-demand module (here,
        // inside mount_to, Leptos's executor is set up for spawn_local).
        Err(error) => {
            spawn_local(async move {
                if not_set_up(slot.clone(), error).await.is_err() {
                    slot.set_text_content(Some(NOT_LOADED));
                }
            });
            None
        }
    })
    .forget();
}

on_demand_fn! {
    /// What is wrong with `config.json`, in place of the page.
    fn not_set_up(parent: web_sys::HtmlElement, error: ConfigError) -> Result<(), SplitLoaderError> {
        mount_to(parent, move || {
            view! {
                <div class="alert" role="alert">
                    <h2>"This page is not set up"</h2>
                    <p>{error.to_string()}</p>
                </div>
            }
        })
        .forget();
        Ok(())
    }
}

/// Where the user is.
#[derive(Debug, Clone)]
enum Screen {
    /// Reading a session an earlier visit stored (loaded on demand, with the code that checks
    /// its tokens); then the signed-in view, or the sign-in form.
    Restoring(Anonymous),
    SignIn(Anonymous),
    /// A new password, a code from an authenticator app or setting one up (loaded on demand).
    Challenge(Rc<Challenge>),
    SignedIn(Authenticated),
    /// A forgotten password, signing up or confirming an account (loaded on demand).
    SelfService(Anonymous, SelfService),
    /// Changing the password while signed in (loaded on demand).
    ChangePassword(Authenticated),
    /// Multi-factor sign-in: whether it is on, setting an app up, turning it off (loaded on
    /// demand).
    Mfa(Authenticated),
}

/// Which of a signed-out user's own screens to open.
#[derive(Debug, Clone)]
enum SelfService {
    ForgotPassword,
    SignUp,
    /// An account signed up but not confirmed: the emailed code, then signing in with the
    /// password the user just typed.
    Confirm {
        email: Email,
        password: String,
    },
    /// "Sign in with <name>": the browser leaves for the pool's hosted sign-in page (or the
    /// form comes back with a sentence saying why not).
    Hosted,
}

/// The page's shared state; every field is a copyable signal handle.
#[derive(Debug, Clone, Copy)]
struct Ui {
    screen: RwSignal<Screen, LocalStorage>,
    /// The API's answer for the signed-in user.
    email: RwSignal<Option<String>>,
    /// A request to the API is in flight.
    checking: RwSignal<bool>,
    /// What went wrong, announced and focused.
    alert: RwSignal<Option<String>>,
    /// What happened, announced politely.
    notice: RwSignal<Option<String>>,
}

impl Ui {
    /// Shows `message` in the alert and moves focus there, so that it is read out.
    fn fail(self, message: String) {
        self.alert.set(Some(message));
        // After the text is in place: an empty alert is not displayed, so not focusable.
        request_animation_frame(|| focus(ALERT_ID));
    }

    fn clear(self) {
        self.alert.set(None);
        self.notice.set(None);
    }

    /// Moves on after Cognito accepted a password or an answer.
    fn advance(self, step: SignInStep) {
        match step {
            SignInStep::SignedIn(session) => self.enter(session),
            SignInStep::Challenge(challenge) => self.screen.set(Screen::Challenge(challenge)),
        }
    }

    /// The session, when the user is signed in.
    fn session(self) -> Option<Authenticated> {
        self.screen.with_untracked(|screen| match screen {
            Screen::SignedIn(session) => Some(session.clone()),
            _ => None,
        })
    }

    fn enter(self, session: Authenticated) {
        self.email.set(None);
        self.screen.set(Screen::SignedIn(session.clone()));
        self.check(session);
    }

    /// Asks the API for the email. A final failure returns to the form; anything else keeps
    /// the session and leaves a "Try again" button.
    fn check(self, session: Authenticated) {
        self.checking.set(true);
        spawn_local(async move {
            let result = session.whoami().await;
            // The user may have signed out while the request was in flight.
            let current = self.screen.with_untracked(|s| matches!(s, Screen::SignedIn(now) if now.same(&session)));
            if !current {
                return;
            }
            self.checking.set(false);
            match result {
                Ok(email) => {
                    self.alert.set(None);
                    self.email.set(Some(email.to_string()));
                }
                Err(error) if error.ends_session() => {
                    self.screen.set(Screen::SignIn(session.ended()));
                    self.fail(error.to_string());
                }
                Err(error) => self.fail(error.to_string()),
            }
        });
    }
}

/// Everything below the title once the configuration is good.
#[component]
fn Signed(config: Config) -> impl IntoView {
    let anonymous = Anonymous::new(config);
    let secret_warning = anonymous.config().app_client_secret.is_some();
    // A stored session, or the hosted sign-in page's answer in the address: the module loaded
    // on demand reads either (restore_session).
    let start = if anonymous.has_stored_session() || crate::api::hosted::maybe_returned() {
        Screen::Restoring(anonymous)
    } else {
        Screen::SignIn(anonymous)
    };
    let ui = Ui {
        screen: RwSignal::new_local(start),
        email: RwSignal::new(None),
        checking: RwSignal::new(false),
        alert: RwSignal::new(None),
        notice: RwSignal::new(None),
    };

    view! {
        {secret_warning
            .then(|| {
                view! {
                    <p class="warning">
                        "This page is configured with an app client secret, which every visitor can read. "
                        "Use an app client without a secret."
                    </p>
                }
            })}
        <div id=ALERT_ID class="alert" role="alert" tabindex="-1">
            {move || ui.alert.get()}
        </div>
        <p class="notice" role="status">
            {move || ui.notice.get()}
        </p>
        {move || {
            // A screen loaded on demand that was on screen goes, with its effects.
            ON_DEMAND.take();
            match ui.screen.get() {
                Screen::SignIn(anonymous) => EitherOf3::A(view! { <SignInForm ui anonymous /> }),
                Screen::Restoring(anonymous) => EitherOf3::B(on_demand(
                    ui,
                    restore_session(ui, anonymous.clone()).boxed_local(),
                    Box::new(move || Screen::SignIn(anonymous)),
                )),
                Screen::Challenge(challenge) => EitherOf3::B(on_demand(
                    ui,
                    challenge::challenge_screen(ui, Rc::clone(&challenge)).boxed_local(),
                    // Signing in again asks for the module again.
                    Box::new(move || Screen::SignIn(challenge.cancel())),
                )),
                Screen::SignedIn(_) => EitherOf3::C(view! { <SignedIn ui /> }),
                Screen::SelfService(anonymous, start) => EitherOf3::B(on_demand(
                    ui,
                    self_service::self_service_screen(ui, anonymous.clone(), start).boxed_local(),
                    Box::new(move || Screen::SignIn(anonymous)),
                )),
                Screen::ChangePassword(session) => EitherOf3::B(on_demand(
                    ui,
                    self_service::change_password_screen(ui, session.clone()).boxed_local(),
                    Box::new(move || Screen::SignedIn(session)),
                )),
                Screen::Mfa(session) => EitherOf3::B(on_demand(
                    ui,
                    mfa::mfa_screen(ui, session.clone()).boxed_local(),
                    Box::new(move || Screen::SignedIn(session)),
                )),
            }
        }}
    }
}

#[component]
fn SignInForm(ui: Ui, anonymous: Anonymous) -> impl IntoView {
    let busy = RwSignal::new(false);
    let signing_in = anonymous.clone();

    let submit = move |ev: SubmitEvent| {
        let Some([email, password]) = submitted(&ev, busy, ["email", "password"]) else {
            return;
        };
        ui.clear();
        let Ok(email) = email.trim().parse::<Email>() else {
            ui.fail("Enter your email address, such as name@example.com.".to_owned());
            return;
        };
        if password.is_empty() {
            ui.fail("Enter your password.".to_owned());
            return;
        }
        busy.set(true);
        let anonymous = signing_in.clone();
        spawn_local(async move {
            let result = anonymous.sign_in(&email, &password).await;
            busy.set(false);
            match result {
                Ok(step) => ui.advance(step),
                Err(AuthError::NotConfirmed) => {
                    ui.screen.set(Screen::SelfService(anonymous, SelfService::Confirm { email, password }));
                }
                Err(error) => ui.fail(error.to_string()),
            }
        });
    };
    let config = anonymous.config();
    let sign_up = config.sign_up;
    // `sign_in: "hosted"`: only the hosted page's link.
    let direct = config.direct;
    let offered = config.hosted_name.is_some();
    let name = config.hosted_name.clone();
    // As in the signed-in view: one handler for every button and the link, by their `data-action`.
    let open = move |ev: MouseEvent| {
        let start = match action(&ev).as_deref() {
            Some("forgot-password") => SelfService::ForgotPassword,
            Some("sign-up") => SelfService::SignUp,
            Some("hosted") => {
                // The link goes nowhere itself: the on-demand module builds the address.
                ev.prevent_default();
                SelfService::Hosted
            }
            _ => return,
        };
        ui.clear();
        ui.screen.set(Screen::SelfService(anonymous.clone(), start));
    };

    view! {
        <form on:submit=submit on:click=open novalidate aria-busy=move || if busy.get() { "true" } else { "false" }>
            <div class="direct" hidden=!direct>
                <label for="email">"Email"</label>
                <input id="email" name="email" type="email" autocomplete="username" autofocus />
                <label for="password">"Password"</label>
                <input id="password" name="password" type="password" autocomplete="current-password" />
                <button type="submit" disabled=move || busy.get()>
                    {move || if busy.get() { "Signing in…" } else { "Sign in" }}
                </button>
                <div>
                    <button type="button" class="secondary" data-action="forgot-password">
                        "Forgot your password?"
                    </button>
                    <button type="button" class="secondary" data-action="sign-up" hidden=!sign_up>
                        "Create account"
                    </button>
                </div>
            </div>
            // A link, not a button: it leaves the page for the pool's own sign-in page.
            <a href="#" class="button" data-action="hosted" hidden=!offered>
                "Sign in with "
                {name}
            </a>
        </form>
    }
}

on_demand_fn! {
    /// Finishes a sign-in the hosted sign-in page sent the browser back from, or else reads the
    /// session an earlier visit stored and shows it, or the sign-in form when what was stored
    /// cannot be read.
    fn restore_session(ui: Ui, anonymous: Anonymous) -> Result<(), SplitLoaderError> {
        if ui.screen.with_untracked(|s| matches!(s, Screen::Restoring(_))) {
            if anonymous.config().hosted_name.is_some() && crate::api::hosted::returned_from_hosted_page() {
                hosted::finish(ui, anonymous);
                return Ok(());
            }
            match anonymous.restore() {
                Some(session) => ui.enter(session),
                None => ui.screen.set(Screen::SignIn(anonymous)),
            }
        }
        Ok(())
    }
}

/// The element a screen loaded on demand mounts itself into.
const ON_DEMAND_ID: &str = "on-demand";

thread_local! {
    /// The screen loaded on demand that is on screen, kept so that it can be taken down
    /// (dropping the handle unmounts it) when the screen changes.
    static ON_DEMAND: RefCell<Option<Box<dyn Any>>> = const { RefCell::new(None) };
}

/// What the user reads when a screen's module could not be fetched.
const NOT_LOADED: &str = "Part of this page could not be loaded. Check your connection, then try again.";

/// A screen most visits never see, in a wasm module of its own: renders the empty element it
/// mounts itself into and starts `load`, the call of its `#[wasm_split(<module>, fallible)]`
/// function (which ends with [`mount_on_demand`]). If the module cannot be fetched, the user
/// goes to the screen `instead` gives, with a sentence; the next call fetches it again.
/// Boxed, so that every screen shares one copy of this and one type of view.
fn on_demand(
    ui: Ui,
    load: LocalBoxFuture<'static, Result<(), SplitLoaderError>>,
    instead: Box<dyn FnOnce() -> Screen>,
) -> impl IntoView {
    spawn_local(async move {
        if load.await.is_err() {
            ui.notice.set(None);
            ui.screen.set(instead());
            ui.fail(NOT_LOADED.to_owned());
        }
    });
    view! { <div id=ON_DEMAND_ID></div> }
}

/// Called by a screen loaded on demand, once its module is here: mounts `screen` into the
/// element [`on_demand`] rendered, unless the user has moved on meanwhile (`still_here`).
fn mount_on_demand<V: IntoView + 'static>(still_here: bool, screen: impl FnOnce() -> V + 'static) {
    let slot = document().get_element_by_id(ON_DEMAND_ID).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let (true, Some(slot)) = (still_here, slot) {
        let handle = mount_to(slot, screen);
        ON_DEMAND.set(Some(Box::new(handle)));
    }
}

#[component]
fn SignedIn(ui: Ui) -> impl IntoView {
    // The buttons below share one handler, which reads each one's `data-action`: one closure
    // in the wasm rather than one per button.
    let act = move |ev: MouseEvent| {
        let Some(session) = ui.session() else { return };
        match action(&ev).as_deref() {
            Some("sign-out") => {
                ui.clear();
                ui.email.set(None);
                ui.checking.set(false);
                ui.screen.set(Screen::SignIn(session.sign_out()));
                ui.notice.set(Some("You are signed out.".to_owned()));
            }
            Some("change-password") => {
                ui.clear();
                ui.screen.set(Screen::ChangePassword(session));
            }
            Some("mfa") => {
                ui.clear();
                ui.screen.set(Screen::Mfa(session));
            }
            Some("sign-out-everywhere") => {
                ui.clear();
                spawn_local(async move {
                    if self_service::sign_out_everywhere(ui, session).await.is_err() {
                        ui.fail(NOT_LOADED.to_owned());
                    }
                });
            }
            Some("retry") => {
                ui.alert.set(None);
                ui.check(session);
            }
            _ => {}
        }
    };

    view! {
        <section class="signed-in" on:click=act>
            {move || match ui.email.get() {
                Some(email) => {
                    EitherOf3::A(view! {
                        <p>"You are signed in as"</p>
                        <p class="email" id="email-shown">
                            {email}
                        </p>
                    })
                }
                None if ui.checking.get() => {
                    EitherOf3::B(view! { <p class="muted" role="status">"Asking the API who you are…"</p> })
                }
                None => {
                    EitherOf3::C(view! {
                        <button type="button" data-action="retry">
                            "Try again"
                        </button>
                    })
                }
            }}
            <button type="button" class="secondary" data-action="change-password">
                "Change password"
            </button>
            <button type="button" class="secondary" data-action="mfa">
                "Multi-factor sign-in"
            </button>
            <button type="button" class="secondary" data-action="sign-out">
                "Sign out"
            </button>
            <button type="button" class="secondary" data-action="sign-out-everywhere">
                "Sign out everywhere"
            </button>
        </section>
    }
}

/// The `data-action` of the element a click was on.
fn action(ev: &MouseEvent) -> Option<String> {
    ev.target()?.dyn_into::<web_sys::Element>().ok()?.get_attribute("data-action")
}

/// A password to set (`label`: "New password", or "Password" when signing up), its
/// confirmation (labelled `confirm`) and the pool's rules, for every form that sets one.
#[component]
fn NewPasswordFields(policy: Policy, label: &'static str, confirm: &'static str) -> impl IntoView {
    view! {
        <label for="new-password">{label}</label>
        <input id="new-password" name="new-password" type="password" autocomplete="new-password" aria-describedby="policy" />
        <label for="confirm-password">{confirm}</label>
        <input id="confirm-password" name="confirm-password" type="password" autocomplete="new-password" />
        <p id="policy" class="muted">
            {policy.describe()}
        </p>
    }
}

/// The id of the element where errors are shown.
const ALERT_ID: &str = "alert";

/// Takes over a form's submission: stops the browser's own, and gives the current values of
/// the inputs named `names`, unless the form's request is still in flight (`busy`).
fn submitted<const N: usize>(ev: &SubmitEvent, busy: RwSignal<bool>, names: [&str; N]) -> Option<[String; N]> {
    ev.prevent_default();
    if busy.get_untracked() {
        return None;
    }
    let values = names.map(|name| field(ev, name));
    values.iter().all(Option::is_some).then(|| values.map(Option::unwrap_or_default))
}

/// The current value of the input named `name` in the form that `ev` submits.
fn field(ev: &SubmitEvent, name: &str) -> Option<String> {
    let form: web_sys::HtmlFormElement = ev.target()?.dyn_into().ok()?;
    let input: web_sys::HtmlInputElement = form.elements().named_item(name)?.dyn_into().ok()?;
    Some(input.value())
}

/// Moves focus to the element with `id`, if it is in the page.
fn focus(id: &str) {
    let element = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id));
    if let Some(element) = element.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = element.focus();
    }
}
