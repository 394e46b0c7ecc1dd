//! Instant messaging (seed section 4): send, push and notify/pull delivery, store and forward,
//! delivery reports, forward and reject, block and grant lists.

use imps_csp::ids::{MessageId, SessionId, UserId};
use imps_csp::{Primitive, ResultCode};
use serde::{Deserialize, Serialize};

use super::engine::{status, Ctx, Engine};
use super::storage::Storage;
use crate::random::Random;
use crate::Timestamp;

/// A message kept for a recipient who has not fetched it yet.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StoredMessage {}

/// Instant messaging working state.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ImState {}

impl ImState {
    pub(crate) fn restore(_messages: Vec<(MessageId, StoredMessage)>) -> Self {
        ImState {}
    }
    pub(crate) fn stored_record(&self, _id: &MessageId) -> Option<StoredMessage> {
        None
    }
}

impl<S: Storage, R: Random> Engine<S, R> {
    pub(crate) fn im_request(&mut self, _ctx: &Ctx, _p: Primitive) -> Primitive {
        status(ResultCode::NOT_IMPLEMENTED)
    }
    pub(crate) fn im_timeout(&mut self, _now: Timestamp) {}
    pub(crate) fn im_deadline(&self) -> Option<Timestamp> {
        None
    }
    pub(crate) fn im_session_start(&mut self, _ctx: &Ctx) {}
    pub(crate) fn im_session_end(&mut self, _now: Timestamp, _sid: &SessionId, _user: &UserId) {}
    pub(crate) fn im_delivered(&mut self, _now: Timestamp, _sid: &SessionId, _user: &UserId, _mid: &MessageId, _p: &Primitive) {}
}
