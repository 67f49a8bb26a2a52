//! FindCoordinator (API key 10): which broker coordinates a group.
//!
//! The coordinator of group `g` is the leader of `__consumer_offsets` partition
//! `abs(g.hashCode()) % offsets.topic.num.partitions` (`GroupCoordinatorService#partitionFor`,
//! with Java's `String.hashCode` and Kafka's `Utils.abs`).

use super::ErrorCode;
use crate::core::ids::BrokerId;

/// `offsets.topic.num.partitions` default.
pub const OFFSETS_TOPIC_NUM_PARTITIONS: u32 = 50;

/// `FindCoordinatorRequest.CoordinatorType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoordinatorType {
    Group = 0,
    Transaction = 1,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindCoordinatorRequest {
    pub key_type: CoordinatorType,
    pub coordinator_keys: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindCoordinatorResponse {
    pub coordinators: Vec<Coordinator>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coordinator {
    pub key: String,
    pub node_id: BrokerId,
    pub error_code: Option<ErrorCode>,
}

/// Java's `String.hashCode`: `s[0]*31^(n-1) + … + s[n-1]` over UTF-16 code units, wrapping.
pub fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, u| h.wrapping_mul(31).wrapping_add(i32::from(u)))
}

/// Kafka's `Utils.abs`: `Math.abs`, except that `Integer.MIN_VALUE` gives 0.
pub fn kafka_abs(n: i32) -> i32 {
    if n == i32::MIN {
        0
    } else {
        n.abs()
    }
}

/// The `__consumer_offsets` partition holding `group_id`'s offsets and state.
pub fn partition_for(group_id: &str, offsets_partitions: u32) -> u32 {
    kafka_abs(java_string_hash(group_id)) as u32 % offsets_partitions.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_string_hash_matches_java() {
        // Values Java gives; "polygenelubricants" is the classic string hashing to MIN_VALUE.
        assert_eq!(java_string_hash(""), 0);
        assert_eq!(java_string_hash("a"), 97);
        assert_eq!(java_string_hash("hello"), 99_162_322);
        assert_eq!(java_string_hash("polygenelubricants"), i32::MIN);
        // Outside the BMP Java hashes the two surrogates.
        assert_eq!(java_string_hash("\u{1F600}"), 0xD83D * 31 + 0xDE00);
    }

    #[test]
    fn utils_abs_maps_min_value_to_zero_so_the_partition_is_never_negative() {
        assert_eq!(partition_for("polygenelubricants", 50), 0);
        assert_eq!(partition_for("hello", 50), 99_162_322 % 50);
        assert_eq!(kafka_abs(-7), 7);
    }
}
