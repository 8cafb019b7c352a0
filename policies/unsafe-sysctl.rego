package gitops_lint.policies.unsafe_sysctl

import data.gitops_lint.lib.kubernetes as k8s
import data.gitops_lint.lib.kubernetes.object_label
import data.gitops_lint.lib.kubernetes.pod_security_context
import data.gitops_lint.lib.kubernetes.pod_security_context_path

__rego_metadata__ := {
	"id": "unsafe-sysctl",
	"severity": "error",
	"summary": "A pod sets a sysctl outside the safe set",
	"what": "Flags each `securityContext.sysctls` entry of a pod whose name is not in the safe set of the Pod Security Standards **baseline** profile: `kernel.shm_rmid_forced`, `net.ipv4.ip_local_port_range`, `net.ipv4.ip_unprivileged_port_start`, `net.ipv4.tcp_syncookies`, `net.ipv4.ping_group_range`, `net.ipv4.ip_local_reserved_ports`, `net.ipv4.tcp_keepalive_time`, `net.ipv4.tcp_fin_timeout`, `net.ipv4.tcp_keepalive_intvl`, `net.ipv4.tcp_keepalive_probes`, `net.ipv4.tcp_rmem`, `net.ipv4.tcp_wmem` (Kubernetes 1.32+).",
	"why": "Unsafe sysctls are not namespaced, or not isolated between pods: setting one changes the kernel for every pod on the node, and a bad value can take the node down. The kubelet refuses them unless it is started with `--allowed-unsafe-sysctls`, so the pod stays in `SysctlForbidden`; namespaces that enforce the baseline or restricted profile reject them at admission.",
	"example": "```yaml\nspec:\n  securityContext:\n    sysctls:\n      - name: net.core.somaxconn   # flagged\n        value: \"1024\"\n```",
	"fix": "Remove the sysctl, or tune it on the nodes (node configuration, a tuning DaemonSet in a reviewed namespace). If your clusters allow it through `--allowed-unsafe-sysctls` on dedicated nodes, suppress the finding with the reason.",
	"kinds": ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"],
}

safe_sysctls := {
	"kernel.shm_rmid_forced",
	"net.ipv4.ip_local_port_range",
	"net.ipv4.ip_unprivileged_port_start",
	"net.ipv4.tcp_syncookies",
	"net.ipv4.ping_group_range",
	"net.ipv4.ip_local_reserved_ports",
	"net.ipv4.tcp_keepalive_time",
	"net.ipv4.tcp_fin_timeout",
	"net.ipv4.tcp_keepalive_intvl",
	"net.ipv4.tcp_keepalive_probes",
	"net.ipv4.tcp_rmem",
	"net.ipv4.tcp_wmem",
}

deny contains {
	"msg": sprintf("%s sets sysctl %v, which is not in the safe set", [object_label, sysctl_name]),
	"path": array.concat(pod_security_context_path, ["sysctls", i, "name"]),
} if {
	some i, sysctl in k8s.array_at(pod_security_context, ["sysctls"])
	sysctl_name := sysctl.name
	not sysctl_name in safe_sysctls
}
