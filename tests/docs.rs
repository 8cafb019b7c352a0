//! Generated documentation stays in sync: the README's rules table and every rule's `explain`.

use std::process::Command;

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gitops-lint"))
}

#[test]
fn readme_rules_table_is_generated_from_the_registry() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme.find("<!-- rules:start -->\n").expect("start marker")
        + "<!-- rules:start -->\n".len();
    let end = readme.find("<!-- rules:end -->").expect("end marker");
    let table = gitops_lint::explain::markdown_table();
    assert_eq!(
        &readme[start..end],
        table,
        "README rules table is stale; paste `gitops-lint rules --format markdown` between the markers"
    );
}

#[test]
fn every_rule_is_listed_and_explained() {
    let listing = binary().arg("rules").output().unwrap();
    assert!(listing.status.success());
    let listing = String::from_utf8(listing.stdout).unwrap();
    for rule in gitops_lint::rules::ALL {
        assert!(
            listing.contains(rule.id),
            "{} missing from `rules`",
            rule.id
        );
        let out = binary().args(["explain", rule.id]).output().unwrap();
        assert!(out.status.success(), "explain {}", rule.id);
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.starts_with(&format!("# {}\n", rule.id)));
        assert!(
            text.contains("## What it does") && text.contains("## Example"),
            "{text}"
        );
    }
}

#[test]
fn explain_unknown_rule_suggests_and_exits_2() {
    let out = binary()
        .args(["explain", "duplicate-keys"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("did you mean `duplicate-key`"), "{stderr}");
}

#[test]
fn help_documents_every_option_with_examples() {
    let out = binary().arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for option in [
        "--format",
        "--report",
        "--fail-on",
        "--config",
        "--no-config",
        "--jobs",
        "--color",
        "--quiet",
        "--max-file-size",
        "--changed",
        "--base",
        "--staged",
        "--worktree",
        "--trust-head-policies",
        "Examples:",
        "Exit status",
    ] {
        assert!(help.contains(option), "--help lacks {option}");
    }
}

/// Every argument and flag in `--help` (and in each subcommand's) carries an `Example:`.
#[test]
fn help_gives_every_flag_an_example() {
    for command in [
        &["--help"][..],
        &["rules", "--help"],
        &["test-policies", "--help"],
        &["explain", "--help"],
    ] {
        let out = binary().args(command).output().unwrap();
        assert!(out.status.success());
        let help = String::from_utf8(out.stdout).unwrap();
        // An entry starts at an indented `-x, --flag`, `--flag`, `[ARG]` or `<ARG>` line; its
        // description follows, indented further.
        let mut entries: Vec<(String, String)> = Vec::new();
        for line in help.lines() {
            let indent = line.len() - line.trim_start().len();
            let trimmed = line.trim_start();
            if (2..=6).contains(&indent) && trimmed.starts_with(['-', '[', '<']) {
                entries.push((trimmed.to_string(), String::new()));
            } else if let Some((_, text)) = entries.last_mut() {
                text.push_str(line);
                text.push('\n');
            }
        }
        assert!(!entries.is_empty(), "{help}");
        for (entry, text) in entries {
            if entry.starts_with("-h, --help") || entry.starts_with("-V, --version") {
                continue;
            }
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(
                text.contains("Example: `gitops-lint"),
                "`gitops-lint {}` documents `{entry}` without an example",
                command.join(" ")
            );
        }
    }
}
