//! # imps-csp
//!
//! The Wireless Village / OMA IMPS Client-Server Protocol (CSP) 1.1, 1.2 and 1.3 as typed Rust:
//! every primitive as a struct in the [`Primitive`] enum, the presence-attribute model, result
//! codes, identifiers, and symmetric XML and WBXML codecs driven by one description per element.
//!
//! ```
//! use imps_csp::{Message, Primitive, SessionDescriptor, Transaction, Version};
//! use imps_csp::primitive::access::PollingRequest;
//!
//! let msg = Message::new(
//!     SessionDescriptor::inband("s-1".into()),
//!     Transaction::request("t-1", PollingRequest::default()),
//! );
//! let xml = msg.to_xml(Version::V1_2).unwrap();
//! let wbxml = msg.to_wbxml(Version::V1_2).unwrap();
//! assert_eq!(Message::decode(&xml).unwrap().message, msg);
//! let decoded = Message::decode(&wbxml).unwrap();
//! assert_eq!((decoded.message, decoded.version), (msg, Version::V1_2));
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod codec;
mod datetime;
pub mod elements;
mod error;
pub mod ids;
mod message;
pub mod presence;
pub mod primitive;
mod raw;
mod result_code;
pub mod schema;
mod version;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod testutil;

pub use datetime::{DateTime, Zone};
pub use elements::CspResult;
pub use error::Error;
pub use message::{
    DecodeOptions, Decoded, Encoding, ExtBlock, Message, SessionDescriptor, SessionType, Transaction, TransactionMode,
};
pub use primitive::{Originator, Primitive, PrimitiveKind};
pub use raw::{RawElement, RawNode};
pub use result_code::ResultCode;
pub use version::Version;
