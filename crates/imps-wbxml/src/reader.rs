//! The pull reader.

use crate::{Error, Event, Header, Limits};

/// A pull reader over one WBXML document held in memory.
///
/// [`Reader::new`] parses the header and string table; [`Reader::next`] then yields the body's
/// [`Event`]s in document order and `Ok(None)` once the root element (and any trailing
/// processing instructions) has been read. After an error, every further call returns the same
/// error: the reader never panics, never loops without consuming input, and never allocates in
/// proportion to a length read from the input before the bytes are there.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    _input: &'a [u8],
}

impl<'a> Reader<'a> {
    /// Parses the header with the default [`Limits`].
    pub fn new(input: &'a [u8]) -> Result<Self, Error> {
        Self::with_limits(input, Limits::DEFAULT)
    }

    /// Parses the header with the given limits.
    pub fn with_limits(input: &'a [u8], limits: Limits) -> Result<Self, Error> {
        let _ = (input, limits);
        todo!()
    }

    /// The document header.
    pub fn header(&self) -> &Header<'a> {
        todo!()
    }

    /// The raw string table.
    pub fn string_table(&self) -> &'a [u8] {
        todo!()
    }

    /// The byte offset of the next token to read.
    pub fn offset(&self) -> usize {
        todo!()
    }

    /// The current element nesting depth (0 outside the root element).
    pub fn depth(&self) -> usize {
        todo!()
    }

    /// The next event, or `None` at the end of the document.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<Option<Event<'a>>, Error> {
        todo!()
    }
}
