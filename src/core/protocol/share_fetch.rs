//! ShareFetch (API key 78, KIP-932): a share consumer asks the partition leader for records of
//! its assigned partitions and, in the same request, acknowledges what it processed. The leader
//! answers with the records it acquired for the member (locked for it until the acquisition lock
//! runs out) and their delivery counts.
//!
//! What is simplified: topics are named, not identified by topic id; records are returned as
//! offsets and keys (the page reads values from the log); `ShareSessionEpoch` only opens (0),
//! continues (> 0) and closes (-1) a session, without incremental partition lists.

use super::{ErrorCode, TopicPartition};
use crate::core::share_group::share_partition::AcknowledgeType;
use crate::core::time::Millis;
use std::sync::Arc;

/// `ShareSessionEpoch` 0 opens a share session; -1 closes it (`ShareRequestMetadata`).
pub const INITIAL_EPOCH: i32 = 0;
pub const FINAL_EPOCH: i32 = -1;

/// One range of acknowledgements (`AcknowledgementBatch`): `acknowledge_types` holds one type for
/// the whole range (Kafka also allows one per offset).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcknowledgementBatch {
    pub first_offset: u64,
    pub last_offset: u64,
    pub acknowledge_types: Vec<AcknowledgeType>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareFetchPartition {
    pub partition: TopicPartition,
    pub acknowledgement_batches: Vec<AcknowledgementBatch>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareFetchRequest {
    pub group_id: String,
    pub member_id: String,
    pub share_session_epoch: i32,
    pub max_wait_ms: u64,
    pub min_bytes: u32,
    /// KIP-1199 (Kafka 4.1+): at most this many records over all partitions.
    pub max_records: u32,
    pub partitions: Vec<ShareFetchPartition>,
}

/// A range of acquired records (`AcquiredRecords`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AcquiredRecords {
    pub first_offset: u64,
    pub last_offset: u64,
    pub delivery_count: u16,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareFetchPartitionData {
    pub partition: TopicPartition,
    pub error_code: Option<ErrorCode>,
    /// The outcome of the acknowledgements this request carried for the partition.
    pub acknowledge_error_code: Option<ErrorCode>,
    pub acknowledge_error_message: Option<String>,
    pub acquired_records: Vec<AcquiredRecords>,
    /// The acquired records' keys, in offset order (`Records`, reduced to what the playground's
    /// consumer rules read).
    pub keys: Vec<(u64, Option<Arc<str>>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareFetchResponse {
    pub error_code: Option<ErrorCode>,
    pub error_message: Option<String>,
    /// KIP-1222 (4.2): how long the acquired records stay locked (`AcquisitionLockTimeoutMs`).
    pub acquisition_lock_timeout_ms: Millis,
    pub responses: Vec<ShareFetchPartitionData>,
}

impl ShareFetchResponse {
    pub fn error(code: ErrorCode, message: impl Into<String>) -> Self {
        ShareFetchResponse {
            error_code: Some(code),
            error_message: Some(message.into()),
            acquisition_lock_timeout_ms: 0,
            responses: Vec::new(),
        }
    }
}
