//! `kafka-share-groups.sh` — apache/kafka
//! `tools/src/main/java/org/apache/kafka/tools/consumer/group/ShareGroupCommand.java` and
//! `ShareGroupCommandOptions.java` (Kafka 4.2): `--list [--state]`, `--describe` with
//! `--offsets` (the default), `--members` or `--state` (and `--verbose`), `--reset-offsets`,
//! `--delete`.
//!
//! The `--describe --offsets` table has 4.2's columns (GROUP TOPIC PARTITION START-OFFSET LAG, as
//! `ShareGroupCommandTest` checks them); START-OFFSET is the share-partition start offset (SPSO)
//! and LAG the records from it to the high watermark that are not acknowledged or archived yet.
//! `--delete-offsets` (DeleteShareGroupOffsets) prints each topic's result; `--reset-offsets`
//! takes `--to-earliest`, `--to-latest`, `--to-offset` and `--to-datetime` (Kafka's share tool has
//! no `--by-duration` or `--shift-by`).
//!
//! Changes are Kafka requests the broker authorizes (AlterShareGroupOffsets: READ on the group
//! and the topics; DeleteShareGroupOffsets: DELETE on the group, READ on the topics;
//! DeleteGroups: DELETE on the group), and a refusal is printed as the tool prints that
//! exception. Not modelled (said plainly): `--to-current`, `--export`; `--from-file` names a
//! file, and the terminal reads no files.

use super::kafka_consumer_groups::preprocess;
use super::options::{self, arg, cant_combine, flag, usage_error, Parsed, Spec};
use super::{pad, unsupported, Context, Output, Target, BOOTSTRAP};
use crate::core::cluster::Cluster;
use crate::core::command::Command;
use crate::core::error::{CoreError, ErrorCode};
use crate::core::ids::TopicPartition;
use crate::core::protocol::list_groups::{GroupType, ListGroupsRequest, ListedGroup};
use crate::core::protocol::share_group_describe::{
    DescribeShareGroupOffsetsRequest, ShareGroupDescribeRequest, SharePartitionOffset,
};
use crate::core::protocol::Response;
use crate::core::share_group::share_partition::ResetTarget;
use crate::core::share_group::ShareGroup;
use std::collections::BTreeMap;

pub const SPECS: &[Spec] = &[
    arg("bootstrap-server", "String: server to connect to", "REQUIRED: The server(s) to connect to."),
    arg("group", "String: group id", "The share group id."),
    arg("topic", "String: topic", "The topic whose offset information should be deleted or reset. When resetting offsets, partitions can be specified using this format: `topic:0,1,2`, where 0,1,2 are the partitions to be included."),
    flag("all-topics", "Apply to all topics. Supported operation: reset-offsets."),
    flag("list", "List all share groups."),
    flag("describe", "Describe share group, members and offset information."),
    flag("all-groups", "Apply to all share groups."),
    flag("delete", "Delete share group."),
    arg("timeout", "Long: timeout (ms)", "The timeout that can be set for some use cases. For example, it can be used when describing the group to specify the maximum amount of time in milliseconds to wait before the group stabilizes."),
    arg("command-config", "String: command config property file", "Property file containing configs to be passed to Admin Client."),
    flag("reset-offsets", "Reset offsets of share group. Supports one share group at a time, and instances must be inactive. Has 2 execution options: --dry-run to plan which offsets to reset, and --execute to reset the offsets. Additionally, the --export option can be used to generate the offsets in CSV format for export to a file. You must choose one of the following reset specifications: --to-datetime, --to-earliest, --to-latest, --from-file, --to-current, --to-offset. To define the scope, use --all-topics or --topic. The scope must be specified unless you use --from-file. Fails if neither --dry-run nor --execute is specified."),
    flag("delete-offsets", "Delete offsets of share group. Supports one share group at a time, and multiple topics."),
    flag("dry-run", "Output offset reset information without executing the operation. Supported operation: reset-offsets."),
    flag("execute", "Execute the offset reset operation. Supported operation: reset-offsets."),
    flag("export", "Generate offset reset information in CSV format for export to a file. Supported operation: reset-offsets."),
    arg("to-offset", "Long: offset", "Reset offsets to a specific offset."),
    arg("from-file", "String: path to CSV file", "Reset offsets to values defined in CSV file."),
    arg("to-datetime", "String: datetime", "Reset offsets to offset from datetime. Format: 'YYYY-MM-DDThh:mm:ss.sss'"),
    flag("to-earliest", "Reset offsets to earliest offset."),
    flag("to-latest", "Reset offsets to latest offset."),
    flag("to-current", "Reset offsets to current offset."),
    flag("members", "Describe members of the group. This option may be used with the --describe option only."),
    flag("offsets", "Describe the group and list all topic partitions in the group along with their offset information. This is the default sub-action and may be used with the --describe option only."),
    arg("state", "String", "When specified with --describe, it displays the state of the group. When specified with --list, it displays the state of all groups. It can also be used to list groups with specific states. Valid values are Empty, Stable and Dead."),
    flag("verbose", "Provide additional information, if any, when describing the group. This option may be used with the --describe option only."),
];

const ACTIONS: &[&str] = &["list", "describe", "delete", "reset-offsets", "delete-offsets"];
const SCENARIOS: &[&str] =
    &["from-file", "to-current", "to-datetime", "to-earliest", "to-latest", "to-offset"];
const HOST: &str = "/127.0.0.1";

/// `ShareGroupCommand.printError`: a blank line, then `Error: …`, on stdout.
fn print_error(o: &mut Output, msg: &str) {
    o.outln(format!("\nError: {msg}"));
    o.status = 1;
}

fn brackets(names: &[&str]) -> String {
    names.iter().map(|n| format!("[{n}]")).collect::<Vec<_>>().join(", ")
}

/// `ShareGroupCommandOptions.checkArgs`, in its order.
fn check_args(opts: &Parsed) -> Result<(), Output> {
    let usage = |m: String| Err(usage_error(SPECS, &m));
    if !opts.has("bootstrap-server") {
        return usage(options::missing("bootstrap-server"));
    }
    if opts.has("describe") {
        if !opts.has("group") && !opts.has("all-groups") {
            return usage(format!(
                "Option [describe] takes one of these options: {}",
                brackets(&["all-groups", "group"])
            ));
        }
        if opts.count(&["members", "offsets", "state"]) > 1 {
            return usage(format!(
                "Option [describe] takes at most one of these options: {}",
                brackets(&["members", "offsets", "state"])
            ));
        }
        if opts.value("state").is_some_and(|s| !s.is_empty()) {
            return usage("Option [describe] does not take a value for [state]".into());
        }
    }
    if opts.has("delete") {
        if !opts.has("group") && !opts.has("all-groups") {
            return usage("Option [delete] takes the options [group] or [all-groups].".into());
        }
        if opts.has("all-groups") && opts.has("group") {
            return usage("Option [delete] takes either [group] or [all-groups], not both.".into());
        }
        if opts.has("all-topics") || opts.has("topic") {
            return usage("Option [delete] does not take the options [topic] or [all-topics].".into());
        }
    }
    if opts.has("delete-offsets") && (!opts.has("group") || !opts.has("topic")) {
        return usage(format!(
            "Option [delete-offsets] takes the following options: {}",
            brackets(&["group", "topic"])
        ));
    }
    if opts.has("reset-offsets") {
        if opts.has("dry-run") && opts.has("execute") {
            return usage("Option [reset-offsets] only accepts one of [execute] and [dry-run]".into());
        }
        if !opts.has("dry-run") && !opts.has("execute") {
            return usage("Option [reset-offsets] takes the option: [execute] or [dry-run]".into());
        }
        if !opts.has("group") {
            return usage("Option [reset-offsets] takes the option: [group]".into());
        }
        let scope = ["all-topics", "from-file", "topic"];
        if !scope.iter().any(|s| opts.has(s)) {
            return usage(format!("Option [reset-offsets] takes one of these options: {}", brackets(&scope)));
        }
        for used in ["topic", "all-topics", "from-file"] {
            if let Some(other) = scope.iter().find(|o| **o != used && opts.has(used) && opts.has(o)) {
                return usage(cant_combine(used, other));
            }
        }
        if !SCENARIOS.iter().any(|s| opts.has(s)) {
            return usage(format!(
                "Option [reset-offsets] takes one of these options: {}",
                brackets(SCENARIOS)
            ));
        }
        for used in ["to-offset", "to-datetime", "to-earliest", "to-latest", "to-current", "from-file"] {
            if let Some(other) = SCENARIOS.iter().find(|o| **o != used && opts.has(used) && opts.has(o)) {
                return usage(cant_combine(used, other));
            }
        }
    }
    if opts.has("group") && opts.has("all-groups") {
        return usage(cant_combine("group", "all-groups"));
    }
    if opts.has("group") && opts.has("list") {
        return usage(cant_combine("group", "list"));
    }
    if opts.has("topic") {
        if let Some(other) = ["describe", "delete", "list"].iter().find(|o| opts.has(o)) {
            return usage(cant_combine("topic", other));
        }
    }
    Ok(())
}

pub fn run(args: &[String], target: &mut dyn Target, ctx: &Context) -> Output {
    let args = preprocess(args);
    let opts = match options::parse_or_usage(
        SPECS,
        &args,
        "This tool helps to list, describe, delete and manage the offsets of share groups.",
    ) {
        Ok(o) => o,
        Err(usage) => return usage,
    };
    if let Err(usage) = check_args(&opts) {
        return usage;
    }
    if ACTIONS.iter().filter(|a| opts.has(a)).count() != 1 {
        return usage_error(
            SPECS,
            "Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets.",
        );
    }
    if opts.has("list") {
        list(&opts, target, ctx)
    } else if opts.has("describe") {
        describe(&opts, target, ctx)
    } else if opts.has("delete") {
        delete(&opts, target, ctx)
    } else if opts.has("reset-offsets") {
        reset_offsets(&opts, target, ctx)
    } else {
        delete_offsets(&opts, target, ctx)
    }
}

/// ListGroups for share groups (`ListGroupsOptions.forShareGroups()`), as the user: the broker
/// leaves out the groups it may not DESCRIBE.
/// Admin's `listGroups` starts with a Metadata call, `findAllBrokers`, that fails first when no
/// broker can be reached.
fn listed(
    target: &mut dyn Target,
    ctx: &Context,
    states: Vec<String>,
) -> Result<Vec<ListedGroup>, CoreError> {
    let request = ListGroupsRequest { states_filter: states, types_filter: vec![GroupType::Share] };
    match target.read_as(ctx.user.as_deref(), "findAllBrokers", request.into())? {
        Response::ListGroups(r) => Ok(r.groups),
        _ => Ok(Vec::new()),
    }
}

fn visible_groups(target: &mut dyn Target, ctx: &Context) -> Result<Vec<String>, CoreError> {
    Ok(listed(target, ctx, Vec::new())?.into_iter().map(|g| g.group_id).collect())
}

/// A call that failed as a whole (no broker reachable): the tool's error, and it stops. The
/// `ExecutionException` a future's `get()` throws reaches `run`, whose message is its cause's
/// `toString()`.
fn failed(mut o: Output, e: &CoreError) -> Output {
    print_error(&mut o, &format!("Executing share group command failed due to {}", super::java_exception(e)));
    o
}

/// A call that failed inside `listShareGroups()` (`--list` without `--state`, and
/// `--all-groups`): it wraps the `ExecutionException` in a `RuntimeException`, whose message
/// is the `ExecutionException`'s `toString()`.
fn failed_listing(mut o: Output, e: &CoreError) -> Output {
    print_error(
        &mut o,
        &format!("Executing share group command failed due to {}", super::execution_exception(e)),
    );
    o
}

fn list(opts: &Parsed, target: &mut dyn Target, ctx: &Context) -> Output {
    let mut o = Output::default();
    if !opts.has("state") {
        match visible_groups(target, ctx) {
            Ok(groups) => groups.into_iter().for_each(|g| o.outln(g)),
            Err(e) => return failed_listing(o, &e),
        }
        return o;
    }
    let wanted: Vec<String> = match opts.value("state").filter(|s| !s.is_empty()) {
        None => Vec::new(),
        Some(list) => {
            let mut v = Vec::new();
            for s in list.split(',').map(str::trim) {
                let Some(name) = ["Empty", "Stable", "Dead"].iter().find(|n| n.eq_ignore_ascii_case(s))
                else {
                    return usage_error(
                        SPECS,
                        &format!("Invalid state list '{list}'. Valid states are: Empty, Stable, Dead"),
                    );
                };
                v.push(name.to_string());
            }
            v
        }
    };
    let rows = match listed(target, ctx, wanted) {
        Ok(rows) => rows,
        Err(e) => return failed(o, &e),
    };
    let w = rows.iter().map(|g| g.group_id.chars().count()).max().unwrap_or(0).max(15);
    o.outln(format!("{} STATE", pad("GROUP", w)));
    for g in rows {
        o.outln(format!("{} {}", pad(&g.group_id, w), g.group_state));
    }
    o
}

/// ShareGroupDescribe of `ids` as the user: the groups, or the first refusal as the Java
/// client's exception (`Throwable.toString`); no broker reachable: REQUEST_TIMED_OUT with the
/// `TimeoutException`'s message.
fn describe_groups(
    target: &mut dyn Target,
    ctx: &Context,
    ids: &[String],
) -> Result<BTreeMap<String, ShareGroup>, (ErrorCode, String)> {
    let request = ShareGroupDescribeRequest { group_ids: ids.to_vec() };
    let call = "describeShareGroups(api=FIND_COORDINATOR)";
    let r = match target.read_as(ctx.user.as_deref(), call, request.into()) {
        Ok(Response::ShareGroupDescribe(r)) => r,
        Ok(_) => return Ok(BTreeMap::new()),
        Err(e) => return Err((ErrorCode::RequestTimedOut, super::core_message(&e))),
    };
    r.groups.into_iter().map(|(id, g)| g.map(|g| (id, g))).collect()
}

/// DescribeShareGroupOffsets of one group as the user.
fn group_offsets(target: &mut dyn Target, user: Option<&str>, group: &str) -> Vec<SharePartitionOffset> {
    let request = DescribeShareGroupOffsetsRequest { group_id: group.to_string() };
    match target.read_as(user, "listShareGroupOffsets(api=FIND_COORDINATOR)", request.into()) {
        Ok(Response::DescribeShareGroupOffsets(r)) => r.partitions,
        _ => Vec::new(),
    }
}

/// The share groups to describe, or the error Kafka's admin client reports for one that is not.
fn describe(opts: &Parsed, target: &mut dyn Target, ctx: &Context) -> Output {
    let mut o = Output::default();
    let ids: Vec<String> = if opts.has("all-groups") {
        match visible_groups(target, ctx) {
            Ok(ids) => ids,
            Err(e) => return failed_listing(o, &e),
        }
    } else {
        let mut v = opts.values("group").to_vec();
        crate::core::sort::ascending(&mut v);
        v.dedup();
        v
    };
    let groups = match describe_groups(target, ctx, &ids) {
        Ok(g) => g,
        Err((code, message)) => {
            let e = format!("{}: {message}", super::exception_class(code));
            print_error(&mut o, &format!("Executing share group command failed due to {e}"));
            return o;
        }
    };
    let verbose = opts.has("verbose");
    if opts.has("members") {
        print_members(&mut o, &groups, verbose);
    } else if opts.has("state") {
        print_states(&mut o, target.cluster(), &groups, verbose);
    } else {
        let offsets: BTreeMap<String, Vec<SharePartitionOffset>> =
            groups.keys().map(|id| (id.clone(), group_offsets(target, ctx.user.as_deref(), id))).collect();
        print_offsets(&mut o, &offsets, verbose);
    }
    o
}

/// `maybePrintEmptyGroupState`: an empty group is said so on stderr.
fn maybe_print_empty(o: &mut Output, group: &str, g: &ShareGroup, rows: usize) -> bool {
    if g.members.is_empty() {
        o.errln(format!("\nShare group '{group}' has no active members."));
    }
    rows > 0
}

fn print_offsets(o: &mut Output, groups: &BTreeMap<String, Vec<SharePartitionOffset>>, verbose: bool) {
    for (id, rows) in groups {
        if rows.is_empty() {
            o.outln(format!("\nShare group '{id}' has no offset information."));
            continue;
        }
        let gw = id.chars().count().max(15);
        let tw = rows.iter().map(|r| r.partition.topic.chars().count()).max().unwrap_or(0).max(15);
        let line = |o: &mut Output, cells: [&str; 6]| {
            if verbose {
                o.out(format!(
                    "\n{} {} {} {} {} {}",
                    pad(cells[0], gw),
                    pad(cells[1], tw),
                    pad(cells[2], 10),
                    pad(cells[3], 13),
                    pad(cells[4], 13),
                    cells[5]
                ));
            } else {
                o.out(format!(
                    "\n{} {} {} {} {}",
                    pad(cells[0], gw),
                    pad(cells[1], tw),
                    pad(cells[2], 10),
                    pad(cells[4], 13),
                    cells[5]
                ));
            }
        };
        line(o, ["GROUP", "TOPIC", "PARTITION", "LEADER-EPOCH", "START-OFFSET", "LAG"]);
        for r in rows {
            let p = r.partition.partition.to_string();
            let (epoch, start, lag) =
                (r.leader_epoch.to_string(), r.start_offset.to_string(), r.lag.to_string());
            line(o, [id, &r.partition.topic, &p, &epoch, &start, &lag]);
        }
        o.out("\n");
    }
}

/// `kafka-share-groups --describe --group <group>` (offsets) as the tool prints it, for the page
/// (as the operator).
pub fn describe_text(cluster: &Cluster, group: &str) -> String {
    if !cluster.brokers()[0].share().groups().contains_key(group) {
        return String::new();
    }
    let rows = match cluster.brokers()[0]
        .read(None, &DescribeShareGroupOffsetsRequest { group_id: group.into() }.into())
    {
        Some(Response::DescribeShareGroupOffsets(r)) => r.partitions,
        _ => Vec::new(),
    };
    let mut o = Output::default();
    print_offsets(&mut o, &BTreeMap::from([(group.to_string(), rows)]), false);
    o.stdout.trim_start_matches('\n').to_string()
}

fn print_states(o: &mut Output, cluster: &Cluster, groups: &BTreeMap<String, ShareGroup>, verbose: bool) {
    for (id, g) in groups {
        maybe_print_empty(o, id, g, 1);
        let gw = id.chars().count().max(15);
        // FindCoordinator's answer (key type GROUP, as for consumer groups).
        let (coordinator_id, _) = cluster.coordinator(id);
        let coordinator = format!("{BOOTSTRAP}  ({coordinator_id})");
        let cw = coordinator.chars().count().max(25);
        let members = g.members.len().to_string();
        if verbose {
            let (ge, ae) = (g.group_epoch.to_string(), g.assignment_epoch.to_string());
            o.out(format!(
                "\n{} {} {} {} {} #MEMBERS",
                pad("GROUP", gw),
                pad("COORDINATOR (ID)", cw),
                pad("STATE", 15),
                pad("GROUP-EPOCH", 12),
                pad("ASSIGNMENT-EPOCH", 17)
            ));
            o.out(format!(
                "\n{} {} {} {} {} {members}",
                pad(id, gw),
                pad(&coordinator, cw),
                pad(g.state().name(), 15),
                pad(&ge, 12),
                pad(&ae, 17)
            ));
        } else {
            o.out(format!(
                "\n{} {} {} #MEMBERS",
                pad("GROUP", gw),
                pad("COORDINATOR (ID)", cw),
                pad("STATE", 15)
            ));
            o.out(format!(
                "\n{} {} {} {members}",
                pad(id, gw),
                pad(&coordinator, cw),
                pad(g.state().name(), 15)
            ));
        }
        o.out("\n");
    }
}

/// `getAssignmentString`: `topic:0,1;other:2`, topics sorted.
fn assignment_string(parts: &std::collections::BTreeSet<TopicPartition>) -> String {
    let mut by_topic: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for tp in parts {
        by_topic.entry(&tp.topic).or_default().push(tp.partition);
    }
    by_topic
        .iter()
        .map(|(t, ps)| format!("{t}:{}", ps.iter().map(u32::to_string).collect::<Vec<_>>().join(",")))
        .collect::<Vec<_>>()
        .join(";")
}

fn print_members(o: &mut Output, groups: &BTreeMap<String, ShareGroup>, verbose: bool) {
    for (id, g) in groups {
        if !maybe_print_empty(o, id, g, g.members.len()) {
            continue;
        }
        let gw = id.chars().count().max(15);
        let mw = g.members.keys().map(|m| m.chars().count()).max().unwrap_or(0).max(15);
        let hw = HOST.len().max(15);
        let cw = g.members.values().map(|m| m.client_id.chars().count()).max().unwrap_or(0).max(15);
        let head = |o: &mut Output, cells: [&str; 7]| {
            let mut s = format!(
                "\n{} {} {} {} {} ",
                pad(cells[0], gw),
                pad(cells[1], mw),
                pad(cells[2], hw),
                pad(cells[3], cw),
                pad(cells[4], 12)
            );
            if verbose {
                s.push_str(&pad(cells[5], 13));
                s.push(' ');
            }
            s.push_str(cells[6]);
            o.out(s);
        };
        head(o, ["GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS", "MEMBER-EPOCH", "ASSIGNMENT"]);
        for m in g.members.values() {
            let n = m.assignment.len().to_string();
            let e = m.member_epoch.to_string();
            head(o, [id, &m.member_id, HOST, &m.client_id, &n, &e, &assignment_string(&m.assignment)]);
        }
        o.out("\n");
    }
}

fn delete(opts: &Parsed, target: &mut dyn Target, ctx: &Context) -> Output {
    let mut o = Output::default();
    // The tool lists the share groups first (as the user): one it cannot see is "not a share group".
    let listing = match listed(target, ctx, Vec::new()) {
        Ok(l) => l,
        Err(e) => return failed(o, &e),
    };
    let mut ids: Vec<String> = if opts.has("all-groups") {
        listing.iter().map(|g| g.group_id.clone()).collect()
    } else {
        opts.values("group").to_vec()
    };
    ids.dedup();
    let mut failed: Vec<(String, String)> = Vec::new();
    let mut deleted: Vec<String> = Vec::new();
    for id in ids {
        let Some(g) = listing.iter().find(|g| g.group_id == id) else {
            failed.push((
                id.clone(),
                format!("org.apache.kafka.common.errors.GroupIdNotFoundException: Group '{id}' is not a share group."),
            ));
            continue;
        };
        if g.group_state != "Empty" {
            failed.push((
                id.clone(),
                format!(
                    "org.apache.kafka.common.errors.GroupNotEmptyException: Share group '{id}' is not EMPTY."
                ),
            ));
            continue;
        }
        // DeleteGroups: the broker checks DELETE on the group.
        match target.apply_as(ctx.user.as_deref(), Command::DeleteShareGroup { group: id.clone() }) {
            Ok(()) => deleted.push(id),
            Err(e) => failed.push((id, super::java_exception(&e))),
        }
    }
    let quoted = |v: &[String]| v.iter().map(|g| format!("'{g}'")).collect::<Vec<_>>().join(", ");
    if failed.is_empty() {
        o.outln(format!("Deletion of requested share groups ({}) was successful.", quoted(&deleted)));
    } else {
        print_error(&mut o, "Deletion of some share groups failed:");
        for (g, why) in &failed {
            o.outln(format!("* Group '{g}' could not be deleted due to: {why}"));
        }
        if !deleted.is_empty() {
            o.outln(format!("\nThese share groups were deleted successfully: {}", quoted(&deleted)));
        }
    }
    o
}

fn reset_offsets(opts: &Parsed, target: &mut dyn Target, ctx: &Context) -> Output {
    let mut o = Output::default();
    if opts.has("from-file") {
        return unsupported(
            "--from-file: the terminal reads no files; name the partitions with --topic (topic:0,1) and give --to-offset, --to-datetime, --to-earliest or --to-latest.",
        );
    }
    if opts.has("to-current") {
        return unsupported("kafka-share-groups --reset-offsets --to-current");
    }
    let group = opts.value("group").unwrap_or_default().to_string();
    // The tool describes the group first (ShareGroupDescribe: DESCRIBE on the group), and
    // resets only an empty one (or one not found).
    match describe_groups(target, ctx, std::slice::from_ref(&group)) {
        Ok(g) if g.values().any(|g| !g.members.is_empty()) => {
            o.errln(format!("Share group '{group}' is not empty."));
            return o.fail();
        }
        Ok(_) => {}
        Err((ErrorCode::GroupIdNotFound, _)) => {}
        Err((code @ ErrorCode::RequestTimedOut, message)) => {
            let e = format!("{}: {message}", super::exception_class(code));
            print_error(&mut o, &format!("Executing share group command failed due to {e}"));
            return o;
        }
        Err((_, message)) => {
            print_error(&mut o, &format!("Executing share group command failed due to {message}"));
            return o;
        }
    }
    // The partitions: `--topic t` or `t:0,1`, or every partition the group has a start offset for.
    let mut parts: Vec<TopicPartition> = Vec::new();
    if opts.has("all-topics") {
        // listShareGroupOffsets: the partitions the group has a start offset for.
        parts.extend(group_offsets(target, ctx.user.as_deref(), &group).into_iter().map(|r| r.partition));
    }
    let cluster = target.cluster();
    for spec in opts.values("topic") {
        let (topic, list) = match spec.split_once(':') {
            Some((t, l)) => (t, Some(l)),
            None => (spec.as_str(), None),
        };
        let Some(t) = cluster.topics().get(topic) else {
            print_error(
                &mut o,
                &format!("Executing share group command failed due to Topic {topic} does not exist."),
            );
            return o;
        };
        match list {
            None => parts.extend((0..t.partition_count()).map(|p| TopicPartition::new(topic, p))),
            Some(l) => {
                for p in l.split(',') {
                    match p.trim().parse::<u32>() {
                        Ok(p) if p < t.partition_count() => parts.push(TopicPartition::new(topic, p)),
                        _ => {
                            print_error(&mut o, &format!("Executing share group command failed due to Invalid partition '{p}' of topic {topic}"));
                            return o;
                        }
                    }
                }
            }
        }
    }
    crate::core::sort::ascending(&mut parts);
    parts.dedup();
    // `--to-datetime`: the first record at or after the time (ListOffsets by timestamp), or the
    // log end when there is none.
    let since = match opts.value("to-datetime") {
        None => None,
        Some(v) => match super::kafka_consumer_groups::parse_datetime(v) {
            Some(ts) => Some(ts),
            None => {
                print_error(&mut o, &format!("Executing share group command failed due to java.text.ParseException: Unparseable date: \"{}\"", super::shown(v)));
                return o;
            }
        },
    };
    let to = if opts.has("to-earliest") {
        ResetTarget::Earliest
    } else if opts.has("to-latest") {
        ResetTarget::Latest
    } else {
        match opts.value("to-offset").map(|v| super::parse_int::<u64>(v, "to-offset")) {
            Some(Ok(n)) => ResetTarget::Offset(n),
            Some(Err(e)) => return usage_error(SPECS, &e),
            None => ResetTarget::Earliest,
        }
    };
    let plan: Vec<(TopicPartition, u64)> = parts
        .iter()
        .map(|tp| {
            let log = cluster.topics().get(&*tp.topic).and_then(|t| t.partition(tp.partition));
            let (start, end) = log.map_or((0, 0), |l| (l.log_start(), l.log_end()));
            let off = match (since, to) {
                (Some(ts), _) => log
                    .and_then(|l| l.read(start, usize::MAX).find(|(_, r)| r.timestamp >= ts).map(|(o, _)| o))
                    .unwrap_or(end),
                (None, ResetTarget::Earliest) => start,
                (None, ResetTarget::Latest) => end,
                (None, ResetTarget::Offset(n)) => n.clamp(start, end),
            };
            (tp.clone(), off)
        })
        .collect();
    if opts.has("execute") {
        // One AlterShareGroupOffsets per topic; by time, one per partition (its own offset).
        type Key<'a> = (&'a str, Option<u32>);
        let mut commands: BTreeMap<Key, (Vec<u32>, ResetTarget)> = BTreeMap::new();
        for (tp, off) in &plan {
            let (key, target) = match since {
                Some(_) => ((&*tp.topic, Some(tp.partition)), ResetTarget::Offset(*off)),
                None => ((&*tp.topic, None), to),
            };
            commands.entry(key).or_insert_with(|| (Vec::new(), target)).0.push(tp.partition);
        }
        for ((topic, _), (partitions, to)) in commands {
            let cmd = Command::ResetShareGroupOffsets {
                group: group.clone(),
                topic: Some(topic.to_string()),
                partitions,
                to,
            };
            if let Err(e) = target.apply_as(ctx.user.as_deref(), cmd) {
                print_error(
                    &mut o,
                    &format!("Executing share group command failed due to {}", super::core_message(&e)),
                );
                return o;
            }
        }
    }
    if !plan.is_empty() {
        o.out(format!(
            "\n{} {} {} {}",
            pad("GROUP", 30),
            pad("TOPIC", 30),
            pad("PARTITION", 10),
            pad("NEW-OFFSET", 15)
        ));
    }
    for (tp, off) in &plan {
        o.out(format!(
            "\n{} {} {} {}",
            pad(&group, 30),
            pad(&tp.topic, 30),
            pad(&tp.partition.to_string(), 10),
            pad(&off.to_string(), 15)
        ));
    }
    o.out("\n");
    o
}

/// `deleteOffsets`: DeleteShareGroupOffsets for the group's topics. A group-level refusal is
/// printed as `Error: <message>`, and every topic then carries it; the table lists each topic
/// (sorted) as `Successful` or `Error: <message>`.
fn delete_offsets(opts: &Parsed, target: &mut dyn Target, ctx: &Context) -> Output {
    use crate::core::error::ErrorCode as E;
    let mut o = Output::default();
    let group = opts.value("group").unwrap_or_default().to_string();
    let mut topics: Vec<String> = opts.values("topic").to_vec();
    crate::core::sort::ascending(&mut topics);
    topics.dedup();
    let cmd = Command::DeleteShareGroupOffsets { group, topics: topics.clone() };
    let results: Vec<(String, Option<String>)> = match target.apply_as(ctx.user.as_deref(), cmd) {
        Ok(()) => {
            let answer = target.cluster().admin().last_share_offsets_deletion();
            topics
                .iter()
                .map(|t| {
                    let error = answer
                        .and_then(|a| a.responses.iter().find(|(name, _, _)| name == t))
                        .and_then(|(_, code, message)| {
                            code.map(|c| message.clone().unwrap_or_else(|| c.name().to_string()))
                        });
                    (t.clone(), error)
                })
                .collect()
        }
        Err(e) => {
            let message = super::core_message(&e);
            match e.code() {
                Some(E::GroupIdNotFound | E::GroupAuthorizationFailed | E::NonEmptyGroup) => {
                    print_error(&mut o, &message)
                }
                Some(E::TopicAuthorizationFailed | E::UnknownTopicOrPartition) => {}
                _ => print_error(
                    &mut o,
                    &format!("Encounter some unknown error: {}", super::java_exception(&e)),
                ),
            }
            topics.iter().map(|t| (t.clone(), Some(message.clone()))).collect()
        }
    };
    if !results.is_empty() {
        let w = results.iter().map(|(t, _)| t.chars().count()).max().unwrap_or(0).max(15);
        o.out(format!("\n{} STATUS", pad("TOPIC", w)));
        for (t, error) in &results {
            let status = error.as_ref().map_or_else(|| "Successful".to_string(), |m| format!("Error: {m}"));
            o.out(format!("\n{} {status}", pad(t, w)));
        }
    }
    o.out("\n");
    // `printError` only prints: the command still ends normally.
    o.status = 0;
    o
}
