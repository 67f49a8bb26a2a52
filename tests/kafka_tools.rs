//! Kafka's own tools against the simulation: one test per tool and option, comparing the
//! output with Kafka 4's layout (headers, the column-width rule, `-` for empty cells, row
//! order) on a state whose right answer is known, and the messages of the common mistakes.
//! The expected texts are Kafka's formats filled with the playground's values; where they
//! differ from a real cluster (host `/127.0.0.1`, no topic ids) the tool module says why.

use broker_playground::core::command::Command;
use broker_playground::core::scenario::{built_in, Run, Scenario};
use broker_playground::core::tools::{self, Context};
use expect_test::{expect, Expect};

mod common;

const BS: &str = "--bootstrap-server localhost:9092";

/// An empty cluster at teaching pace, authorization off.
fn empty() -> Run {
    let s = Scenario::from_json(r#"{"version": 1, "id": "t", "seed": 7}"#).unwrap();
    Run::new(s).unwrap()
}

/// Runs one line; the text shows stdout, then stderr after `--- stderr`, then the status.
fn sh_in(run: &mut Run, line: &str, stdin: &str, user: Option<&str>) -> String {
    common::sh_as(run, line, stdin, user)
}

fn sh(run: &mut Run, line: &str) -> String {
    sh_in(run, line, "", None)
}

/// Only the first `n` lines (for outputs that end in the usage table).
fn head(s: &str, n: usize) -> String {
    s.lines().take(n).map(|l| format!("{l}\n")).collect()
}

fn check(actual: String, expected: Expect) {
    expected.assert_eq(&actual);
}

/// orders (3 partitions) with six keyed records, and the group `g1` that read four of them.
fn story() -> Run {
    let mut run = empty();
    assert!(sh(&mut run, "kafka-topics.sh $BS --create --topic orders --partitions 3").ends_with("exit 0\n"));
    let lines = "k1:a\nk2:b\nk3:c\nk1:d\nk2:e\nk3:f\n";
    let out = sh_in(
        &mut run,
        "kafka-console-producer.sh $BS --topic orders --property parse.key=true --property key.separator=:",
        lines,
        None,
    );
    assert_eq!(out, "--- exit 0\n");
    run.advance(run.now() + 1000);
    let out = sh(
        &mut run,
        "kafka-console-consumer.sh $BS --topic orders --group g1 --from-beginning --max-messages 4",
    );
    assert!(out.contains("Processed a total of 4 messages"), "{out}");
    run
}

// ---- kafka-topics ----

#[test]
fn topics_create_list_describe() {
    let mut run = empty();
    check(
        sh(&mut run, "kafka-topics.sh $BS --create --topic orders --partitions 3"),
        expect![[r#"
        Created topic orders.
        --- exit 0
    "#]],
    );
    check(
        sh(&mut run, "kafka-topics $BS --create --topic my.events --config retention.ms=60000"),
        expect![[r#"
        WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.
        Created topic my.events.
        --- exit 0
    "#]],
    );
    check(
        sh(&mut run, "kafka-topics $BS --list"),
        expect![[r#"
        my.events
        orders
        --- exit 0
    "#]],
    );
    check(
        sh(&mut run, "kafka-topics $BS --describe --topic orders"),
        expect![[r#"
        Topic: orders	PartitionCount: 3	ReplicationFactor: 1	Configs: retention.bytes=262144
        	Topic: orders	Partition: 0	Leader: 1	Replicas: 1	Isr: 1	Elr: 	LastKnownElr: 
        	Topic: orders	Partition: 1	Leader: 1	Replicas: 1	Isr: 1	Elr: 	LastKnownElr: 
        	Topic: orders	Partition: 2	Leader: 1	Replicas: 1	Isr: 1	Elr: 	LastKnownElr: 
        --- exit 0
    "#]],
    );
    check(
        sh(&mut run, "kafka-topics $BS --describe --topic 'my.*'"),
        expect![[r#"
        Topic: my.events	PartitionCount: 1	ReplicationFactor: 1	Configs: retention.bytes=262144,retention.ms=60000
        	Topic: my.events	Partition: 0	Leader: 1	Replicas: 1	Isr: 1	Elr: 	LastKnownElr: 
        --- exit 0
    "#]],
    );
    check(
        sh(&mut run, "kafka-topics $BS --describe --under-replicated-partitions"),
        expect![[r#"
        --- exit 0
    "#]],
    );
    check(
        sh(&mut run, "kafka-topics $BS --describe --unavailable-partitions"),
        expect![[r#"
        --- exit 0
    "#]],
    );
    // --list with nothing to list prints one empty line, as Java's println("") does.
    check(
        sh(&mut empty(), "kafka-topics $BS --list"),
        expect![[r#"

        --- exit 0
    "#]],
    );
}

#[test]
fn topics_alter_and_delete() {
    let mut run = empty();
    sh(&mut run, "kafka-topics $BS --create --topic orders --partitions 3");
    check(
        sh(&mut run, "kafka-topics.sh $BS --alter --topic orders --partitions 8"),
        expect![[r#"
        --- exit 0
    "#]],
    );
    check(
        sh(&mut run, "kafka-topics $BS --alter --topic orders --partitions 4"),
        expect![[r#"
            Error while executing topic command : The topic orders currently has 8 partition(s); 4 would not be an increase.
            --- exit 1
        "#]],
    );
    check(
        sh(&mut run, "kafka-topics $BS --alter --topic orders --partitions 8"),
        expect![[r#"
            Error while executing topic command : Topic already has 8 partition(s).
            --- exit 1
        "#]],
    );
    check(
        sh(&mut run, "kafka-topics $BS --delete --topic orders"),
        expect![[r#"
        --- exit 0
    "#]],
    );
    check(
        sh(&mut run, "kafka-topics $BS --delete --topic orders --if-exists"),
        expect![[r#"
        --- exit 0
    "#]],
    );
}

#[test]
fn topics_mistakes_as_kafka_prints_them() {
    let mut run = empty();
    sh(&mut run, "kafka-topics $BS --create --topic my.events");
    check(
        sh(&mut run, "kafka-topics $BS --describe --topic nope"),
        expect![[r#"
        Error while executing topic command : Topic 'Optional[nope]' does not exist as expected
        --- exit 1
    "#]],
    );
    check(
        sh(&mut run, "kafka-topics $BS --create --topic 'bad name'"),
        expect![[r#"
        Error while executing topic command : Topic name "bad name" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'
        --- exit 1
    "#]],
    );
    check(
        sh(&mut run, "kafka-topics $BS --create --topic my_events"),
        expect![[r#"
        WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.
        Error while executing topic command : Topic 'my_events' collides with existing topic: my.events
        --- exit 1
    "#]],
    );
    check(
        sh(&mut run, "kafka-topics $BS --create --topic my.events"),
        expect![[r#"
        WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.
        Error while executing topic command : Topic 'my.events' already exists.
        --- exit 1
    "#]],
    );
    check(
        sh(&mut run, "kafka-topics $BS --create --topic x --replication-factor 3"),
        expect![[r#"
        Error while executing topic command : Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because only 1 broker(s) are registered.
        --- exit 1
    "#]],
    );
    check(
        sh(&mut run, "kafka-topics $BS --create --topic x --partitions 0"),
        expect![[r#"
        Error while executing topic command : The partitions must be greater than 0
        --- exit 1
    "#]],
    );
    check(
        sh(&mut run, "kafka-topics $BS --create --topic x --config retention.ms"),
        expect![[r#"
        Error while executing topic command : requirement failed: Invalid topic config: all configs to be added must be in the format "key=val".
        --- exit 1
    "#]],
    );
    check(
        sh(&mut run, "kafka-topics --list"),
        expect![[r#"
        --- stderr
        --bootstrap-server must be specified
        --- exit 1
    "#]],
    );
    check(
        head(&sh(&mut run, "kafka-topics $BS --create"), 4),
        expect![[r#"
        --- stderr
        Missing required argument "[topic]"
        Option                                   Description
        ------                                   -----------
    "#]],
    );
    check(
        head(&sh(&mut run, "kafka-topics $BS --list --describe"), 2),
        expect![[r#"
        --- stderr
        Command must include exactly one action: --list, --describe, --create, --alter or --delete
    "#]],
    );
    check(
        head(&sh(&mut run, "kafka-topics $BS --list --partitions 3"), 2),
        expect![[r#"
        --- stderr
        Option "[partitions]" can't be used with option "[list]"
    "#]],
    );
    check(
        head(&sh(&mut run, "kafka-topics $BS --lsit"), 3),
        expect![[r#"
        --- stderr
        lsit is not a recognized option
        Option                                   Description
    "#]],
    );
    check(
        head(&sh(&mut run, "kafka-topics.sh --help"), 3),
        expect![[r#"
        --- stderr
        This tool helps to create, delete, describe, or change a topic.
        Option                                   Description
    "#]],
    );
    // Abbreviations, as jopt-simple allows them.
    check(
        sh(&mut run, "kafka-topics --bootstrap localhost:9092 --lis"),
        expect![[r#"
        my.events
        --- exit 0
    "#]],
    );
}

// ---- kafka-console-producer / kafka-get-offsets ----

#[test]
fn producer_keys_land_where_murmur2_says() {
    let mut run = story();
    // k1, k2, k3 over 3 partitions: toPositive(murmur2(key)) % 3 is 2, 0 and 1; two records each.
    check(
        sh(&mut run, "kafka-get-offsets.sh $BS --topic orders"),
        expect![[r#"
        orders:0:2
        orders:1:2
        orders:2:2
        --- exit 0
    "#]],
    );
    check(
        sh(&mut run, "kafka-get-offsets $BS --topic orders --partitions 0,2 --time -2"),
        expect![[r#"
        orders:0:0
        orders:2:0
        --- exit 0
    "#]],
    );
    check(
        sh(&mut run, "kafka-get-offsets $BS --topic-partitions orders:1 --time earliest"),
        expect![[r#"
        orders:1:0
        --- exit 0
    "#]],
    );
    check(
        sh(&mut run, "kafka-get-offsets $BS --topic orders --time 99999999"),
        expect![[r#"
        --- exit 0
    "#]],
    );
    check(
        sh(&mut run, "kafka-get-offsets $BS --topic orders --time soon"),
        expect![[r#"
        --- stderr
        Error occurred: Malformed time argument soon. Please use -1 or latest / -2 or earliest / -3 or max-timestamp / -4 or earliest-local / -5 or latest-tiered, or a specified long format timestamp
        --- exit 1
    "#]],
    );
    check(
        sh(&mut run, "kafka-get-offsets $BS --topic nope"),
        expect![[r#"
        --- stderr
        Error occurred: Could not match any topic-partitions with the specified filters
        --- exit 1
    "#]],
    );
    check(
        sh_in(
            &mut run,
            "kafka-console-producer $BS --topic orders --property parse.key=true",
            "no-tab-here\n",
            None,
        ),
        expect![[r#"
            --- stderr
            org.apache.kafka.common.KafkaException: No key separator found on line number 1: 'no-tab-here'
            --- exit 1
        "#]],
    );
    check(
        head(&sh(&mut run, "kafka-console-producer $BS"), 2),
        expect![[r#"
        --- stderr
        Missing required argument "[topic]"
    "#]],
    );
}

// ---- kafka-console-consumer ----

#[test]
fn console_consumer_formats_records() {
    let mut run = story();
    check(
        sh(&mut run, "kafka-console-consumer.sh $BS --topic orders --from-beginning --property print.key=true --property print.partition=true --property print.offset=true"),
        expect![[r#"
            Partition:0	Offset:0	k2	b
            Partition:0	Offset:1	k2	e
            Partition:1	Offset:0	k3	c
            Partition:1	Offset:1	k3	f
            Partition:2	Offset:0	k1	a
            Partition:2	Offset:1	k1	d
            --- stderr
            Processed a total of 6 messages
            --- exit 0
        "#]],
    );
    check(
        sh(&mut run, "kafka-console-consumer $BS --topic orders --partition 1 --offset 1"),
        expect![[r#"
        f
        --- stderr
        Processed a total of 1 messages
        --- exit 0
    "#]],
    );
    // Without --from-beginning a new consumer starts at the end: nothing to read now.
    check(
        sh(&mut run, "kafka-console-consumer $BS --topic orders"),
        expect![[r#"
        --- stderr
        Processed a total of 0 messages
        --- exit 0
    "#]],
    );
    // g1 committed where it stopped: it goes on from there.
    check(
        sh(&mut run, "kafka-console-consumer $BS --topic orders --group g1"),
        expect![[r#"
        a
        d
        --- stderr
        Processed a total of 2 messages
        --- exit 0
    "#]],
    );
    check(
        head(&sh(&mut run, "kafka-console-consumer $BS --topic orders --offset 3"), 2),
        expect![[r#"
        --- stderr
        The partition is required when offset is specified.
    "#]],
    );
    check(
        head(&sh(&mut run, "kafka-console-consumer $BS --topic orders --group g --partition 0"), 2),
        expect![[r#"
        --- stderr
        Options group and partition cannot be specified together.
    "#]],
    );
    check(
        head(&sh(&mut run, "kafka-console-consumer $BS --topic orders --partition 0 --offset -4"), 2),
        expect![[r#"
        --- stderr
        The provided offset value '-4' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.
    "#]],
    );
    check(
        head(&sh(&mut run, "kafka-console-consumer $BS"), 2),
        expect![[r#"
        --- stderr
        Exactly one of --include/--topic is required. 
    "#]],
    );
}

// ---- kafka-consumer-groups ----

#[test]
fn groups_describe_an_active_group() {
    let mut run = Run::new(built_in("rebalance-basics").unwrap()).unwrap();
    run.advance(30_000);
    check(
        sh(&mut run, "kafka-consumer-groups.sh $BS --describe --group group-1"),
        expect![[r#"

        GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID
        group-1         orders          0          0               0               0               c1-34337c51     /127.0.0.1      c1
        group-1         orders          1          30              30              0               c1-34337c51     /127.0.0.1      c1
        group-1         orders          2          61              61              0               c1-34337c51     /127.0.0.1      c1
        group-1         orders          3          0               0               0               c3-478c9ba8     /127.0.0.1      c3
        group-1         orders          4          31              31              0               c3-478c9ba8     /127.0.0.1      c3
        group-1         orders          5          58              58              0               c3-478c9ba8     /127.0.0.1      c3
        --- exit 0
    "#]],
    );
    check(
        sh(&mut run, "kafka-consumer-groups $BS --describe --group group-1 --members"),
        expect![[r#"

        GROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     
        group-1         c1-34337c51     /127.0.0.1      c1              3               
        group-1         c3-478c9ba8     /127.0.0.1      c3              3               
        --- exit 0
    "#]],
    );
    check(
        sh(&mut run, "kafka-consumer-groups $BS --describe --group group-1 --members --verbose"),
        expect![[r#"

        GROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     ASSIGNMENT
        group-1         c1-34337c51     /127.0.0.1      c1              3               (0,1,2)
        group-1         c3-478c9ba8     /127.0.0.1      c3              3               (3,4,5)
        --- exit 0
    "#]],
    );
    check(
        sh(&mut run, "kafka-consumer-groups $BS --describe --group group-1 --state"),
        expect![[r#"

        GROUP                     COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE           #MEMBERS
        group-1                   localhost:9092  (1)       range                Stable          2
        --- exit 0
    "#]],
    );
    check(
        sh(&mut run, "kafka-consumer-groups $BS --list"),
        expect![[r#"
        group-1
        --- exit 0
    "#]],
    );
    check(
        sh(&mut run, "kafka-consumer-groups $BS --list --state"),
        expect![[r#"
        GROUP                     STATE               
        group-1                   Stable              
        --- exit 0
    "#]],
    );
    check(
        sh(&mut run, "kafka-consumer-groups $BS --reset-offsets --group group-1 --topic orders --to-earliest --execute"),
        expect![[r#"

            Error: Assignments can only be reset if the group 'group-1' is inactive, but the current state is Stable.

            GROUP                          TOPIC                          PARTITION  NEW-OFFSET     
            --- exit 1
        "#]],
    );
    check(
        sh(&mut run, "kafka-consumer-groups $BS --delete --group group-1"),
        expect![[r#"

            Error: Deletion of some consumer groups failed:
            * Group 'group-1' could not be deleted due to: java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.GroupNotEmptyException: The group is not empty.
            --- exit 1
        "#]],
    );
    check(
        sh(&mut run, "kafka-consumer-groups $BS --describe --group nobody"),
        expect![[r#"

        Error: Consumer group 'nobody' does not exist.
        --- exit 1
    "#]],
    );
    check(
        head(&sh(&mut run, "kafka-consumer-groups --describe --group group-1"), 2),
        expect![[r#"
        --- stderr
        Missing required argument "[bootstrap-server]"
    "#]],
    );
    check(
        head(&sh(&mut run, "kafka-consumer-groups $BS --describe"), 2),
        expect![[r#"
        --- stderr
        Option [describe] takes one of these options: [group], [all-groups]
    "#]],
    );
}

#[test]
fn groups_reset_and_delete_an_inactive_group() {
    let mut run = story();
    check(
        sh(&mut run, "kafka-consumer-groups $BS --describe --group g1"),
        expect![[r#"

        GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID
        g1              orders          0          2               2               0               -               -               -
        g1              orders          1          2               2               0               -               -               -
        g1              orders          2          0               2               2               -               -               -
        --- stderr

        Consumer group 'g1' has no active members.
        --- exit 0
    "#]],
    );
    check(
        sh(
            &mut run,
            "kafka-consumer-groups $BS --reset-offsets --group g1 --all-topics --to-earliest --dry-run",
        ),
        expect![[r#"

        GROUP                          TOPIC                          PARTITION  NEW-OFFSET     
        g1                             orders                         0          0              
        g1                             orders                         1          0              
        g1                             orders                         2          0              
        --- exit 0
    "#]],
    );
    check(
        sh(
            &mut run,
            "kafka-consumer-groups $BS --reset-offsets --group g1 --topic orders:1 --shift-by -1 --execute",
        ),
        expect![[r#"

        GROUP                          TOPIC                          PARTITION  NEW-OFFSET     
        g1                             orders                         1          1              
        --- exit 0
    "#]],
    );
    check(
        sh(
            &mut run,
            "kafka-consumer-groups $BS --reset-offsets --group g1 --topic orders --to-offset 9 --execute",
        ),
        expect![[r#"

        GROUP                          TOPIC                          PARTITION  NEW-OFFSET     
        g1                             orders                         0          2              
        g1                             orders                         1          2              
        g1                             orders                         2          2              
        --- exit 0
    "#]],
    );
    check(sh(&mut run, "kafka-consumer-groups $BS --reset-offsets --group g1 --topic orders --to-datetime 1970-01-01T00:00:00.000 --execute --export"), expect![[r#"
        orders,0,0
        orders,1,0
        orders,2,0
        --- exit 0
    "#]]);
    check(
        sh(
            &mut run,
            "kafka-consumer-groups $BS --reset-offsets --group g1 --topic orders --by-duration PT1H",
        ),
        expect![[r#"

        GROUP                          TOPIC                          PARTITION  NEW-OFFSET     
        g1                             orders                         0          0              
        g1                             orders                         1          0              
        g1                             orders                         2          0              
        --- stderr
        WARN: No action will be performed as the --execute option is missing. As of Kafka 4.0, the default behavior of this command will be to prompt the user before executing the reset rather than doing a dry run. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.
        --- exit 0
    "#]],
    );
    check(
        head(&sh(&mut run, "kafka-consumer-groups $BS --reset-offsets --group g1 --to-earliest"), 3),
        expect![[r#"
            --- stderr
            WARN: No action will be performed as the --execute option is missing. As of Kafka 4.0, the default behavior of this command will be to prompt the user before executing the reset rather than doing a dry run. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.
            One of the reset scopes should be defined: --all-topics, --topic.
        "#]],
    );
    check(
        sh(&mut run, "kafka-consumer-groups $BS --delete-offsets --group g1 --topic orders:2"),
        expect![[r#"
        Request succeed for deleting offsets with topic orders:2 group g1

        TOPIC                          PARTITION       STATUS         
        orders                         2               Successful     
        --- exit 0
    "#]],
    );
    check(
        sh(&mut run, "kafka-consumer-groups $BS --delete --group g1"),
        expect![[r#"
        Deletion of requested consumer groups ('g1') was successful.
        --- exit 0
    "#]],
    );
    check(
        sh(&mut run, "kafka-consumer-groups $BS --list"),
        expect![[r#"
        --- exit 0
    "#]],
    );
}

// ---- kafka-acls ----

#[test]
fn acls_add_list_remove() {
    let mut run = Run::new(built_in("roles").unwrap()).unwrap();
    check(sh(&mut run, "kafka-acls.sh $BS --add --allow-principal User:bob --operation Read --operation Describe --topic orders"), expect![[r#"
        Adding ACLs for resource `ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL)`: 
         	(principal=User:bob, host=*, operation=READ, permissionType=ALLOW)
        	(principal=User:bob, host=*, operation=DESCRIBE, permissionType=ALLOW) 

        --- exit 0
    "#]]);
    check(
        sh(
            &mut run,
            "kafka-acls $BS --add --allow-principal User:bob --consumer --topic orders --group billing",
        ),
        expect![[r#"
        Adding ACLs for resource `ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL)`: 
         	(principal=User:bob, host=*, operation=READ, permissionType=ALLOW)
        	(principal=User:bob, host=*, operation=DESCRIBE, permissionType=ALLOW) 

        Adding ACLs for resource `ResourcePattern(resourceType=GROUP, name=billing, patternType=LITERAL)`: 
         	(principal=User:bob, host=*, operation=READ, permissionType=ALLOW) 

        --- exit 0
    "#]],
    );
    check(sh(&mut run, "kafka-acls $BS --add --deny-principal User:bob --operation Write --topic orders- --resource-pattern-type prefixed"), expect![[r#"
        Adding ACLs for resource `ResourcePattern(resourceType=TOPIC, name=orders-, patternType=PREFIXED)`: 
         	(principal=User:bob, host=*, operation=WRITE, permissionType=DENY) 

        --- exit 0
    "#]]);
    check(
        sh(&mut run, "kafka-acls $BS --list --topic orders"),
        expect![[r#"
        Current ACLs for resource `ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL)`: 
         	(principal=User:alice, host=*, operation=DESCRIBE, permissionType=ALLOW)
        	(principal=User:alice, host=*, operation=WRITE, permissionType=ALLOW)
        	(principal=User:alice, host=*, operation=CREATE, permissionType=ALLOW)
        	(principal=User:bob, host=*, operation=READ, permissionType=ALLOW)
        	(principal=User:bob, host=*, operation=DESCRIBE, permissionType=ALLOW) 

        --- exit 0
    "#]],
    );
    check(
        sh(&mut run, "kafka-acls $BS --list --principal User:bob"),
        expect![[r#"
        ACLs for principal `User:bob`
        Current ACLs for resource `ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL)`: 
         	(principal=User:bob, host=*, operation=READ, permissionType=ALLOW)
        	(principal=User:bob, host=*, operation=DESCRIBE, permissionType=ALLOW) 

        Current ACLs for resource `ResourcePattern(resourceType=TOPIC, name=orders-, patternType=PREFIXED)`: 
         	(principal=User:bob, host=*, operation=WRITE, permissionType=DENY) 

        Current ACLs for resource `ResourcePattern(resourceType=GROUP, name=billing, patternType=LITERAL)`: 
         	(principal=User:bob, host=*, operation=READ, permissionType=ALLOW) 

        --- exit 0
    "#]],
    );
    check(
        sh(
            &mut run,
            "kafka-acls $BS --remove --force --topic orders --allow-principal User:bob --operation Read",
        ),
        expect![[r#"
        --- exit 0
    "#]],
    );
    check(
        sh(&mut run, "kafka-acls $BS --list --topic orders --principal User:bob"),
        expect![[r#"
        ACLs for principal `User:bob`
        Current ACLs for resource `ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL)`: 
         	(principal=User:bob, host=*, operation=DESCRIBE, permissionType=ALLOW) 

        --- exit 0
    "#]],
    );
    check(
        sh(&mut run, "kafka-acls $BS --add --allow-principal bob --operation Read --topic orders"),
        expect![[r#"
        Error while executing ACL command: expected a string in format principalType:principalName but got bob
        --- exit 1
    "#]],
    );
    check(
        head(&sh(&mut run, "kafka-acls $BS --add --operation Read --topic orders"), 2),
        expect![[r#"
        --- stderr
        You must specify one of: --allow-principal, --deny-principal when trying to add ACLs.
    "#]],
    );
    check(
        head(&sh(&mut run, "kafka-acls $BS --add --allow-principal User:bob --operation Write --group g"), 2),
        expect![[r#"
        --- stderr
        ResourceType GROUP only supports operations Read, Describe, Delete, All
    "#]],
    );
    check(
        head(&sh(&mut run, "kafka-acls $BS --add --allow-principal User:bob --producer"), 2),
        expect![[r#"
        --- stderr
        With --producer you must specify a --topic
    "#]],
    );
    check(
        head(&sh(&mut run, "kafka-acls --list"), 2),
        expect![[r#"
        --- stderr
        One of --bootstrap-server or --bootstrap-controller must be specified
    "#]],
    );
    // As bob, who has no rights on the cluster, adding ACLs is refused.
    check(
        sh_in(
            &mut run,
            "kafka-acls $BS --add --allow-principal User:bob --operation All --topic '*'",
            "",
            Some("bob"),
        ),
        expect![[r#"
            Adding ACLs for resource `ResourcePattern(resourceType=TOPIC, name=*, patternType=LITERAL)`: 
             	(principal=User:bob, host=*, operation=ALL, permissionType=ALLOW) 

            Error while executing ACL command: org.apache.kafka.common.errors.ClusterAuthorizationException: Cluster authorization failed.
            --- exit 1
        "#]],
    );
}

// ---- kafka-configs ----

#[test]
fn configs_describe_and_alter() {
    let mut run = empty();
    sh(&mut run, "kafka-topics $BS --create --topic orders");
    check(
        sh(&mut run, "kafka-configs.sh $BS --entity-type topics --entity-name orders --describe"),
        expect![[r#"
        Dynamic configs for topic orders are:
        --- exit 0
    "#]],
    );
    check(sh(&mut run, "kafka-configs $BS --entity-type topics --entity-name orders --alter --add-config retention.ms=60000,retention.bytes=1048576"), expect![[r#"
        Completed updating config for topic orders.
        --- exit 0
    "#]]);
    check(
        sh(&mut run, "kafka-configs $BS --topic orders --describe"),
        expect![[r#"
        Dynamic configs for topic orders are:
          retention.bytes=1048576 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.bytes=1048576}
          retention.ms=60000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=60000}
        --- exit 0
    "#]],
    );
    check(
        sh(&mut run, "kafka-configs $BS --topic orders --alter --delete-config retention.bytes"),
        expect![[r#"
        Completed updating config for topic orders.
        --- exit 0
    "#]],
    );
    check(
        sh(&mut run, "kafka-configs $BS --topic orders --alter --add-config min.insync.replicas=2"),
        expect![[r#"
        --- stderr
        The playground does not model the topic config min.insync.replicas (only retention.ms and retention.bytes).
        --- exit 1
    "#]],
    );
    check(
        sh(&mut run, "kafka-configs $BS --entity-type brokers --entity-name 1 --describe"),
        expect![[r#"
        Dynamic configs for broker 1 are:
        --- exit 0
    "#]],
    );
    check(
        head(&sh(&mut run, "kafka-configs $BS --topic orders"), 2),
        expect![[r#"
        --- stderr
        Command must include exactly one action: --describe, --alter
    "#]],
    );
}

// ---- the shell and hostile input ----

#[test]
fn hostile_lines_get_a_usage_error_never_a_panic() {
    let mut run = story();
    let long = format!("kafka-topics --{}", "x".repeat(1 << 20));
    let out = sh(&mut run, &long);
    assert!(out.contains("is not a recognized option") && out.len() < 20_000, "{}", &out[..200]);
    check(
        sh(&mut run, "kafka-topics $BS --create --topic 'orders"),
        expect![[r#"
        --- stderr
        sh: syntax error: unterminated quoted string
        --- exit 2
    "#]],
    );
    check(
        sh(&mut run, "<script>alert(1)</script>"),
        expect![[r#"
            --- stderr
            <script>alert(1)</script>: command not found (this terminal runs Kafka's tools: kafka-acls, kafka-configs, kafka-console-consumer, kafka-console-producer, kafka-consumer-groups, kafka-get-offsets, kafka-leader-election, kafka-share-groups, kafka-topics)
            --- exit 127
        "#]],
    );
    check(
        head(&sh(&mut run, "kafka-topics $BS --create --topic '<script>'"), 1),
        expect![[r#"
        Error while executing topic command : Topic name "<script>" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'
    "#]],
    );
    let out = sh(&mut run, "kafka-topics $BS --describe --topic \u{1b}[31m\u{7}\u{0}");
    assert!(out.contains("does not exist as expected"), "{out}");
    for line in [
        "",
        "   ",
        "\"\"",
        "kafka-topics.sh",
        "kafka-consumer-groups $BS --reset-offsets --group g1 --topic orders:x --to-earliest",
    ] {
        let _ = sh(&mut run, line);
    }
}

#[test]
fn cli_exit_codes_follow_cli_md() {
    use broker_playground::cli;
    let a = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let ok = cli::main(
        &a(&[
            "kafka",
            "rebalance-basics",
            "--at",
            "30s",
            "-e",
            "kafka-topics.sh --bootstrap-server localhost:9092 --list",
        ]),
        &mut "",
    );
    assert_eq!((ok.code, ok.stdout.as_str()), (0, "orders\n"));
    let tool_error = cli::main(&a(&["kafka", "rebalance-basics", "-e", "kafka-topics --list"]), &mut "");
    assert_eq!(tool_error.code, 1);
    assert_eq!(tool_error.stderr, "--bootstrap-server must be specified\n");
    for bad in [
        vec!["kafka", "rebalance-basics"],
        vec!["kafka", "nope", "-e", "x"],
        vec!["kafka", "rebalance-basics", "--at", "-1s", "-e", "x"],
    ] {
        assert_eq!(cli::main(&a(&bad), &mut "").code, 2, "{bad:?}");
    }
    let produced = cli::main(
        &a(&[
            "kafka",
            "rebalance-basics",
            "--at",
            "1s",
            "-e",
            "kafka-console-producer --bootstrap-server b --topic orders",
            "-e",
            "kafka-get-offsets --bootstrap-server b --topic orders --time -3",
        ]),
        &mut "one\ntwo\n",
    );
    assert_eq!(produced.code, 0, "{}", produced.stderr);
}

/// CLI.md: console-producer input comes from `--input FILE` (or stdin): each line one record.
#[test]
fn cli_console_producer_reads_input_file() {
    use broker_playground::cli;
    let dir = std::env::temp_dir().join(format!("kafka-input-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("lines.txt");
    std::fs::write(&file, "k1:a\nk2:b\n").unwrap();
    let end_offsets = |input: Option<&str>| {
        let mut args: Vec<String> = ["kafka", "rebalance-basics", "--at", "5s"].map(String::from).to_vec();
        if let Some(f) = input {
            args.extend(["--input".to_string(), f.to_string()]);
        }
        args.extend([
            "-e".to_string(),
            "kafka-console-producer.sh --bootstrap-server localhost:9092 --topic orders \
             --property parse.key=true --property key.separator=:"
                .to_string(),
            "-e".to_string(),
            "kafka-get-offsets.sh --bootstrap-server localhost:9092 --topic orders --time -1".to_string(),
        ]);
        let out = cli::main(&args, &mut "");
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
            .lines()
            .map(|l| {
                l.rsplit(':').next().and_then(|n| n.parse::<u64>().ok()).expect("topic:partition:offset")
            })
            .sum::<u64>()
    };
    assert_eq!(end_offsets(Some(file.to_str().unwrap())), end_offsets(None) + 2, "two lines, two records");
    let _ = std::fs::remove_dir_all(&dir);
}

mod random_lines {
    use super::*;
    use proptest::prelude::*;

    const WORDS: &[&str] = &[
        "kafka-topics.sh",
        "kafka-consumer-groups",
        "kafka-acls",
        "kafka-get-offsets",
        "kafka-configs",
        "kafka-console-producer",
        "kafka-console-consumer",
        "--bootstrap-server",
        "localhost:9092",
        "--create",
        "--list",
        "--describe",
        "--alter",
        "--delete",
        "--topic",
        "orders",
        "nope",
        "--partitions",
        "3",
        "-1",
        "0",
        "99999999999999999999",
        "--group",
        "g1",
        "--reset-offsets",
        "--to-earliest",
        "--to-latest",
        "--shift-by",
        "--to-offset",
        "--execute",
        "--dry-run",
        "--all-topics",
        "--all-groups",
        "--members",
        "--verbose",
        "--state",
        "--offsets",
        "--delete-offsets",
        "--add",
        "--remove",
        "--force",
        "--allow-principal",
        "--deny-principal",
        "User:bob",
        "bob",
        "--operation",
        "Read",
        "All",
        "--cluster",
        "--producer",
        "--consumer",
        "--idempotent",
        "--resource-pattern-type",
        "prefixed",
        "any",
        "--time",
        "--from-beginning",
        "--partition",
        "--offset",
        "--max-messages",
        "--property",
        "print.key=true",
        "--entity-type",
        "topics",
        "brokers",
        "--entity-name",
        "--add-config",
        "retention.ms=5",
        "--delete-config",
        "--config",
        "'",
        "\"",
        "\\",
        "<script>",
        "\u{0}",
        "--help",
        "--version",
        "=",
        "--topic=orders:0,1",
        "--to-datetime",
        "1970-01-01T00:00:00.000",
        "--by-duration",
        "PT1S",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]
        /// Any line made of the tools' own words (and some hostile ones) never panics, and
        /// every failure is reported with a non-zero status and some text.
        #[test]
        fn no_line_panics(idx in proptest::collection::vec(0..WORDS.len(), 0..14), stdin in "[a-z:\n]{0,40}") {
            let mut run = story();
            let line: Vec<&str> = idx.iter().map(|i| WORDS[*i]).collect();
            let line = line.join(" ");
            let o = tools::run(&line, &mut run, &Context { user: None, stdin, follow: false });
            if o.status != 0 {
                prop_assert!(!(o.stdout.is_empty() && o.stderr.is_empty()), "{line}");
            }
        }
    }
}

/// "What would I type?" for Send one: the console producer and the line typed at its prompt.
/// Typed into the terminal, that line sends the same record (same key, same value text) to
/// the same partition as the card's button did.
#[test]
fn send_one_is_echoed_as_the_console_producer_line_that_does_the_same() {
    use broker_playground::core::command::Command;
    use broker_playground::core::producer::ProducerSpec;
    use broker_playground::core::tools::echo::command_line;

    let setup = || {
        let mut run = empty();
        assert!(
            sh(&mut run, "kafka-topics.sh $BS --create --topic orders --partitions 6").ends_with("exit 0\n")
        );
        let mut spec = ProducerSpec::new("p1", "orders");
        spec.rate = 0.0;
        let now = run.now();
        run.apply(now, Command::AddProducer { producer: spec }).unwrap();
        run
    };
    let end_offsets = |run: &Run| -> Vec<u64> {
        run.cluster.topics()["orders"].partitions.iter().map(|p| p.log_end()).collect()
    };
    for (key, expected_sep, option) in [("user-7", ":", "key.separator=:"), ("a:b", "|", "'key.separator=|'")]
    {
        let mut button = setup();
        let send = Command::SendOne {
            producer: "p1".into(),
            key: Some(key.into()),
            value: None,
            partition: None,
            headers: Vec::new(),
        };
        let lines = command_line(&send, &button.cluster);
        assert_eq!(
            lines,
            vec![
                format!("kafka-console-producer.sh {BS} --topic orders --property parse.key=true --property {option}"),
                format!(">{key}{expected_sep}p1-1"),
            ]
        );
        let now = button.now();
        button.apply(now, send).unwrap();
        let mut typed = setup();
        let out = sh_in(&mut typed, &lines[0], lines[1].strip_prefix('>').unwrap(), None);
        assert_eq!(out, "--- exit 0\n");
        assert_eq!(end_offsets(&button), end_offsets(&typed), "the same partition for key {key}");
        assert_eq!(end_offsets(&button).iter().sum::<u64>(), 1);
    }
    // Without a key: the console producer without parse.key.
    let run = setup();
    let send = Command::SendOne {
        producer: "p1".into(),
        key: None,
        value: Some("hello".into()),
        partition: None,
        headers: Vec::new(),
    };
    assert_eq!(
        command_line(&send, &run.cluster),
        vec![format!("kafka-console-producer.sh {BS} --topic orders"), ">hello".to_string()]
    );
    // A chosen partition: the console producer cannot choose one, so nothing is echoed.
    let send = Command::SendOne {
        producer: "p1".into(),
        key: None,
        value: None,
        partition: Some(2),
        headers: Vec::new(),
    };
    assert!(command_line(&send, &run.cluster).is_empty());
}

// ---- the broker authorizes what the tools change ----

/// The tools change the cluster through the admin client as the terminal's user: the broker
/// refuses what that user may not do, and the tool prints Kafka's exception for the answer.
#[test]
fn the_broker_refuses_a_users_admin_request_and_the_tool_says_so() {
    let mut run = story();
    let lock = Command::SetAuthorization { enabled: true, allow_everyone_if_no_acl_found: Some(false) };
    run.apply(run.now(), lock).unwrap();
    check(
        sh_in(
            &mut run,
            "kafka-configs $BS --topic orders --alter --add-config retention.ms=60000",
            "",
            Some("bob"),
        ),
        expect![[r#"
            --- stderr
            Error while executing config command with args '--bootstrap-server localhost:9092 --topic orders --alter --add-config retention.ms=60000'
            java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.TopicAuthorizationException: Not authorized to access topics: [orders]
            --- exit 1
        "#]],
    );
    check(
        sh_in(&mut run, "kafka-consumer-groups $BS --delete --group g1", "", Some("bob")),
        expect![[r#"

            Error: Deletion of some consumer groups failed:
            * Group 'g1' could not be deleted due to: java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.GroupAuthorizationException: Not authorized to access group: g1
            --- exit 1
        "#]],
    );
    // The operator may; the group is gone.
    check(
        sh(&mut run, "kafka-consumer-groups $BS --delete --group g1"),
        expect![[r#"
        Deletion of requested consumer groups ('g1') was successful.
        --- exit 0
    "#]],
    );
}

// ---- must-show gaps: --producer-property acks, --timeout-ms, print.timestamp ----

#[test]
fn producer_property_acks_timeout_ms_and_print_timestamp() {
    let mut run = story();
    // A valid acks is taken; a wrong one is the producer config's own refusal.
    assert_eq!(
        sh_in(
            &mut run,
            "kafka-console-producer.sh $BS --topic orders --producer-property acks=all",
            "x\n",
            None
        ),
        "--- exit 0\n"
    );
    check(
        sh_in(
            &mut run,
            "kafka-console-producer.sh $BS --topic orders --producer-property acks=2",
            "x\n",
            None,
        ),
        expect![[r#"
            --- stderr
            org.apache.kafka.common.config.ConfigException: Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1
            --- exit 1
        "#]],
    );
    // --timeout-ms: the consumer reads what is readable and stops, as it does here anyway.
    let out = sh(
        &mut run,
        "kafka-console-consumer.sh $BS --topic orders --partition 0 --offset 0 --timeout-ms 1000",
    );
    assert_eq!(out, "b\ne\n--- stderr\nProcessed a total of 2 messages\n--- exit 0\n");
    // print.timestamp: CreateTime first, before the partition and the key.
    let out = sh(&mut run, "kafka-console-consumer.sh $BS --topic orders --partition 0 --offset 0 --max-messages 1 --property print.timestamp=true --property print.key=true");
    let first = out.lines().next().unwrap_or_default();
    let fields: Vec<&str> = first.split('\t').collect();
    assert_eq!(fields.len(), 3, "{out}");
    assert!(fields[0].starts_with("CreateTime:") && fields[0][11..].parse::<u64>().is_ok(), "{out}");
    assert_eq!(&fields[1..], ["k2", "b"]);
    assert!(out.ends_with("Processed a total of 1 messages\n--- exit 0\n"), "{out}");
}
