//! A share group as its coordinator keeps it (`ShareGroup` in Kafka's group coordinator): its
//! members, epochs, target assignment and the group's own configs. The coordinator that
//! changes it is the broker's (`broker/share.rs`).

use super::config::ShareGroupConfig;
use super::ShareAutoOffsetReset;
use crate::core::ids::TopicPartition;
use crate::core::time::Millis;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A share group's own configs (`kafka-configs --entity-type groups`; scenario files' `groups`):
/// unset ones take the broker's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareGroupSettings {
    #[serde(rename = "share.auto.offset.reset", default, skip_serializing_if = "Option::is_none")]
    pub auto_offset_reset: Option<ShareAutoOffsetReset>,
    #[serde(rename = "share.record.lock.duration.ms", default, skip_serializing_if = "Option::is_none")]
    pub record_lock_duration_ms: Option<u64>,
    #[serde(rename = "share.delivery.count.limit", default, skip_serializing_if = "Option::is_none")]
    pub delivery_count_limit: Option<u16>,
}

impl ShareGroupSettings {
    /// `GroupConfig.validateValues` against the broker's bounds; the message is Kafka's.
    pub fn validate(&self, broker: &ShareGroupConfig) -> Result<(), String> {
        if let Some(ms) = self.record_lock_duration_ms {
            broker
                .validate_group_record_lock_duration_ms(ms.min(i64::MAX as u64) as i64)
                .map_err(|e| e.message)?;
        }
        if let Some(limit) = self.delivery_count_limit {
            if limit < 2 {
                return Err("share.delivery.count.limit must be greater than or equal to group.share.min.delivery.count.limit".into());
            }
            if limit > 10 {
                return Err("share.delivery.count.limit must be less than or equal to group.share.max.delivery.count.limit".into());
            }
        }
        Ok(())
    }
}

/// The share group's state (`ShareGroup.ShareGroupState`), as `kafka-share-groups` prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShareGroupState {
    Empty,
    Stable,
}

impl ShareGroupState {
    pub fn name(self) -> &'static str {
        match self {
            ShareGroupState::Empty => "Empty",
            ShareGroupState::Stable => "Stable",
        }
    }
}

/// One member as the coordinator knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareMember {
    pub member_id: String,
    /// The request header's `client.id`: the consumer's name.
    pub client_id: String,
    /// The epoch the member reached at its last heartbeat.
    pub member_epoch: i32,
    pub subscribed_topics: BTreeSet<String>,
    /// Its target assignment (what its next heartbeat answer gives it).
    pub assignment: BTreeSet<TopicPartition>,
    pub last_heartbeat: Millis,
}

/// A share group on its coordinator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareGroup {
    pub id: String,
    pub group_epoch: i32,
    pub assignment_epoch: i32,
    pub members: BTreeMap<String, ShareMember>,
    pub settings: ShareGroupSettings,
    /// Partition counts of the subscribed topics the current assignment was computed from.
    pub(crate) topic_counts: BTreeMap<String, u32>,
}

impl ShareGroup {
    pub(crate) fn new(id: &str) -> Self {
        ShareGroup {
            id: id.to_string(),
            group_epoch: 0,
            assignment_epoch: 0,
            members: BTreeMap::new(),
            settings: ShareGroupSettings::default(),
            topic_counts: BTreeMap::new(),
        }
    }

    pub fn state(&self) -> ShareGroupState {
        if self.members.is_empty() {
            ShareGroupState::Empty
        } else {
            ShareGroupState::Stable
        }
    }

    /// The consumer name behind a member id (the member id itself if it left).
    pub(crate) fn client_of(&self, member: &str) -> String {
        self.members.get(member).map_or_else(|| client_of_member_id(member), |m| m.client_id.clone())
    }
}

/// A member id is `<client>-<8 hex digits>` (see the share consumer): the client's name is what
/// precedes the last `-`.
pub(crate) fn client_of_member_id(member: &str) -> String {
    member.rsplit_once('-').map_or(member, |(c, _)| c).to_string()
}
