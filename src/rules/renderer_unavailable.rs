use crate::finding::{Finding, Location};

declare_rule! {
    /// ## What it does
    /// Reports a Kustomize overlay or Helm chart that was not rendered: its renderer
    /// (`kustomize` or `kubectl` for overlays, `helm` for charts) is not on PATH, or the overlay
    /// includes remote resources (checks never use the network). One finding per root.
    ///
    /// ## Why is this bad?
    /// Without rendering, the objects CD applies (patched, renamed, relabelled per environment)
    /// are not what gets checked: the overlay's files are checked as plain manifests instead,
    /// and a defect that only the render shows can pass.
    ///
    /// ## Example
    /// ```text
    /// Helm chart charts/shop was not rendered: `helm` is not on PATH; its files were checked
    /// as plain manifests
    /// ```
    ///
    /// ## Fix
    /// Install the renderer on the machine that runs the check, or name it with
    /// `--kustomize PROGRAM` / `--helm PROGRAM` (config `render.kustomize`, `render.helm`);
    /// `--no-render` checks files as plain manifests on purpose and silences this.
    pub const RULE = Rule {
        id: "renderer-unavailable",
        severity: Warning,
        family: Render,
        summary: "A Kustomize overlay or Helm chart was not rendered (renderer missing or remote resources)",
    };
}

pub fn finding(location: Location, message: &str) -> Finding {
    Finding::new(RULE.id, RULE.default_severity, message, location)
        .with_help("install kustomize, kubectl or helm, or pass --kustomize/--helm; --no-render skips rendering")
}
