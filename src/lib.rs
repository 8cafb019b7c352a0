//! gitops-lint: lint Kubernetes GitOps manifests before they merge.
//!
//! The crate is one pipeline (`pipeline::run`): discover files, parse them with exact spans,
//! run the checks, apply suppressions, report. Every check produces the same `Finding`.
#![forbid(unsafe_code)]

pub mod apiserver;
pub mod changes;
pub mod check;
pub mod cli;
pub mod config;
pub mod discover;
pub mod dry_run;
pub mod error;
pub mod explain;
pub mod finding;
pub mod kustomize;
pub mod manifest;
pub mod parse;
pub mod pipeline;
pub mod policy;
pub mod render;
pub mod report;
pub mod rules;
pub mod schema;
pub mod secrets;
pub mod settings;
pub mod source;
pub mod suppress;
pub mod text;
