package gitops_lint.policies.host_path_volume

import data.gitops_lint.lib.kubernetes as k8s
import data.gitops_lint.lib.kubernetes.object_label
import data.gitops_lint.lib.kubernetes.pod_spec
import data.gitops_lint.lib.kubernetes.pod_spec_path

__rego_metadata__ := {
	"id": "host-path-volume",
	"severity": "error",
	"summary": "A pod mounts a directory of the node (hostPath volume)",
	"what": "Flags every `hostPath` volume in a pod spec (the *HostPath Volumes* control of the Pod Security Standards **baseline** profile).",
	"why": "A hostPath volume exposes the node's filesystem to the pod. Mounting `/`, `/etc`, `/var/lib/kubelet` or the container runtime's socket gives the pod control of the node; even a harmless-looking directory ties the pod to one node's contents and lets it fill the node's disk. Namespaces that enforce the baseline or restricted profile reject such pods.",
	"example": "```yaml\nspec:\n  template:\n    spec:\n      volumes:\n        - name: logs\n          hostPath:          # flagged\n            path: /var/log\n```",
	"fix": "Use `emptyDir` for scratch space, a PersistentVolumeClaim for data that must survive the pod, a ConfigMap/Secret/projected volume for configuration, or a CSI driver for node-local storage. Node agents that really need the host (log shippers, CNI, CSI) belong in a dedicated namespace with a reviewed exception.",
	"kinds": ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"],
}

deny contains {
	"msg": sprintf("%s mounts the node's %q through hostPath volume %q", [object_label, k8s.string_at(host_path, ["path"]), k8s.string_at(volume, ["name"])]),
	"path": array.concat(pod_spec_path, ["volumes", i, "hostPath"]),
} if {
	some i, volume in k8s.array_at(pod_spec, ["volumes"])
	host_path := volume.hostPath
	is_object(host_path)
}
