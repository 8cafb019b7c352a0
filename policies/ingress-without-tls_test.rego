package gitops_lint.policies.ingress_without_tls_test

import data.gitops_lint.policies.ingress_without_tls as policy

ingress(spec) := {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "web"}, "spec": spec}

rule(host) := {"host": host, "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}

test_tls_allowed if {
	count(policy.deny) == 0 with input as ingress({
		"tls": [{"hosts": ["shop.example.com"], "secretName": "shop-tls"}, {"hosts": ["*.api.example.com"], "secretName": "api-tls"}],
		"rules": [rule("shop.example.com"), rule("v1.api.example.com")],
	})
}

test_no_tls_denied if {
	policy.deny == {{
		"msg": "Ingress \"web\" has no TLS section; hosts a.example.com, b.example.com are served over plain HTTP",
		"path": ["spec", "tls"],
	}} with input as ingress({"rules": [rule("b.example.com"), rule("a.example.com")]})
}

test_uncovered_host_denied if {
	policy.deny == {{
		"msg": "Ingress \"web\" serves host x.v1.api.example.com, which no spec.tls entry covers",
		"path": ["spec", "rules", 1, "host"],
	}} with input as ingress({
		"tls": [{"hosts": ["shop.example.com", "*.api.example.com"], "secretName": "tls"}],
		"rules": [rule("shop.example.com"), rule("x.v1.api.example.com")],
	})
}
