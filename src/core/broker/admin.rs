//! The admin requests a broker answers (Kafka: `ControllerApis` / `KafkaApis` and the group
//! coordinator): CreateTopics, DeleteTopics, CreatePartitions, AlterConfigs, CreateAcls,
//! DeleteAcls, DeleteGroups and OffsetDelete. Each is authorized first, as `KafkaApis` does
//! (`authHelper.authorize` / `filterByAuthorized`), then validated in Kafka's order, and answered
//! per topic, binding or group with Kafka's error codes; a refused item changes nothing.
//!
//! The admin client ([`crate::core::admin`]) sends them. A client without a user is the
//! playground's operator, a super user (`super.users`): the page and scenario scripts act as
//! the cluster's owner. A user (the terminal's "Run as") is checked against the ACLs.

use super::Broker;
use crate::core::acl::{Operation, ResourceType, CLUSTER_NAME};
use crate::core::error::{CoreError, CoreResult, ErrorCode};
use crate::core::log::Retention;
use crate::core::protocol::alter_configs::{AlterConfigsRequest, AlterConfigsResponse};
use crate::core::protocol::create_acls::{CreateAclsRequest, CreateAclsResponse};
use crate::core::protocol::create_partitions::{
    CreatePartitionsRequest, CreatePartitionsResponse, CreatePartitionsTopicResult,
};
use crate::core::protocol::create_topics::{CreatableTopicResult, CreateTopicsRequest, CreateTopicsResponse};
use crate::core::protocol::delete_acls::{DeleteAclsRequest, DeleteAclsResponse};
use crate::core::protocol::delete_groups::{DeleteGroupsRequest, DeleteGroupsResponse};
use crate::core::protocol::delete_topics::{DeletableTopicResult, DeleteTopicsRequest, DeleteTopicsResponse};
use crate::core::protocol::offset_delete::{OffsetDeleteRequest, OffsetDeleteResponse};
use crate::core::topic::{check_collision, validate_partition_count, validate_topic_name, Topic};

/// `(error_code, error_message)` of a refused item, or `(None, None)`.
type Outcome = (Option<ErrorCode>, Option<String>);

fn outcome(r: CoreResult<()>) -> Outcome {
    match r {
        Ok(()) => (None, None),
        Err(CoreError::Kafka { code, message }) => (Some(code), Some(message)),
        // Only Kafka's checks run on the broker; a plain message would be a bug, said as Kafka would.
        Err(CoreError::Invalid { message }) => (Some(ErrorCode::InvalidRequest), Some(message)),
    }
}

/// `retention.ms` / `retention.bytes` must be positive or unset (Kafka: INVALID_CONFIG).
pub(crate) fn validate_retention(r: &Retention) -> CoreResult<()> {
    if r.ms == Some(0) || r.bytes == Some(0) {
        return Err(CoreError::kafka(
            ErrorCode::InvalidConfig,
            "retention.ms and retention.bytes must be positive (or null for no limit)",
        ));
    }
    Ok(())
}

/// UNKNOWN_TOPIC_OR_PARTITION for a topic this broker does not host.
pub(crate) fn unknown_topic(name: &str) -> CoreError {
    CoreError::kafka(ErrorCode::UnknownTopicOrPartition, format!("This server does not host topic {name:?}."))
}

impl Broker {
    /// May `user` do `op` on the resource? No user: the operator, a super user.
    pub(super) fn admin_allowed(
        &self,
        user: Option<&str>,
        op: Operation,
        rt: ResourceType,
        name: &str,
    ) -> bool {
        user.is_none_or(|u| self.auth.authorize(u, op, rt, name))
    }

    /// CreateTopics: CREATE on the cluster or on the topic (else TOPIC_AUTHORIZATION_FAILED,
    /// "Authorization failed." as `ControllerApis` words it), then the name, the partition
    /// count, TOPIC_ALREADY_EXISTS, the `.`/`_` collision and the configs. `validate_only`
    /// checks without creating; `replication_factor` (-1: `default.replication.factor`) against
    /// the registered brokers (INVALID_REPLICATION_FACTOR). The cluster places the replicas.
    pub fn create_topics(&mut self, user: Option<&str>, r: &CreateTopicsRequest) -> CreateTopicsResponse {
        let mut topics = Vec::with_capacity(r.topics.len());
        for t in &r.topics {
            let name = t.name.as_str();
            let checked = (|| {
                if !self.admin_allowed(user, Operation::Create, ResourceType::Cluster, CLUSTER_NAME)
                    && !self.admin_allowed(user, Operation::Create, ResourceType::Topic, name)
                {
                    return Err(CoreError::kafka(
                        ErrorCode::TopicAuthorizationFailed,
                        "Authorization failed.",
                    ));
                }
                validate_topic_name(name)?;
                let n = validate_partition_count(t.num_partitions)?;
                self.replicas.check_topic(Some(i64::from(t.replication_factor)), None)?;
                if self.topics.contains_key(name) {
                    return Err(CoreError::kafka(
                        ErrorCode::TopicAlreadyExists,
                        format!("Topic '{name}' already exists."),
                    ));
                }
                check_collision(name, self.topics.keys().map(String::as_str))?;
                if let Some(retention) = &t.retention {
                    validate_retention(retention)?;
                }
                Ok(n)
            })();
            let (error_code, error_message, num_partitions) = match checked {
                Ok(n) => {
                    if !r.validate_only {
                        let retention = t.retention.unwrap_or_default();
                        self.topics.insert(name.to_string(), Topic::new(name, n, retention));
                    }
                    (None, None, n)
                }
                Err(e) => {
                    let (code, message) = outcome(Err(e));
                    (code, message, 0)
                }
            };
            topics.push(CreatableTopicResult {
                name: name.to_string(),
                error_code,
                error_message,
                num_partitions,
            });
        }
        CreateTopicsResponse { topics }
    }

    /// DeleteTopics: DELETE on each topic, which must exist. A deleted topic's committed
    /// offsets go with it (Kafka's coordinator drops them too).
    pub fn delete_topics(&mut self, user: Option<&str>, r: &DeleteTopicsRequest) -> DeleteTopicsResponse {
        let mut responses = Vec::with_capacity(r.topic_names.len());
        for name in &r.topic_names {
            let (error_code, error_message) = outcome((|| {
                if !self.admin_allowed(user, Operation::Delete, ResourceType::Topic, name) {
                    return Err(CoreError::kafka(
                        ErrorCode::TopicAuthorizationFailed,
                        "Topic authorization failed.",
                    ));
                }
                if self.topics.remove(name.as_str()).is_none() {
                    return Err(unknown_topic(name));
                }
                for g in self.groups.values_mut() {
                    g.offsets.retain(|tp, _| &*tp.topic != name);
                }
                self.retention_pending.retain(|(t, _), _| **t != **name);
                Ok(())
            })());
            responses.push(DeletableTopicResult { name: name.clone(), error_code, error_message });
        }
        DeleteTopicsResponse { responses }
    }

    /// CreatePartitions: ALTER on the topic; the new total must be higher than today's
    /// (INVALID_PARTITIONS, in the controller's words otherwise).
    pub fn create_partitions(
        &mut self,
        user: Option<&str>,
        r: &CreatePartitionsRequest,
    ) -> CreatePartitionsResponse {
        let mut results = Vec::with_capacity(r.topics.len());
        for t in &r.topics {
            let (error_code, error_message) = outcome((|| {
                if !self.admin_allowed(user, Operation::Alter, ResourceType::Topic, &t.name) {
                    return Err(CoreError::kafka(
                        ErrorCode::TopicAuthorizationFailed,
                        "Topic authorization failed.",
                    ));
                }
                let Some(topic) = self.topics.get_mut(&t.name) else {
                    return Err(unknown_topic(&t.name));
                };
                let from = topic.partition_count();
                if t.count < i64::from(from) {
                    return Err(CoreError::kafka(
                        ErrorCode::InvalidPartitions,
                        format!(
                            "The topic {} currently has {from} partition(s); {} would not be an increase.",
                            t.name, t.count
                        ),
                    ));
                }
                if t.count == i64::from(from) {
                    return Err(CoreError::kafka(
                        ErrorCode::InvalidPartitions,
                        format!("Topic already has {from} partition(s)."),
                    ));
                }
                let to = validate_partition_count(t.count)?;
                if !r.validate_only {
                    topic.partitions.resize_with(to as usize, Default::default);
                }
                Ok(())
            })());
            results.push(CreatePartitionsTopicResult { name: t.name.clone(), error_code, error_message });
        }
        CreatePartitionsResponse { results }
    }

    /// AlterConfigs of a topic's retention: ALTER_CONFIGS on the topic (or the cluster), valid
    /// values (INVALID_CONFIG), a topic that exists.
    pub fn alter_configs(&mut self, user: Option<&str>, r: &AlterConfigsRequest) -> AlterConfigsResponse {
        let (error_code, error_message) = outcome((|| {
            if !self.admin_allowed(user, Operation::AlterConfigs, ResourceType::Topic, &r.topic)
                && !self.admin_allowed(user, Operation::AlterConfigs, ResourceType::Cluster, CLUSTER_NAME)
            {
                return Err(CoreError::kafka(
                    ErrorCode::TopicAuthorizationFailed,
                    format!("Not authorized to access topics: [{}]", r.topic),
                ));
            }
            validate_retention(&r.retention)?;
            let Some(t) = self.topics.get_mut(&r.topic) else {
                return Err(unknown_topic(&r.topic));
            };
            if !r.validate_only {
                t.retention = r.retention;
            }
            Ok(())
        })());
        AlterConfigsResponse { topic: r.topic.clone(), error_code, error_message }
    }

    /// CreateAcls: ALTER on the cluster (else CLUSTER_AUTHORIZATION_FAILED); each binding
    /// valid (INVALID_REQUEST). An ACL that is there already stays once.
    pub fn create_acls(&mut self, user: Option<&str>, r: &CreateAclsRequest) -> CreateAclsResponse {
        let allowed = self.admin_allowed(user, Operation::Alter, ResourceType::Cluster, CLUSTER_NAME);
        let results = r
            .creations
            .iter()
            .map(|acl| {
                if !allowed {
                    return (
                        Some(ErrorCode::ClusterAuthorizationFailed),
                        Some("Cluster authorization failed.".to_string()),
                    );
                }
                match self.auth.add_acl(acl.clone()) {
                    Ok(_) => (None, None),
                    Err(e) => (Some(ErrorCode::InvalidRequest), Some(e.to_string())),
                }
            })
            .collect();
        CreateAclsResponse { results }
    }

    /// DeleteAcls: ALTER on the cluster; each filter answers with the bindings it removed
    /// (none is not an error in Kafka).
    pub fn delete_acls(&mut self, user: Option<&str>, r: &DeleteAclsRequest) -> DeleteAclsResponse {
        let allowed = self.admin_allowed(user, Operation::Alter, ResourceType::Cluster, CLUSTER_NAME);
        let filter_results = r
            .filters
            .iter()
            .map(|acl| {
                if !allowed {
                    (Some(ErrorCode::ClusterAuthorizationFailed), Vec::new())
                } else if self.auth.remove_acl(acl) {
                    (None, vec![acl.clone()])
                } else {
                    (None, Vec::new())
                }
            })
            .collect();
        DeleteAclsResponse { filter_results }
    }

    /// DeleteGroups: DELETE on the group; it must exist and have no members. A share group
    /// goes the same way (`Admin.deleteShareGroups` sends DeleteGroups too).
    pub fn delete_groups(&mut self, user: Option<&str>, r: &DeleteGroupsRequest) -> DeleteGroupsResponse {
        let results = r
            .groups_names
            .iter()
            .map(|id| {
                let code = if !self.admin_allowed(user, Operation::Delete, ResourceType::Group, id) {
                    Some(ErrorCode::GroupAuthorizationFailed)
                } else {
                    match self.groups.get(id.as_str()) {
                        None if self.share.groups.contains_key(id.as_str()) => {
                            self.delete_share_group_answer(id)
                        }
                        None => Some(ErrorCode::GroupIdNotFound),
                        Some(g) if !g.members.is_empty() => Some(ErrorCode::NonEmptyGroup),
                        Some(_) => {
                            self.groups.remove(id.as_str());
                            None
                        }
                    }
                };
                (id.clone(), code)
            })
            .collect();
        DeleteGroupsResponse { results }
    }

    /// OffsetDelete (`KafkaApis.handleOffsetDeleteRequest`): DELETE on the group, then READ on
    /// the topic (else TOPIC_AUTHORIZATION_FAILED), then the partition must exist (else
    /// UNKNOWN_TOPIC_OR_PARTITION); the group must exist (else the whole request is refused);
    /// refused for a topic a member subscribes to (GROUP_SUBSCRIBED_TO_TOPIC). Partitions
    /// without an offset are fine.
    pub fn offset_delete(&mut self, user: Option<&str>, r: &OffsetDeleteRequest) -> OffsetDeleteResponse {
        let answer = |error_code| OffsetDeleteResponse { error_code, partitions: Vec::new() };
        if !self.admin_allowed(user, Operation::Delete, ResourceType::Group, &r.group_id) {
            return answer(Some(ErrorCode::GroupAuthorizationFailed));
        }
        let refused: Vec<Option<ErrorCode>> = r
            .partitions
            .iter()
            .map(|tp| {
                if !self.admin_allowed(user, Operation::Read, ResourceType::Topic, &tp.topic) {
                    Some(ErrorCode::TopicAuthorizationFailed)
                } else if self.topics.get(&*tp.topic).is_none_or(|t| tp.partition >= t.partition_count()) {
                    Some(ErrorCode::UnknownTopicOrPartition)
                } else {
                    None
                }
            })
            .collect();
        let Some(g) = self.groups.get_mut(r.group_id.as_str()) else {
            return answer(Some(ErrorCode::GroupIdNotFound));
        };
        let partitions = r
            .partitions
            .iter()
            .zip(refused)
            .map(|(tp, refused)| {
                let code = if refused.is_some() {
                    refused
                } else if g.members.values().any(|m| m.topics.iter().any(|t| *t == *tp.topic)) {
                    Some(ErrorCode::GroupSubscribedToTopic)
                } else {
                    g.offsets.remove(tp);
                    None
                };
                (tp.clone(), code)
            })
            .collect();
        OffsetDeleteResponse { error_code: None, partitions }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::acl::{AclBinding, PatternType, Permission};
    use crate::core::ids::BrokerId;
    use crate::core::protocol::create_topics::CreatableTopic;

    fn create(name: &str, n: i64) -> CreateTopicsRequest {
        CreateTopicsRequest {
            topics: vec![CreatableTopic {
                name: name.into(),
                num_partitions: n,
                replication_factor: -1,
                retention: Some(Retention::default()),
            }],
            timeout_ms: 30_000,
            validate_only: false,
        }
    }

    fn locked_broker() -> Broker {
        let mut b = Broker::new(BrokerId::FIRST);
        b.auth.set_enabled(true);
        b.auth.set_allow_everyone_if_no_acl_found(false);
        b
    }

    #[test]
    fn create_topics_is_authorized_before_anything_is_validated() {
        let mut b = locked_broker();
        let answer = b.create_topics(Some("alice"), &create("bad name!", 0));
        let t = &answer.topics[0];
        assert_eq!(t.error_code, Some(ErrorCode::TopicAuthorizationFailed));
        assert_eq!(t.error_message.as_deref(), Some("Authorization failed."));
        assert!(b.topics.is_empty());
        // The operator (no user) is a super user.
        assert_eq!(b.create_topics(None, &create("orders", 3)).topics[0].error_code, None);
        assert_eq!(b.topics["orders"].partition_count(), 3);
    }

    #[test]
    fn create_topics_answers_with_kafkas_codes_and_validate_only_creates_nothing() {
        let mut b = Broker::new(BrokerId::FIRST);
        let mut dry = create("orders", 3);
        dry.validate_only = true;
        assert_eq!(b.create_topics(None, &dry).topics[0].error_code, None);
        assert!(b.topics.is_empty(), "validate_only creates nothing");
        b.create_topics(None, &create("orders", 3));
        let code = |b: &mut Broker, r| b.create_topics(None, &r).topics[0].error_code;
        assert_eq!(code(&mut b, create("orders", 3)), Some(ErrorCode::TopicAlreadyExists));
        assert_eq!(code(&mut b, create("x", 0)), Some(ErrorCode::InvalidPartitions));
        assert_eq!(code(&mut b, create("a b", 1)), Some(ErrorCode::InvalidTopicException));
        let mut bad = create("z", 1);
        bad.topics[0].retention = Some(Retention { ms: Some(0), bytes: None });
        assert_eq!(code(&mut b, bad), Some(ErrorCode::InvalidConfig));
        assert_eq!(b.topics.len(), 1, "refused topics leave nothing behind");
    }

    #[test]
    fn partitions_can_only_grow_and_need_alter_on_the_topic() {
        let mut b = Broker::new(BrokerId::FIRST);
        b.create_topics(None, &create("orders", 3));
        let r = |count| CreatePartitionsRequest {
            topics: vec![crate::core::protocol::create_partitions::CreatePartitionsTopic {
                name: "orders".into(),
                count,
            }],
            timeout_ms: 30_000,
            validate_only: false,
        };
        assert_eq!(
            b.create_partitions(None, &r(2)).results[0].error_code,
            Some(ErrorCode::InvalidPartitions)
        );
        assert_eq!(
            b.create_partitions(None, &r(3)).results[0].error_code,
            Some(ErrorCode::InvalidPartitions)
        );
        b.auth.set_enabled(true);
        b.auth.set_allow_everyone_if_no_acl_found(false);
        assert_eq!(
            b.create_partitions(Some("alice"), &r(5)).results[0].error_code,
            Some(ErrorCode::TopicAuthorizationFailed)
        );
        assert_eq!(b.create_partitions(None, &r(5)).results[0].error_code, None);
        assert_eq!(b.topics["orders"].partition_count(), 5);
    }

    #[test]
    fn acls_need_alter_on_the_cluster() {
        let mut b = locked_broker();
        let acl = AclBinding::new(
            "User:bob",
            Operation::Read,
            ResourceType::Topic,
            PatternType::Literal,
            "orders",
            Permission::Allow,
        );
        let r = CreateAclsRequest { creations: vec![acl.clone()] };
        assert_eq!(
            b.create_acls(Some("alice"), &r).results[0].0,
            Some(ErrorCode::ClusterAuthorizationFailed)
        );
        assert!(b.auth.raw_acls().is_empty());
        assert_eq!(b.create_acls(None, &r).results[0].0, None);
        let d = DeleteAclsRequest { filters: vec![acl] };
        assert_eq!(
            b.delete_acls(Some("alice"), &d).filter_results[0].0,
            Some(ErrorCode::ClusterAuthorizationFailed)
        );
        assert_eq!(b.delete_acls(None, &d).filter_results[0].1.len(), 1);
        assert!(b.delete_acls(None, &d).filter_results[0].1.is_empty(), "nothing left to match");
    }

    #[test]
    fn delete_groups_answers_not_found_and_needs_delete_on_the_group() {
        let mut b = Broker::new(BrokerId::FIRST);
        b.groups.insert("g".into(), crate::core::group::Group::new("g"));
        let r = DeleteGroupsRequest { groups_names: vec!["nope".into(), "g".into()] };
        let answer = b.delete_groups(None, &r);
        assert_eq!(answer.results[0].1, Some(ErrorCode::GroupIdNotFound));
        assert_eq!(answer.results[1].1, None);
        assert!(b.groups.is_empty());
    }
}
