package gitops_lint.policies.pdb_blocks_eviction_test

import data.gitops_lint.policies.pdb_blocks_eviction as policy

pdb(spec) := {
	"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "web"},
	"spec": object.union({"selector": {"matchLabels": {"app": "web"}}}, spec),
}

deployment(replicas) := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
	"spec": {
		"replicas": replicas,
		"selector": {"matchLabels": {"app": "web"}},
		"template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "app:1"}]}},
	},
}

test_room_for_one_eviction_allowed if {
	p := pdb({"minAvailable": 1})
	count(policy.deny) == 0 with input as p with data.gitops_lint.objects as [p, deployment(2)]
	q := pdb({"minAvailable": "50%"})
	count(policy.deny) == 0 with input as q with data.gitops_lint.objects as [q, deployment(3)]
	r := pdb({"maxUnavailable": 1})
	count(policy.deny) == 0 with input as r with data.gitops_lint.objects as [r, deployment(1)]
}

test_max_unavailable_zero_denied if {
	policy.deny == {{
		"msg": "PodDisruptionBudget \"web\" sets maxUnavailable: 0, which allows no voluntary eviction and blocks node drains",
		"path": ["spec", "maxUnavailable"],
	}} with input as pdb({"maxUnavailable": 0})
}

test_min_available_100_percent_denied if {
	policy.deny == {{
		"msg": "PodDisruptionBudget \"web\" sets minAvailable: 100%, which allows no voluntary eviction and blocks node drains",
		"path": ["spec", "minAvailable"],
	}} with input as pdb({"minAvailable": "100%"})
}

test_min_available_equals_replicas_denied if {
	p := pdb({"minAvailable": 1})
	policy.deny == {{
		"msg": "PodDisruptionBudget \"web\" requires 1 available pods, but Deployment \"web\" runs 1 replica(s); no pod can ever be evicted",
		"path": ["spec", "minAvailable"],
	}} with input as p with data.gitops_lint.objects as [p, deployment(1)]
}

test_percentage_rounds_up_denied if {
	p := pdb({"minAvailable": "50%"})
	count(policy.deny) == 1 with input as p with data.gitops_lint.objects as [p, deployment(1)]
}

test_hpa_min_replicas_used if {
	p := pdb({"minAvailable": 2})
	hpa := {
		"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "web"},
		"spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}, "minReplicas": 2, "maxReplicas": 6},
	}
	count(policy.deny) == 1 with input as p with data.gitops_lint.objects as [p, deployment(4), hpa]
}
