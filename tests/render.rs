//! Rendering end to end: Kustomize overlays built with the real `kubectl kustomize` (or
//! `kustomize`), Helm charts through a `helm template` stand-in, in temporary git repositories
//! laid out as GitOps repositories are (a base, dev/staging/production overlays), and the
//! binary run as CI runs it. Tests that need a Kustomize renderer print a notice and pass where
//! neither is on PATH.

mod common;

use std::path::{Path, PathBuf};

use common::repo::{Repo, stderr};
use serde_json::Value;

const CONFIG: &str = "\
environments:
  - name: dev
    files: [\"infra/dev/**\"]
  - name: staging
    files: [\"infra/staging/**\"]
  - name: production
    files: [\"infra/production/**\"]
    rules:
      missing-required-field: warning
bundled-policies: false
";

const BASE_KUSTOMIZATION: &str = "\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
  - service.yaml
";

const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: ghcr.io/example/web:1.0.0
          ports:
            - containerPort: 8080
";

const SERVICE: &str = "\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: 8080
";

fn overlay(env: &str) -> String {
    format!(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: shop-{env}\nresources:\n  - ../base\npatches:\n  - path: replicas.yaml\n"
    )
}

fn replicas(count: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {count}\n"
    )
}

/// A GitOps repository: a base, three overlays, and a plain manifest no overlay includes.
fn gitops_repo() -> Repo {
    let dev = overlay("dev");
    let staging = overlay("staging");
    let production = overlay("production");
    let (one, two, three) = (replicas("1"), replicas("2"), replicas("3"));
    Repo::new(&[
        (".gitops-lint.yaml", CONFIG),
        ("infra/base/kustomization.yaml", BASE_KUSTOMIZATION),
        ("infra/base/deployment.yaml", DEPLOYMENT),
        ("infra/base/service.yaml", SERVICE),
        ("infra/dev/kustomization.yaml", &dev),
        ("infra/dev/replicas.yaml", &one),
        ("infra/staging/kustomization.yaml", &staging),
        ("infra/staging/replicas.yaml", &two),
        ("infra/production/kustomization.yaml", &production),
        ("infra/production/replicas.yaml", &three),
        (
            "infra/standalone/configmap.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: flags\ndata:\n  a: \"1\"\n",
        ),
    ])
}

fn kustomize_available() -> bool {
    let found = ["kustomize", "kubectl"].iter().any(|p| on_path(p));
    if !found {
        println!("NOTICE: render test skipped: neither kustomize nor kubectl is on PATH");
    }
    found
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|d| d.join(program).is_file()))
}

/// `(rule, file, line, environment, renderedFrom, severity)` of every finding.
fn findings(report: &Value) -> Vec<(String, String, u64, String, String, String)> {
    let text = |v: &Value| v.as_str().unwrap_or("").to_string();
    let mut out: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                text(&f["rule"]),
                text(&f["location"]["file"]),
                f["location"]["line"].as_u64().unwrap(),
                text(&f["environment"]),
                text(&f["renderedFrom"]),
                text(&f["severity"]),
            )
        })
        .collect();
    out.sort();
    out
}

fn finding(
    rule: &str,
    file: &str,
    line: u64,
    environment: &str,
    rendered_from: &str,
    severity: &str,
) -> (String, String, u64, String, String, String) {
    (
        rule.into(),
        file.into(),
        line,
        environment.into(),
        rendered_from.into(),
        severity.into(),
    )
}

/// The report's findings are exactly one at `file:line` for each of the dev, production and
/// staging overlays.
fn assert_once_per_overlay(report: &Value, file: &str, line: u64) {
    let found: Vec<(String, u64, String)> = findings(report)
        .into_iter()
        .map(|f| (f.1, f.2, f.4))
        .collect();
    assert_eq!(found, once_per_overlay(file, line), "{report}");
}

/// `(file, line, renderedFrom)` once for each of the dev, production and staging overlays.
fn once_per_overlay(file: &str, line: u64) -> Vec<(String, u64, String)> {
    ["dev", "production", "staging"]
        .iter()
        .map(|env| (file.to_string(), line, format!("infra/{env}")))
        .collect()
}

/// A renderer that logs each call to `log` and runs the real one.
fn logging_renderer(dir: &Path, log: &Path) -> PathBuf {
    let script = dir.join("logging-kustomize");
    let real = if on_path("kustomize") {
        "kustomize build"
    } else {
        "kubectl kustomize"
    };
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho \"$@\" >> '{}'\nshift\nexec {real} \"$@\"\n",
            log.display()
        ),
    )
    .unwrap();
    make_executable(&script);
    script
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn calls(log: &Path) -> usize {
    std::fs::read_to_string(log)
        .map(|t| t.lines().count())
        .unwrap_or(0)
}

#[test]
fn a_defect_in_a_base_is_reported_once_per_environment_at_the_base_line() {
    if !kustomize_available() {
        return;
    }
    let repo = gitops_repo();
    repo.git(&["checkout", "--quiet", "-b", "pr"]);
    let broken = DEPLOYMENT.replace(
        "      containers:\n",
        "      containers:\n        - image: ghcr.io/example/sidecar:1.0\n",
    );
    repo.commit("add a sidecar", &[("infra/base/deployment.yaml", &broken)]);
    let report = repo.json(&["--changed"]);
    // The sidecar has no name (line 16): an error in dev and staging, a warning in production,
    // whose environment turns the rule down.
    assert_eq!(
        findings(&report),
        vec![
            finding(
                "missing-required-field",
                "infra/base/deployment.yaml",
                16,
                "dev",
                "infra/dev",
                "error"
            ),
            finding(
                "missing-required-field",
                "infra/base/deployment.yaml",
                16,
                "production",
                "infra/production",
                "warning"
            ),
            finding(
                "missing-required-field",
                "infra/base/deployment.yaml",
                16,
                "staging",
                "infra/staging",
                "error"
            ),
        ],
        "{report}"
    );
    let messages = common::messages(&report);
    assert!(
        messages
            .iter()
            .any(|m| m.ends_with("(rendered from overlay infra/production)")),
        "{messages:?}"
    );
    // The base file is checked through the overlays only, not a fourth time on its own.
    assert_eq!(report["summary"]["files"], 1);
}

#[test]
fn a_changed_patch_renders_only_its_overlay_and_points_at_the_patch() {
    if !kustomize_available() {
        return;
    }
    let repo = gitops_repo();
    let log = repo.root.join("../renders.log");
    let renderer = logging_renderer(&repo.root.join(".."), &log);
    repo.git(&["checkout", "--quiet", "-b", "pr"]);
    repo.commit(
        "quote the replicas",
        &[("infra/production/replicas.yaml", &replicas("\"3\""))],
    );
    let report = repo.json(&["--changed", "--kustomize", renderer.to_str().unwrap()]);
    assert_eq!(
        findings(&report),
        vec![finding(
            "invalid-field-type",
            "infra/production/replicas.yaml",
            6,
            "production",
            "infra/production",
            "error"
        )],
        "{report}"
    );
    assert_eq!(calls(&log), 1, "only the production overlay is rendered");
}

#[test]
fn a_change_no_overlay_includes_is_checked_as_a_file_without_rendering() {
    if !kustomize_available() {
        return;
    }
    let repo = gitops_repo();
    let log = repo.root.join("../renders.log");
    let renderer = logging_renderer(&repo.root.join(".."), &log);
    repo.git(&["checkout", "--quiet", "-b", "pr"]);
    repo.commit(
        "a duplicate key",
        &[(
            "infra/standalone/configmap.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: flags\ndata:\n  a: \"1\"\n  a: \"2\"\n",
        )],
    );
    let report = repo.json(&["--changed", "--kustomize", renderer.to_str().unwrap()]);
    assert_eq!(
        findings(&report),
        vec![finding(
            "duplicate-key",
            "infra/standalone/configmap.yaml",
            7,
            "",
            "",
            "error"
        )],
        "{report}"
    );
    assert_eq!(calls(&log), 0);
}

#[test]
fn renders_are_cached_by_the_content_of_every_input() {
    if !kustomize_available() {
        return;
    }
    let repo = gitops_repo();
    let log = repo.root.join("../renders.log");
    let renderer = logging_renderer(&repo.root.join(".."), &log);
    let args = ["--kustomize", renderer.to_str().unwrap(), "infra"];
    let first = repo.json(&args);
    assert_eq!(calls(&log), 3, "three overlays: {first}");
    assert!(
        repo.root.join(".git/gitops-lint/render-cache").is_dir(),
        "the cache lives in the repository's .git"
    );
    let second = repo.json(&args);
    assert_eq!(
        calls(&log),
        3,
        "a second run with no change renders nothing"
    );
    assert_eq!(findings(&first), findings(&second));
    // A change to the base re-renders every overlay over it; one to a patch, only its overlay.
    repo.write(
        "infra/base/service.yaml",
        &SERVICE.replace("port: 80", "port: 81"),
    );
    repo.json(&args);
    assert_eq!(calls(&log), 6);
    repo.write("infra/dev/replicas.yaml", &replicas("4"));
    repo.json(&args);
    assert_eq!(calls(&log), 7);
    repo.json(&[
        "--no-cache",
        "--kustomize",
        renderer.to_str().unwrap(),
        "infra",
    ]);
    assert_eq!(calls(&log), 10, "--no-cache renders again");
}

#[test]
fn deleting_a_resource_the_base_names_fails_every_overlay_at_that_entry() {
    if !kustomize_available() {
        return;
    }
    let repo = gitops_repo();
    repo.git(&["checkout", "--quiet", "-b", "pr"]);
    repo.git(&["rm", "--quiet", "infra/base/service.yaml"]);
    repo.git(&["commit", "--quiet", "--message", "drop the service"]);
    let report = repo.json(&["--changed"]);
    let found = findings(&report);
    assert_eq!(found.len(), 3, "{report}");
    for (rule, file, line, _, _, severity) in &found {
        assert_eq!(
            (rule.as_str(), file.as_str(), *line, severity.as_str()),
            ("render-failed", "infra/base/kustomization.yaml", 5, "error"),
            "{report}"
        );
    }
    let message = report["findings"][0]["message"].as_str().unwrap();
    assert!(message.contains("service.yaml"), "{message}");
    assert!(
        !message.contains("gitops-lint-render"),
        "no wrapper paths: {message}"
    );
}

#[test]
fn a_missing_renderer_is_one_finding_per_overlay_and_files_are_still_checked() {
    let repo = gitops_repo();
    let broken = DEPLOYMENT.replace("  replicas: 2", "  replicas: \"2\"");
    repo.write("infra/base/deployment.yaml", &broken);
    let report = repo.json(&["--kustomize", "/nonexistent/kustomize", "infra"]);
    let found = findings(&report);
    let unavailable: Vec<_> = found
        .iter()
        .filter(|f| f.0 == "renderer-unavailable")
        .map(|f| f.1.as_str())
        .collect();
    assert_eq!(
        unavailable,
        [
            "infra/dev/kustomization.yaml",
            "infra/production/kustomization.yaml",
            "infra/staging/kustomization.yaml"
        ],
        "{report}"
    );
    assert!(
        found.contains(&finding(
            "invalid-field-type",
            "infra/base/deployment.yaml",
            6,
            "",
            "",
            "error"
        )),
        "the base is checked as a plain file: {report}"
    );
}

/// A `helm template` stand-in: prints a chart's rendering as Helm does (`# Source:` comments),
/// and the values files it was given.
const FAKE_HELM: &str = r#"#!/bin/sh
values=""
while [ $# -gt 0 ]; do
  case "$1" in
    --values) values="$values $(basename "$2")"; shift 2;;
    *) shift;;
  esac
done
cat <<EOF
---
# Source: web/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    values: "$values"
spec:
  ports:
    - port: 80
---
# Source: web/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: two
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: ghcr.io/example/web:1.0.0
EOF
"#;

const DEPLOYMENT_TEMPLATE: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels:
      app: {{ .Release.Name }}
";

#[test]
fn helm_charts_render_per_environment_and_findings_point_at_the_template() {
    let repo = Repo::new(&[
        (
            ".gitops-lint.yaml",
            "environments:\n  - name: production\n    files: [\"charts/**\"]\n    helm-values: [values-production.yaml]\nbundled-policies: false\n",
        ),
        (
            "charts/web/Chart.yaml",
            "apiVersion: v2\nname: web\nversion: 1.0.0\n",
        ),
        ("charts/web/values.yaml", "replicas: 2\n"),
        ("charts/web/values-production.yaml", "replicas: 3\n"),
        ("charts/web/templates/deployment.yaml", DEPLOYMENT_TEMPLATE),
        (
            "charts/web/templates/service.yaml",
            "apiVersion: v1\nkind: Service\n",
        ),
    ]);
    let helm = repo.root.join("../helm");
    std::fs::write(&helm, FAKE_HELM).unwrap();
    make_executable(&helm);
    let report = repo.json(&["--helm", helm.to_str().unwrap(), "charts"]);
    assert_eq!(
        findings(&report),
        vec![finding(
            "invalid-field-type",
            "charts/web/templates/deployment.yaml",
            6,
            "production",
            "charts/web (production values)",
            "error"
        )],
        "{report}"
    );
    // Without helm: one finding for the chart, nothing silent.
    let report = repo.json(&["--helm", "/nonexistent/helm", "charts"]);
    let rules: Vec<String> = findings(&report).into_iter().map(|f| f.0).collect();
    assert_eq!(rules, ["renderer-unavailable"], "{report}");
}

#[test]
fn no_render_checks_overlay_files_as_plain_manifests() {
    let repo = gitops_repo();
    let broken = DEPLOYMENT.replace("  replicas: 2", "  replicas: \"2\"");
    repo.write("infra/base/deployment.yaml", &broken);
    // Without --no-render the missing renderer would be one finding per overlay, and the base
    // defect would be reported per overlay; with it, the base is checked once, as a file.
    let report = repo.json(&[
        "--no-render",
        "--kustomize",
        "/nonexistent/kustomize",
        "infra",
    ]);
    assert_eq!(
        findings(&report),
        vec![finding(
            "invalid-field-type",
            "infra/base/deployment.yaml",
            6,
            "",
            "",
            "error"
        )],
        "{report}"
    );
    assert!(report["summary"].get("renders").is_none(), "{report}");
}

/// Real Kustomize trees from `../shared/corpus`: every overlay renders, and every finding on a
/// rendered object lands on a file of the tree.
#[test]
fn corpus_overlays_render_and_map_back_to_their_files() {
    if !kustomize_available() {
        return;
    }
    let Some(shared) = common::shared_dir("corpus render test") else {
        return;
    };
    for tree in ["microservices-demo", "flux2-kustomize-helm-example"] {
        let dir = shared.join("corpus").join(tree);
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_gitops-lint"))
            .args([
                "--format",
                "json",
                "--no-config",
                "--no-bundled-policies",
                "--no-cache",
                "--helm",
                "/nonexistent/helm",
                ".",
            ])
            .current_dir(&dir)
            .env_remove("GITHUB_ACTIONS")
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{tree}: {e}: {}", stderr(&out)));
        let mut rendered = 0;
        for f in report["findings"].as_array().unwrap() {
            let file = f["location"]["file"].as_str().unwrap();
            assert_ne!(f["rule"], "render-failed", "{tree}: {f}");
            assert!(
                dir.join(file).is_file(),
                "{tree}: finding not on a repository file: {f}"
            );
            if f.get("renderedFrom").is_some() {
                rendered += 1;
            }
        }
        if tree == "microservices-demo" {
            assert!(
                rendered > 0,
                "{tree}: no finding came from a render: {report}"
            );
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The bundled example repository as a pull request would change it: a defect in the base
/// deployment is reported for dev, staging and production, at the base file's line.
#[test]
fn the_example_repository_reports_a_base_defect_per_environment() {
    if !kustomize_available() {
        return;
    }
    let repo = Repo::new(&[]);
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/gitops-repo"),
        &repo.root,
    );
    repo.commit("the example", &[]);
    let clean = repo.run(&["--format", "json", "infra"]);
    assert_eq!(
        clean.status.code(),
        Some(0),
        "{}",
        common::repo::stdout(&clean)
    );
    repo.git(&["checkout", "--quiet", "-b", "pr"]);
    let path = "infra/base/deployment.yaml";
    let text = std::fs::read_to_string(repo.root.join(path)).unwrap();
    let (line, _) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.trim_start().starts_with("imagePullPolicy:"))
        .expect("the example deployment sets imagePullPolicy");
    let broken = text.replacen("imagePullPolicy:", "imagePullPolicyy:", 1);
    repo.commit("a typo", &[(path, &broken)]);
    let report = repo.json(&["--changed"]);
    let typos: Vec<(String, u64, String)> = findings(&report)
        .into_iter()
        .filter(|f| f.0 == "unknown-field")
        .map(|f| (f.1, f.2, f.4))
        .collect();
    assert_eq!(typos, once_per_overlay(path, line as u64 + 1), "{report}");
}

/// A patch in a Component that every overlay includes: changing it selects all three overlays,
/// and the finding points at the patch line, once per environment.
#[test]
fn a_shared_component_patch_is_checked_in_every_overlay_that_uses_it() {
    if !kustomize_available() {
        return;
    }
    let repo = gitops_repo();
    let component = "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n  - path: limits.yaml\n";
    let limits = |cpu: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          resources:\n            limits:\n              cpu: {cpu}\n"
        )
    };
    let mut files = vec![
        (
            "infra/components/limits/kustomization.yaml".to_string(),
            component.to_string(),
        ),
        (
            "infra/components/limits/limits.yaml".to_string(),
            limits("500m"),
        ),
    ];
    for env in ["dev", "staging", "production"] {
        files.push((
            format!("infra/{env}/kustomization.yaml"),
            overlay(env) + "components:\n  - ../components/limits\n",
        ));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    repo.commit("limits for everyone", &files);
    let clean = repo.json(&["infra"]);
    assert_eq!(findings(&clean), vec![], "{clean}");
    repo.git(&["checkout", "--quiet", "-b", "pr"]);
    repo.commit(
        "a list is not a quantity",
        &[("infra/components/limits/limits.yaml", &limits("[1]"))],
    );
    let report = repo.json(&["--changed"]);
    assert_once_per_overlay(&report, "infra/components/limits/limits.yaml", 12);
}

/// An environment's Kubernetes version: resource.k8s.io/v1 is served from 1.34, so the same
/// object is an error in an environment pinned to 1.33 only.
#[test]
fn environments_validate_against_their_own_kubernetes_versions() {
    let claim = "apiVersion: resource.k8s.io/v1\nkind: ResourceClaim\nmetadata:\n  name: gpu\nspec:\n  devices:\n    requests: []\n";
    let repo = Repo::new(&[
        (
            ".gitops-lint.yaml",
            "environments:\n  - name: old\n    files: [\"old/**\"]\n    kubernetes-versions: [\"1.33\"]\nbundled-policies: false\n",
        ),
        ("old/claim.yaml", claim),
        ("new/claim.yaml", claim),
    ]);
    let report = repo.json(&["."]);
    let found: Vec<(String, String, String)> = findings(&report)
        .into_iter()
        .map(|f| (f.0, f.1, f.3))
        .collect();
    assert_eq!(
        found,
        [(
            "unserved-api-version".to_string(),
            "old/claim.yaml".to_string(),
            "old".to_string()
        )],
        "{report}"
    );
}

/// pre-commit runs `gitops-lint --staged`: a staged change to a base checks every overlay over
/// it, before the commit exists.
#[test]
fn a_staged_base_change_checks_the_overlays_it_affects() {
    if !kustomize_available() {
        return;
    }
    let repo = gitops_repo();
    let broken = DEPLOYMENT.replace("  replicas: 2", "  replicas: \"2\"");
    repo.write("infra/base/deployment.yaml", &broken);
    repo.git(&["add", "infra/base/deployment.yaml"]);
    let report = repo.json(&["--staged"]);
    // Each overlay patches `replicas: N`, but Kustomize keeps the base's quoted string: the
    // rendered value comes from the base, so that is where each overlay's finding points.
    assert_once_per_overlay(&report, "infra/base/deployment.yaml", 6);
}
