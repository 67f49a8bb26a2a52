//! `kafka-share-groups` against the simulation: Kafka 4.2's ShareGroupCommand layout (headers,
//! the column-width rule, row order), its checks' messages, and what `--reset-offsets` and
//! `--delete` do to the share group. Expected texts are Kafka's formats filled with the
//! playground's values (host `/127.0.0.1`, member ids `<client>-<8 hex digits>`).

use broker_playground::core::scenario::{Run, Scenario};
use broker_playground::core::tools::{self, Context};
use expect_test::{expect, Expect};

const BS: &str = "--bootstrap-server localhost:9092";

/// One topic of two partitions, three share consumers of `workers` (more members than
/// partitions: the simple assignor shares them), a classic group `classic`, run to 6 s.
fn story() -> Run {
    let s = Scenario::from_json(
        r#"{
      "version": 1, "seed": 11,
      "topics": [{"name": "orders", "partitions": 2}],
      "producers": [{"name": "p1", "topic": "orders", "keys": {"mode": "set", "prefix": "k", "count": 4}, "rate": 5}],
      "groups": [{"id": "workers", "type": "share", "config": {"share.auto.offset.reset": "earliest"}}],
      "consumers": [
        {"name": "c1", "mode": {"share": {"topics": ["orders"]}}, "config": {"group.id": "workers", "playground.processing.ms.per.record": 300}},
        {"name": "c2", "mode": {"share": {"topics": ["orders"]}}, "config": {"group.id": "workers", "playground.processing.ms.per.record": 300}},
        {"name": "c3", "mode": {"share": {"topics": ["orders"]}}, "config": {"group.id": "workers", "playground.processing.ms.per.record": 300}},
        {"name": "g1", "mode": {"group": {"topics": ["orders"]}}, "config": {"group.id": "classic"}}
      ]
    }"#,
    )
    .unwrap();
    let mut run = Run::new(s).unwrap();
    run.advance(6_000);
    run
}

fn sh(run: &mut Run, line: &str) -> String {
    let line = line.replace("$BS", BS);
    let o = tools::run(&line, run, &Context::default());
    let mut s = o.stdout.clone();
    if !o.stderr.is_empty() {
        s.push_str("--- stderr\n");
        s.push_str(&o.stderr);
    }
    s.push_str(&format!("--- exit {}\n", o.status));
    s
}

fn head(s: &str, n: usize) -> String {
    s.lines().take(n).map(|l| format!("{l}\n")).collect()
}

fn check(actual: String, expected: Expect) {
    expected.assert_eq(&actual);
}

#[test]
fn list_shows_share_groups_only_and_with_state() {
    let mut run = story();
    check(
        sh(&mut run, "kafka-share-groups.sh $BS --list"),
        expect![[r#"
        workers
        --- exit 0
    "#]],
    );
    check(
        sh(&mut run, "kafka-share-groups $BS --list --state"),
        expect![[r#"
        GROUP           STATE
        workers         Stable
        --- exit 0
    "#]],
    );
    check(
        sh(&mut run, "kafka-share-groups $BS --list --state empty"),
        expect![[r#"
        GROUP           STATE
        --- exit 0
    "#]],
    );
}

#[test]
fn describe_offsets_members_and_state() {
    let mut run = story();
    check(
        sh(&mut run, "kafka-share-groups.sh $BS --describe --group workers"),
        expect![[r#"

        GROUP           TOPIC           PARTITION  START-OFFSET  LAG
        workers         orders          0          16            1
        workers         orders          1          13            0
        --- exit 0
    "#]],
    );
    check(
        sh(&mut run, "kafka-share-groups.sh $BS --describe --group workers --members"),
        expect![[r#"

        GROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS  ASSIGNMENT
        workers         c1-09d21e8a     /127.0.0.1      c1              2            orders:0,1
        workers         c2-cc7ac22f     /127.0.0.1      c2              1            orders:0
        workers         c3-c7e8f687     /127.0.0.1      c3              1            orders:1
        --- exit 0
    "#]],
    );
    check(
        sh(&mut run, "kafka-share-groups.sh $BS --describe --group workers --members --verbose"),
        expect![[r#"

        GROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS  MEMBER-EPOCH  ASSIGNMENT
        workers         c1-09d21e8a     /127.0.0.1      c1              2            3             orders:0,1
        workers         c2-cc7ac22f     /127.0.0.1      c2              1            3             orders:0
        workers         c3-c7e8f687     /127.0.0.1      c3              1            3             orders:1
        --- exit 0
    "#]],
    );
    check(
        sh(&mut run, "kafka-share-groups.sh $BS --describe --group workers --state"),
        expect![[r#"

        GROUP           COORDINATOR (ID)          STATE           #MEMBERS
        workers         localhost:9092  (1)       Stable          3
        --- exit 0
    "#]],
    );
    check(
        sh(&mut run, "kafka-share-groups.sh $BS --describe --group workers --state --verbose"),
        expect![[r#"

        GROUP           COORDINATOR (ID)          STATE           GROUP-EPOCH  ASSIGNMENT-EPOCH  #MEMBERS
        workers         localhost:9092  (1)       Stable          3            3                 3
        --- exit 0
    "#]],
    );
    check(
        sh(&mut run, "kafka-share-groups.sh $BS --describe --group workers --offsets --verbose"),
        expect![[r#"

        GROUP           TOPIC           PARTITION  LEADER-EPOCH  START-OFFSET  LAG
        workers         orders          0          0             16            1
        workers         orders          1          0             13            0
        --- exit 0
    "#]],
    );
}

#[test]
fn describing_what_is_not_a_share_group() {
    let mut run = story();
    check(
        sh(&mut run, "kafka-share-groups.sh $BS --describe --group classic"),
        expect![[r#"

        Error: Executing share group command failed due to org.apache.kafka.common.errors.GroupIdNotFoundException: Group classic is not a share group.
        --- exit 1
    "#]],
    );
    check(
        sh(&mut run, "kafka-share-groups.sh $BS --describe --group nobody"),
        expect![[r#"

        Error: Executing share group command failed due to org.apache.kafka.common.errors.GroupIdNotFoundException: Group nobody not found.
        --- exit 1
    "#]],
    );
}

#[test]
fn common_mistakes_get_kafkas_usage_messages() {
    let mut run = story();
    check(
        head(&sh(&mut run, "kafka-share-groups.sh --list"), 2),
        expect![[r#"
        --- stderr
        Missing required argument "[bootstrap-server]"
    "#]],
    );
    check(
        head(&sh(&mut run, "kafka-share-groups.sh $BS --describe"), 2),
        expect![[r#"
        --- stderr
        Option [describe] takes one of these options: [all-groups], [group]
    "#]],
    );
    check(
        head(&sh(&mut run, "kafka-share-groups.sh $BS --describe --group workers --members --state"), 2),
        expect![[r#"
        --- stderr
        Option [describe] takes at most one of these options: [members], [offsets], [state]
    "#]],
    );
    check(
        head(&sh(&mut run, "kafka-share-groups.sh $BS --list --describe --group workers"), 2),
        expect![[r#"
        --- stderr
        Option "[group]" can't be used with option "[list]"
    "#]],
    );
    check(
        head(
            &sh(
                &mut run,
                "kafka-share-groups.sh $BS --reset-offsets --group workers --topic orders --to-earliest",
            ),
            2,
        ),
        expect![[r#"
        --- stderr
        Option [reset-offsets] takes the option: [execute] or [dry-run]
    "#]],
    );
    check(
        head(
            &sh(
                &mut run,
                "kafka-share-groups.sh $BS --reset-offsets --group workers --to-earliest --dry-run",
            ),
            2,
        ),
        expect![[r#"
        --- stderr
        Option [reset-offsets] takes one of these options: [all-topics], [from-file], [topic]
    "#]],
    );
    check(
        head(
            &sh(
                &mut run,
                "kafka-share-groups.sh $BS --reset-offsets --group workers --topic orders --dry-run",
            ),
            2,
        ),
        expect![[r#"
        --- stderr
        Option [reset-offsets] takes one of these options: [from-file], [to-current], [to-datetime], [to-earliest], [to-latest], [to-offset]
    "#]],
    );
    check(
        head(&sh(&mut run, "kafka-share-groups.sh $BS --delete --group workers --topic orders"), 2),
        expect![[r#"
        --- stderr
        Option [delete] does not take the options [topic] or [all-topics].
    "#]],
    );
    check(
        head(&sh(&mut run, "kafka-share-groups.sh $BS"), 2),
        expect![[r#"
        --- stderr
        Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets.
    "#]],
    );
}

#[test]
fn reset_offsets_needs_an_empty_group_then_moves_the_start_offsets() {
    let mut run = story();
    check(
        sh(
            &mut run,
            "kafka-share-groups.sh $BS --reset-offsets --group workers --topic orders --to-latest --execute",
        ),
        expect![[r#"
            --- stderr
            Share group 'workers' is not empty.
            --- exit 1
        "#]],
    );
    for c in ["c1", "c2", "c3"] {
        run.apply(run.now(), broker_playground::core::command::Command::LeaveGroup { name: c.into() })
            .unwrap();
    }
    check(
        sh(&mut run, "kafka-share-groups.sh $BS --reset-offsets --group workers --topic orders:1 --to-offset 3 --dry-run"),
        expect![[r#"

            GROUP                          TOPIC                          PARTITION  NEW-OFFSET     
            workers                        orders                         1          3              
            --- exit 0
        "#]],
    );
    check(
        sh(
            &mut run,
            "kafka-share-groups.sh $BS --reset-offsets --group workers --all-topics --to-latest --execute",
        ),
        expect![[r#"

            GROUP                          TOPIC                          PARTITION  NEW-OFFSET     
            workers                        orders                         0          17             
            workers                        orders                         1          13             
            --- exit 0
        "#]],
    );
    check(
        sh(&mut run, "kafka-share-groups.sh $BS --describe --group workers"),
        expect![[r#"

        GROUP           TOPIC           PARTITION  START-OFFSET  LAG
        workers         orders          0          17            0
        workers         orders          1          13            0
        --- exit 0
    "#]],
    );
}

#[test]
fn delete_only_an_empty_share_group() {
    let mut run = story();
    check(
        sh(&mut run, "kafka-share-groups.sh $BS --delete --group workers --group classic"),
        expect![[r#"

            Error: Deletion of some share groups failed:
            * Group 'workers' could not be deleted due to: org.apache.kafka.common.errors.GroupNotEmptyException: Share group 'workers' is not EMPTY.
            * Group 'classic' could not be deleted due to: org.apache.kafka.common.errors.GroupIdNotFoundException: Group 'classic' is not a share group.
            --- exit 1
        "#]],
    );
    for c in ["c1", "c2", "c3"] {
        run.apply(run.now(), broker_playground::core::command::Command::LeaveGroup { name: c.into() })
            .unwrap();
    }
    check(
        sh(&mut run, "kafka-share-groups.sh $BS --delete --group workers"),
        expect![[r#"
        Deletion of requested share groups ('workers') was successful.
        --- exit 0
    "#]],
    );
    check(
        sh(&mut run, "kafka-share-groups.sh $BS --list"),
        expect![[r#"
        --- exit 0
    "#]],
    );
}

fn leave_all(run: &mut Run) {
    for c in ["c1", "c2", "c3"] {
        run.apply(run.now(), broker_playground::core::command::Command::LeaveGroup { name: c.into() })
            .unwrap();
    }
}

/// `ShareGroupCommand.deleteOffsets`: DeleteShareGroupOffsets; a group-level error is printed
/// as `Error: …` and carried by every topic; each topic's result in a TOPIC/STATUS table.
#[test]
fn delete_offsets_of_an_empty_share_group_by_topic() {
    let mut run = story();
    check(
        head(&sh(&mut run, "kafka-share-groups.sh $BS --delete-offsets --group workers"), 2),
        expect![[r#"
            --- stderr
            Option [delete-offsets] takes the following options: [group], [topic]
        "#]],
    );
    check(
        sh(&mut run, "kafka-share-groups.sh $BS --delete-offsets --group workers --topic orders"),
        expect![[r#"

            Error: The group is not empty.

            TOPIC           STATUS
            orders          Error: The group is not empty.
            --- exit 0
        "#]],
    );
    check(
        sh(&mut run, "kafka-share-groups.sh $BS --delete-offsets --group nobody --topic orders"),
        expect![[r#"

            Error: Group nobody not found.

            TOPIC           STATUS
            orders          Error: Group nobody not found.
            --- exit 0
        "#]],
    );
    check(
        sh(&mut run, "kafka-share-groups.sh $BS --delete-offsets --group classic --topic orders"),
        expect![[r#"

            Error: Group classic is not a share group.

            TOPIC           STATUS
            orders          Error: Group classic is not a share group.
            --- exit 0
        "#]],
    );
    leave_all(&mut run);
    check(
        sh(
            &mut run,
            "kafka-share-groups.sh $BS --delete-offsets --group workers --topic orders --topic a-topic-that-is-not-there",
        ),
        expect![[r#"

            TOPIC                     STATUS
            a-topic-that-is-not-there Error: This server does not host this topic-partition.
            orders                    Successful
            --- exit 0
        "#]],
    );
    check(
        sh(&mut run, "kafka-share-groups.sh $BS --describe --group workers"),
        expect![[r#"

        Share group 'workers' has no offset information.
        --- exit 0
    "#]],
    );
}

/// `--to-datetime` resets each partition to its first record at or after the time (the log end
/// when there is none); Kafka's share tool has no `--by-duration`; `--from-file` names a file.
#[test]
fn reset_offsets_to_a_datetime() {
    let mut run = story();
    leave_all(&mut run);
    check(
        sh(
            &mut run,
            "kafka-share-groups.sh $BS --reset-offsets --group workers --topic orders --to-datetime 1970-01-01T00:00:03.000 --execute",
        ),
        expect![[r#"

            GROUP                          TOPIC                          PARTITION  NEW-OFFSET     
            workers                        orders                         0          8              
            workers                        orders                         1          7              
            --- exit 0
        "#]],
    );
    check(
        sh(&mut run, "kafka-share-groups.sh $BS --describe --group workers"),
        expect![[r#"

        GROUP           TOPIC           PARTITION  START-OFFSET  LAG
        workers         orders          0          8             9
        workers         orders          1          7             6
        --- exit 0
    "#]],
    );
    check(
        sh(
            &mut run,
            "kafka-share-groups.sh $BS --reset-offsets --group workers --topic orders --to-datetime 2030-01-01T00:00:00.000 --dry-run",
        ),
        expect![[r#"

            GROUP                          TOPIC                          PARTITION  NEW-OFFSET     
            workers                        orders                         0          17             
            workers                        orders                         1          13             
            --- exit 0
        "#]],
    );
    check(
        sh(
            &mut run,
            "kafka-share-groups.sh $BS --reset-offsets --group workers --topic orders --to-datetime yesterday --dry-run",
        ),
        expect![[r#"

            Error: Executing share group command failed due to java.text.ParseException: Unparseable date: "yesterday"
            --- exit 1
        "#]],
    );
    check(
        head(
            &sh(
                &mut run,
                "kafka-share-groups.sh $BS --reset-offsets --group workers --topic orders --by-duration PT1M --dry-run",
            ),
            2,
        ),
        expect![[r#"
            --- stderr
            by-duration is not a recognized option
        "#]],
    );
    check(
        sh(
            &mut run,
            "kafka-share-groups.sh $BS --reset-offsets --group workers --from-file offsets.csv --dry-run",
        ),
        expect![[r#"
            --- stderr
            The playground cannot do this: --from-file: the terminal reads no files; name the partitions with --topic (topic:0,1) and give --to-offset, --to-datetime, --to-earliest or --to-latest.
            --- exit 1
        "#]],
    );
}

/// The share tool checks no ACLs on changes: AlterShareGroupOffsets, DeleteShareGroupOffsets
/// and DeleteGroups go to the broker as the user, and the refusal is printed as the tool
/// prints that exception.
#[test]
fn share_group_changes_are_authorized_by_the_broker() {
    let mut run = story();
    leave_all(&mut run);
    let lock = broker_playground::core::command::Command::SetAuthorization {
        enabled: true,
        allow_everyone_if_no_acl_found: Some(false),
    };
    run.apply(run.now(), lock).unwrap();
    let bob = |run: &mut Run, line: &str| {
        let line = line.replace("$BS", BS);
        let ctx = Context { user: Some("bob".into()), ..Context::default() };
        let o = tools::run(&line, run, &ctx);
        format!("{}{}--- exit {}\n", o.stdout, o.stderr, o.status)
    };
    let grant = |run: &mut Run, acl: &str| {
        let out = sh(run, &format!("kafka-acls.sh $BS --add --allow-principal User:bob {acl}"));
        assert!(out.ends_with("--- exit 0\n"), "{out}");
    };
    // Lists and describes are the broker's answers: ListGroups leaves out what bob may not
    // DESCRIBE, ShareGroupDescribe refuses it.
    check(
        bob(&mut run, "kafka-share-groups.sh $BS --list"),
        expect![[r#"
        --- exit 0
    "#]],
    );
    check(
        bob(&mut run, "kafka-share-groups.sh $BS --list --state"),
        expect![[r#"
        GROUP           STATE
        --- exit 0
    "#]],
    );
    check(
        bob(&mut run, "kafka-share-groups.sh $BS --describe --group workers"),
        expect![[r#"

        Error: Executing share group command failed due to org.apache.kafka.common.errors.GroupAuthorizationException: Not authorized to access group: workers
        --- exit 1
    "#]],
    );
    check(
        bob(&mut run, "kafka-share-groups.sh $BS --describe --all-groups"),
        expect![[r#"
        --- exit 0
    "#]],
    );
    // Describing the group first needs DESCRIBE on it.
    check(
        bob(
            &mut run,
            "kafka-share-groups.sh $BS --reset-offsets --group workers --topic orders --to-earliest --execute",
        ),
        expect![[r#"

            Error: Executing share group command failed due to Not authorized to access group: workers
            --- exit 1
        "#]],
    );
    grant(&mut run, "--operation Describe --group workers");
    check(
        bob(&mut run, "kafka-share-groups.sh $BS --list"),
        expect![[r#"
        workers
        --- exit 0
    "#]],
    );
    // DescribeShareGroupOffsets leaves out the topics bob may not DESCRIBE.
    check(
        bob(&mut run, "kafka-share-groups.sh $BS --describe --group workers"),
        expect![[r#"

        Share group 'workers' has no offset information.
        --- exit 0
    "#]],
    );
    // AlterShareGroupOffsets needs READ on the group.
    check(
        bob(
            &mut run,
            "kafka-share-groups.sh $BS --reset-offsets --group workers --topic orders --to-earliest --execute",
        ),
        expect![[r#"

            Error: Executing share group command failed due to Group authorization failed.
            --- exit 1
        "#]],
    );
    grant(&mut run, "--operation Read --group workers");
    // … and READ on the topic.
    check(
        bob(
            &mut run,
            "kafka-share-groups.sh $BS --reset-offsets --group workers --topic orders --to-earliest --execute",
        ),
        expect![[r#"

            Error: Executing share group command failed due to Topic authorization failed.
            --- exit 1
        "#]],
    );
    grant(&mut run, "--operation Read --topic orders");
    check(
        bob(
            &mut run,
            "kafka-share-groups.sh $BS --reset-offsets --group workers --topic orders --to-earliest --execute",
        ),
        expect![[r#"

            GROUP                          TOPIC                          PARTITION  NEW-OFFSET     
            workers                        orders                         0          0              
            workers                        orders                         1          0              
            --- exit 0
        "#]],
    );
    // DeleteShareGroupOffsets and DeleteGroups need DELETE on the group.
    check(
        bob(&mut run, "kafka-share-groups.sh $BS --delete-offsets --group workers --topic orders"),
        expect![[r#"

            Error: Group authorization failed.

            TOPIC           STATUS
            orders          Error: Group authorization failed.
            --- exit 0
        "#]],
    );
    check(
        bob(&mut run, "kafka-share-groups.sh $BS --delete --group workers"),
        expect![[r#"

        Error: Deletion of some share groups failed:
        * Group 'workers' could not be deleted due to: org.apache.kafka.common.errors.GroupAuthorizationException: Group authorization failed.
        --- exit 1
    "#]],
    );
    grant(&mut run, "--operation Delete --group workers");
    check(
        bob(&mut run, "kafka-share-groups.sh $BS --delete-offsets --group workers --topic orders"),
        expect![[r#"

            TOPIC           STATUS
            orders          Successful
            --- exit 0
        "#]],
    );
    check(
        bob(&mut run, "kafka-share-groups.sh $BS --delete --group workers"),
        expect![[r#"
        Deletion of requested share groups ('workers') was successful.
        --- exit 0
    "#]],
    );
}
