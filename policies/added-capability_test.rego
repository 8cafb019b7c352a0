package gitops_lint.policies.added_capability_test

import data.gitops_lint.policies.added_capability as policy

deployment(capabilities) := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
	"spec": {"template": {"spec": {"containers": [{"name": "app", "image": "app:1", "securityContext": {"capabilities": capabilities}}]}}},
}

test_baseline_capabilities_allowed if {
	count(policy.deny) == 0 with input as deployment({"drop": ["ALL"], "add": ["NET_BIND_SERVICE", "CHOWN"]})
}

test_no_capabilities_allowed if {
	count(policy.deny) == 0 with input as deployment({})
}

test_sys_admin_denied if {
	policy.deny == {{
		"msg": "container \"app\" adds capability SYS_ADMIN, which the baseline Pod Security Standard does not allow",
		"path": ["spec", "template", "spec", "containers", 0, "securityContext", "capabilities", "add", 1],
	}} with input as deployment({"add": ["NET_BIND_SERVICE", "SYS_ADMIN"]})
}

test_cap_prefix_denied if {
	count(policy.deny) == 1 with input as deployment({"add": ["CAP_NET_RAW"]})
}
