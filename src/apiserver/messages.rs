//! The API server's message primitives (`k8s.io/apimachinery/pkg/util/validation`), word for
//! word: name formats, label keys and values, config keys, env var names, port names, and the
//! rendering of bad values (`%q` strings, JSON or Go syntax for structures, by version).
//!
//! Each `is_*` function returns the messages the Go function of the same name returns: empty when
//! the value is valid, one message per failed check otherwise.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use crate::schema::KubeVersion;

fn anchored(pattern: &str) -> Regex {
    // The patterns are constants of this file; a typo is caught by the tests below.
    Regex::new(&format!("^(?:{pattern})$")).unwrap_or_else(|_| Regex::new("^$").expect("empty"))
}

const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_SUBDOMAIN_FMT: &str =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS1035_LABEL_FMT: &str = "[a-z]([-a-z0-9]*[a-z0-9])?";
const QUALIFIED_NAME_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_VALUE_FMT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
const CONFIG_KEY_FMT: &str = "[-._a-zA-Z0-9]+";
const ENV_VAR_FMT: &str = "[-._a-zA-Z][-._a-zA-Z0-9]*";
const WILDCARD_DNS1123_SUBDOMAIN_FMT: &str =
    "\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const PERCENT_FMT: &str = "[0-9]+%";

static DNS1123_LABEL: LazyLock<Regex> = LazyLock::new(|| anchored(DNS1123_LABEL_FMT));
static DNS1123_SUBDOMAIN: LazyLock<Regex> = LazyLock::new(|| anchored(DNS1123_SUBDOMAIN_FMT));
static DNS1035_LABEL: LazyLock<Regex> = LazyLock::new(|| anchored(DNS1035_LABEL_FMT));
static QUALIFIED_NAME: LazyLock<Regex> = LazyLock::new(|| anchored(QUALIFIED_NAME_FMT));
static LABEL_VALUE: LazyLock<Regex> = LazyLock::new(|| anchored(LABEL_VALUE_FMT));
static CONFIG_KEY: LazyLock<Regex> = LazyLock::new(|| anchored(CONFIG_KEY_FMT));
static ENV_VAR: LazyLock<Regex> = LazyLock::new(|| anchored(ENV_VAR_FMT));
static WILDCARD_SUBDOMAIN: LazyLock<Regex> =
    LazyLock::new(|| anchored(WILDCARD_DNS1123_SUBDOMAIN_FMT));
static PERCENT: LazyLock<Regex> = LazyLock::new(|| anchored(PERCENT_FMT));

/// `RegexError`: the message, examples and the pattern.
fn regex_error(message: &str, fmt: &str, examples: &[&str]) -> String {
    let mut s = message.to_string();
    if examples.is_empty() {
        s.push_str(&format!(" (regex used for validation is '{fmt}')"));
        return s;
    }
    s.push_str(" (e.g. ");
    for (i, example) in examples.iter().enumerate() {
        if i > 0 {
            s.push_str(" or ");
        }
        s.push_str(&format!("'{example}', "));
    }
    s.push_str(&format!("regex used for validation is '{fmt}')"));
    s
}

pub fn max_len_error(n: usize) -> String {
    format!("must be no more than {n} characters")
}

/// Label values and the name part of label keys count bytes from 1.35 on.
fn max_len_bytes_error(n: usize, version: KubeVersion) -> String {
    if version.minor >= 35 {
        format!("must be no more than {n} bytes")
    } else {
        max_len_error(n)
    }
}

pub fn dns1123_label_message() -> String {
    regex_error(
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
        DNS1123_LABEL_FMT,
        &["my-name", "123-abc"],
    )
}

pub fn is_dns1123_label(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 63 {
        errs.push(max_len_error(63));
    }
    if !DNS1123_LABEL.is_match(value) {
        if is_dns1123_subdomain(value).is_empty() {
            errs.push("must not contain dots".to_string());
        } else {
            errs.push(dns1123_label_message());
        }
    }
    errs
}

pub fn is_dns1123_subdomain(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 253 {
        errs.push(max_len_error(253));
    }
    if !DNS1123_SUBDOMAIN.is_match(value) {
        errs.push(regex_error(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
            DNS1123_SUBDOMAIN_FMT,
            &["example.com"],
        ));
    }
    errs
}

pub fn is_wildcard_dns1123_subdomain(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 253 {
        errs.push(max_len_error(253));
    }
    if !WILDCARD_SUBDOMAIN.is_match(value) {
        errs.push(regex_error(
            "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character",
            WILDCARD_DNS1123_SUBDOMAIN_FMT,
            &["*.example.com"],
        ));
    }
    errs
}

pub fn is_dns1035_label(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 63 {
        errs.push(max_len_error(63));
    }
    if !DNS1035_LABEL.is_match(value) {
        errs.push(regex_error(
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
            DNS1035_LABEL_FMT,
            &["my-name", "abc-123"],
        ));
    }
    errs
}

const QUALIFIED_NAME_ERR: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/// `IsQualifiedName` (label and annotation keys, finalizers).
pub fn is_qualified_name(value: &str, version: KubeVersion) -> Vec<String> {
    let mut errs = Vec::new();
    let parts: Vec<&str> = value.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_string());
            } else {
                errs.extend(
                    is_dns1123_subdomain(prefix)
                        .into_iter()
                        .map(|m| format!("prefix part {m}")),
                );
            }
            *name
        }
        _ => {
            let subject = if version.minor >= 35 {
                "a valid label key "
            } else {
                "a qualified name "
            };
            errs.push(format!(
                "{subject}{} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(
                    QUALIFIED_NAME_ERR,
                    QUALIFIED_NAME_FMT,
                    &["MyName", "my.name", "123-abc"]
                )
            ));
            return errs;
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".to_string());
    } else if name.len() > 63 {
        errs.push(format!("name part {}", max_len_bytes_error(63, version)));
    }
    if !QUALIFIED_NAME.is_match(name) {
        errs.push(format!(
            "name part {}",
            regex_error(
                QUALIFIED_NAME_ERR,
                QUALIFIED_NAME_FMT,
                &["MyName", "my.name", "123-abc"]
            )
        ));
    }
    errs
}

pub fn is_valid_label_value(value: &str, version: KubeVersion) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 63 {
        errs.push(max_len_bytes_error(63, version));
    }
    if !LABEL_VALUE.is_match(value) {
        errs.push(regex_error(
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
            LABEL_VALUE_FMT,
            &["MyValue", "my_value", "12345"],
        ));
    }
    errs
}

fn dot_rules(value: &str) -> Vec<String> {
    if value == "." {
        vec!["must not be '.'".to_string()]
    } else if value == ".." {
        vec!["must not be '..'".to_string()]
    } else if value.starts_with("..") {
        vec!["must not start with '..'".to_string()]
    } else {
        Vec::new()
    }
}

pub fn is_config_map_key(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 253 {
        errs.push(max_len_error(253));
    }
    if !CONFIG_KEY.is_match(value) {
        errs.push(regex_error(
            "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
            CONFIG_KEY_FMT,
            &["key.name", "KEY_NAME", "key-name"],
        ));
    }
    errs.extend(dot_rules(value));
    errs
}

/// Env var names: the strict C-identifier-like rule up to 1.31, any printable ASCII but `=` from
/// 1.32 (`RelaxedEnvironmentVariableValidation` is on by default).
pub fn is_env_var_name(value: &str, version: KubeVersion) -> Vec<String> {
    if version.minor >= 32 {
        if value.is_empty() {
            return vec!["environment variable name must be non-empty".to_string()];
        }
        if value.bytes().any(|b| !(32..=126).contains(&b) || b == b'=') {
            return vec![
                "a valid environment variable name must consist only of printable ASCII characters other than '='"
                    .to_string(),
            ];
        }
        return Vec::new();
    }
    let mut errs = Vec::new();
    if !ENV_VAR.is_match(value) {
        errs.push(regex_error(
            "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit",
            ENV_VAR_FMT,
            &["my.env-name", "MY_ENV.NAME", "MyEnvName1"],
        ));
    }
    errs.extend(dot_rules(value));
    errs
}

/// `IsValidPortName` (IANA_SVC_NAME).
pub fn is_valid_port_name(port: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if port.len() > 15 {
        errs.push(max_len_error(15));
    }
    if !port
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".into());
    }
    if !port.bytes().any(|b| b.is_ascii_lowercase()) {
        errs.push("must contain at least one letter (a-z)".into());
    }
    if port.contains("--") {
        errs.push("must not contain consecutive hyphens".into());
    }
    if port.starts_with('-') || port.ends_with('-') {
        errs.push("must not begin or end with a hyphen".into());
    }
    errs
}

/// `IsValidPathSegmentName` (RBAC, PodDisruptionBudget and custom resource names).
pub fn is_path_segment_name(name: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if name == "." || name == ".." {
        errs.push(format!("may not be '{name}'"));
        return errs;
    }
    for bad in ["/", "%"] {
        if name.contains(bad) {
            errs.push(format!("may not contain '{bad}'"));
        }
    }
    errs
}

pub fn is_percent(value: &str) -> bool {
    PERCENT.is_match(value)
}

pub fn percent_message() -> String {
    regex_error(
        "a valid percent string must be a numeric string followed by an ending '%'",
        PERCENT_FMT,
        &["1%", "93%"],
    )
}

pub const PORT_RANGE: &str = "must be between 1 and 65535, inclusive";
pub const NON_NEGATIVE: &str = "must be greater than or equal to 0";

/// `field.TooLong` detail for a byte limit.
pub fn too_long(max: usize, version: KubeVersion) -> String {
    if version.minor <= 31 {
        format!("must have at most {max} bytes")
    } else if max == 1 && version.minor >= 34 {
        "may not be more than 1 byte".to_string()
    } else {
        format!("may not be more than {max} bytes")
    }
}

/// Go's `%q` of a string.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A bad value as `field.Invalid` prints it: strings quoted, numbers and booleans bare, other
/// values as JSON (1.34+) or Go syntax (1.33 and older; string maps only, others as JSON).
pub fn render(value: &Value, version: KubeVersion) -> String {
    match value {
        Value::String(s) => go_quote(s),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_string(),
        Value::Object(map)
            if version.minor <= 33 && map.values().all(|v| matches!(v, Value::String(_))) =>
        {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let items: Vec<String> = keys
                .iter()
                .map(|k| {
                    format!(
                        "{}:{}",
                        go_quote(k),
                        go_quote(map[k.as_str()].as_str().unwrap_or_default())
                    )
                })
                .collect();
            format!("map[string]string{{{}}}", items.join(", "))
        }
        other => sorted_json(other),
    }
}

/// JSON text with object keys sorted, as Go's encoding/json writes a map (the documents keep
/// their own key order).
fn sorted_json(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            let items: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}:{}", Value::String((*k).clone()), sorted_json(v)))
                .collect();
            format!("{{{}}}", items.join(","))
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(sorted_json).collect();
            format!("[{}]", items.join(","))
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V133: KubeVersion = KubeVersion {
        major: 1,
        minor: 33,
    };

    #[test]
    fn dns_label_messages_match_the_api_server() {
        assert!(is_dns1123_label("web-1").is_empty());
        assert_eq!(is_dns1123_label("web.v2"), vec!["must not contain dots"]);
        assert_eq!(
            is_dns1123_label("Web")[0],
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
        );
        assert_eq!(is_dns1123_label(&"a".repeat(64)), vec![max_len_error(63)]);
        assert!(is_dns1123_label(&"a".repeat(63)).is_empty());
    }

    #[test]
    fn qualified_names() {
        assert!(is_qualified_name("app.kubernetes.io/name", V133).is_empty());
        assert_eq!(
            is_qualified_name("/x", V133),
            vec!["prefix part must be non-empty"]
        );
        assert_eq!(is_qualified_name("a/", V133).len(), 2);
        assert!(is_qualified_name("a/b/c", V133)[0].starts_with("a qualified name must consist"));
    }

    #[test]
    fn port_names_and_values() {
        assert!(is_valid_port_name("http").is_empty());
        assert_eq!(
            is_valid_port_name("8080"),
            vec!["must contain at least one letter (a-z)"]
        );
        assert_eq!(
            render(&serde_json::json!({"b": "2", "a": "1"}), V133),
            "map[string]string{\"a\":\"1\", \"b\":\"2\"}"
        );
        assert_eq!(go_quote("a\"b"), "\"a\\\"b\"");
    }
}
