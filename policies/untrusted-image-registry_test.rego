package gitops_lint.policies.untrusted_image_registry_test

import data.gitops_lint.policies.untrusted_image_registry as policy

pod(images) := {
	"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
	"spec": {"containers": [{"name": sprintf("c%d", [i]), "image": image} | some i, image in images]},
}

test_off_by_default if {
	count(policy.deny) == 0 with input as pod(["docker.io/someone/app:1", "quay.io/x/y:2"])
}

test_allowed_registries_allowed if {
	count(policy.deny) == 0 with input as pod([
		"ghcr.io/example/app:1.4.2",
		"ghcr.io/example/tools/cli:2",
		"registry.example.com:5000/team/app:1",
		"nginx:1.27",
	])
		with data.gitops_lint.params.untrusted_image_registry as {"allowed_registries": ["ghcr.io/example/", "registry.example.com:5000", "docker.io/library"]}
}

test_other_registry_denied if {
	policy.deny == {{
		"msg": "container \"c1\" uses image \"quay.io/someone/app:1\" from quay.io, which is not in allowed_registries [\"ghcr.io\"]",
		"path": ["spec", "containers", 1, "image"],
	}} with input as pod(["ghcr.io/example/app:1", "quay.io/someone/app:1"])
		with data.gitops_lint.params.untrusted_image_registry as {"allowed_registries": ["ghcr.io"]}
}

test_prefix_is_path_segment_aware if {
	findings := policy.deny with input as pod(["ghcr.io/example-evil/app:1", "bitnami/redis:7", "index.docker.io/library/nginx:1"])
		with data.gitops_lint.params.untrusted_image_registry as {"allowed_registries": ["ghcr.io/example", "index.docker.io/library"]}
	{f.path | some f in findings} == {["spec", "containers", 0, "image"], ["spec", "containers", 1, "image"]}
}
