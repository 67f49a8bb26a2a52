//! CreateAcls (API key 30): `kafka-acls.sh --add`. A managed service's role grant is, on the
//! wire, the ACLs the role stands for.

use super::ErrorCode;
use crate::core::acl::AclBinding;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateAclsRequest {
    pub creations: Vec<AclBinding>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateAclsResponse {
    pub results: Vec<(Option<ErrorCode>, Option<String>)>,
}
