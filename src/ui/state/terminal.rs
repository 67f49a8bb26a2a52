//! The terminal: Kafka's own tools (`crate::core::tools`) typed against the running
//! simulation, as the user chosen in "Run as". Commands that change the cluster go through
//! [`Sim::try_command`], so they are journaled like any page action (Undo, share links,
//! export, autosave). Page actions are echoed here as the command line that does the same.
//!
//! A console consumer started here is a simulated consumer (a card like any other); the
//! records it fetches stream into the scroll-back while time runs, until Ctrl-C (or Stop)
//! closes it. A console producer with nothing to read waits for lines (prompt `>`), each one a
//! record, until an empty line or Ctrl-D.
//!
//! This is the model (the panel is `ui::terminal`).

use super::{ErrorAt, Sim};
use crate::core::cluster::Cluster;
use crate::core::command::Command;
use crate::core::event::{Event as CoreEvent, EventKind};
use crate::core::tools::{self, kafka_console_consumer, options::Spec, Context, Target};
use std::collections::VecDeque;

/// Lines kept in the scroll-back (older ones drop off).
pub const SCROLLBACK: usize = 1000;
/// Longest line kept (a longer one is cut, with an ellipsis).
pub const LINE_MAX: usize = 2000;
/// Commands kept for ↑/↓.
pub const HISTORY: usize = 200;
/// Lines one command may add at once (the rest is summarised).
pub const BURST: usize = 400;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// `$ command` as typed.
    Prompt,
    Out,
    Err,
    /// "What would I type?" for a page action.
    Echo,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermLine {
    pub kind: LineKind,
    pub text: String,
}

/// What the terminal can be asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TermAction {
    Run(String),
    /// Ctrl-C: close every running console consumer; end the console producer.
    Interrupt,
    /// Ctrl-D: end the console producer.
    EndOfInput,
    Clear,
    /// The Run as select: a user name, or `None` for the operator (no credentials).
    RunAs(Option<String>),
}

/// The terminal's state, kept in [`Sim`] so the records a console consumer fetches can
/// stream in from the events.
#[derive(Debug, Clone, Default)]
pub struct TermState {
    pub lines: VecDeque<TermLine>,
    pub history: Vec<String>,
    /// Bumped on every change: the panel re-renders only then.
    pub version: u64,
    pub running: Vec<(kafka_console_consumer::Running, u64)>,
    /// A console producer waiting for lines: its command line.
    pub producing: Option<String>,
    pub user: Option<String>,
}

impl TermState {
    fn push(&mut self, kind: LineKind, text: &str) {
        for l in text.lines() {
            let text = if l.chars().count() > LINE_MAX {
                let mut s: String = l.chars().take(LINE_MAX).collect();
                s.push('…');
                s
            } else {
                l.to_string()
            };
            self.lines.push_back(TermLine { kind, text });
            if self.lines.len() > SCROLLBACK {
                self.lines.pop_front();
            }
        }
        self.version += 1;
    }

    /// A block of output, at most [`BURST`] lines of it.
    fn push_block(&mut self, kind: LineKind, text: &str) {
        let n = text.lines().count();
        if n <= BURST {
            self.push(kind, text);
        } else {
            let head: Vec<&str> = text.lines().take(BURST).collect();
            self.push(kind, &head.join("\n"));
            self.push(LineKind::Err, &format!("… {} more lines not shown", n - BURST));
        }
    }

    /// "What would I type?" lines for a page action.
    pub fn echo(&mut self, lines: Vec<String>) {
        for l in lines {
            self.push(LineKind::Echo, &l);
        }
    }

    /// The run was replaced (load, scrub back): streaming stops; the consumers go on as cards.
    pub fn time_moved(&mut self) {
        if !self.running.is_empty() || self.producing.is_some() {
            self.running.clear();
            self.producing = None;
            self.push(LineKind::Err, "^C (time moved: the terminal's console clients were detached)");
        }
    }

    /// Streams what running console consumers fetched.
    pub fn on_events(&mut self, cluster: &Cluster, events: &[CoreEvent]) {
        if self.running.is_empty() {
            return;
        }
        let mut out: Vec<String> = Vec::new();
        for e in events {
            let EventKind::Fetched { consumer, topic, partition, from, count, .. } = &e.kind else {
                continue;
            };
            let Some((run, printed)) = self.running.iter_mut().find(|(r, _)| &r.consumer == consumer) else {
                continue;
            };
            let Some(log) = cluster.topics().get(topic).and_then(|t| t.partition(*partition)) else {
                continue;
            };
            // Exactly the offsets the consumer fetched, `[from, from + count)` (below the high
            // watermark it was given): `read` starts at the log start if retention has since
            // deleted `from`, and must not run on past what was fetched.
            for (off, r) in log.read(*from, *count as usize).take_while(|(off, _)| *off < from + count) {
                if run.max_messages.is_some_and(|m| *printed >= m) {
                    break;
                }
                out.push(run.format.record(cluster, *partition, off, r));
                *printed += 1;
            }
        }
        for o in out {
            self.push(LineKind::Out, o.trim_end_matches('\n'));
        }
    }
}

/// The simulation as the tools see it: reads the cluster, applies commands as page actions do.
struct SimTarget<'a>(&'a mut Sim);

impl Target for SimTarget<'_> {
    fn cluster(&self) -> &Cluster {
        &self.0.run.cluster
    }
    fn read_as(
        &mut self,
        user: Option<&str>,
        call: &str,
        request: crate::core::protocol::Request,
    ) -> Result<crate::core::protocol::Response, crate::core::CoreError> {
        self.0.run.cluster.admin_read(user, call, request)
    }
    fn apply_as(&mut self, user: Option<&str>, cmd: Command) -> Result<(), crate::core::CoreError> {
        self.0.try_command_as(ErrorAt::Terminal, user, cmd)
    }
}

/// Handles a terminal action (from [`Sim::handle`]).
pub fn handle(sim: &mut Sim, action: TermAction) {
    match action {
        TermAction::Run(line) => run_line(sim, line),
        TermAction::Interrupt => {
            sim.terminal.push(LineKind::Prompt, "^C");
            stop_all(sim);
        }
        TermAction::EndOfInput => {
            if sim.terminal.producing.take().is_some() {
                sim.terminal.push(LineKind::Prompt, "^D");
            }
        }
        TermAction::Clear => {
            sim.terminal.lines.clear();
            sim.terminal.version += 1;
        }
        TermAction::RunAs(user) => {
            sim.terminal.user = user;
            sim.terminal.version += 1;
        }
    }
    finish_done(sim);
}

/// Closes every console consumer (Kafka's shutdown hook: `close()` commits and leaves).
fn stop_all(sim: &mut Sim) {
    sim.terminal.producing = None;
    let running = std::mem::take(&mut sim.terminal.running);
    for (r, printed) in running {
        let _ = sim.try_command(ErrorAt::Terminal, Command::LeaveGroup { name: r.consumer.clone() });
        sim.terminal.push(LineKind::Err, &format!("Processed a total of {printed} messages"));
    }
}

/// Console consumers that reached `--max-messages` exit, as Kafka's do.
fn finish_done(sim: &mut Sim) {
    let done: Vec<(String, u64)> = sim
        .terminal
        .running
        .iter()
        .filter(|(r, n)| r.max_messages.is_some_and(|m| *n >= m))
        .map(|(r, n)| (r.consumer.clone(), *n))
        .collect();
    for (name, n) in done {
        sim.terminal.running.retain(|(r, _)| r.consumer != name);
        let _ = sim.try_command(ErrorAt::Terminal, Command::LeaveGroup { name });
        sim.terminal.push(LineKind::Err, &format!("Processed a total of {n} messages"));
    }
}

/// Called every frame the clock moved: console consumers that are done exit.
pub fn after_tick(sim: &mut Sim) {
    if sim.terminal.running.iter().any(|(r, n)| r.max_messages.is_some_and(|m| *n >= m)) {
        finish_done(sim);
    }
}

fn run_line(sim: &mut Sim, line: String) {
    let ctx = Context { user: sim.terminal.user.clone(), stdin: String::new(), follow: true };
    if let Some(cmd) = sim.terminal.producing.clone() {
        // The console producer reads this line.
        sim.terminal.push(LineKind::Prompt, &format!(">{line}"));
        if line.is_empty() {
            sim.terminal.producing = None;
            return;
        }
        let ctx = Context { stdin: line, ..ctx };
        let out = tools::run(&cmd, &mut SimTarget(sim), &ctx);
        show(sim, &out);
        if out.status != 0 {
            sim.terminal.producing = None;
        }
        return;
    }
    sim.terminal.push(LineKind::Prompt, &format!("$ {}", tools::shown(&line)));
    if !line.trim().is_empty() && sim.terminal.history.last() != Some(&line) {
        sim.terminal.history.push(line.clone());
        if sim.terminal.history.len() > HISTORY {
            sim.terminal.history.remove(0);
        }
    }
    let words = tools::split_words(&line).unwrap_or_default();
    let tool = words.first().and_then(|w| tools::tool_name(w));
    match words.first().map(String::as_str) {
        Some("clear") => {
            sim.terminal.lines.clear();
            sim.terminal.version += 1;
            return;
        }
        Some("help") => {
            sim.terminal.push(
                LineKind::Out,
                &format!(
                    "Kafka's tools, with or without .sh: {}\nEach takes --help. Tab completes tool names, options, topics, groups and users; ↑/↓ recall; Ctrl-C stops the console consumers.",
                    tools::TOOLS.join(", ")
                ),
            );
            return;
        }
        _ => {}
    }
    let out = tools::run(&line, &mut SimTarget(sim), &ctx);
    show(sim, &out);
    if let Some(name) = &out.started {
        if let Some(r) = kafka_console_consumer::running(&words[1..], name) {
            sim.terminal.running.push((r, 0));
        }
    }
    if tool == Some("kafka-console-producer") && out.status == 0 {
        sim.terminal.producing = Some(line);
    }
}

fn show(sim: &mut Sim, out: &tools::Output) {
    if !out.stdout.is_empty() {
        sim.terminal.push_block(LineKind::Out, &out.stdout);
    }
    if !out.stderr.is_empty() {
        sim.terminal.push_block(LineKind::Err, &out.stderr);
    }
    sim.terminal.version += 1;
}

/// Tab completion of the last word: tool names, options, topics, groups, users.
pub fn complete(sim: &Sim, input: &str) -> (String, Vec<String>) {
    let words = tools::split_words(input).unwrap_or_default();
    let ends_with_space = input.ends_with(' ');
    let (done, word): (&[String], String) = if ends_with_space || words.is_empty() {
        (&words[..], String::new())
    } else {
        (&words[..words.len() - 1], words.last().cloned().unwrap_or_default())
    };
    let cluster = &sim.run.cluster;
    let candidates: Vec<String> = if done.is_empty() {
        tools::TOOLS.iter().map(|t| t.to_string()).collect()
    } else if word.starts_with('-') {
        let tool = tools::tool_name(&done[0]);
        tool.map(tools::specs).unwrap_or_default().iter().map(|s: &Spec| format!("--{}", s.name)).collect()
    } else {
        match done.last().map(String::as_str) {
            Some("--topic" | "--entity-name") => cluster.topics().keys().cloned().collect(),
            Some("--group") => cluster.groups().keys().cloned().collect(),
            Some("--allow-principal" | "--deny-principal" | "--principal") => {
                cluster.authorizer().users().map(|u| format!("User:{}", u.as_str())).collect()
            }
            Some("--bootstrap-server") => vec![tools::BOOTSTRAP.to_string()],
            Some("--entity-type") => vec!["topics".into(), "brokers".into()],
            Some("--election-type") => vec!["PREFERRED".into(), "UNCLEAN".into()],
            Some("--partition") => {
                // The partitions of the topic named before it.
                let topic = done.iter().position(|w| w == "--topic").and_then(|i| done.get(i + 1));
                let count = topic.and_then(|t| cluster.topics().get(t)).map_or(0, |t| t.partition_count());
                (0..count).map(|p| p.to_string()).collect()
            }
            _ => Vec::new(),
        }
    };
    let mut matches: Vec<String> = candidates.into_iter().filter(|c| c.starts_with(&word)).collect();
    crate::core::sort::ascending(&mut matches);
    matches.dedup();
    let prefix = input[..input.len() - word_len_in_input(input, &word, ends_with_space)].to_string();
    match matches.len() {
        0 => (input.to_string(), Vec::new()),
        1 => (format!("{prefix}{} ", tools::quote(&matches[0])), Vec::new()),
        _ => {
            let common = matches.iter().skip(1).fold(matches[0].clone(), |acc, m| {
                acc.chars().zip(m.chars()).take_while(|(a, b)| a == b).map(|(a, _)| a).collect()
            });
            let completed =
                if common.len() > word.len() { format!("{prefix}{common}") } else { input.to_string() };
            (completed, matches)
        }
    }
}

/// How many bytes at the end of `input` the last word takes (unquoted words only; a quoted
/// one is left as typed).
fn word_len_in_input(input: &str, word: &str, ends_with_space: bool) -> usize {
    if ends_with_space || !input.ends_with(word) {
        0
    } else {
        word.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::group::GroupState;
    use crate::ui::state::Action;

    fn run(sim: &mut Sim, line: &str) {
        sim.handle(Action::Terminal(TermAction::Run(line.into())));
    }

    fn text(sim: &Sim) -> String {
        sim.terminal.lines.iter().map(|l| format!("{}\n", l.text)).collect()
    }

    fn advance(sim: &mut Sim, ms: f64) {
        let mut real = sim.playback.last_real.unwrap_or(0.0);
        sim.handle(Action::Tick(real));
        let end = real + ms;
        while real < end {
            real += 100.0;
            sim.handle(Action::Tick(real));
        }
    }

    const BS: &str = "--bootstrap-server localhost:9092";

    /// The seed's story, typed: a topic of 6 partitions, keyed lines, two console consumers in
    /// one group and one standalone, describe, stop, reset — and the cluster agrees.
    #[test]
    fn the_story_typed_in_the_terminal() {
        let mut sim = Sim::new();
        run(&mut sim, &format!("kafka-topics.sh {BS} --create --topic payments --partitions 6"));
        assert!(text(&sim).contains("Created topic payments."));
        assert_eq!(sim.run.cluster.topics()["payments"].partition_count(), 6);
        run(&mut sim, &format!("kafka-console-producer.sh {BS} --topic payments --property parse.key=true --property key.separator=:"));
        assert!(sim.terminal.producing.is_some());
        for l in ["k1:a", "k2:b", "k3:c", ""] {
            run(&mut sim, l);
        }
        assert!(sim.terminal.producing.is_none());
        let end: u64 = sim.run.cluster.topics()["payments"].partitions.iter().map(|p| p.log_end()).sum();
        assert_eq!(end, 3);
        run(
            &mut sim,
            &format!("kafka-console-consumer.sh {BS} --topic payments --group billing --from-beginning"),
        );
        run(
            &mut sim,
            &format!("kafka-console-consumer.sh {BS} --topic payments --group billing --from-beginning"),
        );
        run(
            &mut sim,
            &format!("kafka-console-consumer.sh {BS} --topic payments --partition 0 --offset earliest"),
        );
        assert_eq!(sim.terminal.running.len(), 3);
        assert!(sim.run.cluster.consumers().contains_key("console-consumer-3"));
        advance(&mut sim, 8_000.0);
        assert_eq!(sim.run.cluster.groups()["billing"].state, GroupState::Stable);
        let out = text(&sim);
        for v in ["a", "b", "c"] {
            assert!(out.lines().any(|l| l == v), "{v} streamed: {out}");
        }
        run(&mut sim, &format!("kafka-consumer-groups.sh {BS} --describe --group billing"));
        assert!(text(&sim).contains("CURRENT-OFFSET"));
        run(&mut sim, &format!("kafka-consumer-groups.sh {BS} --reset-offsets --group billing --topic payments --to-earliest --execute"));
        assert!(text(&sim).contains("is inactive, but the current state is Stable."));
        sim.handle(Action::Terminal(TermAction::Interrupt));
        assert!(sim.terminal.running.is_empty());
        advance(&mut sim, 1_000.0);
        assert_eq!(sim.run.cluster.groups()["billing"].state, GroupState::Empty);
        run(&mut sim, &format!("kafka-consumer-groups.sh {BS} --reset-offsets --group billing --topic payments --to-earliest --execute"));
        let offsets = &sim.run.cluster.groups()["billing"].offsets;
        assert!(offsets.iter().filter(|(tp, _)| &*tp.topic == "payments").all(|(_, o)| *o == 0));
        // Every change went into the session's journal (export, share, undo).
        let journaled = sim.run.journal().len();
        assert!(journaled >= 8, "{journaled}");
    }

    /// A console consumer prints exactly the offsets its consumer fetched: if retention has
    /// deleted the start of that range since, the rest of the log is not printed in its place.
    #[test]
    fn a_console_consumer_prints_only_what_was_fetched() {
        let mut sim = Sim::new();
        run(&mut sim, &format!("kafka-topics.sh {BS} --create --topic t --partitions 1"));
        let produce = format!("kafka-console-producer.sh {BS} --topic t");
        run(&mut sim, &produce);
        for l in ["a", "b", ""] {
            run(&mut sim, l);
        }
        advance(&mut sim, 2_000.0);
        run(&mut sim, &produce);
        for l in ["c", "d", "e", ""] {
            run(&mut sim, l);
        }
        run(&mut sim, &format!("kafka-console-consumer.sh {BS} --topic t --partition 0 --offset earliest"));
        let consumer = sim.terminal.running[0].0.consumer.clone();
        let log = &mut sim.run.cluster.broker.topics.get_mut("t").unwrap().partitions[0];
        let (first, third) = (log.get(0).unwrap().timestamp, log.get(2).unwrap().timestamp);
        assert!(first < third, "written a moment apart");
        // Retention deletes a and b (offsets 0 and 1).
        let retention = crate::core::log::Retention { ms: Some(third - first - 1), bytes: None };
        assert_eq!(log.enforce_retention(retention, third), 2);
        let fetched = EventKind::Fetched {
            consumer,
            topic: "t".into(),
            partition: 0,
            from: 0,
            count: 2,
            redelivered: 0,
        };
        let before = sim.terminal.lines.len();
        sim.terminal.on_events(&sim.run.cluster, &[CoreEvent { at: third, kind: fetched }]);
        assert_eq!(sim.terminal.lines.len(), before, "c and d were not fetched: {}", text(&sim));
    }

    #[test]
    fn page_actions_are_echoed_as_commands() {
        let mut sim = Sim::new();
        sim.handle(Action::cmd(
            ErrorAt::Topic("orders".into()),
            Command::CreatePartitions { topic: "orders".into(), total: 8 },
        ));
        assert!(text(&sim).contains(
            "kafka-topics.sh --bootstrap-server localhost:9092 --alter --topic orders --partitions 8"
        ));
    }

    #[test]
    fn completion_and_scrollback() {
        let mut sim = Sim::new();
        assert_eq!(complete(&sim, "kafka-to").0, "kafka-topics.sh ");
        assert_eq!(complete(&sim, "kafka-topics --bootstrap-s").0, "kafka-topics --bootstrap-server ");
        assert_eq!(
            complete(&sim, "kafka-topics --describe --topic or").0,
            "kafka-topics --describe --topic orders "
        );
        assert_eq!(complete(&sim, "kafka-leader").0, "kafka-leader-election.sh ");
        assert_eq!(
            complete(&sim, "kafka-leader-election --election-type P").0,
            "kafka-leader-election --election-type PREFERRED "
        );
        assert_eq!(
            complete(&sim, "kafka-leader-election --all-t").0,
            "kafka-leader-election --all-topic-partitions "
        );
        let (_, list) = complete(&sim, "kafka-leader-election --topic orders --partition ");
        assert_eq!(list, ["0", "1", "2", "3", "4", "5"]);
        run(&mut sim, "kafka-leader-election.sh --help");
        assert!(text(&sim).contains("--all-topic-partitions"), "--help prints the usage");
        let (line, list) = complete(&sim, "kafka-consol");
        assert_eq!(line, "kafka-console-");
        assert_eq!(list, ["kafka-console-consumer.sh", "kafka-console-producer.sh"]);
        for _ in 0..50 {
            run(&mut sim, "kafka-topics.sh --help");
        }
        assert!(sim.terminal.lines.len() <= SCROLLBACK);
        run(&mut sim, &format!("kafka-topics {}", "x".repeat(1 << 20)));
        assert!(sim.terminal.lines.iter().all(|l| l.text.chars().count() <= LINE_MAX + 1));
    }
}
