//! Everything the engine keeps about one publisher, and the authorisation rules (seed 3.3.2,
//! 3.3.3, 3.3.6) evaluated on it.

use std::collections::BTreeMap;

use imps_csp::ids::{ContactListId, UserId};
use imps_csp::presence::{AttrSet, PresenceSubList};
use serde::{Deserialize, Serialize};

use crate::types::{AttributeLists, ContactList, ReactiveRecord, ReactiveState, WatcherInfo};
use crate::watchers::WatcherTable;
use crate::Timestamp;

/// One publisher's state: its presence, contact lists, attribute lists, reactive
/// authorisations and watcher list. Keyed in the engine by the publisher's normalised id.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PublisherState {
    pub(crate) presence: PresenceSubList,
    pub(crate) contact_lists: BTreeMap<ContactListId, ContactList>,
    pub(crate) default_attributes: Option<AttrSet>,
    pub(crate) user_attributes: BTreeMap<UserId, AttrSet>,
    pub(crate) reactive: BTreeMap<UserId, ReactiveRecord>,
    pub(crate) watchers: WatcherTable,
}

impl PublisherState {
    /// The publisher's current presence values.
    pub fn presence(&self) -> &PresenceSubList {
        &self.presence
    }

    /// The contact lists, by id.
    pub fn contact_lists(&self) -> &BTreeMap<ContactListId, ContactList> {
        &self.contact_lists
    }

    /// The Default Public Attribute List.
    pub fn default_attributes(&self) -> Option<&AttrSet> {
        self.default_attributes.as_ref()
    }

    /// The individual attribute lists.
    pub fn user_attributes(&self) -> &BTreeMap<UserId, AttrSet> {
        &self.user_attributes
    }

    /// The reactive authorisation records, by requester.
    pub fn reactive(&self) -> &BTreeMap<UserId, ReactiveRecord> {
        &self.reactive
    }

    /// Number of live subscriptions.
    pub fn watcher_count(&self) -> usize {
        self.watchers.len()
    }

    /// The watcher list (seed 3.3.4, 3.3.7), sorted by user: subscriptions live at `now`.
    pub fn watcher_list(&self, now: Timestamp) -> Vec<WatcherInfo> {
        self.watchers.list(now)
    }

    /// All attribute lists (CSP `GetAttributeList`).
    pub fn attribute_lists(&self) -> AttributeLists {
        AttributeLists {
            default: self.default_attributes.clone(),
            contact_lists: self
                .contact_lists
                .iter()
                .filter_map(|(id, l)| l.attributes.clone().map(|a| (id.clone(), a)))
                .collect(),
            users: self.user_attributes.clone(),
        }
    }

    /// The attributes `user` is proactively authorised for (seed 3.3.2):
    ///
    /// * an **individual attribute list** for `user`, if there is one, and nothing else — "the
    ///   individual attributes override the attributes of the contact list". An individual
    ///   list applies whether or not the user is on a contact list (seed 3.3.1: proactive
    ///   authorisation targets "either individual users or a group of users through contact
    ///   list"), and an empty one authorises nothing;
    /// * otherwise the **union** over every contact list holding `user` ("the combination of
    ///   the attributes in all attribute lists are authorized") of that list's attribute list —
    ///   or, for a list with no attribute list attached, of the **Default Public Attribute
    ///   List** (members "are proactively authorized"; the default list is what the publisher
    ///   shows when it named nothing more specific). A list without attribute list while the
    ///   default list does not exist contributes nothing;
    /// * otherwise nothing.
    ///
    /// The user is "proactively authorised" (seed 3.3.6) when this set is not empty.
    pub fn proactive_attributes(&self, user: &UserId) -> AttrSet {
        if let Some(a) = self.user_attributes.get(user) {
            return a.clone();
        }
        let mut set = AttrSet::new();
        for list in self.contact_lists.values() {
            if list.members.contains_key(user) {
                match (&list.attributes, &self.default_attributes) {
                    (Some(a), _) | (None, Some(a)) => set = set.union(a),
                    (None, None) => {}
                }
            }
        }
        set
    }

    /// Whether `user` is authorised at all, and for which attributes (seed 3.3.6: "the
    /// proactive authorisation has priority over reactive authorisation"):
    ///
    /// * the proactive set, when it is not empty (a reactive grant then adds nothing);
    /// * otherwise, with a `GRANTED` reactive record, the requested attributes — or, when none
    ///   were named, the Default Public Attribute List **as it is now** (so changing or
    ///   deleting the default list withdraws at once), possibly empty;
    /// * otherwise `None`: not authorised. A subscribe or get then goes through reactive
    ///   authorisation.
    ///
    /// The publisher itself is not asked about: it always sees its own presence.
    pub fn authorisation(&self, user: &UserId) -> Option<AttrSet> {
        let proactive = self.proactive_attributes(user);
        if !proactive.is_empty() {
            return Some(proactive);
        }
        match self.reactive.get(user) {
            Some(ReactiveRecord { state: ReactiveState::Granted, requested, .. }) => {
                Some(requested.as_ref().or(self.default_attributes.as_ref()).cloned().unwrap_or_default())
            }
            _ => None,
        }
    }

    /// Members of contact list `id` (empty when there is none).
    pub(crate) fn members_of(&self, id: &ContactListId) -> Vec<UserId> {
        self.contact_lists.get(id).map(|l| l.members.keys().cloned().collect()).unwrap_or_default()
    }
}
