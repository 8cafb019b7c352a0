//! `gitops-lint rules` and `gitops-lint explain RULE`: the rule registry as users read it.

use std::fmt::Write;

use crate::cli::RulesFormat;
use crate::rules::{self, Rule};

/// One row of the rule listing: built-in rules, then bundled policies.
struct Listed {
    id: String,
    severity: &'static str,
    family: &'static str,
    summary: String,
}

fn listed() -> Vec<Listed> {
    let mut out: Vec<Listed> = rules::ALL
        .iter()
        .map(|r| Listed {
            id: r.id.to_string(),
            severity: r.default_severity.as_str(),
            family: r.family.as_str(),
            summary: r.summary.to_string(),
        })
        .collect();
    out.extend(
        crate::policy::library::library()
            .policies
            .iter()
            .map(|p| Listed {
                id: p.id.clone(),
                severity: p.severity.as_str(),
                family: "bundled policy",
                summary: p.summary.clone(),
            }),
    );
    out
}

pub fn rules_listing(format: RulesFormat) -> String {
    let rows = listed();
    match format {
        RulesFormat::Text => {
            let width = rows.iter().map(|r| r.id.len()).max().unwrap_or(0);
            let mut out = String::new();
            for rule in &rows {
                let _ = writeln!(
                    out,
                    "{:width$}  {:7}  {}",
                    rule.id, rule.severity, rule.summary
                );
            }
            out
        }
        RulesFormat::Json => {
            let list: Vec<serde_json::Value> = rows
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id,
                        "severity": r.severity,
                        "family": r.family,
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
    let mut out = String::from("| Rule | Severity | Family | What it flags |\n|---|---|---|---|\n");
    for rule in listed() {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            rule.id, rule.severity, rule.family, rule.summary
        );
    }
    out
}

pub fn explain(id: &str) -> Result<String, String> {
    if let Some(policy) = crate::policy::library::find(id) {
        return Ok(format!(
            "# {}\n\nDefault severity: {}. Family: bundled policy.\n\n{}",
            policy.id,
            policy.severity.as_str(),
            policy.documentation
        ));
    }
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
