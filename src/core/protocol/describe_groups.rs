//! DescribeGroups (API key 15; ConsumerGroupDescribe, 69, for KIP-848 groups):
//! `kafka-consumer-groups --describe` and `--reset-offsets` read the group first. Each group needs
//! DESCRIBE (else GROUP_AUTHORIZATION_FAILED); a group the coordinator does not know is
//! described as Dead (`KafkaApis.handleDescribeGroupsRequest`).
//!
//! What is simplified: one request for both APIs, and the described group is the coordinator's
//! record of it (members, state, committed offsets) rather than Kafka's wire fields.

use super::ErrorCode;
use crate::core::group::Group;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescribeGroupsRequest {
    pub groups: Vec<String>,
}

/// A group's description (`None`: unknown, Dead), or `(error_code, error_message)`.
pub type DescribedGroup = Result<Option<Group>, (ErrorCode, String)>;

#[derive(Debug, Clone, PartialEq)]
pub struct DescribeGroupsResponse {
    pub groups: Vec<(String, DescribedGroup)>,
}
