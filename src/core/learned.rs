//! What each client node was told by a broker: the record the invariant checker uses to prove
//! that a client learns only through messages (issue #13, "nothing learned except through a
//! message").
//!
//! Off by default (it costs a map update per answer); `Cluster::record_learned(true)` turns it
//! on, and the random driver in `tests/core_properties.rs` does. It is filled where an answer
//! reaches a client over the network (`Cluster::call`, and `cluster/route.rs`'s dispatch of answers that
//! arrive later) and from nothing else;
//! so a client state the checker can explain with it was learned from a message.
//!
//! What it keeps, per client and partition: the highest offset any answer named (a Fetch's
//! high watermark and log start, a ListOffsets offset, an OffsetFetch's committed offset).
//! A consumer's position can only come from such an offset (a reset to the log start or end, a
//! committed offset restored, a seek the broker confirmed) or from records a Fetch counted up to
//! the high watermark it named; either way it is at most that highest offset. A position past it
//! would be an offset the consumer read from somewhere other than an answer.
//!
//! And, per group member: every partition a SyncGroup or ConsumerGroupHeartbeat answer gave
//! it, and the last member epoch a ConsumerGroupHeartbeat answer named. A member that owns a
//! partition no answer gave it, or holds an epoch no answer named, learned it elsewhere.

use super::ids::{NodeId, TopicPartition};
use super::protocol::Response;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default)]
pub struct Learned {
    /// The highest offset an answer named to the node, per partition.
    horizon: BTreeMap<(NodeId, TopicPartition), u64>,
    /// Answers received, per node.
    answers: BTreeMap<NodeId, u64>,
    /// Partitions an answer assigned to the node (SyncGroup, ConsumerGroupHeartbeat).
    assigned: std::collections::BTreeSet<(NodeId, TopicPartition)>,
    /// The member epoch the node's last successful ConsumerGroupHeartbeat answer named.
    member_epoch: BTreeMap<NodeId, i32>,
}

impl Learned {
    /// Notes what `response`, delivered to `to`, told it.
    pub(crate) fn note(&mut self, to: &NodeId, response: &Response) {
        *self.answers.entry(to.clone()).or_default() += 1;
        let mut saw = |tp: &TopicPartition, offset: u64| {
            let h = self.horizon.entry((to.clone(), tp.clone())).or_default();
            *h = (*h).max(offset);
        };
        match response {
            Response::Fetch(r) => {
                for p in r
                    .responses
                    .iter()
                    .filter(|p| p.error_code != Some(super::ErrorCode::UnknownTopicOrPartition))
                {
                    saw(&p.partition, p.high_watermark.max(p.log_start_offset));
                }
            }
            Response::ListOffsets(r) => {
                for p in r.partitions.iter().filter(|p| p.error_code.is_none()) {
                    saw(&p.partition, p.offset.max(0) as u64);
                }
            }
            Response::OffsetFetch(r) => {
                for (tp, offset, _) in &r.partitions {
                    if let Some(o) = offset {
                        saw(tp, *o);
                    }
                }
            }
            Response::SyncGroup(r) if r.error_code.is_none() => {
                self.assigned.extend(r.assignment.iter().map(|tp| (to.clone(), tp.clone())));
            }
            Response::ConsumerGroupHeartbeat(r) if r.error_code.is_none() => {
                self.member_epoch.insert(to.clone(), r.member_epoch);
                let given = r.assignment.iter().flatten();
                self.assigned.extend(given.map(|tp| (to.clone(), tp.clone())));
            }
            _ => {}
        }
    }

    /// Whether an answer ever assigned `tp` to `node` (SyncGroup or ConsumerGroupHeartbeat).
    pub fn was_assigned(&self, node: &NodeId, tp: &TopicPartition) -> bool {
        self.assigned.contains(&(node.clone(), tp.clone()))
    }

    /// The member epoch `node`'s last successful ConsumerGroupHeartbeat answer named.
    pub fn member_epoch(&self, node: &NodeId) -> Option<i32> {
        self.member_epoch.get(node).copied()
    }

    /// The highest offset of `tp` an answer named to `node`, if any did.
    pub fn horizon(&self, node: &NodeId, tp: &TopicPartition) -> Option<u64> {
        self.horizon.get(&(node.clone(), tp.clone())).copied()
    }

    /// How many answers `node` received.
    pub fn answers(&self, node: &NodeId) -> u64 {
        self.answers.get(node).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use crate::core::command::Command;
    use crate::core::config::{ClusterConfig, ConsumerConfig};
    use crate::core::consumer::ConsumerSpec;
    use crate::core::ids::{NodeId, TopicPartition};
    use crate::core::producer::ProducerSpec;
    use crate::core::Cluster;

    #[test]
    fn a_consumers_positions_are_within_what_answers_told_it() {
        let mut c = Cluster::new(ClusterConfig::default(), 7);
        c.record_learned(true);
        c.apply(0, Command::create_topic("orders", 1)).unwrap();
        let mut p = ProducerSpec::new("p1", "orders");
        p.rate = 10.0;
        c.apply(0, Command::AddProducer { producer: p }).unwrap();
        let tp = TopicPartition::new("orders", 0);
        let spec = ConsumerSpec::standalone("c1", vec![tp.clone()], ConsumerConfig::default());
        c.apply(0, Command::AddConsumer { consumer: spec }).unwrap();
        c.advance(5_000);
        let node = NodeId::consumer("c1");
        let learned = c.learned().unwrap();
        let position = c.consumers()["c1"].positions[&tp];
        assert!(position > 0, "it read something");
        assert!(learned.horizon(&node, &tp).is_some_and(|h| h >= position));
        assert!(learned.answers(&node) > 0);
        // The admin client's CreateTopics (validate_only, then for real): two answers.
        assert_eq!(learned.answers(&NodeId::Admin), 2);
    }
}
