//! The managed service's roles, and the Kafka ACLs each one means.
//!
//! A managed Kafka service grants a user a role on a topic pattern rather than asking for raw
//! ACLs; underneath, the broker still runs Kafka's authorizer over ACLs. [`RoleBinding::acls`] is
//! that translation, so the UI can show a role next to the ACLs it expands into.

use super::binding::{AclBinding, Operation, PatternType, Permission, ResourceType, CLUSTER_NAME, WILDCARD};
use super::names::{validate_topic_name, validate_topic_prefix, AclError, UserName};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A managed-service role. Serialised as `consumer`, `producer`, `topic-admin`, `admin`,
/// `topic-producer`, `topic-consumer`; the service calls them `ACCESS_ROLE_CONSUMER` … (see
/// [`Role::service_name`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Consumer,
    Producer,
    TopicAdmin,
    /// Only on `*`.
    Admin,
    /// The producer's Kafka rights without schema-registry rights (the service added it in
    /// 2025). The playground has no schema registry, so its ACLs are the producer's.
    TopicProducer,
    /// The consumer's Kafka rights without schema-registry rights; ACLs as the consumer's.
    TopicConsumer,
}

impl Role {
    pub const ALL: &'static [Role] = &[
        Role::Consumer,
        Role::Producer,
        Role::TopicAdmin,
        Role::Admin,
        Role::TopicProducer,
        Role::TopicConsumer,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Role::Consumer => "consumer",
            Role::Producer => "producer",
            Role::TopicAdmin => "topic-admin",
            Role::Admin => "admin",
            Role::TopicProducer => "topic-producer",
            Role::TopicConsumer => "topic-consumer",
        }
    }

    /// The managed service's own name for the role.
    pub const fn service_name(self) -> &'static str {
        match self {
            Role::Consumer => "ACCESS_ROLE_CONSUMER",
            Role::Producer => "ACCESS_ROLE_PRODUCER",
            Role::TopicAdmin => "ACCESS_ROLE_TOPIC_ADMIN",
            Role::Admin => "ACCESS_ROLE_ADMIN",
            Role::TopicProducer => "ACCESS_ROLE_TOPIC_PRODUCER",
            Role::TopicConsumer => "ACCESS_ROLE_TOPIC_CONSUMER",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let key = s.replace('_', "-").to_ascii_lowercase();
        let key = key.strip_prefix("access-role-").unwrap_or(&key);
        Role::ALL.iter().copied().find(|r| r.name() == key).ok_or_else(|| {
            format!("unknown role {s:?} (expected consumer, producer, topic-admin, admin, topic-producer or topic-consumer)")
        })
    }
}

/// Which topics a role covers, written as the managed service's console writes it:
/// `orders` (exact), `orders-*` (prefix), `*` (every topic).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum TopicPattern {
    /// One topic: a LITERAL ACL on its name.
    Exact(String),
    /// Every topic whose name starts with the prefix: a PREFIXED ACL. Written `prefix*`.
    Prefix(String),
    /// Every topic: a LITERAL ACL on `*`.
    Any,
}

impl TopicPattern {
    /// Parses `name`, `prefix*` or `*`. The name or prefix must use Kafka's topic alphabet
    /// `[a-zA-Z0-9._-]`; a `*` anywhere but at the end is an error, as are `.` and `..`.
    pub fn parse(text: &str) -> Result<Self, AclError> {
        if text == WILDCARD {
            return Ok(TopicPattern::Any);
        }
        match text.strip_suffix('*') {
            Some(prefix) if !prefix.contains('*') => {
                validate_topic_prefix(prefix)?;
                Ok(TopicPattern::Prefix(prefix.to_owned()))
            }
            Some(_) => Err(AclError::InvalidPattern { pattern: text.to_owned() }),
            None if text.contains('*') => Err(AclError::InvalidPattern { pattern: text.to_owned() }),
            None => {
                validate_topic_name(text)?;
                Ok(TopicPattern::Exact(text.to_owned()))
            }
        }
    }

    /// The Kafka pattern type and resource name this pattern becomes in an ACL.
    pub fn to_kafka(&self) -> (PatternType, &str) {
        match self {
            TopicPattern::Exact(name) => (PatternType::Literal, name),
            TopicPattern::Prefix(prefix) => (PatternType::Prefixed, prefix),
            TopicPattern::Any => (PatternType::Literal, WILDCARD),
        }
    }

    /// Whether the pattern covers `topic`.
    pub fn matches(&self, topic: &str) -> bool {
        match self {
            TopicPattern::Exact(name) => name == topic,
            TopicPattern::Prefix(prefix) => topic.starts_with(prefix.as_str()),
            TopicPattern::Any => true,
        }
    }
}

impl fmt::Display for TopicPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TopicPattern::Exact(name) => f.write_str(name),
            TopicPattern::Prefix(prefix) => write!(f, "{prefix}*"),
            TopicPattern::Any => f.write_str(WILDCARD),
        }
    }
}

impl FromStr for TopicPattern {
    type Err = AclError;
    fn from_str(s: &str) -> Result<Self, AclError> {
        TopicPattern::parse(s)
    }
}

impl TryFrom<String> for TopicPattern {
    type Error = AclError;
    fn try_from(s: String) -> Result<Self, AclError> {
        TopicPattern::parse(&s)
    }
}

impl From<TopicPattern> for String {
    fn from(p: TopicPattern) -> String {
        p.to_string()
    }
}

/// A user's role on a topic pattern. Construct with [`RoleBinding::new`], which refuses the admin
/// role on anything but `*`; deserialising runs the same check.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "RoleBindingSpec", into = "RoleBindingSpec")]
pub struct RoleBinding {
    user: UserName,
    role: Role,
    pattern: TopicPattern,
}

/// The serialised form of a [`RoleBinding`]: `{"user": "alice", "role": "consumer", "pattern": "orders*"}`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleBindingSpec {
    user: UserName,
    role: Role,
    pattern: TopicPattern,
}

impl TryFrom<RoleBindingSpec> for RoleBinding {
    type Error = AclError;
    fn try_from(s: RoleBindingSpec) -> Result<Self, AclError> {
        RoleBinding::from_parts(s.user, s.role, s.pattern)
    }
}

impl From<RoleBinding> for RoleBindingSpec {
    fn from(b: RoleBinding) -> Self {
        RoleBindingSpec { user: b.user, role: b.role, pattern: b.pattern }
    }
}

impl RoleBinding {
    /// Validates `user` and `pattern` (see [`TopicPattern::parse`]); admin needs `*`.
    pub fn new(user: &str, role: Role, pattern: &str) -> Result<Self, AclError> {
        RoleBinding::from_parts(UserName::new(user)?, role, TopicPattern::parse(pattern)?)
    }

    pub fn from_parts(user: UserName, role: Role, pattern: TopicPattern) -> Result<Self, AclError> {
        if role == Role::Admin && pattern != TopicPattern::Any {
            return Err(AclError::AdminNeedsWildcard { pattern: pattern.to_string() });
        }
        Ok(RoleBinding { user, role, pattern })
    }

    pub fn user(&self) -> &UserName {
        &self.user
    }

    pub fn role(&self) -> Role {
        self.role
    }

    pub fn pattern(&self) -> &TopicPattern {
        &self.pattern
    }

    /// The Kafka ACLs this role means, all ALLOW, host `*`, for principal `User:<user>`.
    /// `P` below is the topic pattern: LITERAL `name`, PREFIXED `prefix`, or LITERAL `*`.
    ///
    /// - **consumer**: TOPIC `P` DESCRIBE + READ; GROUP LITERAL `*` READ.
    ///   READ on the group is what JoinGroup, SyncGroup, Heartbeat, LeaveGroup and OffsetCommit
    ///   check; it implies the DESCRIBE that OffsetFetch checks.
    ///   *Simplification*: managed services usually scope the group grant (to a group prefix or
    ///   to groups named in the console); the playground grants every group so a consumer can
    ///   pick any `group.id`.
    /// - **producer**: TOPIC `P` DESCRIBE + WRITE + CREATE; CLUSTER `kafka-cluster`
    ///   IDEMPOTENT_WRITE. CREATE lets the producer's first send auto-create the topic;
    ///   IDEMPOTENT_WRITE lets `enable.idempotence=true` (the default since Kafka 3.0) fetch a
    ///   producer id (`InitProducerId`). Since KIP-679, WRITE on any topic implies it anyway;
    ///   granting it keeps older brokers' behaviour visible.
    /// - **topic-admin**: TOPIC `P` READ, WRITE, CREATE, DELETE, DESCRIBE, ALTER; GROUP LITERAL
    ///   `*` READ + DESCRIBE. ALTER is what CreatePartitions checks.
    ///   *Simplification*: no DESCRIBE_CONFIGS/ALTER_CONFIGS, because topic configs are not
    ///   modelled.
    /// - **topic-consumer**, **topic-producer**: as consumer and producer (what they leave out
    ///   are schema-registry rights, which the playground does not model).
    /// - **admin** (only on `*`): ALL on TOPIC `*`, GROUP `*`, TRANSACTIONAL_ID `*` and CLUSTER
    ///   `kafka-cluster`. *Simplification*: a real service's admin is often a super user (in
    ///   `super.users`) or has management-plane rights outside Kafka; here it is plain ACLs, so a
    ///   DENY can still take rights away from an admin — exactly as Kafka would with these ACLs.
    pub fn acls(&self) -> Vec<AclBinding> {
        use Operation::*;
        let principal = self.user.principal();
        let (pattern_type, name) = self.pattern.to_kafka();
        let acl = |op: Operation, rt: ResourceType, pt: PatternType, name: &str| {
            AclBinding::new(principal.clone(), op, rt, pt, name, Permission::Allow)
        };
        let topic = |op| acl(op, ResourceType::Topic, pattern_type, name);
        let any = |op, rt| acl(op, rt, PatternType::Literal, WILDCARD);
        match self.role {
            Role::Consumer | Role::TopicConsumer => {
                vec![topic(Describe), topic(Read), any(Read, ResourceType::Group)]
            }
            Role::Producer | Role::TopicProducer => vec![
                topic(Describe),
                topic(Write),
                topic(Create),
                acl(IdempotentWrite, ResourceType::Cluster, PatternType::Literal, CLUSTER_NAME),
            ],
            Role::TopicAdmin => vec![
                topic(Read),
                topic(Write),
                topic(Create),
                topic(Delete),
                topic(Describe),
                topic(Alter),
                any(Read, ResourceType::Group),
                any(Describe, ResourceType::Group),
            ],
            Role::Admin => vec![
                any(All, ResourceType::Topic),
                any(All, ResourceType::Group),
                any(All, ResourceType::TransactionalId),
                acl(All, ResourceType::Cluster, PatternType::Literal, CLUSTER_NAME),
            ],
        }
    }
}

impl fmt::Display for RoleBinding {
    /// `alice: consumer on orders*`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} on {}", self.user, self.role, self.pattern)
    }
}
