# A team's own conftest policy, run with `--policy examples/broken/policy`.
package main

import rego.v1

deny contains result if {
	input.kind == "ConfigMap"
	some key, _ in input.data
	lower(key) in {"password", "token", "api-key"}
	result := {
		"msg": sprintf("ConfigMap %s holds `%s`: secrets belong in a Secret", [input.metadata.name, key]),
		"path": ["data", key],
	}
}
