//! Kafka's tools reach the cluster as Kafka's `Admin` client does (issue #13): over the
//! simulated network, through a broker that can be reached. With broker 1 stopped, crashed or
//! isolated another broker answers; with every broker down each tool fails as Kafka's does
//! when the admin client finds no node ("Timed out waiting for a node assignment. Call: …"),
//! exit status 1. ACL refusals are the broker's, as before.

use broker_playground::core::command::Command;
use broker_playground::core::ids::BrokerId;
use broker_playground::core::scenario::{Run, Scenario};

mod common;

/// Three brokers in three zones, `orders` with 3 partitions on all three, a producer and a
/// group `g1` reading it; run 10 s.
fn three_brokers() -> Run {
    three_brokers_acks("all")
}

/// [`three_brokers`] with the producer's `acks`.
fn three_brokers_acks(acks: &str) -> Run {
    let s = Scenario::from_json(
        &r#"{
  "version": 1,
  "seed": 7,
  "brokers": [{"id": 1, "rack": "zone-a"}, {"id": 2, "rack": "zone-b"}, {"id": 3, "rack": "zone-c"}],
  "topics": [{"name": "orders", "partitions": 3, "replication_factor": 3}],
  "producers": [{"name": "p1", "topic": "orders", "rate": 10, "config": {"acks": "ACKS"}}],
  "consumers": [{"name": "c1", "mode": {"group": {"topics": ["orders"]}},
                 "config": {"group.id": "g1", "auto.offset.reset": "earliest"}}],
  "duration": "60s"
}"#
        .replace("ACKS", acks),
    )
    .unwrap();
    let mut run = Run::new(s).unwrap();
    run.advance(10_000);
    run
}

fn sh(run: &mut Run, line: &str) -> String {
    common::sh_as(run, line, "", None)
}

fn broker(run: &mut Run, cmd: Command) {
    let now = run.now();
    run.apply(now, cmd).unwrap();
}

fn stop(id: i32) -> Command {
    Command::StopBroker { broker: BrokerId(id) }
}

/// `--describe`'s partition lines, with Leader and Isr as the cluster's metadata has them.
fn describe_lines(run: &Run) -> Vec<String> {
    let rep = run.cluster.replication();
    (0..3)
        .map(|p| {
            let r = &rep.partition("orders", p).unwrap().registration;
            let ids = |v: &[BrokerId]| v.iter().map(|b| b.to_string()).collect::<Vec<_>>().join(",");
            format!(
                "\tTopic: orders\tPartition: {p}\tLeader: {}\tReplicas: {}\tIsr: {}\tElr: \tLastKnownElr: ",
                r.leader,
                ids(&r.replicas),
                ids(&r.isr)
            )
        })
        .collect()
}

/// The tools' answers while broker 1 is gone `how`: a live broker answers, and the
/// partitions show broker 1 out of the ISR and leading nothing.
fn answered_without_broker_1(how: Command) {
    let mut run = three_brokers();
    broker(&mut run, how);
    // Long enough for the controller to notice a crash or an isolation.
    run.advance(run.now() + 20_000);
    let sent = run.cluster.admin().requests_sent();
    let out = sh(&mut run, "kafka-topics $BS --describe --topic orders");
    assert!(run.cluster.admin().requests_sent() > sent, "the describe went over the network");
    assert!(out.ends_with("--- exit 0\n"), "{out}");
    for line in describe_lines(&run) {
        assert!(out.lines().any(|l| l == line), "{out}\nwanted {line:?}");
        assert!(!line.contains("Leader: 1\t"), "broker 1 leads nothing: {line}");
        assert!(
            line.ends_with("\tIsr: 2,3\tElr: \tLastKnownElr: ") || line.contains("\tIsr: 3,2\t"),
            "{line}"
        );
    }
    assert_eq!(sh(&mut run, "kafka-topics $BS --list"), "orders\n--- exit 0\n");
    let groups = sh(&mut run, "kafka-consumer-groups $BS --list");
    assert_eq!(groups, "g1\n--- exit 0\n");
    let offsets = sh(&mut run, "kafka-get-offsets $BS --topic orders");
    assert!(offsets.starts_with("orders:0:") && offsets.ends_with("--- exit 0\n"), "{offsets}");
    // Changes go the same way.
    assert_eq!(
        sh(&mut run, "kafka-topics $BS --create --topic audit --partitions 1 --replication-factor 2"),
        "Created topic audit.\n--- exit 0\n"
    );
}

#[test]
fn broker_1_stopped_a_live_broker_answers() {
    answered_without_broker_1(stop(1));
}

#[test]
fn broker_1_crashed_a_live_broker_answers() {
    answered_without_broker_1(Command::CrashBroker { broker: BrokerId(1) });
}

#[test]
fn broker_1_isolated_a_live_broker_answers() {
    answered_without_broker_1(Command::IsolateBroker { broker: BrokerId(1) });
}

/// Every broker down: each tool prints Kafka's TimeoutException as that tool prints any
/// exception, and exits 1; nothing changed.
#[test]
fn every_broker_down_each_tool_times_out_waiting_for_a_node() {
    let mut run = three_brokers();
    for id in [1, 2] {
        broker(&mut run, stop(id));
    }
    broker(&mut run, Command::CrashBroker { broker: BrokerId(3) });
    let cases = [
        (
            "kafka-topics $BS --list",
            "Error while executing topic command : Timed out waiting for a node assignment. Call: listTopics\n--- exit 1\n",
        ),
        (
            "kafka-topics $BS --describe --topic orders",
            "Error while executing topic command : Timed out waiting for a node assignment. Call: listTopics\n--- exit 1\n",
        ),
        (
            "kafka-topics $BS --create --topic audit --partitions 1",
            "Error while executing topic command : Timed out waiting for a node assignment. Call: createTopics\n--- exit 1\n",
        ),
        (
            "kafka-topics $BS --delete --topic orders",
            "Error while executing topic command : Timed out waiting for a node assignment. Call: listTopics\n--- exit 1\n",
        ),
        (
            "kafka-consumer-groups $BS --list",
            "\nError: Executing consumer group command failed due to org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: findAllBrokers\n--- exit 1\n",
        ),
        (
            "kafka-consumer-groups $BS --describe --group g1",
            "\nError: Executing consumer group command failed due to org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: describeConsumerGroups(api=FIND_COORDINATOR)\n--- exit 1\n",
        ),
        (
            "kafka-consumer-groups $BS --delete-offsets --group g1 --topic orders",
            "\nError: Executing consumer group command failed due to org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: offsetDelete(api=FIND_COORDINATOR)\n--- exit 1\n",
        ),
        (
            "kafka-consumer-groups $BS --reset-offsets --group g1 --topic orders --to-earliest --execute",
            "\nError: Executing consumer group command failed due to org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: describeConsumerGroups(api=FIND_COORDINATOR)\n--- exit 1\n",
        ),
        (
            "kafka-acls $BS --add --allow-principal User:bob --operation Read --topic orders",
            "Adding ACLs for resource `ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL)`: \n \t(principal=User:bob, host=*, operation=READ, permissionType=ALLOW) \n\nError while executing ACL command: org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: createAcls\n--- exit 1\n",
        ),
        (
            "kafka-leader-election $BS --election-type preferred --all-topic-partitions",
            "Timeout waiting for election results\n--- stderr\nTimeout waiting for election results\norg.apache.kafka.server.common.AdminCommandFailedException: Timeout waiting for election results\n--- exit 1\n",
        ),
        (
            "kafka-configs $BS --alter --topic orders --add-config retention.ms=1000",
            "--- stderr\nError while executing config command with args '--bootstrap-server localhost:9092 --alter --topic orders --add-config retention.ms=1000'\norg.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: describeConfigs\n--- exit 1\n",
        ),
        (
            "kafka-acls $BS --list",
            "Error while executing ACL command: org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: describeAcls\n--- exit 1\n",
        ),
        (
            "kafka-get-offsets $BS --topic orders",
            "--- stderr\nError occurred: org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: listTopics\n--- exit 1\n",
        ),
        (
            "kafka-configs $BS --describe --topic orders",
            "--- stderr\nError while executing config command with args '--bootstrap-server localhost:9092 --describe --topic orders'\norg.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: describeConfigs\n--- exit 1\n",
        ),
        (
            "kafka-share-groups $BS --list",
            "\nError: Executing share group command failed due to org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: findAllBrokers\n--- exit 1\n",
        ),
    ];
    for (line, want) in cases {
        assert_eq!(sh(&mut run, line), want, "{line}");
    }
    assert!(!run.cluster.topics().contains_key("audit"), "nothing was created");
    // A console consumer finds no broker either: it reads nothing.
    let out = sh(&mut run, "kafka-console-consumer $BS --topic orders --from-beginning");
    assert_eq!(
        out,
        "--- stderr\n[console-consumer] WARN Connection to node -1 (localhost/127.0.0.1:9092) could not be established. Node may not be available.\nProcessed a total of 0 messages\n--- exit 0\n"
    );
    // Nor does a console producer: its send waits for metadata no broker can give.
    let out = common::sh_as(&mut run, "kafka-console-producer $BS --topic orders", "hello\n", None);
    assert_eq!(
        out,
        "--- stderr\n[console-producer] WARN Connection to node -1 (localhost/127.0.0.1:9092) could not be established. Node may not be available.\nERROR Error when sending message to topic orders with key: null, value: 5 bytes with error: (org.apache.kafka.clients.producer.internals.ErrorLoggingCallback)\norg.apache.kafka.common.errors.TimeoutException: Topic orders not present in metadata after 60000 ms.\n--- exit 1\n"
    );
    // One broker back: the tools answer again.
    broker(&mut run, Command::StartBroker { broker: BrokerId(2) });
    assert_eq!(sh(&mut run, "kafka-topics $BS --list"), "orders\n--- exit 0\n");
}

/// The broker's ACL refusals are printed as before when the answer comes from broker 2.
#[test]
fn acl_refusals_come_from_the_live_broker() {
    let mut run = three_brokers();
    let now = run.now();
    run.apply(now, Command::SetAuthorization { enabled: true, allow_everyone_if_no_acl_found: Some(false) })
        .unwrap();
    broker(&mut run, stop(1));
    assert_eq!(common::sh_as(&mut run, "kafka-topics $BS --list", "", Some("alice")), "\n--- exit 0\n");
    assert_eq!(
        common::sh_as(&mut run, "kafka-acls $BS --list", "", Some("alice")),
        "Error while executing ACL command: org.apache.kafka.common.errors.ClusterAuthorizationException: Cluster authorization failed.\n--- exit 1\n"
    );
}

/// The one-shot console consumer reads what a consumer may read: up to the high watermark,
/// not the leader's log end. A crashed follower stays in the ISR until
/// `replica.lag.time.max.ms` passes, so meanwhile the high watermark stays behind what the
/// leaders append for an `acks=1` producer.
#[test]
fn the_console_consumer_reads_up_to_the_high_watermark() {
    let mut run = three_brokers_acks("1");
    broker(&mut run, Command::CrashBroker { broker: BrokerId(3) });
    run.advance(run.now() + 3_000);
    let (mut hw, mut end) = (0, 0);
    for p in 0..3 {
        hw += run.cluster.replication().partition("orders", p).unwrap().high_watermark().unwrap_or(0);
        end += run.cluster.topics()["orders"].partition(p).unwrap().log_end();
    }
    assert!(hw < end, "records past the high watermark: {hw} < {end}");
    let out = sh(&mut run, "kafka-console-consumer $BS --topic orders --from-beginning");
    assert!(
        out.contains(&format!("Processed a total of {hw} messages")),
        "{out}\nhigh watermarks sum to {hw}"
    );
    let offsets = sh(&mut run, "kafka-get-offsets $BS --topic orders");
    let latest: u64 = offsets.lines().filter_map(|l| l.rsplit(':').next()?.parse::<u64>().ok()).sum();
    assert_eq!(latest, hw, "{offsets}");
}

/// `playground-cli kafka` at a moment when every broker is down: Kafka's message, exit 1.
#[test]
fn the_cli_exits_1_when_no_broker_can_be_reached() {
    use broker_playground::cli;
    let scenario = r#"{"version": 1, "seed": 7,
      "brokers": [{"id": 1}, {"id": 2}],
      "topics": [{"name": "orders", "partitions": 1, "replication_factor": 2}],
      "script": [{"at": "00:01", "do": {"type": "stop_broker", "broker": 1}},
                 {"at": "00:02", "do": {"type": "crash_broker", "broker": 2}}],
      "duration": "10s"}"#;
    let path = std::env::temp_dir().join(format!("tools-network-{}.json", std::process::id()));
    std::fs::write(&path, scenario).unwrap();
    let a = |at: &str| {
        [
            "kafka",
            path.to_str().unwrap(),
            "--at",
            at,
            "-e",
            "kafka-topics --bootstrap-server localhost:9092 --list",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
    };
    let before = cli::main(&a("1500ms"), &mut "");
    assert_eq!((before.code, before.stdout.as_str()), (0, "orders\n"), "broker 2 answers");
    let after = cli::main(&a("3s"), &mut "");
    std::fs::remove_file(&path).ok();
    assert_eq!(
        (after.code, after.stdout.as_str()),
        (1, "Error while executing topic command : Timed out waiting for a node assignment. Call: listTopics\n")
    );
}
