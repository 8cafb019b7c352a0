package gitops_lint.policies.secret_in_env_value_test

import data.gitops_lint.policies.secret_in_env_value as policy

deployment(env) := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
	"spec": {"template": {"spec": {"containers": [{"name": "app", "image": "app:1", "env": env}]}}},
}

test_secret_ref_and_harmless_values_allowed if {
	count(policy.deny) == 0 with input as deployment([
		{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}},
		{"name": "LOG_LEVEL", "value": "info"},
		{"name": "TOKEN_TTL", "value": "3600"},
		{"name": "GOOGLE_APPLICATION_CREDENTIALS_FILE", "value": "/var/run/secrets/gcp.json"},
		{"name": "API_KEY", "value": ""},
		{"name": "DATABASE_PASSWORD", "value": "$(DB_PASSWORD)"},
		{"name": "OAUTH_CLIENT_ID", "value": "shop-web"},
	])
}

test_plain_text_password_denied if {
	policy.deny == {{
		"msg": "container \"app\" sets environment variable DB_PASSWORD to a plain-text value; reference a Secret with valueFrom.secretKeyRef",
		"path": ["spec", "template", "spec", "containers", 0, "env", 1, "value"],
	}} with input as deployment([{"name": "LOG_LEVEL", "value": "info"}, {"name": "DB_PASSWORD", "value": "hunter2"}])
}

test_lowercase_and_api_key_denied if {
	count(policy.deny) == 2 with input as deployment([{"name": "stripe_api_key", "value": "sk_live_x"}, {"name": "GithubToken", "value": "ghp_x"}])
}

test_name_pattern_parameter if {
	count(policy.deny) == 0 with input as deployment([{"name": "DB_PASSWORD", "value": "hunter2"}])
		with data.gitops_lint.params.secret_in_env_value as {"name_pattern": "^NEVER$"}
}
