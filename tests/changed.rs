//! Changed mode end to end: real temporary git repositories built with the `git` CLI (a base
//! branch, a pull-request branch with commits, renames, deletions, clones — shallow ones too),
//! and the binary run in them as CI and pre-commit run it. No network.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::repo::{Repo, stderr, stdout};
use serde_json::Value;

fn config_map(name: &str) -> String {
    format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  a: \"1\"\n")
}

/// A ConfigMap with a duplicate key on line 7.
fn duplicate_key(name: &str) -> String {
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  a: \"1\"\n  a: \"2\"\n"
    )
}

/// `(rule, file, line)` of every finding in a JSON report.
fn findings(report: &Value) -> Vec<(String, String, u64)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["location"]["file"].as_str().unwrap().to_string(),
                f["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn rules(report: &Value) -> Vec<String> {
    findings(report)
        .into_iter()
        .map(|(rule, ..)| rule)
        .collect()
}

/// A base branch `main` with three manifests (one with a defect that no change touches), and a
/// branch `pr` that modifies one, adds one, renames one and deletes one.
fn pull_request() -> Repo {
    let repo = Repo::new(&[
        ("apps/web.yaml", &config_map("web")),
        ("apps/old-name.yaml", &config_map("renamed")),
        // Unlike anything the change adds, so that git sees a deletion, not a rename.
        (
            "apps/gone.yaml",
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: gone\n  labels:\n    team: platform\n    environment: staging\n",
        ),
        ("legacy/broken.yaml", &duplicate_key("legacy")),
    ]);
    repo.git(&["checkout", "--quiet", "-b", "pr"]);
    repo.commit("modify web", &[("apps/web.yaml", &duplicate_key("web"))]);
    repo.commit("add api", &[("apps/api.yaml", &duplicate_key("api"))]);
    repo.git(&["mv", "apps/old-name.yaml", "apps/new-name.yaml"]);
    repo.git(&["rm", "--quiet", "apps/gone.yaml"]);
    repo.commit("rename and delete", &[]);
    repo
}

#[test]
fn a_modified_manifest_is_reported_at_its_line_and_untouched_files_are_not() {
    let repo = pull_request();
    let out = repo.run(&["--changed", "--color", "never"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("apps/web.yaml:7:3"), "{text}");
    assert!(!text.contains("legacy/broken.yaml"), "{text}");
    assert!(
        text.contains("note: 4 files changed since the merge base"),
        "{text}"
    );
    assert!(text.contains("with main; policies and configuration from"));

    let report = repo.json(&["--changed"]);
    let found = findings(&report);
    assert!(found.contains(&("duplicate-key".into(), "apps/web.yaml".into(), 7)));
    assert!(
        found
            .iter()
            .all(|(_, file, _)| file != "legacy/broken.yaml")
    );
    let changes = &report["summary"]["changes"];
    assert_eq!(changes["base"], "main");
    assert_eq!(changes["changedFiles"], 4);
    assert_eq!(changes["policies"], "base");
    assert_eq!(changes["nothingToCheck"], false);
    let merge_base = repo.git(&["merge-base", "main", "HEAD"]);
    assert_eq!(changes["baseCommit"], merge_base.trim());
    // Three files checked: the modified, the added and the renamed one.
    assert_eq!(report["summary"]["files"], 3);
}

#[test]
fn an_added_file_is_checked() {
    let repo = pull_request();
    let found = findings(&repo.json(&["--changed"]));
    assert!(
        found.contains(&("duplicate-key".into(), "apps/api.yaml".into(), 7)),
        "{found:?}"
    );
}

#[test]
fn a_renamed_file_is_checked_under_its_new_name() {
    let repo = Repo::new(&[("apps/old-name.yaml", &config_map("cm"))]);
    repo.git(&["checkout", "--quiet", "-b", "pr"]);
    repo.git(&["mv", "apps/old-name.yaml", "apps/new-name.yaml"]);
    // Renamed with an edit that breaks it: still a rename (same object, one line more).
    repo.commit("rename", &[("apps/new-name.yaml", &duplicate_key("cm"))]);
    let report = repo.json(&["--changed"]);
    assert_eq!(
        findings(&report),
        vec![("duplicate-key".into(), "apps/new-name.yaml".into(), 7)]
    );
    let renamed = &report["summary"]["changes"]["renamed"];
    assert_eq!(renamed[0]["from"], "apps/old-name.yaml");
    assert_eq!(renamed[0]["to"], "apps/new-name.yaml");
    assert_eq!(
        report["summary"]["changes"]["deleted"],
        serde_json::json!([])
    );
}

#[test]
fn a_deleted_file_is_noted_not_checked() {
    let repo = pull_request();
    let report = repo.json(&["--changed"]);
    assert_eq!(
        report["summary"]["changes"]["deleted"],
        serde_json::json!(["apps/gone.yaml"])
    );
    assert!(
        findings(&report)
            .iter()
            .all(|(_, file, _)| file != "apps/gone.yaml")
    );
    let text = stdout(&repo.run(&["--changed", "--color", "never"]));
    assert!(
        text.contains("note: deleted by the change, not checked: apps/gone.yaml"),
        "{text}"
    );
}

#[test]
fn a_change_without_a_manifest_exits_0_quickly_with_nothing_to_check() {
    let repo = Repo::new(&[("apps/bad.yaml", &duplicate_key("bad"))]);
    repo.git(&["checkout", "--quiet", "-b", "docs"]);
    repo.commit(
        "docs",
        &[
            ("README.md", "# docs\n"),
            // Hidden below the checked path, as a walk would skip it.
            (".github/workflows/ci.yaml", "on: push\njobs: {}\n"),
        ],
    );
    let started = Instant::now();
    let out = repo.run(&["--changed", "--color", "never"]);
    let elapsed = started.elapsed();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    // No summary of checked files: nothing was parsed, no schema or policy was loaded.
    assert!(
        text.starts_with("nothing to check: the change touches no manifest\n"),
        "{text}"
    );
    assert!(!text.contains(" in 0 files"), "{text}");
    assert!(text.contains("note: 2 files changed"), "{text}");
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");

    // Machine formats stay parseable; the message goes to stderr.
    let out = repo.run(&["--changed", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["summary"]["changes"]["nothingToCheck"], true);
    assert_eq!(report["summary"]["files"], 0);
    assert!(
        stderr(&out).contains("nothing to check"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn paths_restrict_the_changed_set() {
    let repo = Repo::new(&[("README.md", "x\n")]);
    repo.git(&["checkout", "--quiet", "-b", "pr"]);
    repo.commit(
        "two places",
        &[
            ("apps/a.yaml", &duplicate_key("a")),
            ("infra/b.yaml", &duplicate_key("b")),
        ],
    );
    let report = repo.json(&["--changed", "infra"]);
    assert_eq!(
        findings(&report),
        vec![("duplicate-key".into(), "infra/b.yaml".into(), 7)]
    );
    assert_eq!(report["summary"]["changes"]["changedFiles"], 1);
    // Without PATHs, the whole repository's changes, wherever it runs; `.` restricts them.
    let from_infra = |args: &[&str]| -> Vec<String> {
        let out = repo.run_from("infra", args, &[]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        findings(&report).into_iter().map(|(_, f, _)| f).collect()
    };
    let everywhere = from_infra(&["--changed", "--format", "json"]);
    assert_eq!(everywhere.len(), 2, "{everywhere:?}");
    assert!(everywhere.contains(&"b.yaml".to_string()), "{everywhere:?}");
    assert_eq!(
        from_infra(&["--changed", "--format", "json", "."]),
        ["b.yaml"]
    );
    // A path outside the repository is a usage error.
    let outside = repo.run(&["--changed", "/"]);
    assert_tool_error(&outside, "outside the repository");
}

#[test]
fn ignored_changed_files_are_not_checked() {
    let repo = Repo::new(&[(".gitopslintignore", "vendor/\n"), ("README.md", "x\n")]);
    repo.git(&["checkout", "--quiet", "-b", "pr"]);
    repo.commit("vendor", &[("vendor/chart.yaml", &duplicate_key("v"))]);
    let out = repo.run(&["--changed", "--color", "never"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).starts_with("nothing to check"));
}

#[test]
fn staged_checks_the_index_against_head() {
    let repo = Repo::new(&[
        ("apps/a.yaml", &config_map("a")),
        ("apps/b.yaml", &config_map("b")),
    ]);
    repo.write("apps/a.yaml", &duplicate_key("a"));
    repo.git(&["add", "apps/a.yaml"]);
    // Not staged: not part of the commit being made.
    repo.write("apps/b.yaml", &duplicate_key("b"));
    repo.write("apps/untracked.yaml", &duplicate_key("u"));
    let report = repo.json(&["--staged"]);
    assert_eq!(
        findings(&report),
        vec![("duplicate-key".into(), "apps/a.yaml".into(), 7)]
    );
    assert_eq!(report["summary"]["changes"]["base"], "HEAD");
    // As pre-commit runs it: the staged files named on the command line.
    let out = repo.run(&["--staged", "apps/a.yaml"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn worktree_adds_unstaged_and_untracked_changes() {
    let repo = Repo::new(&[
        (".gitignore", "scratch/\n"),
        ("apps/a.yaml", &config_map("a")),
        ("apps/b.yaml", &config_map("b")),
        ("apps/c.yaml", &config_map("c")),
    ]);
    repo.git(&["checkout", "--quiet", "-b", "pr"]);
    repo.commit("committed", &[("apps/a.yaml", &duplicate_key("a"))]);
    repo.write("apps/b.yaml", &duplicate_key("b"));
    repo.write("apps/new.yaml", &duplicate_key("new"));
    repo.write("scratch/ignored.yaml", &duplicate_key("ignored"));
    std::fs::remove_file(repo.root.join("apps/c.yaml")).unwrap();

    let committed = findings(&repo.json(&["--changed"]));
    assert_eq!(
        committed,
        vec![("duplicate-key".into(), "apps/a.yaml".into(), 7)]
    );

    let report = repo.json(&["--changed", "--worktree"]);
    let mut files: Vec<String> = findings(&report).into_iter().map(|(_, f, _)| f).collect();
    files.sort();
    assert_eq!(files, ["apps/a.yaml", "apps/b.yaml", "apps/new.yaml"]);
    assert_eq!(
        report["summary"]["changes"]["deleted"],
        serde_json::json!(["apps/c.yaml"])
    );

    // Without --changed: the uncommitted changes against HEAD only.
    let mut files: Vec<String> = findings(&repo.json(&["--worktree"]))
        .into_iter()
        .map(|(_, f, _)| f)
        .collect();
    files.sort();
    assert_eq!(files, ["apps/b.yaml", "apps/new.yaml"]);
}

/// `main` and `release`, and a pull request against `release`, cloned as CI clones it.
fn release_pull_request() -> Repo {
    let origin = Repo::new(&[("apps/base.yaml", &config_map("base"))]);
    origin.git(&["checkout", "--quiet", "-b", "release"]);
    origin.commit("release fix", &[("apps/release.yaml", &duplicate_key("r"))]);
    origin.git(&["checkout", "--quiet", "-b", "pr"]);
    origin.commit("pr", &[("apps/pr.yaml", &duplicate_key("pr"))]);
    origin.git(&["checkout", "--quiet", "main"]);
    let clone = origin.clone("ci", &[]);
    clone.git(&["checkout", "--quiet", "pr"]);
    // Keep the origin repository alive with the clone.
    std::mem::forget(origin);
    clone
}

#[test]
fn github_base_ref_names_the_base() {
    let repo = release_pull_request();
    let report = repo.json_with(&["--changed"], &[("GITHUB_BASE_REF", "release")]);
    assert_eq!(report["summary"]["changes"]["base"], "origin/release");
    assert_eq!(
        findings(&report),
        vec![("duplicate-key".into(), "apps/pr.yaml".into(), 7)]
    );
    // --base wins over it.
    let report = repo.json_with(
        &["--changed", "--base", "origin/main"],
        &[("GITHUB_BASE_REF", "release")],
    );
    assert_eq!(report["summary"]["changes"]["base"], "origin/main");
    assert_eq!(findings(&report).len(), 2);
    // Without either: the remote's default branch (origin/HEAD → origin/main).
    let report = repo.json(&["--changed"]);
    assert_eq!(report["summary"]["changes"]["base"], "origin/main");
    // A base that is not in the clone is a tool error.
    let out = repo.run_with(&["--changed"], &[("GITHUB_BASE_REF", "no-such-branch")]);
    assert_tool_error(
        &out,
        "`no-such-branch` (GITHUB_BASE_REF) is not in this clone",
    );
}

#[test]
fn a_shallow_clone_is_a_tool_error_that_says_to_fetch_the_base() {
    let origin = pull_request();
    // main moves on after the branch point, so the merge base is no branch tip.
    origin.git(&["checkout", "--quiet", "main"]);
    origin.commit(
        "main moves on",
        &[("apps/later.yaml", &config_map("later"))],
    );
    origin.git(&["checkout", "--quiet", "pr"]);

    // actions/checkout's default: one commit of one branch.
    let shallow = origin.clone("shallow", &["--depth", "1", "--branch", "pr"]);
    let out = shallow.run_with(&["--changed"], &[("GITHUB_BASE_REF", "main")]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("shallow clone"), "{err}");
    assert!(err.contains("fetch-depth: 0"), "{err}");
    assert!(err.contains("git fetch --deepen"), "{err}");

    // Both branches, but not the history between them: no merge base.
    let shallow = origin.clone(
        "shallow-both",
        &["--depth", "1", "--no-single-branch", "--branch", "pr"],
    );
    let out = shallow.run_with(&["--changed"], &[("GITHUB_BASE_REF", "main")]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("cannot find the merge base"), "{err}");
    assert!(err.contains("fetch-depth: 0"), "{err}");

    // The full history gives the answer.
    let full = origin.clone("full", &["--no-single-branch", "--branch", "pr"]);
    let out = full.run_with(&["--changed"], &[("GITHUB_BASE_REF", "main")]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn outside_a_repository_changed_mode_is_a_tool_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gitops-lint"))
        .arg("--changed")
        .current_dir(dir.path())
        .env("GIT_CEILING_DIRECTORIES", dir.path().parent().unwrap())
        .output()
        .unwrap();
    assert_tool_error(&out, "changed mode needs a git repository");
    let out = Command::new(env!("CARGO_BIN_EXE_gitops-lint"))
        .args(["--trust-head-policies", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("applies to changed mode"));
}

const DENY_LATEST: &str = "package main\n\ndeny contains msg if {\n\tinput.kind == \"ConfigMap\"\n\tinput.metadata.labels.tier == \"forbidden\"\n\tmsg := \"tier forbidden is not allowed\"\n}\n";
const DENY_NOTHING: &str =
    "package main\n\ndeny contains msg if {\n\tfalse\n\tmsg := \"disabled\"\n}\n";

fn forbidden(name: &str) -> String {
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  labels:\n    tier: forbidden\n"
    )
}

/// A repository whose config runs `policy/` on every change.
fn policed() -> Repo {
    let repo = Repo::new(&[
        (
            ".gitops-lint.yaml",
            "policies: [policy]\nbundled-policies: false\n",
        ),
        ("policy/deny.rego", DENY_LATEST),
        ("apps/web.yaml", &config_map("web")),
    ]);
    repo.git(&["checkout", "--quiet", "-b", "pr"]);
    repo
}

#[test]
fn a_change_that_edits_a_policy_cannot_switch_it_off() {
    let repo = policed();
    repo.commit(
        "weaken the policy and break it",
        &[
            ("policy/deny.rego", DENY_NOTHING),
            ("apps/web.yaml", &forbidden("web")),
        ],
    );
    let report = repo.json(&["--changed"]);
    let found = findings(&report);
    assert!(
        found.contains(&("main.deny".into(), "apps/web.yaml".into(), 2)),
        "{found:?}"
    );
    // The edited policy is reported, at its package line.
    assert!(
        found.contains(&("changed-policy".into(), "policy/deny.rego".into(), 1)),
        "{found:?}"
    );
    let note = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "changed-policy")
        .unwrap();
    assert_eq!(note["severity"], "info");
    assert!(
        note["message"]
            .as_str()
            .unwrap()
            .contains("the base commit"),
        "{note}"
    );

    // A repository's own policy development opts in to the changed version.
    let report = repo.json(&["--changed", "--trust-head-policies"]);
    assert!(!rules(&report).contains(&"main.deny".to_string()));
    assert_eq!(report["summary"]["changes"]["policies"], "head");
    assert!(rules(&report).contains(&"changed-policy".to_string()));
}

#[test]
fn a_change_that_deletes_a_policy_is_still_checked_by_it() {
    let repo = policed();
    repo.git(&["rm", "--quiet", "policy/deny.rego"]);
    repo.commit("drop the policy", &[("apps/web.yaml", &forbidden("web"))]);
    let report = repo.json(&["--changed"]);
    let found = findings(&report);
    assert!(
        found.contains(&("main.deny".into(), "apps/web.yaml".into(), 2)),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(rule, file, _)| rule == "changed-policy" && file == "policy/deny.rego"),
        "{found:?}"
    );
}

#[test]
fn a_changed_policy_that_does_not_parse_is_a_policy_error() {
    let repo = policed();
    repo.commit(
        "broken policy",
        &[(
            "policy/broken.rego",
            "package main\n\ndeny contains msg if {\n\tmsg :=\n}\n",
        )],
    );
    let out = repo.run(&["--changed", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = findings(&report);
    assert!(
        found.iter().any(|(rule, file, line)| rule == "policy-error"
            && file == "policy/broken.rego"
            && *line > 1),
        "{found:?}"
    );
    // No manifest changed: nothing else to check.
    assert_eq!(report["summary"]["changes"]["nothingToCheck"], true);
}

#[test]
fn a_change_to_the_config_file_does_not_take_effect() {
    let repo = Repo::new(&[
        (".gitops-lint.yaml", "rules:\n  yaml11-boolean: error\n"),
        ("apps/web.yaml", &config_map("web")),
    ]);
    repo.git(&["checkout", "--quiet", "-b", "pr"]);
    repo.commit(
        "turn the rule off and break it",
        &[
            (
                ".gitops-lint.yaml",
                "rules:\n  duplicate-key: off\n  yaml11-boolean: off\n",
            ),
            ("apps/web.yaml", &duplicate_key("web")),
        ],
    );
    let report = repo.json(&["--changed", "--no-bundled-policies"]);
    let found = findings(&report);
    assert!(
        found.contains(&("duplicate-key".into(), "apps/web.yaml".into(), 7)),
        "{found:?}"
    );
    assert!(
        found.contains(&("changed-policy".into(), ".gitops-lint.yaml".into(), 1)),
        "{found:?}"
    );
    // Opting in takes the change's configuration.
    let report = repo.json(&[
        "--changed",
        "--no-bundled-policies",
        "--trust-head-policies",
    ]);
    assert!(!rules(&report).contains(&"duplicate-key".to_string()));
}

#[test]
fn a_config_file_added_by_the_change_does_not_take_effect() {
    let repo = Repo::new(&[("apps/web.yaml", &config_map("web"))]);
    repo.git(&["checkout", "--quiet", "-b", "pr"]);
    repo.commit(
        "add a lenient config",
        &[
            (".gitops-lint.yaml", "rules:\n  duplicate-key: off\n"),
            ("apps/web.yaml", &duplicate_key("web")),
        ],
    );
    let out = repo.run(&["--changed", "--no-bundled-policies", "--color", "never"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("duplicate key"), "{text}");
    assert!(
        text.contains("note: .gitops-lint.yaml is not in the base commit"),
        "{text}"
    );
}

const TEMPLATE: &str = r#"apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8srequiredlabels
spec:
  crd:
    spec:
      names:
        kind: K8sRequiredLabels
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8srequiredlabels

        violation[{"msg": msg}] {
          provided := {label | input.review.object.metadata.labels[label]}
          required := {label | label := input.parameters.labels[_]}
          missing := required - provided
          count(missing) > 0
          msg := sprintf("you must provide labels: %v", [missing])
        }
"#;

fn constraint(action: &str) -> String {
    format!(
        "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sRequiredLabels\nmetadata:\n  name: need-owner\nspec:\n  enforcementAction: {action}\n  match:\n    kinds: [{{apiGroups: [\"\"], kinds: [\"ConfigMap\"]}}]\n  parameters:\n    labels: [\"owner\"]\n"
    )
}

#[test]
fn gatekeeper_constraints_come_from_the_base_commit() {
    let repo = Repo::new(&[
        (
            ".gitops-lint.yaml",
            "policies: [gatekeeper]\nbundled-policies: false\n",
        ),
        ("gatekeeper/template.yaml", TEMPLATE),
        ("gatekeeper/constraint.yaml", &constraint("deny")),
        ("apps/README.md", "apps\n"),
    ]);
    repo.git(&["checkout", "--quiet", "-b", "pr"]);
    repo.commit(
        "dry-run the constraint",
        &[
            ("gatekeeper/constraint.yaml", &constraint("dryrun")),
            ("apps/web.yaml", &config_map("web")),
        ],
    );
    let report = repo.json(&["--changed", "apps"]);
    let denied: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "gatekeeper.k8srequiredlabels")
        .collect();
    assert_eq!(denied.len(), 1, "{report}");
    assert_eq!(denied[0]["severity"], "error");
    assert!(
        findings(&report).contains(&(
            "changed-policy".into(),
            "gatekeeper/constraint.yaml".into(),
            1
        )),
        "{report}"
    );
    let report = repo.json(&["--changed", "--trust-head-policies", "apps"]);
    let severities: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "gatekeeper.k8srequiredlabels")
        .map(|f| &f["severity"])
        .collect();
    assert_eq!(severities, [&Value::from("info")], "{report}");
}

#[test]
fn a_changed_patch_is_known_by_its_unchanged_kustomization() {
    let repo = Repo::new(&[
        (
            "overlays/prod/kustomization.yaml",
            "resources: [../../base]\npatches:\n  - path: replicas.yaml\n    target: {kind: Deployment, name: web}\n",
        ),
        (
            "overlays/prod/replicas.yaml",
            "- op: replace\n  path: /spec/replicas\n  value: 2\n",
        ),
        ("base/cm.yaml", &config_map("base")),
    ]);
    repo.git(&["checkout", "--quiet", "-b", "pr"]);
    repo.commit(
        "more replicas",
        &[(
            "overlays/prod/replicas.yaml",
            "- op: replace\n  path: /spec/replicas\n  value: 3\n",
        )],
    );
    // The overlay's base is not a kustomization, so it does not render; this case is about
    // the patch's role only.
    let report = repo.json(&["--changed", "--no-render"]);
    assert_eq!(findings(&report), vec![], "{report}");
    assert_eq!(report["summary"]["files"], 1);
}

#[test]
fn a_changed_constraint_outside_the_policy_directories_is_reported_not_evaluated() {
    let repo = Repo::new(&[
        ("policy/template.yaml", TEMPLATE),
        ("apps/README.md", "apps\n"),
    ]);
    repo.git(&["checkout", "--quiet", "-b", "pr"]);
    repo.commit(
        "constraint and object",
        &[
            ("apps/constraint.yaml", &constraint("deny")),
            ("apps/web.yaml", &config_map("web")),
        ],
    );
    let args = ["--changed", "--no-bundled-policies", "-p", "policy", "apps"];
    let report = repo.json(&args);
    assert!(
        !rules(&report).contains(&"gatekeeper.k8srequiredlabels".to_string()),
        "{report}"
    );
    assert!(
        findings(&report).contains(&("changed-policy".into(), "apps/constraint.yaml".into(), 2)),
        "{report}"
    );
    let mut trusting = args.to_vec();
    trusting.push("--trust-head-policies");
    let report = repo.json(&trusting);
    assert!(
        rules(&report).contains(&"gatekeeper.k8srequiredlabels".to_string()),
        "{report}"
    );
}

#[test]
fn staged_before_the_first_commit_takes_everything_staged() {
    let repo = Repo::empty();
    repo.write("apps/a.yaml", &duplicate_key("a"));
    repo.write(".gitops-lint.yaml", "rules:\n  duplicate-key: off\n");
    repo.git(&["add", "--all"]);
    let out = repo.run(&["--staged", "--color", "never"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("apps/a.yaml:7:3"), "{text}");
    assert!(text.contains("since HEAD (no commit yet)"), "{text}");
    assert!(
        text.contains(".gitops-lint.yaml is not in the base commit"),
        "{text}"
    );
}

/// Exit status 2 (the check could not run) with `reason` on stderr.
fn assert_tool_error(out: &std::process::Output, reason: &str) {
    assert_eq!(out.status.code(), Some(2), "{}", stderr(out));
    assert!(stderr(out).contains(reason), "{}", stderr(out));
}
