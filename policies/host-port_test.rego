package gitops_lint.policies.host_port_test

import data.gitops_lint.policies.host_port as policy

pod(ports) := {
	"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
	"spec": {"containers": [{"name": "app", "image": "app:1", "ports": ports}]},
}

test_container_port_allowed if {
	count(policy.deny) == 0 with input as pod([{"containerPort": 8080}, {"containerPort": 9090, "hostPort": 0}])
}

test_host_port_denied if {
	policy.deny == {{
		"msg": "container \"app\" binds port 8080 on the node (hostPort: 80)",
		"path": ["spec", "containers", 0, "ports", 1, "hostPort"],
	}} with input as pod([{"containerPort": 9090}, {"containerPort": 8080, "hostPort": 80}])
}

test_allowed_host_port_parameter if {
	count(policy.deny) == 0 with input as pod([{"containerPort": 8080, "hostPort": 80}])
		with data.gitops_lint.params.host_port as {"allowed_host_ports": [80, 443]}
}

test_other_host_port_still_denied_with_parameter if {
	count(policy.deny) == 1 with input as pod([{"containerPort": 8080, "hostPort": 8080}])
		with data.gitops_lint.params.host_port as {"allowed_host_ports": [80, 443]}
}
