//! CEL rules of CRD schemas (`x-kubernetes-validations`) evaluated against custom resources.

use serde_json::Value;

use super::Ctx;
use crate::manifest::Object;

/// The CRDs of the checked set that carry CEL rules, by (group, version, kind).
#[derive(Default)]
pub struct CrdRules {}

impl CrdRules {
    pub fn collect<'a>(_objects: impl IntoIterator<Item = &'a Object>) -> CrdRules {
        CrdRules::default()
    }

    pub fn check(&self, _ctx: &mut Ctx, _group: &str, _version: &str, _kind: &str, _value: &Value) {
    }
}
