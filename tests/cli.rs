//! End-to-end tests: the binary run as a person, CI and pre-commit run it. Exit statuses, every
//! output format (pinned under `tests/formats/`), configuration errors, and hostile input.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{run_in, write};

fn binary() -> Command {
    common::gitops_lint()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const GOOD: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\ndata:\n  a: \"1\"\n";
const BAD: &str =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata:\n  a: \"1\"\n  a: \"2\"\n";

fn normalize(text: &str) -> String {
    common::without_timing(text).replace(env!("CARGO_PKG_VERSION"), "<VERSION>")
}

// ---- exit statuses ----------------------------------------------------------------------------

#[test]
fn clean_input_exits_0_and_findings_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.yaml", GOOD);
    let out = run_in(dir.path(), &["--color", "never", "good.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).starts_with("0 errors, 0 warnings in 1 file, 1 document, "),
        "{}",
        stdout(&out)
    );

    write(dir.path(), "bad.yaml", BAD);
    let out = run_in(dir.path(), &["--color", "never", "good.yaml", "bad.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("duplicate key `a`"));
}

#[test]
fn fail_on_decides_what_fails() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "warn.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: w\nimmutable: yes\n",
    );
    assert_eq!(run_in(dir.path(), &["."]).status.code(), Some(0));
    assert_eq!(
        run_in(dir.path(), &["--fail-on", "warning", "."])
            .status
            .code(),
        Some(1)
    );
    write(dir.path(), "bad.yaml", BAD);
    assert_eq!(
        run_in(dir.path(), &["--fail-on", "never", "."])
            .status
            .code(),
        Some(0)
    );
    // The config file's fail-on applies unless the flag is given.
    write(dir.path(), ".gitops-lint.yaml", "fail-on: never\n");
    assert_eq!(run_in(dir.path(), &["."]).status.code(), Some(0));
    assert_eq!(
        run_in(dir.path(), &["--fail-on", "error", "."])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn tool_errors_exit_2_with_the_reason_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.yaml", GOOD);
    let out = run_in(dir.path(), &["--format", "xml", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("xml"));

    let out = run_in(dir.path(), &["does-not-exist/"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot read does-not-exist"),
        "{}",
        stderr(&out)
    );

    let out = run_in(dir.path(), &["--config", "missing.yaml", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot read config file"),
        "{}",
        stderr(&out)
    );

    let out = run_in(dir.path(), &["--report", "json", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("FORMAT=FILE"), "{}", stderr(&out));

    let out = run_in(dir.path(), &["--report", "json=no-such-dir/x.json", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot write no-such-dir/x.json"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn config_errors_point_at_the_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.yaml", GOOD);
    write(
        dir.path(),
        ".gitops-lint.yaml",
        "rules:\n  duplicate-key: error\n  yaml11-bolean: off\n",
    );
    let out = run_in(dir.path(), &["--color", "never", "."]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(".gitops-lint.yaml:3:3: unknown rule `yaml11-bolean`"),
        "{err}"
    );
    assert!(err.contains("did you mean `yaml11-boolean`"), "{err}");
    assert!(err.contains("3 │   yaml11-bolean: off"), "{err}");

    write(
        dir.path(),
        ".gitops-lint.yaml",
        "rules: {}\nfail_on: error\n",
    );
    let err = stderr(&run_in(dir.path(), &["."]));
    assert!(err.contains(":2:1: invalid configuration"), "{err}");
    assert!(err.contains("unknown field `fail_on`"), "{err}");

    // --no-config ignores it.
    assert_eq!(
        run_in(dir.path(), &["--no-config", "."]).status.code(),
        Some(0)
    );
}

#[test]
fn config_is_found_by_walking_up_from_the_first_path() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(
        dir.path(),
        ".gitops-lint.yaml",
        "rules:\n  duplicate-key: off\n",
    );
    write(dir.path(), "infra/dev/bad.yaml", BAD);
    let out = run_in(&dir.path().join("infra"), &["dev"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

// ---- discovery ---------------------------------------------------------------------------------

#[test]
fn discovery_honours_gitignore_hidden_files_and_excludes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(dir.path(), ".gitignore", "generated/\n");
    write(dir.path(), "generated/bad.yaml", BAD);
    write(dir.path(), ".hidden/bad.yaml", BAD);
    write(dir.path(), "vendor/bad.yaml", BAD);
    write(dir.path(), "notes.txt", "not yaml: [");
    write(dir.path(), "ok/good.yaml", GOOD);
    write(
        dir.path(),
        ".gitops-lint.yaml",
        "exclude: [\"vendor/**\"]\n",
    );
    let out = run_in(dir.path(), &["--color", "never", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("in 1 file, 1 document"),
        "{}",
        stdout(&out)
    );
}

#[cfg(unix)]
#[test]
fn symlinks_are_not_followed_out_of_the_root() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "secret.yaml", BAD);
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.yaml", GOOD);
    std::os::unix::fs::symlink(
        outside.path().join("secret.yaml"),
        dir.path().join("link.yaml"),
    )
    .unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
    let out = run_in(dir.path(), &["--color", "never", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("skipped 1 symlink pointing outside"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn pre_commit_style_file_lists_are_checked_as_given() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a/good.yaml", GOOD);
    write(dir.path(), "b/bad.yaml", BAD);
    let out = run_in(
        dir.path(),
        &[
            "--color",
            "never",
            "a/good.yaml",
            "b/bad.yaml",
            "a/good.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("in 2 files, 2 documents"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("b/bad.yaml:7:3"), "{}", stdout(&out));
}

// ---- formats -----------------------------------------------------------------------------------

fn formats_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/formats")
}

#[test]
fn every_format_is_pinned() {
    let dir = formats_dir();
    let bless = std::env::var_os("GITOPS_LINT_BLESS").is_some();
    let mut failures = Vec::new();
    for (format, file) in [
        ("human", "expected.human.txt"),
        ("json", "expected.json"),
        ("github", "expected.github.txt"),
        ("sarif", "expected.sarif"),
        ("junit", "expected.junit.xml"),
    ] {
        let out = run_in(
            &dir.join("input"),
            &["--color", "never", "--format", format, "."],
        );
        assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(&out));
        let actual = normalize(&stdout(&out));
        let path = dir.join(file);
        if bless {
            std::fs::write(&path, &actual).unwrap();
        } else if std::fs::read_to_string(&path).unwrap_or_default() != actual {
            failures.push(format!(
                "{format}: output differs from {}:\n{actual}",
                path.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn report_files_are_written_beside_stdout() {
    let out_dir = tempfile::tempdir().unwrap();
    let sarif = out_dir.path().join("lint.sarif");
    let junit = out_dir.path().join("lint.xml");
    let out = run_in(
        &formats_dir().join("input"),
        &[
            "--format",
            "json",
            "--report",
            &format!("sarif={}", sarif.display()),
            "--report",
            &format!("junit={}", junit.display()),
            ".",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["version"], 1);
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), json["findings"].as_array().unwrap().len());
    for result in results {
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(region["startColumn"].as_u64().unwrap() >= 1);
        assert!(result["partialFingerprints"]["gitopsLint/v1"].is_string());
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            sarif["runs"][0]["tool"]["driver"]["rules"][index]["id"],
            result["ruleId"]
        );
    }
    assert!(
        std::fs::read_to_string(&junit)
            .unwrap()
            .contains("<testsuites name=\"gitops-lint\"")
    );
}

#[test]
fn github_format_budgets_annotations_and_writes_the_step_summary() {
    let dir = tempfile::tempdir().unwrap();
    // 100 findings: 40 errors, 60 warnings.
    // A custom resource with no schema: only the YAML rules apply.
    write(
        dir.path(),
        ".gitops-lint.yaml",
        "rules:\n  unknown-kind: off\n",
    );
    let mut text =
        String::from("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: many\ndata:\n");
    for i in 0..40 {
        text.push_str(&format!("  k{i}: \"1\"\n  k{i}: \"2\"\n"));
    }
    for i in 0..60 {
        text.push_str(&format!("  w{i}: yes\n"));
    }
    write(dir.path(), "many.yaml", &text);
    let summary = dir.path().join("summary.md");
    let out = binary()
        .args(["--format", "github", "many.yaml"])
        .current_dir(dir.path())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let count = |prefix: &str| text.lines().filter(|l| l.starts_with(prefix)).count();
    assert_eq!(count("::error "), 10);
    assert_eq!(count("::warning "), 10);
    assert_eq!(count("::notice "), 1);
    assert!(
        text.contains("80 more findings are not annotated"),
        "{text}"
    );
    // Errors are annotated before warnings.
    let first_warning = text.find("::warning ").unwrap();
    assert!(text.rfind("::error ").unwrap() < first_warning);
    // Every finding is in the log and in the step summary.
    assert_eq!(
        text.lines().filter(|l| l.starts_with("many.yaml:")).count(),
        100
    );
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert_eq!(
        summary
            .lines()
            .filter(|l| l.starts_with("| error") || l.starts_with("| warning"))
            .count(),
        100
    );
}

#[test]
fn color_follows_the_flag_and_no_color() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bad.yaml", BAD);
    let colored = stdout(&run_in(dir.path(), &["--color", "always", "."]));
    assert!(colored.contains('\u{1b}'));
    let plain = stdout(&run_in(dir.path(), &["--color", "never", "."]));
    assert!(!plain.contains('\u{1b}'));
    let out = binary()
        .args(["--color", "auto", "."])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env("GITHUB_ACTIONS", "true")
        .output()
        .unwrap();
    assert!(!stdout(&out).contains('\u{1b}'));
    let out = binary()
        .args(["--color", "auto", "."])
        .current_dir(dir.path())
        .env("GITHUB_ACTIONS", "true")
        .output()
        .unwrap();
    assert!(stdout(&out).contains('\u{1b}'));
}

#[test]
fn quiet_prints_findings_only() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "good.yaml", GOOD);
    assert_eq!(stdout(&run_in(dir.path(), &["-q", "."])), "");
    write(dir.path(), "bad.yaml", BAD);
    let out = stdout(&run_in(dir.path(), &["-q", "--color", "never", "."]));
    assert!(
        out.contains("duplicate key") && !out.contains("0 warnings"),
        "{out}"
    );
}

#[test]
fn output_is_identical_whatever_the_number_of_jobs() {
    let input = formats_dir().join("input");
    for format in ["human", "json", "github", "sarif", "junit"] {
        let one = normalize(&stdout(&run_in(
            &input,
            &["--color", "never", "-j", "1", "--format", format, "."],
        )));
        let many = normalize(&stdout(&run_in(
            &input,
            &["--color", "never", "-j", "8", "--format", format, "."],
        )));
        assert_eq!(one, many, "{format}");
    }
}

// ---- hostile input -----------------------------------------------------------------------------

#[test]
fn hostile_files_give_one_finding_each_and_the_rest_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("binary.yaml"),
        [0x89, b'P', b'N', b'G', 0, 0, 1, 2, 3],
    )
    .unwrap();
    std::fs::write(
        d.join("latin1.yaml"),
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf\xe9\n",
    )
    .unwrap();
    std::fs::write(d.join("utf16.yaml"), [0xFF, 0xFE, b'a', 0, b':', 0]).unwrap();
    write(d, "empty.yaml", "");
    write(d, "comments.yaml", "# nothing\n# at all\n");
    write(
        d,
        "deep-flow.yaml",
        format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
    );
    // 3,000 levels of block mappings (indentation makes deeper files tens of megabytes).
    let mut block = String::new();
    for i in 0..3_000 {
        block.push_str(&" ".repeat(i));
        block.push_str("a:\n");
    }
    write(d, "deep-block.yaml", &block);
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
        .iter()
        .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
    {
        bomb.push_str(&format!(
            "{name}: &{name} [{}]\n",
            vec![format!("*{prev}"); 9].join(",")
        ));
    }
    write(d, "bomb.yaml", &bomb);
    // 50 MB: over the default 32 MiB limit, refused without being read into the parser.
    let big = "# padding line for a large file\n".repeat(50 * 1024 * 1024 / 32);
    write(d, "big.yaml", &big);
    write(d, "good.yaml", GOOD);
    write(d, "bad.yaml", BAD);

    let started = std::time::Instant::now();
    let out = run_in(d, &["--format", "json", "."]);
    assert!(
        started.elapsed().as_secs() < 60,
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = json["findings"].as_array().unwrap();
    let rules_for = |file: &str| -> Vec<String> {
        findings
            .iter()
            .filter(|f| f["location"]["file"] == file)
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(rules_for("binary.yaml"), ["invalid-encoding"]);
    assert_eq!(rules_for("latin1.yaml"), ["invalid-encoding"]);
    assert_eq!(rules_for("utf16.yaml"), ["invalid-encoding"]);
    assert_eq!(rules_for("empty.yaml"), Vec::<String>::new());
    assert_eq!(rules_for("comments.yaml"), Vec::<String>::new());
    assert_eq!(rules_for("deep-flow.yaml"), ["nesting-limit"]);
    assert_eq!(rules_for("deep-block.yaml"), ["nesting-limit"]);
    assert_eq!(rules_for("bomb.yaml"), ["alias-expansion-limit"]);
    assert_eq!(rules_for("big.yaml"), ["file-too-large"]);
    assert_eq!(rules_for("good.yaml"), Vec::<String>::new());
    assert_eq!(rules_for("bad.yaml"), ["duplicate-key"]);
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
}
