//! The server's service engine (seed sections 3-8): every CSP request answered with the spec's
//! response and result code, server-originated transactions queued per session, everything that
//! outlives a session written through a [`Storage`].
//!
//! The engine is sans-IO: a transport feeds it request bytes (one HTTP POST each, spec notes
//! section 7) and the current time, sends back the [`Reply`], and drains [`Output`]s; see the
//! drain rule on [`Engine`].

mod access;
mod common;
mod config;
mod engine;
mod group;
mod im;
mod presence;
mod remote;
mod storage;

pub use common::CommonState;
pub use config::{Limits, LoginPolicy, PublicGroupConfig, ServerConfig, SpInfo};
pub use engine::{Engine, EngineState, Output, Reply, RequestError, RequestLog, SessionEnd, SessionState};
pub use group::{GroupRecord, GroupsState};
pub use im::{ImState, StoredMessage};
pub use presence::{PresenceState, UserRecord};
pub use remote::{RemoteFeature, RemotePolicy, RemoteRequest, RemoteRequestId, RemoteState};
pub use storage::{Account, Batch, MemoryStorage, Profile, Snapshot, Storage, StorageError};
