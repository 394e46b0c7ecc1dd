//! # imps-session
//!
//! Sans-IO state machines for WV / OMA IMPS: the CSP client session ([`client`]) and the
//! server's service engine ([`server`]). They take bytes, decoded messages and the current time,
//! and return messages to transmit, events, and the next deadline; the application brings the
//! transport, the clock and the randomness.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod client;
pub mod digest;
pub mod random;
pub mod server;

pub use imps_auth::Timestamp;
pub use random::{Random, SplitMix64};
