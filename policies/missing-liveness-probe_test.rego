package gitops_lint.policies.missing_liveness_probe_test

import data.gitops_lint.policies.missing_liveness_probe as policy

workload(kind, container) := {
	"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": "web"},
	"spec": {"template": {"spec": {"containers": [{"name": "sidecar", "image": "proxy:1", "livenessProbe": {"tcpSocket": {"port": 15000}}}, container]}}},
}

test_probe_allowed if {
	count(policy.deny) == 0 with input as workload("Deployment", {"name": "app", "image": "app:1", "livenessProbe": {"httpGet": {"path": "/", "port": 8080}}})
}

test_missing_probe_denied if {
	policy.deny == {{
		"msg": "container \"app\" of StatefulSet \"web\" has no livenessProbe",
		"path": ["spec", "template", "spec", "containers", 1, "livenessProbe"],
	}} with input as workload("StatefulSet", {"name": "app", "image": "app:1"})
}

test_job_ignored if {
	count(policy.deny) == 0 with input as {
		"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "migrate"},
		"spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "app", "image": "app:1"}]}}},
	}
}

test_init_container_ignored if {
	count(policy.deny) == 0 with input as {
		"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent"},
		"spec": {"template": {"spec": {
			"initContainers": [{"name": "init", "image": "busybox:1"}],
			"containers": [{"name": "agent", "image": "agent:1", "livenessProbe": {"exec": {"command": ["true"]}}}],
		}}},
	}
}
