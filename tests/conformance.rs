//! Conformance with the upstream validators' own statements of the expected result, read as data
//! from `../shared/conformance` (or `$GITOPS_LINT_SHARED/conformance`):
//!
//! - kubeconform: the bats acceptance tests (`kubeconform/BATS_INDEX.json`). Every test that needs
//!   no network and whose inputs exist is translated into a gitops-lint invocation, and the
//!   verdict must be the same: kubeconform status 0 ⇔ gitops-lint exit 0, non-zero ⇔ non-zero.
//!   Tests of features gitops-lint deliberately does not have are listed in `UNSUPPORTED` with a
//!   reason and skipped with a printed note.
//! - kubernetes-validate: every `file_level` and `resource_level` case of
//!   `kubernetes-validate/EXPECTATIONS.yaml`, exit code for exit code.
//!
//! Without the shared directory the tests print a notice and pass. Nothing from it is copied
//! into the project. Each test prints a table (case, expected, got, pass) and fails unless every
//! applicable case passes.

mod common;

use common::Row;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// Data: what is skipped, and why.
// ---------------------------------------------------------------------------------------------

/// Bats tests (file, name) that exercise features gitops-lint deliberately does not have, with
/// the reason. Tests flagged `needs_network` in the index are skipped on that flag alone.
const UNSUPPORTED: &[(&str, &str, &str)] = &[
    (
        "acceptance.bats",
        "Pass when displaying help with -h",
        "help text: kubeconform's own usage output",
    ),
    (
        "acceptance.bats",
        "Fail and display help when using an incorrect flag",
        "flag parsing: kubeconform's own error for an unknown flag",
    ),
    (
        "acceptance.bats",
        "Fail early when passing a non valid -kubernetes-version",
        "flag parsing: kubeconform only accepts x.y.z (`1.25` is rejected as syntax); gitops-lint accepts `1.25` as syntax and rejects unbundled versions with exit 2 (covered by the kubernetes-validate 1.99.0 cases)",
    ),
    (
        "acceptance.bats",
        "Pass when parsing a valid Kubernetes config YAML file on stdin",
        "stdin input: gitops-lint reads files and directories only",
    ),
    (
        "acceptance.bats",
        "Pass when parsing a valid Kubernetes config YAML file explicitly on stdin",
        "stdin input (`-`): gitops-lint reads files and directories only",
    ),
    (
        "acceptance.bats",
        "Fail when parsing an invalid Kubernetes config file on stdin",
        "stdin input (`-`): gitops-lint reads files and directories only",
    ),
    (
        "acceptance.bats",
        "Fail when not passing data to stdin, when implicitly configured to read from stdin",
        "stdin input: gitops-lint checks `.` when given no path, it never reads stdin",
    ),
    (
        "acceptance.bats",
        "Fail when not passing data to stdin, when explicitly configured to read from stdin",
        "stdin input (`-`): gitops-lint reads files and directories only",
    ),
    (
        "acceptance.bats",
        "Pass when parsing a List resource from stdin",
        "stdin input: gitops-lint reads files and directories only",
    ),
    (
        "acceptance.bats",
        "Fail when parsing a List that contains an invalid resource from stdin",
        "stdin input (`-`): gitops-lint reads files and directories only",
    ),
    (
        "acceptance.bats",
        "Pass when parsing a very long stream from stdin",
        "stdin input (and its input fixtures/valid_large.yaml is missing from the snapshot)",
    ),
    (
        "acceptance.bats",
        "Skip when parsing a resource from a kind to skip",
        "`-skip KIND`: gitops-lint has no kind filter (exclude paths or suppress rules instead)",
    ),
    (
        "acceptance.bats",
        "Skip when parsing a resource with a GVK to skip",
        "`-skip GVK`: gitops-lint has no kind filter",
    ),
    (
        "acceptance.bats",
        "Do not skip when parsing a resource with a GVK to skip, where the Kind matches but not the version",
        "`-skip GVK`: gitops-lint has no kind filter",
    ),
    (
        "acceptance.bats",
        "Fail when parsing a resource from a kind to reject",
        "`-reject KIND`: gitops-lint has no kind deny-list (that is a policy, not schema validation)",
    ),
    (
        "acceptance.bats",
        "Ignores file that match the --ignore-filename-pattern given",
        "`-ignore-filename-pattern`: gitops-lint excludes paths with `exclude` globs in its config instead",
    ),
    (
        "acceptance.bats",
        "Pass when parsing a valid Kubernetes config YAML file and store cache",
        "`-cache`: gitops-lint never downloads schemas, so it has no schema cache",
    ),
    (
        "acceptance.bats",
        "Fail when cache folder does not exist",
        "`-cache`: gitops-lint never downloads schemas, so it has no schema cache",
    ),
    (
        "acceptance-nonetwork.bats",
        "Pass when parsing a valid config YAML file without network access, with cache",
        "`-cache`: gitops-lint never downloads schemas, so it has no schema cache",
    ),
    (
        "acceptance.bats",
        "Fail when using HTTPS_PROXY with a failing proxy",
        "schema download through a proxy: gitops-lint never fetches schemas over the network",
    ),
    (
        "acceptance-nonetwork.bats",
        "Fail when parsing a valid Kubernetes config YAML file without network access",
        "kubeconform fails because its default schema location is remote; gitops-lint bundles its schemas and never fetches any",
    ),
    (
        "scripts/acceptance.bats",
        "Should generate expected prometheus resource while disable ssl env var is set",
        "the openapi2jsonschema.py script, not kubeconform (gitops-lint reads CRDs directly)",
    ),
    (
        "scripts/acceptance.bats",
        "Should output filename in {kind}-{group}-{version} format while disable ssl env var is set",
        "the openapi2jsonschema.py script, not kubeconform",
    ),
    (
        "scripts/acceptance.bats",
        "Should set 'additionalProperties: false' at the root while disable ssl env var is set",
        "the openapi2jsonschema.py script, not kubeconform",
    ),
    (
        "scripts/acceptance.bats",
        "Should generate expected prometheus resource",
        "the openapi2jsonschema.py script, not kubeconform",
    ),
    (
        "scripts/acceptance.bats",
        "Should output filename in {kind}-{group}-{version} format",
        "the openapi2jsonschema.py script, not kubeconform",
    ),
    (
        "scripts/acceptance.bats",
        "Should set 'additionalProperties: false' at the root",
        "the openapi2jsonschema.py script, not kubeconform",
    ),
    (
        "scripts/acceptance.bats",
        "Should output an error if no file is passed",
        "the openapi2jsonschema.py script, not kubeconform",
    ),
];

/// Inputs the index lists as missing on purpose: the test is about their absence.
const INTENTIONALLY_ABSENT: &[(&str, &str)] = &[(
    "fixtures/not-here",
    "negative test: the path must not exist (SOURCES.md)",
)];

/// Non-kubeconform steps of a test that are not reproduced: (test name, command start, reason).
/// The kubeconform step of such a test is still translated and its verdict compared (the bats
/// file asserts status 0 after each `run`).
const NOT_REPRODUCED_STEPS: &[(&str, &str, &str)] = &[(
    "JUnit output can be validated against the Junit schema definition",
    "run xmllint",
    "xmllint step not reproduced (no xmllint dependency; gitops-lint's JUnit output is pinned in tests/formats)",
)];

/// The Kubernetes versions gitops-lint bundles.
const OLDEST_BUNDLED: (u32, u32) = (1, 33);

// ---------------------------------------------------------------------------------------------
// Locating the shared data.
// ---------------------------------------------------------------------------------------------

/// The conformance suite directory `conformance/<suite>`, or `None` (with a printed notice)
/// when the shared directory is absent.
fn suite_dir(suite: &str) -> Option<PathBuf> {
    let shared = common::shared_dir(&format!("conformance ({suite})"))?;
    let dir = shared.join("conformance").join(suite);
    if !dir.is_dir() {
        println!(
            "NOTICE: conformance ({suite}) skipped: {} is absent",
            dir.display()
        );
        return None;
    }
    Some(dir.canonicalize().unwrap_or(dir))
}

// ---------------------------------------------------------------------------------------------
// Running gitops-lint and reporting.
// ---------------------------------------------------------------------------------------------

struct Run {
    command: String,
    code: Option<i32>,
    stdout: String,
    stderr: String,
    /// Rule ids of the findings (from `--format json`), sorted and deduplicated.
    rules: Vec<String>,
}

impl Run {
    fn got(&self) -> String {
        let code = match self.code {
            Some(code) => format!("exit {code}"),
            None => "killed by a signal".to_string(),
        };
        if self.rules.is_empty() {
            code
        } else {
            format!("{code} [{}]", self.rules.join(","))
        }
    }

    fn details(&self) -> String {
        format!(
            "  command: {}\n  status: {:?}\n  stdout:\n{}\n  stderr:\n{}",
            self.command,
            self.code,
            indent(&self.stdout),
            indent(&self.stderr)
        )
    }
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn shell_quote(arg: &str) -> String {
    if !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@".contains(c))
    {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

fn gitops_lint(cwd: &Path, args: &[String]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_gitops-lint"))
        .args(args)
        .current_dir(cwd)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("NO_COLOR")
        .output()
        .expect("run gitops-lint");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let mut rules = BTreeSet::new();
    if let Ok(report) = serde_json::from_str::<Value>(&stdout) {
        for finding in report["findings"].as_array().into_iter().flatten() {
            if let Some(rule) = finding["rule"].as_str() {
                rules.insert(rule.to_string());
            }
        }
    }
    let command = format!(
        "cd {} && gitops-lint {}",
        shell_quote(&cwd.display().to_string()),
        args.iter()
            .map(|a| shell_quote(a))
            .collect::<Vec<_>>()
            .join(" ")
    );
    Run {
        command,
        code: output.status.code(),
        stdout,
        stderr,
        rules: rules.into_iter().collect(),
    }
}

/// `1.29.0`, `v1.33`, `1.33` → (major, minor).
fn major_minor(version: &str) -> Option<(u32, u32)> {
    let mut parts = version.trim().trim_start_matches('v').split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

// ---------------------------------------------------------------------------------------------
// kubeconform: bats tests as data.
// ---------------------------------------------------------------------------------------------

fn is_kubeconform(program: &str) -> bool {
    program == "kubeconform" || program.ends_with("/kubeconform")
}

/// kubeconform's arguments (without the program) and notes on what the shell wrapper did.
#[derive(Debug, PartialEq)]
struct Invocation {
    argv: Vec<String>,
    notes: Vec<String>,
}

/// The kubeconform argv of a bats `run` line (`run bin/kubeconform …` or
/// `run bash -c "bin/kubeconform …"`), or `None` when the line runs something else.
fn kubeconform_argv(command: &str) -> Result<Option<Invocation>, String> {
    let words = common::shell_words(command)?;
    let Some(rest) = words.strip_prefix(&["run".to_string()]) else {
        return Err(format!("not a bats `run` line: {command}"));
    };
    let mut notes = Vec::new();
    let words: Vec<String> = match rest {
        [bash, c, inner] if bash == "bash" && c == "-c" => {
            let inner = common::shell_words(inner)?;
            let mut kept = Vec::new();
            let mut iter = inner.into_iter();
            while let Some(word) = iter.next() {
                match word.as_str() {
                    ">" => {
                        let file = iter.next().unwrap_or_default();
                        notes.push(format!("stdout redirect to {file} dropped"));
                    }
                    "|" | "&&" | "||" | ";" | "<" => {
                        return Err(format!("shell pipeline `{word}` in: {command}"));
                    }
                    w if kept.is_empty() && w.contains('=') => {
                        return Err(format!("environment assignment `{w}` in: {command}"));
                    }
                    _ => kept.push(word),
                }
            }
            kept
        }
        _ => rest.to_vec(),
    };
    match words.first() {
        Some(program) if is_kubeconform(program) => Ok(Some(Invocation {
            argv: words[1..].to_vec(),
            notes,
        })),
        _ => Ok(None),
    }
}

struct Translation {
    args: Vec<String>,
    notes: Vec<String>,
}

/// Translates kubeconform's arguments (Go `flag` syntax: `-flag`, `--flag`, `-flag=value`,
/// flags end at the first positional argument) into gitops-lint's.
fn translate(argv: &[String], unknown_kind_error: &Path) -> Result<Translation, String> {
    const BOOL: &[&str] = &[
        "strict",
        "ignore-missing-schemas",
        "summary",
        "verbose",
        "exit-on-error",
        "debug",
        "insecure-skip-tls-verify",
        "h",
        "v",
    ];
    const VALUED: &[&str] = &[
        "schema-location",
        "kubernetes-version",
        "output",
        "skip",
        "reject",
        "cache",
        "ignore-filename-pattern",
        "n",
    ];
    let mut strict = false;
    let mut ignore_missing_schemas = false;
    let mut version: Option<String> = None;
    let mut locations = Vec::new();
    let mut paths = Vec::new();
    let mut notes = Vec::new();
    let mut i = 0;
    while i < argv.len() {
        let arg = &argv[i];
        i += 1;
        let flag = arg
            .strip_prefix("--")
            .or_else(|| arg.strip_prefix('-'))
            .filter(|f| !f.is_empty() && paths.is_empty());
        let Some(flag) = flag else {
            if arg == "-" {
                return Err("stdin input (`-`) is not supported by gitops-lint".into());
            }
            paths.push(arg.clone());
            continue;
        };
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (flag, None),
        };
        let value = if VALUED.contains(&name) {
            match inline {
                Some(v) => Some(v),
                None => {
                    let v = argv
                        .get(i)
                        .cloned()
                        .ok_or_else(|| format!("-{name} needs a value"))?;
                    i += 1;
                    Some(v)
                }
            }
        } else if BOOL.contains(&name) {
            None
        } else {
            return Err(format!("unknown kubeconform flag -{name}"));
        };
        match (name, value) {
            ("strict", _) => strict = true,
            ("ignore-missing-schemas", _) => ignore_missing_schemas = true,
            ("summary" | "verbose", _) => notes.push(format!("-{name} dropped")),
            ("output", Some(v)) => notes.push(format!("-output {v} dropped")),
            ("schema-location", Some(v)) => locations.push(v),
            ("kubernetes-version", Some(v)) => version = Some(v),
            (other, _) => {
                return Err(format!(
                    "-{other}: a kubeconform feature gitops-lint does not have"
                ));
            }
        }
    }
    if paths.is_empty() {
        return Err("no file or folder: kubeconform would read stdin".into());
    }

    let mut args: Vec<String> = ["--color", "never", "--format", "json"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    // kubeconform validates schemas only: gitops-lint's policy library stays out of the verdict.
    args.push("--no-bundled-policies".into());
    // kubeconform is not strict by default; gitops-lint is.
    if !strict {
        args.push("--no-strict".into());
    }
    // kubeconform fails on a resource without a schema unless -ignore-missing-schemas;
    // gitops-lint only warns (`unknown-kind`), so make that an error unless the flag is given.
    if ignore_missing_schemas {
        args.push("--no-config".into());
    } else {
        args.push("--config".into());
        args.push(unknown_kind_error.display().to_string());
    }
    if let Some(v) = version {
        match major_minor(&v) {
            _ if v == "master" => notes.push("-kubernetes-version master: newest bundled".into()),
            Some(mm) if mm < OLDEST_BUNDLED => notes.push(format!(
                "-kubernetes-version {v} dropped (older than the bundled 1.33-1.37)"
            )),
            _ => {
                args.push("--kubernetes-version".into());
                args.push(v);
            }
        }
    }
    for location in locations {
        args.push("--schema-location".into());
        args.push(location);
    }
    args.extend(paths);
    Ok(Translation { args, notes })
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Verdict {
    Passes,
    Fails,
}

fn expected_verdict(expect: &Value) -> Result<Verdict, String> {
    let op = expect["op"].as_str().unwrap_or("");
    let code = expect["code"]
        .as_i64()
        .ok_or_else(|| format!("expect_status without a code: {expect}"))?;
    match (op, code) {
        ("==", 0) | ("!=", 1..) => Ok(Verdict::Passes),
        ("==", _) | ("!=", 0) => Ok(Verdict::Fails),
        _ => Err(format!("cannot read expect_status {expect}")),
    }
}

#[test]
fn kubeconform_bats() {
    let Some(dir) = suite_dir("kubeconform") else {
        return;
    };
    let index_text =
        std::fs::read_to_string(dir.join("BATS_INDEX.json")).expect("read BATS_INDEX.json");
    let index: Value = serde_json::from_str(&index_text).expect("BATS_INDEX.json is JSON");
    let tests = index["tests"].as_array().expect("BATS_INDEX.json: tests");
    assert_eq!(
        index["count"].as_u64(),
        Some(tests.len() as u64),
        "BATS_INDEX.json: count and tests disagree"
    );

    // Every skip entry must name a test in the index, so a renamed test cannot hide.
    for (file, name, _) in UNSUPPORTED {
        assert!(
            tests
                .iter()
                .any(|t| t["file"] == *file && t["name"] == *name),
            "UNSUPPORTED names a test that is not in BATS_INDEX.json: {file}: {name}"
        );
    }

    let temp = tempfile::tempdir().expect("temp dir");
    let unknown_kind_error = temp.path().join("unknown-kind-error.yaml");
    std::fs::write(
        &unknown_kind_error,
        format!("rules:\n  unknown-kind: error\n{}", api_server_rules_off()),
    )
    .expect("write config");

    let mut rows = Vec::new();
    let mut skipped: Vec<(String, String)> = Vec::new();
    for test in tests {
        let file = test["file"].as_str().unwrap_or("?");
        let name = test["name"].as_str().unwrap_or("?");
        let line = test["line"].as_u64().unwrap_or(0);
        let label = format!("{file}:{line} {name}");
        if test["needs_network"].as_bool() == Some(true) {
            skipped.push((label, "needs the network".into()));
            continue;
        }
        if let Some((_, _, reason)) = UNSUPPORTED
            .iter()
            .find(|(f, n, _)| *f == file && *n == name)
        {
            skipped.push((label, (*reason).to_string()));
            continue;
        }
        let missing: Vec<&str> = test["missing_paths"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .filter(|p| !INTENTIONALLY_ABSENT.iter().any(|(a, _)| a == p))
            .collect();
        if !missing.is_empty() {
            skipped.push((
                label,
                format!("input missing from the snapshot: {}", missing.join(", ")),
            ));
            continue;
        }

        let mut notes: Vec<String> = Vec::new();
        for (path, why) in INTENTIONALLY_ABSENT {
            let referenced = test["referenced_paths"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|p| p == *path);
            if referenced {
                notes.push(format!("{path} absent on purpose ({why})"));
            }
        }
        let expected = expected_verdict(&test["expect_status"]);
        let mut translated = Vec::new();
        let mut problems = Vec::new();
        for command in test["commands"].as_array().into_iter().flatten() {
            let command = command.as_str().unwrap_or("");
            match kubeconform_argv(command) {
                Ok(Some(invocation)) => {
                    notes.extend(invocation.notes);
                    match translate(&invocation.argv, &unknown_kind_error) {
                        Ok(t) => translated.push(t),
                        Err(e) => problems.push(format!("cannot translate `{command}`: {e}")),
                    }
                }
                Ok(None) => match NOT_REPRODUCED_STEPS
                    .iter()
                    .find(|(n, start, _)| *n == name && command.starts_with(start))
                {
                    Some((_, _, why)) => notes.push((*why).to_string()),
                    None => problems.push(format!("not a kubeconform command: `{command}`")),
                },
                Err(e) => problems.push(e),
            }
        }
        if translated.len() != 1 {
            problems.push(format!(
                "{} kubeconform commands (one expected)",
                translated.len()
            ));
        }
        let expected = match expected {
            Ok(v) => v,
            Err(e) => {
                problems.push(e);
                Verdict::Passes
            }
        };
        let expected_text = match expected {
            Verdict::Passes => "passes (0)",
            Verdict::Fails => "fails (non-zero)",
        };
        if !problems.is_empty() {
            rows.push(Row {
                case: label,
                expected: expected_text.into(),
                got: "not run".into(),
                pass: false,
                note: problems.join("; "),
                details: format!(
                    "  untranslatable bats test: list it in UNSUPPORTED with a reason, or teach translate(): {}",
                    problems.join("; ")
                ),
            });
            continue;
        }
        let translation = translated.pop().expect("one translation");
        notes.extend(translation.notes);
        let run = gitops_lint(&dir, &translation.args);
        let got = match run.code {
            Some(0) => Some(Verdict::Passes),
            Some(1) => Some(Verdict::Fails),
            Some(2) => {
                let reason = run.stderr.lines().next().unwrap_or("").trim().to_string();
                notes.push(format!(
                    "gitops-lint exit 2 (tool error) counted as kubeconform's exit 1: {reason}"
                ));
                Some(Verdict::Fails)
            }
            _ => None,
        };
        if run.code == Some(2) && expected == Verdict::Fails {
            println!(
                "note: {label}: gitops-lint exited 2 where kubeconform exits 1 (same verdict: fails)"
            );
        }
        rows.push(Row {
            case: label,
            expected: expected_text.into(),
            got: run.got(),
            pass: got == Some(expected),
            note: notes.join("; "),
            details: run.details(),
        });
    }

    println!("\n== kubeconform bats tests skipped ({})", skipped.len());
    for (label, reason) in &skipped {
        println!("skipped: {label}: {reason}");
    }
    let failures = common::print_table("kubeconform (bats verdicts)", &rows);
    assert!(
        rows.len() >= 30,
        "only {} kubeconform bats tests were run: the index or the skip rules changed",
        rows.len()
    );
    for verdict in ["passes (0)", "fails (non-zero)"] {
        assert!(
            rows.iter().any(|r| r.expected == verdict),
            "no kubeconform case expects `{verdict}`"
        );
    }
    assert_eq!(
        failures,
        0,
        "{failures} of {} kubeconform bats verdicts differ (see the table above)",
        rows.len()
    );
}

// ---------------------------------------------------------------------------------------------
// kubernetes-validate: EXPECTATIONS.yaml.
// ---------------------------------------------------------------------------------------------

/// Reads a small YAML document (mappings, sequences, scalars; no anchors) into JSON. Plain
/// scalars `true`/`false`, integers and `null`/`~` are typed; quoted scalars stay strings.
fn yaml_to_json(text: &str) -> Value {
    use saphyr_parser::{Event, Parser, ScalarStyle};
    enum Frame {
        Map(serde_json::Map<String, Value>, Option<String>),
        Seq(Vec<Value>),
    }
    fn scalar(value: &str, style: ScalarStyle) -> Value {
        if style != ScalarStyle::Plain {
            return Value::String(value.to_string());
        }
        match value {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "null" | "~" | "" => Value::Null,
            _ => match value.parse::<i64>() {
                Ok(n) => Value::from(n),
                Err(_) => Value::String(value.to_string()),
            },
        }
    }
    fn attach(stack: &mut [Frame], value: Value, root: &mut Option<Value>) {
        match stack.last_mut() {
            None => *root = Some(value),
            Some(Frame::Seq(items)) => items.push(value),
            Some(Frame::Map(map, key)) => match key.take() {
                Some(k) => {
                    map.insert(k, value);
                }
                None => {
                    let k = match value {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    *key = Some(k);
                }
            },
        }
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut root = None;
    for event in Parser::new_from_str(text) {
        let (event, _) = event.expect("EXPECTATIONS.yaml is valid YAML");
        match event {
            Event::MappingStart(..) => stack.push(Frame::Map(serde_json::Map::new(), None)),
            Event::SequenceStart(..) => stack.push(Frame::Seq(Vec::new())),
            Event::MappingEnd => {
                let Some(Frame::Map(map, _)) = stack.pop() else {
                    panic!("unbalanced mapping");
                };
                attach(&mut stack, Value::Object(map), &mut root);
            }
            Event::SequenceEnd => {
                let Some(Frame::Seq(items)) = stack.pop() else {
                    panic!("unbalanced sequence");
                };
                attach(&mut stack, Value::Array(items), &mut root);
            }
            Event::Scalar(value, style, _, _) => {
                attach(&mut stack, scalar(&value, style), &mut root);
            }
            Event::Alias(_) => panic!("EXPECTATIONS.yaml: aliases are not expected"),
            _ => {}
        }
    }
    root.unwrap_or(Value::Null)
}

/// The first YAML document of a manifest (what kubernetes-validate's resource-level tests
/// validate): the lines up to the second `---` separator.
fn first_document(text: &str) -> String {
    let mut out = String::new();
    let mut content = false;
    for line in text.lines() {
        let separator = line == "---" || line.starts_with("--- ") || line == "...";
        if separator {
            if content {
                break;
            }
            continue;
        }
        let trimmed = line.trim();
        if !trimmed.is_empty() && !trimmed.starts_with('#') {
            content = true;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// kubernetes-validate's version → gitops-lint's, with a note when it changed.
///
/// Versions older than 1.33 (the oldest gitops-lint bundles) become 1.33. For these fixtures
/// that does not change a verdict: they are an apps/v1 Deployment and a v1 ConfigMap (both
/// served unchanged from long before 1.29 through 1.37) and an apps/v1 `Ostrich` (served by no
/// version), and what they test is strictness (`spec.selector.unwanted`, `bobbins`), a type
/// error (`spec.replicas: hello`) and an unknown kind, none of which is version-specific.
/// Newer versions are passed through unchanged: `1.99.0` is not bundled and must give exit 2.
fn map_version(version: &str) -> (String, Option<String>) {
    match major_minor(version) {
        Some(mm) if mm < OLDEST_BUNDLED => (
            format!("{}.{}", OLDEST_BUNDLED.0, OLDEST_BUNDLED.1),
            Some(format!(
                "{version} → 1.33 (oldest bundled; verdict not version-specific)"
            )),
        ),
        _ => (version.to_string(), None),
    }
}

/// The versions a resource-level case without a version runs against: kubernetes-validate
/// checks every version it bundles (1.25..1.36); mapped to gitops-lint's, that is 1.33..1.36.
fn resource_level_versions() -> Vec<String> {
    let mut versions: Vec<String> = (25..=36)
        .map(|minor| map_version(&format!("1.{minor}.0")).0)
        .map(|v| {
            let (major, minor) = major_minor(&v).expect("version");
            format!("{major}.{minor}")
        })
        .collect();
    versions.dedup();
    versions
}

/// Deliberate differences from kubernetes-validate, each checked exactly instead.
///
/// `apps/v1 Ostrich`: kubernetes-validate only warns that it has no schema. `apps` is a built-in
/// group, and a CRD cannot define kinds there (a CRD's group must contain a dot), so the object
/// can never be applied: gitops-lint reports `unserved-api-version`, an error.
const DIFFERENCES: &[(&str, i32, &str)] = &[("kuard-made-up-kind.yaml", 1, "unserved-api-version")];

fn difference(file: &str) -> Option<(i32, &'static str)> {
    DIFFERENCES
        .iter()
        .find(|(name, _, _)| file.ends_with(name))
        .map(|(_, code, rule)| (*code, *rule))
}

/// kubernetes-validate checks JSON schemas only; gitops-lint's object rules beyond the schema
/// (`missing-name`: the API server requires a name, the ConfigMap schema does not) are turned off
/// so that the verdicts compare like with like.
const SCHEMA_ONLY_CONFIG: &str = "rules:\n  missing-name: off\n";

/// Both upstream suites judge schema validation only: the API-server rules (what a real API
/// server refuses beyond the schema) stay out of their verdicts, as the policy library does.
fn api_server_rules_off() -> String {
    gitops_lint::rules::ALL
        .iter()
        .filter(|rule| rule.family == gitops_lint::rules::Family::ApiServer)
        .map(|rule| format!("  {}: off\n", rule.id))
        .collect()
}

fn kv_args(config: &Path, version: &str, strict: bool, file: &str) -> Vec<String> {
    let mut args: Vec<String> = [
        "--color",
        "never",
        "--format",
        "json",
        "--config",
        &config.to_string_lossy(),
        "--no-bundled-policies",
        "--kubernetes-version",
        version,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if !strict {
        args.push("--no-strict".into());
    }
    args.push(file.to_string());
    args
}

#[test]
fn kubernetes_validate_expectations() {
    let Some(dir) = suite_dir("kubernetes-validate") else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("EXPECTATIONS.yaml")).expect("EXPECTATIONS.yaml");
    let expectations = yaml_to_json(&text);
    let file_level = expectations["file_level"]
        .as_array()
        .expect("EXPECTATIONS.yaml: file_level");
    let resource_level = expectations["resource_level"]
        .as_array()
        .expect("EXPECTATIONS.yaml: resource_level");
    assert!(!file_level.is_empty() && !resource_level.is_empty());

    let mut rows = Vec::new();
    let temp = tempfile::tempdir().expect("temp dir");
    let config = temp.path().join("schema-only.yaml");
    std::fs::write(
        &config,
        format!("{SCHEMA_ONLY_CONFIG}{}", api_server_rules_off()),
    )
    .expect("write config");

    for (i, case) in file_level.iter().enumerate() {
        let file = case["file"].as_str().expect("file_level: file");
        let version = case["kubernetes_version"]
            .as_str()
            .expect("file_level: kubernetes_version");
        let strict = case["strict"].as_bool().expect("file_level: strict");
        let expect_rc = case["expect_rc"].as_i64().expect("file_level: expect_rc");
        assert!(
            dir.join(file).is_file(),
            "file_level[{i}]: {file} is missing"
        );
        let (mapped, note) = map_version(version);
        let run = gitops_lint(&dir, &kv_args(&config, &mapped, strict, file));
        let (expected, pass, note) = match difference(file) {
            Some((code, rule)) if expect_rc == 0 => (
                format!("exit {code} + {rule} (deliberate difference)"),
                run.code == Some(code) && run.rules.iter().any(|r| r == rule),
                "kubernetes-validate: exit 0".to_string(),
            ),
            _ => (
                format!("exit {expect_rc}"),
                run.code.map(i64::from) == Some(expect_rc),
                note.unwrap_or_default(),
            ),
        };
        rows.push(Row {
            case: format!("file_level[{i}] {file} k8s {version} strict={strict}"),
            expected,
            got: run.got(),
            pass,
            note,
            details: run.details(),
        });
    }

    for (i, case) in resource_level.iter().enumerate() {
        let file = case["file"].as_str().expect("resource_level: file");
        let strict = case["strict"].as_bool().expect("resource_level: strict");
        let expect = case["expect"].as_str().expect("resource_level: expect");
        let source = std::fs::read_to_string(dir.join(file))
            .unwrap_or_else(|e| panic!("resource_level[{i}]: {file}: {e}"));
        let document = first_document(&source);
        assert!(
            !document.trim().is_empty(),
            "resource_level[{i}]: {file} has no first document"
        );
        // One directory per case, so that the file keeps its name and stands alone.
        let case_dir = temp.path().join(format!("case-{i}"));
        std::fs::create_dir_all(&case_dir).expect("case dir");
        let base = Path::new(file)
            .file_name()
            .expect("file name")
            .to_string_lossy()
            .into_owned();
        std::fs::write(case_dir.join(&base), &document).expect("write first document");

        let versions: Vec<(String, String, Option<String>)> =
            match case["kubernetes_version"].as_str() {
                Some(v) => {
                    let (mapped, note) = map_version(v);
                    vec![(v.to_string(), mapped, note)]
                }
                None => resource_level_versions()
                    .into_iter()
                    .map(|v| (v.clone(), v, None))
                    .collect(),
            };
        for (version, mapped, note) in versions {
            let run = gitops_lint(&case_dir, &kv_args(&config, &mapped, strict, &base));
            let (expected, pass) = match (expect, difference(file)) {
                ("SchemaNotFoundError", Some((code, rule))) => (
                    "exit 1 + unserved-api-version (deliberate difference)",
                    run.code == Some(code) && run.rules.iter().any(|r| r == rule),
                ),
                (expect, _) => match expect {
                    "valid" => ("exit 0", run.code == Some(0)),
                    "ValidationError" => ("exit 1", run.code == Some(1)),
                    "SchemaNotFoundError" => (
                        "exit 0 + unknown-kind",
                        run.code == Some(0) && run.rules.iter().any(|r| r == "unknown-kind"),
                    ),
                    "VersionNotSupportedError" => ("exit 2", run.code == Some(2)),
                    other => panic!("resource_level[{i}]: unknown expectation {other}"),
                },
            };
            rows.push(Row {
                case: format!(
                    "resource_level[{i}] {file} (1st doc) k8s {version} strict={strict} → {expect}"
                ),
                expected: expected.into(),
                got: run.got(),
                pass,
                note: note.unwrap_or_default(),
                details: run.details(),
            });
        }
    }

    let failures = common::print_table("kubernetes-validate (EXPECTATIONS.yaml)", &rows);
    assert_eq!(
        failures,
        0,
        "{failures} of {} kubernetes-validate cases differ (see the table above)",
        rows.len()
    );
}

#[test]
fn translation_rules() {
    let config = Path::new("/tmp/unknown-kind-error.yaml");
    let words = |s: &str| common::shell_words(s).unwrap();
    let invocation = kubeconform_argv(
        "run bin/kubeconform -strict -kubernetes-version 1.20.0 -summary fixtures/a.yaml",
    )
    .unwrap()
    .unwrap();
    assert!(invocation.notes.is_empty());
    let t = translate(&invocation.argv, config).unwrap();
    assert_eq!(
        t.args,
        words(
            "--color never --format json --no-bundled-policies --config /tmp/unknown-kind-error.yaml fixtures/a.yaml"
        )
    );
    let invocation = kubeconform_argv(
        "run bash -c \"./bin/kubeconform -ignore-missing-schemas -schema-location 'x/{{ .ResourceKind }}.json' -kubernetes-version 1.35.0 a.yaml > out.xml\"",
    )
    .unwrap()
    .unwrap();
    assert_eq!(invocation.notes, ["stdout redirect to out.xml dropped"]);
    let t = translate(&invocation.argv, config).unwrap();
    assert_eq!(
        t.args,
        vec![
            "--color",
            "never",
            "--format",
            "json",
            "--no-bundled-policies",
            "--no-strict",
            "--no-config",
            "--kubernetes-version",
            "1.35.0",
            "--schema-location",
            "x/{{ .ResourceKind }}.json",
            "a.yaml",
        ]
    );
    for unsupported in [
        "run bin/kubeconform -skip Foo a.yaml",
        "run bin/kubeconform -cache c a.yaml",
        "run bin/kubeconform -",
        "run bin/kubeconform -summary",
        "run bin/kubeconform -xyz a.yaml",
    ] {
        let invocation = kubeconform_argv(unsupported).unwrap().unwrap();
        assert!(
            translate(&invocation.argv, config).is_err(),
            "{unsupported}"
        );
    }
    assert!(kubeconform_argv("run bash -c \"cat a.yaml | bin/kubeconform\"").is_err());
    assert_eq!(kubeconform_argv("run xmllint a").unwrap(), None);
    assert_eq!(
        first_document("# c\n---\na: 1\n---\nb: 2\n"),
        "# c\na: 1\n".to_string()
    );
    assert_eq!(map_version("1.29.0").0, "1.33");
    assert_eq!(map_version("1.99.0").0, "1.99.0");
    assert_eq!(resource_level_versions(), ["1.33", "1.34", "1.35", "1.36"]);
    assert_eq!(
        yaml_to_json("a:\n  - {x: \"1.29.0\", y: false, z: 2}\n"),
        serde_json::json!({"a": [{"x": "1.29.0", "y": false, "z": 2}]})
    );
}
