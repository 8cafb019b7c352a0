#!/usr/bin/env python3
"""Generate gitops-lint's bundled Kubernetes JSON schemas from the kubernetes-validate package.

Usage:
    pip install kubernetes-validate==1.37.0
    python3 schemas/generate.py --out schemas/kubernetes

Writes one gzipped JSON document per Kubernetes minor version in KUBERNETES_VERSIONS:
    <out>/v1.XX.json.gz = {"kubernetesVersion", "source", "$defs", "kinds"}
(format described in schemas/README.md). The output is reproducible: keys are sorted, there
are no timestamps, and gzip is written with mtime=0, so re-running gives byte-identical files.

Checks (the script exits non-zero if any fails):
  * the installed kubernetes-validate is exactly PINNED_VERSION;
  * every $ref in the output is "#/$defs/<name>" and resolves; every kinds[].def exists;
  * the package's strict definitions minus `additionalProperties: false` equal its non-strict
    definitions (the Rust side relies on this to derive --no-strict);
  * each kind's per-kind package file (the schema root the package itself validates against)
    equals the shared definition up to nullability of the root and of its own properties;
  * schemas/api-lifecycle.yaml agrees with which kinds the package serves in each version
    (1.25..1.37).

Only the Python standard library is used. The package is located with importlib and never imported.
"""

import argparse
import gzip
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import re
import sys

PACKAGE = "kubernetes-validate"
PINNED_VERSION = "1.37.0"
LICENSE = "Apache-2.0"
KUBERNETES_VERSIONS = ["1.33", "1.34", "1.35", "1.36", "1.37"]

SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
DEFAULT_LIFECYCLE = os.path.join(SCRIPT_DIR, "api-lifecycle.yaml")

# ---------------------------------------------------------------------------------------------
# GVKs that are not objects one writes in a manifest. These apimachinery definitions carry
# x-kubernetes-group-version-kind entries: DeleteOptions and WatchEvent carry one for every
# group/version ever registered, including long-removed ones such as extensions/v1beta1, and
# the others are discovery or response types. They are left out of `kinds` but stay in `$defs`.
EXCLUDED_GVK_DEFS = {
    "io.k8s.apimachinery.pkg.apis.meta.v1.APIGroup",
    "io.k8s.apimachinery.pkg.apis.meta.v1.APIGroupList",
    "io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList",
    "io.k8s.apimachinery.pkg.apis.meta.v1.APIVersions",
    "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions",
    "io.k8s.apimachinery.pkg.apis.meta.v1.Status",
    "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent",
}

# ---------------------------------------------------------------------------------------------
# Resource scope. HAND-KEPT TABLE: the package ships only definitions (no OpenAPI paths and no
# discovery data), so scope cannot be derived from it. Values follow upstream
# `kubectl api-resources` (NAMESPACED column), which comes from the `// +genclient:nonNamespaced`
# markers in k8s.io/api types.go. Keyed by (group, kind); "" is the core group. A kind's scope
# does not change between versions of its group. Kinds missing from both tables get
# `namespaced: null`, as do *List kinds and autoscaling Scale (a subresource body of both
# namespaced and cluster-scoped resources). The generator prints every kind it leaves null.
CLUSTER_SCOPED = {
    ("", "ComponentStatus"), ("", "Namespace"), ("", "Node"), ("", "PersistentVolume"),
    ("admissionregistration.k8s.io", "MutatingAdmissionPolicy"),
    ("admissionregistration.k8s.io", "MutatingAdmissionPolicyBinding"),
    ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"),
    ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
    ("apiextensions.k8s.io", "CustomResourceDefinition"),
    ("apiregistration.k8s.io", "APIService"),
    ("authentication.k8s.io", "SelfSubjectReview"),
    ("authentication.k8s.io", "TokenReview"),
    ("authorization.k8s.io", "SelfSubjectAccessReview"),
    ("authorization.k8s.io", "SelfSubjectRulesReview"),
    ("authorization.k8s.io", "SubjectAccessReview"),
    ("certificates.k8s.io", "CertificateSigningRequest"),
    ("certificates.k8s.io", "ClusterTrustBundle"),
    ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
    ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
    ("internal.apiserver.k8s.io", "StorageVersion"),
    ("networking.k8s.io", "ClusterCIDR"),
    ("networking.k8s.io", "IPAddress"),
    ("networking.k8s.io", "IngressClass"),
    ("networking.k8s.io", "ServiceCIDR"),
    ("node.k8s.io", "RuntimeClass"),
    ("policy", "PodSecurityPolicy"),
    ("rbac.authorization.k8s.io", "ClusterRole"),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
    ("resource.k8s.io", "DeviceClass"),
    ("resource.k8s.io", "DeviceTaintRule"),
    ("resource.k8s.io", "ResourceClass"),
    ("resource.k8s.io", "ResourcePoolStatusRequest"),  # +genclient:nonNamespaced in resource/v1alpha3 types.go
    ("resource.k8s.io", "ResourceSlice"),
    ("scheduling.k8s.io", "PriorityClass"),
    ("storage.k8s.io", "CSIDriver"),
    ("storage.k8s.io", "CSINode"),
    ("storage.k8s.io", "StorageClass"),
    ("storage.k8s.io", "VolumeAttachment"),
    ("storage.k8s.io", "VolumeAttributesClass"),
    ("storagemigration.k8s.io", "StorageVersionMigration"),
}
NAMESPACED = {
    ("", "Binding"), ("", "ConfigMap"), ("", "Endpoints"), ("", "Event"), ("", "LimitRange"),
    ("", "PersistentVolumeClaim"), ("", "Pod"), ("", "PodTemplate"), ("", "ReplicationController"),
    ("", "ResourceQuota"), ("", "Secret"), ("", "Service"), ("", "ServiceAccount"),
    ("apps", "ControllerRevision"), ("apps", "DaemonSet"), ("apps", "Deployment"),
    ("apps", "ReplicaSet"), ("apps", "StatefulSet"),
    ("rbac.authorization.k8s.io", "Role"), ("rbac.authorization.k8s.io", "RoleBinding"),
    ("authentication.k8s.io", "TokenRequest"),  # body of the serviceaccounts/token subresource
    ("authorization.k8s.io", "LocalSubjectAccessReview"),
    ("autoscaling", "HorizontalPodAutoscaler"),
    ("batch", "CronJob"), ("batch", "Job"),
    ("certificates.k8s.io", "PodCertificateRequest"),
    ("coordination.k8s.io", "Lease"), ("coordination.k8s.io", "LeaseCandidate"),
    ("discovery.k8s.io", "EndpointSlice"),
    ("events.k8s.io", "Event"),
    ("networking.k8s.io", "Ingress"), ("networking.k8s.io", "NetworkPolicy"),
    ("policy", "Eviction"),  # body of the pods/eviction subresource
    ("policy", "PodDisruptionBudget"),
    ("resource.k8s.io", "PodScheduling"), ("resource.k8s.io", "PodSchedulingContext"),
    ("resource.k8s.io", "ResourceClaim"), ("resource.k8s.io", "ResourceClaimParameters"),
    ("resource.k8s.io", "ResourceClaimTemplate"), ("resource.k8s.io", "ResourceClassParameters"),
    ("scheduling.k8s.io", "PodGroup"), ("scheduling.k8s.io", "Workload"),  # KEP-4671 (namespaced)
    ("storage.k8s.io", "CSIStorageCapacity"),
}
# Known, deliberately left null (not verified): lifecycle.k8s.io Eviction / EvictionRequest,
# scheduling.k8s.io CompositePodGroup (all new alpha kinds in 1.37).
SCOPE_NOT_APPLICABLE = {("autoscaling", "Scale")}
assert not (CLUSTER_SCOPED & NAMESPACED)

# JSON Schema keywords whose value is a map of name -> schema, a schema, or a list of schemas.
# Every other key is copied verbatim (keywords such as type/enum/format/required and all
# x-kubernetes-* extensions). `description` is dropped only where it is a keyword, never where it
# is a property name (JSONSchemaProps has a property called "description").
SCHEMA_MAP_KEYWORDS = {"properties", "patternProperties", "$defs", "dependentSchemas"}
SCHEMA_KEYWORDS = {"items", "additionalProperties", "not", "contains", "propertyNames",
                   "if", "then", "else", "unevaluatedItems", "unevaluatedProperties"}
SCHEMA_LIST_KEYWORDS = {"oneOf", "anyOf", "allOf", "prefixItems"}
# Keywords seen in the pinned package. An unknown keyword makes the script fail, so that a
# change of encoding in a new package version (e.g. `nullable`) is noticed.
KNOWN_KEYWORDS = {"$ref", "additionalProperties", "description", "enum", "format", "items",
                  "oneOf", "properties", "required", "type"}

MIN_PACKAGE_MINOR = 25  # the oldest schema set the pinned package ships


class GenerateError(Exception):
    pass


def fail(msg):
    raise GenerateError(msg)


# --------------------------------------------------------------------------------- package access

def package_dir():
    try:
        installed = importlib.metadata.version(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        fail(f"{PACKAGE} is not installed; run: pip install {PACKAGE}=={PINNED_VERSION}")
    if installed != PINNED_VERSION:
        fail(f"installed {PACKAGE} is {installed}, but this generator is pinned to {PINNED_VERSION}; "
             f"run: pip install {PACKAGE}=={PINNED_VERSION}")
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        fail("cannot locate the kubernetes_validate package directory")
    pkg = list(spec.submodule_search_locations)[0]
    with open(os.path.join(pkg, "version.py"), encoding="utf-8") as f:
        m = re.search(r"__version__\s*=\s*['\"]([^'\"]+)['\"]", f.read())
    if not m or m.group(1) != PINNED_VERSION:
        fail(f"kubernetes_validate/version.py says {m and m.group(1)!r}, expected {PINNED_VERSION}")
    return os.path.join(pkg, "kubernetes-json-schema")


def schema_dirs(root):
    """Map 'MAJOR.MINOR' -> (exact version string, strict dir, non-strict dir)."""
    out = {}
    for name in sorted(os.listdir(root)):
        m = re.fullmatch(r"v(\d+)\.(\d+)\.(\d+)-local-strict", name)
        if not m:
            continue
        minor = f"{m.group(1)}.{m.group(2)}"
        if minor in out:
            fail(f"more than one schema set for {minor}: {out[minor][1]} and {name}")
        exact = f"{m.group(1)}.{m.group(2)}.{m.group(3)}"
        nonstrict = os.path.join(root, f"v{exact}-local")
        if not os.path.isdir(nonstrict):
            fail(f"missing non-strict schema set {nonstrict}")
        out[minor] = (exact, os.path.join(root, name), nonstrict)
    return out


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def load_defs(path):
    doc = load_json(os.path.join(path, "_definitions.json"))
    if doc.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
        fail(f"{path}/_definitions.json: unexpected $schema {doc.get('$schema')!r}")
    if set(doc) != {"$schema", "$id", "$defs"}:
        fail(f"{path}/_definitions.json: unexpected top-level keys {sorted(doc)}")
    return doc["$defs"]


def vkey(v):
    return tuple(int(x) for x in v.split("."))


# ------------------------------------------------------------------------------- transformation

def strip_descriptions(schema, where):
    """Copy a schema without `description` keywords, checking that every keyword is known."""
    if isinstance(schema, bool):
        return schema
    if not isinstance(schema, dict):
        fail(f"{where}: schema is {type(schema).__name__}, expected object or boolean")
    out = {}
    for key, value in schema.items():
        if key not in KNOWN_KEYWORDS and not key.startswith("x-kubernetes-"):
            fail(f"{where}: unknown schema keyword {key!r} (package encoding changed?)")
        if key == "description":
            continue
        if key in SCHEMA_MAP_KEYWORDS:
            out[key] = {n: strip_descriptions(s, f"{where}/{key}/{n}") for n, s in value.items()}
        elif key in SCHEMA_KEYWORDS:
            out[key] = strip_descriptions(value, f"{where}/{key}")
        elif key in SCHEMA_LIST_KEYWORDS:
            out[key] = [strip_descriptions(s, f"{where}/{key}/{i}") for i, s in enumerate(value)]
        else:
            out[key] = json.loads(json.dumps(value))  # deep copy of keyword / extension value
    return out


def walk_schemas(schema, visit, where=""):
    """Call visit(schema, where) for every subschema (schema-aware: skips property names)."""
    if not isinstance(schema, dict):
        return
    visit(schema, where)
    for key, value in schema.items():
        if key in SCHEMA_MAP_KEYWORDS:
            for n, s in value.items():
                walk_schemas(s, visit, f"{where}/{key}/{n}")
        elif key in SCHEMA_KEYWORDS:
            walk_schemas(value, visit, f"{where}/{key}")
        elif key in SCHEMA_LIST_KEYWORDS:
            for i, s in enumerate(value):
                walk_schemas(s, visit, f"{where}/{key}/{i}")


def drop_ap_false(schema):
    """The Rust side's --no-strict transform: remove every `additionalProperties: false`."""
    if isinstance(schema, dict):
        return {k: drop_ap_false(v) for k, v in schema.items()
                if not (k == "additionalProperties" and v is False)}
    if isinstance(schema, list):
        return [drop_ap_false(v) for v in schema]
    return schema


def api_version(group, version):
    return f"{group}/{version}" if group else version


def kinds_of(defs):
    """apiVersion/kind -> definition name, from x-kubernetes-group-version-kind."""
    kinds = {}
    for name in sorted(defs):
        gvks = defs[name].get("x-kubernetes-group-version-kind")
        if not gvks:
            continue
        if name in EXCLUDED_GVK_DEFS:
            continue
        if name.startswith("io.k8s.apimachinery."):
            fail(f"new apimachinery definition with a GVK: {name}; decide whether it is a kind")
        for gvk in gvks:
            key = f"{api_version(gvk['group'], gvk['version'])}/{gvk['kind']}"
            if key in kinds and kinds[key] != name:
                fail(f"GVK {key} is declared by both {kinds[key]} and {name}")
            kinds[key] = name
    return kinds


def scope_of(key, unknown):
    av, kind = key.rsplit("/", 1)
    group = av.split("/")[0] if "/" in av else ""
    if kind.endswith("List") or (group, kind) in SCOPE_NOT_APPLICABLE:
        return None
    if (group, kind) in CLUSTER_SCOPED:
        return False
    if (group, kind) in NAMESPACED:
        return True
    unknown.append(key)
    return None


# ------------------------------------------------------------------------------------- checks

REF_RE = re.compile(r"^#/\$defs/([A-Za-z0-9._-]+)$")


def check_refs(defs, label):
    bad = []

    def visit(s, where):
        ref = s.get("$ref")
        if ref is None:
            return
        m = REF_RE.match(ref)
        if not m or m.group(1) not in defs:
            bad.append(f"{where}: {ref}")

    for name, schema in defs.items():
        if not re.fullmatch(r"[A-Za-z0-9._-]+", name):
            fail(f"{label}: definition name {name!r} would need JSON-pointer escaping")
        walk_schemas(schema, visit, name)
    if bad:
        fail(f"{label}: {len(bad)} unresolvable $ref(s), e.g. {bad[:5]}")


def check_nonstrict_equivalence(strict_defs, nonstrict_defs, label):
    derived = drop_ap_false(strict_defs)
    if derived != nonstrict_defs:
        diffs = [n for n in sorted(set(derived) | set(nonstrict_defs))
                 if derived.get(n) != nonstrict_defs.get(n)]
        fail(f"{label}: strict minus additionalProperties:false != non-strict for {len(diffs)} "
             f"definitions, e.g. {diffs[:5]}")


def package_file_for(strict_dir, key):
    """The file kubernetes_validate.utils.validate() opens for apiVersion/kind (its own regex)."""
    av, kind = key.rsplit("/", 1)
    short = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", av)
    return os.path.join(strict_dir, f"{kind.lower()}-{short}.json")


def nullable_type(schema):
    s = dict(schema)
    t = s.get("type")
    if isinstance(t, str):
        s["type"] = [t, "null"]
    return s


def root_relaxed(schema):
    """Normalise root and root-property nullability (the only way per-kind files may differ)."""
    s = nullable_type(schema)
    if "properties" in s:
        s["properties"] = {n: nullable_type(p) for n, p in s["properties"].items()}
    return s


def load_kind_file(path):
    raw = load_json(path)
    text = json.dumps(raw).replace('"/api/_definitions.json#/$defs/', '"#/$defs/')
    root = {k: v for k, v in json.loads(text).items() if k not in ("$schema", "$id")}
    return strip_descriptions(root, path)


def check_kind_files(strict_dir, nonstrict_dir, defs, kinds, label):
    """Compare each kind's package per-kind file with its shared definition.

    The package validates a document against its per-kind file, whose $refs point into
    _definitions.json; gitops-lint validates against {"$ref": "#/$defs/<def>"}. Only the root
    differs. Also checks strict-minus-additionalProperties:false == non-strict for these files.
    Returns (unresolvable_by_package, {kind: [root properties the package allows to be null]})."""
    unresolvable, prop_nullability = [], {}
    for key, name in sorted(kinds.items()):
        path = package_file_for(strict_dir, key)
        if not os.path.exists(path):
            unresolvable.append(key)
            continue
        root = load_kind_file(path)
        nonstrict = load_kind_file(os.path.join(nonstrict_dir, os.path.basename(path)))
        if drop_ap_false(root) != nonstrict:
            fail(f"{label}: {os.path.basename(path)}: strict minus additionalProperties:false != non-strict")
        want = strip_descriptions(defs[name], name)
        if root == want:
            continue
        if root_relaxed(root) != root_relaxed(want):
            fail(f"{label}: {os.path.basename(path)} differs from $defs/{name} beyond root nullability")
        props = sorted(n for n, p in want.get("properties", {}).items()
                       if p != root["properties"][n])
        if props:
            prop_nullability[key] = props
    return unresolvable, prop_nullability


def parse_lifecycle(path):
    """Parse the strict YAML subset used by api-lifecycle.yaml (see that file's header)."""
    sections, current, row = {}, None, None
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            m = re.fullmatch(r"([a-z_]+):", line)
            if m:
                current = sections.setdefault(m.group(1), [])
                row = None
                continue
            m = re.fullmatch(r"  - ([A-Za-z]+): (.*)", line) or re.fullmatch(r"    ([A-Za-z]+): (.*)", line)
            if not m or current is None:
                fail(f"{path}:{lineno}: unexpected line {line!r}")
            try:
                value = json.loads(m.group(2))
            except json.JSONDecodeError:
                fail(f"{path}:{lineno}: value is not a JSON scalar: {m.group(2)!r}")
            if isinstance(value, (dict, list)):
                fail(f"{path}:{lineno}: value must be a scalar")
            if line.startswith("  - "):
                row = {}
                current.append(row)
            elif row is None:
                fail(f"{path}:{lineno}: continuation line before the first '  - ' entry")
            if m.group(1) in row:
                fail(f"{path}:{lineno}: duplicate key {m.group(1)}")
            row[m.group(1)] = value
    fields = {"apiVersion", "kind", "deprecated", "removed", "replacement", "source", "notes"}
    seen = set()
    for r in sections.get("removals", []):
        if set(r) != fields:
            fail(f"{path}: row {r} must have exactly the fields {sorted(fields)}")
        for k in ("deprecated", "removed"):
            if r[k] is not None and not re.fullmatch(r"1\.\d+", r[k]):
                fail(f"{path}: {r['apiVersion']} {r['kind']}: bad {k} {r[k]!r}")
        if r["removed"] is None:
            fail(f"{path}: {r['apiVersion']} {r['kind']}: removed is required")
        if r["deprecated"] is not None and vkey(r["deprecated"]) >= vkey(r["removed"]):
            fail(f"{path}: {r['apiVersion']} {r['kind']}: deprecated >= removed")
        key = f"{r['apiVersion']}/{r['kind']}"
        if key in seen:
            fail(f"{path}: duplicate row {key}")
        seen.add(key)
    return sections.get("removals", [])


def check_lifecycle(rows, kinds_by_minor):
    """Cross-check the lifecycle table with the GVKs the package serves per version."""
    minors = sorted(kinds_by_minor, key=vkey)
    first = minors[0]
    problems, info = [], []
    by_key = {f"{r['apiVersion']}/{r['kind']}": r for r in rows}
    for key, r in sorted(by_key.items()):
        removed = r["removed"]
        for v in minors:
            if vkey(v) >= vkey(removed) and key in kinds_by_minor[v]:
                problems.append(f"{key}: removed in {removed} but the package serves it in {v}")
        prev = f"1.{vkey(removed)[1] - 1}"
        if prev in kinds_by_minor and key not in kinds_by_minor[prev]:
            problems.append(f"{key}: removed in {removed} but the package does not serve it in {prev}")
        if r["replacement"]:
            v = removed if vkey(removed) >= vkey(first) else first
            rkey = f"{r['replacement']}/{r['kind']}"
            rrow = by_key.get(rkey)
            if not (rrow and vkey(rrow["removed"]) <= vkey(v)) and rkey not in kinds_by_minor[v]:
                problems.append(f"{key}: replacement {rkey} is not served by the package in {v}")
    for prev, cur in zip(minors, minors[1:]):
        for key in sorted(set(kinds_by_minor[prev]) - set(kinds_by_minor[cur])):
            av, kind = key.rsplit("/", 1)
            if kind.endswith("List"):
                continue
            if "alpha" in av.rsplit("/", 1)[-1]:
                info.append(f"{cur}: alpha {key} no longer in the package (not tabulated)")
                continue
            r = by_key.get(key)
            if r is None:
                problems.append(f"{key}: dropped by the package in {cur} but missing from api-lifecycle.yaml")
            elif r["removed"] != cur:
                problems.append(f"{key}: dropped by the package in {cur} but api-lifecycle.yaml says {r['removed']}")
    return problems, info


# --------------------------------------------------------------------------------------- main

def build(minor, exact, strict_dir, nonstrict_dir):
    label = f"v{exact}"
    strict_defs = load_defs(strict_dir)
    check_nonstrict_equivalence(strict_defs, load_defs(nonstrict_dir), label)
    check_refs(strict_defs, f"{label} (package)")
    out_defs = {n: strip_descriptions(s, n) for n, s in strict_defs.items()}
    check_refs(out_defs, f"{label} (output)")

    counts = {"description": 0, "ap_false_in": 0, "ap_false_out": 0, "x_in": 0, "x_out": 0}

    def count(prefix):
        def visit(s, _):
            if prefix == "in":
                counts["description"] += "description" in s
            counts[f"ap_false_{prefix}"] += s.get("additionalProperties") is False
            counts[f"x_{prefix}"] += sum(1 for k in s if k.startswith("x-kubernetes-"))
        return visit

    for s in strict_defs.values():
        walk_schemas(s, count("in"))
    for s in out_defs.values():
        walk_schemas(s, count("out"))
        walk_schemas(s, lambda sub, w: "description" in sub and fail(f"{w}: description left"))
    if counts["ap_false_in"] != counts["ap_false_out"] or counts["x_in"] != counts["x_out"]:
        fail(f"{label}: transformation lost additionalProperties:false or x-kubernetes-* keys: {counts}")

    kinds = kinds_of(strict_defs)
    unresolvable, prop_nullability = check_kind_files(strict_dir, nonstrict_dir, strict_defs, kinds, label)
    unknown_scope = []
    kinds_out = {k: {"def": n, "namespaced": scope_of(k, unknown_scope)} for k, n in kinds.items()}

    formats = {}
    for s in out_defs.values():
        walk_schemas(s, lambda sub, w: isinstance(sub.get("format"), str)
                     and formats.__setitem__(sub["format"], formats.get(sub["format"], 0) + 1))

    doc = {
        "kubernetesVersion": exact,
        "source": f"{PACKAGE} {PINNED_VERSION} ({LICENSE})",
        "$defs": out_defs,
        "kinds": kinds_out,
    }
    raw = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    # Self-check: the document round-trips and every kind's def exists.
    back = json.loads(raw)
    for k, v in back["kinds"].items():
        if v["def"] not in back["$defs"]:
            fail(f"{label}: kinds[{k}] points at missing $defs/{v['def']}")

    pkg_strict_bytes = sum(os.path.getsize(os.path.join(strict_dir, f)) for f in os.listdir(strict_dir))
    with open(os.path.join(strict_dir, "_definitions.json"), "rb") as f:
        pkg_defs_raw = f.read()
    stats = {
        "minor": minor, "exact": exact, "kinds": len(kinds_out), "defs": len(out_defs),
        "kinds_non_list": sum(1 for k in kinds_out if not k.endswith("List")),
        "raw": len(raw),
        "pkg_strict_dir": pkg_strict_bytes,
        "pkg_defs": len(pkg_defs_raw),
        "pkg_defs_gz": len(gzip.compress(pkg_defs_raw, compresslevel=9, mtime=0)),
        "descriptions_dropped": counts["description"],
        "ap_false": counts["ap_false_out"],
        "formats": dict(sorted(formats.items())),
        "unresolvable_by_package": unresolvable,
        "prop_nullability": prop_nullability,
        "unknown_scope": unknown_scope,
        "null_scope": sorted(k for k, v in kinds_out.items() if v["namespaced"] is None),
    }
    return raw, stats


def write_atomic(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="output directory, e.g. schemas/kubernetes")
    ap.add_argument("--lifecycle", default=DEFAULT_LIFECYCLE,
                    help="api-lifecycle.yaml to cross-check (default: next to this script)")
    args = ap.parse_args(argv)

    root = package_dir()
    sets = schema_dirs(root)
    for v in KUBERNETES_VERSIONS:
        if v not in sets:
            fail(f"{PACKAGE} {PINNED_VERSION} has no schema set for Kubernetes {v}")

    # Lifecycle cross-check over every schema set the package ships (not just the bundled ones).
    kinds_by_minor = {m: kinds_of(load_defs(sets[m][1])) for m in sorted(sets, key=vkey)}
    if min(kinds_by_minor, key=vkey) != f"1.{MIN_PACKAGE_MINOR}":
        print(f"note: oldest package schema set is {min(kinds_by_minor, key=vkey)}", file=sys.stderr)
    rows = parse_lifecycle(args.lifecycle)
    problems, info = check_lifecycle(rows, kinds_by_minor)
    for line in info:
        print(f"info: {line}")
    if problems:
        for p in problems:
            print(f"LIFECYCLE MISMATCH: {p}", file=sys.stderr)
        fail(f"{len(problems)} api-lifecycle.yaml mismatch(es) with the package's schemas; nothing written")

    # Build and check everything first; write only if every version passed.
    results = []
    for minor in KUBERNETES_VERSIONS:
        exact, strict_dir, nonstrict_dir = sets[minor]
        raw, stats = build(minor, exact, strict_dir, nonstrict_dir)
        gz = gzip.compress(raw, compresslevel=9, mtime=0)
        if gzip.decompress(gz) != raw:
            fail(f"v{minor}: gzip round trip failed")
        path = os.path.join(args.out, f"v{minor}.json.gz")
        stats.update(gz=len(gz), sha256_raw=hashlib.sha256(raw).hexdigest(),
                     sha256_gz=hashlib.sha256(gz).hexdigest(), path=path)
        results.append((path, gz, stats))
    os.makedirs(args.out, exist_ok=True)
    for path, gz, _ in results:
        write_atomic(path, gz)
    all_stats = [stats for _, _, stats in results]

    print(f"{PACKAGE} {PINNED_VERSION} at {root}")
    print(f"{'version':<9}{'kinds':>6}{'(non-List)':>11}{'$defs':>7}{'raw':>11}{'gz':>10}"
          f"{'pkg _definitions':>18}{'(gz -9)':>10}{'pkg strict dir':>16}")
    for s in all_stats:
        print(f"{s['exact']:<9}{s['kinds']:>6}{s['kinds_non_list']:>11}{s['defs']:>7}{s['raw']:>11}"
              f"{s['gz']:>10}{s['pkg_defs']:>18}{s['pkg_defs_gz']:>10}{s['pkg_strict_dir']:>16}")
    print(f"total gz: {sum(s['gz'] for s in all_stats)} bytes; total raw: {sum(s['raw'] for s in all_stats)} bytes")
    for s in all_stats:
        print(f"v{s['minor']}: formats {s['formats']}; additionalProperties:false {s['ap_false']}; "
              f"descriptions dropped {s['descriptions_dropped']}")
        lists = sorted(k for k in s["prop_nullability"] if k.endswith("List"))
        others = {k: v for k, v in s["prop_nullability"].items() if not k.endswith("List")}
        print(f"  package root file allows null for required root properties (the $def does not): "
              f"{len(lists)} *List kinds (items) and {others}")
        print(f"  sha256 raw {s['sha256_raw']}  gz {s['sha256_gz']}  {s['path']}")
        if s["unresolvable_by_package"]:
            print(f"  not resolvable by kubernetes_validate's own file lookup: {s['unresolvable_by_package']}")
        if s["unknown_scope"]:
            print(f"  scope unknown (namespaced: null): {s['unknown_scope']}")
    print(f"api-lifecycle.yaml: {len(rows)} rows agree with the package's schema sets "
          f"{min(kinds_by_minor, key=vkey)}..{max(kinds_by_minor, key=vkey)}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except GenerateError as e:
        print(f"generate.py: error: {e}", file=sys.stderr)
        sys.exit(1)
