//! DeleteShareGroupOffsets (API key 92, KIP-932): `kafka-share-groups.sh --delete-offsets`
//! drops an empty share group's state for whole topics; the next member to read them starts
//! again from `share.auto.offset.reset`. The group needs DELETE, each topic READ
//! (`KafkaApis.handleDeleteShareGroupOffsetsRequest`).

use super::ErrorCode;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteShareGroupOffsetsRequest {
    pub group_id: String,
    pub topics: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteShareGroupOffsetsResponse {
    /// The group-level error (GROUP_AUTHORIZATION_FAILED, GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP).
    pub error_code: Option<ErrorCode>,
    pub error_message: Option<String>,
    /// Per topic: `(name, error_code, error_message)`.
    pub responses: Vec<(String, Option<ErrorCode>, Option<String>)>,
}
