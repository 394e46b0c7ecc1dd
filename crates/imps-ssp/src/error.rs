//! The one error type of the codec, with the result code a server answers it with.

use imps_csp::ResultCode;

/// A decode or encode error. Decode errors name the element path
/// (`/WV-SSP-Message/Session/Transaction/...`) or the byte offset where the input went wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Not an SSP message: the root element is something else.
    #[error("not an SSP message: root element is {found}")]
    WrongRoot {
        /// The root element found.
        found: String,
    },
    /// The root's namespace is not the SSP 1.3 one.
    #[error("unsupported SSP namespace: {found}")]
    UnknownVersion {
        /// The namespace found.
        found: String,
    },
    /// The XML is not well-formed, or uses what this codec refuses (DTD entities, mixed
    /// content).
    #[error("XML error at byte {offset}: {message}")]
    Xml {
        /// Byte offset in the input.
        offset: u64,
        /// What went wrong.
        message: String,
    },
    /// Input is not valid UTF-8.
    #[error("invalid UTF-8 at byte {offset}")]
    InvalidUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The document is larger than the limit.
    #[error("document of {size} bytes exceeds the limit of {limit}")]
    TooLarge {
        /// Document size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Elements nest deeper than the limit.
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
    /// A mandatory attribute is missing.
    #[error("{path}: missing mandatory attribute {attribute}")]
    MissingAttribute {
        /// The element's path.
        path: String,
        /// The missing attribute.
        attribute: &'static str,
    },
    /// An element that does not belong where it was found (unknown, or a single-valued element
    /// repeated).
    #[error("{path}: unexpected element {found}")]
    UnexpectedElement {
        /// The parent element's path.
        path: String,
        /// The element found.
        found: String,
    },
    /// Text where only elements belong, or elements where a value belongs.
    #[error("{path}: unexpected content {found}")]
    UnexpectedContent {
        /// The element's path.
        path: String,
        /// What was found.
        found: String,
    },
    /// A transaction holds an element that is not a known primitive.
    #[error("{path}: unknown primitive {found}")]
    UnknownPrimitive {
        /// The transaction's path.
        path: String,
        /// The element found.
        found: String,
    },
    /// An attribute or text value is not valid for its type.
    #[error("{path}: invalid value {value:?} (expected {expected})")]
    InvalidValue {
        /// The element (and attribute, as `@name`) path.
        path: String,
        /// The value (at most 64 characters of it).
        value: String,
        /// What was expected.
        expected: &'static str,
    },
    /// An embedded CSP fragment (a `PresenceSubList`) is not valid CSP.
    #[error("{path}: embedded CSP: {message}")]
    Csp {
        /// The element's path.
        path: String,
        /// The CSP codec's error.
        message: String,
    },
    /// A value cannot be written in XML 1.0 (a control character, say).
    #[error("cannot encode {element}: {reason}")]
    Unencodable {
        /// Element or attribute.
        element: &'static str,
        /// Why.
        reason: &'static str,
    },
}

impl Error {
    /// The result code a server answers this error with (as CSP servers do for malformed
    /// requests): 400 for malformed input, 402 for bad values, 505 for another SSP version,
    /// 500 for what cannot be encoded.
    pub fn result_code(&self) -> ResultCode {
        match self {
            Error::UnknownVersion { .. } => ResultCode::VERSION_NOT_SUPPORTED,
            Error::InvalidValue { .. } | Error::Csp { .. } => ResultCode::BAD_PARAMETER,
            Error::Unencodable { .. } => ResultCode::INTERNAL_SERVER_ERROR,
            _ => ResultCode::BAD_REQUEST,
        }
    }

    pub(crate) fn invalid(path: &str, value: &str, expected: &'static str) -> Self {
        Error::InvalidValue { path: path.to_owned(), value: value.chars().take(64).collect(), expected }
    }
}
