//! `cargo bench --bench policy [-- DOCUMENTS]`: the policy stage alone (bundled library) on the
//! generated corpus, once — small enough to run under `valgrind --tool=callgrind`.

mod corpus;

use std::time::Instant;

use gitops_lint::settings::Settings;

fn main() {
    let documents: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1_000);
    let dir = tempfile::tempdir().expect("temp dir");
    corpus::generate(dir.path(), documents).expect("generate corpus");
    let settings = Settings::for_paths(vec![dir.path().to_path_buf()]);
    let loaded = gitops_lint::pipeline::load(&settings).expect("load");
    let started = Instant::now();
    let findings = gitops_lint::policy::check(&loaded.files, &settings);
    println!(
        "{documents} documents: policy stage {:.1} ms, {} findings",
        started.elapsed().as_secs_f64() * 1000.0,
        findings.len()
    );
}
