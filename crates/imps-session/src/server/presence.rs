//! Presence features (seed section 3) through imps-auth: contact lists, attribute lists,
//! subscriptions, reactive authorisation, watcher lists, `OnlineStatus` kept by the server.

use imps_csp::ids::{ContactListId, UserId};
use imps_csp::{Primitive, ResultCode};
use serde::{Deserialize, Serialize};

use super::config::ServerConfig;
use super::engine::{status, Ctx, Engine};
use super::storage::Storage;
use crate::random::Random;
use crate::Timestamp;

/// What the server stores per user for presence and access control.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UserRecord {}

/// Presence working state: the authorisation engine holds contact lists, attribute lists,
/// reactive authorisations, watcher lists, current presence and block/grant lists.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PresenceState {
    pub(crate) auth: imps_auth::AuthEngine,
}

impl PresenceState {
    pub(crate) fn restore(_config: &ServerConfig, _users: Vec<(UserId, UserRecord)>) -> Self {
        PresenceState::default()
    }
}

impl<S: Storage, R: Random> Engine<S, R> {
    pub(crate) fn presence_request(&mut self, _ctx: &Ctx, _p: Primitive) -> Primitive {
        status(ResultCode::NOT_IMPLEMENTED)
    }
    pub(crate) fn presence_timeout(&mut self, _now: Timestamp) {}
    pub(crate) fn presence_deadline(&self) -> Option<Timestamp> {
        None
    }
    pub(crate) fn presence_session_start(&mut self, _ctx: &Ctx) {}
    pub(crate) fn presence_user_offline(&mut self, _now: Timestamp, _user: &UserId) {}
    pub(crate) fn presence_user_record(&self, _user: &UserId) -> Option<UserRecord> {
        None
    }

    /// The members of `owner`'s contact list `list` (for messages and invitations addressed to a
    /// contact list, seed 4.1), or `None` when the list does not exist.
    pub(crate) fn contact_list_members(&self, _owner: &UserId, _list: &ContactListId) -> Option<Vec<UserId>> {
        None
    }

    /// Seed 4.3: whether `recipient`'s block and grant lists let `sender`'s message through
    /// (one-to-one, or through a group with the sender's screen name and group).
    pub(crate) fn may_message(&self, _recipient: &UserId, _sender: &imps_auth::Sender) -> bool {
        true
    }
}
