//! A typed timer table (quinn-proto's `TimerTable`): each node keeps its wake-ups under a
//! reason, so the soonest one is known together with *why* it is due — what the UI shows as
//! "next: heartbeat of c1 in 300 ms".

use crate::core::time::Millis;
use std::collections::BTreeMap;

/// Why a node wakes up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Timer {
    /// A producer's next send (its rate or `linger.ms`).
    ProducerSend,
    /// A consumer's next `poll()`.
    ConsumerPoll,
    /// A member's next Heartbeat / ConsumerGroupHeartbeat (`heartbeat.interval.ms`).
    Heartbeat,
    /// The end of a member's `session.timeout.ms` without a heartbeat (coordinator side).
    SessionExpiry,
    /// The end of a rebalance's `max.poll.interval.ms` wait for JoinGroups.
    RebalanceTimeout,
    /// `group.initial.rebalance.delay.ms` for a new classic group.
    InitialRebalanceDelay,
    /// The end of the network hop between a JoinGroup answer and the SyncGroup answer
    /// (`playground.network.latency.ms`).
    SyncGroupHop,
    /// `log.retention.check.interval.ms` (the playground checks every simulated second).
    RetentionCheck,
    /// A request's `request.timeout.ms`.
    RequestTimeout,
    /// A share-partition's acquisition lock running out, or a share member's session ending
    /// (`group.share.record.lock.duration.ms`, `group.share.session.timeout.ms`).
    ShareGroup,
}

/// Wake-ups by reason; at most one per reason (setting it again moves it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimerTable {
    at: BTreeMap<Timer, Millis>,
}

impl TimerTable {
    pub fn set(&mut self, timer: Timer, at: Millis) {
        self.at.insert(timer, at);
    }

    pub fn stop(&mut self, timer: Timer) {
        self.at.remove(&timer);
    }

    pub fn get(&self, timer: Timer) -> Option<Millis> {
        self.at.get(&timer).copied()
    }

    /// The soonest wake-up and its reason; ties go to the reason listed first in [`Timer`].
    pub fn next(&self) -> Option<(Millis, Timer)> {
        self.at.iter().map(|(&k, &t)| (t, k)).min()
    }

    /// Removes and returns every timer due at or before `now`, soonest first.
    pub fn expire(&mut self, now: Millis) -> Vec<(Millis, Timer)> {
        let mut due: Vec<(Millis, Timer)> =
            self.at.iter().filter(|(_, &t)| t <= now).map(|(&k, &t)| (t, k)).collect();
        crate::core::sort::ascending(&mut due);
        for (_, k) in &due {
            self.at.remove(k);
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_soonest_timer_comes_with_its_reason() {
        let mut t = TimerTable::default();
        t.set(Timer::Heartbeat, 300);
        t.set(Timer::ConsumerPoll, 100);
        t.set(Timer::SessionExpiry, 100);
        assert_eq!(t.next(), Some((100, Timer::ConsumerPoll)));
        t.set(Timer::ConsumerPoll, 500);
        assert_eq!(t.expire(300), [(100, Timer::SessionExpiry), (300, Timer::Heartbeat)]);
        assert_eq!(t.next(), Some((500, Timer::ConsumerPoll)));
        t.stop(Timer::ConsumerPoll);
        assert_eq!(t.next(), None);
    }
}
