//! Every string the UI shows, in one typed catalogue per language: [`EN`] compiled in (a field
//! missing is a compile error), Russian read from the `ui` section of `src/i18n/ru.json` (the
//! page fetches it when Russian is first shown; a field missing fails to load, and a test loads
//! it). [`text_for`] picks one; components call [`use_text`], which follows the instance's
//! language ([`LangContext`]). Templates use `{}` placeholders, filled by [`fill`].
//!
//! Names the tests rely on (UI.md, "Names the page must carry") live here too; translating
//! them is a decision for the tests as well.

use crate::core::ErrorCode;
pub use crate::i18n::Lang;
use std::borrow::Cow;
use std::sync::OnceLock;

/// Defines [`Text`] from its list of strings, with the reader of a language file's `ui` object
/// (plain field lookups: a serde derive over ~230 fields would cost the wasm more bytes than the
/// Russian text it moves out) and the list of every string (for the tests).
macro_rules! catalogue {
    ($($field:ident),* $(,)?) => {
        /// One language's strings.
        pub struct Text<'a> {
            $(pub $field: &'a str,)*
            pub glossary_entries: Cow<'a, [(&'a str, &'a str)]>,
        }

        /// The strings' names, in order.
        const STRINGS: &[&str] = &[$(stringify!($field),)*];

        impl<'a> Text<'a> {
            /// From a language file's `ui` object; the error names what is missing. (One loop
            /// reads every string; the array is then taken apart into the fields.)
            fn from_json(v: &'a serde_json::Value) -> Result<Self, String> {
                let strings = crate::i18n::read_strings(v, "ui", STRINGS)?;
                let [$($field,)*]: [&'a str; STRINGS.len()] =
                    strings.try_into().map_err(|_| "ui: wrong count".to_string())?;
                let glossary_entries = v
                    .get("glossary_entries")
                    .and_then(|g| g.as_array())
                    .ok_or("ui.glossary_entries is missing")?
                    .iter()
                    .map(|pair| match (pair.get(0).and_then(|t| t.as_str()), pair.get(1).and_then(|t| t.as_str())) {
                        (Some(term), Some(meaning)) => Ok((term, meaning)),
                        _ => Err("ui.glossary_entries: each entry is [term, meaning]".to_string()),
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Text { $($field,)* glossary_entries: Cow::Owned(glossary_entries) })
            }

            /// Every plain string, in the order of the list.
            #[cfg(test)]
            fn fields(&self) -> Vec<&'a str> {
                vec![$(self.$field,)*]
            }
        }
    };
}

catalogue! {
    app_name,
    tagline,
    play,
    pause,
    step,
    step_event,
    step_help,
    speed,
    clock,
    clock_help,
    clock_behind,
    projector,
    shortcuts,
    cluster,
    add_topic,
    topic_name,
    partition_count,
    partitions,
    partitions_help,
    lane_summary,
    lane_summary_hw,
    high_watermark,
    legend_hw,
    log_start,
    log_end,
    owners_none,
    older_records,
    legend_position,
    legend_commit,
    position_title,
    commit_title,
    record_title,
    time_controls,
    producer_heading,
    consumer_heading,
    group_heading,
    default_strategies,
    none_placeholder,
    role_on,
    producers,
    add_producer,
    remove_producer,
    topic,
    key_mode,
    key_fixed,
    key_set,
    key_none,
    key_partition,
    key_random,
    key,
    key_count,
    key_count_title,
    partition,
    rate,
    rate_help,
    send_one,
    send_one_named,
    hold,
    hold_named,
    hold_help,
    resume,
    resume_named,
    user,
    anonymous,
    sent,
    paused,
    consumers,
    add_consumer,
    remove_consumer,
    crash,
    crash_named,
    leave_group,
    leave_group_named,
    restart,
    restart_named,
    remove,
    mode,
    standalone,
    group,
    share_mode,
    share_groups,
    share_ack_mode,
    share_ack_implicit,
    share_ack_explicit,
    share_reject_keys,
    share_fail_keys,
    share_failure_rate,
    share_on_failure,
    share_on_failure_release,
    share_on_failure_reject,
    share_on_failure_none,
    share_holds,
    share_holds_nothing,
    share_counts,
    share_group_line,
    share_member_line,
    share_partition_line,
    share_coordinator_on,
    share_partition_on,
    share_rec_available,
    share_rec_acquired,
    share_rec_acknowledged,
    share_rec_archived,
    share_no_partition_yet,
    group_id,
    group_id_help,
    subscribed_topic,
    assignment_strategy,
    strategy_help,
    server_assignor_help,
    protocol,
    protocol_help,
    processing,
    processing_help,
    commit_mode,
    commit_help,
    commit_auto,
    commit_after,
    commit_before,
    offset_reset,
    offset_reset_help,
    instance_id,
    instance_id_help,
    session_timeout_help,
    pick_partitions,
    owns,
    owns_nothing,
    act_consuming,
    act_processing,
    act_idle,
    act_idle_extra,
    act_joining,
    act_revoking,
    act_paused,
    act_crashed,
    act_closed,
    act_error,
    stopped_badge,
    no_topic,
    groups,
    no_groups,
    state,
    generation,
    epoch,
    strategy,
    members,
    leader,
    coordinator,
    coordinator_value,
    describe_caption,
    lag_over_time,
    rebalance,
    rebalance_eager,
    rebalance_eager_help,
    rebalance_coop,
    rebalance_coop_help,
    rebalance_kip848,
    rebalance_kip848_help,
    phase_revoke_all,
    phase_join,
    phase_sync,
    phase_revoke_moving,
    phase_follow_up,
    phase_epoch,
    phase_reconcile,
    phase_stable,
    moves,
    nothing_moves,
    nobody,
    stopped_meanwhile,
    nobody_stopped,
    in_progress,
    finished_in,
    reconciled,
    revoked_by,
    held_while_crashed,
    no_groups_standalone,
    no_groups_forming,
    moves_pending,
    standalone_commit_refused,
    timeline,
    filter,
    filter_placeholder,
    show_noisy,
    happened_at,
    about,
    no_events,
    users_roles,
    authorization,
    authorization_help,
    user_name,
    add_user,
    role,
    pattern,
    pattern_help,
    grant_role,
    revoke,
    revoke_named,
    no_roles,
    acls_meaning,
    raw_acls,
    raw_acls_help,
    principal,
    operation,
    resource_type,
    pattern_type,
    resource_name,
    permission,
    add_acl,
    remove_acl_named,
    role_meanings,
    users,
    no_users,
    glossary,
    session,
    scenario,
    scenario_help,
    custom_scenario,
    watch_for,
    share,
    share_link,
    copied,
    copy_refused,
    share_unsupported,
    export,
    import,
    import_file,
    import_failed,
    imported,
    reset,
    language,
    time_scrub,
    time_scrub_help,
    scrub_of,
    go_to_moment,
    dismiss,
    restore_previous,
    previous_kept,
    other_tabs_work,
    other_tab_session,
    open_session,
    open_other_session,
    loaded,
    link_failed,
    share_too_long,
    share_not_base64,
    share_not_compressed,
    share_not_json,
    share_newer,
    share_invalid,
    link_opened,
    unknown_scenario,
    autosave_rejected,
    import_too_large,
    clock_limit,
    download_set_aside,
    open_link_confirm,
    duration_reached,
    storage_failed,
    messages,
    rewound,
    future_cut,
    refused,
    undo_cut,
    replaying,
    reason_joined,
    reason_left,
    reason_timed_out,
    reason_max_poll,
    reason_subscription,
    reason_partitions_added,
    reason_follow_up,
    reason_rejoined,
    reason_strategy,
    old_member,
    waiting_for_crashed,
    act_waiting_old,
    old_member_note,
    lost_member_note,
    unsubscribed_rows,
    stage,
    stage_help,
    stage_no_consumers,
    stage_rebalancing,
    stage_per_second,
    stage_brokers,
    stage_leader,
    stage_leader_help,
    stage_offline,
    stage_offline_help,
    stage_isr,
    stage_isr_help,
    stage_lost,
    stage_lost_help,
    stage_coordinator,
    stage_coordinator_help,
    why_heading,
    why_button,
    why_close,
    why_removed_at,
    why_nothing_yet,
    why_error,
    why_owner,
    why_assignment,
    why_held,
    why_no_owner,
    why_committed,
    why_older,
    why_no_commit,
    why_lag,
    why_lag_none,
    why_position,
    why_log_start,
    why_log_end,
    why_removed_deadline,
    why_stopped,
    why_idle,
    why_idle_extra,
    why_position_ahead,
    why_log_start_zero,
    why_hw,
    why_hw_behind,
    why_hw_under_min_isr,
    why_generation,
    why_epoch,
    why_member_generation,
    why_member_epoch,
    why_name_committed,
    why_name_position,
    why_name_hw,
    why_lag_title,
    predict_heading,
    predict_on,
    predict_check,
    predict_skip,
    predict_waiting,
    predict_right,
    predict_wrong,
    predict_you_said,
    predict_it_did,
    predict_continue,
    predict_nobody,
    predict_nothing,
    predict_pick_partitions,
    predict_pick_owner,
    predict_pick_stopped,
    predict_pick_when,
    predict_pick_redelivered,
    predict_pick_lost,
    predict_at_once,
    predict_later,
    predict_not_within,
    predict_yes,
    predict_no,
    predict_pick_partition,
    predict_how,
    standalone_group_id_hint,
    terminal,
    command,
    run_as,
    run_as_none,
    terminal_help,
    copy_output,
    copy,
    clear_terminal,
    stop_console,
    you_would_type,
    brokers_title,
    brokers_help,
    broker_named,
    broker_rack,
    broker_running,
    broker_stopped,
    broker_crashed,
    broker_isolated,
    broker_fenced,
    stop_broker,
    crash_broker,
    start_broker,
    isolate_broker,
    heal_broker,
    stop_broker_help,
    crash_broker_help,
    isolate_broker_help,
    replicas_partition,
    replicas_leader,
    replicas_replicas,
    replicas_isr,
    replicas_hw,
    replicas_unreadable,
    leader_none,
    acks_label,
    acks_help,
    idempotence_help,
    producer_outcome,
    producer_idempotent,
}

/// English.
pub static EN: Text<'static> = Text {
    app_name: "Broker Playground",
    tagline: "Apache Kafka's producers, consumers, partitions and consumer groups, simulated in your browser.",
    play: "Play",
    pause: "Pause",
    step: "Step",
    step_event: "Step one event",
    step_help: "To the next thing worth naming: a member joins or leaves, a rebalance phase, an assignment, a commit, an error, a scripted moment",
    speed: "Speed",
    clock: "Simulated clock",
    clock_help: "Simulated time (mm:ss.mmm). The broker runs on this clock, not on your computer's.",
    clock_behind: "behind: this scenario needs more work per second than this tab can do, so the clock runs slower than the speed chosen",
    projector: "Projector mode",
    shortcuts: "Keys: Space play/pause, → or PageDown step, Shift+→ one event, PageUp play/pause, W why (the item in focus), Esc close",

    cluster: "Cluster",
    add_topic: "Add topic",
    topic_name: "Topic name",
    partition_count: "Partition count",
    partitions: "Partitions",
    partitions_help: "num.partitions / CreatePartitions: partitions can be added, never removed",
    lane_summary: "{}: log start {}, log end {}",
    lane_summary_hw: "high watermark {}: {} record(s) written, not yet readable",
    high_watermark: "high watermark: consumers read only below it (what every in-sync replica has)",
    legend_hw: " past the high watermark (HW): written, not yet readable",
    log_start: "log start",
    log_end: "log end",
    owners_none: "no owner",
    older_records: "older records not shown",
    legend_position: " consumer position (next offset poll() returns) · ",
    legend_commit: " committed offset · cells coloured by key, grey = no key",
    position_title: "{}: position {}",
    commit_title: "group {}: committed offset {}",
    record_title: "offset {} · key {} · value {}",
    time_controls: "Time controls",
    producer_heading: "producer {}",
    consumer_heading: "consumer {}",
    group_heading: "group {}",
    default_strategies: "range, cooperative-sticky (default)",
    none_placeholder: "(none)",
    role_on: "{} on {}",

    producers: "Producers",
    add_producer: "Add producer",
    remove_producer: "Remove producer {}",
    topic: "Topic",
    key_mode: "Key mode",
    key_fixed: "fixed key",
    key_set: "keys from a set",
    key_none: "no key (sticky partitioner)",
    key_partition: "explicit partition",
    key_random: "random key",
    key: "Key",
    key_count: "Number of keys",
    key_count_title: "keys {}1 … {}{}",
    partition: "Partition",
    rate: "Rate (records/s)",
    rate_help: "records per simulated second; 0 = only \"Send one\"",
    send_one: "Send one",
    send_one_named: "Send one record from {}",
    hold: "Hold",
    hold_named: "Hold {}",
    hold_help: "pause(): stop getting records for a while (heartbeats go on)",
    resume: "Resume",
    resume_named: "Resume {}",
    user: "User",
    anonymous: "(anonymous)",
    sent: "sent",
    paused: "paused",

    consumers: "Consumers",
    add_consumer: "Add consumer",
    remove_consumer: "Remove consumer {}",
    crash: "Crash",
    crash_named: "Crash consumer {}",
    leave_group: "Leave group",
    leave_group_named: "Leave group: consumer {}",
    restart: "Restart",
    restart_named: "Restart consumer {}",
    remove: "Remove",
    mode: "Mode",
    standalone: "Standalone",
    group: "Group",
    share_mode: "Share group",
    share_groups: "Share groups",
    share_ack_mode: "share.acknowledgement.mode",
    share_ack_implicit: "{}: the next poll accepts every record",
    share_ack_explicit: "{}: one acknowledgement per record",
    share_reject_keys: "REJECT keys matching (* for any text)",
    share_fail_keys: "Processing always fails for keys matching",
    share_failure_rate: "Share of records whose processing fails (0 to 1)",
    share_on_failure: "When processing fails",
    share_on_failure_release: "RELEASE: another delivery",
    share_on_failure_reject: "REJECT: archive it",
    share_on_failure_none: "nothing: its lock runs out",
    share_holds: "Holds {} record(s): {}",
    share_holds_nothing: "Holds no record",
    share_counts: "{} accepted, {} released, {} rejected",
    share_group_line: "{} · group epoch {} · assignor {} · {} member(s)",
    share_member_line: "{} ({}) reads {}",
    share_partition_line: "{}: SPSO {}, SPEO {}, {} in flight",
    share_coordinator_on: "Share coordinator: broker {} (FindCoordinator for the group id)",
    share_partition_on: "on broker {}, the partition's leader",
    share_rec_available: "offset {}: available (delivered {} time(s))",
    share_rec_acquired: "offset {}: acquired by {} until {} (delivery {})",
    share_rec_acknowledged: "offset {}: acknowledged (delivery {})",
    share_rec_archived: "offset {}: archived (delivery {})",
    share_no_partition_yet: "No share-partition yet: it starts at the group's first fetch (share.auto.offset.reset).",
    group_id: "Group id",
    group_id_help: "group.id (default: none; required for subscribe())",
    subscribed_topic: "Subscribed topic",
    assignment_strategy: "Assignment strategy",
    strategy_help: "partition.assignment.strategy (default: range, cooperative-sticky)",
    server_assignor_help: "group.remote.assignor (default: uniform), chosen by the broker",
    protocol: "Protocol",
    protocol_help: "group.protocol (default: classic); consumer = KIP-848",
    processing: "Processing time per record (ms)",
    processing_help: "time the application spends on each record (playground setting; default 0)",
    commit_mode: "Commit mode",
    commit_help: "enable.auto.commit (default true), auto.commit.interval.ms (default 5000; here 2000)",
    commit_auto: "auto",
    commit_after: "manual, after processing",
    commit_before: "manual, before processing",
    offset_reset: "auto.offset.reset",
    offset_reset_help: "auto.offset.reset (default latest; here earliest): where to start without a committed offset",
    instance_id: "group.instance.id",
    instance_id_help: "group.instance.id (default: none): static membership, KIP-345",
    session_timeout_help: "session.timeout.ms (default 45000; here {}): a crashed member is removed after it",
    pick_partitions: "Read these (assign())",
    owns: "Owns",
    owns_nothing: "nothing",
    act_consuming: "consuming",
    act_processing: "processing",
    act_idle: "idle",
    act_idle_extra: "idle: more members than partitions",
    act_joining: "joining the group",
    act_revoking: "revoking (stopped)",
    act_paused: "paused",
    act_crashed: "crashed: no heartbeats",
    act_closed: "closed",
    act_error: "error",
    stopped_badge: "stopped by the rebalance",
    no_topic: "Create a topic first.",

    groups: "Consumer groups",
    no_groups: "No groups yet: add a consumer.",
    state: "State",
    generation: "Generation",
    epoch: "Group epoch",
    strategy: "Strategy",
    members: "Members",
    leader: "leader",
    coordinator: "Coordinator",
    coordinator_value: "broker {}, the leader of __consumer_offsets-{}",
    describe_caption: "kafka-consumer-groups --describe --group {}",
    lag_over_time: "Lag over time for {}: now {}",
    rebalance: "Rebalance",
    rebalance_eager: "Eager rebalance (stop-the-world)",
    rebalance_eager_help: "Eager members revoke all their partitions before they rejoin and consume nothing until the new assignment arrives (a member whose assignors are all cooperative keeps its own).",
    rebalance_coop: "Cooperative rebalance (incremental)",
    rebalance_coop_help: "Members keep consuming; only partitions that move are revoked, and a follow-up round hands them over.",
    rebalance_kip848: "Consumer protocol (KIP-848)",
    rebalance_kip848_help: "The broker bumps the group epoch and computes a target; each member reconciles on its own. No global barrier.",
    phase_revoke_all: "revoke all",
    phase_join: "join",
    phase_sync: "sync",
    phase_revoke_moving: "revoke only moving",
    phase_follow_up: "follow-up round",
    phase_epoch: "epoch bump",
    phase_reconcile: "members reconcile",
    phase_stable: "stable",
    moves: "Moves",
    nothing_moves: "nothing moves",
    nobody: "nobody",
    stopped_meanwhile: "Stopped meanwhile: {}",
    nobody_stopped: "Nobody stopped consuming",
    in_progress: "in progress",
    finished_in: "finished in {} ms",
    reconciled: "Reconciled: {}",
    revoked_by: "Members that revoked partitions: {}",
    held_while_crashed: "Owns, as the group still counts them until session.timeout.ms removes it (nobody reads them)",
    no_groups_standalone: "No groups: every consumer is Standalone (assign()). A group forms when a consumer in Group mode joins it.",
    no_groups_forming: "No groups yet: a group forms when its first member joins (JoinGroup, or its first ConsumerGroupHeartbeat).",
    moves_pending: "decided when the assignment arrives (the leader's, handed out by SyncGroup)",
    standalone_commit_refused: "this consumer is not a member of the group (assign(), generation -1); commits from outside a group are accepted only while the group has no members",

    timeline: "Timeline",
    filter: "Filter",
    filter_placeholder: "topic, group, consumer or words",
    show_noisy: "Show high-volume events (produced, fetched, auto-commit)",
    happened_at: "Happened at {} (simulated)",
    about: "about",
    no_events: "Nothing matches.",

    users_roles: "Users & roles",
    authorization: "Authorization",
    authorization_help: "authorizer.class.name: when on, every request needs an ACL (no ACL = denied)",
    user_name: "User name",
    add_user: "Add user",
    role: "Role",
    pattern: "Topic pattern",
    pattern_help: "an exact name, prefix* or *",
    grant_role: "Grant role",
    revoke: "Revoke",
    revoke_named: "Revoke {}",
    no_roles: "No roles granted.",
    acls_meaning: "Kafka ACLs this means",
    raw_acls: "Raw ACLs",
    raw_acls_help: "Kafka ACLs added by hand, as kafka-acls --add does. DENY wins over ALLOW; an ALLOW of Read or Write implies Describe.",
    principal: "Principal",
    operation: "Operation",
    resource_type: "Resource type",
    pattern_type: "Pattern type",
    resource_name: "Resource name",
    permission: "Permission",
    add_acl: "Add ACL",
    remove_acl_named: "Remove ACL {}",
    role_meanings: "Roles",
    users: "Users",
    no_users: "No users yet.",

    brokers_title: "Brokers and replicas",
    brokers_help: "Each partition has replicas on several brokers: the leader takes writes and reads, followers copy it. Consumers read only up to the high watermark, what every in-sync replica (ISR) has.",
    broker_named: "Broker {}",
    broker_rack: "rack {}",
    broker_running: "running",
    broker_stopped: "stopped",
    broker_crashed: "crashed",
    broker_isolated: "cut off",
    broker_fenced: "fenced by the controller",
    stop_broker: "Stop",
    crash_broker: "Crash",
    start_broker: "Start",
    isolate_broker: "Isolate",
    heal_broker: "Heal",
    stop_broker_help: "Controlled shutdown: leadership moves to another in-sync replica first",
    crash_broker_help: "No goodbye: the controller notices after broker.session.timeout.ms",
    isolate_broker_help: "Up, but cut off from every other node (a network partition)",
    replicas_partition: "Partition",
    replicas_leader: "Leader",
    replicas_replicas: "Replicas (log end)",
    replicas_isr: "ISR",
    replicas_hw: "High watermark",
    replicas_unreadable: "{} record(s) past the high watermark: written, not yet readable",
    leader_none: "none (offline)",
    acks_label: "acks",
    acks_help: "0: no answer; 1: the leader wrote it; all: every in-sync replica has it (min.insync.replicas)",
    idempotence_help: "enable.idempotence: a producer id and sequence numbers let the leader drop a retried batch it already has (needs acks=all)",
    producer_outcome: "{} acknowledged · {} failed · {} records written again",
    producer_idempotent: "idempotent: producer id {}, epoch {}",
    glossary: "Glossary",
    glossary_entries: Cow::Borrowed(&[
        ("Partition", "An ordered, append-only log. A topic is split into partitions; records with the same key go to the same partition."),
        ("Offset", "A record's position in its partition: 0, 1, 2, … The log-end offset is where the next record will go."),
        ("Consumer group", "Consumers sharing a group.id. Each partition is read by at most one member; the group remembers committed offsets."),
        ("Generation", "A counter the coordinator bumps on every rebalance (KIP-848: the group epoch)."),
        ("Rebalance", "The group deciding again who reads which partition, when members join, leave, crash or partitions are added."),
        ("Lag", "LOG-END-OFFSET − CURRENT-OFFSET: how far the group's committed offset is behind the newest record."),
        ("Role", "A managed-Kafka permission (consumer, producer, topic-admin, admin) on a topic pattern; it expands to Kafka ACLs."),
    ]),

    session: "Scenario and session",
    scenario: "Scenario",
    scenario_help: "Choosing a scenario starts it from the beginning; your current session is kept and can be restored.",
    custom_scenario: "{} (your file)",
    watch_for: "What to watch for",
    share: "Share",
    share_link: "Link to this moment",
    copied: "Copied to the clipboard.",
    copy_refused: "The browser did not allow copying: select the link and copy it yourself.",
    share_unsupported: "This browser cannot make share links (it lacks CompressionStream): use Export instead.",
    export: "Export",
    import: "Import",
    import_file: "Scenario file to import",
    import_failed: "{} could not be imported: {}. Nothing was changed.",
    imported: "Imported {}.",
    reset: "Reset",
    language: "Language",
    time_scrub: "Time",
    time_scrub_help: "Drag back to rewind: the run is replayed from its seed, then paused.",
    scrub_of: "{} of {}",
    go_to_moment: "Go to this moment",
    dismiss: "Dismiss",
    restore_previous: "Restore previous session",
    previous_kept: "Your previous session was kept.",
    other_tabs_work: "Work from your other tabs, kept in this browser:",
    other_tab_session: "{} at {}",
    open_session: "Open",
    open_other_session: "Open {}",
    loaded: "Loaded: {}.",
    link_failed: "This link could not be opened: {}. The default scenario is shown instead.",
    share_too_long: "it is too long to be a playground link",
    share_not_base64: "it is damaged (not base64url)",
    share_not_compressed: "it is damaged (it does not decompress)",
    share_not_json: "it is damaged ({})",
    share_newer: "it is from a newer playground (format {}; this one reads {})",
    share_invalid: "its scenario is invalid: {}",
    link_opened: "Opened a shared link at {} (paused): press Play to go on.",
    unknown_scenario: "There is no built-in scenario {}. The default scenario is shown instead.",
    autosave_rejected: "Your saved session could not be restored: {}. It was set aside in this browser's storage under {}; the default scenario is shown.",
    import_too_large: "{} was not imported: it is {} bytes, and a scenario file is at most {} bytes. Nothing was changed.",
    clock_limit: "The clock stopped at {}, the longest a scenario can run: what you Share or Export can be opened again.",
    download_set_aside: "Download the set-aside session",
    open_link_confirm: "Open the link you pasted? It replaces the session shown now (which is kept as \"previous session\").",
    duration_reached: "The scenario has reached its end ({}). Press Play to keep going.",
    storage_failed: "This browser does not allow saving the session; it will not survive a reload.",
    messages: "Messages",
    rewound: "Rewound to {} (paused).",
    refused: "Not done:",
    undo_cut: "Undo",
    future_cut: "Acting at {} dropped what you had done after it (actions: {}, the last at {}).",
    replaying: "Replaying from the seed to {}… {}%",
    reason_joined: "{} joined",
    reason_left: "{} left",
    reason_timed_out: "{} timed out",
    reason_max_poll: "{} exceeded max.poll.interval.ms",
    reason_subscription: "{} changed its subscription",
    reason_partitions_added: "partitions added to {}",
    reason_follow_up: "{} hands over revoked partitions",
    reason_rejoined: "{} rejoined",
    reason_strategy: "{} changed partition.assignment.strategy",
    old_member: "{} (old member, until session.timeout.ms)",
    waiting_for_crashed: "Waiting for {} (member.id {}): that member never answers again (its process crashed or lost its membership); the coordinator removes it at its session timeout ({}).",
    act_waiting_old: "waiting: its old member still holds partitions",
    old_member_note: "The crashed process is still a member (member.id {}) owning {} until its session timeout ({}); restarted, this consumer joins as a new member.",
    lost_member_note: "{} lost its membership ({}): the coordinator still lists its old member (member.id {}) owning {} until its session timeout ({}); nobody reads them meanwhile. It joins again as a new member once the coordinator accepts it.",
    unsubscribed_rows: "{}: no member of the group subscribes to it now. Kafka keeps the group's committed offsets for it until offsets.retention.minutes (7 days by default) expires them or kafka-consumer-groups --delete-offsets removes them, so --describe still lists these rows and their LAG grows as records arrive.",
    stage: "Stage",
    stage_help: "Who writes where, who reads what: a member and the partitions it owns share a colour.",
    stage_no_consumers: "No consumers yet",
    stage_rebalancing: "rebalancing: {}",
    stage_per_second: "{}/s",
    stage_brokers: "Brokers",
    stage_leader: "leader {}",
    stage_leader_help: "Broker {} leads this partition: producers write to it and consumers read from it; the other replicas copy it",
    stage_offline: "offline",
    stage_offline_help: "No in-sync replica is left to lead it: nobody can write to it or read from it (leader: none)",
    stage_isr: "ISR {}",
    stage_isr_help: "The in-sync replicas: a replica that has not caught up for replica.lag.time.max.ms is out of the ISR",
    stage_lost: "{} lost",
    stage_lost_help: "Records the old leader had written (and perhaps acknowledged: with acks=1, or before an unclean election) that the new leader never had: gone for good",
    stage_coordinator: "coordinator {}",
    stage_coordinator_help: "Broker {} coordinates this group: it leads the group's __consumer_offsets partition (FindCoordinator)",
    why_heading: "Why? {}",
    why_button: "Why {}?",
    why_close: "Close Why?",
    why_removed_at: "The coordinator still lists member {} and removes it at {} = last heartbeat {} + session.timeout.ms ({} ms).",
    why_nothing_yet: "Nothing has happened to it yet.",
    why_error: "{} fails with {}: {} ({})",
    why_owner: "{} owns {} in group {}.",
    why_assignment: "Group {}: {} assignor, {} {}, members {} (in member.id order).",
    why_held: "{} crashed, but the coordinator lists it until {} = last heartbeat {} + session.timeout.ms ({} ms): nobody reads {} meanwhile.",
    why_no_owner: "No member of group {} owns {}.",
    why_committed: "Group {} committed offset {} for {}: a new owner starts reading there.",
    why_older: "The event that set it is older than the events kept here.",
    why_no_commit: "Group {} has no committed offset for {}: a new owner starts where its auto.offset.reset says.",
    why_lag: "Group {}: LAG {} = LOG-END-OFFSET {} − CURRENT-OFFSET {} (the committed offset, not a position).",
    why_lag_none: "Group {}: LAG - (no committed offset for {}).",
    why_position: "{}'s position on {} is {}: the offset of the next record it fetches.",
    why_log_start: "Log start offset {}: retention deleted the records before it.",
    why_log_end: "Log end offset {}: the offset the next record appended to {} gets.",
    why_removed_deadline: "The coordinator still lists member {} and removes it at {}: the rebalance's deadline (max.poll.interval.ms), as it has not rejoined.",
    why_stopped: "{} has consumed nothing since {}: in an eager rebalance every member revokes all its partitions and gets new ones only when the round ends (now: {}).",
    why_idle: "{} owns nothing: in the latest assignment ({} assignor, {} {}) the group's {} partitions went to {} of its {} members.",
    why_idle_extra: "Group {} has {} members for {} partitions, and a partition has one owner in a group: {} of them wait idle until a member leaves or partitions are added.",
    why_position_ahead: "{} has read {} records past group {}'s committed offset {}: if it stopped now, the next owner would read them again.",
    why_log_start_zero: "Log start offset 0: retention has deleted no record of {} yet.",
    why_hw: "High watermark {}: every in-sync replica (brokers {}) has the records of {} below it, and consumers read only below it.",
    why_hw_behind: "{} records (log end {} − high watermark {}) wait for the followers to fetch them.",
    why_hw_under_min_isr: "{} records (log end {} − high watermark {}) are not readable: the ISR has {} replica(s), fewer than min.insync.replicas ({}), and the high watermark does not advance until a follower is back in sync.",
    why_generation: "Group {} is at generation {}: the coordinator bumps it with every rebalance (a JoinGroup round); a commit from an older generation is refused (ILLEGAL_GENERATION).",
    why_epoch: "Group {} is at group epoch {}: the coordinator bumps it when members or subscriptions change (KIP-848); each member reaches it by reconciling its assignment.",
    why_member_generation: "{}: generation {} (the group's: {}).",
    why_member_epoch: "{}: member epoch {} (group epoch {}; lower while it reconciles).",
    why_name_committed: "committed offset of {}",
    why_name_position: "position of {}",
    why_name_hw: "high watermark",
    why_lag_title: "Why this LAG?",
    predict_heading: "Predict",
    predict_on: "Ask me to predict before key moments ({} in this lesson)",
    predict_check: "Check my prediction",
    predict_skip: "Skip",
    predict_waiting: "Noted. Watch the stage: your answer is checked when the simulation gets there.",
    predict_right: "Right!",
    predict_wrong: "Not quite.",
    predict_you_said: "You said: {}",
    predict_it_did: "The simulation, at {}: {}",
    predict_continue: "Continue",
    predict_nobody: "nobody",
    predict_nothing: "nothing",
    predict_pick_partitions: "Partitions {} will own",
    predict_pick_owner: "Who will own {}",
    predict_pick_stopped: "Members of {} that stop consuming",
    predict_pick_when: "When {} starts rebalancing",
    predict_pick_redelivered: "Will any record be read again?",
    predict_pick_lost: "Will any record of {} be lost?",
    predict_at_once: "at once (within 1 s)",
    predict_later: "after a wait",
    predict_not_within: "not within {} s",
    predict_yes: "yes",
    predict_no: "no",
    predict_pick_partition: "{}: will {} own it? (press to pick)",
    predict_how: "How the simulation got there",
    standalone_group_id_hint: "only where offsets are committed (assign() joins no group); empty = no commits",
    terminal: "Terminal",
    command: "Command",
    run_as: "Run as",
    run_as_none: "operator (no credentials)",
    terminal_help: "Kafka's own tools, as on a real cluster: kafka-topics, kafka-console-producer, kafka-console-consumer, kafka-consumer-groups, kafka-acls, kafka-get-offsets, kafka-configs, kafka-share-groups, kafka-leader-election (with or without .sh; --help prints a tool's usage). Tab completes, ↑/↓ recall, Ctrl-C stops the console consumers. Each page action shows here as the command that does the same.",
    copy_output: "Copy output",
    copy: "Copy",
    clear_terminal: "Clear",
    stop_console: "Stop (Ctrl-C)",
    you_would_type: "what you would type:",
};

/// The catalogue of the language the instance shows (from the App's context).
#[yew::hook]
pub fn use_text() -> &'static Text<'static> {
    text_for(use_lang())
}

/// Replaces each `{}` in `template` with the next argument.
pub fn fill(template: &str, args: &[&dyn std::fmt::Display]) -> String {
    let positional: Vec<(&str, &dyn std::fmt::Display)> = args.iter().map(|a| ("", *a)).collect();
    crate::i18n::fill(template, &positional)
}

/// Russian's `ui` section, once the language layer has the file.
fn ru() -> Option<&'static Text<'static>> {
    static RU: OnceLock<Option<Text<'static>>> = OnceLock::new();
    let file = crate::i18n::ru::catalogue()?.file;
    RU.get_or_init(|| Text::from_json(&file["ui"]).ok()).as_ref()
}

/// Russian's meaning of a Kafka error (`errors` section), by the error's Kafka name.
fn ru_error(code: ErrorCode) -> Option<&'static str> {
    crate::i18n::ru::catalogue()?.file["errors"].get(code.name())?.as_str()
}

/// One language's catalogue (English while the language's data is not loaded yet).
pub fn text_for(lang: Lang) -> &'static Text<'static> {
    match lang {
        Lang::En => &EN,
        Lang::Ru => ru().unwrap_or(&EN),
    }
}

/// Fetches `lang`'s data file (`ru.json`, beside the wasm in `dist/`) and installs it, then
/// calls `done`; a language already here calls `done` at once. A failed fetch leaves the page
/// in English and says why in the console.
pub fn load(lang: Lang, done: yew::Callback<()>) {
    if lang.is_loaded() {
        done.emit(());
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        match fetch_text(&data_url(lang)).await {
            Ok(source) => match crate::i18n::ru::install(&source) {
                Ok(_) => done.emit(()),
                Err(e) => gloo::console::error!(e),
            },
            Err(e) => gloo::console::error!(format!("broker-playground: {} not loaded: {e}", lang.code())),
        }
    });
}

/// Where a language's data is: beside the wasm. `embed.js` says where that is
/// (`globalThis.__brokerPlaygroundBase`), since an embed's page is elsewhere; the page itself
/// is in `dist/`, so a relative URL serves.
fn data_url(lang: Lang) -> String {
    let base = js_sys::Reflect::get(&js_sys::global(), &"__brokerPlaygroundBase".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    format!("{base}{}.json", lang.code())
}

async fn fetch_text(url: &str) -> Result<String, String> {
    use wasm_bindgen::JsCast;
    let js = |e: wasm_bindgen::JsValue| format!("{e:?}");
    let window = web_sys::window().ok_or("no window")?;
    let response = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(url)).await.map_err(js)?;
    let response: web_sys::Response = response.dyn_into().map_err(js)?;
    if !response.ok() {
        return Err(format!("{url}: HTTP {}", response.status()));
    }
    let text = wasm_bindgen_futures::JsFuture::from(response.text().map_err(js)?).await.map_err(js)?;
    text.as_string().ok_or_else(|| "not text".to_string())
}

/// The language the instance shows, as a context of its own: [`use_text`] and the components
/// that need the language subscribe to it, not to the model.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LangContext(pub Lang);

/// The language the instance shows.
#[yew::hook]
pub fn use_lang() -> Lang {
    yew::use_context::<LangContext>().unwrap_or_default().0
}

/// The rebalance panel's reason in a few words, in `lang`.
pub fn reason_text(r: &crate::core::event::RebalanceReason, lang: Lang) -> String {
    let t = text_for(lang);
    let (template, who) = match r {
        crate::core::event::RebalanceReason::MemberJoined { member } => (t.reason_joined, member),
        crate::core::event::RebalanceReason::MemberLeft { member } => (t.reason_left, member),
        crate::core::event::RebalanceReason::SessionTimeout { member } => (t.reason_timed_out, member),
        crate::core::event::RebalanceReason::MaxPollIntervalExceeded { member } => {
            (t.reason_max_poll, member)
        }
        crate::core::event::RebalanceReason::SubscriptionChanged { member } => {
            (t.reason_subscription, member)
        }
        crate::core::event::RebalanceReason::PartitionsAdded { topic } => (t.reason_partitions_added, topic),
        crate::core::event::RebalanceReason::CooperativeFollowUp { member } => (t.reason_follow_up, member),
        crate::core::event::RebalanceReason::MemberRejoined { member } => (t.reason_rejoined, member),
        crate::core::event::RebalanceReason::StrategyChanged { member } => (t.reason_strategy, member),
    };
    fill(template, &[who])
}

/// What a Kafka error means, in a sentence a learner can act on, shown after the error's name
/// (which stays Kafka's, so that it can be looked up). Each arm holds both languages.
pub fn error_meaning(lang: Lang, code: ErrorCode) -> &'static str {
    match lang {
        Lang::En => error_meaning_en(code),
        Lang::Ru => ru_error(code).unwrap_or_else(|| error_meaning_en(code)),
    }
}

/// What a Kafka error means, in English.
fn error_meaning_en(code: ErrorCode) -> &'static str {
    use ErrorCode::*;
    match code {
        OffsetOutOfRange => "the offset asked for is not in the log (retention deleted it, or it is past the end); auto.offset.reset decides where reading goes on",
        UnknownTopicOrPartition => "this cluster has no such topic or partition",
        InvalidTopicException => "not a legal topic name: letters, digits, '.', '_' and '-', at most 249 characters",
        IllegalGeneration => "the member's generation is out of date: a rebalance happened, so it must join again",
        InconsistentGroupProtocol => "the member's protocol or assignment strategies have nothing in common with the group's",
        UnknownMemberId => "the coordinator no longer knows this member (for example after session.timeout.ms); it must join again",
        RebalanceInProgress => "the group is rebalancing: the member must rejoin before it can commit",
        TopicAuthorizationFailed => "no ACL lets this user do this on the topic",
        GroupAuthorizationFailed => "no ACL lets this user do this in the consumer group",
        ClusterAuthorizationFailed => "no ACL lets this user do this on the cluster",
        TopicAlreadyExists => "a topic with this name exists already",
        InvalidPartitions => "a topic needs at least one partition, and partitions can be added but never removed",
        InvalidConfig => "this value is not allowed for the setting",
        InvalidRequest => "the broker cannot accept this request",
        FencedInstanceId => "another consumer with the same group.instance.id has taken this static member's place",
        NoOffsetForPartition => "auto.offset.reset is none and the group has no committed offset for the partition",
        FencedMemberEpoch => "the member's epoch is behind the group's (KIP-848): it must rejoin",
        NonEmptyGroup => "the group still has members: stop its consumers first",
        GroupIdNotFound => "there is no group with this id",
        GroupSubscribedToTopic => "members of the group still subscribe to the topic: stop them first",
        LeaderNotAvailable => "the partition has no leader right now (an election is under way, or no in-sync replica is alive): the client retries",
        NotLeaderOrFollower => "this broker no longer leads the partition: the client refreshes its metadata and sends to the new leader",
        // Neutral on purpose: the core does not know why no answer came (a broker down or cut
        // off, replication that did not finish within the broker's timeout, or no broker the
        // admin client could reach).
        RequestTimedOut => "the request timed out: no answer came in time, or no broker could be reached to send it to; a producer retries until delivery.timeout.ms",
        CoordinatorNotAvailable => "the group's coordinator is not available (its broker is down or moving): the client looks it up again",
        NotCoordinator => "this broker no longer coordinates the group: the client sends FindCoordinator again",
        NotEnoughReplicas => "acks=all and fewer in-sync replicas than min.insync.replicas: the write is refused, nothing was written",
        NotEnoughReplicasAfterAppend => "the batch was written, but the ISR shrank below min.insync.replicas before it was replicated: the producer retries",
        InvalidReplicationFactor => "the replication factor must be at least 1 and at most the number of brokers",
        InvalidReplicaAssignment => "the replica list names an unknown broker or one broker twice",
        OutOfOrderSequenceNumber => "the idempotent producer's sequence number has a gap: records were lost between producer and broker",
        FencedLeaderEpoch => "the request carried an old leader epoch: a newer leader has been elected",
        PreferredLeaderNotAvailable => "the preferred replica is not alive or not in sync, so it cannot lead",
        EligibleLeadersNotAvailable => "no replica can become leader: all are down",
        ElectionNotNeeded => "the partition already has the leader this election would pick",
        InvalidRecord => "the broker refused the record as malformed",
        InvalidRecordState => "the record is no longer acquired by this consumer: its lock ran out or another consumer holds it",
        MemberIdRequired => "a new member first gets its member.id from the coordinator, then joins again with it",
        UnreleasedInstanceId => "the member with this group.instance.id has not left the group yet",
        NetworkException => "the broker closed the connection (a controlled shutdown says goodbye): the client refreshes its metadata and retries after retry.backoff.ms, without waiting for request.timeout.ms",
        BufferExhausted => "send() found buffer.memory full of batches still waiting for the brokers and gave up after max.block.ms (BufferExhaustedException: \"Failed to allocate … bytes within the configured max blocking time … ms\"); the record is not sent",
        InvalidProducerEpoch => "the batch carries an older producer epoch than the leader knows for this producer id: a newer epoch of the producer has written here, so the old one is refused",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The glossary's strings, then every plain field.
    fn all(t: &'static Text<'static>) -> Vec<&'static str> {
        let mut out = Vec::new();
        let Text { glossary_entries, .. } = t;
        for (a, b) in glossary_entries.iter() {
            out.push(*a);
            out.push(*b);
        }
        out.extend(fields(t));
        out
    }

    /// Every plain string of a catalogue.
    fn fields(t: &'static Text<'static>) -> Vec<&'static str> {
        t.fields()
    }

    #[test]
    fn the_russian_file_has_every_string() {
        let file = crate::i18n::ru::catalogue().expect("ru.json loads").file;
        if let Err(e) = Text::from_json(&file["ui"]) {
            panic!("{e}");
        }
    }

    #[test]
    fn no_russian_string_is_empty_and_the_glossaries_match() {
        let (en, ru) = (all(&EN), all(text_for(Lang::Ru)));
        assert!(!std::ptr::eq(text_for(Lang::Ru), &EN), "Russian loads from src/i18n/ru.json");
        assert_eq!(en.len(), ru.len());
        for (i, (e, r)) in en.iter().zip(&ru).enumerate() {
            assert!(!r.trim().is_empty(), "Russian string #{i} (English: {e:?}) is empty");
            assert_eq!(
                e.matches("{}").count(),
                r.matches("{}").count(),
                "placeholders differ: {e:?} / {r:?}"
            );
        }
    }

    /// A Russian string with no Russian word in it is untranslated (the phase pills once read
    /// "join", "sync", "stable"), unless it is a Kafka name shown as Kafka prints it.
    #[test]
    fn every_russian_string_is_russian_unless_it_is_a_kafka_name() {
        const KAFKA_NAMES: &[&str] = &[
            "Broker Playground",
            "auto.offset.reset",
            "group.instance.id",
            "share.acknowledgement.mode",
            "kafka-consumer-groups --describe --group {}",
            // The in-sync replicas, as Kafka's tools print them (Isr:) and Russian texts say.
            "ISR {}",
            "{} на {}",
            "{} из {}",
        ];
        for (e, r) in fields(&EN).iter().zip(fields(text_for(Lang::Ru))) {
            let cyrillic =
                r.chars().any(|c| ('а'..='я').contains(&c.to_lowercase().next().unwrap_or(c)) || c == 'ё');
            assert!(
                cyrillic || KAFKA_NAMES.contains(&r) || r.chars().all(|c| !c.is_alphabetic()),
                "untranslated: {r:?} (English {e:?})"
            );
        }
    }

    /// REQUEST_TIMED_OUT comes from a broker that is down or cut off, from replication that
    /// did not finish in the broker's time, and from an admin client that found no broker:
    /// its meaning names none of these as the cause.
    #[test]
    fn request_timed_out_claims_no_cause() {
        let en = error_meaning(Lang::En, ErrorCode::RequestTimedOut);
        let ru = error_meaning(Lang::Ru, ErrorCode::RequestTimedOut);
        for claim in ["down", "cut off", "stopped", "crashed"] {
            assert!(!en.contains(claim), "{en}");
        }
        for claim in ["остановлен", "отрезан", "упал"] {
            assert!(!ru.contains(claim), "{ru}");
        }
        assert!(
            en.contains("no broker could be reached") && ru.contains("не нашлось брокера"),
            "{en} / {ru}"
        );
    }

    #[test]
    fn every_kafka_error_has_a_russian_meaning() {
        for code in ErrorCode::ALL {
            assert!(ru_error(code).is_some(), "{}", code.name());
            assert_ne!(error_meaning(Lang::Ru, code), error_meaning(Lang::En, code));
        }
    }
}
