//! Replica placement as Kafka 4's KRaft controller does it: the *striped* placer
//! (`metadata/src/main/java/org/apache/kafka/metadata/placement/StripedReplicaPlacer.java`).
//!
//! Rules (each is a test below, ported from `StripedReplicaPlacerTest`):
//! - racks are visited round-robin from a random starting rack, one step further per
//!   partition, which gives the "striped" pattern; within a rack, brokers round-robin too, from
//!   a random starting broker;
//! - no two replicas of a partition on one broker; the first replica (the *preferred leader*)
//!   is never a fenced broker; fenced brokers are used only when the unfenced ones run out;
//! - `replication.factor` above the registered brokers is INVALID_REPLICATION_FACTOR with
//!   Kafka's message.
//!
//! The randomness is `java.util.Random`'s `nextInt(bound)` over a `next(bits)` source
//! ([`PlacementRandom`]), so Kafka's tests, which use `MockRandom`, give the same placements
//! here. The racks are initialised and shuffled in rack-name order; Java walks a `HashMap`
//! there, whose order is the same for the tests' rack names but not in general, so a real
//! cluster with the same seed would not place exactly like this one — the rules are the same.

use super::{BrokerId, ReplicationError, ReplicationErrorCode};
use std::collections::BTreeMap;

/// A `next(bits)` source with `java.util.Random`'s derived `nextInt(bound)`.
pub trait PlacementRandom {
    /// The next `bits` random bits (`Random.next(int)`), as Java's `(int)` of them.
    fn next_bits(&mut self, bits: u32) -> i32;

    /// `Random.nextInt(bound)`, bit for bit (bound > 0; a bound of 1 still draws, as Java's
    /// does).
    fn next_int(&mut self, bound: i32) -> i32 {
        if bound <= 0 {
            return 0;
        }
        let mut r = self.next_bits(31);
        let m = bound - 1;
        if bound & m == 0 {
            return ((bound as i64 * r as i64) >> 31) as i32;
        }
        let mut u = r;
        loop {
            r = u % bound;
            if u.wrapping_sub(r).wrapping_add(m) >= 0 {
                return r;
            }
            u = self.next_bits(31);
        }
    }
}

/// The cluster's seeded PRNG as a placement source.
impl PlacementRandom for oorandom::Rand64 {
    fn next_bits(&mut self, bits: u32) -> i32 {
        (self.rand_u64() >> (64 - bits.clamp(1, 32))) as i32
    }
}

/// Kafka's `MockRandom` (`server-common/src/test/.../MockRandom.java`): a fixed 64-bit LCG, so
/// Kafka's placement tests can be checked here number for number.
#[derive(Debug, Clone)]
pub struct MockRandom {
    state: i64,
}

impl MockRandom {
    pub fn new() -> Self {
        MockRandom { state: 17 }
    }
}

impl Default for MockRandom {
    fn default() -> Self {
        Self::new()
    }
}

impl PlacementRandom for MockRandom {
    fn next_bits(&mut self, bits: u32) -> i32 {
        self.state = self.state.wrapping_mul(2_862_933_555_777_941_757).wrapping_add(3_037_000_493);
        ((self.state as u64) >> (64 - bits.clamp(1, 32))) as i32
    }
}

/// `Collections.shuffle(list, random)`.
fn shuffle<T>(list: &mut [T], random: &mut dyn PlacementRandom) {
    for i in (2..=list.len()).rev() {
        let j = random.next_int(i as i32) as usize;
        list.swap(i - 1, j);
    }
}

/// A broker the controller may place replicas on (`UsableBroker`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsableBroker {
    pub id: BrokerId,
    /// `broker.rack`; `None` when unset.
    pub rack: Option<String>,
    /// Fenced: registered but not heartbeating (down, or not yet caught up with metadata).
    pub fenced: bool,
}

impl UsableBroker {
    pub fn new(id: BrokerId, rack: Option<&str>, fenced: bool) -> Self {
        UsableBroker { id, rack: rack.map(str::to_string), fenced }
    }
}

/// `StripedReplicaPlacer.BrokerList`: brokers visited round-robin from an offset that moves one
/// step each iteration epoch.
#[derive(Debug, Clone, Default)]
pub struct BrokerList {
    brokers: Vec<BrokerId>,
    index: usize,
    offset: usize,
    epoch: u64,
}

impl BrokerList {
    /// `BrokerList.add`.
    pub fn with(mut self, broker: BrokerId) -> Self {
        self.brokers.push(broker);
        self
    }

    fn initialize(&mut self, random: &mut dyn PlacementRandom) {
        if !self.brokers.is_empty() {
            crate::core::sort::ascending(&mut self.brokers);
            self.offset = random.next_int(self.brokers.len() as i32) as usize;
        }
    }

    pub fn len(&self) -> usize {
        self.brokers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.brokers.is_empty()
    }

    /// The next broker in this epoch, or `None` when this epoch has returned them all.
    pub fn next(&mut self, epoch: u64) -> Option<BrokerId> {
        if self.brokers.is_empty() {
            return None;
        }
        let n = self.brokers.len();
        if self.epoch != epoch {
            self.epoch = epoch;
            self.index = 0;
            self.offset = (self.offset + 1) % n;
        }
        if self.index >= n {
            return None;
        }
        let broker = self.brokers[(self.index + self.offset) % n];
        self.index += 1;
        Some(broker)
    }
}

#[derive(Debug, Clone, Default)]
struct Rack {
    fenced: BrokerList,
    unfenced: BrokerList,
}

impl Rack {
    fn next(&mut self, epoch: u64) -> Option<BrokerId> {
        self.unfenced.next(epoch).or_else(|| self.fenced.next(epoch))
    }
}

/// `StripedReplicaPlacer.RackList`: the racks, round-robin from a random starting rack.
#[derive(Debug, Clone)]
pub struct RackList {
    racks: BTreeMap<Option<String>, Rack>,
    /// Racks sorted (no rack first), reshuffled when every unfenced broker has led once.
    rack_names: Vec<Option<String>>,
    num_total_brokers: usize,
    num_unfenced_brokers: usize,
    epoch: u64,
    offset: usize,
}

fn invalid_replication_factor(message: String) -> ReplicationError {
    ReplicationError::new(ReplicationErrorCode::InvalidReplicationFactor, message)
}

fn check_positive(replication_factor: i32) -> Result<(), ReplicationError> {
    if replication_factor <= 0 {
        return Err(invalid_replication_factor(format!(
            "Invalid replication factor {replication_factor}: the replication factor must be positive."
        )));
    }
    Ok(())
}

fn check_enough_brokers(replication_factor: i32, total: usize) -> Result<(), ReplicationError> {
    if replication_factor as usize > total {
        return Err(invalid_replication_factor(format!(
            "The target replication factor of {replication_factor} cannot be reached because only {total} broker(s) are registered."
        )));
    }
    Ok(())
}

fn check_some_unfenced(unfenced: usize) -> Result<(), ReplicationError> {
    if unfenced == 0 {
        return Err(invalid_replication_factor("All brokers are currently fenced.".into()));
    }
    Ok(())
}

impl RackList {
    pub fn new(random: &mut dyn PlacementRandom, brokers: &[UsableBroker]) -> Self {
        let mut racks: BTreeMap<Option<String>, Rack> = BTreeMap::new();
        let mut rack_names = Vec::new();
        let (mut total, mut unfenced) = (0, 0);
        for b in brokers {
            let rack = racks.entry(b.rack.clone()).or_insert_with(|| {
                rack_names.push(b.rack.clone());
                Rack::default()
            });
            if b.fenced {
                rack.fenced.brokers.push(b.id);
            } else {
                unfenced += 1;
                rack.unfenced.brokers.push(b.id);
            }
            total += 1;
        }
        for rack in racks.values_mut() {
            rack.fenced.initialize(random);
            rack.unfenced.initialize(random);
        }
        // Option's order is OptionalStringComparator's: no rack first, then by name.
        crate::core::sort::ascending(&mut rack_names);
        let offset =
            if rack_names.is_empty() { 0 } else { random.next_int(rack_names.len() as i32) as usize };
        RackList {
            racks,
            rack_names,
            num_total_brokers: total,
            num_unfenced_brokers: unfenced,
            epoch: 0,
            offset,
        }
    }

    pub fn num_total_brokers(&self) -> usize {
        self.num_total_brokers
    }

    pub fn num_unfenced_brokers(&self) -> usize {
        self.num_unfenced_brokers
    }

    pub fn rack_names(&self) -> &[Option<String>] {
        &self.rack_names
    }

    fn rack(&mut self, index: usize) -> &mut Rack {
        let name = &self.rack_names[index];
        self.racks.get_mut(name).expect("every rack name has a rack")
    }

    /// One partition's replicas, the preferred leader first.
    pub fn place(
        &mut self,
        random: &mut dyn PlacementRandom,
        replication_factor: i32,
    ) -> Result<Vec<BrokerId>, ReplicationError> {
        check_positive(replication_factor)?;
        check_enough_brokers(replication_factor, self.num_total_brokers)?;
        check_some_unfenced(self.num_unfenced_brokers)?;
        // Once every unfenced broker has led a partition, shuffle so the next round differs
        // (not with a single unfenced broker: that would loop forever).
        if self.epoch == self.num_unfenced_brokers as u64 && self.num_unfenced_brokers > 1 {
            shuffle(&mut self.rack_names, random);
            for rack in self.racks.values_mut() {
                shuffle(&mut rack.fenced.brokers, random);
                shuffle(&mut rack.unfenced.brokers, random);
            }
            self.epoch = 0;
        }
        let n = self.rack_names.len();
        if self.offset == n {
            self.offset = 0;
        }
        let epoch = self.epoch;
        let mut brokers = Vec::with_capacity(replication_factor as usize);
        // The leader: the first unfenced broker from the starting rack onwards. There is one
        // (checked above), so one lap of the racks finds it.
        let mut first_rack;
        let mut i = self.offset;
        loop {
            if let Some(b) = self.rack(i).unfenced.next(epoch) {
                brokers.push(b);
                first_rack = Some(i);
                break;
            }
            i = (i + 1) % n;
            if i == self.offset {
                return Err(invalid_replication_factor("All brokers are currently fenced.".into()));
            }
        }
        // The followers: racks round-robin from the starting rack, skipping the leader's rack
        // once. Each rack yields each of its brokers at most once per epoch, so this ends
        // within (replication factor + racks) laps.
        let mut rack_index = self.offset;
        let mut budget = (replication_factor as usize + 1) * (n + 1) * (self.num_total_brokers + 1);
        for _ in 1..replication_factor {
            let chosen = loop {
                budget = budget.saturating_sub(1);
                if budget == 0 {
                    return Err(invalid_replication_factor(format!(
                        "The target replication factor of {replication_factor} cannot be reached because only {} broker(s) are registered.",
                        self.num_total_brokers
                    )));
                }
                let mut result = None;
                if Some(rack_index) == first_rack {
                    first_rack = None;
                } else {
                    result = self.rack(rack_index).next(epoch);
                }
                rack_index = (rack_index + 1) % n;
                if let Some(b) = result {
                    break b;
                }
            };
            brokers.push(chosen);
        }
        self.epoch += 1;
        self.offset += 1;
        Ok(brokers)
    }
}

/// `StripedReplicaPlacer.place`: replicas for `partitions` new partitions.
pub fn place(
    random: &mut dyn PlacementRandom,
    partitions: u32,
    replication_factor: i32,
    brokers: &[UsableBroker],
) -> Result<Vec<Vec<BrokerId>>, ReplicationError> {
    let mut racks = RackList::new(random, brokers);
    // The placer's own order of checks (the rack list's differs).
    check_positive(replication_factor)?;
    check_some_unfenced(racks.num_unfenced_brokers())?;
    check_enough_brokers(replication_factor, racks.num_total_brokers())?;
    (0..partitions).map(|_| racks.place(random, replication_factor)).collect()
}

/// The manual assignment checks (`ReplicationControlManager.validateManualPartitionAssignment`):
/// a replica list naming an unknown broker, or one broker twice, is INVALID_REPLICA_ASSIGNMENT.
pub fn validate_manual_assignment(
    replicas: &[BrokerId],
    registered: &[BrokerId],
) -> Result<(), ReplicationError> {
    let invalid = |m: String| ReplicationError::new(ReplicationErrorCode::InvalidReplicaAssignment, m);
    if replicas.is_empty() {
        return Err(invalid("The manual partition assignment includes an empty replica list.".into()));
    }
    let mut sorted = replicas.to_vec();
    crate::core::sort::ascending(&mut sorted);
    let mut prev = None;
    for id in sorted {
        if !registered.contains(&id) {
            return Err(invalid(format!(
                "The manual partition assignment includes broker {id}, but no such broker is registered."
            )));
        }
        if prev == Some(id) {
            return Err(invalid(format!(
                "The manual partition assignment includes the broker {id} more than once."
            )));
        }
        prev = Some(id);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    //! Ported from `StripedReplicaPlacerTest` (same inputs, same `MockRandom`, same results).
    use super::*;

    fn b(id: i32, rack: Option<&str>, fenced: bool) -> UsableBroker {
        UsableBroker::new(BrokerId(id), rack, fenced)
    }

    /// `MockRandom` is Kafka's: its first `nextInt`s, worked out from Java's algorithm.
    #[test]
    fn mock_random_matches_java_next_int() {
        let mut r = MockRandom::new();
        // state = 17 * 2862933555777941757 + 3037000493 (mod 2^64), top 31 bits.
        let expected_state = 17i64.wrapping_mul(2_862_933_555_777_941_757).wrapping_add(3_037_000_493);
        let bits = ((expected_state as u64) >> 33) as i32;
        assert_eq!(r.next_bits(31), bits);
    }

    /// StripedReplicaPlacerTest.testBrokerList
    #[test]
    fn broker_list() {
        let mut empty = BrokerList::default();
        assert_eq!(empty.len(), 0);
        assert_eq!(empty.next(1), None);
        let mut brokers =
            BrokerList::default().with(BrokerId(0)).with(BrokerId(1)).with(BrokerId(2)).with(BrokerId(3));
        assert_eq!(brokers.len(), 4);
        for want in [Some(0), Some(1), Some(2), Some(3), None, None] {
            assert_eq!(brokers.next(0), want.map(BrokerId));
        }
        for want in [Some(1), Some(2), Some(3), Some(0), None] {
            assert_eq!(brokers.next(1), want.map(BrokerId));
        }
    }

    /// StripedReplicaPlacerTest.testAvoidFencedReplicaIfPossibleOnSingleRack
    #[test]
    fn avoid_fenced_replica_if_possible_on_single_rack() {
        let mut random = MockRandom::new();
        let mut list = RackList::new(
            &mut random,
            &[b(3, None, false), b(1, None, true), b(0, None, false), b(4, None, false), b(2, None, false)],
        );
        assert_eq!(list.num_total_brokers(), 5);
        assert_eq!(list.num_unfenced_brokers(), 4);
        assert_eq!(list.rack_names(), &[None]);
        assert!(list.place(&mut random, 0).is_err());
        assert!(list.place(&mut random, -1).is_err());
        assert_eq!(list.place(&mut random, 4).unwrap(), vec![3, 4, 0, 2]);
        assert_eq!(list.place(&mut random, 4).unwrap(), vec![4, 0, 2, 3]);
        assert_eq!(list.place(&mut random, 4).unwrap(), vec![0, 2, 3, 4]);
        assert_eq!(list.place(&mut random, 4).unwrap(), vec![2, 3, 4, 0]);
        assert_eq!(list.place(&mut random, 4).unwrap(), vec![0, 4, 3, 2]);
    }

    /// StripedReplicaPlacerTest.testMultiPartitionTopicPlacementOnSingleUnfencedBroker
    #[test]
    fn multi_partition_topic_on_single_unfenced_broker() {
        let mut random = MockRandom::new();
        let placed = place(&mut random, 3, 1, &[b(0, None, false), b(1, None, true)]).unwrap();
        assert_eq!(placed, vec![vec![0], vec![0], vec![0]]);
    }

    /// StripedReplicaPlacerTest.testPlacementOnFencedReplicaOnSingleRack
    #[test]
    fn placement_on_fenced_replica_on_single_rack() {
        let mut random = MockRandom::new();
        let mut list = RackList::new(&mut random, &[b(3, None, false), b(1, None, true), b(2, None, false)]);
        assert_eq!((list.num_total_brokers(), list.num_unfenced_brokers()), (3, 2));
        assert_eq!(list.place(&mut random, 3).unwrap(), vec![3, 2, 1]);
        assert_eq!(list.place(&mut random, 3).unwrap(), vec![2, 3, 1]);
        assert_eq!(list.place(&mut random, 3).unwrap(), vec![3, 2, 1]);
        assert_eq!(list.place(&mut random, 3).unwrap(), vec![2, 3, 1]);
    }

    /// StripedReplicaPlacerTest.testRackListWithMultipleRacks
    #[test]
    fn rack_list_with_multiple_racks() {
        let mut random = MockRandom::new();
        let mut list = RackList::new(
            &mut random,
            &[
                b(11, Some("1"), false),
                b(10, Some("1"), false),
                b(30, Some("3"), false),
                b(31, Some("3"), false),
                b(21, Some("2"), false),
                b(20, Some("2"), true),
            ],
        );
        assert_eq!((list.num_total_brokers(), list.num_unfenced_brokers()), (6, 5));
        let names: Vec<_> = list.rack_names().iter().map(|n| n.as_deref()).collect();
        assert_eq!(names, vec![Some("1"), Some("2"), Some("3")]);
        assert_eq!(list.place(&mut random, 4).unwrap(), vec![11, 21, 31, 10]);
        assert_eq!(list.place(&mut random, 4).unwrap(), vec![21, 30, 10, 20]);
        assert_eq!(list.place(&mut random, 4).unwrap(), vec![31, 11, 21, 30]);
    }

    /// StripedReplicaPlacerTest.testRackListWithInvalidRacks
    #[test]
    fn rack_list_with_invalid_racks() {
        let mut random = MockRandom::new();
        let mut list = RackList::new(
            &mut random,
            &[
                b(11, Some("1"), false),
                b(10, Some("1"), false),
                b(30, Some("3"), true),
                b(31, Some("3"), true),
                b(20, Some("2"), true),
                b(21, Some("2"), true),
                b(41, Some("4"), false),
                b(40, Some("4"), true),
            ],
        );
        assert_eq!((list.num_total_brokers(), list.num_unfenced_brokers()), (8, 3));
        assert_eq!(list.place(&mut random, 4).unwrap(), vec![41, 11, 21, 30]);
        assert_eq!(list.place(&mut random, 4).unwrap(), vec![10, 20, 31, 41]);
        assert_eq!(list.place(&mut random, 4).unwrap(), vec![41, 21, 30, 11]);
    }

    /// StripedReplicaPlacerTest.testAllBrokersFenced
    #[test]
    fn all_brokers_fenced() {
        let mut random = MockRandom::new();
        let err = place(&mut random, 1, 1, &[b(11, Some("1"), true), b(10, Some("1"), true)]).unwrap_err();
        assert_eq!(err.code, ReplicationErrorCode::InvalidReplicationFactor);
        assert_eq!(err.message, "All brokers are currently fenced.");
    }

    /// StripedReplicaPlacerTest.testNotEnoughBrokers
    #[test]
    fn not_enough_brokers() {
        let mut random = MockRandom::new();
        let err = place(&mut random, 1, 3, &[b(11, Some("1"), false), b(10, Some("1"), false)]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "INVALID_REPLICATION_FACTOR: The target replication factor of 3 cannot be reached because only 2 broker(s) are registered."
        );
    }

    /// StripedReplicaPlacerTest.testNonPositiveReplicationFactor
    #[test]
    fn non_positive_replication_factor() {
        let mut random = MockRandom::new();
        let err = place(&mut random, 1, 0, &[b(11, Some("1"), false), b(10, Some("1"), false)]).unwrap_err();
        assert_eq!(err.message, "Invalid replication factor 0: the replication factor must be positive.");
    }

    /// StripedReplicaPlacerTest.testSuccessfulPlacement
    #[test]
    fn successful_placement() {
        let mut random = MockRandom::new();
        let placed = place(
            &mut random,
            5,
            3,
            &[b(0, None, false), b(3, None, false), b(2, None, false), b(1, None, false)],
        )
        .unwrap();
        assert_eq!(placed, vec![vec![2, 3, 0], vec![3, 0, 1], vec![0, 1, 2], vec![1, 2, 3], vec![1, 0, 2]]);
    }

    /// StripedReplicaPlacerTest.testEvenDistribution
    #[test]
    fn even_distribution() {
        let mut random = MockRandom::new();
        let brokers: Vec<_> = (0..4).map(|i| b(i, None, false)).collect();
        let placed = place(&mut random, 200, 2, &brokers).unwrap();
        let mut counts = BTreeMap::new();
        for p in placed {
            *counts.entry(p.iter().map(|b| b.0).collect::<Vec<i32>>()).or_insert(0) += 1;
        }
        let expected = [
            ([0, 1], 14),
            ([0, 2], 22),
            ([0, 3], 14),
            ([1, 0], 17),
            ([1, 2], 17),
            ([1, 3], 16),
            ([2, 0], 13),
            ([2, 1], 17),
            ([2, 3], 20),
            ([3, 0], 20),
            ([3, 1], 19),
            ([3, 2], 11),
        ];
        for (pair, n) in expected {
            assert_eq!(counts.get(pair.as_slice()), Some(&n), "{pair:?}");
        }
    }

    /// StripedReplicaPlacerTest.testRackListAllBrokersFenced
    #[test]
    fn rack_list_all_brokers_fenced() {
        let mut random = MockRandom::new();
        let mut list = RackList::new(&mut random, &[b(0, None, true), b(1, None, true), b(2, None, true)]);
        assert_eq!((list.num_total_brokers(), list.num_unfenced_brokers()), (3, 0));
        assert_eq!(list.place(&mut random, 3).unwrap_err().message, "All brokers are currently fenced.");
    }

    /// StripedReplicaPlacerTest.testRackListNotEnoughBrokers and
    /// testRackListNonPositiveReplicationFactor
    #[test]
    fn rack_list_bad_replication_factors() {
        let mut random = MockRandom::new();
        let mut list = RackList::new(&mut random, &[b(11, Some("1"), false), b(10, Some("1"), false)]);
        assert_eq!(
            list.place(&mut random, 3).unwrap_err().message,
            "The target replication factor of 3 cannot be reached because only 2 broker(s) are registered."
        );
        assert_eq!(
            list.place(&mut random, -1).unwrap_err().message,
            "Invalid replication factor -1: the replication factor must be positive."
        );
    }

    /// ReplicationControlManager.validateManualPartitionAssignment's messages.
    #[test]
    fn manual_assignment_names_unknown_and_repeated_brokers() {
        let err =
            validate_manual_assignment(&BrokerId::list(&[1, 7]), &BrokerId::list(&[1, 2, 3])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "INVALID_REPLICA_ASSIGNMENT: The manual partition assignment includes broker 7, but no such broker is registered."
        );
        let err =
            validate_manual_assignment(&BrokerId::list(&[2, 2]), &BrokerId::list(&[1, 2, 3])).unwrap_err();
        assert_eq!(err.message, "The manual partition assignment includes the broker 2 more than once.");
        assert!(validate_manual_assignment(&BrokerId::list(&[3, 1, 2]), &BrokerId::list(&[1, 2, 3])).is_ok());
    }
}
