//! Discovery: which files a run checks, and what each file is.
//!
//! Directories are walked the way ripgrep walks them (`.gitignore`, `.ignore`,
//! `.gitopslintignore`, hidden files skipped); files named on the command line are taken as
//! they are, as pre-commit passes them. Symlinks are never followed out of the root they were
//! found under. In changed mode the candidates are the changed files instead, filtered as a walk
//! of the paths would filter them (under a path, not hidden below it, not ignored). This module
//! classifies files by name and place only (a Helm chart's `templates/`, `kustomization.yaml`);
//! it never reads file contents.

use std::collections::{BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};

use globset::GlobSet;
use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// What a file is, as far as its name and place tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileRole {
    /// Kubernetes manifests: every document should be an object.
    Manifest,
    /// A Kustomize configuration file (`kustomization.yaml`).
    Kustomization,
    /// A file a kustomization uses as a patch or generator input: parsed, not an object.
    KustomizeInput,
    /// A Helm chart's own YAML (`Chart.yaml`, values files): parsed, not objects.
    HelmChartFile,
    /// A Helm template: not YAML until rendered; counted and skipped.
    HelmTemplate,
}

impl FileRole {
    /// Whether the documents of such a file are Kubernetes objects to check.
    pub fn holds_objects(self) -> bool {
        self == FileRole::Manifest
    }
}

/// A file selected for checking.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub path: PathBuf,
    pub role: FileRole,
}

/// Something discovery passed over, reported once in the summary.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: SkipReason,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SkipReason {
    HelmTemplate,
    SymlinkOutsideRoot,
}

impl SkipReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::HelmTemplate => "helm-template",
            SkipReason::SymlinkOutsideRoot => "symlink-outside-root",
        }
    }
}

/// An error that stops the run: a path that does not exist.
#[derive(Debug)]
pub struct DiscoverError {
    pub path: PathBuf,
    pub error: std::io::Error,
}

/// What to walk and what to leave out.
pub struct Walk<'a> {
    pub paths: &'a [PathBuf],
    /// Exclude globs, matched against paths relative to `exclude_base`.
    pub exclude: &'a GlobSet,
    pub exclude_base: &'a Path,
    /// Changed mode: the files to select from instead of walking `paths`.
    pub only: Option<Selection<'a>>,
}

/// The changed files of changed mode.
#[derive(Clone, Copy)]
pub struct Selection<'a> {
    /// Absolute paths.
    pub files: &'a [PathBuf],
    /// The repository root: ignore files are read from it down to each file's directory.
    pub root: &'a Path,
}

const EXTENSIONS: &[&str] = &["yaml", "yml", "json"];
/// The names Kustomize looks for in a directory.
pub const KUSTOMIZATION_NAMES: &[&str] =
    &["kustomization.yaml", "kustomization.yml", "Kustomization"];
/// Tool configuration files that live beside manifests but are not manifests.
const TOOL_FILES: &[&str] = &[
    ".gitops-lint.yaml",
    ".gitops-lint.yml",
    ".pre-commit-config.yaml",
    ".pre-commit-hooks.yaml",
];

/// Finds the files to check, sorted by path, each once.
pub fn discover(walk: &Walk<'_>) -> Result<(Vec<Candidate>, Vec<Skipped>), DiscoverError> {
    let mut files = BTreeSet::new();
    let mut skipped = Vec::new();
    if let Some(selection) = walk.only {
        select(walk, selection, &mut files, &mut skipped);
        return Ok(classify(files, skipped));
    }
    for root in walk.paths {
        let metadata = std::fs::metadata(root).map_err(|error| DiscoverError {
            path: root.clone(),
            error,
        })?;
        if metadata.is_file() {
            if is_manifest_name(root) && !is_excluded(walk, root) {
                files.insert(normalize(root));
            }
            continue;
        }
        let canonical_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.clone());
        let walker = ignore::WalkBuilder::new(root)
            .follow_links(false)
            .add_custom_ignore_filename(".gitopslintignore")
            .build();
        for entry in walker.flatten() {
            let path = entry.path();
            let Some(file_type) = entry.file_type() else {
                continue;
            };
            if file_type.is_dir() || !is_manifest_name(path) || is_excluded(walk, path) {
                continue;
            }
            if file_type.is_symlink() {
                match std::fs::canonicalize(path) {
                    Ok(target) if target.starts_with(&canonical_root) && target.is_file() => {}
                    Ok(target) if target.is_dir() => continue,
                    _ => {
                        skipped.push(Skipped {
                            path: normalize(path),
                            reason: SkipReason::SymlinkOutsideRoot,
                        });
                        continue;
                    }
                }
            }
            files.insert(normalize(path));
        }
    }
    Ok(classify(files, skipped))
}

/// Candidates by role; Helm templates are skipped, tool files dropped.
fn classify(files: BTreeSet<PathBuf>, mut skipped: Vec<Skipped>) -> (Vec<Candidate>, Vec<Skipped>) {
    let mut candidates = Vec::with_capacity(files.len());
    for path in files {
        let role = role_of(&path);
        if role == FileRole::HelmTemplate {
            skipped.push(Skipped {
                path,
                reason: SkipReason::HelmTemplate,
            });
        } else if !is_tool_file(&path) {
            candidates.push(Candidate { path, role });
        }
    }
    skipped.sort();
    (candidates, skipped)
}

/// The changed files a walk of `walk.paths` would check: under one of them, with a manifest
/// name, not excluded, and — below the path — neither hidden nor ignored. Without walking.
fn select(
    walk: &Walk<'_>,
    selection: Selection<'_>,
    files: &mut BTreeSet<PathBuf>,
    skipped: &mut Vec<Skipped>,
) {
    let roots: Vec<PathBuf> = walk.paths.iter().map(|p| absolute(p)).collect();
    let mut ignores = IgnoreFiles::new(selection.root);
    for file in selection.files {
        let file = absolute(file);
        let Some(root) = roots.iter().find(|r| file.starts_with(r)) else {
            continue;
        };
        if !is_manifest_name(&file) || is_excluded(walk, &file) {
            continue;
        }
        let named = file == *root;
        if !named && (is_hidden_below(&file, root) || ignores.ignores(&file)) {
            continue;
        }
        let Ok(metadata) = std::fs::symlink_metadata(&file) else {
            continue;
        };
        if metadata.file_type().is_symlink() {
            let canonical_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.clone());
            match std::fs::canonicalize(&file) {
                Ok(target) if target.is_dir() => continue,
                Ok(target) if named || target.starts_with(&canonical_root) => {}
                _ => {
                    skipped.push(Skipped {
                        path: file,
                        reason: SkipReason::SymlinkOutsideRoot,
                    });
                    continue;
                }
            }
        } else if !metadata.is_file() {
            continue;
        }
        files.insert(file);
    }
}

fn is_hidden_below(path: &Path, root: &Path) -> bool {
    path.strip_prefix(root).is_ok_and(|rest| {
        rest.components().any(|c| match c {
            Component::Normal(name) => name.to_string_lossy().starts_with('.'),
            _ => false,
        })
    })
}

/// `.gitignore`, `.ignore` and `.gitopslintignore` files from a root down, read on demand; the
/// nearest file with a say decides, and in one directory `.gitopslintignore` wins over
/// `.ignore`, which wins over `.gitignore` (as the walker ranks them).
struct IgnoreFiles<'a> {
    root: &'a Path,
    by_dir: HashMap<PathBuf, Option<Gitignore>>,
}

impl<'a> IgnoreFiles<'a> {
    fn new(root: &'a Path) -> IgnoreFiles<'a> {
        IgnoreFiles {
            root,
            by_dir: HashMap::new(),
        }
    }

    fn ignores(&mut self, file: &Path) -> bool {
        let mut dir = file.parent();
        while let Some(current) = dir {
            if !current.starts_with(self.root) {
                break;
            }
            let matcher = self.by_dir.entry(current.to_path_buf()).or_insert_with(|| {
                let mut builder = GitignoreBuilder::new(current);
                let mut any = false;
                for name in [".gitignore", ".ignore", ".gitopslintignore"] {
                    let path = current.join(name);
                    if path.is_file() {
                        any = true;
                        // A bad line is skipped, as the walker skips it.
                        let _ = builder.add(path);
                    }
                }
                any.then(|| builder.build().ok()).flatten()
            });
            if let Some(matcher) = matcher {
                match matcher.matched_path_or_any_parents(file, false) {
                    Match::Ignore(_) => return true,
                    Match::Whitelist(_) => return false,
                    Match::None => {}
                }
            }
            dir = current.parent();
        }
        false
    }
}

fn is_manifest_name(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    KUSTOMIZATION_NAMES.contains(&name)
        || path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|ext| EXTENSIONS.contains(&ext))
}

fn is_tool_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    TOOL_FILES.contains(&name)
}

fn is_excluded(walk: &Walk<'_>, path: &Path) -> bool {
    if walk.exclude.is_empty() {
        return false;
    }
    let absolute = absolute(path);
    let relative = absolute
        .strip_prefix(walk.exclude_base)
        .unwrap_or(&absolute);
    walk.exclude.is_match(relative)
}

/// The role a file's name and place give it.
pub fn role_of(path: &Path) -> FileRole {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if KUSTOMIZATION_NAMES.contains(&name) {
        return FileRole::Kustomization;
    }
    let parent = path.parent().unwrap_or(Path::new(""));
    if has_chart(parent)
        && (name == "Chart.yaml" || name == "Chart.lock" || name.starts_with("values"))
    {
        return FileRole::HelmChartFile;
    }
    // A chart's templates/ (at any depth below it) holds Go templates, not YAML.
    let mut dir = parent;
    while let Some(dir_name) = dir.file_name() {
        let above = dir.parent().unwrap_or(Path::new(""));
        if dir_name == "templates" && has_chart(above) {
            return FileRole::HelmTemplate;
        }
        dir = above;
    }
    FileRole::Manifest
}

fn has_chart(dir: &Path) -> bool {
    dir.join("Chart.yaml").is_file()
}

/// Whether a file's text may be a Go template: `{{` outside quoted strings and comments. The
/// parse stage decides (see `parse::parse_file`).
pub fn looks_like_template(text: &str) -> bool {
    if !text.contains("{{") {
        return false;
    }
    text.lines().any(|line| {
        let mut quote = None;
        let bytes = line.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            match quote {
                Some(q) if b == q => quote = None,
                Some(b'"') if b == b'\\' => i += 1,
                Some(_) => {}
                None if b == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()) => break,
                None if b == b'"' || b == b'\'' => quote = Some(b),
                None if b == b'{' && bytes.get(i + 1) == Some(&b'{') => return true,
                None => {}
            }
            i += 1;
        }
        false
    })
}

/// Whether a line is a template action on its own (`{{- if .Values.x }}`, `{{ end }}`).
pub fn has_template_action_line(text: &str) -> bool {
    text.lines().any(|line| line.trim_start().starts_with("{{"))
}

/// `./a/../b.yaml` → `b.yaml`, lexically; keeps paths as the user wrote them otherwise.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                None | Some(Component::ParentDir) => out.push(".."),
                Some(Component::RootDir | Component::Prefix(_)) => {}
                Some(_) => {
                    out.pop();
                }
            },
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// The absolute, lexically normalized form of a path.
pub fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        normalize(path)
    } else {
        let cwd = std::env::current_dir().unwrap_or_default();
        normalize(&cwd.join(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_detected_outside_strings_only() {
        assert!(looks_like_template("name: {{ .Release.Name }}\n"));
        assert!(looks_like_template("{{- if .Values.x }}\n"));
        assert!(!looks_like_template("value: \"{{workflow.name}}\"\n"));
        assert!(!looks_like_template("value: '{{ x }}'\n"));
        assert!(!looks_like_template("a: 1 # {{ comment }}\n"));
        assert!(!looks_like_template("a: 1\n"));
    }

    #[test]
    fn normalize_is_lexical() {
        assert_eq!(
            normalize(Path::new("./a/../b.yaml")),
            PathBuf::from("b.yaml")
        );
        assert_eq!(normalize(Path::new("../x/./y")), PathBuf::from("../x/y"));
        assert_eq!(normalize(Path::new(".")), PathBuf::from("."));
    }
}
