//! The pipeline, top to bottom in one function:
//!
//! ```text
//! settings ─► discover ─► parse (spans) ─► object rules ─► schema ─► policies ─► suppress ─► report ─► exit code
//! ```
//!
//! API-server rules and the dry-run slot in beside them; each stage takes the parsed files and
//! returns findings.

use std::io::Write;
use std::time::Instant;

use rayon::prelude::*;

use crate::discover::{self, Walk};
use crate::error::Error;
use crate::finding::{self, Finding};
use crate::parse::{self, Parsed, ParsedFile};
use crate::report::{self, CheckedObject, Format, HumanOptions, Report, Summary};
use crate::settings::Settings;
use crate::{check, kustomize, policy, schema, suppress};

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
    let fails = outcome
        .findings
        .iter()
        .any(|f| report::fails(settings.fail_on, f.severity));
    Ok(u8::from(fails))
}

/// Discovers, parses and checks; no output.
pub fn check_paths(settings: &Settings) -> Result<Outcome, Error> {
    let started = Instant::now();
    let Loaded {
        mut files,
        mut skipped,
    } = load(settings)?;

    let mut findings: Vec<Finding> = files
        .iter_mut()
        .flat_map(|f| std::mem::take(&mut f.findings))
        .collect();
    findings.extend(check::run(&files));
    findings.extend(schema::check(&files, settings));
    schema::absorb_yaml_warnings(&mut findings);
    findings.extend(policy::check(&files, settings));

    let mut findings = suppress::apply(findings, &files, settings);
    redact_secrets(&mut findings, &files);
    finding::sort_findings(&mut findings);

    skipped.sort();
    let summary = Summary {
        files: files.len(),
        documents: files.iter().map(|f| f.documents).sum(),
        checked: checked_objects(&files),
        skipped,
        elapsed: started.elapsed(),
    };
    Ok(Outcome { findings, summary })
}

/// The checked set after discovery and parsing.
pub struct Loaded {
    pub files: Vec<ParsedFile>,
    pub skipped: Vec<discover::Skipped>,
}

/// Discovers and parses every file (in parallel), and marks Kustomize inputs.
pub fn load(settings: &Settings) -> Result<Loaded, Error> {
    let (candidates, mut skipped) = discover::discover(&Walk {
        paths: &settings.paths,
        exclude: &settings.exclude,
        exclude_base: &settings.base,
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
    kustomize::mark_inputs(&mut files);
    Ok(Loaded { files, skipped })
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
    let stdout = report::render(settings.format, &report, human);
    let mut out = std::io::stdout().lock();
    if let Err(error) = out.write_all(stdout.as_bytes()).and_then(|()| out.flush())
        && error.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(Error::Output { path: None, error });
    }
    for (format, path) in &settings.reports {
        let text = report::render(*format, &report, HumanOptions::default());
        std::fs::write(path, text).map_err(|error| Error::Output {
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
