package gitops_lint.policies.missing_resource_limits

import data.gitops_lint.lib.kubernetes as k8s
import data.gitops_lint.lib.kubernetes.app_containers
import data.gitops_lint.lib.kubernetes.pod_spec

__rego_metadata__ := {
	"id": "missing-resource-limits",
	"severity": "warning",
	"summary": "A container sets no CPU or memory limit",
	"what": "Flags a container or init container without `resources.limits.memory` or `resources.limits.cpu` (the resources listed in the `resources` parameter). A pod-level `spec.resources.limits` (Kubernetes 1.32+ pod-level resources) covers every container.",
	"why": "Without a memory limit, a leaking container grows until the node runs out of memory and the kernel kills processes of other pods; with one, only the faulty container is OOM-killed and restarted. Without a CPU limit, a busy container can take every idle core of its node, so its performance in production differs from what was measured. (Some teams deliberately run without CPU limits to avoid throttling; set `resources: [memory]` for this policy then.)",
	"example": "```yaml\ncontainers:\n  - name: app\n    image: ghcr.io/example/app:1.0.0\n    resources:\n      requests:\n        cpu: 100m\n        memory: 128Mi   # flagged: no limits\n```",
	"fix": "Set limits above the normal peak; a memory limit equal to the memory request gives predictable behaviour:\n\n```yaml\nresources:\n  requests: {cpu: 100m, memory: 128Mi}\n  limits: {cpu: 500m, memory: 256Mi}\n```",
	"kinds": ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"],
	"parameters": {"resources": {
		"type": "array of strings",
		"default": ["cpu", "memory"],
		"description": "Resources every container must limit. Use `[memory]` if your clusters run without CPU limits on purpose.",
	}},
}

params := k8s.params(__rego_metadata__)

deny contains {
	"msg": sprintf("%s sets no %s limit (resources.limits.%s)", [entry.label, resource, resource]),
	"path": array.concat(entry.path, ["resources", "limits", resource]),
} if {
	some entry in app_containers
	some resource in params.resources
	not _has(pod_spec, resource)
	not _has(entry.container, resource)
}

_has(obj, resource) if {
	value := obj.resources.limits[resource]
	value != null
}
