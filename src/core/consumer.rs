//! Consumers: standalone (`assign()`) or group members (`subscribe()`), polling on a
//! schedule, processing for a while, and committing automatically or by hand.
//!
//! The client side of the group protocols lives here and in the cluster's driving of its
//! consumers (`cluster/consumers.rs`, `cluster/classic.rs`, `cluster/consumer_protocol.rs`:
//! when to rejoin, what to revoke); the coordinator's side lives on the broker (`broker/`).

use super::config::ConsumerConfig;
use super::error::{CoreError, CoreResult, ErrorCode};
use super::event::RebalanceReason;
use super::group::assignor::TopicPartition;
use super::group::GroupProtocol;
use super::time::Millis;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Standalone or Group (UI: the "Mode" radio group).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ConsumerMode {
    /// `assign(partitions)`: the consumer picks its partitions; no group membership.
    Standalone { partitions: Vec<TopicPartition> },
    /// `subscribe(topics)`: the group decides who reads what.
    Group { topics: Vec<String> },
    /// `KafkaShareConsumer.subscribe(topics)` (KIP-932): a member of the share group `group.id`;
    /// it reads the partitions the share group coordinator assigns, several members may share
    /// one, and each record is acquired and acknowledged on its own.
    Share { topics: Vec<String> },
}

/// What a consumer is told to be (scenario files and the UI).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsumerSpec {
    pub name: String,
    #[serde(default)]
    pub user: Option<String>,
    pub mode: ConsumerMode,
    #[serde(default)]
    pub config: ConsumerConfig,
    #[serde(default)]
    pub paused: bool,
}

impl ConsumerSpec {
    pub fn group(name: &str, group_id: &str, topics: &[&str], config: ConsumerConfig) -> Self {
        ConsumerSpec {
            name: name.into(),
            user: None,
            mode: ConsumerMode::Group { topics: topics.iter().map(|t| t.to_string()).collect() },
            config: ConsumerConfig { group_id: Some(group_id.into()), ..config },
            paused: false,
        }
    }

    pub fn standalone(name: &str, partitions: Vec<TopicPartition>, config: ConsumerConfig) -> Self {
        ConsumerSpec {
            name: name.into(),
            user: None,
            mode: ConsumerMode::Standalone { partitions },
            config,
            paused: false,
        }
    }

    pub fn validate(&self) -> CoreResult<()> {
        super::config::validate_entity_name("consumer", &self.name)?;
        self.config.validate().map_err(CoreError::invalid)?;
        if let Some(g) = &self.config.group_id {
            super::config::validate_entity_name("group.id", g)?;
        }
        if let Some(i) = &self.config.group_instance_id {
            super::config::validate_entity_name("group.instance.id", i)?;
        }
        match &self.mode {
            ConsumerMode::Group { topics } => {
                if self.config.group_id.is_none() {
                    return Err(CoreError::invalid("group.id is required in Group mode (subscribe())"));
                }
                if topics.is_empty() {
                    return Err(CoreError::invalid(
                        "a Group-mode consumer must subscribe to at least one topic",
                    ));
                }
                for t in topics {
                    super::topic::validate_topic_name(t)?;
                }
            }
            ConsumerMode::Standalone { partitions } => {
                if partitions.len() > 4096 {
                    return Err(CoreError::invalid("too many partitions assigned (at most 4096)"));
                }
            }
            ConsumerMode::Share { topics } => {
                if self.config.group_id.is_none() {
                    return Err(CoreError::invalid(
                        "group.id is required for a share consumer (subscribe())",
                    ));
                }
                if topics.is_empty() {
                    return Err(CoreError::invalid("a share consumer must subscribe to at least one topic"));
                }
                for t in topics {
                    super::topic::validate_topic_name(t)?;
                }
            }
        }
        super::share_consumer::validate_rules(&self.config).map_err(CoreError::invalid)?;
        Ok(())
    }

    pub fn is_group(&self) -> bool {
        matches!(self.mode, ConsumerMode::Group { .. })
    }

    /// A `KafkaShareConsumer` (a share group member).
    pub fn is_share(&self) -> bool {
        matches!(self.mode, ConsumerMode::Share { .. })
    }

    /// The topics it subscribes to (group or share), none for `assign()`.
    pub fn subscription(&self) -> &[String] {
        match &self.mode {
            ConsumerMode::Group { topics } | ConsumerMode::Share { topics } => topics,
            ConsumerMode::Standalone { .. } => &[],
        }
    }
}

/// Alive, paused, crashed or closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsumerStatus {
    Running,
    /// `pause()`: keeps polling (and heartbeating) but gets no records.
    Paused,
    /// Stopped without a word.
    Crashed,
    /// Closed gracefully (left its group).
    Closed,
}

/// Where a group member is in the protocol, from its own point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberPhase {
    /// Not in the group (yet, or any more).
    Unjoined,
    /// Sent JoinGroup, waiting for the others.
    Joining,
    /// Joined; waiting for SyncGroup to hand out the assignment.
    AwaitingSync,
    /// Has its assignment for the current generation.
    Stable,
    /// KIP-848: working towards its target assignment.
    Reconciling,
}

/// A group member's client-side state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Membership {
    pub group: String,
    /// The protocol it joins with (`group.protocol` when the membership began).
    #[serde(default)]
    pub protocol: GroupProtocol,
    pub member_id: Option<String>,
    /// Classic: generation id; KIP-848: member epoch. -1 before the first.
    pub generation: i32,
    pub phase: MemberPhase,
    pub rejoin_needed: bool,
    pub next_heartbeat_at: Millis,
    /// Eager: since when it holds nothing because it revoked everything.
    pub stopped_since: Option<Millis>,
    /// What it owned before the current rebalance (the sticky assignors' user data).
    pub previous: Vec<TopicPartition>,
    pub previous_generation: i32,
    /// KIP-848: partitions the coordinator asked it to give up, revoked at the next poll.
    pub pending_revoke: Vec<TopicPartition>,
    /// KIP-848: send a heartbeat at the next opportunity (acknowledge a reconciliation).
    pub heartbeat_soon: bool,
    /// Classic, cooperative: it revoked partitions the last assignment moved away and rejoins
    /// to hand them over (the follow-up rebalance's reason).
    #[serde(default)]
    pub handing_over: bool,
    /// Partition counts of subscribed topics as of the last metadata refresh.
    pub known_partitions: BTreeMap<String, u32>,
    pub next_metadata_at: Millis,
    /// Classic: the last JoinGroup answer named it the group's leader.
    #[serde(default)]
    pub is_leader: bool,
    /// Classic: why it rejoins, sent with its JoinGroup (KIP-800's reason).
    #[serde(default)]
    pub rejoin_reason: Option<RebalanceReason>,
}

/// The card's one-line "what is it doing".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activity {
    Consuming,
    Processing,
    /// Owns nothing: more members than partitions, or nothing assigned.
    Idle,
    Joining,
    Revoking,
    Paused,
    Crashed,
    Closed,
    Error,
}

/// A consumer's running state.
#[derive(Debug, Clone)]
pub struct Consumer {
    pub spec: ConsumerSpec,
    pub status: ConsumerStatus,
    /// Partitions it owns now (assigned by itself or by the group).
    pub assignment: Vec<TopicPartition>,
    /// Next offset `poll()` returns, per owned partition.
    pub positions: BTreeMap<TopicPartition, u64>,
    pub membership: Option<Membership>,
    pub next_poll_at: Millis,
    pub last_poll_at: Millis,
    pub busy_until: Millis,
    pub next_auto_commit_at: Millis,
    /// Manual commit after processing: positions to commit when processing ends.
    pub pending_commit: Option<(Millis, Vec<(TopicPartition, u64)>)>,
    /// Where the next fetch starts, so partitions take turns.
    pub fetch_cursor: usize,
    pub error: Option<(ErrorCode, String)>,
    pub fetched: u64,
    pub redelivered: u64,
    /// Standalone without a group: highest offset delivered per partition (to spot repeats).
    pub delivered: BTreeMap<TopicPartition, u64>,
    /// The batch being processed: when it was fetched, how many records, ms per record, and
    /// whether its offsets were committed before processing (at-most-once).
    pub batch: Option<Batch>,
    /// A share consumer's client state (member, acquired records, pending acknowledgements).
    pub share: Option<Box<super::share_consumer::ShareClient>>,
}

/// A polled batch, for telling what a crash mid-processing loses or repeats.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Batch {
    pub fetched_at: Millis,
    pub count: u64,
    pub ms_per_record: f64,
    pub committed_before_processing: bool,
}

impl Batch {
    /// Records of the batch not yet processed at `now`.
    pub fn unprocessed_at(&self, now: Millis) -> u64 {
        if self.ms_per_record <= 0.0 {
            return 0;
        }
        let done = (now.saturating_sub(self.fetched_at) as f64 / self.ms_per_record).floor() as u64;
        self.count.saturating_sub(done)
    }
}

impl Consumer {
    pub fn new(spec: ConsumerSpec, now: Millis) -> Self {
        Consumer {
            status: if spec.paused { ConsumerStatus::Paused } else { ConsumerStatus::Running },
            spec,
            assignment: Vec::new(),
            positions: BTreeMap::new(),
            membership: None,
            next_poll_at: now,
            last_poll_at: now,
            busy_until: now,
            next_auto_commit_at: now,
            pending_commit: None,
            fetch_cursor: 0,
            error: None,
            fetched: 0,
            redelivered: 0,
            delivered: BTreeMap::new(),
            batch: None,
            share: None,
        }
    }

    pub fn is_alive(&self) -> bool {
        matches!(self.status, ConsumerStatus::Running | ConsumerStatus::Paused)
    }

    pub fn group_id(&self) -> Option<&str> {
        self.spec.config.group_id.as_deref()
    }

    pub fn next_wakeup(&self) -> Option<Millis> {
        if !self.is_alive() {
            return None;
        }
        let mut t = self.next_poll_at;
        if let Some((at, _)) = &self.pending_commit {
            t = t.min(*at);
        }
        if let Some(m) = &self.membership {
            if m.member_id.is_some() {
                t = t.min(m.next_heartbeat_at);
            }
        }
        if let Some(s) = &self.share {
            t = t.min(s.next_heartbeat_at);
        }
        Some(t)
    }

    /// What the card says it is doing at `now`.
    pub fn activity(&self, now: Millis) -> Activity {
        match self.status {
            ConsumerStatus::Crashed => return Activity::Crashed,
            ConsumerStatus::Closed => return Activity::Closed,
            ConsumerStatus::Paused => return Activity::Paused,
            ConsumerStatus::Running => {}
        }
        if let Some(m) = &self.membership {
            match m.phase {
                MemberPhase::Unjoined | MemberPhase::Joining | MemberPhase::AwaitingSync => {
                    return if m.stopped_since.is_some() && self.assignment.is_empty() {
                        Activity::Revoking
                    } else if self.assignment.is_empty() {
                        Activity::Joining
                    } else {
                        Activity::Consuming
                    };
                }
                MemberPhase::Reconciling if !m.pending_revoke.is_empty() => return Activity::Revoking,
                _ => {}
            }
        }
        // A refused commit (or a membership refusal it has left behind) does not stop a
        // consumer that owns partitions from reading them: it consumes, and the card shows
        // the error next to it.
        if self
            .error
            .as_ref()
            .is_some_and(|(e, _)| !crate::core::group::is_group_error(*e) || self.assignment.is_empty())
        {
            return Activity::Error;
        }
        if self.assignment.is_empty() {
            Activity::Idle
        } else if self.busy_until > now {
            Activity::Processing
        } else {
            Activity::Consuming
        }
    }
}

impl Consumer {
    /// Positions of owned partitions, as a commit would send them.
    pub fn commit_positions(&self) -> Vec<(TopicPartition, u64)> {
        self.assignment.iter().filter_map(|tp| self.positions.get(tp).map(|o| (tp.clone(), *o))).collect()
    }
}

pub(crate) fn is_authorization(e: ErrorCode) -> bool {
    matches!(
        e,
        ErrorCode::TopicAuthorizationFailed
            | ErrorCode::GroupAuthorizationFailed
            | ErrorCode::ClusterAuthorizationFailed
    )
}
