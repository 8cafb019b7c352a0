//! `gitops-lint rules` and `gitops-lint explain RULE`: the rule registry as users read it.

use std::fmt::Write;

use crate::cli::RulesFormat;
use crate::rules::{self, Rule};

pub fn rules_listing(format: RulesFormat) -> String {
    match format {
        RulesFormat::Text => {
            let width = rules::ALL.iter().map(|r| r.id.len()).max().unwrap_or(0);
            let mut out = String::new();
            for rule in rules::ALL {
                let _ = writeln!(
                    out,
                    "{:width$}  {:7}  {}",
                    rule.id,
                    rule.default_severity.as_str(),
                    rule.summary
                );
            }
            out
        }
        RulesFormat::Json => {
            let list: Vec<serde_json::Value> = rules::ALL
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id,
                        "severity": r.default_severity.as_str(),
                        "family": r.family.as_str(),
                        "summary": r.summary,
                    })
                })
                .collect();
            let mut out = serde_json::to_string_pretty(&list).unwrap_or_default();
            out.push('\n');
            out
        }
        RulesFormat::Markdown => markdown_table(),
    }
}

/// The rules table for the README (kept in sync by a test).
pub fn markdown_table() -> String {
    let mut out = String::from("| Rule | Severity | What it flags |\n|---|---|---|\n");
    for rule in rules::ALL {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} |",
            rule.id,
            rule.default_severity.as_str(),
            rule.summary
        );
    }
    out
}

pub fn explain(id: &str) -> Result<String, String> {
    let rule: &Rule = rules::find(id).ok_or_else(|| {
        let hint = crate::config::suggest(id)
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        format!("unknown rule `{id}`{hint} (see `gitops-lint rules`)")
    })?;
    Ok(format!(
        "# {}\n\nDefault severity: {}. Family: {}.\n\n{}",
        rule.id,
        rule.default_severity.as_str(),
        rule.family.as_str(),
        rule.documentation()
    ))
}
