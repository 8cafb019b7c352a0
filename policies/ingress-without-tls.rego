package gitops_lint.policies.ingress_without_tls

import data.gitops_lint.lib.kubernetes as k8s
import data.gitops_lint.lib.kubernetes.object_label

__rego_metadata__ := {
	"id": "ingress-without-tls",
	"severity": "warning",
	"summary": "An Ingress serves a host without TLS",
	"what": "Flags an Ingress without `spec.tls`, and each `spec.rules[].host` that no `spec.tls[].hosts` entry covers (exactly, or through a wildcard such as `*.example.com` for `shop.example.com`).",
	"why": "Without a TLS entry the controller serves the host over plain HTTP (or with its default, mismatching certificate): credentials, session cookies and personal data cross the network unencrypted and can be altered in transit. A host added to `rules` but forgotten in `tls` is a common review miss.",
	"example": "```yaml\nkind: Ingress\nspec:\n  rules:\n    - host: shop.example.com   # flagged: no tls entry covers it\n      http: …\n```",
	"fix": "Add a TLS entry for every host, with a certificate Secret (cert-manager can issue it from an annotation such as `cert-manager.io/cluster-issuer`):\n\n```yaml\nspec:\n  tls:\n    - hosts: [shop.example.com]\n      secretName: shop-tls\n```",
	"kinds": ["Ingress"],
}

tls_entries := k8s.array_at(input, ["spec", "tls"])

rule_hosts contains host if {
	some rule in k8s.array_at(input, ["spec", "rules"])
	host := rule.host
	is_string(host)
}

deny contains {
	"msg": sprintf("%s has no TLS section; %s served over plain HTTP", [object_label, hosts_text]),
	"path": ["spec", "tls"],
} if {
	input.kind == "Ingress"
	count(tls_entries) == 0
	hosts_text := _hosts_text
}

_hosts_text := sprintf("host %s is", [concat(", ", sort(rule_hosts))]) if count(rule_hosts) == 1

_hosts_text := sprintf("hosts %s are", [concat(", ", sort(rule_hosts))]) if count(rule_hosts) > 1

_hosts_text := "it is" if count(rule_hosts) == 0

deny contains {
	"msg": sprintf("%s serves host %s, which no spec.tls entry covers", [object_label, host]),
	"path": ["spec", "rules", i, "host"],
} if {
	input.kind == "Ingress"
	count(tls_entries) > 0
	some i, rule in k8s.array_at(input, ["spec", "rules"])
	host := rule.host
	is_string(host)
	not _covered(host)
}

_covered(host) if {
	some entry in tls_entries
	some tls_host in k8s.array_at(entry, ["hosts"])
	is_string(tls_host)
	_host_matches(tls_host, host)
}

_host_matches(pattern, host) if pattern == host

_host_matches(pattern, host) if {
	startswith(pattern, "*.")
	not startswith(host, "*.")
	suffix := substring(pattern, 1, -1)
	endswith(host, suffix)
	first_label := substring(host, 0, count(host) - count(suffix))
	first_label != ""
	not contains(first_label, ".")
}
