//! Share groups (KIP-932, production-ready in Kafka 4.2): consumers of a share group read the
//! same partitions together; each record is handed to one member under a time-limited lock and
//! acknowledged on its own.
//!
//! - [`share_partition`] — [`SharePartition`]: the per-record state the partition leader keeps
//!   (SPSO, SPEO, in-flight window, AVAILABLE / ACQUIRED / ACKNOWLEDGED / ARCHIVED, delivery counts,
//!   acquisition locks), sans-IO with typed events.
//! - [`assignor`] — the coordinator's server-side `simple` assignor.
//! - [`group`] — [`ShareGroup`]: a share group as its coordinator keeps it (members, epochs,
//!   target assignment) and its own configs ([`ShareGroupSettings`]).
//! - [`config`] — `group.share.*`, `share.auto.offset.reset`, `share.acknowledgement.mode`, with
//!   Kafka's defaults, bounds and error messages.
//!
//! These are pure building blocks: a broker node hosts the share-partitions and the share group
//! coordinator, a share consumer client drives them (issue #13's nodes; not wired yet).
//!
//! # Invariants (checked by `tests/share_partition.rs`, a proptest state machine)
//! - A record is ACQUIRED by at most one member at a time, and only while its lock runs.
//! - A record's delivery count never exceeds `group.share.delivery.count.limit`; a record that
//!   comes back on its last delivery is archived, not made available.
//! - An ACKNOWLEDGED or ARCHIVED record is never delivered again.
//! - The SPSO never moves back, except by an explicit offsets reset.
//! - Every record below the SPSO was acknowledged or archived, or is behind the log start offset
//!   (retention removed it): none is silently skipped.
//! - The in-flight state never exceeds `group.share.partition.max.record.locks` records.
//! - An acknowledgement is all or nothing: a refused request changes no record.
//! - No input panics; time is always an argument; the same calls give the same events.

pub mod assignor;
pub mod config;
pub mod group;
pub mod share_partition;

pub use config::{ShareAcknowledgementMode, ShareAutoOffsetReset, ShareGroupConfig};
pub use group::{ShareGroup, ShareGroupSettings, ShareGroupState, ShareMember};
pub use share_partition::{AcknowledgeType, AcknowledgementBatch, SharePartition, SharePartitionEvent};
