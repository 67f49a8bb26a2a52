//! Scenario files: a cluster, its users and clients, a seed, and a script of timed actions,
//! with a title and "what to watch for" in English and Russian.
//!
//! The format is versioned serde JSON. The UI exports exactly this, share links carry it, and
//! `playground-cli run` runs it. Loading is all-or-nothing: a bad file is an error naming the
//! field (`consumers[1].config.session.timeout.ms: …`) and nothing is half-loaded.
//!
//! [`prediction`] — a lesson's questions as the file writes them.

pub mod prediction;

use super::acl::AuthorizerSpec;
use super::cluster::Cluster;
use super::command::Command;
use super::config::{BrokerSpec, ClusterConfig};
use super::consumer::{ConsumerMode, ConsumerSpec};
use super::error::CoreError;
use super::event::Event;
use super::log::Retention;
use super::producer::ProducerSpec;
use super::time::{format_clock, parse_duration, Millis};
use crate::core::sort::CollectTree;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeSet;

/// The scenario format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// Longest a scenario may run (and the furthest `at` a script may name): 24 hours.
pub const MAX_DURATION_MS: Millis = 24 * 3_600_000;

/// Text in the two UI languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub en: String,
    #[serde(default)]
    pub ru: String,
}

impl Text {
    pub fn get(&self, lang: &str) -> &str {
        if lang == "ru" && !self.ru.is_empty() {
            &self.ru
        } else {
            &self.en
        }
    }
}

/// A time written as `"1m30s"`, `"20s"`, `"00:20"`, `"00:20.500"` or a number of ms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct At(pub Millis);

impl Serialize for At {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_clock(self.0))
    }
}

impl<'de> Deserialize<'de> for At {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A visitor rather than `#[serde(untagged)]`, which buffers the value and costs wasm size.
        struct Time;
        impl serde::de::Visitor<'_> for Time {
            type Value = At;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a time: milliseconds, \"20s\", \"1m30s\" or \"00:20.500\"")
            }
            fn visit_u64<E: serde::de::Error>(self, ms: u64) -> Result<At, E> {
                if ms > MAX_DURATION_MS {
                    return Err(E::custom("times are limited to 24 hours"));
                }
                Ok(At(ms))
            }
            fn visit_str<E: serde::de::Error>(self, t: &str) -> Result<At, E> {
                let ms = parse_time(t).ok_or_else(|| {
                    E::custom(format!("{t:?} is not a time (use \"20s\", \"1m30s\" or \"00:20.500\")"))
                })?;
                self.visit_u64(ms)
            }
        }
        d.deserialize_any(Time)
    }
}

/// `mm:ss`, `mm:ss.mmm`, `h:mm:ss(.mmm)`, or a duration (`20s`).
pub fn parse_time(t: &str) -> Option<Millis> {
    let t = t.trim();
    if !t.contains(':') {
        return parse_duration(t);
    }
    let (main, frac) = match t.split_once('.') {
        Some((m, f)) if !f.is_empty() && f.len() <= 3 && f.chars().all(|c| c.is_ascii_digit()) => {
            (m, f.parse::<u64>().ok()? * 10u64.pow(3 - f.len() as u32))
        }
        Some(_) => return None,
        None => (t, 0),
    };
    let parts: Vec<&str> = main.split(':').collect();
    if parts.len() > 3
        || parts.iter().any(|p| p.is_empty() || p.len() > 4 || !p.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    let mut secs: u64 = 0;
    for p in &parts {
        secs = secs.checked_mul(60)?.checked_add(p.parse::<u64>().ok()?)?;
    }
    secs.checked_mul(1000)?.checked_add(frac)
}

/// One topic to create at the start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicSpec {
    pub name: String,
    pub partitions: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<Retention>,
    /// Replicas per partition (absent: the broker's `default.replication.factor`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replication_factor: Option<i64>,
    /// Topic configs: `min.insync.replicas`, `unclean.leader.election.enable`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<serde_json::Map<String, serde_json::Value>>,
}

/// A timed action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptStep {
    pub at: At,
    #[serde(rename = "do", deserialize_with = "super::command_read::read")]
    pub action: Command,
    /// Shown in the timeline when the step runs (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}

/// Timeouts: Kafka's defaults, or scaled down to see rebalances in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Pace {
    #[default]
    Teaching,
    KafkaDefaults,
}

/// A whole scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub version: u32,
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub title: Text,
    #[serde(default)]
    pub summary: Text,
    #[serde(default)]
    pub watch_for: Text,
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Base for `cluster`: which defaults unspecified broker settings take.
    #[serde(default)]
    pub pace: Pace,
    /// Broker settings (overrides of the pace's defaults, by Kafka name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization: Option<AuthorizerSpec>,
    /// The brokers, 1 to 9 (absent: one broker, id 1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub brokers: Vec<BrokerSpec>,
    #[serde(default)]
    pub topics: Vec<TopicSpec>,
    #[serde(default)]
    pub producers: Vec<ProducerSpec>,
    #[serde(default)]
    pub consumers: Vec<ConsumerSpec>,
    /// Groups' own configs (share groups: `share.auto.offset.reset`, …), set before consumers start.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<GroupSpec>,
    #[serde(default)]
    pub script: Vec<ScriptStep>,
    /// How long it runs (`playground-cli run` stops there; the UI pauses there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<At>,
    /// Questions the page asks before scripted moments (see [`super::prediction`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub predict: Vec<prediction::Prediction>,
}

/// A group's type (`group.type`): only share groups take configs in scenario files so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupType {
    Share,
}

/// One group's configs, applied at the start (`"groups": [{"id": "workers", "type": "share",
/// "config": {"share.auto.offset.reset": "earliest"}}]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    pub id: String,
    #[serde(rename = "type")]
    pub group_type: GroupType,
    #[serde(default)]
    pub config: super::share_group::ShareGroupSettings,
}

fn default_seed() -> u64 {
    1
}

/// Why a scenario could not be loaded; `path` names the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() || self.path == "." {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for ScenarioError {}

fn err(path: impl Into<String>, message: impl std::fmt::Display) -> ScenarioError {
    // One line, even when the parser echoes input with a newline in it.
    let one_line = super::error::one_line;
    ScenarioError { path: one_line(&path.into()), message: one_line(&message.to_string()) }
}

/// Most steps a scenario's script may hold, the file's and the person's together: a session
/// that reaches it refuses further actions (so Export and autosave stay readable).
pub const MAX_SCRIPT_STEPS: usize = 10_000;

/// Largest scenario text accepted (share links and files): 1 MiB.
pub const MAX_SCENARIO_BYTES: usize = 1 << 20;

impl Scenario {
    /// Parses and validates a scenario file. The error names the field.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        if text.len() > MAX_SCENARIO_BYTES {
            return Err(err("", format!("scenario is larger than {} bytes", MAX_SCENARIO_BYTES)));
        }
        // serde_json's recursion limit (128) bounds nesting; a key named twice is an error.
        let raw = super::wire::parse_strict(text).map_err(|e| err(e.path, e.message))?;
        Scenario::from_value(raw)
    }

    /// [`Scenario::from_json`] of already parsed JSON (a share link's envelope holds one).
    /// Every reader of scenarios comes through here: one way from JSON to a `Scenario`.
    pub fn from_value(mut raw: serde_json::Value) -> Result<Scenario, ScenarioError> {
        apply_pace_defaults(&mut raw);
        super::wire::scenario_to_external(&mut raw).map_err(|(path, e)| err(path, e))?;
        let scenario: Scenario = super::wire::from_value(&raw).map_err(|(path, e)| err(path, e))?;
        scenario.validate()?;
        // What this build writes, it must read back: a file that is within the limit as sent
        // but not as Export writes it (pretty-printed) would make an Export that cannot be
        // imported, and an autosave that is set aside on reload.
        let written = scenario.written_len();
        if written > MAX_SCENARIO_BYTES {
            return Err(err(
                "",
                format!(
                    "scenario is larger than {MAX_SCENARIO_BYTES} bytes as the playground writes it ({written} bytes)"
                ),
            ));
        }
        Ok(scenario)
    }

    /// The length of [`Scenario::to_json`], the longest form the playground writes (Export;
    /// autosaves and links carry the compact form, which is shorter).
    pub fn written_len(&self) -> usize {
        self.to_json().len()
    }

    /// The scenario file's JSON (what [`Scenario::to_json`] prints and share links carry).
    pub fn to_value(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        super::wire::scenario_to_internal(&mut v);
        v
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.to_value()).unwrap_or_default()
    }

    /// The broker settings in force: the pace's defaults with `cluster` applied on top.
    pub fn cluster_config(&self) -> Result<ClusterConfig, ScenarioError> {
        let base = match self.pace {
            Pace::Teaching => ClusterConfig::teaching(),
            Pace::KafkaDefaults => ClusterConfig::default(),
        };
        let base = ClusterConfig { brokers: self.brokers.clone(), ..base };
        BrokerSpec::validate_all(&self.brokers).map_err(|e| match e.split_once(": ") {
            Some((at, why)) => err(format!("brokers{at}"), why),
            None => err("brokers", e),
        })?;
        let Some(overrides) = &self.cluster else { return Ok(base) };
        let mut merged = serde_json::to_value(&base).map_err(|e| err("cluster", e))?;
        match (merged.as_object_mut(), overrides.as_object()) {
            (Some(m), Some(o)) => {
                for (k, v) in o {
                    m.insert(k.clone(), v.clone());
                }
            }
            _ => return Err(err("cluster", "expected an object of broker settings")),
        }
        let mut config: ClusterConfig = super::wire::from_value(&merged).map_err(|(path, e)| {
            err(if path.is_empty() { "cluster".into() } else { format!("cluster.{path}") }, e)
        })?;
        config.brokers = self.brokers.clone();
        config.producer_defaults = base.producer_defaults;
        config.validate().map_err(|(name, why)| err(format!("cluster.{name}"), why))?;
        Ok(config)
    }

    /// Checks what serde cannot: versions, references between parts, time order.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        if self.version != FORMAT_VERSION {
            return Err(err(
                "version",
                format!(
                    "this playground reads scenario format {FORMAT_VERSION}, the file is version {}",
                    self.version
                ),
            ));
        }
        self.cluster_config()?;
        for (i, t) in self.topics.iter().enumerate() {
            super::topic::validate_topic_name(&t.name).map_err(|e| err(format!("topics[{i}].name"), e))?;
            super::topic::validate_partition_count(t.partitions)
                .map_err(|e| err(format!("topics[{i}].partitions"), e))?;
        }
        let mut topics: BTreeSet<&str> = self.topics.iter().map(|t| t.name.as_str()).collect_set();
        for step in &self.script {
            if let Command::CreateTopic { name, .. } = &step.action {
                topics.insert(name);
            }
        }
        for (i, p) in self.producers.iter().enumerate() {
            p.validate().map_err(|e| err(format!("producers[{i}]"), e))?;
        }
        for (i, c) in self.consumers.iter().enumerate() {
            c.validate().map_err(|e| err(format!("consumers[{i}]"), e))?;
            if let ConsumerMode::Group { topics: subs } | ConsumerMode::Share { topics: subs } = &c.mode {
                let kind = if c.is_share() { "share" } else { "group" };
                for t in subs {
                    if !topics.contains(t.as_str()) {
                        return Err(err(
                            format!("consumers[{i}].mode.{kind}.topics"),
                            format!("no topic named {t:?} in this scenario"),
                        ));
                    }
                }
            }
        }
        let mut last = 0;
        for (i, s) in self.script.iter().enumerate() {
            if s.at.0 < last {
                return Err(err(
                    format!("script[{i}].at"),
                    format!(
                        "{} is before the step above it ({}); steps must be in time order",
                        format_clock(s.at.0),
                        format_clock(last)
                    ),
                ));
            }
            last = s.at.0;
            if let Some(d) = self.duration {
                if s.at.0 > d.0 {
                    return Err(err(format!("script[{i}].at"), "after the scenario's duration"));
                }
            }
        }
        if self.script.len() > MAX_SCRIPT_STEPS {
            return Err(err("script", format!("at most {MAX_SCRIPT_STEPS} steps")));
        }
        prediction::validate(&self.predict, self.duration).map_err(|(path, e)| err(path, e))?;
        // A dry build catches the rest (duplicate names, unknown users, bad partitions).
        self.build().map(|_| ())
    }

    /// A fresh cluster in the scenario's starting state (time 0).
    pub fn build(&self) -> Result<Cluster, ScenarioError> {
        self.build_with_events().map(|(c, _)| c)
    }

    /// [`Scenario::build`], with the events of setting the scene (topics created, …).
    pub fn build_with_events(&self) -> Result<(Cluster, Vec<Event>), ScenarioError> {
        let mut events = Vec::new();
        let mut cluster = Cluster::new(self.cluster_config()?, self.seed);
        if let Some(auth) = &self.authorization {
            cluster.set_authorizer(auth.clone()).map_err(|e| err("authorization", e))?;
        }
        for (i, t) in self.topics.iter().enumerate() {
            let made = cluster.create_topic(
                0,
                &t.name,
                t.partitions,
                t.retention,
                t.replication_factor,
                t.config.as_ref(),
            );
            events.extend(made.map_err(|e| err(format!("topics[{i}]"), e))?);
        }
        for (i, p) in self.producers.iter().enumerate() {
            events.extend(
                cluster
                    .apply(0, Command::AddProducer { producer: p.clone() })
                    .map_err(|e| err(format!("producers[{i}]"), e))?,
            );
        }
        for (i, g) in self.groups.iter().enumerate() {
            let cmd = Command::SetShareGroupConfig { group: g.id.clone(), config: g.config };
            events.extend(cluster.apply(0, cmd).map_err(|e| err(format!("groups[{i}]"), e))?);
        }
        for (i, c) in self.consumers.iter().enumerate() {
            events.extend(
                cluster
                    .apply(0, Command::AddConsumer { consumer: c.clone() })
                    .map_err(|e| err(format!("consumers[{i}]"), e))?,
            );
        }
        Ok((cluster, events))
    }
}

/// Consumers in a scenario take their unspecified settings from the scenario's pace
/// (teaching speed or Kafka's defaults): fills them in before typed parsing.
fn apply_pace_defaults(raw: &mut serde_json::Value) {
    let pace = match raw.get("pace").and_then(|p| p.as_str()) {
        Some("kafka_defaults") => Pace::KafkaDefaults,
        _ => Pace::Teaching,
    };
    let base = match pace {
        Pace::Teaching => super::config::ConsumerConfig::teaching(),
        Pace::KafkaDefaults => super::config::ConsumerConfig::default(),
    };
    let Ok(serde_json::Value::Object(base)) = serde_json::to_value(base) else { return };
    let fill = |consumer: &mut serde_json::Value| {
        let Some(obj) = consumer.as_object_mut() else { return };
        let config = obj.entry("config").or_insert_with(|| serde_json::Value::Object(Default::default()));
        if let Some(cfg) = config.as_object_mut() {
            for (k, v) in &base {
                cfg.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
    };
    if let Some(list) = raw.get_mut("consumers").and_then(|c| c.as_array_mut()) {
        list.iter_mut().for_each(fill);
    }
    if let Some(steps) = raw.get_mut("script").and_then(|c| c.as_array_mut()) {
        for step in steps {
            let Some(action) = step.get_mut("do") else { continue };
            let kind = action.get("type").and_then(|t| t.as_str()).unwrap_or("");
            if kind == "add_consumer" || kind == "update_consumer" {
                if let Some(c) = action.get_mut("consumer") {
                    fill(c);
                }
            }
        }
    }
}

/// A scenario running: the cluster plus the script's remaining steps. The UI and the CLI
/// drive this one type, so both see the same thing.
#[derive(Debug, Clone)]
pub struct Run {
    pub scenario: Scenario,
    pub cluster: Cluster,
    next_step: usize,
    /// Events of setting the scene, handed out by the first `advance`.
    pending: Vec<Event>,
    /// What the person did (commands that succeeded), with their times: Export and Share
    /// append it to the script, and scrubbing back replays it.
    journal: Vec<ScriptStep>,
    /// How long [`Run::export`] would write, once asked (see [`Run::apply`]).
    written: Option<usize>,
}

impl Run {
    pub fn new(scenario: Scenario) -> Result<Run, ScenarioError> {
        let (cluster, pending) = scenario.build_with_events()?;
        Ok(Run { scenario, cluster, next_step: 0, pending, journal: Vec::new(), written: None })
    }

    pub fn now(&self) -> Millis {
        self.cluster.now()
    }

    /// When something next happens: a script step or the cluster's own wakeup.
    pub fn next_wakeup(&self) -> Option<Millis> {
        let step = self.scenario.script.get(self.next_step).map(|s| s.at.0);
        match (step, self.cluster.next_wakeup()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Runs the cluster and the script up to `now`. A step that fails (e.g. crashing a
    /// consumer that already crashed) is told in the timeline; the run goes on. The clock
    /// stops at [`MAX_DURATION_MS`], the furthest time a scenario file can name: whatever a
    /// run reaches, its Export, autosave and Share link can be read back.
    pub fn advance(&mut self, now: Millis) -> Vec<Event> {
        let now = now.min(MAX_DURATION_MS);
        let mut out = std::mem::take(&mut self.pending);
        while let Some(step) = self.scenario.script.get(self.next_step) {
            if step.at.0 > now {
                break;
            }
            let at = step.at.0.max(self.cluster.now());
            let action = step.action.clone();
            let note = step.note.clone();
            self.next_step += 1;
            out.extend(self.cluster.advance(at));
            if let Some(note) = note {
                out.push(Event {
                    at,
                    kind: super::event::EventKind::Note { text: note.en, text_ru: note.ru },
                });
            }
            match self.cluster.apply(at, action) {
                Ok(events) => out.extend(events),
                Err(e) => out.push(Event {
                    at,
                    kind: super::event::EventKind::ScriptStepFailed { error: e.to_string() },
                }),
            }
        }
        out.extend(self.cluster.advance(now));
        out
    }

    /// Runs a user command at `now` (after the script caught up). Every command that succeeds
    /// is journalled, so a session that reached the scenario format's limits (steps, bytes)
    /// refuses further commands rather than make an Export or autosave that cannot be read.
    pub fn apply(&mut self, now: Millis, cmd: Command) -> Result<Vec<Event>, CoreError> {
        self.apply_as(now, None, cmd)
    }

    /// [`Run::apply`] on behalf of `user` (`Cluster::apply_as`: the broker authorizes the
    /// admin client's requests as that user). The journal keeps the command alone: it
    /// succeeded, and authorization only ever refuses, so replaying it as the operator does
    /// the same.
    pub fn apply_as(
        &mut self,
        now: Millis,
        user: Option<&str>,
        cmd: Command,
    ) -> Result<Vec<Event>, CoreError> {
        let step = ScriptStep { at: At(now.min(MAX_DURATION_MS)), action: cmd, note: None };
        let steps = self.scenario.script.len() + self.journal.len();
        if steps >= MAX_SCRIPT_STEPS {
            return Err(CoreError::invalid(format!(
                "this session holds {MAX_SCRIPT_STEPS} steps, the most a scenario file can; Export it to keep it"
            )));
        }
        let written = *self.written.get_or_insert_with(|| self.scenario.written_len());
        let more = step_written_len(&step);
        if written + more > MAX_SCENARIO_BYTES {
            return Err(CoreError::invalid(format!(
                "this session is {written} bytes as a scenario file, near the {MAX_SCENARIO_BYTES}-byte limit; Export it to keep it"
            )));
        }
        let mut out = self.advance(now);
        match self.cluster.apply_as(self.cluster.now(), user, step.action.clone()) {
            Ok(events) => out.extend(events),
            Err(e) => {
                // What happened while catching up did happen: it comes with the next call.
                self.pending = out;
                return Err(e);
            }
        }
        self.written = Some(written + more);
        self.journal.push(ScriptStep { at: At(self.cluster.now()), ..step });
        Ok(out)
    }

    /// What the person did so far.
    pub fn journal(&self) -> &[ScriptStep] {
        &self.journal
    }

    /// The scenario as it now stands: the original script merged with what the person did
    /// (at equal times the script's steps first, as they ran). Running it from its seed
    /// reproduces this run exactly; Export writes it and Share links carry it.
    pub fn export(&self) -> Scenario {
        let mut s = self.scenario.clone();
        let mut steps: Vec<(Millis, u8, usize, ScriptStep)> = Vec::new();
        steps.extend(s.script.iter().cloned().enumerate().map(|(i, st)| (st.at.0, 0, i, st)));
        steps.extend(self.journal.iter().cloned().enumerate().map(|(i, st)| (st.at.0, 1, i, st)));
        crate::core::sort::by_key(&mut steps, |(at, src, i, _)| (*at, *src, *i));
        s.script = steps.into_iter().map(|(.., st)| st).collect();
        if let Some(d) = s.duration {
            let last = s.script.last().map_or(0, |st| st.at.0);
            s.duration = Some(At(d.0.max(last)));
        }
        s
    }

    /// The same run, rewound to `at`: replayed from the seed with what the person did up to
    /// then (later actions are dropped, as when a video is cut). Used to scrub back in time.
    pub fn rewind(&self, at: Millis) -> Result<Run, ScenarioError> {
        let mut run = Run::new(self.scenario.clone())?;
        for step in self.journal.iter().filter(|st| st.at.0 <= at) {
            // These succeeded before and the replay is identical, so they succeed again.
            let _ = run.apply(step.at.0, step.action.clone());
        }
        run.advance(at);
        Ok(run)
    }

    pub fn steps_done(&self) -> usize {
        self.next_step
    }
}

/// What one step adds to [`Scenario::to_json`], with room to spare: its pretty JSON, indented
/// two levels deeper (inside `"script": [`), a comma and a newline, and the time written at
/// its widest (`"23:59:59.999"`) plus a duration that may grow to it.
fn step_written_len(step: &ScriptStep) -> usize {
    let mut v = serde_json::to_value(step).unwrap_or_default();
    if let Some(action) = v.get_mut("do") {
        super::wire::command_to_internal(action);
    }
    let pretty = serde_json::to_string_pretty(&v).unwrap_or_default();
    let lines = pretty.lines().count();
    pretty.len() + 4 * lines + 2 + 32
}

/// FNV-1a over the events' JSON lines: one number that says "same run" (native vs wasm).
pub fn event_stream_hash<'a>(events: impl IntoIterator<Item = &'a Event>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for e in events {
        let line = serde_json::to_string(e).unwrap_or_default();
        for b in line.bytes().chain(std::iter::once(b'\n')) {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// The built-in scenarios, as scenario files (the same format the UI exports).
pub const BUILT_IN: &[(&str, &str)] = &[
    ("playground", include_str!("scenarios/playground.json")),
    ("producer-basics", include_str!("scenarios/producer-basics.json")),
    ("sticky-partitioner", include_str!("scenarios/sticky-partitioner.json")),
    ("standalone-vs-group", include_str!("scenarios/standalone-vs-group.json")),
    ("queue-vs-pubsub", include_str!("scenarios/queue-vs-pubsub.json")),
    ("more-consumers-than-partitions", include_str!("scenarios/more-consumers-than-partitions.json")),
    ("share-groups", include_str!("scenarios/share-groups.json")),
    ("share-more-workers", include_str!("scenarios/share-more-workers.json")),
    ("share-slow-worker", include_str!("scenarios/share-slow-worker.json")),
    ("share-poison", include_str!("scenarios/share-poison.json")),
    ("share-crash", include_str!("scenarios/share-crash.json")),
    ("rebalance-basics", include_str!("scenarios/rebalance-basics.json")),
    ("leave-vs-crash", include_str!("scenarios/leave-vs-crash.json")),
    ("eager-vs-cooperative", include_str!("scenarios/eager-vs-cooperative.json")),
    ("kip-848", include_str!("scenarios/kip-848.json")),
    ("add-partitions", include_str!("scenarios/add-partitions.json")),
    ("static-membership", include_str!("scenarios/static-membership.json")),
    ("at-least-once", include_str!("scenarios/at-least-once.json")),
    ("slow-consumer", include_str!("scenarios/slow-consumer.json")),
    ("roles", include_str!("scenarios/roles.json")),
    ("lag", include_str!("scenarios/lag.json")),
    ("acks-and-broker-failure", include_str!("scenarios/acks-and-broker-failure.json")),
    ("acks-1-loses-records", include_str!("scenarios/acks-1-loses-records.json")),
    ("min-insync-replicas", include_str!("scenarios/min-insync-replicas.json")),
    ("unclean-leader-election", include_str!("scenarios/unclean-leader-election.json")),
    ("isr-shrink-and-expand", include_str!("scenarios/isr-shrink-and-expand.json")),
    ("zone-outage", include_str!("scenarios/zone-outage.json")),
    ("coordinator-failover", include_str!("scenarios/coordinator-failover.json")),
    ("retries-and-duplicates", include_str!("scenarios/retries-and-duplicates.json")),
];

/// A built-in scenario by id.
pub fn built_in(id: &str) -> Option<Scenario> {
    BUILT_IN.iter().find(|(i, _)| *i == id).and_then(|(_, text)| Scenario::from_json(text).ok())
}

/// The playground's opening state: one topic of 6 partitions, one producer, no consumers.
pub fn default_scenario() -> Scenario {
    // Its own file, not through `BUILT_IN`: the wasm keeps only this one (src/ui/library.rs).
    Scenario::from_json(include_str!("scenarios/playground.json")).unwrap_or_else(|_| Scenario {
        version: FORMAT_VERSION,
        id: "playground".into(),
        title: Text::default(),
        summary: Text::default(),
        watch_for: Text::default(),
        seed: 42,
        pace: Pace::Teaching,
        cluster: None,
        authorization: None,
        topics: vec![TopicSpec {
            name: "orders".into(),
            partitions: 6,
            retention: None,
            replication_factor: None,
            config: None,
        }],
        brokers: Vec::new(),
        producers: vec![{
            let mut p1 = ProducerSpec::new("p1", "orders");
            p1.keys = super::producer::KeyMode::Set { prefix: "user-".into(), count: 6 };
            p1.rate = 4.0;
            p1
        }],
        consumers: Vec::new(),
        groups: Vec::new(),
        script: Vec::new(),
        duration: None,
        predict: Vec::new(),
    })
}

/// Valid scenarios at the limits: every cap at its maximum, alone and together (the hostile
/// corpus's generated half; the bench runs each through `playground-cli run` for the whole
/// 24 hours and the e2e tests load the last one in the page). Each is a scenario file's JSON.
pub fn extreme_scenarios() -> Vec<(&'static str, serde_json::Value)> {
    use serde_json::json;
    let day = "24h";
    let name = |prefix: &str, i: usize| format!("{prefix}{i:0>width$}", width = 64 - prefix.len());
    let rate = super::budget::Budget::PLAYGROUND.records_per_second;
    // `consumers` consumers each subscribed to `partitions` partitions, polling (and refreshing
    // metadata on every poll) as often as the partition-read budget lets them, and
    // heartbeating with the rest of the wake-up budget.
    let fast_consumer = |group: &str, consumers: u64, partitions: u64| {
        let (timers, reads) = super::budget::fast_timers(consumers, partitions);
        json!({"group.id": group, "max.poll.records": 100_000, "playground.poll.interval.ms": reads,
            "heartbeat.interval.ms": timers, "session.timeout.ms": timers + 1, "auto.commit.interval.ms": 1,
            "metadata.max.age.ms": 1, "playground.processing.ms.per.record": 0})
    };
    let mut out = Vec::new();
    out.push((
        "rate-kept-forever",
        json!({"version": 1, "topics": [{"name": "t", "partitions": 1, "retention": {}}],
            "producers": [{"name": "p", "topic": "t", "rate": rate}], "duration": day}),
    ));
    out.push((
        "partitions-random-keys",
        json!({"version": 1, "topics": [{"name": "t", "partitions": 1024}],
            "producers": [{"name": "p", "topic": "t", "rate": rate, "keys": {"mode": "random"}}],
            "duration": day}),
    ));
    let topics: Vec<_> =
        (0..256).map(|i| json!({"name": name("t", i), "partitions": 4, "retention": {}})).collect();
    let producers: Vec<_> = (0..256)
        .map(|i| {
            json!({"name": name("p", i), "topic": name("t", i), "rate": (rate / 256.0).floor(),
            "keys": {"mode": "set", "prefix": "k".repeat(64), "count": 10_000}})
        })
        .collect();
    out.push((
        "topics-and-producers-256",
        json!({"version": 1, "topics": topics, "producers": producers, "duration": day}),
    ));
    let consumers: Vec<_> = (0..256)
        .map(|i| json!({"name": name("c", i), "mode": {"group": {"topics": ["t"]}}, "config": fast_consumer("g", 256, 64)}))
        .collect();
    out.push((
        "consumers-256",
        json!({"version": 1, "topics": [{"name": "t", "partitions": 64}],
            "producers": [{"name": "p", "topic": "t", "rate": rate, "keys": {"mode": "random"}}],
            "consumers": consumers, "duration": day}),
    ));
    // A script as long as the file may be: steps every 10 s, each at the widest.
    let script = |n: usize, topic: &str| -> Vec<serde_json::Value> {
        (0..n)
            .map(|i| {
                let action = match i % 4 {
                    0 => json!({"type": "pause_producer", "name": "p"}),
                    1 => json!({"type": "resume_producer", "name": "p"}),
                    2 => json!({"type": "send_one", "producer": "p", "key": "k".repeat(256), "value": "v".repeat(1024)}),
                    _ => json!({"type": "set_retention", "topic": topic, "retention": {"retention.ms": null, "retention.bytes": null}}),
                };
                json!({"at": (i as u64 * 10_000).min(MAX_DURATION_MS), "do": action})
            })
            .collect()
    };
    // As many steps as fit in the file as the playground writes it (a few kB to spare).
    let fill = |mut v: serde_json::Value, topic: &str| {
        let size =
            |v: &serde_json::Value| Scenario::from_value(v.clone()).map_or(usize::MAX, |s| s.written_len());
        let empty = size(&v);
        v["script"] = serde_json::Value::Array(script(100, topic));
        let per_step = size(&v).saturating_sub(empty) / 100;
        let target = MAX_SCENARIO_BYTES - 8_192;
        let mut n = target.saturating_sub(empty) / per_step.max(1);
        loop {
            v["script"] = serde_json::Value::Array(script(n, topic));
            if n == 0 || size(&v) <= target {
                return v;
            }
            n = n * 99 / 100;
        }
    };
    out.push((
        "script-at-the-byte-limit",
        fill(
            json!({"version": 1, "topics": [{"name": "t", "partitions": 8}],
                "producers": [{"name": "p", "topic": "t", "rate": rate}], "duration": day}),
            "t",
        ),
    ));
    // Together: 256 topics over the partition budget, 256 producers sharing the rate, 16
    // consumers on every topic at the fastest settings (1 024 × 16 = the budget), retention
    // off, and a long script.
    let topics: Vec<_> =
        (0..256).map(|i| json!({"name": name("t", i), "partitions": 4, "retention": {}})).collect();
    let mut producers: Vec<_> = (0..255)
        .map(|i| {
            json!({"name": name("p", i), "topic": name("t", i), "rate": (rate / 256.0).floor(),
            "keys": {"mode": "random"}})
        })
        .collect();
    producers.push(json!({"name": "p", "topic": name("t", 255), "rate": (rate / 256.0).floor()}));
    let all: Vec<String> = (0..256).map(|i| name("t", i)).collect();
    let consumers: Vec<_> = (0..16)
        .map(|i| json!({"name": name("c", i), "mode": {"group": {"topics": all}}, "config": fast_consumer("g", 16, 1024)}))
        .collect();
    out.push((
        "all-together",
        fill(
            json!({"version": 1, "topics": topics, "producers": producers, "consumers": consumers,
                "duration": day}),
            &name("t", 255),
        ),
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_parse_in_every_documented_form() {
        assert_eq!(parse_time("00:20"), Some(20_000));
        assert_eq!(parse_time("01:02.5"), Some(62_500));
        assert_eq!(parse_time("1:00:00"), Some(3_600_000));
        assert_eq!(parse_time("20s"), Some(20_000));
        for bad in ["", "::", "1:2:3:4", "00:20.1234", "-1s", "a:b"] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn every_built_in_scenario_loads() {
        for (id, text) in BUILT_IN {
            let s = Scenario::from_json(text).unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(&s.id, id);
            assert!(!s.title.en.is_empty() && !s.title.ru.is_empty(), "{id} needs en+ru titles");
            assert!(!s.watch_for.en.is_empty() && !s.watch_for.ru.is_empty(), "{id} needs en+ru watch_for");
        }
    }

    #[test]
    fn an_exported_run_replays_to_the_same_state() {
        let mut run = Run::new(built_in("rebalance-basics").unwrap()).unwrap();
        run.advance(5_000);
        let c4 = ConsumerSpec::group(
            "c4",
            "group-1",
            &["orders"],
            super::super::config::ConsumerConfig::teaching(),
        );
        run.apply(7_000, Command::AddConsumer { consumer: c4 }).unwrap();
        run.apply(9_000, Command::CreatePartitions { topic: "orders".into(), total: 8 }).unwrap();
        let mut all = run.advance(30_000);
        all.truncate(0);
        let exported = run.export();
        assert_eq!(exported.script.len(), 3);
        let text = exported.to_json();
        let mut replay = Run::new(Scenario::from_json(&text).unwrap()).unwrap();
        replay.advance(30_000);
        assert_eq!(replay.cluster.describe_group("group-1"), run.cluster.describe_group("group-1"));
        assert_eq!(replay.cluster.topics()["orders"].partition_count(), 8);
        // Rewinding to 8 s keeps the consumer added at 7 s but not the partitions added at 9 s.
        let back = run.rewind(8_000).unwrap();
        assert_eq!(back.now(), 8_000);
        assert!(back.cluster.consumers().contains_key("c4"));
        assert_eq!(back.cluster.topics()["orders"].partition_count(), 6);
        assert_eq!(back.journal().len(), 1);
    }

    #[test]
    fn exports_read_like_the_built_in_files() {
        // Fields in the documented order, tags first: an exported file reads like a hand-written one.
        let text = built_in("roles").unwrap().to_json();
        assert!(text.starts_with("{\n  \"version\": 1,\n  \"id\": \"roles\",\n  \"title\""), "{text}");
        assert!(text.contains("\"do\": {\n        \"type\": \""), "{text}");
        assert!(text.contains("\"keys\": {\n        \"mode\": \""), "{text}");
        assert_eq!(Scenario::from_json(&text).unwrap(), built_in("roles").unwrap());
    }

    #[test]
    fn errors_inside_commands_and_key_modes_name_the_field_as_written() {
        let producer = |keys: &str| {
            format!(
                r#"{{"version": 1, "topics": [{{"name": "t", "partitions": 1}}], "producers": [{{"name": "p", "topic": "t", "keys": {keys}}}]}}"#
            )
        };
        let step =
            |command: &str| format!(r#"{{"version": 1, "script": [{{"at": "1s", "do": {command}}}]}}"#);
        let cases = [
            (step(r#"{"name": "c"}"#), "script[0].do", "missing field `type`"),
            (step(r#"{"type": 3}"#), "script[0].do", "`type` must be a string"),
            (step(r#"{"type": "crash_consumer"}"#), "script[0].do", "missing field `name`"),
            (
                step(r#"{"type": "crash_consumer", "name": "c", "nme": 1}"#),
                "script[0].do.nme",
                "unknown field `nme`",
            ),
            (
                step(r#"{"type": "crash_consumerx", "name": "c"}"#),
                "script[0].do",
                "unknown variant `crash_consumerx`",
            ),
            (
                step(
                    r#"{"type": "add_producer", "producer": {"name": "p", "topic": "t", "keys": {"mode": "set", "prefix": "u", "count": "x"}}}"#,
                ),
                "script[0].do.producer.keys.count",
                "invalid type: string",
            ),
            (
                step(
                    r#"{"type": "add_producer", "producer": {"name": "p", "topic": "t", "keys": {"prefix": "u"}}}"#,
                ),
                "script[0].do.producer.keys",
                "missing field `mode`",
            ),
            (producer(r#"{"mode": "fixed"}"#), "producers[0].keys", "missing field `key`"),
            (producer(r#"{"mode": "sometimes"}"#), "producers[0].keys", "unknown variant `sometimes`"),
            (
                producer(r#"{"mode": "set", "prefix": "u", "count": -1}"#),
                "producers[0].keys.count",
                "invalid value",
            ),
        ];
        for (text, path, message) in cases {
            let e = Scenario::from_json(&text).expect_err(&text);
            assert_eq!(e.path, path, "{text}\n -> {e}");
            assert!(e.message.contains(message), "{text}\n -> {e}");
        }
    }

    #[test]
    fn errors_name_the_field() {
        let cases = [
            (r#"{"version": 1, "topics": [{"name": "t", "partitions": 0}]}"#, "topics[0].partitions"),
            (r#"{"version": 1, "topics": [{"name": "t", "partitions": "six"}]}"#, "topics[0].partitions"),
            (r#"{"version": 1, "topics": [{"name": "t", "partitions": 1, "colour": 1}]}"#, "topics[0]"),
            (r#"{"version": 2}"#, "version"),
            (
                r#"{"version": 1, "consumers": [{"name": "c", "mode": {"group": {"topics": ["nope"]}}, "config": {"group.id": "g"}}]}"#,
                "consumers[0].mode.group.topics",
            ),
            (
                r#"{"version": 1, "script": [{"at": "20s", "do": {"type": "crash_consumer", "name": "c"}}, {"at": "10s", "do": {"type": "crash_consumer", "name": "c"}}]}"#,
                "script[1].at",
            ),
            (
                r#"{"version": 1, "script": [{"at": -5, "do": {"type": "crash_consumer", "name": "c"}}]}"#,
                "script[0].at",
            ),
            (r#"{"version": 1, "cluster": {"session": 1}}"#, "cluster"),
        ];
        for (text, path) in cases {
            let e = Scenario::from_json(text).expect_err(text);
            assert!(e.path.starts_with(path), "{text}\n -> {e}");
        }
    }
}
