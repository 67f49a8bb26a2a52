//! The cluster's driving of its consumers (standalone and group members): each one's step —
//! heartbeat, `poll()`, fetch, commits, metadata refresh — and what the cluster does when a
//! consumer joins, leaves or is refused. The consumer's own state is `consumer.rs`'s.

use crate::core::cluster::Cluster;
use crate::core::config::{ManualCommit, OffsetReset};
use crate::core::consumer::{is_authorization, Batch, Consumer, ConsumerMode, ConsumerStatus, MemberPhase};
use crate::core::error::{CoreError, CoreResult, ErrorCode};
use crate::core::event::{EventKind, LeaveReason, RebalanceReason};
use crate::core::group::assignor::TopicPartition;
use crate::core::group::GroupProtocol;
use crate::core::ids::NodeId;
use crate::core::protocol::fetch::{FetchPartition, FetchRequest};
use crate::core::protocol::leave_group::{LeaveGroupRequest, MemberIdentity};
use crate::core::protocol::list_offsets::{
    ListOffsetsPartition, ListOffsetsRequest, EARLIEST_TIMESTAMP, LATEST_TIMESTAMP,
};
use crate::core::protocol::metadata::MetadataRequest;
use crate::core::protocol::offset_fetch::OffsetFetchRequest;
use crate::core::protocol::Response;
use crate::core::sort::CollectTree;
use crate::core::time::Millis;
use std::collections::BTreeMap;

impl Cluster {
    /// One step of a consumer at `now`: heartbeat, pending commit, and `poll()` when due.
    pub(crate) fn step_consumer(&mut self, name: &str, now: Millis) {
        let Some(c) = self.consumers.get(name) else {
            return;
        };
        if !c.is_alive() {
            return;
        }
        if c.share.is_some() {
            return self.step_share_consumer(name, now);
        }
        let heartbeat_due =
            c.membership.as_ref().is_some_and(|m| m.member_id.is_some() && m.next_heartbeat_at <= now);
        let commit_due = c.pending_commit.as_ref().is_some_and(|(at, _)| *at <= now);
        let poll_due = c.next_poll_at <= now;
        if heartbeat_due {
            self.heartbeat(name, now);
        }
        if commit_due {
            if let Some(c) = self.consumers.get_mut(name) {
                if let Some((_, offsets)) = c.pending_commit.take() {
                    self.commit(name, offsets, false, now);
                }
            }
        }
        if poll_due {
            self.poll(name, now);
        }
    }

    /// The background heartbeat thread: keeps the session alive, notices rebalances, and
    /// leaves the group when the application stopped calling `poll()`.
    fn heartbeat(&mut self, name: &str, now: Millis) {
        let Some(c) = self.consumers.get_mut(name) else {
            return;
        };
        let Some(m) = c.membership.as_mut() else {
            return;
        };
        let protocol = c.spec.config.group_protocol;
        let interval = match protocol {
            GroupProtocol::Classic => c.spec.config.heartbeat_interval_ms,
            GroupProtocol::Consumer => self.config.consumer_heartbeat_interval_ms,
        };
        m.next_heartbeat_at = now + interval.max(1);
        let max_poll = c.spec.config.max_poll_interval_ms;
        if now.saturating_sub(c.last_poll_at) > max_poll && c.busy_until > c.last_poll_at {
            // "consumer poll timeout has expired": the heartbeat thread sends LeaveGroup.
            self.leave_group(name, LeaveReason::MaxPollIntervalExceeded, now);
            return;
        }
        match protocol {
            GroupProtocol::Classic => self.classic_heartbeat(name, now),
            GroupProtocol::Consumer => self.cg_heartbeat(name, now),
        }
    }

    /// `poll()`: rejoin if needed, commit if due, fetch, then process for a while.
    fn poll(&mut self, name: &str, now: Millis) {
        let Some(c) = self.consumers.get_mut(name) else {
            return;
        };
        if !c.is_alive() {
            // Its heartbeat this step closed it (FENCED_INSTANCE_ID is fatal in the Java client).
            return;
        }
        let busy = c.busy_until > now;
        if busy {
            // Still processing the previous batch; poll() comes when it is done.
            c.next_poll_at = c.busy_until;
            return;
        }
        c.last_poll_at = now;
        let poll_interval = c.spec.config.poll_interval_ms;
        c.next_poll_at = now + poll_interval;

        // Group work happens inside poll(), as in the Java client.
        if c.spec.is_group() {
            self.poll_group_work(name, now);
        }

        // Auto-commit: positions of earlier polls, every auto.commit.interval.ms.
        let Some(c) = self.consumers.get_mut(name) else {
            return;
        };
        if c.spec.config.enable_auto_commit && c.group_id().is_some() && now >= c.next_auto_commit_at {
            c.next_auto_commit_at = now + c.spec.config.auto_commit_interval_ms;
            let offsets = c.commit_positions();
            if !offsets.is_empty() {
                self.commit(name, offsets, true, now);
            }
        }

        let Some(c) = self.consumers.get(name) else {
            return;
        };
        if c.status == ConsumerStatus::Paused || !self.may_fetch(c) {
            return;
        }
        self.retry_refused_positions(name, now);
        let fetched = self.fetch(name, now);
        let Some(c) = self.consumers.get_mut(name) else {
            return;
        };
        if fetched > 0 {
            let processing = (fetched as f64 * c.spec.config.processing_ms_per_record).ceil() as Millis;
            c.busy_until = now + processing;
            c.next_poll_at = (now + poll_interval).max(c.busy_until);
            c.batch = Some(Batch {
                fetched_at: now,
                count: fetched,
                ms_per_record: c.spec.config.processing_ms_per_record,
                committed_before_processing: !c.spec.config.enable_auto_commit
                    && c.group_id().is_some()
                    && c.spec.config.manual_commit == ManualCommit::BeforeProcessing,
            });
            if !c.spec.config.enable_auto_commit && c.group_id().is_some() {
                let offsets = c.commit_positions();
                match c.spec.config.manual_commit {
                    ManualCommit::BeforeProcessing => self.commit(name, offsets, false, now),
                    ManualCommit::AfterProcessing => {
                        if processing == 0 {
                            self.commit(name, offsets, false, now);
                        } else if let Some(c) = self.consumers.get_mut(name) {
                            c.pending_commit = Some((now + processing, offsets));
                        }
                    }
                }
            }
        }
    }

    /// Partitions left without a position because the broker refused to say where to start
    /// (no DESCRIBE on the topic or the group) are asked about again at each poll, as the Java
    /// client's `updateFetchPositions` does.
    fn retry_refused_positions(&mut self, name: &str, now: Millis) {
        let Some(c) = self.consumers.get(name) else {
            return;
        };
        if !c.error.as_ref().is_some_and(|(e, _)| is_authorization(*e)) {
            return;
        }
        let missing: Vec<TopicPartition> =
            c.assignment.iter().filter(|tp| !c.positions.contains_key(*tp)).cloned().collect();
        if missing.is_empty() {
            return;
        }
        let Some(mut c) = self.consumers.remove(name) else {
            return;
        };
        for tp in &missing {
            self.init_position(&mut c, tp, now);
        }
        self.consumers.insert(name.to_string(), c);
    }

    /// Eager members fetch nothing mid-rebalance; cooperative and KIP-848 members keep
    /// fetching what they still own.
    fn may_fetch(&self, c: &Consumer) -> bool {
        !c.assignment.is_empty()
    }

    /// Reads up to `max.poll.records` from owned partitions, taking turns. Returns how many.
    ///
    /// One Fetch request to the broker for every owned partition with a position, in this
    /// poll's turn order; the consumer learns each log's start and end only from the answer.
    fn fetch(&mut self, name: &str, now: Millis) -> u64 {
        let Some(mut c) = self.consumers.remove(name) else {
            return 0;
        };
        let n = c.assignment.len();
        let start = c.fetch_cursor % n.max(1);
        let partitions: Vec<FetchPartition> = (0..n)
            .filter_map(|k| {
                let tp = &c.assignment[(start + k) % n];
                let &fetch_offset = c.positions.get(tp)?;
                Some(FetchPartition { partition: tp.clone(), fetch_offset })
            })
            .collect();
        let request = FetchRequest {
            replica_id: -1,
            max_wait_ms: 0,
            min_bytes: 0,
            max_records: c.spec.config.max_poll_records,
            partitions,
        };
        let user = c.spec.user.clone();
        let Some(Response::Fetch(response)) =
            self.call(now, NodeId::consumer(name), user.as_deref(), request.into())
        else {
            self.consumers.insert(name.to_string(), c);
            return 0;
        };
        if let Some(code) = response.error_code {
            self.consumer_error(&mut c, code, "fetch refused".into(), now);
            self.consumers.insert(name.to_string(), c);
            return 0;
        }
        let mut budget = c.spec.config.max_poll_records as u64;
        let mut total = 0;
        for part in response.responses {
            if budget == 0 {
                break;
            }
            let tp = part.partition;
            if part.error_code.is_some_and(|e| e != ErrorCode::OffsetOutOfRange) {
                continue; // unknown partition, or its leader is gone: nothing to read there now
            }
            let (log_start, log_end) = (part.log_start_offset, part.high_watermark);
            let Some(&pos) = c.positions.get(&tp) else {
                continue;
            };
            let pos = if part.error_code == Some(ErrorCode::OffsetOutOfRange) {
                // OFFSET_OUT_OF_RANGE: auto.offset.reset decides.
                match c.spec.config.auto_offset_reset {
                    OffsetReset::None => {
                        c.positions.remove(&tp);
                        self.consumer_error(
                            &mut c,
                            ErrorCode::OffsetOutOfRange,
                            format!("{}-{} at {pos}", tp.topic, tp.partition),
                            now,
                        );
                        continue;
                    }
                    policy => {
                        let to = if policy == OffsetReset::Earliest { log_start } else { log_end };
                        c.positions.insert(tp.clone(), to);
                        self.events_push(
                            now,
                            EventKind::OffsetReset {
                                consumer: name.to_string(),
                                topic: tp.topic.to_string(),
                                partition: tp.partition,
                                policy,
                                offset: to,
                                out_of_range: true,
                            },
                        );
                        to
                    }
                }
            } else {
                pos
            };
            let count = log_end.saturating_sub(pos).min(budget);
            if count == 0 {
                continue;
            }
            budget -= count;
            total += count;
            c.positions.insert(tp.clone(), pos + count);
            let redelivered = self.note_delivery(&mut c, &tp, pos, count);
            c.fetched += count;
            c.redelivered += redelivered;
            self.events_push(
                now,
                EventKind::Fetched {
                    consumer: name.to_string(),
                    topic: String::from(&*tp.topic),
                    partition: tp.partition,
                    from: pos,
                    count,
                    redelivered,
                },
            );
        }
        c.fetch_cursor = c.fetch_cursor.wrapping_add(1);
        if total > 0 && c.error.as_ref().is_some_and(|(e, _)| is_authorization(*e)) {
            c.error = None;
        }
        self.consumers.insert(name.to_string(), c);
        total
    }

    /// Remembers how far a group (or a group-less standalone consumer) has been delivered,
    /// and returns how many of `[from, from+count)` were delivered before.
    fn note_delivery(&mut self, c: &mut Consumer, tp: &TopicPartition, from: u64, count: u64) -> u64 {
        // A consumer with a group.id counts in its group's history even before the group has
        // a member or a commit (a standalone consumer that commits by hand), so a member
        // reading the same records later sees them as redelivered.
        let high = match c.group_id() {
            Some(g) => self.group_delivered.entry(g.to_string()).or_default().entry(tp.clone()).or_insert(0),
            None => c.delivered.entry(tp.clone()).or_insert(0),
        };
        let redelivered = high.saturating_sub(from).min(count);
        *high = (*high).max(from + count);
        redelivered
    }

    /// [`Cluster::consumer_error`] for a consumer named `name` (nothing if there is none).
    pub(crate) fn report_error(&mut self, name: &str, code: ErrorCode, detail: String, now: Millis) {
        if let Some(mut c) = self.consumers.remove(name) {
            self.consumer_error(&mut c, code, detail, now);
            self.consumers.insert(name.to_string(), c);
        }
    }

    /// A group request (JoinGroup, Heartbeat, ConsumerGroupHeartbeat) was refused, e.g.
    /// GROUP_AUTHORIZATION_FAILED: a member cannot stay in the group — its partitions are lost
    /// (no commit) — and it retries joining on its normal schedule, so a role granted
    /// meanwhile lets it back in.
    pub(crate) fn refuse_group_request(
        &mut self,
        name: &str,
        group_id: &str,
        code: ErrorCode,
        detail: String,
        now: Millis,
    ) {
        let is_member = self
            .consumers
            .get(name)
            .and_then(|c| c.membership.as_ref())
            .is_some_and(|m| m.member_id.is_some());
        if is_member {
            self.lose_membership(name, group_id, code, now);
        } else {
            self.report_error(name, code, detail, now);
        }
    }

    pub(crate) fn consumer_error(&mut self, c: &mut Consumer, code: ErrorCode, detail: String, now: Millis) {
        let changed = c.error.as_ref().map(|(e, _)| *e) != Some(code);
        c.error = Some((code, detail.clone()));
        if changed {
            self.events_push(
                now,
                EventKind::ConsumerError { consumer: c.spec.name.clone(), error: code, detail },
            );
        }
    }

    /// Gives the consumer a partition set (standalone `assign()` or a group's share), and
    /// sets positions for new partitions from committed offsets or `auto.offset.reset`.
    pub(crate) fn set_assignment(&mut self, name: &str, partitions: Vec<TopicPartition>, now: Millis) {
        let Some(mut c) = self.consumers.remove(name) else {
            return;
        };
        let mut partitions = partitions;
        crate::core::sort::ascending(&mut partitions);
        partitions.dedup();
        c.positions.retain(|tp, _| partitions.contains(tp));
        for tp in &partitions {
            if c.positions.contains_key(tp) {
                continue;
            }
            self.init_position(&mut c, tp, now);
        }
        c.assignment = partitions;
        self.consumers.insert(name.to_string(), c);
    }

    /// ListOffsets, as client `from` (authenticated as `user`) sends it: where `tp`'s log
    /// starts and ends, or the broker's error (REQUEST_TIMED_OUT: no answer).
    pub(crate) fn list_offsets(
        &mut self,
        now: Millis,
        from: &str,
        user: Option<&str>,
        tp: &TopicPartition,
    ) -> Result<(u64, u64), ErrorCode> {
        let mut ask = |timestamp| {
            let partitions = vec![ListOffsetsPartition { partition: tp.clone(), timestamp }];
            let request = ListOffsetsRequest { replica_id: -1, partitions }.into();
            let Some(Response::ListOffsets(answer)) = self.call(now, NodeId::consumer(from), user, request)
            else {
                return Err(ErrorCode::RequestTimedOut);
            };
            let p = answer.partitions.into_iter().next().ok_or(ErrorCode::UnknownTopicOrPartition)?;
            match p.error_code {
                Some(code) => Err(code),
                None => Ok(p.offset.max(0) as u64),
            }
        };
        Ok((ask(EARLIEST_TIMESTAMP)?, ask(LATEST_TIMESTAMP)?))
    }

    /// OffsetFetch for the consumer's group, else `auto.offset.reset` (ListOffsets). A refusal
    /// of either (no DESCRIBE on the topic or the group) is the consumer's error, as `poll()`
    /// throws it in Kafka's client; the partition waits without a position.
    fn init_position(&mut self, c: &mut Consumer, tp: &TopicPartition, now: Millis) {
        let user = c.spec.user.clone();
        let (log_start, log_end) = match self.list_offsets(now, &c.spec.name, user.as_deref(), tp) {
            Ok(bounds) => bounds,
            Err(code) => {
                if is_authorization(code) {
                    self.consumer_error(c, code, format!("{}-{}", tp.topic, tp.partition), now);
                }
                return;
            }
        };
        let mut refused = None;
        let committed = c.group_id().map(str::to_string).and_then(|g| {
            let request = OffsetFetchRequest {
                group_id: g.as_str().into(),
                partitions: Some(vec![tp.clone()]),
                require_stable: false,
            };
            let Some(Response::OffsetFetch(answer)) =
                self.call(now, NodeId::consumer(&c.spec.name), user.as_deref(), request.into())
            else {
                return None;
            };
            let (_, offset, error) = answer.partitions.into_iter().next().unwrap_or((tp.clone(), None, None));
            let partition = format!("{}-{}", tp.topic, tp.partition);
            refused = answer
                .error_code
                .map(|code| (code, format!("group {g}")))
                .or(error.map(|code| (code, partition)));
            offset
        });
        if let Some((code, detail)) = refused.filter(|(code, _)| is_authorization(*code)) {
            self.consumer_error(c, code, detail, now);
            return;
        }
        let name = c.spec.name.clone();
        if let Some(off) = committed {
            c.positions.insert(tp.clone(), off);
            self.events_push(
                now,
                EventKind::PositionRestored {
                    consumer: name,
                    topic: tp.topic.to_string(),
                    partition: tp.partition,
                    offset: off,
                },
            );
            return;
        }
        let policy = c.spec.config.auto_offset_reset;
        let to = match policy {
            OffsetReset::Earliest => log_start,
            OffsetReset::Latest => log_end,
            OffsetReset::None => {
                self.consumer_error(
                    c,
                    ErrorCode::NoOffsetForPartition,
                    format!("{}-{}", tp.topic, tp.partition),
                    now,
                );
                return;
            }
        };
        c.positions.insert(tp.clone(), to);
        self.events_push(
            now,
            EventKind::OffsetReset {
                consumer: name,
                topic: tp.topic.to_string(),
                partition: tp.partition,
                policy,
                offset: to,
                out_of_range: false,
            },
        );
    }

    /// Standalone consumer: leaves the group if it was in one, then `assign()`s.
    pub(crate) fn apply_standalone(
        &mut self,
        name: &str,
        partitions: Vec<TopicPartition>,
        now: Millis,
    ) -> CoreResult<()> {
        for tp in &partitions {
            let Some(t) = self.broker.topics.get(&*tp.topic) else {
                return Err(CoreError::kafka(
                    ErrorCode::UnknownTopicOrPartition,
                    format!("no topic {}", tp.topic),
                ));
            };
            if tp.partition >= t.partition_count() {
                return Err(CoreError::kafka(
                    ErrorCode::UnknownTopicOrPartition,
                    format!("{} has no partition {}", tp.topic, tp.partition),
                ));
            }
        }
        self.set_assignment(name, partitions.clone(), now);
        let mut sorted = partitions;
        crate::core::sort::ascending(&mut sorted);
        sorted.dedup();
        self.events_push(
            now,
            EventKind::PartitionsAssignedManually { consumer: name.to_string(), partitions: sorted },
        );
        Ok(())
    }

    /// Group-mode work inside `poll()`: join or rejoin, eager revocation, metadata refresh,
    /// KIP-848 revocations.
    fn poll_group_work(&mut self, name: &str, now: Millis) {
        // Metadata refresh: the leader (classic) notices partitions added to its topics.
        self.refresh_metadata(name, now);
        let Some(c) = self.consumers.get(name) else {
            return;
        };
        let Some(m) = &c.membership else { return };
        match c.spec.config.group_protocol {
            GroupProtocol::Classic => {
                let needs_join = m.phase == MemberPhase::Unjoined || m.rejoin_needed;
                if needs_join {
                    self.classic_join(name, now);
                }
            }
            GroupProtocol::Consumer => {
                if !m.pending_revoke.is_empty() {
                    self.cg_revoke_pending(name, now);
                }
                let Some(c) = self.consumers.get(name) else {
                    return;
                };
                let Some(m) = &c.membership else { return };
                if m.member_id.is_none() || m.heartbeat_soon {
                    self.cg_heartbeat(name, now);
                }
            }
        }
    }

    fn refresh_metadata(&mut self, name: &str, now: Millis) {
        let Some(c) = self.consumers.get(name) else {
            return;
        };
        let Some(m) = &c.membership else { return };
        if now < m.next_metadata_at {
            return;
        }
        let ConsumerMode::Group { topics } = &c.spec.mode else {
            return;
        };
        let request = MetadataRequest { topics: Some(topics.clone()), allow_auto_topic_creation: false };
        let user = c.spec.user.clone();
        let Some(Response::Metadata(answer)) =
            self.call(now, NodeId::consumer(name), user.as_deref(), request.into())
        else {
            return;
        };
        // A subscribed topic it may not DESCRIBE: `poll()` throws TopicAuthorizationException
        // (told unless another refusal is already the consumer's error: the group's, which
        // every JoinGroup repeats, would otherwise take turns with it on the timeline).
        let already = self
            .consumers
            .get(name)
            .and_then(|c| c.error.as_ref())
            .is_some_and(|(e, _)| is_authorization(*e));
        let refused: Vec<&str> = answer
            .topics
            .iter()
            .filter(|t| t.error_code == Some(ErrorCode::TopicAuthorizationFailed))
            .map(|t| t.name.as_str())
            .collect();
        if !refused.is_empty() && !already {
            let detail = format!("Not authorized to access topics: [{}]", refused.join(", "));
            if let Some(mut c) = self.consumers.remove(name) {
                self.consumer_error(&mut c, ErrorCode::TopicAuthorizationFailed, detail, now);
                self.consumers.insert(name.to_string(), c);
            }
        }
        let Some(c) = self.consumers.get(name) else {
            return;
        };
        let Some(m) = &c.membership else { return };
        let current: BTreeMap<String, u32> = answer
            .topics
            .into_iter()
            .filter(|t| t.error_code.is_none())
            .map(|t| (t.name, t.partitions.len() as u32))
            .collect_map();
        let age = c.spec.config.metadata_max_age_ms;
        let protocol = c.spec.config.group_protocol;
        let changed = m.known_partitions != current && !m.known_partitions.is_empty();
        let is_leader = m.is_leader;
        let grew: Option<String> = current
            .iter()
            .find(|(t, n)| m.known_partitions.get(*t).is_some_and(|old| old < n))
            .map(|(t, _)| t.clone());
        // The topic whose metadata changed, for the reason (one that appeared, if none grew).
        let differs: Option<String> = grew.clone().or_else(|| {
            current.iter().find(|(t, n)| m.known_partitions.get(*t) != Some(n)).map(|(t, _)| t.clone())
        });
        let rejoining = m.rejoin_needed;
        let Some(c) = self.consumers.get_mut(name) else {
            return;
        };
        let Some(m) = c.membership.as_mut() else {
            return;
        };
        m.next_metadata_at = now + age;
        m.known_partitions = current;
        if changed
            && protocol == GroupProtocol::Classic
            && (is_leader || grew.is_none())
            && m.phase == MemberPhase::Stable
            && !rejoining
        {
            // The leader sees the partition count change and rejoins; its JoinGroup tells the
            // coordinator why (`ConsumerCoordinator.rejoinNeededOrPending`).
            m.rejoin_needed = true;
            let topic = differs.unwrap_or_default();
            m.rejoin_reason = Some(RebalanceReason::PartitionsAdded { topic });
        }
    }

    /// Positions of owned partitions, to commit.
    pub(crate) fn commit_positions_of(&self, name: &str) -> Vec<(TopicPartition, u64)> {
        self.consumers.get(name).map(|c| c.commit_positions()).unwrap_or_default()
    }

    /// The consumer leaves its group gracefully (or is made to leave), keeping its spec.
    pub(crate) fn leave_group(&mut self, name: &str, reason: LeaveReason, now: Millis) {
        let Some(c) = self.consumers.get(name) else {
            return;
        };
        if c.share.is_some() {
            return self.share_close(name, now);
        }
        let Some(m) = &c.membership else { return };
        let Some(member_id) = m.member_id.clone() else {
            return;
        };
        let group = m.group.clone();
        // The protocol it joined with — not its settings, which may have changed since (e.g.
        // edited while crashed).
        let protocol = m.protocol;
        let instance = c.spec.config.group_instance_id.clone();
        let user = c.spec.user.clone();
        // Graceful: commit first (auto-commit on close), then revoke everything.
        if reason == LeaveReason::Left && c.spec.config.enable_auto_commit {
            let offsets = c.commit_positions();
            if !offsets.is_empty() {
                self.commit(name, offsets, true, now);
            }
        }
        // Kicked for a slow poll(): the application is still processing, and will try to
        // commit when it is done (and fail). A graceful close already committed.
        let pending = match reason {
            LeaveReason::MaxPollIntervalExceeded => {
                self.consumers.get_mut(name).and_then(|c| c.pending_commit.take())
            }
            _ => None,
        };
        self.revoke_all(name, &group, now);
        if let Some(c) = self.consumers.get_mut(name) {
            c.pending_commit = pending;
        }
        match protocol {
            GroupProtocol::Classic => {
                // LeaveGroup: the coordinator removes it at once; whatever it answers, the
                // member is out of the group as far as it is concerned.
                let request = LeaveGroupRequest {
                    group_id: group.as_str().into(),
                    members: vec![MemberIdentity {
                        member_id: member_id.as_str().into(),
                        group_instance_id: instance,
                        reason: Some(reason),
                    }],
                };
                self.call(now, NodeId::consumer(name), user.as_deref(), request.into());
            }
            GroupProtocol::Consumer => self.cg_leave(name, &member_id, reason, now),
        }
        if let Some(c) = self.consumers.get_mut(name) {
            if let Some(m) = c.membership.as_mut() {
                m.member_id = None;
                m.generation = -1;
                m.phase = MemberPhase::Unjoined;
                m.rejoin_needed = false;
                m.pending_revoke.clear();
            }
        }
    }

    /// `onPartitionsRevoked` for everything the consumer owns.
    pub(crate) fn revoke_all(&mut self, name: &str, group: &str, now: Millis) {
        let Some(c) = self.consumers.get_mut(name) else {
            return;
        };
        if c.assignment.is_empty() {
            return;
        }
        let revoked = std::mem::take(&mut c.assignment);
        c.positions.clear();
        c.pending_commit = None;
        if let Some(m) = c.membership.as_mut() {
            m.previous = revoked.clone();
        }
        self.events_push(
            now,
            EventKind::PartitionsRevoked {
                group: group.to_string(),
                consumer: name.to_string(),
                partitions: revoked,
            },
        );
    }
}
