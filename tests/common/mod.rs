//! Helpers shared by the test suites that read `../shared`: locating it (or skipping with a
//! notice), and splitting the upstream suites' shell command lines.
#![allow(dead_code)]

pub mod repo;

use std::path::{Path, PathBuf};

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
