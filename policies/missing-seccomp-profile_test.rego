package gitops_lint.policies.missing_seccomp_profile_test

import data.gitops_lint.policies.missing_seccomp_profile as policy

pod(pod_context, containers) := {
	"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
	"spec": {"securityContext": pod_context, "containers": containers},
}

container(name, context) := {"name": name, "image": "app:1", "securityContext": context}

test_pod_runtime_default_allowed if {
	count(policy.deny) == 0 with input as pod({"seccompProfile": {"type": "RuntimeDefault"}}, [container("a", {})])
}

test_every_container_localhost_allowed if {
	count(policy.deny) == 0 with input as pod({}, [
		container("a", {"seccompProfile": {"type": "Localhost", "localhostProfile": "a.json"}}),
		container("b", {"seccompProfile": {"type": "RuntimeDefault"}}),
	])
}

test_missing_denied_once if {
	policy.deny == {{
		"msg": "Pod \"p\" sets no seccompProfile of type RuntimeDefault or Localhost for its pod or its containers",
		"path": ["spec", "securityContext", "seccompProfile", "type"],
	}} with input as pod({"runAsNonRoot": true}, [container("a", {}), container("b", {})])
}

test_one_container_missing_denied if {
	policy.deny == {{
		"msg": "container \"b\" sets no seccompProfile of type RuntimeDefault or Localhost (nor does its pod)",
		"path": ["spec", "containers", 1, "securityContext", "seccompProfile", "type"],
	}} with input as pod({}, [container("a", {"seccompProfile": {"type": "RuntimeDefault"}}), container("b", {})])
}

test_unconfined_left_to_baseline_policy if {
	count(policy.deny) == 0 with input as pod({"seccompProfile": {"type": "Unconfined"}}, [container("a", {})])
}
