//! The session: the scenario being edited as a person's work — what they did after the moment
//! shown (a scrub back), the session a load replaced, the cut an action made and its undo, the
//! Share link, whether an autosave is due, and the names the Add buttons give. The run itself
//! ([`Run`]: the scenario, its cluster and the journal of what the person did) is
//! [`Sim::run`](super::Sim::run); this is what Share, Export and autosave add to it.

use crate::core::scenario::{At, Run, Scenario, ScriptStep};
use crate::core::share::Shared;
use crate::core::time::Millis;
use std::collections::VecDeque;

/// What `Action::UndoCut` restores.
#[derive(Debug, Clone, PartialEq)]
pub struct Uncut {
    pub scenario: Scenario,
    pub steps: Vec<ScriptStep>,
    pub at: Millis,
    pub furthest: Millis,
}

/// The person's work around the run (see the module's text).
#[derive(Default)]
pub struct Session {
    /// What the person did after the moment shown, when they scrubbed back: replayed as the
    /// clock reaches it, dropped when they do something new (a cut, as in a video).
    pub future: VecDeque<ScriptStep>,
    /// The session a load replaced, if it held work: "Restore previous session".
    pub previous: Option<Shared>,
    /// The session just before an action cut what came later (after a scrub back): the run's
    /// scenario, what the person did (done and to come), the moment and the Time range's end.
    /// "Undo" puts it back exactly; the next action or load forgets it.
    pub uncut: Option<Uncut>,
    /// The Share field: link and whether the clipboard took it.
    pub share: Option<(String, Option<bool>)>,
    /// A user command happened since the last autosave.
    pub save_due: bool,
    /// Bumped each time the run is replaced (load, rewind): view models that identify records
    /// by offset include it, since the same offset may hold another record after a replay.
    pub epoch: u64,
    pub consumers_added: u32,
    pub producers_added: u32,
}

impl Session {
    /// The scenario as it stands: `run`'s script, what the person did, and what they did after
    /// the moment shown (if they scrubbed back). Share, Export and autosave write this.
    pub fn export(&self, run: &Run) -> Scenario {
        let mut s = run.export();
        if !self.future.is_empty() {
            s.script.extend(self.future.iter().cloned());
            // Stable: at equal times the steps already there (the script's) stay first.
            crate::core::sort::by_key(&mut s.script, |st| st.at.0);
            if let Some(d) = s.duration {
                let last = s.script.last().map_or(0, |st| st.at.0);
                s.duration = Some(At(d.0.max(last)));
            }
        }
        s
    }

    /// Whether the session holds anything a load would lose: what the person did, or a
    /// scenario that is not a built-in as shipped (imported, opened from a link).
    pub fn has_work(&self, run: &Run) -> bool {
        !run.journal().is_empty()
            || !self.future.is_empty()
            || crate::ui::library::built_in(&run.scenario.id).as_ref() != Some(&run.scenario)
    }

    /// Everything the person did, done (in `run`'s journal) and to come.
    pub fn all_steps(&self, run: &Run) -> Vec<ScriptStep> {
        let mut steps = run.journal().to_vec();
        steps.extend(self.future.iter().cloned());
        steps
    }

    /// The run was replaced by a replay of `steps`: they are all to come again, and what
    /// belonged to the replaced run (the cut, the Share link) is gone.
    pub fn replaced(&mut self, steps: Vec<ScriptStep>) {
        self.epoch += 1;
        self.uncut = None;
        self.share = None;
        self.future = steps.into();
    }

    /// The next free name `prefix`N for the Add buttons (`taken` says which are in use).
    pub fn next_name(&mut self, consumer: bool, taken: impl Fn(&str) -> bool) -> String {
        let (count, prefix) =
            if consumer { (&mut self.consumers_added, "c") } else { (&mut self.producers_added, "p") };
        loop {
            *count += 1;
            let n = format!("{prefix}{count}");
            if !taken(&n) {
                return n;
            }
        }
    }
}
