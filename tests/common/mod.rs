//! Helpers shared by the test suites: running the binary, writing inputs, normalising timings,
//! locating `../shared` (or skipping with a notice), splitting the upstream suites' shell
//! command lines, and temporary git repositories (`repo`).
#![allow(dead_code)]

pub mod repo;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The built binary, without the environment of a GitHub Actions run or `NO_COLOR`, and
/// without the developer's cluster: no `KUBECONFIG`, no in-cluster service, and a home with no
/// `~/.kube/config` (else `--dry-run auto` would reach whatever cluster the machine points at).
pub fn gitops_lint() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gitops-lint"));
    command
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("NO_COLOR")
        .env_remove("KUBECONFIG")
        .env_remove("KUBERNETES_SERVICE_HOST")
        .env("HOME", "/nonexistent-home");
    command
}

/// Runs the binary with `args` in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    gitops_lint()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run gitops-lint")
}

/// Writes a file below `dir`, creating its directories.
pub fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(&path, text).expect("write");
    path
}

/// Timing varies: `, 114 ms` at the end of the summary line becomes `, <T> ms`.
pub fn without_timing(output: &str) -> String {
    let mut out = String::new();
    for line in output.lines() {
        match line.rsplit_once(", ") {
            Some((head, tail))
                if tail.ends_with(" ms")
                    && tail[..tail.len() - 3].bytes().all(|b| b.is_ascii_digit()) =>
            {
                out.push_str(head);
                out.push_str(", <T> ms");
            }
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

/// The shared directory (`GITOPS_LINT_SHARED`, else `../shared` beside the crate), or `None`
/// with a printed notice naming `what` was skipped. A `GITOPS_LINT_SHARED` that is set but not a
/// directory fails the test, so that a typo cannot skip everything silently.
pub fn shared_dir(what: &str) -> Option<PathBuf> {
    let (shared, explicit) = match std::env::var_os("GITOPS_LINT_SHARED") {
        Some(dir) if !dir.is_empty() => (PathBuf::from(dir), true),
        _ => (
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"),
            false,
        ),
    };
    if !shared.is_dir() {
        assert!(
            !explicit,
            "GITOPS_LINT_SHARED={} is not a directory",
            shared.display()
        );
        println!(
            "NOTICE: {what} skipped: {} is absent (set GITOPS_LINT_SHARED to the shared directory)",
            shared.display()
        );
        return None;
    }
    Some(shared)
}

/// Splits a shell command line into words: single quotes, double quotes (with `\` escapes)
/// and backslashes; no expansion.
pub fn shell_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err(format!("unclosed ' in {line}")),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err(format!("unclosed \" in {line}")),
                        },
                        Some(c) => word.push(c),
                        None => return Err(format!("unclosed \" in {line}")),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(c) = chars.next() {
                    word.push(c);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

pub struct Row {
    pub case: String,
    pub expected: String,
    pub got: String,
    pub pass: bool,
    pub note: String,
    /// Printed for failures: the exact command and its output.
    pub details: String,
}

/// Prints the table and the details of every failure; returns the number of failures.
pub fn print_table(title: &str, rows: &[Row]) -> usize {
    let width = |f: &dyn Fn(&Row) -> usize, header: &str| {
        rows.iter().map(f).max().unwrap_or(0).max(header.len())
    };
    let case_w = width(&|r| r.case.chars().count(), "case");
    let exp_w = width(&|r| r.expected.chars().count(), "expected");
    let got_w = width(&|r| r.got.chars().count(), "got");
    println!("\n== {title}");
    println!(
        "| {:case_w$} | {:exp_w$} | {:got_w$} | pass | note",
        "case", "expected", "got"
    );
    println!(
        "|-{}-|-{}-|-{}-|------|-----",
        "-".repeat(case_w),
        "-".repeat(exp_w),
        "-".repeat(got_w)
    );
    for row in rows {
        println!(
            "| {:case_w$} | {:exp_w$} | {:got_w$} | {:4} | {}",
            row.case,
            row.expected,
            row.got,
            if row.pass { "yes" } else { "NO" },
            row.note
        );
    }
    let failures: Vec<&Row> = rows.iter().filter(|r| !r.pass).collect();
    println!(
        "{}: {} of {} cases pass",
        title,
        rows.len() - failures.len(),
        rows.len()
    );
    for row in &failures {
        println!("\nFAILED: {}\n{}", row.case, row.details);
    }
    failures.len()
}

/// Every finding's message in a JSON report.
pub fn messages(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("a JSON report")
        .iter()
        .map(|f| f["message"].as_str().unwrap_or_default().to_string())
        .collect()
}
