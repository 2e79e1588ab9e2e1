//! Where the workspace is and where cargo builds it: found once per run, in `main`, and
//! passed to every command.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::cmd;

/// The workspace's root and cargo's target directory.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// Where the root `Cargo.toml`, `index.html` and `template.yaml` are.
    pub root: PathBuf,
    /// Where cargo puts build output for this workspace (honours `CARGO_TARGET_DIR` and
    /// `.cargo/config.toml`), as `cargo metadata` says.
    pub target_dir: PathBuf,
}

impl Workspace {
    /// The workspace xtask was run in, asking cargo where its target directory is.
    pub fn locate() -> anyhow::Result<Self> {
        let root = project_root();
        let target_dir = target_dir(&root)?;
        Ok(Self { root, target_dir })
    }

    /// `.local/<name>` in the workspace: git-ignored, where setup installs the project's own
    /// copies of tools and the local stacks keep their state.
    pub fn local(&self, name: &str) -> PathBuf {
        self.root.join(".local").join(name)
    }
}

/// The target directory `cargo metadata` reports for the workspace at `root`.
fn target_dir(root: &Path) -> anyhow::Result<PathBuf> {
    let mut metadata = cmd::cargo();
    metadata.args(["metadata", "--format-version", "1", "--no-deps"]).current_dir(root);
    let out = metadata.output().context("could not start cargo metadata")?;
    anyhow::ensure!(out.status.success(), "cargo metadata failed: {}", String::from_utf8_lossy(&out.stderr));
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let dir = metadata["target_directory"].as_str().context("cargo metadata names no target directory")?;
    Ok(PathBuf::from(dir))
}

/// The workspace root: xtask's manifest directory is one level below it.
pub fn project_root() -> PathBuf {
    // `cargo run` sets CARGO_MANIFEST_DIR for the run too. Prefer that over the compile-time
    // value: with a target directory shared between checkouts, the binary may have been
    // built from another one.
    let manifest_dir =
        std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| env!("CARGO_MANIFEST_DIR").into(), PathBuf::from);
    manifest_dir.parent().expect("xtask lives inside the workspace").to_path_buf()
}
