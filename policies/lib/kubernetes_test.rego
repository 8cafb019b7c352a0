package gitops_lint.lib.kubernetes_test

import data.gitops_lint.lib.kubernetes as k8s

# --- images ------------------------------------------------------------------

test_parse_image_docker_hub_short if {
	k8s.parse_image("nginx") == {"registry": "docker.io", "repository": "library/nginx", "tag": "", "digest": "", "name": "docker.io/library/nginx"}
}

test_parse_image_docker_hub_user_tag if {
	k8s.parse_image("bitnami/redis:7.2") == {"registry": "docker.io", "repository": "bitnami/redis", "tag": "7.2", "digest": "", "name": "docker.io/bitnami/redis"}
}

test_parse_image_registry_port_tag_digest if {
	k8s.parse_image("registry.local:5000/team/app:1.2@sha256:abc") == {
		"registry": "registry.local:5000", "repository": "team/app", "tag": "1.2",
		"digest": "sha256:abc", "name": "registry.local:5000/team/app",
	}
}

test_parse_image_registry_port_no_tag if {
	img := k8s.parse_image("localhost:5000/app")
	img.registry == "localhost:5000"
	img.repository == "app"
	img.tag == ""
}

test_parse_image_localhost if {
	k8s.parse_image("localhost/app:dev").registry == "localhost"
}

test_parse_image_index_docker_io if {
	k8s.parse_image("index.docker.io/library/busybox:1.36").name == "docker.io/library/busybox"
}

test_parse_image_ghcr if {
	img := k8s.parse_image("ghcr.io/example/shop-web:1.4.2")
	img.registry == "ghcr.io"
	img.repository == "example/shop-web"
	img.tag == "1.4.2"
}

# --- pod specs and containers ------------------------------------------------

test_pod_spec_paths if {
	k8s.pod_spec_path_of({"kind": "Pod"}) == ["spec"]
	k8s.pod_spec_path_of({"kind": "StatefulSet"}) == ["spec", "template", "spec"]
	k8s.pod_spec_path_of({"kind": "Job"}) == ["spec", "template", "spec"]
	k8s.pod_spec_path_of({"kind": "CronJob"}) == ["spec", "jobTemplate", "spec", "template", "spec"]
	not k8s.pod_spec_path_of({"kind": "Service"})
}

test_containers_all_kinds if {
	entries := k8s.containers with input as {
		"kind": "Deployment", "metadata": {"name": "d"},
		"spec": {"template": {"spec": {
			"containers": [{"name": "a"}, {"name": "b"}],
			"initContainers": [{"name": "i"}],
			"ephemeralContainers": [{"name": "e"}],
		}}},
	}
	{[e.label, e.path] | some e in entries} == {
		["container \"a\"", ["spec", "template", "spec", "containers", 0]],
		["container \"b\"", ["spec", "template", "spec", "containers", 1]],
		["init container \"i\"", ["spec", "template", "spec", "initContainers", 0]],
		["ephemeral container \"e\"", ["spec", "template", "spec", "ephemeralContainers", 0]],
	}
}

test_not_a_workload if {
	not k8s.is_workload with input as {"kind": "Service", "spec": {"template": {"spec": {}}}}
	count(k8s.containers) == 0 with input as {"kind": "Service"}
}

test_pod_labels if {
	k8s.pod_labels_of({"kind": "Deployment", "spec": {"template": {"metadata": {"labels": {"a": "b"}}, "spec": {}}}}) == {"a": "b"}
	k8s.pod_labels_of({"kind": "Pod", "metadata": {"labels": {"x": "y"}}, "spec": {}}) == {"x": "y"}
	k8s.pod_labels_of({"kind": "Deployment", "spec": {"template": {"spec": {}}}}) == {}
	not k8s.pod_labels_of({"kind": "ConfigMap", "metadata": {"labels": {"x": "y"}}})
}

# --- selectors ---------------------------------------------------------------

test_selector_match_labels if {
	k8s.selector_matches({"matchLabels": {"app": "web"}}, {"app": "web", "tier": "fe"})
	not k8s.selector_matches({"matchLabels": {"app": "web"}}, {"app": "api"})
	not k8s.selector_matches({"matchLabels": {"app": "web"}}, {})
	k8s.selector_matches({}, {"app": "web"})
}

test_selector_match_expressions if {
	labels := {"app": "web", "tier": "fe"}
	k8s.selector_matches({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["fe", "be"]}]}, labels)
	not k8s.selector_matches({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["be"]}]}, labels)
	k8s.selector_matches({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["be"]}]}, labels)
	k8s.selector_matches({"matchExpressions": [{"key": "zone", "operator": "NotIn", "values": ["a"]}]}, labels)
	not k8s.selector_matches({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["fe"]}]}, labels)
	k8s.selector_matches({"matchExpressions": [{"key": "app", "operator": "Exists"}]}, labels)
	not k8s.selector_matches({"matchExpressions": [{"key": "zone", "operator": "Exists"}]}, labels)
	k8s.selector_matches({"matchExpressions": [{"key": "zone", "operator": "DoesNotExist"}]}, labels)
	not k8s.selector_matches({"matchExpressions": [{"key": "app", "operator": "DoesNotExist"}]}, labels)
	not k8s.selector_matches(null, labels)
}

test_map_selector if {
	k8s.map_selector_matches({"app": "web"}, {"app": "web", "x": "y"})
	not k8s.map_selector_matches({"app": "web", "x": "z"}, {"app": "web", "x": "y"})
	not k8s.map_selector_matches({}, {"app": "web"})
}

# --- parameters, environment, objects ----------------------------------------

meta := {"id": "some-policy", "parameters": {"limit": {"type": "integer", "default": 2}, "names": {"type": "array", "default": []}}}

test_params_defaults if {
	k8s.params(meta) == {"limit": 2, "names": []}
}

test_params_override if {
	k8s.params(meta) == {"limit": 5, "names": []} with data.gitops_lint.params.some_policy as {"limit": 5}
}

test_params_other_policy_ignored if {
	k8s.params(meta) == {"limit": 2, "names": []} with data.gitops_lint.params as {"other_policy": {"limit": 5}}
}

test_environment if {
	k8s.environment == "production" with data.gitops_lint.environment as "production"
	not k8s.environment
}

test_same_namespace if {
	k8s.same_namespace({"metadata": {"namespace": "a"}}, {"metadata": {"namespace": "a"}})
	k8s.same_namespace({"metadata": {}}, {"metadata": {"namespace": "a"}})
	k8s.same_namespace({"metadata": {"namespace": "a"}}, {"metadata": {}})
	not k8s.same_namespace({"metadata": {"namespace": "a"}}, {"metadata": {"namespace": "b"}})
}

test_min_replicas if {
	deploy := {"kind": "Deployment", "metadata": {"name": "web"}, "spec": {"replicas": 4}}
	hpa := {"kind": "HorizontalPodAutoscaler", "metadata": {"name": "web"}, "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web"}, "minReplicas": 2}}
	other_hpa := {"kind": "HorizontalPodAutoscaler", "metadata": {"name": "x"}, "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "x"}}}
	k8s.min_replicas_of(deploy) == 4 with data.gitops_lint.objects as [deploy, other_hpa]
	k8s.min_replicas_of(deploy) == 2 with data.gitops_lint.objects as [deploy, hpa]
	k8s.min_replicas_of({"kind": "Deployment", "metadata": {"name": "web"}, "spec": {}}) == 1 with data.gitops_lint.objects as []
}

test_min_replicas_without_objects if {
	k8s.min_replicas_of({"kind": "Deployment", "metadata": {"name": "web"}, "spec": {"replicas": 3}}) == 3
}

test_object_basics if {
	obj := {"kind": "Service", "metadata": {"name": "web", "namespace": "shop"}}
	k8s.object_name == "web" with input as obj
	k8s.object_namespace == "shop" with input as obj
	k8s.object_label == "Service \"web\"" with input as obj
	k8s.object_namespace == "" with input as {"kind": "Service", "metadata": {"name": "web"}}
	k8s.label_of({"kind": 5}) == " \"\""
}

test_pod_metadata_paths if {
	k8s.pod_metadata_path_of({"kind": "Pod"}) == ["metadata"]
	k8s.pod_metadata_path_of({"kind": "DaemonSet"}) == ["spec", "template", "metadata"]
	k8s.pod_metadata_path_of({"kind": "CronJob"}) == ["spec", "jobTemplate", "spec", "template", "metadata"]
	not k8s.pod_metadata_path_of({"kind": "Secret"})
}

test_accessors_never_fail if {
	k8s.array_at(null, ["a"]) == []
	k8s.array_at({"a": "x"}, ["a"]) == []
	k8s.object_at({"a": [1]}, ["a"]) == {}
	k8s.string_at({"a": {"b": 5}}, ["a", "b"]) == ""
	k8s.value_at("text", ["a"], 7) == 7
	k8s.array_at({"a": {"b": [1, 2]}}, ["a", "b"]) == [1, 2]
}

test_odd_containers_skipped if {
	entries := k8s.containers with input as {
		"kind": "Pod", "metadata": {"name": "p"},
		"spec": {"containers": [null, "x", {"image": "a:1"}], "initContainers": "bad"},
	}
	{[e.label, e.path] | some e in entries} == {["container \"#2\"", ["spec", "containers", 2]]}
}
