//! PersistentVolumeClaims (`ValidatePersistentVolumeClaimSpec`): access modes, the storage
//! request, class name, volume mode and selector.

use serde_json::{Value, json};

use super::messages::is_dns1123_subdomain;
use super::metadata::validate_label_selector;
use super::quantity::Quantity;
use super::{Ctx, Path, get};
use crate::rules;

const ACCESS_MODES: [&str; 4] = [
    "ReadOnlyMany",
    "ReadWriteMany",
    "ReadWriteOnce",
    "ReadWriteOncePod",
];

pub fn check_pvc(ctx: &mut Ctx, object: &Value) {
    ctx.family(&rules::invalid_volume_claim::RULE);
    check_claim_spec(ctx, &object["spec"], &Path::new(&["spec"]));
}

pub fn check_claim_spec(ctx: &mut Ctx, spec: &Value, path: &Path) {
    let modes = get::list(spec, "accessModes");
    if modes.is_empty() {
        ctx.required(
            &path.child("accessModes"),
            "at least 1 access mode is required",
        );
    }
    if let Some(selector) = spec.get("selector").filter(|v| !v.is_null()) {
        validate_label_selector(ctx, selector, &path.child("selector"));
    }
    let (mut once_pod, mut other) = (false, false);
    for (i, mode) in modes.iter().enumerate() {
        let at = path
            .child("accessModes")
            .pointing(&path.child("accessModes").index(i));
        if !mode.as_str().is_some_and(|m| ACCESS_MODES.contains(&m)) {
            ctx.unsupported(&at, mode, &ACCESS_MODES);
        }
        if mode.as_str() == Some("ReadWriteOncePod") {
            once_pod = true;
        } else {
            other = true;
        }
    }
    if once_pod && other {
        ctx.forbidden(
            &path.child("accessModes"),
            "may not use ReadWriteOncePod with other access modes",
        );
    }
    let storage_path = path.child("resources").key("storage");
    let storage = spec.pointer("/resources/requests/storage");
    let located =
        storage_path.pointing(&path.child("resources").child("requests").child("storage"));
    match storage {
        None | Some(Value::Null) => ctx.required(&located, ""),
        Some(value) => {
            let text = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            if let Some(q) = Quantity::parse(&text)
                && q.nanos <= 0
            {
                ctx.invalid_str(&located, &q.canonical(), "must be greater than zero");
            }
        }
    }
    if let Some(class) = get::str(spec, "storageClassName").filter(|c| !c.is_empty()) {
        ctx.invalid_each(
            &path.child("storageClassName"),
            class,
            is_dns1123_subdomain(class),
        );
    }
    if let Some(mode) = get::str(spec, "volumeMode")
        && !matches!(mode, "Block" | "Filesystem")
    {
        ctx.unsupported(
            &path.child("volumeMode"),
            &json!(mode),
            &["Block", "Filesystem"],
        );
    }
}
