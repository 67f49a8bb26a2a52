//! The cluster's side of committed offsets: a consumer's OffsetCommit sent and answered, and
//! the group views built from the coordinator's state (`kafka-consumer-groups --describe`'s
//! rows, members, lag). The rows' types and the commit's validation are `group/offsets.rs`'s.

use crate::core::cluster::Cluster;
use crate::core::consumer::Consumer;
use crate::core::error::ErrorCode;
use crate::core::event::EventKind;
use crate::core::group::assignor::TopicPartition;
use crate::core::group::{is_group_error, DescribeRow, GroupProtocol, GroupState, MemberView};
use crate::core::ids::NodeId;
use crate::core::protocol::offset_commit::OffsetCommitRequest;
use crate::core::protocol::Response;
use crate::core::sort::CollectTree;
use crate::core::time::Millis;
use std::collections::BTreeSet;

impl Cluster {
    /// OffsetCommit from a consumer, validated as `GroupCoordinator.handleCommitOffsets`:
    /// a group-less commit (generation -1) is accepted only while the group is Empty;
    /// mid-sync commits get REBALANCE_IN_PROGRESS; stale generations ILLEGAL_GENERATION;
    /// removed members UNKNOWN_MEMBER_ID.
    pub(crate) fn commit(
        &mut self,
        name: &str,
        offsets: Vec<(TopicPartition, u64)>,
        auto: bool,
        now: Millis,
    ) {
        let Some(c) = self.consumers.get(name) else {
            return;
        };
        let Some(group_id) = c.group_id().map(str::to_string) else {
            return;
        };
        if offsets.is_empty() {
            return;
        }
        let user = c.spec.user.clone();
        let (member_id, generation) = match &c.membership {
            Some(m) => (m.member_id.clone(), m.generation),
            None => (None, -1),
        };
        if c.spec.is_group() && member_id.is_none() {
            // subscribe() but not in the group (kicked, or not joined yet): the Java client
            // refuses the commit itself (CommitFailedException) — as the coordinator would
            // (UNKNOWN_MEMBER_ID).
            let error = ErrorCode::UnknownMemberId;
            self.events_push(
                now,
                EventKind::CommitFailed { consumer: name.to_string(), group: group_id, error },
            );
            return;
        }
        let request = OffsetCommitRequest {
            group_id: group_id.as_str().into(),
            generation_id_or_member_epoch: generation,
            member_id: member_id.as_deref().map(Into::into),
            group_instance_id: c.spec.config.group_instance_id.clone(),
            offsets,
        };
        let offsets = request.offsets.clone();
        let Some(Response::OffsetCommit(answer)) =
            self.call(now, NodeId::consumer(name), user.as_deref(), request.into())
        else {
            return;
        };
        match answer.error() {
            None => {
                // The commit went through: an earlier membership or commit refusal is over.
                self.clear_group_error(name);
                if answer.changed {
                    self.events_push(
                        now,
                        EventKind::Committed { consumer: name.to_string(), group: group_id, offsets, auto },
                    );
                }
            }
            Some(error) => {
                self.events_push(
                    now,
                    EventKind::CommitFailed { consumer: name.to_string(), group: group_id.clone(), error },
                );
                // (ClassicGroup.validateOffsetCommit: a commit from outside the group,
                // generation -1, is accepted only while the group is Empty; the UI says so in
                // its own words, so the detail only names the group.)
                let detail = format!("commit to group {group_id}");
                if let Some(mut c) = self.consumers.remove(name) {
                    c.error = Some((error, detail));
                    self.consumers.insert(name.to_string(), c);
                }
            }
        }
    }

    /// The `--describe` table for a group: one row per partition it has an owner or a
    /// committed offset for, sorted by topic and partition.
    pub fn describe_group(&self, group_id: &str) -> Vec<DescribeRow> {
        let Some(g) = self.broker.groups.get(group_id) else {
            return Vec::new();
        };
        // The coordinator's view: a member that crashed (no LeaveGroup) still owns its
        // partitions until session.timeout.ms removes it; nobody reads them meanwhile. If its
        // consumer was restarted, the old member keeps them, next to the new one.
        let mut owners: std::collections::BTreeMap<TopicPartition, (String, bool)> = Default::default();
        for m in self.group_members(group_id) {
            for tp in m.owns {
                owners.insert(tp, (m.consumer.clone(), m.old_member));
            }
        }
        let mut keys: BTreeSet<TopicPartition> = owners.keys().cloned().collect_set();
        keys.extend(g.offsets.keys().cloned());
        let subscribed: BTreeSet<&str> =
            g.members.values().flat_map(|m| m.topics.iter().map(String::as_str)).collect_set();
        keys.into_iter()
            .filter_map(|tp| {
                let log_end = self.broker.topics.get(&*tp.topic)?.partition(tp.partition)?.log_end();
                let current = g.offsets.get(&tp).copied();
                Some(DescribeRow {
                    unsubscribed: !g.members.is_empty() && !subscribed.contains(&*tp.topic),
                    topic: tp.topic.to_string(),
                    partition: tp.partition,
                    current_offset: current,
                    log_end_offset: log_end,
                    lag: current.map(|c| log_end.saturating_sub(c)),
                    consumer: owners.get(&tp).map(|(c, _)| c.clone()),
                    old_member: owners.get(&tp).is_some_and(|(_, old)| *old),
                })
            })
            .collect()
    }

    /// The members of a group as its coordinator sees them, in member.id order. A live
    /// consumer that is the member owns what it has been given; a crashed one what it had;
    /// an old member of a restarted consumer what the coordinator last gave it.
    pub fn group_members(&self, group_id: &str) -> Vec<MemberView> {
        let Some(g) = self.broker.groups.get(group_id) else {
            return Vec::new();
        };
        let kip848 = g.protocol == Some(GroupProtocol::Consumer);
        g.members
            .values()
            .map(|m| {
                let client = self.consumers.get(&m.consumer);
                let is_this_member = client.is_some_and(|c| {
                    current_member_id(c) == Some(m.member_id.as_str())
                        || joining_static(c).is_some_and(|i| m.instance_id.as_deref() == Some(i))
                });
                let alive = client.is_some_and(|c| c.is_alive());
                let crashed = !(alive && is_this_member);
                let old_member = crashed && !is_this_member;
                let owns = match client {
                    Some(c) if is_this_member => {
                        if c.group_id() == Some(group_id) && c.spec.is_group() {
                            c.assignment.clone()
                        } else {
                            Vec::new()
                        }
                    }
                    _ if kip848 => m.owned.clone(),
                    _ => m.assignment.clone(),
                };
                let session =
                    if kip848 { self.config.consumer_session_timeout_ms } else { m.session_timeout_ms };
                let removed_at = crashed.then(|| {
                    if g.member_in_flight(m) {
                        g.rebalance_deadline.unwrap_or(m.last_heartbeat + session)
                    } else {
                        m.last_heartbeat + session
                    }
                });
                let holds_up = crashed
                    && if kip848 {
                        !owns.is_empty() && g.state != GroupState::Stable
                    } else {
                        g.state == GroupState::PreparingRebalance && !m.joined
                    };
                let lost_by = client
                    .filter(|c| old_member && c.is_alive())
                    .and_then(|c| c.error.as_ref().map(|(e, _)| *e))
                    .filter(|e| is_group_error(*e));
                MemberView {
                    lost_by,
                    member_id: m.member_id.clone(),
                    consumer: m.consumer.clone(),
                    crashed,
                    old_member,
                    owns,
                    removed_at,
                    holds_up,
                }
            })
            .collect()
    }

    /// The old member a restarted consumer left behind in its group (see
    /// [`MemberView::old_member`]), if the coordinator still keeps it.
    pub fn old_member_of(&self, consumer: &str) -> Option<MemberView> {
        let c = self.consumers.get(consumer)?;
        let group = c.group_id()?;
        // Cheap first (the page asks for every consumer every frame): an old member is one of
        // this consumer's name that is not its current member.id.
        let current = current_member_id(c);
        let g = self.broker.groups.get(group)?;
        if !g.members.values().any(|m| m.consumer == consumer && current != Some(m.member_id.as_str())) {
            return None;
        }
        self.group_members(group).into_iter().find(|m| m.old_member && m.consumer == consumer)
    }

    /// Clears a consumer's error that came from its group membership or its commits (the
    /// coordinator has just accepted it again).
    pub(crate) fn clear_group_error(&mut self, name: &str) {
        if let Some(c) = self.consumers.get_mut(name) {
            if c.error.as_ref().is_some_and(|(e, _)| is_group_error(*e)) {
                c.error = None;
            }
        }
    }

    /// Whether `consumer` crashed (no LeaveGroup) and its group still lists it as a member:
    /// until session.timeout.ms removes it, the group counts its partitions as its own, and
    /// nobody reads them.
    pub fn crashed_but_still_member(&self, consumer: &str) -> bool {
        let Some(c) = self.consumers.get(consumer) else {
            return false;
        };
        if c.is_alive() || !c.spec.is_group() {
            return false;
        }
        let Some(member_id) = current_member_id(c) else {
            return false;
        };
        c.group_id()
            .and_then(|g| self.broker.groups.get(g))
            .is_some_and(|g| g.members.get(member_id).is_some_and(|m| m.consumer == consumer))
    }

    /// The coordinator removed a member: if its client is gone (crashed, closed), it owns
    /// nothing any more, in the group's eyes or its own.
    pub(crate) fn release_departed(&mut self, consumer: &str) {
        if let Some(c) = self.consumers.get_mut(consumer) {
            if !c.is_alive() {
                c.assignment.clear();
                c.positions.clear();
            }
        }
    }

    /// Total LAG of a group, summed as `--describe` shows it: partitions without a committed
    /// offset have no lag (`-`) and add nothing.
    pub fn group_lag(&self, group_id: &str) -> u64 {
        self.describe_group(group_id).iter().map(|r| r.lag.unwrap_or(0)).sum()
    }
}

/// The member.id the consumer's process holds now (its current membership), if any.
fn current_member_id(c: &Consumer) -> Option<&str> {
    c.membership.as_ref().and_then(|m| m.member_id.as_deref())
}

/// A static member waiting for its first JoinGroup answer does not know its member id yet
/// (the coordinator gives it with the answer): its `group.instance.id` names it meanwhile.
fn joining_static(c: &Consumer) -> Option<&str> {
    let m = c.membership.as_ref()?;
    if m.member_id.is_none() && m.phase == crate::core::consumer::MemberPhase::Joining {
        c.spec.config.group_instance_id.as_deref()
    } else {
        None
    }
}
