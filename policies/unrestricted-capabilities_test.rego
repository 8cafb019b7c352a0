package gitops_lint.policies.unrestricted_capabilities_test

import data.gitops_lint.policies.unrestricted_capabilities as policy

pod(security_context) := {
	"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
	"spec": {"containers": [{"name": "app", "image": "app:1", "securityContext": security_context}]},
}

test_drop_all_allowed if {
	count(policy.deny) == 0 with input as pod({"capabilities": {"drop": ["ALL"]}})
}

test_drop_all_add_net_bind_service_allowed if {
	count(policy.deny) == 0 with input as pod({"capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}})
}

test_missing_drop_denied if {
	policy.deny == {{
		"msg": "container \"app\" does not drop ALL capabilities (securityContext.capabilities.drop: [])",
		"path": ["spec", "containers", 0, "securityContext", "capabilities", "drop"],
	}} with input as pod({})
}

test_partial_drop_and_add_denied if {
	policy.deny == {
		{
			"msg": "container \"app\" does not drop ALL capabilities (securityContext.capabilities.drop: [\"NET_RAW\"])",
			"path": ["spec", "containers", 0, "securityContext", "capabilities", "drop"],
		},
		{
			"msg": "container \"app\" adds capability CHOWN; the restricted Pod Security Standard allows only NET_BIND_SERVICE",
			"path": ["spec", "containers", 0, "securityContext", "capabilities", "add", 0],
		},
	} with input as pod({"capabilities": {"drop": ["NET_RAW"], "add": ["CHOWN", "SYS_ADMIN"]}})
}

test_windows_pod_exempt if {
	count(policy.deny) == 0 with input as {
		"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
		"spec": {"os": {"name": "windows"}, "containers": [{"name": "app", "image": "app:1"}]},
	}
}
