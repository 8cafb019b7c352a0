package gitops_lint.policies.host_port

import data.gitops_lint.lib.kubernetes as k8s
import data.gitops_lint.lib.kubernetes.containers

__rego_metadata__ := {
	"id": "host-port",
	"severity": "error",
	"summary": "A container binds a port on the node (hostPort)",
	"what": "Flags a container port with a non-zero `hostPort` that is not in the `allowed_host_ports` parameter (the *Host Ports* control of the Pod Security Standards **baseline** profile).",
	"why": "A hostPort publishes the container on every address of its node, bypassing Services and NetworkPolicies. It also limits scheduling: two pods using the same hostPort cannot share a node, so rollouts and scale-ups stall with `didn't have free ports`. Namespaces that enforce the baseline or restricted profile reject such pods.",
	"example": "```yaml\ncontainers:\n  - name: app\n    image: ghcr.io/example/app:1.0.0\n    ports:\n      - containerPort: 8080\n        hostPort: 80   # flagged\n```",
	"fix": "Remove `hostPort` and expose the pod through a Service (a `LoadBalancer` or an Ingress for traffic from outside the cluster). If a node agent must own a node port, list it in `allowed_host_ports` for that path.",
	"kinds": ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"],
	"parameters": {"allowed_host_ports": {
		"type": "array of integers",
		"default": [],
		"description": "Host ports that are accepted (the baseline profile's optional known list). Empty: every non-zero hostPort is flagged.",
	}},
}

params := k8s.params(__rego_metadata__)

deny contains {
	"msg": sprintf("%s binds port %v on the node (hostPort: %v)", [entry.label, k8s.value_at(port, ["containerPort"], "?"), host_port]),
	"path": array.concat(entry.path, ["ports", j, "hostPort"]),
} if {
	some entry in containers
	some j, port in k8s.array_at(entry.container, ["ports"])
	host_port := port.hostPort
	host_port != 0
	host_port != null
	not host_port in params.allowed_host_ports
}
