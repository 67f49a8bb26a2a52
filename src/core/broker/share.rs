//! Share groups on the broker (KIP-932): the share group coordinator (membership, the group
//! epoch, the server-side `simple` assignor) and the share-partitions of the partitions this broker
//! leads (`SharePartitionManager`: one [`SharePartition`] per group and partition, created at the
//! group's first fetch from it, at `share.auto.offset.reset`).
//!
//! Handlers: ShareGroupHeartbeat, ShareFetch (acknowledgements piggy-backed, then acquisition) and
//! ShareAcknowledge, each authorized as `KafkaApis` does (READ on the group, then READ on each
//! topic), plus the admin operations `kafka-share-groups` needs (describe, reset offsets, delete).
//!
//! Where the playground simplifies Kafka:
//! - the share coordinator is the group's coordinator as FindCoordinator (key type GROUP) names
//!   it, as for consumer groups; while that broker is down, ShareGroupHeartbeat gets
//!   COORDINATOR_NOT_AVAILABLE;
//! - each share-partition is hosted by its partition's leader ([`share_partition_leader`]): it
//!   remembers the broker it lives on, a ShareFetch or ShareAcknowledge while the partition has no
//!   running leader gets the error a Fetch gets (LEADER_NOT_AVAILABLE or REQUEST_TIMED_OUT, at
//!   once), and records are acquired only up to the leader's high watermark. When leadership
//!   moves, the new leader's share-partition is the old one as the share coordinator persisted
//!   it (`SharePartition.maybeInitialize`): acquired records are AVAILABLE again with one
//!   delivery fewer, everything else kept. All brokers' share state sits in one `ShareState`
//!   (the playground's one broker state), and there is no `__share_group_state` topic;
//! - a ShareFetch from a member the coordinator does not know is refused with UNKNOWN_MEMBER_ID
//!   (Kafka checks share sessions, not group membership, at the partition leader);
//! - the group's assignment is the target assignment at once (share groups never revoke first,
//!   as in Kafka), and the group epoch moves on every membership, subscription or metadata change.

use super::{principal, Broker};
use crate::core::acl::{Operation, ResourceType};
use crate::core::error::ErrorCode;
use crate::core::event::{EventKind, LeaveReason};
use crate::core::ids::{BrokerId, TopicPartition};
use crate::core::protocol::share_acknowledge::{
    ShareAcknowledgePartitionData, ShareAcknowledgeRequest, ShareAcknowledgeResponse,
};
use crate::core::protocol::share_fetch::{
    AcknowledgementBatch, AcquiredRecords, ShareFetchPartitionData, ShareFetchRequest, ShareFetchResponse,
    FINAL_EPOCH,
};
use crate::core::protocol::share_group_heartbeat::{
    ShareGroupHeartbeatRequest, ShareGroupHeartbeatResponse, LEAVE_GROUP_MEMBER_EPOCH,
};
use crate::core::share_group::assignor::{self, MemberSpec};
use crate::core::share_group::config::ShareGroupConfig;
use crate::core::share_group::group::client_of_member_id;
use crate::core::share_group::share_partition::{
    self, MemberId, ResetTarget, SharePartition, SharePartitionEvent,
};
use crate::core::share_group::{ShareGroup, ShareGroupSettings, ShareMember};
use crate::core::sort::CollectTree;
use crate::core::time::Millis;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// `group.share.heartbeat.interval.ms` (Kafka's default).
pub const SHARE_HEARTBEAT_INTERVAL_MS: Millis = 5000;
/// `group.share.session.timeout.ms` (Kafka's default).
pub const SHARE_SESSION_TIMEOUT_MS: Millis = 45_000;

/// What the broker keeps for share groups.
#[derive(Debug, Clone, Default)]
pub struct ShareState {
    pub(crate) groups: BTreeMap<String, ShareGroup>,
    /// (group, partition) → the share-partition, hosted by the partition's leader.
    pub(crate) partitions: BTreeMap<(String, TopicPartition), SharePartition>,
    pub(crate) config: ShareGroupConfig,
    /// (group, partition) → the broker hosting the share-partition: its leader when it was
    /// created or last loaded.
    pub(crate) hosts: BTreeMap<(String, TopicPartition), BrokerId>,
    /// What happened, for the cluster to take (`Cluster::take_share_events`).
    pub(crate) events: Vec<EventKind>,
}

impl ShareState {
    pub fn groups(&self) -> &BTreeMap<String, ShareGroup> {
        &self.groups
    }

    /// The share-partitions of `group`, in topic and partition order.
    pub fn partitions_of<'a>(
        &'a self,
        group: &'a str,
    ) -> impl Iterator<Item = (&'a TopicPartition, &'a SharePartition)> + 'a {
        self.partitions.iter().filter(move |((g, _), _)| g == group).map(|((_, tp), sp)| (tp, sp))
    }

    /// A classic JoinGroup for `group` when it is a share group: `GroupMetadataManager.classicGroupJoin`
    /// answers a group of another type (not a consumer group) with INCONSISTENT_GROUP_PROTOCOL and
    /// an empty member id, and creates nothing.
    pub fn refuses_classic_join(&self, group: &str) -> Option<ErrorCode> {
        self.groups.contains_key(group).then_some(ErrorCode::InconsistentGroupProtocol)
    }

    pub fn partition(&self, group: &str, tp: &TopicPartition) -> Option<&SharePartition> {
        self.partitions.get(&(group.to_string(), tp.clone()))
    }

    /// When a lock runs out or a member's session ends, whichever is first.
    pub fn next_timer(&self) -> Option<Millis> {
        let locks = self.partitions.values().filter_map(SharePartition::next_wakeup).min();
        let sessions = self
            .groups
            .values()
            .flat_map(|g| g.members.values())
            .map(|m| m.last_heartbeat.saturating_add(SHARE_SESSION_TIMEOUT_MS))
            .min();
        match (locks, sessions) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Turns a share-partition's events into the cluster's, a run of neighbouring offsets with the
    /// same outcome as one event.
    fn note(&mut self, group: &str, tp: &TopicPartition, events: Vec<SharePartitionEvent>) {
        let g = self.groups.get(group);
        let name = |m: &MemberId| g.map_or_else(|| client_of_member_id(m), |g| g.client_of(m));
        for e in events {
            let (topic, partition, group) = (tp.topic.to_string(), tp.partition, group.to_string());
            let kind = match e {
                SharePartitionEvent::Acquired {
                    member,
                    first_offset,
                    last_offset,
                    delivery_count,
                    lock_deadline,
                } => EventKind::ShareAcquired {
                    group,
                    consumer: name(&member),
                    topic,
                    partition,
                    first_offset,
                    last_offset,
                    delivery_count,
                    lock_until: lock_deadline,
                },
                SharePartitionEvent::Acknowledged { member, offset } => EventKind::ShareAcknowledged {
                    group,
                    consumer: name(&member),
                    topic,
                    partition,
                    first_offset: offset,
                    last_offset: offset,
                },
                SharePartitionEvent::Returned { member, offset, cause } => EventKind::ShareReleased {
                    group,
                    consumer: name(&member),
                    topic,
                    partition,
                    first_offset: offset,
                    last_offset: offset,
                    cause,
                },
                SharePartitionEvent::Archived { member, offset, reason } => EventKind::ShareArchived {
                    group,
                    consumer: member.as_ref().map(name),
                    topic,
                    partition,
                    first_offset: offset,
                    last_offset: offset,
                    reason,
                },
                SharePartitionEvent::LockRenewed { .. } | SharePartitionEvent::StartOffsetMoved { .. } => {
                    continue
                }
            };
            if let Some(last) = self.events.last_mut() {
                if extend_range(last, &kind) {
                    continue;
                }
            }
            self.events.push(kind);
        }
    }
}

/// Merges `next` into `last` when it continues its range with the same outcome.
fn extend_range(last: &mut EventKind, next: &EventKind) -> bool {
    use EventKind::*;
    match (last, next) {
        (
            ShareAcknowledged { group, consumer, topic, partition, last_offset, .. },
            ShareAcknowledged { group: g, consumer: c, topic: t, partition: p, first_offset: o, .. },
        ) if *group == *g
            && *consumer == *c
            && *topic == *t
            && *partition == *p
            && *last_offset + 1 == *o =>
        {
            *last_offset = *o;
            true
        }
        (
            ShareReleased { group, consumer, topic, partition, last_offset, cause, .. },
            ShareReleased {
                group: g, consumer: c, topic: t, partition: p, first_offset: o, cause: k, ..
            },
        ) if *group == *g
            && *consumer == *c
            && *topic == *t
            && *partition == *p
            && *cause == *k
            && *last_offset + 1 == *o =>
        {
            *last_offset = *o;
            true
        }
        (
            ShareArchived { group, consumer, topic, partition, last_offset, reason, .. },
            ShareArchived {
                group: g, consumer: c, topic: t, partition: p, first_offset: o, reason: r, ..
            },
        ) if *group == *g
            && *consumer == *c
            && *topic == *t
            && *partition == *p
            && *reason == *r
            && *last_offset + 1 == *o =>
        {
            *last_offset = *o;
            true
        }
        _ => false,
    }
}

/// The broker that hosts `tp`'s share-partitions: the partition's leader (`None` while it has
/// none; a partition replication does not know is the first broker's).
pub fn share_partition_leader(broker: &Broker, tp: &TopicPartition) -> Option<BrokerId> {
    match broker.replicas.partition(&tp.topic, tp.partition) {
        Some(p) => p.leader(),
        None => Some(broker.id),
    }
}

fn batches(list: &[AcknowledgementBatch]) -> Vec<share_partition::AcknowledgementBatch> {
    list.iter()
        .filter_map(|b| {
            Some(share_partition::AcknowledgementBatch {
                first_offset: b.first_offset,
                last_offset: b.last_offset,
                acknowledge_type: *b.acknowledge_types.first()?,
            })
        })
        .collect()
}

impl Broker {
    pub fn share(&self) -> &ShareState {
        &self.share
    }

    fn may_read(&self, user: Option<&str>, resource: ResourceType, name: &str) -> bool {
        self.auth.authorize(principal(user), Operation::Read, resource, name)
    }

    /// ShareGroupHeartbeat (`GroupMetadataManager.shareGroupHeartbeat`): READ on the group; a
    /// group id a consumer group already uses is GROUP_ID_NOT_FOUND ("… is not a share group.").
    pub fn share_group_heartbeat(
        &mut self,
        now: Millis,
        user: Option<&str>,
        r: &ShareGroupHeartbeatRequest,
    ) -> ShareGroupHeartbeatResponse {
        if !self.may_read(user, ResourceType::Group, &r.group_id) {
            return ShareGroupHeartbeatResponse::error(
                ErrorCode::GroupAuthorizationFailed,
                format!("Not authorized to access group: {}", r.group_id),
            );
        }
        let coordinator = self.share_coordinator(&r.group_id);
        if !self.replicas.node(coordinator).is_none_or(|n| n.is_running()) {
            return ShareGroupHeartbeatResponse::error(
                ErrorCode::CoordinatorNotAvailable,
                "The coordinator is not available.",
            );
        }
        if self.groups.contains_key(&r.group_id) {
            return ShareGroupHeartbeatResponse::error(
                ErrorCode::GroupIdNotFound,
                format!("Group {} is not a share group.", r.group_id),
            );
        }
        let counts = self.topic_counts();
        let share = &mut self.share;
        if r.member_epoch == LEAVE_GROUP_MEMBER_EPOCH {
            share.remove_member(&r.group_id, &r.member_id, LeaveReason::Left, &counts);
            return ShareGroupHeartbeatResponse {
                error_code: None,
                error_message: None,
                member_id: Some(r.member_id.clone()),
                member_epoch: LEAVE_GROUP_MEMBER_EPOCH,
                heartbeat_interval_ms: SHARE_HEARTBEAT_INTERVAL_MS,
                assignment: None,
            };
        }
        let g = share.groups.entry(r.group_id.clone()).or_insert_with(|| ShareGroup::new(&r.group_id));
        let mut changed = false;
        match g.members.get_mut(&r.member_id) {
            None if r.member_epoch != 0 => {
                return ShareGroupHeartbeatResponse::error(
                    ErrorCode::UnknownMemberId,
                    format!("Member {} is not a member of group {}.", r.member_id, r.group_id),
                );
            }
            None => {
                g.members.insert(
                    r.member_id.clone(),
                    ShareMember {
                        member_id: r.member_id.clone(),
                        client_id: r.client_id.clone(),
                        member_epoch: 0,
                        subscribed_topics: r.subscribed_topic_names.iter().flatten().cloned().collect(),
                        assignment: BTreeSet::new(),
                        last_heartbeat: now,
                    },
                );
                share.events.push(EventKind::ShareMemberJoined {
                    group: r.group_id.clone(),
                    consumer: r.client_id.clone(),
                    member_id: r.member_id.clone(),
                });
                changed = true;
            }
            Some(m) => {
                if r.member_epoch != m.member_epoch && r.member_epoch != 0 {
                    return ShareGroupHeartbeatResponse::error(
                        ErrorCode::FencedMemberEpoch,
                        format!(
                            "The share group member has a smaller member epoch ({}) than the one known by the group coordinator ({}). The member must abandon all its partitions and rejoin.",
                            r.member_epoch, m.member_epoch
                        ),
                    );
                }
                m.last_heartbeat = now;
                if let Some(topics) = &r.subscribed_topic_names {
                    let topics: BTreeSet<String> = topics.iter().cloned().collect_set();
                    if topics != m.subscribed_topics {
                        m.subscribed_topics = topics;
                        changed = true;
                    }
                }
            }
        }
        let id = r.group_id.clone();
        share.maybe_reassign(&id, &counts, changed);
        // The member moves to the group's epoch and its target assignment as it heartbeats
        // (a share group has nothing to revoke first).
        let Some(g) = share.groups.get_mut(&id) else {
            return ShareGroupHeartbeatResponse::error(ErrorCode::UnknownMemberId, "member left");
        };
        let epoch = g.group_epoch;
        let Some(m) = g.members.get_mut(&r.member_id) else {
            return ShareGroupHeartbeatResponse::error(ErrorCode::UnknownMemberId, "member left");
        };
        m.member_epoch = epoch;
        ShareGroupHeartbeatResponse {
            error_code: None,
            error_message: None,
            member_id: Some(m.member_id.clone()),
            member_epoch: m.member_epoch,
            heartbeat_interval_ms: SHARE_HEARTBEAT_INTERVAL_MS,
            assignment: Some(m.assignment.iter().cloned().collect()),
        }
    }

    pub(crate) fn topic_counts(&self) -> BTreeMap<String, u32> {
        self.topics.iter().map(|(n, t)| (n.clone(), t.partition_count())).collect_map()
    }

    /// ShareFetch (`KafkaApis.handleShareFetchRequest`, `SharePartitionManager.fetchMessages`):
    /// READ on the group (else GROUP_AUTHORIZATION_FAILED for the whole request), READ on each
    /// topic (else TOPIC_AUTHORIZATION_FAILED for its partitions); then, per partition, the
    /// acknowledgements it carries (all or nothing), then acquisition of up to `max_records`
    /// records over all partitions.
    pub fn share_fetch(
        &mut self,
        now: Millis,
        user: Option<&str>,
        r: &ShareFetchRequest,
    ) -> ShareFetchResponse {
        if !self.may_read(user, ResourceType::Group, &r.group_id) {
            return ShareFetchResponse::error(
                ErrorCode::GroupAuthorizationFailed,
                format!("Not authorized to access group: {}", r.group_id),
            );
        }
        let known = self.share.groups.get(&r.group_id).is_some_and(|g| g.members.contains_key(&r.member_id));
        if !known && r.share_session_epoch != FINAL_EPOCH {
            return ShareFetchResponse::error(
                ErrorCode::UnknownMemberId,
                format!("Member {} is not a member of share group {}.", r.member_id, r.group_id),
            );
        }
        let member: MemberId = Rc::from(r.member_id.as_str());
        let mut budget = r.max_records;
        let mut responses = Vec::with_capacity(r.partitions.len());
        for p in &r.partitions {
            let tp = &p.partition;
            let mut data = ShareFetchPartitionData {
                partition: tp.clone(),
                error_code: None,
                acknowledge_error_code: None,
                acknowledge_error_message: None,
                acquired_records: Vec::new(),
                keys: Vec::new(),
            };
            if !self.may_read(user, ResourceType::Topic, &tp.topic) {
                data.error_code = Some(ErrorCode::TopicAuthorizationFailed);
                data.acknowledge_error_code = Some(ErrorCode::TopicAuthorizationFailed);
                responses.push(data);
                continue;
            }
            let (log_start, high_watermark) = match self.leader_bounds(tp) {
                Ok(bounds) => bounds,
                Err(code) => {
                    data.error_code = Some(code);
                    if !p.acknowledgement_batches.is_empty() {
                        data.acknowledge_error_code = Some(code);
                    }
                    responses.push(data);
                    continue;
                }
            };
            self.follow_share_leader(&r.group_id, tp);
            let sp = self.share_partition_mut(&r.group_id, tp, log_start, high_watermark);
            if !p.acknowledgement_batches.is_empty() {
                if let Err(e) = sp.acknowledge(now, &member, &batches(&p.acknowledgement_batches)) {
                    data.acknowledge_error_code = Some(e.code);
                    data.acknowledge_error_message = Some(e.message);
                }
            }
            if r.share_session_epoch != FINAL_EPOCH && budget > 0 {
                let acquired = sp.acquire(now, &member, budget, log_start, high_watermark);
                for a in &acquired {
                    let n = (a.last_offset - a.first_offset + 1) as u32;
                    budget = budget.saturating_sub(n);
                    data.acquired_records.push(AcquiredRecords {
                        first_offset: a.first_offset,
                        last_offset: a.last_offset,
                        delivery_count: a.delivery_count,
                    });
                }
            }
            let events = sp.take_events();
            self.share.note(&r.group_id, tp, events);
            data.keys = self.keys_of(tp, &data.acquired_records);
            responses.push(data);
        }
        if r.share_session_epoch == FINAL_EPOCH {
            self.share.release_member(&r.group_id, &member);
        }
        ShareFetchResponse {
            error_code: None,
            error_message: None,
            acquisition_lock_timeout_ms: self.share.lock_duration(&r.group_id),
            responses,
        }
    }

    /// ShareAcknowledge: as ShareFetch's acknowledgements, without acquiring; epoch -1 closes
    /// the share session, releasing what the member still holds.
    pub fn share_acknowledge(
        &mut self,
        now: Millis,
        user: Option<&str>,
        r: &ShareAcknowledgeRequest,
    ) -> ShareAcknowledgeResponse {
        if !self.may_read(user, ResourceType::Group, &r.group_id) {
            return ShareAcknowledgeResponse {
                error_code: Some(ErrorCode::GroupAuthorizationFailed),
                error_message: Some(format!("Not authorized to access group: {}", r.group_id)),
                responses: Vec::new(),
            };
        }
        let member: MemberId = Rc::from(r.member_id.as_str());
        let mut responses = Vec::with_capacity(r.partitions.len());
        for p in &r.partitions {
            let tp = &p.partition;
            let mut data = ShareAcknowledgePartitionData {
                partition: tp.clone(),
                error_code: None,
                error_message: None,
            };
            if !self.may_read(user, ResourceType::Topic, &tp.topic) {
                data.error_code = Some(ErrorCode::TopicAuthorizationFailed);
                responses.push(data);
                continue;
            }
            if let Err(code) = self.leader_bounds(tp) {
                data.error_code = Some(code);
                responses.push(data);
                continue;
            }
            self.follow_share_leader(&r.group_id, tp);
            if let Some(sp) = self.share.partitions.get_mut(&(r.group_id.clone(), tp.clone())) {
                if let Err(e) = sp.acknowledge(now, &member, &batches(&p.acknowledgement_batches)) {
                    data.error_code = Some(e.code);
                    data.error_message = Some(e.message);
                }
                let events = sp.take_events();
                self.share.note(&r.group_id, tp, events);
            } else {
                data.error_code = Some(ErrorCode::UnknownTopicOrPartition);
            }
            responses.push(data);
        }
        if r.share_session_epoch == FINAL_EPOCH {
            self.share.release_member(&r.group_id, &member);
        }
        ShareAcknowledgeResponse { error_code: None, error_message: None, responses }
    }

    /// What a share-partition may acquire from: the log start and the leader's high watermark,
    /// or the error a Fetch gets when the partition has no running leader.
    fn leader_bounds(&self, tp: &TopicPartition) -> Result<(u64, u64), ErrorCode> {
        let Some((log_start, log_end)) = self.log_bounds(tp) else {
            return Err(ErrorCode::UnknownTopicOrPartition);
        };
        let hw = self.replicas.readable(&tp.topic, tp.partition)?;
        Ok((log_start, hw.map_or(log_end, |hw| hw.min(log_end))))
    }

    /// The broker hosting `group`'s share-partition of `tp`, if it exists.
    pub fn share_partition_host(&self, group: &str, tp: &TopicPartition) -> Option<BrokerId> {
        self.share.hosts.get(&(group.to_string(), tp.clone())).copied()
    }

    /// The share coordinator of `group`: FindCoordinator's answer for key type GROUP.
    pub fn share_coordinator(&self, group: &str) -> BrokerId {
        let r = crate::core::protocol::find_coordinator::FindCoordinatorRequest {
            key_type: crate::core::protocol::find_coordinator::CoordinatorType::Group,
            coordinator_keys: vec![group.to_string()],
        };
        self.find_coordinator(&r).coordinators.first().map_or(self.id, |c| c.node_id)
    }

    /// Every share-partition whose partition's leader changed moves to it
    /// ([`Broker::follow_share_leader`]); `true` if one did. A look at each share-partition's
    /// host: nothing when there are none.
    pub(crate) fn follow_share_leaders(&mut self) -> bool {
        let moved: Vec<(String, TopicPartition)> = self
            .share
            .hosts
            .iter()
            .filter(|((_, tp), host)| share_partition_leader(self, tp).is_some_and(|l| l != **host))
            .map(|(k, _)| k.clone())
            .collect();
        for (group, tp) in &moved {
            self.follow_share_leader(group, tp);
        }
        !moved.is_empty()
    }

    /// Leadership of `tp` moved since `group`'s share-partition was loaded: the new leader loads
    /// it from the persisted state (acquired records come back), and says so.
    fn follow_share_leader(&mut self, group: &str, tp: &TopicPartition) {
        let Some(leader) = share_partition_leader(self, tp) else { return };
        let key = (group.to_string(), tp.clone());
        let Some(sp) = self.share.partitions.get_mut(&key) else { return };
        let host = self.share.hosts.entry(key).or_insert(leader);
        if *host == leader {
            return;
        }
        let from = std::mem::replace(host, leader);
        sp.reload_on_new_leader();
        let events = sp.take_events();
        self.share.events.push(EventKind::SharePartitionMoved {
            group: group.to_string(),
            topic: tp.topic.to_string(),
            partition: tp.partition,
            from: from.0,
            to: leader.0,
        });
        self.share.note(group, tp, events);
    }

    fn log_bounds(&self, tp: &TopicPartition) -> Option<(u64, u64)> {
        let log = self.topics.get(&*tp.topic)?.partition(tp.partition)?;
        Some((log.log_start(), log.log_end()))
    }

    fn keys_of(
        &self,
        tp: &TopicPartition,
        acquired: &[AcquiredRecords],
    ) -> Vec<(u64, Option<std::sync::Arc<str>>)> {
        let Some(log) = self.topics.get(&*tp.topic).and_then(|t| t.partition(tp.partition)) else {
            return Vec::new();
        };
        let mut keys = Vec::new();
        for a in acquired {
            let n = (a.last_offset - a.first_offset + 1) as usize;
            keys.extend(log.read(a.first_offset, n).map(|(o, r)| (o, r.key.cloned())));
        }
        keys
    }

    /// The group's share-partition for `tp`, created at `share.auto.offset.reset` if new.
    fn share_partition_mut(
        &mut self,
        group: &str,
        tp: &TopicPartition,
        log_start: u64,
        high_watermark: u64,
    ) -> &mut SharePartition {
        let leader = share_partition_leader(self, tp).unwrap_or(self.id);
        let share = &mut self.share;
        share.hosts.entry((group.to_string(), tp.clone())).or_insert(leader);
        let settings = share.groups.get(group).map(|g| g.settings).unwrap_or_default();
        let config = share.config;
        share.partitions.entry((group.to_string(), tp.clone())).or_insert_with(|| {
            let reset = settings.auto_offset_reset.unwrap_or_default();
            let mut sp = SharePartition::new(&config, reset, log_start, high_watermark);
            apply_settings(&mut sp, &settings);
            sp
        })
    }

    /// Lock expiries and session timeouts due at `now`.
    pub(crate) fn share_tick(&mut self, now: Millis) {
        self.follow_share_leaders();
        let counts = self.topic_counts();
        let share = &mut self.share;
        let expired: Vec<(String, String)> = share
            .groups
            .values()
            .flat_map(|g| {
                g.members
                    .values()
                    .filter(|m| m.last_heartbeat.saturating_add(SHARE_SESSION_TIMEOUT_MS) <= now)
                    .map(|m| (g.id.clone(), m.member_id.clone()))
            })
            .collect();
        for (g, m) in expired {
            share.remove_member(&g, &m, LeaveReason::SessionTimeout, &counts);
        }
        let due: Vec<(String, TopicPartition)> = share
            .partitions
            .iter()
            .filter(|(_, sp)| sp.next_wakeup().is_some_and(|t| t <= now))
            .map(|(k, _)| k.clone())
            .collect();
        for key in due {
            if let Some(sp) = share.partitions.get_mut(&key) {
                sp.expire_locks(now);
                let events = sp.take_events();
                share.note(&key.0, &key.1, events);
            }
        }
    }

    /// `Admin.alterShareGroupOffsets` (`kafka-share-groups --reset-offsets --execute`): the group
    /// must be empty; the SPSO of each partition (of `topic`, or every partition the group has
    /// read) moves to `to`.
    pub(crate) fn reset_share_group_offsets(
        &mut self,
        group: &str,
        partitions: &[TopicPartition],
        to: ResetTarget,
    ) -> Result<Vec<(TopicPartition, u64)>, (ErrorCode, String)> {
        if self.share.groups.get(group).is_some_and(|g| !g.members.is_empty()) {
            return Err((ErrorCode::NonEmptyGroup, format!("Share group '{group}' is not empty.")));
        }
        let mut bounds = Vec::with_capacity(partitions.len());
        for tp in partitions {
            let Some(b) = self.log_bounds(tp) else {
                return Err((
                    ErrorCode::UnknownTopicOrPartition,
                    format!("This server does not host this topic-partition: {}-{}", tp.topic, tp.partition),
                ));
            };
            bounds.push((tp, b));
        }
        let mut out = Vec::with_capacity(bounds.len());
        for (tp, (log_start, hw)) in bounds {
            let sp = self.share_partition_mut(group, tp, log_start, hw);
            sp.reset_offsets(to, log_start, hw).map_err(|e| (e.code, e.message))?;
            sp.take_events();
            out.push((tp.clone(), sp.start_offset()));
        }
        self.share.groups.entry(group.to_string()).or_insert_with(|| ShareGroup::new(group));
        Ok(out)
    }

    /// `Admin.deleteShareGroups`: only an empty group; its share-partitions go with it.
    pub(crate) fn delete_share_group(&mut self, group: &str) -> Result<(), (ErrorCode, String)> {
        match self.share.groups.get(group) {
            None => Err((ErrorCode::GroupIdNotFound, format!("Group {group} not found."))),
            Some(g) if !g.members.is_empty() => {
                Err((ErrorCode::NonEmptyGroup, "The group is not empty.".to_string()))
            }
            Some(_) => {
                self.share.groups.remove(group);
                self.share.partitions.retain(|(g, _), _| g != group);
                self.share.hosts.retain(|(g, _), _| g != group);
                Ok(())
            }
        }
    }

    /// A share group's own configs (`kafka-configs --alter --entity-type groups`): validated
    /// whole, then applied to the group and to its share-partitions from now on.
    pub(crate) fn set_share_group_settings(
        &mut self,
        group: &str,
        settings: ShareGroupSettings,
    ) -> Result<(), String> {
        settings.validate(&self.share.config)?;
        if self.groups.contains_key(group) {
            return Err(format!("Group {group} is not a share group."));
        }
        let g = self.share.groups.entry(group.to_string()).or_insert_with(|| ShareGroup::new(group));
        g.settings = settings;
        for ((g, _), sp) in self.share.partitions.iter_mut() {
            if g == group {
                apply_settings(sp, &settings);
            }
        }
        Ok(())
    }
}

fn apply_settings(sp: &mut SharePartition, settings: &ShareGroupSettings) {
    if let Some(ms) = settings.record_lock_duration_ms {
        sp.set_record_lock_duration_ms(ms);
    }
    if let Some(limit) = settings.delivery_count_limit {
        sp.set_delivery_count_limit(limit);
    }
}

impl ShareState {
    fn lock_duration(&self, group: &str) -> Millis {
        self.groups
            .get(group)
            .and_then(|g| g.settings.record_lock_duration_ms)
            .unwrap_or(self.config.record_lock_duration_ms())
    }

    /// The member's share session ended: what it holds in the group's share-partitions returns.
    fn release_member(&mut self, group: &str, member: &MemberId) {
        let keys: Vec<(String, TopicPartition)> =
            self.partitions.keys().filter(|(g, _)| g == group).cloned().collect();
        for key in keys {
            if let Some(sp) = self.partitions.get_mut(&key) {
                sp.release_member(member);
                let events = sp.take_events();
                self.note(&key.0, &key.1, events);
            }
        }
    }

    fn remove_member(
        &mut self,
        group: &str,
        member_id: &str,
        reason: LeaveReason,
        counts: &BTreeMap<String, u32>,
    ) {
        let Some(m) = self.groups.get(group).and_then(|g| g.members.get(member_id)).cloned() else {
            return;
        };
        self.release_member(group, &Rc::from(member_id));
        if let Some(g) = self.groups.get_mut(group) {
            g.members.remove(member_id);
        }
        self.events.push(EventKind::ShareMemberLeft {
            group: group.to_string(),
            consumer: m.client_id,
            member_id: member_id.to_string(),
            reason,
        });
        self.maybe_reassign(group, counts, true);
    }

    /// Runs the `simple` assignor when membership, a subscription or the subscribed topics'
    /// partition counts changed; bumps the group epoch and tells the new assignment.
    fn maybe_reassign(&mut self, group: &str, counts: &BTreeMap<String, u32>, changed: bool) {
        let Some(g) = self.groups.get_mut(group) else { return };
        let subscribed: BTreeSet<&String> =
            g.members.values().flat_map(|m| m.subscribed_topics.iter()).collect_set();
        let now_counts: BTreeMap<String, u32> =
            subscribed.iter().filter_map(|t| counts.get(*t).map(|n| ((*t).clone(), *n))).collect_map();
        if !changed && now_counts == g.topic_counts {
            return;
        }
        g.topic_counts = now_counts.clone();
        let specs: BTreeMap<String, MemberSpec> = g
            .members
            .values()
            .map(|m| {
                let spec = MemberSpec {
                    subscribed_topics: m
                        .subscribed_topics
                        .iter()
                        .filter(|t| now_counts.contains_key(*t))
                        .cloned()
                        .collect_set(),
                    current: m.assignment.iter().map(|tp| (tp.topic.to_string(), tp.partition)).collect_set(),
                };
                (m.member_id.clone(), spec)
            })
            .collect_map();
        let assigned = assignor::assign(&specs, &now_counts).unwrap_or_default();
        g.group_epoch += 1;
        g.assignment_epoch = g.group_epoch;
        let epoch = g.group_epoch;
        let mut told = Vec::with_capacity(g.members.len());
        for m in g.members.values_mut() {
            m.assignment = assigned
                .get(&m.member_id)
                .map(|set| set.iter().map(|(t, p)| TopicPartition::new(t.as_str(), *p)).collect())
                .unwrap_or_default();
            told.push((m.client_id.clone(), m.assignment.iter().cloned().collect::<Vec<_>>()));
        }
        if g.members.is_empty() {
            return;
        }
        self.events.push(EventKind::ShareAssignmentComputed {
            group: group.to_string(),
            epoch,
            assignment: told,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::log::Retention;
    use crate::core::protocol::share_fetch::ShareFetchPartition;
    use crate::core::topic::Topic;

    fn broker() -> Broker {
        let mut b = Broker::new(BrokerId::FIRST);
        b.topics.insert("orders".into(), Topic::new("orders", 1, Retention::default()));
        b
    }

    fn join(b: &mut Broker, member: &str) -> ShareGroupHeartbeatResponse {
        b.share_group_heartbeat(
            0,
            None,
            &ShareGroupHeartbeatRequest {
                group_id: "workers".into(),
                member_id: member.into(),
                member_epoch: 0,
                rack_id: None,
                subscribed_topic_names: Some(vec!["orders".into()]),
                client_id: client_of_member_id(member),
            },
        )
    }

    #[test]
    fn more_members_than_partitions_all_get_the_one_partition() {
        let mut b = broker();
        join(&mut b, "c1-00000001");
        let r = join(&mut b, "c2-00000002");
        assert_eq!(r.assignment, Some(vec![TopicPartition::new("orders", 0)]));
        let g = &b.share.groups["workers"];
        assert!(g.members.values().all(|m| m.assignment.len() == 1));
        assert_eq!(g.group_epoch, 2);
    }

    #[test]
    fn a_share_fetch_from_a_stranger_is_refused_and_acquires_nothing() {
        let mut b = broker();
        let r = b.share_fetch(
            0,
            None,
            &ShareFetchRequest {
                group_id: "workers".into(),
                member_id: "x-1".into(),
                share_session_epoch: 0,
                max_wait_ms: 0,
                min_bytes: 0,
                max_records: 10,
                partitions: vec![ShareFetchPartition {
                    partition: TopicPartition::new("orders", 0),
                    acknowledgement_batches: vec![],
                }],
            },
        );
        assert_eq!(r.error_code, Some(ErrorCode::UnknownMemberId));
        assert!(b.share.partitions.is_empty());
    }

    #[test]
    fn a_consumer_group_id_is_not_a_share_group() {
        let mut b = broker();
        b.groups.insert("app".into(), crate::core::group::Group::new("app"));
        let mut r = ShareGroupHeartbeatRequest {
            group_id: "app".into(),
            member_id: "c1-1".into(),
            member_epoch: 0,
            rack_id: None,
            subscribed_topic_names: Some(vec!["orders".into()]),
            client_id: "c1".into(),
        };
        let answer = b.share_group_heartbeat(0, None, &r);
        assert_eq!(answer.error_code, Some(ErrorCode::GroupIdNotFound));
        assert_eq!(answer.error_message.as_deref(), Some("Group app is not a share group."));
        r.group_id = "workers".into();
        assert_eq!(b.share_group_heartbeat(0, None, &r).error_code, None);
    }
}
