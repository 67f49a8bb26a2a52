//! The cluster's use of its due-time queue (`schedule.rs`): refiling the nodes touched since
//! the last flush, the next wake-up, and the nodes of one kind due by a time.

use crate::core::cluster::Cluster;
use crate::core::schedule::Kind;
use crate::core::time::Millis;

impl Cluster {
    /// Refiles every node touched since the last flush.
    pub(crate) fn flush_schedule(&mut self) {
        let session = self.config.consumer_session_timeout_ms;
        let s = &mut self.schedule;
        s.producers.refile(&mut self.producers, |p| p.next_wakeup(), false);
        s.consumers.refile(&mut self.consumers, |c| c.next_wakeup(), false);
        let rebuild = s.groups_session != Some(session);
        s.groups_session = Some(session);
        s.groups.refile(&mut self.broker.groups, |g| g.next_wakeup(session), rebuild);
    }

    /// Whether the queues may be behind the nodes (something touched them since the flush).
    fn schedule_stale(&self) -> bool {
        self.producers.is_touched()
            || self.consumers.is_touched()
            || self.broker.groups.is_touched()
            || self.schedule.groups_session != Some(self.config.consumer_session_timeout_ms)
    }

    /// The next wake-up from the queues (they must be flushed), or a scan of every node when
    /// something touched them since: the same answer either way.
    pub(crate) fn next_wakeup_queued(&self) -> Option<Millis> {
        if self.schedule_stale() {
            return self.next_wakeup_scan();
        }
        let s = &self.schedule;
        let nodes = [s.producers.first(), s.groups.first(), s.consumers.first()].into_iter().flatten().min();
        // The retention check: its condition costs a look at every topic, so it is asked only
        // when it would come first.
        let t = match nodes {
            Some(t) if t <= self.broker.next_retention_at => Some(t),
            _ => match self.broker.retention_timeout() {
                Some(r) => Some(nodes.map_or(r, |t| t.min(r))),
                None => nodes,
            },
        };
        // The replicas' and the share coordinator's timers (one look each, not per node).
        let t = [
            t,
            self.broker.replicas.next_wakeup(),
            self.broker.share.next_timer(),
            self.broker.produce.next_timer(),
        ]
        .into_iter()
        .flatten()
        .min();
        let t = t.map(|t| t.max(self.now));
        debug_assert_eq!(t, self.next_wakeup_scan(), "the due-time queue disagrees with a scan");
        t
    }

    /// The names of one kind due by `t`, in name order (the queues must be flushed).
    pub(crate) fn due(&self, kind: Kind, t: Millis) -> Vec<String> {
        let q = match kind {
            Kind::Producer => &self.schedule.producers,
            Kind::Group => &self.schedule.groups,
            Kind::Consumer => &self.schedule.consumers,
        };
        let due = q.due_by(t);
        #[cfg(debug_assertions)]
        {
            let session = self.config.consumer_session_timeout_ms;
            let by = |w: Option<Millis>| w.is_some_and(|w| w <= t);
            let scan: Vec<String> = match kind {
                Kind::Producer => self
                    .producers
                    .iter()
                    .filter(|(_, p)| by(p.next_wakeup()))
                    .map(|(n, _)| n.clone())
                    .collect(),
                Kind::Group => self
                    .broker
                    .groups
                    .iter()
                    .filter(|(_, g)| by(g.next_wakeup(session)))
                    .map(|(n, _)| n.clone())
                    .collect(),
                Kind::Consumer => self
                    .consumers
                    .iter()
                    .filter(|(_, c)| by(c.next_wakeup()))
                    .map(|(n, _)| n.clone())
                    .collect(),
            };
            debug_assert_eq!(due, scan, "the due-time queue disagrees with a scan ({kind:?} at {t})");
        }
        due
    }
}
