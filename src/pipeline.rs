//! The pipeline, top to bottom in one function:
//!
//! ```text
//! settings ─► discover ─► parse (spans) ─► render ─► object rules ─► schema ─► API-server rules ─► policies ─► dry-run ─► map back ─► suppress ─► report ─► exit code
//! ```
//!
//! The render stage turns Kustomize overlays and Helm charts into the objects CD applies; the
//! checks (the dry-run included) run on those instead of the files they cover, and
//! `render::origin::map_back` puts each finding back on the repository file and line the field
//! comes from. Each stage takes the parsed files and
//! returns findings. In changed mode discovery selects the changed files, changed policy files
//! are reviewed beside the policy stage, and a change without a manifest stops after discovery.

use std::io::Write;
use std::time::Instant;

use rayon::prelude::*;

use crate::discover::{self, Candidate, FileRole, Selection, Walk};
use crate::error::Error;
use crate::finding::{self, Finding};
use crate::parse::{self, Parsed, ParsedFile};
use crate::policy::changed::Gate;
use crate::report::{
    self, ChangeSummary, CheckedObject, Format, HumanOptions, RenderSummary, Report, Summary,
};
use crate::settings::{ChangedFiles, Settings};
use crate::{apiserver, check, dry_run, kustomize, policy, render, schema, suppress};

/// What a run found, before rendering.
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub summary: Summary,
}

/// Runs a whole check and writes its reports. Returns the exit status: 0 clean, 1 findings at or
/// above `--fail-on`.
pub fn run(settings: &Settings) -> Result<u8, Error> {
    let outcome = in_pool(settings, || check_paths(settings))?;
    write_reports(settings, &outcome)?;
    // The human format says it in its summary; the others keep stdout parseable.
    if outcome.summary.nothing_to_check() && settings.format != Format::Human && !settings.quiet {
        eprintln!("{}", report::human::NOTHING_TO_CHECK);
    }
    let fails = outcome
        .findings
        .iter()
        .any(|f| report::fails(settings.fail_on, f.severity));
    Ok(u8::from(fails))
}

/// Discovers, parses and checks; no output.
pub fn check_paths(settings: &Settings) -> Result<Outcome, Error> {
    let started = Instant::now();
    // Loading the bundled library (parsing its Rego, reading its metadata) is serial work of
    // tens of milliseconds: do it on another thread while the files are read and parsed.
    if settings.policy.bundled {
        let _ = std::thread::Builder::new().spawn(|| {
            policy::library::library();
        });
    }
    let Loaded {
        mut files,
        mut skipped,
        kustomizations,
    } = load(settings)?;

    let mut findings: Vec<Finding> = files
        .iter_mut()
        .flat_map(|f| std::mem::take(&mut f.findings))
        .collect();
    // Kustomize overlays and Helm charts become the objects CD applies; the files they cover
    // are checked through them.
    let mut rendered = render::render(&files, &kustomizations, settings);
    findings.append(&mut rendered.findings);
    let repository_files = files.len();
    let documents = files.iter().map(|f| f.documents).sum();
    let checked_objects = checked_objects(&files);
    let (mut checked, covered): (Vec<ParsedFile>, Vec<ParsedFile>) =
        files.into_iter().partition(|f| {
            !(f.role == FileRole::Manifest
                && rendered
                    .covered
                    .contains(&discover::absolute(&f.source.path)))
        });
    for file in &mut rendered.files {
        findings.append(&mut file.findings);
    }
    checked.append(&mut rendered.files);
    // A change that touches no manifest: nothing to check, so no schema or policy is loaded.
    let nothing_to_check = checked.is_empty() && covered.is_empty() && settings.changes.is_some();
    if !nothing_to_check {
        findings.extend(check::run(&checked));
        findings.extend(schema::check(&checked, settings));
        schema::absorb_yaml_warnings(&mut findings);
        findings.extend(apiserver::check(&checked, settings));
        apiserver::absorb_schema_repeats(&mut findings);
        findings.extend(policy::check(&checked, settings));
        findings.extend(dry_run::check(&checked, settings)?);
    }
    let mut files = checked;
    files.extend(covered);
    files.append(&mut rendered.context);
    let mut findings = render::origin::map_back(findings, &rendered, &files);
    if let Some(changes) = &settings.changes {
        let gate = Gate {
            base_commit: changes.short_commit(),
            trust_head: changes.trust_head_policies,
        };
        findings.extend(policy::changed::review(&changes.policy_files, gate));
        findings.extend(policy::changed::review_objects(
            &files,
            gate,
            &changes.policy_files,
        ));
    }

    let mut findings = suppress::apply(std::mem::take(&mut findings), &files, settings);
    name_environments(&mut findings, settings);
    redact_secrets(&mut findings, &files);
    // Freeing every parsed document takes tens of milliseconds on a large repository, and
    // nothing after this point reads them (findings hold their source files): free them on
    // another thread while the findings are sorted and reported.
    let _ = std::thread::Builder::new().spawn(move || drop(files));
    finding::sort_findings(&mut findings);

    skipped.sort();
    let summary = Summary {
        files: repository_files,
        documents,
        checked: checked_objects,
        skipped,
        elapsed: started.elapsed(),
        changes: settings.changes.as_ref().map(change_summary),
        renders: RenderSummary {
            selected: rendered.selected,
            rendered: rendered.rendered,
            cached: rendered.cached,
        },
    };
    Ok(Outcome { findings, summary })
}

/// The checked set after discovery and parsing.
pub struct Loaded {
    pub files: Vec<ParsedFile>,
    pub skipped: Vec<discover::Skipped>,
    /// Changed mode: the repository's other kustomizations, parsed once for marking inputs and
    /// for the render graph; not checked.
    pub kustomizations: Vec<ParsedFile>,
}

/// Discovers and parses every file (in parallel), and marks Kustomize inputs.
pub fn load(settings: &Settings) -> Result<Loaded, Error> {
    let (candidates, mut skipped) = discover::discover(&Walk {
        paths: &settings.paths,
        exclude: &settings.exclude,
        exclude_base: &settings.base,
        only: settings.changes.as_ref().map(|c| Selection {
            files: &c.files,
            root: &c.workdir,
        }),
    })?;
    let parsed: Vec<Parsed> = candidates
        .par_iter()
        .map(|candidate| parse::parse_file(candidate, settings))
        .collect();
    let mut files = Vec::with_capacity(parsed.len());
    for p in parsed {
        match p {
            Parsed::File(file) => files.push(file),
            Parsed::Skipped(s) => skipped.push(s),
        }
    }
    let kustomizations = match &settings.changes {
        Some(changes) => repository_kustomizations(changes, &files, settings),
        None => Vec::new(),
    };
    kustomize::mark_inputs(&mut files, &kustomizations);
    Ok(Loaded {
        files,
        skipped,
        kustomizations,
    })
}

/// Changed mode: the repository's kustomizations that are not among the changed files, parsed
/// once, so that a changed patch is known as one and the render graph can find the overlays a
/// change reaches (they are not checked or reported).
fn repository_kustomizations(
    changes: &ChangedFiles,
    files: &[ParsedFile],
    settings: &Settings,
) -> Vec<ParsedFile> {
    let checked: std::collections::HashSet<std::path::PathBuf> = files
        .iter()
        .map(|f| discover::absolute(&f.source.path))
        .collect();
    changes
        .kustomizations
        .par_iter()
        .filter(|path| !checked.contains(*path))
        .filter_map(|path| {
            let candidate = Candidate {
                path: path.clone(),
                role: FileRole::Kustomization,
            };
            match parse::parse_file(&candidate, settings) {
                Parsed::File(file) => Some(file),
                Parsed::Skipped(_) => None,
            }
        })
        .collect()
}

fn change_summary(changes: &ChangedFiles) -> ChangeSummary {
    ChangeSummary {
        base: changes.base.clone(),
        base_commit: changes.base_commit.clone(),
        touched: changes.touched,
        deleted: changes.deleted.clone(),
        renamed: changes.renamed.clone(),
        base_policies: !changes.trust_head_policies,
        notes: changes.notes.clone(),
    }
}

/// Every finding names its environment, when the config names environments.
fn name_environments(findings: &mut [Finding], settings: &Settings) {
    if settings.environments.is_empty() {
        return;
    }
    for finding in findings {
        finding.environment = settings
            .environment(finding.level_path())
            .map(|e| e.name.clone());
    }
}

/// No finding message repeats a Secret's data.
fn redact_secrets(findings: &mut [Finding], files: &[ParsedFile]) {
    let objects: std::collections::HashMap<
        (&str, crate::finding::ObjectRef),
        &crate::manifest::Object,
    > = files
        .iter()
        .flat_map(|f| {
            f.objects
                .iter()
                .map(move |o| ((f.source.name.as_str(), o.reference), o))
        })
        .collect();
    crate::secrets::redact(findings, |finding| {
        let object = objects.get(&(finding.location.file.name.as_str(), finding.object?))?;
        crate::secrets::secret_texts(
            &object.value,
            &object.source.text,
            finding.location.span,
            finding.field.as_deref()?,
        )
    });
}

fn checked_objects(files: &[ParsedFile]) -> Vec<CheckedObject> {
    files
        .iter()
        .filter(|f| f.role.holds_objects())
        .flat_map(|f| {
            f.objects.iter().map(|o| CheckedObject {
                file: f.source.clone(),
                object: Some(o.reference),
                name: o.display_name(),
            })
        })
        .collect()
}

fn in_pool<T: Send>(settings: &Settings, job: impl FnOnce() -> T + Send) -> T {
    match settings.jobs {
        Some(threads) => match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
            Ok(pool) => pool.install(job),
            Err(_) => job(),
        },
        None => job(),
    }
}

fn write_reports(settings: &Settings, outcome: &Outcome) -> Result<(), Error> {
    let report = Report {
        findings: &outcome.findings,
        summary: &outcome.summary,
        fail_on: settings.fail_on,
    };
    let human = HumanOptions {
        color: settings.color,
        quiet: settings.quiet,
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if let Err(error) =
        report::write(settings.format, &report, human, &mut out).and_then(|()| out.flush())
        && error.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(Error::Output { path: None, error });
    }
    for (format, path) in &settings.reports {
        std::fs::File::create(path)
            .and_then(|file| {
                let mut file = std::io::BufWriter::new(file);
                report::write(*format, &report, HumanOptions::default(), &mut file)?;
                file.flush()
            })
            .map_err(|error| Error::Output {
                path: Some(path.clone()),
                error,
            })?;
    }
    let wants_summary = settings.format == Format::Github
        || settings.reports.iter().any(|(f, _)| *f == Format::Github);
    if wants_summary && let Some(path) = &settings.github_step_summary {
        let text = report::github::step_summary(&report);
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .map_err(|error| Error::Output {
                path: Some(path.clone()),
                error,
            })?;
    }
    Ok(())
}
