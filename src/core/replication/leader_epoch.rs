//! Leader epochs on a replica's log, and what a follower cuts off when the leader changes
//! (KIP-101, KIP-279).
//!
//! Every replica keeps a *leader-epoch cache*: for each leader epoch, the first offset written
//! in it (`storage/.../epoch/LeaderEpochFileCache.java`). A new leader adds its epoch at its log
//! end when it takes over (`Partition.makeLeader`); a follower adds the epochs of the batches it
//! copies. When a follower fetches, it says which epoch its last record has; the leader answers
//! with where that epoch ends in *its* log (`Partition.readRecords`, the diverging epoch), and
//! the follower truncates (`AbstractFetcherThread.getOffsetTruncationState`), asking again
//! until both logs agree. Records a follower had past that point are gone — with `acks=1`, even
//! acknowledged ones: [`truncate_follower`] says exactly which offsets.

use serde::{Deserialize, Serialize};
use std::ops::Range;

/// One entry: `epoch` began at `start_offset` (`EpochEntry`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpochEntry {
    pub epoch: i32,
    pub start_offset: u64,
}

/// `LeaderEpochFileCache`, in memory: entries with epochs and start offsets both increasing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaderEpochCache {
    entries: Vec<EpochEntry>,
}

impl LeaderEpochCache {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn entries(&self) -> &[EpochEntry] {
        &self.entries
    }

    pub fn latest_epoch(&self) -> Option<i32> {
        self.entries.last().map(|e| e.epoch)
    }

    /// `assign(epoch, startOffset)`: records that `epoch` starts at `start_offset`. Nothing
    /// changes if it is the latest epoch already, starting no later; entries that would no
    /// longer be monotonic (an epoch ≥ this one, or a start offset ≥ this one) are dropped
    /// first. Negative epochs are ignored (Kafka throws).
    pub fn assign(&mut self, epoch: i32, start_offset: u64) {
        if epoch < 0 {
            return;
        }
        if let Some(latest) = self.entries.last() {
            if latest.epoch == epoch && start_offset >= latest.start_offset {
                return;
            }
        }
        self.entries.retain(|e| e.epoch < epoch && e.start_offset < start_offset);
        self.entries.push(EpochEntry { epoch, start_offset });
    }

    /// `endOffsetFor(requestedEpoch, logEndOffset)`: the largest epoch ≤ `requested` and where
    /// it ends (the start of the next epoch, or the log end for the latest epoch). `None` is
    /// Kafka's UNDEFINED_EPOCH_OFFSET (nothing known about that epoch).
    pub fn end_offset_for(&self, requested: i32, log_end_offset: u64) -> Option<(i32, u64)> {
        if requested < 0 {
            return None;
        }
        if self.latest_epoch() == Some(requested) {
            return Some((requested, log_end_offset));
        }
        let higher = self.entries.iter().find(|e| e.epoch > requested)?;
        match self.entries.iter().rev().find(|e| e.epoch <= requested) {
            // Older than anything cached: the data before is gone; start where we know.
            None => Some((requested, higher.start_offset)),
            Some(floor) => Some((floor.epoch, higher.start_offset)),
        }
    }

    /// `truncateFromEnd(endOffset)`: forget epochs starting at or after `end_offset` (the log
    /// was truncated there).
    pub fn truncate_from_end(&mut self, end_offset: u64) {
        self.entries.retain(|e| e.start_offset < end_offset);
    }

    /// `truncateFromStart(startOffset)`: retention removed everything before `start_offset`;
    /// the epoch covering it now starts there.
    pub fn truncate_from_start(&mut self, start_offset: u64) {
        let covering = self.entries.iter().rposition(|e| e.start_offset <= start_offset);
        if let Some(i) = covering {
            self.entries.drain(..i);
            self.entries[0].start_offset = start_offset;
        }
    }

    /// The epoch of the record at `offset`, if the cache covers it.
    pub fn epoch_for_offset(&self, offset: u64) -> Option<i32> {
        self.entries.iter().rev().find(|e| e.start_offset <= offset).map(|e| e.epoch)
    }
}

/// What a follower cut off to match its leader: its log now ends at `truncate_to`, and the
/// offsets in `lost` (its old log end excluded) are gone from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Truncation {
    pub truncate_to: u64,
    pub lost: Range<u64>,
}

/// A follower reconciles its log with the leader's: the fetch-with-last-epoch exchange
/// (`Partition.readRecords` on the leader, `AbstractFetcherThread.getOffsetTruncationState` on
/// the follower), repeated until they agree. Truncates `follower` (the cache) and returns the
/// offset its log must be truncated to; `follower_high_watermark` is Kafka's fallback when the
/// leader knows nothing of the epoch.
pub fn truncate_follower(
    follower: &mut LeaderEpochCache,
    follower_log_end: u64,
    follower_high_watermark: u64,
    leader: &LeaderEpochCache,
    leader_log_end: u64,
) -> Truncation {
    let mut end = follower_log_end;
    // Each round drops at least one follower epoch, so this ends; the bound is belt and braces.
    for _ in 0..=follower.entries.len() + 1 {
        let Some(last_fetched_epoch) = follower.latest_epoch() else { break };
        let Some((epoch, epoch_end)) = leader.end_offset_for(last_fetched_epoch, leader_log_end) else {
            end = end.min(follower_high_watermark);
            break;
        };
        if epoch >= last_fetched_epoch && epoch_end >= end {
            break; // no divergence: the follower's log is a prefix of the leader's
        }
        match follower.end_offset_for(epoch, end) {
            Some((follower_epoch, follower_end)) if follower_epoch != epoch => {
                // The follower never saw the leader's epoch: cut back to the end of its own
                // older epoch and ask again.
                end = end.min(follower_end);
                follower.truncate_from_end(end);
            }
            Some((_, follower_end)) => {
                end = end.min(follower_end).min(epoch_end);
                break;
            }
            None => {
                end = end.min(epoch_end);
                break;
            }
        }
    }
    follower.truncate_from_end(end);
    Truncation { truncate_to: end, lost: end..follower_log_end.max(end) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(entries: &[(i32, u64)]) -> LeaderEpochCache {
        let mut c = LeaderEpochCache::new();
        for &(e, o) in entries {
            c.assign(e, o);
        }
        c
    }

    /// LeaderEpochFileCacheTest: the latest epoch ends at the log end; an older one where the
    /// next begins; one below all cached returns the first start offset; above all is undefined.
    #[test]
    fn end_offset_for_follows_leader_epoch_file_cache() {
        let c = cache(&[(2, 6), (4, 11), (6, 15)]);
        assert_eq!(c.end_offset_for(6, 20), Some((6, 20)));
        assert_eq!(c.end_offset_for(4, 20), Some((4, 15)));
        assert_eq!(c.end_offset_for(5, 20), Some((4, 15)));
        assert_eq!(c.end_offset_for(1, 20), Some((1, 6)));
        assert_eq!(c.end_offset_for(7, 20), None);
        assert_eq!(c.end_offset_for(-1, 20), None);
    }

    /// LeaderEpochFileCache.assign drops entries that would break monotonicity.
    #[test]
    fn assign_keeps_epochs_and_offsets_increasing() {
        let mut c = cache(&[(1, 0), (2, 5), (3, 9)]);
        c.assign(3, 12); // same epoch, later start: no change
        assert_eq!(c.entries().last(), Some(&EpochEntry { epoch: 3, start_offset: 9 }));
        c.assign(4, 7); // start before epoch 3's: epoch 3 goes
        assert_eq!(
            c.entries(),
            &[
                EpochEntry { epoch: 1, start_offset: 0 },
                EpochEntry { epoch: 2, start_offset: 5 },
                EpochEntry { epoch: 4, start_offset: 7 }
            ]
        );
        c.truncate_from_end(7);
        assert_eq!(c.latest_epoch(), Some(2));
        c.truncate_from_start(6);
        assert_eq!(c.entries(), &[EpochEntry { epoch: 2, start_offset: 6 }]);
        assert_eq!(c.epoch_for_offset(6), Some(2));
    }

    /// KIP-101's scenario: leader A (epoch 0) wrote 0..3 and acknowledged 2 with acks=1, B had
    /// only 0..2 when A died; B leads epoch 1 and writes offset 2 anew. A returns: it truncates
    /// to 2 and offset 2 of epoch 0 is lost.
    #[test]
    fn returning_leader_truncates_what_the_new_leader_never_had() {
        let mut a = cache(&[(0, 0)]);
        let b = cache(&[(0, 0), (1, 2)]);
        let t = truncate_follower(&mut a, 3, 2, &b, 3);
        assert_eq!(t, Truncation { truncate_to: 2, lost: 2..3 });
        assert_eq!(a.latest_epoch(), Some(0));
    }

    /// KIP-279: the follower's epochs the leader never saw (two quick leader changes) are cut
    /// back round by round.
    #[test]
    fn follower_with_an_epoch_unknown_to_the_leader_takes_several_rounds() {
        // Follower: epoch 0 at 0, epoch 2 at 4 (it led briefly), log end 6.
        // Leader: epoch 0 at 0, epoch 1 at 3, epoch 3 at 5, log end 8.
        let mut f = cache(&[(0, 0), (2, 4)]);
        let l = cache(&[(0, 0), (1, 3), (3, 5)]);
        let t = truncate_follower(&mut f, 6, 3, &l, 8);
        assert_eq!(t.truncate_to, 3);
        assert_eq!(t.lost, 3..6);
        assert_eq!(f.latest_epoch(), Some(0));
    }

    /// A follower that is merely behind loses nothing.
    #[test]
    fn a_follower_behind_loses_nothing() {
        let mut f = cache(&[(0, 0), (1, 4)]);
        let l = cache(&[(0, 0), (1, 4), (2, 9)]);
        let t = truncate_follower(&mut f, 6, 6, &l, 12);
        assert_eq!(t, Truncation { truncate_to: 6, lost: 6..6 });
    }
}
