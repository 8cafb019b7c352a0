use crate::finding::{Finding, Location};

declare_rule! {
    /// ## What it does
    /// Flags a Kustomize overlay or Helm chart that does not render: `kustomize build` (or
    /// `kubectl kustomize`) or `helm template` exits with an error. The message is the
    /// renderer's; the finding points at the kustomization entry the error names when it names
    /// one, else at the overlay's kustomization file.
    ///
    /// ## Why is this bad?
    /// CD runs the same renderer (`kubectl apply -k`, Argo CD, Flux). A missing resource, a patch
    /// whose target does not exist or a duplicate resource id fails the deploy, for every
    /// environment built from that overlay.
    ///
    /// ## Example
    /// ```text
    /// Kustomize overlay infra/production does not render: accumulating resources: ...
    ///   '/repo/infra/base/missing.yaml': no such file or directory
    /// ```
    ///
    /// ## Fix
    /// Run `kubectl kustomize DIR` (or `helm template`) locally and fix what it reports. The
    /// overlay's files are still checked as plain manifests, so other findings are not lost.
    pub const RULE = Rule {
        id: "render-failed",
        severity: Error,
        family: Render,
        summary: "A Kustomize overlay or Helm chart does not render",
    };
}

pub fn finding(location: Location, message: &str) -> Finding {
    Finding::new(RULE.id, RULE.default_severity, message, location)
        .with_help("run `kubectl kustomize DIR` or `helm template` locally and fix what it reports")
}
