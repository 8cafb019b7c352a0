//! The render stage: Kustomize overlays and Helm charts become the objects CD applies.
//!
//! ```text
//! graph (roots and what they read) ─► select roots ─► render (parallel, cached) ─► parse ─► origins
//! ```
//!
//! Checking a base file on its own is not what CD applies: each overlay that includes it
//! applies it patched, renamed and relabelled. This stage renders every root under the checked
//! paths (in changed mode: every root that reads a changed or deleted file), parses the output
//! like any manifest, and records where each rendered object came from. The checks then run on
//! the rendered objects instead of the files they cover, and `origin::map_back` puts every
//! finding back on a repository file's line: the patch that set the field, else the source
//! file, else the kustomization that generated or transformed the object.
//!
//! A root whose renderer is missing gets one `renderer-unavailable` finding and its files are
//! checked as plain manifests; a render that fails is a `render-failed` error (CD would fail the
//! same way) and its files too are checked as plain manifests.

pub mod graph;
pub mod origin;
pub mod run;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::Value;

use crate::discover::{FileRole, absolute};
use crate::finding::{Finding, Location, RenderedFrom};
use crate::manifest::yaml;
use crate::parse::{self, ParsedFile};
use crate::rules;
use crate::settings::Settings;
use crate::source::{SourceFile, Span};
use graph::{Graph, Root, RootKind};
pub use run::default_cache_dir;
use run::{Job, Renderer};

/// Annotations Kustomize adds with `buildMetadata`; removed before the objects are checked.
const ORIGIN_ANNOTATION: &str = "config.kubernetes.io/origin";
const TRANSFORMATIONS_ANNOTATION: &str = "alpha.config.kubernetes.io/transformations";

/// What the render stage produced.
#[derive(Default)]
pub struct Rendered {
    /// What each render was, and where its objects came from.
    pub outputs: Vec<Output>,
    /// The rendered outputs, parsed (one per `outputs` entry, same order); checked instead of
    /// the files they cover.
    pub files: Vec<ParsedFile>,
    /// Source files (absolute paths) whose objects are checked through a render.
    pub covered: HashSet<PathBuf>,
    /// Repository files the outputs came from that are not among the checked files (a base
    /// outside the paths, an unchanged base in changed mode), parsed to locate findings.
    pub context: Vec<ParsedFile>,
    /// Render failures and missing renderers.
    pub findings: Vec<Finding>,
    /// Roots selected for rendering, rendered or not.
    pub selected: usize,
    /// Roots rendered (including from the cache).
    pub rendered: usize,
    /// Renders that came from the cache.
    pub cached: usize,
}

/// One rendered root.
pub struct Output {
    /// The rendered file's name (`infra/production/(rendered)`).
    pub name: String,
    pub root: Arc<Root>,
    pub from: Arc<RenderedFrom>,
    /// Per object of `file`, where it came from.
    pub origins: Vec<Origin>,
}

/// Where a rendered object came from.
#[derive(Clone, Debug, Default)]
pub struct Origin {
    /// The repository file that holds it (absolute); `None` for generated objects.
    pub path: Option<PathBuf>,
    /// The kustomization that generated it (`configMapGenerator`, …), absolute.
    pub configured_in: Option<PathBuf>,
    /// The generator's kind (`ConfigMapGenerator`), for generated objects.
    pub generator: Option<String>,
    /// The kustomizations whose transformers touched it, with the transformer kinds.
    pub transformations: Vec<(PathBuf, String)>,
}

/// Renders the roots a run selects. `files` are the parsed checked files; `repository`, in
/// changed mode, the repository's other kustomizations (parsed by the load stage).
pub fn render(files: &[ParsedFile], repository: &[ParsedFile], settings: &Settings) -> Rendered {
    if !settings.render.enabled {
        return Rendered::default();
    }
    let graph = build_graph(files, repository, settings);
    if graph.is_empty() {
        return Rendered::default();
    }
    let roots = select_roots(&graph, settings);
    if roots.is_empty() {
        return Rendered::default();
    }
    let kustomize = Renderer::kustomize(settings.render.kustomize.as_deref());
    let helm = Renderer::helm(settings.render.helm.as_deref());
    let mut out = Rendered {
        selected: roots.len(),
        ..Rendered::default()
    };
    let mut jobs: Vec<(Job<'_>, &Renderer, Option<String>)> = Vec::new();
    for root in &roots {
        let renderer = match root.kind {
            RootKind::Kustomize => kustomize.as_ref(),
            RootKind::Helm => helm.as_ref(),
        };
        let Some(renderer) = renderer else {
            out.findings.push(unavailable(root, settings));
            continue;
        };
        if !root.remote.is_empty() {
            out.findings.push(remote(root));
            continue;
        }
        for (values, environment) in helm_values(root, settings) {
            jobs.push((Job { root, values }, renderer, environment));
        }
    }
    let cache = settings.render.cache_dir.as_deref();
    let results: Vec<_> = jobs
        .par_iter()
        .map(|(job, renderer, environment)| (job, environment, run::render(renderer, job, cache)))
        .collect();
    let mut failed: HashSet<PathBuf> = HashSet::new();
    for (job, environment, result) in results {
        match result {
            Ok((text, cached)) => {
                out.rendered += 1;
                out.cached += usize::from(cached);
                let (file, output) = output(job, environment.as_deref(), text, settings);
                out.files.push(file);
                out.outputs.push(output);
            }
            Err(failure) => {
                failed.insert(job.root.dir.clone());
                out.findings.push(failed_render(job.root, &failure.message));
            }
        }
    }
    // Files of a failed render stay checked as plain files, unless another render covers them.
    for root in roots.iter().filter(|r| !failed.contains(&r.dir)) {
        if out.outputs.iter().any(|o| o.root.dir == root.dir) {
            match root.kind {
                RootKind::Kustomize => out.covered.extend(root.inputs.iter().cloned()),
                RootKind::Helm => out.covered.extend(
                    files
                        .iter()
                        .map(|f| absolute(&f.source.path))
                        .filter(|p| p.starts_with(&root.dir)),
                ),
            }
        }
    }
    out.context = context_files(&out.outputs, files, settings);
    out
}

/// The graph of every kustomization and chart the run can see: in changed mode the
/// repository's (`repository` holds the kustomizations the change does not touch), otherwise
/// those under the paths, plus the kustomizations they include from elsewhere.
fn build_graph(files: &[ParsedFile], repository: &[ParsedFile], settings: &Settings) -> Graph {
    let mut graph = Graph::default();
    for file in files.iter().chain(repository) {
        let path = absolute(&file.source.path);
        match file.role {
            FileRole::Kustomization => {
                if let Some(object) = file.objects.first() {
                    graph.add_kustomization(&path, &object.value);
                }
            }
            FileRole::HelmChartFile
                if settings.changes.is_none()
                    && path.file_name().is_some_and(|n| n == "Chart.yaml") =>
            {
                graph.add_chart(&path);
            }
            _ => {}
        }
    }
    if let Some(changes) = &settings.changes {
        for chart in &changes.charts {
            graph.add_chart(chart);
        }
    }
    // Kustomizations included from outside the paths (an overlay checked without its base).
    // A file that does not parse is not added, so the loop ends.
    let mut tried: HashSet<PathBuf> = HashSet::new();
    loop {
        let missing: Vec<PathBuf> = graph
            .missing_includes()
            .into_iter()
            .filter(|p| tried.insert(p.clone()))
            .collect();
        if missing.is_empty() {
            break;
        }
        for path in missing {
            if let Some(value) = read_kustomization(&path) {
                graph.add_kustomization(&path, &value);
            }
        }
    }
    graph
}

fn read_kustomization(path: &Path) -> Option<Value> {
    let text = std::fs::read_to_string(path).ok()?;
    let stream = yaml::parse(&text, &yaml::Limits::default());
    stream.documents.into_iter().next().map(|d| d.value)
}

/// The roots to render: under the paths; in changed mode, those reading a changed or deleted
/// file (wherever they are: a changed base selects every overlay over it).
fn select_roots(graph: &Graph, settings: &Settings) -> Vec<Arc<Root>> {
    let roots = graph.roots();
    match &settings.changes {
        Some(changes) => {
            let touched: Vec<PathBuf> = changes
                .files
                .iter()
                .chain(&changes.deleted)
                .map(|p| absolute(p))
                .collect();
            roots
                .into_iter()
                .filter(|root| touched.iter().any(|f| root.reads(f)))
                .map(Arc::new)
                .collect()
        }
        None => {
            let paths: Vec<PathBuf> = settings.paths.iter().map(|p| absolute(p)).collect();
            roots
                .into_iter()
                .filter(|root| {
                    paths
                        .iter()
                        .any(|p| root.dir.starts_with(p) || *p == root.file)
                })
                .map(Arc::new)
                .collect()
        }
    }
}

/// The renders of a root: a kustomization once; a chart once per environment with values
/// files in it, else once with its default values.
fn helm_values(root: &Root, settings: &Settings) -> Vec<(Vec<PathBuf>, Option<String>)> {
    if root.kind == RootKind::Kustomize {
        return vec![(Vec::new(), None)];
    }
    let mut renders: Vec<(Vec<PathBuf>, Option<String>)> = settings
        .environments
        .iter()
        .filter_map(|environment| {
            let values: Vec<PathBuf> = environment
                .helm_values
                .iter()
                .map(|v| root.dir.join(v))
                .filter(|p| p.is_file())
                .collect();
            (!values.is_empty()).then(|| (values, Some(environment.name.clone())))
        })
        .collect();
    if renders.is_empty() {
        renders.push((Vec::new(), None));
    }
    renders
}

/// Parses a render's output and reads (then removes) its origin annotations.
fn output(
    job: &Job<'_>,
    environment: Option<&str>,
    text: String,
    settings: &Settings,
) -> (ParsedFile, Output) {
    let root = job.root;
    let (what, name) = match (root.kind, environment) {
        (RootKind::Kustomize, _) => ("overlay", "(rendered)".to_string()),
        (RootKind::Helm, Some(env)) => ("chart", format!("(rendered for {env})")),
        (RootKind::Helm, None) => ("chart", "(rendered)".to_string()),
    };
    let path = root.dir.join(name);
    let mut file = parse::parse_text(path.clone(), text, FileRole::Manifest, settings);
    let mut origins = Vec::with_capacity(file.objects.len());
    for object in &mut file.objects {
        let origin = match root.kind {
            RootKind::Kustomize => take_kustomize_origin(&mut object.value),
            RootKind::Helm => helm_origin(&object.source, object.document_span, &root.dir),
        };
        origins.push(origin);
    }
    let shown = crate::source::display_name(&root.dir);
    let from = Arc::new(RenderedFrom {
        path,
        root: match environment {
            Some(env) => format!("{shown} ({env} values)"),
            None => shown,
        },
        what,
    });
    let output = Output {
        name: file.source.name.clone(),
        root: root.clone(),
        from,
        origins,
    };
    (file, output)
}

/// Reads `config.kubernetes.io/origin` and the transformations annotation, and removes them
/// (and an `annotations` map they leave empty). Paths in them are relative to the wrapper
/// kustomization (`run::origin_path` resolves them).
fn take_kustomize_origin(value: &mut Value) -> Origin {
    let mut origin = Origin::default();
    let Some(metadata) = value.get_mut("metadata").and_then(Value::as_object_mut) else {
        return origin;
    };
    let Some(annotations) = metadata
        .get_mut("annotations")
        .and_then(Value::as_object_mut)
    else {
        return origin;
    };
    let parse = |text: &str| {
        yaml::parse(text, &yaml::Limits::default())
            .documents
            .into_iter()
            .next()
            .map(|d| d.value)
    };
    let text_at = |value: &Value, pointer: &str| {
        value
            .pointer(pointer)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    if let Some(Value::String(text)) = annotations.remove(ORIGIN_ANNOTATION)
        && let Some(fields) = parse(&text)
    {
        origin.path = text_at(&fields, "/path").map(|p| run::origin_path(&p));
        origin.configured_in = text_at(&fields, "/configuredIn").map(|p| run::origin_path(&p));
        origin.generator = text_at(&fields, "/configuredBy/kind");
    }
    if let Some(Value::String(text)) = annotations.remove(TRANSFORMATIONS_ANNOTATION)
        && let Some(Value::Array(items)) = parse(&text)
    {
        for item in items {
            if let (Some(configured_in), Some(kind)) = (
                text_at(&item, "/configuredIn"),
                text_at(&item, "/configuredBy/kind"),
            ) {
                origin
                    .transformations
                    .push((run::origin_path(&configured_in), kind));
            }
        }
    }
    if annotations.is_empty() {
        metadata.remove("annotations");
    }
    origin
}

/// A Helm object's template, from the `# Source: chart/templates/x.yaml` comment in its
/// document (the chart name stands for the chart's directory).
fn helm_origin(source: &SourceFile, document: Span, chart_dir: &Path) -> Origin {
    let text = source
        .text
        .get(document.start..document.end.min(source.text.len()))
        .unwrap_or("");
    let path = text.lines().find_map(|line| {
        let rest = line.trim().strip_prefix("# Source:")?.trim();
        let (_, inside) = rest.split_once('/')?;
        Some(chart_dir.join(inside))
    });
    Origin {
        path,
        ..Origin::default()
    }
}

/// Parses the repository files the outputs point into (sources and patches) that are not among
/// the checked files.
fn context_files(outputs: &[Output], files: &[ParsedFile], settings: &Settings) -> Vec<ParsedFile> {
    let have: HashSet<PathBuf> = files.iter().map(|f| absolute(&f.source.path)).collect();
    let mut wanted: std::collections::BTreeSet<PathBuf> = std::collections::BTreeSet::new();
    for output in outputs {
        for origin in &output.origins {
            wanted.extend(origin.path.iter().cloned());
            wanted.extend(origin.configured_in.iter().cloned());
            wanted.extend(origin.transformations.iter().map(|(k, _)| k.clone()));
        }
        if output.root.kind == RootKind::Kustomize {
            wanted.extend(output.root.kustomizations.iter().cloned());
            wanted.extend(output.root.patches.iter().cloned());
        }
    }
    wanted
        .into_par_iter()
        .filter(|p| !have.contains(p) && p.is_file())
        .filter_map(|path| {
            let role = crate::discover::role_of(&path);
            let candidate = crate::discover::Candidate { path, role };
            match parse::parse_file(&candidate, settings) {
                parse::Parsed::File(f) => Some(f),
                parse::Parsed::Skipped(_) => None,
            }
        })
        .collect()
}

fn root_location(root: &Root) -> Location {
    let text = std::fs::read_to_string(&root.file).unwrap_or_default();
    let end = text.find('\n').unwrap_or(text.len());
    Location {
        file: Arc::new(SourceFile::new(root.file.clone(), text)),
        span: Span { start: 0, end },
    }
}

fn unavailable(root: &Root, settings: &Settings) -> Finding {
    let (what, wanted) = match root.kind {
        RootKind::Kustomize => (
            "Kustomize overlay",
            match settings.render.kustomize.as_deref() {
                None | Some("auto") => "`kustomize` or `kubectl`".to_string(),
                Some(name) => format!("`{name}`"),
            },
        ),
        RootKind::Helm => (
            "Helm chart",
            format!("`{}`", settings.render.helm.as_deref().unwrap_or("helm")),
        ),
    };
    rules::renderer_unavailable::finding(
        root_location(root),
        &format!(
            "{what} {} was not rendered: {wanted} is not on PATH; its files were checked as plain manifests",
            crate::source::display_name(&root.dir)
        ),
    )
}

fn remote(root: &Root) -> Finding {
    rules::renderer_unavailable::finding(
        root_location(root),
        &format!(
            "Kustomize overlay {} was not rendered: it includes remote resources ({}), and checks never use the network; its files were checked as plain manifests",
            crate::source::display_name(&root.dir),
            root.remote.join(", ")
        ),
    )
}

fn failed_render(root: &Root, message: &str) -> Finding {
    let location = origin::failure_location(root, message).unwrap_or_else(|| root_location(root));
    rules::render_failed::finding(
        location,
        &format!(
            "{} {} does not render: {message}",
            match root.kind {
                RootKind::Kustomize => "Kustomize overlay",
                RootKind::Helm => "Helm chart",
            },
            crate::source::display_name(&root.dir)
        ),
    )
}
