package gitops_lint.policies.exposed_service_test

import data.gitops_lint.policies.exposed_service as policy

service(spec) := {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": spec}

test_cluster_ip_allowed if {
	count(policy.deny) == 0 with input as service({"type": "ClusterIP", "selector": {"app": "web"}, "ports": [{"port": 80}]})
	count(policy.deny) == 0 with input as service({"selector": {"app": "web"}, "ports": [{"port": 80}]})
}

test_load_balancer_denied if {
	policy.deny == {{
		"msg": "Service \"web\" has type LoadBalancer and is reachable from outside the cluster",
		"path": ["spec", "type"],
	}} with input as service({"type": "LoadBalancer", "selector": {"app": "web"}, "ports": [{"port": 80}]})
}

test_node_port_denied if {
	count(policy.deny) == 1 with input as service({"type": "NodePort", "selector": {"app": "web"}, "ports": [{"port": 80, "nodePort": 30080}]})
}
