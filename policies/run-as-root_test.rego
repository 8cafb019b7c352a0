package gitops_lint.policies.run_as_root_test

import data.gitops_lint.policies.run_as_root as policy

deployment(pod_context, containers) := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
	"spec": {"template": {"spec": {"securityContext": pod_context, "containers": containers}}},
}

container(name, context) := {"name": name, "image": "app:1", "securityContext": context}

test_pod_level_allowed if {
	count(policy.deny) == 0 with input as deployment({"runAsNonRoot": true, "runAsUser": 10001}, [container("app", {})])
}

test_every_container_allowed if {
	count(policy.deny) == 0 with input as deployment({}, [container("a", {"runAsNonRoot": true}), container("b", {"runAsNonRoot": true})])
}

test_nothing_set_denied_once_on_pod if {
	policy.deny == {{
		"msg": "Deployment \"web\" does not set runAsNonRoot: true for its pod or its containers",
		"path": ["spec", "template", "spec", "securityContext", "runAsNonRoot"],
	}} with input as deployment({}, [container("a", {}), container("b", {})])
}

test_one_container_missing_denied if {
	policy.deny == {{
		"msg": "container \"b\" does not set runAsNonRoot: true (nor does its pod)",
		"path": ["spec", "template", "spec", "containers", 1, "securityContext", "runAsNonRoot"],
	}} with input as deployment({}, [container("a", {"runAsNonRoot": true}), container("b", {})])
}

test_container_false_overrides_pod_denied if {
	policy.deny == {{
		"msg": "container \"a\" sets runAsNonRoot: false",
		"path": ["spec", "template", "spec", "containers", 0, "securityContext", "runAsNonRoot"],
	}} with input as deployment({"runAsNonRoot": true}, [container("a", {"runAsNonRoot": false})])
}

test_pod_false_denied if {
	policy.deny == {{
		"msg": "Deployment \"web\" sets runAsNonRoot: false for its pod",
		"path": ["spec", "template", "spec", "securityContext", "runAsNonRoot"],
	}} with input as deployment({"runAsNonRoot": false}, [container("a", {})])
}

test_run_as_user_zero_denied if {
	policy.deny == {
		{
			"msg": "Deployment \"web\" sets runAsUser: 0 (root) for its pod",
			"path": ["spec", "template", "spec", "securityContext", "runAsUser"],
		},
		{
			"msg": "container \"a\" sets runAsUser: 0 (root)",
			"path": ["spec", "template", "spec", "containers", 0, "securityContext", "runAsUser"],
		},
	} with input as deployment({"runAsNonRoot": true, "runAsUser": 0}, [container("a", {"runAsUser": 0})])
}

test_container_false_and_pod_unset_denied if {
	policy.deny == {
		{
			"msg": "container \"a\" sets runAsNonRoot: false",
			"path": ["spec", "template", "spec", "containers", 0, "securityContext", "runAsNonRoot"],
		},
		{
			"msg": "Deployment \"web\" does not set runAsNonRoot: true for its pod or its containers",
			"path": ["spec", "template", "spec", "securityContext", "runAsNonRoot"],
		},
	} with input as deployment({}, [container("a", {"runAsNonRoot": false}), container("b", {})])
}
