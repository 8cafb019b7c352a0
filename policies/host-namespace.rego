package gitops_lint.policies.host_namespace

import data.gitops_lint.lib.kubernetes.object_label
import data.gitops_lint.lib.kubernetes.pod_spec
import data.gitops_lint.lib.kubernetes.pod_spec_path

__rego_metadata__ := {
	"id": "host-namespace",
	"severity": "error",
	"summary": "A pod shares the node's network, PID or IPC namespace",
	"what": "Flags a pod spec with `hostNetwork: true`, `hostPID: true` or `hostIPC: true` (the *Host Namespaces* control of the Pod Security Standards **baseline** profile).",
	"why": "`hostNetwork` puts the pod on the node's network stack: it can bind any node port, reach services that listen only on localhost and sniff traffic, and NetworkPolicies no longer isolate it. `hostPID` lets it see and signal every process on the node (and read their environment, which often holds secrets); `hostIPC` lets it read other processes' shared memory. Namespaces that enforce the baseline or restricted profile reject such pods.",
	"example": "```yaml\nspec:\n  template:\n    spec:\n      hostNetwork: true   # flagged\n      containers:\n        - name: app\n          image: ghcr.io/example/app:1.0.0\n```",
	"fix": "Remove the field (the default is `false`). Expose the pod through a Service (ClusterIP, or a LoadBalancer/Ingress for outside traffic) instead of the node's network; use `shareProcessNamespace: true` to share processes between the containers of one pod.",
	"kinds": ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"],
}

deny contains {
	"msg": sprintf("%s sets %s: true and shares the node's %s namespace", [object_label, field, ns]),
	"path": array.concat(pod_spec_path, [field]),
} if {
	some field, ns in {"hostNetwork": "network", "hostPID": "process (PID)", "hostIPC": "IPC"}
	pod_spec[field] == true
}
