//! Generic WBXML 1.0–1.3 (WAP-192-WBXML) reader and writer.
//!
//! This crate knows nothing of any particular WBXML language: code pages and token tables are data
//! the caller supplies as a [`Language`]. The [`Reader`] is a pull parser whose [`Event`]s borrow
//! strings and opaque data from the input; the [`Writer`] builds a document into a
//! [`bytes::BytesMut`], with inline strings or a deduplicated string table.
//!
//! Every malformed input is an [`Error`] carrying the byte offset; resource use is bounded by
//! [`Limits`]. The crate has no I/O and no `unsafe`.
//!
//! ```
//! use imps_wbxml::{Event, PublicId, Reader, StringTableMode, Tag, Writer, WriterHeader};
//!
//! let mut w = Writer::new(WriterHeader::new(PublicId::Known(0x11)), StringTableMode::Inline);
//! w.start(Tag::Token { page: 0, token: 0x09 }).unwrap();
//! w.text("hello").unwrap();
//! w.end().unwrap();
//! let bytes = w.finish().unwrap();
//! assert_eq!(&bytes[..], b"\x03\x11\x6a\x00\x49\x03hello\x00\x01");
//!
//! let mut r = Reader::new(&bytes).unwrap();
//! assert_eq!(r.header().public_id, PublicId::Known(0x11));
//! assert!(matches!(r.next().unwrap(), Some(Event::Start { has_content: true, .. })));
//! assert_eq!(r.next().unwrap(), Some(Event::Text("hello".into())));
//! assert_eq!(r.next().unwrap(), Some(Event::End));
//! assert_eq!(r.next().unwrap(), None);
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod error;
mod event;
mod header;
mod limits;
mod mb;
mod reader;
mod table;
pub mod token;
mod writer;

pub use error::{Error, ErrorKind};
pub use event::{AttrStart, AttrValue, Event, Extension, Tag};
pub use header::{Charset, Header, PublicId, WbxmlVersion};
pub use limits::Limits;
pub use reader::Reader;
pub use table::{AttrPage, AttrStartEntry, Language, TagPage};
pub use writer::{StringTableMode, Writer, WriterHeader};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
