//! ConfigMaps and Secrets (`ValidateConfigMap`, `ValidateSecret`): key syntax, keys in both
//! `data` and `binaryData`, total size, and the keys each Secret type requires. `stringData` is
//! already merged into `data` (defaulting), as the server's conversion does.
//!
//! Messages never quote a Secret value: only keys.

use serde_json::Value;

use super::defaults::decoded_len;
use super::messages::is_config_map_key;
use super::{Ctx, Path, get};
use crate::rules;

const MAX_SIZE: usize = 1024 * 1024;

pub fn check_config_map(ctx: &mut Ctx, object: &Value) {
    ctx.family(&rules::invalid_config_data::RULE);
    let mut total = 0usize;
    let binary = get::map(object, "binaryData");
    for (key, value) in get::map(object, "data").into_iter().flatten() {
        let at = Path::new(&["data"]).key(key);
        ctx.invalid_each(&at, key, is_config_map_key(key));
        if binary.is_some_and(|b| b.contains_key(key)) {
            ctx.invalid_str(&at, key, "duplicate of key present in binaryData");
        }
        total += value.as_str().map_or(0, str::len);
    }
    for (key, value) in binary.into_iter().flatten() {
        let at = Path::new(&["binaryData"]).key(key);
        ctx.invalid_each(&at, key, is_config_map_key(key));
        total += value.as_str().map_or(0, decoded_len);
    }
    if total > MAX_SIZE {
        ctx.too_long(&Path::root(), MAX_SIZE);
    }
}

pub fn check_secret(ctx: &mut Ctx, object: &Value) {
    ctx.family(&rules::invalid_config_data::RULE);
    let data = get::map(object, "data");
    let data_path = Path::new(&["data"]);
    let mut total = 0usize;
    for (key, value) in data.into_iter().flatten() {
        // A key that came from `stringData` points there.
        let at = if from_string_data(object, key) {
            data_path
                .key(key)
                .pointing(&Path::new(&["stringData"]).key(key))
        } else {
            data_path.key(key)
        };
        ctx.invalid_each(&at, key, is_config_map_key(key));
        total += value.as_str().map_or(0, decoded_len);
    }
    if total > MAX_SIZE {
        ctx.too_long(&data_path, MAX_SIZE);
    }
    let has = |key: &str| data.is_some_and(|d| d.contains_key(key));
    let non_empty = |key: &str| {
        data.and_then(|d| d.get(key))
            .and_then(Value::as_str)
            .is_some_and(|s| !s.is_empty())
    };
    match get::string(object, "type") {
        "kubernetes.io/service-account-token" => {
            let name = object
                .pointer("/metadata/annotations/kubernetes.io~1service-account.name")
                .and_then(Value::as_str)
                .unwrap_or("");
            if name.is_empty() {
                ctx.required(
                    &Path::new(&["metadata", "annotations"])
                        .key("kubernetes.io/service-account.name"),
                    "",
                );
            }
        }
        "kubernetes.io/dockercfg" if !has(".dockercfg") => {
            ctx.required(&data_path.key(".dockercfg"), "");
        }
        "kubernetes.io/dockerconfigjson" if !has(".dockerconfigjson") => {
            ctx.required(&data_path.key(".dockerconfigjson"), "");
        }
        "kubernetes.io/basic-auth" if !has("username") && !has("password") => {
            ctx.required(&data_path.key("username"), "");
            ctx.required(&data_path.key("password"), "");
        }
        "kubernetes.io/ssh-auth" if !non_empty("ssh-privatekey") => {
            ctx.required(&data_path.key("ssh-privatekey"), "");
        }
        "kubernetes.io/tls" => {
            for key in ["tls.crt", "tls.key"] {
                if !has(key) {
                    ctx.required(&data_path.key(key), "");
                }
            }
        }
        _ => {}
    }
}

fn from_string_data(object: &Value, key: &str) -> bool {
    object
        .get("stringData")
        .is_some_and(|s| s.get(key).is_some())
}
