//! Services (`ValidateService`, `validateServicePort`): ports (named when several, unique),
//! target ports, protocols, types and the fields each type allows, cluster IPs, session
//! affinity and traffic policies.

use std::collections::HashSet;
use std::net::IpAddr;

use serde_json::{Value, json};

use super::messages::{PORT_RANGE, is_dns1123_label, is_dns1123_subdomain, is_qualified_name};
use super::metadata::validate_labels;
use super::pod::port_num_or_name;
use super::{Ctx, Path, get};
use crate::rules;

pub fn check(ctx: &mut Ctx, object: &Value) {
    ctx.family(&rules::invalid_service::RULE);
    let spec = &object["spec"];
    let path = Path::new(&["spec"]);
    let kind = get::string(spec, "type");
    let headless = get::str(spec, "clusterIP") == Some("None");
    let ports = get::list(spec, "ports");
    if ports.is_empty() && !headless && kind != "ExternalName" {
        ctx.required(&path.child("ports"), "");
    }
    match kind {
        "ClusterIP" | "" => {
            for (i, port) in ports.iter().enumerate() {
                if get::int(port, "nodePort").is_some_and(|n| n != 0) {
                    ctx.forbidden(
                        &path.child("ports").index(i).child("nodePort"),
                        "may not be used when `type` is 'ClusterIP'",
                    );
                }
            }
        }
        "NodePort" | "LoadBalancer" => {
            if headless {
                ctx.invalid_str(
                    &path
                        .child("clusterIPs")
                        .index(0)
                        .pointing(&path.child("clusterIP")),
                    "None",
                    &format!("may not be set to 'None' for {kind} services"),
                );
            }
            if kind == "LoadBalancer" {
                for (i, port) in ports.iter().enumerate() {
                    if get::int(port, "port") == Some(10250) {
                        ctx.invalid_int(
                            &path.child("ports").index(i).child("port"),
                            10250,
                            "may not expose port 10250 externally since it is used by kubelet",
                        );
                    }
                }
            }
        }
        "ExternalName" => {
            if get::str(spec, "clusterIP").is_some_and(|s| !s.is_empty())
                || !get::list(spec, "clusterIPs").is_empty()
            {
                ctx.forbidden(
                    &path.child("clusterIPs"),
                    "may not be set for ExternalName services",
                );
            }
            let name = get::string(spec, "externalName");
            let clean = name.strip_suffix('.').unwrap_or(name);
            if clean.is_empty() {
                ctx.required(&path.child("externalName"), "");
            } else {
                ctx.invalid_each(
                    &path.child("externalName"),
                    clean,
                    is_dns1123_subdomain(clean),
                );
            }
        }
        other => ctx.unsupported(
            &path.child("type"),
            &json!(other),
            &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
        ),
    }
    let mut names: HashSet<&str> = HashSet::new();
    for (i, port) in ports.iter().enumerate() {
        let at = path.child("ports").index(i);
        let name = get::string(port, "name");
        if ports.len() > 1 && name.is_empty() {
            ctx.required(&at.child("name"), "");
        } else if !name.is_empty() {
            ctx.invalid_each(&at.child("name"), name, is_dns1123_label(name));
            if !names.insert(name) {
                ctx.duplicate(&at.child("name"), &json!(name));
            }
        }
        let number = get::int(port, "port").unwrap_or(0);
        if !(1..=65535).contains(&number) {
            ctx.invalid_int(&at.child("port"), number, PORT_RANGE);
        }
        if let Some(protocol) = port.get("protocol") {
            match protocol.as_str() {
                Some("TCP" | "UDP" | "SCTP") => {}
                Some("") => ctx.required(&at.child("protocol"), ""),
                _ => ctx.unsupported(&at.child("protocol"), protocol, &["SCTP", "TCP", "UDP"]),
            }
        }
        port_num_or_name(ctx, port.get("targetPort"), &at.child("targetPort"));
        if let Some(app) = get::str(port, "appProtocol") {
            ctx.invalid_each(
                &at.child("appProtocol"),
                app,
                is_qualified_name(app, ctx.version),
            );
        }
    }
    validate_labels(ctx, spec, "selector", &path.child("selector"), &path);
    duplicates(ctx, ports, &path.child("ports"));
    cluster_ips(ctx, spec, &path);
    affinity(ctx, spec, &path);
    traffic(ctx, spec, &path, kind);
}

/// `(protocol, port)` and `(protocol, nodePort)` pairs are unique.
fn duplicates(ctx: &mut Ctx, ports: &[Value], path: &Path) {
    let mut seen: HashSet<(String, i64)> = HashSet::new();
    let mut seen_node: HashSet<(String, i64)> = HashSet::new();
    for (i, port) in ports.iter().enumerate() {
        let protocol = get::string(port, "protocol").to_string();
        let number = get::int(port, "port").unwrap_or(0);
        if !seen.insert((protocol.clone(), number)) {
            let value = service_port_value(ctx, &protocol, number);
            ctx.duplicate_rendered(&path.index(i), &value);
        }
        if let Some(node) = get::int(port, "nodePort").filter(|n| *n != 0)
            && !seen_node.insert((protocol, node))
        {
            ctx.duplicate(&path.index(i).child("nodePort"), &json!(node));
        }
    }
}

/// The duplicate key, a `core.ServicePort{Protocol, Port}`, as the server prints it.
fn service_port_value(ctx: &Ctx, protocol: &str, port: i64) -> String {
    if ctx.version.minor >= 34 {
        // Internal types carry no JSON tags: Go field names, in struct order.
        format!(
            "{{\"Name\":\"\",\"Protocol\":\"{protocol}\",\"AppProtocol\":null,\"Port\":{port},\"TargetPort\":0,\"NodePort\":0}}"
        )
    } else {
        format!(
            "core.ServicePort{{Name:\"\", Protocol:\"{protocol}\", AppProtocol:(*string)(nil), Port:{port}, TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:\"\"}}, NodePort:0}}"
        )
    }
}

fn cluster_ips(ctx: &mut Ctx, spec: &Value, path: &Path) {
    let ips = get::list(spec, "clusterIPs");
    for (i, ip) in ips.iter().enumerate() {
        let Some(ip) = ip.as_str() else { continue };
        let at = path.child("clusterIPs").index(i);
        let at = if i == 0 && get::has(spec, "clusterIP") {
            at.pointing(&path.child("clusterIP"))
        } else {
            at
        };
        if ip == "None" {
            if ips.len() > 1 {
                ctx.invalid_str(&at, ip, "'None' must be the first and only value");
            }
            continue;
        }
        if ip.is_empty() {
            continue;
        }
        if ip.parse::<IpAddr>().is_err() {
            ctx.invalid_str(
                &at,
                ip,
                "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
            );
        }
    }
    if let Some(ip) = get::str(spec, "clusterIP")
        && let Some(first) = ips.first().and_then(Value::as_str)
        && !ip.is_empty()
        && ip != first
    {
        ctx.invalid_str(
            &path.child("clusterIPs"),
            first,
            "must match `clusterIP` when set",
        );
    }
}

fn affinity(ctx: &mut Ctx, spec: &Value, path: &Path) {
    let affinity = spec.get("sessionAffinity");
    match affinity.and_then(Value::as_str) {
        Some("ClientIP") => {
            if let Some(t) = spec
                .pointer("/sessionAffinityConfig/clientIP/timeoutSeconds")
                .and_then(Value::as_i64)
                && !(1..=86400).contains(&t)
            {
                ctx.invalid_int(
                    &path
                        .child("sessionAffinityConfig")
                        .child("clientIP")
                        .child("timeoutSeconds"),
                    t,
                    "must be greater than 0 and less than 86400",
                );
            }
        }
        Some("None") | None => {
            if get::has(spec, "sessionAffinityConfig") {
                ctx.invalid(
                    &path.child("sessionAffinityConfig"),
                    &spec["sessionAffinityConfig"],
                    "must not be set when session affinity is None",
                );
            }
        }
        Some(_) => ctx.unsupported(
            &path.child("sessionAffinity"),
            affinity.unwrap_or(&Value::Null),
            &["ClientIP", "None"],
        ),
    }
}

fn traffic(ctx: &mut Ctx, spec: &Value, path: &Path, kind: &str) {
    let external = matches!(kind, "NodePort" | "LoadBalancer");
    if let Some(policy) = spec.get("externalTrafficPolicy").filter(|v| !v.is_null()) {
        let at = path.child("externalTrafficPolicy");
        if !external {
            if policy.as_str().is_some_and(|s| !s.is_empty()) {
                ctx.invalid(
                    &at,
                    policy,
                    "may only be set for externally-accessible services",
                );
            }
        } else if !matches!(policy.as_str(), Some("Cluster" | "Local")) {
            ctx.unsupported(&at, policy, &["Cluster", "Local"]);
        }
    }
    if let Some(policy) = spec.get("internalTrafficPolicy").filter(|v| !v.is_null())
        && kind != "ExternalName"
        && !matches!(policy.as_str(), Some("Cluster" | "Local"))
    {
        ctx.unsupported(
            &path.child("internalTrafficPolicy"),
            policy,
            &["Cluster", "Local"],
        );
    }
    if kind != "LoadBalancer" && !get::list(spec, "loadBalancerSourceRanges").is_empty() {
        ctx.forbidden(
            &Path::new(&["spec", "LoadBalancerSourceRanges"])
                .pointing(&path.child("loadBalancerSourceRanges")),
            "may only be used when `type` is 'LoadBalancer'",
        );
    }
}
