//! The dry-run stage: every object is server-side applied with `dryRun=All` on its cluster, and
//! the answers become findings at the fields they name.
//!
//! Objects are grouped by cluster (an environment's `context`/`kubeconfig`, else the run's),
//! each cluster is discovered once, Namespaces and CRDs go first, and an object whose namespace
//! or CRD the same change creates is skipped with an info. Requests are made by `client` (which
//! cannot build a write), answers are read by `status`. A configured cluster that cannot be
//! reached or refuses the credentials stops the run (exit 2); one `auto` only guessed from
//! `KUBECONFIG` is skipped with a note.
//!
//! This module does not read the environment or the config file: `settings` decided all of it.

pub mod client;
pub mod diff;
pub mod discovery;
pub mod order;
pub mod status;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::PathBuf;
use std::time::Duration;

use futures_util::StreamExt;
use kube::config::{KubeConfigOptions, Kubeconfig};
use serde_json::Value;

use crate::error::Error;
use crate::finding::Finding;
use crate::manifest::{FieldPath, Object};
use crate::parse::ParsedFile;
use crate::rules;
use crate::settings::Settings;
use client::{Answer, Connection, DryRun, Failure, Read, Request};
use discovery::{DiscoveryError, Served};

/// Where the dry-run's cluster came from; decides whether failing to reach it is an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClusterSource {
    /// `--kubeconfig` or `--context`.
    Flag,
    /// `KUBECONFIG` alone, under `--dry-run auto`: a guess.
    Environment,
    /// `--dry-run server`.
    Required,
}

/// The dry-run, decided by `settings`.
#[derive(Clone, Debug)]
pub struct DryRunSettings {
    pub active: bool,
    /// `auto` found no cluster: say so once.
    pub auto_off: bool,
    /// The run's cluster, for files whose environment names none; `None`: only environments
    /// name clusters, and other files are not dry-run.
    pub default_cluster: Option<ClusterSource>,
    /// Kubeconfig files, merged in order (`--kubeconfig`, else `KUBECONFIG`, else
    /// `~/.kube/config`); empty: the in-cluster service account.
    pub kubeconfig: Vec<PathBuf>,
    pub context: Option<String>,
    /// Running in a pod (`KUBERNETES_SERVICE_HOST`).
    pub in_cluster: bool,
    pub concurrency: usize,
    pub timeout: Duration,
    pub deadline: Duration,
    /// `--diff`: print what an apply would change (stderr).
    pub diff: bool,
}

impl Default for DryRunSettings {
    fn default() -> Self {
        DryRunSettings {
            active: false,
            auto_off: false,
            default_cluster: None,
            kubeconfig: Vec::new(),
            context: None,
            in_cluster: false,
            concurrency: 8,
            timeout: Duration::from_secs(30),
            deadline: Duration::from_secs(300),
            diff: false,
        }
    }
}

/// One cluster: a kubeconfig and context.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Target {
    kubeconfig: Vec<PathBuf>,
    context: Option<String>,
    /// Configured for an environment (never a guess).
    environment: Option<String>,
}

impl Target {
    fn describe(&self) -> String {
        let config = if self.kubeconfig.is_empty() {
            "the in-cluster service account".to_string()
        } else {
            self.kubeconfig
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(":")
        };
        let mut out = match &self.context {
            Some(context) => format!("context `{context}` of {config}"),
            None => format!("the current context of {config}"),
        };
        if let Some(env) = &self.environment {
            out.push_str(&format!(" (environment `{env}`)"));
        }
        out
    }
}

/// Dry-runs every object of the checked files on its cluster.
pub fn check(files: &[ParsedFile], settings: &Settings) -> Result<Vec<Finding>, Error> {
    let dry_run = &settings.dry_run;
    if !dry_run.active {
        if dry_run.auto_off && !settings.quiet {
            eprintln!(
                "note: server-side dry-run off: no cluster configured (--kubeconfig, --context, an environment's `context` with a kubeconfig, or KUBECONFIG)"
            );
        }
        return Ok(Vec::new());
    }
    let mut targets: BTreeMap<Target, Vec<&Object>> = BTreeMap::new();
    for object in crate::check::objects(files)
        .filter(|o| rules::not_kubernetes_object::is_kubernetes_object(o))
        .filter(|o| o.name().is_some() || o.metadata_str("generateName").is_some())
    {
        let environment = settings
            .environment(&object.source.path)
            .filter(|e| e.context.is_some() || e.kubeconfig.is_some());
        if environment.is_none() && dry_run.default_cluster.is_none() {
            continue;
        }
        let target = Target {
            kubeconfig: environment
                .and_then(|e| e.kubeconfig.clone())
                .map_or_else(|| dry_run.kubeconfig.clone(), |k| vec![k]),
            context: environment
                .and_then(|e| e.context.clone())
                .or_else(|| dry_run.context.clone()),
            environment: environment.map(|e| e.name.clone()),
        };
        // `auto` with an environment context and no kubeconfig anywhere: no cluster to ask.
        if target.kubeconfig.is_empty()
            && !dry_run.in_cluster
            && target.environment.is_some()
            && dry_run.default_cluster.is_none()
        {
            continue;
        }
        targets.entry(target).or_default().push(object);
    }
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::DryRun(format!("cannot start the dry-run: {e}")))?;
    let deadline = tokio::time::Instant::now() + dry_run.deadline;
    runtime.block_on(async {
        let mut findings = Vec::new();
        let mut diffs = Vec::new();
        for (target, objects) in &targets {
            let guessing = target.environment.is_none()
                && dry_run.default_cluster == Some(ClusterSource::Environment);
            match run_target(target, objects, dry_run, deadline, &mut diffs).await {
                Ok(more) => findings.extend(more),
                Err(TargetError::Unreachable(message)) if guessing => {
                    if !settings.quiet {
                        eprintln!(
                            "note: server-side dry-run skipped: {message} (--dry-run auto found KUBECONFIG; use --dry-run server to require the cluster, off to silence this)"
                        );
                    }
                }
                Err(TargetError::Unreachable(message) | TargetError::Fatal(message)) => {
                    return Err(Error::DryRun(message));
                }
            }
        }
        // Beside the report, not in it: every format's stdout stays what it was.
        if dry_run.diff {
            let mut err = std::io::stderr().lock();
            for diff in &diffs {
                let _ = std::io::Write::write_all(&mut err, diff.as_bytes());
            }
        }
        Ok(findings)
    })
}

enum TargetError {
    /// The cluster cannot be reached, configured or authenticated to: lenient when `auto`
    /// guessed.
    Unreachable(String),
    /// Reached, but the run cannot finish: discovery refused, deadline, throttled to the end.
    Fatal(String),
}

async fn connect(target: &Target, settings: &DryRunSettings) -> Result<kube::Client, String> {
    let mut config = if target.kubeconfig.is_empty() {
        if let Some(context) = &target.context {
            return Err(format!(
                "context `{context}` needs a kubeconfig: pass --kubeconfig FILE, set KUBECONFIG, or give the environment a `kubeconfig`"
            ));
        }
        if !settings.in_cluster {
            return Err("no kubeconfig: pass --kubeconfig FILE or set KUBECONFIG, or run in a pod with a service account".into());
        }
        kube::Config::incluster()
            .map_err(|e| format!("cannot use the in-cluster service account: {e}"))?
    } else {
        let mut merged: Option<Kubeconfig> = None;
        for path in &target.kubeconfig {
            let next = Kubeconfig::read_from(path)
                .map_err(|e| format!("cannot read kubeconfig {}: {e}", path.display()))?;
            merged = Some(match merged {
                None => next,
                Some(m) => m
                    .merge(next)
                    .map_err(|e| format!("cannot merge kubeconfig {}: {e}", path.display()))?,
            });
        }
        let kubeconfig = merged.unwrap_or_default();
        let options = KubeConfigOptions {
            context: target.context.clone(),
            ..KubeConfigOptions::default()
        };
        kube::Config::from_custom_kubeconfig(kubeconfig, &options)
            .await
            .map_err(|e| format!("cannot use {}: {e}", target.describe()))?
    };
    // Retries are ours (they honour the run's deadline and report what they retried).
    config.default_retry = false;
    config.connect_timeout = Some(settings.timeout);
    kube::Client::try_from(config)
        .map_err(|e| format!("cannot set up a client for {}: {e}", target.describe()))
}

async fn run_target(
    target: &Target,
    objects: &[&Object],
    settings: &DryRunSettings,
    deadline: tokio::time::Instant,
    diffs: &mut Vec<String>,
) -> Result<Vec<Finding>, TargetError> {
    let client = connect(target, settings)
        .await
        .map_err(TargetError::Unreachable)?;
    let default_namespace = client.default_namespace().to_string();
    let connection = Connection {
        client,
        timeout: settings.timeout,
        deadline,
    };
    match connection
        .send(&Request::Read(Read::get("/version", "application/json")))
        .await
    {
        Ok(answer) if answer.is_success() => {}
        Ok(answer) => return Err(refused(target, &answer)),
        Err(failure) => return Err(failed(target, failure)),
    }
    let wanted: BTreeSet<String> = objects
        .iter()
        .filter_map(|o| o.api_version().map(str::to_string))
        .collect();
    let served = discovery::discover(&connection, &wanted)
        .await
        .map_err(|e| match e {
            DiscoveryError::Failure(failure) => failed(target, failure),
            DiscoveryError::Answer(path, 401 | 403, text) => TargetError::Fatal(format!(
                "{} refuses discovery ({path}): {text}; the dry-run identity needs read access to discovery (the `system:discovery` role)",
                target.describe()
            )),
            DiscoveryError::Answer(path, code, text) => TargetError::Fatal(format!(
                "discovery on {} failed ({path}, {code}): {text}",
                target.describe()
            )),
        })?;

    let plan = order::plan(objects);
    let crd_kinds = order::crd_kinds(objects);
    let namespaces_in_change: HashSet<&str> = plan
        .first
        .iter()
        .filter(|o| order::is_namespace(o))
        .filter_map(|o| o.name())
        .collect();
    let context = Context {
        namespaces_in_change: &namespaces_in_change,
        connection: &connection,
        served: &served,
        default_namespace: &default_namespace,
        crd_kinds: &crd_kinds,
        concurrency: settings.concurrency,
        diff: settings.diff,
    };
    let first = context.dry_run_all(&plan.first, &HashSet::new()).await;
    let mut findings = Vec::new();
    let mut created_namespaces = HashSet::new();
    for (object, outcome) in plan.first.iter().zip(first) {
        let outcome = outcome.map_err(|f| failed(target, f))?;
        if order::is_namespace(object)
            && let Some(name) = object.name()
            && outcome.answer_code == Some(201)
        {
            created_namespaces.insert(name.to_string());
        }
        if outcome.answer_code == Some(401) {
            return Err(TargetError::Unreachable(unauthenticated(target)));
        }
        findings.extend(outcome.findings);
        diffs.extend(outcome.diff);
    }
    let rest = context.dry_run_all(&plan.rest, &created_namespaces).await;
    for outcome in rest {
        let outcome = outcome.map_err(|f| failed(target, f))?;
        if outcome.answer_code == Some(401) {
            return Err(TargetError::Unreachable(unauthenticated(target)));
        }
        findings.extend(outcome.findings);
        diffs.extend(outcome.diff);
    }
    if let Some(environment) = &target.environment {
        for finding in &mut findings {
            finding.environment = Some(environment.clone());
        }
    }
    Ok(findings)
}

fn refused(target: &Target, answer: &Answer) -> TargetError {
    if answer.code == 401 {
        return TargetError::Unreachable(unauthenticated(target));
    }
    TargetError::Fatal(format!(
        "{} answered {} to GET /version: {}",
        target.describe(),
        answer.code,
        answer.text()
    ))
}

fn unauthenticated(target: &Target) -> String {
    format!(
        "{} refuses the credentials (401 Unauthorized): renew the token or client certificate in the kubeconfig",
        target.describe()
    )
}

fn failed(target: &Target, failure: Failure) -> TargetError {
    match failure {
        Failure::Unreachable(message) => TargetError::Unreachable(format!(
            "cannot reach the cluster of {}: {message}; check the server address and network access, or pass --dry-run off",
            target.describe()
        )),
        Failure::Deadline => TargetError::Fatal(format!(
            "the dry-run on {} did not finish in time (--dry-run-deadline); raise it, or lower the number of objects",
            target.describe()
        )),
        Failure::Exhausted(answer) => TargetError::Fatal(format!(
            "{} still answers {} after retries: {}; try again later or lower --dry-run-concurrency",
            target.describe(),
            answer.code,
            answer.text()
        )),
    }
}

/// What one object's dry-run gave.
struct Outcome {
    findings: Vec<Finding>,
    /// The HTTP status, when a request was made.
    answer_code: Option<u16>,
    /// `--diff`: what an apply would change.
    diff: Option<String>,
}

struct Context<'a> {
    /// Namespaces the change defines: a 404 for one of them means the change creates it.
    namespaces_in_change: &'a HashSet<&'a str>,
    connection: &'a Connection,
    served: &'a Served,
    default_namespace: &'a str,
    crd_kinds: &'a BTreeMap<(String, String), &'a Object>,
    concurrency: usize,
    diff: bool,
}

impl Context<'_> {
    /// Dry-runs objects with bounded concurrency; results in the objects' order.
    async fn dry_run_all(
        &self,
        objects: &[&Object],
        created_namespaces: &HashSet<String>,
    ) -> Vec<Result<Outcome, Failure>> {
        futures_util::stream::iter(objects.iter())
            .map(|object| self.dry_run(object, created_namespaces))
            .buffered(self.concurrency)
            .collect()
            .await
    }

    async fn dry_run(
        &self,
        object: &Object,
        created_namespaces: &HashSet<String>,
    ) -> Result<Outcome, Failure> {
        let skipped = |message: String| Outcome {
            findings: vec![finding_at(
                object,
                None,
                rules::dry_run_skipped::RULE,
                message,
            )],
            answer_code: None,
            diff: None,
        };
        let api_version = object.api_version().unwrap_or("");
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
        let kind = object.kind().unwrap_or("");
        let Some(resource) = self.served.get(group, version, kind) else {
            if let Some(crd) = self.crd_kinds.get(&(group.to_string(), kind.to_string())) {
                return Ok(skipped(format!(
                    "{kind} is defined by CustomResourceDefinition `{}` in this change; dry-run skipped, offline checks ran",
                    crd.name().unwrap_or("")
                )));
            }
            let versions = self.served.versions_of(group, kind);
            let also = if versions.is_empty() {
                String::new()
            } else {
                format!(" (it serves {})", versions.join(", "))
            };
            return Ok(Outcome {
                findings: vec![
                    finding_at(
                        object,
                        Some("apiVersion"),
                        rules::unknown_server_kind::RULE,
                        format!("the cluster does not serve kind `{kind}` in `{api_version}`{also}"),
                    )
                    .with_help("install the CRD first (or add it to this change), or fix `apiVersion` and `kind`"),
                ],
                answer_code: None,
                diff: None,
            });
        };
        let name = object.name();
        let verb = if name.is_some() { "patch" } else { "create" };
        if !resource.verbs.is_empty() && !resource.verbs.iter().any(|v| v == verb) {
            return Ok(skipped(format!(
                "{} cannot be applied (the server does not allow `{verb}` on {}); dry-run skipped",
                object.display_name(),
                resource.qualified()
            )));
        }
        let namespace = object.namespace().unwrap_or(self.default_namespace);
        if resource.namespaced && created_namespaces.contains(namespace) {
            return Ok(skipped(format!(
                "namespace {namespace} is created by this change; dry-run skipped, offline checks ran"
            )));
        }
        let body = serde_json::to_vec(&object.value).unwrap_or_default();
        let request = match name {
            Some(name) => DryRun::apply(&resource.object(namespace, name), body),
            None => DryRun::create(&resource.collection(namespace), body),
        };
        let answer = self.connection.send(&Request::DryRun(request)).await?;
        // The Namespace's own dry-run may not have said (no permission on namespaces): the
        // server's 404 does.
        if answer.code == 404
            && self.namespaces_in_change.contains(namespace)
            && answer.status().is_some_and(|s| {
                s.details
                    .is_some_and(|d| d.kind.as_deref() == Some("namespaces"))
            })
        {
            return Ok(skipped(format!(
                "namespace {namespace} is created by this change; dry-run skipped, offline checks ran"
            )));
        }
        let mut findings = status::findings(object, &answer);
        redact(object, &mut findings);
        let diff = match name {
            Some(name) if self.diff && answer.is_success() => {
                let label = match resource.namespaced {
                    true => format!("{api_version}/{kind}/{namespace}/{name}"),
                    false => format!("{api_version}/{kind}/{name}"),
                };
                self.diff(&label, &resource.object(namespace, name), &answer)
                    .await?
            }
            _ => None,
        };
        Ok(Outcome {
            findings,
            answer_code: Some(answer.code),
            diff,
        })
    }

    /// The live object (a `GET`, when the dry-run says it exists) against the dry-run's result.
    async fn diff(
        &self,
        label: &str,
        path: &str,
        answer: &Answer,
    ) -> Result<Option<String>, Failure> {
        let Ok(after) = serde_json::from_slice::<Value>(&answer.body) else {
            return Ok(None);
        };
        let live = if answer.code == 200 {
            let got = self
                .connection
                .send(&Request::Read(Read::get(path, "application/json")))
                .await?;
            if !got.is_success() {
                return Ok(Some(format!(
                    "--- live/{0}\n+++ dry-run/{0}\n@@ cannot read the live object: {1} {2} @@\n",
                    label,
                    got.code,
                    got.text()
                )));
            }
            serde_json::from_slice::<Value>(&got.body).ok()
        } else {
            None
        };
        Ok(diff::render(label, live.as_ref(), &after))
    }
}

fn finding_at(object: &Object, field: Option<&str>, rule: rules::Rule, message: String) -> Finding {
    let location = match field {
        Some(field) => object.location(&FieldPath::parse(field)),
        None => object.head_location(),
    };
    Finding::new(rule.id, rule.default_severity, message, location).with_object(object.reference)
}

/// The server may echo any value it rejects; a Secret's never reach a message.
fn redact(object: &Object, findings: &mut [Finding]) {
    if object.kind() != Some("Secret") {
        return;
    }
    let mut values: Vec<&str> = ["data", "stringData"]
        .iter()
        .filter_map(|field| object.value.get(field).and_then(Value::as_object))
        .flat_map(|map| map.values().filter_map(Value::as_str))
        .filter(|v| v.len() > 1)
        .collect();
    values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    for finding in findings {
        for value in &values {
            finding.message = finding.message.replace(value, crate::secrets::REDACTED);
        }
    }
}
