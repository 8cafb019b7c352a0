//! Command-line arguments as plain data (clap), and the binary's entry point.
//!
//! Nothing here decides anything: `settings` turns these arguments, the config file and the
//! environment into the settings a run uses.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::config::FailOn;
use crate::report::Format;

const EXAMPLES: &str = "\
Examples:
  gitops-lint infra/                          check every manifest below infra/
  gitops-lint a.yaml b.yaml                   check these files (as pre-commit passes them)
  gitops-lint --format github infra/          GitHub annotations on stdout
  gitops-lint --report sarif=lint.sarif --report junit=lint.xml infra/
  gitops-lint --fail-on warning infra/        warnings fail the check too
  gitops-lint -k 1.33,1.37 infra/             validate against two Kubernetes versions
  gitops-lint --crds crds/ infra/             validate custom resources against these CRDs
  gitops-lint -p policy/ infra/               also run the conftest policies in policy/
  gitops-lint test-policies policy/           run the policies' Rego unit tests
  gitops-lint --changed                       check what this branch changes since its merge base
                                              with the base branch (pull requests)
  gitops-lint --changed --base origin/release-1.4 infra/
                                              ...compared with another base, under infra/ only
  gitops-lint --staged                        check what is staged (a pre-commit hook)
  gitops-lint --changed --worktree            ...plus uncommitted and untracked files
  gitops-lint --no-render infra/              check overlays' files as plain manifests
  gitops-lint --kustomize kubectl infra/      render overlays with `kubectl kustomize`
  gitops-lint --dry-run server --context staging infra/
                                              also dry-run every object on the staging cluster
  gitops-lint rules                           list every rule
  gitops-lint explain duplicate-key           a rule's documentation

Exit status: 0 no finding at or above --fail-on, 1 findings, 2 the check could not run.";

/// Lint Kubernetes GitOps manifests before they merge.
///
/// Parses every YAML and JSON manifest under the given paths the way Kubernetes reads them and
/// reports each problem at its line and column.
#[derive(Debug, Parser)]
#[command(
    name = "gitops-lint",
    version,
    after_long_help = EXAMPLES,
    args_conflicts_with_subcommands = true
)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Files or directories to check [default: .]. Directories are walked respecting
    /// .gitignore; hidden files are skipped.
    ///
    /// Example: `gitops-lint infra/ clusters/prod/kustomization.yaml`
    #[arg(value_name = "PATH", value_parser = clap::builder::OsStringValueParser::new())]
    pub paths: Vec<std::ffi::OsString>,

    /// Output format on stdout.
    ///
    /// Example: `gitops-lint --format json infra/ > findings.json`
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Also write a report in FORMAT to FILE; repeatable (e.g. --report sarif=out.sarif).
    ///
    /// Example: `gitops-lint --report sarif=lint.sarif --report junit=lint.xml infra/`
    #[arg(long = "report", value_name = "FORMAT=FILE", value_parser = parse_report)]
    pub reports: Vec<(Format, PathBuf)>,

    /// The lowest severity that makes the run fail with exit status 1 [default: error].
    ///
    /// Example: `gitops-lint --fail-on warning infra/`
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,

    /// Configuration file [default: the nearest .gitops-lint.yaml from the first PATH up to the
    /// repository root].
    ///
    /// Example: `gitops-lint --config ci/gitops-lint.yaml infra/`
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Ignore any configuration file.
    ///
    /// Example: `gitops-lint --no-config infra/`
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,

    /// Number of worker threads [default: the number of CPUs].
    ///
    /// Example: `gitops-lint -j 2 infra/`
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,

    /// When to use colors in human output; NO_COLOR is honoured under `auto`.
    ///
    /// Example: `gitops-lint --color always infra/ | less -R`
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Print findings only: no summary line, no notes.
    ///
    /// Example: `gitops-lint -q infra/`
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Files larger than this many bytes are reported and not parsed [default: 33554432; at
    /// most 4 GiB].
    ///
    /// Example: `gitops-lint --max-file-size 1048576 infra/`
    #[arg(long, value_name = "BYTES")]
    pub max_file_size: Option<u64>,

    /// Kubernetes version(s) to validate against, comma-separated (e.g. 1.33,1.37) [default:
    /// the newest bundled, or `kubernetes-versions` in the config].
    ///
    /// Example: `gitops-lint -k 1.33,1.37 infra/`
    #[arg(long, short = 'k', value_name = "VERSIONS", value_delimiter = ',')]
    pub kubernetes_version: Vec<String>,

    /// Accept fields the schemas do not declare (kubeconform without -strict).
    ///
    /// Example: `gitops-lint --no-strict infra/`
    #[arg(long)]
    pub no_strict: bool,

    /// A directory or file of CustomResourceDefinitions whose schemas validate custom
    /// resources; repeatable. CRDs among the checked files are always used.
    ///
    /// Example: `gitops-lint --crds crds/ infra/`
    #[arg(long = "crds", value_name = "PATH")]
    pub crds: Vec<PathBuf>,

    /// A directory (or file) of conftest-style Rego policies; repeatable.
    ///
    /// Example: `gitops-lint -p policy/ infra/`
    #[arg(long = "policy", short = 'p', value_name = "DIR")]
    pub policies: Vec<PathBuf>,

    /// A Rego package of the --policy directories to evaluate; repeatable [default: main].
    ///
    /// Example: `gitops-lint -p policy/ --namespace main --namespace security infra/`
    #[arg(long = "namespace", value_name = "NS")]
    pub namespaces: Vec<String>,

    /// Evaluate every package of the --policy directories.
    ///
    /// Example: `gitops-lint -p policy/ --all-namespaces infra/`
    #[arg(long)]
    pub all_namespaces: bool,

    /// A JSON or YAML file, or a directory of them, loaded as Rego `data` for --policy
    /// directories; repeatable.
    ///
    /// Example: `gitops-lint -p policy/ --data policy/exceptions.yaml infra/`
    #[arg(long = "data", value_name = "FILE")]
    pub data: Vec<PathBuf>,

    /// Give --policy directories every document of every file as one input (conftest
    /// --combine): an array of {"path", "contents"}.
    ///
    /// Example: `gitops-lint -p policy/ --combine infra/`
    #[arg(long)]
    pub combine: bool,

    /// Do not run the bundled policy library.
    ///
    /// Example: `gitops-lint --no-bundled-policies -p policy/ infra/`
    #[arg(long)]
    pub no_bundled_policies: bool,

    /// A local schema catalog in kubeconform's -schema-location syntax, e.g.
    /// 'catalog/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json'; repeatable.
    ///
    /// Example:
    /// `gitops-lint --schema-location 'schemas/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json' x/`
    #[arg(long = "schema-location", value_name = "TEMPLATE")]
    pub schema_locations: Vec<String>,

    /// Check only the files a change touches: those changed between the merge base of the base
    /// branch (--base) and HEAD, renames followed; deleted files are listed, not checked. PATHs
    /// then restrict the changed set [default: the whole repository]. Policies and the config
    /// file are read from the merge base, so a change cannot weaken its own check. Example:
    /// `gitops-lint --changed --format github`
    #[arg(long, help_heading = "Changed mode (pull requests, pre-commit)")]
    pub changed: bool,

    /// The branch or commit a change is compared with; implies --changed [default:
    /// $GITHUB_BASE_REF (as origin/REF when that exists), else the remote's default branch
    /// (origin/HEAD), else main]. Example: `gitops-lint --base origin/release-1.4`
    #[arg(
        long,
        value_name = "REF",
        help_heading = "Changed mode (pull requests, pre-commit)"
    )]
    pub base: Option<String>,

    /// Check the changes staged in the index, against HEAD (with --changed: against the merge
    /// base); policies come from HEAD. Example: `gitops-lint --staged` (a pre-commit hook)
    #[arg(long, help_heading = "Changed mode (pull requests, pre-commit)")]
    pub staged: bool,

    /// Also take uncommitted changes: staged, unstaged and untracked (not ignored) files.
    /// Example: `gitops-lint --changed --worktree`
    #[arg(long, help_heading = "Changed mode (pull requests, pre-commit)")]
    pub worktree: bool,

    /// In changed mode, read policies and the config file from the working tree instead of
    /// the base commit: for a repository's own policy development, where the change is the
    /// policy. Example: `gitops-lint --changed --trust-head-policies`
    #[arg(long, help_heading = "Changed mode (pull requests, pre-commit)")]
    pub trust_head_policies: bool,

    /// Do not render Kustomize roots and Helm charts: check their files as plain manifests.
    /// Example: `gitops-lint --no-render infra/`
    #[arg(long, help_heading = "Rendering (Kustomize, Helm)")]
    pub no_render: bool,

    /// The Kustomize renderer: `kustomize`, `kubectl` or a path to either [default: whichever
    /// is on PATH, kustomize first]. Example: `gitops-lint --kustomize kubectl infra/`
    #[arg(
        long,
        value_name = "PROGRAM",
        help_heading = "Rendering (Kustomize, Helm)"
    )]
    pub kustomize: Option<String>,

    /// The Helm binary for `helm template` [default: helm on PATH].
    /// Example: `gitops-lint --helm /usr/local/bin/helm charts/`
    #[arg(
        long,
        value_name = "PROGRAM",
        help_heading = "Rendering (Kustomize, Helm)"
    )]
    pub helm: Option<String>,

    /// Where renders are cached, keyed by the content of every file they read [default:
    /// .git/gitops-lint/render-cache]. Example: `gitops-lint --cache-dir ~/.cache/gitops-lint infra/`
    #[arg(long, value_name = "DIR", help_heading = "Rendering (Kustomize, Helm)")]
    pub cache_dir: Option<PathBuf>,

    /// Render without reading or writing the render cache. Example: `gitops-lint --no-cache
    /// infra/`
    #[arg(
        long,
        conflicts_with = "cache_dir",
        help_heading = "Rendering (Kustomize, Helm)"
    )]
    pub no_cache: bool,
    /// Dry-run every object on the cluster with server-side apply (`dryRun=All`, never a write):
    /// admission webhooks, policies, quotas, RBAC and the API server's own validation. `auto`:
    /// on when a cluster is configured (--kubeconfig, --context, `context`/`kubeconfig` of a
    /// config environment, or KUBECONFIG), else off. Example: `gitops-lint --dry-run server
    /// --context staging infra/`
    #[arg(
        long,
        value_enum,
        value_name = "MODE",
        default_value_t = DryRunMode::Auto,
        help_heading = "Server-side dry-run"
    )]
    pub dry_run: DryRunMode,

    /// The kubeconfig file for the dry-run [default: $KUBECONFIG, else ~/.kube/config, else the
    /// in-cluster service account]. Example: `gitops-lint --kubeconfig ci.kubeconfig infra/`
    #[arg(long, value_name = "FILE", help_heading = "Server-side dry-run")]
    pub kubeconfig: Option<PathBuf>,

    /// The kubeconfig context for the dry-run [default: the current context]; an environment's
    /// own `context` in the config wins for its files. Example: `gitops-lint --context staging
    /// infra/`
    #[arg(long, value_name = "NAME", help_heading = "Server-side dry-run")]
    pub context: Option<String>,

    /// How many dry-run requests are in flight at once. Example: `gitops-lint
    /// --dry-run-concurrency 4 infra/`
    #[arg(
        long,
        value_name = "N",
        default_value_t = 8,
        help_heading = "Server-side dry-run"
    )]
    pub dry_run_concurrency: usize,

    /// Seconds one dry-run request may take before it is retried. Example: `gitops-lint
    /// --dry-run-timeout 60 infra/`
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 30,
        help_heading = "Server-side dry-run"
    )]
    pub dry_run_timeout: u64,

    /// Seconds the whole dry-run may take, retries included; past it the run stops with exit
    /// status 2. Example: `gitops-lint --dry-run-deadline 600 infra/`
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 300,
        help_heading = "Server-side dry-run"
    )]
    pub dry_run_deadline: u64,

    /// With the dry-run, print on stderr what an apply would change, as `kubectl diff` does:
    /// the live object against the dry-run's result (Secret values never shown). Example:
    /// `gitops-lint --dry-run server --diff infra/`
    #[arg(long, help_heading = "Server-side dry-run")]
    pub diff: bool,
}

/// When the server-side dry-run runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DryRunMode {
    /// Always: no cluster, or an unreachable one, is an error.
    Server,
    /// When a cluster is configured.
    Auto,
    /// Never.
    Off,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every rule with its id, default severity and summary.
    Rules {
        /// Output format.
        ///
        /// Example: `gitops-lint rules --format markdown > RULES.md`
        #[arg(long, short = 'f', value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
    /// Run Rego unit tests (`test_*` rules, like `opa test` / `conftest verify`) and gator
    /// suites (`suite.yaml`, like `gator verify`).
    TestPolicies {
        /// Directories or files of policies and their tests.
        ///
        /// Example: `gitops-lint test-policies policy/ gatekeeper/`
        #[arg(value_name = "DIR")]
        dirs: Vec<PathBuf>,
        /// Test the bundled policy library.
        ///
        /// Example: `gitops-lint test-policies --bundled`
        #[arg(long)]
        bundled: bool,
        /// Print passing tests too.
        ///
        /// Example: `gitops-lint test-policies -v policy/`
        #[arg(long, short = 'v')]
        verbose: bool,
        /// A JSON or YAML file, or a directory of them, loaded as Rego `data`; repeatable.
        ///
        /// Example: `gitops-lint test-policies -d policy/data.yaml policy/`
        #[arg(long = "data", short = 'd', value_name = "PATH")]
        data: Vec<PathBuf>,
    },
    /// Print a rule's documentation.
    Explain {
        /// The rule id, as `gitops-lint rules` lists it.
        ///
        /// Example: `gitops-lint explain privileged-container`
        rule: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
    Markdown,
}

fn parse_report(value: &str) -> Result<(Format, PathBuf), String> {
    let (format, file) = value
        .split_once('=')
        .ok_or_else(|| format!("expected FORMAT=FILE, got `{value}`"))?;
    let format = Format::from_str(format, true)?;
    if file.is_empty() {
        return Err("the FILE after `=` is empty".into());
    }
    Ok((format, PathBuf::from(file)))
}

/// The binary's entry point.
pub fn main() -> ExitCode {
    let args = Args::parse();
    match args.command {
        Some(Command::Rules { format }) => print_stdout(&crate::explain::rules_listing(format)),
        Some(Command::TestPolicies {
            ref dirs,
            bundled,
            verbose,
            ref data,
        }) => test_policies(dirs, bundled, verbose, data),
        Some(Command::Explain { ref rule }) => match crate::explain::explain(rule) {
            Ok(text) => print_stdout(&text),
            Err(message) => {
                eprintln!("error: {message}");
                ExitCode::from(2)
            }
        },
        None => match crate::settings::Settings::resolve(args) {
            Ok(settings) => match crate::pipeline::run(&settings) {
                Ok(code) => ExitCode::from(code),
                Err(error) => {
                    eprint!("{}", error.render(settings.color));
                    ExitCode::from(2)
                }
            },
            Err(error) => {
                eprint!("{}", error.render(false));
                ExitCode::from(2)
            }
        },
    }
}

fn test_policies(dirs: &[PathBuf], bundled: bool, verbose: bool, data: &[PathBuf]) -> ExitCode {
    use crate::policy::testing;
    let mut files = if bundled {
        testing::bundled_files()
    } else {
        Vec::new()
    };
    if !bundled && dirs.is_empty() {
        eprintln!("error: name policy directories to test, or --bundled");
        return ExitCode::from(2);
    }
    match testing::read_dirs(dirs) {
        Ok(more) => files.extend(more),
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    }
    let data = match crate::policy::load_data_paths(&crate::policy::PolicyFiles::WorkTree, data) {
        Ok(data) => data,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let suites = testing::run_suites(dirs);
    if files.is_empty() && suites.is_empty() {
        eprintln!(
            "error: no policies found in {}",
            dirs.iter()
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        return ExitCode::from(2);
    }
    let mut cases = testing::run(&files, &data, dirs);
    cases.extend(suites);
    let (text, ok) = testing::report(&cases, verbose);
    print_stdout(&text);
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn print_stdout(text: &str) -> ExitCode {
    let mut out = std::io::stdout().lock();
    // A closed pipe (`gitops-lint rules | head`) is not an error worth reporting.
    let _ = out.write_all(text.as_bytes());
    ExitCode::SUCCESS
}
