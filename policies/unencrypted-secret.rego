package gitops_lint.policies.unencrypted_secret

import data.gitops_lint.lib.kubernetes.object_label

__rego_metadata__ := {
	"id": "unencrypted-secret",
	"severity": "warning",
	"summary": "A Secret's values are stored in plain text (not encrypted with SOPS)",
	"what": "Flags a `Secret` with a non-empty `data` or `stringData` that is not SOPS-encrypted (SOPS adds a top-level `sops` key to the files it encrypts). Secrets rendered from a kustomize `secretGenerator` are flagged too, since their sources are in the repository.",
	"why": "`data` is only base64-encoded, not encrypted: anyone who can read the repository, a fork, a CI log or a backup can read the secret, and removing it later does not remove it from Git history.",
	"example": "```yaml\nkind: Secret\nmetadata:\n  name: db-credentials\ndata:\n  password: aHVudGVyMg==   # flagged\n```",
	"fix": "Keep the secret out of Git in plain form: encrypt the file with SOPS (Flux and the Argo CD/kustomize SOPS plugins decrypt at apply time), commit a SealedSecret instead, or create an ExternalSecret that reads from a secret manager. Rotate a secret that was committed in plain text.",
	"kinds": ["Secret"],
}

deny contains {
	"msg": sprintf("%s stores %d value(s) in plain text under %s (%s)", [object_label, count(values), field, concat(", ", sort(object.keys(values)))]),
	"path": [field],
} if {
	input.kind == "Secret"
	not input.sops
	some field in ["data", "stringData"]
	values := input[field]
	is_object(values)
	count(values) > 0
}
