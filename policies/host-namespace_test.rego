package gitops_lint.policies.host_namespace_test

import data.gitops_lint.policies.host_namespace as policy

pod(spec) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": object.union({"containers": [{"name": "app", "image": "app:1"}]}, spec)}

test_no_host_namespaces_allowed if {
	count(policy.deny) == 0 with input as pod({})
}

test_explicit_false_allowed if {
	count(policy.deny) == 0 with input as pod({"hostNetwork": false, "hostPID": false, "hostIPC": false})
}

test_host_network_denied if {
	policy.deny == {{
		"msg": "Pod \"p\" sets hostNetwork: true and shares the node's network namespace",
		"path": ["spec", "hostNetwork"],
	}} with input as pod({"hostNetwork": true})
}

test_all_three_in_daemonset_denied if {
	findings := policy.deny with input as {
		"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent"},
		"spec": {"template": {"spec": {"hostPID": true, "hostIPC": true, "hostNetwork": true, "containers": [{"name": "a", "image": "a:1"}]}}},
	}
	{f.path | some f in findings} == {
		["spec", "template", "spec", "hostNetwork"],
		["spec", "template", "spec", "hostPID"],
		["spec", "template", "spec", "hostIPC"],
	}
	some f in findings
	f.msg == "DaemonSet \"agent\" sets hostPID: true and shares the node's process (PID) namespace"
}
