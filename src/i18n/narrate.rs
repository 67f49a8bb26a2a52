//! One exhaustive `match` over the core's events: each arm picks a message of [`Narration`] and
//! fills in its arguments. English ([`super::en`]) and Russian ([`super::ru`], data) each give
//! every message; the words are theirs, the choice of message is made here once.

use super::{fill, narration, Lang};
use crate::core::acl::AclBinding;
use crate::core::event::{AuthorizationChange, Event, EventKind, LeaveReason, Move, RebalanceReason};
use crate::core::group::assignor::TopicPartition;
use crate::core::group::GroupProtocol;
use crate::core::share_group::share_partition::{ArchiveReason, ReturnCause};
use crate::core::time::format_clock;

/// Defines [`Narration`] from its list of messages, with the reader of a language file's
/// `narration` object: plain field lookups (the wasm has a JSON reader already; a serde derive
/// over every field would cost more bytes than the text it moves out).
macro_rules! messages {
    ($($field:ident),* $(,)?) => {
        /// Every message the timeline tells, in one language. Arguments are named in braces.
        #[derive(Debug)]
        pub struct Narration<'a> {
            $(pub $field: &'a str,)*
        }

        /// The messages' names, in order.
        const MESSAGES: &[&str] = &[$(stringify!($field),)*];

        impl<'a> Narration<'a> {
            /// From a language file's `narration` object; the error names a missing message.
            /// (One loop reads them all; the array is then taken apart into the fields, so the
            /// code does not grow with each message.)
            pub fn from_json(v: &'a serde_json::Value) -> Result<Self, String> {
                let strings = super::read_strings(v, "narration", MESSAGES)?;
                let [$($field,)*]: [&'a str; MESSAGES.len()] =
                    strings.try_into().map_err(|_| "narration: wrong count".to_string())?;
                Ok(Narration { $($field,)* })
            }
        }
    };
}

messages! {
    topic_created,
    topic_deleted,
    partitions_added,
    retention_deleted,
    producer_added,
    producer_removed,
    producer_paused,
    producer_resumed,
    producer_changed,
    key,
    no_key,
    produced_one,
    produced_many,
    produce_failed,
    produce_acknowledged,
    batch_expired,
    duplicate_written,
    duplicate_batch_skipped,
    broker_stopped,
    broker_crashed,
    broker_started,
    broker_isolated,
    broker_healed,
    broker_fenced,
    leader_elected,
    leader_elected_unclean,
    leader_none,
    isr_joined,
    isr_left_lagged,
    isr_left_down,
    records_lost,
    replica_truncated,
    election_auto_rebalance,
    election_preferred,
    election_unclean,
    consumer_added,
    consumer_removed,
    consumer_changed,
    consumer_paused,
    consumer_resumed,
    consumer_crashed,
    consumer_crashed_lost,
    consumer_crashed_again,
    consumer_restarted,
    assigned_manually,
    fetched,
    fetched_redelivered,
    offset_reset_no_commit,
    offset_reset_out_of_range,
    position_restored,
    seeked,
    consumer_error,
    committed,
    committed_auto,
    commit_failed,
    group_offsets_altered,
    group_offsets_deleted,
    group_offsets_kept,
    group_deleted,
    group_state_changed,
    rebalance_started,
    revoked,
    joining_heartbeat,
    joining_join_group,
    join_completed,
    no_common_strategy,
    assignment_classic,
    assignment_target,
    nothing_moves,
    moved,
    nobody,
    assigned_classic,
    assigned_epoch,
    nothing,
    stable_classic,
    stable_epoch,
    nobody_stopped,
    stopped_meanwhile,
    member_left,
    member_session_timeout,
    member_max_poll,
    member_rebalance_timeout,
    member_fenced,
    static_rejoined,
    group_epoch_bumped,
    member_reconciled,
    share_member_joined,
    share_member_left,
    share_member_session_timeout,
    share_consumer_crashed,
    share_partition_moved,
    share_leader_changed,
    share_assignment,
    share_acquired,
    share_acquired_again,
    share_acknowledged,
    share_released,
    share_lock_expired,
    share_session_ended,
    share_rejected,
    share_archived_limit,
    share_archived_log_start,
    share_ack_failed,
    share_offsets_reset,
    share_group_deleted,
    share_offsets_deleted,
    share_group_configured,
    authorization_on,
    authorization_off,
    user_added,
    user_removed,
    role_granted,
    role_revoked,
    acl_added,
    acl_removed,
    note,
    script_step_failed,
    reason_member_joined,
    reason_member_left,
    reason_session_timeout,
    reason_max_poll,
    reason_subscription_changed,
    reason_partitions_added,
    reason_follow_up,
    reason_member_rejoined,
    reason_strategy_changed,
    coordinator_moved,
    coordinator_back,
    coordinator_none,
    share_coordinator_moved,
    share_coordinator_back,
    share_coordinator_none,
    coordinator_found,
    cause_stopped,
    cause_crashed,
    cause_isolated,
    cause_fenced,
    duplicate_written_again,
    producer_blocked,
}

/// The event in `lang`.
pub fn narrate(e: &Event, lang: Lang) -> String {
    use EventKind::*;
    let n = narration(lang);
    let tps = |ps: &[TopicPartition]| -> String {
        if ps.is_empty() {
            return n.nothing.to_string();
        }
        ps.iter().map(|tp| format!("{}-{}", tp.topic, tp.partition)).collect::<Vec<_>>().join(", ")
    };
    match &e.kind {
        TopicCreated { topic, partitions } => {
            fill(n.topic_created, &[("topic", topic), ("partitions", partitions)])
        }
        TopicDeleted { topic } => fill(n.topic_deleted, &[("topic", topic)]),
        PartitionsAdded { topic, from, to } => {
            fill(n.partitions_added, &[("topic", topic), ("from", from), ("to", to)])
        }
        RetentionDeleted { topic, partition, removed, log_start } => fill(
            n.retention_deleted,
            &[("topic", topic), ("partition", partition), ("removed", removed), ("log_start", log_start)],
        ),
        ProducerAdded { producer, topic } => {
            fill(n.producer_added, &[("producer", producer), ("topic", topic)])
        }
        ProducerRemoved { producer } => fill(n.producer_removed, &[("producer", producer)]),
        ProducerPaused { producer } => fill(n.producer_paused, &[("producer", producer)]),
        ProducerResumed { producer } => fill(n.producer_resumed, &[("producer", producer)]),
        ProducerChanged { producer } => fill(n.producer_changed, &[("producer", producer)]),
        Produced { producer, topic, partition, base_offset, count, key } => {
            let key = match key {
                Some(k) => fill(n.key, &[("key", &format!("{k:?}"))]),
                None => n.no_key.to_string(),
            };
            let last = (base_offset + count).saturating_sub(1);
            fill(
                if *count == 1 { n.produced_one } else { n.produced_many },
                &[
                    ("producer", producer),
                    ("topic", topic),
                    ("partition", partition),
                    ("key", &key),
                    ("count", count),
                    ("from", base_offset),
                    ("to", &last),
                ],
            )
        }
        ProduceFailed { producer, topic, partition, error, .. } => {
            // The partition's name (`orders-2`) when the failure is the partition's.
            let place = match partition {
                Some(p) => format!("{topic}-{p}"),
                None => topic.clone(),
            };
            fill(n.produce_failed, &[("producer", producer), ("topic", &place), ("error", error)])
        }
        BatchExpired { producer, topic, partition, count, elapsed_ms } => fill(
            n.batch_expired,
            &[
                ("producer", producer),
                ("topic", topic),
                ("partition", partition),
                ("count", count),
                ("elapsed", elapsed_ms),
            ],
        ),
        ProducerBlocked { producer, topic, buffered_bytes, buffer_memory, max_block_ms } => fill(
            n.producer_blocked,
            &[
                ("producer", producer),
                ("topic", topic),
                ("buffered", buffered_bytes),
                ("memory", buffer_memory),
                ("block", max_block_ms),
            ],
        ),
        DuplicateWritten { producer, topic, partition, first_offset, duplicate_offset, count, copies } => {
            fill(
                if *copies > 2 { n.duplicate_written_again } else { n.duplicate_written },
                &[
                    ("producer", producer),
                    ("topic", topic),
                    ("partition", partition),
                    ("first", first_offset),
                    ("second", duplicate_offset),
                    ("count", count),
                    ("copies", copies),
                ],
            )
        }
        DuplicateBatchSkipped {
            producer,
            topic,
            partition,
            producer_id,
            base_sequence,
            base_offset,
            count,
        } => fill(
            n.duplicate_batch_skipped,
            &[
                ("producer", producer),
                ("topic", topic),
                ("partition", partition),
                ("id", producer_id),
                ("sequence", base_sequence),
                ("offset", base_offset),
                ("count", count),
            ],
        ),
        ProduceAcknowledged { producer, topic, partition, base_offset, count, acks } => {
            let last = (base_offset + count).saturating_sub(1);
            fill(
                n.produce_acknowledged,
                &[
                    ("producer", producer),
                    ("topic", topic),
                    ("partition", partition),
                    ("from", base_offset),
                    ("to", &last),
                    ("acks", &acks.name()),
                ],
            )
        }
        CoordinatorMoved { group, partition, from, to, cause } => {
            let texts = (n.coordinator_moved, n.coordinator_back, n.coordinator_none);
            coordinator_move(n, texts, group, *partition, *from, *to, *cause)
        }
        ShareCoordinatorMoved { group, partition, from, to, cause } => {
            let texts = (n.share_coordinator_moved, n.share_coordinator_back, n.share_coordinator_none);
            coordinator_move(n, texts, group, *partition, *from, *to, *cause)
        }
        CoordinatorFound { client, group, from, to, error } => fill(
            n.coordinator_found,
            &[
                ("client", client),
                ("group", group),
                ("from", &from.0),
                ("to", &to.0),
                ("error", &error.name()),
            ],
        ),
        BrokerChanged { broker, change } => {
            use crate::core::event::BrokerChange::*;
            let m = match change {
                Stopped => n.broker_stopped,
                Crashed => n.broker_crashed,
                Started => n.broker_started,
                Isolated => n.broker_isolated,
                Healed => n.broker_healed,
                Fenced => n.broker_fenced,
            };
            fill(m, &[("broker", broker)])
        }
        LeaderChanged { topic, partition, leader: None, .. } => {
            fill(n.leader_none, &[("topic", topic), ("partition", partition)])
        }
        LeaderChanged { topic, partition, leader: Some(leader), leader_epoch, unclean } => fill(
            if *unclean { n.leader_elected_unclean } else { n.leader_elected },
            &[("topic", topic), ("partition", partition), ("leader", leader), ("epoch", leader_epoch)],
        ),
        IsrChanged { topic, partition, isr, added, removed, reason } => {
            use crate::core::event::IsrReason;
            let (m, who) = match reason {
                _ if removed.is_empty() => (n.isr_joined, added),
                IsrReason::Lagged => (n.isr_left_lagged, removed),
                _ => (n.isr_left_down, removed),
            };
            let list = |ids: &[crate::core::ids::BrokerId]| {
                ids.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",")
            };
            fill(
                m,
                &[("brokers", &list(who)), ("topic", topic), ("partition", partition), ("isr", &list(isr))],
            )
        }
        RecordsLost { topic, partition, leader, from, to } => fill(
            n.records_lost,
            &[
                ("topic", topic),
                ("partition", partition),
                ("leader", leader),
                ("from", from),
                ("to", &to.saturating_sub(1)),
            ],
        ),
        LeaderElection { topic, partition, leader, trigger } => {
            use crate::core::event::ElectionTrigger;
            let m = match trigger {
                ElectionTrigger::AutoRebalance => n.election_auto_rebalance,
                ElectionTrigger::Preferred => n.election_preferred,
                ElectionTrigger::Unclean => n.election_unclean,
            };
            fill(m, &[("topic", topic), ("partition", partition), ("leader", leader)])
        }
        ReplicaTruncated { topic, partition, broker, from, to } => fill(
            n.replica_truncated,
            &[
                ("topic", topic),
                ("partition", partition),
                ("broker", broker),
                ("from", from),
                ("to", &to.saturating_sub(1)),
            ],
        ),
        ConsumerAdded { consumer } => fill(n.consumer_added, &[("consumer", consumer)]),
        ConsumerRemoved { consumer } => fill(n.consumer_removed, &[("consumer", consumer)]),
        ConsumerChanged { consumer } => fill(n.consumer_changed, &[("consumer", consumer)]),
        ConsumerPaused { consumer } => fill(n.consumer_paused, &[("consumer", consumer)]),
        ConsumerResumed { consumer } => fill(n.consumer_resumed, &[("consumer", consumer)]),
        ConsumerCrashed { consumer, unprocessed: 0, .. } => {
            fill(n.consumer_crashed, &[("consumer", consumer)])
        }
        ConsumerCrashed { consumer, unprocessed, committed_ahead } => fill(
            if *committed_ahead { n.consumer_crashed_lost } else { n.consumer_crashed_again },
            &[("consumer", consumer), ("unprocessed", unprocessed)],
        ),
        ConsumerRestarted { consumer } => fill(n.consumer_restarted, &[("consumer", consumer)]),
        PartitionsAssignedManually { consumer, partitions } => {
            fill(n.assigned_manually, &[("consumer", consumer), ("partitions", &tps(partitions))])
        }
        Fetched { consumer, topic, partition, from, count, redelivered } => {
            let to = from + count.saturating_sub(1);
            fill(
                if *redelivered > 0 { n.fetched_redelivered } else { n.fetched },
                &[
                    ("consumer", consumer),
                    ("count", count),
                    ("topic", topic),
                    ("partition", partition),
                    ("from", from),
                    ("to", &to),
                    ("redelivered", redelivered),
                ],
            )
        }
        OffsetReset { consumer, topic, partition, policy, offset, out_of_range } => fill(
            if *out_of_range { n.offset_reset_out_of_range } else { n.offset_reset_no_commit },
            &[
                ("consumer", consumer),
                ("topic", topic),
                ("partition", partition),
                ("policy", &policy.name()),
                ("offset", offset),
            ],
        ),
        PositionRestored { consumer, topic, partition, offset } => fill(
            n.position_restored,
            &[("consumer", consumer), ("topic", topic), ("partition", partition), ("offset", offset)],
        ),
        Seeked { consumer, topic, partition, offset } => fill(
            n.seeked,
            &[("consumer", consumer), ("topic", topic), ("partition", partition), ("offset", offset)],
        ),
        ConsumerError { consumer, error, detail } => {
            fill(n.consumer_error, &[("consumer", consumer), ("error", error), ("detail", detail)])
        }
        Committed { consumer, group, offsets, auto } => {
            let offsets = offsets
                .iter()
                .map(|(tp, o)| format!("{}-{}={o}", tp.topic, tp.partition))
                .collect::<Vec<_>>()
                .join(", ");
            fill(
                if *auto { n.committed_auto } else { n.committed },
                &[("consumer", consumer), ("offsets", &offsets), ("group", group)],
            )
        }
        CommitFailed { consumer, group, error } => {
            fill(n.commit_failed, &[("consumer", consumer), ("group", group), ("error", error)])
        }
        GroupOffsetsAltered { group, offsets } => {
            let offsets = offsets
                .iter()
                .map(|(tp, o)| format!("{}-{}={o}", tp.topic, tp.partition))
                .collect::<Vec<_>>()
                .join(", ");
            fill(n.group_offsets_altered, &[("group", group), ("offsets", &offsets)])
        }
        GroupOffsetsDeleted { group, partitions, refused } => {
            let deleted =
                fill(n.group_offsets_deleted, &[("group", group), ("partitions", &tps(partitions))]);
            let refused = refused
                .iter()
                .map(|(tp, e)| format!("{}-{} ({})", tp.topic, tp.partition, e.name()))
                .collect::<Vec<_>>()
                .join(", ");
            let kept = fill(n.group_offsets_kept, &[("group", group), ("refused", &refused)]);
            match (partitions.is_empty(), refused.is_empty()) {
                (_, true) => deleted,
                (true, false) => kept,
                (false, false) => format!("{deleted}; {kept}"),
            }
        }
        GroupDeleted { group } => fill(n.group_deleted, &[("group", group)]),
        GroupStateChanged { group, from, to } => {
            fill(n.group_state_changed, &[("group", group), ("from", &from.name()), ("to", &to.name())])
        }
        RebalanceStarted { group, generation, reason, .. } => fill(
            n.rebalance_started,
            &[("group", group), ("reason", &reason_text(reason, lang)), ("generation", generation)],
        ),
        PartitionsRevoked { group, consumer, partitions } => {
            fill(n.revoked, &[("group", group), ("consumer", consumer), ("partitions", &tps(partitions))])
        }
        MemberJoining { group, consumer, protocol, .. } => fill(
            match protocol {
                GroupProtocol::Consumer => n.joining_heartbeat,
                GroupProtocol::Classic => n.joining_join_group,
            },
            &[("group", group), ("consumer", consumer)],
        ),
        JoinCompleted { group, generation, leader, protocol, members } => {
            let strategy = protocol.map_or(n.no_common_strategy, |s| s.kafka_name());
            fill(
                n.join_completed,
                &[
                    ("group", group),
                    ("generation", generation),
                    ("count", &members.len()),
                    ("members", &members.join(", ")),
                    ("leader", leader),
                    ("strategy", &strategy),
                ],
            )
        }
        AssignmentComputed { group, generation, strategy, moves, protocol, .. } => {
            let moves = if moves.is_empty() {
                n.nothing_moves.to_string()
            } else {
                moves.iter().map(|m| moved(n, m)).collect::<Vec<_>>().join(", ")
            };
            fill(
                match protocol {
                    GroupProtocol::Consumer => n.assignment_target,
                    GroupProtocol::Classic => n.assignment_classic,
                },
                &[
                    ("group", group),
                    ("strategy", &strategy.kafka_name()),
                    ("generation", generation),
                    ("moves", &moves),
                ],
            )
        }
        PartitionsAssigned { group, consumer, partitions, generation, protocol, .. } => fill(
            match protocol {
                GroupProtocol::Consumer => n.assigned_epoch,
                GroupProtocol::Classic => n.assigned_classic,
            },
            &[
                ("group", group),
                ("consumer", consumer),
                ("partitions", &tps(partitions)),
                ("generation", generation),
            ],
        ),
        RebalanceCompleted { group, generation, duration_ms, stopped, protocol } => {
            let stopped = if stopped.is_empty() {
                n.nobody_stopped.to_string()
            } else {
                fill(n.stopped_meanwhile, &[("members", &stopped.join(", "))])
            };
            fill(
                match protocol {
                    GroupProtocol::Consumer => n.stable_epoch,
                    GroupProtocol::Classic => n.stable_classic,
                },
                &[
                    ("group", group),
                    ("generation", generation),
                    ("duration_ms", duration_ms),
                    ("stopped", &stopped),
                ],
            )
        }
        MemberRemoved { group, consumer, reason, .. } => fill(
            match reason {
                LeaveReason::Left => n.member_left,
                LeaveReason::SessionTimeout => n.member_session_timeout,
                LeaveReason::MaxPollIntervalExceeded => n.member_max_poll,
                LeaveReason::RebalanceTimeout => n.member_rebalance_timeout,
                LeaveReason::Fenced => n.member_fenced,
            },
            &[("group", group), ("consumer", consumer)],
        ),
        StaticMemberRejoined { group, consumer, instance_id } => {
            fill(n.static_rejoined, &[("group", group), ("consumer", consumer), ("instance_id", instance_id)])
        }
        GroupEpochBumped { group, epoch, reason } => fill(
            n.group_epoch_bumped,
            &[("group", group), ("epoch", epoch), ("reason", &reason_text(reason, lang))],
        ),
        MemberReconciled { group, consumer, epoch } => {
            fill(n.member_reconciled, &[("group", group), ("consumer", consumer), ("epoch", epoch)])
        }
        ShareMemberJoined { group, consumer, .. } => {
            fill(n.share_member_joined, &[("group", group), ("consumer", consumer)])
        }
        ShareMemberLeft { group, consumer, reason, .. } => fill(
            match reason {
                LeaveReason::SessionTimeout => n.share_member_session_timeout,
                _ => n.share_member_left,
            },
            &[("group", group), ("consumer", consumer)],
        ),
        SharePartitionMoved { group, topic, partition, from, to } => fill(
            n.share_partition_moved,
            &[("group", group), ("partition", &format!("{topic}-{partition}")), ("from", from), ("to", to)],
        ),
        ShareConsumerCrashed { group, consumer, holding } => {
            fill(n.share_consumer_crashed, &[("group", group), ("consumer", consumer), ("holding", holding)])
        }
        ShareAssignmentComputed { group, epoch, assignment } => {
            let text =
                assignment.iter().map(|(c, ps)| format!("{c} [{}]", tps(ps))).collect::<Vec<_>>().join(", ");
            fill(
                n.share_assignment,
                &[
                    ("group", group),
                    ("epoch", epoch),
                    ("assignor", &crate::core::share_group::assignor::NAME),
                    ("assignment", &text),
                ],
            )
        }
        ShareAcquired {
            consumer,
            topic,
            partition,
            first_offset,
            last_offset,
            delivery_count,
            lock_until,
            ..
        } => fill(
            if *delivery_count > 1 { n.share_acquired_again } else { n.share_acquired },
            &[
                ("consumer", consumer),
                ("partition", &format!("{topic}-{partition}")),
                ("offsets", &span(*first_offset, *last_offset)),
                ("delivery", delivery_count),
                ("until", &format_clock(*lock_until)),
            ],
        ),
        ShareAcknowledged { consumer, topic, partition, first_offset, last_offset, .. } => fill(
            n.share_acknowledged,
            &[
                ("consumer", consumer),
                ("partition", &format!("{topic}-{partition}")),
                ("offsets", &span(*first_offset, *last_offset)),
            ],
        ),
        ShareReleased { consumer, topic, partition, first_offset, last_offset, cause, .. } => fill(
            match cause {
                ReturnCause::Released => n.share_released,
                ReturnCause::LockExpired => n.share_lock_expired,
                ReturnCause::SessionEnded => n.share_session_ended,
                ReturnCause::LeaderChanged => n.share_leader_changed,
            },
            &[
                ("consumer", consumer),
                ("partition", &format!("{topic}-{partition}")),
                ("offsets", &span(*first_offset, *last_offset)),
            ],
        ),
        ShareArchived { consumer, topic, partition, first_offset, last_offset, reason, .. } => fill(
            match reason {
                ArchiveReason::Rejected => n.share_rejected,
                ArchiveReason::DeliveryCountLimit(_) => n.share_archived_limit,
                ArchiveReason::LogStartMoved => n.share_archived_log_start,
            },
            &[
                ("consumer", &consumer.as_deref().unwrap_or(n.nobody)),
                ("partition", &format!("{topic}-{partition}")),
                ("offsets", &span(*first_offset, *last_offset)),
            ],
        ),
        ShareAcknowledgeFailed { consumer, topic, partition, error, .. } => fill(
            n.share_ack_failed,
            &[("consumer", consumer), ("partition", &format!("{topic}-{partition}")), ("error", error)],
        ),
        ShareGroupOffsetsReset { group, offsets } => {
            let text = offsets
                .iter()
                .map(|(tp, o)| format!("{}-{}={o}", tp.topic, tp.partition))
                .collect::<Vec<_>>()
                .join(", ");
            fill(n.share_offsets_reset, &[("group", group), ("offsets", &text)])
        }
        ShareGroupDeleted { group } => fill(n.share_group_deleted, &[("group", group)]),
        ShareGroupOffsetsDeleted { group, topics } => {
            fill(n.share_offsets_deleted, &[("group", group), ("topics", &topics.join(", "))])
        }
        ShareGroupConfigured { group, settings } => {
            let mut parts = Vec::new();
            if let Some(r) = settings.auto_offset_reset {
                parts.push(format!("share.auto.offset.reset={}", r.name()));
            }
            if let Some(ms) = settings.record_lock_duration_ms {
                parts.push(format!("share.record.lock.duration.ms={ms}"));
            }
            if let Some(l) = settings.delivery_count_limit {
                parts.push(format!("share.delivery.count.limit={l}"));
            }
            let text = if parts.is_empty() { n.nothing.to_string() } else { parts.join(", ") };
            fill(n.share_group_configured, &[("group", group), ("configs", &text)])
        }
        AuthorizationChanged { change } => authorization(n, change),
        Note { text, text_ru } => {
            let text = if lang == Lang::Ru && !text_ru.is_empty() { text_ru } else { text };
            fill(n.note, &[("text", text)])
        }
        ScriptStepFailed { error } => fill(n.script_step_failed, &[("error", error)]),
    }
}

/// Why a group rebalances, in a few words of `lang` (the timeline's words; the page's rebalance
/// panel has its own shorter ones).
pub fn reason_text(r: &RebalanceReason, lang: Lang) -> String {
    let n = narration(lang);
    match r {
        RebalanceReason::MemberJoined { member } => fill(n.reason_member_joined, &[("member", member)]),
        RebalanceReason::MemberLeft { member } => fill(n.reason_member_left, &[("member", member)]),
        RebalanceReason::SessionTimeout { member } => fill(n.reason_session_timeout, &[("member", member)]),
        RebalanceReason::MaxPollIntervalExceeded { member } => fill(n.reason_max_poll, &[("member", member)]),
        RebalanceReason::SubscriptionChanged { member } => {
            fill(n.reason_subscription_changed, &[("member", member)])
        }
        RebalanceReason::PartitionsAdded { topic } => fill(n.reason_partitions_added, &[("topic", topic)]),
        RebalanceReason::CooperativeFollowUp { member } => fill(n.reason_follow_up, &[("member", member)]),
        RebalanceReason::MemberRejoined { member } => fill(n.reason_member_rejoined, &[("member", member)]),
        RebalanceReason::StrategyChanged { member } => fill(n.reason_strategy_changed, &[("member", member)]),
    }
}

/// A share event's offsets: `7` or `7..9`.
fn span(first: u64, last: u64) -> String {
    if first == last {
        first.to_string()
    } else {
        format!("{first}..{last}")
    }
}

fn moved(n: &Narration, m: &Move) -> String {
    fill(
        n.moved,
        &[
            ("partition", &format!("{}-{}", m.partition.topic, m.partition.partition)),
            ("from", &m.from.as_deref().unwrap_or(n.nobody)),
            ("to", &m.to.as_deref().unwrap_or(n.nobody)),
        ],
    )
}

fn authorization(n: &Narration, change: &AuthorizationChange) -> String {
    let acl = |acl: &AclBinding| acl.to_string();
    match change {
        AuthorizationChange::Switched { on: true } => n.authorization_on.to_string(),
        AuthorizationChange::Switched { on: false } => n.authorization_off.to_string(),
        AuthorizationChange::UserAdded { user } => fill(n.user_added, &[("user", user)]),
        AuthorizationChange::UserRemoved { user } => fill(n.user_removed, &[("user", user)]),
        AuthorizationChange::RoleGranted { user, role, pattern } => {
            fill(n.role_granted, &[("user", user), ("role", &role.name()), ("pattern", pattern)])
        }
        AuthorizationChange::RoleRevoked { user, role, pattern } => {
            fill(n.role_revoked, &[("user", user), ("role", &role.name()), ("pattern", pattern)])
        }
        AuthorizationChange::AclAdded { acl: a } => fill(n.acl_added, &[("acl", &acl(a))]),
        AuthorizationChange::AclRemoved { acl: a } => fill(n.acl_removed, &[("acl", &acl(a))]),
    }
}

/// A group coordinator's move (`CoordinatorMoved`, `ShareCoordinatorMoved`) in the texts
/// `(moved, back, none)` of its group kind.
fn coordinator_move(
    n: &Narration,
    (moved, back, none): (&str, &str, &str),
    group: &str,
    partition: u32,
    from: Option<crate::core::ids::BrokerId>,
    to: Option<crate::core::ids::BrokerId>,
    cause: Option<crate::core::event::BrokerChange>,
) -> String {
    use crate::core::event::BrokerChange::*;
    let why = match cause {
        Some(Stopped) => n.cause_stopped,
        Some(Crashed) => n.cause_crashed,
        Some(Isolated) => n.cause_isolated,
        _ => n.cause_fenced,
    };
    let from = from.map_or(String::new(), |b| b.0.to_string());
    let why = fill(why, &[("broker", &from)]);
    match to {
        None => fill(none, &[("group", &group), ("partition", &partition), ("why", &why)]),
        Some(to) if from.is_empty() => {
            fill(back, &[("group", &group), ("partition", &partition), ("to", &to.0)])
        }
        Some(to) => fill(
            moved,
            &[("group", &group), ("partition", &partition), ("from", &from), ("to", &to.0), ("why", &why)],
        ),
    }
}
