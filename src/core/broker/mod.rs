//! A broker: the partition logs it hosts, the group coordinators it hosts, and the authorizer
//! that checks every request it handles (Kafka authorizes in the broker, per request:
//! `KafkaApis` calls `authHelper.authorize` before doing anything).
//!
//! It answers requests with [`Broker::handle`] and says when it next needs to run on its own
//! with [`Broker::poll_timeout`] (retention checks, the coordinators' session and rebalance
//! timers), each wake-up with its reason.
//!
//! Every request is authorized as Kafka does; a producer's or consumer's request without a
//! user is `User:ANONYMOUS`'s, the admin client's is the operator's (`cluster/route.rs`).
//!
//! What is simplified: this node holds every partition log and every group for the
//! whole cluster; which broker leads a partition is `replicas.rs`'s, and which broker
//! coordinates a group — the leader of its `__consumer_offsets` partition ([`partition_for`]),
//! moving when that broker goes — is `offsets_topic.rs`'s.

mod admin;
mod classic;
mod consumer_group;
mod coordinator;
mod leader_election;
mod offsets_topic;
pub mod produce;
pub mod replicas;

pub(crate) use admin::unknown_topic;
mod reads;
pub mod share;
mod share_admin;

pub use classic::Parked;
pub use coordinator::{GroupConfig, Output};

use crate::core::acl::{AuthError, Authorizer, Operation, Request as AclRequest, ResourceType};
use crate::core::error::ErrorCode;
use crate::core::event::EventKind;
use crate::core::group::Group;
use crate::core::ids::{BrokerId, TopicPartition};
use crate::core::protocol::fetch::{FetchRequest, FetchResponse, PartitionData};
use crate::core::protocol::find_coordinator::{
    partition_for, Coordinator, CoordinatorType, FindCoordinatorRequest, FindCoordinatorResponse,
    OFFSETS_TOPIC_NUM_PARTITIONS,
};
use crate::core::protocol::list_offsets::{
    ListOffsetsPartitionResponse, ListOffsetsRequest, ListOffsetsResponse, EARLIEST_TIMESTAMP,
    LATEST_TIMESTAMP,
};
use crate::core::protocol::metadata::{
    MetadataRequest, MetadataResponse, MetadataResponsePartition, MetadataResponseTopic,
};
use crate::core::protocol::offset_fetch::{OffsetFetchRequest, OffsetFetchResponse};
use crate::core::protocol::{Request, Response};
use crate::core::schedule::Tracked;
use crate::core::time::Millis;
use crate::core::timer::Timer;
use crate::core::topic::Topic;
use std::collections::BTreeMap;
use std::sync::Arc;

/// How often retention by time is checked (Kafka: `log.retention.check.interval.ms`,
/// default 300000; the playground checks every simulated second).
pub const RETENTION_CHECK_MS: Millis = 1000;

/// Kafka's `User:ANONYMOUS`: whoever connects without authenticating.
pub const ANONYMOUS: &str = "ANONYMOUS";

/// The principal of a client without a user (Kafka's `User:ANONYMOUS`).
pub fn principal(user: Option<&str>) -> &str {
    user.unwrap_or(ANONYMOUS)
}

#[derive(Debug, Clone)]
pub struct Broker {
    pub(crate) id: BrokerId,
    pub(crate) up: bool,
    /// The partition logs (every partition of every topic: one broker leads them all).
    pub(crate) topics: BTreeMap<String, Topic>,
    /// The group coordinators this broker hosts, by `group.id`.
    pub(crate) groups: Tracked<Group>,
    pub(crate) auth: Authorizer,
    /// Records retention removed since the last check, per partition (one event each).
    pub(crate) retention_pending: BTreeMap<(Arc<str>, u32), u64>,
    pub(crate) next_retention_at: Millis,
    /// `offsets.topic.num.partitions`.
    pub(crate) offsets_topic_num_partitions: u32,
    /// The brokers and every partition's replicas (`replicas.rs`): leaders, ISR, high
    /// watermarks; the logs above are the leaders' logs.
    pub(crate) replicas: replicas::Replication,
    /// Producing: idempotent producers' state per partition, held `acks=all` answers.
    pub(crate) produce: produce::ProduceState,
    /// Share groups: their coordinator and the share-partitions of the partitions led here.
    pub(crate) share: share::ShareState,
    /// The group coordinators' settings.
    pub(crate) group_config: GroupConfig,
    /// What the coordinators emitted or answered late since the cluster last took it, in order.
    pub(crate) outbox: Vec<Output>,
    /// Group requests held until the round can answer them, by (group, member).
    pub(crate) parked: BTreeMap<(String, String), Parked>,
    /// Member ids handed out with MEMBER_ID_REQUIRED, not yet joined with (KIP-394).
    pub(crate) pending_members: std::collections::BTreeSet<(String, String)>,
    /// Where each group's coordinator lives: the `__consumer_offsets` leaders.
    pub(crate) offsets_topic: offsets_topic::OffsetsTopic,
}

impl Broker {
    pub fn new(id: BrokerId) -> Self {
        Broker {
            id,
            up: true,
            topics: BTreeMap::new(),
            groups: Tracked::default(),
            auth: Authorizer::default(),
            retention_pending: BTreeMap::new(),
            next_retention_at: RETENTION_CHECK_MS,
            offsets_topic_num_partitions: OFFSETS_TOPIC_NUM_PARTITIONS,
            replicas: replicas::Replication::default(),
            produce: produce::ProduceState::default(),
            share: share::ShareState::default(),
            group_config: GroupConfig::default(),
            outbox: Vec::new(),
            parked: BTreeMap::new(),
            pending_members: Default::default(),
            offsets_topic: Default::default(),
        }
    }

    pub fn id(&self) -> BrokerId {
        self.id
    }
    pub fn is_up(&self) -> bool {
        self.up
    }
    pub fn topics(&self) -> &BTreeMap<String, Topic> {
        &self.topics
    }
    pub fn groups(&self) -> &BTreeMap<String, Group> {
        &self.groups
    }

    // ------------------------------------------------------------------ time

    /// When this broker next needs to run on its own, and why: a coordinator's timer (session,
    /// rebalance, initial delay, the JoinGroup→SyncGroup hop) or the retention check.
    pub fn poll_timeout(&self, kip848_session_ms: Millis) -> Option<(Millis, Timer)> {
        let groups =
            self.groups.values().filter_map(|g| g.next_timer(kip848_session_ms)).min_by_key(|&(t, _)| t);
        let retention = self.retention_timeout().map(|t| (t, Timer::RetentionCheck));
        let share = self.share.next_timer().map(|t| (t, Timer::ShareGroup));
        [groups, retention, share].into_iter().flatten().min_by_key(|&(t, _)| t)
    }

    /// When the retention check next runs, if there is anything for it to do.
    pub(crate) fn retention_timeout(&self) -> Option<Millis> {
        (self.topics.values().any(|t| t.retention.ms.is_some() && t.partitions.iter().any(|p| !p.is_empty()))
            || !self.retention_pending.is_empty())
        .then_some(self.next_retention_at)
    }

    pub(crate) fn retention_note(&mut self, topic: Arc<str>, partition: u32, removed: u64) {
        *self.retention_pending.entry((topic, partition)).or_default() += removed;
    }

    /// Applies retention to every log, then reports every partition that lost records since
    /// the last report (one `RetentionDeleted` each, in topic and partition order).
    pub(crate) fn sweep_retention(&mut self, now: Millis) -> Vec<EventKind> {
        let mut removed_now = Vec::new();
        for (name, t) in self.topics.iter_mut() {
            let retention = t.retention;
            for (p, log) in t.partitions.iter_mut().enumerate() {
                let r = log.enforce_retention(retention, now);
                if r > 0 {
                    removed_now.push((name.clone(), p as u32, r));
                }
            }
        }
        for (name, p, r) in removed_now {
            self.retention_note(Arc::from(name.as_str()), p, r);
        }
        let pending = std::mem::take(&mut self.retention_pending);
        let mut out = Vec::new();
        for ((topic, partition), removed) in pending {
            let Some(log) = self.topics.get(&*topic).and_then(|t| t.partition(partition)) else {
                continue;
            };
            let log_start = log.log_start();
            out.push(EventKind::RetentionDeleted { topic: topic.to_string(), partition, removed, log_start });
        }
        out
    }

    // ------------------------------------------------------------------ requests

    /// Answers a request from the client authenticated as `user`; `None` for the requests
    /// whose handlers are not on the broker yet (they still run on the cluster).
    pub fn handle(&mut self, now: Millis, user: Option<&str>, request: &Request) -> Option<Response> {
        Some(match request {
            Request::Heartbeat(r) => self.heartbeat(now, user, r).into(),
            Request::OffsetCommit(r) => self.offset_commit(user, r).into(),
            Request::FindCoordinator(r) => self.find_coordinator(r).into(),
            Request::Metadata(r) => self.metadata_as(user, r).into(),
            Request::ListOffsets(r) => self.list_offsets_as(user, r).into(),
            Request::OffsetFetch(r) => self.offset_fetch_as(user, r).into(),
            Request::Fetch(r) => self.fetch(user, r).into(),
            Request::CreateTopics(r) => self.create_topics(user, r).into(),
            Request::DeleteTopics(r) => self.delete_topics(user, r).into(),
            Request::CreatePartitions(r) => self.create_partitions(user, r).into(),
            Request::AlterConfigs(r) => self.alter_configs(user, r).into(),
            Request::CreateAcls(r) => self.create_acls(user, r).into(),
            Request::DeleteAcls(r) => self.delete_acls(user, r).into(),
            Request::DeleteGroups(r) => self.delete_groups(user, r).into(),
            Request::OffsetDelete(r) => self.offset_delete(user, r).into(),
            Request::ElectLeaders(r) => self.elect_leaders(now, user, r).into(),
            Request::ShareGroupHeartbeat(r) => self.share_group_heartbeat(now, user, r).into(),
            Request::ShareFetch(r) => self.share_fetch(now, user, r).into(),
            Request::ShareAcknowledge(r) => self.share_acknowledge(now, user, r).into(),
            Request::InitProducerId(r) => self.init_producer_id(user, r).into(),
            Request::AlterShareGroupOffsets(r) => self.alter_share_group_offsets(user, r).into(),
            Request::DeleteShareGroupOffsets(r) => self.delete_share_group_offsets(user, r).into(),
            // The tools' lists and describes (`reads.rs`).
            other => return self.read(user, other),
        })
    }

    /// FindCoordinator: the leader of the group's `__consumer_offsets` partition.
    pub fn find_coordinator(&self, r: &FindCoordinatorRequest) -> FindCoordinatorResponse {
        let coordinators = r
            .coordinator_keys
            .iter()
            .map(|key| {
                let partition = partition_for(key, self.offsets_topic_num_partitions);
                let leader = self.offsets_leader(partition);
                let error_code = if r.key_type != CoordinatorType::Group {
                    Some(ErrorCode::InvalidRequest)
                } else {
                    self.live_coordinator(key).err()
                };
                Coordinator { key: key.clone(), node_id: leader.unwrap_or(BrokerId(-1)), error_code }
            })
            .collect();
        FindCoordinatorResponse { coordinators }
    }

    /// Metadata: topics and their leaders (all this broker).
    pub fn metadata(&self, r: &MetadataRequest) -> MetadataResponse {
        let topic = |name: &str| {
            let Some(t) = self.topics.get(name) else {
                return MetadataResponseTopic {
                    error_code: Some(ErrorCode::UnknownTopicOrPartition),
                    name: name.to_string(),
                    partitions: Vec::new(),
                };
            };
            let partitions = (0..t.partition_count())
                .map(|p| match self.replicas.partition(name, p) {
                    Some(r) => MetadataResponsePartition {
                        error_code: (!r.registration.has_leader()).then_some(ErrorCode::LeaderNotAvailable),
                        partition_index: p,
                        leader_id: r.registration.leader,
                        leader_epoch: r.registration.leader_epoch,
                        replica_nodes: r.registration.replicas.clone(),
                        isr_nodes: r.registration.isr.clone(),
                    },
                    None => MetadataResponsePartition {
                        error_code: None,
                        partition_index: p,
                        leader_id: self.id,
                        leader_epoch: 0,
                        replica_nodes: vec![self.id],
                        isr_nodes: vec![self.id],
                    },
                })
                .collect();
            MetadataResponseTopic { error_code: None, name: name.to_string(), partitions }
        };
        let topics = match &r.topics {
            Some(names) => names.iter().map(|n| topic(n)).collect(),
            None => self.topics.keys().map(|n| topic(n)).filter(|t| t.error_code.is_none()).collect(),
        };
        let brokers = self.replicas.nodes.iter().filter(|n| n.is_running()).map(|n| n.id).collect();
        MetadataResponse { brokers, controller_id: self.id, topics }
    }

    /// ListOffsets: the earliest or latest offset of each partition.
    pub fn list_offsets(&self, r: &ListOffsetsRequest) -> ListOffsetsResponse {
        let partitions = r
            .partitions
            .iter()
            .map(|p| {
                let tp = &p.partition;
                let (error_code, offset) =
                    match self.topics.get(&*tp.topic).and_then(|t| t.partition(tp.partition)) {
                        None => (Some(ErrorCode::UnknownTopicOrPartition), -1),
                        Some(log) if p.timestamp == EARLIEST_TIMESTAMP => (None, log.log_start() as i64),
                        Some(log) if p.timestamp == LATEST_TIMESTAMP => {
                            let end = self.readable_end(&tp.topic, tp.partition, log.log_end());
                            (None, end as i64)
                        }
                        // By timestamp: the first record at or after it (records are in time order).
                        Some(log) => {
                            let t = p.timestamp.max(0) as Millis;
                            let o = log
                                .read(log.log_start(), usize::MAX)
                                .find(|(_, r)| r.timestamp >= t)
                                .map(|(o, _)| o);
                            (None, o.unwrap_or(log.log_end()) as i64)
                        }
                    };
                ListOffsetsPartitionResponse { partition: tp.clone(), error_code, offset }
            })
            .collect();
        ListOffsetsResponse { partitions }
    }

    /// OffsetFetch: the group's committed offsets for the partitions asked for.
    pub fn offset_fetch(&self, r: &OffsetFetchRequest) -> OffsetFetchResponse {
        let group = self.groups.get(r.group_id.as_str());
        let committed = |tp: &TopicPartition| group.and_then(|g| g.offsets.get(tp).copied());
        let partitions = match &r.partitions {
            Some(asked) => asked.iter().map(|tp| (tp.clone(), committed(tp), None)).collect(),
            None => group.map_or(Vec::new(), |g| {
                g.offsets.iter().map(|(tp, &o)| (tp.clone(), Some(o), None)).collect()
            }),
        };
        OffsetFetchResponse { error_code: None, partitions }
    }

    /// Fetch: for each partition, where its log starts and ends and how many records from the
    /// fetch offset there are. What is simplified: the records stay in the log (the consumer
    /// only counts them; the page reads them from the log), so a fetch copies nothing.
    pub fn fetch(&self, user: Option<&str>, r: &FetchRequest) -> FetchResponse {
        if let Err(code) = self.authorize_fetch(user, r.partitions.iter().map(|p| &p.partition)) {
            return FetchResponse { error_code: Some(code), responses: Vec::new() };
        }
        let responses = r
            .partitions
            .iter()
            .map(|p| {
                let tp = p.partition.clone();
                match self.topics.get(&*tp.topic).and_then(|t| t.partition(tp.partition)) {
                    None => PartitionData {
                        partition: tp,
                        error_code: Some(ErrorCode::UnknownTopicOrPartition),
                        high_watermark: 0,
                        log_start_offset: 0,
                    },
                    Some(log) => {
                        let (start, end) = (log.log_start(), log.log_end());
                        let (error_code, high_watermark) =
                            match self.replicas.readable(&tp.topic, tp.partition) {
                                Err(code) => (Some(code), start),
                                Ok(hw) => (
                                    (p.fetch_offset < start || p.fetch_offset > end)
                                        .then_some(ErrorCode::OffsetOutOfRange),
                                    hw.unwrap_or(end).min(end),
                                ),
                            };
                        PartitionData { partition: tp, error_code, high_watermark, log_start_offset: start }
                    }
                }
            })
            .collect();
        FetchResponse { error_code: None, responses }
    }

    /// Where reading ends in a partition: its high watermark (consumers read only what every
    /// in-sync replica has), or `log_end` when it is not replicated.
    pub(crate) fn readable_end(&self, topic: &str, partition: u32, log_end: u64) -> u64 {
        self.replicas.readable(topic, partition).ok().flatten().map_or(log_end, |hw| hw.min(log_end))
    }

    // ------------------------------------------------------------------ authorization

    pub(crate) fn authorize_produce(&self, user: Option<&str>, topic: &str) -> Result<(), ErrorCode> {
        self.auth.check(principal(user), AclRequest::Produce, Some(topic), None).map_err(auth_code)
    }

    /// Fetch needs READ on each topic; partitions of one topic in a row are checked once.
    pub(crate) fn authorize_fetch<'a>(
        &self,
        user: Option<&str>,
        parts: impl IntoIterator<Item = &'a TopicPartition>,
    ) -> Result<(), ErrorCode> {
        let mut last: Option<&str> = None;
        for tp in parts {
            if last == Some(&*tp.topic) {
                continue;
            }
            last = Some(&tp.topic);
            self.auth.check(principal(user), AclRequest::Fetch, Some(&tp.topic), None).map_err(auth_code)?;
        }
        Ok(())
    }

    pub(crate) fn authorize_group(&self, user: Option<&str>, group: &str) -> Result<(), ErrorCode> {
        self.auth.check(principal(user), AclRequest::JoinGroup, None, Some(group)).map_err(auth_code)
    }

    pub(crate) fn authorize_commit_topic(&self, user: Option<&str>, topic: &str) -> Result<(), ErrorCode> {
        if self.auth.authorize(principal(user), Operation::Read, ResourceType::Topic, topic) {
            Ok(())
        } else {
            Err(ErrorCode::TopicAuthorizationFailed)
        }
    }
}

fn auth_code(e: AuthError) -> ErrorCode {
    match e {
        AuthError::TopicAuthorizationFailed { .. } => ErrorCode::TopicAuthorizationFailed,
        AuthError::GroupAuthorizationFailed { .. } => ErrorCode::GroupAuthorizationFailed,
        _ => ErrorCode::ClusterAuthorizationFailed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::log::Retention;
    use crate::core::protocol::fetch::FetchPartition;

    fn broker_with_topic() -> Broker {
        let mut b = Broker::new(BrokerId::FIRST);
        b.topics.insert("orders".into(), Topic::new("orders", 2, Retention::default()));
        b
    }

    #[test]
    fn find_coordinator_names_the_leader_of_the_groups_offsets_partition() {
        let b = broker_with_topic();
        let r = FindCoordinatorRequest {
            key_type: CoordinatorType::Group,
            coordinator_keys: vec!["orders-app".into(), "polygenelubricants".into()],
        };
        let answer = b.find_coordinator(&r);
        assert!(answer.coordinators.iter().all(|c| c.node_id == BrokerId(1) && c.error_code.is_none()));
        assert_eq!(partition_for("polygenelubricants", b.offsets_topic_num_partitions), 0);
    }

    #[test]
    fn fetch_reports_log_bounds_and_out_of_range_offsets() {
        let b = broker_with_topic();
        let part = |p, o| FetchPartition { partition: TopicPartition::new("orders", p), fetch_offset: o };
        let r = FetchRequest {
            replica_id: -1,
            max_wait_ms: 0,
            min_bytes: 0,
            max_records: 500,
            partitions: vec![part(0, 0), part(1, 7), part(5, 0)],
        };
        let codes: Vec<_> = b.fetch(None, &r).responses.iter().map(|p| p.error_code).collect();
        assert_eq!(
            codes,
            [None, Some(ErrorCode::OffsetOutOfRange), Some(ErrorCode::UnknownTopicOrPartition)]
        );
    }

    #[test]
    fn the_broker_authorizes_a_fetch_before_reading() {
        let mut b = broker_with_topic();
        b.auth.set_enabled(true);
        b.auth.set_allow_everyone_if_no_acl_found(false);
        let r = FetchRequest {
            replica_id: -1,
            max_wait_ms: 0,
            min_bytes: 0,
            max_records: 500,
            partitions: vec![FetchPartition { partition: TopicPartition::new("orders", 0), fetch_offset: 0 }],
        };
        let answer = b.fetch(Some("alice"), &r);
        assert_eq!(answer.error_code, Some(ErrorCode::TopicAuthorizationFailed));
        assert!(answer.responses.is_empty(), "nothing about the log leaks to an unauthorized client");
    }

    #[test]
    fn the_cluster_names_each_groups_coordinator_and_offsets_partition() {
        let c = crate::core::Cluster::new(crate::core::config::ClusterConfig::default(), 1);
        assert_eq!(c.coordinator("hello"), (BrokerId(1), 99_162_322 % 50));
        assert_eq!(c.brokers().len(), 1);
    }
}
