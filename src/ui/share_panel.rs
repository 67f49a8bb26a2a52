//! Share groups (KIP-932) on the page: each share group's state, epoch and members with what the
//! `simple` assignor gave them, and each share-partition as its leader keeps it — the SPSO and
//! SPEO and every in-flight record's state (available / acquired by whom until when /
//! acknowledged / archived) with its delivery count on hover and focus — and
//! `kafka-share-groups --describe` as the tool prints it.

use super::state::use_sim;
use super::text::{fill, use_text, Text};
use crate::core::share_group::share_partition::{InFlightRecord, RecordState};
use crate::core::time::format_clock;
use yew::prelude::*;

/// At most this many in-flight records are drawn per share-partition (the window may hold
/// `group.share.partition.max.record.locks`, 2000).
pub const SHOWN_RECORDS: usize = 64;

/// A record's cell: its class and its words (title and accessible name).
pub fn record_cell(t: &Text, offset: u64, r: &InFlightRecord) -> (&'static str, String) {
    match r.state {
        RecordState::Available => ("available", fill(t.share_rec_available, &[&offset, &r.delivery_count])),
        RecordState::Acquired => {
            let who = r.member.as_deref().map_or("-", |m| m.rsplit_once('-').map_or(m, |(c, _)| c));
            let until = r.lock_deadline.map_or_else(|| "-".to_string(), format_clock);
            ("acquired", fill(t.share_rec_acquired, &[&offset, &who, &until, &r.delivery_count]))
        }
        RecordState::Acknowledged => {
            ("acknowledged", fill(t.share_rec_acknowledged, &[&offset, &r.delivery_count]))
        }
        RecordState::Archived => ("archived", fill(t.share_rec_archived, &[&offset, &r.delivery_count])),
    }
}

#[function_component(ShareGroups)]
pub fn share_groups() -> Html {
    let ctx = use_sim();
    let sim = ctx.sim.borrow();
    let t = use_text();
    let cluster = &sim.run.cluster;
    let broker = &cluster.brokers()[0];
    let share = broker.share();
    if share.groups().is_empty() {
        return html! {};
    }
    // Where things live matters only with several brokers.
    let several = cluster.replication().nodes.len() > 1;
    html! {
        <section class="panel share-groups" aria-labelledby="h-share-groups">
            <h2 id="h-share-groups">{ t.share_groups }</h2>
            { for share.groups().iter().map(|(id, g)| {
                let partitions: Vec<_> = share.partitions_of(id).collect();
                let describe = crate::core::tools::kafka_share_groups::describe_text(cluster, id);
                html! {
                    <article class="group share-group" key={id.clone()} aria-labelledby={format!("sg-{id}")}>
                        <h3 id={format!("sg-{id}")}>{ id.clone() }</h3>
                        <p class="state-line">{ fill(t.share_group_line, &[&g.state().name(), &g.group_epoch, &crate::core::share_group::assignor::NAME, &g.members.len()]) }</p>
                        if several {
                            <p class="muted">{ fill(t.share_coordinator_on, &[&broker.share_coordinator(id)]) }</p>
                        }
                        <ul class="share-members">
                            { for g.members.values().map(|m| {
                                let tps = m.assignment.iter().map(|tp| format!("{}-{}", tp.topic, tp.partition)).collect::<Vec<_>>().join(", ");
                                html! { <li>{ fill(t.share_member_line, &[&m.client_id, &m.member_id, &tps]) }</li> }
                            }) }
                        </ul>
                        if partitions.is_empty() {
                            <p class="muted">{ t.share_no_partition_yet }</p>
                        }
                        { for partitions.iter().map(|(tp, sp)| {
                            let name = format!("{}-{}", tp.topic, tp.partition);
                            html! {
                                <div class="share-partition">
                                    <p>{ fill(t.share_partition_line, &[&name, &sp.start_offset(), &sp.end_offset(), &sp.in_flight_count()]) }
                                        if several {
                                            if let Some(host) = broker.share_partition_host(id, tp) {
                                                { " · " }{ fill(t.share_partition_on, &[&host]) }
                                            }
                                        }
                                    </p>
                                    <ol class="share-records" aria-label={name.clone()}>
                                        { for sp.records().take(SHOWN_RECORDS).map(|(o, r)| {
                                            let (class, words) = record_cell(t, o, r);
                                            html! { <li class={classes!("rec", class)} aria-label={words} tabindex="0">{ o }</li> }
                                        }) }
                                    </ol>
                                </div>
                            }
                        }) }
                        <p class="what-to-type"><span>{ t.you_would_type }</span>{ " " }
                            <code>{ format!("kafka-share-groups.sh --bootstrap-server localhost:9092 --describe --group {}", crate::core::tools::quote(id)) }</code></p>
                        <pre class="share-describe">{ describe }</pre>
                    </article>
                }
            }) }
        </section>
    }
}
