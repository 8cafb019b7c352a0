package gitops_lint.policies.missing_pod_disruption_budget

import data.gitops_lint.lib.kubernetes as k8s
import data.gitops_lint.lib.kubernetes.object_label
import data.gitops_lint.lib.kubernetes.objects

__rego_metadata__ := {
	"id": "missing-pod-disruption-budget",
	"severity": "warning",
	"summary": "A multi-replica workload has no PodDisruptionBudget",
	"what": "Flags a Deployment or StatefulSet that runs two or more replicas (`spec.replicas` ≥ 2, or a HorizontalPodAutoscaler in the same apply unit targets it with `minReplicas` ≥ 2) when no PodDisruptionBudget in the same apply unit and namespace selects its pod template's labels. Objects without `metadata.namespace` are taken to share the namespace of the others. Needs the apply unit (`data.gitops_lint.objects`); without it the policy reports nothing.",
	"why": "Node drains (cluster upgrades, autoscaler scale-downs, maintenance) evict pods through the eviction API, which respects PodDisruptionBudgets only. Without one, a drain may evict every replica at the same time and the service goes down even though it runs several replicas for exactly that reason.",
	"example": "```yaml\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3   # flagged: no PodDisruptionBudget selects app=web\n  template:\n    metadata:\n      labels:\n        app: web\n```",
	"fix": "Add a PodDisruptionBudget next to the workload (in the same kustomization) that selects its pods and leaves room for one disruption:\n\n```yaml\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: web\n```",
	"kinds": ["Deployment", "StatefulSet"],
}

replicas := k8s.value_at(input, ["spec", "replicas"], 1)

# The most replicas the manifests ask for at rest: spec.replicas, or the
# minReplicas of an HPA that scales the workload.
planned_replicas := max({replicas} | {k8s.value_at(hpa, ["spec", "minReplicas"], 1) | some hpa in k8s.hpas_targeting(input)})

pod_labels := k8s.pod_labels_of(input)

deny contains {
	"msg": sprintf("%s runs %v replicas but no PodDisruptionBudget in the apply unit selects its pods %v", [object_label, planned_replicas, pod_labels]),
	"path": _path,
} if {
	input.kind in {"Deployment", "StatefulSet"}
	_ = objects
	is_number(planned_replicas)
	planned_replicas >= 2
	not _covered
}

_covered if {
	some pdb in objects
	pdb.kind == "PodDisruptionBudget"
	k8s.selector_matches(k8s.value_at(pdb, ["spec", "selector"], null), pod_labels)
	k8s.same_namespace(pdb, input)
}

_path := ["spec", "replicas"] if input.spec.replicas >= 2

else := ["metadata", "name"]
