//! ShareAcknowledge (API key 79, KIP-932): a share consumer acknowledges records without fetching
//! more (`commitSync`, `commitAsync`, `close()`). Each partition's acknowledgements are applied
//! all or nothing; the answer carries Kafka's error per partition (`INVALID_RECORD_STATE` when a
//! lock ran out before the acknowledgement arrived).

use super::share_fetch::AcknowledgementBatch;
use super::{ErrorCode, TopicPartition};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareAcknowledgePartition {
    pub partition: TopicPartition,
    pub acknowledgement_batches: Vec<AcknowledgementBatch>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareAcknowledgeRequest {
    pub group_id: String,
    pub member_id: String,
    /// -1 closes the share session after these acknowledgements.
    pub share_session_epoch: i32,
    pub partitions: Vec<ShareAcknowledgePartition>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareAcknowledgePartitionData {
    pub partition: TopicPartition,
    pub error_code: Option<ErrorCode>,
    pub error_message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareAcknowledgeResponse {
    pub error_code: Option<ErrorCode>,
    pub error_message: Option<String>,
    pub responses: Vec<ShareAcknowledgePartitionData>,
}
