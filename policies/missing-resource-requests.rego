package gitops_lint.policies.missing_resource_requests

import data.gitops_lint.lib.kubernetes as k8s
import data.gitops_lint.lib.kubernetes.app_containers
import data.gitops_lint.lib.kubernetes.pod_spec

__rego_metadata__ := {
	"id": "missing-resource-requests",
	"severity": "warning",
	"summary": "A container sets no CPU or memory request",
	"what": "Flags a container or init container without `resources.requests.cpu` or `resources.requests.memory` (the resources listed in the `resources` parameter). A limit without a request counts as a request (the API server copies the limit), and so does a pod-level `spec.resources.requests` (Kubernetes 1.32+ pod-level resources).",
	"why": "The scheduler places pods by their requests. A container without requests is placed as if it needed nothing, so nodes get overcommitted and pods are evicted or OOM-killed under load; the pod falls into the `BestEffort` QoS class, the first to be evicted. A HorizontalPodAutoscaler with a utilization target cannot compute utilization without a request.",
	"example": "```yaml\ncontainers:\n  - name: app\n    image: ghcr.io/example/app:1.0.0\n    resources:\n      limits:\n        memory: 256Mi   # memory is covered by its limit; cpu is flagged\n```",
	"fix": "Set requests from observed usage (for example the p90 over a week):\n\n```yaml\nresources:\n  requests:\n    cpu: 100m\n    memory: 128Mi\n```",
	"kinds": ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"],
	"parameters": {"resources": {
		"type": "array of strings",
		"default": ["cpu", "memory"],
		"description": "Resources every container must request (`cpu`, `memory`, `ephemeral-storage`, …).",
	}},
}

params := k8s.params(__rego_metadata__)

deny contains {
	"msg": sprintf("%s sets no %s request (resources.requests.%s)", [entry.label, resource, resource]),
	"path": array.concat(entry.path, ["resources", "requests", resource]),
} if {
	some entry in app_containers
	some resource in params.resources
	not _pod_level(resource)
	not _has(entry.container, "requests", resource)
	not _has(entry.container, "limits", resource)
}

_has(container, field, resource) if {
	value := container.resources[field][resource]
	value != null
}

_pod_level(resource) if _has(pod_spec, "requests", resource)

_pod_level(resource) if _has(pod_spec, "limits", resource)
