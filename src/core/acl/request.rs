//! Which rights each request the core models needs, and the error a Kafka client sees without
//! them — the checks `KafkaApis` (`core/src/main/scala/kafka/server/KafkaApis.scala`) makes
//! before handling each request.

use super::authorizer::Authorizer;
use super::binding::{Operation, ResourceType, CLUSTER_NAME};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A request the core models, by its Kafka API name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Request {
    Produce,
    Fetch,
    Metadata,
    ListOffsets,
    JoinGroup,
    SyncGroup,
    Heartbeat,
    LeaveGroup,
    OffsetCommit,
    OffsetFetch,
    CreateTopics,
    DeleteTopics,
    CreatePartitions,
    /// An idempotent producer's first request, for its producer id.
    InitProducerId,
}

/// One check a request must pass: at least one of `any_of` (operation on resource type) must be
/// allowed, or the request fails with the error for `fails_with`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requirement {
    pub any_of: &'static [(Operation, ResourceType)],
    pub fails_with: ResourceType,
}

macro_rules! req {
    ($fails:ident: $(($op:ident, $rt:ident)),+) => {
        Requirement {
            any_of: &[$((Operation::$op, ResourceType::$rt)),+],
            fails_with: ResourceType::$fails,
        }
    };
}

impl Request {
    pub const ALL: &'static [Request] = &[
        Request::Produce,
        Request::Fetch,
        Request::Metadata,
        Request::ListOffsets,
        Request::JoinGroup,
        Request::SyncGroup,
        Request::Heartbeat,
        Request::LeaveGroup,
        Request::OffsetCommit,
        Request::OffsetFetch,
        Request::CreateTopics,
        Request::DeleteTopics,
        Request::CreatePartitions,
        Request::InitProducerId,
    ];

    /// Kafka's API name (`ApiKeys`), e.g. `OffsetCommit`.
    pub const fn name(self) -> &'static str {
        match self {
            Request::Produce => "Produce",
            Request::Fetch => "Fetch",
            Request::Metadata => "Metadata",
            Request::ListOffsets => "ListOffsets",
            Request::JoinGroup => "JoinGroup",
            Request::SyncGroup => "SyncGroup",
            Request::Heartbeat => "Heartbeat",
            Request::LeaveGroup => "LeaveGroup",
            Request::OffsetCommit => "OffsetCommit",
            Request::OffsetFetch => "OffsetFetch",
            Request::CreateTopics => "CreateTopics",
            Request::DeleteTopics => "DeleteTopics",
            Request::CreatePartitions => "CreatePartitions",
            Request::InitProducerId => "InitProducerId",
        }
    }

    /// The checks, in the order Kafka makes them (the first failing one is the error).
    ///
    /// - Produce: WRITE on the topic. Fetch: READ on the topic.
    /// - Metadata, ListOffsets: DESCRIBE on the topic.
    /// - JoinGroup, SyncGroup, Heartbeat, LeaveGroup: READ on the group.
    /// - OffsetCommit: READ on the group, then READ on the topic (group error first, as in
    ///   `KafkaApis.handleOffsetCommitRequest`).
    /// - OffsetFetch: DESCRIBE on the group, then DESCRIBE on the topic.
    /// - CreateTopics: CREATE on the cluster *or* on the topic; else TOPIC_AUTHORIZATION_FAILED.
    /// - DeleteTopics: DELETE on the topic. CreatePartitions: ALTER on the topic.
    /// - InitProducerId (idempotent, no `transactional.id`): IDEMPOTENT_WRITE on the cluster, or
    ///   WRITE on the topic; else CLUSTER_AUTHORIZATION_FAILED. *Simplification*: KIP-679 accepts
    ///   WRITE on *any* topic; the playground asks about the topic the producer writes to.
    pub const fn requirements(self) -> &'static [Requirement] {
        match self {
            Request::Produce => &[req!(Topic: (Write, Topic))],
            Request::Fetch => &[req!(Topic: (Read, Topic))],
            Request::Metadata | Request::ListOffsets => &[req!(Topic: (Describe, Topic))],
            Request::JoinGroup | Request::SyncGroup | Request::Heartbeat | Request::LeaveGroup => {
                &[req!(Group: (Read, Group))]
            }
            Request::OffsetCommit => &[req!(Group: (Read, Group)), req!(Topic: (Read, Topic))],
            Request::OffsetFetch => &[req!(Group: (Describe, Group)), req!(Topic: (Describe, Topic))],
            Request::CreateTopics => &[req!(Topic: (Create, Cluster), (Create, Topic))],
            Request::DeleteTopics => &[req!(Topic: (Delete, Topic))],
            Request::CreatePartitions => &[req!(Topic: (Alter, Topic))],
            Request::InitProducerId => &[req!(Cluster: (IdempotentWrite, Cluster), (Write, Topic))],
        }
    }
}

impl fmt::Display for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A refused request, as the client sees it (`common/protocol/Errors.java`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuthError {
    /// TOPIC_AUTHORIZATION_FAILED (29)
    TopicAuthorizationFailed { topic: String },
    /// GROUP_AUTHORIZATION_FAILED (30)
    GroupAuthorizationFailed { group: String },
    /// CLUSTER_AUTHORIZATION_FAILED (31)
    ClusterAuthorizationFailed,
    /// TRANSACTIONAL_ID_AUTHORIZATION_FAILED (53)
    TransactionalIdAuthorizationFailed { transactional_id: String },
}

impl AuthError {
    /// Kafka's error code.
    pub const fn code(&self) -> i16 {
        match self {
            AuthError::TopicAuthorizationFailed { .. } => 29,
            AuthError::GroupAuthorizationFailed { .. } => 30,
            AuthError::ClusterAuthorizationFailed => 31,
            AuthError::TransactionalIdAuthorizationFailed { .. } => 53,
        }
    }

    /// Kafka's error name.
    pub const fn name(&self) -> &'static str {
        match self {
            AuthError::TopicAuthorizationFailed { .. } => "TOPIC_AUTHORIZATION_FAILED",
            AuthError::GroupAuthorizationFailed { .. } => "GROUP_AUTHORIZATION_FAILED",
            AuthError::ClusterAuthorizationFailed => "CLUSTER_AUTHORIZATION_FAILED",
            AuthError::TransactionalIdAuthorizationFailed { .. } => "TRANSACTIONAL_ID_AUTHORIZATION_FAILED",
        }
    }

    fn for_resource(rt: ResourceType, name: &str) -> AuthError {
        let name = name.to_owned();
        match rt {
            ResourceType::Topic => AuthError::TopicAuthorizationFailed { topic: name },
            ResourceType::Group => AuthError::GroupAuthorizationFailed { group: name },
            ResourceType::Cluster => AuthError::ClusterAuthorizationFailed,
            ResourceType::TransactionalId => {
                AuthError::TransactionalIdAuthorizationFailed { transactional_id: name }
            }
        }
    }
}

/// `TOPIC_AUTHORIZATION_FAILED (29): Not authorized to access topics: [orders]` — the code and
/// name, then the message of the Java client's exception.
impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): ", self.name(), self.code())?;
        match self {
            AuthError::TopicAuthorizationFailed { topic } => {
                write!(f, "Not authorized to access topics: [{topic}]")
            }
            AuthError::GroupAuthorizationFailed { group } => {
                write!(f, "Not authorized to access group: {group}")
            }
            AuthError::ClusterAuthorizationFailed => f.write_str("Cluster authorization failed."),
            AuthError::TransactionalIdAuthorizationFailed { transactional_id } => {
                write!(f, "Not authorized to use transactional id: {transactional_id}")
            }
        }
    }
}

impl std::error::Error for AuthError {}

impl Authorizer {
    /// Checks `request` by `user` against [`Request::requirements`]. `topic` and `group` name the
    /// resources involved; a requirement on a resource the caller did not name fails closed (its
    /// alternatives count as denied), so a forgotten argument never opens access.
    pub fn check(
        &self,
        user: &str,
        request: Request,
        topic: Option<&str>,
        group: Option<&str>,
    ) -> Result<(), AuthError> {
        if !self.config().enabled {
            return Ok(());
        }
        for requirement in request.requirements() {
            let name_of = |rt: ResourceType| match rt {
                ResourceType::Topic => topic,
                ResourceType::Group => group,
                ResourceType::Cluster => Some(CLUSTER_NAME),
                ResourceType::TransactionalId => None,
            };
            let allowed = requirement
                .any_of
                .iter()
                .any(|&(op, rt)| name_of(rt).is_some_and(|name| self.authorize(user, op, rt, name)));
            if !allowed {
                let rt = requirement.fails_with;
                return Err(AuthError::for_resource(rt, name_of(rt).unwrap_or("")));
            }
        }
        Ok(())
    }
}
