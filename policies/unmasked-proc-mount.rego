package gitops_lint.policies.unmasked_proc_mount

import data.gitops_lint.lib.kubernetes.containers

__rego_metadata__ := {
	"id": "unmasked-proc-mount",
	"severity": "error",
	"summary": "A container mounts /proc unmasked (procMount other than Default)",
	"what": "Flags a container whose `securityContext.procMount` is set to anything but `Default` (in practice `Unmasked`). This is the */proc Mount Type* control of the Pod Security Standards **baseline** profile.",
	"why": "The default /proc mount masks and makes read-only the paths that expose the host kernel (`/proc/kcore`, `/proc/sysrq-trigger`, `/proc/sys`, …). An unmasked /proc gives the container those host interfaces. Namespaces that enforce the baseline or restricted profile reject such pods.",
	"example": "```yaml\nsecurityContext:\n  procMount: Unmasked   # flagged\n```",
	"fix": "Remove `procMount` (or set it to `Default`). Unmasked /proc is only meant for nested container runtimes in user-namespaced pods; run those in a separately reviewed namespace.",
	"kinds": ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"],
}

deny contains {
	"msg": sprintf("%s sets procMount: %v; only Default is allowed", [entry.label, proc_mount]),
	"path": array.concat(entry.security_context_path, ["procMount"]),
} if {
	some entry in containers
	proc_mount := entry.security_context.procMount
	proc_mount != null
	proc_mount != "Default"
}
