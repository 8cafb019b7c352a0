package gitops_lint.policies.unsafe_sysctl_test

import data.gitops_lint.policies.unsafe_sysctl as policy

deployment(sysctls) := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
	"spec": {"template": {"spec": {"securityContext": {"sysctls": sysctls}, "containers": [{"name": "app", "image": "app:1"}]}}},
}

test_safe_sysctls_allowed if {
	count(policy.deny) == 0 with input as deployment([
		{"name": "net.ipv4.ip_unprivileged_port_start", "value": "80"},
		{"name": "net.ipv4.tcp_keepalive_time", "value": "600"},
	])
}

test_unsafe_sysctl_denied if {
	policy.deny == {{
		"msg": "Deployment \"web\" sets sysctl net.core.somaxconn, which is not in the safe set",
		"path": ["spec", "template", "spec", "securityContext", "sysctls", 1, "name"],
	}} with input as deployment([
		{"name": "kernel.shm_rmid_forced", "value": "1"},
		{"name": "net.core.somaxconn", "value": "1024"},
	])
}
