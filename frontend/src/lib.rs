//! The cognito-whoami web page (Leptos, client-side rendered).
//!
//! For now the page proves the wasm toolchain end to end; signing in against Cognito and
//! calling the API arrive with the web-page issue.

use leptos::prelude::*;

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <main>
            <h1>"cognito-whoami"</h1>
            <p>"Sign in with your Cognito user to see the email the API verifies."</p>
        </main>
    }
}
