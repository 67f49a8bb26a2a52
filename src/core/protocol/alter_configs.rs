//! AlterConfigs (API key 33): a topic's `retention.ms` / `retention.bytes`
//! (`kafka-configs.sh --alter --entity-type topics`).
//!
//! What is simplified: Kafka 4's `kafka-configs` sends IncrementalAlterConfigs (44) with one
//! SET or DELETE per key; the playground's admin client sends the two values the change results
//! in, whole, which is AlterConfigs' meaning.

use super::ErrorCode;
use crate::core::log::Retention;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlterConfigsRequest {
    pub topic: String,
    pub retention: Retention,
    pub validate_only: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlterConfigsResponse {
    pub topic: String,
    pub error_code: Option<ErrorCode>,
    pub error_message: Option<String>,
}
