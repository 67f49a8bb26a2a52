//! Playback: the clock the page runs the scenario by — playing or paused, the speed, the
//! simulated time a frame has reached, how far the run has been, a replay still catching up,
//! and how much work a frame may do. It knows nothing of the cluster: [`Sim`](super::Sim)
//! advances the run to the times it computes.

use crate::core::time::Millis;

/// Longest real-time gap one frame may advance (a hidden tab does not jump minutes ahead).
pub const MAX_FRAME_MS: f64 = 250.0;
/// Longest the core may run in one tick before the page gets its turn, in real milliseconds:
/// a scenario that costs more than that per frame (every cap at its maximum) advances in
/// slices, and the clock says it is behind ([`Playback::is_behind`]) instead of freezing the page.
pub const FRAME_WORK_MS: f64 = 12.0;
/// The largest slice of simulated time one step of a tick takes (see [`Playback::slice_ms`]).
const MAX_SLICE_MS: Millis = 64;
/// How long (real ms) the clock keeps saying it is behind after the last tick that was.
const BEHIND_SHOWN_MS: f64 = 1_000.0;
/// The speeds offered.
pub const SPEEDS: [f64; 7] = [0.25, 0.5, 1.0, 2.0, 4.0, 5.0, 10.0];

/// The clock: play/pause, speed, stepping's and a frame's bookkeeping.
pub struct Playback {
    pub playing: bool,
    pub speed: f64,
    /// Simulated time with the fraction of a millisecond the core does not keep.
    pub sim_time: f64,
    /// The last frame's `performance.now()`, while the clock runs.
    pub last_real: Option<f64>,
    /// The furthest simulated time reached (the end of the Time range).
    pub furthest: Millis,
    /// The scenario's `duration` pause already happened (Play goes on past it).
    pub duration_done: bool,
    /// A replay still on its way to this moment (scrubbing back, opening a link far into a
    /// run): it goes on a slice per tick, so a long replay never freezes the page.
    pub catching_up: Option<Millis>,
    /// Ticks spent catching up (the page redraws on every `REPLAY_RENDER_EVERY`th).
    pub catch_up_ticks: u32,
    /// The page's clock in real milliseconds (`performance.now()`; a constant natively, where
    /// ticks are given their time): what bounds a tick's work to [`FRAME_WORK_MS`].
    pub wall: fn() -> f64,
    /// Simulated milliseconds one slice of a tick advances, adapted to what a slice cost.
    pub slice_ms: Millis,
    /// The real time until which the clock says the run cannot keep up with the speed (the
    /// core needed more than a frame's work for a frame): the clock runs slower then.
    pub behind_until: Option<f64>,
}

/// The page's clock (see [`Playback::wall`]).
#[cfg(target_arch = "wasm32")]
fn wall_clock() -> f64 {
    crate::ui::dom::now_ms()
}
#[cfg(not(target_arch = "wasm32"))]
fn wall_clock() -> f64 {
    0.0
}

impl Default for Playback {
    fn default() -> Self {
        Playback {
            playing: true,
            speed: 1.0,
            sim_time: 0.0,
            last_real: None,
            furthest: 0,
            duration_done: false,
            catching_up: None,
            catch_up_ticks: 0,
            wall: wall_clock,
            slice_ms: 1,
            behind_until: None,
        }
    }
}

impl Playback {
    /// Stops the clock (the next frame starts counting afresh).
    pub fn pause(&mut self) {
        self.playing = false;
        self.last_real = None;
    }

    /// Starts the clock.
    pub fn play(&mut self) {
        self.playing = true;
        self.last_real = None;
    }

    /// Play ⇄ pause.
    pub fn toggle(&mut self) {
        self.playing = !self.playing;
        self.last_real = None;
    }

    /// A speed from the select (anything not a positive number is ignored; 0.25×–10×).
    pub fn set_speed(&mut self, s: f64) {
        if s.is_finite() && s > 0.0 {
            self.speed = s.clamp(0.25, 10.0);
        }
    }

    /// A frame at `real` (`performance.now()`): the simulated time it brings the clock to, if
    /// the clock runs and this is not its first frame. At most [`MAX_FRAME_MS`] of real time
    /// counts, times the speed.
    pub fn frame(&mut self, real: f64) -> Option<Millis> {
        let last = self.last_real.replace(real);
        if !self.playing {
            return None;
        }
        let dt = (real - last?).clamp(0.0, MAX_FRAME_MS);
        self.sim_time += dt * self.speed;
        Some(self.sim_time as Millis)
    }

    /// A slice of a tick took `spent` real ms: the next one doubles while slices cost little
    /// and halves when they cost much.
    pub fn slice_took(&mut self, spent: f64) {
        if spent < FRAME_WORK_MS / 8.0 {
            self.slice_ms = (self.slice_ms * 2).clamp(1, MAX_SLICE_MS);
        } else if spent > FRAME_WORK_MS / 3.0 {
            self.slice_ms = (self.slice_ms / 2).max(1);
        }
    }

    /// The tick ran out of time at simulated `now`, real `real`: what it could not do is
    /// dropped (the clock runs slower than the speed) and the clock says so for a while.
    pub fn fell_behind(&mut self, now: Millis, real: f64) {
        self.sim_time = now as f64;
        self.behind_until = Some(real + BEHIND_SHOWN_MS);
    }

    /// Whether the clock is running slower than the speed chosen, because the core cannot do a
    /// frame's work within a frame (see `Sim::advance_sliced`).
    pub fn is_behind(&self) -> bool {
        self.playing && self.last_real.zip(self.behind_until).is_some_and(|(real, until)| real < until)
    }

    /// The clock is at `now` after a jump (a replay that arrived, a step): the next frame goes
    /// on from there. `ended`: the scenario's duration is behind it.
    pub fn arrived(&mut self, now: Millis, ended: bool) {
        self.catching_up = None;
        self.sim_time = now as f64;
        self.last_real = None;
        self.furthest = self.furthest.max(now);
        self.duration_done = ended;
    }
}
