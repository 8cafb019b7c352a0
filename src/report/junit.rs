//! The JUnit XML format, for CI systems that show test reports (GitLab, Jenkins, Azure): one
//! test suite per file, one test case per checked document. Findings at or above `--fail-on`
//! are failures; others go to the test case's output.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{CheckedObject, Report};
use crate::finding::{Finding, ObjectRef};

/// A test case: the object, its name, its findings.
type Case<'a> = (Option<ObjectRef>, String, Vec<&'a Finding>);

pub fn render(report: &Report<'_>) -> String {
    // file → test cases, keeping the checked set's order.
    let mut suites: BTreeMap<&str, Vec<Case<'_>>> = BTreeMap::new();
    for CheckedObject { file, object, name } in &report.summary.checked {
        suites
            .entry(file.name.as_str())
            .or_default()
            .push((*object, name.clone(), Vec::new()));
    }
    for finding in report.findings {
        let cases = suites
            .entry(finding.location.file.name.as_str())
            .or_default();
        let position = cases.iter().position(|(o, _, _)| *o == finding.object);
        match position {
            Some(i) => cases[i].2.push(finding),
            None => {
                let name = match finding.object {
                    Some(o) => format!("document {}", o.document + 1),
                    None => "file".to_string(),
                };
                cases.push((finding.object, name, vec![finding]));
            }
        }
    }
    let tests: usize = suites.values().map(Vec::len).sum();
    let failing = |findings: &[&Finding]| findings.iter().any(|f| report.fails(f));
    let failures: usize = suites
        .values()
        .flat_map(|cases| cases.iter())
        .filter(|(_, _, f)| failing(f))
        .count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"gitops-lint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">"
    );
    for (file, cases) in &suites {
        let suite_failures = cases.iter().filter(|(_, _, f)| failing(f)).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{suite_failures}\" errors=\"0\" skipped=\"0\">",
            escape(file),
            cases.len()
        );
        for (_, name, findings) in cases {
            let _ = write!(
                out,
                "    <testcase name=\"{}\" classname=\"{}\"",
                escape(name),
                escape(file)
            );
            if findings.is_empty() {
                out.push_str("/>\n");
                continue;
            }
            out.push_str(">\n");
            let (fail, other): (Vec<&Finding>, Vec<&Finding>) =
                findings.iter().partition(|f| report.fails(f));
            if let Some(first) = fail.first() {
                let _ = writeln!(
                    out,
                    "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                    escape(&first.message),
                    escape(&first.rule),
                    escape(&lines(&fail))
                );
            }
            if !other.is_empty() {
                let _ = writeln!(
                    out,
                    "      <system-out>{}</system-out>",
                    escape(&lines(&other))
                );
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn lines(findings: &[&Finding]) -> String {
    findings
        .iter()
        .map(|f| super::human::plain_line(f))
        .collect()
}

/// XML escaping for attributes and text; drops characters XML 1.0 cannot hold.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_xml() {
        assert_eq!(
            super::escape("a<b & \"c\"\u{1}"),
            "a&lt;b &amp; &quot;c&quot;"
        );
    }
}
