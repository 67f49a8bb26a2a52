//! The cluster: each topic's partitions drawn as log lanes (offsets left to right, the most
//! recent records as cells coloured by key), with log start/end, each group's committed offset
//! and each consumer's position marked. Also "Add topic" and the per-topic Partitions field.

use super::field::CommitInput;
use super::groups::member_label;
use super::held::{large, use_report_skipped, Held};
use super::problem::{ErrorNote, Problem};
use super::state::{use_handle, use_sim, Action, ErrorAt, Sim, Slow, SLOW_MS};
use super::text::{fill, text_for, use_text};
use crate::core::consumer::{Consumer, ConsumerMode};
use crate::core::tools::kafka_console_consumer::value_text;
use crate::core::topic::Topic;
use crate::core::Command;
use std::collections::BTreeMap;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Records drawn per lane.
pub const WINDOW: u64 = 30;
/// Above 2× speed the lanes are redrawn this often, in real milliseconds (see [`TopicView`]).
pub const LANE_FAST_MS: f64 = 100.0;
/// … in this many turns: lane `p` is redrawn in turn `p % LANE_TURNS`, so a frame (16 ms)
/// redraws about one lane in six, never all of them at once.
pub const LANE_TURNS: u32 = 6;

/// Which period of `every` real milliseconds lane `p` is in, its periods shifted by its turn
/// (see [`LANE_TURNS`]): when it is redrawn, running fast ([`LANE_FAST_MS`]), and when its label's
/// numbers are ([`SLOW_MS`]).
pub fn lane_stamp(real_ms: f64, p: u32, every: f64) -> u64 {
    let shift = f64::from(p % LANE_TURNS) * every / f64::from(LANE_TURNS);
    ((real_ms.max(0.0) + shift) / every) as u64
}

/// When row or lane `p`'s [`Slow`] numbers are redrawn: while the clock runs, at the Slow rate
/// in its turn ([`lane_stamp`]); paused, with every change (`slow` as it is).
pub fn slow_turn(slow: Slow, real_ms: f64, p: u32) -> Slow {
    if slow.playing {
        Slow { at: lane_stamp(real_ms, p, SLOW_MS), ..slow }
    } else {
        slow
    }
}

/// A stable hue (0..360) for a record key: FNV-1a, so the same key is the same colour on every
/// lane and every run.
pub fn key_hue(key: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in key.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    // FNV alone maps keys that differ in their last character ("user-1", "user-2") to hues
    // about 180° apart, i.e. two colours; a murmur3 finaliser spreads them.
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^= h >> 16;
    h % 360
}

/// The id of a partition's lane (cards link to it).
pub fn lane_id(topic: &str, partition: u32) -> String {
    format!("lane-{topic}-{partition}")
}

#[function_component(ClusterView)]
pub fn cluster_view() -> Html {
    let ctx = use_sim();
    let sim = ctx.sim.borrow();
    let t = use_text();
    let replicated = sim.run.cluster.replication().topics.values().any(|tr| tr.replication_factor() > 1);
    // A large cluster's topics off screen wait while the clock runs (see [`Held`]).
    let active = large(&sim);
    html! {
        <section class="panel cluster" aria-labelledby="h-cluster">
            <h2 id="h-cluster">{ t.cluster }</h2>
            <p class="legend">
                <span class="mk pos">{ "▲ c1" }</span>{ t.legend_position }
                <span class="mk commit">{ "⚑ group" }</span>{ t.legend_commit }
                if replicated {
                    { " · " }<span class="legend-hw" aria-hidden="true"></span>{ t.legend_hw }
                }
            </p>
            { for sim.run.cluster.topics().keys().enumerate().map(|(turn, name)| html! {
                <Held key={name.clone()} {active} {turn}>
                    <TopicView name={AttrValue::from(name.clone())} />
                </Held>
            }) }
            <AddTopic error={sim.errors.get(&ErrorAt::NewTopic).cloned()} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct TopicProps {
    pub name: AttrValue,
}

#[function_component(TopicView)]
pub fn topic_view(props: &TopicProps) -> Html {
    let ctx = use_sim();
    let sim = ctx.sim.borrow();
    let t = use_text();
    let Some(topic) = sim.run.cluster.topics().get(props.name.as_str()) else {
        return html! {};
    };
    let name = props.name.to_string();
    let onchange = {
        let d = ctx.dispatch.clone();
        let name = name.clone();
        Callback::from(move |v: String| {
            let total = v.trim().parse::<i64>().unwrap_or(0);
            d.emit(Action::cmd(
                ErrorAt::Topic(name.clone()),
                Command::CreatePartitions { topic: name.clone(), total },
            ));
        })
    };
    let input_id = format!("partitions-{name}");
    let slow = ctx.slow();
    let error = sim.errors.get(&ErrorAt::Topic(name.clone()));
    // Fast (above 2×), a lane gets more records a frame than it shows: every cell changes every
    // frame, which cost a long task per frame at 10×. Then each lane moves ten times a second
    // (what is drawn between is a blur anyway), the lanes taking turns (see [`lane_stamp`]) so
    // that no frame redraws them all; at 1× and paused, with every record.
    let fast = sim.playback.playing && sim.playback.speed > 2.0;
    let real = sim.playback.last_real.unwrap_or(0.0);
    let cache = use_mut_ref(Vec::<(Option<u64>, LaneView)>::new);
    // A topic off screen (`content-visibility: auto` on `.topic`) keeps its lanes as they were
    // while the clock runs: with every cap at its maximum (1 024 lanes) gathering them all each
    // frame was most of a frame's work.
    let node = use_node_ref();
    let skipped = super::dom::use_skipped(node.clone());
    use_report_skipped(skipped);
    let views: Vec<LaneView> = {
        let mut cache = cache.borrow_mut();
        let count = topic.partition_count() as usize;
        let waits = skipped && sim.playback.playing && cache.len() == count;
        let stamps: Vec<Option<u64>> =
            (0..topic.partition_count()).map(|p| fast.then(|| lane_stamp(real, p, LANE_FAST_MS))).collect();
        let stale = |i: usize| {
            cache.get(i).is_none_or(|(stamp, view)| {
                stamps[i].is_none() || *stamp != stamps[i] || view.epoch != sim.session.epoch
            })
        };
        if !waits && (cache.len() != count || (0..count).any(stale)) {
            let rows = MarkerRows::of(&sim, &name);
            let ix = TopicIndex::of(&sim, &name, &rows);
            let fresh = |p: u32| (stamps[p as usize], lane_view(&sim, &props.name, topic, p, &rows, &ix));
            if cache.len() != count {
                *cache = (0..topic.partition_count()).map(fresh).collect();
            } else {
                for i in (0..count).filter(|i| stale(*i)).collect::<Vec<_>>() {
                    cache[i] = fresh(i as u32);
                }
            }
        }
        cache.iter().map(|(_, v)| v.clone()).collect()
    };
    let running = sim.playback.playing;
    // The labels' numbers too take turns (all 48 at once was a long frame four times a second).
    html! {
        <article class="topic" aria-labelledby={format!("topic-{name}")} ref={node}
            style={format!("--lanes: {}", topic.partition_count())}>
            <div class="topic-head">
                <h3 id={format!("topic-{name}")}>{ name.clone() }</h3>
                <div class="field inline">
                    <label for={input_id.clone()}>{ t.partitions }</label>
                    <CommitInput id={input_id} kind="number" min="1" max="1024" step="1"
                        value={topic.partition_count().to_string()} on_commit={onchange}
                        title={t.partitions_help} />
                </div>
                <span class="help">{ t.partitions_help }</span>
            </div>
            if let Some(e) = error {
                <ErrorNote problem={e.clone()} />
            }
            <div class="lanes">
                { for views.into_iter().map(|view| {
                    let (key, slow) = (view.p, slow_turn(slow, real, view.p));
                    html! { <Lane {key} {view} {slow} {fast} {running} /> }
                }) }
            </div>
        </article>
    }
}

/// The first offset a lane draws (the last [`WINDOW`] records).
fn from_of(start: u64, end: u64) -> u64 {
    start.max(end.saturating_sub(WINDOW))
}

/// One marker under a lane.
#[derive(Debug, Clone, PartialEq)]
struct Marker {
    col: u64,
    /// Its row under the lane (see [`MarkerRows`]).
    row: usize,
    /// Name without the pointer; the pointer goes on the side facing the offset.
    name: String,
    /// The position or committed offset it marks (its title says it).
    offset: u64,
    commit: bool,
}

impl Marker {
    /// Whether its label extends to the left of the offset (near the lane's end, so it stays
    /// inside the lane). The label's width is estimated in cells.
    fn at_end(&self) -> bool {
        let width = (self.name.chars().count() as u64 + 4) / 2 + 1;
        self.col + width > WINDOW + 1
    }
}

/// The rows under a topic's lanes, fixed by who may draw a marker there — never by where the
/// markers are — so a lane keeps its height while positions and committed offsets move past
/// each other (no layout shift while the clock runs). Each group has two rows: its committed
/// offset, then its members' positions (one member owns a partition at a time); each
/// standalone consumer reading the topic has one row after them. The rows change only when a
/// group or consumer comes or goes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MarkerRows {
    /// Groups with an offset on the topic or a consumer subscribed to it, by id.
    groups: Vec<String>,
    /// Standalone consumers assigned a partition of the topic, by name.
    standalone: Vec<String>,
}

impl MarkerRows {
    pub fn of(sim: &Sim, topic: &str) -> Self {
        let mut groups = std::collections::BTreeSet::new();
        let mut standalone = Vec::new();
        for g in sim.run.cluster.groups().values() {
            if g.offsets.keys().any(|tp| &*tp.topic == topic) {
                groups.insert(g.id.clone());
            }
        }
        // Dead consumers too: a crash must not change the rows (their markers are not drawn).
        for c in sim.run.cluster.consumers().values() {
            match &c.spec.mode {
                ConsumerMode::Group { topics } => {
                    if let (Some(g), true) = (c.group_id(), topics.iter().any(|t| t == topic)) {
                        groups.insert(g.to_string());
                    }
                }
                ConsumerMode::Standalone { partitions } => {
                    if partitions.iter().any(|tp| &*tp.topic == topic) {
                        standalone.push(c.spec.name.clone());
                    }
                }
                // A share group has no committed offsets or positions: its lane view is the
                // share-partition's (SPSO and each record's state).
                ConsumerMode::Share { .. } => {}
            }
        }
        MarkerRows { groups: groups.into_iter().collect(), standalone }
    }

    /// How many rows each lane of the topic reserves.
    pub fn count(&self) -> usize {
        2 * self.groups.len() + self.standalone.len()
    }

    fn group(&self, id: &str) -> Option<usize> {
        self.groups.iter().position(|g| g == id)
    }

    fn commit_row(&self, group: &str) -> Option<usize> {
        self.group(group).map(|i| 2 * i)
    }

    fn position_row(&self, c: &Consumer) -> Option<usize> {
        match &c.spec.mode {
            ConsumerMode::Group { .. } => c.group_id().and_then(|g| self.group(g)).map(|i| 2 * i + 1),
            ConsumerMode::Standalone { .. } => {
                self.standalone.iter().position(|n| *n == c.spec.name).map(|j| 2 * self.groups.len() + j)
            }
            ConsumerMode::Share { .. } => None,
        }
    }
}

/// What one lane shows, computed by [`TopicView`] each frame; [`Lane`] re-renders only when it
/// changes. The cells are identified by the run (`epoch`) and the offsets: records never change
/// once written, so the same window of the same run draws the same cells.
#[derive(Debug, Clone, PartialEq)]
pub struct LaneView {
    topic: AttrValue,
    p: u32,
    epoch: u64,
    start: u64,
    end: u64,
    /// Owner names; `true` marks a restarted consumer's old (crashed) member, which keeps
    /// the partition until session.timeout.ms removes it.
    owners: Vec<(String, bool)>,
    markers: Vec<Marker>,
    /// Marker rows reserved under the lane (the topic's [`MarkerRows::count`]).
    rows: usize,
    /// The high watermark of a replicated partition (what consumers may read up to); `None`
    /// with one replica (it equals the log end) or while the partition has no leader.
    hw: Option<u64>,
}

/// The high watermark a lane marks: only a replicated partition's (with one replica it is
/// always the log end, and the lane looks as before).
fn lane_high_watermark(sim: &Sim, topic: &str, p: u32) -> Option<u64> {
    let part = sim.run.cluster.replication().partition(topic, p)?;
    (part.registration.replicas.len() > 1).then(|| part.high_watermark()).flatten()
}

/// The lane's accessible name: where its log starts and ends, and for a replicated partition
/// its high watermark and how many records past it are written but not yet readable.
fn lane_summary(t: &super::text::Text, name: &str, start: u64, end: u64, hw: Option<u64>) -> String {
    let head = fill(t.lane_summary, &[&name, &start, &end]);
    match hw {
        None => head,
        Some(hw) => {
            let unread = end.saturating_sub(hw);
            format!("{head}, {}", fill(t.lane_summary_hw, &[&hw, &unread]))
        }
    }
}

/// Who owns and marks what on one topic's lanes, gathered in one pass over the consumers and
/// groups per frame (not once per lane: at 48 partitions × 24 consumers that was the frame's
/// cost): owners per partition, positions and committed offsets per partition.
#[derive(Default)]
pub struct TopicIndex {
    owners: BTreeMap<u32, Vec<(String, bool)>>,
    /// (consumer, position, marker row)
    positions: BTreeMap<u32, Vec<(String, u64, usize)>>,
    /// (group, committed offset, marker row)
    commits: BTreeMap<u32, Vec<(String, u64, usize)>>,
}

impl TopicIndex {
    pub fn of(sim: &Sim, name: &str, rows: &MarkerRows) -> Self {
        let mut ix = TopicIndex::default();
        let cluster = &sim.run.cluster;
        for c in cluster.consumers().values() {
            // A crashed member still owns its partitions in the group's eyes until
            // session.timeout.ms removes it (nobody reads them meanwhile: no position marker).
            let shows = c.is_alive() || cluster.crashed_but_still_member(&c.spec.name);
            if shows {
                for tp in c.assignment.iter().filter(|tp| &*tp.topic == name) {
                    ix.owners.entry(tp.partition).or_default().push((c.spec.name.clone(), false));
                }
            }
            if !c.is_alive() {
                continue;
            }
            if let Some(row) = rows.position_row(c) {
                for (tp, pos) in c.positions.iter().filter(|(tp, _)| &*tp.topic == name) {
                    ix.positions.entry(tp.partition).or_default().push((c.spec.name.clone(), *pos, row));
                }
            }
        }
        for g in cluster.groups().values() {
            // A consumer restarted before its session timeout: its old member still owns.
            for m in cluster.group_members(&g.id).into_iter().filter(|m| m.old_member) {
                for tp in m.owns.iter().filter(|tp| &*tp.topic == name) {
                    ix.owners.entry(tp.partition).or_default().push((m.consumer.clone(), true));
                }
            }
            if let Some(row) = rows.commit_row(&g.id) {
                for (tp, off) in g.offsets.iter().filter(|(tp, _)| &*tp.topic == name) {
                    ix.commits.entry(tp.partition).or_default().push((g.id.clone(), *off, row));
                }
            }
        }
        ix
    }
}

fn lane_view(
    sim: &Sim,
    topic_name: &AttrValue,
    topic: &Topic,
    p: u32,
    rows: &MarkerRows,
    ix: &TopicIndex,
) -> LaneView {
    let (start, end) = topic.partition(p).map_or((0, 0), |log| (log.log_start(), log.log_end()));
    let from = start.max(end.saturating_sub(WINDOW));
    let col_of = |o: u64| o.clamp(from, end) - from;
    let owners = ix.owners.get(&p).cloned().unwrap_or_default();
    let mut markers = Vec::new();
    for (name, pos, row) in ix.positions.get(&p).into_iter().flatten() {
        markers.push(Marker {
            col: col_of(*pos),
            row: *row,
            name: name.clone(),
            offset: *pos,
            commit: false,
        });
    }
    for (group, off, row) in ix.commits.get(&p).into_iter().flatten() {
        markers.push(Marker {
            col: col_of(*off),
            row: *row,
            name: group.clone(),
            offset: *off,
            commit: true,
        });
    }
    LaneView {
        topic: topic_name.clone(),
        p,
        epoch: sim.session.epoch,
        start,
        end,
        owners,
        markers,
        rows: rows.count(),
        hw: lane_high_watermark(sim, topic_name, p),
    }
}

#[derive(Properties, PartialEq)]
pub struct LaneProps {
    pub view: LaneView,
    /// When the log start and end written in the label (and its accessible name) are redrawn;
    /// the cells and markers follow every record.
    pub slow: Slow,
    /// Running above 2× (see [`TopicView`]): the cells go without their titles.
    #[prop_or_default]
    pub fast: bool,
    /// The clock runs: an off-screen lane's records and markers wait until it is on screen.
    #[prop_or_default]
    pub running: bool,
}

/// One partition's lane: its label (number, owners, log start and end, at the [`Slow`] rate)
/// and its [`Track`]. While the clock runs, the track of a lane the browser is not drawing (off
/// screen) keeps what it showed — redrawing thousands of cells nobody sees was most of a frame
/// at 10× — and catches up in the frame it comes on screen; paused, every lane is exact.
#[function_component(Lane)]
pub fn lane(props: &LaneProps) -> Html {
    let t = use_text();
    let node = use_node_ref();
    let skipped = super::dom::use_skipped(node.clone());
    let LaneView { topic: topic_name, p, start, end, owners, hw, .. } = &props.view;
    let (p, start, end, hw) = (*p, *start, *end, *hw);
    let name = topic_name.as_str();
    // The numbers in the label (and the log-end cell's title) change with every record: kept at
    // the `Slow` rate.
    let shown = *use_memo(props.slow, move |_| (start, end, hw));
    // After Pause, a waiting lane catches up in a task of its own (in turns, as when running
    // fast), so the button answers within the frame.
    let ran = use_state_eq(|| props.running);
    {
        let ran = ran.clone();
        let turn = 16 * (p % LANE_TURNS);
        use_effect_with(props.running, move |running| {
            let later = if *running {
                ran.set(true);
                None
            } else {
                Some(gloo::timers::callback::Timeout::new(turn, move || ran.set(false)))
            };
            move || drop(later)
        });
    }
    let track = use_mut_ref(|| (props.view.clone(), props.fast, shown.1));
    if !(skipped && (props.running || *ran)) {
        *track.borrow_mut() = (props.view.clone(), props.fast, shown.1);
    }
    let (view, fast, log_end) = track.borrow().clone();
    let summary = lane_summary(t, &format!("{name}-{p}"), shown.0, shown.1, shown.2);
    // Its markers and figures ask "Why?" (one handler for the lane; see `why::on_click`).
    let dispatch = use_handle().dispatch.clone();
    let why = (*use_memo((), move |_| super::why::on_click(dispatch))).clone();
    let mark = |mark: super::state::why_target::Mark| {
        super::state::why_target::WhyTarget::Mark { topic: name.to_string(), partition: p, mark }.attr()
    };
    let owner_text = if owners.is_empty() {
        t.owners_none.to_string()
    } else {
        owners.iter().map(|(o, old)| member_label(t, o, *old)).collect::<Vec<_>>().join(", ")
    };
    html! {
        <div class="lane" id={lane_id(name, p)} role="group" aria-label={summary} ref={node} onclick={why}>
            <div class="lane-label">
                <span class="pnum">{ format!("P{p}") }</span>
                <span class={classes!("owners", owners.is_empty().then_some("none"))} title={owner_text.clone()}>{ owner_text }</span>
                <span class="lane-meta">
                    <button type="button" class="ask" title={t.log_start} data-why={mark(super::state::why_target::Mark::LogStart)}>{ shown.0 }</button>
                    { " … " }
                    <button type="button" class="ask" title={t.log_end} data-why={mark(super::state::why_target::Mark::LogEnd)}>{ shown.1 }</button>
                    if let Some(hw) = shown.2 {
                        { " · " }<button type="button" class="ask hw-num" title={t.high_watermark} data-why={mark(super::state::why_target::Mark::HighWatermark)}>{ format!("HW {hw}") }</button>
                    }
                </span>
            </div>
            <Track {view} {fast} {log_end} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct TrackProps {
    view: LaneView,
    fast: bool,
    /// The log end as the label shows it (the log-end cell's title).
    log_end: u64,
}

/// A lane's records and markers. The records are drawn by [`Cell`]s that read them through the
/// non-ticking handle; the cells box, the markers box and the offsets line are fixed-size and
/// contained in CSS, so what changes each frame is laid out and painted inside them only.
///
/// The cells are a ring: the record at offset `o` is in slot `o % WINDOW`, so as the window
/// slides only the slot that gets a new record changes. The strip holds the ring twice, side by
/// side, and a transform shows the `WINDOW` cells from slot `from % WINDOW` on, oldest first: a
/// new record repaints one cell in each copy and moves the strip, and nothing is laid out again.
#[function_component(Track)]
fn track(props: &TrackProps) -> Html {
    let t = use_text();
    let LaneView { topic: topic_name, p, epoch, start, end, markers, rows, hw, .. } = &props.view;
    let (p, epoch, start, end, rows) = (*p, *epoch, *start, *end, *rows);
    // Records past the high watermark: written (in the lane) but not yet readable. A hatched
    // band over them and a line at the high watermark, both moved by transforms like the
    // log-end cell; the band's width is laid out inside the contained cells box only.
    let above = hw.map(|hw| {
        let hw = hw.clamp(from_of(start, end), end);
        (hw - from_of(start, end), end - hw)
    });
    let from = from_of(start, end);
    // A record's title (key, value), except while it runs fast: nobody hovers a cell moving at
    // 10×, and writing thousands of titles a second was much of a fast frame's cost. They come
    // (and go) in a task of their own after Pause (Play), so the button answers within the frame.
    let detail_state = use_state(|| !props.fast);
    {
        let detail_state = detail_state.clone();
        use_effect_with(props.fast, move |fast| {
            let want = !*fast;
            let later = gloo::timers::callback::Timeout::new(0, move || detail_state.set(want));
            move || drop(later)
        });
    }
    let detail = *detail_state;
    html! {
        <div class="lane-track">
            <span class="more" title={t.older_records} aria-hidden="true" hidden={from <= start}>{ "…" }</span>
            <div class="cells" aria-hidden="true">
                <div class="ring">
                    <div class="strip" style={format!("transform: translateX(calc({} * (var(--cell) + 1px) * -1))", from % WINDOW)}>
                        { for (0..2 * WINDOW).map(|i| {
                            let slot = i % WINDOW;
                            let o = from + (slot + WINDOW - from % WINDOW) % WINDOW;
                            html! { <Cell topic={topic_name.clone()} {p} {epoch} offset={(o < end).then_some(o)} first={o == start} {detail} /> }
                        }) }
                    </div>
                </div>
                <span class="rec leo" style={format!("--x:{}", end - from)} title={format!("{}: {}", t.log_end, props.log_end)}
                    data-why={super::state::why_target::WhyTarget::Mark { topic: topic_name.to_string(), partition: p, mark: super::state::why_target::Mark::LogEnd }.attr()}></span>
                if let Some((x, w)) = above {
                    <span class="hw-band" style={format!("--x:{x}; --w:{w}")}></span>
                    <span class="hw-line" style={format!("--x:{x}")}></span>
                }
            </div>
            <div class="markers" style={format!("height: calc({rows} * var(--mk-row))")}>
                { for markers.iter().map(|m| {
                    let (row, end) = (m.row, m.at_end());
                    let pointer = if m.commit { "⚑" } else { "▲" };
                    let label = if end { format!("{}{pointer}", m.name) } else { format!("{pointer}{}", m.name) };
                    let title = if m.commit {
                        fill(t.commit_title, &[&m.name, &m.offset])
                    } else {
                        fill(t.position_title, &[&m.name, &m.offset])
                    };
                    let mark = if m.commit { super::state::why_target::Mark::Committed(m.name.clone()) } else { super::state::why_target::Mark::Position(m.name.clone()) };
                    let why = super::state::why_target::WhyTarget::Mark { topic: topic_name.to_string(), partition: p, mark };
                    html! {
                        <button type="button" class={classes!("mk", if m.commit { "commit" } else { "pos" }, end.then_some("end"))}
                            style={format!("--col:{}; --row:{row}", m.col)} {title} data-why={why.attr()}>
                            { label }
                        </button>
                    }
                }) }
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct CellProps {
    topic: AttrValue,
    p: u32,
    /// The run (see [`Session::epoch`](super::state::session::Session::epoch)): the same offset may hold another record after a replay.
    epoch: u64,
    /// The record shown; `None` for a slot not filled yet.
    offset: Option<u64>,
    /// The log's first record (marked).
    first: bool,
    /// With its title (paused).
    detail: bool,
}

/// One record of a lane, coloured by key (an empty slot keeps its place, unseen). Records never
/// change once written, so a cell re-renders only when its slot gets another offset.
#[function_component(Cell)]
fn cell(props: &CellProps) -> Html {
    let handle = use_handle();
    let sim = handle.sim.borrow();
    let t = text_for(handle.lang);
    let record = props.offset.and_then(|o| {
        let log = sim.run.cluster.topics().get(props.topic.as_str())?.partition(props.p)?;
        log.read(o, 1).next().filter(|(at, _)| *at == o)
    });
    let Some((o, r)) = record else {
        return html! { <span class="rec empty"></span> };
    };
    let (class, style, key) = match r.key {
        Some(k) => ("rec", Some(format!("--h:{}", key_hue(k))), k.to_string()),
        None => ("rec null", None, "null".to_string()),
    };
    let title = props.detail.then(|| {
        let value = value_text(&sim.run.cluster, r);
        fill(t.record_title, &[&o, &key, &value])
    });
    html! {
        <span class={classes!(class, props.first.then_some("log-start"))} {style} {title}></span>
    }
}

#[derive(Properties, PartialEq)]
pub struct AddTopicProps {
    /// The last "Add topic" error, if any.
    pub error: Option<Problem>,
}

/// The add-topic form (on the non-ticking handle: it re-renders when its error changes).
#[function_component(AddTopic)]
pub fn add_topic(props: &AddTopicProps) -> Html {
    let ctx = use_handle();
    let t = use_text();
    let name_ref = use_node_ref();
    let count_ref = use_node_ref();
    let onsubmit = {
        let d = ctx.dispatch.clone();
        let (name_ref, count_ref) = (name_ref.clone(), count_ref.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let name = name_ref.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            let partitions = count_ref
                .cast::<HtmlInputElement>()
                .map(|i| i.value().trim().to_string())
                .map_or(Ok(3), |v| if v.is_empty() { Ok(3) } else { v.parse::<i64>() })
                .unwrap_or(0);
            d.emit(Action::cmd(ErrorAt::NewTopic, Command::create_topic(name.trim(), partitions)));
        })
    };
    let error = props.error.clone();
    html! {
        <form class="add-topic" {onsubmit}>
            <label class="field">{ t.topic_name }
                <input ref={name_ref} type="text" placeholder="payments" autocomplete="off" />
            </label>
            <label class="field">{ t.partition_count }
                <input ref={count_ref} type="number" min="1" max="1024" placeholder="3" />
            </label>
            <button type="submit">{ t.add_topic }</button>
            if let Some(e) = error {
                <ErrorNote problem={e} />
            }
        </form>
    }
}

/// Which consumers own each partition of a topic (for cards and lanes).
pub fn owners_of(sim: &Sim, topic: &str) -> BTreeMap<u32, Vec<String>> {
    let mut out: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    for c in sim.run.cluster.consumers().values().filter(|c| c.is_alive()) {
        for tp in c.assignment.iter().filter(|tp| &*tp.topic == topic) {
            out.entry(tp.partition).or_default().push(c.spec.name.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::scenario::{built_in, BUILT_IN};

    fn orders_0_at(sim: &mut Sim, at: u64) -> LaneView {
        while sim.now() < at {
            sim.handle(Action::StepEvent);
        }
        let topic = sim.run.cluster.topics().get("orders").unwrap();
        let rows = MarkerRows::of(sim, "orders");
        let ix = TopicIndex::of(sim, "orders", &rows);
        lane_view(sim, &AttrValue::from("orders"), topic, 0, &rows, &ix)
    }

    /// Issue #14: a record past the high watermark is in the lane but not yet readable. In the
    /// ISR lesson, while the cut-off follower is still in the ISR, the high watermark stops
    /// below the log end and the lane says so in its accessible name; once the follower has
    /// left the ISR the high watermark catches up. One broker: no high watermark is drawn.
    #[test]
    fn a_replicated_lane_marks_its_high_watermark_and_names_the_records_not_yet_readable() {
        use crate::ui::text::{text_for, Lang};
        let mut sim = Sim::with_scenario(built_in("isr-shrink-and-expand").unwrap()).unwrap();
        let stalled = orders_0_at(&mut sim, 9_500);
        let hw = stalled.hw.expect("a replicated partition has a high watermark");
        // The five batches in flight (max.in.flight.requests.per.connection) are written and
        // wait; shop holds its later records back.
        assert!(
            stalled.end - hw >= 5,
            "acks=all waits for the cut-off follower: hw {hw}, end {}",
            stalled.end
        );
        let en = lane_summary(text_for(Lang::En), "orders-0", stalled.start, stalled.end, stalled.hw);
        assert_eq!(
            en,
            format!("orders-0: log start 0, log end {}, high watermark {hw}: {} record(s) written, not yet readable", stalled.end, stalled.end - hw)
        );
        let ru = lane_summary(text_for(Lang::Ru), "orders-0", stalled.start, stalled.end, stalled.hw);
        assert!(ru.contains(&format!("граница чтения (HW) {hw}")), "{ru}");
        let caught_up = orders_0_at(&mut sim, 11_000);
        assert!(caught_up.end - caught_up.hw.unwrap() <= 2, "{caught_up:?}");

        let mut single = Sim::with_scenario(built_in("lag").unwrap()).unwrap();
        let view = orders_0_at(&mut single, 2_000);
        assert_eq!(view.hw, None, "one replica: the lane looks as before");
    }

    /// Every built-in run for a minute: a lane's marker rows (its height) never change while the
    /// clock runs, and no two markers of a lane share a row (their labels never overlap).
    #[test]
    fn marker_rows_stay_fixed_while_markers_move_past_each_other() {
        for (id, _) in BUILT_IN {
            let mut sim = Sim::with_scenario(built_in(id).unwrap()).unwrap();
            let mut seen: BTreeMap<String, usize> = BTreeMap::new();
            let mut changes = 0;
            while sim.now() < 60_000 {
                sim.handle(Action::StepEvent);
                for (name, topic) in sim.run.cluster.topics() {
                    let rows = MarkerRows::of(&sim, name);
                    if seen.insert(name.clone(), rows.count()).is_some_and(|before| before != rows.count()) {
                        changes += 1;
                    }
                    let ix = TopicIndex::of(&sim, name, &rows);
                    for p in 0..topic.partition_count() {
                        let view = lane_view(&sim, &AttrValue::from(name.clone()), topic, p, &rows, &ix);
                        let mut used: Vec<usize> = view.markers.iter().map(|m| m.row).collect();
                        assert!(used.iter().all(|r| *r < view.rows), "{id} {name}-{p}: {:?}", view.markers);
                        used.sort_unstable();
                        used.dedup();
                        assert_eq!(
                            used.len(),
                            view.markers.len(),
                            "{id} {name}-{p} at {}: {:?}",
                            sim.now(),
                            view.markers
                        );
                    }
                }
            }
            // Only a consumer or group coming or going (a scripted step) may change them.
            assert!(changes <= sim.scenario().script.len(), "{id}: rows changed {changes} times");
        }
    }

    #[test]
    fn eager_vs_cooperative_reserves_two_rows_per_group() {
        let mut sim = Sim::with_scenario(built_in("eager-vs-cooperative").unwrap()).unwrap();
        while sim.now() < 20_000 {
            sim.handle(Action::StepEvent);
        }
        assert_eq!(MarkerRows::of(&sim, "orders").count(), 4);
    }
}
