# Shared helpers for the gitops-lint policy library.
#
# `input` is one Kubernetes object. Every helper that names a field returns its
# path as an array of keys and indices (the form `deny` results use), so a
# policy builds its result path with array.concat(<helper path>, [...]).
#
# Policies also run on objects that fail schema validation, and regorus raises
# an error (instead of OPA's undefined) when a builtin gets the wrong type or
# `some … in` gets a non-collection. So helpers never hand out a value of the
# wrong type: value_at/array_at/object_at/string_at fall back to a default.
#
# Performance (regorus 0.14): referencing a rule through a package alias
# (`k8s.containers` after `import data.gitops_lint.lib.kubernetes as k8s`)
# makes regorus evaluate every rule of this package, about 0.5 ms per policy
# and object. Import the rules a policy uses one by one
# (`import data.gitops_lint.lib.kubernetes.containers`) and call functions
# through the alias (`k8s.array_at(...)`), which costs nothing extra. Keep the
# rules here cheap, and iterate over the apply unit only in functions.
package gitops_lint.lib.kubernetes

# ---------------------------------------------------------------------------
# Type-safe accessors

# The value at path (an array of keys/indices) in x, or fallback when x is not
# an object or the path does not exist.
value_at(x, path, fallback) := object.get(x, path, fallback) if is_object(x)

else := fallback

array_at(x, path) := value if {
	value := value_at(x, path, [])
	is_array(value)
} else := []

object_at(x, path) := value if {
	value := value_at(x, path, {})
	is_object(value)
} else := {}

string_at(x, path) := value if {
	value := value_at(x, path, "")
	is_string(value)
} else := ""

# ---------------------------------------------------------------------------
# The object itself

object_name := name if {
	name := input.metadata.name
	is_string(name)
} else := ""

object_namespace := ns if {
	ns := input.metadata.namespace
	is_string(ns)
} else := ""

# `Deployment "shop-web"`, for messages.
object_label := label_of(input)

label_of(obj) := sprintf("%s %q", [string_at(obj, ["kind"]), string_at(obj, ["metadata", "name"])])

# ---------------------------------------------------------------------------
# Workloads and their pod templates

# Where each kind keeps its pod spec and its pod metadata (labels, annotations).
_pod_spec_paths := {
	"Pod": ["spec"],
	"Deployment": ["spec", "template", "spec"],
	"StatefulSet": ["spec", "template", "spec"],
	"DaemonSet": ["spec", "template", "spec"],
	"ReplicaSet": ["spec", "template", "spec"],
	"ReplicationController": ["spec", "template", "spec"],
	"Job": ["spec", "template", "spec"],
	"CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
}

_pod_metadata_paths := {
	"Pod": ["metadata"],
	"Deployment": ["spec", "template", "metadata"],
	"StatefulSet": ["spec", "template", "metadata"],
	"DaemonSet": ["spec", "template", "metadata"],
	"ReplicaSet": ["spec", "template", "metadata"],
	"ReplicationController": ["spec", "template", "metadata"],
	"Job": ["spec", "template", "metadata"],
	"CronJob": ["spec", "jobTemplate", "spec", "template", "metadata"],
}

# Every kind that carries a pod spec (Pod included).
pod_kinds := {kind | some kind, _ in _pod_spec_paths}

# Kinds whose pod template is at spec.template.
template_kinds := pod_kinds - {"Pod", "CronJob"}

# Kinds that run until stopped (not Job or CronJob, not a bare Pod).
long_running_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"}

# Kinds with spec.replicas that a PodDisruptionBudget or an HPA usually covers.
replicated_kinds := {"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"}

# Path of the pod spec / pod metadata inside an object (undefined for other kinds).
pod_spec_path_of(obj) := _pod_spec_paths[obj.kind]

pod_metadata_path_of(obj) := _pod_metadata_paths[obj.kind]

# The pod spec of an object (undefined when it has none).
pod_spec_of(obj) := spec if {
	is_object(obj)
	spec := object.get(obj, _pod_spec_paths[obj.kind], null)
	is_object(spec)
}

# The labels of the pods an object creates ({} when it sets none; undefined
# for objects that create no pods).
pod_labels_of(obj) := labels if {
	labels := object.get(obj, array.concat(_pod_metadata_paths[obj.kind], ["labels"]), {})
	is_object(labels)
} else := {} if {
	_pod_metadata_paths[obj.kind]
}

pod_spec_path := _pod_spec_paths[input.kind]

pod_spec := pod_spec_of(input)

is_workload if pod_spec

pod_metadata_path := _pod_metadata_paths[input.kind]

pod_annotations := annotations if {
	annotations := object.get(input, array.concat(pod_metadata_path, ["annotations"]), {})
	is_object(annotations)
} else := {}

# The pod-level securityContext ({} when unset) and its path.
pod_security_context_path := array.concat(pod_spec_path, ["securityContext"])

pod_security_context := context if {
	context := pod_spec.securityContext
	is_object(context)
} else := {}

# Windows pods are exempt from the Linux-only restricted checks (capabilities,
# seccomp, allowPrivilegeEscalation), as in the Pod Security Standards.
is_windows if pod_spec.os.name == "windows"

# ---------------------------------------------------------------------------
# Containers
#
# Each element:
#   {"container": <the container>, "name": <its name>,
#    "field": "containers" | "initContainers" | "ephemeralContainers",
#    "index": <its index>, "path": <path of the container>,
#    "label": `container "web"` / `init container "x"` / `ephemeral container "y"`,
#    "security_context": <its securityContext, {} when unset>,
#    "security_context_path": <path of its securityContext>}

_field_labels := {
	"containers": "container",
	"initContainers": "init container",
	"ephemeralContainers": "ephemeral container",
}

containers contains entry if {
	some field, field_label in _field_labels
	list := pod_spec[field]
	is_array(list)
	some i, c in list
	is_object(c)
	container_name := _container_name(c, i)
	path := array.concat(pod_spec_path, [field, i])
	entry := {
		"container": c,
		"name": container_name,
		"field": field,
		"index": i,
		"path": path,
		"label": sprintf("%s %q", [field_label, container_name]),
		"security_context": object_at(c, ["securityContext"]),
		"security_context_path": array.concat(path, ["securityContext"]),
	}
}

_container_name(c, i) := c.name if is_string(c.name)

else := sprintf("#%d", [i])

# Regular and init containers (ephemeral debug containers take no resources,
# probes or ports).
app_containers contains entry if {
	some entry in containers
	entry.field != "ephemeralContainers"
}

# Only spec.containers.
main_containers contains entry if {
	some entry in containers
	entry.field == "containers"
}

# ---------------------------------------------------------------------------
# Label selectors

# A LabelSelector ({matchLabels, matchExpressions}) selects the labels.
# An empty selector selects everything (PodDisruptionBudget policy/v1 semantics);
# a missing (null) selector selects nothing.
selector_matches(selector, labels) if {
	is_object(selector)
	_match_labels(object.get(selector, "matchLabels", null), labels)
	_match_expressions(object.get(selector, "matchExpressions", null), labels)
}

_match_labels(match_labels, labels) if {
	is_object(match_labels)
	every key, value in match_labels {
		labels[key] == value
	}
}

_match_labels(match_labels, _) if match_labels == null

_match_expressions(expressions, labels) if {
	is_array(expressions)
	every expr in expressions {
		_expression_matches(expr, labels)
	}
}

_match_expressions(expressions, _) if expressions == null

_expression_matches(expr, labels) if {
	expr.operator == "In"
	labels[expr.key] in array_at(expr, ["values"])
}

_expression_matches(expr, labels) if {
	expr.operator == "NotIn"
	not labels[expr.key] in array_at(expr, ["values"])
}

_expression_matches(expr, labels) if {
	expr.operator == "Exists"
	_ = labels[expr.key]
}

_expression_matches(expr, labels) if {
	expr.operator == "DoesNotExist"
	not _has_key(labels, expr.key)
}

_has_key(obj, key) if _ = obj[key]

# A plain map selector (Service spec.selector): a non-empty subset of the labels.
map_selector_matches(selector, labels) if {
	is_object(selector)
	count(selector) > 0
	every k, v in selector {
		labels[k] == v
	}
}

# ---------------------------------------------------------------------------
# Parameters, environment and the apply unit

# The parameters of a policy: the documented defaults in its metadata, with
# data.gitops_lint.params.<id_with_underscores> laid over them. A given value
# whose JSON type differs from the default's is ignored (the default is used).
params(meta) := object.union(param_defaults(meta), _given_params(meta))

param_defaults(meta) := {key: spec.default | some key, spec in object_at(meta, ["parameters"])}

_given_params(meta) := {key: value |
	defaults := param_defaults(meta)
	some key, value in object_at(data.gitops_lint.params, [replace(meta.id, "-", "_")])
	type_name(value) == type_name(defaults[key])
}

environment := data.gitops_lint.environment

# Every object of the apply unit (the input included). Undefined when the
# engine supplies none: cross-object policies then report nothing.
#
# Performance note: regorus evaluates every non-function rule of a package
# when any rule of it is referenced, so the rules of this package must stay
# cheap (no iteration over the apply unit here; do that in functions, which
# run only when called).
objects := data.gitops_lint.objects if is_array(data.gitops_lint.objects)

# Namespaces are compatible when equal, or when either object leaves its
# namespace to the kubectl context / kustomize (no metadata.namespace).
same_namespace(a, b) if {
	na := _namespace_of(a)
	nb := _namespace_of(b)
	_namespaces_compatible(na, nb)
}

_namespace_of(obj) := ns if {
	ns := obj.metadata.namespace
	is_string(ns)
} else := ""

_namespaces_compatible(na, _) if na == ""

_namespaces_compatible(_, nb) if nb == ""

_namespaces_compatible(na, nb) if na == nb

# HorizontalPodAutoscalers in the apply unit that scale the object.
hpas_targeting(obj) := {hpa |
	some hpa in objects
	hpa.kind == "HorizontalPodAutoscaler"
	ref := hpa.spec.scaleTargetRef
	ref.name == obj.metadata.name
	ref.kind == obj.kind
	same_namespace(hpa, obj)
}

# The fewest replicas the object runs with: the minReplicas (default 1) of an
# HPA that targets it, else spec.replicas (default 1). Undefined when the
# manifest holds a non-number.
min_replicas_of(obj) := _min_replicas(obj, {value_at(hpa, ["spec", "minReplicas"], 1) | some hpa in hpas_targeting(obj)})

_min_replicas(_, hpa_mins) := n if {
	count(hpa_mins) > 0
	n := min(hpa_mins)
	is_number(n)
}

_min_replicas(obj, hpa_mins) := n if {
	count(hpa_mins) == 0
	n := value_at(obj, ["spec", "replicas"], 1)
	is_number(n)
}

# ---------------------------------------------------------------------------
# Images

# Splits an image reference into registry, repository, tag and digest.
# "nginx" -> {"registry": "docker.io", "repository": "library/nginx", "tag": "", "digest": "",
#             "name": "docker.io/library/nginx"}
parse_image(image) := {
	"registry": registry,
	"repository": repository,
	"tag": tag,
	"digest": digest,
	"name": concat("/", [registry, repository]),
} if {
	is_string(image)
	name_digest := split(image, "@")
	digest := _digest(name_digest)
	[registry, rest] := _split_registry(name_digest[0])
	[repository_raw, tag] := _split_tag(rest)
	repository := _docker_library(registry, repository_raw)
}

_digest(parts) := parts[1] if count(parts) > 1

_digest(parts) := "" if count(parts) == 1

_split_registry(ref) := [_normalize_registry(first), substring(ref, count(first) + 1, -1)] if {
	parts := split(ref, "/")
	count(parts) > 1
	first := parts[0]
	_is_registry_host(first)
} else := ["docker.io", ref]

_is_registry_host(s) if contains(s, ".")

_is_registry_host(s) if contains(s, ":")

_is_registry_host(s) if s == "localhost"

_docker_hub_hosts := {"index.docker.io", "registry-1.docker.io", "docker.io"}

_normalize_registry(host) := "docker.io" if host in _docker_hub_hosts

_normalize_registry(host) := host if not host in _docker_hub_hosts

# The tag follows the ":" in the last path segment.
_split_tag(rest) := [repo, tag] if {
	segments := split(rest, "/")
	last := segments[count(segments) - 1]
	contains(last, ":")
	tag := split(last, ":")[1]
	repo := substring(rest, 0, (count(rest) - count(tag)) - 1)
} else := [rest, ""]

_docker_library(registry, repo) := concat("/", ["library", repo]) if {
	registry == "docker.io"
	not contains(repo, "/")
} else := repo
