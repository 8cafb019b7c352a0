package gitops_lint.policies.automounted_service_account_token

import data.gitops_lint.lib.kubernetes as k8s
import data.gitops_lint.lib.kubernetes.is_workload
import data.gitops_lint.lib.kubernetes.object_label
import data.gitops_lint.lib.kubernetes.objects
import data.gitops_lint.lib.kubernetes.pod_spec
import data.gitops_lint.lib.kubernetes.pod_spec_path

__rego_metadata__ := {
	"id": "automounted-service-account-token",
	"severity": "warning",
	"summary": "Pods get a Kubernetes API token they may not need (automountServiceAccountToken not false)",
	"what": "Flags a pod spec that does not set `automountServiceAccountToken`, unless the ServiceAccount it uses is defined in the same apply unit with `automountServiceAccountToken: false`. An explicit `automountServiceAccountToken: true` in the pod spec is taken as a statement that the pod calls the Kubernetes API and is not flagged.",
	"why": "By default every container gets a token for its ServiceAccount at `/var/run/secrets/kubernetes.io/serviceaccount`. Most applications never call the Kubernetes API, but anyone who gets code execution in the container can use the token with whatever RBAC the account (or, with careless bindings, the namespace's `default` account) was given.",
	"example": "```yaml\nkind: Deployment\nspec:\n  template:\n    spec:\n      serviceAccountName: web   # flagged unless ServiceAccount web sets automountServiceAccountToken: false\n      containers:\n        - name: app\n          image: ghcr.io/example/app:1.0.0\n```",
	"fix": "Set `automountServiceAccountToken: false` in the pod spec (or on a dedicated ServiceAccount for the workload, in the same apply unit). If the pod does call the API, set `automountServiceAccountToken: true` explicitly and give its ServiceAccount a narrow Role.",
	"kinds": ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"],
}

service_account_name := object.get(pod_spec, "serviceAccountName", object.get(pod_spec, "serviceAccount", "default"))

deny contains {
	"msg": sprintf("%s does not set automountServiceAccountToken: false, so its pods get an API token for service account %q", [object_label, service_account_name]),
	"path": array.concat(pod_spec_path, ["automountServiceAccountToken"]),
} if {
	is_workload
	is_string(service_account_name)
	not is_boolean(pod_spec.automountServiceAccountToken)
	not _service_account_disables_automount
}

_service_account_disables_automount if {
	some account in objects
	account.kind == "ServiceAccount"
	account.metadata.name == service_account_name
	k8s.same_namespace(account, input)
	account.automountServiceAccountToken == false
}
