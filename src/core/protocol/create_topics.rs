//! CreateTopics (API key 19): the admin client creates topics (`kafka-topics.sh --create`).

use super::ErrorCode;
use crate::core::log::Retention;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateTopicsRequest {
    pub topics: Vec<CreatableTopic>,
    pub timeout_ms: u64,
    pub validate_only: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatableTopic {
    pub name: String,
    pub num_partitions: i64,
    pub replication_factor: i16,
    /// `retention.ms` / `retention.bytes`; `None`: the broker's defaults.
    pub retention: Option<Retention>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateTopicsResponse {
    pub topics: Vec<CreatableTopicResult>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatableTopicResult {
    pub name: String,
    pub error_code: Option<ErrorCode>,
    pub error_message: Option<String>,
    pub num_partitions: u32,
}
