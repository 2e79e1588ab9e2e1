//! `cargo xtask setup`: installs what is missing, idempotently, and says what it does.
//!
//! The wasm32 standard library comes from rustup where it can be downloaded; where it
//! cannot (machines that reach only package registries), from Debian's rustc-web and
//! rust-web-src, building std from source (see ARCHITECTURE.md, "Building the page").
//! ministack, the local AWS that `cargo xtask dev` and the tests deploy template.yaml into,
//! goes into the git-ignored `.local/aws` with the template's checkers, at the exact versions
//! of `local/requirements.txt`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use crate::cmd;
use crate::workspace::Workspace;

const TRUNK_VERSION: &str = "0.21.14";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const DEBIAN_RUSTC: &str = "/usr/bin/rustc";
const DEBIAN_STD_SOURCE: &str = "/usr/lib/rustlib/src/rust/library";
const DEBIAN_PACKAGES: [&str; 3] = ["rustc-web", "rust-web-src", "lld-22"];
/// The local AWS and the template's checkers, each pinned exactly.
const LOCAL_AWS_REQUIREMENTS: &str = include_str!("../../local/requirements.txt");

/// How the wasm32 standard library is provided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WasmToolchain {
    /// rustup's prebuilt `wasm32-unknown-unknown` target.
    Rustup,
    /// Debian's rustc, building std from Debian's library source.
    DebianBuildStd,
}

impl WasmToolchain {
    /// Environment for cargo building for wasm32 with this toolchain. Only the
    /// wasm build gets it: build-std in a global config would break native builds.
    pub fn env(self) -> Vec<(&'static str, &'static str)> {
        match self {
            WasmToolchain::Rustup => vec![],
            WasmToolchain::DebianBuildStd => {
                vec![("RUSTC", DEBIAN_RUSTC), ("RUSTC_BOOTSTRAP", "1"), ("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort")]
            }
        }
    }
}

/// What setup found or installed: the wasm toolchain, and each program the commands run
/// that setup provides, where it is.
#[derive(Debug, Clone)]
pub struct Tools {
    pub wasm: WasmToolchain,
    /// Trunk, on PATH.
    pub trunk: PathBuf,
    /// wasm-bindgen-cli, at the version `Cargo.toml` pins, on PATH.
    pub wasm_bindgen: PathBuf,
    /// wasm_split_cli_support's `wasm-split-cli`, on PATH: splits off what the page loads on
    /// demand.
    pub wasm_split: PathBuf,
    /// wasm-bindgen-cli's runner for the page's wasm tests, on PATH.
    pub wasm_bindgen_test_runner: PathBuf,
    /// binaryen's wasm-opt (`.local/binaryen`).
    pub wasm_opt: PathBuf,
    /// esbuild (`.local/esbuild`).
    pub esbuild: PathBuf,
    /// The virtual environment of ministack, the SAM translator and cfn-lint
    /// (`.local/aws`, git-ignored).
    pub local_aws: PathBuf,
    /// The chromedriver the page's wasm tests run Chromium through.
    pub chromedriver: PathBuf,
}

impl Tools {
    /// A program of the local AWS's environment: `ministack`, `cfn-lint`, `python`.
    pub fn local_aws_program(&self, name: &str) -> PathBuf {
        self.local_aws.join("bin").join(name)
    }
}

pub fn run(ws: &Workspace) -> anyhow::Result<Tools> {
    let wasm = wasm_toolchain()?;
    if let Some(source) = StdSource::of(wasm) {
        source.fetch_dependencies(None)?;
    }
    let trunk = cargo_install(&CargoTool {
        krate: "trunk",
        program: "trunk",
        version: Some(TRUNK_VERSION),
        version_args: &["--version"],
        flags: &["--locked"],
        takes: "about 10 minutes on 2 cores, once",
    })?;
    let wasm_bindgen = pinned_wasm_bindgen()?;
    let wasm_bindgen = cargo_install(&CargoTool {
        krate: "wasm-bindgen-cli",
        program: "wasm-bindgen",
        version: Some(&wasm_bindgen),
        version_args: &["--version"],
        // Not --locked: a dependency version in its lock file is missing from the registry.
        // --force: replace another version's programs.
        flags: &["--force"],
        takes: "a few minutes, once",
    })?;
    let wasm_split = cargo_install(&CargoTool {
        krate: "wasm_split_cli_support",
        program: "wasm-split-cli",
        // It prints no version: any installed copy is taken, and a missing one is installed
        // at the version build-web was written for.
        version: None,
        version_args: &["--help"],
        flags: &["--locked", "--version", WASM_SPLIT_VERSION, "--features", "build-binary"],
        takes: "a few minutes, once",
    })?;
    let local_aws = install_local_aws(ws)?;
    let wasm_opt = install_npm_tool(ws, &BINARYEN)?;
    let esbuild = install_npm_tool(ws, &ESBUILD)?;
    let chromedriver = install_chromium()?;
    Ok(Tools {
        wasm,
        trunk,
        wasm_bindgen_test_runner: wasm_bindgen.with_file_name("wasm-bindgen-test-runner"),
        wasm_bindgen,
        wasm_split,
        wasm_opt,
        esbuild,
        local_aws,
        chromedriver,
    })
}

/// ministack and the template's checkers in a project-local virtual environment, so nothing
/// is installed into the system's Python and a fresh clone gets the same versions. A stamp
/// holding the requirements it was made from tells whether it is current: any change to
/// `local/requirements.txt` makes a new environment.
fn install_local_aws(ws: &Workspace) -> anyhow::Result<PathBuf> {
    let venv = ws.local("aws");
    let stamp = venv.join("requirements.installed");
    if std::fs::read_to_string(&stamp).is_ok_and(|installed| installed == LOCAL_AWS_REQUIREMENTS) {
        eprintln!("xtask: ministack and the template's checkers are installed ({})", venv.display());
        return Ok(venv);
    }
    if venv.exists() {
        std::fs::remove_dir_all(&venv).with_context(|| format!("cannot remove the old {}", venv.display()))?;
    }
    pip_install(
        &venv,
        &["-r", &ws.root.join("local").join("requirements.txt").to_string_lossy()],
        "(about a minute, once)",
    )?;
    std::fs::write(&stamp, LOCAL_AWS_REQUIREMENTS)?;
    Ok(venv)
}

/// Installs `requirements` (pip's arguments: a requirement, or `-r FILE`) from PyPI into the
/// virtual environment `venv`, creating it first if needed; `note` follows the progress message.
pub fn pip_install(venv: &Path, requirements: &[&str], note: &str) -> anyhow::Result<()> {
    if !venv.join("bin").join("pip").exists() {
        cmd::run(
            &format!("creating a Python virtual environment in {}", venv.display()),
            Command::new("python3").args(["-m", "venv"]).arg(venv),
        )
        .context("Python's venv module is needed: on Debian, `apt-get install python3-venv`")?;
    }
    cmd::run(
        &format!("installing {} into {} {note}", requirements.join(" "), venv.display()),
        Command::new(venv.join("bin").join("pip")).args(["install", "--quiet"]).args(requirements),
    )
}

/// A tool installed from npm into `.local/<dir>`, so a fresh clone gets the same version
/// and nothing is installed globally.
struct NpmTool {
    /// What the tool is for, in progress messages.
    purpose: &'static str,
    /// The npm package, with its version.
    package: &'static str,
    /// The directory under `.local`.
    dir: &'static str,
    /// The program, relative to that directory.
    program: &'static str,
    /// How `program --version` starts when the right version is installed.
    version: &'static str,
}

/// binaryen's wasm-opt, which `cargo xtask build-web` runs on the page's wasm. npm's package
/// is current (Debian's binaryen is from 2022 and rejects what rustc emits) and runs on node.
const BINARYEN: NpmTool = NpmTool {
    purpose: "wasm-opt",
    package: "binaryen@132.0.0",
    dir: "binaryen",
    program: "node_modules/binaryen/bin/wasm-opt",
    version: "wasm-opt version 132",
};

/// esbuild, which bundles frontend/loader.js with wasm-bindgen's glue and minifies them into
/// the page's one inline script (see web.rs).
const ESBUILD: NpmTool = NpmTool {
    purpose: "JS bundler",
    package: "esbuild@0.28.2",
    dir: "esbuild",
    program: "node_modules/.bin/esbuild",
    version: "0.28.2",
};

/// Installs `tool` into `.local/<dir>` unless the right version is there. Returns the program.
fn install_npm_tool(ws: &Workspace, tool: &NpmTool) -> anyhow::Result<PathBuf> {
    // `npm install --prefix` puts the package here.
    let prefix = ws.local(tool.dir);
    let program = prefix.join(tool.program);
    if cmd::output(Command::new(&program).arg("--version")).is_some_and(|v| v.trim().starts_with(tool.version)) {
        eprintln!("xtask: {} is installed ({})", tool.package, program.display());
        return Ok(program);
    }
    cmd::run(
        &format!("installing {} ({}) from npm into {}", tool.package, tool.purpose, prefix.display()),
        Command::new("npm").args(["install", "--no-audit", "--no-fund", "--prefix"]).arg(&prefix).arg(tool.package),
    )
    .with_context(|| format!("npm is needed for {}: on Debian, `apt-get install nodejs npm`", tool.purpose))?;
    Ok(program)
}

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Chromium and chromedriver, for the page's wasm tests and its browser tests. Test tools
/// cannot download browsers on these machines, so Debian's packages are used. Returns
/// chromedriver.
fn install_chromium() -> anyhow::Result<PathBuf> {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        eprintln!("xtask: chromium and chromedriver are installed");
        return Ok(CHROMEDRIVER.into());
    }
    if cmd::output(Command::new("id").arg("-u")).is_none_or(|uid| uid.trim() != "0") {
        bail!("the browser tests need Chromium; install it with `sudo apt-get install -y chromium chromium-driver`");
    }
    cmd::run("updating Debian's package lists", Command::new("apt-get").args(["update", "-q"]))?;
    cmd::run(
        "installing chromium and chromium-driver (for the page's browser tests)",
        Command::new("apt-get").args(["install", "-y", "-q", "--no-install-recommends", "chromium", "chromium-driver"]),
    )?;
    Ok(CHROMEDRIVER.into())
}

fn wasm_toolchain() -> anyhow::Result<WasmToolchain> {
    // WHOAMI_WASM_TOOLCHAIN=debian forces the fallback, to check it on a machine where
    // rustup works.
    let forced = std::env::var("WHOAMI_WASM_TOOLCHAIN").ok();
    if forced.as_deref() != Some("debian") {
        let installed = cmd::output(Command::new("rustup").args(["target", "list", "--installed"]));
        if installed.is_some_and(|list| list.lines().any(|l| l.trim() == WASM_TARGET)) {
            eprintln!("xtask: wasm32 standard library: rustup target {WASM_TARGET} is installed");
            install_rust_src();
            return Ok(WasmToolchain::Rustup);
        }
        eprintln!("xtask: wasm32 standard library: trying rustup target add {WASM_TARGET}");
        if Command::new("rustup").args(["target", "add", WASM_TARGET]).status().is_ok_and(|s| s.success()) {
            install_rust_src();
            return Ok(WasmToolchain::Rustup);
        }
        eprintln!("xtask: rustup cannot download the target here; using Debian's rustc-web with build-std");
    }
    if !debian_toolchain_present() {
        install_debian_toolchain()?;
    }
    eprintln!("xtask: wasm32 standard library: Debian's rustc-web, std built from rust-web-src");
    Ok(WasmToolchain::DebianBuildStd)
}

/// The standard library's source that the page's release build rebuilds std from, and the
/// rustc that goes with it.
#[derive(Debug, Clone)]
pub struct StdSource {
    /// The `library/` directory: std's own Cargo workspace, with its `Cargo.lock`.
    pub library: PathBuf,
    pub rustc: &'static str,
}

impl StdSource {
    /// The source `toolchain` builds std from, if it is installed.
    pub fn of(toolchain: WasmToolchain) -> Option<Self> {
        match toolchain {
            WasmToolchain::Rustup => Some(Self { library: rustup_std_source()?, rustc: "rustc" }),
            WasmToolchain::DebianBuildStd => {
                let library = PathBuf::from(DEBIAN_STD_SOURCE);
                library.exists().then_some(Self { library, rustc: DEBIAN_RUSTC })
            }
        }
    }

    /// Downloads the crates std depends on (its `library/Cargo.lock`: hashbrown, libc, ...)
    /// into cargo's cache, or into `cargo_home` when one is given. The page's build runs
    /// offline (`cargo build --offline`, see web.rs), so a build-std
    /// that finds them missing fails; a plain `cargo build` never fetches them.
    pub fn fetch_dependencies(&self, cargo_home: Option<&Path>) -> anyhow::Result<()> {
        let fetch = |offline: bool| {
            let mut cargo = cmd::cargo();
            cargo.args(["fetch", "--locked", "--manifest-path"]).arg(self.library.join("Cargo.toml"));
            if offline {
                cargo.arg("--offline");
            }
            // std's manifest uses an unstable cargo feature.
            cargo.env("RUSTC", self.rustc).env("RUSTC_BOOTSTRAP", "1");
            if let Some(home) = cargo_home {
                cargo.env("CARGO_HOME", home);
            }
            cargo
        };
        if cmd::output(&mut fetch(true)).is_some() {
            eprintln!("xtask: the standard library's dependencies are in cargo's cache");
            return Ok(());
        }
        cmd::run(
            &format!(
                "downloading the standard library's dependencies (for the page's std build, {})",
                self.library.display()
            ),
            &mut fetch(false),
        )
    }
}

/// Checks, in `scratch`, that the page's std build resolves offline from nothing but what
/// [`StdSource::fetch_dependencies`] downloads: an empty cargo home gets that download, then
/// an empty crate is planned (`--unit-graph`, nothing compiled) for wasm32 with the page's
/// build-std settings and `--offline`, as build-web runs it. A machine whose cache already held
/// std's crates would hide a missing fetch; this cannot. About two seconds.
pub fn check_std_fetch(source: &StdSource, scratch: &Path) -> anyhow::Result<()> {
    if scratch.exists() {
        std::fs::remove_dir_all(scratch)?;
    }
    let home = scratch.join("cargo-home");
    let krate = scratch.join("crate");
    std::fs::create_dir_all(&home)?;
    std::fs::create_dir_all(krate.join("src"))?;
    std::fs::write(
        krate.join("Cargo.toml"),
        "[package]\nname = \"std-fetch-check\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[workspace]\n",
    )?;
    std::fs::write(krate.join("src").join("lib.rs"), "")?;
    source.fetch_dependencies(Some(&home))?;
    let mut plan = cmd::cargo();
    plan.args(["build", "--offline", "--unit-graph", "-Zunstable-options", "--target", WASM_TARGET])
        .arg("--target-dir")
        .arg(scratch.join("target"))
        .current_dir(&krate)
        .env("CARGO_HOME", &home)
        .env("RUSTC", source.rustc)
        .env("RUSTC_BOOTSTRAP", "1")
        .env("CARGO_UNSTABLE_BUILD_STD", crate::web::BUILD_STD)
        .env("CARGO_UNSTABLE_BUILD_STD_FEATURES", crate::web::BUILD_STD_FEATURES)
        .stdout(std::process::Stdio::null());
    let planned = cmd::run("checking that the page's std build needs nothing setup did not download", &mut plan);
    std::fs::remove_dir_all(scratch)?;
    planned.context("setup's download of the standard library's dependencies misses what build-std resolves")
}

/// Where rustup's `rust-src` component puts the standard library's source.
pub fn rustup_std_source() -> Option<PathBuf> {
    let sysroot = cmd::output(Command::new("rustc").args(["--print", "sysroot"]))?;
    let library = Path::new(sysroot.trim()).join("lib/rustlib/src/rust/library");
    library.exists().then_some(library)
}

/// rustup's `rust-src`, from which the page's release build rebuilds std without panic
/// messages (see `web::build`). Without it the page still builds, only larger, so a failure
/// is a warning.
fn install_rust_src() {
    if rustup_std_source().is_some() {
        eprintln!("xtask: rustup component rust-src is installed");
        return;
    }
    let added = Command::new("rustup").args(["component", "add", "rust-src"]).status().is_ok_and(|s| s.success());
    if !added {
        eprintln!("xtask: warning: rustup cannot add rust-src; the page will be built with the prebuilt std (larger)");
    }
}

fn debian_toolchain_present() -> bool {
    Path::new(DEBIAN_RUSTC).exists()
        && Path::new(DEBIAN_STD_SOURCE).exists()
        && cmd::output(Command::new("rust-lld").arg("-flavor").arg("wasm").arg("--version")).is_some()
}

fn install_debian_toolchain() -> anyhow::Result<()> {
    if cmd::output(Command::new("id").arg("-u")).is_none_or(|uid| uid.trim() != "0") {
        bail!(
            "the wasm32 target is not installed and rustup cannot download it; install Debian's packages \
             with `sudo apt-get install -y {}` and run this again",
            DEBIAN_PACKAGES.join(" ")
        );
    }
    cmd::run("updating Debian's package lists", Command::new("apt-get").args(["update", "-q"]))?;
    cmd::run(
        &format!("installing {}", DEBIAN_PACKAGES.join(", ")),
        Command::new("apt-get").args(["install", "-y", "-q", "--no-install-recommends"]).args(DEBIAN_PACKAGES),
    )?;
    if !debian_toolchain_present() {
        bail!(
            "installed {} but {DEBIAN_RUSTC}, {DEBIAN_STD_SOURCE} or rust-lld is still missing",
            DEBIAN_PACKAGES.join(" ")
        );
    }
    Ok(())
}

/// A program from crates.io, which `cargo install` puts in cargo's bin directory (on PATH).
#[derive(Debug, Clone, Copy)]
pub struct CargoTool<'a> {
    /// The crate: `trunk`, `wasm-bindgen-cli`, ...
    pub krate: &'a str,
    /// One of the programs it installs, run to see which version is there.
    pub program: &'a str,
    /// The version wanted, exactly; `None` takes whichever is installed, or the newest.
    pub version: Option<&'a str>,
    /// The arguments for which `program` prints `NAME VERSION` as its first line.
    pub version_args: &'a [&'a str],
    /// `cargo install`'s other flags: `--locked` (the crate's own lock file) unless that
    /// cannot build, `--force` where another version's programs must be replaced.
    pub flags: &'a [&'a str],
    /// How long installing takes, for the message.
    pub takes: &'a str,
}

/// Installs `tool` with `cargo install` unless the program on PATH is already the version
/// wanted; says which it found either way. Returns the program.
pub fn cargo_install(tool: &CargoTool<'_>) -> anyhow::Result<PathBuf> {
    let output = cmd::output(Command::new(tool.program).args(tool.version_args));
    let installed = output.as_deref().and_then(|out| out.lines().next()).map(str::trim);
    if let Some(installed) = installed
        && is_version(installed, tool.version)
    {
        // A program that prints no version is named instead of its first line of help.
        let named = if tool.version.is_some() { installed } else { tool.program };
        eprintln!("xtask: {named} is installed");
        return Ok(tool.program.into());
    }
    let mut install = cmd::cargo();
    install.args(["install", tool.krate]);
    let mut wanted = tool.krate.to_owned();
    if let Some(version) = tool.version {
        install.args(["--version", version]);
        wanted = format!("{wanted} {version}");
    }
    install.args(tool.flags);
    let found = installed.map(|installed| format!("found {installed}; ")).unwrap_or_default();
    cmd::run(&format!("installing {wanted} ({found}{})", tool.takes), &mut install)?;
    Ok(tool.program.into())
}

/// Whether `installed`, a program's `NAME VERSION`, is `wanted` (any version if `None`).
fn is_version(installed: &str, wanted: Option<&str>) -> bool {
    wanted.is_none_or(|wanted| installed.split_whitespace().nth(1) == Some(wanted))
}

/// The wasm splitter's version (Leptos 0.8's `#[lazy]` uses its runtime, wasm_split_helpers).
const WASM_SPLIT_VERSION: &str = "0.2.4";

/// The exact wasm-bindgen version pinned in the workspace manifest.
pub fn pinned_wasm_bindgen() -> anyhow::Result<String> {
    let manifest = include_str!("../../Cargo.toml");
    pinned_version(manifest, "wasm-bindgen").context("the workspace must pin wasm-bindgen with `=`")
}

/// The version in a `name = "=X.Y.Z"` line.
fn pinned_version(manifest: &str, name: &str) -> Option<String> {
    manifest.lines().find_map(|line| {
        let (key, value) = line.split_once('=')?;
        if key.trim() != name {
            return None;
        }
        value.trim().strip_prefix("\"=")?.strip_suffix('"').map(str::to_owned)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_pinned_version() {
        assert_eq!(pinned_version("a = 1\nwasm-bindgen = \"=0.2.130\"\n", "wasm-bindgen").as_deref(), Some("0.2.130"));
        assert_eq!(pinned_version("wasm-bindgen = \"0.2\"\n", "wasm-bindgen"), None);
    }

    #[test]
    fn compares_an_installed_version_exactly() {
        let check = |installed: &str, wanted: Option<&str>, expected: bool| {
            assert_eq!(is_version(installed, wanted), expected, "{installed} as {wanted:?}");
        };
        check("trunk 0.21.14", Some("0.21.14"), true);
        check("trunk 0.21.1", Some("0.21.14"), false);
        check("wasm-bindgen 0.2.130", Some("0.2.13"), false);
        check("trunk", Some("0.21.14"), false);
        check("cargo-fuzz 0.12.0", None, true);
    }
}
