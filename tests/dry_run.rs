//! The server-side dry-run end to end: the binary run against the emulated API server in
//! `apiserver/`, with a kubeconfig written to a temporary directory. Expected findings are
//! marked in the fixtures (`# expect: rule-id` on the line the finding points at), and every
//! mutating request the emulator saw is checked to be a dry run.

mod apiserver;
mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use apiserver::{Cluster, Emulator, Reply};
use common::repo::{git_in, stderr as stderr_of, stdout as stdout_of};
use common::{gitops_lint as binary, messages, run_in as run, write};
use serde_json::Value;

// Status bodies as kube-apiserver writes them (../shared/reference/apiserver.md §1.7).
const INVALID_IMAGE: &str = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"Deployment.apps \\\"web\\\" is invalid: spec.template.spec.containers[0].image: Required value\",\"reason\":\"Invalid\",\"details\":{\"name\":\"web\",\"group\":\"apps\",\"kind\":\"Deployment\",\"causes\":[{\"reason\":\"FieldValueRequired\",\"message\":\"Required value\",\"field\":\"spec.template.spec.containers[0].image\"}]},\"code\":422}\n";
const INVALID_TWO_CAUSES: &str = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"Deployment.apps \\\"notifications\\\" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{\\\"app\\\":\\\"notifications\\\"}: `selector` does not match template `labels`]\",\"reason\":\"Invalid\",\"details\":{\"name\":\"notifications\",\"group\":\"apps\",\"kind\":\"Deployment\",\"causes\":[{\"reason\":\"FieldValueRequired\",\"message\":\"Required value\",\"field\":\"spec.selector\"},{\"reason\":\"FieldValueInvalid\",\"message\":\"Invalid value: map[string]string{\\\"app\\\":\\\"notifications\\\"}: `selector` does not match template `labels`\",\"field\":\"spec.template.metadata.labels\"}]},\"code\":422}\n";
const WEBHOOK_DENIED: &str = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"admission webhook \\\"validation.gatekeeper.sh\\\" denied the request: [require-team-label] you must provide labels: {\\\"team\\\"}\",\"reason\":\"Forbidden\",\"code\":403}\n";
const VAP_DENIED: &str = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"deployments.apps \\\"web\\\" is forbidden: ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-prod' denied request: failed expression: object.spec.replicas <= 5\",\"reason\":\"Invalid\",\"details\":{\"name\":\"web\",\"group\":\"apps\",\"kind\":\"deployments\",\"causes\":[{\"message\":\"ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-prod' denied request: failed expression: object.spec.replicas <= 5\"}]},\"code\":422}\n";
const RBAC_FORBIDDEN: &str = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"deployments.apps \\\"web\\\" is forbidden: User \\\"system:serviceaccount:ci:gitops-lint\\\" cannot patch resource \\\"deployments\\\" in API group \\\"apps\\\" in the namespace \\\"shop\\\"\",\"reason\":\"Forbidden\",\"details\":{\"name\":\"web\",\"group\":\"apps\",\"kind\":\"deployments\"},\"code\":403}\n";
const TYPED_PATCH: &str = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"failed to create typed patch object (general/admin-api; /v1, Kind=Service): .spec.topologyKeys: field not declared in schema\",\"code\":500}\n";
const STRICT_DECODING: &str = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"Deployment in version \\\"v1\\\" cannot be handled as a Deployment: strict decoding error: unknown field \\\"spec.template.spec.containers[0].imagePullPolcy\\\", duplicate field \\\"spec.replicas\\\"\",\"reason\":\"BadRequest\",\"code\":400}\n";
const CONFLICT: &str = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"Apply failed with 1 conflict: conflict with \\\"helm\\\" using apps/v1: .spec.replicas\",\"reason\":\"Conflict\",\"details\":{\"causes\":[{\"reason\":\"FieldManagerConflict\",\"message\":\"conflict with \\\"helm\\\" using apps/v1\",\"field\":\".spec.replicas\"}]},\"code\":409}\n";
const SECRET_INVALID: &str = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"Secret \\\"db\\\" is invalid: data[password]: Invalid value: \\\"hunter2-hunter2\\\": must be base64\",\"reason\":\"Invalid\",\"details\":{\"name\":\"db\",\"kind\":\"Secret\",\"causes\":[{\"reason\":\"FieldValueInvalid\",\"message\":\"Invalid value: \\\"hunter2-hunter2\\\": must be base64\",\"field\":\"data[password]\"}]},\"code\":422}\n";

/// A run's findings as `(file, line, rule)`, and the whole JSON report.
fn findings(out: &Output) -> (BTreeSet<(String, u64, String)>, Value) {
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            stdout_of(out),
            stderr_of(out)
        )
    });
    let set = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["location"]["file"].as_str().unwrap().to_string(),
                f["location"]["line"].as_u64().unwrap(),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (set, report)
}

/// `# expect: rule-id` markers of the YAML files under `dir`, as `(file, line, rule)`, with
/// files named relative to `dir`.
fn expected(dir: &Path, files: &[&str]) -> BTreeSet<(String, u64, String)> {
    let mut out = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        for (i, line) in text.lines().enumerate() {
            if let Some((_, rules)) = line.split_once("# expect: ") {
                for rule in rules.split(',') {
                    out.insert((file.to_string(), i as u64 + 1, rule.trim().to_string()));
                }
            }
        }
    }
    out
}

/// Every mutating request was a dry run with the house parameters; returns how many there were.
fn assert_only_dry_runs(emulator: &Emulator) -> usize {
    let requests = emulator.requests();
    let mut mutating = 0;
    for request in requests.iter().filter(|r| r.is_mutating()) {
        mutating += 1;
        let query = request.query();
        let has = |k: &str, v: &str| query.iter().any(|(qk, qv)| qk == k && qv == v);
        assert!(has("dryRun", "All"), "not a dry run: {request:?}");
        assert!(has("fieldManager", "gitops-lint"), "{request:?}");
        assert!(has("fieldValidation", "Strict"), "{request:?}");
        match request.method.as_str() {
            "PATCH" => {
                assert!(has("force", "true"), "{request:?}");
                assert_eq!(
                    request.header("content-type"),
                    Some("application/apply-patch+yaml")
                );
            }
            "POST" => {}
            other => panic!("unexpected method {other}: {request:?}"),
        }
    }
    mutating
}

fn kubeconfig(dir: &Path, contexts: &[(&str, &str)]) -> String {
    write(dir, "kubeconfig", apiserver::kubeconfig(contexts))
        .to_string_lossy()
        .into_owned()
}

fn deployment(name: &str, namespace: &str, kind_marker: &str, image_marker: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment{kind_marker}\nmetadata:\n  name: {name}\n  namespace: {namespace}\n  labels: {{app: {name}}}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n      labels: {{app: {name}}}\n    spec:\n      containers:\n        - name: app\n          image: registry.example.com/{name}:1.0.0{image_marker}\n"
    )
}

// ---- the whole story: a pull request against the emulated cluster ---------------------------

#[test]
fn a_change_yields_exactly_the_expected_findings_and_only_dry_runs() {
    let emulator = Emulator::start(Cluster::default());
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "infra/existing.yaml",
        deployment("old", "default", "", ""),
    );
    git_in(root, &["init", "--quiet", "--initial-branch", "main"]);
    git_in(root, &["add", "--all"]);
    git_in(root, &["commit", "--quiet", "-m", "base"]);
    git_in(root, &["checkout", "--quiet", "-b", "change"]);
    // A bad object, a webhook-denied one and a valid one.
    let app = [
        deployment("web", "default", "", "  # expect: server-rejected"),
        deployment("api", "default", "  # expect: admission-denied", ""),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  mode: fast\n".to_string(),
    ]
    .join("---\n");
    write(root, "infra/app.yaml", &app);
    // A new namespace and its objects.
    write(
        root,
        "infra/shop.yaml",
        [
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n".to_string(),
            "apiVersion: v1\nkind: ConfigMap  # expect: dry-run-skipped\nmetadata:\n  name: shop-settings\n  namespace: shop\ndata:\n  a: b\n".to_string(),
            deployment("cart", "shop", "  # expect: dry-run-skipped", ""),
        ]
        .join("---\n"),
    );
    // A CRD and a custom resource of it.
    write(
        root,
        "infra/widgets.yaml",
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  names:\n    kind: Widget\n    plural: widgets\n    singular: widget\n    listKind: WidgetList\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n              type: object\n              properties:\n                size: {type: integer}\n---\napiVersion: example.com/v1\nkind: Widget  # expect: dry-run-skipped\nmetadata:\n  name: w1\n  namespace: default\nspec:\n  size: 3\n",
    );
    git_in(root, &["add", "--all"]);
    git_in(root, &["commit", "--quiet", "-m", "change"]);

    emulator.script(
        "PATCH",
        "/apis/apps/v1/namespaces/default/deployments/web",
        vec![Reply::json(422, INVALID_IMAGE)],
    );
    emulator.script(
        "PATCH",
        "/apis/apps/v1/namespaces/default/deployments/api",
        vec![Reply::json(403, WEBHOOK_DENIED)],
    );
    let config = kubeconfig(root, &[("ci", &emulator.url)]);
    let out = run(
        root,
        &[
            "--changed",
            "--base",
            "main",
            "--format",
            "json",
            "--no-bundled-policies",
            "--kubeconfig",
            &config,
        ],
    );
    let (actual, report) = findings(&out);
    let want = expected(
        root,
        &["infra/app.yaml", "infra/shop.yaml", "infra/widgets.yaml"],
    );
    assert_eq!(actual, want, "{report:#}\nstderr: {}", stderr_of(&out));
    assert_eq!(out.status.code(), Some(1));

    let messages = messages(&report);
    assert!(
        messages.iter().any(|m| m == "the API server rejects Deployment/web: spec.template.spec.containers[0].image: Required value"),
        "{messages:#?}"
    );
    assert!(
        messages.iter().any(|m| m.starts_with(
            "admission webhook `validation.gatekeeper.sh` denied the request: [require-team-label] you must provide labels"
        )),
        "{messages:#?}"
    );
    assert!(
        messages.iter().any(|m| m
            == "namespace shop is created by this change; dry-run skipped, offline checks ran"),
        "{messages:#?}"
    );
    assert!(
        messages.iter().any(|m| m == "Widget is defined by CustomResourceDefinition `widgets.example.com` in this change; dry-run skipped, offline checks ran"),
        "{messages:#?}"
    );

    // Namespaces and CRDs first; only the changed files; the skipped objects never sent.
    let mutations = emulator.mutations();
    assert_eq!(
        mutations[..2].iter().cloned().collect::<BTreeSet<_>>(),
        BTreeSet::from([
            "PATCH /api/v1/namespaces/shop".to_string(),
            "PATCH /apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com"
                .to_string()
        ]),
        "{mutations:#?}"
    );
    assert_eq!(
        mutations[2..].iter().cloned().collect::<BTreeSet<_>>(),
        BTreeSet::from([
            "PATCH /apis/apps/v1/namespaces/default/deployments/web".to_string(),
            "PATCH /apis/apps/v1/namespaces/default/deployments/api".to_string(),
            "PATCH /api/v1/namespaces/default/configmaps/settings".to_string(),
        ]),
        "{mutations:#?}"
    );
    assert_eq!(assert_only_dry_runs(&emulator), 5);
    // The body is the manifest as JSON.
    let web = emulator
        .requests()
        .into_iter()
        .find(|r| r.path() == "/apis/apps/v1/namespaces/default/deployments/web")
        .unwrap();
    let body: Value = serde_json::from_str(&web.body).unwrap();
    assert_eq!(body["metadata"]["name"], "web");
    // Discovery was aggregated: two discovery requests, with client-go's Accept.
    let gets: Vec<String> = emulator
        .requests()
        .iter()
        .filter(|r| r.method == "GET")
        .map(|r| r.path().to_string())
        .collect();
    assert_eq!(gets, ["/version", "/api", "/apis"]);
}

// ---- each class of answer ----------------------------------------------------------------------

/// Runs one file against an emulator scripted by `setup`; returns the output.
fn check_one(
    file: &str,
    setup: impl FnOnce(&Emulator),
    cluster: Cluster,
    extra: &[&str],
) -> (Output, Emulator, tempfile::TempDir) {
    let emulator = Emulator::start(cluster);
    setup(&emulator);
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "m.yaml", file);
    let config = kubeconfig(dir.path(), &[("ci", &emulator.url)]);
    let mut args = vec![
        "--format",
        "json",
        "--no-bundled-policies",
        "--kubeconfig",
        config.as_str(),
    ];
    args.extend(extra);
    args.push("m.yaml");
    let out = run(dir.path(), &args);
    (out, emulator, dir)
}

/// The cluster rules; the per-class tests leave offline findings (a fixture trimmed to the field
/// under test misses required fields) to the other suites.
const CLUSTER_RULES: &[&str] = &[
    "server-rejected",
    "server-warning",
    "admission-denied",
    "dry-run-forbidden",
    "dry-run-skipped",
    "unknown-server-kind",
];

fn assert_markers(out: &Output, dir: &Path) -> Value {
    let (mut actual, report) = findings(out);
    actual.retain(|(_, _, rule)| CLUSTER_RULES.contains(&rule.as_str()));
    assert_eq!(
        actual,
        expected(dir, &["m.yaml"]),
        "{report:#}\nstderr: {}",
        stderr_of(out)
    );
    report
}

#[test]
fn valid_objects_give_no_finding_and_exit_0() {
    let file = format!(
        "{}---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: default\n",
        deployment("web", "default", "", "")
    );
    let (out, emulator, dir) = check_one(
        &file,
        |_| {},
        Cluster {
            existing: vec!["/api/v1/namespaces/default".into()],
            ..Cluster::default()
        },
        &[],
    );
    assert_markers(&out, dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(assert_only_dry_runs(&emulator), 2);
}

#[test]
fn invalid_with_several_causes_gives_one_finding_per_cause_at_its_field() {
    let file = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: notifications\n  namespace: default\nspec:  # expect: server-rejected\n  template:\n    metadata:\n      labels:  # expect: server-rejected\n        app: notifications\n    spec:\n      containers:\n        - name: app\n          image: example.com/n:1\n";
    let (out, emulator, dir) = check_one(
        file,
        |e| {
            e.script(
                "PATCH",
                "/apis/apps/v1/namespaces/default/deployments/notifications",
                vec![Reply::json(422, INVALID_TWO_CAUSES)],
            )
        },
        Cluster::default(),
        &[],
    );
    let report = assert_markers(&out, dir.path());
    let messages = messages(&report);
    assert!(messages.iter().any(|m| m.ends_with("spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"notifications\"}: `selector` does not match template `labels`")), "{messages:#?}");
    assert_eq!(assert_only_dry_runs(&emulator), 1);
}

#[test]
fn admission_policy_rbac_typed_patch_conflict_and_strict_decoding() {
    let file = [
        "apiVersion: apps/v1\nkind: Deployment  # expect: admission-denied\nmetadata:\n  name: web\n  namespace: default\nspec:\n  replicas: 9\n".to_string(),
        "apiVersion: apps/v1\nkind: Deployment  # expect: dry-run-forbidden\nmetadata:\n  name: web\n  namespace: shop\n".to_string(),
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: admin-api\n  namespace: general\nspec:\n  topologyKeys: [a]  # expect: server-rejected\n".to_string(),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: scaled\n  namespace: default\nspec:\n  replicas: 3  # expect: server-rejected\n".to_string(),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  generateName: batch-\n  namespace: default\nspec:\n  replicas: 1  # expect: server-rejected\n  template:\n    spec:\n      containers:\n        - name: app\n          imagePullPolcy: Always  # expect: server-rejected\n".to_string(),
    ]
    .join("---\n");
    let (out, emulator, dir) = check_one(
        &file,
        |e| {
            e.script(
                "PATCH",
                "/apis/apps/v1/namespaces/default/deployments/web",
                vec![Reply::json(422, VAP_DENIED)],
            );
            e.script(
                "PATCH",
                "/apis/apps/v1/namespaces/shop/deployments/web",
                vec![Reply::json(403, RBAC_FORBIDDEN)],
            );
            e.script(
                "PATCH",
                "/api/v1/namespaces/general/services/admin-api",
                vec![Reply::json(500, TYPED_PATCH)],
            );
            e.script(
                "PATCH",
                "/apis/apps/v1/namespaces/default/deployments/scaled",
                vec![Reply::json(409, CONFLICT)],
            );
            e.script(
                "POST",
                "/apis/apps/v1/namespaces/default/deployments",
                vec![Reply::json(400, STRICT_DECODING)],
            );
        },
        Cluster {
            namespaces: vec!["default".into(), "shop".into(), "general".into()],
            ..Cluster::default()
        },
        &["--no-strict"],
    );
    let report = assert_markers(&out, dir.path());
    let messages = messages(&report);
    for expected in [
        "ValidatingAdmissionPolicy `max-replicas` (binding `max-replicas-prod`) denied the request: failed expression: object.spec.replicas <= 5 (Deployment/web)",
        "the API server rejects `spec.topologyKeys`: field not declared in schema",
        "the API server rejects unknown field `spec.template.spec.containers[0].imagePullPolcy`",
        "the API server rejects duplicate field `spec.replicas`",
        "the API server reports a conflict on Deployment/scaled: conflict with \"helm\" using apps/v1",
    ] {
        assert!(
            messages.iter().any(|m| m == expected),
            "{expected}\n{messages:#?}"
        );
    }
    assert!(
        messages.iter().any(|m| m.starts_with(
            "system:serviceaccount:ci:gitops-lint may not `patch` deployments.apps, so Deployment/web could not be dry-run"
        )),
        "{messages:#?}"
    );
    // The generateName object was created (POST), not applied.
    assert!(
        emulator
            .mutations()
            .contains(&"POST /apis/apps/v1/namespaces/default/deployments".to_string())
    );
    assert_eq!(assert_only_dry_runs(&emulator), 5);
}

#[test]
fn missing_namespace_points_at_metadata_namespace() {
    let file = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: nowhere  # expect: server-rejected\n";
    let (out, _emulator, dir) = check_one(file, |_| {}, Cluster::default(), &[]);
    let report = assert_markers(&out, dir.path());
    assert_eq!(
        messages(&report),
        ["namespace `nowhere` does not exist on the cluster, so ConfigMap/c cannot be created"]
    );
}

#[test]
fn a_new_namespace_the_identity_may_not_patch_still_skips_its_objects() {
    let forbidden = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"namespaces \\\"shop\\\" is forbidden: User \\\"system:serviceaccount:ci:gitops-lint\\\" cannot patch resource \\\"namespaces\\\" in API group \\\"\\\" at the cluster scope\",\"reason\":\"Forbidden\",\"details\":{\"name\":\"shop\",\"kind\":\"namespaces\"},\"code\":403}\n";
    let file = "apiVersion: v1\nkind: Namespace  # expect: dry-run-forbidden\nmetadata:\n  name: shop\n---\napiVersion: v1\nkind: ConfigMap  # expect: dry-run-skipped\nmetadata:\n  name: c\n  namespace: shop\n";
    let (out, emulator, dir) = check_one(
        file,
        |e| {
            e.script(
                "PATCH",
                "/api/v1/namespaces/shop",
                vec![Reply::json(403, forbidden)],
            )
        },
        Cluster::default(),
        &[],
    );
    let report = assert_markers(&out, dir.path());
    assert!(
        messages(&report)[0].starts_with("system:serviceaccount:ci:gitops-lint may not `patch` namespaces, so Namespace/shop could not be dry-run"),
        "{report:#}"
    );
    assert_eq!(assert_only_dry_runs(&emulator), 2);
}

#[test]
fn unknown_kind_without_a_crd_is_an_error() {
    let file = "apiVersion: monitoring.coreos.com/v1  # expect: unknown-server-kind\nkind: ServiceMonitor\nmetadata:\n  name: m\n  namespace: default\n";
    let (out, emulator, dir) = check_one(file, |_| {}, Cluster::default(), &[]);
    let report = assert_markers(&out, dir.path());
    assert!(
        messages(&report).contains(
            &"the cluster does not serve kind `ServiceMonitor` in `monitoring.coreos.com/v1`"
                .to_string()
        ),
        "{report:#}"
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(assert_only_dry_runs(&emulator), 0);
}

#[test]
fn a_resource_the_server_stops_serving_is_an_unknown_kind() {
    // Discovery still lists it, the route is gone (a CRD deleted meanwhile): plain-text 404.
    let file = "apiVersion: v1\nkind: ConfigMap  # expect: unknown-server-kind\nmetadata:\n  name: c\n  namespace: default\n";
    let (out, _emulator, dir) = check_one(
        file,
        |e| {
            e.script(
                "PATCH",
                "/api/v1/namespaces/default/configmaps/c",
                vec![Reply::plain(404, "404 page not found\n", &[])],
            )
        },
        Cluster::default(),
        &[],
    );
    let report = assert_markers(&out, dir.path());
    assert_eq!(
        messages(&report),
        ["the API server does not serve v1 ConfigMap (404 404 page not found)"]
    );
}

#[test]
fn pod_warnings_point_at_their_field() {
    let file = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: default\nspec:\n  containers:\n    - name: app\n      image: example.com/app:1\n      env:\n        - {name: A, value: \"1\"}\n        - {name: A, value: \"2\"}  # expect: server-warning\n";
    let mut cluster = Cluster::default();
    cluster.resources.push(apiserver::Served {
        group: "",
        version: "v1",
        kind: "Pod",
        plural: "pods",
        namespaced: true,
    });
    let (out, _emulator, dir) = check_one(
        file,
        |e| {
            e.script(
                "PATCH",
                "/api/v1/namespaces/default/pods/p",
                vec![Reply::DefaultWithWarnings(vec![
                    "299 - \"spec.containers[0].env[1]: hides previous definition of \\\"A\\\", which may be dropped when using apply\"".into(),
                ])],
            )
        },
        cluster,
        &[],
    );
    let report = assert_markers(&out, dir.path());
    assert_eq!(
        report["findings"]
            .as_array()
            .map(|f| f.iter().filter(|f| f["rule"] == "server-warning").count()),
        Some(1)
    );
}

#[test]
fn warning_headers_become_warnings() {
    let file = "apiVersion: v1\nkind: ConfigMap  # expect: server-warning\nmetadata:\n  name: c\n  namespace: default\n";
    let (out, _emulator, dir) = check_one(
        file,
        |e| {
            e.script(
                "PATCH",
                "/api/v1/namespaces/default/configmaps/c",
                vec![Reply::DefaultWithWarnings(vec![
                    "299 - \"Validation failed for ValidatingAdmissionPolicy 'p' with binding 'b': \\\"quoted\\\" text\"".into(),
                ])],
            )
        },
        Cluster::default(),
        &[],
    );
    let report = assert_markers(&out, dir.path());
    assert_eq!(
        messages(&report),
        [
            "the API server warns: Validation failed for ValidatingAdmissionPolicy 'p' with binding 'b': \"quoted\" text"
        ]
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn secret_values_the_server_echoes_are_never_printed() {
    let file = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: default\nstringData:\n  password: hunter2-hunter2  # expect: server-rejected\n";
    let (out, _emulator, dir) = check_one(
        file,
        |e| {
            e.script(
                "PATCH",
                "/api/v1/namespaces/default/secrets/db",
                vec![Reply::json(422, SECRET_INVALID)],
            )
        },
        Cluster::default(),
        &[],
    );
    // The cause names data[password]; the Secret has stringData, so the finding falls back.
    let (actual, report) = findings(&out);
    assert_eq!(actual.len(), 1, "{report:#}");
    let all = format!("{}{}", stdout_of(&out), stderr_of(&out));
    assert!(!all.contains("hunter2"), "{all}");
    let _ = dir;
}

// ---- transient answers, limits and unreachable clusters ---------------------------------------

#[test]
fn throttled_then_success_honours_retry_after() {
    let file = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: default\n";
    let started = Instant::now();
    let (out, emulator, dir) = check_one(
        file,
        |e| {
            e.script(
                "PATCH",
                "/api/v1/namespaces/default/configmaps/c",
                vec![
                    Reply::plain(
                        429,
                        "Too many requests, please try again later.\n",
                        &[("Retry-After", "1")],
                    ),
                    Reply::Default,
                ],
            )
        },
        Cluster::default(),
        &[],
    );
    assert_markers(&out, dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(
        emulator.mutations(),
        [
            "PATCH /api/v1/namespaces/default/configmaps/c",
            "PATCH /api/v1/namespaces/default/configmaps/c"
        ]
    );
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After ignored"
    );
    assert_only_dry_runs(&emulator);
}

#[test]
fn a_slow_answer_times_out_and_is_retried() {
    let file = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: default\n";
    let (out, emulator, dir) = check_one(
        file,
        |e| {
            e.script(
                "PATCH",
                "/api/v1/namespaces/default/configmaps/c",
                vec![Reply::slow(Duration::from_secs(4)), Reply::Default],
            )
        },
        Cluster::default(),
        &["--dry-run-timeout", "1"],
    );
    assert_markers(&out, dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(emulator.mutations().len(), 2);
}

#[test]
fn requests_in_flight_are_bounded_by_the_concurrency() {
    let file: String = (0..12)
        .map(|i| {
            format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\n  namespace: default\n"
            )
        })
        .collect::<Vec<_>>()
        .join("---\n");
    let (out, emulator, dir) = check_one(
        &file,
        |e| {
            for i in 0..12 {
                e.script(
                    "PATCH",
                    &format!("/api/v1/namespaces/default/configmaps/c{i}"),
                    vec![Reply::slow_created(Duration::from_millis(300), "{}")],
                );
            }
        },
        Cluster::default(),
        &["--dry-run-concurrency", "3"],
    );
    assert_markers(&out, dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(assert_only_dry_runs(&emulator), 12);
    let max = emulator.max_in_flight();
    assert!((2..=3).contains(&max), "{max} requests in flight");
}

#[test]
fn a_cluster_that_never_answers_in_time_is_exit_2() {
    let file = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: default\n";
    let slow: Vec<Reply> = (0..10)
        .map(|_| Reply::slow(Duration::from_secs(5)))
        .collect();
    let (out, _emulator, _dir) = check_one(
        file,
        |e| e.script("PATCH", "/api/v1/namespaces/default/configmaps/c", slow),
        Cluster::default(),
        &["--dry-run-timeout", "1", "--dry-run-deadline", "3"],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("did not finish in time (--dry-run-deadline)"),
        "{stderr}"
    );
}

#[test]
fn an_unreachable_configured_cluster_is_exit_2_with_what_to_fix() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "m.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
    );
    let config = kubeconfig(dir.path(), &[("ci", &format!("http://127.0.0.1:{port}"))]);
    let out = run(dir.path(), &["--kubeconfig", &config, "m.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = stderr_of(&out);
    assert!(
        stderr.starts_with(
            "error: server-side dry-run: cannot reach the cluster of the current context of "
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("check the server address and network access"),
        "{stderr}"
    );

    // Guessed from KUBECONFIG alone (auto): a note, and the offline checks decide.
    let out = binary()
        .args(["m.yaml"])
        .env("KUBECONFIG", &config)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("note: server-side dry-run skipped: cannot reach"));

    // --dry-run server requires it.
    let out = binary()
        .args(["--dry-run", "server", "m.yaml"])
        .env("KUBECONFIG", &config)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn refused_credentials_are_exit_2() {
    let emulator = Emulator::start(Cluster::default());
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "m.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
    );
    let config =
        apiserver::kubeconfig(&[("ci", &emulator.url)]).replace(apiserver::TOKEN, "expired");
    let config = write(dir.path(), "kubeconfig", &config);
    let out = run(
        dir.path(),
        &["--kubeconfig", config.to_str().unwrap(), "m.yaml"],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("refuses the credentials (401 Unauthorized)"),
        "{stderr}"
    );
    assert!(emulator.mutations().is_empty());
}

/// An environment that names a context, on a machine with no kubeconfig at all (a developer's
/// laptop, the example repository): `auto` stays off; `server` insists.
#[test]
fn auto_with_an_environment_context_but_no_kubeconfig_is_off() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".gitops-lint.yaml",
        "environments:\n  - name: prod\n    files: [\"prod/**\"]\n    context: prod\n",
    );
    write(
        dir.path(),
        "prod/m.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
    );
    let out = run(dir.path(), &["--no-bundled-policies", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(
        stderr_of(&out).contains("dry-run off"),
        "{}",
        stderr_of(&out)
    );
    let out = run(dir.path(), &["--dry-run", "server", "."]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn auto_without_a_cluster_is_off_with_one_note_and_off_is_silent() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "m.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
    );
    let out = run(dir.path(), &["m.yaml"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stderr_of(&out),
        "note: server-side dry-run off: no cluster configured (--kubeconfig, --context, an environment's `context` with a kubeconfig, or KUBECONFIG)\n"
    );
    let out = run(dir.path(), &["--dry-run", "off", "m.yaml"]);
    assert_eq!(stderr_of(&out), "");
    let out = run(dir.path(), &["--dry-run", "server", "m.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("no kubeconfig"),
        "{}",
        stderr_of(&out)
    );
    let out = run(dir.path(), &["--context", "prod", "m.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("context `prod` needs a kubeconfig"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn legacy_discovery_is_used_when_aggregated_is_not_offered() {
    let file = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: default\n---\napiVersion: nope.example.com/v1  # expect: unknown-server-kind\nkind: Thing\nmetadata:\n  name: t\n";
    let (out, emulator, dir) = check_one(
        file,
        |_| {},
        Cluster {
            aggregated: false,
            ..Cluster::default()
        },
        &[],
    );
    assert_markers(&out, dir.path());
    let gets: Vec<String> = emulator
        .requests()
        .iter()
        .filter(|r| r.method == "GET")
        .map(|r| r.path().to_string())
        .collect();
    assert_eq!(
        gets,
        [
            "/version",
            "/api",
            "/apis/apps/v1",
            "/apis/nope.example.com/v1"
        ]
    );
    assert_eq!(assert_only_dry_runs(&emulator), 1);
}

// ---- environments: a context per environment ---------------------------------------------------

#[test]
fn each_environment_is_dry_run_on_its_own_context() {
    let staging = Emulator::start(Cluster::default());
    let production = Emulator::start(Cluster::default());
    production.script(
        "PATCH",
        "/apis/apps/v1/namespaces/default/deployments/web",
        vec![Reply::json(403, WEBHOOK_DENIED)],
    );
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let config = kubeconfig(
        root,
        &[("staging", &staging.url), ("production", &production.url)],
    );
    write(
        root,
        ".gitops-lint.yaml",
        format!(
            "environments:\n  - name: staging\n    files: [\"staging/**\"]\n    context: staging\n  - name: production\n    files: [\"production/**\"]\n    context: production\n    kubeconfig: {config}\n"
        ),
    );
    write(
        root,
        "staging/app.yaml",
        deployment("web", "default", "", ""),
    );
    write(
        root,
        "production/app.yaml",
        deployment("web", "default", "  # expect: admission-denied", ""),
    );
    let out = binary()
        .args(["--format", "json", "--no-bundled-policies", "."])
        .env("KUBECONFIG", &config)
        .current_dir(root)
        .output()
        .unwrap();
    let (actual, report) = findings(&out);
    let want = expected(root, &["production/app.yaml"]);
    assert_eq!(actual, want, "{report:#}\n{}", stderr_of(&out));
    assert_eq!(
        report["findings"][0]["environment"], "production",
        "{report:#}"
    );
    assert_eq!(
        staging.mutations(),
        ["PATCH /apis/apps/v1/namespaces/default/deployments/web"]
    );
    assert_eq!(
        production.mutations(),
        ["PATCH /apis/apps/v1/namespaces/default/deployments/web"]
    );
    assert_only_dry_runs(&staging);
    assert_only_dry_runs(&production);
}

// ---- --diff --------------------------------------------------------------------------------------

#[test]
fn diff_shows_what_an_apply_would_change_without_secret_values() {
    let live_web = r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default","uid":"1","resourceVersion":"41","generation":3,"managedFields":[{"manager":"argocd"}]},"spec":{"replicas":2},"status":{"replicas":2}}"#;
    let live_secret = r#"{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db","namespace":"default"},"data":{"password":"b2xkLXNlY3JldA=="}}"#;
    let file = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: default\nspec:\n  replicas: 3\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: default\ndata:\n  password: bmV3LXNlY3JldA==\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fresh\n  namespace: default\ndata:\n  a: b\n";
    let (out, emulator, _dir) = check_one(
        file,
        |_| {},
        Cluster {
            live: vec![
                (
                    "/apis/apps/v1/namespaces/default/deployments/web".into(),
                    live_web.into(),
                ),
                (
                    "/api/v1/namespaces/default/secrets/db".into(),
                    live_secret.into(),
                ),
            ],
            ..Cluster::default()
        },
        &["--diff", "--no-strict"],
    );
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("--- live/apps/v1/Deployment/default/web\n+++ dry-run/apps/v1/Deployment/default/web\n@@ -4,4 +4,4 @@\n   name: web\n   namespace: default\n spec:\n-  replicas: 2\n+  replicas: 3\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("+  password: \"<redacted (changed)>\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("--- live/v1/ConfigMap/default/fresh (absent)\n"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("bmV3") && !stderr.contains("b2xk"),
        "{stderr}"
    );
    // The live objects were read, and nothing was written.
    let gets: Vec<String> = emulator
        .requests()
        .iter()
        .filter(|r| r.method == "GET")
        .map(|r| r.path().to_string())
        .collect();
    assert!(gets.contains(&"/apis/apps/v1/namespaces/default/deployments/web".to_string()));
    assert!(!gets.contains(&"/api/v1/namespaces/default/configmaps/fresh".to_string()));
    assert_eq!(assert_only_dry_runs(&emulator), 3);
    // The report on stdout is unchanged by --diff.
    findings(&out);
}

#[test]
fn files_outside_a_clustered_environment_are_not_dry_run_without_a_run_cluster() {
    let production = Emulator::start(Cluster::default());
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let config = kubeconfig(root, &[("production", &production.url)]);
    write(
        root,
        ".gitops-lint.yaml",
        format!(
            "environments:\n  - name: production\n    files: [\"production/**\"]\n    context: production\n    kubeconfig: {config}\n  - name: dev\n    files: [\"dev/**\"]\n"
        ),
    );
    write(
        root,
        "production/app.yaml",
        deployment("web", "default", "", ""),
    );
    write(
        root,
        "dev/app.yaml",
        deployment("dev-web", "default", "", ""),
    );
    let out = run(root, &["--format", "json", "--no-bundled-policies", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(
        production.mutations(),
        ["PATCH /apis/apps/v1/namespaces/default/deployments/web"]
    );
    // An environment naming an unreachable cluster is configured, not guessed: exit 2.
    write(
        root,
        ".gitops-lint.yaml",
        "environments:\n  - name: production\n    files: [\"production/**\"]\n    context: production\n    kubeconfig: missing-kubeconfig\n",
    );
    let out = run(root, &["."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("cannot read kubeconfig"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn human_output_shows_the_servers_verdict_at_its_line() {
    let file = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: nowhere\n";
    let emulator = Emulator::start(Cluster::default());
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "m.yaml", file);
    let config = kubeconfig(dir.path(), &[("ci", &emulator.url)]);
    let out = run(
        dir.path(),
        &[
            "--color",
            "never",
            "--no-bundled-policies",
            "--kubeconfig",
            &config,
            "m.yaml",
        ],
    );
    let stdout = stdout_of(&out);
    assert!(stdout.contains("m.yaml:5:3"), "{stdout}");
    assert!(stdout.contains("server-rejected"), "{stdout}");
}

#[test]
fn throttling_that_never_ends_is_exit_2_and_a_status_retry_hint_is_honoured() {
    let file = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: default\n";
    let throttled: Vec<Reply> = (0..10)
        .map(|_| {
            Reply::plain(
                429,
                "Too many requests, please try again later.\n",
                &[("Retry-After", "0")],
            )
        })
        .collect();
    let (out, emulator, _dir) = check_one(
        file,
        |e| {
            e.script(
                "PATCH",
                "/api/v1/namespaces/default/configmaps/c",
                throttled,
            )
        },
        Cluster::default(),
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = stderr_of(&out);
    assert!(
        stderr.contains("still answers 429 after retries: Too many requests, please try again later.; try again later or lower --dry-run-concurrency"),
        "{stderr}"
    );
    assert_eq!(emulator.mutations().len(), 5, "one try and four retries");

    // 503 with a Status body whose details carry retryAfterSeconds, then success.
    let unavailable = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"the request has been made before all known HTTP paths have been installed, please try again\",\"reason\":\"ServiceUnavailable\",\"details\":{\"retryAfterSeconds\":1},\"code\":503}\n";
    let started = Instant::now();
    let (out, emulator, _dir) = check_one(
        file,
        |e| {
            e.script(
                "PATCH",
                "/api/v1/namespaces/default/configmaps/c",
                vec![Reply::json(503, unavailable), Reply::Default],
            )
        },
        Cluster::default(),
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(emulator.mutations().len(), 2);
    assert!(started.elapsed() >= Duration::from_secs(1));
}
