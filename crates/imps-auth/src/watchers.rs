//! The watcher list of one publisher (seed 3.3.4), laid out for fan-out: a dense array of
//! precomputed attribute bit masks, evaluated with a few bit operations per watcher.

use std::collections::BTreeMap;

use imps_csp::ids::UserId;
use imps_csp::presence::{AttrSet, PresenceAttr, PresenceSubList};
use serde::{Deserialize, Serialize};

use crate::types::{Delivery, WatcherInfo};
use crate::Timestamp;

/// The per-watcher masks the fan-out reads; kept apart from the rest so the hot loop walks
/// 12 bytes per watcher.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct WatchBits {
    /// `defined_bits()` of the attributes the watcher is authorised for.
    pub auth: u32,
    /// `defined_bits()` of the subscribed attributes (all ones for "all").
    pub sub: u32,
    /// Whether both the authorised and the subscribed sets may hold extension attributes, so
    /// an update of extension attributes needs the full set computation for this watcher.
    pub ext: bool,
}

/// One live subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Watcher {
    pub user: UserId,
    /// Subscribed attributes (`None`: all).
    pub subscribed: Option<AttrSet>,
    /// Cached authorisation (recomputed whenever an input to it changes).
    pub authorised: AttrSet,
    pub until: Option<Timestamp>,
}

impl Watcher {
    fn bits(&self) -> WatchBits {
        let auth_ext = self.authorised.extensions().next().is_some();
        let (sub, sub_ext) = match &self.subscribed {
            None => (u32::MAX, true),
            Some(s) => (s.defined_bits(), s.extensions().next().is_some()),
        };
        WatchBits { auth: self.authorised.defined_bits(), sub, ext: auth_ext && sub_ext }
    }

    /// The attributes of `changed` this watcher may see and subscribed to.
    pub fn visible(&self, changed: &AttrSet) -> AttrSet {
        let v = changed.intersection(&self.authorised);
        match &self.subscribed {
            None => v,
            Some(s) => v.intersection(s),
        }
    }
}

/// The live subscriptions to one publisher. `bits[i]` and `entries[i]` describe the same
/// watcher; `index` maps a user to its position.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub(crate) struct WatcherTable {
    bits: Vec<WatchBits>,
    entries: Vec<Watcher>,
    index: BTreeMap<UserId, u32>,
}

/// The attribute set of a defined-attribute bit mask.
fn set_of_bits(bits: u32) -> AttrSet {
    PresenceAttr::ALL.into_iter().filter(|a| bits & (1 << *a as u8) != 0).collect()
}

impl WatcherTable {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn get(&self, user: &UserId) -> Option<&Watcher> {
        self.index.get(user).map(|&i| &self.entries[i as usize])
    }

    /// Adds or replaces the subscription of `w.user`; returns the replaced one.
    pub fn upsert(&mut self, w: Watcher) -> Option<Watcher> {
        let bits = w.bits();
        match self.index.get(&w.user) {
            Some(&i) => {
                self.bits[i as usize] = bits;
                Some(std::mem::replace(&mut self.entries[i as usize], w))
            }
            None => {
                self.index.insert(w.user.clone(), self.entries.len() as u32);
                self.bits.push(bits);
                self.entries.push(w);
                None
            }
        }
    }

    pub fn remove(&mut self, user: &UserId) -> Option<Watcher> {
        let i = self.index.remove(user)? as usize;
        self.bits.swap_remove(i);
        let w = self.entries.swap_remove(i);
        if let Some(moved) = self.entries.get(i) {
            self.index.insert(moved.user.clone(), i as u32);
        }
        Some(w)
    }

    /// Replaces the cached authorisation of a watcher.
    pub fn set_authorised(&mut self, user: &UserId, authorised: AttrSet) {
        if let Some(&i) = self.index.get(user) {
            let e = &mut self.entries[i as usize];
            e.authorised = authorised;
            self.bits[i as usize] = e.bits();
        }
    }

    /// Watchers' user ids, sorted.
    pub fn users(&self) -> impl Iterator<Item = &UserId> {
        self.index.keys()
    }

    /// Watchers, sorted by user id.
    pub fn iter_sorted(&self) -> impl Iterator<Item = &Watcher> {
        self.index.values().map(|&i| &self.entries[i as usize])
    }

    /// The watcher list as the publisher retrieves it (seed 3.3.7): live at `now`.
    pub fn list(&self, now: Timestamp) -> Vec<WatcherInfo> {
        self.iter_sorted()
            .filter(|w| w.until.is_none_or(|t| t > now))
            .map(|w| WatcherInfo { user: w.user.clone(), attributes: w.subscribed.clone(), until: w.until })
            .collect()
    }

    /// The fan-out of one update (seed 3.4.3): for every watcher, the changed attributes it is
    /// authorised for and subscribed to; watchers with none get nothing. Watchers seeing the
    /// same attributes share one view.
    pub fn fan_out(&self, presence: &PresenceSubList, changed: &AttrSet) -> (Vec<PresenceSubList>, Vec<Delivery>) {
        let mut views = Vec::new();
        let mut deliveries = Vec::new();
        let changed_bits = changed.defined_bits();
        let changed_ext = changed.extensions().next().is_some();
        if changed_bits == 0 && !changed_ext {
            return (views, deliveries);
        }
        // Views of defined attributes only, keyed by mask; views with extensions, by set.
        let mut by_bits: Vec<(u32, usize)> = Vec::new();
        let mut by_set: Vec<(AttrSet, usize)> = Vec::new();
        let mut last: (u32, usize) = (0, 0);
        for (i, b) in self.bits.iter().enumerate() {
            let view = if changed_ext && b.ext {
                let visible = self.entries[i].visible(changed);
                if visible.extensions().next().is_none() {
                    match Self::bits_view(visible.defined_bits(), presence, &mut views, &mut by_bits, &mut last) {
                        Some(v) => v,
                        None => continue,
                    }
                } else {
                    match by_set.iter().find(|(s, _)| *s == visible) {
                        Some(&(_, v)) => v,
                        None => {
                            views.push(presence.filtered(&visible));
                            by_set.push((visible, views.len() - 1));
                            views.len() - 1
                        }
                    }
                }
            } else {
                match Self::bits_view(changed_bits & b.auth & b.sub, presence, &mut views, &mut by_bits, &mut last) {
                    Some(v) => v,
                    None => continue,
                }
            };
            deliveries.push(Delivery { to: self.entries[i].user.clone(), view });
        }
        (views, deliveries)
    }

    #[inline]
    fn bits_view(
        mask: u32,
        presence: &PresenceSubList,
        views: &mut Vec<PresenceSubList>,
        by_bits: &mut Vec<(u32, usize)>,
        last: &mut (u32, usize),
    ) -> Option<usize> {
        if mask == 0 {
            return None;
        }
        if last.0 == mask {
            return Some(last.1);
        }
        let v = match by_bits.iter().find(|(m, _)| *m == mask) {
            Some(&(_, v)) => v,
            None => {
                views.push(presence.filtered(&set_of_bits(mask)));
                by_bits.push((mask, views.len() - 1));
                views.len() - 1
            }
        };
        *last = (mask, v);
        Some(v)
    }

    /// Checks the table's internal consistency (tests).
    pub fn check(&self) -> Result<(), String> {
        if self.bits.len() != self.entries.len() || self.index.len() != self.entries.len() {
            return Err("watcher table lengths differ".into());
        }
        for (u, &i) in &self.index {
            let e = self.entries.get(i as usize).ok_or("index out of range")?;
            if &e.user != u {
                return Err(format!("index of {u} points at {}", e.user));
            }
            if self.bits[i as usize] != e.bits() {
                return Err(format!("stale bits for {u}"));
            }
        }
        Ok(())
    }
}
