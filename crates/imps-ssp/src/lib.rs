//! # imps-ssp
//!
//! The Wireless Village / OMA IMPS Server-Server Protocol (SSP 1.3): the typed
//! `WV-SSP-Message` envelope and primitives with their XML codec ([`model`]), the CSP <-> SSP
//! mapping a home domain does for its clients ([`map`]), and a sans-IO [`Domain`]: the CSP
//! service engine of one domain (`imps-session`) with the SSP relay that connects it to other
//! domains (seed section 9: minimal interoperability, complementary services, service relay
//! through intermediate domains). The crate README lists every choice made where the public
//! record is thin.
//!
//! The codec:
//!
//! ```
//! use imps_ssp::model::session::{SecretToken, SendSecretToken};
//! use imps_ssp::model::{Message, Mode};
//!
//! let token = SendSecretToken {
//!     service_id: "wv:@a.example".into(),
//!     protocol: "WV-SSP".into(),
//!     protocol_version: "1.3".into(),
//!     secret_token: SecretToken { encoding: None, value: "c2VjcmV0".into() },
//! };
//! let m = Message::setup(Mode::Request, "s1", token);
//! let xml = m.to_xml().unwrap();
//! assert!(String::from_utf8_lossy(&xml).contains(r#"<SetupTransaction mode="Request" transactionID="s1">"#));
//! assert_eq!(Message::decode(&xml).unwrap(), m);
//! ```
//!
//! Two domains with an agreement, a user of each, and the transport loop (here: direct
//! hand-over of every [`Transmit`](domain::Transmit)):
//!
//! ```
//! use imps_csp::elements::ClientId;
//! use imps_csp::primitive::access::LoginRequest;
//! use imps_csp::primitive::im::SendMessageRequest;
//! use imps_csp::{Encoding, Message, Primitive, SessionDescriptor, Transaction, Version};
//! use imps_session::server::{Account, Engine, MemoryStorage, ServerConfig};
//! use imps_session::{SplitMix64, Timestamp};
//! use imps_ssp::config::{Agreement, DomainConfig};
//! use imps_ssp::model::common::Service;
//! use imps_ssp::Domain;
//!
//! fn domain(name: &str, peer: &str, user: &str) -> Domain<MemoryStorage, SplitMix64> {
//!     let account = Account::new(&format!("wv:{user}@{name}").into(), "pw");
//!     let engine = Engine::new(ServerConfig::new(name), MemoryStorage::with_accounts([account]), SplitMix64(1)).unwrap();
//!     let config = DomainConfig::new(name).with_agreement(Agreement::mutual(peer, "shared secret", &[Service::Im]));
//!     Domain::new(config, engine, SplitMix64(2))
//! }
//! let mut a = domain("a.example", "b.example", "alice");
//! let mut b = domain("b.example", "a.example", "bob");
//! let now = Timestamp(1_800_000_000_000);
//! let csp = |sid: Option<&str>, p: Primitive| {
//!     let sd = sid.map_or_else(SessionDescriptor::outband, |s| SessionDescriptor::inband(s.into()));
//!     Message::new(sd, Transaction::request("t", p)).encode(Version::V1_2, Encoding::Xml).unwrap()
//! };
//! let login = LoginRequest::with_password("wv:alice@a.example", ClientId::url("http://phone"), "pw", "c");
//! let reply = a.handle_csp(now, &csp(None, login.into())).unwrap();
//! let Primitive::LoginResponse(l) = &Message::decode(&reply.bytes).unwrap().message.transactions[0].primitive else { panic!() };
//! let sid = l.session_id.clone().unwrap();
//! let send = SendMessageRequest::text("wv:alice@a.example", "wv:bob@b.example", "hello");
//! // Deferred: the answer comes from b.example.
//! assert!(a.handle_csp(now, &csp(Some(sid.as_str()), send.into())).unwrap().bytes.is_empty());
//! loop {
//!     let mut moved = false;
//!     while let Some(t) = a.poll_transmit() { moved = true; b.handle_incoming(now, "a.example", &t.bytes); }
//!     while let Some(t) = b.poll_transmit() { moved = true; a.handle_incoming(now, "b.example", &t.bytes); }
//!     if !moved { break; }
//! }
//! // Alice's session holds the SendMessage-Response now (b.example accepted the message).
//! let (m, ..) = a.take_pending(now, &sid).unwrap();
//! assert!(matches!(&m.transactions[0].primitive, Primitive::SendMessageResponse(r) if r.result.code.0 == 200));
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod codec;
pub mod config;
pub mod domain;
mod error;
mod fragment;
pub mod map;
pub mod model;
#[cfg(test)]
mod proptests;
pub mod table;
mod xml;

pub use config::{Agreement, DomainConfig, ServiceRoute};
pub use domain::{Domain, Event, Transmit};
pub use error::Error;
pub use model::common::Service;
pub use model::{Body, DecodeOptions, Message, Mode, Primitive, PrimitiveKind, SetupTransaction, Transaction};
