//! Produce (API key 0): a producer sends batches of records to partition leaders, one request
//! per leader carrying one batch per partition (Kafka's `Sender` drains the accumulator per
//! node). Never one request per record.
//!
//! Errors a partition's answer carries (`ProduceResponse.json`, `Errors.java`):
//! TOPIC_AUTHORIZATION_FAILED (no WRITE on the topic), UNKNOWN_TOPIC_OR_PARTITION,
//! NOT_LEADER_OR_FOLLOWER (this broker does not lead the partition: refresh metadata),
//! NOT_ENOUGH_REPLICAS (acks=all, ISR below `min.insync.replicas`: nothing written),
//! NOT_ENOUGH_REPLICAS_AFTER_APPEND (written, but the ISR shrank before it was replicated),
//! REQUEST_TIMED_OUT (acks=all: the ISR did not have it within the request's `timeout_ms`),
//! OUT_OF_ORDER_SEQUENCE_NUMBER (idempotent producer: a gap in its sequence numbers).
//! With `acks=0` the broker sends no answer at all.

use super::{ErrorCode, TopicPartition};
use crate::core::log::{Headers, RecordBatch};
use std::sync::Arc;

/// `RecordBatch.NO_PRODUCER_ID`: a producer without idempotence.
pub use crate::core::replication::producer_state::NO_PRODUCER_ID;

#[derive(Debug, Clone, PartialEq)]
pub struct ProduceRequest {
    /// `acks`: 0, 1 or -1 (`all`).
    pub acks: i16,
    /// How long the leader may wait for the ISR (`acks=all`): the producer's
    /// `request.timeout.ms`.
    pub timeout_ms: u64,
    pub partition_data: Vec<PartitionProduceData>,
}

/// One partition's batch, with its producer fields (`RecordBatch`: producer id, epoch and
/// base sequence; -1 without idempotence).
#[derive(Debug, Clone, PartialEq)]
pub struct PartitionProduceData {
    pub partition: TopicPartition,
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub base_sequence: i32,
    /// The batch's records (shared with the producer, which keeps the batch until it is
    /// answered, to retry it).
    pub records: Arc<RecordBatch>,
    /// The records' size ([`Record::size_bytes`] summed): it travels with the batch, as
    /// `batchLength` does in Kafka's `RecordBatch`, so the leader does not measure it again.
    pub size_bytes: u64,
    /// Headers of the records that have any: (index in the batch, headers).
    pub headers: Vec<(u32, Headers)>,
}

impl PartitionProduceData {
    pub fn record_count(&self) -> u32 {
        self.records.len() as u32
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProduceResponse {
    pub responses: Vec<PartitionProduceResponse>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionProduceResponse {
    pub partition: TopicPartition,
    pub error_code: Option<ErrorCode>,
    /// The offset of the batch's first record (-1 on error). For a batch the leader already
    /// had (a retried idempotent batch), the offset it was first written at.
    pub base_offset: i64,
    pub log_start_offset: i64,
    /// `error_message`: Kafka's text for the error, when it has one.
    pub error_message: Option<String>,
}

impl PartitionProduceResponse {
    pub fn error(partition: TopicPartition, code: ErrorCode, message: Option<String>) -> Self {
        PartitionProduceResponse {
            partition,
            error_code: Some(code),
            base_offset: -1,
            log_start_offset: -1,
            error_message: message,
        }
    }
}
