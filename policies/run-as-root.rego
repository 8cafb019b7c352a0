package gitops_lint.policies.run_as_root

import data.gitops_lint.lib.kubernetes.containers
import data.gitops_lint.lib.kubernetes.is_workload
import data.gitops_lint.lib.kubernetes.object_label
import data.gitops_lint.lib.kubernetes.pod_security_context
import data.gitops_lint.lib.kubernetes.pod_security_context_path

__rego_metadata__ := {
	"id": "run-as-root",
	"severity": "warning",
	"summary": "A container may run as root (runAsNonRoot not true, or runAsUser: 0)",
	"what": "Flags a pod whose containers are not all required to run as a non-root user: `runAsNonRoot: false` in the pod or a container `securityContext`, or `runAsNonRoot: true` set neither on the pod nor on every container; and `runAsUser: 0` on the pod or a container. These are the *Running as Non-root* and *Running as Non-root user* controls of the Pod Security Standards **restricted** profile. When neither the pod nor any container sets `runAsNonRoot`, one finding points at the pod's `securityContext`.",
	"why": "Most images run as root unless told otherwise. Root in a container is the same UID 0 as root on the node: with a kernel or runtime vulnerability, a writable hostPath or a mis-set capability, it becomes root on the node. `runAsNonRoot: true` makes the kubelet refuse to start a container whose user is root. Namespaces that enforce the restricted profile reject such pods.",
	"example": "```yaml\nspec:\n  template:\n    spec:\n      securityContext:\n        runAsUser: 0        # flagged\n      containers:\n        - name: app\n          image: ghcr.io/example/app:1.0.0\n```",
	"fix": "Set `securityContext.runAsNonRoot: true` in the pod spec, and a non-zero `runAsUser` (and `runAsGroup`) if the image does not declare a numeric non-root `USER`. Build images with a numeric `USER 10001` so the kubelet can verify it.",
	"kinds": ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"],
}

pod_context := pod_security_context

pod_context_path := pod_security_context_path

# runAsNonRoot: false on the pod.
deny contains {
	"msg": sprintf("%s sets runAsNonRoot: false for its pod", [object_label]),
	"path": array.concat(pod_context_path, ["runAsNonRoot"]),
} if {
	pod_context.runAsNonRoot == false
}

# runAsNonRoot: false on a container.
deny contains {
	"msg": sprintf("%s sets runAsNonRoot: false", [entry.label]),
	"path": array.concat(entry.security_context_path, ["runAsNonRoot"]),
} if {
	some entry in containers
	entry.security_context.runAsNonRoot == false
}

# Neither the pod nor any container sets it: fix it once, on the pod.
deny contains {
	"msg": sprintf("%s does not set runAsNonRoot: true for its pod or its containers", [object_label]),
	"path": array.concat(pod_context_path, ["runAsNonRoot"]),
} if {
	is_workload
	not _has_run_as_non_root(pod_context)
	count(containers) > 0
	every entry in containers {
		not entry.security_context.runAsNonRoot == true
	}
}

# The pod leaves it unset and only some containers set it.
deny contains {
	"msg": sprintf("%s does not set runAsNonRoot: true (nor does its pod)", [entry.label]),
	"path": array.concat(entry.security_context_path, ["runAsNonRoot"]),
} if {
	not _has_run_as_non_root(pod_context)
	some other in containers
	other.security_context.runAsNonRoot == true
	some entry in containers
	not _has_run_as_non_root(entry.security_context)
}

# runAsUser: 0
deny contains {
	"msg": sprintf("%s sets runAsUser: 0 (root) for its pod", [object_label]),
	"path": array.concat(pod_context_path, ["runAsUser"]),
} if {
	pod_context.runAsUser == 0
}

deny contains {
	"msg": sprintf("%s sets runAsUser: 0 (root)", [entry.label]),
	"path": array.concat(entry.security_context_path, ["runAsUser"]),
} if {
	some entry in containers
	entry.security_context.runAsUser == 0
}

_has_run_as_non_root(context) if is_boolean(context.runAsNonRoot)
