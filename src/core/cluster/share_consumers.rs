//! The cluster's driving of its share consumers (`KafkaShareConsumer`, KIP-932): each one's
//! step — ShareGroupHeartbeat, `poll()` and ShareFetch, processing, acknowledgements, `close()`
//! — its crash, and the admin commands of share groups. The share consumer's own state is
//! `share_consumer.rs`'s.

use crate::core::cluster::Cluster;
use crate::core::config::ShareOnFailure;
use crate::core::consumer::{Batch, ConsumerMode};
use crate::core::error::{CoreError, CoreResult, ErrorCode};
use crate::core::event::EventKind;
use crate::core::ids::{NodeId, TopicPartition};
use crate::core::protocol::share_acknowledge::{ShareAcknowledgePartition, ShareAcknowledgeRequest};
use crate::core::protocol::share_fetch::{ShareFetchPartition, ShareFetchRequest, FINAL_EPOCH};
use crate::core::protocol::share_group_heartbeat::{ShareGroupHeartbeatRequest, LEAVE_GROUP_MEMBER_EPOCH};
use crate::core::protocol::Response;
use crate::core::share_consumer::{key_matches, DeliveredRecord, ShareClient};
use crate::core::share_group::share_partition::AcknowledgeType;
use crate::core::share_group::ShareAcknowledgementMode;
use crate::core::time::Millis;

/// A share consumer's crash as its event: how many acquired records it held without having
/// acknowledged them (processed or not, sent or not). `None` for other consumers.
pub(crate) fn crashed(c: &crate::core::consumer::Consumer, name: &str) -> Option<EventKind> {
    let s = c.share.as_ref()?;
    let pending: usize = s.pending.values().map(Vec::len).sum();
    Some(EventKind::ShareConsumerCrashed {
        group: c.group_id().unwrap_or_default().to_string(),
        consumer: name.to_string(),
        holding: (s.holding().len() + pending) as u64,
    })
}

impl Cluster {
    /// A new share consumer: a member id of its own; it joins at its first step.
    pub(crate) fn start_share_consumer(&mut self, name: &str, now: Millis) {
        let member_id = format!("{name}-{:08x}", self.rng.rand_u64() as u32);
        if let Some(c) = self.consumers.get_mut(name) {
            c.share = Some(Box::new(ShareClient::new(member_id, now)));
            c.assignment.clear();
            c.positions.clear();
        }
    }

    /// Moves what the broker's share coordinator and share-partitions told into the events.
    pub(crate) fn take_share_events(&mut self, now: Millis) {
        for kind in std::mem::take(&mut self.broker.share.events) {
            self.events_push(now, kind);
        }
    }

    /// The broker's share-group timers: lock expiries and session timeouts; and share-partitions
    /// following their partition's leadership when it moved.
    pub(crate) fn step_share_coordinator(&mut self, now: Millis) {
        if self.broker.follow_share_leaders() {
            self.take_share_events(now);
        }
        if self.broker.share.next_timer().is_some_and(|t| t <= now) {
            self.broker.share_tick(now);
            self.take_share_events(now);
        }
    }

    pub(crate) fn step_share_consumer(&mut self, name: &str, now: Millis) {
        let Some(s) = self.consumers.get(name).and_then(|c| c.share.as_ref()) else { return };
        let heartbeat_due = s.next_heartbeat_at <= now;
        if heartbeat_due {
            self.share_heartbeat(name, now);
        }
        if self.consumers.get(name).is_some_and(|c| c.next_poll_at <= now) {
            self.share_poll(name, now);
        }
    }

    fn share_heartbeat(&mut self, name: &str, now: Millis) {
        let Some(c) = self.consumers.get(name) else { return };
        let Some(s) = c.share.as_ref() else { return };
        let request = ShareGroupHeartbeatRequest {
            group_id: c.group_id().unwrap_or_default().to_string(),
            member_id: s.member_id.clone(),
            member_epoch: s.member_epoch,
            rack_id: None,
            subscribed_topic_names: Some(c.spec.subscription().to_vec()),
            client_id: name.to_string(),
        };
        let user = c.spec.user.clone();
        let answer = self.call(now, NodeId::consumer(name), user.as_deref(), request.into());
        self.take_share_events(now);
        let Some(mut c) = self.consumers.remove(name) else { return };
        if let Some(s) = c.share.as_mut() {
            s.next_heartbeat_at = now + s.heartbeat_interval_ms;
        }
        match answer {
            Some(Response::ShareGroupHeartbeat(r)) if r.error_code.is_none() => {
                if let Some(s) = c.share.as_mut() {
                    s.member_epoch = r.member_epoch;
                    s.heartbeat_interval_ms = r.heartbeat_interval_ms.max(1);
                    s.next_heartbeat_at = now + s.heartbeat_interval_ms;
                }
                if let Some(mut assignment) = r.assignment {
                    crate::core::sort::ascending(&mut assignment);
                    c.assignment = assignment;
                }
                if c.error.as_ref().is_some_and(|(e, _)| crate::core::group::is_group_error(*e)) {
                    c.error = None;
                }
            }
            Some(Response::ShareGroupHeartbeat(r)) => {
                let code = r.error_code.unwrap_or(ErrorCode::InvalidRequest);
                if let Some(s) = c.share.as_mut() {
                    // Fenced or unknown: abandon the assignment and join again.
                    s.member_epoch = 0;
                }
                c.assignment.clear();
                self.consumer_error(&mut c, code, r.error_message.unwrap_or_default(), now);
            }
            _ => {}
        }
        self.consumers.insert(name.to_string(), c);
    }

    /// The application acknowledges the records it has processed by `now` (all of them when
    /// `all`): implicit mode accepts them, explicit mode applies the consumer's rule.
    fn share_decide(&mut self, name: &str, now: Millis, all: bool) {
        let Some(c) = self.consumers.get_mut(name) else { return };
        let config = c.spec.config.clone();
        let Some(s) = c.share.as_mut() else { return };
        let ms = config.processing_ms_per_record;
        let done = if all || ms <= 0.0 {
            s.delivered.len()
        } else {
            ((now.saturating_sub(s.fetched_at) as f64 / ms).floor() as usize).min(s.delivered.len())
        };
        for i in s.decided..done.max(s.decided) {
            let r = &s.delivered[i];
            let t = match config.share_acknowledgement_mode {
                ShareAcknowledgementMode::Implicit => Some(AcknowledgeType::Accept),
                ShareAcknowledgementMode::Explicit => {
                    let matches = |pattern: &Option<String>| {
                        pattern
                            .as_deref()
                            .is_some_and(|p| r.key.as_deref().is_some_and(|k| key_matches(p, k)))
                    };
                    if matches(&config.share_reject_keys) {
                        Some(AcknowledgeType::Reject)
                    } else if matches(&config.share_fail_keys)
                        || (config.share_failure_rate > 0.0
                            && self.rng.rand_float() < config.share_failure_rate)
                    {
                        match config.share_on_failure {
                            ShareOnFailure::Release => Some(AcknowledgeType::Release),
                            ShareOnFailure::Reject => Some(AcknowledgeType::Reject),
                            ShareOnFailure::None => None,
                        }
                    } else {
                        Some(AcknowledgeType::Accept)
                    }
                }
            };
            if let Some(t) = t {
                match t {
                    AcknowledgeType::Accept => s.accepted += 1,
                    AcknowledgeType::Release => s.released += 1,
                    _ => s.rejected += 1,
                }
                s.pending.entry(r.partition.clone()).or_default().push((r.offset, t));
            }
        }
        s.decided = s.decided.max(done);
    }

    /// `poll()`: acknowledge the last poll's records, then ShareFetch (carrying those
    /// acknowledgements) for up to `max.poll.records` records of the assigned partitions.
    fn share_poll(&mut self, name: &str, now: Millis) {
        let Some(c) = self.consumers.get_mut(name) else { return };
        if c.busy_until > now {
            c.next_poll_at = c.busy_until;
            return;
        }
        c.last_poll_at = now;
        c.next_poll_at = now + c.spec.config.poll_interval_ms;
        let joined = c.share.as_ref().is_some_and(|s| s.member_epoch > 0);
        if !joined {
            return;
        }
        self.share_decide(name, now, true);
        let Some(c) = self.consumers.get_mut(name) else { return };
        let paused = c.status != crate::core::consumer::ConsumerStatus::Running;
        let group_id = c.group_id().unwrap_or_default().to_string();
        let Some(s) = c.share.as_mut() else { return };
        let acks = s.take_pending();
        let n = c.assignment.len();
        let start = c.fetch_cursor % n.max(1);
        c.fetch_cursor = c.fetch_cursor.wrapping_add(1);
        let mut partitions: Vec<ShareFetchPartition> = if paused {
            Vec::new()
        } else {
            (0..n)
                .map(|k| ShareFetchPartition {
                    partition: c.assignment[(start + k) % n].clone(),
                    acknowledgement_batches: Vec::new(),
                })
                .collect()
        };
        for (tp, batches) in acks {
            match partitions.iter_mut().find(|p| p.partition == tp) {
                Some(p) => p.acknowledgement_batches = batches,
                None => {
                    partitions.push(ShareFetchPartition { partition: tp, acknowledgement_batches: batches })
                }
            }
        }
        if partitions.is_empty() {
            return;
        }
        let request = ShareFetchRequest {
            group_id,
            member_id: s.member_id.clone(),
            share_session_epoch: s.session_epoch,
            max_wait_ms: 0,
            min_bytes: 0,
            max_records: if paused { 0 } else { c.spec.config.max_poll_records },
            partitions,
        };
        s.session_epoch = s.session_epoch.saturating_add(1).max(1);
        let user = c.spec.user.clone();
        let answer = self.call(now, NodeId::consumer(name), user.as_deref(), request.into());
        self.take_share_events(now);
        let Some(Response::ShareFetch(r)) = answer else { return };
        let Some(mut c) = self.consumers.remove(name) else { return };
        if let Some(code) = r.error_code {
            if code == ErrorCode::UnknownMemberId {
                if let Some(s) = c.share.as_mut() {
                    s.member_epoch = 0;
                    s.next_heartbeat_at = now;
                }
            }
            self.consumer_error(&mut c, code, r.error_message.unwrap_or_default(), now);
            self.consumers.insert(name.to_string(), c);
            return;
        }
        let group = c.group_id().unwrap_or_default().to_string();
        let mut delivered = Vec::new();
        for p in r.responses {
            let tp = p.partition;
            if let Some(error) = p.acknowledge_error_code {
                self.events_push(
                    now,
                    EventKind::ShareAcknowledgeFailed {
                        group: group.clone(),
                        consumer: name.to_string(),
                        topic: tp.topic.to_string(),
                        partition: tp.partition,
                        error,
                    },
                );
            }
            if let Some(code) = p.error_code {
                self.consumer_error(&mut c, code, format!("{}-{}", tp.topic, tp.partition), now);
                continue;
            }
            let mut keys = p.keys.into_iter().peekable();
            for a in p.acquired_records {
                let count = a.last_offset - a.first_offset + 1;
                self.events_push(
                    now,
                    EventKind::Fetched {
                        consumer: name.to_string(),
                        topic: tp.topic.to_string(),
                        partition: tp.partition,
                        from: a.first_offset,
                        count,
                        redelivered: if a.delivery_count > 1 { count } else { 0 },
                    },
                );
                c.fetched += count;
                if a.delivery_count > 1 {
                    c.redelivered += count;
                }
                for offset in a.first_offset..=a.last_offset {
                    while keys.peek().is_some_and(|(o, _)| *o < offset) {
                        keys.next();
                    }
                    let key = keys.next_if(|(o, _)| *o == offset).and_then(|(_, k)| k);
                    delivered.push(DeliveredRecord {
                        partition: tp.clone(),
                        offset,
                        delivery_count: a.delivery_count,
                        key,
                    });
                }
            }
        }
        let fetched = delivered.len() as u64;
        if fetched > 0 {
            let ms = c.spec.config.processing_ms_per_record;
            let processing = (fetched as f64 * ms).ceil() as Millis;
            c.busy_until = now + processing;
            c.next_poll_at = (now + c.spec.config.poll_interval_ms).max(c.busy_until);
            c.batch = Some(Batch {
                fetched_at: now,
                count: fetched,
                ms_per_record: ms,
                committed_before_processing: false,
            });
            if c.error.as_ref().is_some_and(|(e, _)| crate::core::consumer::is_authorization(*e)) {
                c.error = None;
            }
        }
        if let Some(s) = c.share.as_mut() {
            s.delivered = delivered;
            s.decided = 0;
            s.fetched_at = now;
        }
        self.consumers.insert(name.to_string(), c);
    }

    /// ShareAcknowledge of the pending acknowledgements (`commitSync`; `close()` with `close`).
    fn share_acknowledge(&mut self, name: &str, now: Millis, close: bool) {
        let Some(c) = self.consumers.get_mut(name) else { return };
        let group_id = c.group_id().unwrap_or_default().to_string();
        let Some(s) = c.share.as_mut() else { return };
        let acks = s.take_pending();
        if acks.is_empty() && !close {
            return;
        }
        let request = ShareAcknowledgeRequest {
            group_id,
            member_id: s.member_id.clone(),
            share_session_epoch: if close { FINAL_EPOCH } else { s.session_epoch },
            partitions: acks
                .into_iter()
                .map(|(partition, acknowledgement_batches)| ShareAcknowledgePartition {
                    partition,
                    acknowledgement_batches,
                })
                .collect(),
        };
        if !close {
            s.session_epoch = s.session_epoch.saturating_add(1).max(1);
        }
        let group = request.group_id.clone();
        let user = c.spec.user.clone();
        let answer = self.call(now, NodeId::consumer(name), user.as_deref(), request.into());
        self.take_share_events(now);
        let Some(Response::ShareAcknowledge(r)) = answer else { return };
        if let Some(code) = r.error_code {
            self.report_error(name, code, r.error_message.unwrap_or_default(), now);
            return;
        }
        for p in r.responses {
            if let Some(error) = p.error_code {
                self.events_push(
                    now,
                    EventKind::ShareAcknowledgeFailed {
                        group: group.clone(),
                        consumer: name.to_string(),
                        topic: p.partition.topic.to_string(),
                        partition: p.partition.partition,
                        error,
                    },
                );
            }
        }
    }

    /// `commitSync()` / `commitAsync()`: acknowledges what was processed so far, now.
    pub(crate) fn share_commit(&mut self, name: &str, now: Millis) {
        self.share_decide(name, now, false);
        self.share_acknowledge(name, now, false);
    }

    /// `close()`: acknowledge what was processed, end the share session (the partition leader
    /// releases the rest) and leave the group (member epoch -1).
    pub(crate) fn share_close(&mut self, name: &str, now: Millis) {
        let Some(c) = self.consumers.get(name) else { return };
        let Some(s) = c.share.as_ref() else { return };
        if s.member_epoch > 0 {
            self.share_decide(name, now, false);
            self.share_acknowledge(name, now, true);
        }
        let Some(c) = self.consumers.get(name) else { return };
        let Some(s) = c.share.as_ref() else { return };
        let request = ShareGroupHeartbeatRequest {
            group_id: c.group_id().unwrap_or_default().to_string(),
            member_id: s.member_id.clone(),
            member_epoch: LEAVE_GROUP_MEMBER_EPOCH,
            rack_id: None,
            subscribed_topic_names: None,
            client_id: name.to_string(),
        };
        let user = c.spec.user.clone();
        self.call(now, NodeId::consumer(name), user.as_deref(), request.into());
        self.take_share_events(now);
        if let Some(c) = self.consumers.get_mut(name) {
            c.share = None;
            c.assignment.clear();
            c.batch = None;
        }
    }

    /// A share consumer's settings changed: a new group or kind means a new member.
    pub(crate) fn restart_share_member(&mut self, name: &str, now: Millis) {
        let is_share =
            self.consumers.get(name).is_some_and(|c| matches!(c.spec.mode, ConsumerMode::Share { .. }));
        if is_share {
            self.start_share_consumer(name, now);
        }
    }
}

impl Cluster {
    /// The admin side of share groups (`kafka-configs --entity-type groups`,
    /// `kafka-share-groups --reset-offsets` and `--delete`). Refused whole, or applied.
    pub(crate) fn apply_share_command(
        &mut self,
        cmd: crate::core::command::Command,
        now: Millis,
        user: Option<&str>,
    ) -> CoreResult<()> {
        use crate::core::command::Command;
        match cmd {
            Command::SetShareGroupConfig { group, config } => {
                crate::core::config::validate_entity_name("group", &group)?;
                self.broker
                    .set_share_group_settings(&group, config)
                    .map_err(|m| CoreError::kafka(ErrorCode::InvalidConfig, m))?;
                self.events_push(now, EventKind::ShareGroupConfigured { group, settings: config });
            }
            Command::ResetShareGroupOffsets { group, topic, partitions: only, to } => {
                crate::core::config::validate_entity_name("group", &group)?;
                let partitions: Vec<TopicPartition> = match &topic {
                    Some(t) => {
                        let Some(n) = self.broker.topics.get(t).map(|t| t.partition_count()) else {
                            return Err(CoreError::kafka(
                                ErrorCode::UnknownTopicOrPartition,
                                format!("This server does not host topic {t:?}."),
                            ));
                        };
                        if let Some(p) = only.iter().find(|p| **p >= n) {
                            return Err(CoreError::kafka(
                                ErrorCode::UnknownTopicOrPartition,
                                format!("{t} has no partition {p}"),
                            ));
                        }
                        (0..n)
                            .filter(|p| only.is_empty() || only.contains(p))
                            .map(|p| TopicPartition::new(t.as_str(), p))
                            .collect()
                    }
                    None => self.broker.share.partitions_of(&group).map(|(tp, _)| tp.clone()).collect(),
                };
                let targets = partitions.into_iter().map(|tp| (tp, to)).collect();
                let offsets = self.admin_alter_share_group_offsets(now, user, &group, targets)?;
                self.events_push(now, EventKind::ShareGroupOffsetsReset { group, offsets });
            }
            Command::DeleteShareGroup { group } => {
                // `kafka-share-groups --delete` lists the share groups first: another kind of
                // group is not deleted as one.
                if !self.broker.share.groups.contains_key(&group) {
                    return Err(CoreError::kafka(
                        ErrorCode::GroupIdNotFound,
                        format!("Group '{group}' is not a share group."),
                    ));
                }
                self.admin_delete_group(now, user, &group)?;
                self.events_push(now, EventKind::ShareGroupDeleted { group });
            }
            Command::DeleteShareGroupOffsets { group, topics } => {
                crate::core::config::validate_entity_name("group", &group)?;
                if topics.is_empty() || topics.len() > 4096 {
                    return Err(CoreError::invalid("give 1 to 4096 topics"));
                }
                let topics = self.admin_delete_share_group_offsets(now, user, &group, topics)?;
                if !topics.is_empty() {
                    self.events_push(now, EventKind::ShareGroupOffsetsDeleted { group, topics });
                }
            }
            _ => return Err(CoreError::invalid("not a share group command")),
        }
        Ok(())
    }
}
