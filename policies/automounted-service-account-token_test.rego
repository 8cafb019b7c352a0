package gitops_lint.policies.automounted_service_account_token_test

import data.gitops_lint.policies.automounted_service_account_token as policy

deployment(pod_spec) := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"},
	"spec": {"template": {"spec": object.union({"containers": [{"name": "app", "image": "app:1"}]}, pod_spec)}},
}

service_account(name, namespace, automount) := {
	"apiVersion": "v1", "kind": "ServiceAccount",
	"metadata": {"name": name, "namespace": namespace},
	"automountServiceAccountToken": automount,
}

test_pod_false_allowed if {
	count(policy.deny) == 0 with input as deployment({"automountServiceAccountToken": false})
}

test_explicit_true_allowed if {
	count(policy.deny) == 0 with input as deployment({"automountServiceAccountToken": true})
}

test_service_account_false_allowed if {
	d := deployment({"serviceAccountName": "web"})
	count(policy.deny) == 0 with input as d
		with data.gitops_lint.objects as [d, service_account("web", "shop", false)]
}

test_unset_denied if {
	policy.deny == {{
		"msg": "Deployment \"web\" does not set automountServiceAccountToken: false, so its pods get an API token for service account \"default\"",
		"path": ["spec", "template", "spec", "automountServiceAccountToken"],
	}} with input as deployment({})
}

test_service_account_in_other_namespace_denied if {
	d := deployment({"serviceAccountName": "web"})
	findings := policy.deny with input as d
		with data.gitops_lint.objects as [d, service_account("web", "other", false), service_account("api", "shop", false)]
	{f.msg | some f in findings} == {"Deployment \"web\" does not set automountServiceAccountToken: false, so its pods get an API token for service account \"web\""}
}
