//! A generated corpus of realistic manifests for the benchmarks: Deployments, StatefulSets,
//! Services, ConfigMaps, RBAC, Ingress, CRDs and custom resources, a few with defects, spread
//! over files of 20 documents the way GitOps trees spread them.

use std::fmt::Write;
use std::path::Path;

pub const DOCS_PER_FILE: usize = 20;

/// Writes `documents` documents under `dir`; returns the number of bytes written.
pub fn generate(dir: &Path, documents: usize) -> std::io::Result<u64> {
    let mut bytes = 0;
    let mut text = String::new();
    let mut file = 0;
    for i in 0..documents {
        if !text.is_empty() {
            text.push_str("---\n");
        }
        document(&mut text, i);
        if (i + 1) % DOCS_PER_FILE == 0 || i + 1 == documents {
            let sub = dir.join(format!("team-{:02}/app-{:04}", file % 25, file));
            std::fs::create_dir_all(&sub)?;
            std::fs::write(sub.join("manifests.yaml"), &text)?;
            bytes += text.len() as u64;
            text.clear();
            file += 1;
        }
    }
    Ok(bytes)
}

fn document(out: &mut String, i: usize) {
    let name = format!("svc-{i}");
    let ns = format!("team-{:02}", i % 25);
    // One document in 50 carries a defect, as a real tree under review would.
    let defect = i % 50 == 49;
    let _ = match i % 10 {
        0 | 1 => write!(
            out,
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: {ns}\n  labels:\n    app.kubernetes.io/name: {name}\n    app.kubernetes.io/part-of: shop\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: {name}\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: {name}\n    spec:\n      serviceAccountName: {name}\n      automountServiceAccountToken: false\n      securityContext:\n        runAsNonRoot: true\n        seccompProfile: {{type: RuntimeDefault}}\n      containers:\n        - name: app\n          image: ghcr.io/example/{name}:1.{i}.0\n          ports:\n            - name: http\n              containerPort: 8080\n          env:\n            - name: LOG_LEVEL\n              value: {log}\n            - name: FEATURE_X\n              value: \"true\"\n          resources:\n            requests: {{cpu: 100m, memory: 128Mi}}\n            limits: {{cpu: 500m, memory: 256Mi}}\n          readinessProbe:\n            httpGet: {{path: /readyz, port: http}}\n          livenessProbe:\n            httpGet: {{path: /healthz, port: http}}\n          securityContext:\n            allowPrivilegeEscalation: false\n            readOnlyRootFilesystem: true\n            capabilities: {{drop: [ALL]}}\n",
            replicas = 2 + i % 3,
            log = if defect { "on" } else { "info" },
        ),
        2 => write!(
            out,
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  selector:\n    app.kubernetes.io/name: {name}\n  ports:\n    - name: http\n      port: 80\n      targetPort: http\n"
        ),
        3 => write!(
            out,
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}-config\n  namespace: {ns}\ndata:\n  LOG_FORMAT: json\n  CACHE_TTL: \"300\"\n  config.yaml: |\n    server:\n      port: 8080\n      timeout: 30s\n    features:\n      - search\n      - recommendations\n"
        ),
        4 => write!(
            out,
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: {name}-db\n  namespace: {ns}\nspec:\n  serviceName: {name}-db\n  replicas: 3\n  selector:\n    matchLabels: {{app: {name}-db}}\n  template:\n    metadata:\n      labels: {{app: {name}-db}}\n    spec:\n      containers:\n        - name: db\n          image: postgres:16.4\n          ports: [{{name: pg, containerPort: 5432}}]\n          volumeMounts: [{{name: data, mountPath: /var/lib/postgresql/data}}]\n  volumeClaimTemplates:\n    - metadata: {{name: data}}\n      spec:\n        accessModes: [ReadWriteOnce]\n        resources: {{requests: {{storage: 10Gi}}}}\n"
        ),
        5 => write!(
            out,
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: {name}-reader\n  namespace: {ns}\nrules:\n  - apiGroups: [\"\"]\n    resources: [configmaps, secrets]\n    verbs: [get, list, watch]\n"
        ),
        6 => write!(
            out,
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: {name}-reader\n  namespace: {ns}\nsubjects:\n  - kind: ServiceAccount\n    name: {name}\n    namespace: {ns}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: {name}-reader\n"
        ),
        7 => write!(
            out,
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  ingressClassName: nginx\n  tls:\n    - hosts: [{name}.example.com]\n      secretName: {name}-tls\n  rules:\n    - host: {name}.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: {name}\n                port: {{name: http}}\n"
        ),
        8 => write!(
            out,
            "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets{i}.example.com\nspec:\n  group: example.com\n  names: {{kind: Widget{i}, plural: widgets{i}, singular: widget{i}}}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n              type: object\n              required: [size]\n              properties:\n                size: {{type: integer, minimum: 1, maximum: 10}}\n                color: {{type: string, enum: [red, green, blue]}}\n"
        ),
        _ => write!(
            out,
            "apiVersion: example.com/v1\nkind: Widget{w}\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n  size: {size}\n  color: green\n{dup}",
            w = i - 1,
            size = 1 + i % 9,
            dup = if defect { "  color: blue\n" } else { "" },
        ),
    };
}
