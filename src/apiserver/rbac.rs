//! RBAC (`pkg/apis/rbac/validation`): policy rules (verbs, api groups and resources,
//! non-resource URLs only cluster-wide), aggregation rules, role references and subjects.
//! Names are path segments only: `system:controller:foo` is fine.

use serde_json::Value;

use super::messages::{is_dns1123_subdomain, is_path_segment_name};
use super::metadata::validate_label_selector;
use super::{Ctx, Path, get};
use crate::rules;

const GROUP: &str = "rbac.authorization.k8s.io";

pub fn check(ctx: &mut Ctx, kind: &str, object: &Value) {
    ctx.family(&rules::invalid_rbac::RULE);
    match kind {
        "Role" | "ClusterRole" => {
            for (i, rule) in get::list(object, "rules").iter().enumerate() {
                policy_rule(ctx, rule, kind == "Role", &Path::new(&["rules"]).index(i));
            }
            if kind == "ClusterRole"
                && let Some(aggregation) = object.get("aggregationRule").filter(|v| !v.is_null())
            {
                let at = Path::new(&["aggregationRule", "clusterRoleSelectors"]);
                let selectors = get::list(aggregation, "clusterRoleSelectors");
                if selectors.is_empty() {
                    ctx.required(
                        &at,
                        "at least one clusterRoleSelector required if aggregationRule is non-nil",
                    );
                }
                for (i, selector) in selectors.iter().enumerate() {
                    validate_label_selector(ctx, selector, &at.index(i));
                }
            }
        }
        _ => binding(ctx, kind == "RoleBinding", object),
    }
}

fn policy_rule(ctx: &mut Ctx, rule: &Value, namespaced: bool, at: &Path) {
    if get::list(rule, "verbs").is_empty() {
        ctx.required(&at.child("verbs"), "verbs must contain at least one value");
    }
    let urls = get::list(rule, "nonResourceURLs");
    if !urls.is_empty() {
        if namespaced {
            ctx.invalid(
                &at.child("nonResourceURLs"),
                &rule["nonResourceURLs"],
                "namespaced rules cannot apply to non-resource URLs",
            );
        }
        if ["apiGroups", "resources", "resourceNames"]
            .iter()
            .any(|f| !get::list(rule, f).is_empty())
        {
            ctx.invalid(
                &at.child("nonResourceURLs"),
                &rule["nonResourceURLs"],
                "rules cannot apply to both regular resources and non-resource URLs",
            );
        }
        return;
    }
    if get::list(rule, "apiGroups").is_empty() {
        ctx.required(
            &at.child("apiGroups"),
            "resource rules must supply at least one api group",
        );
    }
    if get::list(rule, "resources").is_empty() {
        ctx.required(
            &at.child("resources"),
            "resource rules must supply at least one resource",
        );
    }
}

fn binding(ctx: &mut Ctx, namespaced: bool, object: &Value) {
    let role_ref = &object["roleRef"];
    let at = Path::new(&["roleRef"]);
    let group = role_ref
        .get("apiGroup")
        .cloned()
        .unwrap_or(Value::String(String::new()));
    if group.as_str() != Some(GROUP) {
        ctx.unsupported(&at.child("apiGroup"), &group, &[GROUP]);
    }
    let kind = role_ref
        .get("kind")
        .cloned()
        .unwrap_or(Value::String(String::new()));
    let allowed: &[&str] = if namespaced {
        &["Role", "ClusterRole"]
    } else {
        &["ClusterRole"]
    };
    if !kind.as_str().is_some_and(|k| allowed.contains(&k)) {
        ctx.unsupported(&at.child("kind"), &kind, allowed);
    }
    let name = get::string(role_ref, "name");
    if name.is_empty() {
        ctx.required(&at.child("name"), "");
    } else {
        ctx.invalid_each(&at.child("name"), name, is_path_segment_name(name));
    }
    for (i, subject) in get::list(object, "subjects").iter().enumerate() {
        subject_check(ctx, subject, namespaced, &Path::new(&["subjects"]).index(i));
    }
}

fn subject_check(ctx: &mut Ctx, subject: &Value, namespaced: bool, at: &Path) {
    let name = get::string(subject, "name");
    if name.is_empty() {
        ctx.required(&at.child("name"), "");
    }
    let group = subject
        .get("apiGroup")
        .cloned()
        .unwrap_or(Value::String(String::new()));
    let group_text = group.as_str().unwrap_or("");
    match get::string(subject, "kind") {
        "ServiceAccount" => {
            if !name.is_empty() {
                ctx.invalid_each(&at.child("name"), name, is_dns1123_subdomain(name));
            }
            if !group_text.is_empty() {
                ctx.unsupported(&at.child("apiGroup"), &group, &[""]);
            }
            if !namespaced && get::string(subject, "namespace").is_empty() {
                ctx.required(&at.child("namespace"), "");
            }
        }
        "User" | "Group" => {
            if group_text != GROUP {
                ctx.unsupported(&at.child("apiGroup"), &group, &[GROUP]);
            }
        }
        _ => {
            let kind = subject
                .get("kind")
                .cloned()
                .unwrap_or(Value::String(String::new()));
            ctx.unsupported(
                &at.child("kind"),
                &kind,
                &["ServiceAccount", "User", "Group"],
            );
        }
    }
}
