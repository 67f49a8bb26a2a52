//! Stable sorting through one compiled sort (issue 18, bytes).
//!
//! The standard library's stable sort (`sort`, `sort_by`, `sort_by_key`) is compiled once per
//! element type and comparison: ~3.7 kB of wasm each, and the page had 27 of them (~100 kB, a
//! fifth of the bundle's growth). These functions give the same order (stable: equal elements
//! keep their order) by sorting positions (`u32`) with one comparison behind a `dyn`, which is
//! compiled once, and then moving the elements into place. They suit the playground's short
//! lists (members, partitions, moves, lines of a tool's output); a hot loop that sorts plain
//! numbers keeps `sort`.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// The set of `items`, as `collect()` makes it. `collect()` into a `BTreeSet`/`BTreeMap` first
/// sorts the items in a `Vec` (one more compiled stable sort per element type, ~3 kB of wasm
/// each) and then builds the tree in bulk (another per type); inserting one by one reuses the
/// `insert` the type has anyway. Same contents, so the same iteration order.
pub fn set<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    set.extend(items);
    set
}

/// The map of `items`, as `collect()` makes it (a key given twice keeps its last value); see
/// [`set`].
pub fn map<K: Ord, V>(items: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    map.extend(items);
    map
}

/// `.collect_set()` / `.collect_map()`: [`set`] and [`map`] where `.collect()` would be.
pub trait CollectTree: Iterator + Sized {
    fn collect_set(self) -> BTreeSet<Self::Item>
    where
        Self::Item: Ord,
    {
        set(self)
    }
    fn collect_map<K: Ord, V>(self) -> BTreeMap<K, V>
    where
        Self: Iterator<Item = (K, V)>,
    {
        map(self)
    }
}

impl<I: Iterator> CollectTree for I {}

/// Sorts `v` stably by `cmp`, as `v.sort_by(cmp)` does.
pub fn by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut order: Vec<u32> = (0..v.len() as u32).collect();
    sort_positions(&mut order, &mut |a, b| cmp(&v[a as usize], &v[b as usize]));
    permute(v, &mut order);
}

/// Sorts `v` stably by `key`, as `v.sort_by_key(key)` does.
pub fn by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` stably, as `v.sort()` does.
pub fn ascending<T: Ord>(v: &mut [T]) {
    by(v, T::cmp);
}

/// The one stable sort the functions above share.
#[inline(never)]
fn sort_positions(order: &mut [u32], cmp: &mut dyn FnMut(u32, u32) -> Ordering) {
    order.sort_by(|&a, &b| cmp(a, b));
}

/// Puts the element at `order[i]` at position `i`, following each cycle of the permutation
/// once (`order` is used up: every entry ends as its own position).
fn permute<T>(v: &mut [T], order: &mut [u32]) {
    for start in 0..order.len() {
        let mut at = start;
        loop {
            let from = order[at] as usize;
            order[at] = at as u32;
            if from == start || from == at {
                break;
            }
            v.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn equal_elements_keep_their_order() {
        let mut v = vec![(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd'), (0, 'e')];
        by_key(&mut v, |p| p.0);
        assert_eq!(v, [(0, 'e'), (1, 'b'), (1, 'd'), (2, 'a'), (2, 'c')]);
        let mut s = vec!["b".to_string(), "a".to_string()];
        ascending(&mut s);
        assert_eq!(s, ["a", "b"]);
    }

    proptest! {
        /// `set` and `map` hold what `collect()` makes, in the same order.
        #[test]
        fn set_and_map_are_collect(v in proptest::collection::vec((0u8..20, any::<u16>()), 0..100)) {
            prop_assert!(set(v.iter().map(|p| p.0)).into_iter().eq(v.iter().map(|p| p.0).collect::<BTreeSet<_>>()));
            prop_assert!(map(v.iter().copied()).into_iter().eq(v.iter().copied().collect::<BTreeMap<_, _>>()));
        }

        /// The same order as the standard library's stable sort, for any input.
        #[test]
        fn same_order_as_std(v in proptest::collection::vec((0u8..6, any::<u16>()), 0..200)) {
            let mut ours = v.clone();
            let mut theirs = v;
            by_key(&mut ours, |p| p.0);
            theirs.sort_by_key(|p| p.0);
            prop_assert_eq!(&ours, &theirs);
            by(&mut ours, |a, b| b.cmp(a));
            theirs.sort_by(|a, b| b.cmp(a));
            prop_assert_eq!(ours, theirs);
        }
    }
}
