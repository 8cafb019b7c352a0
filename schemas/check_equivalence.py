#!/usr/bin/env python3
"""Optional developer check (not needed to regenerate): compare validation results of the bundled
schemas (schemas/kubernetes/v1.XX.json.gz) with kubernetes-validate's own validate(), strict and
non-strict, over a directory of YAML manifests plus mechanically mutated copies of them.

    pip install kubernetes-validate==1.37.0     # brings jsonschema and PyYAML
    python3 schemas/check_equivalence.py --bundle schemas/kubernetes --manifests <dir> [--versions 1.33 1.37]

Non-strict results for the bundle come from dropping every `additionalProperties: false`,
the same transform the Rust side uses for --no-strict.

Disagreements are listed. The one known difference: at the document root, the package's per-kind
file allows null for required properties, and the bundle's $def does not. See README.md,
"Differences from the package".
"""
import argparse
import copy
import gzip
import json
import os
import random
import sys

import jsonschema
import kubernetes_validate
import yaml


# kubernetes_validate.validate() re-reads and re-parses the 1.5 MB _definitions.json on every
# call. Memoise the loader (same results, same code path otherwise) so that the check finishes in
# minutes. Callers must not mutate the returned schemas; validate() does not.
_orig_schema_contents = kubernetes_validate.utils.schema_contents
_schema_cache = {}


def _cached_schema_contents(filename, desired_version):
    if filename not in _schema_cache:
        _schema_cache[filename] = _orig_schema_contents(filename, desired_version)
    return _schema_cache[filename]


kubernetes_validate.utils.schema_contents = _cached_schema_contents


def drop_ap_false(s):
    if isinstance(s, dict):
        return {k: drop_ap_false(v) for k, v in s.items() if not (k == "additionalProperties" and v is False)}
    if isinstance(s, list):
        return [drop_ap_false(v) for v in s]
    return s


def docs(root):
    for dirpath, _, files in sorted(os.walk(root)):
        for f in sorted(files):
            if not f.endswith((".yaml", ".yml")):
                continue
            p = os.path.join(dirpath, f)
            try:
                with open(p, encoding="utf-8") as fh:
                    for i, d in enumerate(yaml.safe_load_all(fh)):
                        if isinstance(d, dict) and isinstance(d.get("apiVersion"), str) and isinstance(d.get("kind"), str):
                            yield f"{p}#{i}", d
            except Exception:
                continue  # templates etc.


def paths(o, prefix=()):
    if isinstance(o, dict):
        for k, v in o.items():
            yield prefix + (k,), v
            yield from paths(v, prefix + (k,))
    elif isinstance(o, list):
        for i, v in enumerate(o):
            yield prefix + (i,), v
            yield from paths(v, prefix + (i,))


def set_path(o, path, value):
    for p in path[:-1]:
        o = o[p]
    o[path[-1]] = value


def mutations(doc, rng):
    all_paths = [(p, v) for p, v in paths(doc) if p not in (("apiVersion",), ("kind",))]
    dicts = [p for p, v in all_paths if isinstance(v, dict)]
    scalars = [p for p, v in all_paths if not isinstance(v, (dict, list))]
    out = []
    if dicts:
        p = rng.choice(dicts)
        d = copy.deepcopy(doc)
        set_path(d, p + ("bogusField",), 1)
        out.append(("extra-field", d))
    for _ in range(3):
        if not scalars:
            break
        p = rng.choice(scalars)
        d = copy.deepcopy(doc)
        v = copy.deepcopy(doc)
        for q in p:
            v = v[q]
        new = {bool: "yes", int: "x", float: "x", str: 12345, type(None): 7}.get(type(v), 0)
        set_path(d, p, new)
        out.append((f"type:{'/'.join(map(str, p))}", d))
    if scalars:
        p = rng.choice(scalars)
        d = copy.deepcopy(doc)
        set_path(d, p, None)
        out.append((f"null:{'/'.join(map(str, p))}", d))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bundle", required=True)
    ap.add_argument("--manifests", required=True, nargs="+")
    ap.add_argument("--versions", nargs="+", default=["1.33", "1.37"])
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    corpus = [x for root in args.manifests for x in docs(root)]
    cases = []
    for name, d in corpus:
        cases.append((name, "original", d))
        for label, m in mutations(d, rng):
            cases.append((name, label, m))
    total_disagree = 0
    for v in args.versions:
        with gzip.open(os.path.join(args.bundle, f"v{v}.json.gz")) as f:
            bundle = json.load(f)
        for strict in (True, False):
            defs = bundle["$defs"] if strict else drop_ap_false(bundle["$defs"])
            cache, n, agree, disagree, skipped, invalid = {}, 0, 0, [], 0, 0
            for name, label, d in cases:
                key = f"{d['apiVersion']}/{d['kind']}"
                entry = bundle["kinds"].get(key)
                try:
                    kubernetes_validate.validate(d, v, strict)
                    pkg = True
                except kubernetes_validate.ValidationError:
                    pkg = False
                except kubernetes_validate.SchemaNotFoundError:
                    pkg = None
                if entry is None or pkg is None:
                    skipped += 1
                    if (entry is None) != (pkg is None):
                        disagree.append((name, label, "kind known to only one side", pkg, entry))
                    continue
                if key not in cache:
                    cache[key] = jsonschema.Draft202012Validator({"$ref": "#/$defs/" + entry["def"], "$defs": defs})
                ours = cache[key].is_valid(d)
                n += 1
                invalid += not pkg
                if ours == pkg:
                    agree += 1
                else:
                    disagree.append((name, label, key, pkg, ours))
            print(f"v{v} strict={strict}: {n} compared ({invalid} invalid per the package), {agree} agree, {len(disagree)} disagree, {skipped} skipped (kind unknown to both)")
            for x in disagree[:20]:
                print("   DISAGREE", x)
            total_disagree += len(disagree)
    return 1 if total_disagree else 0


if __name__ == "__main__":
    sys.exit(main())
