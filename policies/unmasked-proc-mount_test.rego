package gitops_lint.policies.unmasked_proc_mount_test

import data.gitops_lint.policies.unmasked_proc_mount as policy

pod(security_context) := {
	"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
	"spec": {"containers": [{"name": "app", "image": "app:1", "securityContext": security_context}]},
}

test_default_allowed if {
	count(policy.deny) == 0 with input as pod({"procMount": "Default"})
	count(policy.deny) == 0 with input as pod({})
}

test_unmasked_denied if {
	policy.deny == {{
		"msg": "container \"app\" sets procMount: Unmasked; only Default is allowed",
		"path": ["spec", "containers", 0, "securityContext", "procMount"],
	}} with input as pod({"procMount": "Unmasked"})
}
