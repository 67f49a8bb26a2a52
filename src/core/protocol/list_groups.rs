//! ListGroups (API key 16): `kafka-consumer-groups --list`, `kafka-share-groups --list`
//! (`ListGroupsOptions.forShareGroups()`: types filter `share`). A principal with DESCRIBE on
//! the cluster sees every group; otherwise only the groups it may DESCRIBE
//! (`KafkaApis.handleListGroupsRequest`). Nothing is refused: what may not be seen is left out.

use super::ErrorCode;

/// A group's type as ListGroups names it (`GroupType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GroupType {
    Classic,
    Consumer,
    Share,
}

impl GroupType {
    /// `GroupType.toString()`: `Classic`, `Consumer`, `Share`.
    pub fn name(self) -> &'static str {
        match self {
            GroupType::Classic => "Classic",
            GroupType::Consumer => "Consumer",
            GroupType::Share => "Share",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListGroupsRequest {
    /// Empty: every state.
    pub states_filter: Vec<String>,
    /// Empty: every type.
    pub types_filter: Vec<GroupType>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedGroup {
    pub group_id: String,
    pub group_type: GroupType,
    /// `Stable`, `Empty`, `PreparingRebalance`, … as the group's state prints.
    pub group_state: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListGroupsResponse {
    pub error_code: Option<ErrorCode>,
    /// In group id order.
    pub groups: Vec<ListedGroup>,
}
