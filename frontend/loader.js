// Starts the page's wasm. `cargo xtask build-web` bundles this file with wasm-bindgen's glue
// (which it names `whoami-glue`) into the one inline script of index.html, and defines
// WHOAMI_WASM as the wasm's URL (named after its contents).
import init from 'whoami-glue';

await init({ module_or_path: WHOAMI_WASM });
