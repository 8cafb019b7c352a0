package gitops_lint.policies.too_few_production_replicas

import data.gitops_lint.lib.kubernetes as k8s
import data.gitops_lint.lib.kubernetes.environment
import data.gitops_lint.lib.kubernetes.object_label

__rego_metadata__ := {
	"id": "too-few-production-replicas",
	"severity": "warning",
	"summary": "A production workload runs fewer replicas than min_replicas",
	"what": "When the environment is `production` (`data.gitops_lint.environment`), flags a Deployment or StatefulSet whose `spec.replicas` (default 1) is below the `min_replicas` parameter (default 2). A workload that a HorizontalPodAutoscaler in the same apply unit scales is not checked itself: the HPA's `minReplicas` (default 1) is checked instead, on the HPA (for HPAs that target a Deployment or StatefulSet). Other environments are not checked.",
	"why": "A single replica is a single point of failure: every rollout, node drain, eviction or crash takes the service down, and a PodDisruptionBudget cannot protect it without blocking node maintenance. Production should survive the loss of one pod.",
	"example": "```yaml\n# environment: production\nkind: Deployment\nspec:\n  replicas: 1   # flagged\n```",
	"fix": "Raise `spec.replicas` (or the HPA's `minReplicas`) to at least `min_replicas` in the production overlay, and spread the replicas across nodes or zones with `topologySpreadConstraints`.",
	"kinds": ["Deployment", "StatefulSet", "HorizontalPodAutoscaler"],
	"parameters": {"min_replicas": {
		"type": "integer",
		"default": 2,
		"description": "The fewest replicas a production workload (or the minReplicas of its HPA) may run.",
	}},
}

params := k8s.params(__rego_metadata__)

deny contains {
	"msg": sprintf("%s runs %v replica(s) in production; at least %v are required", [object_label, replicas, params.min_replicas]),
	"path": ["spec", "replicas"],
} if {
	environment == "production"
	input.kind in {"Deployment", "StatefulSet"}
	count(k8s.hpas_targeting(input)) == 0
	replicas := k8s.value_at(input, ["spec", "replicas"], 1)
	is_number(replicas)
	replicas < params.min_replicas
}

deny contains {
	"msg": sprintf("%s lets %s %q scale down to %v replica(s) in production; at least %v are required", [object_label, target.kind, target.name, min_replicas, params.min_replicas]),
	"path": ["spec", "minReplicas"],
} if {
	environment == "production"
	input.kind == "HorizontalPodAutoscaler"
	target := input.spec.scaleTargetRef
	target.kind in {"Deployment", "StatefulSet"}
	is_string(target.name)
	min_replicas := k8s.value_at(input, ["spec", "minReplicas"], 1)
	is_number(min_replicas)
	min_replicas < params.min_replicas
}
