//! Fixture directories: `tests/fixtures/<case>/` holds input files, optional `args` (one
//! argument per line, default `.`) and `.gitops-lint.yaml`, and `expected.txt`: the exit status
//! and the human output of running the binary in that directory.
//!
//! Input lines carry `# expect: rule-id` (or `# expect-next: rule-id` for the line below), and
//! the findings must land on exactly those lines, so a wrongly blessed snapshot still fails.
//! Files that cannot hold comments list theirs in `markers` (`file:line: rule-id`).
//! `GITOPS_LINT_BLESS=1 cargo test --test fixtures` rewrites `expected.txt`.
//!
//! Cases run with `--no-render --no-bundled-policies` unless they hold a `renders` file (Kustomize
//! overlays are rendered; such cases are skipped with a notice where neither `kustomize` nor
//! `kubectl` is on PATH) or a `uses-bundled-policies` file.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_gitops-lint")
}

fn run(dir: &Path, extra: &[&str]) -> (i32, String) {
    let args_file = dir.join("args");
    let mut args: Vec<String> = match std::fs::read_to_string(&args_file) {
        Ok(text) => text
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
        Err(_) => vec![".".into()],
    };
    // A fixture is about its own rule: the bundled policy library runs only where the case
    // asks for it (a `uses-bundled-policies` file).
    if !dir.join("uses-bundled-policies").exists() {
        args.push("--no-bundled-policies".into());
    }
    // Likewise rendering: only where the case is about it (a `renders` file), and never from
    // a cache.
    if dir.join("renders").exists() {
        args.push("--no-cache".into());
    } else {
        args.push("--no-render".into());
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    let output = Command::new(binary())
        .args(&args)
        .args(["--color", "never"])
        .current_dir(dir)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("run gitops-lint");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    (
        output.status.code().unwrap_or(-1),
        common::without_timing(&stdout),
    )
}

/// (file, line, rule) for every `# expect:` marker under `dir`.
fn markers(dir: &Path) -> BTreeSet<(String, usize, String)> {
    let mut out = BTreeSet::new();
    for entry in walk(dir) {
        let file_name = entry.file_name().unwrap_or_default();
        if [
            "expected.txt",
            "args",
            "markers",
            "uses-bundled-policies",
            "renders",
        ]
        .iter()
        .any(|n| file_name == std::ffi::OsStr::new(n))
        {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&entry) else {
            continue;
        };
        let name = entry
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        for (i, line) in text.lines().enumerate() {
            for (marker, offset) in [("# expect: ", 1), ("# expect-next: ", 2)] {
                if let Some(pos) = line.find(marker) {
                    for rule in line[pos + marker.len()..].split(',') {
                        let rule = rule.split_whitespace().next().unwrap_or("");
                        if !rule.is_empty() {
                            out.insert((name.clone(), i + offset, rule.to_string()));
                        }
                    }
                }
            }
        }
    }
    // Files that cannot carry comments (binary, other encodings) list theirs in `markers`.
    if let Ok(text) = std::fs::read_to_string(dir.join("markers")) {
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let (place, rule) = line.split_once(": ").expect("file:line: rule");
            let (file, number) = place.rsplit_once(':').expect("file:line");
            out.insert((
                file.to_string(),
                number.parse().expect("line"),
                rule.trim().to_string(),
            ));
        }
    }
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|d| d.join(program).is_file()))
}

fn reported(dir: &Path) -> BTreeSet<(String, usize, String)> {
    let (_, json) = run(dir, &["--format", "json"]);
    let value: serde_json::Value =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["location"]["file"].as_str().unwrap().to_string(),
                f["location"]["line"].as_u64().unwrap() as usize,
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let bless = std::env::var_os("GITOPS_LINT_BLESS").is_some();
    let mut failures = Vec::new();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(!cases.is_empty());
    let can_render = ["kustomize", "kubectl"].iter().any(|p| on_path(p));
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        if case.join("renders").exists() && !can_render {
            println!("NOTICE: fixture {name} skipped: neither kustomize nor kubectl is on PATH");
            continue;
        }
        let (code, stdout) = run(case, &[]);
        let actual = format!("exit: {code}\n{stdout}");
        let expected_path = case.join("expected.txt");
        if bless {
            std::fs::write(&expected_path, &actual).unwrap();
        } else {
            let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
            if expected != actual {
                failures.push(format!(
                    "{name}: output differs\n--- expected\n{expected}\n--- actual\n{actual}"
                ));
            }
        }
        let (want, got) = (markers(case), reported(case));
        if want != got {
            failures.push(format!(
                "{name}: markers and findings differ\n  marked, not found: {:?}\n  found, not marked: {:?}",
                want.difference(&got).collect::<Vec<_>>(),
                got.difference(&want).collect::<Vec<_>>()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture failures:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    println!("{} fixture cases passed", cases.len());
}
