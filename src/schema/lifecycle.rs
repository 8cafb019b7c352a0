//! Deprecated and removed built-in API versions, from `schemas/api-lifecycle.yaml` (data with
//! its sources cited there: the Kubernetes deprecation guide, pluto, the upstream
//! prerelease-lifecycle tags, and the bundled schemas themselves).

use std::sync::OnceLock;

use serde_json::Value;

use super::bundled::KubeVersion;
use crate::manifest::yaml;

const TABLE: &str = include_str!("../../schemas/api-lifecycle.yaml");

/// One row of the table.
#[derive(Debug, Clone)]
pub struct Lifecycle {
    pub api_version: String,
    pub kind: String,
    pub deprecated: Option<KubeVersion>,
    pub removed: Option<KubeVersion>,
    pub replacement: Option<String>,
}

/// Where an API version stands in a target Kubernetes version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Served,
    Deprecated {
        since: KubeVersion,
        removed: Option<KubeVersion>,
        replacement: Option<String>,
    },
    Removed {
        since: KubeVersion,
        replacement: Option<String>,
    },
}

fn table() -> &'static [Lifecycle] {
    static TABLE_ROWS: OnceLock<Vec<Lifecycle>> = OnceLock::new();
    TABLE_ROWS.get_or_init(|| {
        let stream = yaml::parse(TABLE, &yaml::Limits::default());
        let Some(document) = stream.documents.first() else {
            return Vec::new();
        };
        let text =
            |row: &Value, key: &str| row.get(key).and_then(Value::as_str).map(str::to_string);
        document
            .value
            .get("removals")
            .and_then(Value::as_array)
            .map(|rows| {
                rows.iter()
                    .filter_map(|row| {
                        Some(Lifecycle {
                            api_version: text(row, "apiVersion")?,
                            kind: text(row, "kind")?,
                            deprecated: text(row, "deprecated")
                                .and_then(|v| KubeVersion::parse(&v)),
                            removed: text(row, "removed").and_then(|v| KubeVersion::parse(&v)),
                            replacement: text(row, "replacement"),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default()
    })
}

/// The status of `apiVersion` + `kind` in `target`. The kind's `…List` follows the kind.
pub fn status(api_version: &str, kind: &str, target: KubeVersion) -> Status {
    let base_kind = kind
        .strip_suffix("List")
        .filter(|k| !k.is_empty())
        .unwrap_or(kind);
    let Some(row) = table()
        .iter()
        .find(|r| r.api_version == api_version && (r.kind == kind || r.kind == base_kind))
    else {
        return Status::Served;
    };
    if let Some(removed) = row.removed
        && removed <= target
    {
        return Status::Removed {
            since: removed,
            replacement: row.replacement.clone(),
        };
    }
    if let Some(deprecated) = row.deprecated
        && deprecated <= target
    {
        return Status::Deprecated {
            since: deprecated,
            removed: row.removed,
            replacement: row.replacement.clone(),
        };
    }
    Status::Served
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(minor: u32) -> KubeVersion {
        KubeVersion { major: 1, minor }
    }

    #[test]
    fn the_table_loads_and_answers() {
        assert!(table().len() > 40, "{} rows", table().len());
        assert_eq!(
            status("extensions/v1beta1", "Ingress", v(33)),
            Status::Removed {
                since: v(22),
                replacement: Some("networking.k8s.io/v1".into())
            }
        );
        assert!(matches!(
            status("policy/v1beta1", "PodSecurityPolicy", v(37)),
            Status::Removed {
                replacement: None,
                ..
            }
        ));
        assert_eq!(status("apps/v1", "Deployment", v(37)), Status::Served);
        assert!(matches!(
            status("extensions/v1beta1", "IngressList", v(33)),
            Status::Removed { .. }
        ));
    }
}
