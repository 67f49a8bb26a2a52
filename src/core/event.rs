//! What happened, told as events: the UI animates them and the timeline narrates them.
//!
//! Every event carries the simulated time it happened at. Events are data only (serde) so the
//! CLI can print them as JSON lines and tests can compare timelines: where Kafka has a closed
//! set (group state, strategy, reset policy, an authorization change, a rebalance's reason)
//! the event carries the enum, never a sentence. The words are the language layer's
//! (`crate::i18n`): one exhaustive `match` over these kinds, English and Russian.

use super::acl::role::Role;
use super::acl::AclBinding;
use super::config::OffsetReset;
use super::error::ErrorCode;
use super::group::assignor::{RebalanceProtocol, Strategy, TopicPartition};
use super::group::{GroupProtocol, GroupState};
use super::ids::BrokerId;
use super::share_group::share_partition::{ArchiveReason, ReturnCause};
use super::share_group::ShareGroupSettings;
use super::time::Millis;
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

/// What changed in users, roles and ACLs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum AuthorizationChange {
    /// `authorizer.class.name` set (on) or cleared (off).
    Switched {
        on: bool,
    },
    UserAdded {
        user: String,
    },
    UserRemoved {
        user: String,
    },
    RoleGranted {
        user: String,
        role: Role,
        pattern: String,
    },
    RoleRevoked {
        user: String,
        role: Role,
        pattern: String,
    },
    /// `kafka-acls --add`.
    AclAdded {
        acl: AclBinding,
    },
    /// `kafka-acls --remove`.
    AclRemoved {
        acl: AclBinding,
    },
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
    /// A produce the producer hears back about as failed (shared/CLI.md's `produce_failed`):
    /// the partition when the failure is the partition's (none when the topic itself is
    /// refused or missing), the records in the failed batch, and whether Kafka's client retries
    /// that error (a `RetriableException`).
    ProduceFailed {
        producer: String,
        topic: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        partition: Option<u32>,
        count: u64,
        error: ErrorCode,
        retriable: bool,
    },
    /// The leader answered a produce batch of a replicated topic (`acks=1`: written;
    /// `acks=all`: every in-sync replica has it). With one replica the `Produced` event is the
    /// acknowledgement, and with `acks=0` the producer never hears back.
    ProduceAcknowledged {
        producer: String,
        topic: String,
        partition: u32,
        base_offset: u64,
        count: u64,
        acks: crate::core::replication::config::Acks,
    },
    /// The producer gave a batch up: it was older than `delivery.timeout.ms` before it was
    /// acknowledged (Kafka's `TimeoutException`: "Expiring N record(s) for orders-0:…").
    BatchExpired {
        producer: String,
        topic: String,
        partition: u32,
        count: u64,
        elapsed_ms: u64,
    },
    /// A batch is in the log twice: a producer without idempotence retried it after an
    /// attempt whose answer it never got, but the leader had written it (`first_offset`) and
    /// wrote the retry too (`duplicate_offset`). Seen by the simulation, not by Kafka: neither
    /// the producer nor the broker can tell.
    DuplicateWritten {
        producer: String,
        topic: String,
        partition: u32,
        first_offset: u64,
        duplicate_offset: u64,
        count: u64,
        /// How many times the batch now stands in the log (2: twice; more when several
        /// attempts were written and only the last was answered).
        copies: u32,
    },
    /// A producer's `send()` blocks: its batches waiting for the brokers fill `buffer.memory`
    /// (Kafka's `BufferPool`); it waits up to `max.block.ms` for room.
    ProducerBlocked {
        producer: String,
        topic: String,
        buffered_bytes: u64,
        buffer_memory: u64,
        max_block_ms: u64,
    },
    /// The leader recognised a retried batch of an idempotent producer (same producer id,
    /// epoch and sequence numbers as one it has) and answered with the offset it was first
    /// written at, writing nothing.
    DuplicateBatchSkipped {
        producer: String,
        topic: String,
        partition: u32,
        producer_id: i64,
        base_sequence: i32,
        base_offset: u64,
        count: u64,
    },

    // ---- brokers and replication ----
    /// A group's coordinator moved: the leader of its `__consumer_offsets` partition changed
    /// (`to: None`: no replica runs, COORDINATOR_NOT_AVAILABLE; `cause`: what happened to the
    /// broker it left, `None` when it had none).
    CoordinatorMoved {
        group: String,
        partition: u32,
        from: Option<BrokerId>,
        to: Option<BrokerId>,
        cause: Option<BrokerChange>,
    },
    /// A share group's coordinator moved with its `__consumer_offsets` partition's leader (the
    /// same fields as [`EventKind::CoordinatorMoved`]); the new one loads the group's members
    /// and assignment (a share group has no committed offsets: its start offsets live with the
    /// share-partitions).
    ShareCoordinatorMoved {
        group: String,
        partition: u32,
        from: Option<BrokerId>,
        to: Option<BrokerId>,
        cause: Option<BrokerChange>,
    },
    /// A client learned its group's coordinator had moved (it got `error` from broker `from`)
    /// and FindCoordinator named broker `to`.
    CoordinatorFound {
        client: String,
        group: String,
        from: BrokerId,
        to: BrokerId,
        error: crate::core::error::ErrorCode,
    },
    BrokerChanged {
        broker: BrokerId,
        change: BrokerChange,
    },
    /// The controller elected a leader (`None`: the partition is offline). `unclean`: an
    /// out-of-sync replica was elected (`unclean.leader.election.enable`).
    LeaderChanged {
        topic: String,
        partition: u32,
        leader: Option<BrokerId>,
        leader_epoch: i32,
        unclean: bool,
    },
    IsrChanged {
        topic: String,
        partition: u32,
        isr: Vec<BrokerId>,
        added: Vec<BrokerId>,
        removed: Vec<BrokerId>,
        reason: IsrReason,
    },
    /// The new leader of a partition had only up to `from`: offsets `from..to` are gone.
    RecordsLost {
        topic: String,
        partition: u32,
        leader: BrokerId,
        from: u64,
        to: u64,
    },
    /// A returning replica cut offsets `from..to` from its log to match its leader (leader
    /// epochs).
    ReplicaTruncated {
        topic: String,
        partition: u32,
        broker: BrokerId,
        from: u64,
        to: u64,
    },
    /// The controller elected `leader` on request or on its own schedule, not because a
    /// broker failed: `kafka-leader-election`, or `auto.leader.rebalance.enable` moving
    /// leadership back to the preferred replica. The partition's `LeaderChanged` follows.
    LeaderElection {
        topic: String,
        partition: u32,
        leader: BrokerId,
        trigger: ElectionTrigger,
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
        policy: OffsetReset,
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
    /// An admin client deleted the group's committed offsets of these partitions
    /// (`OffsetDelete`); the broker refused the partitions in `refused`, each with its error
    /// (Kafka answers per partition: the others' offsets are gone all the same).
    GroupOffsetsDeleted {
        group: String,
        partitions: Vec<TopicPartition>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        refused: Vec<(TopicPartition, ErrorCode)>,
    },
    /// An admin client deleted the (empty) group and its offsets.
    GroupDeleted {
        group: String,
    },

    // ---- groups ----
    GroupStateChanged {
        group: String,
        from: GroupState,
        to: GroupState,
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
        /// The strategy every member supports that the group chose (`None`: none in common).
        protocol: Option<Strategy>,
        members: Vec<String>,
    },
    /// The leader's assignment, handed out by SyncGroup (classic) or the target (KIP-848).
    AssignmentComputed {
        group: String,
        generation: i32,
        strategy: Strategy,
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

    // ---- share groups (KIP-932) ----
    /// A share consumer's first ShareGroupHeartbeat (member epoch 0).
    ShareMemberJoined {
        group: String,
        consumer: String,
        member_id: String,
    },
    ShareMemberLeft {
        group: String,
        consumer: String,
        member_id: String,
        reason: LeaveReason,
    },
    /// A share consumer stopped without a word, holding `holding` acquired records it had not
    /// acknowledged (processed or not): they come back when their locks run out or its session
    /// ends.
    ShareConsumerCrashed {
        group: String,
        consumer: String,
        holding: u64,
    },
    /// The leadership of a partition moved, and with it `group`'s share-partition: broker `to`
    /// loaded it from the share coordinator's persisted state.
    SharePartitionMoved {
        group: String,
        topic: String,
        partition: u32,
        from: i32,
        to: i32,
    },
    /// The share group coordinator's `simple` assignor ran: a new group epoch and who reads what
    /// (a partition may be read by several members).
    ShareAssignmentComputed {
        group: String,
        epoch: i32,
        assignment: Vec<(String, Vec<TopicPartition>)>,
    },
    /// The partition leader handed records to a member, locked for it until `lock_until`;
    /// `delivery_count` is this delivery's number (1 = first).
    ShareAcquired {
        group: String,
        consumer: String,
        topic: String,
        partition: u32,
        first_offset: u64,
        last_offset: u64,
        delivery_count: u16,
        lock_until: Millis,
    },
    /// Accepted: processing finished; these records are never delivered again.
    ShareAcknowledged {
        group: String,
        consumer: String,
        topic: String,
        partition: u32,
        first_offset: u64,
        last_offset: u64,
    },
    /// Back to available, for any member: released, lock expired, or the member's session ended.
    ShareReleased {
        group: String,
        consumer: String,
        topic: String,
        partition: u32,
        first_offset: u64,
        last_offset: u64,
        cause: ReturnCause,
    },
    /// Never delivered again: rejected, past the delivery count limit, or behind the log start.
    ShareArchived {
        group: String,
        consumer: Option<String>,
        topic: String,
        partition: u32,
        first_offset: u64,
        last_offset: u64,
        reason: ArchiveReason,
    },
    /// The partition leader refused a member's acknowledgements for a partition (all of them).
    ShareAcknowledgeFailed {
        group: String,
        consumer: String,
        topic: String,
        partition: u32,
        error: ErrorCode,
    },
    /// An admin client moved the share-partition start offsets (`--reset-offsets --execute`).
    ShareGroupOffsetsReset {
        group: String,
        offsets: Vec<(TopicPartition, u64)>,
    },
    ShareGroupDeleted {
        group: String,
    },
    /// An admin client deleted the group's share-partition state of whole topics
    /// (`kafka-share-groups --delete-offsets`): their next reader starts from
    /// `share.auto.offset.reset`.
    ShareGroupOffsetsDeleted {
        group: String,
        topics: Vec<String>,
    },
    /// The group's own configs were set (`kafka-configs --entity-type groups`).
    ShareGroupConfigured {
        group: String,
        settings: ShareGroupSettings,
    },

    // ---- users and rights ----
    AuthorizationChanged {
        change: AuthorizationChange,
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
            | MemberReconciled { group, consumer, .. }
            | ShareMemberJoined { group, consumer, .. }
            | ShareMemberLeft { group, consumer, .. }
            | ShareConsumerCrashed { group, consumer, .. }
            | ShareAcknowledged { group, consumer, .. }
            | ShareReleased { group, consumer, .. }
            | ShareAcknowledgeFailed { group, consumer, .. } => vec![consumer, group],
            ShareAcquired { group, consumer, topic, .. } => vec![consumer, group, topic],
            ShareArchived { group, consumer, topic, .. } => {
                consumer.iter().map(String::as_str).chain([group.as_str(), topic.as_str()]).collect()
            }
            ShareAssignmentComputed { group, .. }
            | ShareGroupOffsetsReset { group, .. }
            | ShareGroupDeleted { group }
            | ShareGroupOffsetsDeleted { group, .. }
            | ShareGroupConfigured { group, .. } => vec![group],
            SharePartitionMoved { group, topic, .. } => vec![group, topic],
            GroupStateChanged { group, .. }
            | GroupOffsetsAltered { group, .. }
            | GroupOffsetsDeleted { group, .. }
            | GroupDeleted { group }
            | RebalanceStarted { group, .. }
            | JoinCompleted { group, .. }
            | AssignmentComputed { group, .. }
            | RebalanceCompleted { group, .. }
            | GroupEpochBumped { group, .. }
            | CoordinatorMoved { group, .. }
            | ShareCoordinatorMoved { group, .. } => vec![group],
            CoordinatorFound { client, group, .. } => vec![client, group],
            ProduceAcknowledged { producer, topic, .. }
            | BatchExpired { producer, topic, .. }
            | DuplicateWritten { producer, topic, .. }
            | ProducerBlocked { producer, topic, .. }
            | DuplicateBatchSkipped { producer, topic, .. } => vec![producer, topic],
            LeaderChanged { topic, .. }
            | IsrChanged { topic, .. }
            | RecordsLost { topic, .. }
            | ReplicaTruncated { topic, .. }
            | LeaderElection { topic, .. } => vec![topic],
            AuthorizationChanged { .. } | Note { .. } | ScriptStepFailed { .. } | BrokerChanged { .. } => {
                vec![]
            }
        }
    }
}

/// What happened to a broker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BrokerChange {
    /// Controlled shutdown (`stop_broker`): leadership moved away first.
    Stopped,
    /// No goodbye (`crash_broker`).
    Crashed,
    Started,
    /// Up but cut off from every other node (`isolate_broker`).
    Isolated,
    Healed,
    /// The controller stopped counting it: no heartbeat for `broker.session.timeout.ms`.
    Fenced,
}

/// What asked the controller for a [`EventKind::LeaderElection`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ElectionTrigger {
    /// `auto.leader.rebalance.enable`: the check every `leader.imbalance.check.interval.seconds`.
    AutoRebalance,
    /// `kafka-leader-election --election-type preferred`.
    Preferred,
    /// `kafka-leader-election --election-type unclean`: an out-of-sync replica may be elected.
    Unclean,
}

/// Why an ISR changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IsrReason {
    /// A follower reached the leader's log end: it joins.
    CaughtUp,
    /// A follower did not catch up for `replica.lag.time.max.ms`: it leaves.
    Lagged,
    /// Its broker was fenced or shut down.
    BrokerDown,
}
