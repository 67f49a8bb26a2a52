//! The share-partition and the `simple` assignor, rule by rule against the Kafka source each
//! rule comes from (apache/kafka `core/src/main/java/kafka/server/share/SharePartition.java`,
//! `server/.../share/fetch/InFlightState.java`, `group-coordinator/.../assignor/SimpleAssignor.java`
//! and their tests), then a proptest state machine for the invariants in
//! `src/core/share_group/mod.rs`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use broker_playground::core::error::ErrorCode;
use broker_playground::core::share_group::assignor::{self, MemberSpec, TopicPartition};
use broker_playground::core::share_group::config::{ShareGroupConfig, ShareGroupConfigInput};
use broker_playground::core::share_group::share_partition::{
    AcknowledgeType, AcknowledgementBatch, AcquiredRecords, ArchiveReason, MemberId, RecordState,
    ResetTarget, ReturnCause, SharePartition, SharePartitionEvent,
};
use broker_playground::core::share_group::ShareAutoOffsetReset;
use proptest::prelude::*;

const LOCK: u64 = 30_000;

fn m(id: &str) -> MemberId {
    Rc::from(id)
}

fn fresh() -> SharePartition {
    SharePartition::new(&ShareGroupConfig::default(), ShareAutoOffsetReset::Earliest, 0, 0)
}

/// A share-partition from offset 0 under the given broker settings.
fn with(input: ShareGroupConfigInput) -> SharePartition {
    let config = ShareGroupConfig::new(input).expect("valid test config");
    SharePartition::new(&config, ShareAutoOffsetReset::Earliest, 0, 0)
}

fn ack(first: u64, last: u64, t: AcknowledgeType) -> AcknowledgementBatch {
    AcknowledgementBatch { first_offset: first, last_offset: last, acknowledge_type: t }
}

fn range(first: u64, last: u64, delivery_count: u16) -> AcquiredRecords {
    AcquiredRecords { first_offset: first, last_offset: last, delivery_count }
}

fn state(sp: &SharePartition, offset: u64) -> Option<RecordState> {
    sp.record(offset).map(|r| r.state)
}

// ---------------------------------------------------------------- initialization

#[test]
fn share_partition_initialize_latest_starts_at_the_high_watermark() {
    let sp = SharePartition::new(&ShareGroupConfig::default(), ShareAutoOffsetReset::Latest, 3, 10);
    assert_eq!((sp.start_offset(), sp.end_offset()), (10, 10));
    let sp = SharePartition::new(&ShareGroupConfig::default(), ShareAutoOffsetReset::Earliest, 3, 10);
    assert_eq!((sp.start_offset(), sp.end_offset()), (3, 3));
}

// ---------------------------------------------------------------- acquire

#[test]
fn share_partition_acquire_hands_out_records_in_offset_order_with_delivery_count_1_and_a_lock() {
    let mut sp = fresh();
    let a = m("a");
    assert_eq!(sp.acquire(1000, &a, 3, 0, 10), vec![range(0, 2, 1)]);
    assert_eq!(sp.end_offset(), 2);
    let r = sp.record(1).unwrap();
    assert_eq!(
        (r.state, r.delivery_count, r.member.as_deref(), r.lock_deadline),
        (RecordState::Acquired, 1, Some("a"), Some(1000 + LOCK))
    );
    assert_eq!(sp.next_wakeup(), Some(1000 + LOCK));
    assert_eq!(
        sp.take_events(),
        vec![SharePartitionEvent::Acquired {
            member: a,
            first_offset: 0,
            last_offset: 2,
            delivery_count: 1,
            lock_deadline: 1000 + LOCK
        }]
    );
}

#[test]
fn share_partition_acquire_stops_at_the_high_watermark_and_max_fetch_records() {
    let mut sp = fresh();
    assert_eq!(sp.acquire(0, &m("a"), 500, 0, 4), vec![range(0, 3, 1)]);
    assert!(sp.acquire(0, &m("a"), 500, 0, 4).is_empty(), "nothing past the high watermark");
    assert!(sp.acquire(0, &m("a"), 0, 0, 10).is_empty(), "maxFetchRecords 0 acquires nothing");
}

#[test]
fn share_partition_acquire_two_members_get_different_records_of_one_partition() {
    let mut sp = fresh();
    assert_eq!(sp.acquire(0, &m("a"), 2, 0, 10), vec![range(0, 1, 1)]);
    assert_eq!(sp.acquire(0, &m("b"), 2, 0, 10), vec![range(2, 3, 1)]);
    assert_eq!(sp.record(0).unwrap().member.as_deref(), Some("a"));
    assert_eq!(sp.record(3).unwrap().member.as_deref(), Some("b"));
}

#[test]
fn share_partition_last_offset_and_max_records_to_acquire_the_window_caps_new_records() {
    // group.share.partition.max.record.locks = 100 (its minimum).
    let mut sp = with(ShareGroupConfigInput { partition_max_record_locks: Some(100), ..Default::default() });
    assert_eq!(sp.acquire(0, &m("a"), 500, 0, 1000), vec![range(0, 99, 1)]);
    assert_eq!(sp.in_flight_count(), 100);
    assert!(sp.acquire(0, &m("b"), 500, 0, 1000).is_empty(), "the window is full");
    // A released record inside the window can still be acquired (fetch in-between in-flight batches).
    sp.acknowledge(0, &m("a"), &[ack(50, 50, AcknowledgeType::Release)]).unwrap();
    assert_eq!(sp.acquire(0, &m("b"), 500, 0, 1000), vec![range(50, 50, 2)]);
    // Acknowledging the head moves the SPSO and frees room for new records.
    sp.acknowledge(0, &m("a"), &[ack(0, 9, AcknowledgeType::Accept)]).unwrap();
    assert_eq!(sp.start_offset(), 10);
    assert_eq!(sp.acquire(0, &m("b"), 500, 0, 1000), vec![range(100, 109, 1)]);
}

#[test]
fn share_partition_acquire_subset_batch_records_a_record_on_its_last_attempt_is_delivered_alone() {
    // delivery.count.limit 3: a record with 2 deliveries goes out on its own.
    let mut sp = with(ShareGroupConfigInput { delivery_count_limit: Some(3), ..Default::default() });
    let a = m("a");
    sp.acquire(0, &a, 3, 0, 3);
    sp.acknowledge(0, &a, &[ack(0, 0, AcknowledgeType::Accept), ack(1, 2, AcknowledgeType::Release)])
        .unwrap();
    assert_eq!(sp.acquire(0, &a, 10, 0, 3), vec![range(1, 2, 2)]);
    sp.acknowledge(0, &a, &[ack(1, 2, AcknowledgeType::Release)]).unwrap();
    assert_eq!(sp.acquire(0, &a, 10, 0, 3), vec![range(1, 1, 3)], "offset 1 alone, on its last attempt");
    assert_eq!(sp.acquire(0, &a, 10, 0, 3), vec![range(2, 2, 3)], "then offset 2 alone");
}

// ---------------------------------------------------------------- acknowledge

#[test]
fn share_partition_acknowledge_accept_acknowledges_and_moves_the_spso() {
    let mut sp = fresh();
    let a = m("a");
    sp.acquire(0, &a, 5, 0, 5);
    sp.take_events();
    sp.acknowledge(10, &a, &[ack(0, 1, AcknowledgeType::Accept)]).unwrap();
    assert_eq!(sp.start_offset(), 2);
    assert_eq!(state(&sp, 2), Some(RecordState::Acquired));
    let events = sp.take_events();
    assert_eq!(events.last(), Some(&SharePartitionEvent::StartOffsetMoved { from: 0, to: 2 }));
    assert!(events.contains(&SharePartitionEvent::Acknowledged { member: a, offset: 1 }));
}

#[test]
fn share_partition_acknowledge_reject_archives_the_record() {
    let mut sp = fresh();
    let a = m("a");
    sp.acquire(0, &a, 2, 0, 2);
    sp.take_events();
    sp.acknowledge(0, &a, &[ack(1, 1, AcknowledgeType::Reject)]).unwrap();
    assert_eq!(state(&sp, 1), Some(RecordState::Archived));
    assert_eq!(sp.start_offset(), 0, "offset 0 is still acquired");
    assert_eq!(
        sp.take_events(),
        vec![SharePartitionEvent::Archived {
            member: Some(a.clone()),
            offset: 1,
            reason: ArchiveReason::Rejected
        }]
    );
    assert!(sp.acquire(0, &m("b"), 10, 0, 2).is_empty(), "an archived record is never delivered again");
}

#[test]
fn share_partition_acknowledge_release_makes_the_record_available_to_anyone_with_delivery_count_2() {
    let mut sp = fresh();
    sp.acquire(0, &m("a"), 1, 0, 1);
    sp.acknowledge(0, &m("a"), &[ack(0, 0, AcknowledgeType::Release)]).unwrap();
    assert_eq!(state(&sp, 0), Some(RecordState::Available));
    assert_eq!(sp.next_wakeup(), None, "a released record holds no lock");
    assert_eq!(sp.acquire(5, &m("b"), 1, 0, 1), vec![range(0, 0, 2)]);
}

#[test]
fn in_flight_state_try_update_state_release_on_the_last_delivery_archives() {
    // group.share.delivery.count.limit 2: the second delivery is the last.
    let mut sp = with(ShareGroupConfigInput { delivery_count_limit: Some(2), ..Default::default() });
    let a = m("a");
    sp.acquire(0, &a, 1, 0, 1);
    sp.acknowledge(0, &a, &[ack(0, 0, AcknowledgeType::Release)]).unwrap();
    sp.acquire(0, &a, 1, 0, 1);
    sp.take_events();
    sp.acknowledge(0, &a, &[ack(0, 0, AcknowledgeType::Release)]).unwrap();
    assert_eq!(sp.start_offset(), 1, "archived, so the SPSO moves past it");
    assert_eq!(
        sp.take_events(),
        vec![
            SharePartitionEvent::Archived {
                member: Some(a),
                offset: 0,
                reason: ArchiveReason::DeliveryCountLimit(ReturnCause::Released)
            },
            SharePartitionEvent::StartOffsetMoved { from: 0, to: 1 },
        ]
    );
}

#[test]
fn share_partition_acknowledge_per_offset_batch_records_by_a_non_owner_is_invalid_record_state() {
    let mut sp = fresh();
    sp.acquire(0, &m("a"), 2, 0, 2);
    let err = sp.acknowledge(0, &m("b"), &[ack(0, 0, AcknowledgeType::Accept)]).unwrap_err();
    assert_eq!(
        (err.code, err.code.code(), err.message.as_str()),
        (ErrorCode::InvalidRecordState, 121, "Member is not the owner of offset")
    );
    assert_eq!(state(&sp, 0), Some(RecordState::Acquired));
}

#[test]
fn share_partition_acknowledge_a_record_that_is_not_acquired_is_invalid_record_state() {
    let mut sp = fresh();
    let a = m("a");
    sp.acquire(0, &a, 3, 0, 3);
    sp.acknowledge(0, &a, &[ack(1, 1, AcknowledgeType::Accept)]).unwrap();
    let err = sp.acknowledge(0, &a, &[ack(1, 1, AcknowledgeType::Reject)]).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidRecordState);
    assert_eq!(err.message, "The batch cannot be acknowledged. The offset is not acquired.");
}

#[test]
fn share_partition_fetch_sub_map_for_acknowledgement_batch_past_acquired_records_is_invalid_request() {
    let mut sp = fresh();
    let a = m("a");
    sp.acquire(0, &a, 3, 0, 10);
    let err = sp.acknowledge(0, &a, &[ack(5, 6, AcknowledgeType::Accept)]).unwrap_err();
    assert_eq!(
        (err.code.name(), err.message.as_str()),
        ("INVALID_REQUEST", "Batch record not found. The first offset in request is past acquired records.")
    );
    let err = sp.acknowledge(0, &a, &[ack(1, 6, AcknowledgeType::Accept)]).unwrap_err();
    assert_eq!(err.message, "Batch record not found. The last offset in request is past acquired records.");
}

#[test]
fn share_partition_rollback_or_process_state_updates_a_refused_acknowledgement_changes_nothing() {
    let mut sp = fresh();
    let a = m("a");
    sp.acquire(0, &a, 4, 0, 4);
    sp.acquire(0, &m("b"), 1, 0, 5);
    sp.take_events();
    let before: Vec<_> = sp.records().map(|(o, r)| (o, r.clone())).collect();
    // The first batch is valid; the second names b's record: all or nothing.
    let err = sp
        .acknowledge(0, &a, &[ack(0, 3, AcknowledgeType::Accept), ack(4, 4, AcknowledgeType::Accept)])
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidRecordState);
    let after: Vec<_> = sp.records().map(|(o, r)| (o, r.clone())).collect();
    assert_eq!(before, after);
    assert_eq!(sp.start_offset(), 0);
    assert!(sp.take_events().is_empty());
}

#[test]
fn share_partition_acknowledge_renew_restarts_the_lock() {
    let mut sp = fresh();
    let a = m("a");
    sp.acquire(0, &a, 1, 0, 1);
    sp.acknowledge(20_000, &a, &[ack(0, 0, AcknowledgeType::Renew)]).unwrap();
    assert_eq!(sp.next_wakeup(), Some(20_000 + LOCK));
    sp.expire_locks(LOCK);
    assert_eq!(state(&sp, 0), Some(RecordState::Acquired), "the old deadline no longer applies");
}

// ---------------------------------------------------------------- locks and sessions

#[test]
fn share_partition_release_acquisition_lock_on_timeout_returns_the_record_for_anyone() {
    let mut sp = fresh();
    let a = m("a");
    sp.acquire(0, &a, 2, 0, 2);
    sp.acquire(10_000, &m("b"), 1, 0, 3);
    assert_eq!(sp.next_wakeup(), Some(LOCK));
    sp.take_events();
    sp.expire_locks(LOCK - 1);
    assert!(sp.take_events().is_empty(), "not yet");
    sp.expire_locks(LOCK);
    assert_eq!(
        sp.take_events(),
        vec![
            SharePartitionEvent::Returned { member: a.clone(), offset: 0, cause: ReturnCause::LockExpired },
            SharePartitionEvent::Returned { member: a.clone(), offset: 1, cause: ReturnCause::LockExpired },
        ]
    );
    assert_eq!(sp.next_wakeup(), Some(10_000 + LOCK), "b's lock is next");
    // The slow worker's records go to another worker.
    assert_eq!(sp.acquire(LOCK, &m("c"), 5, 0, 3), vec![range(0, 1, 2)]);
    let late = sp.acknowledge(LOCK + 1, &a, &[ack(0, 0, AcknowledgeType::Accept)]).unwrap_err();
    assert_eq!(late.code, ErrorCode::InvalidRecordState, "a's acknowledgement comes too late");
}

#[test]
fn share_partition_lock_expiry_on_the_last_delivery_archives_the_poison_record() {
    let mut sp = with(ShareGroupConfigInput { delivery_count_limit: Some(2), ..Default::default() });
    let mut now = 0;
    for _ in 0..2 {
        assert_eq!(sp.acquire(now, &m("a"), 1, 0, 1).len(), 1);
        now += LOCK;
        sp.expire_locks(now);
    }
    assert_eq!(sp.start_offset(), 1);
    assert!(sp.acquire(now, &m("a"), 1, 0, 1).is_empty());
}

#[test]
fn share_partition_release_acquired_records_a_session_end_releases_only_that_members_records() {
    let mut sp = fresh();
    let (a, b) = (m("a"), m("b"));
    sp.acquire(0, &a, 2, 0, 10);
    sp.acquire(0, &b, 2, 0, 10);
    sp.take_events();
    sp.release_member(&a);
    assert_eq!(state(&sp, 0), Some(RecordState::Available));
    assert_eq!(state(&sp, 2), Some(RecordState::Acquired));
    assert_eq!(
        sp.take_events()[0],
        SharePartitionEvent::Returned { member: a, offset: 0, cause: ReturnCause::SessionEnded }
    );
    assert_eq!(sp.next_wakeup(), Some(LOCK), "b still holds its locks");
}

#[test]
fn share_partition_can_move_start_offset_waits_for_the_head_record() {
    let mut sp = fresh();
    let (a, b) = (m("a"), m("b"));
    sp.acquire(0, &a, 1, 0, 10);
    sp.acquire(0, &b, 3, 0, 10);
    sp.acknowledge(0, &b, &[ack(1, 3, AcknowledgeType::Accept)]).unwrap();
    assert_eq!(sp.start_offset(), 0, "offset 0 is still in flight");
    sp.acknowledge(0, &a, &[ack(0, 0, AcknowledgeType::Reject)]).unwrap();
    assert_eq!(sp.start_offset(), 4);
    assert_eq!(sp.in_flight_count(), 0);
}

// ---------------------------------------------------------------- log start, resets

#[test]
fn share_partition_update_cache_and_offsets_log_start_past_the_spso_archives_available_and_keeps_acquired() {
    let mut sp = fresh();
    let a = m("a");
    sp.acquire(0, &a, 4, 0, 10);
    sp.acknowledge(0, &a, &[ack(1, 1, AcknowledgeType::Release)]).unwrap();
    sp.take_events();
    sp.update_log_start_offset(3);
    assert_eq!(sp.start_offset(), 3);
    let events = sp.take_events();
    assert!(events.contains(&SharePartitionEvent::Archived {
        member: None,
        offset: 1,
        reason: ArchiveReason::LogStartMoved
    }));
    assert!(events.contains(&SharePartitionEvent::StartOffsetMoved { from: 0, to: 3 }));
    // Offsets 0 and 2 stay acquired by a until it acknowledges or its lock ends.
    assert_eq!(state(&sp, 0), Some(RecordState::Acquired));
    // Kafka skips acknowledgements below the SPSO ("already archived").
    sp.acknowledge(0, &a, &[ack(0, 3, AcknowledgeType::Accept)]).unwrap();
    assert_eq!(state(&sp, 0), Some(RecordState::Acquired));
    assert_eq!(sp.start_offset(), 4);
    sp.expire_locks(LOCK);
    assert_eq!(state(&sp, 0), None);
    assert!(sp.take_events().contains(&SharePartitionEvent::Archived {
        member: Some(a),
        offset: 2,
        reason: ArchiveReason::LogStartMoved
    }));
    assert_eq!(sp.next_wakeup(), None);
}

#[test]
fn share_partition_update_cache_and_offsets_with_nothing_in_flight_jumps_to_the_log_start() {
    let mut sp = fresh();
    sp.update_log_start_offset(7);
    assert_eq!((sp.start_offset(), sp.end_offset()), (7, 7));
    sp.update_log_start_offset(2);
    assert_eq!(sp.start_offset(), 7, "a log start behind the SPSO changes nothing");
    assert_eq!(sp.acquire(0, &m("a"), 10, 7, 9), vec![range(7, 8, 1)]);
}

#[test]
fn share_group_offsets_reset_is_refused_while_a_member_holds_records_and_clamps_offsets() {
    let mut sp = fresh();
    sp.acquire(0, &m("a"), 2, 0, 10);
    let err = sp.reset_offsets(ResetTarget::Earliest, 0, 10).unwrap_err();
    assert_eq!((err.code.name(), err.message.as_str()), ("NON_EMPTY_GROUP", "The group is not empty."));
    assert_eq!(sp.start_offset(), 0);
    sp.release_member(&m("a"));
    sp.reset_offsets(ResetTarget::Latest, 0, 10).unwrap();
    assert_eq!((sp.start_offset(), sp.in_flight_count()), (10, 0));
    sp.reset_offsets(ResetTarget::Offset(4), 2, 10).unwrap();
    assert_eq!(sp.start_offset(), 4);
    sp.reset_offsets(ResetTarget::Offset(99), 2, 10).unwrap();
    assert_eq!(sp.start_offset(), 10, "clamped to the high watermark");
    sp.reset_offsets(ResetTarget::Earliest, 2, 10).unwrap();
    assert_eq!(sp.start_offset(), 2);
}

#[test]
fn share_partition_memory_is_bounded_by_the_window_under_retention() {
    let mut sp = with(ShareGroupConfigInput { partition_max_record_locks: Some(100), ..Default::default() });
    let mut lso = 0;
    for round in 0..50u64 {
        sp.acquire(round, &m("slow"), 1000, lso, 1_000_000);
        lso += 150;
        sp.update_log_start_offset(lso);
        let total = sp.in_flight_count() + sp.acquired_behind_start().count();
        assert!(total <= 100, "{total} records kept");
    }
}

// ---------------------------------------------------------------- the simple assignor

fn spec(topics: &[&str], current: &[(&str, u32)]) -> MemberSpec {
    MemberSpec {
        subscribed_topics: topics.iter().map(|t| t.to_string()).collect(),
        current: current.iter().map(|(t, p)| (t.to_string(), *p)).collect(),
    }
}

fn topics(list: &[(&str, u32)]) -> BTreeMap<String, u32> {
    list.iter().map(|(t, n)| (t.to_string(), *n)).collect()
}

fn assert_every_partition_gets_assignment(
    expected: usize,
    result: &BTreeMap<String, BTreeSet<TopicPartition>>,
) {
    let assigned: BTreeSet<&TopicPartition> = result.values().flatten().collect();
    assert_eq!(assigned.len(), expected);
}

#[test]
fn simple_assignor_test_assign_with_empty_members_and_no_subscribed_topic() {
    let t = topics(&[("t1", 3)]);
    assert_eq!(assignor::assign(&BTreeMap::new(), &t).unwrap(), BTreeMap::new());
    let members = BTreeMap::from([("A".to_string(), spec(&[], &[]))]);
    assert_eq!(assignor::assign(&members, &t).unwrap(), BTreeMap::new());
}

#[test]
fn simple_assignor_test_assign_with_subscribed_to_non_existent_topic() {
    let members = BTreeMap::from([("A".to_string(), spec(&["t2"], &[]))]);
    let err = assignor::assign(&members, &topics(&[("t1", 3)])).unwrap_err();
    assert_eq!(err.message, "Members are subscribed to topic t2 which doesn't exist in the topic metadata.");
}

#[test]
fn simple_assignor_test_assign_with_two_members_and_two_topics_homogeneous() {
    let members: BTreeMap<String, MemberSpec> =
        ["A", "B"].iter().map(|id| (id.to_string(), spec(&["t1", "t3"], &[]))).collect();
    let result = assignor::assign(&members, &topics(&[("t1", 3), ("t3", 2)])).unwrap();
    assert_every_partition_gets_assignment(5, &result);
    let sizes: Vec<usize> = result.values().map(|s| s.len()).collect();
    assert_eq!(sizes, vec![3, 2]);
}

#[test]
fn simple_assignor_test_assign_with_three_members_three_topics_heterogeneous_with_non_assignable_topic() {
    // Java's expected result: A gets T1 0,1,2 and T2 0,2; B nothing; C gets T2 1 (T3 has no partitions).
    let members = BTreeMap::from([
        ("A".to_string(), spec(&["t1", "t2"], &[])),
        ("B".to_string(), spec(&["t3"], &[])),
        ("C".to_string(), spec(&["t2", "t3"], &[])),
    ]);
    let result = assignor::assign(&members, &topics(&[("t1", 3), ("t2", 3), ("t3", 0)])).unwrap();
    let expected = BTreeMap::from([
        (
            "A".to_string(),
            BTreeSet::from([
                ("t1".to_string(), 0),
                ("t1".to_string(), 1),
                ("t1".to_string(), 2),
                ("t2".to_string(), 0),
                ("t2".to_string(), 2),
            ]),
        ),
        ("B".to_string(), BTreeSet::new()),
        ("C".to_string(), BTreeSet::from([("t2".to_string(), 1)])),
    ]);
    assert_eq!(result, expected);
}

#[test]
fn simple_assignor_test_assign_with_one_member_no_assigned_topic_heterogeneous() {
    let members =
        BTreeMap::from([("A".to_string(), spec(&["t1", "t2"], &[])), ("B".to_string(), spec(&[], &[]))]);
    let result = assignor::assign(&members, &topics(&[("t1", 3), ("t2", 2)])).unwrap();
    assert_eq!(result["A"].len(), 5);
    assert!(result["B"].is_empty());
}

#[test]
fn simple_assignor_more_members_than_partitions_all_get_work() {
    // 5 consumers, 2 partitions: each partition shared by ceil(5/2) = 3 members.
    let members: BTreeMap<String, MemberSpec> =
        (1..=5).map(|i| (format!("c{i}"), spec(&["jobs"], &[]))).collect();
    let result = assignor::assign(&members, &topics(&[("jobs", 2)])).unwrap();
    assert!(result.values().all(|s| !s.is_empty()), "{result:?}");
    let sharing: Vec<usize> =
        (0..2).map(|p| result.values().filter(|s| s.contains(&("jobs".to_string(), p))).count()).collect();
    assert_eq!(sharing, vec![3, 3]);
}

fn incremental(heterogeneous: bool) {
    // SimpleAssignorTest#testIncrementalAssignment{Increasing,Decreasing}Members{Homogeneous,Heterogeneous}:
    // 24 partitions, members added one by one up to 101 then removed; every partition stays assigned.
    let t = if heterogeneous { topics(&[("t1", 12), ("t2", 8), ("t3", 4)]) } else { topics(&[("t1", 24)]) };
    let subscriptions: [&[&str]; 4] = if heterogeneous {
        [&["t1", "t2", "t3"], &["t2"], &["t3"], &["t1", "t2"]]
    } else {
        [&["t1"], &["t1"], &["t1"], &["t1"]]
    };
    let mut members: BTreeMap<String, MemberSpec> = BTreeMap::new();
    let feed = |members: &mut BTreeMap<String, MemberSpec>,
                result: BTreeMap<String, BTreeSet<TopicPartition>>| {
        for (id, partitions) in result {
            if let Some(spec) = members.get_mut(&id) {
                spec.current = partitions;
            }
        }
    };
    for i in 0..101 {
        members.insert(format!("M{i}"), spec(subscriptions[i % 4], &[]));
        let result = assignor::assign(&members, &t).unwrap();
        assert_every_partition_gets_assignment(24, &result);
        feed(&mut members, result);
    }
    for i in (1..101).rev() {
        members.remove(&format!("M{i}"));
        let result = assignor::assign(&members, &t).unwrap();
        assert_every_partition_gets_assignment(24, &result);
        feed(&mut members, result);
    }
}

#[test]
fn simple_assignor_test_incremental_assignment_homogeneous() {
    incremental(false);
}

#[test]
fn simple_assignor_test_incremental_assignment_heterogeneous() {
    incremental(true);
}

#[test]
fn simple_assignor_keeps_current_assignments_when_balanced() {
    let members = BTreeMap::from([
        ("A".to_string(), spec(&["t"], &[("t", 2), ("t", 3)])),
        ("B".to_string(), spec(&["t"], &[("t", 0), ("t", 1)])),
    ]);
    let result = assignor::assign(&members, &topics(&[("t", 4)])).unwrap();
    assert_eq!(result["A"], members["A"].current);
    assert_eq!(result["B"], members["B"].current);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Balance (`SimpleHomogeneousAssignmentBuilder`): every partition is assigned, no partition
    /// is shared by more than ceil(members / partitions), sizes differ by at most one, and with
    /// more members than partitions every member gets work.
    #[test]
    fn simple_assignor_homogeneous_balance(num_members in 1usize..12, num_partitions in 1u32..10, sticky in any::<bool>()) {
        let t = topics(&[("t", num_partitions)]);
        let mut members: BTreeMap<String, MemberSpec> = (0..num_members).map(|i| (format!("m{i:02}"), spec(&["t"], &[]))).collect();
        if sticky {
            // Start from a previous, unbalanced assignment: the first member held everything.
            if let Some(first) = members.values_mut().next() {
                first.current = (0..num_partitions).map(|p| ("t".to_string(), p)).collect();
            }
        }
        let result = assignor::assign(&members, &t).unwrap();
        assert_every_partition_gets_assignment(num_partitions as usize, &result);
        let sharing = num_members.div_ceil(num_partitions as usize);
        for p in 0..num_partitions {
            let n = result.values().filter(|s| s.contains(&("t".to_string(), p))).count();
            prop_assert!(n <= sharing);
        }
        let sizes: Vec<usize> = result.values().map(|s| s.len()).collect();
        let (min, max) = (sizes.iter().min().copied().unwrap_or(0), sizes.iter().max().copied().unwrap_or(0));
        prop_assert!(max - min <= 1, "{sizes:?}");
        prop_assert!(min >= 1);
    }
}

// ---------------------------------------------------------------- the state machine

#[derive(Debug, Clone)]
enum Op {
    Produce(u64),
    Acquire {
        member: usize,
        max: u32,
    },
    Ack {
        member: usize,
        from: u64,
        len: u64,
        t: AcknowledgeType,
    },
    /// Acknowledge from the `nth` record the member holds (mostly valid requests).
    AckHeld {
        member: usize,
        nth: usize,
        len: u64,
        t: AcknowledgeType,
    },
    Advance(u64),
    Leave(usize),
    Retention(u64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0u64..30).prop_map(Op::Produce),
        4 => (0usize..3, 1u32..40).prop_map(|(member, max)| Op::Acquire { member, max }),
        5 => (0usize..3, 0u64..120, 1u64..6, prop::sample::select(AcknowledgeType::ALL.to_vec()))
            .prop_map(|(member, from, len, t)| Op::Ack { member, from, len, t }),
        6 => (0usize..3, 0usize..50, 1u64..4, prop::sample::select(AcknowledgeType::ALL.to_vec()))
            .prop_map(|(member, nth, len, t)| Op::AckHeld { member, nth, len, t }),
        2 => (0u64..3000).prop_map(Op::Advance),
        1 => (0usize..3).prop_map(Op::Leave),
        1 => (0u64..40).prop_map(Op::Retention),
    ]
}

/// What the events say about each offset, checked against the partition after every step.
#[derive(Default)]
struct Oracle {
    holder: HashMap<u64, MemberId>,
    terminal: HashSet<u64>,
    deliveries: HashMap<u64, u16>,
}

impl Oracle {
    fn apply(&mut self, event: &SharePartitionEvent, limit: u16) -> Result<(), TestCaseError> {
        match event {
            SharePartitionEvent::Acquired { member, first_offset, last_offset, delivery_count, .. } => {
                for o in *first_offset..=*last_offset {
                    prop_assert!(!self.holder.contains_key(&o), "offset {o} acquired twice at once");
                    prop_assert!(
                        !self.terminal.contains(&o),
                        "offset {o} delivered after it was acknowledged or archived"
                    );
                    let n = self.deliveries.entry(o).or_default();
                    *n += 1;
                    prop_assert_eq!(*n, *delivery_count);
                    prop_assert!(*n <= limit, "offset {} delivered {} times, limit {}", o, n, limit);
                    self.holder.insert(o, member.clone());
                }
            }
            SharePartitionEvent::Acknowledged { member, offset } => {
                prop_assert_eq!(self.holder.remove(offset), Some(member.clone()));
                self.terminal.insert(*offset);
            }
            SharePartitionEvent::Returned { member, offset, .. } => {
                prop_assert_eq!(self.holder.remove(offset), Some(member.clone()));
                prop_assert!(self.deliveries.get(offset).copied().unwrap_or(0) < limit);
            }
            SharePartitionEvent::Archived { member, offset, reason } => {
                let held = self.holder.remove(offset);
                if member.is_some() {
                    prop_assert_eq!(held.as_ref(), member.as_ref());
                }
                if let ArchiveReason::DeliveryCountLimit(_) = reason {
                    prop_assert_eq!(self.deliveries.get(offset).copied(), Some(limit));
                }
                self.terminal.insert(*offset);
            }
            SharePartitionEvent::LockRenewed { member, offset, .. } => {
                prop_assert_eq!(self.holder.get(offset), Some(member));
            }
            SharePartitionEvent::StartOffsetMoved { from, to } => {
                prop_assert!(to > from, "SPSO moved back {from} -> {to}")
            }
        }
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn share_partition_invariants_hold_under_random_fetches_acks_expiries_and_leaves(
        limit in 2i64..6,
        lock in 1000i64..5000,
        ops in prop::collection::vec(op(), 1..120),
    ) {
        let config = ShareGroupConfig::new(ShareGroupConfigInput {
            delivery_count_limit: Some(limit),
            record_lock_duration_ms: Some(lock),
            min_record_lock_duration_ms: Some(1000),
            partition_max_record_locks: Some(100),
            ..Default::default()
        }).unwrap();
        let limit = limit as u16;
        let members = [m("c1"), m("c2"), m("c3")];
        let mut sp = SharePartition::new(&config, ShareAutoOffsetReset::Earliest, 0, 0);
        let mut oracle = Oracle::default();
        let (mut now, mut hwm, mut lso) = (0u64, 0u64, 0u64);
        let mut last_spso = 0;
        for op in ops {
            match op {
                Op::Produce(n) => hwm += n,
                Op::Acquire { member, max } => {
                    let got = sp.acquire(now, &members[member], max, lso, hwm);
                    let count: u64 = got.iter().map(|r| r.last_offset - r.first_offset + 1).sum();
                    prop_assert!(count <= u64::from(max));
                }
                Op::Ack { .. } | Op::AckHeld { .. } => {
                    let (member, first, len, t) = match op {
                        Op::Ack { member, from, len, t } => (member, sp.start_offset().saturating_sub(5) + from, len, t),
                        Op::AckHeld { member, nth, len, t } => {
                            let held: Vec<u64> = sp.records().filter(|(_, r)| r.member.as_ref() == Some(&members[member])).map(|(o, _)| o).collect();
                            let Some(first) = held.get(nth % held.len().max(1)).copied() else { continue };
                            (member, first, len, t)
                        }
                        _ => unreachable!(),
                    };
                    let batch = AcknowledgementBatch { first_offset: first, last_offset: first + len - 1, acknowledge_type: t };
                    let before: Vec<_> = sp.records().map(|(o, r)| (o, r.clone())).collect();
                    let spso = sp.start_offset();
                    if sp.acknowledge(now, &members[member], &[batch]).is_err() {
                        let after: Vec<_> = sp.records().map(|(o, r)| (o, r.clone())).collect();
                        prop_assert_eq!(before, after, "a refused acknowledgement changed records");
                        prop_assert_eq!(spso, sp.start_offset());
                    }
                }
                Op::Advance(ms) => {
                    now += ms;
                    sp.expire_locks(now);
                }
                Op::Leave(member) => sp.release_member(&members[member]),
                Op::Retention(n) => {
                    lso = (lso + n).min(hwm);
                    sp.update_log_start_offset(lso);
                }
            }
            for event in sp.take_events() {
                oracle.apply(&event, limit)?;
            }
            // SPSO never moves back.
            prop_assert!(sp.start_offset() >= last_spso);
            last_spso = sp.start_offset();
            // Below the SPSO: acknowledged or archived, or removed by retention.
            for o in 0..sp.start_offset() {
                prop_assert!(oracle.terminal.contains(&o) || o < lso, "offset {o} below the SPSO was skipped");
            }
            // The window bounds memory.
            prop_assert!(sp.in_flight_count() + sp.acquired_behind_start().count() <= 100);
            // The partition and the events agree on who holds what, and on the next wakeup.
            let mut deadlines = Vec::new();
            for (o, r) in sp.records().chain(sp.acquired_behind_start()) {
                prop_assert!(r.delivery_count <= limit);
                prop_assert_eq!(r.state == RecordState::Acquired, oracle.holder.contains_key(&o));
                if r.state == RecordState::Acquired {
                    prop_assert_eq!(r.member.as_ref(), oracle.holder.get(&o));
                    deadlines.extend(r.lock_deadline);
                } else {
                    prop_assert!(r.member.is_none() && r.lock_deadline.is_none());
                }
            }
            prop_assert_eq!(sp.next_wakeup(), deadlines.into_iter().min());
            prop_assert!(sp.next_wakeup().is_none_or(|d| d > now), "an expired lock was left");
            prop_assert_eq!(oracle.holder.len(), sp.records().chain(sp.acquired_behind_start()).filter(|(_, r)| r.state == RecordState::Acquired).count());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// No input panics: offsets and times anywhere in u64, ranges of any size.
    #[test]
    fn share_partition_no_input_panics(
        start in any::<u64>(),
        calls in prop::collection::vec((0u8..6, any::<u64>(), any::<u64>(), any::<u32>()), 1..40),
    ) {
        let mut sp = SharePartition::new(&ShareGroupConfig::default(), ShareAutoOffsetReset::Earliest, start, start);
        let a = m("a");
        for (kind, x, y, n) in calls {
            match kind {
                0 => { sp.acquire(x, &a, n % 5000, y.min(x), x); }
                1 => { let _ = sp.acknowledge(x, &a, &[ack(x.min(y), x.max(y), AcknowledgeType::ALL[n as usize % 4])]); }
                2 => sp.expire_locks(x),
                3 => sp.update_log_start_offset(x),
                4 => { let _ = sp.reset_offsets(ResetTarget::Offset(x), y.min(x), x.max(y)); }
                _ => sp.release_member(&a),
            }
            prop_assert!(sp.in_flight_count() <= 2000);
            prop_assert!(sp.end_offset() >= sp.start_offset());
        }
    }
}

// ---------------------------------------------------------------- leader change

/// `SharePartition.maybeInitialize` on a new leader builds the cached state from the persisted
/// state batches; acquisitions are never written (`writeShareGroupState` runs on acknowledge,
/// release and lock timeout), so what was ACQUIRED is AVAILABLE there, one delivery fewer, and
/// acknowledged records stay acknowledged.
#[test]
fn share_partition_maybe_initialize_on_a_new_leader_makes_acquired_records_available() {
    let mut sp = fresh();
    let (a, b) = (m("a"), m("b"));
    assert_eq!(sp.acquire(0, &a, 2, 0, 6), vec![range(0, 1, 1)]);
    sp.acknowledge(1, &a, &[ack(0, 0, AcknowledgeType::Accept)]).unwrap();
    assert_eq!(sp.acquire(2, &b, 2, 0, 6), vec![range(2, 3, 1)]);
    sp.take_events();
    sp.reload_on_new_leader();
    assert_eq!(state(&sp, 0), None, "acknowledged and behind the SPSO");
    for o in 1..=3 {
        assert_eq!(state(&sp, o), Some(RecordState::Available), "offset {o}");
        assert_eq!(sp.record(o).map(|r| r.delivery_count), Some(0));
    }
    assert_eq!(sp.next_wakeup(), None, "no locks left");
    let returned: Vec<u64> = sp
        .take_events()
        .into_iter()
        .filter_map(|e| match e {
            SharePartitionEvent::Returned { offset, cause: ReturnCause::LeaderChanged, .. } => Some(offset),
            _ => None,
        })
        .collect();
    assert_eq!(returned, vec![1, 2, 3]);
    // Anyone may acquire them again, delivery 1 as the new leader counts.
    assert_eq!(sp.acquire(3, &b, 10, 0, 6), vec![range(1, 5, 1)]);
}
