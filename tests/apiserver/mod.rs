//! An emulated kube-apiserver for the dry-run tests: HTTP/1.1 on 127.0.0.1, one thread per
//! connection, speaking the real wire format (../shared/reference/apiserver.md §1): `/version`,
//! legacy and aggregated discovery, server-side-apply `PATCH` and create `POST` with `dryRun`,
//! `metav1.Status` bodies byte for byte, `Warning` headers, plain-text 404 and 429.
//!
//! It records every request. Scripted replies (per method and path) emulate webhooks,
//! validation, RBAC, throttling and slow answers; everything else follows the pipeline order of
//! §1.1: authentication, routing, namespace lifecycle, then success (201 create / 200 update).
#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const TOKEN: &str = "emulator-token";

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Recorded {
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    pub fn query(&self) -> Vec<(String, String)> {
        self.target
            .split_once('?')
            .map(|(_, q)| q)
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => (p.to_string(), String::new()),
            })
            .collect()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn is_mutating(&self) -> bool {
        !matches!(self.method.as_str(), "GET" | "HEAD" | "OPTIONS")
    }
}

/// A canned answer.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Status code, content type, extra headers, body; after a delay.
    Canned {
        code: u16,
        content_type: &'static str,
        headers: Vec<(String, String)>,
        body: String,
        delay: Duration,
    },
    /// What the emulator would answer anyway (after the script ran out or for "then succeed").
    Default,
    /// The default answer plus `Warning` headers.
    DefaultWithWarnings(Vec<String>),
}

impl Reply {
    /// A `metav1.Status` (or any JSON) body.
    pub fn json(code: u16, body: &str) -> Reply {
        Reply::Canned {
            code,
            content_type: "application/json",
            headers: Vec::new(),
            body: body.to_string(),
            delay: Duration::ZERO,
        }
    }

    pub fn plain(code: u16, body: &str, headers: &[(&str, &str)]) -> Reply {
        Reply::Canned {
            code,
            content_type: "text/plain; charset=utf-8",
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.to_string(),
            delay: Duration::ZERO,
        }
    }

    /// The default answer's shape (201 and the object) after a delay.
    pub fn slow_created(delay: Duration, body: &str) -> Reply {
        Reply::Canned {
            code: 201,
            content_type: "application/json",
            headers: Vec::new(),
            body: body.to_string(),
            delay,
        }
    }

    pub fn slow(delay: Duration) -> Reply {
        Reply::Canned {
            code: 200,
            content_type: "application/json",
            headers: Vec::new(),
            body: "{}".into(),
            delay,
        }
    }
}

/// A resource the emulated cluster serves.
#[derive(Clone, Debug)]
pub struct Served {
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    pub plural: &'static str,
    pub namespaced: bool,
}

/// The built-in resources the tests use.
pub fn builtins() -> Vec<Served> {
    let r = |group, version, kind, plural, namespaced| Served {
        group,
        version,
        kind,
        plural,
        namespaced,
    };
    vec![
        r("", "v1", "Namespace", "namespaces", false),
        r("", "v1", "ConfigMap", "configmaps", true),
        r("", "v1", "Secret", "secrets", true),
        r("", "v1", "Service", "services", true),
        r("apps", "v1", "Deployment", "deployments", true),
        r(
            "policy",
            "v1",
            "PodDisruptionBudget",
            "poddisruptionbudgets",
            true,
        ),
        r(
            "apiextensions.k8s.io",
            "v1",
            "CustomResourceDefinition",
            "customresourcedefinitions",
            false,
        ),
    ]
}

#[derive(Default)]
struct State {
    recorded: Vec<Recorded>,
    in_flight: usize,
    max_in_flight: usize,
    scripts: HashMap<String, VecDeque<Reply>>,
}

/// The cluster's configuration.
#[derive(Clone)]
pub struct Cluster {
    pub aggregated: bool,
    pub resources: Vec<Served>,
    pub namespaces: Vec<String>,
    /// Object URL paths that exist (SSA answers 200 instead of 201).
    pub existing: Vec<String>,
    /// Live objects, `(URL path, JSON)`: they exist, and `GET` returns them.
    pub live: Vec<(String, String)>,
}

impl Default for Cluster {
    fn default() -> Self {
        Cluster {
            aggregated: true,
            resources: builtins(),
            namespaces: vec!["default".into(), "kube-system".into()],
            existing: Vec::new(),
            live: Vec::new(),
        }
    }
}

pub struct Emulator {
    pub url: String,
    state: Arc<Mutex<State>>,
}

impl Emulator {
    pub fn start(cluster: Cluster) -> Emulator {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State::default()));
        let cluster = Arc::new(cluster);
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let state = shared.clone();
                let cluster = cluster.clone();
                std::thread::spawn(move || serve(stream, &state, &cluster));
            }
        });
        Emulator { url, state }
    }

    /// Answers `method path` (no query) with `replies` in turn, then as usual.
    pub fn script(&self, method: &str, path: &str, replies: Vec<Reply>) {
        self.state
            .lock()
            .unwrap()
            .scripts
            .insert(format!("{method} {path}"), replies.into());
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().unwrap().recorded.clone()
    }

    /// The most requests that were being answered at once.
    pub fn max_in_flight(&self) -> usize {
        self.state.lock().unwrap().max_in_flight
    }

    /// Mutating requests, as `METHOD path`.
    pub fn mutations(&self) -> Vec<String> {
        self.requests()
            .iter()
            .filter(|r| r.is_mutating())
            .map(|r| format!("{} {}", r.method, r.path()))
            .collect()
    }
}

fn serve(stream: TcpStream, state: &Mutex<State>, cluster: &Cluster) {
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut writer = stream;
    loop {
        let Some(request) = read_request(&mut reader) else {
            return;
        };
        {
            let mut state = state.lock().unwrap();
            state.recorded.push(request.clone());
            state.in_flight += 1;
            state.max_in_flight = state.max_in_flight.max(state.in_flight);
        }
        let scripted = state
            .lock()
            .unwrap()
            .scripts
            .get_mut(&format!("{} {}", request.method, request.path()))
            .and_then(VecDeque::pop_front);
        let response = match scripted {
            Some(Reply::Canned {
                code,
                content_type,
                headers,
                body,
                delay,
            }) => {
                std::thread::sleep(delay);
                Response {
                    code,
                    content_type: content_type.to_string(),
                    headers,
                    body,
                }
            }
            Some(Reply::DefaultWithWarnings(warnings)) => {
                let mut response = answer(&request, cluster);
                for w in warnings {
                    response.headers.push(("Warning".into(), w));
                }
                response
            }
            Some(Reply::Default) | None => answer(&request, cluster),
        };
        let written = write_response(&mut writer, &response);
        state.lock().unwrap().in_flight -= 1;
        if written.is_err() {
            return;
        }
    }
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Recorded> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 {
            return None;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((k, v)) = header.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let length = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let chunked = headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    let mut body = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).ok()?;
            let size = usize::from_str_radix(size.trim(), 16).ok()?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).ok()?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    } else {
        body.resize(length, 0);
        reader.read_exact(&mut body).ok()?;
    }
    Some(Recorded {
        method,
        target,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

struct Response {
    code: u16,
    content_type: String,
    headers: Vec<(String, String)>,
    body: String,
}

fn write_response(writer: &mut TcpStream, response: &Response) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nAudit-Id: emulated\r\n",
        response.code,
        reason_phrase(response.code),
        response.content_type,
        response.body.len()
    );
    for (k, v) in &response.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    writer.write_all(head.as_bytes())?;
    writer.write_all(response.body.as_bytes())?;
    writer.flush()
}

fn reason_phrase(code: u16) -> &'static str {
    match code {
        200 => "OK",
        201 => "Created",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn json(code: u16, body: String) -> Response {
    Response {
        code,
        content_type: "application/json".into(),
        headers: Vec::new(),
        body,
    }
}

/// `metav1.Status` as Go's encoder writes it: compact, fields in struct order, trailing newline.
fn status(code: u16, reason: &str, message: &str, details: &str) -> Response {
    let details = if details.is_empty() {
        String::new()
    } else {
        format!(",\"details\":{details}")
    };
    json(
        code,
        format!(
            "{{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{{}},\"status\":\"Failure\",\"message\":{},\"reason\":\"{reason}\"{details},\"code\":{code}}}\n",
            serde_json::to_string(message).unwrap()
        ),
    )
}

const VERSION: &str = r#"{"major":"1","minor":"33","emulationMajor":"1","emulationMinor":"33","minCompatibilityMajor":"1","minCompatibilityMinor":"32","gitVersion":"v1.33.1","gitCommit":"8adc0f041b8e7ad1d30e29cc59c6ae7a15e19828","gitTreeState":"clean","buildDate":"2025-05-15T08:19:08Z","goVersion":"go1.24.2","compiler":"gc","platform":"linux/amd64"}"#;

fn answer(request: &Recorded, cluster: &Cluster) -> Response {
    // 1. authentication
    if request.header("authorization") != Some(&format!("Bearer {TOKEN}")) {
        return status(401, "Unauthorized", "Unauthorized", "");
    }
    let path = request.path();
    let accept = request.header("accept").unwrap_or("");
    if request.method == "GET" {
        if let Some((_, body)) = cluster.live.iter().find(|(p, _)| p == path) {
            return json(200, format!("{body}\n"));
        }
        return get(path, accept, cluster);
    }
    // 4. routing
    let Some((resource, namespace, name)) = route(path, cluster) else {
        return Response {
            code: 404,
            content_type: "text/plain; charset=utf-8".into(),
            headers: vec![("X-Content-Type-Options".into(), "nosniff".into())],
            body: "404 page not found\n".into(),
        };
    };
    let query = request.query();
    let has = |k: &str, v: &str| query.iter().any(|(qk, qv)| qk == k && qv == v);
    // 5/6. patch type and options
    if request.method == "PATCH" {
        if request.header("content-type") != Some("application/apply-patch+yaml") {
            return status(
                415,
                "UnsupportedMediaType",
                "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json, application/apply-patch+cbor",
                "",
            );
        }
        if !query.iter().any(|(k, _)| k == "fieldManager") {
            return status(
                422,
                "Invalid",
                "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch",
                r#"{"group":"meta.k8s.io","kind":"PatchOptions","causes":[{"reason":"FieldValueRequired","message":"Required value: is required for apply patch","field":"fieldManager"}]}"#,
            );
        }
    }
    // 11. namespace lifecycle
    if let Some(namespace) = &namespace
        && !cluster.namespaces.contains(namespace)
    {
        return status(
            404,
            "NotFound",
            &format!("namespaces \"{namespace}\" not found"),
            &format!("{{\"name\":\"{namespace}\",\"kind\":\"namespaces\"}}"),
        );
    }
    let _ = resource;
    // 13/16. the object as it would be stored: a dry run writes nothing, even if asked to.
    let mut object: serde_json::Value =
        serde_json::from_str(&request.body).unwrap_or(serde_json::json!({}));
    if let Some(meta) = object.get_mut("metadata").and_then(|m| m.as_object_mut()) {
        meta.insert("uid".into(), "6a1c0d6e-0000-4000-8000-000000000000".into());
        meta.insert("resourceVersion".into(), "".into());
        if let Some(name) = &name {
            meta.insert("name".into(), name.clone().into());
        }
    }
    let exists = (cluster.existing.iter().any(|e| e == path)
        || cluster.live.iter().any(|(p, _)| p == path))
        && has("dryRun", "All");
    json(if exists { 200 } else { 201 }, format!("{object}\n"))
}

/// (resource, namespace, name) of a resource URL.
fn route<'a>(
    path: &str,
    cluster: &'a Cluster,
) -> Option<(&'a Served, Option<String>, Option<String>)> {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let (group, version, rest) = match parts.as_slice() {
        ["api", version, rest @ ..] => ("", *version, rest),
        ["apis", group, version, rest @ ..] => (*group, *version, rest),
        _ => return None,
    };
    let (namespace, rest) = match rest {
        ["namespaces", ns, plural, rest @ ..] => {
            (Some(ns.to_string()), [&[*plural][..], rest].concat())
        }
        _ => (None, rest.to_vec()),
    };
    let plural = *rest.first()?;
    let name = rest.get(1).map(|s| s.to_string());
    let resource = cluster
        .resources
        .iter()
        .find(|r| r.group == group && r.version == version && r.plural == plural)?;
    if resource.namespaced != namespace.is_some() {
        return None;
    }
    Some((resource, namespace, name))
}

fn get(path: &str, accept: &str, cluster: &Cluster) -> Response {
    let aggregated = cluster.aggregated && accept.contains("as=APIGroupDiscoveryList");
    match path {
        "/version" => json(200, VERSION.to_string()),
        "/api" | "/apis" if aggregated => {
            let core = path == "/api";
            let mut groups: Vec<&str> = cluster
                .resources
                .iter()
                .filter(|r| r.group.is_empty() == core)
                .map(|r| r.group)
                .collect();
            groups.dedup();
            let items: Vec<String> = groups
                .iter()
                .map(|g| {
                    let resources: Vec<String> = cluster
                        .resources
                        .iter()
                        .filter(|r| r.group == *g)
                        .map(|r| format!(
                            r#"{{"resource":"{}","responseKind":{{"group":"","version":"","kind":"{}"}},"scope":"{}","singularResource":"{}","verbs":["create","delete","deletecollection","get","list","patch","update","watch"]}}"#,
                            r.plural, r.kind, if r.namespaced { "Namespaced" } else { "Cluster" }, r.kind.to_lowercase()
                        ))
                        .collect();
                    let metadata = if core {
                        r#"{"creationTimestamp":null}"#.to_string()
                    } else {
                        format!(r#"{{"name":"{g}","creationTimestamp":null}}"#)
                    };
                    format!(
                        r#"{{"metadata":{metadata},"versions":[{{"version":"v1","freshness":"Current","resources":[{}]}}]}}"#,
                        resources.join(",")
                    )
                })
                .collect();
            let mut response = json(
                200,
                format!(
                    r#"{{"kind":"APIGroupDiscoveryList","apiVersion":"apidiscovery.k8s.io/v2","metadata":{{}},"items":[{}]}}"#,
                    items.join(",")
                ),
            );
            response.content_type =
                "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList".into();
            response.headers.push(("Vary".into(), "Accept".into()));
            response.headers.push(("ETag".into(), "\"emulated\"".into()));
            response
        }
        "/api" => json(
            200,
            r#"{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"10.0.0.1:6443"}]}"#.into(),
        ),
        "/apis" => {
            let mut groups: Vec<&str> = cluster
                .resources
                .iter()
                .filter(|r| !r.group.is_empty())
                .map(|r| r.group)
                .collect();
            groups.dedup();
            let items: Vec<String> = groups
                .iter()
                .map(|g| format!(r#"{{"name":"{g}","versions":[{{"groupVersion":"{g}/v1","version":"v1"}}],"preferredVersion":{{"groupVersion":"{g}/v1","version":"v1"}}}}"#))
                .collect();
            json(
                200,
                format!(
                    r#"{{"kind":"APIGroupList","apiVersion":"v1","groups":[{}]}}"#,
                    items.join(",")
                ),
            )
        }
        _ => {
            let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
            let (group, version) = match parts.as_slice() {
                ["api", version] => ("", *version),
                ["apis", group, version] => (*group, *version),
                _ => ("-", "-"),
            };
            let resources: Vec<String> = cluster
                .resources
                .iter()
                .filter(|r| r.group == group && r.version == version)
                .map(|r| format!(
                    r#"{{"name":"{}","singularName":"{}","namespaced":{},"kind":"{}","verbs":["create","delete","deletecollection","get","list","patch","update","watch"]}},{{"name":"{}/status","singularName":"","namespaced":{},"kind":"{}","verbs":["get","patch","update"]}}"#,
                    r.plural, r.kind.to_lowercase(), r.namespaced, r.kind, r.plural, r.namespaced, r.kind
                ))
                .collect();
            if resources.is_empty() {
                return Response {
                    code: 404,
                    content_type: "text/plain; charset=utf-8".into(),
                    headers: Vec::new(),
                    body: "404 page not found\n".into(),
                };
            }
            let gv = if group.is_empty() {
                version.to_string()
            } else {
                format!("{group}/{version}")
            };
            json(
                200,
                format!(
                    r#"{{"kind":"APIResourceList","apiVersion":"v1","groupVersion":"{gv}","resources":[{}]}}"#,
                    resources.join(",")
                ),
            )
        }
    }
}

/// A kubeconfig for emulators: one context per `(name, url)`, token auth, the first current.
pub fn kubeconfig(contexts: &[(&str, &str)]) -> String {
    let mut clusters = String::new();
    let mut ctxs = String::new();
    for (name, url) in contexts {
        clusters.push_str(&format!("- name: {name}\n  cluster:\n    server: {url}\n"));
        ctxs.push_str(&format!(
            "- name: {name}\n  context:\n    cluster: {name}\n    user: ci\n    namespace: default\n"
        ));
    }
    format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: {}\nclusters:\n{clusters}contexts:\n{ctxs}users:\n- name: ci\n  user:\n    token: {TOKEN}\n",
        contexts.first().map_or("none", |(n, _)| n)
    )
}
