//! Topics: Kafka's name rules, partition counts that only grow, and per-topic retention.

use super::error::{CoreError, CoreResult, ErrorCode};
use super::log::{PartitionLog, Retention};
use std::sync::Arc;

/// Kafka's `Topic.MAX_NAME_LENGTH`.
pub const MAX_TOPIC_NAME_LEN: usize = 249;

/// The most partitions one topic may have here. Kafka allows more; a browser tab drawing
/// lanes does not — the playground says so when refusing (README, "What is simplified").
pub const MAX_PARTITIONS: u32 = 1024;

/// Kafka's `Topic.validate`: `[a-zA-Z0-9._-]`, 1–249 characters, not `.` or `..`.
pub fn validate_topic_name(name: &str) -> CoreResult<()> {
    let bad = |why: String| Err(CoreError::kafka(ErrorCode::InvalidTopicException, why));
    if name.is_empty() {
        return bad("Topic name is illegal, it can't be empty".into());
    }
    if name == "." || name == ".." {
        return bad("Topic name cannot be \".\" or \"..\"".into());
    }
    if name.len() > MAX_TOPIC_NAME_LEN {
        return bad(format!(
            "Topic name is illegal, it can't be longer than {MAX_TOPIC_NAME_LEN} characters"
        ));
    }
    if let Some(c) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))) {
        return bad(format!(
            "Topic name {name:?} is illegal, it contains {c:?}; only ASCII alphanumerics, '.', '_' and '-' are allowed"
        ));
    }
    Ok(())
}

/// Kafka's `Topic.unifyCollisionChars`: `.` and `_` are the same character in metric names, so
/// `a.b` and `a_b` would report into one metric.
fn unify_collision_chars(name: &str) -> String {
    name.replace('.', "_")
}

/// Kafka refuses a topic whose name collides with an existing one's once `.` and `_` are
/// unified (`Topic.hasCollision`; the controller's `InvalidTopicException`, worded as Kafka
/// words it). `existing` are the topics there now.
pub fn check_collision<'a>(name: &str, existing: impl IntoIterator<Item = &'a str>) -> CoreResult<()> {
    if !(name.contains('.') || name.contains('_')) {
        return Ok(());
    }
    let unified = unify_collision_chars(name);
    match existing.into_iter().find(|e| *e != name && unify_collision_chars(e) == unified) {
        Some(other) => Err(CoreError::kafka(
            ErrorCode::InvalidTopicException,
            format!("Topic '{name}' collides with existing topic: {other}"),
        )),
        None => Ok(()),
    }
}

/// Checks a requested partition count (for create, or the new total for an increase).
pub fn validate_partition_count(n: i64) -> CoreResult<u32> {
    if n < 1 {
        return Err(CoreError::kafka(
            ErrorCode::InvalidPartitions,
            format!("Number of partitions must be larger than 0 (got {n})"),
        ));
    }
    if n > MAX_PARTITIONS as i64 {
        return Err(CoreError::kafka(
            ErrorCode::InvalidPartitions,
            format!("The playground allows at most {MAX_PARTITIONS} partitions per topic (got {n})"),
        ));
    }
    Ok(n as u32)
}

#[derive(Debug, Clone)]
pub struct Topic {
    pub name: Arc<str>,
    pub partitions: Vec<PartitionLog>,
    pub retention: Retention,
}

impl Topic {
    pub fn new(name: &str, partitions: u32, retention: Retention) -> Self {
        Topic {
            name: name.into(),
            partitions: (0..partitions).map(|_| PartitionLog::new()).collect(),
            retention,
        }
    }

    pub fn partition_count(&self) -> u32 {
        self.partitions.len() as u32
    }

    pub fn partition(&self, p: u32) -> Option<&PartitionLog> {
        self.partitions.get(p as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_names_follow_kafka_rules() {
        for ok in ["orders", "a", "my.topic", "my_topic-2", &"x".repeat(249)] {
            assert!(validate_topic_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", ".", "..", "has space", "<script>", "ü", &"x".repeat(250)] {
            let err = validate_topic_name(bad).unwrap_err();
            assert_eq!(err.code(), Some(ErrorCode::InvalidTopicException), "{bad}");
        }
    }

    #[test]
    fn names_that_differ_only_in_dot_and_underscore_collide() {
        let err = check_collision("a_b", ["a.b", "x"]).unwrap_err();
        assert_eq!(err.code(), Some(ErrorCode::InvalidTopicException));
        assert!(err.to_string().contains("Topic 'a_b' collides with existing topic: a.b"), "{err}");
        assert!(check_collision("a.b", ["a_b"]).is_err());
        assert!(check_collision("a.b.c", ["a_b.c"]).is_err());
        for ok in ["a.b", "ab", "a-b", "a.c"] {
            assert!(check_collision(ok, ["a.b", "a-c"]).is_ok(), "{ok}");
        }
    }

    #[test]
    fn partition_counts_must_be_positive_and_bounded() {
        assert_eq!(validate_partition_count(6).ok(), Some(6));
        for bad in [0, -1, 1_000_000_000] {
            assert_eq!(validate_partition_count(bad).unwrap_err().code(), Some(ErrorCode::InvalidPartitions));
        }
    }
}
