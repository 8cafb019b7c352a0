package gitops_lint.policies.unconfined_security_profile_test

import data.gitops_lint.policies.unconfined_security_profile as policy

deployment(pod_security_context, container_security_context, annotations) := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
	"spec": {"template": {
		"metadata": {"annotations": annotations},
		"spec": {
			"securityContext": pod_security_context,
			"containers": [{"name": "app", "image": "app:1", "securityContext": container_security_context}],
		},
	}},
}

test_runtime_default_allowed if {
	count(policy.deny) == 0 with input as deployment(
		{"seccompProfile": {"type": "RuntimeDefault"}, "appArmorProfile": {"type": "RuntimeDefault"}},
		{"seccompProfile": {"type": "Localhost", "localhostProfile": "app.json"}},
		{"container.apparmor.security.beta.kubernetes.io/app": "localhost/app"},
	)
}

test_nothing_set_allowed if {
	count(policy.deny) == 0 with input as deployment({}, {}, {})
}

test_pod_seccomp_unconfined_denied if {
	policy.deny == {{
		"msg": "Deployment \"web\" sets seccompProfile.type: Unconfined, which turns seccomp off for the whole pod",
		"path": ["spec", "template", "spec", "securityContext", "seccompProfile", "type"],
	}} with input as deployment({"seccompProfile": {"type": "Unconfined"}}, {}, {})
}

test_container_apparmor_unconfined_denied if {
	policy.deny == {{
		"msg": "container \"app\" sets appArmorProfile.type: Unconfined, which turns AppArmor off",
		"path": ["spec", "template", "spec", "containers", 0, "securityContext", "appArmorProfile", "type"],
	}} with input as deployment({}, {"appArmorProfile": {"type": "Unconfined"}}, {})
}

test_apparmor_annotation_denied if {
	policy.deny == {{
		"msg": "Deployment \"web\" sets AppArmor profile \"unconfined\" for container \"app\"; only runtime/default and localhost/<profile> are allowed",
		"path": ["spec", "template", "metadata", "annotations", "container.apparmor.security.beta.kubernetes.io/app"],
	}} with input as deployment({}, {}, {"container.apparmor.security.beta.kubernetes.io/app": "unconfined"})
}
