//! Settings: the decisions a run makes from its arguments, the config file and the environment.
//!
//! This is the only module that reads the config file and environment variables. Everything
//! downstream takes a `Settings` and never looks at `Args` or the environment again.
//!
//! Changed mode is decided here too: the changed set comes from `changes` (git), and — unless
//! `--trust-head-policies` — the config file, policy directories and data files are read from
//! the commit the change starts at, so that a change cannot weaken the check that gates it.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::changes::{BaseSpec, ChangeSet, Repo, Request, Status, Upto};
use crate::cli::{Args, ColorChoice};
use crate::config::{self, ConfigError, ConfigFile, FailOn, RuleLevel};
use crate::discover::absolute;
use crate::dry_run::{ClusterSource, DryRunSettings};
use crate::error::Error;
use crate::finding::Severity;
use crate::manifest::yaml::Limits;
use crate::policy::changed::{ChangedPolicyFile, FileChange, PolicyFileKind};
use crate::policy::files::BaseSnapshot;
use crate::policy::{PolicyContext, PolicyFiles, PolicySettings};
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
    /// Changed mode: the files a change touches. `None`: `paths` are checked as they are.
    pub changes: Option<ChangedFiles>,
    /// Named environments, first match wins (config `environments:`).
    pub environments: Vec<Environment>,
    /// Kustomize and Helm rendering.
    pub render: RenderSettings,
    /// The server-side dry-run: whether it runs, against which cluster, with which limits.
    pub dry_run: DryRunSettings,
}

/// How Kustomize roots and Helm charts are rendered.
#[derive(Debug, Default)]
pub struct RenderSettings {
    pub enabled: bool,
    /// The Kustomize renderer setting (`auto`, a name or a path); `None`: auto.
    pub kustomize: Option<String>,
    /// The Helm setting; `None`: `helm` on PATH.
    pub helm: Option<String>,
    /// Where renders are cached; `None`: not cached.
    pub cache_dir: Option<PathBuf>,
}

/// An environment from the config file, resolved: which files (and rendered overlays) are in it
/// and what they are held to.
#[derive(Debug)]
pub struct Environment {
    pub name: String,
    globs: GlobSet,
    /// Target versions; empty: the run's (`--kubernetes-version` on the command line wins).
    pub versions: Vec<crate::schema::KubeVersion>,
    rules: Vec<(String, RuleLevel)>,
    parameters: BTreeMap<String, serde_json::Value>,
    /// The kubeconfig context for this environment's dry-run.
    pub context: Option<String>,
    /// The kubeconfig file for this environment's dry-run (absolute).
    pub kubeconfig: Option<PathBuf>,
    /// Helm values files, relative to a chart's directory.
    pub helm_values: Vec<String>,
}

impl Environment {
    fn resolve(
        environment: config::Environment,
        base: &Path,
        cli_versions: bool,
    ) -> Result<Environment, Error> {
        let mut versions = if cli_versions {
            Vec::new()
        } else {
            environment
                .kubernetes_versions
                .iter()
                .map(|t| crate::schema::parse_target(t).map_err(Error::Usage))
                .collect::<Result<Vec<_>, _>>()?
        };
        versions.sort();
        versions.dedup();
        Ok(Environment {
            globs: glob_set(&environment.files)?,
            name: environment.name,
            versions,
            rules: environment.rules.into_iter().collect(),
            parameters: environment.policy_parameters,
            context: environment.context,
            kubeconfig: environment.kubeconfig.map(|k| base.join(k)),
            helm_values: environment.helm_values,
        })
    }
}

/// Changed mode, decided: what the change touches under the PATHs, and where its policies
/// came from. Paths are absolute, below the repository root.
#[derive(Clone, Debug, Default)]
pub struct ChangedFiles {
    /// The repository root.
    pub workdir: PathBuf,
    /// What the change is compared with, as the user names it (`origin/main`, `HEAD`).
    pub base: String,
    /// The commit the change starts at (the merge base), full hex.
    pub base_commit: String,
    /// Files to check: added, modified, and the new paths of renames.
    pub files: Vec<PathBuf>,
    /// Files the change deletes: noted, not checked.
    pub deleted: Vec<PathBuf>,
    /// Renames, `(from, to)`.
    pub renamed: Vec<(PathBuf, PathBuf)>,
    /// How many files the change touches under the PATHs.
    pub touched: usize,
    /// Policy and configuration files the change touches.
    pub policy_files: Vec<ChangedPolicyFile>,
    /// `--trust-head-policies`: policies and configuration came from the working tree.
    pub trust_head_policies: bool,
    /// The repository's kustomization files, so that changed patches are known as patches and
    /// the overlays a change reaches are rendered.
    pub kustomizations: Vec<PathBuf>,
    /// The repository's Helm charts (`Chart.yaml` files).
    pub charts: Vec<PathBuf>,
    /// How the run was set up, for the summary (a config file the base commit does not have…).
    pub notes: Vec<String>,
}

impl ChangedFiles {
    /// The base commit, abbreviated as git abbreviates it.
    pub fn short_commit(&self) -> &str {
        crate::changes::abbreviate(&self.base_commit)
    }
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
        let git = match changed_request(&args)? {
            Some(request) => {
                let start = std::env::current_dir()
                    .map_err(|e| Error::Usage(format!("cannot read the working directory: {e}")))?;
                let repo = Repo::open(&start)?;
                let set = repo.changes(&request)?;
                Some(Git { repo, set })
            }
            None => None,
        };
        // Changed mode takes the whole repository's changes unless PATHs restrict them.
        let paths = match &git {
            Some(git) if given.is_empty() => vec![git.set.workdir.clone()],
            Some(git) => git.roots(&given)?,
            None if given.is_empty() => vec![PathBuf::from(".")],
            None => given,
        };
        // A change cannot weaken the check that gates it: unless told to trust them, its
        // configuration and policies are those of the commit it starts at.
        let from_base = git.as_ref().filter(|_| !args.trust_head_policies);
        let mut notes = Vec::new();
        let (loaded, config_path) = if args.no_config {
            (None, None)
        } else if let Some(git) = from_base {
            base_config(&args, &paths, git, &mut notes)?
        } else {
            let path = match args.config.clone() {
                Some(path) => Some(path),
                None => config::find(&paths[0]),
            };
            let loaded = path.as_ref().map(|p| config::load(p)).transpose()?;
            (loaded, path.map(|p| absolute(&p)))
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
        let policy = policy_settings(&args, &file, &base, from_base, &mut notes)?;
        let changes = match &git {
            Some(git) => Some(git.changed_files(
                &paths,
                policy_paths(&args, &file, &base),
                config_path.as_deref(),
                ChangedMode {
                    trust_head_policies: args.trust_head_policies,
                    notes,
                },
            )?),
            None => None,
        };
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
        let render = RenderSettings {
            enabled: !args.no_render && file.render.enabled.unwrap_or(true),
            kustomize: args.kustomize.clone().or(file.render.kustomize.clone()),
            helm: args.helm.clone().or(file.render.helm.clone()),
            cache_dir: if args.no_cache {
                None
            } else {
                args.cache_dir
                    .clone()
                    .or_else(|| file.render.cache_dir.as_ref().map(|d| base.join(d)))
                    .or_else(|| crate::render::default_cache_dir(&paths[0]))
            },
        };
        let environments = file
            .environments
            .into_iter()
            .map(|e| Environment::resolve(e, &base, !args.kubernetes_version.is_empty()))
            .collect::<Result<Vec<_>, Error>>()?;
        let dry_run = dry_run_settings(&args, &environments);
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
            changes,
            environments,
            render,
            dry_run,
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
            changes: None,
            environments: Vec::new(),
            render: RenderSettings::default(),
            dry_run: DryRunSettings::default(),
        }
    }

    /// The environment of a file, or of a rendered overlay or chart (pass the path of its
    /// rendered output, which lies in the overlay's directory): the first whose globs match.
    pub fn environment(&self, path: &Path) -> Option<&Environment> {
        if self.environments.is_empty() {
            return None;
        }
        let absolute = crate::discover::absolute(path);
        let relative = self.relative(&absolute);
        self.environments
            .iter()
            .find(|e| e.globs.is_match(relative))
    }

    /// The Kubernetes versions a file is checked against: its environment's, else the run's.
    pub fn kubernetes_versions(&self, path: &Path) -> &[crate::schema::KubeVersion] {
        match self.environment(path) {
            Some(e) if !e.versions.is_empty() => &e.versions,
            _ => &self.schema.versions,
        }
    }

    /// The severity a finding ends with at `path` (its file, or for a finding on rendered
    /// output, the rendered overlay's path): the configured levels, then its environment's;
    /// `None` when the rule is off there.
    pub fn severity(&self, rule: &str, severity: Severity, path: &Path) -> Option<Severity> {
        let absolute = crate::discover::absolute(path);
        let severity = self.rules.apply(rule, severity, self.relative(&absolute))?;
        match self
            .environment(&absolute)
            .and_then(|e| lookup(&e.rules, rule))
        {
            None => Some(severity),
            Some(RuleLevel::Off) => None,
            Some(RuleLevel::Info) => Some(Severity::Info),
            Some(RuleLevel::Warning) => Some(Severity::Warning),
            Some(RuleLevel::Error) => Some(Severity::Error),
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
        if let Some(env) = self.environment(&absolute) {
            for (id, value) in &env.parameters {
                match (parameters.get_mut(id), value) {
                    (Some(serde_json::Value::Object(base)), serde_json::Value::Object(more)) => {
                        base.extend(more.clone());
                    }
                    _ => {
                        parameters.insert(id.clone(), value.clone());
                    }
                }
            }
            environment = Some(env.name.clone());
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

/// Whether and where the dry-run runs. `auto` turns it on when a cluster is named by a flag, an
/// environment of the config, or `KUBECONFIG`; only the last is a guess, which may fail quietly.
/// Files outside the environments that name a cluster go to the run's cluster, if it has one.
fn dry_run_settings(args: &Args, environments: &[Environment]) -> DryRunSettings {
    let env_kubeconfig: Vec<PathBuf> = std::env::var_os("KUBECONFIG")
        .map(|v| {
            std::env::split_paths(&v)
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        })
        .unwrap_or_default();
    let home_kubeconfig = std::env::var_os("HOME")
        .map(|home| PathBuf::from(home).join(".kube").join("config"))
        .filter(|p| p.is_file());
    let in_cluster = std::env::var_os("KUBERNETES_SERVICE_HOST").is_some_and(|v| !v.is_empty());
    let by_flag = args.kubeconfig.is_some() || args.context.is_some();
    // An environment's `context` names a cluster only where a kubeconfig can be had: on a
    // developer's machine without one, `auto` leaves the dry-run off rather than failing.
    let any_kubeconfig = args.kubeconfig.is_some()
        || !env_kubeconfig.is_empty()
        || home_kubeconfig.is_some()
        || in_cluster;
    let by_config = environments
        .iter()
        .any(|e| e.kubeconfig.is_some() || (e.context.is_some() && any_kubeconfig));
    let mode = args.dry_run;
    let default_cluster = match mode {
        crate::cli::DryRunMode::Off => None,
        crate::cli::DryRunMode::Server => Some(ClusterSource::Required),
        crate::cli::DryRunMode::Auto if by_flag => Some(ClusterSource::Flag),
        crate::cli::DryRunMode::Auto if !env_kubeconfig.is_empty() => {
            Some(ClusterSource::Environment)
        }
        crate::cli::DryRunMode::Auto => None,
    };
    let active = mode != crate::cli::DryRunMode::Off && (default_cluster.is_some() || by_config);
    let kubeconfig = match &args.kubeconfig {
        Some(path) => vec![absolute(path)],
        None if !env_kubeconfig.is_empty() => env_kubeconfig,
        None => home_kubeconfig.into_iter().collect(),
    };
    DryRunSettings {
        active,
        auto_off: mode == crate::cli::DryRunMode::Auto && !active,
        default_cluster,
        kubeconfig,
        context: args.context.clone(),
        in_cluster,
        concurrency: args.dry_run_concurrency.max(1),
        timeout: std::time::Duration::from_secs(args.dry_run_timeout.max(1)),
        deadline: std::time::Duration::from_secs(args.dry_run_deadline.max(1)),
        diff: args.diff,
    }
}

fn policy_settings(
    args: &Args,
    file: &ConfigFile,
    base: &Path,
    from_base: Option<&Git>,
    notes: &mut Vec<String>,
) -> Result<PolicySettings, Error> {
    let defaults = PolicySettings::default();
    let (mut dirs, mut data_files) = policy_paths(args, file, base);
    let namespaces = if !args.namespaces.is_empty() {
        args.namespaces.clone()
    } else if !file.namespaces.is_empty() {
        file.namespaces.clone()
    } else {
        defaults.namespaces
    };
    let files = match from_base {
        Some(git) => {
            // Paths inside the repository are read from the snapshot, under canonical names.
            dirs = dirs.iter().map(|d| git.in_repository(d)).collect();
            data_files = data_files.iter().map(|d| git.in_repository(d)).collect();
            git.snapshot(dirs.iter().chain(&data_files))?
        }
        None => PolicyFiles::WorkTree,
    };
    // Where a path inside the repository was looked for, for messages.
    let looked_in = |path: &Path| match from_base {
        Some(git) if git.relative(path).is_some() => format!(" in the base commit {}", git.short()),
        _ => String::new(),
    };
    // A policy directory or data file that the change adds (on disk, not in the base commit)
    // takes effect once merged. Anything else missing is a mistyped path, which must not turn
    // the check green (conftest: "no policies found").
    let added_by_change = |path: &Path, on_disk: bool| !looked_in(path).is_empty() && on_disk;
    let mut kept = Vec::new();
    for dir in dirs {
        if crate::policy::has_policies(&files, &dir) {
            kept.push(dir);
        } else if added_by_change(
            &dir,
            crate::policy::has_policies(&PolicyFiles::WorkTree, &dir),
        ) {
            notes.push(format!(
                "policy directory {} has no policies{}; those the change adds take effect once merged",
                crate::source::display_name(&dir),
                looked_in(&dir)
            ));
        } else {
            return Err(Error::Usage(format!(
                "no policies found in {}{} (no .rego files, no Gatekeeper templates)",
                dir.display(),
                looked_in(&dir)
            )));
        }
    }
    let dirs = kept;
    let mut kept = Vec::new();
    for path in data_files {
        if files.exists(&path) {
            kept.push(path);
        } else if added_by_change(&path, path.exists()) {
            notes.push(format!(
                "data file {} is not{}; it takes effect once merged",
                crate::source::display_name(&path),
                looked_in(&path)
            ));
        } else {
            return Err(Error::Usage(format!(
                "data file {} does not exist{}",
                path.display(),
                looked_in(&path)
            )));
        }
    }
    let data_files = kept;
    Ok(PolicySettings {
        bundled: !args.no_bundled_policies && file.bundled_policies.unwrap_or(true),
        dirs,
        namespaces,
        all_namespaces: args.all_namespaces,
        data_files,
        combine: args.combine,
        checked_templates: from_base.is_none(),
        files,
    })
}

/// The policy directories and data files of a run, as configured.
fn policy_paths(args: &Args, file: &ConfigFile, base: &Path) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut dirs = args.policies.clone();
    dirs.extend(file.policies.iter().map(|p| base.join(p)));
    let mut data_files = args.data.clone();
    data_files.extend(file.data.iter().map(|p| base.join(p)));
    (dirs, data_files)
}

/// What changed mode is asked: `None` without `--changed`, `--base`, `--staged` or
/// `--worktree`. `GITHUB_BASE_REF` (set by GitHub Actions for pull requests) names the base
/// when `--base` does not.
fn changed_request(args: &Args) -> Result<Option<Request>, Error> {
    let base = args.base.clone().filter(|b| !b.trim().is_empty());
    let from_merge_base = args.changed || base.is_some();
    if !from_merge_base && !args.staged && !args.worktree {
        if args.trust_head_policies {
            return Err(Error::Usage(
                "--trust-head-policies applies to changed mode: add --changed, --staged or --worktree"
                    .into(),
            ));
        }
        return Ok(None);
    }
    let base = from_merge_base.then(|| match base {
        Some(name) => BaseSpec::Given(name),
        None => match std::env::var("GITHUB_BASE_REF") {
            Ok(name) if !name.trim().is_empty() => BaseSpec::GithubBaseRef(name),
            _ => BaseSpec::Default,
        },
    });
    let upto = if args.worktree {
        Upto::Worktree
    } else if args.staged {
        Upto::Index
    } else {
        Upto::Head
    };
    Ok(Some(Request { base, upto }))
}

/// What `Git::changed_files` takes from the arguments.
struct ChangedMode {
    trust_head_policies: bool,
    notes: Vec<String>,
}

/// The repository and its changed set, while settings are resolved.
struct Git {
    repo: Repo,
    set: ChangeSet,
}

impl Git {
    fn short(&self) -> &str {
        crate::changes::abbreviate(&self.set.base_commit)
    }

    /// A path's repository path, when it is inside the repository (on disk or not).
    fn relative(&self, path: &Path) -> Option<PathBuf> {
        let workdir = &self.set.workdir;
        let lexical = absolute(path);
        if let Ok(rel) = lexical.strip_prefix(workdir) {
            return Some(rel.to_path_buf());
        }
        // The working directory may be reached through a symlink: canonicalize the part of
        // the path that exists.
        let mut existing = lexical.as_path();
        let mut rest = Vec::new();
        while !existing.exists() {
            rest.push(existing.file_name()?.to_os_string());
            existing = existing.parent()?;
        }
        let mut canonical = std::fs::canonicalize(existing).ok()?;
        canonical.extend(rest.iter().rev());
        canonical.strip_prefix(workdir).ok().map(Path::to_path_buf)
    }

    /// A path inside the repository under its canonical name (`workdir/…`); others unchanged.
    fn in_repository(&self, path: &Path) -> PathBuf {
        match self.relative(path) {
            Some(rel) => self.set.workdir.join(rel),
            None => path.to_path_buf(),
        }
    }

    /// The PATHs of changed mode, which restrict the changed set: inside the repository, and
    /// existing, as in every mode.
    fn roots(&self, paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
        paths
            .iter()
            .map(|path| {
                if !path.exists() {
                    return Err(Error::Path(crate::discover::DiscoverError {
                        path: path.clone(),
                        error: std::io::Error::from(std::io::ErrorKind::NotFound),
                    }));
                }
                let rel = self.relative(path).ok_or_else(|| {
                    Error::Usage(format!(
                        "{} is outside the repository at {}; in changed mode PATHs restrict the changed set",
                        path.display(),
                        self.set.workdir.display()
                    ))
                })?;
                Ok(crate::discover::normalize(&self.set.workdir.join(rel)))
            })
            .collect()
    }

    /// The base commit's files at and below `paths` (those inside the repository).
    fn snapshot<'a>(&self, paths: impl Iterator<Item = &'a PathBuf>) -> Result<PolicyFiles, Error> {
        let mut snapshot = BaseSnapshot {
            root: self.set.workdir.clone(),
            commit: self.short().to_string(),
            files: Default::default(),
        };
        for path in paths {
            if let Some(rel) = self.relative(path) {
                for (file, bytes) in self.repo.base_files(&self.set, &rel)? {
                    snapshot.files.insert(self.set.workdir.join(file), bytes);
                }
            }
        }
        Ok(PolicyFiles::Base(Arc::new(snapshot)))
    }

    /// The changed set under `roots`, with the policy and configuration files it touches.
    fn changed_files(
        &self,
        roots: &[PathBuf],
        (dirs, data): (Vec<PathBuf>, Vec<PathBuf>),
        config_path: Option<&Path>,
        mode: ChangedMode,
    ) -> Result<ChangedFiles, Error> {
        let workdir = &self.set.workdir;
        let under = |path: &Path| roots.iter().any(|r| path.starts_with(r));
        // As configured: with those the base commit does not have yet.
        let inside = |paths: Vec<PathBuf>| -> Vec<PathBuf> {
            paths
                .iter()
                .filter_map(|p| self.relative(p))
                .map(|r| workdir.join(r))
                .collect()
        };
        let (dirs, data) = (inside(dirs), inside(data));
        let config = config_path
            .and_then(|p| self.relative(p))
            .map(|r| workdir.join(r));
        let mut out = ChangedFiles {
            workdir: workdir.clone(),
            base: self.set.base.clone(),
            base_commit: self.set.base_commit.clone(),
            trust_head_policies: mode.trust_head_policies,
            notes: mode.notes,
            ..ChangedFiles::default()
        };
        for change in &self.set.changes {
            let path = workdir.join(&change.path);
            let file_change = match &change.status {
                Status::Added => FileChange::Added,
                Status::Modified => FileChange::Modified,
                Status::Renamed { .. } => FileChange::Renamed,
                Status::Deleted => FileChange::Deleted,
            };
            match &change.status {
                Status::Deleted if under(&path) => out.deleted.push(path.clone()),
                Status::Renamed { from } => {
                    let from = workdir.join(from);
                    if under(&path) {
                        out.files.push(path.clone());
                        out.renamed.push((from, path.clone()));
                    } else if under(&from) {
                        // Moved out of the checked paths: gone from them.
                        out.deleted.push(from);
                        out.touched += 1;
                    }
                }
                Status::Added | Status::Modified if under(&path) => out.files.push(path.clone()),
                _ => {}
            }
            if under(&path) {
                out.touched += 1;
            }
            let in_policy_dir = dirs.iter().any(|d| path.starts_with(d));
            let is_data = data.iter().any(|d| path.starts_with(d));
            let is_config = config.as_deref() == Some(path.as_path());
            let is_rego = under(&path) && path.extension().is_some_and(|e| e == "rego");
            let kind = if is_config {
                PolicyFileKind::Config
            } else if is_data {
                PolicyFileKind::Data
            } else if in_policy_dir || is_rego {
                PolicyFileKind::Policy
            } else {
                continue;
            };
            out.policy_files.push(ChangedPolicyFile {
                path,
                kind,
                change: file_change,
                loaded: is_config || is_data || in_policy_dir,
            });
        }
        if !out.files.is_empty() || !out.deleted.is_empty() {
            out.kustomizations = self
                .repo
                .tracked_files_named(crate::discover::KUSTOMIZATION_NAMES)?
                .into_iter()
                .map(|p| workdir.join(p))
                .filter(|p| p.is_file())
                .collect();
        }
        if !out.files.is_empty() || !out.deleted.is_empty() {
            out.charts = self
                .repo
                .tracked_files_named(&["Chart.yaml"])?
                .into_iter()
                .map(|p| workdir.join(p))
                .filter(|p| p.is_file())
                .collect();
        }
        Ok(out)
    }
}

/// The config file of changed mode, read from the base commit: `--config FILE`, else the
/// nearest `.gitops-lint.yaml` from the first PATH up to the repository root, as
/// `config::find` looks on disk. Returns it and its working-tree path (when the base commit
/// has none, the path of the change's config, if any, so that adding one is reported).
fn base_config(
    args: &Args,
    paths: &[PathBuf],
    git: &Git,
    notes: &mut Vec<String>,
) -> Result<(Option<config::Loaded>, Option<PathBuf>), Error> {
    let commit = git.short();
    let from_base = |path: &Path, rel: &Path| -> Result<Option<config::Loaded>, Error> {
        let Some(bytes) = git.repo.base_file(&git.set, rel)? else {
            return Ok(None);
        };
        let text = String::from_utf8(bytes).map_err(|_| ConfigError {
            message: format!("the config file in the base commit {commit} is not UTF-8 text"),
            location: None,
            path: path.to_path_buf(),
        })?;
        let loaded = config::load_text(path, text).map_err(|mut e| {
            e.message.push_str(&format!(
                " (the base commit {commit}'s version, which gates this change)"
            ));
            e
        })?;
        Ok(Some(loaded))
    };
    let not_in_base = |path: &Path| {
        format!(
            "{} is not in the base commit {commit}: no configuration gated this run; the change's version takes effect once merged",
            crate::source::display_name(path)
        )
    };
    if let Some(path) = &args.config {
        // Outside the repository, a change cannot touch it: read it from disk.
        let Some(rel) = git.relative(path) else {
            return Ok((Some(config::load(path)?), Some(absolute(path))));
        };
        let path = git.set.workdir.join(&rel);
        if let Some(loaded) = from_base(&path, &rel)? {
            return Ok((Some(loaded), Some(path)));
        }
        if !path.is_file() {
            // Neither there nor here: the usual error.
            return Ok((Some(config::load(&path)?), Some(path)));
        }
        notes.push(not_in_base(&path));
        return Ok((None, Some(path)));
    }
    let start = &paths[0];
    let mut dir = if start.is_dir() {
        start.clone()
    } else {
        start.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    while let Some(rel) = git.relative(&dir) {
        for name in config::FILE_NAMES {
            let path = git.set.workdir.join(&rel).join(name);
            if let Some(loaded) = from_base(&path, &rel.join(name))? {
                return Ok((Some(loaded), Some(path)));
            }
        }
        match dir.parent() {
            Some(parent) if rel.as_os_str() != "" => dir = parent.to_path_buf(),
            _ => break,
        }
    }
    let head = config::find(start);
    if let Some(path) = &head {
        notes.push(not_in_base(path));
    }
    Ok((None, head.map(|p| absolute(&p))))
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
