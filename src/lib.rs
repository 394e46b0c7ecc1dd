//! # imps
//!
//! Wireless Village / OMA IMPS (Instant Messaging and Presence Service) for Rust: presence,
//! contact lists, presence authorisation, instant messaging, groups, shared content,
//! invitations, search, and the server-to-server protocol. This crate is the facade of the
//! `imps-*` family; each member is sans-IO: it takes bytes, messages and the current time, and
//! returns messages, effects and the next deadline. The application brings sockets, clocks and
//! randomness.
//!
//! | module | crate | what it holds |
//! |---|---|---|
//! | [`wbxml`] | `imps-wbxml` | generic WBXML 1.0–1.3 pull reader and writer, caller-supplied token tables |
//! | [`csp`] | `imps-csp` | every CSP 1.1/1.2/1.3 primitive as typed Rust, presence attributes, result codes, XML and WBXML codecs |
//! | [`auth`] | `imps-auth` | presence authorisation (contact and attribute lists, proactive and reactive authorisation, watcher lists, fan-out) and IM block/grant lists |
//! | [`session`] | `imps-session` | the CSP client session and the server service engine |
//! | [`ssp`] | `imps-ssp` | the server-to-server protocol (SSP 1.3): typed messages and XML codec, and a domain relaying services to and from other domains |
//!
//! The `imps` command (`imps-cli`) converts and checks messages; `examples/imps-server.rs` is a
//! complete HTTP server over the engine.
//!
//! ## A client and a server, in memory
//!
//! ```
//! use imps::csp::elements::ClientId;
//! use imps::csp::primitive::access::LoginRequest;
//! use imps::csp::{Message, Primitive, SessionDescriptor, Transaction, Version};
//! use imps::session::server::{Account, Engine, MemoryStorage, ServerConfig};
//! use imps::session::{SplitMix64, Timestamp};
//!
//! let alice = "wv:alice@example.com".into();
//! let storage = MemoryStorage::with_accounts([Account::new(&alice, "secret")]);
//! let mut server = Engine::new(ServerConfig::new("example.com"), storage, SplitMix64(7)).unwrap();
//!
//! let login = LoginRequest::with_password(alice, ClientId::url("http://client"), "secret", "cookie");
//! let request = Message::new(SessionDescriptor::outband(), Transaction::request("1", login));
//! let reply = server.handle_request(Timestamp::from_secs(1_800_000_000), &request.to_xml(Version::V1_2).unwrap()).unwrap();
//!
//! let answer = Message::decode(&reply.bytes).unwrap().message;
//! let Primitive::LoginResponse(r) = &answer.transactions[0].primitive else { panic!() };
//! assert_eq!(r.result.code.0, 200);
//! assert!(r.session_id.is_some());
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub use imps_auth as auth;
pub use imps_csp as csp;
pub use imps_session as session;
pub use imps_ssp as ssp;
pub use imps_wbxml as wbxml;
