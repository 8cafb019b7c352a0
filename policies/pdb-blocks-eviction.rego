package gitops_lint.policies.pdb_blocks_eviction

import data.gitops_lint.lib.kubernetes as k8s
import data.gitops_lint.lib.kubernetes.object_label
import data.gitops_lint.lib.kubernetes.objects
import data.gitops_lint.lib.kubernetes.replicated_kinds

__rego_metadata__ := {
	"id": "pdb-blocks-eviction",
	"severity": "warning",
	"summary": "A PodDisruptionBudget allows no voluntary disruption and blocks node drains",
	"what": "Flags a PodDisruptionBudget with `maxUnavailable: 0` (or `0%`) or `minAvailable: 100%`, and one whose `minAvailable` (a number, or a percentage rounded up) is at least the replica count of a Deployment, StatefulSet, ReplicaSet or ReplicationController it selects in the same apply unit. The replica count is the `minReplicas` (default 1) of a HorizontalPodAutoscaler that scales the workload, else `spec.replicas` (default 1).",
	"why": "A budget that allows zero disruptions makes every eviction fail: `kubectl drain`, cluster upgrades and the cluster autoscaler wait forever (or until a timeout forces the drain), so maintenance stalls or becomes disruptive anyway. A `minAvailable: 1` budget on a single-replica workload is the most common case.",
	"example": "```yaml\nkind: PodDisruptionBudget\nspec:\n  minAvailable: 1   # flagged when the selected Deployment has replicas: 1\n  selector:\n    matchLabels:\n      app: web\n```",
	"fix": "Use `maxUnavailable: 1` (it scales with the replica count), run at least one more replica than `minAvailable`, or drop the budget where a single replica is accepted (dev environments).",
	"kinds": ["PodDisruptionBudget"],
}

selector := k8s.value_at(input, ["spec", "selector"], null)

deny contains {
	"msg": sprintf("%s sets maxUnavailable: %v, which allows no voluntary eviction and blocks node drains", [object_label, value]),
	"path": ["spec", "maxUnavailable"],
} if {
	input.kind == "PodDisruptionBudget"
	value := input.spec.maxUnavailable
	value in {0, "0%"}
}

deny contains {
	"msg": sprintf("%s sets minAvailable: 100%%, which allows no voluntary eviction and blocks node drains", [object_label]),
	"path": ["spec", "minAvailable"],
} if {
	input.kind == "PodDisruptionBudget"
	input.spec.minAvailable == "100%"
}

deny contains {
	"msg": sprintf("%s requires %v available pods, but %s runs %v replica(s); no pod can ever be evicted", [object_label, min_available, k8s.label_of(workload), replicas]),
	"path": ["spec", "minAvailable"],
} if {
	input.kind == "PodDisruptionBudget"
	min_available := input.spec.minAvailable
	min_available != "100%"
	some workload in objects
	workload.kind in replicated_kinds
	k8s.selector_matches(selector, k8s.pod_labels_of(workload))
	k8s.same_namespace(workload, input)
	replicas := k8s.min_replicas_of(workload)
	replicas > 0
	_required(min_available, replicas) >= replicas
}

_required(value, _) := value if is_number(value)

_required(value, replicas) := ceil((to_number(trim_suffix(value, "%")) * replicas) / 100) if {
	is_string(value)
	regex.match(`^[0-9]+%$`, value)
}
