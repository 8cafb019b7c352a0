package gitops_lint.policies.missing_pod_disruption_budget_test

import data.gitops_lint.policies.missing_pod_disruption_budget as policy

deployment(replicas) := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"},
	"spec": {
		"replicas": replicas,
		"selector": {"matchLabels": {"app": "web"}},
		"template": {"metadata": {"labels": {"app": "web", "tier": "fe"}}, "spec": {"containers": [{"name": "app", "image": "app:1"}]}},
	},
}

pdb(namespace, selector) := {
	"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
	"metadata": {"name": "web", "namespace": namespace},
	"spec": {"maxUnavailable": 1, "selector": selector},
}

test_pdb_allowed if {
	d := deployment(3)
	count(policy.deny) == 0 with input as d with data.gitops_lint.objects as [d, pdb("shop", {"matchLabels": {"app": "web"}})]
}

test_pdb_without_namespace_allowed if {
	d := deployment(3)
	count(policy.deny) == 0 with input as d with data.gitops_lint.objects as [d, object.remove(pdb("", {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["fe"]}]}), ["metadata"])]
}

test_single_replica_allowed if {
	d := deployment(1)
	count(policy.deny) == 0 with input as d with data.gitops_lint.objects as [d]
}

test_without_apply_unit_nothing_reported if {
	count(policy.deny) == 0 with input as deployment(3)
}

test_missing_pdb_denied if {
	d := deployment(3)
	policy.deny == {{
		"msg": "Deployment \"web\" runs 3 replicas but no PodDisruptionBudget in the apply unit selects its pods {\"app\": \"web\", \"tier\": \"fe\"}",
		"path": ["spec", "replicas"],
	}} with input as d with data.gitops_lint.objects as [d, pdb("shop", {"matchLabels": {"app": "api"}}), pdb("other", {"matchLabels": {"app": "web"}})]
}

test_hpa_min_replicas_denied if {
	full := deployment(1)
	d := json.remove(full, ["spec/replicas"])
	not d.spec.replicas
	hpa := {
		"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "web", "namespace": "shop"},
		"spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}, "minReplicas": 2, "maxReplicas": 5},
	}
	findings := policy.deny with input as d with data.gitops_lint.objects as [d, hpa]
	{f.path | some f in findings} == {["metadata", "name"]}
}
