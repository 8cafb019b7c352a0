//! `gitops-lint test-policies`: runs Rego unit tests (`test_*` rules, as `opa test` and
//! `conftest verify` do) and reports each with a pass/fail line and a closing count.

use std::path::{Path, PathBuf};

use super::{engine, library};

/// One test's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    Fail,
    Error(String),
}

/// A test rule: `data.<package>.<rule>`.
#[derive(Debug, Clone)]
pub struct TestCase {
    pub package: String,
    pub rule: String,
    pub file: String,
    pub outcome: Outcome,
}

/// Test names in a Rego file: rule heads at the start of a line named `test_*`.
fn test_rules(text: &str) -> Vec<String> {
    let mut out: Vec<String> = text
        .lines()
        .filter_map(|line| {
            let name: String = line
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            name.starts_with("test_").then_some(name)
        })
        .collect();
    out.dedup();
    out
}

/// Loads `files` (path, text) into one engine and runs every test rule. Files that do not load
/// are reported as errors and the rest still run.
pub fn run(
    files: &[(String, String)],
    data: &[serde_json::Value],
    dirs: &[PathBuf],
) -> Vec<TestCase> {
    let mut engine = engine::new_engine_with_config_dirs(dirs);
    let mut cases = Vec::new();
    for document in data {
        if let Err(e) = engine.add_data(regorus::Value::from(document.clone())) {
            cases.push(TestCase {
                package: String::new(),
                rule: "(data)".into(),
                file: "--data".into(),
                outcome: Outcome::Error(e.to_string()),
            });
        }
    }
    for (path, text) in files {
        if let Err(e) = engine::add_policy(&mut engine, path, text) {
            cases.push(TestCase {
                package: library::package_of(text).unwrap_or_default(),
                rule: "(load)".into(),
                file: path.clone(),
                outcome: Outcome::Error(e),
            });
        }
    }
    for (path, text) in files {
        let Some(package) = library::package_of(text) else {
            continue;
        };
        for rule in test_rules(text) {
            let outcome = match engine.eval_rule(format!("data.{package}.{rule}")) {
                Ok(v) if v == regorus::Value::from(true) => Outcome::Pass,
                Ok(_) => Outcome::Fail,
                Err(e) => Outcome::Error(e.to_string()),
            };
            cases.push(TestCase {
                package: package.clone(),
                rule,
                file: path.clone(),
                outcome,
            });
        }
    }
    cases
}

/// The `.rego` files under directories (or files), as (display path, text).
pub fn read_dirs(paths: &[PathBuf]) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for path in paths {
        if !path.exists() {
            return Err(format!("{} does not exist", path.display()));
        }
        for file in super::rego_files(&super::PolicyFiles::WorkTree, path) {
            let text =
                std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            out.push((crate::source::display_name(&file), text));
        }
    }
    Ok(out)
}

/// The bundled library's files, as (path, text).
pub fn bundled_files() -> Vec<(String, String)> {
    library::files()
        .iter()
        .map(|(path, text)| (format!("policies/{path}"), text.to_string()))
        .collect()
}

/// The report: one line per test, then `N passed, M failed`.
pub fn report(cases: &[TestCase], verbose: bool) -> (String, bool) {
    let mut out = String::new();
    let (mut passed, mut failed) = (0, 0);
    for case in cases {
        let name = format!("data.{}.{}", case.package, case.rule);
        match &case.outcome {
            Outcome::Pass => {
                passed += 1;
                if verbose {
                    out.push_str(&format!("PASS {name} ({})\n", case.file));
                }
            }
            Outcome::Fail => {
                failed += 1;
                out.push_str(&format!("FAIL {name} ({})\n", case.file));
            }
            Outcome::Error(e) => {
                failed += 1;
                out.push_str(&format!(
                    "ERROR {name} ({}): {}\n",
                    case.file,
                    super::summary(e)
                ));
            }
        }
    }
    out.push_str(&format!("{passed} passed, {failed} failed\n"));
    (out, failed == 0)
}

/// Runs the gator `Suite` files (`suite.yaml`, `test.gatekeeper.sh/v1alpha1`) under `paths`, as
/// `gator verify` does: each case reviews an object against a template and constraint
/// (`spec.match` applied, inventory loaded) and checks the number of violations, optionally of
/// those whose message matches a regular expression.
pub fn run_suites(paths: &[PathBuf]) -> Vec<TestCase> {
    let mut suites = Vec::new();
    for path in paths {
        let walk: Vec<PathBuf> = if path.is_file() {
            vec![path.clone()]
        } else {
            ignore::WalkBuilder::new(path)
                .build()
                .flatten()
                .map(|e| e.into_path())
                .filter(|p| {
                    p.file_name()
                        .is_some_and(|n| n == "suite.yaml" || n == "suite.yml")
                })
                .collect()
        };
        suites.extend(walk);
    }
    suites.sort();
    suites.iter().flat_map(|suite| run_suite(suite)).collect()
}

fn yaml_documents(path: &Path) -> Result<Vec<serde_json::Value>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let stream = crate::manifest::yaml::parse(&text, &crate::manifest::yaml::Limits::default());
    if let Some(problem) = stream
        .problems
        .iter()
        .find(|p| matches!(p.kind, crate::manifest::yaml::ProblemKind::Syntax { .. }))
    {
        return Err(format!("{}: {:?}", path.display(), problem.kind));
    }
    Ok(stream.documents.into_iter().map(|d| d.value).collect())
}

fn run_suite(suite_path: &Path) -> Vec<TestCase> {
    use serde_json::Value;
    let dir = suite_path.parent().unwrap_or(Path::new("."));
    let name = crate::source::display_name(suite_path);
    let error_case = |rule: String, e: String| TestCase {
        package: name.clone(),
        rule,
        file: name.clone(),
        outcome: Outcome::Error(e),
    };
    let suite = match yaml_documents(suite_path) {
        Ok(docs) => docs.into_iter().next().unwrap_or(Value::Null),
        Err(e) => return vec![error_case("(suite)".into(), e)],
    };
    if suite.get("kind").and_then(Value::as_str) != Some("Suite") {
        return Vec::new();
    }
    let mut out = Vec::new();
    for test in suite
        .get("tests")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let test_name = test
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("test")
            .to_string();
        let load_first = |key: &str| -> Result<Value, String> {
            let file = test
                .get(key)
                .and_then(Value::as_str)
                .ok_or(format!("no {key}"))?;
            yaml_documents(&dir.join(file))?
                .into_iter()
                .next()
                .ok_or(format!("{file} is empty"))
        };
        let (template, constraint) = match (load_first("template"), load_first("constraint")) {
            (Ok(t), Ok(c)) => (t, c),
            (Err(e), _) | (_, Err(e)) => {
                out.push(error_case(test_name, e));
                continue;
            }
        };
        for case in test
            .get("cases")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let case_name = format!(
                "{test_name}/{}",
                case.get("name").and_then(Value::as_str).unwrap_or("case")
            );
            let outcome = run_case(dir, &template, &constraint, case);
            out.push(TestCase {
                package: name.clone(),
                rule: case_name,
                file: name.clone(),
                outcome,
            });
        }
    }
    out
}

fn run_case(
    dir: &Path,
    template: &serde_json::Value,
    constraint: &serde_json::Value,
    case: &serde_json::Value,
) -> Outcome {
    use super::gatekeeper;
    use serde_json::Value;
    let Some(object_file) = case.get("object").and_then(Value::as_str) else {
        return Outcome::Error("case has no object".into());
    };
    let mut object = match yaml_documents(&dir.join(object_file)) {
        Ok(docs) => match docs.into_iter().next() {
            Some(o) => o,
            None => return Outcome::Error(format!("{object_file} is empty")),
        },
        Err(e) => return Outcome::Error(e),
    };
    // An AdmissionReview (gator's way to test UPDATE and DELETE) is reviewed as its request.
    let mut review = None;
    if object.get("kind").and_then(Value::as_str) == Some("AdmissionReview") {
        let request = object.get("request").cloned().unwrap_or(Value::Null);
        object = request
            .get("object")
            .or_else(|| request.get("oldObject"))
            .cloned()
            .unwrap_or(Value::Null);
        review = Some(request);
    }
    let mut inventory_objects = Vec::new();
    for file in case
        .get("inventory")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        match yaml_documents(&dir.join(file)) {
            Ok(docs) => inventory_objects.extend(docs),
            Err(e) => return Outcome::Error(e),
        }
    }
    let inventory = gatekeeper::inventory(inventory_objects.iter());
    let namespaces: std::collections::BTreeMap<String, Value> = inventory_objects
        .iter()
        .chain(std::iter::once(&object))
        .filter(|o| o.get("kind").and_then(Value::as_str) == Some("Namespace"))
        .filter_map(|o| {
            Some((
                o.pointer("/metadata/name")?.as_str()?.to_string(),
                o.pointer("/metadata/labels")
                    .cloned()
                    .unwrap_or(serde_json::json!({})),
            ))
        })
        .collect();
    let loaded = gatekeeper::load_template(template, &inventory);
    if let Some(e) = &loaded.error {
        return Outcome::Error(e.clone());
    }
    let Some(mut engine) = loaded.engine.clone() else {
        return Outcome::Error("template has no Rego (CEL only); not evaluated".into());
    };
    let messages: Vec<String> = if gatekeeper::matches(constraint, &object, &namespaces) {
        let review = review.unwrap_or_else(|| gatekeeper::review(&object));
        match gatekeeper::violations_for_review(&loaded, &mut engine, constraint, review) {
            Ok(found) => found
                .iter()
                .map(|v| {
                    v.get("msg")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string()
                })
                .collect(),
            Err(e) => return Outcome::Error(e),
        }
    } else {
        Vec::new()
    };
    for assertion in case
        .get("assertions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let relevant: Vec<&String> = match assertion.get("message").and_then(Value::as_str) {
            Some(pattern) => match regex::Regex::new(pattern) {
                Ok(re) => messages.iter().filter(|m| re.is_match(m)).collect(),
                Err(e) => return Outcome::Error(format!("bad message regex: {e}")),
            },
            None => messages.iter().collect(),
        };
        let ok = match assertion.get("violations") {
            None => !relevant.is_empty(),
            Some(Value::String(s)) if s == "yes" => !relevant.is_empty(),
            Some(Value::String(s)) if s == "no" => relevant.is_empty(),
            Some(Value::Bool(true)) => !relevant.is_empty(),
            Some(Value::Bool(false)) => relevant.is_empty(),
            Some(Value::Number(n)) => n.as_u64() == Some(relevant.len() as u64),
            Some(other) => return Outcome::Error(format!("unknown assertion {other}")),
        };
        if !ok {
            return Outcome::Fail;
        }
    }
    Outcome::Pass
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_passing_failing_and_broken_tests() {
        let files = vec![
            ("p.rego".to_string(), "package p\nallow if input.x == 1\n".to_string()),
            (
                "p_test.rego".to_string(),
                "package p_test\nimport data.p\ntest_allows if { p.allow with input as {\"x\": 1} }\ntest_wrong if { p.allow with input as {\"x\": 2} }\n".to_string(),
            ),
            ("broken.rego".to_string(), "package q\ntest_x if {\n".to_string()),
        ];
        let cases = run(&files, &[], &[]);
        let outcome = |rule: &str| {
            cases
                .iter()
                .find(|c| c.rule == rule)
                .map(|c| c.outcome.clone())
        };
        assert_eq!(outcome("test_allows"), Some(Outcome::Pass));
        assert_eq!(outcome("test_wrong"), Some(Outcome::Fail));
        assert!(matches!(outcome("(load)"), Some(Outcome::Error(_))));
        let (text, ok) = report(&cases, true);
        assert!(!ok);
        assert!(text.ends_with("1 passed, 3 failed\n"), "{text}");
    }
}
