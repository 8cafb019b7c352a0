package gitops_lint.policies.default_namespace

import data.gitops_lint.lib.kubernetes.object_label

__rego_metadata__ := {
	"id": "default-namespace",
	"severity": "warning",
	"summary": "An object is explicitly placed in the default namespace",
	"what": "Flags an object with `metadata.namespace: default`. Objects without a namespace are not flagged: kustomize (`namespace:`) or the kubectl/Argo CD/Flux context decides their namespace at apply time.",
	"why": "The `default` namespace is where everything ends up when nobody chose: it usually has no ResourceQuota, LimitRange, NetworkPolicy or Pod Security label, its `default` ServiceAccount is shared, and objects there are hard to attribute and to clean up. An explicit `default` in a manifest also overrides the namespace that kustomize or the GitOps tool would set.",
	"example": "```yaml\nmetadata:\n  name: web\n  namespace: default   # flagged\n```",
	"fix": "Put the application in its own namespace: remove `metadata.namespace` and set `namespace:` in the kustomization (or the GitOps application's destination), or name the application's namespace explicitly.",
	"kinds": [],
}

deny contains {
	"msg": sprintf("%s is placed in the default namespace", [object_label]),
	"path": ["metadata", "namespace"],
} if {
	input.metadata.namespace == "default"
}
