//! The cluster's side of its admin client (`admin.rs`): each admin command sent as Kafka's
//! requests over the network to the broker `LeastLoadedNodeProvider` would pick, the answers
//! read into the one-line error a person reads, and the tools' reads over the same path.

use crate::core::acl::AclBinding;
use crate::core::admin::{call_name, node_assignment_timeout, refused, unexpected, AdminClient, TIMEOUT_MS};
use crate::core::cluster::Cluster;
use crate::core::command::Command;
use crate::core::error::{CoreError, CoreResult, ErrorCode};
use crate::core::ids::{BrokerId, GroupId, NodeId, TopicPartition};
use crate::core::log::Retention;
use crate::core::protocol::alter_configs::AlterConfigsRequest;
use crate::core::protocol::alter_share_group_offsets::AlterShareGroupOffsetsRequest;
use crate::core::protocol::create_acls::CreateAclsRequest;
use crate::core::protocol::create_partitions::{CreatePartitionsRequest, CreatePartitionsTopic};
use crate::core::protocol::create_topics::{CreatableTopic, CreateTopicsRequest};
use crate::core::protocol::delete_acls::DeleteAclsRequest;
use crate::core::protocol::delete_groups::DeleteGroupsRequest;
use crate::core::protocol::delete_share_group_offsets::DeleteShareGroupOffsetsRequest;
use crate::core::protocol::delete_topics::DeleteTopicsRequest;
use crate::core::protocol::elect_leaders::{
    group_by_topic, ElectLeadersRequest, ElectionPartition, ElectionType,
};
use crate::core::protocol::list_offsets::{ListOffsetsPartition, ListOffsetsRequest, LATEST_TIMESTAMP};
use crate::core::protocol::metadata::MetadataRequest;
use crate::core::protocol::offset_commit::OffsetCommitRequest;
use crate::core::protocol::offset_delete::OffsetDeleteRequest;
use crate::core::protocol::offset_fetch::OffsetFetchRequest;
use crate::core::protocol::{ApiKey, Request, Response};
use crate::core::share_group::share_partition::ResetTarget;
use crate::core::time::Millis;

/// Takes the typed answer out of a [`Response`].
macro_rules! answer {
    ($response:expr, $variant:ident) => {
        match $response {
            Response::$variant(r) => r,
            _ => return Err(unexpected(ApiKey::$variant)),
        }
    };
}

/// Partitions a broker refused in a per-partition answer, each with its error.
type Refusals = Vec<(TopicPartition, ErrorCode)>;

impl Cluster {
    /// The admin client node.
    pub fn admin(&self) -> &AdminClient {
        &self.admin
    }

    /// The broker the admin client sends its next request to, as `LeastLoadedNodeProvider`
    /// picks it (`NetworkClient.leastLoadedNode`): a broker it can connect to, from the ones the
    /// bootstrap address leads to (every broker of the cluster: the playground's brokers have
    /// no addresses of their own). `None`: no broker can be reached.
    ///
    /// What is simplified: the admin client has at most one request in flight, so every node is
    /// equally loaded; Kafka then starts from a random node, the playground from the first
    /// broker (in the order the cluster lists them), so the same broker answers while it runs.
    /// A connection to a stopped or crashed broker is refused, and one to an isolated broker
    /// never opens (Kafka gives up after `socket.connection.setup.timeout.ms`, 10 s); the
    /// playground knows either at once and moves to the next broker without waiting.
    pub(crate) fn admin_node(&mut self) -> Option<BrokerId> {
        // The links follow the brokers: one that does not run (or is cut off) cannot be
        // reached from outside, as for the producers (`sync_producer_links`).
        let brokers: Vec<(BrokerId, bool)> =
            self.broker.replicas.nodes.iter().map(|n| (n.id, n.is_running())).collect();
        for &(id, up) in &brokers {
            self.net.set_link_up(&AdminClient::NODE, &NodeId::Broker(id), up);
        }
        if brokers.is_empty() {
            return Some(self.broker.id());
        }
        brokers
            .into_iter()
            .map(|(id, _)| id)
            .find(|id| self.net.can_reach(&AdminClient::NODE, &NodeId::Broker(*id)))
    }

    /// Before an admin command does anything: a broker the admin client can reach, or the
    /// command fails as Kafka's call does when it finds none (nothing changes).
    pub(crate) fn admin_reachable(&mut self, cmd: &Command) -> CoreResult<()> {
        match call_name(cmd) {
            Some(call) if self.admin_node().is_none() => Err(node_assignment_timeout(call)),
            _ => Ok(()),
        }
    }

    /// Sends one admin request as `user` to a broker it can reach and returns the broker's
    /// answer. `call` is the name of the `Admin` call it is part of, for the error when no
    /// broker can be reached.
    ///
    /// What is simplified: with no broker reachable, Kafka's call waits `default.api.timeout.ms`
    /// (60 s) for one before failing; the playground fails it at once, with Kafka's message,
    /// and no simulated time passes (a tool never runs the clock).
    fn admin_call(
        &mut self,
        now: Millis,
        user: Option<&str>,
        call: &str,
        request: impl Into<Request>,
    ) -> CoreResult<Response> {
        let Some(to) = self.admin_node() else {
            return Err(node_assignment_timeout(call));
        };
        self.admin.sent += 1;
        let (_, answer) =
            self.call_broker(now, AdminClient::NODE, to, user, request.into(), Some(TIMEOUT_MS));
        if let (Some(learned), Some(r)) = (self.learned.as_mut(), answer.as_ref()) {
            learned.note(&AdminClient::NODE, r);
        }
        answer.ok_or_else(|| {
            CoreError::invalid(format!(
                "the broker did not answer within request.timeout.ms ({TIMEOUT_MS} ms)"
            ))
        })
    }

    /// A read-only request of Kafka's tools (Metadata, ListGroups, DescribeGroups, DescribeAcls,
    /// DescribeConfigs, ListOffsets, …) sent by the admin client as `user`, at the cluster's
    /// time, over the network to a broker it can reach ([`Cluster::admin_node`]); the broker
    /// authorizes and answers it. Nothing changes but the network's counters. `call` names the
    /// `Admin` call, for the `TimeoutException` when no broker can be reached.
    pub fn admin_read(&mut self, user: Option<&str>, call: &str, request: Request) -> CoreResult<Response> {
        let read_only = matches!(
            request,
            Request::Metadata(_)
                | Request::ListGroups(_)
                | Request::DescribeGroups(_)
                | Request::DescribeAcls(_)
                | Request::DescribeConfigs(_)
                | Request::ShareGroupDescribe(_)
                | Request::DescribeShareGroupOffsets(_)
                | Request::ListOffsets(_)
                | Request::OffsetFetch(_)
                | Request::FindCoordinator(_)
                | Request::Fetch(_)
        );
        if !read_only {
            return Err(CoreError::invalid(format!("{} is not a read", request.api_key().name())));
        }
        let now = self.now;
        self.admin_call(now, user, call, request)
    }

    /// CreateTopics, first with `validate_only` (Kafka's checks), then the playground's budget
    /// and capacity, then for real. Returns the partition count created.
    pub(crate) fn admin_create_topic(
        &mut self,
        now: Millis,
        user: Option<&str>,
        name: &str,
        partitions: i64,
        retention: Option<Retention>,
        replication_factor: i16,
    ) -> CoreResult<u32> {
        let mut request = CreateTopicsRequest {
            topics: vec![CreatableTopic {
                name: name.to_string(),
                num_partitions: partitions,
                replication_factor,
                retention: Some(retention.unwrap_or(self.config.retention)),
            }],
            timeout_ms: TIMEOUT_MS,
            validate_only: true,
        };
        for validate_only in [true, false] {
            request.validate_only = validate_only;
            let r = answer!(self.admin_call(now, user, "createTopics", request.clone())?, CreateTopics);
            let Some(t) = r.topics.into_iter().next() else {
                return Err(unexpected(ApiKey::CreateTopics));
            };
            refused(t.error_code, t.error_message)?;
            if validate_only {
                self.check_topic_partition_budget(&t.name, u64::from(t.num_partitions))?;
                self.check_capacity(self.broker.topics.len())?;
            } else {
                return Ok(t.num_partitions);
            }
        }
        Err(unexpected(ApiKey::CreateTopics))
    }

    /// ElectLeaders (`Admin.electLeaders`): the answer is kept for the tool to read; a
    /// top-level error (CLUSTER_AUTHORIZATION_FAILED) fails the whole call.
    pub(crate) fn admin_elect_leaders(
        &mut self,
        now: Millis,
        user: Option<&str>,
        election_type: ElectionType,
        partitions: Option<&[ElectionPartition]>,
    ) -> CoreResult<()> {
        self.admin.last_election = None;
        let request = ElectLeadersRequest {
            election_type,
            topic_partitions: partitions.map(group_by_topic),
            timeout_ms: TIMEOUT_MS,
        };
        let r = answer!(self.admin_call(now, user, "electLeaders", request)?, ElectLeaders);
        refused(r.error_code, None)?;
        self.admin.last_election = Some(r);
        Ok(())
    }

    /// DeleteTopics of one topic.
    pub(crate) fn admin_delete_topic(
        &mut self,
        now: Millis,
        user: Option<&str>,
        name: &str,
    ) -> CoreResult<()> {
        let request = DeleteTopicsRequest { topic_names: vec![name.to_string()], timeout_ms: TIMEOUT_MS };
        let r = answer!(self.admin_call(now, user, "deleteTopics", request)?, DeleteTopics);
        let t = r.responses.into_iter().next().ok_or_else(|| unexpected(ApiKey::DeleteTopics))?;
        refused(t.error_code, t.error_message)
    }

    /// Metadata for the topic's partition count (as `kafka-topics --alter` describes the topic
    /// first), CreatePartitions with `validate_only`, the budget, then for real. Returns the
    /// partition counts before and after.
    pub(crate) fn admin_create_partitions(
        &mut self,
        now: Millis,
        user: Option<&str>,
        topic: &str,
        total: i64,
    ) -> CoreResult<(u32, u32)> {
        let metadata =
            MetadataRequest { topics: Some(vec![topic.to_string()]), allow_auto_topic_creation: false };
        let m = answer!(self.admin_call(now, user, "describeTopics", metadata)?, Metadata);
        let t = m.topics.into_iter().next().ok_or_else(|| unexpected(ApiKey::Metadata))?;
        if t.error_code == Some(ErrorCode::UnknownTopicOrPartition) {
            return Err(crate::core::broker::unknown_topic(topic));
        }
        refused(t.error_code, None)?;
        let from = t.partitions.len() as u32;
        let mut request = CreatePartitionsRequest {
            topics: vec![CreatePartitionsTopic { name: topic.to_string(), count: total }],
            timeout_ms: TIMEOUT_MS,
            validate_only: true,
        };
        for validate_only in [true, false] {
            request.validate_only = validate_only;
            let r =
                answer!(self.admin_call(now, user, "createPartitions", request.clone())?, CreatePartitions);
            let t = r.results.into_iter().next().ok_or_else(|| unexpected(ApiKey::CreatePartitions))?;
            refused(t.error_code, t.error_message)?;
            if validate_only {
                // Accepted, so `total` is a valid count above `from`.
                self.check_topic_partition_budget(topic, total as u64 - u64::from(from))?;
            }
        }
        Ok((from, total as u32))
    }

    /// AlterConfigs of a topic's retention.
    pub(crate) fn admin_alter_retention(
        &mut self,
        now: Millis,
        user: Option<&str>,
        topic: &str,
        retention: Retention,
    ) -> CoreResult<()> {
        let request = AlterConfigsRequest { topic: topic.to_string(), retention, validate_only: false };
        let r = answer!(self.admin_call(now, user, "incrementalAlterConfigs", request)?, AlterConfigs);
        refused(r.error_code, r.error_message)
    }

    /// CreateAcls of one binding. The binding is checked here first, as the Java client builds
    /// an `AclBinding` only from valid parts.
    pub(crate) fn admin_create_acl(
        &mut self,
        now: Millis,
        user: Option<&str>,
        acl: &AclBinding,
    ) -> CoreResult<()> {
        acl.validate().map_err(|e| CoreError::invalid(e.to_string()))?;
        let r = answer!(
            self.admin_call(now, user, "createAcls", CreateAclsRequest { creations: vec![acl.clone()] })?,
            CreateAcls
        );
        let (code, message) = r.results.into_iter().next().ok_or_else(|| unexpected(ApiKey::CreateAcls))?;
        refused(code, message)
    }

    /// DeleteAcls of one exact binding; matching none is refused here ("no such ACL").
    pub(crate) fn admin_delete_acl(
        &mut self,
        now: Millis,
        user: Option<&str>,
        acl: &AclBinding,
    ) -> CoreResult<()> {
        let r = answer!(
            self.admin_call(now, user, "deleteAcls", DeleteAclsRequest { filters: vec![acl.clone()] })?,
            DeleteAcls
        );
        let (code, matched) =
            r.filter_results.into_iter().next().ok_or_else(|| unexpected(ApiKey::DeleteAcls))?;
        refused(code, None)?;
        if matched.is_empty() {
            return Err(CoreError::invalid("no such ACL"));
        }
        Ok(())
    }

    /// `alterConsumerGroupOffsets`: ListOffsets for the partitions (each must exist, and an
    /// offset may not pass its log end: a playground rule, so lag never goes below zero), then
    /// an OffsetCommit from outside the group (no member, generation -1), which the
    /// coordinator accepts only while the group has no members (UNKNOWN_MEMBER_ID).
    pub(crate) fn admin_alter_group_offsets(
        &mut self,
        now: Millis,
        user: Option<&str>,
        group_id: &str,
        offsets: &[(String, u32, u64)],
    ) -> CoreResult<Vec<(TopicPartition, u64)>> {
        crate::core::config::validate_entity_name("group.id", group_id)?;
        if offsets.is_empty() || offsets.len() > 4096 {
            return Err(CoreError::invalid("give 1 to 4096 offsets"));
        }
        let offsets: Vec<(TopicPartition, u64)> =
            offsets.iter().map(|(t, p, o)| (TopicPartition::new(t.as_str(), *p), *o)).collect();
        let list = ListOffsetsRequest {
            replica_id: -1,
            partitions: offsets
                .iter()
                .map(|(tp, _)| ListOffsetsPartition { partition: tp.clone(), timestamp: LATEST_TIMESTAMP })
                .collect(),
        };
        let ends = answer!(self.admin_call(now, user, "listOffsets(api=METADATA)", list)?, ListOffsets);
        for ((tp, offset), end) in offsets.iter().zip(&ends.partitions) {
            refused(end.error_code, None)?;
            if *offset as i64 > end.offset {
                return Err(CoreError::kafka(
                    ErrorCode::OffsetOutOfRange,
                    format!(
                        "offset {offset} of {}-{} is past the log end {}",
                        tp.topic, tp.partition, end.offset
                    ),
                ));
            }
        }
        let commit = OffsetCommitRequest {
            group_id: GroupId::from(group_id),
            generation_id_or_member_epoch: -1,
            member_id: None,
            group_instance_id: None,
            offsets: offsets.clone(),
        };
        let r =
            answer!(self.admin_call(now, user, "offsetCommit(api=FIND_COORDINATOR)", commit)?, OffsetCommit);
        refused(r.error(), None)?;
        Ok(offsets)
    }

    /// `deleteConsumerGroups` of one group.
    pub(crate) fn admin_delete_group(
        &mut self,
        now: Millis,
        user: Option<&str>,
        group_id: &str,
    ) -> CoreResult<()> {
        let r = answer!(
            self.admin_call(
                now,
                user,
                "deleteConsumerGroups(api=FIND_COORDINATOR)",
                DeleteGroupsRequest { groups_names: vec![group_id.to_string()] }
            )?,
            DeleteGroups
        );
        let (_, code) = r.results.into_iter().next().ok_or_else(|| unexpected(ApiKey::DeleteGroups))?;
        refused(code, None)
    }

    /// `deleteConsumerGroupOffsets`: OffsetFetch first (to say which offsets went), then
    /// OffsetDelete. Returns the partitions whose committed offset was deleted and the
    /// partitions the broker refused, each with its error; an error only when nothing changed.
    pub(crate) fn admin_delete_group_offsets(
        &mut self,
        now: Millis,
        user: Option<&str>,
        group_id: &str,
        topic: &str,
        partitions: &[u32],
    ) -> CoreResult<(Vec<TopicPartition>, Refusals)> {
        let asked: Vec<TopicPartition> = partitions.iter().map(|p| TopicPartition::new(topic, *p)).collect();
        let fetch = OffsetFetchRequest {
            group_id: GroupId::from(group_id),
            partitions: Some(asked.clone()),
            require_stable: false,
        };
        let committed =
            answer!(self.admin_call(now, user, "offsetDelete(api=FIND_COORDINATOR)", fetch)?, OffsetFetch);
        let r = answer!(
            self.admin_call(
                now,
                user,
                "offsetDelete(api=FIND_COORDINATOR)",
                OffsetDeleteRequest { group_id: group_id.to_string(), partitions: asked }
            )?,
            OffsetDelete
        );
        refused(r.error_code, None)?;
        // Kafka answers per partition: the partitions the broker did not refuse lost their
        // offsets whatever happened to the others. So the command fails only when the broker
        // refused every partition asked for (then nothing changed, and the first refusal is
        // the error); otherwise it succeeded, and the refusals travel with its event.
        let refusals: Refusals =
            r.partitions.iter().filter_map(|(tp, code)| code.map(|c| (tp.clone(), c))).collect();
        if let Some((_, code)) = refusals.first().filter(|_| refusals.len() == r.partitions.len()) {
            refused(Some(*code), None)?;
        }
        let had: Vec<TopicPartition> = committed
            .partitions
            .into_iter()
            .filter(|(tp, o, _)| o.is_some() && !refusals.iter().any(|(r, _)| r == tp))
            .map(|(tp, _, _)| tp)
            .collect();
        Ok((had, refusals))
    }

    /// `alterShareGroupOffsets`: AlterShareGroupOffsets; the first refused partition fails the
    /// call. Returns each partition's new start offset.
    pub(crate) fn admin_alter_share_group_offsets(
        &mut self,
        now: Millis,
        user: Option<&str>,
        group_id: &str,
        partitions: Vec<(TopicPartition, ResetTarget)>,
    ) -> CoreResult<Vec<(TopicPartition, u64)>> {
        let request = AlterShareGroupOffsetsRequest { group_id: group_id.to_string(), partitions };
        let r = answer!(
            self.admin_call(now, user, "alterShareGroupOffsets(api=FIND_COORDINATOR)", request)?,
            AlterShareGroupOffsets
        );
        refused(r.error_code, r.error_message)?;
        r.partitions
            .into_iter()
            .map(|(tp, moved)| moved.map(|o| (tp, o)).map_err(|(code, m)| CoreError::kafka(code, m)))
            .collect()
    }

    /// `deleteShareGroupOffsets`: DeleteShareGroupOffsets. A group-level refusal fails the call;
    /// otherwise the answer is kept for the tool, and the topics whose state went are returned.
    pub(crate) fn admin_delete_share_group_offsets(
        &mut self,
        now: Millis,
        user: Option<&str>,
        group_id: &str,
        topics: Vec<String>,
    ) -> CoreResult<Vec<String>> {
        self.admin.last_share_offsets_deletion = None;
        let request = DeleteShareGroupOffsetsRequest { group_id: group_id.to_string(), topics };
        let r = answer!(
            self.admin_call(now, user, "deleteShareGroupOffsets(api=FIND_COORDINATOR)", request)?,
            DeleteShareGroupOffsets
        );
        refused(r.error_code, r.error_message.clone())?;
        let deleted =
            r.responses.iter().filter(|(_, code, _)| code.is_none()).map(|(t, _, _)| t.clone()).collect();
        self.admin.last_share_offsets_deletion = Some(r);
        Ok(deleted)
    }
}
