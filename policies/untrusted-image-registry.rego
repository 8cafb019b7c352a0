package gitops_lint.policies.untrusted_image_registry

import data.gitops_lint.lib.kubernetes as k8s
import data.gitops_lint.lib.kubernetes.containers

__rego_metadata__ := {
	"id": "untrusted-image-registry",
	"severity": "error",
	"summary": "A container image comes from a registry outside the allow-list",
	"what": "When the `allowed_registries` parameter is not empty, flags a container, init container or ephemeral container whose image is not under one of its entries. An entry without a slash is a registry host and matches every image on it (`ghcr.io`, `registry.example.com:5000`); an entry with a slash is a repository prefix and matches that repository and everything below it (`ghcr.io/example`, `docker.io/library`). Images without a registry host are Docker Hub images: `nginx` is `docker.io/library/nginx` and `bitnami/redis` is `docker.io/bitnami/redis`. The check is off by default (empty list).",
	"why": "Images are code that runs in the cluster. An allow-list keeps deployments on registries the organisation mirrors, scans and signs, and catches typosquatted or personal Docker Hub images and images that will hit pull-rate limits or disappear.",
	"example": "```yaml\n# .gitops-lint.yaml: params: {untrusted-image-registry: {allowed_registries: [ghcr.io/example]}}\ncontainers:\n  - name: app\n    image: docker.io/someone/app:1.0   # flagged\n```",
	"fix": "Use the image from an allowed registry (mirror it there if needed), or add the registry or repository prefix to `allowed_registries`.",
	"kinds": ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"],
	"parameters": {"allowed_registries": {
		"type": "array of strings",
		"default": [],
		"description": "Registry hosts (`ghcr.io`) or repository prefixes (`ghcr.io/example`) that images may come from. Empty: the check is off.",
	}},
}

params := k8s.params(__rego_metadata__)

deny contains {
	"msg": sprintf("%s uses image %q from %s, which is not in allowed_registries %v", [entry.label, image, ref.registry, params.allowed_registries]),
	"path": array.concat(entry.path, ["image"]),
} if {
	count(params.allowed_registries) > 0
	some entry in containers
	image := entry.container.image
	is_string(image)
	ref := k8s.parse_image(image)
	not _allowed(ref)
}

_allowed(ref) if {
	some allowed in params.allowed_registries
	is_string(allowed)
	_matches(ref, trim_suffix(allowed, "/"))
}

# A registry host.
_matches(ref, allowed) if {
	not contains(allowed, "/")
	ref.registry == _normalize_host(allowed)
}

# A repository prefix.
_matches(ref, allowed) if {
	contains(allowed, "/")
	prefix := _normalize_prefix(allowed)
	_under(ref.name, prefix)
}

_under(name, prefix) if name == prefix

_under(name, prefix) if startswith(name, concat("", [prefix, "/"]))

_normalize_host(host) := "docker.io" if host in {"index.docker.io", "registry-1.docker.io"}

_normalize_host(host) := host if not host in {"index.docker.io", "registry-1.docker.io"}

_normalize_prefix(prefix) := concat("/", [_normalize_host(parts[0]), concat("/", array.slice(parts, 1, count(parts)))]) if {
	parts := split(prefix, "/")
}
