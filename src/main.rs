// See the `tikv-jemallocator` entry in Cargo.toml for why.
#[cfg(all(unix, not(target_os = "openbsd")))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    gitops_lint::cli::main()
}
