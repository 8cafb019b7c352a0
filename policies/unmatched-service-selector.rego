package gitops_lint.policies.unmatched_service_selector

import data.gitops_lint.lib.kubernetes as k8s
import data.gitops_lint.lib.kubernetes.object_label
import data.gitops_lint.lib.kubernetes.objects
import data.gitops_lint.lib.kubernetes.pod_kinds

__rego_metadata__ := {
	"id": "unmatched-service-selector",
	"severity": "warning",
	"summary": "A Service's selector matches no pods of the apply unit",
	"what": "Flags a Service whose `spec.selector` matches the pod labels of no Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job or CronJob in the same apply unit and namespace (objects without `metadata.namespace` are taken to share the namespace of the others). Services without a selector (manually managed Endpoints/EndpointSlices) and `ExternalName` Services are not checked. Needs the apply unit (`data.gitops_lint.objects`); without it the policy reports nothing.",
	"why": "A selector that matches nothing gives the Service no endpoints: clients get connection refused or 503 from the Ingress, and nothing fails at apply time. It typically comes from a renamed label, a typo, or a kustomize `labels`/`commonLabels` change that reached the Service but not the pod template.",
	"example": "```yaml\nkind: Service\nspec:\n  selector:\n    app: shop-web   # flagged: the Deployment's pods are labelled app: shop\n```",
	"fix": "Make the selector a subset of the pod template's `metadata.labels` (not of the workload's own labels). If the pods come from another apply unit (another kustomization, an operator or a Helm release), suppress the finding with that reason.",
	"kinds": ["Service"],
}

selector := k8s.value_at(input, ["spec", "selector"], {})

deny contains {
	"msg": sprintf("%s selects pods with labels %v, but no workload in the apply unit has pods with those labels", [object_label, selector]),
	"path": ["spec", "selector"],
} if {
	input.kind == "Service"
	_ = objects
	k8s.value_at(input, ["spec", "type"], "ClusterIP") != "ExternalName"
	is_object(selector)
	count(selector) > 0
	not _matched
}

_matched if {
	some obj in objects
	obj.kind in pod_kinds
	labels := k8s.pod_labels_of(obj)
	every key, value in selector {
		labels[key] == value
	}
	k8s.same_namespace(obj, input)
}
