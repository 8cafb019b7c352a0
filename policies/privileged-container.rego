package gitops_lint.policies.privileged_container

import data.gitops_lint.lib.kubernetes.containers
import data.gitops_lint.lib.kubernetes.object_label
import data.gitops_lint.lib.kubernetes.pod_security_context
import data.gitops_lint.lib.kubernetes.pod_security_context_path

__rego_metadata__ := {
	"id": "privileged-container",
	"severity": "error",
	"summary": "A container runs privileged (or as a Windows HostProcess container)",
	"what": "Flags a container, init container or ephemeral container with `securityContext.privileged: true`, and a pod or container with `securityContext.windowsOptions.hostProcess: true`. These are the *Privileged Containers* and *HostProcess* controls of the Pod Security Standards **baseline** profile.",
	"why": "A privileged container has every capability and access to all host devices: it is root on the node. Anyone who can run code in it can take over the node and every pod on it. A Windows HostProcess container runs directly on the host with the same effect. Namespaces labelled `pod-security.kubernetes.io/enforce: baseline` (or `restricted`) reject such pods, so the apply fails in the cluster.",
	"example": "```yaml\nspec:\n  containers:\n    - name: app\n      image: ghcr.io/example/app:1.0.0\n      securityContext:\n        privileged: true   # flagged\n```",
	"fix": "Remove `privileged: true` (or set it to `false`) and grant only what the container needs: a specific capability under `securityContext.capabilities.add`, a device plugin, or a dedicated, separately reviewed system namespace for node agents. Remove `windowsOptions.hostProcess: true` unless the workload is a node agent that must run on the host.",
	"kinds": ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"],
}

deny contains {
	"msg": sprintf("%s runs privileged (securityContext.privileged: true)", [entry.label]),
	"path": array.concat(entry.security_context_path, ["privileged"]),
} if {
	some entry in containers
	entry.security_context.privileged == true
}

deny contains {
	"msg": sprintf("%s is a Windows HostProcess container (securityContext.windowsOptions.hostProcess: true)", [entry.label]),
	"path": array.concat(entry.security_context_path, ["windowsOptions", "hostProcess"]),
} if {
	some entry in containers
	entry.security_context.windowsOptions.hostProcess == true
}

deny contains {
	"msg": sprintf("%s runs its pod as Windows HostProcess containers (securityContext.windowsOptions.hostProcess: true)", [object_label]),
	"path": array.concat(pod_security_context_path, ["windowsOptions", "hostProcess"]),
} if {
	pod_security_context.windowsOptions.hostProcess == true
}
