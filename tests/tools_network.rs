//! Kafka's tools reach the cluster as Kafka's `Admin` client does (issue #13): over the
//! simulated network, through a broker that can be reached. With broker 1 stopped, crashed or
//! isolated another broker answers; with every broker down each tool fails as Kafka's does
//! when the admin client finds no node ("Timed out waiting for a node assignment. Call: …"),
//! exit status 1. ACL refusals are the broker's, as before.

use broker_playground::core::cluster::Cluster;
use broker_playground::core::command::Command;
use broker_playground::core::error::CoreError;
use broker_playground::core::ids::BrokerId;
use broker_playground::core::protocol::{Request, Response};
use broker_playground::core::scenario::{Run, Scenario};
use broker_playground::core::tools::{Context, Target};

mod common;

/// Three brokers in three zones, `orders` with 3 partitions on all three, a producer and a
/// group `g1` reading it; run 10 s.
fn three_brokers() -> Run {
    three_brokers_acks("all")
}

/// [`three_brokers`] with the producer's `acks`.
fn three_brokers_acks(acks: &str) -> Run {
    let mut run = Run::new(three_brokers_scenario(acks)).unwrap();
    run.advance(10_000);
    run
}

/// The scenario of [`three_brokers`], at its start.
fn three_brokers_scenario(acks: &str) -> Scenario {
    Scenario::from_json(
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
    .unwrap()
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
        // `listConsumerGroups()` wraps the ExecutionException in a RuntimeException, whose
        // message is the ExecutionException's; with a filter the ExecutionException itself
        // reaches `run`, whose message is its cause's.
        (
            "kafka-consumer-groups $BS --list",
            "\nError: Executing consumer group command failed due to java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: findAllBrokers\n--- exit 1\n",
        ),
        (
            "kafka-consumer-groups $BS --list --state Stable",
            "\nError: Executing consumer group command failed due to org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: findAllBrokers\n--- exit 1\n",
        ),
        (
            "kafka-consumer-groups $BS --describe --all-groups",
            "\nError: Executing consumer group command failed due to java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: findAllBrokers\n--- exit 1\n",
        ),
        // Each group's future fails with the TimeoutException; the tool prints what `get()`
        // threw for it.
        (
            "kafka-consumer-groups $BS --delete --group g1",
            "\nError: Deletion of some consumer groups failed:\n* Group 'g1' could not be deleted due to: java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: deleteConsumerGroups(api=FIND_COORDINATOR)\n--- exit 1\n",
        ),
        (
            "kafka-consumer-groups $BS --describe --group g1",
            "\nError: Executing consumer group command failed due to org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: describeConsumerGroups(api=FIND_COORDINATOR)\n--- exit 1\n",
        ),
        // `deleteOffsets` catches every failed future: the delete's is the top-level line
        // (`Errors.forException`), each topic or partition's is its row. `describeTopics`
        // starts with `describeCluster`, whose call is `listNodes`.
        (
            "kafka-consumer-groups $BS --delete-offsets --group g1 --topic orders",
            "\nError: Encounter some unknown error: REQUEST_TIMED_OUT\n\nTOPIC                          PARTITION       STATUS         \norders                         Not Provided    Error: :org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: listNodes\n--- exit 1\n",
        ),
        (
            "kafka-consumer-groups $BS --delete-offsets --group g1 --topic orders:0",
            "\nError: Encounter some unknown error: REQUEST_TIMED_OUT\n\nTOPIC                          PARTITION       STATUS         \norders                         0               Error: :org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: offsetDelete(api=FIND_COORDINATOR)\n--- exit 1\n",
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
            "--- stderr\nError while executing config command with args '--bootstrap-server localhost:9092 --alter --topic orders --add-config retention.ms=1000'\njava.util.concurrent.TimeoutException\n--- exit 1\n",
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
            "--- stderr\nError while executing config command with args '--bootstrap-server localhost:9092 --describe --topic orders'\njava.util.concurrent.TimeoutException\n--- exit 1\n",
        ),
        // `describeCluster().nodes().get()` waits as long as the call does.
        (
            "kafka-configs $BS --describe --entity-type brokers",
            "--- stderr\nError while executing config command with args '--bootstrap-server localhost:9092 --describe --entity-type brokers'\njava.util.concurrent.ExecutionException: org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: listNodes\n--- exit 1\n",
        ),
        (
            "kafka-share-groups $BS --list",
            "\nError: Executing share group command failed due to java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: findAllBrokers\n--- exit 1\n",
        ),
        (
            "kafka-share-groups $BS --list --state Stable",
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

/// The tools as they run over a [`Run`], with the broker's answers rewritten on the way back
/// (what a broker could answer that this cluster would not), and the requests they send
/// recorded by API name (reads) or by the `Admin` call of the change (`createTopics`, …).
struct Rewriting<'a> {
    run: &'a mut Run,
    rewrite: fn(Response) -> Response,
    sent: Vec<&'static str>,
}

impl Target for Rewriting<'_> {
    fn cluster(&self) -> &Cluster {
        &self.run.cluster
    }
    fn read_as(&mut self, user: Option<&str>, call: &str, request: Request) -> Result<Response, CoreError> {
        self.sent.push(request.api_key().name());
        Target::read_as(&mut *self.run, user, call, request).map(self.rewrite)
    }
    fn apply_as(&mut self, user: Option<&str>, cmd: Command) -> Result<(), CoreError> {
        self.sent.push(broker_playground::core::admin::call_name(&cmd).unwrap_or("(not an admin call)"));
        Target::apply_as(&mut *self.run, user, cmd)
    }
}

/// Runs `line` through [`Rewriting`]: the text as [`common::sh_as`] shows it, and the APIs sent.
fn sh_rewritten(
    run: &mut Run,
    line: &str,
    stdin: &str,
    rewrite: fn(Response) -> Response,
) -> (String, Vec<&'static str>) {
    let ctx = Context { user: None, stdin: stdin.to_string(), follow: false };
    let mut target = Rewriting { run, rewrite, sent: Vec::new() };
    let o = common::run_line(line, &mut target, &ctx);
    (common::shown(&o), target.sent)
}

/// `kafka-consumer-groups --delete` when no broker can be reached: each group's future fails
/// with the admin client's TimeoutException, printed as `deleteGroups` prints a failed
/// future (the ExecutionException `get()` threw), and nothing is deleted.
#[test]
fn consumer_groups_delete_times_out_as_kafka_prints_it() {
    let mut run = three_brokers();
    for id in [1, 2, 3] {
        broker(&mut run, stop(id));
    }
    assert_eq!(
        sh(&mut run, "kafka-consumer-groups $BS --delete --group g1 --group g2"),
        "\nError: Deletion of some consumer groups failed:\n\
         * Group 'g1' could not be deleted due to: java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: deleteConsumerGroups(api=FIND_COORDINATOR)\n\
         * Group 'g2' could not be deleted due to: java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: deleteConsumerGroups(api=FIND_COORDINATOR)\n\
         --- exit 1\n"
    );
    assert!(run.cluster.groups().contains_key("g1"));
}

/// `kafka-configs` checks only what `ConfigCommand` checks itself before it sends anything:
/// its arguments, the `--add-config` list's `key=val` form and key characters, and the topic's
/// name. Refused there: Kafka's message, and no request on the network.
#[test]
fn kafka_configs_checks_its_input_before_sending_anything() {
    let mut run = three_brokers();
    let cases = [
        (
            "kafka-configs $BS --alter --topic orders --add-config retention.ms",
            "--- stderr\nrequirement failed: Invalid entity config: all configs to be added must be in the format \"key=val\".\n--- exit 1\n",
        ),
        (
            "kafka-configs $BS --alter --topic orders --add-config 'retention ms=1'",
            "--- stderr\nInvalid character found for config key: retention ms\n--- exit 1\n",
        ),
        (
            "kafka-configs $BS --alter --topic orders",
            "--- stderr\nAt least one of --add-config, --add-config-file, or --delete-config must be specified with --alter\n--- exit 1\n",
        ),
        (
            "kafka-configs $BS --describe --topic 'no such'",
            "--- stderr\nError while executing config command with args '--bootstrap-server localhost:9092 --describe --topic no such'\norg.apache.kafka.common.errors.InvalidTopicException: Topic name \"no such\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'\n--- exit 1\n",
        ),
        (
            "kafka-configs $BS --alter --entity-type brokers --entity-name one --add-config x=1",
            "--- stderr\nThe entity name for brokers must be a valid integer broker id, but it is: one\n--- exit 1\n",
        ),
        (
            "kafka-configs $BS --describe --entity-type brokers --entity-name one",
            "--- stderr\nThe entity name for brokers must be a valid integer broker id, but it is: one\n--- exit 1\n",
        ),
    ];
    for (line, want) in cases {
        let (sent, delivered) = (run.cluster.admin().requests_sent(), run.cluster.network().delivered());
        let (out, apis) = sh_rewritten(&mut run, line, "", |r| r);
        assert_eq!(out, want, "{line}");
        assert!(apis.is_empty(), "{line}: sent {apis:?}");
        assert_eq!(
            (run.cluster.admin().requests_sent(), run.cluster.network().delivered()),
            (sent, delivered),
            "{line}: nothing crossed the network"
        );
    }
    // Good input goes out: DescribeConfigs, then the change.
    let (out, apis) = sh_rewritten(
        &mut run,
        "kafka-configs $BS --alter --topic orders --add-config retention.ms=1000",
        "",
        |r| r,
    );
    assert_eq!(out, "Completed updating config for topic orders.\n--- exit 0\n");
    assert_eq!(apis, ["DescribeConfigs", "incrementalAlterConfigs"]);
}

/// What Kafka's broker refuses in IncrementalAlterConfigs (unknown names, bad values) comes
/// after the describe, printed as `ConfigCommand.main` prints the `ExecutionException` its
/// `get()` threw; `--delete-config` names every name that is not one of the topic's dynamic
/// configs; errors of the describe are wrapped the same way, and with no broker its
/// `get(30, TimeUnit.SECONDS)` gives up first. Nothing is changed.
#[test]
fn kafka_configs_prints_the_brokers_refusals_as_config_command_does() {
    let mut run = three_brokers();
    let header = |args: &str| {
        format!("--- stderr\nError while executing config command with args '--bootstrap-server localhost:9092 {args}'\n")
    };
    let invalid = "java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.InvalidConfigurationException";
    let cases = [
        (
            "--alter --topic orders --add-config colour=blue",
            format!("{}{invalid}: Unknown topic config name: colour\n--- exit 1\n", header("--alter --topic orders --add-config colour=blue")),
        ),
        (
            "--alter --topic orders --add-config retention.ms=soon",
            format!("{}{invalid}: Invalid value soon for configuration retention.ms: Not a number of type LONG\n--- exit 1\n", header("--alter --topic orders --add-config retention.ms=soon")),
        ),
        (
            "--alter --topic orders --add-config retention.ms=-5",
            format!("{}{invalid}: Invalid value -5 for configuration retention.ms: Value must be at least -1\n--- exit 1\n", header("--alter --topic orders --add-config retention.ms=-5")),
        ),
        (
            "--alter --topic orders --add-config retention.ms=0",
            "--- stderr\nThe playground cannot take retention.ms=0: it keeps retention.ms at -1 (no limit) or a positive number; Kafka also takes 0.\n--- exit 1\n".to_string(),
        ),
        (
            "--alter --topic orders --add-config retention.bytes=-5",
            "--- stderr\nThe playground cannot take retention.bytes=-5: it keeps retention.bytes at -1 (no limit) or a positive number; Kafka also takes 0 and any negative number (no limit).\n--- exit 1\n".to_string(),
        ),
        (
            "--alter --topic orders --delete-config retention.ms,colour,retention.bytes",
            "--- stderr\nInvalid config(s): retention.ms,colour\n--- exit 1\n".to_string(),
        ),
        (
            "--describe --topic nosuch",
            format!("{}java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: The topic 'nosuch' does not exist.\n--- exit 1\n", header("--describe --topic nosuch")),
        ),
    ];
    // orders' one dynamic config: retention.bytes.
    let bytes = "kafka-configs $BS --alter --topic orders --add-config retention.bytes=1048576";
    assert_eq!(sh(&mut run, bytes), "Completed updating config for topic orders.\n--- exit 0\n");
    let before = run.cluster.topics()["orders"].retention;
    for (args, want) in cases {
        let line = format!("kafka-configs $BS {args}");
        let (out, apis) = sh_rewritten(&mut run, &line, "", |r| r);
        assert_eq!(out, want, "{line}");
        assert_eq!(apis, ["DescribeConfigs"], "{line}");
    }
    assert_eq!(run.cluster.topics()["orders"].retention, before, "nothing changed");
    // Deleting an override that is there goes through.
    let set = "kafka-configs $BS --alter --topic orders --add-config retention.ms=1000";
    assert_eq!(sh(&mut run, set), "Completed updating config for topic orders.\n--- exit 0\n");
    let del = "kafka-configs $BS --alter --topic orders --delete-config retention.ms";
    assert_eq!(sh(&mut run, del), "Completed updating config for topic orders.\n--- exit 0\n");
    assert_eq!(run.cluster.topics()["orders"].retention, before);
}

/// `kafka-configs --describe --entity-type brokers` without a name describes every broker that
/// is up (`describeCluster`), then the cluster-wide defaults.
#[test]
fn kafka_configs_describes_every_broker() {
    let mut run = three_brokers();
    broker(&mut run, stop(2));
    assert_eq!(
        sh(&mut run, "kafka-configs $BS --describe --entity-type brokers"),
        "Dynamic configs for broker 1 are:\nDynamic configs for broker 3 are:\nDefault configs for brokers in the cluster are:\n--- exit 0\n"
    );
    assert_eq!(
        sh(&mut run, "kafka-configs $BS --describe --broker 3"),
        "Dynamic configs for broker 3 are:\n--- exit 0\n"
    );
}

/// `GetOffsetShell`: a partition whose ListOffsets answer carries an error is skipped with
/// its line on stderr ("Skip getting offsets for topic-partition …"), the others printed: a
/// non-retriable error as its exception; a retriable one (the leader moved) as the
/// TimeoutException of the call that kept looking for the leader.
#[test]
fn get_offsets_skips_a_partition_whose_answer_has_an_error() {
    use broker_playground::core::ErrorCode;
    fn refuse(r: Response, code: ErrorCode) -> Response {
        match r {
            Response::ListOffsets(mut r) => {
                for p in r.partitions.iter_mut().filter(|p| p.partition.partition == 1) {
                    p.error_code = Some(code);
                    p.offset = -1;
                }
                Response::ListOffsets(r)
            }
            other => other,
        }
    }
    let skipped = |code: ErrorCode, error: &str| {
        let mut run = three_brokers();
        let rewrite: fn(Response) -> Response = match code {
            ErrorCode::TopicAuthorizationFailed => |r| refuse(r, ErrorCode::TopicAuthorizationFailed),
            _ => |r| refuse(r, ErrorCode::NotLeaderOrFollower),
        };
        let (out, apis) = sh_rewritten(&mut run, "kafka-get-offsets $BS --topic orders", "", rewrite);
        assert_eq!(apis, ["Metadata", "ListOffsets"]);
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[0].starts_with("orders:0:") && lines[1].starts_with("orders:2:"), "{out}");
        let skip = format!("Skip getting offsets for topic-partition orders-1 due to error: {error}");
        assert_eq!(&lines[2..], ["--- stderr", skip.as_str(), "--- exit 0"], "{out}");
    };
    skipped(
        ErrorCode::TopicAuthorizationFailed,
        "org.apache.kafka.common.errors.TopicAuthorizationException: Topic authorization failed.",
    );
    skipped(
        ErrorCode::NotLeaderOrFollower,
        "org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: listOffsets(api=METADATA)",
    );
}

/// A partition whose only replica's broker crashed has no leader: `Admin.listOffsets` keeps
/// looking for one until its deadline, and `GetOffsetShell` skips it with that timeout; the
/// partitions with a leader are printed.
#[test]
fn get_offsets_skips_a_partition_without_a_leader() {
    let s = Scenario::from_json(
        r#"{"version": 1, "seed": 7, "brokers": [{"id": 1}, {"id": 2}],
            "topics": [{"name": "solo", "partitions": 2, "replication_factor": 1}],
            "duration": "60s"}"#,
    )
    .unwrap();
    let mut run = Run::new(s).unwrap();
    run.advance(1_000);
    let rep = run.cluster.replication();
    let leader_of_1 = rep.partition("solo", 1).unwrap().registration.leader;
    let leader_of_0 = rep.partition("solo", 0).unwrap().registration.leader;
    assert_ne!(leader_of_0, leader_of_1, "one partition on each broker");
    broker(&mut run, Command::CrashBroker { broker: leader_of_1 });
    run.advance(run.now() + 20_000);
    assert_eq!(
        sh(&mut run, "kafka-get-offsets $BS --topic solo"),
        "solo:0:0\n--- stderr\nSkip getting offsets for topic-partition solo-1 due to error: org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node assignment. Call: listOffsets(api=METADATA)\n--- exit 0\n"
    );
}

/// The console clients ask the broker first (Metadata, as their user), as Kafka's clients do,
/// and refuse from what it answers: here the answers are rewritten (the authorizer is off and
/// the topic exists), and the tools say what the answers say.
#[test]
fn console_clients_refuse_from_the_answers_they_receive() {
    use broker_playground::core::ErrorCode;
    let mut run = three_brokers();
    fn topic_error(r: Response, code: ErrorCode) -> Response {
        match r {
            Response::Metadata(mut m) => {
                for t in &mut m.topics {
                    t.error_code = Some(code);
                    t.partitions.clear();
                }
                Response::Metadata(m)
            }
            other => other,
        }
    }
    let consume = "kafka-console-consumer $BS --topic orders --from-beginning";
    let produce = "kafka-console-producer $BS --topic orders";
    let denied = |r| topic_error(r, ErrorCode::TopicAuthorizationFailed);
    let unknown = |r| topic_error(r, ErrorCode::UnknownTopicOrPartition);
    assert_eq!(
        sh_rewritten(&mut run, consume, "", denied),
        (
            "--- stderr\n[2026-01-01 00:00:00,000] ERROR Error processing message, terminating consumer process:  (org.apache.kafka.tools.consumer.ConsoleConsumer)\norg.apache.kafka.common.errors.TopicAuthorizationException: Not authorized to access topics: [orders]\nProcessed a total of 0 messages\n--- exit 1\n".to_string(),
            vec!["Metadata"]
        )
    );
    assert_eq!(
        sh_rewritten(&mut run, consume, "", unknown),
        (
            "--- stderr\n[console-consumer] WARN Error while fetching metadata with correlation id 2 : {orders=UNKNOWN_TOPIC_OR_PARTITION}\nProcessed a total of 0 messages\n--- exit 0\n".to_string(),
            vec!["Metadata"]
        )
    );
    // Any other topic error is named as the answer names it (the client logs the code's name).
    assert_eq!(
        sh_rewritten(&mut run, consume, "", |r| topic_error(r, ErrorCode::InvalidTopicException)),
        (
            "--- stderr\n[console-consumer] WARN Error while fetching metadata with correlation id 2 : {orders=INVALID_TOPIC_EXCEPTION}\nProcessed a total of 0 messages\n--- exit 0\n".to_string(),
            vec!["Metadata"]
        )
    );
    let before = run.cluster.topics()["orders"].partition(0).unwrap().log_end();
    assert_eq!(
        sh_rewritten(&mut run, produce, "hello\n", denied),
        (
            "--- stderr\n[console-producer] WARN Error while fetching metadata with correlation id 1 : {orders=TOPIC_AUTHORIZATION_FAILED}\nERROR Error when sending message to topic orders with key: null, value: 0 bytes with error: (org.apache.kafka.clients.producer.internals.ErrorLoggingCallback)\norg.apache.kafka.common.errors.TopicAuthorizationException: Not authorized to access topics: [orders]\n--- exit 1\n".to_string(),
            vec!["Metadata"]
        )
    );
    assert_eq!(
        sh_rewritten(&mut run, produce, "hello\n", unknown),
        (
            "--- stderr\n[console-producer] WARN Error while fetching metadata with correlation id 1 : {orders=UNKNOWN_TOPIC_OR_PARTITION}\nERROR Error when sending message to topic orders with key: null, value: 0 bytes with error: (org.apache.kafka.clients.producer.internals.ErrorLoggingCallback)\norg.apache.kafka.common.errors.TimeoutException: Topic orders not present in metadata after 60000 ms.\n--- exit 1\n".to_string(),
            vec!["Metadata"]
        )
    );
    assert_eq!(run.cluster.topics()["orders"].partition(0).unwrap().log_end(), before, "nothing was sent");
    // No partition has a leader in the answer: the consumer fetches from none, reads nothing.
    let (out, apis) = sh_rewritten(&mut run, consume, "", |r| match r {
        Response::Metadata(mut m) => {
            for p in m.topics.iter_mut().flat_map(|t| t.partitions.iter_mut()) {
                p.error_code = Some(ErrorCode::LeaderNotAvailable);
            }
            Response::Metadata(m)
        }
        other => other,
    });
    assert_eq!(
        (out.as_str(), apis),
        ("--- stderr\nProcessed a total of 0 messages\n--- exit 0\n", vec!["Metadata"])
    );
    assert!(sh(&mut run, consume).contains("Processed a total of 9"), "with leaders it reads");
}

/// A session whose person ran the tools' reads (lists, describes, offsets, a one-shot console
/// consumer) between its changes replays identically from its seed: the reads cross the
/// network but change nothing a replay would miss.
#[test]
fn a_session_with_tool_reads_replays_identically() {
    use broker_playground::core::scenario::event_stream_hash;
    let mut run = Run::new(three_brokers_scenario("all")).unwrap();
    let mut events = Vec::new();
    let reads = [
        "kafka-topics $BS --list",
        "kafka-topics $BS --describe --topic orders",
        "kafka-consumer-groups $BS --describe --group g1",
        "kafka-consumer-groups $BS --list --state",
        "kafka-get-offsets $BS --topic orders",
        "kafka-configs $BS --describe --topic orders",
        "kafka-acls $BS --list",
        "kafka-console-consumer $BS --topic orders --from-beginning --max-messages 5",
    ];
    for (i, at) in [12_000, 15_500, 21_250, 30_000].into_iter().enumerate() {
        events.extend(run.advance(at));
        for line in reads {
            sh(&mut run, line);
        }
        // Changes among the reads: journaled, so the replay makes them too.
        let now = run.now();
        if i == 1 {
            events.extend(run.apply(now, Command::create_topic("audit", 2)).unwrap());
        }
        if i == 2 {
            events.extend(run.apply(now, stop(1)).unwrap());
        }
    }
    events.extend(run.advance(60_000));
    assert!(run.cluster.admin().requests_sent() > 30, "the reads went over the network");
    let mut replay = Run::new(run.export()).unwrap();
    let replayed = replay.advance(60_000);
    let hash = |e: &[broker_playground::core::Event]| event_stream_hash(e.iter());
    assert_eq!(events.len(), replayed.len());
    assert_eq!(events, replayed);
    assert_eq!(hash(&events), hash(&replayed));
}

/// What README says of sessions saved before the tools went over the network: a change the
/// person made while no broker was up (it succeeded then: the admin client reached the
/// cluster whatever its brokers did) is now a step that fails when the session replays, told
/// in the timeline as ScriptStepFailed; steps made while a broker was up replay as before.
#[test]
fn a_step_saved_while_no_broker_answered_replays_as_a_failed_step() {
    use broker_playground::core::EventKind;
    let s = Scenario::from_json(
        r#"{"version": 1, "seed": 7, "brokers": [{"id": 1}, {"id": 2}],
            "topics": [{"name": "orders", "partitions": 1, "replication_factor": 2}],
            "script": [{"at": "00:01", "do": {"type": "stop_broker", "broker": 1}},
                       {"at": "00:02", "do": {"type": "create_topic", "name": "audit", "partitions": 1}},
                       {"at": "00:03", "do": {"type": "stop_broker", "broker": 2}},
                       {"at": "00:04", "do": {"type": "create_topic", "name": "later", "partitions": 1}}],
            "duration": "10s"}"#,
    )
    .unwrap();
    let mut run = Run::new(s).unwrap();
    let failed: Vec<String> = run
        .advance(10_000)
        .into_iter()
        .filter_map(|e| match e.kind {
            EventKind::ScriptStepFailed { error } => Some(error),
            _ => None,
        })
        .collect();
    assert_eq!(failed, ["REQUEST_TIMED_OUT: Timed out waiting for a node assignment. Call: createTopics"]);
    assert!(run.cluster.topics().contains_key("audit") && !run.cluster.topics().contains_key("later"));
}

/// Runs `line` as the page's terminal does (`follow`: a console consumer is left running):
/// the text as [`common::sh_as`] shows it, and the consumer started, if any.
fn sh_follow(run: &mut Run, line: &str, user: Option<&str>) -> (String, Option<String>) {
    let ctx = Context { user: user.map(str::to_string), stdin: String::new(), follow: true };
    let o = common::run_line(line, run, &ctx);
    (common::shown(&o), o.started)
}

/// In the page, a console consumer started while no broker can be reached keeps trying, as
/// Kafka's does without `--timeout-ms`: it logs that node -1 cannot be reached, starts, and
/// reads once a broker answers. (One shot it has read nothing when its time is up.)
#[test]
fn a_console_consumer_in_the_page_keeps_trying_while_no_broker_answers() {
    let mut run = three_brokers();
    for id in [1, 2, 3] {
        broker(&mut run, stop(id));
    }
    let (out, started) =
        sh_follow(&mut run, "kafka-console-consumer $BS --topic orders --from-beginning", None);
    assert_eq!(
        out,
        "--- stderr\n[console-consumer] WARN Connection to node -1 (localhost/127.0.0.1:9092) could not be established. Node may not be available.\n--- exit 0\n"
    );
    let name = started.expect("the consumer is started");
    assert_eq!(run.cluster.consumers()[&name].fetched, 0);
    // With --partition too: no answer, so no partition count to check it against.
    let (out, started) = sh_follow(&mut run, "kafka-console-consumer $BS --topic orders --partition 2", None);
    assert!(out.ends_with("Node may not be available.\n--- exit 0\n"), "{out}");
    assert!(started.is_some());
    // Broker 3 went last, so it is the one in-sync replica left: it leads again once started.
    broker(&mut run, Command::StartBroker { broker: BrokerId(3) });
    run.advance(run.now() + 20_000);
    let c = &run.cluster.consumers()[&name];
    assert!(c.fetched > 0, "it reads once a broker answers: {c:?}");
}

/// In the page, a console consumer of a topic the broker does not know keeps asking for it,
/// as Kafka's does: the metadata warning, and a consumer that is started (one shot, it has
/// read nothing when its time is up).
#[test]
fn a_console_consumer_in_the_page_waits_for_an_unknown_topic() {
    let mut run = three_brokers();
    let (out, started) = sh_follow(&mut run, "kafka-console-consumer $BS --topic audit", None);
    assert_eq!(
        out,
        "--- stderr\n[console-consumer] WARN Error while fetching metadata with correlation id 2 : {audit=UNKNOWN_TOPIC_OR_PARTITION}\n--- exit 0\n"
    );
    assert!(started.is_some());
    assert_eq!(
        sh(&mut run, "kafka-console-consumer $BS --topic audit"),
        "--- stderr\n[console-consumer] WARN Error while fetching metadata with correlation id 2 : {audit=UNKNOWN_TOPIC_OR_PARTITION}\nProcessed a total of 0 messages\n--- exit 0\n"
    );
}

/// A console consumer in a group needs READ on the group (its JoinGroup), one shot as in the
/// page: without it the poll throws GroupAuthorizationException, nothing is read, and no
/// offset is committed; DESCRIBE on the group (enough for OffsetFetch) is not enough.
#[test]
fn a_console_consumer_needs_read_on_its_group() {
    let mut run = three_brokers();
    let now = run.now();
    run.apply(now, Command::SetAuthorization { enabled: true, allow_everyone_if_no_acl_found: Some(false) })
        .unwrap();
    for acl in ["--operation Read --operation Describe --topic orders", "--operation Describe --group g9"] {
        let line = format!("kafka-acls $BS --add --allow-principal User:bob {acl}");
        assert!(sh(&mut run, &line).ends_with("--- exit 0\n"));
    }
    let refused = "--- stderr\n[2026-01-01 00:00:00,000] ERROR Error processing message, terminating consumer process:  (org.apache.kafka.tools.consumer.ConsoleConsumer)\norg.apache.kafka.common.errors.GroupAuthorizationException: Not authorized to access group: g9\nProcessed a total of 0 messages\n--- exit 1\n";
    let line = "kafka-console-consumer $BS --topic orders --group g9 --from-beginning";
    assert_eq!(common::sh_as(&mut run, line, "", Some("bob")), refused);
    assert!(!run.cluster.groups().contains_key("g9"), "nothing committed");
    let (out, started) = sh_follow(&mut run, line, Some("bob"));
    assert_eq!((out.as_str(), started), (refused, None));
    // With READ on the group it reads and commits.
    assert!(sh(&mut run, "kafka-acls $BS --add --allow-principal User:bob --operation Read --group g9")
        .ends_with("--- exit 0\n"));
    let out = common::sh_as(&mut run, line, "", Some("bob"));
    assert!(
        out.starts_with("p1-") && out.ends_with(" messages\n--- exit 0\n") && !out.contains("total of 0 "),
        "{out}"
    );
    assert!(run.cluster.groups().contains_key("g9"));
}

/// `kafka-consumer-groups --delete-offsets` as `ConsumerGroupService.deleteOffsets` prints it:
/// the delete is sent even when no partition is left (so a missing group is still named), its
/// top-level error is the first line, and the table always follows, a row per partition
/// (or "Not Provided" for a topic `describeTopics` failed for). The broker answers
/// UNKNOWN_TOPIC_OR_PARTITION for a partition that does not exist
/// (`KafkaApis.handleOffsetDeleteRequest`), and deletes the others.
#[test]
fn consumer_groups_delete_offsets_prints_every_result() {
    let mut run = three_brokers();
    let not_provided = "Error: :org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition.";
    let table = "\nTOPIC                          PARTITION       STATUS         ";
    assert_eq!(
        sh(&mut run, "kafka-consumer-groups $BS --delete-offsets --group nosuch --topic nosuchtopic"),
        format!("\nError: 'nosuch' does not exist.\n{table}\nnosuchtopic                    Not Provided    {not_provided}\n--- exit 1\n")
    );
    assert_eq!(
        sh(&mut run, "kafka-consumer-groups $BS --delete-offsets --group nosuch --topic orders:0"),
        format!("\nError: 'nosuch' does not exist.\n{table}\norders                         0               Error: :org.apache.kafka.common.errors.GroupIdNotFoundException: The group id does not exist.\n--- exit 1\n")
    );
    // g1's member subscribes to orders; stopped, the group is empty.
    let now = run.now();
    run.apply(now, Command::RemoveConsumer { name: "c1".into() }).unwrap();
    run.advance(run.now() + 1_000);
    assert!(run.cluster.groups()["g1"].offsets.keys().any(|tp| tp.partition == 0));
    assert_eq!(
        sh(&mut run, "kafka-consumer-groups $BS --delete-offsets --group g1 --topic orders:0,7"),
        format!("\nError: Encounter some partition level error, see the follow-up details:\n{table}\norders                         0               Successful     \norders                         7               Error: :org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition.\n--- exit 1\n")
    );
    assert!(!run.cluster.groups()["g1"].offsets.keys().any(|tp| tp.partition == 0), "partition 0's went");
    // A group that exists and a topic that does not: the (empty) delete succeeds.
    assert_eq!(
        sh(&mut run, "kafka-consumer-groups $BS --delete-offsets --group g1 --topic nosuchtopic"),
        format!("Request succeed for deleting offsets with topic nosuchtopic group g1\n{table}\nnosuchtopic                    Not Provided    {not_provided}\n--- exit 1\n")
    );
}

/// `--list --state` and `--type` values are checked before any call
/// (`consumerGroupStatesFromString`, `consumerGroupTypesFromString`): a bad one is the usage
/// error even with every broker down; good ones go on to the call, which times out.
#[test]
fn consumer_groups_list_checks_states_and_types_before_any_call() {
    let mut run = three_brokers();
    for id in [1, 2, 3] {
        broker(&mut run, stop(id));
    }
    let first_line = |out: String| out.lines().next().unwrap_or_default().to_string();
    let cases = [
        (
            "kafka-consumer-groups $BS --list --state Bogus",
            "--- stderr",
            "Invalid state list 'Bogus'. Valid states are: PreparingRebalance, CompletingRebalance, Stable, Dead, Empty, Assigning, Reconciling",
        ),
        (
            "kafka-consumer-groups $BS --list --state stable,Bogus",
            "--- stderr",
            "Invalid state list 'stable,Bogus'. Valid states are: PreparingRebalance, CompletingRebalance, Stable, Dead, Empty, Assigning, Reconciling",
        ),
        (
            "kafka-consumer-groups $BS --list --type bogus",
            "--- stderr",
            "Invalid types list 'bogus'. Valid types are: Consumer, Classic, Share",
        ),
    ];
    for (line, first, second) in cases {
        let out = sh(&mut run, line);
        assert_eq!(first_line(out.clone()), first, "{line}\n{out}");
        assert_eq!(out.lines().nth(1), Some(second), "{line}\n{out}");
        assert!(out.ends_with("--- exit 1\n") && !out.contains("TimeoutException"), "{out}");
    }
    let out = sh(&mut run, "kafka-consumer-groups $BS --list --state STABLE, --type classic");
    assert!(out.contains("TimeoutException: Timed out waiting for a node assignment"), "{out}");
}

/// OffsetDelete answers per partition, and the broker deletes the partitions it does not
/// refuse. A `DeleteGroupOffsets` naming a refused partition beside good ones used to fail as a
/// whole after the broker had deleted the good ones' offsets: a "refused" command that changed
/// the state, left out of the session's journal (so an Export replayed differently).
#[test]
fn deleting_offsets_with_a_refused_partition_deletes_the_others_and_says_which_was_refused() {
    use broker_playground::core::config::ClusterConfig;
    use broker_playground::core::error::ErrorCode;
    use broker_playground::core::event::EventKind;
    use broker_playground::core::ids::TopicPartition;
    use broker_playground::i18n::Narrate;
    let mut c = Cluster::new(ClusterConfig::default(), 1);
    c.apply(0, Command::create_topic("orders", 3)).unwrap();
    let offsets = vec![("orders".into(), 0, 0), ("orders".into(), 1, 0)];
    c.apply(0, Command::AlterGroupOffsets { group: "g".into(), offsets }).unwrap();
    let committed = |c: &Cluster| c.describe_group("g").iter().filter(|r| r.current_offset.is_some()).count();
    assert_eq!(committed(&c), 2);
    let delete =
        |partitions| Command::DeleteGroupOffsets { group: "g".into(), topic: "orders".into(), partitions };
    // Every partition refused: an error, and nothing changed.
    let e = c.apply(0, delete(vec![7, 8])).unwrap_err();
    assert_eq!(e.code(), Some(ErrorCode::UnknownTopicOrPartition), "{e}");
    assert_eq!(committed(&c), 2);
    // Partition 7 refused, 0 deleted: the command succeeded, and its event says both.
    let events = c.apply(0, delete(vec![0, 7])).unwrap();
    assert_eq!(committed(&c), 1);
    let event = events.iter().find(|e| matches!(e.kind, EventKind::GroupOffsetsDeleted { .. })).unwrap();
    let EventKind::GroupOffsetsDeleted { partitions, refused, .. } = &event.kind else { unreachable!() };
    assert_eq!(partitions, &[TopicPartition::new("orders", 0)]);
    assert_eq!(refused, &[(TopicPartition::new("orders", 7), ErrorCode::UnknownTopicOrPartition)]);
    assert_eq!(
        event.narrate(),
        "group g: committed offsets of orders-0 deleted; group g: the broker refused to delete the \
         committed offsets of orders-7 (UNKNOWN_TOPIC_OR_PARTITION)"
    );
}
