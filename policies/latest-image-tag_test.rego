package gitops_lint.policies.latest_image_tag_test

import data.gitops_lint.policies.latest_image_tag as policy

pod(images) := {
	"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
	"spec": {"containers": [{"name": sprintf("c%d", [i]), "image": image} | some i, image in images]},
}

test_versioned_and_digest_images_allowed if {
	count(policy.deny) == 0 with input as pod([
		"ghcr.io/example/app:1.4.2",
		"nginx:1.27-alpine",
		"registry.local:5000/app@sha256:0123456789abcdef",
		"ghcr.io/example/app:latest@sha256:0123456789abcdef",
		"localhost:5000/app:2",
	])
}

test_latest_denied if {
	policy.deny == {{
		"msg": "container \"c1\" uses image \"ghcr.io/example/app:latest\" with the latest tag; pin a version or a digest",
		"path": ["spec", "containers", 1, "image"],
	}} with input as pod(["nginx:1.27", "ghcr.io/example/app:latest"])
}

test_missing_tag_denied if {
	policy.deny == {{
		"msg": "container \"c0\" uses image \"registry.local:5000/team/app\" without a tag (that is, latest); pin a version or a digest",
		"path": ["spec", "containers", 0, "image"],
	}} with input as pod(["registry.local:5000/team/app"])
}

test_docker_hub_without_tag_in_cronjob_denied if {
	findings := policy.deny with input as {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "backup"},
		"spec": {"schedule": "0 3 * * *", "jobTemplate": {"spec": {"template": {"spec": {
			"restartPolicy": "OnFailure",
			"initContainers": [{"name": "wait", "image": "busybox"}],
			"containers": [{"name": "backup", "image": "restic/restic:0.17.0"}],
		}}}}},
	}
	{f.path | some f in findings} == {["spec", "jobTemplate", "spec", "template", "spec", "initContainers", 0, "image"]}
}
