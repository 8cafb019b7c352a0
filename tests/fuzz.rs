//! Property-based fuzzing (proptest) of everything that reads untrusted text: the YAML loader
//! and its span index, field-path parsing, Rego result decoding, the config file, and the whole
//! offline pipeline on one file. Each target runs a bounded number of cases in plain
//! `cargo test` (a few seconds); `PROPTEST_CASES=N` runs more. The property everywhere: no
//! panic, and every span lies inside the text on character boundaries.
//!
//! A failing case is shrunk and saved under `tests/fuzz.proptest-regressions`; keep the file,
//! and add the input to `regressions` below as a named test.

use std::path::Path;
use std::sync::Arc;

use gitops_lint::manifest::yaml::{self, Children, Limits, Node, Segment, Span};
use gitops_lint::manifest::{FieldPath, Object};
use gitops_lint::report::{self, Format, HumanOptions, Report};
use gitops_lint::settings::Settings;
use gitops_lint::source::SourceFile;
use proptest::prelude::*;
use serde_json::Value;

fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        // Shrinking a pipeline case can take long; a few hundred steps find a small input.
        max_shrink_iters: 512,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct(
                "tests/fuzz.proptest-regressions",
            ),
        )),
        ..ProptestConfig::default()
    }
}

/// Pieces of YAML syntax that exercise the loader's corners: indentation, flow collections,
/// anchors and aliases, merge keys, tags, block scalars, document markers, YAML 1.1 scalars,
/// odd characters.
const YAML_TOKENS: &[&str] = &[
    "a",
    "key",
    "kind",
    ": ",
    ":",
    "\n",
    "  ",
    "    ",
    "- ",
    "-",
    "[",
    "]",
    "{",
    "}",
    ", ",
    "&x ",
    "*x",
    "&y ",
    "*y",
    "<<: ",
    "---\n",
    "...\n",
    "\"q\\u00e9\"",
    "\"",
    "'s''t'",
    "'",
    "|\n",
    "|-\n",
    ">+\n",
    "# c\n",
    "!!str ",
    "!!int ",
    "!!binary ",
    "!local ",
    "0755",
    "0x1F",
    "1e3",
    ".inf",
    "yes",
    "on",
    "~",
    "null",
    "\t",
    "é",
    "\u{1F600}",
    "\u{0}",
    "\r\n",
    "\r",
    "? ",
    "%YAML 1.1\n",
    "%TAG ! tag:x,2000:\n",
    "\u{FEFF}",
    "{{ .Values.x }}",
    "apiVersion: v1\n",
    "kind: ConfigMap\n",
    "metadata:\n  name: x\n",
];

fn yaml_text() -> impl Strategy<Value = String> {
    prop_oneof![
        // Structured: a soup of YAML tokens.
        prop::collection::vec(prop::sample::select(YAML_TOKENS), 0..80).prop_map(|t| t.concat()),
        // Unstructured: any Unicode text.
        any::<String>(),
    ]
}

fn check_span(text: &str, span: Span, what: &str) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "{what} span {span:?} outside a text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what} span {span:?} not on character boundaries"
    );
}

fn check_node(text: &str, node: &Node) {
    if let Some(key) = node.key() {
        check_span(text, key, "key");
    }
    check_span(text, node.value(), "value");
    match &node.children {
        Children::Leaf => {}
        Children::Seq(items) => items.iter().for_each(|n| check_node(text, n)),
        Children::Map(entries) => entries.iter().for_each(|(_, n)| check_node(text, n)),
    }
}

/// Every path to a node of the tree (bounded, for big documents).
fn paths(node: &Node, prefix: &mut Vec<Segment>, out: &mut Vec<Vec<Segment>>) {
    if out.len() > 200 {
        return;
    }
    out.push(prefix.clone());
    match &node.children {
        Children::Leaf => {}
        Children::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                prefix.push(Segment::Index(i));
                paths(item, prefix, out);
                prefix.pop();
            }
        }
        Children::Map(entries) => {
            for (key, item) in entries {
                prefix.push(Segment::Key(key.to_string()));
                paths(item, prefix, out);
                prefix.pop();
            }
        }
    }
}

/// Parses, checks every span, and locates every path (and a few that do not exist) through
/// `Object::locate`, the one place that turns paths into spans.
fn load_and_locate(text: &str) {
    let stream = yaml::parse(text, &Limits::default());
    for problem in &stream.problems {
        check_span(text, problem.span, "problem");
    }
    let source = Arc::new(SourceFile::new("fuzz.yaml".into(), text.to_string()));
    for (index, document) in stream.documents.into_iter().enumerate() {
        check_span(text, document.span, "document");
        assert!(document.content_start <= text.len());
        check_node(text, &document.root);
        let mut all = Vec::new();
        paths(&document.root, &mut Vec::new(), &mut all);
        for object in Object::from_document(&source, index, document) {
            for path in &all {
                let mut path = FieldPath(path.clone());
                let located = object.locate(&path);
                check_span(text, located.span, "located");
                path = path.key("missing").index(3);
                let located = object.locate(&path);
                check_span(text, located.span, "located parent");
                let location = object.location(&path);
                let (start, end) = location.file.range(location.span);
                assert!(start.line <= end.line);
            }
            let _ = object.display_name();
            let _ = object.head_location();
        }
    }
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn yaml_loader_and_span_index(text in yaml_text()) {
        load_and_locate(&text);
    }

    #[test]
    fn yaml_loader_with_tight_limits(text in yaml_text(), depth in 0usize..8, aliases in 0usize..16) {
        let stream = yaml::parse(&text, &Limits { max_depth: depth, max_alias_nodes: aliases });
        for problem in &stream.problems {
            check_span(&text, problem.span, "problem");
        }
        for document in &stream.documents {
            check_node(&text, &document.root);
        }
    }

    #[test]
    fn field_path_parsing(text in prop_oneof![
        any::<String>(),
        prop::collection::vec(prop::sample::select(&[
            "spec", ".", "[", "]", "0", "18446744073709551616", "/", "~0", "~1", "~", "\"", "'",
            "a.b", "[\"x.y\"]", "['k']", "-1", "é",
        ][..]), 0..20).prop_map(|t| t.concat()),
    ]) {
        let path = FieldPath::parse(&text);
        let _ = path.to_string();
        let pointer = path.to_pointer();
        // A pointer spelling reads back as the same keys (indices become keys there); `/` alone
        // is read as the root, not as the empty key.
        if pointer != "/" {
            let reparsed = FieldPath::parse(&pointer);
            prop_assert_eq!(reparsed.segments().len(), path.segments().len());
        }
        let _ = path.normalized(&serde_json::json!({"spec": [1, {"a": []}]}));
    }

    #[test]
    fn rego_result_decoding(value in json_value()) {
        // Straight from JSON, and through a regorus value as the policy stage receives it.
        let direct = gitops_lint::policy::json_results(&value);
        let rego = regorus::Value::from(value.clone());
        let through = gitops_lint::policy::engine::to_json(&rego)
            .map(|v| gitops_lint::policy::json_results(&v))
            .unwrap_or_default();
        prop_assert_eq!(direct.len(), through.len());
        let _ = FieldPath::from_json(&value);
        if let Value::Array(items) = &value {
            for item in items {
                if let Some(path) = item.get("path") {
                    let _ = FieldPath::from_json(path);
                }
            }
        }
    }

    #[test]
    fn config_file(text in config_text()) {
        let path = Path::new(".gitops-lint.yaml");
        match gitops_lint::config::load_text(path, text.clone()) {
            Ok(_) => {}
            Err(error) => {
                prop_assert!(!error.message.is_empty());
                if let Some((source, span)) = &error.location {
                    check_span(&source.text, *span, "config error");
                }
            }
        }
    }
}

proptest! {
    // The whole pipeline (every stage, the bundled policies included) costs milliseconds per
    // case; fewer cases keep the suite short.
    #![proptest_config(config(48))]

    #[test]
    fn offline_pipeline_on_one_file(text in manifest_text()) {
        pipeline_on(&text);
    }
}

fn pipeline_on(text: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("manifest.yaml"), text).expect("write");
    let settings = Settings::for_paths(vec![dir.path().to_path_buf()]);
    let outcome = gitops_lint::pipeline::check_paths(&settings).expect("pipeline");
    for finding in &outcome.findings {
        let location = &finding.location;
        check_span(&location.file.text, location.span, &finding.rule);
    }
    let report = Report {
        findings: &outcome.findings,
        summary: &outcome.summary,
        fail_on: settings.fail_on,
    };
    for format in [
        Format::Human,
        Format::Json,
        Format::Github,
        Format::Sarif,
        Format::Junit,
    ] {
        let _ = report::render(format, &report, HumanOptions::default());
    }
}

/// Realistic manifests with random damage: a seed document, then lines deleted, duplicated or
/// spliced with YAML tokens.
fn manifest_text() -> impl Strategy<Value = String> {
    const SEEDS: &[&str] = &[
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: default\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      hostNetwork: true\n      containers:\n        - name: app\n          image: nginx\n          securityContext: {privileged: true, capabilities: {add: [SYS_ADMIN]}}\n          env:\n            - name: PASSWORD\n              value: hunter2\n          ports: [{containerPort: 80, hostPort: 80}]\n",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: LoadBalancer\n  selector: {app: other}\n  ports:\n    - port: 80\n      targetPort: http\n",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  password: aHVudGVyMg==\nstringData:\n  token: abc\n",
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: p\nspec:\n  maxUnavailable: 0\n  selector: {matchLabels: {app: web}}\n",
        "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: a}\n  - apiVersion: v1\n    kind: Pod\n    metadata: {name: b}\n    spec:\n      containers: [{name: c, image: 'busybox:latest'}]\n",
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ws.example.com\nspec:\n  group: example.com\n  names: {kind: W, plural: ws}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec: {type: object, properties: {size: {type: integer, maximum: 3}}}\n---\napiVersion: example.com/v1\nkind: W\nmetadata: {name: w}\nspec: {size: 9}\n",
        "apiVersion: networking.k8s.io/v1beta1\nkind: Ingress\nmetadata:\n  name: i\n  annotations:\n    # gitops-lint: ignore[ingress-without-tls]\n    a: b\nspec:\n  rules: [{host: x}]\n",
    ];
    (
        prop::sample::select(SEEDS),
        prop::collection::vec(
            (
                0usize..4,
                any::<prop::sample::Index>(),
                prop::sample::select(YAML_TOKENS),
            ),
            0..6,
        ),
    )
        .prop_map(|(seed, edits)| {
            let mut lines: Vec<String> = seed.lines().map(str::to_string).collect();
            for (op, at, token) in edits {
                if lines.is_empty() {
                    lines.push(token.to_string());
                    continue;
                }
                let i = at.index(lines.len());
                match op {
                    0 => {
                        lines.remove(i);
                    }
                    1 => {
                        let line = lines[i].clone();
                        lines.insert(i, line);
                    }
                    2 => {
                        let line = &mut lines[i];
                        let cut = line
                            .char_indices()
                            .map(|(b, _)| b)
                            .nth(at.index(line.chars().count() + 1))
                            .unwrap_or(line.len());
                        line.insert_str(cut, token);
                    }
                    _ => lines.insert(i, token.to_string()),
                }
            }
            let mut text = lines.join("\n");
            text.push('\n');
            text
        })
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        prop::sample::select(&["msg", "path", "spec", "0", "/spec/x", "a.b[0]"][..])
            .prop_map(|s| Value::String(s.to_string())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(&["msg", "path", "details", "x"][..]).prop_map(str::to_string),
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A config file: known keys (and a few unknown ones) with values of every YAML type.
fn config_text() -> impl Strategy<Value = String> {
    const KEYS: &[&str] = &[
        "exclude",
        "rules",
        "overrides",
        "fail-on",
        "max-file-size",
        "kubernetes-versions",
        "strict",
        "crds",
        "schema-locations",
        "policies",
        "namespaces",
        "data",
        "bundled-policies",
        "policy-parameters",
        "files",
        "environment",
        "unknown-key",
        "latest-image-tag",
    ];
    const VALUES: &[&str] = &[
        "1",
        "-1",
        "18446744073709551616",
        "1.5",
        "true",
        "off",
        "null",
        "~",
        "x",
        "''",
        "[]",
        "{}",
        "[a, 1, {b: c}]",
        "{latest-image-tag: off}",
        "{latest-image-tag: {x: 1}}",
        "[{files: ['*.yaml'], rules: {x: error}}]",
        "[{files: 1}]",
        "error",
        "warning",
        "info",
        "*a",
        "&a 1",
        "!!binary aGk=",
        "\"\\u0000\"",
    ];
    prop_oneof![
        prop::collection::vec(
            (
                prop::sample::select(KEYS),
                prop::sample::select(VALUES),
                any::<bool>(),
            ),
            0..8,
        )
        .prop_map(|entries| {
            let mut text = String::new();
            for (key, value, nested) in entries {
                if nested {
                    text.push_str(&format!("{key}:\n  {key}: {value}\n"));
                } else {
                    text.push_str(&format!("{key}: {value}\n"));
                }
            }
            text
        }),
        yaml_text(),
    ]
}

/// Inputs the fuzzers shrank to, kept as named cases.
#[test]
fn regressions() {
    // An unclosed bracket is one (empty) key, whose pointer spelling `/` reads back as the root.
    let path = FieldPath::parse("[");
    assert_eq!(path.segments().len(), 1);
    assert_eq!(path.to_pointer(), "/");
    load_and_locate("[");
    load_and_locate("a: &x [*x]\n");
    load_and_locate("\u{FEFF}---\n...\n\u{0}");
}
