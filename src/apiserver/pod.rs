//! Pod specs and pod templates (`ValidatePodTemplateSpec`, `ValidatePodSpec`,
//! `validateContainers`, `ValidateVolumes`, …): container names, images, ports, env, mounts,
//! resources, probes, restart policy, DNS, tolerations and security context; plus the warnings
//! of `pkg/api/pod/warnings.go`.

use std::collections::{HashMap, HashSet};

use serde_json::{Value, json};

use super::messages::{
    NON_NEGATIVE, PORT_RANGE, is_config_map_key, is_dns1123_label, is_dns1123_subdomain,
    is_env_var_name, is_qualified_name, is_valid_label_value, is_valid_port_name,
};
use super::metadata::{validate_annotations, validate_labels};
use super::quantity::Quantity;
use super::{Ctx, Path, get};
use crate::rules;

/// `ValidatePodTemplateSpec`: labels and annotations (paths without `metadata`), then the spec.
pub fn check_template(ctx: &mut Ctx, template: &Value, path: &Path) {
    check_template_with_volumes(ctx, template, path, &[]);
}

/// As `check_template`, with volumes that exist beside the template's own (StatefulSet claims).
pub fn check_template_with_volumes(
    ctx: &mut Ctx,
    template: &Value,
    path: &Path,
    extra_volumes: &[String],
) {
    ctx.family(&rules::invalid_pod_spec::RULE);
    let meta = &template["metadata"];
    let at = path.child("metadata");
    validate_labels(ctx, meta, "labels", &path.child("labels"), &at);
    validate_annotations(ctx, meta, &path.child("annotations"), &at);
    let spec = &template["spec"];
    let spec_path = path.child("spec");
    if get::has(spec, "ephemeralContainers") {
        ctx.forbidden(
            &spec_path.child("ephemeralContainers"),
            "ephemeral containers not allowed in pod template",
        );
    }
    check_spec(ctx, spec, &spec_path, true, extra_volumes);
}

pub fn check_pod_spec(ctx: &mut Ctx, spec: &Value, path: &Path, template: bool) {
    check_spec(ctx, spec, path, template, &[]);
}

fn check_spec(ctx: &mut Ctx, spec: &Value, path: &Path, template: bool, extra: &[String]) {
    if !spec.is_object() {
        return;
    }
    ctx.family(&rules::invalid_pod_spec::RULE);
    let mut volumes = check_volumes(ctx, spec, &path.child("volumes"));
    volumes.extend(extra.iter().cloned());

    let containers = get::list(spec, "containers");
    let init = get::list(spec, "initContainers");
    if containers.is_empty() {
        ctx.required(&path.child("containers"), "");
    }
    let mut names: HashSet<String> = HashSet::new();
    for (i, c) in containers.iter().enumerate() {
        let at = path.child("containers").index(i);
        container(ctx, c, &at, &volumes, template, &mut names);
        if get::has(c, "restartPolicy") {
            ctx.forbidden(
                &at.child("restartPolicy"),
                "may not be set for non-init containers",
            );
        }
    }
    for (i, c) in init.iter().enumerate() {
        let at = path.child("initContainers").index(i);
        container(ctx, c, &at, &volumes, template, &mut names);
        let sidecar = get::str(c, "restartPolicy") == Some("Always");
        if let Some(policy) = c.get("restartPolicy").filter(|v| !v.is_null())
            && !sidecar
        {
            ctx.unsupported(&at.child("restartPolicy"), policy, &["Always"]);
        }
        if !sidecar {
            for field in [
                "lifecycle",
                "livenessProbe",
                "readinessProbe",
                "startupProbe",
            ] {
                if get::has(c, field) {
                    ctx.forbidden(
                        &at.child(field),
                        "may not be set for init containers without restartPolicy=Always",
                    );
                }
            }
        }
    }

    host_ports(ctx, spec, path);
    if let Some(policy) = spec.get("restartPolicy") {
        match policy.as_str() {
            Some("Always" | "OnFailure" | "Never") => {}
            Some("") => ctx.required(&path.child("restartPolicy"), ""),
            _ => ctx.unsupported(
                &path.child("restartPolicy"),
                policy,
                &["Always", "OnFailure", "Never"],
            ),
        }
    }
    dns(ctx, spec, path);
    for field in [
        "serviceAccountName",
        "priorityClassName",
        "nodeName",
        "runtimeClassName",
    ] {
        if let Some(name) = get::str(spec, field).filter(|s| !s.is_empty()) {
            ctx.invalid_each(&path.child(field), name, is_dns1123_subdomain(name));
        }
    }
    for field in ["hostname", "subdomain"] {
        if let Some(name) = get::str(spec, field).filter(|s| !s.is_empty()) {
            ctx.invalid_each(&path.child(field), name, is_dns1123_label(name));
        }
    }
    validate_labels(ctx, spec, "nodeSelector", &path.child("nodeSelector"), path);
    if let Some(seconds) = get::int(spec, "activeDeadlineSeconds")
        && !(1..=i64::from(i32::MAX)).contains(&seconds)
    {
        ctx.invalid_int(
            &path.child("activeDeadlineSeconds"),
            seconds,
            "must be between 1 and 2147483647, inclusive",
        );
    }
    tolerations(ctx, spec, &path.child("tolerations"));
    affinity(ctx, spec, &path.child("affinity"));
    spread(ctx, spec, &path.child("topologySpreadConstraints"));
    if let Some(sc) = spec.get("securityContext").filter(|v| v.is_object()) {
        let at = path.child("securityContext");
        for field in ["runAsUser", "runAsGroup", "fsGroup"] {
            id_range(ctx, sc, field, &at);
        }
    }
    warnings(ctx, spec, path);
}

/// `AccumulateUniqueHostPorts` over the containers, and host ports under `hostNetwork`.
fn host_ports(ctx: &mut Ctx, spec: &Value, path: &Path) {
    let host_network = get::bool(spec, "hostNetwork") == Some(true);
    let mut seen: HashSet<String> = HashSet::new();
    for (i, c) in get::list(spec, "containers").iter().enumerate() {
        for (j, port) in get::list(c, "ports").iter().enumerate() {
            let at = path.child("containers").index(i).child("ports").index(j);
            let host_port = get::int(port, "hostPort").unwrap_or(0);
            if host_port == 0 {
                continue;
            }
            let key = format!(
                "{}/{}/{host_port}",
                get::string(port, "protocol"),
                get::string(port, "hostIP")
            );
            if !seen.insert(key.clone()) {
                ctx.duplicate(&at.child("hostPort"), &json!(key));
            }
            if host_network && get::int(port, "containerPort") != Some(host_port) {
                ctx.invalid_int(
                    &at.child("hostPort"),
                    host_port,
                    "must match `containerPort` when `hostNetwork` is true",
                );
            }
        }
    }
}

fn id_range(ctx: &mut Ctx, holder: &Value, field: &str, at: &Path) {
    if let Some(id) = get::int(holder, field)
        && !(0..=i64::from(i32::MAX)).contains(&id)
    {
        ctx.invalid_int(
            &at.child(field),
            id,
            "must be between 0 and 2147483647, inclusive",
        );
    }
}

/// The order `validateVolumeSource` counts sources in; the second one is the forbidden one.
const VOLUME_SOURCES: &[&str] = &[
    "hostPath",
    "emptyDir",
    "gitRepo",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "flocker",
    "persistentVolumeClaim",
    "rbd",
    "quobyte",
    "cinder",
    "cephfs",
    "downwardAPI",
    "fc",
    "azureFile",
    "vsphereVolume",
    "photonPersistentDisk",
    "portworxVolume",
    "azureDisk",
    "configMap",
    "scaleIO",
    "projected",
    "storageos",
    "csi",
    "ephemeral",
    "image",
];

const FILE_MODE: &str = "must be a number between 0 and 0777 (octal), both inclusive";

/// `ValidateVolumes`; returns the names of the valid volumes (mounts may only name those).
fn check_volumes(ctx: &mut Ctx, spec: &Value, path: &Path) -> Vec<String> {
    let mut valid = Vec::new();
    let mut all: HashSet<&str> = HashSet::new();
    for (i, volume) in get::list(spec, "volumes").iter().enumerate() {
        let before = ctx.causes.len();
        let at = path.index(i);
        let mut count = 0;
        for source in VOLUME_SOURCES {
            if !get::has(volume, source) {
                continue;
            }
            count += 1;
            if count > 1 {
                ctx.forbidden(&at.child(source), "may not specify more than 1 volume type");
                continue;
            }
            volume_source(ctx, source, &volume[*source], &at.child(source));
        }
        let name = get::string(volume, "name");
        if name.is_empty() {
            ctx.required(&at.child("name"), "");
        } else {
            ctx.invalid_each(&at.child("name"), name, is_dns1123_label(name));
        }
        if all.contains(name) {
            ctx.duplicate(&at.child("name"), &json!(name));
        }
        if ctx.causes.len() == before {
            all.insert(name);
            valid.push(name.to_string());
        }
    }
    valid
}

fn volume_source(ctx: &mut Ctx, source: &str, value: &Value, at: &Path) {
    let mode = |ctx: &mut Ctx, field: &str, holder: &Value, at: &Path| {
        if let Some(m) = get::int(holder, field)
            && !(0..=0o777).contains(&m)
        {
            ctx.invalid_int(&at.child(field), m, FILE_MODE);
        }
    };
    match source {
        "secret" => {
            if get::string(value, "secretName").is_empty() {
                ctx.required(&at.child("secretName"), "");
            }
            mode(ctx, "defaultMode", value, at);
            key_to_paths(ctx, value, at);
        }
        "configMap" => {
            if get::string(value, "name").is_empty() {
                ctx.required(&at.child("name"), "");
            }
            mode(ctx, "defaultMode", value, at);
            key_to_paths(ctx, value, at);
        }
        "hostPath" if get::string(value, "path").is_empty() => {
            ctx.required(&at.child("path"), "");
        }
        "persistentVolumeClaim" if get::string(value, "claimName").is_empty() => {
            ctx.required(&at.child("claimName"), "");
        }
        "emptyDir" => {
            if let Some(limit) = get::str(value, "sizeLimit")
                && Quantity::parse(limit).is_some_and(|q| q.is_negative())
            {
                ctx.forbidden(
                    &at.child("sizeLimit"),
                    "SizeLimit field must be a valid resource quantity",
                );
            }
        }
        _ => {}
    }
}

fn key_to_paths(ctx: &mut Ctx, source: &Value, at: &Path) {
    for (i, item) in get::list(source, "items").iter().enumerate() {
        let here = at.child("items").index(i);
        if get::string(item, "key").is_empty() {
            ctx.required(&here.child("key"), "");
        }
        let target = get::string(item, "path");
        if target.is_empty() {
            ctx.required(&here.child("path"), "");
        } else {
            descending_path(ctx, target, &here.child("path"));
        }
        if let Some(m) = get::int(item, "mode")
            && !(0..=0o777).contains(&m)
        {
            ctx.invalid_int(&here.child("mode"), m, FILE_MODE);
        }
    }
}

/// `validateLocalDescendingPath`.
fn descending_path(ctx: &mut Ctx, target: &str, at: &Path) {
    if target.starts_with('/') {
        ctx.invalid_str(at, target, "must be a relative path");
    }
    if target.split('/').any(|part| part == "..") {
        ctx.invalid_str(at, target, "must not contain '..'");
    }
}

fn container(
    ctx: &mut Ctx,
    c: &Value,
    at: &Path,
    volumes: &[String],
    template: bool,
    names: &mut HashSet<String>,
) {
    let name = get::string(c, "name");
    if name.is_empty() {
        ctx.required(&at.child("name"), "");
    } else {
        ctx.invalid_each(&at.child("name"), name, is_dns1123_label(name));
    }
    if !names.insert(name.to_string()) {
        ctx.duplicate(&at.child("name"), &json!(name));
    }
    let image = get::string(c, "image");
    if image.is_empty() {
        ctx.required(&at.child("image"), "");
    } else if !template && image.trim() != image {
        ctx.invalid_str(
            &at.child("image"),
            image,
            "must not have leading or trailing whitespace",
        );
    }
    ports(ctx, c, &at.child("ports"));
    env(ctx, c, &at.child("env"));
    env_from(ctx, c, &at.child("envFrom"));
    mounts(ctx, c, &at.child("volumeMounts"), volumes);
    resources(ctx, c, &at.child("resources"));
    if let Some(policy) = c.get("imagePullPolicy")
        && !matches!(policy.as_str(), Some("Always" | "IfNotPresent" | "Never"))
    {
        ctx.unsupported(
            &at.child("imagePullPolicy"),
            policy,
            &["Always", "IfNotPresent", "Never"],
        );
    }
    if let Some(policy) = c.get("terminationMessagePolicy")
        && !matches!(policy.as_str(), Some("File" | "FallbackToLogsOnError"))
    {
        ctx.unsupported(
            &at.child("terminationMessagePolicy"),
            policy,
            &["File", "FallbackToLogsOnError"],
        );
    }
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(p) = c.get(probe).filter(|p| p.is_object()) {
            check_probe(ctx, probe, p, &at.child(probe));
        }
    }
    if let Some(lifecycle) = c.get("lifecycle").filter(|l| l.is_object()) {
        for hook in ["postStart", "preStop"] {
            if let Some(h) = lifecycle.get(hook).filter(|h| h.is_object()) {
                handler(ctx, h, &at.child("lifecycle").child(hook), true);
            }
        }
    }
    if let Some(sc) = c.get("securityContext").filter(|v| v.is_object()) {
        let sc_at = at.child("securityContext");
        id_range(ctx, sc, "runAsUser", &sc_at);
        id_range(ctx, sc, "runAsGroup", &sc_at);
        if get::bool(sc, "allowPrivilegeEscalation") == Some(false)
            && get::bool(sc, "privileged") == Some(true)
        {
            ctx.invalid(
                &sc_at,
                sc,
                "cannot set `allowPrivilegeEscalation` to false and `privileged` to true",
            );
        }
    }
}

fn ports(ctx: &mut Ctx, c: &Value, path: &Path) {
    let mut names: HashSet<&str> = HashSet::new();
    for (i, port) in get::list(c, "ports").iter().enumerate() {
        let at = path.index(i);
        let name = get::string(port, "name");
        if !name.is_empty() {
            let messages = is_valid_port_name(name);
            if !messages.is_empty() {
                ctx.invalid_each(&at.child("name"), name, messages);
            } else if !names.insert(name) {
                ctx.duplicate(&at.child("name"), &json!(name));
            }
        }
        match get::int(port, "containerPort") {
            None | Some(0) => ctx.required(&at.child("containerPort"), ""),
            Some(n) if !(1..=65535).contains(&n) => {
                ctx.invalid_int(&at.child("containerPort"), n, PORT_RANGE);
            }
            _ => {}
        }
        if let Some(n) = get::int(port, "hostPort")
            && n != 0
            && !(1..=65535).contains(&n)
        {
            ctx.invalid_int(&at.child("hostPort"), n, PORT_RANGE);
        }
        if let Some(protocol) = port.get("protocol") {
            match protocol.as_str() {
                Some("TCP" | "UDP" | "SCTP") => {}
                Some("") => ctx.required(&at.child("protocol"), ""),
                _ => ctx.unsupported(&at.child("protocol"), protocol, &["SCTP", "TCP", "UDP"]),
            }
        }
    }
}

fn env(ctx: &mut Ctx, c: &Value, path: &Path) {
    for (i, var) in get::list(c, "env").iter().enumerate() {
        let at = path.index(i);
        let name = get::string(var, "name");
        if name.is_empty() {
            ctx.required(&at.child("name"), "");
        } else {
            ctx.invalid_each(&at.child("name"), name, is_env_var_name(name, ctx.version));
        }
        let Some(from) = var.get("valueFrom").filter(|v| v.is_object()) else {
            continue;
        };
        let from_at = at.child("valueFrom");
        let mut sources = 0;
        // `fileKeyRef` (1.34+) counts as a source, so that it is never reported missing.
        for source in [
            "fieldRef",
            "resourceFieldRef",
            "configMapKeyRef",
            "secretKeyRef",
            "fileKeyRef",
        ] {
            let Some(reference) = from.get(source).filter(|v| v.is_object()) else {
                continue;
            };
            sources += 1;
            if matches!(source, "configMapKeyRef" | "secretKeyRef") {
                let ref_at = from_at.child(source);
                let ref_name = get::string(reference, "name");
                if ref_name.is_empty() {
                    ctx.required(&ref_at.child("name"), "");
                } else {
                    ctx.invalid_each(
                        &ref_at.child("name"),
                        ref_name,
                        is_dns1123_subdomain(ref_name),
                    );
                }
                let key = get::string(reference, "key");
                if key.is_empty() {
                    ctx.required(&ref_at.child("key"), "");
                } else {
                    ctx.invalid_each(&ref_at.child("key"), key, is_config_map_key(key));
                }
            }
        }
        let value = get::string(var, "value");
        if sources == 0 {
            ctx.invalid_str(
                &from_at,
                "",
                "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
            );
        } else if !value.is_empty() {
            ctx.invalid_str(
                &from_at,
                "",
                "may not be specified when `value` is not empty",
            );
        } else if sources > 1 {
            ctx.invalid_str(
                &from_at,
                "",
                "may not have more than one field specified at a time",
            );
        }
    }
}

fn env_from(ctx: &mut Ctx, c: &Value, path: &Path) {
    for (i, source) in get::list(c, "envFrom").iter().enumerate() {
        let at = path.index(i);
        if let Some(prefix) = get::str(source, "prefix").filter(|p| !p.is_empty()) {
            ctx.invalid_each(
                &at.child("prefix"),
                prefix,
                is_env_var_name(prefix, ctx.version),
            );
        }
        let mut count = 0;
        for kind in ["configMapRef", "secretRef"] {
            if let Some(reference) = source.get(kind).filter(|v| v.is_object()) {
                count += 1;
                let name = get::string(reference, "name");
                let name_at = at.child(kind).child("name");
                if name.is_empty() {
                    ctx.required(&name_at, "");
                } else {
                    ctx.invalid_each(&name_at, name, is_dns1123_subdomain(name));
                }
            }
        }
        // The API server names the list, not the item.
        let here = path.pointing(&at);
        if count == 0 {
            ctx.invalid_str(
                &here,
                "",
                "must specify one of: `configMapRef` or `secretRef`",
            );
        } else if count > 1 {
            ctx.invalid_str(
                &here,
                "",
                "may not have more than one field specified at a time",
            );
        }
    }
}

fn mounts(ctx: &mut Ctx, c: &Value, path: &Path, volumes: &[String]) {
    let mut points: HashSet<&str> = HashSet::new();
    for (i, mount) in get::list(c, "volumeMounts").iter().enumerate() {
        let at = path.index(i);
        let name = get::string(mount, "name");
        if name.is_empty() {
            ctx.required(&at.child("name"), "");
        }
        if !volumes.iter().any(|v| v == name) {
            ctx.not_found(&at.child("name"), name);
        }
        let mount_path = get::string(mount, "mountPath");
        if mount_path.is_empty() {
            ctx.required(&at.child("mountPath"), "");
        }
        if !points.insert(mount_path) {
            ctx.invalid_str(&at.child("mountPath"), mount_path, "must be unique");
        }
        let sub_path = get::string(mount, "subPath");
        if !sub_path.is_empty() {
            // `ValidateVolumeMounts` names the list, not the item.
            descending_path(
                ctx,
                sub_path,
                &path.child("subPath").pointing(&at.child("subPath")),
            );
        }
        let expr = get::string(mount, "subPathExpr");
        if !expr.is_empty() && !sub_path.is_empty() {
            ctx.invalid_str(
                &at.child("subPathExpr"),
                expr,
                "subPathExpr and subPath are mutually exclusive",
            );
        }
    }
}

/// Native resources may be overcommitted (request < limit); extended resources may not.
fn overcommit_allowed(name: &str) -> bool {
    (!name.contains('/') || name.contains("kubernetes.io/")) && !name.starts_with("hugepages-")
}

fn resources(ctx: &mut Ctx, c: &Value, path: &Path) {
    let Some(res) = c.get("resources").filter(|r| r.is_object()) else {
        return;
    };
    let parse = |map: &str| -> HashMap<String, (String, Option<Quantity>)> {
        get::map(res, map)
            .into_iter()
            .flatten()
            .map(|(k, v)| {
                let text = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let q = Quantity::parse(&text);
                (k.clone(), (text, q))
            })
            .collect()
    };
    let limits = parse("limits");
    let requests = parse("requests");
    for (map, entries) in [("limits", &limits), ("requests", &requests)] {
        for (name, (_, q)) in entries {
            let at = path.child(map).key(name);
            if !name.contains('/')
                && !["cpu", "memory", "ephemeral-storage"].contains(&name.as_str())
                && !name.starts_with("hugepages-")
            {
                ctx.invalid_str(&at, name, "must be a standard resource for containers");
            }
            if let Some(q) = q {
                if q.is_negative() {
                    ctx.invalid_str(&at, &q.canonical(), NON_NEGATIVE);
                }
                if name.contains('/') && !overcommit_allowed(name) && !q.is_integer() {
                    ctx.invalid_str(&at, &q.canonical(), "must be an integer");
                }
                if matches!(name.as_str(), "memory" | "ephemeral-storage") && !q.is_integer() {
                    let text = &entries[name].0;
                    ctx.warn(
                        &at,
                        &format!(
                            "fractional byte value {} is invalid, must be an integer",
                            super::messages::go_quote(text)
                        ),
                    );
                }
            }
        }
    }
    let request_path = path.child("requests");
    let limit_path = path.child("limits");
    for (name, (_, request)) in &requests {
        let Some(request) = request else { continue };
        let at = request_path.pointing(&request_path.key(name));
        match limits.get(name) {
            Some((_, Some(limit))) => {
                if request.nanos != limit.nanos && !overcommit_allowed(name) {
                    ctx.invalid_str(
                        &at,
                        &request.canonical(),
                        &format!("must be equal to {name} limit of {}", limit.canonical()),
                    );
                } else if request.nanos > limit.nanos {
                    ctx.invalid_str(
                        &at,
                        &request.canonical(),
                        &format!(
                            "must be less than or equal to {name} limit of {}",
                            limit.canonical()
                        ),
                    );
                }
            }
            Some((_, None)) => {}
            None => {
                if !overcommit_allowed(name) {
                    ctx.required(
                        &limit_path.pointing(&request_path.key(name)),
                        "Limit must be set for non overcommitable resources",
                    );
                }
            }
        }
    }
}

fn check_probe(ctx: &mut Ctx, kind: &str, probe: &Value, at: &Path) {
    handler(ctx, probe, at, false);
    for field in [
        "initialDelaySeconds",
        "timeoutSeconds",
        "periodSeconds",
        "successThreshold",
        "failureThreshold",
    ] {
        if let Some(n) = get::int(probe, field)
            && n < 0
        {
            ctx.invalid_int(&at.child(field), n, NON_NEGATIVE);
        }
    }
    if let Some(n) = get::int(probe, "terminationGracePeriodSeconds") {
        if kind == "readinessProbe" {
            ctx.invalid_int(
                &at.child("terminationGracePeriodSeconds"),
                n,
                "must not be set for readinessProbes",
            );
        } else if n <= 0 {
            ctx.invalid_int(
                &at.child("terminationGracePeriodSeconds"),
                n,
                "must be greater than 0",
            );
        }
    }
    if kind != "readinessProbe"
        && let Some(n) = get::int(probe, "successThreshold")
        && n != 1
    {
        ctx.invalid_int(&at.child("successThreshold"), n, "must be 1");
    }
}

/// `validateHandler` / `validateLifecycleHandler`: exactly one handler.
fn handler(ctx: &mut Ctx, h: &Value, at: &Path, lifecycle: bool) {
    let kinds: &[&str] = if lifecycle {
        &["exec", "httpGet", "tcpSocket", "sleep"]
    } else {
        &["exec", "httpGet", "tcpSocket", "grpc"]
    };
    let mut count = 0;
    for kind in kinds {
        let Some(value) = h.get(*kind).filter(|v| !v.is_null()) else {
            continue;
        };
        if count > 0 {
            ctx.forbidden(&at.child(kind), "may not specify more than 1 handler type");
            continue;
        }
        count += 1;
        let here = at.child(kind);
        match *kind {
            "exec" if get::list(value, "command").is_empty() => {
                ctx.required(&here.child("command"), "");
            }
            "httpGet" | "tcpSocket" => {
                port_num_or_name(ctx, value.get("port"), &here.child("port"));
                if *kind == "httpGet"
                    && let Some(scheme) = value.get("scheme")
                    && !matches!(scheme.as_str(), Some("HTTP" | "HTTPS"))
                {
                    ctx.unsupported(&here.child("scheme"), scheme, &["HTTP", "HTTPS"]);
                }
            }
            "grpc" => {
                if let Some(port) = get::int(value, "port")
                    && !(1..=65535).contains(&port)
                {
                    ctx.invalid_int(&here.child("port"), port, PORT_RANGE);
                }
            }
            _ => {}
        }
    }
    if count == 0 {
        ctx.required(at, "must specify a handler type");
    }
}

/// `ValidatePortNumOrName`: an int in range or an IANA service name. A quoted number is a name.
pub fn port_num_or_name(ctx: &mut Ctx, port: Option<&Value>, at: &Path) {
    match port {
        Some(Value::Number(n)) => {
            let n = n.as_i64().unwrap_or(-1);
            if !(1..=65535).contains(&n) {
                ctx.invalid_int(at, n, PORT_RANGE);
            }
        }
        Some(Value::String(s)) => ctx.invalid_each(at, s, is_valid_port_name(s)),
        // Go's zero IntOrString is the integer 0.
        None | Some(Value::Null) => ctx.invalid_int(at, 0, PORT_RANGE),
        Some(_) => {}
    }
}

fn dns(ctx: &mut Ctx, spec: &Value, path: &Path) {
    let Some(policy) = spec.get("dnsPolicy") else {
        return;
    };
    match policy.as_str() {
        Some("ClusterFirstWithHostNet" | "ClusterFirst" | "Default") => {}
        Some("None") => {
            let config = spec.get("dnsConfig").filter(|v| v.is_object());
            match config {
                None => ctx.required(
                    &path.child("dnsConfig"),
                    "must provide `dnsConfig` when `dnsPolicy` is None",
                ),
                Some(config) if get::list(config, "nameservers").is_empty() => ctx.required(
                    &path.child("dnsConfig").child("nameservers"),
                    "must provide at least one DNS nameserver when `dnsPolicy` is None",
                ),
                _ => {}
            }
        }
        _ => ctx.unsupported(
            &path.child("dnsPolicy"),
            policy,
            &["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"],
        ),
    }
    if let Some(config) = spec.get("dnsConfig").filter(|v| v.is_object()) {
        let servers = get::list(config, "nameservers");
        if servers.len() > 3 {
            ctx.invalid(
                &path.child("dnsConfig").child("nameservers"),
                &config["nameservers"],
                "must not have more than 3 nameservers",
            );
        }
        for (i, server) in servers.iter().enumerate() {
            if let Some(s) = server.as_str()
                && s.parse::<std::net::IpAddr>().is_err()
            {
                ctx.invalid_str(
                    &path.child("dnsConfig").child("nameservers").index(i),
                    s,
                    "must be a valid IP address",
                );
            }
        }
    }
}

fn tolerations(ctx: &mut Ctx, spec: &Value, path: &Path) {
    for (i, t) in get::list(spec, "tolerations").iter().enumerate() {
        let at = path.index(i);
        let key = get::string(t, "key");
        let operator = t.get("operator").cloned().unwrap_or(json!(""));
        let op = operator.as_str().unwrap_or("");
        if !key.is_empty() {
            ctx.invalid_each(&at.child("key"), key, is_qualified_name(key, ctx.version));
        }
        if key.is_empty() && op != "Exists" {
            ctx.invalid(
                &at.child("operator"),
                &operator,
                "operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
            );
        }
        let effect = get::string(t, "effect");
        if get::has(t, "tolerationSeconds") && effect != "NoExecute" {
            ctx.invalid_str(
                &at.child("effect"),
                effect,
                "effect must be 'NoExecute' when `tolerationSeconds` is set",
            );
        }
        let value = get::string(t, "value");
        match op {
            "Equal" | "" => {
                let messages = is_valid_label_value(value, ctx.version);
                if !messages.is_empty() {
                    ctx.invalid_str(&at.child("operator"), value, &messages.join(";"));
                }
            }
            "Exists" => {
                if !value.is_empty() {
                    ctx.invalid(
                        &at.child("operator"),
                        t,
                        "value must be empty when `operator` is 'Exists'",
                    );
                }
            }
            _ => ctx.unsupported(&at.child("operator"), &operator, &["Equal", "Exists"]),
        }
        if !effect.is_empty() && !matches!(effect, "NoSchedule" | "PreferNoSchedule" | "NoExecute")
        {
            ctx.unsupported(
                &at.child("effect"),
                &json!(effect),
                &["NoSchedule", "PreferNoSchedule", "NoExecute"],
            );
        }
    }
}

const WEIGHT_RANGE: &str = "must be in the range 1-100";

/// `validateAffinity`: node selector terms and requirements, weights, pod affinity terms.
fn affinity(ctx: &mut Ctx, spec: &Value, path: &Path) {
    let Some(affinity) = spec.get("affinity").filter(|a| a.is_object()) else {
        return;
    };
    if let Some(node) = affinity.get("nodeAffinity").filter(|n| n.is_object()) {
        let at = path.child("nodeAffinity");
        if let Some(required) = node
            .get("requiredDuringSchedulingIgnoredDuringExecution")
            .filter(|r| r.is_object())
        {
            let rat = at.child("requiredDuringSchedulingIgnoredDuringExecution");
            let terms = get::list(required, "nodeSelectorTerms");
            if terms.is_empty() {
                ctx.required(
                    &rat.child("nodeSelectorTerms"),
                    "must have at least one node selector term",
                );
            }
            for (i, term) in terms.iter().enumerate() {
                node_selector_term(ctx, term, &rat.child("nodeSelectorTerms").index(i));
            }
        }
        let pat = at.child("preferredDuringSchedulingIgnoredDuringExecution");
        for (i, term) in get::list(node, "preferredDuringSchedulingIgnoredDuringExecution")
            .iter()
            .enumerate()
        {
            weight(ctx, term, &pat.index(i));
            if let Some(preference) = term.get("preference").filter(|p| p.is_object()) {
                node_selector_term(ctx, preference, &pat.index(i).child("preference"));
            }
        }
    }
    for kind in ["podAffinity", "podAntiAffinity"] {
        let Some(pod) = affinity.get(kind).filter(|p| p.is_object()) else {
            continue;
        };
        let at = path.child(kind);
        let rat = at.child("requiredDuringSchedulingIgnoredDuringExecution");
        for (i, term) in get::list(pod, "requiredDuringSchedulingIgnoredDuringExecution")
            .iter()
            .enumerate()
        {
            pod_affinity_term(ctx, term, &rat.index(i));
        }
        let pat = at.child("preferredDuringSchedulingIgnoredDuringExecution");
        for (i, term) in get::list(pod, "preferredDuringSchedulingIgnoredDuringExecution")
            .iter()
            .enumerate()
        {
            weight(ctx, term, &pat.index(i));
            if let Some(inner) = term.get("podAffinityTerm").filter(|p| p.is_object()) {
                pod_affinity_term(ctx, inner, &pat.index(i).child("podAffinityTerm"));
            }
        }
    }
}

fn weight(ctx: &mut Ctx, term: &Value, at: &Path) {
    let weight = get::int(term, "weight").unwrap_or(0);
    if !(1..=100).contains(&weight) {
        ctx.invalid_int(&at.child("weight"), weight, WEIGHT_RANGE);
    }
}

fn node_selector_term(ctx: &mut Ctx, term: &Value, at: &Path) {
    for (i, requirement) in get::list(term, "matchExpressions").iter().enumerate() {
        let rat = at.child("matchExpressions").index(i);
        let values = get::list(requirement, "values");
        let operator = requirement.get("operator").cloned().unwrap_or(json!(""));
        match operator.as_str() {
            Some("In" | "NotIn") => {
                if values.is_empty() {
                    ctx.required(
                        &rat.child("values"),
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    );
                }
            }
            Some("Exists" | "DoesNotExist") => {
                if !values.is_empty() {
                    ctx.forbidden(
                        &rat.child("values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    );
                }
            }
            Some("Gt" | "Lt") => {
                if values.len() != 1 {
                    ctx.required(
                        &rat.child("values"),
                        "must be specified single value when `operator` is 'Lt' or 'Gt'",
                    );
                }
            }
            _ => ctx.invalid(
                &rat.child("operator"),
                &operator,
                "not a valid selector operator",
            ),
        }
        let key = get::string(requirement, "key");
        ctx.invalid_each(&rat.child("key"), key, is_qualified_name(key, ctx.version));
    }
}

fn pod_affinity_term(ctx: &mut Ctx, term: &Value, at: &Path) {
    if let Some(selector) = term.get("labelSelector").filter(|s| !s.is_null()) {
        super::metadata::validate_label_selector(ctx, selector, &at.child("labelSelector"));
    }
    let key = get::string(term, "topologyKey");
    let kat = at.child("topologyKey");
    if key.is_empty() {
        ctx.required(&kat, "can not be empty");
    }
    ctx.invalid_each(&kat, key, is_qualified_name(key, ctx.version));
}

/// `validateTopologySpreadConstraints`.
fn spread(ctx: &mut Ctx, spec: &Value, path: &Path) {
    for (i, constraint) in get::list(spec, "topologySpreadConstraints")
        .iter()
        .enumerate()
    {
        let at = path.index(i);
        let skew = get::int(constraint, "maxSkew").unwrap_or(0);
        if skew <= 0 {
            ctx.invalid_int(&at.child("maxSkew"), skew, "must be greater than zero");
        }
        let key = get::string(constraint, "topologyKey");
        if key.is_empty() {
            ctx.required(&at.child("topologyKey"), "can not be empty");
        } else {
            ctx.invalid_each(
                &at.child("topologyKey"),
                key,
                is_qualified_name(key, ctx.version),
            );
        }
        let action = constraint
            .get("whenUnsatisfiable")
            .cloned()
            .unwrap_or(json!(""));
        if !matches!(action.as_str(), Some("DoNotSchedule" | "ScheduleAnyway")) {
            ctx.unsupported(
                &at.child("whenUnsatisfiable"),
                &action,
                &["DoNotSchedule", "ScheduleAnyway"],
            );
        }
    }
}

/// `pkg/api/pod/warnings.go`: accepted, with a warning.
fn warnings(ctx: &mut Ctx, spec: &Value, path: &Path) {
    for list in ["initContainers", "containers"] {
        for (i, c) in get::list(spec, list).iter().enumerate() {
            let at = path.child(list).index(i);
            let mut seen: HashSet<&str> = HashSet::new();
            for (j, var) in get::list(c, "env").iter().enumerate() {
                let name = get::string(var, "name");
                if !name.is_empty() && !seen.insert(name) {
                    ctx.warn(
                        &at.child("env").index(j),
                        &format!(
                            "hides previous definition of {}, which may be dropped when using apply",
                            super::messages::go_quote(name)
                        ),
                    );
                }
            }
            let ports = get::list(c, "ports");
            for (j, port) in ports.iter().enumerate() {
                let key = |p: &Value| {
                    (
                        get::int(p, "containerPort"),
                        get::string(p, "protocol").to_string(),
                        get::int(p, "hostPort"),
                        get::string(p, "hostIP").to_string(),
                    )
                };
                if let Some(k) = ports[..j]
                    .iter()
                    .position(|earlier| key(earlier) == key(port))
                {
                    let first = at.child("ports").index(k);
                    ctx.warn(
                        &at.child("ports").index(j),
                        &format!("duplicate port definition with {}", first.text()),
                    );
                }
            }
        }
    }
    if let Some(selector) = get::map(spec, "nodeSelector") {
        for key in selector.keys() {
            if let Some(text) = deprecated_node_label(key) {
                ctx.warn(&path.child("nodeSelector").key(key), text);
            }
        }
    }
    if let Some(n) = get::int(spec, "terminationGracePeriodSeconds")
        && n < 0
    {
        ctx.warn(
            &path.child("terminationGracePeriodSeconds"),
            "must be >= 0; negative values are invalid and will be treated as 1",
        );
    }
}

fn deprecated_node_label(key: &str) -> Option<&'static str> {
    Some(match key {
        "beta.kubernetes.io/arch" => "deprecated since v1.14; use \"kubernetes.io/arch\" instead",
        "beta.kubernetes.io/os" => "deprecated since v1.14; use \"kubernetes.io/os\" instead",
        "failure-domain.beta.kubernetes.io/zone" => {
            "deprecated since v1.17; use \"topology.kubernetes.io/zone\" instead"
        }
        "failure-domain.beta.kubernetes.io/region" => {
            "deprecated since v1.17; use \"topology.kubernetes.io/region\" instead"
        }
        "beta.kubernetes.io/instance-type" => {
            "deprecated since v1.17; use \"node.kubernetes.io/instance-type\" instead"
        }
        _ => return None,
    })
}
