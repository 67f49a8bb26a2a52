//! What the "Why?" panel explains (the model's `Sim::why`), and how an element names it in its
//! `data-why` attribute. The panel and its chains are `ui::why`.

use crate::ui::text::{fill, Text};

/// What the "Why?" panel explains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WhyTarget {
    Consumer(String),
    Producer(String),
    /// A partition: its owners, offset markers and lag.
    Partition {
        topic: String,
        partition: u32,
    },
    /// One marker on a partition's lane.
    Mark {
        topic: String,
        partition: u32,
        mark: Mark,
    },
    /// A LAG cell of a group's describe table.
    Lag {
        group: String,
        topic: String,
        partition: u32,
    },
    /// A group's generation (classic) or group epoch (KIP-848), and its members'.
    Generation(String),
}

/// A marker on a lane (see [`WhyTarget::Mark`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mark {
    /// A group's committed offset (⚑).
    Committed(String),
    /// A consumer's position (▲).
    Position(String),
    LogStart,
    LogEnd,
    /// The leader's high watermark: what consumers may read up to.
    HighWatermark,
}

impl WhyTarget {
    /// The `data-why` attribute of an element that stands for it (read back by [`Self::parse`]).
    /// Topic names hold no `:` (letters, digits, `.`, `_`, `-`); a group or consumer name
    /// comes last.
    pub fn attr(&self) -> String {
        match self {
            WhyTarget::Consumer(c) => format!("consumer:{c}"),
            WhyTarget::Producer(p) => format!("producer:{p}"),
            WhyTarget::Partition { topic, partition } => format!("partition:{topic}:{partition}"),
            WhyTarget::Mark { topic, partition, mark } => match mark {
                Mark::Committed(g) => format!("mark:committed:{topic}:{partition}:{g}"),
                Mark::Position(c) => format!("mark:position:{topic}:{partition}:{c}"),
                Mark::LogStart => format!("mark:log-start:{topic}:{partition}"),
                Mark::LogEnd => format!("mark:log-end:{topic}:{partition}"),
                Mark::HighWatermark => format!("mark:hw:{topic}:{partition}"),
            },
            WhyTarget::Lag { group, topic, partition } => format!("lag:{topic}:{partition}:{group}"),
            WhyTarget::Generation(g) => format!("generation:{g}"),
        }
    }

    pub fn parse(s: &str) -> Option<WhyTarget> {
        let (kind, rest) = s.split_once(':')?;
        // "topic:partition" and what follows it (a name), or nothing.
        let tp = |rest: &str| -> Option<(String, u32, Option<String>)> {
            let mut it = rest.splitn(3, ':');
            let topic = it.next()?.to_string();
            let partition = it.next()?.parse().ok()?;
            Some((topic, partition, it.next().map(str::to_string)))
        };
        match kind {
            "consumer" => Some(WhyTarget::Consumer(rest.to_string())),
            "producer" => Some(WhyTarget::Producer(rest.to_string())),
            "generation" => Some(WhyTarget::Generation(rest.to_string())),
            "partition" => {
                let (topic, p) = rest.rsplit_once(':')?;
                Some(WhyTarget::Partition { topic: topic.to_string(), partition: p.parse().ok()? })
            }
            "lag" => {
                let (topic, partition, group) = tp(rest)?;
                Some(WhyTarget::Lag { group: group?, topic, partition })
            }
            "mark" => {
                let (which, rest) = rest.split_once(':')?;
                let (topic, partition, who) = tp(rest)?;
                let mark = match (which, who) {
                    ("committed", Some(g)) => Mark::Committed(g),
                    ("position", Some(c)) => Mark::Position(c),
                    ("log-start", None) => Mark::LogStart,
                    ("log-end", None) => Mark::LogEnd,
                    ("hw", None) => Mark::HighWatermark,
                    _ => return None,
                };
                Some(WhyTarget::Mark { topic, partition, mark })
            }
            _ => None,
        }
    }

    /// How the heading names it.
    pub fn name(&self, t: &Text) -> String {
        match self {
            WhyTarget::Consumer(n) | WhyTarget::Producer(n) => n.clone(),
            WhyTarget::Partition { topic, partition } => format!("{topic}-{partition}"),
            WhyTarget::Mark { topic, partition, mark } => {
                let what = match mark {
                    Mark::Committed(g) => fill(t.why_name_committed, &[g]),
                    Mark::Position(c) => fill(t.why_name_position, &[c]),
                    Mark::LogStart => t.log_start.to_string(),
                    Mark::LogEnd => t.log_end.to_string(),
                    Mark::HighWatermark => t.why_name_hw.to_string(),
                };
                format!("{topic}-{partition}: {what}")
            }
            WhyTarget::Lag { group, topic, partition } => format!("{group} {topic}-{partition}: LAG"),
            WhyTarget::Generation(g) => format!("{g}: {}", t.generation),
        }
    }
}
