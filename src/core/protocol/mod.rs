//! Kafka's requests, one module per API (`clients/src/main/resources/common/message/*.json`),
//! with the fields the playground uses under Kafka's names. A response's `error_code` is
//! `None` for Kafka's `NONE` (0) and otherwise the [`ErrorCode`] it would carry.
//!
//! What is simplified: fields are Rust types, not the wire's; Kafka groups partitions by topic
//! in most requests, these list [`TopicPartition`]s flat; versions and tagged fields are left out.
//!
//! # Layout
//! Data: [`produce`], [`fetch`], [`list_offsets`], [`metadata`]. Groups: [`find_coordinator`],
//! [`join_group`], [`sync_group`], [`heartbeat`], [`leave_group`], [`offset_commit`],
//! [`offset_fetch`], [`consumer_group_heartbeat`] (KIP-848). Share groups (KIP-932):
//! [`share_group_heartbeat`], [`share_fetch`], [`share_acknowledge`], and their admin side
//! [`alter_share_group_offsets`], [`delete_share_group_offsets`], [`share_group_describe`].
//! Reads the tools send: [`list_groups`], [`describe_groups`], [`describe_acls`],
//! [`describe_configs`] (and [`metadata`]). Admin: [`create_topics`],
//! [`delete_topics`], [`create_partitions`], [`alter_configs`], [`create_acls`], [`delete_acls`],
//! [`delete_groups`], [`offset_delete`], [`elect_leaders`] (the admin client, `admin.rs`).

pub mod alter_configs;
pub mod alter_share_group_offsets;
pub mod consumer_group_heartbeat;
pub mod create_acls;
pub mod create_partitions;
pub mod create_topics;
pub mod delete_acls;
pub mod delete_groups;
pub mod delete_share_group_offsets;
pub mod delete_topics;
pub mod describe_acls;
pub mod describe_configs;
pub mod describe_groups;
pub mod elect_leaders;
pub mod fetch;
pub mod find_coordinator;
pub mod heartbeat;
pub mod join_group;
pub mod leave_group;
pub mod list_groups;
pub mod list_offsets;
pub mod metadata;
pub mod offset_commit;
pub mod offset_delete;
pub mod offset_fetch;
pub mod produce;
pub mod share_acknowledge;
pub mod share_fetch;
pub mod share_group_describe;
pub mod share_group_heartbeat;
pub mod sync_group;

pub use crate::core::error::ErrorCode;
pub use crate::core::ids::TopicPartition;

/// Kafka's API keys (`ApiKeys.java`), the number every request header starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ApiKey {
    Produce = 0,
    Fetch = 1,
    ListOffsets = 2,
    Metadata = 3,
    OffsetCommit = 8,
    OffsetFetch = 9,
    FindCoordinator = 10,
    JoinGroup = 11,
    Heartbeat = 12,
    LeaveGroup = 13,
    SyncGroup = 14,
    CreateTopics = 19,
    DeleteTopics = 20,
    CreateAcls = 30,
    DeleteAcls = 31,
    AlterConfigs = 33,
    CreatePartitions = 37,
    DeleteGroups = 42,
    ElectLeaders = 43,
    OffsetDelete = 47,
    ConsumerGroupHeartbeat = 68,
    ShareGroupHeartbeat = 76,
    ShareFetch = 78,
    ShareAcknowledge = 79,
    AlterShareGroupOffsets = 91,
    ListGroups = 16,
    DescribeAcls = 29,
    DescribeConfigs = 32,
    DescribeGroups = 15,
    ShareGroupDescribe = 77,
    DescribeShareGroupOffsets = 90,
    DeleteShareGroupOffsets = 92,
}

impl ApiKey {
    /// Kafka's name, as in its request logs and `kafka-broker-api-versions.sh`.
    pub fn name(self) -> &'static str {
        match self {
            ApiKey::Produce => "Produce",
            ApiKey::Fetch => "Fetch",
            ApiKey::ListOffsets => "ListOffsets",
            ApiKey::Metadata => "Metadata",
            ApiKey::OffsetCommit => "OffsetCommit",
            ApiKey::OffsetFetch => "OffsetFetch",
            ApiKey::FindCoordinator => "FindCoordinator",
            ApiKey::JoinGroup => "JoinGroup",
            ApiKey::Heartbeat => "Heartbeat",
            ApiKey::LeaveGroup => "LeaveGroup",
            ApiKey::SyncGroup => "SyncGroup",
            ApiKey::CreateTopics => "CreateTopics",
            ApiKey::DeleteTopics => "DeleteTopics",
            ApiKey::CreateAcls => "CreateAcls",
            ApiKey::DeleteAcls => "DeleteAcls",
            ApiKey::AlterConfigs => "AlterConfigs",
            ApiKey::CreatePartitions => "CreatePartitions",
            ApiKey::DeleteGroups => "DeleteGroups",
            ApiKey::ElectLeaders => "ElectLeaders",
            ApiKey::OffsetDelete => "OffsetDelete",
            ApiKey::ConsumerGroupHeartbeat => "ConsumerGroupHeartbeat",
            ApiKey::ShareGroupHeartbeat => "ShareGroupHeartbeat",
            ApiKey::ShareFetch => "ShareFetch",
            ApiKey::ShareAcknowledge => "ShareAcknowledge",
            ApiKey::AlterShareGroupOffsets => "AlterShareGroupOffsets",
            ApiKey::ListGroups => "ListGroups",
            ApiKey::DescribeAcls => "DescribeAcls",
            ApiKey::DescribeConfigs => "DescribeConfigs",
            ApiKey::DescribeGroups => "DescribeGroups",
            ApiKey::ShareGroupDescribe => "ShareGroupDescribe",
            ApiKey::DescribeShareGroupOffsets => "DescribeShareGroupOffsets",
            ApiKey::DeleteShareGroupOffsets => "DeleteShareGroupOffsets",
        }
    }
}

macro_rules! messages {
    ($($variant:ident($module:ident :: $req:ident, $resp:ident)),* $(,)?) => {
        /// Any request, as a node sends it.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Request {
            $($variant($module::$req),)*
        }

        /// Any response, as a broker answers it.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Response {
            $($variant($module::$resp),)*
        }

        impl Request {
            pub fn api_key(&self) -> ApiKey {
                match self {
                    $(Request::$variant(_) => ApiKey::$variant,)*
                }
            }
        }

        impl Response {
            pub fn api_key(&self) -> ApiKey {
                match self {
                    $(Response::$variant(_) => ApiKey::$variant,)*
                }
            }
        }

        $(
            impl From<$module::$req> for Request {
                fn from(r: $module::$req) -> Self {
                    Request::$variant(r)
                }
            }
            impl From<$module::$resp> for Response {
                fn from(r: $module::$resp) -> Self {
                    Response::$variant(r)
                }
            }
        )*
    };
}

messages! {
    Produce(produce::ProduceRequest, ProduceResponse),
    Fetch(fetch::FetchRequest, FetchResponse),
    ListOffsets(list_offsets::ListOffsetsRequest, ListOffsetsResponse),
    Metadata(metadata::MetadataRequest, MetadataResponse),
    OffsetCommit(offset_commit::OffsetCommitRequest, OffsetCommitResponse),
    OffsetFetch(offset_fetch::OffsetFetchRequest, OffsetFetchResponse),
    FindCoordinator(find_coordinator::FindCoordinatorRequest, FindCoordinatorResponse),
    JoinGroup(join_group::JoinGroupRequest, JoinGroupResponse),
    Heartbeat(heartbeat::HeartbeatRequest, HeartbeatResponse),
    LeaveGroup(leave_group::LeaveGroupRequest, LeaveGroupResponse),
    SyncGroup(sync_group::SyncGroupRequest, SyncGroupResponse),
    CreateTopics(create_topics::CreateTopicsRequest, CreateTopicsResponse),
    DeleteTopics(delete_topics::DeleteTopicsRequest, DeleteTopicsResponse),
    CreateAcls(create_acls::CreateAclsRequest, CreateAclsResponse),
    DeleteAcls(delete_acls::DeleteAclsRequest, DeleteAclsResponse),
    AlterConfigs(alter_configs::AlterConfigsRequest, AlterConfigsResponse),
    CreatePartitions(create_partitions::CreatePartitionsRequest, CreatePartitionsResponse),
    DeleteGroups(delete_groups::DeleteGroupsRequest, DeleteGroupsResponse),
    ElectLeaders(elect_leaders::ElectLeadersRequest, ElectLeadersResponse),
    OffsetDelete(offset_delete::OffsetDeleteRequest, OffsetDeleteResponse),
    ConsumerGroupHeartbeat(consumer_group_heartbeat::ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse),
    ShareGroupHeartbeat(share_group_heartbeat::ShareGroupHeartbeatRequest, ShareGroupHeartbeatResponse),
    ShareFetch(share_fetch::ShareFetchRequest, ShareFetchResponse),
    ShareAcknowledge(share_acknowledge::ShareAcknowledgeRequest, ShareAcknowledgeResponse),
    AlterShareGroupOffsets(alter_share_group_offsets::AlterShareGroupOffsetsRequest, AlterShareGroupOffsetsResponse),
    DeleteShareGroupOffsets(delete_share_group_offsets::DeleteShareGroupOffsetsRequest, DeleteShareGroupOffsetsResponse),
    ListGroups(list_groups::ListGroupsRequest, ListGroupsResponse),
    DescribeAcls(describe_acls::DescribeAclsRequest, DescribeAclsResponse),
    DescribeConfigs(describe_configs::DescribeConfigsRequest, DescribeConfigsResponse),
    DescribeGroups(describe_groups::DescribeGroupsRequest, DescribeGroupsResponse),
    ShareGroupDescribe(share_group_describe::ShareGroupDescribeRequest, ShareGroupDescribeResponse),
    DescribeShareGroupOffsets(share_group_describe::DescribeShareGroupOffsetsRequest, DescribeShareGroupOffsetsResponse),
}

/// What crosses the network to a broker: a request, and the principal its connection
/// authenticated as (Kafka knows it from the SASL session, not from the request).
#[derive(Debug, Clone, PartialEq)]
pub struct Authenticated {
    pub principal: Option<std::sync::Arc<str>>,
    pub request: Request,
}

/// The wire name of an error code: `NONE` for success, otherwise Kafka's name.
pub fn error_name(code: Option<ErrorCode>) -> &'static str {
    code.map_or("NONE", ErrorCode::name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_request_knows_its_api_key_by_kafkas_number_and_name() {
        let r: Request = heartbeat::HeartbeatRequest {
            group_id: "g".into(),
            generation_id: 3,
            member_id: "c1-0000abcd".into(),
            group_instance_id: None,
        }
        .into();
        assert_eq!((r.api_key() as i16, r.api_key().name()), (12, "Heartbeat"));
        assert_eq!(ApiKey::ConsumerGroupHeartbeat as i16, 68);
        assert_eq!(error_name(None), "NONE");
        assert_eq!(error_name(Some(ErrorCode::RebalanceInProgress)), "REBALANCE_IN_PROGRESS");
    }
}
