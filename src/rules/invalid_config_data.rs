declare_rule! {
    /// ## What it does
    /// Flags ConfigMaps and Secrets that the API server refuses: keys that are not config keys
    /// (`[-._a-zA-Z0-9]+`, not `.` or `..`), a key in both `data` and `binaryData`, more than 1 MiB of
    /// data, and typed Secrets without the keys their type requires (`kubernetes.io/tls` needs
    /// `tls.crt` and `tls.key`, `kubernetes.io/dockerconfigjson` needs `.dockerconfigjson`,
    /// `kubernetes.io/basic-auth` a username or password, `kubernetes.io/ssh-auth` an
    /// `ssh-privatekey`, service-account tokens their annotation). `stringData` is merged into `data`
    /// first, as the API server does. Messages name keys, never values.
    ///
    /// ## Why is this bad?
    /// The API server refuses the object; a slash in a key is a common mistake when files are inlined.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Secret
    /// metadata:
    ///   name: tls
    /// type: kubernetes.io/tls
    /// data:
    ///   tls.crt: LS0tLS1CRUdJTi...   # tls.key missing
    /// ```
    ///
    /// ## Fix
    /// Rename the key (files in a directory volume cannot contain `/` either) or add the required key.
    pub const RULE = Rule {
        id: "invalid-config-data",
        severity: Error,
        family: ApiServer,
        summary: "A ConfigMap or Secret the API server refuses (key syntax, size, the keys a Secret type requires)",
    };
}
