//! Plain data the engine stores and returns.

use std::collections::BTreeMap;

use imps_csp::ids::{ContactListId, UserId};
use imps_csp::presence::{AttrSet, PresenceSubList};
use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// A member to put on a contact list (CSP `NickList`: `NickName (Name?, UserID)`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// The member.
    pub user: UserId,
    /// The publisher's nickname for it.
    pub nickname: Option<String>,
}

impl Contact {
    /// A member without nickname.
    pub fn new(user: impl Into<UserId>) -> Self {
        Contact { user: user.into(), nickname: None }
    }

    /// A member with a nickname.
    pub fn with_nickname(user: impl Into<UserId>, nickname: impl Into<String>) -> Self {
        Contact { user: user.into(), nickname: Some(nickname.into()) }
    }
}

/// Properties given when creating a contact list (CSP `ContactListProperties`: `DisplayName`,
/// `Default`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ListProperties {
    /// `DisplayName`.
    pub display_name: Option<String>,
    /// `Default`: whether this is the publisher's default contact list. At most one list is
    /// the default; making a list the default clears the flag on the previous one.
    pub default: bool,
}

/// A change of contact list properties (CSP `ListManage-Request` with
/// `ContactListProperties`); `None` leaves a property as it is.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ListPropertiesUpdate {
    /// New `DisplayName`.
    pub display_name: Option<String>,
    /// New `Default` flag.
    pub default: Option<bool>,
}

/// A contact list (seed 3.2), as the publisher manages it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ContactList {
    /// `DisplayName`.
    pub display_name: Option<String>,
    /// `Default` flag.
    pub default: bool,
    /// Members (normalised ids) and their nicknames.
    pub members: BTreeMap<UserId, Option<String>>,
    /// The attribute list attached to the contact list (seed 3.3.2), if any.
    pub attributes: Option<AttrSet>,
}

/// What an attribute list is attached to (CSP `CreateAttributeList-Request`: `UserID*`,
/// `ContactList*`, `DefaultList`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AttrTarget {
    /// The publisher's Default Public Attribute List.
    Default,
    /// A contact list of the publisher.
    ContactList(ContactListId),
    /// An individual user.
    User(UserId),
}

/// The publisher's attribute lists (CSP `GetAttributeList-Response`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AttributeLists {
    /// The Default Public Attribute List.
    pub default: Option<AttrSet>,
    /// Lists attached to contact lists.
    pub contact_lists: BTreeMap<ContactListId, AttrSet>,
    /// Lists attached to individual users.
    pub users: BTreeMap<UserId, AttrSet>,
}

/// `ReactiveAuthState` (CSP 1.2 `GetReactiveAuthStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReactiveState {
    /// `PENDING`: asked, not answered.
    Pending,
    /// `GRANTED`: accepted.
    Granted,
    /// `DENIED`: refused; remembered, so the requester is refused without asking again.
    Denied,
}

/// A pending subscription: the subscribe that caused a reactive request, kept until the
/// publisher answers (seed 3.3.3: "if authorised, adds the user to the watcher list").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingSubscription {
    /// Attributes subscribed to (`None`: all).
    pub attributes: Option<AttrSet>,
    /// End of the subscription.
    pub until: Option<Timestamp>,
}

/// One requester's reactive authorisation at one publisher (seed 3.3.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReactiveRecord {
    /// Where it stands.
    pub state: ReactiveState,
    /// What was requested: named attributes, or `None` for "all attributes", which acceptance
    /// turns into the Default Public Attribute List.
    pub requested: Option<AttrSet>,
    /// The subscription waiting for the answer, if the request came from a subscribe.
    pub pending_subscription: Option<PendingSubscription>,
}

/// One entry of `GetReactiveAuthStatus-Response` (`ReactiveAuthStatus (UserID,
/// ReactiveAuthState, PresenceSubList?)`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReactiveAuthStatus {
    /// The requester.
    pub user: UserId,
    /// Its state.
    pub state: ReactiveState,
    /// The requested attributes (`None`: all, i.e. the Default Public Attribute List).
    pub attributes: Option<AttrSet>,
}

/// One entry of a watcher list (seed 3.3.4; CSP `Watcher (User, WatcherStatus?)`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatcherInfo {
    /// The subscriber.
    pub user: UserId,
    /// The subscribed attributes (`None`: all).
    pub attributes: Option<AttrSet>,
    /// When the subscription ends, if it does.
    pub until: Option<Timestamp>,
}

/// Why a subscription (live or pending) ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EndReason {
    /// Its end time passed (seed 3.4.1: "to a time period").
    Expired,
    /// The publisher withdrew every authorisation the subscriber had (seed 3.3.5).
    AuthorisationWithdrawn,
    /// The publisher denied the reactive request the pending subscription waited for.
    AuthorisationDenied,
    /// The subscriber asked for its authorisation to be removed (seed 3.3.5).
    RemovalRequested,
}

/// What a server must turn into CSP messages. Every operation returns its effects; the engine
/// never calls out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Effect {
    /// Send `PresenceAuth-Request (UserID, PresenceSubList?)` to the publisher: `requester`
    /// asks for `attributes` (`None`: all).
    AuthorisationRequest {
        /// Who is asked.
        publisher: UserId,
        /// Who asks.
        requester: UserId,
        /// What is asked for.
        attributes: Option<AttrSet>,
    },
    /// Send a `PresenceNotification-Request` to `to` with `presence` of `publisher` (the
    /// initial presence of a subscription that became live on acceptance).
    Notify {
        /// Whose presence.
        publisher: UserId,
        /// The watcher.
        to: UserId,
        /// The values it may see.
        presence: Box<PresenceSubList>,
    },
    /// A subscription of `subscriber` to `publisher` ended (or a pending one was dropped);
    /// nothing more will be delivered on it.
    SubscriptionEnded {
        /// Whose presence.
        publisher: UserId,
        /// The former watcher.
        subscriber: UserId,
        /// Why.
        reason: EndReason,
    },
    /// Tell the publisher that `subscriber` asked for its authorisation to be removed and what
    /// the engine withdrew (seed 3.3.5).
    AuthorisationRemoved {
        /// The publisher.
        publisher: UserId,
        /// Who asked.
        subscriber: UserId,
        /// Contact lists it was removed from.
        contact_lists: Vec<ContactListId>,
        /// Whether its individual attribute list was deleted.
        individual_list: bool,
        /// Whether a reactive grant or pending request was dropped.
        reactive: bool,
    },
}

/// An operation's answer plus the effects it caused. The effects of the expiry step every
/// state-changing operation runs first come before the operation's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Response<T> {
    /// The answer.
    pub outcome: T,
    /// Messages to send, in order.
    pub effects: Vec<Effect>,
}

/// Answer to [`subscribe`](crate::AuthEngine::subscribe).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SubscribeOutcome {
    /// The subscriber is on the watcher list; `initial` is the presence it may see now.
    Subscribed {
        /// The initial presence (seed 3.4.1).
        initial: Box<PresenceSubList>,
    },
    /// A reactive authorisation request is (or already was) pending; the subscription starts
    /// if the publisher accepts.
    PendingAuthorisation,
    /// The publisher denied this user; nothing was asked.
    Denied,
}

/// Answer to [`get_presence`](crate::AuthEngine::get_presence).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GetOutcome {
    /// The presence the requester may see (possibly empty).
    Presence(Box<PresenceSubList>),
    /// A reactive authorisation request is (or already was) pending.
    PendingAuthorisation,
    /// The publisher denied this user.
    Denied,
}

/// Answer to [`unsubscribe`](crate::AuthEngine::unsubscribe).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UnsubscribeOutcome {
    /// A live or pending subscription was removed.
    Unsubscribed,
    /// There was none.
    NotSubscribed,
}

/// Answer to [`cancel_authorisation`](crate::AuthEngine::cancel_authorisation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CancelOutcome {
    /// A reactive grant or pending request was withdrawn.
    Cancelled,
    /// There was none (a denial stays).
    NothingToCancel,
}

/// One watcher's share of a presence update: `view` indexes [`PresenceUpdate::views`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// The watcher.
    pub to: UserId,
    /// Index into [`PresenceUpdate::views`].
    pub view: usize,
}

/// The result of a presence update (seed 3.4.3): one `PresenceNotification` per delivery.
/// Watchers that may see the same attributes share one view, so a server encodes each view
/// once.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PresenceUpdate {
    /// Attributes whose value changed.
    pub changed: AttrSet,
    /// Distinct filtered presences.
    pub views: Vec<PresenceSubList>,
    /// Who gets which view, in an unspecified but deterministic order.
    pub deliveries: Vec<Delivery>,
}

impl PresenceUpdate {
    /// Each watcher with the presence to send it.
    pub fn notifications(&self) -> impl Iterator<Item = (&UserId, &PresenceSubList)> {
        self.deliveries.iter().map(|d| (&d.to, &self.views[d.view]))
    }
}
