package gitops_lint.policies.unencrypted_secret_test

import data.gitops_lint.policies.unencrypted_secret as policy

test_sops_encrypted_allowed if {
	count(policy.deny) == 0 with input as {
		"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"},
		"data": {"password": "ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]"},
		"sops": {"version": "3.9.0", "lastmodified": "2025-01-01T00:00:00Z"},
	}
}

test_empty_secret_allowed if {
	count(policy.deny) == 0 with input as {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "tls"}, "type": "kubernetes.io/tls", "data": {}}
}

test_plain_secret_denied if {
	policy.deny == {{
		"msg": "Secret \"db\" stores 2 value(s) in plain text under data (password, user)",
		"path": ["data"],
	}} with input as {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"}, "data": {"user": "YXBw", "password": "aHVudGVyMg=="}}
}

test_string_data_denied if {
	findings := policy.deny with input as {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"}, "stringData": {"password": "hunter2"}}
	{f.path | some f in findings} == {["stringData"]}
}
