//! DescribeConfigs (API key 32): `kafka-configs --describe --entity-type topics`. Needs
//! DESCRIBE_CONFIGS on the topic (ALTER_CONFIGS implies it), else TOPIC_AUTHORIZATION_FAILED
//! (`KafkaApis.handleDescribeConfigsRequest`, authorized per resource).
//!
//! What is simplified: one topic per request, and the answer carries the topic's retention (the
//! playground's only topic configs) rather than Kafka's config entries with their synonyms.

use super::ErrorCode;
use crate::core::log::Retention;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescribeConfigsRequest {
    pub topic: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescribeConfigsResponse {
    pub error_code: Option<ErrorCode>,
    pub error_message: Option<String>,
    pub retention: Option<Retention>,
}
