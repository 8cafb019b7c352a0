//! `cargo bench --bench pipeline [-- DOCUMENTS...]`: generates a corpus (default 1,000 and
//! 10,000 documents), runs the offline pipeline on it in-process and prints, best of three runs:
//! documents per second and wall time for the whole pipeline, the time of the parse and schema
//! stages alone, and the process's peak memory.

mod corpus;

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

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1_000, 10_000]
    } else {
        sizes
    };
    println!(
        "{:>9}  {:>6}  {:>6}  {:>10}  {:>10}  {:>10}  {:>12}  {:>8}  {:>9}",
        "documents",
        "files",
        "MB",
        "pipeline",
        "parse",
        "schema",
        "schema docs/s",
        "findings",
        "peak RSS"
    );
    for documents in sizes {
        let dir = tempfile::tempdir().expect("temp dir");
        let bytes = corpus::generate(dir.path(), documents).expect("generate corpus");
        let settings = Settings::for_paths(vec![dir.path().to_path_buf()]);
        // Warm the page cache, the thread pool and the lazily compiled schemas once.
        let _ = gitops_lint::pipeline::check_paths(&settings);
        let (pipeline, outcome) = best_of(3, || {
            let outcome = gitops_lint::pipeline::check_paths(&settings).expect("pipeline");
            let report = Report {
                findings: &outcome.findings,
                summary: &outcome.summary,
                fail_on: settings.fail_on,
            };
            std::hint::black_box(report::render(
                Format::Json,
                &report,
                HumanOptions::default(),
            ));
            outcome
        });
        assert_eq!(outcome.summary.documents, documents);
        let (parse, loaded) = best_of(3, || gitops_lint::pipeline::load(&settings).expect("load"));
        let (schema, _) = best_of(3, || gitops_lint::schema::check(&loaded.files, &settings));
        println!(
            "{:>9}  {:>6}  {:>6.1}  {:>8.1}ms  {:>8.1}ms  {:>8.1}ms  {:>12.0}  {:>8}  {:>7.1}MB",
            documents,
            outcome.summary.files,
            bytes as f64 / 1e6,
            pipeline * 1000.0,
            parse * 1000.0,
            schema * 1000.0,
            documents as f64 / schema,
            outcome.findings.len(),
            peak_rss_mb().unwrap_or(f64::NAN),
        );
    }
}
