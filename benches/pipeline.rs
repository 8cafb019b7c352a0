//! `cargo bench --bench pipeline [-- DOCUMENTS...]`: generates a corpus (default 1,000 and
//! 10,000 documents), runs the whole offline pipeline on it in-process, and prints documents per
//! second, MB/s, wall time and the process's peak memory.

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
        "{:>9}  {:>6}  {:>9}  {:>12}  {:>7}  {:>8}  {:>9}",
        "documents", "files", "wall", "docs/s", "MB/s", "findings", "peak RSS"
    );
    for documents in sizes {
        let dir = tempfile::tempdir().expect("temp dir");
        let bytes = corpus::generate(dir.path(), documents).expect("generate corpus");
        let settings = Settings::for_paths(vec![dir.path().to_path_buf()]);
        // Warm the page cache and the thread pool once, then take the best of three runs.
        let _ = gitops_lint::pipeline::check_paths(&settings);
        let mut best = f64::MAX;
        let mut last = None;
        for _ in 0..3 {
            let started = Instant::now();
            let outcome = gitops_lint::pipeline::check_paths(&settings).expect("pipeline");
            let report = Report {
                findings: &outcome.findings,
                summary: &outcome.summary,
                fail_on: settings.fail_on,
            };
            let text = report::render(Format::Json, &report, HumanOptions::default());
            std::hint::black_box(text);
            best = best.min(started.elapsed().as_secs_f64());
            last = Some(outcome);
        }
        let outcome = last.expect("ran");
        assert_eq!(outcome.summary.documents, documents);
        println!(
            "{:>9}  {:>6}  {:>8.1}ms  {:>12.0}  {:>7.1}  {:>8}  {:>7.1}MB",
            documents,
            outcome.summary.files,
            best * 1000.0,
            documents as f64 / best,
            bytes as f64 / 1e6 / best,
            outcome.findings.len(),
            peak_rss_mb().unwrap_or(f64::NAN),
        );
    }
}
