//! The cluster: the one state machine everything else hangs off.
//!
//! Contract (sans-IO, like quinn-proto and str0m): the caller owns time.
//! - [`Cluster::apply`] runs a command at `now` (after catching up to `now`);
//! - [`Cluster::advance`] moves simulated time to `now` and returns what happened;
//! - [`Cluster::next_wakeup`] says when something will next happen on its own.
//!
//! Same seed + same commands at the same times ⇒ the same events, natively and in wasm.

mod admin;
mod budget;
mod classic;
mod consumer_protocol;
mod consumers;
mod coordinator_lookup;
mod learned;
mod offsets;
mod producers;
mod replicas;
mod route;
mod schedule;
mod share_consumers;

use super::acl::{AuthConfig, Authorizer, AuthorizerSpec, RoleBinding};
use super::admin::AdminClient;
use super::broker::{unknown_topic, Broker};
use super::command::{Command, SeekTo};
use super::config::ClusterConfig;
use super::consumer::{Consumer, ConsumerMode, ConsumerSpec, ConsumerStatus};
use super::error::{CoreError, CoreResult, ErrorCode};
use super::event::{AuthorizationChange, BrokerChange, Event, EventKind, LeaveReason, RebalanceReason};
use super::group::assignor::TopicPartition;
use super::group::{Group, GroupProtocol};
use super::ids::{BrokerId, CorrelationId, NodeId};
use super::log::{Retention, Value};
use super::net::Network;
use super::producer::{Outgoing, Producer};
use super::protocol::find_coordinator::{partition_for, CoordinatorType, FindCoordinatorRequest};
use super::protocol::{Authenticated, Request, Response};
use super::schedule::{Kind, Tracked};
use super::time::Millis;
use super::topic::Topic;
use std::collections::BTreeMap;
use std::sync::Arc;

pub use super::broker::RETENTION_CHECK_MS;

/// Most producers, consumers and topics one cluster may hold (a tab must stay responsive).
pub const MAX_ENTITIES: usize = 256;

#[derive(Debug, Clone)]
pub struct Cluster {
    pub(crate) now: Millis,
    pub(crate) seed: u64,
    pub(crate) rng: oorandom::Rand64,
    pub(crate) config: ClusterConfig,
    /// The one broker: partition logs, group coordinators, the authorizer.
    pub(crate) broker: Broker,
    pub(crate) producers: Tracked<Producer>,
    pub(crate) producer_names: Vec<Arc<str>>,
    pub(crate) consumers: Tracked<Consumer>,
    pub(crate) events: Vec<Event>,
    /// Every request between a client and the broker goes through here.
    pub(crate) net: Network<Authenticated, Response>,
    /// The work budget (`budget.rs`): totals a tab can hold.
    pub(crate) budget: super::budget::BudgetState,
    /// When each producer, coordinator and consumer next wakes (`schedule.rs`).
    pub(crate) schedule: super::schedule::Schedule,
    /// The admin client: topic, config, ACL and group-offset changes go through it.
    pub(crate) admin: AdminClient,
    /// What each client was told, when a checker asked for it (`learned.rs`).
    pub(crate) learned: Option<super::learned::Learned>,
    /// The replication of the topic being created ([`Cluster::create_topic`]).
    pub(crate) next_topic_replication: Option<(i32, super::replication::config::TopicReplicationConfig)>,
    /// Answers on their way to clients (`cluster/route.rs`).
    pub(crate) route: route::Route,
    /// Classic: members that had stopped consuming when their SyncGroup answer came, per group
    /// (the rebalance's story; the coordinator does not know it).
    pub(crate) sync_stopped: BTreeMap<String, Vec<String>>,
    /// Highest offset delivered to any consumer with a `group.id` per group and partition, to
    /// spot redeliveries: the simulation's bookkeeping, not the coordinator's (so reading
    /// creates no group).
    pub(crate) group_delivered: BTreeMap<String, BTreeMap<TopicPartition, u64>>,
}

impl Cluster {
    pub fn new(config: ClusterConfig, seed: u64) -> Self {
        let mut broker = Broker::new(config.brokers.first().map_or(BrokerId::FIRST, |b| b.id));
        broker.replicas = super::broker::replicas::Replication::new(&config, seed);
        broker.group_config = super::broker::GroupConfig::of(&config);
        Cluster {
            now: 0,
            seed,
            rng: oorandom::Rand64::new(seed as u128),
            config,
            broker,
            producers: Tracked::default(),
            producer_names: Vec::new(),
            consumers: Tracked::default(),
            events: Vec::new(),
            net: Network::default(),
            budget: Default::default(),
            schedule: Default::default(),
            admin: AdminClient::default(),
            learned: None,
            next_topic_replication: None,
            route: Default::default(),
            sync_stopped: BTreeMap::new(),
            group_delivered: BTreeMap::new(),
        }
    }

    // ---------------------------------------------------------------- read-only views

    pub fn now(&self) -> Millis {
        self.now
    }
    pub fn seed(&self) -> u64 {
        self.seed
    }
    pub fn config(&self) -> &ClusterConfig {
        &self.config
    }
    pub fn topics(&self) -> &BTreeMap<String, Topic> {
        &self.broker.topics
    }
    pub fn producers(&self) -> &BTreeMap<String, Producer> {
        &self.producers
    }
    pub fn consumers(&self) -> &BTreeMap<String, Consumer> {
        &self.consumers
    }
    pub fn groups(&self) -> &BTreeMap<String, Group> {
        &self.broker.groups
    }
    /// The brokers (one, for now).
    pub fn brokers(&self) -> &[Broker] {
        std::slice::from_ref(&self.broker)
    }
    /// The broker coordinating `group` and the `__consumer_offsets` partition that decides it,
    /// as FindCoordinator answers (`kafka-consumer-groups --describe --state`'s COORDINATOR).
    pub fn coordinator(&self, group: &str) -> (BrokerId, u32) {
        let r = FindCoordinatorRequest {
            key_type: CoordinatorType::Group,
            coordinator_keys: vec![group.to_string()],
        };
        let id =
            self.broker.find_coordinator(&r).coordinators.first().map_or(self.broker.id(), |c| c.node_id);
        (id, partition_for(group, self.broker.offsets_topic_num_partitions))
    }
    pub fn authorizer(&self) -> &Authorizer {
        &self.broker.auth
    }
    /// The name of the producer that wrote a record (`Record::producer`).
    pub fn producer_name(&self, index: u32) -> &str {
        self.producer_names.get(index as usize).map_or("?", |s| s)
    }

    // ---------------------------------------------------------------- time

    /// When the cluster next needs to run on its own, if ever (`O(log n)`: `schedule.rs`).
    pub fn next_wakeup(&self) -> Option<Millis> {
        self.next_wakeup_queued()
    }

    /// [`Cluster::next_wakeup`] by a look at every node (what the queues must agree with).
    pub(crate) fn next_wakeup_scan(&self) -> Option<Millis> {
        let mut t: Option<Millis> = None;
        let mut consider = |x: Option<Millis>| {
            if let Some(x) = x {
                t = Some(t.map_or(x, |t: Millis| t.min(x)));
            }
        };
        for p in self.producers.values() {
            // (A producer failing for a missing topic retries at most once a second: its
            // `next_due` says when, so the schedule does not depend on how time is sliced.)
            consider(p.next_wakeup());
        }
        for c in self.consumers.values() {
            consider(c.next_wakeup());
        }
        consider(self.broker.poll_timeout(self.config.consumer_session_timeout_ms).map(|(t, _)| t));
        consider(self.broker.replicas.next_wakeup());
        consider(self.broker.produce.next_timer());
        t.map(|t| t.max(self.now))
    }

    /// Runs everything due up to `now` and returns the events, in order.
    pub fn advance(&mut self, now: Millis) -> Vec<Event> {
        self.run_until(now);
        // The next call's events start with room for as many (up to a bound), not regrown.
        let room = self.events.len().min(4096);
        std::mem::replace(&mut self.events, Vec::with_capacity(room))
    }

    fn run_until(&mut self, now: Millis) {
        if now < self.now {
            return; // time never goes back; scrubbing replays from the seed instead
        }
        let mut same_time_steps = 0u32;
        let mut last = self.now;
        self.flush_schedule();
        while let Some(t) = self.next_wakeup_queued() {
            if t > now {
                break;
            }
            if t == last {
                same_time_steps += 1;
                if same_time_steps > 10_000 {
                    // Defensive: something keeps rescheduling itself at the same instant.
                    // Move on rather than freeze the tab.
                    self.now = t + 1;
                    last = self.now;
                    same_time_steps = 0;
                    continue;
                }
            } else {
                same_time_steps = 0;
                last = t;
            }
            self.now = t;
            self.step(t);
            self.flush_schedule();
        }
        self.now = now;
    }

    /// Everything due at `t`: producers first (so a poll at `t` sees records of `t`), then
    /// the coordinators, then consumers; each in name order.
    fn step(&mut self, t: Millis) {
        for name in self.due(Kind::Producer, t) {
            self.step_producer(&name, t);
        }
        self.step_replicas(t);
        self.answer_held_produces(t);
        self.step_coordinators(t);
        self.flush_schedule();
        for id in self.due(Kind::Group, t) {
            self.step_group(&id, t);
        }
        self.step_share_coordinator(t);
        self.flush_schedule();
        for name in self.due(Kind::Consumer, t) {
            self.step_consumer(&name, t);
        }
        if t >= self.broker.next_retention_at {
            self.broker.next_retention_at = t + RETENTION_CHECK_MS;
            self.sweep_retention(t);
        }
    }

    /// Sends `request` from client `from` (authenticated as `user`) to the broker, and runs the
    /// network at `now` until its answer is back. The data path has zero latency, so it always
    /// is; `None` means it timed out, is still on its way over a slower link, or waits at a
    /// coordinator (JoinGroup, SyncGroup). See `cluster/route.rs`.
    pub(crate) fn call(
        &mut self,
        now: Millis,
        from: NodeId,
        user: Option<&str>,
        request: Request,
    ) -> Option<Response> {
        self.call_correlated(now, from, user, request).1
    }

    /// [`Cluster::call`], also returning the request's correlation id.
    pub(crate) fn call_correlated(
        &mut self,
        now: Millis,
        from: NodeId,
        user: Option<&str>,
        request: Request,
    ) -> (CorrelationId, Option<Response>) {
        let timeout = self.net.request_timeout_ms();
        self.call_with_timeout(now, from, user, request, timeout)
    }

    /// The network between the clients and the broker (for the invariant checker).
    pub fn network(&self) -> &Network<Authenticated, Response> {
        &self.net
    }

    pub(crate) fn events_push(&mut self, at: Millis, kind: EventKind) {
        self.events.push(Event { at, kind });
    }

    /// The broker's retention check; what it deleted becomes events.
    fn sweep_retention(&mut self, now: Millis) {
        for kind in self.broker.sweep_retention(now) {
            self.events_push(now, kind);
        }
    }

    // ---------------------------------------------------------------- commands

    /// Catches up to `now`, then runs `cmd`. On error nothing changed (events produced while
    /// catching up stay queued and come with the next call).
    pub fn apply(&mut self, now: Millis, cmd: Command) -> CoreResult<Vec<Event>> {
        self.apply_as(now, None, cmd)
    }

    /// [`Cluster::apply`] on behalf of `user`: the admin client sends an admin command's
    /// requests as that principal (`None`: the operator, a super user), and the broker
    /// authorizes them. Other commands ignore `user` (clients carry their own).
    pub fn apply_as(&mut self, now: Millis, user: Option<&str>, cmd: Command) -> CoreResult<Vec<Event>> {
        self.run_until(now);
        let now = self.now;
        let applied = self.apply_command(cmd, now, user);
        if applied.is_ok() {
            self.step_coordinators(now);
        }
        self.flush_schedule();
        applied?;
        Ok(std::mem::take(&mut self.events))
    }

    fn apply_command(&mut self, cmd: Command, now: Millis, user: Option<&str>) -> CoreResult<()> {
        self.admin_reachable(&cmd)?;
        match cmd {
            Command::AlterGroupOffsets { group, offsets } => {
                let offsets = self.admin_alter_group_offsets(now, user, &group, &offsets)?;
                self.events_push(now, EventKind::GroupOffsetsAltered { group, offsets });
            }
            Command::DeleteGroup { group } => {
                self.admin_delete_group(now, user, &group)?;
                self.group_delivered.remove(&group);
                self.events_push(now, EventKind::GroupDeleted { group });
            }
            cmd @ (Command::SetShareGroupConfig { .. }
            | Command::ResetShareGroupOffsets { .. }
            | Command::DeleteShareGroup { .. }
            | Command::DeleteShareGroupOffsets { .. }) => self.apply_share_command(cmd, now, user)?,
            Command::ElectLeaders { election_type, partitions } => {
                self.admin_elect_leaders(now, user, election_type, partitions.as_deref())?;
            }
            Command::DeleteGroupOffsets { group, topic, partitions } => {
                let (gone, refused) =
                    self.admin_delete_group_offsets(now, user, &group, &topic, &partitions)?;
                if !gone.is_empty() || !refused.is_empty() {
                    self.events_push(
                        now,
                        EventKind::GroupOffsetsDeleted { group, partitions: gone, refused },
                    );
                }
            }
            Command::CreateTopic { name, partitions, retention, replication_factor } => {
                let rf = self.check_placement(replication_factor)?;
                let partitions = self
                    .admin_create_topic(now, user, &name, partitions, retention, rf)
                    .inspect_err(|_| self.next_topic_replication = None)?;
                self.place_new_topic(&name, partitions, now);
                self.events_push(now, EventKind::TopicCreated { topic: name, partitions });
            }
            Command::DeleteTopic { name } => {
                self.admin_delete_topic(now, user, &name)?;
                self.broker.replicas.forget_topic(&name);
                self.broker.forget_produce_topic(&name);
                self.events_push(now, EventKind::TopicDeleted { topic: name.clone() });
                self.forget_topic(&name, now);
            }
            Command::CreatePartitions { topic, total } => {
                let (from, to) = self.admin_create_partitions(now, user, &topic, total)?;
                self.broker.replicas.add_partitions(now, &topic, to - from);
                self.events_push(now, EventKind::PartitionsAdded { topic: topic.clone(), from, to });
                // KIP-848 groups: the coordinator sees the new metadata at once. Classic
                // groups: the leader notices at its next metadata refresh.
                let cg: Vec<String> = self
                    .broker
                    .groups
                    .values()
                    .filter(|g| {
                        g.protocol == Some(GroupProtocol::Consumer)
                            && g.members.values().any(|m| m.topics.contains(&topic))
                    })
                    .map(|g| g.id.clone())
                    .collect();
                for g in cg {
                    self.broker.cg_bump(&g, RebalanceReason::PartitionsAdded { topic: topic.clone() }, now);
                    self.flush_broker(now);
                }
            }
            Command::SetRetention { topic, retention } => {
                self.admin_alter_retention(now, user, &topic, retention)?;
                self.sweep_retention(now);
            }
            Command::StopBroker { broker } => self.broker_change(now, broker, BrokerChange::Stopped)?,
            Command::CrashBroker { broker } => self.broker_change(now, broker, BrokerChange::Crashed)?,
            Command::StartBroker { broker } => self.broker_change(now, broker, BrokerChange::Started)?,
            Command::IsolateBroker { broker } => self.broker_change(now, broker, BrokerChange::Isolated)?,
            Command::HealBroker { broker } => self.broker_change(now, broker, BrokerChange::Healed)?,
            Command::AddProducer { producer } => {
                producer.validate()?;
                self.check_rate_budget(producer.rate, None)?;
                if self.producers.contains_key(&producer.name) {
                    return Err(CoreError::invalid(format!(
                        "there is already a producer named {}",
                        producer.name
                    )));
                }
                self.check_capacity(self.producers.len())?;
                self.check_user(producer.user.as_deref())?;
                let index = self.producer_names.len() as u32;
                self.producer_names.push(Arc::from(producer.name.as_str()));
                let (name, topic) = (producer.name.clone(), producer.topic.clone());
                let mut p = Producer::new(producer, index, now);
                p.configure(self.config.producer_defaults);
                self.producers.insert(name.clone(), p);
                self.sync_producer_links();
                self.events_push(now, EventKind::ProducerAdded { producer: name, topic });
            }
            Command::UpdateProducer { producer } => {
                producer.validate()?;
                self.check_rate_budget(producer.rate, Some(&producer.name))?;
                self.check_user(producer.user.as_deref())?;
                let name = producer.name.clone();
                let Some(p) = self.producers.get_mut(&name) else {
                    return Err(unknown("producer", &name));
                };
                p.set_spec(producer, now);
                p.configure(self.config.producer_defaults);
                self.events_push(now, EventKind::ProducerChanged { producer: name });
            }
            Command::RemoveProducer { name } => {
                if self.producers.remove(&name).is_none() {
                    return Err(unknown("producer", &name));
                }
                self.events_push(now, EventKind::ProducerRemoved { producer: name });
            }
            Command::PauseProducer { name } | Command::ResumeProducer { name }
                if !self.producers.contains_key(&name) =>
            {
                return Err(unknown("producer", &name));
            }
            Command::PauseProducer { name } => {
                let p = self.producers.get_mut(&name).expect("checked");
                p.pause();
                self.events_push(now, EventKind::ProducerPaused { producer: name });
            }
            Command::ResumeProducer { name } => {
                let p = self.producers.get_mut(&name).expect("checked");
                p.spec.paused = false;
                p.next_due = p.next_due.max(now as f64);
                self.events_push(now, EventKind::ProducerResumed { producer: name });
            }
            Command::SendOne { producer, key, value, partition, headers } => {
                if key.as_ref().is_some_and(|k| k.len() > 256)
                    || value.as_ref().is_some_and(|v| v.len() > 1024)
                {
                    return Err(CoreError::invalid("key must be at most 256 and value at most 1024 bytes"));
                }
                if headers.len() > 16
                    || headers.iter().any(|(k, v)| k.is_empty() || k.len() > 64 || v.len() > 256)
                {
                    return Err(CoreError::invalid(
                        "headers: at most 16, each with a name of 1 to 64 and a value of at most 256 bytes",
                    ));
                }
                let Some(mut p) = self.producers.remove(&producer) else {
                    return Err(unknown("producer", &producer));
                };
                p.seq += 1;
                let out = Outgoing {
                    key: key.map(|k| Arc::from(k.as_str())),
                    value: value.map_or(Value::Seq(p.seq), |v| Value::Text(Arc::from(v.as_str()))),
                    partition,
                    headers: (!headers.is_empty()).then(|| {
                        headers.iter().map(|(k, v)| (Arc::from(k.as_str()), Arc::from(v.as_str()))).collect()
                    }),
                };
                self.accumulate(&mut p, 1, now, Some(out));
                self.producer_send(&mut p, now);
                self.producers.insert(producer, p);
            }
            Command::AddConsumer { consumer } => {
                consumer.validate()?;
                if self.consumers.contains_key(&consumer.name) {
                    return Err(CoreError::invalid(format!(
                        "there is already a consumer named {}",
                        consumer.name
                    )));
                }
                self.check_capacity(self.consumers.len())?;
                self.check_consumer_budget(&consumer, false)?;
                self.check_user(consumer.user.as_deref())?;
                self.check_standalone_partitions(&consumer)?;
                let name = consumer.name.clone();
                self.consumers.insert(name.clone(), Consumer::new(consumer, now));
                self.events_push(now, EventKind::ConsumerAdded { consumer: name.clone() });
                self.start_consumer(&name, now);
            }
            Command::UpdateConsumer { consumer } => {
                consumer.validate()?;
                self.check_consumer_budget(&consumer, true)?;
                self.check_user(consumer.user.as_deref())?;
                self.check_standalone_partitions(&consumer)?;
                if !self.consumers.contains_key(&consumer.name) {
                    return Err(unknown("consumer", &consumer.name));
                }
                self.update_consumer(consumer, now);
            }
            Command::SetConsumerMode { name, mode } => {
                let Some(c) = self.consumers.get(&name) else {
                    return Err(unknown("consumer", &name));
                };
                let mut spec = c.spec.clone();
                spec.mode = mode;
                if (spec.is_group() || spec.is_share()) && spec.config.group_id.is_none() {
                    spec.config.group_id = Some("group-1".into());
                }
                spec.validate()?;
                self.check_standalone_partitions(&spec)?;
                self.update_consumer(spec, now);
            }
            Command::RemoveConsumer { name } => {
                if !self.consumers.contains_key(&name) {
                    return Err(unknown("consumer", &name));
                }
                self.leave_group(&name, LeaveReason::Left, now);
                self.consumers.remove(&name);
                self.events_push(now, EventKind::ConsumerRemoved { consumer: name });
            }
            Command::PauseConsumer { name }
            | Command::ResumeConsumer { name }
            | Command::CrashConsumer { name }
            | Command::RestartConsumer { name }
            | Command::LeaveGroup { name }
                if !self.consumers.contains_key(&name) =>
            {
                return Err(unknown("consumer", &name));
            }
            Command::PauseConsumer { name } => {
                let c = self.consumers.get_mut(&name).expect("checked");
                if c.status == ConsumerStatus::Running {
                    c.status = ConsumerStatus::Paused;
                    c.spec.paused = true;
                    self.events_push(now, EventKind::ConsumerPaused { consumer: name });
                }
            }
            Command::ResumeConsumer { name } => {
                let c = self.consumers.get_mut(&name).expect("checked");
                if c.status == ConsumerStatus::Paused {
                    c.status = ConsumerStatus::Running;
                    c.spec.paused = false;
                    c.next_poll_at = c.next_poll_at.min(now);
                    self.events_push(now, EventKind::ConsumerResumed { consumer: name });
                }
            }
            Command::CrashConsumer { name } => {
                let c = self.consumers.get_mut(&name).expect("checked");
                if !c.is_alive() {
                    return Err(CoreError::invalid(format!("consumer {name} is not running")));
                }
                c.status = ConsumerStatus::Crashed;
                c.pending_commit = None;
                let (unprocessed, committed_ahead) = match c.batch.take() {
                    Some(b) if c.busy_until > now => (b.unprocessed_at(now), b.committed_before_processing),
                    _ => (0, false),
                };
                let kind = share_consumers::crashed(c, &name).unwrap_or(EventKind::ConsumerCrashed {
                    consumer: name,
                    unprocessed,
                    committed_ahead,
                });
                self.events_push(now, kind);
            }
            Command::RestartConsumer { name } => {
                let c = self.consumers.get(&name).expect("checked");
                if c.is_alive() {
                    return Err(CoreError::invalid(format!("consumer {name} is already running")));
                }
                let spec = c.spec.clone();
                // A new process: nothing survives but the settings (and the group's offsets).
                self.consumers.insert(name.clone(), Consumer::new(spec, now));
                self.events_push(now, EventKind::ConsumerRestarted { consumer: name.clone() });
                self.start_consumer(&name, now);
            }
            Command::LeaveGroup { name } => {
                let c = self.consumers.get(&name).expect("checked");
                if !c.is_alive() {
                    return Err(CoreError::invalid(format!("consumer {name} is not running")));
                }
                if c.spec.config.enable_auto_commit && c.membership.is_none() && !c.spec.is_share() {
                    let offsets = c.commit_positions();
                    self.commit(&name, offsets, true, now);
                }
                self.leave_group(&name, LeaveReason::Left, now);
                let c = self.consumers.get_mut(&name).expect("checked");
                c.status = ConsumerStatus::Closed;
                c.assignment.clear();
                c.positions.clear();
            }
            Command::Seek { consumer, topic, partition, to } => {
                let Some(c) = self.consumers.get(&consumer) else {
                    return Err(unknown("consumer", &consumer));
                };
                let tp = TopicPartition::new(topic.as_str(), partition);
                if c.spec.is_share() {
                    return Err(CoreError::invalid(format!(
                        "{consumer} is a share consumer: KafkaShareConsumer has no seek(); reset the share group's offsets instead"
                    )));
                }
                if !c.assignment.contains(&tp) {
                    return Err(CoreError::invalid(format!("{consumer} does not own {topic}-{partition}")));
                }
                let user = c.spec.user.clone();
                let (log_start, log_end) = self
                    .list_offsets(now, &consumer, user.as_deref(), &tp)
                    .map_err(|code| seek_refused(code, &topic))?;
                let offset = match to {
                    SeekTo::Beginning => log_start,
                    SeekTo::End => log_end,
                    // Past the log end there is nothing to read, and a commit of that position
                    // would put the committed offset past the log end (lag < 0). The Java
                    // client accepts it and fails at the next fetch; the playground says so now.
                    SeekTo::Offset(o) if o > log_end => {
                        return Err(CoreError::kafka(
                            ErrorCode::OffsetOutOfRange,
                            format!("{topic}-{partition} has offsets {log_start} to {log_end}; {o} is past its end"),
                        ));
                    }
                    SeekTo::Offset(o) => o,
                };
                self.consumers.get_mut(&consumer).expect("checked").positions.insert(tp, offset);
                self.events_push(now, EventKind::Seeked { consumer, topic, partition, offset });
            }
            Command::CommitSync { consumer } => {
                let Some(c) = self.consumers.get(&consumer) else {
                    return Err(unknown("consumer", &consumer));
                };
                if c.group_id().is_none() {
                    return Err(CoreError::invalid(format!("{consumer} has no group.id to commit to")));
                }
                if c.share.is_some() {
                    self.share_commit(&consumer, now);
                    return Ok(());
                }
                let offsets = self.commit_positions_of(&consumer);
                self.commit(&consumer, offsets, false, now);
            }
            Command::SetAuthorization { enabled, allow_everyone_if_no_acl_found } => {
                self.broker.auth.set_enabled(enabled);
                if let Some(a) = allow_everyone_if_no_acl_found {
                    self.broker.auth.set_allow_everyone_if_no_acl_found(a);
                }
                let change = AuthorizationChange::Switched { on: enabled };
                self.events_push(now, EventKind::AuthorizationChanged { change });
            }
            Command::AddUser { name } => {
                self.broker.auth.add_user(&name).map_err(acl_error)?;
                self.events_push(
                    now,
                    EventKind::AuthorizationChanged { change: AuthorizationChange::UserAdded { user: name } },
                );
            }
            Command::RemoveUser { name } => {
                if !self.broker.auth.remove_user(&name) {
                    return Err(CoreError::invalid(format!("no user named {name:?}")));
                }
                self.events_push(
                    now,
                    EventKind::AuthorizationChanged {
                        change: AuthorizationChange::UserRemoved { user: name },
                    },
                );
            }
            Command::GrantRole { user, role, pattern } => {
                let b = RoleBinding::new(&user, role, &pattern).map_err(acl_error)?;
                self.broker.auth.grant(b).map_err(acl_error)?;
                let change = AuthorizationChange::RoleGranted { user, role, pattern };
                self.events_push(now, EventKind::AuthorizationChanged { change });
            }
            Command::RevokeRole { user, role, pattern } => {
                let b = RoleBinding::new(&user, role, &pattern).map_err(acl_error)?;
                if !self.broker.auth.revoke(&b) {
                    return Err(CoreError::invalid(format!(
                        "{user} has no role {} on {pattern}",
                        role.name()
                    )));
                }
                let change = AuthorizationChange::RoleRevoked { user, role, pattern };
                self.events_push(now, EventKind::AuthorizationChanged { change });
            }
            Command::AddAcl { acl } => {
                self.admin_create_acl(now, user, &acl)?;
                let change = AuthorizationChange::AclAdded { acl };
                self.events_push(now, EventKind::AuthorizationChanged { change });
            }
            Command::RemoveAcl { acl } => {
                self.admin_delete_acl(now, user, &acl)?;
                let change = AuthorizationChange::AclRemoved { acl };
                self.events_push(now, EventKind::AuthorizationChanged { change });
            }
        }
        Ok(())
    }

    pub(crate) fn check_capacity(&self, current: usize) -> CoreResult<()> {
        if current >= MAX_ENTITIES {
            return Err(CoreError::invalid(format!(
                "the playground holds at most {MAX_ENTITIES} of each kind"
            )));
        }
        Ok(())
    }

    fn check_user(&self, user: Option<&str>) -> CoreResult<()> {
        if let Some(u) = user {
            super::acl::UserName::new(u).map_err(acl_error)?;
        }
        Ok(())
    }

    fn check_standalone_partitions(&self, spec: &ConsumerSpec) -> CoreResult<()> {
        if let ConsumerMode::Standalone { partitions } = &spec.mode {
            for tp in partitions {
                let ok =
                    self.broker.topics.get(&*tp.topic).is_some_and(|t| tp.partition < t.partition_count());
                if !ok {
                    return Err(CoreError::kafka(
                        ErrorCode::UnknownTopicOrPartition,
                        format!("{}-{} does not exist", tp.topic, tp.partition),
                    ));
                }
            }
        }
        Ok(())
    }

    pub(crate) fn create_topic_internal(
        &mut self,
        name: &str,
        partitions: u32,
        retention: Retention,
        now: Millis,
    ) {
        self.broker.topics.insert(name.to_string(), Topic::new(name, partitions, retention));
        self.place_new_topic(name, partitions, now);
        self.events_push(now, EventKind::TopicCreated { topic: name.to_string(), partitions });
    }

    /// After a topic is deleted: consumers lose its partitions, groups its offsets, and
    /// groups subscribed to it rebalance.
    fn forget_topic(&mut self, name: &str, now: Millis) {
        for c in self.consumers.values_mut() {
            c.assignment.retain(|tp| &*tp.topic != name);
            c.positions.retain(|tp, _| &*tp.topic != name);
            c.delivered.retain(|tp, _| &*tp.topic != name);
            // A commit still waiting for processing to end must not bring the offsets back.
            if let Some((_, offsets)) = c.pending_commit.as_mut() {
                offsets.retain(|(tp, _)| &*tp.topic != name);
            }
            if let ConsumerMode::Standalone { partitions } = &mut c.spec.mode {
                partitions.retain(|tp| &*tp.topic != name);
            }
        }
        let mut affected = Vec::new();
        for g in self.broker.groups.values_mut() {
            g.offsets.retain(|tp, _| &*tp.topic != name);
            if g.members.values().any(|m| m.topics.iter().any(|t| t == name)) {
                affected.push(g.id.clone());
            }
        }
        for d in self.group_delivered.values_mut() {
            d.retain(|tp, _| &*tp.topic != name);
        }
        self.broker.retention_pending.retain(|(t, _), _| &**t != name);
        self.broker.share.partitions.retain(|(_, tp), _| &*tp.topic != name);
        for g in affected {
            self.request_rebalance(&g, RebalanceReason::PartitionsAdded { topic: name.to_string() }, now);
        }
    }

    /// A new or restarted consumer: standalone ones assign themselves; group ones get a
    /// membership and join at their first poll.
    fn start_consumer(&mut self, name: &str, now: Millis) {
        let Some(c) = self.consumers.get(name) else {
            return;
        };
        match c.spec.mode.clone() {
            ConsumerMode::Standalone { partitions } => {
                let _ = self.apply_standalone(name, partitions, now);
            }
            ConsumerMode::Group { .. } => self.init_membership(name, now),
            ConsumerMode::Share { .. } => self.start_share_consumer(name, now),
        }
    }

    /// New settings for a consumer, with the protocol consequences a real client has.
    fn update_consumer(&mut self, spec: ConsumerSpec, now: Millis) {
        let name = spec.name.clone();
        let old = self.consumers[&name].spec.clone();
        let alive = self.consumers[&name].is_alive();
        let group_changed = old.config.group_id != spec.config.group_id
            || old.config.group_protocol != spec.config.group_protocol
            || old.config.group_instance_id != spec.config.group_instance_id
            || old.is_group() != spec.is_group()
            || old.is_share() != spec.is_share();
        let subscription_changed = old.mode != spec.mode;
        let strategy_changed = old.config.assignment_strategy != spec.config.assignment_strategy;
        if group_changed && (old.is_group() || old.is_share()) && alive {
            self.leave_group(&name, LeaveReason::Left, now);
        }
        let c = self.consumers.get_mut(&name).expect("checked");
        c.spec = spec.clone();
        if group_changed {
            // Another mode or group: what the old membership or commits ran into is over.
            c.error = None;
        }
        c.status = match c.status {
            ConsumerStatus::Running | ConsumerStatus::Paused if spec.paused => ConsumerStatus::Paused,
            ConsumerStatus::Running | ConsumerStatus::Paused => ConsumerStatus::Running,
            other => other,
        };
        self.events_push(now, EventKind::ConsumerChanged { consumer: name.clone() });
        if !alive {
            return;
        }
        match &spec.mode {
            ConsumerMode::Standalone { partitions } => {
                if group_changed || subscription_changed {
                    let c = self.consumers.get_mut(&name).expect("checked");
                    c.membership = None;
                    let _ = self.apply_standalone(&name, partitions.clone(), now);
                }
            }
            ConsumerMode::Share { .. } => {
                if group_changed {
                    self.restart_share_member(&name, now);
                }
            }
            ConsumerMode::Group { .. } => {
                if group_changed {
                    let c = self.consumers.get_mut(&name).expect("checked");
                    c.assignment.clear();
                    c.positions.clear();
                    self.init_membership(&name, now);
                } else if subscription_changed || strategy_changed {
                    let c = self.consumers.get_mut(&name).expect("checked");
                    if let Some(m) = c.membership.as_mut() {
                        m.rejoin_needed = true;
                        m.heartbeat_soon = true;
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- authorization

    /// Replaces the authorizer's configuration (scenario loading).
    pub fn set_auth_config(&mut self, config: AuthConfig) -> CoreResult<()> {
        self.broker.auth.set_config(config).map_err(acl_error)
    }

    /// Replaces users, roles, ACLs and settings at once (scenario loading); validated.
    pub fn set_authorizer(&mut self, spec: AuthorizerSpec) -> CoreResult<()> {
        self.broker.auth = Authorizer::try_from(spec).map_err(acl_error)?;
        Ok(())
    }
}

fn acl_error(e: super::acl::AclError) -> CoreError {
    CoreError::invalid(e.to_string())
}

fn unknown(what: &str, name: &str) -> CoreError {
    CoreError::invalid(format!("there is no {what} named {name:?}"))
}

/// A seek's ListOffsets refused: no DESCRIBE on the topic is Kafka's
/// `TopicAuthorizationException`; anything else, the topic is not there to seek in.
fn seek_refused(code: ErrorCode, topic: &str) -> CoreError {
    match code {
        ErrorCode::TopicAuthorizationFailed => {
            CoreError::kafka(code, format!("Not authorized to access topics: [{topic}]"))
        }
        _ => unknown_topic(topic),
    }
}
