package gitops_lint.policies.privilege_escalation_allowed_test

import data.gitops_lint.policies.privilege_escalation_allowed as policy

job(security_context) := {
	"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "migrate"},
	"spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "app", "image": "app:1", "securityContext": security_context}]}}},
}

test_false_allowed if {
	count(policy.deny) == 0 with input as job({"allowPrivilegeEscalation": false})
}

test_true_denied if {
	policy.deny == {{
		"msg": "container \"app\" sets allowPrivilegeEscalation: true",
		"path": ["spec", "template", "spec", "containers", 0, "securityContext", "allowPrivilegeEscalation"],
	}} with input as job({"allowPrivilegeEscalation": true})
}

test_unset_denied if {
	policy.deny == {{
		"msg": "container \"app\" does not set allowPrivilegeEscalation: false (the default is true)",
		"path": ["spec", "template", "spec", "containers", 0, "securityContext", "allowPrivilegeEscalation"],
	}} with input as job({})
}

test_windows_exempt if {
	count(policy.deny) == 0 with input as {
		"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
		"spec": {"os": {"name": "windows"}, "containers": [{"name": "app", "image": "app:1"}]},
	}
}
