//! The rule registry: every built-in rule, one file each, registered in `ALL`.
//!
//! A rule file declares the rule with `declare_rule!` (its doc comment is what `gitops-lint
//! explain ID` prints) and holds the check that produces its findings. Checks speak in field
//! paths and objects; they never compute line numbers. This module does not know about
//! configuration, suppression or output.

use crate::finding::Severity;

/// A rule's identity and documentation.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Stable kebab-case id, named for what it flags.
    pub id: &'static str,
    pub default_severity: Severity,
    /// One line for `gitops-lint rules` and report metadata.
    pub summary: &'static str,
    /// Markdown documentation (the rule's doc comment).
    pub doc: &'static str,
    /// The pipeline stage that produces it.
    pub family: Family,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Input,
    Yaml,
    Object,
    Schema,
    ApiServer,
    Policy,
    Render,
    /// The server-side dry-run against the target cluster.
    Cluster,
    Suppression,
}

impl Family {
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Input => "input",
            Family::Yaml => "yaml",
            Family::Object => "object",
            Family::Schema => "schema",
            Family::ApiServer => "apiserver",
            Family::Policy => "policy",
            Family::Render => "render",
            Family::Cluster => "cluster",
            Family::Suppression => "suppression",
        }
    }
}

impl Rule {
    /// The documentation as Markdown, without the doc-comment indentation.
    pub fn documentation(&self) -> String {
        let mut out = String::new();
        for line in self.doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }
}

/// Declares a rule constant whose doc comment becomes its documentation.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub const $name:ident = Rule {
            id: $id:literal,
            severity: $severity:ident,
            family: $family:ident,
            summary: $summary:literal $(,)?
        };
    ) => {
        $(#[doc = $doc])*
        pub const $name: $crate::rules::Rule = $crate::rules::Rule {
            id: $id,
            default_severity: $crate::finding::Severity::$severity,
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
            family: $crate::rules::Family::$family,
        };
    };
}

pub mod admission_denied;
pub mod alias_expansion_limit;
pub mod apiserver_warning;
pub mod cel_rule_failed;
pub mod cel_rule_not_evaluated;
pub mod changed_policy;
pub mod deprecated_api_version;
pub mod dry_run_forbidden;
pub mod dry_run_skipped;
pub mod duplicate_key;
pub mod duplicate_list_entry;
pub mod duplicate_object;
pub mod file_too_large;
pub mod invalid_autoscaler;
pub mod invalid_config_data;
pub mod invalid_crd;
pub mod invalid_disruption_budget;
pub mod invalid_encoding;
pub mod invalid_field_type;
pub mod invalid_field_value;
pub mod invalid_ingress;
pub mod invalid_metadata;
pub mod invalid_network_policy;
pub mod invalid_pod_spec;
pub mod invalid_rbac;
pub mod invalid_schema;
pub mod invalid_service;
pub mod invalid_suppression;
pub mod invalid_volume_claim;
pub mod invalid_workload;
pub mod missing_name;
pub mod missing_required_field;
pub mod nesting_limit;
pub mod not_kubernetes_object;
pub mod policy_error;
pub mod removed_api_version;
pub mod render_failed;
pub mod renderer_unavailable;
pub mod server_rejected;
pub mod server_warning;
pub mod suppression_without_reason;
pub mod unknown_field;
pub mod unknown_kind;
pub mod unknown_server_kind;
pub mod unreadable_file;
pub mod unserved_api_version;
pub mod unsupported_yaml_value;
pub mod yaml11_boolean;
pub mod yaml11_octal;
pub mod yaml_syntax;

/// Every built-in rule, in the order `gitops-lint rules` lists them.
pub const ALL: &[Rule] = &[
    unreadable_file::RULE,
    invalid_encoding::RULE,
    file_too_large::RULE,
    yaml_syntax::RULE,
    duplicate_key::RULE,
    yaml11_boolean::RULE,
    yaml11_octal::RULE,
    alias_expansion_limit::RULE,
    nesting_limit::RULE,
    unsupported_yaml_value::RULE,
    not_kubernetes_object::RULE,
    missing_name::RULE,
    duplicate_object::RULE,
    removed_api_version::RULE,
    deprecated_api_version::RULE,
    unserved_api_version::RULE,
    unknown_kind::RULE,
    unknown_field::RULE,
    missing_required_field::RULE,
    invalid_field_type::RULE,
    invalid_field_value::RULE,
    duplicate_list_entry::RULE,
    invalid_schema::RULE,
    invalid_metadata::RULE,
    invalid_pod_spec::RULE,
    invalid_workload::RULE,
    invalid_service::RULE,
    invalid_config_data::RULE,
    invalid_ingress::RULE,
    invalid_autoscaler::RULE,
    invalid_disruption_budget::RULE,
    invalid_network_policy::RULE,
    invalid_rbac::RULE,
    invalid_volume_claim::RULE,
    invalid_crd::RULE,
    cel_rule_failed::RULE,
    cel_rule_not_evaluated::RULE,
    apiserver_warning::RULE,
    policy_error::RULE,
    changed_policy::RULE,
    render_failed::RULE,
    renderer_unavailable::RULE,
    suppression_without_reason::RULE,
    invalid_suppression::RULE,
    // The dry-run's, last: existing rules keep their SARIF rule indices.
    server_rejected::RULE,
    admission_denied::RULE,
    dry_run_forbidden::RULE,
    unknown_server_kind::RULE,
    server_warning::RULE,
    dry_run_skipped::RULE,
];

/// Looks a built-in rule up by id.
pub fn find(id: &str) -> Option<&'static Rule> {
    ALL.iter().find(|rule| rule.id == id)
}

/// Whether an id names a rule: built in, a bundled policy, or a conftest result
/// (`namespace.rule`).
pub fn is_known(id: &str) -> bool {
    find(id).is_some() || crate::policy::is_known_rule(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_documented() {
        let mut seen = std::collections::HashSet::new();
        for rule in ALL {
            assert!(seen.insert(rule.id), "duplicate rule id {}", rule.id);
            assert!(
                rule.id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{} is not kebab-case",
                rule.id
            );
            let doc = rule.documentation();
            for heading in ["## What it does", "## Why is this bad?", "## Example"] {
                assert!(doc.contains(heading), "{} lacks {heading}", rule.id);
            }
        }
    }
}
