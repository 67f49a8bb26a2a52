//! `kafka-leader-election.sh` — apache/kafka
//! `tools/src/main/java/org/apache/kafka/tools/LeaderElectionCommand.java` (Kafka 4.0).
//!
//! Its options are parsed when the tool starts, so an option error is not followed by the
//! usage: like every failure of this tool it ends in `mainNoExit`, which prints the
//! exception's message and its stack trace on stderr and exits 1. The playground prints the
//! trace's first line (the exception and its message) and leaves out the frames.
//!
//! What is simplified: `--path-to-json-file` and `--admin.config` name files, and the terminal
//! reads none: it says so. The results are printed in the order Java's `HashSet` iterates
//! them (see [`java_hash_order`]), as the real tool prints them.

use super::options::{self, arg, flag, Spec};
use super::{parse_int, Context, Output, Target};
use crate::core::command::Command;
use crate::core::error::ErrorCode;
use crate::core::protocol::elect_leaders::{ElectionPartition, ElectionType};
use crate::core::replication::coordinator::java_string_hash;

pub const SPECS: &[Spec] = &[
    arg("bootstrap-server", "String: host:port", "A hostname and port for the broker to connect to, in the form host:port. Multiple comma separated URLs can be given. REQUIRED."),
    arg("admin.config", "String: config file", "Configuration properties files to pass to the admin client"),
    arg("path-to-json-file", "String: Path to JSON file", "The JSON file with the list  of partition for which leader elections should be performed. This is an example format. \n{\"partitions\":\n\t[{\"topic\": \"foo\", \"partition\": 1},\n\t {\"topic\": \"foobar\", \"partition\": 2}]\n}\nNot allowed if --all-topic-partitions or --topic flags are specified."),
    arg("topic", "String: topic name", "Name of topic for which to perform an election. Not allowed if --path-to-json-file or --all-topic-partitions is specified."),
    arg("partition", "Integer: partition id", "Partition id for which to perform an election. REQUIRED if --topic is specified."),
    flag("all-topic-partitions", "Perform election on all of the eligible topic partitions based on the type of election (see the --election-type flag). Not allowed if --topic or --path-to-json-file is specified."),
    arg("election-type", "[PREFERRED,UNCLEAN]: election type", "Type of election to attempt. Possible values are \"preferred\" for preferred leader election or \"unclean\" for unclean leader election. If preferred election is selection, the election is only performed if the current leader is not the preferred leader for the topic partition. If unclean election is selected, the election is only performed if there are no leader for the topic partition. REQUIRED."),
];

const ABOUT: &str = "This tool attempts to elect a new leader for a set of topic partitions. The type of elections supported are preferred replicas and unclean replicas.";

/// The exception `AdminCommandFailedException` (the tool's own failures).
const ADMIN_FAILED: &str = "org.apache.kafka.server.common.AdminCommandFailedException";

/// `mainNoExit`'s catch: the message, then the stack trace (its first line here), exit 1.
fn thrown(mut o: Output, exception: &str, message: &str) -> Output {
    o.errln(message);
    o.errln(format!("{exception}: {message}"));
    o.fail()
}

/// jopt-simple's exception for each of its complaints.
fn jopt_exception(message: &str) -> &'static str {
    if message.ends_with("is not a recognized option") {
        "joptsimple.UnrecognizedOptionException"
    } else if message.ends_with("requires an argument") {
        "joptsimple.OptionMissingRequiredArgumentException"
    } else if message.starts_with("Cannot parse argument") {
        "joptsimple.OptionArgumentConversionException"
    } else {
        "joptsimple.UnexpectedArgumentException"
    }
}

pub fn run(args: &[String], target: &mut dyn Target, ctx: &Context) -> Output {
    let opts = match options::parse(SPECS, args) {
        Ok(o) => o,
        Err(e) => return thrown(Output::default(), jopt_exception(&e), &e),
    };
    if args.is_empty() || opts.has("help") {
        return options::usage_error(SPECS, ABOUT);
    }
    if opts.has("version") {
        let mut o = Output::default();
        o.outln(super::KAFKA_VERSION);
        return o;
    }
    // validate()
    let missing: Vec<&str> =
        ["bootstrap-server", "election-type"].into_iter().filter(|n| !opts.has(n)).collect();
    if !missing.is_empty() {
        return thrown(
            Output::default(),
            ADMIN_FAILED,
            &format!("Missing required option(s): {}", missing.join(", ")),
        );
    }
    if opts.count(&["topic", "all-topic-partitions", "path-to-json-file"]) != 1 {
        return thrown(
            Output::default(),
            ADMIN_FAILED,
            "One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file",
        );
    }
    if opts.has("topic") && !opts.has("partition") {
        return thrown(Output::default(), ADMIN_FAILED, "Missing required option(s): partition");
    }
    if !opts.has("topic") && opts.has("partition") {
        return thrown(Output::default(), ADMIN_FAILED, "Option partition is only allowed if topic is used");
    }
    // getElectionType: jopt-simple's EnumConverter ignores case.
    let value = opts.value("election-type").unwrap_or_default();
    let election_type = if value.eq_ignore_ascii_case("PREFERRED") {
        ElectionType::Preferred
    } else if value.eq_ignore_ascii_case("UNCLEAN") {
        ElectionType::Unclean
    } else {
        let e = format!("Cannot parse argument '{}' of option election-type", super::shown(value));
        return thrown(Output::default(), jopt_exception(&e), &e);
    };
    if opts.has("path-to-json-file") {
        return super::unsupported(
            "--path-to-json-file: the terminal reads no files; name one partition with --topic and --partition, or use --all-topic-partitions.",
        );
    }
    let partitions = match (opts.value("topic"), opts.value("partition")) {
        (Some(topic), Some(p)) => match parse_int::<i32>(p, "partition") {
            Ok(partition) => Some(vec![ElectionPartition { topic: topic.to_string(), partition }]),
            Err(e) => return thrown(Output::default(), jopt_exception(&e), &e),
        },
        _ => None,
    };
    if opts.has("admin.config") {
        return super::unsupported(
            "--admin.config: the terminal reads no files; its client is configured by the Run as select.",
        );
    }
    elect_leaders(target, ctx, election_type, partitions)
}

/// A partition's error code and message.
type Refusal = (ErrorCode, Option<String>);

/// `electLeaders`: the request, then what its answer says, partition by partition.
fn elect_leaders(
    target: &mut dyn Target,
    ctx: &Context,
    election_type: ElectionType,
    partitions: Option<Vec<ElectionPartition>>,
) -> Output {
    let mut o = Output::default();
    let cmd = Command::ElectLeaders { election_type, partitions };
    if let Err(e) = target.apply_as(ctx.user.as_deref(), cmd) {
        let message = match e.code() {
            Some(ErrorCode::ClusterAuthorizationFailed) => "Not authorized to perform leader election",
            Some(ErrorCode::RequestTimedOut) => "Timeout waiting for election results",
            _ => {
                // Any other failure: `throw new RuntimeException(e)` around the ExecutionException.
                let cause = format!("java.util.concurrent.ExecutionException: {}", super::java_exception(&e));
                return thrown(o, "java.lang.RuntimeException", &cause);
            }
        };
        o.outln(message);
        return thrown(o, ADMIN_FAILED, message);
    }
    let Some(answer) = target.cluster().admin().last_election().cloned() else {
        return thrown(o, ADMIN_FAILED, "Timeout waiting for election results");
    };
    // ElectLeadersResponse.electLeadersResult: a HashMap of partition → error.
    let results: Vec<(String, Option<Refusal>)> = answer
        .replica_election_results
        .iter()
        .flat_map(|t| {
            t.partition_result.iter().map(move |p| {
                (
                    format!("{}-{}", t.topic, p.partition_id),
                    p.error_code.map(|c| (c, p.error_message.clone())),
                )
            })
        })
        .collect();
    let hash = |tp: &str| {
        let (topic, p) = tp.rsplit_once('-').unwrap_or((tp, "0"));
        topic_partition_hash(topic, p.parse().unwrap_or(0))
    };
    let results = java_hash_order(results, |(tp, _)| hash(tp));
    let mut succeeded = Vec::new();
    let mut noop = Vec::new();
    let mut failed = Vec::new();
    for (tp, error) in results {
        match error {
            None => succeeded.push(tp),
            Some((ErrorCode::ElectionNotNeeded, _)) => noop.push(tp),
            Some((code, message)) => failed.push((tp, code, message)),
        }
    }
    let succeeded = java_hash_order(succeeded, |tp| hash(tp));
    let noop = java_hash_order(noop, |tp| hash(tp));
    let failed = java_hash_order(failed, |(tp, _, _)| hash(tp));
    if !succeeded.is_empty() {
        o.outln(format!(
            "Successfully completed leader election ({}) for partitions {}",
            election_type.name(),
            succeeded.join(", ")
        ));
    }
    if !noop.is_empty() {
        o.outln(format!("Valid replica already elected for partitions {}", noop.join(", ")));
    }
    if !failed.is_empty() {
        for (tp, code, message) in &failed {
            let message = message.clone().unwrap_or_else(|| default_message(*code).to_string());
            o.outln(format!(
                "Error completing leader election ({}) for partition: {tp}: {}: {message}",
                election_type.name(),
                super::exception_class(*code)
            ));
        }
        return thrown(o, ADMIN_FAILED, &format!("{} replica(s) could not be elected", failed.len()));
    }
    o
}

/// `Errors.java`'s message for a code the controller answers without one.
fn default_message(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::PreferredLeaderNotAvailable => "The preferred leader was not available.",
        ErrorCode::EligibleLeadersNotAvailable => "Eligible topic partition leaders are not available.",
        ErrorCode::ElectionNotNeeded => "Leader election not needed for topic partition.",
        ErrorCode::UnknownTopicOrPartition => "This server does not host this topic-partition.",
        other => other.name(),
    }
}

/// `TopicPartition.hashCode`: `31 * (31 + partition) + topic.hashCode()`.
pub fn topic_partition_hash(topic: &str, partition: i32) -> i32 {
    31i32.wrapping_mul(31i32.wrapping_add(partition)).wrapping_add(java_string_hash(topic))
}

/// The order a `java.util.HashMap` / `HashSet` built with the default capacity (16, load
/// factor 0.75) iterates `items`, added in the given order: by bucket (`(h ^ h >>> 16) &
/// (capacity - 1)` at the final capacity), and within a bucket in the order added (a resize
/// splits a bucket keeping that order). Tree bins (8+ keys in one bucket) are not modelled.
pub fn java_hash_order<T>(items: Vec<T>, hash: impl Fn(&T) -> i32) -> Vec<T> {
    let mut capacity: usize = 16;
    while items.len() * 4 > capacity * 3 {
        capacity *= 2;
    }
    let mut keyed: Vec<(usize, usize, T)> = items
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            let h = hash(&t) as u32;
            (((h ^ (h >> 16)) as usize) & (capacity - 1), i, t)
        })
        .collect();
    keyed.sort_by_key(|&(bucket, i, _)| (bucket, i));
    keyed.into_iter().map(|(_, _, t)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `new TopicPartition("orders", p).hashCode()`, and the order a HashSet of them prints.
    #[test]
    fn hash_set_order_is_javas() {
        assert_eq!(java_string_hash("orders"), -1_008_770_331);
        assert_eq!(topic_partition_hash("orders", 0), 961 - 1_008_770_331);
        let tps: Vec<String> = (0..6).map(|p| format!("orders-{p}")).collect();
        let ordered = java_hash_order(tps, |tp| {
            let (t, p) = tp.rsplit_once('-').unwrap();
            topic_partition_hash(t, p.parse().unwrap())
        });
        // 961 + 31p + hash("orders"), spread and masked to 16 buckets.
        let bucket = |p: i32| {
            let h = topic_partition_hash("orders", p) as u32;
            ((h ^ (h >> 16)) & 15) as i32
        };
        let mut expected: Vec<i32> = (0..6).collect();
        expected.sort_by_key(|&p| (bucket(p), p));
        let expected: Vec<String> = expected.iter().map(|p| format!("orders-{p}")).collect();
        assert_eq!(ordered, expected);
    }

    #[test]
    fn capacity_grows_past_three_quarters() {
        // 13 items need 32 buckets: hashes 16 apart then land in two buckets (at 16 they
        // would share one and keep the order added).
        let items: Vec<i32> = (0..13).rev().collect();
        let out = java_hash_order(items, |&x| x * 16);
        assert_eq!(out, [12, 10, 8, 6, 4, 2, 0, 11, 9, 7, 5, 3, 1]);
        assert_eq!(
            java_hash_order((0..12).rev().collect(), |&x| x * 16),
            (0..12).rev().collect::<Vec<i32>>()
        );
    }
}
