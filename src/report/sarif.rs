//! The SARIF 2.1.0 format, as GitHub code scanning accepts it: every result has a physical
//! location with a region, rule ids are stable, `tool.driver.rules` carries each rule's help,
//! and `partialFingerprints` let code scanning follow a result across line moves.
//!
//! Hand-written structs: the subset GitHub reads, nothing generated.

use serde::Serialize;
use serde_json::{Value, json};

use super::Report;
use crate::finding::{Finding, Location, Severity};
use crate::rules;

/// GitHub code scanning accepts at most this many results per run.
pub const MAX_RESULTS: usize = 25_000;
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/gitops-lint/gitops-lint";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Writes the log without holding its text (see `json::write`).
pub fn write(report: &Report<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut rule_list: Vec<Rule> = rules::ALL
        .iter()
        .map(|r| Rule {
            id: r.id.to_string(),
            name: r.id.to_string(),
            short_description: Text {
                text: r.summary.to_string(),
            },
            full_description: Text {
                text: r.summary.to_string(),
            },
            help: Help {
                text: r.documentation(),
                markdown: r.documentation(),
            },
            default_configuration: Configuration {
                level: level(r.default_severity),
            },
        })
        .collect();
    rule_list.extend(
        crate::policy::library::library()
            .policies
            .iter()
            .map(|p| Rule {
                id: p.id.clone(),
                name: p.id.clone(),
                short_description: Text {
                    text: p.summary.clone(),
                },
                full_description: Text {
                    text: p.summary.clone(),
                },
                help: Help {
                    text: p.documentation.clone(),
                    markdown: p.documentation.clone(),
                },
                default_configuration: Configuration {
                    level: level(p.severity),
                },
            }),
    );
    // Rules not in the registry (conftest policies) get an entry from their first finding.
    for finding in report.findings {
        if !rule_list.iter().any(|r| r.id == finding.rule) {
            rule_list.push(Rule {
                id: finding.rule.to_string(),
                name: finding.rule.to_string(),
                short_description: Text {
                    text: finding.rule.to_string(),
                },
                full_description: Text {
                    text: finding.rule.to_string(),
                },
                help: Help {
                    text: finding.help.clone().unwrap_or_default(),
                    markdown: finding.help.clone().unwrap_or_default(),
                },
                default_configuration: Configuration {
                    level: level(finding.severity),
                },
            });
        }
    }
    let mut ordered: Vec<&Finding> = report.findings.iter().collect();
    ordered.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let truncated = ordered.len().saturating_sub(MAX_RESULTS);
    ordered.truncate(MAX_RESULTS);
    ordered.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let results: Vec<Value> = ordered
        .iter()
        .map(|f| {
            let index = rule_list.iter().position(|r| r.id == f.rule).unwrap_or(0);
            let mut result = json!({
                "ruleId": f.rule,
                "ruleIndex": index,
                "level": level(f.severity),
                "message": {"text": message(f)},
                "locations": [physical_location(&f.location)],
                "partialFingerprints": {"gitopsLint/v1": fingerprint(f)},
            });
            if !f.related.is_empty() {
                result["relatedLocations"] = f
                    .related
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        let mut location = physical_location(&r.location);
                        location["id"] = json!(i + 1);
                        location["message"] = json!({"text": r.message});
                        location
                    })
                    .collect();
            }
            result
        })
        .collect();
    let mut invocation = json!({"executionSuccessful": true});
    if truncated > 0 {
        invocation["toolExecutionNotifications"] = json!([{
            "level": "warning",
            "message": {"text": format!(
                "{truncated} results were left out: GitHub code scanning accepts at most {MAX_RESULTS} per run"
            )},
        }]);
    }
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "gitops-lint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": rule_list,
            }},
            "invocations": [invocation],
            "columnKind": "unicodeCodePoints",
            "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "the directory gitops-lint ran in"}}},
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}

fn message(finding: &Finding) -> String {
    match &finding.help {
        Some(help) => format!("{}\nhelp: {help}", finding.message),
        None => finding.message.clone(),
    }
}

fn physical_location(location: &Location) -> Value {
    let (start, end) = location.file.range(location.span);
    let end_column = if end.line == start.line {
        end.column.max(start.column + 1)
    } else {
        end.column
    };
    json!({"physicalLocation": {
        "artifactLocation": {"uri": uri(&location.file.name), "uriBaseId": "%SRCROOT%"},
        "region": {
            "startLine": start.line,
            "startColumn": start.column,
            "endLine": end.line.max(start.line),
            "endColumn": end_column,
        },
    }})
}

/// A relative URI reference: percent-encodes everything but unreserved characters and `/`.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Stable across line moves: rule, file, and the field path (or the trimmed source line).
fn fingerprint(finding: &Finding) -> String {
    let file = &finding.location.file;
    let anchor = match &finding.field {
        Some(field) => field.clone(),
        None => file
            .line_text(file.line_index(finding.location.span.start))
            .trim()
            .to_string(),
    };
    let object = finding
        .object
        .map(|o| format!("{}:{:?}", o.document, o.item))
        .unwrap_or_default();
    let key = format!(
        "{}\0{}\0{}\0{}\0{}",
        finding.rule, file.name, object, anchor, finding.message
    );
    format!("{:016x}", fnv1a(key.as_bytes()))
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(super::uri("infra/my file.yaml"), "infra/my%20file.yaml");
        assert_eq!(super::uri("a/b-c_d.yaml"), "a/b-c_d.yaml");
    }
}
