//! The header's time controls: the simulated clock, Play/Pause, Step, speed, projector mode,
//! and the Time range (scrub back: the run is replayed from its seed to that moment, paused).

use super::dom::{event_checked, event_value};
use super::state::{use_sim, Action, SPEEDS};
use super::text::use_text;
use crate::core::time::format_clock;
use yew::prelude::*;

#[function_component(Controls)]
pub fn controls() -> Html {
    let ctx = use_sim();
    let sim = ctx.sim.borrow();
    let t = use_text();
    let d = ctx.dispatch.clone();
    let toggle = d.reform(|_: MouseEvent| Action::TogglePlay);
    let step = d.reform(|_: MouseEvent| Action::Step);
    let speed = d.reform(|e: Event| Action::SetSpeed(event_value(&e).parse().unwrap_or(1.0)));
    let projector = d.reform(|e: Event| Action::SetProjector(event_checked(&e)));
    let play_label = if sim.playing { t.pause } else { t.play };
    let scrub = d.reform(|e: Event| Action::Rewind(event_value(&e).parse().unwrap_or(0)));
    // The range ends at the furthest moment reached, or the scenario's known end if later
    // (an imported or shared scenario can be scrubbed through before it is played).
    let scrub_max = {
        let s = sim.scenario();
        let known = s.duration.map_or(0, |d| d.0).max(s.script.last().map_or(0, |st| st.at.0));
        sim.furthest.max(known).max(sim.now()).div_ceil(100) * 100
    };
    html! {
        <div class="controls" role="group" aria-label={t.time_controls}>
            <span class="clock" role="timer" title={t.clock_help}>
                <span class="visually-hidden">{ t.clock }{ " " }</span>
                { format_clock(sim.now()) }
            </span>
            <button type="button" class="primary" onclick={toggle}>
                { play_label }
            </button>
            <button type="button" onclick={step}>
                { t.step }
            </button>
            <label class="inline">
                { t.speed }
                <select onchange={speed}>
                    { for SPEEDS.iter().map(|s| html! {
                        <option value={s.to_string()} selected={(*s - sim.speed).abs() < 1e-9}>
                            { format!("{s}×") }
                        </option>
                    }) }
                </select>
            </label>
            <label class="inline">
                <input type="checkbox" checked={sim.projector} onchange={projector} />
                { t.projector }
            </label>
            <label class="inline scrub" title={t.time_scrub_help}>
                { t.time_scrub }
                <input type="range" aria-label={t.time_scrub} min="0" max={scrub_max.to_string()} step="100"
                    value={sim.now().to_string()} onchange={scrub} />
            </label>
            if !ctx.embedded { <span class="hint">{ t.shortcuts }</span> }
        </div>
    }
}

/// While a long replay catches up (scrubbing back, a link far into a run): where it is going
/// and how far it has got. The page stays responsive meanwhile.
#[function_component(ReplayProgress)]
pub fn replay_progress() -> Html {
    let ctx = use_sim();
    let sim = ctx.sim.borrow();
    let t = use_text();
    let Some(target) = sim.catching_up else { return html! {} };
    let percent = sim.now() * 100 / target.max(1);
    html! {
        <p class="replaying" role="status">
            { super::text::fill(t.replaying, &[&format_clock(target), &percent]) }
            <progress max="100" value={percent.to_string()} aria-hidden="true"></progress>
        </p>
    }
}
