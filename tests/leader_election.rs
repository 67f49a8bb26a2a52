//! `kafka-leader-election` (LeaderElectionCommand), the ElectLeaders request behind it, and the
//! controller moving leadership back to preferred replicas on its own
//! (`auto.leader.rebalance.enable`). Expected texts are Kafka 4's, filled with the playground's
//! values; the stack trace after a failure is shown by its first line only (see the tool).

use broker_playground::core::command::Command;
use broker_playground::core::event::{ElectionTrigger, Event, EventKind};
use broker_playground::core::ids::BrokerId;
use broker_playground::core::scenario::{Run, Scenario};
use expect_test::{expect, Expect};

mod common;

fn sh_as(run: &mut Run, line: &str, user: Option<&str>) -> String {
    common::sh_as(run, line, "", user)
}

/// Three brokers, `orders` with 3 partitions of 3 replicas; broker `stopped` is stopped at 1 s
/// and started again at 2 s, so by 5 s it is back in every ISR but leads nothing.
fn cluster(auto_rebalance: bool, stopped: i32) -> Run {
    let text = format!(
        r#"{{
  "version": 1, "id": "t", "seed": 7,
  "brokers": [{{"id": 1}}, {{"id": 2}}, {{"id": 3}}],
  "cluster": {{"auto.leader.rebalance.enable": {auto_rebalance}}},
  "topics": [{{"name": "orders", "partitions": 3, "replication_factor": 3}}],
  "producers": [{{"name": "p1", "topic": "orders", "rate": 10}}],
  "script": [{{"at": "00:01", "do": {{"type": "stop_broker", "broker": {stopped}}}}},
             {{"at": "00:02", "do": {{"type": "start_broker", "broker": {stopped}}}}}],
  "duration": "60s"
}}"#
    );
    let s = Scenario::from_json(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    Run::new(s).unwrap()
}

fn sh(run: &mut Run, line: &str) -> String {
    sh_as(run, line, None)
}

fn check(actual: String, expected: Expect) {
    expected.assert_eq(&actual);
}

/// Each partition's leader and its preferred replica.
fn leaders(run: &Run) -> Vec<(i32, i32)> {
    let rep = run.cluster.replication();
    (0..3)
        .map(|p| {
            let r = &rep.partition("orders", p).unwrap().registration;
            (r.leader.0, r.preferred_replica().0)
        })
        .collect()
}

fn not_preferred(run: &Run) -> Vec<u32> {
    leaders(run).iter().enumerate().filter(|(_, (l, p))| l != p).map(|(i, _)| i as u32).collect()
}

#[test]
fn usage_and_the_mistakes_kafka_complains_about() {
    let mut run = cluster(false, 1);
    let usage = sh(&mut run, "kafka-leader-election.sh");
    check(
        usage,
        expect![[r#"
            --- stderr
            This tool attempts to elect a new leader for a set of topic partitions. The type of elections supported are preferred replicas and unclean replicas.
            Option                                   Description
            ------                                   -----------
            --admin.config <String: config file>     Configuration properties files to pass
                                                       to the admin client
            --all-topic-partitions                   Perform election on all of the eligible
                                                       topic partitions based on the type of
                                                       election (see the --election-type
                                                       flag). Not allowed if --topic or
                                                       --path-to-json-file is specified.
            --bootstrap-server <String: host:port>   A hostname and port for the broker to
                                                       connect to, in the form host:port.
                                                       Multiple comma separated URLs can be
                                                       given. REQUIRED.
            --election-type <[PREFERRED,UNCLEAN]:    Type of election to attempt. Possible
            election type>                             values are "preferred" for preferred
                                                       leader election or "unclean" for
                                                       unclean leader election. If preferred
                                                       election is selection, the election
                                                       is only performed if the current
                                                       leader is not the preferred leader
                                                       for the topic partition. If unclean
                                                       election is selected, the election is
                                                       only performed if there are no leader
                                                       for the topic partition. REQUIRED.
            --help                                   Print usage information.
            --partition <Integer: partition id>      Partition id for which to perform an
                                                       election. REQUIRED if --topic is
                                                       specified.
            --path-to-json-file <String: Path to     The JSON file with the list of
            JSON file>                                 partition for which leader elections
                                                       should be performed. This is an
                                                       example format.
                                                     {"partitions":
                                                     	[{"topic": "foo", "partition": 1},
                                                     	 {"topic": "foobar", "partition": 2}]
                                                     }
                                                     Not allowed if --all-topic-partitions
                                                       or --topic flags are specified.
            --topic <String: topic name>             Name of topic for which to perform an
                                                       election. Not allowed if
                                                       --path-to-json-file or
                                                       --all-topic-partitions is specified.
            --version                                Display Kafka version.
            --- exit 1
        "#]],
    );
    assert_eq!(sh(&mut run, "kafka-leader-election --help"), sh(&mut run, "kafka-leader-election.sh"));
    check(
        sh(&mut run, "kafka-leader-election.sh --topic orders --partition 0"),
        expect![[r#"
            --- stderr
            Missing required option(s): bootstrap-server, election-type
            org.apache.kafka.server.common.AdminCommandFailedException: Missing required option(s): bootstrap-server, election-type
            --- exit 1
        "#]],
    );
    check(
        sh(&mut run, "kafka-leader-election.sh $BS --election-type preferred"),
        expect![[r#"
            --- stderr
            One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file
            org.apache.kafka.server.common.AdminCommandFailedException: One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file
            --- exit 1
        "#]],
    );
    check(
        sh(
            &mut run,
            "kafka-leader-election.sh $BS --election-type preferred --topic orders --all-topic-partitions",
        ),
        expect![[r#"
            --- stderr
            One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file
            org.apache.kafka.server.common.AdminCommandFailedException: One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file
            --- exit 1
        "#]],
    );
    check(
        sh(&mut run, "kafka-leader-election.sh $BS --election-type preferred --topic orders"),
        expect![[r#"
            --- stderr
            Missing required option(s): partition
            org.apache.kafka.server.common.AdminCommandFailedException: Missing required option(s): partition
            --- exit 1
        "#]],
    );
    check(
        sh(
            &mut run,
            "kafka-leader-election.sh $BS --election-type preferred --all-topic-partitions --partition 1",
        ),
        expect![[r#"
            --- stderr
            Option partition is only allowed if topic is used
            org.apache.kafka.server.common.AdminCommandFailedException: Option partition is only allowed if topic is used
            --- exit 1
        "#]],
    );
    check(
        sh(&mut run, "kafka-leader-election.sh $BS --election-type leader --all-topic-partitions"),
        expect![[r#"
            --- stderr
            Cannot parse argument 'leader' of option election-type
            joptsimple.OptionArgumentConversionException: Cannot parse argument 'leader' of option election-type
            --- exit 1
        "#]],
    );
    check(
        sh(&mut run, "kafka-leader-election.sh $BS --election-type preferred --topic orders --partition x"),
        expect![[r#"
            --- stderr
            Cannot parse argument 'x' of option partition
            joptsimple.OptionArgumentConversionException: Cannot parse argument 'x' of option partition
            --- exit 1
        "#]],
    );
    check(
        sh(&mut run, "kafka-leader-election.sh $BS --election-type preferred --topics orders"),
        expect![[r#"
            --- stderr
            topics is not a recognized option
            joptsimple.UnrecognizedOptionException: topics is not a recognized option
            --- exit 1
        "#]],
    );
    check(
        sh(&mut run, "kafka-leader-election.sh $BS --election-type preferred --path-to-json-file e.json"),
        expect![[r#"
            --- stderr
            The playground cannot do this: --path-to-json-file: the terminal reads no files; name one partition with --topic and --partition, or use --all-topic-partitions.
            --- exit 1
        "#]],
    );
    check(
        sh(&mut run, "kafka-leader-election.sh $BS --election-type preferred --all-topic-partitions --admin.config a.properties"),
        expect![[r#"
            --- stderr
            The playground cannot do this: --admin.config: the terminal reads no files; its client is configured by the Run as select.
            --- exit 1
        "#]],
    );
    check(
        sh(&mut run, "kafka-leader-election.sh --version"),
        expect![[r#"
        4.0.0
        --- exit 0
    "#]],
    );
}

#[test]
fn preferred_election_moves_leadership_back_and_says_so_per_partition() {
    let mut run = cluster(false, 1);
    run.advance(5_000);
    let moved = not_preferred(&run);
    assert!(
        !moved.is_empty(),
        "broker 1 lost its leaderships in the controlled shutdown: {:?}",
        leaders(&run)
    );
    // A partition led by its preferred replica needs no election.
    let fine = (0..3).find(|p| !moved.contains(p)).expect("one partition preferred elsewhere");
    let out = sh(
        &mut run,
        &format!("kafka-leader-election $BS --election-type PREFERRED --topic orders --partition {fine}"),
    );
    assert_eq!(out, format!("Valid replica already elected for partitions orders-{fine}\n--- exit 0\n"));
    // Election type is read in any case, as jopt-simple's EnumConverter does.
    let first = moved[0];
    let out = sh(
        &mut run,
        &format!("kafka-leader-election $BS --election-type preferred --topic orders --partition {first}"),
    );
    assert_eq!(
        out,
        format!(
            "Successfully completed leader election (PREFERRED) for partitions orders-{first}\n--- exit 0\n"
        )
    );
    // Then every other one; partitions needing none are left out of the answer.
    let out = sh(&mut run, "kafka-leader-election.sh $BS --election-type preferred --all-topic-partitions");
    let rest: Vec<String> = moved[1..].iter().map(|p| format!("orders-{p}")).collect();
    if rest.is_empty() {
        assert_eq!(out, "--- exit 0\n");
    } else {
        assert_eq!(
            out,
            format!(
                "Successfully completed leader election (PREFERRED) for partitions {}\n--- exit 0\n",
                rest.join(", ")
            )
        );
    }
    assert!(not_preferred(&run).is_empty(), "{:?}", leaders(&run));
    // Nothing left to do.
    check(
        sh(&mut run, "kafka-leader-election.sh $BS --election-type preferred --all-topic-partitions"),
        expect![[r#"
            --- exit 0
        "#]],
    );
    // Unknown topics and partitions: the controller's words.
    check(
        sh(&mut run, "kafka-leader-election.sh $BS --election-type preferred --topic nope --partition 0"),
        expect![[r#"
            Error completing leader election (PREFERRED) for partition: nope-0: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: No such topic as nope
            --- stderr
            1 replica(s) could not be elected
            org.apache.kafka.server.common.AdminCommandFailedException: 1 replica(s) could not be elected
            --- exit 1
        "#]],
    );
    check(
        sh(&mut run, "kafka-leader-election.sh $BS --election-type preferred --topic orders --partition 7"),
        expect![[r#"
            Error completing leader election (PREFERRED) for partition: orders-7: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: No such partition as orders-7
            --- stderr
            1 replica(s) could not be elected
            org.apache.kafka.server.common.AdminCommandFailedException: 1 replica(s) could not be elected
            --- exit 1
        "#]],
    );
}

#[test]
fn elections_the_controller_cannot_make_and_unclean_elections() {
    // Broker 1 stays down: the partitions it prefers cannot go back to it.
    let mut run = cluster(false, 1);
    run.advance(1_500);
    let moved = not_preferred(&run);
    let first = moved[0];
    check(
        sh(
            &mut run,
            &format!(
                "kafka-leader-election $BS --election-type preferred --topic orders --partition {first}"
            ),
        )
        .replace(&format!("orders-{first}"), "orders-P"),
        expect![[r#"
            Error completing leader election (PREFERRED) for partition: orders-P: org.apache.kafka.common.errors.PreferredLeaderNotAvailableException: The preferred leader was not available.
            --- stderr
            1 replica(s) could not be elected
            org.apache.kafka.server.common.AdminCommandFailedException: 1 replica(s) could not be elected
            --- exit 1
        "#]],
    );
    // An unclean election is needed only where there is no leader.
    check(
        sh(&mut run, "kafka-leader-election $BS --election-type unclean --topic orders --partition 0"),
        expect![[r#"
            Valid replica already elected for partitions orders-0
            --- exit 0
        "#]],
    );
    // Broker 1 is stopped (1 s), then broker 2 stops and broker 3 crashes: once 3 is fenced
    // (3 s later) no in-sync replica is alive. Broker 1 is back from 2 s but out of sync.
    let mut run = cluster(false, 1);
    run.advance(1_500);
    run.apply(run.now(), Command::StopBroker { broker: BrokerId(2) }).unwrap();
    run.apply(run.now(), Command::CrashBroker { broker: BrokerId(3) }).unwrap();
    run.advance(5_000);
    let rep = run.cluster.replication();
    assert!((0..3).all(|p| !rep.partition("orders", p).unwrap().registration.has_leader()));
    check(
        sh(&mut run, "kafka-leader-election $BS --election-type unclean --topic orders --partition 0"),
        expect![[r#"
            Successfully completed leader election (UNCLEAN) for partitions orders-0
            --- exit 0
        "#]],
    );
    assert_eq!(leaders(&run)[0].0, 1, "the only live replica leads, out of sync");
    // Broker 1 stops as well: no replica is alive, and no broker either, so the admin client
    // finds no node to send ElectLeaders to: its call times out, and the tool says so as
    // `LeaderElectionCommand` does for a TimeoutException.
    run.apply(run.now(), Command::StopBroker { broker: BrokerId(1) }).unwrap();
    check(
        sh(&mut run, "kafka-leader-election $BS --election-type unclean --all-topic-partitions"),
        expect![[r#"
            Timeout waiting for election results
            --- stderr
            Timeout waiting for election results
            org.apache.kafka.server.common.AdminCommandFailedException: Timeout waiting for election results
            --- exit 1
        "#]],
    );
}

/// A broker answers but no replica of the partition is alive: the controller has nobody to
/// elect, even uncleanly (`ELIGIBLE_LEADERS_NOT_AVAILABLE`), as opposed to no broker answering
/// at all (the tool's timeout, above).
#[test]
fn an_unclean_election_with_no_live_replica_is_refused_by_the_controller() {
    let text = r#"{
  "version": 1, "id": "t", "seed": 7,
  "brokers": [{"id": 1}, {"id": 2}, {"id": 3}],
  "topics": [{"name": "solo", "partitions": 1, "replication_factor": 1}],
  "duration": "60s"
}"#;
    let mut run = Run::new(Scenario::from_json(text).unwrap()).unwrap();
    run.advance(500);
    let only = run.cluster.replication().partition("solo", 0).unwrap().registration.replicas[0];
    run.apply(run.now(), Command::StopBroker { broker: only }).unwrap();
    run.advance(1_000);
    assert!(!run.cluster.replication().partition("solo", 0).unwrap().registration.has_leader());
    check(
        sh(&mut run, "kafka-leader-election $BS --election-type unclean --topic solo --partition 0"),
        expect![[r#"
            Error completing leader election (UNCLEAN) for partition: solo-0: org.apache.kafka.common.errors.EligibleLeadersNotAvailableException: Eligible topic partition leaders are not available.
            --- stderr
            1 replica(s) could not be elected
            org.apache.kafka.server.common.AdminCommandFailedException: 1 replica(s) could not be elected
            --- exit 1
        "#]],
    );
}

#[test]
fn only_a_user_with_alter_on_the_cluster_may_elect_leaders() {
    let mut run = cluster(false, 1);
    run.advance(5_000);
    let lock = Command::SetAuthorization { enabled: true, allow_everyone_if_no_acl_found: Some(false) };
    run.apply(run.now(), lock).unwrap();
    let before = leaders(&run);
    check(
        sh_as(
            &mut run,
            "kafka-leader-election $BS --election-type preferred --all-topic-partitions",
            Some("bob"),
        ),
        expect![[r#"
            Not authorized to perform leader election
            --- stderr
            Not authorized to perform leader election
            org.apache.kafka.server.common.AdminCommandFailedException: Not authorized to perform leader election
            --- exit 1
        "#]],
    );
    assert_eq!(leaders(&run), before, "nothing changed");
    // The operator grants bob ALTER on the cluster; now the broker lets him.
    let grant = sh(&mut run, "kafka-acls $BS --add --allow-principal User:bob --operation Alter --cluster");
    assert!(grant.ends_with("--- exit 0\n"), "{grant}");
    let out = sh_as(
        &mut run,
        "kafka-leader-election $BS --election-type preferred --all-topic-partitions",
        Some("bob"),
    );
    assert!(out.starts_with("Successfully completed leader election (PREFERRED) for partitions "), "{out}");
    assert!(not_preferred(&run).is_empty());
}

fn elections(events: &[Event]) -> Vec<(u64, u32, i32, ElectionTrigger)> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::LeaderElection { partition, leader, trigger, .. } => {
                Some((e.at, *partition, leader.0, *trigger))
            }
            _ => None,
        })
        .collect()
}

/// The story: a broker restarts, and leadership comes back to it by itself one
/// `leader.imbalance.check.interval.seconds` (10 s at teaching pace) after it was lost.
#[test]
fn a_restarted_broker_gets_its_leaderships_back_by_itself() {
    let mut run = cluster(true, 2);
    let early = run.advance(10_999);
    assert!(elections(&early).is_empty());
    assert!(!not_preferred(&run).is_empty(), "broker 2 is back but leads nothing yet: {:?}", leaders(&run));
    let later = run.advance(11_000);
    let moved = elections(&later);
    assert!(!moved.is_empty());
    for (at, _, leader, trigger) in &moved {
        assert_eq!((*at, *leader, *trigger), (11_000, 2, ElectionTrigger::AutoRebalance));
    }
    assert!(not_preferred(&run).is_empty(), "{:?}", leaders(&run));
    // Each is followed by the leader change itself, with a new leader epoch.
    let changed = later
        .iter()
        .filter(|e| matches!(e.kind, EventKind::LeaderChanged { leader: Some(BrokerId(2)), .. }))
        .count();
    assert_eq!(changed, moved.len());
    // Nothing else to move: no further check.
    assert!(elections(&run.advance(60_000)).is_empty());
}

#[test]
fn with_auto_rebalance_off_leadership_stays_where_the_failure_put_it() {
    let mut run = cluster(false, 2);
    let events = run.advance(60_000);
    assert!(elections(&events).is_empty());
    assert!(!not_preferred(&run).is_empty());
}

/// Kafka defaults: the check waits 300 s.
#[test]
fn at_kafkas_pace_the_check_waits_five_minutes() {
    let text = r#"{
  "version": 1, "id": "t", "seed": 7, "pace": "kafka_defaults",
  "brokers": [{"id": 1}, {"id": 2}, {"id": 3}],
  "topics": [{"name": "orders", "partitions": 3, "replication_factor": 3}],
  "script": [{"at": "00:01", "do": {"type": "stop_broker", "broker": 1}},
             {"at": "00:02", "do": {"type": "start_broker", "broker": 1}}],
  "duration": "400s"
}"#;
    let mut run = Run::new(Scenario::from_json(text).unwrap()).unwrap();
    assert!(elections(&run.advance(300_999)).is_empty());
    let moved = elections(&run.advance(301_000));
    assert!(!moved.is_empty() && moved.iter().all(|m| m.0 == 301_000 && m.2 == 1), "{moved:?}");
}

/// An election typed in the terminal is a step of the session: exported, read back and replayed
/// from the seed, it elects the same leaders.
#[test]
fn an_election_is_journaled_and_replays() {
    let mut run = cluster(false, 1);
    run.advance(5_000);
    let out = sh(&mut run, "kafka-leader-election $BS --election-type preferred --all-topic-partitions");
    assert!(out.starts_with("Successfully completed"), "{out}");
    let after = leaders(&run);
    let text = run.export().to_json();
    assert!(text.contains("\"elect_leaders\""), "{text}");
    let mut again = Run::new(Scenario::from_json(&text).unwrap()).unwrap();
    again.advance(run.now());
    assert_eq!(leaders(&again), after);
    assert_eq!(run.rewind(run.now()).map(|r| leaders(&r)).ok(), Some(after));
}
