//! The one error type of this crate.

/// A WBXML error: what went wrong and the byte offset in the input (reader) or the number of
/// bytes written so far (writer).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at byte {offset}")]
pub struct Error {
    /// Byte offset of the offending token (reader) or the output length (writer).
    pub offset: usize,
    /// What went wrong.
    pub kind: ErrorKind,
}

impl Error {
    /// An error of `kind` at `offset`.
    pub fn new(kind: ErrorKind, offset: usize) -> Self {
        Error { offset, kind }
    }
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input ended inside the header, a token, a string or an element.
    #[error("unexpected end of input")]
    UnexpectedEof,
    /// An `mb_u_int32` was longer than 5 bytes.
    #[error("mb_u_int32 longer than 5 bytes")]
    MbUintTooLong,
    /// An `mb_u_int32` did not fit in 32 bits.
    #[error("mb_u_int32 overflows 32 bits")]
    MbUintOverflow,
    /// The version byte is not WBXML 1.0-1.3.
    #[error("unsupported WBXML version byte {0:#04x}")]
    UnsupportedVersion(u8),
    /// The charset MIBenum is not UTF-8, US-ASCII or ISO-8859-1.
    #[error("unsupported charset MIBenum {0}")]
    UnsupportedCharset(u32),
    /// A string is not valid in the document charset.
    #[error("string is not valid {0}")]
    InvalidString(&'static str),
    /// An inline string has no terminating NUL.
    #[error("unterminated inline string")]
    UnterminatedString,
    /// A string-table reference points outside the table, or not at a string's start.
    #[error("string table reference {0} out of range")]
    BadStringTableReference(u32),
    /// A code page switch names a page the document cannot use (pages are `0..=255`; a token
    /// is reported when it is not valid in the current state).
    #[error("unexpected token {0:#04x}")]
    UnexpectedToken(u8),
    /// The document has no root element.
    #[error("document has no root element")]
    NoRootElement,
    /// Bytes follow the root element (other than processing instructions).
    #[error("trailing data after the root element")]
    TrailingData,
    /// The document is larger than [`Limits::max_input`](crate::Limits::max_input).
    #[error("document of {0} bytes exceeds the input limit")]
    InputTooLarge(usize),
    /// Elements nest deeper than [`Limits::max_depth`](crate::Limits::max_depth).
    #[error("element nesting exceeds depth limit {0}")]
    TooDeep(usize),
    /// The string table is larger than [`Limits::max_string_table`](crate::Limits::max_string_table).
    #[error("string table of {0} bytes exceeds the limit")]
    StringTableTooLarge(u32),
    /// An element has more attributes than [`Limits::max_attributes`](crate::Limits::max_attributes).
    #[error("element has more than {0} attributes")]
    TooManyAttributes(usize),
    /// An `OPAQUE` block is larger than [`Limits::max_opaque`](crate::Limits::max_opaque).
    #[error("opaque data of {0} bytes exceeds the limit")]
    OpaqueTooLarge(u32),
    /// Writer: a string holds a NUL, which WBXML strings cannot carry.
    #[error("string contains a NUL character")]
    NulInString,
    /// Writer: an event that is not valid in the writer's current state (e.g. `End` with no
    /// open element, an attribute after content, content after the root element).
    #[error("{0}")]
    InvalidWriterState(&'static str),
    /// Writer: a token outside its valid range (tags `0x05..=0x3F`, attribute starts
    /// `0x05..=0x7F`, attribute values `0x80..=0xFF`, extension number `0..=2`).
    #[error("token {0:#04x} out of range")]
    TokenOutOfRange(u8),
}
