//! DeleteAcls (API key 31): `kafka-acls.sh --remove`.

use super::ErrorCode;
use crate::core::acl::AclBinding;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteAclsRequest {
    /// Kafka sends filters; the playground removes exact bindings.
    pub filters: Vec<AclBinding>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteAclsResponse {
    pub filter_results: Vec<(Option<ErrorCode>, Vec<AclBinding>)>,
}
