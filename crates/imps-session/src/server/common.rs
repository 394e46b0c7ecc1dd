//! Common features (seed section 8, shared content 6): search for users and groups,
//! invitations and their cancellation.

use imps_csp::{Primitive, ResultCode};
use serde::{Deserialize, Serialize};

use super::engine::{status, Ctx, Engine};
use super::storage::Storage;
use crate::random::Random;
use crate::Timestamp;

/// Searches and invitations in progress.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CommonState {}

impl<S: Storage, R: Random> Engine<S, R> {
    pub(crate) fn common_request(&mut self, _ctx: &Ctx, _p: Primitive) -> Primitive {
        status(ResultCode::NOT_IMPLEMENTED)
    }
    pub(crate) fn common_timeout(&mut self, _now: Timestamp) {}
    pub(crate) fn common_deadline(&self) -> Option<Timestamp> {
        None
    }
}
