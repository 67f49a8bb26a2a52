//! `kafka-console-consumer.sh` — apache/kafka
//! `tools/src/main/java/org/apache/kafka/tools/consumer/ConsoleConsumer.java`,
//! `ConsoleConsumerOptions.java` and `DefaultMessageFormatter`.
//!
//! Two ways to run (see [`Context::follow`]): in the page it starts a simulated consumer
//! (`console-consumer-N`, a card like any other) whose records stream into the terminal while
//! time runs; in `playground-cli kafka` it reads what is readable now, as with
//! `--timeout-ms`, and returns. Without `--group` Kafka makes up a group
//! (`console-consumer-NNNNN`) that commits nothing; so does the playground.

use super::options::{self, arg, flag, usage_error, Parsed, Spec};
use super::{Context, Output, Target, BOOTSTRAP_HOST};
use crate::core::acl::Request;
use crate::core::cluster::Cluster;
use crate::core::command::{Command, SeekTo};
use crate::core::config::{ConsumerConfig, OffsetReset};
use crate::core::consumer::ConsumerSpec;
use crate::core::error::ErrorCode;
use crate::core::group::assignor::TopicPartition;
use crate::core::ids::GroupId;
use crate::core::log::{RecordRef, ValueRef};
use crate::core::protocol::fetch::{FetchPartition, FetchRequest};
use crate::core::protocol::metadata::MetadataRequest;
use crate::core::protocol::offset_fetch::OffsetFetchRequest;
use crate::core::protocol::Response;
use std::collections::BTreeMap;

/// What the consumer logs while no broker can be reached (it keeps trying).
fn no_node_warning(o: &mut Output) {
    o.errln(format!("[console-consumer] WARN Connection to node -1 ({BOOTSTRAP_HOST}) could not be established. Node may not be available."));
}

/// One shot, no broker can be reached: Kafka's consumer keeps trying until `--timeout-ms`, and
/// reads nothing.
fn unreachable(mut o: Output) -> Output {
    no_node_warning(&mut o);
    o.errln("Processed a total of 0 messages");
    o
}

/// What the consumer logs when its topic's metadata carries an error (it keeps asking).
fn metadata_warning(o: &mut Output, topic: &str, code: ErrorCode) {
    o.errln(format!(
        "[console-consumer] WARN Error while fetching metadata with correlation id 2 : {{{topic}={}}}",
        code.name()
    ));
}

/// The exception the tool's poll throws, as `ConsoleConsumer.process` logs it (the consumer is
/// closed), then the count of what it printed before.
fn terminated(mut o: Output, exception: &str, count: u64) -> Output {
    o.errln(format!("[2026-01-01 00:00:00,000] ERROR Error processing message, terminating consumer process:  (org.apache.kafka.tools.consumer.ConsoleConsumer)\n{exception}"));
    o.errln(format!("Processed a total of {count} messages"));
    o.fail()
}

/// TOPIC_AUTHORIZATION_FAILED, as the tool's poll throws it.
fn topic_not_authorized(o: Output, topic: &str) -> Output {
    let e = format!("org.apache.kafka.common.errors.TopicAuthorizationException: Not authorized to access topics: [{topic}]");
    terminated(o, &e, 0)
}

/// GROUP_AUTHORIZATION_FAILED, as the tool's poll throws it (`GroupAuthorizationException.forGroupId`).
fn group_not_authorized(o: Output, group: &str, count: u64) -> Output {
    let e = format!(
        "org.apache.kafka.common.errors.GroupAuthorizationException: Not authorized to access group: {group}"
    );
    terminated(o, &e, count)
}

pub const SPECS: &[Spec] = &[
    arg("topic", "String: topic", "The topic to consume on."),
    arg("include", "String: Java regex (String)", "Regular expression specifying list of topics to include for consumption."),
    arg("partition", "Integer: partition", "The partition to consume from. Consumption starts from the end of the partition unless '--offset' is specified."),
    arg("offset", "String: consume offset", "The offset to consume from (a non-negative number), or 'earliest' which means from beginning, or 'latest' which means from end (default: latest)"),
    arg("consumer-property", "String: consumer_prop", "A mechanism to pass user-defined properties in the form key=value to the consumer."),
    arg("consumer.config", "String: config file", "Consumer config properties file. Note that [consumer-property] takes precedence over this config."),
    arg("formatter", "String: class", "The name of a class to use for formatting kafka messages for display. (default: org.apache.kafka.tools.consumer.DefaultMessageFormatter)"),
    arg("property", "String: prop", "The properties to initialize the message formatter. Default properties include: print.timestamp=true|false, print.key=true|false, print.offset=true|false, print.partition=true|false, print.headers=true|false, print.value=true|false, key.separator=<key.separator>, line.separator=<line.separator>, headers.separator=<line.separator>, null.literal=<null.literal>"),
    flag("from-beginning", "If the consumer does not already have an established offset to consume from, start with the earliest message present in the log rather than the latest message."),
    arg("max-messages", "Integer: num_messages", "The maximum number of messages to consume before exiting. If not set, consumption is continual."),
    arg("timeout-ms", "Integer: timeout_ms", "If specified, exit if no message is available for consumption for the specified interval."),
    flag("skip-message-on-error", "If there is an error when processing a message, skip it instead of halt."),
    arg("bootstrap-server", "String: server to connect to", "REQUIRED: The server(s) to connect to."),
    arg("key-deserializer", "String: deserializer for key", ""),
    arg("value-deserializer", "String: deserializer for values", ""),
    flag("enable-systest-events", "Log lifecycle events of the consumer in addition to logging consumed messages. (This is specific for system tests.)"),
    arg("isolation-level", "String", "Set to read_committed in order to filter out transactional messages which are not committed. Set to read_uncommitted to read all messages. (default: read_uncommitted)"),
    arg("group", "String: consumer group id", "The consumer group id of the consumer."),
];

/// `DefaultMessageFormatter`'s settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Format {
    pub timestamp: bool,
    pub key: bool,
    pub offset: bool,
    pub partition: bool,
    pub value: bool,
    pub key_separator: String,
    pub line_separator: String,
    pub null_literal: String,
}

impl Format {
    fn from(opts: &Parsed) -> Format {
        let props = options::properties(opts.values("property"));
        let get = |k: &str| props.iter().rev().find(|(key, _)| key == k).map(|(_, v)| v.clone());
        let yes = |k: &str, d: bool| get(k).map_or(d, |v| v.eq_ignore_ascii_case("true"));
        Format {
            timestamp: yes("print.timestamp", false),
            key: yes("print.key", false),
            offset: yes("print.offset", false),
            partition: yes("print.partition", false),
            value: yes("print.value", true),
            key_separator: get("key.separator").unwrap_or_else(|| "\t".into()),
            line_separator: get("line.separator").unwrap_or_else(|| "\n".into()),
            null_literal: get("null.literal").unwrap_or_else(|| "null".into()),
        }
    }

    /// One record as `DefaultMessageFormatter.writeTo` prints it.
    pub fn record(&self, cluster: &Cluster, partition: u32, offset: u64, r: RecordRef) -> String {
        let mut s = String::new();
        if self.timestamp {
            s.push_str(&format!("CreateTime:{}{}", r.timestamp, self.key_separator));
        }
        if self.partition {
            s.push_str(&format!("Partition:{partition}{}", self.key_separator));
        }
        if self.offset {
            s.push_str(&format!("Offset:{offset}{}", self.key_separator));
        }
        if self.key {
            s.push_str(r.key.map_or(&*self.null_literal, |k| &**k));
            s.push_str(&self.key_separator);
        }
        if self.value {
            s.push_str(&value_text(cluster, r));
        }
        s.push_str(&self.line_separator);
        s
    }
}

/// A record's value as text: its text, or `<producer>-<sequence>` (CLI.md).
pub fn value_text(cluster: &Cluster, r: RecordRef) -> String {
    match r.value {
        ValueRef::Text(t) => t.to_string(),
        ValueRef::Seq(n) => format!("{}-{n}", cluster.producer_name(r.producer)),
    }
}

/// A console consumer left running in the page: what the terminal prints as its records
/// arrive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Running {
    pub consumer: String,
    pub format: Format,
    pub max_messages: Option<u64>,
}

/// Parses the command line of a console consumer for the page's streaming (the format and
/// `--max-messages`), once [`run`] started it.
pub fn running(args: &[String], consumer: &str) -> Option<Running> {
    let opts = options::parse(SPECS, args).ok()?;
    Some(Running {
        consumer: consumer.to_string(),
        format: Format::from(&opts),
        max_messages: opts.value("max-messages").and_then(|v| v.parse().ok()),
    })
}

fn offset_spec(opts: &Parsed) -> Result<Option<SeekTo>, String> {
    match opts.value("offset") {
        None => Ok(None),
        Some("earliest") => Ok(Some(SeekTo::Beginning)),
        Some("latest") => Ok(Some(SeekTo::End)),
        Some(v) => match v.parse::<i64>() {
            Ok(n) if n >= 0 => Ok(Some(SeekTo::Offset(n as u64))),
            _ => Err(format!(
                "The provided offset value '{}' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.",
                super::shown(v)
            )),
        },
    }
}

pub fn run(args: &[String], target: &mut dyn Target, ctx: &Context) -> Output {
    let opts = match options::parse_or_usage(
        SPECS,
        args,
        "This tool helps to read data from Kafka topics and outputs it to standard output.",
    ) {
        Ok(o) => o,
        Err(usage) => return usage,
    };
    if opts.count(&["topic", "include"]) != 1 {
        return usage_error(SPECS, "Exactly one of --include/--topic is required. ");
    }
    if opts.has("partition") {
        if !opts.has("topic") {
            return usage_error(SPECS, "The topic is required when partition is specified.");
        }
        if opts.has("from-beginning") && opts.has("offset") {
            return usage_error(SPECS, "Options from-beginning and offset cannot be specified together.");
        }
    } else if opts.has("offset") {
        return usage_error(SPECS, "The partition is required when offset is specified.");
    }
    if !opts.has("bootstrap-server") {
        return usage_error(SPECS, &options::missing("bootstrap-server"));
    }
    if opts.has("group") && opts.has("partition") {
        return usage_error(SPECS, "Options group and partition cannot be specified together.");
    }
    let seek = match offset_spec(&opts) {
        Ok(s) => s,
        Err(e) => return usage_error(SPECS, &e),
    };
    if opts.has("include") {
        return super::unsupported("--include: a console consumer here reads one topic (--topic).");
    }
    if opts.has("consumer.config") || opts.has("formatter") {
        return super::unsupported(
            "config files and custom formatters: the terminal reads no files and has one formatter.",
        );
    }
    let partition = match opts.value("partition").map(|p| super::parse_int::<u32>(p, "partition")) {
        Some(Err(e)) => return usage_error(SPECS, &e),
        Some(Ok(p)) => Some(p),
        None => None,
    };
    let max = match opts.value("max-messages").map(|p| super::parse_int::<u64>(p, "max-messages")) {
        Some(Err(e)) => return usage_error(SPECS, &e),
        Some(Ok(p)) => Some(p),
        None => None,
    };
    let topic = opts.value("topic").unwrap_or_default().to_string();
    let group = opts.value("group").map(str::to_string);
    let format = Format::from(&opts);
    let mut o = Output::default();
    // The consumer's first request: Metadata for its topic, as its user. Whether the topic
    // exists, may be described, and how many partitions it has (and which have a leader) is
    // what the broker answers. The consumer keeps asking while it gets no answer or the topic
    // is unknown: in the page it is started all the same (and reads once a broker answers, or
    // the topic is created); one shot, it has read nothing when its time is up.
    let request = MetadataRequest { topics: Some(vec![topic.clone()]), allow_auto_topic_creation: false };
    let described = match target.read_as(ctx.user.as_deref(), "fetchMetadata", request.into()) {
        Ok(Response::Metadata(m)) => Some(m.topics.into_iter().find(|t| t.name == topic)),
        Ok(_) => Some(None),
        Err(_) if ctx.follow => {
            no_node_warning(&mut o);
            None
        }
        Err(_) => return unreachable(o),
    };
    // The partitions the answer names, each with whether it has a leader; `None`: no answer.
    let leaders: Option<Vec<bool>> = match described {
        None => None,
        Some(Some(t)) if t.error_code.is_none() => {
            let mut ps: Vec<(u32, bool)> =
                t.partitions.iter().map(|p| (p.partition_index, p.error_code.is_none())).collect();
            crate::core::sort::by_key(&mut ps, |(p, _)| *p);
            Some(ps.into_iter().map(|(_, leader)| leader).collect())
        }
        Some(Some(t)) if t.error_code == Some(ErrorCode::TopicAuthorizationFailed) => {
            return topic_not_authorized(o, &topic);
        }
        Some(t) => {
            let code = t.and_then(|t| t.error_code).unwrap_or(ErrorCode::UnknownTopicOrPartition);
            metadata_warning(&mut o, &topic, code);
            if !ctx.follow {
                // One shot: nothing to read.
                o.errln("Processed a total of 0 messages");
                return o;
            }
            if let Some(p) = partition {
                // A partition of a topic the broker does not know cannot be assigned here
                // (the playground's standalone consumer needs it to exist).
                o.errln(format!("[console-consumer] WARN The partition {topic}-{p} does not exist."));
                o.errln("Processed a total of 0 messages");
                return o.fail();
            }
            None
        }
    };
    if let (Some(p), Some(leaders)) = (partition, &leaders) {
        if p as usize >= leaders.len() {
            o.errln(format!("[console-consumer] WARN The partition {topic}-{p} does not exist."));
            o.errln("Processed a total of 0 messages");
            return o.fail();
        }
    }
    let from_beginning = opts.has("from-beginning");
    // READ on the group: the consumer's JoinGroup needs it before it reads anything, and its
    // poll throws GroupAuthorizationException without it. What is simplified: the admin
    // client sends no JoinGroup (it is not a member), so the tool asks the broker's
    // authorizer what the JoinGroup would be answered; the consumer the page starts is then
    // refused by the broker as it runs, like any other.
    if let (Some(u), Some(g)) = (&ctx.user, &group) {
        if target.cluster().authorizer().check(u, Request::JoinGroup, Some(&topic), Some(g)).is_err() {
            return group_not_authorized(o, g, 0);
        }
    }
    if ctx.follow {
        // READ on the topic (Fetch), asked the same way: the one-shot read below learns it
        // from the Fetch answer.
        if let Some(u) = &ctx.user {
            if target.cluster().authorizer().check(u, Request::Fetch, Some(&topic), None).is_err() {
                return topic_not_authorized(o, &topic);
            }
        }
        return start(target, ctx, &topic, group, partition, seek, from_beginning, o);
    }
    let leaders = leaders.unwrap_or_default();
    // One shot: read what is readable now.
    let parts: Vec<u32> = match partition {
        Some(p) => vec![p],
        None => (0..leaders.len() as u32).collect(),
    };
    // The group's committed offsets: OffsetFetch as the user (DESCRIBE on the group).
    let mut committed: BTreeMap<u32, u64> = BTreeMap::new();
    if let Some(g) = &group {
        let request = OffsetFetchRequest {
            group_id: GroupId::from(g.as_str()),
            partitions: Some(parts.iter().map(|p| TopicPartition::new(topic.as_str(), *p)).collect()),
            require_stable: false,
        };
        match target.read_as(ctx.user.as_deref(), "fetchCommittedOffsets", request.into()) {
            Ok(Response::OffsetFetch(r)) => {
                if r.error_code == Some(ErrorCode::GroupAuthorizationFailed) {
                    return group_not_authorized(o, g, 0);
                }
                committed
                    .extend(r.partitions.into_iter().filter_map(|(tp, off, _)| Some((tp.partition, off?))));
            }
            Ok(_) => {}
            Err(_) => return unreachable(o),
        }
    }
    let cluster = target.cluster();
    let Some(t) = cluster.topics().get(&topic) else {
        o.errln("Processed a total of 0 messages");
        return o;
    };
    // Where each partition starts, and what the broker lets a consumer read up to there: one
    // Fetch over the network, answered by a broker that can be reached (the high watermark and
    // whether the partition has a leader). The records printed are those offsets of the
    // leader's log: the playground's Fetch answers carry offsets, not the records.
    let starts: Vec<(u32, u64)> = parts
        .into_iter()
        .filter_map(|p| {
            let log = t.partition(p)?;
            let start = match (seek, committed.get(&p).copied()) {
                (Some(SeekTo::Beginning), _) => log.log_start(),
                (Some(SeekTo::End), _) => log.log_end(),
                (Some(SeekTo::Offset(n)), _) => n.max(log.log_start()),
                (None, Some(c)) => c.max(log.log_start()),
                (None, None) if from_beginning => log.log_start(),
                (None, None) => log.log_end(),
            };
            Some((p, start))
        })
        .collect();
    // Partitions without a leader are not fetched from: the consumer waits for one.
    let fetched: Vec<(u32, u64)> =
        starts.iter().copied().filter(|(p, _)| leaders.get(*p as usize).copied().unwrap_or(false)).collect();
    let fetch = FetchRequest {
        replica_id: -1,
        max_wait_ms: 0,
        min_bytes: 0,
        max_records: u32::MAX,
        partitions: fetched
            .iter()
            .map(|(p, start)| FetchPartition {
                partition: TopicPartition::new(topic.as_str(), *p),
                fetch_offset: *start,
            })
            .collect(),
    };
    let mut readable: BTreeMap<u32, u64> = BTreeMap::new();
    if !fetched.is_empty() {
        match target.read_as(ctx.user.as_deref(), "fetch", fetch.into()) {
            Ok(Response::Fetch(r)) => {
                if r.error_code == Some(ErrorCode::TopicAuthorizationFailed) {
                    return topic_not_authorized(o, &topic);
                }
                for d in r.responses.iter().filter(|d| d.error_code.is_none()) {
                    readable.insert(d.partition.partition, d.high_watermark);
                }
            }
            Ok(_) => {}
            Err(_) => return unreachable(o),
        }
    }
    let cluster = target.cluster();
    let Some(t) = cluster.topics().get(&topic) else {
        o.errln("Processed a total of 0 messages");
        return o;
    };
    let mut count = 0u64;
    let mut positions = Vec::new();
    'outer: for (p, start) in starts {
        let Some(log) = t.partition(p) else { continue };
        let Some(hw) = readable.get(&p).copied() else {
            // No leader there (or it does not answer): nothing is read from it now.
            positions.push((topic.clone(), p, start));
            continue;
        };
        let mut pos = start;
        for (off, r) in log.read(start, usize::MAX).take_while(|(off, _)| *off < hw) {
            if max.is_some_and(|m| count >= m) {
                positions.push((topic.clone(), p, pos));
                break 'outer;
            }
            o.out(format.record(cluster, p, off, r));
            count += 1;
            pos = off + 1;
            if o.stdout.len() > 4 << 20 {
                o.errln("(output cut at 4 MiB)");
                positions.push((topic.clone(), p, pos));
                break 'outer;
            }
        }
        positions.push((topic.clone(), p, pos));
    }
    // A consumer in a group commits its positions on close (enable.auto.commit=true).
    if let Some(g) = &group {
        let active = cluster.groups().get(g).is_some_and(|x| !x.members.is_empty());
        if active {
            o.errln(format!("(The group {g} has active members: a real console consumer would join it and take part in a rebalance. Run it in the page to see that; here it only read, from the group's committed offsets, and committed nothing.)"));
        } else if !positions.is_empty() {
            let offsets = positions;
            match target
                .apply_as(ctx.user.as_deref(), Command::AlterGroupOffsets { group: g.clone(), offsets })
            {
                Ok(()) => {}
                Err(e) if e.code() == Some(ErrorCode::GroupAuthorizationFailed) => {
                    return group_not_authorized(o, g, count);
                }
                Err(e) => o.errln(super::core_message(&e)),
            }
        }
    }
    o.errln(format!("Processed a total of {count} messages"));
    o
}

/// The page: a simulated consumer that keeps running.
#[allow(clippy::too_many_arguments)]
fn start(
    target: &mut dyn Target,
    ctx: &Context,
    topic: &str,
    group: Option<String>,
    partition: Option<u32>,
    seek: Option<SeekTo>,
    from_beginning: bool,
    mut o: Output,
) -> Output {
    let cluster = target.cluster();
    let name = (1..)
        .map(|n| format!("console-consumer-{n}"))
        .find(|n| !cluster.consumers().contains_key(n))
        .unwrap_or_default();
    let mut config = ConsumerConfig::teaching();
    config.auto_offset_reset = if from_beginning { OffsetReset::Earliest } else { OffsetReset::Latest };
    let mut spec = match (&group, partition) {
        (_, Some(p)) => ConsumerSpec::standalone(&name, vec![TopicPartition::new(topic, p)], config),
        (Some(g), None) => ConsumerSpec::group(&name, g, &[topic], config),
        (None, None) => {
            // Kafka: a made-up group, `console-consumer-<random>`, that commits nothing.
            let g = format!("{name}-group");
            config.enable_auto_commit = false;
            ConsumerSpec::group(&name, &g, &[topic], config)
        }
    };
    spec.user = ctx.user.clone();
    if let Err(e) = target.apply(Command::AddConsumer { consumer: spec }) {
        o.errln(super::core_message(&e));
        return o.fail();
    }
    if let Some(p) = partition {
        let to = seek.unwrap_or(if from_beginning { SeekTo::Beginning } else { SeekTo::End });
        let to = match to {
            SeekTo::Offset(n) => {
                let end = target
                    .cluster()
                    .topics()
                    .get(topic)
                    .and_then(|t| t.partition(p))
                    .map_or(0, |l| l.log_end());
                SeekTo::Offset(n.min(end))
            }
            other => other,
        };
        if let Err(e) =
            target.apply(Command::Seek { consumer: name.clone(), topic: topic.to_string(), partition: p, to })
        {
            o.errln(super::core_message(&e));
        }
    }
    o.started = Some(name);
    o
}
