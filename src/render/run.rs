//! Running the renderers (`kustomize build` or `kubectl kustomize`, `helm template`) and the
//! render cache.
//!
//! A Kustomize root is built through a wrapper kustomization in a temporary directory that names
//! the root as its one resource and turns on `buildMetadata: [originAnnotations,
//! transformerAnnotations]`, so that every rendered object says which file it came from and
//! which kustomizations transformed it, without touching the repository. Renders are cached by
//! the content hash of every file they read, so a run with no change renders nothing.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::graph::{Root, RootKind};

/// How long one render may take.
const TIMEOUT: Duration = Duration::from_secs(300);

/// A renderer program and the arguments that come before the target.
#[derive(Clone, Debug)]
pub struct Renderer {
    pub program: PathBuf,
    pub args: Vec<String>,
    /// What the cache key knows of the program: its path, size and modification time.
    identity: String,
}

impl Renderer {
    /// `kustomize build` or `kubectl kustomize`, from a setting: `auto` (or none: `kustomize`,
    /// then `kubectl` on PATH), a program name, or a path.
    pub fn kustomize(setting: Option<&str>) -> Option<Renderer> {
        let candidates: Vec<&str> = match setting {
            None | Some("auto") => vec!["kustomize", "kubectl"],
            Some(name) => vec![name],
        };
        candidates.into_iter().find_map(|name| {
            let program = find_program(name)?;
            let is_kubectl = program
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("kubectl"));
            let args = if is_kubectl { "kustomize" } else { "build" };
            Some(Renderer::new(program, vec![args.to_string()]))
        })
    }

    /// `helm template`, from a setting: `auto` (or none: `helm` on PATH), a name or a path.
    pub fn helm(setting: Option<&str>) -> Option<Renderer> {
        let name = match setting {
            None | Some("auto") => "helm",
            Some(name) => name,
        };
        let program = find_program(name)?;
        Some(Renderer::new(program, vec!["template".to_string()]))
    }

    fn new(program: PathBuf, args: Vec<String>) -> Renderer {
        let identity = match std::fs::metadata(&program) {
            Ok(m) => format!(
                "{} {} {:?} {}",
                program.display(),
                m.len(),
                m.modified().ok(),
                args.join(" ")
            ),
            Err(_) => program.display().to_string(),
        };
        Renderer {
            program,
            args,
            identity,
        }
    }

    /// The command line, for messages.
    pub fn describe(&self) -> String {
        let name = self.program.file_name().map_or_else(
            || self.program.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        format!("{name} {}", self.args.join(" "))
    }
}

/// A program by name on PATH, or a path that exists.
fn find_program(name: &str) -> Option<PathBuf> {
    let given = Path::new(name);
    if given.components().count() > 1 {
        return given.is_file().then(|| given.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// Why a render produced nothing.
#[derive(Clone, Debug)]
pub struct RenderFailure {
    pub message: String,
}

/// One render job: a root, and for a chart the values files to pass.
#[derive(Clone, Debug)]
pub struct Job<'a> {
    pub root: &'a Arc<Root>,
    pub values: Vec<PathBuf>,
}

/// Renders a job, through the cache when there is one. Returns the output text, and whether
/// it came from the cache.
pub fn render(
    renderer: &Renderer,
    job: &Job<'_>,
    cache: Option<&Path>,
) -> Result<(String, bool), RenderFailure> {
    let key = cache.map(|dir| (dir, cache_key(renderer, job)));
    if let Some((dir, key)) = &key
        && let Ok(text) = std::fs::read_to_string(dir.join(format!("{key}.yaml")))
    {
        return Ok((text, true));
    }
    let output = match job.root.kind {
        RootKind::Kustomize => kustomize(renderer, job.root),
        RootKind::Helm => helm(renderer, job),
    }?;
    if let Some((dir, key)) = key {
        // A cache that cannot be written only costs the next run a render.
        if std::fs::create_dir_all(dir).is_ok() {
            let temporary = dir.join(format!("{key}.{}.tmp", std::process::id()));
            if std::fs::write(&temporary, &output).is_ok() {
                let _ = std::fs::rename(&temporary, dir.join(format!("{key}.yaml")));
            }
        }
    }
    Ok((output, false))
}

static WRAPPERS: AtomicUsize = AtomicUsize::new(0);

/// Where wrapper kustomizations are made: one level under the temp directory, which is what
/// `origin_path` relies on.
fn new_wrapper_dir() -> PathBuf {
    std::env::temp_dir().join(format!(
        "gitops-lint-render-{}-{}",
        std::process::id(),
        WRAPPERS.fetch_add(1, Ordering::Relaxed)
    ))
}

/// A path in Kustomize's origin annotations (relative to the wrapper kustomization) as an
/// absolute path. Every wrapper is one level under the temp directory, so the same relative
/// path resolves the same way for a render read back from the cache.
pub fn origin_path(relative: &str) -> PathBuf {
    crate::discover::normalize(&std::env::temp_dir().join("wrapper").join(relative))
}

fn kustomize(renderer: &Renderer, root: &Root) -> Result<String, RenderFailure> {
    let wrapper = new_wrapper_dir();
    let failure = |e: std::io::Error| RenderFailure {
        message: format!("cannot prepare the render in {}: {e}", wrapper.display()),
    };
    std::fs::create_dir_all(&wrapper).map_err(failure)?;
    let relative = relative_path(&wrapper, &root.dir);
    let text = format!(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- {}\nbuildMetadata: [originAnnotations, transformerAnnotations]\n",
        serde_json::Value::String(relative.to_string_lossy().into_owned())
    );
    let result = std::fs::write(wrapper.join("kustomization.yaml"), text)
        .map_err(failure)
        .and_then(|()| {
            let mut command = Command::new(&renderer.program);
            command.args(&renderer.args).arg(&wrapper);
            run(command, renderer)
        });
    let _ = std::fs::remove_dir_all(&wrapper);
    result.map_err(|mut f| {
        // The wrapper means nothing to the user: drop the error layers it adds, and name the
        // root as the user does.
        let shown = crate::source::display_name(&root.dir);
        let relative = relative.to_string_lossy().into_owned();
        let mut message = f.message.replace(&relative, &shown);
        let layer = format!("recursed accumulation of path '{}': ", root.dir.display());
        if let Some(i) = message.find(&layer) {
            message = message[i + layer.len()..].to_string();
        }
        f.message =
            clean_message(&message.replace(&wrapper.to_string_lossy().into_owned(), "(render)"));
        f
    })
}

fn helm(renderer: &Renderer, job: &Job<'_>) -> Result<String, RenderFailure> {
    let release = job.root.dir.file_name().map_or_else(
        || "release".to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut command = Command::new(&renderer.program);
    command
        .args(&renderer.args)
        .arg(release)
        .arg(&job.root.dir)
        .arg("--include-crds");
    for values in &job.values {
        command.arg("--values").arg(values);
    }
    run(command, renderer).map_err(|mut f| {
        f.message = clean_message(&f.message);
        f
    })
}

/// Runs a renderer with a time limit; stdout is the output, stderr the failure's message.
fn run(mut command: Command, renderer: &Renderer) -> Result<String, RenderFailure> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().map_err(|e| RenderFailure {
        message: format!("cannot run {}: {e}", renderer.program.display()),
    })?;
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let out_reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        if let Some(s) = stdout.as_mut() {
            let _ = s.read_to_end(&mut text);
        }
        text
    });
    let err_reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        if let Some(s) = stderr.as_mut() {
            let _ = s.read_to_end(&mut text);
        }
        text
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) if started.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                break Err(format!(
                    "{} did not finish within {} s",
                    renderer.describe(),
                    TIMEOUT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => break Err(format!("{}: {e}", renderer.describe())),
        }
    };
    let out = out_reader.join().unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();
    let status = status.map_err(|message| RenderFailure { message })?;
    if !status.success() {
        let message = String::from_utf8_lossy(&err).into_owned();
        return Err(RenderFailure {
            message: if message.is_empty() {
                format!("{} exited with {status}", renderer.describe())
            } else {
                message
            },
        });
    }
    String::from_utf8(out).map_err(|_| RenderFailure {
        message: format!("{} wrote output that is not UTF-8", renderer.describe()),
    })
}

/// A renderer's stderr as one line: klog prefixes (`E1206 20:12:26.97 7562 run.go:72]
/// "command failed" err="…"`) and `Error: ` dropped, paths under the working directory made
/// relative.
fn clean_message(stderr: &str) -> String {
    let cwd = std::env::current_dir()
        .map(|d| format!("{}/", d.display()))
        .unwrap_or_default();
    stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let line = match line.split_once(" err=\"") {
                Some((_, rest)) => rest.strip_suffix('"').unwrap_or(rest).replace("\\\"", "\""),
                None => line.to_string(),
            };
            let line = line
                .strip_prefix("Error: ")
                .or_else(|| line.strip_prefix("error: "))
                .unwrap_or(&line)
                .to_string();
            if cwd.len() > 1 {
                line.replace(&cwd, "")
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The cache key of a job: the renderer, the root, the values files, and the path and content
/// of every file the render may read (for a kustomization: its inputs and every file in the
/// directories of the kustomizations it includes; for a chart: every file under it).
fn cache_key(renderer: &Renderer, job: &Job<'_>) -> String {
    let mut hasher = gix::hash::hasher(gix::hash::Kind::Sha1);
    let mut add = |bytes: &[u8]| {
        hasher.update(&(bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    add(env!("CARGO_PKG_VERSION").as_bytes());
    add(renderer.identity.as_bytes());
    add(job.root.dir.to_string_lossy().as_bytes());
    // Origin paths in the output are relative to the wrapper under the temp directory.
    add(std::env::temp_dir().to_string_lossy().as_bytes());
    let mut files: std::collections::BTreeSet<PathBuf> = job.values.iter().cloned().collect();
    match job.root.kind {
        RootKind::Kustomize => {
            files.extend(job.root.inputs.iter().cloned());
            for kustomization in &job.root.kustomizations {
                if let Some(dir) = kustomization.parent()
                    && let Ok(entries) = std::fs::read_dir(dir)
                {
                    files.extend(entries.flatten().map(|e| e.path()).filter(|p| p.is_file()));
                }
            }
        }
        RootKind::Helm => {
            for entry in walk_files(&job.root.dir) {
                files.insert(entry);
            }
        }
    }
    for file in &files {
        add(file.to_string_lossy().as_bytes());
        match std::fs::read(file) {
            Ok(bytes) => add(&bytes),
            Err(_) => add(b"\0missing"),
        }
    }
    match hasher.try_finalize() {
        Ok(id) => id.to_string(),
        // A detected SHA-1 collision: never share a cache entry.
        Err(_) => format!("uncached-{}", std::process::id()),
    }
}

/// Every file under a directory (not following symlinks), bounded in number.
fn walk_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                stack.push(entry.path());
            } else if kind.is_file() {
                out.push(entry.path());
            }
            if out.len() > 100_000 {
                return out;
            }
        }
    }
    out
}

/// `to` relative to `from` (both absolute).
pub fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for component in &to[common..] {
        out.push(component);
    }
    out
}

/// The default cache directory: `gitops-lint/render-cache` in the git directory of the
/// repository around `start`, when there is one.
pub fn default_cache_dir(start: &Path) -> Option<PathBuf> {
    let start = crate::discover::absolute(start);
    for dir in start.ancestors() {
        let git = dir.join(".git");
        if git.is_dir() {
            return Some(git.join("gitops-lint").join("render-cache"));
        }
        if git.is_file() {
            // A worktree or submodule: `gitdir: PATH`.
            let text = std::fs::read_to_string(&git).ok()?;
            let target = text.strip_prefix("gitdir:")?.trim();
            return Some(dir.join(target).join("gitops-lint").join("render-cache"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renderer_messages_lose_their_log_prefix() {
        let text = "E1206 20:12:26.975728   11216 run.go:72] \"command failed\" err=\"accumulating resources: may not add resource with an already registered id: ConfigMap.v1.[noGrp]/settings.[noNs]\"\n";
        assert_eq!(
            clean_message(text),
            "accumulating resources: may not add resource with an already registered id: ConfigMap.v1.[noGrp]/settings.[noNs]"
        );
        assert_eq!(clean_message("Error: no such file\n"), "no such file");
    }

    #[test]
    fn relative_paths_climb_to_the_common_ancestor() {
        assert_eq!(
            relative_path(Path::new("/tmp/w"), Path::new("/work/repo/infra/dev")),
            PathBuf::from("../../work/repo/infra/dev")
        );
        assert_eq!(
            relative_path(Path::new("/a/b"), Path::new("/a/b/c")),
            PathBuf::from("c")
        );
    }
}
