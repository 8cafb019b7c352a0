package gitops_lint.policies.default_namespace_test

import data.gitops_lint.policies.default_namespace as policy

test_own_namespace_allowed if {
	count(policy.deny) == 0 with input as {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "shop"}}
}

test_no_namespace_allowed if {
	count(policy.deny) == 0 with input as {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}
}

test_default_namespace_denied if {
	policy.deny == {{
		"msg": "ConfigMap \"c\" is placed in the default namespace",
		"path": ["metadata", "namespace"],
	}} with input as {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "default"}}
}
