package gitops_lint.policies.added_capability

import data.gitops_lint.lib.kubernetes as k8s
import data.gitops_lint.lib.kubernetes.containers

__rego_metadata__ := {
	"id": "added-capability",
	"severity": "error",
	"summary": "A container adds a Linux capability beyond the baseline set",
	"what": "Flags each entry of `securityContext.capabilities.add` that is not in the Pod Security Standards **baseline** set: `AUDIT_WRITE`, `CHOWN`, `DAC_OVERRIDE`, `FOWNER`, `FSETID`, `KILL`, `MKNOD`, `NET_BIND_SERVICE`, `SETFCAP`, `SETGID`, `SETPCAP`, `SETUID`, `SYS_CHROOT` (the container runtime's defaults). Names are compared exactly, as the admission controller does (`CAP_SYS_ADMIN` is not `SYS_ADMIN` and is flagged too).",
	"why": "Capabilities such as `SYS_ADMIN`, `NET_ADMIN`, `SYS_PTRACE`, `SYS_MODULE` or `NET_RAW` let a process escape the container, reconfigure the node's network, read other processes' memory or load kernel modules. Namespaces that enforce the baseline or restricted profile reject such pods.",
	"example": "```yaml\nsecurityContext:\n  capabilities:\n    add:\n      - NET_ADMIN   # flagged\n```",
	"fix": "Remove the capability. Most applications need none (see `unrestricted-capabilities`: drop `ALL`, add at most `NET_BIND_SERVICE` to bind ports below 1024). If a component really needs it (a CNI plugin, a VPN sidecar), run it in a separately reviewed namespace and suppress the finding there with a reason.",
	"kinds": ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"],
}

baseline_capabilities := {
	"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
	"NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
}

deny contains {
	"msg": sprintf("%s adds capability %v, which the baseline Pod Security Standard does not allow", [entry.label, capability]),
	"path": array.concat(entry.security_context_path, ["capabilities", "add", j]),
} if {
	some entry in containers
	some j, capability in k8s.array_at(entry.security_context, ["capabilities", "add"])
	not capability in baseline_capabilities
}
