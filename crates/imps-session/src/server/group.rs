//! Groups (seed section 5): public and private groups, joining with screen names, members and
//! roles, properties, reject lists, change notices.

use imps_csp::ids::{GroupId, SessionId, UserId};
use imps_csp::{Primitive, ResultCode};
use serde::{Deserialize, Serialize};

use super::config::ServerConfig;
use super::engine::{status, Ctx, Engine};
use super::storage::Storage;
use crate::random::Random;
use crate::Timestamp;

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
}
