//! What happened, told as events: the UI animates them and the timeline narrates them.
//!
//! Every event carries the simulated time it happened at. Events are data (serde) so the CLI
//! can print them as JSON lines and tests can compare timelines; [`Event::narrate`] tells one
//! in plain words.

use super::config::GroupProtocol;
use super::error::ErrorCode;
use super::group::assignor::TopicPartition;
use super::time::{format_clock, Millis};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub at: Millis,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// Why a group rebalances.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum RebalanceReason {
    MemberJoined {
        member: String,
    },
    MemberLeft {
        member: String,
    },
    SessionTimeout {
        member: String,
    },
    MaxPollIntervalExceeded {
        member: String,
    },
    SubscriptionChanged {
        member: String,
    },
    PartitionsAdded {
        topic: String,
    },
    /// Cooperative protocol: a member revoked partitions and rejoins to hand them over.
    CooperativeFollowUp {
        member: String,
    },
    MemberRejoined {
        member: String,
    },
    /// The member rejoined with another `partition.assignment.strategy`.
    StrategyChanged {
        member: String,
    },
}

/// How the members of a classic group rebalance (Kafka's `RebalanceProtocol`): decided by
/// the core from the members' assignors, not guessed by whoever shows it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RebalanceProtocol {
    /// At least one member revokes everything before it rejoins (its assignors are not all
    /// cooperative, e.g. the default `range, cooperative-sticky`): it consumes nothing until
    /// the new assignment arrives.
    #[default]
    Eager,
    /// Every member's assignors are cooperative: members keep what they own while rejoining.
    Cooperative,
}

impl RebalanceProtocol {
    pub fn is_eager(&self) -> bool {
        *self == RebalanceProtocol::Eager
    }
}

/// Why a member left its group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaveReason {
    /// `close()` or "Leave group": a LeaveGroup request.
    Left,
    /// No heartbeat within `session.timeout.ms`.
    SessionTimeout,
    /// No `poll()` within `max.poll.interval.ms`: the client leaves proactively.
    MaxPollIntervalExceeded,
    /// Did not rejoin within the rebalance timeout.
    RebalanceTimeout,
    /// Another instance with the same `group.instance.id` took its place.
    Fenced,
}

/// A partition changing hands in a rebalance (`from`/`to` are consumer names).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Move {
    pub partition: TopicPartition,
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    // ---- topics ----
    TopicCreated {
        topic: String,
        partitions: u32,
    },
    TopicDeleted {
        topic: String,
    },
    PartitionsAdded {
        topic: String,
        from: u32,
        to: u32,
    },
    RetentionDeleted {
        topic: String,
        partition: u32,
        removed: u64,
        log_start: u64,
    },

    // ---- producers ----
    ProducerAdded {
        producer: String,
        topic: String,
    },
    ProducerRemoved {
        producer: String,
    },
    ProducerPaused {
        producer: String,
    },
    ProducerResumed {
        producer: String,
    },
    ProducerChanged {
        producer: String,
    },
    /// `count` records went to one partition, at offsets `base_offset..base_offset+count`.
    /// `key` is the first record's key (`None` for a null key).
    Produced {
        producer: String,
        topic: String,
        partition: u32,
        base_offset: u64,
        count: u64,
        key: Option<String>,
    },
    ProduceFailed {
        producer: String,
        topic: String,
        error: ErrorCode,
    },

    // ---- consumers ----
    ConsumerAdded {
        consumer: String,
    },
    ConsumerRemoved {
        consumer: String,
    },
    ConsumerChanged {
        consumer: String,
    },
    ConsumerPaused {
        consumer: String,
    },
    ConsumerResumed {
        consumer: String,
    },
    /// Stopped without a word: no heartbeats, no LeaveGroup.
    ConsumerCrashed {
        consumer: String,
        /// Records it had fetched but not processed yet.
        #[serde(default)]
        unprocessed: u64,
        /// Whether their offsets were already committed (commit before processing): then
        /// nobody will read them again — at-most-once, lost.
        #[serde(default)]
        committed_ahead: bool,
    },
    ConsumerRestarted {
        consumer: String,
    },
    /// Standalone `assign()`.
    PartitionsAssignedManually {
        consumer: String,
        partitions: Vec<TopicPartition>,
    },
    /// Records a `poll()` returned from one partition; `redelivered` of them had been
    /// delivered to this group (or this standalone consumer) before: at-least-once duplicates.
    Fetched {
        consumer: String,
        topic: String,
        partition: u32,
        from: u64,
        count: u64,
        redelivered: u64,
    },
    /// No committed offset (or out of range): `auto.offset.reset` decided where to start.
    OffsetReset {
        consumer: String,
        topic: String,
        partition: u32,
        policy: String,
        offset: u64,
        out_of_range: bool,
    },
    /// Position taken from the group's committed offset.
    PositionRestored {
        consumer: String,
        topic: String,
        partition: u32,
        offset: u64,
    },
    Seeked {
        consumer: String,
        topic: String,
        partition: u32,
        offset: u64,
    },
    ConsumerError {
        consumer: String,
        error: ErrorCode,
        detail: String,
    },
    Committed {
        consumer: String,
        group: String,
        offsets: Vec<(TopicPartition, u64)>,
        auto: bool,
    },
    CommitFailed {
        consumer: String,
        group: String,
        error: ErrorCode,
    },
    /// An admin client set the group's committed offsets (`--reset-offsets --execute`).
    GroupOffsetsAltered {
        group: String,
        offsets: Vec<(TopicPartition, u64)>,
    },
    /// An admin client deleted the group's committed offsets of these partitions.
    GroupOffsetsDeleted {
        group: String,
        partitions: Vec<TopicPartition>,
    },
    /// An admin client deleted the (empty) group and its offsets.
    GroupDeleted {
        group: String,
    },

    // ---- groups ----
    GroupStateChanged {
        group: String,
        from: String,
        to: String,
    },
    RebalanceStarted {
        group: String,
        generation: i32,
        reason: RebalanceReason,
        /// Eager (omitted) or cooperative, as the group's live members will play it.
        #[serde(default, skip_serializing_if = "RebalanceProtocol::is_eager")]
        rebalance_protocol: RebalanceProtocol,
    },
    /// The member gave partitions up (`onPartitionsRevoked`).
    PartitionsRevoked {
        group: String,
        consumer: String,
        partitions: Vec<TopicPartition>,
    },
    /// The member sent JoinGroup (classic), or its first `ConsumerGroupHeartbeat` with member
    /// epoch 0 (KIP-848).
    MemberJoining {
        group: String,
        consumer: String,
        member_id: String,
        /// `consumer` (KIP-848) or `classic` (omitted): which protocol's words tell it.
        #[serde(default, skip_serializing_if = "GroupProtocol::is_classic")]
        protocol: GroupProtocol,
    },
    /// All members joined: a new generation, a leader and a protocol.
    JoinCompleted {
        group: String,
        generation: i32,
        leader: String,
        protocol: String,
        members: Vec<String>,
    },
    /// The leader's assignment, handed out by SyncGroup (classic) or the target (KIP-848).
    AssignmentComputed {
        group: String,
        generation: i32,
        strategy: String,
        moves: Vec<Move>,
        assignment: Vec<(String, Vec<TopicPartition>)>,
        /// `consumer` (KIP-848) or `classic` (omitted): which protocol's words tell it.
        #[serde(default, skip_serializing_if = "GroupProtocol::is_classic")]
        protocol: GroupProtocol,
    },
    /// The member received its share (`onPartitionsAssigned`).
    PartitionsAssigned {
        group: String,
        consumer: String,
        partitions: Vec<TopicPartition>,
        added: Vec<TopicPartition>,
        /// Classic: the generation. KIP-848: the member epoch.
        generation: i32,
        /// `consumer` (KIP-848) or `classic` (omitted): which protocol's words tell it.
        #[serde(default, skip_serializing_if = "GroupProtocol::is_classic")]
        protocol: GroupProtocol,
    },
    /// The group is Stable again; `stopped` lists members that consumed nothing meanwhile.
    /// KIP-848: every member reconciled to the target assignment of group epoch `generation`.
    RebalanceCompleted {
        group: String,
        generation: i32,
        duration_ms: Millis,
        stopped: Vec<String>,
        /// `consumer` (KIP-848) or `classic` (omitted): which protocol's words tell it.
        #[serde(default, skip_serializing_if = "GroupProtocol::is_classic")]
        protocol: GroupProtocol,
    },
    MemberRemoved {
        group: String,
        consumer: String,
        member_id: String,
        reason: LeaveReason,
    },
    StaticMemberRejoined {
        group: String,
        consumer: String,
        instance_id: String,
    },
    /// KIP-848: the group epoch moved and a new target assignment was computed.
    GroupEpochBumped {
        group: String,
        epoch: i32,
        reason: RebalanceReason,
    },
    /// KIP-848: the member reached the target assignment for this epoch.
    MemberReconciled {
        group: String,
        consumer: String,
        epoch: i32,
    },

    // ---- users and rights ----
    AuthorizationChanged {
        detail: String,
    },

    // ---- scenarios ----
    /// A scenario's narration for this moment.
    Note {
        text: String,
        text_ru: String,
    },
    /// A scripted step could not run (e.g. crashing a consumer that already crashed).
    ScriptStepFailed {
        error: String,
    },
}

/// `text` with every control character written as an escape (`\n`, `\t`, `\u{1b}`), for
/// line-oriented output (the CLI's timeline, exported logs). Other text is unchanged.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

impl Event {
    /// The event in plain English, as the timeline and `playground-cli run` print it.
    pub fn narrate(&self) -> String {
        use EventKind::*;
        match &self.kind {
            TopicCreated { topic, partitions } => format!("topic {topic} created with {partitions} partitions"),
            TopicDeleted { topic } => format!("topic {topic} deleted"),
            PartitionsAdded { topic, from, to } => format!(
                "topic {topic}: partitions {from} -> {to} (no data moves; keys may now hash to other partitions)"
            ),
            RetentionDeleted { topic, partition, removed, log_start } => format!(
                "retention deleted {removed} old record(s) from {topic}-{partition}; log start is now {log_start}"
            ),
            ProducerAdded { producer, topic } => format!("producer {producer} added, writing to {topic}"),
            ProducerRemoved { producer } => format!("producer {producer} removed"),
            ProducerPaused { producer } => format!("producer {producer} paused"),
            ProducerResumed { producer } => format!("producer {producer} resumed"),
            ProducerChanged { producer } => format!("producer {producer} settings changed"),
            Produced { producer, topic, partition, base_offset, count, key } => {
                let key = match key {
                    Some(k) => format!("key {k:?}"),
                    None => "no key".to_string(),
                };
                if *count == 1 {
                    format!("{producer} produced a record ({key}) to {topic}-{partition} at offset {base_offset}")
                } else {
                    format!(
                        "{producer} produced {count} records to {topic}-{partition} at offsets {base_offset}..{}",
                        base_offset + count - 1
                    )
                }
            }
            ProduceFailed { producer, topic, error } => format!("{producer} could not produce to {topic}: {error}"),
            ConsumerAdded { consumer } => format!("consumer {consumer} added"),
            ConsumerRemoved { consumer } => format!("consumer {consumer} removed"),
            ConsumerChanged { consumer } => format!("consumer {consumer} settings changed"),
            ConsumerPaused { consumer } => format!("consumer {consumer} paused"),
            ConsumerResumed { consumer } => format!("consumer {consumer} resumed"),
            ConsumerCrashed { consumer, unprocessed: 0, .. } => {
                format!("consumer {consumer} crashed (no more heartbeats, no LeaveGroup)")
            }
            ConsumerCrashed { consumer, unprocessed, committed_ahead: true } => format!(
                "consumer {consumer} crashed mid-batch: {unprocessed} fetched record(s) not processed, but their offsets were committed before processing — nobody will read them again (at-most-once: lost)"
            ),
            ConsumerCrashed { consumer, unprocessed, committed_ahead: false } => format!(
                "consumer {consumer} crashed mid-batch: {unprocessed} fetched record(s) not processed; they are uncommitted and will be read again (at-least-once)"
            ),
            ConsumerRestarted { consumer } => format!("consumer {consumer} restarted"),
            PartitionsAssignedManually { consumer, partitions } => {
                format!("consumer {consumer} assigned itself {} (standalone, assign())", tps(partitions))
            }
            Fetched { consumer, topic, partition, from, count, redelivered } => {
                let dup = if *redelivered > 0 {
                    format!(" — {redelivered} redelivered (at-least-once duplicates)")
                } else {
                    String::new()
                };
                format!(
                    "{consumer} polled {count} record(s) from {topic}-{partition} at offsets {from}..{}{dup}",
                    from + count.saturating_sub(1)
                )
            }
            OffsetReset { consumer, topic, partition, policy, offset, out_of_range } => {
                let why = if *out_of_range { "offset out of range" } else { "no committed offset" };
                format!("{consumer}: {why} for {topic}-{partition}; auto.offset.reset={policy} -> offset {offset}")
            }
            PositionRestored { consumer, topic, partition, offset } => {
                format!("{consumer} resumes {topic}-{partition} at committed offset {offset}")
            }
            Seeked { consumer, topic, partition, offset } => {
                format!("{consumer} seeked {topic}-{partition} to offset {offset}")
            }
            ConsumerError { consumer, error, detail } => format!("{consumer}: {error} ({detail})"),
            Committed { consumer, group, offsets, auto } => format!(
                "{consumer} committed {} for group {group}{}",
                offsets.iter().map(|(tp, o)| format!("{}-{}={o}", tp.topic, tp.partition)).collect::<Vec<_>>().join(", "),
                if *auto { " (auto-commit)" } else { "" }
            ),
            CommitFailed { consumer, group, error } => format!("{consumer}: commit for group {group} failed: {error}"),
            GroupOffsetsAltered { group, offsets } => format!(
                "group {group}: committed offsets reset to {}",
                offsets.iter().map(|(tp, o)| format!("{}-{}={o}", tp.topic, tp.partition)).collect::<Vec<_>>().join(", ")
            ),
            GroupOffsetsDeleted { group, partitions } => {
                format!("group {group}: committed offsets of {} deleted", tps(partitions))
            }
            GroupDeleted { group } => format!("group {group} deleted"),
            GroupStateChanged { group, from, to } => format!("group {group}: {from} -> {to}"),
            RebalanceStarted { group, generation, reason, .. } => {
                format!("group {group}: rebalance started ({}), generation {generation}", reason_text(reason))
            }
            PartitionsRevoked { group, consumer, partitions } => {
                format!("group {group}: {consumer} revoked {}", tps(partitions))
            }
            MemberJoining { group, consumer, protocol: GroupProtocol::Consumer, .. } => format!(
                "group {group}: {consumer} joined with a ConsumerGroupHeartbeat (member epoch 0)"
            ),
            MemberJoining { group, consumer, .. } => format!("group {group}: {consumer} sent JoinGroup"),
            JoinCompleted { group, generation, leader, protocol, members } => format!(
                "group {group}: generation {generation} with {} member(s) ({}); leader {leader}; strategy {protocol}",
                members.len(),
                members.join(", ")
            ),
            AssignmentComputed { group, generation, strategy, moves, protocol, .. } => {
                let moved: Vec<String> = moves
                    .iter()
                    .map(|m| {
                        format!(
                            "{}-{} {} -> {}",
                            m.partition.topic,
                            m.partition.partition,
                            m.from.as_deref().unwrap_or("nobody"),
                            m.to.as_deref().unwrap_or("nobody")
                        )
                    })
                    .collect();
                let what = match protocol {
                    GroupProtocol::Consumer => format!("{strategy} target assignment for group epoch {generation}"),
                    GroupProtocol::Classic => format!("{strategy} assignment for generation {generation}"),
                };
                if moved.is_empty() {
                    format!("group {group}: {what}; nothing moves")
                } else {
                    format!("group {group}: {what}; {}", moved.join(", "))
                }
            }
            PartitionsAssigned { group, consumer, partitions, generation, protocol, .. } => {
                let epoch = match protocol {
                    GroupProtocol::Consumer => "member epoch",
                    GroupProtocol::Classic => "generation",
                };
                format!("group {group}: {consumer} now owns {} ({epoch} {generation})", tps(partitions))
            }
            RebalanceCompleted { group, generation, duration_ms, stopped, protocol } => {
                let stopped = if stopped.is_empty() {
                    "nobody stopped consuming".to_string()
                } else {
                    format!("stopped meanwhile: {}", stopped.join(", "))
                };
                match protocol {
                    GroupProtocol::Consumer => format!(
                        "group {group}: Stable at group epoch {generation}: every member reconciled after {duration_ms} ms; {stopped}"
                    ),
                    GroupProtocol::Classic => {
                        format!("group {group}: Stable at generation {generation} after {duration_ms} ms; {stopped}")
                    }
                }
            }
            MemberRemoved { group, consumer, reason, .. } => {
                let why = match reason {
                    LeaveReason::Left => "left the group (LeaveGroup)",
                    LeaveReason::SessionTimeout => "removed: no heartbeat within session.timeout.ms",
                    LeaveReason::MaxPollIntervalExceeded => "left: poll() not called within max.poll.interval.ms",
                    LeaveReason::RebalanceTimeout => "removed: did not rejoin within the rebalance timeout",
                    LeaveReason::Fenced => "fenced: another instance took its group.instance.id",
                };
                format!("group {group}: {consumer} {why}")
            }
            StaticMemberRejoined { group, consumer, instance_id } => format!(
                "group {group}: static member {consumer} (group.instance.id={instance_id}) rejoined and kept its partitions; no rebalance"
            ),
            GroupEpochBumped { group, epoch, reason } => {
                format!("group {group}: group epoch {epoch} ({}); new target assignment", reason_text(reason))
            }
            MemberReconciled { group, consumer, epoch } => {
                format!("group {group}: {consumer} reconciled to epoch {epoch}")
            }
            AuthorizationChanged { detail } => detail.clone(),
            Note { text, .. } => format!("note: {text}"),
            ScriptStepFailed { error } => format!("scenario step failed: {error}"),
        }
    }

    /// `[mm:ss.mmm] narration`, one timeline line: control characters in what a person typed
    /// (a note, a key, a value) are escaped (`\n`), so no text can forge a line of its own.
    pub fn line(&self) -> String {
        format!("[{}] {}", format_clock(self.at), escape_controls(&self.narrate()))
    }

    /// Names this event is about (topic, group, producer, consumer), for timeline filters.
    pub fn subjects(&self) -> Vec<&str> {
        use EventKind::*;
        match &self.kind {
            TopicCreated { topic, .. }
            | TopicDeleted { topic }
            | PartitionsAdded { topic, .. }
            | RetentionDeleted { topic, .. } => vec![topic],
            ProducerAdded { producer, topic }
            | Produced { producer, topic, .. }
            | ProduceFailed { producer, topic, .. } => vec![producer, topic],
            ProducerRemoved { producer }
            | ProducerPaused { producer }
            | ProducerResumed { producer }
            | ProducerChanged { producer } => vec![producer],
            Fetched { consumer, topic, .. }
            | OffsetReset { consumer, topic, .. }
            | PositionRestored { consumer, topic, .. }
            | Seeked { consumer, topic, .. } => vec![consumer, topic],
            ConsumerAdded { consumer }
            | ConsumerRemoved { consumer }
            | ConsumerChanged { consumer }
            | ConsumerPaused { consumer }
            | ConsumerResumed { consumer }
            | ConsumerCrashed { consumer, .. }
            | ConsumerRestarted { consumer }
            | PartitionsAssignedManually { consumer, .. }
            | ConsumerError { consumer, .. } => vec![consumer],
            Committed { consumer, group, .. }
            | CommitFailed { consumer, group, .. }
            | PartitionsRevoked { group, consumer, .. }
            | MemberJoining { group, consumer, .. }
            | PartitionsAssigned { group, consumer, .. }
            | MemberRemoved { group, consumer, .. }
            | StaticMemberRejoined { group, consumer, .. }
            | MemberReconciled { group, consumer, .. } => vec![consumer, group],
            GroupStateChanged { group, .. }
            | GroupOffsetsAltered { group, .. }
            | GroupOffsetsDeleted { group, .. }
            | GroupDeleted { group }
            | RebalanceStarted { group, .. }
            | JoinCompleted { group, .. }
            | AssignmentComputed { group, .. }
            | RebalanceCompleted { group, .. }
            | GroupEpochBumped { group, .. } => vec![group],
            AuthorizationChanged { .. } | Note { .. } | ScriptStepFailed { .. } => vec![],
        }
    }
}

fn reason_text(r: &RebalanceReason) -> String {
    match r {
        RebalanceReason::MemberJoined { member } => format!("member {member} joined"),
        RebalanceReason::MemberLeft { member } => format!("member {member} left"),
        RebalanceReason::SessionTimeout { member } => format!("member {member} timed out"),
        RebalanceReason::MaxPollIntervalExceeded { member } => {
            format!("member {member} exceeded max.poll.interval.ms")
        }
        RebalanceReason::SubscriptionChanged { member } => {
            format!("member {member} changed its subscription")
        }
        RebalanceReason::PartitionsAdded { topic } => format!("partitions added to {topic}"),
        RebalanceReason::CooperativeFollowUp { member } => {
            format!("{member} revoked partitions and rejoins to hand them over")
        }
        RebalanceReason::MemberRejoined { member } => format!("member {member} rejoined"),
        RebalanceReason::StrategyChanged { member } => {
            format!("member {member} changed partition.assignment.strategy")
        }
    }
}

fn tps(ps: &[TopicPartition]) -> String {
    if ps.is_empty() {
        return "nothing".to_string();
    }
    ps.iter().map(|tp| format!("{}-{}", tp.topic, tp.partition)).collect::<Vec<_>>().join(", ")
}
