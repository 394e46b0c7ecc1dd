//! # imps
//!
//! Wireless Village / OMA IMPS (Instant Messaging and Presence Service) for Rust: the facade of
//! the `imps-*` crate family. Each part is a sans-IO crate: it takes bytes, messages and the
//! current time, and returns messages, effects and the next deadline.
//!
//! | crate | what it holds |
//! |---|---|
//! | [`wbxml`] (`imps-wbxml`) | generic WBXML 1.0–1.3 reader and writer |
//! | [`auth`] (`imps-auth`) | presence authorisation engine (contact and attribute lists, proactive and reactive authorisation, watcher lists, fan-out) and IM block/grant lists |
//! | [`ssp`] (`imps-ssp`) | the server-to-server protocol (SSP 1.3): typed messages and XML codec, and a domain relaying services to and from other domains |
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub use imps_auth as auth;
pub use imps_ssp as ssp;
pub use imps_wbxml as wbxml;
