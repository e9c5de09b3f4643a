//! Keeping `serve`'s caches current between rebuilds.

use std::hash::Hash;

use ahash::{AHashMap, AHashSet};

/// Makes `map` hold exactly the given entries, updating in place: from one `serve` rebuild to
/// the next nearly every key is the same, and rebuilding the maps from scratch cost more than
/// the rest of a rebuild on a large site.
pub fn refresh<'a, K, V>(map: &mut AHashMap<K, V>, entries: impl Iterator<Item = (&'a K, V)>)
where
    K: Hash + Eq + Clone + 'a,
{
    let mut keys: Vec<&K> = Vec::new();
    for (k, v) in entries {
        keys.push(k);
        match map.get_mut(k) {
            Some(slot) => *slot = v,
            None => {
                map.insert(k.clone(), v);
            }
        }
    }
    if map.len() > keys.len() {
        // Files were removed or renamed: keep only this build's keys.
        let keep: AHashSet<&K> = keys.into_iter().collect();
        map.retain(|k, _| keep.contains(k));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_updates_in_place_and_drops_keys_no_longer_given() {
        let mut map: AHashMap<String, u32> = AHashMap::new();
        let keys: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        refresh(&mut map, keys.iter().zip(1..));
        refresh(&mut map, [(&keys[0], 10), (&keys[2], 30)].into_iter());
        let mut got: Vec<_> = map.into_iter().collect();
        got.sort();
        assert_eq!(got, [("a".to_string(), 10), ("c".to_string(), 30)]);
    }
}
