//! Workloads (`pkg/apis/apps/validation`, `pkg/apis/batch/validation`): selectors required and
//! matching the template labels, restart policy per kind, rolling-update parameters, Job modes
//! and CronJob schedules. Pod templates themselves are `pod`'s.

use serde_json::{Value, json};

use super::messages::{NON_NEGATIVE, is_percent, percent_message};
use super::metadata::{selector_is_empty, selector_matches, validate_label_selector};
use super::{Ctx, Path, cron, get, pod};
use crate::rules;

pub fn check(ctx: &mut Ctx, kind: &str, object: &Value) {
    let spec = &object["spec"];
    let path = Path::new(&["spec"]);
    match kind {
        "Deployment" => {
            replicated(ctx, spec, &path, "deployment", "ReplicaSet", true);
            deployment(ctx, spec, &path);
        }
        "ReplicaSet" => replicated(ctx, spec, &path, "deployment", "ReplicaSet", true),
        "ReplicationController" => {
            ctx.family(&rules::invalid_workload::RULE);
            nonneg(ctx, spec, &path, &["replicas", "minReadySeconds"]);
            let template = &spec["template"];
            // A missing RC selector is defaulted from the template labels.
            let selector = get::map(spec, "selector");
            if let Some(selector) = selector.filter(|s| !s.is_empty()) {
                let labels = template.pointer("/metadata/labels");
                let matches = selector.iter().all(|(k, v)| {
                    labels.and_then(|l| l.get(k)).and_then(Value::as_str) == v.as_str()
                });
                if !matches {
                    ctx.invalid(
                        &path.child("template").child("metadata").child("labels"),
                        labels.unwrap_or(&Value::Null),
                        "`selector` does not match template `labels`",
                    );
                }
            }
            pod::check_template(ctx, template, &path.child("template"));
            restart_always(ctx, spec, &path, "ReplicationController");
        }
        "StatefulSet" => stateful_set(ctx, spec, &path),
        "DaemonSet" => daemon_set(ctx, spec, &path),
        "Job" => job(ctx, spec, &path, false),
        "CronJob" => cron_job(ctx, spec, &path),
        _ => {}
    }
}

fn nonneg(ctx: &mut Ctx, holder: &Value, path: &Path, fields: &[&str]) {
    for field in fields {
        if let Some(n) = get::int(holder, field)
            && n < 0
        {
            ctx.invalid_int(&path.child(field), n, NON_NEGATIVE);
        }
    }
}

/// Selector required (optionally), valid, not empty, and matching the template labels.
fn selector(ctx: &mut Ctx, spec: &Value, path: &Path, what: &str, required: bool) {
    let selector = spec.get("selector").filter(|s| !s.is_null());
    match selector {
        None if required => ctx.required(&path.child("selector"), ""),
        None => {}
        Some(s) => {
            validate_label_selector(ctx, s, &path.child("selector"));
            if selector_is_empty(s) {
                ctx.invalid(
                    &path.child("selector"),
                    s,
                    &format!("empty selector is invalid for {what}"),
                );
            }
        }
    }
    let labels = spec.pointer("/template/metadata/labels");
    let empty = selector.is_some_and(selector_is_empty);
    // A label that is not a string is a decode error (the schema stage says so), not a mismatch.
    let strings = |v: Option<&Value>| {
        v.and_then(Value::as_object)
            .is_none_or(|m| m.values().all(Value::is_string))
    };
    let decodable = strings(labels) && strings(selector.and_then(|s| s.get("matchLabels")));
    if !empty && decodable && !selector_matches(selector, labels) {
        ctx.invalid(
            &path.child("template").child("metadata").child("labels"),
            labels.unwrap_or(&Value::Null),
            "`selector` does not match template `labels`",
        );
    }
}

fn restart_always(ctx: &mut Ctx, spec: &Value, path: &Path, kind: &str) {
    ctx.family(&rules::invalid_workload::RULE);
    let template_spec = path.child("template").child("spec");
    if let Some(policy) = spec.pointer("/template/spec/restartPolicy")
        && policy.as_str() != Some("Always")
    {
        ctx.unsupported(&template_spec.child("restartPolicy"), policy, &["Always"]);
    }
    if spec
        .pointer("/template/spec/activeDeadlineSeconds")
        .is_some_and(|v| !v.is_null())
    {
        ctx.forbidden(
            &template_spec.child("activeDeadlineSeconds"),
            &format!("activeDeadlineSeconds in {kind} is not Supported"),
        );
    }
}

/// Deployment and ReplicaSet: `ValidateReplicaSetSpec` / `ValidatePodTemplateSpecForReplicaSet`.
fn replicated(ctx: &mut Ctx, spec: &Value, path: &Path, what: &str, kind: &str, pods: bool) {
    ctx.family(&rules::invalid_workload::RULE);
    nonneg(
        ctx,
        spec,
        path,
        &["replicas", "minReadySeconds", "revisionHistoryLimit"],
    );
    selector(ctx, spec, path, what, true);
    if pods {
        pod::check_template(ctx, &spec["template"], &path.child("template"));
    }
    restart_always(ctx, spec, path, kind);
}

fn deployment(ctx: &mut Ctx, spec: &Value, path: &Path) {
    ctx.family(&rules::invalid_workload::RULE);
    // progressDeadlineSeconds defaults to 600.
    let deadline = get::int(spec, "progressDeadlineSeconds").unwrap_or(600);
    if deadline < 0 {
        ctx.invalid_int(
            &path.child("progressDeadlineSeconds"),
            deadline,
            NON_NEGATIVE,
        );
    } else if deadline <= get::int(spec, "minReadySeconds").unwrap_or(0) {
        ctx.invalid_int(
            &path.child("progressDeadlineSeconds"),
            deadline,
            "must be greater than minReadySeconds",
        );
    }
    let strategy = &spec["strategy"];
    let at = path.child("strategy");
    match get::str(strategy, "type") {
        Some("Recreate") if get::has(strategy, "rollingUpdate") => {
            ctx.forbidden(
                &at.child("rollingUpdate"),
                "may not be specified when strategy `type` is 'Recreate'",
            );
        }
        Some("Recreate") => {}
        Some("RollingUpdate") => {
            let rolling = &strategy["rollingUpdate"];
            let rat = at.child("rollingUpdate");
            let unavailable = &rolling["maxUnavailable"];
            let surge = &rolling["maxSurge"];
            int_or_percent(ctx, unavailable, &rat.child("maxUnavailable"));
            int_or_percent(ctx, surge, &rat.child("maxSurge"));
            if int_or_percent_value(unavailable) == Some(0)
                && int_or_percent_value(surge) == Some(0)
            {
                ctx.invalid_rendered(
                    &rat.child("maxUnavailable"),
                    &render_int_or_string(unavailable, ctx),
                    "may not be 0 when `maxSurge` is 0",
                );
            }
            not_over_100(ctx, unavailable, &rat.child("maxUnavailable"));
        }
        Some(other) => ctx.unsupported(
            &at.child("type"),
            &json!(other),
            &["Recreate", "RollingUpdate"],
        ),
        None => {}
    }
}

/// `intstr.IntOrString` as `field.Invalid` prints it: JSON from 1.34, Go syntax before.
fn render_int_or_string(value: &Value, ctx: &Ctx) -> String {
    if ctx.version.minor >= 34 {
        return match value {
            Value::Null => "0".to_string(),
            other => other.to_string(),
        };
    }
    match value {
        Value::String(s) => format!(
            "intstr.IntOrString{{Type:1, IntVal:0, StrVal:{}}}",
            super::messages::go_quote(s)
        ),
        Value::Number(n) => format!("intstr.IntOrString{{Type:0, IntVal:{n}, StrVal:\"\"}}"),
        _ => "intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}".to_string(),
    }
}

/// `ValidatePositiveIntOrPercent`.
pub fn int_or_percent(ctx: &mut Ctx, value: &Value, at: &Path) {
    match value {
        Value::String(s) if !is_percent(s) => {
            let rendered = render_int_or_string(value, ctx);
            ctx.invalid_rendered(at, &rendered, &percent_message());
        }
        Value::Number(n) if n.as_i64().is_some_and(|n| n < 0) => {
            let rendered = render_int_or_string(value, ctx);
            ctx.invalid_rendered(at, &rendered, NON_NEGATIVE);
        }
        _ => {}
    }
}

/// `IsNotMoreThan100Percent`.
pub fn not_over_100(ctx: &mut Ctx, value: &Value, at: &Path) {
    if let Some(s) = value.as_str()
        && is_percent(s)
        && s.trim_end_matches('%')
            .parse::<u64>()
            .is_ok_and(|p| p > 100)
    {
        let rendered = render_int_or_string(value, ctx);
        ctx.invalid_rendered(at, &rendered, "must not be greater than 100%");
    }
}

pub fn int_or_percent_value(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.strip_suffix('%').and_then(|p| p.parse().ok()),
        Value::Null => Some(0),
        _ => None,
    }
}

fn stateful_set(ctx: &mut Ctx, spec: &Value, path: &Path) {
    ctx.family(&rules::invalid_workload::RULE);
    match get::str(spec, "podManagementPolicy") {
        Some("OrderedReady" | "Parallel") | None => {}
        Some("") => ctx.required(&path.child("podManagementPolicy"), ""),
        Some(other) => ctx.invalid_str(
            &path.child("podManagementPolicy"),
            other,
            "must be 'OrderedReady' or 'Parallel'",
        ),
    }
    let strategy = &spec["updateStrategy"];
    let at = path.child("updateStrategy");
    match get::str(strategy, "type") {
        Some("OnDelete") if get::has(strategy, "rollingUpdate") => {
            ctx.invalid(
                &at.child("rollingUpdate"),
                &strategy["rollingUpdate"],
                "only allowed for updateStrategy 'RollingUpdate'",
            );
        }
        Some("OnDelete") => {}
        Some("RollingUpdate") => {
            let rolling = &strategy["rollingUpdate"];
            nonneg(ctx, rolling, &at.child("rollingUpdate"), &["partition"]);
        }
        Some(_) => ctx.invalid(&at, strategy, "must be 'RollingUpdate' or 'OnDelete'"),
        None => {}
    }
    if let Some(policy) = spec.get("persistentVolumeClaimRetentionPolicy") {
        let pat = path.child("persistentVolumeClaimRetentionPolicy");
        for field in ["whenDeleted", "whenScaled"] {
            if let Some(v) = policy.get(field)
                && !matches!(v.as_str(), Some("Retain" | "Delete"))
            {
                ctx.unsupported(&pat.child(field), v, &["Retain", "Delete"]);
            }
        }
    }
    nonneg(
        ctx,
        spec,
        path,
        &["replicas", "minReadySeconds", "revisionHistoryLimit"],
    );
    selector(ctx, spec, path, "statefulset", true);
    let template_path = path.child("template");
    let template = &spec["template"];
    // Templates are only validated from 1.34; before, only labels and annotations.
    if ctx.version.minor >= 34 {
        let claims: Vec<String> = get::list(spec, "volumeClaimTemplates")
            .iter()
            .filter_map(|c| c.pointer("/metadata/name").and_then(Value::as_str))
            .map(str::to_string)
            .collect();
        pod::check_template_with_volumes(ctx, template, &template_path, &claims);
        ctx.family(&rules::invalid_volume_claim::RULE);
        for (i, claim) in get::list(spec, "volumeClaimTemplates").iter().enumerate() {
            let at = path.child("volumeClaimTemplates").index(i).child("spec");
            super::storage::check_claim_spec(ctx, &claim["spec"], &at);
        }
    } else {
        ctx.family(&rules::invalid_pod_spec::RULE);
        let meta = &template["metadata"];
        let at = template_path.child("metadata");
        super::metadata::validate_labels(ctx, meta, "labels", &template_path.child("labels"), &at);
        super::metadata::validate_annotations(ctx, meta, &template_path.child("annotations"), &at);
    }
    restart_always(ctx, spec, path, "StatefulSet");
}

fn daemon_set(ctx: &mut Ctx, spec: &Value, path: &Path) {
    ctx.family(&rules::invalid_workload::RULE);
    selector(ctx, spec, path, "daemonset", false);
    pod::check_template(ctx, &spec["template"], &path.child("template"));
    restart_always(ctx, spec, path, "DaemonSet");
    nonneg(
        ctx,
        spec,
        path,
        &["minReadySeconds", "revisionHistoryLimit"],
    );
    let strategy = &spec["updateStrategy"];
    let at = path.child("updateStrategy");
    match get::str(strategy, "type") {
        Some("RollingUpdate") => {
            let rolling = &strategy["rollingUpdate"];
            let rat = at.child("rollingUpdate");
            let unavailable = &rolling["maxUnavailable"];
            let surge = &rolling["maxSurge"];
            int_or_percent(ctx, unavailable, &rat.child("maxUnavailable"));
            int_or_percent(ctx, surge, &rat.child("maxSurge"));
            not_over_100(ctx, unavailable, &rat.child("maxUnavailable"));
            not_over_100(ctx, surge, &rat.child("maxSurge"));
            let has_unavailable = int_or_percent_value(unavailable).is_some_and(|v| v != 0);
            let has_surge = int_or_percent_value(surge).is_some_and(|v| v != 0);
            if has_unavailable && has_surge {
                let rendered = render_int_or_string(surge, ctx);
                ctx.invalid_rendered(
                    &rat.child("maxSurge"),
                    &rendered,
                    "may not be set when maxUnavailable is non-zero",
                );
            } else if !has_unavailable && !has_surge {
                ctx.required(
                    &rat.child("maxUnavailable"),
                    "cannot be 0 when maxSurge is 0",
                );
            }
        }
        Some("OnDelete") | None => {}
        Some(other) => ctx.unsupported(
            &at.child("type"),
            &json!(other),
            &["OnDelete", "RollingUpdate"],
        ),
    }
}

/// `validateJobSpec` (and the create-time selector rule); `template_of_cron` for CronJobs,
/// whose selector is generated later and must not be set.
fn job(ctx: &mut Ctx, spec: &Value, path: &Path, template_of_cron: bool) {
    ctx.family(&rules::invalid_workload::RULE);
    nonneg(
        ctx,
        spec,
        path,
        &[
            "parallelism",
            "completions",
            "activeDeadlineSeconds",
            "backoffLimit",
            "ttlSecondsAfterFinished",
            "backoffLimitPerIndex",
            "maxFailedIndexes",
        ],
    );
    let manual = get::bool(spec, "manualSelector") == Some(true);
    if template_of_cron {
        if manual {
            ctx.unsupported(
                &path.child("manualSelector"),
                &json!(true),
                &["nil", "false"],
            );
        }
        if get::has(spec, "selector") {
            ctx.invalid(
                &path.child("selector"),
                &spec["selector"],
                "`selector` will be auto-generated",
            );
        }
    } else if manual {
        selector(ctx, spec, path, "job", true);
    } else if get::has(spec, "selector") {
        ctx.invalid(
            &path.child("selector"),
            &spec["selector"],
            "`selector` not auto-generated",
        );
    }
    match get::str(spec, "completionMode") {
        Some("NonIndexed") | None => {
            for field in ["backoffLimitPerIndex", "maxFailedIndexes"] {
                if let Some(n) = get::int(spec, field) {
                    ctx.invalid_int(&path.child(field), n, "requires indexed completion mode");
                }
            }
        }
        Some("Indexed") => {
            if !get::has(spec, "completions") {
                ctx.required(
                    &path.child("completions"),
                    "when completion mode is Indexed",
                );
            }
            if let Some(p) = get::int(spec, "parallelism")
                && p > 100_000
            {
                ctx.invalid_int(
                    &path.child("parallelism"),
                    p,
                    "must be less than or equal to 100000 when completion mode is Indexed",
                );
            }
        }
        Some(other) => ctx.unsupported(
            &path.child("completionMode"),
            &json!(other),
            &["NonIndexed", "Indexed"],
        ),
    }
    let template_path = path.child("template");
    pod::check_template(ctx, &spec["template"], &template_path);
    ctx.family(&rules::invalid_workload::RULE);
    let policy_at = template_path.child("spec").child("restartPolicy");
    let policy = spec
        .pointer("/template/spec/restartPolicy")
        .cloned()
        .unwrap_or(json!("Always"));
    match policy.as_str() {
        Some("OnFailure" | "Never") => {
            if policy.as_str() == Some("OnFailure") && get::has(spec, "podFailurePolicy") {
                ctx.invalid(
                    &policy_at,
                    &policy,
                    "only \"Never\" is supported when podFailurePolicy is specified",
                );
            }
        }
        Some("Always") => ctx.required(&policy_at, "valid values: \"OnFailure\", \"Never\""),
        _ => ctx.unsupported(&policy_at, &policy, &["OnFailure", "Never"]),
    }
}

fn cron_job(ctx: &mut Ctx, spec: &Value, path: &Path) {
    ctx.family(&rules::invalid_workload::RULE);
    let schedule = get::string(spec, "schedule");
    let at = path.child("schedule");
    if schedule.is_empty() {
        ctx.required(&at, "");
    } else {
        if let Err(message) = cron::parse_standard(schedule) {
            ctx.invalid_str(&at, schedule, &message);
        }
        if schedule.contains("TZ") {
            let detail = if get::has(spec, "timeZone") {
                "cannot use both timeZone field and TZ or CRON_TZ in schedule"
            } else {
                "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"
            };
            ctx.invalid_str(&at, schedule, detail);
        }
    }
    if let Some(zone) = get::str(spec, "timeZone") {
        let at = path.child("timeZone");
        if zone.is_empty() {
            ctx.invalid_str(&at, zone, "timeZone must be nil or non-empty string");
        } else if zone.eq_ignore_ascii_case("local") {
            ctx.invalid_str(
                &at,
                zone,
                "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",
            );
        }
    }
    if let Some(policy) = spec.get("concurrencyPolicy")
        && !matches!(policy.as_str(), Some("Allow" | "Forbid" | "Replace"))
    {
        ctx.unsupported(
            &path.child("concurrencyPolicy"),
            policy,
            &["Allow", "Forbid", "Replace"],
        );
    }
    nonneg(
        ctx,
        spec,
        path,
        &[
            "startingDeadlineSeconds",
            "successfulJobsHistoryLimit",
            "failedJobsHistoryLimit",
        ],
    );
    let job_spec_path = path.child("jobTemplate").child("spec");
    if let Some(job_spec) = spec.pointer("/jobTemplate/spec") {
        job(ctx, job_spec, &job_spec_path, true);
    }
}
