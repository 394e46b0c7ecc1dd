//! Messaging access control (seed 4.3): a block list and a grant list per user.
//!
//! Seed 4.3: "The IMPS users are able to block messages from users with a black list as well
//! as allow messages with a white list. This blocking applies both point to (multi)point
//! messaging as well as messaging via group feature. The black list and white lists may be
//! used in parallel with clear priority rules." The priority rules themselves are not public
//! (spec notes 4.1); [`AccessLists::allows`] fixes the strict ones, in one place.

use std::collections::BTreeSet;

use imps_csp::ids::{GroupId, SName, UserId};
use serde::{Deserialize, Serialize};

/// One entry of a block or grant list (CSP `EntityList`: `UserID`, `ScreenName`, `GroupID`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Entity {
    /// A user: matches every message that user sends, directly or through any group.
    User(UserId),
    /// A screen name in a group (`ScreenName (SName, GroupID)`): matches messages sent
    /// through that group under that screen name.
    ScreenName {
        /// The group.
        group: GroupId,
        /// The screen name, compared exactly (screen names are not normalised).
        name: SName,
    },
    /// A group: matches every message that comes through that group.
    Group(GroupId),
}

impl Entity {
    /// The entity with its ids normalised (user and group ids; screen names are kept).
    pub fn normalized(&self) -> Entity {
        match self {
            Entity::User(u) => Entity::User(u.normalized()),
            Entity::ScreenName { group, name } => Entity::ScreenName { group: group.normalized(), name: name.clone() },
            Entity::Group(g) => Entity::Group(g.normalized()),
        }
    }
}

/// Who sends a message, as the server knows it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Sender {
    /// The sending user (the server knows it even when the group hides it behind a screen
    /// name).
    pub user: UserId,
    /// Set when the message comes through a group.
    pub via_group: Option<ViaGroup>,
}

/// The group a message comes through, and the sender's screen name there.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ViaGroup {
    /// The group.
    pub group: GroupId,
    /// The sender's screen name in the group, if it has one.
    pub screen_name: Option<SName>,
}

impl Sender {
    /// A one-to-one (or one-to-many) message from `user`.
    pub fn user(user: impl Into<UserId>) -> Self {
        Sender { user: user.into(), via_group: None }
    }

    /// A message from `user` through `group`, under `screen_name`.
    pub fn via_group(user: impl Into<UserId>, group: impl Into<GroupId>, screen_name: Option<SName>) -> Self {
        Sender { user: user.into(), via_group: Some(ViaGroup { group: group.into(), screen_name }) }
    }

    /// The sender with its ids normalised.
    pub fn normalized(&self) -> Sender {
        Sender {
            user: self.user.normalized(),
            via_group: self
                .via_group
                .as_ref()
                .map(|v| ViaGroup { group: v.group.normalized(), screen_name: v.screen_name.clone() }),
        }
    }
}

/// A block list or a grant list: an in-use flag and entries (kept while not in use).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EntityList {
    /// Whether the list takes part in decisions (CSP `InUse`).
    pub in_use: bool,
    /// The entries, ids normalised.
    pub entries: BTreeSet<Entity>,
}

impl EntityList {
    /// Whether an entry of this list names the sender: its user id, the group the message
    /// comes through, or its screen name in that group.
    pub fn matches(&self, sender: &Sender) -> bool {
        if self.entries.contains(&Entity::User(sender.user.clone())) {
            return true;
        }
        match &sender.via_group {
            None => false,
            Some(v) => {
                self.entries.contains(&Entity::Group(v.group.clone()))
                    || v.screen_name.as_ref().is_some_and(|name| {
                        self.entries.contains(&Entity::ScreenName { group: v.group.clone(), name: name.clone() })
                    })
            }
        }
    }
}

/// Which of a user's two lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AccessListKind {
    /// The block ("black") list.
    Block,
    /// The grant ("white") list.
    Grant,
}

/// A user's block and grant lists (seed 4.3).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AccessLists {
    /// The block list.
    pub block: EntityList,
    /// The grant list.
    pub grant: EntityList,
}

impl AccessLists {
    /// The list of that kind.
    pub fn list(&self, kind: AccessListKind) -> &EntityList {
        match kind {
            AccessListKind::Block => &self.block,
            AccessListKind::Grant => &self.grant,
        }
    }

    pub(crate) fn list_mut(&mut self, kind: AccessListKind) -> &mut EntityList {
        match kind {
            AccessListKind::Block => &mut self.block,
            AccessListKind::Grant => &mut self.grant,
        }
    }

    /// **The** access-control rule (seed 4.3), the only place it is written. The same rule
    /// applies to one-to-one, one-to-many and group messages.
    ///
    /// 1. A block list in use that matches the sender refuses the message — **blocked wins**,
    ///    even over a matching grant entry.
    /// 2. Otherwise, a grant list in use lets the message through **only if it matches** the
    ///    sender (an empty grant list in use refuses everyone).
    /// 3. Otherwise (neither list in use or matching) the message passes.
    ///
    /// "Matches" is [`EntityList::matches`]: the sender's user id, or — for a message through a
    /// group — the group id or the sender's screen name in that group. A user id entry thus
    /// also blocks that user inside every group. The sender must be normalised
    /// ([`Sender::normalized`]; [`AuthEngine::may_message`](crate::AuthEngine::may_message)
    /// does it).
    pub fn allows(&self, sender: &Sender) -> bool {
        if self.block.in_use && self.block.matches(sender) {
            return false;
        }
        if self.grant.in_use {
            return self.grant.matches(sender);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lists(block: Vec<Entity>, block_in_use: bool, grant: Vec<Entity>, grant_in_use: bool) -> AccessLists {
        AccessLists {
            block: EntityList { in_use: block_in_use, entries: block.into_iter().collect() },
            grant: EntityList { in_use: grant_in_use, entries: grant.into_iter().collect() },
        }
    }

    #[test]
    fn rule_table() {
        let bob = Entity::User("wv:bob".into());
        let s = Sender::user("wv:bob");
        assert!(lists(vec![], false, vec![], false).allows(&s));
        assert!(!lists(vec![bob.clone()], true, vec![], false).allows(&s));
        assert!(lists(vec![bob.clone()], false, vec![], false).allows(&s), "list not in use is ignored");
        assert!(!lists(vec![], false, vec![], true).allows(&s), "grant in use, empty: nobody");
        assert!(lists(vec![], false, vec![bob.clone()], true).allows(&s));
        assert!(!lists(vec![bob.clone()], true, vec![bob.clone()], true).allows(&s), "blocked wins");
    }

    #[test]
    fn group_entries() {
        let g = GroupId::from("wv:chat@x");
        let via = Sender::via_group("wv:bob", g.clone(), Some(SName::from("Bobby")));
        let sn = Entity::ScreenName { group: g.clone(), name: "Bobby".into() };
        assert!(!lists(vec![Entity::Group(g.clone())], true, vec![], false).allows(&via));
        assert!(!lists(vec![sn.clone()], true, vec![], false).allows(&via));
        assert!(!lists(vec![Entity::User("wv:bob".into())], true, vec![], false).allows(&via));
        assert!(lists(vec![Entity::Group(g.clone())], true, vec![], false).allows(&Sender::user("wv:bob")));
        assert!(lists(vec![sn.clone()], false, vec![sn], true).allows(&via));
    }
}
