//! LeaveGroup (API key 13): members leave at once instead of waiting for their session to end.

use super::ErrorCode;
use crate::core::event::LeaveReason;
use crate::core::ids::{GroupId, MemberId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaveGroupRequest {
    pub group_id: GroupId,
    pub members: Vec<MemberIdentity>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberIdentity {
    pub member_id: MemberId,
    pub group_instance_id: Option<String>,
    /// Why it leaves (KIP-800 sends it as text; here the typed reason).
    pub reason: Option<LeaveReason>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaveGroupResponse {
    pub error_code: Option<ErrorCode>,
    pub members: Vec<(MemberIdentity, Option<ErrorCode>)>,
}
