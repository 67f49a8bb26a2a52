//! The tools do not decide who may change the cluster: they send the request as the terminal's
//! user and print the broker's refusal as Kafka's tool prints that error. And the console
//! producer creates a missing topic (with `auto.create.topics.enable`) as its user, which the
//! broker allows only with CREATE on the cluster or the topic.

use broker_playground::core::command::Command;
use broker_playground::core::scenario::{Run, Scenario};
use common::sh_as;
use expect_test::{expect, Expect};

mod common;

/// `orders` (3 partitions) and the inactive group `g1` with committed offsets; then the
/// authorizer is switched on with no ACLs at all.
fn locked(auto_create: bool) -> Run {
    let text = format!(
        r#"{{"version": 1, "id": "t", "seed": 7, "cluster": {{"auto.create.topics.enable": {auto_create}}}}}"#
    );
    let mut run = Run::new(Scenario::from_json(&text).unwrap()).unwrap();
    for line in [
        "kafka-topics.sh $BS --create --topic orders --partitions 3",
        "kafka-consumer-groups.sh $BS --reset-offsets --group g1 --topic orders --to-earliest --execute",
    ] {
        let out = sh_as(&mut run, line, "", None);
        assert!(out.ends_with("--- exit 0\n"), "{line}\n{out}");
    }
    let lock = Command::SetAuthorization { enabled: true, allow_everyone_if_no_acl_found: Some(false) };
    run.apply(run.now(), lock).unwrap();
    run
}

fn bob(run: &mut Run, line: &str) -> String {
    sh_as(run, line, "", Some("bob"))
}

/// The operator (a super user) grants an ACL.
fn grant(run: &mut Run, acl: &str) {
    let out = sh_as(run, &format!("kafka-acls.sh $BS --add --allow-principal User:bob {acl}"), "", None);
    assert!(out.ends_with("--- exit 0\n"), "{out}");
}

fn check(actual: String, expected: Expect) {
    expected.assert_eq(&actual);
}

#[test]
fn kafka_topics_prints_the_brokers_refusals() {
    let mut run = locked(false);
    check(
        bob(&mut run, "kafka-topics.sh $BS --create --topic payments --partitions 2"),
        expect![[r#"
            Error while executing topic command : Authorization failed.
            --- exit 1
        "#]],
    );
    // CreateTopics is authorized before the controller looks for the topic: an existing
    // topic gets the same refusal.
    check(
        bob(&mut run, "kafka-topics.sh $BS --create --topic orders --partitions 2"),
        expect![[r#"
            Error while executing topic command : Authorization failed.
            --- exit 1
        "#]],
    );
    // bob may see orders, not change it.
    grant(&mut run, "--operation Describe --topic orders");
    check(
        bob(&mut run, "kafka-topics.sh $BS --alter --topic orders --partitions 6"),
        expect![[r#"
            Error while executing topic command : Topic authorization failed.
            --- exit 1
        "#]],
    );
    // Authorization comes first, then the count: bob is refused even for a count that would
    // not be an increase.
    check(
        bob(&mut run, "kafka-topics.sh $BS --alter --topic orders --partitions 2"),
        expect![[r#"
            Error while executing topic command : Topic authorization failed.
            --- exit 1
        "#]],
    );
    check(
        bob(&mut run, "kafka-topics.sh $BS --delete --topic orders"),
        expect![[r#"
            Error while executing topic command : Topic authorization failed.
            --- exit 1
        "#]],
    );
    assert_eq!(run.cluster.topics()["orders"].partition_count(), 3, "nothing changed");
    // The operator gets the controller's words for a count that does not grow.
    check(
        sh_as(&mut run, "kafka-topics.sh $BS --alter --topic orders --partitions 2", "", None),
        expect![[r#"
            Error while executing topic command : The topic orders currently has 3 partition(s); 2 would not be an increase.
            --- exit 1
        "#]],
    );
    check(
        sh_as(&mut run, "kafka-topics.sh $BS --create --topic orders --if-not-exists", "", None),
        expect![[r#"
            --- exit 0
        "#]],
    );
}

#[test]
fn kafka_acls_prints_the_brokers_refusal() {
    let mut run = locked(false);
    check(
        bob(&mut run, "kafka-acls.sh $BS --add --allow-principal User:bob --operation Write --topic orders"),
        expect![[r#"
            Adding ACLs for resource `ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL)`: 
             	(principal=User:bob, host=*, operation=WRITE, permissionType=ALLOW) 

            Error while executing ACL command: org.apache.kafka.common.errors.ClusterAuthorizationException: Cluster authorization failed.
            --- exit 1
        "#]],
    );
    grant(&mut run, "--operation Read --topic orders");
    check(
        bob(
            &mut run,
            "kafka-acls.sh $BS --remove --force --allow-principal User:bob --operation Read --topic orders",
        ),
        expect![[r#"
            Error while executing ACL command: org.apache.kafka.common.errors.ClusterAuthorizationException: Cluster authorization failed.
            --- exit 1
        "#]],
    );
}

/// AclCommand sends its DeleteAcls filter even when no ACL matches it, so a user without ALTER
/// on the cluster is refused whether or not there was anything to remove.
#[test]
fn kafka_acls_remove_with_nothing_matching_is_still_refused() {
    let mut run = locked(false);
    check(
        bob(
            &mut run,
            "kafka-acls.sh $BS --remove --force --allow-principal User:bob --operation Write --topic orders",
        ),
        expect![[r#"
            Error while executing ACL command: org.apache.kafka.common.errors.ClusterAuthorizationException: Cluster authorization failed.
            --- exit 1
        "#]],
    );
    check(
        bob(&mut run, "kafka-acls.sh $BS --remove --force --topic nothing-here"),
        expect![[r#"
        Error while executing ACL command: org.apache.kafka.common.errors.ClusterAuthorizationException: Cluster authorization failed.
        --- exit 1
    "#]],
    );
    let before = run.cluster.admin().requests_sent();
    // The operator may: nothing matched, nothing is said, and the request was sent.
    check(
        sh_as(&mut run, "kafka-acls.sh $BS --remove --force --topic nothing-here", "", None),
        expect![[r#"
            --- exit 0
        "#]],
    );
    assert_eq!(run.cluster.admin().requests_sent(), before + 1, "one DeleteAcls went");
}

#[test]
fn kafka_consumer_groups_prints_the_brokers_refusals() {
    let mut run = locked(false);
    // bob may describe g1 and orders (so the tool can read the offsets) but not commit.
    grant(&mut run, "--operation Describe --group g1");
    grant(&mut run, "--operation Describe --topic orders");
    check(
        bob(
            &mut run,
            "kafka-consumer-groups.sh $BS --reset-offsets --group g1 --topic orders --to-latest --execute",
        ),
        expect![[r#"

            Error: Executing consumer group command failed due to org.apache.kafka.common.errors.GroupAuthorizationException: Group authorization failed.
            --- exit 1
        "#]],
    );
    // A dry run sends nothing: it only shows the plan.
    let dry = bob(
        &mut run,
        "kafka-consumer-groups.sh $BS --reset-offsets --group g1 --topic orders --to-latest --dry-run",
    );
    assert!(dry.contains("NEW-OFFSET") && dry.ends_with("--- exit 0\n"), "{dry}");
    check(
        bob(&mut run, "kafka-consumer-groups.sh $BS --delete-offsets --group g1 --topic orders"),
        expect![[r#"

            Error: Access to 'g1' is not authorized.

            TOPIC                          PARTITION       STATUS         
            orders                         0               Error: :org.apache.kafka.common.errors.GroupAuthorizationException: Group authorization failed.
            orders                         1               Error: :org.apache.kafka.common.errors.GroupAuthorizationException: Group authorization failed.
            orders                         2               Error: :org.apache.kafka.common.errors.GroupAuthorizationException: Group authorization failed.
            --- exit 1
        "#]],
    );
    check(
        bob(&mut run, "kafka-consumer-groups.sh $BS --delete --group g1"),
        expect![[r#"

            Error: Deletion of some consumer groups failed:
            * Group 'g1' could not be deleted due to: java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.GroupAuthorizationException: Not authorized to access group: g1
            --- exit 1
        "#]],
    );
}

#[test]
fn kafka_configs_and_leader_election_print_the_brokers_refusals() {
    let mut run = locked(false);
    grant(&mut run, "--operation Describe --topic orders");
    check(
        bob(&mut run, "kafka-configs.sh $BS --alter --topic orders --add-config retention.ms=60000"),
        expect![[r#"
            --- stderr
            Error while executing config command with args '--bootstrap-server localhost:9092 --alter --topic orders --add-config retention.ms=60000'
            java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.TopicAuthorizationException: Not authorized to access topics: [orders]
            --- exit 1
        "#]],
    );
    check(
        bob(&mut run, "kafka-leader-election.sh $BS --election-type preferred --all-topic-partitions"),
        expect![[r#"
            Not authorized to perform leader election
            --- stderr
            Not authorized to perform leader election
            org.apache.kafka.server.common.AdminCommandFailedException: Not authorized to perform leader election
            --- exit 1
        "#]],
    );
}

#[test]
fn the_console_producer_creates_a_missing_topic_as_its_user() {
    // auto.create.topics.enable off (the playground's default): Kafka's warning, then the
    // send times out waiting for metadata.
    let mut run = locked(false);
    grant(&mut run, "--operation Describe --operation Write --topic payments");
    check(
        sh_as(&mut run, "kafka-console-producer.sh $BS --topic payments", "a\n", Some("bob")),
        expect![[r#"
            --- stderr
            [console-producer] WARN Error while fetching metadata with correlation id 1 : {payments=UNKNOWN_TOPIC_OR_PARTITION}
            ERROR Error when sending message to topic payments with key: null, value: 0 bytes with error: (org.apache.kafka.clients.producer.internals.ErrorLoggingCallback)
            org.apache.kafka.common.errors.TimeoutException: Topic payments not present in metadata after 60000 ms.
            --- exit 1
        "#]],
    );
    // On: bob may write to payments but not create it, so the broker does not.
    let mut run = locked(true);
    grant(&mut run, "--operation Describe --operation Write --topic payments");
    check(
        sh_as(&mut run, "kafka-console-producer.sh $BS --topic payments", "a\n", Some("bob")),
        expect![[r#"
            --- stderr
            [console-producer] WARN Error while fetching metadata with correlation id 1 : {payments=TOPIC_AUTHORIZATION_FAILED}
            ERROR Error when sending message to topic payments with key: null, value: 0 bytes with error: (org.apache.kafka.clients.producer.internals.ErrorLoggingCallback)
            org.apache.kafka.common.errors.TopicAuthorizationException: Not authorized to access topics: [payments]
            --- exit 1
        "#]],
    );
    assert!(!run.cluster.topics().contains_key("payments"));
    // With CREATE on the topic the broker creates it, and the line is written.
    grant(&mut run, "--operation Create --topic payments");
    check(
        sh_as(&mut run, "kafka-console-producer.sh $BS --topic payments", "a\n", Some("bob")),
        expect![[r#"
            --- exit 0
        "#]],
    );
    let t = &run.cluster.topics()["payments"];
    assert_eq!((t.partition_count(), t.partition(0).unwrap().log_end()), (1, 1));
}

/// Lists and describes are the broker's answers as the user: Metadata and ListGroups leave out
/// what it may not DESCRIBE, DescribeAcls needs DESCRIBE on the cluster, DescribeConfigs
/// DESCRIBE_CONFIGS on the topic. The tools print what came back.
#[test]
fn lists_are_what_the_broker_answers_the_user() {
    let mut run = locked(false);
    check(
        bob(&mut run, "kafka-topics.sh $BS --list"),
        expect![[r#"

        --- exit 0
    "#]],
    );
    check(
        bob(&mut run, "kafka-topics.sh $BS --describe --topic orders"),
        expect![[r#"
        Error while executing topic command : Topic 'Optional[orders]' does not exist as expected
        --- exit 1
    "#]],
    );
    check(
        bob(&mut run, "kafka-consumer-groups.sh $BS --list"),
        expect![[r#"
        --- exit 0
    "#]],
    );
    check(
        bob(&mut run, "kafka-consumer-groups.sh $BS --describe --group g1"),
        expect![[r#"

        Error: Executing consumer group command failed due to org.apache.kafka.common.errors.GroupAuthorizationException: Not authorized to access group: g1
        --- exit 1
    "#]],
    );
    check(
        bob(&mut run, "kafka-acls.sh $BS --list"),
        expect![[r#"
        Error while executing ACL command: org.apache.kafka.common.errors.ClusterAuthorizationException: Cluster authorization failed.
        --- exit 1
    "#]],
    );
    check(
        bob(&mut run, "kafka-get-offsets.sh $BS --topic orders"),
        expect![[r#"
        --- stderr
        Error occurred: Could not match any topic-partitions with the specified filters
        --- exit 1
    "#]],
    );
    let configs = "kafka-configs.sh $BS --describe --entity-type topics --entity-name orders";
    check(
        bob(&mut run, configs),
        expect![[r#"
            --- stderr
            Error while executing config command with args '--bootstrap-server localhost:9092 --describe --entity-type topics --entity-name orders'
            java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.TopicAuthorizationException: Not authorized to access topics: [orders]
            --- exit 1
        "#]],
    );
    grant(&mut run, "--operation Describe --topic orders");
    check(
        bob(&mut run, "kafka-get-offsets.sh $BS --topic orders"),
        expect![[r#"
        orders:0:0
        orders:1:0
        orders:2:0
        --- exit 0
    "#]],
    );
    // DescribeConfigs needs DESCRIBE_CONFIGS (DESCRIBE does not imply it).
    check(
        bob(&mut run, configs),
        expect![[r#"
            --- stderr
            Error while executing config command with args '--bootstrap-server localhost:9092 --describe --entity-type topics --entity-name orders'
            java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.TopicAuthorizationException: Not authorized to access topics: [orders]
            --- exit 1
        "#]],
    );
    grant(&mut run, "--operation DescribeConfigs --topic orders");
    check(
        bob(&mut run, configs),
        expect![[r#"
        Dynamic configs for topic orders are:
        --- exit 0
    "#]],
    );
    grant(&mut run, "--operation Describe --group g1");
    grant(&mut run, "--operation Describe --cluster");
    check(
        bob(&mut run, "kafka-topics.sh $BS --list"),
        expect![[r#"
        orders
        --- exit 0
    "#]],
    );
    check(
        bob(&mut run, "kafka-consumer-groups.sh $BS --list"),
        expect![[r#"
        g1
        --- exit 0
    "#]],
    );
    check(
        bob(&mut run, "kafka-consumer-groups.sh $BS --describe --group g1 --state"),
        expect![[r#"

        GROUP                     COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE           #MEMBERS
        g1                        localhost:9092  (1)                            Empty           0
        --- stderr

        Consumer group 'g1' has no active members.
        --- exit 0
    "#]],
    );
    check(
        bob(&mut run, "kafka-acls.sh $BS --list --topic orders"),
        expect![[r#"
            Current ACLs for resource `ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL)`: 
             	(principal=User:bob, host=*, operation=DESCRIBE, permissionType=ALLOW)
            	(principal=User:bob, host=*, operation=DESCRIBE_CONFIGS, permissionType=ALLOW) 

            --- exit 0
        "#]],
    );
}

/// `--reset-offsets --topic` learns the topic's partitions from `describeTopics` as the user:
/// a topic the broker does not describe to them fails the command, even a dry run.
#[test]
fn reset_offsets_describes_its_topics_as_the_user() {
    let mut run = locked(false);
    grant(&mut run, "--operation Describe --group g1");
    let line =
        "kafka-consumer-groups.sh $BS --reset-offsets --group g1 --topic orders --to-earliest --dry-run";
    check(
        bob(&mut run, line),
        expect![[r#"

        Error: Executing consumer group command failed due to org.apache.kafka.common.errors.TopicAuthorizationException: Topic authorization failed.
        --- exit 1
    "#]],
    );
    grant(&mut run, "--operation Describe --topic orders");
    let out = bob(&mut run, line);
    assert!(out.contains("NEW-OFFSET") && out.ends_with("--- exit 0\n"), "{out}");
}
