//! Replication: where a partition's replicas live, how its leader keeps them in sync, and how
//! the controller picks a new leader — each rule ported from the Kafka source it names, as pure
//! functions and state machines with no clock and no network.
//!
//! The broker and controller *nodes* that host these pieces (issue #13's nodes and network)
//! come next: a Broker node keeps a [`PartitionState`] per partition it leads, a
//! [`LeaderEpochCache`] per replica log and a [`ProducerStateTable`] per partition; the
//! controller keeps a [`PartitionRegistration`] per partition and runs [`election`]'s handlers
//! when a broker is fenced, unfenced or shuts down. Until then nothing in the cluster calls
//! this module; `tests/replication.rs` drives it as a small cluster of its own.
//!
//! # Layout
//! - [`config`] — the knobs under Kafka's names and defaults, their validation and Kafka's
//!   messages for bad values.
//! - [`placement`] — rack-aware replica placement (KRaft's `StripedReplicaPlacer`).
//! - [`partition_state`] — one partition as its leader keeps it (`Partition.scala`): ISR,
//!   high watermark, `acks` and `min.insync.replicas`.
//! - [`leader_epoch`] — the leader-epoch cache (`LeaderEpochFileCache`) and follower truncation
//!   on a leader change (KIP-101, KIP-279).
//! - [`election`] — the controller's leader election (`PartitionChangeBuilder`,
//!   `ReplicationControlManager`).
//! - [`producer_state`] — idempotent-producer duplicate detection (`ProducerStateManager`).
//! - [`coordinator`] — which broker coordinates a group (`__consumer_offsets` partition
//!   leader), so the coordinator can fail over.
//!
//! # How a host uses it (the wiring that comes with #13's nodes)
//! - **Create a topic** (controller): [`placement::place`] over the registered brokers, then a
//!   [`PartitionRegistration::new`] per partition; its leader makes a [`PartitionState`]
//!   ([`PartitionState::make_leader`]).
//! - **Produce** (leader): [`ProducerStateTable::check`] (a duplicate is answered with its first
//!   offset), [`PartitionState::append_records_to_leader`] (NOT_ENOUGH_REPLICAS before writing),
//!   write the records, [`ProducerStateTable::record_append`]; answer per
//!   [`partition_state::AckAfterAppend`], `acks=all` through
//!   [`PartitionState::check_enough_replicas_reach_offset`] after every high watermark move.
//! - **Follower fetch**: the follower first runs [`leader_epoch::truncate_follower`] against the
//!   leader's cache (the records in `lost` are gone); the leader runs
//!   [`PartitionState::update_follower_fetch_state`] at the follower's log end, returns records
//!   from there and its high watermark; the follower assigns the batches' epochs to its cache
//!   and records their producer state, and takes
//!   [`partition_state::follower_high_watermark`].
//! - **Time**: the leader calls [`PartitionState::maybe_shrink_isr`] at
//!   [`PartitionState::next_shrink_check`]; every ISR change goes to the controller
//!   ([`election::alter_partition`]) and back ([`PartitionState::update_from_controller`]).
//! - **Brokers**: a missed `broker.session.timeout.ms` or a controlled shutdown is
//!   [`election::remove_broker`], a return [`election::broker_unfenced`], a command
//!   [`election::elect_leader`], every `leader.imbalance.check.interval.seconds`
//!   [`election::rebalance`]; a new leader makes its [`PartitionState`], the old one drops it.
//!
//! `tests/replication.rs` is this recipe for one partition, and its invariants are the ones the
//! cluster's random driver should check once it is wired.
//!
//! # What is simplified (say so where it shows)
//! - An ISR change the leader decides (`AlterPartition`) is committed at once; Kafka waits for
//!   the controller, keeping a "maximal ISR" meanwhile. The host may delay the change by a
//!   network hop, but the leader here never has a pending one.
//! - One controller: no KRaft quorum, no metadata log; partition and leader epochs are kept as
//!   Kafka keeps them.
//! - ELR (KIP-966) is not modelled: see [`election`].
//! - No transactions: producer ids and sequences for idempotence only.

pub mod config;
pub mod coordinator;
pub mod election;
pub mod leader_epoch;
pub mod partition_state;
pub mod placement;
pub mod producer_state;

pub use election::PartitionRegistration;
pub use leader_epoch::LeaderEpochCache;
pub use partition_state::PartitionState;
pub use producer_state::ProducerStateTable;

use serde::{Deserialize, Serialize};
use std::fmt;

pub use crate::core::ids::BrokerId;

/// `LeaderConstants.NO_LEADER`: a partition without a leader (`Leader: none`).
pub const NO_LEADER: BrokerId = BrokerId(-1);

/// The Kafka errors replication produces are the core's [`ErrorCode`](crate::core::ErrorCode)
/// (one enum for every Kafka error the playground shows); this name stays for the pieces'
/// signatures.
pub use crate::core::error::ErrorCode as ReplicationErrorCode;

/// A refused request or setting: Kafka's error and its message. Nothing changed when one is
/// returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplicationError {
    pub code: ReplicationErrorCode,
    pub message: String,
}

impl ReplicationError {
    pub fn new(code: ReplicationErrorCode, message: impl Into<String>) -> Self {
        ReplicationError { code, message: message.into() }
    }
}

impl fmt::Display for ReplicationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            write!(f, "{}", self.code)
        } else {
            write!(f, "{}: {}", self.code, super::error::one_line(&self.message))
        }
    }
}

impl std::error::Error for ReplicationError {}

/// Broker ids as Kafka prints a list of them: `1,2,3` (`kafka-topics --describe`).
pub fn broker_list(ids: &[BrokerId]) -> String {
    ids.iter().map(|id| id.to_string()).collect::<Vec<_>>().join(",")
}
