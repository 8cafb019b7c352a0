package gitops_lint.policies.disallowed_selinux_options_test

import data.gitops_lint.policies.disallowed_selinux_options as policy

pod(pod_options, container_options) := {
	"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
	"spec": {
		"securityContext": {"seLinuxOptions": pod_options},
		"containers": [{"name": "app", "image": "app:1", "securityContext": {"seLinuxOptions": container_options}}],
	},
}

test_level_and_container_type_allowed if {
	count(policy.deny) == 0 with input as pod({"level": "s0:c123,c456"}, {"type": "container_init_t"})
}

test_no_selinux_options_allowed if {
	count(policy.deny) == 0 with input as {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "app", "image": "app:1"}]}}
}

test_spc_t_denied if {
	policy.deny == {{
		"msg": "container \"app\" sets seLinuxOptions.type \"spc_t\"; only container_t, container_init_t, container_kvm_t and container_engine_t are allowed",
		"path": ["spec", "containers", 0, "securityContext", "seLinuxOptions", "type"],
	}} with input as pod({}, {"type": "spc_t"})
}

test_pod_user_denied if {
	policy.deny == {{
		"msg": "Pod \"p\" sets seLinuxOptions.user \"system_u\"; custom SELinux users and roles are not allowed",
		"path": ["spec", "securityContext", "seLinuxOptions", "user"],
	}} with input as pod({"user": "system_u"}, {})
}
