//! Ingress and NetworkPolicy (`pkg/apis/networking/validation`): rules or a default backend,
//! hosts, path types and paths, backends; peers, ipBlocks, ports and policy types.

use std::net::IpAddr;

use serde_json::Value;

use super::messages::{
    PORT_RANGE, is_dns1035_label, is_dns1123_subdomain, is_valid_port_name,
    is_wildcard_dns1123_subdomain,
};
use super::metadata::validate_label_selector;
use super::{Ctx, Path, get};
use crate::rules;

pub fn check_ingress(ctx: &mut Ctx, object: &Value) {
    ctx.family(&rules::invalid_ingress::RULE);
    let spec = &object["spec"];
    let path = Path::new(&["spec"]);
    let rules_list = get::list(spec, "rules");
    if rules_list.is_empty() && !get::has(spec, "defaultBackend") {
        let value = if ctx.version.minor >= 34 {
            "null"
        } else {
            "[]networking.IngressRule(nil)"
        };
        ctx.invalid_rendered(
            &path,
            value,
            "either `defaultBackend` or `rules` must be specified",
        );
    }
    if let Some(backend) = spec.get("defaultBackend").filter(|b| !b.is_null()) {
        ingress_backend(ctx, backend, &path.child("defaultBackend"));
    }
    for (i, rule) in rules_list.iter().enumerate() {
        let at = path.child("rules").index(i);
        let host = get::string(rule, "host");
        if !host.is_empty() {
            if host.parse::<IpAddr>().is_ok() {
                ctx.invalid_str(
                    &at.child("host"),
                    host,
                    "must be a DNS name, not an IP address",
                );
            }
            host_messages(ctx, host, &at.child("host"));
        }
        if let Some(http) = rule.get("http").filter(|h| h.is_object()) {
            let hat = at.child("http");
            let paths = get::list(http, "paths");
            if paths.is_empty() {
                ctx.required(&hat.child("paths"), "");
            }
            for (j, p) in paths.iter().enumerate() {
                ingress_path(ctx, p, &hat.child("paths").index(j));
            }
        }
    }
    for (i, tls) in get::list(spec, "tls").iter().enumerate() {
        let at = path.child("tls").index(i);
        for (j, host) in get::list(tls, "hosts").iter().enumerate() {
            if let Some(host) = host.as_str() {
                host_messages(ctx, host, &at.child("hosts").index(j));
            }
        }
        let secret = get::string(tls, "secretName");
        if !secret.is_empty() {
            ctx.invalid_each(
                &at.child("secretName"),
                secret,
                is_dns1123_subdomain(secret),
            );
        }
    }
    if let Some(class) = get::str(spec, "ingressClassName") {
        ctx.invalid_each(
            &path.child("ingressClassName"),
            class,
            is_dns1123_subdomain(class),
        );
        let annotation = object
            .pointer("/metadata/annotations/kubernetes.io~1ingress.class")
            .and_then(Value::as_str);
        if let Some(annotation) = annotation
            && annotation != class
        {
            let at = Path::new(&["annotations", "kubernetes.io/ingress.class"]).pointing(
                &Path::new(&["metadata", "annotations"]).key("kubernetes.io/ingress.class"),
            );
            ctx.invalid_str(
                &at,
                annotation,
                "must match `ingressClassName` when both are specified",
            );
        }
    }
}

fn host_messages(ctx: &mut Ctx, host: &str, at: &Path) {
    let messages = if host.contains('*') {
        is_wildcard_dns1123_subdomain(host)
    } else {
        is_dns1123_subdomain(host)
    };
    ctx.invalid_each(at, host, messages);
}

fn ingress_path(ctx: &mut Ctx, p: &Value, at: &Path) {
    let text = get::string(p, "path");
    match p.get("pathType").filter(|v| !v.is_null()) {
        None => {
            ctx.required(&at.child("pathType"), "pathType must be specified");
            return;
        }
        Some(kind) => match kind.as_str() {
            Some("Exact" | "Prefix") => {
                if !text.starts_with('/') {
                    ctx.invalid_str(&at.child("path"), text, "must be an absolute path");
                }
                if !text.is_empty() {
                    for seq in ["//", "/./", "/../", "%2f", "%2F"] {
                        if text.contains(seq) {
                            ctx.invalid_str(
                                &at.child("path"),
                                text,
                                &format!("must not contain '{seq}'"),
                            );
                        }
                    }
                    for suffix in ["/..", "/."] {
                        if text.ends_with(suffix) {
                            ctx.invalid_str(
                                &at.child("path"),
                                text,
                                &format!("cannot end with '{suffix}'"),
                            );
                        }
                    }
                }
            }
            Some("ImplementationSpecific") => {
                if !text.is_empty() && !text.starts_with('/') {
                    ctx.invalid_str(&at.child("path"), text, "must be an absolute path");
                }
            }
            _ => ctx.unsupported(
                &at.child("pathType"),
                kind,
                &["Exact", "ImplementationSpecific", "Prefix"],
            ),
        },
    }
    ingress_backend(ctx, &p["backend"], &at.child("backend"));
}

fn ingress_backend(ctx: &mut Ctx, backend: &Value, at: &Path) {
    let resource = backend.get("resource").filter(|v| !v.is_null());
    let service = backend.get("service").filter(|v| !v.is_null());
    match (resource, service) {
        (Some(_), Some(_)) => {
            ctx.invalid_str(at, "", "cannot set both resource and service backends");
        }
        (Some(resource), None) => {
            let kind = get::string(resource, "kind");
            let name = get::string(resource, "name");
            if kind.is_empty() {
                ctx.required(&at.child("resource").child("kind"), "");
            }
            if name.is_empty() {
                ctx.required(&at.child("resource").child("name"), "");
            }
        }
        (None, Some(service)) => {
            let sat = at.child("service");
            let name = get::string(service, "name");
            if name.is_empty() {
                ctx.required(&sat.child("name"), "");
            } else {
                ctx.invalid_each(&sat.child("name"), name, is_dns1035_label(name));
            }
            let port = &service["port"];
            let port_name = get::string(port, "name");
            let number = get::int(port, "number").unwrap_or(0);
            match (port_name.is_empty(), number == 0) {
                (false, false) => {
                    ctx.invalid_str(at, "", "cannot set both port name & port number");
                }
                (false, true) => ctx.invalid_each(
                    &sat.child("port").child("name"),
                    port_name,
                    is_valid_port_name(port_name),
                ),
                (true, false) => {
                    if !(1..=65535).contains(&number) {
                        ctx.invalid_int(&sat.child("port").child("number"), number, PORT_RANGE);
                    }
                }
                (true, true) => ctx.required(at, "port name or number is required"),
            }
        }
        (None, None) => ctx.invalid_str(at, "", "resource or service backend is required"),
    }
}

pub fn check_network_policy(ctx: &mut Ctx, object: &Value) {
    ctx.family(&rules::invalid_network_policy::RULE);
    let spec = &object["spec"];
    let path = Path::new(&["spec"]);
    if let Some(selector) = spec.get("podSelector") {
        validate_label_selector(ctx, selector, &path.child("podSelector"));
    }
    for (direction, peers) in [("ingress", "from"), ("egress", "to")] {
        for (i, rule) in get::list(spec, direction).iter().enumerate() {
            let at = path.child(direction).index(i);
            for (j, port) in get::list(rule, "ports").iter().enumerate() {
                network_policy_port(ctx, port, &at.child("ports").index(j));
            }
            for (j, peer) in get::list(rule, peers).iter().enumerate() {
                network_policy_peer(ctx, peer, &at.child(peers).index(j));
            }
        }
    }
    let types = get::list(spec, "policyTypes");
    if types.len() > 2 {
        ctx.invalid(
            &path.child("policyTypes"),
            &spec["policyTypes"],
            "may not specify more than two policyTypes",
        );
        return;
    }
    for (i, t) in types.iter().enumerate() {
        if !matches!(t.as_str(), Some("Ingress" | "Egress")) {
            ctx.unsupported(
                &path.child("policyTypes").index(i),
                t,
                &["Ingress", "Egress"],
            );
        }
    }
}

fn network_policy_port(ctx: &mut Ctx, port: &Value, at: &Path) {
    if let Some(protocol) = port.get("protocol").filter(|v| !v.is_null())
        && !matches!(protocol.as_str(), Some("TCP" | "UDP" | "SCTP"))
    {
        ctx.unsupported(&at.child("protocol"), protocol, &["TCP", "UDP", "SCTP"]);
    }
    let end = get::int(port, "endPort");
    match port.get("port").filter(|v| !v.is_null()) {
        Some(Value::Number(n)) => {
            let n = n.as_i64().unwrap_or(0);
            if !(1..=65535).contains(&n) {
                ctx.invalid_int(&at.child("port"), n, PORT_RANGE);
            }
            if let Some(end) = end {
                if end < n {
                    ctx.invalid_int(
                        &at.child("endPort"),
                        n,
                        "must be greater than or equal to `port`",
                    );
                }
                if !(1..=65535).contains(&end) {
                    ctx.invalid_int(&at.child("endPort"), end, PORT_RANGE);
                }
            }
        }
        Some(Value::String(name)) => {
            if let Some(end) = end {
                ctx.invalid_int(
                    &at.child("endPort"),
                    end,
                    "may not be specified when `port` is non-numeric",
                );
            }
            ctx.invalid_each(&at.child("port"), name, is_valid_port_name(name));
        }
        Some(_) => {}
        None => {
            if let Some(end) = end {
                ctx.invalid_int(
                    &at.child("endPort"),
                    end,
                    "may not be specified when `port` is not specified",
                );
            }
        }
    }
}

fn network_policy_peer(ctx: &mut Ctx, peer: &Value, at: &Path) {
    let mut count = 0;
    for selector in ["podSelector", "namespaceSelector"] {
        if let Some(s) = peer.get(selector).filter(|v| !v.is_null()) {
            count += 1;
            validate_label_selector(ctx, s, &at.child(selector));
        }
    }
    let ip_block = peer.get("ipBlock").filter(|v| !v.is_null());
    if let Some(block) = ip_block {
        count += 1;
        check_ip_block(ctx, block, &at.child("ipBlock"));
    }
    if count == 0 {
        ctx.required(at, "must specify a peer");
    } else if count > 1 && ip_block.is_some() {
        ctx.forbidden(at, "may not specify both ipBlock and another peer");
    }
}

const CIDR_MESSAGE: &str = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

fn check_ip_block(ctx: &mut Ctx, block: &Value, at: &Path) {
    let cidr = get::string(block, "cidr");
    if cidr.is_empty() {
        ctx.required(&at.child("cidr"), "");
        return;
    }
    let Some(outer) = parse_cidr(cidr) else {
        ctx.invalid_str(&at.child("cidr"), cidr, CIDR_MESSAGE);
        return;
    };
    for (i, except) in get::list(block, "except").iter().enumerate() {
        let Some(text) = except.as_str() else {
            continue;
        };
        let eat = at.child("except").index(i);
        match parse_cidr(text) {
            None => ctx.invalid_str(&eat, text, CIDR_MESSAGE),
            Some(inner) => {
                if !(outer.contains(inner.network) && outer.prefix < inner.prefix) {
                    ctx.invalid_str(&eat, text, "must be a strict subset of `cidr`");
                }
            }
        }
    }
}

/// A CIDR's network address (host bits cleared, as `ParseCIDR` returns it) and prefix length.
#[derive(Clone, Copy)]
pub struct Cidr {
    network: u128,
    prefix: u32,
    v4: bool,
}

impl Cidr {
    fn contains(&self, address: u128) -> bool {
        let bits = if self.v4 { 32 } else { 128 };
        let shift = bits - self.prefix;
        if shift >= 128 {
            return true;
        }
        (self.network >> shift) == (address >> shift)
    }
}

pub fn parse_cidr(text: &str) -> Option<Cidr> {
    let (ip, prefix) = text.split_once('/')?;
    let prefix: u32 = prefix.parse().ok()?;
    let ip: IpAddr = ip.parse().ok()?;
    let (value, bits, v4) = match ip {
        IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32, true),
        IpAddr::V6(v6) => (u128::from(v6), 128, false),
    };
    if prefix > bits {
        return None;
    }
    let shift = bits - prefix;
    let network = if shift >= 128 {
        0
    } else {
        (value >> shift) << shift
    };
    Some(Cidr {
        network,
        prefix,
        v4,
    })
}
