package gitops_lint.policies.too_few_production_replicas_test

import data.gitops_lint.policies.too_few_production_replicas as policy

deployment(replicas) := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
	"spec": {"replicas": replicas, "template": {"spec": {"containers": [{"name": "app", "image": "app:1"}]}}},
}

hpa(min_replicas) := {
	"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "web"},
	"spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}, "minReplicas": min_replicas, "maxReplicas": 10},
}

test_enough_replicas_allowed if {
	count(policy.deny) == 0 with input as deployment(3) with data.gitops_lint.environment as "production"
}

test_other_environment_ignored if {
	count(policy.deny) == 0 with input as deployment(1) with data.gitops_lint.environment as "dev"
	count(policy.deny) == 0 with input as deployment(1)
}

test_one_replica_denied if {
	policy.deny == {{
		"msg": "Deployment \"web\" runs 1 replica(s) in production; at least 2 are required",
		"path": ["spec", "replicas"],
	}} with input as deployment(1) with data.gitops_lint.environment as "production"
}

test_min_replicas_parameter if {
	count(policy.deny) == 1 with input as deployment(2)
		with data.gitops_lint.environment as "production"
		with data.gitops_lint.params.too_few_production_replicas as {"min_replicas": 3}
}

test_hpa_managed_workload_checked_on_hpa if {
	d := deployment(1)
	h := hpa(3)
	count(policy.deny) == 0 with input as d with data.gitops_lint.objects as [d, h] with data.gitops_lint.environment as "production"
	count(policy.deny) == 0 with input as h with data.gitops_lint.objects as [d, h] with data.gitops_lint.environment as "production"
}

test_hpa_min_replicas_denied if {
	policy.deny == {{
		"msg": "HorizontalPodAutoscaler \"web\" lets Deployment \"web\" scale down to 1 replica(s) in production; at least 2 are required",
		"path": ["spec", "minReplicas"],
	}} with input as hpa(1) with data.gitops_lint.environment as "production"
}
