//! The header's time controls: the simulated clock, Play/Pause, Step, speed, projector mode,
//! and the Time range (scrub back: the run is replayed from its seed to that moment, paused).

use super::dom::{event_checked, event_value};
use super::state::playback::SPEEDS;
use super::state::{use_handle, use_sim, Action, Sim};
use super::text::{use_text, Lang};
use crate::core::time::{format_clock, Millis};
use yew::prelude::*;

/// The Time range's step, in simulated milliseconds.
const SCRUB_STEP: Millis = 100;

/// What the controls show but the clock, computed each frame by [`Controls`]: the bar
/// re-renders only when it changes (the range moves one step per 100 ms of simulated time).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ControlsView {
    pub playing: bool,
    pub speed: f64,
    pub projector: bool,
    pub scrub_max: Millis,
    /// The range's value: the clock on the range's step (the browser would snap it there).
    pub scrub_value: Millis,
}

impl ControlsView {
    pub fn of(sim: &Sim) -> Self {
        // The range ends at the furthest moment reached, or the scenario's known end if later
        // (an imported or shared scenario can be scrubbed through before it is played).
        let scrub_max = {
            let s = sim.scenario();
            let known = s.duration.map_or(0, |d| d.0).max(s.script.last().map_or(0, |st| st.at.0));
            sim.playback.furthest.max(known).max(sim.now()).div_ceil(SCRUB_STEP) * SCRUB_STEP
        };
        let scrub_value = ((sim.now() + SCRUB_STEP / 2) / SCRUB_STEP * SCRUB_STEP).min(scrub_max);
        ControlsView {
            playing: sim.playback.playing,
            speed: sim.playback.speed,
            projector: sim.projector,
            scrub_max,
            scrub_value,
        }
    }
}

/// The time controls (on the ticking context only to build the view).
#[function_component(Controls)]
pub fn controls() -> Html {
    let ctx = use_sim();
    let view = ControlsView::of(&ctx.sim.borrow());
    html! { <ControlsBar {view} /> }
}

#[derive(Properties, PartialEq)]
struct BarProps {
    view: ControlsView,
}

#[function_component(ControlsBar)]
fn controls_bar(props: &BarProps) -> Html {
    let ctx = use_handle();
    let t = use_text();
    let v = props.view;
    let d = ctx.dispatch.clone();
    let toggle = d.reform(|_: MouseEvent| Action::TogglePlay);
    let step = d.reform(|_: MouseEvent| Action::Step);
    let step_event = d.reform(|_: MouseEvent| Action::StepEvent);
    let speed = d.reform(|e: Event| Action::SetSpeed(event_value(&e).parse().unwrap_or(1.0)));
    let projector = d.reform(|e: Event| Action::SetProjector(event_checked(&e)));
    let play_label = if v.playing { t.pause } else { t.play };
    let scrub = d.reform(|e: Event| Action::Rewind(event_value(&e).parse().unwrap_or(0)));
    html! {
        <div class="controls" role="group" aria-label={t.time_controls}>
            <Clock />
            <button type="button" class="primary" onclick={toggle}>
                { play_label }
            </button>
            <button type="button" onclick={step} title={t.step_help}>
                { t.step }
            </button>
            <button type="button" class="fine-step" onclick={step_event}>
                { t.step_event }
            </button>
            <label class="inline">
                { t.speed }
                <select onchange={speed}>
                    { for SPEEDS.iter().map(|s| html! {
                        <option value={s.to_string()} selected={(*s - v.speed).abs() < 1e-9}>
                            { format!("{s}×") }
                        </option>
                    }) }
                </select>
            </label>
            <label class="inline">
                <input type="checkbox" checked={v.projector} onchange={projector} />
                { t.projector }
            </label>
            <label class="inline scrub" title={t.time_scrub_help}>
                { t.time_scrub }
                <span class="scrub-box">
                    <input type="range" aria-label={t.time_scrub} min="0" max={v.scrub_max.to_string()}
                        step={SCRUB_STEP.to_string()} value={v.scrub_value.to_string()} onchange={scrub}
                        aria-valuetext={scrub_text(v.scrub_value, v.scrub_max, ctx.lang)} />
                </span>
            </label>
            if !ctx.embedded { <span class="hint">{ t.shortcuts }</span> }
        </div>
    }
}

/// What a screen reader says for the Time range: the clock, not milliseconds — "00:12.8 of
/// 01:00.0" (the range's step is a tenth of a second).
pub fn scrub_text(value: Millis, max: Millis, lang: Lang) -> String {
    let clock = |ms: Millis| {
        let tenths = ms / 100;
        let (m, s, d) = (tenths / 600, (tenths / 10) % 60, tenths % 10);
        format!("{m:02}:{s:02}.{d}")
    };
    super::text::fill(super::text::text_for(lang).scrub_of, &[&clock(value), &clock(max)])
}

/// While a long replay catches up (scrubbing back, a link far into a run): where it is going
/// and how far it has got. The page stays responsive meanwhile.
#[function_component(ReplayProgress)]
pub fn replay_progress() -> Html {
    let ctx = use_sim();
    let sim = ctx.sim.borrow();
    let t = use_text();
    let Some(target) = sim.playback.catching_up else { return html! {} };
    let percent = sim.now() * 100 / target.max(1);
    html! {
        <p class="replaying" role="status">
            { super::text::fill(t.replaying, &[&format_clock(target), &percent]) }
            <progress max="100" value={percent.to_string()} aria-hidden="true"></progress>
        </p>
    }
}

/// The simulated clock: the one part of the header that changes every frame.
#[function_component(Clock)]
fn clock() -> Html {
    let ctx = use_sim();
    let t = use_text();
    let (now, behind) = {
        let sim = ctx.sim.borrow();
        (format_clock(sim.now()), sim.is_behind())
    };
    // A fixed-width box (as many `ch` as characters, in a monospace font): the time changing
    // is laid out inside it, not through the header (see `.clock-time` in app.css).
    let width = format!("width: {}ch", now.chars().count());
    html! {
        <span class="clock" role="timer" title={t.clock_help}>
            <span class="visually-hidden">{ t.clock }{ " " }</span>
            <span class="clock-time" style={width}>{ now }</span>
            if behind {
                <span class="clock-behind" title={t.clock_behind}>{ "⏳" }<span class="visually-hidden">{ t.clock_behind }</span></span>
            }
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_range_is_read_as_the_clock() {
        assert_eq!(scrub_text(12_800, 60_000, Lang::En), "00:12.8 of 01:00.0");
        assert_eq!(scrub_text(0, 100, Lang::En), "00:00.0 of 00:00.1");
        assert_eq!(scrub_text(61_000, 600_000, Lang::Ru), "01:01.0 из 10:00.0");
    }
}
