//! The changed set: which files a change adds, modifies, renames and deletes, read from git
//! in-process (gix) — between the merge base of a base branch and `HEAD`, the index or the
//! working tree — and the files of the commit the change is compared with, where changed mode
//! reads policies and configuration from.
//!
//! This module owns every git access. It speaks in repository paths and file contents only: it
//! knows nothing about manifests, policies, rules or findings, and it reads no environment
//! (`settings` passes `GITHUB_BASE_REF` in).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use gix::bstr::{BStr, ByteSlice};
use gix::hash::ObjectId;

/// What a change is compared with, and how far it reaches.
#[derive(Clone, Debug)]
pub struct Request {
    /// `Some`: the change starts at the merge base of this base and `HEAD`; `None`: at `HEAD`
    /// (`--staged` and `--worktree` on their own).
    pub base: Option<BaseSpec>,
    /// Where the change ends.
    pub upto: Upto,
}

/// How the base branch is named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BaseSpec {
    /// `--base REF`: `REF`, else `origin/REF`.
    Given(String),
    /// `GITHUB_BASE_REF` (a branch name): `origin/REF` when it exists, else `REF`.
    GithubBaseRef(String),
    /// The remote's default branch (`refs/remotes/origin/HEAD`), else `main`, else
    /// `origin/main`.
    Default,
}

/// Where a change ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Upto {
    /// The `HEAD` commit (a pull request's head).
    Head,
    /// The index: what is staged (pre-commit).
    Index,
    /// The working tree: staged, unstaged and untracked (not ignored) files.
    Worktree,
}

/// What happened to a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    Added,
    Modified,
    /// Renamed from this repository path (possibly with edits).
    Renamed {
        from: PathBuf,
    },
    Deleted,
}

/// One changed file. `path` is relative to the repository root: the new path of a rename, the
/// old path of a deletion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub path: PathBuf,
    pub status: Status,
}

/// The changed set of a run.
#[derive(Clone, Debug)]
pub struct ChangeSet {
    /// The repository's working tree (absolute).
    pub workdir: PathBuf,
    /// What the change is compared with, as the user would name it: `origin/main`, `HEAD`.
    pub base: String,
    /// The commit the change starts at (the merge base, or `HEAD`), full hex.
    pub base_commit: String,
    /// Sorted by path.
    pub changes: Vec<Change>,
    base_tree: ObjectId,
}

/// Why the changed set could not be computed. Each message says what to do.
#[derive(Debug)]
pub enum ChangesError {
    /// The directory is not inside a git repository (or the repository has no working tree).
    NotARepository { path: PathBuf, reason: String },
    /// The base does not resolve to a commit in this clone.
    BaseNotFound {
        base: String,
        tried: Vec<String>,
        shallow: bool,
    },
    /// The base and `HEAD` have no common history in this clone.
    NoMergeBase {
        base: String,
        head: String,
        shallow: bool,
    },
    /// Any other git failure, with what was being done.
    Git { doing: String, reason: String },
}

const FETCH_ADVICE: &str = "fetch the base branch with enough history to reach the merge base: \
with actions/checkout set `fetch-depth: 0`; elsewhere run `git fetch --unshallow origin` or \
`git fetch --deepen=100 origin <base>`";

impl fmt::Display for ChangesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChangesError::NotARepository { path, reason } => write!(
                f,
                "changed mode needs a git repository with a working tree, and {} is not in one ({reason}); run without --changed/--staged/--worktree to check paths instead",
                path.display()
            ),
            ChangesError::BaseNotFound {
                base,
                tried,
                shallow,
            } => {
                write!(
                    f,
                    "the base {base} is not in this clone (tried {})",
                    tried.join(", ")
                )?;
                if *shallow {
                    write!(f, "; this is a shallow clone: {FETCH_ADVICE}")
                } else {
                    write!(
                        f,
                        "; name an existing branch or commit with --base, or {FETCH_ADVICE}"
                    )
                }
            }
            ChangesError::NoMergeBase {
                base,
                head,
                shallow: true,
            } => write!(
                f,
                "cannot find the merge base of `{base}` and {head}: this is a shallow clone and the common history was not fetched; {FETCH_ADVICE}"
            ),
            ChangesError::NoMergeBase {
                base,
                head,
                shallow: false,
            } => write!(
                f,
                "`{base}` and {head} have no common history; name the branch this change is based on with --base"
            ),
            ChangesError::Git { doing, reason } => write!(f, "git: cannot {doing}: {reason}"),
        }
    }
}

impl std::error::Error for ChangesError {}

fn git_error(doing: &str) -> impl FnOnce(gix::Error) -> ChangesError + '_ {
    move |e| ChangesError::Git {
        doing: doing.to_string(),
        reason: e.to_string(),
    }
}

/// An open repository.
pub struct Repo {
    repo: gix::Repository,
    workdir: PathBuf,
}

impl Repo {
    /// Finds the repository holding `start` (upwards, as git does).
    pub fn open(start: &Path) -> Result<Repo, ChangesError> {
        let not_a_repository = |reason: String| ChangesError::NotARepository {
            path: start.to_path_buf(),
            reason,
        };
        let repo = gix::discover(start).map_err(|e| not_a_repository(e.to_string()))?;
        let workdir = repo
            .workdir()
            .map(Path::to_path_buf)
            .ok_or_else(|| not_a_repository("it is a bare repository".into()))?;
        let workdir = std::fs::canonicalize(&workdir).unwrap_or(workdir);
        Ok(Repo { repo, workdir })
    }

    /// The repository's working tree (absolute, canonical).
    pub fn workdir(&self) -> &Path {
        &self.workdir
    }

    /// Computes the changed set.
    pub fn changes(&self, request: &Request) -> Result<ChangeSet, ChangesError> {
        let repo = &self.repo;
        let head = repo.head_id().ok().map(|id| id.detach());
        let (base, start) = match &request.base {
            Some(spec) => {
                let (label, base_commit) = self.resolve_base(spec)?;
                let head = head.ok_or_else(|| ChangesError::Git {
                    doing: "read HEAD".into(),
                    reason: "HEAD has no commit yet".into(),
                })?;
                let merge_base = repo.merge_base(base_commit, head);
                let shallow = self.is_shallow();
                match merge_base {
                    Ok(Some(id)) => (label, Some(id.detach())),
                    Ok(None) | Err(_) => {
                        return Err(ChangesError::NoMergeBase {
                            base: label,
                            head: "HEAD".into(),
                            shallow,
                        });
                    }
                }
            }
            // An unborn HEAD (the first commit) starts from the empty tree.
            None => ("HEAD".to_string(), head),
        };
        let base_tree = match start {
            Some(commit) => repo
                .find_commit(commit)
                .and_then(|c| c.tree_id())
                .map_err(git_error("read the base commit's tree"))?
                .detach(),
            None => repo.empty_tree().id,
        };
        let mut changes = match request.upto {
            Upto::Head => self.tree_changes(base_tree)?,
            Upto::Index => self.index_changes(base_tree)?,
            Upto::Worktree => self.worktree_changes(base_tree)?,
        };
        changes.sort_by(|a, b| a.path.cmp(&b.path));
        changes.dedup_by(|a, b| a.path == b.path);
        Ok(ChangeSet {
            workdir: self.workdir.clone(),
            base,
            base_commit: start.map(|c| c.to_string()).unwrap_or_default(),
            changes,
            base_tree,
        })
    }

    fn is_shallow(&self) -> bool {
        self.repo.is_shallow().unwrap_or(false)
    }

    /// The base's label and commit.
    fn resolve_base(&self, spec: &BaseSpec) -> Result<(String, ObjectId), ChangesError> {
        let candidates: Vec<String> = match spec {
            BaseSpec::Given(name) => vec![name.clone(), format!("origin/{name}")],
            BaseSpec::GithubBaseRef(name) => vec![format!("origin/{name}"), name.clone()],
            BaseSpec::Default => {
                let mut names = Vec::new();
                if let Ok(Some(reference)) =
                    self.repo.try_find_reference("refs/remotes/origin/HEAD")
                    && let Some(target) = reference.target().try_name()
                {
                    names.push(target.shorten().to_string());
                }
                names.push("main".into());
                names.push("origin/main".into());
                names
            }
        };
        for name in &candidates {
            if let Ok(id) = self
                .repo
                .rev_parse_single(format!("{name}^{{commit}}").as_str())
            {
                return Ok((name.clone(), id.detach()));
            }
        }
        let base = match spec {
            BaseSpec::Given(name) => format!("`{name}` (--base)"),
            BaseSpec::GithubBaseRef(name) => format!("`{name}` (GITHUB_BASE_REF)"),
            BaseSpec::Default => "branch".into(),
        };
        Err(ChangesError::BaseNotFound {
            base,
            tried: candidates,
            shallow: self.is_shallow(),
        })
    }

    /// The base tree against the `HEAD` commit's tree, renames followed.
    fn tree_changes(&self, base_tree: ObjectId) -> Result<Vec<Change>, ChangesError> {
        use gix::object::tree::diff::ChangeDetached as Detached;
        let repo = &self.repo;
        let old = repo
            .find_tree(base_tree)
            .map_err(git_error("read the base tree"))?;
        let new = repo
            .head_tree_id_or_empty()
            .and_then(|id| repo.find_tree(id))
            .map_err(git_error("read HEAD's tree"))?;
        let mut options = gix::diff::Options::default().with_rewrites(Some(rewrites()));
        options.track_path();
        let detached = repo
            .diff_tree_to_tree(&old, &new, options)
            .map_err(git_error("compare the base tree with HEAD"))?;
        let mut out = Vec::new();
        for change in detached {
            let (path, status, mode) = match change {
                Detached::Addition {
                    location,
                    entry_mode,
                    ..
                } => (location, Status::Added, entry_mode),
                Detached::Deletion {
                    location,
                    entry_mode,
                    ..
                } => (location, Status::Deleted, entry_mode),
                Detached::Modification {
                    location,
                    entry_mode,
                    ..
                } => (location, Status::Modified, entry_mode),
                Detached::Rewrite {
                    source_location,
                    location,
                    entry_mode,
                    copy,
                    ..
                } => {
                    let status = if copy {
                        Status::Added
                    } else {
                        Status::Renamed {
                            from: repo_path(source_location.as_ref()),
                        }
                    };
                    (location, status, entry_mode)
                }
            };
            // Trees (directories) and submodules are not files to check.
            if mode.is_tree() || mode.is_commit() {
                continue;
            }
            out.push(Change {
                path: repo_path(path.as_ref()),
                status,
            });
        }
        Ok(out)
    }

    /// The base tree against the index, renames followed.
    fn index_changes(&self, base_tree: ObjectId) -> Result<Vec<Change>, ChangesError> {
        use gix::diff::index::ChangeRef;
        let repo = &self.repo;
        let index = repo.index_or_empty().map_err(git_error("read the index"))?;
        let mut out = Vec::new();
        repo.tree_index_status(
            &base_tree,
            &index,
            None,
            gix::status::tree_index::TrackRenames::Given(rewrites()),
            |change, _, _| {
                let (path, status, mode) = match change {
                    ChangeRef::Addition {
                        location,
                        entry_mode,
                        ..
                    } => (repo_path(&location), Status::Added, entry_mode),
                    ChangeRef::Deletion {
                        location,
                        entry_mode,
                        ..
                    } => (repo_path(&location), Status::Deleted, entry_mode),
                    ChangeRef::Modification {
                        location,
                        entry_mode,
                        ..
                    } => (repo_path(&location), Status::Modified, entry_mode),
                    ChangeRef::Rewrite {
                        source_location,
                        location,
                        entry_mode,
                        copy,
                        ..
                    } => {
                        let status = if copy {
                            Status::Added
                        } else {
                            Status::Renamed {
                                from: repo_path(&source_location),
                            }
                        };
                        (repo_path(&location), status, entry_mode)
                    }
                };
                if !mode.is_submodule() {
                    out.push(Change { path, status });
                }
                Ok(std::ops::ControlFlow::Continue(()))
            },
        )
        .map_err(git_error("compare the base tree with the index"))?;
        Ok(out)
    }

    /// The base tree against the working tree: the base-to-index changes plus the unstaged and
    /// untracked files, each classified by what is on disk now.
    fn worktree_changes(&self, base_tree: ObjectId) -> Result<Vec<Change>, ChangesError> {
        use gix::status::{Item, UntrackedFiles};
        let repo = &self.repo;
        // Path → rename source, for every path the index or the working tree touches.
        let mut touched: BTreeMap<PathBuf, Option<PathBuf>> = BTreeMap::new();
        let items = repo
            .status(gix::progress::Discard)
            .map_err(git_error("read the working tree's status"))?
            .head_tree(base_tree)
            .untracked_files(UntrackedFiles::Files)
            .tree_index_track_renames(gix::status::tree_index::TrackRenames::Given(rewrites()))
            .index_worktree_submodules(None)
            .into_iter(Vec::<gix::bstr::BString>::new())
            .map_err(git_error("read the working tree's status"))?;
        for item in items {
            let item = item.map_err(git_error("read the working tree's status"))?;
            match &item {
                Item::TreeIndex(change) => {
                    use gix::diff::index::Change as IndexChange;
                    if change.entry_mode().is_submodule() {
                        continue;
                    }
                    let from = match change {
                        IndexChange::Rewrite {
                            source_location,
                            copy: false,
                            ..
                        } => Some(repo_path(source_location.as_ref())),
                        _ => None,
                    };
                    touched.insert(repo_path(change.location()), from);
                }
                Item::IndexWorktree(change) => {
                    if change.summary().is_some() {
                        touched.entry(repo_path(change.rela_path())).or_insert(None);
                    }
                }
            }
        }
        let old = repo
            .find_tree(base_tree)
            .map_err(git_error("read the base tree"))?;
        let in_base = |path: &Path| {
            old.lookup_entry_by_path(path)
                .ok()
                .flatten()
                .is_some_and(|e| !e.mode().is_tree())
        };
        let mut out = Vec::new();
        for (path, from) in touched {
            let on_disk =
                std::fs::symlink_metadata(self.workdir.join(&path)).is_ok_and(|m| !m.is_dir());
            let status = match (on_disk, from) {
                (true, Some(from)) => Status::Renamed { from },
                (true, None) if in_base(&path) => Status::Modified,
                (true, None) => Status::Added,
                (false, _) if in_base(&path) => Status::Deleted,
                // Renamed, then removed: the source is what the change deletes.
                (false, Some(from)) => {
                    out.push(Change {
                        path: from,
                        status: Status::Deleted,
                    });
                    continue;
                }
                (false, None) => continue,
            };
            out.push(Change { path, status });
        }
        Ok(out)
    }

    /// The contents of a file in the commit the change starts at; `None` when it has none.
    pub fn base_file(&self, set: &ChangeSet, path: &Path) -> Result<Option<Vec<u8>>, ChangesError> {
        let tree = self
            .repo
            .find_tree(set.base_tree)
            .map_err(git_error("read the base tree"))?;
        let Some(entry) = tree
            .lookup_entry_by_path(path)
            .map_err(git_error("read the base tree"))?
        else {
            return Ok(None);
        };
        if !entry.mode().is_blob() {
            return Ok(None);
        }
        let blob = entry
            .object()
            .map_err(git_error("read a file of the base commit"))?;
        Ok(Some(blob.detach().data))
    }

    /// Every file at or below `path` (a file or a directory) in the commit the change starts at,
    /// with repository paths.
    pub fn base_files(
        &self,
        set: &ChangeSet,
        path: &Path,
    ) -> Result<Vec<(PathBuf, Vec<u8>)>, ChangesError> {
        let repo = &self.repo;
        let tree = repo
            .find_tree(set.base_tree)
            .map_err(git_error("read the base tree"))?;
        let subtree = if path.as_os_str().is_empty() {
            tree
        } else {
            let Some(entry) = tree
                .lookup_entry_by_path(path)
                .map_err(git_error("read the base tree"))?
            else {
                return Ok(Vec::new());
            };
            if entry.mode().is_blob() {
                return Ok(self
                    .base_file(set, path)?
                    .map(|data| vec![(path.to_path_buf(), data)])
                    .unwrap_or_default());
            }
            if !entry.mode().is_tree() {
                return Ok(Vec::new());
            }
            repo.find_tree(entry.object_id())
                .map_err(git_error("read the base tree"))?
        };
        let mut recorder = gix::traverse::tree::Recorder::default();
        subtree
            .traverse()
            .breadthfirst(&mut recorder)
            .map_err(git_error("read the base tree"))?;
        let mut out = Vec::new();
        for entry in recorder.records {
            if !entry.mode.is_blob() {
                continue;
            }
            let data = repo
                .find_object(entry.oid)
                .map_err(git_error("read a file of the base commit"))?
                .detach()
                .data;
            out.push((path.join(repo_path(entry.filepath.as_ref())), data));
        }
        out.sort();
        Ok(out)
    }

    /// Every file of the index whose name is one of `names` (repository paths).
    pub fn tracked_files_named(&self, names: &[&str]) -> Result<Vec<PathBuf>, ChangesError> {
        let index = self
            .repo
            .index_or_empty()
            .map_err(git_error("read the index"))?;
        Ok(index
            .entries()
            .iter()
            .map(|entry| entry.path(&index))
            .filter(|path| {
                let name = path.rsplit_str("/").next().unwrap_or_default();
                names.iter().any(|n| name == n.as_bytes())
            })
            .map(repo_path)
            .collect())
    }
}

/// A commit id abbreviated as git abbreviates it (7 hex digits), for messages. An unborn `HEAD`
/// (before the first commit) has none.
pub fn abbreviate(commit: &str) -> &str {
    match commit.get(..7) {
        _ if commit.is_empty() => "(no commit yet)",
        Some(short) => short,
        None => commit,
    }
}

/// Rename tracking as `git diff -M` does it by default (50 % similarity).
fn rewrites() -> gix::diff::Rewrites {
    gix::diff::Rewrites::default()
}

/// A repository path (always `/`-separated) as a relative `PathBuf`.
fn repo_path(path: &BStr) -> PathBuf {
    match gix::path::from_bstr(path) {
        Ok(path) => path.into_owned(),
        // Not representable on this platform: the lossy form still names the file.
        Err(_) => PathBuf::from(path.to_str_lossy().into_owned()),
    }
}
