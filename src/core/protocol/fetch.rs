//! Fetch (API key 1): a consumer (or, later, a follower replica) reads from partition logs.

use super::{ErrorCode, TopicPartition};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchRequest {
    /// -1 for a consumer; a broker id for a follower.
    pub replica_id: i32,
    pub max_wait_ms: u64,
    pub min_bytes: u32,
    /// `max.poll.records` in the playground's simplified fetch.
    pub max_records: u32,
    pub partitions: Vec<FetchPartition>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchPartition {
    pub partition: TopicPartition,
    pub fetch_offset: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchResponse {
    /// A request-level error (an authorization failure fails the whole fetch here).
    pub error_code: Option<ErrorCode>,
    pub responses: Vec<PartitionData>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionData {
    pub partition: TopicPartition,
    pub error_code: Option<ErrorCode>,
    pub high_watermark: u64,
    pub log_start_offset: u64,
    // What is simplified: no records. They stay in the log, and the consumer reads
    // `[fetch_offset, min(high_watermark, fetch_offset + max.poll.records))` by offset.
}
