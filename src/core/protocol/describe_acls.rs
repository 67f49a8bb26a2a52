//! DescribeAcls (API key 29): `kafka-acls --list`. Needs DESCRIBE on the cluster, else the
//! whole answer is CLUSTER_AUTHORIZATION_FAILED (`KafkaApis` → `AclApis.handleDescribeAcls`).
//!
//! What is simplified: Kafka's request carries a binding filter; here the answer carries every
//! binding (the ones from managed-service roles too) and the tool filters them as
//! `AclCommand`'s filter would.

use super::ErrorCode;
use crate::core::acl::AclBinding;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DescribeAclsRequest {}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescribeAclsResponse {
    pub error_code: Option<ErrorCode>,
    pub error_message: Option<String>,
    pub resources: Vec<AclBinding>,
}
