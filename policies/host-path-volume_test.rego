package gitops_lint.policies.host_path_volume_test

import data.gitops_lint.policies.host_path_volume as policy

deployment(volumes) := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
	"spec": {"template": {"spec": {"containers": [{"name": "app", "image": "app:1"}], "volumes": volumes}}},
}

test_empty_dir_allowed if {
	count(policy.deny) == 0 with input as deployment([{"name": "tmp", "emptyDir": {}}, {"name": "cfg", "configMap": {"name": "c"}}])
}

test_host_path_denied if {
	policy.deny == {{
		"msg": "Deployment \"web\" mounts the node's \"/var/run/docker.sock\" through hostPath volume \"docker\"",
		"path": ["spec", "template", "spec", "volumes", 1, "hostPath"],
	}} with input as deployment([{"name": "tmp", "emptyDir": {}}, {"name": "docker", "hostPath": {"path": "/var/run/docker.sock", "type": "Socket"}}])
}
