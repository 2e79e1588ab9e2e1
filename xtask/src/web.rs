//! Building the web page (Trunk for the HTML; cargo, wasm-bindgen, wasm-opt and esbuild for
//! the wasm and its script), and reporting what a visitor downloads.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context;
use sha2::{Digest as _, Sha256};

use crate::cmd;
use crate::setup::{Tools, WasmToolchain};
use crate::workspace::Workspace;

/// Builds the page into `dist/` and prints each file's size, raw and gzipped. A `dist/` built
/// from the same sources by the same toolchain, and not changed since, is kept as it is:
/// `cargo xtask dev` then starts without the 10 s that Trunk, wasm-bindgen, wasm-opt and
/// esbuild take even when nothing changed.
pub fn build(ws: &Workspace, tools: &Tools) -> anyhow::Result<PathBuf> {
    let dist = ws.root.join("dist");
    let stamp_path = ws.target_dir.join("wasm-page").join("dist.stamp");
    let sources = sources_fingerprint(&ws.root, tools)?;
    // The stamp: the sources it was built from, then what the build wrote.
    let current = || -> anyhow::Result<String> { Ok(format!("{sources}\n{}\n", files_fingerprint(&dist)?)) };
    if dist.join("index.html").exists() && std::fs::read_to_string(&stamp_path).ok() == Some(current()?) {
        eprintln!("xtask: the web page in {} is up to date", dist.display());
        report_sizes(&dist)?;
        return Ok(dist);
    }
    trunk_build(ws, tools, &dist)?;
    report_sizes(&dist)?;
    if let Some(dir) = stamp_path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&stamp_path, current()?)?;
    Ok(dist)
}

/// What the page is built from, besides the toolchain: a change to any file here rebuilds it.
const PAGE_SOURCES: [&str; 8] = [
    "frontend",
    "shared",
    "index.html",
    "Trunk.toml",
    "Cargo.toml",
    "Cargo.lock",
    "xtask/src/web.rs",
    "xtask/src/setup.rs",
];

/// A SHA-256 over the page's sources (every file's path and contents) and the toolchain that
/// builds it.
fn sources_fingerprint(root: &Path, tools: &Tools) -> anyhow::Result<String> {
    let rustc = cmd::output(Command::new("rustc").arg("-vV")).unwrap_or_default();
    fingerprint(root, PAGE_SOURCES.map(|source| root.join(source)), &format!("{:?}\n{rustc}", tools.wasm))
}

/// A SHA-256 over the built files in `dist`, so that a changed or missing file rebuilds.
fn files_fingerprint(dist: &Path) -> anyhow::Result<String> {
    fingerprint(dist, [dist.to_owned()], "")
}

/// A SHA-256 over `preamble` and every file below `paths`: each one's path relative to
/// `base`, its length and its contents, in path order.
fn fingerprint(base: &Path, paths: impl IntoIterator<Item = PathBuf>, preamble: &str) -> anyhow::Result<String> {
    let mut files = Vec::new();
    for path in paths {
        collect_files(&path, &mut files)?;
    }
    files.sort();
    let mut hasher = Sha256::new();
    hasher.update(preamble);
    for file in files {
        let contents = std::fs::read(&file)?;
        hasher.update(format!("\n{} {}\n", file.strip_prefix(base).unwrap_or(&file).display(), contents.len()));
        hasher.update(contents);
    }
    Ok(format!("{:x}", hasher.finalize()))
}

/// Every file below `path` (or `path` itself), skipping build output and npm's packages.
fn collect_files(path: &Path, files: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    if path.is_file() {
        files.push(path.to_owned());
    } else if path.is_dir() {
        for entry in std::fs::read_dir(path)? {
            let entry = entry?.path();
            let skipped = entry.file_name().is_some_and(|name| name == "target" || name == "node_modules");
            if !skipped {
                collect_files(&entry, files)?;
            }
        }
    }
    Ok(())
}

/// The page's release build: Trunk for the HTML (the stylesheet inline, the icon, minified),
/// then the wasm built here (cargo, wasm-bindgen, wasm-opt) rather than by Trunk, which runs
/// wasm-bindgen straight after cargo and leaves no step between them; then the wasm's names
/// shortened and the script bundled inline.
fn trunk_build(ws: &Workspace, tools: &Tools, dist: &Path) -> anyhow::Result<()> {
    let mut trunk = Command::new(&tools.trunk);
    cmd::without_cargo_run_env(&mut trunk);
    trunk.args(["build", "--release", "--offline"]).current_dir(&ws.root);
    cmd::run("building the web page's HTML (Trunk, release)", &mut trunk)?;

    let target = page_target_dir(ws, tools);
    let wasm = cargo_build_page(ws, tools, &target)?;
    let split = target.join("split");
    split_wasm(tools, &wasm, &split)?;
    let bindgen = target.join("bindgen");
    run_wasm_bindgen(tools, &split.join(format!("{PAGE}.wasm")), &bindgen)?;
    // The split modules' loader, beside the glue that imports it (and which it imports).
    let loader = bindgen.join(SPLIT_LOADER);
    std::fs::copy(split.join(SPLIT_LOADER), &loader)?;
    let glue = bindgen.join(format!("{PAGE}.js"));
    let optimised = dist.join(format!("{PAGE}_bg.wasm"));
    optimise_wasm(tools, &bindgen.join(format!("{PAGE}_bg.wasm")), &optimised, MAIN_PASSES)?;
    optimise_on_demand(tools, &split, dist, &loader)?;
    drop_stream_classes(&glue)?;
    minify_wasm_names(tools, dist, &glue, &loader)?;
    let wasm_url = name_by_contents(&optimised)?;
    inline_scripts(ws, tools, dist, &glue, &wasm_url)
}

/// The page's binary, and the stem of its wasm and glue.
const PAGE: &str = "whoami-frontend";

/// The page's own target directory: the wasm build may use another rustc than the native
/// one, and its std is built with other flags than the wasm tests' (`wasm`).
fn page_target_dir(ws: &Workspace, tools: &Tools) -> PathBuf {
    let name = if lean_std_rustc(tools.wasm).is_some() { "wasm-page" } else { "wasm" };
    ws.target_dir.join(name)
}

/// `cargo build` of the page for wasm32, in the `wasm-release` profile; the wasm it wrote.
fn cargo_build_page(ws: &Workspace, tools: &Tools, target: &Path) -> anyhow::Result<PathBuf> {
    let mut cargo = cmd::cargo();
    cmd::without_cargo_run_env(&mut cargo);
    cargo.args(["build", "--offline", "--target", "wasm32-unknown-unknown", "--profile", "wasm-release"]);
    cargo.args(["-p", PAGE, "--bin", PAGE]).current_dir(&ws.root).env("CARGO_TARGET_DIR", target);
    for (name, value) in tools.wasm.env() {
        cargo.env(name, value);
    }
    if let Some(rustc) = lean_std_rustc(tools.wasm) {
        // Rebuild std for the page without panic messages or their formatting, without
        // source locations, and with empty `Debug` output: nothing in the page shows any of
        // them (there is no panic hook, and nothing prints `{:?}`), and they are about a
        // sixth of the gzipped wasm. Only the page gets this; the wasm tests keep their
        // messages, in their own target directory so that neither build undoes the other.
        cargo.env("RUSTC", rustc);
        cargo.env("RUSTC_BOOTSTRAP", "1");
        cargo.env("CARGO_UNSTABLE_BUILD_STD", BUILD_STD);
        cargo.env("CARGO_UNSTABLE_BUILD_STD_FEATURES", BUILD_STD_FEATURES);
        cargo.env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS", format!("{LEAN_STD_FLAGS} {KEEP_RELOCATIONS}"));
    } else {
        eprintln!("xtask: warning: building the page with the prebuilt std (larger): no std source to rebuild");
        cargo.env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS", KEEP_RELOCATIONS);
    }
    cmd::run("building the page's wasm (cargo, wasm-release)", &mut cargo)?;
    Ok(target.join("wasm32-unknown-unknown").join("wasm-release").join(format!("{PAGE}.wasm")))
}

/// The linker keeps its relocations in the wasm, which is how the splitter finds every
/// reference to a function.
const KEEP_RELOCATIONS: &str = "-Clink-arg=--emit-relocs";

/// The JavaScript that loads the split-off modules, as the splitter names it.
const SPLIT_LOADER: &str = "__wasm_split.js";

/// Splits off what the page loads on demand (the `#[lazy]` functions, each with what only it
/// uses) into modules of their own, into `out` (emptied first): the main module, to go through
/// wasm-bindgen, the split-off modules and their loader.
fn split_wasm(tools: &Tools, wasm: &Path, out: &Path) -> anyhow::Result<()> {
    if out.exists() {
        std::fs::remove_dir_all(out).with_context(|| format!("emptying {}", out.display()))?;
    }
    let mut split = Command::new(&tools.wasm_split);
    split.arg(wasm).arg(out).args(["--out-name", PAGE]);
    cmd::run("splitting off what the page loads on demand (wasm-split-cli)", &mut split)
}

/// wasm-bindgen's glue and wasm for `wasm`, into `out` (emptied first).
fn run_wasm_bindgen(tools: &Tools, wasm: &Path, out: &Path) -> anyhow::Result<()> {
    if out.exists() {
        std::fs::remove_dir_all(out).with_context(|| format!("emptying {}", out.display()))?;
    }
    let mut bindgen = Command::new(&tools.wasm_bindgen);
    // --keep-lld-exports: the function table, which the split-off modules share.
    bindgen.args(["--target=web", "--no-typescript", "--keep-lld-exports", &format!("--out-name={PAGE}")]);
    bindgen.arg(format!("--out-dir={}", out.display())).arg(wasm);
    cmd::run("generating the page's glue (wasm-bindgen)", &mut bindgen)
}

/// wasm-opt over the page's wasm: `-O2`, then the exports of wasm-streams' classes removed
/// (Leptos's server-function client links them; this page never creates one, and
/// `drop_stream_classes` cuts them from the glue), then `-Os`: smaller gzipped than `-Oz`
/// alone (BENCHMARKS.md). `--low-memory-unused` lets it fold constant offsets, assuming the
/// lowest 1 KB of memory is not used: Rust puts the 1 MB stack first, growing down towards
/// address 0, so only a stack within 1 KB of overflowing would reach it.
fn optimise_wasm(tools: &Tools, wasm: &Path, out: &Path, passes: &[&str]) -> anyhow::Result<()> {
    let mut opt = Command::new(&tools.wasm_opt);
    opt.arg(wasm).args(WASM_FEATURES).args(["--enable-reference-types", "--strip-debug", "--strip-producers"]);
    opt.args(passes).args(["-Os", "--low-memory-unused", "-o"]).arg(out);
    let name = wasm.file_name().unwrap_or_default().to_string_lossy();
    cmd::run(&format!("optimising {name} (wasm-opt)"), &mut opt)
}

/// The main module's passes before `-Os`.
const MAIN_PASSES: &[&str] = &["-O2", "--remove-exports", "--pass-arg=remove-exports@*intounderlying*"];

/// Optimises each split-off module of `split` into `dist`, named after its contents, and
/// points the `loader` at the new names (each found exactly once).
fn optimise_on_demand(tools: &Tools, split: &Path, dist: &Path, loader: &Path) -> anyhow::Result<()> {
    let mut js = std::fs::read_to_string(loader).with_context(|| format!("reading {}", loader.display()))?;
    let main = format!("{PAGE}.wasm");
    for entry in std::fs::read_dir(split)? {
        let path = entry?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        if path.extension().is_none_or(|ext| ext != "wasm") || name == main {
            continue;
        }
        let optimised = dist.join(&name);
        optimise_wasm(tools, &path, &optimised, &[])?;
        let hash = format!("{:x}", Sha256::digest(std::fs::read(&optimised)?));
        let stem = name.trim_end_matches(".wasm");
        let hashed = format!("{stem}-{}.wasm", &hash[..16]);
        std::fs::rename(&optimised, dist.join(&hashed))?;
        js = rename_once_in(&js, &format!("\"./{name}\""), &format!("\"./{hashed}\""), SPLIT_LOADER)?;
    }
    std::fs::write(loader, js)?;
    Ok(())
}

/// Renames `wasm` (in `dist`) after its contents, as `<stem>-<16 hex digits>_bg.wasm`, so that
/// a cache may keep it forever; its URL from the site's root.
fn name_by_contents(wasm: &Path) -> anyhow::Result<String> {
    let hash = format!("{:x}", Sha256::digest(std::fs::read(wasm)?));
    let name = format!("{PAGE}-{}_bg.wasm", &hash[..16]);
    std::fs::rename(wasm, wasm.with_file_name(&name))?;
    Ok(format!("/{name}"))
}

/// Prints each file of `dist` with its size, raw and gzipped, and the totals: what a first
/// visit loads, and what the page loads only when a screen needs it (the split-off modules).
fn report_sizes(dist: &Path) -> anyhow::Result<()> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dist)
        .with_context(|| format!("Trunk wrote no {}", dist.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    let (on_demand, first_visit): (Vec<PathBuf>, Vec<PathBuf>) = files.into_iter().partition(|file| {
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        file.extension().is_some_and(|ext| ext == "wasm") && !name.ends_with("_bg.wasm")
    });
    report_group(&first_visit, "first visit, total")?;
    if !on_demand.is_empty() {
        report_group(&on_demand, "on demand, total")?;
    }
    Ok(())
}

fn report_group(files: &[PathBuf], total: &str) -> anyhow::Result<()> {
    let (mut raw_total, mut gzip_total) = (0, 0);
    for file in files {
        let bytes = std::fs::read(file)?;
        let gzipped = gzip_len(&bytes)?;
        raw_total += bytes.len();
        gzip_total += gzipped;
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        eprintln!("xtask:   {name:<48} {:>8} B  {gzipped:>8} B gzipped", bytes.len());
    }
    eprintln!("xtask:   {total:<48} {raw_total:>8} B  {gzip_total:>8} B gzipped");
    Ok(())
}

/// The wasm features rustc emits for the page, which wasm-opt must be told of (reference
/// types too, where wasm-bindgen's output is read).
const WASM_FEATURES: [&str; 5] = [
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-multivalue",
];

/// Shortens the names the wasm imports and exports, and renames them to match in
/// wasm-bindgen's JS glue. wasm-bindgen's names carry a 16-digit hash each, which gzip
/// cannot compress: about 2 KB of the page, in the wasm and again in the glue. binaryen's
/// `--minify-imports-and-exports-and-modules` renames them and prints the old and new names;
/// every rename is then checked to have happened exactly where the glue uses the name.
fn minify_wasm_names(tools: &Tools, dist: &Path, glue: &Path, loader: &Path) -> anyhow::Result<()> {
    let wasm = only_file(dist, "_bg.wasm")?;
    let mut opt = Command::new(&tools.wasm_opt);
    opt.arg(&wasm).args(WASM_FEATURES).arg("--minify-imports-and-exports-and-modules").arg("-o").arg(&wasm);
    eprintln!("xtask: shortening the wasm's import and export names (wasm-opt)");
    let described = cmd::describe(&opt);
    let renames = cmd::output(&mut opt).with_context(|| format!("{described} failed"))?;
    let renames: serde_json::Value =
        serde_json::from_str(&renames).context("wasm-opt's list of renamed imports and exports")?;
    let pairs = |key: &str| -> anyhow::Result<Vec<Vec<String>>> {
        serde_json::from_value(renames[key].clone()).with_context(|| format!("wasm-opt's `{key}` renames"))
    };

    // All imports now come from one module; the glue names it in its imports object.
    let modules = import_modules(&std::fs::read(&wasm)?)?;
    let [new_module] = modules.as_slice() else {
        anyhow::bail!("expected the wasm to import from one module after renaming, found {modules:?}");
    };
    let mut js = std::fs::read_to_string(glue)?;
    let mut old_modules: Vec<String> = Vec::new();
    // Snippet functions that need no conversion are imported straight from the snippet
    // (`import * as import1 from "./snippets/…"`, passed whole as that module's imports);
    // under their new names they join the glue's own imports object instead.
    let mut straight: Vec<String> = Vec::new();
    for import in pairs("imports")? {
        let [module, old, new] = import.as_slice() else { anyhow::bail!("unexpected import rename {import:?}") };
        if !old_modules.contains(module) {
            old_modules.push(module.clone());
        }
        match namespace_import(&js, module) {
            Some(namespace) => straight.push(format!("\n{new}: {namespace}.{old},")),
            // The glue defines each other import once, as `name: function(...)` in its
            // imports object.
            None => js = rename_once(&js, &format!("{old}:"), &format!("{new}:"))?,
        }
    }
    for module in &old_modules {
        js = match namespace_import(&js, module) {
            Some(namespace) => rename_once(&js, &format!("\"{module}\": {namespace},"), "")?,
            None => rename_once(&js, &format!("\"{module}\":"), &format!("\"{new_module}\":"))?,
        };
    }
    if !straight.is_empty() {
        js = rename_once(&js, GLUE_IMPORTS_OBJECT, &format!("{GLUE_IMPORTS_OBJECT}{}", straight.concat()))?;
    }
    let mut new_exports = Vec::new();
    rename_shared_exports(loader, &pairs("exports")?)?;
    for export in pairs("exports")? {
        let [old, new] = export.as_slice() else { anyhow::bail!("unexpected export rename {export:?}") };
        // The glue reads exports as `wasm.name`; some (binaryen's own) it never reads.
        js = rename_all(&js, &format!("wasm.{old}"), &format!("wasm.{new}"));
        new_exports.push(new.clone());
    }
    let mut rest = js.as_str();
    while let Some(at) = rest.find("wasm.") {
        rest = &rest[at + "wasm.".len()..];
        let name: String = rest.chars().take_while(|&c| is_identifier(c)).collect();
        anyhow::ensure!(
            new_exports.contains(&name),
            "the JS glue still reads wasm.{name}, which the wasm no longer exports"
        );
    }
    std::fs::write(glue, js)?;
    Ok(())
}

/// In the split modules' loader, which takes what the split-off modules share with the main
/// one (its memory, its function table, ...) from the main module's exports by name:
/// `const { memory, ... } = initSync(...)` becomes `const { a: memory, ... } = ...`.
fn rename_shared_exports(loader: &Path, renames: &[Vec<String>]) -> anyhow::Result<()> {
    const TAKEN: &str = " } = initSync(undefined, undefined);";
    let js = std::fs::read_to_string(loader).with_context(|| format!("reading {}", loader.display()))?;
    let end = js.find(TAKEN).with_context(|| format!("no `{}` in {SPLIT_LOADER}", TAKEN.trim()))?;
    let start = js[..end].rfind("const { ").with_context(|| format!("no `const {{` before it in {SPLIT_LOADER}"))?;
    let mut taken = Vec::new();
    for name in js[start + "const { ".len()..end].split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let new = renames
            .iter()
            .find_map(|pair| matches!(pair.as_slice(), [old, _] if old == name).then(|| pair[1].clone()))
            .with_context(|| format!("{SPLIT_LOADER} takes `{name}`, which the main module does not export"))?;
        taken.push(format!("{new}: {name}"));
    }
    let js = format!("{}const {{ {}{}", &js[..start], taken.join(", "), &js[end..]);
    std::fs::write(loader, js)?;
    Ok(())
}

/// How wasm-bindgen's glue opens the object of the imports it defines itself.
const GLUE_IMPORTS_OBJECT: &str = "const import0 = {";

/// The name under which the glue imports the whole of `module` (`import * as NAME from
/// "module"`), if it does.
fn namespace_import(js: &str, module: &str) -> Option<String> {
    js.lines().find_map(|line| {
        let rest = line.trim().strip_prefix("import * as ")?;
        let (name, from) = rest.split_once(" from ")?;
        (from.trim_end_matches(';').trim_matches(['"', '\'']) == module).then(|| name.to_owned())
    })
}

/// The distinct modules `wasm` imports from.
fn import_modules(wasm: &[u8]) -> anyhow::Result<Vec<String>> {
    let mut modules = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let wasmparser::Payload::ImportSection(imports) = payload? {
            for import in imports.into_imports() {
                let module = import?.module.to_owned();
                if !modules.contains(&module) {
                    modules.push(module);
                }
            }
        }
    }
    Ok(modules)
}

/// `text` (the JS glue) with the one occurrence of `old` (not preceded by a name character)
/// replaced.
fn rename_once(text: &str, old: &str, new: &str) -> anyhow::Result<String> {
    rename_once_in(text, old, new, "the JS glue")
}

/// `text` (`what`, for the error) with the one occurrence of `old` (not preceded by a name
/// character) replaced.
fn rename_once_in(text: &str, old: &str, new: &str, what: &str) -> anyhow::Result<String> {
    let found: Vec<usize> =
        text.match_indices(old).map(|(at, _)| at).filter(|&at| !text[..at].ends_with(is_identifier)).collect();
    let [at] = found.as_slice() else {
        anyhow::bail!("expected `{old}` once in {what}, found it {} times", found.len());
    };
    Ok(format!("{}{new}{}", &text[..*at], &text[at + old.len()..]))
}

/// `text` with every whole-name occurrence of `old` replaced.
fn rename_all(text: &str, old: &str, new: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(old) {
        let whole = !rest[at + old.len()..].starts_with(is_identifier) && !rest[..at].ends_with(is_identifier);
        out.push_str(&rest[..at]);
        out.push_str(if whole { new } else { old });
        rest = &rest[at + old.len()..];
    }
    out.push_str(rest);
    out
}

/// Whether `c` can be part of a JavaScript name.
fn is_identifier(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// The one file in `dir` whose name ends with `suffix`.
fn only_file(dir: &Path, suffix: &str) -> anyhow::Result<PathBuf> {
    let files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().ends_with(suffix)))
        .collect();
    let [file] = files.as_slice() else {
        anyhow::bail!("expected one *{suffix} file in {}, found {}", dir.display(), files.len());
    };
    Ok(file.clone())
}

/// The classes of wasm-streams that wasm-bindgen's glue exports, whose wasm exports
/// `optimise_wasm` removes (`--remove-exports`): Leptos's server-function
/// client links them, and this page never creates one.
const STREAM_CLASSES: [&str; 3] = ["IntoUnderlyingByteSource", "IntoUnderlyingSink", "IntoUnderlyingSource"];

/// Removes the stream classes from the glue: each class, the `Symbol.dispose` assignment
/// after it and its `FinalizationRegistry` (each must be found exactly once), so that the
/// glue calls no export the wasm lacks (`minify_wasm_names` checks) and esbuild has nothing
/// of theirs to keep.
fn drop_stream_classes(glue: &Path) -> anyhow::Result<()> {
    let mut js = std::fs::read_to_string(glue).with_context(|| format!("reading {}", glue.display()))?;
    for class in STREAM_CLASSES {
        let dispose =
            format!("\n}}\nif (Symbol.dispose) {class}.prototype[Symbol.dispose] = {class}.prototype.free;\n");
        js = cut_once(&js, &format!("export class {class} {{\n"), &dispose)?;
        js = cut_once(&js, &format!("const {class}Finalization = "), ");\n")?;
    }
    std::fs::write(glue, js)?;
    Ok(())
}

/// `text` without the one span that starts with `start` and ends with the first `end` after it.
fn cut_once(text: &str, start: &str, end: &str) -> anyhow::Result<String> {
    let from = match text.match_indices(start).map(|(at, _)| at).collect::<Vec<_>>().as_slice() {
        [at] => *at,
        found => {
            anyhow::bail!("expected `{}` once in wasm-bindgen's glue, found it {} times", start.trim(), found.len())
        }
    };
    let to = from + text[from..].find(end).with_context(|| format!("`{}` does not end in the glue", start.trim()))?;
    Ok(format!("{}{}", &text[..from], &text[to + end.len()..]))
}

/// Puts the page's script and stylesheet into index.html, so that a first visit asks for
/// three files (index.html, config.json, the wasm) instead of six. On this machine each
/// further file costs the browser a new connection, and the form appeared 25 to 50 ms later
/// (BENCHMARKS.md). The script is frontend/loader.js bundled with wasm-bindgen's glue and
/// minified by esbuild; it goes at the end of the body, and a preload of the wasm at the end
/// of the head. The stylesheet Trunk has already inlined (`rel="inline"` in index.html). The
/// Content-Security-Policy's `'self'` for scripts and styles then becomes the SHA-256 of
/// exactly these two, so no other script or style, from this site or inline, can run.
fn inline_scripts(ws: &Workspace, tools: &Tools, dist: &Path, glue: &Path, wasm_url: &str) -> anyhow::Result<()> {
    let index = dist.join("index.html");
    let html = std::fs::read_to_string(&index).with_context(|| format!("reading {}", index.display()))?;
    let script = bundle_loader(ws, tools, glue, wasm_url)?;
    // The HTML parser ends a script at the first `</script`, whatever JavaScript means there.
    anyhow::ensure!(!script.to_ascii_lowercase().contains("</script"), "the bundled script contains `</script`");
    let style = element(&html, "<style>", "</style>", "")?;
    let style = &html[style.start + "<style>".len()..style.end - "</style>".len()];

    // The rust link Trunk was told to skip, which it leaves in place.
    let skipped = element(&html, "<link", ">", "data-trunk-skip")?;
    let html = format!("{}{}", &html[..skipped.start], &html[skipped.end..]);
    // The wasm is asked for with the HTML's head, while the script below still parses.
    let preload = format!("<link as=fetch crossorigin href={wasm_url} rel=preload type=application/wasm></head>");
    let mut page = rename_once_in(&html, "</head>", &preload, "index.html")?;
    page = rename_once_in(&page, "</body>", &format!("<script type=module>{script}</script></body>"), "index.html")?;
    page = rename_once_in(&page, "script-src 'self'", &format!("script-src {}", csp_hash(&script)), "index.html")?;
    page = rename_once_in(&page, "style-src 'self'", &format!("style-src {}", csp_hash(style)), "index.html")?;
    std::fs::write(&index, page)?;
    Ok(())
}

/// frontend/loader.js bundled with the glue (which it imports as `whoami-glue`) into one
/// minified module that fetches the wasm from `wasm_url`.
fn bundle_loader(ws: &Workspace, tools: &Tools, glue: &Path, wasm_url: &str) -> anyhow::Result<String> {
    let out = ws.target_dir.join("page-script.js");
    let mut esbuild = Command::new(&tools.esbuild);
    esbuild.arg(ws.root.join("frontend").join("loader.js"));
    esbuild.args(["--bundle", "--minify", "--format=esm", "--log-level=warning"]);
    esbuild.arg(format!("--alias:whoami-glue={}", glue.display()));
    esbuild.arg(format!("--define:WHOAMI_WASM={}", serde_json::to_string(wasm_url)?));
    esbuild.arg(format!("--outfile={}", out.display()));
    cmd::run("bundling the page's script (esbuild: frontend/loader.js and the glue)", &mut esbuild)?;
    let script = std::fs::read_to_string(&out).with_context(|| format!("reading {}", out.display()))?;
    Ok(script.trim_end().to_owned())
}

/// Where in `html` the one element is that starts with `open`, ends with the next `close`,
/// and (when `marker` is not empty) has `marker` in its start tag.
fn element(html: &str, open: &str, close: &str, marker: &str) -> anyhow::Result<std::ops::Range<usize>> {
    let mut found = Vec::new();
    for (start, _) in html.match_indices(open) {
        let tag_end = html[start..].find('>').map_or(html.len(), |at| start + at);
        if html[start..tag_end].contains(marker) {
            let end = html[start..].find(close).map(|at| start + at + close.len());
            found.push(start..end.with_context(|| format!("index.html: `{open}` without `{close}`"))?);
        }
    }
    let [range] = found.as_slice() else {
        anyhow::bail!("expected one `{open}{marker}…{close}` in index.html, found {}", found.len());
    };
    Ok(range.clone())
}

/// A Content-Security-Policy source that allows exactly the inline script or style `text`.
fn csp_hash(text: &str) -> String {
    use base64::Engine as _;
    format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text)))
}

/// The crates the page's release build rebuilds, and std's features for it.
pub const BUILD_STD: &str = "std,panic_abort";
pub const BUILD_STD_FEATURES: &str = "optimize_for_size";

/// The page's flags when std is rebuilt: no panic messages or their formatting (rustc >=
/// 1.92), no file/line/column of panics, and `Debug` impls that print nothing.
const LEAN_STD_FLAGS: &str = "-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none";

/// The rustc that can rebuild std with `LEAN_STD_FLAGS` for the page, if there is one: the
/// toolchain's own rustc with std's source at hand (rustup's rust-src, or Debian's
/// rust-web-src) and new enough to know the flags.
fn lean_std_rustc(toolchain: WasmToolchain) -> Option<&'static str> {
    let rustc = crate::setup::StdSource::of(toolchain)?.rustc;
    let mut probe = Command::new(rustc);
    probe.env("RUSTC_BOOTSTRAP", "1").args(LEAN_STD_FLAGS.split(' '));
    probe.args(["--target", "wasm32-unknown-unknown", "--print", "cfg"]);
    cmd::output(&mut probe).is_some_and(|cfg| cfg.contains("panic=\"immediate-abort\"")).then_some(rustc)
}

/// The size of `bytes` after gzip at the best compression level.
pub fn gzip_len(bytes: &[u8]) -> anyhow::Result<usize> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_only_whole_names() {
        let glue = "const i = {__wbg_a_1: function() {}, x__wbg_a_1: 0};\nwasm.main(); wasm.main2(); wasm.memory;";
        let renamed = rename_once(glue, "__wbg_a_1:", "a:").unwrap();
        assert_eq!(renamed, "const i = {a: function() {}, x__wbg_a_1: 0};\nwasm.main(); wasm.main2(); wasm.memory;");
        assert_eq!(rename_all(&renamed, "wasm.main", "wasm.b"), renamed.replace("wasm.main()", "wasm.b()"));
    }

    #[test]
    fn finds_a_snippet_imported_whole() {
        let glue = "import { acquire } from './snippets/a/inline0.js';\n\
                    import * as import1 from \"./snippets/a/inline1.js\"\n";
        assert_eq!(namespace_import(glue, "./snippets/a/inline1.js").as_deref(), Some("import1"));
        assert_eq!(namespace_import(glue, "./snippets/a/inline0.js"), None, "imported by name, through a shim");
        assert_eq!(namespace_import(glue, "./whoami-frontend_bg.js"), None);
    }

    #[test]
    fn a_name_that_is_missing_or_repeated_is_an_error() {
        assert!(rename_once("{b: 1}", "a:", "c:").is_err());
        assert!(rename_once("{a: 1, a: 2}", "a:", "c:").is_err());
    }

    #[test]
    fn finds_the_one_element_with_its_marker() {
        let html =
            "<style>a{}</style><script src=/x.js></script><script data-wasm=/a_bg.wasm type=module></script></body>";
        let range = element(html, "<script", "</script>", "data-wasm=").unwrap();
        assert_eq!(&html[range], "<script data-wasm=/a_bg.wasm type=module></script>");
        assert!(element(html, "<script", "</script>", "").is_err(), "two scripts without a marker");
    }

    #[test]
    fn a_placeholder_that_is_missing_or_repeated_is_an_error() {
        assert!(element("<script type=module></script>", "<script", "</script>", "data-wasm=").is_err());
        let twice = "<script data-wasm=/a></script><script data-wasm=/b></script>";
        assert!(element(twice, "<script", "</script>", "data-wasm=").is_err());
        assert!(element("<style>a{}", "<style>", "</style>", "").is_err());
    }

    #[test]
    fn csp_hashes_are_sha256_in_base64() {
        // printf 'alert(1)' | openssl dgst -sha256 -binary | base64
        assert_eq!(csp_hash("alert(1)"), "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='");
    }
}
