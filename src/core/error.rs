//! Errors, by Kafka's names and codes (`common/protocol/Errors.java`), so what a person
//! learns here reads the same on a real cluster.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The Kafka protocol errors the playground can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    OffsetOutOfRange,
    UnknownTopicOrPartition,
    InvalidTopicException,
    IllegalGeneration,
    InconsistentGroupProtocol,
    UnknownMemberId,
    RebalanceInProgress,
    TopicAuthorizationFailed,
    GroupAuthorizationFailed,
    ClusterAuthorizationFailed,
    TopicAlreadyExists,
    InvalidPartitions,
    InvalidConfig,
    InvalidRequest,
    FencedInstanceId,
    /// Client-side: `auto.offset.reset=none` and no committed offset
    /// (Java: `NoOffsetForPartitionException`).
    NoOffsetForPartition,
    /// KIP-848: the member's epoch is behind the group's.
    FencedMemberEpoch,
    /// DeleteGroups / OffsetDelete on a group that still has members.
    NonEmptyGroup,
    GroupIdNotFound,
    /// OffsetDelete of a topic the group's members are subscribed to.
    GroupSubscribedToTopic,
    // Replication (brokers, leaders, ISR, acks, idempotence).
    LeaderNotAvailable,
    NotLeaderOrFollower,
    RequestTimedOut,
    CoordinatorNotAvailable,
    NotCoordinator,
    NotEnoughReplicas,
    NotEnoughReplicasAfterAppend,
    InvalidReplicationFactor,
    InvalidReplicaAssignment,
    OutOfOrderSequenceNumber,
    FencedLeaderEpoch,
    PreferredLeaderNotAvailable,
    EligibleLeadersNotAvailable,
    ElectionNotNeeded,
    InvalidRecord,
    /// KIP-932: an acknowledgement names a record that is not acquired by this member (its
    /// lock ran out, or another member holds it).
    InvalidRecordState,
    /// JoinGroup from a new dynamic member: here is your member id, join again with it (KIP-394).
    MemberIdRequired,
    /// KIP-848: a static member joins while the member with its `group.instance.id` has not
    /// left yet.
    UnreleasedInstanceId,
    /// The connection to the broker closed while the request was outstanding (Kafka's client
    /// completes it with NETWORK_EXCEPTION, "Disconnected from node N"): a controlled shutdown.
    NetworkException,
    /// The batch's producer epoch is older than the one the leader knows for its producer id
    /// (`ProducerAppendInfo.checkProducerEpoch`).
    InvalidProducerEpoch,
    /// Client-side: `send()` found `buffer.memory` full for `max.block.ms`
    /// (Java: `BufferExhaustedException`, a `TimeoutException`).
    BufferExhausted,
}

impl ErrorCode {
    /// Every error the playground can produce (for catalogues that must cover them all).
    pub const ALL: [ErrorCode; 41] = [
        ErrorCode::OffsetOutOfRange,
        ErrorCode::UnknownTopicOrPartition,
        ErrorCode::InvalidTopicException,
        ErrorCode::IllegalGeneration,
        ErrorCode::InconsistentGroupProtocol,
        ErrorCode::UnknownMemberId,
        ErrorCode::RebalanceInProgress,
        ErrorCode::TopicAuthorizationFailed,
        ErrorCode::GroupAuthorizationFailed,
        ErrorCode::ClusterAuthorizationFailed,
        ErrorCode::TopicAlreadyExists,
        ErrorCode::InvalidPartitions,
        ErrorCode::InvalidConfig,
        ErrorCode::InvalidRequest,
        ErrorCode::FencedInstanceId,
        ErrorCode::NoOffsetForPartition,
        ErrorCode::FencedMemberEpoch,
        ErrorCode::NonEmptyGroup,
        ErrorCode::GroupIdNotFound,
        ErrorCode::GroupSubscribedToTopic,
        ErrorCode::LeaderNotAvailable,
        ErrorCode::NotLeaderOrFollower,
        ErrorCode::RequestTimedOut,
        ErrorCode::CoordinatorNotAvailable,
        ErrorCode::NotCoordinator,
        ErrorCode::NotEnoughReplicas,
        ErrorCode::NotEnoughReplicasAfterAppend,
        ErrorCode::InvalidReplicationFactor,
        ErrorCode::InvalidReplicaAssignment,
        ErrorCode::OutOfOrderSequenceNumber,
        ErrorCode::FencedLeaderEpoch,
        ErrorCode::PreferredLeaderNotAvailable,
        ErrorCode::EligibleLeadersNotAvailable,
        ErrorCode::ElectionNotNeeded,
        ErrorCode::InvalidRecord,
        ErrorCode::InvalidRecordState,
        ErrorCode::MemberIdRequired,
        ErrorCode::UnreleasedInstanceId,
        ErrorCode::NetworkException,
        ErrorCode::InvalidProducerEpoch,
        ErrorCode::BufferExhausted,
    ];

    /// Kafka's numeric code (`Errors.java`); client-side exceptions have none (-1).
    pub fn code(self) -> i16 {
        match self {
            ErrorCode::OffsetOutOfRange => 1,
            ErrorCode::UnknownTopicOrPartition => 3,
            ErrorCode::InvalidTopicException => 17,
            ErrorCode::IllegalGeneration => 22,
            ErrorCode::InconsistentGroupProtocol => 23,
            ErrorCode::UnknownMemberId => 25,
            ErrorCode::RebalanceInProgress => 27,
            ErrorCode::TopicAuthorizationFailed => 29,
            ErrorCode::GroupAuthorizationFailed => 30,
            ErrorCode::ClusterAuthorizationFailed => 31,
            ErrorCode::TopicAlreadyExists => 36,
            ErrorCode::InvalidPartitions => 37,
            ErrorCode::InvalidConfig => 40,
            ErrorCode::InvalidRequest => 42,
            ErrorCode::FencedInstanceId => 82,
            ErrorCode::FencedMemberEpoch => 110,
            ErrorCode::NonEmptyGroup => 68,
            ErrorCode::GroupIdNotFound => 69,
            ErrorCode::GroupSubscribedToTopic => 86,
            ErrorCode::LeaderNotAvailable => 5,
            ErrorCode::NotLeaderOrFollower => 6,
            ErrorCode::RequestTimedOut => 7,
            ErrorCode::CoordinatorNotAvailable => 15,
            ErrorCode::NotCoordinator => 16,
            ErrorCode::NotEnoughReplicas => 19,
            ErrorCode::NotEnoughReplicasAfterAppend => 20,
            ErrorCode::InvalidReplicationFactor => 38,
            ErrorCode::InvalidReplicaAssignment => 39,
            ErrorCode::OutOfOrderSequenceNumber => 45,
            ErrorCode::FencedLeaderEpoch => 74,
            ErrorCode::PreferredLeaderNotAvailable => 80,
            ErrorCode::EligibleLeadersNotAvailable => 83,
            ErrorCode::ElectionNotNeeded => 84,
            ErrorCode::InvalidRecord => 87,
            ErrorCode::InvalidRecordState => 121,
            ErrorCode::MemberIdRequired => 79,
            ErrorCode::UnreleasedInstanceId => 111,
            ErrorCode::NetworkException => 13,
            ErrorCode::InvalidProducerEpoch => 47,
            ErrorCode::NoOffsetForPartition | ErrorCode::BufferExhausted => -1,
        }
    }

    /// Kafka's name, e.g. `TOPIC_AUTHORIZATION_FAILED`.
    pub fn name(self) -> &'static str {
        match self {
            ErrorCode::OffsetOutOfRange => "OFFSET_OUT_OF_RANGE",
            ErrorCode::UnknownTopicOrPartition => "UNKNOWN_TOPIC_OR_PARTITION",
            ErrorCode::InvalidTopicException => "INVALID_TOPIC_EXCEPTION",
            ErrorCode::IllegalGeneration => "ILLEGAL_GENERATION",
            ErrorCode::InconsistentGroupProtocol => "INCONSISTENT_GROUP_PROTOCOL",
            ErrorCode::UnknownMemberId => "UNKNOWN_MEMBER_ID",
            ErrorCode::RebalanceInProgress => "REBALANCE_IN_PROGRESS",
            ErrorCode::TopicAuthorizationFailed => "TOPIC_AUTHORIZATION_FAILED",
            ErrorCode::GroupAuthorizationFailed => "GROUP_AUTHORIZATION_FAILED",
            ErrorCode::ClusterAuthorizationFailed => "CLUSTER_AUTHORIZATION_FAILED",
            ErrorCode::TopicAlreadyExists => "TOPIC_ALREADY_EXISTS",
            ErrorCode::InvalidPartitions => "INVALID_PARTITIONS",
            ErrorCode::InvalidConfig => "INVALID_CONFIG",
            ErrorCode::InvalidRequest => "INVALID_REQUEST",
            ErrorCode::FencedInstanceId => "FENCED_INSTANCE_ID",
            ErrorCode::FencedMemberEpoch => "FENCED_MEMBER_EPOCH",
            ErrorCode::NonEmptyGroup => "NON_EMPTY_GROUP",
            ErrorCode::GroupIdNotFound => "GROUP_ID_NOT_FOUND",
            ErrorCode::GroupSubscribedToTopic => "GROUP_SUBSCRIBED_TO_TOPIC",
            ErrorCode::InvalidRecordState => "INVALID_RECORD_STATE",
            ErrorCode::MemberIdRequired => "MEMBER_ID_REQUIRED",
            ErrorCode::UnreleasedInstanceId => "UNRELEASED_INSTANCE_ID",
            ErrorCode::NoOffsetForPartition => "NO_OFFSET_FOR_PARTITION",
            ErrorCode::LeaderNotAvailable => "LEADER_NOT_AVAILABLE",
            ErrorCode::NotLeaderOrFollower => "NOT_LEADER_OR_FOLLOWER",
            ErrorCode::RequestTimedOut => "REQUEST_TIMED_OUT",
            ErrorCode::CoordinatorNotAvailable => "COORDINATOR_NOT_AVAILABLE",
            ErrorCode::NotCoordinator => "NOT_COORDINATOR",
            ErrorCode::NotEnoughReplicas => "NOT_ENOUGH_REPLICAS",
            ErrorCode::NotEnoughReplicasAfterAppend => "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
            ErrorCode::InvalidReplicationFactor => "INVALID_REPLICATION_FACTOR",
            ErrorCode::InvalidReplicaAssignment => "INVALID_REPLICA_ASSIGNMENT",
            ErrorCode::OutOfOrderSequenceNumber => "OUT_OF_ORDER_SEQUENCE_NUMBER",
            ErrorCode::FencedLeaderEpoch => "FENCED_LEADER_EPOCH",
            ErrorCode::PreferredLeaderNotAvailable => "PREFERRED_LEADER_NOT_AVAILABLE",
            ErrorCode::EligibleLeadersNotAvailable => "ELIGIBLE_LEADERS_NOT_AVAILABLE",
            ErrorCode::ElectionNotNeeded => "ELECTION_NOT_NEEDED",
            ErrorCode::InvalidRecord => "INVALID_RECORD",
            ErrorCode::NetworkException => "NETWORK_EXCEPTION",
            ErrorCode::InvalidProducerEpoch => "INVALID_PRODUCER_EPOCH",
            ErrorCode::BufferExhausted => "BUFFER_EXHAUSTED",
        }
    }

    /// Whether a client retries it (Kafka's `RetriableException` subclasses).
    pub fn is_retriable(self) -> bool {
        use ErrorCode::*;
        matches!(
            self,
            LeaderNotAvailable
                | NotLeaderOrFollower
                | RequestTimedOut
                | CoordinatorNotAvailable
                | NotCoordinator
                | NotEnoughReplicas
                | NotEnoughReplicasAfterAppend
                | FencedLeaderEpoch
                | PreferredLeaderNotAvailable
                | EligibleLeadersNotAvailable
                | UnknownTopicOrPartition
                | NetworkException
                | BufferExhausted
        )
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a command was refused. State is untouched whenever one is returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CoreError {
    /// What a Kafka client would see.
    Kafka { code: ErrorCode, message: String },
    /// A playground-level mistake: an unknown producer name, an out-of-range setting.
    Invalid { message: String },
}

impl CoreError {
    pub fn kafka(code: ErrorCode, message: impl Into<String>) -> Self {
        CoreError::Kafka { code, message: message.into() }
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        CoreError::Invalid { message: message.into() }
    }
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            CoreError::Kafka { code, .. } => Some(*code),
            CoreError::Invalid { .. } => None,
        }
    }
}

impl fmt::Display for CoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CoreError::Kafka { code, message } => write!(f, "{code}: {}", one_line(message)),
            CoreError::Invalid { message } => f.write_str(&one_line(message)),
        }
    }
}

/// Error text is shown on one line (the UI's error banner, the CLI's stderr, the timeline), and
/// parts of it may come from the input (a name with a newline in it, echoed by a parser):
/// control characters are escaped (`\n`).
pub fn one_line(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    text.chars()
        .map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() })
        .collect()
}

impl std::error::Error for CoreError {}

pub type CoreResult<T> = Result<T, CoreError>;
