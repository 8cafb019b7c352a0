package gitops_lint.policies.latest_image_tag

import data.gitops_lint.lib.kubernetes as k8s
import data.gitops_lint.lib.kubernetes.containers

__rego_metadata__ := {
	"id": "latest-image-tag",
	"severity": "warning",
	"summary": "A container image uses the latest tag or no tag",
	"what": "Flags a container, init container or ephemeral container whose `image` has the tag `latest` or no tag at all (which means `latest`). An image pinned by digest (`@sha256:…`) is accepted with or without a tag.",
	"why": "`latest` is a moving target: what runs depends on when each node pulled the image, two replicas can run different code, a rollback re-applies the same manifest and gets the same (new) image, and a Git diff no longer shows which version is deployed, which defeats GitOps. The default `imagePullPolicy` for `latest` is `Always`, so every pod start also depends on the registry being up.",
	"example": "```yaml\ncontainers:\n  - name: app\n    image: ghcr.io/example/app:latest   # flagged\n  - name: proxy\n    image: envoyproxy/envoy              # flagged (no tag)\n```",
	"fix": "Pin an immutable version tag (`ghcr.io/example/app:1.4.2`) or a digest (`ghcr.io/example/app:1.4.2@sha256:…`), and let Renovate, Dependabot or an image automation controller propose updates. With Kustomize, set the tag with `images: [{name: …, newTag: …}]` in the overlay.",
	"kinds": ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"],
}

deny contains {
	"msg": sprintf("%s uses image %q with the latest tag; pin a version or a digest", [entry.label, image]),
	"path": array.concat(entry.path, ["image"]),
} if {
	some entry in containers
	image := entry.container.image
	is_string(image)
	ref := k8s.parse_image(image)
	ref.digest == ""
	ref.tag == "latest"
}

deny contains {
	"msg": sprintf("%s uses image %q without a tag (that is, latest); pin a version or a digest", [entry.label, image]),
	"path": array.concat(entry.path, ["image"]),
} if {
	some entry in containers
	image := entry.container.image
	is_string(image)
	ref := k8s.parse_image(image)
	ref.digest == ""
	ref.tag == ""
}
