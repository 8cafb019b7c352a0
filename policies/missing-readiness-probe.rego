package gitops_lint.policies.missing_readiness_probe

import data.gitops_lint.lib.kubernetes.long_running_kinds
import data.gitops_lint.lib.kubernetes.main_containers
import data.gitops_lint.lib.kubernetes.object_label

__rego_metadata__ := {
	"id": "missing-readiness-probe",
	"severity": "warning",
	"summary": "A long-running container has no readiness probe",
	"what": "Flags a container of a long-running workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController) without `readinessProbe`. Jobs, CronJobs and bare Pods are not checked, nor are init containers.",
	"why": "Without a readiness probe a pod counts as ready as soon as its containers start: Services send it traffic before the application listens or has warmed up, and a rolling update replaces old pods with new ones that are not serving yet (with `maxUnavailable: 0` it still proceeds, because the new pods look ready). A readiness probe also takes a pod out of the Service while it is overloaded or shutting down.",
	"example": "```yaml\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: app   # flagged: no readinessProbe\n          image: ghcr.io/example/app:1.0.0\n```",
	"fix": "Add a probe on an endpoint that answers when the process can serve requests:\n\n```yaml\nreadinessProbe:\n  httpGet:\n    path: /readyz\n    port: http\n  periodSeconds: 5\n  failureThreshold: 3\n```",
	"kinds": ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"],
}

deny contains {
	"msg": sprintf("%s of %s has no readinessProbe", [entry.label, object_label]),
	"path": array.concat(entry.path, ["readinessProbe"]),
} if {
	input.kind in long_running_kinds
	some entry in main_containers
	not entry.container.readinessProbe
}
