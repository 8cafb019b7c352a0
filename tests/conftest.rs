//! Conformance with conftest: a team's conftest policy directory must work unchanged. The
//! expected outcomes are conftest's own acceptance tests, read as data from
//! `../shared/conformance/conftest/BATS_INDEX.json` (or `$GITOPS_LINT_SHARED/conformance/...`),
//! run against conftest's own examples in that directory. Nothing from it is copied here.
//!
//! Every bats test is classified in `CASES` (an unclassified test fails the run):
//!
//! - `Run`: a `conftest test` or `conftest verify` of Kubernetes YAML/JSON input. The command is
//!   translated (`translate`) and run with the bats test's directory as the working directory:
//!   `-p/--policy` → `--policy`, `-n/--namespace` → `--namespace`, `--all-namespaces`,
//!   `-d/--data` → `--data`, `--combine`, `--fail-on-warn` → `--fail-on warning` (conftest's
//!   default fails on failures only: `--fail-on error`), `--quiet` → `--quiet`, `--no-color`
//!   dropped (`--color never` is always given), a `conftest.toml` (`-c FILE`, or the one in the
//!   working directory) → `--policy`/`--namespace`; `conftest verify -p DIR` →
//!   `gitops-lint test-policies DIR`. Always with `--no-bundled-policies --no-config --color
//!   never --format json`. Any other flag makes the case fail.
//! - `Adapt`: run like `Run`, with a documented change (a config that turns off one of
//!   gitops-lint's own checks, an input of ours in `tests/conftest/`, ...), its reason printed.
//! - `Skip`: a conftest feature gitops-lint does not have (parsers, output formats, `--trace`,
//!   `--strict`, `conftest parse`, ...), an input it does not read, or a test that needs the
//!   network or inputs the corpus lacks; printed with the reason.
//!
//! For every case run, the verdict must match (conftest exit 0 ⇔ gitops-lint exit 0), and:
//! every message the bats assertions name (`[[ "$output" =~ "…" ]]`) must be in a policy
//! finding's message (and `!~` ones in none); conftest's summary line (`2 tests, 1 passed,
//! 0 warnings, 1 failure`) must match the number of policy findings (failures = deny/violation
//! results, warnings = warn results) or, for `verify`, test-policies' counts; gitops-lint's own
//! checks must not decide the verdict (no non-policy finding at the failing severity); no
//! `policy-error` unless conftest itself errors there; a rejected command line (clap) fails.
//! Assertions that cannot be mapped (text-output lines) must be listed in the case's
//! `unchecked` with a reason, or the case fails.

mod common;

use common::Row;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// Data: how each bats test is run, adapted or skipped, and why.
// ---------------------------------------------------------------------------------------------

/// A documented change to a case.
struct Adapt {
    /// Why the case is adapted (printed in the table).
    reason: &'static str,
    /// A gitops-lint configuration (given with `--config` instead of `--no-config`).
    config: Option<&'static str>,
    /// Paths of the bats command replaced by ours: `tests/conftest/<file>`, or `NO_REGO_DIR`.
    inputs: &'static [(&'static str, &'static str)],
    /// Inputs of the bats command that are dropped (a format gitops-lint does not read).
    drop_inputs: &'static [&'static str],
    /// The expected exit status where the bats test asserts none.
    status: Option<i64>,
    /// The expected number of failures where the bats test states it another way.
    failures: Option<usize>,
    /// Assertions (a substring of the bats line) not checked, with the reason.
    unchecked: &'static [(&'static str, &'static str)],
    /// Messages that must also be found: conftest's result for this input, which the bats test
    /// implies but does not spell out (the reason says why).
    also_expect: &'static [&'static str],
    /// conftest fails here with an error, not with policy results: `policy-error` is allowed.
    conftest_errors: bool,
}

const ADAPT: Adapt = Adapt {
    reason: "",
    config: None,
    inputs: &[],
    drop_inputs: &[],
    status: None,
    failures: None,
    unchecked: &[],
    also_expect: &[],
    conftest_errors: false,
};

enum Plan {
    Run,
    Adapt(Adapt),
    Skip(&'static str),
}

/// Stands for conftest's `internal/` (its Go sources): a directory without `.rego` files.
const NO_REGO_DIR: &str = "{a directory without .rego files}";

const STDIN: &str = "stdin input (`-`): gitops-lint reads files and directories only";
const VERIFY_NAMESPACE: &str = "`verify --namespace`: test-policies has no namespace filter";
const REPORT: &str = "`verify --report`: conftest's trace/notes report output";
const REPORT_OUTPUT: &str =
    "`verify -o FORMAT --report`: conftest's own flag-combination error (output formats)";
const PARSE: &str = "`conftest parse`: prints the parsed input; gitops-lint has no such command";
const OUTPUT: &str = "`-o tap|table`: conftest output formats";
const REGO_VERSION: &str = "`--rego-version`: gitops-lint reads v1 and falls back to v0 per file (src/policy/engine.rs); no flag to force one";
const SOURCE_LOCATION: &str =
    "`_loc` result metadata in `-o json|github` output: conftest output feature";

/// Every bats test of the index: (file, name, plan).
const CASES: &[(&str, &str, Plan)] = &[
    (
        "acceptance.bats",
        "Not fail when testing a service with a warning",
        Plan::Run,
    ),
    (
        "acceptance.bats",
        "Not fail when passed an explicit blank filename",
        Plan::Run,
    ),
    (
        "acceptance.bats",
        "Fail when testing a deployment with root containers",
        Plan::Run,
    ),
    (
        "acceptance.bats",
        "Fail when testing a service with warnings",
        Plan::Run,
    ),
    (
        "acceptance.bats",
        "Fail when testing with no policies path",
        Plan::Adapt(Adapt {
            reason: "`internal/` is conftest's Go source tree, absent from the corpus: a directory without .rego files stands in; conftest fails with `no policies found`",
            inputs: &[("internal/", NO_REGO_DIR)],
            conftest_errors: true,
            ..ADAPT
        }),
    ),
    (
        "acceptance.bats",
        "Pass when testing a blank namespace",
        Plan::Run,
    ),
    (
        "acceptance.bats",
        "when testing a YAML document via stdin, default parser should be yaml if no parser flag is passed",
        Plan::Skip(STDIN),
    ),
    (
        "acceptance.bats",
        "Pass when testing a YAML document via stdin",
        Plan::Skip(STDIN),
    ),
    (
        "acceptance.bats",
        "Fail due to picking up settings from configuration file",
        Plan::Run,
    ),
    (
        "acceptance.bats",
        "Fail due to picking up settings from config-file flag",
        Plan::Run,
    ),
    (
        "acceptance.bats",
        "Has version flag",
        Plan::Skip("`conftest --version`: not a test or verify command"),
    ),
    (
        "acceptance.bats",
        "Test command with multiple input type",
        Plan::Skip("TOML input (traefik.toml): conftest's toml parser"),
    ),
    (
        "acceptance.bats",
        "Test command has trace flag",
        Plan::Skip("`--trace`: OPA evaluation trace output"),
    ),
    (
        "acceptance.bats",
        "Test command with all namespaces flag",
        Plan::Skip("Dockerfile input: conftest's dockerfile parser"),
    ),
    (
        "acceptance.bats",
        "Test command works with nested namespaces",
        Plan::Skip("HCL1 input (gke.tf): conftest's hcl1 parser"),
    ),
    (
        "acceptance.bats",
        "Test command matches a single namespace literally",
        Plan::Skip("Dockerfile input: conftest's dockerfile parser"),
    ),
    (
        "acceptance.bats",
        "Test command matches every namespace with a wildcard",
        Plan::Skip("Dockerfile input: conftest's dockerfile parser (and `--namespace '*'` globs)"),
    ),
    (
        "acceptance.bats",
        "Test command matches namespaces with a wildcard prefix",
        Plan::Skip("Dockerfile input: conftest's dockerfile parser (and `--namespace 'c*'` globs)"),
    ),
    (
        "acceptance.bats",
        "Verify command has trace flag",
        Plan::Skip("`verify --trace`: OPA evaluation trace output"),
    ),
    (
        "acceptance.bats",
        "Verify command matches a namespace literally",
        Plan::Skip(VERIFY_NAMESPACE),
    ),
    (
        "acceptance.bats",
        "Verify command matches namespaces with a wildcard",
        Plan::Skip(VERIFY_NAMESPACE),
    ),
    (
        "acceptance.bats",
        "Verify command filters out non-matching namespaces",
        Plan::Skip(VERIFY_NAMESPACE),
    ),
    (
        "acceptance.bats",
        "Fail when verifying with no policies path",
        Plan::Adapt(Adapt {
            reason: "`internal/` is conftest's Go source tree, absent from the corpus: a directory without .rego files stands in",
            inputs: &[("internal/", NO_REGO_DIR)],
            conftest_errors: true,
            ..ADAPT
        }),
    ),
    (
        "acceptance.bats",
        "Verify command has report flag - no failures",
        Plan::Skip(REPORT),
    ),
    (
        "acceptance.bats",
        "Verify command has report flag - success with print output",
        Plan::Skip(REPORT),
    ),
    (
        "acceptance.bats",
        "Verify command does not support report flag with table output",
        Plan::Skip(REPORT_OUTPUT),
    ),
    (
        "acceptance.bats",
        "Verify command does not support report flag with tap output",
        Plan::Skip(REPORT_OUTPUT),
    ),
    (
        "acceptance.bats",
        "Verify command does not support report flag with junit output",
        Plan::Skip(REPORT_OUTPUT),
    ),
    (
        "acceptance.bats",
        "Verify command does not support report flag with json output",
        Plan::Skip(REPORT_OUTPUT),
    ),
    (
        "acceptance.bats",
        "Verify command has report flag - failure with report fails",
        Plan::Skip(REPORT),
    ),
    (
        "acceptance.bats",
        "Verify command has report flag - failure with report notes",
        Plan::Skip(REPORT),
    ),
    (
        "acceptance.bats",
        "Verify command has report flag - failure with report full",
        Plan::Skip(REPORT),
    ),
    (
        "acceptance.bats",
        "Has help flag",
        Plan::Skip("`conftest --help`: not a test or verify command"),
    ),
    (
        "acceptance.bats",
        "Allow .rego files in the policy flag",
        Plan::Skip("Terraform plan JSON (examples/hcl1): not Kubernetes input"),
    ),
    (
        "acceptance.bats",
        "Supports print() output",
        Plan::Adapt(Adapt {
            reason: "the print() line is conftest's text output; the verdict and the policy file given to -p are checked",
            unchecked: &[("PRNT", "conftest's text output line for print()")],
            ..ADAPT
        }),
    ),
    (
        "acceptance.bats",
        "Can parse hcl1 files",
        Plan::Skip("HCL1 input: conftest's hcl1 parser"),
    ),
    (
        "acceptance.bats",
        "Can parse toml files",
        Plan::Skip("TOML input: conftest's toml parser"),
    ),
    (
        "acceptance.bats",
        "Can parse edn files",
        Plan::Skip("EDN input: conftest's edn parser"),
    ),
    (
        "acceptance.bats",
        "Can parse xml files",
        Plan::Skip("XML input: conftest's xml parser"),
    ),
    (
        "acceptance.bats",
        "Can parse hocon files",
        Plan::Skip("HOCON input: conftest's hocon parser"),
    ),
    (
        "acceptance.bats",
        "Can parse vcl files",
        Plan::Skip("VCL input: conftest's vcl parser"),
    ),
    (
        "acceptance.bats",
        "Can parse jsonnet files",
        Plan::Skip("Jsonnet input: conftest's jsonnet parser"),
    ),
    (
        "acceptance.bats",
        "Can parse .dockerignore files",
        Plan::Skip(".dockerignore input: conftest's ignore parser"),
    ),
    (
        "acceptance.bats",
        "Can parse .gitignore files",
        Plan::Skip(".gitignore input: conftest's ignore parser"),
    ),
    (
        "acceptance.bats",
        "Can parse cue files",
        Plan::Skip("CUE input: conftest's cue parser"),
    ),
    (
        "acceptance.bats",
        "Can parse ini files",
        Plan::Skip("INI input: conftest's ini parser"),
    ),
    (
        "acceptance.bats",
        "Can parse hcl files",
        Plan::Skip("HCL2 input: conftest's hcl2 parser"),
    ),
    (
        "acceptance.bats",
        "Can parse properties files",
        Plan::Skip(".properties input: conftest's properties parser"),
    ),
    (
        "acceptance.bats",
        "Can parse stdin with parser flag",
        Plan::Skip("INI input on stdin with `--parser ini`"),
    ),
    (
        "acceptance.bats",
        "Using --parser should force the chosen parser and fail the rego policy",
        Plan::Skip("`--parser ini` on HCL input: conftest's parser selection"),
    ),
    (
        "acceptance.bats",
        "Can verify unit tests using parse_config() and parse_config_file builtins()",
        Plan::Skip("HCL2 inputs and policies (examples/hcl2) are not in the corpus"),
    ),
    (
        "acceptance.bats",
        "Can combine configs and reference by file",
        Plan::Skip("HCL1 input with `--parser hcl1`"),
    ),
    (
        "acceptance.bats",
        "Can parse docker files",
        Plan::Skip("Dockerfile input: conftest's dockerfile parser"),
    ),
    (
        "acceptance.bats",
        "Can parse newly introduced keywords for docker",
        Plan::Skip("`conftest parse --parser dockerfile` on stdin"),
    ),
    (
        "acceptance.bats",
        "Can disable color",
        Plan::Adapt(Adapt {
            reason: "`--no-color` is gitops-lint's `--color never` (always given); the escape-sequence check runs on gitops-lint's output",
            ..ADAPT
        }),
    ),
    (
        "acceptance.bats",
        "Output results only once",
        Plan::Adapt(Adapt {
            reason: "the bats test counts conftest's output lines (4 results + the summary = 5) and asserts no status: each result must be one finding (4 failures), and conftest exits 1 on this input (as in `Fail when testing a deployment with root containers`)",
            status: Some(1),
            failures: Some(4),
            unchecked: &[(
                "$count",
                "line count of conftest's text output: checked as 4 failures",
            )],
            ..ADAPT
        }),
    ),
    ("acceptance.bats", "Can verify rego tests", Plan::Run),
    (
        "acceptance.bats",
        "Can parse inputs with 'conftest parse'",
        Plan::Skip(PARSE),
    ),
    (
        "acceptance.bats",
        "Can parse single file with 'conftest parse'",
        Plan::Skip(PARSE),
    ),
    (
        "acceptance.bats",
        "Can test a Jenkinsfile with the Groovy parser",
        Plan::Skip("Jenkinsfile input: conftest's groovy parser"),
    ),
    (
        "acceptance.bats",
        "Can test a safe Jenkinsfile",
        Plan::Skip("Jenkinsfile input: conftest's groovy parser"),
    ),
    (
        "acceptance.bats",
        "Can parse Groovy from stdin",
        Plan::Skip(PARSE),
    ),
    (
        "acceptance.bats",
        "Can parse multiple files with 'conftest parse'",
        Plan::Skip(PARSE),
    ),
    (
        "acceptance.bats",
        "Can output tap format in test command",
        Plan::Skip(OUTPUT),
    ),
    (
        "acceptance.bats",
        "Can output tap format in verify command",
        Plan::Skip(OUTPUT),
    ),
    (
        "acceptance.bats",
        "Can output table format in test command",
        Plan::Skip(OUTPUT),
    ),
    (
        "acceptance.bats",
        "Can output table format in verify command",
        Plan::Skip(OUTPUT),
    ),
    (
        "acceptance.bats",
        "Multi-file tests correctly fail when last file is fine",
        Plan::Run,
    ),
    (
        "acceptance.bats",
        "Fail when unit test rego",
        Plan::Skip("TOML example (examples/traefik) is not in the corpus"),
    ),
    (
        "acceptance.bats",
        "Can load data along with rego policies",
        Plan::Run,
    ),
    ("acceptance.bats", "Can load data in unit tests", Plan::Run),
    (
        "acceptance.bats",
        "Can update policies in test command",
        Plan::Skip("`--update URL`: downloads policies"),
    ),
    (
        "acceptance.bats",
        "Can validate a docker-compose file that does not conform to the policy",
        Plan::Skip(
            "docker-compose input: not a Kubernetes object (the policy is about compose fields)",
        ),
    ),
    (
        "acceptance.bats",
        "Can validate a docker-compose file that conforms to the policy",
        Plan::Skip(
            "docker-compose input: not a Kubernetes object (the policy is about compose fields)",
        ),
    ),
    (
        "acceptance.bats",
        "The number of tests run is accurate",
        Plan::Run,
    ),
    (
        "acceptance.bats",
        "Exceptions reported correctly",
        Plan::Adapt(Adapt {
            reason: "the example Deployments have no spec.selector (deliberately minimal): gitops-lint's missing-required-field and invalid-workload (the API server's `selector` does not match template `labels`) are turned off so that the verdict is the policy's",
            config: Some("rules:\n  missing-required-field: off\n  invalid-workload: off\n"),
            ..ADAPT
        }),
    ),
    (
        "acceptance.bats",
        "Exceptions output",
        Plan::Adapt(Adapt {
            reason: "the example Deployments have no spec.selector (deliberately minimal): gitops-lint's missing-required-field and invalid-workload (the API server's `selector` does not match template `labels`) are turned off so that the verdict is the policy's",
            config: Some("rules:\n  missing-required-field: off\n  invalid-workload: off\n"),
            unchecked: &[("EXCP", "conftest's text output line for an exception")],
            ..ADAPT
        }),
    ),
    (
        "acceptance.bats",
        "Suppress exceptions output",
        Plan::Skip("`--suppress-exceptions`: conftest output option"),
    ),
    (
        "acceptance.bats",
        "Can combine yaml files",
        Plan::Skip(
            "known difference (regorus 0.14.1): `[name | …; x == name; name := …]` is refused with `var name used before definition`, which OPA scopes from the `:=` on; the combine input itself is built as conftest builds it",
        ),
    ),
    (
        "acceptance.bats",
        "Combining multi-document yaml file has same result",
        Plan::Skip(
            "known difference (regorus 0.14.1): the same comprehension-scoping gap as `Can combine yaml files`",
        ),
    ),
    ("acceptance.bats", "Can parse SPDX file", Plan::Skip(PARSE)),
    (
        "acceptance.bats",
        "Can validate SPDX file",
        Plan::Skip("SPDX input: conftest's spdx parser"),
    ),
    (
        "acceptance.bats",
        "Can test cyclonedx against policy",
        Plan::Skip("CycloneDX input: conftest's cyclonedx parser"),
    ),
    (
        "acceptance.bats",
        "Can parse cyclonedx JSON file",
        Plan::Skip(PARSE),
    ),
    (
        "acceptance.bats",
        "Can parse cyclonedx XML file",
        Plan::Skip(PARSE),
    ),
    (
        "acceptance.bats",
        "Can parse .env files",
        Plan::Skip(".env input: conftest's dotenv parser"),
    ),
    (
        "acceptance.bats",
        "Should fail if strict is set and there are unused variables in the policy",
        Plan::Skip("`--strict`: OPA's strict compile checks"),
    ),
    (
        "acceptance.bats",
        "Should fail when verifying if strict is set and there are unused variables in the policy",
        Plan::Skip("`verify --strict`: OPA's strict compile checks"),
    ),
    (
        "acceptance.bats",
        "Should fail if an opa function is not defined given capabilities file",
        Plan::Skip("`--capabilities`: OPA capabilities files"),
    ),
    (
        "acceptance.bats",
        "Can verify rego tests that uses parse_combined_config_files",
        Plan::Run,
    ),
    (
        "acceptance.bats",
        "Should not show any output with quiet flag and all tests succeeds",
        Plan::Adapt(Adapt {
            reason: "`--quiet` is gitops-lint's `--quiet`; the empty-output check is on conftest's text output",
            unchecked: &[(
                r#""$output" = """#,
                "conftest's text output is empty with --quiet",
            )],
            ..ADAPT
        }),
    ),
    (
        "acceptance.bats",
        "Should show output because of failure",
        Plan::Run,
    ),
    (
        "acceptance.bats",
        "Should fail evaluation if a builtin function returns error",
        Plan::Skip("`--show-builtin-errors` (and net.lookup_ip_addr needs DNS)"),
    ),
    (
        "acceptance.bats",
        "TextProto policy returns expected results",
        Plan::Skip("textproto input: conftest's textproto parser"),
    ),
    (
        "acceptance.bats",
        "TextProto policy fails when the proto messages could not be resolved",
        Plan::Skip("textproto input: conftest's textproto parser"),
    ),
    (
        "acceptance.bats",
        "Can parse files from a symlinked directory",
        Plan::Skip("HCL2 input through a symlinked temp directory"),
    ),
    (
        "tests/annotations/test.bats",
        "Can verify policies that rely on annotations",
        Plan::Skip(
            "known difference (regorus 0.14.1): `rego.metadata.rule()` is not implemented, and an extension cannot know its calling rule",
        ),
    ),
    (
        "tests/builtin-errors/test.bats",
        "Parsing error without show-builtin-errors flag returns test failed",
        Plan::Run,
    ),
    (
        "tests/builtin-errors/test.bats",
        "Parsing error with show-builtin-errors flag returns builtin error",
        Plan::Skip("`--show-builtin-errors`: conftest flag"),
    ),
    (
        "tests/multidir/test.bats",
        "Can have multiple policy flags",
        Plan::Adapt(Adapt {
            reason: "data.json ({\"foo\": \"bar\", \"baz\": \"qux\"}) is no Kubernetes object: the same fields in a custom-kind object (tests/conftest/multidir.json); the policies are unchanged",
            inputs: &[("data.json", "multidir.json")],
            ..ADAPT
        }),
    ),
    (
        "tests/multitype/test.bats",
        "Can parse multi-type files",
        Plan::Adapt(Adapt {
            reason: "grafana.ini (conftest's ini parser) is dropped; deployment.yaml alone fails the same policy with the asserted message",
            drop_inputs: &["grafana.ini"],
            ..ADAPT
        }),
    ),
    (
        "tests/nested/test.bats",
        "Can parse nested files with name overlap (first)",
        Plan::Adapt(Adapt {
            reason: "data.json ({\"hello\": \"world\"}) is no Kubernetes object: the same field in a custom-kind object (tests/conftest/nested.json)",
            inputs: &[("data.json", "nested.json")],
            ..ADAPT
        }),
    ),
    (
        "tests/nested/test.bats",
        "Can parse nested files with name overlap (second)",
        Plan::Adapt(Adapt {
            reason: "data.json ({\"hello\": \"world\"}) is no Kubernetes object: the same field in a custom-kind object (tests/conftest/nested.json)",
            inputs: &[("data.json", "nested.json")],
            ..ADAPT
        }),
    ),
    (
        "tests/nested/test.bats",
        "Can have multiple namespace flags",
        Plan::Adapt(Adapt {
            reason: "data.json ({\"hello\": \"world\"}) is no Kubernetes object: the same field in a custom-kind object (tests/conftest/nested.json)",
            inputs: &[("data.json", "nested.json")],
            ..ADAPT
        }),
    ),
    (
        "tests/problematic-if/test.bats",
        "Test works as expected using contains and if",
        Plan::Adapt(Adapt {
            reason: "data.yaml is empty (no object for gitops-lint to evaluate); the policy ignores its input: a minimal ConfigMap (tests/conftest/object.yaml)",
            inputs: &[("data.yaml", "object.yaml")],
            ..ADAPT
        }),
    ),
    (
        "tests/problematic-if/test.bats",
        "Bare deny rule can be used without contains or if",
        Plan::Adapt(Adapt {
            reason: "data.yaml is empty (no object for gitops-lint to evaluate); the policy ignores its input: a minimal ConfigMap (tests/conftest/object.yaml)",
            inputs: &[("data.yaml", "object.yaml")],
            ..ADAPT
        }),
    ),
    (
        "tests/problematic-if/test.bats",
        "Error is raised when if is used without contains",
        Plan::Adapt(Adapt {
            reason: "data.yaml is empty: a minimal ConfigMap (tests/conftest/object.yaml); conftest rejects `deny[msg] if` with its own diagnostic",
            inputs: &[("data.yaml", "object.yaml")],
            unchecked: &[(
                "'if' keyword without 'contains' keyword",
                "conftest's own diagnostic wording for a v1 partial-object `deny`",
            )],
            conftest_errors: true,
            ..ADAPT
        }),
    ),
    (
        "tests/rego-version/test.bats",
        "TEST - V0 Policy with V1 flag disabled",
        Plan::Skip(REGO_VERSION),
    ),
    (
        "tests/rego-version/test.bats",
        "TEST - V0 Policy with V1 flag enabled",
        Plan::Skip(REGO_VERSION),
    ),
    (
        "tests/rego-version/test.bats",
        "TEST - V1 Policy with V1 flag disabled",
        Plan::Skip(REGO_VERSION),
    ),
    (
        "tests/rego-version/test.bats",
        "TEST - V1 Policy with V1 flag enabled",
        Plan::Skip(REGO_VERSION),
    ),
    (
        "tests/rego-version/test.bats",
        "VERIFY - V0 Policy with V1 flag disabled",
        Plan::Skip(REGO_VERSION),
    ),
    (
        "tests/rego-version/test.bats",
        "VERIFY - V0 Policy with V1 flag enabled",
        Plan::Skip(REGO_VERSION),
    ),
    (
        "tests/rego-version/test.bats",
        "VERIFY - V1 Policy with V1 flag disabled",
        Plan::Skip(REGO_VERSION),
    ),
    (
        "tests/rego-version/test.bats",
        "VERIFY - V1 Policy with V1 flag enabled",
        Plan::Skip(REGO_VERSION),
    ),
    (
        "tests/return-multiple-failures/test.bats",
        "Policy with multiple failures returns a postive number of failures",
        Plan::Adapt(Adapt {
            reason: "file.json is `{}` (no Kubernetes object); the policy ignores its input: a minimal ConfigMap (tests/conftest/object.json)",
            inputs: &[("file.json", "object.json")],
            ..ADAPT
        }),
    ),
    (
        "tests/source-location/test.bats",
        "Location is included in JSON results",
        Plan::Skip(SOURCE_LOCATION),
    ),
    (
        "tests/source-location/test.bats",
        "Location is included in GitHub results - Different file",
        Plan::Skip(SOURCE_LOCATION),
    ),
    (
        "tests/source-location/test.bats",
        "Location is included in GitHub results - Same file",
        Plan::Skip(SOURCE_LOCATION),
    ),
];

// ---------------------------------------------------------------------------------------------
// Locating the shared data.
// ---------------------------------------------------------------------------------------------

/// `conformance/conftest` in the shared directory, or `None` (with a printed notice).
fn suite_dir() -> Option<PathBuf> {
    let shared = common::shared_dir("conftest conformance")?;
    let dir = shared.join("conformance").join("conftest");
    if !dir.is_dir() {
        println!(
            "NOTICE: conftest conformance skipped: {} is absent",
            dir.display()
        );
        return None;
    }
    Some(dir.canonicalize().unwrap_or(dir))
}

/// Our own inputs for adapted cases.
fn own_data(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/conftest")
        .join(file)
}

// ---------------------------------------------------------------------------------------------
// Reading a bats test: its working directory and conftest's argv.
// ---------------------------------------------------------------------------------------------

/// Expands `$NAME` and `${NAME}` from `vars`; an unknown variable is an error.
fn expand(text: &str, vars: &BTreeMap<String, String>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (name, len) = if let Some(braced) = after.strip_prefix('{') {
            let end = braced
                .find('}')
                .ok_or_else(|| format!("unclosed ${{ in {text}"))?;
            (&braced[..end], end + 2)
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..end], end)
        };
        let value = vars
            .get(name)
            .ok_or_else(|| format!("unknown shell variable ${name} in {text}"))?;
        out.push_str(value);
        rest = &after[len..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The working directory (relative to the corpus) and conftest's arguments of a bats test.
fn bats_invocation(test: &Value) -> Result<(PathBuf, Vec<String>), String> {
    let file = test["file"].as_str().unwrap_or("");
    // bats files under tests/<name>/ run in their own directory.
    let mut cwd = Path::new(file)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut vars = BTreeMap::from([("CONFTEST".to_string(), "conftest".to_string())]);
    for line in test["setup_lines"].as_array().into_iter().flatten() {
        let line = line.as_str().unwrap_or("").trim();
        if line.starts_with("echo ") || line.starts_with("count=") {
            continue; // after `run`: prints or counts the output
        }
        if let Some(dir) = line.strip_prefix("cd ") {
            cwd = cwd.join(expand(dir.trim(), &vars)?);
            continue;
        }
        match line.split_once('=') {
            Some((name, value))
                if !name.is_empty()
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                let value = common::shell_words(&expand(value, &vars)?)?.join(" ");
                vars.insert(name.to_string(), value);
            }
            _ => return Err(format!("setup line not understood: `{line}`")),
        }
    }
    let commands: Vec<&str> = test["commands"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let [command] = commands.as_slice() else {
        return Err(format!("{} commands (one expected)", commands.len()));
    };
    let words = common::shell_words(&expand(command, &vars)?)?;
    let Some(rest) = words.strip_prefix(&["run".to_string()]) else {
        return Err(format!("not a bats `run` line: {command}"));
    };
    let Some((program, argv)) = rest.split_first() else {
        return Err(format!("empty command: {command}"));
    };
    if program != "conftest" && !program.ends_with("/conftest") {
        return Err(format!("not a conftest command: {command}"));
    }
    if let Some(op) = argv
        .iter()
        .find(|w| ["<", ">", "|", "&&", ";"].contains(&w.as_str()))
    {
        return Err(format!("shell redirection `{op}` in: {command}"));
    }
    Ok((cwd, argv.to_vec()))
}

// ---------------------------------------------------------------------------------------------
// Translating conftest's command line.
// ---------------------------------------------------------------------------------------------

#[derive(Debug, PartialEq, Clone, Copy)]
enum Sub {
    Test,
    Verify,
}

#[derive(Debug)]
struct Translation {
    sub: Sub,
    args: Vec<String>,
    fail_on_warning: bool,
    notes: Vec<String>,
}

/// Reads the `key = "value"` lines of a conftest.toml: `policy` and `namespace` only.
fn conftest_toml(path: &Path) -> Result<Vec<(String, String)>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .ok_or_else(|| format!("conftest.toml line not understood: {line}"))?;
        let key = key.trim();
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .ok_or_else(|| format!("conftest.toml: only string values are translated: {line}"))?;
        if key != "policy" && key != "namespace" {
            return Err(format!("conftest.toml key `{key}` is not translated"));
        }
        out.push((key.to_string(), value.to_string()));
    }
    Ok(out)
}

/// Translates conftest's argv (cobra/pflag syntax: flags anywhere, `--flag=value`) into
/// gitops-lint's.
fn translate(
    argv: &[String],
    cwd: &Path,
    adapt: &Adapt,
    config: Option<&Path>,
    no_rego_dir: &Path,
) -> Result<Translation, String> {
    let mut notes = Vec::new();
    let mut i = 0;
    let mut config_file: Option<String> = None;
    // Global flags, then the subcommand.
    let sub = loop {
        let Some(word) = argv.get(i) else {
            return Err("no conftest subcommand".into());
        };
        i += 1;
        match word.as_str() {
            "-c" | "--config" => {
                config_file = Some(argv.get(i).cloned().ok_or("-c needs a value")?);
                i += 1;
            }
            "test" => break Sub::Test,
            "verify" => break Sub::Verify,
            other => return Err(format!("`conftest {other}` is not test or verify")),
        }
    };

    let (mut policies, mut namespaces, mut data, mut inputs) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut all_namespaces, mut combine, mut fail_on_warn, mut quiet) =
        (false, false, false, false);
    while i < argv.len() {
        let word = &argv[i];
        i += 1;
        if !word.starts_with('-') || word == "-" {
            if word == "-" {
                return Err("stdin input (`-`)".into());
            }
            inputs.push(word.clone());
            continue;
        }
        let (name, inline) = match word.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (word.as_str(), None),
        };
        let mut value = |what: &str| -> Result<String, String> {
            match &inline {
                Some(v) => Ok(v.clone()),
                None => {
                    let v = argv
                        .get(i)
                        .cloned()
                        .ok_or_else(|| format!("{what} needs a value"))?;
                    i += 1;
                    Ok(v)
                }
            }
        };
        match (sub, name) {
            (_, "-p" | "--policy") => policies.push(value(name)?),
            (_, "-d" | "--data") => data.push(value(name)?),
            (Sub::Test, "-n" | "--namespace") => namespaces.push(value(name)?),
            (Sub::Test, "--all-namespaces") => all_namespaces = true,
            (Sub::Test, "--combine") => combine = true,
            (Sub::Test, "--fail-on-warn") => fail_on_warn = true,
            (Sub::Test, "--quiet") => quiet = true,
            (_, "--no-color") => notes.push("--no-color: `--color never`".into()),
            (_, other) => {
                return Err(format!(
                    "conftest {} flag `{other}` is not translated",
                    if sub == Sub::Test { "test" } else { "verify" }
                ));
            }
        }
    }

    // conftest.toml: `-c FILE`, else the working directory's; flags win.
    let toml = match &config_file {
        Some(file) => Some(cwd.join(file)),
        None => Some(cwd.join("conftest.toml")).filter(|p| p.is_file()),
    };
    if let Some(toml) = toml {
        for (key, value) in conftest_toml(&toml)? {
            match key.as_str() {
                "policy" if policies.is_empty() => policies.push(value.clone()),
                "namespace" if namespaces.is_empty() => namespaces.push(value.clone()),
                _ => {}
            }
            notes.push(format!("conftest.toml {key} = {value}"));
        }
    }
    if policies.is_empty() {
        policies.push("policy".into()); // conftest's default policy directory
    }

    let replace = |path: &String| -> String {
        match adapt.inputs.iter().find(|(from, _)| from == path) {
            Some((_, to)) if *to == NO_REGO_DIR => no_rego_dir.display().to_string(),
            Some((_, to)) => own_data(to).display().to_string(),
            None => path.clone(),
        }
    };
    for (from, to) in adapt.inputs {
        let used = policies
            .iter()
            .chain(&data)
            .chain(&inputs)
            .any(|p| p == from);
        if !used {
            return Err(format!(
                "adaptation replaces `{from}` (→ {to}), which the command does not name"
            ));
        }
    }
    for dropped in adapt.drop_inputs {
        if !inputs.iter().any(|p| p == dropped) {
            return Err(format!(
                "adaptation drops `{dropped}`, which the command does not name"
            ));
        }
    }
    inputs.retain(|p| !adapt.drop_inputs.contains(&p.as_str()));

    let mut args: Vec<String> = Vec::new();
    match sub {
        Sub::Verify => {
            args.push("test-policies".into());
            args.extend(policies.iter().map(replace));
            for file in &data {
                args.push("--data".into());
                args.push(replace(file));
            }
            if !inputs.is_empty() {
                notes.push(format!(
                    "conftest verify reads no input files: {} not passed",
                    inputs.join(" ")
                ));
            }
        }
        Sub::Test => {
            args.push("--no-bundled-policies".into());
            match config {
                Some(file) => {
                    args.push("--config".into());
                    args.push(file.display().to_string());
                }
                None => args.push("--no-config".into()),
            }
            for arg in ["--color", "never", "--format", "json", "--fail-on"] {
                args.push(arg.into());
            }
            args.push(if fail_on_warn { "warning" } else { "error" }.into());
            for policy in &policies {
                args.push("--policy".into());
                args.push(replace(policy));
            }
            for namespace in &namespaces {
                args.push("--namespace".into());
                args.push(namespace.clone());
            }
            if all_namespaces {
                args.push("--all-namespaces".into());
            }
            for file in &data {
                args.push("--data".into());
                args.push(replace(file));
            }
            if combine {
                args.push("--combine".into());
            }
            if quiet {
                args.push("--quiet".into());
            }
            args.extend(inputs.iter().map(replace));
        }
    }
    Ok(Translation {
        sub,
        args,
        fail_on_warning: fail_on_warn,
        notes,
    })
}

// ---------------------------------------------------------------------------------------------
// The bats assertions.
// ---------------------------------------------------------------------------------------------

/// conftest's summary line: `5 tests, 4 passed, 1 warning, 0 failures, 0 exceptions[, 0 skipped]`.
#[derive(Debug, Default, PartialEq)]
struct Summary {
    tests: Option<usize>,
    passed: Option<usize>,
    warnings: Option<usize>,
    failures: Option<usize>,
    exceptions: Option<usize>,
}

fn parse_summary(text: &str) -> Option<Summary> {
    let mut summary = Summary::default();
    for (i, part) in text.split(", ").enumerate() {
        let (count, word) = part.trim().split_once(' ')?;
        let count: usize = count.parse().ok()?;
        let slot = match word {
            "test" | "tests" if i == 0 => &mut summary.tests,
            "passed" => &mut summary.passed,
            "warning" | "warnings" => &mut summary.warnings,
            "failure" | "failures" => &mut summary.failures,
            "exception" | "exceptions" => &mut summary.exceptions,
            "skipped" => continue,
            _ => return None,
        };
        *slot = Some(count);
    }
    summary.tests.map(|_| summary)
}

#[derive(Debug, PartialEq)]
enum Assertion {
    Status(i64),
    /// `[[ "$output" =~ "TEXT" ]]`: TEXT is in the output.
    Contains(String),
    /// `[[ ! "$output" =~ "TEXT" ]]` or `[[ "$output" != *"TEXT"* ]]`.
    Lacks(String),
    Summary(Summary),
    /// Anything else (text-output lines, line counts).
    Other(String),
}

/// The text between the first `"` after `marker` and the last `"` of `line`, unescaped.
fn quoted_after(line: &str, marker: &str) -> Option<String> {
    let start = line.find(marker)? + marker.len();
    let rest = line[start..].trim_start();
    let rest = rest.strip_prefix('*').unwrap_or(rest);
    let rest = rest.strip_prefix('"')?;
    let end = rest.rfind('"')?;
    let mut out = String::new();
    let mut chars = rest[..end].chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(c @ ('"' | '\\' | '$' | '`')) => out.push(c),
                Some(c) => {
                    out.push('\\');
                    out.push(c);
                }
                None => out.push('\\'),
            },
            c => out.push(c),
        }
    }
    Some(out)
}

fn parse_assertion(line: &str) -> Assertion {
    let squeezed = line.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(code) = squeezed
        .strip_prefix("[ \"$status\" -eq ")
        .and_then(|r| r.strip_suffix(" ]"))
        .and_then(|c| c.parse().ok())
    {
        return Assertion::Status(code);
    }
    let text = if squeezed.starts_with("[[ ! \"$output\" =~") {
        quoted_after(line, "=~").map(Assertion::Lacks)
    } else if squeezed.starts_with("[[ \"$output\" =~") {
        quoted_after(line, "=~").map(|t| match parse_summary(&t) {
            Some(s) => Assertion::Summary(s),
            None => Assertion::Contains(t),
        })
    } else if squeezed.starts_with("[[ \"$output\" != *") {
        quoted_after(line, "!=").map(Assertion::Lacks)
    } else if squeezed.starts_with("[ \"${lines[") {
        quoted_after(line, "\" = ").and_then(|t| parse_summary(&t).map(Assertion::Summary))
    } else {
        None
    };
    text.unwrap_or_else(|| Assertion::Other(line.to_string()))
}

// ---------------------------------------------------------------------------------------------
// Running gitops-lint and judging the result.
// ---------------------------------------------------------------------------------------------

struct Finding {
    rule: String,
    severity: String,
    message: String,
}

impl Finding {
    /// A conftest result: `<namespace>.<rule>` (deny/violation → error, warn → warning).
    fn is_result(&self) -> bool {
        self.rule.contains('.')
    }
}

struct Run {
    command: String,
    code: Option<i32>,
    stdout: String,
    stderr: String,
    findings: Vec<Finding>,
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

/// `text` on one line, cut after `max` characters.
fn one_line(text: &str, max: usize) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line,
    }
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
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
    let mut findings = Vec::new();
    if let Ok(report) = serde_json::from_str::<Value>(&stdout) {
        for finding in report["findings"].as_array().into_iter().flatten() {
            findings.push(Finding {
                rule: finding["rule"].as_str().unwrap_or("").to_string(),
                severity: finding["severity"].as_str().unwrap_or("").to_string(),
                message: finding["message"].as_str().unwrap_or("").to_string(),
            });
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
        findings,
    }
}

impl Run {
    /// stdout, with a JSON report shown as one `rule severity: message` line per finding.
    fn output_text(&self) -> String {
        if self.findings.is_empty() && !self.stdout.trim_start().starts_with('{') {
            return self.stdout.clone();
        }
        self.findings
            .iter()
            .map(|f| {
                let message = f.message.split_whitespace().collect::<Vec<_>>().join(" ");
                format!("{} {}: {message}", f.rule, f.severity)
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// test-policies' closing line: `N passed, M failed`.
fn test_policies_counts(stdout: &str) -> Option<(usize, usize)> {
    let line = stdout.lines().rev().find(|l| !l.trim().is_empty())?;
    let (passed, failed) = line.trim().split_once(", ")?;
    let passed = passed.strip_suffix(" passed")?.parse().ok()?;
    let failed = failed.strip_suffix(" failed")?.parse().ok()?;
    Some((passed, failed))
}

/// `exit 1: main.deny×3, main.violation` or `exit 0: 4 passed, 0 failed`.
fn got_text(sub: Sub, run: &Run) -> String {
    let code = match run.code {
        Some(code) => format!("exit {code}"),
        None => "killed by a signal".into(),
    };
    let detail = match sub {
        Sub::Verify => test_policies_counts(&run.stdout)
            .map(|(p, f)| format!("{p} passed, {f} failed"))
            .unwrap_or_default(),
        Sub::Test => {
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for f in &run.findings {
                *counts.entry(f.rule.as_str()).or_default() += 1;
            }
            counts
                .iter()
                .map(|(rule, n)| {
                    if *n == 1 {
                        rule.to_string()
                    } else {
                        format!("{rule}×{n}")
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    if detail.is_empty() {
        code
    } else {
        format!("{code}: {detail}")
    }
}

/// The checks of one case; returns the problems found.
fn judge(
    translation: &Translation,
    run: &Run,
    expected_status: i64,
    assertions: &[Assertion],
    adapt: &Adapt,
) -> Vec<String> {
    let mut problems = Vec::new();
    if run.code == Some(2) && run.stderr.contains("For more information, try '--help'") {
        problems.push(format!(
            "gitops-lint rejected the command line: {}",
            run.stderr.lines().next().unwrap_or("").trim()
        ));
    }
    match run.code {
        Some(code) if (code == 0) == (expected_status == 0) => {}
        code => problems.push(format!(
            "verdict: conftest exits {expected_status}, gitops-lint {code:?}"
        )),
    }
    let policy_errors: Vec<&Finding> = run
        .findings
        .iter()
        .filter(|f| f.rule == "policy-error")
        .collect();
    if !policy_errors.is_empty() && !adapt.conftest_errors {
        problems.push(format!(
            "policy-error where conftest evaluates the policies: {}",
            one_line(&policy_errors[0].message, 160)
        ));
    }
    let failing = |severity: &str| {
        severity == "error" || (translation.fail_on_warning && severity == "warning")
    };
    let own: Vec<&str> = run
        .findings
        .iter()
        .filter(|f| !f.is_result() && f.rule != "policy-error" && failing(&f.severity))
        .map(|f| f.rule.as_str())
        .collect();
    if !own.is_empty() {
        problems.push(format!(
            "gitops-lint's own checks fail the input ({}): the verdict is not the policies' (adapt the case with a config, with a reason)",
            own.join(", ")
        ));
    }
    let results = || run.findings.iter().filter(|f| f.is_result());
    let count = |severity: &str| results().filter(|f| f.severity == severity).count();
    let mut summaries: Vec<&Summary> = assertions
        .iter()
        .filter_map(|a| match a {
            Assertion::Summary(s) => Some(s),
            _ => None,
        })
        .collect();
    let derived = adapt.failures.map(|n| Summary {
        failures: Some(n),
        ..Summary::default()
    });
    summaries.extend(derived.as_ref());
    for summary in summaries {
        match translation.sub {
            Sub::Test => {
                if let Some(n) = summary.failures
                    && count("error") != n
                {
                    problems.push(format!(
                        "conftest reports {n} failure(s), gitops-lint {} deny/violation finding(s)",
                        count("error")
                    ));
                }
                if let Some(n) = summary.warnings
                    && count("warning") != n
                {
                    problems.push(format!(
                        "conftest reports {n} warning(s), gitops-lint {} warn finding(s)",
                        count("warning")
                    ));
                }
            }
            Sub::Verify => {
                let Some((passed, failed)) = test_policies_counts(&run.stdout) else {
                    problems.push("test-policies printed no `N passed, M failed` line".into());
                    continue;
                };
                let pairs = [
                    ("tests", summary.tests, passed + failed),
                    ("passed", summary.passed, passed),
                    ("failed", summary.failures, failed),
                ];
                for (what, want, got) in pairs {
                    if let Some(want) = want
                        && want != got
                    {
                        problems.push(format!(
                            "conftest verify: {want} {what}, test-policies {got}"
                        ));
                    }
                }
            }
        }
    }
    let messages: Vec<&str> = results().map(|f| f.message.as_str()).collect();
    let contains: Vec<&str> = assertions
        .iter()
        .filter_map(|a| match a {
            Assertion::Contains(t) => Some(t.as_str()),
            _ => None,
        })
        .chain(adapt.also_expect.iter().copied())
        .collect();
    for text in contains {
        if translation.sub == Sub::Verify {
            problems.push(format!("message assertion on verify output: {text:?}"));
        } else if !messages.iter().any(|m| m.contains(text)) {
            problems.push(format!("no policy finding's message contains {text:?}"));
        }
    }
    for assertion in assertions {
        if let Assertion::Lacks(text) = assertion {
            let anywhere = run
                .findings
                .iter()
                .any(|f| f.message.contains(text.as_str()))
                || run.stdout.contains(text.as_str())
                || run.stderr.contains(text.as_str());
            if anywhere {
                problems.push(format!("the output contains {text:?}"));
            }
        }
    }
    problems
}

#[test]
fn conftest_bats() {
    let Some(dir) = suite_dir() else {
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
    // Every entry names a test of the index, once, so that a renamed test cannot hide.
    for (i, (file, name, _)) in CASES.iter().enumerate() {
        assert!(
            tests
                .iter()
                .any(|t| t["file"] == *file && t["name"] == *name),
            "CASES names a test that is not in BATS_INDEX.json: {file}: {name}"
        );
        assert!(
            !CASES[..i].iter().any(|(f, n, _)| f == file && n == name),
            "CASES lists {file}: {name} twice"
        );
    }

    let temp = tempfile::tempdir().expect("temp dir");
    let no_rego_dir = temp.path().join("internal");
    std::fs::create_dir_all(no_rego_dir.join("commands")).expect("create dir");
    std::fs::write(no_rego_dir.join("commands/test.go"), "package commands\n").expect("write");

    let mut rows = Vec::new();
    let mut skipped: Vec<(String, String)> = Vec::new();
    for (n, test) in tests.iter().enumerate() {
        let file = test["file"].as_str().unwrap_or("?");
        let name = test["name"].as_str().unwrap_or("?");
        let line = test["line"].as_u64().unwrap_or(0);
        let label = format!("{file}:{line} {name}");
        let missing: Vec<&str> = test["missing_paths"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let network = test["needs_network"].as_bool() == Some(true);
        let fail_row = |why: String| Row {
            case: label.clone(),
            expected: "-".into(),
            got: "not run".into(),
            pass: false,
            note: why.clone(),
            details: format!("  {why}"),
        };
        let Some((_, _, plan)) = CASES.iter().find(|(f, m, _)| *f == file && *m == name) else {
            rows.push(fail_row(format!(
                "bats test #{n} is not classified in CASES: run it, adapt it or skip it with a reason"
            )));
            continue;
        };
        let adapt = match plan {
            Plan::Skip(reason) => {
                let mut reason = reason.to_string();
                if network {
                    reason.push_str(" (needs the network)");
                }
                if !missing.is_empty() {
                    reason.push_str(&format!(" (not in the corpus: {})", missing.join(", ")));
                }
                skipped.push((label, reason));
                continue;
            }
            Plan::Run => &ADAPT,
            Plan::Adapt(adapt) => adapt,
        };
        if network || !missing.is_empty() {
            rows.push(fail_row(format!(
                "the index marks this test as needing the network or missing inputs ({}): skip it",
                missing.join(", ")
            )));
            continue;
        }

        let assertions: Vec<Assertion> = test["assertions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(parse_assertion)
            .collect();
        let mut problems = Vec::new();
        let mut notes: Vec<String> = Vec::new();
        if !adapt.reason.is_empty() {
            notes.push(format!("adapted: {}", adapt.reason));
        }
        // The expected status: the index's, checked against the assertions.
        let status = match (&test["expect_status"], adapt.status) {
            (Value::Null, Some(code)) => Some(code),
            (Value::Null, None) => None,
            (expect, _) => match (expect["op"].as_str(), expect["code"].as_i64()) {
                (Some("=="), Some(code)) => Some(code),
                _ => None,
            },
        };
        let Some(expected_status) = status else {
            rows.push(fail_row(format!(
                "no expected status (expect_status {})",
                test["expect_status"]
            )));
            continue;
        };
        for assertion in &assertions {
            match assertion {
                Assertion::Status(code) if *code != expected_status => problems.push(format!(
                    "assertion status {code} disagrees with expect_status {expected_status}"
                )),
                Assertion::Other(text) => {
                    match adapt.unchecked.iter().find(|(part, _)| text.contains(part)) {
                        Some((_, why)) => notes.push(format!("unchecked `{text}`: {why}")),
                        None => problems.push(format!(
                            "assertion not understood: `{text}` (list it in `unchecked` with a reason)"
                        )),
                    }
                }
                Assertion::Contains(text) => {
                    if let Some((_, why)) =
                        adapt.unchecked.iter().find(|(part, _)| text.contains(part))
                    {
                        notes.push(format!("unchecked {text:?}: {why}"));
                    }
                }
                Assertion::Summary(s) if s.exceptions.is_some_and(|e| e > 0) => notes
                    .push("exceptions are not counted: gitops-lint drops excepted results".into()),
                _ => {}
            }
        }
        // Waived message assertions are not checked.
        let assertions: Vec<Assertion> = assertions
            .into_iter()
            .filter(|a| match a {
                Assertion::Contains(text) => {
                    !adapt.unchecked.iter().any(|(part, _)| text.contains(part))
                }
                _ => true,
            })
            .collect();

        let expected_text = format!(
            "{} ({expected_status})",
            if expected_status == 0 {
                "passes"
            } else {
                "fails"
            }
        );
        let invocation = bats_invocation(test);
        let (cwd, argv) = match invocation {
            Ok(v) => v,
            Err(e) => {
                rows.push(fail_row(format!("cannot read the bats command: {e}")));
                continue;
            }
        };
        let config = match adapt.config {
            Some(text) => {
                let path = temp.path().join(format!("config-{n}.yaml"));
                std::fs::write(&path, text).expect("write config");
                notes.push(format!("config: {}", text.trim().replace('\n', " ")));
                Some(path)
            }
            None => None,
        };
        let workdir = if cwd.as_os_str().is_empty() {
            dir.clone()
        } else {
            dir.join(&cwd)
        };
        let translation = match translate(&argv, &workdir, adapt, config.as_deref(), &no_rego_dir) {
            Ok(t) => t,
            Err(e) => {
                rows.push(fail_row(format!(
                    "cannot translate `conftest {}`: {e}",
                    argv.join(" ")
                )));
                continue;
            }
        };
        notes.extend(translation.notes.iter().cloned());
        let run = gitops_lint(&workdir, &translation.args);
        problems.extend(judge(
            &translation,
            &run,
            expected_status,
            &assertions,
            adapt,
        ));
        let checked = assertions
            .iter()
            .filter(|a| {
                matches!(
                    a,
                    Assertion::Contains(_) | Assertion::Lacks(_) | Assertion::Summary(_)
                )
            })
            .count()
            + adapt.also_expect.len()
            + usize::from(adapt.failures.is_some());
        if checked > 0 {
            notes.insert(0, format!("{checked} message/count check(s)"));
        }
        let pass = problems.is_empty();
        let details = format!(
            "  conftest: {}conftest {}\n  problems:\n{}\n  command: {}\n  status: {:?}\n  stdout:\n{}\n  stderr:\n{}",
            if cwd.as_os_str().is_empty() {
                String::new()
            } else {
                format!("(in {}) ", cwd.display())
            },
            argv.iter()
                .map(|a| shell_quote(a))
                .collect::<Vec<_>>()
                .join(" "),
            indent(
                &problems
                    .iter()
                    .map(|p| format!("- {p}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
            run.command,
            run.code,
            indent(&run.output_text()),
            indent(&run.stderr),
        );
        if !pass {
            notes.insert(0, problems.join("; "));
        }
        rows.push(Row {
            case: label,
            expected: expected_text,
            got: got_text(translation.sub, &run),
            pass,
            note: notes.join("; "),
            details,
        });
    }

    println!("\n== conftest bats tests skipped ({})", skipped.len());
    for (label, reason) in &skipped {
        println!("skipped: {label}: {reason}");
    }
    let failures = common::print_table("conftest (bats verdicts, messages and counts)", &rows);
    assert_eq!(
        rows.len() + skipped.len(),
        tests.len(),
        "every bats test is run or skipped"
    );
    assert!(
        rows.len() >= 30,
        "only {} conftest bats tests were run: the index or the classification changed",
        rows.len()
    );
    for verdict in ["passes (0)", "fails (1)"] {
        assert!(
            rows.iter().any(|r| r.expected == verdict),
            "no conftest case expects `{verdict}`"
        );
    }
    assert_eq!(
        failures,
        0,
        "{failures} of {} conftest cases differ (see the table above)",
        rows.len()
    );
}

// ---------------------------------------------------------------------------------------------
// The harness's own parsing, without the shared data.
// ---------------------------------------------------------------------------------------------

#[test]
fn assertions_and_summaries_are_read() {
    assert_eq!(
        parse_assertion(r#"[ "$status" -eq  1 ]"#),
        Assertion::Status(1)
    );
    assert_eq!(
        parse_assertion(r#"[[ "$output" =~ "Containers must not run as root" ]]"#),
        Assertion::Contains("Containers must not run as root".into())
    );
    assert_eq!(
        parse_assertion(r#"[[ ! "$output" =~ "unallowed commands found" ]]"#),
        Assertion::Lacks("unallowed commands found".into())
    );
    assert_eq!(
        parse_assertion(r#"[[ "$output" != *"[33m"* ]]"#),
        Assertion::Lacks("[33m".into())
    );
    assert_eq!(
        parse_assertion(r#"[[ "$output" =~ "unallowed image found [\"openjdk:8-jdk-alpine\"]" ]]"#),
        Assertion::Contains(r#"unallowed image found ["openjdk:8-jdk-alpine"]"#.into())
    );
    assert_eq!(
        parse_assertion(
            r#"[ "${lines[1]}" = "5 tests, 4 passed, 1 warning, 0 failures, 0 exceptions" ]"#
        ),
        Assertion::Summary(Summary {
            tests: Some(5),
            passed: Some(4),
            warnings: Some(1),
            failures: Some(0),
            exceptions: Some(0),
        })
    );
    assert_eq!(
        parse_assertion(r#"[[ "$output" =~ "4 tests, 4 passed" ]]"#),
        Assertion::Summary(Summary {
            tests: Some(4),
            passed: Some(4),
            ..Summary::default()
        })
    );
    assert!(matches!(
        parse_assertion(r#"[ "$count" -eq 5 ]"#),
        Assertion::Other(_)
    ));
    assert!(matches!(
        parse_assertion(r#"[[ "${lines[0]}" == "PRNT   x.rego:14: hello" ]]"#),
        Assertion::Other(_)
    ));
    assert_eq!(
        test_policies_counts("FAIL x\n3 passed, 1 failed\n"),
        Some((3, 1))
    );
}

#[test]
fn conftest_command_lines_are_translated() {
    let argv = |s: &str| common::shell_words(s).expect("words");
    let no_rego = Path::new("/none");
    let t = translate(
        &argv("test --fail-on-warn -p pol --namespace=ns --all-namespaces -d data.yaml --combine a.yaml --no-color --quiet"),
        Path::new("."),
        &ADAPT,
        None,
        no_rego,
    )
    .expect("translate");
    assert_eq!(t.sub, Sub::Test);
    assert_eq!(
        t.args.join(" "),
        "--no-bundled-policies --no-config --color never --format json --fail-on warning --policy pol --namespace ns --all-namespaces --data data.yaml --combine --quiet a.yaml"
    );
    let t = translate(
        &argv("verify -p p1 --policy p2 in.yaml"),
        Path::new("."),
        &ADAPT,
        None,
        no_rego,
    )
    .expect("translate");
    assert_eq!(t.args.join(" "), "test-policies p1 p2");
    assert!(
        translate(
            &argv("test -p p --trace x.yaml"),
            Path::new("."),
            &ADAPT,
            None,
            no_rego
        )
        .is_err()
    );
    assert!(translate(&argv("parse x.yaml"), Path::new("."), &ADAPT, None, no_rego).is_err());
    assert!(translate(&argv("test -p p -"), Path::new("."), &ADAPT, None, no_rego).is_err());
    // conftest's default policy directory.
    let t =
        translate(&argv("test x.yaml"), Path::new("."), &ADAPT, None, no_rego).expect("translate");
    assert!(t.args.join(" ").contains("--policy policy x.yaml"));
    let vars = BTreeMap::from([("DIR".to_string(), "examples/configfile".to_string())]);
    assert_eq!(
        expand("-c $DIR/conftest.toml test -p ${DIR}/test", &vars).expect("expand"),
        "-c examples/configfile/conftest.toml test -p examples/configfile/test"
    );
}
