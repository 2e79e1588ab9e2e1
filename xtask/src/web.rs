//! Building the web page with Trunk, and reporting what a visitor downloads.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context;

use crate::cmd;
use crate::setup::{Tools, WasmToolchain};

/// Builds the page into `dist/` and prints each file's size, raw and gzipped.
pub fn build(root: &Path, tools: &Tools) -> anyhow::Result<PathBuf> {
    let mut trunk = Command::new("trunk");
    // --offline: use the wasm-bindgen that setup installed rather than downloading one.
    trunk.args(["build", "--release", "--offline"]).current_dir(root);
    // A target directory of its own: the wasm build may use another rustc than the native one.
    let mut target = crate::target_dir(root)?.join("wasm");
    for (name, value) in tools.wasm.env() {
        trunk.env(name, value);
    }
    if let Some(rustc) = lean_std_rustc(tools.wasm) {
        // Rebuild std for the page without panic messages or their formatting, without
        // source locations, and with empty `Debug` output: nothing in the page shows any of
        // them (there is no panic hook, and nothing prints `{:?}`), and they are about a
        // sixth of the gzipped wasm. Only the page gets this; the wasm tests keep their
        // messages, in their own target directory so that neither build undoes the other.
        trunk.env("RUSTC", rustc);
        trunk.env("RUSTC_BOOTSTRAP", "1");
        trunk.env("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort");
        trunk.env("CARGO_UNSTABLE_BUILD_STD_FEATURES", "optimize_for_size");
        trunk.env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS", LEAN_STD_FLAGS);
        target = target.with_file_name("wasm-page");
    } else {
        eprintln!("xtask: warning: building the page with the prebuilt std (larger): no std source to rebuild");
    }
    trunk.env("CARGO_TARGET_DIR", target);
    trunk.env("PATH", path_with_wasm_opt(root)?);
    cmd::run("building the web page (Trunk, release)", &mut trunk)?;

    let dist = root.join("dist");
    minify_js(root, &dist)?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dist)
        .with_context(|| format!("Trunk wrote no {}", dist.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    anyhow::ensure!(
        files.iter().any(|f| f.extension().is_some_and(|e| e == "wasm")),
        "Trunk wrote no .wasm file into {}",
        dist.display()
    );
    let (mut raw_total, mut gzip_total) = (0, 0);
    for file in &files {
        let bytes = std::fs::read(file)?;
        let gzipped = gzip_len(&bytes)?;
        raw_total += bytes.len();
        gzip_total += gzipped;
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        eprintln!("xtask:   {name:<48} {:>8} B  {gzipped:>8} B gzipped", bytes.len());
    }
    eprintln!("xtask:   {:<48} {raw_total:>8} B  {gzip_total:>8} B gzipped", "total");
    Ok(dist)
}

/// Minifies the page's JavaScript in `dist` with esbuild: wasm-bindgen's glue and
/// loader.js, which Trunk leaves as written (it minifies the HTML and CSS); about 1.5 KB of
/// the page's gzipped size. Trunk.toml turns off `integrity` hashes, which would no longer
/// match.
fn minify_js(root: &Path, dist: &Path) -> anyhow::Result<()> {
    let scripts: Vec<PathBuf> = std::fs::read_dir(dist)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "js"))
        .collect();
    anyhow::ensure!(!scripts.is_empty(), "Trunk wrote no JavaScript into {}", dist.display());
    let mut esbuild = Command::new(crate::setup::esbuild_bin(root));
    esbuild.args(&scripts).args(["--minify", "--format=esm", "--log-level=warning", "--allow-overwrite"]);
    esbuild.arg(format!("--outdir={}", dist.display()));
    cmd::run("minifying the page's JavaScript (esbuild)", &mut esbuild)
}

/// The page's flags when std is rebuilt: no panic messages or their formatting (rustc >=
/// 1.92), no file/line/column of panics, and `Debug` impls that print nothing.
const LEAN_STD_FLAGS: &str = "-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none";

/// The rustc that can rebuild std with `LEAN_STD_FLAGS` for the page, if there is one: the
/// toolchain's own rustc with std's source at hand (rustup's rust-src, or Debian's
/// rust-web-src) and new enough to know the flags.
fn lean_std_rustc(toolchain: WasmToolchain) -> Option<&'static str> {
    let rustc = match toolchain {
        WasmToolchain::Rustup => {
            crate::setup::rustup_std_source()?;
            "rustc"
        }
        WasmToolchain::DebianBuildStd => crate::setup::DEBIAN_RUSTC,
    };
    let mut probe = Command::new(rustc);
    probe.env("RUSTC_BOOTSTRAP", "1").args(LEAN_STD_FLAGS.split(' '));
    probe.args(["--target", "wasm32-unknown-unknown", "--print", "cfg"]);
    cmd::output(&mut probe).is_some_and(|cfg| cfg.contains("panic=\"immediate-abort\"")).then_some(rustc)
}

/// PATH with setup's wasm-opt first, where Trunk looks for the version Trunk.toml names.
fn path_with_wasm_opt(root: &Path) -> anyhow::Result<std::ffi::OsString> {
    let mut dirs = vec![crate::setup::binaryen_bin(root)];
    dirs.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()));
    Ok(std::env::join_paths(dirs)?)
}

/// The size of `bytes` after gzip at the best compression level.
pub fn gzip_len(bytes: &[u8]) -> anyhow::Result<usize> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?.len())
}
