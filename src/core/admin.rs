//! The admin client: the node that changes the cluster's topics, configs, ACLs and groups, as
//! Kafka's `Admin` client does, by sending Kafka's requests over the network and reading the
//! answers (`KafkaAdminClient`: `createTopics`, `deleteTopics`, `createPartitions`,
//! `incrementalAlterConfigs`, `createAcls`, `deleteAcls`, `deleteConsumerGroups`,
//! `deleteConsumerGroupOffsets`, `alterConsumerGroupOffsets`).
//!
//! The page, scenario scripts and Kafka's tools (`tools/`) all change the cluster through it:
//! `Cluster::apply` hands an admin [`Command`] here, the admin client sends the request as the
//! command's user (none: the operator, a super user), the broker authorizes and answers
//! (`broker/admin.rs`), and the one-line [`CoreError`] a person reads is made from the answer's
//! error code and message. A refused request changed nothing on the broker, so the command
//! leaves the state intact.
//!
//! Where it takes more than one request, it does what Kafka's tools do: `kafka-topics --alter`
//! describes the topic (Metadata) before CreatePartitions; `--reset-offsets` lists the offsets
//! (ListOffsets) before committing them; the playground's work budget (a limit of the tab, not
//! of Kafka) is checked between a `validate_only` request and the real one.
//!
//! Not sent as Kafka requests: user accounts, managed-service roles and switching the
//! authorizer. Those are a managed service's control plane (or the broker's static
//! configuration), not Kafka's protocol; `Cluster::apply_command` still applies them.

use super::acl::AclBinding;
use super::cluster::Cluster;
use super::command::Command;
use super::error::{CoreError, CoreResult, ErrorCode};
use super::ids::{BrokerId, GroupId, NodeId, TopicPartition};
use super::log::Retention;
use super::protocol::alter_configs::AlterConfigsRequest;
use super::protocol::alter_share_group_offsets::AlterShareGroupOffsetsRequest;
use super::protocol::create_acls::CreateAclsRequest;
use super::protocol::create_partitions::{CreatePartitionsRequest, CreatePartitionsTopic};
use super::protocol::create_topics::{CreatableTopic, CreateTopicsRequest};
use super::protocol::delete_acls::DeleteAclsRequest;
use super::protocol::delete_groups::DeleteGroupsRequest;
use super::protocol::delete_share_group_offsets::{
    DeleteShareGroupOffsetsRequest, DeleteShareGroupOffsetsResponse,
};
use super::protocol::delete_topics::DeleteTopicsRequest;
use super::protocol::elect_leaders::{
    group_by_topic, ElectLeadersRequest, ElectLeadersResponse, ElectionPartition, ElectionType,
};
use super::protocol::list_offsets::{ListOffsetsPartition, ListOffsetsRequest, LATEST_TIMESTAMP};
use super::protocol::metadata::MetadataRequest;
use super::protocol::offset_commit::OffsetCommitRequest;
use super::protocol::offset_delete::OffsetDeleteRequest;
use super::protocol::offset_fetch::OffsetFetchRequest;
use super::protocol::{ApiKey, Request, Response};
use super::share_group::share_partition::ResetTarget;
use super::time::Millis;

/// The admin client's `request.timeout.ms` (Kafka's default), also the timeout its requests
/// carry to the broker.
const TIMEOUT_MS: u64 = 30_000;

/// The admin client's `default.api.timeout.ms` (Kafka's default): how long a call waits for a
/// node to send it to before it fails with a `TimeoutException`.
pub const DEFAULT_API_TIMEOUT_MS: u64 = 60_000;

/// The error a call fails with when no broker can be reached (`KafkaAdminClient`'s
/// `TimeoutProcessor`: "Timed out waiting for a node assignment. Call: " and the call's name,
/// e.g. `listTopics`, or `describeConsumerGroups(api=FIND_COORDINATOR)` for the calls its
/// `AdminApiDriver` runs).
pub fn node_assignment_timeout(call: &str) -> CoreError {
    CoreError::kafka(
        ErrorCode::RequestTimedOut,
        format!("Timed out waiting for a node assignment. Call: {call}"),
    )
}

/// The admin client node. It keeps no copy of the cluster: everything it knows of a topic or a
/// group it has just been told in an answer.
#[derive(Debug, Clone, Default)]
pub struct AdminClient {
    /// Requests sent so far.
    pub(crate) sent: u64,
    /// The answer to its last ElectLeaders request (what `Admin.electLeaders`' future holds
    /// for `kafka-leader-election` to print).
    pub(crate) last_election: Option<ElectLeadersResponse>,
    /// The answer to its last DeleteShareGroupOffsets request, if it succeeded as a whole
    /// (`kafka-share-groups --delete-offsets` prints each topic's result).
    pub(crate) last_share_offsets_deletion: Option<DeleteShareGroupOffsetsResponse>,
}

impl AdminClient {
    /// Its address on the network.
    pub const NODE: NodeId = NodeId::Admin;

    /// Requests sent so far.
    pub fn requests_sent(&self) -> u64 {
        self.sent
    }

    /// The answer to the last ElectLeaders request, if it succeeded as a whole.
    pub fn last_election(&self) -> Option<&ElectLeadersResponse> {
        self.last_election.as_ref()
    }

    /// The answer to the last DeleteShareGroupOffsets request, if it succeeded as a whole.
    pub fn last_share_offsets_deletion(&self) -> Option<&DeleteShareGroupOffsetsResponse> {
        self.last_share_offsets_deletion.as_ref()
    }

    /// It has no timers: it acts only when a person (or a script) asks.
    pub fn poll_timeout(&self) -> Option<Millis> {
        None
    }
}

/// Is this command one the admin client sends (rather than a producer's, a consumer's, or the
/// control plane's)?
pub fn is_admin(cmd: &Command) -> bool {
    call_name(cmd).is_some()
}

/// The `Admin` call an admin command is (its first request's, for the calls Kafka's
/// `AdminApiDriver` runs), as a `TimeoutException` names it; `None` for a command the admin
/// client does not send.
pub fn call_name(cmd: &Command) -> Option<&'static str> {
    Some(match cmd {
        Command::CreateTopic { .. } => "createTopics",
        Command::DeleteTopic { .. } => "deleteTopics",
        Command::CreatePartitions { .. } => "createPartitions",
        Command::SetRetention { .. } => "incrementalAlterConfigs",
        Command::AddAcl { .. } => "createAcls",
        Command::RemoveAcl { .. } => "deleteAcls",
        Command::AlterGroupOffsets { .. } => "listOffsets(api=METADATA)",
        Command::DeleteGroup { .. } => "deleteConsumerGroups(api=FIND_COORDINATOR)",
        Command::DeleteGroupOffsets { .. } => "offsetDelete(api=FIND_COORDINATOR)",
        Command::ElectLeaders { .. } => "electLeaders",
        Command::ResetShareGroupOffsets { .. } => "alterShareGroupOffsets(api=FIND_COORDINATOR)",
        Command::DeleteShareGroup { .. } => "deleteShareGroups(api=FIND_COORDINATOR)",
        Command::DeleteShareGroupOffsets { .. } => "deleteShareGroupOffsets(api=FIND_COORDINATOR)",
        _ => return None,
    })
}

/// The message of an answer that carries only a code: Kafka's default (`Errors.java`), as
/// `Errors.exception()` builds the client's exception.
pub fn default_message(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::GroupIdNotFound => "The group id does not exist.",
        ErrorCode::NonEmptyGroup => "The group is not empty.",
        ErrorCode::GroupSubscribedToTopic => "The consumer group is actively subscribed to the topic",
        ErrorCode::UnknownMemberId => "The coordinator is not aware of this member.",
        ErrorCode::GroupAuthorizationFailed => "Group authorization failed.",
        ErrorCode::TopicAuthorizationFailed => "Topic authorization failed.",
        ErrorCode::ClusterAuthorizationFailed => "Cluster authorization failed.",
        ErrorCode::UnknownTopicOrPartition => "This server does not host this topic-partition.",
        other => other.name(),
    }
}

/// The error a person reads for an answer's `(error_code, error_message)`.
fn refused(code: Option<ErrorCode>, message: Option<String>) -> CoreResult<()> {
    match code {
        None => Ok(()),
        Some(code) => Err(CoreError::kafka(code, message.unwrap_or_else(|| default_message(code).into()))),
    }
}

fn unexpected(api: ApiKey) -> CoreError {
    CoreError::invalid(format!("the broker answered {} with something else", api.name()))
}

/// Takes the typed answer out of a [`Response`].
macro_rules! answer {
    ($response:expr, $variant:ident) => {
        match $response {
            Response::$variant(r) => r,
            _ => return Err(unexpected(ApiKey::$variant)),
        }
    };
}

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
        crate::core::cluster::validate_entity_name("group.id", group_id)?;
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
    /// OffsetDelete. Returns the partitions whose committed offset was deleted.
    pub(crate) fn admin_delete_group_offsets(
        &mut self,
        now: Millis,
        user: Option<&str>,
        group_id: &str,
        topic: &str,
        partitions: &[u32],
    ) -> CoreResult<Vec<TopicPartition>> {
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
        for (_, code) in &r.partitions {
            refused(*code, None)?;
        }
        let had: Vec<TopicPartition> =
            committed.partitions.into_iter().filter(|(_, o, _)| o.is_some()).map(|(tp, _, _)| tp).collect();
        Ok(had)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::acl::{Operation, PatternType, Permission, ResourceType};
    use crate::core::config::ClusterConfig;

    fn with_topic() -> Cluster {
        let mut c = Cluster::new(ClusterConfig::default(), 1);
        c.apply(0, Command::create_topic("orders", 3)).unwrap();
        c
    }

    fn shown(r: CoreResult<Vec<crate::core::event::Event>>) -> String {
        r.map(|_| String::new()).unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn an_admin_command_is_requests_over_the_network() {
        let c = with_topic();
        // CreateTopics with validate_only, then for real: two requests, two answers.
        assert_eq!(c.admin.requests_sent(), 2);
        assert_eq!(c.network().delivered(), 4);
        assert_eq!(c.network().outstanding(), 0);
        assert_eq!(c.topics()["orders"].partition_count(), 3);
    }

    #[test]
    fn with_no_broker_reachable_a_call_times_out_waiting_for_a_node_and_changes_nothing() {
        use crate::core::config::BrokerSpec;
        let config = ClusterConfig {
            brokers: (1..=2).map(|id| BrokerSpec { id: BrokerId(id), rack: None }).collect(),
            ..ClusterConfig::default()
        };
        let mut c = Cluster::new(config, 1);
        c.apply(0, Command::create_topic("orders", 1)).unwrap();
        c.apply(0, Command::StopBroker { broker: BrokerId(1) }).unwrap();
        // Broker 2 answers.
        let sent = c.admin.requests_sent();
        c.apply(0, Command::create_topic("audit", 1)).unwrap();
        assert!(c.admin.requests_sent() > sent);
        c.apply(0, Command::StopBroker { broker: BrokerId(2) }).unwrap();
        let sent = c.admin.requests_sent();
        let e = c.apply(0, Command::DeleteTopic { name: "orders".into() }).unwrap_err();
        assert_eq!(
            e.to_string(),
            "REQUEST_TIMED_OUT: Timed out waiting for a node assignment. Call: deleteTopics"
        );
        let metadata = MetadataRequest { topics: None, allow_auto_topic_creation: false };
        let e = c.admin_read(None, "listTopics", metadata.into()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "REQUEST_TIMED_OUT: Timed out waiting for a node assignment. Call: listTopics"
        );
        assert_eq!(c.admin.requests_sent(), sent, "nothing was sent");
        assert!(c.topics().contains_key("orders"));
        // A read is only a read.
        let delete = DeleteTopicsRequest { topic_names: vec!["orders".into()], timeout_ms: 1 };
        assert!(c.admin_read(None, "deleteTopics", delete.into()).is_err());
    }

    #[test]
    fn with_broker_1_stopped_crashed_or_isolated_the_admin_client_uses_broker_2() {
        use crate::core::config::BrokerSpec;
        let gone = [
            Command::StopBroker { broker: BrokerId(1) },
            Command::CrashBroker { broker: BrokerId(1) },
            Command::IsolateBroker { broker: BrokerId(1) },
        ];
        for how in gone {
            let config = ClusterConfig {
                brokers: (1..=3).map(|id| BrokerSpec { id: BrokerId(id), rack: None }).collect(),
                ..ClusterConfig::default()
            };
            let mut c = Cluster::new(config, 1);
            assert_eq!(c.admin_node(), Some(BrokerId(1)), "the first broker while it runs");
            c.apply(0, how.clone()).unwrap();
            assert_eq!(c.admin_node(), Some(BrokerId(2)), "after {how:?}");
            // And the calls go there and are answered.
            let sent = c.admin.requests_sent();
            c.apply(0, Command::create_topic("orders", 1)).unwrap();
            let metadata = MetadataRequest { topics: None, allow_auto_topic_creation: false };
            let Response::Metadata(m) = c.admin_read(None, "listTopics", metadata.into()).unwrap() else {
                panic!("a Metadata answer")
            };
            assert_eq!(m.topics.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["orders"]);
            assert_eq!(c.admin.requests_sent(), sent + 3, "after {how:?}");
        }
    }

    #[test]
    fn the_broker_authorizes_the_admin_clients_requests_as_its_user() {
        let mut c = with_topic();
        let lock = Command::SetAuthorization { enabled: true, allow_everyone_if_no_acl_found: Some(false) };
        c.apply(0, lock).unwrap();
        let delete = || Command::DeleteTopic { name: "orders".into() };
        let e = c.apply_as(0, Some("alice"), delete()).unwrap_err();
        assert_eq!(e.to_string(), "TOPIC_AUTHORIZATION_FAILED: Topic authorization failed.");
        assert!(c.topics().contains_key("orders"), "a refused request changes nothing");
        let acl = |op, rt, name: &str| {
            AclBinding::new("User:alice", op, rt, PatternType::Literal, name, Permission::Allow)
        };
        let e = c.apply_as(
            0,
            Some("alice"),
            Command::AddAcl { acl: acl(Operation::All, ResourceType::Topic, "*") },
        );
        assert_eq!(shown(e), "CLUSTER_AUTHORIZATION_FAILED: Cluster authorization failed.");
        // The operator (no user) is a super user; then alice may delete.
        c.apply(0, Command::AddAcl { acl: acl(Operation::Delete, ResourceType::Topic, "orders") }).unwrap();
        c.apply_as(0, Some("alice"), delete()).unwrap();
        assert!(c.topics().is_empty());
    }

    #[test]
    fn the_error_a_person_reads_comes_from_the_answer() {
        let mut c = with_topic();
        let mut run = |cmd| shown(c.apply(0, cmd));
        assert_eq!(
            run(Command::create_topic("orders", 1)),
            "TOPIC_ALREADY_EXISTS: Topic 'orders' already exists."
        );
        assert_eq!(
            run(Command::CreatePartitions { topic: "orders".into(), total: 2 }),
            "INVALID_PARTITIONS: The topic orders currently has 3 partition(s); 2 would not be an increase."
        );
        assert_eq!(
            run(Command::CreatePartitions { topic: "nope".into(), total: 2 }),
            "UNKNOWN_TOPIC_OR_PARTITION: This server does not host topic \"nope\"."
        );
        assert_eq!(
            run(Command::DeleteGroup { group: "g".into() }),
            "GROUP_ID_NOT_FOUND: The group id does not exist."
        );
        assert_eq!(
            run(Command::DeleteGroupOffsets {
                group: "g".into(),
                topic: "orders".into(),
                partitions: vec![0]
            }),
            "GROUP_ID_NOT_FOUND: The group id does not exist."
        );
        assert_eq!(
            run(Command::AlterGroupOffsets { group: "g".into(), offsets: vec![("orders".into(), 7, 0)] }),
            "UNKNOWN_TOPIC_OR_PARTITION: This server does not host this topic-partition."
        );
        assert_eq!(
            run(Command::AlterGroupOffsets { group: "g".into(), offsets: vec![("orders".into(), 0, 5)] }),
            "OFFSET_OUT_OF_RANGE: offset 5 of orders-0 is past the log end 0"
        );
        assert_eq!(
            run(Command::AlterGroupOffsets { group: "g".into(), offsets: vec![("orders".into(), 0, 0)] }),
            ""
        );
        assert_eq!(
            run(Command::DeleteGroupOffsets {
                group: "g".into(),
                topic: "orders".into(),
                partitions: vec![0]
            }),
            ""
        );
        assert_eq!(run(Command::DeleteGroup { group: "g".into() }), "");
        let acl = AclBinding::new(
            "User:bob",
            Operation::Read,
            ResourceType::Topic,
            PatternType::Literal,
            "orders",
            Permission::Allow,
        );
        assert_eq!(run(Command::RemoveAcl { acl }), "no such ACL");
    }
}
