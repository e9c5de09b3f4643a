//! Keeping `serve`'s caches current between rebuilds: small map utilities used by every
//! cache (content, build).

use std::hash::Hash;

use ahash::{AHashMap, AHashSet};
use bytes::Bytes;

/// Whether two `Bytes` are views of the very same bytes (a clone of one another): equal without
/// reading them.
pub(crate) fn shares(a: &Bytes, b: &Bytes) -> bool {
    a.as_ptr() == b.as_ptr() && a.len() == b.len()
}

/// Makes `map` hold exactly the given keys, each with the value `make` builds from its source,
/// updating in place: from one `serve` rebuild to the next nearly every key is the same, and
/// rebuilding the maps from scratch would cost more than the rest of a rebuild on a large site.
///
/// An entry whose value is already `same` as its source is left alone. Values hold `Arc`s
/// shared with the site, and cloning one just to drop the equal one it replaces would touch
/// two reference counts per page on cache lines no one else was using.
pub(crate) fn refresh<'a, K, V, S>(
    map: &mut AHashMap<K, V>,
    entries: impl Iterator<Item = (&'a K, S)>,
    same: impl Fn(&V, &S) -> bool,
    make: impl Fn(S) -> V,
) where
    K: Hash + Eq + Clone + 'a,
{
    let mut keys: Vec<&K> = Vec::new();
    for (k, source) in entries {
        keys.push(k);
        match map.get_mut(k) {
            Some(slot) if same(slot, &source) => {}
            Some(slot) => *slot = make(source),
            None => {
                map.insert(k.clone(), make(source));
            }
        }
    }
    if map.len() > keys.len() {
        // Files were removed or renamed: keep only this build's keys.
        let keep: AHashSet<&K> = keys.into_iter().collect();
        map.retain(|k, _| keep.contains(k));
    }
}

/// [`refresh`] for values kept by position (a page's index in the reading order): `slots`
/// ends with one value per entry, and only the slots whose value is not `same` as their
/// entry's source are made again.
pub(crate) fn refresh_slots<V, S>(
    slots: &mut Vec<V>,
    entries: impl Iterator<Item = S>,
    same: impl Fn(&V, &S) -> bool,
    make: impl Fn(S) -> V,
) {
    let mut n = 0;
    for (i, source) in entries.enumerate() {
        match slots.get_mut(i) {
            Some(slot) if same(slot, &source) => {}
            Some(slot) => *slot = make(source),
            None => slots.push(make(source)),
        }
        n = i + 1;
    }
    slots.truncate(n);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(map: &mut AHashMap<String, u32>, entries: &[(&String, u32)]) {
        refresh(map, entries.iter().copied(), |v, s| v == s, |s| s);
    }

    #[test]
    fn refresh_slots_makes_only_changed_slots_and_ends_with_one_per_entry() {
        let made = std::cell::Cell::new(0);
        let make = |s: u32| {
            made.set(made.get() + 1);
            s
        };
        let mut slots = vec![1, 2, 3];
        refresh_slots(&mut slots, [1, 20].into_iter(), |v, s| v == s, make);
        assert_eq!((slots.clone(), made.get()), (vec![1, 20], 1));
        refresh_slots(&mut slots, [1, 20, 30, 40].into_iter(), |v, s| v == s, make);
        assert_eq!((slots, made.get()), (vec![1, 20, 30, 40], 3));
    }

    #[test]
    fn refresh_updates_in_place_and_drops_keys_no_longer_given() {
        let mut map: AHashMap<String, u32> = AHashMap::new();
        let keys: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        plain(&mut map, &[(&keys[0], 1), (&keys[1], 2), (&keys[2], 3)]);
        plain(&mut map, &[(&keys[0], 10), (&keys[2], 30)]);
        let mut got: Vec<_> = map.into_iter().collect();
        got.sort();
        assert_eq!(got, [("a".to_string(), 10), ("c".to_string(), 30)]);
    }

    #[test]
    fn refresh_leaves_values_that_are_the_same_and_makes_only_the_others() {
        use std::sync::Arc;
        let mut map: AHashMap<String, Arc<str>> = AHashMap::new();
        let (a, b) = ("a".to_string(), "b".to_string());
        let (old_a, old_b) = (Arc::<str>::from("x"), Arc::<str>::from("y"));
        map.insert(a.clone(), Arc::clone(&old_a));
        map.insert(b.clone(), Arc::clone(&old_b));
        let new_b = Arc::<str>::from("y");
        let made = std::cell::Cell::new(0);
        refresh(
            &mut map,
            [(&a, &old_a), (&b, &new_b)].into_iter(),
            |v, s| Arc::ptr_eq(v, s),
            |s| {
                made.set(made.get() + 1);
                Arc::clone(s)
            },
        );
        assert_eq!(made.get(), 1, "only the changed entry is made");
        assert!(Arc::ptr_eq(&map[&a], &old_a) && Arc::ptr_eq(&map[&b], &new_b));
        // The untouched entry's count did not move: the map's and ours.
        assert_eq!(Arc::strong_count(&old_a), 2);
    }
}
