package gitops_lint.policies.privileged_container_test

import data.gitops_lint.policies.privileged_container as policy

deployment(containers) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web"},
	"spec": {"template": {"spec": {"containers": containers}}},
}

test_unprivileged_allowed if {
	count(policy.deny) == 0 with input as deployment([{"name": "app", "image": "app:1", "securityContext": {"privileged": false}}])
}

test_no_security_context_allowed if {
	count(policy.deny) == 0 with input as deployment([{"name": "app", "image": "app:1"}])
}

test_privileged_container_denied if {
	policy.deny == {{
		"msg": "container \"app\" runs privileged (securityContext.privileged: true)",
		"path": ["spec", "template", "spec", "containers", 0, "securityContext", "privileged"],
	}} with input as deployment([{"name": "app", "image": "app:1", "securityContext": {"privileged": true}}])
}

test_privileged_init_container_in_pod_denied if {
	policy.deny == {{
		"msg": "init container \"setup\" runs privileged (securityContext.privileged: true)",
		"path": ["spec", "initContainers", 0, "securityContext", "privileged"],
	}} with input as {
		"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
		"spec": {
			"containers": [{"name": "app", "image": "app:1"}],
			"initContainers": [{"name": "setup", "image": "busybox:1", "securityContext": {"privileged": true}}],
		},
	}
}

test_privileged_cronjob_denied if {
	findings := policy.deny with input as {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [
			{"name": "a", "image": "a:1"},
			{"name": "b", "image": "b:1", "securityContext": {"privileged": true}},
		]}}}}},
	}
	count(findings) == 1
	some finding in findings
	finding.path == ["spec", "jobTemplate", "spec", "template", "spec", "containers", 1, "securityContext", "privileged"]
}

test_host_process_pod_denied if {
	policy.deny == {{
		"msg": "Pod \"win\" runs its pod as Windows HostProcess containers (securityContext.windowsOptions.hostProcess: true)",
		"path": ["spec", "securityContext", "windowsOptions", "hostProcess"],
	}} with input as {
		"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "win"},
		"spec": {"securityContext": {"windowsOptions": {"hostProcess": true}}, "containers": [{"name": "a", "image": "a:1"}]},
	}
}

test_non_workload_ignored if {
	count(policy.deny) == 0 with input as {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"privileged": "true"}}
}

test_host_process_container_denied if {
	policy.deny == {{
		"msg": "container \"app\" is a Windows HostProcess container (securityContext.windowsOptions.hostProcess: true)",
		"path": ["spec", "template", "spec", "containers", 0, "securityContext", "windowsOptions", "hostProcess"],
	}} with input as deployment([{"name": "app", "image": "app:1", "securityContext": {"windowsOptions": {"hostProcess": true}}}])
}
