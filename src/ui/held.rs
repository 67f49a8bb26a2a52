//! Long lists (hundreds of producer cards or topics): an item off screen is held as it was —
//! its components are not re-rendered — while the clock runs, and after a pause or a language
//! switch it catches up a few items a frame instead of all in one task (issue #16: with every
//! cap at its maximum, re-rendering 256 cards and 256 topics in one go blocked the page for
//! seconds). Short lists (every lesson's) are not held at all: they behave as before.

use super::state::{use_handle, use_sim, Ctx, Handle, Sim};
use super::text::LangContext;
use std::rc::Rc;
use yew::prelude::*;

/// A cluster with more topics, producers or consumers than this is large: its lists (producer
/// and consumer cards, topics, groups) are held (see the module's doc). No lesson comes near.
pub const HOLD_ABOVE: usize = 24;

/// Whether the cluster is large (see [`HOLD_ABOVE`]).
pub fn large(sim: &Sim) -> bool {
    let c = &sim.run.cluster;
    c.topics().len() > HOLD_ABOVE || c.producers().len() > HOLD_ABOVE || c.consumers().len() > HOLD_ABOVE
}
/// Off-screen items caught up per frame after a pause or a language switch.
pub const CATCH_UP_PER_FRAME: usize = 4;
/// A frame, in real milliseconds (the catch-up's step).
const FRAME_MS: u32 = 16;

/// Where a held item says whether the browser skips drawing its element
/// (`content-visibility: auto`; see [`super::dom::use_skipped`]).
#[derive(Clone, PartialEq)]
pub struct SkipReport(pub Callback<bool>);

/// Reports `skipped` to the enclosing [`Held`], if any.
#[hook]
pub fn use_report_skipped(skipped: bool) {
    let report = use_context::<SkipReport>();
    use_effect_with(skipped, move |s| {
        if let Some(r) = report {
            r.0.emit(*s);
        }
    });
}

#[derive(Properties, PartialEq)]
pub struct HeldProps {
    /// Whether to hold at all: the cluster is [`large`].
    pub active: bool,
    /// Its place in the list: the order in which off-screen items catch up.
    pub turn: usize,
    pub children: Html,
}

/// What the wrapped components see: the model's context, its non-ticking handle, the language.
#[derive(Clone, PartialEq)]
struct Seen {
    ctx: Ctx,
    handle: Handle,
    lang: LangContext,
}

/// Gives what it wraps the live contexts, or — while it is long-listed, off screen, and either
/// the clock runs or its turn to catch up has not come — the ones it last gave.
#[function_component(Held)]
pub fn held(props: &HeldProps) -> Html {
    let live =
        Seen { ctx: use_sim(), handle: use_handle(), lang: use_context::<LangContext>().unwrap_or_default() };
    let skipped = use_state_eq(|| false);
    let given = use_mut_ref(|| None::<Seen>);
    // The version and language released to catch up (set by the turn's timer).
    let released = use_state_eq(|| None::<(u64, LangContext)>);
    let playing = live.ctx.sim.borrow().playback.playing;
    let mark = (live.ctx.version, live.lang);
    let stale = given.borrow().as_ref().is_some_and(|g| *g != live);
    let hold = props.active && *skipped && stale && (playing || *released != Some(mark));
    if !hold {
        *given.borrow_mut() = Some(live.clone());
    }
    let waiting = hold && !playing;
    {
        let released = released.clone();
        let delay = FRAME_MS * (1 + (props.turn / CATCH_UP_PER_FRAME) as u32);
        let timer = use_mut_ref(|| None::<gloo::timers::callback::Timeout>);
        use_effect_with((waiting, mark), move |(waiting, mark)| {
            let mark = *mark;
            *timer.borrow_mut() = waiting
                .then(|| gloo::timers::callback::Timeout::new(delay, move || released.set(Some(mark))));
            move || drop(timer.borrow_mut().take())
        });
    }
    let report = {
        let skipped = skipped.clone();
        use_memo((), move |_| SkipReport(Callback::from(move |s: bool| skipped.set(s))))
    };
    let seen = given.borrow().clone().unwrap_or(live);
    html! {
        <ContextProvider<SkipReport> context={(*report).clone()}>
        <ContextProvider<LangContext> context={seen.lang}>
        <ContextProvider<Handle> context={seen.handle}>
        <ContextProvider<Ctx> context={seen.ctx}>
            { props.children.clone() }
        </ContextProvider<Ctx>>
        </ContextProvider<Handle>>
        </ContextProvider<LangContext>>
        </ContextProvider<SkipReport>>
    }
}

/// The same `Rc` as last time while the list's items stay equal, so the views sharing it
/// compare by pointer (an `Rc<Vec<_>>` of 256 topic names compared by value in each of 256 cards
/// was 65 536 string comparisons a frame).
pub fn same_rc<T: PartialEq>(cache: &std::cell::RefCell<Rc<Vec<T>>>, fresh: Vec<T>) -> Rc<Vec<T>> {
    let mut cache = cache.borrow_mut();
    if **cache != fresh {
        *cache = Rc::new(fresh);
    }
    cache.clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    #[test]
    fn same_rc_keeps_the_pointer_while_the_items_stay_equal() {
        let cache = RefCell::new(Rc::new(Vec::<String>::new()));
        let a = same_rc(&cache, vec!["t1".to_string(), "t2".to_string()]);
        let b = same_rc(&cache, vec!["t1".to_string(), "t2".to_string()]);
        assert!(Rc::ptr_eq(&a, &b));
        let c = same_rc(&cache, vec!["t1".to_string()]);
        assert!(!Rc::ptr_eq(&a, &c));
        assert_eq!(*c, ["t1"]);
    }
}
