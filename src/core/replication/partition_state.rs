//! One partition's replication state as its leader keeps it
//! (`core/src/main/scala/kafka/cluster/Partition.scala` and `Replica.scala`).
//!
//! The leader knows, per follower, the log end offset (LEO) of its last fetch and the last time
//! it was *caught up*; from those it keeps the ISR and the high watermark:
//! - **Caught up** (`ReplicaState.isCaughtUp`): the follower's LEO equals the leader's, or it
//!   last reached the leader's LEO no more than `replica.lag.time.max.ms` ago.
//! - **ISR shrink** (`maybeShrinkIsr`): an ISR follower that is not caught up leaves.
//! - **ISR expand** (`maybeExpandIsr`): a follower joins when its LEO reaches the high watermark
//!   and the start of the current leader epoch.
//! - **High watermark** (`maybeIncrementLeaderHW`): the least LEO over the ISR (and over
//!   followers caught up enough to join it); it never moves back on a leader, and does not
//!   move while the ISR is smaller than `min.insync.replicas` (effective: at most the
//!   replication factor).
//! - **acks** (`appendRecordsToLeader`, `checkEnoughReplicasReachOffset`): with `acks=all` a
//!   write to an ISR smaller than `min.insync.replicas` is refused (NOT_ENOUGH_REPLICAS); one
//!   appended and then replicated to an ISR that shrank below it is answered
//!   NOT_ENOUGH_REPLICAS_AFTER_APPEND.
//!
//! The log itself lives with the broker (the records, the [`LeaderEpochCache`]); this holds the
//! leader's numbers. Simplified: ISR changes take effect at once (see the module above).

use super::config::Acks;
use super::leader_epoch::LeaderEpochCache;
use super::{BrokerId, ReplicationError, ReplicationErrorCode};
use crate::core::sort::CollectTree;
use std::collections::{BTreeMap, BTreeSet};

/// What the leader knows of one follower (`ReplicaState`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowerState {
    /// LEO from the follower's last fetch; `None` until it fetches from this leader.
    pub log_end_offset: Option<u64>,
    /// The leader's LEO when that fetch arrived.
    pub last_fetch_leader_log_end_offset: Option<u64>,
    /// When that fetch arrived (`None`: no fetch counted yet under this leader epoch).
    pub last_fetch_time_ms: Option<u64>,
    /// The latest time the follower had everything the leader had (`None`: not since this
    /// leader took over; Kafka writes 0 there, which on a wall clock is long ago).
    pub last_caught_up_time_ms: Option<u64>,
}

impl FollowerState {
    /// `ReplicaState.isCaughtUp`.
    pub fn is_caught_up(&self, leader_log_end: u64, now: u64, max_lag_ms: u64) -> bool {
        self.log_end_offset == Some(leader_log_end)
            || self.last_caught_up_time_ms.is_some_and(|t| now.saturating_sub(t) <= max_lag_ms)
    }
}

/// An ISR change the leader made (its `AlterPartition`), for the controller and the narration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IsrChange {
    pub isr: Vec<BrokerId>,
    pub added: Vec<BrokerId>,
    pub removed: Vec<BrokerId>,
}

/// What the leader does after appending a produce batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckAfterAppend {
    /// `acks=0`: the producer never hears back.
    Never,
    /// `acks=1`: answer now.
    Now,
    /// `acks=all`: answer when [`PartitionState::check_enough_replicas_reach_offset`] says so
    /// for this offset (the batch's last offset + 1), or time out.
    WhenReplicated(u64),
}

/// An appended batch (`LogAppendInfo`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppendInfo {
    pub base_offset: u64,
    pub last_offset: u64,
    pub ack: AckAfterAppend,
    /// The high watermark moved (a single-replica ISR commits at once).
    pub high_watermark_moved: bool,
}

/// One partition as its leader keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionState {
    topic: String,
    partition: u32,
    leader: BrokerId,
    replicas: Vec<BrokerId>,
    isr: Vec<BrokerId>,
    leader_epoch: i32,
    leader_epoch_start_offset: u64,
    log_end_offset: u64,
    high_watermark: u64,
    followers: BTreeMap<BrokerId, FollowerState>,
    /// Brokers fenced or in controlled shutdown: they may not join the ISR
    /// (`isReplicaIsrEligible`).
    ineligible: BTreeSet<BrokerId>,
    min_insync_replicas: u32,
    replica_lag_time_max_ms: u64,
}

fn not_leader(topic: &str, partition: u32, broker: BrokerId) -> ReplicationError {
    ReplicationError::new(
        ReplicationErrorCode::NotLeaderOrFollower,
        format!("Leader not local for partition {topic}-{partition} on broker {broker}"),
    )
}

/// Scala's `Set(1, 2)`, as Kafka's ISR messages print it.
fn scala_set(ids: &[BrokerId]) -> String {
    let inner: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
    format!("Set({})", inner.join(", "))
}

impl PartitionState {
    /// `Partition.makeLeader` on a broker that was not leading: followers start unknown, those
    /// in the ISR counted as caught up now; the new epoch starts at the leader's log end and is
    /// added to its epoch cache. `high_watermark` is what the broker had as a follower.
    #[allow(clippy::too_many_arguments)]
    pub fn make_leader(
        now: u64,
        topic: &str,
        partition: u32,
        leader: BrokerId,
        replicas: &[BrokerId],
        isr: &[BrokerId],
        leader_epoch: i32,
        log_end_offset: u64,
        high_watermark: u64,
        epoch_cache: &mut LeaderEpochCache,
        min_insync_replicas: u32,
        replica_lag_time_max_ms: u64,
    ) -> Self {
        epoch_cache.assign(leader_epoch, log_end_offset);
        let followers = replicas
            .iter()
            .filter(|&&r| r != leader)
            .map(|&r| {
                let in_sync = isr.contains(&r);
                (
                    r,
                    FollowerState {
                        log_end_offset: None,
                        last_fetch_leader_log_end_offset: None,
                        last_fetch_time_ms: None,
                        last_caught_up_time_ms: in_sync.then_some(now),
                    },
                )
            })
            .collect_map();
        let mut state = PartitionState {
            topic: topic.to_string(),
            partition,
            leader,
            replicas: replicas.to_vec(),
            isr: isr.to_vec(),
            leader_epoch,
            leader_epoch_start_offset: log_end_offset,
            log_end_offset,
            high_watermark: high_watermark.min(log_end_offset),
            followers,
            ineligible: BTreeSet::new(),
            min_insync_replicas: min_insync_replicas.max(1),
            replica_lag_time_max_ms,
        };
        state.maybe_increment_high_watermark(now);
        state
    }

    /// The controller changed the partition while this broker stays its leader (`makeLeader`
    /// again): the new ISR and replicas apply; a new leader epoch resets the followers' fetch
    /// state (kept LEOs, caught up now if in the ISR) and starts at the current log end.
    pub fn update_from_controller(
        &mut self,
        now: u64,
        replicas: &[BrokerId],
        isr: &[BrokerId],
        leader_epoch: i32,
        epoch_cache: &mut LeaderEpochCache,
    ) -> bool {
        if leader_epoch > self.leader_epoch {
            epoch_cache.assign(leader_epoch, self.log_end_offset);
            self.leader_epoch = leader_epoch;
            self.leader_epoch_start_offset = self.log_end_offset;
            for (id, f) in self.followers.iter_mut() {
                let in_sync = isr.contains(id);
                f.last_fetch_leader_log_end_offset = Some(self.log_end_offset);
                f.last_fetch_time_ms = in_sync.then_some(now);
                f.last_caught_up_time_ms = in_sync.then_some(now);
            }
        }
        self.replicas = replicas.to_vec();
        self.isr = isr.to_vec();
        let leader = self.leader;
        self.followers.retain(|id, _| replicas.contains(id) && *id != leader);
        for &r in replicas.iter().filter(|&&r| r != leader) {
            self.followers.entry(r).or_insert(FollowerState {
                log_end_offset: None,
                last_fetch_leader_log_end_offset: None,
                last_fetch_time_ms: None,
                last_caught_up_time_ms: None,
            });
        }
        self.maybe_increment_high_watermark(now)
    }

    pub fn topic(&self) -> &str {
        &self.topic
    }
    pub fn partition(&self) -> u32 {
        self.partition
    }
    pub fn leader(&self) -> BrokerId {
        self.leader
    }
    pub fn replicas(&self) -> &[BrokerId] {
        &self.replicas
    }
    pub fn isr(&self) -> &[BrokerId] {
        &self.isr
    }
    pub fn leader_epoch(&self) -> i32 {
        self.leader_epoch
    }
    pub fn log_end_offset(&self) -> u64 {
        self.log_end_offset
    }
    pub fn high_watermark(&self) -> u64 {
        self.high_watermark
    }
    pub fn follower(&self, id: BrokerId) -> Option<&FollowerState> {
        self.followers.get(&id)
    }
    pub fn min_insync_replicas(&self) -> u32 {
        self.min_insync_replicas
    }

    /// `effectiveMinIsr`: `min.insync.replicas`, but never above the replication factor.
    pub fn effective_min_isr(&self) -> usize {
        (self.min_insync_replicas as usize).min(self.followers.len() + 1)
    }

    /// `isUnderMinIsr`.
    pub fn is_under_min_isr(&self) -> bool {
        self.isr.len() < self.effective_min_isr()
    }

    /// `isUnderReplicated`.
    pub fn is_under_replicated(&self) -> bool {
        self.isr.len() < self.replicas.len()
    }

    /// A broker was fenced or began a controlled shutdown (`false`), or came back (`true`).
    pub fn set_isr_eligible(&mut self, broker: BrokerId, eligible: bool) {
        if eligible {
            self.ineligible.remove(&broker);
        } else {
            self.ineligible.insert(broker);
        }
    }

    /// `min.insync.replicas` changed (a topic config change).
    pub fn set_min_insync_replicas(&mut self, now: u64, value: u32) -> bool {
        self.min_insync_replicas = value.max(1);
        self.maybe_increment_high_watermark(now)
    }

    /// `appendRecordsToLeader`: `count` records at the log end, in the current leader epoch
    /// (the caller writes them to its log at `base_offset`). `acks=all` with the ISR below
    /// `min.insync.replicas` is refused before anything is written.
    pub fn append_records_to_leader(
        &mut self,
        now: u64,
        acks: Acks,
        count: u64,
    ) -> Result<AppendInfo, ReplicationError> {
        if count == 0 {
            return Err(ReplicationError::new(
                ReplicationErrorCode::InvalidRecord,
                "a produce batch holds at least one record",
            ));
        }
        let min_isr = self.effective_min_isr();
        if acks == Acks::All && self.isr.len() < min_isr {
            return Err(ReplicationError::new(
                ReplicationErrorCode::NotEnoughReplicas,
                format!(
                    "The size of the current ISR {} is insufficient to satisfy the min.isr requirement of {min_isr} for partition {}-{}",
                    scala_set(&self.isr),
                    self.topic,
                    self.partition
                ),
            ));
        }
        let base_offset = self.log_end_offset;
        self.log_end_offset += count;
        let high_watermark_moved = self.maybe_increment_high_watermark(now);
        let ack = match acks {
            Acks::Zero => AckAfterAppend::Never,
            Acks::One => AckAfterAppend::Now,
            Acks::All => AckAfterAppend::WhenReplicated(self.log_end_offset),
        };
        Ok(AppendInfo { base_offset, last_offset: self.log_end_offset - 1, ack, high_watermark_moved })
    }

    /// `checkEnoughReplicasReachOffset` for an `acks=all` batch ending before
    /// `required_offset`: `Ok(true)` answer success, `Ok(false)` keep waiting, `Err` answer
    /// NOT_ENOUGH_REPLICAS_AFTER_APPEND (written and replicated, but the ISR shrank below
    /// `min.insync.replicas` meanwhile).
    pub fn check_enough_replicas_reach_offset(&self, required_offset: u64) -> Result<bool, ReplicationError> {
        if self.high_watermark < required_offset {
            return Ok(false);
        }
        if self.effective_min_isr() <= self.isr.len() {
            Ok(true)
        } else {
            Err(ReplicationError::new(ReplicationErrorCode::NotEnoughReplicasAfterAppend, ""))
        }
    }

    /// `updateFollowerFetchState`: follower `id` fetched at `fetch_offset` (its LEO). Updates its
    /// caught-up time (`Replica.updateFetchStateOrThrow`), adds it to the ISR if it qualifies,
    /// and moves the high watermark. Returns the ISR change, if any, and whether the high
    /// watermark moved.
    pub fn update_follower_fetch_state(
        &mut self,
        now: u64,
        id: BrokerId,
        fetch_offset: u64,
    ) -> Result<(Option<IsrChange>, bool), ReplicationError> {
        let leader_end = self.log_end_offset;
        let Some(f) = self.followers.get_mut(&id) else {
            return Err(not_leader(&self.topic, self.partition, id));
        };
        if fetch_offset > leader_end {
            return Err(ReplicationError::new(
                ReplicationErrorCode::OffsetOutOfRange,
                format!(
                    "Received request for offset {fetch_offset} for partition {}-{}, but we only have log segments upto {leader_end}.",
                    self.topic, self.partition
                ),
            ));
        }
        let previous_end = f.log_end_offset;
        let caught_up = if fetch_offset >= leader_end {
            f.last_caught_up_time_ms.max(Some(now))
        } else if f.last_fetch_leader_log_end_offset.is_some_and(|o| fetch_offset >= o) {
            f.last_caught_up_time_ms.max(f.last_fetch_time_ms)
        } else {
            f.last_caught_up_time_ms
        };
        f.log_end_offset = Some(fetch_offset);
        f.last_fetch_leader_log_end_offset =
            Some(f.last_fetch_leader_log_end_offset.map_or(leader_end, |o| o.max(leader_end)));
        f.last_fetch_time_ms = Some(now);
        f.last_caught_up_time_ms = caught_up;
        let change = self.maybe_expand_isr(id);
        let moved = if previous_end != Some(fetch_offset) || change.is_some() {
            self.maybe_increment_high_watermark(now)
        } else {
            false
        };
        Ok((change, moved))
    }

    /// `maybeExpandIsr`: a follower joins when it has reached the high watermark and the start
    /// of this leader epoch (so it holds everything committed) and may join (not fenced, not
    /// shutting down).
    fn maybe_expand_isr(&mut self, id: BrokerId) -> Option<IsrChange> {
        if self.isr.contains(&id) || self.ineligible.contains(&id) {
            return None;
        }
        let end = self.followers.get(&id)?.log_end_offset?;
        if end >= self.high_watermark && end >= self.leader_epoch_start_offset {
            self.isr.push(id);
            return Some(IsrChange { isr: self.isr.clone(), added: vec![id], removed: vec![] });
        }
        None
    }

    /// `getOutOfSyncReplicas`: ISR followers not caught up for `replica.lag.time.max.ms`.
    pub fn out_of_sync_replicas(&self, now: u64) -> Vec<BrokerId> {
        self.isr
            .iter()
            .filter(|&&r| r != self.leader)
            .filter(|r| {
                self.followers
                    .get(r)
                    .is_none_or(|f| !f.is_caught_up(self.log_end_offset, now, self.replica_lag_time_max_ms))
            })
            .copied()
            .collect()
    }

    /// When the next follower could fall out of the ISR if nothing changes: the host's wakeup.
    pub fn next_shrink_check(&self) -> Option<u64> {
        self.isr
            .iter()
            .filter_map(|r| self.followers.get(r))
            .filter(|f| f.log_end_offset != Some(self.log_end_offset))
            .map(|f| {
                f.last_caught_up_time_ms
                    .map_or(0, |t| t.saturating_add(self.replica_lag_time_max_ms).saturating_add(1))
            })
            .min()
    }

    /// `maybeShrinkIsr`: drop out-of-sync followers (Kafka checks every
    /// `replica.lag.time.max.ms / 2`; the host may call this at any time). The high watermark
    /// may move once a laggard no longer holds it back.
    pub fn maybe_shrink_isr(&mut self, now: u64) -> Option<(IsrChange, bool)> {
        let removed = self.out_of_sync_replicas(now);
        if removed.is_empty() {
            return None;
        }
        self.isr.retain(|r| !removed.contains(r));
        let moved = self.maybe_increment_high_watermark(now);
        Some((IsrChange { isr: self.isr.clone(), added: vec![], removed }, moved))
    }

    /// `maybeIncrementLeaderHW`: the least LEO over the ISR and the followers caught up enough
    /// to join it; only forward, and not while under `min.insync.replicas`.
    pub fn maybe_increment_high_watermark(&mut self, now: u64) -> bool {
        if self.is_under_min_isr() {
            return false;
        }
        let mut new_hw = self.log_end_offset;
        for (id, f) in &self.followers {
            let end = f.log_end_offset.unwrap_or(0);
            let counts = self.isr.contains(id)
                || (f.is_caught_up(self.log_end_offset, now, self.replica_lag_time_max_ms)
                    && !self.ineligible.contains(id));
            if counts && end < new_hw {
                new_hw = end;
            }
        }
        if new_hw > self.high_watermark {
            self.high_watermark = new_hw;
            true
        } else {
            false
        }
    }
}

/// What a follower takes as its high watermark from a fetch response: the leader's, but never
/// past what it has itself (`ReplicaFetcherThread.processPartitionData`).
pub fn follower_high_watermark(leader_high_watermark: u64, follower_log_end: u64) -> u64 {
    leader_high_watermark.min(follower_log_end)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAG: u64 = 30_000;

    fn leader_of_three(min_isr: u32) -> (PartitionState, LeaderEpochCache) {
        let mut cache = LeaderEpochCache::new();
        let p = PartitionState::make_leader(
            0,
            "orders",
            0,
            BrokerId(1),
            &BrokerId::list(&[1, 2, 3]),
            &BrokerId::list(&[1, 2, 3]),
            0,
            0,
            0,
            &mut cache,
            min_isr,
            LAG,
        );
        (p, cache)
    }

    /// Partition.maybeIncrementLeaderHW: the high watermark is the least LEO over the ISR.
    #[test]
    fn high_watermark_is_the_least_isr_log_end() {
        let (mut p, _) = leader_of_three(1);
        let info = p.append_records_to_leader(10, Acks::All, 5).unwrap();
        assert_eq!((info.base_offset, info.last_offset), (0, 4));
        assert_eq!(info.ack, AckAfterAppend::WhenReplicated(5));
        assert_eq!(p.high_watermark(), 0);
        p.update_follower_fetch_state(20, BrokerId(2), 5).unwrap();
        assert_eq!(p.high_watermark(), 0, "follower 3 has not fetched");
        assert_eq!(p.check_enough_replicas_reach_offset(5), Ok(false));
        p.update_follower_fetch_state(20, BrokerId(3), 3).unwrap();
        assert_eq!(p.high_watermark(), 3);
        p.update_follower_fetch_state(30, BrokerId(3), 5).unwrap();
        assert_eq!(p.high_watermark(), 5);
        assert_eq!(p.check_enough_replicas_reach_offset(5), Ok(true));
    }

    /// Partition.maybeShrinkIsr / ReplicaState.isCaughtUp: a follower not caught up for
    /// replica.lag.time.max.ms leaves the ISR, and the high watermark no longer waits for it.
    #[test]
    fn lagging_follower_leaves_the_isr_after_the_lag_time() {
        let (mut p, _) = leader_of_three(1);
        p.append_records_to_leader(0, Acks::One, 4).unwrap();
        assert_eq!(p.next_shrink_check(), Some(LAG + 1), "the host's wakeup");
        p.update_follower_fetch_state(100, BrokerId(2), 4).unwrap();
        assert_eq!(p.maybe_shrink_isr(LAG), None, "3 was caught up at 0: not yet");
        let (change, moved) = p.maybe_shrink_isr(LAG + 1).unwrap();
        assert_eq!(
            change,
            IsrChange { isr: BrokerId::list(&[1, 2]), added: vec![], removed: BrokerId::list(&[3]) }
        );
        assert!(moved);
        assert_eq!(p.high_watermark(), 4);
    }

    /// Partition.maybeExpandIsr: a follower rejoins when it reaches the high watermark.
    #[test]
    fn follower_rejoins_when_it_reaches_the_high_watermark() {
        let (mut p, _) = leader_of_three(1);
        p.append_records_to_leader(0, Acks::One, 4).unwrap();
        p.update_follower_fetch_state(10, BrokerId(2), 4).unwrap();
        p.maybe_shrink_isr(LAG + 1).unwrap();
        p.append_records_to_leader(LAG + 2, Acks::One, 2).unwrap();
        let (change, _) = p.update_follower_fetch_state(LAG + 3, BrokerId(3), 2).unwrap();
        assert_eq!(change, None, "below the high watermark (4)");
        let (change, _) = p.update_follower_fetch_state(LAG + 4, BrokerId(3), 4).unwrap();
        assert_eq!(change.unwrap().added, vec![3]);
        assert_eq!(p.isr(), &[1, 2, 3]);
    }

    /// Partition.appendRecordsToLeader: acks=all below min.insync.replicas is refused with
    /// Kafka's message; acks=1 is written.
    #[test]
    fn acks_all_below_min_isr_is_not_enough_replicas() {
        let (mut p, _) = leader_of_three(2);
        p.maybe_shrink_isr(LAG + 1).unwrap();
        assert_eq!(p.isr(), &[1]);
        let err = p.append_records_to_leader(LAG + 1, Acks::All, 1).unwrap_err();
        assert_eq!(
            err.to_string(),
            "NOT_ENOUGH_REPLICAS: The size of the current ISR Set(1) is insufficient to satisfy the min.isr requirement of 2 for partition orders-0"
        );
        assert_eq!(p.log_end_offset(), 0, "nothing written");
        let info = p.append_records_to_leader(LAG + 1, Acks::One, 1).unwrap();
        assert_eq!(info.ack, AckAfterAppend::Now);
        assert_eq!(p.high_watermark(), 0, "under min ISR the high watermark stays");
    }

    /// Partition.checkEnoughReplicasReachOffset: appended, replicated, but the ISR shrank
    /// below min.insync.replicas: NOT_ENOUGH_REPLICAS_AFTER_APPEND.
    #[test]
    fn isr_shrinking_after_append_is_not_enough_replicas_after_append() {
        let mut cache = LeaderEpochCache::new();
        let mut p = PartitionState::make_leader(
            0,
            "orders",
            0,
            BrokerId(1),
            &BrokerId::list(&[1, 2]),
            &BrokerId::list(&[1, 2]),
            0,
            0,
            0,
            &mut cache,
            2,
            LAG,
        );
        p.append_records_to_leader(0, Acks::All, 3).unwrap();
        p.update_follower_fetch_state(5, BrokerId(2), 3).unwrap();
        assert_eq!(p.high_watermark(), 3);
        p.append_records_to_leader(10, Acks::One, 1).unwrap();
        p.maybe_shrink_isr(LAG + 10).unwrap();
        let err = p.check_enough_replicas_reach_offset(3).unwrap_err();
        assert_eq!(err.code, ReplicationErrorCode::NotEnoughReplicasAfterAppend);
    }

    /// Partition.effectiveMinIsr: min.insync.replicas above the replication factor counts as
    /// the replication factor.
    #[test]
    fn min_isr_is_capped_by_the_replication_factor() {
        let mut cache = LeaderEpochCache::new();
        let mut p = PartitionState::make_leader(
            0,
            "t",
            0,
            BrokerId(1),
            &BrokerId::list(&[1]),
            &BrokerId::list(&[1]),
            0,
            0,
            0,
            &mut cache,
            3,
            LAG,
        );
        assert_eq!(p.effective_min_isr(), 1);
        p.append_records_to_leader(0, Acks::All, 2).unwrap();
        assert_eq!(p.high_watermark(), 2);
    }

    /// Partition.makeLeader: the new epoch is cached at the log end; a follower must reach the
    /// epoch's start offset to join the ISR.
    #[test]
    fn new_leader_epoch_starts_at_the_log_end() {
        let mut cache = LeaderEpochCache::new();
        cache.assign(0, 0);
        let mut p = PartitionState::make_leader(
            0,
            "t",
            0,
            BrokerId(2),
            &BrokerId::list(&[1, 2, 3]),
            &BrokerId::list(&[2]),
            1,
            7,
            5,
            &mut cache,
            1,
            LAG,
        );
        assert_eq!(cache.end_offset_for(0, 7), Some((0, 7)));
        assert_eq!(cache.latest_epoch(), Some(1));
        assert_eq!(p.high_watermark(), 7, "alone in the ISR, the new leader commits its log");
        let (change, _) = p.update_follower_fetch_state(1, BrokerId(3), 6).unwrap();
        assert_eq!(change, None);
        assert!(p.update_follower_fetch_state(1, BrokerId(9), 0).is_err(), "not a replica");
    }
}
