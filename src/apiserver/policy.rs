//! HorizontalPodAutoscaler (`autoscaling/v2`) and PodDisruptionBudget (`policy/v1`): replica
//! bounds, the scale target, metric sources and targets, scaling behaviour; minAvailable xor
//! maxUnavailable and their values.

use serde_json::{Value, json};

use super::messages::is_path_segment_name;
use super::metadata::validate_label_selector;
use super::quantity::Quantity;
use super::workloads::{int_or_percent, not_over_100};
use super::{Ctx, Path, get};
use crate::rules;

pub fn check_hpa(ctx: &mut Ctx, object: &Value) {
    ctx.family(&rules::invalid_autoscaler::RULE);
    let spec = &object["spec"];
    let path = Path::new(&["spec"]);
    let min = get::int(spec, "minReplicas");
    if let Some(min) = min
        && min < 1
    {
        ctx.invalid_int(
            &path.child("minReplicas"),
            min,
            "must be greater than or equal to 1",
        );
    }
    let max = get::int(spec, "maxReplicas").unwrap_or(0);
    if max < 1 {
        ctx.invalid_int(&path.child("maxReplicas"), max, "must be greater than 0");
    }
    if let Some(min) = min
        && max < min
    {
        ctx.invalid_int(
            &path.child("maxReplicas"),
            max,
            "must be greater than or equal to `minReplicas`",
        );
    }
    let target = &spec["scaleTargetRef"];
    let tat = path.child("scaleTargetRef");
    for field in ["kind", "name"] {
        let value = get::string(target, field);
        if value.is_empty() {
            ctx.required(&tat.child(field), "");
        } else {
            ctx.invalid_each(&tat.child(field), value, is_path_segment_name(value));
        }
    }
    for (i, metric) in get::list(spec, "metrics").iter().enumerate() {
        metric_spec(ctx, metric, &path.child("metrics").index(i));
    }
    if let Some(behavior) = spec.get("behavior").filter(|b| b.is_object()) {
        for direction in ["scaleUp", "scaleDown"] {
            if let Some(rules) = behavior.get(direction).filter(|r| r.is_object()) {
                scaling_rules(ctx, rules, &path.child("behavior").child(direction));
            }
        }
    }
}

const SOURCES: [(&str, &str); 5] = [
    ("Object", "object"),
    ("Pods", "pods"),
    ("Resource", "resource"),
    ("External", "external"),
    ("ContainerResource", "containerResource"),
];

fn metric_spec(ctx: &mut Ctx, metric: &Value, at: &Path) {
    let kind = get::string(metric, "type");
    if kind.is_empty() {
        ctx.required(&at.child("type"), "must specify a metric source type");
    }
    if !SOURCES.iter().any(|(t, _)| *t == kind) {
        ctx.unsupported(
            &at.child("type"),
            &json!(kind),
            &[
                "Object",
                "Pods",
                "Resource",
                "External",
                "ContainerResource",
            ],
        );
    }
    let expected = SOURCES.iter().find(|(t, _)| *t == kind).map(|(_, f)| *f);
    if let Some(field) = expected
        && !get::has(metric, field)
    {
        ctx.required(
            &at.child(field),
            "must populate information for the given metric source",
        );
    }
    let present: Vec<&str> = SOURCES
        .iter()
        .map(|(_, f)| *f)
        .filter(|f| get::has(metric, f))
        .collect();
    if present.len() > 1 {
        for field in present.iter().filter(|f| Some(**f) != expected) {
            ctx.forbidden(
                &at.child(field),
                "must populate the given metric source only",
            );
        }
    }
    for field in ["resource", "containerResource"] {
        let Some(source) = metric.get(field).filter(|s| s.is_object()) else {
            continue;
        };
        let sat = at.child(field);
        if get::string(source, "name").is_empty() {
            ctx.required(&sat.child("name"), "must specify a resource name");
        }
        let target = &source["target"];
        metric_target(ctx, target, &sat.child("target"));
        let utilization = get::has(target, "averageUtilization");
        let average = get::has(target, "averageValue");
        if !utilization && !average {
            ctx.required(
                &sat.child("target").child("averageUtilization"),
                "must set either a target raw value or a target utilization",
            );
        } else if utilization && average {
            ctx.forbidden(
                &sat.child("target").child("averageValue"),
                "may not set both a target raw value and a target utilization",
            );
        }
    }
    for field in ["pods", "object", "external"] {
        if let Some(source) = metric.get(field).filter(|s| s.is_object()) {
            metric_target(ctx, &source["target"], &at.child(field).child("target"));
        }
    }
}

fn metric_target(ctx: &mut Ctx, target: &Value, at: &Path) {
    if !target.is_object() {
        return;
    }
    let kind = get::string(target, "type");
    if kind.is_empty() {
        ctx.required(&at.child("type"), "must specify a metric target type");
    }
    if !matches!(kind, "Utilization" | "Value" | "AverageValue") {
        ctx.invalid_str(
            &at.child("type"),
            kind,
            "must be either Utilization, Value, or AverageValue",
        );
    }
    for field in ["value", "averageValue"] {
        let text = match target.get(field) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => continue,
        };
        if let Some(q) = Quantity::parse(&text)
            && q.nanos <= 0
        {
            ctx.invalid_str(&at.child(field), &q.canonical(), "must be positive");
        }
    }
    if let Some(u) = get::int(target, "averageUtilization")
        && u < 1
    {
        ctx.invalid_int(&at.child("averageUtilization"), u, "must be greater than 0");
    }
}

fn scaling_rules(ctx: &mut Ctx, rules: &Value, at: &Path) {
    if let Some(window) = get::int(rules, "stabilizationWindowSeconds") {
        let here = at.child("stabilizationWindowSeconds");
        if window < 0 {
            ctx.invalid_int(&here, window, "must be greater than or equal to zero");
        } else if window > 3600 {
            ctx.invalid_int(&here, window, "must be less than or equal to 3600");
        }
    }
    if let Some(policy) = rules.get("selectPolicy").filter(|v| !v.is_null())
        && !matches!(policy.as_str(), Some("Max" | "Min" | "Disabled"))
    {
        ctx.unsupported(
            &at.child("selectPolicy"),
            policy,
            &["Disabled", "Max", "Min"],
        );
    }
    for (i, policy) in get::list(rules, "policies").iter().enumerate() {
        let pat = at.child("policies").index(i);
        let kind = policy.get("type").cloned().unwrap_or(json!(""));
        if !matches!(kind.as_str(), Some("Pods" | "Percent")) {
            ctx.unsupported(&pat.child("type"), &kind, &["Percent", "Pods"]);
        }
        let value = get::int(policy, "value").unwrap_or(0);
        if value <= 0 {
            ctx.invalid_int(&pat.child("value"), value, "must be greater than zero");
        }
        let period = get::int(policy, "periodSeconds").unwrap_or(0);
        if period <= 0 {
            ctx.invalid_int(
                &pat.child("periodSeconds"),
                period,
                "must be greater than zero",
            );
        } else if period > 1800 {
            ctx.invalid_int(
                &pat.child("periodSeconds"),
                period,
                "must be less than or equal to 1800",
            );
        }
    }
}

pub fn check_pdb(ctx: &mut Ctx, object: &Value) {
    ctx.family(&rules::invalid_disruption_budget::RULE);
    let spec = &object["spec"];
    let path = Path::new(&["spec"]);
    let min = spec.get("minAvailable").filter(|v| !v.is_null());
    let max = spec.get("maxUnavailable").filter(|v| !v.is_null());
    if min.is_some() && max.is_some() {
        ctx.invalid(
            &path,
            spec,
            "minAvailable and maxUnavailable cannot be both set",
        );
    }
    for (field, value) in [("minAvailable", min), ("maxUnavailable", max)] {
        if let Some(value) = value {
            int_or_percent(ctx, value, &path.child(field));
            not_over_100(ctx, value, &path.child(field));
        }
    }
    if let Some(selector) = spec.get("selector").filter(|v| !v.is_null()) {
        validate_label_selector(ctx, selector, &path.child("selector"));
    }
    if let Some(policy) = spec
        .get("unhealthyPodEvictionPolicy")
        .filter(|v| !v.is_null())
        && !matches!(policy.as_str(), Some("IfHealthyBudget" | "AlwaysAllow"))
    {
        ctx.unsupported(
            &path.child("unhealthyPodEvictionPolicy"),
            policy,
            &["AlwaysAllow", "IfHealthyBudget"],
        );
    }
}
