//! `cargo xtask package`: the Lambda as `bootstrap.zip` for the provided.al2023 runtime, for
//! arm64 and x86_64, and the page's `dist/`.
//!
//! Lambda runs the binary on Amazon Linux 2023, whose glibc is 2.34. A binary linked on a
//! newer system may ask for newer symbol versions and then fails at start with "GLIBC_2.xx not
//! found", so both architectures are built with cargo-zigbuild, which links against exactly
//! glibc 2.34 whatever the build machine has, and cross-compiles the C in aws-lc-sys with
//! `zig cc`. zig comes from PyPI (`ziglang`) in its own git-ignored venv, `.local/zig`. Every
//! zip is then read back and its binary checked: ELF machine and the newest GLIBC_ version.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail, ensure};
use object::read::elf::FileHeader as _;

use crate::workspace::Workspace;
use crate::{cmd, setup};

/// Amazon Linux 2023's glibc: the newest symbol version a binary for provided.al2023 may need.
pub const AL2023_GLIBC: GlibcVersion = GlibcVersion([2, 34, 0]);
/// Pinned so that every machine links with the same zig and cargo-zigbuild.
const CARGO_ZIGBUILD_VERSION: &str = "0.24.1";
const ZIGLANG: &str = "ziglang==0.17.1";

/// A Lambda architecture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Arch {
    Arm64,
    #[value(name = "x86_64")]
    X86_64,
}

impl Arch {
    pub const ALL: [Arch; 2] = [Arch::Arm64, Arch::X86_64];

    /// Lambda's (and the template's `Architecture` parameter's) name for it.
    pub fn lambda_name(self) -> &'static str {
        match self {
            Arch::Arm64 => "arm64",
            Arch::X86_64 => "x86_64",
        }
    }

    fn triple(self) -> &'static str {
        match self {
            Arch::Arm64 => "aarch64-unknown-linux-gnu",
            Arch::X86_64 => "x86_64-unknown-linux-gnu",
        }
    }

    fn elf_machine(self) -> u16 {
        match self {
            Arch::Arm64 => object::elf::EM_AARCH64,
            Arch::X86_64 => object::elf::EM_X86_64,
        }
    }
}

/// A glibc symbol version such as `GLIBC_2.2.5`, compared numerically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct GlibcVersion([u32; 3]);

impl GlibcVersion {
    /// The version in a version-needed name, or `None` for names that are not `GLIBC_x.y[.z]`
    /// (other libraries' versions, `GLIBC_PRIVATE`).
    fn from_symbol_version(name: &str) -> Option<Self> {
        let mut parts = [0; 3];
        let mut count = 0;
        for part in name.strip_prefix("GLIBC_")?.split('.') {
            *parts.get_mut(count)? = part.parse().ok()?;
            count += 1;
        }
        (count >= 2).then_some(Self(parts))
    }
}

impl std::fmt::Display for GlibcVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let [major, minor, patch] = self.0;
        write!(f, "{major}.{minor}")?;
        if patch != 0 {
            write!(f, ".{patch}")?;
        }
        Ok(())
    }
}

/// What the packaging checks in a binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElfFacts {
    /// `e_machine`: `EM_AARCH64`, `EM_X86_64`, …
    pub machine: u16,
    /// The newest `GLIBC_` version the binary needs; `None` for a binary that needs no glibc
    /// (static musl).
    pub max_glibc: Option<GlibcVersion>,
}

/// Reads a 64-bit ELF binary's machine and the glibc versions it needs (`.gnu.version_r`).
pub fn inspect(data: &[u8]) -> anyhow::Result<ElfFacts> {
    let header = object::elf::FileHeader64::<object::Endianness>::parse(data).context("not a 64-bit ELF file")?;
    let endian = header.endian()?;
    let sections = header.sections(endian, data)?;
    let mut max_glibc = None;
    if let Some((mut needs, strings_index)) = sections.gnu_verneed(endian, data)? {
        let strings = sections.strings(endian, data, strings_index)?;
        while let Some((_, mut auxes)) = needs.next()? {
            while let Some(aux) = auxes.next()? {
                let name = String::from_utf8_lossy(aux.name(endian, strings)?);
                max_glibc = max_glibc.max(GlibcVersion::from_symbol_version(&name));
            }
        }
    }
    Ok(ElfFacts { machine: header.e_machine(endian), max_glibc })
}

/// Checks that `facts` describe a binary that starts on provided.al2023 for `arch`.
pub fn check(facts: &ElfFacts, arch: Arch) -> anyhow::Result<()> {
    ensure!(
        facts.machine == arch.elf_machine(),
        "the binary is for ELF machine {}, not {} ({})",
        facts.machine,
        arch.elf_machine(),
        arch.lambda_name()
    );
    if let Some(version) = facts.max_glibc {
        ensure!(
            version <= AL2023_GLIBC,
            "the binary needs GLIBC_{version}, newer than provided.al2023's glibc {AL2023_GLIBC}; \
             it would fail to start on Lambda"
        );
    }
    Ok(())
}

/// The mode Lambda needs on `bootstrap`: it runs it as an executable.
const BOOTSTRAP_MODE: u32 = 0o755;

/// Writes `binary` as the only file of a zip, named `bootstrap` and executable.
pub fn write_zip(binary: &[u8], zip_path: &Path) -> anyhow::Result<()> {
    let file = std::fs::File::create(zip_path).with_context(|| format!("cannot create {}", zip_path.display()))?;
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .unix_permissions(BOOTSTRAP_MODE);
    zip.start_file("bootstrap", options)?;
    zip.write_all(binary)?;
    zip.finish()?;
    Ok(())
}

/// Reads back a Lambda zip: exactly one file, `bootstrap`, executable, for `arch` and no newer
/// glibc than the runtime's. Returns what it found.
pub fn check_zip(zip_path: &Path, arch: Arch) -> anyhow::Result<ElfFacts> {
    let binary = read_zip(zip_path)?;
    let facts = inspect(&binary)?;
    check(&facts, arch).with_context(|| format!("bootstrap in {}", zip_path.display()))?;
    Ok(facts)
}

/// The bytes of `bootstrap` in a Lambda zip, after checking it is the only file, at the root,
/// and executable.
fn read_zip(zip_path: &Path) -> anyhow::Result<Vec<u8>> {
    let file = std::fs::File::open(zip_path).with_context(|| format!("cannot open {}", zip_path.display()))?;
    let mut zip = zip::ZipArchive::new(file).with_context(|| format!("{} is not a zip", zip_path.display()))?;
    let names: Vec<&str> = zip.file_names().collect();
    ensure!(names == ["bootstrap"], "{} must hold only `bootstrap` at its root, not {names:?}", zip_path.display());
    let mut entry = zip.by_name("bootstrap")?;
    let mode = entry.unix_mode().unwrap_or(0);
    ensure!(mode & 0o111 == 0o111, "bootstrap in {} is not executable (mode {mode:o})", zip_path.display());
    let mut binary = Vec::new();
    entry.read_to_end(&mut binary)?;
    Ok(binary)
}

/// Where `cargo xtask package` puts the zip template.yaml deploys (its `CodeUri`), relative
/// to the workspace root.
pub const DEPLOYED_ZIP: &str = "deploy/out/bootstrap.zip";

/// `cargo xtask package`: the Lambda's zips, the first architecture's copied to where
/// template.yaml's `CodeUri` names it, then the page.
pub fn run(ws: &Workspace, arches: &[Arch]) -> anyhow::Result<()> {
    let zips = lambda(ws, arches)?;
    if let (Some(&arch), Some(zip)) = (arches.first(), zips.first()) {
        let deployed = ws.root.join(DEPLOYED_ZIP);
        if let Some(dir) = deployed.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::copy(zip, &deployed).with_context(|| format!("cannot copy {} to {DEPLOYED_ZIP}", zip.display()))?;
        eprintln!(
            "xtask: {DEPLOYED_ZIP} is the {} build, which `sam deploy` uploads: deploy with Architecture={}",
            arch.lambda_name(),
            arch.lambda_name()
        );
    }
    let tools = setup::run(ws)?;
    let dist = crate::web::build(ws, &tools)?;
    eprintln!("xtask: the page is in {}; upload it with config.json as deploy/README.md says", dist.display());
    Ok(())
}

/// Builds, zips and checks the Lambda for each of `arches`, into
/// `<target>/lambda/<arch>/bootstrap.zip`. Returns the zips.
pub fn lambda(ws: &Workspace, arches: &[Arch]) -> anyhow::Result<Vec<PathBuf>> {
    let zig_python = install_cross_toolchain(ws, arches)?;
    let target = &ws.target_dir;
    let mut zips = Vec::new();
    for &arch in arches {
        let started = Instant::now();
        cmd::run(
            &format!("building the Lambda for {} (release, glibc {AL2023_GLIBC}, cargo-zigbuild)", arch.lambda_name()),
            cmd::cargo()
                .args(["zigbuild", "--release", "--locked", "-p", "whoami-lambda", "--bin", "bootstrap", "--target"])
                // The suffix tells cargo-zigbuild which glibc to link against.
                .arg(format!("{}.{AL2023_GLIBC}", arch.triple()))
                .env("CARGO_ZIGBUILD_PYTHON_PATH", &zig_python)
                .current_dir(&ws.root),
        )?;
        let binary_path = target.join(arch.triple()).join("release").join("bootstrap");
        let binary = std::fs::read(&binary_path).with_context(|| format!("cannot read {}", binary_path.display()))?;
        let dir = target.join("lambda").join(arch.lambda_name());
        std::fs::create_dir_all(&dir)?;
        let zip_path = dir.join("bootstrap.zip");
        write_zip(&binary, &zip_path)?;
        let facts = check_zip(&zip_path, arch)?;
        let zip_len = std::fs::metadata(&zip_path)?.len();
        eprintln!(
            "xtask:   {}: bootstrap {} B, zip {zip_len} B, needs glibc {} (provided.al2023 has {AL2023_GLIBC}), {:.0} s",
            zip_path.display(),
            binary.len(),
            facts.max_glibc.map_or_else(|| "none".to_owned(), |v| v.to_string()),
            started.elapsed().as_secs_f64()
        );
        zips.push(zip_path);
    }
    Ok(zips)
}

/// The Lambda architecture this machine is, if it is one: the packaged build for it runs here.
pub fn host_arch() -> Option<Arch> {
    match std::env::consts::ARCH {
        "x86_64" => Some(Arch::X86_64),
        "aarch64" => Some(Arch::Arm64),
        _ => None,
    }
}

/// The packaged binary this machine can run itself (built by [`lambda`]), if it is one of
/// Lambda's architectures: the runtime-protocol test then drives what ships.
pub fn host_binary(ws: &Workspace) -> Option<PathBuf> {
    let arch = host_arch()?;
    Some(ws.target_dir.join(arch.triple()).join("release").join("bootstrap"))
}

/// The packaged zip this machine can run (built by [`lambda`]): what the local stack deploys
/// in the tests, so the artifact checked is the one that runs.
pub fn host_zip(ws: &Workspace) -> anyhow::Result<PathBuf> {
    let arch =
        host_arch().context("the local stack runs the Lambda on this machine, which is neither x86_64 nor arm64")?;
    Ok(ws.target_dir.join("lambda").join(arch.lambda_name()).join("bootstrap.zip"))
}

/// `bootstrap` built for this machine with plain cargo (release), zipped as Lambda wants it,
/// for `cargo xtask dev`: quicker than the packaged build, which needs zig. Returns the zip.
pub fn host_lambda_for_dev(ws: &Workspace) -> anyhow::Result<PathBuf> {
    cmd::run(
        "building the Lambda for this machine (release)",
        cmd::cargo()
            .args(["build", "--release", "--locked", "-p", "whoami-lambda", "--bin", "bootstrap"])
            .current_dir(&ws.root),
    )?;
    let target = &ws.target_dir;
    let binary_path = target.join("release").join("bootstrap");
    let binary = std::fs::read(&binary_path).with_context(|| format!("cannot read {}", binary_path.display()))?;
    let dir = target.join("lambda").join("host");
    std::fs::create_dir_all(&dir)?;
    let zip_path = dir.join("bootstrap.zip");
    write_zip(&binary, &zip_path)?;
    Ok(zip_path)
}

/// Installs what cross-linking needs, skipping what is there: each target's standard library
/// (rustup), cargo-zigbuild, and zig from PyPI in `.local/zig`. Returns that venv's python,
/// through which cargo-zigbuild runs zig.
fn install_cross_toolchain(ws: &Workspace, arches: &[Arch]) -> anyhow::Result<PathBuf> {
    let installed = cmd::output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    for arch in arches {
        if installed.lines().any(|l| l.trim() == arch.triple()) {
            eprintln!("xtask: rustup target {} is installed", arch.triple());
        } else {
            cmd::run(
                &format!("installing the standard library for {} (rustup)", arch.triple()),
                Command::new("rustup").args(["target", "add", arch.triple()]),
            )
            .with_context(|| {
                format!("the Lambda for {} needs rustup's target {}", arch.lambda_name(), arch.triple())
            })?;
        }
    }

    setup::cargo_install(&setup::CargoTool {
        krate: "cargo-zigbuild",
        program: "cargo-zigbuild",
        version: Some(CARGO_ZIGBUILD_VERSION),
        version_args: &["--version"],
        flags: &["--locked"],
        takes: "a few minutes, once",
    })?;

    let venv = ws.local("zig");
    let python = venv.join("bin").join("python");
    let wanted_zig = ZIGLANG.rsplit("==").next().unwrap_or_default();
    let zig_version = cmd::output(Command::new(&python).args(["-m", "ziglang", "version"]));
    if zig_version.as_deref().map(str::trim) == Some(wanted_zig) {
        eprintln!("xtask: zig {wanted_zig} is installed ({})", venv.display());
        return Ok(python);
    }
    setup::pip_install(&venv, &[ZIGLANG], "(zig, for linking against Amazon Linux's glibc)")?;
    if cmd::output(Command::new(&python).args(["-m", "ziglang", "version"])).is_none() {
        bail!("installed {ZIGLANG} into {} but `python -m ziglang version` fails", venv.display());
    }
    Ok(python)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_deploys_the_zip_package_writes() {
        let template = include_str!("../../template.yaml");
        let code_uris: Vec<&str> = template.lines().filter_map(|l| l.trim().strip_prefix("CodeUri: ")).collect();
        assert_eq!(code_uris, [DEPLOYED_ZIP], "template.yaml's one CodeUri must be what `cargo xtask package` writes");
        assert!(!template.contains("BuildMethod"), "sam build must not build a zip of its own");
    }

    #[test]
    fn reads_glibc_symbol_versions() {
        let check = |name: &str, expected: Option<[u32; 3]>| {
            assert_eq!(GlibcVersion::from_symbol_version(name), expected.map(GlibcVersion), "{name}");
        };
        check("GLIBC_2.34", Some([2, 34, 0]));
        check("GLIBC_2.2.5", Some([2, 2, 5]));
        check("GLIBC_2.17", Some([2, 17, 0]));
        check("GLIBC_PRIVATE", None);
        check("GCC_3.0", None);
        check("GLIBC_2", None);
        check("GLIBC_2.3.4.5", None);
        assert!(GlibcVersion([2, 35, 0]) > AL2023_GLIBC);
        assert!(GlibcVersion([2, 3, 4]) < GlibcVersion([2, 17, 0]), "numeric, not text, order");
        assert_eq!(GlibcVersion([2, 2, 5]).to_string(), "2.2.5");
        assert_eq!(AL2023_GLIBC.to_string(), "2.34");
    }

    fn host_arch() -> Arch {
        match std::env::consts::ARCH {
            "x86_64" => Arch::X86_64,
            "aarch64" => Arch::Arm64,
            other => panic!("these tests read the test binary itself, which is for {other}"),
        }
    }

    /// The test binary is a dynamically linked glibc ELF of the host's architecture.
    fn this_binary() -> Vec<u8> {
        std::fs::read(std::env::current_exe().unwrap()).unwrap()
    }

    #[test]
    fn reads_the_machine_and_glibc_of_a_real_binary() {
        let facts = inspect(&this_binary()).unwrap();
        assert_eq!(facts.machine, host_arch().elf_machine());
        let glibc = facts.max_glibc.expect("a test binary linked against glibc needs some GLIBC_ version");
        assert!(glibc >= GlibcVersion([2, 2, 5]), "{glibc}");
        assert!(inspect(b"#!/bin/sh\n").is_err());
    }

    #[test]
    fn check_refuses_the_wrong_machine_and_a_newer_glibc() {
        let facts = |machine, glibc| ElfFacts { machine, max_glibc: glibc };
        check(&facts(object::elf::EM_AARCH64, Some(AL2023_GLIBC)), Arch::Arm64).unwrap();
        check(&facts(object::elf::EM_X86_64, Some(GlibcVersion([2, 17, 0]))), Arch::X86_64).unwrap();
        check(&facts(object::elf::EM_X86_64, None), Arch::X86_64).unwrap();
        let wrong = check(&facts(object::elf::EM_X86_64, None), Arch::Arm64).unwrap_err().to_string();
        assert!(wrong.contains("not 183 (arm64)"), "{wrong}");
        let newer = check(&facts(object::elf::EM_AARCH64, Some(GlibcVersion([2, 38, 0]))), Arch::Arm64);
        assert!(newer.unwrap_err().to_string().contains("needs GLIBC_2.38, newer than"));
    }

    #[test]
    fn a_zip_holds_an_executable_bootstrap_at_its_root() {
        let dir = std::env::temp_dir().join(format!("xtask-package-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        // Not a real binary: unoptimised deflate of a whole test binary takes most of a minute.
        // `cargo xtask package` checks the real zips with `check_zip`.
        let binary = b"\x7fELF and then some bytes".repeat(100);
        let zip_path = dir.join("bootstrap.zip");
        write_zip(&binary, &zip_path).unwrap();
        assert_eq!(read_zip(&zip_path).unwrap(), binary);
        assert!(std::fs::metadata(&zip_path).unwrap().len() < 500, "compressed");
        assert!(check_zip(&zip_path, host_arch()).unwrap_err().to_string().contains("not a 64-bit ELF"));

        let zip_with = |name: &str, mode: u32| {
            let path = dir.join("other.zip");
            let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
            let options = zip::write::SimpleFileOptions::default().unix_permissions(mode);
            zip.start_file(name, options).unwrap();
            zip.write_all(&binary).unwrap();
            zip.finish().unwrap();
            read_zip(&path).map(drop).unwrap_err().to_string()
        };
        let nested = zip_with("lambda/bootstrap", 0o755);
        assert!(nested.contains("must hold only `bootstrap` at its root"), "{nested}");
        let plain = zip_with("bootstrap", 0o644);
        assert!(plain.contains("is not executable (mode 100644)"), "{plain}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
