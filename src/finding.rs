//! The one finding type that every check produces: YAML problems, object rules, schema errors,
//! policy results and API-server answers alike.
//!
//! A finding names a rule, a severity, a message and one primary location (file + byte span);
//! reports turn spans into lines and columns. This module knows nothing about how findings are
//! produced or rendered.

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::source::{SourceFile, Span};

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place in a file.
#[derive(Clone, Debug)]
pub struct Location {
    pub file: Arc<SourceFile>,
    pub span: Span,
}

/// A secondary place that explains the finding ("first defined here").
#[derive(Clone, Debug)]
pub struct Related {
    pub location: Location,
    pub message: String,
}

/// Which object of a file a finding is about: the document index, and the item index when the
/// document is a `v1` `List`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectRef {
    pub document: usize,
    pub item: Option<usize>,
}

/// One thing the user should fix (or know).
#[derive(Clone, Debug)]
pub struct Finding {
    /// Stable kebab-case rule id, e.g. `duplicate-key`.
    pub rule: Cow<'static, str>,
    pub severity: Severity,
    /// What is wrong, naming the value.
    pub message: String,
    pub location: Location,
    /// The object the finding is about, when it is about one.
    pub object: Option<ObjectRef>,
    /// The field path the finding is about, in Kubernetes syntax (`spec.containers[0].image`).
    pub field: Option<String>,
    pub related: Vec<Related>,
    /// How to fix it.
    pub help: Option<String>,
    /// For a finding on rendered output (a Kustomize overlay, a Helm chart): what it was
    /// rendered from. Its location has been mapped back to the repository file.
    pub rendered: Option<Arc<RenderedFrom>>,
    /// The environment (config `environments:`) the finding belongs to.
    pub environment: Option<String>,
}

/// What a finding on rendered output was rendered from.
#[derive(Debug)]
pub struct RenderedFrom {
    /// The rendered output's path, inside the overlay's (or chart's) directory: environments,
    /// rule levels and policy parameters are decided by it, not by the file the finding points at.
    pub path: PathBuf,
    /// The overlay or chart as users name it (`infra/production`).
    pub root: String,
    /// `overlay` or `chart`.
    pub what: &'static str,
}

impl Finding {
    pub fn new(
        rule: impl Into<Cow<'static, str>>,
        severity: Severity,
        message: impl Into<String>,
        location: Location,
    ) -> Finding {
        Finding {
            rule: rule.into(),
            severity,
            message: message.into(),
            location,
            object: None,
            field: None,
            related: Vec::new(),
            help: None,
            rendered: None,
            environment: None,
        }
    }

    /// The path that decides the finding's environment and configured level: the rendered
    /// output it was found in, else its file.
    pub fn level_path(&self) -> &Path {
        match &self.rendered {
            Some(r) => &r.path,
            None => &self.location.file.path,
        }
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Finding {
        self.help = Some(help.into());
        self
    }

    #[must_use]
    pub fn with_object(mut self, object: ObjectRef) -> Finding {
        self.object = Some(object);
        self
    }

    #[must_use]
    pub fn with_field(mut self, field: impl Into<String>) -> Finding {
        self.field = Some(field.into());
        self
    }

    #[must_use]
    pub fn with_related(mut self, location: Location, message: impl Into<String>) -> Finding {
        self.related.push(Related {
            location,
            message: message.into(),
        });
        self
    }

    /// The order reports use: file, position, rule, message.
    pub fn sort_key(&self) -> (&str, usize, usize, &str, &str) {
        (
            &self.location.file.name,
            self.location.span.start,
            self.location.span.end,
            &self.rule,
            &self.message,
        )
    }
}

/// Sort findings the way every report shows them, and drop exact repeats.
pub fn sort_findings(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings.dedup_by(|a, b| a.sort_key() == b.sort_key() && a.severity == b.severity);
}
