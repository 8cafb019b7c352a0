package gitops_lint.policies.missing_resource_limits_test

import data.gitops_lint.policies.missing_resource_limits as policy

deployment(resources) := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
	"spec": {"template": {"spec": {"containers": [{"name": "app", "image": "app:1", "resources": resources}]}}},
}

test_limits_allowed if {
	count(policy.deny) == 0 with input as deployment({"limits": {"cpu": "500m", "memory": "256Mi"}})
}

test_missing_memory_limit_denied if {
	policy.deny == {{
		"msg": "container \"app\" sets no memory limit (resources.limits.memory)",
		"path": ["spec", "template", "spec", "containers", 0, "resources", "limits", "memory"],
	}} with input as deployment({"requests": {"memory": "128Mi"}, "limits": {"cpu": "1"}})
}

test_memory_only_parameter if {
	count(policy.deny) == 0 with input as deployment({"limits": {"memory": "256Mi"}})
		with data.gitops_lint.params.missing_resource_limits as {"resources": ["memory"]}
}

test_pod_level_limits_allowed if {
	count(policy.deny) == 0 with input as {
		"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
		"spec": {"resources": {"limits": {"cpu": "1", "memory": "1Gi"}}, "containers": [{"name": "app", "image": "app:1"}]},
	}
}
