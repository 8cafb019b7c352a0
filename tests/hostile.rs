//! Hostile input, end to end (the built binary): files that are huge, not text, not regular,
//! looping or gone; a config file with every wrong type; and byte-identical output whatever
//! `--jobs`. Each gives one clear finding or error, the rest of the run intact, the right exit
//! code. (`tests/cli.rs` holds the first set: binary, Latin-1, UTF-16, deep nesting, alias
//! bombs, 50 MB.)

mod common;

use std::process::{Command, Output};

use common::{gitops_lint, run_in, write};

#[path = "../benches/corpus.rs"]
mod corpus;

const GOOD: &[u8] =
    b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\ndata:\n  a: \"1\"\n";
const BAD: &[u8] =
    b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata:\n  a: \"1\"\n  a: \"2\"\n";

/// The hostile input left the rest of the run intact: exit 1 from `bad.yaml`'s duplicate key,
/// and nothing on `good.yaml`. Returns the rule ids per file.
fn rest_of_run_intact(out: &Output) -> std::collections::BTreeMap<String, Vec<String>> {
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rules = rules_by_file(out);
    assert_eq!(rules["bad.yaml"], ["duplicate-key"]);
    assert!(!rules.contains_key("good.yaml"));
    rules
}

/// Rule ids per file of a `--format json` run.
fn rules_by_file(out: &Output) -> std::collections::BTreeMap<String, Vec<String>> {
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let mut map = std::collections::BTreeMap::<String, Vec<String>>::new();
    for finding in json["findings"].as_array().expect("findings") {
        map.entry(finding["location"]["file"].as_str().unwrap().to_string())
            .or_default()
            .push(finding["rule"].as_str().unwrap().to_string());
    }
    map
}

#[test]
fn a_500_mb_file_is_refused_without_being_read() {
    let dir = tempfile::tempdir().unwrap();
    // Sparse: 500 MB long, no disk used. Read into memory it would break the address-space
    // limit below.
    let big = std::fs::File::create(dir.path().join("big.yaml")).unwrap();
    big.set_len(500 * 1024 * 1024).unwrap();
    write(dir.path(), "good.yaml", GOOD);
    write(dir.path(), "bad.yaml", BAD);
    let started = std::time::Instant::now();
    let out = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 400000 && exec \"$0\" -j 2 --format json .")
        .arg(env!("CARGO_BIN_EXE_gitops-lint"))
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
    let rules = rest_of_run_intact(&out);
    assert_eq!(rules["big.yaml"], ["file-too-large"]);
}

#[test]
fn nul_bytes_pipes_missing_and_looping_files_give_one_finding_or_note_each() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "nul.yaml",
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\x00b\n",
    );
    write(
        d,
        "invalid-utf8.yaml",
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \xff\xfe\n",
    );
    // A named pipe: reading it would block the run forever.
    let status = Command::new("mkfifo")
        .arg(d.join("pipe.yaml"))
        .status()
        .unwrap();
    assert!(status.success());
    // A symlink loop between two files, and a dangling link.
    std::os::unix::fs::symlink(d.join("b.yaml"), d.join("a.yaml")).unwrap();
    std::os::unix::fs::symlink(d.join("a.yaml"), d.join("b.yaml")).unwrap();
    std::os::unix::fs::symlink(d.join("gone.yaml"), d.join("dangling.yaml")).unwrap();
    write(d, "good.yaml", GOOD);
    write(d, "bad.yaml", BAD);

    let out = run_in(d, &["--format", "json", "."]);
    let rules = rest_of_run_intact(&out);
    assert_eq!(rules["nul.yaml"], ["invalid-encoding"]);
    assert_eq!(rules["invalid-utf8.yaml"], ["invalid-encoding"]);
    assert_eq!(rules["pipe.yaml"], ["unreadable-file"]);
    // The links are passed over with a note, not read.
    let out = run_in(d, &["--color", "never", "."]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("skipped 3 symlinks"), "{text}");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn unreadable_files_are_one_finding() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "secret.yaml", GOOD);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    write(dir.path(), "bad.yaml", BAD);
    let out = if std::fs::read(&path).is_ok() {
        // Root reads anything: run the check as `nobody`, for whom the file is unreadable and
        // the rest of the directory readable.
        use std::os::unix::process::CommandExt;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        gitops_lint()
            .args(["--format", "json", "--no-cache", "."])
            .current_dir(dir.path())
            .uid(65534)
            .gid(65534)
            .output()
            .expect("run gitops-lint as nobody")
    } else {
        run_in(dir.path(), &["--format", "json", "."])
    };
    let rules = rest_of_run_intact(&out);
    assert_eq!(rules["secret.yaml"], ["unreadable-file"]);
}

#[test]
fn a_file_that_vanishes_after_discovery_is_one_finding() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "gone.yaml", GOOD);
    let candidate = gitops_lint::discover::Candidate {
        path: path.clone(),
        role: gitops_lint::discover::FileRole::Manifest,
    };
    std::fs::remove_file(&path).unwrap();
    let settings = gitops_lint::settings::Settings::for_paths(vec![dir.path().to_path_buf()]);
    match gitops_lint::parse::parse_file(&candidate, &settings) {
        gitops_lint::parse::Parsed::File(file) => {
            let rules: Vec<&str> = file.findings.iter().map(|f| f.rule.as_ref()).collect();
            assert_eq!(rules, ["unreadable-file"]);
        }
        gitops_lint::parse::Parsed::Skipped(s) => panic!("skipped: {s:?}"),
    }
}

#[test]
fn every_wrong_type_in_the_config_file_is_a_located_error() {
    let cases: &[(&str, &str)] = &[
        ("exclude", "exclude: 3"),
        ("rules", "rules: [a, b]"),
        ("rules", "rules: {latest-image-tag: 7}"),
        ("overrides", "overrides: {files: x}"),
        ("overrides", "overrides:\n  - files: 3"),
        (
            "overrides",
            "overrides:\n  - files: ['*.yaml']\n    environment: [prod]",
        ),
        ("fail-on", "fail-on: sometimes"),
        ("max-file-size", "max-file-size: big"),
        ("max-file-size", "max-file-size: -1"),
        ("kubernetes-versions", "kubernetes-versions: {a: 1}"),
        ("strict", "strict: maybe"),
        ("crds", "crds: 1.5"),
        ("schema-locations", "schema-locations: true"),
        ("policies", "policies: {}"),
        ("namespaces", "namespaces: 12"),
        ("data", "data: {x: y}"),
        ("bundled-policies", "bundled-policies: [true]"),
        ("policy-parameters", "policy-parameters: [1]"),
        ("unknown-key", "unknown-key: 1"),
    ];
    for (key, text) in cases {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            ".gitops-lint.yaml",
            format!("{text}\n").as_bytes(),
        );
        write(dir.path(), "good.yaml", GOOD);
        let out = run_in(dir.path(), &["--color", "never", "."]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{key}: {stderr}");
        assert!(
            stderr.contains(".gitops-lint.yaml:") && stderr.contains(key),
            "{key}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{key}: {stderr}");
    }
}

#[test]
fn output_is_byte_identical_whatever_the_jobs_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    // 120 documents of every kind the bench uses, some with defects, every stage involved.
    corpus::generate(dir.path(), 120).unwrap();
    for format in ["human", "json", "github", "sarif", "junit"] {
        let outputs: Vec<Vec<u8>> = ["1", "2", "8"]
            .iter()
            .map(|jobs| {
                let out = run_in(
                    dir.path(),
                    &["--color", "never", "-j", jobs, "--format", format, "."],
                );
                assert_eq!(out.status.code(), Some(1), "{format} -j {jobs}");
                // The human summary carries the elapsed time.
                let text = String::from_utf8_lossy(&out.stdout).into_owned();
                text.lines()
                    .filter(|l| !l.contains(" ms"))
                    .collect::<Vec<_>>()
                    .join("\n")
                    .into_bytes()
            })
            .collect();
        assert!(!outputs[0].is_empty(), "{format}");
        assert_eq!(outputs[0], outputs[1], "{format}: -j 1 and -j 2 differ");
        assert_eq!(outputs[0], outputs[2], "{format}: -j 1 and -j 8 differ");
    }
}

/// A policy that loops (ten billion iterations) and one that builds a huge set: each stops at
/// the evaluation time limit with one `policy-error`, and the other files are still checked.
#[test]
fn policies_that_loop_or_build_huge_sets_stop_at_the_time_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    write(
        d,
        "policy/loop.rego",
        b"package main\n\ndeny contains msg if {\n\tsome i in numbers.range(1, 100000)\n\tsome j in numbers.range(1, 100000)\n\ti + j < 0\n\tmsg := \"never\"\n}\n",
    );
    write(
        d,
        "policy/set.rego",
        b"package huge\n\ndeny contains msg if {\n\tpairs := {[i, j] | some i in numbers.range(1, 10000); some j in numbers.range(1, 10000)}\n\tcount(pairs) < 0\n\tmsg := \"never\"\n}\n",
    );
    write(d, "apps/good.yaml", GOOD);
    write(d, "apps/bad.yaml", BAD);
    let started = std::time::Instant::now();
    let out = run_in(
        d,
        &[
            "--no-bundled-policies",
            "--policy",
            "policy",
            "--all-namespaces",
            "--format",
            "json",
            "apps",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let mut found: Vec<(String, String)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_string(),
                f["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    found.sort();
    let limits = found
        .iter()
        .filter(|(rule, message)| rule == "policy-error" && message.contains("time limit"))
        .count();
    // Two policies on two objects.
    assert_eq!(limits, 4, "{found:?}");
    assert!(
        found.iter().any(|(rule, _)| rule == "duplicate-key"),
        "the rest of the run is intact: {found:?}"
    );
    // Objects are evaluated in parallel; four 2 s limits must not take much more than their sum.
    assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());
}
