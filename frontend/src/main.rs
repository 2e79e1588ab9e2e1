//! The page's entry point: reads `config.json` (which index.html asked for before the wasm
//! arrived), then renders the page in one go into index.html's `<main>`.

use wasm_bindgen::JsCast as _;

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: rlsf::SmallGlobalTlsf = rlsf::SmallGlobalTlsf::new();

fn main() {
    js_sys::futures::spawn_local(async {
        let loaded = whoami_frontend::api::load_config().await;
        let main = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("page"))
            .and_then(|m| m.dyn_into::<web_sys::HtmlElement>().ok());
        // index.html always has it; without it there is nowhere to show anything.
        if let Some(main) = main {
            whoami_frontend::mount(main, loaded);
        }
    });
}
