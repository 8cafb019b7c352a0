//! The Rego engine as gitops-lint runs it: regorus with the deprecated OPA builtins that real
//! Gatekeeper and conftest policies still call, no network or runtime builtins, a time limit per
//! evaluation, and Rego v0 accepted where a policy is written in it.
//!
//! Engines are built once per run and cloned per worker (regorus' documented pattern).

use std::num::NonZeroU32;
use std::time::Duration;

use regorus::utils::limits::ExecutionTimerConfig;
use regorus::{Engine, Value};

/// How long one evaluation may run before it is stopped and reported.
pub const EVALUATION_LIMIT: Duration = Duration::from_secs(2);

/// A new engine with gitops-lint's builtins and limits.
pub fn new_engine() -> Engine {
    let mut engine = Engine::new();
    engine.set_execution_timer_config(timer());
    engine.set_strict_builtin_errors(false);
    add_extensions(&mut engine);
    engine
}

/// A bytecode VM (regorus' RVM) running `program`, with the same time limit as the engine and
/// no instruction limit (the time limit bounds a run; the VM's default of 25,000 instructions
/// would stop a policy that reads a large apply unit).
pub fn new_vm(program: &std::sync::Arc<regorus::rvm::Program>) -> regorus::rvm::RegoVM {
    let mut vm = regorus::rvm::RegoVM::new();
    vm.load_program(program.clone());
    vm.set_execution_timer_config(Some(timer()));
    vm.set_max_instructions(usize::MAX);
    vm.set_strict_builtin_errors(false);
    vm
}

fn timer() -> ExecutionTimerConfig {
    ExecutionTimerConfig {
        limit: EVALUATION_LIMIT,
        // Reading the clock after every expression cost 3% of the evaluation time (and after
        // every 32 still 0.5% on the bytecode VM).
        check_interval: NonZeroU32::new(256).unwrap_or(NonZeroU32::MIN),
    }
}

/// An engine that also has conftest's builtins for reading configuration files
/// (`parse_config`, `parse_config_file`, `parse_combined_config_files`); relative paths are
/// looked up in `dirs` (the policy directories), then the working directory.
pub fn new_engine_with_config_dirs(dirs: &[std::path::PathBuf]) -> Engine {
    let mut engine = new_engine();
    let bases: Vec<std::path::PathBuf> = dirs
        .iter()
        .map(|d| {
            if d.is_file() {
                d.parent().map(|p| p.to_path_buf()).unwrap_or_default()
            } else {
                d.clone()
            }
        })
        .collect();
    let resolve = move |name: &str| -> std::path::PathBuf {
        let path = std::path::Path::new(name);
        if path.is_absolute() || path.exists() {
            return path.to_path_buf();
        }
        bases
            .iter()
            .map(|b| b.join(path))
            .find(|p| p.exists())
            .unwrap_or_else(|| path.to_path_buf())
    };
    let resolve_file = resolve.clone();
    let _ = engine.add_extension(
        "parse_config".into(),
        2,
        Box::new(|args: Vec<Value>| {
            let parser = string_arg(&args, 0)?;
            let content = string_arg(&args, 1)?;
            let documents = parse_text(&content, &parser)?;
            Ok(first_document(documents))
        }),
    );
    let _ = engine.add_extension(
        "parse_config_file".into(),
        1,
        Box::new(move |args: Vec<Value>| {
            let path = resolve_file(&string_arg(&args, 0)?);
            let documents = parse_file(&path)?;
            Ok(first_document(documents))
        }),
    );
    let _ = engine.add_extension(
        "parse_combined_config_files".into(),
        1,
        Box::new(move |args: Vec<Value>| {
            let names = collection(&args)?;
            let mut combined = Vec::new();
            for name in names {
                let name = name.as_string()?.to_string();
                for contents in parse_file(&resolve(&name))? {
                    combined.push(serde_json::json!({"path": name, "contents": contents}));
                }
            }
            Ok(Value::from(serde_json::Value::Array(combined)))
        }),
    );
    engine
}

/// conftest's `parse_config*` return a file's first document (null when it has none).
fn first_document(documents: Vec<serde_json::Value>) -> Value {
    Value::from(
        documents
            .into_iter()
            .next()
            .unwrap_or(serde_json::Value::Null),
    )
}

fn parse_file(path: &std::path::Path) -> anyhow::Result<Vec<serde_json::Value>> {
    let text =
        std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let parser = path.extension().and_then(|e| e.to_str()).unwrap_or("yaml");
    parse_text(&text, parser)
}

/// JSON or YAML (read as Kubernetes reads it); other conftest parsers are not supported.
fn parse_text(text: &str, parser: &str) -> anyhow::Result<Vec<serde_json::Value>> {
    match parser {
        "json" => Ok(vec![serde_json::from_str(text)?]),
        "yaml" | "yml" => {
            let stream =
                crate::manifest::yaml::parse(text, &crate::manifest::yaml::Limits::default());
            if let Some(problem) = stream
                .problems
                .iter()
                .find(|p| matches!(p.kind, crate::manifest::yaml::ProblemKind::Syntax { .. }))
            {
                anyhow::bail!("invalid YAML: {:?}", problem.kind);
            }
            Ok(stream.documents.into_iter().map(|d| d.value).collect())
        }
        other => anyhow::bail!("parser {other} is not supported (gitops-lint reads YAML and JSON)"),
    }
}

/// Parses a policy, in Rego v1 first and v0 when the text is v0 (conftest and Gatekeeper
/// policies still are). The error is regorus' message, which starts with `file:line:col`.
pub fn add_policy(engine: &mut Engine, path: &str, text: &str) -> Result<(), String> {
    engine.set_rego_v0(false);
    let v1 = engine.add_policy(path.to_string(), text.to_string());
    let Err(v1_error) = v1 else {
        return Ok(());
    };
    engine.set_rego_v0(true);
    let v0 = engine.add_policy(path.to_string(), text.to_string());
    engine.set_rego_v0(false);
    match v0 {
        Ok(_) => Ok(()),
        // When v1 only complains about v0 syntax, the text is v0 and the v0 error is the real one.
        Err(v0_error) if is_v0_complaint(&v1_error.to_string()) => Err(v0_error.to_string()),
        Err(_) => Err(v1_error.to_string()),
    }
}

fn is_v0_complaint(error: &str) -> bool {
    error.contains("`if` keyword is required") || error.contains("`contains` keyword is required")
}

/// The line of a regorus error (`path:line:col: …`), when it names one.
pub fn error_line(message: &str, path: &str) -> Option<usize> {
    let rest = message.split(path).nth(1)?.strip_prefix(':')?;
    rest.split(':').next()?.trim().parse().ok()
}

fn string_arg(args: &[Value], i: usize) -> anyhow::Result<String> {
    Ok(args
        .get(i)
        .ok_or_else(|| anyhow::anyhow!("missing argument {i}"))?
        .as_string()?
        .to_string())
}

/// Deprecated OPA builtins still used by gatekeeper-library templates and older conftest
/// policies, and stand-ins that keep network or runtime builtins deterministic.
fn add_extensions(engine: &mut Engine) {
    // `re_match(pattern, value)`: the pre-`regex.match` name.
    let _ = engine.add_extension(
        "re_match".into(),
        2,
        Box::new(|args: Vec<Value>| {
            let pattern = string_arg(&args, 0)?;
            let value = string_arg(&args, 1)?;
            Ok(Value::from(regex::Regex::new(&pattern)?.is_match(&value)))
        }),
    );
    // `any(collection)` / `all(collection)`: removed from OPA, still in old policies.
    let _ = engine.add_extension(
        "any".into(),
        1,
        Box::new(|args: Vec<Value>| {
            Ok(Value::from(
                collection(&args)?.iter().any(|v| *v == Value::from(true)),
            ))
        }),
    );
    let _ = engine.add_extension(
        "all".into(),
        1,
        Box::new(|args: Vec<Value>| {
            Ok(Value::from(
                collection(&args)?.iter().all(|v| *v == Value::from(true)),
            ))
        }),
    );
    let _ = engine.add_extension(
        "cast_array".into(),
        1,
        Box::new(|args: Vec<Value>| Ok(Value::from(collection(&args)?))),
    );
    let _ = engine.add_extension(
        "cast_set".into(),
        1,
        Box::new(|args: Vec<Value>| {
            Ok(Value::from(
                collection(&args)?
                    .into_iter()
                    .collect::<std::collections::BTreeSet<Value>>(),
            ))
        }),
    );
    let _ = engine.add_extension(
        "cast_string".into(),
        1,
        Box::new(|args: Vec<Value>| Ok(Value::from(string_arg(&args, 0)?))),
    );
    let _ = engine.add_extension(
        "cast_boolean".into(),
        1,
        Box::new(|args: Vec<Value>| {
            Ok(Value::from(
                args.first().is_some_and(|v| *v == Value::from(true)),
            ))
        }),
    );
    // Gatekeeper's external data provider: no external calls here; answer "no data" so that
    // templates take their error branch deterministically.
    let _ = engine.add_extension(
        "external_data".into(),
        1,
        Box::new(|_args: Vec<Value>| {
            Value::from_json_str(r#"{"responses": [], "errors": [["external_data", "external data is not available to gitops-lint"]], "status_code": 200, "system_error": ""}"#)
        }),
    );
}

fn collection(args: &[Value]) -> anyhow::Result<Vec<Value>> {
    let value = args
        .first()
        .ok_or_else(|| anyhow::anyhow!("missing argument"))?;
    if let Ok(items) = value.as_array() {
        return Ok(items.to_vec());
    }
    if let Ok(items) = value.as_set() {
        return Ok(items.iter().cloned().collect());
    }
    if let Ok(map) = value.as_object() {
        return Ok(map.values().cloned().collect());
    }
    anyhow::bail!("expected a collection")
}

/// regorus value → serde_json value (sets become arrays).
pub fn to_json(value: &Value) -> Option<serde_json::Value> {
    if *value == Value::Undefined {
        return None;
    }
    serde_json::from_str(&value.to_json_str().ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v0_and_v1_policies_load_and_deprecated_builtins_work() {
        let mut engine = new_engine();
        add_policy(
            &mut engine,
            "v1.rego",
            "package a\ndeny contains msg if { re_match(\"^x\", input.name); msg := \"x\" }\n",
        )
        .expect("v1");
        add_policy(
            &mut engine,
            "v0.rego",
            "package b\ndeny[msg] { any([false, true]); msg := \"any\" }\n",
        )
        .expect("v0");
        engine.set_input(Value::from(serde_json::json!({"name": "xy"})));
        let a = to_json(&engine.eval_rule("data.a.deny".into()).expect("eval")).expect("defined");
        let b = to_json(&engine.eval_rule("data.b.deny".into()).expect("eval")).expect("defined");
        assert_eq!(a, serde_json::json!(["x"]));
        assert_eq!(b, serde_json::json!(["any"]));
    }

    /// The bundled library's VM has the engine's time limit and no instruction limit: a loop
    /// runs past the VM's default of 25,000 instructions and stops at the time limit.
    #[test]
    fn the_vm_stops_a_long_loop_at_the_time_limit() {
        let mut engine = new_engine();
        add_policy(
            &mut engine,
            "loop.rego",
            "package l\nshort if { some i in numbers.range(1, 20000); i < 0 }\nlong if {\n  some i in numbers.range(1, 20000)\n  some j in numbers.range(1, 20000)\n  i + j < 0\n}\n",
        )
        .expect("policy");
        let compiled = engine
            .compile_with_entrypoint(&"data.l.short".into())
            .expect("compile");
        let program = regorus::languages::rego::compiler::Compiler::compile_from_policy(
            &compiled,
            &["data.l.short", "data.l.long"],
        )
        .expect("rvm");
        let mut vm = new_vm(&program);
        let short = vm
            .execute_entry_point_by_name("data.l.short")
            .expect("short");
        assert_eq!(short, Value::Undefined);
        let started = std::time::Instant::now();
        let long = vm.execute_entry_point_by_name("data.l.long");
        assert!(long.is_err(), "{long:?}");
        assert!(
            started.elapsed() < EVALUATION_LIMIT * 3,
            "{:?}",
            started.elapsed()
        );
        assert!(
            started.elapsed() >= EVALUATION_LIMIT,
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn parse_errors_name_the_line() {
        let mut engine = new_engine();
        let error = add_policy(
            &mut engine,
            "bad.rego",
            "package c\n\ndeny contains msg if {\n  msg := \n}\n",
        )
        .expect_err("bad");
        assert!(error_line(&error, "bad.rego").is_some(), "{error}");
    }
}
