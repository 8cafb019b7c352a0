declare_rule! {
    /// ## What it does
    /// Flags CustomResourceDefinitions that the API server refuses: a name that is not
    /// `<plural>.<group>`, a group without a dot, unknown scope, versions without exactly one storage
    /// version or with duplicate or invalid names, missing or invalid names (`plural`, `kind`,
    /// `listKind` equal to `kind`), versions without a schema, and the structural-schema rules that
    /// hand-written CRDs break most (a property or array item without `type`, an array without
    /// `items`, `additionalProperties` beside `properties`, root `metadata` with fields other than
    /// `name` and `generateName`).
    ///
    /// ## Why is this bad?
    /// The CRD is refused, so every custom resource of it fails too.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   name: widget.example.com       # must be <plural>.<group>: widgets.example.com
    /// spec:
    ///   group: example.com
    ///   names: {plural: widgets, kind: Widget}
    /// ```
    ///
    /// ## Fix
    /// Make the name `<spec.names.plural>.<spec.group>`; give every schema property a `type`.
    pub const RULE = Rule {
        id: "invalid-crd",
        severity: Error,
        family: ApiServer,
        summary: "A CustomResourceDefinition the API server refuses (name, group, versions, names, structural schema)",
    };
}
