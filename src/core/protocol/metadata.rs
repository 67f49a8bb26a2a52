//! Metadata (API key 3): which brokers exist, which topics, and who leads each partition.

use super::ErrorCode;
use crate::core::ids::BrokerId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataRequest {
    /// `None`: every topic.
    pub topics: Option<Vec<String>>,
    /// `allow.auto.create.topics` (the broker also needs `auto.create.topics.enable`).
    pub allow_auto_topic_creation: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataResponse {
    pub brokers: Vec<BrokerId>,
    pub controller_id: BrokerId,
    pub topics: Vec<MetadataResponseTopic>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataResponseTopic {
    pub error_code: Option<ErrorCode>,
    pub name: String,
    pub partitions: Vec<MetadataResponsePartition>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataResponsePartition {
    pub error_code: Option<ErrorCode>,
    pub partition_index: u32,
    pub leader_id: BrokerId,
    pub leader_epoch: i32,
    pub replica_nodes: Vec<BrokerId>,
    pub isr_nodes: Vec<BrokerId>,
}
