//! The cluster's switch for keeping what each client was told (`learned.rs`), for checkers.

use crate::core::cluster::Cluster;
use crate::core::learned::Learned;

impl Cluster {
    /// Starts (or stops) keeping what each client was told ([`Learned`]), for checkers.
    pub fn record_learned(&mut self, on: bool) {
        self.learned = on.then(|| self.learned.take().unwrap_or_default());
    }

    /// What each client was told, if [`record_learned`](Self::record_learned) is on.
    pub fn learned(&self) -> Option<&Learned> {
        self.learned.as_ref()
    }
}
