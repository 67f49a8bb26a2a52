//! Heartbeat (API key 12): a classic member says it is alive; `REBALANCE_IN_PROGRESS` in the
//! answer is how it learns that it must rejoin.

use super::ErrorCode;
use crate::core::ids::{GroupId, MemberId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeartbeatRequest {
    pub group_id: GroupId,
    pub generation_id: i32,
    pub member_id: MemberId,
    pub group_instance_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeartbeatResponse {
    pub error_code: Option<ErrorCode>,
}
