//! The defaulting the API server runs before validation (`pkg/apis/*/v1/defaults.go`), on a copy
//! of the object: without it the checks would reject fields the server fills in (a port without
//! `protocol`, a Service port without `targetPort`, a Deployment without `strategy`).
//!
//! Only defaults that a check reads are applied. Job selectors and template labels are not
//! generated: the Job checks know that they are.

use serde_json::{Map, Value, json};

/// Whether `apply` changes anything for this kind.
pub fn applies_to(api_version: &str, kind: &str) -> bool {
    matches!(
        (api_version, kind),
        (
            "v1",
            "Pod" | "PodTemplate" | "ReplicationController" | "Service" | "Secret"
        ) | (
            "apps/v1",
            "Deployment" | "DaemonSet" | "StatefulSet" | "ReplicaSet"
        ) | ("batch/v1", "Job" | "CronJob")
            | (
                "rbac.authorization.k8s.io/v1",
                "RoleBinding" | "ClusterRoleBinding"
            )
            | ("autoscaling/v2", "HorizontalPodAutoscaler")
    )
}

/// Applies the defaults of `apiVersion`/`kind` to `value` in place.
pub fn apply(api_version: &str, kind: &str, value: &mut Value) {
    match (api_version, kind) {
        ("v1", "Pod") => pod_spec(value.get_mut("spec")),
        ("v1", "PodTemplate") => template(value.get_mut("template")),
        ("v1", "ReplicationController") => template(spec_field(value, "template")),
        ("apps/v1", "Deployment") => {
            rolling_strategy(
                value.get_mut("spec"),
                "strategy",
                json!("25%"),
                json!("25%"),
            );
            template(spec_field(value, "template"));
        }
        ("apps/v1", "DaemonSet") => {
            rolling_strategy(value.get_mut("spec"), "updateStrategy", json!(1), json!(0));
            template(spec_field(value, "template"));
        }
        ("apps/v1", "StatefulSet") => {
            if let Some(Value::Object(spec)) = value.get_mut("spec") {
                spec.entry("podManagementPolicy")
                    .or_insert(json!("OrderedReady"));
                let strategy = spec.entry("updateStrategy").or_insert_with(|| json!({}));
                if let Value::Object(s) = strategy {
                    s.entry("type").or_insert(json!("RollingUpdate"));
                }
            }
            template(spec_field(value, "template"));
        }
        ("apps/v1", "ReplicaSet") => template(spec_field(value, "template")),
        ("batch/v1", "Job") => job(value.get_mut("spec")),
        ("batch/v1", "CronJob") => {
            if let Some(Value::Object(spec)) = value.get_mut("spec") {
                spec.entry("concurrencyPolicy").or_insert(json!("Allow"));
                if let Some(job_template) = spec.get_mut("jobTemplate") {
                    job(job_template.get_mut("spec"));
                }
            }
        }
        ("v1", "Service") => service(value.get_mut("spec")),
        ("v1", "Secret") => secret(value),
        ("rbac.authorization.k8s.io/v1", "RoleBinding" | "ClusterRoleBinding") => {
            if let Some(Value::Array(subjects)) = value.get_mut("subjects") {
                for subject in subjects.iter_mut().filter_map(Value::as_object_mut) {
                    let kind = subject.get("kind").and_then(Value::as_str).unwrap_or("");
                    let group = match kind {
                        "User" | "Group" => "rbac.authorization.k8s.io",
                        _ => "",
                    };
                    if subject
                        .get("apiGroup")
                        .and_then(Value::as_str)
                        .is_none_or(str::is_empty)
                    {
                        subject.insert("apiGroup".into(), json!(group));
                    }
                }
            }
        }
        ("autoscaling/v2", "HorizontalPodAutoscaler") => {
            if let Some(Value::Object(spec)) = value.get_mut("spec") {
                spec.entry("minReplicas").or_insert(json!(1));
            }
        }
        ("policy/v1", "PodDisruptionBudget") => {}
        _ => {}
    }
}

fn spec_field<'v>(value: &'v mut Value, key: &str) -> Option<&'v mut Value> {
    value.get_mut("spec").and_then(|s| s.get_mut(key))
}

fn obj(value: Option<&mut Value>) -> Option<&mut Map<String, Value>> {
    value.and_then(Value::as_object_mut)
}

fn template(value: Option<&mut Value>) {
    if let Some(t) = value {
        pod_spec(t.get_mut("spec"));
    }
}

fn job(spec: Option<&mut Value>) {
    let Some(spec) = obj(spec) else { return };
    spec.entry("completionMode").or_insert(json!("NonIndexed"));
    template(spec.get_mut("template"));
}

/// A rolling-update strategy (`strategy` of a Deployment, `updateStrategy` of a DaemonSet):
/// `type: RollingUpdate`, and for that type the given `maxUnavailable` and `maxSurge`.
fn rolling_strategy(
    spec: Option<&mut Value>,
    field: &str,
    max_unavailable: Value,
    max_surge: Value,
) {
    let Some(spec) = obj(spec) else { return };
    let strategy = spec.entry(field).or_insert_with(|| json!({}));
    let Some(strategy) = strategy.as_object_mut() else {
        return;
    };
    let kind = strategy.entry("type").or_insert(json!("RollingUpdate"));
    if kind.as_str() == Some("RollingUpdate") {
        let rolling = strategy.entry("rollingUpdate").or_insert_with(|| json!({}));
        if let Some(rolling) = rolling.as_object_mut() {
            rolling.entry("maxUnavailable").or_insert(max_unavailable);
            rolling.entry("maxSurge").or_insert(max_surge);
        }
    }
}

/// `SetDefaults_PodSpec`, `SetDefaults_Container`, ports, probes and volumes.
pub fn pod_spec(spec: Option<&mut Value>) {
    let Some(spec) = obj(spec) else { return };
    spec.entry("restartPolicy").or_insert(json!("Always"));
    spec.entry("dnsPolicy").or_insert(json!("ClusterFirst"));
    for list in ["containers", "initContainers", "ephemeralContainers"] {
        if let Some(Value::Array(containers)) = spec.get_mut(list) {
            for container in containers.iter_mut().filter_map(Value::as_object_mut) {
                container_defaults(container);
            }
        }
    }
    if let Some(Value::Array(volumes)) = spec.get_mut("volumes") {
        for volume in volumes.iter_mut().filter_map(Value::as_object_mut) {
            // A volume without a source becomes an emptyDir.
            if volume.keys().all(|k| k == "name") {
                volume.insert("emptyDir".into(), json!({}));
            }
        }
    }
}

fn container_defaults(container: &mut Map<String, Value>) {
    container
        .entry("terminationMessagePolicy")
        .or_insert(json!("File"));
    if !container.contains_key("imagePullPolicy") {
        let image = container.get("image").and_then(Value::as_str).unwrap_or("");
        let policy = if image_tag(image).is_none_or(|t| t == "latest") {
            "Always"
        } else {
            "IfNotPresent"
        };
        container.insert("imagePullPolicy".into(), json!(policy));
    }
    if let Some(Value::Array(ports)) = container.get_mut("ports") {
        for port in ports.iter_mut().filter_map(Value::as_object_mut) {
            port.entry("protocol").or_insert(json!("TCP"));
        }
    }
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(Value::Object(probe)) = container.get_mut(probe) {
            probe.entry("timeoutSeconds").or_insert(json!(1));
            probe.entry("periodSeconds").or_insert(json!(10));
            probe.entry("successThreshold").or_insert(json!(1));
            probe.entry("failureThreshold").or_insert(json!(3));
            if let Some(Value::Object(http)) = probe.get_mut("httpGet") {
                http.entry("path").or_insert(json!("/"));
                http.entry("scheme").or_insert(json!("HTTP"));
            }
        }
    }
}

/// The tag of an image reference, if any (a digest counts as pinned).
fn image_tag(image: &str) -> Option<&str> {
    if image.contains('@') {
        return Some("digest");
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    last.split_once(':').map(|(_, tag)| tag)
}

fn service(spec: Option<&mut Value>) {
    let Some(spec) = obj(spec) else { return };
    let kind = spec
        .entry("type")
        .or_insert(json!("ClusterIP"))
        .as_str()
        .unwrap_or("")
        .to_string();
    spec.entry("sessionAffinity").or_insert(json!("None"));
    if kind != "ExternalName"
        && let Some(ip) = spec.get("clusterIP").cloned()
        && ip.as_str().is_some_and(|s| !s.is_empty())
        && !spec.contains_key("clusterIPs")
    {
        spec.insert("clusterIPs".into(), json!([ip]));
    }
    if kind == "NodePort" || kind == "LoadBalancer" {
        spec.entry("externalTrafficPolicy")
            .or_insert(json!("Cluster"));
    }
    if let Some(Value::Array(ports)) = spec.get_mut("ports") {
        for port in ports.iter_mut().filter_map(Value::as_object_mut) {
            port.entry("protocol").or_insert(json!("TCP"));
            let unset = match port.get("targetPort") {
                None | Some(Value::Null) => true,
                Some(Value::Number(n)) => n.as_i64() == Some(0),
                Some(Value::String(s)) => s.is_empty(),
                _ => false,
            };
            if unset && let Some(p) = port.get("port").cloned() {
                port.insert("targetPort".into(), p);
            }
        }
    }
}

/// `type: Opaque`, and `stringData` merged into `data` (conversion), as base64.
fn secret(value: &mut Value) {
    let Some(secret) = value.as_object_mut() else {
        return;
    };
    secret.entry("type").or_insert(json!("Opaque"));
    // `stringData` stays, so that causes about its keys can point there.
    let Some(Value::Object(string_data)) = secret.get("stringData").cloned() else {
        return;
    };
    let data = secret.entry("data").or_insert_with(|| json!({}));
    if data.is_null() {
        *data = json!({});
    }
    if let Some(data) = data.as_object_mut() {
        for (key, text) in string_data {
            let encoded = text.as_str().map(|s| encode_base64(s.as_bytes()));
            data.insert(key, encoded.map_or(Value::Null, Value::String));
        }
    }
}

fn encode_base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(TABLE[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The length of base64 text once decoded.
pub fn decoded_len(text: &str) -> usize {
    let trimmed = text.trim_end_matches('=');
    trimmed.len() * 3 / 4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trip_lengths() {
        assert_eq!(encode_base64(b"hello"), "aGVsbG8=");
        assert_eq!(decoded_len("aGVsbG8="), 5);
        assert_eq!(encode_base64(b""), "");
    }

    #[test]
    fn service_ports_default_target_port_and_protocol() {
        let mut v = json!({"spec": {"ports": [{"port": 80}]}});
        apply("v1", "Service", &mut v);
        assert_eq!(v["spec"]["ports"][0]["targetPort"], 80);
        assert_eq!(v["spec"]["ports"][0]["protocol"], "TCP");
        assert_eq!(v["spec"]["type"], "ClusterIP");
    }
}
