//! Discovery: which resource (URL segment), scope and verbs the cluster serves for an
//! apiVersion and kind. Aggregated discovery (two requests) where the server offers it, else the
//! legacy per-group-version documents for the versions the checked objects use.
//!
//! The server's answer is the only source of scope: a manifest's `metadata.namespace` never
//! decides whether a URL has a `/namespaces/` segment.

use std::collections::{BTreeSet, HashMap};

use serde::Deserialize;

use super::client::{Connection, Failure, Read, Request};

/// What client-go sends: aggregated v2, v2beta1, then plain JSON.
const AGGREGATED_ACCEPT: &str = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";

/// One served resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    pub group: String,
    pub version: String,
    pub plural: String,
    pub namespaced: bool,
    pub verbs: Vec<String>,
}

impl Resource {
    fn base(&self) -> String {
        if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        }
    }

    /// The collection URL path, in `namespace` when the resource is namespaced.
    pub fn collection(&self, namespace: &str) -> String {
        if self.namespaced {
            format!(
                "{}/namespaces/{}/{}",
                self.base(),
                encode(namespace),
                self.plural
            )
        } else {
            format!("{}/{}", self.base(), self.plural)
        }
    }

    /// The object URL path.
    pub fn object(&self, namespace: &str, name: &str) -> String {
        format!("{}/{}", self.collection(namespace), encode(name))
    }

    /// `deployments.apps`, as the server names resources in messages.
    pub fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.plural.clone()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }
}

/// What the cluster serves, by (group, version, kind).
#[derive(Debug, Default)]
pub struct Served {
    resources: HashMap<(String, String, String), Resource>,
}

impl Served {
    pub fn get(&self, group: &str, version: &str, kind: &str) -> Option<&Resource> {
        self.resources
            .get(&(group.to_string(), version.to_string(), kind.to_string()))
    }

    /// Versions served for a group and kind, for messages.
    pub fn versions_of(&self, group: &str, kind: &str) -> Vec<String> {
        let mut out: Vec<String> = self
            .resources
            .iter()
            .filter(|((g, _, k), _)| g == group && k == kind)
            .map(|((_, v, _), _)| v.clone())
            .collect();
        out.sort();
        out
    }

    fn insert(&mut self, kind: String, resource: Resource) {
        self.resources.insert(
            (resource.group.clone(), resource.version.clone(), kind),
            resource,
        );
    }
}

/// Discovers what the cluster serves for the group-versions `wanted` (`apps/v1`, `v1`).
pub async fn discover(
    connection: &Connection,
    wanted: &BTreeSet<String>,
) -> Result<Served, DiscoveryError> {
    let mut served = Served::default();
    let mut aggregated = true;
    for path in ["/api", "/apis"] {
        let answer = connection
            .send(&Request::Read(Read::get(path, AGGREGATED_ACCEPT)))
            .await
            .map_err(DiscoveryError::Failure)?;
        if !answer.is_success() {
            return Err(DiscoveryError::Answer(path, answer.code, answer.text()));
        }
        if !answer.content_type.contains("as=APIGroupDiscoveryList") {
            aggregated = false;
            break;
        }
        let list: GroupDiscoveryList = serde_json::from_slice(&answer.body)
            .map_err(|e| DiscoveryError::Answer(path, answer.code, e.to_string()))?;
        for group in list.items {
            let group_name = group.metadata.name.unwrap_or_default();
            for version in group.versions {
                for r in version.resources {
                    let Some(kind) = r.response_kind.map(|k| k.kind) else {
                        continue;
                    };
                    served.insert(
                        kind,
                        Resource {
                            group: group_name.clone(),
                            version: version.version.clone(),
                            plural: r.resource,
                            namespaced: r.scope == "Namespaced",
                            verbs: r.verbs,
                        },
                    );
                }
            }
        }
    }
    if aggregated {
        return Ok(served);
    }
    // Legacy discovery: one document per group-version the objects use; 404 is "not served".
    for gv in wanted {
        let (group, version) = gv.rsplit_once('/').unwrap_or(("", gv.as_str()));
        let path = if group.is_empty() {
            format!("/api/{version}")
        } else {
            format!("/apis/{group}/{version}")
        };
        let answer = connection
            .send(&Request::Read(Read::get(path.clone(), "application/json")))
            .await
            .map_err(DiscoveryError::Failure)?;
        if answer.code == 404 {
            continue;
        }
        if !answer.is_success() {
            return Err(DiscoveryError::Answer(
                "legacy discovery",
                answer.code,
                answer.text(),
            ));
        }
        let list: ResourceList = serde_json::from_slice(&answer.body)
            .map_err(|e| DiscoveryError::Answer("legacy discovery", answer.code, e.to_string()))?;
        for r in list.resources {
            if r.name.contains('/') {
                continue;
            }
            served.insert(
                r.kind,
                Resource {
                    group: group.to_string(),
                    version: version.to_string(),
                    plural: r.name,
                    namespaced: r.namespaced,
                    verbs: r.verbs,
                },
            );
        }
    }
    Ok(served)
}

#[derive(Debug)]
pub enum DiscoveryError {
    Failure(Failure),
    /// An unexpected answer to a discovery request: path, status, text.
    Answer(&'static str, u16, String),
}

#[derive(Deserialize)]
struct GroupDiscoveryList {
    #[serde(default)]
    items: Vec<GroupDiscovery>,
}

#[derive(Deserialize)]
struct GroupDiscovery {
    #[serde(default)]
    metadata: GroupMeta,
    #[serde(default)]
    versions: Vec<VersionDiscovery>,
}

#[derive(Default, Deserialize)]
struct GroupMeta {
    name: Option<String>,
}

#[derive(Deserialize)]
struct VersionDiscovery {
    version: String,
    #[serde(default)]
    resources: Vec<ResourceDiscovery>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResourceDiscovery {
    resource: String,
    response_kind: Option<ResponseKind>,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    verbs: Vec<String>,
}

#[derive(Deserialize)]
struct ResponseKind {
    kind: String,
}

#[derive(Deserialize)]
struct ResourceList {
    #[serde(default)]
    resources: Vec<LegacyResource>,
}

#[derive(Deserialize)]
struct LegacyResource {
    name: String,
    #[serde(default)]
    namespaced: bool,
    kind: String,
    #[serde(default)]
    verbs: Vec<String>,
}

/// Percent-encodes a URL path segment (names are DNS subdomains, but an invalid one must not
/// change the URL's shape: the server should reject it, not route it elsewhere).
fn encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b':') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_follow_scope() {
        let deployments = Resource {
            group: "apps".into(),
            version: "v1".into(),
            plural: "deployments".into(),
            namespaced: true,
            verbs: vec![],
        };
        assert_eq!(
            deployments.object("shop", "web"),
            "/apis/apps/v1/namespaces/shop/deployments/web"
        );
        let namespaces = Resource {
            group: String::new(),
            version: "v1".into(),
            plural: "namespaces".into(),
            namespaced: false,
            verbs: vec![],
        };
        assert_eq!(
            namespaces.object("ignored", "shop"),
            "/api/v1/namespaces/shop"
        );
        assert_eq!(encode("a b/c"), "a%20b%2Fc");
    }
}
