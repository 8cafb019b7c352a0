//! Where the policy stage reads its files from: the working tree, or — in changed mode — a
//! snapshot of the commit the change starts at, so that a change cannot weaken the policies that
//! gate it.
//!
//! A snapshot holds the files of the policy directories, data files and nothing else, keyed by
//! the absolute path they would have in the working tree; paths outside the repository are read
//! from disk either way (a change cannot touch them). This module does not know git: `settings`
//! fills the snapshot.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::discover::absolute;

/// The source of policy files.
#[derive(Clone, Debug, Default)]
pub enum PolicyFiles {
    /// Files as they are on disk.
    #[default]
    WorkTree,
    /// The base commit's files for paths inside its repository; disk for the others.
    Base(Arc<BaseSnapshot>),
}

/// Files of a commit, keyed by absolute working-tree path.
#[derive(Debug, Default)]
pub struct BaseSnapshot {
    /// The repository's working tree.
    pub root: PathBuf,
    /// The commit, abbreviated, for messages.
    pub commit: String,
    pub files: BTreeMap<PathBuf, Vec<u8>>,
}

impl PolicyFiles {
    /// The snapshot that answers for `path`, if any.
    fn snapshot(&self, path: &Path) -> Option<(&BaseSnapshot, PathBuf)> {
        match self {
            PolicyFiles::Base(snapshot) => {
                let path = absolute(path);
                path.starts_with(&snapshot.root)
                    .then_some((snapshot.as_ref(), path))
            }
            PolicyFiles::WorkTree => None,
        }
    }

    /// The commit policies come from, when they come from one.
    pub fn commit(&self) -> Option<&str> {
        match self {
            PolicyFiles::Base(snapshot) => Some(&snapshot.commit),
            PolicyFiles::WorkTree => None,
        }
    }

    pub fn is_file(&self, path: &Path) -> bool {
        match self.snapshot(path) {
            Some((snapshot, path)) => snapshot.files.contains_key(&path),
            None => path.is_file(),
        }
    }

    pub fn exists(&self, path: &Path) -> bool {
        match self.snapshot(path) {
            Some((snapshot, path)) => snapshot
                .files
                .range(path.clone()..)
                .next()
                .is_some_and(|(p, _)| p.starts_with(&path)),
            None => path.exists(),
        }
    }

    pub fn read_to_string(&self, path: &Path) -> std::io::Result<String> {
        match self.snapshot(path) {
            Some((snapshot, absolute)) => {
                let bytes = snapshot.files.get(&absolute).ok_or_else(|| {
                    std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        format!("not in the base commit {}", snapshot.commit),
                    )
                })?;
                String::from_utf8(bytes.clone())
                    .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
            }
            None => std::fs::read_to_string(path),
        }
    }

    /// The files at or below `root`, sorted: `root` itself when it is a file, else the files
    /// of the directory walked as ripgrep walks it (hidden files skipped; on disk, `.gitignore`
    /// honoured).
    pub fn walk(&self, root: &Path) -> Vec<PathBuf> {
        if let Some((snapshot, root)) = self.snapshot(root) {
            if snapshot.files.contains_key(&root) {
                return vec![root];
            }
            return snapshot
                .files
                .range(root.clone()..)
                .map(|(path, _)| path)
                .take_while(|path| path.starts_with(&root))
                .filter(|path| !is_hidden_below(path, &root))
                .cloned()
                .collect();
        }
        if root.is_file() {
            return vec![root.to_path_buf()];
        }
        let mut out: Vec<PathBuf> = ignore::WalkBuilder::new(root)
            .build()
            .flatten()
            .filter(|e| e.file_type().is_some_and(|t| !t.is_dir()))
            .map(|e| e.into_path())
            .filter(|p| p.is_file())
            .collect();
        out.sort();
        out
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

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot() -> PolicyFiles {
        let root = absolute(Path::new("/repo"));
        let mut files = BTreeMap::new();
        for (path, text) in [
            ("policy/deny.rego", "package main\n"),
            ("policy/.hidden/x.rego", "package x\n"),
            ("policy/sub/t.yaml", "kind: ConstraintTemplate\n"),
            ("policy2/a.rego", "package a\n"),
        ] {
            files.insert(root.join(path), text.as_bytes().to_vec());
        }
        PolicyFiles::Base(Arc::new(BaseSnapshot {
            root,
            commit: "abc1234".into(),
            files,
        }))
    }

    #[test]
    fn snapshot_walks_its_files_only() {
        let files = snapshot();
        let walked = files.walk(Path::new("/repo/policy"));
        assert_eq!(
            walked,
            vec![
                PathBuf::from("/repo/policy/deny.rego"),
                PathBuf::from("/repo/policy/sub/t.yaml")
            ]
        );
        assert!(files.exists(Path::new("/repo/policy")));
        assert!(!files.exists(Path::new("/repo/pol")));
        assert!(files.is_file(Path::new("/repo/policy2/a.rego")));
        assert_eq!(
            files.walk(Path::new("/repo/policy2/a.rego")),
            vec![PathBuf::from("/repo/policy2/a.rego")]
        );
        assert_eq!(
            files
                .read_to_string(Path::new("/repo/policy/deny.rego"))
                .unwrap(),
            "package main\n"
        );
        assert!(files.read_to_string(Path::new("/repo/none.rego")).is_err());
    }
}
