//! Settings: the decisions a run makes from its arguments, the config file and the environment.
//!
//! This is the only module that reads the config file and environment variables. Everything
//! downstream takes a `Settings` and never looks at `Args` or the environment again.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::cli::{Args, ColorChoice};
use crate::config::{self, ConfigFile, FailOn, RuleLevel};
use crate::error::Error;
use crate::finding::Severity;
use crate::manifest::yaml::Limits;
use crate::policy::{PolicyContext, PolicySettings};
use crate::report::Format;
use crate::schema::SchemaSettings;
use crate::schema::catalog::Catalog;
use std::collections::BTreeMap;

/// Default limit above which files are not parsed.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 32 * 1024 * 1024;

/// Everything a run needs to know, decided once.
#[derive(Debug)]
pub struct Settings {
    pub paths: Vec<PathBuf>,
    pub format: Format,
    pub reports: Vec<(Format, PathBuf)>,
    pub fail_on: FailOn,
    pub jobs: Option<usize>,
    pub color: bool,
    pub quiet: bool,
    pub max_file_size: u64,
    pub limits: Limits,
    pub rules: RuleLevels,
    pub exclude: GlobSet,
    /// The directory config globs are relative to.
    pub base: PathBuf,
    /// `GITHUB_STEP_SUMMARY`: where the GitHub format writes its Markdown table.
    pub github_step_summary: Option<PathBuf>,
    pub schema: SchemaSettings,
    pub policy: PolicySettings,
    /// Policy parameters and environments, global and per path.
    pub policy_contexts: PolicyContexts,
}

/// Policy parameters and environment: global, then per-path overrides (later wins).
#[derive(Debug, Default)]
pub struct PolicyContexts {
    global: BTreeMap<String, serde_json::Value>,
    overrides: Vec<(GlobSet, BTreeMap<String, serde_json::Value>, Option<String>)>,
}

/// Configured rule levels: global, then per-path overrides (later wins).
#[derive(Debug, Default)]
pub struct RuleLevels {
    global: Vec<(String, RuleLevel)>,
    overrides: Vec<(GlobSet, Vec<(String, RuleLevel)>)>,
}

impl RuleLevels {
    /// The level of `rule` for a file (given relative to the config base). `None`: not
    /// configured, keep the finding's own severity.
    pub fn level(&self, rule: &str, relative_path: &Path) -> Option<RuleLevel> {
        let mut level = lookup(&self.global, rule);
        for (globs, rules) in &self.overrides {
            if globs.is_match(relative_path)
                && let Some(l) = lookup(rules, rule)
            {
                level = Some(l);
            }
        }
        level
    }

    /// The severity a finding ends with, or `None` when its rule is off there.
    pub fn apply(&self, rule: &str, severity: Severity, relative_path: &Path) -> Option<Severity> {
        match self.level(rule, relative_path) {
            None => Some(severity),
            Some(RuleLevel::Off) => None,
            Some(RuleLevel::Info) => Some(Severity::Info),
            Some(RuleLevel::Warning) => Some(Severity::Warning),
            Some(RuleLevel::Error) => Some(Severity::Error),
        }
    }
}

fn lookup(rules: &[(String, RuleLevel)], rule: &str) -> Option<RuleLevel> {
    rules.iter().find(|(id, _)| id == rule).map(|(_, l)| *l)
}

impl Settings {
    pub fn resolve(args: Args) -> Result<Settings, Error> {
        // Blank arguments (a shell variable that expanded to nothing) are ignored, as conftest does.
        let given: Vec<PathBuf> = args
            .paths
            .iter()
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .collect();
        let paths = if given.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            given
        };
        let loaded = if args.no_config {
            None
        } else {
            let path = match args.config.clone() {
                Some(path) => Some(path),
                None => config::find(&paths[0]),
            };
            path.map(|p| config::load(&p)).transpose()?
        };
        let (file, base) = match loaded {
            Some(loaded) => (loaded.file, loaded.base),
            None => (
                ConfigFile::default(),
                std::env::current_dir().unwrap_or_default(),
            ),
        };
        let schema = schema_settings(&args, &file, &base)?;
        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && (std::io::stdout().is_terminal()
                        || std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true"))
            }
        };
        let policy = policy_settings(&args, &file, &base)?;
        let policy_contexts = PolicyContexts {
            global: file.policy_parameters.clone(),
            overrides: file
                .overrides
                .iter()
                .map(|o| {
                    Ok((
                        glob_set(&o.files)?,
                        o.policy_parameters.clone(),
                        o.environment.clone(),
                    ))
                })
                .collect::<Result<_, Error>>()?,
        };
        let rules = RuleLevels {
            global: file.rules.into_iter().collect(),
            overrides: file
                .overrides
                .into_iter()
                .map(|o| Ok((glob_set(&o.files)?, o.rules.into_iter().collect())))
                .collect::<Result<_, Error>>()?,
        };
        Ok(Settings {
            paths,
            format: args.format,
            reports: args.reports,
            fail_on: args.fail_on.or(file.fail_on).unwrap_or(FailOn::Error),
            jobs: args.jobs.filter(|j| *j > 0),
            color,
            quiet: args.quiet,
            max_file_size: args
                .max_file_size
                .or(file.max_file_size)
                .unwrap_or(DEFAULT_MAX_FILE_SIZE),
            limits: Limits::default(),
            rules,
            exclude: glob_set(&file.exclude)?,
            base,
            github_step_summary: std::env::var_os("GITHUB_STEP_SUMMARY")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            schema,
            policy,
            policy_contexts,
        })
    }

    /// Settings for library use and tests: defaults, no config file, no environment.
    pub fn for_paths(paths: Vec<PathBuf>) -> Settings {
        Settings {
            paths,
            format: Format::Human,
            reports: Vec::new(),
            fail_on: FailOn::Error,
            jobs: None,
            color: false,
            quiet: false,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            limits: Limits::default(),
            rules: RuleLevels::default(),
            exclude: GlobSet::empty(),
            base: std::env::current_dir().unwrap_or_default(),
            github_step_summary: None,
            schema: SchemaSettings::default(),
            policy: PolicySettings::default(),
            policy_contexts: PolicyContexts::default(),
        }
    }

    /// The policy parameters and environment that apply to a file.
    pub fn policy_context(&self, path: &Path) -> PolicyContext {
        let absolute = crate::discover::absolute(path);
        let relative = self.relative(&absolute);
        let mut parameters = self.policy_contexts.global.clone();
        let mut environment = None;
        for (globs, params, env) in &self.policy_contexts.overrides {
            if globs.is_match(relative) {
                for (id, value) in params {
                    match (parameters.get_mut(id), value) {
                        (
                            Some(serde_json::Value::Object(base)),
                            serde_json::Value::Object(more),
                        ) => {
                            base.extend(more.clone());
                        }
                        _ => {
                            parameters.insert(id.clone(), value.clone());
                        }
                    }
                }
                if env.is_some() {
                    environment = env.clone();
                }
            }
        }
        PolicyContext {
            parameters,
            environment,
        }
    }

    /// A path relative to the config base, for glob matching.
    pub fn relative<'a>(&self, absolute: &'a Path) -> &'a Path {
        absolute.strip_prefix(&self.base).unwrap_or(absolute)
    }
}

fn policy_settings(args: &Args, file: &ConfigFile, base: &Path) -> Result<PolicySettings, Error> {
    let defaults = PolicySettings::default();
    let mut dirs = args.policies.clone();
    dirs.extend(file.policies.iter().map(|p| base.join(p)));
    let mut data_files = args.data.clone();
    data_files.extend(file.data.iter().map(|p| base.join(p)));
    let namespaces = if !args.namespaces.is_empty() {
        args.namespaces.clone()
    } else if !file.namespaces.is_empty() {
        file.namespaces.clone()
    } else {
        defaults.namespaces
    };
    // A mistyped policy path must not turn the check green (conftest: "no policies found").
    for dir in &dirs {
        if !crate::policy::has_policies(dir) {
            return Err(Error::Usage(format!(
                "no policies found in {} (no .rego files, no Gatekeeper templates)",
                dir.display()
            )));
        }
    }
    for path in &data_files {
        if !path.exists() {
            return Err(Error::Usage(format!(
                "data file {} does not exist",
                path.display()
            )));
        }
    }
    Ok(PolicySettings {
        bundled: !args.no_bundled_policies && file.bundled_policies.unwrap_or(true),
        dirs,
        namespaces,
        all_namespaces: args.all_namespaces,
        data_files,
        combine: args.combine,
    })
}

fn schema_settings(args: &Args, file: &ConfigFile, base: &Path) -> Result<SchemaSettings, Error> {
    let texts: Vec<&str> = if args.kubernetes_version.is_empty() {
        file.kubernetes_versions
            .iter()
            .map(String::as_str)
            .collect()
    } else {
        args.kubernetes_version.iter().map(String::as_str).collect()
    };
    let mut versions = texts
        .iter()
        .filter(|t| !t.trim().is_empty())
        .map(|t| crate::schema::parse_target(t).map_err(Error::Usage))
        .collect::<Result<Vec<_>, _>>()?;
    versions.sort();
    versions.dedup();
    let defaults = SchemaSettings::default();
    if versions.is_empty() {
        versions = defaults.versions;
    }
    let mut crd_paths = args.crds.clone();
    crd_paths.extend(file.crds.iter().map(|p| base.join(p)));
    for path in &crd_paths {
        if !path.exists() {
            return Err(Error::Usage(format!(
                "CRD path {} does not exist",
                path.display()
            )));
        }
    }
    let mut catalogs = Vec::new();
    for location in &args.schema_locations {
        catalogs.push(Catalog::parse(location).map_err(Error::Usage)?);
    }
    // A mistyped catalog path would otherwise go unnoticed (bundled schemas answer first).
    for location in &file.schema_locations {
        let relative = if location.starts_with('/') || location == "default" {
            location.clone()
        } else {
            base.join(location).to_string_lossy().into_owned()
        };
        catalogs.push(Catalog::parse(&relative).map_err(Error::Usage)?);
    }
    for catalog in &catalogs {
        if let Some(root) = catalog.root()
            && !root.exists()
        {
            return Err(Error::Usage(format!(
                "schema location {} does not exist",
                root.display()
            )));
        }
    }
    Ok(SchemaSettings {
        versions,
        strict: !args.no_strict && file.strict.unwrap_or(true),
        crd_paths,
        catalogs,
    })
}

fn glob_set(globs: &[String]) -> Result<GlobSet, Error> {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        // Validated with locations when the config was parsed.
        let glob =
            Glob::new(glob).map_err(|e| Error::Usage(format!("invalid glob `{glob}`: {e}")))?;
        builder.add(glob);
    }
    builder
        .build()
        .map_err(|e| Error::Usage(format!("invalid globs: {e}")))
}
