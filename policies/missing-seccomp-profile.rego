package gitops_lint.policies.missing_seccomp_profile

import data.gitops_lint.lib.kubernetes.containers
import data.gitops_lint.lib.kubernetes.is_windows
import data.gitops_lint.lib.kubernetes.is_workload
import data.gitops_lint.lib.kubernetes.object_label
import data.gitops_lint.lib.kubernetes.pod_security_context
import data.gitops_lint.lib.kubernetes.pod_security_context_path

__rego_metadata__ := {
	"id": "missing-seccomp-profile",
	"severity": "warning",
	"summary": "A pod does not set a RuntimeDefault or Localhost seccomp profile",
	"what": "Flags a pod where `securityContext.seccompProfile.type` is neither `RuntimeDefault` nor `Localhost`, on the pod or on every container. This is the *Seccomp* control of the Pod Security Standards **restricted** profile. When neither the pod nor any container sets a profile, one finding points at the pod's `securityContext`. An explicit `Unconfined` is the baseline error `unconfined-security-profile`. Windows pods (`spec.os.name: windows`) are exempt, as in the standard.",
	"why": "Without a profile, Kubernetes runs containers `Unconfined` (unless the kubelet's `--seccomp-default` is on): every system call is allowed, including the ones most kernel exploits need. `RuntimeDefault` blocks a few dozen rarely used, dangerous calls and breaks almost no applications. Namespaces that enforce the restricted profile reject pods without it.",
	"example": "```yaml\nspec:\n  template:\n    spec:\n      securityContext:\n        runAsNonRoot: true   # flagged: no seccompProfile\n      containers:\n        - name: app\n          image: ghcr.io/example/app:1.0.0\n```",
	"fix": "Set it once for the pod:\n\n```yaml\nspec:\n  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n```",
	"kinds": ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"],
}

allowed_types := {"RuntimeDefault", "Localhost"}

pod_type_allowed if pod_security_context.seccompProfile.type in allowed_types

container_type_allowed(entry) if entry.security_context.seccompProfile.type in allowed_types

# Neither the pod nor any container sets an allowed profile: fix it once, on the pod.
deny contains {
	"msg": sprintf("%s sets no seccompProfile of type RuntimeDefault or Localhost for its pod or its containers", [object_label]),
	"path": array.concat(pod_security_context_path, ["seccompProfile", "type"]),
} if {
	is_workload
	not is_windows
	not pod_type_allowed
	not pod_security_context.seccompProfile.type == "Unconfined"
	count(containers) > 0
	every entry in containers {
		not container_type_allowed(entry)
	}
}

# The pod sets none and only some containers do.
deny contains {
	"msg": sprintf("%s sets no seccompProfile of type RuntimeDefault or Localhost (nor does its pod)", [entry.label]),
	"path": array.concat(entry.security_context_path, ["seccompProfile", "type"]),
} if {
	not is_windows
	not pod_type_allowed
	not pod_security_context.seccompProfile.type == "Unconfined"
	some other in containers
	container_type_allowed(other)
	some entry in containers
	not container_type_allowed(entry)
	not entry.security_context.seccompProfile.type == "Unconfined"
}
