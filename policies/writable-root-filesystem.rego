package gitops_lint.policies.writable_root_filesystem

import data.gitops_lint.lib.kubernetes.app_containers

__rego_metadata__ := {
	"id": "writable-root-filesystem",
	"severity": "warning",
	"summary": "A container's root filesystem is writable (readOnlyRootFilesystem not true)",
	"what": "Flags a container or init container whose `securityContext.readOnlyRootFilesystem` is not `true`. (Not part of the Pod Security Standards; a common review and CIS Benchmark item.)",
	"why": "With a writable root filesystem, an attacker who gets code execution can drop tools and binaries, alter the application's code or configuration, and persist until the pod is replaced. A read-only root also makes accidental writes (log files, caches) visible as errors instead of filling the node's disk through the container's writable layer.",
	"example": "```yaml\ncontainers:\n  - name: app\n    image: ghcr.io/example/app:1.0.0\n    securityContext:\n      allowPrivilegeEscalation: false   # flagged: readOnlyRootFilesystem is not true\n```",
	"fix": "Set `securityContext.readOnlyRootFilesystem: true` and mount an `emptyDir` (with a `sizeLimit`) where the process must write, typically `/tmp`:\n\n```yaml\n    securityContext:\n      readOnlyRootFilesystem: true\n    volumeMounts:\n      - name: tmp\n        mountPath: /tmp\nvolumes:\n  - name: tmp\n    emptyDir:\n      sizeLimit: 64Mi\n```",
	"kinds": ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"],
}

deny contains {
	"msg": sprintf("%s sets readOnlyRootFilesystem: false", [entry.label]),
	"path": array.concat(entry.security_context_path, ["readOnlyRootFilesystem"]),
} if {
	some entry in app_containers
	entry.security_context.readOnlyRootFilesystem == false
}

deny contains {
	"msg": sprintf("%s does not set readOnlyRootFilesystem: true", [entry.label]),
	"path": array.concat(entry.security_context_path, ["readOnlyRootFilesystem"]),
} if {
	some entry in app_containers
	not is_boolean(entry.security_context.readOnlyRootFilesystem)
}
