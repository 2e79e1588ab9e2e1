// Starts the page's wasm. Trunk would inline this in index.html; as a file it lets the
// Content-Security-Policy forbid inline scripts. The hashed file names come from the
// attributes Trunk writes on the script tag (see `pattern_script` in Trunk.toml).
const tag = document.querySelector('script[data-wasm]');
const { default: init } = await import(tag.dataset.js);
await init({ module_or_path: tag.dataset.wasm });
