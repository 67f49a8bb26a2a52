//! Every explanation true: what a person reads about a rebalance, a member, the timeline and
//! the describe table, checked against what the simulation did (issue 17, findings 1–4, 10).

use super::consumer_card::ConsumerView;
use super::groups::unsubscribed_notes;
use super::state::projections::RebalanceKind;
use super::state::{Action, ErrorAt, Sim};
use super::text::{fill, reason_text};
use super::text::{text_for, Lang};
use crate::core::command::Command;
use crate::core::consumer::ConsumerMode;
use crate::core::event::EventKind;
use crate::core::group::assignor::Strategy;
use crate::core::ids::BrokerId;
use crate::core::scenario::built_in;
use crate::core::time::Millis;
use std::rc::Rc;

/// Frames of 16 ms of real time until the simulated clock reaches `until`.
fn run_until(sim: &mut Sim, until: Millis) {
    let mut real = sim.playback.last_real.unwrap_or(0.0);
    sim.handle(Action::Tick(real));
    while sim.now() < until {
        real += 16.0;
        sim.handle(Action::Tick(real));
    }
}

/// A built-in lesson played at 10× to `at`.
fn lesson_at(id: &str, at: Millis) -> Sim {
    let mut sim = Sim::with_scenario(built_in(id).unwrap()).unwrap();
    sim.handle(Action::SetSpeed(10.0));
    run_until(&mut sim, at);
    sim
}

fn two_consumers() -> Sim {
    let mut sim = Sim::new();
    sim.handle(Action::SetSpeed(10.0));
    sim.handle(Action::AddConsumer);
    sim.handle(Action::AddConsumer);
    let t = sim.now() + 10_000;
    run_until(&mut sim, t);
    assert_eq!(sim.run.cluster.groups()["group-1"].state.name(), "Stable");
    sim
}

fn update(sim: &mut Sim, name: &str, f: impl FnOnce(&mut crate::core::consumer::ConsumerSpec)) {
    let mut spec = sim.run.cluster.consumers()[name].spec.clone();
    f(&mut spec);
    sim.handle(Action::cmd(ErrorAt::Consumer(name.into()), Command::UpdateConsumer { consumer: spec }));
}

fn lines_since(sim: &Sim, since: Millis) -> Vec<String> {
    sim.entries(false)
        .into_iter()
        .filter(|e| e.event.at >= since)
        .map(|e| e.line(Lang::En).to_string())
        .collect()
}

/// Finding 1: both consumers switched to cooperative-sticky were narrated as an eager
/// (stop-the-world) rebalance in which "c1 hands over revoked partitions".
#[test]
fn switching_everyone_to_cooperative_sticky_reads_as_a_cooperative_strategy_change() {
    let mut sim = two_consumers();
    let since = sim.now();
    for c in ["c1", "c2"] {
        update(&mut sim, c, |s| s.config.assignment_strategy = vec![Strategy::CooperativeSticky]);
    }
    run_until(&mut sim, since + 10_000);
    let v = &sim.projections.rebalances["group-1"];
    assert_eq!(v.kind, RebalanceKind::Cooperative, "{v:?}");
    assert!(v.started_at >= since);
    assert_eq!(reason_text(&v.reason, Lang::En), "c1 changed partition.assignment.strategy");
    assert!(v.stopped.is_empty(), "nobody stops: {:?}", v.stopped);
    let lines = lines_since(&sim, since).join("\n");
    assert!(!lines.contains("hands over") && !lines.contains("rejoins to hand them over"), "{lines}");
}

/// Finding 1: changing one consumer's strategy gave the reason "c2 hands over revoked
/// partitions" though nothing was revoked. The other member still speaks eager (its default
/// `range, cooperative-sticky`), so the round is eager: it revokes everything.
#[test]
fn changing_one_strategy_names_the_change_and_the_eager_member_makes_it_eager() {
    let mut sim = two_consumers();
    let since = sim.now();
    update(&mut sim, "c2", |s| s.config.assignment_strategy = vec![Strategy::CooperativeSticky]);
    run_until(&mut sim, since + 10_000);
    let v = &sim.projections.rebalances["group-1"];
    assert_eq!(reason_text(&v.reason, Lang::En), "c2 changed partition.assignment.strategy");
    assert_eq!(reason_text(&v.reason, Lang::Ru), "c2 сменил partition.assignment.strategy");
    assert_eq!(v.kind, RebalanceKind::Eager);
    assert!(v.stopped.contains(&"c1".to_string()), "c1 (eager) revoked all: {:?}", v.stopped);
    assert!(!v.stopped.contains(&"c2".to_string()), "c2 (cooperative) kept its own: {:?}", v.stopped);
}

/// Finding 2 and 10: a subscription change to another topic rebalanced once, then ~3 s
/// later a second, stop-the-world one "partitions added to " (blank topic). The describe table
/// keeps the old topic's rows (Kafka keeps the offsets), and now says why.
#[test]
fn a_subscription_change_is_one_rebalance_and_the_old_topics_rows_are_explained() {
    let mut sim = two_consumers();
    let t = text_for(Lang::En);
    sim.handle(Action::cmd(ErrorAt::Global, Command::create_topic("payments", 3)));
    assert!(sim.run.cluster.describe_group("group-1").iter().all(|r| !r.unsubscribed));
    assert!(unsubscribed_notes(t, &sim.run.cluster.describe_group("group-1")).is_empty());
    let since = sim.now();
    for c in ["c1", "c2"] {
        update(&mut sim, c, |s| s.mode = ConsumerMode::Group { topics: vec!["payments".into()] });
    }
    run_until(&mut sim, since + 20_000);
    let started: Vec<_> = sim
        .entries(false)
        .into_iter()
        .filter(|e| e.event.at >= since && matches!(e.event.kind, EventKind::RebalanceStarted { .. }))
        .map(|e| e.line(Lang::En).to_string())
        .collect();
    assert_eq!(started.len(), 1, "{started:#?}");
    assert!(started[0].contains("changed its subscription"), "{}", started[0]);
    let lines = lines_since(&sim, since).join("\n");
    assert!(!lines.contains("partitions added"), "{lines}");
    let rows = sim.run.cluster.describe_group("group-1");
    assert!(rows.iter().any(|r| r.topic == "orders" && r.unsubscribed && r.consumer.is_none()));
    assert!(rows.iter().any(|r| r.topic == "payments" && !r.unsubscribed));
    let notes = unsubscribed_notes(t, &rows);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].starts_with("orders: no member of the group subscribes to it now"), "{}", notes[0]);
    assert!(notes[0].contains("offsets.retention.minutes"));
}

/// Finding 3: in the Roles lesson c1 loses its role at 00:35; at 00:37 its card said "The
/// crashed process is still a member". c1 never crashed: the coordinator refused it.
#[test]
fn a_member_that_lost_its_rights_is_not_called_crashed() {
    let sim = lesson_at("roles", 37_000);
    for lang in Lang::ALL {
        let t = text_for(lang);
        let c1 = &sim.run.cluster.consumers()["c1"];
        let view = ConsumerView::of(&sim, c1, t, &Rc::new(Vec::new()), &Rc::new(Vec::new()));
        let note = view.old_member.expect("the group still lists c1's old member");
        assert!(note.contains("GROUP_AUTHORIZATION_FAILED"), "{note}");
        assert!(!note.to_lowercase().contains("crash") && !note.contains("упал"), "{note}");
    }
    let t = text_for(Lang::En);
    assert!(t.lost_member_note.starts_with("{} lost its membership"));
}

/// Finding 4: the at-least-once lesson says "the timeline marks them redelivered"; with the
/// default filters no redelivery was visible.
#[test]
fn the_at_least_once_lessons_redeliveries_show_in_the_default_timeline() {
    let mut sim = Sim::with_scenario(built_in("at-least-once").unwrap()).unwrap();
    let note = &sim.run.scenario.watch_for.en;
    assert!(note.contains("the timeline marks them redelivered"), "{note}");
    sim.handle(Action::SetSpeed(10.0));
    run_until(&mut sim, 30_000);
    let lines: Vec<String> = sim.entries(false).into_iter().map(|e| e.line(Lang::En).to_string()).collect();
    assert!(lines.iter().any(|l| l.contains("redelivered")), "{lines:#?}");
    // Routine fetches stay under "Show high-volume events".
    assert!(!sim
        .entries(false)
        .iter()
        .any(|e| matches!(e.event.kind, EventKind::Fetched { redelivered: 0, .. })));
}

/// Presses of `Step` from the first that shows `group` rebalancing to the one that shows the
/// rebalance finished (paused, as a person stepping a lesson would).
fn presses_to_cross_a_rebalance(sim: &mut Sim, group: &str, from: Millis) -> (usize, Vec<String>) {
    if sim.playback.playing {
        sim.handle(Action::TogglePlay);
    }
    let mut presses = 0;
    let mut seen = Vec::new();
    let mut started = false;
    for _ in 0..500 {
        sim.handle(Action::Step);
        let v = sim.projections.rebalances.get(group).filter(|v| v.started_at >= from);
        if let Some(v) = v {
            started = true;
            presses += 1;
            seen.push(format!("{:?}@{}", v.phase, sim.now()));
            if v.finished_at.is_some() {
                return (presses, seen);
            }
        }
        assert!(!started || presses < 50, "{seen:?}");
    }
    panic!("no rebalance of {group} seen: {seen:?}");
}

/// Finding 5: Step went to the next internal event: 61 presses to cross one rebalance.
#[test]
fn step_crosses_a_rebalance_phase_by_phase_in_at_most_six_presses() {
    // Eager: a third consumer joins.
    let mut sim = two_consumers();
    let from = sim.now();
    sim.handle(Action::AddConsumer);
    let (n, seen) = presses_to_cross_a_rebalance(&mut sim, "group-1", from);
    assert!(n <= 6, "eager: {n} presses: {seen:?}");
    assert!(n >= 2, "each phase its own press: {seen:?}");
    // Cooperative, with its follow-up round, and KIP-848: the built-in lessons.
    for (id, group) in
        [("eager-vs-cooperative", "coop"), ("eager-vs-cooperative", "eager"), ("kip-848", "group-1")]
    {
        let mut sim = Sim::with_scenario(built_in(id).unwrap()).unwrap();
        let (n, seen) = presses_to_cross_a_rebalance(&mut sim, group, 15_000);
        assert!(n <= 6, "{id}: {n} presses: {seen:?}");
    }
    // The fine step stays: one wakeup at a time.
    let mut sim = two_consumers();
    sim.handle(Action::TogglePlay);
    let next = sim.run.next_wakeup().unwrap();
    sim.handle(Action::StepEvent);
    assert_eq!(sim.now(), next);
}

/// "Why?": the chain for a consumer is the core's events about it and its group, and for a
/// crashed member when the coordinator removes it (last heartbeat + session.timeout.ms).
#[test]
fn why_tells_the_chain_from_the_cores_events() {
    let t = text_for(Lang::En);
    let mut sim = lesson_at("rebalance-basics", 21_000);
    let c2 =
        super::why::chain(&sim, &super::state::why_target::WhyTarget::Consumer("c2".into()), t, Lang::En)
            .join("\n");
    assert!(c2.contains("consumer c2 crashed"), "{c2}");
    assert!(c2.contains("removes it at") && c2.contains("session.timeout.ms"), "{c2}");
    let c1 =
        super::why::chain(&sim, &super::state::why_target::WhyTarget::Consumer("c1".into()), t, Lang::En)
            .join("\n");
    assert!(c1.contains("c1 now owns"), "{c1}");
    assert!(c1.contains("rebalance started"), "{c1}");
    let ru = super::why::chain(
        &sim,
        &super::state::why_target::WhyTarget::Consumer("c2".into()),
        text_for(Lang::Ru),
        Lang::Ru,
    )
    .join("\n");
    assert!(ru.contains("удалит его"), "{ru}");
    let target = super::state::why_target::WhyTarget::Consumer("c2".into());
    sim.handle(Action::Why(Some(target.clone())));
    assert_eq!(sim.why.as_ref(), Some(&target));
}

/// "Why?" on a partition: its owner (and why: the group's assignor, generation, members), its
/// offset markers (the group's committed offset, the owner's position, the log's end) and the
/// group's LAG — each line a figure the core reports or an event it emitted.
#[test]
fn why_a_partition_tells_its_owner_markers_and_lag_from_the_core() {
    use super::state::why_target::WhyTarget;
    use super::why::chain;
    let t = text_for(Lang::En);
    let mut sim = lesson_at("rebalance-basics", 19_000);
    let cluster = &sim.run.cluster;
    // A partition records were written to and committed on.
    let row = cluster
        .describe_group("group-1")
        .into_iter()
        .find(|r| r.topic == "orders" && r.log_end_offset > 0 && r.current_offset.is_some())
        .unwrap();
    let p = row.partition;
    let name = format!("orders-{p}");
    let owner = row.consumer.clone().unwrap();
    let lines = chain(&sim, &WhyTarget::Partition { topic: "orders".into(), partition: p }, t, Lang::En);
    let all = lines.join("\n");
    // Owner: who, and the group's assignment as the coordinator has it.
    let g = &cluster.groups()["group-1"];
    assert!(all.contains(&format!("{owner} owns {name} in group group-1.")), "{all}");
    let members: Vec<String> = cluster.group_members("group-1").into_iter().map(|m| m.consumer).collect();
    assert!(
        all.contains(&format!(
            "Group group-1: range assignor, Generation {}, members {}",
            g.generation,
            members.join(" ")
        )),
        "{all}"
    );
    assert!(all.contains(&format!("{owner} now owns")), "the assignment event: {all}");
    // Committed marker, and the commit event that set it.
    let committed = row.current_offset.unwrap();
    assert!(all.contains(&format!("Group group-1 committed offset {committed} for {name}")), "{all}");
    let commit_line = lines.iter().position(|l| l.contains("committed offset")).unwrap();
    assert!(lines[commit_line + 1].contains("committed"), "{}", lines[commit_line + 1]);
    // LAG = log end − committed, as the describe row has it.
    let lag = row.lag.unwrap();
    assert_eq!(lag, row.log_end_offset - committed);
    assert!(
        all.contains(&format!(
            "LAG {lag} = LOG-END-OFFSET {} − CURRENT-OFFSET {committed}",
            row.log_end_offset
        )),
        "{all}"
    );
    // Position marker: the owner's position, and the fetch that moved it.
    let c = &cluster.consumers()[&owner];
    let position = c.positions.iter().find(|(tp, _)| &*tp.topic == "orders" && tp.partition == p).unwrap().1;
    assert!(all.contains(&format!("{owner}'s position on {name} is {position}")), "{all}");
    // Log end marker, and the append that set it.
    let end = cluster.topics()["orders"].partition(p).unwrap().log_end();
    assert!(
        all.contains(&format!("Log end offset {end}: the offset the next record appended to {name} gets")),
        "{all}"
    );
    let last = lines.last().unwrap();
    assert!(last.contains(&name) && last.contains(&format!("{}", end - 1)), "the last append: {last}");

    // A crashed owner still holds its partitions until last heartbeat + session.timeout.ms.
    run_until(&mut sim, 21_000);
    let c2 = sim.run.cluster.consumers()["c2"].assignment.clone();
    let tp = &c2[0];
    let m = sim.run.cluster.group_members("group-1").into_iter().find(|m| m.consumer == "c2").unwrap();
    let removed = m.removed_at.unwrap();
    let hb = sim.run.cluster.groups()["group-1"].members[&m.member_id].last_heartbeat;
    let lines = chain(
        &sim,
        &WhyTarget::Partition { topic: tp.topic.to_string(), partition: tp.partition },
        t,
        Lang::En,
    );
    let all = lines.join("\n");
    assert!(
        all.contains(&format!(
            "c2 crashed, but the coordinator lists it until {} = last heartbeat {} + session.timeout.ms (6000 ms)",
            crate::core::time::format_clock(removed),
            crate::core::time::format_clock(hb)
        )),
        "{all}"
    );
    // In Russian too, with the same figures.
    let ru = chain(
        &sim,
        &WhyTarget::Partition { topic: tp.topic.to_string(), partition: tp.partition },
        text_for(Lang::Ru),
        Lang::Ru,
    );
    assert!(ru.join("\n").contains("session.timeout.ms (6000 мс)"), "{ru:?}");
}

/// "Why?" on a client that fails: its error, Kafka's name and meaning, and the authorization
/// change that caused it (consumer and producer).
#[test]
fn why_a_failing_client_tells_its_error_and_the_change_behind_it() {
    use super::state::why_target::WhyTarget;
    use super::why::chain;
    let t = text_for(Lang::En);
    let mut sim = lesson_at("roles", 38_000);
    let c1 = chain(&sim, &WhyTarget::Consumer("c1".into()), t, Lang::En);
    let (code, _) = sim.run.cluster.consumers()["c1"].error.clone().expect("c1 fails after 00:35");
    assert!(c1[0].starts_with(&format!("c1 fails with {}:", code.name())), "{c1:?}");
    assert!(c1.iter().any(|l| l.contains("revoked")), "the revocation behind it: {c1:?}");
    // The producer: alice loses her role.
    sim.handle(Action::cmd(
        ErrorAt::Users,
        Command::RevokeRole {
            user: "alice".into(),
            role: crate::core::acl::Role::Producer,
            pattern: "orders".into(),
        },
    ));
    run_until(&mut sim, 41_000);
    let code = sim.run.cluster.producers()["p1"].error.expect("p1 fails without its role");
    let p1 = chain(&sim, &WhyTarget::Producer("p1".into()), t, Lang::En);
    assert!(p1[0].starts_with(&format!("p1 fails with {}: ", code.name())), "{p1:?}");
    assert!(p1[0].contains(super::text::error_meaning(Lang::En, code)), "{p1:?}");
    assert!(p1.iter().any(|l| l.contains("alice lost role producer")), "{p1:?}");
    // The W key and the buttons name targets the same way.
    for target in [
        WhyTarget::Consumer("c1".into()),
        WhyTarget::Producer("p1".into()),
        WhyTarget::Partition { topic: "my.topic-1".into(), partition: 11 },
    ] {
        assert_eq!(WhyTarget::parse(&target.attr()), Some(target));
    }
}

/// Predict, then reveal: the answer is read from the run (the consumer's assignment once its
/// group's rebalance has finished), a right answer is marked right and a wrong one wrong, and
/// the reveal tells the rebalance's events.
#[test]
fn a_prediction_is_checked_against_what_the_run_does() {
    use super::state::predict::tests::walk;
    // Right: c1 owns orders-0..2 once the group rebalanced without c2 (range, two members).
    let (sim, reveals) =
        walk("rebalance-basics", |_, _| Some(vec!["orders-0".into(), "orders-1".into(), "orders-2".into()]));
    let r = reveals[0].clone().expect("revealed");
    let owns: std::collections::BTreeSet<String> = sim.run.rewind(r.at).unwrap().cluster.consumers()["c1"]
        .assignment
        .iter()
        .map(|tp| format!("{}-{}", tp.topic, tp.partition))
        .collect();
    assert_eq!(r.truth, owns, "the truth is the run's");
    assert!(r.correct());
    assert!(r.asked_at < 20_000 && r.at > 25_000, "asked before the crash, read after the removal: {r:?}");
    let story = super::why::tell(&r.story, Lang::En).join("\n");
    assert!(
        story.contains("c2 removed") && story.contains("c1 now owns orders-0, orders-1, orders-2"),
        "{story}"
    );
    // Wrong: the same run, another answer.
    let (_, reveals) = walk("rebalance-basics", |_, _| Some(vec!["orders-3".into()]));
    let r = reveals[0].clone().unwrap();
    assert!(!r.correct());
    assert_eq!(r.truth.len(), 3);
}

/// Every built-in lesson that asks reveals each answer (none hangs), the run then reaches its
/// end, and the answers are what each lesson teaches — read from the run, not the file.
#[test]
fn every_lessons_questions_are_revealed_with_what_the_lesson_teaches() {
    use super::state::predict::tests::walk;
    use std::collections::BTreeSet;
    let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<String>>();
    let expect: &[(&str, &[&[&str]])] = &[
        ("rebalance-basics", &[&["orders-0", "orders-1", "orders-2"]]),
        ("eager-vs-cooperative", &[&[]]),
        ("kip-848", &[&["orders-5"]]),
        ("leave-vs-crash", &[&["now"], &["later"]]),
        ("static-membership", &[&["none"]]),
        ("more-consumers-than-partitions", &[&["c2"]]),
        ("at-least-once", &[&["yes"]]),
        ("standalone-vs-group", &[&["orders-0", "orders-1", "orders-2", "orders-3"]]),
        ("acks-1-loses-records", &[&["yes"]]),
        ("min-insync-replicas", &[&["no"]]),
        ("unclean-leader-election", &[&["yes"]]),
        ("zone-outage", &[&["no"]]),
    ];
    for (id, truths) in expect {
        let (sim, reveals) = walk(id, |_, c| Some(vec![c[0].0.clone()]));
        assert_eq!(reveals.len(), truths.len(), "{id}");
        for (r, t) in reveals.iter().zip(truths.iter()) {
            let r = r.as_ref().unwrap_or_else(|| panic!("{id}: not revealed"));
            assert_eq!(r.truth, set(t), "{id}");
        }
        assert_eq!(sim.now(), sim.run.scenario.duration.unwrap().0, "{id} played to its end");
    }
    // Skipped: no reveal, and the lesson plays on.
    let (sim, reveals) = walk("leave-vs-crash", |_, _| None);
    assert!(reveals.iter().all(Option::is_none));
    assert_eq!(sim.now(), 45_000);
}

/// Questions are asked only when asking is on (the page), stop the clock just before their
/// moment, and playing on skips them; a scrub back before a question asks it again.
#[test]
fn a_question_stops_the_clock_before_its_moment_and_play_skips_it() {
    let sim = lesson_at("rebalance-basics", 21_000);
    assert!(sim.predict.shown.is_none(), "off: never asked");
    let mut sim = Sim::with_scenario(built_in("rebalance-basics").unwrap()).unwrap();
    sim.predict.on = true;
    sim.handle(Action::SetSpeed(10.0));
    let mut real = 0.0;
    while sim.playback.playing {
        real += 16.0;
        sim.handle(Action::Tick(real));
    }
    assert_eq!(sim.now(), 19_999, "just before the crash at 00:20");
    assert!(sim.predict.asking());
    assert!(sim.run.cluster.consumers()["c2"].is_alive(), "c2 not crashed yet");
    sim.handle(Action::TogglePlay);
    assert!(sim.playback.playing && !sim.predict.asking(), "Play skips the question");
    assert_eq!(sim.predict.stages[0], super::state::predict::Stage::Skipped);
    run_until(&mut sim, 22_000);
    // Back before 00:20: asked again on the way.
    sim.handle(Action::Rewind(10_000));
    while sim.playback.catching_up.is_some() {
        sim.handle(Action::Tick(real));
        real += 16.0;
    }
    assert_eq!(sim.predict.stages[0], super::state::predict::Stage::Ahead);
    sim.handle(Action::TogglePlay);
    while sim.playback.playing {
        real += 16.0;
        sim.handle(Action::Tick(real));
    }
    assert!(sim.predict.asking() && sim.now() == 19_999);
}

/// "Why?" on each marker of a lane (a group's committed offset, a consumer's position, the
/// log's start and end): the figure it marks as the core reports it, the event that set it,
/// and what follows from it (the LAG; records read past the commit).
#[test]
fn why_a_lane_marker_tells_the_figure_it_marks_and_the_event_that_set_it() {
    use super::state::why_target::{Mark, WhyTarget};
    use super::why::chain;
    let t = text_for(Lang::En);
    let sim = lesson_at("rebalance-basics", 19_000);
    let cluster = &sim.run.cluster;
    let row = cluster
        .describe_group("group-1")
        .into_iter()
        .find(|r| r.log_end_offset > 0 && r.current_offset.is_some())
        .unwrap();
    let (p, name, owner) =
        (row.partition, format!("orders-{}", row.partition), row.consumer.clone().unwrap());
    let committed = row.current_offset.unwrap();
    let mark = |mark: Mark| WhyTarget::Mark { topic: "orders".into(), partition: p, mark };
    // The group's committed offset (⚑): the figure first, then the commit that set it, the LAG.
    let lines = chain(&sim, &mark(Mark::Committed("group-1".into())), t, Lang::En);
    assert_eq!(
        lines[0],
        format!("Group group-1 committed offset {committed} for {name}: a new owner starts reading there.")
    );
    assert!(lines[1].contains("committed"), "the commit event: {lines:?}");
    let lag = row.lag.unwrap();
    assert!(
        lines[2].starts_with(&format!("Group group-1: LAG {lag} = LOG-END-OFFSET {}", row.log_end_offset)),
        "{lines:?}"
    );
    assert!(lines.iter().any(|l| l == &format!("{owner} owns {name} in group group-1.")), "{lines:?}");
    // The owner's position (▲), the fetch that moved it, how far past the commit it has read.
    let c = &cluster.consumers()[&owner];
    let position = *c.positions.iter().find(|(tp, _)| &*tp.topic == "orders" && tp.partition == p).unwrap().1;
    let lines = chain(&sim, &mark(Mark::Position(owner.clone())), t, Lang::En);
    assert_eq!(
        lines[0],
        format!("{owner}'s position on {name} is {position}: the offset of the next record it fetches.")
    );
    assert!(lines[1].contains(&owner) && lines[1].contains(&name), "the fetch: {lines:?}");
    assert!(position > committed, "auto-commit trails the position here");
    assert!(
        lines.contains(&format!(
            "{owner} has read {} records past group group-1's committed offset {committed}: if it stopped now, the next owner would read them again.",
            position - committed
        )),
        "{lines:?}"
    );
    // The log's end and start.
    let end = cluster.topics()["orders"].partition(p).unwrap().log_end();
    let lines = chain(&sim, &mark(Mark::LogEnd), t, Lang::En);
    assert_eq!(
        lines[0],
        format!("Log end offset {end}: the offset the next record appended to {name} gets.")
    );
    assert!(lines[1].contains(&format!("{}", end - 1)), "the last append: {lines:?}");
    let lines = chain(&sim, &mark(Mark::LogStart), t, Lang::En);
    assert_eq!(lines, vec![format!("Log start offset 0: retention has deleted no record of {name} yet.")]);
    // Russian: the same figures.
    let ru = chain(&sim, &mark(Mark::Position(owner.clone())), text_for(Lang::Ru), Lang::Ru).join("\n");
    assert!(ru.contains(&format!("прочитал на {} записей", position - committed)), "{ru}");
}

/// "Why?" on the high watermark: the leader's HW as the core has it, the in-sync replicas,
/// and the records above it waiting for the followers (acks-and-broker-failure, 3 brokers).
#[test]
fn why_the_high_watermark_tells_the_isr_and_what_waits_above_it() {
    use super::state::why_target::{Mark, WhyTarget};
    use super::why::chain;
    let t = text_for(Lang::En);
    let mut sim = lesson_at("acks-and-broker-failure", 12_000);
    let topic = sim.run.cluster.topics().keys().next().unwrap().clone();
    let rep = &sim.run.cluster.replication().topics[&topic].partitions[0];
    let hw = rep.high_watermark().expect("partition 0 has a leader");
    let isr: Vec<String> = rep.registration.isr.iter().map(ToString::to_string).collect();
    let lines = chain(
        &sim,
        &WhyTarget::Mark { topic: topic.clone(), partition: 0, mark: Mark::HighWatermark },
        t,
        Lang::En,
    );
    assert_eq!(
        lines[0],
        format!("High watermark {hw}: every in-sync replica (brokers {}) has the records of {topic}-0 below it, and consumers read only below it.", isr.join(" "))
    );
    let end = sim.run.cluster.topics()[&topic].partition(0).unwrap().log_end();
    if end > hw {
        assert_eq!(
            lines[1],
            format!(
                "{} records (log end {end} − high watermark {hw}) wait for the followers to fetch them.",
                end - hw
            )
        );
    }
    // Later the leader drops the crashed broker from the ISR: the chain tells that event.
    run_until(&mut sim, 25_000);
    let changed = sim
        .projections
        .timeline
        .iter()
        .chain(sim.projections.noisy.iter())
        .filter(
            |e| matches!(&e.event.kind, EventKind::IsrChanged { topic: x, partition: 0, .. } if *x == topic),
        )
        .max_by_key(|e| e.seq)
        .expect("the ISR shrank")
        .line(Lang::En)
        .to_string();
    let lines = chain(
        &sim,
        &WhyTarget::Mark { topic: topic.clone(), partition: 0, mark: Mark::HighWatermark },
        t,
        Lang::En,
    );
    assert!(lines.contains(&changed), "{changed} in {lines:#?}");
    // One in-sync replica, min.insync.replicas 2: the high watermark stays where it is.
    let rep = &sim.run.cluster.replication().topics[&topic];
    let (hw, isr) = (rep.partitions[0].high_watermark().unwrap(), rep.partitions[0].registration.isr.len());
    let end = sim.run.cluster.topics()[&topic].partition(0).unwrap().log_end();
    let min_isr = rep.config.min_insync_replicas;
    if (isr as u32) < min_isr && end > hw {
        assert!(lines[1].contains(&format!("fewer than min.insync.replicas ({min_isr})")), "{lines:#?}");
    }
}

/// "Why?" on an idle consumer: the group's latest assignment (the core's event) gave it
/// nothing; with more members than partitions, how many wait.
#[test]
fn why_an_idle_consumer_owns_nothing_from_the_assignment_event() {
    use super::state::why_target::WhyTarget;
    use super::why::chain;
    let sim = lesson_at("more-consumers-than-partitions", 15_000);
    let cluster = &sim.run.cluster;
    let idle = cluster
        .consumers()
        .values()
        .find(|c| c.is_alive() && c.assignment.is_empty())
        .expect("a consumer owns nothing")
        .spec
        .name
        .clone();
    let g = &cluster.groups()["group-1"];
    let partitions: u32 = cluster.topics()["orders"].partition_count();
    let members = g.members.len();
    assert!(members > partitions as usize);
    let lines = chain(&sim, &WhyTarget::Consumer(idle.clone()), text_for(Lang::En), Lang::En);
    assert!(
        lines.contains(&format!(
            "{idle} owns nothing: in the latest assignment (range assignor, Generation {}) the group's {partitions} partitions went to {partitions} of its {members} members.",
            g.generation
        )),
        "{lines:#?}"
    );
    assert!(
        lines.contains(&format!(
            "Group group-1 has {members} members for {partitions} partitions, and a partition has one owner in a group: {} of them wait idle until a member leaves or partitions are added.",
            members - partitions as usize
        )),
        "{lines:#?}"
    );
    let ru = chain(&sim, &WhyTarget::Consumer(idle.clone()), text_for(Lang::Ru), Lang::Ru).join("\n");
    assert!(
        ru.contains(&format!("{idle} не получил ни одного раздела")) && ru.contains("простаивают"),
        "{ru}"
    );
    // An owner is not called idle.
    let owner = cluster.consumers().values().find(|c| !c.assignment.is_empty()).unwrap().spec.name.clone();
    let lines = chain(&sim, &WhyTarget::Consumer(owner), text_for(Lang::En), Lang::En).join("\n");
    assert!(!lines.contains("owns nothing"), "{lines}");
}

/// "Why?" on a stopped member (eager: it revoked everything) says since when; on a crashed one,
/// when the coordinator removes it: last heartbeat + session.timeout.ms, the core's figures.
#[test]
fn why_a_stopped_or_crashed_member_says_since_when_and_until_when() {
    use super::state::why_target::WhyTarget;
    use super::why::chain;
    let t = text_for(Lang::En);
    // Eager: a third consumer joins; step until a member has revoked everything.
    let mut sim = two_consumers();
    sim.handle(Action::TogglePlay);
    sim.handle(Action::AddConsumer);
    let mut stopped = None;
    for _ in 0..400 {
        sim.handle(Action::StepEvent);
        stopped = sim.run.cluster.consumers().values().find_map(|c| {
            let since = c.membership.as_ref()?.stopped_since?;
            (c.is_alive() && c.assignment.is_empty()).then(|| (c.spec.name.clone(), since))
        });
        if stopped.is_some() {
            break;
        }
    }
    let (name, since) = stopped.expect("an eager member stops");
    let lines = chain(&sim, &WhyTarget::Consumer(name.clone()), t, Lang::En);
    let line = lines
        .iter()
        .find(|l| l.contains("has consumed nothing since"))
        .unwrap_or_else(|| panic!("{lines:#?}"));
    assert!(
        line.starts_with(&format!(
            "{name} has consumed nothing since {}: in an eager rebalance",
            crate::core::time::format_clock(since)
        )),
        "{line}"
    );
    assert!(!lines.iter().any(|l| l.contains("owns nothing")), "stopped, not idle: {lines:#?}");
    // Crashed: rebalance-basics, c2 at 00:20.
    let sim = lesson_at("rebalance-basics", 21_000);
    let m = sim.run.cluster.group_members("group-1").into_iter().find(|m| m.consumer == "c2").unwrap();
    let hb = sim.run.cluster.groups()["group-1"].members[&m.member_id].last_heartbeat;
    let at = m.removed_at.unwrap();
    assert_eq!(at, hb + 6_000);
    let lines = chain(&sim, &WhyTarget::Consumer("c2".into()), t, Lang::En);
    assert_eq!(
        lines.last().unwrap(),
        &format!(
            "The coordinator still lists member {} and removes it at {} = last heartbeat {} + session.timeout.ms (6000 ms).",
            m.member_id,
            crate::core::time::format_clock(at),
            crate::core::time::format_clock(hb)
        )
    );
}

/// "Why?" on a LAG cell of the describe table: LOG-END-OFFSET − CURRENT-OFFSET as the row
/// has them, the commit and the append that set each.
#[test]
fn why_a_lag_cell_tells_log_end_minus_committed_and_what_set_each() {
    use super::state::why_target::WhyTarget;
    use super::why::chain;
    let sim = lesson_at("lag", 20_000);
    let (group, row) = sim
        .run
        .cluster
        .groups()
        .keys()
        .find_map(|g| {
            let rows = sim.run.cluster.describe_group(g);
            rows.into_iter().find(|r| r.lag.is_some_and(|l| l > 0)).map(|r| (g.clone(), r))
        })
        .expect("a partition lags");
    let target = WhyTarget::Lag { group: group.clone(), topic: row.topic.clone(), partition: row.partition };
    for lang in Lang::ALL {
        let lines = chain(&sim, &target, text_for(lang), lang);
        let current = row.current_offset.unwrap();
        assert_eq!(
            lines[0],
            fill(text_for(lang).why_lag, &[&group, &row.lag.unwrap(), &row.log_end_offset, &current])
        );
        let name = format!("{}-{}", row.topic, row.partition);
        assert_eq!(lines[1], fill(text_for(lang).why_committed, &[&group, &current, &name]));
        assert!(
            lines.iter().any(|l| l == &fill(text_for(lang).why_log_end, &[&row.log_end_offset, &name])),
            "{lines:?}"
        );
    }
}

/// "Why?" on a group's generation (classic) or epoch (KIP-848): the figure, what bumps it, the
/// rebalances that did, and each member's own.
#[test]
fn why_a_generation_tells_what_bumped_it_and_each_members() {
    use super::state::why_target::WhyTarget;
    use super::why::chain;
    let t = text_for(Lang::En);
    let sim = lesson_at("rebalance-basics", 19_000);
    let g = sim.run.cluster.groups()["group-1"].generation;
    let lines = chain(&sim, &WhyTarget::Generation("group-1".into()), t, Lang::En);
    assert!(
        lines[0].starts_with(&format!("Group group-1 is at generation {g}: the coordinator bumps it")),
        "{lines:?}"
    );
    assert!(lines.iter().any(|l| l.contains("rebalance started")), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains(&format!("generation {g} with"))), "{lines:?}");
    for c in ["c1", "c2", "c3"] {
        let mine = sim.run.cluster.consumers()[c].membership.as_ref().unwrap().generation;
        assert!(lines.contains(&format!("{c}: generation {mine} (the group's: {g}).")), "{lines:?}");
    }
    // KIP-848: the group epoch, and each member's epoch.
    let sim = lesson_at("kip-848", 12_000);
    let e = sim.run.cluster.groups()["group-1"].generation;
    let lines = chain(&sim, &WhyTarget::Generation("group-1".into()), t, Lang::En);
    assert!(lines[0].starts_with(&format!("Group group-1 is at group epoch {e}")), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains(": member epoch ")), "{lines:?}");
    let ru = chain(&sim, &WhyTarget::Generation("group-1".into()), text_for(Lang::Ru), Lang::Ru).join("\n");
    assert!(ru.contains(&format!("в эпохе {e}")), "{ru}");
}

/// The buttons, markers, cells and the W key name targets the same way (`data-why`).
#[test]
fn every_why_target_reads_back_from_its_attribute() {
    use super::state::why_target::{Mark, WhyTarget};
    let tp = |mark| WhyTarget::Mark { topic: "my.topic-1".into(), partition: 11, mark };
    for target in [
        WhyTarget::Consumer("c1".into()),
        WhyTarget::Producer("p1".into()),
        WhyTarget::Partition { topic: "my.topic-1".into(), partition: 11 },
        tp(Mark::Committed("group-1".into())),
        tp(Mark::Position("c-2".into())),
        tp(Mark::LogStart),
        tp(Mark::LogEnd),
        tp(Mark::HighWatermark),
        WhyTarget::Lag { group: "g.1".into(), topic: "orders".into(), partition: 0 },
        WhyTarget::Generation("group-1".into()),
    ] {
        assert_eq!(WhyTarget::parse(&target.attr()), Some(target));
    }
    assert_eq!(WhyTarget::parse("mark:committed:orders:0"), None, "a committed marker names its group");
    assert_eq!(WhyTarget::parse("mark:hw:orders:x"), None);
}

/// The stage shows every consumer grouped by group: a share group's members (KIP-932) in its
/// own frame, with its state and epoch as the share coordinator has them (they were missing
/// from the stage: the share-groups lesson's crash of w1 could not be seen there).
#[test]
fn the_stage_frames_a_share_groups_members() {
    let sim = lesson_at("share-groups", 21_000);
    let view = super::stage::StageView::of(&sim, text_for(Lang::En), true);
    let workers = view.groups.iter().find(|g| g.id == "workers" && g.share).expect("the share group's frame");
    let names: Vec<&str> = workers.members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["w1", "w2", "w3"]);
    let g = &sim.run.cluster.brokers()[0].share().groups()["workers"];
    assert_eq!((workers.state, workers.generation), (g.state().name(), g.group_epoch));
    assert_eq!(workers.members[0].look, Some("dead"), "w1 crashed at 00:20");
    assert!(view.groups.iter().any(|g| g.id == "orders-app" && !g.share));
}

/// With several brokers the stage itself tells a broker failure: the crashed broker, the
/// partition's new leader, the ISR while a replica is out, the records the election cut off,
/// and the group's coordinator (issue 17: the lesson's key moment on the first screen).
#[test]
fn the_stage_shows_the_crashed_broker_the_new_leader_and_the_records_acks_1_lost() {
    use super::stage::StageView;
    use crate::core::broker::replicas::BrokerState;
    let t = text_for(Lang::En);
    let before = lesson_at("acks-1-loses-records", 9_000);
    let v = StageView::of(&before, t, true);
    assert_eq!(v.brokers.iter().map(|b| b.id).collect::<Vec<_>>(), [1, 2, 3]);
    assert!(v.brokers.iter().all(|b| b.state == BrokerState::Running));
    let row = &v.topics[0].partitions[0];
    let marks = row.replicas.as_ref().expect("three brokers: leader marks");
    assert_eq!((marks.leader, &marks.short_isr, marks.lost), (Some(BrokerId(3)), &None, 0));
    assert!(v.groups[0].coordinator.is_some(), "the group names its coordinator");

    let after = lesson_at("acks-1-loses-records", 14_000);
    let v = StageView::of(&after, t, true);
    assert_eq!(v.brokers[2].state, BrokerState::Crashed);
    let marks = v.topics[0].partitions[0].replicas.clone().unwrap();
    assert_eq!(marks.leader, Some(BrokerId(1)), "broker 1 leads after the election");
    assert_eq!(marks.short_isr, Some(BrokerId::list(&[1, 2])), "broker 3 is out of the ISR");
    assert_eq!(marks.lost, 3, "offsets 201, 202 and 203, as the timeline says");
    assert_eq!(fill(t.stage_lost, &[&marks.lost]), "3 lost");

    // One broker: the stage looks as it always did.
    let v = StageView::of(&two_consumers(), t, true);
    assert!(v.brokers.is_empty());
    assert!(v.topics[0].partitions.iter().all(|p| p.replicas.is_none()));
    assert!(v.groups.iter().all(|g| g.coordinator.is_none()));
}
