//! Brokers and replicas (issue #14): each broker with its rack and state and its Stop / Crash /
//! Start / Isolate / Heal buttons, and each replicated partition's leader, replicas with their
//! log ends, ISR and high watermark — a record past the high watermark is in the lane but not
//! yet readable, and the panel says how many there are. Shown only when the scenario has more
//! than one broker (the default lessons have one, and look as before).

use super::lanes::slow_turn;
use super::state::{use_handle, use_sim, Action, ErrorAt, Sim, Slow};
use super::text::{fill, use_text};
use crate::core::broker::replicas::BrokerState;
use crate::core::ids::BrokerId;
use crate::core::Command;
use yew::prelude::*;

/// The most partition rows the panel lists (the rest are summed up by count).
const MAX_ROWS: usize = 48;

#[derive(Debug, Clone, PartialEq)]
pub struct BrokerRow {
    pub id: BrokerId,
    pub rack: Option<String>,
    pub state: BrokerState,
    pub fenced: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PartitionRow {
    pub topic: String,
    pub partition: u32,
    pub leader: Option<BrokerId>,
    /// Each replica and its log end offset (the leader's is the partition log's end).
    pub replicas: Vec<(BrokerId, u64)>,
    pub isr: Vec<BrokerId>,
    pub high_watermark: Option<u64>,
    pub log_end: u64,
}

/// What the panel shows; `None` with one broker.
#[derive(Debug, Clone, PartialEq)]
pub struct BrokersView {
    pub brokers: Vec<BrokerRow>,
    pub partitions: Vec<PartitionRow>,
    pub more: usize,
}

impl BrokersView {
    pub fn of(sim: &Sim) -> Option<Self> {
        let cluster = &sim.run.cluster;
        let rep = cluster.replication();
        if rep.nodes.len() < 2 {
            return None;
        }
        let brokers = rep
            .nodes
            .iter()
            .map(|n| BrokerRow { id: n.id, rack: n.rack.clone(), state: n.state, fenced: n.fenced })
            .collect();
        let mut partitions = Vec::new();
        let mut more = 0;
        for (topic, t) in &rep.topics {
            for (i, p) in t.partitions.iter().enumerate() {
                if partitions.len() >= MAX_ROWS {
                    more += 1;
                    continue;
                }
                let log_end = cluster
                    .topics()
                    .get(topic)
                    .and_then(|t| t.partition(i as u32))
                    .map_or(0, |l| l.log_end());
                let leader = p.leader();
                let replicas = p
                    .registration
                    .replicas
                    .iter()
                    .map(|b| {
                        let end = if Some(*b) == leader {
                            log_end
                        } else {
                            p.replicas.get(b).map_or(0, |r| r.log_end)
                        };
                        (*b, end)
                    })
                    .collect();
                partitions.push(PartitionRow {
                    topic: topic.clone(),
                    partition: i as u32,
                    leader,
                    replicas,
                    isr: p.registration.isr.clone(),
                    high_watermark: p.high_watermark(),
                    log_end,
                });
            }
        }
        Some(BrokersView { brokers, partitions, more })
    }
}

/// A broker's state in words (the panel and the stage).
pub fn state_text(t: &super::text::Text<'static>, state: BrokerState) -> &'static str {
    match state {
        BrokerState::Running => t.broker_running,
        BrokerState::Stopped => t.broker_stopped,
        BrokerState::Crashed => t.broker_crashed,
        BrokerState::Isolated => t.broker_isolated,
    }
}

impl PartitionRow {
    /// The same row but for its numbers (the replicas' log ends, the high watermark, the log
    /// end), which change with every record.
    fn same_but_numbers(&self, other: &Self) -> bool {
        self.topic == other.topic
            && self.partition == other.partition
            && self.leader == other.leader
            && self.isr == other.isr
            && self.high_watermark.is_some() == other.high_watermark.is_some()
            && self.replicas.len() == other.replicas.len()
            && self.replicas.iter().zip(&other.replicas).all(|(a, b)| a.0 == b.0)
    }
}

/// The panel (on the ticking context only to build the view). The replicas' log ends and the
/// high watermark change with every record: like a lane's log start and end, they are read, not
/// watched, so while the clock runs each row's numbers are redrawn at the [`Slow`] rate, the rows
/// taking turns ([`slow_turn`]), and not at all while the panel is off screen (it catches up
/// when it comes on screen); a row whose leader, replicas or ISR change is redrawn at once, and
/// paused every number is exact. Each row is a component of its own, so a frame writes only the
/// rows whose turn it is.
#[function_component(Brokers)]
pub fn brokers() -> Html {
    let ctx = use_sim();
    let node = use_node_ref();
    let skipped = super::dom::use_skipped(node.clone());
    let kept = use_mut_ref(Vec::<(Slow, PartitionRow)>::new);
    let slow = ctx.slow();
    let (view, real) = {
        let sim = ctx.sim.borrow();
        (BrokersView::of(&sim), sim.playback.last_real.unwrap_or(0.0))
    };
    let Some(mut view) = view else {
        return html! {};
    };
    {
        let mut kept = kept.borrow_mut();
        kept.truncate(view.partitions.len());
        for (i, row) in view.partitions.iter_mut().enumerate() {
            let stamp = slow_turn(slow, real, i as u32);
            match kept.get_mut(i) {
                Some((at, old))
                    if old.same_but_numbers(row) && (*at == stamp || (skipped && slow.playing)) =>
                {
                    row.clone_from(old);
                }
                Some(k) => *k = (stamp, row.clone()),
                None => kept.push((stamp, row.clone())),
            }
        }
    }
    html! { <BrokersPanel {view} {node} /> }
}

#[derive(Properties, PartialEq)]
struct PanelProps {
    view: BrokersView,
    node: NodeRef,
}

#[function_component(BrokersPanel)]
fn brokers_panel(props: &PanelProps) -> Html {
    let t = use_text();
    let rows = props.view.partitions.len();
    html! {
        <section class="panel brokers" aria-labelledby="h-brokers" ref={props.node.clone()}
            style={format!("--rows: {rows}")}>
            <h2 id="h-brokers">{ t.brokers_title }</h2>
            <p class="help">{ t.brokers_help }</p>
            <BrokerList brokers={props.view.brokers.clone()} />
            <table class="replicas">
                <thead><tr>
                    <th>{ t.replicas_partition }</th>
                    <th>{ t.replicas_leader }</th>
                    <th>{ t.replicas_replicas }</th>
                    <th>{ t.replicas_isr }</th>
                    <th>{ t.replicas_hw }</th>
                </tr></thead>
                <tbody>
                    { for props.view.partitions.iter().enumerate().map(|(key, row)| html! {
                        <ReplicaRow {key} row={row.clone()} />
                    }) }
                </tbody>
            </table>
            if props.view.more > 0 { <p class="muted">{ format!("+{}", props.view.more) }</p> }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct BrokerListProps {
    brokers: Vec<BrokerRow>,
}

/// Each broker with its rack, state and buttons.
#[function_component(BrokerList)]
fn broker_list(props: &BrokerListProps) -> Html {
    let ctx = use_handle();
    let t = use_text();
    let d = ctx.dispatch.clone();
    let button = |label: &'static str, help: Option<&'static str>, cmd: Command| {
        let onclick = d.reform(move |_: MouseEvent| Action::cmd(ErrorAt::Global, cmd.clone()));
        html! { <button type="button" title={help} {onclick}>{ label }</button> }
    };
    html! {
        <ul class="broker-list">
            { for props.brokers.iter().map(|b| {
                let state = state_text(t, b.state);
                let broker = b.id;
                html! {
                    <li class={classes!("broker", (b.state != BrokerState::Running).then_some("down"))}>
                        <strong>{ fill(t.broker_named, &[&b.id]) }</strong>
                        if let Some(r) = &b.rack { <span class="muted">{ " · " }{ fill(t.broker_rack, &[r]) }</span> }
                        <span>{ " · " }{ state }</span>
                        if b.fenced && b.state != BrokerState::Running { <span class="muted">{ " · " }{ t.broker_fenced }</span> }
                        <span class="row">
                            if b.state == BrokerState::Running {
                                { button(t.stop_broker, Some(t.stop_broker_help), Command::StopBroker { broker }) }
                                { button(t.crash_broker, Some(t.crash_broker_help), Command::CrashBroker { broker }) }
                                { button(t.isolate_broker, Some(t.isolate_broker_help), Command::IsolateBroker { broker }) }
                            } else if b.state == BrokerState::Isolated {
                                { button(t.heal_broker, None, Command::HealBroker { broker }) }
                            } else {
                                { button(t.start_broker, None, Command::StartBroker { broker }) }
                            }
                        </span>
                    </li>
                }
            }) }
        </ul>
    }
}

#[derive(Properties, PartialEq)]
struct RowProps {
    row: PartitionRow,
}

/// One partition's row: leader, replicas with their log ends, ISR, high watermark.
#[function_component(ReplicaRow)]
fn replica_row(props: &RowProps) -> Html {
    let t = use_text();
    let p = &props.row;
    let ids = |ids: &[BrokerId]| ids.iter().map(BrokerId::to_string).collect::<Vec<_>>().join(",");
    let leader = p.leader.map_or_else(|| t.leader_none.to_string(), |l| l.to_string());
    let replicas = p
        .replicas
        .iter()
        .map(|(b, end)| {
            let mark = if Some(*b) == p.leader { "*" } else { "" };
            format!("{b}{mark} ({end})")
        })
        .collect::<Vec<_>>()
        .join(", ");
    let unreadable = p.high_watermark.map_or(0, |hw| p.log_end.saturating_sub(hw));
    html! {
        <tr>
            <td>{ format!("{}-{}", p.topic, p.partition) }</td>
            <td>{ leader }</td>
            <td>{ replicas }</td>
            <td>{ ids(&p.isr) }</td>
            <td>
                { p.high_watermark.map_or_else(|| "-".to_string(), |h| h.to_string()) }
                if unreadable > 0 { <span class="muted">{ " · " }{ fill(t.replicas_unreadable, &[&unreadable]) }</span> }
            </td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::scenario::Scenario;
    use crate::ui::state::{Action, Load};

    fn three_brokers() -> Sim {
        let scenario = Scenario::from_json(
            r#"{"version": 1, "seed": 3,
                "brokers": [{"id": 1, "rack": "zone-a"}, {"id": 2, "rack": "zone-b"}, {"id": 3, "rack": "zone-c"}],
                "topics": [{"name": "orders", "partitions": 2, "replication_factor": 3,
                            "config": {"min.insync.replicas": 2}}],
                "producers": [{"name": "p1", "topic": "orders", "rate": 20}]}"#,
        )
        .unwrap();
        let mut sim = Sim::new();
        sim.handle(Action::Load(Box::new(Load { scenario, at: 0, playing: false, notice: None })));
        sim
    }

    #[test]
    fn one_broker_shows_no_panel_and_three_show_racks_leaders_and_the_isr() {
        assert_eq!(BrokersView::of(&Sim::new()), None, "the default lesson looks as before");
        let sim = three_brokers();
        let v = BrokersView::of(&sim).expect("three brokers");
        let racks: Vec<_> = v.brokers.iter().map(|b| b.rack.as_deref().unwrap_or("")).collect();
        assert_eq!(racks, ["zone-a", "zone-b", "zone-c"]);
        assert_eq!(v.partitions.len(), 2);
        for p in &v.partitions {
            assert_eq!(p.leader, Some(p.replicas[0].0), "the preferred leader leads");
            assert_eq!(p.isr.len(), 3);
        }
    }

    #[test]
    fn a_crashed_broker_shows_crashed_and_is_started_from_the_panel() {
        let mut sim = three_brokers();
        sim.handle(Action::cmd(ErrorAt::Global, Command::CrashBroker { broker: BrokerId(2) }));
        let v = BrokersView::of(&sim).unwrap();
        assert_eq!(v.brokers[1].state, BrokerState::Crashed);
        sim.handle(Action::cmd(ErrorAt::Global, Command::StartBroker { broker: BrokerId(2) }));
        assert_eq!(BrokersView::of(&sim).unwrap().brokers[1].state, BrokerState::Running);
    }
}
