//! Produce (API key 0): a producer sends batches of records to partition leaders.
//! One request per producer step carries every batch it made (never one per record).

use super::{ErrorCode, TopicPartition};
use crate::core::log::Record;

#[derive(Debug, Clone, PartialEq)]
pub struct ProduceRequest {
    /// `acks`: 0, 1 or -1 (`all`).
    pub acks: i16,
    pub timeout_ms: u64,
    pub partition_data: Vec<PartitionProduceData>,
}

/// One partition's batch.
#[derive(Debug, Clone, PartialEq)]
pub struct PartitionProduceData {
    pub partition: TopicPartition,
    pub records: Vec<Record>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProduceResponse {
    pub responses: Vec<PartitionProduceResponse>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionProduceResponse {
    pub partition: TopicPartition,
    pub error_code: Option<ErrorCode>,
    /// The offset of the batch's first record.
    pub base_offset: i64,
    pub log_start_offset: i64,
}
