package gitops_lint.policies.unconfined_security_profile

import data.gitops_lint.lib.kubernetes.containers
import data.gitops_lint.lib.kubernetes.object_label
import data.gitops_lint.lib.kubernetes.pod_annotations
import data.gitops_lint.lib.kubernetes.pod_metadata_path
import data.gitops_lint.lib.kubernetes.pod_security_context
import data.gitops_lint.lib.kubernetes.pod_security_context_path

__rego_metadata__ := {
	"id": "unconfined-security-profile",
	"severity": "error",
	"summary": "A pod or container turns off seccomp or AppArmor (Unconfined)",
	"what": "Flags `seccompProfile.type: Unconfined` and `appArmorProfile.type: Unconfined` in the pod or a container `securityContext`, and a `container.apparmor.security.beta.kubernetes.io/<container>` pod annotation with a value other than `runtime/default` or `localhost/<profile>`. These are the *Seccomp* and *AppArmor* controls of the Pod Security Standards **baseline** profile. (Not setting a seccomp profile at all is the restricted-profile check `missing-seccomp-profile`.)",
	"why": "Seccomp and AppArmor limit the system calls and files a container can use; they are what blocks many kernel exploits and container escapes. `Unconfined` switches that protection off explicitly. Namespaces that enforce the baseline or restricted profile reject such pods.",
	"example": "```yaml\nspec:\n  securityContext:\n    seccompProfile:\n      type: Unconfined   # flagged\n```",
	"fix": "Use `type: RuntimeDefault` (or `Localhost` with a reviewed profile that allows the extra calls the workload needs). Remove AppArmor `unconfined` annotations; use `appArmorProfile.type: RuntimeDefault` or `Localhost`.",
	"kinds": ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"],
}

profile_fields := {"seccompProfile": "seccomp", "appArmorProfile": "AppArmor"}

deny contains {
	"msg": sprintf("%s sets %s.type: Unconfined, which turns %s off for the whole pod", [object_label, field, mechanism]),
	"path": array.concat(pod_security_context_path, [field, "type"]),
} if {
	some field, mechanism in profile_fields
	pod_security_context[field].type == "Unconfined"
}

deny contains {
	"msg": sprintf("%s sets %s.type: Unconfined, which turns %s off", [entry.label, field, mechanism]),
	"path": array.concat(entry.security_context_path, [field, "type"]),
} if {
	some entry in containers
	some field, mechanism in profile_fields
	entry.security_context[field].type == "Unconfined"
}

apparmor_prefix := "container.apparmor.security.beta.kubernetes.io/"

deny contains {
	"msg": sprintf("%s sets AppArmor profile %q for container %q; only runtime/default and localhost/<profile> are allowed", [object_label, value, trim_prefix(key, apparmor_prefix)]),
	"path": array.concat(pod_metadata_path, ["annotations", key]),
} if {
	some key, value in pod_annotations
	startswith(key, apparmor_prefix)
	is_string(value)
	value != "runtime/default"
	not startswith(value, "localhost/")
}
