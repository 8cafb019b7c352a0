//! `cargo bench --bench pipeline [-- DOCUMENTS...]`: generates a corpus of each size (default
//! 1,000 and 10,000 documents; add 100000 for the large one), and prints for each:
//!
//! - the whole offline pipeline (every stage, the bundled policy library included, JSON report
//!   rendered) run once in a fresh process: documents/s, wall time and that process's peak RSS;
//! - the time of each stage alone, best of three in this process: read (discovery and reading
//!   the files), parse, rules, schema, API-server rules, policies, report (suppressions and
//!   rendering);
//! - peer tools on the same corpus, when they are installed (kubernetes-validate and checkov,
//!   both from PyPI): their wall time and the ratio to ours; a notice when they are not.
//!
//! `cargo bench --bench pipeline -- --generate DIR N` writes the corpus of N documents to DIR
//! and stops, for profiling the binary on it.
//!
//! Wall times on a shared machine are noisy; the stage table is best-of-three for that reason.

mod corpus;

// The binary's allocator (src/main.rs), so that the measured process is the shipped one.
#[cfg(all(unix, not(target_os = "openbsd")))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use gitops_lint::report::{self, Format, HumanOptions, Report};
use gitops_lint::settings::Settings;

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::MAX;
    let mut last = None;
    for _ in 0..runs {
        let started = Instant::now();
        let value = f();
        best = best.min(started.elapsed().as_secs_f64());
        last = Some(value);
    }
    (best, last.expect("at least one run"))
}

/// The child process: one whole run on `dir`, then `findings wall_s peak_rss_mb` on stdout.
fn measure(dir: &Path) {
    let started = Instant::now();
    let settings = Settings::for_paths(vec![dir.to_path_buf()]);
    let outcome = gitops_lint::pipeline::check_paths(&settings).expect("pipeline");
    let report = Report {
        findings: &outcome.findings,
        summary: &outcome.summary,
        fail_on: settings.fail_on,
    };
    // As the binary writes it: streamed, not held.
    report::write(
        Format::Json,
        &report,
        HumanOptions::default(),
        &mut std::io::sink(),
    )
    .expect("report");
    println!(
        "{} {} {}",
        outcome.findings.len(),
        started.elapsed().as_secs_f64(),
        peak_rss_mb().unwrap_or(f64::NAN)
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == "--measure") {
        measure(Path::new(&args[i + 1]));
        return;
    }
    // `--generate DIR N`: write the corpus of N documents to DIR and stop (for profilers).
    if let Some(i) = args.iter().position(|a| a == "--generate") {
        let (dir, documents) = (Path::new(&args[i + 1]), &args[i + 2]);
        let documents = documents.parse().expect("a document count");
        std::fs::create_dir_all(dir).expect("create the corpus directory");
        let bytes = corpus::generate(dir, documents).expect("generate corpus");
        println!("{documents} documents, {bytes} bytes in {}", dir.display());
        return;
    }
    let sizes: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() {
        vec![1_000, 10_000]
    } else {
        sizes
    };
    println!(
        "{:>9} {:>5} {:>5} | {:>8} {:>9} {:>8} {:>8} | {:>7} {:>7} {:>7} {:>7} {:>9} {:>8} {:>7} | {:>8}",
        "documents",
        "files",
        "MB",
        "docs/s",
        "wall",
        "peak RSS",
        "findings",
        "read",
        "parse",
        "rules",
        "schema",
        "apiserver",
        "policies",
        "report",
        "schema/s"
    );
    let mut peers = Vec::new();
    for documents in sizes {
        // Not a hidden directory (`.tmpXXXX`): checkov skips those and would scan nothing.
        let dir = tempfile::Builder::new()
            .prefix("gitops-lint-bench-")
            .tempdir()
            .expect("temp dir");
        let bytes = corpus::generate(dir.path(), documents).expect("generate corpus");
        let settings = Settings::for_paths(vec![dir.path().to_path_buf()]);

        let exe = std::env::current_exe().expect("bench executable");
        let child = Command::new(&exe)
            .arg("--measure")
            .arg(dir.path())
            .output()
            .expect("run the measuring child");
        let line = String::from_utf8_lossy(&child.stdout);
        let fields: Vec<f64> = line
            .split_whitespace()
            .filter_map(|f| f.parse().ok())
            .collect();
        let (findings, wall, rss) = match fields[..] {
            [f, w, r] => (f, w, r),
            _ => panic!(
                "measuring child failed: {line}{}",
                String::from_utf8_lossy(&child.stderr)
            ),
        };

        let runs = if documents > 20_000 { 1 } else { 3 };
        // Warm the page cache, the thread pool and the lazily compiled schemas once.
        let _ = gitops_lint::pipeline::check_paths(&settings);
        let (read, _) = best_of(runs, || {
            let paths = settings.paths.clone();
            let (candidates, _) = gitops_lint::discover::discover(&gitops_lint::discover::Walk {
                paths: &paths,
                exclude: &settings.exclude,
                exclude_base: &settings.base,
                only: None,
            })
            .expect("discover");
            candidates
                .iter()
                .map(|c| std::fs::read(&c.path).map(|b| b.len()).unwrap_or(0))
                .sum::<usize>()
        });
        let (load, loaded) = best_of(runs, || {
            gitops_lint::pipeline::load(&settings).expect("load")
        });
        let files = &loaded.files;
        let (rules, _) = best_of(runs, || gitops_lint::check::run(files));
        let (schema, _) = best_of(runs, || gitops_lint::schema::check(files, &settings));
        let (apiserver, _) = best_of(runs, || gitops_lint::apiserver::check(files, &settings));
        let (policies, found) = best_of(runs, || gitops_lint::policy::check(files, &settings));
        let outcome = gitops_lint::pipeline::check_paths(&settings).expect("pipeline");
        let (report_time, _) = best_of(runs, || {
            let findings = gitops_lint::suppress::apply(found.clone(), files, &settings);
            let report = Report {
                findings: &findings,
                summary: &outcome.summary,
                fail_on: settings.fail_on,
            };
            std::hint::black_box(report::render(
                Format::Json,
                &report,
                HumanOptions::default(),
            ))
        });
        let ms = |s: f64| format!("{:.0}ms", s * 1000.0);
        println!(
            "{:>9} {:>5} {:>5.1} | {:>8.0} {:>9} {:>6.0}MB {:>8} | {:>7} {:>7} {:>7} {:>7} {:>9} {:>8} {:>7} | {:>8.0}",
            documents,
            files.len(),
            bytes as f64 / 1e6,
            documents as f64 / wall,
            ms(wall),
            rss,
            findings,
            ms(read),
            ms((load - read).max(0.0)),
            ms(rules),
            ms(schema),
            ms(apiserver),
            ms(policies),
            ms(report_time),
            documents as f64 / schema,
        );
        peers.push((documents, dir, wall, schema));
    }
    peer_tools(&peers);
}

/// Peer tools on the same corpora, when installed.
fn peer_tools(runs: &[(usize, tempfile::TempDir, f64, f64)]) {
    let tools: [(&str, &[&str], &str); 2] = [
        (
            "kubernetes-validate",
            &["--strict"],
            "schema validation: compared with our schema stage",
        ),
        (
            "checkov",
            &["--quiet", "--compact", "--framework", "kubernetes", "-d"],
            "policy checks: compared with our whole pipeline",
        ),
    ];
    println!();
    for (tool, args, what) in tools {
        if Command::new(tool).arg("--version").output().is_err() {
            println!("{tool}: not installed, skipped (pip install {tool} to compare)");
            continue;
        }
        for (documents, dir, wall, schema) in runs {
            if *documents > 10_000 {
                println!("{tool}: {documents} documents skipped (too slow to wait for)");
                continue;
            }
            let mut command = Command::new(tool);
            command.args(args);
            if tool == "kubernetes-validate" {
                let mut files: Vec<_> = walk(dir.path());
                files.sort();
                command.args(files);
            } else {
                command.arg(dir.path());
            }
            let started = Instant::now();
            let out = command.output();
            let elapsed = started.elapsed().as_secs_f64();
            let ours = if tool == "kubernetes-validate" {
                *schema
            } else {
                *wall
            };
            // checkov prints "Passed checks: N, Failed checks: M": a run that checked nothing
            // (a directory it skips, a parse failure) is not a measurement.
            let checked_nothing = |out: &std::process::Output| {
                let stdout = String::from_utf8_lossy(&out.stdout);
                if tool == "checkov" {
                    !stdout.contains("Failed checks:")
                        || stdout.contains("Passed checks: 0, Failed checks: 0")
                } else {
                    stdout.is_empty() && !out.status.success()
                }
            };
            match out {
                Ok(out) if checked_nothing(&out) => println!(
                    "{tool}: checked nothing on the corpus, no comparison: {}",
                    String::from_utf8_lossy(&out.stderr)
                        .lines()
                        .last()
                        .unwrap_or("")
                ),
                Ok(_) => println!(
                    "{tool} ({what}): {documents} documents in {:.1}s = {:.0} docs/s; gitops-lint is {:.0}x faster ({:.0}x with every stage)",
                    elapsed,
                    *documents as f64 / elapsed,
                    elapsed / ours,
                    elapsed / *wall
                ),
                Err(e) => println!("{tool}: failed to run: {e}"),
            }
        }
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}
