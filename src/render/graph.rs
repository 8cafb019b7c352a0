//! The render graph: every Kustomize root and Helm chart under the checked paths, the files each
//! one reads, and which of them a changed file reaches.
//!
//! A kustomization includes other kustomizations (`resources`, `bases`, `components` that are
//! directories) and reads files (resources that are files, patches, generator inputs, values
//! files). A *root* is a kustomization that no other kustomization in the graph includes and that
//! is not a `Component`: what `kubectl apply -k` is pointed at. A chart is a directory with a
//! `Chart.yaml` that is not a subchart (under another chart's `charts/`). This module reads
//! references only; it never runs a renderer.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::discover::{KUSTOMIZATION_NAMES, absolute, normalize};

/// What renders a root.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RootKind {
    Kustomize,
    Helm,
}

/// A renderable root and everything it reads.
#[derive(Clone, Debug)]
pub struct Root {
    pub kind: RootKind,
    /// The overlay's or chart's directory (absolute).
    pub dir: PathBuf,
    /// Its `kustomization.yaml` or `Chart.yaml`.
    pub file: PathBuf,
    /// Every file the render reads, as far as the references tell (absolute). For a chart, every
    /// file under its directory.
    pub inputs: BTreeSet<PathBuf>,
    /// The kustomizations it includes, itself first (absolute paths of their files).
    pub kustomizations: Vec<PathBuf>,
    /// The patch files those kustomizations name (absolute).
    pub patches: BTreeSet<PathBuf>,
    /// Remote resources (URLs): the render needs the network.
    pub remote: Vec<String>,
}

impl Root {
    /// Whether the render reads `path` (absolute).
    pub fn reads(&self, path: &Path) -> bool {
        match self.kind {
            RootKind::Kustomize => self.inputs.contains(path),
            RootKind::Helm => path.starts_with(&self.dir),
        }
    }
}

/// One kustomization's references.
#[derive(Debug, Default)]
struct Node {
    file: PathBuf,
    component: bool,
    /// Directories of included kustomizations.
    includes: Vec<PathBuf>,
    /// Files read directly.
    files: Vec<PathBuf>,
    /// The patch files among them.
    patches: Vec<PathBuf>,
    remote: Vec<String>,
}

/// Kustomizations by directory, and chart directories.
#[derive(Debug, Default)]
pub struct Graph {
    nodes: BTreeMap<PathBuf, Node>,
    charts: BTreeSet<PathBuf>,
}

impl Graph {
    /// Adds a kustomization file with its parsed content.
    pub fn add_kustomization(&mut self, file: &Path, value: &Value) {
        let file = absolute(file);
        let Some(dir) = file.parent().map(Path::to_path_buf) else {
            return;
        };
        let mut node = Node {
            file: file.clone(),
            component: value.get("kind").and_then(Value::as_str) == Some("Component"),
            ..Node::default()
        };
        for key in ["resources", "bases", "components"] {
            for entry in crate::kustomize::strings(value.get(key)) {
                if is_remote(&entry) {
                    node.remote.push(entry);
                    continue;
                }
                let path = normalize(&dir.join(&entry));
                if path.is_dir() || entry.ends_with('/') || !has_extension(&path) {
                    node.includes.push(path);
                } else {
                    node.files.push(path);
                }
            }
        }
        for entry in crate::kustomize::input_references(value) {
            node.files.push(normalize(&dir.join(entry)));
        }
        node.patches = crate::kustomize::patch_references(value)
            .into_iter()
            .map(|p| normalize(&dir.join(p)))
            .collect();
        node.files.push(file);
        self.nodes.insert(dir, node);
    }

    /// Adds a chart by its `Chart.yaml`.
    pub fn add_chart(&mut self, chart_file: &Path) {
        if let Some(dir) = absolute(chart_file).parent() {
            self.charts.insert(dir.to_path_buf());
        }
    }

    /// Kustomization files that nodes include but the graph does not hold yet (a base outside
    /// the checked paths), for the caller to read and add.
    pub fn missing_includes(&self) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = self
            .nodes
            .values()
            .flat_map(|n| n.includes.iter())
            .filter(|dir| !self.nodes.contains_key(*dir))
            .filter_map(|dir| {
                KUSTOMIZATION_NAMES
                    .iter()
                    .map(|name| dir.join(name))
                    .find(|file| file.is_file())
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty() && self.charts.is_empty()
    }

    /// Every root, kustomizations first, each with its closure.
    pub fn roots(&self) -> Vec<Root> {
        let included: BTreeSet<&PathBuf> = self
            .nodes
            .values()
            .flat_map(|n| n.includes.iter())
            .collect();
        let mut roots: Vec<Root> = self
            .nodes
            .iter()
            .filter(|(dir, node)| !node.component && !included.contains(dir))
            .map(|(dir, node)| self.closure(dir, node))
            .collect();
        for dir in &self.charts {
            let subchart = dir.ancestors().skip(1).any(|a| {
                a.file_name().is_some_and(|n| n == "charts")
                    && a.parent().is_some_and(|p| self.charts.contains(p))
            });
            if subchart {
                continue;
            }
            roots.push(Root {
                kind: RootKind::Helm,
                dir: dir.clone(),
                file: dir.join("Chart.yaml"),
                inputs: BTreeSet::new(),
                kustomizations: Vec::new(),
                patches: BTreeSet::new(),
                remote: Vec::new(),
            });
        }
        roots
    }

    fn closure(&self, dir: &Path, node: &Node) -> Root {
        let mut inputs = BTreeSet::new();
        let mut kustomizations = Vec::new();
        let mut patches = BTreeSet::new();
        let mut remote = Vec::new();
        let mut seen = BTreeSet::new();
        let mut stack = vec![(dir.to_path_buf(), node)];
        while let Some((current, node)) = stack.pop() {
            if !seen.insert(current.clone()) {
                continue;
            }
            kustomizations.push(node.file.clone());
            inputs.extend(node.files.iter().cloned());
            patches.extend(node.patches.iter().cloned());
            remote.extend(node.remote.iter().cloned());
            // Included in reverse so that the walk visits them in the order written.
            for include in node.includes.iter().rev() {
                match self.nodes.get(include) {
                    Some(child) => stack.push((include.clone(), child)),
                    // A kustomization outside the graph (outside the checked paths): its file
                    // is still an input, so that changing it selects this root.
                    None => {
                        for name in KUSTOMIZATION_NAMES {
                            inputs.insert(include.join(name));
                        }
                    }
                }
            }
        }
        Root {
            kind: RootKind::Kustomize,
            dir: dir.to_path_buf(),
            file: node.file.clone(),
            inputs,
            kustomizations,
            patches,
            remote,
        }
    }
}

/// A remote resource: a URL or a `host/org/repo` Git reference, as Kustomize reads them.
fn is_remote(entry: &str) -> bool {
    entry.contains("://")
        || entry.starts_with("git@")
        || entry.starts_with("github.com/")
        || entry.starts_with("gitlab.com/")
        || entry.starts_with("bitbucket.org/")
}

fn has_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn overlays_are_roots_and_reach_their_base_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        for d in ["base", "dev", "prod", "component"] {
            std::fs::create_dir_all(root.join(d)).expect("mkdir");
        }
        let mut graph = Graph::default();
        graph.add_kustomization(
            &root.join("base/kustomization.yaml"),
            &json!({"resources": ["deployment.yaml"]}),
        );
        graph.add_kustomization(
            &root.join("dev/kustomization.yaml"),
            &json!({"resources": ["../base", "ns.yaml"], "components": ["../component"],
                    "patches": [{"path": "patch.yaml"}]}),
        );
        graph.add_kustomization(
            &root.join("prod/kustomization.yaml"),
            &json!({"resources": ["../base", "https://example.com/x.yaml"]}),
        );
        graph.add_kustomization(
            &root.join("component/kustomization.yaml"),
            &json!({"kind": "Component", "resources": ["extra.yaml"]}),
        );
        let roots = graph.roots();
        let dirs: Vec<&Path> = roots.iter().map(|r| r.dir.as_path()).collect();
        let root = absolute(root);
        assert_eq!(dirs, [root.join("dev"), root.join("prod")]);
        let dev = &roots[0];
        for file in [
            "base/deployment.yaml",
            "base/kustomization.yaml",
            "dev/ns.yaml",
            "dev/patch.yaml",
            "component/extra.yaml",
        ] {
            assert!(dev.reads(&root.join(file)), "{file}");
        }
        assert!(!dev.reads(&root.join("prod/kustomization.yaml")));
        assert_eq!(roots[1].remote, ["https://example.com/x.yaml"]);
    }
}
