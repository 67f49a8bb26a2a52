//! What a person (or a scenario script) can do to the cluster.

use super::acl::{AclBinding, Role};
use super::consumer::{ConsumerMode, ConsumerSpec};
use super::ids::BrokerId;
use super::log::Retention;
use super::producer::ProducerSpec;
use super::share_group::share_partition::ResetTarget;
use super::share_group::ShareGroupSettings;
use serde::{Deserialize, Serialize};

/// Where `seek()` moves a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeekTo {
    Beginning,
    End,
    Offset(u64),
}

/// One command. In scenario files it is written with a `type` tag,
/// e.g. `{"type": "crash_consumer", "name": "c2"}`; serde derives it externally tagged
/// (`{"crash_consumer": {"name": "c2"}}`) and [`crate::core::scenario`] converts between the two
/// (see `wire` there: serde's internally tagged enums cost the page ~30 kB of gzipped wasm).
/// Read a single command with [`Command::from_json`]. Reading goes through
/// [`super::command_read`], not serde's derive (kept for its tests), which cost the page ~50 kB.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(Deserialize))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    /// CreateTopics. Partition counts are i64 so that bad values get INVALID_PARTITIONS
    /// rather than a parse error.
    CreateTopic {
        name: String,
        partitions: i64,
        #[serde(default)]
        retention: Option<Retention>,
        /// `--replication-factor`; absent: `default.replication.factor` (CreateTopics' -1).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        replication_factor: Option<i64>,
    },
    DeleteTopic {
        name: String,
    },
    /// CreatePartitions: raise the topic's partition count to `total`.
    CreatePartitions {
        topic: String,
        total: i64,
    },
    SetRetention {
        topic: String,
        retention: Retention,
    },

    /// A broker's controlled shutdown: leadership moves away first, nothing acknowledged is
    /// lost.
    StopBroker {
        broker: BrokerId,
    },
    /// A broker goes without a goodbye; the controller notices after
    /// `broker.session.timeout.ms`.
    CrashBroker {
        broker: BrokerId,
    },
    StartBroker {
        broker: BrokerId,
    },
    /// A broker stays up but is cut off from every other node (a network partition).
    IsolateBroker {
        broker: BrokerId,
    },
    HealBroker {
        broker: BrokerId,
    },

    AddProducer {
        producer: ProducerSpec,
    },
    UpdateProducer {
        producer: ProducerSpec,
    },
    RemoveProducer {
        name: String,
    },
    PauseProducer {
        name: String,
    },
    ResumeProducer {
        name: String,
    },
    /// "Send one": a single record, with an optional key, value text and partition.
    SendOne {
        producer: String,
        #[serde(default)]
        key: Option<String>,
        #[serde(default)]
        value: Option<String>,
        #[serde(default)]
        partition: Option<u32>,
        /// Record headers, `[["trace-id", "abc"], …]` (at most 16).
        #[serde(default)]
        headers: Vec<(String, String)>,
    },

    AddConsumer {
        consumer: ConsumerSpec,
    },
    /// Changes settings; switching Standalone ⇄ Group or the subscription takes effect as a
    /// real client would (leave / assign / subscribe, and a rebalance where one is due).
    UpdateConsumer {
        consumer: ConsumerSpec,
    },
    SetConsumerMode {
        name: String,
        mode: ConsumerMode,
    },
    RemoveConsumer {
        name: String,
    },
    PauseConsumer {
        name: String,
    },
    ResumeConsumer {
        name: String,
    },
    /// Stops without a word: no more heartbeats, no LeaveGroup, no commit.
    CrashConsumer {
        name: String,
    },
    /// Starts a crashed or closed consumer again (same settings, same `group.instance.id`).
    RestartConsumer {
        name: String,
    },
    /// `close()`: commit, LeaveGroup, stop.
    LeaveGroup {
        name: String,
    },
    Seek {
        consumer: String,
        topic: String,
        partition: u32,
        to: SeekTo,
    },
    /// `commitSync()` of current positions.
    CommitSync {
        consumer: String,
    },

    /// AlterConsumerGroupOffsets (`kafka-consumer-groups --reset-offsets --execute`): sets the
    /// group's committed offsets, `[topic, partition, offset]` each. The coordinator accepts it
    /// only while the group has no members (Empty, or not there yet); otherwise
    /// UNKNOWN_MEMBER_ID, as for any commit from outside the group.
    AlterGroupOffsets {
        group: String,
        offsets: Vec<(String, u32, u64)>,
    },
    /// DeleteGroups (`kafka-consumer-groups --delete`): only an Empty group
    /// (NON_EMPTY_GROUP otherwise; GROUP_ID_NOT_FOUND when there is none).
    DeleteGroup {
        group: String,
    },
    /// OffsetDelete (`kafka-consumer-groups --delete-offsets`): drops the group's committed
    /// offsets of these partitions; refused while members are subscribed to the topic
    /// (GROUP_SUBSCRIBED_TO_TOPIC) — here: while the group has members (NON_EMPTY_GROUP).
    DeleteGroupOffsets {
        group: String,
        topic: String,
        partitions: Vec<u32>,
    },
    /// ElectLeaders (`kafka-leader-election`): a preferred or unclean election for the listed
    /// partitions, or for every partition (`partitions` absent: `--all-topic-partitions`).
    ElectLeaders {
        election_type: super::protocol::elect_leaders::ElectionType,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        partitions: Option<Vec<super::protocol::elect_leaders::ElectionPartition>>,
    },

    /// A share group's own configs (`kafka-configs --alter --entity-type groups`, scenario files'
    /// `groups`): `share.auto.offset.reset`, `share.record.lock.duration.ms`,
    /// `share.delivery.count.limit`; the ones left out take the broker's.
    SetShareGroupConfig {
        group: String,
        config: ShareGroupSettings,
    },
    /// AlterShareGroupOffsets (`kafka-share-groups --reset-offsets --execute`): moves the
    /// share-partition start offset of every partition of `topic` (all topics the group has
    /// read when absent). Only while the group has no members (NON_EMPTY_GROUP otherwise).
    ResetShareGroupOffsets {
        group: String,
        #[serde(default)]
        topic: Option<String>,
        /// Of `topic`; empty: all its partitions.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        partitions: Vec<u32>,
        to: ResetTarget,
    },
    /// DeleteShareGroups (`kafka-share-groups --delete`): only an empty group.
    DeleteShareGroup {
        group: String,
    },
    /// DeleteShareGroupOffsets (`kafka-share-groups --delete-offsets`): drops an empty share
    /// group's state of whole topics (their next reader starts from `share.auto.offset.reset`).
    DeleteShareGroupOffsets {
        group: String,
        topics: Vec<String>,
    },

    /// Turn the authorizer on or off (and `allow.everyone.if.no.acl.found`).
    SetAuthorization {
        enabled: bool,
        #[serde(default)]
        allow_everyone_if_no_acl_found: Option<bool>,
    },
    AddUser {
        name: String,
    },
    RemoveUser {
        name: String,
    },
    GrantRole {
        user: String,
        role: Role,
        pattern: String,
    },
    RevokeRole {
        user: String,
        role: Role,
        pattern: String,
    },
    AddAcl {
        acl: AclBinding,
    },
    RemoveAcl {
        acl: AclBinding,
    },
}

impl Command {
    /// `CreateTopic` with the broker's defaults: retention from `retention.ms`/`retention.bytes`,
    /// replication factor from `default.replication.factor` (`kafka-topics --create` with only
    /// `--topic` and `--partitions`). (`from_json`, the scenario file's form, is beside its
    /// reader in `command_read.rs`.)
    pub fn create_topic(name: impl Into<String>, partitions: i64) -> Command {
        Command::CreateTopic { name: name.into(), partitions, retention: None, replication_factor: None }
    }
}
