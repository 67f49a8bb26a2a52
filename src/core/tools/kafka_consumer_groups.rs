//! `kafka-consumer-groups.sh` — apache/kafka
//! `tools/src/main/java/org/apache/kafka/tools/consumer/group/ConsumerGroupCommand.java` and
//! `ConsumerGroupCommandOptions.java`.

use super::options::{self, arg, cant_combine, flag, usage_error, Parsed, Spec};
use super::{pad, Context, Output, Target, BOOTSTRAP};
use crate::core::cluster::Cluster;
use crate::core::command::Command;
use crate::core::error::{CoreError, ErrorCode};
use crate::core::group::assignor::TopicPartition;
use crate::core::group::{Group, GroupState};
use std::collections::BTreeMap;

pub const SPECS: &[Spec] = &[
    arg("bootstrap-server", "String: server to connect to", "REQUIRED: The server(s) to connect to."),
    arg("group", "String: consumer group", "The consumer group we wish to act on."),
    arg("topic", "String: topic", "The topic whose consumer group information should be deleted or topic whose should be included in the reset offset process. In `reset-offsets` case, partitions can be specified using this format: `topic1:0,1,2`, where 0,1,2 are the partition to be included in the process."),
    flag("all-topics", "Consider all topics assigned to a group in the `reset-offsets` process."),
    flag("list", "List all consumer groups."),
    flag("describe", "Describe consumer group and list offset lag (number of messages not yet processed) related to given group."),
    flag("all-groups", "Apply to all consumer groups."),
    flag("delete", "Pass in groups to delete topic partition offsets and ownership information over the entire consumer group."),
    arg("timeout", "Long: timeout (ms)", "The timeout that can be set for some use cases."),
    arg("command-config", "String: command config property file", "Property file containing configs to be passed to Admin Client and Consumer."),
    flag("reset-offsets", "Reset offsets of consumer group. Supports one consumer group at the time, and instances should be inactive. Has 2 execution options: --dry-run (the default) to plan which offsets to reset, and --execute to update the offsets."),
    flag("delete-offsets", "Delete offsets of consumer group. Supports one consumer group at the time, and multiple topics."),
    flag("dry-run", "Only show results without executing changes on Consumer Groups. Supported operations: reset-offsets."),
    flag("execute", "Execute operation. Supported operations: reset-offsets."),
    flag("export", "Export operation execution to a CSV file. Supported operations: reset-offsets."),
    arg("to-offset", "Long: offset", "Reset offsets to a specific offset."),
    arg("from-file", "String: path to CSV file", "Reset offsets to values defined in CSV file."),
    arg("to-datetime", "String: datetime", "Reset offsets to offset from datetime. Format: 'YYYY-MM-DDTHH:mm:SS.sss'"),
    arg("by-duration", "String: duration", "Reset offsets to offset by duration from current timestamp. Format: 'PnDTnHnMnS'"),
    flag("to-earliest", "Reset offsets to earliest offset."),
    flag("to-latest", "Reset offsets to latest offset."),
    flag("to-current", "Reset offsets to current offset."),
    arg("shift-by", "Long: number-of-offsets", "Reset offsets shifting current offset by 'n', where 'n' can be positive or negative."),
    flag("members", "Describe members of the group. This option may be used with '--describe' and '--bootstrap-server' options only."),
    flag("verbose", "Provide additional information, if any, when describing the group. This option may be used with '--offsets'/'--members'/'--state' and '--bootstrap-server' options only."),
    flag("offsets", "Describe the group and list all topic partitions in the group along with their offset lag. This is the default sub-action of and may be used with '--describe' and '--bootstrap-server' options only."),
    arg("state", "String", "When specified with '--describe', includes the state of the group. When specified with '--list', it displays the state of all groups. It can also be used to list groups with specific states."),
    arg("type", "String", "When specified with '--list', it displays the types of all the groups. It can also be used to list groups with specific types."),
];

const ACTIONS: &[&str] = &["list", "describe", "delete", "reset-offsets", "delete-offsets"];
const SCENARIOS: &[&str] = &[
    "to-offset",
    "shift-by",
    "to-datetime",
    "by-duration",
    "to-earliest",
    "to-latest",
    "to-current",
    "from-file",
];

/// `ConsumerGroupCommand.printError`: a blank line, then `Error: …`, on stdout.
fn print_error(o: &mut Output, msg: &str) {
    o.outln(format!("\nError: {msg}"));
    o.status = 1;
}

/// `--state` takes an optional value in Kafka (`--describe --state`, `--list --state Stable`);
/// jopt-simple reads a following word that is not an option as that value.
pub(crate) fn preprocess(args: &[String]) -> Vec<String> {
    let mut v = Vec::with_capacity(args.len());
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--state" && args.get(i + 1).is_none_or(|n| n.starts_with("--")) {
            v.push("--state=".to_string());
        } else {
            v.push(a.clone());
        }
        i += 1;
    }
    v
}

pub fn run(args: &[String], target: &mut dyn Target, ctx: &Context) -> Output {
    let args = preprocess(args);
    let opts = match options::parse_or_usage(SPECS, &args, "This tool helps to list all consumer groups, describe a consumer group, delete consumer group info, or reset consumer group offsets.") {
        Ok(o) => o,
        Err(usage) => return usage,
    };
    if !opts.has("bootstrap-server") {
        return usage_error(SPECS, &options::missing("bootstrap-server"));
    }
    let scope = "[group], [all-groups]";
    if opts.has("describe") {
        if !opts.has("group") && !opts.has("all-groups") {
            return usage_error(SPECS, &format!("Option [describe] takes one of these options: {scope}"));
        }
        if opts.count(&["members", "offsets", "state"]) > 1 {
            return usage_error(
                SPECS,
                "Option [describe] takes at most one of these options: [members], [offsets], [state]",
            );
        }
        if opts.value("state").is_some_and(|s| !s.is_empty()) {
            return usage_error(SPECS, "Option [describe] does not take a value for [state]");
        }
    }
    if opts.has("delete") {
        if !opts.has("group") && !opts.has("all-groups") {
            return usage_error(SPECS, &format!("Option [delete] takes one of these options: {scope}"));
        }
        if opts.has("topic") {
            return usage_error(
                SPECS,
                "The consumer does not support topic-specific offset deletion from a consumer group.",
            );
        }
    }
    if opts.has("delete-offsets") && (!opts.has("group") || !opts.has("topic")) {
        return usage_error(SPECS, "Option [delete-offsets] takes the following options: [group], [topic]");
    }
    let mut out = Output::default();
    if opts.has("reset-offsets") {
        if opts.has("dry-run") && opts.has("execute") {
            return usage_error(SPECS, "Option [reset-offsets] only accepts one of [execute] and [dry-run]");
        }
        if !opts.has("dry-run") && !opts.has("execute") {
            out.errln("WARN: No action will be performed as the --execute option is missing. As of Kafka 4.0, the default behavior of this command will be to prompt the user before executing the reset rather than doing a dry run. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.");
        }
        if !opts.has("group") && !opts.has("all-groups") {
            return usage_error(
                SPECS,
                &format!("Option [reset-offsets] takes one of these options: {scope}"),
            );
        }
        for used in SCENARIOS {
            if opts.has(used) {
                if let Some(other) = SCENARIOS.iter().find(|o| *o != used && opts.has(o)) {
                    return usage_error(SPECS, &cant_combine(used, other));
                }
            }
        }
    }
    if opts.has("group") && opts.has("all-groups") {
        return usage_error(SPECS, &cant_combine("group", "all-groups"));
    }
    if opts.has("group") && opts.has("list") {
        return usage_error(SPECS, &cant_combine("group", "list"));
    }
    if opts.has("topic") {
        if let Some(bad) = ["list", "describe"].iter().find(|a| opts.has(a)) {
            return usage_error(SPECS, &cant_combine("topic", bad));
        }
    }
    if opts.count(ACTIONS) != 1 {
        return usage_error(
            SPECS,
            "Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets",
        );
    }
    if opts.has("from-file") {
        return super::unsupported("--from-file: the playground's terminal reads no files.");
    }
    if opts.has("list") {
        list(&opts, target, ctx, out)
    } else if opts.has("describe") {
        describe(&opts, target, ctx, out)
    } else if opts.has("delete") {
        delete(&opts, target, ctx, out)
    } else if opts.has("reset-offsets") {
        reset(&opts, target, ctx, out)
    } else {
        delete_offsets(&opts, target, ctx, out)
    }
}

/// ListGroups for consumer groups (types Classic and Consumer) as the user: the broker leaves
/// out the groups it may not DESCRIBE. In name order (Kafka lists them in the coordinator's
/// order; sorting keeps the output stable).
/// Admin's `listConsumerGroups` starts with a Metadata call, `findAllBrokers`, that fails first
/// when no broker can be reached.
fn visible_groups(target: &mut dyn Target, ctx: &Context) -> Result<Vec<String>, CoreError> {
    use crate::core::protocol::list_groups::{GroupType, ListGroupsRequest};
    let request = ListGroupsRequest {
        states_filter: Vec::new(),
        types_filter: vec![GroupType::Classic, GroupType::Consumer],
    };
    match target.read_as(ctx.user.as_deref(), "findAllBrokers", request.into())? {
        crate::core::protocol::Response::ListGroups(r) => {
            Ok(r.groups.into_iter().map(|g| g.group_id).collect())
        }
        _ => Ok(Vec::new()),
    }
}

/// The groups named, or with `--all-groups` every group listed; a failed listing comes back
/// as the tool prints it (`listConsumerGroups()` wraps it, see [`failed_listing`]).
fn selected_groups(
    opts: &Parsed,
    target: &mut dyn Target,
    ctx: &Context,
    o: &mut Output,
) -> Result<Vec<String>, Output> {
    if opts.has("all-groups") {
        visible_groups(target, ctx).map_err(|e| failed_listing(std::mem::take(o), &e))
    } else {
        let mut v: Vec<String> = opts.values("group").to_vec();
        crate::core::sort::ascending(&mut v);
        v.dedup();
        Ok(v)
    }
}

/// `ConsumerGroupCommand.run`'s catch-all: `printError("Executing consumer group command failed
/// due to " + e.getMessage())`; `cause` is that message.
fn group_command_failed(o: &mut Output, cause: &str) {
    print_error(o, &format!("Executing consumer group command failed due to {cause}"));
}

/// A call that failed as a whole (no broker reachable): the tool's error, and it stops. The
/// `ExecutionException` a future's `get()` throws reaches `run` itself, whose message is its
/// cause's `toString()`.
fn failed(mut o: Output, e: &CoreError) -> Output {
    group_command_failed(&mut o, &super::java_exception(e));
    o
}

/// A call that failed inside `listConsumerGroups()` (`--list` without `--state`/`--type`, and
/// `--all-groups`): it wraps the `ExecutionException` in a `RuntimeException`, whose message is
/// the `ExecutionException`'s `toString()`.
fn failed_listing(mut o: Output, e: &CoreError) -> Output {
    group_command_failed(&mut o, &super::execution_exception(e));
    o
}

/// Group type as `--list --type` prints it.
fn group_type(g: &Group) -> &'static str {
    match g.protocol {
        Some(crate::core::group::GroupProtocol::Consumer) => "Consumer",
        _ => "Classic",
    }
}

/// A comma-separated list as Java's `String.split(",")` splits it (trailing empty strings
/// dropped), each item trimmed.
fn java_split(s: &str) -> Vec<String> {
    let mut items: Vec<String> = s.split(',').map(|x| x.trim().to_string()).collect();
    while items.len() > 1 && items.last().is_some_and(|x| x.is_empty()) {
        items.pop();
    }
    items
}

/// `--state` and `--type` values, lower-cased, checked as `consumerGroupStatesFromString` and
/// `consumerGroupTypesFromString` check them: before any call, an IllegalArgumentException
/// (the usage error) naming the valid ones.
fn list_filters(opts: &Parsed) -> Result<(Vec<String>, Vec<String>), Output> {
    const STATES: [&str; 7] =
        ["PreparingRebalance", "CompletingRebalance", "Stable", "Dead", "Empty", "Assigning", "Reconciling"];
    const TYPES: [&str; 3] = ["Consumer", "Classic", "Share"];
    let parse = |option: &str, valid: &[&str], list: &str, plural: &str| -> Result<Vec<String>, Output> {
        let Some(input) = opts.value(option).filter(|s| !s.is_empty()) else { return Ok(Vec::new()) };
        let items: Vec<String> = java_split(input).into_iter().map(|x| x.to_ascii_lowercase()).collect();
        if items.iter().all(|x| valid.iter().any(|v| v.to_ascii_lowercase() == *x)) {
            return Ok(items);
        }
        Err(usage_error(
            SPECS,
            &format!(
                "Invalid {list} list '{}'. Valid {plural} are: {}",
                super::shown(input),
                valid.join(", ")
            ),
        ))
    };
    // `listGroups`: the types first, then the states.
    let types = parse("type", &TYPES, "types", "types")?;
    let states = parse("state", &STATES, "state", "states")?;
    Ok((states, types))
}

fn list(opts: &Parsed, target: &mut dyn Target, ctx: &Context, mut o: Output) -> Output {
    let include_state = opts.has("state");
    let include_type = opts.has("type");
    let (states, types) = match list_filters(opts) {
        Ok(f) => f,
        Err(usage) => return usage,
    };
    let groups = match visible_groups(target, ctx) {
        Ok(g) => g,
        // `listConsumerGroupsWithFilters` lets the ExecutionException through;
        // `listConsumerGroups()` wraps it.
        Err(e) if include_state || include_type => return failed(o, &e),
        Err(e) => return failed_listing(o, &e),
    };
    let cluster = target.cluster();
    if !include_state && !include_type {
        for g in groups {
            o.outln(g);
        }
        return o;
    }
    let rows: Vec<&Group> = groups
        .iter()
        .filter_map(|g| cluster.groups().get(g))
        .filter(|g| states.is_empty() || states.contains(&g.state.name().to_ascii_lowercase()))
        .filter(|g| types.is_empty() || types.contains(&group_type(g).to_ascii_lowercase()))
        .collect();
    let w = rows.iter().map(|g| g.id.chars().count().max(15)).max().unwrap_or(15) + 10;
    let line = |cells: &[&str]| {
        let mut s = pad(cells[0], w);
        for c in &cells[1..] {
            s.push(' ');
            s.push_str(&pad(c, 20));
        }
        s
    };
    let mut header = vec!["GROUP"];
    if include_type {
        header.push("TYPE");
    }
    if include_state {
        header.push("STATE");
    }
    o.outln(line(&header));
    for g in rows {
        let mut cells = vec![g.id.as_str()];
        if include_type {
            cells.push(group_type(g));
        }
        if include_state {
            cells.push(g.state.name());
        }
        o.outln(line(&cells));
    }
    o
}

/// `shouldPrintMemberState`: false when there is nothing to print.
fn member_state_ok(o: &mut Output, group: &str, g: Option<&Group>, rows: usize) -> bool {
    let Some(g) = g else {
        print_error(o, &format!("Consumer group '{group}' does not exist."));
        return false;
    };
    match g.state {
        GroupState::Dead => {
            print_error(o, &format!("Consumer group '{group}' does not exist."));
            return false;
        }
        GroupState::Empty => o.errln(format!("\nConsumer group '{group}' has no active members.")),
        GroupState::PreparingRebalance
        | GroupState::CompletingRebalance
        | GroupState::Assigning
        | GroupState::Reconciling => o.errln(format!("\nWarning: Consumer group '{group}' is rebalancing.")),
        GroupState::Stable => {}
    }
    rows > 0
}

/// One row of `--describe --offsets`.
struct OffsetRow {
    topic: String,
    partition: String,
    current: String,
    log_end: String,
    lag: String,
    consumer_id: String,
    host: String,
    client_id: String,
}

/// `collectGroupsOffsets`: members with partitions, most partitions first, then the
/// partitions with a committed offset that nobody owns.
fn offset_rows(cluster: &Cluster, g: &Group) -> Vec<OffsetRow> {
    let mut members = cluster.group_members(&g.id);
    members.retain(|m| !m.owns.is_empty());
    crate::core::sort::by_key(&mut members, |m| std::cmp::Reverse(m.owns.len()));
    let mut rows = Vec::new();
    let mut assigned: Vec<TopicPartition> = Vec::new();
    let row = |tp: &TopicPartition, who: Option<(&str, &str)>| {
        let committed = g.offsets.get(tp).copied();
        let end =
            cluster.topics().get(&*tp.topic).and_then(|t| t.partition(tp.partition)).map(|l| l.log_end());
        let dash = || "-".to_string();
        OffsetRow {
            topic: tp.topic.to_string(),
            partition: tp.partition.to_string(),
            current: committed.map_or_else(dash, |c| c.to_string()),
            log_end: end.map_or_else(dash, |e| e.to_string()),
            lag: match (committed, end) {
                (Some(c), Some(e)) => e.saturating_sub(c).to_string(),
                _ => dash(),
            },
            consumer_id: who.map_or_else(dash, |w| w.0.to_string()),
            host: who.map_or_else(dash, |_| HOST.to_string()),
            client_id: who.map_or_else(dash, |w| w.1.to_string()),
        }
    };
    for m in &members {
        let mut owns = m.owns.clone();
        crate::core::sort::ascending(&mut owns);
        for tp in &owns {
            rows.push(row(tp, Some((&m.member_id, &m.consumer))));
            assigned.push(tp.clone());
        }
    }
    for tp in g.offsets.keys() {
        if !assigned.contains(tp) {
            rows.push(row(tp, None));
        }
    }
    rows
}

/// Simulated clients have no addresses; Kafka prints the client's IP with a leading `/`.
const HOST: &str = "/127.0.0.1";

/// DescribeGroups of one group as the user (Admin's `describeConsumerGroups`): the group
/// (`None`: Dead), the refusal as the Java client's exception (`Ok(Err)`), or the call failing
/// as a whole (`Err`: no broker reachable).
fn described(
    target: &mut dyn Target,
    ctx: &Context,
    group: &str,
) -> Result<Result<Option<Group>, String>, CoreError> {
    use crate::core::protocol::describe_groups::DescribeGroupsRequest;
    let request = DescribeGroupsRequest { groups: vec![group.to_string()] };
    let call = "describeConsumerGroups(api=FIND_COORDINATOR)";
    Ok(match target.read_as(ctx.user.as_deref(), call, request.into())? {
        crate::core::protocol::Response::DescribeGroups(r) => match r.groups.into_iter().next() {
            Some((_, Ok(g))) => Ok(g),
            Some((_, Err((code, message)))) => Err(format!("{}: {message}", super::exception_class(code))),
            None => Ok(None),
        },
        _ => Ok(None),
    })
}

/// The partition counts of the `--topic` values named without partitions (unless
/// `--all-topics`): `describeTopics` (Metadata) as the user. A topic it does not describe, or a
/// call that fails, is the command's failure, given as the cause to print.
fn bare_topic_partitions(
    opts: &Parsed,
    target: &mut dyn Target,
    ctx: &Context,
) -> Result<BTreeMap<String, u32>, String> {
    use crate::core::protocol::{metadata::MetadataRequest, Response};
    let mut counts = BTreeMap::new();
    let bare: Vec<String> = opts.values("topic").iter().filter(|t| !t.contains(':')).cloned().collect();
    if bare.is_empty() || opts.has("all-topics") {
        return Ok(counts);
    }
    let request = MetadataRequest { topics: Some(bare), allow_auto_topic_creation: false };
    match target.read_as(ctx.user.as_deref(), "listNodes", request.into()) {
        Ok(Response::Metadata(m)) => {
            for t in m.topics {
                match t.error_code {
                    None => {
                        counts.insert(t.name, t.partitions.len() as u32);
                    }
                    Some(code) => {
                        return Err(format!(
                            "{}: {}",
                            super::exception_class(code),
                            crate::core::admin::default_message(code)
                        ))
                    }
                }
            }
            Ok(counts)
        }
        Ok(_) => Ok(counts),
        Err(e) => Err(super::java_exception(&e)),
    }
}

fn describe(opts: &Parsed, target: &mut dyn Target, ctx: &Context, mut o: Output) -> Output {
    let groups = match selected_groups(opts, target, ctx, &mut o) {
        Ok(g) => g,
        Err(failed) => return failed,
    };
    for group in groups {
        let described = match described(target, ctx, &group) {
            Ok(Ok(g)) => g,
            Ok(Err(e)) => {
                group_command_failed(&mut o, &e);
                continue;
            }
            Err(e) => return failed(o, &e),
        };
        // The partitions of the topics named without any: `describeTopics` (Metadata) as the
        // user; a topic it does not describe fails the command.
        if let Err(cause) = bare_topic_partitions(opts, target, ctx) {
            group_command_failed(&mut o, &cause);
            return o;
        }
        let cluster = target.cluster();
        let g = described.as_ref();
        if opts.has("members") {
            let members = g.map(|g| cluster.group_members(&g.id)).unwrap_or_default();
            if !member_state_ok(&mut o, &group, g, members.len())
                && g.is_none_or(|g| g.state == GroupState::Dead)
            {
                continue;
            }
            let verbose = opts.has("verbose");
            let gw = members.iter().map(|_| group.chars().count()).max().unwrap_or(0).max(15);
            let cw = members.iter().map(|m| m.member_id.chars().count()).max().unwrap_or(0).max(15);
            let hw = HOST.len().max(15);
            let lw = members.iter().map(|m| m.consumer.chars().count()).max().unwrap_or(0).max(15);
            let instances: Vec<String> = members
                .iter()
                .map(|m| {
                    g.and_then(|g| g.members.get(&m.member_id))
                        .and_then(|gm| gm.instance_id.clone())
                        .unwrap_or_default()
                })
                .collect();
            let with_instance = instances.iter().any(|i| !i.is_empty());
            let iw = instances.iter().map(|i| i.chars().count()).max().unwrap_or(0).max(17);
            let line = |o: &mut Output, cells: &[&str], last: &str| {
                let mut s = String::new();
                let widths: Vec<usize> =
                    if with_instance { vec![gw, cw, iw, hw, lw, 15] } else { vec![gw, cw, hw, lw, 15] };
                for (c, w) in cells.iter().zip(widths) {
                    s.push_str(&pad(c, w));
                    s.push(' ');
                }
                s.push_str(last);
                o.outln(s);
            };
            o.stdout.push('\n');
            let tail = if verbose { "ASSIGNMENT" } else { "" };
            if with_instance {
                line(
                    &mut o,
                    &["GROUP", "CONSUMER-ID", "GROUP-INSTANCE-ID", "HOST", "CLIENT-ID", "#PARTITIONS"],
                    tail,
                );
            } else {
                line(&mut o, &["GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS"], tail);
            }
            for (m, inst) in members.iter().zip(&instances) {
                let n = m.owns.len().to_string();
                let assignment = if !verbose {
                    String::new()
                } else if m.owns.is_empty() {
                    "-".to_string()
                } else {
                    let mut by_topic: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
                    for tp in &m.owns {
                        by_topic.entry(&tp.topic).or_default().push(tp.partition);
                    }
                    let mut parts: Vec<String> = by_topic
                        .into_values()
                        .map(|mut ps| {
                            // Java sorts the partition numbers as strings.
                            let mut s: Vec<String> = {
                                crate::core::sort::ascending(&mut ps);
                                ps.iter().map(u32::to_string).collect()
                            };
                            crate::core::sort::ascending(&mut s);
                            format!("({})", s.join(","))
                        })
                        .collect();
                    crate::core::sort::ascending(&mut parts);
                    parts.join(", ")
                };
                if with_instance {
                    line(&mut o, &[&group, &m.member_id, inst, HOST, &m.consumer, &n], &assignment);
                } else {
                    line(&mut o, &[&group, &m.member_id, HOST, &m.consumer, &n], &assignment);
                }
            }
        } else if opts.has("state") {
            if !member_state_ok(&mut o, &group, g, 1) {
                continue;
            }
            let Some(g) = g else { continue };
            // FindCoordinator's answer (`Node.host():port  (idString)`).
            let (id, _) = target.cluster().coordinator(&g.id);
            let coordinator = format!("{BOOTSTRAP}  ({id})");
            let w = coordinator.chars().count().max(25);
            let strategy = g.strategy.map(crate::core::group::assignor::Strategy::kafka_name).unwrap_or("");
            let members = g.members.len().to_string();
            for cells in [
                ["GROUP", "COORDINATOR (ID)", "ASSIGNMENT-STRATEGY", "STATE", "#MEMBERS"],
                [&g.id, &coordinator, strategy, g.state.name(), &members],
            ] {
                o.out(format!(
                    "\n{} {} {} {} {}",
                    pad(cells[0], w),
                    pad(cells[1], 25),
                    pad(cells[2], 20),
                    pad(cells[3], 15),
                    cells[4]
                ));
            }
            o.stdout.push('\n');
        } else {
            let rows = g.map(|g| offset_rows(cluster, g)).unwrap_or_default();
            if !member_state_ok(&mut o, &group, g, rows.len()) {
                continue;
            }
            let gw = group.chars().count().max(15);
            let tw = rows.iter().map(|r| r.topic.chars().count()).max().unwrap_or(0).max(15);
            let cw = rows.iter().map(|r| r.consumer_id.chars().count()).max().unwrap_or(0).max(15);
            let hw = rows.iter().map(|r| r.host.chars().count()).max().unwrap_or(0).max(15);
            let line = |o: &mut Output, c: [&str; 9]| {
                o.out(format!(
                    "\n{} {} {} {} {} {} {} {} {}",
                    pad(c[0], gw),
                    pad(c[1], tw),
                    pad(c[2], 10),
                    pad(c[3], 15),
                    pad(c[4], 15),
                    pad(c[5], 15),
                    pad(c[6], cw),
                    pad(c[7], hw),
                    c[8]
                ));
            };
            line(
                &mut o,
                [
                    "GROUP",
                    "TOPIC",
                    "PARTITION",
                    "CURRENT-OFFSET",
                    "LOG-END-OFFSET",
                    "LAG",
                    "CONSUMER-ID",
                    "HOST",
                    "CLIENT-ID",
                ],
            );
            for r in &rows {
                line(
                    &mut o,
                    [
                        &group,
                        &r.topic,
                        &r.partition,
                        &r.current,
                        &r.log_end,
                        &r.lag,
                        &r.consumer_id,
                        &r.host,
                        &r.client_id,
                    ],
                );
            }
            o.stdout.push('\n');
        }
    }
    o
}

fn delete(opts: &Parsed, target: &mut dyn Target, ctx: &Context, mut o: Output) -> Output {
    let groups = match selected_groups(opts, target, ctx, &mut o) {
        Ok(g) => g,
        Err(failed) => return failed,
    };
    let mut ok = Vec::new();
    let mut failed: Vec<(String, String)> = Vec::new();
    for g in groups {
        // DeleteGroups: the broker checks DELETE on the group and answers per group. Each
        // group's future fails on its own, and the tool prints what its `get()` threw: an
        // ExecutionException around the Java client's exception — the broker's refusal, or
        // the TimeoutException when no broker can be reached.
        match target.apply_as(ctx.user.as_deref(), Command::DeleteGroup { group: g.clone() }) {
            Ok(()) => ok.push(g),
            Err(e) if e.code() == Some(ErrorCode::GroupAuthorizationFailed) => {
                failed.push((g.clone(), format!("java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.GroupAuthorizationException: Not authorized to access group: {g}")));
            }
            Err(e) => failed.push((g, super::execution_exception(&e))),
        }
    }
    if failed.is_empty() {
        o.outln(format!("Deletion of requested consumer groups ('{}') was successful.", ok.join("', '")));
    } else {
        print_error(&mut o, "Deletion of some consumer groups failed:");
        for (g, why) in &failed {
            o.outln(format!("* Group '{g}' could not be deleted due to: {why}"));
        }
        if !ok.is_empty() {
            o.outln(format!("\nThese consumer groups were deleted successfully: '{}'", ok.join("', '")));
        }
    }
    o
}

/// `topic:0,1,2` → those partitions (`parseTopicsWithPartitions`).
fn parse_topic_partitions(arg: &str) -> Result<Vec<TopicPartition>, String> {
    let (topic, list) = arg.split_once(':').unwrap_or((arg, ""));
    list.split(',')
        .map(|p| {
            p.trim().parse::<u32>().map(|p| TopicPartition::new(topic, p)).map_err(|_| {
                format!(
                    "Invalid partition '{}' specified in topic arg '{}''",
                    super::shown(p),
                    super::shown(arg)
                )
            })
        })
        .collect()
}

/// `Utils.getDateTime`: `YYYY-MM-DDTHH:mm:SS.sss`, optionally with a zone (ignored: UTC).
/// The simulated clock starts at 1970-01-01T00:00:00.000.
pub(crate) fn parse_datetime(s: &str) -> Option<u64> {
    let s = s.trim_end_matches('Z');
    let (date, time) = s.split_once('T')?;
    let d: Vec<i64> = date.split('-').map(|x| x.parse().ok()).collect::<Option<_>>()?;
    let (y, m, day) = (*d.first()?, *d.get(1)?, *d.get(2)?);
    let time = time.split(['+', '-']).next()?;
    let (hms, ms) = time.split_once('.').unwrap_or((time, "0"));
    let t: Vec<i64> = hms.split(':').map(|x| x.parse().ok()).collect::<Option<_>>()?;
    let ms: i64 = ms.get(..3.min(ms.len()))?.parse().ok()?;
    let (h, min, sec) = (*t.first()?, *t.get(1)?, t.get(2).copied().unwrap_or(0));
    // Out-of-range fields are a ParseException in Kafka; checking them first also keeps the
    // arithmetic below far from overflow whatever was typed.
    let in_range = (0..=9999).contains(&y)
        && (1..=12).contains(&m)
        && (1..=31).contains(&day)
        && (0..=23).contains(&h)
        && (0..=59).contains(&min)
        && (0..=59).contains(&sec)
        && (0..=999).contains(&ms);
    if !in_range {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let total = ((days * 24 + h) * 60 + min) * 60 + sec;
    u64::try_from(total * 1000 + ms).ok()
}

/// `java.time.Duration.parse`: `PnDTnHnMn.nS`.
fn parse_iso_duration(s: &str) -> Option<u64> {
    let s = s.strip_prefix('P').or_else(|| s.strip_prefix('p'))?;
    let (days, time) = match s.split_once(['T', 't']) {
        Some((d, t)) => (d, t),
        None => (s, ""),
    };
    let mut ms: f64 = 0.0;
    if !days.is_empty() {
        ms += days.strip_suffix(['D', 'd'])?.parse::<f64>().ok()? * 86_400_000.0;
    }
    let mut num = String::new();
    for c in time.chars() {
        match c.to_ascii_uppercase() {
            'H' => ms += std::mem::take(&mut num).parse::<f64>().ok()? * 3_600_000.0,
            'M' => ms += std::mem::take(&mut num).parse::<f64>().ok()? * 60_000.0,
            'S' => ms += std::mem::take(&mut num).parse::<f64>().ok()? * 1000.0,
            c => num.push(c),
        }
    }
    (num.is_empty() && ms.is_finite() && ms >= 0.0).then_some(ms as u64)
}

fn reset(opts: &Parsed, target: &mut dyn Target, ctx: &Context, mut o: Output) -> Output {
    let groups = match selected_groups(opts, target, ctx, &mut o) {
        Ok(g) => g,
        Err(failed) => return failed,
    };
    let mut plans: Vec<(String, Vec<(TopicPartition, u64)>)> = Vec::new();
    for group in groups {
        // The tool reads the group first (DescribeGroups: DESCRIBE on the group); committing the
        // new offsets is the broker's to allow (READ), below.
        let described = match described(target, ctx, &group) {
            Ok(Ok(g)) => g,
            Ok(Err(e)) => {
                group_command_failed(&mut o, &e);
                return o;
            }
            Err(e) => return failed(o, &e),
        };
        // The partitions of the topics named without any: `describeTopics` (Metadata) as the
        // user; a topic it does not describe fails the command.
        let counts = match bare_topic_partitions(opts, target, ctx) {
            Ok(counts) => counts,
            Err(cause) => {
                group_command_failed(&mut o, &cause);
                return o;
            }
        };
        let cluster = target.cluster();
        let g = described.as_ref();
        let state = g.map_or(GroupState::Dead, |g| g.state);
        if !matches!(state, GroupState::Empty | GroupState::Dead) {
            print_error(
                &mut o,
                &format!(
                    "Assignments can only be reset if the group '{group}' is inactive, but the current state is {}.",
                    state.name()
                ),
            );
            plans.push((group, Vec::new()));
            continue;
        }
        let committed: BTreeMap<TopicPartition, u64> = g.map(|g| g.offsets.clone()).unwrap_or_default();
        let partitions: Vec<TopicPartition> = if opts.has("all-topics") {
            committed.keys().cloned().collect()
        } else if opts.has("topic") {
            let mut v = Vec::new();
            for t in opts.values("topic") {
                if t.contains(':') {
                    match parse_topic_partitions(t) {
                        Ok(ps) => v.extend(ps),
                        Err(e) => return usage_error(SPECS, &e),
                    }
                } else if let Some(&n) = counts.get(t.as_str()) {
                    v.extend((0..n).map(|p| TopicPartition::new(t.as_str(), p)));
                } else {
                    group_command_failed(&mut o, "org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition.");
                    return o;
                }
            }
            v
        } else {
            let mut e =
                usage_error(SPECS, "One of the reset scopes should be defined: --all-topics, --topic.");
            e.stderr.insert_str(0, &o.stderr);
            return e;
        };
        let bounds = |tp: &TopicPartition| {
            cluster
                .topics()
                .get(&*tp.topic)
                .and_then(|t| t.partition(tp.partition))
                .map(|l| (l.log_start(), l.log_end()))
        };
        let mut plan = Vec::new();
        for tp in partitions {
            let Some((start, end)) = bounds(&tp) else {
                group_command_failed(&mut o, "org.apache.kafka.common.errors.UnknownTopicOrPartitionException: This server does not host this topic-partition.");
                return o;
            };
            let clamp = |x: i64| x.clamp(start as i64, end as i64) as u64;
            let by_time = |ts: u64| {
                let log = cluster.topics().get(&*tp.topic).and_then(|t| t.partition(tp.partition));
                log.and_then(|l| {
                    l.read(start, usize::MAX).find(|(_, r)| r.timestamp >= ts).map(|(off, _)| off)
                })
                .unwrap_or(end)
            };
            let new = if let Some(v) = opts.value("to-offset") {
                match super::parse_int::<i64>(v, "to-offset") {
                    Ok(n) => clamp(n),
                    Err(e) => return usage_error(SPECS, &e),
                }
            } else if opts.has("to-earliest") {
                start
            } else if opts.has("to-latest") {
                end
            } else if opts.has("to-current") {
                committed.get(&tp).copied().unwrap_or(end)
            } else if let Some(v) = opts.value("shift-by") {
                let n = match super::parse_int::<i64>(v, "shift-by") {
                    Ok(n) => n,
                    Err(e) => return usage_error(SPECS, &e),
                };
                let Some(cur) = committed.get(&tp) else {
                    return usage_error(
                        SPECS,
                        &format!("Cannot shift offset for partition {}-{} since there is no current committed offset", tp.topic, tp.partition),
                    );
                };
                clamp((*cur as i64).saturating_add(n))
            } else if let Some(v) = opts.value("to-datetime") {
                match parse_datetime(v) {
                    Some(ts) => by_time(ts),
                    None => {
                        group_command_failed(
                            &mut o,
                            &format!("java.text.ParseException: Unparseable date: \"{}\"", super::shown(v)),
                        );
                        return o;
                    }
                }
            } else if let Some(v) = opts.value("by-duration") {
                match parse_iso_duration(v) {
                    Some(d) => by_time(cluster.now().saturating_sub(d)),
                    None => {
                        group_command_failed(&mut o, &format!("java.time.format.DateTimeParseException: Text cannot be parsed to a Duration: {}", super::shown(v)));
                        return o;
                    }
                }
            } else {
                return usage_error(
                    SPECS,
                    "Option '[reset-offsets]' requires one of the following scenarios: [to-offset], [shift-by], [to-datetime], [by-duration], [to-earliest], [to-latest], [to-current], [from-file]",
                );
            };
            plan.push((tp, new));
        }
        crate::core::sort::by(&mut plan, |a, b| a.0.cmp(&b.0));
        plan.dedup_by(|a, b| a.0 == b.0);
        if opts.has("execute") && !plan.is_empty() {
            let offsets = plan.iter().map(|(tp, off)| (tp.topic.to_string(), tp.partition, *off)).collect();
            if let Err(e) = target
                .apply_as(ctx.user.as_deref(), Command::AlterGroupOffsets { group: group.clone(), offsets })
            {
                group_command_failed(&mut o, &super::java_exception(&e));
                return o;
            }
        }
        plans.push((group, plan));
    }
    if opts.has("export") {
        for (_, plan) in &plans {
            for (tp, off) in plan {
                o.outln(format!("{},{},{off}", tp.topic, tp.partition));
            }
        }
        return o;
    }
    if !plans.is_empty() {
        o.out(format!(
            "\n{} {} {} {}",
            pad("GROUP", 30),
            pad("TOPIC", 30),
            pad("PARTITION", 10),
            pad("NEW-OFFSET", 15)
        ));
    }
    for (group, plan) in &plans {
        for (tp, off) in plan {
            o.out(format!(
                "\n{} {} {} {}",
                pad(group, 30),
                pad(&tp.topic, 30),
                pad(&tp.partition.to_string(), 10),
                pad(&off.to_string(), 15)
            ));
        }
    }
    o.stdout.push('\n');
    o
}

/// `ConsumerGroupService.deleteOffsets`: the partitions of the topics named without any come
/// from `describeTopics` (a topic it fails for is a "Not Provided" row); then
/// `deleteConsumerGroupOffsets` of every partition, even of none. A refusal of the whole
/// request (no such group, no DELETE on it, no broker) is the top-level line and every
/// partition's row; otherwise each partition has its own result. Nothing is thrown: the table
/// is always printed.
fn delete_offsets(opts: &Parsed, target: &mut dyn Target, ctx: &Context, mut o: Output) -> Output {
    use crate::core::admin::default_message;
    use crate::core::protocol::metadata::MetadataRequest;
    use crate::core::protocol::Response;
    let group = opts.value("group").unwrap_or_default().to_string();
    let topics = opts.values("topic").to_vec();
    // (topic, partition or None for "Not Provided", error as `Throwable.getMessage` of the
    // ExecutionException: the cause's `toString`).
    let mut results: Vec<(String, Option<u32>, Option<String>)> = Vec::new();
    let mut partitions: Vec<TopicPartition> = Vec::new();
    for t in topics.iter().filter(|t| t.contains(':')) {
        match parse_topic_partitions(t) {
            Ok(ps) => partitions.extend(ps),
            Err(e) => return usage_error(SPECS, &e),
        }
    }
    // `describeTopics` of the topics named without partitions: Metadata, as the user. Its
    // first call is `describeCluster` (`listNodes`), which is what times out with no broker.
    let mut bare: Vec<String> = topics.iter().filter(|t| !t.contains(':')).cloned().collect();
    crate::core::sort::ascending(&mut bare);
    bare.dedup();
    if !bare.is_empty() {
        let request = MetadataRequest { topics: Some(bare.clone()), allow_auto_topic_creation: false };
        let answer = target.read_as(ctx.user.as_deref(), "listNodes", request.into());
        for t in &bare {
            let described = match &answer {
                Ok(Response::Metadata(m)) => m.topics.iter().find(|d| d.name == *t),
                _ => None,
            };
            let error = match (&answer, described) {
                (Err(e), _) => super::java_exception(e),
                (Ok(_), Some(d)) if d.error_code.is_none() => {
                    partitions.extend(
                        d.partitions.iter().map(|p| TopicPartition::new(t.as_str(), p.partition_index)),
                    );
                    continue;
                }
                (Ok(_), d) => {
                    let code = d.and_then(|d| d.error_code).unwrap_or(ErrorCode::UnknownTopicOrPartition);
                    format!("{}: {}", super::exception_class(code), default_message(code))
                }
            };
            results.push((t.clone(), None, Some(error)));
        }
    }
    crate::core::sort::by_key(&mut partitions, |tp| (tp.topic.to_string(), tp.partition));
    partitions.dedup();
    // `deleteConsumerGroupOffsets`, one partition per command, so each partition's answer
    // reaches the table (a command's result is one error; its event, which lists every
    // refusal, does not reach a tool); with no partition at all, one command for none, which
    // only the group-level checks can refuse.
    let delete = |target: &mut dyn Target, topic: &str, partitions: Vec<u32>| {
        let cmd = Command::DeleteGroupOffsets { group: group.clone(), topic: topic.to_string(), partitions };
        target.apply_as(ctx.user.as_deref(), cmd)
    };
    let whole_request = |code: Option<ErrorCode>| {
        matches!(
            code,
            Some(
                ErrorCode::GroupIdNotFound
                    | ErrorCode::GroupAuthorizationFailed
                    | ErrorCode::NonEmptyGroup
                    | ErrorCode::RequestTimedOut
            )
        ) || code.is_none()
    };
    let mut top: Option<CoreError> = None;
    let mut group_error: Option<String> = None;
    if partitions.is_empty() {
        let topic = topics.first().map(|t| t.split(':').next().unwrap_or_default()).unwrap_or_default();
        if let Err(e) = delete(target, topic, Vec::new()) {
            top = Some(e);
        }
    }
    for tp in &partitions {
        let error = match &group_error {
            Some(e) => Some(e.clone()),
            None => match delete(target, &tp.topic, vec![tp.partition]) {
                Ok(()) => None,
                Err(e) => {
                    let shown = super::java_exception(&e);
                    if whole_request(e.code()) {
                        group_error = Some(shown.clone());
                    }
                    if top.is_none() {
                        top = Some(e);
                    }
                    Some(shown)
                }
            },
        };
        results.push((tp.topic.to_string(), Some(tp.partition), error));
    }
    match top.as_ref().map(|e| e.code()) {
        None => o.outln(format!(
            "Request succeed for deleting offsets with topic {} group {group}",
            topics.join(", ")
        )),
        Some(Some(ErrorCode::GroupIdNotFound)) => print_error(&mut o, &format!("'{group}' does not exist.")),
        Some(Some(ErrorCode::GroupAuthorizationFailed)) => {
            print_error(&mut o, &format!("Access to '{group}' is not authorized."))
        }
        Some(Some(ErrorCode::NonEmptyGroup)) => print_error(
            &mut o,
            &format!(
                "Deleting offsets of a consumer group '{group}' is forbidden if the group is not empty."
            ),
        ),
        Some(Some(
            ErrorCode::GroupSubscribedToTopic
            | ErrorCode::TopicAuthorizationFailed
            | ErrorCode::UnknownTopicOrPartition,
        )) => print_error(&mut o, "Encounter some partition level error, see the follow-up details:"),
        // `Errors.forException`: a cause that is no Kafka error is UNKNOWN_SERVER_ERROR.
        Some(code) => print_error(
            &mut o,
            &format!("Encounter some unknown error: {}", code.map_or("UNKNOWN_SERVER_ERROR", |c| c.name())),
        ),
    }
    // Rows sorted as Kafka sorts them: by topic and partition as one string.
    let shown = |p: &Option<u32>| p.map_or("Not Provided".to_string(), |p| p.to_string());
    let key = |r: &(String, Option<u32>, Option<String>)| format!("{}{}", r.0, r.1.map_or(-1, i64::from));
    crate::core::sort::by_key(&mut results, key);
    o.out(format!("\n{} {} {}", pad("TOPIC", 30), pad("PARTITION", 15), pad("STATUS", 15)));
    for (t, p, error) in &results {
        let status = error.as_ref().map_or("Successful".to_string(), |e| format!("Error: :{e}"));
        o.out(format!("\n{} {} {}", pad(t, 30), pad(&shown(p), 15), pad(&status, 15)));
    }
    o.stdout.push('\n');
    if results.iter().any(|r| r.2.is_some()) {
        o.status = 1;
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_dates_and_durations() {
        assert_eq!(parse_datetime("1970-01-01T00:00:30.000"), Some(30_000));
        assert_eq!(parse_datetime("1970-01-02T00:00:00.5"), Some(86_400_005));
        assert_eq!(parse_datetime("nope"), None);
        assert_eq!(parse_iso_duration("PT30S"), Some(30_000));
        assert_eq!(parse_iso_duration("P1DT1H"), Some(90_000_000));
        assert_eq!(parse_iso_duration("30s"), None);
    }
}

#[cfg(test)]
mod datetime_tests {
    use super::parse_datetime;

    #[test]
    fn a_typed_date_out_of_range_is_refused_not_overflowed() {
        assert_eq!(parse_datetime("1970-01-01T00:00:01.500"), Some(1500));
        assert_eq!(parse_datetime("1970-01-01T9999999999999999:00:00"), None);
        assert_eq!(parse_datetime("99999999999999-01-01T00:00:00"), None);
        assert_eq!(parse_datetime("1970-13-01T00:00:00"), None);
        assert_eq!(parse_datetime("1970-01-01T24:00:00"), None);
    }
}
