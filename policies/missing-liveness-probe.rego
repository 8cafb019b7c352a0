package gitops_lint.policies.missing_liveness_probe

import data.gitops_lint.lib.kubernetes.long_running_kinds
import data.gitops_lint.lib.kubernetes.main_containers
import data.gitops_lint.lib.kubernetes.object_label

__rego_metadata__ := {
	"id": "missing-liveness-probe",
	"severity": "warning",
	"summary": "A long-running container has no liveness probe",
	"what": "Flags a container of a long-running workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController) without `livenessProbe`. Jobs, CronJobs and bare Pods are not checked, nor are init containers.",
	"why": "Without a liveness probe the kubelet restarts a container only when its process exits. A process that deadlocks, hangs on a lost connection or leaks into an unusable state keeps running and keeps receiving traffic until someone notices. A liveness probe lets Kubernetes restart it. Keep it cheap and independent of downstream services (check the process itself, not the database), or a slow dependency restarts every replica at once.",
	"example": "```yaml\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: app   # flagged: no livenessProbe\n          image: ghcr.io/example/app:1.0.0\n```",
	"fix": "Add a probe on an endpoint that only checks the process itself, with a generous failure threshold:\n\n```yaml\nlivenessProbe:\n  httpGet:\n    path: /healthz\n    port: http\n  periodSeconds: 10\n  failureThreshold: 3\n```\n\nFor slow starters, add a `startupProbe` rather than a long `initialDelaySeconds`.",
	"kinds": ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"],
}

deny contains {
	"msg": sprintf("%s of %s has no livenessProbe", [entry.label, object_label]),
	"path": array.concat(entry.path, ["livenessProbe"]),
} if {
	input.kind in long_running_kinds
	some entry in main_containers
	not entry.container.livenessProbe
}
