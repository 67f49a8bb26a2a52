//! Committed offsets: OffsetCommit validation as the coordinator does it, and the rows of
//! `kafka-consumer-groups --describe`.

use super::assignor::TopicPartition;
use super::{Group, GroupState};
use crate::core::cluster::Cluster;
use crate::core::config::GroupProtocol;
use crate::core::error::ErrorCode;
use crate::core::event::EventKind;
use crate::core::time::Millis;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// One row of `kafka-consumer-groups --describe --group G`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DescribeRow {
    pub topic: String,
    pub partition: u32,
    /// CURRENT-OFFSET: the committed offset (`-` when none).
    pub current_offset: Option<u64>,
    /// LOG-END-OFFSET.
    pub log_end_offset: u64,
    /// LAG = LOG-END-OFFSET − CURRENT-OFFSET (`-` without a committed offset).
    pub lag: Option<u64>,
    /// CONSUMER-ID: the owning member's consumer name (`-` when none).
    pub consumer: Option<String>,
}

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
        let topics: BTreeSet<&str> = offsets.iter().map(|(tp, _)| &*tp.topic).collect();
        let auth = self
            .authorize_group(user.as_deref(), &group_id)
            .and_then(|_| topics.iter().try_for_each(|t| self.authorize_commit_topic(user.as_deref(), t)));
        let g = self.groups.entry(group_id.clone()).or_insert_with(|| Group::new(&group_id));
        let verdict = auth.and_then(|_| validate_commit(g, member_id.as_deref(), generation));
        match verdict {
            Ok(()) => {
                let changed = offsets.iter().any(|(tp, o)| g.offsets.get(tp) != Some(o));
                for (tp, o) in &offsets {
                    g.offsets.insert(tp.clone(), *o);
                }
                // The commit went through: an earlier membership or commit refusal is over.
                self.clear_group_error(name);
                if changed {
                    self.events_push(
                        now,
                        EventKind::Committed { consumer: name.to_string(), group: group_id, offsets, auto },
                    );
                }
            }
            Err(error) => {
                self.events_push(
                    now,
                    EventKind::CommitFailed { consumer: name.to_string(), group: group_id.clone(), error },
                );
                let detail = if member_id.is_none() && error == ErrorCode::UnknownMemberId {
                    // ClassicGroup.validateOffsetCommit: generation -1 is accepted only while
                    // the group is Empty.
                    format!(
                        "commit to group {group_id} from outside it (assign(), generation -1): accepted only while the group has no members"
                    )
                } else {
                    format!("commit to group {group_id}")
                };
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
        let Some(g) = self.groups.get(group_id) else {
            return Vec::new();
        };
        // The coordinator's view: a member that crashed (no LeaveGroup) still owns its
        // partitions until session.timeout.ms removes it; nobody reads them meanwhile.
        let mut owners: std::collections::BTreeMap<TopicPartition, String> = Default::default();
        for m in g.members.values() {
            if let Some(c) = self.consumers.get(&m.consumer) {
                if c.group_id() == Some(group_id) && c.spec.is_group() {
                    for tp in &c.assignment {
                        owners.insert(tp.clone(), m.consumer.clone());
                    }
                }
            }
        }
        let mut keys: BTreeSet<TopicPartition> = owners.keys().cloned().collect();
        keys.extend(g.offsets.keys().cloned());
        keys.into_iter()
            .filter_map(|tp| {
                let log_end = self.topics.get(&*tp.topic)?.partition(tp.partition)?.log_end();
                let current = g.offsets.get(&tp).copied();
                Some(DescribeRow {
                    topic: tp.topic.to_string(),
                    partition: tp.partition,
                    current_offset: current,
                    log_end_offset: log_end,
                    lag: current.map(|c| log_end.saturating_sub(c)),
                    consumer: owners.get(&tp).cloned(),
                })
            })
            .collect()
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
        let Some(member_id) = c.membership.as_ref().and_then(|m| m.member_id.as_deref()) else {
            return false;
        };
        c.group_id()
            .and_then(|g| self.groups.get(g))
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

/// Errors about membership and commits, which a later accepted request shows are over.
fn is_group_error(e: ErrorCode) -> bool {
    matches!(
        e,
        ErrorCode::UnknownMemberId
            | ErrorCode::IllegalGeneration
            | ErrorCode::RebalanceInProgress
            | ErrorCode::FencedMemberEpoch
            | ErrorCode::FencedInstanceId
            | ErrorCode::GroupAuthorizationFailed
    )
}

fn validate_commit(g: &Group, member_id: Option<&str>, generation: i32) -> Result<(), ErrorCode> {
    if member_id.is_none() && generation < 0 {
        // Standalone (assign()) commits: fine while nobody uses the group for membership.
        return if g.members.is_empty() { Ok(()) } else { Err(ErrorCode::UnknownMemberId) };
    }
    let Some(member_id) = member_id else {
        return Err(ErrorCode::UnknownMemberId);
    };
    let Some(member) = g.members.get(member_id) else {
        return Err(ErrorCode::UnknownMemberId);
    };
    match g.protocol {
        Some(GroupProtocol::Consumer) => {
            if generation > member.epoch.max(g.target_epoch) {
                Err(ErrorCode::FencedMemberEpoch)
            } else {
                Ok(())
            }
        }
        _ => {
            if g.state == GroupState::CompletingRebalance {
                Err(ErrorCode::RebalanceInProgress)
            } else if generation != g.generation {
                Err(ErrorCode::IllegalGeneration)
            } else {
                Ok(())
            }
        }
    }
}
