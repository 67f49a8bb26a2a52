//! The admin client: the node that changes the cluster's topics, configs, ACLs and groups, as
//! Kafka's `Admin` client does, by sending Kafka's requests over the network and reading the
//! answers (`KafkaAdminClient`: `createTopics`, `deleteTopics`, `createPartitions`,
//! `incrementalAlterConfigs`, `createAcls`, `deleteAcls`, `deleteConsumerGroups`,
//! `deleteConsumerGroupOffsets`, `alterConsumerGroupOffsets`).
//!
//! The page, scenario scripts and Kafka's tools (`tools/`) all change the cluster through it:
//! `Cluster::apply` hands an admin [`Command`] to it (its calls, as `impl Cluster`, are
//! `cluster/admin.rs`; this module is its state), the admin client sends the request as the
//! command's user (none: the operator, a super user), the broker authorizes and answers
//! (`broker/admin.rs`), and the one-line [`CoreError`] a person reads is made from the answer's
//! error code and message. A refused request changed nothing on the broker, so the command
//! leaves the state intact.
//!
//! Where it takes more than one request, it does what Kafka's tools do: `kafka-topics --alter`
//! describes the topic (Metadata) before CreatePartitions; `--reset-offsets` lists the offsets
//! (ListOffsets) before committing them; the playground's work budget (a limit of the tab, not
//! of Kafka) is checked between a `validate_only` request and the real one.
//!
//! Not sent as Kafka requests: user accounts, managed-service roles and switching the
//! authorizer. Those are a managed service's control plane (or the broker's static
//! configuration), not Kafka's protocol; `Cluster::apply_command` still applies them.

use super::command::Command;
use super::error::{CoreError, CoreResult, ErrorCode};
use super::ids::NodeId;
use super::protocol::delete_share_group_offsets::DeleteShareGroupOffsetsResponse;
use super::protocol::elect_leaders::ElectLeadersResponse;
use super::protocol::ApiKey;
use super::time::Millis;

/// The admin client's `request.timeout.ms` (Kafka's default), also the timeout its requests
/// carry to the broker.
pub(crate) const TIMEOUT_MS: u64 = 30_000;

/// The admin client's `default.api.timeout.ms` (Kafka's default): how long a call waits for a
/// node to send it to before it fails with a `TimeoutException`.
pub const DEFAULT_API_TIMEOUT_MS: u64 = 60_000;

/// The error a call fails with when no broker can be reached (`KafkaAdminClient`'s
/// `TimeoutProcessor`: "Timed out waiting for a node assignment. Call: " and the call's name,
/// e.g. `listTopics`, or `describeConsumerGroups(api=FIND_COORDINATOR)` for the calls its
/// `AdminApiDriver` runs).
pub fn node_assignment_timeout(call: &str) -> CoreError {
    CoreError::kafka(
        ErrorCode::RequestTimedOut,
        format!("Timed out waiting for a node assignment. Call: {call}"),
    )
}

/// The admin client node. It keeps no copy of the cluster: everything it knows of a topic or a
/// group it has just been told in an answer.
#[derive(Debug, Clone, Default)]
pub struct AdminClient {
    /// Requests sent so far.
    pub(crate) sent: u64,
    /// The answer to its last ElectLeaders request (what `Admin.electLeaders`' future holds
    /// for `kafka-leader-election` to print).
    pub(crate) last_election: Option<ElectLeadersResponse>,
    /// The answer to its last DeleteShareGroupOffsets request, if it succeeded as a whole
    /// (`kafka-share-groups --delete-offsets` prints each topic's result).
    pub(crate) last_share_offsets_deletion: Option<DeleteShareGroupOffsetsResponse>,
}

impl AdminClient {
    /// Its address on the network.
    pub const NODE: NodeId = NodeId::Admin;

    /// Requests sent so far.
    pub fn requests_sent(&self) -> u64 {
        self.sent
    }

    /// The answer to the last ElectLeaders request, if it succeeded as a whole.
    pub fn last_election(&self) -> Option<&ElectLeadersResponse> {
        self.last_election.as_ref()
    }

    /// The answer to the last DeleteShareGroupOffsets request, if it succeeded as a whole.
    pub fn last_share_offsets_deletion(&self) -> Option<&DeleteShareGroupOffsetsResponse> {
        self.last_share_offsets_deletion.as_ref()
    }

    /// It has no timers: it acts only when a person (or a script) asks.
    pub fn poll_timeout(&self) -> Option<Millis> {
        None
    }
}

/// Is this command one the admin client sends (rather than a producer's, a consumer's, or the
/// control plane's)?
pub fn is_admin(cmd: &Command) -> bool {
    call_name(cmd).is_some()
}

/// The `Admin` call an admin command is (its first request's, for the calls Kafka's
/// `AdminApiDriver` runs), as a `TimeoutException` names it; `None` for a command the admin
/// client does not send.
pub fn call_name(cmd: &Command) -> Option<&'static str> {
    Some(match cmd {
        Command::CreateTopic { .. } => "createTopics",
        Command::DeleteTopic { .. } => "deleteTopics",
        Command::CreatePartitions { .. } => "createPartitions",
        Command::SetRetention { .. } => "incrementalAlterConfigs",
        Command::AddAcl { .. } => "createAcls",
        Command::RemoveAcl { .. } => "deleteAcls",
        Command::AlterGroupOffsets { .. } => "listOffsets(api=METADATA)",
        Command::DeleteGroup { .. } => "deleteConsumerGroups(api=FIND_COORDINATOR)",
        Command::DeleteGroupOffsets { .. } => "offsetDelete(api=FIND_COORDINATOR)",
        Command::ElectLeaders { .. } => "electLeaders",
        Command::ResetShareGroupOffsets { .. } => "alterShareGroupOffsets(api=FIND_COORDINATOR)",
        Command::DeleteShareGroup { .. } => "deleteShareGroups(api=FIND_COORDINATOR)",
        Command::DeleteShareGroupOffsets { .. } => "deleteShareGroupOffsets(api=FIND_COORDINATOR)",
        _ => return None,
    })
}

/// The message of an answer that carries only a code: Kafka's default (`Errors.java`), as
/// `Errors.exception()` builds the client's exception.
pub fn default_message(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::GroupIdNotFound => "The group id does not exist.",
        ErrorCode::NonEmptyGroup => "The group is not empty.",
        ErrorCode::GroupSubscribedToTopic => "The consumer group is actively subscribed to the topic",
        ErrorCode::UnknownMemberId => "The coordinator is not aware of this member.",
        ErrorCode::GroupAuthorizationFailed => "Group authorization failed.",
        ErrorCode::TopicAuthorizationFailed => "Topic authorization failed.",
        ErrorCode::ClusterAuthorizationFailed => "Cluster authorization failed.",
        ErrorCode::UnknownTopicOrPartition => "This server does not host this topic-partition.",
        other => other.name(),
    }
}

/// The error a person reads for an answer's `(error_code, error_message)`.
pub(crate) fn refused(code: Option<ErrorCode>, message: Option<String>) -> CoreResult<()> {
    match code {
        None => Ok(()),
        Some(code) => Err(CoreError::kafka(code, message.unwrap_or_else(|| default_message(code).into()))),
    }
}

pub(crate) fn unexpected(api: ApiKey) -> CoreError {
    CoreError::invalid(format!("the broker answered {} with something else", api.name()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::acl::{AclBinding, Operation, PatternType, Permission, ResourceType};
    use crate::core::cluster::Cluster;
    use crate::core::config::ClusterConfig;
    use crate::core::ids::BrokerId;
    use crate::core::protocol::delete_topics::DeleteTopicsRequest;
    use crate::core::protocol::metadata::MetadataRequest;
    use crate::core::protocol::Response;

    fn with_topic() -> Cluster {
        let mut c = Cluster::new(ClusterConfig::default(), 1);
        c.apply(0, Command::create_topic("orders", 3)).unwrap();
        c
    }

    fn shown(r: CoreResult<Vec<crate::core::event::Event>>) -> String {
        r.map(|_| String::new()).unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn an_admin_command_is_requests_over_the_network() {
        let c = with_topic();
        // CreateTopics with validate_only, then for real: two requests, two answers.
        assert_eq!(c.admin.requests_sent(), 2);
        assert_eq!(c.network().delivered(), 4);
        assert_eq!(c.network().outstanding(), 0);
        assert_eq!(c.topics()["orders"].partition_count(), 3);
    }

    #[test]
    fn with_no_broker_reachable_a_call_times_out_waiting_for_a_node_and_changes_nothing() {
        use crate::core::config::BrokerSpec;
        let config = ClusterConfig {
            brokers: (1..=2).map(|id| BrokerSpec { id: BrokerId(id), rack: None }).collect(),
            ..ClusterConfig::default()
        };
        let mut c = Cluster::new(config, 1);
        c.apply(0, Command::create_topic("orders", 1)).unwrap();
        c.apply(0, Command::StopBroker { broker: BrokerId(1) }).unwrap();
        // Broker 2 answers.
        let sent = c.admin.requests_sent();
        c.apply(0, Command::create_topic("audit", 1)).unwrap();
        assert!(c.admin.requests_sent() > sent);
        c.apply(0, Command::StopBroker { broker: BrokerId(2) }).unwrap();
        let sent = c.admin.requests_sent();
        let e = c.apply(0, Command::DeleteTopic { name: "orders".into() }).unwrap_err();
        assert_eq!(
            e.to_string(),
            "REQUEST_TIMED_OUT: Timed out waiting for a node assignment. Call: deleteTopics"
        );
        let metadata = MetadataRequest { topics: None, allow_auto_topic_creation: false };
        let e = c.admin_read(None, "listTopics", metadata.into()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "REQUEST_TIMED_OUT: Timed out waiting for a node assignment. Call: listTopics"
        );
        assert_eq!(c.admin.requests_sent(), sent, "nothing was sent");
        assert!(c.topics().contains_key("orders"));
        // A read is only a read.
        let delete = DeleteTopicsRequest { topic_names: vec!["orders".into()], timeout_ms: 1 };
        assert!(c.admin_read(None, "deleteTopics", delete.into()).is_err());
    }

    #[test]
    fn with_broker_1_stopped_crashed_or_isolated_the_admin_client_uses_broker_2() {
        use crate::core::config::BrokerSpec;
        let gone = [
            Command::StopBroker { broker: BrokerId(1) },
            Command::CrashBroker { broker: BrokerId(1) },
            Command::IsolateBroker { broker: BrokerId(1) },
        ];
        for how in gone {
            let config = ClusterConfig {
                brokers: (1..=3).map(|id| BrokerSpec { id: BrokerId(id), rack: None }).collect(),
                ..ClusterConfig::default()
            };
            let mut c = Cluster::new(config, 1);
            assert_eq!(c.admin_node(), Some(BrokerId(1)), "the first broker while it runs");
            c.apply(0, how.clone()).unwrap();
            assert_eq!(c.admin_node(), Some(BrokerId(2)), "after {how:?}");
            // And the calls go there and are answered.
            let sent = c.admin.requests_sent();
            c.apply(0, Command::create_topic("orders", 1)).unwrap();
            let metadata = MetadataRequest { topics: None, allow_auto_topic_creation: false };
            let Response::Metadata(m) = c.admin_read(None, "listTopics", metadata.into()).unwrap() else {
                panic!("a Metadata answer")
            };
            assert_eq!(m.topics.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["orders"]);
            assert_eq!(c.admin.requests_sent(), sent + 3, "after {how:?}");
        }
    }

    #[test]
    fn the_broker_authorizes_the_admin_clients_requests_as_its_user() {
        let mut c = with_topic();
        let lock = Command::SetAuthorization { enabled: true, allow_everyone_if_no_acl_found: Some(false) };
        c.apply(0, lock).unwrap();
        let delete = || Command::DeleteTopic { name: "orders".into() };
        let e = c.apply_as(0, Some("alice"), delete()).unwrap_err();
        assert_eq!(e.to_string(), "TOPIC_AUTHORIZATION_FAILED: Topic authorization failed.");
        assert!(c.topics().contains_key("orders"), "a refused request changes nothing");
        let acl = |op, rt, name: &str| {
            AclBinding::new("User:alice", op, rt, PatternType::Literal, name, Permission::Allow)
        };
        let e = c.apply_as(
            0,
            Some("alice"),
            Command::AddAcl { acl: acl(Operation::All, ResourceType::Topic, "*") },
        );
        assert_eq!(shown(e), "CLUSTER_AUTHORIZATION_FAILED: Cluster authorization failed.");
        // The operator (no user) is a super user; then alice may delete.
        c.apply(0, Command::AddAcl { acl: acl(Operation::Delete, ResourceType::Topic, "orders") }).unwrap();
        c.apply_as(0, Some("alice"), delete()).unwrap();
        assert!(c.topics().is_empty());
    }

    #[test]
    fn the_error_a_person_reads_comes_from_the_answer() {
        let mut c = with_topic();
        let mut run = |cmd| shown(c.apply(0, cmd));
        assert_eq!(
            run(Command::create_topic("orders", 1)),
            "TOPIC_ALREADY_EXISTS: Topic 'orders' already exists."
        );
        assert_eq!(
            run(Command::CreatePartitions { topic: "orders".into(), total: 2 }),
            "INVALID_PARTITIONS: The topic orders currently has 3 partition(s); 2 would not be an increase."
        );
        assert_eq!(
            run(Command::CreatePartitions { topic: "nope".into(), total: 2 }),
            "UNKNOWN_TOPIC_OR_PARTITION: This server does not host topic \"nope\"."
        );
        assert_eq!(
            run(Command::DeleteGroup { group: "g".into() }),
            "GROUP_ID_NOT_FOUND: The group id does not exist."
        );
        assert_eq!(
            run(Command::DeleteGroupOffsets {
                group: "g".into(),
                topic: "orders".into(),
                partitions: vec![0]
            }),
            "GROUP_ID_NOT_FOUND: The group id does not exist."
        );
        assert_eq!(
            run(Command::AlterGroupOffsets { group: "g".into(), offsets: vec![("orders".into(), 7, 0)] }),
            "UNKNOWN_TOPIC_OR_PARTITION: This server does not host this topic-partition."
        );
        assert_eq!(
            run(Command::AlterGroupOffsets { group: "g".into(), offsets: vec![("orders".into(), 0, 5)] }),
            "OFFSET_OUT_OF_RANGE: offset 5 of orders-0 is past the log end 0"
        );
        assert_eq!(
            run(Command::AlterGroupOffsets { group: "g".into(), offsets: vec![("orders".into(), 0, 0)] }),
            ""
        );
        assert_eq!(
            run(Command::DeleteGroupOffsets {
                group: "g".into(),
                topic: "orders".into(),
                partitions: vec![0]
            }),
            ""
        );
        assert_eq!(run(Command::DeleteGroup { group: "g".into() }), "");
        let acl = AclBinding::new(
            "User:bob",
            Operation::Read,
            ResourceType::Topic,
            PatternType::Literal,
            "orders",
            Permission::Allow,
        );
        assert_eq!(run(Command::RemoveAcl { acl }), "no such ACL");
    }
}
