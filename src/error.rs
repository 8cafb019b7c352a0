//! Errors that stop a run (exit status 2): the tool could not do its job. Problems in the
//! checked files are findings, never errors.

use std::fmt;
use std::path::PathBuf;

use crate::changes::ChangesError;
use crate::config::ConfigError;
use crate::discover::DiscoverError;

#[derive(Debug)]
pub enum Error {
    /// The configuration file is unreadable or invalid.
    Config(ConfigError),
    /// A path given on the command line cannot be read.
    Path(DiscoverError),
    /// A report could not be written.
    Output {
        path: Option<PathBuf>,
        error: std::io::Error,
    },
    /// An invalid combination of options.
    Usage(String),
    /// Changed mode could not tell what changed: not a repository, a base that is not in the
    /// clone, a shallow clone without the merge base.
    Changes(ChangesError),
    /// The dry-run could not run: the cluster is unreachable, refuses the credentials, or did
    /// not answer in time. The message says what to fix.
    DryRun(String),
}

impl From<ChangesError> for Error {
    fn from(e: ChangesError) -> Self {
        Error::Changes(e)
    }
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Error::Config(e)
    }
}

impl From<DiscoverError> for Error {
    fn from(e: DiscoverError) -> Self {
        Error::Path(e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config(e) => write!(f, "{} ({})", e.message, e.path.display()),
            Error::Path(e) => write!(f, "cannot read {}: {}", e.path.display(), e.error),
            Error::Output {
                path: Some(p),
                error,
            } => {
                write!(f, "cannot write {}: {error}", p.display())
            }
            Error::Output { path: None, error } => write!(f, "cannot write output: {error}"),
            Error::Usage(message) => f.write_str(message),
            Error::Changes(e) => write!(f, "{e}"),
            Error::DryRun(message) => write!(f, "server-side dry-run: {message}"),
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    /// The text printed on stderr: located config errors get a source snippet.
    pub fn render(&self, color: bool) -> String {
        if let Error::Config(ConfigError {
            message,
            location: Some((source, span)),
            ..
        }) = self
        {
            let pos = source.line_col(span.start);
            let mut out = format!(
                "error: {}:{}:{}: {message}\n",
                source.name, pos.line, pos.column
            );
            out.push_str(&crate::report::human::snippet(
                source, *span, message, color,
            ));
            return out;
        }
        format!("error: {self}\n")
    }
}
