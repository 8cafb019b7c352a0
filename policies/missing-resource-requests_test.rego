package gitops_lint.policies.missing_resource_requests_test

import data.gitops_lint.policies.missing_resource_requests as policy

deployment(resources) := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
	"spec": {"template": {"spec": {"containers": [{"name": "app", "image": "app:1", "resources": resources}]}}},
}

test_requests_allowed if {
	count(policy.deny) == 0 with input as deployment({"requests": {"cpu": "100m", "memory": "128Mi"}})
}

test_limits_imply_requests if {
	count(policy.deny) == 0 with input as deployment({"limits": {"cpu": "1", "memory": "1Gi"}})
}

test_missing_cpu_denied if {
	policy.deny == {{
		"msg": "container \"app\" sets no cpu request (resources.requests.cpu)",
		"path": ["spec", "template", "spec", "containers", 0, "resources", "requests", "cpu"],
	}} with input as deployment({"requests": {"memory": "128Mi"}})
}

test_no_resources_denied_for_init_container_too if {
	findings := policy.deny with input as {
		"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
		"spec": {
			"initContainers": [{"name": "init", "image": "busybox:1"}],
			"containers": [{"name": "app", "image": "app:1", "resources": {"requests": {"cpu": "1", "memory": "1Gi"}}}],
		},
	}
	{f.path | some f in findings} == {
		["spec", "initContainers", 0, "resources", "requests", "cpu"],
		["spec", "initContainers", 0, "resources", "requests", "memory"],
	}
}

test_pod_level_resources_allowed if {
	count(policy.deny) == 0 with input as {
		"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
		"spec": {"resources": {"requests": {"cpu": "1", "memory": "1Gi"}}, "containers": [{"name": "app", "image": "app:1"}]},
	}
}

test_resources_parameter if {
	count(policy.deny) == 0 with input as deployment({"requests": {"memory": "128Mi"}})
		with data.gitops_lint.params.missing_resource_requests as {"resources": ["memory"]}
}
