//! Where users run gitops-lint, end to end: the GitHub Action's scripts in a GitHub-like
//! environment, the pre-commit hook with the real `pre-commit`, the example repositories, and the
//! SARIF output against the SARIF 2.1.0 schema. Temporary git repositories, no network.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::repo::{git_command, git_in};
use common::without_timing;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const BINARY: &str = env!("CARGO_BIN_EXE_gitops-lint");

/// A repository in a temporary directory, on `main`.
struct Repo {
    dir: tempfile::TempDir,
    root: PathBuf,
}

impl Repo {
    fn new(files: &[(&str, &str)]) -> Repo {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap().join("repo");
        std::fs::create_dir(&root).unwrap();
        let repo = Repo { dir, root };
        repo.git(&["init", "--quiet", "--initial-branch", "main"]);
        repo.commit("base", files);
        repo
    }

    /// A directory beside the repository (RUNNER_TEMP and the like).
    fn scratch(&self, name: &str) -> PathBuf {
        let path = std::fs::canonicalize(self.dir.path()).unwrap().join(name);
        std::fs::create_dir_all(&path).unwrap();
        path
    }

    fn git(&self, args: &[&str]) -> String {
        git_in(&self.root, args)
    }

    fn write(&self, name: &str, text: &str) {
        let path = self.root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn commit(&self, message: &str, files: &[(&str, &str)]) {
        for (name, text) in files {
            self.write(name, text);
        }
        self.git(&["add", "--all"]);
        self.git(&["commit", "--quiet", "--allow-empty", "--message", message]);
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `key=value` lines of a GITHUB_OUTPUT file.
/// Writes an executable script.
fn executable(path: &Path, script: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, script).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.to_path_buf()
}

fn outputs(path: &Path) -> Vec<(String, String)> {
    read(path)
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn output<'a>(outputs: &'a [(String, String)], key: &str) -> &'a str {
    outputs
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no output {key} in {outputs:?}"))
}

// ---- the pull request of the issue: a broken base manifest and a privileged pod ----------------

const BASE_DEPLOYMENT: &str = include_str!("../examples/gitops-repo/infra/base/deployment.yaml");

const PRIVILEGED_POD: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  containers:
    - name: debug
      image: busybox:1.37
      securityContext:
        privileged: true
";

/// A repository whose `main` holds a good Deployment, on a branch `pr` that breaks it
/// (`replicas: two`) and adds a privileged pod.
fn pull_request() -> Repo {
    let repo = Repo::new(&[
        ("infra/deployment.yaml", BASE_DEPLOYMENT),
        ("README.md", "# service\n"),
    ]);
    repo.git(&["checkout", "--quiet", "-b", "pr"]);
    let broken = BASE_DEPLOYMENT.replacen("replicas: 2", "replicas: two", 1);
    assert_ne!(broken, BASE_DEPLOYMENT);
    repo.commit(
        "break things",
        &[
            ("infra/deployment.yaml", &broken),
            ("infra/debug-pod.yaml", PRIVILEGED_POD),
        ],
    );
    repo
}

/// The GitHub-like environment of a step: RUNNER_TEMP, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY…
struct Runner {
    temp: PathBuf,
    output: PathBuf,
    summary: PathBuf,
    path: PathBuf,
}

impl Runner {
    fn new(repo: &Repo) -> Runner {
        let temp = repo.scratch("runner-temp");
        let runner = Runner {
            output: temp.join("github-output"),
            summary: temp.join("step-summary.md"),
            path: temp.join("github-path"),
            temp,
        };
        for file in [&runner.output, &runner.summary, &runner.path] {
            std::fs::write(file, "").unwrap();
        }
        runner
    }

    /// Runs one of the action's scripts in `dir` as a composite step would.
    fn script(&self, dir: &Path, script: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
        Command::new("bash")
            .arg(Path::new(ROOT).join("action").join(script))
            .args(args)
            .current_dir(dir)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.temp)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_ACTION_PATH", ROOT)
            .env("GITHUB_WORKSPACE", dir)
            .env("GITHUB_REPOSITORY", "example/shop")
            .env("GITHUB_EVENT_NAME", "pull_request")
            .env("GITHUB_BASE_REF", "main")
            .env("GITHUB_HEAD_REF", "pr")
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("RUNNER_TEMP", &self.temp)
            .env("RUNNER_TOOL_CACHE", self.temp.join("tool-cache"))
            .env("GITHUB_OUTPUT", &self.output)
            .env("GITHUB_STEP_SUMMARY", &self.summary)
            .env("GITHUB_PATH", &self.path)
            .envs(env.iter().copied())
            .output()
            .expect("bash runs")
    }

    fn outputs(&self) -> Vec<(String, String)> {
        outputs(&self.output)
    }
}

#[test]
fn action_fails_a_pull_request_that_breaks_a_manifest_and_adds_a_privileged_pod() {
    let repo = pull_request();
    let runner = Runner::new(&repo);
    let run = runner.script(
        &repo.root,
        "run.sh",
        &[],
        &[
            ("GITOPS_LINT", BINARY),
            ("HEAD_REPOSITORY", "example/shop"),
            ("INPUT_UPLOAD_SARIF", "true"),
        ],
    );
    // The step itself succeeds: the verdict comes last, after the SARIF upload.
    assert!(run.status.success(), "{}", text(&run.stderr));
    let log = text(&run.stdout);
    let annotations: Vec<&str> = log.lines().filter(|l| l.starts_with("::")).collect();
    let errors: Vec<&&str> = annotations
        .iter()
        .filter(|l| l.starts_with("::error "))
        .collect();
    assert!(!errors.is_empty() && errors.len() <= 10, "{log}");
    // Led by the most important: errors before any other annotation.
    assert!(annotations[0].starts_with("::error "), "{log}");
    assert!(
        log.contains("file=infra/debug-pod.yaml")
            && log.contains("title=gitops-lint privileged-container"),
        "{log}"
    );
    assert!(
        log.contains("file=infra/deployment.yaml,line=10,"),
        "the broken replicas field is annotated at its line:\n{log}"
    );

    // The summary count in the log and the outputs agree.
    let outputs = runner.outputs();
    assert_eq!(output(&outputs, "exit-code"), "1");
    let error_count: usize = output(&outputs, "errors").parse().unwrap();
    let warning_count: usize = output(&outputs, "warnings").parse().unwrap();
    assert!(error_count >= errors.len());
    assert!(
        log.contains(&format!(
            "{error_count} errors, {warning_count} warnings in 2 files"
        )),
        "{log}"
    );
    assert_eq!(output(&outputs, "upload-sarif"), "true");
    assert_eq!(output(&outputs, "fork"), "false");

    // The job summary has every finding.
    let summary = read(&runner.summary);
    let rows = summary
        .lines()
        .filter(|l| l.starts_with("| error") || l.starts_with("| warning"))
        .count();
    assert_eq!(rows, error_count + warning_count, "{summary}");
    assert!(summary.contains("privileged-container"), "{summary}");
    let first_row = summary
        .lines()
        .find(|l| l.starts_with("| ") && !l.starts_with("| Severity"));
    assert!(first_row.unwrap().starts_with("| error |"), "{summary}");

    // A SARIF file with a region on every result.
    let sarif_file = PathBuf::from(output(&outputs, "sarif-file"));
    let sarif: serde_json::Value = serde_json::from_str(&read(&sarif_file)).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), error_count + warning_count);
    for result in results {
        assert!(result["locations"][0]["physicalLocation"]["region"]["startLine"].is_u64());
    }
    if let Some(schema) = sarif_schema("the action's SARIF against the SARIF 2.1.0 schema") {
        assert_valid_sarif(&schema, &sarif);
    }

    // The verdict fails the job.
    let verdict = runner.script(
        &repo.root,
        "verdict.sh",
        &[],
        &[
            ("EXIT_CODE", output(&outputs, "exit-code")),
            ("ERRORS", output(&outputs, "errors")),
        ],
    );
    assert_eq!(verdict.status.code(), Some(1));
    assert!(text(&verdict.stdout).starts_with("::error title=gitops-lint::findings"));
}

/// 100 findings (40 errors, 60 warnings): 10 error and 10 warning annotations, errors first,
/// one notice counting the other 80, and all 100 in the job summary.
#[test]
fn action_budgets_annotations_for_100_findings() {
    let repo = Repo::new(&[(".gitops-lint.yaml", "rules:\n  unknown-kind: off\n")]);
    repo.git(&["checkout", "--quiet", "-b", "pr"]);
    let mut many =
        String::from("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: many\ndata:\n");
    for i in 0..40 {
        many.push_str(&format!("  k{i}: \"1\"\n  k{i}: \"2\"\n"));
    }
    for i in 0..60 {
        many.push_str(&format!("  w{i}: yes\n"));
    }
    repo.commit("many findings", &[("many.yaml", &many)]);
    let runner = Runner::new(&repo);
    let run = runner.script(&repo.root, "run.sh", &[], &[("GITOPS_LINT", BINARY)]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let log = text(&run.stdout);
    let annotations: Vec<&str> = log.lines().filter(|l| l.starts_with("::")).collect();
    let count = |prefix: &str| annotations.iter().filter(|l| l.starts_with(prefix)).count();
    assert_eq!(count("::error "), 10, "{log}");
    assert_eq!(count("::warning "), 10, "{log}");
    assert_eq!(count("::notice "), 1, "{log}");
    assert!(annotations[..10].iter().all(|l| l.starts_with("::error ")));
    assert!(log.contains("80 more findings are not annotated"), "{log}");
    let outputs = runner.outputs();
    assert_eq!(output(&outputs, "exit-code"), "1");
    assert_eq!(output(&outputs, "errors"), "40");
    assert_eq!(output(&outputs, "warnings"), "60");
    let summary = read(&runner.summary);
    let rows = summary
        .lines()
        .filter(|l| l.starts_with("| error") || l.starts_with("| warning"))
        .count();
    assert_eq!(rows, 100, "{summary}");
}

#[test]
fn action_verdict_fails_exactly_on_findings_and_errors() {
    let repo = Repo::new(&[]);
    let runner = Runner::new(&repo);
    for (code, passes) in [
        ("0", true),
        ("1", false),
        ("2", false),
        ("101", false),
        ("", false),
    ] {
        let out = runner.script(&repo.root, "verdict.sh", &[], &[("EXIT_CODE", code)]);
        assert_eq!(out.status.success(), passes, "exit code {code:?}");
    }
}

#[test]
fn action_passes_a_clean_change_and_skips_sarif_upload_on_forks() {
    let repo = Repo::new(&[("infra/deployment.yaml", BASE_DEPLOYMENT)]);
    repo.git(&["checkout", "--quiet", "-b", "pr"]);
    let scaled = BASE_DEPLOYMENT.replacen("replicas: 2", "replicas: 3", 1);
    repo.commit("scale up", &[("infra/deployment.yaml", &scaled)]);
    let runner = Runner::new(&repo);
    let kubeconfig = "apiVersion: v1\nkind: Config\n# secret-token-do-not-print\n";
    // A wrapper that records what gitops-lint sees of the kubeconfig, then runs it.
    let wrapper = executable(
        &runner.temp.join("gitops-lint-wrapper"),
        &format!(
            "#!/bin/sh\nstat -c %a \"$KUBECONFIG\" > \"$RUNNER_TEMP/kubeconfig-mode\"\n\
             cp \"$KUBECONFIG\" \"$RUNNER_TEMP/kubeconfig-seen\"\nexec {BINARY} \"$@\"\n"
        ),
    );
    let run = runner.script(
        &repo.root,
        "run.sh",
        &[],
        &[
            ("GITOPS_LINT", wrapper.to_str().unwrap()),
            ("HEAD_REPOSITORY", "someone/shop-fork"),
            ("INPUT_PATHS", "infra"),
            ("INPUT_KUBECONFIG", kubeconfig),
            (
                "INPUT_REPORTS",
                &format!("junit={}", runner.temp.join("lint.xml").display()),
            ),
        ],
    );
    let log = text(&run.stdout);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let outputs = runner.outputs();
    assert_eq!(output(&outputs, "exit-code"), "0", "{log}");
    assert_eq!(output(&outputs, "errors"), "0");
    assert_eq!(output(&outputs, "fork"), "true");
    assert_eq!(output(&outputs, "upload-sarif"), "false");
    assert!(
        log.contains("::notice title=gitops-lint::SARIF is not uploaded"),
        "{log}"
    );
    assert!(
        runner.temp.join("lint.xml").is_file(),
        "extra report written"
    );
    // The kubeconfig was a 0600 file while gitops-lint ran, is gone now, and never printed.
    assert_eq!(read(&runner.temp.join("kubeconfig-mode")).trim(), "600");
    assert_eq!(
        read(&runner.temp.join("kubeconfig-seen")),
        format!("{kubeconfig}\n")
    );
    assert!(!log.contains("secret-token") && !text(&run.stderr).contains("secret-token"));
    let left: Vec<_> = std::fs::read_dir(&runner.temp)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("kubeconfig."))
        .collect();
    assert!(left.is_empty(), "the kubeconfig file is removed");

    let verdict = runner.script(&repo.root, "verdict.sh", &[], &[("EXIT_CODE", "0")]);
    assert!(verdict.status.success());
}

#[test]
fn action_reports_a_check_that_could_not_run() {
    let repo = pull_request();
    let runner = Runner::new(&repo);
    let run = runner.script(
        &repo.root,
        "run.sh",
        &[],
        &[("GITOPS_LINT", BINARY), ("INPUT_BASE", "no-such-branch")],
    );
    assert!(run.status.success());
    assert_eq!(output(&runner.outputs(), "exit-code"), "2");
    assert!(read(&runner.summary).contains("could not run (exit status 2)"));
}

/// A fake release directory: `v<version>/gitops-lint-v<version>-<target>.tar.gz` and its
/// `.sha256`, holding a stand-in binary that prints its version.
fn fake_release(dir: &Path, version: &str, tamper: bool) -> String {
    let target = "x86_64-unknown-linux-musl";
    let release = dir.join(format!("v{version}"));
    let staging = dir.join("staging");
    std::fs::create_dir_all(&release).unwrap();
    std::fs::create_dir_all(&staging).unwrap();
    executable(
        &staging.join("gitops-lint"),
        &format!("#!/bin/sh\necho gitops-lint {version}\n"),
    );
    let archive = format!("gitops-lint-v{version}-{target}.tar.gz");
    let tar = Command::new("tar")
        .arg("-czf")
        .arg(release.join(&archive))
        .arg("-C")
        .arg(&staging)
        .arg("gitops-lint")
        .status()
        .unwrap();
    assert!(tar.success());
    let sum = Command::new("sha256sum")
        .arg(&archive)
        .current_dir(&release)
        .output()
        .unwrap();
    let mut sum = text(&sum.stdout);
    if tamper {
        sum = format!("{}{}", "0".repeat(64), &sum[64..]);
    }
    std::fs::write(release.join(format!("{archive}.sha256")), sum).unwrap();
    format!("file://{}", dir.display())
}

fn plan_and_install(runner: &Runner, dir: &Path, env: &[(&str, &str)]) -> (Output, Output) {
    let plan = runner.script(dir, "install.sh", &["plan"], env);
    assert!(plan.status.success(), "{}", text(&plan.stderr));
    let outputs = runner.outputs();
    let mut env = env.to_vec();
    let keys = [
        ("PLAN_SOURCE", "source"),
        ("PLAN_VERSION", "version"),
        ("PLAN_ARCHIVE", "archive"),
        ("PLAN_ROOT", "root"),
    ];
    for (var, key) in keys {
        env.push((var, output(&outputs, key)));
    }
    let install = runner.script(dir, "install.sh", &["install"], &env);
    (plan, install)
}

#[test]
fn action_installs_a_checksum_verified_release_binary() {
    let repo = Repo::new(&[]);
    let runner = Runner::new(&repo);
    let url = fake_release(&repo.scratch("releases"), "9.8.7", false);
    let env = [
        ("INPUT_VERSION", "v9.8.7"),
        ("GITOPS_LINT_DOWNLOAD_URL", url.as_str()),
    ];
    let (_, install) = plan_and_install(&runner, &repo.root, &env);
    assert!(install.status.success(), "{}", text(&install.stderr));
    let outputs = runner.outputs();
    assert_eq!(output(&outputs, "source"), "release");
    assert!(text(&install.stdout).contains("gitops-lint 9.8.7"));
    let path = output(&outputs, "path");
    assert!(path.ends_with("/9.8.7-x86_64-unknown-linux-musl/bin/gitops-lint"));
    assert!(read(&runner.path).contains("9.8.7-x86_64-unknown-linux-musl/bin"));

    // A second run finds it in the tool cache.
    let (_, again) = plan_and_install(&runner, &repo.root, &env);
    assert!(text(&again.stdout).contains("is cached at"));

    // A checksum that does not match stops the install.
    let runner = Runner::new(&repo);
    std::fs::remove_dir_all(repo.scratch("runner-temp").join("tool-cache")).ok();
    let url = fake_release(&repo.scratch("tampered"), "9.8.7", true);
    let env = [
        ("INPUT_VERSION", "9.8.7"),
        ("GITOPS_LINT_DOWNLOAD_URL", url.as_str()),
    ];
    let (_, install) = plan_and_install(&runner, &repo.root, &env);
    assert_eq!(install.status.code(), Some(1));
    assert!(
        text(&install.stdout).contains("checksum mismatch"),
        "{}",
        text(&install.stdout)
    );
    assert!(!runner.outputs().iter().any(|(k, _)| k == "path"));
}

#[test]
fn action_builds_from_its_checkout_when_no_release_exists() {
    let repo = Repo::new(&[]);
    let runner = Runner::new(&repo);
    let empty = repo.scratch("no-releases");
    // A stand-in for cargo: records its arguments and installs the built binary.
    let cargo = executable(
        &runner.temp.join("cargo"),
        &format!(
            "#!/bin/sh\necho \"$@\" > \"$RUNNER_TEMP/cargo-args\"\nshift 5\n\
             mkdir -p \"$1/bin\" && ln -s {BINARY} \"$1/bin/gitops-lint\"\n"
        ),
    );
    let url = format!("file://{}", empty.display());
    let env = [
        ("GITOPS_LINT_DOWNLOAD_URL", url.as_str()),
        ("CARGO", cargo.to_str().unwrap()),
    ];
    let (plan, install) = plan_and_install(&runner, &repo.root, &env);
    let outputs = runner.outputs();
    assert_eq!(
        output(&outputs, "source"),
        "cargo",
        "{}",
        text(&plan.stdout)
    );
    assert!(output(&outputs, "cache-key").starts_with("gitops-lint-cargo-Linux-X64-"));
    assert!(install.status.success(), "{}", text(&install.stderr));
    let args = read(&runner.temp.join("cargo-args"));
    assert!(
        args.starts_with(&format!("install --locked --path {ROOT} --root ")),
        "{args}"
    );
    assert!(text(&install.stdout).contains(&format!("gitops-lint {}", env!("CARGO_PKG_VERSION"))));
}

// ---- SARIF against the SARIF 2.1.0 schema ---------------------------------------------------------

/// The SARIF 2.1.0 JSON schema (`GITOPS_LINT_SARIF_SCHEMA`, else where `.ci/run` puts it: the
/// schema the npm package `@microsoft/jest-sarif` ships), or `None` with a printed notice.
fn sarif_schema(what: &str) -> Option<serde_json::Value> {
    let path = match std::env::var_os("GITOPS_LINT_SARIF_SCHEMA") {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => Path::new(ROOT).join("target/sarif-schema/sarif-schema-2.1.0.json"),
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(serde_json::from_str(&text).expect("the SARIF schema is JSON")),
        Err(_) => {
            println!(
                "NOTICE: {what} skipped: {} is absent (.ci/run installs it; or set GITOPS_LINT_SARIF_SCHEMA)",
                path.display()
            );
            None
        }
    }
}

fn assert_valid_sarif(schema: &serde_json::Value, sarif: &serde_json::Value) {
    let errors = sarif_errors(schema, sarif);
    assert!(
        errors.is_empty(),
        "SARIF is not valid SARIF 2.1.0:\n{}",
        errors.join("\n")
    );
}

fn sarif_errors(schema: &serde_json::Value, sarif: &serde_json::Value) -> Vec<String> {
    // The published schema's `language` patterns have a stray `]`, which the meta-schema's
    // `format: regex` rejects; they are read as intended (gitops-lint emits no `language`).
    let schema: serde_json::Value = serde_json::from_str(
        &schema
            .to_string()
            .replace("{2}-[a-zA-Z]{2}]?$", "{2}-[a-zA-Z]{2}$"),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    validator
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Every pinned format input, as SARIF, is valid against the schema; so is a run with related
/// locations, conftest findings (rules outside the registry) and no findings at all.
#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let Some(schema) = sarif_schema("SARIF schema validation") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("good.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\n",
    )
    .unwrap();
    let inputs = [
        Path::new(ROOT).join("tests/formats/input"),
        Path::new(ROOT).join("examples/broken"),
        dir.path().join("good.yaml"),
    ];
    for input in inputs {
        let out = Command::new(BINARY)
            .args(["--format", "sarif", "--no-config"])
            .arg(&input)
            .env_remove("GITHUB_STEP_SUMMARY")
            .output()
            .unwrap();
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{}",
            text(&out.stderr)
        );
        let mut sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_valid_sarif(&schema, &sarif);
        // The schema does reject what is not SARIF 2.1.0.
        sarif["version"] = "2.0.0".into();
        assert!(!sarif_errors(&schema, &sarif).is_empty());
    }
}

// ---- the pre-commit hook, with the real pre-commit ------------------------------------------------

/// `pre-commit`'s version, or `None` with a printed notice.
fn pre_commit(what: &str) -> Option<String> {
    match Command::new("pre-commit").arg("--version").output() {
        Ok(out) if out.status.success() => Some(text(&out.stdout)),
        _ => {
            println!(
                "NOTICE: {what} skipped: pre-commit is not installed (pip install pre-commit)"
            );
            None
        }
    }
}

/// The hook as `.pre-commit-hooks.yaml` defines it: its `key: value` lines.
fn hook_definition() -> Vec<(String, String)> {
    let manifest = read(&Path::new(ROOT).join(".pre-commit-hooks.yaml"));
    manifest
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.trim_start_matches("- ").trim().split_once(": "))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

impl Repo {
    /// Runs `pre-commit` (or `git commit`, which runs the installed hook) with its own home.
    fn pre_commit(&self, home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
        Command::new("pre-commit")
            .args(args)
            .current_dir(&self.root)
            .env("PRE_COMMIT_HOME", home)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env_remove("GITHUB_STEP_SUMMARY")
            .envs(env.iter().copied())
            .output()
            .expect("pre-commit runs")
    }

    fn git_commit(&self, home: &Path, message: &str, env: &[(&str, &str)]) -> Output {
        git_command(&self.root)
            .args(["commit", "--message", message])
            .env("PRE_COMMIT_HOME", home)
            .env_remove("GITHUB_STEP_SUMMARY")
            .envs(env.iter().copied())
            .output()
            .expect("git commit runs")
    }
}

/// Installs the hook in a repository holding the base deployment, then checks that the pull
/// request's commit (a broken replicas field, a privileged pod) is blocked with located findings,
/// and that a good commit passes.
fn assert_hook_blocks_bad_commits(config: &str, env: &[(&str, &str)]) {
    let repo = Repo::new(&[
        ("infra/deployment.yaml", BASE_DEPLOYMENT),
        (".pre-commit-config.yaml", config),
    ]);
    let home = repo.scratch("pre-commit-home");
    let install = repo.pre_commit(&home, &["install"], env);
    assert!(install.status.success(), "{}", text(&install.stderr));
    let head = repo.git(&["rev-parse", "HEAD"]);

    let broken = BASE_DEPLOYMENT.replacen("replicas: 2", "replicas: two", 1);
    repo.write("infra/deployment.yaml", &broken);
    repo.write("infra/debug-pod.yaml", PRIVILEGED_POD);
    repo.git(&["add", "--all"]);
    let blocked = repo.git_commit(&home, "break things", env);
    let log = format!("{}{}", text(&blocked.stdout), text(&blocked.stderr));
    assert!(!blocked.status.success(), "the commit went through:\n{log}");
    assert_eq!(repo.git(&["rev-parse", "HEAD"]), head, "HEAD moved");
    assert!(
        log.contains("gitops-lint") && log.contains("Failed"),
        "{log}"
    );
    assert!(log.contains("infra/deployment.yaml:10:"), "{log}");
    assert!(log.contains("privileged-container"), "{log}");
    assert!(log.contains("infra/debug-pod.yaml:"), "{log}");

    // Fixed: the same files pass.
    let scaled = BASE_DEPLOYMENT.replacen("replicas: 2", "replicas: 3", 1);
    repo.write("infra/deployment.yaml", &scaled);
    std::fs::remove_file(repo.root.join("infra/debug-pod.yaml")).unwrap();
    repo.git(&["add", "--all"]);
    let passed = repo.git_commit(&home, "scale up", env);
    let log = format!("{}{}", text(&passed.stdout), text(&passed.stderr));
    assert!(passed.status.success(), "{log}");
    assert!(log.contains("Passed"), "{log}");
    assert_ne!(repo.git(&["rev-parse", "HEAD"]), head);

    // A commit without manifests does not run the hook.
    repo.write("README.md", "# shop\n");
    repo.git(&["add", "--all"]);
    let skipped = repo.git_commit(&home, "docs", env);
    let log = format!("{}{}", text(&skipped.stdout), text(&skipped.stderr));
    assert!(skipped.status.success(), "{log}");
    assert!(log.contains("(no files to check)Skipped"), "{log}");
}

/// The hook as `.pre-commit-hooks.yaml` defines it (files, pass_filenames, the `--staged`
/// entry), run by the real pre-commit as a local hook on the binary under test: pre-commit's
/// `language: rust` would build gitops-lint with `cargo install` (a release build) in every
/// test run; `pre_commit_language_rust_builds_the_hook` covers that, on request.
#[test]
fn pre_commit_hook_blocks_a_bad_commit_and_passes_a_good_one() {
    if pre_commit("the pre-commit hook test").is_none() {
        return;
    }
    let hook = hook_definition();
    let get = |key: &str| {
        hook.iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("the hook has no {key}"))
    };
    assert_eq!(get("language"), "rust");
    let entry = get("entry");
    let arguments = entry
        .strip_prefix("gitops-lint")
        .expect("the entry runs gitops-lint");
    let config = format!(
        "repos:\n  - repo: local\n    hooks:\n      - id: {}\n        name: {}\n        \
         entry: {BINARY}{arguments}\n        language: system\n        files: {}\n        \
         pass_filenames: {}\n        require_serial: {}\n",
        get("id"),
        get("name"),
        get("files"),
        get("pass_filenames"),
        get("require_serial"),
    );
    assert_hook_blocks_bad_commits(&config, &[]);
}

/// `language: rust` as users get it: pre-commit clones this repository at the current commit
/// and builds the hook with `cargo install` (crates from crates.io; a release build). Slow, so
/// only with GITOPS_LINT_PRE_COMMIT_RUST=1; CARGO_TARGET_DIR=<this crate's target> reuses an
/// earlier `cargo build --release`.
#[test]
fn pre_commit_language_rust_builds_the_hook() {
    if std::env::var_os("GITOPS_LINT_PRE_COMMIT_RUST").is_none() {
        println!(
            "NOTICE: the language: rust pre-commit build skipped (set GITOPS_LINT_PRE_COMMIT_RUST=1)"
        );
        return;
    }
    if pre_commit("the language: rust pre-commit build").is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let clone = dir.path().join("gitops-lint");
    let head = git_in(Path::new(ROOT), &["rev-parse", "HEAD"]);
    git_in(
        dir.path(),
        &[
            "clone",
            "--quiet",
            "--no-local",
            ROOT,
            clone.to_str().unwrap(),
        ],
    );
    let config = format!(
        "repos:\n  - repo: {}\n    rev: {}\n    hooks:\n      - id: gitops-lint\n",
        clone.display(),
        head.trim()
    );
    assert_hook_blocks_bad_commits(&config, &[]);
}

// ---- the example repositories ---------------------------------------------------------------------

/// `examples/broken/README.md` shows the output of its command; it stays in sync.
#[test]
fn broken_example_readme_shows_the_real_output() {
    let readme_path = Path::new(ROOT).join("examples/broken/README.md");
    let readme = read(&readme_path);
    let out = Command::new(BINARY)
        .args([
            "--color",
            "never",
            "--policy",
            "examples/broken/policy",
            "examples/broken",
        ])
        .current_dir(ROOT)
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_ACTIONS")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let expected = format!("```text\n{}```\n", without_timing(&text(&out.stdout)));
    let (start, end) = ("<!-- expected:start -->\n", "<!-- expected:end -->");
    let from = readme.find(start).expect("start marker") + start.len();
    let to = readme.find(end).expect("end marker");
    if std::env::var_os("GITOPS_LINT_BLESS").is_some() {
        let blessed = format!("{}{expected}{}", &readme[..from], &readme[to..]);
        std::fs::write(&readme_path, blessed).unwrap();
        return;
    }
    assert_eq!(
        &readme[from..to],
        expected,
        "examples/broken/README.md is stale; GITOPS_LINT_BLESS=1 cargo test --test integrations broken"
    );
    // One finding of each family.
    for rule in [
        "invalid-encoding",
        "duplicate-key",
        "missing-name",
        "unknown-field",
        "invalid-workload",
        "privileged-container",
        "main.deny",
        "suppression-without-reason",
    ] {
        assert_eq!(
            expected.matches(&format!("\n{rule}\n")).count(),
            1,
            "{rule}:\n{expected}"
        );
    }
}

/// The README's first command: `gitops-lint examples/gitops-repo` passes, with its three
/// environments (`environments:`) and its overlays rendered.
#[test]
fn example_gitops_repository_passes() {
    let example = Path::new(ROOT).join("examples/gitops-repo");
    for file in [
        "app/main.py",
        "app/requirements.txt",
        "app/Dockerfile",
        "infra/base/kustomization.yaml",
        "infra/dev/kustomization.yaml",
        "infra/staging/kustomization.yaml",
        "infra/production/kustomization.yaml",
        ".github/workflows/ci.yaml",
        ".github/workflows/cd.yaml",
        ".gitops-lint.yaml",
    ] {
        assert!(example.join(file).is_file(), "examples/gitops-repo/{file}");
    }
    let config = read(&example.join(".gitops-lint.yaml"));
    for environment in ["dev", "staging", "production"] {
        assert!(config.contains(&format!("  - name: {environment}\n")));
    }
    let run = |dir: &Path, path: &str| {
        Command::new(BINARY)
            .args(["--color", "never", path])
            .current_dir(dir)
            .env_remove("GITHUB_STEP_SUMMARY")
            .env_remove("GITHUB_ACTIONS")
            .output()
            .unwrap()
    };
    let out = run(Path::new(ROOT), "examples/gitops-repo");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{}{stderr}", text(&out.stdout));
    assert!(text(&out.stdout).starts_with("0 errors, 0 warnings in "));
}

/// GitHub code scanning's documented limits: at most 25,000 results a run (the rest counted in a
/// tool notification), at most 10 MB gzipped; every result has a region, a `ruleId` that names
/// its rule in `tool.driver.rules`, and `partialFingerprints`.
#[test]
fn sarif_meets_github_code_scanning_limits() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".gitops-lint.yaml"),
        "rules:\n  unknown-kind: off\n",
    )
    .unwrap();
    let mut manifest =
        String::from("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: many\ndata:\n");
    for i in 0..25_010 {
        manifest.push_str(&format!("  k{i}: yes\n"));
    }
    std::fs::write(dir.path().join("many.yaml"), manifest).unwrap();
    let out = Command::new(BINARY)
        .args(["--format", "sarif", "--fail-on", "never", "many.yaml"])
        .current_dir(dir.path())
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gzip, &out.stdout).unwrap();
    let gzipped = gzip.finish().unwrap().len();
    assert!(gzipped < 10 * 1024 * 1024, "{gzipped} bytes gzipped");

    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = &sarif["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 25_000);
    let notification = &run["invocations"][0]["toolExecutionNotifications"][0];
    assert_eq!(
        notification["message"]["text"],
        "10 results were left out: GitHub code scanning accepts at most 25000 per run"
    );
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let mut fingerprints = std::collections::HashSet::new();
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(region["startColumn"].as_u64().unwrap() >= 1);
        let fingerprint = result["partialFingerprints"]["gitopsLint/v1"]
            .as_str()
            .unwrap();
        fingerprints.insert(fingerprint.to_string());
    }
    assert_eq!(fingerprints.len(), 25_000, "one fingerprint per result");
    if let Some(schema) = sarif_schema("25,000-result SARIF against the schema") {
        assert_valid_sarif(&schema, &sarif);
    }
}
