//! # imps-auth
//!
//! The presence authorisation engine of Wireless Village / OMA IMPS: who may see which presence
//! attribute of whom (seed sections 3.2-3.4), and who may message whom (seed 4.3). Sans-IO and
//! deterministic: no I/O, no clock (time is passed in as a [`Timestamp`]), no callbacks — every
//! CSP message a server must send is a returned [`Effect`] — and all state is plain,
//! serde-serialisable data keyed by normalised user id.
//!
//! * Contact lists (seed 3.2): [`AuthEngine::create_contact_list`],
//!   [`delete_contact_list`](AuthEngine::delete_contact_list),
//!   [`add_members`](AuthEngine::add_members), [`remove_members`](AuthEngine::remove_members),
//!   [`set_list_properties`](AuthEngine::set_list_properties),
//!   [`contact_list_ids`](AuthEngine::contact_list_ids),
//!   [`contact_list`](AuthEngine::contact_list).
//! * Attribute lists and proactive authorisation (seed 3.3.2):
//!   [`set_attribute_list`](AuthEngine::set_attribute_list),
//!   [`delete_attribute_list`](AuthEngine::delete_attribute_list),
//!   [`attribute_lists`](AuthEngine::attribute_lists); the rule is
//!   [`PublisherState::proactive_attributes`].
//! * Reactive authorisation and its combination with proactive (seed 3.3.3, 3.3.6):
//!   [`respond_authorisation`](AuthEngine::respond_authorisation),
//!   [`reactive_status`](AuthEngine::reactive_status); the rule is
//!   [`PublisherState::authorisation`].
//! * Watcher list (seed 3.3.4, 3.3.7): [`watcher_list`](AuthEngine::watcher_list).
//! * Withdrawal and removal (seed 3.3.5):
//!   [`cancel_authorisation`](AuthEngine::cancel_authorisation),
//!   [`request_removal`](AuthEngine::request_removal), and every list change.
//! * Delivery (seed 3.4): [`subscribe`](AuthEngine::subscribe),
//!   [`unsubscribe`](AuthEngine::unsubscribe), [`get_presence`](AuthEngine::get_presence),
//!   [`update_presence`](AuthEngine::update_presence), [`expire`](AuthEngine::expire),
//!   [`next_deadline`](AuthEngine::next_deadline).
//! * Messaging access control (seed 4.3): [`AuthEngine::may_message`], the one rule being
//!   [`AccessLists::allows`].
//!
//! The crate README lists every decision taken where the seed leaves a case open.
//!
//! ```
//! use imps_auth::{AttrTarget, AuthEngine, Contact, Effect, ListProperties, SubscribeOutcome, Timestamp};
//! use imps_csp::presence::{AttrSet, PresenceAttr, PresenceSubList, TextAttr};
//!
//! let mut engine = AuthEngine::new();
//! let now = Timestamp::from_secs(1_700_000_000);
//! let (alice, bob, carol) = ("wv:alice@example.com".into(), "wv:bob@example.com".into(), "wv:carol@example.com".into());
//!
//! // Alice puts Bob on her "friends" list and lets that list see her status text.
//! let friends = "wv:alice/friends@example.com".into();
//! engine.create_contact_list(now, &alice, &friends, ListProperties::default(), &[Contact::new("WV:Bob@Example.com")])?;
//! let status: AttrSet = [PresenceAttr::StatusText].into_iter().collect();
//! engine.set_attribute_list(now, &alice, &[AttrTarget::ContactList(friends)], &status)?;
//!
//! // Bob is proactively authorised: subscribing puts him on Alice's watcher list.
//! let r = engine.subscribe(now, &bob, &alice, None, None)?;
//! assert!(matches!(r.outcome, SubscribeOutcome::Subscribed { .. }));
//!
//! // Carol is not: her subscription becomes a reactive request to Alice.
//! let r = engine.subscribe(now, &carol, &alice, None, None)?;
//! assert_eq!(r.outcome, SubscribeOutcome::PendingAuthorisation);
//! assert!(matches!(&r.effects[..], [Effect::AuthorisationRequest { .. }]));
//!
//! // Alice updates her status text and her location: Bob gets only the status text.
//! let text = |v: &str| {
//!     let mut t = TextAttr::default();
//!     t.value = Some(v.to_owned());
//!     Some(t)
//! };
//! let mut update = PresenceSubList::default();
//! update.status_text = text("at lunch");
//! update.free_text_location = text("Helsinki");
//! let r = engine.update_presence(now, &alice, &update)?;
//! let sent: Vec<_> = r.outcome.notifications().collect();
//! assert_eq!(sent.len(), 1);
//! assert_eq!(sent[0].0, &bob);
//! assert_eq!(sent[0].1.attributes(), status);
//! # Ok::<(), imps_auth::Error>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod access;
mod engine;
mod error;
mod limits;
mod publisher;
mod stored;
mod time;
mod types;
mod watchers;

/// The CSP types this crate's API is made of (ids, presence attributes, result codes).
pub use imps_csp as csp;

pub use access::{AccessListKind, AccessLists, Entity, EntityList, Sender, ViaGroup};
pub use engine::AuthEngine;
pub use error::Error;
pub use limits::Limits;
pub use publisher::PublisherState;
pub use stored::StoredUser;
pub use time::Timestamp;
pub use types::{
    AttrTarget, AttributeLists, CancelOutcome, Contact, ContactList, Delivery, Effect, EndReason, GetOutcome,
    ListProperties, ListPropertiesUpdate, PendingSubscription, PresenceUpdate, ReactiveAuthStatus, ReactiveRecord,
    ReactiveState, Response, SubscribeOutcome, UnsubscribeOutcome, WatcherInfo,
};
