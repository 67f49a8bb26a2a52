//! Consumer groups as their coordinator keeps them (classic and KIP-848), the assignors and
//! committed offsets' validation. The members' side of the protocols is the cluster's
//! (`cluster/classic.rs`, `cluster/consumer_protocol.rs`), the coordinator's the broker's
//! (`broker/classic.rs`, `broker/consumer_group.rs`).
//!
//! Invariants (checked by the fuzzer in `tests/`):
//! - within one generation (classic) or after reconciliation (KIP-848), no partition is
//!   owned by two members of a group;
//! - the generation / group epoch only grows;
//! - group states move only along Kafka's transitions.

pub mod assignor;
mod offsets;

pub(crate) use offsets::{is_group_error, validate_commit};
pub use offsets::{DescribeRow, MemberView};

use crate::core::time::Millis;
use crate::core::timer::Timer;
use assignor::{Strategy, TopicPartition};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `group.protocol`: which rebalance protocol a consumer speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum GroupProtocol {
    /// JoinGroup / SyncGroup, eager or cooperative (the default in Kafka 3.x and 4.x clients).
    #[default]
    Classic,
    /// KIP-848: heartbeats only, server-side assignment, per-member reconciliation.
    Consumer,
}

impl GroupProtocol {
    /// For serde's `skip_serializing_if`: classic is the default and is left out.
    pub fn is_classic(&self) -> bool {
        *self == GroupProtocol::Classic
    }
}

/// Group states. Classic: Empty, PreparingRebalance, CompletingRebalance, Stable, Dead.
/// KIP-848 consumer groups: Empty, Assigning, Reconciling, Stable, Dead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GroupState {
    Empty,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
    Dead,
    Assigning,
    Reconciling,
}

impl GroupState {
    pub fn name(self) -> &'static str {
        match self {
            GroupState::Empty => "Empty",
            GroupState::PreparingRebalance => "PreparingRebalance",
            GroupState::CompletingRebalance => "CompletingRebalance",
            GroupState::Stable => "Stable",
            GroupState::Dead => "Dead",
            GroupState::Assigning => "Assigning",
            GroupState::Reconciling => "Reconciling",
        }
    }

    /// Kafka's legal transitions (`ClassicGroupState` / `ConsumerGroupState`).
    pub fn can_move_to(self, to: GroupState) -> bool {
        use GroupState::*;
        match to {
            PreparingRebalance => matches!(self, Stable | CompletingRebalance | Empty),
            CompletingRebalance => self == PreparingRebalance,
            Stable => matches!(self, CompletingRebalance | Reconciling | Assigning | Empty),
            Empty => matches!(self, PreparingRebalance | Reconciling | Stable | Assigning),
            Dead => true,
            Assigning => matches!(self, Empty | Stable | Reconciling),
            Reconciling => matches!(self, Empty | Stable | Assigning | Reconciling),
        }
    }
}

/// One member, as the coordinator sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupMember {
    pub member_id: String,
    /// The playground consumer behind it.
    pub consumer: String,
    pub instance_id: Option<String>,
    pub topics: Vec<String>,
    pub strategies: Vec<Strategy>,
    /// Classic: owned partitions sent with JoinGroup (cooperative) or the previous
    /// assignment (sticky user data). KIP-848: what the member acknowledged owning.
    pub owned: Vec<TopicPartition>,
    pub owned_generation: i32,
    /// Classic: rejoined in the current round.
    pub joined: bool,
    pub join_seq: u64,
    pub last_heartbeat: Millis,
    pub session_timeout_ms: u64,
    pub rebalance_timeout_ms: u64,
    /// Classic: the share SyncGroup gave it. KIP-848: unused.
    pub assignment: Vec<TopicPartition>,
    /// KIP-848: the member epoch.
    pub epoch: i32,
}

/// A consumer group, with its committed offsets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub id: String,
    /// Which protocol its members speak (`None` while it only stores offsets).
    pub protocol: Option<GroupProtocol>,
    pub state: GroupState,
    /// Classic generation id, or KIP-848 group epoch.
    pub generation: i32,
    /// The chosen assignor (classic: by vote; KIP-848: the server assignor).
    pub strategy: Option<Strategy>,
    pub leader: Option<String>,
    pub members: BTreeMap<String, GroupMember>,
    pub offsets: BTreeMap<TopicPartition, u64>,
    pub rebalance_started_at: Option<Millis>,
    pub rebalance_deadline: Option<Millis>,
    pub initial_delay_until: Option<Millis>,
    pub sync_at: Option<Millis>,
    /// Classic: the assignment the leader sent with its SyncGroup, until the round completes.
    #[serde(default)]
    pub pending_assignment: Option<BTreeMap<String, Vec<TopicPartition>>>,
    /// Owners (consumer names) when the current rebalance started, for the moves list.
    pub owners_before: BTreeMap<TopicPartition, String>,
    /// KIP-848: the target assignment and its epoch.
    pub target: BTreeMap<String, Vec<TopicPartition>>,
    pub target_epoch: i32,
    pub join_counter: u64,
}

impl Group {
    pub fn new(id: &str) -> Self {
        Group {
            id: id.to_string(),
            protocol: None,
            state: GroupState::Empty,
            generation: 0,
            strategy: None,
            leader: None,
            members: BTreeMap::new(),
            offsets: BTreeMap::new(),
            rebalance_started_at: None,
            rebalance_deadline: None,
            initial_delay_until: None,
            sync_at: None,
            pending_assignment: None,
            owners_before: BTreeMap::new(),
            target: BTreeMap::new(),
            target_epoch: 0,
            join_counter: 0,
        }
    }

    /// The leader's consumer name (classic).
    pub fn leader_consumer(&self) -> Option<&str> {
        self.leader.as_ref().and_then(|l| self.members.get(l)).map(|m| m.consumer.as_str())
    }

    pub fn member_by_consumer(&self, consumer: &str) -> Option<&GroupMember> {
        self.members.values().find(|m| m.consumer == consumer)
    }

    /// Earliest time the coordinator needs to act.
    pub fn next_wakeup(&self, kip848_session_ms: u64) -> Option<Millis> {
        self.next_timer(kip848_session_ms).map(|(t, _)| t)
    }

    /// The coordinator's next timer for this group, and why: the JoinGroup→SyncGroup hop, the
    /// rebalance timeout, the initial rebalance delay, or a member's session expiry.
    pub fn next_timer(&self, kip848_session_ms: u64) -> Option<(Millis, Timer)> {
        let mut next: Option<(Millis, Timer)> = None;
        let mut consider = |x: Option<Millis>, why: Timer| {
            if let Some(x) = x {
                if next.is_none_or(|(t, _)| x < t) {
                    next = Some((x, why));
                }
            }
        };
        consider(self.sync_at, Timer::SyncGroupHop);
        if self.state == GroupState::PreparingRebalance {
            consider(self.rebalance_deadline, Timer::RebalanceTimeout);
            consider(self.initial_delay_until, Timer::InitialRebalanceDelay);
        }
        if self.state == GroupState::CompletingRebalance {
            // The leader's SyncGroup never came (`expirePendingSync`).
            consider(self.rebalance_deadline, Timer::RebalanceTimeout);
        }
        for m in self.members.values() {
            if self.member_in_flight(m) {
                continue;
            }
            let session = match self.protocol {
                Some(GroupProtocol::Consumer) => kip848_session_ms,
                _ => m.session_timeout_ms,
            };
            consider(Some(m.last_heartbeat + session + 1), Timer::SessionExpiry);
        }
        next
    }

    /// Classic: a member waiting in JoinGroup / SyncGroup has its session held open.
    pub(crate) fn member_in_flight(&self, m: &GroupMember) -> bool {
        self.protocol == Some(GroupProtocol::Classic)
            && ((self.state == GroupState::PreparingRebalance && m.joined)
                || self.state == GroupState::CompletingRebalance)
    }
}
