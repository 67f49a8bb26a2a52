//! `kafka-get-offsets.sh` — apache/kafka `tools/src/main/java/org/apache/kafka/tools/GetOffsetShell.java`.

use super::options::{self, arg, flag, usage_error, Spec};
use super::{include_list_matches, Context, Output, Target};
use crate::core::error::ErrorCode;
use crate::core::ids::TopicPartition;
use crate::core::protocol::list_offsets::{ListOffsetsPartition, ListOffsetsRequest, LATEST_TIMESTAMP};

pub const SPECS: &[Spec] = &[
    arg("bootstrap-server", "String: HOST1:PORT1,...,HOST3:PORT3", "REQUIRED. The server(s) to connect to in the form HOST1:PORT1,HOST2:PORT2."),
    arg("topic-partitions", "String: topic1:1,topic2:0-3,topic3,topic4:5-,topic5:-3", "Comma separated list of topic-partition patterns to get the offsets for, with the format of '([^:,]*)(?::(?:([0-9]*)|(?:([0-9]*)-([0-9]*))))?'. The first group is an optional regex for the topic name, if omitted, it matches any topic name. The section after ':' describes a partition pattern, which can be: a number, a range in the format of 'NUMBER-NUMBER' (lower inclusive, upper exclusive), an inclusive lower bound in the format of 'NUMBER-', an exclusive upper bound in the format of '-NUMBER' or may be omitted to accept all partitions."),
    arg("topic", "String: topic", "The topic to get the offsets for. It also accepts a regular expression. If not present, all authorized topics are queried. Cannot be used if --topic-partitions is present."),
    arg("partitions", "String: partition ids", "Comma separated list of partition ids to get the offsets for. If not present, all partitions of the authorized topics are queried. Cannot be used if --topic-partitions is present."),
    arg("time", "String: <timestamp> / -1 or latest / -2 or earliest / -3 or max-timestamp", "timestamp of the offsets before that. [Note: No offset is returned, if the timestamp greater than recently committed record timestamp is given.] (default: latest)"),
    arg("command-config", "String: config file", "Property file containing configs to be passed to Admin Client."),
    flag("exclude-internal-topics", "By default, internal topics are included. If specified, internal topics are excluded."),
];

/// `TerseException`: one line on stderr, exit 1.
fn terse(msg: &str) -> Output {
    let mut o = Output::default();
    o.errln(format!("Error occurred: {msg}"));
    o.fail()
}

/// Which partitions of a topic a filter keeps.
type PartitionFilter = Box<dyn Fn(u32) -> bool>;

enum Spec2 {
    Earliest,
    Latest,
    MaxTimestamp,
    Timestamp(i64),
}

pub fn run(args: &[String], target: &mut dyn Target, ctx: &Context) -> Output {
    let opts = match options::parse_or_usage(
        SPECS,
        args,
        "An interactive shell for getting topic-partition offsets.",
    ) {
        Ok(o) => o,
        Err(usage) => return usage,
    };
    if !opts.has("bootstrap-server") {
        return usage_error(SPECS, &options::missing("bootstrap-server"));
    }
    if opts.has("topic-partitions") && (opts.has("topic") || opts.has("partitions")) {
        return terse("--topic-partitions cannot be used with --topic or --partitions");
    }
    let spec = match opts.value("time").unwrap_or("latest") {
        "earliest" | "-2" => Spec2::Earliest,
        "latest" | "-1" => Spec2::Latest,
        "max-timestamp" | "-3" => Spec2::MaxTimestamp,
        "earliest-local" | "-4" | "latest-tiered" | "-5" => {
            return super::unsupported("tiered storage offsets: the playground has no remote storage.")
        }
        t => match t.parse::<i64>() {
            Ok(ts) => Spec2::Timestamp(ts),
            Err(_) => {
                return terse(&format!("Malformed time argument {}. Please use -1 or latest / -2 or earliest / -3 or max-timestamp / -4 or earliest-local / -5 or latest-tiered, or a specified long format timestamp", super::shown(t)))
            }
        },
    };
    // (topic regex, partition filter)
    let mut filters: Vec<(String, PartitionFilter)> = Vec::new();
    if let Some(tp) = opts.value("topic-partitions") {
        for part in tp.split(',') {
            let (topic, range) = match part.split_once(':') {
                Some((t, r)) => (t, Some(r)),
                None => (part, None),
            };
            let topic = if topic.is_empty() { ".*".to_string() } else { topic.to_string() };
            let f: Box<dyn Fn(u32) -> bool> = match range {
                None | Some("") => Box::new(|_| true),
                Some(r) => match r.split_once('-') {
                    None => match r.parse::<u32>() {
                        Ok(n) => Box::new(move |p| p == n),
                        Err(_) => {
                            return terse(&format!("Invalid topic-partition rule: {}", super::shown(part)))
                        }
                    },
                    Some((lo, hi)) => {
                        let lo = if lo.is_empty() { Some(0) } else { lo.parse::<u32>().ok() };
                        let hi = if hi.is_empty() { Some(u32::MAX) } else { hi.parse::<u32>().ok() };
                        match (lo, hi) {
                            (Some(lo), Some(hi)) => Box::new(move |p| p >= lo && p < hi),
                            _ => {
                                return terse(&format!(
                                    "Invalid topic-partition rule: {}",
                                    super::shown(part)
                                ))
                            }
                        }
                    }
                },
            };
            filters.push((topic, f));
        }
    } else {
        let topic = opts.value("topic").unwrap_or(".*").to_string();
        let set: Option<Vec<u32>> = match opts.value("partitions").filter(|p| !p.is_empty()) {
            None => None,
            Some(p) => match p.split(',').map(|x| x.parse::<u32>()).collect::<Result<Vec<_>, _>>() {
                Ok(v) => Some(v),
                Err(_) => {
                    return terse(&format!(
                    "--partitions expects a comma separated list of numeric partition ids, but received: {}",
                    super::shown(p)
                ))
                }
            },
        };
        filters.push((topic, Box::new(move |p| set.as_ref().is_none_or(|s| s.contains(&p)))));
    }
    // The topics come from a Metadata request for all of them, as the user: the broker leaves
    // out those it may not DESCRIBE.
    let request =
        crate::core::protocol::metadata::MetadataRequest { topics: None, allow_auto_topic_creation: false };
    // `listPartitionInfos`: Admin's `listTopics`, the first call; no broker reachable, it
    // fails with the TimeoutException, printed as `GetOffsetShell.main` prints any exception.
    // Each topic's partitions, in order, with whether the answer names a leader.
    let visible: std::collections::BTreeMap<String, Vec<bool>> =
        match target.read_as(ctx.user.as_deref(), "listTopics", request.into()) {
            Ok(crate::core::protocol::Response::Metadata(m)) => m
                .topics
                .into_iter()
                .filter(|t| t.error_code.is_none())
                .map(|t| {
                    let mut ps: Vec<(u32, bool)> =
                        t.partitions.iter().map(|p| (p.partition_index, p.error_code.is_none())).collect();
                    crate::core::sort::by_key(&mut ps, |(p, _)| *p);
                    (t.name, ps.into_iter().map(|(_, leader)| leader).collect())
                })
                .collect(),
            Ok(_) => Default::default(),
            Err(e) => return terse(&super::java_exception(&e)),
        };
    let mut matched: Vec<(String, u32, bool)> = Vec::new();
    for (name, leaders) in &visible {
        for (p, &leader) in (0u32..).zip(leaders) {
            if filters.iter().any(|(re, f)| include_list_matches(re, name) && f(p)) {
                matched.push((name.clone(), p, leader));
            }
        }
    }
    if matched.is_empty() {
        return terse("Could not match any topic-partitions with the specified filters");
    }
    // `Admin.listOffsets` first looks up each partition's leader (its Metadata call,
    // `listOffsets(api=METADATA)`), and retries one without a leader (LEADER_NOT_AVAILABLE,
    // retriable) until the call's deadline: its future then fails with the TimeoutException
    // of a call still waiting for a node. The playground skips the wait: a partition the
    // answer shows without a leader is not asked for, and fails so at once.
    let timed_out =
        || super::java_exception(&crate::core::admin::node_assignment_timeout("listOffsets(api=METADATA)"));
    let wanted: Vec<(String, u32)> =
        matched.iter().filter(|(_, _, leader)| *leader).map(|(t, p, _)| (t.clone(), *p)).collect();
    // ListOffsets (latest) from the broker: what a consumer may read up to, the high watermark
    // (not the leader's log end: records past it are not acknowledged by the ISR yet).
    let list = ListOffsetsRequest {
        replica_id: -1,
        partitions: wanted
            .iter()
            .map(|(t, p)| ListOffsetsPartition {
                partition: TopicPartition::new(t.as_str(), *p),
                timestamp: LATEST_TIMESTAMP,
            })
            .collect(),
    };
    let answers = if wanted.is_empty() {
        Vec::new()
    } else {
        match target.read_as(ctx.user.as_deref(), "listOffsets(api=METADATA)", list.into()) {
            Ok(crate::core::protocol::Response::ListOffsets(r)) => r.partitions,
            Ok(_) => Vec::new(),
            Err(e) => return terse(&super::java_exception(&e)),
        }
    };
    let mut o = Output::default();
    let cluster = target.cluster();
    let mut rows: Vec<(String, u32, Option<i64>)> = Vec::new();
    for (name, p, leader) in matched {
        // `GetOffsetShell.fetchOffsets`: a partition whose future failed is skipped, with the
        // ExecutionException's message (its cause's `toString()`), and the others go on.
        let skip = |o: &mut Output, error: &str| {
            o.errln(format!("Skip getting offsets for topic-partition {name}-{p} due to error: {error}"))
        };
        if !leader {
            skip(&mut o, &timed_out());
            continue;
        }
        let tp = TopicPartition::new(name.as_str(), p);
        let Some(answer) = answers.iter().find(|a| a.partition == tp) else { continue };
        match answer.error_code {
            None => {}
            // Retriable (`ListOffsetsHandler`): the partition's leader is looked up again,
            // until the deadline.
            Some(
                ErrorCode::NotLeaderOrFollower
                | ErrorCode::LeaderNotAvailable
                | ErrorCode::UnknownTopicOrPartition
                | ErrorCode::RequestTimedOut,
            ) => {
                skip(&mut o, &timed_out());
                continue;
            }
            Some(code) => {
                let error = format!(
                    "{}: {}",
                    super::exception_class(code),
                    crate::core::admin::default_message(code)
                );
                skip(&mut o, &error);
                continue;
            }
        }
        let hw = answer.offset.max(0) as u64;
        let Some(log) = cluster.topics().get(&name).and_then(|t| t.partition(p)) else { continue };
        let readable = || log.read(log.log_start(), usize::MAX).take_while(|(off, _)| *off < hw);
        let offset = match spec {
            Spec2::Earliest => Some(log.log_start() as i64),
            Spec2::Latest => Some(hw as i64),
            Spec2::MaxTimestamp => {
                let mut best: Option<(u64, u64)> = None;
                for (off, r) in readable() {
                    if best.is_none_or(|(ts, _)| r.timestamp > ts) {
                        best = Some((r.timestamp, off));
                    }
                }
                Some(best.map_or(-1, |(_, o)| o as i64))
            }
            Spec2::Timestamp(ts) => readable().find(|(_, r)| r.timestamp as i64 >= ts).map(|(o, _)| o as i64),
        };
        rows.push((name, p, offset));
    }
    for (t, p, off) in rows {
        if let Some(off) = off {
            o.outln(format!("{t}:{p}:{off}"));
        }
    }
    o
}
