//! The policy stage end to end: the bundled library passes its own tests and documents every
//! policy; network builtins are unavailable; `test-policies` reports and exits as `opa test` does.

use std::process::Command;

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gitops-lint"))
}

#[test]
fn the_bundled_library_passes_its_own_tests() {
    let out = binary()
        .args(["test-policies", "--bundled"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    let last = text.lines().last().unwrap_or_default();
    let passed: usize = last.split(' ').next().unwrap_or("0").parse().unwrap_or(0);
    assert!(passed >= 100, "{last}");
    assert!(last.ends_with(" passed, 0 failed"), "{last}");
}

#[test]
fn every_bundled_policy_is_listed_and_explained() {
    let library = gitops_lint::policy::library::library();
    assert!(library.errors.is_empty(), "{:?}", library.errors);
    assert!(
        (20..=40).contains(&library.policies.len()),
        "{}",
        library.policies.len()
    );
    let listing = String::from_utf8(binary().arg("rules").output().unwrap().stdout).unwrap();
    for policy in &library.policies {
        assert!(
            listing.contains(&policy.id),
            "{} missing from `rules`",
            policy.id
        );
        let out = binary().args(["explain", &policy.id]).output().unwrap();
        assert!(out.status.success());
        let doc = String::from_utf8(out.stdout).unwrap();
        for heading in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Fix",
        ] {
            assert!(doc.contains(heading), "{} lacks {heading}", policy.id);
        }
    }
}

#[test]
fn network_builtins_are_unavailable_and_failures_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("policy")).unwrap();
    std::fs::write(
        dir.path().join("policy/net.rego"),
        "package main\ndeny contains msg if {\n  r := http.send({\"method\": \"GET\", \"url\": \"http://127.0.0.1:9/\"})\n  msg := sprintf(\"%v\", [r.status_code])\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
    )
    .unwrap();
    let out = binary()
        .args([
            "--no-bundled-policies",
            "--format",
            "json",
            "--policy",
            "policy",
            "cm.yaml",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["policy-error"], "{json}");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn test_policies_reports_failures_with_exit_1_and_a_count() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.rego"),
        "package p\nallow if input.x == 1\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("p_test.rego"),
        "package p_test\nimport data.p\ntest_ok if { p.allow with input as {\"x\": 1} }\ntest_bad if { p.allow with input as {\"x\": 2} }\n",
    )
    .unwrap();
    let out = binary()
        .args(["test-policies", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("FAIL data.p_test.test_bad"), "{text}");
    assert!(text.ends_with("1 passed, 1 failed\n"), "{text}");
    let missing = binary()
        .args(["test-policies", "nope"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
}
