//! Idempotent-producer duplicate detection, as a partition leader does it
//! (`storage/.../log/ProducerStateManager.java`, `ProducerStateEntry.java`,
//! `ProducerAppendInfo.checkSequence`).
//!
//! An idempotent producer (`enable.idempotence=true`, Kafka's default) has a producer id and
//! numbers its batches per partition: each batch carries its first sequence and record count.
//! The leader remembers the last five batches per producer (`NUM_BATCHES_TO_RETAIN`):
//! - a batch with the same sequence range as one of them is a **duplicate** — a retry of a
//!   batch whose response was lost: it is acknowledged with the original offset and *not*
//!   written again;
//! - otherwise its first sequence must follow the last one (`lastSeq + 1`, wrapping after
//!   `Integer.MAX_VALUE`), else OUT_OF_ORDER_SEQUENCE_NUMBER.
//!
//! A producer without idempotence sends no producer id: every batch is appended, so a retried
//! batch is written twice ([`BatchCheck::Append`] for both).
//!
//! The table is per partition and rebuilt by a new leader from its log in Kafka; a host that
//! moves leadership keeps one table per replica and updates it as followers copy batches
//! ([`ProducerStateTable::record_replicated`]).

use super::{ReplicationError, ReplicationErrorCode};
use std::collections::{BTreeMap, VecDeque};

/// `RecordBatch.NO_PRODUCER_ID`: a producer without idempotence.
pub const NO_PRODUCER_ID: i64 = -1;

/// `ProducerStateEntry.NUM_BATCHES_TO_RETAIN`.
pub const NUM_BATCHES_TO_RETAIN: usize = 5;

/// The producer fields of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProducerBatch {
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub base_sequence: i32,
    pub record_count: u32,
}

impl ProducerBatch {
    /// `RecordBatch.lastSequence`: wraps after `Integer.MAX_VALUE`.
    pub fn last_sequence(&self) -> i32 {
        let last = self.base_sequence as i64 + self.record_count.max(1) as i64 - 1;
        if last > i32::MAX as i64 {
            (last - i32::MAX as i64 - 1) as i32
        } else {
            last as i32
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct BatchMetadata {
    first_seq: i32,
    last_seq: i32,
    first_offset: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct ProducerEntry {
    producer_epoch: i16,
    batches: VecDeque<BatchMetadata>,
}

/// What the leader does with a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchCheck {
    /// Write it (then call [`ProducerStateTable::record_append`]).
    Append,
    /// Already written at `base_offset`: acknowledge that, write nothing.
    Duplicate { base_offset: u64 },
}

/// One partition's producer state: per producer id, its epoch and last batches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProducerStateTable {
    producers: BTreeMap<i64, ProducerEntry>,
}

fn in_sequence(last_seq: i32, next_seq: i32) -> bool {
    next_seq as i64 == last_seq as i64 + 1 || (next_seq == 0 && last_seq == i32::MAX)
}

impl ProducerStateTable {
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks a batch before it is written (`UnifiedLog.analyzeAndValidateProducerState`:
    /// duplicates first, then the epoch, then the sequence).
    pub fn check(&self, batch: &ProducerBatch) -> Result<BatchCheck, ReplicationError> {
        self.check_at(batch, 0, "", 0)
    }

    /// [`ProducerStateTable::check`] for a batch that would be written at `offset` of
    /// `topic`-`partition` (named in the messages, as Kafka's are).
    pub fn check_at(
        &self,
        batch: &ProducerBatch,
        offset: u64,
        topic: &str,
        partition: u32,
    ) -> Result<BatchCheck, ReplicationError> {
        if batch.producer_id == NO_PRODUCER_ID {
            return Ok(BatchCheck::Append);
        }
        let Some(entry) = self.producers.get(&batch.producer_id) else {
            // A producer the partition has not seen (or whose state expired): any sequence.
            return Ok(BatchCheck::Append);
        };
        if batch.producer_epoch < entry.producer_epoch {
            // `ProducerAppendInfo.checkProducerEpoch`: a newer epoch of this producer has
            // written here (it bumped its epoch); the old one is refused.
            return Err(ReplicationError::new(
                ReplicationErrorCode::InvalidProducerEpoch,
                format!(
                    "Epoch of producer {} at offset {offset} in {topic}-{partition} is {}, which is smaller than the last seen epoch {}",
                    batch.producer_id, batch.producer_epoch, entry.producer_epoch
                ),
            ));
        }
        if batch.producer_epoch == entry.producer_epoch {
            let last = batch.last_sequence();
            if let Some(dup) =
                entry.batches.iter().find(|b| b.first_seq == batch.base_sequence && b.last_seq == last)
            {
                return Ok(BatchCheck::Duplicate { base_offset: dup.first_offset });
            }
            let current_last = entry.batches.back().map_or(-1, |b| b.last_seq);
            if !in_sequence(current_last, batch.base_sequence) {
                return Err(ReplicationError::new(
                    ReplicationErrorCode::OutOfOrderSequenceNumber,
                    format!(
                        "Out of order sequence number for producer {}: {} (incoming seq. number), {} (current end sequence number)",
                        batch.producer_id, batch.base_sequence, current_last
                    ),
                ));
            }
        } else if batch.base_sequence != 0 {
            return Err(ReplicationError::new(
                ReplicationErrorCode::OutOfOrderSequenceNumber,
                format!(
                    "Invalid sequence number for new epoch of producer {}: {} (request epoch), {} (seq. number), {} (current producer epoch)",
                    batch.producer_id, batch.producer_epoch, batch.base_sequence, entry.producer_epoch
                ),
            ));
        }
        Ok(BatchCheck::Append)
    }

    /// A batch was written at `base_offset` (by the leader, or copied by a follower).
    pub fn record_append(&mut self, batch: &ProducerBatch, base_offset: u64) {
        if batch.producer_id == NO_PRODUCER_ID {
            return;
        }
        let entry = self
            .producers
            .entry(batch.producer_id)
            .or_insert(ProducerEntry { producer_epoch: batch.producer_epoch, batches: VecDeque::new() });
        if entry.producer_epoch != batch.producer_epoch {
            entry.producer_epoch = batch.producer_epoch;
            entry.batches.clear();
        }
        entry.batches.push_back(BatchMetadata {
            first_seq: batch.base_sequence,
            last_seq: batch.last_sequence(),
            first_offset: base_offset,
        });
        while entry.batches.len() > NUM_BATCHES_TO_RETAIN {
            entry.batches.pop_front();
        }
    }

    /// A follower copied a batch: the same bookkeeping, so it can dedupe once it leads.
    pub fn record_replicated(&mut self, batch: &ProducerBatch, base_offset: u64) {
        self.record_append(batch, base_offset);
    }

    /// The log was truncated to `end_offset` (a follower matching a new leader): batches at or
    /// past it are forgotten, as Kafka reloads producer state from the truncated log.
    pub fn truncate_to(&mut self, end_offset: u64) {
        for entry in self.producers.values_mut() {
            entry.batches.retain(|b| b.first_offset < end_offset);
        }
        self.producers.retain(|_, e| !e.batches.is_empty());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(seq: i32, count: u32) -> ProducerBatch {
        ProducerBatch { producer_id: 7, producer_epoch: 0, base_sequence: seq, record_count: count }
    }

    /// ProducerStateEntry.findDuplicateBatch: a retried batch already written is acknowledged
    /// with its first offset, not written again.
    #[test]
    fn retried_batch_is_a_duplicate() {
        let mut t = ProducerStateTable::new();
        assert_eq!(t.check(&batch(0, 3)), Ok(BatchCheck::Append));
        t.record_append(&batch(0, 3), 10);
        assert_eq!(t.check(&batch(0, 3)), Ok(BatchCheck::Duplicate { base_offset: 10 }));
        assert_eq!(t.check(&batch(3, 2)), Ok(BatchCheck::Append));
    }

    /// Without idempotence there is no producer id: the retry is appended again.
    #[test]
    fn without_idempotence_a_retry_is_written_twice() {
        let mut t = ProducerStateTable::new();
        let plain = ProducerBatch { producer_id: NO_PRODUCER_ID, ..batch(0, 3) };
        t.record_append(&plain, 0);
        assert_eq!(t.check(&plain), Ok(BatchCheck::Append));
    }

    /// ProducerAppendInfo.checkSequence: a gap is OUT_OF_ORDER_SEQUENCE_NUMBER; a new epoch
    /// starts at 0; sequences wrap after Integer.MAX_VALUE.
    #[test]
    fn sequences_must_follow_on() {
        let mut t = ProducerStateTable::new();
        t.record_append(&batch(0, 3), 0);
        let err = t.check(&batch(5, 1)).unwrap_err();
        assert_eq!(err.code, ReplicationErrorCode::OutOfOrderSequenceNumber);
        let bumped = ProducerBatch { producer_epoch: 1, ..batch(4, 1) };
        assert!(t.check(&bumped).is_err());
        assert_eq!(t.check(&ProducerBatch { producer_epoch: 1, ..batch(0, 1) }), Ok(BatchCheck::Append));
        t.record_append(&ProducerBatch { producer_epoch: 1, ..batch(0, 1) }, 3);
        let old = t.check_at(&batch(3, 1), 4, "orders", 0).unwrap_err();
        assert_eq!(old.code, ReplicationErrorCode::InvalidProducerEpoch);
        assert_eq!(
            old.message,
            "Epoch of producer 7 at offset 4 in orders-0 is 0, which is smaller than the last seen epoch 1"
        );
        let high = ProducerBatch { base_sequence: i32::MAX - 1, ..batch(0, 3) };
        assert_eq!(high.last_sequence(), 0);
    }

    /// Only the last five batches are remembered.
    #[test]
    fn five_batches_are_retained() {
        let mut t = ProducerStateTable::new();
        for i in 0..6 {
            t.record_append(&batch(i, 1), i as u64);
        }
        assert!(t.check(&batch(0, 1)).is_err(), "forgotten: out of order now");
        assert_eq!(t.check(&batch(1, 1)), Ok(BatchCheck::Duplicate { base_offset: 1 }));
        t.truncate_to(3);
        assert_eq!(t.check(&batch(3, 1)), Ok(BatchCheck::Append));
    }
}
