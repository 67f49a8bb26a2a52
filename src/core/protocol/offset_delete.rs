//! OffsetDelete (API key 47): `kafka-consumer-groups.sh --delete-offsets` drops a group's
//! committed offsets of some partitions; refused while a member subscribes to the topic
//! (GROUP_SUBSCRIBED_TO_TOPIC).

use super::{ErrorCode, TopicPartition};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffsetDeleteRequest {
    pub group_id: String,
    pub partitions: Vec<TopicPartition>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffsetDeleteResponse {
    /// The group-level error (GROUP_ID_NOT_FOUND, GROUP_AUTHORIZATION_FAILED).
    pub error_code: Option<ErrorCode>,
    pub partitions: Vec<(TopicPartition, Option<ErrorCode>)>,
}
