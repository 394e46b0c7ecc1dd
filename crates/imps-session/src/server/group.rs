//! Groups (seed section 5): public and private groups, joining with screen names, members and
//! roles, properties, reject lists, change notices.

use imps_csp::ids::{GroupId, SName, SessionId, UserId};
use imps_csp::{Primitive, ResultCode};
use serde::{Deserialize, Serialize};

use super::config::ServerConfig;
use super::engine::{status, Ctx, Engine};
use super::storage::Storage;
use crate::random::Random;
use crate::Timestamp;

/// One joined user a group message goes to (group messages reach joined users only, seed 5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GroupDelivery {
    /// The joined user.
    pub user: UserId,
    /// The session it joined from.
    pub session: SessionId,
    /// The screen name it joined with, if any.
    pub screen_name: Option<SName>,
}

/// What search (seed 8.1) may see of a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GroupSearchEntry {
    pub id: GroupId,
    pub name: Option<String>,
    pub topic: Option<String>,
    pub owner: Option<UserId>,
    pub joined: Vec<UserId>,
    /// `Searchable` property: groups that are not searchable are found by nobody but members.
    pub searchable: bool,
}

/// What the server stores per group.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct GroupRecord {}

/// Group working state.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct GroupsState {}

impl GroupsState {
    pub(crate) fn restore(_config: &ServerConfig, _groups: Vec<(GroupId, GroupRecord)>) -> Self {
        GroupsState {}
    }
}

impl<S: Storage, R: Random> Engine<S, R> {
    pub(crate) fn group_request(&mut self, _ctx: &Ctx, _p: Primitive) -> Primitive {
        status(ResultCode::NOT_IMPLEMENTED)
    }
    pub(crate) fn group_timeout(&mut self, _now: Timestamp) {}
    pub(crate) fn group_deadline(&self) -> Option<Timestamp> {
        None
    }
    pub(crate) fn group_session_end(&mut self, _now: Timestamp, _sid: &SessionId, _user: &UserId) {}
    pub(crate) fn group_record(&self, _id: &GroupId) -> Option<GroupRecord> {
        None
    }
    pub(crate) fn group_exists(&self, _id: &GroupId) -> bool {
        false
    }
    pub(crate) fn install_public_groups(&mut self) {}

    /// Who receives a message the user of `sender` sends to `group`: the sender's screen name in
    /// the group (if it joined with one) and every joined session. `Err` with 800 (no such
    /// group) or 808 (sender has not joined).
    pub(crate) fn group_message_targets(
        &self,
        _group: &GroupId,
        _sender: &SessionId,
    ) -> Result<(Option<SName>, Vec<GroupDelivery>), ResultCode> {
        Err(ResultCode::GROUP_DOES_NOT_EXIST)
    }

    /// The joined user behind a screen name, for a private message inside a group; `Err` with
    /// 800, 808, 812 (private messaging disabled for the group) or 531 (no such screen name).
    pub(crate) fn group_private_target(
        &self,
        _group: &GroupId,
        _screen_name: &SName,
        _sender: &SessionId,
    ) -> Result<(Option<SName>, GroupDelivery), ResultCode> {
        Err(ResultCode::GROUP_DOES_NOT_EXIST)
    }

    /// Every group as search sees it.
    pub(crate) fn group_search_entries(&self) -> Vec<GroupSearchEntry> {
        Vec::new()
    }
}
