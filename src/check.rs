//! The object-rule stage: checks that need a parsed object (identity, names) or the whole
//! checked set (duplicates). Later stages (schemas, API-server rules, policies) sit beside it in
//! the pipeline.

use rayon::prelude::*;

use crate::finding::Finding;
use crate::kustomize::{self, ApplyUnits};
use crate::manifest::Object;
use crate::parse::ParsedFile;
use crate::rules;

/// The objects of the checked set that are Kubernetes objects to validate, in file order.
pub fn objects(files: &[ParsedFile]) -> impl Iterator<Item = &Object> {
    files
        .iter()
        .filter(|f| f.role.holds_objects())
        .flat_map(|f| f.objects.iter())
        .filter(|o| !kustomize::is_kustomize_config(&o.value))
}

/// Runs the object rules over every manifest file.
pub fn run(files: &[ParsedFile]) -> Vec<Finding> {
    let mut findings: Vec<Finding> = files
        .par_iter()
        .filter(|f| f.role.holds_objects())
        .flat_map_iter(|f| {
            f.objects
                .iter()
                .filter(|o| !kustomize::is_kustomize_config(&o.value))
                .flat_map(|object| match rules::not_kubernetes_object::check(object) {
                    Some(f) => vec![f],
                    None => rules::missing_name::check(object).into_iter().collect(),
                })
                .collect::<Vec<_>>()
        })
        .collect();

    let mut units = ApplyUnits::default();
    let with_units: Vec<(String, &Object)> = objects(files)
        .filter(|o| rules::not_kubernetes_object::is_kubernetes_object(o))
        .map(|o| {
            (
                units.unit_of(&o.source.path).to_string_lossy().into_owned(),
                o,
            )
        })
        .collect();
    findings.extend(rules::duplicate_object::check(
        with_units.iter().map(|(unit, o)| (unit.as_str(), *o)),
    ));
    findings
}
