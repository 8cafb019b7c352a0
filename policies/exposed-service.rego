package gitops_lint.policies.exposed_service

import data.gitops_lint.lib.kubernetes.object_label

__rego_metadata__ := {
	"id": "exposed-service",
	"severity": "warning",
	"summary": "A Service is exposed outside the cluster (type LoadBalancer or NodePort)",
	"what": "Flags a Service with `spec.type: LoadBalancer` or `spec.type: NodePort`.",
	"why": "A LoadBalancer Service usually gets a public IP address and a cloud load balancer (with its cost); a NodePort opens the same port on every node. Either bypasses the Ingress controller, so TLS termination, authentication, rate limits and the WAF that the Ingress applies are skipped, and it is easy to expose an internal service by accident. Cloud annotations that make a load balancer internal are not checked.",
	"example": "```yaml\nkind: Service\nspec:\n  type: LoadBalancer   # flagged\n  selector:\n    app: web\n```",
	"fix": "Use `type: ClusterIP` and route outside traffic through an Ingress or Gateway. If the Service really must be reachable directly (a TCP protocol the Ingress cannot carry, an internal load balancer), keep the type and suppress the finding with the reason, and restrict it with `loadBalancerSourceRanges` or the provider's internal load balancer annotation.",
	"kinds": ["Service"],
}

deny contains {
	"msg": sprintf("%s has type %s and is reachable from outside the cluster", [object_label, service_type]),
	"path": ["spec", "type"],
} if {
	input.kind == "Service"
	service_type := input.spec.type
	service_type in {"LoadBalancer", "NodePort"}
}
