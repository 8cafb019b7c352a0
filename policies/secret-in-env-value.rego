package gitops_lint.policies.secret_in_env_value

import data.gitops_lint.lib.kubernetes as k8s
import data.gitops_lint.lib.kubernetes.app_containers

__rego_metadata__ := {
	"id": "secret-in-env-value",
	"severity": "warning",
	"summary": "A container environment variable that looks like a secret has a plain-text value",
	"what": "Flags an `env` entry of a container or init container whose lower-cased name matches the regular expression `name_pattern` (by default: passwords, secrets, tokens, API and private keys, credentials, DSNs) and that has a non-empty literal `value`, unless the name also matches `ignore_name_pattern` (names of files, paths, TTLs and the like) or the value only references another variable (`$(OTHER_VAR)`). The value itself is not shown in the message.",
	"why": "A literal `value` is stored in Git, in every fork and CI log that prints the manifest, and in the object the API server returns to anyone who can read the workload (`get deployments` is far more widely granted than `get secrets`). Rotating it means rewriting history.",
	"example": "```yaml\nenv:\n  - name: DB_PASSWORD\n    value: hunter2   # flagged\n```",
	"fix": "Move the value into a Secret that is not stored in plain text in Git (Sealed Secrets, SOPS, External Secrets Operator, CSI secrets store) and reference it:\n\n```yaml\nenv:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db-credentials\n        key: password\n```",
	"kinds": ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"],
	"parameters": {
		"name_pattern": {
			"type": "string (regular expression)",
			"default": "(passw(or)?d|passphrase|secret|token|api_?key|private_?key|credential|access_?key|auth|dsn|connection_?string)",
			"description": "Environment variable names that hold secrets, matched against the lower-cased name (write it in lower case).",
		},
		"ignore_name_pattern": {
			"type": "string (regular expression)",
			"default": "_(file|path|dir|name|ttl|timeout|expiry|expiration|length|header|enabled|type|url|endpoint|id)$",
			"description": "Matched against the lower-cased name: names that match name_pattern but do not hold a secret (AUTH_TOKEN_FILE, SECRET_NAME, TOKEN_TTL, OAUTH_CLIENT_ID, …).",
		},
	},
}

params := k8s.params(__rego_metadata__)

deny contains {
	"msg": sprintf("%s sets environment variable %s to a plain-text value; reference a Secret with valueFrom.secretKeyRef", [entry.label, var.name]),
	"path": array.concat(entry.path, ["env", j, "value"]),
} if {
	some entry in app_containers
	some j, var in k8s.array_at(entry.container, ["env"])
	is_string(var.name)
	name := lower(var.name)
	regex.match(params.name_pattern, name)
	not regex.match(params.ignore_name_pattern, name)
	value := var.value
	is_string(value)
	trim_space(value) != ""
	not regex.match(`^\$\([A-Za-z_][A-Za-z0-9_.-]*\)$`, value)
}
