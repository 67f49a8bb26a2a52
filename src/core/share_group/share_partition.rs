//! The share-partition as its leader broker keeps it: which records of one topic-partition a share
//! group has in flight, who holds each one, until when, and how often it was delivered.
//!
//! Modelled on apache/kafka `core/src/main/java/kafka/server/share/SharePartition.java`
//! (`acquire`, `acknowledge`, `releaseAcquiredRecords`, `releaseAcquisitionLockOnTimeout`,
//! `updateCacheAndOffsets`, `maybeUpdateCachedStateAndOffsets`, `lastOffsetAndMaxRecordsToAcquire`)
//! and `server/.../share/fetch/InFlightState.java` (the delivery-count rule).
//!
//! Where the playground simplifies Kafka:
//! - state is kept per record, not per fetched batch (Kafka keeps whole batches until one of
//!   them is acknowledged differently, then splits the batch into per-offset state);
//! - the in-flight window is a hard cap: Kafka may overshoot it by the rest of a log batch;
//! - no persister (`__share_group_state`): the state is always in memory;
//! - of 4.2's delivery throttling only the first rule is modelled: a record on its last delivery
//!   attempt is delivered alone (`acquireSubsetBatchRecords`); the progressive halving is not;
//! - the SPSO moves past every acknowledged or archived record at its head, even while a record
//!   that the log start moved past is still acquired (Kafka waits for it to time out first).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;
use std::rc::Rc;

use super::config::{ShareAutoOffsetReset, ShareGroupConfig};
use crate::core::error::ErrorCode;
use crate::core::time::Millis;

/// A share group member's `member.id`, shared cheaply between records, locks and events.
pub type MemberId = Rc<str>;

/// A record's delivery state (`RecordState`; Kafka's ids in [`RecordState::id`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordState {
    /// May be acquired by the next fetch of any member.
    Available,
    /// Delivered to one member, locked until its deadline.
    Acquired,
    /// Accepted: processing finished. Terminal.
    Acknowledged,
    /// Rejected, past the delivery count limit, or behind the log start. Terminal.
    Archived,
}

impl RecordState {
    /// Kafka's id (`RecordState.id`, also the persisted `DeliveryState`).
    pub fn id(self) -> u8 {
        match self {
            RecordState::Available => 0,
            RecordState::Acquired => 1,
            RecordState::Acknowledged => 2,
            RecordState::Archived => 4,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            RecordState::Available => "AVAILABLE",
            RecordState::Acquired => "ACQUIRED",
            RecordState::Acknowledged => "ACKNOWLEDGED",
            RecordState::Archived => "ARCHIVED",
        }
    }

    /// Acknowledged or archived: the record is never delivered again.
    pub fn is_terminal(self) -> bool {
        matches!(self, RecordState::Acknowledged | RecordState::Archived)
    }
}

/// `AcknowledgeType` (clients): what a share consumer says about a record it acquired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AcknowledgeType {
    /// Processed: the record is acknowledged.
    Accept,
    /// Not processed: make it available for another delivery attempt.
    Release,
    /// Cannot be processed: archive it, no further attempts.
    Reject,
    /// Still being processed: extend the acquisition lock (KIP-1222).
    Renew,
}

impl AcknowledgeType {
    pub const ALL: [AcknowledgeType; 4] =
        [AcknowledgeType::Accept, AcknowledgeType::Release, AcknowledgeType::Reject, AcknowledgeType::Renew];

    /// Kafka's id on the wire (0 is a gap, not an acknowledgement).
    pub fn id(self) -> u8 {
        match self {
            AcknowledgeType::Accept => 1,
            AcknowledgeType::Release => 2,
            AcknowledgeType::Reject => 3,
            AcknowledgeType::Renew => 4,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            AcknowledgeType::Accept => "ACCEPT",
            AcknowledgeType::Release => "RELEASE",
            AcknowledgeType::Reject => "REJECT",
            AcknowledgeType::Renew => "RENEW",
        }
    }
}

/// One range of a share acknowledgement (`ShareAcknowledgementBatch`), both ends inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AcknowledgementBatch {
    pub first_offset: u64,
    pub last_offset: u64,
    pub acknowledge_type: AcknowledgeType,
}

/// A contiguous range handed to a member by one fetch (`AcquiredRecords` in `ShareFetchResponse`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AcquiredRecords {
    pub first_offset: u64,
    pub last_offset: u64,
    pub delivery_count: u16,
}

#[derive(Debug, Clone, PartialEq, Eq)]
/// Kafka's error for a share request the partition refuses (`INVALID_REQUEST`,
/// `INVALID_RECORD_STATE`, `NON_EMPTY_GROUP`); nothing of the request is applied.
pub struct ShareError {
    pub code: ErrorCode,
    pub message: String,
}

impl ShareError {
    fn new(code: ErrorCode, message: &str) -> ShareError {
        ShareError { code, message: message.to_string() }
    }
}

impl fmt::Display for ShareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.name(), self.message)
    }
}

/// Why an acquired record went back to AVAILABLE (or, at the delivery count limit, to ARCHIVED).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReturnCause {
    /// The member acknowledged it with RELEASE.
    Released,
    /// Its acquisition lock (`group.share.record.lock.duration.ms`) ran out.
    LockExpired,
    /// The member's share session ended (it left, crashed or was fenced).
    SessionEnded,
    /// The partition's leadership moved: the new leader loaded the share-partition from the
    /// share coordinator's persisted state (`SharePartition.maybeInitialize`), where an
    /// acquisition is never written, so the record is AVAILABLE there with the delivery count
    /// it had before this acquisition.
    LeaderChanged,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArchiveReason {
    /// The member acknowledged it with REJECT.
    Rejected,
    /// It came back on its last allowed delivery (`group.share.delivery.count.limit`).
    DeliveryCountLimit(ReturnCause),
    /// The log start offset moved past it (retention or delete-records).
    LogStartMoved,
}

/// What happened, as data: one event per record transition (a fetch's acquisition is one event
/// per contiguous range). The UI and timeline narrate these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SharePartitionEvent {
    Acquired {
        member: MemberId,
        first_offset: u64,
        last_offset: u64,
        delivery_count: u16,
        lock_deadline: Millis,
    },
    Acknowledged {
        member: MemberId,
        offset: u64,
    },
    /// Back to AVAILABLE, to be delivered again (to anyone).
    Returned {
        member: MemberId,
        offset: u64,
        cause: ReturnCause,
    },
    LockRenewed {
        member: MemberId,
        offset: u64,
        lock_deadline: Millis,
    },
    Archived {
        member: Option<MemberId>,
        offset: u64,
        reason: ArchiveReason,
    },
    StartOffsetMoved {
        from: u64,
        to: u64,
    },
}

/// Where `kafka-share-groups --reset-offsets` (`Admin.alterShareGroupOffsets`) puts the SPSO.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResetTarget {
    Earliest,
    Latest,
    Offset(u64),
}

/// One in-flight record (`InFlightState`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InFlightRecord {
    pub state: RecordState,
    pub delivery_count: u16,
    /// The member holding it while ACQUIRED.
    pub member: Option<MemberId>,
    /// When its acquisition lock runs out, while ACQUIRED.
    pub lock_deadline: Option<Millis>,
}

/// The share-partition. Sans-IO: every call that depends on time takes `now`; the owner wakes
/// it at [`SharePartition::next_wakeup`] with [`SharePartition::expire_locks`].
#[derive(Debug, Clone)]
pub struct SharePartition {
    delivery_count_limit: u16,
    record_lock_duration_ms: Millis,
    max_record_locks: usize,
    /// The share-partition start offset (SPSO).
    start_offset: u64,
    /// The in-flight records from the SPSO on: `window[i]` is offset `start_offset + i`.
    window: VecDeque<InFlightRecord>,
    /// Records still ACQUIRED though the log start offset moved past them; each is archived when
    /// its lock ends or its member's session does (acknowledgements below the SPSO are skipped,
    /// as in Kafka). They count against the window, so memory stays bounded by it.
    behind_start: BTreeMap<u64, InFlightRecord>,
    /// (deadline, offset) of every ACQUIRED record: the earliest is the next wakeup.
    locks: BTreeSet<(Millis, u64)>,
    events: Vec<SharePartitionEvent>,
}

impl SharePartition {
    /// A share-partition the group reads for the first time: `share.auto.offset.reset` puts the
    /// SPSO at the log start (`earliest`) or the high watermark (`latest`).
    pub fn new(
        config: &ShareGroupConfig,
        reset: ShareAutoOffsetReset,
        log_start_offset: u64,
        high_watermark: u64,
    ) -> Self {
        let start_offset = match reset {
            ShareAutoOffsetReset::Earliest => log_start_offset,
            ShareAutoOffsetReset::Latest => high_watermark.max(log_start_offset),
        };
        SharePartition {
            delivery_count_limit: config.delivery_count_limit(),
            record_lock_duration_ms: config.record_lock_duration_ms(),
            max_record_locks: config.partition_max_record_locks() as usize,
            start_offset,
            window: VecDeque::new(),
            behind_start: BTreeMap::new(),
            locks: BTreeSet::new(),
            events: Vec::new(),
        }
    }

    /// A group's own `share.record.lock.duration.ms` (already validated against the broker's
    /// bounds by [`ShareGroupConfig::validate_group_record_lock_duration_ms`]); applies to
    /// acquisitions from now on.
    pub fn set_record_lock_duration_ms(&mut self, ms: Millis) {
        self.record_lock_duration_ms = ms;
    }

    /// A group's own `share.delivery.count.limit` (validated by the caller against
    /// [`super::config`]'s bounds); applies to deliveries from now on.
    pub fn set_delivery_count_limit(&mut self, limit: u16) {
        self.delivery_count_limit = limit;
    }

    /// `group.share.delivery.count.limit` in force for this share-partition.
    pub fn delivery_count_limit(&self) -> u16 {
        self.delivery_count_limit
    }

    /// The share-partition start offset (SPSO): every record before it is done with.
    pub fn start_offset(&self) -> u64 {
        self.start_offset
    }

    /// The share-partition end offset (SPEO) as Kafka reports it: the last offset in flight, or
    /// the SPSO when nothing is.
    pub fn end_offset(&self) -> u64 {
        match self.window.len() {
            0 => self.start_offset,
            n => self.start_offset + n as u64 - 1,
        }
    }

    /// The first offset never fetched yet (SPEO + 1 while records are in flight).
    pub fn next_new_offset(&self) -> u64 {
        self.start_offset + self.window.len() as u64
    }

    /// How many records the window holds (at most `group.share.partition.max.record.locks`).
    pub fn in_flight_count(&self) -> usize {
        self.window.len()
    }

    /// Records still acquired behind the SPSO (the log start moved past them).
    pub fn acquired_behind_start(&self) -> impl Iterator<Item = (u64, &InFlightRecord)> {
        self.behind_start.iter().map(|(o, r)| (*o, r))
    }

    /// The state of one record, if it is in flight.
    pub fn record(&self, offset: u64) -> Option<&InFlightRecord> {
        if offset < self.start_offset {
            return self.behind_start.get(&offset);
        }
        self.window.get(usize::try_from(offset - self.start_offset).ok()?)
    }

    /// The in-flight window in offset order.
    pub fn records(&self) -> impl Iterator<Item = (u64, &InFlightRecord)> {
        let start = self.start_offset;
        self.window.iter().enumerate().map(move |(i, r)| (start + i as u64, r))
    }

    /// The earliest acquisition lock deadline, if any record is acquired.
    pub fn next_wakeup(&self) -> Option<Millis> {
        self.locks.first().map(|(deadline, _)| *deadline)
    }

    /// The events since the last call.
    pub fn take_events(&mut self) -> Vec<SharePartitionEvent> {
        std::mem::take(&mut self.events)
    }

    fn lock_for(
        &mut self,
        now: Millis,
        offset: u64,
        record: &mut InFlightRecord,
        member: &MemberId,
    ) -> Millis {
        let deadline = now.saturating_add(self.record_lock_duration_ms);
        if let Some(old) = record.lock_deadline.replace(deadline) {
            self.locks.remove(&(old, offset));
        }
        record.member = Some(member.clone());
        self.locks.insert((deadline, offset));
        deadline
    }

    fn unlock(
        locks: &mut BTreeSet<(Millis, u64)>,
        offset: u64,
        record: &mut InFlightRecord,
    ) -> Option<MemberId> {
        if let Some(deadline) = record.lock_deadline.take() {
            locks.remove(&(deadline, offset));
        }
        record.member.take()
    }

    /// A fetch by `member`: acquires up to `max_records` records in offset order — first those
    /// AVAILABLE again inside the window, then new ones up to the high watermark, as long as the
    /// window stays within `group.share.partition.max.record.locks` (`lastOffsetAndMaxRecordsToAcquire`).
    /// Each acquisition adds one to the record's delivery count and locks it for
    /// `group.share.record.lock.duration.ms`. A record on its last allowed delivery is handed out
    /// alone, so one poison record does not use up its neighbours' attempts.
    pub fn acquire(
        &mut self,
        now: Millis,
        member: &MemberId,
        max_records: u32,
        log_start_offset: u64,
        high_watermark: u64,
    ) -> Vec<AcquiredRecords> {
        self.update_log_start_offset(log_start_offset);
        let mut acquired: Vec<AcquiredRecords> = Vec::new();
        let mut count: u32 = 0;
        let last_attempt = self.delivery_count_limit.saturating_sub(1);
        let isolate_last_attempt = self.delivery_count_limit > 2;
        let mut deadline = now;
        // Redeliveries: AVAILABLE records already in the window.
        let mut i = 0;
        while i < self.window.len() && count < max_records {
            if self.window[i].state != RecordState::Available {
                i += 1;
                continue;
            }
            let on_last_attempt = isolate_last_attempt && self.window[i].delivery_count == last_attempt;
            if on_last_attempt && count > 0 {
                return self.finish_acquire(member, acquired, deadline);
            }
            let offset = self.start_offset + i as u64;
            let mut record = std::mem::replace(&mut self.window[i], EMPTY);
            record.state = RecordState::Acquired;
            record.delivery_count = record.delivery_count.saturating_add(1);
            deadline = self.lock_for(now, offset, &mut record, member);
            push_range(&mut acquired, offset, record.delivery_count);
            self.window[i] = record;
            count += 1;
            i += 1;
            if on_last_attempt {
                return self.finish_acquire(member, acquired, deadline);
            }
        }
        // New records, from the end of the window up to the high watermark.
        while count < max_records
            && self.window.len() + self.behind_start.len() < self.max_record_locks
            && self.next_new_offset() < high_watermark
        {
            let offset = self.next_new_offset();
            let mut record = InFlightRecord {
                state: RecordState::Acquired,
                delivery_count: 1,
                member: None,
                lock_deadline: None,
            };
            deadline = self.lock_for(now, offset, &mut record, member);
            self.window.push_back(record);
            push_range(&mut acquired, offset, 1);
            count += 1;
        }
        self.finish_acquire(member, acquired, deadline)
    }

    fn finish_acquire(
        &mut self,
        member: &MemberId,
        acquired: Vec<AcquiredRecords>,
        lock_deadline: Millis,
    ) -> Vec<AcquiredRecords> {
        for r in &acquired {
            self.events.push(SharePartitionEvent::Acquired {
                member: member.clone(),
                first_offset: r.first_offset,
                last_offset: r.last_offset,
                delivery_count: r.delivery_count,
                lock_deadline,
            });
        }
        acquired
    }

    /// `ShareAcknowledge` (or the acknowledgements piggy-backed on a `ShareFetch`) from `member`.
    /// All or nothing: the first invalid range refuses the whole request with Kafka's error and
    /// leaves every record as it was.
    ///
    /// - ACCEPT → ACKNOWLEDGED; REJECT → ARCHIVED; RELEASE → AVAILABLE, or ARCHIVED when the record
    ///   has had `group.share.delivery.count.limit` deliveries; RENEW → the lock starts again.
    /// - Offsets below the SPSO are skipped, as Kafka does ("already archived").
    /// - A range past the in-flight records is `INVALID_REQUEST`; a record that is not ACQUIRED,
    ///   or acquired by another member, is `INVALID_RECORD_STATE`.
    pub fn acknowledge(
        &mut self,
        now: Millis,
        member: &MemberId,
        batches: &[AcknowledgementBatch],
    ) -> Result<(), ShareError> {
        self.validate_acknowledgements(member, batches)?;
        for batch in batches {
            let first = batch.first_offset.max(self.start_offset);
            // Behind the SPSO: Kafka skips these; the lock expiry archives them later.
            if batch.last_offset < first {
                continue;
            }
            for offset in first..=batch.last_offset {
                let Some(i) = self.index_of(offset) else { continue };
                let mut record = std::mem::replace(&mut self.window[i], EMPTY);
                match batch.acknowledge_type {
                    AcknowledgeType::Accept => {
                        Self::unlock(&mut self.locks, offset, &mut record);
                        record.state = RecordState::Acknowledged;
                        self.events
                            .push(SharePartitionEvent::Acknowledged { member: member.clone(), offset });
                    }
                    AcknowledgeType::Reject => {
                        Self::unlock(&mut self.locks, offset, &mut record);
                        record.state = RecordState::Archived;
                        self.events.push(SharePartitionEvent::Archived {
                            member: Some(member.clone()),
                            offset,
                            reason: ArchiveReason::Rejected,
                        });
                    }
                    AcknowledgeType::Release => {
                        Self::unlock(&mut self.locks, offset, &mut record);
                        let event = self.return_record(offset, &mut record, member, ReturnCause::Released);
                        self.events.push(event);
                    }
                    AcknowledgeType::Renew => {
                        let lock_deadline = self.lock_for(now, offset, &mut record, member);
                        self.events.push(SharePartitionEvent::LockRenewed {
                            member: member.clone(),
                            offset,
                            lock_deadline,
                        });
                    }
                }
                self.window[i] = record;
            }
        }
        self.advance_start_offset();
        Ok(())
    }

    fn validate_acknowledgements(
        &self,
        member: &MemberId,
        batches: &[AcknowledgementBatch],
    ) -> Result<(), ShareError> {
        let mut ranges: Vec<(u64, u64)> = Vec::with_capacity(batches.len());
        for batch in batches {
            if batch.first_offset > batch.last_offset {
                return Err(ShareError::new(
                    ErrorCode::InvalidRequest,
                    "The first offset of an acknowledgement batch is after its last offset.",
                ));
            }
            ranges.push((batch.first_offset, batch.last_offset));
        }
        crate::core::sort::ascending(&mut ranges);
        if ranges.windows(2).any(|w| w[1].0 <= w[0].1) {
            return Err(ShareError::new(ErrorCode::InvalidRequest, "Acknowledgement batches overlap."));
        }
        let next_new = self.next_new_offset();
        for batch in batches {
            if batch.last_offset < self.start_offset {
                continue;
            }
            if batch.first_offset >= next_new {
                return Err(ShareError::new(
                    ErrorCode::InvalidRequest,
                    "Batch record not found. The first offset in request is past acquired records.",
                ));
            }
            if batch.last_offset >= next_new {
                return Err(ShareError::new(
                    ErrorCode::InvalidRequest,
                    "Batch record not found. The last offset in request is past acquired records.",
                ));
            }
            for offset in batch.first_offset.max(self.start_offset)..=batch.last_offset {
                let Some(record) = self.record(offset) else { continue };
                if record.state != RecordState::Acquired {
                    return Err(ShareError::new(
                        ErrorCode::InvalidRecordState,
                        "The batch cannot be acknowledged. The offset is not acquired.",
                    ));
                }
                if record.member.as_ref() != Some(member) {
                    return Err(ShareError::new(
                        ErrorCode::InvalidRecordState,
                        "Member is not the owner of offset",
                    ));
                }
            }
        }
        Ok(())
    }

    /// An ACQUIRED record goes back: AVAILABLE, or ARCHIVED if that was its last delivery
    /// (`InFlightState.tryUpdateState`: `deliveryCount >= maxDeliveryCount` → ARCHIVED).
    fn return_record(
        &self,
        offset: u64,
        record: &mut InFlightRecord,
        member: &MemberId,
        cause: ReturnCause,
    ) -> SharePartitionEvent {
        if record.delivery_count >= self.delivery_count_limit {
            record.state = RecordState::Archived;
            SharePartitionEvent::Archived {
                member: Some(member.clone()),
                offset,
                reason: ArchiveReason::DeliveryCountLimit(cause),
            }
        } else {
            record.state = RecordState::Available;
            SharePartitionEvent::Returned { member: member.clone(), offset, cause }
        }
    }

    fn index_of(&self, offset: u64) -> Option<usize> {
        let i = usize::try_from(offset.checked_sub(self.start_offset)?).ok()?;
        (i < self.window.len()).then_some(i)
    }

    /// Ends every acquisition lock whose deadline is `now` or earlier
    /// (`releaseAcquisitionLockOnTimeout`): the record returns to AVAILABLE for anyone, or is
    /// archived on its last delivery; one acquired behind the SPSO is archived.
    pub fn expire_locks(&mut self, now: Millis) {
        while let Some(&(deadline, offset)) = self.locks.first() {
            if deadline > now {
                break;
            }
            self.locks.remove(&(deadline, offset));
            self.return_one(offset, ReturnCause::LockExpired);
        }
        self.advance_start_offset();
    }

    /// The member's share session ended (`releaseAcquiredRecords`): everything it had acquired
    /// returns as if its locks had expired.
    pub fn release_member(&mut self, member: &MemberId) {
        let held: Vec<(Millis, u64)> = self
            .locks
            .iter()
            .copied()
            .filter(|(_, offset)| self.record(*offset).is_some_and(|r| r.member.as_ref() == Some(member)))
            .collect();
        for (deadline, offset) in held {
            self.locks.remove(&(deadline, offset));
            self.return_one(offset, ReturnCause::SessionEnded);
        }
        self.advance_start_offset();
    }

    /// The share-partition as a new leader loads it (`maybeInitialize` reads the persisted state
    /// batches): what was ACQUIRED on the old leader is AVAILABLE, its delivery count one less
    /// (acquisitions are not persisted; acknowledgements, releases and lock expiries are). Records
    /// acquired behind the SPSO are archived, as their lock expiry would have.
    pub fn reload_on_new_leader(&mut self) {
        for (_, offset) in std::mem::take(&mut self.locks) {
            if let Some(mut record) = self.behind_start.remove(&offset) {
                let member = record.member.take();
                self.events.push(SharePartitionEvent::Archived {
                    member,
                    offset,
                    reason: ArchiveReason::LogStartMoved,
                });
                continue;
            }
            let Some(i) = self.index_of(offset) else { continue };
            let record = &mut self.window[i];
            record.lock_deadline = None;
            if record.state != RecordState::Acquired {
                continue;
            }
            if let Some(member) = record.member.take() {
                record.state = RecordState::Available;
                record.delivery_count = record.delivery_count.saturating_sub(1);
                self.events.push(SharePartitionEvent::Returned {
                    member,
                    offset,
                    cause: ReturnCause::LeaderChanged,
                });
            }
        }
        self.advance_start_offset();
    }

    /// Returns one ACQUIRED record whose lock entry is already removed.
    fn return_one(&mut self, offset: u64, cause: ReturnCause) {
        if let Some(mut record) = self.behind_start.remove(&offset) {
            record.lock_deadline = None;
            let member = record.member.take();
            self.events.push(SharePartitionEvent::Archived {
                member,
                offset,
                reason: ArchiveReason::LogStartMoved,
            });
            return;
        }
        let Some(i) = self.index_of(offset) else { return };
        let mut record = std::mem::replace(&mut self.window[i], EMPTY);
        record.lock_deadline = None;
        if record.state == RecordState::Acquired {
            if let Some(member) = record.member.take() {
                let event = self.return_record(offset, &mut record, &member, cause);
                self.events.push(event);
            }
        }
        self.window[i] = record;
    }

    /// The log start offset moved (retention, delete-records) — `updateCacheAndOffsets`: the SPSO
    /// jumps to it, AVAILABLE records behind it are archived, ACQUIRED ones stay with their member
    /// until acknowledged or expired and are then archived. Nothing happens if it did not pass
    /// the SPSO. Those stragglers count against the window until they go, so memory stays
    /// bounded by `group.share.partition.max.record.locks` (Kafka keeps them in its cache too).
    pub fn update_log_start_offset(&mut self, log_start_offset: u64) {
        if log_start_offset <= self.start_offset {
            return;
        }
        let from = self.start_offset;
        while self.start_offset < log_start_offset {
            let Some(mut record) = self.window.pop_front() else { break };
            let offset = self.start_offset;
            match record.state {
                RecordState::Available => {
                    record.state = RecordState::Archived;
                    self.events.push(SharePartitionEvent::Archived {
                        member: None,
                        offset,
                        reason: ArchiveReason::LogStartMoved,
                    });
                }
                RecordState::Acquired => {
                    self.behind_start.insert(offset, record);
                }
                RecordState::Acknowledged | RecordState::Archived => {}
            }
            self.start_offset += 1;
        }
        self.start_offset = log_start_offset;
        self.events.push(SharePartitionEvent::StartOffsetMoved { from, to: log_start_offset });
        self.advance_start_offset();
    }

    /// `maybeUpdateCachedStateAndOffsets`: the SPSO moves past every acknowledged or archived
    /// record at the head of the window, and those records leave memory.
    fn advance_start_offset(&mut self) {
        let from = self.start_offset;
        while self.window.front().is_some_and(|r| r.state.is_terminal()) {
            self.window.pop_front();
            self.start_offset += 1;
        }
        if self.start_offset != from {
            self.events.push(SharePartitionEvent::StartOffsetMoved { from, to: self.start_offset });
        }
    }

    /// `kafka-share-groups --reset-offsets` (`alterShareGroupOffsets`): only while no member holds
    /// a record (Kafka requires the group to be empty). Clears the in-flight state and puts the
    /// SPSO at the log start, the high watermark, or the given offset clamped between the two.
    pub fn reset_offsets(
        &mut self,
        target: ResetTarget,
        log_start_offset: u64,
        high_watermark: u64,
    ) -> Result<(), ShareError> {
        if !self.locks.is_empty() {
            return Err(ShareError::new(ErrorCode::NonEmptyGroup, "The group is not empty."));
        }
        let high_watermark = high_watermark.max(log_start_offset);
        let to = match target {
            ResetTarget::Earliest => log_start_offset,
            ResetTarget::Latest => high_watermark,
            ResetTarget::Offset(o) => o.clamp(log_start_offset, high_watermark),
        };
        self.window.clear();
        self.behind_start.clear();
        let from = self.start_offset;
        self.start_offset = to;
        if from != to {
            self.events.push(SharePartitionEvent::StartOffsetMoved { from, to });
        }
        Ok(())
    }
}

const EMPTY: InFlightRecord =
    InFlightRecord { state: RecordState::Available, delivery_count: 0, member: None, lock_deadline: None };

/// Appends `offset` to the last range if it continues it with the same delivery count.
fn push_range(ranges: &mut Vec<AcquiredRecords>, offset: u64, delivery_count: u16) {
    if let Some(last) = ranges.last_mut() {
        if last.last_offset + 1 == offset && last.delivery_count == delivery_count {
            last.last_offset = offset;
            return;
        }
    }
    ranges.push(AcquiredRecords { first_offset: offset, last_offset: offset, delivery_count });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(id: &str) -> MemberId {
        Rc::from(id)
    }

    #[test]
    fn acquired_ranges_merge_only_when_contiguous_with_one_delivery_count() {
        let mut v = Vec::new();
        push_range(&mut v, 3, 1);
        push_range(&mut v, 4, 1);
        push_range(&mut v, 5, 2);
        push_range(&mut v, 7, 2);
        assert_eq!(
            v,
            vec![
                AcquiredRecords { first_offset: 3, last_offset: 4, delivery_count: 1 },
                AcquiredRecords { first_offset: 5, last_offset: 5, delivery_count: 2 },
                AcquiredRecords { first_offset: 7, last_offset: 7, delivery_count: 2 },
            ]
        );
    }

    #[test]
    fn share_partition_record_state_ids_are_kafkas() {
        let ids: Vec<u8> =
            [RecordState::Available, RecordState::Acquired, RecordState::Acknowledged, RecordState::Archived]
                .iter()
                .map(|s| s.id())
                .collect();
        assert_eq!(ids, vec![0, 1, 2, 4]);
        assert_eq!(AcknowledgeType::ALL.map(|t| t.id()), [1, 2, 3, 4]);
    }

    #[test]
    fn huge_acknowledgement_ranges_are_refused_without_walking_them() {
        let mut sp = SharePartition::new(&ShareGroupConfig::default(), ShareAutoOffsetReset::Earliest, 0, 10);
        let m = member("m");
        sp.acquire(0, &m, 5, 0, 10);
        let err = sp
            .acknowledge(
                0,
                &m,
                &[AcknowledgementBatch {
                    first_offset: 0,
                    last_offset: u64::MAX,
                    acknowledge_type: AcknowledgeType::Accept,
                }],
            )
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidRequest);
        assert_eq!(sp.record(0).map(|r| r.state), Some(RecordState::Acquired));
    }
}
