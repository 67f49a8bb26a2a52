//! Leaf identifiers: who is on the simulated network and what it names.
//!
//! Kafka's `node.id` is an `int`; clients are named by `client.id` (here: the producer's or
//! consumer's name). A [`NodeId`] orders brokers first, then clients by kind and name, so any
//! map keyed by it iterates the same way natively and in wasm.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// A partition of a topic, as Kafka's `TopicPartition`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TopicPartition {
    pub topic: Arc<str>,
    pub partition: u32,
}

impl TopicPartition {
    pub fn new(topic: impl Into<Arc<str>>, partition: u32) -> Self {
        Self { topic: topic.into(), partition }
    }
}

/// A broker's `node.id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct BrokerId(pub i32);

impl BrokerId {
    /// The one broker of a playground cluster (a scenario's default `node.id`).
    pub const FIRST: BrokerId = BrokerId(1);

    /// Brokers by their numbers (`[1, 2, 3]`), as a replica list or an ISR is written.
    pub fn list(ids: &[i32]) -> Vec<BrokerId> {
        ids.iter().copied().map(BrokerId).collect()
    }

    /// The numbers of `brokers` (the inverse of [`BrokerId::list`]).
    pub fn numbers(brokers: &[BrokerId]) -> Vec<i32> {
        brokers.iter().map(|b| b.0).collect()
    }
}

/// A broker id compares with the number it is (`node.id`), as tests and scenario files write it.
impl PartialEq<i32> for BrokerId {
    fn eq(&self, other: &i32) -> bool {
        self.0 == *other
    }
}

impl fmt::Display for BrokerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Something that sends and receives requests: a broker or a client.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NodeId {
    Broker(BrokerId),
    Producer(Arc<str>),
    Consumer(Arc<str>),
    /// The admin client the page, the CLI and scenario scripts use (`AdminClient`).
    Admin,
}

impl NodeId {
    pub fn producer(name: &str) -> Self {
        NodeId::Producer(name.into())
    }
    pub fn consumer(name: &str) -> Self {
        NodeId::Consumer(name.into())
    }
    pub fn is_broker(&self) -> bool {
        matches!(self, NodeId::Broker(_))
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NodeId::Broker(id) => write!(f, "broker {id}"),
            NodeId::Producer(n) => write!(f, "producer {n}"),
            NodeId::Consumer(n) => write!(f, "consumer {n}"),
            NodeId::Admin => f.write_str("admin client"),
        }
    }
}

macro_rules! name_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub Arc<str>);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.into())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

name_newtype!(
    /// A consumer group's `group.id`.
    GroupId
);
name_newtype!(
    /// The id the coordinator gives a member (`<client.id>-<uuid>` in Java).
    MemberId
);

/// Matches a response to its request (Kafka's request header `correlation_id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CorrelationId(pub u64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brokers_sort_before_clients_and_clients_by_kind_then_name() {
        let mut v = [
            NodeId::Admin,
            NodeId::consumer("a"),
            NodeId::producer("b"),
            NodeId::Broker(BrokerId(2)),
            NodeId::producer("a"),
            NodeId::Broker(BrokerId::FIRST),
        ];
        v.sort();
        let shown: Vec<String> = v.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["broker 1", "broker 2", "producer a", "producer b", "consumer a", "admin client"]);
    }
}
