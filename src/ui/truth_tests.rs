//! Every explanation true: what a person reads about a rebalance, a member, the timeline and
//! the describe table, checked against what the simulation did (issue 17, findings 1–4, 10).

use super::consumer_card::ConsumerView;
use super::groups::unsubscribed_notes;
use super::state::{Action, ErrorAt, RebalanceKind, Sim};
use super::text::reason_text;
use super::text::{text_for, Lang};
use crate::core::command::Command;
use crate::core::consumer::ConsumerMode;
use crate::core::event::EventKind;
use crate::core::group::assignor::Strategy;
use crate::core::scenario::built_in;
use crate::core::time::Millis;
use std::rc::Rc;

/// Frames of 16 ms of real time until the simulated clock reaches `until`.
fn run_until(sim: &mut Sim, until: Millis) {
    let mut real = sim.last_real.unwrap_or(0.0);
    sim.handle(Action::Tick(real));
    while sim.now() < until {
        real += 16.0;
        sim.handle(Action::Tick(real));
    }
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
    let v = &sim.rebalances["group-1"];
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
    let v = &sim.rebalances["group-1"];
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
    sim.handle(Action::cmd(
        ErrorAt::Global,
        Command::CreateTopic { name: "payments".into(), partitions: 3, retention: None },
    ));
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
    let mut sim = Sim::with_scenario(built_in("roles").unwrap()).unwrap();
    sim.handle(Action::SetSpeed(10.0));
    run_until(&mut sim, 37_000);
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
    if sim.playing {
        sim.handle(Action::TogglePlay);
    }
    let mut presses = 0;
    let mut seen = Vec::new();
    let mut started = false;
    for _ in 0..500 {
        sim.handle(Action::Step);
        let v = sim.rebalances.get(group).filter(|v| v.started_at >= from);
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
    let mut sim = Sim::with_scenario(built_in("rebalance-basics").unwrap()).unwrap();
    sim.handle(Action::SetSpeed(10.0));
    run_until(&mut sim, 21_000);
    let c2 = super::why::chain(&sim, "c2", t, Lang::En).join("\n");
    assert!(c2.contains("consumer c2 crashed"), "{c2}");
    assert!(c2.contains("removes it at") && c2.contains("session.timeout.ms"), "{c2}");
    let c1 = super::why::chain(&sim, "c1", t, Lang::En).join("\n");
    assert!(c1.contains("c1 now owns"), "{c1}");
    assert!(c1.contains("rebalance started"), "{c1}");
    let ru = super::why::chain(&sim, "c2", text_for(Lang::Ru), Lang::Ru).join("\n");
    assert!(ru.contains("удалит его"), "{ru}");
    sim.handle(Action::Why(Some("c2".into())));
    assert_eq!(sim.why.as_deref(), Some("c2"));
}
