//! The read-only requests Kafka's tools send (`kafka-*-groups --list/--describe`,
//! `kafka-topics --list/--describe`, `kafka-acls --list`) and the clients' reads (Metadata,
//! ListOffsets, OffsetFetch), answered and authorized by the broker as `KafkaApis` does: a list
//! leaves out what the principal may not DESCRIBE, a describe of something it may not see is
//! refused with Kafka's error code. The tools print what comes back.
//!
//! The tools' reads come from the admin client over the simulated network
//! (`tools::Target::read_as`, `Cluster::admin_read`), to a broker it can reach; `Broker::handle`
//! hands them here. The clients' Metadata, ListOffsets and OffsetFetch cross it too.

use super::Broker;
use crate::core::acl::{Operation, ResourceType, CLUSTER_NAME};
use crate::core::error::ErrorCode;
use crate::core::group::GroupProtocol;
use crate::core::ids::TopicPartition;
use crate::core::protocol::describe_acls::{DescribeAclsRequest, DescribeAclsResponse};
use crate::core::protocol::describe_configs::{DescribeConfigsRequest, DescribeConfigsResponse};
use crate::core::protocol::describe_groups::{DescribeGroupsRequest, DescribeGroupsResponse};
use crate::core::protocol::list_groups::{GroupType, ListGroupsRequest, ListGroupsResponse, ListedGroup};
use crate::core::protocol::list_offsets::{ListOffsetsRequest, ListOffsetsResponse};
use crate::core::protocol::metadata::{MetadataRequest, MetadataResponse};
use crate::core::protocol::offset_fetch::{OffsetFetchRequest, OffsetFetchResponse};
use crate::core::protocol::share_group_describe::{
    DescribeShareGroupOffsetsRequest, DescribeShareGroupOffsetsResponse, ShareGroupDescribeRequest,
    ShareGroupDescribeResponse, SharePartitionOffset,
};
use crate::core::protocol::{Request, Response};

impl Broker {
    /// Answers a read-only request from `user`; `None` for a request that changes something.
    pub fn read(&self, user: Option<&str>, request: &Request) -> Option<Response> {
        Some(match request {
            Request::Metadata(r) => self.metadata_as(user, r).into(),
            Request::ListGroups(r) => self.list_groups(user, r).into(),
            Request::DescribeAcls(r) => self.describe_acls(user, r).into(),
            Request::DescribeConfigs(r) => self.describe_configs(user, r).into(),
            Request::DescribeGroups(r) => self.describe_groups(user, r).into(),
            Request::ShareGroupDescribe(r) => self.share_group_describe(user, r).into(),
            Request::DescribeShareGroupOffsets(r) => self.describe_share_group_offsets(user, r).into(),
            _ => return None,
        })
    }

    fn may(&self, user: Option<&str>, op: Operation, rt: ResourceType, name: &str) -> bool {
        self.admin_allowed(user, op, rt, name)
    }

    /// Metadata as `user` sees it (`KafkaApis.handleTopicMetadataRequest`): all topics means
    /// those it may DESCRIBE; a named topic it may not is TOPIC_AUTHORIZATION_FAILED, without
    /// partitions.
    pub fn metadata_as(&self, user: Option<&str>, r: &MetadataRequest) -> MetadataResponse {
        let mut answer = self.metadata(r);
        let visible = |t: &str| self.may(user, Operation::Describe, ResourceType::Topic, t);
        if r.topics.is_none() {
            answer.topics.retain(|t| visible(&t.name));
        } else {
            for t in answer.topics.iter_mut().filter(|t| !visible(&t.name)) {
                t.error_code = Some(ErrorCode::TopicAuthorizationFailed);
                t.partitions.clear();
            }
        }
        answer
    }

    /// ListOffsets as `user` asks it (`KafkaApis.handleListOffsetRequest`): DESCRIBE on each
    /// topic; a partition of a topic it may not describe is TOPIC_AUTHORIZATION_FAILED.
    pub fn list_offsets_as(&self, user: Option<&str>, r: &ListOffsetsRequest) -> ListOffsetsResponse {
        let mut answer = self.list_offsets(r);
        for p in answer.partitions.iter_mut() {
            if !self.may(user, Operation::Describe, ResourceType::Topic, &p.partition.topic) {
                p.error_code = Some(ErrorCode::TopicAuthorizationFailed);
                p.offset = -1;
            }
        }
        answer
    }

    /// OffsetFetch as `user` asks it (`KafkaApis.handleOffsetFetchRequestFromCoordinator`):
    /// DESCRIBE on the group (else GROUP_AUTHORIZATION_FAILED for the whole answer), then on
    /// each topic: named partitions of a topic it may not describe are TOPIC_AUTHORIZATION_FAILED
    /// with no offset; asked for all, those topics are left out.
    pub fn offset_fetch_as(&self, user: Option<&str>, r: &OffsetFetchRequest) -> OffsetFetchResponse {
        if !self.may(user, Operation::Describe, ResourceType::Group, r.group_id.as_str()) {
            return OffsetFetchResponse {
                error_code: Some(ErrorCode::GroupAuthorizationFailed),
                partitions: Vec::new(),
            };
        }
        let mut answer = self.offset_fetch(r);
        let visible =
            |tp: &TopicPartition| self.may(user, Operation::Describe, ResourceType::Topic, &tp.topic);
        if r.partitions.is_none() {
            answer.partitions.retain(|(tp, _, _)| visible(tp));
        } else {
            for (_, offset, error) in answer.partitions.iter_mut().filter(|(tp, _, _)| !visible(tp)) {
                *offset = None;
                *error = Some(ErrorCode::TopicAuthorizationFailed);
            }
        }
        answer
    }

    /// ListGroups: every group with DESCRIBE on the cluster, else those with DESCRIBE on the
    /// group; filtered by type and state (case-insensitive, as the coordinator compares them).
    pub fn list_groups(&self, user: Option<&str>, r: &ListGroupsRequest) -> ListGroupsResponse {
        let all = self.may(user, Operation::Describe, ResourceType::Cluster, CLUSTER_NAME);
        let classic = self.groups.values().map(|g| {
            let t = match g.protocol {
                Some(GroupProtocol::Consumer) => GroupType::Consumer,
                _ => GroupType::Classic,
            };
            (g.id.to_string(), t, g.state.name().to_string())
        });
        let share = self
            .share
            .groups
            .values()
            .map(|g| (g.id.clone(), GroupType::Share, g.state().name().to_string()));
        let mut groups: Vec<ListedGroup> = classic
            .chain(share)
            .filter(|(id, _, _)| all || self.may(user, Operation::Describe, ResourceType::Group, id))
            .filter(|(_, t, _)| r.types_filter.is_empty() || r.types_filter.contains(t))
            .filter(|(_, _, s)| {
                r.states_filter.is_empty() || r.states_filter.iter().any(|f| f.eq_ignore_ascii_case(s))
            })
            .map(|(group_id, group_type, group_state)| ListedGroup { group_id, group_type, group_state })
            .collect();
        crate::core::sort::by(&mut groups, |a, b| a.group_id.cmp(&b.group_id));
        ListGroupsResponse { error_code: None, groups }
    }

    /// DescribeAcls: DESCRIBE on the cluster, else CLUSTER_AUTHORIZATION_FAILED.
    pub fn describe_acls(&self, user: Option<&str>, _r: &DescribeAclsRequest) -> DescribeAclsResponse {
        if !self.may(user, Operation::Describe, ResourceType::Cluster, CLUSTER_NAME) {
            return DescribeAclsResponse {
                error_code: Some(ErrorCode::ClusterAuthorizationFailed),
                error_message: Some("Cluster authorization failed.".into()),
                resources: Vec::new(),
            };
        }
        let resources = self.auth.effective_acls().into_iter().map(|e| e.acl).collect();
        DescribeAclsResponse { error_code: None, error_message: None, resources }
    }

    /// DescribeConfigs of a topic: DESCRIBE_CONFIGS on it (else TOPIC_AUTHORIZATION_FAILED), then
    /// a topic that exists (UNKNOWN_TOPIC_OR_PARTITION).
    pub fn describe_configs(
        &self,
        user: Option<&str>,
        r: &DescribeConfigsRequest,
    ) -> DescribeConfigsResponse {
        let refuse = |code, message: String| DescribeConfigsResponse {
            error_code: Some(code),
            error_message: Some(message),
            retention: None,
        };
        if !self.may(user, Operation::DescribeConfigs, ResourceType::Topic, &r.topic) {
            return refuse(
                ErrorCode::TopicAuthorizationFailed,
                format!("Not authorized to access topics: [{}]", r.topic),
            );
        }
        match self.topics.get(&r.topic) {
            None => {
                refuse(ErrorCode::UnknownTopicOrPartition, format!("The topic '{}' does not exist.", r.topic))
            }
            Some(t) => DescribeConfigsResponse {
                error_code: None,
                error_message: None,
                retention: Some(t.retention),
            },
        }
    }

    /// DescribeGroups: per group DESCRIBE (GROUP_AUTHORIZATION_FAILED); an unknown group is Dead.
    pub fn describe_groups(&self, user: Option<&str>, r: &DescribeGroupsRequest) -> DescribeGroupsResponse {
        let groups = r
            .groups
            .iter()
            .map(|id| {
                let described = if self.may(user, Operation::Describe, ResourceType::Group, id) {
                    Ok(self.groups.get(id.as_str()).cloned())
                } else {
                    Err((
                        ErrorCode::GroupAuthorizationFailed,
                        format!("Not authorized to access group: {id}"),
                    ))
                };
                (id.clone(), described)
            })
            .collect();
        DescribeGroupsResponse { groups }
    }

    /// ShareGroupDescribe: per group DESCRIBE (GROUP_AUTHORIZATION_FAILED), then a share group
    /// (GROUP_ID_NOT_FOUND: "not found" or "is not a share group").
    pub fn share_group_describe(
        &self,
        user: Option<&str>,
        r: &ShareGroupDescribeRequest,
    ) -> ShareGroupDescribeResponse {
        let groups = r
            .group_ids
            .iter()
            .map(|id| {
                let described = if !self.may(user, Operation::Describe, ResourceType::Group, id) {
                    Err((
                        ErrorCode::GroupAuthorizationFailed,
                        format!("Not authorized to access group: {id}"),
                    ))
                } else {
                    self.existing_share_group(id).cloned()
                };
                (id.clone(), described)
            })
            .collect();
        ShareGroupDescribeResponse { groups }
    }

    /// DescribeShareGroupOffsets: DESCRIBE on the group; the share-partitions of topics the
    /// principal may DESCRIBE, each with its start offset and its lag (records from the SPSO
    /// to the high watermark not yet acknowledged or archived).
    pub fn describe_share_group_offsets(
        &self,
        user: Option<&str>,
        r: &DescribeShareGroupOffsetsRequest,
    ) -> DescribeShareGroupOffsetsResponse {
        let group = r.group_id.as_str();
        if !self.may(user, Operation::Describe, ResourceType::Group, group) {
            return DescribeShareGroupOffsetsResponse {
                error_code: Some(ErrorCode::GroupAuthorizationFailed),
                error_message: Some(format!("Not authorized to access group: {group}")),
                partitions: Vec::new(),
            };
        }
        let partitions = self
            .share
            .partitions_of(group)
            .filter(|(tp, _)| self.may(user, Operation::Describe, ResourceType::Topic, &tp.topic))
            .map(|(tp, sp)| {
                let hw = self
                    .topics
                    .get(&*tp.topic)
                    .and_then(|t| t.partition(tp.partition))
                    .map_or(0, |l| l.log_end());
                let done = sp.records().filter(|(_, rec)| rec.state.is_terminal()).count() as u64;
                let lag = hw.saturating_sub(sp.start_offset()).saturating_sub(done);
                SharePartitionOffset {
                    partition: tp.clone(),
                    start_offset: sp.start_offset(),
                    leader_epoch: 0,
                    lag,
                }
            })
            .collect();
        DescribeShareGroupOffsetsResponse { error_code: None, error_message: None, partitions }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::acl::{AclBinding, PatternType, Permission};
    use crate::core::ids::BrokerId;
    use crate::core::log::Retention;
    use crate::core::topic::Topic;

    fn locked() -> Broker {
        let mut b = Broker::new(BrokerId::FIRST);
        for g in ["a", "b"] {
            b.groups.insert(g.into(), crate::core::group::Group::new(g));
        }
        for t in ["orders", "payments"] {
            b.topics.insert(t.into(), Topic::new(t, 1, Retention::default()));
        }
        b.auth.set_enabled(true);
        b.auth.set_allow_everyone_if_no_acl_found(false);
        b
    }

    fn allow(b: &mut Broker, op: Operation, rt: ResourceType, name: &str) {
        let acl = AclBinding::new("User:bob", op, rt, PatternType::Literal, name, Permission::Allow);
        b.auth.add_acl(acl).unwrap();
    }

    fn listed(b: &Broker) -> Vec<String> {
        b.list_groups(Some("bob"), &ListGroupsRequest::default())
            .groups
            .into_iter()
            .map(|g| g.group_id)
            .collect()
    }

    /// `KafkaApis.handleListGroupsRequest`: DESCRIBE on the cluster lists every group; otherwise
    /// each group needs DESCRIBE, and the others are left out, not refused.
    #[test]
    fn list_groups_leaves_out_what_the_principal_may_not_describe() {
        let mut b = locked();
        assert!(listed(&b).is_empty());
        allow(&mut b, Operation::Describe, ResourceType::Group, "b");
        assert_eq!(listed(&b), ["b"]);
        allow(&mut b, Operation::Describe, ResourceType::Cluster, CLUSTER_NAME);
        assert_eq!(listed(&b), ["a", "b"]);
        assert_eq!(b.list_groups(None, &ListGroupsRequest::default()).groups.len(), 2, "the operator");
    }

    /// `KafkaApis.handleTopicMetadataRequest`: all topics means the describable ones; a named
    /// topic that is not describable is TOPIC_AUTHORIZATION_FAILED without partitions.
    #[test]
    fn metadata_as_a_user_hides_or_refuses_what_it_may_not_describe() {
        let mut b = locked();
        allow(&mut b, Operation::Read, ResourceType::Topic, "orders");
        let all =
            b.metadata_as(Some("bob"), &MetadataRequest { topics: None, allow_auto_topic_creation: false });
        assert_eq!(
            all.topics.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
            ["orders"],
            "READ implies DESCRIBE"
        );
        let named =
            MetadataRequest { topics: Some(vec!["payments".into()]), allow_auto_topic_creation: false };
        let t = &b.metadata_as(Some("bob"), &named).topics[0];
        assert_eq!(t.error_code, Some(ErrorCode::TopicAuthorizationFailed));
        assert!(t.partitions.is_empty());
    }

    /// `KafkaApis.handleOffsetFetchRequestFromCoordinator`: DESCRIBE on the group first; then
    /// named partitions of a topic it may not describe are TOPIC_AUTHORIZATION_FAILED, and a
    /// request for all leaves those topics out. ListOffsets: DESCRIBE on each topic.
    #[test]
    fn offset_fetch_and_list_offsets_need_describe() {
        let mut b = locked();
        let g = b.groups.get_mut("a").unwrap();
        g.offsets.insert(TopicPartition::new("orders", 0), 5);
        g.offsets.insert(TopicPartition::new("payments", 0), 7);
        let all = OffsetFetchRequest { group_id: "a".into(), partitions: None, require_stable: false };
        let named = OffsetFetchRequest {
            partitions: Some(vec![TopicPartition::new("orders", 0), TopicPartition::new("payments", 0)]),
            ..all.clone()
        };
        assert_eq!(
            b.offset_fetch_as(Some("bob"), &all).error_code,
            Some(ErrorCode::GroupAuthorizationFailed)
        );
        allow(&mut b, Operation::Describe, ResourceType::Group, "a");
        allow(&mut b, Operation::Read, ResourceType::Topic, "orders");
        let seen = b.offset_fetch_as(Some("bob"), &all);
        assert_eq!(seen.partitions, [(TopicPartition::new("orders", 0), Some(5), None)]);
        let seen = b.offset_fetch_as(Some("bob"), &named);
        assert_eq!(
            seen.partitions,
            [
                (TopicPartition::new("orders", 0), Some(5), None),
                (TopicPartition::new("payments", 0), None, Some(ErrorCode::TopicAuthorizationFailed)),
            ]
        );
        let list = ListOffsetsRequest {
            replica_id: -1,
            partitions: ["orders", "payments"]
                .map(|t| crate::core::protocol::list_offsets::ListOffsetsPartition {
                    partition: TopicPartition::new(t, 0),
                    timestamp: crate::core::protocol::list_offsets::LATEST_TIMESTAMP,
                })
                .to_vec(),
        };
        let codes: Vec<_> =
            b.list_offsets_as(Some("bob"), &list).partitions.iter().map(|p| p.error_code).collect();
        assert_eq!(codes, [None, Some(ErrorCode::TopicAuthorizationFailed)]);
    }

    /// DescribeAcls needs DESCRIBE on the cluster; DescribeConfigs DESCRIBE_CONFIGS on the topic
    /// (ALTER_CONFIGS implies it, DESCRIBE does not).
    #[test]
    fn describe_acls_and_configs_need_their_operations() {
        let mut b = locked();
        let acls = b.describe_acls(Some("bob"), &DescribeAclsRequest {});
        assert_eq!(acls.error_code, Some(ErrorCode::ClusterAuthorizationFailed));
        let configs = |b: &Broker| {
            b.describe_configs(Some("bob"), &DescribeConfigsRequest { topic: "orders".into() }).error_code
        };
        allow(&mut b, Operation::Describe, ResourceType::Topic, "orders");
        assert_eq!(configs(&b), Some(ErrorCode::TopicAuthorizationFailed));
        allow(&mut b, Operation::AlterConfigs, ResourceType::Topic, "orders");
        assert_eq!(configs(&b), None);
        allow(&mut b, Operation::Describe, ResourceType::Cluster, CLUSTER_NAME);
        assert_eq!(b.describe_acls(Some("bob"), &DescribeAclsRequest {}).resources.len(), 3);
    }
}
