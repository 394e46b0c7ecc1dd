//! The one error type of this crate, with the CSP result code a server answers it with.

use crate::{ResultCode, Version};

/// A decode or encode error. Decode errors name the element path (`/WV-CSP-Message/Session/...`)
/// or the byte offset where the input went wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Not a CSP message at all: the root element is something else.
    #[error("not a CSP message: root element is {found}")]
    WrongRoot {
        /// The root element found.
        found: String,
    },
    /// The version could not be told from the namespace or public id, or is not 1.1-1.3.
    #[error("unknown or unsupported CSP version: {found}")]
    UnknownVersion {
        /// The namespace or public id found.
        found: String,
    },
    /// The XML is not well-formed, or uses what this codec refuses (entities other than the
    /// predefined and character references).
    #[error("XML error at byte {offset}: {message}")]
    Xml {
        /// Byte offset in the input.
        offset: u64,
        /// What the XML parser reported.
        message: String,
    },
    /// The WBXML is malformed (offset inside).
    #[error("WBXML error: {0}")]
    Wbxml(#[from] imps_wbxml::Error),
    /// Input is not valid UTF-8.
    #[error("invalid UTF-8 at byte {offset}")]
    InvalidUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The document is larger than the configured limit.
    #[error("document of {size} bytes exceeds the limit of {limit}")]
    TooLarge {
        /// Document size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Elements nest deeper than the configured limit.
    #[error("{path}: nesting deeper than {limit}")]
    TooDeep {
        /// Where.
        path: String,
        /// The limit.
        limit: usize,
    },
    /// A mandatory element is missing.
    #[error("{path}: missing mandatory element {element}")]
    MissingElement {
        /// The parent element's path.
        path: String,
        /// The missing element.
        element: &'static str,
    },
    /// An element that does not belong where it was found (a known element in the wrong place,
    /// or a single-valued element repeated).
    #[error("{path}: unexpected element {found}")]
    UnexpectedElement {
        /// The parent element's path.
        path: String,
        /// The element found.
        found: String,
    },
    /// `TransactionContent` holds something that is not a known primitive.
    #[error("{path}: unknown primitive {found}")]
    UnknownPrimitive {
        /// The path of `TransactionContent`.
        path: String,
        /// The element found.
        found: String,
    },
    /// Text where only elements may appear, or elements where only text may appear.
    #[error("{path}: unexpected content: {found}")]
    UnexpectedContent {
        /// Where.
        path: String,
        /// What was found.
        found: String,
    },
    /// A value outside its type: not a boolean, integer, DateTime or member of its enumeration.
    #[error("{path}: invalid value {value:?}, expected {expected}")]
    InvalidValue {
        /// The element's path.
        path: String,
        /// The offending value (truncated to 64 characters).
        value: String,
        /// What was expected.
        expected: &'static str,
    },
    /// Encoding: the element does not exist in the target version.
    #[error("{element} does not exist in CSP {version}")]
    NotInVersion {
        /// The element.
        element: &'static str,
        /// The target version.
        version: Version,
    },
    /// Encoding: a value cannot be written (e.g. a NUL character, which neither XML nor WBXML
    /// strings can carry).
    #[error("{element}: cannot encode: {reason}")]
    Unencodable {
        /// The element being written.
        element: &'static str,
        /// Why.
        reason: &'static str,
    },
}

impl Error {
    /// The CSP result code a server answers a request that failed with this error with
    /// (spec notes section 5): 505 for an unsupported version, 501 for an unknown primitive,
    /// 402 for a value outside its type, 400 for every other malformed request, and 500 for
    /// encode errors (the server's own fault).
    pub fn result_code(&self) -> ResultCode {
        match self {
            Error::UnknownVersion { .. } => ResultCode::VERSION_NOT_SUPPORTED,
            Error::UnknownPrimitive { .. } => ResultCode::NOT_IMPLEMENTED,
            Error::InvalidValue { .. } => ResultCode::BAD_PARAMETER,
            Error::NotInVersion { .. } | Error::Unencodable { .. } => ResultCode::INTERNAL_SERVER_ERROR,
            _ => ResultCode::BAD_REQUEST,
        }
    }

    /// True for "this is not a CSP message at all" (wrong root, unknown version), as opposed to
    /// "a CSP message, malformed".
    pub fn is_not_csp(&self) -> bool {
        matches!(self, Error::WrongRoot { .. } | Error::UnknownVersion { .. })
    }
}
