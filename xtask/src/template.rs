//! The checks of template.yaml that `cargo xtask test` runs: cfn-lint, and the SAM
//! translator's expansion with deploy/sam_transform.py's checks.

use std::path::Path;
use std::process::Command;

use crate::workspace::Workspace;
use crate::{cmd, setup};

/// Checks template.yaml with cfn-lint, then expands it with AWS's SAM translator (the library
/// CloudFormation's `AWS::Serverless` transform is), checks what the emulator cannot run
/// (the API's CORS answers) and what the security review asks in the result
/// (deploy/sam_transform.py), and lints that too. Both tools are in setup's `.local/aws`.
/// Only errors fail; warnings are printed (newer cfn-lint releases add checks).
pub fn check(ws: &Workspace, tools: &setup::Tools) -> anyhow::Result<()> {
    let cfn_lint = tools.local_aws_program("cfn-lint");
    let lint = |what: &str, file: &Path| {
        cmd::run(what, Command::new(&cfn_lint).args(["--non-zero-exit-code", "error"]).arg(file).current_dir(&ws.root))
    };
    lint("checking template.yaml with cfn-lint", Path::new("template.yaml"))?;

    let python = tools.local_aws_program("python");
    let expanded = ws.target_dir.join("template.expanded.json");
    cmd::run(
        "expanding template.yaml with the SAM translator and checking the API's authorizer and CORS",
        Command::new(&python)
            .arg(ws.root.join("deploy").join("sam_transform.py"))
            .arg("template.yaml")
            .arg(&expanded)
            .current_dir(&ws.root),
    )?;
    lint("checking the expanded template with cfn-lint", &expanded)
}
