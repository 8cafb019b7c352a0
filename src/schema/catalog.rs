//! Schema catalogs on disk, addressed with kubeconform's `-schema-location` templates, so that a
//! team's existing CRD catalog (the datree CRDs-catalog layout, openapi2jsonschema output)
//! works unchanged. Local paths only: gitops-lint never fetches schemas over the network.

use std::path::PathBuf;

use super::bundled::KubeVersion;

/// One `--schema-location`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Catalog {
    /// `default`: the bundled Kubernetes schemas (always consulted first anyway).
    Bundled,
    /// A path template.
    Template(String),
}

const VARIABLES: &[&str] = &[
    "NormalizedKubernetesVersion",
    "StrictSuffix",
    "ResourceKind",
    "ResourceAPIVersion",
    "Group",
    "KindSuffix",
];

/// What a template is expanded for.
pub struct Target<'a> {
    pub version: KubeVersion,
    pub strict: bool,
    pub group: &'a str,
    /// The version part of apiVersion (`v1beta1`).
    pub api_version: &'a str,
    pub kind: &'a str,
}

impl Catalog {
    /// Parses a location. A path without `{{ }}` that is not a `.json` file is a directory in
    /// kubeconform's layout (`<dir>/<version>-standalone<strict>/<kind><suffix>.json`).
    pub fn parse(location: &str) -> Result<Catalog, String> {
        if location == "default" {
            return Ok(Catalog::Bundled);
        }
        if location.starts_with("http://") || location.starts_with("https://") {
            return Err(format!(
                "schema location {location} is a URL; gitops-lint does not fetch schemas over the network: download the catalog and pass its directory"
            ));
        }
        let template = if location.contains("{{") || location.ends_with(".json") {
            location.to_string()
        } else {
            format!(
                "{}/{{{{ .NormalizedKubernetesVersion }}}}-standalone{{{{ .StrictSuffix }}}}/{{{{ .ResourceKind }}}}{{{{ .KindSuffix }}}}.json",
                location.trim_end_matches('/')
            )
        };
        // Reject unknown variables up front, as kubeconform does.
        let mut rest = template.as_str();
        while let Some(start) = rest.find("{{") {
            let Some(end) = rest[start..].find("}}") else {
                return Err(format!("schema location {location}: unclosed `{{{{`"));
            };
            let inner = rest[start + 2..start + end].trim();
            let name = inner.strip_prefix('.').unwrap_or(inner);
            if !VARIABLES.contains(&name) {
                return Err(format!(
                    "schema location {location}: unknown template variable `{inner}` (known: {})",
                    VARIABLES.join(", ")
                ));
            }
            rest = &rest[start + end + 2..];
        }
        Ok(Catalog::Template(template))
    }

    /// The fixed part of a template: the directory (or file) that must exist.
    pub fn root(&self) -> Option<PathBuf> {
        let Catalog::Template(template) = self else {
            return None;
        };
        let fixed = match template.find("{{") {
            Some(i) => template[..i].rsplit_once('/').map_or(".", |(dir, _)| dir),
            None => template.as_str(),
        };
        Some(PathBuf::from(if fixed.is_empty() { "/" } else { fixed }))
    }

    /// The file a template names for a resource.
    pub fn path(&self, target: &Target<'_>) -> Option<PathBuf> {
        let Catalog::Template(template) = self else {
            return None;
        };
        let kind = target.kind.to_lowercase();
        let version = target.api_version.to_lowercase();
        let kind_suffix = match target.group.split('.').next().filter(|g| !g.is_empty()) {
            Some(first) => format!("-{}-{version}", first.to_lowercase()),
            None => format!("-{version}"),
        };
        let mut out = String::with_capacity(template.len());
        let mut rest = template.as_str();
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}")?;
            let inner = rest[start + 2..start + end].trim();
            let value = match inner.trim_start_matches('.') {
                "NormalizedKubernetesVersion" => format!("v{}.0", target.version),
                "StrictSuffix" => {
                    if target.strict {
                        "-strict".into()
                    } else {
                        String::new()
                    }
                }
                "ResourceKind" => kind.clone(),
                "ResourceAPIVersion" => version.clone(),
                "Group" => target.group.to_string(),
                "KindSuffix" => kind_suffix.clone(),
                _ => return None,
            };
            out.push_str(&value);
            rest = &rest[start + end + 2..];
        }
        out.push_str(rest);
        Some(PathBuf::from(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target<'a>(group: &'a str, kind: &'a str) -> Target<'a> {
        Target {
            version: KubeVersion {
                major: 1,
                minor: 33,
            },
            strict: true,
            group,
            api_version: "v1alpha1",
            kind,
        }
    }

    #[test]
    fn expands_kubeconform_templates() {
        let datree =
            Catalog::parse("catalog/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json")
                .unwrap();
        assert_eq!(
            datree.path(&target("monitoring.coreos.com", "ServiceMonitor")),
            Some(PathBuf::from(
                "catalog/monitoring.coreos.com/servicemonitor_v1alpha1.json"
            ))
        );
        let dir = Catalog::parse("schemas/").unwrap();
        assert_eq!(
            dir.path(&target("", "Widget")),
            Some(PathBuf::from(
                "schemas/v1.33.0-standalone-strict/widget-v1alpha1.json"
            ))
        );
        let registry =
            Catalog::parse("./fixtures/registry/{{ .ResourceKind }}{{ .KindSuffix }}.json")
                .unwrap();
        assert_eq!(
            registry.path(&target("bitnami.com", "SealedSecret")),
            Some(PathBuf::from(
                "./fixtures/registry/sealedsecret-bitnami-v1alpha1.json"
            ))
        );
        let single = Catalog::parse("fixtures/one.json").unwrap();
        assert_eq!(
            single.path(&target("a", "B")),
            Some(PathBuf::from("fixtures/one.json"))
        );
    }

    #[test]
    fn the_root_is_the_fixed_part() {
        let root = |t: &str| Catalog::parse(t).unwrap().root().unwrap();
        assert_eq!(root("catalog/{{.Group}}/x.json"), PathBuf::from("catalog"));
        assert_eq!(
            root("a/b/{{.ResourceKind}}{{.KindSuffix}}.json"),
            PathBuf::from("a/b")
        );
        assert_eq!(root("one.json"), PathBuf::from("one.json"));
        assert_eq!(root("{{.ResourceKind}}.json"), PathBuf::from("."));
    }

    #[test]
    fn rejects_unknown_variables_and_urls() {
        assert!(Catalog::parse("foo {{ .Foo }}").is_err());
        assert!(Catalog::parse("https://example.com/{{ .ResourceKind }}.json").is_err());
        assert_eq!(Catalog::parse("default"), Ok(Catalog::Bundled));
    }
}
