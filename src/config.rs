//! The configuration file, `.gitops-lint.yaml`: its format, how it is found, and its errors.
//!
//! Every error points at the line in the config file (the file is read with the same span-keeping
//! loader as manifests). Only `settings` calls this module; checks never read configuration.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use crate::manifest::FieldPath;
use crate::manifest::yaml::{self, Node};
use crate::rules;
use crate::source::{SourceFile, Span};

/// File names looked for, in order, in each directory from the first path upwards.
pub const FILE_NAMES: &[&str] = &[".gitops-lint.yaml", ".gitops-lint.yml"];

/// The configuration file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    /// Globs (relative to the config file's directory) of paths never checked.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Rule id → `off`, `info`, `warning` or `error`.
    #[serde(default)]
    pub rules: BTreeMap<String, RuleLevel>,
    /// Per-path rule levels; later entries win.
    #[serde(default)]
    pub overrides: Vec<Override>,
    /// The lowest severity that fails the run (`--fail-on` wins over it).
    #[serde(default)]
    pub fail_on: Option<FailOn>,
    /// Files larger than this many bytes are not parsed (`--max-file-size` wins over it).
    #[serde(default)]
    pub max_file_size: Option<u64>,
    /// Kubernetes versions to validate against (`--kubernetes-version` wins over it).
    #[serde(default)]
    pub kubernetes_versions: Vec<String>,
    /// Unknown fields are errors (default true; `--no-strict` wins over it).
    #[serde(default)]
    pub strict: Option<bool>,
    /// CRD directories or files, relative to the config file.
    #[serde(default)]
    pub crds: Vec<String>,
    /// kubeconform-style schema locations, relative to the config file.
    #[serde(default)]
    pub schema_locations: Vec<String>,
    /// conftest-style policy directories, relative to the config file.
    #[serde(default)]
    pub policies: Vec<String>,
    /// Rego packages of `policies` to evaluate (default `main`).
    #[serde(default)]
    pub namespaces: Vec<String>,
    /// JSON or YAML files loaded as Rego `data`, relative to the config file.
    #[serde(default)]
    pub data: Vec<String>,
    /// Run the bundled policy library (default true).
    #[serde(default)]
    pub bundled_policies: Option<bool>,
    /// Bundled policy id → parameters.
    #[serde(default)]
    pub policy_parameters: BTreeMap<String, serde_json::Value>,
    /// Named environments (`dev`, `staging`, `production`) selected by path glob; the first
    /// whose globs match a file (or a rendered overlay's directory) is that file's environment.
    #[serde(default)]
    pub environments: Vec<Environment>,
    /// Kustomize and Helm rendering.
    #[serde(default)]
    pub render: RenderConfig,
}

/// One environment: where its manifests are and what they are held to.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Environment {
    pub name: String,
    /// Globs (relative to the config file's directory) of the environment's files and overlays.
    pub files: Vec<String>,
    /// Kubernetes versions this environment runs (default: the run's versions).
    #[serde(default)]
    pub kubernetes_versions: Vec<String>,
    /// Rule levels for this environment (over the global ones and the overrides).
    #[serde(default)]
    pub rules: BTreeMap<String, RuleLevel>,
    /// Bundled policy id → parameters (merged over the global ones).
    #[serde(default)]
    pub policy_parameters: BTreeMap<String, serde_json::Value>,
    /// The kubeconfig context of this environment's cluster, for the dry-run.
    #[serde(default)]
    pub context: Option<String>,
    /// A kubeconfig file for this environment's cluster (relative to the config file).
    #[serde(default)]
    pub kubeconfig: Option<String>,
    /// Helm values files for this environment, relative to each chart's directory.
    #[serde(default)]
    pub helm_values: Vec<String>,
}

/// `render:` — how Kustomize roots and Helm charts are rendered.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RenderConfig {
    /// Render Kustomize roots and Helm charts (default true; `--no-render` wins).
    #[serde(default)]
    pub enabled: Option<bool>,
    /// The Kustomize renderer: `kustomize`, `kubectl` or a path to either (default: whichever
    /// is on PATH, `kustomize` first).
    #[serde(default)]
    pub kustomize: Option<String>,
    /// The Helm binary (default: `helm` on PATH).
    #[serde(default)]
    pub helm: Option<String>,
    /// Where renders are cached (default: `.git/gitops-lint/render-cache` in the repository).
    #[serde(default)]
    pub cache_dir: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Override {
    /// Globs (relative to the config file's directory) the override applies to.
    pub files: Vec<String>,
    #[serde(default)]
    pub rules: BTreeMap<String, RuleLevel>,
    /// Bundled policy id → parameters for these files (merged over the global ones).
    #[serde(default)]
    pub policy_parameters: BTreeMap<String, serde_json::Value>,
    /// The environment these files deploy to (`production`, …), for policies that ask.
    #[serde(default)]
    pub environment: Option<String>,
}

/// A rule's configured level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleLevel {
    Off,
    Info,
    Warning,
    Error,
}

const LEVELS: &[&str] = &["off", "info", "warning", "error"];

/// Accepts the level names, and `false`: the config file is read as Kubernetes reads YAML, where
/// an unquoted `off` is the boolean false.
impl<'de> Deserialize<'de> for RuleLevel {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = RuleLevel;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("one of off, info, warning, error")
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<RuleLevel, E> {
                if v {
                    Err(E::invalid_value(serde::de::Unexpected::Bool(v), &self))
                } else {
                    Ok(RuleLevel::Off)
                }
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RuleLevel, E> {
                match v {
                    "off" => Ok(RuleLevel::Off),
                    "info" => Ok(RuleLevel::Info),
                    "warning" => Ok(RuleLevel::Warning),
                    "error" => Ok(RuleLevel::Error),
                    other => Err(E::unknown_variant(other, LEVELS)),
                }
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// When the run fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum FailOn {
    Error,
    Warning,
    Never,
}

/// A configuration error, located in the config file when it comes from its content.
#[derive(Debug)]
pub struct ConfigError {
    pub message: String,
    /// The file and span, when the error is about the file's content.
    pub location: Option<(Arc<SourceFile>, Span)>,
    pub path: PathBuf,
}

/// A loaded configuration and where it came from.
#[derive(Debug)]
pub struct Loaded {
    pub file: ConfigFile,
    /// The directory globs are relative to.
    pub base: PathBuf,
    pub source: Option<Arc<SourceFile>>,
}

/// Finds the config file for a run: the nearest `.gitops-lint.yaml` in the first path's
/// directory or above, stopping at the repository root (the first directory with `.git`).
pub fn find(start: &Path) -> Option<PathBuf> {
    let absolute = crate::discover::absolute(start);
    let mut dir = if absolute.is_dir() {
        absolute.as_path()
    } else {
        absolute.parent()?
    };
    loop {
        for name in FILE_NAMES {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        if dir.join(".git").exists() {
            return None;
        }
        dir = dir.parent()?;
    }
}

/// Reads and validates a config file.
pub fn load(path: &Path) -> Result<Loaded, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        message: format!("cannot read config file {}: {e}", path.display()),
        location: None,
        path: path.to_path_buf(),
    })?;
    load_text(path, text)
}

/// Reads and validates a config file's text read from elsewhere (in changed mode, from the
/// base commit); `path` is where the file is in the working tree.
pub fn load_text(path: &Path, text: String) -> Result<Loaded, ConfigError> {
    let source = Arc::new(SourceFile::new(path.to_path_buf(), text));
    let base = crate::discover::absolute(path)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let file = parse(&source)?;
    Ok(Loaded {
        file,
        base,
        source: Some(source),
    })
}

/// Parses config text; errors carry the span of the offending key or value.
pub fn parse(source: &Arc<SourceFile>) -> Result<ConfigFile, ConfigError> {
    let error = |message: String, span: Span| ConfigError {
        message,
        location: Some((source.clone(), span)),
        path: source.path.clone(),
    };
    let stream = yaml::parse(&source.text, &yaml::Limits::default());
    if let Some(problem) = stream.problems.iter().find(|p| {
        !matches!(
            p.kind,
            yaml::ProblemKind::Yaml11Bool { .. } | yaml::ProblemKind::Yaml11Octal { .. }
        )
    }) {
        return Err(error(
            format!("invalid configuration: {}", describe_problem(&problem.kind)),
            problem.span,
        ));
    }
    let mut documents = stream.documents.into_iter();
    let Some(document) = documents.next() else {
        return Ok(ConfigFile::default());
    };
    if let Some(extra) = documents.next() {
        return Err(error(
            "the config file must hold one YAML document".into(),
            extra.root.value(),
        ));
    }
    let root = document.root;
    let config: ConfigFile = serde_path_to_error::deserialize(&document.value).map_err(|e| {
        let mut path = FieldPath::parse(&e.path().to_string());
        let inner = e.inner().to_string();
        // serde names an unknown field only in its message: point at that key.
        if let Some(field) = inner
            .strip_prefix("unknown field `")
            .and_then(|rest| rest.split('`').next())
        {
            path = path.key(field);
        }
        error(
            format!(
                "invalid configuration at `{}`: {inner}",
                display_path(&path)
            ),
            span_of(&root, &path),
        )
    })?;
    let check_rules = |rules: &BTreeMap<String, RuleLevel>, at: FieldPath| {
        for id in rules.keys() {
            if !rules::is_known(id) {
                let path = at.clone().key(id.clone());
                let hint = suggest(id)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                return Err(error(
                    format!("unknown rule `{id}` (see `gitops-lint rules`){hint}"),
                    span_of(&root, &path),
                ));
            }
        }
        Ok(())
    };
    check_rules(&config.rules, FieldPath::root().key("rules"))?;
    for (i, o) in config.overrides.iter().enumerate() {
        check_rules(
            &o.rules,
            FieldPath::root().key("overrides").index(i).key("rules"),
        )?;
        for (j, glob) in o.files.iter().enumerate() {
            if let Err(e) = globset::Glob::new(glob) {
                let path = FieldPath::root()
                    .key("overrides")
                    .index(i)
                    .key("files")
                    .index(j);
                return Err(error(
                    format!("invalid glob `{glob}`: {e}"),
                    span_of(&root, &path),
                ));
            }
        }
    }
    for (j, version) in config.kubernetes_versions.iter().enumerate() {
        if let Err(message) = crate::schema::parse_target(version) {
            let path = FieldPath::root().key("kubernetes-versions").index(j);
            return Err(error(message, span_of(&root, &path)));
        }
    }
    let mut names = std::collections::HashSet::new();
    for (i, environment) in config.environments.iter().enumerate() {
        let at = FieldPath::root().key("environments").index(i);
        if environment.name.is_empty() || !names.insert(environment.name.as_str()) {
            return Err(error(
                format!(
                    "environment names must be unique and not empty: `{}`",
                    environment.name
                ),
                span_of(&root, &at.clone().key("name")),
            ));
        }
        check_rules(&environment.rules, at.clone().key("rules"))?;
        for (j, glob) in environment.files.iter().enumerate() {
            if let Err(e) = globset::Glob::new(glob) {
                return Err(error(
                    format!("invalid glob `{glob}`: {e}"),
                    span_of(&root, &at.clone().key("files").index(j)),
                ));
            }
        }
        for (j, version) in environment.kubernetes_versions.iter().enumerate() {
            if let Err(message) = crate::schema::parse_target(version) {
                let path = at.clone().key("kubernetes-versions").index(j);
                return Err(error(message, span_of(&root, &path)));
            }
        }
    }
    for (j, location) in config.schema_locations.iter().enumerate() {
        if let Err(message) = crate::schema::catalog::Catalog::parse(location) {
            let path = FieldPath::root().key("schema-locations").index(j);
            return Err(error(message, span_of(&root, &path)));
        }
    }
    for (j, glob) in config.exclude.iter().enumerate() {
        if let Err(e) = globset::Glob::new(glob) {
            let path = FieldPath::root().key("exclude").index(j);
            return Err(error(
                format!("invalid glob `{glob}`: {e}"),
                span_of(&root, &path),
            ));
        }
    }
    Ok(config)
}

fn display_path(path: &FieldPath) -> String {
    let text = path.to_string();
    if text.is_empty() {
        "(top level)".into()
    } else {
        text
    }
}

/// The span of a path in the config document (nearest existing parent when missing).
fn span_of(root: &Node, path: &FieldPath) -> Span {
    let (node, _) = crate::manifest::find_node(root, path);
    node.key().unwrap_or(node.value())
}

fn describe_problem(kind: &yaml::ProblemKind) -> String {
    match kind {
        yaml::ProblemKind::Syntax { message } => format!("invalid YAML: {message}"),
        yaml::ProblemKind::DuplicateKey { key, .. } => format!("duplicate key `{key}`"),
        yaml::ProblemKind::ExcessiveAliasing { limit } => {
            format!("aliases expand beyond {limit} nodes")
        }
        yaml::ProblemKind::ExcessiveNesting { limit } => format!("nested deeper than {limit}"),
        yaml::ProblemKind::UnsupportedValue { message } => message.clone(),
        yaml::ProblemKind::Yaml11Bool { text, .. }
        | yaml::ProblemKind::Yaml11Octal { text, .. } => {
            format!("ambiguous value `{text}`")
        }
    }
}

/// The closest known rule id, for did-you-mean hints.
pub fn suggest(id: &str) -> Option<&'static str> {
    rules::ALL
        .iter()
        .map(|r| (crate::text::edit_distance(id, r.id), r.id))
        .filter(|(d, candidate)| *d <= 2.max(candidate.len() / 4))
        .min()
        .map(|(_, id)| id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<ConfigFile, ConfigError> {
        parse(&Arc::new(SourceFile::new(
            ".gitops-lint.yaml".into(),
            text.into(),
        )))
    }

    fn error_line(text: &str) -> (usize, String) {
        let e = parse_text(text).expect_err("config should be rejected");
        let (source, span) = e.location.expect("located");
        (source.line_col(span.start).line, e.message)
    }

    #[test]
    fn valid_config_parses() {
        let c = parse_text(
            "exclude: [vendor/**]\nrules:\n  yaml11-boolean: error\noverrides:\n  - files: [infra/dev/**]\n    rules: {duplicate-object: off}\nfail-on: warning\nkubernetes-versions: [\"1.33\", \"1.37\"]\nstrict: false\n",
        )
        .expect("valid");
        assert_eq!(c.rules.get("yaml11-boolean"), Some(&RuleLevel::Error));
        assert_eq!(
            c.overrides[0].rules.get("duplicate-object"),
            Some(&RuleLevel::Off)
        );
        assert_eq!(c.fail_on, Some(FailOn::Warning));
    }

    #[test]
    fn unknown_key_points_at_its_line() {
        let (line, message) = error_line("rules: {}\nexclud: [a]\n");
        assert_eq!(line, 2);
        assert!(message.contains("unknown field `exclud`"), "{message}");
    }

    #[test]
    fn bad_level_points_at_the_value() {
        let (line, message) = error_line("rules:\n  duplicate-key: erorr\n");
        assert_eq!(line, 2);
        assert!(message.contains("unknown variant `erorr`"), "{message}");
    }

    #[test]
    fn unknown_rule_suggests_the_closest() {
        let (line, message) =
            error_line("overrides:\n  - files: [a]\n    rules:\n      duplicate-keys: off\n");
        assert_eq!(line, 4);
        assert!(
            message.contains("did you mean `duplicate-key`"),
            "{message}"
        );
    }

    #[test]
    fn unbundled_kubernetes_versions_are_errors() {
        let (line, message) = error_line("kubernetes-versions:\n  - \"1.37\"\n  - \"1.20\"\n");
        assert_eq!(line, 3);
        assert!(message.contains("1.20 is not bundled"), "{message}");
    }

    #[test]
    fn environments_parse_and_are_checked() {
        let c = parse_text(
            "environments:\n  - name: production\n    files: [\"infra/production/**\"]\n    kubernetes-versions: [\"1.35\"]\n    rules: {latest-image-tag: error}\n    context: prod\n    helm-values: [values-production.yaml]\nrender:\n  kustomize: kubectl\n",
        )
        .expect("valid");
        assert_eq!(c.environments[0].name, "production");
        assert_eq!(c.environments[0].context.as_deref(), Some("prod"));
        assert_eq!(c.render.kustomize.as_deref(), Some("kubectl"));
        let (line, message) = error_line(
            "environments:\n  - name: dev\n    files: [a]\n  - name: dev\n    files: [b]\n",
        );
        assert_eq!(line, 4);
        assert!(message.contains("unique"), "{message}");
        let (line, message) = error_line(
            "environments:\n  - name: dev\n    files: [a]\n    rules: {latest-tag: error}\n",
        );
        assert_eq!(line, 4);
        assert!(message.contains("unknown rule"), "{message}");
        let (line, _) =
            error_line("environments:\n  - name: dev\n    files: [a]\n    cluster: x\n");
        assert_eq!(line, 4);
    }

    #[test]
    fn wrong_types_are_errors() {
        let (line, _) = error_line("exclude: 3\n");
        assert_eq!(line, 1);
        let (line, _) = error_line("overrides:\n  - files: x\n");
        assert_eq!(line, 2);
    }
}
