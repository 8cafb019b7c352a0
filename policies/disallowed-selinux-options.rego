package gitops_lint.policies.disallowed_selinux_options

import data.gitops_lint.lib.kubernetes.containers
import data.gitops_lint.lib.kubernetes.object_label
import data.gitops_lint.lib.kubernetes.pod_security_context
import data.gitops_lint.lib.kubernetes.pod_security_context_path

__rego_metadata__ := {
	"id": "disallowed-selinux-options",
	"severity": "error",
	"summary": "A pod or container sets a custom SELinux user, role or type",
	"what": "Flags `seLinuxOptions` in the pod or a container `securityContext` that sets `user` or `role`, or a `type` other than `container_t`, `container_init_t`, `container_kvm_t` or `container_engine_t`. This is the *SELinux* control of the Pod Security Standards **baseline** profile. `level` (the MCS label) is allowed.",
	"why": "The SELinux type decides what the container's processes may touch on the host. A custom type (`spc_t`, `unconfined_t`, …) or user/role lifts the confinement that keeps a compromised container away from host files and other containers. Namespaces that enforce the baseline or restricted profile reject such pods.",
	"example": "```yaml\nsecurityContext:\n  seLinuxOptions:\n    type: spc_t   # flagged\n```",
	"fix": "Remove `seLinuxOptions.user`, `role` and `type` (the runtime assigns `container_t`), keeping `level` if you need a fixed MCS label for shared volumes.",
	"kinds": ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"],
}

allowed_types := {"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}

# [label, path of the securityContext, the securityContext]
security_contexts contains [object_label, pod_security_context_path, pod_security_context]

security_contexts contains [entry.label, entry.security_context_path, entry.security_context] if {
	some entry in containers
}

deny contains {
	"msg": sprintf("%s sets seLinuxOptions.type %q; only container_t, container_init_t, container_kvm_t and container_engine_t are allowed", [label, selinux_type]),
	"path": array.concat(path, ["seLinuxOptions", "type"]),
} if {
	some [label, path, context] in security_contexts
	selinux_type := context.seLinuxOptions.type
	is_string(selinux_type)
	not selinux_type in allowed_types
}

deny contains {
	"msg": sprintf("%s sets seLinuxOptions.%s %q; custom SELinux users and roles are not allowed", [label, field, value]),
	"path": array.concat(path, ["seLinuxOptions", field]),
} if {
	some [label, path, context] in security_contexts
	some field in ["user", "role"]
	value := context.seLinuxOptions[field]
	is_string(value)
	value != ""
}
