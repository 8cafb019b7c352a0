//! The Kubernetes string formats that JSON Schema does not know, or knows differently:
//! `byte` (base64, as Secret `data` values) and `duration` (Go's `time.ParseDuration`, as
//! `30s` or `1h30m` in CRDs — not ISO 8601 as JSON Schema's `duration`).

/// Standard base64 with padding, as Go's `encoding/base64.StdEncoding` decodes `[]byte` fields
/// (line breaks are ignored).
pub fn is_base64(text: &str) -> bool {
    let compact: Vec<u8> = text
        .bytes()
        .filter(|b| *b != b'\n' && *b != b'\r')
        .collect();
    if !compact.len().is_multiple_of(4) {
        return false;
    }
    let padding = compact.iter().rev().take_while(|b| **b == b'=').count();
    if padding > 2 {
        return false;
    }
    compact[..compact.len() - padding]
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/')
}

/// Go's `time.ParseDuration`: an optional sign, then one or more decimal numbers each with a
/// unit (`ns`, `us`, `µs`, `ms`, `s`, `m`, `h`); `0` alone is allowed.
pub fn is_go_duration(text: &str) -> bool {
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    if body == "0" {
        return true;
    }
    if body.is_empty() {
        return false;
    }
    let mut rest = body;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = &rest[..number_len];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return false;
        }
        rest = &rest[number_len..];
        let unit = ["ns", "us", "µs", "μs", "ms", "s", "m", "h"]
            .iter()
            .find(|u| rest.starts_with(*u));
        match unit {
            // `m` must not swallow the `m` of `ms`: the list tries `ms` first.
            Some(u) => rest = &rest[u.len()..],
            None => return false,
        }
    }
    true
}

/// The keyword that CRD and catalog `pattern`s are moved to: Kubernetes (and kubeconform)
/// match them with Go's RE2 regular expressions, not the ECMA-262 ones JSON Schema specifies,
/// so `(?i)` and other RE2 syntax must work. Rust's `regex` crate implements RE2's syntax.
pub const GO_PATTERN: &str = "x-gitops-lint-go-pattern";

/// Moves every `pattern` of a schema tree to [`GO_PATTERN`], leaving property names alone.
pub fn use_go_patterns(schema: &mut serde_json::Value) {
    use serde_json::Value;
    let mut stack = vec![schema];
    while let Some(node) = stack.pop() {
        let Value::Object(map) = node else { continue };
        if let Some(Value::String(_)) = map.get("pattern")
            && let Some(pattern) = map.remove("pattern")
        {
            map.insert(GO_PATTERN.into(), pattern);
        }
        for (key, value) in map.iter_mut() {
            match key.as_str() {
                "properties" | "patternProperties" | "definitions" | "$defs" => {
                    if let Value::Object(children) = value {
                        stack.extend(children.values_mut());
                    }
                }
                "items" | "allOf" | "anyOf" | "oneOf" => match value {
                    Value::Array(branches) => stack.extend(branches.iter_mut()),
                    other => stack.push(other),
                },
                "additionalProperties" | "not" | "additionalItems" => stack.push(value),
                _ => {}
            }
        }
    }
}

/// The `GO_PATTERN` keyword: a string must match the RE2 pattern.
pub struct GoPattern {
    regex: regex::Regex,
    pattern: String,
}

impl GoPattern {
    pub fn factory<'a>(
        _parent: &'a serde_json::Map<String, serde_json::Value>,
        value: &'a serde_json::Value,
        _path: jsonschema::paths::Location,
    ) -> Result<Box<dyn for<'i> jsonschema::Keyword<'i>>, jsonschema::ValidationError<'a>> {
        let pattern = value
            .as_str()
            .ok_or_else(|| jsonschema::ValidationError::custom("`pattern` must be a string"))?;
        let regex = regex::Regex::new(pattern).map_err(|e| {
            jsonschema::ValidationError::custom(format!(
                "`{pattern}` is not a valid regular expression: {e}"
            ))
        })?;
        Ok(Box::new(GoPattern {
            regex,
            pattern: pattern.to_string(),
        }))
    }

    /// The message of a mismatch; `diagnose` recognises it by its prefix.
    pub fn message(pattern: &str) -> String {
        format!("{PATTERN_MISMATCH}{pattern}")
    }
}

pub const PATTERN_MISMATCH: &str = "does not match the pattern ";

impl<'i> jsonschema::Keyword<'i> for GoPattern {
    fn validate(
        &self,
        instance: &'i serde_json::Value,
    ) -> Result<(), jsonschema::ValidationError<'i>> {
        if self.is_valid(instance) {
            Ok(())
        } else {
            Err(jsonschema::ValidationError::custom(GoPattern::message(
                &self.pattern,
            )))
        }
    }

    fn is_valid(&self, instance: &'i serde_json::Value) -> bool {
        instance.as_str().is_none_or(|s| self.regex.is_match(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_as_go_decodes_it() {
        assert!(is_base64(""));
        assert!(is_base64("cGFzc3dvcmQ="));
        assert!(is_base64("YWJj\nZGVm"));
        assert!(!is_base64("hunter2!"));
        assert!(!is_base64("cGFzc3dvcmQ"));
        assert!(!is_base64("a==="));
    }

    #[test]
    fn durations_as_go_parses_them() {
        for ok in [
            "0", "30s", "1h30m", "1.5h", "-2m", "300ms", "2160h", "1h0m0s", "10µs",
        ] {
            assert!(is_go_duration(ok), "{ok}");
        }
        for bad in ["", "30", "PT30S", "1d", "h", "1..5s", "s30"] {
            assert!(!is_go_duration(bad), "{bad}");
        }
    }
}
