//! The cluster's due-time queue: which node wakes next, without visiting every node.
//!
//! Producers, consumers and group coordinators live in [`Tracked`] maps: a `BTreeMap` by name
//! that notes every name handed out mutably (`get_mut`, `insert`, `remove`, `entry`; the
//! whole-map mutators note "all"). [`Cluster::flush_schedule`](crate::core::Cluster::flush_schedule) recomputes the wake-up of just
//! those nodes and files it in a per-kind [`Queue`] ordered by `(time, name)`. So a step
//! touches only the nodes that are due, and the next wake-up is the smallest key of three sets:
//! `O(log n)`.
//!
//! The order of a step is unchanged (ARCHITECTURE.md): at each instant the producers due,
//! then the coordinators due, then the consumers due, each in name order, each kind's due set
//! taken when its turn starts. Debug builds check every answer against a scan of every node.

use super::time::Millis;
use std::borrow::Borrow;
use std::collections::{btree_map, BTreeMap, BTreeSet};

/// A map of nodes by name that remembers which names were handed out mutably since the last
/// [`Tracked::take_touched`]. Reading goes through `Deref` to the `BTreeMap`.
#[derive(Clone)]
pub struct Tracked<V> {
    map: BTreeMap<String, V>,
    touched: Vec<String>,
    all: bool,
}

impl<V> Default for Tracked<V> {
    fn default() -> Self {
        Tracked { map: BTreeMap::new(), touched: Vec::new(), all: false }
    }
}

impl<V: std::fmt::Debug> std::fmt::Debug for Tracked<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.map.fmt(f)
    }
}

impl<V> std::ops::Deref for Tracked<V> {
    type Target = BTreeMap<String, V>;
    fn deref(&self) -> &BTreeMap<String, V> {
        &self.map
    }
}

impl<'a, V> IntoIterator for &'a Tracked<V> {
    type Item = (&'a String, &'a V);
    type IntoIter = btree_map::Iter<'a, String, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.map.iter()
    }
}

impl<V> Tracked<V> {
    fn touch(&mut self, name: &str) {
        note(&mut self.touched, self.all, name);
    }

    pub fn get_mut<Q>(&mut self, name: &Q) -> Option<&mut V>
    where
        String: Borrow<Q>,
        Q: Ord + AsRef<str> + ?Sized,
    {
        let node = self.map.get_mut(name)?;
        note(&mut self.touched, self.all, name.as_ref());
        Some(node)
    }

    pub fn insert(&mut self, name: String, node: V) -> Option<V> {
        self.touch(&name);
        self.map.insert(name, node)
    }

    pub fn remove<Q>(&mut self, name: &Q) -> Option<V>
    where
        String: Borrow<Q>,
        Q: Ord + AsRef<str> + ?Sized,
    {
        let old = self.map.remove(name);
        if old.is_some() {
            self.touch(name.as_ref());
        }
        old
    }

    pub fn entry(&mut self, name: String) -> btree_map::Entry<'_, String, V> {
        self.touch(&name);
        self.map.entry(name)
    }

    pub fn values_mut(&mut self) -> btree_map::ValuesMut<'_, String, V> {
        self.all = true;
        self.map.values_mut()
    }

    pub fn iter_mut(&mut self) -> btree_map::IterMut<'_, String, V> {
        self.all = true;
        self.map.iter_mut()
    }

    pub fn retain(&mut self, keep: impl FnMut(&String, &mut V) -> bool) {
        self.all = true;
        self.map.retain(keep)
    }

    /// Whether anything was handed out mutably since the last `take_touched`.
    pub(crate) fn is_touched(&self) -> bool {
        self.all || !self.touched.is_empty()
    }

    /// The names handed out mutably since the last call (`None`: possibly all of them).
    pub(crate) fn take_touched(&mut self) -> Option<Vec<String>> {
        let names = std::mem::take(&mut self.touched);
        if std::mem::take(&mut self.all) {
            None
        } else {
            Some(names)
        }
    }
}

/// Notes `name` as touched (once in a row; not at all when everything is).
fn note(touched: &mut Vec<String>, all: bool, name: &str) {
    if !all && touched.last().is_none_or(|l| l != name) {
        touched.push(name.to_string());
    }
}

/// One kind's wake-ups, ordered by `(time, name)`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Queue {
    by_time: BTreeSet<(Millis, String)>,
    at: BTreeMap<String, Millis>,
}

impl Queue {
    fn set(&mut self, name: &str, when: Option<Millis>) {
        match (self.at.get_mut(name), when) {
            (Some(old), Some(w)) if *old == w => {}
            (Some(old), Some(w)) => {
                let was = std::mem::replace(old, w);
                let mut key = self.by_time.take(&(was, name.to_string())).expect("filed");
                key.0 = w;
                self.by_time.insert(key);
            }
            (Some(_), None) => {
                let was = self.at.remove(name).expect("filed");
                self.by_time.remove(&(was, name.to_string()));
            }
            (None, Some(w)) => {
                self.at.insert(name.to_string(), w);
                self.by_time.insert((w, name.to_string()));
            }
            (None, None) => {}
        }
    }

    pub(crate) fn refile<'a, V: 'a>(
        &mut self,
        nodes: &mut Tracked<V>,
        wakeup: impl Fn(&V) -> Option<Millis>,
        rebuild: bool,
    ) {
        match nodes.take_touched() {
            Some(names) if !rebuild => {
                for name in names {
                    let w = nodes.get(&name).and_then(&wakeup);
                    self.set(&name, w);
                }
            }
            _ => {
                self.by_time.clear();
                self.at.clear();
                for (name, node) in nodes.iter() {
                    if let Some(w) = wakeup(node) {
                        self.at.insert(name.clone(), w);
                        self.by_time.insert((w, name.clone()));
                    }
                }
            }
        }
    }

    pub(crate) fn first(&self) -> Option<Millis> {
        self.by_time.first().map(|(t, _)| *t)
    }

    /// The names due by `t`, in name order.
    pub(crate) fn due_by(&self, t: Millis) -> Vec<String> {
        let mut due: Vec<String> =
            self.by_time.iter().take_while(|(w, _)| *w <= t).map(|(_, n)| n.clone()).collect();
        crate::core::sort::ascending(&mut due);
        due
    }
}

/// The three queues and what the coordinators' were filed with.
#[derive(Debug, Clone, Default)]
pub(crate) struct Schedule {
    pub(crate) producers: Queue,
    pub(crate) groups: Queue,
    pub(crate) consumers: Queue,
    /// The KIP-848 session timeout the groups' wake-ups were computed with.
    pub(crate) groups_session: Option<Millis>,
}

/// A kind of node, in the order a step visits them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Producer,
    Group,
    Consumer,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_queue_files_moves_and_drops_wakeups() {
        let mut nodes: Tracked<Option<Millis>> = Tracked::default();
        let mut q = Queue::default();
        nodes.insert("b".into(), Some(5));
        nodes.insert("a".into(), Some(5));
        nodes.insert("c".into(), None);
        q.refile(&mut nodes, |w| *w, false);
        assert_eq!(q.first(), Some(5));
        assert_eq!(q.due_by(5), ["a", "b"]);
        *nodes.get_mut("a").unwrap() = Some(9);
        *nodes.get_mut("c").unwrap() = Some(1);
        nodes.remove("b");
        assert!(nodes.is_touched());
        q.refile(&mut nodes, |w| *w, false);
        assert!(!nodes.is_touched());
        assert_eq!(q.due_by(5), ["c"]);
        assert_eq!(q.due_by(9), ["a", "c"]);
        for w in nodes.values_mut() {
            *w = None;
        }
        q.refile(&mut nodes, |w| *w, false);
        assert_eq!(q.first(), None);
    }
}
