//! A map whose entries expire and whose size is capped: the lab's refresh tokens, the client
//! assertions it has seen and the tokens it has revoked. Whatever clients do, it never holds more
//! than its capacity.

use std::borrow::Borrow;
use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

/// How many entries each of the lab's stores keeps at most.
pub const STORE_CAPACITY: usize = 10_000;

/// A capped map of entries that expire at a Unix time.
pub(crate) struct BoundedStore<K, V> {
    capacity: usize,
    entries: HashMap<K, Entry<V>>,
    /// Keys in insertion order, with the sequence number they were inserted under; an item
    /// whose sequence no longer matches its entry is stale (removed or replaced since).
    order: VecDeque<(K, u64)>,
    next_seq: u64,
    /// No entry expires before this (it may be earlier than the true earliest after removals):
    /// while `now` is before it, a full store has nothing expired to purge, and the scan is
    /// skipped.
    earliest_exp: u64,
}

struct Entry<V> {
    value: V,
    exp: u64,
    seq: u64,
}

/// Whether [`BoundedStore::insert_if_room`] kept the entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Admission {
    Stored,
    Full,
}

impl<K: Hash + Eq + Clone, V> BoundedStore<K, V> {
    pub(crate) fn new(capacity: usize) -> Self {
        BoundedStore {
            capacity: capacity.max(1),
            entries: HashMap::new(),
            order: VecDeque::new(),
            next_seq: 0,
            earliest_exp: u64::MAX,
        }
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Stores `value` until `exp`, replacing an entry of the same key. Expired entries go first;
    /// if the store is still full, the oldest entries are evicted to make room.
    pub(crate) fn insert(&mut self, key: K, value: V, exp: u64, now: u64) {
        self.make_room(&key, now);
        while self.is_full_for(&key) && self.evict_oldest() {}
        self.put(key, value, exp);
    }

    /// Like [`BoundedStore::insert`], but never evicts a live entry: when the store is full of
    /// unexpired entries the new one is refused. For stores where forgetting is unsafe (a revoked
    /// token must stay revoked).
    pub(crate) fn insert_if_room(&mut self, key: K, value: V, exp: u64, now: u64) -> Admission {
        self.make_room(&key, now);
        if self.is_full_for(&key) {
            return Admission::Full;
        }
        self.put(key, value, exp);
        Admission::Stored
    }

    /// The value, unless it is absent or expired.
    pub(crate) fn get<Q>(&self, key: &Q, now: u64) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.entries
            .get(key)
            .filter(|e| now < e.exp)
            .map(|e| &e.value)
    }

    /// The value and its expiry, expired or not (to say "expired" rather than "unknown").
    pub(crate) fn peek<Q>(&self, key: &Q) -> Option<(&V, u64)>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.entries.get(key).map(|e| (&e.value, e.exp))
    }

    /// Whether `key` is present and unexpired.
    pub(crate) fn contains<Q>(&self, key: &Q, now: u64) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.get(key, now).is_some()
    }

    /// Removes and returns an entry, expired or not, with its expiry.
    pub(crate) fn remove<Q>(&mut self, key: &Q) -> Option<(V, u64)>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let removed = self.entries.remove(key).map(|e| (e.value, e.exp));
        self.compact_order();
        removed
    }

    fn is_full_for(&self, key: &K) -> bool {
        self.entries.len() >= self.capacity && !self.entries.contains_key(key)
    }

    /// Drops expired entries: a few of the oldest on every insert, all of them when full.
    fn make_room(&mut self, key: &K, now: u64) {
        for _ in 0..2 {
            let Some((oldest, seq)) = self.order.front() else {
                break;
            };
            match self.entries.get(oldest) {
                Some(e) if e.seq == *seq && now < e.exp => break,
                Some(e) if e.seq == *seq => {
                    let oldest = oldest.clone();
                    self.entries.remove(&oldest);
                    self.order.pop_front();
                }
                // Stale: the key was removed or inserted again since.
                _ => {
                    self.order.pop_front();
                }
            }
        }
        if self.is_full_for(key) && now >= self.earliest_exp {
            self.entries.retain(|_, e| now < e.exp);
            self.earliest_exp = self
                .entries
                .values()
                .map(|e| e.exp)
                .min()
                .unwrap_or(u64::MAX);
            self.compact_order();
        }
    }

    /// Evicts the oldest live entry; false if there was none.
    fn evict_oldest(&mut self) -> bool {
        while let Some((key, seq)) = self.order.pop_front() {
            if self.entries.get(&key).is_some_and(|e| e.seq == seq) {
                self.entries.remove(&key);
                return true;
            }
        }
        false
    }

    fn put(&mut self, key: K, value: V, exp: u64) {
        let seq = self.next_seq;
        self.next_seq = self.next_seq.wrapping_add(1);
        self.order.push_back((key.clone(), seq));
        self.earliest_exp = self.earliest_exp.min(exp);
        self.entries.insert(key, Entry { value, exp, seq });
        self.compact_order();
    }

    /// Keeps the order queue from growing past twice the capacity with stale items (a key that is
    /// inserted and removed over and over, like a rotating refresh token).
    fn compact_order(&mut self) {
        if self.order.len() > self.capacity.saturating_mul(2) {
            let entries = &self.entries;
            self.order
                .retain(|(k, seq)| entries.get(k).is_some_and(|e| e.seq == *seq));
        }
    }

    #[cfg(test)]
    fn order_len(&self) -> usize {
        self.order.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_holds_more_than_its_capacity_and_evicts_the_oldest() {
        let mut s = BoundedStore::new(100);
        for i in 0..1_000u64 {
            s.insert(i, i, 10_000, 0);
            assert!(s.len() <= 100);
        }
        assert_eq!(s.len(), 100);
        assert!(s.get(&899, 0).is_none(), "the oldest were evicted");
        assert_eq!(s.get(&900, 0), Some(&900));
        assert_eq!(s.get(&999, 0), Some(&999));
    }

    #[test]
    fn expired_entries_go_before_live_ones() {
        let mut s = BoundedStore::new(3);
        s.insert("old-but-live", 1, 1_000, 0);
        s.insert("short", 2, 5, 0);
        s.insert("shorter", 3, 6, 0);
        // At t = 10 two entries have expired: they make room, the live one stays.
        s.insert("new", 4, 1_000, 10);
        s.insert("newer", 5, 1_000, 10);
        assert_eq!(s.len(), 3);
        assert_eq!(s.get(&"old-but-live", 10), Some(&1));
        assert!(s.get(&"short", 10).is_none());
        assert!(!s.contains(&"shorter", 0), "removed, not just hidden");
    }

    #[test]
    fn expired_entries_are_not_returned() {
        let mut s = BoundedStore::new(10);
        s.insert("k", 1, 100, 0);
        assert!(s.contains(&"k", 99));
        assert!(!s.contains(&"k", 100));
        assert_eq!(s.remove(&"k"), Some((1, 100)));
        assert_eq!(s.remove(&"k"), None);
    }

    #[test]
    fn insert_if_room_never_evicts_a_live_entry() {
        let mut s = BoundedStore::new(2);
        assert_eq!(s.insert_if_room("a", (), 100, 0), Admission::Stored);
        assert_eq!(s.insert_if_room("b", (), 100, 0), Admission::Stored);
        assert_eq!(s.insert_if_room("c", (), 100, 0), Admission::Full);
        assert!(s.contains(&"a", 0) && s.contains(&"b", 0));
        // Once one expires there is room again; replacing a present key always fits.
        assert_eq!(s.insert_if_room("b", (), 200, 0), Admission::Stored);
        assert_eq!(s.insert_if_room("c", (), 200, 150), Admission::Stored);
        assert!(!s.contains(&"a", 150) && s.contains(&"c", 150));
    }

    #[test]
    fn rotation_does_not_grow_the_order_queue() {
        let mut s = BoundedStore::new(10);
        for i in 0..10_000u64 {
            s.insert(i, (), 1_000, 0);
            s.remove(&i);
        }
        assert_eq!(s.len(), 0);
        assert!(s.order_len() <= 21, "{}", s.order_len());
    }
}
