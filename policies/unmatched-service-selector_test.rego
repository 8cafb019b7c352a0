package gitops_lint.policies.unmatched_service_selector_test

import data.gitops_lint.policies.unmatched_service_selector as policy

service(selector) := {
	"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "shop"},
	"spec": {"selector": selector, "ports": [{"port": 80, "targetPort": 8080}]},
}

deployment(namespace, labels) := {
	"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": namespace, "labels": {"app": "web"}},
	"spec": {
		"selector": {"matchLabels": labels},
		"template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "app", "image": "app:1"}]}},
	},
}

test_matching_deployment_allowed if {
	s := service({"app": "web"})
	count(policy.deny) == 0 with input as s with data.gitops_lint.objects as [s, deployment("shop", {"app": "web", "tier": "fe"})]
}

test_matching_cronjob_pod_allowed if {
	s := service({"job": "report"})
	cronjob := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "report"},
		"spec": {"schedule": "@daily", "jobTemplate": {"spec": {"template": {"metadata": {"labels": {"job": "report"}}, "spec": {"containers": []}}}}},
	}
	count(policy.deny) == 0 with input as s with data.gitops_lint.objects as [s, cronjob]
}

test_selectorless_service_allowed if {
	s := {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db"}, "spec": {"ports": [{"port": 5432}]}}
	count(policy.deny) == 0 with input as s with data.gitops_lint.objects as [s]
}

test_without_apply_unit_nothing_reported if {
	count(policy.deny) == 0 with input as service({"app": "nothing"})
}

test_unmatched_selector_denied if {
	s := service({"app": "web", "tier": "be"})
	policy.deny == {{
		"msg": "Service \"web\" selects pods with labels {\"app\": \"web\", \"tier\": \"be\"}, but no workload in the apply unit has pods with those labels",
		"path": ["spec", "selector"],
	}} with input as s with data.gitops_lint.objects as [
		s,
		deployment("shop", {"app": "web", "tier": "fe"}),
		deployment("other", {"app": "web", "tier": "be"}),
	]
}

test_workload_labels_are_not_pod_labels if {
	s := service({"app": "web"})
	count(policy.deny) == 1 with input as s with data.gitops_lint.objects as [s, deployment("shop", {"app": "shop-web"})]
}
