package gitops_lint.policies.unrestricted_capabilities

import data.gitops_lint.lib.kubernetes as k8s
import data.gitops_lint.lib.kubernetes.containers
import data.gitops_lint.lib.kubernetes.is_windows

__rego_metadata__ := {
	"id": "unrestricted-capabilities",
	"severity": "warning",
	"summary": "A container does not drop ALL capabilities, or adds one other than NET_BIND_SERVICE",
	"what": "Flags a container (init and ephemeral containers too) whose `securityContext.capabilities.drop` does not contain `ALL`, and each entry of `capabilities.add` other than `NET_BIND_SERVICE` that is within the baseline set (capabilities beyond the baseline set are `added-capability` errors). This is the *Capabilities* control of the Pod Security Standards **restricted** profile. Windows pods (`spec.os.name: windows`) are exempt, as in the standard.",
	"why": "Containers start with the runtime's default capabilities (`CHOWN`, `DAC_OVERRIDE`, `FOWNER`, `SETUID`, `SETGID`, `NET_RAW`, …). Few applications need any of them, and each one widens what an attacker who gets code execution can do (`NET_RAW` allows ARP/DNS spoofing on the node's network, `SETUID` helps privilege escalation). Namespaces that enforce the restricted profile reject such pods.",
	"example": "```yaml\ncontainers:\n  - name: app\n    image: ghcr.io/example/app:1.0.0\n    securityContext:\n      capabilities:\n        drop: [NET_RAW]   # flagged: drop ALL\n        add: [CHOWN]      # flagged\n```",
	"fix": "Set `securityContext.capabilities.drop: [\"ALL\"]` on every container and add back only `NET_BIND_SERVICE`, and only if the process binds a port below 1024 as a non-root user (better: listen on a port above 1024).",
	"kinds": ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"],
}

# Additions outside this set are reported by added-capability.
baseline_capabilities := {
	"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
	"NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
}

deny contains {
	"msg": sprintf("%s does not drop ALL capabilities (securityContext.capabilities.drop: %v)", [entry.label, drop]),
	"path": array.concat(entry.security_context_path, ["capabilities", "drop"]),
} if {
	not is_windows
	some entry in containers
	drop := k8s.array_at(entry.security_context, ["capabilities", "drop"])
	not "ALL" in drop
}

deny contains {
	"msg": sprintf("%s adds capability %v; the restricted Pod Security Standard allows only NET_BIND_SERVICE", [entry.label, capability]),
	"path": array.concat(entry.security_context_path, ["capabilities", "add", j]),
} if {
	not is_windows
	some entry in containers
	some j, capability in k8s.array_at(entry.security_context, ["capabilities", "add"])
	capability != "NET_BIND_SERVICE"
	capability in baseline_capabilities
}
