//! The share-group admin requests a broker answers (KIP-932, `KafkaApis`
//! `handleAlterShareGroupOffsetsRequest`, `handleDeleteShareGroupOffsetsRequest`, and
//! DeleteGroups for a share group): authorized first, as `KafkaApis` does, then answered by
//! the group coordinator (`GroupMetadataManager`) with Kafka's error codes.

use super::Broker;
use crate::core::acl::{Operation, ResourceType};
use crate::core::error::ErrorCode;
use crate::core::ids::TopicPartition;
use crate::core::protocol::alter_share_group_offsets::{
    AlterShareGroupOffsetsRequest, AlterShareGroupOffsetsResponse,
};
use crate::core::protocol::delete_share_group_offsets::{
    DeleteShareGroupOffsetsRequest, DeleteShareGroupOffsetsResponse,
};

/// `UNKNOWN_TOPIC_OR_PARTITION`'s default message (`Errors.java`).
const UNKNOWN_TOPIC: &str = "This server does not host this topic-partition.";
/// `TOPIC_AUTHORIZATION_FAILED`'s default message.
const TOPIC_DENIED: &str = "Topic authorization failed.";

impl Broker {
    /// The group-level refusal of a share-group admin request, after the group's ACL:
    /// GROUP_ID_NOT_FOUND for a group of another type (`GroupMetadataManager.shareGroup`).
    fn share_group_kind_error(&self, group: &str) -> Option<(ErrorCode, String)> {
        (self.groups.contains_key(group))
            .then(|| (ErrorCode::GroupIdNotFound, format!("Group {group} is not a share group.")))
    }

    /// An existing share group, or GROUP_ID_NOT_FOUND as `GroupMetadataManager.shareGroup`
    /// says it: "is not a share group" for a group of another type, else "not found".
    pub(super) fn existing_share_group(
        &self,
        group: &str,
    ) -> Result<&crate::core::share_group::ShareGroup, (ErrorCode, String)> {
        if let Some(refusal) = self.share_group_kind_error(group) {
            return Err(refusal);
        }
        self.share
            .groups
            .get(group)
            .ok_or_else(|| (ErrorCode::GroupIdNotFound, format!("Group {group} not found.")))
    }

    /// AlterShareGroupOffsets: READ on the group (else GROUP_AUTHORIZATION_FAILED), READ on each
    /// topic (TOPIC_AUTHORIZATION_FAILED), each partition known (UNKNOWN_TOPIC_OR_PARTITION),
    /// the group empty (NON_EMPTY_GROUP). A new group id makes an empty share group, as Kafka's
    /// coordinator does. What is simplified: a request with any refused partition changes
    /// nothing (Kafka moves the others).
    pub fn alter_share_group_offsets(
        &mut self,
        user: Option<&str>,
        r: &AlterShareGroupOffsetsRequest,
    ) -> AlterShareGroupOffsetsResponse {
        let group = r.group_id.as_str();
        let refuse = |code: ErrorCode, message: Option<String>| AlterShareGroupOffsetsResponse {
            error_code: Some(code),
            error_message: message,
            partitions: Vec::new(),
        };
        if !self.admin_allowed(user, Operation::Read, ResourceType::Group, group) {
            return refuse(ErrorCode::GroupAuthorizationFailed, None);
        }
        if let Some((code, message)) = self.share_group_kind_error(group) {
            return refuse(code, Some(message));
        }
        if self.share.groups.get(group).is_some_and(|g| !g.members.is_empty()) {
            return refuse(ErrorCode::NonEmptyGroup, Some(format!("Share group '{group}' is not empty.")));
        }
        let refusals: Vec<Option<(ErrorCode, String)>> = r
            .partitions
            .iter()
            .map(|(tp, _)| {
                if !self.admin_allowed(user, Operation::Read, ResourceType::Topic, &tp.topic) {
                    Some((ErrorCode::TopicAuthorizationFailed, TOPIC_DENIED.to_string()))
                } else if self.topics.get(&*tp.topic).and_then(|t| t.partition(tp.partition)).is_none() {
                    Some((ErrorCode::UnknownTopicOrPartition, UNKNOWN_TOPIC.to_string()))
                } else {
                    None
                }
            })
            .collect();
        if refusals.iter().any(Option::is_some) {
            let partitions = r
                .partitions
                .iter()
                .zip(refusals)
                .map(|((tp, _), e)| (tp.clone(), e.map_or(Ok(0), Err)))
                .collect();
            return AlterShareGroupOffsetsResponse { error_code: None, error_message: None, partitions };
        }
        let mut partitions = Vec::with_capacity(r.partitions.len());
        for (tp, to) in &r.partitions {
            match self.reset_share_group_offsets(group, std::slice::from_ref(tp), *to) {
                Ok(moved) => partitions.extend(moved.into_iter().map(|(tp, o)| (tp, Ok(o)))),
                Err(e) => partitions.push((tp.clone(), Err(e))),
            }
        }
        AlterShareGroupOffsetsResponse { error_code: None, error_message: None, partitions }
    }

    /// DeleteShareGroupOffsets: DELETE on the group (else GROUP_AUTHORIZATION_FAILED), the group
    /// a share group (GROUP_ID_NOT_FOUND) without members (NON_EMPTY_GROUP); then per topic READ
    /// (TOPIC_AUTHORIZATION_FAILED) and a topic that exists (UNKNOWN_TOPIC_OR_PARTITION). The
    /// group's share-partitions of each accepted topic go.
    pub fn delete_share_group_offsets(
        &mut self,
        user: Option<&str>,
        r: &DeleteShareGroupOffsetsRequest,
    ) -> DeleteShareGroupOffsetsResponse {
        let group = r.group_id.as_str();
        let refuse = |code: ErrorCode, message: Option<String>| DeleteShareGroupOffsetsResponse {
            error_code: Some(code),
            error_message: message,
            responses: Vec::new(),
        };
        if !self.admin_allowed(user, Operation::Delete, ResourceType::Group, group) {
            return refuse(ErrorCode::GroupAuthorizationFailed, None);
        }
        match self.existing_share_group(group) {
            Err((code, message)) => return refuse(code, Some(message)),
            Ok(g) if !g.members.is_empty() => return refuse(ErrorCode::NonEmptyGroup, None),
            Ok(_) => {}
        }
        let mut responses = Vec::with_capacity(r.topics.len());
        for topic in &r.topics {
            if !self.admin_allowed(user, Operation::Read, ResourceType::Topic, topic) {
                let e = ErrorCode::TopicAuthorizationFailed;
                responses.push((topic.clone(), Some(e), Some(TOPIC_DENIED.to_string())));
            } else if !self.topics.contains_key(topic.as_str()) {
                let e = ErrorCode::UnknownTopicOrPartition;
                responses.push((topic.clone(), Some(e), Some(UNKNOWN_TOPIC.to_string())));
            } else {
                let of_topic = |(g, tp): &(String, TopicPartition)| g == group && &*tp.topic == topic;
                self.share.partitions.retain(|k, _| !of_topic(k));
                self.share.hosts.retain(|k, _| !of_topic(k));
                responses.push((topic.clone(), None, None));
            }
        }
        DeleteShareGroupOffsetsResponse { error_code: None, error_message: None, responses }
    }

    /// DeleteGroups of a share group (after DELETE on the group was checked): only an empty one;
    /// its share-partitions go with it.
    pub(super) fn delete_share_group_answer(&mut self, group: &str) -> Option<ErrorCode> {
        self.delete_share_group(group).err().map(|(code, _)| code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::acl::{AclBinding, PatternType, Permission};
    use crate::core::ids::BrokerId;
    use crate::core::log::Retention;
    use crate::core::share_group::share_partition::ResetTarget;
    use crate::core::topic::Topic;

    /// `KafkaApis.handleDeleteShareGroupOffsetsRequest`: DELETE on the group for the request,
    /// READ on each topic for that topic; an unknown topic is UNKNOWN_TOPIC_OR_PARTITION.
    #[test]
    fn delete_share_group_offsets_authorizes_the_group_then_each_topic() {
        let mut b = Broker::new(BrokerId::FIRST);
        b.topics.insert("orders".into(), Topic::new("orders", 1, Retention::default()));
        let tp = TopicPartition::new("orders", 0);
        b.reset_share_group_offsets("s", std::slice::from_ref(&tp), ResetTarget::Earliest).unwrap();
        b.auth.set_enabled(true);
        b.auth.set_allow_everyone_if_no_acl_found(false);
        let r = DeleteShareGroupOffsetsRequest {
            group_id: "s".into(),
            topics: vec!["orders".into(), "nope".into()],
        };
        let answer = b.delete_share_group_offsets(Some("bob"), &r);
        assert_eq!(answer.error_code, Some(ErrorCode::GroupAuthorizationFailed));
        let acl = AclBinding::new(
            "User:bob",
            Operation::Delete,
            ResourceType::Group,
            PatternType::Literal,
            "s",
            Permission::Allow,
        );
        b.auth.add_acl(acl).unwrap();
        let answer = b.delete_share_group_offsets(Some("bob"), &r);
        assert_eq!(answer.error_code, None);
        let codes: Vec<_> = answer.responses.iter().map(|(_, c, _)| *c).collect();
        assert_eq!(
            codes,
            [Some(ErrorCode::TopicAuthorizationFailed), Some(ErrorCode::TopicAuthorizationFailed)]
        );
        assert!(b.share.partition("s", &tp).is_some(), "nothing deleted");
        let answer = b.delete_share_group_offsets(None, &r);
        let codes: Vec<_> = answer.responses.iter().map(|(_, c, _)| *c).collect();
        assert_eq!(codes, [None, Some(ErrorCode::UnknownTopicOrPartition)]);
        assert!(b.share.partition("s", &tp).is_none(), "the group's state of orders went");
        assert!(b.share.groups.contains_key("s"), "the group stays");
    }
}
