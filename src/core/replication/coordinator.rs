//! Which broker coordinates a consumer group: the leader of the group's partition of
//! `__consumer_offsets` (`GroupCoordinatorService.partitionFor`:
//! `Utils.abs(groupId.hashCode()) % offsets.topic.num.partitions`). When that partition's
//! leader changes, the group's coordinator moves with it; clients asking the old one get
//! NOT_COORDINATOR, and while the partition has no leader, COORDINATOR_NOT_AVAILABLE — then
//! they send FindCoordinator again. Committed offsets live in that partition, so they are
//! replicated like any record.
//!
//! Kafka creates `__consumer_offsets` with `offsets.topic.replication.factor` (3) replicas and
//! fails while fewer brokers are up; a host with fewer brokers has to say what it does instead.

use super::election::PartitionRegistration;
use super::{BrokerId, ReplicationError, ReplicationErrorCode};

/// The internal topic holding committed offsets and group metadata.
pub const OFFSETS_TOPIC: &str = "__consumer_offsets";
/// `offsets.topic.num.partitions` (50).
pub const OFFSETS_TOPIC_PARTITIONS_DEFAULT: u32 = 50;
/// `offsets.topic.replication.factor` (3).
pub const OFFSETS_TOPIC_REPLICATION_FACTOR_DEFAULT: i32 = 3;

/// Java's `String.hashCode()`: over UTF-16 code units, `h = 31 * h + c`, wrapping.
pub fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(c as i32))
}

/// `Utils.abs(groupId.hashCode()) % numPartitions` (`Utils.abs(Integer.MIN_VALUE)` is 0).
pub fn partition_for(group_id: &str, num_partitions: u32) -> u32 {
    let h = java_string_hash(group_id);
    let abs = if h == i32::MIN { 0 } else { h.unsigned_abs() };
    abs % num_partitions.max(1)
}

/// The coordinator: the leader of the group's offsets partition, or COORDINATOR_NOT_AVAILABLE
/// while it has none.
pub fn coordinator(offsets_partition: &PartitionRegistration) -> Result<BrokerId, ReplicationError> {
    if offsets_partition.has_leader() {
        Ok(offsets_partition.leader)
    } else {
        Err(ReplicationError::new(ReplicationErrorCode::CoordinatorNotAvailable, ""))
    }
}

/// A group request reached `broker`: NOT_COORDINATOR unless it leads the group's partition.
pub fn check_coordinator(
    offsets_partition: &PartitionRegistration,
    broker: BrokerId,
) -> Result<(), ReplicationError> {
    if coordinator(offsets_partition)? == broker {
        Ok(())
    } else {
        Err(ReplicationError::new(ReplicationErrorCode::NotCoordinator, ""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::replication::NO_LEADER;

    /// Java's String.hashCode values ("hello" is 99162322; "Aa" and "BB" collide at 2112;
    /// "polygenelubricants" hashes to Integer.MIN_VALUE).
    #[test]
    fn string_hash_is_javas() {
        assert_eq!(java_string_hash(""), 0);
        assert_eq!(java_string_hash("hello"), 99_162_322);
        assert_eq!(java_string_hash("Aa"), 2112);
        assert_eq!(java_string_hash("BB"), 2112);
        assert_eq!(java_string_hash("polygenelubricants"), i32::MIN);
    }

    /// GroupCoordinatorService.partitionFor.
    #[test]
    fn partition_for_is_abs_hash_mod_partitions() {
        assert_eq!(partition_for("hello", 50), 22);
        assert_eq!(partition_for("polygenelubricants", 50), 0, "Utils.abs(MIN_VALUE) is 0");
        let negative = "orders-processors";
        let h = java_string_hash(negative);
        assert_eq!(partition_for(negative, 50), h.unsigned_abs() % 50);
    }

    /// The coordinator follows the offsets partition's leader.
    #[test]
    fn coordinator_moves_with_the_leader() {
        let mut p = PartitionRegistration::new(BrokerId::list(&[2, 3, 1]), |_| true);
        assert_eq!(coordinator(&p), Ok(BrokerId(2)));
        assert_eq!(
            check_coordinator(&p, BrokerId(3)).unwrap_err().code,
            ReplicationErrorCode::NotCoordinator
        );
        p.leader = NO_LEADER;
        assert_eq!(coordinator(&p).unwrap_err().code, ReplicationErrorCode::CoordinatorNotAvailable);
    }
}
