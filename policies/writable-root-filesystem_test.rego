package gitops_lint.policies.writable_root_filesystem_test

import data.gitops_lint.policies.writable_root_filesystem as policy

statefulset(context) := {
	"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"},
	"spec": {"template": {"spec": {
		"containers": [{"name": "db", "image": "db:1", "securityContext": context}],
		"ephemeralContainers": [{"name": "debug", "image": "busybox:1"}],
	}}},
}

test_read_only_allowed if {
	count(policy.deny) == 0 with input as statefulset({"readOnlyRootFilesystem": true})
}

test_unset_denied if {
	policy.deny == {{
		"msg": "container \"db\" does not set readOnlyRootFilesystem: true",
		"path": ["spec", "template", "spec", "containers", 0, "securityContext", "readOnlyRootFilesystem"],
	}} with input as statefulset({})
}

test_false_denied if {
	policy.deny == {{
		"msg": "container \"db\" sets readOnlyRootFilesystem: false",
		"path": ["spec", "template", "spec", "containers", 0, "securityContext", "readOnlyRootFilesystem"],
	}} with input as statefulset({"readOnlyRootFilesystem": false})
}
