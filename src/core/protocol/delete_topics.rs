//! DeleteTopics (API key 20): `kafka-topics.sh --delete`.

use super::ErrorCode;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteTopicsRequest {
    pub topic_names: Vec<String>,
    pub timeout_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteTopicsResponse {
    pub responses: Vec<(String, Option<ErrorCode>)>,
}
