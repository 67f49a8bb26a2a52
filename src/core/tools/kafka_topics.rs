//! `kafka-topics.sh` — apache/kafka `tools/src/main/java/org/apache/kafka/tools/TopicCommand.java`.

use super::options::{self, arg, cant_combine, flag, missing, usage_error, Spec};
use super::{include_list_matches, parse_int, topic_config_entries, Context, Output, Target};
use crate::core::command::Command;
use crate::core::error::ErrorCode;
use crate::core::replication::PartitionRegistration;
use crate::core::topic::MAX_TOPIC_NAME_LEN;

pub const SPECS: &[Spec] = &[
    arg("bootstrap-server", "String: server to connect to", "REQUIRED: The Kafka server to connect to."),
    arg("command-config", "String: command config property file", "Property file containing configs to be passed to Admin Client."),
    flag("list", "List all available topics."),
    flag("create", "Create a new topic."),
    flag("delete", "Delete a topic."),
    flag("alter", "Alter the number of partitions and replica assignment. (To alter topic configurations, the kafka-configs tool can be used.)"),
    flag("describe", "List details for the given topics."),
    arg("topic", "String: topic", "The topic to create, alter, describe or delete. It also accepts a regular expression, except for --create option. Put topic name in double quotes and use the '\\' prefix to escape regular expression symbols; e.g. \"test\\.topic\"."),
    arg("topic-id", "String: topic-id", "The topic-id to describe."),
    arg("config", "String: name=value", "A topic configuration override for the topic being created. The playground models retention.ms and retention.bytes."),
    arg("partitions", "Integer: # of partitions", "The number of partitions for the topic being created or altered. If not supplied for create, defaults to the cluster default."),
    arg("replication-factor", "Integer: replication factor", "The replication factor for each partition in the topic being created. If not supplied, defaults to the cluster default."),
    arg("replica-assignment", "String: broker_id_for_part1_replica1 : broker_id_for_part1_replica2 , ...", "A list of manual partition-to-broker assignments for the topic being created or altered."),
    flag("under-replicated-partitions", "If set when describing topics, only show under replicated partitions."),
    flag("unavailable-partitions", "If set when describing topics, only show partitions whose leader is not available."),
    flag("under-min-isr-partitions", "If set when describing topics, only show partitions whose isr count is less than the configured minimum."),
    flag("at-min-isr-partitions", "If set when describing topics, only show partitions whose isr count is equal to the configured minimum."),
    flag("topics-with-overrides", "If set when describing topics, only show topics that have overridden configs."),
    flag("if-exists", "If set when altering or deleting or describing topics, the action will only execute if the topic exists."),
    flag("if-not-exists", "If set when creating topics, the action will only execute if the topic does not already exist."),
    flag("exclude-internal", "Exclude internal topics when listing or describing topics. By default, the internal topics are included."),
    arg("partition-size-limit-per-response", "Integer: maximum number of partitions in one response", "The maximum partition size to be included in one DescribeTopicPartitions response."),
];

const ACTIONS: &[&str] = &["create", "list", "alter", "describe", "delete"];
const REPORTS: &[&str] = &[
    "under-replicated-partitions",
    "unavailable-partitions",
    "under-min-isr-partitions",
    "at-min-isr-partitions",
];

/// `TopicCommand.printException`: on stdout, exit 1.
fn error(message: &str) -> Output {
    let mut o = Output::default();
    o.outln(format!("Error while executing topic command : {message}"));
    o.fail()
}

/// `Topic.validate`'s messages.
pub fn topic_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("Topic name is illegal, it can't be empty".into());
    }
    if name == "." || name == ".." {
        return Some("Topic name cannot be \".\" or \"..\"".into());
    }
    if name.len() > MAX_TOPIC_NAME_LEN {
        return Some(format!(
            "Topic name is illegal, it can't be longer than {MAX_TOPIC_NAME_LEN} characters, topic name: {}",
            super::shown(name)
        ));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')) {
        return Some(format!(
            "Topic name \"{}\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'",
            super::shown(name)
        ));
    }
    None
}

pub fn run(args: &[String], target: &mut dyn Target, ctx: &Context) -> Output {
    let opts = match options::parse(SPECS, args) {
        Ok(o) => o,
        Err(e) => return usage_error(SPECS, &e),
    };
    if args.is_empty() {
        return usage_error(SPECS, "Create, delete, describe, or change a topic.");
    }
    if opts.has("help") {
        return usage_error(SPECS, "This tool helps to create, delete, describe, or change a topic.");
    }
    if opts.has("version") {
        let mut o = Output::default();
        o.outln(super::KAFKA_VERSION);
        return o;
    }
    if opts.count(ACTIONS) != 1 {
        return usage_error(
            SPECS,
            "Command must include exactly one action: --list, --describe, --create, --alter or --delete",
        );
    }
    if !opts.has("bootstrap-server") {
        let mut o = Output::default();
        o.errln("--bootstrap-server must be specified");
        return o.fail();
    }
    if !opts.has("list") && !opts.has("describe") && !opts.has("topic") {
        return usage_error(SPECS, &missing("topic"));
    }
    if opts.has("alter") && !opts.has("partitions") {
        if opts.has("config") {
            return usage_error(
                SPECS,
                "Option combination \"[[bootstrap-server], [config]]\" can't be used with option \"[alter]\" (To alter topic configurations, the kafka-configs tool can be used.)",
            );
        }
        return usage_error(SPECS, &missing("partitions"));
    }
    // checkInvalidArgs: which options go with which action.
    let only_with: &[(&str, &[&str])] = &[
        ("config", &["alter", "create"]),
        ("partitions", &["alter", "create"]),
        ("replication-factor", &["create"]),
        ("replica-assignment", &["alter", "create"]),
        ("under-replicated-partitions", &["describe"]),
        ("under-min-isr-partitions", &["describe"]),
        ("at-min-isr-partitions", &["describe"]),
        ("unavailable-partitions", &["describe"]),
        ("topics-with-overrides", &["describe"]),
        ("if-exists", &["alter", "delete", "describe"]),
        ("if-not-exists", &["create"]),
        ("exclude-internal", &["list", "describe"]),
    ];
    for (used, allowed_with) in only_with {
        if opts.has(used) {
            if let Some(bad) = ACTIONS.iter().find(|a| !allowed_with.contains(a) && opts.has(a)) {
                return usage_error(SPECS, &cant_combine(used, bad));
            }
        }
    }
    if opts.has("replica-assignment") {
        return super::unsupported(
            "--replica-assignment: the playground places replicas itself (one broker per replica).",
        );
    }
    if opts.has("topic-id") {
        return super::unsupported("--topic-id: topics in the playground have no topic ids.");
    }
    if opts.has("create") {
        create(&opts, target, ctx)
    } else if opts.has("list") {
        let mut o = Output::default();
        match matching(&opts, target, ctx) {
            Ok(names) => o.outln(names.join("\n")),
            Err(e) => return e,
        }
        o
    } else if opts.has("describe") {
        describe(&opts, target, ctx)
    } else if opts.has("alter") {
        alter(&opts, target, ctx)
    } else {
        delete(&opts, target, ctx)
    }
}

/// Topics that `--topic` (a Java regular expression) matches, sorted, among those a Metadata
/// request for all topics answers as the user (the broker leaves out what it may not DESCRIBE):
/// `TopicService.getTopics`, Admin's `listTopics`, which every action but `--create` starts
/// with. No broker reachable: its `TimeoutException`, printed as the tool prints it.
fn matching(opts: &options::Parsed, target: &mut dyn Target, ctx: &Context) -> Result<Vec<String>, Output> {
    use crate::core::protocol::metadata::MetadataRequest;
    let request = MetadataRequest { topics: None, allow_auto_topic_creation: false };
    let m = match target.read_as(ctx.user.as_deref(), "listTopics", request.into()) {
        Ok(crate::core::protocol::Response::Metadata(m)) => m,
        Ok(_) => return Ok(Vec::new()),
        Err(e) => return Err(error(&super::core_message(&e))),
    };
    let mut names: Vec<String> = m
        .topics
        .into_iter()
        .map(|t| t.name)
        .filter(|t| opts.value("topic").is_none_or(|p| include_list_matches(p, t)))
        .collect();
    crate::core::sort::ascending(&mut names);
    Ok(names)
}

/// `ensureTopicExists`: Java formats the `Optional<String>` itself into the message.
fn ensure_exists(found: &[String], opts: &options::Parsed) -> Result<(), Output> {
    match opts.value("topic") {
        Some(t) if !t.is_empty() && found.is_empty() && !opts.has("if-exists") => {
            Err(error(&format!("Topic 'Optional[{}]' does not exist as expected", super::shown(t))))
        }
        _ => Ok(()),
    }
}

fn create(opts: &options::Parsed, target: &mut dyn Target, ctx: &Context) -> Output {
    let name = opts.value("topic").unwrap_or_default().to_string();
    let mut out = Output::default();
    let retention = match super::kafka_configs::topic_configs_to_add(
        opts.values("config"),
        target.cluster().config().retention,
    ) {
        Ok(r) => r,
        Err(e) => return error(&e),
    };
    let rf = match opts.value("replication-factor").map(|v| parse_int::<i64>(v, "replication-factor")) {
        Some(Err(e)) => return error(&e),
        Some(Ok(v)) => Some(v),
        None => None,
    };
    let partitions = match opts.value("partitions").map(|v| parse_int::<i64>(v, "partitions")) {
        Some(Err(e)) => return error(&e),
        Some(Ok(v)) => Some(v),
        None => None,
    };
    // `Topic.hasCollisionChars`.
    if name.contains('.') || name.contains('_') {
        out.outln("WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.");
    }
    if rf.is_some_and(|r| !(1..=i64::from(i16::MAX)).contains(&r)) {
        return with(out, error("The replication factor must be between 1 and 32767 inclusive"));
    }
    if partitions.is_some_and(|p| p < 1) {
        return with(out, error("The partitions must be greater than 0"));
    }
    if let Some(why) = topic_name_problem(&name) {
        return with(out, error(&why));
    }
    if let Err(e) =
        crate::core::topic::check_collision(&name, target.cluster().topics().keys().map(String::as_str))
    {
        return with(out, error(&super::core_message(&e)));
    }
    let brokers = super::broker_count(target.cluster());
    if let Some(r) = rf.filter(|r| *r > i64::from(brokers)) {
        return with(
            out,
            error(&format!(
                "Unable to replicate the partition {r} time(s): The target replication factor of {r} cannot be reached because only {brokers} broker(s) are registered."
            )),
        );
    }
    let partitions = partitions.unwrap_or(i64::from(target.cluster().config().num_partitions));
    match target.apply_as(
        ctx.user.as_deref(),
        Command::CreateTopic {
            name: name.clone(),
            partitions,
            retention: Some(retention),
            replication_factor: rf,
        },
    ) {
        Ok(()) => {
            out.outln(format!("Created topic {name}."));
            out
        }
        // The broker decides (authorization first, then the name): `--if-not-exists` only
        // silences its TopicExistsException.
        Err(e) if e.code() == Some(ErrorCode::TopicAlreadyExists) && opts.has("if-not-exists") => out,
        Err(e) => with(out, error(&super::core_message(&e))),
    }
}

/// Output printed so far, then the error.
fn with(mut before: Output, after: Output) -> Output {
    before.stdout.push_str(&after.stdout);
    before.stderr.push_str(&after.stderr);
    before.status = after.status;
    before
}

fn describe(opts: &options::Parsed, target: &mut dyn Target, ctx: &Context) -> Output {
    let topics = match matching(opts, target, ctx) {
        Ok(t) => t,
        Err(e) => return e,
    };
    if let Err(o) = ensure_exists(&topics, opts) {
        return o;
    }
    // `describeTopics`: Metadata for the topics, from the broker the admin client reached; the
    // partitions' Leader, Replicas and Isr are printed as that broker tells them.
    use crate::core::protocol::metadata::MetadataRequest;
    let request = MetadataRequest { topics: Some(topics.clone()), allow_auto_topic_creation: false };
    let (described, live) = match target.read_as(ctx.user.as_deref(), "describeTopics", request.into()) {
        Ok(crate::core::protocol::Response::Metadata(m)) => (m.topics, m.brokers),
        Ok(_) => Default::default(),
        Err(e) => return error(&super::core_message(&e)),
    };
    let report = opts.count(REPORTS) > 0;
    let overrides_only = opts.has("topics-with-overrides");
    let cluster = target.cluster();
    let mut o = Output::default();
    for answer in described.iter().filter(|t| t.error_code.is_none()) {
        let name = &answer.name;
        let Some(t) = cluster.topics().get(name) else { continue };
        let configs = topic_config_entries(cluster, t);
        if !report && (!overrides_only || !configs.is_empty()) {
            let configs: Vec<String> = configs.iter().map(|(k, v)| format!("{k}={v}")).collect();
            o.outln(format!(
                "Topic: {name}\tPartitionCount: {}\tReplicationFactor: {}\tConfigs: {}",
                answer.partitions.len(),
                answer.partitions.first().map_or(1, |p| p.replica_nodes.len()),
                configs.join(",")
            ));
        }
        if overrides_only {
            continue;
        }
        let rep = cluster.replication();
        let min_isr = rep.topics.get(name.as_str()).map_or(1, |r| r.config.min_insync_replicas as usize);
        for p in &answer.partitions {
            let registration = PartitionRegistration {
                replicas: p.replica_nodes.clone(),
                isr: p.isr_nodes.clone(),
                leader: p.leader_id,
                leader_epoch: p.leader_epoch,
                partition_epoch: 0,
            };
            // The reports list only the partitions they name (`TopicCommand`'s filters); a
            // leader is unavailable when it is not among the brokers the answer lists.
            let leader_up = registration.has_leader() && live.contains(&registration.leader);
            let (isr, replicas) = (registration.isr.len(), registration.replicas.len());
            let listed = (opts.has("under-replicated-partitions") && isr < replicas)
                || (opts.has("unavailable-partitions") && !leader_up)
                || (opts.has("under-min-isr-partitions") && isr < min_isr)
                || (opts.has("at-min-isr-partitions") && isr == min_isr);
            if report && !listed {
                continue;
            }
            o.outln(registration.describe_line(name, p.partition_index));
        }
    }
    o
}

fn alter(opts: &options::Parsed, target: &mut dyn Target, ctx: &Context) -> Output {
    let topics = match matching(opts, target, ctx) {
        Ok(t) => t,
        Err(e) => return e,
    };
    if let Err(o) = ensure_exists(&topics, opts) {
        return o;
    }
    let total = match parse_int::<i64>(opts.value("partitions").unwrap_or_default(), "partitions") {
        Ok(n) => n,
        Err(e) => return error(&e),
    };
    // The broker checks ALTER and the count (the controller's words), not the tool.
    for name in topics {
        if let Err(e) = target.apply_as(ctx.user.as_deref(), Command::CreatePartitions { topic: name, total })
        {
            return error(&super::core_message(&e));
        }
    }
    Output::default()
}

fn delete(opts: &options::Parsed, target: &mut dyn Target, ctx: &Context) -> Output {
    let topics = match matching(opts, target, ctx) {
        Ok(t) => t,
        Err(e) => return e,
    };
    if let Err(o) = ensure_exists(&topics, opts) {
        return o;
    }
    for name in topics {
        if let Err(e) = target.apply_as(ctx.user.as_deref(), Command::DeleteTopic { name }) {
            return error(&super::core_message(&e));
        }
    }
    Output::default()
}
