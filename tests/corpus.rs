//! False-positive audit over the real-world GitOps trees in `../shared/corpus` (or
//! `$GITOPS_LINT_SHARED/corpus`): gitops-lint runs over each tree with `--format json
//! --no-config --no-bundled-policies --no-render` from the corpus directory (plain files; the
//! render tests cover overlays), and the set of findings
//! (`file:line:col rule-id message`) must equal `tests/corpus/expected-findings.txt`.
//!
//! Every line of the expectation file carries `  # reason: …`, why the finding is true. Known
//! gitops-lint bugs are listed as `# reason: FALSE POSITIVE …` and accepted (and counted) until
//! fixed. `GITOPS_LINT_BLESS=1 cargo test --test corpus` rewrites the file from the current
//! findings, keeping existing reasons; new findings get `# reason: UNREVIEWED`, which fails the
//! test until someone reviews them.
//!
//! Without the shared directory the test prints a notice and passes. Nothing from it is copied
//! into the project.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The plain-YAML trees of the corpus, each checked on its own (CRDs of one tree never apply to
/// another).
const TREES: &[&str] = &[
    "cert-manager",
    "flux2-kustomize-helm-example",
    "istio-samples",
    "kube-prometheus",
    "kubernetes-examples",
    "kubernetes-website",
    "microservices-demo",
    "opentelemetry-helm-charts",
];

const REASON: &str = "  # reason: ";
const UNREVIEWED: &str = "UNREVIEWED";
const FALSE_POSITIVE: &str = "FALSE POSITIVE";

fn expectation_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/expected-findings.txt")
}

/// The corpus directory, or `None` (with a printed notice) when the shared directory is absent.
fn corpus_dir() -> Option<PathBuf> {
    let shared = common::shared_dir("corpus test")?;
    let corpus = shared.join("corpus");
    if !corpus.is_dir() {
        println!(
            "NOTICE: corpus test skipped: {} is absent",
            corpus.display()
        );
        return None;
    }
    let missing: Vec<&str> = TREES
        .iter()
        .copied()
        .filter(|tree| !corpus.join(tree).is_dir())
        .collect();
    assert!(
        missing.is_empty(),
        "{} is incomplete: missing {}",
        corpus.display(),
        missing.join(", ")
    );
    Some(corpus.canonicalize().unwrap_or(corpus))
}

/// The findings of one tree as `file:line:col rule-id message` lines.
fn findings_of(corpus: &Path, tree: &str) -> Vec<String> {
    let output = Command::new(env!("CARGO_BIN_EXE_gitops-lint"))
        .args([
            "--format",
            "json",
            "--no-config",
            "--no-bundled-policies",
            "--no-render",
            tree,
        ])
        .current_dir(corpus)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("run gitops-lint");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "gitops-lint --format json --no-config {tree} exited with {:?}:\n{stderr}",
        output.status.code()
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!("gitops-lint output for {tree} is not JSON ({e}); stderr:\n{stderr}")
    });
    let findings = report["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no `findings` array in the report for {tree}"));
    findings
        .iter()
        .map(|f| {
            let location = &f["location"];
            let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
            // One finding per line, whatever the message holds.
            let message = text(&f["message"])
                .replace('\r', "\\r")
                .replace('\n', "\\n");
            format!(
                "{}:{}:{} {} {}",
                text(&location["file"]).replace('\\', "/"),
                location["line"],
                location["column"],
                text(&f["rule"]),
                message
            )
        })
        .collect()
}

/// The expectation file: its leading comment block, and each finding with its reason.
struct Expected {
    header: Vec<String>,
    entries: Vec<(String, String)>,
}

fn read_expected(path: &Path) -> Expected {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut header = Vec::new();
    let mut entries = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if line.starts_with('#') {
            if entries.is_empty() {
                header.push(line.to_string());
            }
            continue;
        }
        let (finding, reason) = line.split_once(REASON).unwrap_or_else(|| {
            panic!(
                "{}:{}: no `{}` on this line",
                path.display(),
                number + 1,
                REASON.trim()
            )
        });
        entries.push((finding.trim_end().to_string(), reason.trim().to_string()));
    }
    Expected { header, entries }
}

fn counts<'a>(items: impl IntoIterator<Item = &'a String>) -> BTreeMap<&'a str, usize> {
    let mut map = BTreeMap::new();
    for item in items {
        *map.entry(item.as_str()).or_insert(0) += 1;
    }
    map
}

/// `a` minus `b`, as multisets, each line repeated as often as it is in excess.
fn excess<'a>(a: &BTreeMap<&'a str, usize>, b: &BTreeMap<&'a str, usize>) -> Vec<&'a str> {
    a.iter()
        .flat_map(|(line, n)| {
            let extra = n.saturating_sub(b.get(line).copied().unwrap_or(0));
            std::iter::repeat_n(*line, extra)
        })
        .collect()
}

fn bless(path: &Path, expected: &Expected, actual: &[String]) {
    // Reasons by finding; a finding listed twice keeps its reasons in order.
    let mut reasons: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (finding, reason) in &expected.entries {
        reasons.entry(finding).or_default().push(reason);
    }
    for list in reasons.values_mut() {
        list.reverse();
    }
    let mut out: Vec<String> = expected.header.clone();
    let mut new = 0;
    for finding in actual {
        let reason = reasons
            .get_mut(finding.as_str())
            .and_then(Vec::pop)
            .unwrap_or_else(|| {
                new += 1;
                UNREVIEWED
            });
        out.push(format!("{finding}{REASON}{reason}"));
    }
    std::fs::create_dir_all(path.parent().expect("parent")).expect("create tests/corpus");
    std::fs::write(path, out.join("\n") + "\n").expect("write the expectation file");
    println!(
        "blessed {}: {} findings, {new} new (marked {UNREVIEWED}: review them)",
        path.display(),
        actual.len()
    );
}

#[test]
fn corpus_findings_match_the_reviewed_expectations() {
    let Some(corpus) = corpus_dir() else {
        return;
    };
    let mut actual: Vec<String> = TREES
        .iter()
        .flat_map(|tree| findings_of(&corpus, tree))
        .collect();
    actual.sort();

    let path = expectation_file();
    let expected = read_expected(&path);
    if std::env::var_os("GITOPS_LINT_BLESS").is_some() {
        bless(&path, &expected, &actual);
        return;
    }

    let expected_findings: Vec<String> = expected.entries.iter().map(|(f, _)| f.clone()).collect();
    let want = counts(&expected_findings);
    let got = counts(&actual);
    let missing = excess(&want, &got);
    let unexpected = excess(&got, &want);
    let unreviewed: Vec<&str> = expected
        .entries
        .iter()
        .filter(|(_, reason)| reason.is_empty() || reason.starts_with(UNREVIEWED))
        .map(|(finding, _)| finding.as_str())
        .collect();

    let mut problems = String::new();
    if !missing.is_empty() {
        problems += &format!(
            "\n{} expected finding(s) no longer reported (fixed false positive, or lost detection?):\n",
            missing.len()
        );
        for line in &missing {
            problems += &format!("  - {line}\n");
        }
    }
    if !unexpected.is_empty() {
        problems += &format!(
            "\n{} finding(s) reported but not in the expectation file (check each against the schema):\n",
            unexpected.len()
        );
        for line in &unexpected {
            problems += &format!("  + {line}\n");
        }
    }
    if !unreviewed.is_empty() {
        problems += &format!(
            "\n{} finding(s) still marked `# reason: {UNREVIEWED}`:\n",
            unreviewed.len()
        );
        for line in &unreviewed {
            problems += &format!("  ? {line}\n");
        }
    }
    assert!(
        problems.is_empty(),
        "corpus findings differ from {}:{problems}\nAfter reviewing, `GITOPS_LINT_BLESS=1 cargo test --test corpus` rewrites the file (keeping reasons) and marks new lines {UNREVIEWED}.",
        path.display()
    );

    let false_positives = expected
        .entries
        .iter()
        .filter(|(_, reason)| reason.starts_with(FALSE_POSITIVE))
        .count();
    println!(
        "corpus: {} findings over {} trees match {}; {false_positives} of them are known FALSE POSITIVEs",
        actual.len(),
        TREES.len(),
        path.display()
    );
}
