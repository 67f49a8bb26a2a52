//! DeleteGroups (API key 42): `kafka-consumer-groups.sh --delete`. Only a group without
//! members can go (NON_EMPTY_GROUP otherwise; GROUP_ID_NOT_FOUND when there is none).

use super::ErrorCode;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteGroupsRequest {
    pub groups_names: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteGroupsResponse {
    /// `(group_id, error_code)` per group asked for.
    pub results: Vec<(String, Option<ErrorCode>)>,
}
