package gitops_lint.policies.privilege_escalation_allowed

import data.gitops_lint.lib.kubernetes.containers
import data.gitops_lint.lib.kubernetes.is_windows

__rego_metadata__ := {
	"id": "privilege-escalation-allowed",
	"severity": "warning",
	"summary": "A container does not set allowPrivilegeEscalation: false",
	"what": "Flags a container (init and ephemeral containers too) whose `securityContext.allowPrivilegeEscalation` is `true` or not set. This is the *Privilege Escalation* control of the Pod Security Standards **restricted** profile. Windows pods (`spec.os.name: windows`) are exempt, as in the standard.",
	"why": "Unless it is `false`, a process in the container can gain more privileges than its parent, through setuid binaries (`sudo`, `su`, `ping` on some images) or file capabilities: the kernel's `no_new_privs` flag is not set. The default is `true`. Namespaces that enforce the restricted profile reject such pods.",
	"example": "```yaml\ncontainers:\n  - name: app\n    image: ghcr.io/example/app:1.0.0\n    securityContext:\n      runAsNonRoot: true   # flagged: allowPrivilegeEscalation is not false\n```",
	"fix": "Set `securityContext.allowPrivilegeEscalation: false` on every container.",
	"kinds": ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"],
}

deny contains {
	"msg": sprintf("%s sets allowPrivilegeEscalation: true", [entry.label]),
	"path": array.concat(entry.security_context_path, ["allowPrivilegeEscalation"]),
} if {
	not is_windows
	some entry in containers
	entry.security_context.allowPrivilegeEscalation == true
}

deny contains {
	"msg": sprintf("%s does not set allowPrivilegeEscalation: false (the default is true)", [entry.label]),
	"path": array.concat(entry.security_context_path, ["allowPrivilegeEscalation"]),
} if {
	not is_windows
	some entry in containers
	not _is_set(entry.security_context)
}

_is_set(context) if is_boolean(context.allowPrivilegeEscalation)
