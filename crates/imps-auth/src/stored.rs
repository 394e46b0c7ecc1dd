//! What of a user's authorisation state outlives a server restart: contact lists, attribute
//! lists, reactive grants, denials and pending requests, block and grant lists. Presence values,
//! watcher lists and subscriptions (live or waiting for an answer) are session-time state and
//! start empty after a restore.

use std::collections::BTreeMap;

use imps_csp::ids::{ContactListId, UserId};
use imps_csp::presence::AttrSet;
use serde::{Deserialize, Serialize};

use crate::{AccessLists, AuthEngine, ContactList, ReactiveRecord};

/// The lasting part of one user's state, as a server stores it (keyed by the normalised user
/// id, the sharding key).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StoredUser {
    /// Contact lists (seed 3.2), with their attached attribute lists.
    pub contact_lists: BTreeMap<ContactListId, ContactList>,
    /// The Default Public Attribute List (seed 3.3.3).
    pub default_attributes: Option<AttrSet>,
    /// Attribute lists attached to individual users (seed 3.3.2).
    pub user_attributes: BTreeMap<UserId, AttrSet>,
    /// Reactive authorisations by requester (seed 3.3.3), without waiting subscriptions.
    pub reactive: BTreeMap<UserId, ReactiveRecord>,
    /// Block and grant lists (seed 4.3).
    pub access: AccessLists,
}

impl StoredUser {
    /// Whether nothing lasting is held.
    pub fn is_empty(&self) -> bool {
        self == &StoredUser::default()
    }
}

impl AuthEngine {
    /// The lasting state of `user`, or `None` when the engine holds nothing lasting for it.
    pub fn export_user(&self, user: &UserId) -> Option<StoredUser> {
        let user = user.normalized();
        let mut stored = StoredUser::default();
        if let Some(p) = self.publisher(&user) {
            stored.contact_lists = p.contact_lists().clone();
            stored.default_attributes = p.default_attributes().cloned();
            stored.user_attributes = p.user_attributes().clone();
            stored.reactive = p
                .reactive()
                .iter()
                .map(|(k, r)| {
                    let mut r = r.clone();
                    r.pending_subscription = None;
                    (k.clone(), r)
                })
                .collect();
        }
        if let Some(a) = self.access_lists(&user) {
            stored.access = a.clone();
        }
        (!stored.is_empty()).then_some(stored)
    }

    /// Restores the lasting state of `user` (replacing what the engine held for it), as after
    /// a server restart. The user's presence and watcher list start empty.
    pub fn import_user(&mut self, user: &UserId, stored: StoredUser) {
        let user = user.normalized();
        let (publisher, access) = self.restore_slot(&user);
        publisher.contact_lists = stored.contact_lists;
        publisher.default_attributes = stored.default_attributes;
        publisher.user_attributes = stored.user_attributes;
        publisher.reactive = stored.reactive;
        for r in publisher.reactive.values_mut() {
            r.pending_subscription = None;
        }
        *access = stored.access;
    }
}

#[cfg(test)]
mod tests {
    use imps_csp::presence::PresenceAttr;

    use super::*;
    use crate::{AccessListKind, AttrTarget, Contact, Entity, ListProperties, Timestamp};

    #[test]
    fn export_import_keeps_lasting_state_and_drops_session_state() {
        let now = Timestamp::from_secs(1_000);
        let (alice, bob, carol): (UserId, UserId, UserId) =
            ("wv:alice@x".into(), "wv:bob@x".into(), "wv:carol@x".into());
        let mut e = AuthEngine::new();
        assert_eq!(e.export_user(&alice), None);
        let list: ContactListId = "wv:alice/friends@x".into();
        e.create_contact_list(now, &alice, &list, ListProperties::default(), &[Contact::new(bob.clone())]).unwrap();
        let status: AttrSet = [PresenceAttr::StatusText].into_iter().collect();
        e.set_attribute_list(now, &alice, &[AttrTarget::ContactList(list.clone())], &status).unwrap();
        e.add_access_entries(&alice, AccessListKind::Block, &[Entity::User(carol.clone())]).unwrap();
        e.set_access_list_in_use(&alice, AccessListKind::Block, true).unwrap();
        // Carol's subscription waits for Alice's answer: the request lasts, the subscription not.
        e.subscribe(now, &carol, &alice, None, None).unwrap();
        e.subscribe(now, &bob, &alice, None, None).unwrap();
        let stored = e.export_user(&alice).unwrap();
        assert!(stored.reactive[&carol].pending_subscription.is_none());

        let mut restored = AuthEngine::new();
        restored.import_user(&"WV:Alice@X".into(), stored.clone());
        assert_eq!(restored.export_user(&alice), Some(stored));
        assert_eq!(restored.authorised_attributes(&alice, &bob), Some(status));
        assert!(restored.watcher_list(now, &alice).is_empty(), "subscriptions do not survive");
        assert!(!restored.may_message(&alice, &crate::Sender::user(carol)));
    }
}
