//! InitProducerId (API key 22): an idempotent producer asks for its producer id and epoch
//! before its first batch (`Sender.maybeWaitForProducerId`). Without a `transactional.id` any
//! broker answers it from the ids the controller hands out in blocks
//! (`ProducerIdManager`). Refused with CLUSTER_AUTHORIZATION_FAILED without IDEMPOTENT_WRITE on
//! the cluster or WRITE on a topic (KIP-679).

use super::ErrorCode;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitProducerIdRequest {
    /// `transactional.id`: none for an idempotent producer (transactions are not modelled).
    pub transactional_id: Option<String>,
    pub transaction_timeout_ms: i32,
    /// -1 for a new producer; its current id and epoch to bump the epoch (KIP-360).
    pub producer_id: i64,
    pub producer_epoch: i16,
    /// The playground's stand-in for KIP-679's "WRITE on any topic": the topic the producer
    /// writes to, which the broker checks WRITE on.
    pub topic: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitProducerIdResponse {
    pub error_code: Option<ErrorCode>,
    pub producer_id: i64,
    pub producer_epoch: i16,
}
